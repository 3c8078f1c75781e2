/**
 * Outils de test : le vrai serveur Temporal (serveur de développement du CLI, saut de temps par workflow) lancé depuis les
 * binaires du projet, attributs de recherche enregistrés, worker réel avec chiffrement, et un vrai
 * serveur SMTP (le mail catcher) qui reçoit les courriels.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { msToNumber, type Duration } from '@temporalio/common';
import { expect, inject, vi } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { etatQuery, repondreValidationUpdate } from '../../domain/messages';
import { decisionComiteUpdate } from '../../domain/prevention';
import { OBJET_VALIDATION_REFERENT } from '../../courriers/prevention';
export { OBJET_VALIDATION_REFERENT };
import {
  ajouterDuree,
  auxHeuresOuvrees,
  depuisHeureDeParis,
  estJourOuvre,
  jourDeParis,
  minuitDeParis,
  neufHeuresLe,
  rappelUnJourOuvreAvant,
  retirerDuree,
  type Calendrier,
} from '../../domain/durees';
import { baseEssai } from './base';
import { datesDesRappels } from '../../workflows/blocs/validation';
import type { BaseDeDonnees } from '../../base';
import type { Echeance, EtatParcours } from '../../domain/vocabulaire';
import nodemailer, { type Transport, type Transporter } from 'nodemailer';
import { DECLARATIONS_ATTRIBUTS } from '../../domain/attributs-recherche';
import type { Personne } from '../../personnel/annuaire';
import {
  CATALOGUE,
  CHEMIN_CLI,
  CLES_CHIFFREMENT,
  CLES_LIENS,
  COFFRE,
  DATA_CONVERTER,
  REGLAGES_SERVEUR_ESSAI,
  SIGNEUR,
  TEXTE_CLES_CHIFFREMENT,
  inscrirePersonnel,
  paquetWorkflowsLocal,
  verifierBinaire,
} from '../../scripts/moteur-local';
export { CATALOGUE, CHEMIN_CLI, CLES_CHIFFREMENT, CLES_LIENS, COFFRE, DATA_CONVERTER, REGLAGES_SERVEUR_ESSAI, SIGNEUR, TEXTE_CLES_CHIFFREMENT };
import { creerWorker, type OptionsWorker } from '../../worker/creer-worker';
import { signalerPresence } from '../../worker/presence';
import { startMailCatcher, type MailCatcher } from '../../dev/mail-catcher';
import type { DependancesActivites } from '../../activities';

/**
 * Le vrai serveur Temporal (serveur de développement du CLI), avec le saut de temps par workflow. Son
 * état est en mémoire, sauf `fichierBase` (SQLite) : pour les bancs qui ouvrent des dizaines de
 * milliers de parcours (en mémoire, environ 0,2 Mio par parcours ouvert dans le serveur).
 */
export async function serveurTemporal(o: { fichierBase?: string } = {}): Promise<TestWorkflowEnvironment> {
  verifierBinaire(CHEMIN_CLI);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: CHEMIN_CLI },
      ...(o.fichierBase ? { dbFilename: o.fichierBase } : {}),
      searchAttributes: DECLARATIONS_ATTRIBUTS.map((a) => ({ name: a.nom, type: a.type.toUpperCase() as never })),
      extraArgs: ['--log-level', 'error', ...REGLAGES_SERVEUR_ESSAI],
    },
    client: { dataConverter: DATA_CONVERTER },
  });
}

export const BASE_URL = 'http://localhost:3999';

/**
 * L'heure que voient les SMS des essais (`ServiceSms.heure`) : un mardi à 11 h à Paris, où un SMS
 * part aussitôt, à toute heure de la suite (la nuit, il attendrait 8 h). Les essais de la nuit la changent.
 */
export const EN_JOURNEE = () => new Date('2027-03-09T10:00:00.000Z');

export const PERSONNEL: Personne[] = [
  {
    id: 'coord.essai',
    nom: 'Coordinatrice Essai',
    courriel: 'coordination@essai.example',
    role: 'coordinateur',
    programmes: CATALOGUE.tous().map((p) => p.id),
    motDePasse: 'scrypt$x',
  },
  {
    id: 'ts.alice',
    nom: 'Alice Travailleuse',
    courriel: 'alice@essai.example',
    role: 'travailleur_social',
    programmes: CATALOGUE.tous().map((p) => p.id),
    motDePasse: 'scrypt$x',
  },
  {
    id: 'ts.bruno',
    nom: 'Bruno Travailleur',
    courriel: 'bruno@essai.example',
    role: 'travailleur_social',
    programmes: CATALOGUE.tous().map((p) => p.id),
    motDePasse: 'scrypt$x',
  },
];

/** Un administrateur de la plateforme (aucun programme : il voit tout). */
export const ADMIN_ESSAI = {
  ...PERSONNEL[0]!,
  id: 'admin.essai',
  nom: 'Administration',
  courriel: 'admin@essai.example',
  role: 'admin' as const,
  programmes: [],
};

/** La coordination d'un autre programme (besancon-ccas) : ne voit rien des programmes d'essai. */
export const COORD_BESANCON_ESSAI = {
  ...PERSONNEL[0]!,
  id: 'coord.besancon',
  nom: 'Coordination Besançon',
  courriel: 'coord.besancon@essai.example',
  programmes: ['besancon-ccas'],
};

/** Le paquet construit une fois par la mise en place de la suite (postgres-global.ts), s'il y en a un ; sinon celui du moteur local. */
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function paquetWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  let chemin: string | undefined;
  try {
    chemin = inject('paquetWorkflows')?.chemin;
  } catch {
    chemin = undefined; // hors de vitest (un banc, un script)
  }
  bundle ??= chemin ? readFile(chemin, 'utf8').then((texte) => JSON.parse(texte) as WorkflowBundleWithSourceMap) : paquetWorkflowsLocal();
  return bundle;
}

export interface Banc {
  env: TestWorkflowEnvironment;
  courriels: MailCatcher;
  worker: Worker;
  taskQueue: string;
  dependances: DependancesActivites;
  /**
   * Retient les courriels dont l'objet vérifie `predicat` (un serveur de courriel lent) : leur
   * activité d'envoi reste en cours jusqu'à l'appel de la fonction rendue, qui les laisse partir.
   */
  retenirCourriels(predicat: (objet: string) => boolean): () => void;
  /**
   * Refuse les courriels dont l'objet vérifie `predicat` (un serveur de courriel en panne, qui répond
   * « réessayez plus tard ») : leur activité échoue et sera reprise, jusqu'à l'appel de la fonction
   * rendue. Entre deux reprises, aucune activité n'est en cours : l'horloge du parcours peut avancer.
   */
  refuserCourriels(predicat: (objet: string) => boolean): () => void;
  /** Arrête le worker du banc (comme un arrêt propre : il ne se signale plus). */
  arreterWorker(): Promise<void>;
  fermer(): Promise<void>;
}

/** Un banc complet : vrai serveur Temporal, mail catcher, worker réel (workflows du produit + essais). */
/**
 * Le personnel d'essai dans l'annuaire de la base du fichier (remplace un compte de même identifiant),
 * et les partenaires des presets : ce que les activités lisent au moment d'envoyer.
 */
async function baseInscrite(personnel?: Personne[]): Promise<BaseDeDonnees> {
  const db = (await baseEssai()).db;
  await inscrireAnnuaire(db, personnel);
  return db;
}

export function inscrireAnnuaire(db: BaseDeDonnees, personnes: Personne[] = PERSONNEL): Promise<void> {
  return inscrirePersonnel(db, personnes);
}

/**
 * Un transport qui passe les courriels au transport réel, sauf ceux qu'une retenue vise : ceux-là
 * attendent qu'elle soit levée (pour voir un parcours pendant un envoi lent).
 */
function transportRetenable(reel: Transporter): { transport: Transporter; retenir: Banc['retenirCourriels']; refuser: Banc['refuserCourriels'] } {
  const retenues = new Set<{ predicat: (objet: string) => boolean; levee: Promise<void> }>();
  const refus = new Set<(objet: string) => boolean>();
  const retenable: Transport = {
    name: 'essai-retenable',
    version: '1',
    send(courriel, fini) {
      const objet = String(courriel.data.subject ?? '');
      if ([...refus].some((p) => p(objet))) {
        fini(Object.assign(new Error('451 4.3.0 Service momentanément indisponible (essai)'), { responseCode: 451 }), undefined);
        return;
      }
      void Promise.all([...retenues].filter((r) => r.predicat(objet)).map((r) => r.levee))
        .then(() => reel.sendMail(courriel.data))
        .then(
          (info) => fini(null, info),
          (e: Error) => fini(e, undefined),
        );
    },
  };
  return {
    transport: nodemailer.createTransport(retenable),
    retenir(predicat) {
      let lever!: () => void;
      const r = { predicat, levee: new Promise<void>((ok) => (lever = ok)) };
      retenues.add(r);
      return () => {
        retenues.delete(r);
        lever();
      };
    },
    refuser(predicat) {
      refus.add(predicat);
      return () => void refus.delete(predicat);
    },
  };
}

export async function monterBanc(
  opts: {
    dependances?: Partial<DependancesActivites>;
    reglages?: OptionsWorker['reglages'];
    personnel?: Personne[];
    /** Où le mail catcher renvoie les avis de non-remise (destinataires en `.rebond.test`). */
    relaisRetours?: () => { hote: string; port: number } | undefined;
  } = {},
): Promise<Banc> {
  const env = await serveurTemporal();
  const courriels = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true, ...(opts.relaisRetours ? { relaisRetours: opts.relaisRetours } : {}) });
  const taskQueue = `essai-${Math.random().toString(36).slice(2, 8)}`;
  const smtp = transportRetenable(nodemailer.createTransport({ host: '127.0.0.1', port: courriels.smtpPort, secure: false, ignoreTLS: true }));
  const dependances: DependancesActivites = {
    base: await baseInscrite(opts.personnel),
    coffre: COFFRE,
    catalogue: CATALOGUE,
    transport: smtp.transport,
    expediteur: 'Prévention des expulsions <ne-pas-repondre@essai.example>',
    signeur: SIGNEUR,
    baseUrl: BASE_URL,
    ...opts.dependances,
  };
  const worker = await creerWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: DATA_CONVERTER,
    dependances,
    workflowBundle: await paquetWorkflows(),
    reglages: opts.reglages ?? {},
  });
  const course = worker.run();
  const presence = await signalerPresence(dependances.base, taskQueue);
  return {
    env,
    courriels,
    worker,
    taskQueue,
    dependances,
    retenirCourriels: smtp.retenir,
    refuserCourriels: smtp.refuser,
    async arreterWorker() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await course.catch(() => undefined);
      await presence.arreter();
    },
    async fermer() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await course.catch(() => undefined);
      await presence.arreter();
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

/** La situation d'un ménage orienté en prévention (éligible partout) : bail de 60 jours, 2 mois d'impayés. */
export function situationPrevention(s: Record<string, unknown> = {}) {
  return {
    impayesMois: 2,
    montantDette: 812.4,
    debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
    garantie: 'aucune',
    dejaTente: 'Deux relances écrites',
    contactBailleur: false,
    suiviParServiceSocial: false,
    ...s,
  };
}

let compteur = 0;
export const requete = () => `req-${Date.now()}-${++compteur}`;

/** Ce que les outils ci-dessous demandent d'un parcours : son identifiant et `describe`. */
export interface HandleDecrit {
  workflowId: string;
  describe(): Promise<{
    status: { name: string };
    raw: { pendingActivities?: unknown[] | null; pendingWorkflowTask?: unknown; workflowExtendedInfo?: unknown };
  }>;
}

/** Arrête un parcours d'essai (s'il tourne encore). */
export async function terminer(handle: { terminate(raison?: string): Promise<unknown> }): Promise<void> {
  await handle.terminate('fin du test').catch((e: unknown) => {
    if (!(e instanceof Error && /not found|already completed/i.test(e.message))) throw e;
  });
}

/** Ce qu'un describe dit du travail en cours d'un parcours, pour les messages d'erreur. */
function enCours(d: Awaited<ReturnType<HandleDecrit['describe']>>): string {
  const activites = d.raw.pendingActivities?.length ?? 0;
  return `statut ${d.status.name}, ${activites} activité(s) en cours${d.raw.pendingWorkflowTask ? ', une tâche de workflow en cours' : ''}`;
}

const auRepos = (d: Awaited<ReturnType<HandleDecrit['describe']>>) =>
  d.status.name !== 'RUNNING' || (!d.raw.pendingActivities?.length && !d.raw.pendingWorkflowTask);

/** Attend que le parcours soit au repos (aucune tâche de workflow ni activité en cours), ou fini. */
export async function repos(handle: HandleDecrit, ms = 30_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const d = await handle.describe();
      if (!auRepos(d)) throw new Error(`${handle.workflowId} n'est pas au repos après ${ms} ms : ${enCours(d)}`);
    },
    { timeout: ms, interval: 100 },
  );
}

interface InfoSautDeTemps {
  currentTime?: { seconds?: unknown; nanos?: number | null } | null;
  /** Le serveur 1.32 coupe `enabled` quand l'avance demandée (`fastForwardConfig.id`) est atteinte. */
  effectiveConfig?: { enabled?: boolean | null; fastForwardConfig?: { id?: string | null } | null } | null;
}
const infoSaut = (d: Awaited<ReturnType<HandleDecrit['describe']>>) =>
  (d.raw.workflowExtendedInfo as { timeSkippingInfo?: InfoSautDeTemps } | undefined)?.timeSkippingInfo ?? undefined;
const versDate = (t: { seconds?: unknown; nanos?: number | null }) => new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));

/**
 * Le rappel que le parcours fixe à une échéance au soir : 9 h, `rappelAvant` plus tôt, ou le dernier
 * jour ouvré d'avant si ce jour est chômé, à moins qu'il n'ait été passé quand l'échéance a été fixée
 * (`fixeeLe`, à l'heure du parcours).
 */
export const rappelAttendu = (due: Date | string, rappelAvant: string, fixeeLe: Date): Date =>
  rappelUnJourOuvreAvant(neufHeuresLe(retirerDuree(new Date(due), rappelAvant)), fixeeLe);

/**
 * Avance le parcours jusqu'à l'alerte de l'échéance `id`, dépassée : l'alerte à la coordination
 * attend les heures ouvrées (9 h du jour ouvré qui suit le dépassement, ou aussitôt s'il a lieu un
 * jour ouvré entre 9 h et 18 h). Vérifie l'heure que le parcours a notée (`alerteLe`) et rend
 * l'échéance. Déjà partie (dépassée aux heures ouvrées), rien à avancer.
 */
export async function jusquALAlerte(
  banc: Pick<Banc, 'env'>,
  handle: HandleDecrit & Pick<WorkflowHandle, 'query'>,
  id: string,
  calendrier: Calendrier = 'metropole',
): Promise<Echeance> {
  const etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === id && x.statut === 'depassee'), `échéance ${id} dépassée`);
  const echeance = etat.echeances.find((x) => x.id === id && x.statut === 'depassee')!;
  if (echeance.alerteLe) {
    expect(echeance.alerteLe).toBe(auxHeuresOuvrees(new Date(echeance.depasseeLe!), calendrier).toISOString());
    await avancerJusqua(banc, handle, apres(echeance.alerteLe));
  }
  return echeance;
}

/** Les prochaines 20 h (à Paris) à l'heure du parcours : aujourd'hui, ou demain si elles sont passées. Hors des heures ouvrées. */
export async function prochainesVingtHeures(handle: HandleDecrit): Promise<Date> {
  const maintenant = await heureDuParcours(handle);
  const vingtHeures = (jour: Date) => new Date(neufHeuresLe(jour).getTime() + 11 * 3_600_000);
  const ce = vingtHeures(maintenant);
  return ce.getTime() > maintenant.getTime() ? ce : vingtHeures(new Date(maintenant.getTime() + 86_400_000));
}

/**
 * Avance le parcours jusqu'après la demande « <libelle> à saisir » au travailleur social : elle part
 * quand l'échéance du point ou du bilan s'ouvre, ou à 9 h du jour ouvré suivant si elle s'ouvre hors
 * des heures ouvrées (la nuit, un week-end, un jour férié). Rend l'heure attendue.
 */
export async function jusquALaDemandeDeBilan(banc: Pick<Banc, 'env'>, handle: HandleDecrit & Pick<WorkflowHandle, 'query'>, libelle: string): Promise<Date> {
  const ouverte = (e: EtatParcours) => e.journal.filter((x) => x.type === 'echeance_ouverte' && x.resume.startsWith(`Échéance « ${libelle} »`)).at(-1);
  const etat = await jusqua(handle, (e) => !!ouverte(e), `échéance « ${libelle} » ouverte`);
  const demandeLe = auxHeuresOuvrees(new Date(ouverte(etat)!.date));
  await avancerJusqua(banc, handle, apres(demandeLe));
  return demandeLe;
}

/**
 * L'heure de l'escalade « Sans réponse » d'une demande restée sans réponse à son échéance : 9 h du
 * jour ouvré qui suit (aussitôt si l'échéance passe un jour ouvré entre 9 h et 18 h).
 */
export const escaladeAttendue = (demande: { echeance: string }, calendrier: Calendrier = 'metropole'): Date =>
  auxHeuresOuvrees(new Date(Date.parse(demande.echeance) + 1), calendrier);

/** Avance le parcours jusqu'après l'escalade « Sans réponse » de `demande` (voir `escaladeAttendue`). */
export async function jusquALEscalade(
  banc: Pick<Banc, 'env'>,
  handle: HandleDecrit,
  demande: { echeance: string },
  calendrier: Calendrier = 'metropole',
): Promise<void> {
  await avancerJusqua(banc, handle, apres(escaladeAttendue(demande, calendrier)));
}

/**
 * L'heure du parcours : celle du serveur pour ce workflow, en avance sur l'horloge réelle de tout
 * ce que `avancer` lui a fait sauter. C'est elle que le parcours lit (`Date.now()` du workflow).
 */
export async function heureDuParcours(handle: HandleDecrit): Promise<Date> {
  const info = infoSaut(await handle.describe());
  return info?.currentTime ? versDate(info.currentTime) : new Date();
}

// Les durées « 3 weeks » des tests sont celles du SDK, lues par son propre analyseur (marqué interne).
// eslint-disable-next-line @typescript-eslint/no-deprecated
const enMs = (duree: string | number) => (typeof duree === 'number' ? duree : msToNumber(duree as Duration));

/**
 * Avance l'horloge d'un seul parcours de `duree` (« 3 weeks », « 25 days », ou des ms) sur le vrai
 * serveur : ses minuteurs échus se déclenchent dans l'ordre, ses activités s'exécutent à leur date,
 * les autres parcours ne bougent pas. Revient quand l'heure visée est atteinte et le parcours au
 * repos (ou fini).
 */
export async function avancer(banc: Pick<Banc, 'env'>, handle: HandleDecrit, duree: string | number, ms = 120_000): Promise<void> {
  await (await lancerAvance(banc, handle, duree)).atteinte(ms);
}

/**
 * Demande l'avance de `avancer` sans l'attendre : pour voir le parcours en chemin (un courriel
 * retenu l'arrête en route). `atteinte` attend ensuite l'heure visée et le repos, comme `avancer`.
 */
export async function lancerAvance(banc: Pick<Banc, 'env'>, handle: HandleDecrit, duree: string | number): Promise<{ atteinte(ms?: number): Promise<void> }> {
  const duree_ms = enMs(duree);
  if (!(duree_ms > 0)) throw new Error(`Durée à avancer invalide : ${duree}`);
  const id = `avance-${Date.now()}-${++compteur}`;
  await banc.env.connection.workflowService.updateWorkflowExecutionOptions({
    namespace: banc.env.namespace ?? 'default',
    workflowExecution: { workflowId: handle.workflowId },
    workflowExecutionOptions: {
      timeSkippingConfig: {
        enabled: true,
        // Les enfants d'un parcours (rechute) gardent l'heure réelle : ils ont leurs propres avances.
        disablePropagation: true,
        maxSessionSkipCount: 100_000,
        fastForwardConfig: { id, duration: { seconds: Math.floor(duree_ms / 1000), nanos: (duree_ms % 1000) * 1e6 } },
      },
    },
    updateMask: { paths: ['time_skipping_config'] },
  } as never);
  return {
    atteinte: async (ms = 120_000) => {
      await vi.waitFor(
        async () => {
          const d = await handle.describe();
          if (d.status.name !== 'RUNNING') return;
          const config = infoSaut(d)?.effectiveConfig;
          const atteinte = config?.fastForwardConfig?.id === id && !config.enabled;
          if (!atteinte || !auRepos(d)) {
            const ou = infoSaut(d)?.currentTime ? versDate(infoSaut(d)!.currentTime!).toISOString() : 'inconnue';
            throw new Error(
              `${handle.workflowId} : avance de ${duree} ${atteinte ? 'atteinte, parcours pas au repos' : 'pas encore atteinte'} (heure du parcours ${ou}, ${enCours(d)})`,
            );
          }
        },
        { timeout: ms, interval: 100 },
      );
    },
  };
}

/**
 * Attend que le dossier d'un parcours, en base, ait pour prochaine échéance (ce que montrent les
 * listes et le tableau de bord) ce libellé à cette date.
 */
export async function attendreEcheanceDuDossier(banc: Pick<Banc, 'dependances'>, workflowId: string, libelle: string, due: unknown): Promise<void> {
  await vi.waitFor(
    async () => {
      const d = await banc.dependances.base
        .selectFrom('dossiers')
        .select(['echeance', 'libelle_echeance'])
        .where('workflow_id', '=', workflowId)
        .executeTakeFirst();
      expect([d?.libelle_echeance, d?.echeance?.toISOString()]).toEqual([libelle, due]);
    },
    { timeout: 10_000, interval: 200 },
  );
}

/** Avance l'horloge d'un parcours jusqu'à une date (sans effet si elle est déjà passée pour lui). */
export async function avancerJusqua(banc: Pick<Banc, 'env'>, handle: HandleDecrit, date: Date | string): Promise<void> {
  const cible = new Date(date).getTime();
  const ecart = cible - (await heureDuParcours(handle)).getTime();
  if (ecart > 0) await avancer(banc, handle, ecart);
}

/**
 * Attend que l'état du parcours vérifie `predicat` (requêtes répétées) ; sinon l'erreur dit ce qui
 * était attendu, l'étape et le journal.
 */
export async function jusqua(
  handle: { workflowId: string; query: WorkflowHandle['query'] },
  predicat: (e: EtatParcours) => boolean,
  attendu = 'état attendu',
  ms = 30_000,
): Promise<EtatParcours> {
  return vi.waitFor(
    async () => {
      const e = await handle.query(etatQuery);
      if (!predicat(e))
        throw new Error(`${handle.workflowId} : ${attendu} jamais atteint ; étape « ${e.etape} », journal : ${e.journal.map((x) => x.type).join(', ')}`);
      return e;
    },
    // Toutes les 150 ms : chaque requête est une tâche du worker ; plus souvent (30 ms, puis 75 ms), les
    // six fichiers en parallèle en font des centaines par seconde et la suite y perd du calcul (mesuré : README).
    { timeout: ms, interval: 150 },
  );
}

/** Attend que le parcours suive l'échéance `id` avec ce statut, et la renvoie (sa date `due` dit quand avancer). */
export async function echeanceSuivie(
  handle: { workflowId: string; query: WorkflowHandle['query'] },
  id: string,
  statut: Echeance['statut'] = 'en_cours',
): Promise<Echeance> {
  const e = await jusqua(handle, (x) => x.echeances.some((y) => y.id === id && y.statut === statut), `échéance « ${id} » ${statut}`);
  return e.echeances.find((y) => y.id === id && y.statut === statut)!;
}

/**
 * Comité de suivi (reims-april) : les services sociaux répondent à la vérification par leur lien (aucun
 * accompagnement connu, ou déjà accompagné par `dejaSuiviPar`), puis la coordination enregistre la
 * décision du comité (par défaut : intégrer). Rend la réponse de la décision.
 */
export async function passerLeComite(
  handle: { workflowId: string; query: WorkflowHandle['query']; executeUpdate: WorkflowHandle['executeUpdate'] },
  o: { dejaSuiviPar?: string; decision?: 'integrer' | 'ne_pas_integrer'; motif?: string } = {},
): Promise<{ etape: string }> {
  const e = await jusqua(
    handle,
    (x) => x.etape === 'comite_de_suivi' && x.demandes.some((d) => d.action === 'verification' && d.statut === 'en_attente'),
    'vérification avant le comité de suivi',
  );
  const verification = e.demandes.find((d) => d.action === 'verification' && d.statut === 'en_attente')!;
  await handle.executeUpdate(repondreValidationUpdate, {
    args: [
      {
        requestId: requete(),
        par: 'partenaire:services_sociaux',
        demandeId: verification.id,
        role: 'services_sociaux',
        decision: o.dejaSuiviPar ? 'refuse' : 'approuve',
        ...(o.dejaSuiviPar ? { commentaire: o.dejaSuiviPar } : {}),
      },
    ],
  });
  return handle.executeUpdate(decisionComiteUpdate, {
    args: [{ requestId: requete(), par: 'coord.essai', decision: o.decision ?? 'integrer', ...(o.motif ? { motif: o.motif } : {}) }],
  });
}

/**
 * Étude conjointe (toulouse-declic) : le référent du bailleur valide le plan par son lien, comme il le
 * ferait de sa page ; rend l'état après la réponse.
 */
export async function planValideParLeReferent(
  handle: { workflowId: string; query: WorkflowHandle['query']; executeUpdate: WorkflowHandle['executeUpdate'] },
  decision: 'approuve' | 'refuse' = 'approuve',
  commentaire?: string,
): Promise<EtatParcours> {
  const e = await jusqua(
    handle,
    (x) => x.demandes.some((d) => d.objet.startsWith(OBJET_VALIDATION_REFERENT) && d.statut === 'en_attente'),
    'demande au référent du bailleur',
  );
  const demande = e.demandes.find((d) => d.objet.startsWith(OBJET_VALIDATION_REFERENT) && d.statut === 'en_attente')!;
  const requestId = `referent-${demande.id}`;
  await handle.executeUpdate(repondreValidationUpdate, {
    args: [{ requestId, par: 'partenaire:bailleur', demandeId: demande.id, role: 'bailleur', decision, ...(commentaire ? { commentaire } : {}) }],
    updateId: requestId,
  });
  return handle.query(etatQuery);
}

/** Une date plus quelques minutes : pour avancer juste après une échéance. */
export const apres = (date: Date | string, minutes = 1) => new Date(new Date(date).getTime() + minutes * 60_000);

/**
 * Démarre un parcours à une date donnée de son horloge (dans le futur) : le workflow est créé avec
 * un départ différé (`startDelay`) puis avancé jusqu'à cette date ; sa première tâche y voit
 * `Date.now()` égal à la date (à quelques millisecondes près). Les délais d'un parcours lancé un
 * 31 janvier ou la veille d'un changement d'heure se testent ainsi sur le vrai serveur.
 */
export async function demarrerLe(
  banc: Pick<Banc, 'env'>,
  date: Date,
  type: string,
  options: { taskQueue: string; workflowId: string; args: unknown[] },
): Promise<WorkflowHandle> {
  const delai = date.getTime() - Date.now();
  if (delai < 1000) throw new Error(`demarrerLe : la date doit être dans le futur (${date.toISOString()})`);
  const handle = await banc.env.client.workflow.start(type, { ...options, startDelay: delai } as never);
  await avancer(banc, handle, delai);
  return handle;
}

/** Le prochain (jour, mois) à une heure de Paris, après aujourd'hui : « le prochain 31 janvier à 10 h ». */
export function prochain(jour: number, mois: number, heure = 10, minute = 0, apresLe = new Date()): Date {
  for (let annee = apresLe.getUTCFullYear(); ; annee++) {
    const local = Date.UTC(annee, mois - 1, jour, heure, minute);
    if (new Date(local).getUTCDate() !== jour) continue; // 29 février d'une année non bissextile
    const t = new Date(depuisHeureDeParis(local));
    if (t.getTime() > apresLe.getTime() + 86_400_000) return t;
  }
}

/**
 * Quand partent les rappels d'une demande à un partenaire qui court jusqu'au soir (délai `delai`, ou
 * sans lui une échéance donnée : celle de la demande) : le calcul du parcours (`datesDesRappels`,
 * essayé à des dates données dans test/duree.test.ts), aux heures ouvrées et avant l'échéance. Dans
 * l'ordre où ils partent.
 */
export function rappelsAttendus(demande: { envoyeeLe: string; echeance: string }, rappels: string[], delai?: string, calendrier?: Calendrier): Date[] {
  const envoyee = new Date(demande.envoyeeLe);
  const echeance = new Date(demande.echeance);
  return datesDesRappels(envoyee, rappels, delai ? ajouterDuree(envoyee, delai) : echeance, true, calendrier, echeance);
}

/** Le jour suivant (AAAA-MM-JJ). */
export const jourSuivant = (jour: string) => new Date(Date.parse(`${jour}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Le jour ouvré de Paris où tombe `instant`, ou le premier qui suit, compté ici jour par jour. */
export function jourOuvreAttendu(instant: Date, calendrier: Calendrier = 'metropole'): string {
  let jour = jourDeParis(instant);
  while (!estJourOuvre(jour, calendrier)) jour = jourSuivant(jour);
  return jour;
}

/**
 * La fin (dernière milliseconde à Paris) du jour ouvré où tombe `instant`, ou du suivant : ce que
 * l'essai attend d'une réponse demandée à un partenaire.
 */
export function finDuJourOuvreAttendue(instant: Date, calendrier: Calendrier = 'metropole'): Date {
  return new Date(minuitDeParis(jourSuivant(jourOuvreAttendu(instant, calendrier))).getTime() - 1);
}
