/**
 * Un vrai fournisseur OpenID Connect pour les essais : oidc-provider (certifié), en https sur un
 * port libre de 127.0.0.1 avec un certificat tiré pour l'essai (openssl), adaptateur en mémoire,
 * un client avec son secret, et ses interactions de développement (un formulaire de connexion où
 * l'identifiant saisi est le compte, sans vérifier le mot de passe). Le consentement est donné
 * d'avance pour ce client (client « maison », comme une application de l'État auprès de ProConnect).
 *
 * `navigateurFournisseur` suit, avec `fetch` et un pot à cookies, ce que ferait un navigateur : le
 * formulaire du fournisseur, puis ses redirections jusqu'à l'adresse de retour de l'application.
 */
import { generateKeyPairSync } from 'node:crypto';
import { certificatEssai } from './certificat';
import { request as requeteHttps, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CustomFetch } from 'openid-client';
import Provider, { type ContexteFournisseur } from 'oidc-provider';

export interface CompteEssai {
  email: string;
  name?: string;
  email_verified?: boolean;
}

export interface FournisseurEssai {
  /** L'émetteur (https://127.0.0.1:<port>). */
  emetteur: string;
  clientId: string;
  clientSecret: string;
  /** Le certificat du fournisseur (PEM), à qui `fetch` fait confiance. */
  certificat: string;
  /** Un fetch (au format d'openid-client) qui fait confiance au certificat du fournisseur. */
  fetch: CustomFetch;
  fermer(): Promise<void>;
}

/** Un fetch minimal sur node:https qui fait confiance à `ca` (le fetch de Node n'a pas d'option pour cela). */
export function fetchAvecAutorite(ca: string): CustomFetch {
  return (url, options) =>
    new Promise<Response>((ok, ko) => {
      const req = requeteHttps(url, { method: options.method, headers: options.headers, ca, signal: options.signal }, (res) => {
        const morceaux: Buffer[] = [];
        res.on('data', (m: Buffer) => morceaux.push(m));
        res.on('error', ko);
        res.on('end', () => {
          const entetes = new Headers();
          for (const [nom, valeur] of Object.entries(res.headers)) {
            if (Array.isArray(valeur)) for (const v of valeur) entetes.append(nom, v);
            else if (valeur !== undefined) entetes.set(nom, valeur);
          }
          const status = res.statusCode ?? 500;
          ok(new Response([204, 304].includes(status) ? null : Buffer.concat(morceaux), { status, headers: entetes }));
        });
      });
      req.on('error', ko);
      const corps = options.body;
      if (corps !== undefined && corps !== null)
        req.write(typeof corps === 'string' ? corps : corps instanceof URLSearchParams ? corps.toString() : Buffer.from(corps as ArrayBuffer));
      req.end();
    });
}

/**
 * Démarre le fournisseur ; `comptes` : les comptes qu'il connaît (l'identifiant saisi dans son
 * formulaire → ses informations). `redirections` : les adresses de retour du client.
 */
export async function demarrerFournisseur(comptes: Record<string, CompteEssai>, redirections: string[]): Promise<FournisseurEssai> {
  const { cle, certificat } = certificatEssai();
  const serveur: Server = createServer({ key: cle, cert: certificat });
  await new Promise<void>((ok) => serveur.listen(0, '127.0.0.1', ok));
  const emetteur = `https://127.0.0.1:${(serveur.address() as AddressInfo).port}`;
  const clientId = 'parcours-essai';
  const clientSecret = 'secret-du-client-essai-0123456789';
  const signature = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const fournisseur = new Provider(emetteur, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirections,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...signature, kid: 'essai', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['cle-des-cookies-du-fournisseur-essai'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, id: string) {
      const compte = comptes[id];
      if (!compte) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email_verified: true, ...compte }) };
    },
    // Consentement donné d'avance à ce client : pas d'écran « Authorize ».
    async loadExistingGrant(ctx: ContexteFournisseur) {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  serveur.on('request', fournisseur.callback());
  return {
    emetteur,
    clientId,
    clientSecret,
    certificat,
    fetch: fetchAvecAutorite(certificat),
    fermer: () =>
      new Promise<void>((ok) => {
        serveur.closeAllConnections();
        serveur.close(() => ok());
      }),
  };
}

/** Un « navigateur » du fournisseur : ses cookies, le formulaire de connexion, les redirections. */
export function navigateurFournisseur(f: FournisseurEssai) {
  const pot = new Map<string, string>();
  const retenir = (entetes: Headers) => {
    for (const c of entetes.getSetCookie()) {
      const [paire, ...attributs] = c.split(';');
      const i = paire!.indexOf('=');
      const nom = paire!.slice(0, i).trim();
      const expire = attributs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()));
      if (expire) pot.delete(nom);
      else pot.set(nom, paire!.slice(i + 1).trim());
    }
  };
  const aller = async (url: string, o: { method?: string; corps?: URLSearchParams } = {}) => {
    const headers: Record<string, string> = { cookie: [...pot].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (o.corps) headers['content-type'] = 'application/x-www-form-urlencoded';
    const r = await f.fetch(url, { method: o.method ?? 'GET', headers, body: o.corps?.toString(), redirect: 'manual' } as Parameters<CustomFetch>[1]);
    retenir(r.headers);
    return r;
  };
  return {
    /**
     * Depuis l'adresse d'autorisation : se connecte comme `identifiant` (ou abandonne avec
     * « annuler ») et suit les redirections du fournisseur ; renvoie la première adresse hors du
     * fournisseur (le retour vers l'application).
     */
    async seConnecter(autorisation: string, identifiant: string | 'annuler'): Promise<URL> {
      let url = new URL(autorisation);
      let formulaireEnvoye = false;
      for (let pas = 0; pas < 10; pas++) {
        if (url.origin !== f.emetteur) return url;
        const r = await aller(url.href);
        const suite = r.headers.get('location');
        if (suite) {
          url = new URL(suite, url);
          continue;
        }
        const page = await r.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
        if (r.status !== 200 || !action || formulaireEnvoye) throw new Error(`page inattendue du fournisseur (${r.status}) : ${page.slice(0, 500)}`);
        formulaireEnvoye = true;
        if (identifiant === 'annuler') {
          url = new URL(`${action}/abort`, url);
          continue;
        }
        const envoi = await aller(new URL(action, url).href, {
          method: 'POST',
          corps: new URLSearchParams({ prompt: 'login', login: identifiant, password: 'peu-importe' }),
        });
        const apres = envoi.headers.get('location');
        if (!apres) throw new Error(`le fournisseur n'a pas accepté la connexion (${envoi.status}) : ${(await envoi.text()).slice(0, 500)}`);
        url = new URL(apres, url);
      }
      throw new Error('trop de redirections chez le fournisseur');
    },
  };
}
