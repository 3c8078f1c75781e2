/**
 * « Simuler l'année d'un programme » (administration seulement).
 *
 * GET  /simulations       le formulaire et les simulations précédentes
 * POST /simulations       enregistre la demande (une seule à la fois), lance son processus, mène à sa page
 * GET  /simulations/:id   l'avancement (la page se recharge toute seule), puis le bilan
 *
 * La simulation tourne dans un processus à part (simulations/lanceur.ts) sur son propre moteur ;
 * la demande, l'avancement et le bilan sont dans PostgreSQL (simulations/registre.ts).
 */
import { enveloppePages } from './gestion-pages';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { OptionsAuth } from '../api/auth';
import type { DependancesApi } from '../api/dependances';
import type { Programme } from '../domain/vocabulaire';
import { travailleursParDefaut } from '../simulations/modele/hypotheses';
import { RegistreSimulations, SimulationDejaEnCours, type ProgrammeDemande } from '../simulations/registre';
import { envoyer, nomDe, pageErreur, type Contexte } from './pages/commun';
import { MENAGES_MAX, pageSimulation, pageSimulations, type RetourFormulaire } from './pages/simulations';
import { dateHeureFr } from './libelles';
import { csrfValide, exigerSessionWeb, origineAcceptee } from './session';
import { html } from '../rendu/html';

type Corps = Record<string, string | string[] | undefined>;

const TITRE = 'Simuler l’année d’un programme';

/** Un nombre entier saisi (espaces tolérés, « 1 200 ») ; vide : absent. */
const saisie = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.replace(/[\s\u00a0\u202f]/g, '') : undefined);
const entier = (min: number, max: number) =>
  z
    .string({ error: 'champ obligatoire' })
    .regex(/^\d{1,10}$/, 'nombre entier attendu (par exemple 42)')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${min.toLocaleString('fr-FR')} au moins`)
        .max(max, `${max.toLocaleString('fr-FR')} au plus`),
    );

const demandeSchema = z.object({
  programmes: z.array(z.string()).min(1, 'choisissez au moins un programme'),
  graine: z.preprocess(saisie, entier(0, 2 ** 31 - 1)),
  travailleurs: z.preprocess(saisie, entier(1, 100).optional()),
  enRetard: z.preprocess(saisie, entier(0, 100)),
});
const menagesSchema = z.preprocess(saisie, entier(1, MENAGES_MAX));

export interface DemandeLue {
  programmes: ProgrammeDemande[];
  graine: number;
  options: { travailleurs?: number; enRetard: number };
}

/** La saisie du formulaire, validée : la demande, ou les erreurs par champ (en français). */
export function lireDemande(corps: Corps, catalogue: Programme[]): { demande: DemandeLue } | { erreurs: Record<string, string> } {
  const erreurs: Record<string, string> = {};
  const liste = (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : []);
  const lu = demandeSchema.safeParse({ programmes: liste(corps.programmes), graine: corps.graine, travailleurs: corps.travailleurs, enRetard: corps.enRetard });
  if (!lu.success) for (const i of lu.error.issues) erreurs[String(i.path[0] ?? 'programmes')] ??= i.message;
  const programmes: ProgrammeDemande[] = [];
  for (const id of liste(corps.programmes)) {
    const p = catalogue.find((x) => x.id === id);
    if (!p) {
      erreurs.programmes ??= 'programme inconnu : choisissez dans la liste';
      continue;
    }
    const n = menagesSchema.safeParse(corps[`menages-${id}`]);
    if (!n.success) erreurs[`menages-${id}`] = n.error.issues[0]!.message;
    else programmes.push({ id: p.id, nom: p.nom, typeParcours: p.typeParcours, version: p.version, menages: n.data, definition: p });
  }
  if (lu.success) {
    const equipe = (p: Programme) => lu.data.travailleurs ?? travailleursParDefaut(p);
    const trop = catalogue.filter((p) => programmes.some((x) => x.id === p.id) && lu.data.enRetard > equipe(p));
    if (trop.length)
      erreurs.enRetard ??= `pas plus que l’équipe du programme (${trop
        .map((p) => `${p.nom} : ${equipe(p)} travailleur${equipe(p) > 1 ? 's sociaux' : ' social'}`)
        .join(' ; ')})`;
  }
  if (Object.keys(erreurs).length || !lu.success) return { erreurs };
  const { graine, travailleurs, enRetard } = lu.data;
  return { demande: { programmes, graine, options: { ...(travailleurs !== undefined ? { travailleurs } : {}), enRetard } } };
}

export function routesWebSimulations(deps: DependancesApi, auth: OptionsAuth): Router {
  const r = Router();
  const formulaire = express.urlencoded({ extended: false, limit: '20kb', parameterLimit: 100 });
  const session = exigerSessionWeb(auth);
  const registre = new RegistreSimulations(deps.base);
  const contexte = (req: Request): Contexte => ({ deps, personne: req.personne!, csrf: req.csrf!, chemin: '/simulations' });

  const page = enveloppePages(deps, contexte);

  const administration = (req: Request, res: Response, next: NextFunction): void => {
    if (req.personne?.role !== 'admin') return pageErreur(res, contexte(req), 403, 'La simulation de l’année d’un programme est réservée à l’administration.');
    next();
  };

  const csrf = (req: Request, res: Response, next: NextFunction): void => {
    if (!origineAcceptee(req) || !csrfValide(req.jetonSession ?? '', req.body?.csrf)) {
      pageErreur(res, contexte(req), 403, 'Ce formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez.');
      return;
    }
    next();
  };

  const indisponible = () =>
    deps.simulations ? deps.simulations.indisponible() : 'Ce serveur n’a pas de quoi lancer une simulation (l’API a démarré sans le lanceur des simulations).';

  async function rendreListe(req: Request, res: Response, status = 200, retour?: RetourFormulaire): Promise<void> {
    const ctx = contexte(req);
    const simulations = await registre.lister();
    const raison = indisponible();
    envoyer(
      res,
      ctx,
      status,
      TITRE,
      pageSimulations(ctx, { programmes: deps.catalogue.tous(), simulations, ...(raison ? { indisponible: raison } : {}), ...(retour ? { retour } : {}) }),
    );
  }

  r.get(
    '/simulations',
    session,
    administration,
    page((req, res) => rendreListe(req, res)),
  );

  r.post(
    '/simulations',
    session,
    administration,
    formulaire,
    csrf,
    page(async (req, res) => {
      const corps = req.body as Corps;
      const raison = indisponible();
      if (raison || !deps.simulations) return rendreListe(req, res, 503);
      const lu = lireDemande(corps, deps.catalogue.tous());
      if ('erreurs' in lu) return rendreListe(req, res, 400, { valeurs: corps, erreurs: lu.erreurs });
      let id: string;
      try {
        id = await registre.demander({ ...lu.demande, par: req.personne!.id });
      } catch (e) {
        if (!(e instanceof SimulationDejaEnCours)) throw e;
        const a = e.active;
        return rendreListe(req, res, 409, {
          valeurs: corps,
          erreurs: {},
          refus: html`Une simulation est déjà en cours (demandée par ${nomDe(deps, a.demandeePar)} le ${dateHeureFr(a.demandeeLe.toISOString())}) : une seule à la fois. <a href="/simulations/${a.id}">Suivre son avancement</a>, puis relancez celle-ci quand elle sera finie.`,
        });
      }
      deps.journal.info({ simulation: id, compte: req.personne!.id }, 'simulation demandée');
      deps.simulations.lancer(id);
      res.redirect(303, `/simulations/${id}`);
    }),
  );

  r.get(
    '/simulations/:id',
    session,
    administration,
    page(async (req, res) => {
      const ctx = contexte(req);
      const id = String(req.params.id);
      const s = /^[0-9a-f-]{36}$/.test(id) ? await registre.lire(id) : undefined;
      if (!s) return pageErreur(res, ctx, 404, 'Cette simulation n’existe pas. La liste des simulations est sur la page « Simuler l’année d’un programme ».');
      const enCours = s.statut === 'en_attente' || s.statut === 'en_cours';
      // L'actualisation automatique, seulement si la personne la demande (« Suivre l'avancement »).
      const suivre = enCours && req.query.suivre === 'oui';
      envoyer(res, ctx, 200, `Simulation du ${dateHeureFr(s.demandeeLe.toISOString())}`, pageSimulation(ctx, s, suivre), true, suivre ? 5 : undefined);
    }),
  );

  return r;
}
