/** La file d'attente IML d'un programme : quota, mesures actives, ménages en attente avec leur rang. */
import { brut, html, type Brut } from '../../rendu/html';
import type { EtatFileIml } from '../../domain/iml';
import { dateFr } from '../libelles';
import { tableau, type Contexte } from './commun';

const lien = (m: { mesure: string; reference: string; nom?: string }, courant?: string) => {
  const nom = m.nom ? html`${m.nom} <span class="aide">(${m.reference})</span>` : html`${m.reference}`;
  return m.mesure === courant ? html`<strong>${nom} — ce dossier</strong>` : html`<a href="/parcours/${encodeURIComponent(m.mesure)}">${nom}</a>`;
};

export function sectionFileIml(_ctx: Contexte, f: EtatFileIml, courant?: string, niveau: 'h2' | 'h1' = 'h2'): Brut {
  const titre = niveau === 'h1' ? brut('') : html`<h2>Mesures actives et file d’attente du programme</h2>`;
  // Sous le titre de la page (h1), les sous-titres sont des h2 ; dans la page d'un parcours, des h3.
  const sous = (texte: string) => (niveau === 'h1' ? html`<h2>${texte}</h2>` : html`<h3>${texte}</h3>`);
  return html`${titre}
<p>${f.quota} mesures agréées : <strong>${f.actives.length} active${f.actives.length > 1 ? 's' : ''}</strong>, ${f.placesLibres} place${f.placesLibres > 1 ? 's' : ''} libre${f.placesLibres > 1 ? 's' : ''}, <strong>${f.file.length} ménage${f.file.length > 1 ? 's' : ''} en attente</strong>.</p>
${sous('Mesures actives')}
${
  f.actives.length
    ? tableau({
        region: 'Mesures actives',
        lignes: f.actives,
        colonnes: [
          { titre: 'Ménage (dossier)', nomme: true, valeur: (m) => lien(m, courant) },
          { titre: 'Place accordée le', valeur: (m) => dateFr(m.depuis) },
          { titre: 'Candidature validée le', valeur: (m) => dateFr(m.demandeeLe) },
        ],
      })
    : html`<p>Aucune mesure active.</p>`
}
${sous('File d’attente')}
${
  f.file.length
    ? tableau({
        region: 'File d’attente',
        lignes: f.file,
        colonnes: [
          { titre: 'Rang', valeur: (m) => m.rang },
          { titre: 'Ménage (dossier)', nomme: true, valeur: (m) => lien(m, courant) },
          { titre: 'En attente depuis le', valeur: (m) => dateFr(m.depuis) },
        ],
      })
    : html`<p>Personne n’attend de place.</p>`
}`;
}

export function pageFileIml(ctx: Contexte, nomProgramme: string, f: EtatFileIml): Brut {
  return html`<h1>File d’attente IML : ${nomProgramme}</h1>${sectionFileIml(ctx, f, undefined, 'h1')}`;
}
