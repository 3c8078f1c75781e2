/**
 * Un port TCP libre, choisi par le système, et tenu à l'écart des choix suivants.
 *
 * Sous Linux, un port rendu par `listen(0)` puis refermé peut être redonné aussitôt au prochain
 * `listen(0)` d'un autre processus : le CLI Temporal, qui choisit lui-même les ports de son API HTTP
 * et de ses métriques, recevait ainsi le port promis à un autre service et s'arrêtait au démarrage
 * (« address already in use »). Ici, une connexion est ouverte sur le port puis fermée d'abord du côté
 * serveur : le port reste en TIME_WAIT (60 s sous Linux), le système ne le redonne plus à `listen(0)`,
 * mais on peut toujours l'ouvrir explicitement (SO_REUSEADDR, que Node, Go et PostgreSQL posent).
 */
import net from 'node:net';

function reserver(hote: string): Promise<number> {
  return new Promise((ok, ko) => {
    const serveur = net.createServer();
    serveur.once('error', ko);
    serveur.listen({ port: 0, host: hote, exclusive: true }, () => {
      const port = (serveur.address() as net.AddressInfo).port;
      const client = net.connect({ port, host: hote });
      client.once('error', ko);
      serveur.once('connection', (cote) => {
        // Le côté serveur ferme le premier : c'est lui, donc ce port, qui passe en TIME_WAIT.
        cote.once('close', () => {
          client.destroy();
          serveur.close(() => ok(port));
        });
        cote.destroy();
      });
    });
  });
}

/** Un port libre de `hote` (127.0.0.1 par défaut), hors de `exclus`. */
export async function portLibreAuHasard(exclus: ReadonlySet<number> = new Set(), hote = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await reserver(hote);
    if (!exclus.has(port)) return port;
  }
}
