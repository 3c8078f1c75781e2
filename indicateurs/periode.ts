/**
 * Les bornes d'une période d'évaluation (jours AAAA-MM-JJ, bornes comprises) en instants : des
 * journées de Paris, du minuit de Paris du premier jour à la dernière milliseconde avant le minuit de
 * Paris du lendemain du dernier (23 ou 25 heures les jours de changement d'heure). Le calcul des
 * indicateurs et la lecture des fiches de la période comptent avec les mêmes bornes.
 */
import { minuitDeParis } from '../domain/durees';

/** Le jour (AAAA-MM-JJ) qui suit, ou le premier du mois qui suit (`'mois'`). */
function suivant(jour: string, pas: 'jour' | 'mois'): string {
  const d = new Date(`${jour}T00:00:00.000Z`);
  if (pas === 'mois') d.setUTCMonth(d.getUTCMonth() + 1, 1);
  else d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Les instants (ms) du début et de la fin (comprise) d'une période ; `'mois'` : le mois du jour `au` entier. */
export function bornesDeParis(periode: { du: string; au: string }, fin: 'jour' | 'mois' = 'jour'): { debut: number; fin: number } {
  const debut = minuitDeParis(periode.du).getTime();
  if (Number.isNaN(debut) || Number.isNaN(Date.parse(`${periode.au}T00:00:00.000Z`))) return { debut: Number.NaN, fin: Number.NaN };
  return { debut, fin: minuitDeParis(suivant(periode.au, fin)).getTime() - 1 };
}

/**
 * Une période (jours AAAA-MM-JJ, bornes comprises) en années, pour mettre au prorata un coût ou des
 * situations « par an » : les jours de la période dans chaque année, divisés par les jours de cette
 * année. Du 1er janvier au 31 décembre 2028 (366 jours) : 1 an, comme en 2027 ; du 1er juillet 2027
 * au 30 juin 2028 : 184/365 + 182/366.
 */
export function enAnnees(periode: { du: string; au: string }): number {
  const JOUR = 86_400_000;
  const fin = Date.parse(`${periode.au}T00:00:00.000Z`) + JOUR;
  let annees = 0;
  for (let debut = Date.parse(`${periode.du}T00:00:00.000Z`); debut < fin;) {
    const annee = new Date(debut).getUTCFullYear();
    const suivante = Date.UTC(annee + 1, 0, 1);
    const jusqua = Math.min(fin, suivante);
    annees += (jusqua - debut) / (suivante - Date.UTC(annee, 0, 1));
    debut = jusqua;
  }
  return annees;
}
