/**
 * Les colonnes d'une liste de la commission impayés, nommées comme un secrétariat de commission les
 * écrit : un libellé, quelques synonymes, reconnus sans accents, sans casse ni ponctuation
 * (« Réf. dossier », « N° de dossier », « REFERENCE » désignent la même colonne).
 */
import { normaliser } from '../domain/texte';

export const CLES_COLONNES = [
  'reference',
  'nom',
  'composition',
  'adresse',
  'telephone',
  'courriel',
  'accepteCourriel',
  'accepteSms',
  'bailleur',
  'impayesMois',
  'montantDette',
  'debutBail',
  'garantie',
  'contactBailleur',
  'suiviParServiceSocial',
  'dejaTente',
  'designeLe',
] as const;
export type CleColonne = (typeof CLES_COLONNES)[number];

export interface DefinitionColonne {
  cle: CleColonne;
  /** L'en-tête à écrire dans la liste (celui du modèle). */
  libelle: string;
  /** Les autres en-têtes reconnus. */
  synonymes: string[];
  /** Obligatoire dans toute liste ; « bailleur » et « designeLe » le sont selon le programme et la séance. */
  requise: boolean;
  /** Ce que la colonne contient, pour la page d'import. */
  aide: string;
  /** Ce qu'une cellule vide aurait dû contenir, pour le message d'erreur (« cellule vide ; attendu : … »). */
  attendu: string;
  /** Une valeur personnelle : jamais répétée dans un message d'erreur. */
  personnelle?: boolean;
}

export const COLONNES: readonly DefinitionColonne[] = [
  {
    cle: 'reference',
    libelle: 'Référence',
    requise: true,
    aide: 'La référence du dossier (lettres, chiffres, - et _), sans nom ni adresse : elle identifie le parcours.',
    attendu: 'la référence du dossier (lettres, chiffres, - et _)',
    synonymes: ['Référence dossier', 'Référence du dossier', 'Réf', 'Réf. dossier', 'N° dossier', 'N° de dossier', 'Numéro de dossier', 'Dossier'],
  },
  {
    cle: 'nom',
    libelle: 'Nom du ménage',
    requise: true,
    personnelle: true,
    aide: 'Le nom du ménage (M. et Mme …).',
    attendu: 'le nom du ménage (M. et Mme …)',
    synonymes: ['Nom', 'Ménage', 'Locataire', 'Nom du locataire', 'Nom prénom', 'Nom et prénom', 'Noms'],
  },
  {
    cle: 'composition',
    libelle: 'Composition',
    requise: true,
    aide: 'Personne seule, couple, couple avec enfants, famille monoparentale ou autre.',
    attendu: 'personne seule, couple, couple avec enfants, famille monoparentale ou autre',
    synonymes: ['Composition du ménage', 'Composition familiale', 'Situation familiale'],
  },
  {
    cle: 'adresse',
    libelle: 'Adresse',
    requise: true,
    personnelle: true,
    aide: 'L’adresse du logement.',
    attendu: 'l’adresse du logement (numéro, rue et commune)',
    synonymes: ['Adresse du logement', 'Logement'],
  },
  {
    cle: 'telephone',
    libelle: 'Téléphone',
    requise: false,
    personnelle: true,
    aide: 'Facultatif.',
    attendu: 'un numéro de téléphone',
    synonymes: ['Tél', 'Tel', 'Téléphone portable', 'Portable', 'Numéro de téléphone'],
  },
  {
    cle: 'courriel',
    libelle: 'Courriel',
    requise: false,
    personnelle: true,
    aide: 'Facultatif.',
    attendu: 'une adresse électronique',
    synonymes: ['Email', 'E-mail', 'Mail', 'Adresse électronique', 'Adresse mail'],
  },
  {
    cle: 'accepteCourriel',
    libelle: 'Accepte les courriels',
    requise: false,
    aide: 'Oui ou non (non si la colonne manque) : la lettre d’information part par courriel seulement si le ménage l’accepte.',
    attendu: 'oui ou non',
    synonymes: ['Accepte courriel', 'Accord courriel', 'Accepte les mails'],
  },
  {
    cle: 'accepteSms',
    libelle: 'Accepte les SMS',
    requise: false,
    aide: 'Oui ou non (non si la colonne manque) : avec un numéro de portable dans « Téléphone », le ménage reçoit des SMS courts, sans détail, en plus des courriels ou à leur place.',
    attendu: 'oui ou non',
    synonymes: ['Accepte SMS', 'Accord SMS', 'Accepte les textos', 'SMS'],
  },
  {
    cle: 'bailleur',
    libelle: 'Bailleur',
    requise: false,
    aide: 'Le nom du bailleur, tel qu’il figure à l’annuaire du programme (obligatoire si le programme en a plusieurs).',
    attendu: 'le nom d’un bailleur de l’annuaire du programme',
    synonymes: ['Organisme', 'Bailleur social', 'Organisme bailleur'],
  },
  {
    cle: 'impayesMois',
    libelle: 'Mois d’impayés',
    requise: true,
    aide: 'Le nombre de loyers mensuels impayés (nombre entier).',
    attendu: 'le nombre de loyers impayés (nombre entier, 0 s’il n’y en a pas)',
    synonymes: ['Mois impayés', 'Nombre de mois d’impayés', 'Nb mois impayés', 'Impayés (mois)', 'Loyers impayés', 'Nombre de loyers impayés'],
  },
  {
    cle: 'montantDette',
    libelle: 'Montant de la dette',
    requise: true,
    aide: 'En euros, virgule décimale (1 234,56).',
    attendu: 'le montant de la dette en euros (1 234,56 ; 0 s’il n’y en a pas)',
    synonymes: ['Montant dette', 'Dette', 'Dette locative', 'Montant de l’impayé', 'Montant impayé', 'Montant'],
  },
  {
    cle: 'debutBail',
    libelle: 'Début du bail',
    requise: true,
    aide: 'Une date (jj/mm/aaaa).',
    attendu: 'la date de début du bail (jj/mm/aaaa)',
    synonymes: ['Début bail', 'Date début bail', 'Date de début du bail', 'Date d’entrée', 'Entrée dans les lieux', 'Date d’entrée dans les lieux'],
  },
  {
    cle: 'garantie',
    libelle: 'Garantie',
    requise: true,
    aide: 'Aucune, FSL, Loca-Pass ou Visale.',
    attendu: 'aucune, FSL, Loca-Pass ou Visale',
    synonymes: ['Garant', 'Garantie du bail'],
  },
  {
    cle: 'contactBailleur',
    libelle: 'Contact avec le bailleur',
    requise: false,
    aide: 'Oui si le bailleur a pu joindre le ménage (non si la colonne manque : en commission, le bailleur a épuisé ses recours).',
    attendu: 'oui ou non',
    synonymes: ['Contact bailleur', 'Joint par le bailleur', 'Le bailleur a pu joindre le ménage'],
  },
  {
    cle: 'suiviParServiceSocial',
    libelle: 'Suivi par un service social',
    requise: true,
    aide: 'Oui ou non.',
    attendu: 'oui ou non',
    synonymes: ['Suivi service social', 'Suivi social', 'Service social', 'Déjà suivi', 'Suivi par le service social'],
  },
  {
    cle: 'dejaTente',
    libelle: 'Déjà tenté',
    requise: false,
    aide: 'Ce que le bailleur a déjà tenté (relances, visites) ; facultatif.',
    attendu: 'ce que le bailleur a déjà tenté',
    synonymes: ['Démarches déjà tentées', 'Démarches du bailleur', 'Actions du bailleur', 'Déjà tenté par le bailleur', 'Actions menées'],
  },
  {
    cle: 'designeLe',
    libelle: 'Date de désignation',
    requise: false,
    aide: 'Le jour de la désignation par la commission (jj/mm/aaaa) ; vide : la date de la séance indiquée à l’import.',
    attendu: 'le jour de la désignation par la commission (jj/mm/aaaa), ou la date de la séance indiquée à l’import',
    synonymes: [
      'Désigné le',
      'Désignation',
      'Date désignation',
      'Date de la commission',
      'Date de commission',
      'Date de séance',
      'Séance',
      'Date de la séance',
    ],
  },
];

export const COLONNE: Readonly<Record<CleColonne, DefinitionColonne>> = Object.fromEntries(COLONNES.map((c) => [c.cle, c])) as Record<
  CleColonne,
  DefinitionColonne
>;

const PAR_ENTETE = new Map<string, CleColonne>(
  COLONNES.flatMap((c) => [c.libelle, ...c.synonymes, c.cle].map((e) => [normaliser(e), c.cle] as [string, CleColonne])),
);

/** La colonne qu'un en-tête désigne, s'il en désigne une. */
export function colonneDeEntete(entete: string): CleColonne | undefined {
  const n = normaliser(entete);
  return PAR_ENTETE.get(n) ?? PAR_ENTETE.get(n.replace(/\b(n|no|num)\b/g, 'numero'));
}

/** « A », « B »… « AA » : la lettre d'une colonne du tableur (indice à partir de 0). */
export function lettreColonne(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
