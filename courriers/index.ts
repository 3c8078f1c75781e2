/**
 * Les courriers des parcours : le texte des courriels et des lettres, un modèle par message, groupés
 * par parcours. Des fonctions pures (données typées → `{ sujet, paragraphes }`), empaquetées avec
 * les workflows et lues par les documents : changer une formulation ne touche pas au déroulé.
 */
export * as iml from './iml';
export * as protocole from './protocole';
export * as prevention from './prevention';
export * as orientations from './orientations';
export * as personnel from './personnel';
export type { Courriel, Jour } from './commun';
export * as retours from './retours';
