/**
 * L'API en production (`npm run api`) : lit la configuration, assemble les services, se connecte à
 * Temporal (client avec le data converter chiffré) et écoute sur PORT. Arrêt propre sur SIGINT et
 * SIGTERM ; une configuration invalide affiche la raison et quitte avec le code 1.
 *
 * `demarrerApi` sert aussi au lanceur de développement (dev/start.ts), dans le même processus.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { ErreurConfiguration, lireConfig, optionsTemporal, type Config } from '../config/env';
import { arreterSansDonneeSurErreurImprevue, creerJournal, erreurLisible } from '../config/journalisation';
import { assembler, ouvrirEnregistrement, type Services } from '../config/services';
import { creerApplication } from './application';
import { configOidc } from '../api/oidc';
import { AnnuaireEnBase } from '../personnel/annuaire-base';
import { ID_PLANIFICATION_EFFACEMENT, installerPlanificationEffacement } from '../dossiers/planification';
import { ID_PLANIFICATION_RELANCES, installerPlanificationRelances } from '../orientations/planification';
import type { RegistreParcours } from '../api/registre';
import { REGISTRE } from '../api/registre-produit';
import { creerLanceurSimulations } from '../simulations/lanceur';
import { demarrerRecepteurRetours, lireTlsRetours, signalerParTemporal, type RecepteurRetours } from '../retours/recepteur';

export interface OptionsDemarrage {
  /** Registre des parcours (par défaut : celui du produit). */
  registre?: RegistreParcours;
  journal?: Logger;
  /** Port d'écoute (par défaut config.PORT ; 0 = port libre). */
  port?: number;
  /** Adresse d'écoute (par défaut : toutes les interfaces). */
  hote?: string;
  /** Un client Temporal déjà connecté (sinon l'API ouvre et ferme sa propre connexion). */
  client?: Client;
  /** Origine autorisée pour le codec (par défaut : celle de TEMPORAL_UI_URL). */
  codecCorsOrigin?: string;
  /** Surcharge de MAIL_INBOX_URL / TEMPORAL_UI_URL (lanceur de dev). */
  mailInboxUrl?: string;
  temporalUiUrl?: string;
}

export interface ApiDemarree {
  /** URL locale d'écoute (http://localhost:<port>). */
  url: string;
  port: number;
  server: Server;
  /** Le port SMTP des avis de non-remise, s'ils sont reçus ici. */
  portRetours?: number;
  close(): Promise<void>;
}

const origineDe = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** Démarre l'API dans ce processus et renvoie son URL et de quoi l'arrêter. */
export async function demarrerApi(config: Config, services: Services, opts: OptionsDemarrage = {}): Promise<ApiDemarree> {
  const journal = opts.journal ?? creerJournal(config.LOG_LEVEL, 'api');
  let connexionPropre: Connection | undefined;
  let client = opts.client;
  if (!client) {
    const { connectionOptions, namespace } = optionsTemporal(config);
    connexionPropre = await Connection.connect(connectionOptions);
    client = new Client({ connection: connexionPropre, namespace, dataConverter: services.dataConverter });
  }
  const temporalUiUrl = opts.temporalUiUrl ?? config.TEMPORAL_UI_URL;
  const { base, catalogue, databaseUrl } = await ouvrirEnregistrement(config, services, journal, 'le système d’enregistrement PostgreSQL de l’API');
  // L'annuaire de la base, relu toutes les 30 secondes : un compte ajouté ou désactivé vaut pour toutes les API.
  const annuaire = await AnnuaireEnBase.ouvrir(base, { surErreur: (e) => journal.warn({ err: e }, 'annuaire du personnel non relu') });
  const app = creerApplication({
    base,
    coffre: services.coffre,
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    catalogue,
    annuaire,
    signeur: services.signeur,
    registre: opts.registre ?? REGISTRE,
    transport: services.transport,
    expediteur: config.MAIL_FROM,
    ...(config.RETOURS_COURRIEL ? { retours: config.RETOURS_COURRIEL } : {}),
    codec: services.dataConverter.payloadCodecs[0],
    options: {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      sessionTtl: config.SESSION_TTL,
      envoisAuMenageParJour: config.ENVOIS_MENAGE_PAR_JOUR,
      temporalUiUrl,
      mailInboxUrl: opts.mailInboxUrl ?? config.MAIL_INBOX_URL,
      codecCorsOrigin: opts.codecCorsOrigin ?? origineDe(temporalUiUrl),
      oidc: configOidc(config),
    },
    journal,
    // Les simulations d'une année (page d'administration) : un processus à part, sur la même base.
    simulations: creerLanceurSimulations({ databaseUrl, base, journal }),
  });
  // L'effacement nocturne des dossiers échus : une planification Temporal, installée (ou remise à jour)
  // par chaque API ; un échec ici n'empêche pas l'API de servir, il est dit dans le journal.
  installerPlanificationEffacement(client, config.TEMPORAL_TASK_QUEUE).then(
    (r) => journal.info({ planification: ID_PLANIFICATION_EFFACEMENT, resultat: r }, 'planification de l’effacement des dossiers échus installée'),
    (e: unknown) => journal.warn({ err: e }, 'planification de l’effacement des dossiers échus non installée'),
  );
  // Chaque matin, la coordination est relancée pour les orientations non traitées dont le délai de contact approche ou est passé.
  installerPlanificationRelances(client, config.TEMPORAL_TASK_QUEUE).then(
    (r) => journal.info({ planification: ID_PLANIFICATION_RELANCES, resultat: r }, 'planification des relances d’orientations installée'),
    (e: unknown) => journal.warn({ err: e }, 'planification des relances d’orientations non installée'),
  );
  const port = opts.port ?? config.PORT;
  const server = await new Promise<Server>((ok, ko) => {
    const s = opts.hote ? app.listen(port, opts.hote) : app.listen(port);
    s.once('listening', () => ok(s));
    s.once('error', ko);
  });
  const portReel = (server.address() as AddressInfo).port;
  // Les avis de non-remise, reçus en SMTP à côté de l'API (retours/recepteur.ts), si l'adresse des retours est configurée.
  let retours: RecepteurRetours | undefined;
  if (config.RETOURS_COURRIEL && config.RETOURS_SMTP_PORT !== undefined) {
    let tls: ReturnType<typeof lireTlsRetours> | undefined;
    try {
      tls = config.RETOURS_TLS_CLE && config.RETOURS_TLS_CERTIFICAT ? lireTlsRetours(config.RETOURS_TLS_CLE, config.RETOURS_TLS_CERTIFICAT) : undefined;
    } catch (e) {
      await new Promise<void>((ok) => server.close(() => ok()));
      throw new ErreurConfiguration((e as Error).message);
    }
    try {
      retours = await demarrerRecepteurRetours(
        { base, retours: config.RETOURS_COURRIEL, signaler: signalerParTemporal(client, config.TEMPORAL_TASK_QUEUE), journal },
        { port: config.RETOURS_SMTP_PORT, ...(opts.hote ? { hote: opts.hote } : {}), ...(tls ? { tls } : {}) },
      );
    } catch (e) {
      await new Promise<void>((ok) => server.close(() => ok()));
      throw new ErreurConfiguration(
        `Les avis de non-remise ne peuvent pas être reçus sur le port ${config.RETOURS_SMTP_PORT} (RETOURS_SMTP_PORT) : ${(e as Error).message}`,
      );
    }
  }
  let fermeture: Promise<void> | undefined;
  return {
    url: `http://localhost:${portReel}`,
    port: portReel,
    server,
    ...(retours ? { portRetours: retours.port } : {}),
    close() {
      fermeture ??= (async () => {
        await retours?.close();
        const fermee = new Promise<void>((ok) => server.close(() => ok()));
        server.closeIdleConnections();
        const delai = setTimeout(() => server.closeAllConnections(), 5000);
        await fermee;
        clearTimeout(delai);
        if (connexionPropre) await connexionPropre.close();
        annuaire.fermer();
        catalogue.fermer();
        await base.destroy();
      })();
      return fermeture;
    },
  };
}

async function main(): Promise<void> {
  const config = lireConfig();
  const journal = creerJournal(config.LOG_LEVEL, 'api');
  const services = await assembler(config);
  const api = await demarrerApi(config, services, { journal, hote: config.API_HOST });
  console.log(
    `API des parcours à l’écoute sur ${api.url} (URL publique : ${config.PUBLIC_BASE_URL}, documentation : ${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/docs)`,
  );
  if (api.portRetours !== undefined)
    console.log(`Avis de non-remise reçus en SMTP sur le port ${api.portRetours} (adresse des retours : ${config.RETOURS_COURRIEL}).`);
  let arret = false;
  const arreter = (signal: string) => {
    if (arret) return;
    arret = true;
    console.log(`Signal ${signal} reçu : arrêt de l’API…`);
    api
      .close()
      .then(() => services.transport.close())
      .then(
        () => process.exit(0),
        (e) => {
          console.error('Arrêt de l’API incomplet :', erreurLisible(e));
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => arreter('SIGINT'));
  process.once('SIGTERM', () => arreter('SIGTERM'));
}

function estPointDEntree(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(fileURLToPath(import.meta.url)) === realpathSync(resolve(process.argv[1]));
  } catch {
    return false;
  }
}

if (estPointDEntree()) {
  arreterSansDonneeSurErreurImprevue('L’API s’est arrêtée');
  main().catch((e) => {
    if (e instanceof ErreurConfiguration) console.error(e.message);
    else console.error('L’API n’a pas pu démarrer :', erreurLisible(e));
    process.exit(1);
  });
}
