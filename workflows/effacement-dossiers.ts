/**
 * L'effacement des dossiers clos échus, lancé par la planification Temporal « effacement-dossiers »
 * (dossiers/planification.ts). Le workflow ne fait qu'appeler l'activité et rendre son bilan, sans
 * rien de personnel.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activites } from '../activities';

const { effacerDossiersEchus } = proxyActivities<Pick<Activites, 'effacerDossiersEchus'>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function effacementDossiers(): Promise<Awaited<ReturnType<Activites['effacerDossiersEchus']>>> {
  return effacerDossiersEchus();
}
