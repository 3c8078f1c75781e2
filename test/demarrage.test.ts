/**
 * Lanceur embarqué (`npm start` → dev/start.ts), de bout en bout, avec les vrais binaires :
 *
 *  - `node --import tsx dev/start.ts` (la commande de `npm start`, sans son installation) sur des ports libres et un
 *    DATA_DIR temporaire affiche les adresses ; /health répond 200 (Temporal et SMTP « ok »), la
 *    boîte de réception, l'interface Temporal (codec de l'API réglé) et la documentation répondent,
 *    un compte de démonstration se connecte ;
 *  - Ctrl-C (SIGINT au groupe de processus, comme un terminal) arrête tout en moins de 20 s :
 *    code 0, plus aucun processus lancé (serveur Temporal, worker, API), ports libérés ;
 *  - un second lancement sur le même DATA_DIR réutilise le fichier de clés (contenu identique,
 *    mode 0600) et retrouve un parcours démarré au premier lancement, dont le mémo chiffré se
 *    déchiffre encore, et les courriels de la boîte de réception ; le paquet des workflows, fait au
 *    premier lancement dans le dossier d'état, est repris tel quel (worker/paquet-local.ts).
 *
 * Compter 20 à 90 s (premier empaquetage des workflows).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lireFichierEnv, NOM_FICHIER_CLES } from '../dev/cles-locales';
import { portLibreAuHasard } from '../dev/ports';
import { parseKeyRing } from '../securite/cles';
import { createDataConverter, ENCODING_CHIFFRE, METADATA_ENCODING_KEY } from '../securite/codec';
import { SANTE_OK } from '../api/schemas-api';

const racine = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.TEMPORAL_CLI_PATH ?? join(racine, '.temporal', 'bin', 'temporal');
const PRET = 'Ctrl-C pour tout arrêter';
const DELAI_PRET_MS = 150_000;
const DELAI_ARRET_MS = 20_000;
/** La fermeture des tubes du lanceur après sa sortie : la somme de ses délais de grâce, et de la marge. */
const DELAI_FERMETURE_MS = 40_000;

interface Lancement {
  proc: ChildProcess;
  sortie: () => string;
  fin: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  termine: () => boolean;
}

function lancer(env: NodeJS.ProcessEnv): Lancement {
  // Groupe de processus propre (detached) : on pourra lui envoyer SIGINT comme le fait un terminal.
  // Comme `npm start` : tsx chargé dans le processus du lanceur (`--import`), pas la commande `tsx`, qui
  // tue son enfant (SIGKILL) s'il n'a pas accusé un signal relayé en 30 ms (vu les deux cœurs occupés :
  // le lanceur tué au milieu de son arrêt, sans « Tout est arrêté. »).
  const proc = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], { cwd: racine, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let texte = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (texte += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (texte += d));
  let fini = false;
  // La sortie complète n'est lue qu'à la fermeture des tubes (« close ») : « exit » peut arriver avant
  // les dernières lignes lues (« Tout est arrêté. »), surtout sur une machine chargée. Au plus
  // DELAI_FERMETURE_MS après « exit » : le lanceur accorde jusqu'à 5 s à l'API et au worker, 5 s à
  // PostgreSQL et 10 s à Temporal (plus 3 s chacun après un arrêt forcé). Un petit-enfant qui
  // garderait le tube ouvert ne bloque pas l'essai (il est compté à part). Lancé par `npx tsx`, le
  // lanceur était parfois tué au milieu de son arrêt, sa sortie coupée (vu deux fois le 7 décembre,
  // les deux cœurs occupés) : la commande `tsx` relaie le signal et tue son enfant s'il ne l'a pas
  // accusé en 30 ms.
  const ferme = new Promise<void>((ok) => proc.once('close', () => ok()));
  const fin = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    proc.once('exit', (code, signal) => {
      fini = true;
      void Promise.race([ferme, new Promise((delai) => setTimeout(delai, DELAI_FERMETURE_MS))]).then(() => ok({ code, signal }));
    }),
  );
  return { proc, sortie: () => texte, fin, termine: () => fini };
}

async function attendrePret(l: Lancement): Promise<void> {
  let arrete = false;
  await vi
    .waitFor(
      () => {
        if (l.sortie().includes(PRET)) return;
        if (l.termine()) {
          arrete = true;
          return;
        }
        throw new Error('pas encore prêt');
      },
      { timeout: DELAI_PRET_MS, interval: 200 },
    )
    .catch(() => {
      throw new Error(`Le lanceur n’est pas prêt après ${DELAI_PRET_MS / 1000} s. Sortie :\n${l.sortie()}`);
    });
  if (arrete) throw new Error(`Le lanceur s’est arrêté avant d’être prêt. Sortie :\n${l.sortie()}`);
}

/**
 * Arrêt propre du lanceur ? Son code 0 (lancé par npm, qui relance sur lui-même le signal reçu une
 * fois son enfant terminé, le statut serait « tué par SIGINT »), et son message final, qui atteste
 * l'arrêt complet (il n'est écrit qu'après l'arrêt de tous les services).
 */
function arretPropre(l: Lancement, r: { code: number | null; signal: NodeJS.Signals | null }): void {
  expect(r.code === 0 || (r.code === null && r.signal === 'SIGINT'), `statut ${r.code ?? r.signal}\n${l.sortie()}`).toBe(true);
  expect(l.sortie()).toContain('Tout est arrêté.');
  expect(l.sortie()).not.toContain('✗');
}

/** Envoie Ctrl-C (SIGINT au groupe) et renvoie la sortie du lanceur et sa durée d'arrêt. */
async function ctrlC(l: Lancement): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const debut = Date.now();
  process.kill(-l.proc.pid!, 'SIGINT');
  const r = await Promise.race([l.fin, new Promise<'delai'>((ok) => setTimeout(() => ok('delai'), DELAI_ARRET_MS + DELAI_FERMETURE_MS + 5_000))]);
  if (r === 'delai') throw new Error(`Le lanceur ne s’est pas arrêté après Ctrl-C. Sortie :\n${l.sortie()}`);
  return { ...r, ms: Date.now() - debut };
}

interface Processus {
  pid: number;
  ppid: number;
  etat: string;
  commande: string;
}

function processus(): Processus[] {
  const r = spawnSync('ps', ['-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), etat: m[3]!, commande: m[4]! }));
}

/** Tous les descendants (vivants) d'un processus. */
function descendants(racinePid: number): Processus[] {
  const tous = processus();
  const resultat: Processus[] = [];
  const file = [racinePid];
  while (file.length) {
    const p = file.shift()!;
    for (const enfant of tous.filter((x) => x.ppid === p)) {
      resultat.push(enfant);
      file.push(enfant.pid);
    }
  }
  return resultat;
}

/** Les processus de la liste encore vivants (les zombies sont bien terminés). */
function survivants(liste: Processus[]): Processus[] {
  const vivants = new Map(processus().map((p) => [p.pid, p]));
  return liste.filter((p) => {
    const v = vivants.get(p.pid);
    return v !== undefined && !v.etat.startsWith('Z') && v.commande === p.commande;
  });
}

function portLibre(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = net.createServer();
    s.once('error', () => ok(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => ok(true)));
  });
}

async function portsAuHasard(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await portLibreAuHasard(ports));
  return [...ports];
}

const DELAI_TEST_MS = DELAI_PRET_MS + 90_000;

// Groupes de processus et `ps` : POSIX seulement.
describe.skipIf(process.platform === 'win32')('lanceur embarqué (node --import tsx dev/start.ts)', () => {
  let dossier: string;
  let env: NodeJS.ProcessEnv;
  let ports: { api: number; temporal: number; ui: number; smtp: number; boite: number; postgres: number; sms: number; retours: number };
  const lancements: Lancement[] = [];
  const lances: Processus[] = [];
  let contenuCles = '';
  /** Le paquet des workflows préparé au premier lancement : son nom et sa date. */
  let paquet = { nom: '', modifieLe: 0 };
  const paquets = () => readdirSync(join(dossier, 'paquet-workflows')).filter((f) => f.endsWith('.js'));
  /** Ouverte au premier lancement : elle vaut encore au second (sessions dans PostgreSQL, .data/postgres). */
  let jetonSession = '';
  const idParcours = `essai-persistance-${Date.now()}`;

  const lire = async (chemin: string) => {
    const r = await fetch(`http://localhost:${ports.api}${chemin}`, { signal: AbortSignal.timeout(10_000) });
    return { status: r.status, texte: await r.text() };
  };

  const clientChiffre = async () => {
    const valeurs = lireFichierEnv(readFileSync(join(dossier, NOM_FICHIER_CLES), 'utf8'));
    const anneau = parseKeyRing(valeurs.PAYLOAD_ENCRYPTION_KEYS!, { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' });
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}`, connectTimeout: 10_000 });
    return { connection, client: new Client({ connection, dataConverter: createDataConverter(anneau) }) };
  };

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      throw new Error(`CLI Temporal absent : ${CLI}. Lancez « npm test » (il l’installe) ou scripts/install-temporal.sh.`);
    }
    dossier = mkdtempSync(join(tmpdir(), 'demarrage-'));
    // Tous les ports au hasard, boîte des SMS comprise : deux suites sur la même machine (ou un
    // npm start ouvert à côté) ne se les disputent pas.
    const [api, temporal, ui, smtp, boite, postgres, sms, retours] = await portsAuHasard(8);
    ports = { api: api!, temporal: temporal!, ui: ui!, smtp: smtp!, boite: boite!, postgres: postgres!, sms: sms!, retours: retours! };
    env = { ...process.env };
    for (const k of Object.keys(env)) {
      if (k.startsWith('TEMPORAL_') && k !== 'TEMPORAL_CLI_PATH') delete env[k];
    }
    for (const k of [
      'DATABASE_URL',
      'LINK_SIGNING_KEYS',
      'PAYLOAD_ENCRYPTION_KEYS',
      'PUBLIC_BASE_URL',
      'SMTP_URL',
      'MAIL_INBOX_URL',
      'SMS_URL',
      'SMS_INBOX_URL',
      'RETOURS_COURRIEL',
      'STAFF_ACCOUNTS_FILE',
      'DEMO_ACCOUNTS',
      'LOG_LEVEL',
    ]) {
      delete env[k];
    }
    Object.assign(env, {
      DATA_DIR: dossier,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      SMTP_PORT: String(ports.smtp),
      MAIL_INBOX_PORT: String(ports.boite),
      POSTGRES_PORT: String(ports.postgres),
      SMS_INBOX_PORT: String(ports.sms),
      RETOURS_SMTP_PORT: String(ports.retours),
      NO_COLOR: '1',
    });
  });

  afterAll(async () => {
    // Filet de sécurité si un test a échoué en cours de route : rien ne doit survivre.
    for (const l of lancements) {
      if (!l.termine()) {
        try {
          process.kill(-l.proc.pid!, 'SIGINT');
        } catch {
          /* déjà arrêté */
        }
        await Promise.race([l.fin, new Promise((r) => setTimeout(r, DELAI_ARRET_MS))]);
      }
    }
    for (const p of survivants(lances)) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          /* déjà arrêté */
        }
      }
    }
    if (dossier) rmSync(dossier, { recursive: true, force: true });
  });

  it(
    'démarre tout en une commande et affiche les adresses et les comptes de démonstration',
    async () => {
      const l = lancer(env);
      lancements.push(l);
      await attendrePret(l);
      const sortie = l.sortie();
      expect(sortie).toContain(`http://localhost:${ports.api}`);
      expect(sortie).toContain(`http://localhost:${ports.api}/docs`);
      expect(sortie).toContain(`http://localhost:${ports.boite}`);
      expect(sortie).toContain(`http://localhost:${ports.sms}/`);
      expect(sortie).toContain(`smtp://127.0.0.1:${ports.retours}`);
      expect(sortie).toContain(`http://localhost:${ports.ui}`);
      expect(sortie).toMatch(/admin\s+admin-demo/);
      expect(sortie).toMatch(/ts\.martin\s+ts-demo/);

      lances.push(...descendants(l.proc.pid!));
      expect(lances.some((p) => p.commande.includes('server start-dev') && p.commande.includes(dossier))).toBe(true);
      expect(lances.some((p) => p.commande.includes('worker/main.ts'))).toBe(true);
      expect(lances.some((p) => p.commande.includes('serveur/main.ts'))).toBe(true);

      const sante = await lire('/health');
      expect(sante.status).toBe(200);
      expect(JSON.parse(sante.texte)).toEqual(SANTE_OK);
      expect((await lire('/docs')).status).toBe(200);

      // L'API reçoit les avis de non-remise en SMTP.
      const retours = nodemailer.createTransport({ host: '127.0.0.1', port: ports.retours, secure: false, ignoreTLS: true });
      expect(await retours.verify()).toBe(true);
      retours.close();

      const boite = await fetch(`http://localhost:${ports.boite}/`, { signal: AbortSignal.timeout(10_000) });
      expect(boite.status).toBe(200);
      await boite.arrayBuffer();
      const ui = await fetch(`http://localhost:${ports.ui}/`, { signal: AbortSignal.timeout(10_000) });
      expect(ui.status).toBe(200);
      await ui.arrayBuffer();
      // L'interface Temporal fait déchiffrer les données par le codec de l'API (réservé à l'administration).
      // Le CLI ne règle pas « includeCredentials » : à cocher dans l'interface (README).
      const reglages = await fetch(`http://localhost:${ports.ui}/api/v1/settings`, { signal: AbortSignal.timeout(10_000) });
      expect((await reglages.json()) as unknown).toMatchObject({ Codec: { Endpoint: `http://localhost:${ports.api}/codec`, IncludeCredentials: false } });

      // Un courriel reçu par la boîte de réception : il y sera encore au second lancement.
      await nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true }).sendMail({
        from: 'essai@exemple.fr',
        to: 'menage@exemple.fr',
        subject: 'Courriel d’avant le redémarrage',
        text: `Lien : http://localhost:${ports.api}/`,
      });
      expect(readdirSync(join(dossier, 'courriels')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

      const session = await fetch(`http://localhost:${ports.api}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifiant: 'coord.loiret', motDePasse: 'coord-demo' }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(session.status).toBe(200);
      const corps = (await session.json()) as { jeton?: string; personne?: { id: string; role: string } };
      expect(corps.jeton).toEqual(expect.any(String));
      expect(corps.personne).toMatchObject({ id: 'coord.loiret', role: 'coordinateur' });
      jetonSession = corps.jeton!;

      // Clés locales : générées une fois, lisibles par le seul utilisateur.
      const fichierCles = join(dossier, NOM_FICHIER_CLES);
      contenuCles = readFileSync(fichierCles, 'utf8');
      expect(contenuCles).toMatch(/^LINK_SIGNING_KEYS=local1:\S+$/m);
      expect(contenuCles).toMatch(/^PAYLOAD_ENCRYPTION_KEYS=local1:\S+$/m);
      expect(statSync(fichierCles).mode & 0o777).toBe(0o600);

      // Les workflows empaquetés une fois, dans le dossier d'état ; le worker a reçu ce paquet.
      expect(paquets()).toHaveLength(1);
      paquet = { nom: paquets()[0]!, modifieLe: statSync(join(dossier, 'paquet-workflows', paquets()[0]!)).mtimeMs };
      expect(
        lances.some((p) => p.commande.includes('worker/main.ts') && p.commande.includes(`--paquet ${join(dossier, 'paquet-workflows', paquet.nom)}`)),
      ).toBe(true);

      // Un « parcours » (sur une file sans worker : il reste en cours) avec un mémo chiffré.
      const { connection, client } = await clientChiffre();
      try {
        await client.workflow.start('parcoursEssaiPersistance', {
          taskQueue: 'essai-persistance',
          workflowId: idParcours,
          memo: { menage: 'Famille Dupont' },
        });
        const brut = await connection.workflowService.describeWorkflowExecution({
          namespace: 'default',
          execution: { workflowId: idParcours },
        });
        const encodage = brut.workflowExecutionInfo?.memo?.fields?.menage?.metadata?.[METADATA_ENCODING_KEY];
        expect(Buffer.from(encodage ?? []).toString()).toBe(ENCODING_CHIFFRE);
      } finally {
        await connection.close();
      }
    },
    DELAI_TEST_MS,
  );

  it(
    'Ctrl-C arrête tout en moins de 20 s, sans processus orphelin, et libère les ports',
    async () => {
      const l = lancements[0]!;
      expect(l.termine()).toBe(false);
      const r = await ctrlC(l);
      arretPropre(l, r);
      expect(r.ms).toBeLessThan(DELAI_ARRET_MS);
      expect(survivants(lances).map((p) => `${p.pid} ${p.commande}`)).toEqual([]);
      for (const [nom, port] of Object.entries(ports)) {
        expect(await portLibre(port), `port ${nom} (${port}) encore occupé`).toBe(true);
      }
      expect(existsSync(join(dossier, 'temporal.sqlite'))).toBe(true);
    },
    DELAI_TEST_MS,
  );

  it(
    'un second lancement réutilise les clés et retrouve les parcours et les sessions (PostgreSQL dans le dossier d’état)',
    async () => {
      const l = lancer(env);
      lancements.push(l);
      await attendrePret(l);
      lances.push(...descendants(l.proc.pid!));
      expect(readFileSync(join(dossier, NOM_FICHIER_CLES), 'utf8')).toBe(contenuCles);
      expect(l.sortie()).not.toContain('Clés locales générées');
      // Le code n'a pas changé : le même paquet, repris sans être refait.
      expect(paquets()).toEqual([paquet.nom]);
      expect(statSync(join(dossier, 'paquet-workflows', paquet.nom)).mtimeMs).toBe(paquet.modifieLe);

      const sante = await lire('/health');
      expect(sante.status).toBe(200);
      const boite = (await (await fetch(`http://localhost:${ports.boite}/api/messages`, { signal: AbortSignal.timeout(10_000) })).json()) as Array<{
        sujet: string;
      }>;
      expect(boite.map((m) => m.sujet)).toEqual(['Courriel d’avant le redémarrage']);
      const session = await fetch(`http://localhost:${ports.api}/api/session`, {
        headers: { authorization: `Bearer ${jetonSession}` },
        signal: AbortSignal.timeout(10_000),
      });
      expect(session.status, 'la session ouverte avant le redémarrage vaut encore').toBe(200);

      const { connection, client } = await clientChiffre();
      try {
        const description = await client.workflow.getHandle(idParcours).describe();
        expect(description.status.name).toBe('RUNNING');
        expect(description.memo).toEqual({ menage: 'Famille Dupont' });
        await client.workflow.getHandle(idParcours).terminate('fin du test');
      } finally {
        await connection.close();
      }

      arretPropre(l, await ctrlC(l));
      expect(survivants(lances).map((p) => `${p.pid} ${p.commande}`)).toEqual([]);
    },
    DELAI_TEST_MS,
  );
});
