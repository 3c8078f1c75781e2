/**
 * L'interface web du personnel, en français, rendue côté serveur (pas de script, pas de
 * ressource externe, formulaires HTML classiques : POST puis redirection).
 *
 * Les pages appellent Temporal par les mêmes opérations que l'API JSON (api/routes/parcours.ts :
 * lancer, lister, lire, affecter, clore, envoyer un message ; api/routes/programmes.ts) : mêmes
 * règles d'accès (api/auth.ts), même visibilité (api/visibilite.ts), mêmes schémas zod et mêmes
 * messages d'erreur en français. Session : le cookie `session` de l'API ; CSRF : voir session.ts.
 *
 * GET  /connexion, POST /connexion, POST /deconnexion
 * GET  /connexion/oidc, /connexion/oidc/retour   connexion par OpenID Connect (api/oidc.ts), si configurée
 * GET  /parcours                      tableau de bord (coordination) ou « mes ménages » (travail social)
 * GET  /parcours/nouveau[/:programme] lancer un parcours ; POST /parcours/nouveau/:programme
 * GET  /parcours/:id                  la page du parcours
 * POST /parcours/:id/messages/:nom | /affectation | /cloture
 * POST /parcours/:id/consentement-partage | /retrait-consentement-partage  l'accord du ménage (partage du diagnostic)
 * POST /parcours/:id/contact-menage                 les SMS au ménage : son accord (avec le portable) ou son retrait
 * POST /parcours/:id/courriel-menage                les courriels au ménage : son adresse donnée ou corrigée, ou son accord retiré
 * POST /parcours/:id/envoi-menage                   un document envoyé au ménage par courriel (la lettre d'information…)
 * GET  /programmes/:id/file-iml       mesures actives et file d'attente IML
 * GET  /programmes/:id/commission     liste de la commission impayés : envoi, POST …/apercu (aperçu),
 *                                     POST …/commission (import), GET …/commission/:import (compte rendu)
 * GET  /programmes                    les programmes coordonnés et leurs pages
 * GET  /programmes/:id/reglages       délais, options, quotas… ; POST : une nouvelle version
 * GET  /evaluations                   les rapports d'évaluation des programmes de la personne
 * GET  /programmes/:id/evaluation[.pdf]?periode=6-mois|12-mois|annuel-iml[&pour=partenaires]
 */
import { serialize as serialiserCookie } from 'cookie';
import { enveloppePages, SAISIE_GARDEE } from './gestion-pages';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { adresseClient, cookieSession, lireCookies, MESSAGES_AUTH, ouvrirSession, suitProgramme, type OptionsAuth } from '../api/auth';
import { CHEMIN_OIDC, CHEMIN_RETOUR_OIDC, compteRattache, creerConnexionOidc, DUREE_CONNEXION_OIDC_MS, MESSAGES_OIDC, RefusOidc } from '../api/oidc';
import type { DependancesApi } from '../api/dependances';
import { envoyerPage } from '../api/html';
import { html, type Brut } from '../rendu/html';
import { workflowIdDe } from '../domain/schemas';
import { analyser, ErreursDeSaisie, MESSAGE_SANS_REPONSE, Probleme, TYPES_PROBLEME, type ErreurChamp } from '../api/problemes';
import { clotureAnticipeeSchema } from '../domain/schemas';
import { evaluer, pdfEvaluation, rapportDe } from '../api/routes/indicateurs';
import {
  clesApiDe,
  creerCleApi,
  deciderOrientation,
  envoyerLienOrientation,
  listerOrientations,
  reprendreAcceptations,
  orientationsDe,
  revoquerCleApi,
} from '../api/routes/orientations';
import {
  ajouterContact,
  changerBailleurParcours,
  creerOrganisation,
  lireAnnuaire,
  modifierOrganisation,
  organisationModifiable,
  retirerContact,
} from '../api/routes/organisations';
import { changerReglages, lireFileIml, lireReglages } from '../api/routes/programmes';
import { absencesDe, lireAbsences } from '../api/routes/personnel';
import { rapportHtml } from '../indicateurs/rapport';
import {
  apercuCommission,
  importerCommission,
  importsDe,
  lireEnvoiMultipart,
  lireImportCommission,
  listeDeLaRequete,
  type ListeRecue,
  programmeCommission,
} from '../api/routes/commissions';
import { COLONNES } from '../commissions/colonnes';
import { listeCommissionSchema } from '../api/schemas-commission';
import { pageApercuCommission, pageEnvoiCommission, pageImportCommission } from './pages/commission';
import {
  affecterParcours,
  annuaireDe,
  chargerParcours,
  cloreParcours,
  dossiersDe,
  envoyerMessage,
  lancerParcours,
  lireEtat,
  lireParcoursPour,
  listerParcours,
} from '../api/routes/parcours';
import type { EtatFileIml } from '../domain/iml';
import { delaisDejaEcoules, motifNonEligible, type DelaiEcoule, type SituationOrientation } from '../domain/prevention';
import type { EtatParcours, Programme } from '../domain/vocabulaire';
import { dateFr } from './libelles';
import { champsDe, champsParNom, erreurDuChamp, lireSaisie, rangerErreurs, type Champ, type Corps } from '../api/formulaires';
import { envoyer, estCoordination, pageErreur, travailleursSociaux, type ChargeTravailleurSocial, type Contexte } from './pages/commun';
import {
  confirmationRetraitSchema,
  pageAnnuaire,
  pageChoixAnnuaire,
  perteSansContact,
  type ClesParOrganisation,
  type InfoAnnuaire,
  type RetourAnnuaire,
} from './pages/annuaire';
import { devantUnNom } from '../domain/libelles';
import { pageOrientations, type RetourOrientation } from './pages/orientations';
import { aTraiterParProgramme, orientationsNonTraitees } from '../orientations/relances';
import { courrielsEnAttente, courrielsNonRemis, smsEnAttente } from '../base/courriels-en-attente';
import { NON_REMIS_AU_TABLEAU_MS, NON_REMIS_MONTRES } from './pages/tableau';
import { changementDuFormulaire, erreursDuFormulaire, pageProgrammes, pageReglages, type RetourReglages } from './pages/reglages';
import { pageConnexion } from './pages/connexion';
import { pageEvaluations } from './pages/evaluations';
import { jourDeParis, minuitDeParis } from '../domain/durees';
import { pageFileIml } from './pages/file-iml';
import { champsLancement, pageChoixProgramme, pageLancement, programmesLancables } from './pages/lancement';
import {
  aDesContenusConfidentiels,
  changementsDepuis,
  LECTURE_SUIVI_CONFIDENTIEL,
  MESSAGE_DE_CLOTURE,
  pageParcours,
  type RetourFormulaire,
} from './pages/parcours';
import { lireConsentementPartage, recueillirConsentementPartage, retirerConsentementPartage } from '../api/routes/partage';
import { enregistrerContactMenage, envoyerDocumentAuMenage, lireContactMenage } from '../api/routes/contact-menage';
import { pageTableau, type Filtres } from './pages/tableau';
import { csrfValide, exigerSessionWeb, jetonCsrf, lireSession, origineAcceptee, retourSur } from './session';

/** Les filtres du tableau de bord, par leur libellé (voir web/pages/tableau.ts). */
const LIBELLES_FILTRES: Record<string, string> = {
  programme: 'Programme',
  type: 'Type de parcours',
  etape: 'Étape',
  travailleurSocial: 'Travailleur social',
  enRetard: 'Échéances',
  cloture: 'État',
  recherche: 'Nom du ménage ou référence',
  page: 'Page',
  taille: 'Taille de la page',
};

const CLES_FILTRES = ['programme', 'type', 'etape', 'travailleurSocial', 'enRetard', 'cloture', 'recherche', 'page'] as const;
/** Le cookie de la connexion OpenID Connect en cours (l'état, lié à ce navigateur). */
const NOM_COOKIE_OIDC = 'oidc_etat';
const attendre = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Le motif de non-éligibilité d'une saisie valide (prévention précontentieuse), sinon rien. */
function avertissementEligibilite(deps: DependancesApi, programme: Programme, donnees: unknown, maintenant: Date): string | undefined {
  if (programme.typeParcours !== 'prevention_precontentieuse') return undefined;
  const r = deps.registre[programme.typeParcours]!.schemaLancement.safeParse(donnees);
  if (!r.success) return undefined;
  const { situation, signaleLe } = r.data as { situation?: SituationOrientation; signaleLe?: string };
  // Au jour du signalement du bailleur quand les délais du programme en partent (loiret-ahu).
  const le = signaleLe && programme.options.delaisDepuisSignalement ? minuitDeParis(signaleLe) : maintenant;
  return situation ? motifNonEligible(programme, situation, le) : undefined;
}

/** Les échéances qu'une date de désignation ou de signalement ferait naître déjà dépassées (prévention). */
function avertissementDelais(deps: DependancesApi, programme: Programme, donnees: unknown, maintenant: Date): DelaiEcoule[] {
  if (programme.typeParcours !== 'prevention_precontentieuse') return [];
  const r = deps.registre[programme.typeParcours]!.schemaLancement.safeParse(donnees);
  return r.success ? delaisDejaEcoules(programme, r.data as { designeLe?: string; signaleLe?: string }, maintenant) : [];
}

const LIBELLES_CHAMPS_ANNUAIRE: Record<string, string> = {
  type: 'Type',
  nom: 'Nom',
  courriel: 'Adresse électronique',
  service: 'Service',
  quotaFileActive: 'File active maximale',
  actif: 'Active',
  'contact.nom': 'Nom du contact',
  'contact.courriel': 'Adresse électronique du contact',
  'contact.service': 'Service du contact',
};

/** Les confirmations de l'annuaire, après redirection (`?fait=…&org=…`). */
const CONFIRMATIONS_ANNUAIRE: Record<string, (organisation: string) => string> = {
  organisation: (o) => `${o} est ajoutée à l’annuaire.`,
  contact: (o) => `Le contact est ajouté à ${o} : il reçoit les courriels suivants.`,
  retrait: (o) => `Le contact est retiré de ${o} : il ne reçoit plus de courriel.`,
  modifiee: (o) => `${o} : les changements sont enregistrés.`,
  lien: (o) => `Le lien pour orienter un ménage est parti par courriel aux contacts de ${o} (valable 30 jours, un seul usage).`,
  'cle-revoquee': (o) => `La clé du logiciel de ${o} est révoquée : elle ne sert plus.`,
};

export function routesWeb(deps: DependancesApi, auth: OptionsAuth & { maintenant: () => Date }): Router {
  const r = Router();
  const formulaire = express.urlencoded({ extended: false, limit: '50kb', parameterLimit: 300 });
  const session = exigerSessionWeb(auth);
  const contexte = (req: Request): Contexte => ({ deps, personne: req.personne!, csrf: req.csrf!, chemin: req.path });

  /** Les erreurs deviennent des pages (jamais du JSON) : 403, 404, 503… en français. */
  const page = enveloppePages(deps, contexte);

  /** Tout POST de l'interface : même origine et jeton anti-CSRF de la session. */
  const csrf = (req: Request, res: Response, next: NextFunction): void => {
    if (!origineAcceptee(req) || !csrfValide(req.jetonSession ?? '', req.body?.csrf)) {
      pageErreur(res, contexte(req), 403, 'Ce formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.');
      return;
    }
    next();
  };

  // ---- Connexion ------------------------------------------------------------------------------
  r.get('/', async (req, res) => {
    const s = await lireSession(auth, req);
    res.redirect(303, s && s !== 'expiree' ? '/parcours' : '/connexion');
  });

  const liensPublics = () =>
    html`<p class="aide">Aussi : <a href="/docs">documentation de l’API</a>, <a href="/health">état du service</a>${deps.options.mailInboxUrl ? html`, <a href="${deps.options.mailInboxUrl}">boîte de réception de démonstration</a>` : ''}${deps.options.temporalUiUrl ? html`, <a href="${deps.options.temporalUiUrl}">interface Temporal (opérateurs)</a>` : ''}.</p>`;
  // La connexion par OpenID Connect (api/oidc.ts), si l'environnement la configure.
  const oidc = deps.options.oidc ? creerConnexionOidc(deps.base, deps.options.oidc, auth.maintenant) : undefined;
  const connexion = (res: Response, status: number, o: Parameters<typeof pageConnexion>[0]) =>
    envoyerPage(res, status, {
      titre: 'Connexion — Prévention des expulsions',
      contenu: html`${pageConnexion({ fournisseur: oidc?.nom, ...o })}${liensPublics()}`,
    });

  r.get('/connexion', async (req, res) => {
    const retour = retourSur(req.query.retour);
    const s = await lireSession(auth, req);
    if (s && s !== 'expiree') return res.redirect(303, retour);
    res.setHeader('Cache-Control', 'no-store');
    const info =
      req.query.expiree !== undefined || s === 'expiree' ? MESSAGES_AUTH.expiree : req.query.deconnecte !== undefined ? 'Vous êtes déconnecté.' : undefined;
    connexion(res, 200, { info, retour });
  });

  r.post('/connexion', formulaire, async (req, res) => {
    const retour = retourSur(req.body?.retour);
    const identifiant = typeof req.body?.identifiant === 'string' ? req.body.identifiant.slice(0, 100) : '';
    if (!origineAcceptee(req)) return connexion(res, 403, { erreur: 'Ce formulaire ne vient pas de cette application.', retour, identifiant });
    try {
      const { jeton, expireLe } = await ouvrirSession(auth, adresseClient(req), { identifiant: req.body?.identifiant, motDePasse: req.body?.motDePasse });
      res.setHeader('Set-Cookie', cookieSession(auth, jeton, auth.ttlSecondes(expireLe)));
      res.redirect(303, retour);
    } catch (e) {
      if (!(e instanceof Probleme)) throw e;
      const erreur = e.status === 400 ? 'Saisissez votre identifiant et votre mot de passe.' : e.detail;
      connexion(res, e.status, { erreur, retour, identifiant });
    }
  });

  // ---- Connexion par OpenID Connect (api/oidc.ts) ----------------------------------------------
  /** Le cookie qui lie la connexion en cours à ce navigateur (l'état, 10 minutes, seulement pour /connexion/oidc…). */
  const cookieEtatOidc = (valeur: string, maxAge: number) =>
    serialiserCookie(NOM_COOKIE_OIDC, valeur, { path: CHEMIN_OIDC, httpOnly: true, sameSite: 'lax', maxAge, secure: !!auth.cookieSecurise });
  const refusOidc = (res: Response, status: number, erreur: string, retour: string) => {
    res.setHeader('Set-Cookie', cookieEtatOidc('', 0));
    res.setHeader('Cache-Control', 'no-store');
    connexion(res, status, { erreur, retour });
  };

  r.get(CHEMIN_OIDC, async (req, res) => {
    const retour = retourSur(req.query.retour);
    if (!oidc) return connexion(res, 404, { erreur: MESSAGES_OIDC.nonConfiguree, retour });
    try {
      const { url, etat } = await oidc.commencer(retour);
      res.setHeader('Set-Cookie', cookieEtatOidc(etat, DUREE_CONNEXION_OIDC_MS / 1000));
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, url.href);
    } catch (e) {
      if (!(e instanceof RefusOidc)) throw e;
      deps.journal.warn({ err: e.cause, fournisseur: oidc.nom }, 'connexion OpenID Connect : fournisseur injoignable');
      refusOidc(res, 503, e.message, retour);
    }
  });

  r.get(CHEMIN_RETOUR_OIDC, async (req, res) => {
    if (!oidc) return connexion(res, 404, { erreur: MESSAGES_OIDC.nonConfiguree });
    const parametres = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') parametres.set(k, v);
    let resultat: { valeur: string; retour: string };
    try {
      resultat = await oidc.terminer(parametres, lireCookies(req.headers.cookie)[NOM_COOKIE_OIDC]);
    } catch (e) {
      if (!(e instanceof RefusOidc)) throw e;
      const cause = e.cause instanceof Error ? e.cause.message : e.cause;
      deps.journal[e.nature === 'annulee' || e.nature === 'tentative' ? 'info' : 'warn'](
        { motif: e.nature, cause, fournisseur: oidc.nom },
        'connexion OpenID Connect refusée',
      );
      return refusOidc(res, e.nature === 'indisponible' ? 503 : e.nature === 'refusee' ? 502 : 400, e.message, '/parcours');
    }
    const { valeur, retour } = resultat;
    const personne = await compteRattache(auth.annuaire, valeur);
    // Un compte désactivé dans la base n'ouvre pas de session, même si l'annuaire le garde encore.
    const session = personne && personne !== 'plusieurs' ? await auth.sessions.ouvrir(personne) : undefined;
    if (!personne || personne === 'plusieurs' || !session) {
      // Comme un mauvais mot de passe : l'échec compte pour la limite des connexions (rien de personnel au journal).
      await auth.limiteur.echec(valeur, adresseClient(req));
      deps.journal.info(
        { motif: personne === 'plusieurs' ? 'plusieurs comptes' : 'aucun compte actif', fournisseur: oidc.nom },
        'connexion OpenID Connect refusée',
      );
      return refusOidc(res, 403, personne === 'plusieurs' ? MESSAGES_OIDC.plusieurs(valeur) : MESSAGES_OIDC.inconnu(valeur), retour);
    }
    await auth.limiteur.reussite(personne.id);
    req.personne = personne;
    deps.journal.info({ compte: personne.id, fournisseur: oidc.nom }, 'connexion par OpenID Connect');
    res.setHeader('Set-Cookie', [cookieSession(auth, session.jeton, auth.ttlSecondes(session.expireLe)), cookieEtatOidc('', 0)]);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, retour);
  });

  r.post('/deconnexion', formulaire, async (req, res) => {
    const s = await lireSession(auth, req);
    if (s && s !== 'expiree') {
      if (!origineAcceptee(req) || !csrfValide(s.jeton, req.body?.csrf)) {
        res.redirect(303, '/parcours');
        return;
      }
      await auth.sessions.fermer(s.jeton);
    }
    res.setHeader('Set-Cookie', cookieSession(auth, '', 0));
    res.redirect(303, '/connexion?deconnecte=1');
  });

  // ---- Tableau de bord / mes ménages --------------------------------------------------------------
  r.get(
    '/parcours',
    session,
    page(async (req, res) => {
      const ctx = contexte(req);
      const filtres: Filtres = {};
      for (const k of CLES_FILTRES) {
        const v = req.query[k];
        if (typeof v === 'string' && v !== '') filtres[k] = v.slice(0, 100);
      }
      if (req.query.cloture === undefined) filtres.cloture = 'false';
      if (!estCoordination(ctx.personne)) for (const k of CLES_FILTRES) if (k !== 'cloture' && k !== 'recherche' && k !== 'page') delete filtres[k];
      try {
        const liste = await listerParcours(deps, ctx.personne, filtres);
        // Les référents absents aujourd'hui (personnel de la coordination) : bandeau en tête.
        const absences = estCoordination(ctx.personne) ? await lireAbsences(deps, ctx.personne) : [];
        // Les orientations reçues de ses programmes et pas encore traitées (le délai de contact de loiret-ahu en court déjà),
        // dont celles qu'un lancement interrompu rend à décider.
        if (estCoordination(ctx.personne)) await reprendreAcceptations(deps, ctx.personne.role === 'admin' ? 'tous' : ctx.personne.programmes);
        const orientations = estCoordination(ctx.personne)
          ? aTraiterParProgramme(
              await orientationsNonTraitees(deps.base),
              (id) => (suitProgramme(ctx.personne, id) ? deps.catalogue.trouver(id) : undefined),
              auth.maintenant(),
            )
          : [];
        // Les courriels et les SMS de ses programmes que le serveur de courriel ou le fournisseur de SMS
        // refuse en ce moment (tous, pour l'administration).
        const portee = ctx.personne.role === 'admin' ? 'tous' : ctx.personne.programmes;
        const [courriels, sms] = await Promise.all([
          courrielsEnAttente(deps.base, portee, auth.maintenant()),
          smsEnAttente(deps.base, portee, auth.maintenant()),
        ]);
        const enAttente = { ...courriels, sms };
        // Les courriels de ses programmes revenus en avis de non-remise cette semaine (adresse à vérifier).
        const nonRemis = estCoordination(ctx.personne)
          ? await courrielsNonRemis(deps.base, portee, auth.maintenant(), {
              depuis: new Date(auth.maintenant().getTime() - NON_REMIS_AU_TABLEAU_MS),
              limite: NON_REMIS_MONTRES + 1,
            })
          : [];
        envoyer(
          res,
          ctx,
          200,
          estCoordination(ctx.personne) ? 'Tableau de bord' : 'Mes ménages',
          pageTableau(ctx, liste, filtres, undefined, absences, orientations, enAttente, nonRemis),
        );
      } catch (e) {
        if (!(e instanceof Probleme) || e.status >= 500) throw e;
        // Un filtre illisible (adresse modifiée à la main) : nommé par son libellé, jamais par son paramètre.
        const message = e.opts.errors?.length
          ? `Valeur non reconnue pour ${[...new Set(e.opts.errors.map((x) => `« ${LIBELLES_FILTRES[x.champ] ?? 'un filtre'} »`))].join(', ')} (adresse modifiée ?) : choisissez de nouveau ci-dessous.`
          : e.detail;
        envoyer(res, ctx, e.status, 'Tableau de bord', pageTableau(ctx, undefined, filtres, message));
      }
    }),
  );

  // ---- Lancement ------------------------------------------------------------------------------
  const programmeLancable = (ctx: Contexte, id: unknown) => {
    if (!estCoordination(ctx.personne)) throw new Probleme(403, 'Seule la coordination lance des parcours.');
    const programme = typeof id === 'string' ? deps.catalogue.trouver(id) : undefined;
    if (!programme || !deps.registre[programme.typeParcours]) throw new Probleme(404, 'Programme inconnu.');
    if (!suitProgramme(ctx.personne, programme.id)) throw new Probleme(403, `Vous ne coordonnez pas le programme « ${programme.nom} ».`);
    return programme;
  };

  r.get(
    '/parcours/nouveau',
    session,
    page((req, res) => {
      const ctx = contexte(req);
      if (!estCoordination(ctx.personne)) throw new Probleme(403, 'Seule la coordination lance des parcours.');
      // Un seul programme à choisir : son formulaire directement.
      const programmes = programmesLancables(ctx);
      if (programmes.length === 1) return res.redirect(303, `/parcours/nouveau/${encodeURIComponent(programmes[0]!.id)}`);
      envoyer(res, ctx, 200, 'Lancer un parcours', pageChoixProgramme(ctx), false);
    }),
  );

  /**
   * Pour choisir à qui confier un ménage : les ménages que suit chaque travailleur social du programme
   * (parcours ouverts, tous programmes : sa charge réelle) et son absence du jour, s'il en a une.
   */
  async function chargesDesTravailleursSociaux(programmeId: string): Promise<Map<string, ChargeTravailleurSocial>> {
    const ids = travailleursSociaux(deps, programmeId).map((p) => p.id);
    const absences = absencesDe(deps);
    const [suivis, absents] = await Promise.all([absences.menagesSuivis(ids), absences.enCours(ids)]);
    return new Map(
      ids.map((id) => {
        const a = absents.find((x) => x.personneId === id);
        return [id, { suivis: suivis.get(id) ?? 0, ...(a ? { absence: { au: a.au, remplacant: a.nomRemplacant } } : {}) }];
      }),
    );
  }

  r.get(
    '/parcours/nouveau/:programme',
    session,
    page(async (req, res) => {
      const ctx = contexte(req);
      const programme = programmeLancable(ctx, req.params.programme);
      const bailleurs = await annuaireDe(deps).lister(programme.id, { actives: true, type: 'bailleurs' });
      const charges = await chargesDesTravailleursSociaux(programme.id);
      envoyer(res, ctx, 200, `Lancer un parcours : ${programme.nom}`, pageLancement(ctx, programme, bailleurs, { charges }), false);
    }),
  );

  r.post(
    '/parcours/nouveau/:programme',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const programme = programmeLancable(ctx, req.params.programme);
      const bailleurs = await annuaireDe(deps).lister(programme.id, { actives: true, type: 'bailleurs' });
      const c = champsLancement(ctx, programme, bailleurs);
      const saisie = req.body as Corps;
      const corps = {
        programmeId: programme.id,
        ...lireSaisie(c.affectation, saisie),
        menage: lireSaisie(c.menage, saisie),
        donnees: lireSaisie(c.donnees, saisie),
      };
      // Un ménage hors des règles du programme serait clos aussitôt : le formulaire le dit d'abord.
      const motif = avertissementEligibilite(deps, programme, corps.donnees, auth.maintenant());
      const nonEligible = saisie.confirmerNonEligible === 'oui' ? undefined : motif;
      // Une date de désignation ou de signalement ancienne (ou une faute de frappe sur l'année) : les
      // échéances naîtraient dépassées, et loiret-ahu clôturerait sans contact ; le formulaire le dit
      // d'abord. Sans objet pour un ménage non éligible (clos avant l'« aller vers »).
      const delaisEcoules = motif || saisie.confirmerDelaisEcoules === 'oui' ? [] : avertissementDelais(deps, programme, corps.donnees, auth.maintenant());
      // Le même ménage (nom et adresse) déjà suivi dans ce programme sous une autre référence : deux
      // parcours, deux travailleurs sociaux peut-être, et tout en double chez les partenaires. Sous la
      // même référence, le lancement le refuse lui-même (parcours existant, dit plus bas).
      const { nom, adresse, reference } = corps.menage as { nom?: unknown; adresse?: unknown; reference?: unknown };
      const memeReference = typeof reference === 'string' ? workflowIdDe(programme.id, reference.trim()) : undefined;
      const dejaSuivi =
        saisie.confirmerAutreMenage === 'oui' || typeof nom !== 'string' || typeof adresse !== 'string'
          ? []
          : (await dossiersDe(deps).ouvertsPourLeMenage(programme.id, { nom, adresse })).filter((d) => d.workflowId !== memeReference);
      if (nonEligible || delaisEcoules.length || dejaSuivi.length) {
        envoyer(
          res,
          ctx,
          200,
          `Lancer un parcours : ${programme.nom}`,
          pageLancement(ctx, programme, bailleurs, {
            valeurs: saisie,
            nonEligible,
            delaisEcoules,
            dejaSuivi,
            charges: await chargesDesTravailleursSociaux(programme.id),
          }),
          false,
        );
        return;
      }
      try {
        const { workflowId } = await lancerParcours(deps, ctx.personne, corps);
        res.redirect(303, `/parcours/${encodeURIComponent(workflowId)}?fait=lancement`);
      } catch (e) {
        // Temporal indisponible, ou muet après un démarrage demandé (503) : la page du formulaire le dit
        // et garde la saisie, pour relancer sans tout retaper.
        if (!(e instanceof Probleme) || (e.status >= 500 && e.status !== 503) || e.status === 403) throw e;
        // Le lancement dit toutes les erreurs de saisie d'un coup (verifierLancement).
        const erreurs = [...erreursDe(e)];
        const { parChamp, autres: restants } = rangerErreurs([...c.affectation, ...c.menage, ...c.donnees], erreurs, saisie);
        const autres: Array<string | Brut> = [...restants];
        // Un parcours existe déjà sous cette référence : lequel, et que faire.
        if (e.opts.type === TYPES_PROBLEME.doublon)
          autres.splice(0, autres.length, await parcoursExistant(ctx, programme.id, String(saisie['menage.reference'] ?? '')));
        envoyer(
          res,
          ctx,
          e.status,
          `Lancer un parcours : ${programme.nom}`,
          pageLancement(ctx, programme, bailleurs, { valeurs: saisie, erreurs: parChamp, autres, charges: await chargesDesTravailleursSociaux(programme.id) }),
          false,
        );
      }
    }),
  );

  /** Le parcours qui porte déjà cette référence dans ce programme : un lien vers lui, et ce qu'il faut faire. */
  async function parcoursExistant(ctx: Contexte, programmeId: string, reference: string): Promise<Brut> {
    const workflowId = workflowIdDe(programmeId, reference.trim());
    const dossier = await dossiersDe(deps)
      .autorisation(workflowId)
      .catch(() => undefined);
    const lien = html`<a href="/parcours/${encodeURIComponent(workflowId)}">dossier ${reference.trim()}</a>`;
    return dossier?.clos
      ? html`Un parcours clôturé existe déjà pour ce ménage dans ce programme (${lien}). Une référence ne sert qu’une fois : pour un nouvel accompagnement, donnez au dossier une nouvelle référence (par exemple ${reference.trim()}-2).`
      : html`Un parcours est déjà en cours pour ce ménage dans ce programme : ${lien}.`;
  }

  // ---- La page d'un parcours --------------------------------------------------------------------
  async function fileImlDe(ctx: Contexte, etat: EtatParcours): Promise<EtatFileIml | undefined> {
    if (etat.typeParcours !== 'iml_bail_glissant' || !estCoordination(ctx.personne)) return undefined;
    try {
      return await lireFileIml(deps, ctx.personne, etat.programme.id);
    } catch (e) {
      deps.journal.warn({ err: e }, 'interface : file IML illisible');
      return undefined;
    }
  }

  async function rendreParcours(req: Request, res: Response, status: number, retour?: RetourFormulaire): Promise<void> {
    const ctx = contexte(req);
    const { etat } = await lireParcoursPour(deps, ctx.personne, req.params.id);
    const fait = typeof req.query.fait === 'string' && !retour ? req.query.fait : undefined;
    const [bailleur, choix, orientation] = await Promise.all([
      annuaireDe(deps).bailleurDuParcours(etat.workflowId),
      // La coordination choisit le bailleur du ménage ; en IML, le travail social nomme celui du logement trouvé.
      estCoordination(ctx.personne) || (etat.typeParcours === 'iml_bail_glissant' && !etat.cloture)
        ? annuaireDe(deps).lister(etat.programme.id, { actives: true, type: 'bailleurs' })
        : Promise.resolve([]),
      orientationsDe(deps).duParcours(etat.workflowId),
    ]);
    const orientePar = orientation
      ? `${orientation.fiche.oriente.nom}, ${orientation.organisation.nom} (le ${dateFr(orientation.recueLe.toISOString())})`
      : undefined;
    const [partage, contact, programme, priorite, courriels, nonRemis] = await Promise.all([
      lireConsentementPartage(deps, ctx.personne, etat.workflowId),
      lireContactMenage(deps, ctx.personne, etat.workflowId),
      // Les options du programme dans la version du parcours (lancé peut-être avant un changement).
      deps.catalogue.version?.(etat.programme.id, etat.programme.version).catch(() => undefined),
      // La priorité enregistrée au lancement, celle que montrent les listes.
      deps.base.selectFrom('priorites_dossiers').select('motif').where('workflow_id', '=', etat.workflowId).executeTakeFirst(),
      // Les courriels de ce parcours que le serveur de courriel refuse en ce moment (ses SMS : dans `contact`).
      courrielsEnAttente(deps.base, { parcours: etat.workflowId }, auth.maintenant()),
      // Ceux qui sont revenus en avis de non-remise (adresse à vérifier).
      courrielsNonRemis(deps.base, { parcours: etat.workflowId }, auth.maintenant()),
    ]);
    // Le diagnostic, le carnet de route, le plan et les notes s'affichent : la lecture est tracée (qui, quand, quel parcours).
    if (aDesContenusConfidentiels(etat)) await dossiersDe(deps).noterConsultation(ctx.personne.id, etat.workflowId, LECTURE_SUIVI_CONFIDENTIEL);
    envoyer(
      res,
      ctx,
      status,
      `Dossier ${etat.reference}`,
      pageParcours(ctx, etat, {
        fait,
        retour,
        ...(estCoordination(ctx.personne) && !etat.cloture ? { charges: await chargesDesTravailleursSociaux(etat.programme.id) } : {}),
        fileIml: await fileImlDe(ctx, etat),
        bailleur: { ...bailleur, choix },
        orientePar,
        partage,
        contact,
        ...(programme ? { programme } : {}),
        ...(priorite ? { priorite: priorite.motif } : {}),
        nonRemis,
        courriels: {
          ...courriels,
          ...(contact.smsEnAttente ? { sms: { nombre: contact.smsEnAttente.nombre, depuis: new Date(contact.smsEnAttente.depuis) } } : {}),
        },
      }),
    );
  }

  r.get(
    '/parcours/:id',
    session,
    page((req, res) => rendreParcours(req, res, 200)),
  );

  /**
   * Exécute une action de la page (message, affectation, clôture) : redirection vers la page du
   * parcours si elle est appliquée ; sinon la page, avec la raison du refus (409) ou les erreurs
   * de saisie (400) à côté des champs.
   */
  async function agir(
    req: Request,
    res: Response,
    nomFormulaire: string,
    champs: Champ[],
    action: () => Promise<unknown>,
    attendreEtape = true,
    /** Ce que la page confirmera (`?fait=…`), s'il diffère du formulaire (un retrait, un refus). */
    fait = nomFormulaire,
  ): Promise<void> {
    const { handle, etat: avant } = await chargerParcours(deps, req.params.id);
    try {
      await action();
    } catch (e) {
      if (e instanceof Probleme && e.status === 503 && typeof req.body?.requestId === 'string') {
        // Le parcours n'a pas confirmé (réponse perdue, moteur indisponible). Son journal dit si la saisie
        // est arrivée : c'est alors fait. Sinon, la page garde la saisie sous le même identifiant ; renvoyée,
        // elle est reconnue et ne s'enregistre pas deux fois. Si le parcours ne se lit pas, la page d'erreur le dit.
        const requestId: string = req.body.requestId;
        const relu = await chargerParcours(deps, req.params.id).catch(() => undefined);
        if (relu?.etat.journal.some((j) => j.requete === requestId)) {
          res.redirect(303, `/parcours/${encodeURIComponent(avant.workflowId)}?fait=${encodeURIComponent(fait)}`);
          return;
        }
        // Clos entre-temps (par cette demande ou une autre) : plus rien à saisir, la page le montre.
        if (relu?.etat.cloture && !avant.cloture) {
          res.redirect(303, `/parcours/${encodeURIComponent(avant.workflowId)}`);
          return;
        }
        const vu = typeof req.body.vu === 'string' ? req.body.vu : undefined;
        await rendreParcours(req, res, 503, {
          formulaire: nomFormulaire,
          titre: 'Pas encore confirmé :',
          messages: [
            e.detail === MESSAGE_SANS_REPONSE ? 'Le parcours n’a pas répondu à temps : votre saisie n’est peut-être pas enregistrée.' : e.detail,
            SAISIE_GARDEE,
          ],
          valeurs: req.body as Corps,
          garder: { requestId, ...(vu ? { vu } : {}) },
        }).catch(() => {
          throw e;
        });
        return;
      }
      if (!(e instanceof Probleme) || e.status >= 500 || e.status === 403 || e.status === 404) throw e;
      const { parChamp, autres } = rangerErreurs(champs, erreursDe(e), req.body as Corps);
      // Refusé tel quel (le parcours, ou trop d'envois) : la raison dite, rien à corriger dans les champs.
      const refus = e.status === 409 || e.status === 429;
      // Chaque champ refusé, nommé, dans le résumé : certains formulaires (SMS, partage) ne montrent pas l'erreur à côté du champ.
      const libelles = champsParNom(champs);
      const parLibelle = Object.entries(parChamp).map(([nom, m]) => erreurDuChamp(libelles.get(nom)?.libelle ?? 'Saisie', m));
      await rendreParcours(req, res, e.status, {
        formulaire: nomFormulaire,
        titre: refus
          ? nomFormulaire === 'bailleur'
            ? 'Changement refusé :'
            : nomFormulaire === 'envoi-menage'
              ? 'Envoi refusé :'
              : 'Saisie refusée :'
          : nomFormulaire === 'bailleur'
            ? 'Le changement de bailleur n’a pas été enregistré :'
            : 'Rien n’a été enregistré, à corriger :',
        messages: refus ? [e.detail] : [...autres, ...parLibelle].length ? [...autres, ...parLibelle] : ['Corrigez les champs signalés.'],
        erreurs: parChamp,
        valeurs: req.body as Corps,
      });
      return;
    }
    // Laisse au parcours le temps de passer à l'étape suivante (au plus une seconde).
    for (let i = 0; attendreEtape && i < 10; i++) {
      const e = await lireEtat(handle).catch(() => undefined);
      if (!e || e.etape !== avant.etape || e.cloture) break;
      await attendre(100);
    }
    res.redirect(303, `/parcours/${encodeURIComponent(avant.workflowId)}?fait=${encodeURIComponent(fait)}`);
  }

  r.post(
    '/parcours/:id/messages/:nom',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const nom = String(req.params.nom);
      let lu: Awaited<ReturnType<typeof lireParcoursPour>>;
      try {
        lu = await lireParcoursPour(deps, ctx.personne, req.params.id);
      } catch (e) {
        // Réaffecté pendant la saisie : la saisie n'est pas perdue, elle est rendue pour être transmise.
        if (e instanceof Probleme && e.status === 403 && (await saisieNonEnregistree(req, res, nom))) return;
        throw e;
      }
      const { etat } = lu;
      const def = deps.registre[etat.typeParcours]?.messages;
      const message = def && Object.hasOwn(def, nom) ? def[nom] : undefined;
      if (!message) throw new Probleme(404, `Action inconnue pour ce parcours : « ${nom} ».`);
      const champs = champsDe(message.schema);
      const corps = { ...lireSaisie(champs, req.body as Corps), requestId: req.body?.requestId };
      // Un formulaire plus ancien que le parcours (autre onglet, « Précédent ») : la même saisie y est
      // peut-être déjà. Rien n'est envoyé ; la page dit ce qui a changé et garde la saisie.
      const changements = changementsDepuis(etat, req.body?.vu, req.body?.requestId, (id) => deps.annuaire.trouver(id)?.nom);
      if (changements.length) {
        await rendreParcours(req, res, 409, {
          formulaire: nom,
          titre: 'Rien n’a été enregistré : le parcours a changé depuis l’ouverture de ce formulaire.',
          messages: [...changements, 'Si votre saisie n’y figure pas déjà, envoyez-la de nouveau : le formulaire l’a gardée.'],
          valeurs: req.body as Corps,
        });
        return;
      }
      if (nom !== MESSAGE_DE_CLOTURE) {
        await agir(req, res, nom, champs, () => envoyerMessage(deps, ctx.personne, req.params.id, nom, corps));
        return;
      }
      // La clôture, définitive, se confirme (la case) ; les autres erreurs du formulaire sont dites avec.
      const confirmation: Champ = { nom: 'confirmation', libelle: 'Confirmation', requis: true, genre: 'booleen' };
      await agir(req, res, nom, [...champs, confirmation], async () => {
        if (req.body?.confirmation !== 'oui') {
          const erreurs = new ErreursDeSaisie();
          const { requestId: _requestId, ...saisie } = corps;
          erreurs.essayer(() => analyser(message.schema, saisie));
          erreurs.refuser('confirmation', 'cochez la case pour confirmer la clôture, qui est définitive');
          erreurs.lever();
        }
        return envoyerMessage(deps, ctx.personne, req.params.id, nom, corps);
      });
    }),
  );

  /**
   * Un travailleur social qui envoie une saisie pour un ménage confié entre-temps à une autre personne
   * de son programme : la page dit à qui, et rend ce qu'il a saisi pour qu'il le transmette. Faux si
   * ce n'est pas ce cas (le refus d'accès suit alors son cours).
   */
  async function saisieNonEnregistree(req: Request, res: Response, nom: string): Promise<boolean> {
    const ctx = contexte(req);
    if (ctx.personne.role !== 'travailleur_social') return false;
    const { etat } = await chargerParcours(deps, req.params.id, { confidentiel: false }).catch(() => ({ etat: undefined }));
    if (!etat || !suitProgramme(ctx.personne, etat.programme.id) || etat.travailleurSocial === ctx.personne.id) return false;
    const def = deps.registre[etat.typeParcours]?.messages;
    const message = def && Object.hasOwn(def, nom) ? def[nom] : undefined;
    if (!message) return false;
    const nouveau = etat.travailleurSocial ? (deps.annuaire.trouver(etat.travailleurSocial)?.nom ?? 'un autre travailleur social') : 'personne pour le moment';
    const corps = req.body as Corps;
    const lignes = [...champsParNom(champsDe(message.schema)).values()].flatMap((c) => {
      const brut = corps?.[c.nom];
      const valeurs = (Array.isArray(brut) ? brut : [brut]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
      if (!valeurs.length || c.genre === 'groupe') return [];
      const texte = valeurs.map((v) => c.options?.find((o) => o.valeur === v)?.libelle ?? (v === 'oui' ? 'Oui' : v === 'non' ? 'Non' : v)).join(', ');
      return [{ libelle: c.libelle, texte }];
    });
    envoyer(
      res,
      ctx,
      409,
      'Saisie non enregistrée',
      html`<h1>Saisie non enregistrée</h1>
<div class="erreur" role="alert" tabindex="-1" autofocus><p>Le ménage du dossier ${etat.reference} a été confié à ${nouveau} : vous ne le suivez plus, et votre saisie « ${message.libelle} » n’a pas été enregistrée.</p></div>
${
  lignes.length
    ? html`<p>La voici, pour la transmettre à la personne qui suit désormais le ménage :</p><dl class="infos">${lignes.map((l) => html`<dt>${l.libelle}</dt><dd>${l.texte}</dd>`)}</dl>`
    : ''
}
<p><a href="/parcours">Revenir à mes ménages</a></p>`,
    );
    return true;
  }

  const champAffectation: Champ = { nom: 'travailleurSocial', libelle: 'Travailleur social', requis: true, genre: 'choix' };
  r.post(
    '/parcours/:id/affectation',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const corps = { requestId: req.body?.requestId, travailleurSocial: req.body?.travailleurSocial || undefined };
      await agir(req, res, 'affectation', [champAffectation], () => affecterParcours(deps, ctx.personne, req.params.id, corps));
    }),
  );

  const champMotif: Champ = { nom: 'motif', libelle: 'Motif', requis: true, genre: 'zone' };
  r.post(
    '/parcours/:id/cloture',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const corps = { requestId: req.body?.requestId, motif: typeof req.body?.motif === 'string' ? req.body.motif : undefined };
      const champConfirmation: Champ = { nom: 'confirmation', libelle: 'Confirmation', requis: true, genre: 'booleen' };
      await agir(req, res, 'cloture-anticipee', [champMotif, champConfirmation], async () => {
        // Une clôture est définitive : la page la fait confirmer (l'API, elle, reçoit un motif).
        // Le motif et la case, dits ensemble.
        if (req.body?.confirmation !== 'oui') {
          const erreurs = new ErreursDeSaisie();
          erreurs.essayer(() => analyser(clotureAnticipeeSchema, corps));
          erreurs.refuser('confirmation', 'cochez la case pour confirmer la clôture, qui est définitive');
          erreurs.lever();
        }
        return cloreParcours(deps, ctx.personne, req.params.id, corps);
      });
    }),
  );

  r.post(
    '/parcours/:id/bailleur',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const corps = { bailleur: req.body?.bailleur || undefined, motif: typeof req.body?.motif === 'string' ? req.body.motif : undefined };
      const champs: Champ[] = [{ nom: 'bailleur', libelle: 'Nouveau bailleur', requis: true, genre: 'choix' }, champMotif];
      await agir(req, res, 'bailleur', champs, () => changerBailleurParcours(deps, ctx.personne, req.params.id, corps), false);
    }),
  );

  // ---- Les moyens de contact du ménage (api/routes/contact-menage.ts) -------------------------------
  // Les SMS (accord avec le portable) et les courriels (adresse corrigée), ou leur retrait.
  for (const f of [
    { formulaire: 'contact-menage', canal: 'sms', champ: 'telephone', question: 'Le ménage accepte-t-il les SMS ?', libelle: 'Numéro de portable' },
    {
      formulaire: 'courriel-menage',
      canal: 'courriel',
      champ: 'courriel',
      question: 'Le ménage accepte-t-il les courriels ?',
      libelle: 'Adresse électronique',
    },
  ] as const) {
    r.post(
      `/parcours/:id/${f.formulaire}`,
      session,
      formulaire,
      csrf,
      page(async (req, res) => {
        const ctx = contexte(req);
        const accorde = req.body?.accorde === 'oui' ? true : req.body?.accorde === 'non' ? false : undefined;
        const brute: unknown = req.body?.[f.champ];
        const valeur = typeof brute === 'string' && brute.trim() ? brute.trim() : undefined;
        const corps = { canal: f.canal, accorde, ...(accorde && valeur ? { [f.champ]: valeur } : {}) };
        const champs: Champ[] = [
          { nom: 'accorde', libelle: f.question, requis: true, genre: 'choix' },
          { nom: f.champ, libelle: f.libelle, requis: false, genre: 'texte' },
        ];
        await agir(
          req,
          res,
          f.formulaire,
          champs,
          () => enregistrerContactMenage(deps, ctx.personne, req.params.id, corps),
          false,
          accorde === false ? `retrait-${f.formulaire}` : f.formulaire,
        );
      }),
    );
  }

  // Un document envoyé au ménage par courriel (la lettre d'information revenue, une adresse donnée depuis).
  r.post(
    '/parcours/:id/envoi-menage',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const corps = { requestId: req.body?.requestId };
      await agir(req, res, 'envoi-menage', [], () => envoyerDocumentAuMenage(deps, ctx.personne, req.params.id, req.body?.document, corps), false);
    }),
  );

  // ---- L'accord du ménage pour le partage du diagnostic (api/routes/partage.ts) ------------------
  r.post(
    '/parcours/:id/consentement-partage',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const brute = req.body?.portee;
      const corps = { portee: (Array.isArray(brute) ? brute : brute ? [brute] : []).filter((x: unknown) => typeof x === 'string') };
      const champs: Champ[] = [{ nom: 'portee', libelle: 'Destinataires du diagnostic', requis: true, genre: 'choix' }];
      await agir(req, res, 'consentement-partage', champs, () => recueillirConsentementPartage(deps, ctx.personne, req.params.id, corps), false);
    }),
  );
  r.post(
    '/parcours/:id/retrait-consentement-partage',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      await agir(
        req,
        res,
        'consentement-partage',
        [],
        () => retirerConsentementPartage(deps, ctx.personne, req.params.id),
        false,
        'retrait-consentement-partage',
      );
    }),
  );

  // ---- L'adresse d'un formulaire refusé, rouverte ou rechargée --------------------------------------
  // Une saisie refusée est rendue à l'adresse du formulaire (POST) : la rouvrir plus tard (GET) mène
  // à la page d'où il part, plutôt qu'à « Page introuvable ».
  r.get(
    /^\/parcours\/([^/]+)\/(?:messages\/[^/]+|affectation|cloture|bailleur|contact-menage|courriel-menage|envoi-menage|consentement-partage|retrait-consentement-partage)$/,
    (req, res) => {
      res.redirect(303, `/parcours/${String(req.params[0])}`);
    },
  );
  r.get(/^\/programmes\/([^/]+)\/commission\/apercu$/, (req, res) => {
    res.redirect(303, `/programmes/${String(req.params[0])}/commission`);
  });
  // Les formulaires d'une organisation (contact ajouté ou retiré, modification, clés, lien) : l'annuaire de son programme.
  r.get(
    /^\/organisations\/([^/]+)(?:\/contacts(?:\/[^/]+\/retrait)?|\/cles-api(?:\/[^/]+\/revocation)?|\/lien-orientation)?$/,
    session,
    page(async (req, res) => {
      const o = await annuaireDe(deps).trouver(String(req.params[0]));
      if (!o) throw new Probleme(404, 'Cette organisation n’existe pas dans l’annuaire.');
      res.redirect(303, `/programmes/${encodeURIComponent(o.programmeId)}/annuaire`);
    }),
  );

  // ---- Les programmes et leurs réglages (api/routes/programmes.ts, programmes/versions.ts) --------
  r.get(
    '/programmes',
    session,
    page((req, res) => {
      const ctx = contexte(req);
      if (!estCoordination(ctx.personne)) throw new Probleme(403, 'Votre rôle ne permet pas d’ouvrir cette page.');
      envoyer(res, ctx, 200, 'Programmes', pageProgrammes(ctx), false);
    }),
  );

  async function rendreReglages(req: Request, res: Response, status = 200, retour?: RetourReglages): Promise<void> {
    const ctx = contexte(req);
    const reglages = await lireReglages(deps, ctx.personne, req.params.id);
    const version = typeof req.query.fait === 'string' && /^\d+$/.test(req.query.fait) ? Number(req.query.fait) : undefined;
    const fait =
      version && version === reglages.programme.version
        ? `Version ${version} enregistrée : les parcours lancés à partir de maintenant la suivent ; les parcours en cours gardent la version avec laquelle ils ont été lancés.`
        : undefined;
    envoyer(res, ctx, status, `Réglages : ${reglages.programme.nom}`, pageReglages(ctx, reglages, { retour, fait }));
  }

  r.get(
    '/programmes/:id/reglages',
    session,
    page((req, res) => rendreReglages(req, res)),
  );

  r.post(
    '/programmes/:id/reglages',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const { programme } = await lireReglages(deps, ctx.personne, req.params.id);
      const b = req.body as Record<string, string | undefined>;
      try {
        const v = await changerReglages(deps, ctx.personne, programme.id, changementDuFormulaire(programme, b));
        res.redirect(303, `/programmes/${encodeURIComponent(programme.id)}/reglages?fait=${v.version}`);
      } catch (e) {
        if (!(e instanceof Probleme) || e.status >= 500 || e.status === 403 || e.status === 404) throw e;
        const erreurs = e.opts.errors?.length ? erreursDuFormulaire(programme, b, e.opts.errors) : { messages: [e.detail], erreurs: {} };
        const valeurs = Object.fromEntries(Object.entries(b).filter(([k, v]) => typeof v === 'string' && k !== 'csrf' && k !== 'versionAttendue')) as Record<
          string,
          string
        >;
        await rendreReglages(req, res, e.status, { ...erreurs, valeurs });
      }
    }),
  );

  // ---- L'annuaire des partenaires ---------------------------------------------------------------
  r.get(
    '/annuaire',
    session,
    page((req, res) => {
      const ctx = contexte(req);
      envoyer(res, ctx, 200, 'Annuaire des partenaires', pageChoixAnnuaire(ctx), false);
    }),
  );

  /** L'organisation de l'adresse (`:id`), sinon une page 404 en français. */
  async function organisationDe(req: Request) {
    const o = await annuaireDe(deps).trouver(String(req.params.id));
    if (!o) throw new Probleme(404, 'Cette organisation n’existe pas dans l’annuaire.');
    return o;
  }

  async function rendreAnnuaire(req: Request, res: Response, idProgramme: string, status = 200, retour?: RetourAnnuaire, info?: InfoAnnuaire): Promise<void> {
    const ctx = contexte(req);
    const a = await lireAnnuaire(deps, ctx.personne, idProgramme);
    const programme = deps.catalogue.trouver(a.programmeId)!;
    const organisations = await annuaireDe(deps).lister(programme.id);
    const cles: ClesParOrganisation = {};
    if (estCoordination(ctx.personne) && programme.typeParcours === 'prevention_precontentieuse') {
      for (const o of organisations)
        cles[o.id] = (await clesApiDe(deps).lister(o.id)).map((c) => ({
          id: c.id,
          creeLe: c.creeLe.toISOString(),
          utiliseeLe: c.utiliseeLe?.toISOString() ?? null,
        }));
    }
    const fait = typeof req.query.fait === 'string' ? CONFIRMATIONS_ANNUAIRE[req.query.fait] : undefined;
    const nomOrg = typeof req.query.org === 'string' ? organisations.find((o) => o.id === req.query.org)?.nom : undefined;
    const confirmation = info ?? (fait && nomOrg ? { message: fait(nomOrg) } : undefined);
    envoyer(res, ctx, status, `Annuaire : ${programme.nom}`, pageAnnuaire(ctx, programme, organisations, retour, { info: confirmation, cles }));
  }

  r.get(
    '/programmes/:id/annuaire',
    session,
    page((req, res) => rendreAnnuaire(req, res, String(req.params.id))),
  );

  /**
   * Une action de l'annuaire : retour à la page avec sa confirmation (`fait`), ou la page avec les
   * erreurs en français (sans nom de champ technique).
   */
  async function agirAnnuaire(
    req: Request,
    res: Response,
    idProgramme: string,
    formulaire: string,
    action: () => Promise<unknown>,
    fait?: { quoi: keyof typeof CONFIRMATIONS_ANNUAIRE; org: string },
  ): Promise<void> {
    try {
      await action();
    } catch (e) {
      if (!(e instanceof Probleme) || e.status >= 500 || e.status === 403 || e.status === 404) throw e;
      const messages = e.opts.errors?.length
        ? e.opts.errors.map((x) => erreurDuChamp(LIBELLES_CHAMPS_ANNUAIRE[x.champ.replace(/^contacts\.0\./, 'contact.')] ?? 'Saisie', x.message))
        : [e.detail];
      await rendreAnnuaire(req, res, idProgramme, e.status, {
        formulaire,
        messages,
        valeurs: Object.fromEntries(Object.entries(req.body ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
      });
      return;
    }
    const suite = fait ? `?fait=${fait.quoi}&org=${encodeURIComponent(fait.org)}` : '';
    res.redirect(303, `/programmes/${encodeURIComponent(idProgramme)}/annuaire${suite}`);
  }

  r.post(
    '/organisations/:id',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const o = await organisationDe(req);
      const b = req.body as Record<string, string | undefined>;
      const quota = b.quotaFileActive?.trim();
      const corps = {
        ...(b.nom?.trim() && b.nom.trim() !== o.nom ? { nom: b.nom } : {}),
        ...(b.quotaFileActive !== undefined ? { quotaFileActive: !quota ? null : /^\d+$/.test(quota) ? Number(quota) : quota } : {}),
        actif: b.actif === 'oui',
      };
      await agirAnnuaire(req, res, o.programmeId, `modifier:${o.id}`, () => modifierOrganisation(deps, ctx.personne, o.id, corps), {
        quoi: 'modifiee',
        org: o.id,
      });
    }),
  );

  r.post(
    '/organisations/:id/cles-api',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const o = await organisationDe(req);
      // La clé n'est montrée qu'une fois : la page est rendue ici, jamais mise dans une adresse.
      const creee = await creerCleApi(deps, ctx.personne, o.id);
      res.setHeader('Cache-Control', 'no-store');
      await rendreAnnuaire(req, res, o.programmeId, 201, undefined, { message: creee.message, cle: creee.cle });
    }),
  );

  r.post(
    '/organisations/:id/cles-api/:cle/revocation',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const o = await organisationDe(req);
      await agirAnnuaire(req, res, o.programmeId, o.id, () => revoquerCleApi(deps, ctx.personne, o.id, req.params.cle), { quoi: 'cle-revoquee', org: o.id });
    }),
  );

  r.post(
    '/programmes/:id/organisations',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const b = req.body as Record<string, string | undefined>;
      let idCree = '';
      const quota = b.quotaFileActive?.trim();
      const corps = {
        type: b.type || undefined,
        nom: b.nom,
        ...(quota ? { quotaFileActive: /^\d+$/.test(quota) ? Number(quota) : quota } : {}),
        ...(b.contactNom?.trim() || b.contactCourriel?.trim()
          ? { contacts: [{ nom: b.contactNom ?? '', courriel: b.contactCourriel ?? '', ...(b.contactService?.trim() ? { service: b.contactService } : {}) }] }
          : {}),
      };
      await agirAnnuaire(
        req,
        res,
        String(req.params.id),
        'organisation',
        async () => {
          const creee = await creerOrganisation(deps, ctx.personne, req.params.id, corps);
          idCree = creee.id;
        },
        {
          quoi: 'organisation',
          get org() {
            return idCree;
          },
        },
      );
    }),
  );

  r.post(
    '/organisations/:id/contacts',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const o = await organisationDe(req);
      const b = req.body as Record<string, string | undefined>;
      const corps = { nom: b.nom, courriel: b.courriel, ...(b.service?.trim() ? { service: b.service } : {}) };
      await agirAnnuaire(req, res, o.programmeId, o.id, () => ajouterContact(deps, ctx.personne, o.id, corps), { quoi: 'contact', org: o.id });
    }),
  );

  r.post(
    '/organisations/:id/contacts/:contact/retrait',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      // Les droits d'abord (403), puis la confirmation du dernier contact, si l'organisation perd
      // quelque chose sans lui (le dernier contact d'un autre bailleur, lui, est refusé par l'annuaire).
      const o = await organisationModifiable(deps, ctx.personne, req.params.id);
      const actifs = o.contacts.filter((c) => c.actif);
      const perte = perteSansContact(deps.catalogue.trouver(o.programmeId)!, o);
      const confirme = confirmationRetraitSchema.safeParse(req.body ?? {}).data?.confirmation === 'oui';
      if (actifs.length === 1 && actifs[0]!.id === req.params.contact && perte && !confirme) {
        await rendreAnnuaire(req, res, o.programmeId, 400, {
          formulaire: `retrait:${o.id}`,
          champ: 'confirmation',
          messages: [`cochez la case pour confirmer : c’est le dernier contact ${devantUnNom('de', o.nom)}, et sans contact, ${perte}`],
          valeurs: {},
        });
        return;
      }
      await agirAnnuaire(req, res, o.programmeId, `retrait:${o.id}`, () => retirerContact(deps, ctx.personne, o.id, req.params.contact), {
        quoi: 'retrait',
        org: o.id,
      });
    }),
  );

  // ---- Les orientations reçues des partenaires ---------------------------------------------------
  async function rendreOrientations(req: Request, res: Response, idProgramme: string, status = 200, retour?: RetourOrientation): Promise<void> {
    const ctx = contexte(req);
    const orientations = await listerOrientations(deps, ctx.personne, idProgramme);
    const programme = deps.catalogue.trouver(idProgramme)!;
    const bailleurs = await annuaireDe(deps).lister(programme.id, { actives: true, type: 'bailleurs' });
    const charges = await chargesDesTravailleursSociaux(programme.id);
    // Un ménage orienté déjà suivi dans le programme (même nom, même adresse) : la carte le dit.
    const dejaSuivis = new Map(
      await Promise.all(
        orientations
          .filter((o) => o.statut === 'recue')
          .map(async (o) => [o.id, await dossiersDe(deps).ouvertsPourLeMenage(programme.id, o.menage as { nom: string; adresse: string })] as const),
      ),
    );
    envoyer(res, ctx, status, `Orientations reçues : ${programme.nom}`, pageOrientations(ctx, programme, orientations, bailleurs, retour, charges, dejaSuivis));
  }

  r.get(
    '/programmes/:id/orientations',
    session,
    page((req, res) => rendreOrientations(req, res, String(req.params.id))),
  );

  r.post(
    '/orientations/:id/decision',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const b = req.body as Record<string, string | undefined>;
      const corps =
        b.decision === 'refuser'
          ? { decision: 'refuser', motif: b.motif ?? '' }
          : {
              decision: b.decision,
              ...(b.travailleurSocial ? { travailleurSocial: b.travailleurSocial } : {}),
              ...(b.bailleur ? { bailleur: b.bailleur } : {}),
            };
      const id = String(req.params.id);
      const avant = await orientationsDe(deps)
        .trouver(id)
        .catch(() => undefined);
      if (!avant) throw new Probleme(404, 'Cette orientation n’existe pas.');
      // Restée sans réponse au-delà du délai de contact (loiret-ahu) : acceptée, elle serait close
      // aussitôt « contact impossible » et le bailleur averti ; la coordination le confirme d'abord.
      const programme = deps.catalogue.trouver(avant.programmeId);
      if (
        b.decision === 'accepter' &&
        b.confirmerDelaiEcoule !== 'oui' &&
        avant.statut === 'recue' &&
        programme?.options.delaisDepuisSignalement &&
        delaisDejaEcoules(programme, { signaleLe: jourDeParis(avant.recueLe) }, auth.maintenant()).length &&
        // Non éligible, le parcours serait clos « non éligible » avant tout délai : la carte le dit déjà.
        !motifNonEligible(programme, avant.fiche.situation, avant.recueLe)
      ) {
        await rendreOrientations(req, res, avant.programmeId, 400, {
          id,
          messages: [
            'Le délai de contact de cette orientation est passé : acceptée, elle donnerait un parcours clos aussitôt « contact impossible ». Cochez « Accepter malgré le délai passé » pour l’accepter quand même, ou refusez-la avec un motif.',
          ],
        });
        return;
      }
      try {
        const o = await deciderOrientation(deps, ctx.personne, id, corps);
        res.redirect(
          303,
          o.workflowId ? `/parcours/${encodeURIComponent(o.workflowId)}?fait=lancement` : `/programmes/${encodeURIComponent(avant.programmeId)}/orientations`,
        );
      } catch (e) {
        if (!(e instanceof Probleme) || e.status >= 500 || e.status === 403 || e.status === 404) throw e;
        const messages = e.opts.errors?.length ? e.opts.errors.map((x) => (x.champ === 'motif' ? erreurDuChamp('Motif', x.message) : x.message)) : [e.detail];
        await rendreOrientations(req, res, avant.programmeId, e.status, { id, messages });
      }
    }),
  );

  r.post(
    '/organisations/:id/lien-orientation',
    session,
    formulaire,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      const o = await organisationDe(req);
      await agirAnnuaire(req, res, o.programmeId, o.id, () => envoyerLienOrientation(deps, ctx.personne, o.id), { quoi: 'lien', org: o.id });
    }),
  );

  // ---- Listes de la commission impayés (api/routes/commissions.ts) ----------------------------------
  const envoiListe = lireEnvoiMultipart({ fichierGarde: true });
  const formulaireListe = express.urlencoded({ extended: false, limit: '3mb', parameterLimit: 10 });
  const CHAMPS_LISTE: Record<string, string> = { fichier: 'Fichier', dateSeance: 'Date de la séance', nomFichier: 'Nom du fichier' };
  const majuscule = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  /** Les erreurs d'une liste, en phrases : « Fichier : … », « Ligne 4, colonne « Composition » : … ». */
  const messagesListe = (e: Probleme) =>
    e.opts.errors?.length
      ? e.opts.errors.map((x) =>
          x.champ === 'fichier'
            ? x.message === 'champ obligatoire'
              ? 'Aucun fichier choisi : choisissez le fichier de la liste (.xlsx ou .csv).'
              : `${majuscule(x.message)}.`
            : erreurDuChamp(CHAMPS_LISTE[x.champ] ?? majuscule(x.champ), x.message),
        )
      : [e.detail];
  const corpsListe = (b: Record<string, unknown> | undefined) =>
    Object.fromEntries(['fichier', 'nomFichier', 'dateSeance'].filter((k) => typeof b?.[k] === 'string' && b[k] !== '').map((k) => [k, b![k]]));

  async function rendreEnvoiListe(
    req: Request,
    res: Response,
    status = 200,
    erreurs?: string[],
    fichierGarde?: { base64: string; nomFichier?: string },
  ): Promise<void> {
    const ctx = contexte(req);
    const programme = programmeCommission(deps, ctx.personne, req.params.id);
    const imports = await importsDe(deps).lister(programme.id);
    const dateSeance = typeof req.body?.dateSeance === 'string' ? req.body.dateSeance.slice(0, 10) : undefined;
    // Le fichier gardé porte les données des ménages : comme l'aperçu, la page n'est pas gardée en cache.
    if (fichierGarde) res.setHeader('Cache-Control', 'no-store');
    envoyer(
      res,
      ctx,
      status,
      `Liste de la commission : ${programme.nom}`,
      pageEnvoiCommission(ctx, programme, { imports, erreurs, dateSeance, ...(fichierGarde ? { fichierGarde } : {}) }),
    );
  }

  /**
   * La liste envoyée à l'aperçu : le fichier choisi ; sinon celui qu'un envoi refusé a gardé (champ
   * caché, pour ne pas le choisir de nouveau quand seule la date de la séance manquait).
   */
  function listeDeLEnvoi(req: Request): ListeRecue {
    const garde = req.body?.fichierGarde;
    if (req.file || typeof garde !== 'string' || !garde) return listeDeLaRequete(req);
    const dateSeance = typeof req.body?.dateSeance === 'string' && req.body.dateSeance.trim() ? req.body.dateSeance.trim() : undefined;
    const nomFichier = typeof req.body?.nomFichierGarde === 'string' && req.body.nomFichierGarde ? req.body.nomFichierGarde : undefined;
    const corps = analyser(listeCommissionSchema, { fichier: garde, ...(nomFichier ? { nomFichier } : {}), ...(dateSeance ? { dateSeance } : {}) });
    return { contenu: Buffer.from(corps.fichier, 'base64'), nomFichier: corps.nomFichier, dateSeance: corps.dateSeance };
  }

  r.get(
    '/programmes/:id/commission',
    session,
    page((req, res) => rendreEnvoiListe(req, res)),
  );

  r.get(
    '/programmes/:id/commission/modele.csv',
    session,
    page((req, res) => {
      programmeCommission(deps, contexte(req).personne, req.params.id);
      res
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', 'attachment; filename="modele-liste-commission.csv"')
        .send(`\ufeff${COLONNES.map((c) => c.libelle).join(';')}\r\n`);
    }),
  );

  r.get('/programmes/:id/commission/apercu', session, (req, res) => res.redirect(303, `/programmes/${encodeURIComponent(String(req.params.id))}/commission`));

  r.post(
    '/programmes/:id/commission/apercu',
    session,
    page(async (req, res) => {
      const ctx = contexte(req);
      // Les droits d'abord : le fichier n'est lu que pour la coordination du programme.
      programmeCommission(deps, ctx.personne, req.params.id);
      let recu: ListeRecue | undefined;
      try {
        await new Promise<void>((ok, ko) => envoiListe(req, res, (e?: unknown) => (e ? ko(e) : ok())));
        if (!origineAcceptee(req) || !csrfValide(req.jetonSession ?? '', req.body?.csrf)) {
          pageErreur(res, ctx, 403, 'Ce formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.');
          return;
        }
        recu = listeDeLEnvoi(req);
        const a = await apercuCommission(deps, ctx.personne, req.params.id, recu);
        res.setHeader('Cache-Control', 'no-store');
        envoyer(
          res,
          ctx,
          200,
          `Aperçu de la liste : ${a.programme.nom}`,
          pageApercuCommission(ctx, a, { fichierBase64: recu.contenu.toString('base64'), nomFichier: recu.nomFichier }),
        );
      } catch (e) {
        if (!(e instanceof Probleme) || ![400, 413].includes(e.status)) throw e;
        // Le fichier reçu reste dans la page (sauf s'il est vide) : la date de la séance ajoutée, il repart tel quel.
        const gardeRecu = typeof req.body?.fichierGarde === 'string' && req.body.fichierGarde ? Buffer.from(req.body.fichierGarde, 'base64') : undefined;
        const contenu = recu?.contenu ?? req.file?.buffer ?? gardeRecu;
        const nomFichier = recu?.nomFichier ?? req.file?.originalname ?? (typeof req.body?.nomFichierGarde === 'string' ? req.body.nomFichierGarde : undefined);
        const garde = contenu?.length ? { base64: contenu.toString('base64'), ...(nomFichier ? { nomFichier: nomFichier.slice(0, 200) } : {}) } : undefined;
        await rendreEnvoiListe(req, res, e.status, messagesListe(e), garde);
      }
    }),
  );

  r.post(
    '/programmes/:id/commission',
    session,
    formulaireListe,
    csrf,
    page(async (req, res) => {
      const ctx = contexte(req);
      try {
        const i = await importerCommission(deps, ctx.personne, req.params.id, listeDeLaRequete(Object.assign(req, { body: corpsListe(req.body) })));
        res.redirect(303, `/programmes/${encodeURIComponent(i.programmeId)}/commission/${i.id}`);
      } catch (e) {
        if (!(e instanceof Probleme) || ![400, 409].includes(e.status) || e.opts.type === TYPES_PROBLEME.indisponible) throw e;
        // Le fichier de l'aperçu reste dans la page : la correction faite (date de la séance, file active), il repart sans être choisi de nouveau.
        const { fichier, nomFichier } = corpsListe(req.body);
        const recu = listeCommissionSchema.pick({ fichier: true, nomFichier: true }).safeParse({ fichier, ...(nomFichier ? { nomFichier } : {}) });
        const garde = recu.success ? { base64: recu.data.fichier, ...(recu.data.nomFichier ? { nomFichier: recu.data.nomFichier } : {}) } : undefined;
        await rendreEnvoiListe(req, res, e.status, [e.detail, ...(e.status === 400 && e.opts.errors?.length ? messagesListe(e) : [])], garde);
      }
    }),
  );

  r.get(
    '/programmes/:id/commission/:import',
    session,
    page(async (req, res) => {
      const ctx = contexte(req);
      const i = await lireImportCommission(deps, ctx.personne, req.params.id, req.params.import);
      const programme = deps.catalogue.trouver(i.programmeId)!;
      res.setHeader('Cache-Control', 'no-store');
      envoyer(res, ctx, 200, `Import de la liste de la commission : ${programme.nom}`, pageImportCommission(ctx, programme, i));
    }),
  );

  // ---- File IML ---------------------------------------------------------------------------------
  r.get(
    '/programmes/:id/file-iml',
    session,
    page(async (req, res) => {
      const ctx = contexte(req);
      const f = await lireFileIml(deps, ctx.personne, req.params.id);
      const nom = deps.catalogue.trouver(f.programmeId)?.nom ?? f.programmeId;
      envoyer(res, ctx, 200, `File d’attente IML : ${nom}`, pageFileIml(ctx, nom, f));
    }),
  );

  // ---- Évaluations (indicateurs/, api/routes/indicateurs.ts) ----------------------------------
  const maintenant = () => (deps.maintenant ?? (() => new Date()))();
  r.get(
    '/evaluations',
    session,
    page(async (req, res) => {
      const ctx = contexte(req);
      if (!estCoordination(ctx.personne))
        throw new Probleme(403, 'Les indicateurs et les rapports d’évaluation sont réservés à la coordination du programme et à l’administration.');
      envoyer(res, ctx, 200, 'Évaluations des programmes', pageEvaluations(ctx, Number(jourDeParis(maintenant()).slice(0, 4))));
    }),
  );

  const suffixe = (req: Request, ajout: Record<string, string> = {}, retirer: string[] = []) => {
    const q = new URLSearchParams({ ...(req.query as Record<string, string>), ...ajout });
    for (const cle of retirer) q.delete(cle);
    const s = q.toString();
    return s ? `?${s}` : '';
  };
  r.get(
    '/programmes/:id/evaluation',
    session,
    page(async (req, res) => {
      const ctx = contexte(req);
      const e = await evaluer(deps, ctx.personne, req.params.id, req.query);
      const rapport = rapportDe(e, maintenant());
      const base = `/programmes/${e.programme.id}/evaluation`;
      const partenaires = e.q.pour === 'partenaires';
      // Le rapport de chaque bailleur : ses ménages seulement (à lui envoyer dans sa version « partenaires »).
      const bailleurs = await annuaireDe(deps).lister(e.programme.id, { type: 'bailleurs' });
      const parBailleur =
        bailleurs.length > 1 || e.bailleur
          ? html`<nav aria-label="Rapport par bailleur"><p>Le même rapport pour les ménages d’un bailleur : ${bailleurs.map(
              (b, i) =>
                html`${i ? ' · ' : ''}${b.id === e.bailleur?.id ? html`<strong>${b.nom}</strong>` : html`<a href="${base}${suffixe(req, { bailleur: b.id })}">${b.nom}</a>`}`,
            )}${e.bailleur ? html` · <a href="${base}${suffixe(req, {}, ['bailleur'])}">tous les bailleurs</a>` : ''}.</p></nav>`
          : '';
      envoyer(
        res,
        ctx,
        200,
        rapport.titre,
        html`<p><a href="/evaluations">← Évaluations des programmes</a></p>${parBailleur}${rapportHtml(rapport, {
          pdf: `${base}.pdf${suffixe(req)}`,
          // Les mêmes chiffres pour un tableur en français ; la version des partenaires, sans référence de dossier.
          csv: `/api/programmes/${e.programme.id}/indicateurs.csv${suffixe(req, { format: 'tableur' })}`,
          partenaires: partenaires ? undefined : `${base}${suffixe(req, { pour: 'partenaires' })}`,
        })}`,
      );
    }),
  );
  r.get(
    '/programmes/:id/evaluation.pdf',
    session,
    page(async (req, res) => {
      const e = await evaluer(deps, contexte(req).personne, req.params.id, req.query);
      const { pdf, nomFichier } = await pdfEvaluation(e, maintenant());
      res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${nomFichier}"`).send(pdf);
    }),
  );

  return r;
}

/**
 * Route inconnue demandée par un navigateur (Accept: text/html, hors /api et /codec) : une page
 * « introuvable » en français plutôt que du JSON. À monter juste avant le 404 de l'API.
 */
export function pageIntrouvable(deps: DependancesApi, auth: OptionsAuth) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.method !== 'GET' || /^\/(api|codec)(\/|$)/.test(req.path) || req.accepts(['json', 'html']) !== 'html') return next();
    const s = await lireSession(auth, req);
    const ctx = s && s !== 'expiree' ? { deps, personne: s.personne, csrf: jetonCsrf(s.jeton), chemin: req.path } : undefined;
    pageErreur(res, ctx, 404, 'Cette page n’existe pas. Vérifiez l’adresse, ou repartez de la liste des parcours.');
  };
}

/** Les erreurs par champ d'un problème de l'API (ou son détail, sans champ). */
function erreursDe(p: Probleme): ErreurChamp[] {
  return p.opts.errors?.length ? p.opts.errors : [{ champ: '', message: p.detail }];
}
