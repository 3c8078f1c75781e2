/**
 * Le récepteur des avis de non-remise : un serveur SMTP (smtp-server) qui reçoit ce que les serveurs de
 * courriel renvoient à l'adresse de retour d'un courriel (`retours+<jeton>@…`, retours/adresse.ts).
 * L'enregistrement MX du domaine des retours, ou une redirection de cette boîte, y mène. Il n'accepte
 * que les adresses de retour d'un courriel connu (550 sinon) ; un avis d'échec (RFC 3464) note le
 * courriel non remis dans la boîte d'envoi et fait avertir la coordination (`signaler`) ; un avis de
 * retard ou une réponse automatique est accepté et oublié. Une panne de la base ou de Temporal répond
 * « réessayez plus tard » (451) : le serveur qui renvoie l'avis le représente. Plusieurs récepteurs
 * peuvent tourner : la base ne note un courriel qu'une fois, l'alerte part une fois par courriel.
 * Rien n'est gardé du message ; aucune adresse n'est journalisée (les erreurs passent par
 * `erreurLisible`, qui masque un message pouvant citer une donnée).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { BaseDeDonnees } from '../base';
import { erreurLisible } from '../config/journalisation';
import { jetonDeRetour } from './adresse';
import { lireAvisDeNonRemise } from './avis';

/** Le workflow qui avertit la coordination d'un courriel non remis (workflows/avis-non-remise.ts) : un par courriel. */
export const idAvisNonRemise = (cle: string) => `non-remis:${cle}`;

/** Un avis garde souvent le courriel renvoyé entier (pièces jointes comprises) : 20 Mo au plus. */
const TAILLE_MAX = 20 * 1024 * 1024;

export interface DependancesRecepteur {
  base: BaseDeDonnees;
  /** L'adresse des retours (RETOURS_COURRIEL). */
  retours: string;
  /** Fait avertir la coordination pour ce courriel (workflow `avisNonRemise`) ; sans effet s'il l'est déjà. */
  signaler(cle: string): Promise<void>;
  journal?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export interface RecepteurRetours {
  port: number;
  close(): Promise<void>;
}

const erreurSmtp = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** Note les courriels de ces jetons non remis (une fois) ; rend leurs clés, notés à l'instant ou avant. */
export async function noterNonRemis(base: BaseDeDonnees, jetons: string[], statut: string): Promise<string[]> {
  if (!jetons.length) return [];
  await base
    .updateTable('courriels')
    .set({ non_remis_le: new Date(), non_remis_statut: statut })
    .where('jeton_retour', 'in', jetons)
    .where('non_remis_le', 'is', null)
    .execute();
  const lignes = await base.selectFrom('courriels').select('cle').where('jeton_retour', 'in', jetons).execute();
  return lignes.map((l) => l.cle);
}

/**
 * La clé et le certificat du récepteur (PEM, RETOURS_TLS_CLE et RETOURS_TLS_CERTIFICAT), lus et
 * essayés au démarrage ; sinon une erreur en français qui nomme les variables.
 */
export function lireTlsRetours(cheminCle: string, cheminCertificat: string): { cle: Buffer; certificat: Buffer } {
  try {
    const t = { cle: readFileSync(cheminCle), certificat: readFileSync(cheminCertificat) };
    createSecureContext({ key: t.cle, cert: t.certificat });
    return t;
  } catch (e) {
    throw new Error(
      `La clé ou le certificat du récepteur des avis de non-remise (RETOURS_TLS_CLE, RETOURS_TLS_CERTIFICAT) ne sont pas utilisables : ${(e as Error).message}. Donnez une clé privée et son certificat au format PEM.`,
      { cause: e },
    );
  }
}

/**
 * `tls` : la clé et le certificat (PEM) ; le récepteur propose alors STARTTLS, que les serveurs de
 * courriel prennent d'eux-mêmes (un avis porte souvent le courriel renvoyé : ses en-têtes, son texte).
 */
export async function demarrerRecepteurRetours(
  deps: DependancesRecepteur,
  o: { port: number; hote?: string; tls?: { cle: string | Buffer; certificat: string | Buffer } },
): Promise<RecepteurRetours> {
  const jetonsDe = (session: SMTPServerSession) =>
    [...new Set(session.envelope.rcptTo.map((r) => jetonDeRetour(deps.retours, r.address)))].filter((j): j is string => !!j);

  const serveur = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: o.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(o.tls ? { key: o.tls.cle, cert: o.tls.certificat } : {}),
    disableReverseLookup: true,
    size: TAILLE_MAX,
    logger: false,
    banner: 'avis de non-remise',
    onRcptTo(adresse, _session, callback) {
      const jeton = jetonDeRetour(deps.retours, adresse.address);
      if (!jeton) return callback(erreurSmtp(550, '5.1.1 Adresse inconnue'));
      deps.base
        .selectFrom('courriels')
        .select('cle')
        .where('jeton_retour', '=', jeton)
        .executeTakeFirst()
        .then(
          (ligne) => callback(ligne ? undefined : erreurSmtp(550, '5.1.1 Adresse inconnue')),
          (e: unknown) => {
            deps.journal?.warn({ erreur: erreurLisible(e) }, 'avis de non-remise : base indisponible, avis refusé pour un temps');
            callback(erreurSmtp(451, '4.3.0 Réessayez plus tard'));
          },
        );
    },
    onData(flux, session, callback) {
      const morceaux: Buffer[] = [];
      flux.on('data', (d: Buffer) => morceaux.push(d));
      flux.on('error', (e: Error) => callback(e));
      flux.on('end', () => {
        if (flux.sizeExceeded) return callback(erreurSmtp(552, '5.3.4 Message trop volumineux'));
        void (async () => {
          const avis = await lireAvisDeNonRemise(Buffer.concat(morceaux)).catch(() => undefined);
          // Pas un avis d'échec (retard, réponse automatique, message illisible) : accepté, oublié.
          if (!avis) return;
          const cles = await noterNonRemis(deps.base, jetonsDe(session), avis.statuts[0]!);
          for (const cle of cles) await deps.signaler(cle);
          deps.journal?.info({ courriels: cles.length, statut: avis.statuts[0] }, 'avis de non-remise reçu');
        })().then(
          () => callback(),
          (e: unknown) => {
            deps.journal?.warn({ erreur: erreurLisible(e) }, 'avis de non-remise non traité : il sera représenté');
            callback(erreurSmtp(451, '4.3.0 Réessayez plus tard'));
          },
        );
      });
    },
  });
  serveur.on('error', (e: Error) => deps.journal?.warn({ erreur: erreurLisible(e) }, 'récepteur des avis de non-remise : erreur SMTP'));
  await new Promise<void>((ok, ko) => {
    serveur.server.once('error', ko);
    serveur.listen(o.port, o.hote, () => {
      serveur.server.off('error', ko);
      ok();
    });
  });
  return {
    port: (serveur.server.address() as AddressInfo).port,
    close: () => new Promise<void>((ok) => serveur.close(() => ok())),
  };
}

/** `signaler` par Temporal : le workflow `avisNonRemise`, démarré une fois par courriel (un doublon est ignoré). */
export function signalerParTemporal(client: Client, taskQueue: string): (cle: string) => Promise<void> {
  return async (cle) => {
    await client.workflow
      .start('avisNonRemise', { taskQueue, workflowId: idAvisNonRemise(cle), args: [{ cle }], workflowIdReusePolicy: 'REJECT_DUPLICATE' })
      .catch((e: unknown) => {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      });
  };
}
