/** Ce qu'un modèle de courriel produit : l'objet et les paragraphes, en français. */
export interface Courriel {
  sujet: string;
  paragraphes: string[];
}

/** Une date (instant ou jour AAAA-MM-JJ), mise en forme par le modèle (« 3 mars 2027 »). */
export type Jour = Date | string;

/** Ce que les courriers lisent du programme : son nom et celui de l'opérateur. */
/** L'opérateur tel qu'un ménage doit pouvoir le joindre. */
export interface OperateurAJoindre {
  operateur: { nom: string; telephone?: string; courriel: string };
}

/** « Pour toute question : … » : qui appeler, dans un courriel au ménage. */
export const phraseQuiAppeler = (x: OperateurAJoindre): string =>
  `Pour toute question, ou si une difficulté survient : ${x.operateur.nom}${x.operateur.telephone ? `, ${x.operateur.telephone}` : ''}, ${x.operateur.courriel}.`;

export interface ProgrammeCourrier {
  nom: string;
  operateur: { nom: string };
}

/**
 * La formule d'appel d'une lettre au ménage, d'après la civilité que son nom porte : « Mme Josiane
 * Lefébure » → « Madame », « M. Traoré » → « Monsieur » ; un couple, ou un nom sans civilité,
 * « Madame, Monsieur ».
 */
export function formuleDAppel(nom: string): string {
  const n = nom.trim();
  const madame = /^(mme|madame|mlle|mademoiselle)(\.|\s|$)/i;
  const monsieur = /^(m\.|mr\.?|monsieur)(\s|$)/i;
  if (/\bet\s+(mme|madame|m\.|monsieur)(\.|\s|$)/i.test(n)) return 'Madame, Monsieur';
  if (madame.test(n)) return 'Madame';
  if (monsieur.test(n)) return 'Monsieur';
  return 'Madame, Monsieur';
}
