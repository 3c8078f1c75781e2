/**
 * Le document OpenAPI 3.1 de l'API, produit par zod-to-openapi (OpenApiGeneratorV31) depuis un
 * registre où chaque opération est enregistrée avec les MÊMES schémas zod que ceux qui valident
 * ses requêtes (paramètres, corps) et décrivent ses réponses, y compris les schémas de lancement et
 * de messages du registre des parcours, avec des exemples en français.
 */
import { OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../domain/zod-fr';
import {
  affectationSchema,
  clotureAnticipeeSchema,
  envoiDocumentAuMenageSchema,
  menageSchema,
  reponseValidationSchema,
  requestIdSchema,
} from '../domain/schemas';
import { DOCUMENTS_AU_MENAGE, type DocumentAuMenage } from '../domain/messages';
import { LIBELLES_TYPE_PARCOURS, type TypeParcours } from '../domain/vocabulaire';
import type { Catalogue } from '../programmes/catalogue';
import { decisionOrientationSchema, ficheOrientationSchema, orientationSortieSchema } from '../orientations/schema';
import { changementReglagesSchema, reglagesProgrammeSchema, versionEnregistreeSchema } from '../programmes/versions';
import { connexionSchema } from './auth';
import {
  DocumentEnConstruction,
  estReference,
  json,
  pageHtml,
  reponse,
  SECURITE_PERSONNEL,
  type CheminJson,
  type DocumentGenere,
  type NomProbleme,
  type ReponseJson,
  type SchemaJson,
} from './openapi-commun';
import { ENVOIS_AU_MENAGE_PAR_JOUR } from './limite-envois';
import { cheminsPersonnel, composantsPersonnel, TAG_PERSONNEL } from './openapi-personnel';
import type { DefinitionMessage, RegistreParcours } from './registre';
import { requeteDocumentSchema } from './routes/documents';
import { idProgrammeEvaluationSchema, requeteIndicateursSchema } from './routes/indicateurs';
import { jetonLienSchema } from './routes/liens';
import { contactMenageSchema, etatContactMenageSchema } from './schemas-contact';
import { consentementPartageSchema, etatPartageSchema } from './schemas-partage';
import {
  annuaireSchema,
  bailleurParcoursSchema,
  changementBailleurSchema,
  contactSchema,
  documentOpenApiSchema,
  etatFileImlSchema,
  etatSchema,
  filtresListeSchema,
  idContactSchema,
  idOrganisationSchema,
  idProgrammeSchema,
  indicateursSchema,
  lancementReponseSchema,
  lancementSchema,
  liberationPlaceSchema,
  modificationOrganisationSchema,
  nouveauContactSchema,
  nouvelleOrganisationSchema,
  organisationSchema,
  payloadsSchema,
  placeRendueSchema,
  programmeSuiviSchema,
  quiSuisJeSchema,
  reponseActionSchema,
  reponseMessageSchema,
  resumeParcoursSchema,
  santeSchema,
  SANTE_OK,
  sessionSchema,
  workflowIdSchema,
} from './schemas-api';
import {
  apercuCommissionSchema,
  idImportCommissionSchema,
  importCommissionSchema,
  importsCommissionSchema,
  listeCommissionFichierSchema,
  listeCommissionSchema,
} from './schemas-commission';
import {
  cleApiCreeeSchema,
  cleApiSchema,
  cleIdempotenceSchema,
  formulaireOrientationSchema,
  idCleApiSchema,
  idOrientationSchema,
  lienOrientationEnvoyeSchema,
  orientationTransmiseSchema,
  referenceOrientationSchema,
  suiviOrientationSchema,
} from './schemas-orientations';

export { estReference, type ObjetSchemaJson, type OperationJson, type ReferenceJson, type ReponseJson, type SchemaJson } from './openapi-commun';

/** Le document produit, avec ce que construireDocument y met toujours (chemins, composants, tags, sécurité). */
export type DocumentOpenApi = Omit<DocumentGenere, 'paths' | 'components' | 'webhooks' | 'servers' | 'tags' | 'security'> & {
  servers: NonNullable<DocumentGenere['servers']>;
  tags: NonNullable<DocumentGenere['tags']>;
  security: NonNullable<DocumentGenere['security']>;
  paths: Record<string, CheminJson>;
  components: {
    schemas: Record<string, SchemaJson>;
    responses: Record<string, ReponseJson>;
    securitySchemes: NonNullable<NonNullable<DocumentGenere['components']>['securitySchemes']>;
  };
};

/** Un exemple construit à partir des `example` / `examples` / `default` / `enum` d'un schéma du document. */
export function exempleDepuisSchema(s: SchemaJson | undefined, profondeur = 0): unknown {
  if (!s || estReference(s) || profondeur > 6) return undefined;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const variantes = s.oneOf ?? s.anyOf;
  if (Array.isArray(variantes) && variantes.length) return exempleDepuisSchema(variantes[0], profondeur + 1);
  if (s.type === 'object' && s.properties) {
    const o: Record<string, unknown> = {};
    const requis = new Set<string>(Array.isArray(s.required) ? s.required : []);
    for (const [k, v] of Object.entries(s.properties)) {
      // Un champ facultatif n'apparaît dans l'exemple que s'il a son propre exemple.
      if (!requis.has(k) && (estReference(v) || (v.example === undefined && v.examples === undefined && v.default === undefined))) continue;
      const e = exempleDepuisSchema(v, profondeur + 1);
      if (e !== undefined) o[k] = e;
    }
    return o;
  }
  if (s.type === 'array') {
    const e = exempleDepuisSchema(s.items, profondeur + 1);
    return e === undefined ? [] : [e];
  }
  if (s.type === 'boolean') return false;
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  if (s.type === 'string') return s.format === 'date-time' ? '2026-03-12T09:00:00.000Z' : 'texte';
  return undefined;
}

const EXEMPLE_REQUEST_ID = '7f3c2a4e-5b1d-4c1e-9a0f-3e2d1c0b9a88';

const nomComposant = (...parties: string[]) =>
  parties
    .join('_')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+(.)/g, (_m, c: string) => `_${c}`);

/** « tentative-contact » → « TentativeContact » (pour les operationId). */
const enCamel = (nom: string) => nom.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _s: string, c: string) => c.toUpperCase());

/** Une page HTML (les réponses 2xx des pages). */
const HTML = { 'text/html': { schema: z.string() } };
/** Un PDF. */
const PDF = { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } };

export interface OptionsDocument {
  registre: RegistreParcours;
  publicBaseUrl: string;
  catalogue?: Catalogue;
  version?: string;
}

export function construireDocument(o: OptionsDocument): DocumentOpenApi {
  const d = new DocumentEnConstruction();
  const problemes = (...noms: NomProbleme[]) => d.problemes(...noms);

  // ---- Composants : les schémas zod nommés ------------------------------------------------------
  const connexion = d.nommer('Connexion', connexionSchema);
  const session = d.nommer('Session', sessionSchema);
  const sessionCourante = d.nommer('SessionCourante', quiSuisJeSchema);
  const etatParcours = d.nommer('EtatParcours', etatSchema);
  const resumeParcours = d.nommer('ResumeParcours', resumeParcoursSchema);
  const parcoursLance = d.nommer('ParcoursLance', lancementReponseSchema);
  const messageApplique = d.nommer('MessageApplique', reponseMessageSchema);
  const actionAppliquee = d.nommer('ActionAppliquee', reponseActionSchema);
  const affectation = d.nommer('Affectation', affectationSchema);
  const clotureAnticipee = d.nommer('ClotureAnticipee', clotureAnticipeeSchema);
  const sante = d.nommer('Sante', santeSchema);
  const payloads = d.nommer('Payloads', payloadsSchema);
  const menage = d.nommer('Menage', menageSchema);
  // Le corps validé par la route (lancementSchema), son ménage renvoyant au composant « Menage ».
  const lancementBase = lancementSchema.extend({ menage });

  // ---- Registre : données de lancement et messages, par type de parcours -------------------
  const types = Object.keys(o.registre) as TypeParcours[];
  const donnees = new Map<TypeParcours, z.ZodObject>();
  const messages = new Map<string, Array<{ type: TypeParcours; def: DefinitionMessage }>>();
  for (const type of types) {
    const def = o.registre[type]!;
    donnees.set(type, d.nommer(nomComposant('Donnees', type), def.schemaLancement, { title: `Données de lancement — ${LIBELLES_TYPE_PARCOURS[type]}` }));
    for (const [nomMessage, m] of Object.entries(def.messages)) {
      messages.set(nomMessage, [...(messages.get(nomMessage) ?? []), { type, def: m }]);
    }
  }

  // Un lancement par type de parcours : les programmes de ce type et leurs données. Les variantes
  // s'excluent par le programme choisi (« programmeId », le discriminant).
  const variantesLancement = types.flatMap((type) => {
    const [premier, ...autres] =
      o.catalogue
        ?.tous()
        .filter((p) => p.typeParcours === type)
        .map((p) => p.id) ?? [];
    if (premier === undefined) return [];
    return [
      d.nommer(
        nomComposant('Lancement', type),
        lancementBase.extend({
          programmeId: z.enum([premier, ...autres]).meta({ description: 'Identifiant du programme (preset)', example: premier }),
          donnees: donnees.get(type)!,
        }),
        { title: `Lancement — ${LIBELLES_TYPE_PARCOURS[type]}` },
      ),
    ];
  });
  const [variante, ...autresVariantes] = variantesLancement;
  const variantesDonnees = [...donnees.values()];
  const lancement = variante
    ? d.nommer('Lancement', z.discriminatedUnion('programmeId', [variante, ...autresVariantes]), {
        title: 'Lancement d’un parcours',
        description: 'Le programme choisi décide des données attendues',
      })
    : // Sans catalogue, rien ne départage les données : le corps suit au moins l'une des variantes.
      d.nommer(
        'Lancement',
        variantesDonnees.length
          ? lancementBase.extend({
              donnees: z.union(variantesDonnees).optional().meta({ description: 'Données propres au type de parcours du programme choisi' }),
            })
          : lancementBase,
        { title: 'Lancement d’un parcours' },
      );

  const liberationPlace = d.nommer('LiberationPlace', liberationPlaceSchema);
  const nouvelleOrganisation = d.nommer('NouvelleOrganisation', nouvelleOrganisationSchema);
  const modificationOrganisation = d.nommer('ModificationOrganisation', modificationOrganisationSchema);
  const nouveauContact = d.nommer('NouveauContact', nouveauContactSchema);
  const changementBailleur = d.nommer('ChangementBailleur', changementBailleurSchema);
  const organisation = d.nommer('Organisation', organisationSchema);
  const contact = d.nommer('Contact', contactSchema);
  const annuaire = d.nommer('Annuaire', annuaireSchema);
  const bailleurParcours = d.nommer('BailleurParcours', bailleurParcoursSchema);
  const consentementPartage = d.nommer('ConsentementPartage', consentementPartageSchema);
  const etatPartage = d.nommer('EtatPartage', etatPartageSchema);
  const contactMenage = d.nommer('ContactMenage', contactMenageSchema);
  const etatContactMenage = d.nommer('EtatContactMenage', etatContactMenageSchema);
  const personnel = composantsPersonnel(d);
  const commission = {
    liste: d.nommer('ListeCommission', listeCommissionSchema),
    apercu: d.nommer('ApercuCommission', apercuCommissionSchema),
    import: d.nommer('ImportCommission', importCommissionSchema),
    imports: d.nommer('ImportsCommission', importsCommissionSchema),
  };
  const decisionOrientation = d.nommer('DecisionOrientation', decisionOrientationSchema);
  const orientation = d.nommer('Orientation', orientationSortieSchema);
  const ficheOrientation = d.nommer('FicheOrientation', ficheOrientationSchema);
  const orientationTransmise = d.nommer('OrientationTransmise', orientationTransmiseSchema);
  const changementReglages = d.nommer('ChangementReglages', changementReglagesSchema);
  const reglagesProgramme = d.nommer('ReglagesProgramme', reglagesProgrammeSchema);
  const versionEnregistree = d.nommer('VersionEnregistree', versionEnregistreeSchema);

  // Les corps des messages : le schéma du registre et le requestId ajouté par la route.
  const corpsMessages = [...messages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([nomMessage, defs]) => ({
      nomMessage,
      variantes: defs.map(({ type, def }) => {
        const nom = nomComposant('Message', type, nomMessage);
        const schema = d.nommer(nom, def.schema.safeExtend({ requestId: requestIdSchema }), { title: `${def.libelle} (${LIBELLES_TYPE_PARCOURS[type]})` });
        return { type, def, nom, schema };
      }),
    }));

  // Les schémas rendus, pour en tirer les exemples des corps qui n'en donnent pas.
  const composants = d.composants();
  const exempleMenage = exempleDepuisSchema(composants.Menage);
  const exemplesLancement = Object.fromEntries(
    types.map((type) => {
      const programme = o.catalogue?.tous().find((p) => p.typeParcours === type);
      const exemple = {
        summary: `${LIBELLES_TYPE_PARCOURS[type]}${programme ? ` (${programme.nom})` : ''}`,
        value: {
          programmeId: programme?.id ?? 'loiret-ahu',
          menage: exempleMenage,
          travailleurSocial: 'ts.martin',
          donnees: o.registre[type]!.exempleLancement ?? exempleDepuisSchema(composants[nomComposant('Donnees', type)]),
        },
      };
      return [type, exemple];
    }),
  );

  // ---- Paramètres des chemins ----------------------------------------------------------------
  const paramsParcours = z.object({
    id: workflowIdSchema.meta({
      param: { description: 'Identifiant du parcours : « programme--référence du dossier »', example: 'loiret-ahu--LL-2026-0042' },
    }),
  });
  const paramsOrganisation = z.object({
    organisation: idOrganisationSchema.meta({
      param: { description: 'Identifiant de l’organisation (voir l’annuaire du programme)', example: 'reims-april--bailleur-plurial-novilia' },
    }),
  });
  const paramProgramme = idProgrammeSchema.meta({ param: { description: 'Identifiant du programme', example: 'concarneau-iml' } });
  const paramsProgramme = z.object({ programme: paramProgramme });
  const paramsJeton = z.object({ token: jetonLienSchema });

  // ---- Opérations ----------------------------------------------------------------------------
  d.ajouter({
    method: 'post',
    path: '/api/session',
    operationId: 'ouvrirSession',
    tags: ['Session'],
    summary: 'Se connecter',
    description: 'Vérifie l’identifiant et le mot de passe, ouvre une session et renvoie son jeton. Pose aussi un cookie « session » (HttpOnly, SameSite=Lax).',
    security: [],
    request: { body: { required: true, content: json(connexion, { identifiant: 'coord.loiret', motDePasse: 'coord-demo' }) } },
    responses: {
      '200': {
        description: 'Session ouverte',
        content: json(session, {
          jeton: 'q0Zb3kS9…',
          expireLe: '2026-03-12T18:30:00.000Z',
          personne: { id: 'coord.loiret', nom: 'Claire Coordination (AHU)', role: 'coordinateur', programmes: ['loiret-ahu'] },
        }),
      },
      '400': reponse('RequeteInvalide'),
      '401': {
        description: 'Identifiant ou mot de passe incorrect.',
        content: {
          'application/problem+json': {
            schema: d.probleme,
            example: {
              type: '/problemes/authentification-requise',
              title: 'Authentification requise',
              status: 401,
              detail: 'Identifiant ou mot de passe incorrect.',
            },
          },
        },
      },
      '429': d.reponseProbleme('Trop de tentatives pour cet identifiant.'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/session',
    operationId: 'lireSession',
    tags: ['Session'],
    summary: 'Qui suis-je ?',
    description: 'La personne connectée et l’expiration de sa session.',
    security: SECURITE_PERSONNEL,
    responses: { '200': { description: 'Session courante', content: json(sessionCourante) }, ...problemes('NonConnecte') },
  });
  d.ajouter({
    method: 'delete',
    path: '/api/session',
    operationId: 'fermerSession',
    tags: ['Session'],
    summary: 'Se déconnecter',
    description: 'Ferme la session et efface le cookie.',
    security: [],
    responses: { '204': { description: 'Session fermée' } },
  });
  d.ajouter({
    method: 'post',
    path: '/api/parcours',
    operationId: 'lancerParcours',
    tags: ['Parcours'],
    summary: 'Lancer un parcours',
    description:
      'Lance le parcours d’un ménage dans un programme (coordination du programme ou admin). L’identifiant du parcours est « programme--référence » : un second lancement pour le même ménage dans le même programme est refusé (409). Le même ménage (nom et adresse) déjà suivi sous une autre référence n’est pas refusé : la réponse le dit (« dejaSuivis »). Les « donnees » sont validées par le schéma de lancement du type de parcours du programme.',
    security: SECURITE_PERSONNEL,
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: lancement, ...(Object.keys(exemplesLancement).length ? { examples: exemplesLancement } : {}) } },
      },
    },
    responses: {
      '201': { description: 'Parcours lancé ; son état initial', content: json(parcoursLance) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Conflit', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/parcours',
    operationId: 'listerParcours',
    tags: ['Parcours'],
    summary: 'Lister les parcours',
    description:
      'Les parcours visibles par la personne connectée (admin : tous ; coordination : ses programmes ; travailleur social : les ménages qui lui sont affectés), filtrés, les parcours en retard d’abord puis par prochaine échéance. Lue dans le système d’enregistrement : le nom du ménage, la recherche par nom ou par référence, une page à la fois (le nombre total dans l’en-tête `X-Total-Count`, les pages voisines dans `Link`).',
    security: SECURITE_PERSONNEL,
    request: { query: filtresListeSchema },
    responses: {
      '200': {
        description: 'Une page de parcours',
        headers: z.object({
          'X-Total-Count': z.number().int().meta({ description: 'Nombre total de parcours trouvés (toutes pages)' }),
          Link: z.string().optional().meta({ description: 'Pages suivante et précédente (rel="next", rel="prev")' }),
        }),
        content: json(z.array(resumeParcours), [
          {
            workflowId: 'loiret-ahu--LL-2026-0042',
            reference: 'LL-2026-0042',
            nom: 'Famille Dupont',
            programme: 'loiret-ahu',
            typeParcours: 'prevention_precontentieuse',
            etape: 'aller_vers',
            libelleEtape: 'Aller vers le ménage',
            travailleurSocial: 'ts.martin',
            prochaineEcheance: '2026-03-12T09:00:00.000Z',
            libelleEcheance: 'Premier contact avec le ménage',
            enRetard: true,
            cloture: false,
            statut: 'en_cours',
          },
        ]),
      },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/parcours/{id}',
    operationId: 'lireParcours',
    tags: ['Parcours'],
    summary: 'État d’un parcours',
    description: 'Étape, échéances, demandes de validation, journal et détails, filtrés pour la personne connectée.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsParcours },
    responses: {
      '200': { description: 'État du parcours', content: json(etatParcours) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
    },
  });
  cheminsDocuments(d, paramsParcours);
  d.ajouter({
    method: 'get',
    path: '/api/programmes',
    operationId: 'listerProgrammes',
    tags: ['File IML'],
    summary: 'Programmes suivis, avec leurs parcours ouverts et, pour l’IML, le quota et la file',
    description:
      'Tous les programmes pour l’admin, les siens pour une coordination : parcours ouverts, parcours en retard ; pour un programme IML, quota de mesures, mesures actives, ménages en attente, places libres.',
    security: SECURITE_PERSONNEL,
    responses: {
      '200': { description: 'Les programmes', content: json(z.array(programmeSuiviSchema)) },
      ...problemes('NonConnecte', 'Interdit', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{programme}/file-iml',
    operationId: 'lireFileIml',
    tags: ['File IML'],
    summary: 'Mesures actives et file d’attente d’un programme IML',
    description:
      'Quota de mesures agréées, places libres, mesures actives et ménages en attente avec leur rang (référence du dossier seulement). Coordination du programme ou admin.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsProgramme },
    responses: {
      '200': { description: 'La file du programme', content: json(etatFileImlSchema) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/programmes/{programme}/file-iml/liberer',
    operationId: 'libererPlaceIml',
    tags: ['File IML'],
    summary: 'Rendre la place d’une mesure arrêtée sans sa fin',
    description:
      'Pour une mesure dont le workflow a été arrêté de force, est en échec ou a disparu : sa place (ou son rang) est rendue et la mesure suivante de la file démarre. 409 si la mesure tourne encore (sa fin rend la place d’elle-même).',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsProgramme,
      body: { required: true, content: json(liberationPlace, { mesure: 'concarneau-iml--CON-2026-0007', motif: 'Mesure arrêtée par erreur' }) },
    },
    responses: {
      '202': { description: 'Place rendue', content: json(placeRendueSchema) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{programme}/reglages',
    operationId: 'lireReglages',
    tags: ['Programmes'],
    summary: 'Les réglages d’un programme et leurs versions',
    description:
      'Délais, séries de bilans, options, quotas, règles d’éligibilité, rappels et conservation en vigueur ; l’historique des versions (qui, quand, pourquoi, ce qui a changé). Coordination du programme ou admin.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsProgramme },
    responses: {
      '200': { description: 'Les réglages', content: json(reglagesProgramme) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'put',
    path: '/api/programmes/{programme}/reglages',
    operationId: 'changerReglages',
    tags: ['Programmes'],
    summary: 'Changer les réglages : une nouvelle version du programme',
    description:
      'Seuls les réglages que le programme a déjà. `versionAttendue` est la version lue : 409 si le programme a changé depuis. Les parcours lancés ensuite suivent la nouvelle version ; ceux en cours gardent la leur.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsProgramme,
      body: {
        required: true,
        content: json(changementReglages, {
          versionAttendue: 1,
          motif: 'Délai de diagnostic allongé (comité de pilotage du 2 décembre)',
          delais: { diagnostic: 'P4W' },
        }),
      },
    },
    responses: {
      '200': { description: 'Version enregistrée', content: json(versionEnregistree) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{programme}/annuaire',
    operationId: 'lireAnnuaire',
    tags: ['Annuaire des partenaires'],
    summary: 'L’annuaire des partenaires d’un programme',
    description:
      'Organisations (bailleurs, département, SIAO…), leurs services et contacts ; pour chaque bailleur, sa file active. Pour le personnel du programme.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsProgramme },
    responses: {
      '200': { description: 'L’annuaire', content: json(annuaire) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/programmes/{programme}/organisations',
    operationId: 'creerOrganisation',
    tags: ['Annuaire des partenaires'],
    summary: 'Ajouter une organisation (un bailleur, un service social…)',
    description:
      'Admin ou coordination du programme. Un bailleur ajouté peut être choisi au lancement d’un parcours ; ses contacts reçoivent les courriels destinés au bailleur de ses ménages.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsProgramme,
      body: {
        required: true,
        content: json(nouvelleOrganisation, {
          type: 'bailleur_prive',
          nom: 'SCI Les Tilleuls',
          contacts: [{ nom: 'Paul Garnier', courriel: 'gestion@sci-tilleuls.example' }],
        }),
      },
    },
    responses: {
      '201': { description: 'Organisation ajoutée', content: json(organisation) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'patch',
    path: '/api/organisations/{organisation}',
    operationId: 'modifierOrganisation',
    tags: ['Annuaire des partenaires'],
    summary: 'Renommer une organisation, changer sa file active, la désactiver',
    security: SECURITE_PERSONNEL,
    request: { params: paramsOrganisation, body: { required: true, content: json(modificationOrganisation, { quotaFileActive: 25 }) } },
    responses: {
      '200': { description: 'Organisation modifiée', content: json(organisation) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/organisations/{organisation}/contacts',
    operationId: 'ajouterContact',
    tags: ['Annuaire des partenaires'],
    summary: 'Ajouter un contact (il reçoit les courriels suivants aussitôt)',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsOrganisation,
      body: {
        required: true,
        content: json(nouveauContact, { nom: 'Sandrine Morel', courriel: 's.morel@plurial-novilia.example', service: 'recouvrement' }),
      },
    },
    responses: {
      '201': { description: 'Contact ajouté (ou réactivé)', content: json(contact) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'delete',
    path: '/api/organisations/{organisation}/contacts/{contact}',
    operationId: 'retirerContact',
    tags: ['Annuaire des partenaires'],
    summary: 'Retirer un contact (il ne reçoit plus rien ; la trace reste)',
    description:
      'Sans contact, une organisation d’un rôle du programme reçoit ses courriels à l’adresse du programme pour ce rôle. 409 pour le dernier contact d’un autre bailleur que celui du programme : les courriels destinés au bailleur de ses ménages iraient à la coordination du programme (jamais à l’adresse de repli, celle d’un autre bailleur) ; ajoutez d’abord un autre contact.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsOrganisation.extend({ contact: idContactSchema.meta({ param: { description: 'Identifiant du contact' } }) }) },
    responses: {
      '204': { description: 'Contact retiré' },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/organisations/{organisation}/liens-orientation',
    operationId: 'envoyerLienOrientation',
    tags: ['Annuaire des partenaires'],
    summary: 'Envoyer aux contacts d’une organisation un lien de fiche d’orientation',
    description:
      'Programmes de prévention précontentieuse. Le lien signé sert une fois et expire après 30 jours ; la fiche remplie arrive dans les orientations reçues du programme. 409 si l’organisation n’a aucun contact actif.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsOrganisation },
    responses: {
      '201': { description: 'Lien envoyé', content: json(lienOrientationEnvoyeSchema) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu'),
    },
  });
  const TAG_LOGICIELS = 'Orienter depuis le logiciel d’un partenaire';
  d.ajouter({
    method: 'get',
    path: '/api/organisations/{organisation}/cles-api',
    operationId: 'listerClesApi',
    tags: [TAG_LOGICIELS],
    summary: 'Les clés d’accès actives du logiciel d’une organisation',
    description: 'Coordination du programme ou admin. La clé elle-même n’est jamais rendue : seulement son identifiant et ses dates.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsOrganisation },
    responses: {
      '200': { description: 'Les clés', content: json(z.array(cleApiSchema)) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/organisations/{organisation}/cles-api',
    operationId: 'creerCleApi',
    tags: [TAG_LOGICIELS],
    summary: 'Créer une clé d’accès pour le logiciel d’une organisation',
    description:
      'Programmes de prévention précontentieuse. La clé est dans la réponse et nulle part ailleurs (seule son empreinte est gardée) : la transmettre par un canal sûr.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsOrganisation },
    responses: {
      '201': { description: 'Clé créée', content: json(cleApiCreeeSchema) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
    },
  });
  d.ajouter({
    method: 'delete',
    path: '/api/organisations/{organisation}/cles-api/{cle}',
    operationId: 'revoquerCleApi',
    tags: [TAG_LOGICIELS],
    summary: 'Révoquer une clé d’accès',
    description: 'La clé ne sert plus, aussitôt, sur toutes les API.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsOrganisation.extend({ cle: idCleApiSchema.meta({ param: { description: 'Identifiant de la clé (12 caractères hexadécimaux)' } }) }),
    },
    responses: { '204': { description: 'Clé révoquée' }, ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable') },
  });
  d.ajouter({
    method: 'post',
    path: '/api/partenaires/orientations',
    operationId: 'orienterDepuisUnLogiciel',
    tags: [TAG_LOGICIELS],
    summary: 'Envoyer une fiche d’orientation depuis le logiciel d’un partenaire',
    description:
      'La même fiche que la page d’orientation, en JSON (avec le consentement du ménage). L’organisation est celle de la clé. Avec « Idempotency-Key », un envoi répété rend l’orientation déjà reçue (200) au lieu d’en créer une autre. La réponse dit si le ménage semble hors des critères du programme (la coordination décide).',
    security: [{ cleOrganisation: [] }],
    request: {
      headers: z.object({
        'Idempotency-Key': cleIdempotenceSchema
          .optional()
          .meta({ param: { description: 'Identifiant de l’envoi dans le logiciel (1 à 200 caractères visibles)' } }),
      }),
      body: { required: true, content: json(ficheOrientation) },
    },
    responses: {
      '201': { description: 'Orientation reçue', content: json(orientationTransmise) },
      '200': { description: 'Envoi déjà reçu (même Idempotency-Key)', content: json(orientationTransmise) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Conflit', 'TypeContenu', 'TropDeTentatives'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/partenaires/orientations/{reference}',
    operationId: 'suivreOrientationDepuisUnLogiciel',
    tags: [TAG_LOGICIELS],
    summary: 'Où en est une orientation envoyée par cette organisation',
    security: [{ cleOrganisation: [] }],
    request: {
      params: z.object({
        reference: referenceOrientationSchema.meta({ param: { description: 'Référence rendue à l’envoi', example: 'OR-2612-7F3C0A' } }),
      }),
    },
    responses: {
      '200': { description: 'L’orientation', content: json(suiviOrientationSchema) },
      ...problemes('NonConnecte', 'Introuvable', 'TropDeTentatives'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{programme}/orientations',
    operationId: 'listerOrientations',
    tags: ['Orientations'],
    summary: 'Les orientations reçues des partenaires, leur éligibilité expliquée',
    security: SECURITE_PERSONNEL,
    request: { params: paramsProgramme },
    responses: {
      '200': { description: 'Orientations, les plus récentes d’abord', content: json(z.array(orientation)) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/orientations/{orientation}/decision',
    operationId: 'deciderOrientation',
    tags: ['Orientations'],
    summary: 'Accepter (le parcours démarre) ou refuser (motif renvoyé au partenaire) une orientation',
    description:
      'Accepter lance le parcours du ménage (le bailleur qui oriente devient son bailleur, sauf choix contraire) ; « orienté par » reste attaché au dossier. Refuser envoie le motif à la personne qui a orienté. 409 si l’orientation est déjà traitée, ou acceptée à l’instant et son parcours en cours de lancement (`lancementEnCours`) ; une acceptation dont le lancement a été interrompu redevient à décider passé 5 minutes.',
    security: SECURITE_PERSONNEL,
    request: {
      params: z.object({ orientation: idOrientationSchema.meta({ param: { description: 'Identifiant de l’orientation' } }) }),
      body: { required: true, content: json(decisionOrientation, { decision: 'accepter', travailleurSocial: 'ts.martin' }) },
    },
    responses: {
      '200': { description: 'Orientation traitée', content: json(orientation) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/orientation/{token}',
    operationId: 'lireFormulaireOrientation',
    tags: ['Liens des partenaires'],
    summary: 'Fiche d’orientation (page HTML, sans compte)',
    security: [],
    request: { params: paramsJeton },
    responses: {
      '200': pageHtml('Page HTML'),
      '400': d.pageOuProbleme('Lien non valide (page HTML)'),
      '403': pageHtml('Lien altéré (page HTML)'),
      '404': pageHtml('Lien inconnu (page HTML)'),
      '431': { description: 'Adresse trop longue (lien mal copié)' },
      '410': pageHtml('Lien expiré (page HTML)'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/orientation/{token}',
    operationId: 'transmettreOrientation',
    tags: ['Liens des partenaires'],
    summary: 'Envoyer la fiche d’orientation (formulaire HTML)',
    security: [],
    request: {
      params: paramsJeton,
      body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: formulaireOrientationSchema } } },
    },
    responses: {
      '201': pageHtml('Fiche transmise (page HTML)'),
      '400': d.pageOuProbleme('Saisie à corriger (page HTML)'),
      '403': pageHtml('Lien altéré (page HTML)'),
      '404': pageHtml('Lien inconnu (page HTML)'),
      '409': pageHtml('Lien déjà utilisé (page HTML)'),
      '431': { description: 'Adresse trop longue (lien mal copié)' },
      '410': pageHtml('Lien expiré (page HTML)'),
      '413': d.reponseProbleme('Formulaire trop volumineux'),
      '415': d.reponseProbleme('Type de contenu non pris en charge'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/parcours/{id}/bailleur',
    operationId: 'lireBailleurParcours',
    tags: ['Parcours'],
    summary: 'Le bailleur du ménage et l’historique de ses changements',
    security: SECURITE_PERSONNEL,
    request: { params: paramsParcours },
    responses: {
      '200': { description: 'Bailleur du parcours', content: json(bailleurParcours) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'put',
    path: '/api/parcours/{id}/bailleur',
    operationId: 'changerBailleurParcours',
    tags: ['Parcours'],
    summary: 'Changer le bailleur du ménage (avec le motif)',
    description:
      'Coordination du programme. Les courriels suivants destinés au bailleur vont aux contacts du nouveau bailleur ; le changement est tracé. 409 si c’est déjà son bailleur.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsParcours,
      body: {
        required: true,
        content: json(changementBailleur, {
          bailleur: 'reims-april--bailleur-plurial-novilia',
          motif: 'Mutation du ménage dans le parc de Plurial Novilia',
        }),
      },
    },
    responses: {
      '200': { description: 'Bailleur changé', content: json(bailleurParcours) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/parcours/{id}/contact-menage',
    operationId: 'lireContactMenage',
    tags: ['Parcours'],
    summary: 'Les moyens de contact que le ménage accepte (courriel, SMS)',
    description: 'Coordination du programme, travailleur social affecté ou admin. Le portable est masqué.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsParcours },
    responses: {
      '200': { description: 'Accord par moyen de contact, qui l’a noté et quand', content: json(etatContactMenage) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/parcours/{id}/contact-menage',
    operationId: 'enregistrerContactMenage',
    tags: ['Parcours'],
    summary: 'Noter l’accord du ménage pour les SMS ou les courriels, son adresse donnée ou corrigée, ou son retrait',
    description:
      'SMS : avec son numéro de portable ; chaque courriel adressé au ménage part ensuite aussi en SMS court, sans détail. Courriels : son adresse, donnée après l’orientation ou corrigée (les courriels suivants du parcours y partent), ou son accord retiré (plus aucun ne part, le journal le dit). 409 si le parcours est clôturé.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsParcours,
      body: { required: true, content: json(contactMenage, { canal: 'sms', accorde: true, telephone: '06 12 34 56 78' }) },
    },
    responses: {
      '201': { description: 'Accord noté', content: json(etatContactMenage) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/parcours/{id}/documents/{document}/envoi-menage',
    operationId: 'envoyerDocumentAuMenage',
    tags: ['Parcours'],
    summary: 'Envoyer au ménage, par courriel, un document qui lui est destiné',
    description: `Travailleur social affecté, coordination du programme ou admin. La lettre d’information (prévention), le livret du bail glissant (IML) ou le résumé du protocole dans sa version pour l’occupant (protocole signé), en PDF, à l’adresse notée dans le dossier du ménage (une lettre revenue, une adresse donnée depuis l’orientation) : le parcours répond aussitôt, le courriel part ensuite et son journal le dit. Un second envoi sous le même requestId n’envoie rien de plus. 409 si le ménage n’a pas d’adresse acceptée, si le document n’est pas prêt ou si le parcours est clôturé ; 429 au-delà de ${ENVOIS_AU_MENAGE_PAR_JOUR} envois (par défaut : la configuration du serveur en décide) au ménage du même dossier en 24 heures (une requête rejouée sous le même requestId ne compte qu’une fois, un envoi refusé ne compte pas).`,
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsParcours.extend({
        document: z
          .enum(Object.keys(DOCUMENTS_AU_MENAGE) as [DocumentAuMenage, ...DocumentAuMenage[]])
          .meta({ param: { description: 'Le document : « lettre-information », « livret-iml » ou « resume-protocole »', example: 'lettre-information' } }),
      }),
      body: { required: true, content: json(envoiDocumentAuMenageSchema, { requestId: 'envoi-lettre-2026-12-06-1' }) },
    },
    responses: {
      '202': {
        description: 'Le courriel part au ménage',
        content: json(
          z.object({
            envoi: z.literal('en_cours'),
            document: z.enum(Object.keys(DOCUMENTS_AU_MENAGE) as [DocumentAuMenage, ...DocumentAuMenage[]]),
            a: z.string().meta({ description: 'L’adresse où il part (celle du dossier du ménage)', example: 'josiane.lefebure@exemple.fr' }),
          }),
        ),
      },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TropDEnvois', 'Indisponible', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/parcours/{id}/consentement-partage',
    operationId: 'lireConsentementPartage',
    tags: ['Parcours'],
    summary: 'Le partage du diagnostic : réglage du programme et accord du ménage',
    description: 'Coordination du programme, travailleur social affecté ou admin.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsParcours },
    responses: {
      '200': { description: 'Réglage, accord en vigueur et historique', content: json(etatPartage) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/parcours/{id}/consentement-partage',
    operationId: 'recueillirConsentementPartage',
    tags: ['Parcours'],
    summary: 'Enregistrer l’accord du ménage pour le partage de son diagnostic',
    description:
      'Pour des destinataires que le programme prévoit (Déclic : conseillère sociale et pôle recouvrement du bailleur). Qui l’a recueilli et quand sont gardés. Le diagnostic terminé part alors au bailleur par courriel (fiche de suivi social, sans les notes du travailleur social), ou dès qu’il sera terminé. 409 si le programme ne partage pas le diagnostic avec eux.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsParcours,
      body: { required: true, content: json(consentementPartage, { portee: ['conseillere_sociale_bailleur', 'recouvrement_bailleur'] }) },
    },
    responses: {
      '201': { description: 'Accord enregistré', content: json(etatPartage) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'delete',
    path: '/api/parcours/{id}/consentement-partage',
    operationId: 'retirerConsentementPartage',
    tags: ['Parcours'],
    summary: 'Enregistrer le retrait de l’accord du ménage',
    description:
      'Le diagnostic ne part plus à personne à partir de maintenant ; un bailleur qui l’a reçu est prié de ne plus l’utiliser. 409 s’il n’y a pas d’accord en vigueur.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsParcours },
    responses: {
      '200': { description: 'Retrait enregistré', content: json(etatPartage) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/parcours/{id}/affectation',
    operationId: 'affecterParcours',
    tags: ['Parcours'],
    summary: 'Affecter un travailleur social',
    description: 'Affecte (ou réaffecte) le travailleur social du ménage. Coordination du programme ou admin.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsParcours,
      body: { required: true, content: json(affectation, { requestId: EXEMPLE_REQUEST_ID, travailleurSocial: 'ts.martin' }) },
    },
    responses: {
      '200': { description: 'Affectation enregistrée', content: json(actionAppliquee) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/parcours/{id}/cloture',
    operationId: 'cloreParcours',
    tags: ['Parcours'],
    summary: 'Clore un parcours avant son terme',
    description: 'Clôture anticipée, avec un motif. Coordination du programme ou admin. 409 si le parcours ne le permet pas (encore).',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsParcours,
      body: { required: true, content: json(clotureAnticipee, { requestId: EXEMPLE_REQUEST_ID, motif: 'Le ménage a quitté le logement' }) },
    },
    responses: {
      '200': { description: 'Parcours clôturé', content: json(actionAppliquee) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
    },
  });

  // ---- Les messages du registre : une opération par nom, ses variantes par type de parcours -------
  for (const { nomMessage, variantes } of corpsMessages) {
    const premier = variantes[0]!;
    const exemple = { requestId: EXEMPLE_REQUEST_ID, ...(premier.def.exemple ?? (exempleDepuisSchema(composants[premier.nom]) as object)) };
    const roles = [...new Set(variantes.flatMap((v) => v.def.roles))];
    d.ajouter({
      method: 'post',
      path: `/api/parcours/{id}/messages/${nomMessage}`,
      operationId: `envoyer${enCamel(nomMessage)}`,
      tags: ['Messages'],
      summary: premier.def.libelle,
      description: [
        `Message « ${nomMessage} » (${variantes.map((v) => LIBELLES_TYPE_PARCOURS[v.type]).join(', ')}).`,
        `Peut l’envoyer : ${roles.map((r) => ({ admin: 'admin', coordinateur: 'coordination du programme', travailleur_social: 'le travailleur social affecté au ménage' })[r]).join(', ')}.`,
        'Le « requestId » rend l’envoi idempotent : renvoyé avec le même identifiant, le message n’est appliqué qu’une fois. 409 si l’étape courante du parcours le refuse (raison en français dans « detail »).',
        ...variantes.flatMap((v) => (v.def.precision ? [v.def.precision] : [])),
      ].join(' '),
      'x-roles': roles,
      security: SECURITE_PERSONNEL,
      request: {
        params: paramsParcours,
        // Le type du parcours (donc le schéma du corps) vient de l'identifiant dans le chemin, pas du corps :
        // les variantes peuvent se recouvrir, d'où « anyOf » (le corps suit au moins l'une d'elles).
        body: { required: true, content: json(variantes.length === 1 ? premier.schema : z.union(variantes.map((v) => v.schema)), exemple) },
      },
      responses: {
        '200': {
          description: 'Message appliqué : son résultat, l’étape où il laisse le parcours et les messages qu’elle permet',
          content: json(messageApplique),
        },
        ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
      },
    });
  }

  d.ajouter({
    method: 'get',
    path: '/liens/{token}',
    operationId: 'lirePageValidation',
    tags: ['Liens des partenaires'],
    summary: 'Page de réponse à une demande de validation',
    description:
      'Page HTML (sans compte) ouverte depuis le lien signé reçu par courriel : objet, éléments pour décider, échéance et formulaire. 400 si le lien est altéré, 410 s’il a expiré.',
    security: [],
    request: { params: paramsJeton },
    responses: {
      '200': pageHtml('Page HTML'),
      '400': d.pageOuProbleme('Ce n’est pas un lien de la plateforme (page HTML)'),
      '403': pageHtml('Lien altéré ou signé par une clé inconnue (page HTML)'),
      '404': pageHtml('Dossier ou demande introuvable (page HTML)'),
      '431': { description: 'Adresse trop longue (lien mal copié)' },
      '410': pageHtml('Lien expiré (page HTML)'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/liens/{token}',
    operationId: 'repondreValidation',
    tags: ['Liens des partenaires'],
    summary: 'Répondre à une demande de validation',
    description:
      'Formulaire (application/x-www-form-urlencoded) : décision « approuve » ou « refuse », commentaire facultatif. Une seconde réponse est refusée (409).',
    security: [],
    request: {
      params: paramsJeton,
      body: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: reponseValidationSchema.pick({ decision: true, commentaire: true }),
            example: { decision: 'approuve', commentaire: 'Accord du service FSL pour une mesure ASLL de 6 mois.' },
          },
        },
      },
    },
    responses: {
      '200': pageHtml('Confirmation (page HTML)'),
      '400': d.pageOuProbleme('Lien ou formulaire non valide (page HTML)'),
      '403': pageHtml('Lien altéré ou signé par une clé inconnue (page HTML)'),
      '404': pageHtml('Dossier ou demande introuvable (page HTML)'),
      '409': pageHtml('Demande déjà traitée ou close (page HTML)'),
      '431': { description: 'Adresse trop longue (lien mal copié)' },
      '410': pageHtml('Lien expiré (page HTML)'),
      '503': pageHtml('Service momentanément indisponible (page HTML)'),
    },
  });
  cheminsIndicateurs(d);
  cheminsPersonnel(d, personnel);
  cheminsCommissions(d, paramProgramme, commission);
  d.ajouter({
    method: 'get',
    path: '/health',
    operationId: 'lireSante',
    tags: ['Exploitation'],
    summary: 'Santé du service',
    description:
      'Temporal, la base et le serveur SMTP répondent-ils, un worker traite-t-il les parcours (présence dans la base) et interroge-t-il la file dans Temporal ? 200 si tout va bien ; 503 sinon, y compris « degrade » (l’API répond et lit ses dossiers, mais les parcours n’avancent pas, par exemple pendant qu’un worker démarre). `courrielsEnAttente` compte les courriels que le serveur de courriel refuse en ce moment : à surveiller. À ne pas utiliser comme sonde de vie de l’API : elle n’y peut rien si le worker manque.',
    security: [],
    responses: {
      '200': {
        description: 'Tout fonctionne',
        content: json(sante, SANTE_OK),
      },
      '503': {
        description:
          'Service dégradé (un worker manque ou n’interroge pas encore la file, Temporal ou SMTP injoignable) ou indisponible (la base ne répond pas)',
        content: json(sante, {
          etat: 'degrade',
          detail:
            'Service dégradé : aucun worker n’interroge la file des parcours dans Temporal. Les dossiers restent lisibles ; les actions sur les parcours répondent 503 ou attendent.',
          temporal: 'ok',
          base: 'ok',
          smtp: 'ok',
          workers: 'ok',
          interrogation: 'aucune',
          courrielsEnAttente: 0,
          smsEnAttente: 0,
        }),
      },
    },
  });
  d.ajouter({
    method: 'post',
    path: '/codec/decode',
    operationId: 'decoderPayloads',
    tags: ['Exploitation'],
    summary: 'Déchiffrer des payloads (interface Temporal)',
    description: 'Serveur de codec pour l’interface Temporal (admin et coordination seulement). CORS avec cookies pour l’origine de l’interface Temporal.',
    security: SECURITE_PERSONNEL,
    request: { body: { required: true, content: json(payloads) } },
    responses: {
      '200': { description: 'Payloads déchiffrés', content: json(payloads) },
      ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/codec/encode',
    operationId: 'encoderPayloads',
    tags: ['Exploitation'],
    summary: 'Chiffrer des payloads (interface Temporal)',
    description: 'Chiffre des payloads avec la clé active (admin et coordination seulement).',
    security: SECURITE_PERSONNEL,
    request: { body: { required: true, content: json(payloads) } },
    responses: { '200': { description: 'Payloads chiffrés', content: json(payloads) }, ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit') },
  });
  d.ajouter({
    method: 'get',
    path: '/openapi.json',
    operationId: 'lireDocumentOpenApi',
    tags: ['Exploitation'],
    summary: 'Ce document (OpenAPI 3.1)',
    security: [],
    responses: { '200': { description: 'Document OpenAPI', content: json(documentOpenApiSchema) } },
  });
  d.ajouter({
    method: 'get',
    path: '/docs',
    operationId: 'lireDocumentation',
    tags: ['Exploitation'],
    summary: 'Documentation lisible (HTML)',
    security: [],
    responses: { '200': pageHtml('Page HTML') },
  });

  d.registre.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'Jeton renvoyé par POST /api/session' });
  d.registre.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'session',
    description: 'Cookie posé par POST /api/session (HttpOnly, SameSite=Lax)',
  });
  d.registre.registerComponent('securitySchemes', 'cleOrganisation', {
    type: 'http',
    scheme: 'bearer',
    description: 'Clé d’accès du logiciel d’une organisation partenaire (« orient_… »), créée par la coordination dans l’annuaire et montrée une fois',
  });

  const servers = [{ url: o.publicBaseUrl, description: 'Cette installation' }];
  const tags = [
    { name: 'Session', description: 'Connexion du personnel (coordination, travailleurs sociaux, administration)' },
    { name: 'Parcours', description: 'Lancement, liste, état, affectation et clôture des parcours des ménages' },
    { name: 'File IML', description: 'Programmes suivis ; quota de mesures IML d’un programme : mesures actives, file d’attente, places rendues' },
    { name: 'Messages', description: 'Ce que le personnel enregistre dans un parcours (idempotent par requestId)' },
    {
      name: 'Commission impayés',
      description: 'Listes de la commission impayés : aperçu d’une liste (CSV ou XLSX), import des ménages désignés, trace des imports',
    },
    {
      name: 'Annuaire des partenaires',
      description: 'Organisations partenaires de chaque programme (bailleurs, département, SIAO…), leurs services et contacts',
    },
    {
      name: 'Orientations',
      description: 'Ménages orientés par les partenaires (fiche d’orientation par lien signé), acceptés ou refusés par la coordination',
    },
    {
      name: TAG_LOGICIELS,
      description:
        'Le logiciel d’un bailleur ou d’un service social envoie des fiches d’orientation avec la clé d’accès de son organisation (créée par la coordination dans l’annuaire)',
    },
    { name: 'Programmes', description: 'Réglages des programmes (délais, options, quotas, éligibilité) et leurs versions' },
    { name: 'Liens des partenaires', description: 'Pages ouvertes par les partenaires (sans compte) depuis un lien signé' },
    TAG_PERSONNEL,
    { name: 'Exploitation', description: 'Santé, codec de l’interface Temporal, documentation' },
  ];
  const genere = new OpenApiGeneratorV31(d.registre.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Parcours de prévention des expulsions — API',
      version: o.version ?? '0.1.0',
      description:
        'API de la plateforme d’orchestration des partenariats de prévention des expulsions locatives. Chaque parcours de ménage est un workflow Temporal durable. Toutes les erreurs sont au format « application/problem+json » (RFC 9457), en français. Aucune donnée personnelle ne figure dans les identifiants de parcours.',
    },
    servers,
    tags,
    security: SECURITE_PERSONNEL,
  });
  // Ni webhooks ni paramètres nommés : le générateur les rend vides, le document s'en passe.
  const { paths = {}, components = {}, webhooks: _webhooks, ...document } = genere;
  const { schemas = {}, responses = {}, securitySchemes = {} } = components;
  return { ...document, servers, tags, security: SECURITE_PERSONNEL, paths, components: { schemas, responses, securitySchemes } };
}

/** Les documents d'un parcours : chacun en HTML imprimable et en PDF (`.pdf`), au même contenu. */
function cheminsDocuments(d: DocumentEnConstruction, paramsParcours: z.ZodObject): void {
  const requete = requeteDocumentSchema;
  const versionSuivi = requete.shape.version.meta({
    description:
      '« partenaires » : la version pour le référent du bailleur (étape, contact, engagements qui le concernent, bilans ; ni diagnostic, ni carnet de route, ni nom du ménage) ; « equipe » (par défaut) : celle du dossier.',
  });
  const documents: Array<[string, string, string, z.ZodObject | undefined]> = [
    [
      'lettre-information',
      'Lettre d’information au ménage',
      'La lettre qui annonce au ménage l’orientation, l’indépendance de l’association et la confidentialité de ce qu’il confie (parcours de prévention précontentieuse), à son nom et à son adresse.',
      undefined,
    ],
    [
      'fiche-orientation',
      'Fiche d’orientation',
      'Qui oriente le ménage, le ménage, sa situation locative et son accord (parcours de prévention précontentieuse) : la fiche du partenaire qui l’a orienté, sinon ce que le parcours a retenu à son ouverture. Version de l’équipe seulement (elle nomme le ménage).',
      undefined,
    ],
    [
      'fiche-suivi-social',
      'Fiche de suivi social',
      'L’accompagnement du premier contact à la clôture (prévention précontentieuse) : diagnostic et carnet de route (version de l’équipe), plan d’aide, points de suivi et bilans, prochaines échéances.',
      z.object({ version: versionSuivi, destinataire: requete.shape.destinataire }),
    ],
    [
      'plan-aide',
      'Plan d’aide à signer',
      'Le plan d’aide comme engagement réciproque entre le ménage et l’opérateur : actions, orientations, plan d’apurement, engagements de chacun, cadres de signature. Remis au ménage.',
      undefined,
    ],
    [
      'carnet-de-route',
      'Carnet de route du ménage',
      'Les démarches du ménage (à cocher), son plan d’aide, ses rendez-vous passés et à venir et qui appeler, dès la fin du diagnostic. Remis au ménage.',
      undefined,
    ],
    [
      'livret-iml',
      'Livret sur le bail glissant',
      'Ce que veulent dire intermédiation locative, sous-location et bail glissant, les étapes et les dates de la mesure, les engagements du ménage et qui appeler (parcours IML). Remis au ménage.',
      undefined,
    ],
    [
      'fiche-bilan',
      'Fiche-bilan de mesure (IML)',
      'La fiche-bilan adressée à la DDETS après chaque bilan de mesure (6 et 10 mois) : non nominative, sans rien de ce que le ménage a confié.',
      requete.pick({ jalon: true }),
    ],
    [
      'fiche-cloture',
      'Fiche de clôture',
      'Issue, motif, date et bilans d’un parcours clôturé (tous les parcours), sans donnée confiée par le ménage.',
      undefined,
    ],
    [
      'resume-protocole',
      'Résumé du protocole',
      'Dates, durée, indemnité d’occupation, plan d’apurement, avenants et paiements du protocole de cohésion sociale.',
      requete.pick({ version: true }),
    ],
  ];
  for (const [nom, titre, description, query] of documents) {
    for (const pdf of [false, true]) {
      d.ajouter({
        method: 'get',
        path: `/api/parcours/{id}/documents/${nom}${pdf ? '.pdf' : ''}`,
        operationId: `lire${enCamel(nom)}${pdf ? 'Pdf' : ''}`,
        tags: ['Documents'],
        summary: `${titre} (${pdf ? 'PDF' : 'HTML imprimable'})`,
        description,
        security: SECURITE_PERSONNEL,
        request: { params: paramsParcours, ...(query ? { query } : {}) },
        responses: {
          '200': { description: titre, content: pdf ? PDF : HTML },
          ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable'),
        },
      });
    }
  }
}

/** Les indicateurs et rapports d'évaluation d'un programme (api/routes/indicateurs.ts). */
function cheminsIndicateurs(d: DocumentEnConstruction): void {
  const commun = {
    tags: ['Indicateurs'],
    security: SECURITE_PERSONNEL,
    request: {
      params: z.object({ id: idProgrammeEvaluationSchema.meta({ param: { description: 'Identifiant du programme', example: 'loiret-ahu' } }) }),
      query: requeteIndicateursSchema,
    },
    'x-roles': ['coordinateur', 'admin'],
  };
  const erreurs = d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable');
  // Les pages de l'interface répondent leurs erreurs en pages HTML (en français), pas en JSON.
  const erreursPages: Record<string, ResponseConfig> = {
    '303': { description: 'Sans session : redirection vers la page de connexion' },
    '400': pageHtml('Requête invalide (page HTML)'),
    '403': pageHtml('Accès refusé (page HTML)'),
    '404': pageHtml('Programme introuvable (page HTML)'),
  };
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{id}/indicateurs',
    operationId: 'lireIndicateurs',
    ...commun,
    summary: 'Indicateurs d’un programme sur une période',
    description:
      'Calculés à partir des parcours : chaque compte avec les références des dossiers (coordination du programme, admin). 403 pour un travailleur social.',
    responses: { '200': { description: 'Indicateurs', content: json(indicateursSchema) }, ...erreurs },
  });
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{id}/indicateurs.csv',
    operationId: 'exporterIndicateursCsv',
    ...commun,
    summary: 'Indicateurs en CSV',
    description:
      'Séparateur « ; », UTF-8 avec BOM. Colonnes : programme;du;au;famille;indicateur;libelle;valeur;unite;references (point décimal, une part entre 0 et 1). Avec format=tableur, pour un tableur en français : Programme;Du;Au;Thème;Indicateur;Valeur;Unité;Dossiers (nom du programme, dates JJ/MM/AAAA, virgule décimale, parts en pourcentage).',
    responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...erreurs },
  });
  d.ajouter({
    method: 'get',
    path: '/programmes/{id}/evaluation',
    operationId: 'lireEvaluation',
    ...commun,
    summary: 'Rapport d’évaluation (page HTML)',
    description: 'Évaluation à 6 ou 12 mois, rapport d’activité annuel IML : entonnoir du repérage à l’issue, délai du premier contact, tableaux.',
    responses: { '200': pageHtml('Page HTML'), ...erreursPages },
  });
  d.ajouter({
    method: 'get',
    path: '/programmes/{id}/evaluation.pdf',
    operationId: 'lireEvaluationPdf',
    ...commun,
    summary: 'Rapport d’évaluation (PDF)',
    responses: { '200': { description: 'PDF', content: PDF }, ...erreursPages },
  });
}

/** Les listes de la commission impayés (api/routes/commissions.ts). */
function cheminsCommissions(
  d: DocumentEnConstruction,
  paramProgramme: z.ZodType,
  c: { liste: z.ZodType; apercu: z.ZodType; import: z.ZodType; imports: z.ZodType },
): void {
  const exempleCsv =
    'Référence;Nom du ménage;Composition;Adresse;Mois d’impayés;Montant de la dette;Début du bail;Garantie;Suivi par un service social\nGBH-2026-0101;M. Martin;personne seule;4 rue de Vesoul, 25000 Besançon;3;1 250,40;01/02/2024;aucune;non\n';
  const corps = {
    required: true,
    content: {
      'application/json': {
        schema: c.liste,
        example: { fichier: Buffer.from(exempleCsv, 'utf8').toString('base64'), nomFichier: 'commission-2026-11-18.csv', dateSeance: '2026-11-18' },
      },
      'multipart/form-data': {
        schema: listeCommissionFichierSchema,
        encoding: { fichier: { contentType: 'text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/octet-stream' } },
      },
    },
  };
  const colonnes =
    'Une ligne d’en-têtes (parmi les 10 premières), puis une ligne par ménage. Colonnes (accents, casse et quelques synonymes indifférents) : Référence, Nom du ménage, Composition, Adresse, Téléphone, Courriel, Accepte les courriels, Bailleur (le nom à l’annuaire ; obligatoire si le programme a plusieurs bailleurs), Mois d’impayés, Montant de la dette (virgule décimale), Début du bail, Garantie, Contact avec le bailleur, Suivi par un service social (oui/non), Déjà tenté, Date de désignation (ou « dateSeance » pour toute la liste). Dates jj/mm/aaaa, AAAA-MM-JJ ou dates du tableur.';
  const params = z.object({ programme: paramProgramme });
  const commun = { tags: ['Commission impayés'], security: SECURITE_PERSONNEL, 'x-roles': ['coordinateur', 'admin'] };
  d.ajouter({
    method: 'post',
    path: '/api/programmes/{programme}/commissions/apercu',
    ...commun,
    operationId: 'apercuListeCommission',
    summary: 'Aperçu d’une liste de la commission impayés (rien n’est lancé)',
    description: `${colonnes} Chaque ligne est vérifiée par les schémas du lancement d’un parcours : « a_lancer », « deja_lance » (le parcours « programme--référence » existe) ou « erreur » (chaque erreur nomme la colonne comme le fichier l’écrit ; la ligne est celle du tableur). Les règles d’éligibilité du programme donnent des avertissements. 400 si le fichier est illisible ou qu’une colonne obligatoire manque ; 409 si le programme ne reçoit pas de listes de commission.`,
    request: { params, body: corps },
    responses: {
      '200': { description: 'L’aperçu, ligne par ligne', content: json(c.apercu) },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TropVolumineux', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/programmes/{programme}/commissions',
    ...commun,
    operationId: 'importerListeCommission',
    summary: 'Importer une liste de la commission impayés : lancer les ménages désignés',
    description: `${colonnes} Les lignes valides sont lancées ensemble (les délais du programme courent depuis la date de désignation) ; les lignes en erreur sont rapportées, à corriger puis renvoyer. Un ménage déjà lancé (même référence) ne l’est pas deux fois : renvoyer le même fichier ne crée rien. Rien n’est lancé si aucune ligne n’est valide (400) ou si la file active d’un bailleur ne peut pas recevoir toute la liste (409). Une panne en cours de route répond 503 : la trace dit ce qui est lancé, le même fichier renvoyé termine l’import.`,
    request: { params, body: corps },
    responses: {
      '201': {
        description: 'L’import : chaque ligne lancée, déjà lancée ou rejetée',
        headers: z.object({ Location: z.string().meta({ description: 'La trace de l’import' }) }),
        content: json(c.import),
      },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TropVolumineux', 'TypeContenu', 'Indisponible'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{programme}/commissions',
    ...commun,
    operationId: 'listerImportsCommission',
    summary: 'Les imports de listes de la commission d’un programme (les plus récents d’abord)',
    request: { params },
    responses: {
      '200': { description: 'Les imports', content: json(c.imports) },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/programmes/{programme}/commissions/{import}',
    ...commun,
    operationId: 'lireImportCommission',
    summary: 'La trace d’un import : qui, quand, l’empreinte du fichier, ce qu’est devenue chaque ligne (sans nom ni adresse)',
    request: { params: params.extend({ import: idImportCommissionSchema.meta({ param: { description: 'Identifiant de l’import' } }) }) },
    responses: {
      '200': { description: 'L’import', content: json(c.import) },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
    },
  });
}
