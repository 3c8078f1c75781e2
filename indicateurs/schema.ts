/**
 * Le schéma zod d'une fiche d'indicateurs (domain/indicateurs.ts), pour les bordures : l'entrée de
 * l'activité `consignerIndicateurs` et la relecture des fichiers du registre. Strict : un champ
 * inconnu (une donnée personnelle glissée par erreur) est refusé.
 */
import { z } from 'zod';
import { ISSUES_CLOTURE, TYPES_PARCOURS } from '../domain/vocabulaire';
import { CLES_TRANCHES_RESSOURCES, type FicheIndicateurs } from '../domain/indicateurs';
import { STADES_PROCEDURE } from '../domain/prevention';

const date = z.iso.datetime();
const jours = z.number().int().min(0).max(100_000);

export const ficheIndicateursSchema = z.strictObject({
  workflowId: z.string().min(3).max(200),
  reference: z.string().min(1).max(100),
  typeParcours: z.enum(TYPES_PARCOURS),
  programme: z.strictObject({ id: z.string().regex(/^[a-z0-9-]{2,60}$/), version: z.number().int().positive() }),
  reperageLe: date,
  orienteLe: date.optional(),
  traiteLe: date.optional(),
  stadeProcedure: z.enum(STADES_PROCEDURE).optional(),
  contact: z
    .strictObject({
      etabliLe: date,
      delaiJours: jours,
      dansLeDelai: z.boolean().optional(),
      tentatives: z.number().int().min(0),
      parCanal: z.record(z.string(), z.number().int().min(0)).optional(),
    })
    .optional(),
  planAide: z.strictObject({ le: date }).optional(),
  asll: z.strictObject({ demandeeLe: date, decision: z.enum(['validee', 'refusee', 'sans_reponse']).optional(), decideeLe: date.optional() }).optional(),
  planApurement: z.strictObject({ fixeLe: date, respecte: z.boolean().optional(), constateLe: date.optional() }).optional(),
  reprisePaiement: z.strictObject({ valeur: z.enum(['totale', 'partielle', 'aucune']), le: date }).optional(),
  reprises: z
    .array(z.strictObject({ valeur: z.enum(['totale', 'partielle', 'aucune']), le: date }))
    .max(200)
    .optional(),
  mutation: z.strictObject({ demandeeLe: date }).optional(),
  relogement: z.strictObject({ le: date }).optional(),
  orientationDroitCommun: z.strictObject({ le: date }).optional(),
  cloture: z.strictObject({ le: date, issue: z.enum(ISSUES_CLOTURE), echec: z.boolean() }).optional(),
  iml: z
    .strictObject({
      candidatureLe: date,
      valideeSiaoLe: date.optional(),
      refusSiaoLe: date.optional(),
      entreeFileLe: date.optional(),
      placeAccordeeLe: date.optional(),
      attenteJours: jours.optional(),
      debutMesureLe: date.optional(),
      glissement: z.strictObject({ le: date, moment: z.enum(['6_mois', '12_mois', 'apres_prolongation']) }).optional(),
      prolongations: z.array(date).max(50),
      dureeMois: z.number().int().min(0).max(600).optional(),
      finMesureLe: date.optional(),
      obstacles: z.array(z.string().regex(/^[a-z_]{2,40}$/)).max(20),
      profil: z
        .strictObject({
          composition: z
            .string()
            .regex(/^[a-z_]{2,40}$/)
            .optional(),
          structure: z
            .string()
            .regex(/^[a-z_]{2,40}$/)
            .optional(),
        })
        .optional(),
      ressources: z.enum(CLES_TRANCHES_RESSOURCES).optional(),
      hebergement: z
        .strictObject({ moisALaCandidature: z.number().int().min(0).max(1200).optional(), moisALaSortie: z.number().int().min(0).max(1200).optional() })
        .optional(),
      accompagnement: z
        .strictObject({
          rendezVous: z.number().int().min(0),
          visitesDomicile: z.number().int().min(0),
          liensPartenaires: z.number().int().min(0),
          axes: z.array(z.string().regex(/^[a-z_]{2,40}$/)).max(20),
        })
        .optional(),
    })
    .optional(),
  protocole: z
    .strictObject({
      signeLe: date.optional(),
      terme: date.optional(),
      respecteLe: date.optional(),
      rompuLe: date.optional(),
      avenants: z.array(date).max(50),
      nouveauBail: z.strictObject({ signeLe: date, delaiJours: jours.optional() }).optional(),
      finLe: date.optional(),
      moisVerifies: z
        .array(z.string().regex(/^\d{4}-\d{2}$/))
        .max(120)
        .optional(),
      moisAvecPaiement: z
        .array(z.string().regex(/^\d{4}-\d{2}$/))
        .max(120)
        .optional(),
    })
    .optional(),
}) satisfies z.ZodType<FicheIndicateurs>;

export const consignationSchema = z.strictObject({
  fiche: ficheIndicateursSchema,
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
export type Consignation = z.infer<typeof consignationSchema>;
