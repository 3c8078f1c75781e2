/**
 * Les textes comparés sans leur forme : les en-têtes d'une liste importée, les noms cherchés, le
 * bailleur nommé pour un logement, le nom et l'adresse d'un ménage déjà suivi.
 */

/** Les lettres liées, écrites aussi en deux lettres (« Bœuf », « boeuf ») : la décomposition ne les sépare pas. */
const LIGATURES: Record<string, string> = { œ: 'oe', Œ: 'oe', æ: 'ae', Æ: 'ae', ß: 'ss' };

/** Un texte comparable : minuscules, sans accents, ligatures ni ponctuation, espaces simples. */
export function normaliser(texte: string): string {
  return texte
    .replace(/[œŒæÆß]/g, (l) => LIGATURES[l]!)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
