/** Le registre des parcours du produit (un par type de parcours, ajouté à chaque parcours livré). */
import { PARCOURS_IML } from './parcours-iml';
import { PARCOURS_PREVENTION } from './parcours-prevention';
import { PARCOURS_PROTOCOLE } from './parcours-protocole';
import type { RegistreParcours } from './registre';

export const REGISTRE: RegistreParcours = {
  prevention_precontentieuse: PARCOURS_PREVENTION,
  iml_bail_glissant: PARCOURS_IML,
  protocole_post_resiliation: PARCOURS_PROTOCOLE,
};
