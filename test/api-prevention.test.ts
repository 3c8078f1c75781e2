/**
 * Le parcours « prévention précontentieuse » par l'API du produit (registre `REGISTRE`) : vrai
 * serveur Temporal, vrai worker, vrai SMTP (mail catcher), application express sur un port libre,
 * appels par `fetch`.
 *
 * Lancement, doublon, inéligibilité, messages du travailleur social (refus hors étape, autre
 * travailleur social), documents imprimables (lettre au ménage, fiche de clôture), confidentialité
 * des courriels au bailleur, lien de veille active (signaler une rechute).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contenuFicheCloture, lireFicheCloture } from '../api/documents/fiche-cloture';
import { contenuLettreInformation, lignesAdresse } from '../api/documents/lettre-information';
import { etatQuery } from '../domain/messages';
import type { EtatParcours } from '../domain/vocabulaire';
import { jourDeParis } from '../domain/durees';
import type { CourrielRecu } from '../dev/mail-catcher';
import { annuaireEssai, champsCaches, demarrerApiEssai, formulaireLancement, type ApiEssai, type Reponse } from './outils/api';
import { NOM_COOKIE } from '../api/auth';
import { referenceDe } from '../api/schemas-api';
import {
  CATALOGUE,
  SIGNEUR,
  apres,
  echeanceSuivie,
  heureDuParcours,
  jusqua,
  lancerAvance,
  menageEssai,
  monterBanc,
  requete,
  situationPrevention,
  type Banc,
} from './outils/environnement';

const MOT_DE_PASSE = 'mot-de-passe-essai';
/** Ce que le bailleur ne doit jamais recevoir : identité, coordonnées, ce que le ménage a confié. */
const CONFIDENTIEL = ['Lefébure', 'Josiane', '06 12 34 56 78', 'Tilleuls', 'josiane.lefebure', 'Perte d’emploi', 'dépression', 'Voisin bruyant', 'séparation'];
const LIEN = /http:\/\/localhost:3999\/liens\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

let banc: Banc;
let api: ApiEssai;

beforeAll(async () => {
  banc = await monterBanc();
  api = await demarrerApiEssai(banc, { annuaire: await annuaireEssai(MOT_DE_PASSE) });
});

afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

const appel: ApiEssai['appel'] = (...a) => api.appel(...a);

const jetons: Record<string, string> = {};
async function connecter(id: string): Promise<string> {
  if (!jetons[id]) {
    const r = await appel('POST', '/api/session', { corps: { identifiant: id, motDePasse: MOT_DE_PASSE } });
    expect(r.status, r.texte).toBe(200);
    jetons[id] = r.json.jeton;
  }
  return jetons[id]!;
}

function estProbleme(r: Reponse, status: number) {
  expect(r.status, r.texte).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

const handleDe = (workflowId: string) => banc.env.client.workflow.getHandle(workflowId);

const attendreEtat = (workflowId: string, predicat: (e: EtatParcours) => boolean, attendu: string) => jusqua(handleDe(workflowId), predicat, attendu);
const etape = (workflowId: string, nom: string) => attendreEtat(workflowId, (e) => e.etape === nom, `étape « ${nom} »`);

/** Début du bail : 60 jours avant le lancement (les parcours démarrent à l'heure réelle). */
const situation = situationPrevention;

async function lancer(programmeId: string, s: Record<string, unknown> = {}) {
  const menage = menageEssai();
  // APRIL travaille avec trois bailleurs : ces essais suivent les ménages de Reims Habitat, son bailleur de référence.
  const corps = {
    programmeId,
    travailleurSocial: 'ts.alice',
    menage,
    ...(programmeId === 'reims-april' ? { bailleur: 'reims-april--bailleur' } : {}),
    donnees: { situation: situation(s) },
  };
  const r = await appel('POST', '/api/parcours', { jeton: await connecter('coord.essai'), corps });
  expect(r.status, r.texte).toBe(201);
  return { workflowId: r.json.workflowId as string, menage, corps, reponse: r };
}

const message = async (workflowId: string, nom: string, corps: Record<string, unknown>, qui = 'ts.alice') =>
  appel('POST', `/api/parcours/${workflowId}/messages/${nom}`, { jeton: await connecter(qui), corps: { requestId: requete(), ...corps } });

const bailleurDe = (programmeId: string) => CATALOGUE.trouver(programmeId)!.partenaires.bailleur!.courriel;
const courrielsBailleur = (programmeId: string, reference: string) =>
  banc.courriels.messages().filter((m) => m.a.includes(bailleurDe(programmeId)) && m.sujet.includes(reference));

function sansConfidentiel(courriels: CourrielRecu[]) {
  for (const m of courriels) {
    for (const secret of CONFIDENTIEL) {
      expect(m.sujet, m.sujet).not.toContain(secret);
      expect(m.texte, m.sujet).not.toContain(secret);
      expect(m.html ?? '', m.sujet).not.toContain(secret);
    }
  }
}

function lienDe(m: CourrielRecu): string {
  const x = LIEN.exec(m.texte);
  expect(x, m.texte).not.toBeNull();
  return x![1]!;
}

// ---------------------------------------------------------------------------------------------
describe('loiret-ahu par l’API', () => {
  // Un parcours à l'étape « aller vers », pour les tests qui ne le font pas avancer.
  let workflowId: string;
  let reference: string;

  beforeAll(async () => {
    const l = await lancer('loiret-ahu');
    workflowId = l.workflowId;
    reference = l.menage.reference;
    expect(workflowId).toBe(`loiret-ahu--${reference}`);
    expect(l.reponse.headers.get('location')).toBe(`/api/parcours/${workflowId}`);
  });

  it('le lancement par la coordination ; un second lancement pour le même ménage → 409 en français', async () => {
    const etat = await etape(workflowId, 'aller_vers');
    expect(etat.details.situation).toMatchObject({ impayesMois: 2, garantie: 'aucune' });
    const doublon = await appel('POST', '/api/parcours', {
      jeton: await connecter('coord.essai'),
      corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage: menageEssai(reference), donnees: { situation: situation() } },
    });
    estProbleme(doublon, 409);
    expect(doublon.json.detail).toBe('Un parcours existe déjà pour ce ménage dans ce programme.');
  });

  it('un bail qui commence dans le futur avec des impayés → 400 sur la date de début du bail, rien de lancé ; sans impayés, accepté', async () => {
    const jeton = await connecter('coord.essai');
    const dans = (jours: number) => jourDeParis(new Date(Date.now() + jours * 86_400_000));
    const reference = `FUTUR-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
    const corps = (s: Record<string, unknown>) => ({
      programmeId: 'loiret-ahu',
      travailleurSocial: 'ts.alice',
      menage: menageEssai(reference),
      donnees: { situation: situation({ debutBail: dans(10), ...s }) },
    });
    const r = await appel('POST', '/api/parcours', { jeton, corps: corps({}) });
    estProbleme(r, 400);
    expect(r.json.errors).toEqual([
      { champ: 'donnees.situation.debutBail', message: expect.stringMatching(/^le bail commence le .+ : il ne peut pas encore avoir de loyers impayés/) },
    ]);
    await expect(handleDe(`loiret-ahu--${reference}`).describe()).rejects.toThrow();
    // Sans impayés ni dette, le bail à venir n'est pas une incohérence (le programme dira s'il est éligible).
    const sansImpayes = await appel('POST', '/api/parcours', { jeton, corps: corps({ impayesMois: 0, montantDette: 0 }) });
    expect(sansImpayes.json.errors ?? []).not.toContainEqual(expect.objectContaining({ champ: 'donnees.situation.debutBail' }));
  });

  it('un signalement du bailleur daté d’avant le début du bail → 400 sur la date du signalement, rien de lancé ; le jour même, accepté', async () => {
    const jeton = await connecter('coord.essai');
    const reference = `AVANT-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
    const s = situation();
    const veille = jourDeParis(new Date(Date.parse(`${s.debutBail}T12:00:00Z`) - 86_400_000));
    const corps = (signaleLe: string) => ({
      programmeId: 'loiret-ahu',
      travailleurSocial: 'ts.alice',
      menage: menageEssai(reference),
      donnees: { situation: s, signaleLe },
    });
    const r = await appel('POST', '/api/parcours', { jeton, corps: corps(veille) });
    estProbleme(r, 400);
    expect(r.json.errors).toEqual([
      { champ: 'donnees.signaleLe', message: expect.stringMatching(/^le signalement de l’impayé \(le .+\) ne peut pas précéder le début du bail \(le .+\)$/) },
    ]);
    await expect(handleDe(`loiret-ahu--${reference}`).describe()).rejects.toThrow();
    const memeJour = await appel('POST', '/api/parcours', { jeton, corps: corps(s.debutBail) });
    expect(memeJour.status, memeJour.texte).toBe(201);
  });

  it('un champ propre à un autre programme (désignation par la commission, ménage isolé, partage avec le service social) → 400 en français, rien de lancé', async () => {
    const jeton = await connecter('coord.essai');
    for (const [donnees, champ, raison] of [
      [{ situation: situation(), designeLe: '2026-10-15' }, 'donnees.designeLe', 'ne reçoit pas de ménages désignés par la commission impayés'],
      [{ situation: situation({ isole: true }) }, 'donnees.situation.isole', 'ne donne pas de priorité aux ménages isolés'],
      [
        { situation: situation({ gardeParServiceSocialDepartement: true }) },
        'donnees.situation.gardeParServiceSocialDepartement',
        'service social du département',
      ],
    ] as const) {
      const reference = `CHAMP-${champ.length}-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
      const r = await appel('POST', '/api/parcours', {
        jeton,
        corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage: menageEssai(reference), donnees },
      });
      estProbleme(r, 400);
      expect(r.json.errors).toEqual([{ champ, message: expect.stringContaining(raison) }]);
      expect(r.json.detail).toContain('Loiret');
      expect(
        await handleDe(`loiret-ahu--${reference}`)
          .describe()
          .catch(() => 'aucun'),
      ).toBe('aucun');
    }
    // Le jour du signalement du bailleur : loiret-ahu seulement (ses délais en partent), pas toulouse-declic.
    const reference = `CHAMP-SIGNALE-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
    const signale = await appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'toulouse-declic',
        travailleurSocial: 'ts.alice',
        menage: menageEssai(reference),
        donnees: { situation: situation(), signaleLe: '2026-10-15' },
      },
    });
    estProbleme(signale, 400);
    expect(signale.json.errors).toEqual([{ champ: 'donnees.signaleLe', message: expect.stringContaining('ne courent pas depuis le signalement du bailleur') }]);
    // Pour loiret-ahu, un signalement à venir n'a pas de sens : refusé, rien de lancé.
    const demain = new Date(Date.parse(`${jourDeParis(new Date())}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const futur = await appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'ts.alice',
        menage: menageEssai(`${reference}-F`),
        donnees: { situation: situation(), signaleLe: demain },
      },
    });
    estProbleme(futur, 400);
    expect(futur.json.errors).toEqual([{ champ: 'donnees.signaleLe', message: 'la date du signalement ne peut pas être dans le futur' }]);
    expect(
      await handleDe(`loiret-ahu--${reference}-F`)
        .describe()
        .catch(() => 'aucun'),
    ).toBe('aucun');
  });

  it('un ménage non éligible (garantie FSL) est clôturé « non éligible », la raison est visible ; pas de lettre, une fiche de clôture', async () => {
    const { workflowId: id } = await lancer('loiret-ahu', { garantie: 'fsl' });
    await attendreEtat(id, (e) => !!e.cloture && !!e.details.ficheCloture, 'clôture et fiche de clôture');
    const r = await appel('GET', `/api/parcours/${id}`, { jeton: await connecter('coord.essai') });
    expect(r.status, r.texte).toBe(200);
    expect(r.json.cloture).toMatchObject({ issue: 'non_eligible', motif: 'le ménage bénéficie d’une garantie (FSL)' });
    expect(r.json.etape).toBe('cloture');

    const lettre = await appel('GET', `/api/parcours/${id}/documents/lettre-information`, { jeton: await connecter('coord.essai') });
    estProbleme(lettre, 404);
    expect(lettre.json.detail).toContain('Aucune lettre d’information n’a été préparée');

    const fiche = await appel('GET', `/api/parcours/${id}/documents/fiche-cloture`, { jeton: await connecter('ts.alice') });
    expect(fiche.status, fiche.texte).toBe(200);
    expect(fiche.texte).toContain('<html lang="fr">');
    expect(fiche.texte).toContain('Fiche de clôture — dossier');
    // La page du document ramène au dossier.
    expect(fiche.texte).toContain(`<a href="/parcours/${encodeURIComponent(id)}">Retour au dossier</a>`);
    expect(fiche.texte).toContain('<dd>Non éligible</dd>');
    expect(fiche.texte).toContain('le ménage bénéficie d’une garantie (FSL)');
    expect(fiche.texte).toContain('Aucun bilan n’a été enregistré.');
    expect(fiche.texte).not.toContain('Lefébure');
  });

  it('un message hors étape (bilan pendant « aller vers ») → 409 avec la raison ; un autre travailleur social → 403', async () => {
    await etape(workflowId, 'aller_vers');
    const bilan = await message(workflowId, 'bilan', { reprisePaiement: 'totale', planRespecte: true, demarches: [] });
    estProbleme(bilan, 409);
    expect(bilan.json.detail).toBe('Ce message n’est pas attendu à l’étape « Aller vers le ménage ».');

    const bruno = await message(workflowId, 'tentative-contact', { canal: 'telephone', creneau: 'soir', issue: 'joint' }, 'ts.bruno');
    estProbleme(bruno, 403);
    expect(bruno.json.detail).toBe('Ce ménage ne vous est pas affecté.');
    estProbleme(await appel('GET', `/api/parcours/${workflowId}`, { jeton: await connecter('ts.bruno') }), 403);
    estProbleme(await appel('GET', `/api/parcours/${workflowId}/documents/lettre-information`, { jeton: await connecter('ts.bruno') }), 403);
    expect((await handleDe(workflowId).query(etatQuery)).details.tentatives).toBe(0);
  });

  it('passage au droit commun : l’entretien tripartite demandé dans un programme qui ne le prévoit pas → 400 à côté du champ, rien ne va au parcours', async () => {
    const { workflowId: besancon } = await lancer('besancon-ccas');
    await etape(besancon, 'aller_vers');
    const raison = `Le programme ${CATALOGUE.trouver('besancon-ccas')!.nom} ne prévoit pas d’entretien tripartite pour le passage au droit commun.`;
    const r = await message(besancon, 'passage-droit-commun', { service: 'Service social départemental', entretienTripartite: true });
    estProbleme(r, 400);
    expect(r.json.errors).toEqual([{ champ: 'entretienTripartite', message: raison }]);
    // Sans l'entretien, la demande va au parcours, qui juge de l'étape ; loiret-ahu le prévoit : l'étape seule décide.
    const sans = await message(besancon, 'passage-droit-commun', { service: 'Service social départemental', entretienTripartite: false });
    estProbleme(sans, 409);
    expect(sans.json.detail).toBe('Ce message n’est pas attendu à l’étape « Aller vers le ménage ».');
    await etape(workflowId, 'aller_vers');
    const loiret = await message(workflowId, 'passage-droit-commun', { service: 'Maison du Département', entretienTripartite: true });
    estProbleme(loiret, 409);
    expect((await handleDe(besancon).query(etatQuery)).journal.some((e) => e.type === 'passage_droit_commun')).toBe(false);
  });

  it('la lettre d’information : imprimable, en français, adressée au ménage par son nom et son adresse', async () => {
    await etape(workflowId, 'aller_vers'); // la lettre est prête avant
    for (const qui of ['coord.essai', 'ts.alice']) {
      const r = await appel('GET', `/api/parcours/${workflowId}/documents/lettre-information`, { jeton: await connecter(qui) });
      expect(r.status, r.texte).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.texte).toContain('<html lang="fr">');
      expect(r.texte).toMatch(/<main[ >]/);
      expect(r.texte).toContain('@media print');
      expect(r.texte).not.toMatch(/<script|https?:\/\/(?!localhost)/i);
      expect(r.texte).toContain('Mme Josiane Lefébure<br>12 rue des Tilleuls<br>45000 Orléans');
      expect(r.texte).toContain('<h1 id="objet-lettre">Objet : un accompagnement vous est proposé</h1>');
      expect(r.texte).toContain('<h2>Pour nous joindre</h2>');
      expect(r.texte).toContain('<p>Bonjour Mme Josiane Lefébure,</p>');
      expect(r.texte).toContain('<p>Bien cordialement,</p>');
      expect(r.texte).toContain('<p class="signature">L’équipe de prévention de l’AHU (Association pour l’accompagnement et l’hébergement urbain)</p>');
      expect(r.texte).not.toContain('Madame');
      expect(r.texte).toContain('Notre intervention est indépendante de votre bailleur');
      expect(r.texte).toContain('AHU — Association pour l’accompagnement et l’hébergement urbain');
      expect(r.texte).toContain('prevention@ahu.example');
      expect(r.texte).toContain('Personne chargée de votre accompagnement : Alice Travailleuse');
      expect(r.texte).toContain(`dossier ${reference}`);
      expect(r.texte).toMatch(/<p class="date">Le \d{1,2}(er)? [a-zéû]+ \d{4}<\/p>/);
      expect(r.texte).not.toContain('06 12 34 56 78');
    }
    // Documents : 404 pour un parcours non clôturé ou inconnu, 401 sans session.
    const fiche = await appel('GET', `/api/parcours/${workflowId}/documents/fiche-cloture`, { jeton: await connecter('coord.essai') });
    estProbleme(fiche, 404);
    expect(fiche.json.detail).toBe('Ce parcours n’est pas clôturé : la fiche de clôture n’existe pas encore.');
    estProbleme(await appel('GET', '/api/parcours/loiret-ahu--INCONNU-1/documents/lettre-information', { jeton: await connecter('coord.essai') }), 404);
    estProbleme(await appel('GET', `/api/parcours/${workflowId}/documents/lettre-information`), 401);
    estProbleme(await appel('GET', `/api/parcours/${workflowId}/documents/autre-chose`, { jeton: await connecter('coord.essai') }), 404);
  });

  it('réaffecté pendant la saisie : la page dit à qui le ménage est confié et rend la saisie, rien n’est enregistré', async () => {
    const { workflowId, menage } = await lancer('loiret-ahu');
    await etape(workflowId, 'aller_vers');
    const cookie = `${NOM_COOKIE}=${await connecter('ts.alice')}`;
    const adresse = `/parcours/${workflowId}/messages/tentative-contact`;
    const page = (await appel('GET', `/parcours/${workflowId}`, { entetes: { cookie } })).texte;
    const f = page.slice(page.indexOf(`action="${adresse}"`));
    const cache = (nom: string) => new RegExp(`name="${nom}" value="([^"]*)"`).exec(f)![1]!;
    // La coordination confie le ménage à Bruno pendant qu'Alice saisit.
    const r = await appel('POST', `/api/parcours/${workflowId}/affectation`, {
      jeton: await connecter('coord.essai'),
      corps: { requestId: requete(), travailleurSocial: 'ts.bruno' },
    });
    expect(r.status, r.texte).toBe(200);
    const envoi = await appel('POST', adresse, {
      entetes: { cookie },
      formulaire: {
        csrf: cache('csrf'),
        requestId: cache('requestId'),
        vu: cache('vu'),
        canal: 'visite_domicile',
        creneau: 'apres_midi',
        issue: 'absent',
        note: 'Voisine : revenir le jeudi',
      },
    });
    expect(envoi.status).toBe(409);
    expect(envoi.texte).toContain(
      `Le ménage du dossier ${menage.reference} a été confié à Bruno Travailleur : vous ne le suivez plus, et votre saisie « Tentative de contact`,
    );
    for (const t of ['<dt>Canal</dt><dd>Visite à domicile</dd>', '<dt>Issue</dt><dd>Absent</dd>', 'Voisine : revenir le jeudi'])
      expect(envoi.texte).toContain(t);
    expect((await handleDe(workflowId).query(etatQuery)).details.tentatives).toBe(0);
  });

  it('deux onglets ouverts sur le même parcours : la même tentative envoyée du second n’est pas enregistrée une seconde fois ; la page dit ce qui a changé et garde la saisie', async () => {
    const { workflowId } = await lancer('loiret-ahu');
    await etape(workflowId, 'aller_vers');
    const cookie = `${NOM_COOKIE}=${await connecter('ts.alice')}`;
    const adresse = `/parcours/${workflowId}/messages/tentative-contact`;
    /** Les champs cachés du formulaire de tentative d'une page (csrf, requestId, vu). */
    const caches = (page: string) => champsCaches(page, adresse, ['csrf', 'requestId', 'vu']);
    const ouvrir = async () => caches((await appel('GET', `/parcours/${workflowId}`, { entetes: { cookie } })).texte);
    const saisie = { canal: 'telephone', creneau: 'matin', issue: 'injoignable' };
    const [onglet1, onglet2] = [await ouvrir(), await ouvrir()];
    expect(onglet1.requestId).not.toBe(onglet2.requestId);

    const premier = await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...onglet1, ...saisie } });
    expect(premier.status, premier.texte.slice(0, 300)).toBe(303);
    await attendreEtat(workflowId, (e) => e.details.tentatives === 1, 'la tentative du premier onglet');
    // Le même formulaire envoyé deux fois (double clic, renvoi du navigateur) : reconnu, une seule tentative, pas d'avertissement.
    const encore = await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...onglet1, ...saisie } });
    expect(encore.status, encore.texte.slice(0, 300)).toBe(303);
    expect((await handleDe(workflowId).query(etatQuery)).details.tentatives).toBe(1);

    const second = await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...onglet2, ...saisie } });
    expect(second.status).toBe(409);
    expect(second.texte).toContain('Rien n’a été enregistré : le parcours a changé depuis l’ouverture de ce formulaire.');
    expect(second.texte).toMatch(/— Tentative de contact \(téléphone, matin\) : injoignable \(par Alice Travailleuse\)/);
    expect(second.texte).toContain('Si votre saisie n’y figure pas déjà, envoyez-la de nouveau : le formulaire l’a gardée.');
    expect(second.texte).toMatch(/<option value="telephone" selected>/);
    expect((await handleDe(workflowId).query(etatQuery)).details.tentatives).toBe(1);

    // Renvoyée depuis la page qui l'a dit (elle a vu le parcours tel qu'il est) : c'est une seconde tentative, voulue.
    const voulue = await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...caches(second.texte), ...saisie } });
    expect(voulue.status, voulue.texte.slice(0, 300)).toBe(303);
    await attendreEtat(workflowId, (e) => e.details.tentatives === 2, 'la seconde tentative, voulue');
  });

  it('le travailleur social affecté enregistre ses tentatives de contact, le parcours avance ; le bailleur ne reçoit rien de confidentiel', async () => {
    const { workflowId, menage } = await lancer('loiret-ahu');
    const reference = menage.reference;
    await etape(workflowId, 'aller_vers');
    const une = await message(workflowId, 'tentative-contact', {
      canal: 'telephone',
      creneau: 'soir',
      issue: 'injoignable',
      note: 'Voisin bruyant, séparation récente',
    });
    expect(une.status, une.texte).toBe(200);
    // La réponse dit l'étape et ce qu'elle permet, sans relecture ; l'état complet se lit à part.
    expect(une.json).toEqual({
      resultat: { etape: 'aller_vers', libelleEtape: 'Aller vers le ménage', messagesPermis: ['tentative-contact', 'cloture'] },
      etape: 'aller_vers',
      libelleEtape: 'Aller vers le ménage',
      messagesPermis: ['tentative-contact', 'cloture'],
    });
    const apresUne = await attendreEtat(workflowId, (e) => e.details.tentatives === 1, 'une tentative');
    expect(apresUne.journal.some((e) => e.type === 'tentative_contact')).toBe(true);

    // Un courrier n'a pas de créneau, et personne n'y est « absent » ; un appel a son créneau.
    const courrierAbsent = await message(workflowId, 'tentative-contact', { canal: 'courrier', issue: 'absent' });
    estProbleme(courrierAbsent, 400);
    expect(courrierAbsent.json.errors).toEqual([
      { champ: 'issue', message: expect.stringContaining('Pour un courrier sans réponse, choisissez « Injoignable »') },
    ]);
    const appelSansCreneau = await message(workflowId, 'tentative-contact', { canal: 'telephone', issue: 'injoignable' });
    estProbleme(appelSansCreneau, 400);
    expect(appelSansCreneau.json.errors).toEqual([{ champ: 'creneau', message: expect.stringContaining('Indiquez le créneau') }]);
    expect((await handleDe(workflowId).query(etatQuery)).details.tentatives).toBe(1);
    const courrier = await message(workflowId, 'tentative-contact', { canal: 'courrier', issue: 'injoignable' });
    expect(courrier.status, courrier.texte).toBe(200);
    const apresCourrier = await attendreEtat(workflowId, (e) => e.details.tentatives === 2, 'le courrier');
    expect(apresCourrier.journal.at(-1)?.resume).toBe('Tentative de contact (courrier) : injoignable');

    const deux = await message(workflowId, 'tentative-contact', { canal: 'visite_domicile', creneau: 'apres_midi', issue: 'joint' });
    expect(deux.status, deux.texte).toBe(200);
    await etape(workflowId, 'diagnostic');
    const lu = await appel('GET', `/api/parcours/${workflowId}`, { jeton: await connecter('ts.alice') });
    expect(lu.json).toMatchObject({ etape: 'diagnostic', details: { tentatives: 3, contactEtabliLe: expect.any(String) } });

    // Un diagnostic dit terminé sans carnet de route : refusé à côté du champ, rien d'enregistré.
    const sansCarnet = await message(workflowId, 'diagnostic', { origineDette: 'Perte d’emploi en mai', termine: true, carnetDeRoute: [] });
    estProbleme(sansCarnet, 400);
    expect(sansCarnet.json.errors).toEqual([{ champ: 'carnetDeRoute', message: 'Le diagnostic se conclut par un carnet de route (au moins une démarche).' }]);
    const avantDiag = await appel('GET', `/api/parcours/${workflowId}`, { jeton: await connecter('ts.alice') });
    expect(avantDiag.json.etape).toBe('diagnostic');
    expect(avantDiag.json.journal.some((j: { type: string }) => j.type === 'diagnostic')).toBe(false);
    expect(avantDiag.json.detailsConfidentiels?.diagnostic).toBeUndefined();
    // Un premier entretien, pas encore terminé : sans carnet de route, il est accepté et le diagnostic continue.
    const premier = await message(workflowId, 'diagnostic', { origineDette: 'Perte d’emploi en mai', termine: false });
    expect(premier.status, premier.texte).toBe(200);
    expect(premier.json.etape).toBe('diagnostic');
    const diag = await message(workflowId, 'diagnostic', {
      origineDette: 'Perte d’emploi en mai',
      droits: 'APL à réviser',
      budget: 'Reste à vivre faible',
      adequationLogement: 'Adapté',
      // Premier entretien de la fiche 002 : dispositifs présentés ; les procédures, pas encore (faux par défaut).
      dispositifsExpliques: true,
      notes: 'dépression signalée',
      termine: true,
      carnetDeRoute: ['Dossier FSL', 'RDV CAF'],
    });
    expect(diag.status, diag.texte).toBe(200);
    const apresDiag = await etape(workflowId, 'plan_aide');
    expect(apresDiag.detailsConfidentiels.diagnostic).toEqual([
      expect.objectContaining({ origineDette: 'Perte d’emploi en mai', dispositifsExpliques: false }),
      expect.objectContaining({ origineDette: 'Perte d’emploi en mai', dispositifsExpliques: true, proceduresExpliquees: false }),
    ]);
    // Un plan d'apurement prévu sans sa mensualité ni sa durée : refusé, le bailleur lirait « aucun plan d'apurement ».
    const sansMontant = await message(workflowId, 'plan-aide', { actions: ['plan_apurement', 'fsl'], orientations: [] });
    estProbleme(sansMontant, 400);
    expect(sansMontant.json.errors).toEqual([{ champ: 'planApurement', message: expect.stringContaining('indiquez sa mensualité et sa durée') }]);
    // Une mensualité sans l'action, ou une mutation cochée et dite « Non » : refusés, rien ne part chez le bailleur.
    const sansAction = await message(workflowId, 'plan-aide', { actions: ['budget'], orientations: [], planApurement: { mensualite: 50, dureeMois: 12 } });
    estProbleme(sansAction, 400);
    expect(sansAction.json.errors).toEqual([{ champ: 'planApurement', message: expect.stringContaining('sans l’action « Plan d’apurement »') }]);
    const mutation = await message(workflowId, 'plan-aide', { actions: ['demande_mutation'], orientations: [], demandeMutation: false });
    estProbleme(mutation, 400);
    expect(mutation.json.errors).toEqual([{ champ: 'demandeMutation', message: expect.stringContaining('mettez les deux d’accord') }]);
    // La mutation cochée sans que la demande soit dite ni « Oui » ni « Non » : acceptée.
    const plan = await message(workflowId, 'plan-aide', {
      actions: ['plan_apurement', 'fsl', 'demande_mutation'],
      orientations: [],
      planApurement: { mensualite: 50, dureeMois: 16 },
    });
    expect(plan.status, plan.texte).toBe(200);
    await etape(workflowId, 'suivi');

    await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet === `Contact établi avec le ménage (dossier ${reference})`);
    await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet === `Plan d’aide engagé (dossier ${reference})`);
    const bailleur = courrielsBailleur('loiret-ahu', reference);
    expect(bailleur.length).toBeGreaterThanOrEqual(2);
    sansConfidentiel(bailleur);
    // Le ménage, lui, a reçu la lettre d'information par courriel (il l'accepte).
    await banc.courriels.waitFor(
      (m) => m.a.includes('josiane.lefebure@exemple.fr') && m.texte.includes('Notre intervention est indépendante de votre bailleur'),
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('le formulaire de lancement : une date de signalement ou de désignation ancienne', () => {
  const ilYA = (jours: number) => jourDeParis(new Date(Date.now() - jours * 86_400_000));
  /** Un lancement par le formulaire web (champs nommés comme les chemins du corps de l'API). */
  async function soumettre(programmeId: string, reference: string, donnees: Record<string, string>) {
    const cookie = `${NOM_COOKIE}=${await connecter('coord.essai')}`;
    const page = await appel('GET', `/parcours/nouveau/${programmeId}`, { entetes: { cookie } });
    const csrf = /name="csrf" value="([^"]*)"/.exec(page.texte)![1]!;
    return appel('POST', `/parcours/nouveau/${programmeId}`, {
      entetes: { cookie },
      formulaire: formulaireLancement(menageEssai(reference), situation().debutBail, { csrf, ...donnees }),
    });
  }

  it('loiret-ahu, signalé il y a 40 jours : la page dit que le délai de contact est écoulé et que le parcours serait clos, rien n’est lancé ; confirmé, il l’est', async () => {
    const reference = menageEssai().reference;
    const avertie = await soumettre('loiret-ahu', reference, { 'donnees.signaleLe': ilYA(40) });
    expect(avertie.status, avertie.texte.slice(0, 500)).toBe(200);
    expect(avertie.texte).toContain('Ce délai est déjà écoulé');
    expect(avertie.texte).toContain('le signalement du bailleur, le ');
    expect(avertie.texte).toContain('le parcours sera clos aussitôt « contact impossible », sans aucune tentative');
    expect(avertie.texte).toContain('name="confirmerDelaisEcoules"');
    // La saisie est rendue telle quelle, rien n'est lancé.
    expect(avertie.texte).toContain(`value="${reference}"`);
    await expect(handleDe(`loiret-ahu--${reference}`).describe()).rejects.toThrow();

    const confirmee = await soumettre('loiret-ahu', reference, { 'donnees.signaleLe': ilYA(40), confirmerDelaisEcoules: 'oui' });
    expect(confirmee.status, confirmee.texte.slice(0, 500)).toBe(303);
    const fin = await attendreEtat(`loiret-ahu--${reference}`, (e) => !!e.cloture, 'clôture');
    expect(fin.cloture!.issue).toBe('contact_impossible');
    // Le délai manqué reste dit manqué dans le dossier clos, pas « annulé » par la clôture.
    expect(fin.echeances.find((e) => e.id === 'contact')).toMatchObject({ statut: 'annulee', depasseeLe: expect.any(String) });
    const cookie = `${NOM_COOKIE}=${await connecter('coord.essai')}`;
    const page = await appel('GET', `/parcours/loiret-ahu--${reference}`, { entetes: { cookie } });
    expect(page.texte).toContain('<span class="badge retard">Dépassée</span>, jamais tenue');
  });

  it('le même ménage (nom et adresse, écrits autrement) déjà suivi dans le programme sous une autre référence : la page le dit, avec le lien vers son dossier, rien n’est lancé ; confirmé « autre ménage », il l’est', async () => {
    // Un ménage suivi dans loiret-ahu (lancé par l'API).
    const nom = `Mme Aïssata Ndiaye-${requete().slice(0, 6)}`;
    const suivi = menageEssai();
    const lance = await appel('POST', '/api/parcours', {
      jeton: await connecter('coord.essai'),
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'ts.alice',
        menage: { ...suivi, nom, adresse: '3, rue du Bœuf — 45000 Orléans' },
        donnees: { situation: situation() },
      },
    });
    expect(lance.status, lance.texte).toBe(201);
    const existant = lance.json.workflowId as string;
    await attendreEtat(existant, (e) => e.etape === 'aller_vers', 'aller vers');
    // Le même, écrit autrement (casse, accents, ponctuation), sous une nouvelle référence : averti.
    const reference = menageEssai().reference;
    const memeMenage = { 'menage.nom': nom.toUpperCase().replace('Ï', 'I'), 'menage.adresse': '3 rue du boeuf 45000 ORLÉANS', confirmerAutreMenage: '' };
    const avertie = await soumettre('loiret-ahu', reference, memeMenage);
    expect(avertie.status, avertie.texte.slice(0, 500)).toBe(200);
    expect(avertie.texte).toContain('<h2>Ce ménage a peut-être déjà un parcours en cours</h2>');
    expect(avertie.texte).toContain(
      `Dans ce programme, un parcours est en cours pour un ménage de ce nom, à cette adresse : <a href="/parcours/${encodeURIComponent(existant)}">dossier ${suivi.reference}</a> (étape « Aller vers le ménage »).`,
    );
    expect(avertie.texte).toContain('poursuivez son accompagnement dans ce dossier plutôt que d’en ouvrir un autre');
    expect(avertie.texte).toContain('<input type="checkbox" name="confirmerAutreMenage" value="oui"> Ce n’est pas le même ménage : lancer quand même');
    expect(avertie.texte).toContain(`value="${reference}"`);
    await expect(handleDe(`loiret-ahu--${reference}`).describe()).rejects.toThrow();
    // Un autre nom, ou une autre adresse : rien à signaler.
    for (const autre of [{ 'menage.nom': `${nom} épouse Diop` }, { 'menage.adresse': '5 rue du Bœuf, 45000 Orléans' }]) {
      const r = await soumettre('loiret-ahu', menageEssai().reference, { ...memeMenage, ...autre });
      expect(r.status, r.texte.slice(0, 500)).toBe(303);
    }
    // Confirmé : lancé.
    const confirmee = await soumettre('loiret-ahu', reference, { ...memeMenage, confirmerAutreMenage: 'oui' });
    expect(confirmee.status, confirmee.texte.slice(0, 500)).toBe(303);
    await etape(`loiret-ahu--${reference}`, 'aller_vers');
    // Deux parcours ouverts pour ce ménage : la page les nomme tous les deux.
    const deux = (await soumettre('loiret-ahu', menageEssai().reference, memeMenage)).texte;
    expect(deux).toContain('Dans ce programme, des parcours sont en cours pour un ménage de ce nom, à cette adresse : ');
    expect(deux).toContain(`dossier ${suivi.reference}</a>`);
    expect(deux).toContain(`dossier ${reference}</a>`);
    expect(deux).toContain('poursuivez son accompagnement dans l’un de ces dossiers plutôt que d’en ouvrir un autre');
    // Ces deux parcours clos, le ménage peut revenir (une rechute) : rien à signaler.
    for (const id of [existant, `loiret-ahu--${reference}`]) {
      const close = await appel('POST', `/api/parcours/${id}/cloture`, {
        jeton: await connecter('coord.essai'),
        corps: { requestId: requete(), motif: 'Essai' },
      });
      expect(close.status, close.texte).toBe(200);
      await attendreEtat(id, (e) => !!e.cloture, 'clôture');
    }
    const revenu = await soumettre('loiret-ahu', menageEssai().reference, memeMenage);
    expect(revenu.status, revenu.texte.slice(0, 500)).toBe(303);
  });

  it('les délais de l’« aller vers » se lisent dès le lancement (page ouverte après lui, réponse de l’API), avant que partent les premiers courriels (serveur de courriel lent)', async () => {
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Orientation reçue'));
    try {
      const reference = menageEssai().reference;
      const lance = await soumettre('loiret-ahu', reference, {});
      expect(lance.status, lance.texte.slice(0, 500)).toBe(303);
      const page = await appel('GET', lance.headers.get('location')!, { entetes: { cookie: `${NOM_COOKIE}=${await connecter('coord.essai')}` } });
      expect(page.texte).toContain('Étape actuelle : <strong>Lettre d’information au ménage</strong>');
      expect(page.texte).toMatch(
        /Premier contact avec le ménage<\/th><td role="cell" data-label="Date limite">[a-z]+ \d{1,2}(er)? [a-zéû]+ \d{4}<\/td><td role="cell" data-label="Statut">À venir</,
      );
      expect(page.texte).not.toContain('ses échéances s’affichent ensuite');
      const parApi = await appel('POST', '/api/parcours', {
        jeton: await connecter('coord.essai'),
        corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage: menageEssai(), donnees: { situation: situation() } },
      });
      expect(parApi.status, parApi.texte).toBe(201);
      expect(parApi.json.etat.etape).toBe('information_menage');
      expect(parApi.json.etat.echeances).toContainEqual(expect.objectContaining({ id: 'contact', statut: 'en_cours' }));
    } finally {
      lacher();
    }
  });

  it('le même ménage lancé par l’API sous une autre référence : lancé (un logiciel choisit ses références), la réponse nomme le parcours déjà ouvert', async () => {
    const jeton = await connecter('coord.essai');
    const nom = `M. Élie Caron-${requete().slice(0, 6)}`;
    const lancerPourLeMenage = (menage: Record<string, string>) =>
      appel('POST', '/api/parcours', {
        jeton,
        corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage: { ...menageEssai(), nom, ...menage }, donnees: { situation: situation() } },
      });
    const premier = await lancerPourLeMenage({ adresse: '8, place de l’Œuvre — 45000 Orléans' });
    expect(premier.status, premier.texte).toBe(201);
    expect(premier.json.dejaSuivis).toEqual([]);
    const existant = premier.json.workflowId as string;
    await attendreEtat(existant, (e) => e.etape === 'aller_vers', 'aller vers');
    // Écrit autrement (casse, ligature, ponctuation) : lancé, et signalé.
    const second = await lancerPourLeMenage({ nom: nom.toUpperCase(), adresse: '8 place de l oeuvre 45000 ORLEANS' });
    expect(second.status, second.texte).toBe(201);
    expect(second.json.dejaSuivis).toEqual([{ workflowId: existant, reference: referenceDe(existant), libelleEtape: 'Aller vers le ménage' }]);
    // Une autre adresse : rien à signaler.
    const voisin = await lancerPourLeMenage({ adresse: '10 place de l’Œuvre, 45000 Orléans' });
    expect(voisin.status, voisin.texte).toBe(201);
    expect(voisin.json.dejaSuivis).toEqual([]);
  });

  it('loiret-ahu, signalé il y a 10 jours : lancé sans avertissement', async () => {
    const reference = menageEssai().reference;
    const r = await soumettre('loiret-ahu', reference, { 'donnees.signaleLe': ilYA(10) });
    expect(r.status, r.texte.slice(0, 500)).toBe(303);
    await etape(`loiret-ahu--${reference}`, 'aller_vers');
  });

  it('besancon-ccas, désigné il y a 30 jours : la visite et le contact sont dits dépassés, la coordination alertée ; rien n’est lancé', async () => {
    const reference = menageEssai().reference;
    const r = await soumettre('besancon-ccas', reference, { 'donnees.designeLe': ilYA(30) });
    expect(r.status, r.texte.slice(0, 500)).toBe(200);
    expect(r.texte).toContain('Ces délais sont déjà écoulés');
    expect(r.texte).toContain('la désignation par la commission impayés, le ');
    expect(r.texte).toContain('Première visite à domicile : avant le ');
    expect(r.texte).toContain('Premier contact avec le ménage : avant le ');
    expect(r.texte).toContain('la coordination en recevra aussitôt l’alerte par courriel, et le dossier sera compté en retard');
    await expect(handleDe(`besancon-ccas--${reference}`).describe()).rejects.toThrow();
  });
});

describe('pendant une clôture décidée mais pas encore faite (courriel lent)', () => {
  it('l’état le dit (clotureEnCours), la page n’offre plus d’action et dit pourquoi ; un message est refusé en français', async () => {
    const { workflowId, menage } = await lancer('loiret-ahu');
    await etape(workflowId, 'aller_vers');
    const handle = handleDe(workflowId);
    const contact = await echeanceSuivie(handle, 'contact');
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Contact impossible') && objet.includes(menage.reference));
    try {
      await lancerAvance(banc, handle, apres(contact.due).getTime() - (await heureDuParcours(handle)).getTime());
      await attendreEtat(workflowId, (e) => e.clotureEnCours === true, 'clôture en cours');
      const lu = await appel('GET', `/api/parcours/${workflowId}`, { jeton: await connecter('ts.alice') });
      expect(lu.status, lu.texte).toBe(200);
      expect(lu.json).toMatchObject({ clotureEnCours: true, etape: 'aller_vers' });
      const page = await appel('GET', `/parcours/${workflowId}`, { entetes: { cookie: `${NOM_COOKIE}=${await connecter('ts.alice')}` } });
      expect(page.status).toBe(200);
      expect(page.texte).toContain('Clôture en cours');
      expect(page.texte).toContain('La clôture du parcours est en cours (ses derniers courriels partent) : plus aucune action n’est possible.');
      expect(page.texte).not.toContain('/messages/tentative-contact');
      const refus = await message(workflowId, 'tentative-contact', { canal: 'telephone', creneau: 'soir', issue: 'joint' });
      estProbleme(refus, 409);
      expect(refus.json.detail).toBe('Le parcours est déjà clôturé.');
      // La fiche de clôture demandée pendant ce temps : pas encore là, et la réponse dit pourquoi.
      const fiche = await appel('GET', `/api/parcours/${workflowId}/documents/fiche-cloture`, { jeton: await connecter('coord.essai') });
      estProbleme(fiche, 404);
      expect(fiche.json.detail).toBe(
        'La clôture de ce parcours est en cours (ses derniers courriels partent) : la fiche de clôture sera prête dans un instant.',
      );
    } finally {
      lacher();
    }
    const fin = await attendreEtat(workflowId, (e) => !!e.cloture, 'clôture');
    expect(fin.cloture!.issue).toBe('contact_impossible');
    expect(fin.clotureEnCours).toBeUndefined();
  });
});

describe('reims-april par l’API : comité de suivi, clôture, veille active', () => {
  it('le bailleur signale une rechute par son lien de veille active : page dédiée, confirmation, nouveau parcours lié', async () => {
    const { workflowId, menage } = await lancer('reims-april');
    const reference = menage.reference;
    const coord = await connecter('coord.essai');

    // Comité de suivi : les services sociaux disent par leur lien si le ménage est déjà accompagné (page
    // dédiée), puis la coordination enregistre la décision du comité.
    await attendreEtat(workflowId, (e) => e.etape === 'comite_de_suivi' && e.demandes.length === 1, 'vérification avant le comité de suivi');
    const verification = await banc.courriels.waitFor(
      (m) => m.a.includes('cas-reims@marne.example') && m.sujet.startsWith('Avant le comité de suivi') && m.sujet.includes(reference),
      { timeoutMs: 20_000 },
    );
    expect(verification.texte).toContain('indiquez par le lien ci-dessous si ce ménage est déjà accompagné par un travailleur social');
    const jetonVerification = lienDe(verification);
    expect(SIGNEUR.verifier(jetonVerification, await heureDuParcours(handleDe(workflowId)))).toMatchObject({
      ok: true,
      claims: { action: 'verification', role: 'services_sociaux' },
    });
    const pageVerification = await appel('GET', `/liens/${jetonVerification}`);
    expect(pageVerification.status).toBe(200);
    expect(pageVerification.texte).toContain('<label for="decision-refuse">Oui, il est déjà accompagné</label>');
    expect(pageVerification.texte).not.toContain('J’approuve');
    // Déjà accompagné, sans dire par qui : le formulaire revient avec l'erreur, rien n'est enregistré.
    const sansQui = await appel('POST', `/liens/${jetonVerification}`, { formulaire: { decision: 'refuse', commentaire: '  ' } });
    expect(sansQui.status).toBe(400);
    expect(sansQui.texte).toContain('Indiquez par quel service ou quel travailleur social le ménage est déjà accompagné.');
    expect(sansQui.texte).toContain('id="decision-refuse" name="decision" value="refuse" required checked');
    expect((await attendreEtat(workflowId, () => true, 'état')).demandes[0]!.statut).toBe('en_attente');
    const reponse = await appel('POST', `/liens/${jetonVerification}`, { formulaire: { decision: 'approuve' } });
    expect(reponse.status, reponse.texte).toBe(200);
    expect(reponse.texte).toContain('<strong>aucun accompagnement connu</strong>');
    // Le lien ne sert qu'une fois.
    expect((await appel('GET', `/liens/${jetonVerification}`)).texte).toContain('Cette demande a déjà reçu une réponse');
    // La coordination apprend la réponse ; ne pas intégrer sans motif est refusé en français, rien ne change.
    const reponseRecue = await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Avant le comité de suivi : les services sociaux ont répondu') && m.sujet.includes(reference),
      { timeoutMs: 20_000 },
    );
    expect(reponseRecue.texte).toContain('les services sociaux ne connaissent aucun accompagnement du ménage');
    const sansMotif = await message(workflowId, 'decision-comite', { decision: 'ne_pas_integrer' }, 'coord.essai');
    estProbleme(sansMotif, 400);
    expect(JSON.stringify(sansMotif.json)).toContain('indiquez le motif de la décision du comité');
    expect((await attendreEtat(workflowId, () => true, 'état')).etape).toBe('comite_de_suivi');
    // Le travail social ne décide pas pour le comité.
    expect((await message(workflowId, 'decision-comite', { decision: 'integrer' })).status).toBe(403);
    const decision = await message(workflowId, 'decision-comite', { decision: 'integrer' }, 'coord.essai');
    expect(decision.status, decision.texte).toBe(200);
    expect(decision.json.etape).toBe('information_menage');

    // Contact, diagnostic, plan : par les messages du travailleur social.
    await etape(workflowId, 'aller_vers');
    expect((await message(workflowId, 'tentative-contact', { canal: 'visite_domicile', creneau: 'soir', issue: 'joint', note: 'Voisin bruyant' })).status).toBe(
      200,
    );
    await etape(workflowId, 'diagnostic');
    expect(
      (await message(workflowId, 'diagnostic', { origineDette: 'Perte d’emploi', notes: 'dépression', termine: true, carnetDeRoute: ['FSL'] })).status,
    ).toBe(200);
    await etape(workflowId, 'plan_aide');
    expect((await message(workflowId, 'plan-aide', { actions: ['plan_apurement'], planApurement: { mensualite: 30, dureeMois: 12 } })).status).toBe(200);
    await etape(workflowId, 'suivi');
    const cloture = await message(workflowId, 'cloture', { issue: 'plan_apurement_respecte', motif: 'Dette soldée, loyer courant repris' });
    expect(cloture.status, cloture.texte).toBe(200);
    await attendreEtat(workflowId, (e) => !!e.cloture && e.demandes.length === 2, 'clôture et lien de veille active');

    // La fiche de clôture est disponible.
    const fiche = await appel('GET', `/api/parcours/${workflowId}/documents/fiche-cloture`, { jeton: coord });
    expect(fiche.status, fiche.texte).toBe(200);
    expect(fiche.texte).toContain('<dd>Plan d’apurement respecté</dd>');
    expect(fiche.texte).toContain('Dette soldée, loyer courant repris');
    expect(fiche.texte).toContain('@media print');

    // Le lien de veille active envoyé au bailleur : une page dédiée.
    const veille = await banc.courriels.waitFor(
      (m) => m.a.includes(bailleurDe('reims-april')) && m.sujet.startsWith('Veille active') && m.sujet.includes(reference),
      { timeoutMs: 20_000 },
    );
    // Rien n'est attendu du bailleur : le courriel dit qu'il peut signaler une rechute, pas qu'une décision est attendue.
    expect(veille.texte).toContain('vous pouvez signaler par le lien ci-dessous une rechute du ménage');
    expect(veille.texte).not.toContain('Votre décision est attendue');
    const jeton = lienDe(veille);
    expect(SIGNEUR.verifier(jeton, await heureDuParcours(handleDe(workflowId)))).toMatchObject({ ok: true, claims: { action: 'rechute', role: 'bailleur' } });
    const page = await appel('GET', `/liens/${jeton}`);
    expect(page.status, page.texte).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.texte).toContain('<html lang="fr">');
    expect(page.texte).toContain('<h1>Veille active : signaler une rechute</h1>');
    expect(page.texte).toContain('<button type="submit">Signaler une rechute</button>');
    expect(page.texte).toContain('<label for="commentaire">Commentaire (facultatif)</label>');
    expect(page.texte).toContain('un nouvel accompagnement sera ouvert');
    expect(page.texte).toContain('Veille active jusqu’au');
    expect(page.texte).not.toContain('type="radio"');
    expect(page.texte).not.toContain('J’approuve');
    expect(page.texte).not.toContain('Je refuse');
    expect(page.texte).not.toContain('Cette demande est close');
    for (const secret of CONFIDENTIEL) expect(page.texte).not.toContain(secret);

    // Signaler la rechute : confirmation, décision « approuve », nouveau parcours lié.
    const post = await appel('POST', `/liens/${jeton}`, { formulaire: { commentaire: 'Deux loyers impayés depuis mars' } });
    expect(post.status, post.texte).toBe(200);
    expect(post.texte).toContain('La rechute est signalée : un nouvel accompagnement est ouvert.');
    let etat = await attendreEtat(workflowId, (e) => typeof e.details.parcoursSuivant === 'string', 'parcours suivant ouvert');
    expect(etat.demandes[1]).toMatchObject({
      action: 'rechute',
      statut: 'approuvee',
      decision: { decision: 'approuve', commentaire: 'Deux loyers impayés depuis mars', par: 'partenaire:bailleur' },
    });
    const lu = await appel('GET', `/api/parcours/${workflowId}`, { jeton: coord });
    expect(lu.status, lu.texte).toBe(200);
    expect(lu.json.details.parcoursSuivant).toMatch(new RegExp(`^reims-april--${reference}-R\\d{6}$`));
    etat = lu.json;

    // Le même lien ne sert qu'une fois.
    const encore = await appel('GET', `/liens/${jeton}`);
    expect(encore.status).toBe(200);
    expect(encore.texte).toContain('Une rechute a déjà été signalée');
    expect(encore.texte).not.toContain('<form');
    const repost = await appel('POST', `/liens/${jeton}`, { formulaire: { commentaire: 'encore' } });
    expect(repost.status).toBe(409);
    expect(repost.texte).toContain('Une rechute a déjà été signalée');

    // Le bailleur n'a rien reçu de confidentiel.
    const bailleur = courrielsBailleur('reims-april', reference);
    expect(bailleur.length).toBeGreaterThanOrEqual(3);
    sansConfidentiel(bailleur);

    // Le nouveau parcours, lié au précédent, reprend l'accompagnement sans nouveau comité de suivi.
    const suite = handleDe(etat.details.parcoursSuivant as string);
    const etatSuite = await attendreEtat(suite.workflowId, (e) => e.etape === 'aller_vers', 'le nouveau parcours à l’aller vers');
    expect(etatSuite.details.parcoursPrecedent).toBe(workflowId);
    expect(etatSuite.demandes).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('documents (rendu, fonctions pures)', () => {
  it('la lettre échappe les données du ménage, date au « 1er », adresse sur plusieurs lignes', () => {
    const programme = CATALOGUE.trouver('loiret-ahu')!;
    const rendu = contenuLettreInformation({
      programme,
      menage: { nom: 'M. <b>Traoré</b> & Mme "Diallo"', adresse: 'Bât. A, 12 rue des Tilleuls, 45000 Orléans' },
      reference: 'LL-1',
      le: '2026-03-01T10:00:00.000Z',
    }).valeur;
    expect(rendu).toContain('M. &lt;b&gt;Traoré&lt;/b&gt; &amp; Mme &quot;Diallo&quot;<br>Bât. A<br>12 rue des Tilleuls<br>45000 Orléans');
    expect(rendu).toContain('<p class="date">Le 1er mars 2026</p>');
    expect(rendu).not.toContain('Personne chargée de votre accompagnement');
    expect(lignesAdresse(' 3 place du Marché ,\n 25000 Besançon ')).toEqual(['3 place du Marché', '25000 Besançon']);
  });

  it('la fiche de clôture : bilans en tableau, motif absent « Non précisé », état incomplet ignoré', () => {
    const etat = {
      workflowId: 'loiret-ahu--AB-1',
      typeParcours: 'prevention_precontentieuse',
      programme: { id: 'loiret-ahu', version: 1, nom: 'AHU' },
      reference: 'AB-1',
      etape: 'cloture',
      libelleEtape: 'Clôturé',
      echeances: [],
      demandes: [],
      journal: [],
      cloture: { issue: 'situation_stabilisee', le: '2026-06-12T10:00:00.000Z' },
      details: {
        ficheCloture: {
          issue: 'situation_stabilisee',
          libelle: 'Situation stabilisée',
          le: '2026-06-12T10:00:00.000Z',
          bilans: [{ jalon: 'Bilan à 3 mois', reprisePaiement: 'partielle', planRespecte: false }],
        },
      },
      detailsConfidentiels: {},
    } as unknown as EtatParcours;
    const fiche = lireFicheCloture(etat)!;
    const rendu = contenuFicheCloture(etat, fiche, 'Alice Travailleuse').valeur;
    expect(rendu).toContain('<dd>Situation stabilisée</dd>');
    expect(rendu).toContain('<dd>Non précisé</dd>');
    expect(rendu).toContain('<dd>12 juin 2026</dd>');
    expect(rendu).toContain('<th scope="row">Bilan à 3 mois</th><td>Reprise partielle</td><td>Non respecté</td>');
    expect(lireFicheCloture({ ...etat, details: { ficheCloture: { issue: 1 } } } as unknown as EtatParcours)).toBeUndefined();
  });
});
