/**
 * Récepteur de SMS embarqué, à côté du mail catcher : il reçoit les requêtes du fournisseur HTTP
 * générique (sms/index.ts : POST /sms, JSON `{ expediteur, destinataire, texte, reference }`) et
 * montre une boîte de réception web (GET /). Avec `dossier`, chaque SMS est écrit sur disque
 * (`.json`) et relu au démarrage suivant. Une référence déjà reçue n'est pas comptée deux fois.
 *
 *   const sms = await startSmsCatcher({ port: 0, quiet: true });
 *   // SMS_URL = sms.url
 *   const m = await sms.waitFor((m) => m.destinataire === '+33612345678');
 *
 * Outil de développement, pas un système d'enregistrement : les 1 000 derniers SMS seulement.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';

export interface SmsRecu {
  id: string;
  reference: string;
  expediteur: string;
  destinataire: string;
  texte: string;
  recuLe: string;
}

export interface SmsCatcher {
  port: number;
  /** Adresse où le fournisseur HTTP envoie (SMS_URL). */
  url: string;
  /** Boîte de réception web. */
  inboxUrl: string;
  messages(): SmsRecu[];
  clear(): void;
  waitFor(pred: (m: SmsRecu) => boolean, opts?: { timeoutMs?: number }): Promise<SmsRecu>;
  /**
   * Fait répondre ce statut à chaque envoi, comme un fournisseur en panne (503) ou qui refuse un
   * numéro (400) ; `undefined` : accepte de nouveau. Pour les essais.
   */
  refuser(statut: number | undefined): void;
  close(): Promise<void>;
}

const requeteSchema = z.object({
  expediteur: z.string().min(1).max(11),
  destinataire: z.string().regex(/^\+\d{8,15}$/, { error: 'Numéro international attendu' }),
  texte: z.string().min(1).max(1600),
  reference: z.string().min(1).max(200),
});

const CAPACITE = 1000;

const echapper = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function lireCorps(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const morceaux: Buffer[] = [];
    let taille = 0;
    req.on('data', (b: Buffer) => {
      taille += b.length;
      if (taille > 64 * 1024) req.destroy(new Error('Requête trop grande'));
      else morceaux.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(morceaux).toString('utf8')));
    req.on('error', reject);
  });
}

function page(messages: SmsRecu[]): string {
  const lignes = [...messages]
    .reverse()
    .map(
      (m) =>
        `<li><p class="meta">${echapper(new Date(m.recuLe).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }))} — de ${echapper(m.expediteur)} à ${echapper(m.destinataire)}</p><p class="texte">${echapper(m.texte)}</p></li>`,
    )
    .join('\n');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>SMS reçus</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}li{list-style:none;border:1px solid #ccc;border-radius:.5rem;margin:.5rem 0;padding:.5rem 1rem}.meta{color:#555;font-size:.9rem;margin:0}.texte{margin:.3rem 0}</style></head>
<body><main><h1>SMS reçus (${messages.length})</h1>${messages.length ? `<ul>${lignes}</ul>` : '<p>Aucun SMS reçu.</p>'}</main></body></html>`;
}

export async function startSmsCatcher(options: { port?: number; host?: string; quiet?: boolean; dossier?: string } = {}): Promise<SmsCatcher> {
  const host = options.host ?? '127.0.0.1';
  const boite: SmsRecu[] = [];
  const attentes = new Set<{ pred: (m: SmsRecu) => boolean; resolve: (m: SmsRecu) => void }>();
  if (options.dossier) {
    mkdirSync(options.dossier, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(options.dossier)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      try {
        boite.push(JSON.parse(readFileSync(join(options.dossier, f), 'utf8')) as SmsRecu);
      } catch {
        // Fichier illisible : ignoré.
      }
    }
  }
  const fichier = (m: SmsRecu) => join(options.dossier!, `${String(Date.parse(m.recuLe)).padStart(15, '0')}-${m.id}.json`);

  function recevoir(m: SmsRecu): void {
    boite.push(m);
    if (options.dossier) writeFileSync(fichier(m), JSON.stringify(m, null, 2), { mode: 0o600 });
    while (boite.length > CAPACITE) {
      const ancien = boite.shift()!;
      if (options.dossier) rmSync(fichier(ancien), { force: true });
    }
    // Ni numéro ni texte dans la sortie : ils sont dans la boîte de réception, pas dans les journaux.
    if (!options.quiet) console.log(`SMS reçu (${m.texte.length} caractères ; consultable dans la boîte de réception des SMS)`);
    for (const a of attentes) if (a.pred(m)) (attentes.delete(a), a.resolve(m));
  }

  let refus: number | undefined;
  const serveur = createServer((req, res) => {
    const chemin = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && chemin === '/sms') {
      lireCorps(req)
        .then((corps) => {
          if (refus !== undefined) {
            res.writeHead(refus, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ erreur: 'SMS refusé (essai)' }));
            return;
          }
          let json: unknown;
          try {
            json = JSON.parse(corps);
          } catch {
            json = undefined;
          }
          const r = requeteSchema.safeParse(json);
          if (!r.success) {
            res
              .writeHead(400, { 'content-type': 'application/json; charset=utf-8' })
              .end(JSON.stringify({ erreur: r.error.issues[0]?.message ?? 'Requête invalide' }));
            return;
          }
          const deja = boite.find((m) => m.reference === r.data.reference);
          if (!deja) recevoir({ id: randomUUID(), ...r.data, recuLe: new Date().toISOString() });
          res
            .writeHead(deja ? 200 : 201, { 'content-type': 'application/json; charset=utf-8' })
            .end(JSON.stringify({ reference: r.data.reference, deja: !!deja }));
        })
        .catch(() => res.writeHead(400).end());
      return;
    }
    if (req.method === 'GET' && chemin === '/api/sms') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(boite));
      return;
    }
    if (req.method === 'GET' && chemin === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" })
        .end(page(boite));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Page introuvable');
  });
  await new Promise<void>((resolve, reject) => {
    serveur.once('error', reject);
    serveur.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (serveur.address() as AddressInfo).port;
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  return {
    port,
    url: `${base}/sms`,
    inboxUrl: `${base}/`,
    messages: () => [...boite],
    clear() {
      if (options.dossier) for (const m of boite) rmSync(fichier(m), { force: true });
      boite.length = 0;
    },
    waitFor(pred, opts = {}) {
      const deja = boite.find(pred);
      if (deja) return Promise.resolve(deja);
      return new Promise((resolve, reject) => {
        const a = { pred, resolve: (m: SmsRecu) => (clearTimeout(t), resolve(m)) };
        const t = setTimeout(() => {
          attentes.delete(a);
          reject(new Error(`Aucun SMS attendu reçu (${boite.length} reçus)`));
        }, opts.timeoutMs ?? 10_000);
        attentes.add(a);
      });
    },
    refuser(statut) {
      refus = statut;
    },
    close: () =>
      new Promise<void>((resolve) => {
        serveur.closeAllConnections();
        serveur.close(() => resolve());
      }),
  };
}
