/**
 * L'annuaire des partenaires d'un programme : organisations (bailleurs, département, SIAO…),
 * services et contacts ; la coordination du programme et l'admin y ajoutent une organisation ou un
 * contact, ou retirent un contact. Les courriels suivants vont aux contacts tels qu'ils sont ici.
 */
import { z } from 'zod';
import { brut, html, type Brut } from '../../rendu/html';
import { devantUnNom, nombreDe } from '../../domain/libelles';
import { LIBELLES_TYPE_ORGANISATION, TYPES_ORGANISATION, type Programme } from '../../domain/vocabulaire';
import { sansContact, type Organisation } from '../../personnel/organisations';
import { resumeErreurs } from '../../api/formulaires';
import { dateHeureFr } from '../libelles';
import { estCoordination, programmesDe, type Contexte } from './commun';

export interface RetourAnnuaire {
  /** « organisation », l'identifiant de l'organisation dont le formulaire de contact a échoué, ou « modifier:<id> ». */
  formulaire: string;
  messages: string[];
  valeurs: Record<string, string>;
  /** Le champ que le premier message concerne, montré à côté de lui (la case qui confirme un retrait). */
  champ?: 'confirmation';
}

/** Ce qui vient d'être fait (confirmation en haut de la page), et la clé d'accès tout juste créée (montrée une fois). */
export interface InfoAnnuaire {
  message: string;
  cle?: string;
}

/** Les clés d'accès actives des logiciels, par organisation. */
export type ClesParOrganisation = Record<string, Array<{ id: string; creeLe: string; utiliseeLe: string | null }>>;

export function pageChoixAnnuaire(ctx: Contexte): Brut {
  const programmes = programmesDe(ctx);
  return html`<h1>Annuaire des partenaires</h1>
<p>Choisissez le programme : chaque programme a ses bailleurs, ses services sociaux et ses autres partenaires.</p>
<ul>${programmes.map((p) => html`<li><a href="/programmes/${p.id}/annuaire">${p.nom}</a> (${p.territoire})</li>`)}</ul>`;
}

const valeur = (r: RetourAnnuaire | undefined, nom: string) => r?.valeurs[nom] ?? '';

/** La case qui confirme le retrait du dernier contact (cochée : « oui »). */
export const confirmationRetraitSchema = z.object({ confirmation: z.literal('oui').optional() });

/**
 * Ce que perd l'organisation avec son dernier contact, en mots (`sansContact`) ; pour un autre
 * bailleur, rien : son dernier contact ne se retire pas.
 */
export function perteSansContact(programme: Programme, o: Pick<Organisation, 'id' | 'programmeId' | 'type'>): string | undefined {
  const s = sansContact(o);
  if (s.cas === 'autre_bailleur') return undefined;
  if (s.cas === 'role') {
    const repli = programme.partenaires[s.role];
    return repli
      ? `ses courriels et ses liens iront à l’adresse du programme pour ce partenaire : ${repli.nom}, ${repli.courriel}`
      : 'plus aucun courriel ni lien ne lui sera envoyé';
  }
  // Les autres organisations ne reçoivent que les liens d'orientation (prévention précontentieuse).
  return programme.typeParcours === 'prevention_precontentieuse' ? 'plus aucun lien pour orienter un ménage ne pourra lui être envoyé' : undefined;
}

/**
 * Retirer un contact. Le dernier d'une organisation se confirme par une case qui dit ce qu'elle perd
 * (`perteSansContact`), sauf s'il ne lui fait rien perdre ; celui d'un autre bailleur que celui du
 * programme ne se retire pas : la page dit d'ajouter d'abord un autre contact.
 */
function formulaireRetrait(
  ctx: Contexte,
  programme: Programme,
  o: Organisation,
  c: Organisation['contacts'][number],
  dernier: boolean,
  erreurConfirmation?: string,
): Brut {
  const action = `/organisations/${o.id}/contacts/${c.id}/retrait`;
  const bouton = html`<button type="submit" class="secondaire">Retirer ${c.nom}</button>`;
  const enLigne = html` <form method="post" action="${action}" class="en-ligne"><input type="hidden" name="csrf" value="${ctx.csrf}">${bouton}</form>`;
  if (!dernier) return enLigne;
  if (sansContact(o).cas === 'autre_bailleur')
    return html`<p class="aide">Dernier contact ${devantUnNom('de', o.nom)} : pour le retirer, ajoutez d’abord un autre contact (sans contact, les courriels destinés au bailleur de ses ménages iraient à la coordination du programme, à lui faire suivre).</p>`;
  const perte = perteSansContact(programme, o);
  if (!perte) return enLigne;
  const id = idCase(c);
  return html`<form method="post" action="${action}" novalidate><input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="choix${erreurConfirmation ? ' en-erreur' : ''}">${erreurConfirmation ? html`<p class="message-erreur" id="${id}-erreur">${erreurConfirmation}</p>` : ''}<input type="checkbox" id="${id}" name="confirmation" value="oui"${erreurConfirmation ? brut(` aria-invalid="true" aria-describedby="${id}-erreur"`) : ''}><label for="${id}">C’est le dernier contact ${devantUnNom('de', o.nom)} : je confirme que, sans contact, ${perte}</label></div>
<div class="boutons">${bouton}</div></form>`;
}

const idCase = (c: Organisation['contacts'][number]) => `retrait-${c.id}`.replace(/[^A-Za-z0-9-]/g, '');

/** Un retrait refusé : la raison ; la case à cocher oubliée, un lien vers elle (le focus va au résumé). */
function resumeRetrait(r: RetourAnnuaire, caseACocher: string | undefined): Brut {
  if (r.champ !== 'confirmation' || !caseACocher) return resumeErreurs('Le contact n’a pas été retiré :', r.messages);
  return html`<div class="erreur" role="alert" tabindex="-1" autofocus><p><strong>Le contact n’a pas été retiré :</strong></p><ul>${r.messages.map((m) => html`<li><a href="#${caseACocher}">${m}</a></li>`)}</ul></div>`;
}

/** Ce que dit la carte d'une organisation restée sans contact. */
function sansContactEnMots(programme: Programme, o: Organisation): string {
  if (sansContact(o).cas === 'autre_bailleur')
    return 'Aucun contact : les courriels destinés au bailleur de ses ménages vont à la coordination du programme, à lui faire suivre (jamais à un autre bailleur). Ajoutez un contact.';
  const perte = perteSansContact(programme, o);
  return perte ? `Aucun contact : ${perte}.` : 'Aucun contact.';
}

function formulaireContact(ctx: Contexte, o: Organisation, r?: RetourAnnuaire): Brut {
  const id = o.id.replace(/[^a-z0-9-]/g, '');
  return html`<details class="action"${r ? brut(' open') : ''}><summary>Ajouter un contact ${devantUnNom('à', o.nom)}</summary>
<form method="post" action="/organisations/${o.id}/contacts" novalidate>${r ? resumeErreurs('Le contact n’a pas été ajouté :', r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="champ"><label for="c-nom-${id}">Nom <span class="aide">(obligatoire)</span></label><input id="c-nom-${id}" name="nom" value="${valeur(r, 'nom')}" aria-required="true"></div>
<div class="champ"><label for="c-courriel-${id}">Adresse électronique <span class="aide">(obligatoire)</span></label><input id="c-courriel-${id}" name="courriel" type="email" value="${valeur(r, 'courriel')}" aria-required="true"></div>
<div class="champ"><label for="c-service-${id}">Service <span class="aide">(proximité, recouvrement, contentieux, action sociale…)</span></label><input id="c-service-${id}" name="service" value="${valeur(r, 'service')}"></div>
<div class="boutons"><button type="submit">Ajouter le contact</button></div></form></details>`;
}

function formulaireModification(ctx: Contexte, o: Organisation, r?: RetourAnnuaire): Brut {
  const id = o.id.replace(/[^a-z0-9-]/g, '');
  const v = (nom: string, defaut: string) => (r ? valeur(r, nom) : defaut);
  const actif = r ? r.valeurs.actif === 'oui' : o.actif;
  return html`<details class="action"${r ? brut(' open') : ''}><summary>Modifier ${o.nom}</summary>
<form method="post" action="/organisations/${o.id}" novalidate>${r ? resumeErreurs('L’organisation n’a pas été modifiée :', r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="champ"><label for="m-nom-${id}">Nom</label><input type="text" id="m-nom-${id}" name="nom" value="${v('nom', o.nom)}"></div>
${
  o.parcoursOuverts !== undefined
    ? html`<div class="champ"><label for="m-quota-${id}">File active maximale <span class="aide">(nombre de ménages suivis à la fois ; vide : sans limite)</span></label><input type="text" id="m-quota-${id}" name="quotaFileActive" inputmode="numeric" value="${v('quotaFileActive', o.quotaFileActive == null ? '' : String(o.quotaFileActive))}"></div>`
    : ''
}
<div class="choix"><input type="checkbox" id="m-actif-${id}" name="actif" value="oui"${actif ? brut(' checked') : ''}><label for="m-actif-${id}">Active (décochée : elle ne peut plus être choisie pour un nouveau ménage)</label></div>
<div class="boutons"><button type="submit">Enregistrer ${o.nom}</button></div></form></details>`;
}

function sectionCles(ctx: Contexte, o: Organisation, cles: ClesParOrganisation[string] = []): Brut {
  return html`<details class="action"><summary>Logiciel de ${o.nom} : clés d’accès (${cles.length})</summary>
<p class="aide">Une clé permet au logiciel de ${o.nom} d’envoyer des fiches d’orientation par l’API (documentation : <a href="/docs">/docs</a>, « Orienter depuis le logiciel d’un partenaire »). Elle n’est montrée qu’à sa création.</p>
${
  cles.length
    ? html`<ul>${cles.map(
        (c) =>
          html`<li>Clé ${c.id}, créée le ${dateHeureFr(c.creeLe)}, ${c.utiliseeLe ? `utilisée pour la dernière fois le ${dateHeureFr(c.utiliseeLe)}` : 'jamais utilisée'} <form method="post" action="/organisations/${o.id}/cles-api/${c.id}/revocation" class="en-ligne"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" class="secondaire">Révoquer la clé ${c.id}</button></form></li>`,
      )}</ul>`
    : ''
}
<form method="post" action="/organisations/${o.id}/cles-api"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" class="secondaire">Créer une clé pour le logiciel de ${o.nom}</button></form></details>`;
}

function carteOrganisation(
  ctx: Contexte,
  programme: Programme,
  o: Organisation,
  modifiable: boolean,
  retour?: RetourAnnuaire,
  orientable = false,
  cles?: ClesParOrganisation,
): Brut {
  const actifs = o.contacts.filter((c) => c.actif);
  // Un retrait refusé : la raison en tête de la carte (le focus y va), la case à cocher marquée.
  const retrait = retour?.formulaire === `retrait:${o.id}` ? retour : undefined;
  return html`<section class="organisation" aria-labelledby="org-${o.id}">
<h3 id="org-${o.id}">${o.nom} <span class="aide">— ${LIBELLES_TYPE_ORGANISATION[o.type]}${o.actif ? '' : ', inactive'}</span></h3>
${
  o.parcoursOuverts !== undefined
    ? html`<p>File active : <strong>${nombreDe(o.parcoursOuverts, 'ménage suivi', 'ménages suivis')}</strong>${o.quotaFileActive != null ? html` pour ${nombreDe(o.quotaFileActive, 'place', 'places')}` : ' (sans limite)'}.</p>`
    : ''
}
${retrait ? resumeRetrait(retrait, actifs.length === 1 ? idCase(actifs[0]!) : undefined) : ''}
${
  actifs.length
    ? html`<ul>${actifs.map(
        (c) =>
          html`<li>${c.nom}${c.service ? html` (${c.service})` : ''} — <a href="mailto:${c.courriel}">${c.courriel}</a>${
            modifiable ? formulaireRetrait(ctx, programme, o, c, actifs.length === 1, retrait?.champ === 'confirmation' ? retrait.messages[0] : undefined) : ''
          }</li>`,
      )}</ul>`
    : html`<p class="alerte">${sansContactEnMots(programme, o)}</p>`
}
${modifiable ? formulaireContact(ctx, o, retour?.formulaire === o.id ? retour : undefined) : ''}
${modifiable ? formulaireModification(ctx, o, retour?.formulaire === `modifier:${o.id}` ? retour : undefined) : ''}
${
  modifiable && orientable && actifs.length
    ? html`<form method="post" action="/organisations/${o.id}/lien-orientation"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" class="secondaire">Envoyer à ${o.nom} un lien pour orienter un ménage</button></form>`
    : ''
}
${modifiable && orientable && o.actif ? sectionCles(ctx, o, cles?.[o.id]) : ''}
</section>`;
}

export function pageAnnuaire(
  ctx: Contexte,
  programme: Programme,
  organisations: Organisation[],
  retour?: RetourAnnuaire,
  o: { info?: InfoAnnuaire; cles?: ClesParOrganisation } = {},
): Brut {
  const modifiable = estCoordination(ctx.personne);
  const bailleurs = organisations.filter((o) => o.parcoursOuverts !== undefined);
  const autres = organisations.filter((o) => o.parcoursOuverts === undefined);
  const r = retour?.formulaire === 'organisation' ? retour : undefined;
  const orientable = programme.typeParcours === 'prevention_precontentieuse';
  return html`<p><a href="/annuaire">← Annuaire des partenaires</a></p>
<h1>Annuaire : ${programme.nom}</h1>
${o.info ? html`<div class="succes" role="status"><p>${o.info.message}</p>${o.info.cle ? html`<p>Clé : <code>${o.info.cle}</code></p>` : ''}</div>` : ''}
${orientable && modifiable ? html`<p><a href="/programmes/${programme.id}/orientations">Orientations reçues des partenaires</a></p>` : ''}
<p>Les courriels partent aux contacts tels qu’ils sont ici au moment de l’envoi : un contact ajouté reçoit les suivants, un contact retiré n’en reçoit plus.</p>
<h2>Bailleurs</h2>
${bailleurs.length ? bailleurs.map((org) => carteOrganisation(ctx, programme, org, modifiable, retour, orientable, o.cles)) : html`<p>Aucun bailleur inscrit.</p>`}
<h2>Autres partenaires</h2>
${autres.length ? autres.map((org) => carteOrganisation(ctx, programme, org, modifiable, retour, orientable, o.cles)) : html`<p>Aucun autre partenaire inscrit.</p>`}
${
  modifiable
    ? html`<h2>Ajouter une organisation</h2>
<form method="post" action="/programmes/${programme.id}/organisations" novalidate>${r ? resumeErreurs('L’organisation n’a pas été ajoutée :', r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="champ"><label for="o-type">Type <span class="aide">(obligatoire)</span></label><select id="o-type" name="type" aria-required="true"><option value="">— choisir —</option>${TYPES_ORGANISATION.map(
        (t) => html`<option value="${t}"${valeur(r, 'type') === t ? brut(' selected') : ''}>${LIBELLES_TYPE_ORGANISATION[t]}</option>`,
      )}</select></div>
<div class="champ"><label for="o-nom">Nom <span class="aide">(obligatoire)</span></label><input id="o-nom" name="nom" value="${valeur(r, 'nom')}" aria-required="true"></div>
<div class="champ"><label for="o-quota">File active maximale <span class="aide">(bailleurs : nombre de ménages suivis à la fois ; vide : sans limite)</span></label><input id="o-quota" name="quotaFileActive" inputmode="numeric" value="${valeur(r, 'quotaFileActive')}"></div>
<fieldset><legend>Premier contact</legend>
<div class="champ"><label for="o-contact-nom">Nom</label><input id="o-contact-nom" name="contactNom" value="${valeur(r, 'contactNom')}"></div>
<div class="champ"><label for="o-contact-courriel">Adresse électronique</label><input id="o-contact-courriel" name="contactCourriel" type="email" value="${valeur(r, 'contactCourriel')}"></div>
<div class="champ"><label for="o-contact-service">Service</label><input id="o-contact-service" name="contactService" value="${valeur(r, 'contactService')}"></div>
</fieldset>
<div class="boutons"><button type="submit">Ajouter l’organisation</button></div></form>`
    : ''
}`;
}
