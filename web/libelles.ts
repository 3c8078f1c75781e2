/**
 * Les libellés français de l'interface : noms des champs des schémas zod (quand leur description
 * ne suffit pas), valeurs des énumérations, étapes, rôles. Un libellé absent est dérivé du nom
 * (« visite_domicile » → « Visite domicile ») : lisible, jamais un identifiant brut.
 */
import { LIBELLES_ROLES, LIBELLES_TYPE_PARCOURS, type RolePersonnel } from '../domain/vocabulaire';
import { euros, humaniser, LIBELLES_VALEURS, libelleValeur, premierDuMois } from '../domain/libelles';
import { estFinDuJour, jourEnFrancais } from '../domain/durees';

export { euros, humaniser, LIBELLES_VALEURS, libelleValeur };

export const LIBELLES_CHAMPS: Record<string, string> = {
  // La fiche d'orientation d'un partenaire : qui oriente, et le ménage.
  oriente: 'Vous, qui orientez le ménage',
  'oriente.service': 'Votre service',
  'oriente.nom': 'Votre nom',
  'oriente.courriel': 'Votre adresse électronique',
  menage: 'Le ménage',
  // lancement
  programmeId: 'Programme',
  travailleurSocial: 'Travailleur social affecté',
  'menage.reference': 'Référence du dossier',
  'menage.nom': 'Nom du ménage',
  'menage.composition': 'Composition du ménage',
  'menage.adresse': 'Adresse du logement',
  'menage.telephone': 'Téléphone',
  'menage.courriel': 'Adresse électronique',
  'menage.accepteCourriel': 'Le ménage accepte de recevoir des courriels',
  'menage.accepteSms': 'Le ménage accepte de recevoir des SMS (portable)',
  situation: 'Situation à l’orientation',
  impayesMois: 'Loyers impayés (nombre de mois)',
  montantDette: 'Montant de la dette locative (€)',
  debutBail: 'Début du bail',
  designeLe: 'Date de désignation par la commission impayés',
  signaleLe: 'Date du signalement de l’impayé par le bailleur',
  prochainBilan: 'Prochain point ou bilan de suivi',
  garantie: 'Garantie',
  dejaTente: 'Ce que le bailleur a déjà tenté',
  contactBailleur: 'Le bailleur a-t-il pu joindre le ménage ?',
  suiviParServiceSocial: 'Un service social suit-il déjà le ménage ?',
  isole: 'Ménage isolé',
  stadeProcedure: 'Stade de la procédure à l’orientation',
  resiliation: 'Résiliation du bail',
  jugementDu: 'Date du jugement de résiliation',
  juridiction: 'Juridiction',
  detteLocative: 'Dette locative au jugement (€)',
  candidature: 'Candidature',
  structure: 'Structure d’hébergement',
  hebergeDepuis: 'Hébergé depuis le',
  pretASortir: 'Le ménage est jugé prêt à sortir',
  budgetTravaille: 'Le budget a été travaillé en amont',
  typologieRecherchee: 'Typologie recherchée',
  secteurs: 'Secteurs recherchés (un par ligne)',
  ressourcesMensuelles: 'Ressources mensuelles (€, confidentiel)',
  // messages
  canal: 'Canal',
  creneau: 'Créneau',
  issue: 'Issue',
  note: 'Note confidentielle',
  notes: 'Notes confidentielles',
  origineDette: 'Origine de la dette',
  droits: 'Droits',
  budget: 'Budget',
  adequationLogement: 'Adéquation du logement',
  dispositifsExpliques: 'Dispositifs adaptés à la situation présentés au ménage',
  proceduresExpliquees: 'Procédures possibles expliquées au ménage',
  termine: 'Diagnostic terminé ?',
  carnetDeRoute: 'Carnet de route (une démarche par ligne)',
  actions: 'Actions du plan',
  orientations: 'Orientations',
  planApurement: 'Plan d’apurement',
  mensualite: 'Mensualité (€)',
  dureeMois: 'Durée (mois)',
  dette: 'Dette à rembourser (€)',
  demandeMutation: 'Demande de mutation',
  reprisePaiement: 'Reprise du paiement',
  planRespecte: 'Plan d’apurement respecté ?',
  demarches: 'Démarches (une par ligne)',
  service: 'Service de droit commun',
  courrielService: 'Adresse électronique de ce service',
  entretienTripartite: 'Entretien tripartite',
  motif: 'Motif',
  suite: 'Suite à donner',
  observation: 'Ce que l’équipe a repéré',
  decision: 'Décision',
  bailleur: 'Bailleur du logement',
  'bailleur.type': 'Type de bailleur',
  'bailleur.nom': 'Nom du bailleur',
  'bailleur.courriel': 'Adresse électronique du bailleur',
  'bailleur.conventionne': 'Conventionné avec l’opérateur ?',
  adresse: 'Adresse du logement',
  typologie: 'Typologie',
  loyerMensuel: 'Loyer mensuel (€)',
  debutBailPrincipal: 'Début du bail principal',
  debutSousLocation: 'Début de la sous-location',
  nature: 'Nature',
  le: 'Date',
  axes: 'Axes de l’accompagnement',
  mois: 'Mois (AAAA-MM)',
  'paiements.mois': 'Mois par mois',
  statut: 'Statut',
  montantPaye: 'Montant payé (€)',
  montant: 'Montant reçu (€)',
  commentaire: 'Commentaire (confidentiel)',
  paiementLoyer: 'Paiement du loyer',
  bailleurPresent: 'Bailleur présent ?',
  menagePresent: 'Ménage présent ?',
  freins: 'Freins à la sortie',
  loyerPayeRegulierement: 'Loyer payé régulièrement ?',
  situationStable: 'Situation stabilisée ?',
  orientation: 'Orientation',
  dispositif: 'Dispositif',
  precision: 'Précision',
  signeLe: 'Signé le',
  debut: 'Premier jour du protocole',
  'mesure.debut': 'Début de la sous-location',
  rendezVous: 'Rendez-vous',
  visitesDomicile: 'Visites à domicile',
  liensPartenaires: 'Liens avec les partenaires',
  indemniteOccupation: 'Indemnité d’occupation mensuelle (€)',
  signataires: 'Signataires',
  occupant: 'Signé par l’occupant ?',
  'signataires.bailleur': 'Signé par le bailleur ?',
  'signataires.occupant': 'Signé par l’occupant ?',
  decideeLe: 'Décision du bailleur le',
  prolongationMois: 'Prolongation (mois)',
  dateEffet: 'Prise d’effet',
  // détails publiés par les parcours (« Informations du dossier », fiches)
  tentatives: 'Tentatives de contact',
  contactEtabliLe: 'Contact établi le',
  delaiPremierContactJours: 'Délai du premier contact (jours)',
  lettreInformation: 'Lettre d’information au ménage',
  plan: 'Plan d’aide',
  planRefuse: 'Plan d’aide refusé (à revoir avec le ménage)',
  revision: 'Révision du plan',
  bilans: 'Bilans',
  jalon: 'Échéance',
  passageDroitCommun: 'Passage au droit commun',
  ficheCloture: 'Clôture',
  libelle: 'Issue retenue',
  'bilans.libelle': 'Bilan',
  parcoursPrecedent: 'Parcours précédent',
  parcoursSuivant: 'Parcours suivant',
  protocole: 'Protocole de cohésion sociale',
  dureeInitialeMois: 'Durée initiale (mois)',
  dureeTotaleMois: 'Durée totale (mois)',
  dureeSousLocationMois: 'Durée de la sous-location (mois)',
  terme: 'Terme',
  depuis: 'Depuis',
  detteRestante: 'Dette restant due (€)',
  avenants: 'Avenants',
  paiements: 'Paiements',
  moisRegles: 'Mois vérifiés auprès du bailleur',
  payes: 'Mois payés',
  partiels: 'Mois payés partiellement',
  impayes: 'Mois impayés',
  nonRenseignes: 'Mois non renseignés',
  impayesConsecutifs: 'Impayés consécutifs (mois)',
  montantRecu: 'Montant reçu (€)',
  montantAttendu: 'Montant attendu (€)',
  attendu: 'Montant attendu (€)',
  accompagnement: 'Accompagnement',
  rupture: 'Rupture du protocole',
  par: 'Par',
  treveHivernale: 'Trêve hivernale',
  jusquau: 'Jusqu’au',
  nouveauBail: 'Nouveau bail',
  nouveauBailAttenduAvant: 'Nouveau bail attendu avant le',
  protocoleRespecteLe: 'Protocole respecté le',
  logement: 'Logement',
  typeBailleur: 'Type de bailleur',
  mesure: 'Mesure',
  glissementPrevuLe: 'Glissement prévu le',
  limite: 'Date limite',
  loyers: 'Loyers',
  validationSiao: 'Validation SIAO',
  place: 'Place',
  demandeeLe: 'Demandée le',
  accordeeLe: 'Accordée le',
  attenteJours: 'Attente (jours)',
  evaluations: 'Évaluations',
  prolongations: 'Prolongations',
  glissement: 'Glissement du bail',
  moisDeSousLocation: 'Mois de sous-location',
  anticipe: 'Anticipé ?',
  composition: 'Composition du ménage',
};

/** Les champs dont la valeur est un montant en euros (affiché « 3 450 € »). */
export const CHAMPS_MONTANTS = new Set([
  'montantDette',
  'detteLocative',
  'ressourcesMensuelles',
  'mensualite',
  'dette',
  'loyerMensuel',
  'montantPaye',
  'montant',
  'indemniteOccupation',
  'detteRestante',
  'montantRecu',
  'montantAttendu',
  'attendu',
]);

/** Le libellé d'un champ : celui du vocabulaire, sinon celui de la valeur, sinon (dernier recours) son nom humanisé. */
export const libelleChamp = (cle: string): string => LIBELLES_CHAMPS[cle] ?? LIBELLES_VALEURS[cle] ?? humaniser(cle);

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
