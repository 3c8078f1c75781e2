/**
 * Lancer un parcours : le choix du programme, puis le formulaire propre à son type de parcours,
 * construit depuis les schémas de l'API (ménage + `schemaLancement` du registre).
 */
import { brut, html, type Brut } from '../../api/html';
import { menageSchema } from '../../domain/schemas';
import type { Programme } from '../../domain/vocabulaire';
import { champsDe, rendreChamps, resumeErreurs, type Champ, type Corps, type EtatFormulaire } from '../formulaires';
import { LIBELLES_TYPE_PARCOURS } from '../libelles';
import { programmesDe, travailleursSociaux, type Contexte } from './commun';

export function pageChoixProgramme(ctx: Contexte): Brut {
  const programmes = programmesDe(ctx).filter((p) => ctx.deps.registre[p.typeParcours]);
  return html`<h1>Lancer un parcours</h1>
<p>Choisissez le programme du ménage orienté : le formulaire dépend du type de parcours.</p>
${programmes.length === 0
  ? html`<p class="encadre">Vous ne coordonnez aucun programme.</p>`
  : html`<ul>${programmes.map((p) => html`<li><a href="/parcours/nouveau/${p.id}">${p.nom}</a> — ${LIBELLES_TYPE_PARCOURS[p.typeParcours]} (${p.territoire})</li>`)}</ul>`}`;
}

/** Les champs du formulaire de lancement d'un programme (noms = chemins du corps de POST /api/parcours). */
export function champsLancement(ctx: Contexte, programme: Programme): { travailleur: Champ; menage: Champ[]; donnees: Champ[] } {
  const definition = ctx.deps.registre[programme.typeParcours]!;
  return {
    travailleur: {
      nom: 'travailleurSocial',
      libelle: 'Travailleur social affecté',
      aide: 'Vous pourrez aussi l’affecter plus tard.',
      requis: false,
      genre: 'choix',
      options: travailleursSociaux(ctx.deps, programme.id).map((p) => ({ valeur: p.id, libelle: p.nom })),
    },
    menage: champsDe(menageSchema, 'menage'),
    donnees: champsDe(definition.schemaLancement, 'donnees'),
  };
}

export function pageLancement(ctx: Contexte, programme: Programme, e: EtatFormulaire & { autres?: string[] } = {}): Brut {
  const c = champsLancement(ctx, programme);
  const valeurs: Corps = e.valeurs ?? {};
  return html`<h1>Lancer un parcours : ${programme.nom}</h1>
<p>${LIBELLES_TYPE_PARCOURS[programme.typeParcours]} — ${programme.territoire}. Les champs marqués « obligatoire » doivent être remplis.</p>
${resumeErreurs('Le parcours n’a pas été lancé :', [...(e.autres ?? []), ...(e.erreurs && Object.keys(e.erreurs).length ? ['Corrigez les champs signalés ci-dessous.'] : [])])}
<form method="post" action="/parcours/nouveau/${programme.id}" novalidate>
<input type="hidden" name="csrf" value="${ctx.csrf}">
<fieldset><legend>Affectation</legend>${rendreChamps([c.travailleur], 'lancement', { valeurs, erreurs: e.erreurs })}</fieldset>
<fieldset><legend>Le ménage</legend>
<p class="aide">La référence du dossier apparaît dans les identifiants : aucune donnée personnelle (ni nom, ni adresse).</p>
${rendreChamps(c.menage, 'lancement', { valeurs, erreurs: e.erreurs })}</fieldset>
${c.donnees.length ? html`<fieldset><legend>${LIBELLES_TYPE_PARCOURS[programme.typeParcours]} : données de lancement</legend>${rendreChamps(c.donnees, 'lancement', { valeurs, erreurs: e.erreurs })}</fieldset>` : brut('')}
<div class="boutons"><button type="submit">Lancer le parcours</button></div>
</form>`;
}
