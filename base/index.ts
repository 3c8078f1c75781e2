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

/**
 * Attend qu'un serveur PostgreSQL accepte une connexion à `url` (au plus `delaiMs`). `continuer` est
 * appelé avant chaque essai : il lève une erreur pour abandonner (processus du serveur arrêté…).
 * Renvoie la dernière erreur vue si le délai est dépassé, undefined dès que la base répond.
 */
export async function attendreBase(url: string, o: { delaiMs: number; continuer?: () => void }): Promise<string | undefined> {
  const limite = Date.now() + o.delaiMs;
  let derniere = 'aucune réponse';
  while (Date.now() < limite) {
    o.continuer?.();
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return undefined;
    } catch (e) {
      derniere = (e as Error).message;
      await client.end().catch(() => undefined);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return derniere;
}

/**
 * Applique les migrations qui manquent (ou, avec `jusqua`, amène la base à cette migration, en défaisant
 * les suivantes : pour essayer une reprise de données) ; lève une erreur en français qui nomme celle qui
 * a échoué.
 */
export async function migrer(db: BaseDeDonnees, o: { jusqua?: string } = {}): Promise<MigrationResultSet> {
  const migrateur = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'migrations',
    migrationLockTableName: 'migrations_verrou',
  });
  const r = await (o.jusqua ? migrateur.migrateTo(o.jusqua) : migrateur.migrateToLatest());
  const echec = r.results?.find((x) => x.status === 'Error');
  if (r.error) {
    throw new Error(
      `Migration de la base échouée${echec ? ` (${echec.migrationName})` : ''} : ${r.error instanceof Error ? r.error.message : String(r.error)}`,
    );
  }
  return r;
}
