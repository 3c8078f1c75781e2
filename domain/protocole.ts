/**
 * Parcours 3 — protocole post-résiliation : les types et les messages (contrats partagés par le
 * workflow et l'API). Voir ../shared/journeys.md, « Journey 3 », et le rapport de terrain d'APRIL
 * à Reims (seed 004, seconde intervention : intermédiation locative et accompagnement social
 * renforcé après la résiliation du bail, dans le cadre du protocole de prévention de l'expulsion).
 *
 * Le cadre légal (CCH L353-15-2 et L442-6-5) : protocole de cohésion sociale signé par le bailleur
 * social et l'occupant, de 2 ans au plus, prolongeable par avenant de 3 ans au plus quand le plan
 * d'apurement est renégocié ; indemnité d'occupation et plan d'apurement payés chaque mois ;
 * protocole respecté → nouveau bail dans les 3 mois ; pas d'expulsion du 1er novembre au 31 mars.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Enveloppe } from './messages';
import type { IssueCloture, Menage, Programme } from './vocabulaire';

/** La décision du juge qui a résilié le bail : le point de départ du parcours. */
export interface Resiliation {
  /** Date du jugement (AAAA-MM-JJ). */
  jugementDu: string;
  juridiction?: string;
  /** Dette locative au jugement (€). */
  detteLocative: number;
}

export interface EntreeProtocole {
  programme: Programme;
  menage: Menage;
  coordinateur: string;
  travailleurSocial?: string;
  resiliation: Resiliation;
}

/** Le plan d'apurement convenu : la dette à rembourser et la mensualité (€). */
export interface PlanApurement {
  dette: number;
  mensualite: number;
}

/** Le protocole signé par le bailleur et l'occupant (étape 1). */
export interface SignatureProtocole extends Enveloppe {
  /** Date de signature (AAAA-MM-JJ). */
  signeLe: string;
  /** Premier jour du protocole : le premier mois d'indemnité d'occupation (AAAA-MM-JJ). */
  debut: string;
  /** Durée en mois : 24 au plus (2 ans). */
  dureeMois: number;
  /** Indemnité d'occupation mensuelle (€). */
  indemniteOccupation: number;
  planApurement: PlanApurement;
  /** Les deux signatures : le protocole engage le bailleur et l'occupant. */
  signataires: { bailleur: boolean; occupant: boolean };
}

/** Intermédiation et accompagnement renforcé (étape 2) : ce que l'association a fait. */
export const NATURES_ACCOMPAGNEMENT = ['visite_domicile', 'rendez_vous', 'mediation_bailleur', 'lien_partenaire'] as const;
export type NatureAccompagnement = (typeof NATURES_ACCOMPAGNEMENT)[number];
export const LIBELLES_ACCOMPAGNEMENT: Record<NatureAccompagnement, string> = {
  visite_domicile: 'Visite à domicile',
  rendez_vous: 'Rendez-vous',
  mediation_bailleur: 'Médiation avec le bailleur',
  lien_partenaire: 'Lien avec un partenaire',
};

export interface Accompagnement extends Enveloppe {
  nature: NatureAccompagnement;
  /** Date (AAAA-MM-JJ), aujourd'hui par défaut. */
  le?: string;
  /** Ce que le ménage a confié : jamais transmis au bailleur. */
  note?: string;
}

/** Un mois du protocole : l'indemnité d'occupation et la mensualité du plan d'apurement. */
export const STATUTS_PAIEMENT = ['paye', 'impaye'] as const;
export type StatutPaiement = (typeof STATUTS_PAIEMENT)[number];

/** Le paiement d'un mois enregistré par l'équipe (le bailleur, lui, répond au lien du mois). */
export interface PaiementMensuel extends Enveloppe {
  /** Le mois du protocole (AAAA-MM), celui où il commence. */
  mois: string;
  statut: StatutPaiement;
  /** Montant reçu (€) ; par défaut le montant attendu si payé, 0 sinon. */
  montant?: number;
  /** Note interne (confidentielle). */
  commentaire?: string;
}

/** Le paiement d'un mois tel que le parcours le retient. */
export interface PaiementEnregistre {
  mois: string;
  statut: StatutPaiement | 'non_renseigne';
  montant: number;
  attendu: number;
  /** Part du montant reçu qui rembourse la dette (au-delà de l'indemnité d'occupation). */
  apurement: number;
  source: 'bailleur' | 'equipe' | 'sans_reponse';
  le: string;
}

/** La rupture du protocole décidée par le bailleur, enregistrée par la coordination (étape 3). */
export interface RuptureProtocole extends Enveloppe {
  /** Date de la décision du bailleur (AAAA-MM-JJ), aujourd'hui par défaut. */
  decideeLe?: string;
  motif: string;
}

/** L'avenant qui prolonge le protocole quand le plan d'apurement est renégocié. */
export interface Avenant extends Enveloppe {
  signeLe: string;
  /** Prolongation en mois : 36 au plus en tout (3 ans). */
  prolongationMois: number;
  /** Le plan d'apurement renégocié : la dette restante et la nouvelle mensualité. */
  planApurement: PlanApurement;
  /** Nouvelle indemnité d'occupation, si elle change. */
  indemniteOccupation?: number;
}

/** Jamais de « sortie sèche » : hébergement, résidence sociale ou logement adapté. */
export const DISPOSITIFS_ORIENTATION = ['hebergement', 'residence_sociale', 'logement_adapte'] as const;
export type DispositifOrientation = (typeof DISPOSITIFS_ORIENTATION)[number];
export const LIBELLES_DISPOSITIFS: Record<DispositifOrientation, string> = {
  hebergement: 'hébergement',
  residence_sociale: 'résidence sociale',
  logement_adapte: 'logement adapté',
};

export interface OrientationHebergement extends Enveloppe {
  dispositif: DispositifOrientation;
  /** Structure, commune… (confidentiel). */
  precision?: string;
}

/** Le nouveau bail signé par le bailleur, le protocole respecté (étape 5). */
export interface NouveauBail extends Enveloppe {
  signeLe: string;
  /** Prise d'effet (AAAA-MM-JJ), la date de signature par défaut. */
  dateEffet?: string;
}

/** Les clôtures que l'équipe décide ; le nouveau bail signé clôt de lui-même. */
export const ISSUES_PROTOCOLE = ['orientation_hebergement', 'relogement_ou_mutation'] as const satisfies readonly IssueCloture[];
export type IssueProtocole = (typeof ISSUES_PROTOCOLE)[number];

export interface CloturerProtocole extends Enveloppe {
  issue: IssueProtocole;
  motif?: string;
}

export const signatureProtocoleUpdate = defineUpdate<{ etape: string }, [SignatureProtocole]>('signatureProtocole');
export const accompagnementUpdate = defineUpdate<{ etape: string }, [Accompagnement]>('accompagnementProtocole');
export const paiementUpdate = defineUpdate<{ etape: string; impayesConsecutifs: number }, [PaiementMensuel]>('paiementProtocole');
export const ruptureUpdate = defineUpdate<{ etape: string }, [RuptureProtocole]>('ruptureProtocole');
export const avenantUpdate = defineUpdate<{ etape: string; terme: string }, [Avenant]>('avenantProtocole');
export const orientationUpdate = defineUpdate<{ etape: string }, [OrientationHebergement]>('orientationHebergement');
export const nouveauBailUpdate = defineUpdate<{ etape: string }, [NouveauBail]>('nouveauBail');
export const cloturerProtocoleUpdate = defineUpdate<{ etape: string }, [CloturerProtocole]>('cloturerProtocole');

// ---- La réponse du bailleur au lien de paiement du mois ----------------------------------------
// Le lien répond par la demande de validation commune (approuve = payé, refuse = manqué), avec le
// montant reçu dans son champ `montant`. Les premières réponses le portaient dans le commentaire,
// sous la forme ci-dessous : le workflow sait encore la lire (parcours lancés avant le changement).

const MONTANT = /^Montant reçu : (\d+(?:[.,]\d{1,2})?) €(?: — |$)/;

/** Le commentaire d'une réponse de paiement : « Montant reçu : 412,50 € — commentaire ». */
export function commentairePaiement(montant: number | undefined, commentaire?: string): string | undefined {
  const texte = commentaire?.trim() || undefined;
  if (montant === undefined) return texte;
  const m = `Montant reçu : ${montant.toFixed(2).replace('.', ',').replace(/,00$/, '')} €`;
  return texte ? `${m} — ${texte}` : m;
}

/** Le montant reçu indiqué par le bailleur, s'il l'a indiqué. */
export function lireMontantPaiement(commentaire: string | undefined): number | undefined {
  const m = commentaire ? MONTANT.exec(commentaire) : null;
  return m ? Number(m[1]!.replace(',', '.')) : undefined;
}
