/**
 * Les messages sont des contrats : requêtes et mises à jour communes à tous les parcours,
 * définies une fois ici (module sans effet de bord) et importées par les workflows et l'API.
 * Chaque message d'une personne porte un `requestId` : il n'est appliqué qu'une fois, même envoyé
 * deux fois (le second envoi renvoie le résultat du premier).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DecisionPartenaire, DemandeValidation, EtatParcours, RolePartenaire, TypeParcours } from './vocabulaire';

/** Ce que tout message d'une personne porte. `par` est l'identifiant du compte (ou du rôle partenaire). */
export interface Enveloppe {
  requestId: string;
  par: string;
}

export const etatQuery = defineQuery<EtatParcours>('etat');
/**
 * L'état du parcours au terme de sa première tâche, rendu au lancement : l'API l'envoie avec le
 * démarrage (mise à jour avec démarrage, un seul aller-retour) au lieu d'interroger le parcours ensuite.
 */
export const etatInitialUpdate = defineUpdate<EtatParcours>('etatInitial');

export interface ReponseValidation extends Enveloppe {
  demandeId: string;
  role: RolePartenaire;
  decision: DecisionPartenaire;
  commentaire?: string;
  /** Montant reçu en euros, quand la demande est un paiement (lien de paiement mensuel du protocole). */
  montant?: number;
  /** Dates du nouveau bail (AAAA-MM-JJ), quand le bailleur indique sa signature par son lien. */
  nouveauBail?: { signeLe: string; dateEffet?: string };
}
/** Réponse d'un partenaire à une demande de validation, reçue par son lien signé. */
export const repondreValidationUpdate = defineUpdate<DemandeValidation, [ReponseValidation]>('repondreValidation');

export interface Affectation extends Enveloppe {
  travailleurSocial: string;
}
/** Le coordinateur affecte (ou réaffecte) le travailleur social du ménage. */
export const affecterUpdate = defineUpdate<{ travailleurSocial: string }, [Affectation]>('affecterTravailleurSocial');

export interface ClotureAnticipee extends Enveloppe {
  motif: string;
}
/** Le coordinateur clôt le parcours avant son terme, avec un motif. */
export const cloreAnticipeUpdate = defineUpdate<{ etape: string }, [ClotureAnticipee]>('cloreAnticipe');

/**
 * Les documents que le travailleur social peut envoyer au ménage par courriel, et le parcours de
 * chacun (le résumé du protocole dans sa version pour l'occupant) : ceux qui ne disent du ménage que
 * son nom, son adresse et ses engagements (le plan d'aide et le carnet de
 * route, faits de ce qu'il a confié, se remettent en main propre ou se téléchargent). Leurs mots :
 * courriers/commun.ts (`documentAuMenage`).
 */
export const DOCUMENTS_AU_MENAGE = {
  'lettre-information': 'prevention_precontentieuse',
  'livret-iml': 'iml_bail_glissant',
  'resume-protocole': 'protocole_post_resiliation',
} as const satisfies Record<string, TypeParcours>;
export type DocumentAuMenage = keyof typeof DOCUMENTS_AU_MENAGE;

export interface EnvoiDocumentAuMenage extends Enveloppe {
  document: DocumentAuMenage;
}
/**
 * Le travailleur social ou la coordination envoie au ménage, par courriel, un document qui lui est
 * destiné (courriers/commun.ts) : la réponse vient aussitôt, le courriel part ensuite et le journal
 * du parcours le dit.
 */
export const envoyerDocumentAuMenageUpdate = defineUpdate<{ envoi: 'en_cours' }, [EnvoiDocumentAuMenage]>('envoyerDocumentAuMenage');
