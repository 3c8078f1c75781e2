/**
 * Compatibilité pour les tests : les pièces jointes d'un courriel d'après sa source.
 *
 * L'analyse MIME n'est plus faite ici : le mail catcher la confie à `mailparser` à la réception
 * (dev/mail-catcher.ts), et chaque courriel reçu porte déjà ses pièces jointes décodées
 * (`m.piecesJointes`). Cette fonction les retrouve d'après la source (`m.brut`) parmi les courriels
 * des mail catchers ouverts dans ce processus.
 */
import { courrielParSource, type PieceJointeRecue } from './mail-catcher';

/** @deprecated Lire `m.piecesJointes` du courriel reçu. */
export function piecesJointesMime(brut: string): Array<Pick<PieceJointeRecue, 'filename' | 'contentType' | 'size' | 'contenu'>> {
  const m = courrielParSource(brut);
  if (!m) {
    throw new Error('piecesJointesMime : ce courriel n’a été reçu par aucun mail catcher ouvert dans ce processus (lire m.piecesJointes).');
  }
  return m.piecesJointes.map(({ filename, contentType, size, contenu }) => ({ filename, contentType, size, contenu }));
}
