/** Le registre des parcours du produit (un par type de parcours, ajouté à chaque parcours livré). */
import { PARCOURS_PREVENTION } from './parcours-prevention';
import type { RegistreParcours } from './registre';

export const REGISTRE: RegistreParcours = {
  prevention_precontentieuse: PARCOURS_PREVENTION,
};
