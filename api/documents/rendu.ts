/**
 * Le rendu HTML imprimable d'un document (documents/) : le même contenu que le PDF, en HTML
 * accessible (titres, listes de définitions, tableaux avec en-têtes), dans le gabarit.ts.
 */
import { lignesCoordonnees, type Bloc, type DocumentImprimable } from '../../documents/modele';
import { html, type Brut } from '../../rendu/html';

const avecSauts = (lignes: string[]): Brut => html`${lignes.map((l, i) => (i ? html`<br>${l}` : html`${l}`))}`;

function bloc(b: Bloc): Brut {
  switch (b.type) {
    case 'titre':
      return html`<h2>${b.texte}</h2>`;
    case 'paragraphe':
      return html`<p>${b.texte}</p>`;
    case 'note':
      return html`<p class="aide">${b.texte}</p>`;
    case 'signature':
      return html`<p class="signature">${b.texte}</p>`;
    case 'liste':
      return b.numerotee
        ? html`<ol>
${b.elements.map((e) => html`<li>${e}</li>\n`)}</ol>`
        : html`<ul>
${b.elements.map((e) => html`<li>${e}</li>\n`)}</ul>`;
    case 'infos':
      return html`<dl class="infos">
${b.lignes.map(([t, v]) => html`  <dt>${t}</dt><dd>${v}</dd>\n`)}</dl>`;
    case 'a-remplir':
      return html`<table class="a-remplir">
<caption class="visuellement-masque">${b.legende}</caption>
<thead><tr>${b.colonnes.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>
${b.lignes.map((l) => html`<tr>${l.map((c) => html`<td>${c}</td>`)}</tr>\n`)}</tbody>
</table>`;
    case 'signatures':
      return html`<section class="signatures" aria-label="Signatures">
<p>${b.lieuEtDate}</p>
<div class="signataires">
${b.signataires.map((sg) => html`<div class="signataire"><p><strong>${sg.qualite}</strong>${sg.nom ? html`<br>${sg.nom}` : ''}${sg.mention ? html`<br><span class="aide">${sg.mention}</span>` : ''}</p><div class="cadre-signature"></div></div>\n`)}</div>
</section>`;
    case 'tableau':
      if (!b.lignes.length) return html`<p>${b.vide}</p>`;
      // Sur un téléphone, le tableau défile dans son cadre, pas la page (une zone qui défile se rejoint au clavier).
      return html`<div class="defilement" role="region" aria-label="${b.legende}" tabindex="0"><table>
<caption class="visuellement-masque">${b.legende}</caption>
<thead><tr>${b.colonnes.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>
${b.lignes.map((l) => html`<tr>${l.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>\n`)}</tbody>
</table></div>`;
  }
}

/** Les coordonnées de l'opérateur, au pied du document (comme au pied de chaque page du PDF). */
function pied(d: DocumentImprimable): Brut {
  const lignes = lignesCoordonnees(d.operateur);
  return lignes.length ? html`<footer class="coordonnees-operateur"><p>${avecSauts(lignes)}</p></footer>\n` : html``;
}

/** Le contenu (l'<article>) d'un document, à placer dans `pageDocument`. */
export function contenuDocument(d: DocumentImprimable): Brut {
  const blocs = html`${d.blocs.map((b) => html`${bloc(b)}\n`)}${pied(d)}`;
  if (d.lettre) {
    const l = d.lettre;
    return html`<article class="lettre" aria-labelledby="objet-lettre">
<p class="expediteur"><strong>${l.expediteur[0]}</strong><br>${avecSauts(l.expediteur.slice(1))}</p>
<p class="destinataire"><span class="visuellement-masque">Destinataire : </span>${avecSauts(l.destinataire)}</p>
<p class="date">${l.date}</p>
<p>${l.reference}</p>
<h1 id="objet-lettre">${d.intitule}</h1>
${blocs}</article>`;
  }
  return html`<article class="fiche" aria-labelledby="titre-fiche">
<h1 id="titre-fiche">${d.intitule}</h1>
${blocs}</article>`;
}
