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

/** Un jour AAAA-MM-JJ qui existe (pas le 30 février) : ce que les parcours acceptent d'un message. */
export function estJourIso(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
}

/**
 * Ajoute une durée à un instant. Les années, mois, semaines et jours suivent le calendrier de Paris :
 * l'échéance tombe à la même heure de Paris, changement d'heure compris (7 jours après un samedi
 * 23 h 30 avant le passage à l'heure d'été est un samedi 23 h 30, pas un dimanche 0 h 30). Les
 * heures, minutes et secondes sont du temps exact.
 */
export function ajouterDuree(date: Date, iso: string, signe: 1 | -1 = 1): Date {
  const d = lireDuree(iso);
  if (!d) throw new Error(`Durée ISO 8601 invalide : « ${iso} »`);
  let t = date.getTime();
  if (d.annees || d.mois || d.semaines || d.jours) {
    const r = heureDeParis(date);
    if (d.annees || d.mois) {
      const jour = r.getUTCDate();
      r.setUTCDate(1);
      r.setUTCMonth(r.getUTCMonth() + signe * (d.mois + 12 * d.annees));
      const dernier = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, 0)).getUTCDate();
      r.setUTCDate(Math.min(jour, dernier));
    }
    t = depuisHeureDeParis(r.getTime() + signe * (d.semaines * 7 + d.jours) * 86_400_000);
  }
  return new Date(t + signe * ((d.heures * 60 + d.minutes) * 60 + d.secondes) * 1000);
}

export function retirerDuree(date: Date, iso: string): Date {
  return ajouterDuree(date, iso, -1);
}

/**
 * La somme de durées ISO 8601, terme à terme : P6M + P1M = P7M (« point de suivi à 7 mois », compté
 * depuis le début du suivi avec le calendrier, et non un mois après la date du point à 6 mois).
 */
export function sommeDurees(...durees: string[]): string {
  const t: Duree = { annees: 0, mois: 0, semaines: 0, jours: 0, heures: 0, minutes: 0, secondes: 0 };
  for (const iso of durees) {
    const d = lireDuree(iso);
    if (!d) throw new Error(`Durée ISO 8601 invalide : « ${iso} »`);
    for (const k of Object.keys(t) as Array<keyof Duree>) t[k] += d[k];
  }
  const date = `${t.annees ? `${t.annees}Y` : ''}${t.mois ? `${t.mois}M` : ''}${t.semaines ? `${t.semaines}W` : ''}${t.jours ? `${t.jours}D` : ''}`;
  const heure = `${t.heures ? `${t.heures}H` : ''}${t.minutes ? `${t.minutes}M` : ''}${t.secondes ? `${t.secondes}S` : ''}`;
  return date || heure ? `P${date}${heure ? `T${heure}` : ''}` : 'P0D';
}

/** Comparaison de deux durées (à partir d'une même date) : négatif si a < b. */
export function comparerDurees(a: string, b: string, depuis = new Date(0)): number {
  return ajouterDuree(depuis, a).getTime() - ajouterDuree(depuis, b).getTime();
}

/** Les noms des mois, de janvier (0) à décembre (11). */
export const MOIS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** « mai 2026 » pour « 2026-05 » (ou un jour : « 2026-05-14 ») ; un texte qui n'est pas un mois reste tel quel. */
export function moisEnFrancais(mois: string): string {
  const m = /^(\d{4})-(\d{2})(?:-\d{2})?/.exec(mois);
  const nom = m ? MOIS[Number(m[2]) - 1] : undefined;
  return m && nom ? `${nom} ${m[1]}` : mois;
}

/** Le dernier dimanche d'un mois (0-11) d'une année, à 1 h UTC : les changements d'heure en Europe. */
function dernierDimancheUtc(annee: number, mois: number): number {
  const dernierJour = new Date(Date.UTC(annee, mois + 1, 0, 1));
  return dernierJour.getTime() - dernierJour.getUTCDay() * 86_400_000;
}

/**
 * L'heure de Paris d'un instant, sous forme d'une Date dont les champs UTC sont ceux de Paris :
 * UTC+2 du dernier dimanche de mars au dernier dimanche d'octobre (1 h UTC), UTC+1 sinon.
 * Calcul pur (sans base de fuseaux) : les workflows l'utilisent et doivent rester déterministes.
 */
export function heureDeParis(date: Date | string): Date {
  const t = new Date(typeof date === 'string' ? date : date.getTime()).getTime();
  const annee = new Date(t).getUTCFullYear();
  const ete = t >= dernierDimancheUtc(annee, 2) && t < dernierDimancheUtc(annee, 9);
  return new Date(t + (ete ? 2 : 1) * 3_600_000);
}

/**
 * L'instant dont l'heure de Paris est `local` (une heure de Paris écrite dans les champs UTC, comme
 * `heureDeParis` la rend). Une heure qui n'existe pas (entre 2 h et 3 h le jour du passage à l'heure
 * d'été) devient l'instant d'une heure plus tard ; une heure vécue deux fois (fin octobre), la première.
 */
export function depuisHeureDeParis(local: number): number {
  for (const decalage of [2, 1]) {
    const t = local - decalage * 3_600_000;
    if (heureDeParis(new Date(t)).getTime() === local) return t;
  }
  return local - 3_600_000;
}

/** Minuit à Paris d'un jour AAAA-MM-JJ : le début des délais qui partent d'une date (protocole, mesure IML). */
export function minuitDeParis(jour: string): Date {
  return new Date(depuisHeureDeParis(Date.parse(`${jour}T00:00:00.000Z`)));
}

/**
 * Le dernier jour d'une période qui finit au `terme` (premier jour après elle) : un protocole de
 * 24 mois commencé le 1er décembre 2026 court jusqu'au 30 novembre 2028. Midi la veille, à Paris,
 * quelle que soit l'heure d'été.
 */
export const veilleDe = (terme: Date | string): Date => new Date(new Date(terme).getTime() - 12 * 3_600_000);

/** Le jour (AAAA-MM-JJ) d'un instant à Paris. */
export function jourDeParis(date: Date | string): string {
  return heureDeParis(date).toISOString().slice(0, 10);
}

/**
 * Le nombre de jours du calendrier de Paris entre deux instants (0 le même jour) : un ménage désigné
 * le vendredi 4 et rencontré le dimanche 6 l'a été en 2 jours, quelle que soit l'heure.
 */
export function joursDeCalendrier(debut: Date | string, fin: Date | string): number {
  return Math.round((Date.parse(`${jourDeParis(fin)}T00:00:00Z`) - Date.parse(`${jourDeParis(debut)}T00:00:00Z`)) / 86_400_000);
}

/** « 12 mars 2027 », « 1er avril 2027 » : le jour à Paris. */
export function dateEnFrancais(date: Date | string): string {
  const paris = heureDeParis(date);
  const jour = paris.getUTCDate();
  return `${jour === 1 ? '1er' : jour} ${MOIS[paris.getUTCMonth()]} ${paris.getUTCFullYear()}`;
}

/** « 16:11 » : l'heure à Paris d'un instant. */
export function heureEnFrancais(date: Date | string): string {
  return heureDeParis(date).toISOString().slice(11, 16);
}

/** « mercredi 9 décembre 2026 à 8 h », « … à 8 h 30 » : un rendez-vous pris à une heure ronde (l'heure d'un SMS prévu). */
export function jourEtHeureEnMots(date: Date | string): string {
  const paris = heureDeParis(date);
  const minutes = paris.getUTCMinutes();
  return `${jourEnFrancais(date)} à ${paris.getUTCHours()} h${minutes ? ` ${String(minutes).padStart(2, '0')}` : ''}`;
}

/**
 * Une date limite en mots : « au plus tard le 25 décembre 2026 » quand elle court jusqu'au soir (un
 * délai compté depuis un jour), « avant le 27 décembre 2026 à 16:11 » quand elle passe à l'heure où
 * elle a été fixée.
 */
export function limiteEnFrancais(due: Date | string): string {
  return estFinDuJour(new Date(due)) ? `au plus tard le ${dateEnFrancais(due)}` : `avant le ${dateEnFrancais(due)} à ${heureEnFrancais(due)}`;
}

/** La fin d'une date limite passée : « le 25 décembre 2026 au soir », « le 27 décembre 2026 à 16:11 ». */
export function finEnFrancais(due: Date | string): string {
  return estFinDuJour(new Date(due)) ? `le ${dateEnFrancais(due)} au soir` : `le ${dateEnFrancais(due)} à ${heureEnFrancais(due)}`;
}

const JOURS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

/** « lundi 21 décembre 2026 » : le jour à Paris, avec son nom (une date limite donnée à un partenaire). */
export function jourEnFrancais(date: Date | string): string {
  return `${JOURS[heureDeParis(date).getUTCDay()]} ${dateEnFrancais(date)}`;
}

/** Le jour suivant (AAAA-MM-JJ). */
export function lendemain(jour: string): string {
  return new Date(Date.parse(`${jour}T12:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Le jour précédent (AAAA-MM-JJ). */
export function veille(jour: string): string {
  return new Date(Date.parse(`${jour}T12:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Le calendrier des jours fériés d'un territoire : la métropole, ou l'Alsace-Moselle (Bas-Rhin,
 * Haut-Rhin, Moselle), qui chôme aussi le Vendredi saint et le 26 décembre (code du travail,
 * art. L3134-13). Un programme de ces départements le dit par son option `joursFeriesAlsaceMoselle`.
 */
export type Calendrier = 'metropole' | 'alsace_moselle';

/** Le calendrier d'un programme, d'après ses options. */
export const calendrierDu = (programme: { options: Readonly<Record<string, boolean>> }): Calendrier =>
  programme.options.joursFeriesAlsaceMoselle ? 'alsace_moselle' : 'metropole';

/**
 * Les jours fériés légaux de métropole d'une année (code du travail, art. L3133-1), en AAAA-MM-JJ :
 * 1er janvier, lundi de Pâques, 1er et 8 mai, Ascension, lundi de Pentecôte, 14 juillet, 15 août,
 * 1er et 11 novembre, 25 décembre ; en Alsace-Moselle, aussi le Vendredi saint et le 26 décembre.
 * Pâques par l'algorithme grégorien (Meeus, Jones, Butcher) : calcul pur, utilisable dans les workflows.
 */
export function joursFeries(annee: number, calendrier: Calendrier = 'metropole'): string[] {
  const a = annee % 19;
  const b = Math.floor(annee / 100);
  const c = annee % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const mois = Math.floor((h + l - 7 * m + 114) / 31);
  const jour = ((h + l - 7 * m + 114) % 31) + 1;
  const paques = Date.UTC(annee, mois - 1, jour, 12);
  const apresPaques = (n: number) => new Date(paques + n * 86_400_000).toISOString().slice(0, 10);
  const fixes = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'].map((j) => `${annee}-${j}`);
  const locaux = calendrier === 'alsace_moselle' ? [apresPaques(-2), `${annee}-12-26`] : [];
  return [...fixes, apresPaques(1), apresPaques(39), apresPaques(50), ...locaux].sort();
}

/** Un jour ouvré (AAAA-MM-JJ) : du lundi au vendredi, hors jours fériés du calendrier. */
export function estJourOuvre(jour: string, calendrier: Calendrier = 'metropole'): boolean {
  const semaine = new Date(`${jour}T12:00:00.000Z`).getUTCDay();
  return semaine !== 0 && semaine !== 6 && !joursFeries(Number(jour.slice(0, 4)), calendrier).includes(jour);
}

/** Le jour ouvré de Paris où tombe `instant`, ou le premier qui suit (AAAA-MM-JJ). */
function premierJourOuvre(instant: Date, calendrier: Calendrier): string {
  let jour = jourDeParis(instant);
  while (!estJourOuvre(jour, calendrier)) jour = lendemain(jour);
  return jour;
}

/**
 * La fin (23 h 59 min 59,999 s à Paris) du jour où tombe `instant`, ou du premier jour ouvré qui
 * suit si c'est un samedi, un dimanche ou un jour férié : la date limite d'une réponse demandée à
 * un partenaire, qu'il lit « au plus tard le lundi 21 décembre 2026 », jamais un dimanche à 14 h.
 */
export function finDeJourOuvre(instant: Date, calendrier: Calendrier = 'metropole'): Date {
  return finDuJour(minuitDeParis(premierJourOuvre(instant, calendrier)));
}

/** La fin (23 h 59 min 59,999 s à Paris) du jour où tombe `instant`, qu'il soit ouvré ou non. */
export function finDuJour(instant: Date): Date {
  return new Date(minuitDeParis(lendemain(jourDeParis(instant))).getTime() - 1);
}

/** Une durée comptée en jours, semaines, mois ou années, sans heures (« P3W », pas « PT48H »). */
export function enJours(iso: string): boolean {
  const d = lireDuree(iso);
  return !!d && !d.heures && !d.minutes && !d.secondes && !!(d.annees || d.mois || d.semaines || d.jours);
}

/**
 * La fin du jour, à Paris, où tombe un délai compté depuis un instant : trois semaines après un
 * contact le dimanche 6 décembre à 16 h 11 se tiennent jusqu'au dimanche 27 décembre au soir.
 */
export const auSoirApres = (depuis: Date, delai: string): Date => finDuJour(ajouterDuree(depuis, delai));

/**
 * Mois entiers écoulés de a à b, au calendrier des délais (`ajouterDuree`) : le plus grand n tel que
 * a + n mois ≤ b (6 mois après le 31 octobre, c'est le 30 avril).
 */
export function moisEntre(a: Date, b: Date): number {
  const pa = heureDeParis(a);
  const pb = heureDeParis(b);
  let n = Math.max(0, (pb.getUTCFullYear() - pa.getUTCFullYear()) * 12 + (pb.getUTCMonth() - pa.getUTCMonth()));
  while (n > 0 && ajouterDuree(a, `P${n}M`).getTime() > b.getTime()) n -= 1;
  while (ajouterDuree(a, `P${n + 1}M`).getTime() <= b.getTime()) n += 1;
  return n;
}

/** Un instant qui est la fin d'un jour à Paris (une échéance « jusqu'au soir »). */
export const estFinDuJour = (instant: Date): boolean => finDuJour(instant).getTime() === instant.getTime();

/** 9 h à Paris, le jour où tombe `instant` : l'heure d'un rappel annoncé pour un jour. */
export function neufHeuresLe(instant: Date): Date {
  return new Date(depuisHeureDeParis(Date.parse(`${jourDeParis(instant)}T09:00:00.000Z`)));
}

/**
 * Le rappel d'une échéance de l'équipe, prévu à 9 h un jour chômé (samedi, dimanche, jour férié du
 * calendrier) : à 9 h le dernier jour ouvré d'avant, puisque l'échéance, elle, ne bouge pas (un rappel
 * le jour de Noël serait lu le premier jour ouvré, quelques jours plus tard). Si ce jour-là est déjà
 * passé (`maintenant`), le rappel garde son jour.
 */
export function rappelUnJourOuvreAvant(rappel: Date, maintenant: Date, calendrier: Calendrier = 'metropole'): Date {
  let jour = jourDeParis(rappel);
  while (!estJourOuvre(jour, calendrier)) jour = veille(jour);
  if (jour === jourDeParis(rappel)) return rappel;
  const avance = neufHeuresLe(minuitDeParis(jour));
  return avance.getTime() > maintenant.getTime() ? avance : rappel;
}

/** Un instant qui est déjà la fin d'un jour ouvré (une date limite fixée par `finDeJourOuvre`). */
export const estFinDeJourOuvre = (instant: Date, calendrier: Calendrier = 'metropole'): boolean =>
  finDeJourOuvre(instant, calendrier).getTime() === instant.getTime();

/**
 * L'instant lui-même s'il tombe un jour ouvré à Paris ; sinon 9 h (à Paris) du premier jour ouvré
 * qui suit : le rappel d'une demande à un partenaire ne part ni un samedi, ni un dimanche, ni un
 * jour férié.
 */
export function unJourOuvre(instant: Date, calendrier: Calendrier = 'metropole'): Date {
  const jour = premierJourOuvre(instant, calendrier);
  return jour === jourDeParis(instant) ? instant : neufHeuresLe(minuitDeParis(jour));
}

/** Les heures où l'équipe reçoit ses alertes : de 9 h à 18 h (à Paris), un jour ouvré. */
export const HEURES_OUVREES = { debut: 9, fin: 18 } as const;

/**
 * Le premier instant aux heures ouvrées à partir de `instant` : lui-même s'il tombe un jour ouvré
 * entre 9 h et 18 h à Paris ; 9 h ce jour-là s'il est plus tôt ; sinon 9 h du premier jour ouvré qui
 * suit. L'alerte d'une échéance passée à minuit, un samedi ou un jour férié, part ainsi le matin du
 * jour ouvré suivant (droit à la déconnexion), jamais la nuit.
 */
export function auxHeuresOuvrees(instant: Date, calendrier: Calendrier = 'metropole'): Date {
  const heure = heureDeParis(instant).getUTCHours();
  const jour = jourDeParis(instant);
  if (estJourOuvre(jour, calendrier) && heure < HEURES_OUVREES.fin) {
    return heure < HEURES_OUVREES.debut ? neufHeuresLe(instant) : instant;
  }
  return neufHeuresLe(minuitDeParis(premierJourOuvre(minuitDeParis(lendemain(jour)), calendrier)));
}

/** « chaque mois », « toutes les 2 semaines », « tous les 3 mois » : le rythme d'un intervalle. */
export function periodiciteEnFrancais(iso: string): string {
  const texte = dureeEnFrancais(iso);
  if (/^1 \D+$/.test(texte)) return `chaque ${texte.slice(2)}`;
  return `${/^\d+ semaines$/.test(texte) ? 'toutes' : 'tous'} les ${texte}`;
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
