/**
 * Les pages du personnel et des invitations (mêmes opérations que l'API, api/routes/personnel.ts).
 *
 * GET  /invitation/:jeton, POST /invitation/:jeton   (public) choisir son mot de passe
 * GET  /personnel                                    comptes, absences (administration, coordination)
 * POST /personnel/invitations                        inviter (le lien est montré une fois)
 * POST /personnel/:id                                nom, adresse, rôle, programmes
 * POST /personnel/:id/desactivation | /reactivation | /invitation
 * POST /personnel/absences                           déclarer une absence
 * POST /personnel/:id/absences/:absence/annulation
 */
import { enveloppePages } from './gestion-pages';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { OptionsAuth } from '../api/auth';
import type { DependancesApi } from '../api/dependances';
import { envoyerPage } from '../api/html';
import { analyser, Probleme } from '../api/problemes';
import {
  annulerAbsence,
  comptesDe,
  declarerAbsence,
  inviterCompte,
  lireAbsences,
  listerComptes,
  modifierCompte,
  reinviterCompte,
} from '../api/routes/personnel';
import { choixMotDePasseSchema } from '../api/schemas-personnel';
import { MESSAGES_INVITATION, RefusPersonnel } from '../personnel/comptes';
import { envoyer, pageErreur, type Contexte } from './pages/commun';
import { pageInvitation, pageInvitationAcceptee, pageInvitationInvalide } from './pages/invitation';
import { pagePersonnel, type RetourPersonnel } from './pages/personnel';
import { csrfValide, exigerSessionWeb, origineAcceptee } from './session';
import { erreurDuChamp } from '../api/formulaires';

/** Les champs tels que les formulaires les nomment (jamais le nom technique). */
const LIBELLES_CHAMPS: Record<string, string> = {
  id: 'Identifiant',
  nom: 'Nom',
  courriel: 'Adresse électronique',
  role: 'Rôle',
  programmes: 'Programmes',
  actif: 'État',
  personne: 'Personne absente',
  du: 'Premier jour d’absence',
  au: 'Dernier jour d’absence',
  remplacant: 'Remplacement assuré par',
};

const STATUTS_INVITATION = { inconnue: 404, utilisee: 409, expiree: 410, annulee: 410 } as const;

type Corps = Record<string, string | string[] | undefined>;

const texte = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
const liste = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' && v ? [v] : []);

export function routesWebPersonnel(deps: DependancesApi, auth: OptionsAuth): Router {
  const r = Router();
  const formulaire = express.urlencoded({ extended: false, limit: '20kb', parameterLimit: 100 });
  const session = exigerSessionWeb(auth);
  const contexte = (req: Request): Contexte => ({ deps, personne: req.personne!, csrf: req.csrf!, chemin: '/personnel' });

  const page = enveloppePages(deps, contexte);

  const csrf = (req: Request, res: Response, next: NextFunction): void => {
    if (!origineAcceptee(req) || !csrfValide(req.jetonSession ?? '', req.body?.csrf)) {
      pageErreur(res, contexte(req), 403, 'Ce formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.');
      return;
    }
    next();
  };

  // ---- L'invitation (public : le lien reçu par courriel) -----------------------------------------
  const pagePublique = (res: Response, status: number, titre: string, contenu: Parameters<typeof envoyerPage>[2]['contenu']) => {
    res.setHeader('Cache-Control', 'no-store');
    envoyerPage(res, status, { titre: `${titre} — Prévention des expulsions`, contenu });
  };

  async function rendreInvitation(res: Response, jeton: string, status = 200, erreurs?: Record<string, string>): Promise<void> {
    const e = await comptesDe(deps).lireInvitation(jeton);
    if (e.etat !== 'valide') return pagePublique(res, STATUTS_INVITATION[e.etat], 'Lien d’invitation', pageInvitationInvalide(MESSAGES_INVITATION[e.etat]));
    pagePublique(res, status, 'Choisir votre mot de passe', pageInvitation({ jeton, personneId: e.personneId, nom: e.nom, expireLe: e.expireLe, erreurs }));
  }

  r.get(
    '/invitation/:jeton',
    page((req, res) => rendreInvitation(res, String(req.params.jeton))),
  );

  r.post(
    '/invitation/:jeton',
    formulaire,
    page(async (req, res) => {
      const jeton = String(req.params.jeton);
      if (!origineAcceptee(req)) return pagePublique(res, 403, 'Lien d’invitation', pageInvitationInvalide('Ce formulaire ne vient pas de cette application.'));
      let motDePasse: string;
      try {
        ({ motDePasse } = analyser(choixMotDePasseSchema, { motDePasse: req.body?.motDePasse, confirmation: req.body?.confirmation }));
      } catch (e) {
        if (!(e instanceof Probleme)) throw e;
        const erreurs = Object.fromEntries((e.opts.errors ?? []).map((x) => [x.champ, x.message.replace(/^(mot de passe|confirmation) : /, '')]));
        return rendreInvitation(res, jeton, 400, erreurs);
      }
      try {
        const { personneId } = await comptesDe(deps).accepterInvitation(jeton, motDePasse);
        await deps.annuaire.rafraichir?.();
        deps.journal.info({ compte: personneId }, 'personnel : mot de passe choisi depuis l’invitation');
        pagePublique(res, 200, 'Mot de passe enregistré', pageInvitationAcceptee(personneId));
      } catch (e) {
        if (!(e instanceof RefusPersonnel)) throw e;
        await rendreInvitation(res, jeton);
      }
    }),
  );

  // ---- Le personnel -------------------------------------------------------------------------------
  async function rendre(req: Request, res: Response, status = 200, retour: RetourPersonnel = {}): Promise<void> {
    const ctx = contexte(req);
    const [comptes, absences] = await Promise.all([listerComptes(deps, ctx.personne), lireAbsences(deps, ctx.personne)]);
    envoyer(res, ctx, status, 'Personnel', pagePersonnel(ctx, comptes, absences, retour));
  }

  /** Une action du formulaire : redirection si elle est faite ; sinon la page, les erreurs en tête du formulaire. */
  async function agir(req: Request, res: Response, nomFormulaire: string, action: () => Promise<unknown>, fait: string): Promise<void> {
    try {
      await action();
    } catch (e) {
      if (!(e instanceof Probleme) || e.status >= 500 || e.status === 403 || e.status === 404) throw e;
      const messages = e.opts.errors?.length
        ? e.opts.errors.map((x) => erreurDuChamp(LIBELLES_CHAMPS[x.champ.split('.')[0]!] ?? 'Saisie', x.message))
        : [e.detail];
      return rendre(req, res, e.status, { formulaire: nomFormulaire, messages, valeurs: req.body as Corps });
    }
    res.redirect(303, `/personnel?fait=${fait}`);
  }

  r.get(
    '/personnel',
    session,
    page((req, res) => rendre(req, res, 200, { fait: typeof req.query.fait === 'string' ? req.query.fait : undefined })),
  );

  // L'adresse d'un formulaire refusé, rouverte plus tard : la page du personnel, d'où il part.
  r.get(/^\/personnel\/(?:invitations|absences|[^/]+\/absences\/[^/]+\/annulation|[^/]+\/invitation)$/, (_req, res) => {
    res.redirect(303, '/personnel');
  });

  const corpsCompte = (b: Corps) => ({ nom: texte(b.nom), courriel: texte(b.courriel), role: texte(b.role) || undefined, programmes: liste(b.programmes) });

  r.post(
    '/personnel/invitations',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const b = req.body as Corps;
      try {
        const { compte, invitation } = await inviterCompte(deps, contexte(req).personne, { id: texte(b.id), ...corpsCompte(b) });
        await rendre(req, res, 201, { invitation: { nom: compte.nom, ...invitation } });
      } catch (e) {
        if (!(e instanceof Probleme) || e.status >= 500 || e.status === 403) throw e;
        const messages = e.opts.errors?.length
          ? e.opts.errors.map((x) => erreurDuChamp(LIBELLES_CHAMPS[x.champ.split('.')[0]!] ?? 'Saisie', x.message))
          : [e.detail];
        await rendre(req, res, e.status, { formulaire: 'invitation', messages, valeurs: b });
      }
    }),
  );

  r.post(
    '/personnel/absences',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const b = req.body as Corps;
      const personne = texte(b.personne);
      if (!personne) return rendre(req, res, 400, { formulaire: 'absence', messages: ['Personne absente : champ obligatoire'], valeurs: b });
      const corps = { du: texte(b.du) || undefined, au: texte(b.au) || undefined, remplacant: texte(b.remplacant) || undefined };
      await agir(req, res, 'absence', () => declarerAbsence(deps, contexte(req).personne, personne, corps), 'absence');
    }),
  );

  r.post(
    '/personnel/:id/absences/:absence/annulation',
    session,
    formulaire,
    csrf,
    page((req, res) => agir(req, res, 'absence', () => annulerAbsence(deps, contexte(req).personne, req.params.id, req.params.absence), 'annulation')),
  );

  r.post(
    '/personnel/:id/invitation',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const { compte, invitation } = await reinviterCompte(deps, contexte(req).personne, req.params.id);
      await rendre(req, res, 201, { invitation: { nom: compte.nom, ...invitation } });
    }),
  );

  for (const [chemin, actif, fait] of [
    ['desactivation', false, 'desactive'],
    ['reactivation', true, 'reactive'],
  ] as const) {
    r.post(
      `/personnel/:id/${chemin}`,
      session,
      formulaire,
      csrf,
      page((req, res) => agir(req, res, String(req.params.id), () => modifierCompte(deps, contexte(req).personne, req.params.id, { actif }), fait)),
    );
  }

  r.post(
    '/personnel/:id',
    session,
    formulaire,
    csrf,
    page((req, res) =>
      agir(req, res, String(req.params.id), () => modifierCompte(deps, contexte(req).personne, req.params.id, corpsCompte(req.body as Corps)), 'modifie'),
    ),
  );

  return r;
}
