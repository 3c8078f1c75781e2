/**
 * L'administration du personnel et les absences (issue 14, points 4 et 5), sur le vrai système :
 * PostgreSQL, deux API sur la même base (chacune son annuaire en mémoire, relu seulement quand elle
 * change un compte), mail catcher, activité de courriel réelle.
 * - invitation de bout en bout : courriel reçu, mot de passe choisi, connexion ; lien à usage unique,
 *   expiré, remplacé par une nouvelle invitation — chaque fois un message en français ;
 * - accès : seule l'administration gère les comptes ; la coordination lit le personnel de ses programmes ;
 * - un compte désactivé ne se connecte plus et ses sessions tombent, sur toutes les API, aussitôt ;
 * - une absence envoie au remplaçant les courriels adressés à la personne absente, une fois ;
 *   ses dates et son remplaçant sont vérifiés, avec des erreurs en français qui nomment le champ.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NOM_COOKIE, raisonRefusLecture } from '../api/auth';
import { createCourrielActivities } from '../activities/courriel';
import { jourDeParis } from '../domain/durees';
import { AbsencesPersonnel, paragrapheRemplacement, remplacementDuJour } from '../personnel/absences';
import { AnnuaireEnBase } from '../personnel/annuaire-base';
import { hashPassword } from '../securite/mots-de-passe';
import { jetonCsrf } from '../web/session';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { ligneDossier } from './outils/base';
import { inscrireAnnuaire, menageEssai, monterBanc, situationPrevention, type Banc } from './outils/environnement';

const MDP = 'mot-de-passe-essai';
const JOUR_MS = 86_400_000;

let banc: Banc;
let api: ApiEssai;
/** Une seconde API sur la même base, dont l'annuaire n'est jamais relu pendant le test. */
let autre: ApiEssai;
const annuaires: AnnuaireEnBase[] = [];

beforeAll(async () => {
  banc = await monterBanc();
  const db = banc.dependances.base;
  const empreinte = await hashPassword(MDP);
  await db.updateTable('personnels').set({ mot_de_passe: empreinte }).execute();
  await db
    .insertInto('personnels')
    .values([
      { id: 'admin.essai', nom: 'Administration Essai', courriel: 'admin@essai.example', role: 'admin', programmes: [], mot_de_passe: empreinte },
      {
        id: 'coord.concarneau',
        nom: 'Corinne Concarneau',
        courriel: 'corinne@essai.example',
        role: 'coordinateur',
        programmes: ['concarneau-iml'],
        mot_de_passe: empreinte,
      },
      {
        id: 'ts.loiret',
        nom: 'Louise Loiret',
        courriel: 'louise@essai.example',
        role: 'travailleur_social',
        programmes: ['loiret-ahu'],
        mot_de_passe: empreinte,
      },
      {
        id: 'ts.concarneau',
        nom: 'Yann Concarneau',
        courriel: 'yann@essai.example',
        role: 'travailleur_social',
        programmes: ['concarneau-iml'],
        mot_de_passe: empreinte,
      },
    ])
    .execute();
  for (let i = 0; i < 2; i++) annuaires.push(await AnnuaireEnBase.ouvrir(db, { rafraichirMs: 3_600_000 }));
  api = await demarrerApiEssai(banc, { annuaire: annuaires[0]! });
  autre = await demarrerApiEssai(banc, { annuaire: annuaires[1]! });
});

afterAll(async () => {
  await api?.fermer();
  await autre?.fermer();
  for (const a of annuaires) a.fermer();
  await banc?.fermer();
});

async function connecter(id: string, motDePasse = MDP, sur = api) {
  return sur.appel('POST', '/api/session', { corps: { identifiant: id, motDePasse } });
}
async function jeton(id: string, sur = api): Promise<string> {
  const r = await connecter(id, MDP, sur);
  if (r.status !== 200) throw new Error(`connexion de ${id} impossible : ${r.status} ${r.texte}`);
  return r.json.jeton as string;
}

const jetonDuLien = (lien: string) => /\/invitation\/([A-Za-z0-9_-]+)$/.exec(lien)![1]!;
/** Une page HTML publique (lien d'invitation), avec son corps. */
const pageInvitation = (jetonInvitation: string, sur = api) => sur.appel('GET', `/invitation/${jetonInvitation}`, { entetes: { accept: 'text/html' } });
const choisir = (jetonInvitation: string, motDePasse: string, confirmation = motDePasse) =>
  api.appel('POST', `/invitation/${jetonInvitation}`, { formulaire: { motDePasse, confirmation } });

describe('invitation du personnel', () => {
  it('de bout en bout : l’admin invite, la personne reçoit le lien, choisit son mot de passe et se connecte ; le lien ne sert qu’une fois', async () => {
    const admin = await jeton('admin.essai');
    const r = await api.appel('POST', '/api/personnel', {
      jeton: admin,
      corps: { id: 'ts.lea', nom: 'Léa Lefebvre', courriel: 'lea.lefebvre@essai.example', role: 'travailleur_social', programmes: ['loiret-ahu'] },
    });
    expect(r.status, r.texte).toBe(201);
    expect(r.json.compte).toMatchObject({
      id: 'ts.lea',
      libelleRole: 'Travail social',
      programmes: ['loiret-ahu'],
      actif: true,
      motDePasseChoisi: false,
      invitationExpireLe: r.json.invitation.expireLe,
    });
    expect(r.json.invitation.courrielEnvoye).toBe(true);
    const lien = r.json.invitation.lien as string;
    expect(lien).toMatch(/^http:\/\/localhost:3999\/invitation\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(r.json.invitation.expireLe).getTime() - Date.now()).toBeGreaterThan(7 * JOUR_MS - 60_000);

    const courriel = await banc.courriels.waitFor((m) => m.a.includes('lea.lefebvre@essai.example'));
    expect(courriel.sujet).toBe('Votre compte sur la plateforme de prévention des expulsions');
    expect(courriel.texte).toContain('Votre identifiant de connexion est « ts.lea »');
    expect(courriel.texte).toContain(`Choisir mon mot de passe : ${lien}`);
    // Le jeton n'est gardé nulle part en clair.
    const invitations = await banc.dependances.base.selectFrom('invitations_personnel').selectAll().where('personne_id', '=', 'ts.lea').execute();
    expect(invitations).toHaveLength(1);
    expect(JSON.stringify(invitations)).not.toContain(jetonDuLien(lien));

    // Avant d'avoir choisi : aucune connexion possible, même avec un mot de passe quelconque.
    expect((await connecter('ts.lea', 'invitation-en-attente')).status).toBe(401);

    const t = jetonDuLien(lien);
    const page = await pageInvitation(t);
    expect(page.status).toBe(200);
    expect(page.texte).toContain('Choisir votre mot de passe');
    expect(page.texte).toContain('Léa Lefebvre');
    const court = await choisir(t, 'court');
    expect(court.status).toBe(400);
    expect(court.texte).toContain('12 caractères au moins');
    const different = await choisir(t, 'une longue phrase secrète', 'une autre phrase secrète');
    expect(different.status).toBe(400);
    expect(different.texte).toContain('la confirmation ne reprend pas le mot de passe');

    const ok = await choisir(t, 'une longue phrase secrète');
    expect(ok.status, ok.texte).toBe(200);
    expect(ok.texte).toContain('Mot de passe enregistré');
    const session = await connecter('ts.lea', 'une longue phrase secrète');
    expect(session.status, session.texte).toBe(200);
    expect(session.json.personne).toEqual({ id: 'ts.lea', nom: 'Léa Lefebvre', role: 'travailleur_social', programmes: ['loiret-ahu'] });

    // Le lien a servi : il ne sert plus (page et formulaire).
    const deja = await pageInvitation(t);
    expect(deja.status).toBe(409);
    expect(deja.texte).toContain('Ce lien d’invitation a déjà servi');
    expect((await choisir(t, 'encore une autre phrase')).status).toBe(409);
    expect((await connecter('ts.lea', 'encore une autre phrase')).status).toBe(401);

    const liste = await api.appel('GET', '/api/personnel', { jeton: admin });
    expect(liste.json.find((c: { id: string }) => c.id === 'ts.lea')).toMatchObject({ motDePasseChoisi: true, actif: true });
    expect(liste.json.find((c: { id: string }) => c.id === 'ts.lea').invitationExpireLe).toBeUndefined();
  });

  it('une nouvelle invitation annule la précédente ; un lien expiré ou inconnu a son message en français', async () => {
    const admin = await jeton('admin.essai');
    const r = await api.appel('POST', '/api/personnel', {
      jeton: admin,
      corps: { id: 'coord.marc', nom: 'Marc Coordination', courriel: 'marc@essai.example', role: 'coordinateur', programmes: ['loiret-ahu', 'besancon-ccas'] },
    });
    expect(r.status, r.texte).toBe(201);
    const premier = jetonDuLien(r.json.invitation.lien);
    const re = await api.appel('POST', '/api/personnel/coord.marc/invitation', { jeton: admin });
    expect(re.status, re.texte).toBe(201);
    const second = jetonDuLien(re.json.invitation.lien);
    expect(second).not.toBe(premier);
    await banc.courriels.waitFor((m) => m.a.includes('marc@essai.example') && m.texte.includes(second));

    const remplace = await pageInvitation(premier);
    expect(remplace.status).toBe(410);
    expect(remplace.texte).toContain('une invitation plus récente l’a remplacé');
    expect((await choisir(premier, 'une longue phrase secrète')).status).toBe(410);

    // Huit jours plus tard (horloge d'une API qui vit dans le futur) : le second a expiré.
    const plusTard = await demarrerApiEssai(banc, { annuaire: annuaires[0]!, surcharges: { maintenant: () => new Date(Date.now() + 8 * JOUR_MS) } });
    try {
      const expire = await pageInvitation(second, plusTard);
      expect(expire.status).toBe(410);
      expect(expire.texte).toContain('Ce lien d’invitation a expiré (il était valable 7 jours)');
    } finally {
      await plusTard.fermer();
    }
    const inconnu = await pageInvitation('A'.repeat(43));
    expect(inconnu.status).toBe(404);
    expect(inconnu.texte).toContain('Ce lien d’invitation n’est pas valable');
    expect((await pageInvitation('pas-un-jeton')).status).toBe(404);

    // Aujourd'hui, le second sert.
    expect((await choisir(second, 'la phrase de Marc, assez longue')).status).toBe(200);
    expect((await connecter('coord.marc', 'la phrase de Marc, assez longue')).status).toBe(200);
  });

  it('saisie vérifiée : chaque champ fautif nommé, en français ; identifiant déjà pris : 409', async () => {
    const admin = await jeton('admin.essai');
    const mauvais = await api.appel('POST', '/api/personnel', {
      jeton: admin,
      corps: { id: 'Pas Valide', nom: 'X', courriel: 'pas-une-adresse', role: 'chef', programmes: [] },
    });
    expect(mauvais.status).toBe(400);
    const champs = Object.fromEntries(mauvais.json.errors.map((e: { champ: string; message: string }) => [e.champ, e.message]));
    expect(champs).toMatchObject({
      id: expect.stringContaining('identifiant : 2 à 40 caractères'),
      nom: 'nom : 2 caractères au moins',
      courriel: 'adresse électronique invalide',
      role: 'rôle : choisissez Coordination, Travail social ou Administration',
    });
    const sansProgramme = await api.appel('POST', '/api/personnel', {
      jeton: admin,
      corps: { id: 'ts.sans', nom: 'Sans Programme', courriel: 'sans@essai.example', role: 'travailleur_social' },
    });
    expect(sansProgramme.status).toBe(400);
    expect(sansProgramme.json.errors).toEqual([{ champ: 'programmes', message: 'au moins un programme pour la coordination et le travail social' }]);
    const inconnu = await api.appel('POST', '/api/personnel', {
      jeton: admin,
      corps: { id: 'ts.sans', nom: 'Sans Programme', courriel: 'sans@essai.example', role: 'travailleur_social', programmes: ['nulle-part'] },
    });
    expect(inconnu.status).toBe(400);
    expect(inconnu.json.detail).toBe('Champ « programmes » : programme inconnu : « nulle-part »');
    const pris = await api.appel('POST', '/api/personnel', {
      jeton: admin,
      corps: { id: 'ts.alice', nom: 'Autre Alice', courriel: 'autre@essai.example', role: 'travailleur_social', programmes: ['loiret-ahu'] },
    });
    expect(pris.status).toBe(409);
    expect(pris.json.detail).toContain('L’identifiant « ts.alice » est déjà pris');
    const vide = await api.appel('PATCH', '/api/personnel/ts.alice', { jeton: admin, corps: {} });
    expect(vide.status).toBe(400);
    expect(vide.json.detail).toContain('indiquez au moins un changement');
  });

  it('accès : seule l’administration gère les comptes ; la coordination lit le personnel de ses programmes ; le travail social, rien', async () => {
    const coord = await jeton('coord.essai');
    const ts = await jeton('ts.alice');
    const corps = { id: 'ts.intrus', nom: 'Intrus', courriel: 'intrus@essai.example', role: 'admin' };
    for (const [j, nom] of [
      [coord, 'coordination'],
      [ts, 'travail social'],
    ] as const) {
      const r = await api.appel('POST', '/api/personnel', { jeton: j, corps });
      expect(r.status, nom).toBe(403);
      expect(r.json.detail).toBe('Seule l’administration gère les comptes du personnel.');
      expect((await api.appel('PATCH', '/api/personnel/ts.bruno', { jeton: j, corps: { actif: false } })).status, nom).toBe(403);
      expect((await api.appel('POST', '/api/personnel/ts.bruno/invitation', { jeton: j })).status, nom).toBe(403);
    }
    expect((await api.appel('GET', '/api/personnel', { jeton: ts })).status).toBe(403);
    expect(
      (
        await api.appel('POST', '/api/personnel/ts.bruno/absences', {
          jeton: ts,
          corps: { du: jourDeParis(new Date()), au: jourDeParis(new Date()), remplacant: 'ts.alice' },
        })
      ).status,
    ).toBe(403);
    expect((await api.appel('GET', '/api/personnel')).status).toBe(401);

    const concarneau = await api.appel('GET', '/api/personnel', { jeton: await jeton('coord.concarneau') });
    expect(concarneau.status).toBe(200);
    const ids = concarneau.json.map((c: { id: string }) => c.id);
    expect(ids).toContain('ts.concarneau');
    expect(ids).not.toContain('ts.loiret');
    expect(ids).not.toContain('admin.essai');
    // Hors de ses programmes : ni lecture ni absence.
    const horsProgramme = await api.appel('POST', '/api/personnel/ts.loiret/absences', {
      jeton: await jeton('coord.concarneau'),
      corps: { du: jourDeParis(new Date()), au: jourDeParis(new Date()), remplacant: 'ts.alice' },
    });
    expect(horsProgramme.status).toBe(403);
    expect(horsProgramme.json.detail).toBe('Cette personne ne suit aucun de vos programmes.');
  });
});

describe('désactivation et changements de compte', () => {
  it('désactivé sur une API : ses sessions tombent et il ne se connecte plus, sur toutes les API, aussitôt ; réactivé, il se reconnecte', async () => {
    const admin = await jeton('admin.essai');
    const surApi = await jeton('ts.bruno');
    const surAutre = await jeton('ts.bruno', autre);
    expect((await autre.appel('GET', '/api/session', { jeton: surAutre })).status).toBe(200);

    const r = await api.appel('PATCH', '/api/personnel/ts.bruno', { jeton: admin, corps: { actif: false } });
    expect(r.status, r.texte).toBe(200);
    expect(r.json).toMatchObject({ id: 'ts.bruno', actif: false });
    expect((await api.appel('GET', '/api/session', { jeton: surApi })).status).toBe(401);
    // L'autre API garde Bruno dans son annuaire (pas encore relu) : la base fait foi.
    expect(annuaires[1]!.trouver('ts.bruno')).toBeDefined();
    expect((await autre.appel('GET', '/api/session', { jeton: surAutre })).status).toBe(401);
    expect((await connecter('ts.bruno', MDP, autre)).status).toBe(401);
    const refuse = await connecter('ts.bruno');
    expect(refuse.status).toBe(401);
    expect(refuse.json.detail).toBe('Identifiant ou mot de passe incorrect.');
    expect((await api.appel('POST', '/api/personnel/ts.bruno/invitation', { jeton: admin })).json.detail).toBe(
      'Ce compte est désactivé : réactivez-le avant de l’inviter.',
    );

    const soiMeme = await api.appel('PATCH', '/api/personnel/admin.essai', { jeton: admin, corps: { actif: false } });
    expect(soiMeme.status).toBe(409);
    expect(soiMeme.json.detail).toContain('Vous ne pouvez ni désactiver votre propre compte');

    expect((await api.appel('PATCH', '/api/personnel/ts.bruno', { jeton: admin, corps: { actif: true } })).status).toBe(200);
    expect((await connecter('ts.bruno')).status).toBe(200);
  });

  it('rôle et programmes changés : la personne les a aussitôt sur l’API qui les a changés', async () => {
    const admin = await jeton('admin.essai');
    const louise = await jeton('ts.loiret');
    const r = await api.appel('PATCH', '/api/personnel/ts.loiret', {
      jeton: admin,
      corps: { role: 'coordinateur', programmes: ['loiret-ahu', 'toulouse-declic'] },
    });
    expect(r.status, r.texte).toBe(200);
    expect(r.json).toMatchObject({ role: 'coordinateur', libelleRole: 'Coordination', programmes: ['loiret-ahu', 'toulouse-declic'] });
    const moi = await api.appel('GET', '/api/session', { jeton: louise });
    expect(moi.json.personne).toMatchObject({ role: 'coordinateur', programmes: ['loiret-ahu', 'toulouse-declic'] });
    await api.appel('PATCH', '/api/personnel/ts.loiret', { jeton: admin, corps: { role: 'travailleur_social', programmes: ['loiret-ahu'] } });
  });
});

describe('absences et remplacements', () => {
  const aujourdhui = () => jourDeParis(new Date());
  const dans = (jours: number) => jourDeParis(new Date(Date.now() + jours * JOUR_MS));
  /** Un rappel adressé à une personne du personnel, par la vraie activité d'envoi : qui l'a reçu. */
  const destinatairesDUnRappelA = async (id: string, cle: string): Promise<string[]> => {
    await createCourrielActivities(banc.dependances).envoyerCourriel({
      cle,
      destinataire: { type: 'personnel', id },
      sujet: `Rappel (${cle})`,
      paragraphes: ['Rappel.'],
      signature: 'AHU',
    });
    return (await banc.courriels.waitFor((m) => m.sujet.includes(cle))).a;
  };

  it('pendant l’absence, un courriel adressé à la personne part à son remplaçant, une fois, avec en tête le nom et les dates ; annulée, il revient à la personne', async () => {
    const coord = await jeton('coord.essai');
    const declare = await api.appel('POST', '/api/personnel/ts.alice/absences', {
      jeton: coord,
      corps: { du: aujourdhui(), au: dans(3), remplacant: 'ts.bruno' },
    });
    expect(declare.status, declare.texte).toBe(201);
    expect(declare.json).toMatchObject({
      personne: 'ts.alice',
      nomPersonne: 'Alice Travailleuse',
      remplacant: 'ts.bruno',
      nomRemplacant: 'Bruno Travailleur',
      enCours: true,
      declareePar: 'coord.essai',
    });

    const activites = createCourrielActivities(banc.dependances);
    const courriel = (cle: string) => ({
      cle,
      destinataire: { type: 'personnel' as const, id: 'ts.alice' },
      sujet: `Échéance dépassée (dossier ${cle})`,
      paragraphes: ['Le premier contact n’a pas eu lieu.'],
      signature: 'AHU',
    });
    await activites.envoyerCourriel(courriel('ABSENCE-1'));
    const recu = await banc.courriels.waitFor((m) => m.sujet.includes('ABSENCE-1'));
    expect(recu.a).toEqual(['bruno@essai.example']);
    // Le premier du mois : « 1er ».
    const jj = Number(aujourdhui().slice(8)) === 1 ? '1er' : String(Number(aujourdhui().slice(8)));
    const aaaa = aujourdhui().slice(0, 4);
    expect(recu.texte).toMatch(
      new RegExp(
        `^Bonjour,\\n\\nMessage adressé à Alice Travailleuse \\(absence du ${jj} \\S+ ${aaaa} au .+\\) : vous assurez son remplacement\\.\\n\\nLe premier contact`,
      ),
    );
    // Même clé, nouvelle tentative : rien de plus.
    await activites.envoyerCourriel(courriel('ABSENCE-1'));
    expect(banc.courriels.messages().filter((m) => m.sujet.includes('ABSENCE-1'))).toHaveLength(1);

    const liste = await api.appel('GET', '/api/absences', { jeton: coord });
    expect(liste.json).toEqual([expect.objectContaining({ id: declare.json.id, personne: 'ts.alice', enCours: true, menagesSuivis: 0 })]);
    const comptes = await api.appel('GET', '/api/personnel', { jeton: coord });
    expect(comptes.json.find((c: { id: string }) => c.id === 'ts.alice').absences).toHaveLength(1);
    // Le tableau de bord de la coordination le dit en tête.
    const tableau = await api.appel('GET', '/parcours', { jeton: coord, entetes: { accept: 'text/html' } });
    expect(tableau.status).toBe(200);
    expect(tableau.texte).toContain('Référents absents aujourd’hui');
    expect(tableau.texte).toContain('Alice Travailleuse, jusqu’au');

    const annule = await api.appel('DELETE', `/api/personnel/ts.alice/absences/${declare.json.id}`, { jeton: coord });
    expect(annule.status).toBe(204);
    await activites.envoyerCourriel(courriel('ABSENCE-2'));
    const apres = await banc.courriels.waitFor((m) => m.sujet.includes('ABSENCE-2'));
    expect(apres.a).toEqual(['alice@essai.example']);
    expect(apres.texte).not.toContain('vous assurez son remplacement');
    expect((await api.appel('DELETE', `/api/personnel/ts.alice/absences/${declare.json.id}`, { jeton: coord })).status).toBe(404);
  });

  it('un remplaçant qui ne suit pas le programme du courriel ne le reçoit pas : la coordination du programme, avec la raison', async () => {
    // Claire ne suit que loiret-ahu ; Alice suit aussi besancon-ccas.
    await inscrireAnnuaire(banc.dependances.base, [
      {
        id: 'ts.claire',
        nom: 'Claire Remplaçante',
        courriel: 'claire@essai.example',
        role: 'travailleur_social',
        programmes: ['loiret-ahu'],
        motDePasse: 'scrypt$x',
      },
    ]);
    const coord = await jeton('coord.essai');
    const declare = await api.appel('POST', '/api/personnel/ts.alice/absences', {
      jeton: coord,
      corps: { du: aujourdhui(), au: dans(2), remplacant: 'ts.claire' },
    });
    expect(declare.status, declare.texte).toBe(201);
    const activites = createCourrielActivities(banc.dependances);
    const courriel = (cle: string, programmeId: string) => ({
      cle,
      destinataire: { type: 'personnel' as const, id: 'ts.alice', programmeId },
      sujet: `Échéance dépassée (dossier ${cle})`,
      paragraphes: ['Le premier contact n’a pas eu lieu.'],
      signature: 'CCAS',
    });
    await activites.envoyerCourriel(courriel('ABSENCE-LOIRET', 'loiret-ahu'));
    expect((await banc.courriels.waitFor((m) => m.sujet.includes('ABSENCE-LOIRET'))).a).toEqual(['claire@essai.example']);
    await activites.envoyerCourriel(courriel('ABSENCE-BESANCON', 'besancon-ccas'));
    const besancon = await banc.courriels.waitFor((m) => m.sujet.includes('ABSENCE-BESANCON'));
    expect(besancon.a).not.toContain('claire@essai.example');
    expect(besancon.a).toContain('coordination@essai.example');
    expect(besancon.texte).toContain('son remplaçant, Claire Remplaçante, ne suit pas ce programme');
    await api.appel('DELETE', `/api/personnel/ts.alice/absences/${declare.json.id}`, { jeton: coord });
  });

  it('l’adresse d’un formulaire refusé, rouverte plus tard, mène à sa page (pas à « Page introuvable »)', async () => {
    const html = { accept: 'text/html' };
    for (const [chemin, vers] of [
      ['/personnel/invitations', '/personnel'],
      ['/personnel/ts.alice/absences/3/annulation', '/personnel'],
      ['/parcours/loiret-ahu--E-1/messages/tentative-contact', '/parcours/loiret-ahu--E-1'],
      ['/parcours/loiret-ahu--E-1/cloture', '/parcours/loiret-ahu--E-1'],
      ['/programmes/besancon-ccas/commission/apercu', '/programmes/besancon-ccas/commission'],
    ]) {
      const r = await api.appel('GET', chemin!, { entetes: html });
      expect(r.status, chemin).toBe(303);
      expect(r.headers.get('location'), chemin).toBe(vers);
    }
    expect((await api.appel('GET', '/parcours/loiret-ahu--E-1/autre-chose', { entetes: html })).status).toBe(404);
    // Les formulaires d'une organisation mènent à l'annuaire de son programme (la session d'abord).
    const coord = await jeton('coord.essai');
    for (const chemin of [
      '/organisations/loiret-ahu--bailleur',
      '/organisations/loiret-ahu--bailleur/contacts',
      '/organisations/loiret-ahu--bailleur/contacts/42/retrait',
    ]) {
      const r = await api.appel('GET', chemin, { jeton: coord, entetes: html });
      expect(r.status, chemin).toBe(303);
      expect(r.headers.get('location'), chemin).toBe('/programmes/loiret-ahu/annuaire');
    }
    expect((await api.appel('GET', '/organisations/inconnue--x/contacts', { jeton: coord, entetes: html })).status).toBe(404);
    // Un filtre modifié à la main dans l'adresse : nommé par son libellé, pas par son paramètre.
    const filtre = await api.appel('GET', '/parcours?cloture=peut-etre', { jeton: await jeton('coord.essai'), entetes: html });
    expect(filtre.status).toBe(400);
    expect(filtre.texte).toContain('Valeur non reconnue pour « État » (adresse modifiée ?) : choisissez de nouveau ci-dessous.');
    expect(filtre.texte).not.toContain('Champ « cloture »');
  });

  it('les dates d’une absence écrites comme une personne les écrit : « du 1er mars 2027 au 15 mars 2027 »', () => {
    expect(paragrapheRemplacement('Alice Travailleuse', '2027-03-01', '2027-03-15')).toBe(
      'Message adressé à Alice Travailleuse (absence du 1er mars 2027 au 15 mars 2027) : vous assurez son remplacement.',
    );
    expect(paragrapheRemplacement('Alice Travailleuse', '2027-12-31', '2028-01-01')).toContain('(absence du 31 décembre 2027 au 1er janvier 2028)');
  });

  it('le dernier jour de l’absence compte encore : le courriel part au remplaçant', async () => {
    const coord = await jeton('coord.essai');
    const declare = await api.appel('POST', '/api/personnel/ts.alice/absences', {
      jeton: coord,
      corps: { du: dans(-2), au: aujourdhui(), remplacant: 'ts.bruno' },
    });
    expect(declare.status, declare.texte).toBe(201);
    expect(declare.json.enCours).toBe(true);
    expect(await destinatairesDUnRappelA('ts.alice', 'ABSENCE-DERNIER-JOUR')).toEqual(['bruno@essai.example']);
    await api.appel('DELETE', `/api/personnel/ts.alice/absences/${declare.json.id}`, { jeton: coord });
  });

  it('le registre des absences tient ses règles quel que soit l’appelant ; il ne liste que ce qui n’est pas fini, « en cours » ce qui a commencé ; un remplaçant désactivé ne remplace plus, une administration couvre tous les programmes', async () => {
    const db = banc.dependances.base;
    const absences = new AbsencesPersonnel(db);
    await expect(absences.declarer({ personneId: 'ts.alice', du: dans(5), au: dans(2), remplacantId: 'ts.bruno' }, 'coord.essai')).rejects.toThrow(
      'la fin de l’absence ne peut pas précéder son début',
    );
    await db.updateTable('personnels').set({ actif: false }).where('id', '=', 'ts.concarneau').execute();
    try {
      await expect(absences.declarer({ personneId: 'ts.concarneau', du: dans(1), au: dans(2), remplacantId: 'admin.essai' }, 'admin.essai')).rejects.toThrow(
        'Le compte de Yann Concarneau est désactivé : il ne reçoit plus rien.',
      );
    } finally {
      await db.updateTable('personnels').set({ actif: true }).where('id', '=', 'ts.concarneau').execute();
    }

    // Finie hier, en cours, à venir : la liste garde les deux dernières, « en cours » la seule commencée.
    const ids: string[] = [];
    for (const [du, au] of [
      [dans(-6), dans(-1)],
      [dans(-1), dans(1)],
      [dans(8), dans(9)],
    ]) {
      const r = await db
        .insertInto('absences')
        .values({ personne_id: 'ts.loiret', du: du!, au: au!, remplacant_id: 'admin.essai', cree_par: 'admin.essai' })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(r.id);
    }
    try {
      expect((await absences.lister(['ts.loiret'])).map((a) => [a.du, a.au])).toEqual([
        [dans(-1), dans(1)],
        [dans(8), dans(9)],
      ]);
      expect((await absences.enCours(['ts.loiret'])).map((a) => a.du)).toEqual([dans(-1)]);
      // L'administration remplace dans tous les programmes ; désactivée, elle ne remplace plus (le courriel revient à la personne).
      expect(await remplacementDuJour(db, 'ts.loiret', aujourdhui(), 'loiret-ahu')).toMatchObject({ couvre: true, courriel: 'admin@essai.example' });
      await db.updateTable('personnels').set({ actif: false }).where('id', '=', 'admin.essai').execute();
      try {
        expect(await remplacementDuJour(db, 'ts.loiret', aujourdhui(), 'loiret-ahu')).toBeUndefined();
      } finally {
        await db.updateTable('personnels').set({ actif: true }).where('id', '=', 'admin.essai').execute();
      }
      // Annulée, elle quitte la liste ; une seconde annulation (un double clic que la route n'a pas arrêté) est refusée.
      await absences.annuler(ids[2]!, 'admin.essai');
      expect((await absences.lister(['ts.loiret'])).map((a) => a.du)).toEqual([dans(-1)]);
      await expect(absences.annuler(ids[2]!, 'admin.essai')).rejects.toThrow('Cette absence n’existe pas ou a déjà été annulée.');
    } finally {
      await db.deleteFrom('absences').where('id', 'in', ids).execute();
    }

    // Les ménages suivis par la personne absente : ses parcours ouverts seulement, dans les programmes demandés.
    const dossier = (workflowId: string, programmeId: string, clos: boolean) => ligneDossier({ workflowId, programmeId, travailleurSocial: 'ts.loiret', clos });
    const suivis = ['essai-suivis--ouvert', 'essai-suivis--clos', 'essai-suivis--ailleurs'];
    const compte = async (programmes?: string[]) => (await absences.menagesSuivis(['ts.loiret', 'ts.alice'], programmes)).get('ts.loiret') ?? 0;
    const [tous, loiret] = [await compte(), await compte(['loiret-ahu'])];
    await db
      .insertInto('dossiers')
      .values([dossier(suivis[0]!, 'loiret-ahu', false), dossier(suivis[1]!, 'loiret-ahu', true), dossier(suivis[2]!, 'toulouse-declic', false)])
      .execute();
    try {
      expect(await compte()).toBe(tous + 2);
      expect(await compte(['loiret-ahu'])).toBe(loiret + 1);
      expect(await absences.menagesSuivis(['ts.loiret'], [])).toEqual(new Map());
    } finally {
      await db.deleteFrom('dossiers').where('workflow_id', 'in', suivis).execute();
    }
  });

  it('pendant l’absence, le remplaçant ouvre et suit les ménages de la personne absente (lien des courriels, page, messages) ; l’absence finie ou annulée, plus rien', async () => {
    const coord = await jeton('coord.essai');
    const lance = await api.appel('POST', '/api/parcours', {
      jeton: coord,
      corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage: menageEssai(), donnees: { situation: situationPrevention() } },
    });
    expect(lance.status, lance.texte).toBe(201);
    const id = encodeURIComponent(lance.json.workflowId as string);
    const bruno = await jeton('ts.bruno');
    const lire = () => api.appel('GET', `/api/parcours/${id}`, { jeton: bruno });
    const page = () => api.appel('GET', `/parcours/${id}`, { entetes: { cookie: `${NOM_COOKIE}=${bruno}` } });
    expect((await lire()).status).toBe(403);
    expect((await lire()).json.detail).toBe('Ce ménage ne vous est pas affecté.');
    const declare = await api.appel('POST', '/api/personnel/ts.alice/absences', {
      jeton: coord,
      corps: { du: aujourdhui(), au: dans(2), remplacant: 'ts.bruno' },
    });
    expect(declare.status, declare.texte).toBe(201);
    try {
      // La même session, dès la requête suivante : le dossier, sa page, et ce qu'il y enregistre.
      expect((await lire()).status).toBe(200);
      expect((await page()).status).toBe(200);
      await vi.waitFor(async () => expect((await lire()).json.etape).toBe('aller_vers'), { timeout: 20_000, interval: 100 });
      const tentative = await api.appel('POST', `/api/parcours/${id}/messages/tentative-contact`, {
        jeton: bruno,
        corps: { requestId: randomUUID(), canal: 'telephone', creneau: 'soir', issue: 'injoignable' },
      });
      expect(tentative.status, tentative.texte).toBe(200);
      // Sa liste « Mes ménages » (page et API) les montre aussi, en disant qui il remplace.
      const reference = lance.json.etat.reference as string;
      const liste = (await api.appel('GET', '/parcours', { entetes: { cookie: `${NOM_COOKIE}=${bruno}` } })).texte;
      expect(liste).toContain(`(${reference})`);
      expect(liste).toContain('Suivi par Alice Travailleuse, en absence aujourd’hui : vous assurez son remplacement.');
      const parApi = await api.appel('GET', '/api/parcours', { jeton: bruno });
      expect(parApi.status, parApi.texte).toBe(200);
      expect(JSON.stringify(parApi.json)).toContain(lance.json.workflowId as string);
      // Une personne qu'il ne remplace pas : rien de plus.
      const louise = await jeton('ts.loiret');
      expect((await api.appel('GET', `/api/parcours/${id}`, { jeton: louise })).status).toBe(403);
      expect(JSON.stringify((await api.appel('GET', '/api/parcours', { jeton: louise })).json)).not.toContain(lance.json.workflowId as string);
    } finally {
      await api.appel('DELETE', `/api/personnel/ts.alice/absences/${declare.json.id}`, { jeton: coord });
    }
    expect((await lire()).status).toBe(403);
    expect(JSON.stringify((await api.appel('GET', '/api/parcours', { jeton: bruno })).json)).not.toContain(lance.json.workflowId as string);
  });

  it('la règle d’accès du remplaçant : les ménages de qui il remplace, dans les programmes qu’il suit seulement', () => {
    const remplacant = { id: 'ts.b', nom: 'B', courriel: 'b@essai.example', role: 'travailleur_social' as const, programmes: ['loiret-ahu'], motDePasse: 'x' };
    const menage = (programme: string, travailleurSocial?: string) => ({ programme: { id: programme, version: 1, nom: programme }, travailleurSocial });
    expect(raisonRefusLecture(remplacant, menage('loiret-ahu', 'ts.a'))).toBe('Ce ménage ne vous est pas affecté.');
    const ceJour = { ...remplacant, remplace: ['ts.a'] };
    expect(raisonRefusLecture(ceJour, menage('loiret-ahu', 'ts.a'))).toBeUndefined();
    expect(raisonRefusLecture(ceJour, menage('besancon-ccas', 'ts.a'))).toBe('Ce ménage ne vous est pas affecté.');
    expect(raisonRefusLecture(ceJour, menage('loiret-ahu', 'ts.c'))).toBe('Ce ménage ne vous est pas affecté.');
    expect(raisonRefusLecture(ceJour, menage('loiret-ahu'))).toBe('Ce ménage ne vous est pas affecté.');
  });

  it('une absence à venir ne détourne rien encore', async () => {
    const coord = await jeton('coord.essai');
    const declare = await api.appel('POST', '/api/personnel/ts.alice/absences', {
      jeton: coord,
      corps: { du: dans(10), au: dans(12), remplacant: 'ts.bruno' },
    });
    expect(declare.status, declare.texte).toBe(201);
    expect(declare.json.enCours).toBe(false);
    expect(await destinatairesDUnRappelA('ts.alice', 'ABSENCE-FUTURE')).toEqual(['alice@essai.example']);
    await api.appel('DELETE', `/api/personnel/ts.alice/absences/${declare.json.id}`, { jeton: coord });
  });

  it('dates et remplaçant vérifiés : erreurs en français qui nomment le champ', async () => {
    const coord = await jeton('coord.essai');
    const declarer = (id: string, corps: unknown) => api.appel('POST', `/api/personnel/${id}/absences`, { jeton: coord, corps });
    const erreur = async (id: string, corps: unknown) => {
      const r = await declarer(id, corps);
      expect(r.status, r.texte).toBe(400);
      return r.json.errors[0];
    };
    expect(await erreur('ts.alice', { du: dans(5), au: dans(2), remplacant: 'ts.bruno' })).toEqual({
      champ: 'au',
      message: 'la fin de l’absence ne peut pas précéder son début',
    });
    expect(await erreur('ts.alice', { du: '14/03/2027', au: dans(2), remplacant: 'ts.bruno' })).toEqual({
      champ: 'du',
      message: 'du : date attendue (AAAA-MM-JJ)',
    });
    expect(await erreur('ts.alice', { du: dans(-5), au: dans(-2), remplacant: 'ts.bruno' })).toEqual({
      champ: 'au',
      message: 'l’absence est déjà finie : le dernier jour est passé',
    });
    expect(await erreur('ts.alice', { du: aujourdhui(), au: dans(2), remplacant: 'ts.alice' })).toEqual({
      champ: 'remplacant',
      message: 'une personne ne peut pas se remplacer elle-même',
    });
    expect(await erreur('ts.alice', { du: aujourdhui(), au: dans(2) })).toEqual({ champ: 'remplacant', message: 'champ obligatoire' });
    expect(await erreur('ts.alice', { du: aujourdhui(), au: dans(2), remplacant: 'personne.inconnue' })).toEqual({
      champ: 'remplacant',
      message: 'aucun compte « personne.inconnue »',
    });
    expect(await erreur('ts.loiret', { du: aujourdhui(), au: dans(2), remplacant: 'ts.concarneau' })).toEqual({
      champ: 'remplacant',
      message: 'Yann Concarneau ne suit aucun programme de Louise Loiret : choisissez un remplaçant du même programme',
    });
    await banc.dependances.base.updateTable('personnels').set({ actif: false }).where('id', '=', 'ts.concarneau').execute();
    try {
      expect(await erreur('ts.alice', { du: aujourdhui(), au: dans(2), remplacant: 'ts.concarneau' })).toEqual({
        champ: 'remplacant',
        message: 'le compte de Yann Concarneau est désactivé : choisissez un remplaçant actif',
      });
    } finally {
      await banc.dependances.base.updateTable('personnels').set({ actif: true }).where('id', '=', 'ts.concarneau').execute();
    }
    // Deux absences qui se chevauchent : 409.
    const premiere = await declarer('ts.loiret', { du: dans(20), au: dans(25), remplacant: 'ts.alice' });
    expect(premiere.status, premiere.texte).toBe(201);
    // Le dernier jour de l'une est le premier de l'autre : elles se chevauchent (un jour, deux remplaçants).
    const chevauche = await declarer('ts.loiret', { du: dans(25), au: dans(30), remplacant: 'ts.bruno' });
    expect(chevauche.status).toBe(409);
    expect(chevauche.json.detail).toMatch(/^Louise Loiret a déjà une absence du .+ : annulez-la ou choisissez d’autres dates\.$/);
    const avant = await declarer('ts.loiret', { du: dans(15), au: dans(20), remplacant: 'ts.bruno' });
    expect(avant.status).toBe(409);
    // Le lendemain de la fin : pas de chevauchement.
    const apres = await declarer('ts.loiret', { du: dans(26), au: dans(30), remplacant: 'ts.bruno' });
    expect(apres.status, apres.texte).toBe(201);
    // Annulée une fois ; une seconde fois, elle n'existe plus à annuler.
    const annuler = () => api.appel('DELETE', `/api/personnel/ts.loiret/absences/${premiere.json.id}`, { jeton: coord });
    expect((await annuler()).status).toBe(204);
    const encore = await annuler();
    expect(encore.status).toBe(404);
    expect(encore.json.detail).toBe('Cette absence n’existe pas ou a déjà été annulée.');
    await api.appel('DELETE', `/api/personnel/ts.loiret/absences/${apres.json.id}`, { jeton: coord });
  });
});

describe('pages du personnel', () => {
  it('l’admin invite depuis la page (le lien montré une fois) ; la coordination lit sans formulaire de compte ; le travail social : accès refusé', async () => {
    const admin = await jeton('admin.essai');
    const page = await api.appel('GET', '/personnel', { jeton: admin, entetes: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.texte).toContain('<h1>Personnel</h1>');
    expect(page.texte).toContain('Inviter une personne');
    expect(page.texte).toContain('Travail social');
    expect(page.texte).not.toMatch(/>travailleur_social<|>coordinateur</);

    const invite = await api.appel('POST', '/personnel/invitations', {
      jeton: admin,
      formulaire: {
        csrf: jetonCsrf(admin),
        id: 'ts.page',
        nom: 'Paul Page',
        courriel: 'paul.page@essai.example',
        role: 'travailleur_social',
        programmes: 'loiret-ahu',
      },
    });
    expect(invite.status, invite.texte).toBe(201);
    const lien = /<code>(http:\/\/localhost:3999\/invitation\/[A-Za-z0-9_-]{43})<\/code>/.exec(invite.texte)?.[1];
    expect(lien).toBeDefined();
    await banc.courriels.waitFor((m) => m.a.includes('paul.page@essai.example') && m.texte.includes(lien!));

    const erreur = await api.appel('POST', '/personnel/invitations', {
      jeton: admin,
      formulaire: { csrf: jetonCsrf(admin), id: 'ts.page', nom: 'Paul Page', courriel: 'x', role: '', programmes: 'loiret-ahu' },
    });
    expect(erreur.status).toBe(400);
    expect(erreur.texte).toContain('Adresse électronique : adresse électronique invalide');
    expect(erreur.texte).toContain('Rôle : choisissez Coordination, Travail social ou Administration');
    const sansCsrf = await api.appel('POST', '/personnel/ts.page/desactivation', { jeton: admin, formulaire: { csrf: 'faux' } });
    expect(sansCsrf.status).toBe(403);
    const desactive = await api.appel('POST', '/personnel/ts.page/desactivation', { jeton: admin, formulaire: { csrf: jetonCsrf(admin) } });
    expect(desactive.status).toBe(303);
    expect(desactive.headers.get('location')).toBe('/personnel?fait=desactive');
    expect((await pageInvitation(jetonDuLien(lien!))).status).toBe(410);

    const coord = await jeton('coord.concarneau');
    const lecture = await api.appel('GET', '/personnel', { jeton: coord, entetes: { accept: 'text/html' } });
    expect(lecture.status).toBe(200);
    expect(lecture.texte).toContain('Yann Concarneau');
    expect(lecture.texte).not.toContain('Inviter une personne');
    expect(lecture.texte).toContain('Déclarer une absence');
    const ts = await api.appel('GET', '/personnel', { jeton: await jeton('ts.alice'), entetes: { accept: 'text/html' } });
    expect(ts.status).toBe(403);
    expect(ts.texte).toContain('La liste du personnel est réservée à la coordination et à l’administration.');
  });
});
