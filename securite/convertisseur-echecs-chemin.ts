import { fileURLToPath } from 'node:url';

/** Chemin du convertisseur d'échecs à donner au worker (`failureConverterPath`). */
export const CHEMIN_CONVERTISSEUR_ECHECS = fileURLToPath(new URL('./convertisseur-echecs.cjs', import.meta.url));
