/**
 * /health : Temporal (GetSystemInfo), la base (SELECT 1), SMTP (transport.verify()), la présence d'un
 * worker sur la file des parcours (table `workers`) et, dans Temporal, un worker qui interroge
 * vraiment cette file (DescribeTaskQueue : un « poller » vu récemment), chacun avec un délai maximal.
 *
 * `etat` résume : « ok » ; « degrade » quand l'API répond et lit ses dossiers mais que les parcours
 * n'avancent pas (aucun worker présent ou qui interroge la file, Temporal ou SMTP injoignable) ;
 * « indisponible » quand la base ne répond pas (ni session ni dossier). `detail` le dit en français.
 *
 * Statut HTTP : 200 seulement si tout va bien, 503 sinon, « degrade » compris. /health répond à la
 * question « cette installation peut-elle mener des parcours maintenant ? » : le lanceur de dev
 * (dev/start.ts) et les tests attendent 200 avant de s'en servir, et sans worker les actions
 * répondent elles-mêmes 503. Une sonde de vie (redémarrer l'API) ne doit pas s'en servir : l'API
 * n'y peut rien si le worker manque (docker-compose.yml teste le port). Aucune information
 * sensible (ni adresse, ni message d'erreur).
 */
import { Router } from 'express';
import { sql } from 'kysely';
import { workersPresents } from '../../worker/presence';
import type { DependancesApi } from '../dependances';
import { courrielsEnAttente, smsEnAttente } from '../../base/courriels-en-attente';
import { nombreDe } from '../../domain/libelles';

export const DELAI_SANTE_MS = 3000;
/**
 * Un worker inactif renouvelle son interrogation (long poll) environ toutes les minutes : Temporal
 * date chaque poller de sa dernière interrogation. Au-delà de 90 s, il ne compte plus.
 */
export const INTERROGATION_RECENTE_MS = 90_000;

type Composant = 'ok' | 'indisponible';
export interface Sante {
  etat: 'ok' | 'degrade' | 'indisponible';
  detail: string;
  temporal: Composant;
  base: Composant;
  smtp: Composant;
  workers: 'ok' | 'aucun' | 'indisponible';
  interrogation: 'ok' | 'aucune' | 'indisponible';
  /** Les courriels refusés par le serveur de courriel et encore repris (base/courriels-en-attente.ts). */
  courrielsEnAttente: number;
  /** Les SMS aux ménages refusés par le fournisseur et encore renvoyés (workflow renvoiSms). */
  smsEnAttente: number;
}

function avecDelai<T>(p: Promise<T>, ms: number): Promise<T> {
  let minuteur: NodeJS.Timeout | undefined;
  const delai = new Promise<never>((_, rej) => {
    minuteur = setTimeout(() => rej(new Error('délai dépassé')), ms);
  });
  return Promise.race([p, delai]).finally(() => clearTimeout(minuteur));
}

/** Le moment (ms) d'un horodatage protobuf. */
const enMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => (t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0);

/** Un worker a-t-il interrogé la file des tâches de workflow il y a moins de `INTERROGATION_RECENTE_MS` ? */
export async function fileInterrogee(deps: Pick<DependancesApi, 'client' | 'taskQueue'>): Promise<boolean> {
  const connexion = deps.client.connection;
  const r = await connexion.withDeadline(Date.now() + DELAI_SANTE_MS, () =>
    connexion.workflowService.describeTaskQueue({
      namespace: deps.client.options.namespace,
      taskQueue: { name: deps.taskQueue },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW : les tâches de workflow
    }),
  );
  // Heure réelle (l'horloge de l'API peut être réglée par les tests) comparée à celle du serveur.
  const maintenant = Date.now();
  return (r.pollers ?? []).some((p) => maintenant - enMs(p.lastAccessTime) < INTERROGATION_RECENTE_MS);
}

function resumer(s: Omit<Sante, 'etat' | 'detail'>): Pick<Sante, 'etat' | 'detail'> {
  if (s.base !== 'ok') {
    return { etat: 'indisponible', detail: 'Service indisponible : la base de données ne répond pas (ni connexion ni dossier).' };
  }
  const manques: string[] = [];
  if (s.temporal !== 'ok') manques.push('Temporal ne répond pas');
  if (s.workers === 'aucun') manques.push('aucun worker ne traite les parcours');
  else if (s.workers === 'indisponible') manques.push('la présence des workers n’a pas pu être lue');
  else if (s.interrogation === 'aucune') manques.push('aucun worker n’interroge la file des parcours dans Temporal');
  else if (s.interrogation === 'indisponible' && s.temporal === 'ok') manques.push('Temporal n’a pas décrit la file des parcours');
  if (s.smtp !== 'ok') manques.push('le serveur SMTP ne répond pas (les courriels attendront)');
  // Joignable mais qui refuse les messages (boîte pleine, relais refusé…) : les parcours avancent, le
  // service n'est pas dégradé pour autant (200), mais le résumé le dit et le nombre se surveille.
  const refus =
    s.smtp === 'ok' && s.courrielsEnAttente > 0
      ? `le serveur de courriel refuse des messages (${nombreDe(s.courrielsEnAttente, 'courriel', 'courriels')} en attente, repris jusqu’à ce qu’il les accepte)`
      : undefined;
  const refusSms =
    s.smsEnAttente > 0 ? `le fournisseur de SMS refuse des messages (${s.smsEnAttente} SMS en attente, renvoyés pendant trois jours)` : undefined;
  const refuses = [refus, refusSms].filter((r) => r !== undefined);
  if (manques.length === 0) return { etat: 'ok', detail: refuses.length ? `Les services répondent, mais ${refuses.join(' ; ')}.` : 'Tout fonctionne.' };
  return {
    etat: 'degrade',
    detail: `Service dégradé : ${[...manques, ...refuses].join(' ; ')}. Les dossiers restent lisibles ; les actions sur les parcours répondent 503 ou attendent.`,
  };
}

export function routesSante(deps: DependancesApi): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    const connexion = deps.client.connection;
    const [temporal, base, smtp, workers, interrogation, enAttente, smsRefuses] = await Promise.all([
      avecDelai(
        connexion.withDeadline(Date.now() + DELAI_SANTE_MS, () => connexion.workflowService.getSystemInfo({})),
        DELAI_SANTE_MS + 500,
      ).then(
        () => 'ok' as const,
        (e) => {
          deps.journal.warn({ err: e }, 'santé : Temporal indisponible');
          return 'indisponible' as const;
        },
      ),
      avecDelai(sql`SELECT 1`.execute(deps.base), DELAI_SANTE_MS).then(
        () => 'ok' as const,
        (e) => {
          deps.journal.warn({ err: e }, 'santé : base de données indisponible');
          return 'indisponible' as const;
        },
      ),
      avecDelai(
        Promise.resolve().then(() => deps.transport.verify()),
        DELAI_SANTE_MS,
      ).then(
        () => 'ok' as const,
        (e) => {
          deps.journal.warn({ err: e }, 'santé : SMTP indisponible');
          return 'indisponible' as const;
        },
      ),
      // Un worker au moins s'est signalé récemment sur la file des parcours (worker/presence.ts).
      avecDelai(workersPresents(deps.base, deps.taskQueue), DELAI_SANTE_MS).then(
        (n) => (n > 0 ? ('ok' as const) : ('aucun' as const)),
        () => 'indisponible' as const,
      ),
      // …et Temporal le voit interroger la file (un worker qui démarre se signale avant d'interroger).
      avecDelai(fileInterrogee(deps), DELAI_SANTE_MS + 500).then(
        (oui) => (oui ? ('ok' as const) : ('aucune' as const)),
        (e) => {
          deps.journal.warn({ err: e }, 'santé : file des parcours non décrite par Temporal');
          return 'indisponible' as const;
        },
      ),
      // Heure réelle : les échecs sont datés par les workers.
      avecDelai(courrielsEnAttente(deps.base, 'tous', new Date()), DELAI_SANTE_MS).then(
        (c) => c.nombre,
        () => 0, // la base ne répond pas : dit plus haut
      ),
      avecDelai(smsEnAttente(deps.base, 'tous', new Date()), DELAI_SANTE_MS).then(
        (c) => c.nombre,
        () => 0,
      ),
    ]);
    const composants = { temporal, base, smtp, workers, interrogation, courrielsEnAttente: enAttente, smsEnAttente: smsRefuses };
    const sante: Sante = { ...resumer(composants), ...composants };
    res.setHeader('Cache-Control', 'no-store');
    res.status(sante.etat === 'ok' ? 200 : 503).json(sante);
  });
  return r;
}
