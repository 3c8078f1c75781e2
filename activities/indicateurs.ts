/**
 * L'activité qui consigne la fiche d'indicateurs d'un parcours (domain/indicateurs.ts) dans le
 * registre (indicateurs/registre.ts). Appelée par le socle des parcours quand la fiche change ;
 * rejouée après une panne, elle est sans effet si une version plus récente est déjà consignée.
 */
import { consignationSchema, type Consignation } from '../indicateurs/schema';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { parserEntree } from './entree';
import type { BaseDeDonnees } from '../base';

export interface DependancesIndicateurs {
  /** Le système d'enregistrement (table `fiches_indicateurs`). */
  base: BaseDeDonnees;
}

export function createIndicateursActivities(deps: DependancesIndicateurs) {
  const registre = new RegistreIndicateurs(deps.base);
  return {
    async consignerIndicateurs(entree: Consignation): Promise<{ resultat: 'ecrite' | 'ignoree' }> {
      const c = parserEntree(consignationSchema, entree, 'consignerIndicateurs') as Consignation;
      return { resultat: await registre.consigner(c) };
    },
  };
}
