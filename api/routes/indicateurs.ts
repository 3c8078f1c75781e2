/**
 * Les indicateurs d'un programme et ses rapports d'évaluation (indicateurs/), pour la coordination
 * du programme et l'administration. Les travailleurs sociaux n'y ont pas accès (403).
 *
 * GET /api/programmes/:id/indicateurs?du=AAAA-MM-JJ&au=AAAA-MM-JJ   → JSON (comptes + références)
 * GET /api/programmes/:id/indicateurs.csv?du=&au=                     → CSV (colonnes : indicateurs/rapport.ts)
 * GET /programmes/:id/evaluation?periode=6-mois|12-mois|annuel-iml    → page HTML (graphiques)
 * GET /programmes/:id/evaluation.pdf?periode=…                        → le même rapport en PDF
 *
 * `du`/`au` remplacent `periode` ; `annee=AAAA` choisit l'année du rapport annuel ; sans rien : les
 * 12 derniers mois. `pour=partenaires` : la version agrégée, sans aucune référence de dossier.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Programme } from '../../domain/vocabulaire';
import { calculerIndicateurs, sansReferences, type Indicateurs } from '../../indicateurs/calcul';
import { RegistreIndicateurs } from '../../indicateurs/registre';
import { construireRapport, indicateursCsv, rapportHtml, rapportPdf, TYPES_RAPPORT, type TypeRapport } from '../../indicateurs/rapport';
import { personneDe } from '../auth';
import type { DependancesApi } from '../dependances';
import { envoyerPage } from '../html';
import { analyser, interdit, introuvable } from '../problemes';

const jour = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'date inexistante');

export const requeteIndicateursSchema = z
  .strictObject({
    du: jour.optional(),
    au: jour.optional(),
    periode: z.enum(TYPES_RAPPORT, { error: `période attendue : ${TYPES_RAPPORT.join(', ')}` }).optional(),
    annee: z.string().regex(/^\d{4}$/, 'année attendue (AAAA)').optional(),
    pour: z.enum(['partenaires'], { error: 'seule valeur possible : « partenaires »' }).optional(),
  })
  .refine((q) => (q.du === undefined) === (q.au === undefined), { message: 'donnez « du » et « au » ensemble', path: ['du'] })
  .refine((q) => !q.du || !q.au || q.du <= q.au, { message: 'la date de début doit précéder la date de fin', path: ['au'] })
  .refine((q) => !q.du || !q.au || Date.parse(q.au) - Date.parse(q.du) <= 11 * 366 * 86_400_000, { message: 'période de 10 ans au plus', path: ['au'] });
type RequeteIndicateurs = z.output<typeof requeteIndicateursSchema>;

const iso = (d: Date) => d.toISOString().slice(0, 10);
function moinsMois(d: Date, mois: number): Date {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() - mois);
  r.setUTCDate(r.getUTCDate() + 1);
  return r;
}

/** La période demandée : du/au, ou 6 / 12 derniers mois, ou l'année civile du rapport annuel. */
export function periodeDe(q: RequeteIndicateurs, maintenant: Date): { du: string; au: string; type?: TypeRapport } {
  if (q.du && q.au) return { du: q.du, au: q.au, type: q.periode };
  if (q.periode === 'annuel-iml') {
    const annee = q.annee ?? String(maintenant.getUTCFullYear());
    const fin = `${annee}-12-31`;
    return { du: `${annee}-01-01`, au: fin < iso(maintenant) ? fin : iso(maintenant), type: 'annuel-iml' };
  }
  const mois = q.periode === '6-mois' ? 6 : 12;
  return { du: iso(moinsMois(maintenant, mois)), au: iso(maintenant), type: q.periode };
}

export function routesIndicateurs(deps: DependancesApi & { registreIndicateurs?: RegistreIndicateurs }, session: RequestHandler): Router {
  const r = Router();
  const registre = deps.registreIndicateurs ?? new RegistreIndicateurs();
  const maintenant = deps.maintenant ?? (() => new Date());

  /** Le programme demandé, si la personne connectée peut en lire les indicateurs (403, 404 sinon). */
  function programmeAutorise(req: Request): Programme {
    const personne = personneDe(req);
    if (personne.role === 'travailleur_social') throw interdit('Les indicateurs et les rapports d’évaluation sont réservés à la coordination du programme et à l’administration.');
    const id = String(req.params.id ?? '');
    const programme = /^[a-z0-9-]{2,60}$/.test(id) ? deps.catalogue.trouver(id) : undefined;
    if (!programme) throw introuvable(`Aucun programme « ${id} ».`);
    if (personne.role !== 'admin' && !personne.programmes.includes(programme.id)) throw interdit('Vous ne coordonnez pas ce programme : ses indicateurs ne vous sont pas accessibles.');
    return programme;
  }

  async function calculer(req: Request): Promise<{ programme: Programme; indicateurs: Indicateurs; q: RequeteIndicateurs; type?: TypeRapport }> {
    const programme = programmeAutorise(req);
    const q = analyser(requeteIndicateursSchema, { ...req.query }, 'requête');
    const periode = periodeDe(q, maintenant());
    const { fiches } = await registre.fichesDuProgramme(programme.id);
    const indicateurs = calculerIndicateurs(fiches, programme.id, { du: periode.du, au: periode.au }, programme.typeParcours);
    return { programme, indicateurs, q, type: periode.type };
  }

  const suffixe = (req: Request, ajout: Record<string, string> = {}) => {
    const p = new URLSearchParams({ ...(req.query as Record<string, string>), ...ajout });
    const s = p.toString();
    return s ? `?${s}` : '';
  };

  r.get('/api/programmes/:id/indicateurs', async (req, res) => {
    const { indicateurs, q } = await calculer(req);
    res.json(q.pour === 'partenaires' ? sansReferences(indicateurs) : indicateurs);
  });

  r.get('/api/programmes/:id/indicateurs.csv', async (req, res) => {
    const { programme, indicateurs, q } = await calculer(req);
    const contenu = indicateursCsv(q.pour === 'partenaires' ? sansReferences(indicateurs) : indicateurs, [programme.typeParcours]);
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="indicateurs-${programme.id}-${indicateurs.periode.du}-${indicateurs.periode.au}.csv"`)
      .send(contenu);
  });

  r.get('/programmes/:id/evaluation', session, async (req, res) => {
    const { programme, indicateurs, q, type } = await calculer(req);
    const rapport = construireRapport(indicateurs, programme, { type, pourPartenaires: q.pour === 'partenaires', genereLe: maintenant() });
    const base = `/programmes/${programme.id}/evaluation`;
    envoyerPage(res, 200, {
      titre: rapport.titre,
      large: true,
      contenu: rapportHtml(rapport, {
        pdf: `${base}.pdf${suffixe(req)}`,
        csv: q.pour === 'partenaires' ? undefined : `/api/programmes/${programme.id}/indicateurs.csv${suffixe(req)}`,
        partenaires: q.pour === 'partenaires' ? undefined : `${base}${suffixe(req, { pour: 'partenaires' })}`,
      }),
    });
  });

  r.get('/programmes/:id/evaluation.pdf', session, async (req, res) => {
    const { programme, indicateurs, q, type } = await calculer(req);
    const rapport = construireRapport(indicateurs, programme, { type, pourPartenaires: q.pour === 'partenaires', genereLe: maintenant() });
    const pdf = await rapportPdf(rapport);
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `inline; filename="evaluation-${programme.id}-${indicateurs.periode.du}-${indicateurs.periode.au}${q.pour === 'partenaires' ? '-partenaires' : ''}.pdf"`)
      .send(pdf);
  });

  return r;
}
