/**
 * La fin d'un parcours et la clôture demandée en cours de route : partagées par le socle
 * (`parcours.ts`) et les blocs qui attendent (demandes de validation), sans que ceux-ci dépendent
 * du socle pour la reconnaître.
 */
import type { Acteur, IssueCloture } from '../../domain/vocabulaire';

/** Comment un parcours se termine : l'issue, son motif, qui l'a décidée. */
export interface Fin {
  issue: IssueCloture;
  motif?: string;
  acteur?: Acteur;
}

/** Levée quand une clôture est demandée en cours de route : le déroulé s'arrête là. */
export class Interruption extends Error {
  constructor(readonly fin: Fin) {
    super(fin.motif ?? fin.issue);
  }
}
