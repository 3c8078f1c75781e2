/**
 * Le processus du PostgreSQL embarqué de `npm start` (lancé par dev/start.ts comme le worker et
 * l'API, dans son propre groupe de processus) : démarre le serveur sur POSTGRES_DATA_DIR et
 * POSTGRES_PORT, crée la base `parcours`, écrit « PostgreSQL prêt » et attend. SIGTERM ou SIGINT
 * l'arrêtent proprement. Sert aussi à la suite de tests (POSTGRES_ESSAIS=1 : sans fsync, non
 * persistant).
 */
import { demarrerPostgresEmbarque } from './embarquee';

const dossier = process.env.POSTGRES_DATA_DIR;
const port = Number(process.env.POSTGRES_PORT);
const motDePasse = process.env.POSTGRES_PASSWORD;
if (!dossier || !Number.isInteger(port) || !motDePasse) {
  console.error('POSTGRES_DATA_DIR, POSTGRES_PORT et POSTGRES_PASSWORD sont requis.');
  process.exit(1);
}
try {
  const serveur = await demarrerPostgresEmbarque({
    dossier,
    port,
    motDePasse,
    essais: process.env.POSTGRES_ESSAIS === '1',
    journal: (m) => process.env.POSTGRES_TRACE && console.error(m.trim()),
  });
  let arret = false;
  const arreter = () => {
    if (arret) return;
    arret = true;
    serveur.arreter().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', arreter);
  process.on('SIGINT', arreter);
  console.log(`PostgreSQL prêt sur 127.0.0.1:${port}`);
} catch (e) {
  console.error(`PostgreSQL n’a pas pu démarrer : ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
