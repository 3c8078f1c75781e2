/**
 * Le moteur de la simulation, à part de tout système en service : son propre serveur Temporal (le
 * serveur de développement du CLI, avec le saut de temps par workflow des tests), son PostgreSQL
 * embarqué temporaire, migré puis effacé, et le vrai worker du produit (workflows et activités). Les
 * courriels des activités (boîte d'envoi, annuaire, pièces jointes en PDF : tout le travail de
 * l'activité) partent vers un transport qui les compte, sans serveur SMTP à faire tourner.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import nodemailer, { type Transport } from 'nodemailer';
import { DECLARATIONS_ATTRIBUTS } from '../../domain/attributs-recherche';
import type { Programme } from '../../domain/vocabulaire';
import type { Personne } from '../../personnel/annuaire';
import { creerWorker } from '../../worker/creer-worker';
import { signalerPresence } from '../../worker/presence';
import { CATALOGUE, CHEMIN_CLI, COFFRE, DATA_CONVERTER, REGLAGES_SERVEUR_ESSAI, SIGNEUR, inscrirePersonnel, paquetWorkflowsLocal } from '../moteur-local';
import type { BaseDeDonnees } from '../../base';
import { avecPostgresTemporaire } from '../banc-commun';
import { COORDINATION, type MoteurTemporal } from './pilote';

/**
 * En plus des réglages des tests (saut de temps par workflow, minuteurs sautés aussitôt) : les
 * activités partent avec la tâche de workflow qui les planifie (exécution anticipée), sans aller-retour
 * par la file : c'est le même worker.
 */
export const REGLAGES_SERVEUR_SIMULATION = [...REGLAGES_SERVEUR_ESSAI, '--dynamic-config-value', 'system.enableActivityEagerExecution=true'];

/** Les comptes de la simulation : une coordination et les équipes des programmes. */
export function personnelSimule(programmes: Programme[], equipes: string[][]): Personne[] {
  const ids = programmes.map((p) => p.id);
  return [
    { id: COORDINATION, nom: 'Coordination (simulation)', courriel: 'coordination@simulation.example', role: 'coordinateur', programmes: ids, motDePasse: '' },
    ...equipes.flatMap((e, i) =>
      e.map((id, k) => ({
        id,
        nom: `Travailleur social ${k + 1} (${programmes[i]!.id})`,
        courriel: `${id}@simulation.example`,
        role: 'travailleur_social' as const,
        programmes: [programmes[i]!.id],
        motDePasse: '',
      })),
    ),
  ];
}

export interface Moteur extends MoteurTemporal {
  /** Courriels remis au transport par les activités. */
  courriels(): number;
  base: BaseDeDonnees;
}

/** Monte le moteur, lance `f`, puis arrête tout (worker, Temporal, PostgreSQL), même en cas d'erreur. */
export async function avecMoteur<T>(personnel: Personne[], f: (m: Moteur) => Promise<T>): Promise<T> {
  // Erreurs seulement : à pleine charge, le cœur du SDK signale chaque tâche de workflow de plus de
  // 5 secondes (attente du fil des workflows comprise), ce qui noierait la sortie.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  // Le serveur Temporal et PostgreSQL démarrent en même temps (quelques secondes chacun).
  const demarrage = TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: CHEMIN_CLI },
      searchAttributes: DECLARATIONS_ATTRIBUTS.map((a) => ({ name: a.nom, type: a.type.toUpperCase() as never })),
      extraArgs: ['--log-level', 'error', ...REGLAGES_SERVEUR_SIMULATION],
    },
    client: { dataConverter: DATA_CONVERTER },
  });
  demarrage.catch(() => undefined); // l'échec se dit à l'attente ci-dessous
  try {
    return await avecPostgresTemporaire('simulation-annee', async ({ base }) => {
      const env = await demarrage;
      await inscrirePersonnel(base, personnel);
      let courriels = 0;
      const compteur: Transport<{ messageId: string }> = {
        name: 'simulation',
        version: '1',
        send: (courriel, fini) => {
          courriels += 1;
          fini(null, { messageId: String(courriel.data.messageId ?? `<${courriels}@simulation.example>`) });
        },
      };
      // Transport<any> : le type que les activités attendent de nodemailer.
      const transport = nodemailer.createTransport(compteur as Transport);
      const taskQueue = 'simulation';
      const worker = await creerWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        dataConverter: DATA_CONVERTER,
        workflowBundle: await paquetWorkflowsLocal(),
        dependances: {
          base,
          coffre: COFFRE,
          catalogue: CATALOGUE,
          transport,
          expediteur: 'Prévention des expulsions (simulation) <ne-pas-repondre@simulation.example>',
          signeur: SIGNEUR,
          baseUrl: 'http://localhost:3999',
        },
      });
      const course = worker.run();
      const presence = await signalerPresence(base, taskQueue);
      try {
        return await f({ client: env.client, connection: env.connection, namespace: env.namespace ?? 'default', taskQueue, courriels: () => courriels, base });
      } finally {
        worker.shutdown();
        await course.catch(() => undefined);
        await presence.arreter();
      }
    });
  } finally {
    await demarrage.then(
      (env) => env.teardown(),
      () => undefined,
    );
  }
}
