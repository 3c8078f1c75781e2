/**
 * La fiche d'orientation qu'un partenaire (le bailleur — proximité, recouvrement, contentieux,
 * action sociale — ou un service social) remplit par son lien : qui oriente, le ménage, sa
 * situation (les mêmes champs que le lancement d'un parcours de prévention) et l'accord du ménage.
 */
import { z } from 'zod';
import '../domain/zod-fr';
import { adresseCourrielSchema, ligneTexte, menageSchema, situationSchema } from '../domain/schemas';

export const SERVICES_ORIENTEURS = ['proximite', 'recouvrement', 'contentieux', 'action_sociale', 'service_social', 'autre'] as const;
export type ServiceOrienteur = (typeof SERVICES_ORIENTEURS)[number];

export const LIBELLES_SERVICES_ORIENTEURS: Record<ServiceOrienteur, string> = {
  proximite: 'Service de proximité (gardien, agence)',
  recouvrement: 'Recouvrement',
  contentieux: 'Contentieux',
  action_sociale: 'Chargée d’action sociale du bailleur',
  service_social: 'Service social (département, CCAS)',
  autre: 'Autre service',
};

export const ficheOrientationSchema = z
  .object({
    oriente: z
      .object({
        nom: ligneTexte('nom', 2, 120).meta({ description: 'Votre nom', example: 'Sandrine Morel' }),
        courriel: adresseCourrielSchema.meta({
          description: 'Votre adresse électronique (la réponse de la coordination y sera envoyée)',
          example: 's.morel@plurial-novilia.example',
        }),
        service: z.enum(SERVICES_ORIENTEURS, { error: 'choisissez votre service' }).meta({ description: 'Votre service' }),
      })
      .strict(),
    menage: menageSchema.omit({ reference: true }),
    situation: situationSchema,
    consentement: z.literal(true, { error: 'le ménage doit avoir été informé de cette orientation et l’avoir acceptée' }).meta({
      description: 'Le ménage a été informé de cette orientation et l’accepte',
    }),
  })
  .strict()
  .meta({ title: 'Fiche d’orientation' });

export type FicheOrientation = z.output<typeof ficheOrientationSchema>;

export const decisionOrientationSchema = z.discriminatedUnion(
  'decision',
  [
    z
      .object({
        decision: z.literal('accepter'),
        travailleurSocial: z
          .string()
          .regex(/^[a-z0-9._-]{2,40}$/, 'identifiant de compte invalide')
          .optional(),
        bailleur: z
          .string()
          .regex(/^[a-z0-9-]{3,60}--[a-z0-9-]{2,60}$/, 'identifiant d’organisation de l’annuaire attendu')
          .optional(),
      })
      .strict(),
    z.object({ decision: z.literal('refuser'), motif: ligneTexte('motif', 3, 500) }).strict(),
  ],
  { error: 'décision attendue : « accepter » ou « refuser »' },
);

/** Une orientation telle que l'API la rend à la coordination. */
export const orientationSortieSchema = z
  .object({
    id: z.string(),
    reference: z.string(),
    statut: z.enum(['recue', 'acceptee', 'refusee']),
    recueLe: z.iso.datetime(),
    organisation: z.object({ id: z.string(), nom: z.string(), type: z.string(), libelleType: z.string() }),
    orientePar: z.object({ nom: z.string(), courriel: z.string(), service: z.enum(SERVICES_ORIENTEURS), libelleService: z.string() }),
    menage: z.record(z.string(), z.unknown()),
    situation: z.record(z.string(), z.unknown()),
    nonEligible: z.string().nullable().meta({ description: 'Le motif de non-éligibilité selon les règles du programme, sinon null' }),
    contactAvant: z.iso.datetime().optional().meta({
      description:
        'Programme dont le délai de contact court depuis le signalement du bailleur (loiret-ahu) : la date limite du premier contact, comptée depuis la réception de l’orientation',
    }),
    delaiContactEcoule: z.boolean().optional().meta({
      description: 'Ce délai est déjà passé : acceptée, l’orientation donnerait un parcours clos aussitôt « contact impossible »',
    }),
    workflowId: z.string().optional(),
    lancementEnCours: z.literal(true).optional().meta({
      description: 'Acceptée, son parcours pas encore noté lancé : il le sera, ou l’orientation redeviendra à décider (lancement interrompu)',
    }),
    motifRefus: z.string().optional(),
    traiteePar: z.string().optional(),
    traiteeLe: z.iso.datetime().optional(),
  })
  .meta({ title: 'Orientation reçue' });
