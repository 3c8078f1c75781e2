/**
 * Attendre une condition au plus jusqu'à un délai.
 *
 * Depuis `patched('minuteurs-annules')`, c'est le `condition(fn, délai)` du SDK : le minuteur est
 * annulé dès que la condition est remplie, comme en production.
 *
 * Les parcours commencés avant ce changement gardent l'ancienne forme (leurs historiques doivent se
 * rejouer à l'identique) : le minuteur court jusqu'au bout et son déclenchement est ignoré s'il
 * n'est plus attendu. Elle venait du serveur de test Java à saut de temps, qui se figeait quand un
 * minuteur était annulé (temporalio/sdk-java#3088) ; les tests tournent maintenant sur le vrai
 * serveur avec le saut de temps par workflow. Quand plus aucun parcours ne tourne sur l'ancien code :
 * `deprecatePatch('minuteurs-annules')`, puis retirer la branche.
 */
import { condition, patched, sleep } from '@temporalio/workflow';

/** Vrai si la condition est remplie, faux si le délai (ms, depuis maintenant) est passé avant. */
export async function attendre(fn: () => boolean, ms: number): Promise<boolean> {
  if (fn()) return true;
  if (ms <= 0) return false;
  if (patched('minuteurs-annules')) return condition(fn, ms);
  let ecoule = false;
  void sleep(ms).then(() => {
    ecoule = true;
  });
  await condition(() => fn() || ecoule);
  return fn();
}

/** Attend jusqu'à une date (ou indéfiniment si la condition vient d'abord). */
export function attendreJusqua(fn: () => boolean, date: Date): Promise<boolean> {
  return attendre(fn, date.getTime() - Date.now());
}
