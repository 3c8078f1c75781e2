/// <reference lib="dom" />
/**
 * La liste de la commission impayés dans un vrai navigateur (Chromium de Debian, playwright-core) :
 * la coordination envoie le fichier de la séance, lit l'aperçu (la ligne fausse expliquée, rien de
 * lancé), confirme, et lit le compte rendu (lancés, ligne rejetée). axe-core sur chaque page ; un
 * travailleur social n'y a pas accès. Captures dans test-artifacts/ecrans/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { creerAnnuaire } from '../../personnel/annuaire';
import { hashPassword } from '../../securite/mots-de-passe';
import { jourDeParis } from '../../domain/durees';
import { PERSONNEL, monterBanc, type Banc } from '../outils/environnement';
import { capturer, demarrerInterface, focusSurLeResume, lancerNavigateur, reserverPort, verifierAxe, type InterfaceEssai } from '../outils/navigateur';

const MOT_DE_PASSE = 'mot-de-passe-essai';

let banc: Banc;
let ui: InterfaceEssai;
let navigateur: Browser;
const contextes: BrowserContext[] = [];

beforeAll(async () => {
  const reserve = await reserverPort();
  banc = await monterBanc({ dependances: { baseUrl: `http://127.0.0.1:${reserve.port}` } });
  const annuaire = creerAnnuaire(await Promise.all(PERSONNEL.map(async (p) => ({ ...p, motDePasse: await hashPassword(MOT_DE_PASSE) }))));
  ui = await demarrerInterface(banc, annuaire, reserve);
  navigateur = await lancerNavigateur();
});

afterAll(async () => {
  for (const c of contextes) await c.close().catch(() => undefined);
  await navigateur?.close();
  await ui?.fermer();
  await banc?.fermer();
});

async function pageConnectee(identifiant: string): Promise<Page> {
  const c = await navigateur.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'fr-FR' });
  contextes.push(c);
  const page = await c.newPage();
  await page.goto(`${ui.url}/connexion`);
  await page.locator('#identifiant').fill(identifiant);
  await page.locator('#motDePasse').fill(MOT_DE_PASSE);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState();
  return page;
}

async function sansViolation(page: Page, nom: string) {
  await capturer(page, nom);
  expect(await verifierAxe(page), `axe : ${nom}`).toEqual([]);
}

describe('liste de la commission impayés (interface)', () => {
  it('envoi du fichier → aperçu (la ligne fausse expliquée) → confirmation → compte rendu', async () => {
    const serie = Math.random().toString(36).slice(2, 7).toUpperCase();
    const designe = jourDeParis(new Date(Date.now() - 3 * 86_400_000))
      .split('-')
      .reverse()
      .join('/');
    const ligne = (n: number, composition = 'personne seule') =>
      `CB-${serie}-${n};Mme Roussel ${n};${composition};${n} rue Battant, 25000 Besançon;2;640,20;01/03/2024;aucune;non;${designe}`;
    const csv = [
      'Référence;Nom du ménage;Composition;Adresse;Mois d’impayés;Montant de la dette;Début du bail;Garantie;Suivi par un service social;Date de désignation',
      ligne(1),
      ligne(2, 'Couple'),
      ligne(3, 'famile'),
      ligne(4),
    ].join('\n');

    const page = await pageConnectee('coord.essai');
    await page.getByRole('link', { name: 'Commission impayés — Besançon (Doubs)' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').innerText()).toMatch(/^Liste de la commission impayés : CCAS de Besançon/);
    await sansViolation(page, 'commission-envoi');

    await page.locator('#commission-fichier').setInputFiles({ name: 'seance.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
    await page.waitForLoadState();
    const apercu = await page.locator('main').innerText();
    expect(apercu).toContain('4 lignes lues');
    expect(apercu).toContain('3 ménages à lancer');
    expect(apercu).toContain('Les 3 lignes valides sont lancées ensemble ; la ligne à corriger reste hors de l’import.');
    expect(apercu).toContain('Rien n’a encore été lancé.');
    expect(apercu).toMatch(/Ligne 4 \(CB-[A-Z0-9]+-3\) :\s*Colonne « Composition » : « famile » n’est pas une composition connue/);
    expect(apercu).toContain('Mme Roussel 1');
    // La ligne refusée est ce qu'il faut lire d'abord : le focus est sur son avertissement.
    await focusSurLeResume(page);
    await sansViolation(page, 'commission-apercu');

    await page.getByRole('button', { name: 'Lancer 3 ménages' }).click();
    await page.waitForLoadState();
    expect(page.url()).toMatch(/\/programmes\/besancon-ccas\/commission\/[0-9a-f-]{36}$/);
    const compteRendu = await page.locator('main').innerText();
    expect(compteRendu).toContain('3 ménages lancés');
    expect(compteRendu).toContain('1 ligne rejetée');
    expect(compteRendu).toMatch(/Ligne 4 \(CB-[A-Z0-9]+-3\) :\s*Colonne « Composition »/);
    await sansViolation(page, 'commission-compte-rendu');
    // Le dossier lancé s'ouvre depuis le compte rendu.
    await page.getByRole('link', { name: `CB-${serie}-1` }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').innerText()).toContain(`CB-${serie}-1`);

    // La même liste renvoyée : rien à lancer, les trois déjà lancés.
    await page.goto(`${ui.url}/programmes/besancon-ccas/commission`);
    await page.locator('#commission-fichier').setInputFiles({ name: 'seance.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
    await page.waitForLoadState();
    const encore = await page.locator('main').innerText();
    expect(encore).toContain('0 ménage à lancer, 3 déjà lancés');
    expect(encore).toContain('Aucun ménage à lancer dans cette liste.');
  });

  it('sans fichier, la page le dit ; un fichier refusé faute de date de séance est gardé : la date ajoutée, l’aperçu part sans le choisir de nouveau', async () => {
    const serie = Math.random().toString(36).slice(2, 7).toUpperCase();
    const csv = [
      'Référence;Nom du ménage;Composition;Adresse;Mois d’impayés;Montant de la dette;Début du bail;Garantie;Suivi par un service social',
      `CG-${serie}-1;Mme Girard;personne seule;1 rue Battant, 25000 Besançon;2;640,20;01/03/2024;aucune;non`,
      `CG-${serie}-2;M. Petit;couple;2 rue Battant, 25000 Besançon;3;910;01/09/2023;aucune;non`,
    ].join('\n');
    const page = await pageConnectee('coord.essai');
    await page.goto(`${ui.url}/programmes/besancon-ccas/commission`);
    await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.erreur').innerText()).toMatch(
      /La liste n’a pas pu être lue :\s*Aucun fichier choisi : choisissez le fichier de la liste \(\.xlsx ou \.csv\)\./,
    );
    await focusSurLeResume(page);

    await page.locator('#commission-fichier').setInputFiles({ name: 'seance-sans-date.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.erreur').innerText()).toContain('« Date de désignation » (ou indiquez la date de la séance)');
    expect(await page.locator('main').innerText()).toContain('Fichier gardé : seance-sans-date.csv.');
    await sansViolation(page, 'commission-fichier-garde');

    const avantHier = jourDeParis(new Date(Date.now() - 2 * 86_400_000));
    /** La date de la séance saisie, puis « Voir l’aperçu » : le texte de la page. */
    const voirApercu = async (dateSeance: string) => {
      await page.locator('#commission-dateSeance').fill(dateSeance);
      await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
      await page.waitForLoadState();
      return page.locator('main').innerText();
    };
    const apercu = await voirApercu(avantHier);
    expect(apercu).toContain('2 lignes lues');
    expect(apercu).toContain('2 ménages à lancer');

    // L'import refusé (ici une date de séance à venir, envoyée avec l'aperçu) : l'erreur parle de la séance, et le
    // fichier reste gardé ; la date corrigée, l'aperçu repart sans choisir le fichier de nouveau.
    const demain = jourDeParis(new Date(Date.now() + 2 * 86_400_000));
    await page.locator('input[type=hidden][name=dateSeance]').evaluate((e, v) => ((e as HTMLInputElement).value = v), demain);
    await page.getByRole('button', { name: 'Lancer 2 ménages' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.erreur').innerText()).toContain('la séance ne peut pas être dans le futur');
    expect(await page.locator('.erreur').innerText()).not.toContain('désignation');
    expect(await page.locator('main').innerText()).toContain('Fichier gardé : seance-sans-date.csv.');
    expect(await page.locator('#commission-dateSeance').inputValue()).toBe(demain);
    const corrige = await voirApercu(avantHier);
    expect(corrige).toContain('2 ménages à lancer');
    expect(corrige).toContain('Les 2 lignes valides sont lancées ensemble.');

    // Une liste d'un seul ménage : l'aperçu le dit au singulier.
    await page.goto(`${ui.url}/programmes/besancon-ccas/commission`);
    await page.locator('#commission-fichier').setInputFiles({
      name: 'seance-un-menage.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv.split('\n').slice(0, 2).join('\n'), 'utf8'),
    });
    const un = await voirApercu(avantHier);
    expect(un).toContain('1 ligne lue');
    expect(un).toContain('1 ménage à lancer');
    expect(un).toContain('La ligne valide est lancée.');
    expect(un).not.toMatch(/Les 1 |lignes valides/);
    expect(await page.getByRole('button', { name: 'Lancer 1 ménage', exact: true }).count()).toBe(1);
  });

  it('un fichier illisible : la page d’envoi le dit ; un travailleur social n’a pas accès', async () => {
    const page = await pageConnectee('coord.essai');
    await page.goto(`${ui.url}/programmes/besancon-ccas/commission`);
    await page.locator('#commission-fichier').setInputFiles({ name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('bonjour\nrien à voir', 'utf8') });
    await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.erreur').innerText()).toMatch(/La liste n’a pas pu être lue :\s*Aucune ligne d’en-têtes reconnue/);
    await sansViolation(page, 'commission-fichier-illisible');

    const ts = await pageConnectee('ts.alice');
    const r = await ts.goto(`${ui.url}/programmes/besancon-ccas/commission`);
    expect(r?.status()).toBe(403);
    expect(await ts.locator('main').innerText()).toContain('Les listes de la commission sont importées par la coordination du programme.');
  });
});
