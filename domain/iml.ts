/**
 * Parcours 2 — IML sortie de structure, bail glissant : les types et les messages (contrats
 * partagés par les workflows et l'API), et le protocole de la file des mesures d'un programme.
 * Voir ../shared/journeys.md, « Journey 2 », et le rapport de terrain de Concarneau (seed 003).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { estJourIso, joursDeCalendrier, minuitDeParis } from './durees';
import { normaliser } from './texte';
import type { Enveloppe } from './messages';
import type { CompositionMenage, EtatParcours, Menage, Programme } from './vocabulaire';

/**
 * Le bilan de mesure attendu se conclut-il par une décision (poursuivre ou faire glisser) ? Seul le
 * premier bilan de la mesure (à 6 mois, avec le bailleur et le ménage) le fait : c'est la première
 * échéance « bilan: » du parcours. Lu dans l'état, pour n'offrir le champ qu'à ce bilan-là.
 */
export function bilanAvecDecision(etat: Pick<EtatParcours, 'echeances'>): boolean {
  const bilans = etat.echeances.filter((e) => e.id.startsWith('bilan:'));
  const ouvert = bilans.find((e) => e.statut === 'en_cours' || e.statut === 'depassee');
  return ouvert !== undefined && ouvert.id === bilans[0]!.id;
}

/**
 * L'attente d'une place agréée, de la validation de la candidature au jour où la place est accordée :
 * en jours du calendrier de Paris (validée le 3 à 17 h, accordée le 4 à 9 h : 1 jour ; accordée le
 * jour même : aucune attente), et la phrase du journal. Avant patched('attente-de-place-au-jour'),
 * le parcours comptait des tranches de 24 heures arrondies (`enTranches`, gardé pour le rejeu).
 */
export function attenteDePlace(demandeeLe: Date, accordeeLe: Date | string, { enTranches = false } = {}): { jours: number; texte: string } {
  // Jamais moins que rien : la file et la mesure ont chacune leur horloge quand le temps d'un parcours est avancé seul (essais, simulation).
  const jours = enTranches
    ? Math.round((new Date(accordeeLe).getTime() - demandeeLe.getTime()) / 86_400_000)
    : Math.max(0, joursDeCalendrier(demandeeLe, accordeeLe));
  return { jours, texte: jours > 0 ? `Place accordée après ${jours} jour${jours > 1 ? 's' : ''} d’attente` : 'Place accordée' };
}

// ---- Candidature -------------------------------------------------------------------------------

/** Les structures d'où sortent les ménages hébergés par l'opérateur. */
export const STRUCTURES_HEBERGEMENT = ['alt', 'pension_de_famille', 'chrs', 'logement_urgence', 'hotel'] as const;
export type StructureHebergement = (typeof STRUCTURES_HEBERGEMENT)[number];
export const LIBELLES_STRUCTURES: Record<StructureHebergement, string> = {
  alt: 'logement temporaire (ALT)',
  pension_de_famille: 'pension de famille',
  chrs: 'CHRS',
  logement_urgence: 'logement d’urgence',
  hotel: 'hôtel (nuitées)',
};

export const TYPOLOGIES = ['T1', 'T1bis', 'T2', 'T3', 'T4', 'T5'] as const;
export type Typologie = (typeof TYPOLOGIES)[number];
/** « T1bis » → « T1 bis », comme on l'écrit. */
export const libelleTypologie = (t: string): string => t.replace('bis', ' bis');

export const LIBELLES_COMPOSITIONS: Record<CompositionMenage, string> = {
  personne_seule: 'personne seule',
  couple: 'couple sans enfant',
  couple_avec_enfants: 'couple avec enfants',
  famille_monoparentale: 'famille monoparentale',
  autre: 'autre composition',
};

/** La candidature d'un ménage hébergé, « prêt à sortir », dont le budget a été travaillé. */
export interface Candidature {
  structure: StructureHebergement;
  /** Date d'entrée dans la structure (AAAA-MM-JJ). */
  hebergeDepuis?: string;
  /** Le ménage est jugé prêt à sortir vers le logement. */
  pretASortir: boolean;
  /** La question du budget a été travaillée en amont. */
  budgetTravaille: boolean;
  typologieRecherchee?: Typologie;
  /** Communes ou secteurs souhaités (Concarneau, communauté d'agglomération…). */
  secteurs?: string[];
  /** Ressources mensuelles du ménage (€) : confidentiel. */
  ressourcesMensuelles?: number;
  /** Ce que le ménage a confié : confidentiel. */
  notes?: string;
}

export interface EntreeIml {
  programme: Programme;
  menage: Menage;
  coordinateur: string;
  travailleurSocial?: string;
  /** La candidature, si elle est complète au lancement ; sinon le message « candidature ». */
  candidature?: Candidature;
}

export type CandidatureMessage = Enveloppe & Candidature;

/** Sans réponse du SIAO par le lien : la coordination enregistre la décision de la commission. */
export interface DecisionSiao extends Enveloppe {
  decision: 'validee' | 'refusee';
  motif?: string;
}

// ---- Logement ----------------------------------------------------------------------------------

export const TYPES_BAILLEUR = ['public', 'prive'] as const;
export interface Logement extends Enveloppe {
  bailleur: {
    type: (typeof TYPES_BAILLEUR)[number];
    nom: string;
    /** Adresse du bailleur du logement hors de l'annuaire (un propriétaire privé) ; sinon, les contacts du bailleur du ménage. */
    courriel?: string;
    /** Le bailleur a conventionné avec l'opérateur pour l'intermédiation locative. */
    conventionne: boolean;
  };
  /** Adresse du logement : confidentielle (elle désigne le ménage). */
  adresse: string;
  typologie: Typologie;
  loyerMensuel?: number;
  /** Bail principal (bailleur → opérateur) et sous-location (opérateur → ménage), AAAA-MM-JJ. */
  debutBailPrincipal: string;
  debutSousLocation: string;
}

// ---- Accompagnement et loyers ------------------------------------------------------------------

export const NATURES_ACCOMPAGNEMENT = ['rendez_vous', 'visite_domicile', 'lien_partenaire'] as const;
export const AXES_ACCOMPAGNEMENT = [
  'budget',
  'acces_droits',
  'savoir_habiter',
  'surendettement',
  'delais_paiement',
  'sante',
  'emploi',
  'vie_sociale',
  'autre',
] as const;
export type AxeAccompagnement = (typeof AXES_ACCOMPAGNEMENT)[number];
export const LIBELLES_AXES: Record<AxeAccompagnement, string> = {
  budget: 'budget',
  acces_droits: 'accès aux droits',
  savoir_habiter: 'savoir habiter',
  surendettement: 'dossier de surendettement',
  delais_paiement: 'délais de paiement',
  sante: 'santé',
  emploi: 'emploi',
  vie_sociale: 'vie sociale',
  autre: 'autre',
};

export interface RendezVous extends Enveloppe {
  nature: (typeof NATURES_ACCOMPAGNEMENT)[number];
  /** Date du rendez-vous ou de la visite (AAAA-MM-JJ) ; aujourd'hui par défaut. */
  le?: string;
  axes: AxeAccompagnement[];
  /** Note de l'entretien : confidentielle. */
  note?: string;
}

export const STATUTS_LOYER = ['paye', 'partiel', 'impaye'] as const;
export type StatutLoyer = (typeof STATUTS_LOYER)[number];
/** Le loyer d'un mois vu par la gestion locative de l'opérateur. */
export interface LoyerConstate extends Enveloppe {
  /** Mois du loyer (AAAA-MM). Un second constat du même mois le corrige. */
  mois: string;
  statut: StatutLoyer;
  montantPaye?: number;
}

// ---- Bilans de mesure --------------------------------------------------------------------------

export const PAIEMENTS_LOYER = ['regulier', 'irregulier', 'impayes'] as const;
export const SITUATIONS_MENAGE = ['stable', 'fragile', 'degradee'] as const;
/** Décision du bilan à 6 mois, tenu avec le bailleur et le ménage. */
export const DECISIONS_BILAN = ['poursuivre', 'glissement'] as const;
/** Freins à la sortie (bilan d'activité annuel). */
export const FREINS_SORTIE = ['dette', 'ressources', 'savoir_habiter', 'sante', 'isolement', 'logement_inadapte', 'autre'] as const;

export interface BilanMesure extends Enveloppe {
  paiementLoyer: (typeof PAIEMENTS_LOYER)[number];
  situation: (typeof SITUATIONS_MENAGE)[number];
  bailleurPresent: boolean;
  menagePresent: boolean;
  /** Au bilan à 6 mois seulement : poursuivre 6 mois, ou faire glisser le bail maintenant. */
  decision?: (typeof DECISIONS_BILAN)[number];
  axes?: AxeAccompagnement[];
  /** Confidentiels (équipe sociale). */
  freins?: (typeof FREINS_SORTIE)[number][];
  notes?: string;
}

// ---- Glissement, prolongation, fin -------------------------------------------------------------

export const DECISIONS_GLISSEMENT = ['glissement', 'prolongation', 'fin_avec_orientation'] as const;
export const DISPOSITIFS_ORIENTATION = [
  'hebergement_insertion',
  'residence_sociale',
  'pension_de_famille',
  'logement_adapte',
  'logement_ordinaire',
  'droit_commun',
] as const;
export type DispositifOrientation = (typeof DISPOSITIFS_ORIENTATION)[number];
export const LIBELLES_ORIENTATIONS: Record<DispositifOrientation, string> = {
  hebergement_insertion: 'hébergement d’insertion',
  residence_sociale: 'résidence sociale',
  pension_de_famille: 'pension de famille',
  logement_adapte: 'logement adapté',
  logement_ordinaire: 'autre logement ordinaire',
  droit_commun: 'accompagnement de droit commun',
};
export interface Orientation {
  dispositif: DispositifOrientation;
  /** Précision (structure, service) : gardée dans le dossier, jamais dans les courriels. */
  precision?: string;
}

/** L'évaluation des conditions du glissement (12 mois de sous-location, ou fin de prolongation). */
export interface ConditionsGlissement extends Enveloppe {
  loyerPayeRegulierement: boolean;
  situationStable: boolean;
  decision: (typeof DECISIONS_GLISSEMENT)[number];
  /** Motif, obligatoire pour une prolongation ou une fin avec orientation (confidentiel). */
  motif?: string;
  /** Durée de la prolongation en mois (par défaut, celle du programme). */
  dureeMois?: number;
  orientation?: Orientation;
  notes?: string;
}

export const ISSUES_FIN_MESURE = ['fin_avec_orientation', 'depart_du_logement', 'menage_met_fin'] as const;
/** La mesure s'arrête avant le glissement (orientation, départ du logement, le ménage met fin). */
export interface FinMesure extends Enveloppe {
  issue: (typeof ISSUES_FIN_MESURE)[number];
  motif: string;
  orientation?: Orientation;
}

type R = { etape: string };
export const candidatureUpdate = defineUpdate<R, [CandidatureMessage]>('candidature');
export const decisionSiaoUpdate = defineUpdate<R, [DecisionSiao]>('decisionSiao');
export const logementUpdate = defineUpdate<R, [Logement]>('logement');
export const rendezVousUpdate = defineUpdate<R, [RendezVous]>('rendezVous');
export const loyerUpdate = defineUpdate<R & { impayesConsecutifs: number }, [LoyerConstate]>('loyer');
export const bilanMesureUpdate = defineUpdate<R, [BilanMesure]>('bilanMesure');
export const conditionsGlissementUpdate = defineUpdate<R, [ConditionsGlissement]>('conditionsGlissement');
export const finMesureUpdate = defineUpdate<R, [FinMesure]>('finMesure');

// ---- La file des mesures d'un programme (quota agréé par la DDETS) -----------------------------

/**
 * Un workflow coordinateur par programme (`file-iml--<programme>`) tient les mesures actives et la
 * file d'attente. Protocole :
 *  - la mesure, validée par le SIAO, envoie `demanderPlace` (activité `signalerFileIml`, qui fait
 *    un signalWithStart : le coordinateur est créé au premier besoin) ;
 *  - le coordinateur répond `placeAccordee` à la mesure (signal externe), tout de suite si le
 *    quota le permet, sinon à son tour (premier arrivé, premier servi) ;
 *  - à sa fin (quelle qu'elle soit), la mesure envoie `libererPlace` : sa place ou son rang dans
 *    la file sont rendus, la mesure suivante démarre.
 * Tout est idempotent par mesure (identifiant de workflow et première exécution).
 */
export const PREFIXE_FILE_IML = 'file-iml--';
export const idFileIml = (programmeId: string): string => `${PREFIXE_FILE_IML}${programmeId}`;

export interface DemandePlace {
  /**
   * Identifiant de workflow de la mesure, et sa première exécution (firstExecutionRunId, stable
   * même si la mesure continue en une nouvelle exécution ; différent si le dossier est relancé).
   */
  mesure: string;
  execution: string;
  /** Référence du dossier (sans donnée personnelle). */
  reference: string;
  /** Date de validation de la candidature : l'ordre de la file. */
  demandeeLe: string;
  /** Quota du programme (et sa version) connu de la mesure. */
  quota: number;
  versionProgramme: number;
}

export interface LiberationPlace {
  mesure: string;
  execution: string;
  /** Pourquoi la place est rendue (issue de la mesure). */
  motif: string;
}

export interface PlaceAccordee {
  accordeeLe: string;
  /** La mesure (première exécution) à qui la place est accordée. */
  execution: string;
}

export interface MesureActive {
  mesure: string;
  execution: string;
  reference: string;
  /** Place accordée le… */
  depuis: string;
  /** En file depuis… (date de la demande). */
  demandeeLe: string;
}

export interface MesureEnAttente {
  mesure: string;
  execution: string;
  reference: string;
  /** En attente depuis… (date de validation de la candidature). */
  depuis: string;
}

export interface CompteursFile {
  demandes: number;
  accordees: number;
  liberees: number;
  /** Retirées de la file avant d'avoir une place, ou disparues avant de la recevoir. */
  retirees: number;
}

export interface EntreeFileIml {
  programmeId: string;
  quota: number;
  versionProgramme: number;
  /** Reprises par continue-as-new. */
  actives?: MesureActive[];
  file?: MesureEnAttente[];
  compteurs?: CompteursFile;
  /** Exécutions déjà libérées (mesure/exécution) : une demande tardive n'est pas recomptée. */
  liberees?: string[];
  execution?: number;
  /** Pour les tests : continuer en nouvelle exécution dès cette longueur d'historique. */
  seuilHistorique?: number;
}

export interface EtatFileIml {
  programmeId: string;
  quota: number;
  versionProgramme: number;
  placesLibres: number;
  actives: MesureActive[];
  file: Array<MesureEnAttente & { rang: number }>;
  compteurs: CompteursFile;
  /** Numéro de l'exécution (1, puis +1 à chaque continue-as-new). */
  execution: number;
}

export const demanderPlaceSignal = defineSignal<[DemandePlace]>('demanderPlace');
export const libererPlaceSignal = defineSignal<[LiberationPlace]>('libererPlace');
export const placeAccordeeSignal = defineSignal<[PlaceAccordee]>('placeAccordee');
/** Le nombre de mesures agréées changé dans les réglages du programme : la file le suit aussitôt. */
export const quotaFileImlSignal = defineSignal<[{ quota: number; versionProgramme: number }]>('quotaFileIml');
export const fileImlQuery = defineQuery<EtatFileIml>('fileIml');

/** Entrée de l'activité qui parle au coordinateur (signalWithStart). */
export type SignalFileIml =
  | { programmeId: string; quota: number; versionProgramme: number; demande: DemandePlace }
  | { programmeId: string; quota: number; versionProgramme: number; liberation: LiberationPlace };

/**
 * Le logement : bailleur conventionné, sous-location après le bail principal, date proche d'aujourd'hui.
 * Le validateur du message dans le parcours ; l'API le lit aussi avant de changer le bailleur du ménage.
 */
export function motifLogement(
  x: Pick<Logement, 'bailleur' | 'debutBailPrincipal' | 'debutSousLocation'>,
  operateur: string,
  maintenant: Date,
): string | undefined {
  if (!x.bailleur?.conventionne) return `Le bailleur doit avoir conventionné avec ${operateur} pour l’intermédiation locative (bail glissant).`;
  if (!estJourIso(x.debutBailPrincipal) || !estJourIso(x.debutSousLocation))
    return 'Dates du bail principal et de la sous-location attendues au format AAAA-MM-JJ.';
  if (x.debutSousLocation < x.debutBailPrincipal) return 'La sous-location ne peut pas commencer avant le bail principal.';
  const ecart = Math.abs(minuitDeParis(x.debutSousLocation).getTime() - maintenant.getTime());
  if (ecart > 92 * 86_400_000)
    return 'La date de début de la sous-location doit être à moins de 3 mois d’aujourd’hui : elle fait partir l’horloge de la mesure.';
  return undefined;
}

/** Deux noms du même bailleur : l'un contient l'autre, mot pour mot, sans majuscules, accents ni ponctuation. */
export function memeBailleur(a: string, b: string): boolean {
  const [x, y] = [` ${normaliser(a)} `, ` ${normaliser(b)} `];
  return x.trim().length > 0 && y.trim().length > 0 && (x.includes(y) || y.includes(x));
}
