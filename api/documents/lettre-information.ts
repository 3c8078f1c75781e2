/**
 * La lettre d'information au ménage en HTML imprimable. Son contenu est celui de
 * documents/lettre-information.ts (le même que le PDF joint au courriel du ménage).
 */
import { documentLettre, type DonneesLettre } from '../../documents/lettre-information';
import type { Brut } from '../../rendu/html';
import { contenuDocument } from './rendu';

export { dateLettre, lignesAdresse } from '../../documents/commun';
export type { DonneesLettre };

export function contenuLettreInformation(d: DonneesLettre): Brut {
  return contenuDocument(documentLettre(d));
}
