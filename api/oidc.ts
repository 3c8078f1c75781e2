/**
 * La connexion du personnel par OpenID Connect : ProConnect ou tout autre fournisseur, réglé par
 * l'environnement (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SCOPES, OIDC_NOM,
 * OIDC_RATTACHEMENT ; voir config/env.ts). Client : openid-client (découverte, code d'autorisation
 * avec PKCE, state et nonce, jeton d'identité vérifié).
 *
 * - GET /connexion/oidc (web/routes.ts) : `commencer` tire un état, un nonce et un vérificateur
 *   PKCE, les garde dans PostgreSQL (table `connexions_oidc`, 10 minutes, jamais en mémoire : le
 *   retour peut arriver sur une autre API) et donne l'adresse du fournisseur ; l'état part aussi dans
 *   un cookie du navigateur, qui seul peut terminer cette connexion ;
 * - GET /connexion/oidc/retour : `terminer` consomme la ligne de l'état (une fois), échange le code
 *   et renvoie l'information de rattachement (l'adresse électronique par défaut), prise dans le jeton
 *   d'identité ou, à défaut, auprès du point UserInfo (ProConnect la donne là) ;
 * - `compteRattache` : le compte ACTIF du personnel qui a cette adresse. Inconnu ou désactivé : pas
 *   de session. Les rôles et programmes sont ceux du compte, jamais ceux du fournisseur.
 *
 * Les comptes locaux (mots de passe) restent : installation embarquée, administrateurs de secours.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { BaseDeDonnees } from '../base';
import type { Config } from '../config/env';
import type { Annuaire, Personne } from '../personnel/annuaire';

export const CHEMIN_OIDC = '/connexion/oidc';
export const CHEMIN_RETOUR_OIDC = '/connexion/oidc/retour';
/** Le temps laissé pour s'identifier chez le fournisseur. */
export const DUREE_CONNEXION_OIDC_MS = 10 * 60_000;

export interface ConfigOidc {
  /** L'émetteur (OIDC_ISSUER) : sa configuration est lue à `/.well-known/openid-configuration`. */
  emetteur: string;
  clientId: string;
  clientSecret?: string;
  /** Les portées demandées, séparées par des espaces (openid comprise). */
  portees: string;
  /** Le nom du fournisseur montré aux personnes (« ProConnect »). */
  nom: string;
  /** L'information (claim) comparée à l'adresse électronique des comptes (`email` par défaut). */
  rattachement: string;
  /** L'adresse de retour déclarée chez le fournisseur : PUBLIC_BASE_URL + /connexion/oidc/retour. */
  redirection: string;
  /**
   * Les requêtes vers le fournisseur (toujours en https) : `fetch` par défaut. Les essais donnent le
   * leur, qui fait confiance à l'autorité de leur fournisseur local ; en production, une autorité
   * privée se déclare par NODE_EXTRA_CA_CERTS.
   */
  fetch?: client.CustomFetch;
}

/** La configuration OpenID Connect de l'environnement, undefined sans OIDC_ISSUER. */
export function configOidc(config: Config): ConfigOidc | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID) return undefined;
  return {
    emetteur: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    portees: config.OIDC_SCOPES,
    nom: config.OIDC_NOM,
    rattachement: config.OIDC_RATTACHEMENT,
    redirection: new URL(CHEMIN_RETOUR_OIDC, config.PUBLIC_BASE_URL.replace(/\/?$/, '/')).href,
  };
}

export const MESSAGES_OIDC = {
  inconnu: (valeur: string) => `Aucun compte actif ne correspond à ${valeur} : demandez à l’administrateur de votre programme.`,
  plusieurs: (valeur: string) => `Plusieurs comptes actifs ont l’adresse ${valeur} : demandez à l’administrateur de votre programme de n’en garder qu’un.`,
  annulee: (nom: string) => `La connexion avec ${nom} a été annulée. Recommencez, ou connectez-vous avec votre identifiant et votre mot de passe.`,
  refusee: (nom: string) => `${nom} n’a pas pu confirmer votre identité. Recommencez, ou connectez-vous avec votre identifiant et votre mot de passe.`,
  indisponible: (nom: string) =>
    `${nom} ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous avec votre identifiant et votre mot de passe.`,
  sansRattachement: (nom: string) =>
    `${nom} n’a pas transmis votre adresse électronique (ou ne l’a pas vérifiée) : demandez à l’administrateur de votre programme.`,
  tentative:
    'Cette tentative de connexion n’est plus valable : expirée (10 minutes), déjà utilisée ou commencée dans un autre navigateur. Recommencez avec le bouton ci-dessous.',
  nonConfiguree: 'La connexion par un fournisseur d’identité n’est pas activée sur ce service : connectez-vous avec votre identifiant et votre mot de passe.',
} as const;

export type NatureRefusOidc = 'tentative' | 'annulee' | 'refusee' | 'indisponible' | 'sansRattachement';

/** Un refus en français, à montrer sur la page de connexion (la cause technique va au journal). */
export class RefusOidc extends Error {
  constructor(
    readonly nature: NatureRefusOidc,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RefusOidc';
  }
}

export interface ConnexionOidc {
  readonly nom: string;
  /** L'adresse du fournisseur, et l'état à garder dans le cookie du navigateur. */
  commencer(retour: string): Promise<{ url: URL; etat: string }>;
  /**
   * Le retour du fournisseur (paramètres de l'adresse) et l'état du cookie : l'information de
   * rattachement et la page de retour ; lève un RefusOidc sinon.
   */
  terminer(parametres: URLSearchParams, etatNavigateur: string | undefined): Promise<{ valeur: string; retour: string }>;
}

const empreinte = (etat: string) => createHash('sha256').update(`oidc:${etat}`, 'utf8').digest('base64url');

const memeEtat = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function creerConnexionOidc(db: BaseDeDonnees, c: ConfigOidc, maintenant: () => Date): ConnexionOidc {
  // La configuration du fournisseur, lue une fois (relue après un échec).
  let decouverte: Promise<client.Configuration> | undefined;
  const configuration = (): Promise<client.Configuration> => {
    decouverte ??= client
      .discovery(new URL(c.emetteur), c.clientId, c.clientSecret, undefined, c.fetch ? { [client.customFetch]: c.fetch } : undefined)
      .catch((e: unknown) => {
        decouverte = undefined;
        throw new RefusOidc('indisponible', MESSAGES_OIDC.indisponible(c.nom), { cause: e });
      });
    return decouverte;
  };

  return {
    nom: c.nom,

    async commencer(retour) {
      const config = await configuration();
      const t = maintenant();
      await db.deleteFrom('connexions_oidc').where('expire_le', '<=', t).execute();
      const etat = client.randomState();
      const nonce = client.randomNonce();
      const verificateur = client.randomPKCECodeVerifier();
      await db
        .insertInto('connexions_oidc')
        .values({ empreinte: empreinte(etat), nonce, verificateur, retour, expire_le: new Date(t.getTime() + DUREE_CONNEXION_OIDC_MS) })
        .execute();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: c.redirection,
        scope: c.portees,
        state: etat,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verificateur),
        code_challenge_method: 'S256',
      });
      return { url, etat };
    },

    async terminer(parametres, etatNavigateur) {
      const etat = parametres.get('state') ?? '';
      // La ligne de l'état sert une fois, quelle que soit l'issue (et quel que soit le processus).
      const ligne =
        etat.length > 0 && etat.length <= 200
          ? await db.deleteFrom('connexions_oidc').where('empreinte', '=', empreinte(etat)).returningAll().executeTakeFirst()
          : undefined;
      const erreur = parametres.get('error');
      if (erreur)
        throw new RefusOidc(
          erreur === 'access_denied' ? 'annulee' : 'refusee',
          erreur === 'access_denied' ? MESSAGES_OIDC.annulee(c.nom) : MESSAGES_OIDC.refusee(c.nom),
          { cause: erreur },
        );
      if (!ligne || ligne.expire_le.getTime() <= maintenant().getTime() || !etatNavigateur || !memeEtat(etat, etatNavigateur)) {
        throw new RefusOidc('tentative', MESSAGES_OIDC.tentative);
      }
      const config = await configuration();
      const urlCourante = new URL(c.redirection);
      urlCourante.search = parametres.toString();
      let jetons: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        jetons = await client.authorizationCodeGrant(config, urlCourante, {
          pkceCodeVerifier: ligne.verificateur,
          expectedState: etat,
          expectedNonce: ligne.nonce,
          idTokenExpected: true,
        });
      } catch (e) {
        throw new RefusOidc('refusee', MESSAGES_OIDC.refusee(c.nom), { cause: e });
      }
      const revendications = jetons.claims();
      if (!revendications) throw new RefusOidc('refusee', MESSAGES_OIDC.refusee(c.nom));
      let source: Record<string, unknown> = revendications;
      if (typeof source[c.rattachement] !== 'string') {
        // Le jeton d'identité ne porte souvent que `sub` : le reste est au point UserInfo.
        try {
          source = await client.fetchUserInfo(config, jetons.access_token, revendications.sub);
        } catch (e) {
          throw new RefusOidc('refusee', MESSAGES_OIDC.refusee(c.nom), { cause: e });
        }
      }
      const valeur = source[c.rattachement];
      // Une adresse que le fournisseur dit non vérifiée ne rattache à aucun compte.
      if (typeof valeur !== 'string' || !valeur.trim() || (c.rattachement === 'email' && source.email_verified === false)) {
        throw new RefusOidc('sansRattachement', MESSAGES_OIDC.sansRattachement(c.nom));
      }
      return { valeur: valeur.trim(), retour: ligne.retour };
    },
  };
}

/**
 * Le compte actif du personnel dont l'adresse électronique est `valeur` (sans tenir compte de la
 * casse) ; relit l'annuaire de la base avant de conclure qu'il n'y en a pas (un compte invité sur
 * une autre API). `plusieurs` si l'adresse n'est pas propre à un compte.
 */
export async function compteRattache(annuaire: Annuaire, valeur: string): Promise<Personne | 'plusieurs' | undefined> {
  const cle = valeur.trim().toLowerCase();
  const chercher = () => annuaire.tous().filter((p) => p.courriel.trim().toLowerCase() === cle);
  let trouves = chercher();
  if (!trouves.length && annuaire.rafraichir) {
    await annuaire.rafraichir();
    trouves = chercher();
  }
  if (trouves.length > 1) return 'plusieurs';
  return trouves[0];
}
