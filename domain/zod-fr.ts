/**
 * Messages d'erreur de zod en français, pour tout le processus (importé par config/env.ts et par
 * chaque module qui valide une entrée). Ils peuvent arriver devant une personne (sous un champ de
 * formulaire, dans une réponse de l'API) : des phrases, jamais « Trop petit : nombre doit être
 * >=0 ». Les schémas qui ont leur propre message le gardent ; ceux-ci ne servent qu'aux autres.
 * « Clé non reconnue » et « Option invalide » restent en tête des messages correspondants (les
 * formulaires et la lecture des programmes les reconnaissent).
 */
import { z } from 'zod';

const francais = z.locales.fr().localeError;

/** 1 000 000 ; 812,4 : un nombre écrit à la française. */
export const nombreFr = (n: number | bigint): string => (typeof n === 'bigint' ? n.toString() : n.toLocaleString('fr-FR', { maximumFractionDigits: 2 }));

const valeurFr = (v: unknown): string =>
  typeof v === 'string'
    ? `« ${v} »`
    : typeof v === 'number' || typeof v === 'bigint'
      ? nombreFr(v)
      : typeof v === 'boolean'
        ? v
          ? 'vrai (true)'
          : 'faux (false)'
        : String(v);

const TYPES: Record<string, string> = {
  number: 'nombre attendu',
  int: 'nombre entier attendu',
  bigint: 'nombre entier attendu',
  string: 'texte attendu',
  boolean: 'oui ou non attendu (true ou false)',
  array: 'liste attendue',
  object: 'objet attendu',
  date: 'date attendue',
  nan: 'nombre attendu',
};

const FORMATS: Record<string, string> = {
  email: 'adresse électronique invalide',
  date: 'date attendue au format AAAA-MM-JJ',
  datetime: 'date et heure attendues au format AAAA-MM-JJTHH:MM:SSZ',
  time: 'heure attendue au format HH:MM',
  duration: 'durée ISO 8601 attendue (par exemple P3M)',
  url: 'adresse web invalide',
  uuid: 'identifiant invalide',
  regex: 'format invalide',
  e164: 'numéro de téléphone invalide',
};

const dateFr = (d: number | bigint | Date): string => (d instanceof Date ? d : new Date(Number(d))).toISOString().slice(0, 10);

function message(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined || iss.input === null) return 'champ obligatoire';
      if (iss.expected === 'int' && typeof iss.input === 'number' && Number.isFinite(iss.input)) return 'nombre entier attendu';
      return TYPES[iss.expected] ?? 'valeur invalide';
    case 'too_small': {
      const min = iss.minimum;
      if (iss.origin === 'number' || iss.origin === 'int' || iss.origin === 'bigint') {
        if (Number(min) === 0) return iss.inclusive ? 'doit être positif ou nul' : 'doit être supérieur à zéro';
        return iss.inclusive ? `doit être au moins égal à ${nombreFr(min)}` : `doit être supérieur à ${nombreFr(min)}`;
      }
      if (iss.origin === 'string') return Number(min) <= 1 ? 'champ obligatoire' : `${nombreFr(min)} caractères au moins`;
      if (iss.origin === 'array' || iss.origin === 'set')
        return Number(min) <= 1 ? 'au moins un élément attendu' : `au moins ${nombreFr(min)} éléments attendus`;
      if (iss.origin === 'date') return `date trop ancienne : le ${dateFr(min)} au plus tôt`;
      return 'valeur trop petite';
    }
    case 'too_big': {
      const max = iss.maximum;
      if (iss.origin === 'number' || iss.origin === 'int' || iss.origin === 'bigint') {
        return iss.inclusive ? `ne doit pas dépasser ${nombreFr(max)}` : `doit être inférieur à ${nombreFr(max)}`;
      }
      if (iss.origin === 'string') return `${nombreFr(max)} caractère${Number(max) > 1 ? 's' : ''} au plus`;
      if (iss.origin === 'array' || iss.origin === 'set') return `${nombreFr(max)} élément${Number(max) > 1 ? 's' : ''} au plus`;
      if (iss.origin === 'date') return `date trop lointaine : le ${dateFr(max)} au plus tard`;
      return 'valeur trop grande';
    }
    case 'invalid_format':
      if (iss.format === 'starts_with') return `doit commencer par « ${(iss as { prefix?: string }).prefix} »`;
      if (iss.format === 'ends_with') return `doit se terminer par « ${(iss as { suffix?: string }).suffix} »`;
      if (iss.format === 'includes') return `doit contenir « ${(iss as { includes?: string }).includes} »`;
      return FORMATS[iss.format] ?? 'format invalide';
    case 'invalid_value':
      if (iss.values.length === 1) return `valeur attendue : ${valeurFr(iss.values[0])}`;
      return `Option invalide : une valeur parmi ${iss.values.map(valeurFr).join(', ')}`;
    case 'not_multiple_of':
      return `doit être un multiple de ${nombreFr(iss.divisor as number)}`;
    case 'unrecognized_keys':
      return `${iss.keys.length > 1 ? 'Clés non reconnues' : 'Clé non reconnue'} : ${iss.keys.map((k) => `« ${k} »`).join(', ')}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return 'valeur invalide';
    default:
      return undefined;
  }
}

z.config({ localeError: (iss) => message(iss) ?? francais(iss) });
