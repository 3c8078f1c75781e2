/**
 * `npm run build` : le JavaScript de production dans dist/, construit une fois.
 *
 * - dist/api.mjs et dist/worker.mjs : l'API et le worker en un fichier chacun (esbuild, ESM pour
 *   Node), les paquets npm restant importés depuis node_modules (modules natifs compris) ;
 *   dist/sante-worker.mjs : la vérification de santé du conteneur du worker ;
 * - dist/workflows.js : le paquet des workflows que le worker charge tel quel (bundleWorkflowCode,
 *   avec le convertisseur d'échecs), au lieu de l'empaqueter à chaque démarrage ;
 * - dist/presets/ et dist/convertisseur-echecs.cjs : les fichiers que le code ouvre à côté de lui.
 *
 * Le temps de chaque étape est affiché ; un échec arrête la construction avec sa raison.
 */
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleWorkflowCode } from '@temporalio/worker';
import { CHEMIN_WORKFLOWS } from '../worker/creer-worker';
import { CHEMIN_CONVERTISSEUR_ECHECS } from '../securite/convertisseur-echecs-chemin';
import { DOSSIER_PRESETS } from '../programmes/catalogue';
import { optionsApplication } from './options-construction';

const racine = (chemin: string) => fileURLToPath(new URL(`../${chemin}`, import.meta.url));
const DIST = racine('dist');

async function etape(nom: string, f: () => Promise<unknown>): Promise<void> {
  const debut = performance.now();
  await f();
  console.log(`[build] ${nom} : ${((performance.now() - debut) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  await etape('API et worker (esbuild)', () => build(optionsApplication(DIST)));
  await etape('workflows (bundleWorkflowCode)', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: CHEMIN_WORKFLOWS,
      failureConverterPath: CHEMIN_CONVERTISSEUR_ECHECS,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) } as never,
    });
    writeFileSync(`${DIST}/workflows.js`, code);
  });
  await etape('fichiers lus à l’exécution', async () => {
    cpSync(DOSSIER_PRESETS, `${DIST}/presets`, { recursive: true });
    cpSync(CHEMIN_CONVERTISSEUR_ECHECS, `${DIST}/convertisseur-echecs.cjs`);
  });
  const taille = (f: string) => `${(statSync(`${DIST}/${f}`).size / 1024).toFixed(0)} Kio`;
  console.log(`[build] dist/api.mjs ${taille('api.mjs')}, dist/worker.mjs ${taille('worker.mjs')}, dist/workflows.js ${taille('workflows.js')}`);
}

main().catch((e: unknown) => {
  console.error('[build] échec :', e instanceof Error ? e.message : e);
  process.exit(1);
});
