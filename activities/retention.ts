/**
 * L'activité d'effacement des dossiers clos échus (dossiers/retention.ts), lancée chaque nuit par la
 * planification Temporal « effacement-dossiers ». Rejouée, elle n'efface que ce qui reste échu.
 */
import type { BaseDeDonnees } from '../base';
import type { Catalogue } from '../programmes/catalogue';
import { effacerDossiersEchus, type EffacementProgramme } from '../dossiers/retention';

export interface DependancesRetention {
  base: BaseDeDonnees;
  /** Les programmes (leur durée de conservation), lus au moment de l'effacement. */
  catalogue: Pick<Catalogue, 'trouver'>;
}

export function createRetentionActivities(deps: DependancesRetention) {
  return {
    async effacerDossiersEchus(): Promise<EffacementProgramme[]> {
      return effacerDossiersEchus(deps.base, deps.catalogue);
    },
  };
}
