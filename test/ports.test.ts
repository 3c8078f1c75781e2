/**
 * dev/ports.ts : un port choisi pour un service n'est pas redonné au `listen(0)` d'un autre processus
 * (le CLI Temporal choisit ainsi les ports de son API HTTP et de ses métriques), mais s'ouvre toujours.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { portLibreAuHasard } from '../dev/ports';

const ecouter = (port: number) =>
  new Promise<net.Server>((ok, ko) => {
    const s = net.createServer();
    s.once('error', ko);
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => ok(s));
  });
const fermer = (s: net.Server) => new Promise<void>((ok) => s.close(() => ok()));

/** Ce que fait un `listen(0)` ordinaire qu'on referme aussitôt (le choix du CLI Temporal). */
async function portOrdinaire(): Promise<number> {
  const s = await ecouter(0);
  const port = (s.address() as net.AddressInfo).port;
  await fermer(s);
  return port;
}

describe.skipIf(process.platform !== 'linux')('ports choisis pour les services (dev/ports.ts)', () => {
  it('un port choisi n’est redonné à aucun des listen(0) qui suivent ; sans la réservation, Linux en redonne', async () => {
    const choisis = new Set<number>();
    for (let i = 0; i < 50; i++) choisis.add(await portLibreAuHasard(choisis));
    expect(choisis.size).toBe(50);
    let repris = 0;
    for (let i = 0; i < 2_000; i++) if (choisis.has(await portOrdinaire())) repris++;
    expect(repris).toBe(0);

    // Témoin : des ports simplement refermés reviennent vite (c'était la panne du démarrage).
    const refermes = new Set<number>();
    for (let i = 0; i < 50; i++) refermes.add(await portOrdinaire());
    let revenus = 0;
    for (let i = 0; i < 2_000; i++) if (refermes.has(await portOrdinaire())) revenus++;
    expect(revenus).toBeGreaterThan(0);
  });

  it('le port choisi s’ouvre aussitôt, et jamais un port exclu', async () => {
    const premier = await portLibreAuHasard();
    const s = await ecouter(premier);
    await fermer(s);
    const exclus = new Set([premier]);
    for (let i = 0; i < 20; i++) expect(await portLibreAuHasard(exclus)).not.toBe(premier);
  });
});
