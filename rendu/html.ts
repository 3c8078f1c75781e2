/**
 * Le gabarit HTML commun aux pages, aux rapports et aux documents : les valeurs échappées, sauf
 * celles marquées `brut()`. Sans dépendance : les modules de tous les étages s'en servent.
 */
const ENTITES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Échappe une valeur pour le HTML (contenu et attributs). */
export const echapper = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ENTITES[c]!);

/** Gabarit HTML : `html\`<p>${valeur}</p>\`` échappe les valeurs, sauf celles marquées `brut()`. */
export class Brut {
  constructor(readonly valeur: string) {}
  toString() {
    return this.valeur;
  }
}
export const brut = (s: string) => new Brut(s);

export function html(chaines: TemplateStringsArray, ...valeurs: unknown[]): Brut {
  let r = chaines[0]!;
  valeurs.forEach((v, i) => {
    const rendu = Array.isArray(v)
      ? v.map((x) => (x instanceof Brut ? x.valeur : echapper(x))).join('')
      : v instanceof Brut
        ? v.valeur
        : v === undefined || v === null || v === false
          ? ''
          : echapper(v);
    r += rendu + chaines[i + 1]!;
  });
  return brut(r);
}
