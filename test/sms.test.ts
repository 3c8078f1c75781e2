/**
 * SMS aux ménages : consentement par canal (numéro chiffré), boîte d'envoi idempotente, fournisseur
 * HTTP générique, récepteur local (dev/sms-catcher.ts) et sa boîte de réception.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import nodemailer from 'nodemailer';
import { createCourrielActivities } from '../activities/courriel';
import { startMailCatcher, type MailCatcher } from '../dev/mail-catcher';
import { CATALOGUE, EN_JOURNEE, SIGNEUR, inscrireAnnuaire } from './outils/environnement';
import { calendrierDuParcours } from '../activities/sms';
import { startSmsCatcher, type SmsCatcher } from '../dev/sms-catcher';
import { generateKeyRingValue, parseKeyRing } from '../securite/cles';
import { Coffre } from '../securite/coffre';
import { Consentements, createSmsActivities, fournisseurHttp, heureDuSms, signatureSms, texteSms, versGsm7, type FournisseurSms } from '../sms';
import { baseEssai, type BaseEssai } from './outils/base';

let base: BaseEssai;
let catcher: SmsCatcher;
let dossier: string;
let boite: MailCatcher;
const coffre = new Coffre(parseKeyRing(generateKeyRingValue('aes256', 'essai-sms'), { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' }));

beforeAll(async () => {
  base = await baseEssai();
  dossier = mkdtempSync(join(tmpdir(), 'sms-'));
  catcher = await startSmsCatcher({ port: 0, quiet: true, dossier });
  boite = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
  await inscrireAnnuaire(base.db);
});

afterAll(async () => {
  await catcher?.close();
  await boite?.close();
  rmSync(dossier, { recursive: true, force: true });
});

describe('SMS au ménage', () => {
  it('part seulement avec le consentement, une seule fois malgré les nouvelles tentatives, et se lit dans la boîte', async () => {
    const consentements = new Consentements(base.db, coffre);
    const http = fournisseurHttp({ url: catcher.url, jeton: 'jeton-essai', expediteur: 'Parcours' });
    let panne: 'avant' | 'apres' | undefined;
    const fournisseur: FournisseurSms = {
      async envoyer(m) {
        if (panne === 'avant') throw new Error('fournisseur injoignable');
        await http.envoyer(m);
        if (panne === 'apres') throw new Error('réponse perdue');
      },
    };
    const { envoyerSmsMenage } = createSmsActivities({ base: base.db, coffre, fournisseur, heure: EN_JOURNEE });
    const env = new MockActivityEnvironment();
    const envoyer = (e: Parameters<typeof envoyerSmsMenage>[0]) => env.run(envoyerSmsMenage, e) as ReturnType<typeof envoyerSmsMenage>;

    // Sans consentement : rien ne part.
    expect(await envoyer({ cle: 'sms-sans-consentement-1', workflowId: 'prog--SANS', modele: 'information' as const, signature: 'Le CCAS' })).toEqual({
      envoye: false,
      raison: 'sans_consentement',
    });
    await consentements.enregistrer('prog--REFUS', { canal: 'sms', accorde: false }, 'ts-1');
    expect((await envoyer({ cle: 'sms-refus-0001', workflowId: 'prog--REFUS', modele: 'information' as const, signature: 'Le CCAS' })).envoye).toBe(false);

    // Consentement noté (qui, quand), numéro chiffré au repos.
    await consentements.enregistrer('prog--OUI', { canal: 'sms', accorde: true, telephone: '06 12 34 56 78' }, 'ts-1');
    await consentements.enregistrer('prog--OUI', { canal: 'courriel', accorde: true }, 'ts-1');
    const lu = await consentements.lire('prog--OUI');
    expect(lu).toMatchObject({ telephone: '+33612345678', sms: { accorde: true, par: 'ts-1' }, courriel: { accorde: true }, courrier: { accorde: false } });
    const brut = await base.db
      .selectFrom('consentements_menage')
      .select('coordonnee_chiffre')
      .where('workflow_id', '=', 'prog--OUI')
      .where('canal', '=', 'sms')
      .executeTakeFirstOrThrow();
    expect(brut.coordonnee_chiffre!.toString('latin1')).not.toContain('612345678');

    const entree = { cle: 'sms-oui-information-1', workflowId: 'prog--OUI', modele: 'information' as const, signature: 'Le CCAS' };
    // 1re tentative : fournisseur injoignable ; 2e : accepté mais réponse perdue ; 3e : confirmée.
    // Chaque échec est rendu (à renvoyer) et noté dans la boîte d'envoi, daté.
    const ligneSms = () => base.db.selectFrom('sms').selectAll().where('cle', '=', entree.cle).executeTakeFirstOrThrow();
    panne = 'avant';
    expect(await envoyer(entree)).toEqual({ envoye: false, raison: 'fournisseur_en_echec' });
    expect(await ligneSms()).toMatchObject({ tentatives: 1, envoye_le: null, abandonne_le: null, echoue_le: expect.any(Date) });
    panne = 'apres';
    expect(await envoyer(entree)).toEqual({ envoye: false, raison: 'fournisseur_en_echec' });
    expect(await ligneSms()).toMatchObject({ tentatives: 2, envoye_le: null, abandonne_le: null });
    panne = undefined;
    expect(await envoyer(entree)).toEqual({ envoye: true });
    expect(await envoyer(entree)).toEqual({ envoye: false, raison: 'deja_envoye' });

    const recu = await catcher.waitFor((m) => m.reference === entree.cle);
    expect(recu).toMatchObject({ destinataire: '+33612345678', expediteur: 'Parcours', texte: texteSms('information', { signature: 'Le CCAS' }) });
    expect(catcher.messages().filter((m) => m.destinataire === '+33612345678')).toHaveLength(1);
    expect(catcher.messages()).toHaveLength(1);
    expect(await ligneSms()).toMatchObject({ tentatives: 3, envoye_le: expect.any(Date) });
    const ligne = await base.db.selectFrom('sms').selectAll().where('cle', '=', entree.cle).executeTakeFirstOrThrow();
    expect(ligne.envoye_le).not.toBeNull();

    // Un numéro que le fournisseur refuse pour de bon (400) : abandonné aussitôt, jamais renvoyé ;
    // une panne du fournisseur (503, 429) reste passagère.
    catcher.refuser(503);
    expect(await envoyer({ ...entree, cle: 'sms-oui-panne-503' })).toEqual({ envoye: false, raison: 'fournisseur_en_echec' });
    catcher.refuser(429);
    expect(await envoyer({ ...entree, cle: 'sms-oui-panne-503' })).toEqual({ envoye: false, raison: 'fournisseur_en_echec' });
    catcher.refuser(400);
    const refuse = { ...entree, cle: 'sms-oui-numero-refuse' };
    expect(await envoyer(refuse)).toEqual({ envoye: false, raison: 'refuse' });
    catcher.refuser(undefined);
    expect(await envoyer(refuse)).toEqual({ envoye: false, raison: 'abandonne' });
    expect(await base.db.selectFrom('sms').selectAll().where('cle', '=', refuse.cle).executeTakeFirstOrThrow()).toMatchObject({
      tentatives: 1,
      envoye_le: null,
      abandonne_le: expect.any(Date),
    });
    expect(await envoyer({ ...entree, cle: 'sms-oui-panne-503' })).toEqual({ envoye: true });
    await catcher.waitFor((m) => m.reference === 'sms-oui-panne-503');
    expect(catcher.messages().map((m) => m.reference)).toEqual([entree.cle, 'sms-oui-panne-503']);

    // Retrait du consentement : plus rien ne part.
    await consentements.enregistrer('prog--OUI', { canal: 'sms', accorde: false }, 'ts-2');
    expect((await envoyer({ ...entree, cle: 'sms-oui-apres-retrait' })).envoye).toBe(false);

    // La boîte de réception web le montre, et elle survit à un redémarrage (dossier).
    const html = await (await fetch(catcher.inboxUrl)).text();
    expect(html).toContain('+33612345678');
    expect(html).toContain('un courrier concernant votre accompagnement');
    expect(html).toMatch(/<main><h1>SMS reçus \(\d+\)<\/h1>/); // un repère principal (axe « region »)
    await catcher.close();
    catcher = await startSmsCatcher({ port: 0, quiet: true, dossier });
    expect(catcher.messages().map((m) => m.reference)).toEqual([entree.cle, 'sms-oui-panne-503']);

    // Une requête mal formée est refusée avec un message en français.
    const r = await fetch(catcher.url, { method: 'POST', body: JSON.stringify({ destinataire: '0612', texte: 'x', expediteur: 'P', reference: 'r' }) });
    expect(r.status).toBe(400);
    expect((await r.json()).erreur).toContain('Numéro');
  });

  it('un courriel au ménage part aussi en SMS s’il l’a accepté ; pas un courriel à un partenaire', async () => {
    const consentements = new Consentements(base.db, coffre);
    await consentements.enregistrer('prog--COURRIEL', { canal: 'courriel', accorde: true, courriel: 'Menage@essai.example' }, 'ts-1');
    await consentements.enregistrer('prog--COURRIEL', { canal: 'sms', accorde: true, telephone: '07 98 76 54 32' }, 'ts-1');
    const { envoyerCourriel } = createCourrielActivities({
      base: base.db,
      transport: nodemailer.createTransport({ host: '127.0.0.1', port: boite.smtpPort, secure: false, ignoreTLS: true }),
      expediteur: 'Prévention des expulsions <ne-pas-repondre@essai.example>',
      signeur: SIGNEUR,
      baseUrl: 'http://localhost:3999',
      sms: { coffre, fournisseur: fournisseurHttp({ url: catcher.url, expediteur: 'CCAS' }), heure: EN_JOURNEE },
    });
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'prog--COURRIEL', runId: 'r1' } });
    const courriel = (cle: string, a: { nom: string; courriel: string }) => ({
      cle,
      destinataire: { type: 'adresse' as const, ...a },
      sujet: `Votre accompagnement (${cle})`,
      paragraphes: ['Bonjour.'],
      signature: 'Le CCAS',
    });
    const auMenage = courriel('courriel-menage-0001', { nom: 'Ménage', courriel: 'menage@essai.example' });
    await env.run(envoyerCourriel, auMenage);
    await env.run(envoyerCourriel, auMenage);
    await env.run(envoyerCourriel, courriel('courriel-bailleur-0001', { nom: 'Bailleur', courriel: 'bailleur@essai.example' }));
    await boite.waitFor((m) => m.sujet.includes('courriel-bailleur-0001'));
    const recu = await catcher.waitFor((m) => m.reference === 'courriel-menage-0001:sms');
    expect(recu).toMatchObject({ destinataire: '+33798765432', expediteur: 'CCAS', texte: texteSms('courriel', { signature: 'Le CCAS' }) });
    expect(catcher.messages().filter((m) => m.destinataire === '+33798765432')).toHaveLength(1);
  });
});

describe('signature d’un SMS', () => {
  it('60 caractères au plus, coupée entre deux mots, sans tiret ni virgule pendants', () => {
    expect(signatureSms('AHU — Association pour l’accompagnement et l’hébergement urbain')).toBe('AHU — Association pour l’accompagnement et l’hébergement');
    expect(signatureSms('Le CCAS')).toBe('Le CCAS');
    expect(signatureSms('  Le CCAS de Besançon  ')).toBe('Le CCAS de Besançon');
    // Une coupure qui tomberait juste après un tiret ou une virgule les retire.
    expect(signatureSms('Association d’aide au logement, service prévention — Toulouse Métropole')).toBe('Association d’aide au logement, service prévention');
    // Exactement 60 : gardée entière ; un seul mot trop long : coupé à 60.
    expect(signatureSms('x'.repeat(60))).toBe('x'.repeat(60));
    expect(signatureSms('y'.repeat(70))).toBe('y'.repeat(60));
    for (const s of ['AHU — Association pour l’accompagnement et l’hébergement urbain', 'z '.repeat(40)])
      expect(signatureSms(s).length).toBeLessThanOrEqual(60);
  });
});

describe('texte d’un SMS', () => {
  /** L'alphabet GSM 03.38 (et son extension) : un SMS qui n'en sort pas part en segments de 160 caractères. */
  const GSM7 = new Set([
    ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
    ...'^{}\\[~]|€',
  ]);
  it('dans l’alphabet des SMS : apostrophes, tirets, guillemets, espaces insécables et lettres qu’il n’a pas remplacés ; é, è, à, ù gardés', () => {
    const signature = signatureSms('AHU — Association pour l’accompagnement et l’hébergement urbain');
    expect(texteSms('information', { signature, telephone: '02\u00a061 91 45 00' })).toBe(
      "Bonjour, un courrier concernant votre accompagnement vous est adressé. Pour toute question : 02 61 91 45 00. AHU - Association pour l'accompagnement et l'hébergement",
    );
    for (const modele of ['courriel', 'information', 'nouvelles'] as const) {
      const texte = texteSms(modele, {
        signature: signatureSms('Maîtrise d’œuvre « Été » — Conseillère sociale à Besançon'),
        telephone: '03\u202f81 00 00 00',
      });
      expect([...texte].filter((c) => !GSM7.has(c))).toEqual([]);
    }
    expect(versGsm7('Fête « œuvre » — ça… l’île')).toBe('Fete "oeuvre" - ca... l\'ile');
  });
});

describe('heure d’un SMS au ménage', () => {
  // [instant, quand il part] en UTC ; Paris est à UTC+1 l'hiver, UTC+2 l'été.
  const cas: Array<[string, string, string]> = [
    ['mardi à 11 h', '2027-03-09T10:00:00.000Z', '2027-03-09T10:00:00.000Z'],
    ['mardi à 7 h 59 : à 8 h', '2027-03-09T06:59:00.000Z', '2027-03-09T07:00:00.000Z'],
    ['mardi à 8 h', '2027-03-09T07:00:00.000Z', '2027-03-09T07:00:00.000Z'],
    ['mardi à 19 h 59', '2027-03-09T18:59:00.000Z', '2027-03-09T18:59:00.000Z'],
    ['mardi à 20 h : mercredi à 8 h', '2027-03-09T19:00:00.000Z', '2027-03-10T07:00:00.000Z'],
    ['samedi à 15 h', '2027-03-06T14:00:00.000Z', '2027-03-06T14:00:00.000Z'],
    ['samedi à 22 h : lundi à 8 h', '2027-03-06T21:00:00.000Z', '2027-03-08T07:00:00.000Z'],
    ['dimanche à midi : lundi à 8 h', '2027-03-07T11:00:00.000Z', '2027-03-08T07:00:00.000Z'],
    ['samedi soir de Pâques, passage à l’heure d’été : mardi à 8 h (lundi de Pâques férié)', '2027-03-27T20:00:00.000Z', '2027-03-30T06:00:00.000Z'],
    ['samedi soir, passage à l’heure d’hiver : lundi à 8 h', '2026-10-24T21:00:00.000Z', '2026-10-26T07:00:00.000Z'],
    ['31 décembre à 22 h : samedi 2 janvier à 8 h', '2026-12-31T21:00:00.000Z', '2027-01-02T07:00:00.000Z'],
    ['24 décembre à 21 h : 26 décembre à 8 h', '2026-12-24T20:00:00.000Z', '2026-12-26T07:00:00.000Z'],
    ['13 juillet à 21 h : 15 juillet à 8 h', '2027-07-13T19:00:00.000Z', '2027-07-15T06:00:00.000Z'],
    ['1er mai à 3 h, un samedi : lundi 3 mai à 8 h', '2027-05-01T01:00:00.000Z', '2027-05-03T06:00:00.000Z'],
  ];
  it.each(cas)('%s', (_cas, instant, attendu) => {
    expect(heureDuSms(new Date(instant)).toISOString()).toBe(attendu);
  });

  it('un programme d’Alsace-Moselle : ni le Vendredi saint, ni le 26 décembre ; la métropole, si', () => {
    // Jeudi saint 2027 (25 mars) à 21 h : le vendredi 26 à 8 h en métropole, le samedi 27 en Alsace-Moselle.
    expect(heureDuSms(new Date('2027-03-25T20:00:00.000Z')).toISOString()).toBe('2027-03-26T07:00:00.000Z');
    expect(heureDuSms(new Date('2027-03-25T20:00:00.000Z'), 'alsace_moselle').toISOString()).toBe('2027-03-27T07:00:00.000Z');
    // Noël 2028, un lundi : le mardi 26 à 8 h en métropole, le mercredi 27 en Alsace-Moselle.
    expect(heureDuSms(new Date('2028-12-25T10:00:00.000Z')).toISOString()).toBe('2028-12-26T07:00:00.000Z');
    expect(heureDuSms(new Date('2028-12-25T10:00:00.000Z'), 'alsace_moselle').toISOString()).toBe('2028-12-27T07:00:00.000Z');
  });

  it('le calendrier d’un parcours est celui de son programme', () => {
    const alsacien = { ...CATALOGUE.trouver('loiret-ahu')!, options: { ...CATALOGUE.trouver('loiret-ahu')!.options, joursFeriesAlsaceMoselle: true } };
    const catalogue = { trouver: (id: string) => (id === 'strasbourg-essai' ? alsacien : CATALOGUE.trouver(id)) };
    expect(calendrierDuParcours(catalogue, 'strasbourg-essai--S-1')).toBe('alsace_moselle');
    expect(calendrierDuParcours(catalogue, 'loiret-ahu--L-1')).toBe('metropole');
    expect(calendrierDuParcours(catalogue, 'inconnu--X-1')).toBe('metropole');
    expect(calendrierDuParcours(undefined, 'strasbourg-essai--S-1')).toBe('metropole');
  });

  it('un SMS venu la nuit est noté dans la boîte d’envoi avec l’heure où il partira, au calendrier de son programme ; rien ne part', async () => {
    const consentements = new Consentements(base.db, coffre);
    await consentements.enregistrer('strasbourg-essai--NUIT', { canal: 'sms', accorde: true, telephone: '06 12 00 00 01' }, 'ts-1');
    const fournisseur: FournisseurSms = {
      envoyer: () => Promise.reject(new Error('aucun SMS ne doit partir la nuit')),
    };
    // Le jeudi saint 2027 à 21 h : le samedi à 8 h en Alsace-Moselle (le Vendredi saint y est férié).
    let heure = new Date('2027-03-25T20:00:00.000Z');
    const { envoyerSmsMenage } = createSmsActivities({
      base: base.db,
      coffre,
      fournisseur,
      heure: () => heure,
      calendrier: (id) => (id.startsWith('strasbourg-essai--') ? 'alsace_moselle' : 'metropole'),
    });
    const entree = { cle: 'strasbourg-essai--NUIT/lettre:sms', workflowId: 'strasbourg-essai--NUIT', modele: 'information' as const, signature: 'Le CCAS' };
    expect(await envoyerSmsMenage(entree)).toEqual({ envoye: false, raison: 'differe', le: '2027-03-27T07:00:00.000Z' });
    const ligne = await base.db.selectFrom('sms').selectAll().where('cle', '=', entree.cle).executeTakeFirstOrThrow();
    expect(ligne).toMatchObject({ envoye_le: null, echoue_le: null, tentatives: 0, prevu_le: new Date('2027-03-27T07:00:00.000Z') });
    // L'accord retiré avant 8 h : à 8 h, rien ne part, et il n'attend plus.
    await consentements.enregistrer('strasbourg-essai--NUIT', { canal: 'sms', accorde: false }, 'ts-1');
    heure = new Date('2027-03-27T07:00:00.000Z');
    expect(await envoyerSmsMenage(entree)).toEqual({ envoye: false, raison: 'sans_consentement' });
    expect(await base.db.selectFrom('sms').selectAll().where('cle', '=', entree.cle).executeTakeFirstOrThrow()).toMatchObject({
      envoye_le: null,
      prevu_le: null,
    });
  });
});

describe('récepteur local des SMS (dev/sms-catcher.ts)', () => {
  it('sa sortie dit qu’un SMS est arrivé, sans le numéro ni le texte du ménage', async () => {
    const bavard = await startSmsCatcher({ port: 0 });
    const lignes: string[] = [];
    const espion = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lignes.push(a.join(' ')));
    try {
      await fournisseurHttp({ url: bavard.url, expediteur: 'CCAS' }).envoyer({
        destinataire: '+33611223344',
        texte: 'Madame Durand, votre rendez-vous est confirmé.',
        cle: 'sms-journal-1',
      });
      await vi.waitFor(() => expect(lignes.some((l) => l.startsWith('SMS reçu'))).toBe(true), { timeout: 30_000, interval: 50 });
      expect(lignes.join('\n')).not.toMatch(/6112233|Durand|rendez-vous/);
    } finally {
      espion.mockRestore();
      await bavard.close();
    }
  });
});
