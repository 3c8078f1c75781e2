/**
 * Les planifications Temporal du produit (effacement des dossiers échus, relance des orientations) :
 * installées par chaque API au démarrage ; la première les crée, les suivantes les trouvent et
 * remettent à jour leur horaire, leur action et leurs règles.
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

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
