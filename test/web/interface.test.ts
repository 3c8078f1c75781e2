/// <reference lib="dom" />
/**
 * L'interface web dans un vrai navigateur (Chromium de Debian, playwright-core), sur le vrai serveur
 * Temporal (le tableau de bord liste les parcours), avec un vrai worker et un vrai SMTP (mail
 * catcher et sa boîte web). Chaque test ouvre ses pages et se connecte : l'ordre n'importe pas.
 *
 * Une coordinatrice se connecte (mauvais mot de passe d'abord) et lance un parcours ; une
 * travailleuse sociale, sur un écran de 360 pixels, enregistre une tentative de contact et voit le
 * parcours avancer ; un message refusé à l'étape courante montre la raison du workflow ; un
 * partenaire ouvre le lien de validation depuis la boîte de réception, approuve, et la
 * coordination voit la décision ; un lien expiré ou modifié a sa page ; une session expire.
 * axe-core sur chaque page : aucune violation « serious » ou « critical ». Captures d'écran dans
 * test-artifacts/ecrans/.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { creerAnnuaire } from '../../personnel/annuaire';
import { hashPassword } from '../../securite/mots-de-passe';
import { cloreAnticipeUpdate, etatQuery } from '../../domain/messages';
import { tentativeContactUpdate } from '../../domain/prevention';
import { CATALOGUE, PERSONNEL, SIGNEUR, apres, jusqua, monterBanc, type Banc } from '../outils/environnement';
import {
  capturer,
  defileHorizontalement,
  demarrerInterface,
  focusSurLeResume,
  lancerNavigateur,
  reserverPort,
  verifierAxe,
  type InterfaceEssai,
} from '../outils/navigateur';

const MOT_DE_PASSE = 'mot-de-passe-essai';
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

async function nouvellePage(largeur = 1280, avecCsp = false): Promise<Page> {
  // bypassCSP : pour injecter axe-core ; les pages, elles, n'ont aucun script (`avecCsp` : la politique des pages appliquée).
  const c = await navigateur.newContext({ viewport: { width: largeur, height: largeur < 500 ? 740 : 900 }, bypassCSP: !avecCsp, locale: 'fr-FR' });
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

/** Une page connectée (un contexte de navigateur à elle : ses cookies, sa session). */
async function pageConnectee(identifiant: string, largeur = 1280): Promise<Page> {
  const page = await nouvellePage(largeur);
  await connecter(page, identifiant);
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

/** Début du bail : deux mois avant aujourd'hui (éligible : bail de moins de 6 mois). */
const debutBail = () => new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);

async function lancerParLeFormulaire(page: Page, programmeId: string, ref: string, garantie = 'aucune', signaleLe?: string, adresseDe = ref) {
  await page.goto(`${ui.url}/parcours/nouveau/${programmeId}`);
  // Un programme à plusieurs bailleurs (APRIL) : le bailleur du ménage se choisit.
  const bailleur = page.locator('#lancement-bailleur');
  if ((await bailleur.locator('option').count()) > 2) await bailleur.selectOption(`${programmeId}--bailleur`);
  await page.locator('#lancement-travailleurSocial').selectOption('ts.alice');
  await page.locator('#lancement-menage-reference').fill(ref);
  await page.locator('#lancement-menage-nom').fill('Mme Josiane Lefébure');
  await page.locator('#lancement-menage-composition').selectOption('famille_monoparentale');
  // Une adresse à chaque lancement : le même ménage déjà suivi serait signalé.
  await page.locator('#lancement-menage-adresse').fill(`Appartement ${adresseDe}, 12 rue des Tilleuls, 45000 Orléans`);
  await page.locator('#lancement-donnees-situation-impayesMois').fill('2');
  await page.locator('#lancement-donnees-situation-montantDette').fill('812,40');
  await page.locator('#lancement-donnees-situation-debutBail').fill(debutBail());
  await page.locator('#lancement-donnees-situation-garantie').selectOption(garantie);
  await page.locator('#lancement-donnees-situation-contactBailleur').selectOption('non');
  await page.locator('#lancement-donnees-situation-suiviParServiceSocial').selectOption('non');
  if (signaleLe) await page.locator('#lancement-donnees-signaleLe').fill(signaleLe);
  await page.getByRole('button', { name: 'Lancer le parcours' }).click();
  await page.waitForLoadState();
}

/** Un parcours loiret-ahu affecté à Alice, lancé par le formulaire (une fois pour les tests qui le demandent). */
let parcoursDAlice: Promise<string> | undefined;
function refParcoursDAlice(): Promise<string> {
  parcoursDAlice ??= (async () => {
    const ref = reference('WEB');
    await lancerParLeFormulaire(await pageConnectee('coord.essai'), 'loiret-ahu', ref);
    await jusqua(banc.env.client.workflow.getHandle(`loiret-ahu--${ref}`), (e) => e.etape === 'aller_vers', 'étape « aller vers »');
    return ref;
  })();
  return parcoursDAlice;
}

describe('l’interface web dans Chromium', () => {
  it('connexion : un mauvais mot de passe est dit en français ; la page est accessible', async () => {
    const coord = await nouvellePage();
    await coord.goto(`${ui.url}/`);
    expect(new URL(coord.url()).pathname).toBe('/connexion');
    await sansViolation(coord, '01-connexion');
    await connecter(coord, 'coord.essai', 'pas-le-bon');
    await expect(coord.locator('[role=alert]').innerText()).resolves.toContain('Identifiant ou mot de passe incorrect.');
    await sansViolation(coord, '02-connexion-erreur');
    // Avec la politique de sécurité des pages (aucun script permis) : le focus va au résumé de l'erreur.
    const avecCsp = await nouvellePage(1280, true);
    await connecter(avecCsp, 'coord.essai', 'pas-le-bon');
    await focusSurLeResume(avecCsp);
    expect(await avecCsp.evaluate(() => document.activeElement?.textContent)).toContain('Identifiant ou mot de passe incorrect.');
    // Au clavier seulement : le lien d'évitement d'abord, puis identifiant, mot de passe, Entrée.
    await coord.goto(`${ui.url}/connexion`);
    await coord.keyboard.press('Tab');
    expect(await coord.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu');
    await coord.locator('#identifiant').focus();
    await coord.keyboard.type('coord.essai');
    await coord.keyboard.press('Tab');
    expect(await coord.evaluate(() => document.activeElement?.id)).toBe('motDePasse');
    await coord.keyboard.type(MOT_DE_PASSE);
    await coord.keyboard.press('Enter');
    await coord.waitForURL(`${ui.url}/parcours`);
    await expect(coord.locator('h1').innerText()).resolves.toBe('Tableau de bord des parcours');
    // Les outils des opérateurs : la boîte de réception et l'interface Temporal.
    await expect(coord.getByRole('link', { name: 'Boîte de réception de démonstration' }).getAttribute('href')).resolves.toBe(banc.courriels.inboxUrl);
    await expect(coord.getByRole('link', { name: /Interface Temporal/ }).count()).resolves.toBe(1);
    await sansViolation(coord, '03-tableau-de-bord-vide');
  });

  it('la coordination lance un parcours : erreurs en français à côté des champs, puis la page du parcours', async () => {
    const coord = await pageConnectee('coord.essai');
    const refLoiret = reference('WEB');
    await coord.goto(`${ui.url}/parcours/nouveau`);
    await sansViolation(coord, '04-lancer-choix-programme');
    await coord.getByRole('link', { name: CATALOGUE.trouver('loiret-ahu')!.nom }).click();
    await coord.waitForLoadState();
    await sansViolation(coord, '05-lancer-formulaire');
    // Un formulaire vide : les messages des schémas de l'API, à côté de chaque champ.
    await coord.getByRole('button', { name: 'Lancer le parcours' }).click();
    await coord.waitForLoadState();
    expect(await coord.locator('#lancement-menage-reference-erreur').innerText()).toBe('champ obligatoire');
    await focusSurLeResume(coord);
    expect(await coord.locator('#lancement-menage-reference').getAttribute('aria-invalid')).toBe('true');
    expect(await coord.locator('#lancement-donnees-situation-garantie-erreur').count()).toBe(1);
    await coord.locator('#lancement-menage-reference').fill('avec espace');
    await coord.getByRole('button', { name: 'Lancer le parcours' }).click();
    await coord.waitForLoadState();
    // Le nom du champ n'est pas répété dans son message.
    expect(await coord.locator('#lancement-menage-reference-erreur').innerText()).toContain('2 à 40 caractères');
    await sansViolation(coord, '06-lancer-erreurs');
    // Un ménage qui ne remplit pas les conditions (le Loiret : sans garantie) : rien n'est lancé, le focus va à l'avertissement.
    await lancerParLeFormulaire(coord, 'loiret-ahu', refLoiret, 'fsl');
    await expect(coord.locator('[role=alert]').innerText()).resolves.toContain('Ce ménage ne remplit pas les conditions du programme');
    await focusSurLeResume(coord);
    expect(new URL(coord.url()).pathname).toBe('/parcours/nouveau/loiret-ahu');
    await sansViolation(coord, '06b-lancer-non-eligible');
    // Signalé par le bailleur il y a 40 jours : le délai de contact d'un mois est déjà écoulé, le formulaire le dit avant de lancer.
    await lancerParLeFormulaire(coord, 'loiret-ahu', refLoiret, 'aucune', new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10));
    await expect(coord.locator('[role=alert]').innerText()).resolves.toContain('Ce délai est déjà écoulé');
    expect(new URL(coord.url()).pathname).toBe('/parcours/nouveau/loiret-ahu');
    await sansViolation(coord, '06c-lancer-delai-ecoule');

    await lancerParLeFormulaire(coord, 'loiret-ahu', refLoiret);
    expect(new URL(coord.url()).pathname).toBe(`/parcours/loiret-ahu--${refLoiret}`);
    await expect(coord.locator('h1').innerText()).resolves.toContain(`Dossier ${refLoiret}`);
    await expect(coord.locator('[role=status]').innerText()).resolves.toContain('Lancement du parcours');
    await attendreTexte(coord, 'Aller vers le ménage');
    await expect(coord.locator('#etape-courante').innerText()).resolves.toBe('Aller vers le ménage');
    await sansViolation(coord, '07-parcours-coordination');
    // Un document à imprimer, ouvert de la page : accessible lui aussi, et tout son texte dans un repère
    // (les consignes d'écran comprises : axe « region »).
    await coord.getByRole('link', { name: 'ouvrir' }).first().click();
    await coord.waitForLoadState();
    expect(new URL(coord.url()).pathname).toMatch(new RegExp(`^/api/parcours/loiret-ahu--${refLoiret}/documents/(lettre-information|fiche-orientation)$`));
    await sansViolation(coord, '07b-document-a-imprimer');
    expect((await verifierAxe(coord, true)).map((v) => v.id)).toEqual([]);
    await coord.goBack();
    // Le tableau de bord le liste (son dossier, consigné à peine après le lancement).
    await coord.goto(`${ui.url}/parcours`);
    await attendreTexte(coord, refLoiret);
    await sansViolation(coord, '08-tableau-de-bord');
    // Un courriel du parcours que le serveur de courriel refuserait : le bandeau du tableau de bord et
    // l'avis du dossier, accessibles eux aussi (la ligne de la boîte d'envoi remise comme avant ensuite).
    const base = banc.dependances.base;
    const envoye = await base.selectFrom('courriels').select('cle').where('cle', 'like', `loiret-ahu--${refLoiret}/%`).executeTakeFirstOrThrow();
    await base.updateTable('courriels').set({ envoye_le: null, echoue_le: new Date() }).where('cle', '=', envoye.cle).execute();
    try {
      await coord.goto(`${ui.url}/parcours`);
      await expect(coord.locator('#titre-courriels-attente').innerText()).resolves.toBe('Courriels en attente d’envoi');
      await sansViolation(coord, '08a-tableau-courriels-en-attente');
      await coord.goto(`${ui.url}/parcours/loiret-ahu--${refLoiret}`);
      await expect(coord.getByText('Un courriel de ce dossier attend d’être envoyé').count()).resolves.toBe(1);
      await sansViolation(coord, '08b-dossier-courriel-en-attente');
    } finally {
      await base.updateTable('courriels').set({ envoye_le: new Date(), echoue_le: null }).where('cle', '=', envoye.cle).execute();
    }
    // Un second lancement pour le même ménage : le conflit en français.
    await lancerParLeFormulaire(coord, 'loiret-ahu', refLoiret);
    await expect(coord.locator('[role=alert]').first().innerText()).resolves.toContain(
      `Un parcours est déjà en cours pour ce ménage dans ce programme : dossier ${refLoiret}.`,
    );
    // Le lien mène au parcours existant.
    expect(await coord.locator('[role=alert] a', { hasText: `dossier ${refLoiret}` }).getAttribute('href')).toBe(`/parcours/loiret-ahu--${refLoiret}`);
    // Le même ménage (nom, adresse) sous une autre référence : la page le dit, avec le lien, et demande de confirmer.
    await lancerParLeFormulaire(coord, 'loiret-ahu', reference('WEB'), 'aucune', undefined, refLoiret);
    await expect(coord.locator('[role=alert]').first().innerText()).resolves.toContain('Ce ménage a peut-être déjà un parcours en cours');
    expect(await coord.locator('[role=alert] a', { hasText: `dossier ${refLoiret}` }).getAttribute('href')).toBe(`/parcours/loiret-ahu--${refLoiret}`);
    await expect(coord.getByLabel('Ce n’est pas le même ménage : lancer quand même').count()).resolves.toBe(1);
    await sansViolation(coord, '08c-lancement-menage-deja-suivi');
    // Clos, il ne se relance pas sous la même référence : la page le dit, et propose d'en donner une autre.
    await banc.env.client.workflow
      .getHandle(`loiret-ahu--${refLoiret}`)
      .executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: `relance-${refLoiret}`, par: 'coord.essai', motif: 'Essai de la relance' }] });
    await vi.waitFor(
      async () => {
        await lancerParLeFormulaire(coord, 'loiret-ahu', refLoiret);
        expect(await coord.locator('[role=alert]').first().innerText()).toContain(
          `Un parcours clôturé existe déjà pour ce ménage dans ce programme (dossier ${refLoiret}). Une référence ne sert qu’une fois : pour un nouvel accompagnement, donnez au dossier une nouvelle référence (par exemple ${refLoiret}-2).`,
        );
      },
      { timeout: 20_000, interval: 500 },
    );
  });

  it('la travailleuse sociale, sur 360 pixels, enregistre une tentative de contact et voit le parcours avancer', async () => {
    const refLoiret = await refParcoursDAlice();
    const ts = await nouvellePage(360);
    await connecter(ts, 'ts.alice');
    await expect(ts.locator('h1').innerText()).resolves.toBe('Mes ménages');
    await attendreTexte(ts, refLoiret);
    expect(await defileHorizontalement(ts)).toBe(false);
    await sansViolation(ts, '09-mes-menages-360');
    // Le ménage est nommé dans la liste, sa référence à côté : le lien mène à son dossier.
    await ts.locator(`a[href="/parcours/loiret-ahu--${refLoiret}"]`).click();
    await ts.waitForLoadState();
    // À l'étape « aller vers », seules la tentative de contact et la clôture sont proposées (et les accords du ménage aux SMS et aux courriels).
    const actions = await ts.locator('details.action > summary').allInnerTexts();
    expect(actions).toEqual([
      'Tentative de contact (canal, créneau, issue)',
      'Clôture du parcours avec son issue',
      'Noter que le ménage accepte les SMS',
      'Noter que le ménage accepte les courriels',
    ]);
    // Le formulaire s'ouvre au clavier (Entrée sur son résumé).
    await ts.locator('#action-tentative-contact > summary').focus();
    await ts.keyboard.press('Enter');
    expect(await ts.locator('#action-tentative-contact').getAttribute('open')).not.toBeNull();
    expect(await defileHorizontalement(ts)).toBe(false);
    await sansViolation(ts, '10-parcours-ts-360');
    await ts.locator('#m-tentative-contact-canal').selectOption('telephone');
    await ts.locator('#m-tentative-contact-creneau').selectOption('soir');
    await ts.locator('#m-tentative-contact-issue').selectOption('joint');
    await ts.locator('#action-tentative-contact').getByRole('button', { name: 'Enregistrer' }).click();
    await ts.waitForLoadState();
    await expect(ts.locator('[role=status]').innerText()).resolves.toContain('Tentative de contact');
    await attendreTexte(ts, /Étape\s+Diagnostic/);
    expect(await ts.locator('details.action > summary').allInnerTexts()).toContain('Entretien de diagnostic (confidentiel)');
    expect(await defileHorizontalement(ts)).toBe(false);
    await sansViolation(ts, '11-parcours-ts-diagnostic-360');

    // Un diagnostic terminé sans carnet de route : refusé, la raison en français, nommée par son champ
    // (que le formulaire annonçait « obligatoire si le diagnostic est terminé »), rien d'enregistré.
    await ts.locator('#action-diagnostic > summary').click();
    await expect(ts.locator('label[for="m-diagnostic-carnetDeRoute"]').innerText()).resolves.toContain('(obligatoire si le diagnostic est terminé)');
    await ts.locator('#m-diagnostic-origineDette').fill('Perte d’emploi');
    await ts.locator('#m-diagnostic-termine').selectOption('oui');
    await ts.locator('#action-diagnostic').getByRole('button', { name: 'Enregistrer' }).click();
    await ts.waitForLoadState();
    const alerte = await ts.locator('[role=alert]').first().innerText();
    expect(alerte).toContain('Rien n’a été enregistré');
    await focusSurLeResume(ts);
    expect(alerte).toContain('Carnet de route (une démarche par ligne) : Le diagnostic se conclut par un carnet de route (au moins une démarche).');
    await expect(ts.locator('#m-diagnostic-carnetDeRoute').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await ts.locator('#action-diagnostic').getAttribute('open')).not.toBeNull();
    await expect(ts.locator('#m-diagnostic-origineDette').inputValue()).resolves.toBe('Perte d’emploi');
    expect(await defileHorizontalement(ts)).toBe(false);
    await sansViolation(ts, '12-message-refuse-360');
    // Un numéro fixe pour les SMS : la raison est dite, nommée par son champ, et le numéro saisi reste.
    await ts.locator('#action-contact-menage > summary').click();
    await ts.locator('#contact-telephone').fill('01 23 45 67 89');
    await ts.locator('#action-contact-menage').getByRole('button', { name: 'Enregistrer' }).click();
    await ts.waitForLoadState();
    const sms = await ts.locator('#action-contact-menage [role=alert]').innerText();
    expect(sms).toContain('Numéro de portable :');
    expect(sms).not.toContain('Corrigez les champs signalés');
    await expect(ts.locator('#contact-telephone').inputValue()).resolves.toBe('01 23 45 67 89');
    await sansViolation(ts, '12b-sms-numero-fixe-360');
  });

  it('un partenaire ouvre le lien de la boîte de réception, répond ; la coordination voit sa réponse et enregistre la décision du comité ; lien expiré ou modifié', async () => {
    const coord = await pageConnectee('coord.essai');
    const ref = reference('COMITE');
    await lancerParLeFormulaire(coord, 'reims-april', ref);
    await attendreTexte(coord, 'Comité de suivi');
    const partenaire = CATALOGUE.trouver('reims-april')!.partenaires.services_sociaux!.courriel;
    const courriel = await banc.courriels.waitFor((m) => m.a.includes(partenaire) && m.sujet.includes(ref) && /\/liens\//.test(m.texte), { timeoutMs: 20_000 });

    const p = await nouvellePage();
    await p.goto(banc.courriels.inboxUrl);
    await p.locator(`a[href="/messages/${encodeURIComponent(courriel.id)}"]`).click();
    await p.waitForLoadState();
    const texte = await p.locator('pre').first().innerText();
    const lien = /https?:\/\/127\.0\.0\.1:\d+\/liens\/[A-Za-z0-9_.-]+/.exec(texte)?.[0];
    expect(lien, texte).toBeDefined();
    await p.goto(lien!);
    await expect(p.locator('h1').innerText()).resolves.toContain('Avant le comité de suivi');
    // Le partenaire ne voit ni l'en-tête du personnel, ni le ménage.
    expect(await p.getByRole('button', { name: 'Se déconnecter' }).count()).toBe(0);
    expect(await p.locator('body').innerText()).not.toContain('Lefébure');
    await sansViolation(p, '13-partenaire-validation');
    // Le formulaire du paiement mensuel (protocole) a le même gabarit ; un mois de protocole
    // demande du temps simulé : on examine ici son formulaire sur la demande en attente, avec un
    // jeton « paiement » signé par la clé des essais (la page ne montre que la demande visée).
    const etatComite = await banc.env.client.workflow.getHandle(`reims-april--${ref}`).query(etatQuery);
    const demande = etatComite.demandes.find((d) => d.statut === 'en_attente')!;
    const jetonPaiement = SIGNEUR.signer(
      { workflowId: `reims-april--${ref}`, demandeId: demande.id, role: demande.role, action: 'paiement' },
      new Date(demande.echeance),
    );
    await p.goto(`${ui.url}/liens/${jetonPaiement}`);
    expect(await p.locator('input[name=montant]').count()).toBe(1);
    await sansViolation(p, '13b-partenaire-formulaire-paiement');
    await p.goto(lien!);
    // « Déjà accompagné » sans dire par qui : la page revient avec l'erreur, le choix gardé.
    await p.locator('#decision-refuse').check();
    await p.getByRole('button', { name: 'Envoyer ma réponse' }).click();
    await p.waitForLoadState();
    await expect(p.locator('[role=alert]').innerText()).resolves.toBe('Indiquez par quel service ou quel travailleur social le ménage est déjà accompagné.');
    expect(await p.locator('#decision-refuse').isChecked()).toBe(true);
    await sansViolation(p, '13c-partenaire-verification-erreur');
    await p.locator('#decision-approuve').check();
    await p.locator('#commentaire').fill('Inconnu de nos services, bonne continuation.');
    await p.getByRole('button', { name: 'Envoyer ma réponse' }).click();
    await p.waitForLoadState();
    await expect(p.locator('h1').innerText()).resolves.toBe('Votre réponse a bien été enregistrée');
    await sansViolation(p, '14-partenaire-confirmation');
    // Le même lien une seconde fois : déjà utilisé.
    await p.goto(lien!);
    await expect(p.locator('main').innerText()).resolves.toMatch(/déjà/);
    await sansViolation(p, '15-partenaire-lien-utilise');

    // La coordination voit la réponse, puis enregistre la décision du comité : le parcours passe à la lettre au ménage.
    await coord.goto(`${ui.url}/parcours/reims-april--${ref}`);
    await attendreTexte(coord, 'Aucun accompagnement connu');
    expect(await coord.locator('body').innerText()).toContain('Inconnu de nos services, bonne continuation.');
    await sansViolation(coord, '16-parcours-decision-partenaire');
    await coord.locator('#action-decision-comite > summary').click();
    await coord.locator('#m-decision-comite-decision').selectOption('integrer');
    await coord.locator('#action-decision-comite').getByRole('button', { name: 'Enregistrer' }).click();
    await coord.waitForLoadState();
    await attendreTexte(coord, 'Comité de suivi : intégration du ménage validée');

    // Le ménage est joint (un ménage jamais joint n'a pas de veille active), puis la travailleuse
    // sociale clôt le parcours (orientation vers le droit commun) ; la veille active envoie au
    // bailleur un lien pour signaler une rechute ; sa page a la même présentation.
    const reims = banc.env.client.workflow.getHandle(`reims-april--${ref}`);
    await jusqua(reims, (e) => e.etape === 'aller_vers', 'étape « aller vers »');
    await reims.executeUpdate(tentativeContactUpdate, {
      args: [{ requestId: `contact-${ref}`, par: 'ts.alice', canal: 'telephone', creneau: 'soir', issue: 'joint' }],
    });
    const ts = await nouvellePage(360);
    await connecter(ts, 'ts.alice');
    await ts.goto(`${ui.url}/parcours/reims-april--${ref}`);
    await ts.locator('#action-cloture > summary').click();
    await ts.locator('#m-cloture-issue').selectOption('orientation_droit_commun');
    await ts.locator('#m-cloture-motif').fill('Suivi par la Maison des solidarités');
    // Sans la case de confirmation : rien n'est clos, la raison est à côté de la case.
    await ts.locator('#action-cloture').getByRole('button', { name: 'Clore le parcours' }).click();
    await ts.waitForLoadState();
    await expect(ts.locator('#m-cloture-confirmation-erreur').innerText()).resolves.toBe('cochez la case pour confirmer la clôture, qui est définitive');
    expect(await ts.locator('#m-cloture-motif').inputValue()).toBe('Suivi par la Maison des solidarités');
    await ts.locator('#m-cloture-confirmation').check();
    await ts.locator('#action-cloture').getByRole('button', { name: 'Clore le parcours' }).click();
    await ts.waitForLoadState();
    await attendreTexte(ts, 'veille active');
    expect(await defileHorizontalement(ts)).toBe(false);
    const bailleur = CATALOGUE.trouver('reims-april')!.partenaires.bailleur!.courriel;
    const veille = await banc.courriels.waitFor((m) => m.a.includes(bailleur) && m.sujet.includes(ref) && /\/liens\//.test(m.texte), { timeoutMs: 20_000 });
    const lienRechute = /https?:\/\/127\.0\.0\.1:\d+\/liens\/[A-Za-z0-9_.-]+/.exec(veille.texte)![0];
    await p.goto(lienRechute);
    await expect(p.locator('h1').innerText()).resolves.toContain('rechute');
    expect(await p.locator('body').innerText()).not.toContain('Lefébure');
    await sansViolation(p, '16b-partenaire-rechute');

    // Un lien modifié, puis un lien expiré.
    await p.goto(`${lien!.slice(0, -2)}xx`);
    await expect(p.locator('h1').innerText()).resolves.toBe('Lien non valide');
    await sansViolation(p, '17-lien-modifie');
    // L'application passe l'échéance de la demande, à laquelle le lien expire (bien après les
    // 8 heures d'une session).
    ui.reglerHorloge(apres(demande.echeance));
    try {
      const r = await p.goto(lien!);
      expect(r?.status()).toBe(410);
      await expect(p.locator('h1').innerText()).resolves.toBe('Lien expiré');
      await expect(p.locator('main').innerText()).resolves.toContain('Ce lien a expiré le');
      await sansViolation(p, '18-lien-expire');
      // La session de la coordination a expiré elle aussi (8 heures).
      await coord.goto(`${ui.url}/parcours`);
      expect(new URL(coord.url()).pathname).toBe('/connexion');
      await expect(coord.locator('[role=status]').innerText()).resolves.toContain('Votre session a expiré, reconnectez-vous.');
      await sansViolation(coord, '19-session-expiree');
    } finally {
      ui.reglerHorloge();
    }
  });

  it('file IML, page introuvable, déconnexion', async () => {
    const refLoiret = await refParcoursDAlice();
    const coord = await pageConnectee('coord.essai');
    await coord.goto(`${ui.url}/programmes/concarneau-iml/file-iml`);
    await expect(coord.locator('h1').innerText()).resolves.toContain('File d’attente IML');
    await sansViolation(coord, '20-file-iml');
    // Les titres se suivent sans saut de niveau (axe « heading-order », modéré) : aucune violation, de toute sévérité.
    expect((await verifierAxe(coord, true)).map((v) => v.id)).toEqual([]);
    // Évaluations : la liste des rapports, puis le rapport à 12 mois d'un programme (graphiques).
    await coord.getByRole('link', { name: 'Évaluations', exact: true }).click();
    await coord.waitForLoadState();
    await expect(coord.locator('h1').innerText()).resolves.toBe('Évaluations des programmes');
    await sansViolation(coord, '20b-evaluations');
    await coord.locator('a[href="/programmes/loiret-ahu/evaluation?periode=12-mois"]').click();
    await coord.waitForLoadState();
    await expect(coord.locator('h1').innerText()).resolves.toContain('Évaluation à 12 mois');
    await expect(coord.locator('svg').count()).resolves.toBeGreaterThanOrEqual(2);
    await sansViolation(coord, '20c-evaluation-12-mois');
    const r = await coord.goto(`${ui.url}/parcours/loiret-ahu--INEXISTANT-1`);
    expect(r?.status()).toBe(404);
    await sansViolation(coord, '21-parcours-introuvable');
    const inconnue = await coord.goto(`${ui.url}/une-page-qui-n-existe-pas`);
    expect(inconnue?.status()).toBe(404);
    await expect(coord.locator('h1').innerText()).resolves.toBe('Page introuvable');
    await sansViolation(coord, '21b-page-inconnue');
    // La documentation de l'API : ses exemples qui défilent se lisent aussi au clavier ; aucune violation, de toute sévérité.
    await coord.goto(`${ui.url}/docs`);
    await expect(coord.locator('h1').innerText()).resolves.toContain('API');
    expect((await verifierAxe(coord, true)).map((v) => v.id)).toEqual([]);
    // Un POST sans le jeton anti-CSRF de la session est refusé, même avec le cookie.
    const sansJeton = await coord.request.post(`${ui.url}/parcours/loiret-ahu--${refLoiret}/cloture`, {
      form: { motif: 'Clôture forgée par un autre site', requestId: 'csrf-1' },
      maxRedirects: 0,
    });
    expect(sansJeton.status()).toBe(403);
    expect(await sansJeton.text()).toContain('Ce formulaire a expiré ou ne vient pas de cette application.');
    await coord.goto(`${ui.url}/parcours/loiret-ahu--${refLoiret}`);
    await expect(coord.locator('h1 .badge').innerText()).resolves.toBe('En cours');
    await coord.getByRole('button', { name: 'Se déconnecter' }).click();
    await coord.waitForLoadState();
    await expect(coord.locator('[role=status]').innerText()).resolves.toBe('Vous êtes déconnecté.');
    await coord.goto(`${ui.url}/parcours`);
    expect(new URL(coord.url()).pathname).toBe('/connexion');
  });
  it('les autres parcours : lancement IML (file d’attente sur la page), formulaire du protocole ; un ménage non affecté reste fermé', async () => {
    const refLoiret = await refParcoursDAlice();
    const page = await nouvellePage();
    await connecter(page, 'coord.essai');
    await page.goto(`${ui.url}/parcours/nouveau/reims-april-protocole`);
    expect(await page.locator('#lancement-donnees-resiliation-jugementDu').count()).toBe(1);
    await sansViolation(page, '22-lancer-protocole');
    await page.goto(`${ui.url}/parcours/nouveau/concarneau-iml`);
    await sansViolation(page, '23-lancer-iml');
    const ref = reference('IML');
    await page.locator('#lancement-bailleur').selectOption('concarneau-iml--bailleur-opac-quimper-cornouaille');
    await page.locator('#lancement-travailleurSocial').selectOption('ts.alice');
    await page.locator('#lancement-menage-reference').fill(ref);
    await page.locator('#lancement-menage-nom').fill('M. Yann Le Goff');
    await page.locator('#lancement-menage-composition').selectOption('personne_seule');
    await page.locator('#lancement-menage-adresse').fill('CHRS de Concarneau, 29900 Concarneau');
    await page.getByRole('button', { name: 'Lancer le parcours' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe(`/parcours/concarneau-iml--${ref}`);
    await attendreTexte(page, /Étape\s+Candidature/);
    expect(await page.locator('details.action > summary').allInnerTexts()).toEqual([
      'Candidature du ménage hébergé (structure, prêt à sortir, budget travaillé)',
      'Réaffecter le ménage',
      'Clore le parcours avant son terme',
      'Changer le bailleur du ménage',
      'Noter que le ménage accepte les SMS',
      'Noter que le ménage accepte les courriels',
    ]);
    await expect(page.locator('#bailleur-du-menage').innerText()).resolves.toBe('Opac de Quimper Cornouaille — agence de Concarneau');
    await expect(page.locator('h2', { hasText: 'Mesures actives et file d’attente du programme' }).count()).resolves.toBe(1);
    await sansViolation(page, '24-parcours-iml');
    // Changer de bailleur : le motif est exigé, puis le changement est tracé sur la page.
    await page.locator('#action-bailleur > summary').click();
    await page.locator('#bailleur-nouveau').selectOption('concarneau-iml--bailleur');
    await page.getByRole('button', { name: 'Changer de bailleur' }).click();
    await page.waitForLoadState();
    await expect(page.locator('#action-bailleur [role=alert]').innerText()).resolves.toContain('Le changement de bailleur n’a pas été enregistré');
    await expect(page.locator('#bailleur-motif-erreur').innerText()).resolves.toBe('champ obligatoire');
    await sansViolation(page, '24b-bailleur-motif-manquant');
    await page.locator('#bailleur-motif').fill('Logement proposé par Finistère Habitat');
    await page.getByRole('button', { name: 'Changer de bailleur' }).click();
    await page.waitForLoadState();
    await expect(page.locator('[role=status]').innerText()).resolves.toContain('Changement de bailleur');
    await expect(page.locator('#bailleur-du-menage').innerText()).resolves.toBe('Finistère Habitat — agence de Concarneau');
    await expect(page.locator('table', { hasText: 'Changements de bailleur' }).innerText()).resolves.toContain('Logement proposé par Finistère Habitat');
    // L'annuaire du programme : ajouter un contact (erreur en français d'abord), sans nom de champ technique.
    await page.goto(`${ui.url}/programmes/concarneau-iml/annuaire`);
    await expect(page.locator('h1').innerText()).resolves.toBe(`Annuaire : ${CATALOGUE.trouver('concarneau-iml')!.nom}`);
    await sansViolation(page, '24c-annuaire');
    const carte = page.locator('section.organisation', { hasText: 'Opac de Quimper' }).locator('details', { hasText: 'Ajouter un contact' });
    await carte.locator('summary').click();
    await carte.getByLabel('Nom').fill('Gaëlle Le Bihan');
    await carte.getByLabel('Adresse électronique').fill('pas-une-adresse');
    await carte.getByRole('button', { name: 'Ajouter le contact' }).click();
    await page.waitForLoadState();
    await expect(page.locator('[role=alert]').innerText()).resolves.toContain('Adresse électronique : adresse électronique invalide');
    await sansViolation(page, '24d-annuaire-erreur');
    const carte2 = page.locator('section.organisation', { hasText: 'Opac de Quimper' }).locator('details', { hasText: 'Ajouter un contact' });
    await carte2.getByLabel('Adresse électronique').fill('g.lebihan@opac-quimper.example');
    await carte2.getByRole('button', { name: 'Ajouter le contact' }).click();
    await page.waitForLoadState();
    await expect(page.locator('section.organisation', { hasText: 'Opac de Quimper' }).innerText()).resolves.toContain('g.lebihan@opac-quimper.example');
    // Retirer un contact quand il en reste un autre : d'un clic. Le dernier d'un bailleur ajouté au
    // programme (l'Opac) ne se retire pas : ses ménages seraient écrits à un autre bailleur.
    const opac = () => page.locator('section.organisation', { hasText: 'Opac de Quimper' });
    await opac().getByRole('button', { name: 'Retirer Gaëlle Le Bihan' }).click();
    await page.waitForLoadState();
    await expect(opac().innerText()).resolves.not.toContain('g.lebihan@opac-quimper.example');
    await expect(
      opac()
        .getByRole('button', { name: /^Retirer / })
        .count(),
    ).resolves.toBe(0);
    await expect(opac().innerText()).resolves.toContain(
      'Dernier contact d’Opac de Quimper Cornouaille — agence de Concarneau : pour le retirer, ajoutez d’abord un autre contact (sans contact, les courriels destinés au bailleur de ses ménages iraient à la coordination du programme, à lui faire suivre).',
    );
    // Le bailleur du programme (Finistère Habitat) : son dernier contact se retire en confirmant par une
    // case qui dit où iront ses courriels ; sans la case, rien n'est retiré et l'erreur est à côté d'elle.
    const finistere = () => page.locator('section.organisation', { hasText: 'Finistère Habitat' });
    const bailleurDuProgramme = CATALOGUE.trouver('concarneau-iml')!.partenaires.bailleur!;
    const dernier = finistere().getByRole('button', { name: /^Retirer / });
    await expect(dernier.count()).resolves.toBe(1);
    await dernier.click();
    await page.waitForLoadState();
    expect(page.url()).toContain('/retrait');
    await expect(finistere().locator('[role=alert]').innerText()).resolves.toContain('cochez la case pour confirmer : c’est le dernier contact');
    await expect(finistere().locator('.message-erreur').innerText()).resolves.toBe(
      `cochez la case pour confirmer : c’est le dernier contact de Finistère Habitat — agence de Concarneau, et sans contact, ses courriels et ses liens iront à l’adresse du programme pour ce partenaire : ${bailleurDuProgramme.nom}, ${bailleurDuProgramme.courriel}`,
    );
    await expect(finistere().getByRole('checkbox').getAttribute('aria-invalid')).resolves.toBe('true');
    // Le résumé mène à la case.
    const versLaCase = await finistere().locator('[role=alert] a').getAttribute('href');
    await expect(finistere().locator(`${versLaCase}[type=checkbox]`).count()).resolves.toBe(1);
    await expect(finistere().innerText()).resolves.toContain(bailleurDuProgramme.courriel);
    await focusSurLeResume(page);
    await sansViolation(page, '24e-annuaire-dernier-contact');
    await finistere()
      .getByLabel(/^C’est le dernier contact de Finistère Habitat/)
      .check();
    await finistere()
      .getByRole('button', { name: /^Retirer / })
      .click();
    await page.waitForLoadState();
    await expect(finistere().locator('.alerte').innerText()).resolves.toBe(
      `Aucun contact : ses courriels et ses liens iront à l’adresse du programme pour ce partenaire : ${bailleurDuProgramme.nom}, ${bailleurDuProgramme.courriel}.`,
    );
    await page.goto(`${ui.url}/parcours/concarneau-iml--${ref}`);
    // Réaffecter, puis clore avant le terme (motif obligatoire, dit en français).
    await page.locator('#action-affectation > summary').click();
    await page.locator('#affectation-ts').selectOption('ts.bruno');
    await page.getByRole('button', { name: 'Affecter' }).click();
    await page.waitForLoadState();
    await expect(page.locator('[role=status]').innerText()).resolves.toContain('Affectation');
    expect(await page.locator('dl.infos').first().innerText()).toContain('Bruno Travailleur');
    await page.locator('#action-cloture-anticipee > summary').click();
    await page.getByRole('button', { name: 'Clore le parcours' }).click();
    await page.waitForLoadState();
    // Le motif et la confirmation manquent : les deux sont dits ensemble, rien n'est clos.
    await expect(page.locator('#cloture-motif-erreur').innerText()).resolves.toBe('motif requis (3 caractères au moins)');
    await expect(page.locator('#cloture-confirmation-erreur').innerText()).resolves.toBe('cochez la case pour confirmer la clôture, qui est définitive');
    await focusSurLeResume(page);
    await sansViolation(page, '25-cloture-motif-manquant');
    await page.locator('#cloture-motif').fill('Le ménage a trouvé un logement par ses propres moyens.');
    await page.getByRole('button', { name: 'Clore le parcours' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#cloture-motif').inputValue()).toBe('Le ménage a trouvé un logement par ses propres moyens.');
    await expect(page.locator('h1 .badge').innerText()).resolves.toBe('En cours');
    await page.locator('#cloture-confirmation').check();
    await page.getByRole('button', { name: 'Clore le parcours' }).click();
    await page.waitForLoadState();
    await attendreTexte(page, 'Clôture anticipée');
    await expect(page.locator('h1 .badge').innerText()).resolves.toBe('Clôturé');
    expect(await page.locator('details.action').count()).toBe(0);

    const bruno = await nouvellePage(360);
    await connecter(bruno, 'ts.bruno');
    const r = await bruno.goto(`${ui.url}/parcours/loiret-ahu--${refLoiret}`);
    expect(r?.status()).toBe(403);
    await expect(bruno.locator('[role=alert]').innerText()).resolves.toContain('Ce ménage ne vous est pas affecté.');
    expect(await bruno.locator('body').innerText()).not.toContain('Lefébure');
    await sansViolation(bruno, '26-acces-refuse-360');
  });
});
