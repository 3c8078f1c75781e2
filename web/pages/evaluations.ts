/**
 * Les évaluations des programmes (journeys.md, « Indicators ») : pour chaque programme de la
 * personne, le rapport à 6 et à 12 mois et, pour l'IML, le rapport d'activité annuel ; la page d'un
 * rapport (indicateurs/rapport.ts) avec l'en-tête du personnel.
 */
import { html, type Brut } from '../../rendu/html';
import { LIBELLES_TYPE_PARCOURS } from '../../domain/vocabulaire';
import { programmesDe, type Contexte } from './commun';

export function pageEvaluations(ctx: Contexte, annee: number): Brut {
  const programmes = programmesDe(ctx);
  return html`<h1>Évaluations des programmes</h1>
<p>Les indicateurs sont calculés à partir des parcours eux-mêmes, sans ressaisie : chaque compte renvoie à la liste des dossiers concernés (par leur référence). La version « partenaires » ne contient que des totaux.</p>
${
  programmes.length
    ? html`<ul class="programmes">${programmes.map((p) => {
        const base = `/programmes/${encodeURIComponent(p.id)}/evaluation`;
        return html`<li><h2>${p.nom}</h2>
<p class="aide">${LIBELLES_TYPE_PARCOURS[p.typeParcours]}</p>
<ul>
  <li><a href="${base}?periode=6-mois">Évaluation à 6 mois</a> (<a href="${base}.pdf?periode=6-mois">PDF</a>)</li>
  <li><a href="${base}?periode=12-mois">Évaluation à 12 mois</a> (<a href="${base}.pdf?periode=12-mois">PDF</a>)</li>
  ${p.typeParcours === 'iml_bail_glissant' ? html`<li><a href="${base}?periode=annuel-iml&amp;annee=${annee}">Rapport d’activité ${annee}</a> (<a href="${base}.pdf?periode=annuel-iml&amp;annee=${annee}">PDF</a>)</li>` : ''}
  <li><a href="/api/programmes/${encodeURIComponent(p.id)}/indicateurs.csv?format=tableur">Indicateurs des 12 derniers mois (tableur, CSV)</a></li>
</ul></li>`;
      })}</ul>`
    : html`<p>Vous ne suivez aucun programme.</p>`
}`;
}
