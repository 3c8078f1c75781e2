/**
 * La fiche de clôture en HTML imprimable (tous les parcours). Son contenu est celui de
 * documents/fiche-cloture.ts (le même que le PDF joint aux courriels de clôture).
 */
import { ficheCloture, lireFicheCloture, type FicheCloture } from '../../documents/fiche-cloture';
import type { EtatParcours } from '../../domain/vocabulaire';
import type { Brut } from '../../rendu/html';
import { contenuDocument } from './rendu';

export { lireFicheCloture, type FicheCloture };

/** `fiche` : celle lue par `lireFicheCloture` (gardée pour les appelants qui l'ont déjà lue). */
export function contenuFicheCloture(etat: EtatParcours, _fiche: FicheCloture, travailleurSocial?: string): Brut {
  const operateur = { nom: etat.programme.nom, courriel: '', type: 'association' as const };
  return contenuDocument(
    ficheCloture({ etat, programme: { id: etat.programme.id, nom: etat.programme.nom, operateur }, contact: travailleurSocial }, 'equipe'),
  );
}
