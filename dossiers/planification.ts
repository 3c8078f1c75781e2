/**
 * La planification Temporal de l'effacement des dossiers échus : chaque nuit à 3 h 15 (heure de
 * Paris), une exécution du workflow `effacementDossiers` (config/planification.ts : jamais deux à la
 * fois, installée par chaque API au démarrage).
 */
import type { Client, ScheduleOptions } from '@temporalio/client';
import { installerPlanification, planificationQuotidienne } from '../config/planification';

export const ID_PLANIFICATION_EFFACEMENT = 'effacement-dossiers';

export const optionsPlanification = (taskQueue: string): ScheduleOptions =>
  planificationQuotidienne({
    id: ID_PLANIFICATION_EFFACEMENT,
    workflowType: 'effacementDossiers',
    taskQueue,
    heure: 3,
    minute: 15,
    description: 'Effacement des dossiers clos au-delà de leur durée de conservation',
  });

export const installerPlanificationEffacement = (client: Client, taskQueue: string): Promise<'creee' | 'a_jour'> =>
  installerPlanification(client, optionsPlanification(taskQueue));
