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
