/**
 * Les avis de non-remise : un courriel accepté par le premier serveur puis renvoyé plus loin. Il part
 * avec sa propre adresse de retour ; l'avis, reçu par le récepteur SMTP du produit, le note dans la
 * boîte d'envoi, la coordination en est avertie une fois, et le dossier le dit. Sur le vrai moteur, la
 * vraie base et le mail catcher, qui joue le relais qui renvoie (destinataires en `.rebond.test`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NOM_COOKIE } from '../api/auth';
import { courrielsNonRemis, SANS_AVIS_APRES_MS } from '../base/courriels-en-attente';
import { aQuiAllait, courrielNonRemis } from '../courriers/retours';
import { avisDeNonRemise, renvoyerAvis } from '../dev/avis-non-remise';
import { adresseDeRetour, jetonDeRetour } from '../retours/adresse';
import { lireAvisDeNonRemise, raisonNonRemise } from '../retours/avis';
import { demarrerRecepteurRetours, idAvisNonRemise, signalerParTemporal, type RecepteurRetours } from '../retours/recepteur';
import { createNonRemiseActivities, parcoursDeLaCle } from '../activities/non-remise';
import type { Courriel } from '../activities/courriel';
import { bancAvecApi } from './outils/api';
import { envoyerDepuisApi } from '../api/courrier';
import { baseEssai } from './outils/base';
import { certificatEssai } from './outils/certificat';
import nodemailer from 'nodemailer';
import { BASE_URL, lancerAvance, menageEssai, situationPrevention } from './outils/environnement';

const RETOURS = 'retours@essai.example';
let recepteur: RecepteurRetours | undefined;
const essai = bancAvecApi('retours-essai', {
  dependances: { retours: RETOURS },
  relaisRetours: () => (recepteur ? { hote: '127.0.0.1', port: recepteur.port } : undefined),
});

const brut = (texte: string) => Buffer.from(texte.replace(/\r?\n/g, '\r\n'));
const rapport = (groupes: string[]) =>
  brut(`From: mailer-daemon@relais.example
To: ${adresseDeRetour(RETOURS, '0'.repeat(32))}
Subject: Delivery Status Notification
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="F"

--F
Content-Type: text/plain

Rapport.

--F
Content-Type: message/delivery-status

Reporting-MTA: dns; relais.example

${groupes.join('\n\n')}

--F--
`);

describe('lire un avis de non-remise', () => {
  it('garde le code des destinataires en échec, ignore les retards, les remises et ce qui n’est pas un avis', async () => {
    expect(await lireAvisDeNonRemise(rapport(['Final-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.1.1']))).toEqual({ statuts: ['5.1.1'] });
    // Un destinataire remis, un en échec (code replié sur deux lignes), un sans code lisible.
    expect(
      await lireAvisDeNonRemise(
        rapport([
          'Final-Recipient: rfc822; a@x.example\nAction: delivered\nStatus: 2.0.0',
          'Final-Recipient: rfc822; b@x.example\nAction: FAILED\nStatus:\n 5.2.2 (boîte pleine)',
          'Final-Recipient: rfc822; c@x.example\nAction: failed',
        ]),
      ),
    ).toEqual({ statuts: ['5.2.2', '5.0.0'] });
    expect(await lireAvisDeNonRemise(rapport(['Final-Recipient: rfc822; a@x.example\nAction: delayed\nStatus: 4.4.1']))).toBeUndefined();
    expect(
      await lireAvisDeNonRemise(brut('From: a@x.example\nSubject: Absent du bureau\nAuto-Submitted: auto-replied\n\nJe suis absente jusqu’au 4.\n')),
    ).toBeUndefined();
    // Le rapport du relais de développement se lit comme un vrai.
    expect(await lireAvisDeNonRemise(Buffer.from(avisDeNonRemise({ a: RETOURS, destinataires: ['x@y.rebond.test'], entetes: 'Subject: essai' })))).toEqual({
      statuts: ['5.1.1'],
    });
  });

  it('l’adresse de retour porte le jeton du courriel et rien d’autre', () => {
    const jeton = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const adresse = adresseDeRetour(RETOURS, jeton);
    expect(adresse).toBe(`retours+${jeton}@essai.example`);
    expect(jetonDeRetour(RETOURS, adresse)).toBe(jeton);
    expect(jetonDeRetour(RETOURS, adresse.toUpperCase().replace('RETOURS', 'retours'))).toBe(jeton);
    for (const autre of [
      `retours+${jeton}@autre.example`,
      `autre+${jeton}@essai.example`,
      'retours@essai.example',
      'retours+123@essai.example',
      `retours+${jeton}x@essai.example`,
    ])
      expect(jetonDeRetour(RETOURS, autre), autre).toBeUndefined();
  });

  it('dit en mots de tous les jours à qui allait le courriel et pourquoi il est revenu', () => {
    expect(
      ['menage', 'partenaire:bailleur', 'partenaire:caf', 'partenaire:services_sociaux', 'partenaire:operateur', 'personnel', 'inconnu'].map(aQuiAllait),
    ).toEqual([
      'au ménage',
      'au bailleur',
      'à la CAF',
      'aux services sociaux',
      'à l’opérateur du dispositif',
      'à un membre du personnel',
      'à son destinataire',
    ]);
    expect(['5.1.1', '5.1.2', '5.2.2', '5.7.1', '4.4.7', null].map(raisonNonRemise)).toEqual([
      'adresse inconnue chez son destinataire',
      'domaine de l’adresse introuvable',
      'boîte du destinataire pleine',
      'refusé par le serveur du destinataire (filtrage ou politique de sécurité)',
      'serveur du destinataire injoignable pendant plusieurs jours',
      'refusé par le serveur du destinataire',
    ]);
    const c = courrielNonRemis({
      reference: 'LL-1',
      destinataire: 'partenaire:bailleur',
      envoyeLe: '2026-03-29T00:30:00Z',
      raison: 'adresse inconnue chez son destinataire',
    });
    expect(c.sujet).toBe('Courriel non remis au bailleur (dossier LL-1)');
    // Une heure après minuit à Paris le jour du passage à l'heure d'été : le 29 mars.
    expect(c.paragraphes[0]).toContain('le 29 mars 2026 pour le dossier LL-1');
    expect(c.paragraphes[1]).toContain('annuaire des partenaires');
    // La coordination ne modifie pas les comptes : elle est renvoyée à l'administration.
    const compte = courrielNonRemis({ destinataire: 'personnel', envoyeLe: '2026-12-31T23:30:00Z', raison: 'boîte du destinataire pleine' });
    expect(compte.sujet).toBe('Courriel non remis à un membre du personnel');
    expect(compte.paragraphes[0]).toContain('le 1er janvier 2027');
    expect(compte.paragraphes[1]).toContain('demandez à l’administration de la plateforme de la corriger');
    expect(parcoursDeLaCle('loiret-ahu--LL-1/abc')).toEqual({ id: 'loiret-ahu--LL-1', programmeId: 'loiret-ahu', reference: 'LL-1' });
    expect(parcoursDeLaCle('file-iml--concarneau-iml/abc')).toBeUndefined();
    expect(parcoursDeLaCle('invitation:xyz')).toBeUndefined();
  });
});

describe('avis de non-remise reçus', () => {
  beforeAll(async () => {
    const { banc } = essai;
    recepteur = await demarrerRecepteurRetours(
      { base: banc.dependances.base, retours: RETOURS, signaler: signalerParTemporal(banc.env.client, banc.taskQueue) },
      { port: 0, hote: '127.0.0.1' },
    );
  });
  afterAll(async () => {
    await recepteur?.close();
  });

  it('la lettre au ménage revient : notée une fois, la coordination avertie une fois, le dossier le dit ; le parcours continue', async () => {
    const { api, banc } = essai;
    const menage = { ...menageEssai(), courriel: 'josiane@boite.rebond.test' };
    const lance = await api.appel('POST', '/api/parcours', {
      jeton: await essai.connecter('coord.essai'),
      corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage, donnees: { situation: situationPrevention() } },
    });
    expect(lance.status, lance.texte).toBe(201);
    const workflowId = lance.json.workflowId as string;
    const sujet = `Courriel non remis au ménage (dossier ${menage.reference})`;
    const alerte = await banc.courriels.waitFor((m) => m.sujet === sujet, { timeoutMs: 30_000 });
    expect(alerte.a).toEqual(['coordination@essai.example']);
    expect(alerte.texte).toContain('le serveur de courriel de son destinataire l’a renvoyé (adresse inconnue chez son destinataire)');
    expect(alerte.texte).toContain(`${BASE_URL}/parcours/${encodeURIComponent(workflowId)}`);
    // Le relais a accepté puis renvoyé : rien n'est arrivé au ménage ; le bailleur, lui, a reçu le sien.
    expect(banc.courriels.messages().some((m) => m.a.includes('josiane@boite.rebond.test'))).toBe(false);

    const ligne = await banc.dependances.base
      .selectFrom('courriels')
      .select(['cle', 'jeton_retour', 'destinataire', 'programme_id', 'non_remis_statut', 'non_remis_le'])
      .where('cle', 'like', `${workflowId}/%`)
      .where('destinataire', '=', 'menage')
      .executeTakeFirstOrThrow();
    expect(ligne).toMatchObject({ destinataire: 'menage', programme_id: 'loiret-ahu', non_remis_statut: '5.1.1' });
    expect(ligne.jeton_retour).toMatch(/^[0-9a-f]{32}$/);
    // Les autres courriels du lancement portent leur propre jeton, et ne sont pas notés.
    const autres = await banc.dependances.base
      .selectFrom('courriels')
      .select(['jeton_retour', 'non_remis_le'])
      .where('cle', 'like', `${workflowId}/%`)
      .execute();
    expect(new Set(autres.map((a) => a.jeton_retour)).size).toBe(autres.length);
    expect(autres.filter((a) => a.non_remis_le)).toHaveLength(1);
    await banc.env.client.workflow.getHandle(idAvisNonRemise(ligne.cle)).result();

    // Le dossier le dit, à qui l'ouvre.
    const fiche = (
      await api.appel('GET', `/parcours/${encodeURIComponent(workflowId)}`, { entetes: { cookie: `${NOM_COOKIE}=${await essai.connecter('ts.alice')}` } })
    ).texte;
    expect(fiche).toContain('<strong>Un courriel de ce dossier n’a pas été remis</strong>');
    expect(fiche).toMatch(/<li>le courriel au ménage du [^<]+ : adresse inconnue chez son destinataire \(avis reçu le [^)]+\)<\/li>/);
    expect(fiche).not.toContain('josiane@boite.rebond.test</li>');
    // Le tableau de bord de la coordination le dit aussi, avec le lien du dossier ; pas celui d'un travailleur social.
    const tableau = async (id: string) => (await api.appel('GET', '/parcours', { entetes: { cookie: `${NOM_COOKIE}=${await essai.connecter(id)}` } })).texte;
    const coordination = await tableau('coord.essai');
    expect(coordination).toContain('<h2 id="titre-non-remis">Courriels non remis</h2>');
    expect(coordination).toContain(`<a href="/parcours/${encodeURIComponent(workflowId)}">dossier ${menage.reference}</a> : le courriel au ménage du `);
    expect(await tableau('ts.alice')).not.toContain('titre-non-remis');

    // Le même avis représenté (par le même relais, ou à un second récepteur sur la même base) : rien de plus.
    const second = await demarrerRecepteurRetours(
      { base: banc.dependances.base, retours: RETOURS, signaler: signalerParTemporal(banc.env.client, banc.taskQueue) },
      { port: 0, hote: '127.0.0.1' },
    );
    try {
      const retour = adresseDeRetour(RETOURS, ligne.jeton_retour!);
      const texte = avisDeNonRemise({ a: retour, destinataires: ['josiane@boite.rebond.test'], entetes: 'Subject: Lettre', statut: '5.2.2' });
      await renvoyerAvis({ hote: '127.0.0.1', port: recepteur!.port }, retour, texte);
      await renvoyerAvis({ hote: '127.0.0.1', port: second.port }, retour, texte);
    } finally {
      await second.close();
    }
    const apres = await banc.dependances.base
      .selectFrom('courriels')
      .select(['non_remis_le', 'non_remis_statut'])
      .where('cle', '=', ligne.cle)
      .executeTakeFirstOrThrow();
    expect(apres).toEqual({ non_remis_le: ligne.non_remis_le, non_remis_statut: '5.1.1' });
    await banc.env.client.workflow.getHandle(idAvisNonRemise(ligne.cle)).result();
    expect(banc.courriels.messages().filter((m) => m.sujet === sujet)).toHaveLength(1);
    // Le parcours n'en est pas retenu.
    expect((await banc.env.client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
  });

  it('avec une clé et un certificat, le récepteur propose STARTTLS : un avis reçu chiffré est noté ; sans eux, un relais qui exige le chiffrement ne lui remet rien', async () => {
    const { banc } = essai;
    const cle = `essai-tls:${Date.now()}`;
    await banc.dependances.base
      .insertInto('courriels')
      .values({ cle, message_id: `<${cle}@essai>`, destinataire: 'coordination' })
      .execute();
    const { jeton_retour } = await banc.dependances.base.selectFrom('courriels').select('jeton_retour').where('cle', '=', cle).executeTakeFirstOrThrow();
    const retour = adresseDeRetour(RETOURS, jeton_retour!);
    const texte = avisDeNonRemise({ a: retour, destinataires: ['quelquun@ailleurs.example'], entetes: 'Subject: Essai', statut: '5.1.1' });
    const exigeant = (port: number) =>
      nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
    const statut = () => banc.dependances.base.selectFrom('courriels').select('non_remis_statut').where('cle', '=', cle).executeTakeFirstOrThrow();

    // Sans clé ni certificat : pas de STARTTLS, le relais qui l'exige ne remet rien, rien n'est noté.
    const sansTls = exigeant(recepteur!.port);
    await expect(sansTls.sendMail({ envelope: { from: '', to: [retour] }, raw: texte })).rejects.toThrow(/STARTTLS/);
    sansTls.close();
    expect(await statut()).toEqual({ non_remis_statut: null });

    const { cle: cleTls, certificat } = certificatEssai();
    const chiffre = await demarrerRecepteurRetours(
      { base: banc.dependances.base, retours: RETOURS, signaler: signalerParTemporal(banc.env.client, banc.taskQueue) },
      { port: 0, hote: '127.0.0.1', tls: { cle: cleTls, certificat } },
    );
    const transport = exigeant(chiffre.port);
    try {
      await transport.sendMail({ envelope: { from: '', to: [retour] }, raw: texte });
    } finally {
      transport.close();
      await chiffre.close();
    }
    expect(await statut()).toEqual({ non_remis_statut: '5.1.1' });
  });

  it('un courriel que l’API envoie elle-même (lien d’orientation à une organisation) revient aussi : la coordination de son programme est avertie', async () => {
    const { banc } = essai;
    const cle = `orientation-lien:essai-${Date.now()}`;
    // Le serveur de courriel refuse d'abord l'alerte : elle est reprise, et part une fois à son retour.
    const SUJET = 'Courriel non remis à une organisation de l’annuaire (lien d’orientation)';
    const reparer = banc.refuserCourriels((objet) => objet === SUJET);
    const parti = await envoyerDepuisApi(
      {
        base: banc.dependances.base,
        transport: banc.dependances.transport,
        expediteur: banc.dependances.expediteur,
        options: { publicBaseUrl: BASE_URL, sessionTtl: 'PT8H' },
        retours: RETOURS,
      },
      {
        cle,
        destinataire: 'organisation',
        programmeId: 'loiret-ahu',
        a: [{ nom: 'Accueil', courriel: 'accueil@association.rebond.test' }],
        sujet: 'Loiret : orienter un ménage',
        paragraphes: ['Vous pouvez orienter un ménage.'],
        signature: 'Le CCAS',
      },
    );
    expect(parti).toBe(true);
    const avis = banc.env.client.workflow.getHandle(idAvisNonRemise(cle));
    try {
      await vi.waitFor(
        async () => {
          const l = await banc.dependances.base.selectFrom('courriels').select('echoue_le').where('cle', '=', `${cle}:non-remis`).executeTakeFirst();
          expect(l?.echoue_le).toBeTruthy();
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      reparer();
    }
    // La reprise suivante (10 s d'attente sautées sur l'horloge du workflow).
    await lancerAvance(banc, avis, '1 minute');
    expect(await avis.result()).toBe('alerte');
    const alerte = await banc.courriels.waitFor((m) => m.sujet === SUJET, { timeoutMs: 30_000 });
    expect(banc.courriels.messages().filter((m) => m.sujet === SUJET)).toHaveLength(1);
    expect(alerte.a).toEqual(['coordination@essai.example']);
    expect(alerte.texte).toContain('envoyez-lui de nouveau le lien d’orientation');
    expect(alerte.texte).not.toContain('Ouvrir le dossier');
    expect(alerte.texte).toContain(`Ouvrir l’annuaire des partenaires : ${BASE_URL}/programmes/loiret-ahu/annuaire`);
    expect(
      await banc.dependances.base.selectFrom('courriels').select(['destinataire', 'non_remis_statut']).where('cle', '=', cle).executeTakeFirstOrThrow(),
    ).toEqual({
      destinataire: 'organisation',
      non_remis_statut: '5.1.1',
    });
  });

  it('refuse les adresses qui ne sont pas celles d’un courriel, oublie ce qui n’est pas un avis d’échec, et fait représenter un avis qu’il n’a pas pu traiter', async () => {
    const { banc } = essai;
    const db = banc.dependances.base;
    const reference = `RETOUR-${Date.now()}`;
    const cle = `loiret-ahu--${reference}/lettre`;
    await db
      .insertInto('courriels')
      .values({ cle, message_id: `<${cle}@essai>`, destinataire: 'partenaire:bailleur', programme_id: 'loiret-ahu', envoye_le: new Date() })
      .execute();
    const { jeton_retour: jeton } = await db.selectFrom('courriels').select('jeton_retour').where('cle', '=', cle).executeTakeFirstOrThrow();
    const retour = adresseDeRetour(RETOURS, jeton!);
    const vers = { hote: '127.0.0.1', port: recepteur!.port };
    const echec = avisDeNonRemise({ a: retour, destinataires: ['bailleur@x.rebond.test'], entetes: 'Subject: Demande' });

    // Un jeton inconnu, une autre boîte : refusés pour de bon.
    for (const autre of [adresseDeRetour(RETOURS, 'f'.repeat(32)), 'postmaster@essai.example'])
      await expect(renvoyerAvis(vers, autre, echec)).rejects.toMatchObject({ responseCode: 550 });
    // Une réponse automatique, un avis de retard : acceptés, oubliés.
    await renvoyerAvis(vers, retour, 'From: a@b.example\r\nSubject: Absent\r\n\r\nJe suis absent.\r\n');
    await renvoyerAvis(vers, retour, echec.replace('Action: failed', 'Action: delayed'));
    expect((await db.selectFrom('courriels').select('non_remis_le').where('cle', '=', cle).executeTakeFirstOrThrow()).non_remis_le).toBeNull();

    // Temporal indisponible au moment de l'avis : « réessayez plus tard » (451), le courriel est noté ;
    // représenté, l'avis fait avertir la coordination.
    let panne = true;
    const signaler = signalerParTemporal(banc.env.client, banc.taskQueue);
    const fragile = await demarrerRecepteurRetours(
      {
        base: db,
        retours: RETOURS,
        signaler: async (c) => {
          if (panne) throw new Error('Temporal injoignable (essai)');
          await signaler(c);
        },
      },
      { port: 0, hote: '127.0.0.1' },
    );
    try {
      await expect(renvoyerAvis({ hote: '127.0.0.1', port: fragile.port }, retour, echec)).rejects.toMatchObject({ responseCode: 451 });
      expect((await db.selectFrom('courriels').select('non_remis_statut').where('cle', '=', cle).executeTakeFirstOrThrow()).non_remis_statut).toBe('5.1.1');
      panne = false;
      await renvoyerAvis({ hote: '127.0.0.1', port: fragile.port }, retour, echec);
    } finally {
      await fragile.close();
    }
    expect(await banc.env.client.workflow.getHandle(idAvisNonRemise(cle)).result()).toBe('alerte');
    const alerte = await banc.courriels.waitFor((m) => m.sujet === `Courriel non remis au bailleur (dossier ${reference})`);
    expect(alerte.texte).toContain('annuaire des partenaires du programme');
  });

  it('un courriel à la coordination qui revient ne fait pas d’alerte (elle ne lui parviendrait pas) ; l’avis reste sur le dossier', async () => {
    const db = (await baseEssai()).db;
    const parcours = `loiret-ahu--COORD-${Date.now()}`;
    const cle = `${parcours}/alerte`;
    await db
      .insertInto('courriels')
      .values({
        cle,
        message_id: `<${cle}@essai>`,
        destinataire: 'coordination',
        programme_id: 'loiret-ahu',
        envoye_le: new Date(),
        non_remis_le: new Date(),
        non_remis_statut: '5.1.1',
      })
      .execute();
    const envoyes: Courriel[] = [];
    const a = createNonRemiseActivities({ base: db, baseUrl: BASE_URL }, async (c) => {
      envoyes.push(c);
      return { messageId: 'x' };
    });
    expect(await a.signalerNonRemise({ cle })).toBe('sans_alerte');
    // Une alerte qui revient elle-même non plus ; un courriel jamais noté non remis non plus.
    expect(await a.signalerNonRemise({ cle: `${cle}:non-remis` })).toBe('sans_alerte');
    expect(await a.signalerNonRemise({ cle: 'loiret-ahu--INCONNU/x' })).toBe('sans_alerte');
    expect(envoyes).toHaveLength(0);
    expect((await courrielsNonRemis(db, { parcours }, new Date())).map((n) => n.destinataire)).toEqual(['coordination']);
    await expect(a.signalerNonRemise({ cle: 'court' })).rejects.toMatchObject({ type: 'EntreeInvalide' });
  });

  it('l’avis du dossier s’efface quand un courriel suivant au même destinataire est arrivé sans revenir', async () => {
    const db = (await baseEssai()).db;
    const parcours = `loiret-ahu--EFFACE-${Date.now()}`;
    const t0 = new Date('2026-10-25T00:30:00Z'); // nuit du passage à l'heure d'hiver
    const heure = (h: number) => new Date(t0.getTime() + h * 3_600_000);
    await db
      .insertInto('courriels')
      .values([
        {
          cle: `${parcours}/1`,
          message_id: '<e1@essai>',
          programme_id: 'loiret-ahu',
          destinataire: 'partenaire:bailleur',
          envoye_le: t0,
          non_remis_le: heure(0.1),
          non_remis_statut: '5.1.1',
        },
        {
          cle: `${parcours}/2`,
          message_id: '<e2@essai>',
          programme_id: 'loiret-ahu',
          destinataire: 'menage',
          envoye_le: heure(0.5),
          non_remis_le: heure(0.6),
          non_remis_statut: '5.2.2',
        },
        // Au bailleur, plus tard, sans avis.
        { cle: `${parcours}/3`, message_id: '<e3@essai>', programme_id: 'loiret-ahu', destinataire: 'partenaire:bailleur', envoye_le: heure(2) },
      ])
      .execute();
    const sortes = async (maintenant: Date) => (await courrielsNonRemis(db, { parcours }, maintenant)).map((n) => n.destinataire);
    // Le courriel suivant au bailleur vient de partir : un avis peut encore revenir.
    expect(await sortes(heure(2.5))).toEqual(['menage', 'partenaire:bailleur']);
    // Une heure après, sans avis : l'adresse du bailleur est bonne ; celle du ménage reste à vérifier.
    expect(await sortes(new Date(heure(2).getTime() + SANS_AVIS_APRES_MS + 60_000))).toEqual(['menage']);
    // L'adresse du ménage corrigée depuis l'avis : son avis s'efface aussi.
    await db
      .insertInto('consentements_menage')
      .values({ workflow_id: parcours, canal: 'courriel', accorde: true, coordonnee_chiffre: null, par: 'ts.alice' })
      .execute();
    expect(await sortes(heure(2.5))).toEqual(['partenaire:bailleur']);
    // Par programme (le tableau de bord) : le même effacement, la même limite dans le temps.
    const parProgramme = async (programmes: string[], depuis?: Date) =>
      (await courrielsNonRemis(db, programmes, heure(2.5), depuis ? { depuis, limite: 50 } : { limite: 50 }))
        .filter((n) => n.parcours === parcours)
        .map((n) => n.destinataire);
    expect(await parProgramme(['loiret-ahu'])).toEqual(['partenaire:bailleur']);
    expect(await parProgramme(['loiret-ahu'], heure(0.2))).toEqual([]);
    expect(await parProgramme(['besancon-ccas'])).toEqual([]);
    expect((await courrielsNonRemis(db, 'tous', heure(2.5), { limite: 50 })).filter((n) => n.parcours === parcours)).toHaveLength(1);
    expect(await courrielsNonRemis(db, [], heure(2.5))).toEqual([]);
    // Un autre parcours dont l'identifiant commence pareil n'est pas lu (« _ » et « % » pris à la lettre).
    expect(await courrielsNonRemis(db, { parcours: parcours.replace('EFFACE', 'EFFAC_') }, heure(3))).toEqual([]);
  });
});
