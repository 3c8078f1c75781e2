/** La mémoire du worker : son budget (WORKER_MEMOIRE_MIO) fixe son cache de parcours et son tas V8. */

/**
 * Le nombre de parcours gardés en mémoire par le worker, d'après son budget (WORKER_MEMOIRE_MIO).
 * Ajusté sur `npm run bench:memoire` (2 000 parcours ouverts, README « Mémoire du worker ») : 974 Mio
 * avec 530 parcours en cache, 1 414 Mio avec 1 810, soit environ 800 Mio hors cache (processus,
 * bibliothèques, code des workflows, cœur natif) et 0,35 Mio par parcours en cache.
 * 1 024 Mio → 640 parcours ; les autres sont rejoués depuis leur historique à leur prochain événement.
 */
export function parcoursEnCache(memoireMio: number): number {
  return Math.max(50, Math.floor((memoireMio - 800) / 0.35));
}

/**
 * Le tas JavaScript (V8) du worker, d'après le même budget : la moitié (256 Mio au moins). Sans
 * limite, V8 laisse grandir son tas bien au-delà du besoin avant de le nettoyer (1 190 Mio de RSS à
 * 3 000 parcours ouverts avec un cache de 640 ; 847 Mio avec un tas limité à 512 Mio). Node ne le
 * fixe qu'au lancement : `node --max-old-space-size=<ceci> …` (npm start, l'image, le banc).
 */
export function tasV8Mio(memoireMio: number): number {
  return Math.max(256, Math.floor(memoireMio / 2));
}

/**
 * L'avertissement du démarrage quand le tas de V8 (fixé au lancement de Node) dépasse d'un quart
 * celui que le budget demande : le worker dépasserait son budget. `undefined` sinon.
 */
export function avertissementTas(tasMio: number, memoireMio: number): string | undefined {
  const voulu = tasV8Mio(memoireMio);
  if (tasMio <= voulu * 1.25) return undefined;
  return `tas JavaScript de ${tasMio} Mio pour un budget de ${memoireMio} Mio : lancez le worker avec « node --max-old-space-size=${voulu} » (README, « Configuration »)`;
}
