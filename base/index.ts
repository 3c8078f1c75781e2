/**
 * Le système d'enregistrement : PostgreSQL, par le client `pg` et les requêtes typées de kysely.
 * `DATABASE_URL` le désigne (la base de l'application, pas celle de Temporal).
 */
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import pg from 'pg';
import type { Base } from './schema';
import { MIGRATIONS } from './migrations';

export type { Base } from './schema';
export type BaseDeDonnees = Kysely<Base>;

export function ouvrirBase(url: string, o: { max?: number; surErreur?: (e: Error) => void } = {}): BaseDeDonnees {
  const pool = new pg.Pool({ connectionString: url, max: o.max ?? 10 });
  // Une connexion inactive coupée par le serveur (redémarrage, arrêt) : la requête suivante en ouvre
  // une autre ; sans ce gestionnaire, l'erreur arrêterait le processus.
  pool.on('error', (e) => o.surErreur?.(e));
  return new Kysely<Base>({ dialect: new PostgresDialect({ pool }) });
}

/** Applique les migrations qui manquent ; lève une erreur en français qui nomme celle qui a échoué. */
export async function migrer(db: BaseDeDonnees): Promise<MigrationResultSet> {
  const migrateur = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, migrationTableName: 'migrations', migrationLockTableName: 'migrations_verrou' });
  const r = await migrateur.migrateToLatest();
  const echec = r.results?.find((x) => x.status === 'Error');
  if (r.error) {
    throw new Error(`Migration de la base échouée${echec ? ` (${echec.migrationName})` : ''} : ${r.error instanceof Error ? r.error.message : String(r.error)}`);
  }
  return r;
}
