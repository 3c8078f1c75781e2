/**
 * Le vocabulaire du domaine, typé une seule fois (voir ../shared/journeys.md, « Vocabulary »).
 * Ce module est importé par les workflows, les activités et l'API : il ne contient que des types
 * et des constantes, aucun effet de bord, aucune dépendance (pas de zod : les schémas de bordure
 * sont dans domain/schemas.ts).
 */
import type { PartageDiagnostic } from './partage';

export const TYPES_PARCOURS = ['prevention_precontentieuse', 'iml_bail_glissant', 'protocole_post_resiliation'] as const;
export type TypeParcours = (typeof TYPES_PARCOURS)[number];

export const LIBELLES_TYPE_PARCOURS: Record<TypeParcours, string> = {
  prevention_precontentieuse: 'Prévention précontentieuse',
  iml_bail_glissant: 'IML sortie de structure, bail glissant',
  protocole_post_resiliation: 'Protocole post-résiliation',
};

/** Les partenaires, sans compte : ils agissent par courriel et liens signés. */
export const ROLES_PARTENAIRES = [
  'bailleur',
  'departement',
  'siao',
  'ddets',
  'ccapex',
  'pdalpd',
  'services_sociaux',
  'caf',
  'prefecture',
  'operateur',
] as const;
export type RolePartenaire = (typeof ROLES_PARTENAIRES)[number];

export const LIBELLES_ROLES: Record<RolePartenaire, string> = {
  bailleur: 'Bailleur',
  departement: 'Département (service social, FSL, ASLL)',
  siao: 'SIAO',
  ddets: 'DDETS',
  ccapex: 'CCAPEX',
  pdalpd: 'PDALPD',
  services_sociaux: 'Services sociaux',
  caf: 'CAF',
  prefecture: 'Préfecture',
  operateur: 'Opérateur du dispositif',
};

/** Les rôles avec leur article, pour une phrase : « Courriel au bailleur », « Réponse de la CCAPEX ». */
export const ROLES_DANS_UNE_PHRASE: Record<RolePartenaire, string> = {
  bailleur: 'le bailleur',
  departement: 'le département',
  siao: 'le SIAO',
  ddets: 'la DDETS',
  ccapex: 'la CCAPEX',
  pdalpd: 'le PDALPD',
  services_sociaux: 'les services sociaux',
  caf: 'la CAF',
  prefecture: 'la préfecture',
  operateur: 'l’opérateur du dispositif',
};

/** Les organisations de l'annuaire d'un programme, dans les mots du terrain. */
export const TYPES_ORGANISATION = [
  'bailleur_social',
  'bailleur_prive',
  'ccas',
  'association',
  'departement',
  'siao',
  'ddets',
  'ccapex',
  'caf',
  'prefecture',
  'service_social',
  'sante',
  'autre',
] as const;
export type TypeOrganisation = (typeof TYPES_ORGANISATION)[number];

export const LIBELLES_TYPE_ORGANISATION: Record<TypeOrganisation, string> = {
  bailleur_social: 'Bailleur social',
  bailleur_prive: 'Bailleur privé',
  ccas: 'CCAS',
  association: 'Association',
  departement: 'Département',
  siao: 'SIAO',
  ddets: 'DDETS',
  ccapex: 'CCAPEX',
  caf: 'CAF',
  prefecture: 'Préfecture',
  service_social: 'Service social',
  sante: 'Santé',
  autre: 'Autre partenaire',
};

/** Les organisations qui peuvent être « le bailleur » d'un parcours. */
export const TYPES_BAILLEUR: readonly TypeOrganisation[] = ['bailleur_social', 'bailleur_prive'];

/** Le type d'organisation d'un rôle de partenaire des programmes (presets). */
export const TYPE_ORGANISATION_DU_ROLE: Record<RolePartenaire, TypeOrganisation> = {
  bailleur: 'bailleur_social',
  departement: 'departement',
  siao: 'siao',
  ddets: 'ddets',
  ccapex: 'ccapex',
  pdalpd: 'autre',
  services_sociaux: 'service_social',
  caf: 'caf',
  prefecture: 'prefecture',
  operateur: 'autre',
};

/** Les personnes qui ont un compte. */
export const ROLES_PERSONNEL = ['coordinateur', 'travailleur_social', 'admin'] as const;
export type RolePersonnel = (typeof ROLES_PERSONNEL)[number];

export const COMPOSITIONS_MENAGE = ['personne_seule', 'couple', 'couple_avec_enfants', 'famille_monoparentale', 'autre'] as const;
export type CompositionMenage = (typeof COMPOSITIONS_MENAGE)[number];

/**
 * Le ménage. `reference` est un identifiant de dossier sans donnée personnelle (il sert dans les
 * identifiants de workflow et les attributs de recherche, jamais chiffrés) ; tout le reste est
 * personnel et ne circule que chiffré.
 */
/** Un parcours ouvert du programme pour un ménage de même nom et de même adresse (un doublon possible). */
export interface ParcoursDejaOuvert {
  workflowId: string;
  reference: string;
  libelleEtape: string;
}

export interface Menage {
  reference: string;
  nom: string;
  composition: CompositionMenage;
  adresse: string;
  telephone?: string;
  courriel?: string;
  /** Le ménage accepte de recevoir des courriels (sinon : courrier seulement). */
  accepteCourriel: boolean;
  /** Le ménage accepte les SMS à son portable (consentement noté dans le dossier, sms/index.ts). */
  accepteSms?: boolean;
}

export interface BailleurPreset extends Partenaire {
  /** Identifiant court, unique dans le programme (minuscules, chiffres, tirets). */
  id: string;
  type: 'bailleur_social' | 'bailleur_prive';
  service?: string;
}

export interface Partenaire {
  nom: string;
  courriel: string;
}

/**
 * L'opérateur d'un programme (CCAS, association, bailleur) : il signe les lettres et les documents,
 * qui donnent au ménage et aux partenaires de quoi le rappeler et lui écrire.
 */
export interface Operateur extends Partenaire {
  type: 'ccas' | 'association' | 'bailleur';
  /** « 03 81 00 00 00 ». */
  telephone?: string;
  /** Adresse postale sur une ligne, segments séparés par des virgules : « 13 rue Mégevand, 25000 Besançon ». */
  adresse?: string;
  /**
   * La signature des lettres au ménage, comme une lettre l'écrit : la fonction ou le service, puis
   * l'organisation (« La conseillère sociale DÉCLIC, associations Le Relais et Le Touril ») ; à défaut, `nom`.
   */
  signature?: string;
}

/** Durées ISO 8601 (P3W, P1M, PT48H…), converties en millisecondes par domain/durees.ts. */
export type DureeIso = string;

export interface RegleEligibilite {
  /** Pas de garantie (ni FSL, ni Loca-Pass, ni Visale). */
  sansGarantie?: boolean;
  /** Nombre minimal de loyers mensuels impayés. */
  impayesMinimumMois?: number;
  /** Délai maximal entre le début du bail (attribution) et l'orientation. */
  ancienneteBailMax?: DureeIso;
  /** Le bailleur n'a pas réussi à entrer en contact avec le ménage. */
  sansContactBailleur?: boolean;
}

/** Un programme : la configuration d'un territoire pour un type de parcours (un « preset »). */
export interface Programme {
  id: string;
  version: number;
  nom: string;
  territoire: string;
  typeParcours: TypeParcours;
  /** Premier jour du programme (AAAA-MM-JJ) : les évaluations à 6 et 12 mois en partent. */
  debut?: string;
  operateur: Operateur;
  partenaires: Partial<Record<RolePartenaire, Partenaire>>;
  /**
   * Les autres bailleurs du programme (le premier est `partenaires.bailleur`) : APRIL travaille avec
   * trois bailleurs, Concarneau avec plusieurs bailleurs conventionnés. Inscrits à l'annuaire.
   */
  bailleurs?: BailleurPreset[];
  /** Délais nommés (ISO 8601) : chaque parcours lit ceux dont il a besoin. */
  delais: Record<string, DureeIso>;
  /** Séries de jalons (ISO 8601 depuis le début du suivi) : bilans, points mensuels… */
  jalons: Record<string, DureeIso[]>;
  /** Quotas : mesures actives à la fois, situations par an, file active… */
  quotas: Record<string, number>;
  eligibilite: RegleEligibilite;
  /** Étapes optionnelles activées (comité de suivi, veille active, entretien tripartite…). */
  options: Record<string, boolean>;
  /** Rappels d'une demande de validation : intervalles depuis l'envoi. */
  rappelsValidation: DureeIso[];
  /** Durée de conservation d'un dossier clos, depuis sa clôture (2 ans par défaut : dossiers/retention.ts). */
  conservationDossier?: DureeIso;
  /** Qui, chez le bailleur, peut recevoir le diagnostic, et avec l'accord du ménage (domain/partage.ts) ; absent : personne. */
  partageDiagnostic?: PartageDiagnostic;
  source?: string;
}

/** Qui voit un événement du journal : tous les intervenants, ou l'équipe sociale seulement. */
export type Visibilite = 'partenaires' | 'equipe';

export interface Acteur {
  type: 'systeme' | 'personnel' | 'partenaire';
  id?: string;
  role?: RolePersonnel | RolePartenaire;
}

/** Un événement du journal (la « timeline ») d'un parcours. */
export interface EvenementJournal {
  seq: number;
  date: string;
  type: string;
  acteur: Acteur;
  resume: string;
  visibilite: Visibilite;
  /** Le message (son `requestId`) qui a fait cet événement, s'il vient d'un message. */
  requete?: string;
}

export type StatutEcheance = 'en_cours' | 'tenue' | 'depassee' | 'annulee';

/** Une échéance suivie : une date due, un rappel avant, une alerte après. */
export interface Echeance {
  id: string;
  libelle: string;
  due: string;
  statut: StatutEcheance;
  /** Quand elle a été tenue (les échéances tenues avant ce champ n'en ont pas). */
  tenueLe?: string;
  /**
   * Quand elle a été constatée dépassée : gardé quand elle est ensuite tenue ou annulée (une
   * clôture annule les échéances restantes), pour dire qu'elle avait été manquée.
   */
  depasseeLe?: string;
  /** Dépassée, quand l'alerte à la coordination part (9 h du jour ouvré suivant) ; effacé une fois partie, ou sans objet. */
  alerteLe?: string;
  responsable: 'travailleur_social' | 'coordinateur' | RolePartenaire;
}

export type DecisionPartenaire = 'approuve' | 'refuse';

export interface DemandeValidation {
  id: string;
  role: RolePartenaire;
  objet: string;
  envoyeeLe: string;
  echeance: string;
  statut: 'en_attente' | 'approuvee' | 'refusee' | 'expiree';
  /**
   * Un lien de veille active (signaler une rechute), de paiement, pour indiquer la signature du
   * nouveau bail (protocole respecté), ou pour dire si le ménage est déjà accompagné (vérification
   * avant le comité de suivi : « approuve » = aucun accompagnement connu, « refuse » = déjà
   * accompagné, par qui dans le commentaire), plutôt qu'une décision à prendre.
   */
  action?: 'paiement' | 'rechute' | 'nouveau_bail' | 'verification';
  /** Date de la clôture du parcours qui a fermé la demande encore en attente (son lien le dit). */
  closeParClotureLe?: string;
  /**
   * La demande close avant son échéance parce qu'elle n'avait plus d'objet (le mois réglé par
   * l'équipe, le protocole rompu) : quand, et pourquoi, dans une phrase que le partenaire peut lire.
   */
  fermee?: { le: string; raison: string };
  decision?: {
    decision: DecisionPartenaire;
    commentaire?: string;
    /** Montant reçu (€) indiqué par le partenaire sur un lien de paiement. */
    montant?: number;
    /** Dates du nouveau bail indiquées par le bailleur sur son lien (AAAA-MM-JJ). */
    nouveauBail?: { signeLe: string; dateEffet?: string };
    par: string;
    le: string;
  };
}

/** Issues de clôture (journeys.md, parcours 1, étape 11) et des autres parcours. */
export const ISSUES_CLOTURE = [
  'situation_stabilisee',
  'plan_apurement_respecte',
  'orientation_droit_commun',
  'relogement_ou_mutation',
  'menage_met_fin',
  'contact_impossible',
  'refus',
  'depart_du_logement',
  'non_eligible',
  'glissement_du_bail',
  'fin_avec_orientation',
  'refus_siao',
  'nouveau_bail_signe',
  'orientation_hebergement',
  'cloture_anticipee',
] as const;
export type IssueCloture = (typeof ISSUES_CLOTURE)[number];

export const LIBELLES_ISSUES: Record<IssueCloture, string> = {
  situation_stabilisee: 'Situation stabilisée',
  plan_apurement_respecte: 'Plan d’apurement respecté',
  orientation_droit_commun: 'Orientation vers le droit commun',
  relogement_ou_mutation: 'Relogement ou mutation',
  menage_met_fin: 'Le ménage met fin à l’accompagnement',
  contact_impossible: 'Contact impossible',
  refus: 'Refus du ménage',
  depart_du_logement: 'Départ du logement',
  non_eligible: 'Non éligible',
  glissement_du_bail: 'Glissement du bail',
  fin_avec_orientation: 'Fin de mesure avec orientation',
  refus_siao: 'Candidature refusée par le SIAO',
  nouveau_bail_signe: 'Nouveau bail signé',
  orientation_hebergement: 'Orientation hébergement / logement adapté',
  cloture_anticipee: 'Clôture anticipée',
};

/** L'état d'un parcours tel que le renvoie la requête `etat` (avant filtrage par lecteur). */
export interface EtatParcours {
  workflowId: string;
  typeParcours: TypeParcours;
  programme: { id: string; version: number; nom: string };
  reference: string;
  etape: string;
  libelleEtape: string;
  travailleurSocial?: string;
  coordinateur?: string;
  cloture?: { issue: IssueCloture; motif?: string; le: string };
  /**
   * La clôture est décidée (réponse « clôture », délai de contact dépassé, clôture anticipée) mais pas
   * encore faite : les derniers courriels partent, plus aucun message n'est accepté. Dit par la
   * requête `etat` seulement (jamais consigné : passager).
   */
  clotureEnCours?: boolean;
  echeances: Echeance[];
  demandes: DemandeValidation[];
  journal: EvenementJournal[];
  /** Données propres au parcours (plan, bilans…), déjà réparties par visibilité. */
  details: Record<string, unknown>;
  detailsConfidentiels: Record<string, unknown>;
}
