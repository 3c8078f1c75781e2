/**
 * Le tableau de bord de la coordination (parcours de ses programmes, filtres, en retard d'abord)
 * et « mes ménages » du travailleur social (triés par prochaine échéance, lisibles sur un téléphone).
 */
import type { ResumeParcours } from '../../api/routes/parcours';
import { brut, html, type Brut } from '../../api/html';
import { ETAPES_CONNUES } from '../../domain/actions';
import { TYPES_PARCOURS, type TypeParcours } from '../../domain/vocabulaire';
import { dateFr, libelleEtape, LIBELLES_TYPE_PARCOURS } from '../libelles';
import { estCoordination, nomDe, programmesDe, travailleursSociaux, type Contexte } from './commun';

export type Filtres = Partial<Record<'programme' | 'type' | 'etape' | 'travailleurSocial' | 'enRetard' | 'cloture', string>>;

const lienParcours = (p: ResumeParcours) => `/parcours/${encodeURIComponent(p.workflowId)}`;
const typeDe = (t: string) => LIBELLES_TYPE_PARCOURS[t as TypeParcours] ?? t;

function marque(p: ResumeParcours): Brut {
  if (p.cloture || p.statut !== 'en_cours') return html`<span class="badge clos">Clôturé</span>`;
  return p.enRetard ? html`<span class="badge retard">En retard</span>` : brut('');
}

function choix(id: string, libelle: string, options: Array<[string, string]>, valeur: string | undefined): Brut {
  return html`<div class="champ"><label for="filtre-${id}">${libelle}</label><select id="filtre-${id}" name="${id}">${options.map(
    ([v, l]) => html`<option value="${v}"${(valeur ?? '') === v ? brut(' selected') : ''}>${l}</option>`,
  )}</select></div>`;
}

export function pageTableau(ctx: Contexte, liste: ResumeParcours[], filtres: Filtres, erreur?: string): Brut {
  const nomProgramme = (id: string) => ctx.deps.catalogue.trouver(id)?.nom ?? id;
  if (!estCoordination(ctx.personne)) return pageMesMenages(ctx, liste, filtres, erreur);
  const programmes = programmesDe(ctx);
  const etapes = [...new Set(TYPES_PARCOURS.flatMap((t) => ETAPES_CONNUES[t]))];
  const ts = [...new Map(programmes.flatMap((p) => travailleursSociaux(ctx.deps, p.id)).map((p) => [p.id, p])).values()];
  const enRetard = liste.filter((p) => p.enRetard && !p.cloture).length;
  return html`<h1>Tableau de bord des parcours</h1>
<p>${liste.length} parcours${enRetard ? html`, dont <strong>${enRetard} en retard</strong> (en tête de liste)` : ''}.
<a href="/parcours/nouveau">Lancer un parcours</a></p>
<form method="get" action="/parcours" aria-label="Filtres">
<fieldset><legend>Filtrer les parcours</legend>
<div class="filtres">
${choix('programme', 'Programme', [['', 'Tous mes programmes'], ...programmes.map((p): [string, string] => [p.id, p.nom])], filtres.programme)}
${choix('type', 'Type de parcours', [['', 'Tous'], ...TYPES_PARCOURS.map((t): [string, string] => [t, LIBELLES_TYPE_PARCOURS[t]])], filtres.type)}
${choix('etape', 'Étape', [['', 'Toutes'], ...etapes.map((e): [string, string] => [e, libelleEtape(e)])], filtres.etape)}
${choix('travailleurSocial', 'Travailleur social', [['', 'Tous'], ...ts.map((p): [string, string] => [p.id, p.nom])], filtres.travailleurSocial)}
${choix('enRetard', 'Échéances', [['', 'Toutes'], ['true', 'En retard seulement'], ['false', 'Sans retard']], filtres.enRetard)}
${choix('cloture', 'État', [['false', 'Ouverts'], ['true', 'Clôturés'], ['', 'Ouverts et clôturés']], filtres.cloture)}
</div>
<div class="boutons"><button type="submit">Filtrer</button> <a href="/parcours">Effacer les filtres</a></div>
</fieldset></form>
${erreur ? html`<div class="erreur" role="alert"><p>${erreur}</p></div>` : ''}
${liste.length === 0
  ? html`<p class="encadre">Aucun parcours ne correspond à ces filtres.</p>`
  : html`<div class="defilement" tabindex="0" role="region" aria-label="Liste des parcours (tableau défilant)"><table>
<caption class="aide">Parcours des ménages, en retard d’abord puis par prochaine échéance</caption>
<thead><tr><th scope="col">Ménage (référence)</th><th scope="col">Parcours</th><th scope="col">Programme</th><th scope="col">Étape</th><th scope="col">Travailleur social</th><th scope="col">Prochaine échéance</th></tr></thead>
<tbody>${liste.map(
      (p) => html`<tr${p.enRetard && !p.cloture ? brut(' class="en-retard"') : ''}>
<th scope="row"><a href="${lienParcours(p)}">${p.reference}</a> ${marque(p)}</th>
<td>${typeDe(p.typeParcours)}</td><td>${nomProgramme(p.programme)}</td><td>${libelleEtape(p.etape)}</td>
<td>${p.travailleurSocial ? nomDe(ctx.deps, p.travailleurSocial) : html`<em>non affecté</em>`}</td>
<td>${p.prochaineEcheance ? dateFr(p.prochaineEcheance) : '—'}</td></tr>`,
    )}</tbody></table></div>`}`;
}

function pageMesMenages(ctx: Contexte, liste: ResumeParcours[], filtres: Filtres, erreur?: string): Brut {
  const nomProgramme = (id: string) => ctx.deps.catalogue.trouver(id)?.nom ?? id;
  const clos = filtres.cloture === 'true';
  return html`<h1>Mes ménages</h1>
<p>${clos ? 'Parcours clôturés' : 'Parcours en cours'}, triés par prochaine échéance (les retards d’abord).
${clos ? html`<a href="/parcours">Voir les parcours en cours</a>` : html`<a href="/parcours?cloture=true">Voir les parcours clôturés</a>`}</p>
${erreur ? html`<div class="erreur" role="alert"><p>${erreur}</p></div>` : ''}
${liste.length === 0
  ? html`<p class="encadre">Aucun ménage ${clos ? 'clôturé' : 'en cours'} ne vous est affecté.</p>`
  : html`<ul class="cartes">${liste.map(
      (p) => html`<li${p.enRetard && !p.cloture ? brut(' class="en-retard"') : ''}>
<p><a href="${lienParcours(p)}"><strong>${p.reference}</strong></a> ${marque(p)}</p>
<p>${typeDe(p.typeParcours)} — ${nomProgramme(p.programme)}</p>
<p>Étape : ${libelleEtape(p.etape)}</p>
<p>Prochaine échéance : ${p.prochaineEcheance ? dateFr(p.prochaineEcheance) : 'aucune'}</p></li>`,
    )}</ul>`}`;
}
