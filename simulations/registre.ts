/**
 * Les simulations d'une année demandées depuis la page d'administration (table `simulations`) : la
 * demande, l'avancement et le signe de vie écrits par le processus qui la mène
 * (scripts/executer-simulation.ts), puis le bilan ou l'erreur. Tout est dans PostgreSQL : chaque API
 * voit les mêmes simulations, quelle que soit celle qui a reçu la demande.
 *
 * Une seule simulation à la fois (en attente ou en cours) : un index unique partiel le garantit.
 * Une simulation qui ne donne plus signe de vie depuis 2 minutes (API redémarrée, processus arrêté)
 * est marquée « interrompue » à la lecture suivante : rien ne reste « en cours » pour toujours.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { BaseDeDonnees } from '../base';
import type { Programme, TypeParcours } from '../domain/vocabulaire';
import type { RapportSimulation } from './modele/rapport';

export const STATUTS_SIMULATION = ['en_attente', 'en_cours', 'terminee', 'echouee', 'interrompue'] as const;
export type StatutSimulation = (typeof STATUTS_SIMULATION)[number];
export const LIBELLES_STATUTS_SIMULATION: Record<StatutSimulation, string> = {
  en_attente: 'En attente',
  en_cours: 'En cours',
  terminee: 'Terminée',
  echouee: 'Échouée',
  interrompue: 'Interrompue',
};
const ACTIFS: StatutSimulation[] = ['en_attente', 'en_cours'];

/** Sans signe de vie depuis plus longtemps, une simulation en attente ou en cours est interrompue. */
export const SILENCE_MAX_SECONDES = 120;
export const MESSAGE_INTERROMPUE =
  'La simulation ne donne plus signe de vie depuis plus de 2 minutes (serveur redémarré ou processus arrêté) : elle est interrompue. Vous pouvez la relancer.';

/** Un programme simulé : ce qu'il faut pour l'afficher, et ses réglages tels qu'au moment de la demande. */
export interface ProgrammeDemande {
  id: string;
  nom: string;
  typeParcours: TypeParcours;
  version: number;
  menages: number;
  definition: Programme;
}

export interface EquipeDemandee {
  /** Travailleurs sociaux par programme (absent : l'ETP prévu du programme arrondi au-dessus). */
  travailleurs?: number;
  /** Combien d'entre eux sont parfois en retard. */
  enRetard: number;
}

export interface Simulation {
  id: string;
  programmes: ProgrammeDemande[];
  graine: number;
  options: EquipeDemandee;
  statut: StatutSimulation;
  etapesFaites: number;
  etapesTotal: number | null;
  message: string | null;
  rapport: RapportSimulation | null;
  erreur: string | null;
  demandeePar: string;
  demandeeLe: Date;
  commenceeLe: Date | null;
  termineeLe: Date | null;
  battementLe: Date;
}

/** Une simulation de la liste : sans le bilan ni les réglages complets. */
export type SimulationListee = Omit<Simulation, 'rapport' | 'programmes'> & { programmes: Array<Omit<ProgrammeDemande, 'definition'>> };

/** Une seconde simulation alors qu'une autre est en attente ou en cours. */
export class SimulationDejaEnCours extends Error {
  constructor(readonly active: { id: string; demandeePar: string; demandeeLe: Date }) {
    super('Une simulation est déjà en cours : une seule à la fois.');
  }
}

type Ligne = {
  id: string;
  programmes: unknown;
  graine: number;
  options: unknown;
  statut: string;
  etapes_faites: number;
  etapes_total: number | null;
  message: string | null;
  rapport?: unknown;
  erreur: string | null;
  demandee_par: string;
  demandee_le: Date;
  commencee_le: Date | null;
  terminee_le: Date | null;
  battement_le: Date;
};

const COLONNES_LISTE = [
  'id',
  'programmes',
  'graine',
  'options',
  'statut',
  'etapes_faites',
  'etapes_total',
  'message',
  'erreur',
  'demandee_par',
  'demandee_le',
  'commencee_le',
  'terminee_le',
  'battement_le',
] as const;

function depuisLigne(l: Ligne): Simulation {
  return {
    id: l.id,
    programmes: l.programmes as ProgrammeDemande[],
    graine: l.graine,
    options: l.options as EquipeDemandee,
    statut: l.statut as StatutSimulation,
    etapesFaites: l.etapes_faites,
    etapesTotal: l.etapes_total,
    message: l.message,
    rapport: (l.rapport ?? null) as RapportSimulation | null,
    erreur: l.erreur,
    demandeePar: l.demandee_par,
    demandeeLe: l.demandee_le,
    commenceeLe: l.commencee_le,
    termineeLe: l.terminee_le,
    battementLe: l.battement_le,
  };
}

export class RegistreSimulations {
  constructor(private readonly db: BaseDeDonnees) {}

  /** Marque « interrompues » les simulations actives sans signe de vie depuis plus de 2 minutes. */
  async marquerInterrompues(): Promise<number> {
    const r = await this.db
      .updateTable('simulations')
      .set({ statut: 'interrompue', erreur: MESSAGE_INTERROMPUE, terminee_le: sql<Date>`now()` })
      .where('statut', 'in', ACTIFS)
      .where('battement_le', '<', sql<Date>`now() - make_interval(secs => ${SILENCE_MAX_SECONDES})`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Enregistre une demande (en attente) ; refusée si une autre simulation est en attente ou en cours. */
  async demander(d: { programmes: ProgrammeDemande[]; graine: number; options: EquipeDemandee; par: string }): Promise<string> {
    await this.marquerInterrompues();
    const id = randomUUID();
    try {
      await this.db
        .insertInto('simulations')
        .values({
          id,
          programmes: JSON.stringify(d.programmes),
          graine: d.graine,
          options: JSON.stringify(d.options),
          statut: 'en_attente',
          message: 'En attente du démarrage du moteur de simulation.',
          demandee_par: d.par,
        })
        .execute();
    } catch (e) {
      if ((e as { code?: string }).code !== '23505') throw e;
      const active = await this.db.selectFrom('simulations').select(['id', 'demandee_par', 'demandee_le']).where('statut', 'in', ACTIFS).executeTakeFirst();
      throw new SimulationDejaEnCours(
        active ? { id: active.id, demandeePar: active.demandee_par, demandeeLe: active.demandee_le } : { id: '', demandeePar: '', demandeeLe: new Date() },
      );
    }
    return id;
  }

  /** Les dernières simulations, la plus récente d'abord. */
  async lister(limite = 50): Promise<SimulationListee[]> {
    await this.marquerInterrompues();
    const lignes = await this.db.selectFrom('simulations').select(COLONNES_LISTE).orderBy('demandee_le', 'desc').limit(limite).execute();
    return lignes.map((l) => {
      const s = depuisLigne(l);
      return { ...s, programmes: s.programmes.map(({ definition: _d, ...p }) => p) };
    });
  }

  async lire(id: string): Promise<Simulation | undefined> {
    await this.marquerInterrompues();
    const l = await this.db.selectFrom('simulations').selectAll().where('id', '=', id).executeTakeFirst();
    return l ? depuisLigne(l) : undefined;
  }

  /** Le processus de la simulation la prend : d'« en attente » à « en cours ». Undefined si elle n'est plus en attente. */
  async commencer(id: string): Promise<Simulation | undefined> {
    const l = await this.db
      .updateTable('simulations')
      .set({ statut: 'en_cours', commencee_le: sql<Date>`now()`, battement_le: sql<Date>`now()`, message: 'Montage du moteur de simulation.' })
      .where('id', '=', id)
      .where('statut', '=', 'en_attente')
      .returningAll()
      .executeTakeFirst();
    return l ? depuisLigne(l) : undefined;
  }

  /**
   * Le signe de vie du processus, avec son avancement. Faux si la simulation n'est plus en cours
   * (déclarée interrompue entre-temps) : le processus s'arrête alors.
   */
  async battre(id: string, a: { faites: number; total: number | null; message: string }): Promise<boolean> {
    const r = await this.db
      .updateTable('simulations')
      .set({ battement_le: sql<Date>`now()`, etapes_faites: a.faites, etapes_total: a.total, message: a.message })
      .where('id', '=', id)
      .where('statut', '=', 'en_cours')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async terminer(id: string, rapport: RapportSimulation, message: string): Promise<boolean> {
    const r = await this.db
      .updateTable('simulations')
      .set({
        statut: 'terminee',
        rapport: JSON.stringify(rapport),
        etapes_faites: rapport.etapes,
        etapes_total: rapport.etapes,
        message,
        terminee_le: sql<Date>`now()`,
        battement_le: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('statut', '=', 'en_cours')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Échec (ou arrêt) : la raison, en français ; seulement si la simulation est encore active. */
  async echouer(id: string, erreur: string, statut: 'echouee' | 'interrompue' = 'echouee'): Promise<void> {
    await this.db
      .updateTable('simulations')
      .set({ statut, erreur, terminee_le: sql<Date>`now()`, battement_le: sql<Date>`now()` })
      .where('id', '=', id)
      .where('statut', 'in', ACTIFS)
      .execute();
  }
}
