/**
 * Les planifications Temporal du produit (effacement des dossiers échus chaque nuit, relance des
 * orientations chaque matin) : une exécution par jour à heure fixe de Paris, jamais deux à la fois,
 * un jour manqué (serveur arrêté) rattrapé dans la journée. Installées par chaque API au démarrage ;
 * la première les crée, les suivantes les trouvent et remettent à jour horaire, action et règles.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';

export interface PlanificationQuotidienne {
  /** Identifiant de la planification, et du workflow qu'elle lance (suivi de la date). */
  id: string;
  workflowType: string;
  taskQueue: string;
  heure: number;
  minute: number;
  description: string;
}

export function planificationQuotidienne(p: PlanificationQuotidienne): ScheduleOptions {
  return {
    scheduleId: p.id,
    spec: { calendars: [{ hour: p.heure, minute: p.minute }], timezone: 'Europe/Paris' },
    action: { type: 'startWorkflow', workflowType: p.workflowType, taskQueue: p.taskQueue, workflowId: p.id, args: [] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { description: p.description },
  };
}

/** Crée la planification si elle manque, sinon remet son action, son horaire et ses règles à jour. */
export async function installerPlanification(client: Client, o: ScheduleOptions): Promise<'creee' | 'a_jour'> {
  try {
    await client.schedule.create(o);
    return 'creee';
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await client.schedule.getHandle(o.scheduleId).update((avant) => ({ ...avant, spec: o.spec, action: o.action, policies: o.policies }));
    return 'a_jour';
  }
}
