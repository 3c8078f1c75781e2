/**
 * Les options d'esbuild pour l'API et le worker de production (dist/*.mjs), partagées par
 * `npm run build` (scripts/construire.ts) et le test qui vérifie leurs imports (test/construction.test.ts).
 */
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const racine = (chemin: string) => fileURLToPath(new URL(`../${chemin}`, import.meta.url));

export function optionsApplication(outdir: string): BuildOptions {
  return {
    entryPoints: { api: racine('serveur/main.ts'), worker: racine('worker/main.ts'), 'sante-worker': racine('worker/sante.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Les paquets npm restent importés depuis node_modules : ceux de l'image (dépendances de production).
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  };
}
