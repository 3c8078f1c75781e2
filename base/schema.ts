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
}

export interface Base {
  sessions: TableSessions;
  echecs_connexion: TableEchecsConnexion;
  courriels: TableCourriels;
  fiches_indicateurs: TableFichesIndicateurs;
}
