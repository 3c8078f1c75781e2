/**
 * Fabrique du worker : les workflows des parcours, les activités construites avec leurs
 * dépendances, le chiffrement des payloads. Utilisée par worker/main.ts et par les tests.
 */
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, type DependancesActivites } from '../activities';

export const CHEMIN_WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface OptionsWorker {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependances: DependancesActivites;
  dataConverter: DataConverter;
  /** Un bundle déjà construit (tests) ; sinon les workflows sont empaquetés depuis workflowsPath. */
  workflowBundle?: WorkflowBundleOption;
  workflowsPath?: string;
  /** Options du worker propres à un environnement (tests). */
  reglages?: Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'stickyQueueScheduleToStartTimeout'>>;
}

/**
 * Le nombre de parcours gardés en mémoire par le worker, d'après son budget (WORKER_MEMOIRE_MIO) :
 * environ 300 Mio pour le processus, ses bibliothèques et le code des workflows, puis 0,4 Mio par
 * parcours en cache (0,34 Mio mesurés, et une marge). 1 024 Mio → 1 810 parcours ; 100 000 parcours
 * ouverts tiennent donc dans 1 Gio : seuls les plus actifs restent en cache.
 */
export function parcoursEnCache(memoireMio: number): number {
  return Math.max(50, Math.floor((memoireMio - 300) / 0.4));
}

export function creerWorker(o: OptionsWorker): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    dataConverter: o.dataConverter,
    activities: createActivities(o.dependances),
    ...o.reglages,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: o.workflowsPath ?? CHEMIN_WORKFLOWS }),
  });
}
