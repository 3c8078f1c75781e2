/**
 * Le worker en production (`npm run worker`) : se connecte au Temporal et au SMTP donnés par
 * l'environnement et exécute les parcours.
 */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { lireConfig, optionsTemporal, ErreurConfiguration } from '../config/env';
import { arreterSansDonneeSurErreurImprevue, creerJournal, journalPourTemporal, erreurLisible } from '../config/journalisation';
import { assembler, ouvrirEnregistrement } from '../config/services';
import { existsSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { creerWorker, parcoursEnCache, tasV8Mio } from './creer-worker';
import { avertissementTas } from './memoire';
import { signalerPresence } from './presence';
import { fournisseurHttp } from '../sms';

/** Le paquet des workflows construit par `npm run build`, à côté de dist/worker.mjs. */
const PAQUET_WORKFLOWS = fileURLToPath(new URL('./workflows.js', import.meta.url));
/** Le paquet préparé par `npm start` (`--paquet <chemin>`, worker/paquet-local.ts), s'il est donné. */
const PAQUET_DONNE = parseArgs({ options: { paquet: { type: 'string' } }, strict: false }).values.paquet;

async function main() {
  const config = lireConfig();
  const journal = creerJournal(config.LOG_LEVEL, 'worker');
  Runtime.install({
    // Les erreurs que le SDK journalise (« Activity failed »…) sans leur message : il peut citer une donnée.
    logger: journalPourTemporal(journal),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  const services = await assembler(config);
  const { connectionOptions, namespace } = optionsTemporal(config);
  const connection = await NativeConnection.connect(connectionOptions);
  // Les activités lisent les réglages en base (l'opérateur d'un programme, la durée de conservation).
  const { base, catalogue } = await ouvrirEnregistrement(config, services, journal, 'le système d’enregistrement PostgreSQL : boîte d’envoi des courriels');
  const worker = await creerWorker({
    connection,
    namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    reglages: { maxCachedWorkflows: parcoursEnCache(config.WORKER_MEMOIRE_MIO) },
    // Le paquet des workflows préparé par `npm start`, ou construit par `npm run build` (dist/workflows.js,
    // à côté de dist/worker.mjs) ; lancé autrement depuis les sources (tsx), le worker les empaquette lui-même.
    ...(typeof PAQUET_DONNE === 'string'
      ? { workflowBundle: { codePath: PAQUET_DONNE } }
      : existsSync(PAQUET_WORKFLOWS)
        ? { workflowBundle: { codePath: PAQUET_WORKFLOWS } }
        : {}),
    dataConverter: services.dataConverter,
    dependances: {
      base,
      coffre: services.coffre,
      catalogue,
      transport: services.transport,
      expediteur: config.MAIL_FROM,
      signeur: services.signeur,
      baseUrl: config.PUBLIC_BASE_URL,
      ...(config.RETOURS_COURRIEL ? { retours: config.RETOURS_COURRIEL } : {}),
      ...(config.SMS_URL
        ? {
            sms: { coffre: services.coffre, fournisseur: fournisseurHttp({ url: config.SMS_URL, jeton: config.SMS_JETON, expediteur: config.SMS_EXPEDITEUR }) },
          }
        : {}),
    },
  });
  // Présence signalée dans la base pendant que le worker tourne : l'API répond 503 tout de suite sans worker.
  const course = worker.run();
  const presence = await signalerPresence(base, config.TEMPORAL_TASK_QUEUE, (e) => journal.warn({ err: e }, 'présence du worker non signalée'));
  journal.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace, parcoursEnCache: parcoursEnCache(config.WORKER_MEMOIRE_MIO) }, 'worker démarré');
  // Le tas de V8 n'est fixé qu'au lancement de Node : trop grand, le worker dépasse son budget.
  const tas = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const avertissement = avertissementTas(tas, config.WORKER_MEMOIRE_MIO);
  if (avertissement) journal.warn({ tasMio: tas, tasVouluMio: tasV8Mio(config.WORKER_MEMOIRE_MIO) }, avertissement);
  try {
    await course;
  } finally {
    await presence.arreter();
  }
  await connection.close();
  await base.destroy();
}

arreterSansDonneeSurErreurImprevue('Le worker s’est arrêté');
main().catch((e) => {
  if (e instanceof ErreurConfiguration) console.error(e.message);
  else console.error('Le worker s’est arrêté sur une erreur :', erreurLisible(e));
  process.exit(1);
});
