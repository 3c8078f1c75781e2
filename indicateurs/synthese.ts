/**
 * Des états de parcours synthétiques, de la forme que les workflows produisent (journal, détails,
 * échéances, demandes, clôture), pour le banc de mesure (scripts/bench-indicateurs.ts) et les tests
 * du calcul. Déterministes : même graine, mêmes parcours.
 */
import { STADES_PROCEDURE } from '../domain/prevention';
import type { EtatParcours, EvenementJournal, IssueCloture, TypeParcours } from '../domain/vocabulaire';

const JOUR = 86_400_000;

/** Générateur pseudo-aléatoire (mulberry32) : reproductible. */
export function aleatoire(graine: number): () => number {
  let a = graine >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Options {
  programmeId: string;
  typeParcours: TypeParcours;
  /** Début des parcours : entre `depuis` et `depuis + etendueJours`. */
  depuis: Date;
  etendueJours: number;
}

class Recit {
  readonly journal: EvenementJournal[] = [];
  t: number;
  constructor(debut: number) {
    this.t = debut;
  }
  noter(type: string, apresJours = 0): string {
    this.t += apresJours * JOUR;
    const date = new Date(this.t).toISOString();
    this.journal.push({ seq: this.journal.length + 1, date, type, acteur: { type: 'systeme' }, resume: type, visibilite: 'partenaires' });
    return date;
  }
}

function base(o: Options, n: number, etape: string): EtatParcours {
  const reference = `SYN-${String(n).padStart(6, '0')}`;
  return {
    workflowId: `${o.programmeId}--${reference}`,
    typeParcours: o.typeParcours,
    programme: { id: o.programmeId, version: 1, nom: o.programmeId },
    reference,
    etape,
    libelleEtape: etape,
    echeances: [],
    demandes: [],
    journal: [],
    details: {},
    detailsConfidentiels: {},
  };
}

function clore(e: EtatParcours, r: Recit, issue: IssueCloture, apresJours = 1): void {
  const le = r.noter('cloture', apresJours);
  e.cloture = { issue, le };
  e.etape = 'cloture';
}

/** Un parcours de prévention mené jusqu'à un point tiré au sort. */
export function etatPrevention(o: Options, n: number, x: () => number): EtatParcours {
  const e = base(o, n, 'orientation');
  const r = new Recit(o.depuis.getTime() + Math.floor(x() * o.etendueJours) * JOUR);
  r.noter('ouverture');
  e.journal = r.journal;
  // Le stade de la procédure à l'orientation (tiré du numéro, pour ne pas changer le tirage des autres faits).
  e.details.situation = {
    impayesMois: 2 + (n % 4),
    montantDette: 400 + ((n * 97) % 3000),
    garantie: 'aucune',
    stadeProcedure: STADES_PROCEDURE[n % STADES_PROCEDURE.length],
  };
  if (x() < 0.08) {
    clore(e, r, 'non_eligible', 0);
    return e;
  }
  e.details.lettreInformation = { le: r.noter('lettre_information', 1) };
  const debutContact = r.t;
  e.echeances.push({
    id: 'contact',
    libelle: 'Premier contact',
    due: new Date(debutContact + 30 * JOUR).toISOString(),
    statut: 'en_cours',
    responsable: 'travailleur_social',
  });
  const tentatives = 1 + Math.floor(x() * 5);
  for (let i = 0; i < tentatives; i++) r.noter('tentative_contact', 1 + Math.floor(x() * 9));
  e.etape = 'aller_vers';
  if (x() < 0.12) {
    e.echeances[0]!.statut = 'depassee';
    clore(e, r, 'contact_impossible', 5);
    return e;
  }
  if (x() < 0.05) {
    clore(e, r, 'refus', 0);
    return e;
  }
  e.details.contactEtabliLe = r.noter('contact_etabli');
  e.echeances[0]!.statut = 'tenue';
  e.etape = 'diagnostic';
  r.noter('diagnostic', 7 + Math.floor(x() * 14));
  if (x() < 0.1) {
    clore(e, r, 'menage_met_fin', 3);
    return e;
  }
  const apurement = x() < 0.7;
  const mutation = x() < 0.15;
  const asll = x() < 0.3;
  r.noter('plan_aide', 7);
  e.details.plan = {
    actions: ['budget'],
    orientations: asll ? ['asll'] : [],
    planApurement: apurement ? { mensualite: 50, dureeMois: 12 } : undefined,
    demandeMutation: mutation,
  };
  e.etape = 'plan_aide';
  if (asll) {
    const envoyeeLe = new Date(r.t).toISOString();
    const u = x();
    const statut = u < 0.75 ? 'approuvee' : u < 0.9 ? 'refusee' : 'expiree';
    r.t += 4 * JOUR;
    e.demandes.push({
      id: `d${n}`,
      role: 'departement',
      objet: 'Validation du plan d’aide avec une mesure ASLL',
      envoyeeLe,
      echeance: new Date(Date.parse(envoyeeLe) + 7 * JOUR).toISOString(),
      statut,
      ...(statut !== 'expiree'
        ? { decision: { decision: statut === 'approuvee' ? ('approuve' as const) : ('refuse' as const), par: 'dpt', le: new Date(r.t).toISOString() } }
        : {}),
    });
  }
  e.etape = 'suivi';
  const bilans: Array<{ jalon: string; reprisePaiement: string; planRespecte: boolean }> = [];
  for (const jalon of ['Bilan à 3 mois', 'Bilan à 6 mois']) {
    if (x() < 0.25) break;
    const u = x();
    bilans.push({ jalon, reprisePaiement: u < 0.55 ? 'totale' : u < 0.85 ? 'partielle' : 'aucune', planRespecte: x() < 0.7 });
    r.noter('bilan', 90);
  }
  if (bilans.length) e.details.bilans = bilans;
  const u = x();
  if (u < 0.3) {
    e.details.passageDroitCommun = { service: 'CCAS', entretienTripartite: false };
    r.noter('passage_droit_commun', 5);
    clore(e, r, 'orientation_droit_commun', 10);
  } else if (u < 0.55) clore(e, r, 'situation_stabilisee', 10);
  else if (u < 0.65) clore(e, r, mutation ? 'relogement_ou_mutation' : 'plan_apurement_respecte', 10);
  else if (u < 0.72) clore(e, r, 'depart_du_logement', 10);
  return e;
}

/** Une mesure IML menée jusqu'à un point tiré au sort. */
export function etatIml(o: Options, n: number, x: () => number): EtatParcours {
  const e = base(o, n, 'candidature');
  const r = new Recit(o.depuis.getTime() + Math.floor(x() * o.etendueJours) * JOUR);
  r.noter('ouverture');
  e.journal = r.journal;
  const candidatureLe = r.noter('candidature', 1);
  // Hébergé depuis 1 à 24 mois, ressources de 500 à 2 000 € (tirés du numéro : le tirage des autres faits ne change pas).
  e.details.candidature = { structure: 'alt', hebergeDepuis: new Date(Date.parse(candidatureLe) - 30 * (1 + (n % 24)) * JOUR).toISOString().slice(0, 10) };
  e.detailsConfidentiels.candidature = { ressourcesMensuelles: 500 + ((n * 137) % 1500) };
  if (x() < 0.1) {
    clore(e, r, 'refus_siao', 14);
    return e;
  }
  const valideeLe = new Date((r.t += 10 * JOUR)).toISOString();
  e.details.validationSiao = { le: valideeLe, par: 'commission SIAO (lien)' };
  r.noter('place_demandee');
  e.etape = 'file_attente';
  if (x() < 0.15) return e; // toujours en attente
  const attente = Math.floor(x() * 120);
  const accordeeLe = new Date((r.t += attente * JOUR)).toISOString();
  e.details.place = { demandeeLe: valideeLe, accordeeLe, attenteJours: attente };
  r.noter('place_accordee');
  e.etape = 'recherche_logement';
  if (x() < 0.1) return e;
  r.t += Math.floor(x() * 60) * JOUR;
  const debut = new Date(r.t);
  e.details.mesure = { debut: debut.toISOString() };
  e.etape = 'sous_location';
  if (x() < 0.2) {
    e.detailsConfidentiels.bilans = [{ jalon: 'P6M', freins: x() < 0.5 ? ['dette'] : ['ressources', 'isolement'] }];
    return e; // mesure en cours
  }
  const u = x();
  if (u < 0.25) {
    r.t += 183 * JOUR;
    e.details.glissement = { le: new Date(r.t).toISOString(), moisDeSousLocation: 6, anticipe: true };
    clore(e, r, 'glissement_du_bail', 0);
  } else if (u < 0.65) {
    r.t += 366 * JOUR;
    e.details.glissement = { le: new Date(r.t).toISOString(), moisDeSousLocation: 12, anticipe: false };
    clore(e, r, 'glissement_du_bail', 0);
  } else if (u < 0.8) {
    r.t += 366 * JOUR;
    e.details.prolongations = [{ decideeLe: new Date(r.t).toISOString(), mois: 6 }];
    r.t += 183 * JOUR;
    e.details.glissement = { le: new Date(r.t).toISOString(), moisDeSousLocation: 18, anticipe: false };
    clore(e, r, 'glissement_du_bail', 0);
  } else {
    e.detailsConfidentiels.bilans = [{ jalon: 'P6M', freins: ['sante', 'savoir_habiter'] }];
    clore(e, r, x() < 0.5 ? 'fin_avec_orientation' : 'depart_du_logement', 200);
  }
  return e;
}

/** Un protocole post-résiliation mené jusqu'à un point tiré au sort. */
export function etatProtocole(o: Options, n: number, x: () => number): EtatParcours {
  const e = base(o, n, 'signature_protocole');
  const r = new Recit(o.depuis.getTime() + Math.floor(x() * o.etendueJours) * JOUR);
  r.noter('ouverture');
  e.journal = r.journal;
  r.noter('resiliation');
  if (x() < 0.1) return e;
  const signeLe = new Date((r.t += 20 * JOUR)).toISOString().slice(0, 10);
  const duree = 12 + Math.floor(x() * 12);
  const terme = new Date(r.t + duree * 30 * JOUR).toISOString().slice(0, 10);
  const avenants = x() < 0.15 ? [{ signeLe: new Date(r.t + 200 * JOUR).toISOString().slice(0, 10), prolongationMois: 12 }] : [];
  e.details.protocole = { signeLe, debut: signeLe, terme, avenants };
  e.etape = 'suivi_protocole';
  const u = x();
  if (u < 0.3) return e; // en cours
  if (u < 0.55) {
    r.t += Math.floor(x() * duree * 30) * JOUR;
    e.details.rupture = { decideeLe: new Date(r.t).toISOString().slice(0, 10), par: 'bailleur' };
    e.details.orientation = { le: r.noter('orientation', 10) };
    clore(e, r, 'orientation_hebergement', 5);
    return e;
  }
  r.t = Date.parse(terme);
  e.details.protocoleRespecteLe = new Date(r.t).toISOString();
  e.etape = 'nouveau_bail';
  if (x() < 0.2) return e;
  r.t += Math.floor(x() * 100) * JOUR;
  e.details.nouveauBail = { signeLe: new Date(r.t).toISOString().slice(0, 10), dateEffet: new Date(r.t).toISOString().slice(0, 10) };
  clore(e, r, 'nouveau_bail_signe', 0);
  return e;
}

/** `n` parcours mêlés : les programmes donnés, leurs types, des issues variées. */
export function etatsSynthetiques(
  n: number,
  programmes: Array<{ id: string; typeParcours: TypeParcours }>,
  o: { graine?: number; depuis?: Date; etendueJours?: number } = {},
): EtatParcours[] {
  const x = aleatoire(o.graine ?? 42);
  const depuis = o.depuis ?? new Date('2025-01-01T08:00:00Z');
  const etendueJours = o.etendueJours ?? 540;
  const etats: EtatParcours[] = [];
  for (let i = 0; i < n; i++) {
    const p = programmes[i % programmes.length]!;
    const opt: Options = { programmeId: p.id, typeParcours: p.typeParcours, depuis, etendueJours };
    etats.push(
      p.typeParcours === 'iml_bail_glissant'
        ? etatIml(opt, i, x)
        : p.typeParcours === 'protocole_post_resiliation'
          ? etatProtocole(opt, i, x)
          : etatPrevention(opt, i, x),
    );
  }
  return etats;
}
