/**
 * Le document OpenAPI 3.1 de l'API, construit à partir des MÊMES schémas zod que ceux qui valident
 * les requêtes (z.toJSONSchema, draft 2020-12), y compris les schémas de lancement et de messages
 * du registre des parcours, avec des exemples en français.
 */
import { FORME_JETON } from './routes/liens';
import { consentementPartageSchema, etatPartageSchema } from './schemas-partage';
import { contactMenageSchema, etatContactMenageSchema } from './schemas-contact';
import { z } from 'zod';
import '../config/zod-fr';
import { affectationSchema, clotureAnticipeeSchema, requestIdSchema } from '../domain/schemas';
import { LIBELLES_TYPE_PARCOURS, type TypeParcours } from '../domain/vocabulaire';
import type { Catalogue } from '../programmes/catalogue';
import { decisionOrientationSchema, ficheOrientationSchema, orientationSortieSchema } from '../orientations/schema';
import { changementReglagesSchema, reglagesProgrammeSchema, versionEnregistreeSchema } from '../programmes/versions';
import { connexionSchema } from './auth';
import { cheminsPersonnel, schemasPersonnel, TAG_PERSONNEL } from './openapi-personnel';
import type { DefinitionMessage, RegistreParcours } from './registre';
import {
  etatSchema,
  filtresListeSchema,
  lancementReponseSchema,
  lancementSchema,
  annuaireSchema,
  bailleurParcoursSchema,
  changementBailleurSchema,
  contactSchema,
  liberationPlaceSchema,
  modificationOrganisationSchema,
  nouveauContactSchema,
  nouvelleOrganisationSchema,
  organisationSchema,
  payloadsSchema,
  problemeSchema,
  quiSuisJeSchema,
  reponseMessageSchema,
  reponseActionSchema,
  resumeParcoursSchema,
  santeSchema,
  sessionSchema,
} from './schemas-api';
import { apercuCommissionSchema, importCommissionSchema, importsCommissionSchema, listeCommissionSchema } from './schemas-commission';

/**
 * Un fragment de document JSON (schéma, opération) tel qu'écrit ici et lu par la page de
 * documentation (api/docs.ts) : un objet JSON libre. Le seul `any` explicite hors des tests ; il
 * partira quand le document sera produit par zod-to-openapi (issue 17), avec ses types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fragment JSON libre, voir ci-dessus
export type SchemaJson = Record<string, any>;

export interface DocumentOpenApi {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description?: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, SchemaJson>>;
  components: { schemas: Record<string, SchemaJson>; responses: Record<string, SchemaJson>; securitySchemes: Record<string, SchemaJson> };
  security: Array<Record<string, string[]>>;
}

/** JSON Schema (2020-12) d'un schéma zod, sans la clé `$schema` (interdite dans un composant). */
export function versJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): SchemaJson {
  const { $schema: _ignore, ...reste } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as SchemaJson;
  return reste;
}

/** Un exemple construit à partir des `example` / `examples` / `default` / `enum` d'un JSON Schema. */
export function exempleDepuisSchema(s: SchemaJson | undefined, profondeur = 0): unknown {
  if (!s || profondeur > 6) return undefined;
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
    for (const [k, v] of Object.entries<SchemaJson>(s.properties)) {
      // Un champ facultatif n'apparaît dans l'exemple que s'il a son propre exemple.
      if (!requis.has(k) && v.example === undefined && v.examples === undefined && v.default === undefined) continue;
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

const EXEMPLES_PROBLEMES = {
  400: {
    type: '/problemes/requete-invalide',
    title: 'Requête invalide',
    status: 400,
    detail: 'Champ « menage.reference » : référence de dossier : 2 à 40 caractères (lettres, chiffres, - et _), sans donnée personnelle',
    errors: [{ champ: 'menage.reference', message: 'référence de dossier : 2 à 40 caractères (lettres, chiffres, - et _), sans donnée personnelle' }],
  },
  401: { type: '/problemes/session-expiree', title: 'Authentification requise', status: 401, detail: 'Votre session a expiré, reconnectez-vous.' },
  403: { type: '/problemes/acces-refuse', title: 'Accès refusé', status: 403, detail: 'Ce ménage ne vous est pas affecté.' },
  404: { type: '/problemes/introuvable', title: 'Introuvable', status: 404, detail: 'Aucun parcours « loiret-ahu--LL-2026-0042 ».' },
  409: {
    type: '/problemes/message-refuse',
    title: 'Conflit',
    status: 409,
    detail: 'La visite ne peut plus être enregistrée : le parcours est à l’étape « Validation du plan par le département ».',
  },
  413: {
    type: '/problemes/requete-trop-volumineuse',
    title: 'Requête trop volumineuse',
    status: 413,
    detail: 'Le fichier est trop volumineux : 2 Mo au plus pour une liste de commission.',
  },
  415: {
    type: '/problemes/type-de-contenu',
    title: 'Type de contenu non pris en charge',
    status: 415,
    detail: 'Le corps de la requête doit être du JSON (en-tête « Content-Type: application/json »).',
  },
  429: {
    type: '/problemes/trop-de-tentatives',
    title: 'Trop de requêtes',
    status: 429,
    detail: 'Plusieurs essais ont échoué pour cet identifiant : attendez 2 secondes avant de réessayer.',
  },
  503: {
    type: '/problemes/service-indisponible',
    title: 'Service indisponible',
    status: 503,
    detail: 'Le moteur de parcours (Temporal) est momentanément indisponible. Réessayez dans quelques instants.',
  },
} as const;

const REPONSES_PROBLEMES: Record<string, { code: keyof typeof EXEMPLES_PROBLEMES; description: string }> = {
  RequeteInvalide: { code: 400, description: 'Requête invalide : chaque champ fautif est nommé avec la raison (JSON mal formé compris).' },
  NonConnecte: { code: 401, description: 'Non connecté, ou session expirée.' },
  Interdit: { code: 403, description: 'Action non autorisée pour ce compte (rôle, programme ou ménage non affecté).' },
  Introuvable: { code: 404, description: 'Parcours (ou message) introuvable.' },
  Conflit: { code: 409, description: 'Parcours déjà existant, ou message refusé à l’étape courante (la raison est dans « detail »).' },
  Indisponible: {
    code: 503,
    description: 'Service momentanément indisponible (Temporal, ou aucun worker) : réessayer avec le même requestId après le délai de l’en-tête Retry-After.',
  },
  TropVolumineux: { code: 413, description: 'Corps ou fichier trop volumineux.' },
  TypeContenu: { code: 415, description: 'Le corps doit être du JSON (Content-Type: application/json), en UTF-8.' },
  TropDeTentatives: {
    code: 429,
    description: 'Trop d’échecs de connexion (identifiant ou adresse), ou délai progressif en cours : attendre le délai de l’en-tête Retry-After.',
  },
};

const ref = (nom: string) => ({ $ref: `#/components/schemas/${nom}` });
const reponse = (nom: keyof typeof REPONSES_PROBLEMES) => ({ $ref: `#/components/responses/${nom}` });
const json = (schema: SchemaJson, example?: unknown) => ({ 'application/json': { schema, ...(example !== undefined ? { example } : {}) } });
const SECURITE_PERSONNEL: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];
/** Une réponse en page HTML (pages publiques des liens et des fiches d'orientation). */
const pageHtml = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
/** Une page HTML, ou un problème JSON quand la requête est refusée avant la page (corps illisible). */
const pageOuProbleme = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } }, 'application/problem+json': { schema: ref('Probleme') } },
});
/** Un problème JSON (erreurs communes : corps trop volumineux, type de contenu). */
const probleme = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Probleme') } } });

const nomComposant = (...parties: string[]) =>
  parties
    .join('_')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+(.)/g, (_m, c: string) => `_${c}`);

/** « tentative-contact » → « TentativeContact » (pour les operationId). */
const enCamel = (nom: string) => nom.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _s: string, c: string) => c.toUpperCase());

export interface OptionsDocument {
  registre: RegistreParcours;
  publicBaseUrl: string;
  catalogue?: Catalogue;
  version?: string;
}

export function construireDocument(o: OptionsDocument): DocumentOpenApi {
  const schemas: Record<string, SchemaJson> = {
    Probleme: versJsonSchema(problemeSchema, 'output'),
    Connexion: versJsonSchema(connexionSchema),
    Session: versJsonSchema(sessionSchema, 'output'),
    SessionCourante: versJsonSchema(quiSuisJeSchema, 'output'),
    EtatParcours: versJsonSchema(etatSchema, 'output'),
    ResumeParcours: versJsonSchema(resumeParcoursSchema, 'output'),
    ParcoursLance: versJsonSchema(lancementReponseSchema, 'output'),
    MessageApplique: versJsonSchema(reponseMessageSchema, 'output'),
    ActionAppliquee: versJsonSchema(reponseActionSchema, 'output'),
    Affectation: versJsonSchema(affectationSchema),
    ClotureAnticipee: versJsonSchema(clotureAnticipeeSchema),
    Sante: versJsonSchema(santeSchema, 'output'),
    Payloads: versJsonSchema(payloadsSchema),
  };

  const lancement = versJsonSchema(lancementSchema);
  schemas.Menage = lancement.properties.menage;
  lancement.properties.menage = ref('Menage');
  const exempleMenage = exempleDepuisSchema(schemas.Menage);

  // ---- Registre : données de lancement et messages, par type de parcours -------------------
  const types = Object.keys(o.registre) as TypeParcours[];
  const variantesDonnees: SchemaJson[] = [];
  const exemplesLancement: Record<string, { summary: string; value: unknown }> = {};
  const messages = new Map<string, Array<{ type: TypeParcours; def: DefinitionMessage }>>();
  for (const type of types) {
    const def = o.registre[type]!;
    const nom = nomComposant('Donnees', type);
    const js = versJsonSchema(def.schemaLancement);
    schemas[nom] = { ...js, title: `Données de lancement — ${LIBELLES_TYPE_PARCOURS[type]}` };
    variantesDonnees.push(ref(nom));
    const programme = o.catalogue?.tous().find((p) => p.typeParcours === type);
    exemplesLancement[type] = {
      summary: `${LIBELLES_TYPE_PARCOURS[type]}${programme ? ` (${programme.nom})` : ''}`,
      value: {
        programmeId: programme?.id ?? 'loiret-ahu',
        menage: exempleMenage,
        travailleurSocial: 'ts.martin',
        donnees: def.exempleLancement ?? exempleDepuisSchema(js),
      },
    };
    for (const [nomMessage, m] of Object.entries(def.messages)) {
      messages.set(nomMessage, [...(messages.get(nomMessage) ?? []), { type, def: m }]);
    }
  }

  // Un lancement par type de parcours : les programmes de ce type et leurs données. Les variantes
  // s'excluent par le programme choisi (« programmeId », le discriminant).
  const correspondance: Record<string, string> = {};
  const variantesLancement = types.flatMap((type) => {
    const ids =
      o.catalogue
        ?.tous()
        .filter((p) => p.typeParcours === type)
        .map((p) => p.id) ?? [];
    if (!ids.length) return [];
    const nom = nomComposant('Lancement', type);
    schemas[nom] = {
      ...lancement,
      title: `Lancement — ${LIBELLES_TYPE_PARCOURS[type]}`,
      properties: {
        ...lancement.properties,
        programmeId: { ...lancement.properties.programmeId, enum: ids, example: ids[0] },
        donnees: ref(nomComposant('Donnees', type)),
      },
      required: [...new Set([...(lancement.required ?? []), 'donnees'])],
    };
    for (const id of ids) correspondance[id] = ref(nom).$ref;
    return [ref(nom)];
  });
  if (variantesLancement.length) {
    schemas.Lancement = {
      title: 'Lancement d’un parcours',
      description: 'Le programme choisi décide des données attendues',
      oneOf: variantesLancement,
      discriminator: { propertyName: 'programmeId', mapping: correspondance },
    };
  } else {
    // Sans catalogue, rien ne départage les données : le corps suit au moins l'une des variantes.
    if (variantesDonnees.length)
      lancement.properties.donnees = { description: 'Données propres au type de parcours du programme choisi', anyOf: variantesDonnees };
    schemas.Lancement = lancement;
  }
  schemas.LiberationPlace = versJsonSchema(liberationPlaceSchema);
  schemas.NouvelleOrganisation = versJsonSchema(nouvelleOrganisationSchema);
  schemas.ModificationOrganisation = versJsonSchema(modificationOrganisationSchema);
  schemas.NouveauContact = versJsonSchema(nouveauContactSchema);
  schemas.ChangementBailleur = versJsonSchema(changementBailleurSchema);
  schemas.Organisation = versJsonSchema(organisationSchema, 'output');
  schemas.Contact = versJsonSchema(contactSchema, 'output');
  schemas.Annuaire = versJsonSchema(annuaireSchema, 'output');
  schemas.BailleurParcours = versJsonSchema(bailleurParcoursSchema, 'output');
  schemas.ConsentementPartage = versJsonSchema(consentementPartageSchema);
  schemas.EtatPartage = versJsonSchema(etatPartageSchema, 'output');
  schemas.ContactMenage = versJsonSchema(contactMenageSchema);
  schemas.EtatContactMenage = versJsonSchema(etatContactMenageSchema, 'output');
  Object.assign(schemas, schemasPersonnel());
  schemas.ListeCommission = versJsonSchema(listeCommissionSchema);
  schemas.ApercuCommission = versJsonSchema(apercuCommissionSchema, 'output');
  schemas.ImportCommission = versJsonSchema(importCommissionSchema, 'output');
  schemas.ImportsCommission = versJsonSchema(importsCommissionSchema, 'output');
  schemas.DecisionOrientation = versJsonSchema(decisionOrientationSchema);
  schemas.Orientation = versJsonSchema(orientationSortieSchema, 'output');
  schemas.FicheOrientation = versJsonSchema(ficheOrientationSchema);
  schemas.OrientationTransmise = {
    type: 'object',
    required: ['reference', 'statut', 'nonEligible', 'message'],
    properties: {
      reference: { type: 'string' },
      statut: { type: 'string', enum: ['recue'] },
      nonEligible: { type: ['string', 'null'], description: 'Le critère du programme que le ménage ne semble pas remplir' },
      message: { type: 'string' },
    },
  };
  schemas.ChangementReglages = versJsonSchema(changementReglagesSchema);
  schemas.ReglagesProgramme = versJsonSchema(reglagesProgrammeSchema, 'output');
  schemas.VersionEnregistree = versJsonSchema(versionEnregistreeSchema, 'output');

  const problemes = (...noms: Array<keyof typeof REPONSES_PROBLEMES>) => Object.fromEntries(noms.map((n) => [String(REPONSES_PROBLEMES[n]!.code), reponse(n)]));
  const paramId = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Identifiant du parcours : « programme--référence du dossier »',
    schema: { type: 'string', pattern: '^[a-z0-9-]{3,60}--[A-Za-z0-9][A-Za-z0-9_-]{1,39}$' },
    example: 'loiret-ahu--LL-2026-0042',
  };
  const paramOrganisation = {
    name: 'organisation',
    in: 'path',
    required: true,
    description: 'Identifiant de l’organisation (voir l’annuaire du programme)',
    schema: { type: 'string', pattern: '^[a-z0-9-]{3,60}--[a-z0-9_-]{2,60}$' },
    example: 'reims-april--bailleur-plurial-novilia',
  };
  const paramProgramme = {
    name: 'programme',
    in: 'path',
    required: true,
    description: 'Identifiant du programme',
    schema: { type: 'string' },
    example: 'concarneau-iml',
  };
  const paramToken = {
    name: 'token',
    in: 'path',
    required: true,
    description: 'Jeton signé reçu par courriel (trois segments base64url)',
    schema: { type: 'string', pattern: FORME_JETON.source, maxLength: 1000 },
  };

  const filtres = versJsonSchema(filtresListeSchema);
  const parametresListe = Object.entries<SchemaJson>(filtres.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    description: s.description,
    schema: s,
    ...(s.example !== undefined ? { example: s.example } : {}),
  }));

  const paths: DocumentOpenApi['paths'] = {
    '/api/session': {
      post: {
        operationId: 'ouvrirSession',
        tags: ['Session'],
        summary: 'Se connecter',
        description:
          'Vérifie l’identifiant et le mot de passe, ouvre une session et renvoie son jeton. Pose aussi un cookie « session » (HttpOnly, SameSite=Lax).',
        security: [],
        requestBody: { required: true, content: json(ref('Connexion'), { identifiant: 'coord.loiret', motDePasse: 'coord-demo' }) },
        responses: {
          '200': {
            description: 'Session ouverte',
            content: json(ref('Session'), {
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
                schema: ref('Probleme'),
                example: {
                  type: '/problemes/authentification-requise',
                  title: 'Authentification requise',
                  status: 401,
                  detail: 'Identifiant ou mot de passe incorrect.',
                },
              },
            },
          },
          '429': { description: 'Trop de tentatives pour cet identifiant.', content: { 'application/problem+json': { schema: ref('Probleme') } } },
        },
      },
      get: {
        operationId: 'lireSession',
        tags: ['Session'],
        summary: 'Qui suis-je ?',
        description: 'La personne connectée et l’expiration de sa session.',
        security: SECURITE_PERSONNEL,
        responses: { '200': { description: 'Session courante', content: json(ref('SessionCourante')) }, ...problemes('NonConnecte') },
      },
      delete: {
        operationId: 'fermerSession',
        tags: ['Session'],
        summary: 'Se déconnecter',
        description: 'Ferme la session et efface le cookie.',
        security: [],
        responses: { '204': { description: 'Session fermée' } },
      },
    },
    '/api/parcours': {
      post: {
        operationId: 'lancerParcours',
        tags: ['Parcours'],
        summary: 'Lancer un parcours',
        description:
          'Lance le parcours d’un ménage dans un programme (coordination du programme ou admin). L’identifiant du parcours est « programme--référence » : un second lancement pour le même ménage dans le même programme est refusé (409). Les « donnees » sont validées par le schéma de lancement du type de parcours du programme.',
        security: SECURITE_PERSONNEL,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('Lancement'), ...(Object.keys(exemplesLancement).length ? { examples: exemplesLancement } : {}) } },
        },
        responses: {
          '201': { description: 'Parcours lancé ; son état initial', content: json(ref('ParcoursLance')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Conflit', 'Indisponible'),
        },
      },
      get: {
        operationId: 'listerParcours',
        tags: ['Parcours'],
        summary: 'Lister les parcours',
        description:
          'Les parcours visibles par la personne connectée (admin : tous ; coordination : ses programmes ; travailleur social : les ménages qui lui sont affectés), filtrés, les parcours en retard d’abord puis par prochaine échéance. Lue dans le système d’enregistrement : le nom du ménage, la recherche par nom ou par référence, une page à la fois (le nombre total dans l’en-tête `X-Total-Count`, les pages voisines dans `Link`).',
        security: SECURITE_PERSONNEL,
        parameters: parametresListe,
        responses: {
          '200': {
            description: 'Une page de parcours',
            headers: {
              'X-Total-Count': { description: 'Nombre total de parcours trouvés (toutes pages)', schema: { type: 'integer' } },
              Link: { description: 'Pages suivante et précédente (rel="next", rel="prev")', schema: { type: 'string' } },
            },
            content: json({ type: 'array', items: ref('ResumeParcours') }, [
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
      },
    },
    '/api/parcours/{id}': {
      get: {
        operationId: 'lireParcours',
        tags: ['Parcours'],
        summary: 'État d’un parcours',
        description: 'Étape, échéances, demandes de validation, journal et détails, filtrés pour la personne connectée.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        responses: {
          '200': { description: 'État du parcours', content: json(ref('EtatParcours')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
        },
      },
    },
    ...cheminsDocuments(paramId, problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable')),
    '/api/programmes': {
      get: {
        operationId: 'listerProgrammes',
        tags: ['File IML'],
        summary: 'Programmes suivis, avec leurs parcours ouverts et, pour l’IML, le quota et la file',
        description:
          'Tous les programmes pour l’admin, les siens pour une coordination : parcours ouverts, parcours en retard ; pour un programme IML, quota de mesures, mesures actives, ménages en attente, places libres.',
        security: SECURITE_PERSONNEL,
        responses: {
          '200': { description: 'Les programmes', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } },
          ...problemes('NonConnecte', 'Interdit', 'Indisponible'),
        },
      },
    },
    '/api/programmes/{programme}/file-iml': {
      get: {
        operationId: 'lireFileIml',
        tags: ['File IML'],
        summary: 'Mesures actives et file d’attente d’un programme IML',
        description:
          'Quota de mesures agréées, places libres, mesures actives et ménages en attente avec leur rang (référence du dossier seulement). Coordination du programme ou admin.',
        security: SECURITE_PERSONNEL,
        parameters: [paramProgramme],
        responses: {
          '200': { description: 'La file du programme', content: { 'application/json': { schema: { type: 'object' } } } },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
        },
      },
    },
    '/api/programmes/{programme}/file-iml/liberer': {
      post: {
        operationId: 'libererPlaceIml',
        tags: ['File IML'],
        summary: 'Rendre la place d’une mesure arrêtée sans sa fin',
        description:
          'Pour une mesure dont le workflow a été arrêté de force, est en échec ou a disparu : sa place (ou son rang) est rendue et la mesure suivante de la file démarre. 409 si la mesure tourne encore (sa fin rend la place d’elle-même).',
        security: SECURITE_PERSONNEL,
        parameters: [paramProgramme],
        requestBody: { required: true, content: json(ref('LiberationPlace'), { mesure: 'concarneau-iml--CON-2026-0007', motif: 'Mesure arrêtée par erreur' }) },
        responses: {
          '202': { description: 'Place rendue', content: { 'application/json': { schema: { type: 'object' } } } },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
        },
      },
    },
    '/api/programmes/{programme}/reglages': {
      get: {
        operationId: 'lireReglages',
        tags: ['Programmes'],
        summary: 'Les réglages d’un programme et leurs versions',
        description:
          'Délais, séries de bilans, options, quotas, règles d’éligibilité, rappels et conservation en vigueur ; l’historique des versions (qui, quand, pourquoi, ce qui a changé). Coordination du programme ou admin.',
        security: SECURITE_PERSONNEL,
        parameters: [paramProgramme],
        responses: {
          '200': { description: 'Les réglages', content: json(ref('ReglagesProgramme')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
        },
      },
      put: {
        operationId: 'changerReglages',
        tags: ['Programmes'],
        summary: 'Changer les réglages : une nouvelle version du programme',
        description:
          'Seuls les réglages que le programme a déjà. `versionAttendue` est la version lue : 409 si le programme a changé depuis. Les parcours lancés ensuite suivent la nouvelle version ; ceux en cours gardent la leur.',
        security: SECURITE_PERSONNEL,
        parameters: [paramProgramme],
        requestBody: {
          required: true,
          content: json(ref('ChangementReglages'), {
            versionAttendue: 1,
            motif: 'Délai de diagnostic allongé (comité de pilotage du 2 décembre)',
            delais: { diagnostic: 'P4W' },
          }),
        },
        responses: {
          '200': { description: 'Version enregistrée', content: json(ref('VersionEnregistree')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu', 'Indisponible'),
        },
      },
    },
    '/api/programmes/{programme}/annuaire': {
      get: {
        operationId: 'lireAnnuaire',
        tags: ['Annuaire des partenaires'],
        summary: 'L’annuaire des partenaires d’un programme',
        description:
          'Organisations (bailleurs, département, SIAO…), leurs services et contacts ; pour chaque bailleur, sa file active. Pour le personnel du programme.',
        security: SECURITE_PERSONNEL,
        parameters: [paramProgramme],
        responses: {
          '200': { description: 'L’annuaire', content: json(ref('Annuaire')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable'),
        },
      },
    },
    '/api/programmes/{programme}/organisations': {
      post: {
        operationId: 'creerOrganisation',
        tags: ['Annuaire des partenaires'],
        summary: 'Ajouter une organisation (un bailleur, un service social…)',
        description:
          'Admin ou coordination du programme. Un bailleur ajouté peut être choisi au lancement d’un parcours ; ses contacts reçoivent les courriels destinés au bailleur de ses ménages.',
        security: SECURITE_PERSONNEL,
        parameters: [paramProgramme],
        requestBody: {
          required: true,
          content: json(ref('NouvelleOrganisation'), {
            type: 'bailleur_prive',
            nom: 'SCI Les Tilleuls',
            contacts: [{ nom: 'Paul Garnier', courriel: 'gestion@sci-tilleuls.example' }],
          }),
        },
        responses: {
          '201': { description: 'Organisation ajoutée', content: json(ref('Organisation')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'TypeContenu'),
        },
      },
    },
    '/api/organisations/{organisation}': {
      patch: {
        operationId: 'modifierOrganisation',
        tags: ['Annuaire des partenaires'],
        summary: 'Renommer une organisation, changer sa file active, la désactiver',
        security: SECURITE_PERSONNEL,
        parameters: [paramOrganisation],
        requestBody: { required: true, content: json(ref('ModificationOrganisation'), { quotaFileActive: 25 }) },
        responses: {
          '200': { description: 'Organisation modifiée', content: json(ref('Organisation')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'TypeContenu'),
        },
      },
    },
    '/api/organisations/{organisation}/contacts': {
      post: {
        operationId: 'ajouterContact',
        tags: ['Annuaire des partenaires'],
        summary: 'Ajouter un contact (il reçoit les courriels suivants aussitôt)',
        security: SECURITE_PERSONNEL,
        parameters: [paramOrganisation],
        requestBody: {
          required: true,
          content: json(ref('NouveauContact'), { nom: 'Sandrine Morel', courriel: 's.morel@plurial-novilia.example', service: 'recouvrement' }),
        },
        responses: {
          '201': { description: 'Contact ajouté (ou réactivé)', content: json(ref('Contact')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'TypeContenu'),
        },
      },
    },
    '/api/organisations/{organisation}/contacts/{contact}': {
      delete: {
        operationId: 'retirerContact',
        tags: ['Annuaire des partenaires'],
        summary: 'Retirer un contact (il ne reçoit plus rien ; la trace reste)',
        security: SECURITE_PERSONNEL,
        parameters: [
          paramOrganisation,
          { name: 'contact', in: 'path', required: true, description: 'Identifiant du contact', schema: { type: 'string', pattern: '^\\d{1,18}$' } },
        ],
        responses: { '204': { description: 'Contact retiré' }, ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'TypeContenu') },
      },
    },
    '/api/organisations/{organisation}/liens-orientation': {
      post: {
        operationId: 'envoyerLienOrientation',
        tags: ['Annuaire des partenaires'],
        summary: 'Envoyer aux contacts d’une organisation un lien de fiche d’orientation',
        description:
          'Programmes de prévention précontentieuse. Le lien signé sert une fois et expire après 30 jours ; la fiche remplie arrive dans les orientations reçues du programme. 409 si l’organisation n’a aucun contact actif.',
        security: SECURITE_PERSONNEL,
        parameters: [paramOrganisation],
        responses: {
          '201': {
            description: 'Lien envoyé',
            content: json({
              type: 'object',
              required: ['organisation', 'envoyeA', 'expireLe'],
              properties: { organisation: { type: 'string' }, envoyeA: { type: 'integer' }, expireLe: { type: 'string', format: 'date-time' } },
            }),
          },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu'),
        },
      },
    },
    '/api/organisations/{organisation}/cles-api': {
      get: {
        operationId: 'listerClesApi',
        tags: ['Orienter depuis le logiciel d’un partenaire'],
        summary: 'Les clés d’accès actives du logiciel d’une organisation',
        description: 'Coordination du programme ou admin. La clé elle-même n’est jamais rendue : seulement son identifiant et ses dates.',
        security: SECURITE_PERSONNEL,
        parameters: [paramOrganisation],
        responses: {
          '200': {
            description: 'Les clés',
            content: json({
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'creePar', 'creeLe', 'utiliseeLe'],
                properties: {
                  id: { type: 'string' },
                  creePar: { type: 'string' },
                  creeLe: { type: 'string', format: 'date-time' },
                  utiliseeLe: { type: ['string', 'null'], format: 'date-time' },
                },
              },
            }),
          },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable'),
        },
      },
      post: {
        operationId: 'creerCleApi',
        tags: ['Orienter depuis le logiciel d’un partenaire'],
        summary: 'Créer une clé d’accès pour le logiciel d’une organisation',
        description:
          'Programmes de prévention précontentieuse. La clé est dans la réponse et nulle part ailleurs (seule son empreinte est gardée) : la transmettre par un canal sûr.',
        security: SECURITE_PERSONNEL,
        parameters: [paramOrganisation],
        responses: {
          '201': {
            description: 'Clé créée',
            content: json({
              type: 'object',
              required: ['id', 'cle', 'organisation', 'message'],
              properties: { id: { type: 'string' }, cle: { type: 'string' }, organisation: { type: 'string' }, message: { type: 'string' } },
            }),
          },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
        },
      },
    },
    '/api/organisations/{organisation}/cles-api/{cle}': {
      delete: {
        operationId: 'revoquerCleApi',
        tags: ['Orienter depuis le logiciel d’un partenaire'],
        summary: 'Révoquer une clé d’accès',
        description: 'La clé ne sert plus, aussitôt, sur toutes les API.',
        security: SECURITE_PERSONNEL,
        parameters: [
          paramOrganisation,
          {
            name: 'cle',
            in: 'path',
            required: true,
            description: 'Identifiant de la clé (12 caractères hexadécimaux)',
            schema: { type: 'string', pattern: '^[0-9a-f]{12}$' },
          },
        ],
        responses: { '204': { description: 'Clé révoquée' }, ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable') },
      },
    },
    '/api/partenaires/orientations': {
      post: {
        operationId: 'orienterDepuisUnLogiciel',
        tags: ['Orienter depuis le logiciel d’un partenaire'],
        summary: 'Envoyer une fiche d’orientation depuis le logiciel d’un partenaire',
        description:
          'La même fiche que la page d’orientation, en JSON (avec le consentement du ménage). L’organisation est celle de la clé. Avec « Idempotency-Key », un envoi répété rend l’orientation déjà reçue (200) au lieu d’en créer une autre. La réponse dit si le ménage semble hors des critères du programme (la coordination décide).',
        security: [{ cleOrganisation: [] }],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'Identifiant de l’envoi dans le logiciel (1 à 200 caractères visibles)',
            schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
          },
        ],
        requestBody: { required: true, content: json(ref('FicheOrientation')) },
        responses: {
          '201': { description: 'Orientation reçue', content: json(ref('OrientationTransmise')) },
          '200': { description: 'Envoi déjà reçu (même Idempotency-Key)', content: json(ref('OrientationTransmise')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Conflit', 'TypeContenu', 'TropDeTentatives'),
        },
      },
    },
    '/api/partenaires/orientations/{reference}': {
      get: {
        operationId: 'suivreOrientationDepuisUnLogiciel',
        tags: ['Orienter depuis le logiciel d’un partenaire'],
        summary: 'Où en est une orientation envoyée par cette organisation',
        security: [{ cleOrganisation: [] }],
        parameters: [
          {
            name: 'reference',
            in: 'path',
            required: true,
            description: 'Référence rendue à l’envoi',
            schema: { type: 'string', pattern: '^OR-\\d{4}-[0-9A-F]{6}$' },
            example: 'OR-2612-7F3C0A',
          },
        ],
        responses: {
          '200': {
            description: 'L’orientation',
            content: json({
              type: 'object',
              required: ['reference', 'statut', 'recueLe'],
              properties: {
                reference: { type: 'string' },
                statut: { type: 'string', enum: ['recue', 'acceptee', 'refusee'] },
                recueLe: { type: 'string', format: 'date-time' },
                traiteeLe: { type: 'string', format: 'date-time' },
                motifRefus: { type: 'string' },
              },
            }),
          },
          ...problemes('NonConnecte', 'Introuvable', 'TropDeTentatives'),
        },
      },
    },
    '/api/programmes/{programme}/orientations': {
      get: {
        operationId: 'listerOrientations',
        tags: ['Orientations'],
        summary: 'Les orientations reçues des partenaires, leur éligibilité expliquée',
        security: SECURITE_PERSONNEL,
        parameters: [paramProgramme],
        responses: {
          '200': { description: 'Orientations, les plus récentes d’abord', content: json({ type: 'array', items: ref('Orientation') }) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
        },
      },
    },
    '/api/orientations/{orientation}/decision': {
      post: {
        operationId: 'deciderOrientation',
        tags: ['Orientations'],
        summary: 'Accepter (le parcours démarre) ou refuser (motif renvoyé au partenaire) une orientation',
        description:
          'Accepter lance le parcours du ménage (le bailleur qui oriente devient son bailleur, sauf choix contraire) ; « orienté par » reste attaché au dossier. Refuser envoie le motif à la personne qui a orienté. 409 si l’orientation est déjà traitée.',
        security: SECURITE_PERSONNEL,
        parameters: [
          { name: 'orientation', in: 'path', required: true, description: 'Identifiant de l’orientation', schema: { type: 'string', format: 'uuid' } },
        ],
        requestBody: { required: true, content: json(ref('DecisionOrientation'), { decision: 'accepter', travailleurSocial: 'ts.martin' }) },
        responses: {
          '200': { description: 'Orientation traitée', content: json(ref('Orientation')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
        },
      },
    },
    '/orientation/{token}': {
      get: {
        operationId: 'lireFormulaireOrientation',
        tags: ['Liens des partenaires'],
        summary: 'Fiche d’orientation (page HTML, sans compte)',
        security: [],
        parameters: [paramToken],
        responses: {
          '200': { description: 'Page HTML', content: { 'text/html': { schema: { type: 'string' } } } },
          '400': pageOuProbleme('Lien non valide (page HTML)'),
          '403': pageHtml('Lien altéré (page HTML)'),
          '404': pageHtml('Lien inconnu (page HTML)'),
          '431': { description: 'Adresse trop longue (lien mal copié)' },
          '410': pageHtml('Lien expiré (page HTML)'),
        },
      },
      post: {
        operationId: 'transmettreOrientation',
        tags: ['Liens des partenaires'],
        summary: 'Envoyer la fiche d’orientation (formulaire HTML)',
        security: [],
        parameters: [paramToken],
        requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
        responses: {
          '201': pageHtml('Fiche transmise (page HTML)'),
          '400': pageOuProbleme('Saisie à corriger (page HTML)'),
          '403': pageHtml('Lien altéré (page HTML)'),
          '404': pageHtml('Lien inconnu (page HTML)'),
          '409': pageHtml('Lien déjà utilisé (page HTML)'),
          '431': { description: 'Adresse trop longue (lien mal copié)' },
          '410': pageHtml('Lien expiré (page HTML)'),
          '413': probleme('Formulaire trop volumineux'),
          '415': probleme('Type de contenu non pris en charge'),
        },
      },
    },
    '/api/parcours/{id}/bailleur': {
      get: {
        operationId: 'lireBailleurParcours',
        tags: ['Parcours'],
        summary: 'Le bailleur du ménage et l’historique de ses changements',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        responses: {
          '200': { description: 'Bailleur du parcours', content: json(ref('BailleurParcours')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
        },
      },
      put: {
        operationId: 'changerBailleurParcours',
        tags: ['Parcours'],
        summary: 'Changer le bailleur du ménage (avec le motif)',
        description:
          'Coordination du programme. Les courriels suivants destinés au bailleur vont aux contacts du nouveau bailleur ; le changement est tracé. 409 si c’est déjà son bailleur.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        requestBody: {
          required: true,
          content: json(ref('ChangementBailleur'), {
            bailleur: 'reims-april--bailleur-plurial-novilia',
            motif: 'Mutation du ménage dans le parc de Plurial Novilia',
          }),
        },
        responses: {
          '200': { description: 'Bailleur changé', content: json(ref('BailleurParcours')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
        },
      },
    },
    '/api/parcours/{id}/contact-menage': {
      get: {
        operationId: 'lireContactMenage',
        tags: ['Parcours'],
        summary: 'Les moyens de contact que le ménage accepte (courriel, SMS)',
        description: 'Coordination du programme, travailleur social affecté ou admin. Le portable est masqué.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        responses: {
          '200': { description: 'Accord par moyen de contact, qui l’a noté et quand', content: json(ref('EtatContactMenage')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
        },
      },
      post: {
        operationId: 'enregistrerContactMenage',
        tags: ['Parcours'],
        summary: 'Noter l’accord du ménage pour les SMS, ou son retrait',
        description:
          'Avec son numéro de portable. Chaque courriel adressé au ménage part ensuite aussi en SMS court, sans détail. 409 si le parcours est clôturé.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        requestBody: { required: true, content: json(ref('ContactMenage'), { canal: 'sms', accorde: true, telephone: '06 12 34 56 78' }) },
        responses: {
          '201': { description: 'Accord noté', content: json(ref('EtatContactMenage')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
        },
      },
    },
    '/api/parcours/{id}/consentement-partage': {
      get: {
        operationId: 'lireConsentementPartage',
        tags: ['Parcours'],
        summary: 'Le partage du diagnostic : réglage du programme et accord du ménage',
        description: 'Coordination du programme, travailleur social affecté ou admin.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        responses: {
          '200': { description: 'Réglage, accord en vigueur et historique', content: json(ref('EtatPartage')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Indisponible'),
        },
      },
      post: {
        operationId: 'recueillirConsentementPartage',
        tags: ['Parcours'],
        summary: 'Enregistrer l’accord du ménage pour le partage de son diagnostic',
        description:
          'Pour des destinataires que le programme prévoit (Déclic : conseillère sociale et pôle recouvrement du bailleur). Qui l’a recueilli et quand sont gardés. Le diagnostic terminé part alors au bailleur par courriel (fiche de suivi social, sans les notes du travailleur social), ou dès qu’il sera terminé. 409 si le programme ne partage pas le diagnostic avec eux.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        requestBody: { required: true, content: json(ref('ConsentementPartage'), { portee: ['conseillere_sociale_bailleur', 'recouvrement_bailleur'] }) },
        responses: {
          '201': { description: 'Accord enregistré', content: json(ref('EtatPartage')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible', 'TypeContenu'),
        },
      },
      delete: {
        operationId: 'retirerConsentementPartage',
        tags: ['Parcours'],
        summary: 'Enregistrer le retrait de l’accord du ménage',
        description:
          'Le diagnostic ne part plus à personne à partir de maintenant ; un bailleur qui l’a reçu est prié de ne plus l’utiliser. 409 s’il n’y a pas d’accord en vigueur.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        responses: {
          '200': { description: 'Retrait enregistré', content: json(ref('EtatPartage')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
        },
      },
    },
    '/api/parcours/{id}/affectation': {
      post: {
        operationId: 'affecterParcours',
        tags: ['Parcours'],
        summary: 'Affecter un travailleur social',
        description: 'Affecte (ou réaffecte) le travailleur social du ménage. Coordination du programme ou admin.',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        requestBody: { required: true, content: json(ref('Affectation'), { requestId: EXEMPLE_REQUEST_ID, travailleurSocial: 'ts.martin' }) },
        responses: {
          '200': { description: 'Affectation enregistrée', content: json(ref('ActionAppliquee')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
        },
      },
    },
    '/api/parcours/{id}/cloture': {
      post: {
        operationId: 'cloreParcours',
        tags: ['Parcours'],
        summary: 'Clore un parcours avant son terme',
        description: 'Clôture anticipée, avec un motif. Coordination du programme ou admin. 409 si le parcours ne le permet pas (encore).',
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        requestBody: { required: true, content: json(ref('ClotureAnticipee'), { requestId: EXEMPLE_REQUEST_ID, motif: 'Le ménage a quitté le logement' }) },
        responses: {
          '200': { description: 'Parcours clôturé', content: json(ref('ActionAppliquee')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
        },
      },
    },
  };

  for (const [nomMessage, defs] of [...messages.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const variantes = defs.map(({ type, def }) => {
      const nom = nomComposant('Message', type, nomMessage);
      schemas[nom] = { ...versJsonSchema(def.schema.safeExtend({ requestId: requestIdSchema })), title: `${def.libelle} (${LIBELLES_TYPE_PARCOURS[type]})` };
      return { type, def, nom };
    });
    const premier = variantes[0]!;
    const exemple = { requestId: EXEMPLE_REQUEST_ID, ...(premier.def.exemple ?? (exempleDepuisSchema(versJsonSchema(premier.def.schema)) as object)) };
    const roles = [...new Set(defs.flatMap((d) => d.def.roles))];
    paths[`/api/parcours/{id}/messages/${nomMessage}`] = {
      post: {
        operationId: `envoyer${enCamel(nomMessage)}`,
        tags: ['Messages'],
        summary: premier.def.libelle,
        description: [
          `Message « ${nomMessage} » (${variantes.map((v) => LIBELLES_TYPE_PARCOURS[v.type]).join(', ')}).`,
          `Peut l’envoyer : ${roles.map((r) => ({ admin: 'admin', coordinateur: 'coordination du programme', travailleur_social: 'le travailleur social affecté au ménage' })[r]).join(', ')}.`,
          'Le « requestId » rend l’envoi idempotent : renvoyé avec le même identifiant, le message n’est appliqué qu’une fois. 409 si l’étape courante du parcours le refuse (raison en français dans « detail »).',
        ].join(' '),
        'x-roles': roles,
        security: SECURITE_PERSONNEL,
        parameters: [paramId],
        // Le type du parcours (donc le schéma du corps) vient de l'identifiant dans le chemin, pas du corps :
        // les variantes peuvent se recouvrir, d'où « anyOf » (le corps suit au moins l'une d'elles).
        requestBody: { required: true, content: json(variantes.length === 1 ? ref(premier.nom) : { anyOf: variantes.map((v) => ref(v.nom)) }, exemple) },
        responses: {
          '200': {
            description: 'Message appliqué : son résultat, l’étape où il laisse le parcours et les messages qu’elle permet',
            content: json(ref('MessageApplique')),
          },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'Indisponible'),
        },
      },
    };
  }

  Object.assign(paths, {
    '/liens/{token}': {
      get: {
        operationId: 'lirePageValidation',
        tags: ['Liens des partenaires'],
        summary: 'Page de réponse à une demande de validation',
        description:
          'Page HTML (sans compte) ouverte depuis le lien signé reçu par courriel : objet, éléments pour décider, échéance et formulaire. 400 si le lien est altéré, 410 s’il a expiré.',
        security: [],
        parameters: [paramToken],
        responses: {
          '200': { description: 'Page HTML', content: { 'text/html': { schema: { type: 'string' } } } },
          '400': pageOuProbleme('Ce n’est pas un lien de la plateforme (page HTML)'),
          '403': pageHtml('Lien altéré ou signé par une clé inconnue (page HTML)'),
          '404': pageHtml('Dossier ou demande introuvable (page HTML)'),
          '431': { description: 'Adresse trop longue (lien mal copié)' },
          '410': pageHtml('Lien expiré (page HTML)'),
        },
      },
      post: {
        operationId: 'repondreValidation',
        tags: ['Liens des partenaires'],
        summary: 'Répondre à une demande de validation',
        description:
          'Formulaire (application/x-www-form-urlencoded) : décision « approuve » ou « refuse », commentaire facultatif. Une seconde réponse est refusée (409).',
        security: [],
        parameters: [paramToken],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['decision'],
                properties: { decision: { type: 'string', enum: ['approuve', 'refuse'] }, commentaire: { type: 'string', maxLength: 2000 } },
              },
              example: { decision: 'approuve', commentaire: 'Accord du service FSL pour une mesure ASLL de 6 mois.' },
            },
          },
        },
        responses: {
          '200': pageHtml('Confirmation (page HTML)'),
          '400': pageOuProbleme('Lien ou formulaire non valide (page HTML)'),
          '403': pageHtml('Lien altéré ou signé par une clé inconnue (page HTML)'),
          '404': pageHtml('Dossier ou demande introuvable (page HTML)'),
          '409': pageHtml('Demande déjà traitée ou close (page HTML)'),
          '431': { description: 'Adresse trop longue (lien mal copié)' },
          '410': pageHtml('Lien expiré (page HTML)'),
          '503': pageHtml('Service momentanément indisponible (page HTML)'),
        },
      },
    },
    ...cheminsIndicateurs(problemes),
    ...cheminsPersonnel(problemes),
    ...cheminsCommissions(problemes, paramProgramme),
    '/health': {
      get: {
        operationId: 'lireSante',
        tags: ['Exploitation'],
        summary: 'Santé du service',
        description:
          'Temporal, la base et le serveur SMTP répondent-ils, un worker traite-t-il les parcours (présence dans la base) et interroge-t-il la file dans Temporal ? 200 si tout va bien ; 503 sinon, y compris « degrade » (l’API répond et lit ses dossiers, mais les parcours n’avancent pas, par exemple pendant qu’un worker démarre). À ne pas utiliser comme sonde de vie de l’API : elle n’y peut rien si le worker manque.',
        security: [],
        responses: {
          '200': {
            description: 'Tout fonctionne',
            content: json(ref('Sante'), { etat: 'ok', detail: 'Tout fonctionne.', temporal: 'ok', base: 'ok', smtp: 'ok', workers: 'ok', interrogation: 'ok' }),
          },
          '503': {
            description:
              'Service dégradé (un worker manque ou n’interroge pas encore la file, Temporal ou SMTP injoignable) ou indisponible (la base ne répond pas)',
            content: json(ref('Sante'), {
              etat: 'degrade',
              detail:
                'Service dégradé : aucun worker n’interroge la file des parcours dans Temporal. Les dossiers restent lisibles ; les actions sur les parcours répondent 503 ou attendent.',
              temporal: 'ok',
              base: 'ok',
              smtp: 'ok',
              workers: 'ok',
              interrogation: 'aucune',
            }),
          },
        },
      },
    },
    '/codec/decode': {
      post: {
        operationId: 'decoderPayloads',
        tags: ['Exploitation'],
        summary: 'Déchiffrer des payloads (interface Temporal)',
        description: 'Serveur de codec pour l’interface Temporal (admin et coordination seulement). CORS avec cookies pour l’origine de l’interface Temporal.',
        security: SECURITE_PERSONNEL,
        requestBody: { required: true, content: json(ref('Payloads')) },
        responses: {
          '200': { description: 'Payloads déchiffrés', content: json(ref('Payloads')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit'),
        },
      },
    },
    '/codec/encode': {
      post: {
        operationId: 'encoderPayloads',
        tags: ['Exploitation'],
        summary: 'Chiffrer des payloads (interface Temporal)',
        description: 'Chiffre des payloads avec la clé active (admin et coordination seulement).',
        security: SECURITE_PERSONNEL,
        requestBody: { required: true, content: json(ref('Payloads')) },
        responses: { '200': { description: 'Payloads chiffrés', content: json(ref('Payloads')) }, ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit') },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'lireDocumentOpenApi',
        tags: ['Exploitation'],
        summary: 'Ce document (OpenAPI 3.1)',
        security: [],
        responses: { '200': { description: 'Document OpenAPI', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    '/docs': {
      get: {
        operationId: 'lireDocumentation',
        tags: ['Exploitation'],
        summary: 'Documentation lisible (HTML)',
        security: [],
        responses: { '200': { description: 'Page HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
  });

  const responses = Object.fromEntries(
    Object.entries(REPONSES_PROBLEMES).map(([nom, r]) => [
      nom,
      { description: r.description, content: { 'application/problem+json': { schema: ref('Probleme'), example: EXEMPLES_PROBLEMES[r.code] } } },
    ]),
  );

  // Ce que toute opération peut répondre et que chaque chemin ne redit pas : 415 pour un corps JSON
  // envoyé sous un autre type, 503 (avec Retry-After) pour ce qui passe par le moteur de parcours.
  for (const [chemin, ops] of Object.entries(paths)) {
    for (const [methode, op] of Object.entries(
      ops as Record<string, { requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, unknown> }>,
    )) {
      if (!op.responses) continue;
      if (op.requestBody?.content?.['application/json'] && !op.responses['415']) op.responses['415'] = reponse('TypeContenu');
      if (chemin.startsWith('/api/parcours') && methode === 'post' && !op.responses['503']) op.responses['503'] = reponse('Indisponible');
      if (chemin === '/api/session' && methode === 'post' && !op.responses['429']) op.responses['429'] = reponse('TropDeTentatives');
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Parcours de prévention des expulsions — API',
      version: o.version ?? '0.1.0',
      description:
        'API de la plateforme d’orchestration des partenariats de prévention des expulsions locatives. Chaque parcours de ménage est un workflow Temporal durable. Toutes les erreurs sont au format « application/problem+json » (RFC 9457), en français. Aucune donnée personnelle ne figure dans les identifiants de parcours.',
    },
    servers: [{ url: o.publicBaseUrl, description: 'Cette installation' }],
    tags: [
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
        name: 'Orienter depuis le logiciel d’un partenaire',
        description:
          'Le logiciel d’un bailleur ou d’un service social envoie des fiches d’orientation avec la clé d’accès de son organisation (créée par la coordination dans l’annuaire)',
      },
      { name: 'Programmes', description: 'Réglages des programmes (délais, options, quotas, éligibilité) et leurs versions' },
      { name: 'Liens des partenaires', description: 'Pages ouvertes par les partenaires (sans compte) depuis un lien signé' },
      TAG_PERSONNEL,
      { name: 'Exploitation', description: 'Santé, codec de l’interface Temporal, documentation' },
    ],
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Jeton renvoyé par POST /api/session' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'session', description: 'Cookie posé par POST /api/session (HttpOnly, SameSite=Lax)' },
        cleOrganisation: {
          type: 'http',
          scheme: 'bearer',
          description: 'Clé d’accès du logiciel d’une organisation partenaire (« orient_… »), créée par la coordination dans l’annuaire et montrée une fois',
        },
      },
    },
    security: SECURITE_PERSONNEL,
  };
}

/** Les documents d'un parcours : chacun en HTML imprimable et en PDF (`.pdf`), au même contenu. */
function cheminsDocuments(paramId: unknown, erreurs: Record<string, unknown>): Record<string, unknown> {
  const version = {
    name: 'version',
    in: 'query',
    required: false,
    description:
      '« partenaires » : la version adressée au bailleur et à la CCAPEX (la référence du dossier, rien de ce que le ménage a confié) ; « equipe » (par défaut) : celle du dossier.',
    schema: { type: 'string', enum: ['equipe', 'partenaires'] },
  };
  const versionSuivi = {
    ...version,
    description:
      '« partenaires » : la version pour le référent du bailleur (étape, contact, engagements qui le concernent, bilans ; ni diagnostic, ni carnet de route, ni nom du ménage) ; « equipe » (par défaut) : celle du dossier.',
  };
  const destinataire = {
    name: 'destinataire',
    in: 'query',
    required: false,
    description:
      'Avec « version=partenaires » : pour qui, chez le bailleur. Le diagnostic et le carnet de route y figurent si le programme les partage avec ce destinataire et que le ménage l’a accepté (Déclic) ; jamais sinon.',
    schema: { type: 'string', enum: ['conseillere_sociale_bailleur', 'recouvrement_bailleur'] },
  };
  const jalon = {
    name: 'jalon',
    in: 'query',
    required: false,
    description: 'Le jalon du bilan (ISO 8601, ex. P6M) ; par défaut le dernier bilan tenu.',
    schema: { type: 'string', example: 'P6M' },
  };
  const documents: Array<[string, string, string, unknown[]]> = [
    [
      'lettre-information',
      'Lettre d’information au ménage',
      'La lettre qui annonce au ménage l’orientation, l’indépendance de l’association et la confidentialité de ce qu’il confie (parcours de prévention précontentieuse), à son nom et à son adresse.',
      [],
    ],
    [
      'fiche-orientation',
      'Fiche d’orientation',
      'Qui oriente le ménage, le ménage, sa situation locative et son accord (parcours de prévention précontentieuse) : la fiche du partenaire qui l’a orienté, sinon ce que le parcours a retenu à son ouverture. Version de l’équipe seulement (elle nomme le ménage).',
      [],
    ],
    [
      'fiche-suivi-social',
      'Fiche de suivi social',
      'L’accompagnement du premier contact à la clôture (prévention précontentieuse) : diagnostic et carnet de route (version de l’équipe), plan d’aide, points de suivi et bilans, prochaines échéances.',
      [versionSuivi, destinataire],
    ],
    [
      'plan-aide',
      'Plan d’aide à signer',
      'Le plan d’aide comme engagement réciproque entre le ménage et l’opérateur : actions, orientations, plan d’apurement, engagements de chacun, cadres de signature. Remis au ménage.',
      [],
    ],
    [
      'carnet-de-route',
      'Carnet de route du ménage',
      'Les démarches du ménage (à cocher), son plan d’aide, ses rendez-vous passés et à venir et qui appeler, dès la fin du diagnostic. Remis au ménage.',
      [],
    ],
    [
      'livret-iml',
      'Livret sur le bail glissant',
      'Ce que veulent dire intermédiation locative, sous-location et bail glissant, les étapes et les dates de la mesure, les engagements du ménage et qui appeler (parcours IML). Remis au ménage.',
      [],
    ],
    [
      'fiche-bilan',
      'Fiche-bilan de mesure (IML)',
      'La fiche-bilan adressée à la DDETS après chaque bilan de mesure (6 et 10 mois) : non nominative, sans rien de ce que le ménage a confié.',
      [jalon],
    ],
    ['fiche-cloture', 'Fiche de clôture', 'Issue, motif, date et bilans d’un parcours clôturé (tous les parcours), sans donnée confiée par le ménage.', []],
    [
      'resume-protocole',
      'Résumé du protocole',
      'Dates, durée, indemnité d’occupation, plan d’apurement, avenants et paiements du protocole de cohésion sociale.',
      [version],
    ],
  ];
  const chemins: Record<string, unknown> = {};
  for (const [nom, titre, description, parametres] of documents) {
    for (const pdf of [false, true]) {
      chemins[`/api/parcours/{id}/documents/${nom}${pdf ? '.pdf' : ''}`] = {
        get: {
          operationId: `lire${enCamel(nom)}${pdf ? 'Pdf' : ''}`,
          tags: ['Documents'],
          summary: `${titre} (${pdf ? 'PDF' : 'HTML imprimable'})`,
          description,
          security: SECURITE_PERSONNEL,
          parameters: [paramId, ...parametres],
          responses: {
            '200': {
              description: titre,
              content: pdf ? { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } : { 'text/html': { schema: { type: 'string' } } },
            },
            ...erreurs,
          },
        },
      };
    }
  }
  return chemins;
}

/** Les indicateurs et rapports d'évaluation d'un programme (api/routes/indicateurs.ts). */
function cheminsIndicateurs(problemes: (...noms: Array<keyof typeof REPONSES_PROBLEMES>) => Record<string, unknown>): DocumentOpenApi['paths'] {
  const id = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Identifiant du programme',
    schema: { type: 'string', pattern: '^[a-z0-9-]{2,60}$' },
    example: 'loiret-ahu',
  };
  const jour = (name: string, description: string) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: { type: 'string', format: 'date' },
    example: name === 'du' ? '2026-01-01' : '2026-06-30',
  });
  const periode = {
    name: 'periode',
    in: 'query',
    required: false,
    description:
      '6-mois ou 12-mois : les 6 ou 12 premiers mois du programme, depuis son début (réglage « debut » du programme, sinon son premier parcours ; arrêtés à aujourd’hui si le terme n’est pas atteint) ; annuel-iml (avec annee=AAAA) ; sans periode : les 12 derniers mois ; remplacé par du/au',
    schema: { type: 'string', enum: ['6-mois', '12-mois', 'annuel-iml'] },
  };
  const pour = {
    name: 'pour',
    in: 'query',
    required: false,
    description: 'partenaires : agrégats seulement, aucune référence de dossier',
    schema: { type: 'string', enum: ['partenaires'] },
  };
  const params = [
    id,
    jour('du', 'Début de la période (inclus), à donner avec « au » (400 sinon)'),
    jour('au', 'Fin de la période (incluse), à donner avec « du », et pas avant lui (400 sinon)'),
    periode,
    {
      name: 'annee',
      in: 'query',
      required: false,
      description: 'Année du rapport annuel IML (pas une année future : 400)',
      schema: { type: 'string', pattern: '^\\d{4}$' },
    },
    pour,
  ];
  const commun = { tags: ['Indicateurs'], security: SECURITE_PERSONNEL, parameters: params, 'x-roles': ['coordinateur', 'admin'] };
  const erreurs = problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable');
  // Les pages de l'interface répondent leurs erreurs en pages HTML (en français), pas en JSON.
  const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
  const erreursPages = {
    '303': { description: 'Sans session : redirection vers la page de connexion' },
    '400': page('Requête invalide (page HTML)'),
    '403': page('Accès refusé (page HTML)'),
    '404': page('Programme introuvable (page HTML)'),
  };
  return {
    '/api/programmes/{id}/indicateurs': {
      get: {
        operationId: 'lireIndicateurs',
        ...commun,
        summary: 'Indicateurs d’un programme sur une période',
        description:
          'Calculés à partir des parcours : chaque compte avec les références des dossiers (coordination du programme, admin). 403 pour un travailleur social.',
        responses: { '200': { description: 'Indicateurs', content: { 'application/json': { schema: { type: 'object' } } } }, ...erreurs },
      },
    },
    '/api/programmes/{id}/indicateurs.csv': {
      get: {
        operationId: 'exporterIndicateursCsv',
        ...commun,
        summary: 'Indicateurs en CSV',
        description: 'Séparateur « ; », UTF-8 avec BOM. Colonnes : programme;du;au;famille;indicateur;libelle;valeur;unite;references.',
        responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...erreurs },
      },
    },
    '/programmes/{id}/evaluation': {
      get: {
        operationId: 'lireEvaluation',
        ...commun,
        summary: 'Rapport d’évaluation (page HTML)',
        description: 'Évaluation à 6 ou 12 mois, rapport d’activité annuel IML : entonnoir du repérage à l’issue, délai du premier contact, tableaux.',
        responses: { '200': { description: 'Page HTML', content: { 'text/html': { schema: { type: 'string' } } } }, ...erreursPages },
      },
    },
    '/programmes/{id}/evaluation.pdf': {
      get: {
        operationId: 'lireEvaluationPdf',
        ...commun,
        summary: 'Rapport d’évaluation (PDF)',
        responses: { '200': { description: 'PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, ...erreursPages },
      },
    },
  };
}

/** Les listes de la commission impayés (api/routes/commissions.ts). */
function cheminsCommissions(
  problemes: (...noms: Array<keyof typeof REPONSES_PROBLEMES>) => Record<string, unknown>,
  paramProgramme: unknown,
): DocumentOpenApi['paths'] {
  const exempleCsv =
    'Référence;Nom du ménage;Composition;Adresse;Mois d’impayés;Montant de la dette;Début du bail;Garantie;Suivi par un service social\nGBH-2026-0101;M. Martin;personne seule;4 rue de Vesoul, 25000 Besançon;3;1 250,40;01/02/2024;aucune;non\n';
  const corps = {
    required: true,
    content: {
      'application/json': {
        schema: ref('ListeCommission'),
        example: { fichier: Buffer.from(exempleCsv, 'utf8').toString('base64'), nomFichier: 'commission-2026-11-18.csv', dateSeance: '2026-11-18' },
      },
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['fichier'],
          properties: {
            fichier: { type: 'string', format: 'binary', description: 'La liste : CSV (« ; » ou « , », UTF-8 ou Windows-1252) ou XLSX, 2 Mo au plus' },
            dateSeance: { type: 'string', format: 'date', description: 'Le jour de la séance : la date de désignation des lignes qui n’en ont pas' },
          },
        },
        encoding: { fichier: { contentType: 'text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/octet-stream' } },
      },
    },
  };
  const colonnes =
    'Une ligne d’en-têtes (parmi les 10 premières), puis une ligne par ménage. Colonnes (accents, casse et quelques synonymes indifférents) : Référence, Nom du ménage, Composition, Adresse, Téléphone, Courriel, Accepte les courriels, Bailleur (le nom à l’annuaire ; obligatoire si le programme a plusieurs bailleurs), Mois d’impayés, Montant de la dette (virgule décimale), Début du bail, Garantie, Contact avec le bailleur, Suivi par un service social (oui/non), Déjà tenté, Date de désignation (ou « dateSeance » pour toute la liste). Dates jj/mm/aaaa, AAAA-MM-JJ ou dates du tableur.';
  const commun = { tags: ['Commission impayés'], security: SECURITE_PERSONNEL, parameters: [paramProgramme], 'x-roles': ['coordinateur', 'admin'] };
  const paramImport = { name: 'import', in: 'path', required: true, description: 'Identifiant de l’import', schema: { type: 'string', format: 'uuid' } };
  return {
    '/api/programmes/{programme}/commissions/apercu': {
      post: {
        ...commun,
        operationId: 'apercuListeCommission',
        summary: 'Aperçu d’une liste de la commission impayés (rien n’est lancé)',
        description: `${colonnes} Chaque ligne est vérifiée par les schémas du lancement d’un parcours : « a_lancer », « deja_lance » (le parcours « programme--référence » existe) ou « erreur » (chaque erreur nomme la colonne comme le fichier l’écrit ; la ligne est celle du tableur). Les règles d’éligibilité du programme donnent des avertissements. 400 si le fichier est illisible ou qu’une colonne obligatoire manque ; 409 si le programme ne reçoit pas de listes de commission.`,
        requestBody: corps,
        responses: {
          '200': { description: 'L’aperçu, ligne par ligne', content: json(ref('ApercuCommission')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TropVolumineux', 'TypeContenu'),
        },
      },
    },
    '/api/programmes/{programme}/commissions': {
      post: {
        ...commun,
        operationId: 'importerListeCommission',
        summary: 'Importer une liste de la commission impayés : lancer les ménages désignés',
        description: `${colonnes} Les lignes valides sont lancées ensemble (les délais du programme courent depuis la date de désignation) ; les lignes en erreur sont rapportées, à corriger puis renvoyer. Un ménage déjà lancé (même référence) ne l’est pas deux fois : renvoyer le même fichier ne crée rien. Rien n’est lancé si aucune ligne n’est valide (400) ou si la file active d’un bailleur ne peut pas recevoir toute la liste (409). Une panne en cours de route répond 503 : la trace dit ce qui est lancé, le même fichier renvoyé termine l’import.`,
        requestBody: corps,
        responses: {
          '201': {
            description: 'L’import : chaque ligne lancée, déjà lancée ou rejetée',
            headers: { Location: { description: 'La trace de l’import', schema: { type: 'string' } } },
            content: json(ref('ImportCommission')),
          },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TropVolumineux', 'TypeContenu', 'Indisponible'),
        },
      },
      get: {
        ...commun,
        operationId: 'listerImportsCommission',
        summary: 'Les imports de listes de la commission d’un programme (les plus récents d’abord)',
        responses: {
          '200': { description: 'Les imports', content: json(ref('ImportsCommission')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
        },
      },
    },
    '/api/programmes/{programme}/commissions/{import}': {
      get: {
        ...commun,
        operationId: 'lireImportCommission',
        summary: 'La trace d’un import : qui, quand, l’empreinte du fichier, ce qu’est devenue chaque ligne (sans nom ni adresse)',
        parameters: [paramProgramme, paramImport],
        responses: {
          '200': { description: 'L’import', content: json(ref('ImportCommission')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
        },
      },
    },
  };
}
