/**
 * API : la file d'attente IML d'un programme (mesures actives et ménages en attente avec leur rang),
 * réservée aux coordinateurs du programme ; la file n'est pas un parcours.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EntreeFileIml, EntreeIml } from '../domain/iml';
import { creerAnnuaire } from '../personnel/annuaire';
import { hashPassword } from '../securite/mots-de-passe';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { CATALOGUE, PERSONNEL, menageEssai, monterBanc, terminer, type Banc } from './outils/environnement';

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

it('rend la place d’une mesure arrêtée sans sa fin (la suivante de la file la prend) ; refuse pour une mesure en cours', async () => {
  const programme = CATALOGUE.trouver('concarneau-iml')!;
  const enCours = await banc.env.client.workflow.start('imlBailGlissant', {
    taskQueue: banc.taskQueue,
    workflowId: 'concarneau-iml--M-RUN',
    args: [{ programme, menage: menageEssai(), coordinateur: 'coord.essai' } satisfies EntreeIml],
  });
  const depuis = new Date(await banc.env.currentTimeMs()).toISOString();
  const actives = [...Array.from({ length: 9 }, (_, i) => `M-${i}`), 'M-RUN'].map((ref, i) => ({ mesure: `concarneau-iml--${ref}`, execution: `x${i}`, reference: ref, depuis, demandeeLe: depuis }));
  const entree: EntreeFileIml = {
    programmeId: 'concarneau-iml', quota: 10, versionProgramme: 1, actives,
    file: [{ mesure: 'concarneau-iml--M-ONZE', execution: 'x11', reference: 'M-ONZE', depuis }],
    compteurs: { demandes: 11, accordees: 10, liberees: 0, retirees: 0 },
  };
  const file = await banc.env.client.workflow.start('fileIml', { taskQueue: banc.taskQueue, workflowId: 'file-iml--concarneau-iml', args: [entree] });
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
  let etat = (await lire('/api/programmes/concarneau-iml/file-iml', coord)).json;
  for (let i = 0; i < 100 && (etat.compteurs.liberees === 0 || etat.compteurs.retirees === 0); i++) {
    await new Promise((ok) => setTimeout(ok, 100));
    etat = (await lire('/api/programmes/concarneau-iml/file-iml', coord)).json;
  }
  expect(etat.actives.map((m: { reference: string }) => m.reference)).not.toContain('M-3');
  expect(etat.compteurs).toMatchObject({ liberees: 1, retirees: 1 });
  expect(etat.file).toEqual([]);
  expect(etat.placesLibres).toBe(1);
  await terminer(enCours);
  await terminer(file);
});
