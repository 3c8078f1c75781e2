/**
 * L'API du parcours « IML sortie de structure, bail glissant » : données de lancement (la
 * candidature) et messages du travailleur social et de la coordination, validés par zod, avec des
 * exemples en français pour l'OpenAPI. Les règles d'étape (message hors étape, prolongation
 * au-delà de 18 mois…) sont tenues par le workflow, qui refuse avec sa raison.
 */
import { z } from 'zod';
import '../domain/zod-fr';
import { dateDebutSchema, dateFaitSchema, montantSchema } from '../domain/schemas';
import {
  AXES_ACCOMPAGNEMENT,
  bilanAvecDecision,
  bilanMesureUpdate,
  candidatureUpdate,
  conditionsGlissementUpdate,
  decisionSiaoUpdate,
  DECISIONS_BILAN,
  DECISIONS_GLISSEMENT,
  DISPOSITIFS_ORIENTATION,
  finMesureUpdate,
  FREINS_SORTIE,
  ISSUES_FIN_MESURE,
  logementUpdate,
  memeBailleur,
  motifLogement,
  loyerUpdate,
  NATURES_ACCOMPAGNEMENT,
  PAIEMENTS_LOYER,
  rendezVousUpdate,
  SITUATIONS_MENAGE,
  STATUTS_LOYER,
  STRUCTURES_HEBERGEMENT,
  TYPES_BAILLEUR,
  TYPOLOGIES,
  type Candidature,
  type EntreeIml,
} from '../domain/iml';
import { definirMessage, type DefinitionParcours, type PreparationMessage } from './registre';

/** Le jour d'un fait survenu (entrée dans la structure, rendez-vous) : pas dans le futur. */
const date = (description: string, example: string) => dateFaitSchema().meta({ description, example });
/** Le premier jour d'un bail ou de la sous-location : au plus 6 mois après aujourd'hui. */
const debut = (quoi: string, description: string, example: string) => dateDebutSchema(quoi).meta({ description, example });

export const candidatureSchema = z
  .object({
    structure: z.enum(STRUCTURES_HEBERGEMENT).meta({ description: 'Structure où le ménage est hébergé par l’opérateur', example: 'chrs' }),
    hebergeDepuis: date('Entrée dans la structure', '2026-02-15').optional(),
    pretASortir: z
      .literal(true, { error: 'le ménage doit être jugé « prêt à sortir » vers le logement' })
      .meta({ description: 'Le ménage est jugé prêt à sortir', example: true }),
    budgetTravaille: z
      .literal(true, { error: 'la question du budget doit avoir été travaillée en amont' })
      .meta({ description: 'Le budget a été travaillé en amont', example: true }),
    typologieRecherchee: z.enum(TYPOLOGIES).optional().meta({ example: 'T2' }),
    secteurs: z
      .array(z.string().trim().min(2).max(80))
      .max(10)
      .optional()
      .meta({ example: ['Concarneau', 'Trégunc'] }),
    ressourcesMensuelles: montantSchema({ max: 20_000 }).optional().meta({
      description:
        'Salaires, prestations et autres ressources du ménage par mois : comptées par tranche dans le rapport d’activité, jamais transmises aux partenaires',
      example: 980,
    }),
    notes: z.string().trim().max(4000).optional().meta({ description: 'Confidentiel : jamais transmis aux partenaires' }),
  })
  .strict();

const orientationSchema = z.object({
  dispositif: z.enum(DISPOSITIFS_ORIENTATION).meta({ example: 'residence_sociale' }),
  precision: z.string().trim().max(300).optional().meta({ example: 'Résidence sociale de Quimper' }),
});

const decisionSiaoSchema = z.object({
  decision: z.enum(['validee', 'refusee']),
  motif: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .meta({ description: 'La raison d’un refus de la commission', 'x-obligatoire-selon': 'obligatoire pour un refus' }),
});
const logementSchema = z.object({
  bailleur: z.object({
    type: z.enum(TYPES_BAILLEUR),
    nom: z.string().trim().min(2).max(120),
    courriel: z.email('adresse électronique invalide').optional().meta({
      description:
        'Adresse du bailleur du logement, obligatoire quand il n’est pas dans l’annuaire du programme (un propriétaire privé) : les courriels de la mesure y iront',
    }),
    conventionne: z.boolean().meta({ description: 'Le bailleur a conventionné avec l’opérateur pour l’IML' }),
  }),
  adresse: z.string().trim().min(5).max(300).meta({ description: 'Adresse du logement (confidentielle)' }),
  typologie: z.enum(TYPOLOGIES),
  loyerMensuel: montantSchema({ strict: true, max: 5000 }).optional(),
  debutBailPrincipal: debut('le bail principal', 'Début du bail principal (bailleur → opérateur)', '2026-06-01'),
  debutSousLocation: debut('la sous-location', 'Le jour où l’opérateur sous-loue le logement au ménage : la mesure commence ce jour-là', '2026-06-01'),
});
/**
 * Le logement trouvé et le bailleur du ménage, avant d'aller au parcours (dont le courriel du début de
 * mesure part aussitôt) :
 * - chez le bailleur du ménage (même nom) : rien à faire ;
 * - chez un autre bailleur de l'annuaire du programme, reconnu à son nom : il devient le bailleur du
 *   ménage (changement tracé, motif « Logement trouvé chez … ») ; deux bailleurs reconnus : refusé, le
 *   nom entier demandé ;
 * - chez un bailleur hors de l'annuaire : son adresse électronique est exigée, sinon les courriels de la
 *   mesure iraient au bailleur du ménage, qui n'a pas ce logement.
 */
const bailleurDuLogement: PreparationMessage<z.output<typeof logementSchema>> = async (l, x) => {
  // Un logement que le parcours refusera (bailleur non conventionné, dates) ne change rien : le parcours dit pourquoi.
  if (x.etape !== 'recherche_logement' || !x.programme || motifLogement(l, x.programme.operateur.nom, new Date())) return undefined;
  const menage = await x.bailleurDuMenage();
  if (menage && memeBailleur(l.bailleur.nom, menage.nom)) return undefined;
  const reconnus = (await x.bailleursDuProgramme()).filter((b) => b.id !== menage?.id && memeBailleur(l.bailleur.nom, b.nom));
  if (reconnus.length > 1)
    return {
      champ: 'bailleur.nom',
      raison: `plusieurs bailleurs de l’annuaire portent ce nom (${reconnus.map((b) => `« ${b.nom} »`).join(', ')}) : écrivez-le en entier`,
    };
  if (reconnus.length === 1) {
    await x.changerBailleurDuMenage(reconnus[0]!.id, `Logement trouvé chez ${reconnus[0]!.nom}`);
    return undefined;
  }
  if (l.bailleur.courriel || !menage) return undefined;
  return {
    champ: 'bailleur.courriel',
    raison: `le logement est chez « ${l.bailleur.nom} », qui n’est pas dans l’annuaire du programme, et non chez ${menage.nom}, le bailleur du ménage, à qui iraient les courriels de la mesure : donnez l’adresse électronique du bailleur du logement (un propriétaire sans adresse électronique : la coordination l’ajoute à l’annuaire, sans contact, ses courriels iront alors à la coordination ; puis écrivez ici son nom)`,
  };
};

const rendezVousSchema = z.object({
  nature: z.enum(NATURES_ACCOMPAGNEMENT),
  le: date('Date du rendez-vous ou de la visite', '2026-07-09').optional(),
  axes: z.array(z.enum(AXES_ACCOMPAGNEMENT)).max(AXES_ACCOMPAGNEMENT.length).default([]),
  note: z.string().trim().max(4000).optional().meta({ description: 'Confidentiel' }),
});
const loyerSchema = z.object({
  mois: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'mois attendu au format AAAA-MM')
    .meta({ example: '2026-07' }),
  statut: z.enum(STATUTS_LOYER),
  montantPaye: montantSchema({ max: 5000 }).optional(),
});
const bilanMesureSchema = z.object({
  paiementLoyer: z.enum(PAIEMENTS_LOYER),
  situation: z.enum(SITUATIONS_MENAGE),
  bailleurPresent: z.boolean(),
  menagePresent: z.boolean(),
  decision: z.enum(DECISIONS_BILAN).optional().meta({ description: 'Au bilan à 6 mois seulement : poursuivre 6 mois ou faire glisser le bail' }),
  axes: z.array(z.enum(AXES_ACCOMPAGNEMENT)).max(AXES_ACCOMPAGNEMENT.length).optional(),
  freins: z.array(z.enum(FREINS_SORTIE)).max(FREINS_SORTIE.length).optional().meta({ description: 'Freins à la sortie (confidentiel, bilan d’activité)' }),
  notes: z.string().trim().max(4000).optional().meta({ description: 'Confidentiel' }),
});
const conditionsGlissementSchema = z.object({
  loyerPayeRegulierement: z.boolean(),
  situationStable: z.boolean(),
  decision: z.enum(DECISIONS_GLISSEMENT),
  motif: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .meta({ description: 'Obligatoire pour une prolongation ou une fin avec orientation (confidentiel)', 'x-obligatoire-selon': 'selon la décision' }),
  dureeMois: z.number().int().min(1).max(12).optional().meta({ description: 'Durée de la prolongation (par défaut celle du programme)' }),
  orientation: orientationSchema
    .optional()
    .meta({ description: 'Pour une fin avec orientation : le dispositif vers lequel le ménage est orienté', 'x-obligatoire-selon': 'selon la décision' }),
  notes: z.string().trim().max(4000).optional(),
});
const finMesureSchema = z.object({
  issue: z.enum(ISSUES_FIN_MESURE),
  motif: z.string().trim().min(3, 'motif requis').max(1000),
  orientation: orientationSchema
    .optional()
    .meta({ description: 'Pour une fin avec orientation : le dispositif vers lequel le ménage est orienté', 'x-obligatoire-selon': 'selon l’issue' }),
});

export const PARCOURS_IML: DefinitionParcours = {
  typeParcours: 'iml_bail_glissant',
  workflowType: 'imlBailGlissant',
  schemaLancement: z.object({
    candidature: candidatureSchema.optional().meta({
      description:
        'À remplir si le dossier de candidature est complet : ménage jugé prêt à sortir, budget travaillé en amont. Sinon, la candidature s’enregistre plus tard, sur la page du parcours.',
    }),
  }),
  exempleLancement: {
    candidature: {
      structure: 'chrs',
      hebergeDepuis: '2026-02-15',
      pretASortir: true,
      budgetTravaille: true,
      typologieRecherchee: 'T2',
      secteurs: ['Concarneau'],
    },
  },
  construireEntree: (c): EntreeIml => ({
    programme: c.programme,
    menage: c.menage,
    coordinateur: c.coordinateur,
    travailleurSocial: c.travailleurSocial,
    candidature: (c.donnees as { candidature?: Candidature }).candidature,
  }),
  courrielsAuMenage: (etat) =>
    etat.details.mesure
      ? 'Le parcours écrira à cette adresse au glissement du bail (un SMS l’annonce si le ménage les accepte).'
      : 'Le parcours écrira à cette adresse au début de sa sous-location, avec le livret du bail glissant, puis au glissement du bail (un SMS les annonce si le ménage les accepte).',
  messages: {
    candidature: definirMessage({
      update: candidatureUpdate,
      schema: candidatureSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Candidature du ménage hébergé (structure, prêt à sortir, budget travaillé)',
      exemple: { structure: 'alt', pretASortir: true, budgetTravaille: true, typologieRecherchee: 'T1bis', secteurs: ['Concarneau', 'Rosporden'] },
    }),
    'decision-siao': definirMessage({
      update: decisionSiaoUpdate,
      schema: decisionSiaoSchema,
      roles: ['coordinateur'],
      libelle: 'Décision de la commission SIAO obtenue hors du lien (après une demande restée sans réponse)',
      exemple: { decision: 'validee', motif: 'Validée en commission du 14 avril' },
    }),
    logement: definirMessage({
      update: logementUpdate,
      schema: logementSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Logement trouvé : bail principal et sous-location',
      preparer: bailleurDuLogement,
      precision:
        'Avant d’aller au parcours, le bailleur nommé est comparé à celui du ménage et à l’annuaire du programme : un autre bailleur de l’annuaire devient le bailleur du ménage (changement tracé, par qui envoie le message) ; un bailleur hors de l’annuaire doit avoir son adresse électronique, et un nom qui désigne deux bailleurs de l’annuaire est refusé (400, le champ nommé). Un logement que le parcours refusera ne change rien.',
      exemple: {
        bailleur: { type: 'public', nom: 'Finistère Habitat', conventionne: true },
        adresse: '4 impasse des Mouettes, 29900 Concarneau',
        typologie: 'T2',
        loyerMensuel: 385,
        debutBailPrincipal: '2026-06-01',
        debutSousLocation: '2026-06-01',
      },
    }),
    'rendez-vous': definirMessage({
      update: rendezVousUpdate,
      schema: rendezVousSchema,
      roles: ['travailleur_social'],
      libelle: 'Rendez-vous, visite à domicile ou lien avec un partenaire',
      exemple: { nature: 'visite_domicile', le: '2026-07-09', axes: ['budget', 'savoir_habiter'], note: 'Installation réussie, premier budget tenu' },
    }),
    loyer: definirMessage({
      update: loyerUpdate,
      schema: loyerSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Loyer du mois constaté par la gestion locative (payé, partiel, impayé)',
      exemple: { mois: '2026-07', statut: 'paye' },
    }),
    'bilan-mesure': definirMessage({
      update: bilanMesureUpdate,
      schema: bilanMesureSchema,
      roles: ['travailleur_social'],
      libelle: 'Bilan de mesure (à 6 mois avec le bailleur et le ménage, et sa décision ; à 10 mois)',
      // La décision n'appartient qu'au premier bilan : le formulaire ne l'offre qu'à lui.
      choixPossible: (champ, _valeur, etat) => champ !== 'decision' || bilanAvecDecision(etat),
      exemple: { paiementLoyer: 'regulier', situation: 'stable', bailleurPresent: true, menagePresent: true, decision: 'poursuivre', axes: ['budget'] },
    }),
    'conditions-glissement': definirMessage({
      update: conditionsGlissementUpdate,
      schema: conditionsGlissementSchema,
      roles: ['travailleur_social'],
      libelle: 'Conditions du glissement évaluées : glissement, prolongation motivée ou fin avec orientation',
      exemple: { loyerPayeRegulierement: true, situationStable: true, decision: 'glissement' },
    }),
    'fin-mesure': definirMessage({
      update: finMesureUpdate,
      schema: finMesureSchema,
      roles: ['travailleur_social', 'coordinateur'],
      libelle: 'Fin de la mesure avant le glissement (orientation, départ du logement, le ménage met fin)',
      exemple: { issue: 'fin_avec_orientation', motif: 'Besoin d’un cadre plus accompagné', orientation: { dispositif: 'pension_de_famille' } },
    }),
  },
};
