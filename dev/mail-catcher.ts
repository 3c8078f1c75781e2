/**
 * « Mail catcher » embarqué : un vrai serveur SMTP (smtp-server) qui garde les
 * courriels en mémoire, plus une boîte de réception web pour les lire.
 *
 * Utilisé par le lanceur de dev et par les tests qui doivent lire ce qu'un
 * vrai puits SMTP a reçu :
 *
 *   const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
 *   // … l'application envoie sur 127.0.0.1:catcher.smtpPort …
 *   const m = await catcher.waitFor((m) => m.a.includes('menage@exemple.fr'));
 *   await catcher.close();
 *
 * Lancement direct : `npx tsx dev/mail-catcher.ts` (SMTP_PORT, défaut 1025 ;
 * MAIL_INBOX_PORT, défaut 1080 ; MAIL_CATCHER_HOST, défaut 127.0.0.1).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerSession } from 'smtp-server';
import { analyserMime, enTeteBrut, extraireAdresses } from './mime';
import { creerApplicationBoite } from './mail-inbox';

export interface CourrielRecu {
  id: string;
  messageId: string | null;
  /** En-tête From décodé, tel qu'écrit (ex. « Équipe Parcours <noreply@exemple.fr> »). */
  de: string;
  /** Adresses nues de l'en-tête To (à défaut : destinataires de l'enveloppe SMTP). */
  a: string[];
  /** Adresses nues de l'en-tête Cc. */
  cc: string[];
  sujet: string;
  /** ISO 8601 : en-tête Date s'il est valide, sinon l'heure de réception. */
  date: string;
  texte: string;
  html: string | null;
  /** En-têtes (noms en minuscules), dépliés et décodés ; doublons joints par « , ». */
  enTetes: Record<string, string>;
  /** Source complète telle que reçue (décodée en UTF-8). */
  brut: string;
}

export interface MailCatcher {
  smtpPort: number;
  httpPort: number;
  inboxUrl: string;
  /** Copie des courriels reçus, du plus ancien au plus récent. */
  messages(): CourrielRecu[];
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
}

const CAPACITE = 1000;
const TAILLE_MAX = 25 * 1024 * 1024;
const DELAI_ATTENTE_DEFAUT = 10_000;

function hoteUrl(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function construireCourriel(brut: Buffer, session: SMTPServerSession, recuLe: Date): CourrielRecu {
  const mime = analyserMime(brut);
  const h = mime.headers;
  const enveloppe = session.envelope.rcptTo.map((r) => r.address);
  const toBrut = enTeteBrut(brut, 'to');
  const ccBrut = enTeteBrut(brut, 'cc');
  const a = toBrut !== undefined ? extraireAdresses(toBrut) : [];
  const dateEnTete = h['date'] ? new Date(h['date']) : null;
  const mailFrom = session.envelope.mailFrom;
  const messageId = h['message-id']?.trim();
  return {
    id: randomUUID(),
    messageId: messageId ? messageId : null,
    de: h['from'] ?? (mailFrom ? mailFrom.address : ''),
    a: a.length > 0 ? a : enveloppe,
    cc: ccBrut !== undefined ? extraireAdresses(ccBrut) : [],
    sujet: h['subject'] ?? '',
    date: dateEnTete && !Number.isNaN(dateEnTete.getTime()) ? dateEnTete.toISOString() : recuLe.toISOString(),
    texte: mime.text,
    html: mime.html,
    enTetes: h,
    brut: brut.toString('utf8'),
  };
}

interface Attente {
  pred: (m: CourrielRecu) => boolean;
  resolve: (m: CourrielRecu) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export async function startMailCatcher(opts: OptionsMailCatcher = {}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const quiet = opts.quiet ?? false;
  const log = (...args: unknown[]) => {
    if (!quiet) console.log('[mail-catcher]', ...args);
  };

  let courriels: CourrielRecu[] = [];
  const attentes = new Set<Attente>();
  let ferme = false;

  const terminerAttente = (att: Attente) => {
    clearTimeout(att.timer);
    attentes.delete(att);
  };

  const recevoir = (c: CourrielRecu) => {
    courriels.push(c);
    if (courriels.length > CAPACITE) courriels.splice(0, courriels.length - CAPACITE);
    log(`courriel reçu : « ${c.sujet} » de ${c.de} pour ${c.a.join(', ')}`);
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
    onData(stream, session, callback) {
      const morceaux: Buffer[] = [];
      stream.on('data', (d: Buffer) => morceaux.push(d));
      stream.on('error', (e: Error) => callback(e));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          const err = Object.assign(new Error('Message trop volumineux'), { responseCode: 552 });
          callback(err);
          return;
        }
        try {
          recevoir(construireCourriel(Buffer.concat(morceaux), session, new Date()));
          callback();
        } catch (e) {
          log('courriel illisible :', e);
          callback(Object.assign(new Error('Message illisible'), { responseCode: 554 }));
        }
      });
    },
  });
  let demarre = false;
  // Un écouteur « error » est obligatoire (sinon smtp-server lève l'erreur) ; au
  // démarrage, l'erreur est déjà remontée par la promesse de listen().
  smtp.on('error', (e: Error) => {
    if (demarre) log('erreur SMTP :', e.message);
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

  const boite = creerApplicationBoite({
    messages: () => [...courriels],
    clear: () => {
      courriels = [];
    },
  });

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

  const catcher: MailCatcher = {
    smtpPort,
    httpPort,
    inboxUrl,
    messages: () => [...courriels],
    clear: () => {
      courriels = [];
    },
    waitFor(pred, waitOpts) {
      const timeoutMs = waitOpts?.timeoutMs ?? DELAI_ATTENTE_DEFAUT;
      if (ferme) return Promise.reject(new Error('mail-catcher fermé : impossible d’attendre un courriel'));
      try {
        const deja = courriels.find(pred);
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
            const sujets = courriels.map((m) => `« ${m.sujet} » (à ${m.a.join(', ') || '?'})`);
            reject(
              new Error(
                `mail-catcher : aucun courriel correspondant reçu en ${timeoutMs} ms. ` +
                  (sujets.length
                    ? `Courriels reçus jusqu'ici (${sujets.length}) : ${sujets.join(' ; ')}`
                    : "Aucun courriel reçu jusqu'ici."),
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

async function demarrerDepuisLaLigneDeCommande(): Promise<MailCatcher> {
  try {
    return await startMailCatcher({
      smtpPort: portEnv('SMTP_PORT', 1025),
      httpPort: portEnv('MAIL_INBOX_PORT', 1080),
      host: process.env.MAIL_CATCHER_HOST || '127.0.0.1',
      quiet: false, // journalise chaque courriel reçu
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
  console.log(`Mail catcher démarré.
  SMTP               : smtp://${hote}:${catcher.smtpPort} (sans TLS, authentification facultative)
  Boîte de réception : ${catcher.inboxUrl}
Ctrl+C pour arrêter.`);
  let arret = false;
  const arreter = (signal: string) => {
    if (arret) return;
    arret = true;
    console.log(`\n${signal} reçu, arrêt du mail catcher…`);
    catcher.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => arreter('SIGINT'));
  process.on('SIGTERM', () => arreter('SIGTERM'));
}
