/// <reference lib="dom" />
/**
 * Les pages sur un téléphone (issue 16, point 7) : Chromium à 360 × 740 pixels, pour chaque rôle —
 * la coordination (tableau de bord, page d'un parcours, file d'attente IML, annuaire, personnel), le
 * travail social (mes ménages, page d'un parcours), un partenaire (page de son lien).
 *
 * Sur chaque page : rien ne défile de côté, l'en-tête tient en 100 pixels au plus (la navigation est
 * dans « Menu »), les tableaux sont des cartes où chaque valeur est précédée de l'en-tête de sa
 * colonne (« Responsable » compris), axe-core ne trouve aucune violation « serious » ou
 * « critical ». Une capture d'écran de chaque page (CAPTURES_ECRAN=1) dans test-artifacts/ecrans/telephone-*.png.
 * Sur un écran d'ordinateur, les mêmes tableaux restent des tableaux et la navigation reste visible.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { creerAnnuaire } from '../../personnel/annuaire';
import { hashPassword } from '../../securite/mots-de-passe';
import { etatQuery } from '../../domain/messages';
import { idFileIml, type EntreeFileIml } from '../../domain/iml';
import { PERSONNEL, SIGNEUR, jusqua, monterBanc, type Banc } from '../outils/environnement';
import { capturer, defileHorizontalement, demarrerInterface, lancerNavigateur, reserverPort, verifierAxe, type InterfaceEssai } from '../outils/navigateur';

const MOT_DE_PASSE = 'mot-de-passe-telephone';
const LARGEUR = 360;
const HAUTEUR = 740;
/** L'en-tête (bandeau et outils des opérateurs) : 100 pixels au plus sur un téléphone. */
const ENTETE_MAX = 100;
const reference = (prefixe: string) => `${prefixe}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;

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

async function nouvellePage(largeur = LARGEUR): Promise<Page> {
  // bypassCSP : pour injecter axe-core ; les pages, elles, n'ont aucun script.
  const c = await navigateur.newContext({
    viewport: { width: largeur, height: largeur < 600 ? HAUTEUR : 900 },
    bypassCSP: true,
    locale: 'fr-FR',
    isMobile: largeur < 600,
    hasTouch: largeur < 600,
  });
  contextes.push(c);
  return c.newPage();
}

async function pageConnectee(identifiant: string, largeur = LARGEUR): Promise<Page> {
  const page = await nouvellePage(largeur);
  await page.goto(`${ui.url}/connexion`);
  await page.locator('#identifiant').fill(identifiant);
  await page.locator('#motDePasse').fill(MOT_DE_PASSE);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState();
  expect(new URL(page.url()).pathname).toBe('/parcours');
  return page;
}

/** Recharge la page jusqu'à ce que `texte` y apparaisse (visibilité Temporal, étape suivante). */
async function attendreTexte(page: Page, texte: string | RegExp, ms = 20_000) {
  await vi.waitFor(
    async () => {
      const corps = await page.locator('body').innerText();
      if (typeof texte === 'string' ? corps.includes(texte) : texte.test(corps)) return;
      await page.reload();
      throw new Error(`Texte jamais affiché : ${texte}\n${corps.slice(0, 2000)}`);
    },
    { timeout: ms, interval: 300 },
  );
}

/** La hauteur de l'en-tête : là où commence le contenu (main). */
const hauteurEntete = (page: Page) => page.evaluate(() => Math.round(document.querySelector('main')!.getBoundingClientRect().top + window.scrollY));

/**
 * Ce que toute page doit tenir sur un téléphone : pas de défilement de côté, un en-tête compact,
 * chaque tableau en cartes (en-têtes de colonnes masqués, chaque cellule étiquetée et dans l'écran),
 * axe-core sans violation grave ; et sa capture d'écran.
 */
async function verifierTelephone(page: Page, nom: string) {
  await capturer(page, `telephone-${nom}`);
  expect(await defileHorizontalement(page), `${nom} : défilement de côté`).toBe(false);
  expect(await hauteurEntete(page), `${nom} : hauteur de l'en-tête`).toBeLessThanOrEqual(ENTETE_MAX);
  const tableaux = await page.evaluate(() =>
    Array.from(document.querySelectorAll('main table')).map((t) => ({
      classe: t.className,
      affichage: getComputedStyle(t).display,
      // Les en-têtes de colonnes restent dans le tableau (lecteurs d'écran), dans une zone d'un pixel.
      entetesVisibles: Array.from(t.querySelectorAll('thead')).some((h) => h.getBoundingClientRect().height > 1 || h.getBoundingClientRect().width > 1),
      cellules: Array.from(t.querySelectorAll('tbody td')).map((td) => {
        const r = td.getBoundingClientRect();
        return { etiquette: td.getAttribute('data-label'), avant: getComputedStyle(td, '::before').content, gauche: r.left, droite: r.right };
      }),
    })),
  );
  for (const t of tableaux) {
    expect(t.classe, `${nom} : tableau sans cartes`).toContain('cartes');
    expect(t.affichage, nom).toBe('block');
    expect(t.entetesVisibles, `${nom} : en-têtes de colonnes encore affichés`).toBe(false);
    for (const c of t.cellules) {
      expect(c.etiquette, nom).toBeTruthy();
      expect(c.avant, nom).toContain(c.etiquette!);
      expect(c.gauche, nom).toBeGreaterThanOrEqual(0);
      expect(c.droite, nom).toBeLessThanOrEqual(LARGEUR);
    }
  }
  expect(await verifierAxe(page), `axe : ${nom}`).toEqual([]);
  return tableaux;
}

/** Début du bail : deux mois avant aujourd'hui (éligible). */
const debutBail = (jours = -60) => new Date(Date.now() + jours * 86_400_000).toISOString().slice(0, 10);

/** Un parcours APRIL (Reims) lancé par la coordination sur son téléphone : sa demande au comité de suivi attend un partenaire. */
let parcoursReims: Promise<string> | undefined;
function refParcoursReims(): Promise<string> {
  parcoursReims ??= (async () => {
    const coord = await pageConnectee('coord.essai');
    const ref = reference('TEL');
    await coord.goto(`${ui.url}/parcours/nouveau/reims-april`);
    const bailleur = coord.locator('#lancement-bailleur');
    if ((await bailleur.locator('option').count()) > 2) await bailleur.selectOption('reims-april--bailleur');
    await coord.locator('#lancement-travailleurSocial').selectOption('ts.alice');
    await coord.locator('#lancement-menage-reference').fill(ref);
    await coord.locator('#lancement-menage-nom').fill('Mme Josiane Lefébure');
    await coord.locator('#lancement-menage-composition').selectOption('famille_monoparentale');
    // Une adresse à chaque lancement : le même ménage déjà suivi serait signalé.
    await coord.locator('#lancement-menage-adresse').fill(`Appartement ${ref}, 12 rue des Tilleuls, 51100 Reims`);
    await coord.locator('#lancement-donnees-situation-impayesMois').fill('2');
    await coord.locator('#lancement-donnees-situation-montantDette').fill('812,40');
    // Un bail qui commencerait dans deux ans : refusé, la raison sous le champ.
    await coord.locator('#lancement-donnees-situation-debutBail').fill(debutBail(730));
    await coord.locator('#lancement-donnees-situation-garantie').selectOption('aucune');
    await coord.locator('#lancement-donnees-situation-contactBailleur').selectOption('non');
    await coord.locator('#lancement-donnees-situation-suiviParServiceSocial').selectOption('non');
    await coord.getByRole('button', { name: 'Lancer le parcours' }).click();
    await coord.waitForLoadState();
    await expect(coord.locator('#lancement-donnees-situation-debutBail-erreur').innerText()).resolves.toMatch(
      /^date trop lointaine : le bail ne peut pas commencer plus de 6 mois après aujourd’hui \(le .+ au plus tard\)$/,
    );
    expect(await coord.locator('#lancement-donnees-situation-debutBail').getAttribute('aria-invalid')).toBe('true');
    await verifierTelephone(coord, '00-lancer-bail-invraisemblable');
    await coord.locator('#lancement-donnees-situation-debutBail').fill(debutBail());
    await coord.getByRole('button', { name: 'Lancer le parcours' }).click();
    await coord.waitForLoadState();
    expect(new URL(coord.url()).pathname).toBe(`/parcours/reims-april--${ref}`);
    await jusqua(
      banc.env.client.workflow.getHandle(`reims-april--${ref}`),
      (e) => e.demandes.some((d) => d.statut === 'en_attente'),
      'demande au comité de suivi',
    );
    await coord.close();
    return ref;
  })();
  return parcoursReims;
}

describe('sur un téléphone de 360 pixels', () => {
  it('la coordination : tableau de bord, page d’un parcours (échéances et décisions en cartes), menu', async () => {
    const ref = await refParcoursReims();
    const coord = await pageConnectee('coord.essai');
    await attendreTexte(coord, ref);
    await expect(coord.locator('h1').innerText()).resolves.toBe('Tableau de bord des parcours');
    // La navigation est dans « Menu », fermé : aucun de ses liens n'est affiché.
    await expect(coord.getByRole('link', { name: 'Annuaire', exact: true }).count()).resolves.toBe(0);
    const tableaux = await verifierTelephone(coord, '01-tableau-de-bord');
    expect(tableaux).toHaveLength(1);
    expect(tableaux[0]!.cellules.map((c) => c.etiquette)).toEqual(
      expect.arrayContaining(['Parcours', 'Programme', 'Étape', 'Travailleur social', 'Prochaine échéance']),
    );

    await coord.goto(`${ui.url}/parcours/reims-april--${ref}`);
    await attendreTexte(coord, 'Comité de suivi');
    const parcours = await verifierTelephone(coord, '02-parcours-coordination');
    const etiquettes = parcours.flatMap((t) => t.cellules.map((c) => c.etiquette));
    // Échéances et décisions des partenaires : « Responsable » et « Décision » sont dans l'écran.
    expect(etiquettes).toEqual(
      expect.arrayContaining(['Date limite', 'Statut', 'Responsable', 'Partenaire', 'Envoyée le', 'Réponse attendue au plus tard le', 'Décision']),
    );
    const responsable = coord.locator('td[data-label="Responsable"]').first();
    await expect(responsable.isVisible()).resolves.toBe(true);
    expect(await responsable.evaluate((td) => getComputedStyle(td, '::before').content)).toMatch(/^"Responsable\u00a0: "/);

    // Le menu s'ouvre (au clavier aussi) : navigation, compte, déconnexion.
    await coord.locator('details.menu > summary').focus();
    await coord.keyboard.press('Enter');
    await expect(coord.getByRole('link', { name: 'Annuaire', exact: true }).isVisible()).resolves.toBe(true);
    await expect(coord.getByRole('button', { name: 'Se déconnecter' }).isVisible()).resolves.toBe(true);
    expect(await defileHorizontalement(coord)).toBe(false);
    await capturer(coord, 'telephone-03-menu-ouvert');
    expect(await verifierAxe(coord), 'axe : menu ouvert').toEqual([]);
    await coord.getByRole('link', { name: 'Annuaire', exact: true }).click();
    await coord.waitForLoadState();
    await expect(coord.locator('h1').innerText()).resolves.toBe('Annuaire des partenaires');
  });

  it('la coordination : file d’attente IML, annuaire, personnel', async () => {
    // Une file d'attente IML avec des mesures actives et des ménages en attente.
    const depuis = new Date().toISOString();
    const entree: EntreeFileIml = {
      programmeId: 'concarneau-iml',
      quota: 3,
      versionProgramme: 1,
      actives: ['TEL-A1', 'TEL-A2', 'TEL-A3'].map((r, i) => ({ mesure: `concarneau-iml--${r}`, execution: `a${i}`, reference: r, depuis, demandeeLe: depuis })),
      file: ['TEL-F1-TRES-LONGUE-REFERENCE-2026', 'TEL-F2'].map((r, i) => ({ mesure: `concarneau-iml--${r}`, execution: `f${i}`, reference: r, depuis })),
      compteurs: { demandes: 5, accordees: 3, liberees: 0, retirees: 0 },
    };
    await banc.env.client.workflow.start('fileIml', { taskQueue: banc.taskQueue, workflowId: idFileIml('concarneau-iml'), args: [entree] });
    const coord = await pageConnectee('coord.essai');
    await coord.goto(`${ui.url}/programmes/concarneau-iml/file-iml`);
    await attendreTexte(coord, 'TEL-F2');
    await expect(coord.locator('h1').innerText()).resolves.toContain('File d’attente IML');
    const file = await verifierTelephone(coord, '04-file-iml');
    expect(file).toHaveLength(2);
    expect(file[1]!.cellules.map((c) => c.etiquette)).toEqual(['Rang', 'En attente depuis le', 'Rang', 'En attente depuis le']);

    await coord.goto(`${ui.url}/programmes/concarneau-iml/annuaire`);
    await expect(coord.locator('h1').innerText()).resolves.toMatch(/^Annuaire : /);
    await verifierTelephone(coord, '05-annuaire');
    // Un formulaire ouvert de l'annuaire tient aussi dans l'écran.
    await coord.locator('section.organisation details', { hasText: 'Ajouter un contact' }).first().locator('summary').click();
    expect(await defileHorizontalement(coord)).toBe(false);

    await coord.goto(`${ui.url}/personnel`);
    await expect(coord.locator('h1').innerText()).resolves.toBe('Personnel');
    const personnel = await verifierTelephone(coord, '06-personnel');
    expect(personnel[0]!.cellules.map((c) => c.etiquette)).toContain('Adresse électronique');
  });

  it('le travail social : mes ménages, la page d’un parcours', async () => {
    const ref = await refParcoursReims();
    const ts = await pageConnectee('ts.alice');
    await expect(ts.locator('h1').innerText()).resolves.toBe('Mes ménages');
    await attendreTexte(ts, ref);
    await verifierTelephone(ts, '07-mes-menages');
    await ts.locator(`a[href="/parcours/reims-april--${ref}"]`).click();
    await ts.waitForLoadState();
    await attendreTexte(ts, 'Comité de suivi');
    const tableaux = await verifierTelephone(ts, '08-parcours-travail-social');
    expect(tableaux.flatMap((t) => t.cellules.map((c) => c.etiquette))).toContain('Responsable');
    // Un formulaire d'action ouvert (s'il y en a à cette étape) reste dans l'écran.
    const actions = ts.locator('details.action > summary');
    if ((await actions.count()) > 0) {
      await actions.first().click();
      expect(await defileHorizontalement(ts)).toBe(false);
      await capturer(ts, 'telephone-09-parcours-action-ouverte');
    }
  });

  it('un partenaire : la page de son lien, sans menu', async () => {
    const ref = await refParcoursReims();
    const workflowId = `reims-april--${ref}`;
    const etat = await banc.env.client.workflow.getHandle(workflowId).query(etatQuery);
    const demande = etat.demandes.find((d) => d.statut === 'en_attente')!;
    const jeton = SIGNEUR.signer({ workflowId, demandeId: demande.id, role: demande.role, action: 'validation' }, new Date(demande.echeance));
    const p = await nouvellePage();
    await p.goto(`${ui.url}/liens/${jeton}`);
    await expect(p.locator('h1').innerText()).resolves.toContain(demande.objet);
    expect(await p.locator('details.menu').count()).toBe(0);
    expect(await p.locator('body').innerText()).not.toContain('Lefébure');
    await verifierTelephone(p, '10-partenaire-lien');
  });
});

describe('sur un écran d’ordinateur', () => {
  it('les tableaux restent des tableaux, la navigation reste affichée, « Menu » est masqué', async () => {
    const ref = await refParcoursReims();
    const coord = await pageConnectee('coord.essai', 1280);
    await coord.goto(`${ui.url}/parcours/reims-april--${ref}`);
    await attendreTexte(coord, 'Comité de suivi');
    expect(
      await coord
        .locator('table.cartes')
        .first()
        .evaluate((t) => getComputedStyle(t).display),
    ).toBe('table');
    await expect(coord.locator('table.cartes thead th').first().isVisible()).resolves.toBe(true);
    await expect(coord.locator('details.menu').isVisible()).resolves.toBe(false);
    await expect(coord.getByRole('link', { name: 'Annuaire', exact: true }).isVisible()).resolves.toBe(true);
    await expect(coord.getByRole('button', { name: 'Se déconnecter' }).count()).resolves.toBe(1);
    expect(await verifierAxe(coord), 'axe : ordinateur').toEqual([]);
    await capturer(coord, 'telephone-11-parcours-ordinateur');
  });
});
