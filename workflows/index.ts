/** Les workflows des parcours de ménage (un fichier par parcours). */
export { preventionPrecontentieuse } from './prevention-precontentieuse';
