/**
 * Intégration sur le vrai serveur Temporal (serveur de développement du CLI) : un redémarrage du
 * worker au milieu d'un parcours ne perd rien — l'état, le journal, les échéances et les messages
 * déjà appliqués sont là, et le parcours continue avec le nouveau worker.
 */
import { baseEssai } from './outils/base';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { etatQuery } from '../domain/messages';
import { diagnosticUpdate, planAideUpdate, tentativeContactUpdate, type EntreePrevention } from '../domain/prevention';
import { startMailCatcher, type MailCatcher } from '../dev/mail-catcher';
import { creerAnnuaire } from '../personnel/annuaire';
import { creerWorker } from '../worker/creer-worker';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { CATALOGUE, DATA_CONVERTER, PERSONNEL, SIGNEUR, COFFRE, jusqua, menageEssai, paquetWorkflows, requete, serveurTemporal } from './outils/environnement';

let env: TestWorkflowEnvironment;
let courriels: MailCatcher;
const taskQueue = `redemarrage-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  env = await serveurTemporal();
  courriels = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
});
afterAll(async () => {
  await courriels?.close();
  await env?.teardown();
});

/** Les fiches d'indicateurs dans un dossier temporaire, le même pour les deux workers. */

async function demarrerWorker(): Promise<{ worker: Worker; course: Promise<void> }> {
  const worker = await creerWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: DATA_CONVERTER,
    workflowBundle: await paquetWorkflows(),
    dependances: {
      base: (await baseEssai()).db,
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

it('un parcours loiret-ahu continue sans rien perdre après l’arrêt et le redémarrage du worker', async () => {
  const premier = await demarrerWorker();
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
  const handle = await env.client.workflow.start('preventionPrecontentieuse', { taskQueue, workflowId: `loiret-ahu--${menage.reference}`, args: [entree] });
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
