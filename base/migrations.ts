/**
 * Les migrations versionnées du système d'enregistrement, appliquées au démarrage (API, worker,
 * lanceur de l'installation embarquée) par le migrateur de kysely, dans l'ordre de leur nom. Une
 * migration livrée ne change plus : on en ajoute une nouvelle.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-sessions-et-connexions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('empreinte', 'text', (c) => c.primaryKey())
        .addColumn('personne_id', 'text', (c) => c.notNull())
        .addColumn('expire_le', 'timestamptz', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('sessions_expire_le').on('sessions').column('expire_le').execute();
      await db.schema
        .createTable('echecs_connexion')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('cle', 'text', (c) => c.notNull())
        .addColumn('le', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('echecs_connexion_cle_le').on('echecs_connexion').columns(['cle', 'le']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('echecs_connexion').execute();
      await db.schema.dropTable('sessions').execute();
    },
  },
  '0002-boite-d-envoi': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('courriels')
        .addColumn('cle', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('envoye_le', 'timestamptz')
        .addColumn('tentatives', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('courriels').execute();
    },
  },
  '0003-fiches-indicateurs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('fiches_indicateurs')
        .addColumn('workflow_id', 'text', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('fiche', 'jsonb', (c) => c.notNull())
        .addColumn('consignee_le', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('fiches_indicateurs_programme').on('fiches_indicateurs').column('programme_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('fiches_indicateurs').execute();
    },
  },
};
