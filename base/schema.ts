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

/**
 * Les limites des connexions (rate-limiter-flexible, api/auth.ts) : points consommés par clé
 * (`identifiant:…`, `adresse:…`, `delai:…`) jusqu'à `expire` (millisecondes depuis 1970).
 */
export interface TableLimitesConnexion {
  key: string;
  points: number;
  expire: string | null;
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
  /** Début du dernier envoi (0015) : posé avant de parler au serveur SMTP, effacé si l'envoi échoue. */
  envoi_commence_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Un envoi interrompu par la mort du worker : peut-être parti, jamais renvoyé. */
  incertain: ColumnType<boolean, boolean | undefined, boolean>;
  /** Le dernier refus du serveur de courriel (0031) ; reste posé une fois le courriel parti. */
  echoue_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** L'adresse du destinataire refusée pour de bon (0033) : le courriel est redirigé. */
  adresse_refusee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** L'adresse de retour propre au courriel (0034) : `retours+<jeton>@…` ; tiré au hasard à l'insertion. */
  jeton_retour: ColumnType<string | null, never, never>;
  /** À qui il allait, sans adresse : « menage », « partenaire:<rôle> », « personnel », « coordination ». */
  destinataire: ColumnType<string | null, string | null | undefined, string | null>;
  programme_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Un avis de non-remise reçu après l'envoi : sa date et le code d'état (RFC 3463, « 5.1.1 »). */
  non_remis_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  non_remis_statut: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** Fiches d'orientation refusées effacées (0028). */
  orientations_refusees: ColumnType<number, number | undefined, number>;
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
  /** L'organisation du contact (0011) ; son service (proximité, recouvrement, contentieux…). */
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  service: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Une organisation partenaire d'un programme (bailleur social, département, SIAO…). */
export interface TableOrganisations {
  id: string;
  programme_id: string;
  type: string;
  nom: string;
  quota_file_active: ColumnType<number | null, number | null | undefined, number | null>;
  actif: ColumnType<boolean, boolean | undefined, boolean>;
  cree_le: ColumnType<Date, Date | undefined, never>;
  modifie_le: ColumnType<Date, Date | undefined, Date>;
}

/** Le bailleur d'un parcours (choisi au lancement, changé avec une trace). */
export interface TableBailleursParcours {
  workflow_id: string;
  programme_id: string;
  organisation_id: string;
  choisi_par: string;
  choisi_le: ColumnType<Date, Date | undefined, Date>;
  /** Le parcours est clos (noté à la consignation de sa clôture) : il ne compte plus dans la file active. */
  clos: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface TableChangementsBailleur {
  id: Generated<string>;
  workflow_id: string;
  ancien: string | null;
  nouveau: string;
  par: string;
  motif: string;
  le: ColumnType<Date, Date | undefined, never>;
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

/**
 * Une invitation d'un compte du personnel (0012) : l'empreinte SHA-256 du jeton envoyé par courriel,
 * valable 7 jours, une fois ; une nouvelle invitation du même compte annule la précédente.
 */
export interface TableInvitationsPersonnel {
  empreinte: string;
  personne_id: string;
  expire_le: Date;
  cree_par: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
  utilisee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  annulee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/**
 * Une absence du personnel (0012) : du … au … (jours de Paris, bornes comprises), et qui la remplace.
 * Les jours (`date`) se lisent en texte (« 2027-03-14 ») : `du::text`.
 */
export interface TableAbsences {
  id: Generated<string>;
  personne_id: string;
  du: ColumnType<Date, string, string>;
  au: ColumnType<Date, string, string>;
  remplacant_id: string;
  cree_par: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
  annulee_par: ColumnType<string | null, string | null | undefined, string | null>;
  annulee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** Un lien d'orientation envoyé aux contacts d'une organisation (un seul usage). */
export interface TableLiensOrientation {
  id: string;
  organisation_id: string;
  programme_id: string;
  cree_par: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
  expire_le: Date;
  utilise_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** Une fiche d'orientation reçue d'un partenaire (chiffrée : elle nomme le ménage). */
export interface TableOrientations {
  id: string;
  programme_id: string;
  organisation_id: string;
  lien_id: string | null;
  reference: string;
  fiche_chiffree: Buffer;
  statut: ColumnType<string, string | undefined, string>;
  recue_le: ColumnType<Date, Date | undefined, never>;
  traitee_par: ColumnType<string | null, string | null | undefined, string | null>;
  traitee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  motif_refus: ColumnType<string | null, string | null | undefined, string | null>;
  workflow_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Le parcours de l'acceptation lancé (0036) ; null tant qu'une acceptation n'a pas de parcours. */
  parcours_lance_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** L'en-tête Idempotency-Key d'un envoi par le logiciel d'un partenaire (unique par organisation). */
  cle_idempotence: ColumnType<string | null, string | null | undefined, never>;
}

/**
 * Un import d'une liste de la commission impayés (0014) : l'empreinte SHA-256 du fichier, qui, quand,
 * les comptes, et chaque ligne (numéro, référence du dossier, parcours, statut, erreurs) ; rien de
 * personnel (ni nom, ni adresse, ni coordonnées).
 */
export interface TableImportsCommission {
  id: string;
  programme_id: string;
  empreinte: string;
  format: string;
  /** Le jour de la séance (AAAA-MM-JJ), s'il a été donné à l'import. */
  date_seance: string | null;
  par: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
  termine_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  statut: string;
  lignes_total: number;
  lancees: ColumnType<number, number | undefined, number>;
  deja_lancees: ColumnType<number, number | undefined, number>;
  rejetees: ColumnType<number, number | undefined, number>;
  /** JSON (jsonb) : écrit sous forme de texte JSON, relu comme un tableau. */
  lignes: ColumnType<unknown, string | undefined, string>;
}

export interface TableVersionsProgramme {
  programme_id: string;
  version: number;
  /** JSON (jsonb) : écrit sous forme de texte JSON, relu comme un objet. */
  definition: ColumnType<unknown, string, never>;
  /** « fichier » (preset ou dossier du territoire) ou « reglages » (page des réglages, API). */
  origine: string;
  modifie_par: string | null;
  motif: string | null;
  cree_le: ColumnType<Date, Date | undefined, never>;
}

export interface TableClesApiOrganisation {
  id: string;
  organisation_id: string;
  /** SHA-256 du secret (base64url) : la clé elle-même n'est jamais gardée. */
  empreinte: string;
  cree_par: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
  utilisee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revoquee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface TablePrioritesDossiers {
  workflow_id: string;
  programme_id: string;
  /** « menage_isole » : la raison de la priorité (libellé dans domain/prevention.ts). */
  motif: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
}

/** L'accord du ménage pour le partage de son diagnostic (dossiers/consentements.ts) : le dernier fait foi. */
export interface TableConsentementsPartageDiagnostic {
  id: Generated<string>;
  workflow_id: string;
  accorde: boolean;
  /** Les destinataires couverts (domain/partage.ts). */
  portee: ColumnType<string[], string, string>;
  par: string;
  le: ColumnType<Date, Date | undefined, never>;
}

export interface TableConsentementsMenage {
  id: Generated<string>;
  workflow_id: string;
  /** « courriel », « sms » ou « courrier ». */
  canal: string;
  accorde: boolean;
  /** La coordonnée du canal (numéro de portable, adresse de courriel), chiffrée (securite/coffre.ts). */
  coordonnee_chiffre: Buffer | null;
  par: string;
  le: ColumnType<Date, Date | undefined, never>;
}

export interface TableSms {
  cle: string;
  cree_le: ColumnType<Date, Date | undefined, never>;
  envoye_le: Date | null;
  tentatives: ColumnType<number, number | undefined, number>;
  /** Le dernier refus du fournisseur (0032). */
  echoue_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Plus rien ne le renverra : refusé pour de bon, ou reprises épuisées (0032). */
  abandonne_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Venu la nuit, un dimanche ou un jour férié : l'heure où il partira (0037). */
  prevu_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** Les connexions par OpenID Connect en cours : une ligne par état, 10 minutes, un seul usage (0025). */
export interface TableConnexionsOidc {
  /** Empreinte SHA-256 du paramètre `state` : l'état lui-même n'est pas gardé. */
  empreinte: string;
  nonce: string;
  /** Le vérificateur PKCE (code_verifier). */
  verificateur: string;
  /** La page où mener la personne une fois connectée. */
  retour: string;
  expire_le: Date;
  cree_le: ColumnType<Date, Date | undefined, never>;
}

/**
 * Une simulation d'une année demandée depuis la page d'administration (0026) ; le processus qui la
 * mène écrit son avancement et son signe de vie (`battement_le`) toutes les 2 secondes.
 */
export interface TableSimulations {
  id: string;
  /** Les programmes simulés : identifiant, nom, type, version des réglages, ménages, définition (simulations/registre.ts). */
  programmes: ColumnType<unknown, string, string>;
  graine: number;
  /** L'équipe : travailleurs sociaux par programme, dont parfois en retard. */
  options: ColumnType<unknown, string, string>;
  /** en_attente, en_cours, terminee, echouee, interrompue. */
  statut: string;
  etapes_faites: ColumnType<number, number | undefined, number>;
  etapes_total: ColumnType<number | null, number | null | undefined, number | null>;
  message: ColumnType<string | null, string | null | undefined, string | null>;
  /** Le bilan calculé (scripts/simulation/annee.ts, `RapportSimulation`). */
  rapport: ColumnType<unknown, string | null | undefined, string | null>;
  erreur: ColumnType<string | null, string | null | undefined, string | null>;
  demandee_par: string;
  demandee_le: ColumnType<Date, Date | undefined, never>;
  commencee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  terminee_le: ColumnType<Date | null, Date | null | undefined, Date | null>;
  battement_le: ColumnType<Date, Date | undefined, Date>;
}

export interface Base {
  simulations: TableSimulations;
  connexions_oidc: TableConnexionsOidc;
  consentements_menage: TableConsentementsMenage;
  consentements_partage_diagnostic: TableConsentementsPartageDiagnostic;
  sms: TableSms;
  priorites_dossiers: TablePrioritesDossiers;
  cles_api_organisation: TableClesApiOrganisation;
  versions_programme: TableVersionsProgramme;
  imports_commission: TableImportsCommission;
  liens_orientation: TableLiensOrientation;
  orientations: TableOrientations;
  invitations_personnel: TableInvitationsPersonnel;
  absences: TableAbsences;
  organisations: TableOrganisations;
  bailleurs_parcours: TableBailleursParcours;
  changements_bailleur: TableChangementsBailleur;
  workers: TableWorkers;
  dechiffrements_codec: TableDechiffrementsCodec;
  consultations_dossiers: TableConsultationsDossiers;
  personnels: TablePersonnels;
  contacts_partenaires: TableContactsPartenaires;
  effacements_dossiers: TableEffacementsDossiers;
  dossiers: TableDossiers;
  journal_dossiers: TableJournalDossiers;
  sessions: TableSessions;
  limites_connexion: TableLimitesConnexion;
  courriels: TableCourriels;
  fiches_indicateurs: TableFichesIndicateurs;
}
