/**
 * Lancer un parcours : le choix du programme, puis le formulaire propre à son type de parcours,
 * construit depuis les schémas de l'API (ménage + `schemaLancement` du registre).
 */
import { brut, html, type Brut } from '../../rendu/html';
import { menageSchema } from '../../domain/schemas';
import type { DelaiEcoule } from '../../domain/prevention';
import type { ParcoursDejaOuvert, Programme } from '../../domain/vocabulaire';
import type { Organisation } from '../../personnel/organisations';
import { dateEnFrancais, dureeEnFrancais } from '../../domain/durees';
import { champsDe, rendreChamps, resumeErreursParChamp, type Champ, type Corps, type EtatFormulaire } from '../../api/formulaires';
import { LIBELLES_TYPE_PARCOURS } from '../libelles';
import {
  libelleBailleurAvecFile,
  libelleTravailleurSocial,
  phraseDejaSuivi,
  programmesDe,
  travailleursSociaux,
  type ChargeTravailleurSocial,
  type Contexte,
} from './commun';

/** Les programmes où cette personne peut lancer un parcours (ceux qu'elle coordonne, d'un type connu du produit). */
export const programmesLancables = (ctx: Contexte): Programme[] => programmesDe(ctx).filter((p) => ctx.deps.registre[p.typeParcours]);

export function pageChoixProgramme(ctx: Contexte): Brut {
  const programmes = programmesLancables(ctx);
  return html`<h1>Lancer un parcours</h1>
<p>Choisissez le programme du ménage orienté : le formulaire dépend du type de parcours.</p>
${
  programmes.length === 0
    ? html`<p class="encadre">Vous ne coordonnez aucun programme.</p>`
    : html`<ul>${programmes.map((p) => html`<li><a href="/parcours/nouveau/${p.id}">${p.nom}</a> — ${LIBELLES_TYPE_PARCOURS[p.typeParcours]}, ${p.territoire}</li>`)}</ul>`
}`;
}

/** Les champs du formulaire de lancement d'un programme (noms = chemins du corps de POST /api/parcours). */
export function champsLancement(
  ctx: Contexte,
  programme: Programme,
  bailleurs: Organisation[],
  charges?: Map<string, ChargeTravailleurSocial>,
): { affectation: Champ[]; menage: Champ[]; donnees: Champ[] } {
  const definition = ctx.deps.registre[programme.typeParcours]!;
  const bailleur: Champ = {
    nom: 'bailleur',
    libelle: 'Bailleur du ménage',
    aide:
      bailleurs.length > 1
        ? programme.typeParcours === 'iml_bail_glissant'
          ? 'Celui chez qui un logement est recherché : ses contacts recevront les courriels de la mesure. Le logement trouvé chez un autre bailleur de l’annuaire, celui-ci devient le bailleur du ménage.'
          : 'Les courriels destinés au bailleur iront à ses contacts seulement.'
        : 'Le seul bailleur inscrit à l’annuaire du programme : il reçoit les courriels destinés au bailleur.',
    requis: bailleurs.length > 1,
    genre: 'choix',
    options: bailleurs.map((b) => ({ valeur: b.id, libelle: libelleBailleurAvecFile(b) })),
  };
  return {
    affectation: [
      bailleur,
      {
        nom: 'travailleurSocial',
        libelle: 'Travailleur social affecté',
        aide: 'Il en est prévenu par courriel quand son travail commence. Vous pourrez aussi l’affecter plus tard.',
        requis: false,
        genre: 'choix',
        options: travailleursSociaux(ctx.deps, programme.id).map((p) => ({ valeur: p.id, libelle: libelleTravailleurSocial(p, charges) })),
      },
    ],
    menage: champsDe(menageSchema, 'menage'),
    donnees: sans(
      champsDe(definition.schemaLancement, 'donnees'),
      (definition.champsSansObjet?.(programme) ?? []).map((c) => `donnees.${c.chemin}`),
    ),
  };
}

/** Les champs sans ceux-là (chemins complets), à toute profondeur. */
function sans(champs: Champ[], retires: string[]): Champ[] {
  return champs.filter((c) => !retires.includes(c.nom)).map((c) => (c.enfants ? { ...c, enfants: sans(c.enfants, retires) } : c));
}

/** Les règles d'éligibilité du programme, en phrases (vide : aucune règle). */
export function reglesEligibilite(programme: Programme): string[] {
  const r = programme.eligibilite;
  return [
    ...(r.sansGarantie ? ['le ménage n’a aucune garantie (ni FSL, ni Loca-Pass, ni Visale)'] : []),
    ...(r.impayesMinimumMois !== undefined ? [`au moins ${r.impayesMinimumMois} loyers impayés`] : []),
    ...(r.ancienneteBailMax ? [`bail commencé il y a moins de ${dureeEnFrancais(r.ancienneteBailMax)}`] : []),
    ...(r.sansContactBailleur ? ['le bailleur n’est pas en contact avec le ménage'] : []),
  ];
}

export function pageLancement(
  ctx: Contexte,
  programme: Programme,
  bailleurs: Organisation[],
  e: EtatFormulaire & {
    autres?: Array<string | Brut>;
    nonEligible?: string;
    delaisEcoules?: DelaiEcoule[];
    /** Les parcours ouverts du programme pour un ménage de ce nom à cette adresse (sous une autre référence). */
    dejaSuivi?: ParcoursDejaOuvert[];
    /** Les ménages suivis et l'absence du jour de chaque travailleur social, dits dans le choix. */
    charges?: Map<string, ChargeTravailleurSocial>;
  } = {},
): Brut {
  const c = champsLancement(ctx, programme, bailleurs, e.charges);
  const valeurs: Corps = e.valeurs ?? {};
  const regles = reglesEligibilite(programme);
  return html`<h1>Lancer un parcours : ${programme.nom}</h1>
<p>${LIBELLES_TYPE_PARCOURS[programme.typeParcours]} — ${programme.territoire}. Les champs marqués « obligatoire » doivent être remplis.</p>
${resumeErreursParChamp('Le parcours n’a pas été lancé :', [...c.affectation, ...c.menage, ...c.donnees], 'lancement', e.erreurs ?? {}, e.autres)}
${
  regles.length
    ? html`<section class="encadre" aria-labelledby="titre-eligibilite"><h2 id="titre-eligibilite">Qui peut être orienté vers ce programme</h2>
<p>Un ménage qui ne remplit pas toutes ces conditions est clos aussitôt « non éligible », avec le motif :</p>
<ul>${regles.map((x) => html`<li>${x}</li>`)}</ul></section>`
    : brut('')
}
${
  e.nonEligible
    ? html`<div class="alerte" role="alert" tabindex="-1" autofocus><h2>Ce ménage ne remplit pas les conditions du programme</h2>
<p>${e.nonEligible}.</p>
<p>Corrigez la saisie si c’est une erreur. Sinon, cochez « Lancer quand même » : le parcours sera clos aussitôt « non éligible », avec ce motif, et compté comme tel.</p></div>`
    : brut('')
}
${
  e.delaisEcoules?.length
    ? html`<div class="alerte" role="alert" tabindex="-1" autofocus><h2>${e.delaisEcoules.length > 1 ? 'Ces délais sont déjà écoulés' : 'Ce délai est déjà écoulé'}</h2>
<p>Les délais du programme courent depuis ${e.delaisEcoules[0]!.depuis} :</p>
<ul>${e.delaisEcoules.map((x) => html`<li>${x.libelle} : avant le ${dateEnFrancais(x.due)}, c’est passé ; ${x.consequence}.</li>`)}</ul>
<p>Corrigez la date si c’est une erreur (l’année, par exemple). Sinon, cochez « Lancer avec ${e.delaisEcoules.length > 1 ? 'ces délais écoulés' : 'ce délai écoulé'} ».</p></div>`
    : brut('')
}
${
  e.dejaSuivi?.length
    ? html`<div class="alerte" role="alert" tabindex="-1" autofocus><h2>Ce ménage a peut-être déjà un parcours en cours</h2>
<p>${phraseDejaSuivi(e.dejaSuivi)}</p>
<p>S’il s’agit du même ménage, poursuivez son accompagnement dans ${e.dejaSuivi.length > 1 ? 'l’un de ces dossiers' : 'ce dossier'} plutôt que d’en ouvrir un autre : les partenaires recevraient tout en double. Sinon (un homonyme, un autre logement à la même adresse), cochez « Ce n’est pas le même ménage ».</p></div>`
    : brut('')
}
<form method="post" action="/parcours/nouveau/${programme.id}" novalidate>
<input type="hidden" name="csrf" value="${ctx.csrf}">
<fieldset><legend>Affectation</legend>${rendreChamps(c.affectation, 'lancement', { valeurs, erreurs: e.erreurs })}</fieldset>
<fieldset><legend>Le ménage</legend>
${rendreChamps(c.menage, 'lancement', { valeurs, erreurs: e.erreurs })}</fieldset>
${c.donnees.length ? html`<fieldset><legend>${LIBELLES_TYPE_PARCOURS[programme.typeParcours]} : données de lancement</legend>${rendreChamps(c.donnees, 'lancement', { valeurs, erreurs: e.erreurs })}</fieldset>` : brut('')}
${
  e.nonEligible
    ? html`<p><label><input type="checkbox" name="confirmerNonEligible" value="oui"> Lancer quand même (le parcours sera clos « non éligible »)</label></p>`
    : brut('')
}
${
  e.delaisEcoules?.length
    ? html`<p><label><input type="checkbox" name="confirmerDelaisEcoules" value="oui"> Lancer avec ${e.delaisEcoules.length > 1 ? 'ces délais écoulés' : 'ce délai écoulé'}</label></p>`
    : brut('')
}
${
  e.dejaSuivi?.length
    ? html`<p><label><input type="checkbox" name="confirmerAutreMenage" value="oui"> Ce n’est pas le même ménage : lancer quand même</label></p>`
    : valeurs.confirmerAutreMenage === 'oui'
      ? // Déjà confirmé : la page revient pour un autre avertissement, la confirmation reste.
        html`<input type="hidden" name="confirmerAutreMenage" value="oui">`
      : brut('')
}
<div class="boutons"><button type="submit">Lancer le parcours</button></div>
</form>`;
}
