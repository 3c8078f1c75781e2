/**
 * Le renvoi d'un SMS au ménage que le fournisseur n'a pas pris (activities/sms.ts) : une tentative
 * toutes les 10 minutes au plus, trois jours au plus, puis l'abandon noté dans la boîte d'envoi. Un
 * SMS venu la nuit, un dimanche ou un jour férié attend d'abord 8 h (`pasAvant`). Le SMS annonce
 * un courriel déjà parti, ou une lettre, une nouvelle : au-delà, il n'apprendrait plus rien au ménage.
 */
import { isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activites } from '../activities';
import type { RenvoiSms } from '../activities/sms';
import type { ResultatSms } from '../sms';
import { ajouterDuree, estDureeIso } from '../domain/durees';

/** Le délai au-delà duquel un SMS qui ne part pas est abandonné. */
export const ABANDON_SMS = 'P3D';

const { abandonnerSms } = proxyActivities<Pick<Activites, 'abandonnerSms'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

export async function renvoiSms(entree: RenvoiSms): Promise<ResultatSms> {
  // Une entrée sans clé lisible (jamais venue du produit) : rien à renvoyer ni à noter ; le workflow
  // finit sans échouer. Le reste de l'entrée est validé par l'activité (EntreeInvalide : abandon).
  if (typeof entree?.sms?.cle !== 'string' || entree.sms.cle.length < 8) return { envoye: false, raison: 'abandonne' };
  // Un délai illisible : celui du produit, trois jours.
  const abandon = entree.abandonApres && estDureeIso(entree.abandonApres) ? entree.abandonApres : ABANDON_SMS;
  // Venu la nuit, un dimanche ou un jour férié : rien avant 8 h ; les trois jours comptent de là.
  const pasAvant = typeof entree.pasAvant === 'string' ? Date.parse(entree.pasAvant) : NaN;
  if (pasAvant > Date.now()) await sleep(pasAvant - Date.now());
  const { renvoyerSms } = proxyActivities<Pick<Activites, 'renvoyerSms'>>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: ajouterDuree(new Date(), abandon).getTime() - Date.now(),
    retry: {
      initialInterval: '30 seconds',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      nonRetryableErrorTypes: ['EntreeInvalide', 'SmsNonConfigures'],
    },
  });
  try {
    return await renvoyerSms(entree.sms);
  } catch (e) {
    if (isCancellation(e)) throw e;
    await abandonnerSms({ cle: entree.sms.cle });
    return { envoye: false, raison: 'abandonne' };
  }
}
