/** Ce que toutes les pages du personnel partagent : contexte, en-tête, envoi, page d'erreur. */
import type { Response } from 'express';
import type { DependancesApi } from '../../api/dependances';
import { envoyerPage, type Navigation } from '../../api/html';
import { brut, html, type Brut } from '../../rendu/html';
import { nombreDe } from '../../domain/libelles';
import { dateEnFrancais } from '../../domain/durees';
import type { Personne } from '../../personnel/annuaire';
import type { Organisation } from '../../personnel/organisations';
import type { ParcoursDejaOuvert } from '../../domain/vocabulaire';
import { LIBELLES_ROLES_PERSONNEL } from '../libelles';

export interface Contexte {
  deps: DependancesApi;
  personne: Personne;
  csrf: string;
  /** Chemin de la page (lien courant de la navigation). */
  chemin: string;
}

export const estCoordination = (p: Personne): boolean => p.role === 'coordinateur' || p.role === 'admin';

/** Les programmes de la personne (tous pour l'admin). */
export const programmesDe = (ctx: Pick<Contexte, 'deps' | 'personne'>) =>
  ctx.deps.catalogue.tous().filter((p) => ctx.personne.role === 'admin' || ctx.personne.programmes.includes(p.id));

export function navigation(ctx: Contexte): Navigation {
  const coord = estCoordination(ctx.personne);
  const liens = coord
    ? [
        { href: '/parcours', libelle: 'Tableau de bord' },
        { href: '/parcours/nouveau', libelle: 'Lancer un parcours' },
        ...programmesDe(ctx)
          .filter((p) => p.typeParcours === 'iml_bail_glissant')
          .map((p) => ({ href: `/programmes/${p.id}/file-iml`, libelle: `File IML — ${p.territoire}` })),
        ...programmesDe(ctx)
          .filter((p) => p.options.designationCommissionImpayes)
          .map((p) => ({ href: `/programmes/${p.id}/commission`, libelle: `Commission impayés — ${p.territoire}` })),
        { href: '/evaluations', libelle: 'Évaluations' },
        { href: '/programmes', libelle: 'Programmes' },
        { href: '/annuaire', libelle: 'Annuaire' },
        { href: '/personnel', libelle: 'Personnel' },
        ...(ctx.personne.role === 'admin' ? [{ href: '/simulations', libelle: 'Simuler l’année' }] : []),
      ]
    : [{ href: '/parcours', libelle: 'Mes ménages' }];
  return {
    personne: { nom: ctx.personne.nom, libelleRole: LIBELLES_ROLES_PERSONNEL[ctx.personne.role] },
    jetonCsrf: ctx.csrf,
    liens: liens.map((l) => ({ ...l, actif: l.href === ctx.chemin })),
    mailInboxUrl: ctx.deps.options.mailInboxUrl,
    temporalUiUrl: ctx.deps.options.temporalUiUrl,
  };
}

export function envoyer(res: Response, ctx: Contexte, status: number, titre: string, contenu: Brut, large = true, rafraichirSecondes?: number): void {
  envoyerPage(res, status, {
    titre: `${titre} — Prévention des expulsions`,
    contenu,
    large,
    navigation: navigation(ctx),
    ...(rafraichirSecondes ? { rafraichirSecondes } : {}),
  });
}

export function pageErreur(res: Response, ctx: Contexte | undefined, status: number, detail: string): void {
  const titre =
    status === 403 ? 'Accès refusé' : status === 404 ? 'Page introuvable' : status >= 500 ? 'Service momentanément indisponible' : 'Demande impossible';
  const contenu = html`<h1>${titre}</h1><div class="erreur" role="alert" tabindex="-1" autofocus><p>${detail}</p></div><p><a href="/parcours">Revenir à la liste des parcours</a></p>`;
  if (ctx) envoyer(res, ctx, status, titre, contenu, false);
  else envoyerPage(res, status, { titre: `${titre} — Prévention des expulsions`, contenu });
}

/** Le nom d'un compte du personnel (son identifiant s'il est inconnu). */
/**
 * Le nom d'une personne du personnel, lu dans l'annuaire ; un compte désactivé ou disparu n'y est plus :
 * « un membre de l’équipe », comme dans le journal (`nommerPersonnel`), jamais son identifiant de connexion.
 */
export const nomDe = (deps: DependancesApi, id: string | undefined): string => (id ? (deps.annuaire.trouver(id)?.nom ?? 'un membre de l’équipe') : '—');

/** Les travailleurs sociaux d'un programme. */
export const travailleursSociaux = (deps: DependancesApi, programmeId?: string): Personne[] =>
  deps.annuaire.tous().filter((p) => p.role === 'travailleur_social' && (!programmeId || p.programmes.includes(programmeId)));

/** Ce que la coordination lit d'un travailleur social quand elle lui confie un ménage : ses ménages suivis, son absence du jour. */
export interface ChargeTravailleurSocial {
  suivis: number;
  absence?: { au: string; remplacant: string };
}

/** « Sophie Martin — 12 ménages suivis ; absence jusqu’au 18 décembre 2026 (remplacement : Karim Durand) ». */
export function libelleTravailleurSocial(p: Pick<Personne, 'id' | 'nom'>, charges?: Map<string, ChargeTravailleurSocial>): string {
  const c = charges?.get(p.id);
  if (!c) return p.nom;
  const suivis = c.suivis === 0 ? 'aucun ménage suivi' : nombreDe(c.suivis, 'ménage suivi', 'ménages suivis');
  const absence = c.absence ? ` ; absence jusqu’au ${dateEnFrancais(c.absence.au)} (remplacement : ${c.absence.remplacant})` : '';
  return `${p.nom} — ${suivis}${absence}`;
}

/** Une colonne d'un tableau des pages : son en-tête, et la valeur de chaque ligne. */
export interface Colonne<T> {
  titre: string;
  valeur: (ligne: T) => unknown;
  /** La cellule qui nomme la ligne (`<th scope="row">`) : le titre de sa carte sur un téléphone. */
  nomme?: boolean;
}

/**
 * Un tableau des pages, lisible sur un téléphone : chaque cellule porte l'en-tête de sa colonne
 * (`data-label`) ; sous 600 pixels, la feuille de style (api/html.ts, `table.cartes`) fait de chaque
 * ligne une carte où chaque valeur est précédée de cet en-tête, sans défilement de côté. Au-delà, un
 * tableau ordinaire, dans une zone que l'on peut faire défiler au clavier (`region` : son nom).
 * Les rôles ARIA explicites gardent le tableau pour les lecteurs d'écran qui l'oublient quand la
 * feuille de style change l'affichage de ses cellules.
 */
export function tableau<T>(o: {
  colonnes: Array<Colonne<T>>;
  lignes: readonly T[];
  /** Le nom de la zone défilante (« Échéances ») ; sans lui, pas de zone. */
  region?: string;
  legende?: Brut | string;
  classeLegende?: string;
  classeLigne?: (ligne: T) => string | undefined;
}): Brut {
  const cellule = (c: Colonne<T>, l: T) =>
    c.nomme ? html`<th scope="row" role="rowheader">${c.valeur(l)}</th>` : html`<td role="cell" data-label="${c.titre}">${c.valeur(l)}</td>`;
  const ligne = (l: T) => {
    const classe = o.classeLigne?.(l);
    return html`<tr role="row"${classe ? html` class="${classe}"` : ''}>${o.colonnes.map((c) => cellule(c, l))}</tr>`;
  };
  const legende = o.legende ? html`<caption${o.classeLegende ? html` class="${o.classeLegende}"` : ''}>${o.legende}</caption>` : '';
  const table = html`<table class="cartes" role="table">${legende}
<thead role="rowgroup"><tr role="row">${o.colonnes.map((c) => html`<th scope="col" role="columnheader">${c.titre}</th>`)}</tr></thead>
<tbody role="rowgroup">${o.lignes.map(ligne)}</tbody></table>`;
  return o.region ? html`<div class="defilement" tabindex="0" role="region" aria-label="${o.region} (tableau défilant)">${table}</div>` : table;
}

/**
 * Un bailleur dans une liste de choix : sa file active quand il en a une (« 19 ménages suivis sur
 * 20 », « file complète »), pour choisir en connaissance de cause.
 */
export function libelleBailleurAvecFile(b: Pick<Organisation, 'nom' | 'quotaFileActive' | 'parcoursOuverts'>): string {
  if (b.quotaFileActive == null) return b.nom;
  const n = b.parcoursOuverts ?? 0;
  return `${b.nom} — ${nombreDe(n, 'ménage suivi', 'ménages suivis')} sur ${b.quotaFileActive}${n >= b.quotaFileActive ? ', file complète' : ''}`;
}

/** Le même ménage déjà suivi : où, et que faire (lancement, orientation reçue). */
export const phraseDejaSuivi = (l: ParcoursDejaOuvert[]): Brut =>
  html`Dans ce programme, ${l.length > 1 ? 'des parcours sont en cours' : 'un parcours est en cours'} pour un ménage de ce nom, à cette adresse : ${brut(
    l.map((d) => html`<a href="/parcours/${encodeURIComponent(d.workflowId)}">dossier ${d.reference}</a> (étape « ${d.libelleEtape} »)`.valeur).join(', '),
  )}.`;
