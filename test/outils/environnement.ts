/**
 * Outils de test : serveur Temporal à saut de temps (ou serveur de développement) lancé depuis les
 * binaires du projet, attributs de recherche enregistrés, worker réel avec chiffrement, et un vrai
 * serveur SMTP (le mail catcher) qui reçoit les courriels.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createRequire } from 'node:module';
import type * as proto from '@temporalio/proto';
import nodemailer from 'nodemailer';
import { DECLARATIONS_ATTRIBUTS } from '../../domain/attributs-recherche';
import { chargerCatalogue } from '../../programmes/catalogue';
import { creerAnnuaire, type Personne } from '../../personnel/annuaire';
import { generateKeyRingValue, parseKeyRing } from '../../securite/cles';
import { createDataConverter } from '../../securite/codec';
import { CHEMIN_CONVERTISSEUR_ECHECS } from '../../securite/convertisseur-echecs-chemin';
import { createSigneurDeLiens } from '../../securite/liens';
import { creerWorker } from '../../worker/creer-worker';
import { startMailCatcher, type MailCatcher } from '../../dev/mail-catcher';
import type { DependancesActivites } from '../../activities';
import { RegistreIndicateurs } from '../../indicateurs/registre';

// @temporalio/proto est en CommonJS : ses exports nommés n'existent pas sous l'ESM de Node.
const { temporal } = createRequire(import.meta.url)('@temporalio/proto') as typeof proto;

const racine = fileURLToPath(new URL('../..', import.meta.url));
export const CHEMIN_CLI = process.env.TEMPORAL_CLI_PATH ?? `${racine}.temporal/bin/temporal`;
export const CHEMIN_SERVEUR_TEST = process.env.TEMPORAL_TEST_SERVER_PATH ?? `${racine}.temporal/bin/temporal-test-server`;

function verifierBinaire(chemin: string) {
  if (!existsSync(chemin)) throw new Error(`Binaire Temporal absent : ${chemin}. Lancez « npm test » (il installe les binaires) ou scripts/install-temporal.sh.`);
}

export async function serveurAcceleres(): Promise<TestWorkflowEnvironment> {
  verifierBinaire(CHEMIN_SERVEUR_TEST);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: CHEMIN_SERVEUR_TEST } },
    client: { dataConverter: DATA_CONVERTER },
  });
  const types = temporal.api.enums.v1.IndexedValueType;
  const correspondance = { Keyword: types.INDEXED_VALUE_TYPE_KEYWORD, Datetime: types.INDEXED_VALUE_TYPE_DATETIME, Bool: types.INDEXED_VALUE_TYPE_BOOL };
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(DECLARATIONS_ATTRIBUTS.map((a) => [a.nom, correspondance[a.type]])),
  });
  return env;
}

export async function serveurDeveloppement(): Promise<TestWorkflowEnvironment> {
  verifierBinaire(CHEMIN_CLI);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: CHEMIN_CLI },
      searchAttributes: DECLARATIONS_ATTRIBUTS.map((a) => ({ name: a.nom, type: a.type.toUpperCase() as never })),
      extraArgs: ['--log-level', 'error'],
    },
    client: { dataConverter: DATA_CONVERTER },
  });
}

/** Clé fixe, propre aux tests : les historiques enregistrés pour le rejeu sont chiffrés avec elle. */
export const CLES_CHIFFREMENT = parseKeyRing(`essai1:${Buffer.alloc(32, 7).toString('base64')}`, { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' });
export const CLES_LIENS = parseKeyRing(generateKeyRingValue('hmac', 'essai1'), { name: 'LINK_SIGNING_KEYS', kind: 'hmac' });
export const DATA_CONVERTER = createDataConverter(CLES_CHIFFREMENT, { failureConverterPath: CHEMIN_CONVERTISSEUR_ECHECS });
export const SIGNEUR = createSigneurDeLiens(CLES_LIENS);
export const CATALOGUE = chargerCatalogue();
export const BASE_URL = 'http://localhost:3999';

export const PERSONNEL: Personne[] = [
  { id: 'coord.essai', nom: 'Coordinatrice Essai', courriel: 'coordination@essai.example', role: 'coordinateur', programmes: CATALOGUE.tous().map((p) => p.id), motDePasse: 'scrypt$x' },
  { id: 'ts.alice', nom: 'Alice Travailleuse', courriel: 'alice@essai.example', role: 'travailleur_social', programmes: CATALOGUE.tous().map((p) => p.id), motDePasse: 'scrypt$x' },
  { id: 'ts.bruno', nom: 'Bruno Travailleur', courriel: 'bruno@essai.example', role: 'travailleur_social', programmes: CATALOGUE.tous().map((p) => p.id), motDePasse: 'scrypt$x' },
];

const CHEMIN_WORKFLOWS_ESSAI = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function paquetWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: CHEMIN_WORKFLOWS_ESSAI, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  return bundle;
}

export interface Banc {
  env: TestWorkflowEnvironment;
  courriels: MailCatcher;
  worker: Worker;
  taskQueue: string;
  dependances: DependancesActivites;
  fermer(): Promise<void>;
}

/** Un banc complet : serveur Temporal, mail catcher, worker réel (workflows du produit + essais). */
export async function monterBanc(
  opts: { serveur?: 'acceleres' | 'developpement'; dependances?: Partial<DependancesActivites> } = {},
): Promise<Banc> {
  const env = opts.serveur === 'developpement' ? await serveurDeveloppement() : await serveurAcceleres();
  const courriels = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
  const taskQueue = `essai-${Math.random().toString(36).slice(2, 8)}`;
  const dependances: DependancesActivites = {
    transport: nodemailer.createTransport({ host: '127.0.0.1', port: courriels.smtpPort, secure: false, ignoreTLS: true }),
    expediteur: 'Prévention des expulsions <ne-pas-repondre@essai.example>',
    annuaire: creerAnnuaire(PERSONNEL),
    signeur: SIGNEUR,
    baseUrl: BASE_URL,
    // Les fiches d'indicateurs de chaque banc dans un dossier temporaire (jamais dans .data/).
    registreIndicateurs: new RegistreIndicateurs(mkdtempSync(join(tmpdir(), 'indicateurs-essai-'))),
    ...opts.dependances,
  };
  const worker = await creerWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: DATA_CONVERTER,
    dependances,
    workflowBundle: await paquetWorkflows(),
    reglages: { maxCachedWorkflows: 0 },
  });
  const course = worker.run();
  return {
    env,
    courriels,
    worker,
    taskQueue,
    dependances,
    async fermer() {
      worker.shutdown();
      await course.catch(() => undefined);
      await courriels.close();
      await env.teardown();
    },
  };
}

export function menageEssai(reference = `M-${Math.random().toString(36).slice(2, 8).toUpperCase()}`) {
  return {
    reference,
    nom: 'Mme Josiane Lefébure',
    composition: 'famille_monoparentale' as const,
    adresse: '12 rue des Tilleuls, 45000 Orléans',
    telephone: '06 12 34 56 78',
    courriel: 'josiane.lefebure@exemple.fr',
    accepteCourriel: true,
  };
}

let compteur = 0;
export const requete = () => `req-${Date.now()}-${++compteur}`;

/**
 * Termine un workflow d'essai sans laisser d'activité en vol : sur le serveur à saut de temps, une
 * activité ou une tâche de workflow terminée après son workflow garde le verrou du temps et plus rien n'avance ensuite.
 */
export async function terminer(handle: {
  describe(): Promise<{ raw: { pendingActivities?: unknown[] | null; pendingWorkflowTask?: unknown } }>;
  terminate(): Promise<unknown>;
}) {
  const fin = Date.now() + 10_000;
  while (Date.now() < fin) {
    const d = await handle.describe();
    if (!d.raw.pendingActivities?.length && !d.raw.pendingWorkflowTask) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await handle.terminate();
}

type HandleDecrit = { describe(): Promise<{ raw: { pendingActivities?: unknown[] | null; pendingWorkflowTask?: unknown } }> };

/** Attend que le workflow soit au repos (aucune tâche de workflow ni activité en cours). */
export async function repos(handle: HandleDecrit, ms = 15_000): Promise<void> {
  const fin = Date.now() + ms;
  while (Date.now() < fin) {
    const d = await handle.describe();
    if (!d.raw.pendingActivities?.length && !d.raw.pendingWorkflowTask) return;
    await new Promise((r) => setTimeout(r, 30));
  }
}

/**
 * Avance l'horloge du serveur à saut de temps, le workflow étant au repos avant et après : un
 * message envoyé pendant qu'une tâche est encore en cours fait bloquer ce serveur.
 */
export async function avancer(banc: { env: { sleep(d: string | number): Promise<void> } }, handle: HandleDecrit, duree: string | number): Promise<void> {
  await repos(handle);
  await banc.env.sleep(duree);
  await repos(handle);
}
