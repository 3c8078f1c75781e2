/**
 * La planification Temporal de l'effacement des dossiers échus : chaque nuit à 3 h 15 (heure de
 * Paris), une exécution du workflow `effacementDossiers`, jamais deux à la fois. Installée par chaque
 * API au démarrage : la première la crée, les suivantes la trouvent (et la remettent à jour).
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { installerPlanification } from '../config/planification';

export const ID_PLANIFICATION_EFFACEMENT = 'effacement-dossiers';

export function optionsPlanification(taskQueue: string): ScheduleOptions {
  return {
    scheduleId: ID_PLANIFICATION_EFFACEMENT,
    spec: { calendars: [{ hour: 3, minute: 15 }], timezone: 'Europe/Paris' },
    action: { type: 'startWorkflow', workflowType: 'effacementDossiers', taskQueue, workflowId: 'effacement-dossiers', args: [] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { description: 'Effacement des dossiers clos au-delà de leur durée de conservation' },
  };
}

/** Crée la planification si elle manque, sinon remet son action et son horaire à jour. */
export function installerPlanificationEffacement(client: Client, taskQueue: string): Promise<'creee' | 'a_jour'> {
  return installerPlanification(client, optionsPlanification(taskQueue));
}
