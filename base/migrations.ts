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
  '0004-dossiers': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('dossiers')
        .addColumn('workflow_id', 'text', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('type_parcours', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('etape', 'text', (c) => c.notNull())
        .addColumn('libelle_etape', 'text', (c) => c.notNull())
        .addColumn('travailleur_social', 'text')
        .addColumn('coordinateur', 'text')
        .addColumn('echeance', 'timestamptz')
        .addColumn('libelle_echeance', 'text')
        .addColumn('echeance_depassee', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('clos', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('issue', 'text')
        .addColumn('ouvert_le', 'timestamptz', (c) => c.notNull())
        .addColumn('clos_le', 'timestamptz')
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('consigne_le', 'timestamptz', (c) => c.notNull())
        .addColumn('nom_chiffre', 'bytea')
        .addColumn('index_nom', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('etat_chiffre', 'bytea', (c) => c.notNull())
        .addColumn('confidentiel_chiffre', 'bytea', (c) => c.notNull())
        .execute();
      // La liste d'un programme : en cours d'abord, par échéance (les dépassées en tête).
      await sql`create index dossiers_programme_echeance on dossiers (programme_id, clos, echeance nulls last, workflow_id)`.execute(db);
      await sql`create index dossiers_travailleur_echeance on dossiers (travailleur_social, clos, echeance nulls last, workflow_id)`.execute(db);
      await sql`create index dossiers_index_nom on dossiers using gin (index_nom)`.execute(db);
      await sql`create index dossiers_reference on dossiers (lower(reference) text_pattern_ops)`.execute(db);
      await sql`create index dossiers_clos_le on dossiers (clos_le) where clos`.execute(db);
      await db.schema
        .createTable('journal_dossiers')
        .addColumn('workflow_id', 'text', (c) => c.notNull().references('dossiers.workflow_id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('le', 'timestamptz', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('visibilite', 'text', (c) => c.notNull())
        .addColumn('contenu_chiffre', 'bytea', (c) => c.notNull())
        .addPrimaryKeyConstraint('journal_dossiers_pk', ['workflow_id', 'seq'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('journal_dossiers').execute();
      await db.schema.dropTable('dossiers').execute();
    },
  },
  '0005-effacements-dossiers': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('effacements_dossiers')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('le', 'timestamptz', (c) => c.notNull())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('conservation', 'text', (c) => c.notNull())
        .addColumn('clos_avant', 'timestamptz', (c) => c.notNull())
        .addColumn('nombre', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('effacements_dossiers').execute();
    },
  },
  '0006-annuaires': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('personnels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('nom', 'text', (c) => c.notNull())
        .addColumn('courriel', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('programmes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn('mot_de_passe', 'text', (c) => c.notNull())
        .addColumn('actif', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('modifie_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('contacts_partenaires')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('nom', 'text', (c) => c.notNull())
        .addColumn('courriel', 'text', (c) => c.notNull())
        .addColumn('actif', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('modifie_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('contacts_partenaires_unique', ['programme_id', 'role', 'courriel'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('contacts_partenaires').execute();
      await db.schema.dropTable('personnels').execute();
    },
  },
  '0007-fiches-indicateurs-periode': {
    async up(db: Kysely<unknown>) {
      // Le premier et le dernier fait d'une fiche, et sa clôture : un rapport ne lit que les fiches de sa
      // période. Les fiches déjà consignées (valeurs nulles) sont lues pour toute période.
      await db.schema
        .alterTable('fiches_indicateurs')
        .addColumn('premier_le', 'timestamptz')
        .addColumn('dernier_le', 'timestamptz')
        .addColumn('close', 'boolean')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('fiches_indicateurs').dropColumn('premier_le').dropColumn('dernier_le').dropColumn('close').execute();
    },
  },
  '0008-consultations-dossiers': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('consultations_dossiers')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('personne_id', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('objet', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('consultations_dossiers_workflow').on('consultations_dossiers').columns(['workflow_id', 'le']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('consultations_dossiers').execute();
    },
  },
  '0009-dechiffrements-codec': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('dechiffrements_codec')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('personne_id', 'text', (c) => c.notNull())
        .addColumn('sens', 'text', (c) => c.notNull())
        .addColumn('nombre', 'integer', (c) => c.notNull())
        .addColumn('espace_de_noms', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('dechiffrements_codec').execute();
    },
  },
  '0010-workers': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('workers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('demarre_le', 'timestamptz', (c) => c.notNull())
        .addColumn('vu_le', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('workers_file_vu_le').on('workers').columns(['file', 'vu_le']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('workers').execute();
    },
  },
};
