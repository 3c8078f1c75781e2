/**
 * La boîte d'envoi du système d'enregistrement (table `courriels`) : deux workers qui reprennent la
 * même activité envoient le courriel une fois ; un lien signé est le même à chaque tentative.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createCourrielActivities, type DependancesCourriel } from '../activities/courriel';
import { EnvoiCourrielImpossible, adresseRefusee } from '../activities/echec-smtp';
import { envoyerDepuisApi } from '../api/courrier';
import { startMailCatcher, type MailCatcher } from '../dev/mail-catcher';
import { AnnuairePartenaires } from '../personnel/organisations';
import { baseEssai, creerBaseEssai, type BaseEssai } from './outils/base';
import { CATALOGUE, SIGNEUR, inscrireAnnuaire } from './outils/environnement';

let boite: MailCatcher;
let base: BaseEssai;
const deps = (o: Partial<DependancesCourriel> = {}): DependancesCourriel => ({
  base: base.db,
  transport: nodemailer.createTransport({ host: '127.0.0.1', port: boite.smtpPort, secure: false, ignoreTLS: true }),
  expediteur: 'Prévention des expulsions <ne-pas-repondre@essai.example>',
  signeur: SIGNEUR,
  baseUrl: 'http://localhost:3999',
  ...o,
});

beforeAll(async () => {
  boite = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
  base = await baseEssai();
  await inscrireAnnuaire(base.db);
});
afterAll(async () => boite?.close());

const courriel = (cle: string) => ({
  cle,
  destinataire: { type: 'adresse' as const, nom: 'Bailleur', courriel: 'bailleur@essai.example' },
  sujet: `Orientation reçue (dossier ${cle})`,
  paragraphes: ['Le ménage est orienté vers l’accompagnement.'],
  signature: 'AHU',
});
const EXPIRE_LE = new Date(Date.now() + 14 * 86_400_000).toISOString();
const lien = (cle: string) => ({
  cle,
  workflowId: 'loiret-ahu--BOITE-1',
  demandeId: 'd1',
  role: 'departement' as const,
  destinataire: { type: 'adresse' as const, nom: 'Département', courriel: 'fsl@essai.example' },
  sujet: `Validation du plan (dossier ${cle})`,
  paragraphes: ['Votre décision est attendue.'],
  libelleLien: 'Répondre',
  expireLe: EXPIRE_LE,
  signature: 'AHU',
});
const recus = (cle: string) => boite.messages().filter((m) => m.sujet.includes(cle));
const jetonDe = (texte: string) => /\/liens\/([A-Za-z0-9._-]+)/.exec(texte)![1]!;

describe('boîte d’envoi', () => {
  it('deux workers exécutent la même activité en même temps : un seul courriel, le même Message-ID, enregistré une fois', async () => {
    const a = createCourrielActivities(deps());
    const b = createCourrielActivities(deps());
    const [ra, rb] = await Promise.all([a.envoyerCourriel(courriel('BOITE-DOUBLE')), b.envoyerCourriel(courriel('BOITE-DOUBLE'))]);
    expect(ra.messageId).toBe(rb.messageId);
    await boite.waitFor((m) => m.sujet.includes('BOITE-DOUBLE'));
    // Une troisième tentative, plus tard, ne renvoie rien non plus.
    await createCourrielActivities(deps()).envoyerCourriel(courriel('BOITE-DOUBLE'));
    expect(recus('BOITE-DOUBLE')).toHaveLength(1);
    const lignes = await base.db.selectFrom('courriels').selectAll().where('cle', '=', 'BOITE-DOUBLE').execute();
    expect(lignes).toHaveLength(1);
    expect(lignes[0]!.envoye_le).toBeInstanceOf(Date);
    expect(lignes[0]!.tentatives).toBe(1);
  });

  it('les courriels d’une étape en une activité : envoyés dans l’ordre ; le worker tombe après le deuxième, la reprise n’envoie que le troisième', async () => {
    const lot = { courriels: ['LOT-ETAPE-1', 'LOT-ETAPE-2', 'LOT-ETAPE-3'].map((cle) => ({ ...courriel(cle), sujet: `Plan d’aide engagé (dossier ${cle})` })) };
    const tombe = createCourrielActivities(
      deps({
        apresEnvoi: (cle) => {
          if (cle === 'LOT-ETAPE-2') throw new Error('worker arrêté après le deuxième envoi');
        },
      }),
    );
    await expect(tombe.envoyerCourriels(lot)).rejects.toThrow('worker arrêté');
    await boite.waitFor((m) => m.sujet.includes('LOT-ETAPE-2'));
    expect(recus('LOT-ETAPE').map((m) => m.sujet)).toEqual(['Plan d’aide engagé (dossier LOT-ETAPE-1)', 'Plan d’aide engagé (dossier LOT-ETAPE-2)']);
    const r = await createCourrielActivities(deps()).envoyerCourriels(lot);
    await boite.waitFor((m) => m.sujet.includes('LOT-ETAPE-3'));
    expect(recus('LOT-ETAPE')).toHaveLength(3);
    // Un résultat par courriel, dans l'ordre du lot (le Message-ID vient de la clé de chacun).
    expect(r.map((x) => x.messageId)).toEqual(recus('LOT-ETAPE').map((m) => m.messageId));
    await createCourrielActivities(deps()).envoyerCourriels(lot);
    expect(recus('LOT-ETAPE')).toHaveLength(3);
  });

  it('un lot invalide est refusé en entier, sans rien envoyer, avec le champ fautif en français', async () => {
    const lot = { courriels: [courriel('LOT-INVALIDE-1'), { ...courriel('LOT-INVALIDE-2'), sujet: '' }] };
    const echec = await createCourrielActivities(deps())
      .envoyerCourriels(lot)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(echec).toBeInstanceOf(ApplicationFailure);
    expect((echec as ApplicationFailure).message).toMatch(/^envoyerCourriels : entrée invalide, champ courriels\.1\.sujet/);
    expect((echec as ApplicationFailure).nonRetryable).toBe(true);
    expect(recus('LOT-INVALIDE')).toHaveLength(0);
  });

  it('le worker tombe juste après l’envoi enregistré : la reprise par un autre worker ne renvoie pas', async () => {
    const a = createCourrielActivities(
      deps({
        apresEnvoi: () => {
          throw new Error('worker arrêté après l’envoi');
        },
      }),
    );
    await expect(a.envoyerCourriel(courriel('BOITE-PANNE'))).rejects.toThrow('worker arrêté');
    await createCourrielActivities(deps()).envoyerCourriel(courriel('BOITE-PANNE'));
    await boite.waitFor((m) => m.sujet.includes('BOITE-PANNE'));
    expect(recus('BOITE-PANNE')).toHaveLength(1);
  });

  it('le worker meurt entre l’acceptation par le serveur SMTP et l’enregistrement : la reprise ne renvoie pas (un courriel, un lien), l’envoi est noté incertain', async () => {
    const env = new MockActivityEnvironment();
    const mort = createCourrielActivities(
      deps({
        apresAcceptation: () => {
          throw new Error('worker tué pendant l’envoi');
        },
      }),
    );
    await expect(env.run(mort.envoyerLienSigne, lien('BOITE-CRASH'))).rejects.toThrow('worker tué');
    await boite.waitFor((m) => m.sujet.includes('BOITE-CRASH'));
    // La reprise, pendant le bail de l'envoi commencé, attend ; au-delà, elle ne renvoie rien.
    const reprise = await env.run(createCourrielActivities(deps({ bailEnvoiMs: 400 })).envoyerLienSigne, lien('BOITE-CRASH'));
    expect((reprise as { messageId: string }).messageId).toMatch(/^<[0-9a-f]{40}@/);
    expect(recus('BOITE-CRASH')).toHaveLength(1);
    const [ligne] = await base.db.selectFrom('courriels').selectAll().where('cle', '=', 'BOITE-CRASH').execute();
    expect(ligne).toMatchObject({ incertain: true, tentatives: 1 });
    expect(ligne!.envoye_le).toBeInstanceOf(Date);
    // Une tentative de plus, bien plus tard : toujours rien.
    await env.run(createCourrielActivities(deps()).envoyerLienSigne, lien('BOITE-CRASH'));
    expect(recus('BOITE-CRASH')).toHaveLength(1);
  });

  it('SMTP en panne à la première tentative : rien n’est marqué envoyé, la reprise envoie une fois', async () => {
    const enPanne = createCourrielActivities(
      deps({ transport: nodemailer.createTransport({ host: '127.0.0.1', port: 1, secure: false, ignoreTLS: true, connectionTimeout: 500 }) }),
    );
    await expect(enPanne.envoyerCourriel(courriel('BOITE-SMTP'))).rejects.toThrow();
    const ligne = await base.db.selectFrom('courriels').selectAll().where('cle', '=', 'BOITE-SMTP').executeTakeFirst();
    expect(ligne?.envoye_le ?? null).toBeNull();
    await createCourrielActivities(deps()).envoyerCourriel(courriel('BOITE-SMTP'));
    await boite.waitFor((m) => m.sujet.includes('BOITE-SMTP'));
    expect(recus('BOITE-SMTP')).toHaveLength(1);
  });

  it('un destinataire refusé par le serveur SMTP : l’échec (journalisé par le worker) ne cite ni l’adresse ni la réponse du serveur, et l’envoi est repris', async () => {
    // Un vrai serveur SMTP qui refuse le destinataire en le nommant, comme le font les serveurs réels ;
    // pour une raison de configuration (relais refusé) : l'envoi est repris (une adresse inconnue, 5.1.x,
    // serait redirigée : plus bas).
    const refuseur = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo: (adresse, _session, fini) => fini(Object.assign(new Error(`5.7.1 <${adresse.address}>: Relay access denied`), { responseCode: 550 })),
    });
    await new Promise<void>((ok) => refuseur.listen(0, '127.0.0.1', ok));
    try {
      const port = (refuseur.server.address() as AddressInfo).port;
      const refuse = createCourrielActivities(deps({ transport: nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }) }));
      const c = {
        ...courriel('BOITE-REFUS'),
        destinataire: { type: 'adresse' as const, nom: 'Mme Héloïse Dubreuil', courriel: 'heloise.dubreuil@essai.example' },
      };
      const echec = await refuse.envoyerCourriel(c).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(echec).toBeInstanceOf(ApplicationFailure);
      expect((echec as ApplicationFailure).type).toBe('EnvoiCourrielImpossible');
      expect((echec as ApplicationFailure).nonRetryable).toBe(false);
      expect((echec as Error).message).toBe('Le serveur de courriel n’a pas pris le message (EENVELOPE, réponse 550) : il sera renvoyé.');
      expect(JSON.stringify({ ...(echec as object), message: (echec as Error).message, cause: (echec as Error).cause })).not.toMatch(/dubreuil/i);
      const ligne = await base.db.selectFrom('courriels').selectAll().where('cle', '=', 'BOITE-REFUS').executeTakeFirst();
      expect(ligne?.envoye_le ?? null).toBeNull();
      // Les courriels que l'API envoie elle-même (invitation, orientation) : la même erreur sans adresse,
      // que la route journalise.
      const parApi = await envoyerDepuisApi(
        {
          base: base.db,
          transport: nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }),
          expediteur: undefined,
          options: {} as never,
        },
        {
          cle: 'BOITE-REFUS-API',
          a: [{ nom: 'Mme Héloïse Dubreuil', courriel: 'heloise.dubreuil@essai.example' }],
          sujet: 'Invitation',
          paragraphes: ['Bonjour.'],
          signature: 'Essai',
        },
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(parApi).toBeInstanceOf(EnvoiCourrielImpossible);
      expect((parApi as Error).message).toBe('Le serveur de courriel n’a pas pris le message (EENVELOPE, réponse 550).');
      expect(JSON.stringify({ ...(parApi as object), message: (parApi as Error).message, stack: (parApi as Error).stack })).not.toMatch(/dubreuil/i);
    } finally {
      await new Promise<void>((ok) => refuseur.close(() => ok()));
    }
  });

  it('une adresse refusée pour de bon se reconnaît à son code d’adressage 5.1.x ; un relais refusé ou un serveur indisponible, non', () => {
    const refus = (responseCode: number, response: string) =>
      Object.assign(new Error(`Can't send mail - all recipients were rejected: ${response}`), { code: 'EENVELOPE', responseCode, response });
    expect(adresseRefusee(refus(550, '550 5.1.1 <a@b.fr>: Recipient address rejected: User unknown'))).toBe(true);
    expect(adresseRefusee(refus(550, '550 5.1.2 Domaine du destinataire introuvable'))).toBe(true);
    expect(adresseRefusee(refus(553, '553 5.1.3 Bad recipient address syntax'))).toBe(true);
    expect(adresseRefusee(refus(550, '550 5.1.10 Recipient address has null MX'))).toBe(true);
    // La configuration (relais refusé, authentification), une panne passagère, un code sans adressage : repris.
    expect(adresseRefusee(refus(550, '550 5.7.1 Relaying denied'))).toBe(false);
    expect(adresseRefusee(refus(530, '530 5.7.0 Authentication required'))).toBe(false);
    expect(adresseRefusee(refus(451, '451 4.1.1 Temporary lookup failure'))).toBe(false);
    expect(adresseRefusee(refus(552, '552 5.3.4 Message too big'))).toBe(false);
    expect(adresseRefusee(refus(550, '550 Mailbox unavailable'))).toBe(false);
    expect(adresseRefusee(new Error('connect ECONNREFUSED'))).toBe(false);
    expect(adresseRefusee(undefined)).toBe(false);
  });

  it('un lien signé est le même à chaque tentative (son identifiant vient de la clé du courriel)', async () => {
    const env = new MockActivityEnvironment();
    await env.run(createCourrielActivities(deps()).envoyerLienSigne, lien('BOITE-LIEN'));
    const premier = jetonDe((await boite.waitFor((m) => m.sujet.includes('BOITE-LIEN'))).texte);
    // Une tentative qui n'aurait pas vu la première (autre base : rien n'y est enregistré) produit le même lien.
    const autre = await creerBaseEssai();
    try {
      const boite2 = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
      try {
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port: boite2.smtpPort, secure: false, ignoreTLS: true });
        await env.run(createCourrielActivities(deps({ base: autre.db, transport })).envoyerLienSigne, lien('BOITE-LIEN'));
        const second = jetonDe((await boite2.waitFor((m) => m.sujet.includes('BOITE-LIEN'))).texte);
        expect(second).toBe(premier);
        expect(SIGNEUR.verifier(premier, new Date())).toMatchObject({ ok: true, claims: { demandeId: 'd1', role: 'departement' } });
      } finally {
        await boite2.close();
      }
    } finally {
      await autre.fermer();
    }
    // Une autre demande a un autre lien.
    await env.run(createCourrielActivities(deps()).envoyerLienSigne, lien('BOITE-LIEN-2'));
    expect(jetonDe((await boite.waitFor((m) => m.sujet.includes('BOITE-LIEN-2'))).texte)).not.toBe(premier);
  });
});

describe('annuaire lu au moment d’envoyer', () => {
  const auBailleur = (
    cle: string,
    programmeId = 'annuaire-essai',
    repli = { nom: 'Bailleur (adresse du lancement)', courriel: 'ancien-bailleur@essai.example' },
  ) => ({
    ...courriel(cle),
    destinataire: { type: 'partenaire' as const, programmeId, role: 'bailleur' as const, repli },
  });

  it('un partenaire : tous ses contacts actifs ; un contact changé en cours de parcours reçoit les courriels suivants ; sans contact, l’adresse de repli', async () => {
    const a = createCourrielActivities(deps());
    await a.envoyerCourriel(auBailleur('ANNU-REPLI'));
    expect((await boite.waitFor((m) => m.sujet.includes('ANNU-REPLI'))).a).toEqual(['ancien-bailleur@essai.example']);

    await base.db
      .insertInto('contacts_partenaires')
      .values([
        { programme_id: 'annuaire-essai', role: 'bailleur', nom: 'Service proximité', courriel: 'proximite@bailleur.example' },
        { programme_id: 'annuaire-essai', role: 'bailleur', nom: 'Service recouvrement', courriel: 'recouvrement@bailleur.example' },
      ])
      .execute();
    await a.envoyerCourriel(auBailleur('ANNU-DEUX'));
    expect((await boite.waitFor((m) => m.sujet.includes('ANNU-DEUX'))).a.sort()).toEqual(['proximite@bailleur.example', 'recouvrement@bailleur.example']);

    // La chargée de recouvrement change d'adresse ; la proximité n'est plus destinataire.
    await base.db
      .updateTable('contacts_partenaires')
      .set({ courriel: 'nouvelle.adresse@bailleur.example', modifie_le: new Date() })
      .where('courriel', '=', 'recouvrement@bailleur.example')
      .execute();
    await base.db
      .updateTable('contacts_partenaires')
      .set({ actif: false, modifie_le: new Date() })
      .where('courriel', '=', 'proximite@bailleur.example')
      .execute();
    await a.envoyerCourriel(auBailleur('ANNU-CHANGE'));
    expect((await boite.waitFor((m) => m.sujet.includes('ANNU-CHANGE'))).a).toEqual(['nouvelle.adresse@bailleur.example']);
  });

  it('le bailleur d’un parcours qui n’est pas celui du programme, sans contact actif ou désactivé : la coordination reçoit le courriel, jamais l’adresse de repli (un autre bailleur)', async () => {
    const a = createCourrielActivities(deps({ catalogue: CATALOGUE }));
    const annuaire = new AnnuairePartenaires(base.db);
    const autre = await annuaire.creer('loiret-ahu', { type: 'bailleur_social', nom: 'Opac Essai Repli' });
    const workflowId = 'loiret-ahu--REPLI-AUTRE-1';
    await annuaire.reserverPourLancement(workflowId, 'loiret-ahu', autre, 'coord.essai');
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'r1' } });
    const auBailleurDuParcours = (cle: string) =>
      auBailleur(cle, 'loiret-ahu', { nom: 'Bailleur du programme', courriel: 'bailleur-du-programme@essai.example' });
    const envoyer = (cle: string) => env.run(a.envoyerCourriel, auBailleurDuParcours(cle)) as ReturnType<typeof a.envoyerCourriel>;

    // Sans contact : la coordination du programme, avertie ; pas le bailleur du programme.
    const r = await envoyer('REPLI-AUTRE-SANS');
    expect(r.repli).toBe('le bailleur Opac Essai Repli n’a aucun contact actif dans l’annuaire, ou il y est désactivé');
    const sans = await boite.waitFor((m) => m.sujet.includes('REPLI-AUTRE-SANS'));
    expect(sans.a).not.toContain('bailleur-du-programme@essai.example');
    expect(sans.a).toContain('coordination@essai.example');
    expect(sans.texte).toContain('Ce message ne trouvait pas son destinataire (le bailleur Opac Essai Repli');

    // Avec un contact : lui seul.
    await annuaire.ajouterContact(autre.id, { nom: 'Gestion locative', courriel: 'gestion@opac-repli.example' });
    await envoyer('REPLI-AUTRE-AVEC');
    expect((await boite.waitFor((m) => m.sujet.includes('REPLI-AUTRE-AVEC'))).a).toEqual(['gestion@opac-repli.example']);

    // Le bailleur désactivé dans l'annuaire : ni son contact, ni le bailleur du programme.
    await annuaire.modifier(autre.id, { actif: false });
    await envoyer('REPLI-AUTRE-INACTIF');
    const inactif = await boite.waitFor((m) => m.sujet.includes('REPLI-AUTRE-INACTIF'));
    expect(inactif.a).not.toContain('bailleur-du-programme@essai.example');
    expect(inactif.a).not.toContain('gestion@opac-repli.example');
    expect(inactif.a).toContain('coordination@essai.example');

    // Le bailleur du programme lui-même, sans contact : l'adresse de repli est la sienne, elle reste.
    const workflowIdProgramme = 'loiret-ahu--REPLI-PROGRAMME-1';
    const duProgramme = await annuaire.trouver('loiret-ahu--bailleur');
    expect(duProgramme?.nom).toBeTruthy();
    await annuaire.reserverPourLancement(workflowIdProgramme, 'loiret-ahu', duProgramme!, 'coord.essai');
    await base.db.updateTable('contacts_partenaires').set({ actif: false }).where('organisation_id', '=', duProgramme!.id).execute();
    const envProgramme = new MockActivityEnvironment({ workflowExecution: { workflowId: workflowIdProgramme, runId: 'r1' } });
    await envProgramme.run(a.envoyerCourriel, auBailleurDuParcours('REPLI-PROGRAMME'));
    expect((await boite.waitFor((m) => m.sujet.includes('REPLI-PROGRAMME'))).a).toEqual(['bailleur-du-programme@essai.example']);
  });

  it('le personnel : l’adresse du compte à l’envoi ; un compte désactivé ou disparu : le courriel va à la coordination (ou à l’opérateur) et aux administrateurs, qui en sont avertis ; jamais d’échec', async () => {
    const a = createCourrielActivities(deps({ catalogue: CATALOGUE }));
    await base.db.updateTable('personnels').set({ courriel: 'alice.nouvelle@essai.example' }).where('id', '=', 'ts.alice').execute();
    await a.envoyerCourriel({ ...courriel('ANNU-TS-1'), destinataire: { type: 'personnel', id: 'ts.alice' } });
    expect((await boite.waitFor((m) => m.sujet.includes('ANNU-TS-1'))).a).toEqual(['alice.nouvelle@essai.example']);

    await base.db
      .insertInto('personnels')
      .values({ id: 'admin.repli', nom: 'Administration', courriel: 'admin.repli@essai.example', role: 'admin', programmes: [], mot_de_passe: 'scrypt$x' })
      .execute();
    await base.db.updateTable('personnels').set({ actif: false }).where('id', '=', 'ts.bruno').execute();
    const r = await a.envoyerCourriel({ ...courriel('ANNU-INACTIF'), destinataire: { type: 'personnel', id: 'ts.bruno', programmeId: 'loiret-ahu' } });
    expect(r.repli).toBe('le compte « ts.bruno » n’existe plus ou est désactivé');
    const redirige = await boite.waitFor((m) => m.sujet.includes('ANNU-INACTIF'));
    expect(redirige.a.sort()).toEqual(['admin.repli@essai.example', 'coordination@essai.example']);
    expect(redirige.texte).toContain(
      'Ce message ne trouvait pas son destinataire (le compte « ts.bruno » n’existe plus ou est désactivé) : il vous est adressé à sa place. Merci de corriger l’annuaire.',
    );

    // Un programme sans coordination : l'opérateur du programme et les administrateurs.
    await base.db.updateTable('personnels').set({ actif: false }).where('id', '=', 'coord.essai').execute();
    try {
      await a.envoyerCourriel({ ...courriel('ANNU-SANS-COORD'), destinataire: { type: 'coordination', programmeId: 'besancon-ccas' } });
      const operateur = CATALOGUE.trouver('besancon-ccas')!.operateur.courriel;
      expect((await boite.waitFor((m) => m.sujet.includes('ANNU-SANS-COORD'))).a.sort()).toEqual(['admin.repli@essai.example', operateur].sort());
      // Personne du tout (programme inconnu, aucun administrateur) : pas d'envoi, pas d'échec non plus.
      await base.db.updateTable('personnels').set({ actif: false }).where('id', '=', 'admin.repli').execute();
      const rien = await a.envoyerCourriel({ ...courriel('ANNU-PERSONNE'), destinataire: { type: 'coordination', programmeId: 'programme-disparu' } });
      expect(rien.repli).toBe('aucun compte de coordination n’est actif pour ce programme');
      expect(recus('ANNU-PERSONNE')).toHaveLength(0);
    } finally {
      await base.db.updateTable('personnels').set({ actif: true }).where('id', 'in', ['coord.essai', 'ts.bruno']).execute();
    }
  });
});
