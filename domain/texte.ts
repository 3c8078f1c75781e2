/**
 * Les textes comparés sans leur forme : les en-têtes d'une liste importée, les noms cherchés, le
 * bailleur nommé pour un logement.
 */

/** Un texte comparable : minuscules, sans accents ni ponctuation, espaces simples. */
export function normaliser(texte: string): string {
  return texte
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
