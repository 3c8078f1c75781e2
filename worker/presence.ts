/**
 * La présence des workers, dans le système d'enregistrement (table `workers`) : chaque worker se
 * signale toutes les 5 secondes et s'efface à l'arrêt. L'API sait ainsi, sans attendre Temporal
 * (qui ne dit « aucun worker » qu'au bout de ~30 s), qu'aucun worker ne traite plus les parcours :
 * elle répond aussitôt 503 avec un délai de nouvel essai, et /health le dit.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BaseDeDonnees } from '../base';

export const INTERVALLE_PRESENCE_MS = 5_000;
/** Au-delà, un worker qui ne s'est plus signalé est tenu pour arrêté (arrêt brutal, réseau coupé). */
export const PRESENCE_PERIMEE_MS = 20_000;

export interface Presence {
  id: string;
  arreter(): Promise<void>;
}

/** Signale ce worker (file `taskQueue`) jusqu'à `arreter()`, qui l'efface. Une base injoignable n'arrête pas le worker. */
export async function signalerPresence(db: BaseDeDonnees, taskQueue: string, surErreur?: (e: Error) => void): Promise<Presence> {
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const demarre = new Date();
  const signaler = () =>
    db
      .insertInto('workers')
      .values({ id, file: taskQueue, demarre_le: demarre, vu_le: new Date() })
      .onConflict((oc) => oc.column('id').doUpdateSet({ vu_le: new Date() }))
      .execute();
  await signaler();
  const minuterie = setInterval(() => void signaler().catch((e: Error) => surErreur?.(e)), INTERVALLE_PRESENCE_MS);
  minuterie.unref();
  return {
    id,
    async arreter() {
      clearInterval(minuterie);
      await db
        .deleteFrom('workers')
        .where('id', '=', id)
        .execute()
        .catch((e: Error) => surErreur?.(e));
    },
  };
}

/** Combien de workers de cette file se sont signalés récemment. */
export async function workersPresents(db: BaseDeDonnees, taskQueue: string, maintenant = new Date()): Promise<number> {
  const r = await db
    .selectFrom('workers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('file', '=', taskQueue)
    .where('vu_le', '>', new Date(maintenant.getTime() - PRESENCE_PERIMEE_MS))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
