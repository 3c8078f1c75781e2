/**
 * Ce que la simulation retient d'un ménage joué sur les vrais parcours (scripts/simulation/pilote.ts
 * le remplit) : le calcul du bilan (rapport.ts) et les pages n'ont besoin que de ces types.
 */
import type { IssueCloture } from '../../domain/vocabulaire';
import type { Action } from './hypotheses';
import type { PlanMenage } from './plan';

export interface Depassee {
  libelle: string;
  responsable: string;
  /** Tenue ensuite, en retard ; sinon jamais tenue (annulée à la clôture ou encore dépassée). */
  tenueEnRetard: boolean;
}

export interface ResultatMenage {
  plan: PlanMenage;
  /** Les actions du travailleur social acceptées par le parcours, à leur date. */
  actions: Array<{ action: Action; t: number }>;
  /** Messages ou réponses refusés par le parcours (le plan ne collait pas à son état), avec la raison. */
  refus: Array<{ quoi: string; raison: string }>;
  demarre: boolean;
  /** Étapes jouées (une avance d'horloge chacune). */
  etapes: number;
  /** Minuteurs que le serveur a passés sans les déclencher, rattrapés (voir `avancerParcours`). */
  rattrapages?: number;
  enAttenteDePlace: boolean;
  horizonAtteint: boolean;
  /** IML : demande et attribution de la place (temps simulé). */
  place?: { demandeeLe: number; accordeeLe?: number };
  final?: {
    etape: string;
    libelleEtape: string;
    cloture?: { issue: IssueCloture; le: string };
    depassees: Depassee[];
    /** Prévention : la reprise du paiement au dernier bilan saisi. */
    reprisePaiement?: string;
    /** Protocole : mois payés sur mois réglés. */
    paiements?: { payes: number; regles: number };
  };
}
