/**
 * Attendre une condition au plus jusqu'à un délai, sans jamais annuler de minuteur.
 *
 * `condition(fn, délai)` du SDK annule son minuteur quand la condition devient vraie. Le serveur
 * de test à saut de temps refuse l'achèvement d'une tâche qui annule un minuteur qu'il vient de
 * déclencher (« invalid history builder state for action », temporalio/sdk-java#3088) et laisse
 * le parcours bloqué. Ici le minuteur court jusqu'au bout et son déclenchement est ignoré s'il
 * n'est plus attendu : un événement de plus dans l'historique, aucune course.
 */
import { condition, sleep } from '@temporalio/workflow';

/** Vrai si la condition est remplie, faux si le délai (ms, depuis maintenant) est passé avant. */
export async function attendre(fn: () => boolean, ms: number): Promise<boolean> {
  if (fn()) return true;
  if (ms <= 0) return false;
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
