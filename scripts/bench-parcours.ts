/**
 * Banc des parcours (pas un test chronométré) : ce que coûte une action du personnel par l'API, à
 * côté de la même opération faite à nu sur Temporal, dans un seul passage et sur la même machine.
 *
 * Monte son propre serveur Temporal (serveur de développement du CLI), un PostgreSQL embarqué
 * temporaire, le vrai worker des parcours, l'API réelle en processus, et un worker brut (le plus
 * petit parcours possible, scripts/banc-parcours-workflows.ts, sur une autre file). Puis mesure :
 *  - le lancement d'un parcours (POST /api/parcours) à côté d'un démarrage brut (`workflow.start`,
 *    entrée de même taille) et d'une mise à jour avec démarrage brute (`executeUpdateWithStart`,
 *    la limite pour « démarrer et rendre l'état ») ;
 *  - un message d'un travailleur social (POST /api/parcours/:id/messages/tentative-contact) à côté
 *    d'une mise à jour brute (`executeUpdate`) ;
 * en séquence (médiane, p95) et à 16 en parallèle (débit), avec les rapports API / brut, la charge de
 * la machine (`uptime`) avant et après, et le travail d'un parcours (tâches de workflow, activités).
 *
 *   npm run bench:parcours            # 60 opérations en séquence, 320 à 16 en parallèle
 *   npm run bench:parcours -- 30 160  # autres volumes
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { creerApplication } from '../serveur/application';
import { REGISTRE } from '../api/registre-produit';
import type { DependancesActivites } from '../activities';
import { nombreDe } from '../domain/libelles';
import { etatQuery } from '../domain/messages';
import { startMailCatcher } from '../dev/mail-catcher';
import { CatalogueEnBase } from '../programmes/versions';
import { creerWorker } from '../worker/creer-worker';
import { signalerPresence } from '../worker/presence';
import { annuaireEssai } from '../test/outils/api';
import { CATALOGUE, COFFRE, DATA_CONVERTER, SIGNEUR, inscrireAnnuaire, menageEssai, serveurTemporal, situationPrevention } from '../test/outils/environnement';
import { portLibreAuHasard } from '../dev/ports';
import { avecPostgresTemporaire, mediane, messagesDErreur, quantile } from './banc-commun';
import { etatBrutUpdate, finBrutUpdate, messageBrutUpdate, type parcoursBrut } from './banc-parcours-workflows';

const SEQUENCE = Number(process.argv[2] ?? 60);
const EN_PARALLELE = Number(process.argv[3] ?? 320);
const CONCURRENCE = 16;
const PROGRAMME = 'loiret-ahu';
const MOT_DE_PASSE = 'banc-parcours-mdp';
const FILE = 'banc-parcours';
const FILE_BRUTE = 'banc-parcours-brut';

interface Mesure {
  mediane: number;
  p95: number;
  debit: number;
}

/**
 * Les opérations comparées, mesurées côte à côte : en séquence tour à tour (après 5 d'échauffement
 * chacune), pour qu'une variation de la charge de la machine les touche toutes, puis chacune `total`
 * fois à `CONCURRENCE` en parallèle.
 */
async function mesurer<K extends string>(fs: Record<K, (i: number) => Promise<unknown>>, n = SEQUENCE, total = EN_PARALLELE): Promise<Record<K, Mesure>> {
  const noms = Object.keys(fs) as K[];
  const compteurs = new Map<K, number>(noms.map((k) => [k, 0]));
  const appeler = (k: K) => {
    const i = compteurs.get(k)!;
    compteurs.set(k, i + 1);
    return fs[k](i);
  };
  const temps = new Map<K, number[]>(noms.map((k) => [k, []]));
  for (let j = 0; j < 5; j++) for (const k of noms) await appeler(k);
  for (let j = 0; j < n; j++) {
    for (const k of noms) {
      const a = performance.now();
      await appeler(k);
      temps.get(k)!.push(performance.now() - a);
    }
  }
  const resultat = {} as Record<K, Mesure>;
  for (const k of noms) {
    let restant = total;
    const a = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCE }, async () => {
        while (restant-- > 0) await appeler(k);
      }),
    );
    const t = temps.get(k)!;
    resultat[k] = { mediane: mediane(t), p95: quantile(t, 0.95), debit: total / ((performance.now() - a) / 1000) };
  }
  return resultat;
}

const charge = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' })
      .trim()
      .replace(/^.*load average/, 'charge')
      .replace('load average', 'charge');
  } catch {
    return `charge: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`;
  }
};

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Les sommes et comptes des histogrammes de durée du SDK, par file de tâches (et activité). */
async function lireMetriques(adresse: string): Promise<Map<string, number>> {
  const texte = await (await fetch(`http://${adresse}/metrics`)).text();
  const valeurs = new Map<string, number>();
  for (const ligne of texte.split('\n')) {
    const m = /^temporal_(\w+_latency)_(sum|count)\{(.*)\} (\S+)$/.exec(ligne);
    if (!m) continue;
    const file = /task_queue="([^"]+)"/.exec(m[3]!)?.[1] ?? '';
    const activite = /activity_type="([^"]+)"/.exec(m[3]!)?.[1] ?? '';
    const cle = `${m[1]}|${file}|${activite}|${m[2]}`;
    valeurs.set(cle, (valeurs.get(cle) ?? 0) + Number(m[4]));
  }
  return valeurs;
}

/** La durée moyenne (ms) d'un histogramme entre deux relevés. */
function moyenneEntre(avant: Map<string, number>, apres: Map<string, number>, histogramme: string, file: string, activite = ''): number {
  const d = (s: string) => (apres.get(`${histogramme}|${file}|${activite}|${s}`) ?? 0) - (avant.get(`${histogramme}|${file}|${activite}|${s}`) ?? 0);
  return d('count') > 0 ? d('sum') / d('count') : 0;
}
const fois = (x: number) => `${x.toFixed(2)}×`;

async function main() {
  // Les métriques du SDK (exportateur Prometheus du cœur) disent où va le temps d'un message : dans la
  // tâche de workflow du worker, ou ailleurs (API, aller-retour au serveur).
  const adresseMetriques = `127.0.0.1:${await portLibreAuHasard()}`;
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { metrics: { prometheus: { bindAddress: adresseMetriques } } } });
  const chargeAvant = charge();
  const env = await serveurTemporal();
  const courriels = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
  try {
    await avecPostgresTemporaire('bench-parcours', async ({ base }) => {
      await inscrireAnnuaire(base);
      const dependances: DependancesActivites = {
        base,
        coffre: COFFRE,
        catalogue: CATALOGUE,
        transport: nodemailer.createTransport({ host: '127.0.0.1', port: courriels.smtpPort, secure: false, ignoreTLS: true, pool: true }),
        expediteur: 'Prévention des expulsions <ne-pas-repondre@banc.example>',
        signeur: SIGNEUR,
        baseUrl: 'http://localhost:3999',
      };
      const silencieux = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never;
      const [worker, workerBrut] = await Promise.all([
        creerWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue: FILE, dataConverter: DATA_CONVERTER, dependances }),
        bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./banc-parcours-workflows.ts', import.meta.url)), logger: silencieux }).then(
          (workflowBundle) =>
            Worker.create({
              connection: env.nativeConnection,
              namespace: env.namespace ?? 'default',
              taskQueue: FILE_BRUTE,
              dataConverter: DATA_CONVERTER,
              workflowBundle,
            }),
        ),
      ]);
      const courses = [worker.run(), workerBrut.run()];
      const presence = await signalerPresence(base, FILE);

      const app = creerApplication({
        base,
        coffre: COFFRE,
        client: env.client,
        taskQueue: FILE,
        catalogue: await CatalogueEnBase.ouvrir(base, CATALOGUE, { rafraichirMs: 0 }),
        annuaire: await annuaireEssai(MOT_DE_PASSE),
        signeur: SIGNEUR,
        registre: REGISTRE,
        transport: dependances.transport,
        options: { publicBaseUrl: 'http://localhost:3999', sessionTtl: 'PT8H' },
        journal: pino({ level: 'silent' }),
      });
      const serveur = await new Promise<Server>((ok) => {
        const s = app.listen(0, '127.0.0.1', () => ok(s));
      });
      const url = `http://127.0.0.1:${(serveur.address() as AddressInfo).port}`;
      const appel = async (chemin: string, corps: unknown, jeton?: string) => {
        const r = await fetch(`${url}${chemin}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(jeton ? { authorization: `Bearer ${jeton}` } : {}) },
          body: JSON.stringify(corps),
        });
        const texte = await r.text();
        if (r.status >= 300) throw new Error(`${chemin} : ${r.status} ${texte}`);
        return JSON.parse(texte) as Record<string, unknown>;
      };
      const connecter = async (identifiant: string) => (await appel('/api/session', { identifiant, motDePasse: MOT_DE_PASSE })).jeton as string;
      const coord = await connecter('coord.essai');
      const alice = await connecter('ts.alice');

      try {
        const serie = randomUUID().slice(0, 6);
        const corpsLancement = (i: number) => ({
          programmeId: PROGRAMME,
          travailleurSocial: 'ts.alice',
          menage: menageEssai(`B-${serie}-${i}`),
          donnees: { situation: situationPrevention() },
        });
        // L'entrée brute pèse autant que celle d'un vrai parcours (programme, ménage, situation).
        const programme = CATALOGUE.trouver(PROGRAMME)!;
        const entreeReelle = REGISTRE.prevention_precontentieuse!.construireEntree({
          programme,
          menage: menageEssai('B-taille'),
          coordinateur: 'coord.essai',
          travailleurSocial: 'ts.alice',
          donnees: { situation: situationPrevention() },
        });
        const taille = JSON.stringify(entreeReelle).length;
        const entreeBrute = { taille, contenu: entreeReelle };
        const demarrerBrut = (id: string) =>
          env.client.workflow.start<typeof parcoursBrut>('parcoursBrut', {
            taskQueue: FILE_BRUTE,
            workflowId: id,
            args: [entreeBrute],
            workflowIdConflictPolicy: 'FAIL',
          });

        console.log(
          `Banc des parcours : ${SEQUENCE} opérations en séquence, ${EN_PARALLELE} à ${CONCURRENCE} en parallèle ; entrée de ${taille} octets (JSON).`,
        );
        console.log(`Avant : ${chargeAvant}\n`);

        // --- Lancement ---------------------------------------------------------------------------
        const lancementsHttp: string[] = [];
        const brutsDemarres: string[] = [];
        const lancements = await mesurer({
          api: async (i) => {
            const r = await appel('/api/parcours', corpsLancement(i), coord);
            if (!r.etat) throw new Error('lancement sans état');
            lancementsHttp.push(r.workflowId as string);
          },
          start: async (i) => {
            const id = `brut-start-${serie}-${i}`;
            await demarrerBrut(id);
            brutsDemarres.push(id);
          },
          avecMiseAJour: async (i) => {
            const id = `brut-uws-${serie}-${i}`;
            const op = new WithStartWorkflowOperation<typeof parcoursBrut>('parcoursBrut', {
              taskQueue: FILE_BRUTE,
              workflowId: id,
              args: [entreeBrute],
              workflowIdConflictPolicy: 'FAIL',
            });
            await env.client.workflow.executeUpdateWithStart(etatBrutUpdate, { startWorkflowOperation: op });
            brutsDemarres.push(id);
          },
        });
        const { api: lancement, start: startBrut, avecMiseAJour: avecMiseAJourBrut } = lancements;

        // --- Messages ----------------------------------------------------------------------------
        // Seize parcours à l'étape « aller vers » (un par fil) ; les messages tournent de l'un à l'autre.
        const cibles: WorkflowHandle[] = lancementsHttp.slice(0, CONCURRENCE).map((id) => env.client.workflow.getHandle(id));
        for (const h of cibles) {
          for (let k = 0; ; k++) {
            const e = await h.query(etatQuery);
            if (e.etape === 'aller_vers') break;
            if (k > 200) throw new Error(`${h.workflowId} : jamais à l'étape « aller vers » (${e.etape})`);
            await new Promise((r) => setTimeout(r, 50));
          }
        }
        const corpsMessage = { canal: 'telephone', creneau: 'soir', issue: 'injoignable', note: 'Message laissé sur le répondeur' };
        const brutsMessages = await Promise.all(Array.from({ length: CONCURRENCE }, (_, k) => demarrerBrut(`brut-msg-${serie}-${k}`)));
        const messages = await mesurer({
          api: async (i) => {
            const r = await appel(
              `/api/parcours/${encodeURIComponent(cibles[i % cibles.length]!.workflowId)}/messages/tentative-contact`,
              { ...corpsMessage, requestId: `banc-${serie}-${i}` },
              alice,
            );
            if (r.resultat === undefined) throw new Error('message sans résultat');
          },
          brut: (i) =>
            brutsMessages[i % brutsMessages.length]!.executeUpdate(messageBrutUpdate, {
              args: [{ ...corpsMessage, requestId: `brut-${serie}-${i}`, par: 'ts.alice' }],
            }),
        });
        const { api: message, brut: messageBrut } = messages;

        // --- Où va le temps d'un message : 40 de chaque en séquence, la tâche de workflow lue dans les
        // métriques du SDK (le reste : HTTP, session et droits, client, aller-retour au serveur).
        const decomposer = async (f: (i: number) => Promise<unknown>, file: string) => {
          const avant = await lireMetriques(adresseMetriques);
          const debut = performance.now();
          for (let i = 0; i < 40; i++) await f(i);
          const total = (performance.now() - debut) / 40;
          const apres = await lireMetriques(adresseMetriques);
          return {
            total,
            tache: moyenneEntre(avant, apres, 'workflow_task_execution_latency', file),
            consignation: moyenneEntre(avant, apres, 'local_activity_execution_latency', file, 'consignerDossier'),
          };
        };
        const tempsApi = await decomposer(
          (i) =>
            appel(
              `/api/parcours/${encodeURIComponent(cibles[i % cibles.length]!.workflowId)}/messages/tentative-contact`,
              { ...corpsMessage, requestId: `banc-decompose-${serie}-${i}` },
              alice,
            ),
          FILE,
        );
        const tempsBrut = await decomposer(
          (i) =>
            brutsMessages[i % brutsMessages.length]!.executeUpdate(messageBrutUpdate, {
              args: [{ ...corpsMessage, requestId: `brut-decompose-${serie}-${i}`, par: 'ts.alice' }],
            }),
          FILE_BRUTE,
        );

        // --- Le travail d'un parcours : tâches de workflow et activités, d'un lancement au repos ----
        const travail = async (id: string) => {
          const h = env.client.workflow.getHandle(id);
          for (let k = 0; k < 200; k++) {
            const d = await h.describe();
            if (!d.raw.pendingActivities?.length && !d.raw.pendingWorkflowTask) break;
            await new Promise((r) => setTimeout(r, 50));
          }
          const historique = await h.fetchHistory();
          const types = (historique.events ?? []).map((e) => String(e.eventType));
          const compte = (motif: RegExp) => types.filter((t) => motif.test(t)).length;
          const noms = (historique.events ?? []).flatMap((e) =>
            e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : [],
          );
          return { taches: compte(/WORKFLOW_TASK_COMPLETED|^6$/), activites: compte(/ACTIVITY_TASK_SCHEDULED|^10$/), evenements: types.length, noms };
        };
        const neuf = (await appel('/api/parcours', corpsLancement(1_000_000), coord)).workflowId as string;
        const auLancement = await travail(neuf);
        await appel(`/api/parcours/${encodeURIComponent(neuf)}/messages/tentative-contact`, { ...corpsMessage, requestId: `banc-travail-${serie}` }, alice);
        const apresMessage = await travail(neuf);

        const chargeApres = charge();
        const ligne = (nom: string, m: Mesure) => `| ${nom} | ${ms(m.mediane)} | ${ms(m.p95)} | ${m.debit.toFixed(1)} /s |`;
        console.log(`| opération | médiane | p95 | débit à ${CONCURRENCE} |`);
        console.log('| --- | --- | --- | --- |');
        console.log(ligne('lancement : POST /api/parcours (état rendu)', lancement));
        console.log(ligne('brut : workflow.start (entrée de même taille)', startBrut));
        console.log(ligne('brut : executeUpdateWithStart (état rendu)', avecMiseAJourBrut));
        console.log(ligne('message : POST …/messages/tentative-contact', message));
        console.log(ligne('brut : executeUpdate', messageBrut));
        console.log('');
        const rapport = (nom: string, api: Mesure, brut: Mesure) =>
          `| ${nom} | ${fois(api.mediane / brut.mediane)} | ${fois(api.p95 / brut.p95)} | ${((100 * api.debit) / brut.debit).toFixed(0)} % |`;
        console.log(`| rapport API / brut | médiane | p95 | débit à ${CONCURRENCE} (API en % du brut) |`);
        console.log('| --- | --- | --- | --- |');
        console.log(rapport('lancement / workflow.start', lancement, startBrut));
        console.log(rapport('lancement / executeUpdateWithStart (objectif ≤ 1,2× ; débit ≥ 80 %)', lancement, avecMiseAJourBrut));
        console.log(rapport('message / executeUpdate (objectif ≤ 1,2× ; débit ≥ 80 %)', message, messageBrut));
        console.log('');
        console.log(
          `Travail d'un parcours (${PROGRAMME}) jusqu'au repos : au lancement ${nombreDe(auLancement.taches, 'tâche', 'tâches')} de workflow, ${nombreDe(auLancement.activites, 'activité', 'activités')} (${auLancement.noms.join(', ')} ; ${auLancement.evenements} événements) ;`,
        );
        console.log(
          `un message ensuite : ${nombreDe(apresMessage.taches - auLancement.taches, 'tâche', 'tâches')} de workflow, ${nombreDe(apresMessage.activites - auLancement.activites, 'activité', 'activités')}${apresMessage.activites > auLancement.activites ? ` (${apresMessage.noms.slice(auLancement.noms.length).join(', ')})` : ''} ; ${apresMessage.evenements - auLancement.evenements} événements.`,
        );
        console.log(
          `Où va le temps d'un message (40 en séquence, moyennes ; tâche de workflow lue dans les métriques du SDK) : API ${ms(tempsApi.total)}, dont la tâche de workflow dans le worker ${ms(tempsApi.tache)} (consignation du dossier comprise, ${ms(tempsApi.consignation)}) et ${ms(tempsApi.total - tempsApi.tache)} ailleurs (HTTP, session et droits, client, serveur) ; brut ${ms(tempsBrut.total)}, dont la tâche ${ms(tempsBrut.tache)} et ${ms(tempsBrut.total - tempsBrut.tache)} ailleurs.`,
        );
        console.log(`\nAvant : ${chargeAvant}\nAprès : ${chargeApres}`);

        await Promise.all(
          brutsDemarres.concat(brutsMessages.map((h) => h.workflowId)).map((id) =>
            env.client.workflow
              .getHandle(id)
              .executeUpdate(finBrutUpdate)
              .catch(() => undefined),
          ),
        );
      } finally {
        serveur.closeAllConnections();
        await new Promise<void>((ok) => serveur.close(() => ok()));
        worker.shutdown();
        workerBrut.shutdown();
        await Promise.all(courses.map((c) => c.catch(() => undefined)));
        await presence.arreter();
      }
    });
  } finally {
    await courriels.close();
    await env.teardown();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(messagesDErreur(e));
    process.exit(1);
  },
);
