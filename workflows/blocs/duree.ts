/**
 * Durées ISO 8601 des programmes (P3W, P1M, P7D, PT48H…), sans dépendance : utilisable dans le
 * code des workflows (déterministe) comme au chargement des programmes.
 * Les mois et les années suivent le calendrier (1 mois après le 31 janvier = fin février).
 */
const FORME = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export interface Duree {
  annees: number;
  mois: number;
  semaines: number;
  jours: number;
  heures: number;
  minutes: number;
  secondes: number;
}

export function lireDuree(iso: string): Duree | undefined {
  const m = FORME.exec(iso);
  if (!m) return undefined;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  return { annees: n(1), mois: n(2), semaines: n(3), jours: n(4), heures: n(5), minutes: n(6), secondes: n(7) };
}

export function estDureeIso(iso: string): boolean {
  return lireDuree(iso) !== undefined;
}

export function ajouterDuree(date: Date, iso: string, signe: 1 | -1 = 1): Date {
  const d = lireDuree(iso);
  if (!d) throw new Error(`Durée ISO 8601 invalide : « ${iso} »`);
  const r = new Date(date.getTime());
  if (d.annees || d.mois) {
    const jour = r.getUTCDate();
    r.setUTCDate(1);
    r.setUTCMonth(r.getUTCMonth() + signe * (d.mois + 12 * d.annees));
    const dernier = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, 0)).getUTCDate();
    r.setUTCDate(Math.min(jour, dernier));
  }
  const ms = ((((d.semaines * 7 + d.jours) * 24 + d.heures) * 60 + d.minutes) * 60 + d.secondes) * 1000;
  return new Date(r.getTime() + signe * ms);
}

export function retirerDuree(date: Date, iso: string): Date {
  return ajouterDuree(date, iso, -1);
}

/** Comparaison de deux durées (à partir d'une même date) : négatif si a < b. */
export function comparerDurees(a: string, b: string, depuis = new Date(0)): number {
  return ajouterDuree(depuis, a).getTime() - ajouterDuree(depuis, b).getTime();
}

const MOIS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** « 12 mars 2027 » (heure de Paris approchée par UTC+1 : suffisant pour une date du jour). */
export function dateEnFrancais(date: Date | string): string {
  const d = new Date(typeof date === 'string' ? date : date.getTime());
  const paris = new Date(d.getTime() + 60 * 60 * 1000);
  return `${paris.getUTCDate()} ${MOIS[paris.getUTCMonth()]} ${paris.getUTCFullYear()}`;
}

/** « 3 semaines », « 1 mois », « 7 jours »… pour les courriels. */
export function dureeEnFrancais(iso: string): string {
  const d = lireDuree(iso);
  if (!d) return iso;
  const parts: string[] = [];
  const p = (n: number, un: string, plusieurs: string) => n && parts.push(`${n} ${n > 1 ? plusieurs : un}`);
  p(d.annees, 'an', 'ans');
  p(d.mois, 'mois', 'mois');
  p(d.semaines, 'semaine', 'semaines');
  p(d.jours, 'jour', 'jours');
  p(d.heures, 'heure', 'heures');
  p(d.minutes, 'minute', 'minutes');
  p(d.secondes, 'seconde', 'secondes');
  return parts.join(' et ');
}
