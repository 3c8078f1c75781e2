/** Les workflows des parcours de ménage (un fichier par parcours). */
export { preventionPrecontentieuse } from './prevention-precontentieuse';
export { imlBailGlissant } from './iml-bail-glissant';
export { fileIml } from './file-iml';
export { protocolePostResiliation } from './protocole-post-resiliation';
export { effacementDossiers } from './effacement-dossiers';
export { relanceOrientations } from './relance-orientations';
export { renvoiSms } from './renvoi-sms';
export { avisNonRemise } from './avis-non-remise';
