/**
 * API : la file d'attente IML d'un programme (mesures actives et ménages en attente avec leur rang),
 * réservée aux coordinateurs du programme ; la file n'est pas un parcours.
 */
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/client';
import { idFileIml, type EntreeFileIml, type EntreeIml, type EtatFileIml } from '../domain/iml';
import { creerAnnuaire } from '../personnel/annuaire';
import { hashPassword } from '../securite/mots-de-passe';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { CATALOGUE, PERSONNEL, menageEssai, monterBanc, type Banc } from './outils/environnement';

let banc: Banc;
let api: ApiEssai;

beforeAll(async () => {
  banc = await monterBanc();
  const personnes = [
    ...PERSONNEL,
    {
      id: 'coord.ailleurs',
      nom: 'Coordination Loiret',
      courriel: 'c@essai.example',
      role: 'coordinateur' as const,
      programmes: ['loiret-ahu'],
      motDePasse: '',
    },
  ];
  const annuaire = creerAnnuaire(await Promise.all(personnes.map(async (p) => ({ ...p, motDePasse: await hashPassword('mdp-essai') }))));
  api = await demarrerApiEssai(banc, { annuaire });
});
afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

const FILE = idFileIml('concarneau-iml');

/**
 * Chaque test part d'un programme sans file : celle qu'un autre test a démarrée (et arrêtée) est
 * effacée, jusqu'à ce que le serveur ne la connaisse plus.
 */
beforeEach(async () => {
  await banc.env.connection.workflowService
    .deleteWorkflowExecution({ namespace: banc.env.namespace ?? 'default', workflowExecution: { workflowId: FILE } })
    .catch((e: unknown) => {
      if (!(e instanceof Error && /not found/i.test(e.message))) throw e;
    });
  await vi.waitFor(
    async () => {
      const connue = await banc.env.client.workflow
        .getHandle(FILE)
        .describe()
        .then(
          () => true,
          (e: unknown) => {
            if (e instanceof WorkflowNotFoundError) return false;
            throw e;
          },
        );
      if (connue) throw new Error(`${FILE} : toujours connue du serveur après son effacement`);
    },
    { timeout: 15_000, interval: 50 },
  );
});

/** Une file démarrée avec ces mesures actives et un ménage en attente ; elle garde l'horloge réelle (rien ne l'avance). */
async function demarrerFile(quota: number, activesRefs: string[], enAttente: string): Promise<void> {
  const depuis = new Date().toISOString();
  const entree: EntreeFileIml = {
    programmeId: 'concarneau-iml',
    quota,
    versionProgramme: 1,
    actives: activesRefs.map((ref, i) => ({ mesure: `concarneau-iml--${ref}`, execution: `x${i}`, reference: ref, depuis, demandeeLe: depuis })),
    file: [{ mesure: `concarneau-iml--${enAttente}`, execution: `x${activesRefs.length + 1}`, reference: enAttente, depuis }],
    compteurs: { demandes: activesRefs.length + 1, accordees: activesRefs.length, liberees: 0, retirees: 0 },
  };
  await banc.env.client.workflow.start('fileIml', { taskQueue: banc.taskQueue, workflowId: FILE, args: [entree] });
}

const jeton = async (identifiant: string): Promise<string> =>
  (await api.appel('POST', '/api/session', { corps: { identifiant, motDePasse: 'mdp-essai' } })).json.jeton;
const lire = (chemin: string, j: string) => api.appel('GET', chemin, { jeton: j });

it('avant toute candidature validée : toutes les places sont libres ; accès réservé au programme ; autres programmes sans file', async () => {
  const coord = await jeton('coord.essai');
  const vide = await lire('/api/programmes/concarneau-iml/file-iml', coord);
  expect(vide.status).toBe(200);
  expect(vide.json).toMatchObject({ programmeId: 'concarneau-iml', quota: 10, placesLibres: 10, actives: [], file: [] });
  const autre = await lire('/api/programmes/concarneau-iml/file-iml', await jeton('coord.ailleurs'));
  expect(autre.status).toBe(403);
  expect(autre.json.detail).toBe('Ce programme ne fait pas partie des vôtres.');
  const pasIml = await lire('/api/programmes/loiret-ahu/file-iml', coord);
  expect(pasIml.status).toBe(404);
  expect(await lire('/api/programmes/inconnu/file-iml', coord)).toMatchObject({ status: 404 });
  const ts = await lire('/api/programmes/concarneau-iml/file-iml', await jeton('ts.alice'));
  expect(ts.status).toBe(403);
});

it('montre les mesures actives et la file avec le rang de chaque ménage ; la file n’est pas lisible comme un parcours', async () => {
  await demarrerFile(
    10,
    Array.from({ length: 10 }, (_, i) => `M-${i}`),
    'M-ONZE',
  );
  const coord = await jeton('coord.essai');
  // La file répond dès sa première tâche faite.
  const r = await vi.waitFor(
    async () => {
      const x = await lire('/api/programmes/concarneau-iml/file-iml', coord);
      if (x.status !== 200 || x.json.execution === 0) throw new Error(`file pas encore lisible : ${x.status} ${x.texte}`);
      return x;
    },
    { timeout: 15_000, interval: 50 },
  );
  expect(r.json.placesLibres).toBe(0);
  expect(r.json.actives).toHaveLength(10);
  expect(r.json.file).toEqual([expect.objectContaining({ reference: 'M-ONZE', rang: 1 })]);
  const commeParcours = await lire('/api/parcours/file-iml--concarneau-iml', coord);
  expect(commeParcours.status).toBe(400);
});

it('rend la place d’une mesure arrêtée sans sa fin (la suivante de la file la prend) ; refuse pour une mesure en cours', async () => {
  const programme = CATALOGUE.trouver('concarneau-iml')!;
  await banc.env.client.workflow.start('imlBailGlissant', {
    taskQueue: banc.taskQueue,
    workflowId: 'concarneau-iml--M-RUN',
    args: [{ programme, menage: menageEssai(), coordinateur: 'coord.essai' } satisfies EntreeIml],
  });
  await demarrerFile(10, [...Array.from({ length: 9 }, (_, i) => `M-${i}`), 'M-RUN'], 'M-ONZE');
  const coord = await jeton('coord.essai');
  const liberer = (corps: unknown, j = coord) => api.appel('POST', '/api/programmes/concarneau-iml/file-iml/liberer', { jeton: j, corps });

  const enMarche = await liberer({ mesure: 'concarneau-iml--M-RUN', motif: 'Essai' });
  expect(enMarche.status).toBe(409);
  expect(enMarche.json.detail).toContain('Cette mesure est en cours');
  expect((await liberer({ mesure: 'concarneau-iml--M-INCONNUE', motif: 'Essai' })).status).toBe(404);
  const sansMotif = await liberer({ mesure: 'concarneau-iml--M-3' });
  expect(sansMotif.status).toBe(400);
  expect(sansMotif.json.errors[0].champ).toBe('motif');
  expect((await liberer({ mesure: 'concarneau-iml--M-3', motif: 'Essai' }, await jeton('ts.alice'))).status).toBe(403);

  // M-3 n'existe pas (arrêtée puis purgée) : sa place est rendue, M-ONZE la reçoit… mais a disparu elle aussi.
  const rendue = await liberer({ mesure: 'concarneau-iml--M-3', motif: 'Mesure arrêtée de force par erreur' });
  expect(rendue.status, rendue.texte).toBe(202);
  expect(rendue.json).toMatchObject({ mesure: 'concarneau-iml--M-3', statutMesure: 'INTROUVABLE' });
  const etat = await vi.waitFor(
    async () => {
      const x = (await lire('/api/programmes/concarneau-iml/file-iml', coord)).json;
      if (!(x.compteurs.liberees > 0 && x.compteurs.retirees > 0)) throw new Error(`place de M-3 pas encore rendue : ${JSON.stringify(x.compteurs)}`);
      return x;
    },
    { timeout: 15_000, interval: 50 },
  );
  expect(etat.actives.map((m: { reference: string }) => m.reference)).not.toContain('M-3');
  expect(etat.compteurs).toMatchObject({ liberees: 1, retirees: 1 });
  expect(etat.file).toEqual([]);
  expect(etat.placesLibres).toBe(1);
});

it('le nombre de mesures agréées relevé dans les réglages : la file le suit aussitôt, sans attendre une autre candidature', async () => {
  await demarrerFile(2, ['M-A', 'M-B'], 'M-EN-ATTENTE');
  const coord = await jeton('coord.essai');
  const reglages = await lire('/api/programmes/concarneau-iml/reglages', coord);
  expect(reglages.status, reglages.texte).toBe(200);
  const change = await api.appel('PUT', '/api/programmes/concarneau-iml/reglages', {
    jeton: coord,
    corps: { versionAttendue: reglages.json.programme.version, motif: 'Nouvel agrément de la DDETS', quotas: { mesuresActives: 12 } },
  });
  expect(change.status, change.texte).toBe(200);
  // La place s'accorde au ménage en attente (ici, une mesure qui n'existe plus : la place revient à la file).
  const f = await vi.waitFor(
    async () => {
      const x = await lire('/api/programmes/concarneau-iml/file-iml', coord);
      const { quota, file, compteurs } = x.json as EtatFileIml;
      if (quota !== 12 || file.length || compteurs.accordees + compteurs.retirees !== 3) throw new Error(`file pas encore à jour : ${x.texte}`);
      return x.json;
    },
    { timeout: 15_000, interval: 50 },
  );
  expect(f).toMatchObject({ quota: 12, versionProgramme: reglages.json.programme.version + 1, file: [] });
});

it('le nombre de mesures agréées baissé : les mesures en cours continuent ; aucune place ne s’accorde tant qu’elles ne sont pas sous le nouveau nombre', async () => {
  await demarrerFile(3, ['M-A', 'M-B', 'M-C'], 'M-EN-ATTENTE');
  const coord = await jeton('coord.essai');
  const reglages = await lire('/api/programmes/concarneau-iml/reglages', coord);
  const change = await api.appel('PUT', '/api/programmes/concarneau-iml/reglages', {
    jeton: coord,
    corps: { versionAttendue: reglages.json.programme.version, motif: 'Agrément réduit par la DDETS', quotas: { mesuresActives: 1 } },
  });
  expect(change.status, change.texte).toBe(200);
  const lireFile = async () => (await lire('/api/programmes/concarneau-iml/file-iml', coord)).json as EtatFileIml & { placesLibres: number };
  const baisse = await vi.waitFor(
    async () => {
      const x = await lireFile();
      if (x.quota !== 1) throw new Error(`file pas encore à jour : ${JSON.stringify(x)}`);
      return x;
    },
    { timeout: 15_000, interval: 50 },
  );
  // Personne n'est retiré : trois mesures actives pour une place agréée, aucune place libre, la file attend.
  expect(baisse.actives.map((m) => m.reference)).toEqual(['M-A', 'M-B', 'M-C']);
  expect(baisse.placesLibres).toBe(0);
  expect(baisse.file.map((m) => m.reference)).toEqual(['M-EN-ATTENTE']);
  // Une mesure finit : deux restent actives, toujours au-dessus du nouveau nombre ; la place n'est pas accordée.
  const rendue = await api.appel('POST', '/api/programmes/concarneau-iml/file-iml/liberer', {
    jeton: coord,
    corps: { mesure: 'concarneau-iml--M-A', motif: 'Mesure arrêtée' },
  });
  expect(rendue.status, rendue.texte).toBe(202);
  const apres = await vi.waitFor(
    async () => {
      const x = await lireFile();
      if (x.compteurs.liberees !== 1) throw new Error(`place pas encore rendue : ${JSON.stringify(x.compteurs)}`);
      return x;
    },
    { timeout: 15_000, interval: 50 },
  );
  expect(apres.actives.map((m) => m.reference)).toEqual(['M-B', 'M-C']);
  expect(apres.file.map((m) => m.reference)).toEqual(['M-EN-ATTENTE']);
  expect(apres.compteurs.accordees).toBe(3);
  expect(apres.placesLibres).toBe(0);
});
