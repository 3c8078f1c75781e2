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

export interface Base {
  sessions: TableSessions;
  echecs_connexion: TableEchecsConnexion;
}
