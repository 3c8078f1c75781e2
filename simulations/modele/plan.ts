/**
 * Le modèle : l'année d'un programme en plans de ménages. Chaque ménage arrive à une date de
 * l'année, se comporte comme les chiffres le disent (joint ou non, après combien de tentatives,
 * refus, reprise du paiement…) et son travailleur social agit à des dates tirées dans les délais du
 * programme, ou après quand il est « en retard ». Un plan est une liste d'étapes datées : les
 * messages du travailleur social (ceux de l'API, par leur nom) et les réponses des partenaires à
 * leurs liens. Tout vient d'un générateur à graine : même graine, même plan.
 *
 * Le plan ne calcule aucun résultat : les délais tenus ou manqués, les issues, viennent des vrais
 * workflows quand le pilote (moteur.ts) rejoue le plan sur le moteur Temporal.
 */
import { ajouterDuree, jourDeParis, lireDuree, minuitDeParis, sommeDurees } from '../../domain/durees';
import { STRUCTURES_HEBERGEMENT, TYPOLOGIES } from '../../domain/iml';
import { DELAIS_PAR_DEFAUT } from '../../domain/reglages';
import type { CompositionMenage, Menage, Programme, RolePartenaire, TypeParcours } from '../../domain/vocabulaire';
import { Hasard } from './hasard';
import type { Action, Hypotheses } from './hypotheses';

export const JOUR = 86_400_000;
const HEURE = 3_600_000;

/** Un message du travailleur social (ou de la coordination), tel que l'API l'enverrait. */
export interface MessageSimule {
  /** Son nom dans le registre de l'API (« tentative-contact », « plan-aide »…). */
  nom: string;
  corps: Record<string, unknown>;
  /** L'action comptée dans la charge ; aucune pour un message de la coordination. */
  action?: Action;
  /** Quand l'action a eu lieu si elle est saisie après coup (rendez-vous du mois) ; sinon l'instant de l'étape. */
  faiteLe?: number;
  par?: 'coordination';
}

/** La réponse d'un partenaire au lien d'une demande de validation. */
export interface ReponseSimulee {
  role: RolePartenaire;
  /** La demande de paiement du mois, ou une autre demande en attente de ce partenaire. */
  demande: 'paiement' | 'autre';
  decision: 'approuve' | 'refuse';
  commentaire?: string;
  montant?: number;
  /** Vrai : la demande n'existe que si le parcours l'a faite (manquements répétés) ; sans elle, rien. */
  siPresente?: boolean;
}

export interface Etape {
  /** L'instant, sur l'horloge du parcours (ms). */
  t: number;
  /** Ce qui se passe, en quelques mots (pour les messages refusés). */
  quoi: string;
  /** Réponses des partenaires d'abord, puis messages, dans l'ordre. */
  reponses: ReponseSimulee[];
  messages: MessageSimule[];
  /** Étape faite après le délai par un travailleur social en retard. */
  enRetard?: boolean;
  /** IML : après cette étape, le ménage attend une place (file du programme). */
  attendrePlace?: boolean;
  /** IML : cette étape clôt la mesure et rend sa place. */
  rendPlace?: boolean;
  /** Le parcours se clôt de lui-même avant ou à cet instant (un délai passé) : le trouver terminé est attendu. */
  finAttendue?: boolean;
}

export interface PlanMenage {
  rang: number;
  reference: string;
  programmeId: string;
  typeParcours: TypeParcours;
  travailleur: string;
  travailleurEnRetard: boolean;
  /** Lancement du parcours (horloge du parcours, ms). */
  arrivee: number;
  menage: Menage;
  /** Les données de lancement propres au parcours (celles du corps de POST /api/parcours). */
  donnees: Record<string, unknown>;
  /** Ce que le travailleur social a fait avant le lancement (la candidature IML). */
  actionsAuLancement: Action[];
  /** Le comportement tiré pour ce ménage (affiché, jamais relu par le pilote). */
  profil: Record<string, string | number | boolean>;
  etapes: Etape[];
}

export interface ProgrammeSimule {
  programme: Programme;
  nombre: number;
  travailleurs: string[];
  /** Les premiers de l'équipe sont « en retard ». */
  enRetard: number;
  hypotheses: Hypotheses;
}

export interface PlanAnnee {
  graine: number;
  /** Lundi, minuit à Paris : le début de l'année simulée. */
  debut: number;
  programmes: ProgrammeSimule[];
  menages: PlanMenage[];
}

const plus = (t: number, iso: string) => ajouterDuree(new Date(t), iso).getTime();
const jour = (t: number) => jourDeParis(new Date(t));
const arrondi = (x: number) => Math.round(x * 100) / 100;

/** L'équipe d'un programme : des identifiants de compte valides (« ts.besancon-ccas.1 »). */
export function equipe(programmeId: string, nombre: number): string[] {
  return Array.from({ length: nombre }, (_, i) => `ts.${programmeId.slice(0, 30)}.${i + 1}`);
}

/** Le lundi suivant `apres` (minuit à Paris). */
export function lundiSuivant(apres: Date): number {
  for (let i = 1; i <= 7; i++) {
    const t = minuitDeParis(jourDeParis(new Date(apres.getTime() + i * JOUR))).getTime();
    if (new Date(t + 12 * HEURE).getUTCDay() === 1) return t;
  }
  throw new Error('lundi introuvable');
}

/** Les plans de l'année : chaque programme, ses ménages, leur arrivée et leurs étapes. */
export function planifierAnnee(o: { graine: number; debut: number; programmes: ProgrammeSimule[] }): PlanAnnee {
  const menages: PlanMenage[] = [];
  for (const ps of o.programmes) {
    const arrivees = Array.from({ length: ps.nombre }, (_, i) => ({
      i,
      t: arrivee(ps.programme, o.debut, new Hasard(`${o.graine}|${ps.programme.id}|${i}|arrivee`)),
    }));
    // Les ménages sont répartis entre les travailleurs sociaux dans l'ordre de leur arrivée.
    arrivees.sort((a, b) => a.t - b.t || a.i - b.i);
    arrivees.forEach(({ i, t }, rang) => {
      const k = rang % ps.travailleurs.length;
      menages.push(planMenage(o.graine, ps, i, t, ps.travailleurs[k]!, k < ps.enRetard));
    });
  }
  menages.sort((a, b) => a.arrivee - b.arrivee || a.reference.localeCompare(b.reference));
  return { graine: o.graine, debut: o.debut, programmes: o.programmes, menages };
}

/**
 * L'arrivée d'un ménage : un jour ouvré de l'année, en journée ; le jour d'une commission
 * mensuelle pour un programme où la commission impayés désigne les ménages (besancon-ccas).
 */
function arrivee(programme: Programme, debut: number, h: Hasard): number {
  if (programme.options.designationCommissionImpayes) {
    // Hypothèse : une commission par mois, le premier mardi, sur les 12 mois de l'année.
    const mois = h.entier(0, 11);
    const premier = plus(debut, `P${mois}M`);
    for (let d = 0; d < 7; d++) {
      const t = premier + d * JOUR;
      if (new Date(t + 12 * HEURE).getUTCDay() === 2) return t + h.entre(9, 17) * HEURE;
    }
  }
  for (;;) {
    const t = debut + h.entier(0, 363) * JOUR;
    const j = new Date(t + 12 * HEURE).getUTCDay();
    if (j !== 0 && j !== 6) return minuitDeParis(jour(t)).getTime() + h.entre(9, 17) * HEURE;
  }
}

const COMPOSITIONS: CompositionMenage[] = ['personne_seule', 'couple', 'couple_avec_enfants', 'famille_monoparentale'];

function planMenage(graine: number, ps: ProgrammeSimule, i: number, t: number, travailleur: string, enRetard: boolean): PlanMenage {
  const p = ps.programme;
  const h = new Hasard(`${graine}|${p.id}|${i}`);
  const reference = `SIM${graine}-${p.id.slice(0, 12)}-${String(i + 1).padStart(4, '0')}`.slice(0, 40);
  const ville = /\d{5} +.+$/.exec(p.operateur.adresse ?? '')?.[0] ?? '00000 Commune';
  const menage: Menage = {
    reference,
    nom: `Ménage simulé n° ${i + 1}`,
    composition: h.parmi(COMPOSITIONS),
    adresse: `${h.entier(1, 120)} rue de la Simulation, ${ville}`,
    accepteCourriel: h.oui(0.5),
  };
  if (menage.accepteCourriel) menage.courriel = `${reference.toLowerCase()}@simulation.example`;
  const hr = new Hasard(`${graine}|${p.id}|${i}|retard`);
  const c: Contexte = { p, h, hr, hyp: ps.hypotheses, A: t, enRetard, menage, etapes: [], profil: {} };
  const base = { rang: i, reference, programmeId: p.id, typeParcours: p.typeParcours, travailleur, travailleurEnRetard: enRetard, arrivee: t, menage };
  let donnees: Record<string, unknown>;
  let actionsAuLancement: Action[] = [];
  if (p.typeParcours === 'prevention_precontentieuse') donnees = planPrevention(c);
  else if (p.typeParcours === 'iml_bail_glissant') {
    donnees = planIml(c);
    actionsAuLancement = ['candidature'];
  } else donnees = planProtocole(c);
  c.etapes.sort((a, b) => a.t - b.t);
  return { ...base, donnees, actionsAuLancement, profil: c.profil, etapes: c.etapes };
}

interface Contexte {
  p: Programme;
  h: Hasard;
  /**
   * Le hasard des retards du travailleur social, à part : les mêmes ménages (arrivées, contacts,
   * reprise du paiement…) quelle que soit l'équipe, en retard ou non.
   */
  hr: Hasard;
  hyp: Hypotheses;
  /** L'arrivée (lancement du parcours). */
  A: number;
  enRetard: boolean;
  menage: Menage;
  etapes: Etape[];
  profil: PlanMenage['profil'];
}

/** En retard pour cette action ? (un travailleur social « en retard », une action sur N). */
const retard = (c: Contexte) => c.enRetard && c.hr.oui(c.hyp.partActionsEnRetard);
/** Après le délai : de 1 jour à `retardMaxJours` jours. */
const apresLeDelai = (c: Contexte, due: number) => due + c.hr.entre(1, c.hyp.retardMaxJours) * JOUR;
/** Dans le délai : une fraction de l'intervalle, jamais à moins de 6 heures de l'échéance. */
const dansLeDelai = (c: Contexte, depuis: number, due: number, min = 0.2, max = 0.85) =>
  Math.min(depuis + (due - depuis) * c.h.entre(min, max), due - 6 * HEURE);
/**
 * L'instant d'une action à délai : tiré dans le délai (toujours, pour que le hasard du ménage ne dépende
 * pas des retards), ou après le délai si le travailleur social est en retard cette fois-ci.
 */
function quand(c: Contexte, depuis: number, due: number, min = 0.2, max = 0.85): { t: number; enRetard: boolean } {
  const aLHeure = dansLeDelai(c, depuis, due, min, max);
  const enRetard = retard(c);
  return { t: enRetard ? apresLeDelai(c, due) : aLHeure, enRetard };
}

function etape(c: Contexte, t: number, quoi: string, e: Partial<Omit<Etape, 't' | 'quoi'>> = {}): Etape {
  const x: Etape = { t: Math.round(t), quoi, reponses: [], messages: [], ...e };
  c.etapes.push(x);
  return x;
}
const msg = (nom: string, corps: Record<string, unknown>, action?: Action, faiteLe?: number): MessageSimule => ({
  nom,
  corps,
  ...(action ? { action } : {}),
  ...(faiteLe !== undefined ? { faiteLe: Math.round(faiteLe) } : {}),
});

// ---- Prévention précontentieuse ----------------------------------------------------------------

/**
 * Un programme qui clôt seul le parcours sans contact dans le délai (loiret-ahu) : l'horloge du
 * ménage est menée au lendemain du délai, où le parcours se clôt et prévient le bailleur ; sans
 * cela, il restait « aller vers » jusqu'à la fin de l'année simulée.
 */
function delaiDeContactPasse(c: Contexte, dueContact: number): void {
  etape(c, dueContact + JOUR, 'délai du premier contact passé : le parcours se clôt (contact impossible)', { finAttendue: true });
}

type Canal = 'courrier' | 'telephone' | 'visite_domicile' | 'rendez_vous_bureau' | 'courriel';
const CRENEAUX = ['matin', 'soir', 'apres_midi'] as const;
const ACTION_DU_CANAL: Record<Canal, Action> = {
  courrier: 'tentative_courrier',
  telephone: 'tentative_telephone',
  visite_domicile: 'visite_domicile',
  rendez_vous_bureau: 'tentative_bureau',
  courriel: 'tentative_courriel',
};

/**
 * Les canaux des tentatives, dans l'ordre : à Besançon (visite à domicile prévue au programme),
 * courrier, appel, visite, seconde visite à un autre horaire, puis appels et visites en alternance ;
 * ailleurs, appel, courrier, visite, puis en alternance.
 */
function canalDeTentative(p: Programme, n: number): Canal {
  const debut: Canal[] = p.delais.premiereVisite
    ? ['courrier', 'telephone', 'visite_domicile', 'visite_domicile']
    : ['telephone', 'courrier', 'visite_domicile'];
  return debut[n] ?? (n % 2 ? 'visite_domicile' : 'telephone');
}

function planPrevention(c: Contexte): Record<string, unknown> {
  const { p, h, hyp, A } = c;
  const d = p.delais;
  const dejaSuivi = h.oui(hyp.partDejaSuivis);
  const isole = c.menage.composition === 'personne_seule' || c.menage.composition === 'couple';
  const designeLe = p.options.designationCommissionImpayes ? jour(A) : undefined;
  const situation = {
    impayesMois: h.entier(2, 6),
    montantDette: arrondi(h.entre(400, 4000)),
    debutBail: jour(A - h.entier(30, 150) * JOUR),
    garantie: 'aucune',
    dejaTente: 'Relances écrites du bailleur',
    contactBailleur: false,
    suiviParServiceSocial: dejaSuivi,
    isole,
    ...(dejaSuivi && p.options.partageServiceSocialDepartement ? { gardeParServiceSocialDepartement: true } : {}),
  };
  const donnees = { situation, ...(designeLe ? { designeLe } : {}) };
  c.profil.dejaSuivi = dejaSuivi;
  // Déjà accompagné par le service social du département : la situation reste chez lui (le parcours se clôt seul).
  if (dejaSuivi && p.options.partageServiceSocialDepartement) return donnees;

  // Les délais d'« aller vers » courent depuis la désignation (minuit) ou le lancement.
  let depuis = designeLe ? minuitDeParis(designeLe).getTime() : A;
  if (p.options.comiteDeSuivi) {
    // Les services sociaux vérifient par leur lien que le ménage n'est pas accompagné ailleurs, puis la
    // coordination enregistre la décision du comité (fiche 004).
    const t = A + h.entre(2, 8) * JOUR;
    const tComite = t + h.entre(1, 4) * JOUR;
    const comite = (decision: 'integrer' | 'ne_pas_integrer', motif?: string) => ({
      messages: [{ nom: 'decision-comite', corps: { decision, ...(motif ? { motif } : {}) }, par: 'coordination' as const }],
    });
    if (dejaSuivi) {
      etape(c, t, 'vérification avant le comité : ménage déjà accompagné', {
        reponses: [{ role: 'services_sociaux', demande: 'autre', decision: 'refuse', commentaire: 'Service social de secteur' }],
      });
      etape(c, tComite, 'comité de suivi : ménage non intégré', comite('ne_pas_integrer', 'Le ménage reste suivi par le service social de secteur'));
      return donnees;
    }
    etape(c, t, 'vérification avant le comité : aucun accompagnement connu', {
      reponses: [{ role: 'services_sociaux', demande: 'autre', decision: 'approuve' }],
    });
    etape(c, tComite, 'comité de suivi : intégration validée', comite('integrer'));
    depuis = tComite;
  }

  const dueContact = plus(depuis, d.contact ?? d.premiereVisite ?? 'P1M');
  const duePremiereVisite = d.premiereVisite ? plus(depuis, d.premiereVisite) : undefined;
  const joint = h.oui(hyp.partJoints);
  const k = 1 + h.poisson(hyp.tentativesMoyennes - 1);
  const refus = joint && h.oui(hyp.partRefus);
  Object.assign(c.profil, { joint, tentativesAvantContact: k, refus });
  let creneau = h.entier(0, 2);
  const tentative = (t: number, n: number, issue: string, enRetard = false, canal = canalDeTentative(p, n)) => {
    const cr = canal === 'visite_domicile' ? CRENEAUX[creneau++ % 3]! : h.parmi(CRENEAUX);
    etape(c, t, `tentative de contact ${n + 1} (${canal}, ${issue})`, {
      messages: [msg('tentative-contact', { canal, creneau: cr, issue }, ACTION_DU_CANAL[canal])],
      enRetard,
    });
    return canal;
  };
  const sansSuite = (canal: Canal) => (canal === 'visite_domicile' ? 'absent' : 'injoignable');
  /**
   * n tentatives régulièrement espacées de `de` à `a` (la dernière à `a`) : une seconde visite suit
   * la première dans la semaine (délai « secondeVisite » de besancon-ccas).
   */
  const dates = (n: number, de: number, a: number) => Array.from({ length: n }, (_, i) => de + ((a - de) * (i + 1 - (i < n - 1 ? h.entre(0, 0.3) : 0))) / n);
  // Les tentatives commencent après le lancement (les délais peuvent courir depuis la désignation, plus tôt).
  const premier = Math.max(depuis, A) + 2 * HEURE;

  if (!joint) {
    // Injoignable : des tentatives jusqu'au délai, puis la clôture (le parcours se clôt seul si le programme le prévoit).
    const n = Math.max(k, 4);
    dates(n, premier, dueContact - 6 * HEURE).forEach((t, i) => tentative(t, i, sansSuite(canalDeTentative(p, i))));
    if (!p.options.clotureSansContact) {
      etape(c, dueContact + h.entre(1, 5) * JOUR, 'clôture : contact impossible', {
        messages: [msg('cloture', { issue: 'contact_impossible', motif: `Aucun contact malgré ${n} tentatives` }, 'cloture')],
      });
    } else delaiDeContactPasse(c, dueContact);
    return donnees;
  }

  // Les k - 1 premières tentatives sans suite, la k-ième joint le ménage (après le délai si le travailleur social est en retard).
  const { t: finTentatives, enRetard: contactEnRetard } = quand(c, premier, dueContact, 0.5, 0.9);
  if (contactEnRetard && p.options.clotureSansContact) {
    // Le parcours se clôt seul au délai : le contact trop tardif n'aura pas lieu.
    dates(k - 1 || 1, premier, dueContact - 6 * HEURE).forEach((t, i) => tentative(t, i, sansSuite(canalDeTentative(p, i))));
    c.profil.joint = false;
    delaiDeContactPasse(c, dueContact);
    return donnees;
  }
  const ts = dates(k, premier, contactEnRetard ? dueContact - 6 * HEURE : finTentatives);
  for (let i = 0; i < k - 1; i++) tentative(ts[i]!, i, sansSuite(canalDeTentative(p, i)));
  let tJ = finTentatives;
  let canalJoint: Canal;
  if (refus) {
    tentative(tJ, k - 1, 'refus', contactEnRetard);
    // Le refus clôt le parcours, sauf au programme qui « provoque la rencontre malgré les réticences ».
    if (!p.options.refusNeClotPas) return donnees;
    if (!h.oui(hyp.partRefusSurmontes)) {
      etape(c, Math.max(tJ, dueContact) + h.entre(1, 5) * JOUR, 'clôture : refus du ménage', {
        messages: [msg('cloture', { issue: 'refus', motif: 'Le ménage refuse l’accompagnement' }, 'cloture')],
      });
      return donnees;
    }
    tJ += h.entre(3, 7) * JOUR;
    canalJoint = tentative(tJ, k, 'joint', tJ > dueContact, 'visite_domicile');
  } else canalJoint = tentative(tJ, k - 1, 'joint', contactEnRetard);

  // Besançon : la visite à domicile a lieu malgré un contact par un autre canal (sauf si une visite, même sans personne, a déjà eu lieu).
  const dejaVisite = Array.from({ length: k - 1 }, (_, i) => canalDeTentative(p, i)).includes('visite_domicile');
  // Un contact après le délai de la visite : elle reste à faire, en retard (« malgré tout mise en
  // œuvre », fiche 000), quelques jours après le contact (tirés du hasard des retards : seul un
  // contact en retard passe ce délai, et le ménage reste le même avec ou sans retards).
  if (duePremiereVisite !== undefined && p.options.visiteMalgreContact && canalJoint !== 'visite_domicile' && !dejaVisite) {
    if (tJ < duePremiereVisite) {
      const aLHeure = tJ < duePremiereVisite - JOUR ? dansLeDelai(c, tJ, duePremiereVisite) : tJ + h.entre(1, 3) * JOUR;
      const enRetard = retard(c);
      const tv = enRetard ? apresLeDelai(c, Math.max(duePremiereVisite, tJ)) : aLHeure;
      tentative(tv, k, 'joint', enRetard, 'visite_domicile');
    } else tentative(tJ + c.hr.entre(1, 3) * JOUR, k, 'joint', true, 'visite_domicile');
  }

  // Diagnostic : un ou deux entretiens, le dernier conclu par un carnet de route.
  const dueDiagnostic = plus(tJ, d.diagnostic!);
  const { t: tD, enRetard: diagEnRetard } = quand(c, tJ, dueDiagnostic, 0.4, 0.9);
  const entretien = (t: number, termine: boolean, enRetard = false) =>
    etape(c, t, termine ? 'diagnostic terminé' : 'entretien de diagnostic', {
      messages: [
        msg(
          'diagnostic',
          {
            origineDette: h.parmi(['Perte d’emploi', 'Séparation', 'Baisse des aides au logement', 'Maladie', 'Endettement']),
            droits: 'Droits vérifiés',
            budget: 'Budget revu avec le ménage',
            adequationLogement: 'Logement adapté',
            termine,
            ...(termine ? { carnetDeRoute: ['Dossier FSL', 'Rendez-vous CAF'] } : {}),
          },
          'entretien_diagnostic',
        ),
      ],
      enRetard,
    });
  if (h.oui(0.5)) entretien(tJ + (Math.min(tD, dueDiagnostic) - tJ) * h.entre(0.2, 0.6), false);
  entretien(tD, true, diagEnRetard);

  // Plan d'aide contractualisé ; une ASLL attend la validation du département.
  const asll = h.oui(hyp.partAsll);
  c.profil.asll = asll;
  const corpsPlan = (avecAsll: boolean) => ({
    actions: ['plan_apurement', 'budget', ...(h.oui(0.4) ? ['fsl'] : [])],
    orientations: avecAsll ? ['asll'] : [],
    planApurement: { mensualite: h.entier(30, 150), dureeMois: h.entier(6, 36) },
  });
  const duePlan = plus(tD, d.planAide!);
  const { t: tP, enRetard: planEnRetard } = quand(c, tD, duePlan);
  etape(c, tP, 'plan d’aide', { messages: [msg('plan-aide', corpsPlan(asll), 'plan_aide')], enRetard: planEnRetard });
  /** Étude conjointe (toulouse-declic) : le référent du bailleur valide le plan par son lien, quelques jours après. */
  const valideParLeReferent = (t: number) => {
    if (!p.options.etudeConjointeBailleur || !p.partenaires.bailleur) return t;
    const tR = t + h.entre(1, 5) * JOUR;
    etape(c, tR, 'plan validé avec le référent du bailleur', { reponses: [{ role: 'bailleur', demande: 'autre', decision: 'approuve' }] });
    return tR;
  };
  // Le suivi compte depuis le plan enregistré (ou validé par le département s'il prévoit une ASLL).
  let tSuivi = tP;
  const tReferent = valideParLeReferent(tP);
  if (asll) {
    const tA = tReferent;
    const dueValidation = p.options.validationDansLeDelaiDuPlan && duePlan > tA ? duePlan : plus(tA, d.validationDepartement!);
    const tV = tA + Math.min(h.entre(1, 5) * JOUR, (dueValidation - tA) * 0.9);
    const valide = h.oui(hyp.partAsllValidees);
    etape(c, tV, `ASLL ${valide ? 'validée' : 'refusée'} par le département`, {
      reponses: [
        { role: 'departement', demande: 'autre', decision: valide ? 'approuve' : 'refuse', ...(valide ? {} : { commentaire: 'Mesure ASLL non justifiée' }) },
      ],
    });
    tSuivi = tV;
    if (!valide) {
      const dueRevision = plus(tV, d.planAide!);
      const revision = quand(c, tV, dueRevision);
      const revisionEnRetard = revision.enRetard;
      tSuivi = revision.t;
      etape(c, tSuivi, 'plan d’aide révisé', { messages: [msg('plan-aide', corpsPlan(false), 'plan_aide')], enRetard: revisionEnRetard });
      valideParLeReferent(tSuivi);
    }
  }

  // Suivi : points et bilans aux jalons du programme ; le paiement repris (ou non) se dit aux bilans.
  const reprise = h.oui(hyp.partReprisePaiement);
  const niveau = reprise ? (h.oui(0.5) ? 'totale' : 'partielle') : 'aucune';
  c.profil.reprisePaiement = niveau;
  const t0 = new Date(0);
  const jalons = [
    ...(p.jalons.pointsSuivi ?? []).map((o) => ({ o, action: 'point_suivi' as const })),
    ...(p.jalons.bilans ?? []).map((o) => ({ o, action: 'bilan' as const })),
  ].sort((a, b) => ajouterDuree(t0, a.o).getTime() - ajouterDuree(t0, b.o).getTime());
  // Un suivi sans durée fixée (toulouse-declic) continue, un point tous les « pointSuivi », jusqu'à ce
  // que la situation soit stabilisée : de 0 à 6 points de plus après le dernier jalon.
  if (!d.suivi && d.pointSuivi)
    for (let k = 1, n = h.entier(0, 6); k <= n; k++) jalons.push({ o: sommeDurees(jalons.at(-1)?.o ?? 'P0D', d.pointSuivi), action: 'point_suivi' as const });
  const abandon = h.oui(hyp.partAbandons) && jalons.length ? h.entier(0, jalons.length - 1) : -1;
  let dernier = tSuivi;
  let derniereOuverture = tSuivi;
  for (const [n, j] of jalons.entries()) {
    const ouverture = plus(tSuivi, j.o);
    if (n === abandon) {
      const issue = h.oui(0.5) ? 'menage_met_fin' : 'depart_du_logement';
      c.profil.abandon = issue;
      etape(c, Math.max(dernier + JOUR, ouverture - h.entre(1, 20) * JOUR), `clôture : ${issue}`, {
        messages: [
          msg(
            'cloture',
            { issue, motif: issue === 'menage_met_fin' ? 'Le ménage ne souhaite plus être accompagné' : 'Le ménage a quitté le logement' },
            'cloture',
          ),
        ],
      });
      return donnees;
    }
    const due = plus(ouverture, d.saisieBilan ?? DELAIS_PAR_DEFAUT.prevention_precontentieuse.saisieBilan);
    const x = quand(c, ouverture + 6 * HEURE, due, 0.1, 0.8);
    const enRetard = x.enRetard;
    dernier = x.t;
    derniereOuverture = ouverture;
    etape(c, dernier, j.action === 'bilan' ? `bilan à ${j.o}` : `point de suivi à ${j.o}`, {
      messages: [msg('bilan', { reprisePaiement: niveau, planRespecte: reprise, demarches: ['Dossier FSL déposé'] }, j.action)],
      enRetard,
    });
  }

  // Fin du suivi : passage au droit commun (avant la fin prévue du suivi), puis clôture.
  let tPassage: number;
  if (d.suivi) {
    const dueFin = Math.max(plus(tSuivi, d.suivi), plus(derniereOuverture, d.saisieBilan ?? DELAIS_PAR_DEFAUT.prevention_precontentieuse.saisieBilan));
    const aLHeure = dernier < dueFin - JOUR ? dansLeDelai(c, dernier, dueFin, 0.1, 0.6) : dernier + h.entre(0.5, 3) * JOUR;
    tPassage = retard(c) ? apresLeDelai(c, Math.max(dueFin, dernier)) : aLHeure;
  } else tPassage = dernier + h.entre(1, 10) * JOUR;
  etape(c, tPassage, 'passage au droit commun', {
    messages: [
      msg(
        'passage-droit-commun',
        { service: p.partenaires.services_sociaux?.nom ?? 'Service social de secteur', entretienTripartite: !!p.options.entretienTripartite },
        'passage_droit_commun',
      ),
    ],
  });
  const issue = niveau === 'totale' ? 'situation_stabilisee' : niveau === 'partielle' ? 'plan_apurement_respecte' : 'orientation_droit_commun';
  etape(c, tPassage + h.entre(3, 10) * JOUR, `clôture : ${issue}`, { messages: [msg('cloture', { issue }, 'cloture')] });
  return donnees;
}

// ---- IML sortie de structure, bail glissant ---------------------------------------------------

function planIml(c: Contexte): Record<string, unknown> {
  const { p, h, hyp, A } = c;
  const candidature = {
    structure: h.parmi(STRUCTURES_HEBERGEMENT.filter((s) => s !== 'hotel')),
    hebergeDepuis: jour(A - h.entier(60, 400) * JOUR),
    pretASortir: true,
    budgetTravaille: true,
    typologieRecherchee: h.parmi(TYPOLOGIES.slice(0, 4)),
    secteurs: [p.territoire.split(' (')[0]!],
  };
  const due = plus(A, p.delais.validationSiao!);
  const validee = h.oui(hyp.partValidationSiao);
  c.profil.valideeSiao = validee;
  etape(c, Math.min(A + h.entre(5, 20) * JOUR, due - JOUR), `commission SIAO : candidature ${validee ? 'validée' : 'refusée'}`, {
    reponses: [
      {
        role: 'siao',
        demande: 'autre',
        decision: validee ? 'approuve' : 'refuse',
        ...(validee ? {} : { commentaire: 'Orientation vers une pension de famille' }),
      },
    ],
    attendrePlace: validee,
  });
  return { candidature };
}

/**
 * La suite d'une mesure IML, une fois la place accordée (à l'instant `P` de son horloge) : la
 * recherche du logement, la sous-location mois par mois (loyer constaté, rendez-vous et visites du
 * mois saisis après coup), les bilans à 6 et 10 mois, le terme et le glissement du bail. Le hasard
 * a sa propre graine : même graine et même date de place, même suite.
 */
export function planApresPlace(plan: PlanMenage, programme: Programme, hyp: Hypotheses, graine: number, P: number): Etape[] {
  const h = new Hasard(`${graine}|${plan.programmeId}|${plan.rang}|place`);
  const hr = new Hasard(`${graine}|${plan.programmeId}|${plan.rang}|place|retard`);
  const c: Contexte = { p: programme, h, hr, hyp, A: P, enRetard: plan.travailleurEnRetard, menage: plan.menage, etapes: [], profil: {} };
  const d = programme.delais;
  // Le ménage d'abord (son hasard), puis le travailleur social (le sien : jours des rendez-vous, retards).
  const stable = h.oui(hyp.partReprisePaiement);
  const moisTerme = ((g) => g.annees * 12 + g.mois)(lireDuree(d.glissement ?? 'P12M')!);
  const fin = h.oui(hyp.partAbandons) ? h.entier(2, moisTerme - 1) : undefined;
  const issueFin = h.oui(0.5) ? 'depart_du_logement' : 'menage_met_fin';
  const anticipe = stable && h.oui(hyp.partGlissementAnticipe);
  const stableAuSecondTerme = stable || h.oui(0.6);
  const dueLogement = plus(P, d.rechercheLogement ?? 'P6M');
  const { t: tL, enRetard: logementEnRetard } = quand(c, P, dueLogement, 0.1, 0.8);
  // Pendant la recherche : un rendez-vous ou un lien avec un partenaire par mois.
  for (let m = 1; ; m++) {
    const t = plus(P, `P${m}M`) + c.hr.entre(0, 5) * JOUR;
    if (t >= tL - 2 * JOUR) break;
    const nature = c.hr.oui(0.5) ? 'rendez_vous' : 'lien_partenaire';
    etape(c, t, 'recherche du logement', { messages: [msg('rendez-vous', { nature, le: jour(t), axes: ['acces_droits'] }, nature)] });
  }
  const bailleur = programme.bailleurs?.[0]?.nom ?? programme.partenaires.bailleur?.nom ?? 'Bailleur social';
  etape(c, tL, 'logement trouvé', {
    enRetard: logementEnRetard,
    messages: [
      msg(
        'logement',
        {
          bailleur: { type: 'public', nom: bailleur, conventionne: true },
          adresse: `${c.hr.entier(1, 80)} rue des Simulations, ${/\d{5} +.+$/.exec(programme.operateur.adresse ?? '')?.[0] ?? '00000 Commune'}`,
          typologie: c.hr.parmi(TYPOLOGIES.slice(0, 4)),
          loyerMensuel: c.hr.entier(280, 460),
          debutBailPrincipal: jour(tL),
          debutSousLocation: jour(tL),
        },
        'logement',
      ),
    ],
  });

  const debut = minuitDeParis(jour(tL)).getTime();
  const jalons = [...(programme.jalons.bilans ?? [])].map((o) => lireDuree(o)!).map((x) => x.annees * 12 + x.mois);
  const prolongation = ((g) => g.annees * 12 + g.mois)(lireDuree(d.prolongation ?? 'P6M')!);
  const moisMax = ((g) => g.annees * 12 + g.mois)(lireDuree(d.prolongationMax ?? 'P18M')!);
  Object.assign(c.profil, { stable, anticipe });
  let precedent = tL;
  let impayePrecedent = false;
  let terme = moisTerme;
  for (let m = 1; m <= moisMax; m++) {
    const ouverture = plus(debut, `P${m}M`);
    const t = ouverture + c.hr.entre(2, 8) * JOUR;
    // Le loyer du mois écoulé (jamais deux impayés de suite pour un ménage fragile : il reprend).
    const statut: 'paye' | 'partiel' | 'impaye' = stable ? 'paye' : impayePrecedent ? 'paye' : h.parmi(['paye', 'paye', 'paye', 'partiel', 'impaye'] as const);
    impayePrecedent = statut === 'impaye';
    const messages: MessageSimule[] = [msg('loyer', { mois: jour(plus(debut, `P${m - 1}M`)).slice(0, 7), statut }, 'loyer')];
    const n = c.hr.poisson(hyp.contactsParMois);
    for (let k = 0; k < n; k++) {
      const le = precedent + (t - precedent) * ((k + c.hr.entre(0.2, 0.9)) / n);
      const nature = k % 2 ? 'rendez_vous' : 'visite_domicile';
      messages.push(msg('rendez-vous', { nature, le: jour(le), axes: stable ? ['budget'] : ['budget', 'savoir_habiter'] }, nature, le));
    }
    precedent = t;
    if (m === fin) {
      const issue = issueFin;
      messages.push(msg('fin-mesure', { issue, motif: 'Le ménage a quitté le logement de lui-même' }, 'fin_mesure'));
      etape(c, t, `fin de mesure (${issue})`, { messages, rendPlace: true });
      return c.etapes;
    }
    const bilan = jalons.indexOf(m);
    const auTerme = m === terme;
    if (bilan < 0 && !auTerme) {
      etape(c, t, `mois ${m} de sous-location`, { messages });
      continue;
    }
    // Un bilan ou l'évaluation du terme : le même jour que le loyer, ou après le délai si le travailleur social est en retard.
    const due = plus(ouverture, d.saisieBilan ?? DELAIS_PAR_DEFAUT.iml_bail_glissant.saisieBilan);
    const enRetard = retard(c);
    const tb = enRetard ? apresLeDelai(c, due) : t;
    let decision: MessageSimule;
    let cloture = false;
    if (bilan >= 0 && !auTerme) {
      const avecDecision = bilan === 0;
      decision = msg(
        'bilan-mesure',
        {
          paiementLoyer: stable ? 'regulier' : 'irregulier',
          situation: stable ? 'stable' : 'fragile',
          bailleurPresent: true,
          menagePresent: true,
          ...(avecDecision ? { decision: anticipe ? 'glissement' : 'poursuivre' } : {}),
          axes: ['budget'],
        },
        'bilan_mesure',
      );
      cloture = avecDecision && anticipe;
    } else {
      const reussi = terme === moisTerme ? stable : stableAuSecondTerme;
      const derniere = terme + prolongation > moisMax;
      const choix = reussi ? 'glissement' : derniere ? 'fin_avec_orientation' : 'prolongation';
      decision = msg(
        'conditions-glissement',
        {
          loyerPayeRegulierement: reussi,
          situationStable: reussi,
          decision: choix,
          ...(choix === 'prolongation' ? { motif: 'Paiements irréguliers : la situation doit se stabiliser', dureeMois: prolongation } : {}),
          ...(choix === 'fin_avec_orientation'
            ? { motif: 'Le glissement n’est pas possible : orientation vers un logement accompagné', orientation: { dispositif: 'residence_sociale' } }
            : {}),
        },
        'conditions_glissement',
      );
      cloture = choix !== 'prolongation';
      if (choix === 'prolongation') terme += prolongation;
    }
    if (tb === t) etape(c, t, decision.nom, { messages: [...messages, decision], rendPlace: cloture });
    else {
      etape(c, t, `mois ${m} de sous-location`, { messages });
      etape(c, tb, decision.nom, { messages: [decision], enRetard, rendPlace: cloture });
    }
    if (cloture) return c.etapes;
  }
  return c.etapes;
}

// ---- Protocole post-résiliation ---------------------------------------------------------------

function planProtocole(c: Contexte): Record<string, unknown> {
  const { p, h, hyp, A } = c;
  const d = p.delais;
  const dette = Math.round(h.entre(1500, 6000));
  const donnees = {
    resiliation: { jugementDu: jour(A - h.entier(20, 90) * JOUR), juridiction: `Tribunal judiciaire de ${p.territoire.split(' (')[0]}`, detteLocative: dette },
  };
  const dureeMax = lireDuree(d.dureeMax ?? 'P2Y')!;
  const dureeMois = dureeMax.annees * 12 + dureeMax.mois;
  // Le protocole est préparé et signé, puis commence le premier jour du mois suivant.
  const tS = A + h.entre(10, 40) * JOUR;
  const [an, mo] = jour(tS).split('-').map(Number) as [number, number];
  const debutJour = `${mo === 12 ? an + 1 : an}-${String((mo % 12) + 1).padStart(2, '0')}-01`;
  const debut = minuitDeParis(debutJour).getTime();
  const mensualite = Math.max(20, Math.ceil(dette / dureeMois / 5) * 5);
  const indemnite = h.entier(320, 520);
  etape(c, tS, 'protocole signé', {
    messages: [
      msg(
        'signature-protocole',
        {
          signeLe: jour(tS),
          debut: debutJour,
          dureeMois,
          indemniteOccupation: indemnite,
          planApurement: { dette, mensualite },
          signataires: { bailleur: true, occupant: true },
        },
        'signature_protocole',
      ),
    ],
  });
  const payeur = h.oui(hyp.partReprisePaiement);
  c.profil.payeur = payeur;
  // Le bailleur répond au lien du mois toujours à peu près au même moment : le travailleur social y
  // enregistre aussi la visite du mois (une visite par mois : le délai « visite » du programme).
  const a = h.entre(1, 8) * JOUR;
  const seuil = p.quotas.impayesAvantAlerte ?? 2;
  let derniereVisite = tS;
  let consecutifs = 0;
  let alerte = false;
  let demandeManquements = false;
  const impayes: string[] = [];
  const visite = (t: number) => msg('accompagnement', { nature: 'visite_domicile', le: jour(t) }, 'visite_domicile', t);
  let k = 0;
  let tMois = tS;
  let rupture: number | undefined;
  for (; k < dureeMois; k++) {
    tMois = plus(plus(debut, `P${k}M`), d.paiement ?? 'P1M') + a - k * HEURE;
    const messages: MessageSimule[] = [];
    if (d.visite) {
      // Une visite en retard : après le délai, à part ; sinon, des visites d'ici au jour du lien si le mois est long.
      if (retard(c)) {
        const tv = apresLeDelai(c, plus(derniereVisite, d.visite));
        if (tv < tMois) {
          etape(c, tv, 'visite à domicile (en retard)', { messages: [visite(tv)], enRetard: true });
          derniereVisite = tv;
        }
      }
      while (tMois > plus(derniereVisite, d.visite) - 2 * HEURE) {
        const tv = Math.min(derniereVisite + c.hr.entre(21, 27) * JOUR, plus(derniereVisite, d.visite) - 6 * HEURE);
        etape(c, tv, 'visite à domicile', { messages: [visite(tv)] });
        derniereVisite = tv;
      }
      if (tMois - derniereVisite > 15 * JOUR) {
        messages.push(visite(tMois));
        derniereVisite = tMois;
      }
    }
    const paye = payeur ? h.oui(0.97) : h.oui(0.55);
    const mois = jour(plus(debut, `P${k}M`)).slice(0, 7);
    const reponses: ReponseSimulee[] = [{ role: 'bailleur', demande: 'paiement', decision: paye ? 'approuve' : 'refuse', ...(paye ? {} : { montant: 0 }) }];
    // La demande « manquements répétés » du mois précédent : le bailleur y répond avec le paiement du mois.
    let rompt = false;
    if (demandeManquements) {
      rompt = h.oui(hyp.partRupture);
      reponses.push({
        role: 'bailleur',
        demande: 'autre',
        decision: rompt ? 'approuve' : 'refuse',
        commentaire: rompt ? 'Manquements répétés : rupture constatée' : 'Le bailleur maintient le protocole',
        siPresente: true,
      });
      demandeManquements = false;
    }
    etape(c, tMois, `paiement du mois ${k + 1}`, { reponses, messages });
    if (rompt) {
      rupture = tMois;
      break;
    }
    if (paye) {
      consecutifs = 0;
      alerte = false;
    } else {
      consecutifs += 1;
      impayes.push(mois);
      if (consecutifs >= seuil && !alerte) {
        alerte = true;
        demandeManquements = true;
      }
    }
  }
  c.profil.moisImpayes = impayes.length;
  if (rupture === undefined && impayes.length > 2) {
    // Au terme, trop de mois impayés : la coordination enregistre la rupture décidée par le bailleur.
    rupture = tMois + h.entre(5, 15) * JOUR;
    etape(c, rupture, 'rupture enregistrée par la coordination', {
      messages: [{ nom: 'rupture', corps: { motif: `${impayes.length} mois impayés au terme du protocole` }, par: 'coordination' }],
    });
  }
  if (rupture !== undefined) {
    const due = plus(rupture, d.orientation ?? DELAIS_PAR_DEFAUT.protocole_post_resiliation.orientation);
    const { t: tO, enRetard } = quand(c, rupture, due);
    const dispositif = h.parmi(['hebergement', 'residence_sociale', 'logement_adapte']);
    etape(c, tO, 'orientation du ménage', { messages: [msg('orientation', { dispositif }, 'orientation')], enRetard });
    etape(c, tO + h.entre(1, 5) * JOUR, 'clôture : orientation', { messages: [msg('cloture', { issue: 'orientation_hebergement' }, 'cloture')] });
    return donnees;
  }
  // Au terme : les mois manqués régularisés, puis le nouveau bail signé par le bailleur dans les 3 mois.
  let t = tMois;
  if (impayes.length) {
    t += h.entre(5, 20) * JOUR;
    etape(c, t, 'paiements régularisés', { messages: impayes.map((mois) => msg('paiement', { mois, statut: 'paye' }, 'paiement')) });
  }
  const tB = t + h.entre(15, 70) * JOUR;
  etape(c, tB, 'nouveau bail signé', { messages: [msg('nouveau-bail', { signeLe: jour(tB), dateEffet: jour(tB) }, 'nouveau_bail')] });
  return donnees;
}
