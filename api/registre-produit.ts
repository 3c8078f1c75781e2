/**
 * Le registre des parcours du produit, vu par l'API : un type de parcours → son workflow, ses
 * données de lancement et ses messages (voir api/registre.ts). Vide pour l'instant : les parcours
 * (prévention précontentieuse d'abord) y seront ajoutés au fur et à mesure.
 */
import type { RegistreParcours } from './registre';

export const REGISTRE: RegistreParcours = {};
