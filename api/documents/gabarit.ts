/**
 * Gabarit des documents imprimables du personnel (lettre au ménage, fiche de clôture) : une page
 * HTML complète en français, sans script ni ressource externe, lisible à l'écran et mise en page
 * pour l'impression (A4, sans bandeau ni consignes d'écran).
 *
 * Ces documents contiennent des données personnelles : jamais en cache, jamais indexés.
 */
import type { Response } from 'express';
import { STYLE } from '../html';
import { echapper, type Brut } from '../../rendu/html';

const STYLE_DOCUMENT = `
.visuellement-masque { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.consignes { max-width: 46rem; margin: 1rem auto 0; padding: .75rem 1rem; border-left: 4px solid #000091; background: #f0f0ff; }
.consignes p { margin: .25rem 0; }
main.document { max-width: 46rem; }
.defilement { overflow-x: auto; max-width: 100%; }
.lettre .expediteur { margin: 0 0 1.5rem; }
.lettre .destinataire { margin: 0 0 1.5rem 50%; }
.lettre .date { text-align: right; margin: 0 0 1.5rem; }
.lettre h1 { font-size: 1.2rem; color: #161616; }
.lettre .signature { margin-top: 2rem; }
.fiche h1 { font-size: 1.4rem; }
table.a-remplir td { height: 2.2rem; border: 1px solid #888; }
table.a-remplir th { border: 1px solid #888; }
.signatures { margin-top: 2rem; break-inside: avoid; page-break-inside: avoid; }
.signataires { display: flex; flex-wrap: wrap; gap: 1rem; }
.signataire { flex: 1 1 14rem; display: flex; flex-direction: column; }
.cadre-signature { height: 6rem; margin-top: auto; border: 1px solid #888; }
.coordonnees-operateur { margin-top: 2rem; padding-top: .5rem; border-top: 1px solid #bbb; color: #555; font-size: .85rem; text-align: center; }
@page { size: A4; margin: 2cm; }
@media print {
  body { background: #fff; color: #000; font-size: 11pt; }
  header.bandeau, .consignes, .ecran-seulement { display: none !important; }
  main, main.document { max-width: none; margin: 0; padding: 0; border: 0; border-radius: 0; }
  h1, h2, h3 { color: #000; break-after: avoid; page-break-after: avoid; }
  table, tr, dl { break-inside: avoid; page-break-inside: avoid; }
  th { background: #fff; }
  a { color: #000; text-decoration: none; }
}
`;

export interface OptionsDocument {
  /** Titre de l'onglet (ne contient pas le nom du ménage). */
  titre: string;
  /** Consignes d'écran (masquées à l'impression). */
  consignes: Brut;
  contenu: Brut;
  /** Genre de document (classe « document-<classe> » du <main>) : « lettre » ou « fiche ». */
  classe: string;
}

export function pageDocument(o: OptionsDocument): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${echapper(o.titre)}</title>
<style>${STYLE}${STYLE_DOCUMENT}</style>
</head>
<body>
<header class="bandeau"><p>Prévention des expulsions locatives — document à imprimer</p></header>
<aside class="consignes" aria-label="Avant d’imprimer">${o.consignes.valeur}</aside>
<main id="contenu" class="document document-${echapper(o.classe)}">
${o.contenu.valeur}
</main>
</body>
</html>`;
}

/** Envoie un document : en-têtes stricts, aucune mise en cache (données personnelles). */
export function envoyerDocument(res: Response, o: OptionsDocument): void {
  res
    .status(200)
    .setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    )
    .setHeader('Cache-Control', 'no-store')
    .setHeader('X-Robots-Tag', 'noindex, nofollow')
    .type('text/html; charset=utf-8')
    .send(pageDocument(o));
}
