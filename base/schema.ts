/**
 * Le schéma du système d'enregistrement (PostgreSQL), tel que les requêtes typées (kysely) le
 * voient. Les tables sont créées par les migrations versionnées (`migrations.ts`).
 */
import type { ColumnType, Generated } from 'kysely';

export interface TableSessions {
  /** Empreinte SHA-256 du jeton : le jeton lui-même n'est jamais gardé. */
  empreinte: string;
  personne_id: string;
  expire_le: Date;
  cree_le: ColumnType<Date, Date | undefined, never>;
}

/** Les échecs de connexion récents, par clé (`identifiant:…`, `adresse:…`). */
export interface TableEchecsConnexion {
  id: Generated<string>;
  cle: string;
  le: Date;
}

/**
 * La boîte d'envoi : un courriel par clé d'idempotence (celle que le workflow donne), envoyé une fois
 * même quand deux workers reprennent la même activité. Rien de personnel : ni destinataire, ni
 * contenu (le contenu se reconstruit à l'identique depuis l'entrée de l'activité).
 */
export interface TableCourriels {
  cle: string;
  message_id: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
  envoye_le: Date | null;
  tentatives: ColumnType<number, number | undefined, number>;
}

/** La fiche d'indicateurs d'un parcours (domain/indicateurs.ts), sans donnée personnelle. */
export interface TableFichesIndicateurs {
  workflow_id: string;
  programme_id: string;
  /** bigint : relu en chaîne par pg (Number() : les versions restent sous 2^53). */
  version: ColumnType<string, number, number>;
  /** JSON (jsonb) : écrit sous forme de texte JSON, relu comme un objet. */
  fiche: ColumnType<unknown, string, string>;
  consignee_le: Date;
  /** La première et la dernière date de la fiche, et sa clôture (null : fiche d'avant, lue pour toute période). */
  premier_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  dernier_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  close: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
}

/**
 * Le dossier d'un ménage : ce qu'il faut pour le lister, le trouver et le garder après la fin de son
 * parcours. En clair : ce qui n'est pas personnel (programme, référence, étape, échéance). Chiffré
 * (securite/coffre.ts) : le nom, l'état (décisions, échéances, détails) et, à part, ce que le ménage
 * a confié (jamais déchiffré pour un partenaire).
 */
export interface TableDossiers {
  workflow_id: string;
  programme_id: string;
  type_parcours: string;
  reference: string;
  etape: string;
  libelle_etape: string;
  travailleur_social: string | null;
  coordinateur: string | null;
  /** La plus proche échéance encore ouverte (dépassée ou à venir) : l'ordre des listes. */
  echeance: Date | null;
  libelle_echeance: string | null;
  echeance_depassee: boolean;
  clos: boolean;
  issue: string | null;
  ouvert_le: Date;
  clos_le: Date | null;
  version: ColumnType<string, number, number>;
  consigne_le: Date;
  nom_chiffre: Buffer | null;
  index_nom: string[];
  etat_chiffre: Buffer;
  confidentiel_chiffre: Buffer;
}

/** Le journal d'un dossier : une ligne par événement (`seq` : son numéro dans le parcours), écrite une fois. */
export interface TableJournalDossiers {
  workflow_id: string;
  seq: number;
  le: Date;
  type: string;
  visibilite: string;
  contenu_chiffre: Buffer;
}

/** La trace d'un effacement de dossiers échus : combien, de quel programme, clos avant quand. Rien de personnel. */
export interface TableEffacementsDossiers {
  id: Generated<string>;
  le: Date;
  programme_id: string;
  conservation: string;
  clos_avant: Date;
  nombre: number;
}

/** Les comptes du personnel (mot de passe : empreinte scrypt). */
export interface TablePersonnels {
  id: string;
  nom: string;
  courriel: string;
  role: string;
  programmes: string[];
  mot_de_passe: string;
  actif: ColumnType<boolean, boolean | undefined, boolean>;
  modifie_le: ColumnType<Date, Date | undefined, Date>;
}

/** L'annuaire des partenaires : les contacts de chaque rôle (bailleur, département…) d'un programme, plusieurs par rôle. */
export interface TableContactsPartenaires {
  id: Generated<string>;
  programme_id: string;
  role: string;
  nom: string;
  courriel: string;
  actif: ColumnType<boolean, boolean | undefined, boolean>;
  modifie_le: ColumnType<Date, Date | undefined, Date>;
}

/** Qui a lu quel dossier (contenu confidentiel compris), quand, et quoi (le dossier, un document). */
export interface TableConsultationsDossiers {
  id: Generated<string>;
  le: ColumnType<Date, Date | undefined, never>;
  personne_id: string;
  workflow_id: string;
  objet: string;
}

/** Chaque appel au codec (interface Temporal) : qui, quand, combien de charges, dans quel sens. */
export interface TableDechiffrementsCodec {
  id: Generated<string>;
  le: ColumnType<Date, Date | undefined, never>;
  personne_id: string;
  sens: string;
  nombre: number;
  espace_de_noms: string | null;
}

/** Les workers en marche, par file de tâches : chacun se signale toutes les 5 secondes. */
export interface TableWorkers {
  id: string;
  file: string;
  demarre_le: Date;
  vu_le: Date;
}

export interface Base {
  workers: TableWorkers;
  dechiffrements_codec: TableDechiffrementsCodec;
  consultations_dossiers: TableConsultationsDossiers;
  personnels: TablePersonnels;
  contacts_partenaires: TableContactsPartenaires;
  effacements_dossiers: TableEffacementsDossiers;
  dossiers: TableDossiers;
  journal_dossiers: TableJournalDossiers;
  sessions: TableSessions;
  echecs_connexion: TableEchecsConnexion;
  courriels: TableCourriels;
  fiches_indicateurs: TableFichesIndicateurs;
}
