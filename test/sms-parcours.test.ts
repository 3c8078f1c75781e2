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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOM_COOKIE } from '../api/auth';
import { startSmsCatcher, type SmsCatcher } from '../dev/sms-catcher';
import { fournisseurHttp, texteSms, type FournisseurSms } from '../sms';
import { bancAvecApi } from './outils/api';
import { baseEssai } from './outils/base';
import { COFFRE, jusqua, menageEssai, situationPrevention } from './outils/environnement';

let catcher: SmsCatcher;
let dossier: string;
/** Le fournisseur HTTP vers le récepteur local, créé quand le récepteur a son adresse. */
const fournisseur: FournisseurSms = { envoyer: (m) => fournisseurHttp({ url: catcher.url, expediteur: 'CCAS' }).envoyer(m) };
const essai = bancAvecApi('mot-de-passe-essai', { dependances: { sms: { coffre: COFFRE, fournisseur } } });

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

describe('SMS au ménage qui les accepte', () => {
  it('accord pris au lancement : la lettre d’information part en courriel et en SMS, une fois ; la page le dit, le portable masqué ; l’accord se retire', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.sms@essai.example', accepteCourriel: true, telephone: '06 11 22 33 44', accepteSms: true };
    const r = await lancer(menage);
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    await jusqua(essai.banc.env.client.workflow.getHandle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');

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
    const courrielIci = await essai.api.appel('POST', `/api/parcours/${id}/contact-menage`, { jeton: ts, corps: { canal: 'courriel', accorde: false } });
    expect(courrielIci.status).toBe(400);
    expect(courrielIci.texte).toContain('décidés à l’orientation');
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
});
