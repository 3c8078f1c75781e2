/**
 * Intégration sur le vrai serveur Temporal (serveur de développement du CLI) : un redémarrage du
 * worker au milieu d'un parcours ne perd rien — l'état, le journal, les échéances et les messages
 * déjà appliqués sont là, et le parcours continue avec le nouveau worker. Une base coupée au moment
 * d'un message ne perd rien non plus : le message est appliqué, et le dossier est consigné dès que la
 * base revient (reprise par minuteur de l'activité locale), sans autre message.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import nodemailer from 'nodemailer';
import { Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { creerJournal, journalPourTemporal } from '../config/journalisation';
import type { ActivitesEssaiJournal } from './workflows/essai-journal';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ouvrirBase, type BaseDeDonnees } from '../base';
import { etatQuery } from '../domain/messages';
import { diagnosticUpdate, planAideUpdate, tentativeContactUpdate, type EntreePrevention } from '../domain/prevention';
import { startMailCatcher, type MailCatcher } from '../dev/mail-catcher';
import { creerWorker } from '../worker/creer-worker';
import { baseEssai, etapeConsignee } from './outils/base';
import { CATALOGUE, DATA_CONVERTER, SIGNEUR, COFFRE, avancer, jusqua, menageEssai, paquetWorkflows, requete, serveurTemporal } from './outils/environnement';

let env: TestWorkflowEnvironment;
let courriels: MailCatcher;
const taskQueue = `redemarrage-${Math.random().toString(36).slice(2, 8)}`;

/** Les lignes écrites par le journal du worker (pino), comme `worker/main.ts` l'installe pour le SDK. */
const lignesJournal: string[] = [];

beforeAll(async () => {
  // Avant le serveur et tout worker : le journal du SDK est celui du runtime, installé une fois par processus.
  Runtime.install({
    logger: journalPourTemporal(creerJournal('debug', 'worker', { write: (l: string) => void lignesJournal.push(l) })),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  env = await serveurTemporal();
  courriels = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
});
afterAll(async () => {
  await courriels?.close();
  await env?.teardown();
});

async function demarrerWorker(base?: BaseDeDonnees, file = taskQueue): Promise<{ worker: Worker; course: Promise<void> }> {
  const worker = await creerWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: file,
    dataConverter: DATA_CONVERTER,
    workflowBundle: await paquetWorkflows(),
    dependances: {
      base: base ?? (await baseEssai()).db,
      coffre: COFFRE,
      catalogue: CATALOGUE,
      transport: nodemailer.createTransport({ host: '127.0.0.1', port: courriels.smtpPort, secure: false, ignoreTLS: true }),
      expediteur: 'Prévention des expulsions <ne-pas-repondre@essai.example>',
      signeur: SIGNEUR,
      baseUrl: 'http://localhost:3999',
    },
  });
  return { worker, course: worker.run() };
}

const etape = (handle: Parameters<typeof jusqua>[0], nom: string) => jusqua(handle, (e) => e.etape === nom, `étape « ${nom} »`);

/** Un parcours loiret-ahu lancé sur la file `file`. */
async function lancer(file = taskQueue) {
  const menage = menageEssai();
  const entree: EntreePrevention = {
    programme: CATALOGUE.trouver('loiret-ahu')!,
    menage,
    coordinateur: 'coord.essai',
    travailleurSocial: 'ts.alice',
    situation: {
      impayesMois: 2,
      montantDette: 700,
      debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
      garantie: 'aucune',
      dejaTente: '',
      contactBailleur: false,
      suiviParServiceSocial: false,
    },
  };
  const handle = await env.client.workflow.start('preventionPrecontentieuse', {
    taskQueue: file,
    workflowId: `loiret-ahu--${menage.reference}`,
    args: [entree],
  });
  return { handle, menage, entree };
}

it('un parcours loiret-ahu continue sans rien perdre après l’arrêt et le redémarrage du worker', async () => {
  const premier = await demarrerWorker();
  const { handle, menage, entree } = await lancer();
  const m = <T extends object>(x: T) => ({ requestId: requete(), par: 'ts.alice', ...x });
  await etape(handle, 'aller_vers');
  const tentative = m({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'injoignable' as const });
  await handle.executeUpdate(tentativeContactUpdate, { args: [tentative], updateId: tentative.requestId });
  const avant = await handle.query(etatQuery);

  // Arrêt du worker : le parcours attend, rien ne tourne.
  premier.worker.shutdown();
  await premier.course;

  const second = await demarrerWorker();
  try {
    const apres = await jusqua(handle, () => true, 'réponse du nouveau worker');
    expect(apres.journal).toEqual(avant.journal);
    expect(apres.echeances).toEqual(avant.echeances);
    expect(apres.details.tentatives).toBe(1);
    // Le même message renvoyé après le redémarrage n'est pas appliqué deux fois.
    await handle.executeUpdate(tentativeContactUpdate, { args: [tentative], updateId: tentative.requestId });
    expect((await handle.query(etatQuery)).details.tentatives).toBe(1);
    // Le parcours continue avec le nouveau worker.
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [m({ canal: 'visite_domicile' as const, creneau: 'week_end' as const, issue: 'joint' as const })],
    });
    await etape(handle, 'diagnostic');
    await handle.executeUpdate(diagnosticUpdate, {
      args: [m({ origineDette: 'x', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
    });
    await etape(handle, 'plan_aide');
    await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['fsl' as const], orientations: [] })] });
    const suivi = await etape(handle, 'suivi');
    expect(suivi.details.tentatives).toBe(2);
    await courriels.waitFor(
      (c) => c.sujet === `Plan d’aide engagé (dossier ${menage.reference})` && c.a.includes(entree.programme.partenaires.bailleur!.courriel),
    );
    await courriels.waitFor((c) => c.sujet === `Contact établi avec le ménage (dossier ${menage.reference})`);
  } finally {
    second.worker.shutdown();
    await second.course;
  }
});

/**
 * Un relais TCP devant PostgreSQL, que le test coupe et rétablit : coupé, il ferme les connexions
 * ouvertes et refuse les nouvelles, comme une base arrêtée ou un réseau tombé.
 */
async function relaisCoupable(url: string) {
  const cible = new URL(url);
  const ouvertes = new Set<Socket>();
  let coupe = false;
  const serveur: Server = createServer((client) => {
    if (coupe) return void client.destroy();
    const amont = connect(Number(cible.port || 5432), cible.hostname);
    for (const s of [client, amont]) {
      ouvertes.add(s);
      s.on('error', () => undefined).on('close', () => {
        ouvertes.delete(s);
        client.destroy();
        amont.destroy();
      });
    }
    client.pipe(amont).pipe(client);
  });
  await new Promise<void>((ok) => serveur.listen(0, '127.0.0.1', ok));
  const port = (serveur.address() as { port: number }).port;
  const relaye = new URL(url);
  relaye.hostname = '127.0.0.1';
  relaye.port = String(port);
  return {
    url: relaye.toString(),
    couper() {
      coupe = true;
      for (const s of ouvertes) s.destroy();
    },
    retablir() {
      coupe = false;
    },
    fermer: () => new Promise<void>((ok) => serveur.close(() => ok())),
  };
}

it('une base coupée au moment d’un message : le message est appliqué, le dossier est consigné quand la base revient, sans autre message', async () => {
  const { url, db } = await baseEssai();
  const relais = await relaisCoupable(url);
  const base = ouvrirBase(relais.url, { max: 2 });
  const file = `${taskQueue}-base-coupee`;
  const worker = await demarrerWorker(base, file);
  try {
    const { handle } = await lancer(file);
    await etape(handle, 'aller_vers');
    await vi.waitFor(async () => expect(await etapeConsignee(handle.workflowId)).toBe('aller_vers'), { timeout: 30_000, interval: 50 });

    const avantCoupure = (await handle.fetchHistory()).events?.length ?? 0;
    relais.couper();
    const joint = { requestId: requete(), par: 'ts.alice', canal: 'visite_domicile' as const, creneau: 'week_end' as const, issue: 'joint' as const };
    // Le message est appliqué et répondu malgré la base coupée (la consignation ne le retient pas).
    const reponse = await handle.executeUpdate(tentativeContactUpdate, { args: [joint], updateId: joint.requestId });
    expect(reponse).toMatchObject({ etape: 'diagnostic' });
    // Les reprises locales (10 s) épuisées, la consignation est reprise par un minuteur du parcours :
    // un minuteur de quelques secondes (les délais du parcours se comptent en jours).
    await vi.waitFor(
      async () => {
        const evenements = (await handle.fetchHistory()).events?.slice(avantCoupure) ?? [];
        const reprise = evenements.some((e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? Infinity) < 600);
        expect(reprise, 'minuteur de reprise de la consignation').toBe(true);
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(await etapeConsignee(handle.workflowId)).toBe('aller_vers');

    relais.retablir();
    // Le minuteur de reprise échu (horloge du parcours avancée) : le dossier rattrape l'état, sans nouveau message.
    await avancer({ env }, handle, '10 minutes');
    await vi.waitFor(async () => expect(await etapeConsignee(handle.workflowId)).toBe('diagnostic'), { timeout: 30_000, interval: 50 });
    const journal = await db.selectFrom('journal_dossiers').select('seq').where('workflow_id', '=', handle.workflowId).execute();
    expect(journal.length).toBe((await handle.query(etatQuery)).journal.length);
  } finally {
    worker.worker.shutdown();
    await worker.course;
    await base.destroy();
    await relais.fermer();
  }
});

it('le journal du SDK (« Activity failed », « Workflow failed ») ne cite jamais le message d’une erreur, qui peut porter une donnée', async () => {
  const donnee = 'famille.sentinelle@exemple.fr';
  const activites: ActivitesEssaiJournal = {
    // Comme une bibliothèque qui cite l'adresse refusée dans son message, et sa cause.
    async echouerEnCitantUneDonnee(d) {
      const cause = Object.assign(new Error(`550 destinataire ${d} inconnu`), { code: 'EENVELOPE' });
      throw ApplicationFailure.create({ message: `Envoi refusé pour ${d}`, type: 'EnvoiImpossible', nonRetryable: true, cause });
    },
  };
  const file = `${taskQueue}-journal`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: file,
    dataConverter: DATA_CONVERTER,
    workflowBundle: await paquetWorkflows(),
    activities: activites,
  });
  const texte = () => lignesJournal.join('');
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('essaiJournal', { taskQueue: file, workflowId: `essai-journal-${requete()}`, args: [donnee] });
    await expect(handle.result()).rejects.toThrow();
    await vi.waitFor(() => expect(lignesJournal.some((l) => l.includes('Workflow failed') && l.includes('"workflowType":"essaiJournal"'))).toBe(true), {
      timeout: 30_000,
      interval: 50,
    });
  });
  const lignes = lignesJournal.map((l) => JSON.parse(l) as Record<string, any>);
  const activite = lignes.find((l) => l.msg === 'Activity failed' && l.activityType === 'echouerEnCitantUneDonnee');
  expect(activite, 'ligne « Activity failed »').toBeDefined();
  expect(activite!.error).toMatchObject({
    type: 'ApplicationFailure',
    message: '[masqué]',
    typeEchec: 'EnvoiImpossible',
    cause: { type: 'Error', message: '[masqué]', code: 'EENVELOPE' },
  });
  expect(activite!.error.pile.length, 'la pile (fichier et ligne) reste').toBeGreaterThan(0);
  const workflow = lignes.find((l) => l.msg === 'Workflow failed' && l.workflowType === 'essaiJournal');
  // L'erreur du workflow vient du fil des workflows (copiée : c'est alors une Error), message masqué aussi.
  expect(workflow!.error).toMatchObject({ message: '[masqué]' });
  expect(texte()).not.toContain('sentinelle');
});
