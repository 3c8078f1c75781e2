/**
 * Connexion du personnel par OpenID Connect (api/oidc.ts, web/routes.ts) contre un vrai fournisseur
 * démarré par l'essai (oidc-provider, certifié, en https) : un compte connu se connecte avec ses
 * propres rôles ; une adresse inconnue, un retour rejoué ou venu d'un autre navigateur, une connexion
 * annulée chez le fournisseur : refusés en français, sans session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHEMIN_RETOUR_OIDC, DUREE_CONNEXION_OIDC_MS, MESSAGES_OIDC, type ConfigOidc } from '../api/oidc';
import { configSchema } from '../config/env';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { monterBanc, type Banc } from './outils/environnement';
import { demarrerFournisseur, navigateurFournisseur, type FournisseurEssai } from './outils/fournisseur-oidc';

let banc: Banc;
let api: ApiEssai;
let fournisseur: FournisseurEssai;
/** L'horloge de l'API : en avance de `decalage` (la connexion commencée expire au bout de 10 minutes). */
let decalage = 0;
// L'adresse de retour n'est connue qu'une fois l'API en écoute : la configuration est complétée ensuite.
const config: ConfigOidc = { emetteur: '', clientId: '', portees: 'openid email profile', nom: 'Fournisseur d’essai', rattachement: 'email', redirection: '' };

beforeAll(async () => {
  banc = await monterBanc();
  api = await demarrerApiEssai(banc, {
    surcharges: { maintenant: () => new Date(Date.now() + decalage), options: { publicBaseUrl: 'http://localhost:3999', sessionTtl: 'PT8H', oidc: config } },
  });
  config.redirection = `${api.url}${CHEMIN_RETOUR_OIDC}`;
  fournisseur = await demarrerFournisseur(
    {
      alice: { email: 'Alice@Essai.example', name: 'Alice Travailleuse' },
      inconnue: { email: 'personne@ailleurs.example' },
      bruno: { email: 'bruno@essai.example' },
    },
    [config.redirection],
  );
  Object.assign(config, { emetteur: fournisseur.emetteur, clientId: fournisseur.clientId, clientSecret: fournisseur.clientSecret, fetch: fournisseur.fetch });
}, 180_000);
afterAll(async () => {
  await fournisseur?.fermer();
  await api?.fermer();
  await banc?.fermer();
});

const cookies = (h: Headers) => Object.fromEntries(h.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));

/** Commence une connexion sur l'API, passe chez le fournisseur comme `identifiant` ; le retour et le cookie d'état. */
async function allerRetour(identifiant: string) {
  const debut = await api.appel('GET', '/connexion/oidc?retour=/parcours');
  expect(debut.status, debut.texte).toBe(303);
  const autorisation = new URL(debut.headers.get('location')!);
  expect(autorisation.origin).toBe(fournisseur.emetteur);
  expect(autorisation.searchParams.get('code_challenge_method')).toBe('S256');
  const etat = cookies(debut.headers).oidc_etat!;
  expect(etat).toBe(autorisation.searchParams.get('state'));
  const retour = await navigateurFournisseur(fournisseur).seConnecter(autorisation.href, identifiant);
  expect(`${retour.origin}${retour.pathname}`).toBe(config.redirection);
  return { chemin: `${retour.pathname}${retour.search}`, etat };
}

describe('connexion par OpenID Connect', () => {
  it('la page de connexion propose le fournisseur ; un compte connu (même adresse, casse indifférente) se connecte avec ses rôles', async () => {
    const page = await api.appel('GET', '/connexion');
    expect(page.texte).toContain('Se connecter avec Fournisseur d’essai');
    const { chemin, etat } = await allerRetour('alice');
    const fin = await api.appel('GET', chemin, { entetes: { cookie: `oidc_etat=${etat}` } });
    expect(fin.status, fin.texte).toBe(303);
    expect(fin.headers.get('location')).toBe('/parcours');
    const session = cookies(fin.headers).session;
    expect(session).toBeTruthy();
    const accueil = await api.appel('GET', '/parcours', { entetes: { cookie: `session=${session}` } });
    expect(accueil.status).toBe(200);
    // Les rôles sont ceux du compte (travailleuse sociale), jamais ceux du fournisseur.
    expect(accueil.texte).toContain('<h1>Mes ménages</h1>');
    // Le même retour, rejoué : la tentative a déjà servi.
    const rejoue = await api.appel('GET', chemin, { entetes: { cookie: `oidc_etat=${etat}` } });
    expect(rejoue.status).toBe(400);
    expect(rejoue.texte).toContain('n’est plus valable');
    expect(cookies(rejoue.headers).session).toBeUndefined();
  });

  it('une adresse sans compte actif est refusée, sans session', async () => {
    const { chemin, etat } = await allerRetour('inconnue');
    const fin = await api.appel('GET', chemin, { entetes: { cookie: `oidc_etat=${etat}` } });
    expect(fin.status).toBe(403);
    expect(fin.texte).toContain(MESSAGES_OIDC.inconnu('personne@ailleurs.example'));
    expect(cookies(fin.headers).session).toBeUndefined();
  });

  it('un compte désactivé dans la base n’ouvre pas de session', async () => {
    const db = banc.dependances.base;
    await db.updateTable('personnels').set({ actif: false }).where('id', '=', 'ts.bruno').execute();
    try {
      const { chemin, etat } = await allerRetour('bruno');
      const fin = await api.appel('GET', chemin, { entetes: { cookie: `oidc_etat=${etat}` } });
      expect(fin.status).toBe(403);
      expect(fin.texte).toContain(MESSAGES_OIDC.inconnu('bruno@essai.example'));
      expect(cookies(fin.headers).session).toBeUndefined();
    } finally {
      await db.updateTable('personnels').set({ actif: true }).where('id', '=', 'ts.bruno').execute();
    }
  });

  it('une connexion commencée il y a plus de 10 minutes a expiré', async () => {
    const { chemin, etat } = await allerRetour('alice');
    decalage = DUREE_CONNEXION_OIDC_MS + 60_000;
    try {
      const fin = await api.appel('GET', chemin, { entetes: { cookie: `oidc_etat=${etat}` } });
      expect(fin.status).toBe(400);
      expect(fin.texte).toContain('n’est plus valable');
      expect(cookies(fin.headers).session).toBeUndefined();
    } finally {
      decalage = 0;
    }
  });

  it('un retour sans le cookie du navigateur qui a commencé est refusé', async () => {
    const { chemin } = await allerRetour('alice');
    const fin = await api.appel('GET', chemin);
    expect(fin.status).toBe(400);
    expect(fin.texte).toContain('n’est plus valable');
    expect(cookies(fin.headers).session).toBeUndefined();
  });

  it('une connexion annulée chez le fournisseur le dit', async () => {
    const { chemin, etat } = await allerRetour('annuler');
    const fin = await api.appel('GET', chemin, { entetes: { cookie: `oidc_etat=${etat}` } });
    expect(fin.status).toBe(400);
    expect(fin.texte).toContain('La connexion avec Fournisseur d’essai a été annulée');
  });

  it('configuration : émetteur en https, identifiant du client exigé', () => {
    const base = { LINK_SIGNING_KEYS: 'x', PAYLOAD_ENCRYPTION_KEYS: 'y' };
    const sansClient = configSchema.safeParse({ ...base, OIDC_ISSUER: 'https://auth.example' });
    expect(sansClient.success).toBe(false);
    expect(JSON.stringify(sansClient.error?.issues)).toContain('obligatoire avec OIDC_ISSUER');
    const enHttp = configSchema.safeParse({ ...base, OIDC_ISSUER: 'http://auth.example', OIDC_CLIENT_ID: 'c' });
    expect(enHttp.success).toBe(false);
    expect(JSON.stringify(enHttp.error?.issues)).toContain('URL https attendue');
  });
});
