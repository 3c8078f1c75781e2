/**
 * Le hasard de la simulation, reproductible : un générateur mulberry32 (32 bits, rapide, sans
 * dépendance) et une graine par ménage, dérivée de la graine de la simulation, du programme et du
 * rang du ménage. Le plan d'un ménage ne dépend ainsi que de ces trois valeurs : ajouter des ménages
 * ou un programme ne change pas le plan des autres.
 */

/** Une graine 32 bits tirée d'un texte (cyrb53, réduit à 32 bits). */
export function graineDe(texte: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < texte.length; i++) {
    const c = texte.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

export class Hasard {
  private etat: number;

  constructor(graine: number | string) {
    this.etat = (typeof graine === 'number' ? graine : graineDe(graine)) >>> 0;
  }

  /** Un nombre dans [0, 1) (mulberry32). */
  suivant(): number {
    this.etat = (this.etat + 0x6d2b79f5) >>> 0;
    let t = this.etat;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Vrai avec la probabilité `p`. */
  oui(p: number): boolean {
    return this.suivant() < p;
  }

  /** Un réel dans [a, b). */
  entre(a: number, b: number): number {
    return a + (b - a) * this.suivant();
  }

  /** Un entier dans [a, b] (bornes comprises). */
  entier(a: number, b: number): number {
    return a + Math.floor((b - a + 1) * this.suivant());
  }

  /** Un élément du tableau. */
  parmi<T>(valeurs: readonly T[]): T {
    return valeurs[Math.floor(this.suivant() * valeurs.length)]!;
  }

  /** Loi de Poisson de moyenne `moyenne` (méthode de Knuth : les moyennes d'ici sont petites). */
  poisson(moyenne: number): number {
    if (!(moyenne > 0)) return 0;
    const limite = Math.exp(-moyenne);
    let k = 0;
    let p = this.suivant();
    while (p > limite) {
      k += 1;
      p *= this.suivant();
    }
    return k;
  }
}
