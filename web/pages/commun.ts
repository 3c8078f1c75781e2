/** Ce que toutes les pages du personnel partagent : contexte, en-tête, envoi, page d'erreur. */
import type { Response } from 'express';
import type { DependancesApi } from '../../api/dependances';
import { envoyerPage, html, type Brut, type Navigation } from '../../api/html';
import type { Personne } from '../../personnel/annuaire';
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
          .map((p) => ({ href: `/programmes/${p.id}/file-iml`, libelle: `File IML (${p.territoire})` })),
        ...programmesDe(ctx)
          .filter((p) => p.options.designationCommissionImpayes)
          .map((p) => ({ href: `/programmes/${p.id}/commission`, libelle: `Commission impayés (${p.territoire})` })),
        { href: '/evaluations', libelle: 'Évaluations' },
        { href: '/programmes', libelle: 'Programmes' },
        { href: '/annuaire', libelle: 'Annuaire' },
        { href: '/personnel', libelle: 'Personnel' },
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

export function envoyer(res: Response, ctx: Contexte, status: number, titre: string, contenu: Brut, large = true): void {
  envoyerPage(res, status, { titre: `${titre} — Prévention des expulsions`, contenu, large, navigation: navigation(ctx) });
}

export function pageErreur(res: Response, ctx: Contexte | undefined, status: number, detail: string): void {
  const titre = status === 403 ? 'Accès refusé' : status === 404 ? 'Page introuvable' : status >= 500 ? 'Service momentanément indisponible' : 'Demande impossible';
  const contenu = html`<h1>${titre}</h1><div class="erreur" role="alert"><p>${detail}</p></div><p><a href="/parcours">Revenir à la liste des parcours</a></p>`;
  if (ctx) envoyer(res, ctx, status, titre, contenu, false);
  else envoyerPage(res, status, { titre: `${titre} — Prévention des expulsions`, contenu });
}

/** Le nom d'un compte du personnel (son identifiant s'il est inconnu). */
export const nomDe = (deps: DependancesApi, id: string | undefined): string => (id ? (deps.annuaire.trouver(id)?.nom ?? id) : '—');

/** Les travailleurs sociaux d'un programme. */
export const travailleursSociaux = (deps: DependancesApi, programmeId?: string): Personne[] =>
  deps.annuaire.tous().filter((p) => p.role === 'travailleur_social' && (!programmeId || p.programmes.includes(programmeId)));
