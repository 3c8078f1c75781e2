/**
 * Ce que l'étape courante d'un parcours permet au personnel d'envoyer : pour chaque type de
 * parcours, étape → noms des messages (les noms d'URL du registre de l'API, ex.
 * « tentative-contact »). L'interface n'affiche que ces formulaires-là.
 *
 * Ce n'est qu'un guide pour l'affichage : l'autorité reste le validateur synchrone de chaque
 * mise à jour dans workflows/*.ts, qui refuse un message hors étape avec sa raison en français
 * (et peut refuser un message listé ici : « aucun bilan n'est attendu pour le moment »…).
 * test/actions.test.ts vérifie cette table contre les workflows.
 *
 * Module sans dépendance ni effet de bord (importable partout).
 */
import type { Programme, TypeParcours } from './vocabulaire';

/** Les étapes où un parcours est encore en cours (ni orientation en attente, ni clôturé). */
const PREVENTION_EN_COURS = [
  'information_menage',
  'aller_vers',
  'diagnostic',
  'plan_aide',
  'validation_bailleur',
  'validation_departement',
  'revision_plan',
  'information_partenaires',
  'suivi',
  'passage_droit_commun',
];
const IML_EN_MESURE = ['sous_location', 'bilan_mesure', 'evaluation_glissement', 'prolongation'];
const IML_OUVERT = ['candidature', 'validation_siao', 'decision_siao', 'file_attente', 'recherche_logement', ...IML_EN_MESURE, 'glissement'];
const PROTOCOLE_OUVERT = ['signature_protocole', 'suivi_protocole', 'terme_non_respecte', 'nouveau_bail', 'rupture'];

/** Par type de parcours : message → étapes où il est attendu. */
const ETAPES_DES_MESSAGES: Record<TypeParcours, Record<string, readonly string[]>> = {
  prevention_precontentieuse: {
    'tentative-contact': ['information_menage', 'aller_vers'],
    diagnostic: ['diagnostic'],
    'plan-aide': ['plan_aide', 'revision_plan'],
    'decision-comite': ['comite_de_suivi'],
    'departement-sans-reponse': ['validation_departement'],
    bilan: ['suivi'],
    'passage-droit-commun': ['suivi'],
    cloture: PREVENTION_EN_COURS,
    // Après la clôture, pendant la veille active seulement (voir `veilleActiveEnCours`).
    rechute: [],
  },
  iml_bail_glissant: {
    candidature: ['candidature'],
    'decision-siao': ['decision_siao'],
    logement: ['recherche_logement'],
    'rendez-vous': ['recherche_logement', ...IML_EN_MESURE],
    loyer: IML_EN_MESURE,
    'bilan-mesure': ['bilan_mesure'],
    'conditions-glissement': ['evaluation_glissement', 'prolongation'],
    'fin-mesure': ['recherche_logement', ...IML_EN_MESURE],
  },
  protocole_post_resiliation: {
    'signature-protocole': ['signature_protocole'],
    accompagnement: PROTOCOLE_OUVERT,
    paiement: ['suivi_protocole', 'terme_non_respecte'],
    rupture: ['suivi_protocole', 'terme_non_respecte'],
    avenant: ['suivi_protocole', 'terme_non_respecte'],
    orientation: PROTOCOLE_OUVERT,
    'nouveau-bail': ['nouveau_bail'],
    cloture: PROTOCOLE_OUVERT,
  },
};

/** Les étapes connues d'un type de parcours (pour les filtres de l'interface). */
export const ETAPES_CONNUES: Record<TypeParcours, readonly string[]> = {
  prevention_precontentieuse: ['orientation', 'comite_de_suivi', ...PREVENTION_EN_COURS, 'cloture'],
  iml_bail_glissant: [...IML_OUVERT, 'cloture'],
  protocole_post_resiliation: [...PROTOCOLE_OUVERT, 'cloture'],
};

/**
 * Les étapes qu'un parcours du programme peut traverser, pour le filtre du tableau de bord : celles
 * de son type, moins celles qu'une option du programme ouvre et qu'il n'a pas (le comité de suivi de
 * Besançon, la validation du plan avec le référent du bailleur de Toulouse).
 */
export function etapesDuProgramme(p: Pick<Programme, 'typeParcours' | 'options' | 'partenaires'>): readonly string[] {
  const sans = new Set<string>();
  if (p.typeParcours === 'prevention_precontentieuse') {
    if (!p.options.comiteDeSuivi) sans.add('comite_de_suivi');
    if (!p.options.etudeConjointeBailleur || !p.partenaires.bailleur) sans.add('validation_bailleur');
  }
  return ETAPES_CONNUES[p.typeParcours].filter((e) => !sans.has(e));
}

/** Ce que l'état d'un parcours dit au-delà de son étape (son journal et ses détails). */
export interface EtatPourActions {
  journal: ReadonlyArray<{ type: string }>;
  details: Readonly<Record<string, unknown>>;
  echeances?: ReadonlyArray<{ id: string; statut: string }>;
  demandes?: ReadonlyArray<{ action?: string; statut: string }>;
}

/**
 * La veille active en cours (prévention, après la clôture) : le lien de rechute du bailleur attend
 * encore ; l'équipe peut alors signaler elle-même une rechute (reims-april, fiche 004).
 */
export function veilleActiveEnCours(type: TypeParcours, etat?: EtatPourActions): boolean {
  return type === 'prevention_precontentieuse' && !!etat?.demandes?.some((d) => d.action === 'rechute' && d.statut === 'en_attente');
}

/**
 * Un point ou un bilan de suivi à saisir (prévention) : son échéance (« bilan:… ») est ouverte, en
 * cours ou dépassée. Sans échéances connues, rien n'est dit (le parcours en juge).
 */
export function bilanAttendu(etat: EtatPourActions): boolean | undefined {
  if (!etat.echeances) return undefined;
  return etat.echeances.some((e) => e.id.startsWith('bilan:') && (e.statut === 'en_cours' || e.statut === 'depassee'));
}

/**
 * La validation du département restée sans réponse (prévention) : la coordination a une suite à
 * décider tant que son échéance (« suite_departement ») est ouverte. Sans échéances connues, rien
 * n'est dit (le parcours en juge).
 */
export function suiteDepartementAttendue(etat: EtatPourActions): boolean | undefined {
  if (!etat.echeances) return undefined;
  return etat.echeances.some((e) => e.id === 'suite_departement' && (e.statut === 'en_cours' || e.statut === 'depassee'));
}

/**
 * La décision du comité de suivi à enregistrer (prévention, reims-april) : son échéance
 * (« decision_comite ») est ouverte. Un parcours d'avant ce comité en deux temps n'en a pas : la
 * décision y passe par le lien des services sociaux. Sans échéances connues, rien n'est dit.
 */
export function decisionComiteAttendue(etat: EtatPourActions): boolean | undefined {
  if (!etat.echeances) return undefined;
  return etat.echeances.some((e) => e.id === 'decision_comite' && (e.statut === 'en_cours' || e.statut === 'depassee'));
}

/**
 * La visite à domicile prévue malgré un premier contact par un autre canal (besancon-ccas :
 * « malgré tout mise en œuvre ») : annoncée au journal (« visite_attendue »), tenue quand la visite
 * est notée (`visiteDomicileLe`). Tant qu'elle est attendue, la tentative de contact (une visite)
 * reste permise après l'étape d'aller vers le ménage.
 */
export function visiteAttendue(type: TypeParcours, etat?: EtatPourActions): boolean {
  return type === 'prevention_precontentieuse' && !!etat && !etat.details.visiteDomicileLe && etat.journal.some((e) => e.type === 'visite_attendue');
}

/**
 * Les messages que l'étape permet, dans l'ordre du registre ; aucun pour un parcours clôturé. Avec
 * l'état, ce qu'il permet en plus de l'étape (la visite à domicile encore attendue).
 */
export function messagesPermis(type: TypeParcours, etape: string, cloture = false, etat?: EtatPourActions): string[] {
  if (cloture || etape === 'cloture') return veilleActiveEnCours(type, etat) ? ['rechute'] : [];
  const table = ETAPES_DES_MESSAGES[type] ?? {};
  const visite = visiteAttendue(type, etat);
  // Le formulaire de bilan ne s'offre qu'avec un point ou un bilan à saisir (sinon : « aucun bilan n'est attendu »).
  const sansBilan = type === 'prevention_precontentieuse' && !!etat && bilanAttendu(etat) === false;
  // La suite d'une validation sans réponse ne s'offre qu'une fois l'échéance du département passée.
  const sansSuite = type === 'prevention_precontentieuse' && !!etat && suiteDepartementAttendue(etat) === false;
  const sansComite = type === 'prevention_precontentieuse' && !!etat && decisionComiteAttendue(etat) === false;
  return Object.entries(table)
    .filter(([nom, etapes]) => etapes.includes(etape) || (visite && nom === 'tentative-contact'))
    .filter(([nom]) => !(sansBilan && nom === 'bilan'))
    .filter(([nom]) => !(sansSuite && nom === 'departement-sans-reponse'))
    .filter(([nom]) => !(sansComite && nom === 'decision-comite'))
    .map(([nom]) => nom);
}

/** Tous les messages connus de la table pour un type de parcours. */
export const messagesDuType = (type: TypeParcours): string[] => Object.keys(ETAPES_DES_MESSAGES[type] ?? {});
