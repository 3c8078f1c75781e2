/**
 * Import unique des fiches d'indicateurs de l'ancien registre en fichiers dans PostgreSQL :
 *
 *   DATABASE_URL=postgres://… npm run importer:indicateurs -- [dossier]   # défaut : INDICATEURS_DIR ou .data/indicateurs
 *
 * Affiche sa progression et un bilan ; un second import ne change rien.
 */
import { migrer, ouvrirBase } from '../base';
import { erreurLisible } from '../config/journalisation';
import { importerFichesIndicateurs } from '../indicateurs/import';
import { RegistreIndicateurs } from '../indicateurs/registre';

const dossier = process.argv[2] ?? process.env.INDICATEURS_DIR ?? '.data/indicateurs';
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL est obligatoire (la base PostgreSQL de l’application).');
  process.exit(1);
}
const base = ouvrirBase(url);
try {
  await migrer(base);
  console.log(`Import des fiches de ${dossier}…`);
  const b = await importerFichesIndicateurs(dossier, new RegistreIndicateurs(base), (n) => console.log(`  ${n} fichiers lus…`));
  console.log(
    `${b.lus} fichiers lus : ${b.importes} fiches importées, ${b.dejaPresents} déjà présentes (version égale ou plus récente), ${b.refuses.length} refusés.`,
  );
  for (const r of b.refuses) console.log(`  refusé : ${r.fichier} — ${r.raison}`);
  process.exitCode = b.refuses.length ? 2 : 0;
} catch (e) {
  console.error(`Import interrompu : ${erreurLisible(e)}`);
  process.exitCode = 1;
} finally {
  await base.destroy();
}
