/**
 * Les relances des orientations non traitées, lancées chaque matin par la planification Temporal
 * « relance-orientations » (orientations/planification.ts). Le workflow ne fait qu'appeler
 * l'activité et rendre son bilan (des nombres, rien de personnel).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activites } from '../activities';

const { relancerOrientations } = proxyActivities<Pick<Activites, 'relancerOrientations'>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function relanceOrientations(): Promise<Awaited<ReturnType<Activites['relancerOrientations']>>> {
  return relancerOrientations();
}
