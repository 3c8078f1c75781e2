/**
 * Deux de chaque, en vrais processus : deux workers (`worker/main.ts`) sur la même file de tâches et
 * deux API (`serveur/main.ts`), lancés comme en production, sur un seul serveur Temporal et une seule base
 * PostgreSQL. Une session ouverte sur une API sert sur l'autre ; les échecs de connexion comptent
 * pour les deux ; un parcours mené tour à tour par les deux API reçoit chaque message une fois,
 * envoie chaque courriel une fois, et sa fiche d'indicateurs et son dossier sont consignés une fois,
 * à jour, lisibles des deux côtés.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { startMailCatcher, type MailCatcher } from '../dev/mail-catcher';
import { generateKeyRingValue } from '../securite/cles';
import { hashPassword } from '../securite/mots-de-passe';
import { creerBaseEssai, type BaseEssai } from './outils/base';
import { CATALOGUE, PERSONNEL, TEXTE_CLES_CHIFFREMENT, jusqua, menageEssai, requete, serveurTemporal } from './outils/environnement';

const racine = fileURLToPath(new URL('..', import.meta.url));
const MOT_DE_PASSE = 'deux-de-chaque';

interface Processus {
  nom: string;
  proc: ChildProcess;
  sortie: () => string;
}

interface ApiProcessus {
  url: string;
  appel(methode: string, chemin: string, o?: { jeton?: string; corps?: unknown }): Promise<{ status: number; texte: string; json: any; headers: Headers }>;
}

let env: TestWorkflowEnvironment;
let courriels: MailCatcher;
let base: BaseEssai;
const processus: Processus[] = [];
let a: ApiProcessus;
let b: ApiProcessus;

function lancer(nom: string, script: string, variables: Record<string, string>): Processus {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { cwd: racine, env: { ...process.env, ...variables }, stdio: ['ignore', 'pipe', 'pipe'] });
  let texte = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (texte += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (texte += d));
  const p = { nom, proc, sortie: () => texte };
  processus.push(p);
  return p;
}

/** Attend que le processus écrive `marque` ; s'il s'arrête avant, l'erreur montre sa sortie. */
async function attendreSortie(p: Processus, marque: string, delaiMs = 180_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (p.proc.exitCode !== null) throw new Error(`${p.nom} s’est arrêté (code ${p.proc.exitCode}) :\n${p.sortie().slice(-3000)}`);
      if (!p.sortie().includes(marque)) throw new Error(`${p.nom} : « ${marque} » attendu ; sortie :\n${p.sortie().slice(-2000)}`);
    },
    { timeout: delaiMs, interval: 250 },
  );
}

function clientApi(url: string): ApiProcessus {
  return {
    url,
    async appel(methode, chemin, o = {}) {
      const r = await fetch(`${url}${chemin}`, {
        method: methode,
        headers: { ...(o.jeton ? { authorization: `Bearer ${o.jeton}` } : {}), ...(o.corps !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: o.corps !== undefined ? JSON.stringify(o.corps) : undefined,
      });
      const texte = await r.text();
      let json: unknown;
      try {
        json = JSON.parse(texte);
      } catch {
        json = undefined;
      }
      return { status: r.status, texte, json, headers: r.headers };
    },
  };
}

beforeAll(async () => {
  [env, courriels, base] = await Promise.all([serveurTemporal(), startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true }), creerBaseEssai()]);
  const dossier = mkdtempSync(join(tmpdir(), 'deux-de-chaque-'));
  const comptes = join(dossier, 'comptes.json');
  const empreinte = await hashPassword(MOT_DE_PASSE);
  writeFileSync(comptes, JSON.stringify(PERSONNEL.map((p) => ({ ...p, motDePasse: empreinte }))));
  const commun = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: `deux-${Math.random().toString(36).slice(2, 8)}`,
    SMTP_URL: `smtp://127.0.0.1:${courriels.smtpPort}`,
    DATABASE_URL: base.url,
    LINK_SIGNING_KEYS: generateKeyRingValue('hmac', 'deux'),
    PAYLOAD_ENCRYPTION_KEYS: TEXTE_CLES_CHIFFREMENT,
    STAFF_ACCOUNTS_FILE: comptes,
    PUBLIC_BASE_URL: 'http://localhost:3999',
    LOG_LEVEL: 'info',
  };
  const workers = [lancer('worker 1', 'worker/main.ts', commun), lancer('worker 2', 'worker/main.ts', commun)];
  // PORT=0 : chaque API prend un port libre et l'affiche (aucune course avec les autres tests pour un port).
  const apis = [
    lancer('API 1', 'serveur/main.ts', { ...commun, PORT: '0', API_HOST: '127.0.0.1' }),
    lancer('API 2', 'serveur/main.ts', { ...commun, PORT: '0', API_HOST: '127.0.0.1' }),
  ];
  await Promise.all([...workers.map((w) => attendreSortie(w, 'worker démarré')), ...apis.map((x) => attendreSortie(x, 'API des parcours à l’écoute sur'))]);
  const port = (p: Processus) => /à l’écoute sur http:\/\/localhost:(\d+)/.exec(p.sortie())![1];
  a = clientApi(`http://127.0.0.1:${port(apis[0]!)}`);
  b = clientApi(`http://127.0.0.1:${port(apis[1]!)}`);
  for (const api of [a, b]) await vi.waitFor(async () => expect((await api.appel('GET', '/health')).status).toBe(200), { timeout: 30_000, interval: 250 });
}, 240_000);

afterAll(async () => {
  await Promise.all(
    processus.map(
      (p) =>
        new Promise<void>((ok) => {
          if (p.proc.exitCode !== null) return ok();
          p.proc.once('exit', () => ok());
          p.proc.kill('SIGTERM');
          setTimeout(() => p.proc.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  await courriels?.close();
  await env?.teardown();
  await base?.fermer();
});

const jeton = async (api: ApiProcessus, identifiant: string) => {
  const r = await api.appel('POST', '/api/session', { corps: { identifiant, motDePasse: MOT_DE_PASSE } });
  expect(r.status, r.texte).toBe(200);
  return r.json.jeton as string;
};

describe('deux workers et deux API, en processus', () => {
  it('une session ouverte sur une API sert sur l’autre ; les échecs de connexion comptent pour les deux', async () => {
    const t = await jeton(a, 'ts.bruno');
    const surB = await b.appel('GET', '/api/session', { jeton: t });
    expect(surB.status, surB.texte).toBe(200);
    expect(surB.json.personne.id).toBe('ts.bruno');
    // 3 échecs pour un identifiant, répartis sur les deux API : le délai progressif vaut pour l'une comme pour l'autre.
    for (let i = 0; i < 3; i++) {
      const r = await (i % 2 ? a : b).appel('POST', '/api/session', { corps: { identifiant: 'coord.inconnue', motDePasse: 'faux' } });
      expect(r.status).toBe(401);
    }
    const [ra, rb] = await Promise.all(
      [a, b].map((api) => api.appel('POST', '/api/session', { corps: { identifiant: 'coord.inconnue', motDePasse: 'faux' } })),
    );
    for (const r of [ra!, rb!]) {
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('1');
    }
  });

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
        donnees: {
          situation: {
            impayesMois: 2,
            montantDette: 812,
            debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
            garantie: 'aucune',
            contactBailleur: false,
            suiviParServiceSocial: false,
          },
        },
      },
    });
    expect(lancement.status, lancement.texte).toBe(201);
    const id = lancement.json.workflowId as string;
    const handle = env.client.workflow.getHandle(id);
    const etape = (nom: string) => jusqua(handle, (e) => e.etape === nom, `étape « ${nom} »`);
    const envoyer = async (api: ApiProcessus, qui: string, nom: string, corps: Record<string, unknown>) => {
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
    await envoyer(a, ts, 'diagnostic', {
      origineDette: 'Perte d’emploi',
      droits: 'APL',
      budget: 'Serré',
      adequationLogement: 'Adapté',
      termine: true,
      carnetDeRoute: ['Dossier FSL'],
    });
    await etape('plan_aide');
    await envoyer(b, ts, 'plan-aide', { actions: ['fsl'], orientations: [] });
    await etape('suivi');
    await envoyer(a, ts, 'cloture', { issue: 'situation_stabilisee' });
    const fin = await jusqua(handle, (e) => !!e.cloture, 'clôture');
    expect(fin.journal.filter((e) => e.type === 'tentative_contact')).toHaveLength(1);

    // Chaque courriel du parcours une fois (le Message-ID vient de la clé d'idempotence).
    const bailleur = CATALOGUE.trouver('loiret-ahu')!.partenaires.bailleur!.courriel;
    await courriels.waitFor((m) => m.a.includes(bailleur) && m.sujet.startsWith('Fin de l’accompagnement') && m.sujet.includes(menage.reference));
    await expect
      .poll(async () => (await handle.describe()).raw.pendingActivities?.length ?? 0, {
        message: 'activités du parcours encore en cours',
        // La dernière consignation du dossier suit la clôture ; machine chargée : jusqu'à 30 s.
        timeout: 30_000,
        interval: 200,
      })
      .toBe(0);
    // Ce banc ne sert qu'à ce parcours : tout ce que le catcher a reçu vient de lui.
    const recus = courriels.messages();
    const ids = recus.map((m) => m.messageId);
    expect(recus.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ids).size, `courriels reçus : ${recus.map((m) => m.sujet).join(' | ')}`).toBe(ids.length);
    const { db } = base;
    const envoyes = await db.selectFrom('courriels').select(['message_id', 'tentatives']).where('message_id', 'in', ids).execute();
    expect(envoyes).toHaveLength(ids.length);
    expect(envoyes.every((c) => c.tentatives === 1)).toBe(true);

    // La fiche d'indicateurs, une ligne, à jour (clôture comprise), lue par les deux API.
    await expect
      .poll(async () => (await new RegistreIndicateurs(db).lire('loiret-ahu', id))?.fiche.cloture?.issue, { message: 'fiche d’indicateurs avec la clôture' })
      .toBe('situation_stabilisee');
    // Le dossier, clos, nommé et trouvé par son nom sur les deux API.
    for (const api of [a, b]) {
      await vi.waitFor(
        async () => {
          const l = await api.appel('GET', `/api/parcours?cloture=true&recherche=${encodeURIComponent(menage.nom)}`, { jeton: coordination });
          expect(l.json.map((p: { workflowId: string; nom: string }) => [p.workflowId, p.nom])).toEqual([[id, menage.nom]]);
        },
        { timeout: 30_000, interval: 50 },
      );
    }
    const lignes = await db.selectFrom('fiches_indicateurs').select('workflow_id').where('workflow_id', '=', id).execute();
    expect(lignes).toHaveLength(1);
    const du = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const au = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const [ia, ib] = await Promise.all(
      [a, b].map((api) => api.appel('GET', `/api/programmes/loiret-ahu/indicateurs?du=${du}&au=${au}`, { jeton: coordination })),
    );
    expect(ia!.status, ia!.texte).toBe(200);
    expect(ib!.json).toEqual(ia!.json);
  });
});
