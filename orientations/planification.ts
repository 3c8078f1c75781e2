/**
 * La planification Temporal des relances d'orientations : chaque matin à 8 h 30 (heure de Paris),
 * une exécution du workflow `relanceOrientations` (config/planification.ts : jamais deux à la fois,
 * un matin manqué rattrapé dans la journée, installée par chaque API au démarrage).
 */
import type { Client, ScheduleOptions } from '@temporalio/client';
import { installerPlanification, planificationQuotidienne } from '../config/planification';

export const ID_PLANIFICATION_RELANCES = 'relance-orientations';

export const optionsPlanificationRelances = (taskQueue: string): ScheduleOptions =>
  planificationQuotidienne({
    id: ID_PLANIFICATION_RELANCES,
    workflowType: 'relanceOrientations',
    taskQueue,
    heure: 8,
    minute: 30,
    description: 'Relance de la coordination pour les orientations non traitées dont le délai de contact approche ou est passé',
  });

export const installerPlanificationRelances = (client: Client, taskQueue: string): Promise<'creee' | 'a_jour'> =>
  installerPlanification(client, optionsPlanificationRelances(taskQueue));
