/**
 * Les libellés français de l'interface : noms des champs des schémas zod (quand leur description
 * ne suffit pas), valeurs des énumérations, étapes, rôles. Un libellé absent est dérivé du nom
 * (« visite_domicile » → « Visite domicile ») : lisible, jamais un identifiant brut.
 */
import { LIBELLES_ROLES, LIBELLES_TYPE_PARCOURS, type RolePersonnel } from '../domain/vocabulaire';
import { euros, humaniser, LIBELLES_VALEURS, libelleValeur, premierDuMois } from '../domain/libelles';
import { estFinDuJour, jourEnFrancais } from '../domain/durees';

export { euros, humaniser, LIBELLES_VALEURS, libelleValeur };
export { CHAMPS_JOURS, CHAMPS_MONTANTS, LIBELLES_CHAMPS, libelleChamp } from '../domain/libelles-champs';

export const LIBELLES_ETAPES: Record<string, string> = {
  orientation: 'Orientation',
  comite_de_suivi: 'Comité de suivi',
  information_menage: 'Lettre d’information au ménage',
  aller_vers: 'Aller vers le ménage',
  diagnostic: 'Diagnostic',
  plan_aide: 'Plan d’aide',
  validation_departement: 'Validation du plan par le département',
  validation_bailleur: 'Validation du plan d’aide avec le conseiller référent du bailleur',
  revision_plan: 'Révision du plan d’aide',
  information_partenaires: 'Information des partenaires',
  suivi: 'Suivi du plan',
  passage_droit_commun: 'Passage au droit commun',
  cloture: 'Clôturé',
  candidature: 'Candidature',
  validation_siao: 'Validation SIAO',
  decision_siao: 'Décision SIAO à enregistrer',
  file_attente: 'En attente d’une place',
  recherche_logement: 'Recherche du logement',
  sous_location: 'Sous-location et accompagnement',
  bilan_mesure: 'Bilan de mesure',
  evaluation_glissement: 'Évaluation du glissement',
  prolongation: 'Prolongation',
  glissement: 'Glissement du bail',
  signature_protocole: 'Signature du protocole',
  suivi_protocole: 'Protocole en cours',
  terme_non_respecte: 'Terme : paiements à régulariser',
  nouveau_bail: 'Nouveau bail à signer',
  rupture: 'Protocole rompu',
};

export const LIBELLES_ROLES_PERSONNEL: Record<RolePersonnel, string> = {
  admin: 'administration',
  coordinateur: 'coordination',
  travailleur_social: 'travail social',
};

export const LIBELLES_STATUT_DEMANDE: Record<string, string> = {
  en_attente: 'En attente de réponse',
  approuvee: 'Approuvée',
  refusee: 'Refusée',
  expiree: 'Sans réponse (expirée)',
};

export const LIBELLES_STATUT_ECHEANCE: Record<string, string> = {
  en_cours: 'À venir',
  tenue: 'Tenue',
  depassee: 'Dépassée',
  annulee: 'Annulée',
};

export { LIBELLES_ROLES, LIBELLES_TYPE_PARCOURS };

export const libelleEtape = (e: string | undefined): string => (e ? (LIBELLES_ETAPES[e] ?? humaniser(e)) : '—');

const formatDate = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
const formatDateHeure = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'medium', timeStyle: 'short' });
export const dateFr = (iso: string | undefined): string => (iso ? premierDuMois(formatDate.format(new Date(iso))) : '—');
export const dateHeureFr = (iso: string | undefined): string => (iso ? premierDuMois(formatDateHeure.format(new Date(iso))) : '—');
const formatHeure = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', timeStyle: 'short' });

/** Un jour dit, suivi de l'heure quand l'instant n'est pas la fin de ce jour (une date limite qui passe en cours de journée). */
const avecHeureSiAvantLeSoir = (iso: string, jour: string): string => (estFinDuJour(new Date(iso)) ? jour : `${jour} à ${formatHeure.format(new Date(iso))}`);

/**
 * Une date limite : le jour avec son nom (« vendredi 25 décembre 2026 ») quand elle court jusqu'au
 * soir ; sinon avec l'heure où elle passe (« dimanche 27 décembre 2026 à 16:11 »).
 */
export const dateLimiteFr = (iso: string): string => avecHeureSiAvantLeSoir(iso, jourEnFrancais(iso));

/** La même, sans le nom du jour (listes) : « 27 décembre 2026 », ou « 27 décembre 2026 à 16:11 ». */
export const dateLimiteCourteFr = (iso: string): string => avecHeureSiAvantLeSoir(iso, dateFr(iso));
