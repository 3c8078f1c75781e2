/**
 * L'API du parcours « prévention précontentieuse » : données de lancement et messages du
 * travailleur social, validés par zod, avec des exemples en français pour l'OpenAPI.
 */
import { z } from 'zod';
import '../domain/zod-fr';
import {
  ACTIONS_PLAN,
  bilanUpdate,
  CANAUX_CONTACT,
  cloturerUpdate,
  CRENEAUX,
  decisionComiteUpdate,
  DECISIONS_COMITE,
  diagnosticUpdate,
  incoherenceDiagnostic,
  incoherencePlan,
  incoherenceDecisionComite,
  incoherenceSuiteSansReponse,
  incoherenceTentative,
  ISSUES_PREVENTION,
  ISSUES_TENTATIVE,
  ORIENTATIONS_PLAN,
  passageDroitCommunUpdate,
  planAideUpdate,
  REPRISES_PAIEMENT,
  rechuteEquipeUpdate,
  SUITES_SANS_REPONSE,
  suiteSansReponseDepartementUpdate,
  raisonIssueImpossible,
  refusEntretienTripartite,
  tentativeContactUpdate,
  type EntreePrevention,
} from '../domain/prevention';
import { dateEnFrancais, jourDeParis } from '../domain/durees';
import { adresseCourrielSchema, montantSchema, situationSchema } from '../domain/schemas';
import type { IssueCloture } from '../domain/vocabulaire';
import { definirMessage, type DefinitionParcours } from './registre';

const tentativeSchema = z
  .object({
    canal: z.enum(CANAUX_CONTACT),
    creneau: z.enum(CRENEAUX).optional().meta({
      description: 'Obligatoire pour une visite, un appel ou un rendez-vous ; sans objet pour un courrier ou un courriel.',
      'x-obligatoire-selon': 'selon le canal',
    }),
    issue: z.enum(ISSUES_TENTATIVE),
    note: z.string().trim().max(2000).optional(),
  })
  .superRefine((t, ctx) => {
    const x = incoherenceTentative(t);
    if (x) ctx.addIssue({ code: 'custom', path: [x.champ], message: x.raison });
  });
const diagnosticSchema = z
  .object({
    origineDette: z.string().trim().min(1).max(2000),
    droits: z.string().trim().max(2000).default(''),
    budget: z.string().trim().max(2000).default(''),
    adequationLogement: z.string().trim().max(2000).default(''),
    dispositifsExpliques: z
      .boolean()
      .default(false)
      .meta({ description: 'Les dispositifs existants adaptés à la situation (FSL, ASLL, aides…) ont été présentés au ménage' }),
    proceduresExpliquees: z.boolean().default(false).meta({ description: 'Le ménage a été informé des procédures qui peuvent être engagées contre lui' }),
    notes: z.string().trim().max(4000).optional(),
    termine: z.boolean(),
    carnetDeRoute: z
      .array(z.string().trim().min(1).max(300))
      .max(30)
      .optional()
      .meta({ description: 'Au moins une démarche pour conclure le diagnostic', 'x-obligatoire-selon': 'obligatoire si le diagnostic est terminé' }),
  })
  .superRefine((x, ctx) => {
    const i = incoherenceDiagnostic(x);
    if (i) ctx.addIssue({ code: 'custom', path: [i.champ], message: i.raison });
  });
const planSchema = z
  .object({
    actions: z.array(z.enum(ACTIONS_PLAN)).min(1, 'au moins une action'),
    orientations: z.array(z.enum(ORIENTATIONS_PLAN)).default([]),
    planApurement: z
      .object({ mensualite: montantSchema({ strict: true, max: 100_000 }), dureeMois: z.number().int().min(1).max(120) })
      .optional()
      .meta({
        description: 'Obligatoire si le plan prévoit l’action « plan d’apurement » : sa mensualité et sa durée',
        'x-obligatoire-selon': 'selon les actions',
      }),
    demandeMutation: z.boolean().optional().meta({
      description:
        'Une demande de mutation est déposée ; absente, l’action « demande_mutation » du plan en décide. Le formulaire ne la propose pas : cocher l’action suffit.',
      'x-hors-formulaire': true,
    }),
  })
  .superRefine((x, ctx) => {
    const i = incoherencePlan(x);
    if (i) ctx.addIssue({ code: 'custom', path: [i.champ], message: i.raison });
  });
const bilanSchema = z.object({
  reprisePaiement: z.enum(REPRISES_PAIEMENT),
  planRespecte: z.boolean(),
  demarches: z.array(z.string().trim().min(1).max(300)).max(30).default([]),
  notes: z.string().trim().max(4000).optional(),
});
const suiteSansReponseSchema = z
  .object({
    suite: z.enum(SUITES_SANS_REPONSE).meta({ description: 'Relancer le département, ou faire revoir le plan avec ce qu’il a fait savoir' }),
    motif: z.string().trim().max(1000).optional().meta({
      description: 'Ce que le département a fait savoir (appel, courrier) : obligatoire pour faire revoir le plan',
      'x-obligatoire-selon': 'selon la suite',
    }),
  })
  .superRefine((x, ctx) => {
    const i = incoherenceSuiteSansReponse(x);
    if (i) ctx.addIssue({ code: 'custom', path: [i.champ], message: i.raison });
  });
const decisionComiteSchema = z
  .object({
    decision: z.enum(DECISIONS_COMITE).meta({ description: 'La décision du comité de suivi : intégrer le ménage, ou non' }),
    motif: z.string().trim().max(1000).optional().meta({
      description: 'Le motif de la décision : obligatoire pour ne pas intégrer le ménage',
      'x-obligatoire-selon': 'selon la décision',
    }),
  })
  .superRefine((x, ctx) => {
    const i = incoherenceDecisionComite(x);
    if (i) ctx.addIssue({ code: 'custom', path: [i.champ], message: i.raison });
  });
const rechuteSchema = z.object({
  observation: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .meta({ description: 'Ce que l’équipe a repéré (nouveaux impayés, difficultés) : transmis au nouveau parcours par le journal' }),
});
const passageSchema = z.object({
  service: z.string().trim().min(2).max(200),
  courrielService: adresseCourrielSchema.optional().meta({
    description: 'Adresse électronique du service qui prend le relais : il reçoit le courriel de passage de relais (sinon, les services sociaux du programme)',
    example: 'accueil@mds-orleans.example',
  }),
  entretienTripartite: z.boolean().default(false),
});
const clotureSchema = z.object({
  issue: z.enum(ISSUES_PREVENTION),
  motif: z.string().trim().max(500).optional(),
});

/**
 * Le jour où la commission impayés a désigné le ménage : les délais d'« aller vers » en partent. Pas
 * dans le futur (jour de Paris) ; une désignation plus ancienne que le délai donne une échéance déjà
 * dépassée, ce n'est pas une erreur.
 */
export const designationSchema = z.iso
  .date({ error: 'date AAAA-MM-JJ attendue', abort: true })
  .refine((jour) => jour <= jourDeParis(new Date()), 'la date de désignation ne peut pas être dans le futur')
  .meta({
    description: 'Jour de la désignation par la commission impayés : les délais du programme courent depuis cette date (par défaut : depuis le lancement)',
    example: '2026-11-18',
  });

/**
 * Le jour où le bailleur a signalé l'impayé (loiret-ahu) : le délai de contact en part. Pas dans le
 * futur (jour de Paris) ; l'orientation reçue par le formulaire des partenaires le donne d'elle-même.
 */
export const signalementSchema = z.iso
  .date({ error: 'date AAAA-MM-JJ attendue', abort: true })
  .refine((jour) => jour <= jourDeParis(new Date()), 'la date du signalement ne peut pas être dans le futur')
  .meta({
    description: 'Jour où le bailleur a signalé l’impayé : le délai de contact du programme court depuis cette date (par défaut : depuis le lancement)',
    example: '2026-11-18',
  });

export const PARCOURS_PREVENTION: DefinitionParcours = {
  typeParcours: 'prevention_precontentieuse',
  workflowType: 'preventionPrecontentieuse',
  schemaLancement: z
    .object({ situation: situationSchema, designeLe: designationSchema.optional(), signaleLe: signalementSchema.optional() })
    .superRefine((x, ctx) => {
      // Ni désigné par la commission impayés ni signalé par le bailleur avant le début du bail : une faute de frappe.
      // Un bail à venir a déjà son erreur (pas encore de loyers impayés) : c'est sa date qu'il faut revoir.
      if (x.situation.debutBail > jourDeParis(new Date())) return;
      for (const [chemin, quoi] of [
        ['designeLe', 'la désignation par la commission impayés'],
        ['signaleLe', 'le signalement de l’impayé'],
      ] as const) {
        const jour = x[chemin];
        if (jour && jour < x.situation.debutBail)
          ctx.addIssue({
            code: 'custom',
            path: [chemin],
            message: `${quoi} (le ${dateEnFrancais(jour)}) ne peut pas précéder le début du bail (le ${dateEnFrancais(x.situation.debutBail)})`,
          });
      }
    }),
  exempleLancement: {
    situation: {
      impayesMois: 2,
      montantDette: 812.4,
      debutBail: '2026-07-01',
      garantie: 'aucune',
      dejaTente: 'Deux relances écrites',
      contactBailleur: false,
      suiviParServiceSocial: false,
    },
  },
  champsSansObjet: (programme) => [
    ...(programme.options.designationCommissionImpayes
      ? []
      : [
          {
            chemin: 'designeLe',
            raison: `le programme « ${programme.nom} » ne reçoit pas de ménages désignés par la commission impayés : laissez ce champ vide`,
          },
        ]),
    ...(programme.options.delaisDepuisSignalement
      ? []
      : [
          {
            chemin: 'signaleLe',
            raison: `les délais du programme « ${programme.nom} » ne courent pas depuis le signalement du bailleur : laissez ce champ vide`,
          },
        ]),
    ...(programme.options.prioriteMenagesIsoles
      ? []
      : [{ chemin: 'situation.isole', raison: `le programme « ${programme.nom} » ne donne pas de priorité aux ménages isolés` }]),
    ...(programme.options.partageServiceSocialDepartement
      ? []
      : [
          {
            chemin: 'situation.gardeParServiceSocialDepartement',
            raison: `le programme « ${programme.nom} » n’a pas de partage des situations avec le service social du département`,
          },
        ]),
  ],
  construireEntree: (c): EntreePrevention => ({
    programme: c.programme,
    menage: c.menage,
    coordinateur: c.coordinateur,
    travailleurSocial: c.travailleurSocial,
    situation: (c.donnees as { situation: EntreePrevention['situation'] }).situation,
    ...((c.donnees as { designeLe?: string }).designeLe ? { designeLe: (c.donnees as { designeLe: string }).designeLe } : {}),
    ...((c.donnees as { signaleLe?: string }).signaleLe ? { signaleLe: (c.donnees as { signaleLe: string }).signaleLe } : {}),
  }),
  courrielsAuMenage: () => 'Ce parcours n’écrit au ménage qu’à l’orientation (la lettre d’information) : l’adresse est notée au dossier.',
  messages: {
    'tentative-contact': definirMessage({
      update: tentativeContactUpdate,
      schema: tentativeSchema,
      roles: ['travailleur_social'],
      libelle: 'Tentative de contact (canal, créneau, issue)',
      // Un courrier : le créneau, obligatoire pour une visite, un appel ou un rendez-vous, n'y a pas d'objet.
      exemple: { canal: 'courrier', issue: 'injoignable', note: 'Lettre d’invitation restée sans réponse' },
    }),
    diagnostic: definirMessage({
      update: diagnosticUpdate,
      schema: diagnosticSchema,
      roles: ['travailleur_social'],
      libelle: 'Entretien de diagnostic (confidentiel)',
      exemple: {
        origineDette: 'Perte d’emploi en mai',
        droits: 'APL à réviser',
        budget: 'Reste à vivre faible',
        adequationLogement: 'Logement adapté',
        termine: true,
        carnetDeRoute: ['Dossier FSL', 'RDV CAF'],
      },
    }),
    'plan-aide': definirMessage({
      update: planAideUpdate,
      schema: planSchema,
      roles: ['travailleur_social'],
      libelle: 'Plan d’aide contractualisé',
      // Sans plan d'apurement : il serait alors obligatoire (mensualité et durée), ce que l'exemple ne montrerait pas.
      exemple: { actions: ['ouverture_droits', 'fsl'], orientations: ['asll'] },
    }),
    'decision-comite': definirMessage({
      update: decisionComiteUpdate,
      schema: decisionComiteSchema,
      roles: ['coordinateur'],
      libelle: 'Décision du comité de suivi : intégrer le ménage ou non',
      exemple: { decision: 'integrer' },
    }),
    'departement-sans-reponse': definirMessage({
      update: suiteSansReponseDepartementUpdate,
      schema: suiteSansReponseSchema,
      roles: ['coordinateur'],
      libelle: 'Département sans réponse : relancer la demande ou faire revoir le plan',
      exemple: { suite: 'relancer' },
    }),
    bilan: definirMessage({
      update: bilanUpdate,
      schema: bilanSchema,
      roles: ['travailleur_social'],
      libelle: 'Bilan ou point de suivi',
      exemple: { reprisePaiement: 'partielle', planRespecte: true, demarches: ['Dossier FSL déposé'] },
    }),
    'passage-droit-commun': definirMessage({
      update: passageDroitCommunUpdate,
      schema: passageSchema,
      roles: ['travailleur_social'],
      libelle: 'Passage au droit commun',
      exemple: { service: 'Maison du Département — service social', entretienTripartite: true },
      controler: (x, programme) => {
        const raison = refusEntretienTripartite(programme, x);
        return raison ? { champ: 'entretienTripartite', raison } : undefined;
      },
    }),
    rechute: definirMessage({
      update: rechuteEquipeUpdate,
      schema: rechuteSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Veille active : signaler une rechute repérée par l’équipe (un nouvel accompagnement s’ouvre)',
      exemple: { observation: 'Deux loyers impayés depuis septembre, signalés par le gardien' },
    }),
    cloture: definirMessage({
      update: cloturerUpdate,
      schema: clotureSchema,
      roles: ['travailleur_social'],
      libelle: 'Clôture du parcours avec son issue',
      exemple: { issue: 'situation_stabilisee', motif: 'Loyer courant repris, dette soldée' },
      choixPossible: (champ, valeur, etat) => champ !== 'issue' || !raisonIssueImpossible(valeur as IssueCloture, etat),
    }),
  },
};
