/**
 * « Mail catcher » embarqué : un vrai serveur SMTP (smtp-server) dont les courriels sont analysés par
 * `mailparser` (en-têtes, corps texte et HTML, pièces jointes), plus une boîte de réception web pour
 * les lire (dev/mail-inbox.ts).
 *
 * Utilisé par le lanceur de dev et par les tests qui doivent lire ce qu'un
 * vrai puits SMTP a reçu :
 *
 *   const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
 *   // … l'application envoie sur 127.0.0.1:catcher.smtpPort …
 *   const m = await catcher.waitFor((m) => m.a.includes('menage@exemple.fr'));
 *   await catcher.close();
 *
 * Avec `dossier`, chaque courriel est aussi écrit sur disque (source `.eml` telle que reçue et
 * `.json` de réception) et relu au démarrage suivant : la boîte survit à un redémarrage. Le lanceur
 * de dev utilise `<DATA_DIR>/courriels` (`.data/`, ignoré par git). Comme un relais strict, il refuse
 * les destinataires d'un domaine en `.invalid` (réservé, RFC 2606 : il n'existe jamais) par « 550
 * 5.1.2 » : de quoi essayer une adresse erronée ; il accepte ceux d'un domaine en `.rebond.test`, puis
 * renvoie un avis de non-remise au récepteur des avis (`relaisRetours`, dev/avis-non-remise.ts) : de
 * quoi essayer une adresse refusée plus loin. C'est un outil de
 * développement, pas un système d'enregistrement : les 1 000 derniers courriels seulement.
 *
 * Lancement direct : `npx tsx dev/mail-catcher.ts` (SMTP_PORT, défaut 1025 ;
 * MAIL_INBOX_PORT, défaut 1080 ; MAIL_CATCHER_HOST, défaut 127.0.0.1 ; MAIL_CATCHER_DIR, défaut
 * `.data/courriels`, vide : en mémoire seulement).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { simpleParser, type AddressObject, type EmailAddress, type HeaderValue, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerSession } from 'smtp-server';
import type { CourrielRecu, PieceJointeRecue } from './courriel-recu';
import { creerApplicationBoite } from './mail-inbox';
import { avisDeNonRemise, estAdresseQuiRevient, renvoyerAvis } from './avis-non-remise';

export type { CourrielRecu, PieceJointeRecue };

export interface MailCatcher {
  smtpPort: number;
  httpPort: number;
  inboxUrl: string;
  /** Copie des courriels reçus, du plus ancien au plus récent. */
  messages(): CourrielRecu[];
  /** Vide la boîte (et son dossier, s'il y en a un). */
  clear(): void;
  /**
   * Premier courriel (dans l'ordre de réception) qui satisfait `pred`, déjà reçu
   * ou à venir. Rejette après `timeoutMs` (10 s par défaut) en listant les sujets reçus.
   */
  waitFor(pred: (m: CourrielRecu) => boolean, opts?: { timeoutMs?: number }): Promise<CourrielRecu>;
  close(): Promise<void>;
}

export interface OptionsMailCatcher {
  /** 0 = port libre choisi par le système (défaut : 0). */
  smtpPort?: number;
  /** 0 = port libre choisi par le système (défaut : 0). */
  httpPort?: number;
  /** Défaut : 127.0.0.1. */
  host?: string;
  /** N'écrit rien sur la console (défaut : false). */
  quiet?: boolean;
  /**
   * Dossier où garder les courriels entre deux lancements (créé au besoin, mode 0700). Sans lui,
   * la boîte est en mémoire seulement.
   */
  dossier?: string;
  /**
   * Où renvoyer les avis de non-remise des destinataires en `.rebond.test` (dev/avis-non-remise.ts) :
   * le récepteur des avis du produit. Lu à chaque courriel ; sans lui, ces courriels se perdent.
   */
  relaisRetours?: () => { hote: string; port: number } | undefined;
}

const CAPACITE = 1000;
const TAILLE_MAX = 25 * 1024 * 1024;
const DELAI_ATTENTE_DEFAUT = 10_000;
/** Fichiers d'un courriel dans le dossier : `<reçu le, ms sur 15 chiffres>-<id>.eml` et `.json`. */
const NOM_FICHIER = /^(\d{15})-([0-9a-f-]{36})\.json$/;

function hoteUrl(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

// ---------------------------------------------------------------------------
// Analyse (mailparser)
// ---------------------------------------------------------------------------

/** Ce qui vient de l'enveloppe SMTP et de la réception, gardé à côté de la source. */
interface Reception {
  id: string;
  recuLe: string;
  enveloppe: { de: string | null; a: string[] };
}

function listeAdresses(v: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objets = v === undefined ? [] : Array.isArray(v) ? v : [v];
  // Les groupes (« Groupe: a@x.fr, b@x.fr; ») sont remplacés par leurs membres.
  const aplatir = (a: EmailAddress): EmailAddress[] => (a.group ? a.group.flatMap(aplatir) : [a]);
  return objets.flatMap((o) => o.value.flatMap(aplatir));
}

const adressesNues = (v: AddressObject | AddressObject[] | undefined): string[] =>
  listeAdresses(v)
    .map((a) => a.address ?? '')
    .filter((a) => a !== '');

const estAdresses = (v: unknown): v is AddressObject =>
  typeof v === 'object' && v !== null && 'value' in v && 'text' in v && Array.isArray((v as AddressObject).value);

/** Une valeur d'en-tête analysée par mailparser, en texte ; `brute` (dépliée) pour les valeurs structurées. */
function texteValeur(v: HeaderValue | undefined, brute: string): string {
  if (typeof v === 'string') return v;
  if (estAdresses(v)) return v.text;
  return brute;
}

function enTetesTexte(mail: ParsedMail): Record<string, string> {
  const enTetes: Record<string, string> = {};
  const rangs = new Map<string, number>();
  for (const { key, line } of mail.headerLines) {
    const brute = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const analysee = mail.headers.get(key);
    // Un en-tête répété est un tableau chez mailparser : l'occurrence de même rang.
    const rang = rangs.get(key) ?? 0;
    rangs.set(key, rang + 1);
    const valeur = Array.isArray(analysee) ? texteValeur(analysee[rang] as HeaderValue | undefined, brute) : rang === 0 ? texteValeur(analysee, brute) : brute;
    enTetes[key] = key in enTetes ? `${enTetes[key]}, ${valeur}` : valeur;
  }
  return enTetes;
}

function charsetDe(v: HeaderValue | undefined): string | null {
  const params = typeof v === 'object' && v !== null && !Array.isArray(v) && 'params' in v ? (v.params as Record<string, string>) : undefined;
  return params?.charset?.trim() || null;
}

async function analyser(brut: Buffer, r: Reception): Promise<CourrielRecu> {
  const mail = await simpleParser(brut, { checksumAlgo: false, maxHtmlLengthToParse: 5_000_000 });
  const de = listeAdresses(mail.from)
    .map((x) => (x.name ? `${x.name} <${x.address ?? ''}>` : (x.address ?? '')))
    .join(', ');
  const a = adressesNues(mail.to);
  const enTetes = enTetesTexte(mail);
  // mailparser met l'heure courante à la place d'un en-tête Date illisible : l'heure de réception, alors.
  const dateValide = enTetes['date'] !== undefined && !Number.isNaN(new Date(enTetes['date']).getTime());
  const date = dateValide && mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : r.recuLe;
  return {
    id: r.id,
    messageId: mail.messageId?.trim() || null,
    de: de || (r.enveloppe.de ?? ''),
    a: a.length > 0 ? a : r.enveloppe.a,
    cc: adressesNues(mail.cc),
    sujet: mail.subject ?? '',
    date,
    texte: (mail.text ?? '').replace(/\r\n?/g, '\n'),
    html: typeof mail.html === 'string' ? mail.html : null,
    enTetes,
    piecesJointes: mail.attachments.map((p) => ({
      filename: p.filename ?? null,
      contentType: p.contentType,
      charset: charsetDe(p.headers.get('content-type')),
      size: p.size,
      disposition: p.contentDisposition ?? null,
      contenu: p.content,
    })),
    brut: brut.toString('utf8'),
  };
}

// ---------------------------------------------------------------------------
// Dossier (persistance entre deux lancements)
// ---------------------------------------------------------------------------

const nomDeBase = (r: Reception) => `${String(Date.parse(r.recuLe)).padStart(15, '0')}-${r.id}`;

function ecrire(dossier: string, r: Reception, brut: Buffer): void {
  const base = join(dossier, nomDeBase(r));
  // La source d'abord, puis la fiche de réception (écrite à part et renommée : un courriel n'est
  // relu que si sa fiche est complète).
  writeFileSync(`${base}.eml`, brut, { mode: 0o600 });
  writeFileSync(`${base}.json.tmp`, JSON.stringify(r) + '\n', { mode: 0o600 });
  renameSync(`${base}.json.tmp`, `${base}.json`);
}

function effacer(dossier: string, r: Reception): void {
  const base = join(dossier, nomDeBase(r));
  for (const ext of ['.json', '.json.tmp', '.eml']) rmSync(`${base}${ext}`, { force: true });
}

/** Les courriels gardés dans le dossier, du plus ancien au plus récent (les illisibles sont signalés et laissés). */
async function relire(dossier: string, log: (...a: unknown[]) => void): Promise<Array<{ courriel: CourrielRecu; reception: Reception }>> {
  const fichiers = readdirSync(dossier);
  const fiches = fichiers.filter((f) => NOM_FICHIER.test(f)).sort();
  const gardees = new Set(fiches.slice(-CAPACITE).map((f) => f.replace(/\.json$/, '')));
  // Au-delà de la capacité, ou sources sans fiche (arrêt brutal pendant l'écriture) : effacés.
  for (const f of fichiers) {
    const m = /^(\d{15}-[0-9a-f-]{36})\.(eml|json|json\.tmp)$/.exec(f);
    if (m && !gardees.has(m[1]!)) rmSync(join(dossier, f), { force: true });
  }
  const relus: Array<{ courriel: CourrielRecu; reception: Reception }> = [];
  for (const fiche of fiches.filter((f) => gardees.has(f.replace(/\.json$/, '')))) {
    try {
      const r = JSON.parse(readFileSync(join(dossier, fiche), 'utf8')) as Reception;
      const brut = readFileSync(join(dossier, fiche.replace(/\.json$/, '.eml')));
      relus.push({ courriel: await analyser(brut, r), reception: r });
    } catch (e) {
      log(`courriel gardé illisible, ignoré (${fiche}) : ${sorteDErreur(e)}`);
    }
  }
  return relus;
}

// ---------------------------------------------------------------------------
// Le mail catcher
// ---------------------------------------------------------------------------

interface Attente {
  pred: (m: CourrielRecu) => boolean;
  resolve: (m: CourrielRecu) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Les boîtes ouvertes dans ce processus (voir `courrielParSource`). */
const ouvertes = new Set<() => CourrielRecu[]>();

/**
 * Le courriel dont la source est `brut`, parmi ceux des mail catchers ouverts dans ce processus.
 * Pour les tests qui n'ont gardé que la source d'un courriel reçu.
 */
export function courrielParSource(brut: string): CourrielRecu | undefined {
  for (const messages of ouvertes) {
    const m = messages().find((c) => c.brut === brut);
    if (m) return m;
  }
  return undefined;
}

/**
 * La sorte d'une erreur de lecture, sans son message : celui de JSON.parse ou de l'analyse MIME cite
 * un morceau du texte lu (adresses, sujet, contenu d'un courriel au ménage), qui n'a rien à faire
 * dans la sortie.
 */
export function sorteDErreur(e: unknown): string {
  if (e instanceof SyntaxError) return 'contenu mal formé';
  return e instanceof Error && e.name !== 'Error' ? `erreur ${e.name}` : 'erreur de lecture';
}

export async function startMailCatcher(opts: OptionsMailCatcher = {}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const quiet = opts.quiet ?? false;
  const dossier = opts.dossier;
  const log = (...args: unknown[]) => {
    if (!quiet) console.log('[mail-catcher]', ...args);
  };

  let courriels: Array<{ courriel: CourrielRecu; reception: Reception }> = [];
  const attentes = new Set<Attente>();
  let ferme = false;

  if (dossier) {
    mkdirSync(dossier, { recursive: true, mode: 0o700 });
    courriels = await relire(dossier, log);
    if (courriels.length) log(`${courriels.length} courriel(s) relu(s) depuis ${dossier}`);
  }
  const liste = () => courriels.map((c) => c.courriel);
  let dernierMs = courriels.reduce((max, c) => Math.max(max, Date.parse(c.reception.recuLe) || 0), 0);

  const terminerAttente = (att: Attente) => {
    clearTimeout(att.timer);
    attentes.delete(att);
  };

  const ecrireSurDisque = (r: Reception, brut: Buffer) => {
    if (!dossier) return;
    try {
      ecrire(dossier, r, brut);
    } catch (e) {
      // La boîte garde le courriel en mémoire ; il manquera seulement après un redémarrage.
      // Sans le message de l'erreur : il peut citer le chemin ou le contenu du courriel.
      log(`courriel non enregistré dans ${dossier} : ${sorteDErreur(e)}`);
    }
  };

  const vider = () => {
    const anciens = courriels;
    courriels = [];
    if (dossier) for (const c of anciens) effacer(dossier, c.reception);
  };

  const recevoir = (c: CourrielRecu, r: Reception, brut: Buffer) => {
    ecrireSurDisque(r, brut);
    courriels.push({ courriel: c, reception: r });
    if (courriels.length > CAPACITE) {
      const partis = courriels.splice(0, courriels.length - CAPACITE);
      if (dossier) for (const p of partis) effacer(dossier, p.reception);
    }
    // Ni adresses ni objet dans le journal : ils peuvent nommer un ménage (sa boîte, son dossier).
    log(`courriel reçu pour ${c.a.length} destinataire${c.a.length > 1 ? 's' : ''} (consultable dans la boîte de réception)`);
    for (const att of [...attentes]) {
      let ok: boolean;
      try {
        ok = att.pred(c);
      } catch (e) {
        terminerAttente(att);
        att.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      if (ok) {
        terminerAttente(att);
        att.resolve(c);
      }
    }
  };

  const renvoyerAvisPlusTard = (de: string | null, destinataires: string[], brut: Buffer) => {
    const relais = opts.relaisRetours?.();
    // Un avis n'a pas d'expéditeur d'enveloppe : il n'appelle pas d'avis en retour.
    if (!de || !relais) {
      log(`courriel non remis (${destinataires.length} destinataire${destinataires.length > 1 ? 's' : ''}) : aucun avis renvoyé`);
      return;
    }
    const fin = brut.indexOf('\r\n\r\n');
    const entetes = brut.subarray(0, fin < 0 ? brut.length : fin).toString('utf8');
    setImmediate(() => {
      renvoyerAvis(relais, de, avisDeNonRemise({ a: de, destinataires, entetes })).then(
        () => log(`avis de non-remise renvoyé (${destinataires.length} destinataire${destinataires.length > 1 ? 's' : ''})`),
        (e: unknown) => log(`avis de non-remise non renvoyé : ${sorteDErreur(e)}`),
      );
    });
  };

  // Les courriels sont analysés l'un après l'autre : la boîte garde l'ordre de réception.
  let file: Promise<void> = Promise.resolve();

  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    size: TAILLE_MAX,
    logger: false,
    closeTimeout: 2_000,
    banner: 'mail-catcher de développement',
    onAuth(_auth, _session, callback) {
      // Toute authentification est acceptée.
      callback(null, { user: _auth.username ?? 'dev' });
    },
    onRcptTo(adresse, _session, callback) {
      // Un domaine qui ne peut pas exister : refusé pour de bon, comme un relais strict.
      if (/\.invalid$/i.test(adresse.address)) {
        callback(Object.assign(new Error('5.1.2 Domaine du destinataire introuvable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const morceaux: Buffer[] = [];
      stream.on('data', (d: Buffer) => morceaux.push(d));
      stream.on('error', (e: Error) => callback(e));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message trop volumineux'), { responseCode: 552 }));
          return;
        }
        const brut = Buffer.concat(morceaux);
        const mailFrom = session.envelope.mailFrom;
        // Heures de réception strictement croissantes : l'ordre des fichiers est celui de la boîte.
        dernierMs = Math.max(Date.now(), dernierMs + 1);
        const r: Reception = {
          id: randomUUID(),
          recuLe: new Date(dernierMs).toISOString(),
          enveloppe: { de: mailFrom ? mailFrom.address : null, a: session.envelope.rcptTo.map((x) => x.address) },
        };
        file = file.then(async () => {
          let c: CourrielRecu;
          try {
            c = await analyser(brut, r);
          } catch (e) {
            log(`courriel illisible, refusé : ${sorteDErreur(e)}`);
            callback(Object.assign(new Error('Message illisible'), { responseCode: 554 }));
            return;
          }
          // Accepté, puis « non remis » aux destinataires en `.rebond.test` : l'avis part après la réponse.
          const revient = r.enveloppe.a.filter(estAdresseQuiRevient);
          if (revient.length) renvoyerAvisPlusTard(r.enveloppe.de, revient, brut);
          if (revient.length < r.enveloppe.a.length) recevoir(c, r, brut);
          callback();
        });
      });
    },
  });
  let demarre = false;
  // Un écouteur « error » est obligatoire (sinon smtp-server lève l'erreur) ; au
  // démarrage, l'erreur est déjà remontée par la promesse de listen().
  smtp.on('error', (e: Error) => {
    // Sans le message : une erreur SMTP peut citer une adresse.
    if (demarre) log(`erreur SMTP : ${sorteDErreur(e)}`);
  });

  await new Promise<void>((resolve, reject) => {
    const surErreur = (e: Error) => reject(e);
    smtp.server.once('error', surErreur);
    smtp.listen(opts.smtpPort ?? 0, host, () => {
      smtp.server.off('error', surErreur);
      resolve();
    });
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const fermerSmtp = () =>
    new Promise<void>((resolve) => {
      smtp.close(() => resolve());
    });

  const boite = creerApplicationBoite({ messages: liste, clear: vider });

  let http: HttpServer;
  try {
    http = await new Promise<HttpServer>((resolve, reject) => {
      const s = boite.listen(opts.httpPort ?? 0, host, (err?: Error) => {
        if (err) reject(err);
        else resolve(s);
      });
      s.once('error', reject);
    });
  } catch (e) {
    await fermerSmtp();
    throw e;
  }
  const httpPort = (http.address() as AddressInfo).port;
  demarre = true;
  const inboxUrl = `http://${hoteUrl(host)}:${httpPort}/`;
  ouvertes.add(liste);

  const catcher: MailCatcher = {
    smtpPort,
    httpPort,
    inboxUrl,
    messages: liste,
    clear: vider,
    waitFor(pred, waitOpts) {
      const timeoutMs = waitOpts?.timeoutMs ?? DELAI_ATTENTE_DEFAUT;
      if (ferme) return Promise.reject(new Error('mail-catcher fermé : impossible d’attendre un courriel'));
      try {
        const deja = liste().find(pred);
        if (deja) return Promise.resolve(deja);
      } catch (e) {
        return Promise.reject(e);
      }
      return new Promise<CourrielRecu>((resolve, reject) => {
        const att: Attente = {
          pred,
          resolve,
          reject,
          timer: setTimeout(() => {
            attentes.delete(att);
            const sujets = liste().map((m) => `« ${m.sujet} » (à ${m.a.join(', ') || '?'})`);
            reject(
              new Error(
                `mail-catcher : aucun courriel correspondant reçu en ${timeoutMs} ms. ` +
                  (sujets.length ? `Courriels reçus jusqu'ici (${sujets.length}) : ${sujets.join(' ; ')}` : "Aucun courriel reçu jusqu'ici."),
              ),
            );
          }, timeoutMs),
        };
        attentes.add(att);
      });
    },
    async close() {
      if (ferme) return;
      ferme = true;
      for (const att of [...attentes]) {
        terminerAttente(att);
        att.reject(new Error('mail-catcher fermé avant la réception du courriel attendu'));
      }
      await Promise.all([
        fermerSmtp(),
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
      ]);
      // Les courriels en cours d'analyse sont écrits (ou refusés) avant de rendre la main.
      await file;
      ouvertes.delete(liste);
    },
  };

  return catcher;
}

// ---------------------------------------------------------------------------
// Lancement direct : npx tsx dev/mail-catcher.ts
// ---------------------------------------------------------------------------

function portEnv(nom: string, defaut: number): number {
  const brut = process.env[nom];
  if (brut === undefined || brut.trim() === '') return defaut;
  const n = Number(brut);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${nom} invalide : « ${brut} » (entier entre 0 et 65535 attendu)`);
  }
  return n;
}

const lanceDirectement = (() => {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(script).href;
  } catch {
    return false;
  }
})();

function dossierEnv(): string | undefined {
  const brut = process.env.MAIL_CATCHER_DIR;
  if (brut === undefined) return fileURLToPath(new URL('../.data/courriels', import.meta.url));
  return brut.trim() === '' ? undefined : brut.trim();
}

async function demarrerDepuisLaLigneDeCommande(): Promise<MailCatcher> {
  try {
    return await startMailCatcher({
      smtpPort: portEnv('SMTP_PORT', 1025),
      httpPort: portEnv('MAIL_INBOX_PORT', 1080),
      host: process.env.MAIL_CATCHER_HOST || '127.0.0.1',
      quiet: false, // journalise chaque courriel reçu
      dossier: dossierEnv(),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { port?: number; address?: string };
    if (err.code === 'EADDRINUSE') {
      console.error(
        `Impossible de démarrer le mail catcher : le port ${err.address ?? ''}:${err.port ?? '?'} est déjà utilisé. ` +
          'Arrêtez l’autre processus ou choisissez un autre port (SMTP_PORT, MAIL_INBOX_PORT).',
      );
    } else {
      console.error('Impossible de démarrer le mail catcher :', err.message ?? err);
    }
    process.exit(1);
  }
}

if (lanceDirectement) {
  const catcher = await demarrerDepuisLaLigneDeCommande();
  const hote = hoteUrl(process.env.MAIL_CATCHER_HOST || '127.0.0.1');
  const dossier = dossierEnv();
  console.log(`Mail catcher démarré.
  SMTP               : smtp://${hote}:${catcher.smtpPort} (sans TLS, authentification facultative)
  Boîte de réception : ${catcher.inboxUrl}
  Courriels gardés   : ${dossier ?? 'en mémoire seulement'}
Ctrl+C pour arrêter.`);
  let arret = false;
  const arreter = (signal: string) => {
    if (arret) return;
    arret = true;
    console.log(`\n${signal} reçu, arrêt du mail catcher…`);
    catcher.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`Arrêt du mail catcher incomplet : ${sorteDErreur(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => arreter('SIGINT'));
  process.on('SIGTERM', () => arreter('SIGTERM'));
}
