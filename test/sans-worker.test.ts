/**
 * Sans worker (arrêté pendant que l'API sert) : les actions répondent 503 en moins de 2 s, en
 * français, avec Retry-After, sans rien enregistrer ; la lecture d'un parcours répond depuis son
 * dossier ; /health le dit. (Sans cela, Temporal ne répond « aucun worker » qu'au bout de ~30 s.)
 *
 * Un worker qui démarre se signale dans la base avant d'interroger sa file : /health attend que
 * Temporal le voie interroger la file (« interrogation ») pour répondre 200.
 */
import { Worker } from '@temporalio/worker';
import { describe, expect, it, vi } from 'vitest';
import { signalerPresence } from '../worker/presence';
import { oublierPresencesVues } from '../api/routes/parcours';
import { SANTE_OK } from '../api/schemas-api';
import { bancAvecApi, demarrerApiEssai } from './outils/api';
import { baseEssai, etapeConsignee } from './outils/base';
import { jusqua, menageEssai, paquetWorkflows, requete, situationPrevention as situation } from './outils/environnement';

const essai = bancAvecApi('sans-worker');
const jeton = (id: string) => essai.connecter(id);

describe('/health et l’interrogation de la file', () => {
  it('un worker signalé qui n’interroge pas encore sa file : 503 « degrade » ; dès qu’il l’interroge : 200', async () => {
    const { api, banc } = essai;
    // Le worker du banc interroge sa file : tout va bien.
    await vi.waitFor(async () => expect((await api.appel('GET', '/health')).status).toBe(200), { timeout: 30_000, interval: 250 });
    expect((await api.appel('GET', '/health')).json).toEqual(SANTE_OK);

    // Une autre file : un worker s'y est signalé (comme au démarrage, avant sa première interrogation).
    const file = `${banc.taskQueue}-demarrage`;
    const presence = await signalerPresence((await baseEssai()).db, file);
    const autre = await demarrerApiEssai(banc, { surcharges: { taskQueue: file } });
    let worker: Worker | undefined;
    let course: Promise<void> | undefined;
    try {
      const avant = await autre.appel('GET', '/health');
      expect(avant.status).toBe(503);
      expect(avant.headers.get('cache-control')).toBe('no-store');
      expect(avant.json).toEqual({
        etat: 'degrade',
        detail:
          'Service dégradé : aucun worker n’interroge la file des parcours dans Temporal. Les dossiers restent lisibles ; les actions sur les parcours répondent 503 ou attendent.',
        temporal: 'ok',
        base: 'ok',
        smtp: 'ok',
        workers: 'ok',
        interrogation: 'aucune',
        courrielsEnAttente: 0,
        smsEnAttente: 0,
      });

      // Le worker se met à interroger la file : 200.
      worker = await Worker.create({
        connection: banc.env.nativeConnection,
        namespace: banc.env.namespace ?? 'default',
        taskQueue: file,
        workflowBundle: await paquetWorkflows(),
      });
      course = worker.run();
      await vi.waitFor(async () => expect((await autre.appel('GET', '/health')).json.interrogation).toBe('ok'), { timeout: 20_000, interval: 250 });
      const apres = await autre.appel('GET', '/health');
      expect(apres.status).toBe(200);
      expect(apres.json).toMatchObject({ etat: 'ok', workers: 'ok', interrogation: 'ok' });
    } finally {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await course?.catch(() => undefined);
      await presence.arreter();
      await autre.fermer();
    }
  });
});

describe('worker arrêté', () => {
  it('actions : 503 en moins de 2 s avec Retry-After, rien d’enregistré ; lecture depuis le dossier ; /health le dit', async () => {
    const { api, banc } = essai;
    const coord = await jeton('coord.essai');
    const ts = await jeton('ts.alice');
    const menage = menageEssai();
    const lance = await api.appel('POST', '/api/parcours', {
      jeton: coord,
      corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage, donnees: { situation: situation() } },
    });
    expect(lance.status, lance.texte).toBe(201);
    const id = lance.json.workflowId as string;
    await jusqua(banc.env.client.workflow.getHandle(id), (e) => e.etape === 'aller_vers', 'aller vers');
    const db = (await baseEssai()).db;
    await vi.waitFor(async () => expect(await etapeConsignee(id)).toBe('aller_vers'), { timeout: 30_000, interval: 50 });

    await banc.arreterWorker();
    // L'API garde une seconde au plus un worker vu présent (PRESENCE_EN_CACHE_MS) : comme si elle était passée.
    oublierPresencesVues();

    const chrono = async (f: () => Promise<{ status: number; headers: Headers; json: any; texte: string }>) => {
      const t = performance.now();
      const r = await f();
      return { r, ms: performance.now() - t };
    };
    const message = await chrono(() =>
      api.appel('POST', `/api/parcours/${id}/messages/tentative-contact`, {
        jeton: ts,
        corps: { requestId: requete(), canal: 'telephone', creneau: 'soir', issue: 'joint' },
      }),
    );
    expect(message.r.status, message.r.texte).toBe(503);
    expect(message.ms).toBeLessThan(2_000);
    expect(message.r.headers.get('retry-after')).toBe('10');
    expect(message.r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(message.r.json.detail).toBe(
      'Le service des parcours est momentanément indisponible : aucun moteur ne traite les parcours en ce moment. Rien n’a été enregistré ; réessayez dans quelques instants.',
    );

    const autre = await chrono(() =>
      api.appel('POST', '/api/parcours', { jeton: coord, corps: { programmeId: 'loiret-ahu', menage: menageEssai(), donnees: { situation: situation() } } }),
    );
    expect(autre.r.status).toBe(503);
    expect(autre.ms).toBeLessThan(2_000);
    const cloture = await chrono(() =>
      api.appel('POST', `/api/parcours/${id}/cloture`, { jeton: coord, corps: { requestId: requete(), motif: 'Essai sans worker' } }),
    );
    expect(cloture.r.status).toBe(503);
    expect(cloture.ms).toBeLessThan(2_000);

    // La lecture répond depuis le dossier (dernier état consigné), vite.
    const lu = await chrono(() => api.appel('GET', `/api/parcours/${id}`, { jeton: coord }));
    expect(lu.r.status, lu.r.texte).toBe(200);
    expect(lu.ms).toBeLessThan(2_000);
    expect(lu.r.json.etape).toBe('aller_vers');

    const sante = await api.appel('GET', '/health');
    expect(sante.status).toBe(503);
    expect(sante.json).toMatchObject({ etat: 'degrade', workers: 'aucun' });
    expect(sante.json.detail).toBe(
      'Service dégradé : aucun worker ne traite les parcours. Les dossiers restent lisibles ; les actions sur les parcours répondent 503 ou attendent.',
    );
    // Un worker tué net ne s'efface pas : au-delà de 20 s sans signe de vie, il ne compte plus.
    await db
      .insertInto('workers')
      .values({ id: 'tue-net', file: banc.taskQueue, demarre_le: new Date(Date.now() - 3_600_000), vu_le: new Date(Date.now() - 21_000) })
      .execute();
    expect((await api.appel('POST', `/api/parcours/${id}/cloture`, { jeton: coord, corps: { requestId: requete(), motif: 'Essai' } })).status).toBe(503);
    // Signalé il y a 5 s : il compte (l'action n'est plus refusée d'office).
    await db
      .updateTable('workers')
      .set({ vu_le: new Date(Date.now() - 5_000) })
      .where('id', '=', 'tue-net')
      .execute();
    expect((await api.appel('GET', '/health')).json.workers).toBe('ok');
    await db.deleteFrom('workers').where('id', '=', 'tue-net').execute();
    // Rien d'enregistré : le parcours est toujours à la même étape, aucun autre parcours lancé.
    expect(await db.selectFrom('dossiers').select('workflow_id').execute()).toHaveLength(1);
  });
});
