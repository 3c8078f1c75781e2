/**
 * Pages HTML rendues côté serveur (liens des partenaires, documentation) : en français, sans
 * ressource externe ni script, accessibles (lang="fr", <main>, titres, libellés, contraste
 * suffisant, focus visible).
 */
import type { Response } from 'express';

const ENTITES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Échappe une valeur pour le HTML (contenu et attributs). */
export const echapper = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ENTITES[c]!);

/** Gabarit HTML : `html\`<p>${valeur}</p>\`` échappe les valeurs, sauf celles marquées `brut()`. */
export class Brut {
  constructor(readonly valeur: string) {}
  toString() {
    return this.valeur;
  }
}
export const brut = (s: string) => new Brut(s);

export function html(chaines: TemplateStringsArray, ...valeurs: unknown[]): Brut {
  let r = chaines[0]!;
  valeurs.forEach((v, i) => {
    const rendu = Array.isArray(v)
      ? v.map((x) => (x instanceof Brut ? x.valeur : echapper(x))).join('')
      : v instanceof Brut
        ? v.valeur
        : v === undefined || v === null || v === false
          ? ''
          : echapper(v);
    r += rendu + chaines[i + 1]!;
  });
  return brut(r);
}

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
a:focus, button:focus, input:focus, textarea:focus, summary:focus { outline: 3px solid #0a76f6; outline-offset: 2px; }
.encadre { border-left: 4px solid #000091; background: #f0f0ff; padding: .75rem 1rem; margin: 1rem 0; }
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
`;

export interface OptionsPage {
  titre: string;
  contenu: Brut;
  large?: boolean;
  bandeau?: string;
}

export function page(o: OptionsPage): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${echapper(o.titre)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="bandeau"><p>${echapper(o.bandeau ?? 'Prévention des expulsions locatives')}</p></header>
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
    .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .type('text/html; charset=utf-8')
    .send(page(o));
}
