/**
 * La file d'attente IML d'un programme (quota de mesures agréées par la DDETS) : mesures actives
 * et ménages en attente avec leur rang, pour les coordinateurs du programme.
 */
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import { fileImlQuery, type EtatFileIml } from '../../domain/iml';
import { exigerRoles, personneDe, suitProgramme } from '../auth';
import type { DependancesApi } from '../dependances';
import type { Personne } from '../../personnel/annuaire';
import { analyser, depuisTemporal, interdit, introuvable } from '../problemes';

const programmeIdSchema = z.string().regex(/^[a-z0-9-]{3,60}$/, 'identifiant de programme invalide');

/** L'état de la file IML d'un programme, pour cette personne (coordination du programme ou admin). */
export async function lireFileIml(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<EtatFileIml> {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin') throw interdit('Votre rôle ne permet pas cette action.');
  const id = analyser(programmeIdSchema, idBrut, 'id');
  const programme = deps.catalogue.trouver(id);
  if (!programme) throw introuvable(`Aucun programme « ${id} ».`);
  if (programme.typeParcours !== 'iml_bail_glissant') throw introuvable(`Le programme « ${programme.nom} » n’a pas de file d’attente IML.`);
  if (!suitProgramme(personne, id)) throw interdit('Ce programme ne fait pas partie des vôtres.');
  try {
    return await deps.client.workflow.getHandle(`file-iml--${id}`).query(fileImlQuery);
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw depuisTemporal(e) ?? e;
    // Aucune candidature validée pour l'instant : toutes les places sont libres.
    const quota = programme.quotas.mesuresActives ?? 0;
    return { programmeId: id, quota, versionProgramme: programme.version, placesLibres: quota, actives: [], file: [], compteurs: { demandes: 0, accordees: 0, liberees: 0, retirees: 0 }, execution: 0 };
  }
}

export function routesFileIml(deps: DependancesApi): Router {
  const r = Router();
  r.get('/api/programmes/:id/file-iml', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    res.json(await lireFileIml(deps, personneDe(req), req.params.id));
  });
  return r;
}
