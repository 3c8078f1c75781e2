/**
 * SMS au ménage, de bout en bout (issue 15) : l'accord recueilli à l'orientation (formulaire de
 * lancement, avec le portable) est noté dans le dossier avant le départ du parcours ; la lettre
 * d'information envoyée par courriel part aussi en SMS, une fois ; le récepteur local la montre. La
 * page du parcours dit ce que le ménage accepte, le portable masqué ; l'accord se change ou se
 * retire ; une saisie fausse est refusée en français et ne change rien.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENVOIS_AU_MENAGE_PAR_JOUR } from '../api/limite-envois';
import type { EtatParcours } from '../domain/vocabulaire';
import { NOM_COOKIE } from '../api/auth';
import { startSmsCatcher, type SmsCatcher } from '../dev/sms-catcher';
import { fournisseurHttp, heureDuSms, signatureSms, texteSms, type FournisseurSms } from '../sms';
import { depuisHeureDeParis, heureEnFrancais, jourDeParis, jourEnFrancais } from '../domain/durees';
import { bancAvecApi, champsCaches, clientAuxReponsesPerdues, demarrerApiEssai } from './outils/api';
import { baseEssai } from './outils/base';
import { etatQuery } from '../domain/messages';
import {
  ADMIN_ESSAI,
  apres,
  CATALOGUE,
  COORD_BESANCON_ESSAI,
  COFFRE,
  EN_JOURNEE,
  avancerJusqua,
  echeanceSuivie,
  heureDuParcours,
  jusqua,
  lancerAvance,
  menageEssai,
  situationPrevention,
} from './outils/environnement';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { RenvoiSms } from '../activities/sms';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCourrielActivities, MENAGE_SANS_COURRIELS } from '../activities/courriel';

let catcher: SmsCatcher;
let dossier: string;
/** Le fournisseur HTTP vers le récepteur local, créé quand le récepteur a son adresse. */
const fournisseur: FournisseurSms = { envoyer: (m) => fournisseurHttp({ url: catcher.url, expediteur: 'CCAS' }).envoyer(m) };
/** L'heure que voient les SMS : en journée, sauf dans l'essai de la nuit. */
let heureDesSms = EN_JOURNEE;
const essai = bancAvecApi('mot-de-passe-essai', {
  dependances: { sms: { coffre: COFFRE, fournisseur, heure: () => heureDesSms() } },
  autres: [COORD_BESANCON_ESSAI, ADMIN_ESSAI],
});

beforeAll(async () => {
  dossier = mkdtempSync(join(tmpdir(), 'sms-parcours-'));
  catcher = await startSmsCatcher({ port: 0, quiet: true, dossier });
});
afterAll(async () => {
  await catcher?.close();
  rmSync(dossier, { recursive: true, force: true });
});

async function lancer(menage: Record<string, unknown>) {
  return essai.api.appel('POST', '/api/parcours', {
    jeton: await essai.connecter('coord.essai'),
    corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage, donnees: { situation: situationPrevention() } },
  });
}

const TITRE_SMS = 'SMS en attente d’envoi';
const handle = (id: string) => essai.banc.env.client.workflow.getHandle(id);
/** Le tableau de bord (ou « Mes ménages ») de cette personne. */
const tableau = async (qui: string) =>
  (await essai.api.appel('GET', '/parcours', { entetes: { cookie: `${NOM_COOKIE}=${await essai.connecter(qui)}` } })).texte;
const fiche = async (id: string) =>
  (await essai.api.appel('GET', `/parcours/${encodeURIComponent(id)}`, { entetes: { cookie: `${NOM_COOKIE}=${await essai.connecter('ts.alice')}` } })).texte;
/** Les moyens de contact du ménage, lus par l'API comme un logiciel les lit. */
const contactApi = async (id: string) =>
  (await essai.api.appel('GET', `/api/parcours/${id}/contact-menage`, { jeton: await essai.connecter('ts.alice') })).json;
const ligneSms = async (id: string) => (await baseEssai()).db.selectFrom('sms').selectAll().where('cle', 'like', `${id}/%`).execute();

describe('SMS au ménage qui les accepte', () => {
  it('accord pris au lancement : la lettre d’information part en courriel et en SMS, une fois ; la page le dit, le portable masqué ; l’accord se retire', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.sms@essai.example', accepteCourriel: true, telephone: '06 11 22 33 44', accepteSms: true };
    const r = await lancer(menage);
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    const e = await jusqua(essai.banc.env.client.workflow.getHandle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    // Le journal dit que la lettre a été annoncée par SMS.
    expect(e.journal.find((j) => j.resume.startsWith('Courriel au ménage'))?.resume).toMatch(/ — annoncé par SMS$/);

    const courriel = await essai.banc.courriels.waitFor((m) => m.a.includes('menage.sms@essai.example'));
    const sms = await catcher.waitFor((m) => m.destinataire === '+33611223344');
    expect(sms.texte).toBe(texteSms('courriel', { signature: sms.texte.replace(/^.*envoyé\. /, '') }));
    expect(sms.texte).toContain('un courriel concernant votre accompagnement vous a été envoyé');
    expect(sms.texte).not.toContain(menage.reference);
    expect(courriel.sujet).toContain('un accompagnement vous est proposé');
    expect(catcher.messages().filter((m) => m.destinataire === '+33611223344')).toHaveLength(1);

    // Le numéro est chiffré dans le dossier.
    const db = (await baseEssai()).db;
    const lignes = await db
      .selectFrom('consentements_menage')
      .select(['canal', 'accorde', 'coordonnee_chiffre', 'par'])
      .where('workflow_id', '=', id)
      .execute();
    expect(lignes.map((l) => [l.canal, l.accorde, l.par]).sort()).toEqual([
      ['courriel', true, 'coord.essai'],
      ['sms', true, 'coord.essai'],
    ]);
    for (const l of lignes) expect(l.coordonnee_chiffre!.toString('latin1')).not.toMatch(/611223344|menage\.sms/);

    const ts = await essai.connecter('ts.alice');
    const lu = await essai.api.appel('GET', `/api/parcours/${id}/contact-menage`, { jeton: ts });
    expect(lu.status, lu.texte).toBe(200);
    expect(lu.json).toMatchObject({
      courriel: { accorde: true, par: 'coord.essai' },
      sms: { accorde: true, par: 'coord.essai' },
      telephone: '+33\u00a06\u00a0••\u00a0••\u00a0••\u00a044',
    });
    expect(lu.texte).not.toContain('611223344');

    const page = await essai.api.appel('GET', `/parcours/${encodeURIComponent(id)}`, { entetes: { cookie: `${NOM_COOKIE}=${ts}` } });
    expect(page.status).toBe(200);
    expect(page.texte).toContain('Joindre le ménage');
    expect(page.texte).toMatch(/SMS : acceptés, au \+33\u00a06\u00a0••\u00a0••\u00a0••\u00a044/);

    // Saisies fausses : refusées en français, rien de changé.
    const sansNumero = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'sms', accorde: true } });
    expect(sansNumero.status).toBe(400);
    expect(sansNumero.texte).toContain('numéro de portable');
    const fixe = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, {
      jeton: ts,
      corps: { canal: 'sms', accorde: true, telephone: '02 38 00 00 00' },
    });
    expect(fixe.status).toBe(400);
    expect(fixe.texte).toContain('Numéro de portable invalide');
    const courrier = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'courrier', accorde: false } });
    expect(courrier.status).toBe(400);
    expect(courrier.texte).toContain('moyen de contact attendu : « sms » ou « courriel »');
    const sansAdresse = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'courriel', accorde: true } });
    expect(sansAdresse.status).toBe(400);
    expect(sansAdresse.texte).toContain('une adresse électronique');
    const malFormee = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, {
      jeton: ts,
      corps: { canal: 'courriel', accorde: true, courriel: 'menage.sms@' },
    });
    expect(malFormee.status).toBe(400);
    expect(malFormee.texte).toContain('adresse électronique attendue (par exemple prenom.nom@exemple.fr)');
    expect(await db.selectFrom('consentements_menage').select('id').where('workflow_id', '=', id).execute()).toHaveLength(2);

    // Retrait, par le travailleur social affecté : noté à son nom.
    const retrait = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'sms', accorde: false } });
    expect(retrait.status, retrait.texte).toBe(201);
    expect(retrait.json).toMatchObject({ sms: { accorde: false, par: 'ts.alice' } });
    // Un autre travailleur social ne lit ni ne change rien.
    const autre = await essai.api.appel('GET', `/api/parcours/${id}/contact-menage`, { jeton: await essai.connecter('ts.bruno') });
    expect(autre.status).toBe(403);
  });

  it('accepter les SMS sans portable : 400 en français au lancement, aucun parcours, aucun consentement noté', async () => {
    // Un numéro fixe ne reçoit pas de SMS ; pas de numéro du tout non plus.
    const { telephone: _fixe, ...sansTelephone } = menageEssai();
    const menage = { ...sansTelephone, accepteSms: true };
    for (const m of [{ ...menage, telephone: '02 38 00 00 00' }, menage]) {
      const r = await lancer(m);
      expect(r.status, r.texte).toBe(400);
      expect(r.texte).toContain('le ménage doit donner un numéro de portable');
    }
    const id = `loiret-ahu--${menage.reference}`;
    expect((await essai.api.appel('GET', `/api/parcours/${id}`, { jeton: await essai.connecter('coord.essai') })).status).toBe(404);
    expect(await (await baseEssai()).db.selectFrom('consentements_menage').select('id').where('workflow_id', '=', id).execute()).toEqual([]);
  });

  it('sans accord aux SMS, le courriel part seul', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.sans-sms@essai.example', accepteCourriel: true, telephone: '06 55 44 33 22' };
    const r = await lancer(menage);
    expect(r.status, r.texte).toBe(201);
    await essai.banc.courriels.waitFor((m) => m.a.includes('menage.sans-sms@essai.example'));
    // L'aller vers commence une fois la lettre envoyée (activité terminée, SMS compris) : aucun SMS à ce numéro.
    await jusqua(essai.banc.env.client.workflow.getHandle(r.json.workflowId as string), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    expect(catcher.messages().filter((m) => m.destinataire === '+33655443322')).toEqual([]);
  });

  it('un ménage qui n’accepte que les SMS : la lettre d’information, à imprimer, lui est annoncée par SMS à la place du courriel, une fois, avec le téléphone de l’opérateur ; un numéro refusé se lit au journal', async () => {
    const operateur = CATALOGUE.trouver('loiret-ahu')!.operateur;
    const sujet = `${operateur.nom} : un accompagnement vous est proposé`;
    const smsSeuls = { ...menageEssai(), accepteCourriel: false, telephone: '06 77 88 99 00', accepteSms: true };
    const r = await lancer(smsSeuls);
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    const e = await jusqua(handle(id), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
    expect(e.journal.find((j) => j.type === 'sms')?.resume).toBe(`SMS au ménage à la place du courriel « ${sujet} » (le ménage n’accepte pas les courriels)`);
    expect(e.journal.some((j) => j.resume.startsWith('Courriel au ménage') || j.type === 'courriel_impossible')).toBe(false);
    const recu = await catcher.waitFor((m) => m.destinataire === '+33677889900');
    expect(recu.texte).toBe(texteSms('information', { signature: signatureSms(operateur.nom), telephone: operateur.telephone! }));
    expect(recu.texte).toContain(`un courrier concernant votre accompagnement vous est adressé. Pour toute question : ${operateur.telephone}.`);
    expect(recu.texte).not.toContain(smsSeuls.reference);
    expect(catcher.messages().filter((m) => m.destinataire === '+33677889900')).toHaveLength(1);
    expect(essai.banc.courriels.messages().some((m) => m.a.includes(smsSeuls.courriel))).toBe(false);

    // Ni courriel ni SMS acceptés : rien ne part au ménage, et le journal n'en dit rien.
    const personne = await lancer({ ...menageEssai(), accepteCourriel: false, telephone: '06 77 88 99 01' });
    expect(personne.status, personne.texte).toBe(201);
    const rien = await jusqua(handle(personne.json.workflowId as string), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
    expect(rien.journal.some((j) => j.type === 'sms' || j.resume.startsWith('Courriel au ménage'))).toBe(false);
    expect(await ligneSms(personne.json.workflowId as string)).toEqual([]);

    // Le numéro refusé par le fournisseur : le journal le dit à la ligne du SMS.
    catcher.refuser(400);
    try {
      const refuse = await lancer({ ...menageEssai(), accepteCourriel: false, telephone: '06 77 88 99 02', accepteSms: true });
      expect(refuse.status, refuse.texte).toBe(201);
      const x = await jusqua(handle(refuse.json.workflowId as string), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
      expect(x.journal.find((j) => j.type === 'sms')?.resume).toBe(
        `SMS au ménage à la place du courriel « ${sujet} » (le ménage n’accepte pas les courriels) — refusé par le fournisseur : numéro à vérifier`,
      );
    } finally {
      catcher.refuser(undefined);
    }
  });

  it('le fournisseur de SMS en panne ne retient pas le parcours : le SMS attend, se voit, puis son workflow de renvoi le fait partir une fois', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.panne@essai.example', accepteCourriel: true, telephone: '06 22 33 44 55', accepteSms: true };
    const recus = () => catcher.messages().filter((m) => m.destinataire === '+33622334455');
    catcher.refuser(503);
    let id = '';
    let cle = '';
    try {
      const r = await lancer(menage);
      expect(r.status, r.texte).toBe(201);
      id = r.json.workflowId as string;
      // Le courriel part et le parcours avance : l'aller vers commence une fois la lettre envoyée.
      await essai.banc.courriels.waitFor((m) => m.a.includes('menage.panne@essai.example'));
      const e = await jusqua(handle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
      expect(e.journal.find((j) => j.resume.startsWith('Courriel au ménage'))?.resume).toMatch(
        / — SMS pas encore parti \(le fournisseur ne répond pas\), renvoyé trois jours au plus$/,
      );
      const [ligne] = await ligneSms(id);
      // Essayé au lancement, puis par son workflow de renvoi aussitôt démarré.
      expect(ligne).toMatchObject({ envoye_le: null, abandonne_le: null, echoue_le: expect.any(Date) });
      cle = ligne!.cle;
      expect(recus()).toEqual([]);
      expect((await handle(`renvoi-sms:${cle}`).describe()).status.name).toBe('RUNNING');

      // Il se voit : sur le dossier, aux tableaux de bord de ses programmes, à la sonde de santé.
      expect(await fiche(id)).toContain(
        '<strong>Un SMS au ménage attend d’être envoyé</strong> : le fournisseur de SMS l’a refusé ou ne répond pas (depuis le ',
      );
      expect(await contactApi(id)).toMatchObject({ smsEnAttente: { nombre: 1, depuis: expect.any(String) } });
      expect((await contactApi(id)).smsNonPartis).toBeUndefined();
      const coordination = await tableau('coord.essai');
      expect(coordination).toContain(TITRE_SMS);
      expect(coordination).toContain('<strong>Un SMS à un ménage de vos programmes n’a pas pu partir</strong>');
      expect(coordination).toContain('Le parcours avance sans l’attendre ; le SMS est renvoyé toutes les 10 minutes au plus, pendant trois jours.');
      expect(await tableau('ts.alice')).toContain(TITRE_SMS);
      expect(await tableau('admin.essai')).toContain('Vérifiez le fournisseur de SMS de la plateforme.');
      expect(await tableau('coord.besancon')).not.toContain(TITRE_SMS);
      const sante = await essai.api.appel('GET', '/health');
      expect(sante.status).toBe(200);
      expect(sante.json).toMatchObject({
        etat: 'ok',
        smsEnAttente: 1,
        detail: 'Les services répondent, mais le fournisseur de SMS refuse des messages (1 SMS en attente, renvoyés pendant trois jours).',
      });
    } finally {
      catcher.refuser(undefined);
    }

    // Le fournisseur revenu, la reprise suivante du workflow de renvoi (son horloge avancée) le fait partir.
    const renvoi = handle(`renvoi-sms:${cle}`);
    await lancerAvance(essai.banc, renvoi, '15 minutes');
    expect(await renvoi.result()).toEqual({ envoye: true });
    expect(recus()).toHaveLength(1);
    expect(recus()[0]!.reference).toBe(cle);
    expect((await ligneSms(id))[0]).toMatchObject({ envoye_le: expect.any(Date), abandonne_le: null });
    expect(await fiche(id)).not.toContain('Un SMS au ménage attend');
    expect((await contactApi(id)).smsEnAttente).toBeUndefined();
    expect(await tableau('coord.essai')).not.toContain(TITRE_SMS);
    expect((await essai.api.appel('GET', '/health')).json).toMatchObject({ etat: 'ok', detail: 'Tout fonctionne.', smsEnAttente: 0 });
  });

  it('un SMS qui vient la nuit attend 8 h : le journal dit quand il partira, rien ne part avant, puis il part une fois ; le ménage qui n’accepte que les SMS aussi', async () => {
    // Demain à 23 h 30 à Paris : le SMS partira à 8 h, le lendemain ou le premier jour sans dimanche ni jour férié.
    const nuit = new Date(depuisHeureDeParis(Date.parse(`${jourDeParis(new Date(Date.now() + 86_400_000))}T23:30:00.000Z`)));
    const huitHeures = heureDuSms(nuit);
    expect(heureEnFrancais(huitHeures)).toBe('08:00');
    const prevu = `le ${jourEnFrancais(huitHeures)} à 8 h (aucun SMS au ménage la nuit, le dimanche ni un jour férié)`;
    const avecCourriel = { ...menageEssai(), courriel: 'menage.nuit@essai.example', accepteCourriel: true, telephone: '06 47 10 20 31', accepteSms: true };
    const smsSeulement = { ...menageEssai(), courriel: undefined, accepteCourriel: false, telephone: '06 47 10 20 32', accepteSms: true };
    const recus = () => catcher.messages().filter((m) => ['+33647102031', '+33647102032'].includes(m.destinataire));
    heureDesSms = () => nuit;
    const ids: string[] = [];
    try {
      for (const menage of [avecCourriel, smsSeulement]) {
        const r = await lancer(menage);
        expect(r.status, r.texte).toBe(201);
        ids.push(r.json.workflowId as string);
      }
      const [id, idSeul] = ids as [string, string];
      // Le courriel part la nuit ; son SMS est prévu à 8 h, et le journal le dit.
      await essai.banc.courriels.waitFor((m) => m.a.includes('menage.nuit@essai.example'));
      const e = await jusqua(handle(id), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
      expect(e.journal.find((j) => j.resume.startsWith('Courriel au ménage'))?.resume).toContain(
        `(joint : Lettre d’information au ménage) — SMS prévu ${prevu}`,
      );
      const seul = await jusqua(handle(idSeul), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
      expect(seul.journal.find((j) => j.type === 'sms')?.resume).toContain(`» (le ménage n’accepte pas les courriels) — prévu ${prevu}`);
      // Rien n'est parti ; ce n'est pas un SMS en panne : la page dit quand il partira, sans alerte.
      expect(recus()).toEqual([]);
      const page = await fiche(id);
      expect(page).not.toContain('Un SMS au ménage attend');
      expect(page).toContain(`<strong>Un SMS attend son heure</strong> : il partira le ${jourEnFrancais(huitHeures)} à 8 h.`);
      expect(await contactApi(idSeul)).toMatchObject({ smsPrevus: { nombre: 1, le: huitHeures.toISOString() } });
      expect(await tableau('coord.essai')).not.toContain(TITRE_SMS);
      for (const x of ids) {
        const [ligne] = await ligneSms(x);
        expect(ligne).toMatchObject({ envoye_le: null, echoue_le: null, abandonne_le: null, tentatives: 0, prevu_le: huitHeures });
        expect((await handle(`renvoi-sms:${ligne!.cle}`).describe()).status.name).toBe('RUNNING');
      }
      // Un troisième ménage retire son accord aux SMS avant 8 h : la page ne dit plus qu'un SMS attend ; à 8 h, rien ne part.
      const retrait = await lancer({
        ...menageEssai(),
        courriel: 'menage.nuit-retrait@essai.example',
        accepteCourriel: true,
        telephone: '06 47 10 20 33',
        accepteSms: true,
      });
      const idRetrait = retrait.json.workflowId as string;
      await jusqua(handle(idRetrait), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
      expect(await contactApi(idRetrait)).toMatchObject({ smsPrevus: { nombre: 1 } });
      const arret = await essai.api.appel('POST', `/api/parcours/${idRetrait}/contact-menage`, {
        jeton: await essai.connecter('ts.alice'),
        corps: { canal: 'sms', accorde: false },
      });
      expect(arret.status, arret.texte).toBe(201);
      expect(arret.json.smsPrevus).toBeUndefined();
      expect(await fiche(idRetrait)).not.toContain('attend son heure');
      const renvoiRetrait = handle(`renvoi-sms:${(await ligneSms(idRetrait))[0]!.cle}`);
      // Une minute avant 8 h, son workflow de renvoi attend encore.
      const renvois = await Promise.all(ids.map(async (x) => handle(`renvoi-sms:${(await ligneSms(x))[0]!.cle}`)));
      for (const renvoi of renvois) await avancerJusqua(essai.banc, renvoi, new Date(huitHeures.getTime() - 60_000));
      expect(recus()).toEqual([]);
      // 8 h : chacun part, une fois.
      heureDesSms = () => huitHeures;
      for (const renvoi of renvois) {
        await lancerAvance(essai.banc, renvoi, '2 minutes');
        expect(await renvoi.result()).toEqual({ envoye: true });
      }
      expect(
        recus()
          .map((m) => m.destinataire)
          .sort(),
      ).toEqual(['+33647102031', '+33647102032']);
      expect(recus().find((m) => m.destinataire === '+33647102032')!.texte).toContain('un courrier concernant votre accompagnement vous est adressé');
      expect(await fiche(id)).not.toContain('attend son heure');
      expect((await contactApi(idSeul)).smsPrevus).toBeUndefined();
      await lancerAvance(essai.banc, renvoiRetrait, huitHeures.getTime() - Date.now() + 120_000);
      expect(await renvoiRetrait.result()).toEqual({ envoye: false, raison: 'sans_consentement' });
      expect((await ligneSms(idRetrait))[0]).toMatchObject({ envoye_le: null, prevu_le: null });
      expect(catcher.messages().filter((m) => m.destinataire === '+33647102033')).toEqual([]);

      // Une reprise du renvoi qui tombe la nuit (le fournisseur revenu après 20 h) : la suivante à 8 h, pas toutes les 10 minutes.
      heureDesSms = () => nuit;
      const depart: RenvoiSms = {
        sms: { cle: `${id}/reprise-de-nuit:sms`, workflowId: id, modele: 'courriel', signature: 'Le CCAS', doubleCourrielA: avecCourriel.courriel },
      };
      const reprise = await essai.banc.env.client.workflow.start('renvoiSms', {
        workflowId: `renvoi-sms:${depart.sms.cle}`,
        taskQueue: essai.banc.taskQueue,
        args: [depart],
      });
      const essaye = Date.now();
      const enAttente = await vi.waitFor(
        async () => {
          const a = (await reprise.describe()).raw.pendingActivities?.[0];
          if (a?.attempt !== 2) throw new Error('première tentative pas encore faite');
          return a;
        },
        { timeout: 60_000, interval: 100 },
      );
      // La tentative suivante à 8 h (dans l'heure du workflow, qui est celle de la suite).
      const suivante = Number(enAttente.nextAttemptScheduleTime!.seconds) * 1000;
      expect(Math.abs(suivante - (essaye + huitHeures.getTime() - nuit.getTime()))).toBeLessThan(60_000);
      expect(recus().filter((m) => m.destinataire === '+33647102031')).toHaveLength(1);
      heureDesSms = () => huitHeures;
      await lancerAvance(essai.banc, reprise, huitHeures.getTime() - nuit.getTime());
      expect(await reprise.result()).toEqual({ envoye: true });
      expect(recus().filter((m) => m.destinataire === '+33647102031')).toHaveLength(2);
    } finally {
      heureDesSms = EN_JOURNEE;
    }
  });

  it('un numéro refusé par le fournisseur est abandonné aussitôt ; un SMS que le fournisseur ne prend pas à son délai l’est aussi ; le dossier le dit', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.refuse@essai.example', accepteCourriel: true, telephone: '06 33 44 55 66', accepteSms: true };
    catcher.refuser(400);
    try {
      const r = await lancer(menage);
      expect(r.status, r.texte).toBe(201);
      const id = r.json.workflowId as string;
      await essai.banc.courriels.waitFor((m) => m.a.includes('menage.refuse@essai.example'));
      const e = await jusqua(handle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
      expect(e.journal.find((j) => j.resume.startsWith('Courriel au ménage'))?.resume).toMatch(/ — SMS refusé par le fournisseur : numéro à vérifier$/);
      const [ligne] = await ligneSms(id);
      expect(ligne).toMatchObject({ tentatives: 1, envoye_le: null, abandonne_le: expect.any(Date) });
      // Rien à renvoyer : aucun workflow de renvoi.
      await expect(handle(`renvoi-sms:${ligne!.cle}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      const page = await fiche(id);
      expect(page).toContain('<strong>Un SMS n’est pas parti</strong> (le dernier abandonné le ');
      expect(page).toContain('le fournisseur de SMS l’a refusé, ou ne l’a pas pris en trois jours. Vérifiez le numéro avec le ménage.');
      expect(page).not.toContain('attend d’être envoyé');
      expect(await tableau('coord.essai')).not.toContain(TITRE_SMS);

      // Un fournisseur en panne jusqu'au délai du renvoi (raccourci à une heure : le chemin est le même
      // qu'à trois jours) : le SMS est abandonné, le dossier le compte.
      catcher.refuser(503);
      const depart: RenvoiSms = {
        sms: { cle: `${id}/essai-renvoi:sms`, workflowId: id, modele: 'courriel', signature: 'Le CCAS', doubleCourrielA: menage.courriel },
        abandonApres: 'PT1H',
      };
      const renvoi = await essai.banc.env.client.workflow.start('renvoiSms', {
        workflowId: `renvoi-sms:${depart.sms.cle}`,
        taskQueue: essai.banc.taskQueue,
        args: [depart],
      });
      await lancerAvance(essai.banc, renvoi, '2 hours');
      expect(await renvoi.result()).toEqual({ envoye: false, raison: 'abandonne' });
      const lignes = await ligneSms(id);
      expect(lignes.find((l) => l.cle === depart.sms.cle)).toMatchObject({ envoye_le: null, abandonne_le: expect.any(Date) });
      expect(lignes.find((l) => l.cle === depart.sms.cle)!.tentatives).toBeGreaterThan(3);
      expect(await fiche(id)).toContain('<strong>2 SMS ne sont pas partis</strong>');
      expect(await contactApi(id)).toMatchObject({ smsNonPartis: { nombre: 2, dernier: expect.any(String) } });
      expect(catcher.messages().filter((m) => m.destinataire === '+33633445566')).toEqual([]);

      // Le numéro vérifié avec le ménage et corrigé : l'avis ne parle plus des SMS d'avant.
      const corrige = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, {
        jeton: await essai.connecter('ts.alice'),
        corps: { canal: 'sms', accorde: true, telephone: '06 33 44 55 67' },
      });
      expect(corrige.status, corrige.texte).toBe(201);
      expect(await fiche(id)).not.toContain('pas parti');
      expect(corrige.json.smsNonPartis).toBeUndefined();
    } finally {
      catcher.refuser(undefined);
    }
  });

  it('une adresse du ménage que le serveur de courriel refuse pour de bon : la lettre va à la coordination, le parcours avance, aucun SMS n’annonce un courriel jamais arrivé', async () => {
    // Le mail catcher refuse les domaines en « .invalid » comme un relais strict (550 5.1.2).
    const menage = { ...menageEssai(), courriel: 'menage.erronee@domaine.invalid', accepteCourriel: true, telephone: '06 44 55 66 77', accepteSms: true };
    const r = await lancer(menage);
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    const redirige = await essai.banc.courriels.waitFor(
      (m) => m.sujet.includes('un accompagnement vous est proposé') && m.texte.includes('refusée par le serveur'),
    );
    expect(redirige.a).not.toContain('menage.erronee@domaine.invalid');
    expect(redirige.texte).toContain(
      'Ce message ne trouvait pas son destinataire (l’adresse du destinataire a été refusée par le serveur de courriel : inconnue ou erronée) : il vous est adressé à sa place. Merci de vérifier cette adresse (annuaire, compte, ou coordonnées du ménage).',
    );
    const e = await jusqua(handle(id), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
    expect(e.journal.map((j) => j.resume).join('\n')).toContain('redirigé : l’adresse du destinataire a été refusée par le serveur de courriel');
    // Parti une fois, à la coordination ; rien n'attend, aucun SMS.
    const ligne = await (
      await baseEssai()
    ).db
      .selectFrom('courriels')
      .selectAll()
      .where('cle', 'like', `${id}/%`)
      .where('adresse_refusee_le', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(ligne).toMatchObject({ envoye_le: expect.any(Date), echoue_le: null });
    expect(await ligneSms(id)).toEqual([]);
    expect(catcher.messages().filter((m) => m.destinataire === '+33644556677')).toEqual([]);
    expect(await tableau('coord.essai')).not.toContain('en attente d’envoi');
  });

  it('l’adresse électronique du ménage corrigée depuis le dossier : les courriels suivants y partent, annoncés par SMS ; l’accord retiré, plus aucun ne part', async () => {
    const menage = { ...menageEssai(), courriel: 'ancienne.adresse@boite.rebond.test', accepteCourriel: true, telephone: '06 66 77 88 99', accepteSms: true };
    const r = await lancer(menage);
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    await jusqua(handle(id), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
    const ts = await essai.connecter('ts.alice');

    // Le travailleur social corrige l'adresse par la page du dossier (formulaire « Joindre le ménage »).
    const avant = await fiche(id);
    expect(avant).toContain('Corriger l’adresse électronique ou arrêter les courriels');
    expect(avant).toContain('value="ancienne.adresse@boite.rebond.test"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(avant)![1]!;
    const cookie = `${NOM_COOKIE}=${ts}`;
    const faux = await essai.api.appel('POST', `/parcours/${encodeURIComponent(id)}/courriel-menage`, {
      entetes: { cookie },
      formulaire: { csrf, accorde: 'oui', courriel: 'pas-une-adresse' },
    });
    expect(faux.status).toBe(400);
    expect(faux.texte).toContain('Rien n’a été enregistré, à corriger :');
    expect(faux.texte).toContain('adresse électronique attendue');
    expect((await contactApi(id)).adresseCourriel).toBe('ancienne.adresse@boite.rebond.test');
    const corrige = await essai.api.appel('POST', `/parcours/${encodeURIComponent(id)}/courriel-menage`, {
      entetes: { cookie },
      formulaire: { csrf, accorde: 'oui', courriel: 'Nouvelle.Adresse@essai.example' },
    });
    expect(corrige.status, corrige.texte).toBe(303);
    expect(corrige.headers.get('location')).toContain('fait=courriel-menage');
    expect(await contactApi(id)).toMatchObject({ courriel: { accorde: true, par: 'ts.alice' }, adresseCourriel: 'nouvelle.adresse@essai.example' });
    const apres = await fiche(id);
    expect(apres).toContain('nouvelle.adresse@essai.example <span class="aide">(corrigée ; à l’orientation : ancienne.adresse@boite.rebond.test)</span>');
    expect(apres).toContain('Courriels : acceptés, à nouvelle.adresse@essai.example (noté par Alice Travailleuse');

    // Le courriel suivant au ménage (celui que le parcours adresse encore à l'adresse de l'orientation) part à la nouvelle, annoncé par SMS.
    const activites = createCourrielActivities(essai.banc.dependances);
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: id, runId: 'essai' } });
    const courriel = (suffixe: string) => ({
      cle: `${id}/correction-${suffixe}`,
      destinataire: { type: 'adresse' as const, nom: menage.nom, courriel: menage.courriel },
      sujet: `Rendez-vous (${suffixe})`,
      paragraphes: ['Votre rendez-vous est confirmé.'],
      signature: 'Le CCAS',
    });
    expect(await env.run(activites.envoyerCourriel, courriel('a'))).toMatchObject({ sms: 'envoye' });
    const parti = await essai.banc.courriels.waitFor((m) => m.sujet === 'Rendez-vous (a)');
    expect(parti.a).toEqual(['nouvelle.adresse@essai.example']);
    expect(catcher.messages().filter((m) => m.destinataire === '+33666778899')).toHaveLength(2);
    // Une autre adresse donnée par le parcours (le bailleur d'une mesure IML) n'est pas celle du ménage : elle reste la sienne, sans SMS.
    const auBailleur = { ...courriel('bailleur'), destinataire: { type: 'adresse' as const, nom: 'OPAC', courriel: 'agence@opac.example' } };
    expect(await env.run(activites.envoyerCourriel, auBailleur)).not.toHaveProperty('sms');
    expect((await essai.banc.courriels.waitFor((m) => m.sujet === 'Rendez-vous (bailleur)')).a).toEqual(['agence@opac.example']);

    // L'accord aux courriels retiré : plus aucun ne part ; le ménage, qui accepte toujours les SMS, en reçoit un à la place, une fois.
    const retrait = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'courriel', accorde: false } });
    expect(retrait.status, retrait.texte).toBe(201);
    expect(retrait.json.adresseCourriel).toBeUndefined();
    expect(await fiche(id)).toContain('(n’accepte plus les courriels)');
    const aLaPlace = { messageId: expect.any(String), nonEnvoye: MENAGE_SANS_COURRIELS, sms: 'envoye' };
    expect(await env.run(activites.envoyerCourriel, courriel('b'))).toEqual(aLaPlace);
    // Reprise de la même activité : rien ne part davantage.
    expect(await env.run(activites.envoyerCourriel, courriel('b'))).toEqual(aLaPlace);
    expect(essai.banc.courriels.messages().some((m) => m.sujet === 'Rendez-vous (b)')).toBe(false);
    const recus = catcher.messages().filter((m) => m.destinataire === '+33666778899');
    expect(recus).toHaveLength(3);
    // Sans la lettre à imprimer : « du nouveau », et le téléphone de l'opérateur du programme du parcours.
    expect(recus[2]!.texte).toBe(texteSms('nouvelles', { signature: 'Le CCAS', telephone: CATALOGUE.trouver('loiret-ahu')!.operateur.telephone! }));
    // Les SMS retirés aussi : plus rien ne part.
    const plusDeSms = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'sms', accorde: false } });
    expect(plusDeSms.status, plusDeSms.texte).toBe(201);
    expect(await env.run(activites.envoyerCourriel, courriel('c'))).toEqual({ messageId: expect.any(String), nonEnvoye: MENAGE_SANS_COURRIELS });
    expect(catcher.messages().filter((m) => m.destinataire === '+33666778899')).toHaveLength(3);
  });

  it('l’accord aux courriels retiré pendant le lancement : la lettre ne part pas au ménage, le journal le dit ; un ménage qui ne les avait pas acceptés donne son adresse ensuite, la page dit ce que ce parcours lui écrira', async () => {
    const menage = { ...menageEssai(), courriel: 'retire@essai.example', accepteCourriel: true };
    // L'accusé au bailleur retenu : la lettre au ménage, envoyée après lui dans la même activité, attend.
    const lacher = essai.banc.retenirCourriels((objet) => objet.startsWith('Orientation reçue') && objet.includes(menage.reference));
    let id: string;
    try {
      const r = await lancer(menage);
      expect(r.status, r.texte).toBe(201);
      id = r.json.workflowId as string;
      const retrait = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, {
        jeton: await essai.connecter('coord.essai'),
        corps: { canal: 'courriel', accorde: false },
      });
      expect(retrait.status, retrait.texte).toBe(201);
    } finally {
      lacher();
    }
    const e = await jusqua(handle(id!), (x) => x.journal.some((j) => j.type === 'courriel_impossible'), 'lettre non envoyée au journal');
    expect(e.journal.find((j) => j.type === 'courriel_impossible')!.resume).toBe(
      `Courriel non envoyé au ménage (« ${CATALOGUE.trouver('loiret-ahu')!.operateur.nom} : un accompagnement vous est proposé ») : le ménage n’accepte plus les courriels`,
    );
    expect(essai.banc.courriels.messages().some((m) => m.a.includes('retire@essai.example'))).toBe(false);

    const sans = await lancer({ ...menageEssai(), courriel: 'plus.tard@essai.example', accepteCourriel: false });
    expect(sans.status, sans.texte).toBe(201);
    const avant = await fiche(sans.json.workflowId as string);
    expect(avant).toContain('Noter que le ménage accepte les courriels');
    expect(avant).toContain('Ce parcours n’écrit au ménage qu’à l’orientation (la lettre d’information) : l’adresse est notée au dossier.');
    // Ce qui se renvoie depuis « Documents » : le document de ce parcours, pas ceux des autres.
    expect(avant).toContain('ne repart pas de lui-même : « Lettre d’information au ménage » se renvoie depuis « Documents »');
    expect(avant).not.toContain('« Livret d’information sur le bail glissant » se renvoie');
    const donne = await essai.api.appel('POST', `/api/parcours/${sans.json.workflowId as string}/contact-menage`, {
      jeton: await essai.connecter('coord.essai'),
      corps: { canal: 'courriel', accorde: true, courriel: 'plus.tard@essai.example' },
    });
    expect(donne.status, donne.texte).toBe(201);
    expect(donne.json).toMatchObject({ courriel: { accorde: true, par: 'coord.essai' }, adresseCourriel: 'plus.tard@essai.example' });
    expect(await fiche(sans.json.workflowId as string)).toContain('Corriger l’adresse électronique ou arrêter les courriels');
  });

  it('la lettre d’information envoyée au ménage par courriel depuis le dossier, à l’adresse donnée après l’orientation : une fois par requête, refusée sans adresse, pour un autre document ou une saisie fausse', async () => {
    const r = await lancer({ ...menageEssai(), courriel: undefined, accepteCourriel: false });
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    await jusqua(handle(id), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
    const ts = await essai.connecter('ts.alice');
    const envoyer = (document: string, corps: unknown) =>
      essai.api.appel('POST', `/api/parcours/${id}/documents/${document}/envoi-menage`, { jeton: ts, corps });
    const journal = async () => (await handle(id).query(etatQuery)).journal.length;
    const avant = await journal();

    // Sans adresse acceptée : refusé, rien ne part ; la page ne propose pas l'envoi.
    const sansAdresse = await envoyer('lettre-information', { requestId: 'envoi-1' });
    expect(sansAdresse.status).toBe(409);
    expect(sansAdresse.json.detail).toBe(
      'Le ménage n’a pas d’adresse électronique notée, ou n’accepte pas les courriels : notez son accord et son adresse dans « Joindre le ménage », ou remettez-lui le document.',
    );
    expect(await fiche(id)).not.toContain('/envoi-menage"');

    // L'adresse donnée : la page propose l'envoi ; un document d'un autre parcours, un document inconnu, une saisie fausse sont refusés.
    const donne = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, {
      jeton: ts,
      corps: { canal: 'courriel', accorde: true, courriel: 'lettre.tardive@essai.example' },
    });
    expect(donne.status, donne.texte).toBe(201);
    const page = await fiche(id);
    expect(page).toContain('/envoi-menage"');
    expect(page).toContain('Envoyer par courriel au ménage (lettre.tardive@essai.example)');
    expect((await envoyer('livret-iml', { requestId: 'envoi-2' })).json.detail).toMatch(/^Livret d’information sur le bail glissant : /);
    expect((await envoyer('fiche-suivi-social', { requestId: 'envoi-3' })).status).toBe(404);
    const sansRequete = await envoyer('lettre-information', {});
    expect(sansRequete.status).toBe(400);
    expect(await journal()).toBe(avant);
    expect(essai.banc.courriels.messages().some((m) => m.a.includes('lettre.tardive@essai.example'))).toBe(false);

    // Par le formulaire de la page (bouton « Envoyer par courriel au ménage »), puis la même requête renvoyée par l'API : un seul courriel.
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const requestId = /name="requestId" value="([^"]+)"><input type="hidden" name="document" value="lettre-information"/.exec(page)![1]!;
    const cookie = `${NOM_COOKIE}=${ts}`;
    const parLaPage = await essai.api.appel('POST', `/parcours/${encodeURIComponent(id)}/envoi-menage`, {
      entetes: { cookie },
      formulaire: { csrf, requestId, document: 'lettre-information' },
    });
    expect(parLaPage.status, parLaPage.texte).toBe(303);
    expect(parLaPage.headers.get('location')).toContain('fait=envoi-menage');
    const encore = await envoyer('lettre-information', { requestId });
    expect(encore.status, encore.texte).toBe(202);
    expect(encore.json).toEqual({ envoi: 'en_cours', document: 'lettre-information', a: 'lettre.tardive@essai.example' });
    const lettre = await essai.banc.courriels.waitFor((m) => m.a.includes('lettre.tardive@essai.example'));
    const operateur = CATALOGUE.trouver('loiret-ahu')!.operateur;
    expect(lettre.sujet).toBe(`${operateur.nom} : un accompagnement vous est proposé`);
    expect(lettre.texte).toContain('Vous trouverez ci-joint la lettre d’information sur l’accompagnement qui vous est proposé.');
    expect(lettre.piecesJointes.map((x) => x.filename)).toEqual([expect.stringMatching(/^lettre-information-.+\.pdf$/)]);
    const e = await jusqua(handle(id), (x) => x.journal.some((j) => j.resume.startsWith('Courriel au ménage')), 'envoi noté au journal');
    // Le journal nomme qui l'a demandé.
    expect(e.journal.find((j) => j.resume.startsWith('Courriel au ménage'))!.acteur).toEqual({ type: 'personnel', id: 'ts.alice' });
    expect(e.journal.filter((j) => j.resume.startsWith('Courriel au ménage')).map((j) => j.resume)).toEqual([
      expect.stringContaining(`Courriel au ménage : « ${operateur.nom} : un accompagnement vous est proposé » (joint : Lettre d’information au ménage)`),
    ]);
    expect(essai.banc.courriels.messages().filter((m) => m.a.includes('lettre.tardive@essai.example'))).toHaveLength(1);

    // L'accord retiré entre-temps (la page encore ouverte) : le bouton répond par la raison, sous « Documents », et rien ne part.
    const retrait = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'courriel', accorde: false } });
    expect(retrait.status, retrait.texte).toBe(201);
    const tardif = await essai.api.appel('POST', `/parcours/${encodeURIComponent(id)}/envoi-menage`, {
      entetes: { cookie },
      formulaire: { csrf, requestId: 'envoi-apres-retrait', document: 'lettre-information' },
    });
    expect(tardif.status).toBe(409);
    expect(tardif.texte).toMatch(/<div id="envoi-menage">[^]*Envoi refusé :[^]*Le ménage n’a pas d’adresse électronique notée, ou n’accepte pas les courriels/);
    expect(tardif.texte).toContain('<a href="#envoi-menage">Voir « Documents »</a>');
    expect(tardif.texte).not.toContain('Ce formulaire n’est plus proposé');
    expect(tardif.texte).not.toContain('/envoi-menage"');
    expect(essai.banc.courriels.messages().filter((m) => m.a.includes('lettre.tardive@essai.example'))).toHaveLength(1);

    // Le parcours clôturé : plus rien ne part au ménage, l'API le dit.
    const cloture = await essai.api.appel('POST', `/api/parcours/${id}/cloture`, {
      jeton: await essai.connecter('coord.essai'),
      corps: { requestId: 'cloture-envoi', motif: 'Le ménage a déménagé' },
    });
    expect(cloture.status, cloture.texte).toBeLessThan(300);
    const apresCloture = await envoyer('lettre-information', { requestId: 'envoi-apres-cloture' });
    expect(apresCloture.status).toBe(409);
    expect(apresCloture.json.detail).toBe('Le parcours est clôturé : plus aucun courriel ne part au ménage.');
  });

  /** Un parcours loiret-ahu lancé pour un ménage qui accepte les courriels à cette adresse, à l'étape « aller vers » : son identifiant. */
  async function joignableParCourriel(adresse: string): Promise<string> {
    const r = await lancer({ ...menageEssai(), courriel: adresse, accepteCourriel: true });
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    await jusqua(handle(id), (x) => x.etape === 'aller_vers', 'étape « aller_vers »');
    return id;
  }

  it(`au-delà de ${ENVOIS_AU_MENAGE_PAR_JOUR} documents envoyés au ménage du même dossier en 24 heures : 429 par l’API, la raison sous « Documents » par la page, rien de plus ne part`, async () => {
    const adresse = 'menage.rafale@essai.example';
    const id = await joignableParCourriel(adresse);
    const ts = await essai.connecter('ts.alice');
    const envoyer = (requestId: string) =>
      essai.api.appel('POST', `/api/parcours/${id}/documents/lettre-information/envoi-menage`, { jeton: ts, corps: { requestId } });
    for (let i = 0; i < ENVOIS_AU_MENAGE_PAR_JOUR; i++) expect((await envoyer(`rafale-${i}`)).status).toBe(202);
    // La même requête rejouée répond comme la première, sans compter.
    expect((await envoyer('rafale-0')).status).toBe(202);
    const trop = await envoyer('rafale-en-trop');
    expect(trop.status).toBe(429);
    expect(trop.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(trop.json).toMatchObject({
      title: 'Trop d’envois',
      detail: expect.stringMatching(/^Déjà \d+ documents envoyés au ménage de ce dossier en 24 heures : le prochain pourra partir dans /),
    });
    const page = await fiche(id);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const parLaPage = await essai.api.appel('POST', `/parcours/${encodeURIComponent(id)}/envoi-menage`, {
      entetes: { cookie: `${NOM_COOKIE}=${ts}` },
      formulaire: { csrf, requestId: 'rafale-par-la-page', document: 'lettre-information' },
    });
    expect(parLaPage.status).toBe(429);
    expect(parLaPage.texte).toMatch(/<div id="envoi-menage">[^]*Envoi refusé :[^]*documents envoyés au ménage de ce dossier en 24 heures/);
    // En haut de la page, le titre et de quoi aller à la raison, une seule fois dite.
    expect(parLaPage.texte).toContain('<strong>Envoi refusé :</strong> <a href="#envoi-menage">Voir « Documents »</a>');
    expect(parLaPage.texte.match(/documents envoyés au ménage de ce dossier/g)).toHaveLength(1);
    expect(parLaPage.texte).not.toContain('Ce formulaire n’est plus proposé');
    // Les envois acceptés sont partis, et eux seuls (le journal les a tous notés, avec qui les a demandés : rien n'est plus en route).
    const envoisDemandes = (x: EtatParcours) =>
      x.journal.filter((j) => j.resume.includes(' : un accompagnement vous est proposé » (joint') && j.acteur.type === 'personnel');
    await jusqua(handle(id), (x) => envoisDemandes(x).length === ENVOIS_AU_MENAGE_PAR_JOUR, 'envois notés au journal');
    // Le journal note un envoi une fois le courriel remis au serveur : ils sont déjà dans la boîte, avec la lettre de l'orientation.
    expect(essai.banc.courriels.messages().filter((m) => m.a.includes(adresse) && m.sujet.endsWith(' : un accompagnement vous est proposé'))).toHaveLength(
      ENVOIS_AU_MENAGE_PAR_JOUR + 1,
    );
  });

  it('un envoi au ménage dont la réponse se perd (délai dépassé) : le courriel part et l’envoi reste compté ; le suivant, au-delà de la limite, est refusé (429)', async () => {
    const adresse = 'menage.reponse-perdue@essai.example';
    const id = await joignableParCourriel(adresse);
    const ts = await essai.connecter('ts.alice');
    // Une API (un envoi par jour) dont les réponses aux mises à jour se perdent : le parcours envoie, l'API reçoit une erreur.
    const client = await clientAuxReponsesPerdues(essai.banc, 'UpdateWorkflowExecution');
    const perdue = await demarrerApiEssai(essai.banc, {
      surcharges: { client, options: { publicBaseUrl: 'http://localhost:3999', sessionTtl: 'PT8H', envoisAuMenageParJour: 1 } },
    });
    try {
      const envoyer = (requestId: string) =>
        perdue.appel('POST', `/api/parcours/${id}/documents/lettre-information/envoi-menage`, { jeton: ts, corps: { requestId } });
      const lettres = () => essai.banc.courriels.messages().filter((m) => m.a.includes(adresse) && m.sujet.endsWith(' : un accompagnement vous est proposé'));
      // La lettre de l'orientation d'abord, puis celle de l'envoi.
      await essai.banc.courriels.waitFor((m) => m.a.includes(adresse) && m.sujet.endsWith(' : un accompagnement vous est proposé'));
      const premier = await envoyer('perdu-1');
      expect(premier.status, premier.texte).toBe(503);
      await expect.poll(() => lettres().length).toBe(2);
      const second = await envoyer('perdu-2');
      expect(second.status, second.texte).toBe(429);
    } finally {
      await perdue.fermer();
      await client.connection.close();
    }
  });

  it('un envoi par la page que le parcours n’a pas confirmé (demande perdue en route) : la page le dit (503) et garde l’identifiant de l’envoi ; renvoyé, la lettre part une fois', async () => {
    const adresse = 'menage.envoi-en-route@essai.example';
    const id = await joignableParCourriel(adresse);
    const cookie = `${NOM_COOKIE}=${await essai.connecter('ts.alice')}`;
    const action = `/parcours/${encodeURIComponent(id)}/envoi-menage`;
    const caches = (page: string) => champsCaches(page, action, ['csrf', 'requestId', 'document']);
    const lettres = () => essai.banc.courriels.messages().filter((m) => m.a.includes(adresse) && m.sujet.endsWith(' : un accompagnement vous est proposé'));
    await expect.poll(() => lettres().length).toBe(1); // celle de l'orientation
    const ouvert = caches(await fiche(id));
    const client = await clientAuxReponsesPerdues(essai.banc, 'UpdateWorkflowExecution', { enRoute: true });
    const perdue = await demarrerApiEssai(essai.banc, { surcharges: { client } });
    let garde: Record<string, string>;
    try {
      const enRoute = await perdue.appel('POST', action, { entetes: { cookie }, formulaire: ouvert });
      expect(enRoute.status, enRoute.texte.slice(0, 300)).toBe(503);
      expect(enRoute.texte).toContain('Pas encore confirmé :');
      garde = caches(enRoute.texte);
      expect(garde).toMatchObject({ requestId: ouvert.requestId, document: 'lettre-information' });
    } finally {
      await perdue.fermer();
      await client.connection.close();
    }
    // Renvoyé deux fois (« Envoyer » puis « Précédent ») : une seule lettre de plus.
    for (let i = 0; i < 2; i++) expect((await essai.api.appel('POST', action, { entetes: { cookie }, formulaire: garde })).status).toBe(303);
    // Le journal note l'envoi une fois le courriel remis au serveur (avec qui l'a demandé).
    const envois = (x: EtatParcours) =>
      x.journal.filter((j) => j.resume.includes(' : un accompagnement vous est proposé » (joint') && j.acteur.type === 'personnel');
    await jusqua(handle(id), (x) => envois(x).length === 1, 'l’envoi au journal');
    expect(lettres()).toHaveLength(2);
  });

  it('un envoi au ménage que le parcours refuse (sa clôture en cours) est rendu : le suivant est refusé pour la même raison, pas pour la limite', async () => {
    const adresse = 'menage.cloture-en-cours@essai.example';
    const id = await joignableParCourriel(adresse);
    const reference = id.split('--')[1]!;
    const ts = await essai.connecter('ts.alice');
    const contact = await echeanceSuivie(handle(id), 'contact');
    // Le courriel de clôture retenu (serveur lent) : la clôture est décidée, pas encore faite.
    const lacher = essai.banc.retenirCourriels((objet) => objet.startsWith('Contact impossible') && objet.includes(reference));
    const uneParJour = await demarrerApiEssai(essai.banc, {
      surcharges: { options: { publicBaseUrl: 'http://localhost:3999', sessionTtl: 'PT8H', envoisAuMenageParJour: 1 } },
    });
    try {
      await lancerAvance(essai.banc, handle(id), apres(contact.due).getTime() - (await heureDuParcours(handle(id))).getTime());
      await jusqua(handle(id), (x) => x.clotureEnCours === true, 'clôture en cours');
      for (const requestId of ['cloture-1', 'cloture-2']) {
        const refus = await uneParJour.appel('POST', `/api/parcours/${id}/documents/lettre-information/envoi-menage`, { jeton: ts, corps: { requestId } });
        expect(refus.status, refus.texte).toBe(409);
        expect(refus.json.detail).toBe('Le parcours est déjà clôturé.');
      }
    } finally {
      lacher();
      await uneParJour.fermer();
    }
    await jusqua(handle(id), (x) => !!x.cloture, 'clôture');
  });

  it('le workflow de renvoi devant une entrée fausse : un délai illisible vaut trois jours, une heure illisible ne fait pas attendre, un modèle inconnu ou une clé absente l’abandonnent sans échouer', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.entrees@essai.example', accepteCourriel: true, telephone: '06 55 66 77 88', accepteSms: true };
    const r = await lancer(menage);
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    await jusqua(handle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    const sms = { workflowId: id, modele: 'courriel' as const, signature: 'Le CCAS', doubleCourrielA: menage.courriel };
    const renvoyer = (cle: string, entree: unknown) =>
      essai.banc.env.client.workflow
        .start('renvoiSms', { workflowId: `renvoi-sms:${cle}`, taskQueue: essai.banc.taskQueue, args: [entree as RenvoiSms] })
        .then((h) => h.result());
    // Délai illisible : le SMS part (le workflow ne bute pas sur la durée).
    expect(await renvoyer(`${id}/delai-illisible:sms`, { sms: { ...sms, cle: `${id}/delai-illisible:sms` }, abandonApres: 'trois jours' })).toEqual({
      envoye: true,
    });
    await catcher.waitFor((m) => m.reference === `${id}/delai-illisible:sms`);
    // Une heure « pas avant » illisible : le workflow ne l'attend pas, le SMS part.
    expect(await renvoyer(`${id}/heure-illisible:sms`, { sms: { ...sms, cle: `${id}/heure-illisible:sms` }, pasAvant: 'demain matin' })).toEqual({
      envoye: true,
    });
    // Modèle inconnu : refusé par l'activité (en français, sans reprise), abandonné.
    expect(await renvoyer(`${id}/modele-inconnu:sms`, { sms: { ...sms, cle: `${id}/modele-inconnu:sms`, modele: 'publicite' } })).toEqual({
      envoye: false,
      raison: 'abandonne',
    });
    // Sans clé : rien à faire.
    expect(await renvoyer(`${id}/sans-cle`, { sms: { ...sms, cle: '' } })).toEqual({ envoye: false, raison: 'abandonne' });
    expect(
      catcher
        .messages()
        .filter((m) => m.destinataire === '+33655667788')
        .map((m) => m.reference),
    ).toEqual([expect.stringMatching(/:sms$/), `${id}/delai-illisible:sms`, `${id}/heure-illisible:sms`]);
  });
});
