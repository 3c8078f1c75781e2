/**
 * Les indicateurs d'un programme et ses rapports d'évaluation (indicateurs/), pour la coordination
 * du programme et l'administration. Les travailleurs sociaux n'y ont pas accès (403).
 *
 * GET /api/programmes/:id/indicateurs?du=AAAA-MM-JJ&au=AAAA-MM-JJ   → JSON (comptes + références)
 * GET /api/programmes/:id/indicateurs.csv?du=&au=                     → CSV (colonnes : indicateurs/rapport.ts ;
 *                                                                        `format=tableur` : pour un tableur en français)
 * GET /programmes/:id/evaluation?periode=6-mois|12-mois|annuel-iml    → page HTML (graphiques), dans web/
 * GET /programmes/:id/evaluation.pdf?periode=…                        → le même rapport en PDF, dans web/
 *
 * `periode=6-mois|12-mois` : les 6 ou 12 premiers mois du programme, depuis son début (`debut` du
 * programme, sinon le premier parcours enregistré ; jusqu'à aujourd'hui si le terme n'est pas
 * atteint). `du`/`au` remplacent `periode` ; `annee=AAAA` choisit l'année du rapport annuel ; sans
 * rien : les 12 derniers mois. `pour=partenaires` : la version agrégée, sans aucune référence de dossier.
 * `bailleur=<organisation>` : seulement les ménages de ce bailleur (le rapport qu'on lui envoie).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Programme } from '../../domain/vocabulaire';
import { calculerIndicateurs, sansReferences, type Indicateurs } from '../../indicateurs/calcul';
import { RegistreIndicateurs } from '../../indicateurs/registre';
import {
  construireRapport,
  indicateursCsv,
  indicateursTableur,
  notesPeriode,
  rapportPdf,
  TYPES_RAPPORT,
  type DepuisLeDebut,
  type TypeRapport,
} from '../../indicateurs/rapport';
import type { Personne } from '../../personnel/annuaire';
import { personneDe } from '../auth';
import type { DependancesApi } from '../dependances';
import { analyser, interdit, introuvable, invalide } from '../problemes';
import { estBailleur } from '../../personnel/organisations';
import { annuaireDe } from './parcours';
import { ajouterDuree, estJourIso, jourDeParis, minuitDeParis, retirerDuree } from '../../domain/durees';

const jour = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'date attendue au format AAAA-MM-JJ', abort: true })
  .refine(estJourIso, { error: 'date inexistante', abort: true });

/** L'identifiant du programme dans le chemin (un identifiant d'une autre forme : 404). */
export const idProgrammeEvaluationSchema = z.string().regex(/^[a-z0-9-]{2,60}$/, 'identifiant de programme invalide');

export const requeteIndicateursSchema = z
  .strictObject({
    du: jour.optional().meta({ description: 'Début de la période (inclus), à donner avec « au » (400 sinon)', format: 'date', example: '2026-01-01' }),
    au: jour
      .optional()
      .meta({ description: 'Fin de la période (incluse), à donner avec « du », et pas avant lui (400 sinon)', format: 'date', example: '2026-06-30' }),
    periode: z
      .enum(TYPES_RAPPORT, { error: `période attendue : ${TYPES_RAPPORT.join(', ')}` })
      .optional()
      .meta({
        description:
          '6-mois ou 12-mois : les 6 ou 12 premiers mois du programme, depuis son début (réglage « debut » du programme, sinon son premier parcours ; arrêtés à aujourd’hui si le terme n’est pas atteint) ; annuel-iml (avec annee=AAAA) ; sans periode : les 12 derniers mois ; remplacé par du/au',
      }),
    annee: z
      .string()
      .regex(/^\d{4}$/, 'année attendue (AAAA)')
      .optional()
      .meta({ description: 'Année du rapport annuel IML (pas une année future : 400)' }),
    pour: z
      .enum(['partenaires'], { error: 'seule valeur possible : « partenaires »' })
      .optional()
      .meta({ description: 'partenaires : agrégats seulement, aucune référence de dossier' }),
    format: z.enum(['tableur'], { error: 'seule valeur possible : « tableur »' }).optional().meta({
      description:
        'CSV seulement. tableur : pour un tableur en français (en-têtes Programme;Du;Au;Thème;Indicateur;Valeur;Unité;Dossiers, nom du programme, dates JJ/MM/AAAA, virgule décimale, parts en pourcentage, sans code d’indicateur)',
    }),
    bailleur: z
      .string()
      .regex(/^[a-z0-9-]{3,60}--[a-z0-9_-]{2,60}$/, 'bailleur de l’annuaire du programme attendu')
      .optional()
      .meta({
        description: 'Seulement les ménages de ce bailleur (une organisation de l’annuaire du programme) : le rapport qu’on lui envoie',
        example: 'reims-april--bailleur-plurial-novilia',
      }),
  })
  .refine((q) => (q.du === undefined) === (q.au === undefined), { error: 'donnez « du » et « au » ensemble', path: ['du'] })
  .refine((q) => !q.du || !q.au || q.du <= q.au, { error: 'la date de début doit précéder la date de fin', path: ['au'] })
  .refine((q) => !q.du || !q.au || Date.parse(q.au) - Date.parse(q.du) <= 11 * 366 * 86_400_000, { error: 'période de 10 ans au plus', path: ['au'] });
export type RequeteIndicateurs = z.output<typeof requeteIndicateursSchema>;

const iso = (d: Date) => d.toISOString().slice(0, 10);
/**
 * Le lendemain du même quantième `mois` mois plus tôt (le premier jour des `mois` derniers mois) ;
 * quand ce quantième n'existe pas, le lendemain du dernier jour de ce mois-là : 6 mois avant le
 * 31 décembre, c'est le 30 juin, la période commence le 1er juillet (pas le 2).
 */
function moinsMois(jour: string, mois: number): string {
  return jourDeParis(ajouterDuree(retirerDuree(minuitDeParis(jour), `P${mois}M`), 'P1D'));
}

/**
 * Le dernier jour des `mois` premiers mois qui commencent le jour AAAA-MM-JJ : la veille du même
 * quantième `mois` mois plus tard (5 janvier + 6 mois → 4 juillet) ; quand ce quantième n'existe pas,
 * le dernier jour du mois (31 août + 6 mois → 28 février).
 */
function termeApres(jour: string, mois: number): string {
  const d = new Date(`${jour}T00:00:00.000Z`);
  const premierDuMois = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + mois, 1);
  const dernierDuMois = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + mois + 1, 0)).getUTCDate();
  const lendemain =
    d.getUTCDate() <= dernierDuMois ? premierDuMois + (d.getUTCDate() - 1) * 86_400_000 : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + mois + 1, 1);
  return iso(new Date(lendemain - 86_400_000));
}

/** Le début d'un programme : son réglage `debut`, sinon le jour de son premier parcours. */
export interface DebutProgramme {
  le: string;
  source: DepuisLeDebut['source'];
}

export interface PeriodeEvaluation {
  du: string;
  au: string;
  type?: TypeRapport;
  /** Évaluation à 6 ou 12 mois depuis le début du programme. */
  depuisLeDebut?: DepuisLeDebut;
  /** Évaluation à 6 ou 12 mois sans début connu : les derniers mois. */
  sansDebut?: { mois: 6 | 12 };
}

/**
 * La période demandée : du/au ; l'évaluation à 6 ou 12 mois depuis le début du programme (du jour
 * de début à la veille des 6 ou 12 mois, arrêtée à aujourd'hui si ce terme n'est pas atteint ; les
 * derniers mois si aucun début n'est connu) ; l'année civile du rapport annuel ; sans rien, les 12
 * derniers mois.
 */
export function periodeDe(q: RequeteIndicateurs, maintenant: Date, debut?: DebutProgramme): PeriodeEvaluation {
  if (q.du && q.au) return { du: q.du, au: q.au, type: q.periode };
  // Le jour, à Paris : le 5 décembre à 0 h 30 est le 5 décembre (le 4 en UTC).
  const aujourdhui = jourDeParis(maintenant);
  const anneeEnCours = Number(aujourdhui.slice(0, 4));
  if (q.periode === 'annuel-iml') {
    const annee = q.annee ?? String(anneeEnCours);
    if (Number(annee) > anneeEnCours) {
      throw invalide('annee', `l’année ${annee} n’a pas encore commencé : choisissez ${anneeEnCours} ou une année passée`);
    }
    const fin = `${annee}-12-31`;
    return { du: `${annee}-01-01`, au: fin < aujourdhui ? fin : aujourdhui, type: 'annuel-iml' };
  }
  const mois = q.periode === '6-mois' ? 6 : 12;
  if (q.periode && debut) {
    const terme = termeApres(debut.le, mois);
    const aVenir = debut.le > aujourdhui;
    const enCours = !aVenir && terme > aujourdhui;
    return {
      du: debut.le,
      au: enCours ? aujourdhui : terme,
      type: q.periode,
      depuisLeDebut: { mois, debut: debut.le, source: debut.source, terme, enCours, aVenir },
    };
  }
  return { du: moinsMois(aujourdhui, mois), au: aujourdhui, type: q.periode, ...(q.periode ? { sansDebut: { mois } } : {}) };
}

/** Le registre des fiches, dans le système d'enregistrement. */
export function registreIndicateursDe(deps: DependancesApi): RegistreIndicateurs {
  return new RegistreIndicateurs(deps.base);
}

/** Le programme demandé, si la personne peut en lire les indicateurs (403, 404 en français sinon). */
export function programmeAutorise(deps: DependancesApi, personne: Personne, idBrut: unknown): Programme {
  if (personne.role === 'travailleur_social')
    throw interdit('Les indicateurs et les rapports d’évaluation sont réservés à la coordination du programme et à l’administration.');
  const id = String(idBrut ?? '');
  const programme = idProgrammeEvaluationSchema.safeParse(id).success ? deps.catalogue.trouver(id) : undefined;
  if (!programme) throw introuvable(`Aucun programme « ${id} ».`);
  if (personne.role !== 'admin' && !personne.programmes.includes(programme.id))
    throw interdit('Vous ne coordonnez pas ce programme : ses indicateurs ne vous sont pas accessibles.');
  return programme;
}

export interface Evaluation {
  programme: Programme;
  indicateurs: Indicateurs;
  q: RequeteIndicateurs;
  type?: TypeRapport;
  /** Le bailleur dont les ménages seuls sont comptés. */
  bailleur?: { id: string; nom: string };
  /** Ce que le rapport dit de sa période (début du programme, évaluation en cours…). */
  notesPeriode: string[];
}

/** Les indicateurs d'un programme pour la requête (période, version des partenaires), après contrôle d'accès. */
export async function evaluer(deps: DependancesApi, personne: Personne, idBrut: unknown, requete: unknown): Promise<Evaluation> {
  const programme = programmeAutorise(deps, personne, idBrut);
  const q = analyser(requeteIndicateursSchema, { ...(requete as object) }, 'requête');
  const registre = registreIndicateursDe(deps);
  // Les évaluations à 6 et 12 mois partent du début du programme : son réglage, sinon son premier parcours.
  let debut: DebutProgramme | undefined;
  if (!(q.du && q.au) && (q.periode === '6-mois' || q.periode === '12-mois')) {
    if (programme.debut) debut = { le: programme.debut, source: 'programme' };
    else {
      const premier = await registre.premierReperage(programme.id);
      if (premier) debut = { le: premier, source: 'premier_parcours' };
    }
  }
  const periode = periodeDe(q, (deps.maintenant ?? (() => new Date()))(), debut);
  let bailleur: Evaluation['bailleur'];
  if (q.bailleur) {
    const o = await annuaireDe(deps).trouver(q.bailleur);
    if (!o || o.programmeId !== programme.id || !estBailleur(o.type))
      throw invalide('bailleur', `« ${q.bailleur} » n’est pas un bailleur de l’annuaire de ${programme.nom}`);
    bailleur = { id: o.id, nom: o.nom };
  }
  const { fiches } = await registre.fichesDuProgramme(programme.id, { du: periode.du, au: periode.au }, { bailleur: bailleur?.id });
  const indicateurs = calculerIndicateurs(fiches, programme.id, { du: periode.du, au: periode.au }, programme.typeParcours, { quotas: programme.quotas });
  return { programme, indicateurs, q, type: periode.type, notesPeriode: notesPeriode(periode), ...(bailleur ? { bailleur } : {}) };
}

/** Le rapport d'évaluation (page ou PDF) d'une évaluation. */
export function rapportDe(e: Evaluation, maintenant: Date) {
  return construireRapport(e.indicateurs, e.programme, {
    type: e.type,
    pourPartenaires: e.q.pour === 'partenaires',
    genereLe: maintenant,
    notesPeriode: e.notesPeriode,
    ...(e.bailleur ? { bailleur: e.bailleur.nom } : {}),
  });
}

/** Le PDF du rapport d'évaluation (nom de fichier compris). */
export async function pdfEvaluation(e: Evaluation, maintenant: Date): Promise<{ pdf: Buffer; nomFichier: string }> {
  const pdf = await rapportPdf(rapportDe(e, maintenant));
  const suffixe = `${e.bailleur ? `-${e.bailleur.id.split('--')[1]}` : ''}${e.q.pour === 'partenaires' ? '-partenaires' : ''}`;
  return { pdf, nomFichier: `evaluation-${e.programme.id}-${e.indicateurs.periode.du}-${e.indicateurs.periode.au}${suffixe}.pdf` };
}

/** Les routes JSON et CSV (sous /api, session exigée) ; la page et le PDF sont dans l'interface (web/). */
export function routesIndicateurs(deps: DependancesApi): Router {
  const r = Router();
  const calculer = (req: Request) => evaluer(deps, personneDe(req), req.params.id, req.query);

  r.get('/api/programmes/:id/indicateurs', async (req, res) => {
    const { indicateurs, q } = await calculer(req);
    res.json(q.pour === 'partenaires' ? sansReferences(indicateurs) : indicateurs);
  });

  r.get('/api/programmes/:id/indicateurs.csv', async (req, res) => {
    const { programme, indicateurs, q } = await calculer(req);
    const ind = q.pour === 'partenaires' ? sansReferences(indicateurs) : indicateurs;
    const contenu = q.format === 'tableur' ? indicateursTableur(ind, [programme.typeParcours], programme.nom) : indicateursCsv(ind, [programme.typeParcours]);
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="indicateurs-${programme.id}-${indicateurs.periode.du}-${indicateurs.periode.au}.csv"`)
      .send(contenu);
  });

  return r;
}
