/**
 * Le tableau de bord de la coordination (parcours de ses programmes, filtres, en retard d'abord)
 * et « mes ménages » du travailleur social (triés par prochaine échéance, lisibles sur un téléphone).
 */
import { LIBELLES_PRIORITE } from '../../domain/prevention';
import type { ResumeParcours } from '../../api/routes/parcours';
import type { PageDossiers } from '../../dossiers/registre';
import { workflowIdDe } from '../../domain/schemas';
import { brut, html, type Brut } from '../../rendu/html';
import { ETAPES_CONNUES, etapesDuProgramme } from '../../domain/actions';
import { LONGUEUR_MIN_RECHERCHE, motsDuNom } from '../../securite/coffre';
import { TYPES_PARCOURS, type TypeParcours } from '../../domain/vocabulaire';
import { dateFr, dateHeureFr, dateLimiteCourteFr, libelleEtape, LIBELLES_TYPE_PARCOURS } from '../libelles';
import { estCoordination, nomDe, programmesDe, tableau, travailleursSociaux, type Contexte } from './commun';
import { bandeauAbsences, type AbsenceAffichee } from './personnel';
import type { OrientationsATraiter } from '../../orientations/relances';
import type { CourrielNonRemis, EnvoisEnAttente } from '../../base/courriels-en-attente';
import { aQuiAllait } from '../../courriers/retours';
import { raisonNonRemise } from '../../retours/avis';
import { nombreDe } from '../../domain/libelles';

export type Filtres = Partial<Record<'programme' | 'type' | 'etape' | 'travailleurSocial' | 'enRetard' | 'cloture' | 'recherche' | 'page', string>>;

const PAGE_VIDE: PageDossiers = { elements: [], total: 0, page: 1, taille: 50 };

const lienParcours = (p: ResumeParcours) => `/parcours/${encodeURIComponent(p.workflowId)}`;
const typeDe = (t: string) => LIBELLES_TYPE_PARCOURS[t as TypeParcours] ?? t;

/** Un parcours ouvert par une rechute garde la référence du ménage, sous un autre identifiant : il se distingue. */
const apresRechute = (p: ResumeParcours) => p.workflowId !== workflowIdDe(p.programme, p.reference);

function marque(p: ResumeParcours): Brut {
  const rechute = apresRechute(p) ? html`<span class="badge">Après une rechute</span> ` : '';
  if (p.cloture || p.statut !== 'en_cours') return html`${rechute}<span class="badge clos">Clôturé</span>`;
  const priorite = p.priorite ? html`<span class="badge prioritaire">${LIBELLES_PRIORITE[p.priorite as keyof typeof LIBELLES_PRIORITE]}</span> ` : '';
  return html`${rechute}${priorite}${p.enRetard ? html`<span class="badge retard">En retard</span>` : ''}`;
}

function choix(id: string, libelle: string, options: Array<[string, string]>, valeur: string | undefined): Brut {
  return html`<div class="champ"><label for="filtre-${id}">${libelle}</label><select id="filtre-${id}" name="${id}">${options.map(
    ([v, l]) => html`<option value="${v}"${(valeur ?? '') === v ? brut(' selected') : ''}>${l}</option>`,
  )}</select></div>`;
}

/** Le ménage tel que la liste le nomme : son nom, et la référence du dossier. */
function menage(p: ResumeParcours): Brut {
  return p.nom
    ? html`<a href="${lienParcours(p)}">${p.nom}</a> <span class="aide">(${p.reference})</span>`
    : html`<a href="${lienParcours(p)}">${p.reference}</a>`;
}

/** Les pages voisines, en gardant les filtres. */
function pagination(page: PageDossiers, filtres: Filtres): Brut {
  const pages = Math.max(1, Math.ceil(page.total / page.taille));
  if (pages <= 1) return brut('');
  const lien = (n: number) => {
    const q = new URLSearchParams(Object.entries(filtres).filter(([k, v]) => k !== 'page' && v !== undefined) as Array<[string, string]>);
    q.set('page', String(n));
    return `/parcours?${q.toString()}`;
  };
  return html`<nav class="pagination" aria-label="Pages de la liste"><p>Page ${page.page} sur ${pages}
${page.page > 1 ? html` — <a href="${lien(page.page - 1)}" rel="prev">Page précédente</a>` : ''}
${page.page < pages ? html` — <a href="${lien(page.page + 1)}" rel="next">Page suivante</a>` : ''}</p></nav>`;
}

/** Quand une recherche ne trouve rien : un mot de moins de 3 lettres ne se cherche qu'en entier. */
function conseilRecherche(filtres: Filtres): string {
  const courts = motsDuNom(filtres.recherche ?? '').filter((m) => m.length < LONGUEUR_MIN_RECHERCHE);
  return courts.length
    ? ` Un nom se cherche par ses ${LONGUEUR_MIN_RECHERCHE} premières lettres au moins : « ${courts.join(' ')} » ne trouve qu’un nom écrit exactement ainsi (une référence, elle, se cherche dès ses premiers caractères).`
    : '';
}

function champRecherche(filtres: Filtres): Brut {
  return html`<div class="champ"><label for="filtre-recherche">Nom du ménage ou référence <span class="aide">(début d’un mot, 3 lettres au moins)</span></label>
<input type="search" id="filtre-recherche" name="recherche" value="${filtres.recherche ?? ''}" maxlength="100" autocomplete="off"></div>`;
}

/** Le tableau tel qu'il s'ouvre : les parcours ouverts, sans autre filtre. */
function sansFiltre(filtres: Filtres): boolean {
  return (Object.entries(filtres) as [keyof Filtres, string | undefined][]).every(
    ([cle, v]) => !v || (cle === 'cloture' && v === 'false') || (cle === 'page' && v === '1'),
  );
}

/** Les orientations reçues et pas encore traitées, programme par programme, avec le délai de contact de la plus ancienne. */
function bandeauOrientations(ctx: Contexte, orientations: OrientationsATraiter[]): Brut {
  if (!orientations.length) return brut('');
  return html`<section class="encadre" aria-labelledby="titre-orientations"><h2 id="titre-orientations">Orientations reçues à traiter</h2><ul>${orientations.map(
    (o) =>
      html`<li><a href="/programmes/${o.programmeId}/orientations">${ctx.deps.catalogue.trouver(o.programmeId)?.nom ?? o.programmeId} : ${nombreDe(o.nombre, 'orientation', 'orientations')}</a> — la plus ancienne reçue le ${dateFr(o.plusAncienne.toISOString())}${
        o.contactAvant
          ? o.delaiPasse
            ? html` ; <strong>son délai de contact est passé</strong> (le ${dateFr(o.contactAvant.toISOString())} au soir)`
            : html` ; premier contact au plus tard le ${dateFr(o.contactAvant.toISOString())}`
          : ''
      }</li>`,
  )}</ul></section>`;
}

/**
 * Les courriels que le serveur de courriel refuse en ce moment, et les SMS aux ménages que le
 * fournisseur de SMS refuse : ce qu'ils ne font pas (prévenir), ce qui se passera (ils partiront
 * d'eux-mêmes), ce qu'il faut faire d'ici là.
 */
function bandeauEnvoisEnAttente(ctx: Contexte, attente: EnvoisEnAttente): Brut {
  const courriels = attente.nombre > 0 && attente.depuis ? { nombre: attente.nombre, depuis: attente.depuis } : undefined;
  const sms = attente.sms?.nombre && attente.sms.depuis ? { nombre: attente.sms.nombre, depuis: attente.sms.depuis } : undefined;
  if (!courriels && !sms) return brut('');
  const admin = ctx.personne.role === 'admin';
  const titre = courriels && sms ? 'Courriels et SMS en attente d’envoi' : courriels ? 'Courriels en attente d’envoi' : 'SMS en attente d’envoi';
  return html`<section class="alerte" aria-labelledby="titre-courriels-attente"><h2 id="titre-courriels-attente">${titre}</h2>
${courriels ? paragraphesCourriels(admin, courriels) : ''}${sms ? paragrapheSms(admin, sms) : ''}</section>`;
}

/** Les courriels revenus en avis de non-remise montrés au tableau de bord : ceux des sept derniers jours, les cinq derniers. */
export const NON_REMIS_AU_TABLEAU_MS = 7 * 24 * 3600 * 1000;
export const NON_REMIS_MONTRES = 5;

/**
 * Les courriels de ses programmes revenus en avis de non-remise cette semaine (la coordination en a
 * reçu l'alerte, à moins que ce soit sa propre adresse qui ne reçoive plus) : où, à qui, pourquoi, et
 * le lien de la page où corriger l'adresse.
 */
function bandeauNonRemis(ctx: Contexte, liste: CourrielNonRemis[]): Brut {
  if (!liste.length) return brut('');
  const admin = ctx.personne.role === 'admin';
  const montres = liste.slice(0, NON_REMIS_MONTRES);
  const ligne = (n: CourrielNonRemis) => {
    const ou = n.parcours
      ? html`<a href="/parcours/${encodeURIComponent(n.parcours)}">dossier ${n.parcours.slice(n.parcours.indexOf('--') + 2)}</a>`
      : n.programmeId && (n.destinataire === 'organisation' || n.destinataire === 'orienteur')
        ? html`<a href="/programmes/${encodeURIComponent(n.programmeId)}/annuaire">annuaire des partenaires</a>`
        : n.destinataire === 'personnel'
          ? html`<a href="/personnel">personnel</a>`
          : html`plateforme`;
    return html`<li>${ou} : le courriel ${aQuiAllait(n.destinataire)}${n.envoyeLe ? html` du ${dateHeureFr(n.envoyeLe.toISOString())}` : ''}, ${raisonNonRemise(n.statut)}</li>`;
  };
  const plus = liste.length > NON_REMIS_MONTRES;
  return html`<section class="alerte" aria-labelledby="titre-non-remis"><h2 id="titre-non-remis">Courriels non remis</h2>
<p><strong>${plus ? `Plus de ${NON_REMIS_MONTRES} courriels` : nombreDe(liste.length, 'courriel', 'courriels')}${admin ? '' : ' de vos programmes'} ${liste.length === 1 ? 'n’a' : 'n’ont'} pas été remis</strong> ces sept derniers jours : ${liste.length === 1 ? 'le serveur de courriel de son destinataire l’a renvoyé' : 'le serveur de courriel de leur destinataire les a renvoyés'}${plus ? ' (les cinq derniers ci-dessous)' : ''}. Vérifiez l’adresse et corrigez-la ; l’avis disparaît quand un courriel suivant arrive sans revenir.</p>
<ul>${montres.map(ligne)}</ul></section>`;
}

function paragraphesCourriels(admin: boolean, attente: { nombre: number; depuis: Date }): Brut {
  const depuis = dateHeureFr(attente.depuis.toISOString());
  const un = attente.nombre === 1;
  const quoi = html`<strong>${nombreDe(attente.nombre, 'courriel', 'courriels')}${admin ? '' : ' de vos programmes'} ${un ? 'n’a' : 'n’ont'} pas pu partir</strong>`;
  return html`<p>${
    un
      ? html`${quoi} : le serveur de courriel l’a refusé ou ne répond pas (il attend depuis le ${depuis}). Il est renvoyé de lui-même, toutes les 10 minutes au plus, et partira dès son retour : rien n’est perdu.`
      : html`${quoi} : le serveur de courriel les refuse ou ne répond pas (le plus ancien attend depuis le ${depuis}). Ils sont renvoyés d’eux-mêmes, toutes les 10 minutes au plus, et partiront dès son retour : rien n’est perdu.`
  }</p>
<p>D’ici là, ${un ? 'le partenaire, le ménage ou le collègue qu’il devait prévenir ne l’est pas' : 'les partenaires, les ménages et les collègues qu’ils devaient prévenir ne le sont pas'} : si une échéance approche, prévenez autrement (téléphone, courrier).${
    admin ? ' Vérifiez le serveur de courriel (SMTP) de la plateforme.' : ' L’administration de la plateforme est à prévenir si cela dure.'
  }</p>`;
}

function paragrapheSms(admin: boolean, attente: { nombre: number; depuis: Date }): Brut {
  const depuis = dateHeureFr(attente.depuis.toISOString());
  const un = attente.nombre === 1;
  return html`<p><strong>${un ? 'Un SMS à un ménage' : `${attente.nombre} SMS aux ménages`}${admin ? '' : ' de vos programmes'} ${un ? 'n’a' : 'n’ont'} pas pu partir</strong> : le fournisseur de SMS ${
    un ? 'l’a refusé' : 'les refuse'
  } ou ne répond pas (${un ? 'il attend' : 'le plus ancien attend'} depuis le ${depuis}). ${
    un ? 'Le parcours avance sans l’attendre ; le SMS est renvoyé' : 'Les parcours avancent sans les attendre ; les SMS sont renvoyés'
  } toutes les 10 minutes au plus, pendant trois jours.${
    admin ? ' Vérifiez le fournisseur de SMS de la plateforme.' : ' L’administration de la plateforme est à prévenir si cela dure.'
  }</p>`;
}

export function pageTableau(
  ctx: Contexte,
  resultat: PageDossiers = PAGE_VIDE,
  filtres: Filtres,
  erreur?: string,
  absences: AbsenceAffichee[] = [],
  orientations: OrientationsATraiter[] = [],
  envois: EnvoisEnAttente = { nombre: 0 },
  nonRemis: CourrielNonRemis[] = [],
): Brut {
  const nomProgramme = (id: string) => ctx.deps.catalogue.trouver(id)?.nom ?? id;
  if (!estCoordination(ctx.personne)) return pageMesMenages(ctx, resultat, filtres, erreur, envois);
  const liste = resultat.elements;
  const programmes = programmesDe(ctx);
  // Les types et les étapes des programmes de cette personne seulement (le Loiret n'a ni IML ni protocole).
  const types = TYPES_PARCOURS.filter((t) => programmes.some((p) => p.typeParcours === t));
  // Dans l'ordre du parcours, type par type ; seulement celles que ses programmes peuvent traverser.
  const etapes = [
    ...new Set(types.flatMap((t) => ETAPES_CONNUES[t].filter((e) => programmes.some((p) => p.typeParcours === t && etapesDuProgramme(p).includes(e))))),
  ];
  const ts = [...new Map(programmes.flatMap((p) => travailleursSociaux(ctx.deps, p.id)).map((p) => [p.id, p])).values()];
  const enRetard = liste.filter((p) => p.enRetard && !p.cloture).length;
  return html`<h1>Tableau de bord des parcours</h1>
<p>${resultat.total} parcours${enRetard ? html` ; sur cette page, <strong>${enRetard} en retard</strong>` : ''}. Les ménages prioritaires de leur programme viennent d’abord, puis les échéances les plus proches (les retards en premier).
<a href="/parcours/nouveau">Lancer un parcours</a></p>
${bandeauEnvoisEnAttente(ctx, envois)}
${bandeauNonRemis(ctx, nonRemis)}
${bandeauAbsences(absences)}
${bandeauOrientations(ctx, orientations)}
<form method="get" action="/parcours" aria-label="Filtres">
<fieldset><legend>Filtrer les parcours</legend>
<div class="filtres">
${champRecherche(filtres)}
${choix('programme', 'Programme', [['', 'Tous mes programmes'], ...programmes.map((p): [string, string] => [p.id, p.nom])], filtres.programme)}
${choix('type', 'Type de parcours', [['', 'Tous'], ...types.map((t): [string, string] => [t, LIBELLES_TYPE_PARCOURS[t]])], filtres.type)}
${choix('etape', 'Étape', [['', 'Toutes'], ...etapes.map((e): [string, string] => [e, libelleEtape(e)])], filtres.etape)}
${choix('travailleurSocial', 'Travailleur social', [['', 'Tous'], ...ts.map((p): [string, string] => [p.id, p.nom])], filtres.travailleurSocial)}
${choix(
  'enRetard',
  'Échéances',
  [
    ['', 'Toutes'],
    ['true', 'En retard seulement'],
    ['false', 'Sans retard'],
  ],
  filtres.enRetard,
)}
${choix(
  'cloture',
  'État',
  [
    ['false', 'Ouverts'],
    ['true', 'Clôturés'],
    ['', 'Ouverts et clôturés'],
  ],
  filtres.cloture,
)}
</div>
<div class="boutons"><button type="submit">Filtrer</button> <a href="/parcours">Effacer les filtres</a></div>
</fieldset></form>
${erreur ? html`<div class="erreur" role="alert" tabindex="-1" autofocus><p>${erreur}</p></div>` : ''}
${
  liste.length === 0
    ? sansFiltre(filtres)
      ? html`<p class="encadre">Aucun parcours ouvert dans vos programmes pour le moment. <a href="/parcours/nouveau">Lancer un parcours</a> pour un ménage orienté ; les parcours clôturés se retrouvent avec le filtre « État ».</p>`
      : html`<p class="encadre">Aucun parcours ne correspond à ces filtres.${conseilRecherche(filtres)}</p>`
    : html`${tableau({
        region: 'Liste des parcours',
        legende: 'Parcours des ménages, en retard d’abord puis par prochaine échéance',
        classeLegende: 'aide',
        lignes: liste,
        classeLigne: (p) => (p.enRetard && !p.cloture ? 'en-retard' : undefined),
        colonnes: [
          { titre: 'Ménage (référence du dossier)', nomme: true, valeur: (p) => html`${menage(p)} ${marque(p)}` },
          { titre: 'Parcours', valeur: (p) => typeDe(p.typeParcours) },
          { titre: 'Programme', valeur: (p) => nomProgramme(p.programme) },
          { titre: 'Étape', valeur: (p) => libelleEtape(p.etape) },
          { titre: 'Travailleur social', valeur: (p) => (p.travailleurSocial ? nomDe(ctx.deps, p.travailleurSocial) : html`<em>non affecté</em>`) },
          {
            titre: 'Prochaine échéance',
            valeur: (p) =>
              p.prochaineEcheance
                ? html`${dateLimiteCourteFr(p.prochaineEcheance)}${p.libelleEcheance ? html`<br><span class="aide">${p.libelleEcheance}</span>` : ''}`
                : '—',
          },
        ],
      })}
${pagination(resultat, filtres)}`
}`;
}

function pageMesMenages(ctx: Contexte, resultat: PageDossiers, filtres: Filtres, erreur?: string, envois: EnvoisEnAttente = { nombre: 0 }): Brut {
  const nomProgramme = (id: string) => ctx.deps.catalogue.trouver(id)?.nom ?? id;
  const clos = filtres.cloture === 'true';
  const liste = resultat.elements;
  return html`<h1>Mes ménages</h1>
<p>${resultat.total} ${clos ? 'parcours clôturés' : 'parcours en cours'}, triés par prochaine échéance (les ménages prioritaires de leur programme, puis les retards, d’abord).
${clos ? html`<a href="/parcours">Voir les parcours en cours</a>` : html`<a href="/parcours?cloture=true">Voir les parcours clôturés</a>`}</p>
${bandeauEnvoisEnAttente(ctx, envois)}
<form method="get" action="/parcours" role="search" aria-label="Chercher un ménage">${clos ? html`<input type="hidden" name="cloture" value="true">` : ''}
${champRecherche(filtres)}<div class="boutons"><button type="submit">Chercher</button>${filtres.recherche ? html` <a href="/parcours${clos ? '?cloture=true' : ''}">Tous mes ménages</a>` : ''}</div></form>
${erreur ? html`<div class="erreur" role="alert" tabindex="-1" autofocus><p>${erreur}</p></div>` : ''}
${
  liste.length === 0
    ? html`<p class="encadre">${filtres.recherche ? `Aucun de vos ménages ne répond à « ${filtres.recherche} ».${conseilRecherche(filtres)}` : `Aucun ménage ${clos ? 'clôturé' : 'en cours'} ne vous est affecté.`}</p>`
    : html`<ul class="cartes">${liste.map(
        (p) => html`<li${p.enRetard && !p.cloture ? brut(' class="en-retard"') : ''}>
<p><strong>${menage(p)}</strong> ${marque(p)}</p>
<p>${typeDe(p.typeParcours)} — ${nomProgramme(p.programme)}</p>
<p>Étape : ${libelleEtape(p.etape)}</p>
<p>Prochaine échéance : ${p.prochaineEcheance ? `${dateLimiteCourteFr(p.prochaineEcheance)}${p.libelleEcheance ? ` (${p.libelleEcheance})` : ''}` : 'aucune'}</p>${
          p.travailleurSocial && p.travailleurSocial !== ctx.personne.id
            ? html`<p>Suivi par ${nomDe(ctx.deps, p.travailleurSocial)}, en absence aujourd’hui : vous assurez son remplacement.</p>`
            : ''
        }</li>`,
      )}</ul>
${pagination(resultat, filtres)}`
}`;
}
