/**
 * Fabrique du worker : les workflows des parcours, les activités construites avec leurs
 * dépendances, le chiffrement des payloads. Utilisée par worker/main.ts et par les tests.
 */
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, type DependancesActivites } from '../activities';

export { parcoursEnCache, tasV8Mio } from './memoire';

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
