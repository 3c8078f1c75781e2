/**
 * Les documents d'un parcours, une seule fois pour tous leurs supports : chaque document (un
 * fichier par document, nommé dans les mots du terrain) construit un `DocumentImprimable` à partir
 * de l'état du parcours et du programme, déjà filtré pour son lecteur ; il est ensuite rendu en PDF
 * (documents/pdf.ts, pièces jointes des courriels et téléchargements) ou en HTML imprimable
 * (api/documents/, pour le personnel).
 *
 * Ce module n'a pas de dépendance : les workflows peuvent en importer les types.
 */
import type { EtatParcours, Programme } from '../domain/vocabulaire';

export const DOCUMENTS = ['lettre-information', 'fiche-bilan', 'fiche-cloture', 'resume-protocole'] as const;
export type NomDocument = (typeof DOCUMENTS)[number];

export const LIBELLES_DOCUMENTS: Record<NomDocument, string> = {
  'lettre-information': 'Lettre d’information au ménage',
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

/** Ce dont un document a besoin : l'état du parcours (requête `etat`) et son programme. */
export interface SourceDocument {
  etat: EtatParcours;
  programme: Pick<Programme, 'id' | 'nom' | 'operateur'>;
  /** Nom du travailleur social affecté (résolu dans l'annuaire), s'il y en a un. */
  contact?: string;
  /** Fiche-bilan : le jalon du bilan (ex. « P6M ») ; par défaut le dernier bilan tenu. */
  jalon?: string;
}

export type Bloc =
  | { type: 'titre'; texte: string }
  | { type: 'paragraphe'; texte: string }
  | { type: 'infos'; lignes: Array<[string, string]> }
  | { type: 'tableau'; legende: string; colonnes: string[]; lignes: string[][]; vide: string }
  | { type: 'liste'; elements: string[] }
  | { type: 'note'; texte: string }
  | { type: 'signature'; texte: string };

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
  lecteur: Lecteur;
  lettre?: EnTeteLettre;
  blocs: Bloc[];
}

/** Le document n'existe pas (encore) pour ce parcours : la raison, en français. */
export class DocumentIndisponible extends Error {
  override readonly name = 'DocumentIndisponible';
}
