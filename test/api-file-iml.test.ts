/**
 * API : la file d'attente IML d'un programme (mesures actives et ménages en attente avec leur rang),
 * réservée aux coordinateurs du programme ; la file n'est pas un parcours.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EntreeFileIml } from '../domain/iml';
import { creerAnnuaire } from '../personnel/annuaire';
import { hashPassword } from '../securite/mots-de-passe';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { PERSONNEL, monterBanc, terminer, type Banc } from './outils/environnement';

let banc: Banc;
let api: ApiEssai;

beforeAll(async () => {
  banc = await monterBanc();
  const personnes = [...PERSONNEL, { id: 'coord.ailleurs', nom: 'Coordination Loiret', courriel: 'c@essai.example', role: 'coordinateur' as const, programmes: ['loiret-ahu'], motDePasse: '' }];
  const annuaire = creerAnnuaire(await Promise.all(personnes.map(async (p) => ({ ...p, motDePasse: await hashPassword('mdp-essai') }))));
  api = await demarrerApiEssai(banc, { annuaire });
});
afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

const jeton = async (identifiant: string): Promise<string> => (await api.appel('POST', '/api/session', { corps: { identifiant, motDePasse: 'mdp-essai' } })).json.jeton;
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
  const depuis = new Date(await banc.env.currentTimeMs()).toISOString();
  const actives = Array.from({ length: 10 }, (_, i) => ({ mesure: `concarneau-iml--M-${i}`, execution: `x${i}`, reference: `M-${i}`, depuis, demandeeLe: depuis }));
  const entree: EntreeFileIml = {
    programmeId: 'concarneau-iml', quota: 10, versionProgramme: 1, actives,
    file: [{ mesure: 'concarneau-iml--M-ONZE', execution: 'x11', reference: 'M-ONZE', depuis }],
    compteurs: { demandes: 11, accordees: 10, liberees: 0, retirees: 0 },
  };
  const handle = await banc.env.client.workflow.start('fileIml', { taskQueue: banc.taskQueue, workflowId: 'file-iml--concarneau-iml', args: [entree] });
  const coord = await jeton('coord.essai');
  let r = await lire('/api/programmes/concarneau-iml/file-iml', coord);
  for (let i = 0; i < 50 && r.status !== 200; i++) {
    await new Promise((ok) => setTimeout(ok, 100));
    r = await lire('/api/programmes/concarneau-iml/file-iml', coord);
  }
  expect(r.status).toBe(200);
  expect(r.json.placesLibres).toBe(0);
  expect(r.json.actives).toHaveLength(10);
  expect(r.json.file).toEqual([expect.objectContaining({ reference: 'M-ONZE', rang: 1 })]);
  const commeParcours = await lire('/api/parcours/file-iml--concarneau-iml', coord);
  expect(commeParcours.status).toBe(400);
  await terminer(handle);
});
