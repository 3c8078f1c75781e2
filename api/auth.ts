/**
 * Authentification du personnel et règles d'accès aux parcours.
 *
 * - POST /api/session {identifiant, motDePasse} : vérifie l'empreinte scrypt, ouvre une session en
 *   mémoire (jeton aléatoire de 32 octets, expiration = SESSION_TTL), renvoie le jeton ET pose un
 *   cookie `session` HttpOnly SameSite=Lax ;
 * - GET /api/session : qui suis-je ; DELETE /api/session : déconnexion ;
 * - le jeton est accepté en `Authorization: Bearer <jeton>` ou dans le cookie.
 *
 * Les sessions vivent en mémoire du processus : un redémarrage de l'API déconnecte tout le monde.
 * Seule l'empreinte SHA-256 du jeton est gardée (une fuite de la mémoire ne donne pas de jeton).
 *
 * Règles : l'admin voit tout ; un coordinateur voit et agit sur les parcours de ses programmes ;
 * un travailleur social ne voit et n'écrit que sur les ménages qui lui sont affectés.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import '../config/zod-fr';
import type { EtatParcours, RolePersonnel } from '../domain/vocabulaire';
import type { Annuaire, Personne } from '../personnel/annuaire';
import { verifyPassword } from '../securite/mots-de-passe';
import { ajouterDuree } from '../workflows/blocs/duree';
import { analyser, interdit, nonConnecte, Probleme, TYPES_PROBLEME } from './problemes';

export const NOM_COOKIE = 'session';

export const MESSAGES_AUTH = {
  identifiants: 'Identifiant ou mot de passe incorrect.',
  expiree: 'Votre session a expiré, reconnectez-vous.',
  nonAffecte: 'Ce ménage ne vous est pas affecté.',
  horsProgramme: 'Vous ne suivez pas le programme de ce parcours.',
  tentatives: 'Trop de tentatives de connexion pour cet identifiant. Réessayez dans quelques minutes.',
} as const;

export const connexionSchema = z
  .object({
    identifiant: z.string().trim().min(1, 'identifiant requis').max(100).meta({ example: 'coord.loiret' }),
    motDePasse: z.string().min(1, 'mot de passe requis').max(1000).meta({ example: 'coord-demo' }),
  })
  .meta({ title: 'Connexion', description: 'Identifiant et mot de passe d’un compte du personnel' });

export interface PersonnePublique {
  id: string;
  nom: string;
  role: RolePersonnel;
  programmes: string[];
}

export const publique = (p: Personne): PersonnePublique => ({ id: p.id, nom: p.nom, role: p.role, programmes: [...p.programmes] });

interface Session {
  personneId: string;
  expireLe: Date;
}

export interface Sessions {
  ouvrir(personne: Personne): { jeton: string; expireLe: Date };
  /** La session du jeton, `expiree` si elle a expiré, undefined si inconnue. */
  lire(jeton: string): { personneId: string; expireLe: Date } | 'expiree' | undefined;
  fermer(jeton: string): void;
  taille(): number;
}

const empreinte = (jeton: string) => createHash('sha256').update(jeton, 'utf8').digest('base64url');

export function creerSessions(ttl: string, maintenant: () => Date): Sessions {
  const sessions = new Map<string, Session>();
  const purger = () => {
    const t = maintenant().getTime();
    for (const [cle, s] of sessions) if (s.expireLe.getTime() <= t) sessions.delete(cle);
  };
  return {
    ouvrir(personne) {
      if (sessions.size > 1000) purger();
      const jeton = randomBytes(32).toString('base64url');
      const expireLe = ajouterDuree(maintenant(), ttl);
      sessions.set(empreinte(jeton), { personneId: personne.id, expireLe });
      return { jeton, expireLe };
    },
    lire(jeton) {
      const cle = empreinte(jeton);
      const s = sessions.get(cle);
      if (!s) return undefined;
      if (s.expireLe.getTime() <= maintenant().getTime()) {
        sessions.delete(cle);
        return 'expiree';
      }
      return s;
    },
    fermer(jeton) {
      sessions.delete(empreinte(jeton));
    },
    taille: () => sessions.size,
  };
}

/** Lecture minimale de l'en-tête Cookie (pas de dépendance). */
export function lireCookies(entete: string | undefined): Record<string, string> {
  const r: Record<string, string> = {};
  if (!entete) return r;
  for (const morceau of entete.split(';')) {
    const i = morceau.indexOf('=');
    if (i < 1) continue;
    const nom = morceau.slice(0, i).trim();
    let valeur = morceau.slice(i + 1).trim();
    if (valeur.startsWith('"') && valeur.endsWith('"')) valeur = valeur.slice(1, -1);
    try {
      r[nom] = decodeURIComponent(valeur);
    } catch {
      r[nom] = valeur;
    }
  }
  return r;
}

const JETON = /^[A-Za-z0-9_-]{20,100}$/;

/** Les jetons présentés par la requête (Bearer d'abord, cookie ensuite). */
export function jetonsDe(req: Request): string[] {
  const r: string[] = [];
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m && JETON.test(m[1]!)) r.push(m[1]!);
  }
  const c = lireCookies(req.headers.cookie)[NOM_COOKIE];
  if (c && JETON.test(c) && !r.includes(c)) r.push(c);
  return r;
}

declare module 'express-serve-static-core' {
  interface Request {
    personne?: Personne;
    jetonSession?: string;
  }
}

export interface OptionsAuth {
  annuaire: Annuaire;
  sessions: Sessions;
  /** Cookie `Secure` si l'API est servie en https. */
  cookieSecurise: boolean;
  ttlSecondes: (expireLe: Date) => number;
}

/** Rattache `req.personne` si un jeton valide est présenté ; lève 401 sinon (session expirée comprise). */
export function exigerSession(o: OptionsAuth): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const candidats = jetonsDe(req);
    if (!candidats.length) throw nonConnecte();
    // L'interface Temporal peut envoyer son propre jeton Bearer avec notre cookie : le premier
    // jeton valide l'emporte.
    for (const jeton of candidats) {
      const s = o.sessions.lire(jeton);
      if (!s || s === 'expiree') continue;
      const personne = o.annuaire.trouver(s.personneId);
      if (!personne) {
        o.sessions.fermer(jeton);
        continue;
      }
      req.personne = personne;
      req.jetonSession = jeton;
      next();
      return;
    }
    throw new Probleme(401, MESSAGES_AUTH.expiree, { type: TYPES_PROBLEME.session });
  };
}

export function personneDe(req: Request): Personne {
  if (!req.personne) throw nonConnecte();
  return req.personne;
}

export function exigerRoles(...roles: RolePersonnel[]): RequestHandler {
  return (req, _res, next) => {
    const p = personneDe(req);
    if (!roles.includes(p.role)) throw interdit('Votre rôle ne permet pas cette action.');
    next();
  };
}

// ---------------------------------------------------------------------------------------------
// Règles d'accès (fonctions pures)

export const suitProgramme = (p: Personne, programmeId: string): boolean =>
  p.role === 'admin' || p.programmes.includes(programmeId);

/** Peut voir ce parcours ? (raison en français sinon) */
export function raisonRefusLecture(p: Personne, etat: Pick<EtatParcours, 'programme' | 'travailleurSocial'>): string | undefined {
  if (p.role === 'admin') return undefined;
  if (p.role === 'coordinateur') return p.programmes.includes(etat.programme.id) ? undefined : MESSAGES_AUTH.horsProgramme;
  return etat.travailleurSocial === p.id ? undefined : MESSAGES_AUTH.nonAffecte;
}

/** Peut piloter ce parcours (affecter, clore) ? Coordinateur du programme ou admin. */
export function raisonRefusPilotage(p: Personne, etat: Pick<EtatParcours, 'programme'>): string | undefined {
  if (p.role === 'admin') return undefined;
  if (p.role !== 'coordinateur') return 'Seule la coordination du programme peut faire cette action.';
  return p.programmes.includes(etat.programme.id) ? undefined : MESSAGES_AUTH.horsProgramme;
}

/** Peut envoyer ce message (rôles du registre, affectation, programme) ? */
export function raisonRefusMessage(
  p: Personne,
  roles: readonly RolePersonnel[],
  etat: Pick<EtatParcours, 'programme' | 'travailleurSocial'>,
): string | undefined {
  if (!roles.includes(p.role)) return 'Votre rôle ne permet pas d’envoyer ce message.';
  return raisonRefusLecture(p, etat);
}

// ---------------------------------------------------------------------------------------------
// Routes de session

/** Limite simple des échecs de connexion (10 par identifiant et par quart d'heure). */
export function creerLimiteur(maintenant: () => Date, max = 10, fenetreMs = 15 * 60_000) {
  const echecs = new Map<string, number[]>();
  return {
    bloque(id: string): boolean {
      const t = maintenant().getTime();
      const l = (echecs.get(id) ?? []).filter((x) => t - x < fenetreMs);
      if (l.length) echecs.set(id, l);
      else echecs.delete(id);
      return l.length >= max;
    },
    echec(id: string) {
      if (echecs.size > 10_000) echecs.clear();
      echecs.set(id, [...(echecs.get(id) ?? []), maintenant().getTime()]);
    },
    reussite(id: string) {
      echecs.delete(id);
    },
  };
}

/** Empreinte factice : vérifier même quand le compte n'existe pas (temps de réponse comparable). */
const EMPREINTE_FACTICE = `scrypt$16384$8$1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(64, 2).toString('base64')}`;

/** L'en-tête Set-Cookie de la session (HttpOnly, SameSite=Lax, Secure en https). */
export const cookieSession = (o: Pick<OptionsAuth, 'cookieSecurise'>, valeur: string, maxAge: number): string =>
  [
    `${NOM_COOKIE}=${valeur}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAge}`,
    ...(o.cookieSecurise ? ['Secure'] : []),
  ].join('; ');

/**
 * Vérifie identifiant et mot de passe (corps analysé par `connexionSchema`) et ouvre une session ;
 * lève 400, 401 ou 429 en français. Partagé par POST /api/session et le formulaire /connexion.
 */
export async function ouvrirSession(o: OptionsAuth, limiteur: ReturnType<typeof creerLimiteur>, corpsBrut: unknown) {
  const { identifiant, motDePasse } = analyser(connexionSchema, corpsBrut);
  if (limiteur.bloque(identifiant)) throw new Probleme(429, MESSAGES_AUTH.tentatives);
  const personne = o.annuaire.trouver(identifiant);
  const ok = await verifyPassword(motDePasse, personne?.motDePasse ?? EMPREINTE_FACTICE);
  if (!personne || !ok) {
    limiteur.echec(identifiant);
    throw new Probleme(401, MESSAGES_AUTH.identifiants, { type: TYPES_PROBLEME.authentification });
  }
  limiteur.reussite(identifiant);
  return { personne, ...o.sessions.ouvrir(personne) };
}

export function routesSession(o: OptionsAuth & { maintenant: () => Date }): Router {
  const r = Router();
  const limiteur = creerLimiteur(o.maintenant);
  const cookie = (valeur: string, maxAge: number) => cookieSession(o, valeur, maxAge);

  r.post('/api/session', async (req, res) => {
    const { personne, jeton, expireLe } = await ouvrirSession(o, limiteur, req.body);
    res.setHeader('Set-Cookie', cookie(jeton, o.ttlSecondes(expireLe)));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ jeton, expireLe: expireLe.toISOString(), personne: publique(personne) });
  });

  r.get('/api/session', exigerSession(o), (req, res) => {
    const s = o.sessions.lire(req.jetonSession!);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ expireLe: s && s !== 'expiree' ? s.expireLe.toISOString() : undefined, personne: publique(personneDe(req)) });
  });

  r.delete('/api/session', (req, res) => {
    for (const jeton of jetonsDe(req)) o.sessions.fermer(jeton);
    res.setHeader('Set-Cookie', cookie('', 0));
    res.status(204).end();
  });

  return r;
}
