/**
 * L'enveloppe commune des pages du personnel : une erreur devient une page en français (403, 404,
 * 503…), jamais du JSON ; une erreur inattendue est journalisée et dite sans détail.
 */
import type { Request, Response } from 'express';
import type { DependancesApi } from '../api/dependances';
import { depuisTemporal, MESSAGE_SANS_REPONSE } from '../api/problemes';
import { pageErreur, type Contexte } from './pages/commun';

/** Une saisie que le parcours n'a pas confirmée à temps, dite à la personne devant la page. */
export const SAISIE_SANS_REPONSE =
  'Le parcours n’a pas répondu à temps : votre saisie n’a peut-être pas été enregistrée. Revenez à la page du parcours : si elle n’apparaît pas dans son journal, envoyez-la de nouveau.';

/** Sous un formulaire que le parcours n'a pas confirmé, la saisie gardée sous le même identifiant. */
export const SAISIE_GARDEE = 'Elle est gardée ci-dessous : envoyez-la de nouveau dans un instant, elle ne sera pas enregistrée deux fois.';

export type Gestionnaire = (req: Request, res: Response) => Promise<void> | void;

export function enveloppePages(deps: DependancesApi, contexte: (req: Request) => Contexte) {
  return (f: Gestionnaire) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await f(req, res);
      } catch (e) {
        const p = depuisTemporal(e);
        const ctx = req.personne && req.csrf ? contexte(req) : undefined;
        if (p && p.status < 500) return pageErreur(res, ctx, p.status, p.detail);
        deps.journal[p ? 'warn' : 'error']({ err: e, chemin: req.path }, 'interface : erreur');
        // Une personne ne rejoue pas une requête : elle regarde le journal du parcours et renvoie sa saisie.
        const detail = p?.detail === MESSAGE_SANS_REPONSE ? SAISIE_SANS_REPONSE : p?.detail;
        pageErreur(res, ctx, p?.status ?? 500, detail ?? 'Une erreur interne est survenue. Elle a été journalisée ; réessayez plus tard.');
      }
    };
}
