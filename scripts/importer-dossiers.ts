/**
 * Import unique, dans PostgreSQL, de l'état des parcours en cours (ceux lancés avant le système
 * d'enregistrement) : avec la configuration de l'API (TEMPORAL_*, DATABASE_URL, PAYLOAD_ENCRYPTION_KEYS…)
 *
 *   npm run importer:dossiers
 *
 * Affiche sa progression et un bilan ; un second import ne change rien. Le worker doit tourner
 * (l'état est lu par une requête au parcours).
 */
import { Client, Connection } from '@temporalio/client';
import { migrer, ouvrirBase } from '../base';
import { lireConfig, optionsTemporal, ErreurConfiguration } from '../config/env';
import { erreurLisible } from '../config/journalisation';
import { assembler } from '../config/services';
import { importerDossiersEnCours } from '../dossiers/import';
import { RegistreDossiers } from '../dossiers/registre';

try {
  const config = lireConfig();
  if (!config.DATABASE_URL)
    throw new ErreurConfiguration('Configuration invalide :\n- DATABASE_URL : variable obligatoire (la base PostgreSQL de l’application)');
  const services = await assembler(config);
  const { connectionOptions, namespace } = optionsTemporal(config);
  const connexion = await Connection.connect(connectionOptions);
  const client = new Client({ connection: connexion, namespace, dataConverter: services.dataConverter });
  const base = ouvrirBase(config.DATABASE_URL);
  try {
    await migrer(base);
    console.log('Import de l’état des parcours en cours…');
    const b = await importerDossiersEnCours(client, new RegistreDossiers(base, services.coffre), (n) => console.log(`  ${n} parcours lus…`));
    console.log(`${b.lus} parcours en cours : ${b.importes} dossiers importés, ${b.dejaPresents} déjà présents, ${b.illisibles.length} illisibles.`);
    for (const i of b.illisibles) console.log(`  illisible : ${i.workflowId} — ${i.raison}`);
    process.exitCode = b.illisibles.length ? 2 : 0;
  } finally {
    await base.destroy();
    await connexion.close();
  }
} catch (e) {
  console.error(e instanceof ErreurConfiguration ? e.message : `Import interrompu : ${erreurLisible(e)}`);
  process.exitCode = 1;
}
