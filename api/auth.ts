/**
 * Authentification du personnel et règles d'accès aux parcours.
 *
 * - POST /api/session {identifiant, motDePasse} : vérifie l'empreinte scrypt, ouvre une session dans
 *   le système d'enregistrement (jeton aléatoire de 32 octets, expiration = SESSION_TTL), renvoie le
 *   jeton ET pose un cookie `session` HttpOnly SameSite=Lax ;
 * - GET /api/session : qui suis-je ; DELETE /api/session : déconnexion ;
 * - le jeton est accepté en `Authorization: Bearer <jeton>` ou dans le cookie.
 *
 * Les sessions et les limites des connexions sont dans PostgreSQL (tables `sessions`,
 * `limites_connexion`) : plusieurs processus d'API et l'interface web partagent les mêmes, et un
 * redémarrage ne déconnecte personne. Seule l'empreinte SHA-256 du jeton est gardée.
 *
 * Règles : l'admin voit tout ; un coordinateur voit et agit sur les parcours de ses programmes ;
 * un travailleur social ne voit et n'écrit que sur les ménages qui lui sont affectés.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parse as analyserCookies, serialize as serialiserCookie } from 'cookie';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { CompiledQuery } from 'kysely';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import '../domain/zod-fr';
import type { EtatParcours, RolePersonnel } from '../domain/vocabulaire';
import type { Annuaire, Personne } from '../personnel/annuaire';
import { verifyPassword } from '../securite/mots-de-passe';
import { ajouterDuree } from '../domain/durees';
import { analyser, interdit, nonConnecte, Probleme, TYPES_PROBLEME } from './problemes';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';

export const NOM_COOKIE = 'session';

export const MESSAGES_AUTH = {
  identifiants: 'Identifiant ou mot de passe incorrect.',
  expiree: 'Votre session a expiré, reconnectez-vous.',
  nonAffecte: 'Ce ménage ne vous est pas affecté.',
  horsProgramme: 'Vous ne suivez pas le programme de ce parcours.',
  tentatives: 'Trop de tentatives de connexion pour cet identifiant. Réessayez dans quelques minutes.',
  tentativesAdresse: 'Trop de tentatives de connexion depuis votre poste. Réessayez dans quelques minutes.',
  delai: (secondes: number) => `Plusieurs essais ont échoué pour cet identifiant : attendez ${secondes} seconde${secondes > 1 ? 's' : ''} avant de réessayer.`,
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

export interface Sessions {
  /** Ouvre une session ; undefined si le compte est désactivé dans la base (une autre API l'a peut-être encore en mémoire). */
  ouvrir(personne: Personne): Promise<{ jeton: string; expireLe: Date } | undefined>;
  /** La session du jeton, `expiree` si elle a expiré, undefined si inconnue ou si son compte est désactivé. */
  lire(jeton: string): Promise<{ personneId: string; expireLe: Date } | 'expiree' | undefined>;
  fermer(jeton: string): Promise<void>;
}

const empreinte = (jeton: string) => createHash('sha256').update(jeton, 'utf8').digest('base64url');

/** Les sessions du personnel dans le système d'enregistrement, partagées par tous les processus. */
export function creerSessions(db: BaseDeDonnees, ttl: string, maintenant: () => Date): Sessions {
  let dernierePurgeMs = 0;
  return {
    async ouvrir(personne) {
      const t = maintenant();
      if (t.getTime() - dernierePurgeMs > 60_000) {
        dernierePurgeMs = t.getTime();
        await db.deleteFrom('sessions').where('expire_le', '<=', t).execute();
      }
      const jeton = randomBytes(32).toString('base64url');
      const expireLe = ajouterDuree(t, ttl);
      // Un compte désactivé dans la base n'ouvre plus de session, même sur une API qui le garde
      // encore dans son annuaire (relu toutes les 30 s).
      const desactive = await db.selectFrom('personnels').select('id').where('id', '=', personne.id).where('actif', '=', false).executeTakeFirst();
      if (desactive) return undefined;
      await db
        .insertInto('sessions')
        .values({ empreinte: empreinte(jeton), personne_id: personne.id, expire_le: expireLe })
        .execute();
      return { jeton, expireLe };
    },
    async lire(jeton) {
      const cle = empreinte(jeton);
      const s = await db
        .selectFrom('sessions as s')
        .leftJoin('personnels as p', 'p.id', 's.personne_id')
        .select(['s.personne_id', 's.expire_le', 'p.actif'])
        .where('s.empreinte', '=', cle)
        .executeTakeFirst();
      if (!s) return undefined;
      // Compte désactivé (par une autre API) : la session ne vaut plus, aussitôt.
      if (s.actif === false) {
        await db.deleteFrom('sessions').where('empreinte', '=', cle).execute();
        return undefined;
      }
      if (s.expire_le.getTime() <= maintenant().getTime()) {
        await db.deleteFrom('sessions').where('empreinte', '=', cle).execute();
        return 'expiree';
      }
      return { personneId: s.personne_id, expireLe: s.expire_le };
    },
    async fermer(jeton) {
      await db.deleteFrom('sessions').where('empreinte', '=', empreinte(jeton)).execute();
    },
  };
}

/** Les cookies de la requête, lus dans l'en-tête Cookie par la bibliothèque `cookie` (valeurs décodées). */
export function lireCookies(entete: string | undefined): Record<string, string> {
  if (!entete) return {};
  return Object.fromEntries(Object.entries(analyserCookies(entete)).filter((c): c is [string, string] => c[1] !== undefined));
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
  /** Qui ce travailleur social remplace aujourd'hui (absences) : il lit et suit aussi leurs ménages. */
  remplacements?: (personneId: string) => Promise<string[]>;
  sessions: Sessions;
  limiteur: Limiteur;
  /** Cookie `Secure` si l'API est servie en https. */
  cookieSecurise: boolean;
  ttlSecondes: (expireLe: Date) => number;
}

/** La personne de la session, avec les collègues absents qu'elle remplace aujourd'hui (travail social). */
export async function avecRemplacements(o: Pick<OptionsAuth, 'remplacements'>, p: Personne): Promise<Personne> {
  if (p.role !== 'travailleur_social' || !o.remplacements) return p;
  const remplace = await o.remplacements(p.id);
  return remplace.length ? { ...p, remplace } : p;
}

/** Rattache `req.personne` si un jeton valide est présenté ; lève 401 sinon (session expirée comprise). */
export function exigerSession(o: OptionsAuth): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const candidats = jetonsDe(req);
    if (!candidats.length) throw nonConnecte();
    // L'interface Temporal peut envoyer son propre jeton Bearer avec notre cookie : le premier
    // jeton valide l'emporte.
    for (const jeton of candidats) {
      const s = await o.sessions.lire(jeton);
      if (!s || s === 'expiree') continue;
      const personne = o.annuaire.trouver(s.personneId);
      if (!personne) {
        await o.sessions.fermer(jeton);
        continue;
      }
      req.personne = await avecRemplacements(o, personne);
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

export const suitProgramme = (p: Personne, programmeId: string): boolean => p.role === 'admin' || p.programmes.includes(programmeId);

/** Peut voir ce parcours ? (raison en français sinon) */
export function raisonRefusLecture(p: Personne, etat: Pick<EtatParcours, 'programme' | 'travailleurSocial'>): string | undefined {
  if (p.role === 'admin') return undefined;
  if (p.role === 'coordinateur') return p.programmes.includes(etat.programme.id) ? undefined : MESSAGES_AUTH.horsProgramme;
  if (etat.travailleurSocial === p.id) return undefined;
  // Le ménage d'un collègue absent qu'il remplace aujourd'hui, dans un programme qu'il suit.
  const remplace = !!etat.travailleurSocial && !!p.remplace?.includes(etat.travailleurSocial) && p.programmes.includes(etat.programme.id);
  return remplace ? undefined : MESSAGES_AUTH.nonAffecte;
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

/** Ce qui bloque une tentative : trop d'échecs (identifiant, adresse) ou le délai progressif, et combien de secondes attendre. */
export type Blocage = { raison: 'identifiant' | 'adresse' | 'delai'; attenteS: number };

export interface Limiteur {
  /** Ce qui bloque une nouvelle tentative, undefined si rien. */
  bloque(identifiant: string, adresse: string): Promise<Blocage | undefined>;
  echec(identifiant: string, adresse: string): Promise<void>;
  reussite(identifiant: string): Promise<void>;
}

/** Le client que rate-limiter-flexible attend (`query({ text, values })`, comme `pg`), sur la base de kysely. */
export function clientLimites(db: BaseDeDonnees) {
  return {
    async query(q: { text: string; values?: unknown[] }) {
      const r = await db.executeQuery(CompiledQuery.raw(q.text, q.values ?? []));
      return { rows: r.rows, rowCount: r.numAffectedRows === undefined ? r.rows.length : Number(r.numAffectedRows) };
    },
  };
}

/**
 * La limite des connexions, partagée par toutes les API, le formulaire de l'interface et les clés des
 * logiciels partenaires (rate-limiter-flexible, table `limites_connexion` du système
 * d'enregistrement) : 10 échecs par identifiant et 30 par adresse sur 15 minutes, puis 429 jusqu'à la
 * fin de la fenêtre ; et, dès le 3e échec d'un identifiant, un délai progressif avant l'essai suivant
 * (1 s, 2 s, 4 s… 60 s au plus), qui ralentit qui devine. Une connexion réussie remet l'identifiant à
 * zéro. L'horloge est celle de la bibliothèque (`Date.now()`). Les clés de la table ne sont que des
 * empreintes à clé (`Coffre.empreinteCle`) : ni l'identifiant ni l'adresse IP n'y sont en clair ; une
 * rotation de la clé active remet les compteurs à zéro (15 minutes d'échecs au plus).
 */
export function creerLimiteur(
  db: BaseDeDonnees,
  coffre: Pick<Coffre, 'empreinteCle'>,
  o: { parIdentifiant?: number; parAdresse?: number; fenetreS?: number; delaiDes?: number } = {},
): Limiteur {
  const parIdentifiant = o.parIdentifiant ?? 10;
  const parAdresse = o.parAdresse ?? 30;
  const fenetreS = o.fenetreS ?? 15 * 60;
  const delaiDes = o.delaiDes ?? 3;
  const commun = { storeClient: clientLimites(db), storeType: 'client', tableName: 'limites_connexion', tableCreated: true, duration: fenetreS };
  const identifiants = new RateLimiterPostgres({ ...commun, keyPrefix: 'identifiant', points: parIdentifiant });
  const adresses = new RateLimiterPostgres({ ...commun, keyPrefix: 'adresse', points: parAdresse });
  const delais = new RateLimiterPostgres({ ...commun, keyPrefix: 'delai', points: 1 });
  const cle = (identifiant: string) => coffre.empreinteCle('limite-identifiant', identifiant.toLowerCase());
  const cleAdresse = (adresse: string) => coffre.empreinteCle('limite-adresse', adresse);
  const attenteS = (r: RateLimiterRes) => Math.max(1, Math.ceil(r.msBeforeNext / 1000));
  return {
    async bloque(identifiant, adresse) {
      const [i, a, d] = await Promise.all([identifiants.get(cle(identifiant)), adresses.get(cleAdresse(adresse)), delais.get(cle(identifiant))]);
      if (i && i.consumedPoints >= parIdentifiant) return { raison: 'identifiant', attenteS: attenteS(i) };
      if (a && a.consumedPoints >= parAdresse) return { raison: 'adresse', attenteS: attenteS(a) };
      if (d && d.consumedPoints > 1 && d.msBeforeNext > 0) return { raison: 'delai', attenteS: attenteS(d) };
      return undefined;
    },
    async echec(identifiant, adresse) {
      const [i] = await Promise.all([identifiants.penalty(cle(identifiant)), adresses.penalty(cleAdresse(adresse))]);
      const n = i.consumedPoints;
      if (n >= delaiDes) await delais.block(cle(identifiant), Math.min(2 ** (n - delaiDes), 60));
    },
    async reussite(identifiant) {
      await Promise.all([identifiants.delete(cle(identifiant)), delais.delete(cle(identifiant))]);
    },
  };
}

/** Empreinte factice : vérifier même quand le compte n'existe pas (temps de réponse comparable). */
const EMPREINTE_FACTICE = `scrypt$16384$8$1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(64, 2).toString('base64')}`;

/** L'en-tête Set-Cookie de la session (HttpOnly, SameSite=Lax, Secure en https). */
export const cookieSession = (o: Pick<OptionsAuth, 'cookieSecurise'>, valeur: string, maxAge: number): string =>
  serialiserCookie(NOM_COOKIE, valeur, { path: '/', httpOnly: true, sameSite: 'lax', maxAge, secure: !!o.cookieSecurise });

/**
 * Vérifie identifiant et mot de passe (corps analysé par `connexionSchema`) et ouvre une session ;
 * lève 400, 401 ou 429 en français. Partagé par POST /api/session et le formulaire /connexion.
 */
export async function ouvrirSession(o: OptionsAuth, adresse: string, corpsBrut: unknown) {
  const { identifiant, motDePasse } = analyser(connexionSchema, corpsBrut);
  const blocage = await o.limiteur.bloque(identifiant, adresse);
  if (blocage) {
    const message =
      blocage.raison === 'identifiant'
        ? MESSAGES_AUTH.tentatives
        : blocage.raison === 'adresse'
          ? MESSAGES_AUTH.tentativesAdresse
          : MESSAGES_AUTH.delai(blocage.attenteS);
    throw new Probleme(429, message, { retryAfter: blocage.attenteS });
  }
  const personne = o.annuaire.trouver(identifiant);
  const ok = await verifyPassword(motDePasse, personne?.motDePasse ?? EMPREINTE_FACTICE);
  if (!personne || !ok) {
    await o.limiteur.echec(identifiant, adresse);
    throw new Probleme(401, MESSAGES_AUTH.identifiants, { type: TYPES_PROBLEME.authentification });
  }
  const session = await o.sessions.ouvrir(personne);
  if (!session) {
    await o.limiteur.echec(identifiant, adresse);
    throw new Probleme(401, MESSAGES_AUTH.identifiants, { type: TYPES_PROBLEME.authentification });
  }
  await o.limiteur.reussite(identifiant);
  return { personne, ...session };
}

/** L'adresse du client pour la limite des connexions (celle que donne express, `trust proxy` compris). */
export const adresseClient = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'inconnue';

export function routesSession(o: OptionsAuth & { maintenant: () => Date }): Router {
  const r = Router();
  const cookie = (valeur: string, maxAge: number) => cookieSession(o, valeur, maxAge);

  r.post('/api/session', async (req, res) => {
    const { personne, jeton, expireLe } = await ouvrirSession(o, adresseClient(req), req.body);
    res.setHeader('Set-Cookie', cookie(jeton, o.ttlSecondes(expireLe)));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ jeton, expireLe: expireLe.toISOString(), personne: publique(personne) });
  });

  r.get('/api/session', exigerSession(o), async (req, res) => {
    const s = await o.sessions.lire(req.jetonSession!);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ expireLe: s && s !== 'expiree' ? s.expireLe.toISOString() : undefined, personne: publique(personneDe(req)) });
  });

  r.delete('/api/session', async (req, res) => {
    for (const jeton of jetonsDe(req)) await o.sessions.fermer(jeton);
    res.setHeader('Set-Cookie', cookie('', 0));
    res.status(204).end();
  });

  return r;
}
