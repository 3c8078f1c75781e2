/**
 * La vérification de santé du conteneur du worker (`node dist/sante-worker.mjs`, docker compose) :
 * réussit si un worker de cette machine (même nom d'hôte, l'identité Temporal par défaut étant
 * « pid@hôte ») a interrogé la file des parcours dans les deux dernières minutes ; sinon échoue
 * en disant pourquoi, en français.
 */
import { erreurLisible } from '../config/journalisation';
import { hostname } from 'node:os';
import { Connection } from '@temporalio/client';
import { lireConfig, optionsTemporal } from '../config/env';

const FRAICHEUR_MS = 2 * 60_000;

async function main(): Promise<number> {
  const config = lireConfig();
  const { connectionOptions, namespace } = optionsTemporal(config);
  const connexion = await Connection.connect({ ...connectionOptions, connectTimeout: 5_000 });
  try {
    const r = await connexion.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: config.TEMPORAL_TASK_QUEUE, kind: 1 },
      taskQueueType: 1, // les tâches de workflow
    });
    const hote = `@${hostname()}`;
    const maintenant = Date.now();
    const recents = (r.pollers ?? []).filter((p) => {
      const vu = p.lastAccessTime?.seconds ? Number(p.lastAccessTime.seconds) * 1000 : 0;
      return (p.identity ?? '').endsWith(hote) && maintenant - vu < FRAICHEUR_MS;
    });
    if (recents.length) return 0;
    console.error(`Aucun worker de ${hostname()} n’interroge la file « ${config.TEMPORAL_TASK_QUEUE} » depuis deux minutes.`);
    return 1;
  } finally {
    await connexion.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('Santé du worker inconnue :', erreurLisible(e));
    process.exit(1);
  },
);
