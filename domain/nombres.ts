import { MOIS } from './durees';
import { normaliser } from './texte';

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

/**
 * Un mois saisi par une personne (« avril 2027 », « Avr. 2027 », « 04/2027 », « 4-2027 »,
 * « 2027-04 ») au format de l'API (« 2027-04 ») ; `undefined` si le texte n'en est pas un, ou si le
 * nom du mois est ambigu (« ju 2027 », « jui 2027 ») : trois lettres au moins, un seul mois.
 */
export function lireMoisFrancais(texte: string): string | undefined {
  const t = normaliser(texte);
  let m = /^(\d{4}) (\d{1,2})$/.exec(t);
  const [annee, mois] = m
    ? [m[1]!, Number(m[2])]
    : (m = /^(\d{1,2}) (\d{4})$/.exec(t))
      ? [m[2]!, Number(m[1])]
      : (m = /^([a-z]{3,}) (\d{4})$/.exec(t))
        ? [m[2]!, moisNomme(m[1]!)]
        : [undefined, undefined];
  return annee && mois && mois >= 1 && mois <= 12 ? `${annee}-${String(mois).padStart(2, '0')}` : undefined;
}

/** Le numéro (1 à 12) du seul mois dont le nom commence ainsi (« avr », « fevrier », « aout ») ; sinon `undefined`. */
function moisNomme(debut: string): number | undefined {
  const trouves = MOIS.map((nom, i) => ({ nom: normaliser(nom), i })).filter((x) => x.nom.startsWith(debut));
  return trouves.length === 1 ? trouves[0]!.i + 1 : undefined;
}
