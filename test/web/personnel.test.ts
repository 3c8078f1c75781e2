/// <reference lib="dom" />
/**
 * Les pages du personnel dans un vrai navigateur (Chromium de Debian, playwright-core), axe-core sur
 * chaque page : l'administration invite une travailleuse sociale depuis la page /personnel, celle-ci
 * ouvre le lien reçu par courriel, se trompe de confirmation, choisit son mot de passe et se
 * connecte ; la coordination déclare son absence et la voit en tête du tableau de bord.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AnnuaireEnBase } from '../../personnel/annuaire-base';
import { jourDeParis } from '../../domain/durees';
import { hashPassword } from '../../securite/mots-de-passe';
import { creerLanceurSimulations } from '../../simulations/lanceur';
import { pino } from 'pino';
import { sql } from 'kysely';
import { baseEssai } from '../outils/base';
import { CATALOGUE, monterBanc, type Banc } from '../outils/environnement';
import { capturer, demarrerInterface, focusSurLeResume, lancerNavigateur, reserverPort, verifierAxe, type InterfaceEssai } from '../outils/navigateur';
import { simulationTerminee } from '../outils/simulation';

const MOT_DE_PASSE = 'mot-de-passe-essai';

let banc: Banc;
let ui: InterfaceEssai;
let navigateur: Browser;
let annuaire: AnnuaireEnBase;
const contextes: BrowserContext[] = [];

beforeAll(async () => {
  const reserve = await reserverPort();
  banc = await monterBanc({ dependances: { baseUrl: `http://127.0.0.1:${reserve.port}` } });
  const db = banc.dependances.base;
  const empreinte = await hashPassword(MOT_DE_PASSE);
  await db.updateTable('personnels').set({ mot_de_passe: empreinte }).execute();
  await db
    .insertInto('personnels')
    .values({ id: 'admin.essai', nom: 'Administration Essai', courriel: 'admin@essai.example', role: 'admin', programmes: [], mot_de_passe: empreinte })
    .execute();
  annuaire = await AnnuaireEnBase.ouvrir(db, { rafraichirMs: 3_600_000 });
  const simulations = creerLanceurSimulations({ databaseUrl: (await baseEssai()).url, base: db, journal: pino({ level: 'silent' }) });
  ui = await demarrerInterface(banc, annuaire, reserve, { simulations });
  navigateur = await lancerNavigateur();
});

afterAll(async () => {
  for (const c of contextes) await c.close().catch(() => undefined);
  await navigateur?.close();
  await ui?.fermer();
  annuaire?.fermer();
  await banc?.fermer();
});

async function nouvellePage(largeur = 1280): Promise<Page> {
  const c = await navigateur.newContext({ viewport: { width: largeur, height: 900 }, bypassCSP: true, locale: 'fr-FR' });
  contextes.push(c);
  return c.newPage();
}

async function sansViolation(page: Page, nom: string) {
  await capturer(page, nom);
  expect(await verifierAxe(page), `axe : ${nom}`).toEqual([]);
}

async function connecter(page: Page, identifiant: string, motDePasse = MOT_DE_PASSE) {
  await page.goto(`${ui.url}/connexion`);
  await page.locator('#identifiant').fill(identifiant);
  await page.locator('#motDePasse').fill(motDePasse);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState();
}

describe('pages du personnel', () => {
  it('l’admin invite depuis la page ; la personne choisit son mot de passe depuis le courriel et se connecte ; la coordination déclare son absence', async () => {
    const admin = await nouvellePage();
    await connecter(admin, 'admin.essai');
    await admin.getByRole('link', { name: 'Personnel', exact: true }).click();
    await admin.waitForLoadState();
    expect(await admin.locator('h1').innerText()).toBe('Personnel');
    await sansViolation(admin, 'personnel-admin');

    await admin.locator('#inv-id').fill('ts.nina');
    await admin.locator('#inv-nom').fill('Nina Navigateur');
    await admin.locator('#inv-courriel').fill('nina@essai.example');
    await admin.locator('#inv-role').selectOption('travailleur_social');
    await admin.locator('#inv-prog-loiret-ahu').check();
    await admin.getByRole('button', { name: 'Inviter' }).click();
    await admin.waitForLoadState();
    await expect
      .poll(() => admin.locator('[role=status]').first().innerText())
      .toContain('Invitation pour Nina Navigateur : le lien lui a été envoyé par courriel.');
    await sansViolation(admin, 'personnel-invitation-envoyee');

    const courriel = await banc.courriels.waitFor((m) => m.a.includes('nina@essai.example'));
    const lien = /Choisir mon mot de passe : (\S+)/.exec(courriel.texte)![1]!;
    expect(await admin.locator('code').innerText()).toBe(lien);

    const nina = await nouvellePage(360);
    await nina.goto(lien);
    expect(await nina.locator('h1').innerText()).toBe('Choisir votre mot de passe');
    await sansViolation(nina, 'invitation-formulaire');
    await nina.locator('#motDePasse').fill('une phrase de Nina assez longue');
    await nina.locator('#confirmation').fill('une phrase de Nina, autre');
    await nina.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
    await nina.waitForLoadState();
    expect(await nina.locator('#confirmation-erreur').innerText()).toBe('la confirmation ne reprend pas le mot de passe');
    await sansViolation(nina, 'invitation-erreur');
    await nina.locator('#motDePasse').fill('une phrase de Nina assez longue');
    await nina.locator('#confirmation').fill('une phrase de Nina assez longue');
    await nina.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click();
    await nina.waitForLoadState();
    expect(await nina.locator('h1').innerText()).toBe('Mot de passe enregistré');
    await sansViolation(nina, 'invitation-acceptee');
    await nina.getByRole('link', { name: 'Se connecter' }).click();
    await nina.locator('#identifiant').fill('ts.nina');
    await nina.locator('#motDePasse').fill('une phrase de Nina assez longue');
    await nina.getByRole('button', { name: 'Se connecter' }).click();
    await nina.waitForLoadState();
    expect(await nina.locator('h1').innerText()).toBe('Mes ménages');

    // Le lien a servi : sa page le dit.
    await nina.goto(lien);
    expect(await nina.locator('[role=alert]').innerText()).toContain('Ce lien d’invitation a déjà servi');
    await sansViolation(nina, 'invitation-deja-utilisee');

    // La coordination déclare l'absence de Nina, remplacée par Alice ; le tableau de bord le dit.
    const coord = await nouvellePage();
    await connecter(coord, 'coord.essai');
    await coord.goto(`${ui.url}/personnel`);
    await sansViolation(coord, 'personnel-coordination');
    await coord.locator('#abs-personne').selectOption('ts.nina');
    await coord.locator('#abs-du').fill(jourDeParis(new Date()));
    await coord.locator('#abs-au').fill(jourDeParis(new Date(Date.now() - 86_400_000)));
    await coord.locator('#abs-remplacant').selectOption('ts.alice');
    await coord.getByRole('button', { name: 'Déclarer l’absence' }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=alert]').innerText()).toContain('Dernier jour d’absence : la fin de l’absence ne peut pas précéder son début');
    await sansViolation(coord, 'personnel-absence-erreur');
    await coord.locator('#abs-au').fill(jourDeParis(new Date(Date.now() + 7 * 86_400_000)));
    await coord.getByRole('button', { name: 'Déclarer l’absence' }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=status]').innerText()).toContain('L’absence est enregistrée');
    await coord.goto(`${ui.url}/parcours`);
    expect(await coord.getByRole('region', { name: 'Référents absents' }).innerText()).toContain('Nina Navigateur, jusqu’au');
    await sansViolation(coord, 'tableau-referents-absents');
  }, 120_000);
  it('l’administration ouvre « Simuler l’année » : le formulaire, ses erreurs en français, le bilan d’une simulation terminée, accessibles', async () => {
    const id = await simulationTerminee(banc.dependances.base, 'admin.essai');
    const admin = await nouvellePage();
    await connecter(admin, 'admin.essai');
    await admin.getByRole('link', { name: 'Simuler l’année', exact: true }).click();
    await admin.waitForLoadState();
    expect(await admin.locator('h1').innerText()).toBe('Simuler l’année d’un programme');
    await sansViolation(admin, 'simulations');
    // Aucun programme choisi : rien n'est lancé, la raison est dite.
    await admin.locator('#sim-graine').fill('quarante-deux');
    await admin.getByRole('button', { name: 'Lancer la simulation' }).click();
    await admin.waitForLoadState();
    const erreurs = await admin.locator('[role=alert]').first().innerText();
    expect(erreurs).toContain('Programmes à simuler : choisissez au moins un programme');
    expect(erreurs).toContain('Graine du tirage : nombre entier attendu');
    await sansViolation(admin, 'simulations-erreurs');
    await admin.goto(`${ui.url}/simulations/${id}`);
    expect(await admin.locator('#etp').innerText()).toBe('ETP nécessaires');
    await sansViolation(admin, 'simulation-bilan');
  }, 60_000);
  it('la coordination change un délai dans la page des réglages : erreurs en français, puis une nouvelle version et son historique', async () => {
    const coord = await nouvellePage();
    await connecter(coord, 'coord.essai');
    await coord.getByRole('link', { name: 'Programmes', exact: true }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('h1').innerText()).toBe('Programmes');
    await sansViolation(coord, 'programmes');
    // La version qui suit celle du preset (le fichier la porte).
    const suivante = CATALOGUE.trouver('toulouse-declic')!.version + 1;
    await coord.goto(`${ui.url}/programmes/toulouse-declic/reglages`);
    expect(await coord.locator('h1').innerText()).toMatch(/^Réglages : DÉCLIC/);
    await sansViolation(coord, 'reglages');
    // Une durée illisible et pas de motif : rien n'est enregistré, chaque erreur porte le libellé du réglage.
    await coord.locator('#delais-diagnostic-n').fill('cinq');
    await coord.getByRole('button', { name: `Enregistrer la version ${suivante}` }).click();
    await coord.waitForLoadState();
    const erreurs = await coord.locator('[role=alert]').innerText();
    expect(erreurs).toContain('Diagnostic social : un nombre entier, écrit en chiffres');
    // L'erreur est aussi à côté du champ, qui la porte (aria).
    expect(await coord.locator('#delais-diagnostic-n').getAttribute('aria-invalid')).toBe('true');
    expect(await coord.locator('#delais-diagnostic-erreur').innerText()).toBe('un nombre entier, écrit en chiffres');
    expect(erreurs).toContain('Pourquoi ce changement');
    expect(erreurs).not.toMatch(/delais|diagnostic\b|motif/);
    await focusSurLeResume(coord);
    await sansViolation(coord, 'reglages-erreurs');
    await coord.locator('#delais-diagnostic-n').fill('5');
    await coord.locator('#delais-diagnostic-u').selectOption('semaines');
    await coord.locator('#jalons-pointsSuivi').fill('1 mois, 2 mois, 3 mois');
    await coord.locator('#motif').fill('Comité de pilotage de décembre');
    // Un rappel de deux semaines avant un plan d'aide à faire en deux semaines ne partirait jamais :
    // refusé à côté de son champ, rien n'est enregistré (le bouton propose toujours la même version).
    await coord.locator('#delais-rappelAvant-n').fill('2');
    await coord.locator('#delais-rappelAvant-u').selectOption('semaines');
    await coord.getByRole('button', { name: `Enregistrer la version ${suivante}` }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('#delais-rappelAvant-erreur').innerText()).toBe(
      'un rappel de 2 semaines ne partirait jamais : il doit être plus court que chaque délai qu’il rappelle, dont « Plan d’aide (après le diagnostic) » (2 semaines)',
    );
    expect(await coord.locator('#delais-rappelAvant-n').getAttribute('aria-invalid')).toBe('true');
    await focusSurLeResume(coord);
    expect(await coord.getByRole('button', { name: `Enregistrer la version ${suivante}` }).count()).toBe(1);
    await coord.locator('#delais-rappelAvant-n').fill('3');
    await coord.locator('#delais-rappelAvant-u').selectOption('jours');
    await coord.getByRole('button', { name: `Enregistrer la version ${suivante}` }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=status]').innerText()).toContain(`Version ${suivante} enregistrée`);
    const historique = await coord.locator('table').last().innerText();
    expect(historique).toContain('Diagnostic social : 1 mois → 5 semaines');
    expect(historique).toContain('1 mois, 2 mois, 4 mois, 5 mois → 1 mois, 2 mois, 3 mois');
    expect(historique).toContain('Coordinatrice Essai');
    expect(await coord.locator('#delais-diagnostic-n').inputValue()).toBe('5');
    await sansViolation(coord, 'reglages-version-suivante');
  }, 120_000);
  it('l’annuaire confirme chaque action : lien d’orientation envoyé, organisation modifiée, clé du logiciel montrée une fois puis révoquée', async () => {
    const coord = await nouvellePage();
    await connecter(coord, 'coord.essai');
    await coord.goto(`${ui.url}/programmes/loiret-ahu/annuaire`);
    const bailleur = coord.getByRole('region', { name: /LogemLoiret/ });
    await bailleur.getByRole('button', { name: /Envoyer à .* un lien pour orienter un ménage/ }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=status]').innerText()).toContain('Le lien pour orienter un ménage est parti par courriel aux contacts de LogemLoiret');
    await sansViolation(coord, 'annuaire-lien-envoye');

    await bailleur.locator('summary', { hasText: 'Modifier' }).click();
    await bailleur.getByLabel(/File active maximale/).fill('zéro');
    await bailleur.getByRole('button', { name: /^Enregistrer / }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=alert]').innerText()).toContain('File active maximale :');
    await sansViolation(coord, 'annuaire-modification-erreur');
    await bailleur.getByLabel(/File active maximale/).fill('35');
    await bailleur.getByRole('button', { name: /^Enregistrer / }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=status]').innerText()).toMatch(/LogemLoiret.* : les changements sont enregistrés\./);
    expect(await bailleur.innerText()).toContain('pour 35 places');

    await bailleur.locator('summary', { hasText: 'clés d’accès' }).click();
    await bailleur.getByRole('button', { name: /Créer une clé pour le logiciel/ }).click();
    await coord.waitForLoadState();
    const cle = await coord.locator('[role=status] code').innerText();
    expect(cle).toMatch(/^orient_[0-9a-f]{12}_/);
    await sansViolation(coord, 'annuaire-cle-creee');
    await coord.goto(`${ui.url}/programmes/loiret-ahu/annuaire`);
    expect(await coord.content()).not.toContain(cle);
    await bailleur.locator('summary', { hasText: 'clés d’accès (1)' }).click();
    await bailleur.getByRole('button', { name: /Révoquer la clé/ }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=status]').innerText()).toContain('est révoquée');
  }, 120_000);

  it('une orientation : la fiche du partenaire ouverte par son lien, la carte à la coordination, puis restée sans réponse au-delà du délai de contact', async () => {
    const coord = await nouvellePage();
    await connecter(coord, 'coord.essai');
    await coord.goto(`${ui.url}/programmes/loiret-ahu/annuaire`);
    await coord
      .getByRole('region', { name: /LogemLoiret/ })
      .getByRole('button', { name: /Envoyer à .* un lien pour orienter un ménage/ })
      .click();
    await coord.waitForLoadState();
    const courriel = await banc.courriels.waitFor((m) => m.sujet.endsWith(': orienter un ménage') && /\/orientation\/\S+/.test(m.texte), { timeoutMs: 10_000 });
    const lien = /http:\/\/\S+\/orientation\/[A-Za-z0-9._-]+/.exec(courriel.texte)![0];

    // Le partenaire, sans compte : la fiche d'orientation.
    const partenaire = await nouvellePage();
    await partenaire.goto(lien);
    await sansViolation(partenaire, 'orientation-fiche');
    const champ = (nom: string) => partenaire.locator(`[name="${nom}"]`);
    await champ('oriente.nom').fill('Sandrine Morel');
    await champ('oriente.courriel').fill('s.morel@logemloiret.example');
    await champ('oriente.service').selectOption({ index: 1 });
    await champ('menage.nom').fill('Mme Lina Moreau');
    await champ('menage.composition').selectOption('personne_seule');
    await champ('menage.adresse').fill('3 rue Bannier, 45000 Orléans');
    await champ('situation.impayesMois').fill('2');
    await champ('situation.montantDette').fill('820');
    await champ('situation.debutBail').fill(new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10));
    await champ('situation.garantie').selectOption('aucune');
    await champ('situation.contactBailleur').selectOption('non');
    await champ('situation.suiviParServiceSocial').selectOption('non');
    await champ('consentement').check();
    await partenaire.getByRole('button').last().click();
    await partenaire.waitForLoadState();
    expect(await partenaire.locator('main').innerText()).toContain('Orientation transmise');
    await sansViolation(partenaire, 'orientation-transmise');

    // La coordination : la carte dit jusqu'à quand établir le contact.
    await coord.goto(`${ui.url}/programmes/loiret-ahu/orientations`);
    expect(await coord.locator('main').innerText()).toContain('Premier contact à établir au plus tard le ');
    await sansViolation(coord, 'orientations-a-traiter');
    // Restée 40 jours sans réponse : la carte le dit, accepter sans cocher la case est refusé avec la raison.
    await banc.dependances.base
      .updateTable('orientations')
      .set({ recue_le: sql`now() - interval '40 days'` })
      .where('statut', '=', 'recue')
      .execute();
    await coord.reload();
    const carte = coord.locator('section.organisation', { hasText: 'Mme Lina Moreau' });
    expect(await carte.innerText()).toContain('Le délai de contact, qui court depuis la réception (le signalement du bailleur), est passé');
    await carte.locator('summary', { hasText: 'Accepter' }).click();
    await sansViolation(coord, 'orientation-tardive');
    await carte.getByRole('button', { name: 'Accepter et lancer le parcours' }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('[role=alert]').last().innerText()).toContain('Le délai de contact de cette orientation est passé');
    await sansViolation(coord, 'orientation-tardive-confirmation-demandee');
  }, 120_000);
});
