/**
 * L'enveloppe commune des pages du personnel : une erreur devient une page en français (403, 404,
 * 503…), jamais du JSON ; une erreur inattendue est journalisée et dite sans détail.
 */
import type { Request, Response } from 'express';
import type { DependancesApi } from '../api/dependances';
import { depuisTemporal } from '../api/problemes';
import { pageErreur, type Contexte } from './pages/commun';

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
        pageErreur(res, ctx, p?.status ?? 500, p?.detail ?? 'Une erreur interne est survenue. Elle a été journalisée ; réessayez plus tard.');
      }
    };
}
