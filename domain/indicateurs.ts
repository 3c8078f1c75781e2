/**
 * La fiche d'indicateurs d'un parcours (../shared/journeys.md, « Indicators ») : ce que les rapports
 * d'évaluation à 6 et 12 mois comptent, tiré de l'état du parcours lui-même, sans re-saisie.
 *
 * Une fiche par parcours, **sans donnée personnelle** : ni nom, ni adresse, ni ce que le ménage a
 * confié ; seulement la référence du dossier (déjà dans l'identifiant de workflow), des dates, des
 * faits et des catégories. Le workflow la publie (workflows/blocs/parcours.ts, activité
 * `consignerIndicateurs`) quand elle change ; indicateurs/calcul.ts les agrège par programme et période.
 *
 * Ce module est pur (ni zod, ni entrée-sortie) : il est importé par le code des workflows.
 *
 * La définition peut évoluer sans casser les parcours en cours : le socle décide d'une consignation
 * sur l'état du parcours (son empreinte), jamais sur la fiche ; `ficheDepuisEtat` ne fait que
 * remplir l'entrée de l'activité. Elle doit rester déterministe (aucune horloge, aucun hasard).
 */
import { moisEntre as moisEntreDates } from './durees';
import { CANAUX_CONTACT, STADES_PROCEDURE, type StadeProcedure } from './prevention';
import type { EtatParcours, EvenementJournal, IssueCloture, TypeParcours } from './vocabulaire';

export const REPRISES = ['totale', 'partielle', 'aucune'] as const;
export type Reprise = (typeof REPRISES)[number];

/** Les issues qui comptent comme un échec de l'accompagnement (les « échecs et leurs raisons »). */
export const ISSUES_ECHEC: readonly IssueCloture[] = [
  'contact_impossible',
  'refus',
  'menage_met_fin',
  'depart_du_logement',
  'non_eligible',
  'refus_siao',
  'fin_avec_orientation',
  'orientation_hebergement',
  'cloture_anticipee',
];

/**
 * Les issues où le ménage reste dans son logement ou voit sa dette résorbée : la procédure en cours
 * (ou à venir) n'a pas eu de suite — une « procédure évitée » (seeds 000, 001, 004). Le passage au
 * droit commun ne compte qu'après un plan d'aide (sinon le programme n'a pas accompagné le ménage).
 */
export const ISSUES_MAINTIEN: readonly IssueCloture[] = ['situation_stabilisee', 'plan_apurement_respecte', 'orientation_droit_commun', 'nouveau_bail_signe'];

/**
 * Les tranches de ressources mensuelles des ménages (bilan d'activité IML, seed 003) : la fiche ne
 * garde que la tranche, jamais le montant. Repères : RSA d'une personne seule, AAH, SMIC net.
 */
export const TRANCHES_RESSOURCES = [
  ['moins_de_650', 0, 650, 'moins de 650 €'],
  ['de_650_a_999', 650, 1000, 'de 650 à 999 €'],
  ['de_1000_a_1399', 1000, 1400, 'de 1 000 à 1 399 €'],
  ['de_1400_a_1799', 1400, 1800, 'de 1 400 à 1 799 €'],
  ['1800_et_plus', 1800, null, '1 800 € et plus'],
] as const;
export type TrancheRessources = (typeof TRANCHES_RESSOURCES)[number][0];
export const CLES_TRANCHES_RESSOURCES = TRANCHES_RESSOURCES.map(([cle]) => cle) as unknown as readonly [TrancheRessources, ...TrancheRessources[]];
export const LIBELLES_TRANCHES_RESSOURCES = Object.fromEntries(TRANCHES_RESSOURCES.map(([cle, , , libelle]) => [cle, libelle])) as Record<
  TrancheRessources,
  string
>;

/** La tranche de ressources mensuelles (€) d'un ménage. */
export function trancheRessources(euros: number): TrancheRessources | undefined {
  if (!Number.isFinite(euros) || euros < 0) return undefined;
  return TRANCHES_RESSOURCES.find(([, de, a]) => euros >= de && (a === null || euros < a))?.[0];
}

/** Quand le bail a glissé : au bilan à 6 mois, au terme des 12 mois, ou après une prolongation. */
export type MomentGlissement = '6_mois' | '12_mois' | 'apres_prolongation';

export interface FicheIndicateurs {
  workflowId: string;
  reference: string;
  typeParcours: TypeParcours;
  programme: { id: string; version: number };
  /** Repérage : ouverture du parcours (orientation par le bailleur, candidature, résiliation signalée). */
  reperageLe: string;
  /** Orientation effective : prévention = éligible et informé ; IML = candidature validée par le SIAO ; protocole = résiliation enregistrée. */
  orienteLe?: string;
  /** Traitement engagé : prévention = plan d'aide contractualisé ; IML = mesure démarrée ; protocole = protocole signé. */
  traiteLe?: string;
  /**
   * Stade de la procédure d'expulsion à l'orientation (prévention : saisi au lancement ; protocole :
   * toujours « jugement », le bail ayant été résilié par le tribunal).
   */
  stadeProcedure?: StadeProcedure;
  /** Premier contact établi (prévention) : délai depuis l'orientation, et s'il tient dans le délai du programme. */
  contact?: { etabliLe: string; delaiJours: number; dansLeDelai?: boolean; tentatives: number; parCanal?: Record<string, number> };
  planAide?: { le: string };
  asll?: { demandeeLe: string; decision?: 'validee' | 'refusee' | 'sans_reponse'; decideeLe?: string };
  planApurement?: { fixeLe: string; respecte?: boolean; constateLe?: string };
  /** Reprise du paiement du loyer au dernier bilan. */
  reprisePaiement?: { valeur: Reprise; le: string };
  /** La reprise du paiement à chaque bilan, dans l'ordre : un rapport prend le dernier bilan de sa période. */
  reprises?: Array<{ valeur: Reprise; le: string }>;
  mutation?: { demandeeLe: string };
  relogement?: { le: string };
  orientationDroitCommun?: { le: string };
  cloture?: { le: string; issue: IssueCloture; echec: boolean };
  iml?: {
    candidatureLe: string;
    valideeSiaoLe?: string;
    refusSiaoLe?: string;
    entreeFileLe?: string;
    placeAccordeeLe?: string;
    attenteJours?: number;
    debutMesureLe?: string;
    glissement?: { le: string; moment: MomentGlissement };
    prolongations: string[];
    /** Durée de sous-location (mois entiers) à la fin de la mesure. */
    dureeMois?: number;
    finMesureLe?: string;
    /** Freins relevés aux bilans (catégories seulement, jamais les notes). */
    obstacles: string[];
    /** Profil du ménage (catégories) : composition, structure d'hébergement d'origine. */
    profil?: { composition?: string; structure?: string };
    /** Tranche des ressources mensuelles déclarées à la candidature (jamais le montant). */
    ressources?: TrancheRessources;
    /** Mois passés dans la structure d'hébergement : à la candidature, et à la sortie (début de la sous-location). */
    hebergement?: { moisALaCandidature?: number; moisALaSortie?: number };
    /** Accompagnement social (comptes et axes travaillés), pour le bilan d'activité annuel. */
    accompagnement?: { rendezVous: number; visitesDomicile: number; liensPartenaires: number; axes: string[] };
  };
  protocole?: {
    signeLe?: string;
    terme?: string;
    respecteLe?: string;
    rompuLe?: string;
    avenants: string[];
    nouveauBail?: { signeLe: string; delaiJours?: number };
    finLe?: string;
    /**
     * Les mois (AAAA-MM) dont le paiement est connu (payé ou non, indiqué par le bailleur ou
     * l'équipe), et ceux où le ménage a payé, même en partie : la reprise du paiement (seed 004).
     */
    moisVerifies?: string[];
    moisAvecPaiement?: string[];
  };
}

const JOUR_MS = 86_400_000;

/** Les tentatives par canal de l'état : les seuls canaux connus, des nombres entiers. */
function parCanal(v: unknown): Record<string, number> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const r = Object.fromEntries(
    Object.entries(o).filter(([k, n]) => (CANAUX_CONTACT as readonly string[]).includes(k) && typeof n === 'number' && Number.isInteger(n) && n >= 0),
  ) as Record<string, number>;
  return Object.keys(r).length ? r : undefined;
}
const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const liste = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** Une date (AAAA-MM-JJ ou ISO) en ISO complet. */
const iso = (v: unknown): string | undefined => {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00.000Z` : s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};
const jours = (de: string, a: string) => Math.round((Date.parse(a) - Date.parse(de)) / JOUR_MS);
const premier = (journal: EvenementJournal[], type: string) => journal.find((e) => e.type === type);
const tous = (journal: EvenementJournal[], type: string) => journal.filter((e) => e.type === type);

/** La fiche d'indicateurs d'un parcours, tirée de son état (fonction pure, sans donnée personnelle). */
export function ficheDepuisEtat(etat: EtatParcours): FicheIndicateurs {
  const j = etat.journal ?? [];
  const reperageLe = iso(premier(j, 'ouverture')?.date) ?? iso(j[0]?.date) ?? new Date(0).toISOString();
  const fiche: FicheIndicateurs = {
    workflowId: etat.workflowId,
    reference: etat.reference,
    typeParcours: etat.typeParcours,
    programme: { id: etat.programme.id, version: etat.programme.version },
    reperageLe,
  };
  if (etat.cloture) {
    fiche.cloture = { le: iso(etat.cloture.le) ?? reperageLe, issue: etat.cloture.issue, echec: ISSUES_ECHEC.includes(etat.cloture.issue) };
    if (etat.cloture.issue === 'relogement_ou_mutation') fiche.relogement = { le: fiche.cloture.le };
  }
  if (etat.typeParcours === 'prevention_precontentieuse') prevention(etat, fiche);
  else if (etat.typeParcours === 'iml_bail_glissant') iml(etat, fiche);
  else if (etat.typeParcours === 'protocole_post_resiliation') protocole(etat, fiche);
  return fiche;
}

function prevention(etat: EtatParcours, f: FicheIndicateurs): void {
  const j = etat.journal ?? [];
  const d = etat.details ?? {};
  f.orienteLe = iso(obj(d.lettreInformation)?.le);
  // Le stade de la procédure, s'il a été saisi à l'orientation et recopié dans les détails du parcours.
  const stade = obj(d.situation)?.stadeProcedure;
  if (typeof stade === 'string' && (STADES_PROCEDURE as readonly string[]).includes(stade)) f.stadeProcedure = stade as StadeProcedure;
  const contactLe = iso(d.contactEtabliLe);
  if (contactLe) {
    // Le délai du programme : l'échéance « premier contact », sinon « première visite ».
    const echeance = etat.echeances.find((e) => e.id === 'contact') ?? etat.echeances.find((e) => e.id === 'premiere_visite');
    const due = iso(echeance?.due);
    f.contact = {
      etabliLe: contactLe,
      // Le délai que dit le dossier (depuis la désignation ou le signalement, d'où courent les délais),
      // sinon depuis l'ouverture.
      delaiJours: typeof d.delaiPremierContactJours === 'number' ? d.delaiPremierContactJours : jours(f.reperageLe, contactLe),
      tentatives: tous(j, 'tentative_contact').length,
      ...(parCanal(d.tentativesParCanal) ? { parCanal: parCanal(d.tentativesParCanal) } : {}),
      ...(due ? { dansLeDelai: Date.parse(contactLe) <= Date.parse(due) } : {}),
    };
  }
  const plans = tous(j, 'plan_aide');
  if (plans.length) {
    f.planAide = { le: iso(plans[0]!.date)! };
    f.traiteLe = f.planAide.le;
  }
  const plan = obj(d.plan);
  if (plan && plans.length) {
    const le = iso(plans[plans.length - 1]!.date)!;
    if (obj(plan.planApurement)) f.planApurement = { fixeLe: le };
    if (plan.demandeMutation === true) f.mutation = { demandeeLe: le };
  }
  // ASLL : la demande de validation au département (la dernière, après une révision du plan).
  const asll = [...(etat.demandes ?? [])].reverse().find((x) => x.role === 'departement' && /ASLL/i.test(x.objet));
  if (asll) {
    const decision = asll.statut === 'approuvee' ? 'validee' : asll.statut === 'refusee' ? 'refusee' : asll.statut === 'expiree' ? 'sans_reponse' : undefined;
    f.asll = { demandeeLe: iso(asll.envoyeeLe) ?? f.reperageLe };
    if (decision) {
      f.asll.decision = decision;
      const le = decision === 'sans_reponse' ? iso(asll.echeance) : iso(asll.decision?.le);
      if (le) f.asll.decideeLe = le;
    }
  }
  // Bilans : reprise du paiement et respect du plan d'apurement au dernier bilan.
  const bilans = liste(d.bilans)
    .map(obj)
    .filter((x): x is Record<string, unknown> => !!x);
  const datesBilans = tous(j, 'bilan');
  const b = bilans[bilans.length - 1];
  const bLe = iso(datesBilans[datesBilans.length - 1]?.date);
  if (b && bLe) {
    const r = b.reprisePaiement;
    if (r === 'totale' || r === 'partielle' || r === 'aucune') f.reprisePaiement = { valeur: r, le: bLe };
    if (f.planApurement && typeof b.planRespecte === 'boolean') Object.assign(f.planApurement, { respecte: b.planRespecte, constateLe: bLe });
  }
  // Chaque bilan avec sa date (le journal note chaque bilan enregistré : les deux listes vont de pair,
  // alignées sur la fin si l'une est plus courte).
  const decalage = datesBilans.length - bilans.length;
  const reprises = bilans
    .map((x, i) => ({ valeur: x.reprisePaiement, le: iso(datesBilans[i + decalage]?.date) }))
    .filter((x): x is { valeur: Reprise; le: string } => !!x.le && (REPRISES as readonly unknown[]).includes(x.valeur));
  if (reprises.length) f.reprises = reprises;
  if (f.planApurement && etat.cloture?.issue === 'plan_apurement_respecte') Object.assign(f.planApurement, { respecte: true, constateLe: f.cloture!.le });
  const pdc = premier(j, 'passage_droit_commun');
  if (pdc) f.orientationDroitCommun = { le: iso(pdc.date)! };
  else if (etat.cloture?.issue === 'orientation_droit_commun') f.orientationDroitCommun = { le: f.cloture!.le };
}

function iml(etat: EtatParcours, f: FicheIndicateurs): void {
  const j = etat.journal ?? [];
  const d = etat.details ?? {};
  const place = obj(d.place);
  const mesure = obj(d.mesure);
  const glissement = obj(d.glissement);
  const prolongations = liste(d.prolongations)
    .map((x) => iso(obj(x)?.decideeLe))
    .filter((x): x is string => !!x);
  const fin = f.cloture && f.cloture.issue !== 'refus_siao' && f.cloture.issue !== 'non_eligible' ? f.cloture.le : undefined;
  const x: NonNullable<FicheIndicateurs['iml']> = {
    candidatureLe: iso(premier(j, 'candidature')?.date) ?? f.reperageLe,
    prolongations,
    obstacles: [],
  };
  const valideeLe = iso(obj(d.validationSiao)?.le);
  if (valideeLe) {
    x.valideeSiaoLe = valideeLe;
    f.orienteLe = valideeLe;
  }
  if (f.cloture?.issue === 'refus_siao') x.refusSiaoLe = f.cloture.le;
  // La place est demandée dès la validation (étape « file_attente ») ; le journal le note après l'envoi.
  const demandee = iso(place?.demandeeLe) ?? iso(premier(j, 'place_demandee')?.date) ?? (etat.etape === 'file_attente' ? valideeLe : undefined);
  if (demandee) x.entreeFileLe = demandee;
  const accordee = iso(place?.accordeeLe);
  if (accordee) {
    x.placeAccordeeLe = accordee;
    x.attenteJours = typeof place?.attenteJours === 'number' ? place.attenteJours : jours(demandee ?? accordee, accordee);
  }
  const debut = iso(mesure?.debut);
  if (debut) {
    x.debutMesureLe = debut;
    f.traiteLe = debut;
  }
  const gLe = iso(glissement?.le);
  if (gLe) {
    x.glissement = { le: gLe, moment: glissement?.anticipe === true ? '6_mois' : prolongations.length ? 'apres_prolongation' : '12_mois' };
    if (typeof glissement?.moisDeSousLocation === 'number') x.dureeMois = glissement.moisDeSousLocation;
  }
  if (debut && fin) {
    x.finMesureLe = fin;
    x.dureeMois ??= moisEntre(debut, fin);
  }
  // Les freins sont notés par l'équipe avec les bilans : on n'en garde que les catégories.
  const freins = new Set<string>();
  for (const b of liste(etat.detailsConfidentiels?.bilans))
    for (const fr of liste(obj(b)?.freins)) if (typeof fr === 'string' && /^[a-z_]{2,40}$/.test(fr)) freins.add(fr);
  x.obstacles = [...freins].sort();
  const categorie = (v: unknown) => (typeof v === 'string' && /^[a-z_]{2,40}$/.test(v) ? v : undefined);
  const candidature = obj(d.candidature);
  const composition = categorie(candidature?.composition);
  const structure = categorie(candidature?.structure);
  if (composition || structure) x.profil = { ...(composition ? { composition } : {}), ...(structure ? { structure } : {}) };
  const ressources = obj(etat.detailsConfidentiels?.candidature)?.ressourcesMensuelles;
  const tranche = typeof ressources === 'number' ? trancheRessources(ressources) : undefined;
  if (tranche) x.ressources = tranche;
  const hebergeDepuis = iso(candidature?.hebergeDepuis);
  if (hebergeDepuis) {
    const h: NonNullable<typeof x.hebergement> = {};
    if (Date.parse(x.candidatureLe) >= Date.parse(hebergeDepuis)) h.moisALaCandidature = moisEntre(hebergeDepuis, x.candidatureLe);
    if (debut && Date.parse(debut) >= Date.parse(hebergeDepuis)) h.moisALaSortie = moisEntre(hebergeDepuis, debut);
    if (Object.keys(h).length) x.hebergement = h;
  }
  const acc = obj(d.accompagnement);
  if (acc) {
    const n = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
    x.accompagnement = {
      rendezVous: n(acc.rendezVous),
      visitesDomicile: n(acc.visitesDomicile),
      liensPartenaires: n(acc.liensPartenaires),
      axes: liste(acc.axes)
        .map(categorie)
        .filter((a): a is string => !!a)
        .sort(),
    };
  }
  f.iml = x;
  const orientation = etat.cloture?.issue === 'fin_avec_orientation' ? obj(d.orientation) : undefined;
  if (orientation?.dispositif === 'droit_commun' && f.cloture) f.orientationDroitCommun = { le: f.cloture.le };
}

function protocole(etat: EtatParcours, f: FicheIndicateurs): void {
  const d = etat.details ?? {};
  const pr = obj(d.protocole);
  f.orienteLe = iso(premier(etat.journal ?? [], 'resiliation')?.date) ?? f.reperageLe;
  // Le bail a été résilié par un jugement : c'est le stade de la procédure à l'entrée.
  f.stadeProcedure = 'jugement';
  const x: NonNullable<FicheIndicateurs['protocole']> = {
    avenants: liste(pr?.avenants)
      .map((a) => iso(obj(a)?.signeLe))
      .filter((a): a is string => !!a),
  };
  const signe = iso(pr?.signeLe);
  if (signe) {
    x.signeLe = signe;
    f.traiteLe = signe;
  }
  const terme = iso(pr?.terme);
  if (terme) x.terme = terme;
  const respecte = iso(d.protocoleRespecteLe);
  if (respecte) x.respecteLe = respecte;
  const rupture = iso(obj(d.rupture)?.decideeLe);
  if (rupture) x.rompuLe = rupture;
  const bail = iso(obj(d.nouveauBail)?.signeLe);
  if (bail) x.nouveauBail = { signeLe: bail, ...(respecte ? { delaiJours: Math.max(0, jours(respecte, bail)) } : {}) };
  if (f.cloture) x.finLe = f.cloture.le;
  const mois = liste(obj(d.paiements)?.mois)
    .map(obj)
    .filter((m) => typeof m?.mois === 'string' && /^\d{4}-\d{2}$/.test(m.mois) && (m.statut === 'paye' || m.statut === 'impaye'));
  if (mois.length) {
    x.moisVerifies = mois.map((m) => m!.mois as string);
    x.moisAvecPaiement = mois.filter((m) => m!.statut === 'paye' || (typeof m!.montant === 'number' && m!.montant > 0)).map((m) => m!.mois as string);
  }
  f.protocole = x;
}

/**
 * Mois entiers écoulés de a à b (dates ISO), au calendrier des délais de Paris (`moisEntre`,
 * domain/durees.ts, le même que le parcours IML) : une mesure du 1er juin au 1er décembre, de minuit à
 * minuit, dure 6 mois.
 */
const moisEntre = (a: string, b: string): number => moisEntreDates(new Date(a), new Date(b));
