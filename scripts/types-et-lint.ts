/**
 * Types et lint en un seul calcul des types : le programme TypeScript du projet (tsconfig.json) est
 * construit une fois, ses erreurs dites comme par `tsc --noEmit`, puis donné à typescript-eslint
 * (`parserOptions.programs`) au lieu du service de projet qui recalculait les mêmes types : la moitié
 * du calcul de la vérification, mesurée (scripts/verifier-code.sh, qui lance ce script).
 *
 * Un fichier .ts que le lint voit hors du programme est une erreur (typescript-eslint le dit) : le
 * tsconfig et le lint couvrent les mêmes fichiers. Sort avec 1 si l'un ou l'autre trouve à redire.
 */
import ts from 'typescript';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const racine = fileURLToPath(new URL('..', import.meta.url));
const hote: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => racine, getNewLine: () => '\n' };
// Le tsconfig lu comme par tsc (aucune option ajoutée).
const config = ts.getParsedCommandLineOfConfigFile(`${racine}tsconfig.json`, undefined, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.formatDiagnostics([d], hote));
  },
});
if (!config) throw new Error('tsconfig.json illisible');
const programme = ts.createProgram({ rootNames: config.fileNames, options: config.options, configFileParsingDiagnostics: config.errors });

const erreursDeTypes = [...config.errors, ...ts.getPreEmitDiagnostics(programme)];
if (erreursDeTypes.length) {
  console.error(`[vérification] erreurs de types (tsc) :\n${ts.formatDiagnostics(erreursDeTypes, hote)}`);
}

const eslint = new ESLint({
  cwd: racine,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, programs: [programme] } } },
});
const resultats = await eslint.lintFiles(['.']);
const remarques = resultats.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
if (remarques) {
  const formateur = await eslint.loadFormatter('stylish');
  console.error(`[vérification] erreurs de lint (eslint) :\n${await formateur.format(resultats)}`);
}

process.exitCode = erreursDeTypes.length || remarques ? 1 : 0;
