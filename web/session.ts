/**
 * La session de l'interface : le même cookie `session` que l'API (api/auth.ts, HttpOnly,
 * SameSite=Lax, expiration SESSION_TTL), lu ici pour rediriger vers /connexion plutôt que de
 * répondre en JSON.
 *
 * CSRF : le cookie est SameSite=Lax (un autre site ne peut pas l'envoyer avec un POST) et chaque
 * formulaire porte en plus un jeton propre à la session, `csrf` = SHA-256 de « csrf: » + le jeton
 * de session (le jeton de session est HttpOnly : une page tierce ne peut pas le calculer). Tout
 * POST de l'interface sans ce jeton exact est refusé (403). Un en-tête Origin d'un autre site est
 * refusé aussi (« Origin: null », envoyé à cause de Referrer-Policy: no-referrer, est accepté).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { avecRemplacements, jetonsDe, type OptionsAuth } from '../api/auth';
import type { Personne } from '../personnel/annuaire';

export const jetonCsrf = (jetonSession: string): string => createHash('sha256').update(`csrf:${jetonSession}`, 'utf8').digest('base64url');

export function csrfValide(jetonSession: string, recu: unknown): boolean {
  if (typeof recu !== 'string') return false;
  const a = Buffer.from(jetonCsrf(jetonSession));
  const b = Buffer.from(recu);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type LectureSession = { personne: Personne; jeton: string } | 'expiree' | undefined;

/** La personne connectée (cookie ou Bearer), « expiree » si sa session a expiré, undefined sinon. */
export async function lireSession(o: OptionsAuth, req: Request): Promise<LectureSession> {
  let expiree = false;
  for (const jeton of jetonsDe(req)) {
    const s = await o.sessions.lire(jeton);
    if (s === 'expiree') {
      expiree = true;
      continue;
    }
    if (!s) continue;
    const personne = o.annuaire.trouver(s.personneId);
    if (personne) return { personne: await avecRemplacements(o, personne), jeton };
  }
  return expiree ? 'expiree' : undefined;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Jeton anti-CSRF des formulaires de la session courante (interface web). */
    csrf?: string;
  }
}

/** Exige une session ; redirige vers /connexion (en disant si elle a expiré) sinon. */
export function exigerSessionWeb(o: OptionsAuth) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const s = await lireSession(o, req);
    if (!s || s === 'expiree') {
      const retour = req.method === 'GET' ? req.originalUrl : '/parcours';
      const params = new URLSearchParams({ ...(s === 'expiree' ? { expiree: '1' } : {}), retour });
      res.redirect(303, `/connexion?${params}`);
      return;
    }
    req.personne = s.personne;
    req.jetonSession = s.jeton;
    req.csrf = jetonCsrf(s.jeton);
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/**
 * Origin absent (curl), « null » (nos pages sont servies en Referrer-Policy: no-referrer : le
 * navigateur envoie alors « Origin: null » avec le formulaire ; le jeton anti-CSRF protège) ou du
 * même hôte ; un autre site est refusé.
 */
export function origineAcceptee(req: Request): boolean {
  const origine = req.headers.origin;
  if (!origine || origine === 'null') return true;
  try {
    return new URL(origine).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Un chemin de retour interne sûr (pas de redirection ouverte). */
export const retourSur = (v: unknown): string => (typeof v === 'string' && /^\/(?![/\\])[^\s]*$/.test(v) && !v.startsWith('/connexion') ? v : '/parcours');
