/**
 * Pages HTML rendues côté serveur (liens des partenaires, documentation) : en français, sans
 * ressource externe ni script, accessibles (lang="fr", <main>, titres, libellés, contraste
 * suffisant, focus visible).
 */
import type { Response } from 'express';

import { echapper, type Brut } from '../rendu/html';

export const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 1.0625rem;
  line-height: 1.55; color: #161616; background: #f6f6f6; }
header.bandeau { background: #000091; color: #fff; padding: .75rem 1.25rem; }
header.bandeau p { margin: 0; font-weight: 700; }
main { max-width: 46rem; margin: 1.5rem auto; padding: 1.5rem; background: #fff; border: 1px solid #ddd; border-radius: .25rem; }
main.large { max-width: 64rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin-top: 0; color: #000091; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .25rem; }
a { color: #000091; }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus, .erreur:focus, .alerte:focus { outline: 3px solid #0a76f6; outline-offset: 2px; }
.encadre { border-left: 4px solid #000091; background: #f0f0ff; padding: .75rem 1rem; margin: 1rem 0; }
.en-ligne { display: inline; }
.alerte { border-left: 4px solid #b34000; background: #fff4ec; padding: .75rem 1rem; margin: 1rem 0; }
.erreur { border-left: 4px solid #ce0500; background: #ffe9e9; padding: .75rem 1rem; margin: 1rem 0; }
.succes { border-left: 4px solid #18753c; background: #e8f6ec; padding: .75rem 1rem; margin: 1rem 0; }
fieldset { border: 1px solid #929292; border-radius: .25rem; padding: .75rem 1rem; margin: 1rem 0; }
legend { font-weight: 700; padding: 0 .25rem; }
label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
.choix label { display: inline; font-weight: 400; margin-left: .4rem; }
.choix { margin: .4rem 0; }
input[type=radio] { width: 1.15rem; height: 1.15rem; vertical-align: middle; }
textarea { width: 100%; min-height: 7rem; font: inherit; padding: .5rem; border: 1px solid #3a3a3a; border-radius: .25rem; }
.aide { color: #3a3a3a; font-size: .95rem; margin: .25rem 0; }
button { font: inherit; font-weight: 700; color: #fff; background: #000091; border: 0; border-radius: .25rem; padding: .65rem 1.25rem; cursor: pointer; }
button:hover { background: #1212ff; }
a.bouton { display: inline-block; font-weight: 700; color: #fff; background: #000091; border-radius: .25rem; padding: .65rem 1.25rem; text-decoration: none; }
a.bouton:hover { background: #1212ff; }
dl.infos { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.infos dt { font-weight: 700; }
dl.infos dd { margin: 0; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9rem; }
pre { background: #1e1e1e; color: #f3f3f3; padding: .75rem; border-radius: .25rem; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #cecece; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #eeeeee; }
.methode { display: inline-block; min-width: 4.5rem; text-align: center; font-weight: 700; color: #fff; border-radius: .2rem; padding: 0 .4rem; margin-right: .5rem; }
.GET { background: #18753c; } .POST { background: #000091; } .DELETE { background: #ce0500; } .PUT, .PATCH { background: #716043; }
nav.sommaire ul { columns: 2; }
footer { max-width: 64rem; margin: 0 auto 2rem; padding: 0 1.5rem; color: #3a3a3a; font-size: .9rem; }
.evitement { position: absolute; left: -999px; top: 0; background: #fff; color: #000091; padding: .5rem 1rem; z-index: 10; }
.evitement:focus { left: .5rem; top: .5rem; }
header.bandeau { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; }
header.bandeau a { color: #fff; }
header.bandeau a:focus, header.bandeau button:focus, header.bandeau summary:focus { outline-color: #fff; }
nav.principale ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav.principale a[aria-current=page] { font-weight: 700; text-decoration-thickness: 3px; }
.compte { margin-left: auto; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
.compte form { margin: 0; }
.compte button { background: #fff; color: #000091; padding: .3rem .8rem; }
.compte button:hover { background: #e3e3fd; }
.outils { background: #e3e3fd; padding: .4rem 1.25rem; font-size: .95rem; }
.outils ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; margin: 0; padding: 0; }
input[type=text], input[type=password], input[type=number], input[type=date], input[type=email], input[type=tel], input[type=month], input[type=search], select {
  font: inherit; width: 100%; max-width: 100%; padding: .45rem .5rem; border: 1px solid #3a3a3a; border-radius: .25rem; background: #fff; color: #161616; }
input[type=checkbox] { width: 1.15rem; height: 1.15rem; vertical-align: middle; }
.champ { margin: .75rem 0; }
fieldset.duree { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin: .5rem 0; padding: .5rem 1rem; }
fieldset.duree legend { width: 100%; }
fieldset.duree label { display: inline; margin: 0; font-weight: 400; }
fieldset.duree input { width: 5rem; }
fieldset.duree select { width: auto; }
.champ.en-erreur input, .champ.en-erreur select, .champ.en-erreur textarea { border: 2px solid #ce0500; }
.message-erreur { color: #ce0500; font-weight: 600; margin: .25rem 0; }
.boutons { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: 1rem; }
button.secondaire { background: #fff; color: #000091; border: 1px solid #000091; }
.badge { display: inline-block; border-radius: .2rem; padding: 0 .4rem; font-size: .9rem; font-weight: 700; }
.badge.retard { background: #ce0500; color: #fff; }
.badge.prioritaire { background: #6a3d9a; color: #fff; }
.badge.clos { background: #3a3a3a; color: #fff; }
.badge.ouvert { background: #18753c; color: #fff; }
tr.en-retard td { background: #fff4f4; }
progress { width: 100%; height: 1.4rem; accent-color: #000091; }
.defilement { overflow-x: auto; }
.filtres { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0 1rem; }
ul.cartes { list-style: none; padding: 0; margin: 0; }
ul.cartes li { border: 1px solid #cecece; border-left: 4px solid #000091; border-radius: .25rem; padding: .6rem .8rem; margin: .6rem 0; }
ul.cartes li.en-retard { border-left-color: #ce0500; }
ul.cartes p { margin: .15rem 0; }
ol.journal { list-style: none; padding: 0; }
ol.journal li { border-left: 3px solid #cecece; padding: .25rem .75rem; margin: .4rem 0; }
ol.journal time { color: #3a3a3a; font-size: .95rem; }
details.action { border: 1px solid #929292; border-radius: .25rem; margin: .6rem 0; }
details.action > summary { cursor: pointer; padding: .6rem .8rem; font-weight: 700; color: #000091; }
details.action > form, details.action > div { padding: 0 .8rem .8rem; }
header.bandeau details.menu { display: none; }
details.menu > summary { cursor: pointer; list-style: none; font-weight: 700; border: 2px solid #fff; border-radius: .25rem; padding: .15rem .75rem; }
details.menu > summary::-webkit-details-marker { display: none; }
details.menu > summary::after { content: " ▾"; }
details.menu[open] > summary::after { content: " ▴"; }
details.menu ul { list-style: none; margin: .5rem 0 0; padding: 0; }
details.menu li { border-top: 1px solid #6a6af4; }
details.menu li a { display: block; padding: .55rem 0; }
details.menu .compte-menu { border-top: 1px solid #6a6af4; padding-top: .5rem; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
details.menu .compte-menu form { margin: 0; }
details.menu .compte-menu button { width: auto; background: #fff; color: #000091; padding: .3rem .8rem; }
/* Sous 600 pixels (téléphone) : l'en-tête tient sur une ligne ou deux, la navigation est dans « Menu ». */
@media (max-width: 37.49rem) {
  header.bandeau { padding: .4rem 1rem; gap: .25rem .75rem; align-items: flex-start; }
  header.bandeau > p { flex: 1 1 0; min-width: 0; font-size: .95rem; line-height: 1.35; padding-top: .2rem; }
  header.bandeau > nav.principale, header.bandeau > .compte, nav.outils { display: none; }
  header.bandeau details.menu { display: block; flex: none; }
  header.bandeau details.menu[open] { flex: 1 0 100%; margin-bottom: .5rem; }
  header.bandeau details.menu[open] > summary { display: inline-block; }
}
/*
 * Les tableaux des pages (web/pages/commun.ts, « tableau ») : sous 600 pixels, une carte par ligne,
 * chaque valeur précédée de l'en-tête de sa colonne (data-label, déjà dit par le tableau aux lecteurs
 * d'écran : texte de remplacement vide). Rien ne défile de côté.
 */
@media (max-width: 37.49rem) {
  table.cartes, table.cartes tbody, table.cartes tr, table.cartes th, table.cartes td { display: block; width: 100%; }
  table.cartes { margin: .25rem 0 1rem; }
  table.cartes caption { display: block; text-align: left; }
  table.cartes thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table.cartes tr { border: 1px solid #cecece; border-left: 4px solid #000091; border-radius: .25rem; padding: .45rem .75rem; margin: .6rem 0; }
  table.cartes tr.en-retard { border-left-color: #ce0500; background: #fff4f4; }
  table.cartes th, table.cartes td, table.cartes tr.en-retard td { border: 0; padding: .1rem 0; background: none; overflow-wrap: anywhere; }
  table.cartes th[scope=row] { font-size: 1.05rem; padding-bottom: .2rem; }
  table.cartes td[data-label]::before { content: attr(data-label) "\\00a0: "; content: attr(data-label) "\\00a0: " / ""; font-weight: 700; }
  .defilement { overflow-x: visible; }
}
@media (max-width: 40rem) {
  main { margin: 0; padding: 1rem; border: 0; border-radius: 0; }
  dl.infos { grid-template-columns: 1fr; }
  dl.infos dd { margin-bottom: .4rem; }
  button { width: 100%; }
  .compte button { width: auto; }
}
`;

/** L'en-tête du personnel connecté : navigation, nom, déconnexion, outils des opérateurs. */
export interface Navigation {
  personne: { nom: string; libelleRole: string };
  /** Jeton anti-CSRF du formulaire de déconnexion. */
  jetonCsrf: string;
  liens: Array<{ href: string; libelle: string; actif?: boolean }>;
  /** Boîte de réception de démonstration, interface Temporal (si configurées). */
  mailInboxUrl?: string;
  temporalUiUrl?: string;
}

export interface OptionsPage {
  titre: string;
  contenu: Brut;
  large?: boolean;
  bandeau?: string;
  /** Pages du personnel connecté : en-tête avec navigation (pages des partenaires : sans). */
  navigation?: Navigation;
  /** Recharge la page toutes les N secondes (avancement d'un travail en cours), sans script. */
  rafraichirSecondes?: number;
}

function entete(o: OptionsPage): string {
  const titre = echapper(o.bandeau ?? 'Prévention des expulsions locatives');
  const n = o.navigation;
  if (!n) return `<header class="bandeau"><p>${titre}</p></header>`;
  const liens = n.liens.map((l) => `<li><a href="${echapper(l.href)}"${l.actif ? ' aria-current="page"' : ''}>${echapper(l.libelle)}</a></li>`).join('');
  const outils = [
    n.mailInboxUrl ? `<li><a href="${echapper(n.mailInboxUrl)}">Boîte de réception de démonstration</a></li>` : '',
    n.temporalUiUrl ? `<li><a href="${echapper(n.temporalUiUrl)}">Interface Temporal (opérateurs)</a></li>` : '',
  ].join('');
  const personne = `<span>${echapper(n.personne.nom)} (${echapper(n.personne.libelleRole)})</span>`;
  const deconnexion = `<form method="post" action="/deconnexion"><input type="hidden" name="csrf" value="${echapper(n.jetonCsrf)}"><button type="submit">Se déconnecter</button></form>`;
  // Sur un téléphone (feuille de style, sous 600 pixels), la navigation, le compte et les outils
  // passent dans « Menu » (sans script) ; l'un ou l'autre est masqué (display: none), jamais les deux
  // présentés à la fois.
  const menu = `<details class="menu"><summary>Menu</summary>
<nav aria-label="Navigation principale"><ul>${liens}</ul></nav>
<div class="compte-menu">${personne}${deconnexion}</div>${
    outils
      ? `
<nav aria-label="Outils des opérateurs"><ul>${outils}</ul></nav>`
      : ''
  }</details>`;
  return `<header class="bandeau"><p>${titre}</p>
<nav class="principale" aria-label="Navigation principale"><ul>${liens}</ul></nav>
<div class="compte">${personne}
${deconnexion}</div>
${menu}
</header>${outils ? `<nav class="outils" aria-label="Outils des opérateurs"><ul>${outils}</ul></nav>` : ''}`;
}

export function page(o: OptionsPage): string {
  const rafraichir = o.rafraichirSecondes ? `\n<meta http-equiv="refresh" content="${Math.round(o.rafraichirSecondes)}">` : '';
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">${rafraichir}
<title>${echapper(o.titre)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
${entete(o)}
<main id="contenu"${o.large ? ' class="large"' : ''}>
${o.contenu.valeur}
</main>
</body>
</html>`;
}

/** Envoie une page HTML avec des en-têtes stricts (pas de script, pas de ressource externe). */
export function envoyerPage(res: Response, status: number, o: OptionsPage): void {
  res
    .status(status)
    .setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .type('text/html; charset=utf-8')
    .send(page(o));
}
