/**
 * L'API du parcours « protocole post-résiliation » : données de lancement (la résiliation du bail)
 * et messages du travailleur social et de la coordination, validés par zod, avec des exemples en
 * français pour l'OpenAPI. Les règles du cadre légal (2 ans au plus, avenant de 3 ans au plus,
 * message hors étape, clôture en échec sans orientation…) sont tenues par le workflow, qui refuse
 * avec sa raison. Le bailleur, lui, répond chaque mois au lien signé du paiement (api/routes/liens.ts).
 */
import { z } from 'zod';
import '../domain/zod-fr';
import { dateDebutSchema, dateFaitSchema, montantSchema } from '../domain/schemas';
import {
  accompagnementUpdate,
  avenantUpdate,
  cloturerProtocoleUpdate,
  DISPOSITIFS_ORIENTATION,
  ISSUES_PROTOCOLE,
  NATURES_ACCOMPAGNEMENT,
  nouveauBailUpdate,
  orientationUpdate,
  paiementUpdate,
  ruptureUpdate,
  signatureProtocoleUpdate,
  STATUTS_PAIEMENT,
  type EntreeProtocole,
  type Resiliation,
} from '../domain/protocole';
import { definirMessage, type DefinitionParcours } from './registre';

/** Le jour d'un fait survenu (jugement, signature, visite, décision) : pas dans le futur. */
const date = (description: string, example: string) => dateFaitSchema().meta({ description, example });
/** Le premier jour du protocole ou d'un bail : au plus 6 mois après aujourd'hui. */
const debut = (quoi: string, description: string, example: string) => dateDebutSchema(quoi).meta({ description, example });
const euros = (description: string, example: number) => montantSchema().meta({ description, example });
/** Une mensualité, une indemnité : supérieure à zéro, 100 000 € au plus. */
const mensuel = () => montantSchema({ strict: true, max: 100_000 });

export const resiliationSchema = z
  .object({
    jugementDu: date('Date du jugement qui a résilié le bail', '2026-03-12'),
    juridiction: z.string().trim().min(2).max(120).optional().meta({ example: 'Tribunal judiciaire de Reims' }),
    detteLocative: euros('Dette locative au jugement (€)', 3240),
  })
  .strict();

const planApurementSchema = z.object({
  dette: euros('Dette à rembourser (€)', 3240),
  mensualite: mensuel().meta({ description: 'Mensualité du plan d’apurement (€)', example: 135 }),
});

const signatureSchema = z.object({
  signeLe: date('Date de signature du protocole', '2026-04-02'),
  debut: debut('le protocole', 'Premier jour du protocole (premier mois d’indemnité d’occupation)', '2026-04-01'),
  dureeMois: z.number().int().min(1).max(120).meta({ description: 'Durée en mois : 24 au plus (2 ans, la limite de la loi)', example: 24 }),
  indemniteOccupation: mensuel().meta({ description: 'Indemnité d’occupation mensuelle (€)', example: 420 }),
  planApurement: planApurementSchema,
  signataires: z
    .object({ bailleur: z.boolean(), occupant: z.boolean() })
    .meta({ description: 'Le protocole est signé par le bailleur et par l’occupant', example: { bailleur: true, occupant: true } }),
});
const accompagnementSchema = z.object({
  nature: z.enum(NATURES_ACCOMPAGNEMENT).meta({ example: 'visite_domicile' }),
  le: date('Date de la visite ou du rendez-vous', '2026-05-14').optional(),
  note: z.string().trim().max(4000).optional().meta({ description: 'Confidentiel : jamais transmis au bailleur' }),
});
const paiementSchema = z.object({
  mois: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'mois attendu au format AAAA-MM')
    .meta({ description: 'Mois du protocole', example: '2026-05' }),
  statut: z.enum(STATUTS_PAIEMENT).meta({ example: 'paye' }),
  montant: euros('Montant reçu (€) ; par défaut le montant attendu si payé, 0 sinon', 555).optional(),
  commentaire: z.string().trim().max(2000).optional().meta({ description: 'Confidentiel' }),
});
const ruptureSchema = z.object({
  decideeLe: date('Date de la décision du bailleur', '2026-11-20').optional(),
  motif: z.string().trim().min(3, 'motif requis').max(1000).meta({ example: 'Trois mois d’indemnité impayés malgré les relances' }),
});
const avenantSchema = z.object({
  signeLe: date('Date de signature de l’avenant', '2026-09-10'),
  prolongationMois: z
    .number()
    .int()
    .min(1)
    .max(60)
    .meta({ description: 'Prolongation en mois : 36 au plus en tout (3 ans, la limite de la loi)', example: 12 }),
  planApurement: planApurementSchema.meta({ description: 'Le plan d’apurement renégocié (dette restante, nouvelle mensualité)' }),
  indemniteOccupation: mensuel().optional().meta({ description: 'Nouvelle indemnité d’occupation (€), si elle change' }),
});
const orientationSchema = z.object({
  dispositif: z.enum(DISPOSITIFS_ORIENTATION).meta({ example: 'residence_sociale' }),
  precision: z.string().trim().max(300).optional().meta({ description: 'Structure, commune… (confidentiel)', example: 'Résidence sociale Croix-Rouge' }),
});
const nouveauBailSchema = z.object({
  signeLe: date('Date de signature du nouveau bail', '2026-10-20'),
  dateEffet: debut('le nouveau bail', 'Prise d’effet du nouveau bail', '2026-11-01').optional(),
});
const clotureSchema = z.object({
  issue: z.enum(ISSUES_PROTOCOLE),
  motif: z.string().trim().max(500).optional(),
});

export const PARCOURS_PROTOCOLE: DefinitionParcours = {
  typeParcours: 'protocole_post_resiliation',
  workflowType: 'protocolePostResiliation',
  schemaLancement: z.object({ resiliation: resiliationSchema }),
  exempleLancement: { resiliation: { jugementDu: '2026-03-12', juridiction: 'Tribunal judiciaire de Reims', detteLocative: 3240 } },
  construireEntree: (c): EntreeProtocole => ({
    programme: c.programme,
    menage: c.menage,
    coordinateur: c.coordinateur,
    travailleurSocial: c.travailleurSocial,
    resiliation: (c.donnees as { resiliation: Resiliation }).resiliation,
  }),
  courrielsAuMenage: (etat) =>
    etat.details.protocole
      ? 'Le protocole est signé : ce parcours n’écrira plus de lui-même à l’occupant ; le résumé de son protocole (ses engagements) lui part depuis « Documents ».'
      : 'Le parcours écrira à cette adresse ses engagements, quand le protocole sera signé (un SMS l’annonce si l’occupant les accepte).',
  messages: {
    'signature-protocole': definirMessage({
      update: signatureProtocoleUpdate,
      schema: signatureSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Protocole de cohésion sociale signé par le bailleur et l’occupant (2 ans au plus)',
      exemple: {
        signeLe: '2026-04-02',
        debut: '2026-04-01',
        dureeMois: 24,
        indemniteOccupation: 420,
        planApurement: { dette: 3240, mensualite: 135 },
        signataires: { bailleur: true, occupant: true },
      },
    }),
    accompagnement: definirMessage({
      update: accompagnementUpdate,
      schema: accompagnementSchema,
      roles: ['travailleur_social'],
      libelle: 'Visite à domicile, rendez-vous, médiation avec le bailleur (accompagnement renforcé)',
      exemple: { nature: 'visite_domicile', le: '2026-05-14', note: 'Budget revu ensemble, dossier FSL en cours' },
    }),
    paiement: definirMessage({
      update: paiementUpdate,
      schema: paiementSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Paiement d’un mois (indemnité d’occupation et plan d’apurement) constaté par l’équipe',
      exemple: { mois: '2026-05', statut: 'paye', montant: 555 },
    }),
    rupture: definirMessage({
      update: ruptureUpdate,
      schema: ruptureSchema,
      roles: ['coordinateur'],
      libelle: 'Rupture du protocole décidée par le bailleur (enregistrée par la coordination)',
      exemple: { decideeLe: '2026-11-20', motif: 'Trois mois d’indemnité impayés malgré les relances' },
    }),
    avenant: definirMessage({
      update: avenantUpdate,
      schema: avenantSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Avenant : prolongation du protocole avec un plan d’apurement renégocié (3 ans au plus en tout)',
      exemple: { signeLe: '2026-09-10', prolongationMois: 12, planApurement: { dette: 1450, mensualite: 120 } },
    }),
    orientation: definirMessage({
      update: orientationUpdate,
      schema: orientationSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Orientation du ménage : hébergement, résidence sociale ou logement adapté',
      exemple: { dispositif: 'residence_sociale', precision: 'Résidence sociale Croix-Rouge' },
    }),
    'nouveau-bail': definirMessage({
      update: nouveauBailUpdate,
      schema: nouveauBailSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Nouveau bail signé par le bailleur (clôt le parcours)',
      exemple: { signeLe: '2026-10-20', dateEffet: '2026-11-01' },
    }),
    cloture: definirMessage({
      update: cloturerProtocoleUpdate,
      schema: clotureSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Clôture : orientation vers un hébergement (orientation enregistrée d’abord) ou relogement',
      exemple: { issue: 'orientation_hebergement', motif: 'Maintien impossible, place en résidence sociale obtenue' },
    }),
  },
};
