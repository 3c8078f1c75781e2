/**
 * Le rapport de la simulation : la charge par semaine et par travailleur social (actions acceptées par
 * les parcours × temps de chaque action), les délais manqués lus dans l'état des parcours, les
 * issues, et les ETP nécessaires (heures de l'année / 1 607 h).
 *
 * La charge est celle d'une année en régime établi : un ménage arrivé dans l'année est suivi jusqu'à
 * sa clôture, et ce qu'il fait après la 52e semaine est replié sur la même semaine de l'année (c'est
 * le travail que les ménages arrivés l'année d'avant font cette année-là). Le total est donc le
 * travail annuel d'un programme qui reçoit ce nombre de ménages chaque année.
 */
import { heureDeParis } from '../../domain/durees';
import { LIBELLES_ISSUES, LIBELLES_ROLES, LIBELLES_TYPE_PARCOURS, type IssueCloture, type TypeParcours } from '../../domain/vocabulaire';
import { COUTS_ACTIONS, FAMILLES, HEURES_ANNUELLES_ETP, LIBELLES_FAMILLES, type Action, type Couts, type Famille, type HypothesesSourcees } from './hypotheses';
import { JOUR, type PlanAnnee } from './plan';
import type { ResultatMenage } from './resultat';

export const SEMAINES = 52;
/** Semaines travaillées d'un temps plein (52 moins 5 semaines de congés) : sa capacité hebdomadaire. */
export const SEMAINES_TRAVAILLEES = 47;

export interface ChargeTravailleur {
  id: string;
  programmeId: string;
  enRetard: boolean;
  menages: number;
  actions: number;
  heures: number;
  heuresParSemaine: number[];
  delaisManques: number;
}

export interface BilanProgramme {
  programmeId: string;
  nom: string;
  typeParcours: string;
  menages: number;
  heures: number;
  etp: number;
  etpPrevu?: number;
  travailleurs: number;
}

export interface Bilan {
  debut: number;
  semaines: Array<{ debut: number; parFamille: Record<Famille, number>; actions: number; heures: number }>;
  parAction: Array<{ action: Action; nombre: number; minutes: number; heures: number }>;
  travailleurs: ChargeTravailleur[];
  programmes: BilanProgramme[];
  delais: Array<{ libelle: string; responsable: string; depassees: number; tenuesEnRetard: number; menages: number }>;
  /** Délais manqués dont le travailleur social ou la coordination répond. */
  delaisManquesEquipe: number;
  issues: Array<{ libelle: string; nombre: number }>;
  reprise?: { suivis: number; reprise: number };
  refus: { nombre: number; exemples: string[] };
  heures: number;
  etp: number;
  menages: number;
}

const heuresDe = (couts: Couts, a: Action) => couts[a] / 60;
const semaineDe = (debut: number, t: number) => ((Math.floor((t - debut) / (7 * JOUR)) % SEMAINES) + SEMAINES) % SEMAINES;

export function calculerBilan(annee: PlanAnnee, resultats: ResultatMenage[], couts: Couts): Bilan {
  const vide = () => Object.fromEntries(FAMILLES.map((f) => [f, 0])) as Record<Famille, number>;
  const semaines = Array.from({ length: SEMAINES }, (_, i) => ({ debut: annee.debut + i * 7 * JOUR, parFamille: vide(), actions: 0, heures: 0 }));
  const parAction = new Map<Action, number>();
  const travailleurs = new Map<string, ChargeTravailleur>();
  for (const ps of annee.programmes)
    ps.travailleurs.forEach((id, k) =>
      travailleurs.set(id, {
        id,
        programmeId: ps.programme.id,
        enRetard: k < ps.enRetard,
        menages: 0,
        actions: 0,
        heures: 0,
        heuresParSemaine: Array(SEMAINES).fill(0) as number[],
        delaisManques: 0,
      }),
    );
  const delais = new Map<string, Bilan['delais'][number]>();
  const issues = new Map<string, number>();
  const heuresProgramme = new Map<string, number>();
  let suivis = 0;
  let reprise = 0;
  const refus: string[] = [];
  for (const r of resultats) {
    const ts = travailleurs.get(r.plan.travailleur)!;
    ts.menages += 1;
    for (const a of r.actions) {
      const h = heuresDe(couts, a.action);
      const s = semaines[semaineDe(annee.debut, a.t)]!;
      s.parFamille[COUTS_ACTIONS[a.action].famille] += 1;
      s.actions += 1;
      s.heures += h;
      ts.actions += 1;
      ts.heures += h;
      ts.heuresParSemaine[semaineDe(annee.debut, a.t)]! += h;
      parAction.set(a.action, (parAction.get(a.action) ?? 0) + 1);
      heuresProgramme.set(r.plan.programmeId, (heuresProgramme.get(r.plan.programmeId) ?? 0) + h);
    }
    for (const x of r.refus) refus.push(`${r.plan.reference} — ${x.quoi} : ${x.raison}`);
    const f = r.final;
    const issue = !r.demarre
      ? 'Parcours non démarré'
      : r.enAttenteDePlace
        ? 'En attente d’une place (file IML) à la fin de la simulation'
        : f?.cloture
          ? LIBELLES_ISSUES[f.cloture.issue as IssueCloture]
          : r.horizonAtteint
            ? 'Encore en cours à l’horizon de la simulation'
            : `Non clôturé (étape « ${f?.libelleEtape ?? 'inconnue'} »)`;
    issues.set(issue, (issues.get(issue) ?? 0) + 1);
    if (f?.reprisePaiement) {
      suivis += 1;
      if (f.reprisePaiement !== 'aucune') reprise += 1;
    }
    const vus = new Set<string>();
    for (const d of f?.depassees ?? []) {
      const cle = `${d.libelle}|${d.responsable}`;
      const x = delais.get(cle) ?? { libelle: d.libelle, responsable: d.responsable, depassees: 0, tenuesEnRetard: 0, menages: 0 };
      x.depassees += 1;
      if (d.tenueEnRetard) x.tenuesEnRetard += 1;
      if (!vus.has(cle)) x.menages += 1;
      vus.add(cle);
      delais.set(cle, x);
      if (d.responsable === 'travailleur_social') ts.delaisManques += 1;
    }
  }
  const heures = [...heuresProgramme.values()].reduce((a, b) => a + b, 0);
  const programmes = annee.programmes.map((ps) => {
    const h = heuresProgramme.get(ps.programme.id) ?? 0;
    return {
      programmeId: ps.programme.id,
      nom: ps.programme.nom,
      typeParcours: LIBELLES_TYPE_PARCOURS[ps.programme.typeParcours],
      menages: ps.nombre,
      heures: h,
      etp: h / HEURES_ANNUELLES_ETP,
      ...(ps.programme.quotas.etpAccompagnement !== undefined ? { etpPrevu: ps.programme.quotas.etpAccompagnement } : {}),
      travailleurs: ps.travailleurs.length,
    };
  });
  const listeDelais = [...delais.values()].sort((a, b) => b.depassees - a.depassees || a.libelle.localeCompare(b.libelle));
  return {
    debut: annee.debut,
    semaines,
    parAction: [...parAction.entries()]
      .map(([action, nombre]) => ({ action, nombre, minutes: couts[action], heures: nombre * heuresDe(couts, action) }))
      .sort((a, b) => b.heures - a.heures),
    travailleurs: [...travailleurs.values()],
    programmes,
    delais: listeDelais,
    delaisManquesEquipe: listeDelais
      .filter((d) => d.responsable === 'travailleur_social' || d.responsable === 'coordinateur')
      .reduce((n, d) => n + d.depassees, 0),
    issues: [...issues.entries()].map(([libelle, nombre]) => ({ libelle, nombre })).sort((a, b) => b.nombre - a.nombre),
    ...(suivis ? { reprise: { suivis, reprise } } : {}),
    refus: { nombre: refus.length, exemples: refus.slice(0, 8) },
    heures,
    etp: heures / HEURES_ANNUELLES_ETP,
    menages: resultats.length,
  };
}

/** « Il faut N travailleurs sociaux à X ETP » : le moins de personnes possible, chacune à temps plein au plus. */
export function equipeNecessaire(etp: number): { personnes: number; quotite: number } {
  const personnes = Math.max(1, Math.ceil(etp - 1e-9));
  return { personnes, quotite: etp / personnes };
}

// ---- Mise en forme ---------------------------------------------------------------------------

const nombre = (x: number, decimales = 1) => x.toLocaleString('fr-FR', { minimumFractionDigits: decimales, maximumFractionDigits: decimales });
const entier = (x: number) => x.toLocaleString('fr-FR', { maximumFractionDigits: 0 });
const pourcent = (x: number) => `${nombre(100 * x, 0)} %`;

/** La semaine ISO (« 2026-W50 ») d'un instant, à Paris. */
export function semaineIso(t: number): string {
  const d = heureDeParis(new Date(t));
  const jeudi = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + 3));
  const debutAnnee = Date.UTC(jeudi.getUTCFullYear(), 0, 1);
  const n = 1 + Math.floor((jeudi.getTime() - debutAnnee) / (7 * JOUR));
  return `${jeudi.getUTCFullYear()}-W${String(n).padStart(2, '0')}`;
}

function tableau(entetes: string[], lignes: Array<Array<string | number>>, aGauche = 1): string {
  const cellules = lignes.map((l) => l.map(String));
  const largeurs = entetes.map((e, i) => Math.max(e.length, ...cellules.map((l) => (l[i] ?? '').length)));
  const ligne = (l: string[]) =>
    l
      .map((c, i) => (i < aGauche ? c.padEnd(largeurs[i]!) : c.padStart(largeurs[i]!)))
      .join('  ')
      .trimEnd();
  return [ligne(entetes), largeurs.map((l) => '-'.repeat(l)).join('  '), ...cellules.map(ligne)].join('\n');
}

export function formaterBilan(b: Bilan): string {
  const s: string[] = [];
  const capaciteEtp = HEURES_ANNUELLES_ETP / SEMAINES_TRAVAILLEES;

  s.push('== Charge par semaine (année en régime établi, toutes équipes) ==');
  s.push(
    tableau(
      ['Semaine', ...FAMILLES.map((f) => LIBELLES_FAMILLES[f]), 'Actions', 'Heures'],
      b.semaines.map((w) => [semaineIso(w.debut), ...FAMILLES.map((f) => w.parFamille[f]), w.actions, nombre(w.heures)]),
    ),
  );
  const total = b.semaines.reduce((n, w) => n + w.actions, 0);
  const pic = b.semaines.reduce((m, w) => (w.heures > m.heures ? w : m), b.semaines[0]!);
  s.push(`Total : ${entier(total)} actions, ${nombre(b.heures)} h ; semaine la plus chargée : ${semaineIso(pic.debut)} (${nombre(pic.heures)} h).`);

  s.push('\n== Actions et temps (durée par action : table COUTS_ACTIONS, ou --couts) ==');
  s.push(
    tableau(
      ['Action', 'Nombre', 'Durée', 'Heures'],
      b.parAction.map((a) => [COUTS_ACTIONS[a.action].libelle, entier(a.nombre), `${entier(a.minutes)} min`, nombre(a.heures)]),
    ),
  );

  s.push('\n== Charge par travailleur social ==');
  s.push(
    tableau(
      ['Travailleur social', 'Ménages', 'Actions', 'Heures/an', 'Moy. h/sem.', 'Pic h/sem.', 'ETP', 'Délais manqués'],
      b.travailleurs.map((t) => [
        `${t.id}${t.enRetard ? ' (en retard)' : ''}`,
        t.menages,
        entier(t.actions),
        nombre(t.heures),
        nombre(t.heures / SEMAINES),
        nombre(Math.max(...t.heuresParSemaine)),
        nombre(t.heures / HEURES_ANNUELLES_ETP, 2),
        t.delaisManques,
      ]),
    ),
  );

  s.push('\n== Délais manqués (lus dans l’état des parcours : échéances dépassées) ==');
  if (!b.delais.length) s.push('Aucun délai manqué.');
  else
    s.push(
      tableau(
        ['Échéance', 'Responsable', 'Dépassées', 'Tenues en retard', 'Jamais tenues', 'Ménages'],
        b.delais.map((d) => [d.libelle, responsableEnFrancais(d.responsable), d.depassees, d.tenuesEnRetard, d.depassees - d.tenuesEnRetard, d.menages]),
      ),
    );
  s.push(`Délais manqués par l’équipe (travailleur social, coordination) : ${b.delaisManquesEquipe}.`);

  s.push('\n== Issues des parcours (état des parcours à la fin) ==');
  s.push(
    tableau(
      ['Issue', 'Ménages'],
      b.issues.map((i) => [i.libelle, i.nombre]),
    ),
  );
  if (b.reprise)
    s.push(
      `Reprise du paiement au dernier bilan : ${b.reprise.reprise} ménages sur ${b.reprise.suivis} ${b.reprise.suivis > 1 ? 'suivis' : 'suivi'} jusqu’à un bilan (${pourcent(b.reprise.reprise / b.reprise.suivis)}).`,
    );
  if (b.refus.nombre) {
    s.push(`\nMessages refusés par les parcours : ${b.refus.nombre} (le plan ne collait pas à leur état), par exemple :`);
    for (const e of b.refus.exemples) s.push(`  - ${e}`);
  }

  s.push(`\n== ETP nécessaires (heures de l’année / ${entier(HEURES_ANNUELLES_ETP)} h) ==`);
  for (const p of b.programmes) {
    const { personnes, quotite } = equipeNecessaire(p.etp);
    const prevu = p.etpPrevu !== undefined ? ` ; le programme prévoit ${nombre(p.etpPrevu, 2)} ETP` : '';
    s.push(
      `${p.programmeId} (${p.typeParcours}, ${p.menages} ménages) : ${nombre(p.heures)} h → ${nombre(p.etp, 2)} ETP${prevu}. ` +
        `Il faut ${personnes} travailleur${personnes > 1 ? 's' : ''} ${personnes > 1 ? 'sociaux' : 'social'} à ${nombre(quotite, 2)} ETP.`,
    );
  }
  if (b.programmes.length > 1) {
    const { personnes, quotite } = equipeNecessaire(b.etp);
    s.push(
      `Ensemble : ${nombre(b.heures)} h → ${nombre(b.etp, 2)} ETP : il faut ${personnes} travailleur${personnes > 1 ? 's' : ''} ${personnes > 1 ? 'sociaux' : 'social'} à ${nombre(quotite, 2)} ETP.`,
    );
  }
  const { personnes, quotite } = equipeNecessaire(b.etp);
  const capacite = personnes * quotite * capaciteEtp;
  const auDessus = b.semaines.filter((w) => w.heures > capacite).length;
  s.push(
    `Capacité de cette équipe : ${nombre(capacite)} h par semaine travaillée (${entier(HEURES_ANNUELLES_ETP)} h sur ${SEMAINES_TRAVAILLEES} semaines par ETP) ; ` +
      `${auDessus} semaine${auDessus > 1 ? 's' : ''} sur ${SEMAINES} au-dessus (pic : ${nombre(pic.heures)} h).`,
  );
  return s.join('\n');
}

/** Le responsable d'une échéance dans les mots du terrain (un rôle du personnel ou d'un partenaire). */
export function responsableEnFrancais(r: string): string {
  if (r === 'travailleur_social') return 'Travailleur social';
  if (r === 'coordinateur') return 'Coordination';
  return (LIBELLES_ROLES as Record<string, string>)[r] ?? 'Partenaire';
}

/**
 * Le temps qui reste d'une simulation, au rythme des étapes déjà jouées (`ecouleMs` pour `faites`) ;
 * rien tant qu'il y en a trop peu pour en juger. Approché : les mesures IML qui reçoivent leur place
 * ajoutent des étapes en chemin.
 */
export function resteEstime(faites: number, total: number, ecouleMs: number): string | undefined {
  if (total <= 0 || ecouleMs <= 0 || faites >= total || faites < Math.max(20, total / 20)) return undefined;
  const minutes = ((total - faites) * ecouleMs) / faites / 60_000;
  if (minutes < 1) return 'moins d’une minute';
  if (minutes < 60) return `environ ${Math.round(minutes)} minute${Math.round(minutes) > 1 ? 's' : ''}`;
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes - h * 60);
  return `environ ${h} h${m ? ` ${String(m).padStart(2, '0')}` : ''}`;
}

/** Le rapport d'une année simulée : ce que la commande imprime, la page montre et la base garde. */
export interface RapportSimulation {
  bilan: Bilan;
  debut: number;
  horizon: number;
  programmes: Array<{
    id: string;
    nom: string;
    typeParcours: TypeParcours;
    libelleType: string;
    menages: number;
    travailleurs: number;
    enRetard: number;
    hypotheses: HypothesesSourcees;
  }>;
  couts: Couts;
  dureeMs: number;
  montageMs: number;
  /** Étapes jouées sur les parcours (lancements compris) et courriels envoyés par les activités. */
  etapes: number;
  courriels: number;
}
