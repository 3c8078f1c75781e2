/**
 * Parcours 2 — IML sortie de structure, bail glissant (../shared/journeys.md, « Journey 2 » ;
 * seeds/003, CCAS de Concarneau). Faire passer un ménage hébergé, prêt à sortir, vers un logement
 * ordinaire : l'opérateur prend le bail principal et sous-loue au ménage, puis le bail « glisse » au
 * ménage, qui devient locataire en titre, quand les conditions sont réunies.
 * Preset : concarneau-iml. Les places (mesures agréées par la DDETS) sont tenues par la file du
 * programme : workflows/file-iml.ts. Le texte des courriels est dans courriers/iml.ts.
 *
 * Le déroulé se lit comme le compte rendu du terrain : candidature au SIAO, attente d'une place,
 * recherche du logement, sous-location (bilans), terme de la mesure, glissement du bail.
 */
import { patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  attenteDePlace,
  bilanMesureUpdate,
  candidatureUpdate,
  conditionsGlissementUpdate,
  decisionSiaoUpdate,
  finMesureUpdate,
  ISSUES_FIN_MESURE,
  LIBELLES_AXES,
  LIBELLES_ORIENTATIONS,
  LIBELLES_STRUCTURES,
  logementUpdate,
  loyerUpdate,
  placeAccordeeSignal,
  rendezVousUpdate,
  STRUCTURES_HEBERGEMENT,
  type AxeAccompagnement,
  type BilanMesure,
  type Candidature,
  type ConditionsGlissement,
  type DecisionSiao,
  type EntreeIml,
  type Logement,
  type Orientation,
  type PlaceAccordee,
  type StatutLoyer,
  libelleTypologie,
  motifLogement,
} from '../domain/iml';
import { LIBELLES_ISSUES, type Acteur, type EtatParcours } from '../domain/vocabulaire';
import { DELAIS_PAR_DEFAUT } from '../domain/reglages';
import * as courriels from '../courriers/iml';
import { PAIEMENTS, SITUATIONS, type FicheBilan } from '../courriers/iml';
import { activites } from './blocs/activites';
import { deMois, moisEnFrancais } from '../courriers/protocole';
import { ajouterDuree, dateEnFrancais, dureeEnFrancais, estJourIso, jourDeParis, lireDuree, minuitDeParis, moisEntre } from '../domain/durees';
import { annoncerEcheance, apresLeMessage, auMenage, notifier, notifierEnsemble, type A, type Notification } from './blocs/notification';
import { Parcours, type Fin } from './blocs/parcours';
import { demanderValidation } from './blocs/validation';

/** Les étapes où la mesure court (le ménage est sous-locataire). */
const EN_MESURE = ['sous_location', 'bilan_mesure', 'evaluation_glissement', 'prolongation'];

const VALIDATION_SIAO = 'Validation de la candidature par la commission SIAO';
const SOUS_LOCATION = 'Sous-location et accompagnement';
const GLISSEMENT = 'Glissement du bail : le ménage devient locataire en titre';

/** La mesure d'un ménage : le parcours et ce que les personnes enregistrent, étape par étape. */
interface Mesure {
  e: EntreeIml;
  p: Parcours;
  ref: string;
  /** Places agréées par la DDETS. */
  quota: number;
  seuilImpayes: number;
  delaiSaisie: string;
  enFileAttente: string;
  candidature?: Candidature;
  decisionSiao?: DecisionSiao;
  valideeLe?: Date;
  place?: PlaceAccordee;
  placeDemandee: boolean;
  logement?: Logement;
  /** Début de la sous-location : l'horloge de la mesure. */
  debut?: Date;
  /** 12 mois de sous-location, puis fin de la prolongation. */
  termeMesure?: Date;
  /** Durée maximale de présence de l'opérateur (18 mois). */
  limite?: Date;
  loyers: Map<string, StatutLoyer>;
  accompagnement: { rendezVous: number; visitesDomicile: number; liensPartenaires: number; axes: AxeAccompagnement[] };
  bilanAttendu?: { jalon: string; libelle: string; avecDecision: boolean };
  bilan?: BilanMesure;
  /** La fiche-bilan faite par le message du bilan (patched('bilan-dans-le-message')), que le déroulé reprend. */
  ficheDuMessage?: FicheBilan;
  evaluation?: ConditionsGlissement;
  /** L'échéance de l'évaluation demandée au terme, que le message tient dès la réponse. */
  echeanceEvaluation?: string;
  /**
   * L'évaluation déjà appliquée par son message (patched('evaluation-dans-le-message')) : son
   * échéance tenue, notée, et la prolongation décidée faite ; le déroulé n'en envoie que les courriels.
   */
  evaluationDuMessage?: ConditionsGlissement;
  orientation?: Orientation;
  fiches: FicheBilan[];
  prolongations: Array<{ decideeLe: string; mois: number; jusquau: string }>;
  glissementAnticipe: boolean;
}

export async function imlBailGlissant(e: EntreeIml): Promise<EtatParcours> {
  const m = ouvrirLaMesure(e);
  ecouterLesMessages(m);
  const fin = await m.p.derouler(async (): Promise<Fin> => {
    const irrecevable = await candidatureRecevable(m);
    if (irrecevable) return irrecevable;
    const refus = await candidatureAuSiao(m);
    if (refus) return refus;
    await attenteDUnePlace(m);
    await rechercheDuLogement(m);
    await sousLocation(m);
    const sansGlissement = m.glissementAnticipe ? undefined : await termeDeLaMesure(m);
    if (sansGlissement) return sansGlissement;
    return glissementDuBail(m);
  });
  await clotureDeLaMesure(m, fin);
  return m.p.etat();
}

// ---- Les étapes, dans l'ordre du terrain -------------------------------------------------------

function ouvrirLaMesure(e: EntreeIml): Mesure {
  const { programme, menage } = e;
  const quota = programme.quotas.mesuresActives ?? 1;
  const p = new Parcours({
    typeParcours: 'iml_bail_glissant',
    programme,
    reference: menage.reference,
    etape: 'candidature',
    libelleEtape: 'Candidature du ménage hébergé',
    coordinateur: e.coordinateur,
    travailleurSocial: e.travailleurSocial,
  }).ouvrir();
  p.detailsConfidentiels.menage = menage;
  const m: Mesure = {
    e,
    p,
    ref: menage.reference,
    quota,
    seuilImpayes: programme.quotas.loyersImpayesAvantAlerte ?? 2,
    delaiSaisie: programme.delais.saisieBilan ?? DELAIS_PAR_DEFAUT.iml_bail_glissant.saisieBilan,
    enFileAttente: `En attente d’une place (${quota} mesures agréées)`,
    candidature: e.candidature,
    placeDemandee: false,
    loyers: new Map<string, StatutLoyer>(),
    accompagnement: { rendezVous: 0, visitesDomicile: 0, liensPartenaires: 0, axes: [] },
    fiches: [],
    prolongations: [],
    glissementAnticipe: false,
  };
  setHandler(placeAccordeeSignal, (x) => {
    if (m.place || !m.placeDemandee || x.execution !== workflowInfo().firstExecutionRunId) return;
    m.place = x;
  });
  return m;
}

/** 1. Candidature : un ménage hébergé par l'opérateur, jugé prêt à sortir, budget travaillé. */
async function candidatureRecevable(m: Mesure): Promise<Fin | undefined> {
  const { p, ref } = m;
  if (!m.candidature) await p.attendre(() => m.candidature !== undefined);
  const c = m.candidature!;
  const refus = motifCandidature(c);
  if (refus) {
    await notifier(p, { a: { coordination: true }, ...courriels.candidatureNonRecevable({ ref, refus }) });
    return { issue: 'non_eligible', motif: refus };
  }
  p.details.candidature = {
    structure: c.structure,
    hebergeDepuis: c.hebergeDepuis,
    typologieRecherchee: c.typologieRecherchee,
    secteurs: c.secteurs ?? [],
    composition: m.e.menage.composition,
  };
  p.detailsConfidentiels.candidature = { ressourcesMensuelles: c.ressourcesMensuelles, notes: c.notes };
  return undefined;
}

/** 2. Validation de la candidature par la commission SIAO (par son lien, sinon décision enregistrée par la coordination). */
async function candidatureAuSiao(m: Mesure): Promise<Fin | undefined> {
  const { p, e } = m;
  const d = e.programme.delais;
  p.rejoindre('validation_siao', VALIDATION_SIAO);
  const siao = await pendant(
    m,
    demanderValidation(p, {
      role: 'siao',
      objet: 'Validation d’une candidature en intermédiation locative (sortie de structure, bail glissant)',
      apercu: courriels.apercuCandidature({
        ref: m.ref,
        programme: e.programme,
        composition: e.menage.composition,
        candidature: m.candidature!,
        quota: m.quota,
      }),
      delai: d.validationSiao!,
    }),
  );
  if (siao.statut === 'refusee') {
    return {
      issue: 'refus_siao',
      motif: siao.decision?.commentaire || 'sans motif précisé',
      acteur: { type: 'partenaire', role: 'siao', id: siao.decision?.par },
    };
  }
  if (siao.statut === 'expiree') {
    // Sans réponse dans le délai : la coordination a été alertée (escalade). Le parcours attend
    // qu'elle enregistre la décision de la commission, obtenue hors du lien (séance, téléphone).
    p.changerEtape('decision_siao', 'Sans réponse du SIAO : décision de la commission à enregistrer');
    p.echeances.suivre({ id: 'decision_siao', libelle: 'Décision de la commission SIAO à enregistrer', delai: d.validationSiao!, responsable: 'coordinateur' });
    await p.attendre(() => m.decisionSiao !== undefined);
    p.echeances.tenir('decision_siao');
    const decision = m.decisionSiao!;
    if (decision.decision === 'refusee') return { issue: 'refus_siao', motif: decision.motif, acteur: coordination(decision.par) };
  }
  m.valideeLe = new Date();
  p.details.validationSiao = {
    le: m.valideeLe.toISOString(),
    par: siao.statut === 'approuvee' ? 'commission SIAO, par son lien' : 'coordination (décision de la commission)',
  };
  return undefined;
}

/**
 * 3. Quota : une des places agréées par la DDETS, sinon la file d'attente (premier arrivé, premier
 * servi) ; la mesure démarre d'elle-même quand une place se libère.
 */
async function attenteDUnePlace(m: Mesure): Promise<void> {
  const { p, quota, ref } = m;
  const programme = m.e.programme;
  const valideeLe = m.valideeLe!;
  p.rejoindre('file_attente', m.enFileAttente);
  m.placeDemandee = true;
  await activites.signalerFileIml({
    programmeId: programme.id,
    quota,
    versionProgramme: programme.version,
    demande: {
      mesure: p.workflowId,
      execution: workflowInfo().firstExecutionRunId,
      reference: ref,
      demandeeLe: valideeLe.toISOString(),
      quota,
      versionProgramme: programme.version,
    },
  });
  p.journal.noter('place_demandee', `Candidature validée : place demandée parmi les ${quota} mesures du programme`);
  await p.attendre(() => m.place !== undefined);
  const place = m.place!;
  // En jours du calendrier de Paris depuis patched('attente-de-place-au-jour') ; avant, en tranches de 24 heures.
  const attente = attenteDePlace(valideeLe, place.accordeeLe, { enTranches: !patched('attente-de-place-au-jour') });
  p.details.place = { demandeeLe: valideeLe.toISOString(), accordeeLe: place.accordeeLe, attenteJours: attente.jours };
  p.journal.noter('place_accordee', attente.texte);
}

/** 4. Logement : un bailleur conventionné propose un logement ; bail principal et sous-location. */
async function rechercheDuLogement(m: Mesure): Promise<void> {
  const { p, ref, e } = m;
  const d = e.programme.delais;
  p.changerEtape('recherche_logement', 'Recherche du logement (bail principal et sous-location)');
  const echeanceDuLogement = () =>
    d.rechercheLogement
      ? p.echeances.suivre({
          id: 'logement',
          libelle: 'Logement trouvé : bail principal et sous-location signés',
          delai: d.rechercheLogement,
          rappelAvant: d.rappelAvant,
          responsable: 'travailleur_social',
        })
      : undefined;
  // Le courriel au travailleur social dit jusqu'à quand le logement est attendu.
  await annoncerEcheance(p, 'logement-avant-dans-le-courriel', echeanceDuLogement, (due) => ({
    a: auTravailleurSocial(m),
    ...courriels.placeAccordee({ ref, programme: e.programme, ...(due ? { logementAvant: due } : {}) }),
  }));
  await p.attendre(() => m.logement !== undefined);
  p.echeances.tenir('logement');
  if (!m.debut || !m.termeMesure || !m.limite) throw new Error('Logement enregistré sans les dates de la mesure.');
  const auBailleurDuLogement: Notification = {
    a: auBailleur(m),
    ...courriels.debutDeMesure({
      ref,
      programme: e.programme,
      logement: m.logement!,
      debut: m.debut,
      premierBilan: jalonsBilans(e)[0] ?? 'P6M',
      glissementPrevuLe: m.termeMesure,
      dureeMax: d.prolongationMax!,
    }),
    visibilite: 'partenaires',
  };
  // Le ménage qui accepte les courriels : le début de sa sous-location, avec le livret du bail glissant.
  const { menage } = e;
  const auMenageDuLogement = (a: A): Notification => ({
    a,
    ...courriels.debutDeMesureAuMenage({ programme: e.programme, debut: m.debut!, glissementPrevuLe: m.termeMesure! }),
    joindre: [{ document: 'livret-iml', lecteur: 'menage' }],
  });
  // Depuis patched('debut-de-mesure-ensemble') : les deux courriels en une activité, le ménage à
  // l'adresse de son dossier (rien ne part, sans activité de plus, s'il n'accepte pas les courriels).
  if (patched('debut-de-mesure-ensemble')) {
    const aEcrire = auMenage(menage);
    // La sous-location (ses bilans) n'attend pas ces courriels (`apresLeMessage`).
    await apresLeMessage(p, () => notifierEnsemble(p, [auBailleurDuLogement, ...(aEcrire ? [auMenageDuLogement(aEcrire)] : [])]));
    return;
  }
  await notifier(p, auBailleurDuLogement);
  const aEcrire = auMenage(menage);
  if (aEcrire && patched('debut-de-mesure-au-menage')) await notifier(p, auMenageDuLogement(aEcrire));
}

/** 5–6. Sous-location : accompagnement et loyers (messages), bilans de mesure à 6 et 10 mois. */
async function sousLocation(m: Mesure): Promise<void> {
  m.p.rejoindre('sous_location', SOUS_LOCATION);
  const debut = m.debut!;
  const jalons = jalonsBilans(m.e).filter((j) => ajouterDuree(debut, j).getTime() < m.termeMesure!.getTime());
  for (const [i, jalon] of jalons.entries()) {
    const quand = ajouterDuree(debut, jalon);
    // Le prochain bilan et sa date, pour la page de la mesure (état seulement).
    // Sa date aussi, pour la « prochaine échéance » des listes quand rien d'autre n'est attendu.
    m.p.details.prochainBilan = `Bilan de mesure à ${dureeEnFrancais(jalon)}, le ${dateEnFrancais(quand)}`;
    m.p.details.prochainBilanLe = quand.toISOString();
    // Consigné aussitôt (le dossier en base en fait la prochaine échéance des listes), pas au
    // message suivant (patched('prochain-bilan-consigne')).
    if (patched('prochain-bilan-consigne')) m.p.indicateursChanges();
    await m.p
      .attendre(() => false, quand.getTime() - Date.now())
      .finally(() => {
        delete m.p.details.prochainBilan;
        delete m.p.details.prochainBilanLe;
      });
    const fiche = await bilanDeMesure(m, jalon, i === 0);
    m.p.rejoindre('sous_location', SOUS_LOCATION);
    if (fiche.decision === 'glissement') {
      m.glissementAnticipe = true;
      break;
    }
  }
}

/**
 * La fiche-bilan d'un bilan tenu (pour la DDETS et le dossier), ajoutée aux fiches de la mesure :
 * loyers et accompagnement à cet instant.
 */
function ficheDuBilan(m: Mesure, jalon: string, libelle: string, bilan: BilanMesure): FicheBilan {
  const fiche: FicheBilan = {
    jalon,
    libelle,
    tenuLe: new Date().toISOString(),
    paiementLoyer: bilan.paiementLoyer,
    situation: bilan.situation,
    bailleurPresent: bilan.bailleurPresent,
    menagePresent: bilan.menagePresent,
    decision: bilan.decision,
    loyers: bilanLoyers(m),
    accompagnement: { ...m.accompagnement, axes: [...new Set([...m.accompagnement.axes, ...(bilan.axes ?? [])])] },
  };
  m.fiches.push(fiche);
  m.p.details.bilans = m.fiches;
  return fiche;
}

/**
 * Un bilan de mesure : le premier (à 6 mois) avec le bailleur et le ménage se conclut par une
 * décision (poursuivre ou faire glisser le bail) ; chacun donne une fiche-bilan à la DDETS.
 */
async function bilanDeMesure(m: Mesure, jalon: string, avecDecision: boolean): Promise<FicheBilan> {
  const { p, ref, e } = m;
  const d = e.programme.delais;
  const libelle = `Bilan de mesure à ${dureeEnFrancais(jalon)}`;
  m.bilanAttendu = { jalon, libelle, avecDecision };
  p.changerEtape('bilan_mesure', avecDecision ? `${libelle} avec le bailleur et le ménage` : libelle);
  const id = `bilan:${jalon}`;
  const { echeance } = p.echeances.suivre({ id, libelle, delai: m.delaiSaisie, rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
  await notifier(p, {
    a: auTravailleurSocial(m),
    ...courriels.bilanATenir({ ref, libelle, avecDecision, glissementPrevuLe: m.termeMesure!, avant: echeance.due }),
  });
  await p.attendre(() => m.bilanAttendu === undefined);
  // Depuis patched('bilan-dans-le-message'), le message a déjà tenu l'échéance et fait la fiche.
  let fiche = m.ficheDuMessage;
  m.ficheDuMessage = undefined;
  if (!fiche) {
    p.echeances.tenir(id);
    fiche = ficheDuBilan(m, jalon, libelle, m.bilan!);
  }
  // La fiche-bilan à la DDETS : un résumé sans rien de ce que le ménage a confié.
  await notifierEnsemble(p, [
    {
      a: { role: 'ddets' },
      ...courriels.ficheBilan({
        ref,
        programme: e.programme,
        composition: e.menage.composition,
        structure: m.candidature!.structure,
        fiche,
        logement: m.logement!,
        debut: m.debut!,
      }),
      type: 'fiche_bilan',
      visibilite: 'partenaires',
      joindre: [{ document: 'fiche-bilan', jalon }],
    },
    ...(avecDecision
      ? [
          {
            a: auBailleur(m),
            ...courriels.decisionDuBilan({ ref, libelle, glissement: fiche.decision === 'glissement', glissementPrevuLe: m.termeMesure! }),
            visibilite: 'partenaires' as const,
          },
        ]
      : []),
  ]);
  return fiche;
}

/**
 * 7. Au terme (12 mois de sous-location) : glissement si le loyer est payé régulièrement et la
 * situation stabilisée ; sinon prolongation motivée (au plus 18 mois en tout) ou fin avec
 * orientation (la fin est rendue ; le glissement, non).
 */
async function termeDeLaMesure(m: Mesure): Promise<Fin | undefined> {
  for (let n = 1; ; n++) {
    const ev = await evaluationDuGlissement(m, n);
    if (ev !== m.evaluationDuMessage) noterEvaluation(m, ev);
    if (ev.decision === 'glissement') return undefined;
    if (ev.decision === 'fin_avec_orientation') {
      m.orientation = ev.orientation;
      return { issue: 'fin_avec_orientation', motif: motifPublic('fin_avec_orientation', ev.orientation), acteur: ts(ev.par) };
    }
    await prolongationMotivee(m, ev);
  }
}

/** L'évaluation des conditions du glissement : enregistrée avant le terme, ou demandée au terme. */
async function evaluationDuGlissement(m: Mesure, n: number): Promise<ConditionsGlissement> {
  const { p, ref } = m;
  const d = m.e.programme.delais;
  const termeMesure = m.termeMesure!;
  await p.attendre(() => m.evaluation !== undefined, termeMesure.getTime() - Date.now());
  if (!m.evaluation) {
    p.changerEtape(
      'evaluation_glissement',
      `Conditions du glissement à évaluer (${dureeEnFrancais(`P${moisEntre(m.debut!, termeMesure)}M`)} de sous-location)`,
    );
    const id = `conditions_glissement:${n}`;
    m.echeanceEvaluation = id;
    const { echeance } = p.echeances.suivre({
      id,
      libelle: 'Conditions du glissement évaluées',
      delai: m.delaiSaisie,
      rappelAvant: d.rappelAvant,
      responsable: 'travailleur_social',
    });
    await notifier(p, {
      a: auTravailleurSocial(m),
      ...courriels.conditionsAEvaluer({ ref, terme: termeMesure, avant: echeance.due, limite: m.limite! }),
    });
    await p.attendre(() => m.evaluation !== undefined);
    p.echeances.tenir(id);
    m.echeanceEvaluation = undefined;
  }
  const ev = m.evaluation!;
  m.evaluation = undefined;
  return ev;
}

/** L'évaluation des conditions dans l'état (sans son motif ni ses notes, confidentiels). */
function noterEvaluation(m: Mesure, ev: ConditionsGlissement): void {
  ((m.p.details.evaluations ??= []) as unknown[]).push({
    le: new Date().toISOString(),
    loyerPayeRegulierement: ev.loyerPayeRegulierement,
    situationStable: ev.situationStable,
    decision: ev.decision,
  });
}

/** Le nouveau terme d'une prolongation décidée, dans la mesure et dans l'état. */
function prolonger(m: Mesure, ev: ConditionsGlissement): void {
  const mois = moisProlongation(m, ev);
  const termeMesure = finProlongation(m, mois);
  m.termeMesure = termeMesure;
  m.prolongations.push({ decideeLe: new Date().toISOString(), mois, jusquau: termeMesure.toISOString() });
  m.p.details.prolongations = m.prolongations;
}

/** La prolongation motivée : un nouveau terme, annoncé au bailleur et à la DDETS. */
async function prolongationMotivee(m: Mesure, ev: ConditionsGlissement): Promise<void> {
  const { p, ref } = m;
  if (ev !== m.evaluationDuMessage) prolonger(m, ev);
  const { mois } = m.prolongations.at(-1)!;
  const termeMesure = m.termeMesure!;
  p.rejoindre('prolongation', `Prolongation motivée jusqu’au ${dateEnFrancais(termeMesure)}`);
  for (const a of [auBailleur(m), { role: 'ddets' } as A]) {
    await notifier(p, { a, ...courriels.prolongation({ ref, programme: m.e.programme, mois, jusquau: termeMesure }), visibilite: 'partenaires' });
  }
}

/**
 * Le glissement dans l'état : sa date et les mois de sous-location. Noté par le message qui le décide
 * (patched('glissement-dans-le-message')), lu aussitôt même si le déroulé envoie encore un courriel
 * de l'étape ; sinon par le déroulé en y arrivant.
 */
function noterGlissement(m: Mesure, anticipe: boolean): void {
  const le = new Date();
  m.p.details.glissement = { le: le.toISOString(), moisDeSousLocation: moisEntre(m.debut!, le), anticipe };
}

/** Glissement : le ménage devient locataire en titre ; bailleur, DDETS et SIAO sont informés. */
async function glissementDuBail(m: Mesure): Promise<Fin> {
  const { p, ref, e } = m;
  const { programme, menage } = e;
  p.rejoindre('glissement', GLISSEMENT);
  if (!p.details.glissement) noterGlissement(m, m.glissementAnticipe);
  const mois = (p.details.glissement as { moisDeSousLocation: number }).moisDeSousLocation;
  const finGlissement: Fin = { issue: 'glissement_du_bail', motif: `Bail glissé au profit du ménage après ${mois} mois de sous-location` };
  // La fiche de clôture est jointe dès l'annonce du glissement, qui clôt la mesure.
  const ficheGlissement = [{ document: 'fiche-cloture' as const, complements: { ficheCloture: ficheDeCloture(m, finGlissement) } }];
  const aEcrire = auMenage(menage);
  await notifierEnsemble(p, [
    { a: auBailleur(m), ...courriels.glissementAuBailleur({ ref, programme, mois }), visibilite: 'partenaires', joindre: ficheGlissement },
    ...(['ddets', 'siao'] as const).map((role) => ({
      a: { role },
      ...courriels.glissementAuxPartenaires({ ref, programme, anticipe: m.glissementAnticipe, structure: m.candidature!.structure, mois }),
      visibilite: 'partenaires' as const,
      joindre: ficheGlissement,
    })),
    ...(aEcrire ? [{ a: aEcrire, ...courriels.glissementAuMenage({ programme }) }] : []),
  ]);
  return finGlissement;
}

/** Clôture : la fiche de clôture, la place rendue à la file, les partenaires informés d'une fin sans glissement. */
async function clotureDeLaMesure(m: Mesure, fin: Fin): Promise<void> {
  const { p } = m;
  await p.clore(fin.issue, fin.motif, fin.acteur);
  p.details.ficheCloture = ficheDeCloture(m, fin);
  if (m.orientation) p.details.orientation = { dispositif: m.orientation.dispositif };
  await rendreLaPlace(m, fin);
  await informerDeLaFin(m, fin);
  await p.indicateursConsignes();
}

/** La place (ou le rang dans la file) est rendue : la mesure suivante démarre d'elle-même. */
async function rendreLaPlace(m: Mesure, fin: Fin): Promise<void> {
  if (!m.placeDemandee) return;
  const programme = m.e.programme;
  await activites.signalerFileIml({
    programmeId: programme.id,
    quota: m.quota,
    versionProgramme: programme.version,
    liberation: { mesure: m.p.workflowId, execution: workflowInfo().firstExecutionRunId, motif: fin.issue },
  });
  m.p.journal.noter('place_liberee', m.place ? 'Place libérée pour la mesure suivante' : 'Candidature retirée de la file d’attente');
}

/** Information des partenaires quand la mesure s'arrête sans glissement. */
async function informerDeLaFin(m: Mesure, fin: Fin): Promise<void> {
  const { p, ref } = m;
  const programme = m.e.programme;
  if (fin.issue === 'refus_siao') {
    await notifier(p, { a: auTravailleurSocial(m), ...courriels.refusSiao({ ref, motif: fin.motif }) });
    return;
  }
  if (fin.issue === 'glissement_du_bail' || fin.issue === 'non_eligible' || !m.placeDemandee) return;
  const issue = LIBELLES_ISSUES[fin.issue];
  const orientation = m.orientation ? LIBELLES_ORIENTATIONS[m.orientation.dispositif] : undefined;
  const ficheCloture = [{ document: 'fiche-cloture' as const }];
  await notifierEnsemble(p, [
    ...(m.logement
      ? [
          {
            a: auBailleur(m),
            ...courriels.finSansGlissementAuBailleur({ ref, programme, le: new Date(), issue }),
            visibilite: 'partenaires' as const,
            joindre: ficheCloture,
          },
        ]
      : []),
    ...(m.place ? (['ddets', 'siao'] as const) : (['siao'] as const)).map((role) => ({
      a: { role },
      ...courriels.finSansGlissementAuxPartenaires({
        ref,
        programme,
        issue,
        placeAccordee: m.place !== undefined,
        moisDeSousLocation: m.debut ? moisEntre(m.debut, new Date()) : undefined,
        orientation,
      }),
      visibilite: 'partenaires' as const,
      joindre: ficheCloture,
    })),
  ]);
}

// ---- Les messages des personnes ----------------------------------------------------------------

function ecouterLesMessages(m: Mesure): void {
  messagesDeLaCandidature(m);
  messagesDuLogementEtDeLAccompagnement(m);
  messagesDesLoyers(m);
  messagesDesBilans(m);
  messagesDuGlissement(m);
  messageDeFinDeMesure(m);
}

function messagesDeLaCandidature(m: Mesure): void {
  const { p } = m;
  p.message(candidatureUpdate, {
    // L'entrée dans la structure a déjà eu lieu (à l'horloge du parcours ; un validateur ne se rejoue pas).
    valider: (c) =>
      enEtape(m, 'candidature') ??
      motifCandidature(c) ??
      (c.hebergeDepuis !== undefined && c.hebergeDepuis > jourDeParis(new Date())
        ? 'La date d’entrée dans la structure ne peut pas être dans le futur.'
        : undefined),
    appliquer: (c) => {
      const { requestId: _r, par, ...x } = c;
      m.candidature = x;
      p.journal.noter('candidature', `Candidature enregistrée : ménage hébergé en ${LIBELLES_STRUCTURES[x.structure]}, prêt à sortir`, { acteur: ts(par) });
      p.avancer('validation_siao', VALIDATION_SIAO);
      return { etape: p.etape };
    },
  });
  p.message(decisionSiaoUpdate, {
    valider: (x) =>
      enEtape(m, 'decision_siao') ??
      (x.decision !== 'validee' && x.decision !== 'refusee' ? 'Décision attendue : « validee » ou « refusee ».' : undefined) ??
      (x.decision === 'refusee' && (x.motif ?? '').trim().length < 3 ? 'Le motif du refus de la commission SIAO est requis.' : undefined),
    appliquer: (x) => {
      m.decisionSiao = x;
      p.journal.noter(
        'decision_siao',
        `Décision de la commission SIAO enregistrée par la coordination : candidature ${x.decision}${x.motif ? ` (${x.motif})` : ''}`,
        { acteur: coordination(x.par) },
      );
      // Validée, la candidature attend une place ; refusée, le parcours se clôt.
      if (x.decision === 'validee') p.avancer('file_attente', m.enFileAttente);
      return { etape: x.decision === 'refusee' ? 'cloture' : p.etape };
    },
  });
}

function messagesDuLogementEtDeLAccompagnement(m: Mesure): void {
  const { p } = m;
  const d = m.e.programme.delais;
  p.message(logementUpdate, {
    valider: (x) => enEtape(m, 'recherche_logement') ?? motifLogement(x, m.e.programme.operateur.nom, new Date()),
    appliquer: (x) => {
      m.logement = x;
      p.details.logement = {
        typeBailleur: x.bailleur.type,
        bailleur: x.bailleur.nom,
        typologie: x.typologie,
        loyerMensuel: x.loyerMensuel,
        debutBailPrincipal: x.debutBailPrincipal,
        debutSousLocation: x.debutSousLocation,
      };
      p.detailsConfidentiels.adresseLogement = x.adresse;
      // Le début de la sous-location fait partir l'horloge de la mesure.
      const debut = minuitDeParis(x.debutSousLocation);
      m.debut = debut;
      m.termeMesure = ajouterDuree(debut, d.glissement!);
      m.limite = ajouterDuree(debut, d.prolongationMax!);
      p.details.mesure = { debut: debut.toISOString(), glissementPrevuLe: m.termeMesure.toISOString(), limite: m.limite.toISOString() };
      p.journal.noter(
        'logement',
        `Logement ${libelleTypologie(x.typologie)} (bailleur ${x.bailleur.type === 'public' ? 'public' : 'privé'} conventionné) : bail principal le ${dateEnFrancais(x.debutBailPrincipal)}, sous-location le ${dateEnFrancais(x.debutSousLocation)}`,
        { acteur: ts(x.par) },
      );
      p.avancer('sous_location', SOUS_LOCATION);
      return { etape: p.etape };
    },
  });
  p.message(rendezVousUpdate, {
    valider: (x) =>
      enEtape(m, 'recherche_logement', ...EN_MESURE) ??
      (x.le !== undefined && (!estJourIso(x.le) || x.le > jourDeParis(new Date()))
        ? 'Date attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.'
        : undefined),
    appliquer: (x) => {
      const accompagnement = m.accompagnement;
      if (x.nature === 'rendez_vous') accompagnement.rendezVous += 1;
      else if (x.nature === 'visite_domicile') accompagnement.visitesDomicile += 1;
      else accompagnement.liensPartenaires += 1;
      for (const a of x.axes) if (!accompagnement.axes.includes(a)) accompagnement.axes.push(a);
      p.details.accompagnement = { ...accompagnement, axes: [...accompagnement.axes] };
      if (x.note)
        ((p.detailsConfidentiels.notesAccompagnement ??= []) as unknown[]).push({ le: x.le ?? jourDeParis(new Date()), nature: x.nature, note: x.note });
      const nature = { rendez_vous: 'Rendez-vous', visite_domicile: 'Visite à domicile', lien_partenaire: 'Lien avec un partenaire' }[x.nature];
      p.journal.noter('accompagnement', `${nature}${x.axes.length ? ` (${x.axes.map((a) => LIBELLES_AXES[a]).join(', ')})` : ''}`, {
        acteur: ts(x.par),
        visibilite: 'equipe',
      });
      return { etape: p.etape };
    },
  });
}

function messagesDesLoyers(m: Mesure): void {
  const { p, ref } = m;
  p.message(loyerUpdate, {
    valider: (x) => enEtape(m, ...EN_MESURE) ?? motifLoyer(x.mois, m.debut!, new Date()),
    appliquer: async (x) => {
      const avant = impayes(m);
      const correction = m.loyers.has(x.mois);
      m.loyers.set(x.mois, x.statut);
      const n = impayes(m);
      p.details.loyers = { ...bilanLoyers(m), impayesConsecutifs: n };
      const statut = { paye: 'payé', partiel: 'payé partiellement', impaye: 'impayé' }[x.statut];
      p.journal.noter('loyer', `Loyer ${deMois(x.mois)} ${statut}${correction ? ' (correction)' : ''}`, { acteur: ts(x.par), visibilite: 'equipe' });
      // Alerte à la coordination quand les impayés consécutifs atteignent le seuil du programme.
      if (n >= m.seuilImpayes && avant < m.seuilImpayes) {
        await notifier(p, {
          a: { coordination: true },
          ...courriels.alerteImpayes({ ref, programme: m.e.programme, impayes: n, jusqua: x.mois, travailleurSocial: p.travailleurSocial }),
          type: 'alerte',
        });
      }
      return { etape: p.etape, impayesConsecutifs: n };
    },
  });
}

function messagesDesBilans(m: Mesure): void {
  const { p } = m;
  p.message(bilanMesureUpdate, {
    valider: (x) => {
      const attendu = m.bilanAttendu;
      if (!attendu) return 'Aucun bilan de mesure n’est attendu pour le moment.';
      if (attendu.avecDecision) {
        if (!x.bailleurPresent || !x.menagePresent)
          return `Le ${attendu.libelle.toLowerCase()} se tient en présence du bailleur et du ménage (examen contradictoire) : enregistrez-le une fois tenu avec eux.`;
        if (!x.decision) return `Le ${attendu.libelle.toLowerCase()} se conclut par une décision : poursuivre la mesure 6 mois, ou faire glisser le bail.`;
        if (x.decision === 'glissement' && (x.paiementLoyer !== 'regulier' || x.situation !== 'stable')) {
          return 'Le glissement suppose un loyer payé régulièrement et une situation stabilisée : sinon, la mesure est poursuivie.';
        }
        if (x.decision === 'glissement') return motifImpayes(m);
      } else if (x.decision) {
        return 'La décision de poursuivre ou de faire glisser le bail se prend au bilan à 6 mois ; au terme de la mesure, enregistrez l’évaluation des conditions du glissement.';
      }
      return undefined;
    },
    appliquer: (x) => {
      const attendu = m.bilanAttendu!;
      m.bilan = x;
      if (x.notes || x.freins?.length)
        ((p.detailsConfidentiels.bilans ??= []) as unknown[]).push({ jalon: attendu.jalon, notes: x.notes, freins: x.freins ?? [] });
      p.journal.noter(
        'bilan_mesure',
        `${attendu.libelle} : loyer ${PAIEMENTS[x.paiementLoyer]}, situation ${SITUATIONS[x.situation]}${x.decision ? `, décision : ${x.decision === 'glissement' ? 'glissement du bail' : 'poursuite 6 mois'}` : ''}`,
        { acteur: ts(x.par) },
      );
      m.bilanAttendu = undefined;
      // Le bilan est tenu et sa fiche faite dès la réponse : lus aussitôt après (fiche-bilan, état),
      // ils y sont, même si le déroulé envoie encore un courriel de l'étape.
      if (patched('bilan-dans-le-message')) {
        p.echeances.tenir(`bilan:${attendu.jalon}`);
        m.ficheDuMessage = ficheDuBilan(m, attendu.jalon, attendu.libelle, x);
      }
      // Le bilan tenu, la sous-location continue, ou le bail glisse (anticipé) si c'est la décision.
      if (x.decision === 'glissement') {
        p.avancer('glissement', GLISSEMENT);
        if (patched('glissement-dans-le-message')) noterGlissement(m, true);
      } else p.avancer('sous_location', SOUS_LOCATION);
      return { etape: p.etape };
    },
  });
}

function messagesDuGlissement(m: Mesure): void {
  const { p } = m;
  const d = m.e.programme.delais;
  p.message(conditionsGlissementUpdate, {
    valider: (x) => {
      // Une seule décision à la fois : celle qui vient d'être enregistrée n'est pas encore appliquée
      // (le déroulé envoie les courriels de l'étape) ; une seconde l'écraserait sans le dire.
      if (m.evaluation !== undefined)
        return 'Une décision sur les conditions du glissement vient d’être enregistrée et n’est pas encore appliquée : réessayez dans un instant.';
      const termeMesure = m.termeMesure!;
      const limite = m.limite!;
      const refus = enEtape(m, 'evaluation_glissement', 'prolongation');
      if (refus)
        return p.etape === 'sous_location' || p.etape === 'bilan_mesure'
          ? `Les conditions du glissement s’évaluent au terme de la mesure (le ${dateEnFrancais(termeMesure)}).`
          : refus;
      if (x.decision === 'glissement') {
        if (!x.loyerPayeRegulierement || !x.situationStable)
          return 'Le glissement suppose un loyer payé régulièrement et une situation stabilisée : choisissez une prolongation motivée ou une fin avec orientation.';
        return motifImpayes(m);
      }
      if ((x.motif ?? '').trim().length < 10)
        return x.decision === 'prolongation'
          ? 'Une prolongation doit être motivée (10 caractères au moins).'
          : 'Une fin de mesure doit être motivée (10 caractères au moins).';
      if (x.decision === 'fin_avec_orientation')
        return x.orientation ? undefined : 'Une fin de mesure avec orientation précise le dispositif vers lequel le ménage est orienté.';
      if (x.decision !== 'prolongation') return 'Décision attendue : glissement, prolongation ou fin avec orientation.';
      if (p.etape === 'prolongation')
        return `Une prolongation court déjà jusqu’au ${dateEnFrancais(termeMesure)} : à son terme, les conditions seront évaluées de nouveau (le glissement ou une fin avec orientation restent possibles dès maintenant).`;
      const mois = moisProlongation(m, x);
      if (!Number.isInteger(mois) || mois < 1) return 'Durée de prolongation invalide (en mois, 1 au moins).';
      const max = dureeEnFrancais(d.prolongationMax!);
      if (termeMesure.getTime() >= limite.getTime()) {
        return `La durée maximale de ${max} de sous-location est atteinte (le ${dateEnFrancais(limite)}) : plus de prolongation possible. Choisissez le glissement ou une fin avec orientation.`;
      }
      if (finProlongation(m, mois).getTime() > limite.getTime()) {
        return `Une prolongation de ${mois} mois irait jusqu’au ${dateEnFrancais(finProlongation(m, mois))}, au-delà de ${max} de sous-location (le ${dateEnFrancais(limite)}) : choisissez une prolongation plus courte, le glissement ou une fin avec orientation.`;
      }
      return undefined;
    },
    appliquer: (x) => {
      // Le nouveau terme que l'étape annonce, calculé avant que la prolongation soit faite.
      const libelleProlongation =
        x.decision === 'prolongation' ? `Prolongation motivée jusqu’au ${dateEnFrancais(finProlongation(m, moisProlongation(m, x)))}` : '';
      m.evaluation = x;
      // Lue aussitôt (état, fiche), l'évaluation est tenue et notée, la prolongation faite, même si
      // le déroulé envoie encore le courriel « conditions à évaluer » : il n'en fera que les courriels.
      if (patched('evaluation-dans-le-message')) {
        m.evaluationDuMessage = x;
        if (m.echeanceEvaluation) p.echeances.tenir(m.echeanceEvaluation);
        noterEvaluation(m, x);
        if (x.decision === 'prolongation') prolonger(m, x);
      }
      const decision = {
        glissement: 'glissement du bail',
        prolongation: `prolongation de ${moisProlongation(m, x)} mois`,
        fin_avec_orientation: 'fin de mesure avec orientation',
      }[x.decision];
      p.journal.noter(
        'conditions_glissement',
        `Conditions du glissement évaluées : loyer ${x.loyerPayeRegulierement ? 'payé régulièrement' : 'irrégulier'}, situation ${x.situationStable ? 'stable' : 'non stabilisée'} — ${decision}`,
        { acteur: ts(x.par) },
      );
      if (x.motif || x.notes)
        ((p.detailsConfidentiels.evaluations ??= []) as unknown[]).push({
          le: new Date().toISOString(),
          motif: x.motif,
          notes: x.notes,
          orientation: x.orientation,
        });
      // Le bail glisse, la mesure est prolongée, ou elle prend fin avec l'orientation du ménage (clôture).
      if (x.decision === 'glissement') {
        p.avancer('glissement', GLISSEMENT);
        if (patched('glissement-dans-le-message')) noterGlissement(m, false);
      } else if (x.decision === 'prolongation') p.avancer('prolongation', libelleProlongation);
      return { etape: x.decision === 'fin_avec_orientation' ? 'cloture' : p.etape };
    },
  });
}

function messageDeFinDeMesure(m: Mesure): void {
  const { p } = m;
  p.message(finMesureUpdate, {
    valider: (x) => {
      if (p.interrompu) return 'Le parcours est déjà clôturé.';
      const refus = enEtape(m, 'recherche_logement', ...EN_MESURE);
      if (refus)
        return p.etape === 'file_attente' ? 'La mesure n’a pas encore démarré : la coordination peut clore la candidature (clôture anticipée).' : refus;
      if (!(ISSUES_FIN_MESURE as readonly string[]).includes(x.issue)) return `Issue de fin de mesure inconnue : « ${x.issue} ».`;
      if ((x.motif ?? '').trim().length < 3) return 'Motif de fin de mesure requis.';
      if (x.issue === 'fin_avec_orientation' && !x.orientation)
        return 'Une fin de mesure avec orientation précise le dispositif vers lequel le ménage est orienté.';
      return undefined;
    },
    appliquer: (x) => {
      m.orientation = x.orientation;
      p.detailsConfidentiels.motifFin = x.motif;
      p.interrompre({ issue: x.issue, motif: motifPublic(x.issue, x.orientation), acteur: ts(x.par) });
      return { etape: 'cloture' };
    },
  });
}

// ---- Ce que les étapes partagent --------------------------------------------------------------

const ts = (par: string): Acteur => ({ type: 'personnel', id: par, role: 'travailleur_social' });
const coordination = (par: string): Acteur => ({ type: 'personnel', id: par, role: 'coordinateur' });
const auTravailleurSocial = (m: Mesure): A => (m.p.travailleurSocial ? { personnel: m.p.travailleurSocial } : { coordination: true });

/** Le bailleur du logement à son adresse, si elle a été donnée (hors annuaire) ; sinon les contacts du bailleur du ménage. */
function auBailleur(m: Mesure): A {
  const l = m.logement;
  return l?.bailleur.courriel
    ? { adresse: { nom: l.bailleur.nom, courriel: l.bailleur.courriel }, libelle: `le bailleur (${l.bailleur.nom})` }
    : { role: 'bailleur' };
}

const enEtape = (m: Mesure, ...etapes: string[]) =>
  etapes.includes(m.p.etape) ? undefined : `Ce message n’est pas attendu à l’étape « ${m.p.libelleEtape} ».`;

function bilanLoyers(m: Mesure): { payes: number; partiels: number; impayes: number } {
  const l = [...m.loyers.values()];
  return { payes: l.filter((s) => s === 'paye').length, partiels: l.filter((s) => s === 'partiel').length, impayes: l.filter((s) => s === 'impaye').length };
}

const impayes = (m: Mesure) => impayesConsecutifs(m.loyers);

function motifImpayes(m: Mesure): string | undefined {
  return impayes(m) >= m.seuilImpayes ? `Le loyer est impayé depuis ${impayes(m)} mois consécutifs : le glissement n’est pas possible en l’état.` : undefined;
}

/**
 * La fin d'une prolongation de `mois` mois, comptée depuis le début de la sous-location (durée de la
 * mesure et prolongations déjà décidées comprises) : une mesure commencée un 29 février garde ses
 * 16 mois après 12 + 4, sans perdre un jour à chaque fin de mois courte.
 */
function finProlongation(m: Mesure, mois: number): Date {
  const g = lireDuree(m.e.programme.delais.glissement!);
  const enMois = g && !g.semaines && !g.jours && !g.heures && !g.minutes && !g.secondes;
  const deja = m.prolongations.reduce((n, x) => n + x.mois, 0);
  return enMois ? ajouterDuree(m.debut!, `P${g.annees * 12 + g.mois + deja + mois}M`) : ajouterDuree(m.termeMesure!, `P${mois}M`);
}

const moisProlongation = (m: Mesure, x: ConditionsGlissement) => x.dureeMois ?? (lireDuree(m.e.programme.delais.prolongation ?? 'P6M')?.mois || 6);

/** La fiche de clôture (details.ficheCloture), non nominative, jointe aux courriels de fin de mesure. */
function ficheDeCloture(m: Mesure, f: Fin) {
  return {
    issue: f.issue,
    libelle: LIBELLES_ISSUES[f.issue],
    motif: f.motif,
    le: new Date().toISOString(),
    orientation: m.orientation ? m.orientation.dispositif : undefined,
    dureeSousLocationMois: m.debut ? moisEntre(m.debut, new Date()) : undefined,
    bilans: m.fiches.map((x) => ({ jalon: x.jalon, paiementLoyer: x.paiementLoyer, situation: x.situation, decision: x.decision })),
    prolongations: m.prolongations.length,
  };
}

/** Une attente qui cède à la clôture anticipée (la demande de validation, elle, court jusqu'à son terme). */
const pendant = <T>(m: Mesure, promesse: Promise<T>): Promise<T> => Promise.race([promesse, m.p.attendre(() => false).then(() => promesse)]);

// ---- Règles (fonctions pures) ------------------------------------------------------------------

/** Une candidature IML : un ménage hébergé par l'opérateur, jugé prêt à sortir, budget travaillé. */
export function motifCandidature(c: Candidature): string | undefined {
  const motifs: string[] = [];
  if (!(STRUCTURES_HEBERGEMENT as readonly string[]).includes(c.structure)) {
    motifs.push(`structure d’hébergement inconnue (« ${c.structure} ») : ALT, pension de famille, CHRS ou logement d’urgence`);
  }
  if (!c.pretASortir) motifs.push('le ménage doit être jugé « prêt à sortir » vers le logement');
  if (!c.budgetTravaille) motifs.push('la question du budget doit avoir été travaillée en amont avec le ménage');
  if (c.hebergeDepuis !== undefined && !estJourIso(c.hebergeDepuis)) motifs.push('date d’entrée dans la structure attendue au format AAAA-MM-JJ');
  if (!motifs.length) return undefined;
  const texte = motifs.join(' ; ');
  return `${texte.charAt(0).toUpperCase()}${texte.slice(1)}.`;
}

/** Un loyer constaté : un mois de la sous-location, déjà échu. */
export function motifLoyer(mois: string, debut: Date, maintenant: Date): string | undefined {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(mois)) return 'Mois attendu au format AAAA-MM.';
  const premier = jourDeParis(debut).slice(0, 7);
  if (mois < premier) return `Le loyer de ${moisEnFrancais(mois)} est antérieur au début de la sous-location (${moisEnFrancais(premier)}).`;
  if (mois > jourDeParis(maintenant).slice(0, 7)) return `Le loyer de ${moisEnFrancais(mois)} n’est pas encore échu.`;
  return undefined;
}

/** Nombre de mois consécutifs impayés, en remontant depuis le dernier mois constaté. */
export function impayesConsecutifs(loyers: Map<string, StatutLoyer>): number {
  let n = 0;
  let attendu: string | undefined;
  for (const mois of [...loyers.keys()].sort().reverse()) {
    if ((attendu && mois !== attendu) || loyers.get(mois) !== 'impaye') break;
    n += 1;
    attendu = moisPrecedent(mois);
  }
  return n;
}

function moisPrecedent(mois: string): string {
  const [a, m] = mois.split('-').map(Number) as [number, number];
  return m === 1 ? `${a - 1}-12` : `${a}-${String(m - 1).padStart(2, '0')}`;
}

function jalonsBilans(e: EntreeIml): string[] {
  const t0 = new Date(0);
  return [...(e.programme.jalons.bilans ?? [])].sort((a, b) => ajouterDuree(t0, a).getTime() - ajouterDuree(t0, b).getTime());
}

/** Le motif de clôture visible des partenaires ; celui du travailleur social reste confidentiel. */
function motifPublic(issue: (typeof ISSUES_FIN_MESURE)[number], orientation?: Orientation): string {
  if (issue === 'fin_avec_orientation') return `Orientation : ${orientation ? LIBELLES_ORIENTATIONS[orientation.dispositif] : 'à préciser'}`;
  return issue === 'depart_du_logement' ? 'Le ménage a quitté le logement' : 'Le ménage met fin à la mesure';
}
