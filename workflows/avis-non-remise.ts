/**
 * Un avis de non-remise reçu pour un courriel (retours/recepteur.ts) : la coordination du programme en
 * est avertie (activities/non-remise.ts). L'alerte est reprise jusqu'à ce qu'elle parte (serveur de
 * courriel en panne) ; démarré une fois par courriel (identifiant `non-remis:<clé du courriel>`).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activites } from '../activities';
import type { AvisNonRemise } from '../activities/non-remise';

const { signalerNonRemise } = proxyActivities<Pick<Activites, 'signalerNonRemise'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', nonRetryableErrorTypes: ['EntreeInvalide'] },
});

export async function avisNonRemise(entree: AvisNonRemise): Promise<'alerte' | 'sans_alerte'> {
  // Une entrée sans clé lisible (jamais venue du produit) : rien à signaler.
  if (typeof entree?.cle !== 'string' || entree.cle.length < 8) return 'sans_alerte';
  return signalerNonRemise({ cle: entree.cle });
}
