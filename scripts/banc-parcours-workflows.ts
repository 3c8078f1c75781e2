/**
 * Le workflow brut du banc des parcours (scripts/bench-parcours.ts) : le plus petit parcours
 * possible, empaqueté à part et servi par son propre worker sur une autre file. Il reçoit une entrée
 * de la taille de celle d'un vrai parcours, reste ouvert, rend son état par une mise à jour et compte
 * les messages reçus. C'est la limite de ce que Temporal permet : démarrer, démarrer et lire l'état
 * (mise à jour avec démarrage), appliquer un message.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export interface EtatBrut {
  etape: string;
  messages: number;
}

/** L'état initial, rendu par la mise à jour envoyée avec le démarrage. */
export const etatBrutUpdate = defineUpdate<EtatBrut>('etatBrut');
/** Un message : appliqué, il rend le nouvel état. */
export const messageBrutUpdate = defineUpdate<EtatBrut, [{ requestId: string; par: string; note?: string }]>('messageBrut');
export const finBrutUpdate = defineUpdate<void>('finBrut');

export async function parcoursBrut(entree: { taille: number; contenu: unknown }): Promise<number> {
  const etat: EtatBrut = { etape: entree.taille > 0 ? 'aller_vers' : 'orientation', messages: 0 };
  let fini = false;
  setHandler(etatBrutUpdate, () => etat);
  setHandler(messageBrutUpdate, (m) => {
    if (m.requestId) etat.messages += 1;
    return etat;
  });
  setHandler(finBrutUpdate, () => void (fini = true));
  await condition(() => fini);
  return etat.messages;
}
