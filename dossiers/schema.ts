/**
 * Ce que l'activité `consignerDossier` reçoit d'un parcours : son état (le journal depuis le premier
 * événement pas encore consigné), la fiche d'indicateurs du même instant et une version croissante.
 * Validé à la bordure de l'activité : une entrée mal formée est refusée sans rien écrire.
 */
import { z } from 'zod';
import { ISSUES_CLOTURE, TYPES_PARCOURS, type EtatParcours } from '../domain/vocabulaire';
import type { FicheIndicateurs } from '../domain/indicateurs';
import { ficheIndicateursSchema } from '../indicateurs/schema';

const date = z.iso.datetime();
const texte = (max: number) => z.string().max(max);

export const evenementJournalSchema = z.looseObject({
  seq: z.number().int().positive(),
  date,
  type: z.string().regex(/^[a-z0-9_]{1,60}$/),
  acteur: z.looseObject({ type: z.string().max(40) }),
  resume: texte(20_000),
  visibilite: z.enum(['partenaires', 'equipe']),
});

export const etatConsigneSchema = z.looseObject({
  workflowId: z.string().min(3).max(200),
  typeParcours: z.enum(TYPES_PARCOURS),
  programme: z.looseObject({ id: z.string().regex(/^[a-z0-9-]{2,60}$/), version: z.number().int().positive(), nom: texte(200) }),
  reference: z.string().min(1).max(100),
  etape: z.string().regex(/^[a-z0-9_]{1,60}$/),
  libelleEtape: texte(300),
  travailleurSocial: z.string().max(60).optional(),
  coordinateur: z.string().max(60).optional(),
  cloture: z.looseObject({ issue: z.enum(ISSUES_CLOTURE), motif: texte(5_000).optional(), le: date }).optional(),
  echeances: z
    .array(
      z.looseObject({
        id: z.string().max(100),
        libelle: texte(300),
        due: date,
        statut: z.enum(['en_cours', 'tenue', 'depassee', 'annulee']),
        responsable: z.string().max(60),
      }),
    )
    .max(5_000),
  demandes: z.array(z.looseObject({ id: z.string().max(200) })).max(5_000),
  journal: z.array(evenementJournalSchema).max(20_000),
  details: z.record(z.string(), z.unknown()),
  detailsConfidentiels: z.record(z.string(), z.unknown()),
});

export const consignationDossierSchema = z.strictObject({
  etat: etatConsigneSchema,
  /** Numéro (seq) du premier événement du journal transmis ; les précédents sont déjà consignés. */
  journalDepuis: z.number().int().min(1),
  fiche: ficheIndicateursSchema,
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/** L'entrée de l'activité, dans les types du domaine (le schéma ci-dessus la valide à la bordure). */
export interface ConsignationDossier {
  etat: EtatParcours;
  journalDepuis: number;
  fiche: FicheIndicateurs;
  version: number;
}
