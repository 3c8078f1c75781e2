/**
 * Schémas zod des orientations vues par l'API (api/routes/orientations.ts) : identifiants des
 * chemins, clés d'accès des logiciels des partenaires et réponses (document OpenAPI). La fiche
 * d'orientation et la décision de la coordination sont dans orientations/schema.ts.
 */
import { z } from 'zod';
import '../domain/zod-fr';

/** L'identifiant d'une orientation reçue (un UUID). */
export const idOrientationSchema = z
  .string()
  .regex(/^[0-9a-f-]{36}$/, 'identifiant d’orientation invalide')
  .meta({ format: 'uuid' });

/** L'identifiant d'une clé d'accès (12 caractères hexadécimaux). */
export const idCleApiSchema = z.string().regex(/^[0-9a-f]{12}$/, 'identifiant de clé invalide');

/** La référence d'une orientation rendue au logiciel qui l'a envoyée. */
export const referenceOrientationSchema = z
  .string()
  .regex(/^OR-\d{4}-[0-9A-F]{6}$/, 'référence d’orientation invalide')
  .meta({ example: 'OR-2612-7F3C0A' });

/** L'en-tête Idempotency-Key d'un envoi : 1 à 200 caractères visibles, sans espace. */
export const cleIdempotenceSchema = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'Idempotency-Key : 1 à 200 caractères visibles, sans espace');

export const lienOrientationEnvoyeSchema = z
  .object({
    organisation: z.string(),
    envoyeA: z.number().int().meta({ description: 'Le nombre de contacts à qui le lien est envoyé' }),
    expireLe: z.iso.datetime(),
  })
  .meta({ title: 'Lien d’orientation envoyé' });

export const cleApiSchema = z
  .object({ id: z.string(), creePar: z.string(), creeLe: z.iso.datetime(), utiliseeLe: z.iso.datetime().nullable() })
  .meta({ title: 'Clé d’accès' });

export const cleApiCreeeSchema = z
  .object({
    id: z.string(),
    cle: z.string().meta({ description: 'La clé, montrée cette fois seulement' }),
    organisation: z.string(),
    message: z.string(),
  })
  .meta({ title: 'Clé d’accès créée' });

export const orientationTransmiseSchema = z
  .object({
    reference: z.string().meta({ example: 'OR-2612-7F3C0A' }),
    statut: z.literal('recue'),
    nonEligible: z.string().nullable().meta({ description: 'Le critère du programme que le ménage ne semble pas remplir' }),
    message: z.string(),
  })
  .meta({ title: 'Orientation transmise' });

export const suiviOrientationSchema = z
  .object({
    reference: z.string(),
    statut: z.enum(['recue', 'acceptee', 'refusee']),
    recueLe: z.iso.datetime(),
    traiteeLe: z.iso.datetime().optional(),
    motifRefus: z.string().optional(),
  })
  .meta({ title: 'Suivi d’une orientation' });

/** Le formulaire de la page d'orientation : les champs de la fiche, nommés comme la page les nomme. */
export const formulaireOrientationSchema = z
  .record(z.string(), z.string())
  .meta({ description: 'Les champs de la fiche d’orientation (ceux de la page), en texte' });
