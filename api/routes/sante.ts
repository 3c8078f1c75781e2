/**
 * /health : Temporal (GetSystemInfo), la base (SELECT 1), SMTP (transport.verify()) et la présence d'un
 * worker sur la file des parcours (table `workers`), chacun avec un délai maximal.
 * 200 si tout va bien, 503 sinon. Aucune information sensible (ni adresse, ni message d'erreur).
 */
import { Router } from 'express';
import { sql } from 'kysely';
import { workersPresents } from '../../worker/presence';
import type { DependancesApi } from '../dependances';

export const DELAI_SANTE_MS = 3000;

function avecDelai<T>(p: Promise<T>, ms: number): Promise<T> {
  let minuteur: NodeJS.Timeout | undefined;
  const delai = new Promise<never>((_, rej) => {
    minuteur = setTimeout(() => rej(new Error('délai dépassé')), ms);
  });
  return Promise.race([p, delai]).finally(() => clearTimeout(minuteur));
}

export function routesSante(deps: DependancesApi): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    const connexion = deps.client.connection;
    const [temporal, base, smtp, workers] = await Promise.all([
      avecDelai(
        connexion.withDeadline(Date.now() + DELAI_SANTE_MS, () => connexion.workflowService.getSystemInfo({})),
        DELAI_SANTE_MS + 500,
      ).then(
        () => 'ok' as const,
        (e) => {
          deps.journal.warn({ err: (e as Error)?.message }, 'santé : Temporal indisponible');
          return 'indisponible' as const;
        },
      ),
      avecDelai(sql`SELECT 1`.execute(deps.base), DELAI_SANTE_MS).then(
        () => 'ok' as const,
        (e) => {
          deps.journal.warn({ err: (e as Error)?.message }, 'santé : base de données indisponible');
          return 'indisponible' as const;
        },
      ),
      avecDelai(Promise.resolve().then(() => deps.transport.verify()), DELAI_SANTE_MS).then(
        () => 'ok' as const,
        (e) => {
          deps.journal.warn({ err: (e as Error)?.message }, 'santé : SMTP indisponible');
          return 'indisponible' as const;
        },
      ),
      // Un worker au moins s'est signalé récemment sur la file des parcours (worker/presence.ts).
      avecDelai(workersPresents(deps.base, deps.taskQueue), DELAI_SANTE_MS).then(
        (n) => (n > 0 ? ('ok' as const) : ('aucun' as const)),
        () => 'indisponible' as const,
      ),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.status(temporal === 'ok' && base === 'ok' && smtp === 'ok' && workers === 'ok' ? 200 : 503).json({ temporal, base, smtp, workers });
  });
  return r;
}
