/**
 * L'annuaire des partenaires d'un programme (organisations, services, contacts) et le bailleur de
 * chaque parcours. Lecture : le personnel du programme ; changements : l'admin et la coordination
 * du programme. Un contact ajouté reçoit les courriels suivants aussitôt (lus à l'envoi).
 *
 * GET    /api/programmes/:id/annuaire
 * POST   /api/programmes/:id/organisations          {type, nom, quotaFileActive?, contacts?}
 * PATCH  /api/organisations/:id                     {nom?, quotaFileActive?, actif?}
 * POST   /api/organisations/:id/contacts            {nom, courriel, service?}
 * DELETE /api/organisations/:id/contacts/:contact   (le contact ne reçoit plus rien)
 * GET    /api/parcours/:id/bailleur                 le bailleur et l'historique de ses changements
 * PUT    /api/parcours/:id/bailleur                 {bailleur, motif} (coordination)
 */
import { Router } from 'express';
import { LIBELLES_TYPE_ORGANISATION, type Programme } from '../../domain/vocabulaire';
import type { Personne } from '../../personnel/annuaire';
import type { Organisation } from '../../personnel/organisations';
import { exigerRoles, personneDe, raisonRefusLecture, raisonRefusPilotage, suitProgramme } from '../auth';
import type { DependancesApi } from '../dependances';
import { analyser, interdit, introuvable } from '../problemes';
import {
  changementBailleurSchema,
  idContactSchema,
  idOrganisationSchema,
  idProgrammeSchema,
  modificationOrganisationSchema,
  nouveauContactSchema,
  nouvelleOrganisationSchema,
} from '../schemas-api';
import { annuaireDe, chargerParcours, depuisAnnuaire, rendrePlacesInterrompues } from './parcours';

export const versSortie = (o: Organisation) => ({ ...o, libelleType: LIBELLES_TYPE_ORGANISATION[o.type] });

function programmeDe(deps: DependancesApi, personne: Personne, idBrut: unknown): Programme {
  const id = analyser(idProgrammeSchema, idBrut, 'id');
  const programme = deps.catalogue.trouver(id);
  if (!programme) throw introuvable(`Aucun programme « ${id} ».`);
  if (!suitProgramme(personne, id)) throw interdit('Ce programme ne fait pas partie des vôtres.');
  return programme;
}

/** Une organisation que cette personne peut changer (admin, ou coordination de son programme). */
export async function organisationModifiable(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<Organisation> {
  const id = analyser(idOrganisationSchema, idBrut, 'id');
  const o = await annuaireDe(deps).trouver(id);
  if (!o) throw introuvable('Cette organisation n’existe pas dans l’annuaire.');
  if (!suitProgramme(personne, o.programmeId)) throw interdit('Cette organisation appartient à un programme qui ne fait pas partie des vôtres.');
  return o;
}

export async function lireAnnuaire(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const programme = programmeDe(deps, personne, idBrut);
  let organisations = await annuaireDe(deps).lister(programme.id);
  // Les files actives (des bailleurs qui en ont une) comptées sans les places de lancements interrompus.
  const avecQuota = organisations.filter((o) => o.quotaFileActive != null).map((o) => o.id);
  if (await rendrePlacesInterrompues(deps, avecQuota)) organisations = await annuaireDe(deps).lister(programme.id);
  return { programmeId: programme.id, organisations: organisations.map(versSortie) };
}

export async function creerOrganisation(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  const programme = programmeDe(deps, personne, idBrut);
  const corps = analyser(nouvelleOrganisationSchema, corpsBrut);
  const o = await annuaireDe(deps).creer(programme.id, corps);
  deps.journal.info({ programme: programme.id, organisation: o.id, par: personne.id }, 'annuaire : organisation ajoutée');
  return versSortie(o);
}

export async function modifierOrganisation(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  const o = await organisationModifiable(deps, personne, idBrut);
  const corps = analyser(modificationOrganisationSchema, corpsBrut);
  return versSortie(await depuisAnnuaire(() => annuaireDe(deps).modifier(o.id, corps)));
}

export async function ajouterContact(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  const o = await organisationModifiable(deps, personne, idBrut);
  const corps = analyser(nouveauContactSchema, corpsBrut);
  return depuisAnnuaire(() => annuaireDe(deps).ajouterContact(o.id, corps));
}

export async function retirerContact(deps: DependancesApi, personne: Personne, idBrut: unknown, contactBrut: unknown) {
  const o = await organisationModifiable(deps, personne, idBrut);
  const contact = analyser(idContactSchema, contactBrut, 'contact');
  await depuisAnnuaire(() => annuaireDe(deps).desactiverContact(o.id, contact));
}

export async function lireBailleurParcours(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const { etat } = await lireAutorise(deps, personne, idBrut);
  return enJson(await annuaireDe(deps).bailleurDuParcours(etat.workflowId));
}

export async function changerBailleurParcours(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin') throw interdit('Seule la coordination change le bailleur d’un ménage.');
  const { etat } = await chargerParcours(deps, idBrut, { confidentiel: false });
  const refus = raisonRefusPilotage(personne, etat);
  if (refus) throw interdit(refus);
  const corps = analyser(changementBailleurSchema, corpsBrut);
  await depuisAnnuaire(() => annuaireDe(deps).changerBailleur(etat.workflowId, etat.programme.id, corps.bailleur, personne.id, corps.motif));
  deps.journal.info({ workflowId: etat.workflowId, bailleur: corps.bailleur, par: personne.id }, 'bailleur du parcours changé');
  return enJson(await annuaireDe(deps).bailleurDuParcours(etat.workflowId));
}

async function lireAutorise(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const r = await chargerParcours(deps, idBrut, { confidentiel: false });
  const refus = raisonRefusLecture(personne, r.etat);
  if (refus) throw interdit(refus);
  return r;
}

const enJson = (b: Awaited<ReturnType<ReturnType<typeof annuaireDe>['bailleurDuParcours']>>) => ({
  ...(b.organisation ? { bailleur: b.organisation } : {}),
  historique: b.historique.map((h) => ({ ...h, le: h.le.toISOString() })),
});

export function routesOrganisations(deps: DependancesApi): Router {
  const r = Router();
  const pilotage = exigerRoles('coordinateur', 'admin');
  r.get('/api/programmes/:id/annuaire', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await lireAnnuaire(deps, personneDe(req), req.params.id));
  });
  r.post('/api/programmes/:id/organisations', pilotage, async (req, res) => {
    const o = await creerOrganisation(deps, personneDe(req), req.params.id, req.body);
    res.status(201).location(`/api/programmes/${o.programmeId}/annuaire`).json(o);
  });
  r.patch('/api/organisations/:id', pilotage, async (req, res) => {
    res.json(await modifierOrganisation(deps, personneDe(req), req.params.id, req.body));
  });
  r.post('/api/organisations/:id/contacts', pilotage, async (req, res) => {
    res.status(201).json(await ajouterContact(deps, personneDe(req), req.params.id, req.body));
  });
  r.delete('/api/organisations/:id/contacts/:contact', pilotage, async (req, res) => {
    await retirerContact(deps, personneDe(req), req.params.id, req.params.contact);
    res.status(204).end();
  });
  r.get('/api/parcours/:id/bailleur', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await lireBailleurParcours(deps, personneDe(req), req.params.id));
  });
  r.put('/api/parcours/:id/bailleur', pilotage, async (req, res) => {
    res.json(await changerBailleurParcours(deps, personneDe(req), req.params.id, req.body));
  });
  return r;
}
