/**
 * Les documents d'un parcours, une seule fois pour tous leurs supports : chaque document (un
 * fichier par document, nommé dans les mots du terrain) construit un `DocumentImprimable` à partir
 * de l'état du parcours et du programme, déjà filtré pour son lecteur ; il est ensuite rendu en PDF
 * (documents/pdf.ts, pièces jointes des courriels et téléchargements) ou en HTML imprimable
 * (api/documents/, pour le personnel).
 *
 * Ce module n'a pas de dépendance : les workflows peuvent en importer les types.
 */
import type { EtatParcours, Operateur, Programme } from '../domain/vocabulaire';

export const DOCUMENTS = [
  'lettre-information',
  'fiche-orientation',
  'fiche-suivi-social',
  'plan-aide',
  'carnet-de-route',
  'livret-iml',
  'fiche-bilan',
  'fiche-cloture',
  'resume-protocole',
] as const;
export type NomDocument = (typeof DOCUMENTS)[number];

export const LIBELLES_DOCUMENTS: Record<NomDocument, string> = {
  'lettre-information': 'Lettre d’information au ménage',
  'fiche-orientation': 'Fiche d’orientation',
  'fiche-suivi-social': 'Fiche de suivi social',
  'plan-aide': 'Plan d’aide à signer avec le ménage',
  'carnet-de-route': 'Carnet de route du ménage',
  'livret-iml': 'Livret d’information sur le bail glissant',
  'fiche-bilan': 'Fiche-bilan de mesure',
  'fiche-cloture': 'Fiche de clôture',
  'resume-protocole': 'Résumé du protocole',
};

/**
 * Pour qui le document est préparé :
 *  - `equipe` : le personnel de l'opérateur (coordination, travailleur social) ;
 *  - `partenaires` : bailleur, DDETS, SIAO, CCAPEX… — jamais rien de ce que le ménage a confié
 *    (`detailsConfidentiels`), ni son nom, ni son adresse : la référence du dossier seulement ;
 *  - `menage` : le ménage lui-même (la lettre d'information, à son nom et à son adresse).
 */
export const LECTEURS = ['equipe', 'partenaires', 'menage'] as const;
export type Lecteur = (typeof LECTEURS)[number];

/**
 * Le lecteur de chaque document quand on ne le précise pas : le ménage pour ce qui lui est remis
 * (lettre, plan d'aide à signer, carnet de route, livret), l'équipe pour le reste.
 */
export const LECTEUR_PAR_DEFAUT: Record<NomDocument, Lecteur> = {
  'lettre-information': 'menage',
  'fiche-orientation': 'equipe',
  'fiche-suivi-social': 'equipe',
  'plan-aide': 'menage',
  'carnet-de-route': 'menage',
  'livret-iml': 'menage',
  'fiche-bilan': 'equipe',
  'fiche-cloture': 'equipe',
  'resume-protocole': 'equipe',
};

/**
 * La fiche d'orientation reçue d'un partenaire (orientations/registre.ts), déchiffrée et mise en
 * mots par l'appelant : le service qui oriente est déjà un libellé.
 */
export interface OrientationRecue {
  organisation: string;
  /** « Bailleur social », « Service social »… */
  typeOrganisation?: string;
  recueLe: string;
  oriente: { nom: string; courriel: string; service: string };
  menage: { nom: string; composition: string; adresse: string; telephone?: string; courriel?: string; accepteCourriel?: boolean };
  situation: {
    impayesMois: number;
    montantDette: number;
    debutBail: string;
    garantie: string;
    dejaTente?: string;
    contactBailleur: boolean;
    suiviParServiceSocial: boolean;
    isole?: boolean;
  };
  consentement: boolean;
  /** La décision de la coordination : qui l'a acceptée (nom) et quand. */
  accepteePar?: string;
  accepteeLe?: string;
}

/** Ce dont un document a besoin : l'état du parcours (requête `etat`) et son programme. */
export interface SourceDocument {
  etat: EtatParcours;
  /**
   * Le programme : son opérateur (coordonnées), et pour les documents qui annoncent des dates, les
   * délais et jalons du programme (ceux de la version du parcours quand l'appelant les a).
   */
  programme: Pick<Programme, 'id' | 'nom' | 'operateur'> & Partial<Pick<Programme, 'delais' | 'jalons' | 'quotas'>>;
  /** Nom du travailleur social affecté (résolu dans l'annuaire), s'il y en a un. */
  contact?: string;
  /** Nom de la personne de la coordination du parcours (résolu dans l'annuaire). */
  coordination?: string;
  /** Fiche-bilan : le jalon du bilan (ex. « P6M ») ; par défaut le dernier bilan tenu. */
  jalon?: string;
  /** Fiche d'orientation : celle du partenaire qui a orienté le ménage, si le parcours en vient. */
  orientation?: OrientationRecue;
  /**
   * Version des partenaires : le diagnostic va à ce destinataire du bailleur (réglage du programme
   * et accord du ménage vérifiés par l'appelant, api/visibilite.ts) ; absent : il n'y figure pas.
   */
  diagnosticPartage?: { destinataire: string; accordLe?: string };
}

export type Bloc =
  | { type: 'titre'; texte: string }
  | { type: 'paragraphe'; texte: string }
  | { type: 'infos'; lignes: Array<[string, string]> }
  | { type: 'tableau'; legende: string; colonnes: string[]; lignes: string[][]; vide: string }
  | { type: 'liste'; elements: string[]; numerotee?: boolean }
  | { type: 'note'; texte: string }
  | { type: 'signature'; texte: string }
  /** Un tableau à remplir à la main : des lignes hautes, des cases vides. */
  | { type: 'a-remplir'; legende: string; colonnes: string[]; lignes: string[][] }
  /** Les cadres de signature d'un engagement : « Fait à …, le … », puis un cadre par signataire. */
  | { type: 'signatures'; lieuEtDate: string; signataires: Array<{ qualite: string; nom?: string; mention?: string }> };

/** L'en-tête d'une lettre : expéditeur, destinataire (fenêtre d'enveloppe), date, référence. */
export interface EnTeteLettre {
  expediteur: string[];
  destinataire: string[];
  date: string;
  reference: string;
}

export interface DocumentImprimable {
  nom: NomDocument;
  /** Titre de l'onglet et des propriétés du PDF (jamais le nom du ménage). */
  titre: string;
  /** Le titre principal (h1) : l'objet d'une lettre, le titre d'une fiche. */
  intitule: string;
  genre: 'lettre' | 'fiche';
  /** Nom du fichier, sans extension ni donnée personnelle (la référence du dossier). */
  fichier: string;
  /** L'émetteur (l'opérateur du programme). */
  auteur: string;
  /**
   * Les coordonnées de l'opérateur (adresse, téléphone, courriel), en pied de chaque page : chaque
   * lettre et chaque document dit comment le rappeler et lui écrire.
   */
  operateur?: Pick<Operateur, 'nom' | 'courriel' | 'telephone' | 'adresse'>;
  lecteur: Lecteur;
  lettre?: EnTeteLettre;
  blocs: Bloc[];
}

/** Le document n'existe pas (encore) pour ce parcours : la raison, en français. */
export class DocumentIndisponible extends Error {
  override readonly name = 'DocumentIndisponible';
}

/** Les lignes du pied de page : l'opérateur et son adresse, puis son téléphone et son courriel. */
export function lignesCoordonnees(op: DocumentImprimable['operateur']): string[] {
  if (!op) return [];
  return [
    [op.nom, op.adresse].filter(Boolean).join(' — '),
    [op.telephone ? `Tél. ${op.telephone}` : '', op.courriel ? `Courriel : ${op.courriel}` : ''].filter(Boolean).join(' — '),
  ].filter(Boolean);
}
