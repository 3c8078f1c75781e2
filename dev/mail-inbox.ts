/**
 * Boîte de réception web du « mail catcher » de développement (express 5).
 *
 *  GET    /                                  page HTML : liste des courriels, du plus récent au plus ancien
 *  GET    /messages/:id                      page HTML : en-têtes, version HTML (iframe sandbox srcdoc, liens
 *                                            ouverts dans un nouvel onglet), version texte (adresses en liens),
 *                                            pièces jointes (liens de téléchargement)
 *  GET    /messages/:id/pieces-jointes/:rang téléchargement d'une pièce jointe (rang 0, 1…) : son nom, son type
 *  GET    /messages/:id/brut                 source brute (text/plain)
 *  POST   /vider                             vide la boîte puis redirige vers /
 *  GET    /api/messages                      JSON : tableau de courriels (ordre de réception) sans `brut`
 *  GET    /api/messages/:id                  JSON : un courriel avec `brut`
 *  DELETE /api/messages                      vide la boîte (204)
 *
 * Dans le JSON, les pièces jointes n'ont pas leur contenu mais l'adresse où le télécharger (`url`).
 * Aucun JavaScript côté navigateur : tout fonctionne avec des liens et un formulaire.
 */
import express from 'express';
import type { Express, Response } from 'express';
import type { CourrielRecu, PieceJointeRecue } from './courriel-recu';

export interface SourceCourriels {
  messages(): CourrielRecu[];
  clear(): void;
}

/** Échappe une chaîne pour un contenu ou un attribut HTML (guillemets doubles ou simples). */
export function echapperHtml(valeur: unknown): string {
  return String(valeur ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  // Les courriels HTML affichent souvent des images distantes ou en data: ; aucun script n'est autorisé.
  'img-src data: http: https:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STYLE = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
         font-size: 1rem; line-height: 1.5; color: #1b1b1b; background: #f6f6f6; }
  header.bandeau { background: #000091; color: #fff; padding: .75rem 1.5rem; }
  header.bandeau p { margin: 0; font-weight: 600; }
  header.bandeau a { color: #fff; }
  main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; background: #fff; min-height: 100vh; }
  h1 { font-size: 1.6rem; margin: 0 0 1rem; }
  h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; }
  a { color: #000091; }
  a:focus-visible, button:focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
  table { width: 100%; border-collapse: collapse; }
  caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
  th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid #ccc; }
  thead th { background: #eee; }
  td.date { white-space: nowrap; }
  .actions { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-bottom: 1rem; }
  button { font: inherit; padding: .45rem 1rem; border: 2px solid #000091; background: #fff; color: #000091;
           border-radius: 4px; cursor: pointer; }
  button.danger { border-color: #c9191e; color: #c9191e; }
  button:hover { background: #f0f0ff; }
  dl.en-tetes { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
  dl.en-tetes dt { font-weight: 600; }
  dl.en-tetes dd { margin: 0; word-break: break-word; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; border: 1px solid #ccc;
        padding: 1rem; border-radius: 4px; font-size: .95rem; }
  ul.pieces li { margin-bottom: .25rem; }
  iframe { width: 100%; min-height: 30rem; border: 1px solid #ccc; border-radius: 4px; background: #fff; }
  .vide { color: #3a3a3a; font-style: italic; }
  .aide { color: #3a3a3a; font-size: .9rem; margin: .25rem 0 0; }
  td, dl.en-tetes dd { overflow-wrap: anywhere; }
  /* Sur un téléphone : chaque courriel devient une carte (date, de, à, sujet les uns sous les autres). */
  @media (max-width: 600px) {
    header.bandeau { padding: .5rem 1rem; }
    main { padding: 1rem; }
    table, tbody, tr, td { display: block; width: 100%; box-sizing: border-box; }
    thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    tr { border: 1px solid #ccc; border-radius: 4px; margin-bottom: .75rem; padding: .25rem 0; }
    td { border: 0; padding: .15rem .75rem; }
    td[data-titre]::before { content: attr(data-titre) " : "; font-weight: 600; }
    dl.en-tetes { grid-template-columns: 1fr; }
  }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

function page(titre: string, contenu: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${echapperHtml(titre)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="bandeau"><p><a href="/">Courriels de développement</a> — environnement local, aucun courriel n'est réellement envoyé</p></header>
<main id="contenu">
${contenu}
</main>
</body>
</html>`;
}

function envoyerPage(res: Response, statut: number, titre: string, contenu: string): void {
  res
    .status(statut)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    })
    .send(page(titre, contenu));
}

function formaterDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return d.toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' });
  } catch {
    return d.toISOString();
  }
}

function sujetAffiche(sujet: string): string {
  return sujet.trim() === '' ? '(sans sujet)' : sujet;
}

function destinataires(m: CourrielRecu): string {
  return m.enTetes['to'] ?? m.a.join(', ');
}

const adressePiece = (m: CourrielRecu, rang: number) => `/messages/${encodeURIComponent(m.id)}/pieces-jointes/${rang}`;

/** Le courriel pour le JSON : les pièces jointes sans leur contenu (leur adresse de téléchargement). */
function versJson(m: CourrielRecu, avecBrut: boolean) {
  const { brut, piecesJointes, ...reste } = m;
  return {
    ...reste,
    piecesJointes: piecesJointes.map(({ contenu: _contenu, ...p }, rang) => ({ ...p, url: adressePiece(m, rang) })),
    ...(avecBrut ? { brut } : {}),
  };
}

function pageListe(messages: CourrielRecu[]): string {
  const recents = [...messages].reverse();
  const nombre = recents.length === 0 ? 'Aucun courriel' : recents.length === 1 ? '1 courriel' : `${recents.length} courriels`;
  const lignes = recents
    .map(
      (m) => `<tr>
  <td class="date"><time datetime="${echapperHtml(m.date)}">${echapperHtml(formaterDate(m.date))}</time></td>
  <td data-titre="De">${echapperHtml(m.de)}</td>
  <td data-titre="À">${echapperHtml(destinataires(m))}</td>
  <td><a href="/messages/${encodeURIComponent(m.id)}">${echapperHtml(sujetAffiche(m.sujet))}</a></td>
</tr>`,
    )
    .join('\n');
  const tableau =
    recents.length === 0
      ? '<p class="vide">La boîte de réception est vide. Les courriels envoyés par l’application apparaîtront ici.</p>'
      : `<table>
<caption>${echapperHtml(nombre)}, du plus récent au plus ancien</caption>
<thead><tr><th scope="col">Date</th><th scope="col">De</th><th scope="col">À</th><th scope="col">Sujet</th></tr></thead>
<tbody>
${lignes}
</tbody>
</table>`;
  return `<h1>Boîte de réception (courriels de développement)</h1>
<div class="actions">
  <p role="status" style="margin:0">${echapperHtml(nombre)} reçu${recents.length > 1 ? 's' : ''}.</p>
  <a href="/">Actualiser</a>
  <form method="post" action="/vider">
    <button type="submit" class="danger" aria-describedby="aide-vider">Vider la boîte de réception</button>
    <span id="aide-vider" class="sr-only">Supprime définitivement tous les courriels affichés.</span>
  </form>
</div>
${tableau}`;
}

function formaterTaille(octets: number): string {
  if (octets < 1024) return `${octets} octets`;
  if (octets < 1024 * 1024) return `${(octets / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Ko`;
  return `${(octets / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}

function nomPiece(p: PieceJointeRecue, rang: number): string {
  return p.filename ?? `piece-jointe-${rang + 1}`;
}

function piecesJointes(m: CourrielRecu): string {
  if (m.piecesJointes.length === 0) return '<p class="vide">Aucune pièce jointe.</p>';
  return `<ul class="pieces">
${m.piecesJointes
  .map(
    (p, rang) =>
      `<li><a href="${echapperHtml(adressePiece(m, rang))}" download="${echapperHtml(nomPiece(p, rang))}">${echapperHtml(p.filename ?? '(sans nom)')}</a> — ${echapperHtml(p.contentType)}, ${echapperHtml(formaterTaille(p.size))}</li>`,
  )
  .join('\n')}
</ul>`;
}

/**
 * Adresses web d'un texte brut : http(s)://… jusqu'au premier blanc ou chevron, sans la ponctuation
 * finale (« voir https://x.fr/a. » : le point n'en fait pas partie).
 */
const URL_DANS_TEXTE = /\bhttps?:\/\/[^\s<>"]+/g;

/** Le texte échappé, chaque adresse web devenue un lien (l'adresse entière, même très longue). */
export function texteAvecLiens(texte: string): string {
  let html = '';
  let dernier = 0;
  for (const m of texte.matchAll(URL_DANS_TEXTE)) {
    const url = m[0].replace(/[.,;:!?)\]}»’'"]+$/u, '');
    const debut = m.index ?? 0;
    html += echapperHtml(texte.slice(dernier, debut)) + `<a href="${echapperHtml(url)}">${echapperHtml(url)}</a>`;
    dernier = debut + url.length;
  }
  return html + echapperHtml(texte.slice(dernier));
}

/**
 * Le HTML du courriel pour l'iframe : ses liens s'ouvrent dans un nouvel onglet (`<base target>`),
 * hors du bac à sable, comme dans un client de messagerie.
 */
function htmlPourApercu(html: string): string {
  const base = '<base target="_blank">';
  const head = /<head(?:\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + base + html.slice(head.index + head[0].length);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  if (doctype) return doctype[0] + base + html.slice(doctype[0].length);
  return base + html;
}

function pageMessage(m: CourrielRecu): string {
  const enTetesPrincipaux: Array<[string, string]> = [
    ['Sujet', sujetAffiche(m.sujet)],
    ['De', m.de],
    ['À', destinataires(m)],
    ...(m.cc.length ? ([['Cc', m.enTetes['cc'] ?? m.cc.join(', ')]] as Array<[string, string]>) : []),
    ['Date', formaterDate(m.date)],
    ['Message-ID', m.messageId ?? '(aucun)'],
  ];
  const dl = (paires: Array<[string, string]>) =>
    `<dl class="en-tetes">\n${paires.map(([k, v]) => `<dt>${echapperHtml(k)}</dt><dd>${echapperHtml(v)}</dd>`).join('\n')}\n</dl>`;
  const tousEnTetes = Object.entries(m.enTetes);
  const html =
    m.html === null
      ? '<p class="vide">Ce courriel n’a pas de version HTML.</p>'
      : // Bac à sable : ni script, ni formulaire, ni navigation de cette page, origine opaque ; seuls
        // les liens ouvrent un nouvel onglet, hors du bac à sable (la page visée fonctionne normalement).
        `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" title="Version HTML du courriel : ${echapperHtml(sujetAffiche(m.sujet))}" srcdoc="${echapperHtml(htmlPourApercu(m.html))}"></iframe>
<p class="aide">Les liens de la version HTML s’ouvrent dans un nouvel onglet.</p>`;
  return `<p><a href="/">← Retour à la boîte de réception</a></p>
<h1>${echapperHtml(sujetAffiche(m.sujet))}</h1>
${dl(enTetesPrincipaux)}
<h2 id="titre-html">Version HTML</h2>
${html}
<h2 id="titre-texte">Version texte</h2>
${m.texte === '' ? '<p class="vide">Ce courriel n’a pas de version texte.</p>' : `<pre class="texte">${texteAvecLiens(m.texte)}</pre>`}
<h2>Pièces jointes</h2>
${piecesJointes(m)}
<h2>Tous les en-têtes</h2>
${tousEnTetes.length ? dl(tousEnTetes) : '<p class="vide">Aucun en-tête.</p>'}
<p><a href="/messages/${encodeURIComponent(m.id)}/brut">Voir la source brute</a> · <a href="/api/messages/${encodeURIComponent(m.id)}">JSON</a></p>`;
}

export function creerApplicationBoite(source: SourceCourriels): Express {
  const app = express();
  app.disable('x-powered-by');

  const trouver = (id: string): CourrielRecu | undefined => source.messages().find((m) => m.id === id);

  app.get('/', (_req, res) => {
    envoyerPage(res, 200, 'Boîte de réception (courriels de développement)', pageListe(source.messages()));
  });

  app.get('/messages/:id', (req, res) => {
    const m = trouver(req.params.id);
    if (!m) {
      envoyerPage(
        res,
        404,
        'Courriel introuvable',
        `<h1>Courriel introuvable</h1><p>Ce courriel n’existe pas ou a été supprimé.</p><p><a href="/">Retour à la boîte de réception</a></p>`,
      );
      return;
    }
    envoyerPage(res, 200, `${sujetAffiche(m.sujet)} — courriels de développement`, pageMessage(m));
  });

  app.get('/messages/:id/pieces-jointes/:rang', (req, res) => {
    const m = trouver(req.params.id);
    const rang = /^\d{1,4}$/.test(req.params.rang) ? Number(req.params.rang) : -1;
    const p = m?.piecesJointes[rang];
    if (!m || !p) {
      res.status(404).type('text/plain; charset=utf-8').send('Pièce jointe introuvable');
      return;
    }
    // Content-Disposition « attachment » avec le nom encodé (RFC 6266 / 5987), puis le vrai type.
    res.attachment(nomPiece(p, rang));
    res.set({
      'Content-Type': p.charset && /^[\w.:-]{1,40}$/.test(p.charset) ? `${p.contentType}; charset=${p.charset}` : p.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'no-store',
    });
    res.send(p.contenu);
  });

  app.get('/messages/:id/brut', (req, res) => {
    const m = trouver(req.params.id);
    if (!m) {
      res.status(404).type('text/plain; charset=utf-8').send('Courriel introuvable');
      return;
    }
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'" });
    res.type('text/plain; charset=utf-8').send(m.brut);
  });

  app.post('/vider', (_req, res) => {
    source.clear();
    res.redirect(303, '/');
  });

  app.get('/api/messages', (_req, res) => {
    res.json(source.messages().map((m) => versJson(m, false)));
  });

  app.get('/api/messages/:id', (req, res) => {
    const m = trouver(req.params.id);
    if (!m) {
      res.status(404).json({ erreur: 'Courriel introuvable' });
      return;
    }
    res.json(versJson(m, true));
  });

  app.delete('/api/messages', (_req, res) => {
    source.clear();
    res.status(204).end();
  });

  return app;
}
