/**
 * Ce que partagent les constructeurs du document OpenAPI (api/openapi.ts, api/openapi-personnel.ts) :
 * le registre zod-to-openapi d'un document en construction, les types du document produit, les
 * réponses « problème » communes et l'enregistrement d'une opération avec ses schémas zod.
 */
import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
  type ZodContentObject,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import '../domain/zod-fr';
import { ENVOIS_AU_MENAGE_PAR_JOUR } from './limite-envois';
import { problemeSchema } from './schemas-api';

// `.openapi()` (qui nomme un composant) sur les schémas zod créés à partir d'ici : le registre en a besoin.
extendZodWithOpenApi(z);

/** Le document tel que zod-to-openapi le produit (OpenAPI 3.1). */
export type DocumentGenere = ReturnType<OpenApiGeneratorV31['generateDocument']>;
type ComposantsGeneres = NonNullable<DocumentGenere['components']>;
/** Un schéma du document (JSON Schema 2020-12), ou une référence à un composant. */
export type SchemaJson = NonNullable<ComposantsGeneres['schemas']>[string];
/** Une référence (`$ref`) à un composant du document. */
export type ReferenceJson = Extract<SchemaJson, { $ref: string }>;
/** Un schéma qui n'est pas une référence. */
export type ObjetSchemaJson = Exclude<SchemaJson, ReferenceJson>;
export type ReponseJson = NonNullable<ComposantsGeneres['responses']>[string];
export type CheminJson = NonNullable<DocumentGenere['paths']>[string];
export type OperationJson = NonNullable<CheminJson['get']>;

/** Vrai pour une référence (`{ $ref }`) : un schéma, une réponse ou un paramètre à lire dans les composants. */
export function estReference<T extends object>(o: T): o is Extract<T, { $ref: string }> {
  return typeof (o as { $ref?: unknown }).$ref === 'string';
}

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
  404: {
    type: '/problemes/introuvable',
    title: 'Introuvable',
    status: 404,
    detail: 'Aucun dossier « LL-2026-0042 » dans le programme LogemLoiret × AHU — prévenir l’impayé pour mieux prévenir l’expulsion.',
  },
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

/** Les réponses « problème » communes (components.responses), par nom. */
const REPONSES_PROBLEMES = {
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
  TropDEnvois: {
    code: 429,
    description: `Trop de documents envoyés au ménage de ce dossier en 24 heures (${ENVOIS_AU_MENAGE_PAR_JOUR} par défaut, selon la configuration du serveur) : le prochain part après le délai de l’en-tête Retry-After.`,
    exemple: {
      type: '/problemes/trop-de-tentatives',
      title: 'Trop d’envois',
      status: 429,
      detail: `Déjà ${ENVOIS_AU_MENAGE_PAR_JOUR} documents envoyés au ménage de ce dossier en 24 heures : le prochain pourra partir dans 3 h 20 min. Vous pouvez aussi lui remettre le document.`,
    },
  },
  TropDeTentatives: {
    code: 429,
    description: 'Trop d’échecs de connexion (identifiant ou adresse), ou délai progressif en cours : attendre le délai de l’en-tête Retry-After.',
  },
} as const satisfies Record<
  string,
  {
    code: keyof typeof EXEMPLES_PROBLEMES;
    description: string;
    /** Sinon l'exemple commun de ce code. */ exemple?: { type: string; title: string; status: number; detail: string };
  }
>;

export type NomProbleme = keyof typeof REPONSES_PROBLEMES;

/** La réponse commune `nom` (une référence à components.responses). */
export const reponse = (nom: NomProbleme) => ({ $ref: `#/components/responses/${nom}` });

export const SECURITE_PERSONNEL: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];

/** Un corps ou une réponse JSON : le schéma zod et, s'il est donné, son exemple. */
export const json = (schema: z.ZodType, example?: unknown): ZodContentObject => ({
  'application/json': { schema, ...(example !== undefined ? { example } : {}) },
});

/** Une page HTML (interface, pages publiques des liens et des fiches d'orientation). */
export const pageHtml = (description: string): ResponseConfig => ({ description, content: { 'text/html': { schema: z.string() } } });

/**
 * Un document en construction : le registre zod-to-openapi où chaque composant et chaque opération
 * est enregistré avec ses schémas zod, ceux-là mêmes que les routes valident.
 */
export class DocumentEnConstruction {
  readonly registre = new OpenAPIRegistry();
  /** Le schéma des problèmes (RFC 9457), composant « Probleme ». */
  readonly probleme: z.ZodType;

  constructor() {
    this.probleme = this.nommer('Probleme', problemeSchema);
    for (const [nom, r] of Object.entries(REPONSES_PROBLEMES)) {
      this.registre.registerComponent('responses', nom, {
        description: r.description,
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Probleme' }, example: 'exemple' in r ? r.exemple : EXEMPLES_PROBLEMES[r.code] },
        },
      });
    }
  }

  /**
   * Le schéma zod, composant `nom` du document : là où le schéma rendu sert (corps, réponse, champ),
   * le document y renvoie par `$ref`. `meta` complète ou remplace ses métadonnées (titre…).
   */
  nommer<T extends z.ZodType>(nom: string, schema: T, meta?: z.GlobalMeta): T {
    // zod-to-openapi rend le `title` des métadonnées zod en `description` : le titre passe par `.openapi()`.
    // La copie (créée après extendZodWithOpenApi, elle a `.openapi()`) laisse le schéma d'origine tel quel.
    const { title, ...autres } = { ...schema.meta(), ...meta };
    const copie = schema.meta({ ...autres, title: undefined });
    return this.registre.register(nom, title ? copie.openapi({ title }) : copie);
  }

  /** Les composants « schemas » enregistrés jusqu'ici, rendus : de quoi tirer les exemples des corps qui n'en donnent pas. */
  composants(): Record<string, SchemaJson> {
    return new OpenApiGeneratorV31(this.registre.definitions).generateComponents().components?.schemas ?? {};
  }

  /** Les réponses communes `noms`, par code HTTP. */
  problemes(...noms: NomProbleme[]): Record<string, { $ref: string }> {
    return Object.fromEntries(noms.map((n) => [String(REPONSES_PROBLEMES[n].code), reponse(n)]));
  }

  /** Un problème JSON (erreurs communes des pages : corps trop volumineux, type de contenu). */
  reponseProbleme(description: string): ResponseConfig {
    return { description, content: { 'application/problem+json': { schema: this.probleme } } };
  }

  /** Une page HTML, ou un problème JSON quand la requête est refusée avant la page (corps illisible). */
  pageOuProbleme(description: string): ResponseConfig {
    return { description, content: { 'text/html': { schema: z.string() }, 'application/problem+json': { schema: this.probleme } } };
  }

  /**
   * Enregistre une opération, avec ce que toute opération peut répondre et que chacune ne redit pas :
   * 415 pour un corps JSON envoyé sous un autre type, 503 (avec Retry-After) pour ce qui passe par le
   * moteur de parcours, 429 à la connexion.
   */
  ajouter(route: RouteConfig): void {
    const responses = { ...route.responses };
    if (route.request?.body?.content['application/json'] && !responses['415']) responses['415'] = reponse('TypeContenu');
    if (route.path.startsWith('/api/parcours') && route.method === 'post' && !responses['503']) responses['503'] = reponse('Indisponible');
    if (route.path === '/api/session' && route.method === 'post' && !responses['429']) responses['429'] = reponse('TropDeTentatives');
    this.registre.registerPath({ ...route, responses });
  }
}
