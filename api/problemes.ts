/**
 * Les erreurs de l'API au format RFC 9457 (application/problem+json), en français :
 * `{ type, title, status, detail, errors?: [{ champ, message }] }`.
 *
 * - `Probleme` est levée par les routes (400, 401, 403, 404, 409, 503…) ;
 * - `depuisZod` nomme chaque champ fautif et la raison ;
 * - `depuisTemporal` traduit les erreurs du client Temporal (parcours introuvable, doublon,
 *   message refusé par l'étape courante, service indisponible).
 * Une entrée du client ne doit jamais produire une 500 : seules les vraies pannes y aboutissent.
 */
import type { Response } from 'express';
import { z } from 'zod';
import '../domain/zod-fr';
import { erreursZod, verifierSaisie, type ErreurChamp } from '../domain/saisie';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';

export type { ErreurChamp };

export interface CorpsProbleme {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ErreurChamp[];
}

export const TITRES: Record<number, string> = {
  400: 'Requête invalide',
  401: 'Authentification requise',
  403: 'Accès refusé',
  404: 'Introuvable',
  405: 'Méthode non autorisée',
  409: 'Conflit',
  410: 'Expiré',
  413: 'Requête trop volumineuse',
  415: 'Type de contenu non pris en charge',
  429: 'Trop de tentatives',
  500: 'Erreur interne',
  503: 'Service indisponible',
};

/** Les types de problème (URI relatives, documentées dans /docs). */
export const TYPES_PROBLEME = {
  invalide: '/problemes/requete-invalide',
  authentification: '/problemes/authentification-requise',
  session: '/problemes/session-expiree',
  interdit: '/problemes/acces-refuse',
  introuvable: '/problemes/introuvable',
  doublon: '/problemes/parcours-existant',
  refuse: '/problemes/message-refuse',
  indisponible: '/problemes/action-indisponible',
  service: '/problemes/service-indisponible',
  interne: '/problemes/erreur-interne',
  volumineux: '/problemes/requete-trop-volumineuse',
  contenu: '/problemes/type-de-contenu',
  tentatives: '/problemes/trop-de-tentatives',
} as const;

export class Probleme extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly opts: { type?: string; title?: string; errors?: ErreurChamp[]; cause?: unknown; /** En-tête Retry-After (secondes). */ retryAfter?: number } = {},
  ) {
    super(detail, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'Probleme';
  }

  corps(): CorpsProbleme {
    return {
      type: this.opts.type ?? typeParDefaut(this.status),
      title: this.opts.title ?? TITRES[this.status] ?? 'Erreur',
      status: this.status,
      detail: this.detail,
      ...(this.opts.errors?.length ? { errors: this.opts.errors } : {}),
    };
  }
}

function typeParDefaut(status: number): string {
  switch (status) {
    case 400:
      return TYPES_PROBLEME.invalide;
    case 401:
      return TYPES_PROBLEME.authentification;
    case 403:
      return TYPES_PROBLEME.interdit;
    case 404:
      return TYPES_PROBLEME.introuvable;
    case 409:
      return TYPES_PROBLEME.refuse;
    case 413:
      return TYPES_PROBLEME.volumineux;
    case 415:
      return TYPES_PROBLEME.contenu;
    case 429:
      return TYPES_PROBLEME.tentatives;
    case 503:
      return TYPES_PROBLEME.service;
    default:
      return TYPES_PROBLEME.interne;
  }
}

export const nonConnecte = () => new Probleme(401, 'Vous devez vous connecter pour accéder à cette ressource.', { type: TYPES_PROBLEME.authentification });
export const interdit = (detail: string) => new Probleme(403, detail);
export const introuvable = (detail: string) => new Probleme(404, detail);
export const invalide = (champ: string, message: string) => new Probleme(400, `Champ « ${champ} » : ${message}`, { errors: [{ champ, message }] });

export function envoyerProbleme(res: Response, p: Probleme): void {
  const corps = p.corps();
  if (p.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="parcours", charset="UTF-8"');
  if (p.opts.retryAfter !== undefined) res.setHeader('Retry-After', String(p.opts.retryAfter));
  else if (p.status === 503) res.setHeader('Retry-After', '10');
  res.status(p.status).type('application/problem+json').send(JSON.stringify(corps));
}

/** Erreur zod → 400 qui nomme chaque champ et la raison. */
export function depuisZod(erreur: z.ZodError, prefixe?: string): Probleme {
  return invalides(erreursZod(erreur, prefixe));
}

/** Un 400 qui nomme chaque champ refusé et sa raison. */
export function invalides(errors: ErreurChamp[]): Probleme {
  const detail =
    errors.length === 1
      ? `Champ « ${errors[0]!.champ} » : ${errors[0]!.message}`
      : `${errors.length} champs invalides : ${errors.map((e) => `« ${e.champ} » (${e.message})`).join(' ; ')}`;
  return new Probleme(400, detail, { errors });
}

/**
 * Des erreurs de saisie réunies, pour les dire toutes dans une seule réponse : la personne corrige
 * son formulaire en une fois, pas une erreur après l'autre.
 */
export class ErreursDeSaisie {
  private readonly erreurs: ErreurChamp[] = [];

  /** Exécute `f` ; un 400 qui nomme ses champs est gardé (et rend `undefined`), toute autre erreur passe. */
  essayer<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      return this.garder(e);
    }
  }

  /** Garde l'erreur si c'est un 400 qui nomme ses champs ; la relève sinon. */
  garder(e: unknown): undefined {
    if (!(e instanceof Probleme && e.status === 400 && e.opts.errors?.length)) throw e;
    this.erreurs.push(...e.opts.errors);
    return undefined;
  }

  refuser(champ: string, message: string): void {
    this.erreurs.push({ champ, message });
  }

  get vide(): boolean {
    return this.erreurs.length === 0;
  }

  /** Lève le 400 de toutes les erreurs gardées, s'il y en a. */
  lever(): void {
    if (this.erreurs.length) throw invalides(this.erreurs);
  }
}

/** Analyse une entrée avec zod (domain/saisie.ts) ou lève un 400 en français qui nomme chaque champ refusé. */
export function analyser<S extends z.ZodType>(schema: S, valeur: unknown, prefixe?: string): z.output<S> {
  const r = verifierSaisie(schema, valeur, prefixe);
  if (!r.ok) throw invalides(r.erreurs);
  return r.valeur;
}

const estApplicationFailure = (e: unknown): e is ApplicationFailure =>
  e instanceof ApplicationFailure || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'ApplicationFailure');

/** Le refus motivé d'un message par le workflow (type 'MessageRefuse'), s'il en est un. */
export function raisonRefus(e: unknown): string | undefined {
  if (!(e instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = e.cause;
  if (estApplicationFailure(cause) && cause.type === 'MessageRefuse') return cause.message;
  return undefined;
}

/** Vrai si l'erreur signale une mise à jour que ce workflow ne déclare pas. */
export function estMessageInconnu(e: unknown): boolean {
  if (!(e instanceof WorkflowUpdateFailedError)) return false;
  const m = e.cause?.message ?? '';
  return /No registered handler for update|unknown update|update not found|handler.*not found/i.test(m);
}

/** CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, UNAVAILABLE. */
const CODES_INDISPONIBLE = new Set([1, 4, 8, 10, 14]);

function grpcCode(e: unknown): number | undefined {
  for (let x: unknown = e, i = 0; typeof x === 'object' && x !== null && i < 4; x = (x as { cause?: unknown }).cause, i++) {
    const { code } = x as { code?: unknown };
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/**
 * Traduit une erreur du client Temporal en problème HTTP ; renvoie undefined pour une erreur
 * inconnue (qui sera une 500 journalisée).
 */
/** Un message que le parcours n'a pas confirmé à temps (pour un client de l'API, qui rejoue sa requête). */
export const MESSAGE_SANS_REPONSE =
  'Le parcours n’a pas répondu à temps. Réessayez avec le même identifiant de requête : le message ne sera pas appliqué deux fois.';

export function depuisTemporal(e: unknown): Probleme | undefined {
  if (e instanceof Probleme) return e;
  if (e instanceof WorkflowExecutionAlreadyStartedError) {
    return new Probleme(409, 'Un parcours existe déjà pour ce ménage dans ce programme.', { type: TYPES_PROBLEME.doublon });
  }
  if (e instanceof WorkflowNotFoundError) {
    if (/already (been )?completed|already finished|execution.*(completed|closed)/i.test(e.message)) {
      return new Probleme(409, 'Ce parcours est terminé : il n’accepte plus de message.', { type: TYPES_PROBLEME.refuse });
    }
    return new Probleme(404, 'Parcours introuvable.');
  }
  const raison = raisonRefus(e);
  if (raison !== undefined) return new Probleme(409, raison, { type: TYPES_PROBLEME.refuse });
  if (estMessageInconnu(e)) {
    return new Probleme(409, 'Cette action n’est pas (encore) disponible pour ce parcours.', { type: TYPES_PROBLEME.indisponible });
  }
  if (e instanceof WorkflowUpdateFailedError) {
    return new Probleme(409, 'Le parcours n’a pas pu appliquer ce message.', { type: TYPES_PROBLEME.refuse, cause: e });
  }
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new Probleme(503, MESSAGE_SANS_REPONSE, { type: TYPES_PROBLEME.service });
  // Panne de transport ou service surchargé → 503 ; toute autre erreur gRPC (requête refusée par
  // le serveur, attribut de recherche absent…) est une erreur de configuration → 500 journalisée.
  const nom = (e as { name?: string })?.name;
  const code = grpcCode(e);
  if (
    (nom === 'ServiceError' && (code === undefined || CODES_INDISPONIBLE.has(code))) ||
    nom === 'TransportError' ||
    nom === 'ConnectionError' ||
    (code !== undefined && CODES_INDISPONIBLE.has(code))
  ) {
    return new Probleme(503, 'Le moteur de parcours (Temporal) est momentanément indisponible. Réessayez dans quelques instants.', {
      type: TYPES_PROBLEME.service,
      cause: e,
    });
  }
  return undefined;
}
