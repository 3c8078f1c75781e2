/**
 * Les libellés français de l'interface : noms des champs des schémas zod (quand leur description
 * ne suffit pas), valeurs des énumérations, étapes, rôles. Un libellé absent est dérivé du nom
 * (« visite_domicile » → « Visite domicile ») : lisible, jamais un identifiant brut.
 */
import { LIBELLES_ISSUES, LIBELLES_ROLES, LIBELLES_TYPE_PARCOURS, type RolePersonnel } from '../domain/vocabulaire';
import { LIBELLES_STADES_PROCEDURE } from '../domain/prevention';

export const LIBELLES_CHAMPS: Record<string, string> = {
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
  situation: 'Situation à l’orientation',
  impayesMois: 'Loyers impayés (nombre de mois)',
  montantDette: 'Montant de la dette locative (€)',
  debutBail: 'Début du bail',
  designeLe: 'Date de désignation par la commission impayés (facultatif)',
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
  note: 'Note (confidentielle)',
  notes: 'Notes (confidentielles)',
  origineDette: 'Origine de la dette',
  droits: 'Droits',
  budget: 'Budget',
  adequationLogement: 'Adéquation du logement',
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
  entretienTripartite: 'Entretien tripartite',
  motif: 'Motif',
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
  indemniteOccupation: 'Indemnité d’occupation mensuelle (€)',
  signataires: 'Signataires',
  occupant: 'Signé par l’occupant ?',
  decideeLe: 'Décision du bailleur le',
  prolongationMois: 'Prolongation (mois)',
  dateEffet: 'Prise d’effet',
};

export const LIBELLES_VALEURS: Record<string, string> = {
  // compositions
  personne_seule: 'Personne seule',
  couple: 'Couple',
  couple_avec_enfants: 'Couple avec enfants',
  famille_monoparentale: 'Famille monoparentale',
  autre: 'Autre',
  // garanties
  aucune: 'Aucune',
  fsl: 'FSL',
  loca_pass: 'Loca-Pass',
  visale: 'Visale',
  // contact
  courrier: 'Courrier',
  telephone: 'Téléphone',
  visite_domicile: 'Visite à domicile',
  rendez_vous_bureau: 'Rendez-vous au bureau',
  courriel: 'Courriel',
  matin: 'Matin',
  apres_midi: 'Après-midi',
  soir: 'Soir',
  week_end: 'Week-end',
  joint: 'Ménage joint',
  absent: 'Absent',

  injoignable: 'Injoignable',
  adresse_erronee: 'Adresse erronée',
  // plan
  ouverture_droits: 'Ouverture de droits',
  plan_apurement: 'Plan d’apurement',
  surendettement: 'Dossier de surendettement',
  demande_mutation: 'Demande de mutation',
  sante: 'Santé',
  emploi: 'Emploi',
  asll: 'ASLL',
  conseillere_sociale_bailleur: 'Conseillère sociale du bailleur',
  pass_assistance: 'Pass assistance',
  services_sociaux_specialises: 'Services sociaux spécialisés',
  professionnels_sante: 'Professionnels de santé',
  totale: 'Totale',
  partielle: 'Partielle',
  // IML
  alt: 'ALT',
  pension_de_famille: 'Pension de famille',
  chrs: 'CHRS',
  logement_urgence: 'Logement d’urgence',
  public: 'Public',
  prive: 'Privé',
  rendez_vous: 'Rendez-vous',
  lien_partenaire: 'Lien avec un partenaire',
  mediation_bailleur: 'Médiation avec le bailleur',
  paye: 'Payé',
  partiel: 'Partiel',
  impaye: 'Impayé',
  regulier: 'Régulier',
  irregulier: 'Irrégulier',
  impayes: 'Impayés',
  stable: 'Stable',
  fragile: 'Fragile',
  degradee: 'Dégradée',
  poursuivre: 'Poursuivre 6 mois',
  glissement: 'Glissement du bail',
  prolongation: 'Prolongation motivée',
  validee: 'Validée',
  refusee: 'Refusée',
  hebergement: 'Hébergement',
  residence_sociale: 'Résidence sociale',
  logement_adapte: 'Logement adapté',
  ...LIBELLES_STADES_PROCEDURE,
  ...LIBELLES_ISSUES,
};

export const LIBELLES_ETAPES: Record<string, string> = {
  orientation: 'Orientation',
  comite_de_suivi: 'Comité de suivi',
  information_menage: 'Lettre d’information au ménage',
  aller_vers: 'Aller vers le ménage',
  diagnostic: 'Diagnostic',
  plan_aide: 'Plan d’aide',
  validation_departement: 'Validation du plan par le département',
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

/** « visite_domicile » → « Visite domicile » ; « dureeMois » → « Duree mois ». */
export function humaniser(id: string): string {
  const mots = id.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase().trim();
  return mots.charAt(0).toUpperCase() + mots.slice(1);
}

export const libelleValeur = (v: string): string => LIBELLES_VALEURS[v] ?? humaniser(v);
export const libelleEtape = (e: string | undefined): string => (e ? (LIBELLES_ETAPES[e] ?? humaniser(e)) : '—');

const formatDate = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
const formatDateHeure = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'medium', timeStyle: 'short' });
export const dateFr = (iso: string | undefined): string => (iso ? formatDate.format(new Date(iso)) : '—');
export const dateHeureFr = (iso: string | undefined): string => (iso ? formatDateHeure.format(new Date(iso)) : '—');
