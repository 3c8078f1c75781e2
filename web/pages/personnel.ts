/**
 * Le personnel : comptes, invitations, absences et remplacements. L'administration invite, change
 * le rôle et les programmes, désactive et réactive ; la coordination voit le personnel de ses
 * programmes et déclare les absences ; jamais de mot de passe saisi par quelqu'un d'autre que son
 * titulaire (il le choisit depuis son invitation).
 */
import { devantUnNom } from '../../domain/libelles';
import { brut, html, type Brut } from '../../rendu/html';
import type { absenceEnJson, listerComptes } from '../../api/routes/personnel';
import { LIBELLES_ROLE_COMPTE } from '../../api/schemas-personnel';
import { ROLES_PERSONNEL } from '../../domain/vocabulaire';
import { resumeErreurs } from '../../api/formulaires';
import { dateFr, dateHeureFr } from '../libelles';
import { programmesDe, tableau, type Contexte } from './commun';

export type CompteAffiche = Awaited<ReturnType<typeof listerComptes>>[number];
export type AbsenceAffichee = ReturnType<typeof absenceEnJson>;

/** Ce que la page redit après une action : le lien d'une invitation (montré une fois), ou les erreurs d'un formulaire. */
export interface RetourPersonnel {
  invitation?: { nom: string; lien: string; expireLe: string; courrielEnvoye: boolean };
  /** « invitation », « absence » ou l'identifiant du compte dont le formulaire a échoué. */
  formulaire?: string;
  messages?: string[];
  valeurs?: Record<string, string | string[] | undefined>;
  fait?: string;
}

const FAITS: Record<string, string> = {
  modifie: 'Le compte est modifié.',
  desactive: 'Le compte est désactivé : ses sessions sont fermées, il ne peut plus se connecter.',
  reactive: 'Le compte est réactivé.',
  absence: 'L’absence est enregistrée : les courriels adressés à la personne iront à son remplaçant pendant ces jours-là.',
  annulation: 'L’absence est annulée.',
};

const jour = (j: string) => dateFr(`${j}T12:00:00Z`);

const valeur = (r: RetourPersonnel | undefined, nom: string): string => {
  const v = r?.valeurs?.[nom];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};
const coche = (r: RetourPersonnel | undefined, nom: string, v: string, parDefaut: boolean): boolean => {
  if (!r?.valeurs) return parDefaut;
  const x = r.valeurs[nom];
  return Array.isArray(x) ? x.includes(v) : x === v;
};

function etat(c: CompteAffiche): Brut {
  if (!c.actif) return html`<span class="badge clos">Désactivé</span>`;
  if (!c.motDePasseChoisi) {
    return c.invitationExpireLe
      ? html`Invitation en attente<br><span class="aide">jusqu’au ${dateHeureFr(c.invitationExpireLe)}</span>`
      : html`<span class="badge retard">Invitation expirée</span>`;
  }
  return html`Actif`;
}

function absenceDe(c: CompteAffiche): Brut {
  if (!c.absences.length) return html`—`;
  return html`${c.absences.map((a) => html`<p>${a.enCours ? html`<strong>Absence en cours</strong>` : 'Absence prévue'} du ${jour(a.du)} au ${jour(a.au)}, remplacement : ${a.nomRemplacant}</p>`)}`;
}

function champsProgrammes(ctx: Contexte, prefixe: string, r: RetourPersonnel | undefined, actuels: string[]): Brut {
  return html`<fieldset><legend>Programmes <span class="aide">(coordination et travail social ; l’administration les voit tous)</span></legend>
${programmesDe(ctx).map((p) => html`<div class="choix"><input type="checkbox" id="${prefixe}-prog-${p.id}" name="programmes" value="${p.id}"${coche(r, 'programmes', p.id, actuels.includes(p.id)) ? brut(' checked') : ''}><label for="${prefixe}-prog-${p.id}">${p.nom}</label></div>`)}
</fieldset>`;
}

function choixRole(prefixe: string, r: RetourPersonnel | undefined, actuel: string | undefined): Brut {
  const v = r?.valeurs ? valeur(r, 'role') : (actuel ?? '');
  return html`<div class="champ"><label for="${prefixe}-role">Rôle <span class="aide">(obligatoire)</span></label><select id="${prefixe}-role" name="role" aria-required="true"><option value="">— choisir —</option>${ROLES_PERSONNEL.map(
    (role) => html`<option value="${role}"${v === role ? brut(' selected') : ''}>${LIBELLES_ROLE_COMPTE[role]}</option>`,
  )}</select></div>`;
}

function formulaireCompte(ctx: Contexte, c: CompteAffiche, r?: RetourPersonnel): Brut {
  const p = `compte-${c.id.replace(/[^a-z0-9-]/g, '-')}`;
  const v = (nom: 'nom' | 'courriel') => (r?.valeurs ? valeur(r, nom) : c[nom]);
  return html`<details class="action"${r ? brut(' open') : ''}><summary>Modifier le compte ${devantUnNom('de', c.nom)}</summary>
<form method="post" action="/personnel/${c.id}" novalidate>${r?.messages ? resumeErreurs('Le compte n’a pas été modifié :', r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="champ"><label for="${p}-nom">Nom <span class="aide">(obligatoire)</span></label><input type="text" id="${p}-nom" name="nom" value="${v('nom')}" aria-required="true"></div>
<div class="champ"><label for="${p}-courriel">Adresse électronique <span class="aide">(obligatoire)</span></label><input id="${p}-courriel" name="courriel" type="email" autocomplete="off" value="${v('courriel')}" aria-required="true"></div>
${choixRole(p, r, c.role)}
${champsProgrammes(ctx, p, r, c.programmes)}
<div class="boutons"><button type="submit">Enregistrer</button></div></form>
<div class="boutons">
${
  c.id === ctx.personne.id
    ? ''
    : html`<form method="post" action="/personnel/${c.id}/${c.actif ? 'desactivation' : 'reactivation'}" class="en-ligne"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" class="secondaire">${c.actif ? 'Désactiver' : 'Réactiver'} le compte de ${c.nom}</button></form>`
}
${
  c.actif
    ? html`<form method="post" action="/personnel/${c.id}/invitation" class="en-ligne"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" class="secondaire">Envoyer une nouvelle invitation à ${c.nom}</button></form>`
    : ''
}
</div>
<p class="aide">Une nouvelle invitation annule la précédente ; elle sert aussi quand le mot de passe est oublié.</p></details>`;
}

function formulaireInvitation(ctx: Contexte, r?: RetourPersonnel): Brut {
  return html`<h2>Inviter une personne</h2>
<p>Le compte est créé sans mot de passe : la personne reçoit un lien par courriel, valable 7 jours et une seule fois, pour choisir le sien.</p>
<form method="post" action="/personnel/invitations" novalidate>${r?.messages ? resumeErreurs('L’invitation n’a pas été envoyée :', r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="champ"><label for="inv-id">Identifiant de connexion <span class="aide">(obligatoire ; 2 à 40 caractères a-z, 0-9, point, tiret et souligné ; par exemple ts.lefebvre)</span></label><input type="text" id="inv-id" name="id" value="${valeur(r, 'id')}" autocapitalize="none" spellcheck="false" aria-required="true"></div>
<div class="champ"><label for="inv-nom">Nom <span class="aide">(obligatoire)</span></label><input type="text" id="inv-nom" name="nom" value="${valeur(r, 'nom')}" aria-required="true"></div>
<div class="champ"><label for="inv-courriel">Adresse électronique <span class="aide">(obligatoire : l’invitation y est envoyée)</span></label><input id="inv-courriel" name="courriel" type="email" autocomplete="off" value="${valeur(r, 'courriel')}" aria-required="true"></div>
${choixRole('inv', r, undefined)}
${champsProgrammes(ctx, 'inv', r, [])}
<div class="boutons"><button type="submit">Inviter</button></div></form>`;
}

function sectionAbsences(ctx: Contexte, comptes: CompteAffiche[], absences: AbsenceAffichee[], r?: RetourPersonnel): Brut {
  const actifs = comptes.filter((c) => c.actif);
  const absentables = actifs.filter((c) => c.role !== 'admin');
  const option = (nom: string) => (c: CompteAffiche) =>
    html`<option value="${c.id}"${valeur(r, nom) === c.id ? brut(' selected') : ''}>${c.nom} (${LIBELLES_ROLE_COMPTE[c.role]})</option>`;
  return html`<h2>Absences et remplacements</h2>
<p>Pendant une absence, chaque courriel adressé à la personne part à qui la remplace, avec en tête le nom de la personne absente et les dates.</p>
${
  absences.length
    ? html`<ul>${absences.map(
        (
          a,
        ) => html`<li>${a.nomPersonne} : du ${jour(a.du)} au ${jour(a.au)}${a.enCours ? html` <strong>(en cours)</strong>` : ''}, remplacement par ${a.nomRemplacant}${a.menagesSuivis ? html` — <a href="/parcours?travailleurSocial=${a.personne}">${a.menagesSuivis} ménage${a.menagesSuivis > 1 ? 's' : ''} suivi${a.menagesSuivis > 1 ? 's' : ''}</a>` : ''}
<form method="post" action="/personnel/${a.personne}/absences/${a.id}/annulation" class="en-ligne"><input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" class="secondaire">Annuler l’absence de ${a.nomPersonne} du ${jour(a.du)}</button></form></li>`,
      )}</ul>`
    : html`<p>Aucune absence en cours ni prévue.</p>`
}
<h3>Déclarer une absence</h3>
<form method="post" action="/personnel/absences" novalidate>${r?.messages ? resumeErreurs('L’absence n’a pas été enregistrée :', r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="champ"><label for="abs-personne">Personne absente <span class="aide">(obligatoire)</span></label><select id="abs-personne" name="personne" aria-required="true"><option value="">— choisir —</option>${absentables.map(option('personne'))}</select></div>
<div class="champ"><label for="abs-du">Premier jour d’absence <span class="aide">(obligatoire)</span></label><input type="date" id="abs-du" name="du" value="${valeur(r, 'du')}" aria-required="true"></div>
<div class="champ"><label for="abs-au">Dernier jour d’absence <span class="aide">(obligatoire, compris)</span></label><input type="date" id="abs-au" name="au" value="${valeur(r, 'au')}" aria-required="true"></div>
<div class="champ"><label for="abs-remplacant">Remplacement assuré par <span class="aide">(obligatoire : un compte actif du même programme)</span></label><select id="abs-remplacant" name="remplacant" aria-required="true"><option value="">— choisir —</option>${actifs.map(option('remplacant'))}</select></div>
<div class="boutons"><button type="submit">Déclarer l’absence</button></div></form>`;
}

export function pagePersonnel(ctx: Contexte, comptes: CompteAffiche[], absences: AbsenceAffichee[], r: RetourPersonnel = {}): Brut {
  const admin = ctx.personne.role === 'admin';
  const tous = ctx.deps.catalogue.tous();
  /** Les programmes d'un compte, brièvement : « Tous », sinon l'opérateur et le territoire (« APRIL Reims (2 programmes) »). */
  const programmesCourts = (ids: string[]): string => {
    if (tous.every((p) => ids.includes(p.id))) return 'Tous';
    const courts = ids.map((id) => (ctx.deps.catalogue.trouver(id)?.nom ?? id).split(' — ')[0]!);
    return [...new Set(courts)]
      .map((c) => {
        const n = courts.filter((x) => x === c).length;
        return n > 1 ? `${c} (${n} programmes)` : c;
      })
      .join(', ');
  };
  return html`<h1>Personnel</h1>
${admin ? html`<p>Les comptes du personnel s’administrent ici : invitation, rôle, programmes, désactivation.</p>` : html`<p>Le personnel de vos programmes. Les comptes sont gérés par l’administration ; vous déclarez les absences et leurs remplacements.</p>`}
${r.fait && FAITS[r.fait] ? html`<div class="succes" role="status"><p>${FAITS[r.fait]}</p></div>` : ''}
${
  r.invitation
    ? html`<div class="succes" role="status"><p><strong>Invitation pour ${r.invitation.nom} :</strong> ${r.invitation.courrielEnvoye ? 'le lien lui a été envoyé par courriel.' : 'le courriel n’a pas pu partir : transmettez-lui ce lien vous-même.'}</p>
<p>Lien d’invitation (affiché une seule fois, valable jusqu’au ${dateHeureFr(r.invitation.expireLe)}) :</p>
<p><code>${r.invitation.lien}</code></p></div>`
    : ''
}
${tableau({
  region: 'Comptes du personnel',
  legende: `Comptes du personnel${admin ? '' : ' de vos programmes'}`,
  classeLegende: 'aide',
  lignes: comptes,
  colonnes: [
    { titre: 'Nom', nomme: true, valeur: (c) => c.nom },
    { titre: 'Identifiant', valeur: (c) => c.id },
    { titre: 'Adresse électronique', valeur: (c) => c.courriel },
    { titre: 'Rôle', valeur: (c) => c.libelleRole },
    { titre: 'Programmes', valeur: (c) => (c.role === 'admin' ? 'Tous' : programmesCourts(c.programmes)) },
    { titre: 'État', valeur: (c) => etat(c) },
    { titre: 'Absence', valeur: (c) => absenceDe(c) },
  ],
})}
${sectionAbsences(ctx, comptes, absences, r.formulaire === 'absence' ? r : undefined)}
${
  admin
    ? html`${formulaireInvitation(ctx, r.formulaire === 'invitation' ? r : undefined)}
<h2>Modifier un compte</h2>
${comptes.map((c) => formulaireCompte(ctx, c, r.formulaire === c.id ? r : undefined))}`
    : ''
}`;
}

/** Les comptes à la une du tableau de bord : les absences en cours du personnel de la coordination. */
export function bandeauAbsences(absences: AbsenceAffichee[]): Brut {
  const enCours = absences.filter((a) => a.enCours);
  if (!enCours.length) return brut('');
  return html`<div class="alerte" role="region" aria-label="Référents absents"><p><strong>Référents absents aujourd’hui :</strong></p><ul>${enCours.map(
    (a) =>
      html`<li>${a.nomPersonne}, jusqu’au ${jour(a.au)} compris, remplacement par ${a.nomRemplacant} — ${
        a.menagesSuivis
          ? html`<a href="/parcours?travailleurSocial=${a.personne}">voir ses ${a.menagesSuivis} ménage${(a.menagesSuivis ?? 0) > 1 ? 's' : ''} suivi${(a.menagesSuivis ?? 0) > 1 ? 's' : ''}</a>`
          : 'aucun ménage suivi'
      }</li>`,
  )}</ul><p><a href="/personnel">Personnel et absences</a></p></div>`;
}
