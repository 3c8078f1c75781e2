/**
 * Un nombre, une vérité : après des parcours IML menés à des états connus (deux mesures qui tiennent
 * une place, une candidature qui attend la sienne, une candidature refusée par le SIAO), la page de la
 * file d'attente, la liste des programmes, les indicateurs (JSON, CSV) et la page d'évaluation disent
 * les mêmes nombres de mesures actives et de ménages en attente.
 */
import { expect, it, vi } from 'vitest';
import { etatQuery, repondreValidationUpdate } from '../domain/messages';
import type { EtatParcours } from '../domain/vocabulaire';
import { jourDeParis } from '../domain/durees';
import { PARCOURS_IML } from '../api/parcours-iml';
import { bancAvecApi } from './outils/api';
import { menageEssai, requete } from './outils/environnement';

const essai = bancAvecApi('mdp-un-nombre');
const PROGRAMME = 'concarneau-iml';

async function lancer(coord: string): Promise<string> {
  const r = await essai.api.appel('POST', '/api/parcours', {
    jeton: coord,
    corps: {
      programmeId: PROGRAMME,
      menage: menageEssai(),
      travailleurSocial: 'ts.alice',
      bailleur: `${PROGRAMME}--bailleur`,
      donnees: PARCOURS_IML.exempleLancement,
    },
  });
  expect(r.status, r.texte).toBe(201);
  return r.json.workflowId as string;
}

/** La commission SIAO répond à la candidature (la demande qui lui est faite, dès qu'elle existe). */
async function siao(workflowId: string, decision: 'approuve' | 'refuse') {
  const handle = essai.banc.env.client.workflow.getHandle(workflowId);
  const demande = await vi.waitFor(
    async () => {
      const e: EtatParcours = await handle.query(etatQuery);
      const d = e.demandes.find((x) => x.role === 'siao' && x.statut === 'en_attente');
      if (!d) throw new Error(`${workflowId} : pas encore de demande au SIAO`);
      return d;
    },
    { timeout: 30_000, interval: 50 },
  );
  await handle.executeUpdate(repondreValidationUpdate, {
    args: [
      {
        requestId: requete(),
        par: 'partenaire:siao',
        demandeId: demande.id,
        role: 'siao',
        decision,
        ...(decision === 'refuse' ? { commentaire: 'Hors critères' } : {}),
      },
    ],
  });
}

it('la file, la liste des programmes, les indicateurs et la page d’évaluation disent les mêmes nombres', async () => {
  const coord = await essai.connecter('coord.essai');
  const lire = async (chemin: string) => {
    const r = await essai.api.appel('GET', chemin, { jeton: coord });
    expect(r.status, `${chemin} : ${r.texte}`).toBe(200);
    return r;
  };

  // Deux mesures agréées à la fois pour cet essai (réglages du programme, version 2).
  const reglages = await lire(`/api/programmes/${PROGRAMME}/reglages`);
  const change = await essai.api.appel('PUT', `/api/programmes/${PROGRAMME}/reglages`, {
    jeton: coord,
    corps: { versionAttendue: reglages.json.programme.version, motif: 'Essai : deux mesures agréées', quotas: { mesuresActives: 2 } },
  });
  expect(change.status, change.texte).toBe(200);

  const ids = [await lancer(coord), await lancer(coord), await lancer(coord), await lancer(coord)];
  // Une à la fois : la file sert les candidatures dans l'ordre de leur validation.
  for (const id of ids.slice(0, 3)) await siao(id, 'approuve');
  await siao(ids[3]!, 'refuse');

  const file = await vi.waitFor(
    async () => {
      const f = (await lire(`/api/programmes/${PROGRAMME}/file-iml`)).json;
      if (f.actives.length !== 2 || f.file.length !== 1) throw new Error(`file : ${f.actives.length} actives, ${f.file.length} en attente`);
      return f;
    },
    { timeout: 30_000, interval: 100 },
  );
  expect(file.quota).toBe(2);
  expect(file.placesLibres).toBe(0);

  const liste = (await lire('/api/programmes')).json as Array<{ id: string; fileIml?: { actives: number; enAttente: number } }>;
  expect(liste.find((p) => p.id === PROGRAMME)?.fileIml).toMatchObject({ actives: 2, enAttente: 1 });

  // Les fiches du système d'enregistrement suivent les parcours : le rapport dit les mêmes nombres.
  // Le jour de Paris, comme les bornes du calcul (à 23 h 30 UTC, c'est déjà demain à Paris).
  const jour = jourDeParis(new Date());
  const periode = `du=${jour.slice(0, 4)}-01-01&au=${jour}`;
  const ind = await vi.waitFor(
    async () => {
      const x = (await lire(`/api/programmes/${PROGRAMME}/indicateurs?${periode}`)).json;
      const { mesuresActivesAuTerme: a, file: f } = x.indicateurs?.iml ?? x.iml;
      if (a.nombre !== 2 || f.enAttenteAuTerme.nombre !== 1) throw new Error(`indicateurs : ${a.nombre} actives, ${f.enAttenteAuTerme.nombre} en attente`);
      return x.indicateurs ?? x;
    },
    { timeout: 30_000, interval: 100 },
  );
  const references = (l: Array<{ reference: string }>) => l.map((m) => m.reference).sort();
  expect(ind.iml.mesuresActivesAuTerme.references).toEqual(references(file.actives));
  expect(ind.iml.file.enAttenteAuTerme.references).toEqual(references(file.file));
  expect(ind.iml.mesuresActives.nombre).toBe(2);
  expect(ind.iml.refusSiao.nombre).toBe(1);

  const csv = (await lire(`/api/programmes/${PROGRAMME}/indicateurs.csv?${periode}`)).texte;
  expect(csv).toMatch(/Mesures actives au dernier jour[^\r\n]*;2(;|\r?\n|$)/);
  expect(csv).toMatch(/Ménages en attente au dernier jour[^\r\n]*;1(;|\r?\n|$)/);

  const page = (await lire(`/programmes/${PROGRAMME}/evaluation?${periode}`)).texte.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  expect(page).toMatch(/Mesures actives au dernier jour 2 /);
  expect(page).toMatch(/Ménages en attente au dernier jour 1 /);
  const pageFile = (await lire(`/programmes/${PROGRAMME}/file-iml`)).texte.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  expect(pageFile).toContain('2 actives');
  expect(pageFile).toContain('1 ménage en attente');
});
