/**
 * Le paquet des workflows de l'installation embarquée (`npm start`), gardé dans son dossier d'état :
 * empaqueté une fois par version du code (webpack, une dizaine de secondes de calcul), il sert aux
 * lancements suivants et aux relances du worker. L'empreinte couvre le code du produit (ses dossiers
 * de sources) et le fichier de verrouillage npm : tout changement refait le paquet ; les anciens
 * paquets sont effacés. En production, le paquet est celui de `npm run build` (dist/workflows.js).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { CHEMIN_CONVERTISSEUR_ECHECS } from '../securite/convertisseur-echecs-chemin';
import { CHEMIN_WORKFLOWS } from './creer-worker';

const RACINE = fileURLToPath(new URL('..', import.meta.url));
/** Ce que les outils de développement ne mettent jamais dans le paquet. */
const HORS_DU_PAQUET = new Set(['test', 'scripts', 'dev', 'deploy']);

/**
 * Les dossiers du code que le paquet peut contenir : ceux que tsconfig.json compile (une seule liste à
 * tenir : un nouveau dossier du produit y entre), sans les tests, les scripts ni les outils.
 */
function dossiersDuCode(racine: string): string[] {
  const { include } = JSON.parse(readFileSync(join(racine, 'tsconfig.json'), 'utf8')) as { include: string[] };
  return include.filter((d) => !HORS_DU_PAQUET.has(d) && !/\.[a-z]+$/.test(d));
}

/** L'empreinte du code du produit : chemins et contenus des fichiers des dossiers de sources, et le verrouillage npm. */
export function empreinteDuCode(racine = RACINE): string {
  const h = createHash('sha256');
  const fichiers = dossiersDuCode(racine)
    .flatMap((d) => (existsSync(join(racine, d)) ? readdirSync(join(racine, d), { recursive: true, encoding: 'utf8' }).map((f) => join(d, f)) : []))
    .filter((f) => /\.(ts|cjs|mjs|js|json)$/.test(f))
    .sort();
  for (const f of [...fichiers, 'package-lock.json']) {
    const chemin = join(racine, f);
    if (!existsSync(chemin)) continue;
    h.update(f).update('\0').update(readFileSync(chemin)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** Le chemin du paquet pour le code tel qu'il est : repris du dossier s'il y est, empaqueté sinon. */
export async function paquetLocal(dossier: string, racine = RACINE): Promise<string> {
  mkdirSync(dossier, { recursive: true });
  const nom = `workflows-${empreinteDuCode(racine)}.js`;
  const fichier = join(dossier, nom);
  if (!existsSync(fichier)) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: CHEMIN_WORKFLOWS,
      failureConverterPath: CHEMIN_CONVERTISSEUR_ECHECS,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } as never,
    });
    writeFileSync(`${fichier}.part`, code);
    renameSync(`${fichier}.part`, fichier);
  }
  for (const autre of readdirSync(dossier)) if (autre !== nom && /^workflows-.*\.js(\.part)?$/.test(autre)) rmSync(join(dossier, autre), { force: true });
  return fichier;
}
