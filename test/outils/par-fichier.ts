/**
 * Chargé avant chaque fichier de test (`setupFiles`). Les fichiers se suivent dans un même processus
 * (`isolate: false`, vitest.config.ts) : ce qui appartient à un fichier finit avec lui. Ce crochet,
 * inscrit avant ceux du fichier, passe après eux.
 */
import { afterAll } from 'vitest';
import { fermerBaseEssai } from './base';

afterAll(fermerBaseEssai);
