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
  '0011-organisations': {
    async up(db: Kysely<unknown>) {
      // L'annuaire des partenaires par organisation (bailleurs, département, SIAO…), leurs services et
      // contacts ; le bailleur de chaque parcours, et la trace de chaque changement.
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('nom', 'text', (c) => c.notNull())
        .addColumn('quota_file_active', 'integer')
        .addColumn('actif', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('modifie_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('organisations_programme').on('organisations').columns(['programme_id', 'type']).execute();
      await db.schema.alterTable('contacts_partenaires').addColumn('organisation_id', 'text').addColumn('service', 'text').execute();
      // Les contacts déjà inscrits : chacun rejoint l'organisation de son rôle dans son programme.
      await sql`insert into organisations (id, programme_id, type, nom)
        select distinct on (programme_id, role) programme_id || '--' || role, programme_id,
          case role when 'bailleur' then 'bailleur_social' when 'services_sociaux' then 'service_social' else role end, nom
        from contacts_partenaires order by programme_id, role, id
        on conflict (id) do nothing`.execute(db);
      await sql`update contacts_partenaires set organisation_id = programme_id || '--' || role where organisation_id is null`.execute(db);
      await db.schema
        .createTable('bailleurs_parcours')
        .addColumn('workflow_id', 'text', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('choisi_par', 'text', (c) => c.notNull())
        .addColumn('choisi_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('bailleurs_parcours_organisation').on('bailleurs_parcours').columns(['organisation_id']).execute();
      await db.schema
        .createTable('changements_bailleur')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('ancien', 'text')
        .addColumn('nouveau', 'text', (c) => c.notNull())
        .addColumn('par', 'text', (c) => c.notNull())
        .addColumn('motif', 'text', (c) => c.notNull())
        .addColumn('le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('changements_bailleur_workflow').on('changements_bailleur').columns(['workflow_id', 'le']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('changements_bailleur').execute();
      await db.schema.dropTable('bailleurs_parcours').execute();
      await db.schema.alterTable('contacts_partenaires').dropColumn('organisation_id').dropColumn('service').execute();
      await db.schema.dropTable('organisations').execute();
    },
  },
  '0012-invitations-et-absences': {
    async up(db: Kysely<unknown>) {
      // Les invitations du personnel : l'empreinte SHA-256 du jeton seulement ; un lien sert une fois,
      // expire, et une nouvelle invitation annule la précédente.
      await db.schema
        .createTable('invitations_personnel')
        .addColumn('empreinte', 'text', (c) => c.primaryKey())
        .addColumn('personne_id', 'text', (c) => c.notNull())
        .addColumn('expire_le', 'timestamptz', (c) => c.notNull())
        .addColumn('cree_par', 'text', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('utilisee_le', 'timestamptz')
        .addColumn('annulee_le', 'timestamptz')
        .execute();
      await db.schema.createIndex('invitations_personnel_personne').on('invitations_personnel').columns(['personne_id', 'cree_le']).execute();
      // Les absences du personnel (jours de Paris, bornes comprises) et qui assure le remplacement.
      await db.schema
        .createTable('absences')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('personne_id', 'text', (c) => c.notNull())
        .addColumn('du', 'date', (c) => c.notNull())
        .addColumn('au', 'date', (c) => c.notNull())
        .addColumn('remplacant_id', 'text', (c) => c.notNull())
        .addColumn('cree_par', 'text', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('annulee_par', 'text')
        .addColumn('annulee_le', 'timestamptz')
        .addCheckConstraint('absences_dates', sql`au >= du`)
        .execute();
      await sql`create index absences_personne_au on absences (personne_id, au) where annulee_le is null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('absences').execute();
      await db.schema.dropTable('invitations_personnel').execute();
    },
  },
  '0013-orientations': {
    async up(db: Kysely<unknown>) {
      // Les liens d'orientation envoyés aux partenaires (un seul usage) et les fiches d'orientation reçues.
      await db.schema
        .createTable('liens_orientation')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('cree_par', 'text', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expire_le', 'timestamptz', (c) => c.notNull())
        .addColumn('utilise_le', 'timestamptz')
        .execute();
      await db.schema
        .createTable('orientations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('lien_id', 'text', (c) => c.unique())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('fiche_chiffree', 'bytea', (c) => c.notNull())
        .addColumn('statut', 'text', (c) => c.notNull().defaultTo('recue'))
        .addColumn('recue_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('traitee_par', 'text')
        .addColumn('traitee_le', 'timestamptz')
        .addColumn('motif_refus', 'text')
        .addColumn('workflow_id', 'text')
        .execute();
      await db.schema.createIndex('orientations_programme').on('orientations').columns(['programme_id', 'statut', 'recue_le']).execute();
      await db.schema.createIndex('orientations_workflow').on('orientations').column('workflow_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('orientations').execute();
      await db.schema.dropTable('liens_orientation').execute();
    },
  },
  '0014-imports-commission': {
    async up(db: Kysely<unknown>) {
      // La trace de chaque import d'une liste de la commission impayés : le fichier (son empreinte),
      // qui, quand, et ce qu'est devenue chaque ligne (référence du dossier, parcours, erreurs) ; aucun
      // nom ni adresse.
      await db.schema
        .createTable('imports_commission')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('empreinte', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('date_seance', 'text')
        .addColumn('par', 'text', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('termine_le', 'timestamptz')
        .addColumn('statut', 'text', (c) => c.notNull())
        .addColumn('lignes_total', 'integer', (c) => c.notNull())
        .addColumn('lancees', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('deja_lancees', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rejetees', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lignes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .execute();
      await db.schema.createIndex('imports_commission_programme').on('imports_commission').columns(['programme_id', 'cree_le']).execute();
      await db.schema.createIndex('imports_commission_empreinte').on('imports_commission').columns(['programme_id', 'empreinte']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('imports_commission').execute();
    },
  },
  '0015-courriels-envoi-commence': {
    async up(db: Kysely<unknown>) {
      // L'envoi en deux temps : « commencé » est enregistré avant de parler au serveur SMTP. Une tentative
      // qui trouve un envoi commencé et jamais confirmé (le worker est mort pendant l'envoi) ne renvoie pas :
      // le courriel est marqué « incertain » (au plus une fois, jamais deux).
      await db.schema
        .alterTable('courriels')
        .addColumn('envoi_commence_le', 'timestamptz')
        .addColumn('incertain', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('courriels').dropColumn('envoi_commence_le').dropColumn('incertain').execute();
    },
  },
  '0016-versions-programme': {
    async up(db: Kysely<unknown>) {
      // Les réglages des programmes (délais, options, quotas, éligibilité) : une ligne par version. Les
      // presets y entrent au démarrage ; chaque changement fait dans les pages en ajoute une (qui, quand,
      // pourquoi). Un parcours garde la version avec laquelle il a été lancé (elle est dans son entrée).
      await db.schema
        .createTable('versions_programme')
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', 'jsonb', (c) => c.notNull())
        .addColumn('origine', 'text', (c) => c.notNull())
        .addColumn('modifie_par', 'text')
        .addColumn('motif', 'text')
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('versions_programme_pk', ['programme_id', 'version'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('versions_programme').execute();
    },
  },
  '0018-cles-api-organisations': {
    async up(db: Kysely<unknown>) {
      // Les clés d'accès des logiciels des partenaires (un bailleur oriente depuis son outil) : seule
      // l'empreinte du secret est gardée ; la clé se montre une fois, à sa création.
      await db.schema
        .createTable('cles_api_organisation')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('empreinte', 'text', (c) => c.notNull().unique())
        .addColumn('cree_par', 'text', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('utilisee_le', 'timestamptz')
        .addColumn('revoquee_le', 'timestamptz')
        .execute();
      await db.schema.createIndex('cles_api_organisation_org').on('cles_api_organisation').column('organisation_id').execute();
      // Un envoi répété par le logiciel (même clé d'idempotence) ne crée pas une seconde orientation.
      await db.schema.alterTable('orientations').addColumn('cle_idempotence', 'text').execute();
      await db.schema
        .createIndex('orientations_idempotence')
        .on('orientations')
        .columns(['organisation_id', 'cle_idempotence'])
        .unique()
        .where(sql.ref('cle_idempotence'), 'is not', null)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('orientations_idempotence').execute();
      await db.schema.alterTable('orientations').dropColumn('cle_idempotence').execute();
      await db.schema.dropTable('cles_api_organisation').execute();
    },
  },
  '0021-priorites-dossiers': {
    async up(db: Kysely<unknown>) {
      // Les ménages prioritaires d'un programme (Besançon : « prioritairement auprès des ménages dits
      // isolés : ménages sans enfants, personnes seules »), notés au lancement : les listes les montrent d'abord.
      await db.schema
        .createTable('priorites_dossiers')
        .addColumn('workflow_id', 'text', (c) => c.primaryKey())
        .addColumn('programme_id', 'text', (c) => c.notNull())
        .addColumn('motif', 'text', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('priorites_dossiers').execute();
    },
  },
  '0022-partage-diagnostic': {
    async up(db: Kysely<unknown>) {
      // L'accord du ménage pour que son diagnostic aille à des partenaires (réglage « partage du
      // diagnostic » du programme) : qui l'a recueilli ou retiré, quand, pour qui. Le dernier
      // enregistrement d'un parcours fait foi ; les précédents restent comme trace.
      await db.schema
        .createTable('consentements_partage_diagnostic')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('accorde', 'boolean', (c) => c.notNull())
        .addColumn('portee', 'jsonb', (c) => c.notNull())
        .addColumn('par', 'text', (c) => c.notNull())
        .addColumn('le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('consentements_partage_diagnostic_parcours').on('consentements_partage_diagnostic').columns(['workflow_id', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('consentements_partage_diagnostic').execute();
    },
  },
  '0024-sms-consentements': {
    async up(db: Kysely<unknown>) {
      // Consentement du ménage par canal (courriel, SMS, courrier) : qui l'a noté et quand ; le dernier
      // enregistrement d'un canal fait foi, les précédents restent comme trace. La coordonnée (numéro de
      // portable pour les SMS, adresse pour les courriels) est chiffrée.
      await db.schema
        .createTable('consentements_menage')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('canal', 'text', (c) => c.notNull())
        .addColumn('accorde', 'boolean', (c) => c.notNull())
        .addColumn('coordonnee_chiffre', 'bytea')
        .addColumn('par', 'text', (c) => c.notNull())
        .addColumn('le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('consentements_menage_parcours').on('consentements_menage').columns(['workflow_id', 'canal', 'id']).execute();
      // La boîte d'envoi des SMS, comme celle des courriels : une ligne par clé d'idempotence.
      await db.schema
        .createTable('sms')
        .addColumn('cle', 'text', (c) => c.primaryKey())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('envoye_le', 'timestamptz')
        .addColumn('tentatives', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sms').execute();
      await db.schema.dropTable('consentements_menage').execute();
    },
  },
  '0025-connexions-oidc': {
    async up(db: Kysely<unknown>) {
      // Les connexions par OpenID Connect en cours (api/oidc.ts) : ce que le retour du fournisseur
      // doit retrouver (nonce, vérificateur PKCE, page de retour), quel que soit le processus d'API
      // qui le reçoit. Seule l'empreinte de l'état est gardée ; chaque ligne sert une fois, 10 minutes.
      await db.schema
        .createTable('connexions_oidc')
        .addColumn('empreinte', 'text', (c) => c.primaryKey())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('verificateur', 'text', (c) => c.notNull())
        .addColumn('retour', 'text', (c) => c.notNull())
        .addColumn('expire_le', 'timestamptz', (c) => c.notNull())
        .addColumn('cree_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('connexions_oidc_expire_le').on('connexions_oidc').column('expire_le').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('connexions_oidc').execute();
    },
  },
  '0026-simulations': {
    async up(db: Kysely<unknown>) {
      // Les simulations d'une année lancées depuis la page d'administration (scripts/simulation/) : la
      // demande (programmes et ménages, graine, équipe), l'avancement écrit par le processus qui la
      // mène (et son signe de vie), puis le bilan ou l'erreur. Une seule à la fois : l'index unique
      // sur les simulations en attente ou en cours le garantit, quelle que soit l'API qui la reçoit.
      await db.schema
        .createTable('simulations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('programmes', 'jsonb', (c) => c.notNull())
        .addColumn('graine', 'integer', (c) => c.notNull())
        .addColumn('options', 'jsonb', (c) => c.notNull())
        .addColumn('statut', 'text', (c) => c.notNull())
        .addColumn('etapes_faites', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('etapes_total', 'integer')
        .addColumn('message', 'text')
        .addColumn('rapport', 'jsonb')
        .addColumn('erreur', 'text')
        .addColumn('demandee_par', 'text', (c) => c.notNull())
        .addColumn('demandee_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('commencee_le', 'timestamptz')
        .addColumn('terminee_le', 'timestamptz')
        .addColumn('battement_le', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('simulations_demandee_le').on('simulations').column('demandee_le').execute();
      await db.schema
        .createIndex('simulations_une_seule_active')
        .on('simulations')
        .column(sql`(true)`)
        .unique()
        .where(sql.ref('statut'), 'in', ['en_attente', 'en_cours'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('simulations').execute();
    },
  },
  '0027-file-active-close': {
    async up(db: Kysely<unknown>) {
      // Le parcours d'un bailleur est-il clos ? Noté à la consignation de la clôture, il n'a plus
      // besoin du dossier : la file active se compte sur cette table seule (index des ouverts), et un
      // dossier effacé par la rétention ne fait plus revenir son parcours dans la file. Repris des
      // dossiers clos et, pour ceux déjà effacés, de leurs fiches d'indicateurs closes (gardées).
      await db.schema
        .alterTable('bailleurs_parcours')
        .addColumn('clos', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
      await sql`update bailleurs_parcours b set clos = true
        where exists (select 1 from dossiers d where d.workflow_id = b.workflow_id and d.clos)
           or exists (select 1 from fiches_indicateurs f where f.workflow_id = b.workflow_id and f.close)`.execute(db);
      await sql`create index bailleurs_parcours_ouverts on bailleurs_parcours (organisation_id) where not clos`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('bailleurs_parcours').dropColumn('clos').execute();
    },
  },
  '0028-effacement-orientations': {
    async up(db: Kysely<unknown>) {
      // L'effacement compte aussi les fiches d'orientation refusées qu'il efface (ménages jamais
      // accompagnés : effacées après la même durée, comptée depuis le refus).
      await db.schema
        .alterTable('effacements_dossiers')
        .addColumn('orientations_refusees', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('effacements_dossiers').dropColumn('orientations_refusees').execute();
    },
  },
  '0029-limites-connexion': {
    async up(db: Kysely<unknown>) {
      // Les limites des connexions passent à rate-limiter-flexible (api/auth.ts) : sa table, aux
      // colonnes qu'il lit (`key`, `points`, `expire` en millisecondes), la clé en texte (un identifiant
      // saisi n'a pas de longueur bornée par la table). Les échecs comptés avant repartent de zéro.
      await db.schema
        .createTable('limites_connexion')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expire', 'bigint')
        .execute();
      await db.schema.createIndex('limites_connexion_expire').on('limites_connexion').column('expire').execute();
      await db.schema.dropTable('echecs_connexion').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .createTable('echecs_connexion')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('cle', 'text', (c) => c.notNull())
        .addColumn('le', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('echecs_connexion_cle_le').on('echecs_connexion').columns(['cle', 'le']).execute();
      await db.schema.dropTable('limites_connexion').execute();
    },
  },
  '0030-limites-connexion-empreintes': {
    async up(db: Kysely<unknown>) {
      // Les clés des limites ne sont plus que des empreintes à clé (api/auth.ts) : les compteurs
      // d'avant, qui gardaient l'identifiant et l'adresse IP en clair, sont effacés (15 minutes
      // d'échecs au plus oubliées).
      await sql`delete from limites_connexion`.execute(db);
    },
    async down() {
      // Rien à rétablir : des compteurs vides valent pour les deux versions.
    },
  },
  '0031-courriels-en-echec': {
    async up(db: Kysely<unknown>) {
      // Le dernier refus du serveur de courriel : un courriel pas encore parti et refusé récemment est
      // « en attente » (bandeau du tableau de bord) ; les reprises ont lieu toutes les 10 minutes au plus.
      await db.schema.alterTable('courriels').addColumn('echoue_le', 'timestamptz').execute();
      await sql`create index courriels_en_attente on courriels (echoue_le) where envoye_le is null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index if exists courriels_en_attente`.execute(db);
      await db.schema.alterTable('courriels').dropColumn('echoue_le').execute();
    },
  },
  '0032-sms-en-echec': {
    async up(db: Kysely<unknown>) {
      // Comme les courriels : le dernier refus du fournisseur de SMS, et l'abandon d'un SMS que le
      // fournisseur refuse pour de bon ou que ses reprises (workflow renvoiSms) n'ont pas fait partir.
      await db.schema.alterTable('sms').addColumn('echoue_le', 'timestamptz').addColumn('abandonne_le', 'timestamptz').execute();
      await sql`create index sms_en_attente on sms (echoue_le) where envoye_le is null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index if exists sms_en_attente`.execute(db);
      await db.schema.alterTable('sms').dropColumn('abandonne_le').dropColumn('echoue_le').execute();
    },
  },
  '0033-courriels-adresse-refusee': {
    async up(db: Kysely<unknown>) {
      // Le serveur de courriel a refusé l'adresse du destinataire pour de bon (5.1.x) : le courriel
      // va désormais à la coordination du programme (ou à l'opérateur et aux administrateurs).
      await db.schema.alterTable('courriels').addColumn('adresse_refusee_le', 'timestamptz').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('courriels').dropColumn('adresse_refusee_le').execute();
    },
  },
  '0034-courriels-non-remis': {
    async up(db: Kysely<unknown>) {
      // Les avis de non-remise (un courriel accepté par le serveur puis refusé plus loin) : chaque
      // courriel part avec une adresse de retour qui lui est propre (`retours+<jeton>@…`), d'un jeton
      // tiré au hasard (les lignes d'avant n'en ont pas : leurs avis ne sont pas reconnus). À qui il
      // allait, sans adresse (« partenaire:bailleur », « menage »…), et son programme : de quoi dire
      // l'avis et qui prévenir.
      await db.schema
        .alterTable('courriels')
        .addColumn('jeton_retour', 'text')
        .addColumn('destinataire', 'text')
        .addColumn('programme_id', 'text')
        .addColumn('non_remis_le', 'timestamptz')
        .addColumn('non_remis_statut', 'text')
        .execute();
      await sql`alter table courriels alter column jeton_retour set default replace(gen_random_uuid()::text, '-', '')`.execute(db);
      await sql`create unique index courriels_jeton_retour on courriels (jeton_retour)`.execute(db);
      await sql`create index courriels_non_remis on courriels (non_remis_le) where non_remis_le is not null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index if exists courriels_non_remis`.execute(db);
      await sql`drop index if exists courriels_jeton_retour`.execute(db);
      await db.schema
        .alterTable('courriels')
        .dropColumn('non_remis_statut')
        .dropColumn('non_remis_le')
        .dropColumn('programme_id')
        .dropColumn('destinataire')
        .dropColumn('jeton_retour')
        .execute();
    },
  },
  '0035-courriels-par-debut-de-cle': {
    async up(db: Kysely<unknown>) {
      // Les courriels d'un parcours se cherchent par le début de leur clé (`<parcours>/…`, LIKE) : un
      // index qui le permet quelle que soit la collation de la base (la clé primaire ne le permet qu'en « C »).
      await sql`create index courriels_cle_motif on courriels (cle text_pattern_ops)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index if exists courriels_cle_motif`.execute(db);
    },
  },
  '0036-orientations-parcours-lance': {
    async up(db: Kysely<unknown>) {
      // Une acceptation se marque avant le lancement de son parcours ; `parcours_lance_le` dit que le
      // lancement a eu lieu. Une acceptation restée sans cette date (l'API arrêtée entre les deux) se
      // reprend (api/routes/orientations.ts, reprendreAcceptations). Les acceptations d'avant ont
      // toutes leur parcours : l'ancien code marquait l'orientation après le lancement.
      await db.schema.alterTable('orientations').addColumn('parcours_lance_le', 'timestamptz').execute();
      await sql`update orientations set parcours_lance_le = traitee_le where statut = 'acceptee'`.execute(db);
      await sql`create index orientations_en_suspens on orientations (programme_id) where statut = 'acceptee' and parcours_lance_le is null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index if exists orientations_en_suspens`.execute(db);
      await db.schema.alterTable('orientations').dropColumn('parcours_lance_le').execute();
    },
  },
  '0037-sms-prevus': {
    async up(db: Kysely<unknown>) {
      // Un SMS venu la nuit, un dimanche ou un jour férié attend 8 h (sms/index.ts, heureDuSms) : l'heure
      // où il partira, que la page du dossier dit tant qu'il n'est pas parti.
      await db.schema.alterTable('sms').addColumn('prevu_le', 'timestamptz').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('sms').dropColumn('prevu_le').execute();
    },
  },
};
