/// <reference lib="dom" />
/**
 * La connexion du personnel par OpenID Connect dans un vrai navigateur (Chromium de Debian,
 * playwright-core) contre un vrai fournisseur démarré par l'essai (oidc-provider en https, certificat
 * auto-signé : `ignoreHTTPSErrors`), comme test/oidc.test.ts : depuis la page de connexion, le bouton
 * « Se connecter avec … », le formulaire de développement du fournisseur, puis le retour sur le
 * produit. Un compte connu arrive sur son tableau de bord avec une session ; une adresse inconnue
 * s'arrête sur un refus en français (403), sans session.
 *
 * Le contexte du parcours garde la politique de sécurité des pages (pas de `bypassCSP`) : c'est elle
 * qui, dans un navigateur, peut bloquer le départ vers le fournisseur. axe-core, injecté dans la
 * page, demande au contraire un contexte sans CSP : il y lit une copie de la page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { CHEMIN_RETOUR_OIDC, MESSAGES_OIDC, type ConfigOidc } from '../../api/oidc';
import { demarrerApiEssai, type ApiEssai } from '../outils/api';
import { monterBanc, type Banc } from '../outils/environnement';
import { demarrerFournisseur, type FournisseurEssai } from '../outils/fournisseur-oidc';
import { capturer, lancerNavigateur, verifierAxe } from '../outils/navigateur';

/** Le temps laissé à chaque étape du navigateur (machine chargée) : aucune attente fixe. */
const ATTENTE_MS = 60_000;

let banc: Banc;
let api: ApiEssai;
let fournisseur: FournisseurEssai;
let navigateur: Browser;
/** Le contexte où axe-core lit les copies des pages (sans CSP, pour pouvoir l'injecter). */
let contexteAxe: BrowserContext;
const contextes: BrowserContext[] = [];
// L'adresse de retour n'est connue qu'une fois l'API en écoute : la configuration est complétée ensuite.
const config: ConfigOidc = { emetteur: '', clientId: '', portees: 'openid email profile', nom: 'Fournisseur d’essai', rattachement: 'email', redirection: '' };

beforeAll(async () => {
  banc = await monterBanc();
  api = await demarrerApiEssai(banc, {
    surcharges: { options: { publicBaseUrl: 'http://localhost:3999', sessionTtl: 'PT8H', oidc: config } },
  });
  config.redirection = `${api.url}${CHEMIN_RETOUR_OIDC}`;
  // L'identifiant saisi dans le formulaire du fournisseur est l'adresse électronique du compte.
  fournisseur = await demarrerFournisseur(
    {
      'alice@essai.example': { email: 'Alice@Essai.example', name: 'Alice chez le fournisseur' },
      'personne@ailleurs.example': { email: 'personne@ailleurs.example' },
    },
    [config.redirection],
  );
  Object.assign(config, { emetteur: fournisseur.emetteur, clientId: fournisseur.clientId, clientSecret: fournisseur.clientSecret, fetch: fournisseur.fetch });
  navigateur = await lancerNavigateur();
  contexteAxe = await navigateur.newContext({ bypassCSP: true, locale: 'fr-FR' });
}, 180_000);

afterAll(async () => {
  for (const c of contextes) await c.close().catch(() => undefined);
  await contexteAxe?.close().catch(() => undefined);
  await navigateur?.close();
  await fournisseur?.fermer();
  await api?.fermer();
  await banc?.fermer();
});

async function nouvellePage(): Promise<Page> {
  const c = await navigateur.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  c.setDefaultTimeout(ATTENTE_MS);
  c.setDefaultNavigationTimeout(ATTENTE_MS);
  // Les pages de développement du fournisseur importent une police de Google : pas de réseau extérieur.
  await c.route(/^https:\/\/fonts\.(googleapis|gstatic)\.com\//, (r) => r.abort());
  contextes.push(c);
  return c.newPage();
}

/** Capture, puis axe-core sur une copie de la page (même DOM, styles en ligne) dans le contexte sans CSP. */
async function sansViolation(page: Page, nom: string) {
  await capturer(page, nom);
  const copie = await contexteAxe.newPage();
  try {
    await copie.setContent(await page.content());
    expect(await verifierAxe(copie), `axe : ${nom}`).toEqual([]);
  } finally {
    await copie.close();
  }
}

/** Les cookies du produit dans le contexte de la page (celui de l'état n'est envoyé qu'à /connexion/oidc…). */
const cookiesDe = async (page: Page) => Object.fromEntries((await page.context().cookies([api.url, config.redirection])).map((c) => [c.name, c]));

/**
 * Depuis la page de connexion du produit : le bouton du fournisseur, son formulaire de développement
 * rempli avec `adresse`, le consentement s'il est demandé ; la réponse de l'adresse de retour.
 */
async function seConnecterChezLeFournisseur(page: Page, adresse: string): Promise<Response> {
  await page.goto(`${api.url}/connexion`);
  expect(await page.locator('h1').innerText()).toBe('Connexion du personnel');
  await page.getByRole('link', { name: 'Se connecter avec Fournisseur d’essai' }).click();
  await page.waitForURL((u) => u.origin === fournisseur.emetteur && u.pathname.startsWith('/interaction/'));
  // L'état de la connexion, lié à ce navigateur, attend le retour.
  expect((await cookiesDe(page)).oidc_etat).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/connexion/oidc' });
  await page.locator('input[name="login"]').fill(adresse);
  await page.locator('input[name="password"]').fill('peu-importe');
  const retour = page.waitForResponse((r) => r.url().startsWith(`${config.redirection}?`));
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // Le consentement est donné d'avance à ce client (fournisseur-oidc.ts) : s'il était demandé, son
  // bouton « Continue » l'accorderait. On attend l'un ou l'autre : ce bouton, ou le bandeau du produit.
  const consentement = page.getByRole('button', { name: 'Continue' });
  await consentement.or(page.locator('header.bandeau')).waitFor();
  if (await consentement.isVisible()) await consentement.click();
  return retour;
}

describe('connexion par OpenID Connect dans le navigateur', () => {
  it('un compte connu passe par le fournisseur et arrive sur son tableau de bord, avec une session', async () => {
    const page = await nouvellePage();
    await page.goto(`${api.url}/connexion`);
    await sansViolation(page, 'oidc-connexion');

    const retour = await seConnecterChezLeFournisseur(page, 'alice@essai.example');
    expect(retour.status()).toBe(303);
    await page.waitForURL(`${api.url}/parcours`);
    await page.locator('h1', { hasText: 'Mes ménages' }).waitFor();
    // Le nom et le rôle sont ceux du compte du produit, jamais ceux du fournisseur.
    const compte = await page.locator('header .compte').innerText();
    expect(compte).toContain('Alice Travailleuse (travail social)');
    expect(compte).not.toContain('chez le fournisseur');
    const cookies = await cookiesDe(page);
    expect(cookies.session?.value).toBeTruthy();
    expect(cookies.session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // L'état de la connexion a servi : son cookie est effacé.
    expect(cookies.oidc_etat).toBeUndefined();
    await sansViolation(page, 'oidc-tableau-de-bord');
  }, 180_000);

  it('une adresse sans compte actif s’arrête sur un refus en français (403), sans session', async () => {
    const page = await nouvellePage();
    const retour = await seConnecterChezLeFournisseur(page, 'personne@ailleurs.example');
    expect(retour.status()).toBe(403);
    await page.waitForURL((u) => u.href.startsWith(`${config.redirection}?`));
    await page.locator('h1', { hasText: 'Connexion du personnel' }).waitFor();
    expect(await page.locator('[role=alert]').innerText()).toContain(MESSAGES_OIDC.inconnu('personne@ailleurs.example'));
    // On peut recommencer depuis la page du refus.
    expect(await page.getByRole('link', { name: 'Se connecter avec Fournisseur d’essai' }).count()).toBe(1);
    const cookies = await cookiesDe(page);
    expect(cookies.session).toBeUndefined();
    expect(cookies.oidc_etat).toBeUndefined();
    // Sans session, le tableau de bord renvoie à la connexion.
    await page.goto(`${api.url}/parcours`);
    await page.waitForURL((u) => u.pathname === '/connexion');
    await sansViolation(page, 'oidc-refus');
  }, 180_000);
});
