/**
 * Les chiffres de la simulation : comment les ménages se comportent (part des ménages joints,
 * tentatives avant le contact, refus, reprise du paiement…) et ce que coûte en temps chaque action
 * d'un travailleur social. Chaque chiffre dit sa source : le programme (preset), la fiche du projet
 * (../shared/seeds), une hypothèse par défaut documentée ici, ou un fichier donné à la commande.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import '../../domain/zod-fr';
import type { Programme, TypeParcours } from '../../domain/vocabulaire';

// ---- Le comportement des ménages ---------------------------------------------------------------

export interface Hypotheses {
  /** Part des ménages que le travailleur social finit par joindre (les autres restent injoignables). */
  partJoints: number;
  /** Nombre moyen de tentatives (courrier, appel, visite) jusqu'au contact, contact compris. */
  tentativesMoyennes: number;
  /** Part des ménages joints qui refusent au premier contact. */
  partRefus: number;
  /** Quand un refus ne clôt pas le parcours (besancon-ccas) : part des refus surmontés à la tentative suivante. */
  partRefusSurmontes: number;
  /** Part des ménages déjà accompagnés ailleurs (service social du département, comité de suivi). */
  partDejaSuivis: number;
  /** Part des ménages suivis qui reprennent le paiement du loyer (même partiellement). */
  partReprisePaiement: number;
  /** Part des plans d'aide qui préconisent une ASLL (validation du département). */
  partAsll: number;
  /** Part des ASLL validées par le département (les autres font réviser le plan). */
  partAsllValidees: number;
  /** Part des ménages qui mettent fin à l'accompagnement ou quittent le logement en cours de suivi. */
  partAbandons: number;
  /** IML : part des candidatures validées par la commission SIAO. */
  partValidationSiao: number;
  /** IML : part des bilans à 6 mois qui décident un glissement anticipé (ménage stable). */
  partGlissementAnticipe: number;
  /** IML : contacts d'accompagnement (rendez-vous, visites) par mois de mesure. */
  contactsParMois: number;
  /** Protocole : part des manquements répétés où le bailleur constate la rupture. */
  partRupture: number;
  /** Part des actions à délai qu'un travailleur social « en retard » fait après le délai. */
  partActionsEnRetard: number;
  /** Retard maximal de ces actions, en jours après le délai. */
  retardMaxJours: number;
}

export type SourceChiffre = 'programme' | 'fiche' | 'hypothese' | 'fichier';

export interface Chiffre {
  valeur: number;
  source: SourceChiffre;
  /** D'où vient le chiffre, en une ligne (affichée en tête de la simulation). */
  detail: string;
}

export type HypothesesSourcees = { [K in keyof Hypotheses]: Chiffre };

/** Les valeurs par défaut, avec leur source. */
export const HYPOTHESES_PAR_DEFAUT: HypothesesSourcees = {
  partJoints: { valeur: 0.85, source: 'hypothese', detail: 'aucune fiche ne le chiffre' },
  tentativesMoyennes: {
    valeur: 4,
    source: 'fiche',
    detail: '« en moyenne 4 visites avant d’établir un contact » (APRIL, seed 004) ; courrier, appel, deux visites à Besançon (seed 000)',
  },
  partRefus: { valeur: 0.1, source: 'hypothese', detail: 'aucune fiche ne le chiffre' },
  partRefusSurmontes: { valeur: 0.5, source: 'hypothese', detail: '« provoquer la rencontre malgré les réticences » (seed 000)' },
  partDejaSuivis: { valeur: 0.1, source: 'hypothese', detail: 'situations déjà accompagnées par le service social (seeds 000, 004)' },
  partReprisePaiement: {
    valeur: 0.7,
    source: 'fiche',
    detail: '« 70 % des ménages suivis reprennent le paiement de loyer, même partiellement » (APRIL, seed 004)',
  },
  partAsll: { valeur: 0.25, source: 'hypothese', detail: '« si un accompagnement social lié au logement est préconisé » (seed 000)' },
  partAsllValidees: { valeur: 0.9, source: 'hypothese', detail: 'aucune fiche ne le chiffre' },
  partAbandons: { valeur: 0.05, source: 'hypothese', detail: 'départ du logement ou fin voulue par le ménage' },
  partValidationSiao: { valeur: 0.9, source: 'hypothese', detail: 'ménages « prêts à sortir », budget travaillé (seed 003)' },
  partGlissementAnticipe: { valeur: 0.1, source: 'hypothese', detail: 'glissement décidé au bilan à 6 mois' },
  contactsParMois: { valeur: 2, source: 'hypothese', detail: 'rendez-vous et visites pendant la mesure' },
  partRupture: { valeur: 0.5, source: 'hypothese', detail: 'le bailleur constate la rupture après des manquements répétés' },
  partActionsEnRetard: { valeur: 0.2, source: 'hypothese', detail: 'actions à délai faites après le délai par un travailleur social en retard' },
  retardMaxJours: { valeur: 10, source: 'hypothese', detail: 'retard de 1 à N jours après le délai' },
};

/** Les clés qu'un programme peut porter dans ses `quotas` pour donner ses propres chiffres. */
const DU_PROGRAMME: Partial<Record<keyof Hypotheses, string>> = {
  tentativesMoyennes: 'visitesMoyennesAvantContact',
  partJoints: 'partMenagesJoints',
  partRefus: 'partRefus',
  partReprisePaiement: 'partReprisePaiement',
  partAsll: 'partAsll',
};

const part = z.number().min(0, 'une part entre 0 et 1 est attendue').max(1, 'une part entre 0 et 1 est attendue');
export const surchargeHypothesesSchema = z
  .object({
    partJoints: part,
    tentativesMoyennes: z.number().min(1, 'au moins 1 tentative (celle du contact)').max(20),
    partRefus: part,
    partRefusSurmontes: part,
    partDejaSuivis: part,
    partReprisePaiement: part,
    partAsll: part,
    partAsllValidees: part,
    partAbandons: part,
    partValidationSiao: part,
    partGlissementAnticipe: part,
    contactsParMois: z.number().min(0).max(20),
    partRupture: part,
    partActionsEnRetard: part,
    retardMaxJours: z.number().int().min(1).max(90),
  })
  .partial()
  .strict();
export type SurchargeHypotheses = z.infer<typeof surchargeHypothesesSchema>;

/** Les chiffres d'un programme : ses propres quotas d'abord, puis les défauts, puis la surcharge. */
export function hypothesesDuProgramme(programme: Programme, surcharge: SurchargeHypotheses = {}): HypothesesSourcees {
  const h = { ...HYPOTHESES_PAR_DEFAUT };
  for (const [cle, quota] of Object.entries(DU_PROGRAMME) as Array<[keyof Hypotheses, string]>) {
    const v = programme.quotas[quota];
    if (v !== undefined) h[cle] = { valeur: v, source: 'programme', detail: `preset ${programme.id}, quotas.${quota}` };
  }
  for (const [cle, v] of Object.entries(surcharge) as Array<[keyof Hypotheses, number]>) {
    h[cle] = { valeur: v, source: 'fichier', detail: 'fichier --hypotheses' };
  }
  return h;
}

export const valeurs = (h: HypothesesSourcees): Hypotheses => Object.fromEntries(Object.entries(h).map(([k, c]) => [k, c.valeur])) as unknown as Hypotheses;

/** Les chiffres dans les mots du terrain (en tête de la commande, sur la page de la simulation). */
export const LIBELLES_HYPOTHESES: Record<keyof Hypotheses, string> = {
  partJoints: 'part des ménages joints',
  tentativesMoyennes: 'tentatives avant le contact (moyenne)',
  partRefus: 'part des ménages joints qui refusent',
  partRefusSurmontes: 'refus surmontés (si le refus ne clôt pas)',
  partDejaSuivis: 'déjà accompagnés ailleurs',
  partReprisePaiement: 'reprise du paiement (loyer, ou mois du protocole, payés régulièrement)',
  partAsll: 'plans avec une ASLL',
  partAsllValidees: 'ASLL validées par le département',
  partAbandons: 'fin voulue par le ménage ou départ du logement',
  partValidationSiao: 'IML : candidatures validées par le SIAO',
  partGlissementAnticipe: 'IML : glissement décidé au bilan à 6 mois',
  contactsParMois: 'IML : rendez-vous et visites par mois',
  partRupture: 'protocole : rupture constatée après des manquements',
  partActionsEnRetard: 'actions à délai faites en retard (travailleur en retard)',
  retardMaxJours: 'retard maximal (jours)',
};
export const LIBELLES_SOURCES: Record<SourceChiffre, string> = { programme: 'programme', fiche: 'fiche du projet', hypothese: 'hypothèse', fichier: 'fichier' };

/** Les chiffres qui jouent pour chaque type de parcours (les autres ne sont pas affichés). */
export const HYPOTHESES_DU_PARCOURS: Record<TypeParcours, Array<keyof Hypotheses>> = {
  prevention_precontentieuse: [
    'partJoints',
    'tentativesMoyennes',
    'partRefus',
    'partRefusSurmontes',
    'partDejaSuivis',
    'partReprisePaiement',
    'partAsll',
    'partAsllValidees',
    'partAbandons',
    'partActionsEnRetard',
    'retardMaxJours',
  ],
  iml_bail_glissant: [
    'partValidationSiao',
    'partReprisePaiement',
    'partGlissementAnticipe',
    'contactsParMois',
    'partAbandons',
    'partActionsEnRetard',
    'retardMaxJours',
  ],
  protocole_post_resiliation: ['partReprisePaiement', 'partRupture', 'partActionsEnRetard', 'retardMaxJours'],
};

// ---- Le temps des actions ----------------------------------------------------------------------

/** Les colonnes du tableau par semaine. */
export const FAMILLES = ['contact', 'visite', 'entretien', 'plan', 'suivi', 'gestion'] as const;
export type Famille = (typeof FAMILLES)[number];
export const LIBELLES_FAMILLES: Record<Famille, string> = {
  contact: 'Contacts',
  visite: 'Visites',
  entretien: 'Entretiens',
  plan: 'Plans',
  suivi: 'Suivi',
  gestion: 'Gestion',
};

/**
 * Le temps d'une action du travailleur social, préparation, trajet et saisie compris (minutes).
 * Ordres de grandeur du terrain, à ajuster par un fichier (--couts) : une visite à domicile 2 h avec
 * le trajet, un appel 20 min, un entretien de diagnostic 3 h.
 */
export const COUTS_ACTIONS = {
  tentative_courrier: { minutes: 20, libelle: 'Tentative de contact par courrier', famille: 'contact' },
  tentative_telephone: { minutes: 20, libelle: 'Appel téléphonique', famille: 'contact' },
  tentative_courriel: { minutes: 10, libelle: 'Courriel au ménage', famille: 'contact' },
  tentative_bureau: { minutes: 60, libelle: 'Rendez-vous au bureau (contact)', famille: 'contact' },
  visite_domicile: { minutes: 120, libelle: 'Visite à domicile (trajet compris)', famille: 'visite' },
  entretien_diagnostic: { minutes: 180, libelle: 'Entretien de diagnostic', famille: 'entretien' },
  plan_aide: { minutes: 90, libelle: 'Plan d’aide contractualisé', famille: 'plan' },
  point_suivi: { minutes: 60, libelle: 'Point de suivi', famille: 'suivi' },
  bilan: { minutes: 90, libelle: 'Bilan (entretien et saisie)', famille: 'suivi' },
  passage_droit_commun: { minutes: 60, libelle: 'Passage de relais au droit commun', famille: 'gestion' },
  cloture: { minutes: 30, libelle: 'Clôture et fiche de clôture', famille: 'gestion' },
  candidature: { minutes: 120, libelle: 'Candidature IML (dossier SIAO)', famille: 'plan' },
  rendez_vous: { minutes: 60, libelle: 'Rendez-vous d’accompagnement', famille: 'entretien' },
  lien_partenaire: { minutes: 30, libelle: 'Lien avec un partenaire', famille: 'gestion' },
  mediation_bailleur: { minutes: 60, libelle: 'Médiation avec le bailleur', famille: 'entretien' },
  logement: { minutes: 180, libelle: 'Logement trouvé, baux signés', famille: 'plan' },
  loyer: { minutes: 10, libelle: 'Loyer du mois constaté', famille: 'gestion' },
  bilan_mesure: { minutes: 120, libelle: 'Bilan de mesure avec le bailleur et le ménage', famille: 'suivi' },
  conditions_glissement: { minutes: 90, libelle: 'Conditions du glissement évaluées', famille: 'suivi' },
  fin_mesure: { minutes: 60, libelle: 'Fin de mesure', famille: 'gestion' },
  signature_protocole: { minutes: 180, libelle: 'Protocole préparé et signé', famille: 'plan' },
  paiement: { minutes: 15, libelle: 'Paiement régularisé, enregistré', famille: 'gestion' },
  avenant: { minutes: 120, libelle: 'Avenant au protocole', famille: 'plan' },
  orientation: { minutes: 120, libelle: 'Orientation (hébergement, logement adapté)', famille: 'gestion' },
  nouveau_bail: { minutes: 30, libelle: 'Nouveau bail enregistré', famille: 'gestion' },
} as const satisfies Record<string, { minutes: number; libelle: string; famille: Famille }>;

export type Action = keyof typeof COUTS_ACTIONS;
export const ACTIONS = Object.keys(COUTS_ACTIONS) as Action[];
export type Couts = Record<Action, number>;

/** Les minutes par action : la table ci-dessus, ou un fichier JSON `{ "visite_domicile": 150, … }`. */
export const coutsParDefaut = (): Couts => Object.fromEntries(ACTIONS.map((a) => [a, COUTS_ACTIONS[a].minutes])) as Couts;

/** Les actions que chaque type de parcours compte (les durées affichées en tête). */
export const ACTIONS_DU_PARCOURS: Record<TypeParcours, Action[]> = {
  prevention_precontentieuse: [
    'tentative_courrier',
    'tentative_telephone',
    'tentative_courriel',
    'tentative_bureau',
    'visite_domicile',
    'entretien_diagnostic',
    'plan_aide',
    'point_suivi',
    'bilan',
    'passage_droit_commun',
    'cloture',
  ],
  iml_bail_glissant: [
    'candidature',
    'rendez_vous',
    'lien_partenaire',
    'visite_domicile',
    'logement',
    'loyer',
    'bilan_mesure',
    'conditions_glissement',
    'fin_mesure',
  ],
  protocole_post_resiliation: ['signature_protocole', 'visite_domicile', 'paiement', 'avenant', 'orientation', 'nouveau_bail', 'cloture'],
};

export const surchargeCoutsSchema = z
  .record(
    z.enum(ACTIONS as [Action, ...Action[]], { error: `action inconnue ; actions connues : ${ACTIONS.join(', ')}` }),
    z
      .number()
      .positive('un temps en minutes, supérieur à zéro')
      .max(24 * 60, '24 heures au plus'),
  )
  .refine((x) => Object.keys(x).length > 0, 'au moins une action');

/** Lit un fichier JSON et le valide ; l'erreur dit le fichier, le champ et la raison, en français. */
export function lireJson<T>(fichier: string, schema: z.ZodType<T>, quoi: string): T {
  let brut: unknown;
  try {
    brut = JSON.parse(readFileSync(fichier, 'utf8'));
  } catch (e) {
    throw new Error(`${quoi} : fichier ${fichier} illisible (${(e as Error).message})`);
  }
  const r = schema.safeParse(brut);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${quoi} : fichier ${fichier}, champ « ${i.path.join('.') || '(racine)'} » : ${i.message}`);
  }
  return r.data;
}

/** Le temps de travail annuel d'un temps plein en France (35 h, jours fériés et congés déduits). */
export const HEURES_ANNUELLES_ETP = 1607;

/** L'équipe simulée par défaut : l'ETP d'accompagnement du programme arrondi au-dessus (1 au moins). */
export const travailleursParDefaut = (programme: Programme): number => Math.max(1, Math.ceil(programme.quotas.etpAccompagnement ?? 1));
