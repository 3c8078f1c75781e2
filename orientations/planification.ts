/**
 * La planification Temporal des relances d'orientations : chaque matin à 8 h 30 (heure de Paris),
 * une exécution du workflow `relanceOrientations`, jamais deux à la fois ; un matin manqué (serveur
 * arrêté) est rattrapé dans la journée. Installée par chaque API au démarrage.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { installerPlanification } from '../config/planification';

export const ID_PLANIFICATION_RELANCES = 'relance-orientations';

export function optionsPlanificationRelances(taskQueue: string): ScheduleOptions {
  return {
    scheduleId: ID_PLANIFICATION_RELANCES,
    spec: { calendars: [{ hour: 8, minute: 30 }], timezone: 'Europe/Paris' },
    action: { type: 'startWorkflow', workflowType: 'relanceOrientations', taskQueue, workflowId: 'relance-orientations', args: [] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { description: 'Relance de la coordination pour les orientations non traitées dont le délai de contact approche ou est passé' },
  };
}

export function installerPlanificationRelances(client: Client, taskQueue: string): Promise<'creee' | 'a_jour'> {
  return installerPlanification(client, optionsPlanificationRelances(taskQueue));
}
