/**
 * Attributs de recherche des parcours (visibilité Temporal). Ils ne sont JAMAIS chiffrés :
 * aucune donnée personnelle du ménage n'y figure (référence de dossier, identifiants du personnel).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  programme: defineSearchAttributeKey('Programme', SearchAttributeType.KEYWORD),
  typeParcours: defineSearchAttributeKey('TypeParcours', SearchAttributeType.KEYWORD),
  etape: defineSearchAttributeKey('Etape', SearchAttributeType.KEYWORD),
  travailleurSocial: defineSearchAttributeKey('TravailleurSocial', SearchAttributeType.KEYWORD),
  prochaineEcheance: defineSearchAttributeKey('ProchaineEcheance', SearchAttributeType.DATETIME),
  enRetard: defineSearchAttributeKey('EnRetard', SearchAttributeType.BOOL),
  cloture: defineSearchAttributeKey('Cloture', SearchAttributeType.BOOL),
} as const;

/** Pour l'enregistrement (CLI `--search-attribute Nom=Type`, OperatorService, docker compose). */
export const DECLARATIONS_ATTRIBUTS: Array<{ nom: string; type: 'Keyword' | 'Datetime' | 'Bool' }> = [
  { nom: 'Programme', type: 'Keyword' },
  { nom: 'TypeParcours', type: 'Keyword' },
  { nom: 'Etape', type: 'Keyword' },
  { nom: 'TravailleurSocial', type: 'Keyword' },
  { nom: 'ProchaineEcheance', type: 'Datetime' },
  { nom: 'EnRetard', type: 'Bool' },
  { nom: 'Cloture', type: 'Bool' },
];
