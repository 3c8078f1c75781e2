/** Ce qu'un modèle de courriel produit : l'objet et les paragraphes, en français. */
export interface Courriel {
  sujet: string;
  paragraphes: string[];
}

/** Une date (instant ou jour AAAA-MM-JJ), mise en forme par le modèle (« 3 mars 2027 »). */
export type Jour = Date | string;

/** Ce que les courriers lisent du programme : son nom et celui de l'opérateur. */
export interface ProgrammeCourrier {
  nom: string;
  operateur: { nom: string };
}
