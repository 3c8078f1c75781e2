/**
 * Deux de chaque : deux workers sur la même file de tâches et deux API, sur un seul Temporal et une
 * seule base PostgreSQL. Un parcours mené tour à tour par les deux API reçoit chaque message une
 * fois, envoie chaque courriel une fois, et sa fiche d'indicateurs est consignée une fois, à jour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { creerWorker } from '../worker/creer-worker';
import { creerAnnuaire } from '../personnel/annuaire';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { deuxApiEssai, type ApiEssai } from './outils/api';
import { baseEssai } from './outils/base';
import { CATALOGUE, DATA_CONVERTER, PERSONNEL, SIGNEUR, jusqua, menageEssai, monterBanc, paquetWorkflows, requete, type Banc } from './outils/environnement';

const MOT_DE_PASSE = 'deux-de-chaque';
let banc: Banc;
let second: { worker: Worker; course: Promise<void> };
let connexion: NativeConnection;
let a: ApiEssai;
let b: ApiEssai;
let deux: Awaited<ReturnType<typeof deuxApiEssai>>;

/** Courriels envoyés par chaque worker (la somme doit être le nombre de courriels reçus). */
const envois = { premier: 0, second: 0 };

beforeAll(async () => {
  banc = await monterBanc({ dependances: { apresEnvoi: () => void (envois.premier += 1) } });
  // Un second worker, sur la même file et la même base, avec sa propre connexion SMTP.
  connexion = await NativeConnection.connect({ address: banc.env.address });
  const worker = await creerWorker({
    connection: connexion,
    namespace: banc.env.namespace ?? 'default',
    taskQueue: banc.taskQueue,
    dataConverter: DATA_CONVERTER,
    workflowBundle: await paquetWorkflows(),
    dependances: {
      ...banc.dependances,
      transport: nodemailer.createTransport({ host: '127.0.0.1', port: banc.courriels.smtpPort, secure: false, ignoreTLS: true }),
      annuaire: creerAnnuaire(PERSONNEL),
      signeur: SIGNEUR,
      apresEnvoi: () => void (envois.second += 1),
    },
  });
  second = { worker, course: worker.run() };
  deux = await deuxApiEssai(banc, MOT_DE_PASSE);
  ({ a, b } = deux);
});
afterAll(async () => {
  await deux?.fermer();
  second?.worker.shutdown();
  await second?.course.catch(() => undefined);
  await connexion?.close();
  await banc?.fermer();
});

const jeton = async (api: ApiEssai, identifiant: string) => (await api.appel('POST', '/api/session', { corps: { identifiant, motDePasse: MOT_DE_PASSE } })).json.jeton as string;

describe('deux workers et deux API', () => {
  it('un parcours loiret-ahu mené par les deux API : chaque étape, chaque courriel et la fiche d’indicateurs une fois', async () => {
    const menage = menageEssai();
    // La session ouverte sur A sert aussi sur B.
    const coordination = await jeton(a, 'coord.essai');
    const ts = await jeton(b, 'ts.alice');
    const lancement = await a.appel('POST', '/api/parcours', {
      jeton: coordination,
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'ts.alice',
        menage,
        donnees: { situation: { impayesMois: 2, montantDette: 812, debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10), garantie: 'aucune', contactBailleur: false, suiviParServiceSocial: false } },
      },
    });
    expect(lancement.status, lancement.texte).toBe(201);
    const id = lancement.json.workflowId as string;
    const handle = banc.env.client.workflow.getHandle(id);
    const etape = (nom: string) => jusqua(handle, (e) => e.etape === nom, `étape « ${nom} »`);
    const envoyer = async (api: ApiEssai, qui: string, nom: string, corps: Record<string, unknown>) => {
      const r = await api.appel('POST', `/api/parcours/${id}/messages/${nom}`, { jeton: qui, corps: { requestId: requete(), ...corps } });
      expect(r.status, `${nom} : ${r.texte}`).toBe(200);
      return r;
    };
    await etape('aller_vers');
    // Le même message envoyé aux deux API avec le même requestId : appliqué une fois.
    const contact = { requestId: requete(), canal: 'telephone', creneau: 'soir', issue: 'joint' };
    const [r1, r2] = await Promise.all([
      a.appel('POST', `/api/parcours/${id}/messages/tentative-contact`, { jeton: ts, corps: contact }),
      b.appel('POST', `/api/parcours/${id}/messages/tentative-contact`, { jeton: ts, corps: contact }),
    ]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    await etape('diagnostic');
    await envoyer(a, ts, 'diagnostic', { origineDette: 'Perte d’emploi', droits: 'APL', budget: 'Serré', adequationLogement: 'Adapté', termine: true, carnetDeRoute: ['Dossier FSL'] });
    await etape('plan_aide');
    await envoyer(b, ts, 'plan-aide', { actions: ['fsl'], orientations: [] });
    await etape('suivi');
    await envoyer(a, ts, 'cloture', { issue: 'situation_stabilisee' });
    const fin = await jusqua(handle, (e) => !!e.cloture, 'clôture');
    expect(fin.journal.filter((e) => e.type === 'tentative_contact')).toHaveLength(1);

    // Chaque courriel du parcours une fois (le Message-ID vient de la clé d'idempotence).
    const bailleur = CATALOGUE.trouver('loiret-ahu')!.partenaires.bailleur!.courriel;
    await banc.courriels.waitFor((m) => m.a.includes(bailleur) && m.sujet.startsWith('Fin de l’accompagnement') && m.sujet.includes(menage.reference));
    await expect
      .poll(async () => (await handle.describe()).raw.pendingActivities?.length ?? 0, { message: 'activités du parcours encore en cours' })
      .toBe(0);
    // Ce banc ne sert qu'à ce parcours : tout ce que le catcher a reçu vient de lui.
    const recus = banc.courriels.messages();
    const ids = recus.map((m) => m.messageId);
    expect(recus.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ids).size, `courriels reçus : ${recus.map((m) => m.sujet).join(' | ')}`).toBe(ids.length);
    const { db } = await baseEssai();
    const envoyes = await db.selectFrom('courriels').select(['message_id', 'tentatives']).where('message_id', 'in', ids).execute();
    expect(envoyes).toHaveLength(ids.length);
    expect(envoyes.every((c) => c.tentatives === 1)).toBe(true);
    expect(envois.premier + envois.second, `envois : premier worker ${envois.premier}, second ${envois.second}`).toBe(ids.length);

    // La fiche d'indicateurs, une ligne, à jour (clôture comprise), lue par les deux API.
    await expect.poll(async () => (await new RegistreIndicateurs(db).lire('loiret-ahu', id))?.fiche.cloture?.issue, { message: 'fiche d’indicateurs avec la clôture' }).toBe('situation_stabilisee');
    const lignes = await db.selectFrom('fiches_indicateurs').select('workflow_id').where('workflow_id', '=', id).execute();
    expect(lignes).toHaveLength(1);
    const du = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const au = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const [ia, ib] = await Promise.all([a, b].map((api) => api.appel('GET', `/api/programmes/loiret-ahu/indicateurs?du=${du}&au=${au}`, { jeton: coordination })));
    expect(ia!.status, ia!.texte).toBe(200);
    expect(ib!.json).toEqual(ia!.json);
  });
});
