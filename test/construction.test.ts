/**
 * La construction de production (`npm run build`) : l'API et le worker n'importent que des
 * dépendances de production. L'image installe `npm ci --omit=dev` : un import d'une dépendance de
 * développement (le moteur de la simulation tire `@temporalio/testing`, par exemple) l'empêcherait
 * de démarrer.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { optionsApplication } from '../scripts/options-construction';

const paquet = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** `@scope/nom/sous/chemin` → `@scope/nom` ; `nom/sous` → `nom`. */
const nomDuPaquet = (specificateur: string) =>
  specificateur
    .split('/')
    .slice(0, specificateur.startsWith('@') ? 2 : 1)
    .join('/');

describe('construction de production', () => {
  it('dist/api.mjs, dist/worker.mjs et dist/sante-worker.mjs n’importent que des dépendances de production', async () => {
    const r = await build({ ...optionsApplication('/nulle-part'), write: false, metafile: true, sourcemap: false });
    const importsParSortie = Object.entries(r.metafile!.outputs).map(([sortie, o]) => ({
      sortie: sortie.split('/').pop()!,
      paquets: [
        ...new Set(o.imports.filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path)).map((i) => nomDuPaquet(i.path))),
      ],
    }));
    const api = importsParSortie.find((x) => x.sortie === 'api.mjs');
    expect(api?.paquets, 'l’API importe express').toContain('express');
    for (const { sortie, paquets } of importsParSortie) {
      const horsProduction = paquets.filter((p) => !(p in paquet.dependencies));
      expect(horsProduction, `${sortie} importe des paquets absents des dépendances de production`).toEqual([]);
    }
  });
});
