/**
 * L'année d'un programme comme une fonction : les options entrent (programmes et ménages, graine,
 * équipe, horizon), l'avancement sort au fil de l'eau, le bilan à la fin. La commande
 * (scripts/simuler-annee.ts) et la page d'administration (scripts/executer-simulation.ts, lancé par
 * l'API dans un processus à part) l'appellent toutes deux : même moteur, même bilan.
 */
import type { Programme } from '../../domain/vocabulaire';
import { LIBELLES_TYPE_PARCOURS } from '../../domain/vocabulaire';
import { ajouterDuree, minuitDeParis } from '../../domain/durees';
import {
  coutsParDefaut,
  hypothesesDuProgramme,
  travailleursParDefaut,
  valeurs,
  type Couts,
  type HypothesesSourcees,
  type SurchargeHypotheses,
} from '../../simulations/modele/hypotheses';
import { avecMoteur, personnelSimule } from './moteur';
import { piloter } from './pilote';
import type { ResultatMenage } from '../../simulations/modele/resultat';
import { equipe, JOUR, lundiSuivant, planifierAnnee, type PlanAnnee, type ProgrammeSimule } from '../../simulations/modele/plan';
import { calculerBilan, type Bilan, type RapportSimulation } from '../../simulations/modele/rapport';

export { travailleursParDefaut } from '../../simulations/modele/hypotheses';

/** Une option impossible (programme sans nombre de ménages, plus de retardataires que de travailleurs…). */
export class ErreurUsage extends Error {}

export interface OptionsAnnee {
  /** Les programmes ; `nombre` fixe les ménages du programme. */
  programmes: Array<{ programme: Programme; nombre?: number }>;
  /** Les ménages de l'année, répartis entre les programmes sans `nombre` (sinon : leurs situations par an). */
  menages?: number;
  graine: number;
  /** Travailleurs sociaux par programme (par défaut : l'ETP du programme arrondi au-dessus, 1 au moins). */
  travailleurs?: number;
  /** Combien d'entre eux sont parfois en retard. */
  enRetard: number;
  /** Premier jour de l'année simulée (AAAA-MM-JJ) ; par défaut le lundi qui suit demain. */
  debut?: string;
  horizonMois: number;
  concurrence: number;
  fenetreJours: number;
  surcharge?: SurchargeHypotheses;
  couts?: Partial<Couts>;
}

export type ProgrammePrepare = ProgrammeSimule & { sources: HypothesesSourcees };

export interface AnneePreparee {
  programmes: ProgrammePrepare[];
  /** Début de l'année simulée et horizon (ms). */
  debut: number;
  horizon: number;
  total: number;
  couts: Couts;
  concurrence: number;
  fenetreJours: number;
  plan: PlanAnnee;
}

/** Les ménages de chaque programme, son équipe et ses chiffres, puis le plan de l'année (tiré avec la graine). */
export function preparerAnnee(o: OptionsAnnee): AnneePreparee {
  // Les ménages de chaque programme : « id:n », sinon la part de --menages, sinon ses situations par an.
  const sansNombre = o.programmes.filter((p) => p.nombre === undefined);
  const programmes: ProgrammePrepare[] = o.programmes.map(({ programme, nombre }) => {
    let n = nombre;
    if (n === undefined && o.menages !== undefined) {
      const rang = sansNombre.findIndex((p) => p.programme.id === programme.id);
      n = Math.floor(o.menages / sansNombre.length) + (rang < o.menages % sansNombre.length ? 1 : 0);
    }
    n ??= programme.quotas.situationsParAn;
    if (!n) throw new ErreurUsage(`option --menages requise : le programme ${programme.id} ne dit pas combien de situations il reçoit par an`);
    const travailleurs = o.travailleurs ?? travailleursParDefaut(programme);
    if (o.enRetard > travailleurs)
      throw new ErreurUsage(`option --en-retard : ${o.enRetard} travailleurs en retard pour une équipe de ${travailleurs} (${programme.id})`);
    const h = hypothesesDuProgramme(programme, o.surcharge ?? {});
    return { programme, nombre: n, travailleurs: equipe(programme.id, travailleurs), enRetard: o.enRetard, hypotheses: valeurs(h), sources: h };
  });
  const debut = o.debut ? minuitDeParis(o.debut).getTime() : lundiSuivant(new Date(Date.now() + JOUR));
  // N mois du calendrier de Paris (un début le 31 janvier : horizon d'un mois au 28 février).
  const horizon = ajouterDuree(new Date(debut), `P${o.horizonMois}M`);
  return {
    programmes,
    debut,
    horizon: horizon.getTime(),
    total: programmes.reduce((n, p) => n + p.nombre, 0),
    couts: { ...coutsParDefaut(), ...o.couts },
    concurrence: o.concurrence,
    fenetreJours: o.fenetreJours,
    plan: planifierAnnee({ graine: o.graine, debut, programmes }),
  };
}

/** L'équipe d'un programme quand on ne la dit pas : son ETP prévu arrondi au-dessus, 1 au moins. */

/** Ce que la simulation dit en chemin. */
export interface SuiviAnnee {
  /** Le moteur (Temporal, PostgreSQL, worker) est monté. */
  moteurMonte?(montageMs: number): void;
  menageTermine?(faits: number, total: number): void;
  etape?(faites: number, prevues: number): void;
}

export interface AnneeJouee {
  resultats: ResultatMenage[];
  bilan: Bilan;
  /** Montage du moteur, puis toute la simulation (ms, temps réel). */
  montage: number;
  mur: number;
  courriels: number;
}

/** Joue l'année préparée sur le moteur à part (monté puis arrêté ici) ; rend les résultats par ménage et le bilan. */
export async function jouerAnnee(a: AnneePreparee, suivi: SuiviAnnee = {}): Promise<AnneeJouee> {
  const t0 = performance.now();
  const r = await avecMoteur(
    personnelSimule(
      a.programmes.map((p) => p.programme),
      a.programmes.map((p) => p.travailleurs),
    ),
    async (moteur) => {
      const montage = performance.now() - t0;
      suivi.moteurMonte?.(montage);
      const resultats = await piloter(moteur, a.plan, {
        concurrence: a.concurrence,
        fenetre: a.fenetreJours * JOUR,
        horizon: a.horizon,
        quandTermine: (_x, faits) => suivi.menageTermine?.(faits, a.total),
        quandEtape: (faites, prevues) => suivi.etape?.(faites, prevues),
      });
      return { resultats, montage, courriels: moteur.courriels() };
    },
  );
  const mur = performance.now() - t0;
  return { ...r, mur, bilan: calculerBilan(a.plan, r.resultats, a.couts) };
}

/** Le rapport gardé d'une simulation (page d'administration) : le bilan et ce qu'il faut pour le lire. */
export function rapportDe(a: AnneePreparee, j: AnneeJouee): RapportSimulation {
  return {
    bilan: j.bilan,
    debut: a.debut,
    horizon: a.horizon,
    programmes: a.programmes.map((p) => ({
      id: p.programme.id,
      nom: p.programme.nom,
      typeParcours: p.programme.typeParcours,
      libelleType: LIBELLES_TYPE_PARCOURS[p.programme.typeParcours],
      menages: p.nombre,
      travailleurs: p.travailleurs.length,
      enRetard: p.enRetard,
      hypotheses: p.sources,
    })),
    couts: a.couts,
    dureeMs: Math.round(j.mur),
    montageMs: Math.round(j.montage),
    etapes: j.resultats.reduce((n, x) => n + x.etapes + 1, 0),
    courriels: j.courriels,
  };
}
