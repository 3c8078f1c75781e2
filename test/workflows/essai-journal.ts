/**
 * Un workflow écrit pour l'essai des journaux du SDK : son activité échoue sur une erreur dont le
 * message cite une donnée (comme une bibliothèque qui cite une adresse refusée), et le workflow échoue
 * avec elle. Le SDK journalise alors « Activity failed » puis « Workflow failed ».
 */
import { proxyActivities } from '@temporalio/workflow';

export interface ActivitesEssaiJournal {
  echouerEnCitantUneDonnee(donnee: string): Promise<void>;
}

const { echouerEnCitantUneDonnee } = proxyActivities<ActivitesEssaiJournal>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } });

export async function essaiJournal(donnee: string): Promise<void> {
  await echouerEnCitantUneDonnee(donnee);
}
