/**
 * Les orientations reçues des partenaires d'un programme : qui oriente, le ménage, sa situation,
 * l'éligibilité déjà vérifiée et expliquée ; accepter (le parcours démarre) ou refuser avec un motif.
 */
import { brut, html, type Brut } from '../../rendu/html';
import type { versSortie } from '../../api/routes/orientations';
import type { Programme } from '../../domain/vocabulaire';
import type { Organisation } from '../../personnel/organisations';
import { resumeErreurs } from '../../api/formulaires';
import { dateFr, euros, libelleValeur } from '../libelles';
import { libelleTravailleurSocial, phraseDejaSuivi, travailleursSociaux, type ChargeTravailleurSocial, type Contexte } from './commun';
import type { ParcoursDejaOuvert } from '../../domain/vocabulaire';

type OrientationVue = ReturnType<typeof versSortie>;

export interface RetourOrientation {
  id: string;
  messages: string[];
}

function carte(
  ctx: Contexte,
  programme: Programme,
  o: OrientationVue,
  bailleurs: Organisation[],
  retour?: RetourOrientation,
  charges?: Map<string, ChargeTravailleurSocial>,
  dejaSuivi: ParcoursDejaOuvert[] = [],
): Brut {
  const s = o.situation as {
    impayesMois: number;
    montantDette: number;
    debutBail: string;
    garantie: string;
    suiviParServiceSocial: boolean;
    dejaTente?: string;
    stadeProcedure?: string;
  };
  const m = o.menage as { nom: string; composition: string; adresse: string };
  const statut =
    o.statut === 'recue' ? 'À traiter' : o.statut === 'acceptee' ? (o.lancementEnCours ? 'Acceptée, parcours en cours de lancement' : 'Acceptée') : 'Refusée';
  const ts = travailleursSociaux(ctx.deps, programme.id);
  return html`<section class="organisation" aria-labelledby="or-${o.id}">
<h3 id="or-${o.id}">${m.nom} <span class="aide">— dossier ${o.reference}, reçue le ${dateFr(o.recueLe)} — ${statut}</span></h3>
<p>Orienté par ${o.orientePar.nom} (${o.orientePar.libelleService}), ${o.organisation.nom} — <a href="mailto:${o.orientePar.courriel}">${o.orientePar.courriel}</a>.</p>
<p>${libelleValeur(m.composition)}, ${m.adresse}. ${s.impayesMois} loyer${s.impayesMois > 1 ? 's' : ''} impayé${s.impayesMois > 1 ? 's' : ''} (${euros(s.montantDette)}), bail commencé le ${dateFr(s.debutBail)}, garantie : ${libelleValeur(s.garantie)}${s.stadeProcedure ? `, procédure : ${libelleValeur(s.stadeProcedure).toLowerCase()}` : ''}${s.suiviParServiceSocial ? ', déjà suivi par un service social' : ''}.${s.dejaTente ? html` Déjà tenté : ${s.dejaTente}.` : ''}</p>
${
  dejaSuivi.length
    ? html`<p class="alerte">Ce ménage a peut-être déjà un parcours en cours. ${phraseDejaSuivi(dejaSuivi)} S’il s’agit du même ménage, refusez cette orientation en le disant (son accompagnement continue dans ${dejaSuivi.length > 1 ? 'l’un de ces dossiers' : 'ce dossier'}) ; sinon (un homonyme, un autre logement à la même adresse), acceptez-la.</p>`
    : ''
}
${
  o.nonEligible
    ? html`<p class="alerte">Ne remplit pas les conditions du programme : ${o.nonEligible}. Accepté, le parcours sera clos aussitôt « non éligible ».</p>`
    : html`<p class="encadre">Remplit les conditions du programme.</p>`
}
${
  o.contactAvant && !o.nonEligible
    ? o.delaiContactEcoule
      ? html`<p class="alerte">Le délai de contact, qui court depuis la réception (le signalement du bailleur), est passé : le contact devait être établi au plus tard le ${dateFr(o.contactAvant)}. Acceptée, le parcours sera clos aussitôt « contact impossible », sans aucune tentative, et le bailleur informé qu’il peut engager les poursuites.</p>`
      : html`<p>Premier contact à établir au plus tard le ${dateFr(o.contactAvant)} (le délai court depuis la réception, le signalement du bailleur).</p>`
    : ''
}
${
  o.statut === 'acceptee' && o.workflowId
    ? o.lancementEnCours
      ? html`<p>Le parcours du ménage est en cours de lancement : rechargez la page dans un instant. S’il n’a pas pu démarrer, l’orientation reviendra d’elle-même dans « À traiter ».</p>`
      : html`<p><a href="/parcours/${encodeURIComponent(o.workflowId)}">Voir le parcours du ménage</a></p>`
    : ''
}
${o.statut === 'refusee' ? html`<p>Refusée : ${o.motifRefus ?? ''}</p>` : ''}
${
  o.statut === 'recue'
    ? html`${retour ? resumeErreurs('La décision n’a pas été enregistrée :', retour.messages) : ''}
<details class="action"${retour ? brut(' open') : ''}><summary>Accepter l’orientation de ${m.nom}</summary>
<form method="post" action="/orientations/${o.id}/decision" novalidate><input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="decision" value="accepter">
<div class="champ"><label for="ts-${o.id}">Travailleur social affecté <span class="aide">(facultatif)</span></label><select id="ts-${o.id}" name="travailleurSocial"><option value="">— plus tard —</option>${ts.map((p) => html`<option value="${p.id}">${libelleTravailleurSocial(p, charges)}</option>`)}</select></div>
<div class="champ"><label for="bailleur-${o.id}">Bailleur du ménage</label><select id="bailleur-${o.id}" name="bailleur">${bailleurs.map(
        (b) => html`<option value="${b.id}"${b.id === o.organisation.id ? brut(' selected') : ''}>${b.nom}</option>`,
      )}</select></div>
${
  o.delaiContactEcoule && !o.nonEligible
    ? html`<div class="champ choix"><input type="checkbox" id="confirmer-${o.id}" name="confirmerDelaiEcoule" value="oui"><label for="confirmer-${o.id}">Accepter malgré le délai passé (le parcours sera clos aussitôt « contact impossible »)</label></div>`
    : ''
}
<div class="boutons"><button type="submit">Accepter et lancer le parcours</button></div></form></details>
<details class="action"><summary>Refuser l’orientation de ${m.nom}</summary>
<form method="post" action="/orientations/${o.id}/decision" novalidate><input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="decision" value="refuser">
<div class="champ"><label for="motif-${o.id}">Motif, envoyé à ${o.orientePar.nom} <span class="aide">(obligatoire)</span></label><textarea id="motif-${o.id}" name="motif" aria-required="true"></textarea></div>
<div class="boutons"><button type="submit" class="secondaire">Refuser</button></div></form></details>`
    : ''
}
</section>`;
}

export function pageOrientations(
  ctx: Contexte,
  programme: Programme,
  orientations: OrientationVue[],
  bailleurs: Organisation[],
  retour?: RetourOrientation,
  charges?: Map<string, ChargeTravailleurSocial>,
  /** Pour chaque orientation à traiter, les parcours ouverts du programme pour un ménage de même nom et même adresse. */
  dejaSuivis?: Map<string, ParcoursDejaOuvert[]>,
): Brut {
  const aTraiter = orientations.filter((o) => o.statut === 'recue');
  const traitees = orientations.filter((o) => o.statut !== 'recue');
  return html`<h1>Orientations reçues : ${programme.nom}</h1>
<p>Les partenaires orientent un ménage par un lien envoyé depuis l’<a href="/programmes/${programme.id}/annuaire">annuaire du programme</a>.</p>
<h2>À traiter (${aTraiter.length})</h2>
${aTraiter.length ? aTraiter.map((o) => carte(ctx, programme, o, bailleurs, retour?.id === o.id ? retour : undefined, charges, dejaSuivis?.get(o.id))) : html`<p>Aucune orientation en attente.</p>`}
<h2>Déjà traitées (${traitees.length})</h2>
${traitees.length ? traitees.map((o) => carte(ctx, programme, o, bailleurs)) : html`<p>Aucune.</p>`}`;
}
