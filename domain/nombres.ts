/**
 * Un nombre écrit à la française, dans un formulaire ou une cellule de tableur : « 1 234,56 € »,
 * « 1.234,56 », « 1234.56 », « 2,5 ». Les espaces (insécables comprises) et l'apostrophe séparent les
 * milliers ; quand la virgule et le point sont là tous deux, le dernier est la décimale (« 1.234,56 »
 * français, « 1,234.56 » d'un tableur anglais) ; un seul séparateur suivi de groupes de trois chiffres
 * sépare des milliers (« 1.234 », « 1,234 », « 12.345.678 » : un montant n'a jamais trois décimales),
 * sauf après un zéro seul (« 0,125 »). `undefined` si le texte n'est pas un nombre.
 */
export function lireNombreFrancais(texte: string): number | undefined {
  let t = texte
    .trim()
    .replace(/€|eur(os?)?/gi, '')
    .replace(/[\s\u00a0\u202f']/g, '');
  if (t.includes(',') && t.includes('.')) {
    const decimale = t.lastIndexOf(',') > t.lastIndexOf('.') ? ',' : '.';
    const milliers = decimale === ',' ? '\\.' : ',';
    const i = t.lastIndexOf(decimale);
    // Les milliers en groupes de trois chiffres (« 1.234,56 ») ; sinon, ce n'est pas un nombre.
    if (!new RegExp(`^-?\\d{1,3}(${milliers}\\d{3})*$`).test(t.slice(0, i))) return undefined;
    t = `${t.slice(0, i).replace(/[.,]/g, '')}.${t.slice(i + 1)}`;
  } else if (/^-?[1-9]\d{0,2}([.,])\d{3}(\1\d{3})*$/.test(t)) t = t.replace(/[.,]/g, '');
  else t = t.replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : undefined;
}
