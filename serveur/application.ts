/**
 * L'application HTTP (express 5) : l'API (api/ : session du personnel, parcours, liens des
 * partenaires, santé, codec de l'interface Temporal, document OpenAPI et documentation) et
 * l'interface web du personnel (web/), assemblées ici, au-dessus des deux.
 *
 * Chaque entrée est analysée par zod ; chaque erreur est un `application/problem+json` en français
 * (voir api/problemes.ts). Une entrée du client ne produit jamais de 500 : JSON mal formé → 400, route
 * inconnue → 404, corps trop gros → 413.
 */
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from 'express';
import { estDureeIso } from '../domain/durees';
import { creerLimiteur, exigerSession, creerSessions, routesSession, type OptionsAuth } from '../api/auth';
import { AbsencesPersonnel } from '../personnel/absences';
import type { DependancesApi } from '../api/dependances';
import { rendreDocs } from '../api/docs';
import { envoyerPage } from '../api/html';
import { construireDocument } from '../api/openapi';
import { depuisTemporal, envoyerProbleme, Probleme, TYPES_PROBLEME } from '../api/problemes';
import { routesCodec } from '../api/routes/codec';
import { corpsListeCommission, routesCommissions } from '../api/routes/commissions';
import { routesDocuments } from '../api/routes/documents';
import { routesPartage } from '../api/routes/partage';
import { routesContactMenage } from '../api/routes/contact-menage';
import { routesOrganisations } from '../api/routes/organisations';
import { routesOrientationLogiciels, routesOrientationPublique, routesOrientations } from '../api/routes/orientations';
import { routesProgrammes } from '../api/routes/programmes';
import { routesIndicateurs } from '../api/routes/indicateurs';
import { routesLiens } from '../api/routes/liens';
import { routesParcours } from '../api/routes/parcours';
import { routesPersonnel } from '../api/routes/personnel';
import { routesSante } from '../api/routes/sante';
import { pageIntrouvable, routesWeb } from '../web/routes';
import { routesWebPersonnel } from '../web/routes-personnel';
import { routesWebSimulations } from '../web/routes-simulations';

export type { DependancesApi, OptionsApi } from '../api/dependances';

const LIMITE_JSON = '100kb';
const LIMITE_CODEC = '10mb';

/** Chemin journalisable : sans jeton de lien ni paramètres de requête. */
export const cheminMasque = (url: string): string => url.split('?')[0]!.replace(/^\/liens\/[^/]+/, '/liens/…');

function enTetesSecurite(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
}

/** Un corps envoyé à l'API doit être du JSON : sinon 415 plutôt qu'un corps silencieusement vide. */
function exigerJson(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.corpsLu) return next();
  const aUnCorps = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (aUnCorps && !req.is(['application/json', 'application/*+json'])) {
    throw new Probleme(415, 'Le corps de la requête doit être du JSON (en-tête « Content-Type: application/json »).', { type: TYPES_PROBLEME.contenu });
  }
  next();
}

/** Erreurs des lecteurs de corps (body-parser) → problèmes en français. */
function problemeCorps(err: unknown): Probleme | undefined {
  const type = (err as { type?: string })?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new Probleme(400, 'Le corps de la requête n’est pas du JSON valide.', { errors: [{ champ: '(corps)', message: 'JSON mal formé' }] });
    case 'entity.too.large':
      return new Probleme(413, 'Le corps de la requête est trop volumineux.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Probleme(415, 'Encodage du corps non pris en charge (UTF-8 attendu).', { type: TYPES_PROBLEME.contenu });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'parameters.too.many':
      return new Probleme(400, 'Le corps de la requête est incomplet ou invalide.');
    default: {
      // Autres erreurs « client » d'express (ex. encodage %XX invalide dans l'URL) : jamais une 500.
      const status = (err as { status?: number; statusCode?: number })?.status ?? (err as { statusCode?: number })?.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return new Probleme(status, status === 400 ? 'Requête mal formée (adresse ou paramètres illisibles).' : 'Requête refusée.');
      }
      return undefined;
    }
  }
}

export function creerApplication(deps: DependancesApi): Express {
  const maintenant = deps.maintenant ?? (() => new Date());
  const d: DependancesApi = { ...deps, maintenant };
  if (!estDureeIso(deps.options.sessionTtl))
    throw new Error(`creerApplication : sessionTtl invalide « ${deps.options.sessionTtl} » (durée ISO 8601 attendue, ex. PT8H)`);
  const journal = deps.journal;
  const sessions = creerSessions(deps.base, deps.options.sessionTtl, maintenant);
  const auth: OptionsAuth = {
    annuaire: deps.annuaire,
    sessions,
    limiteur: creerLimiteur(deps.base, deps.coffre),
    remplacements: (id) => new AbsencesPersonnel(deps.base, maintenant).remplaceesAujourdhui(id),
    cookieSecurise: deps.options.publicBaseUrl.startsWith('https:'),
    ttlSecondes: (expireLe) => Math.max(0, Math.round((expireLe.getTime() - maintenant().getTime()) / 1000)),
  };
  const document = construireDocument({ registre: deps.registre, publicBaseUrl: deps.options.publicBaseUrl, catalogue: deps.catalogue });
  const documentJson = JSON.stringify(document);
  const pageDocs = rendreDocs(document, { temporalUiUrl: deps.options.temporalUiUrl, mailInboxUrl: deps.options.mailInboxUrl });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(enTetesSecurite);

  // Journal des requêtes : ni corps, ni jeton, ni paramètres.
  app.use((req, res, next) => {
    const debut = process.hrtime.bigint();
    res.on('finish', () => {
      const dureeMs = Number(process.hrtime.bigint() - debut) / 1e6;
      // /health dit lui-même ce qui manque (503 au démarrage tant que le worker n'est pas là) : ses
      // réponses ne sont pas des erreurs de l'API, et les sondes répétées ne remplissent pas le journal.
      const niveau = req.path === '/health' ? (res.statusCode === 200 ? 'debug' : 'info') : res.statusCode >= 500 ? 'error' : 'info';
      journal[niveau](
        { methode: req.method, chemin: cheminMasque(req.originalUrl), statut: res.statusCode, dureeMs: Math.round(dureeMs), compte: req.personne?.id },
        'requête',
      );
    });
    next();
  });

  // Corps : JSON pour l'API et le codec, formulaire pour les liens ; les listes de la commission
  // (un fichier, multipart ou JSON jusqu'à 3 Mo) sont lues après le contrôle de la session.
  app.use(corpsListeCommission(exigerSession(auth)));
  app.use('/api', exigerJson, express.json({ limit: LIMITE_JSON, type: ['application/json', 'application/*+json'] }));
  app.use('/codec', exigerJson, express.json({ limit: LIMITE_CODEC, type: ['application/json', 'application/*+json'] }));
  app.use('/liens', express.urlencoded({ extended: false, limit: '20kb', parameterLimit: 20 }));
  app.use('/orientation', express.urlencoded({ extended: false, limit: '30kb', parameterLimit: 60 }));

  // Le chemin le plus précis d'abord : « …/commissions/apercu » avant « …/commissions/{import} ».
  const chemins = Object.entries(document.paths)
    .map(([modele, ops]) => ({
      motif: new RegExp(`^${modele.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      parametres: (modele.match(/\{/g) ?? []).length,
      methodes: Object.keys(ops as object).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)),
    }))
    .sort((a, b) => a.parametres - b.parametres);
  const permisesDe = (chemin: string): string[] | undefined => {
    const c = chemins.find((x) => x.motif.test(chemin));
    if (!c) return undefined;
    const permises = c.methodes.map((m) => m.toUpperCase());
    if (permises.includes('GET')) permises.push('HEAD');
    return permises;
  };
  // OPTIONS (hors codec, qui a son propre CORS) : les méthodes du document, pas celles d'une route voisine.
  app.use((req, res, next) => {
    if (req.method !== 'OPTIONS' || req.path.startsWith('/codec')) return next();
    const permises = permisesDe(req.path);
    if (!permises) return next();
    res.setHeader('Allow', permises.join(', '));
    res.status(204).end();
  });

  // ---- Public ------------------------------------------------------------------------------
  app.use(routesSession({ ...auth, maintenant }));
  app.use(routesSante(d));
  app.use(routesLiens(d));
  app.use(routesOrientationPublique(d));
  app.use(routesOrientationLogiciels(d));

  app.get('/openapi.json', (_req, res) => {
    res.type('application/json; charset=utf-8').send(documentJson);
  });
  app.get('/docs', (_req, res) => {
    envoyerPage(res, 200, { titre: 'Documentation de l’API — Prévention des expulsions', contenu: pageDocs, large: true });
  });
  // L'interface web du personnel (pages HTML, sa propre redirection vers /connexion) ; « / » y mène.
  app.use(routesWeb(d, { ...auth, maintenant }));
  // Le personnel et les invitations (page publique /invitation/:jeton comprise).
  app.use(routesWebPersonnel(d, auth));
  // La simulation de l'année d'un programme (administration).
  app.use(routesWebSimulations(d, auth));

  // ---- Personnel connecté ------------------------------------------------------------------
  app.use(routesCodec(d, [exigerSession(auth)]));
  app.use('/api', exigerSession(auth));
  app.use(routesParcours(d));
  app.use(routesDocuments(d));
  app.use(routesPartage(d));
  app.use(routesContactMenage(d));
  app.use(routesProgrammes(d));
  app.use(routesOrganisations(d));
  app.use(routesOrientations(d));
  app.use(routesIndicateurs(d));
  app.use(routesPersonnel(d));
  app.use(routesCommissions(d));

  // ---- Méthode non prévue sur un chemin documenté : 405 avec les méthodes permises (Allow) ---------
  app.use((req, res, next) => {
    const permises = permisesDe(req.path);
    if (!permises) return next();
    if (permises.includes(req.method) || req.method === 'OPTIONS') return next();
    res.setHeader('Allow', permises.join(', '));
    envoyerProbleme(res, new Probleme(405, `La méthode ${req.method} n’est pas permise sur ${cheminMasque(req.path)} (permises : ${permises.join(', ')}).`));
  });

  // ---- Route inconnue ----------------------------------------------------------------------
  app.use(pageIntrouvable(d, auth));
  app.use((req, res) => {
    envoyerProbleme(res, new Probleme(404, `Aucune ressource ${req.method} ${cheminMasque(req.path)}.`));
  });

  const gestionnaire: ErrorRequestHandler = (err, req, res, _next) => {
    const p = err instanceof Probleme ? err : (problemeCorps(err) ?? depuisTemporal(err));
    if (res.headersSent) {
      journal.error({ err, chemin: cheminMasque(req.originalUrl) }, 'erreur après l’envoi de la réponse');
      res.end();
      return;
    }
    if (p) {
      if (p.status >= 500) journal.warn({ err: p.cause ?? err, chemin: cheminMasque(req.originalUrl) }, p.detail);
      else if (p.cause !== undefined) journal.info({ err: p.cause, chemin: cheminMasque(req.originalUrl) }, p.detail);
      envoyerProbleme(res, p);
      return;
    }
    journal.error({ err, chemin: cheminMasque(req.originalUrl) }, 'erreur interne');
    envoyerProbleme(res, new Probleme(500, 'Une erreur interne est survenue. Elle a été journalisée ; réessayez plus tard.', { type: TYPES_PROBLEME.interne }));
  };
  app.use(gestionnaire);
  return app;
}
