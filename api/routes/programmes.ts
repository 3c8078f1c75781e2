/**
 * Les programmes de la personne connectée et, pour les programmes IML, la file d'attente.
 *
 * GET /api/programmes : les programmes suivis (tous pour l'admin, les siens pour une coordination),
 * avec le nombre de parcours ouverts et en retard ; pour l'IML, le quota, les mesures actives et
 * les ménages en attente.
 *
 * La file d'attente IML d'un programme (quota de mesures agréées par la DDETS) : mesures actives
 * et ménages en attente avec leur rang, pour les coordinateurs du programme.
 *
 * GET /api/programmes/:id/reglages : les réglages en vigueur (délais, options, quotas, éligibilité…)
 * et l'historique des versions ; PUT /api/programmes/:id/reglages {versionAttendue, motif, …} crée
 * une version (programmes/versions.ts) : les parcours lancés ensuite la suivent, ceux en cours gardent
 * la leur. Coordination du programme ou admin.
 *
 * POST /api/programmes/:id/file-iml/liberer {mesure, motif} : rend la place (ou le rang) d'une
 * mesure arrêtée sans être passée par sa fin (workflow terminé de force, en échec, disparu) ; une
 * mesure qui tourne encore garde sa place (409) : on la termine par son parcours (« fin de mesure »).
 */
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import { LIBELLES_TYPE_PARCOURS } from '../../domain/vocabulaire';
import { fileImlQuery, idFileIml, libererPlaceSignal, quotaFileImlSignal, type EtatFileIml } from '../../domain/iml';
import type { Programme } from '../../domain/vocabulaire';
import { exigerRoles, personneDe, suitProgramme } from '../auth';
import type { DependancesApi } from '../dependances';
import type { Personne } from '../../personnel/annuaire';
import { idProgrammeSchema, liberationPlaceSchema } from '../schemas-api';
import { dossiersDe } from './parcours';
import { analyser, depuisTemporal, interdit, introuvable, Probleme, TYPES_PROBLEME } from '../problemes';
import { CatalogueEnBase, changementReglagesSchema, RefusReglages, type VersionProgramme } from '../../programmes/versions';

export interface ReglagesProgramme {
  programme: Pick<
    Programme,
    | 'id'
    | 'nom'
    | 'version'
    | 'typeParcours'
    | 'delais'
    | 'jalons'
    | 'options'
    | 'quotas'
    | 'eligibilite'
    | 'rappelsValidation'
    | 'conservationDossier'
    | 'partageDiagnostic'
  >;
  versions: VersionProgramme[];
}

function catalogueModifiable(deps: DependancesApi): CatalogueEnBase {
  if (!(deps.catalogue instanceof CatalogueEnBase))
    throw new Probleme(503, 'Les réglages des programmes ne se changent pas sur cette installation (catalogue sans base de données).');
  return deps.catalogue;
}

function programmeCoordonne(deps: DependancesApi, personne: Personne, idBrut: unknown): Programme {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin') throw interdit('Votre rôle ne permet pas cette action.');
  const id = analyser(idProgrammeSchema, idBrut, 'id');
  const programme = deps.catalogue.trouver(id);
  if (!programme) throw introuvable(`Aucun programme « ${id} ».`);
  if (!suitProgramme(personne, id)) throw interdit('Ce programme ne fait pas partie des vôtres.');
  return programme;
}

/** Les réglages en vigueur d'un programme et ses versions. */
export async function lireReglages(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<ReglagesProgramme> {
  const catalogue = catalogueModifiable(deps);
  await catalogue.rafraichir();
  const p = programmeCoordonne(deps, personne, idBrut);
  const { id, nom, version, typeParcours, delais, jalons, options, quotas, eligibilite, rappelsValidation, conservationDossier, partageDiagnostic } = p;
  return {
    programme: {
      id,
      nom,
      version,
      typeParcours,
      delais,
      jalons,
      options,
      quotas,
      eligibilite,
      rappelsValidation,
      ...(conservationDossier ? { conservationDossier } : {}),
      ...(partageDiagnostic ? { partageDiagnostic } : {}),
    },
    versions: await catalogue.historique(id),
  };
}

/**
 * Le nombre de mesures agréées changé (IML) : la file d'attente du programme le suit aussitôt (des
 * places en plus s'accordent aux premiers de la file). Sans file encore, rien à dire ; si Temporal ne
 * répond pas, la file le prendra à la prochaine demande de place (elle suit la version la plus récente).
 */
async function quotaALaFile(deps: DependancesApi, avant: Programme, apres: Programme): Promise<void> {
  const quota = apres.quotas.mesuresActives;
  if (apres.typeParcours !== 'iml_bail_glissant' || !quota || quota === avant.quotas.mesuresActives) return;
  try {
    await deps.client.workflow.getHandle(idFileIml(apres.id)).signal(quotaFileImlSignal, { quota, versionProgramme: apres.version });
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return;
    deps.journal.warn(
      { programme: apres.id, erreur: e instanceof Error ? e.name : 'inconnue' },
      'file IML : nouveau quota non transmis (repris à la prochaine demande)',
    );
  }
}

/** Une nouvelle version des réglages ; les erreurs en français, champ par champ. */
export async function changerReglages(
  deps: DependancesApi,
  personne: Personne,
  idBrut: unknown,
  corpsBrut: unknown,
): Promise<{ version: number; changements: string[]; message: string }> {
  const catalogue = catalogueModifiable(deps);
  const p = programmeCoordonne(deps, personne, idBrut);
  const corps = analyser(changementReglagesSchema, corpsBrut);
  try {
    const { programme, changements } = await catalogue.modifier(p.id, corps, personne.id);
    const { ouverts } = await dossiersDe(deps).compter(p.id, deps.maintenant?.() ?? new Date());
    deps.journal.info({ programme: p.id, version: programme.version, par: personne.id }, 'réglages du programme changés');
    await quotaALaFile(deps, p, programme);
    return {
      version: programme.version,
      changements,
      message: `Version ${programme.version} enregistrée : les parcours lancés à partir de maintenant la suivent${ouverts ? ` ; ${ouverts === 1 ? 'le parcours en cours garde' : `les ${ouverts} parcours en cours gardent`} la version avec laquelle ${ouverts === 1 ? 'il a été lancé' : 'ils ont été lancés'}` : ''}.`,
    };
  } catch (e) {
    if (!(e instanceof RefusReglages)) throw e;
    throw new Probleme(e.status, e.message, {
      ...(e.status === 409 ? { type: TYPES_PROBLEME.refuse } : {}),
      ...(e.erreurs.length ? { errors: e.erreurs.map((x) => ({ champ: x.champ, message: x.message })) } : {}),
    });
  }
}

/** L'état de la file IML d'un programme, pour cette personne (coordination du programme ou admin). */
export async function lireFileIml(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<EtatFileIml> {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin') throw interdit('Votre rôle ne permet pas cette action.');
  const programme = programmeIml(deps, idBrut, personne);
  const f = await lireFile(deps, programme);
  // Les ménages nommés (leurs dossiers), pour la coordination du programme.
  const noms = await dossiersDe(deps).noms([...f.actives, ...f.file].map((m) => m.mesure));
  const nommer = <T extends { mesure: string }>(m: T): T & { nom?: string } => (noms.has(m.mesure) ? { ...m, nom: noms.get(m.mesure) } : m);
  return { ...f, actives: f.actives.map(nommer), file: f.file.map(nommer) };
}

function programmeIml(deps: DependancesApi, idBrut: unknown, personne: Personne): Programme {
  const id = analyser(idProgrammeSchema, idBrut, 'id');
  const programme = deps.catalogue.trouver(id);
  if (!programme) throw introuvable(`Aucun programme « ${id} ».`);
  if (programme.typeParcours !== 'iml_bail_glissant') throw introuvable(`Le programme « ${programme.nom} » n’a pas de file d’attente IML.`);
  if (!suitProgramme(personne, id)) throw interdit('Ce programme ne fait pas partie des vôtres.');
  return programme;
}

async function lireFile(deps: DependancesApi, programme: Programme): Promise<EtatFileIml> {
  try {
    return await deps.client.workflow.getHandle(idFileIml(programme.id)).query(fileImlQuery);
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw depuisTemporal(e) ?? e;
    // Aucune candidature validée pour l'instant : toutes les places sont libres.
    const quota = programme.quotas.mesuresActives ?? 0;
    return {
      programmeId: programme.id,
      quota,
      versionProgramme: programme.version,
      placesLibres: quota,
      actives: [],
      file: [],
      compteurs: { demandes: 0, accordees: 0, liberees: 0, retirees: 0 },
      execution: 0,
    };
  }
}

export function routesProgrammes(deps: DependancesApi): Router {
  const r = Router();

  r.get('/api/programmes', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    const personne = personneDe(req);
    const programmes = deps.catalogue.tous().filter((p) => suitProgramme(personne, p.id));
    const resultat = [];
    for (const p of programmes) {
      const { ouverts, enRetard } = await dossiersDe(deps).compter(p.id, deps.maintenant?.() ?? new Date());
      const file = p.typeParcours === 'iml_bail_glissant' ? await lireFile(deps, p) : undefined;
      resultat.push({
        id: p.id,
        nom: p.nom,
        version: p.version,
        typeParcours: p.typeParcours,
        libelleTypeParcours: LIBELLES_TYPE_PARCOURS[p.typeParcours],
        parcoursOuverts: ouverts,
        parcoursEnRetard: enRetard,
        ...(file ? { fileIml: { quota: file.quota, actives: file.actives.length, enAttente: file.file.length, placesLibres: file.placesLibres } } : {}),
      });
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(resultat);
  });

  r.get('/api/programmes/:id/reglages', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await lireReglages(deps, personneDe(req), req.params.id));
  });

  r.put('/api/programmes/:id/reglages', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    res.json(await changerReglages(deps, personneDe(req), req.params.id, req.body));
  });

  r.get('/api/programmes/:id/file-iml', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    res.json(await lireFileIml(deps, personneDe(req), req.params.id));
  });

  r.post('/api/programmes/:id/file-iml/liberer', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    const personne = personneDe(req);
    const programme = programmeIml(deps, req.params.id, personne);
    const corps = analyser(liberationPlaceSchema, req.body);
    const file = await lireFile(deps, programme);
    const tenue = file.actives.find((m) => m.mesure === corps.mesure) ?? file.file.find((m) => m.mesure === corps.mesure);
    if (!tenue) throw introuvable(`La mesure « ${corps.mesure} » n’occupe ni place ni rang dans la file de ${programme.nom}.`);
    let statut: string;
    try {
      statut = (await deps.client.workflow.getHandle(corps.mesure).describe()).status.name;
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw depuisTemporal(e) ?? e;
      statut = 'INTROUVABLE';
    }
    if (statut === 'RUNNING') {
      throw new Probleme(
        409,
        'Cette mesure est en cours : sa place sera rendue à sa fin. Pour l’arrêter, enregistrez la fin de mesure (ou clôturez le parcours) depuis sa page.',
        { type: TYPES_PROBLEME.refuse },
      );
    }
    await deps.client.workflow.getHandle(idFileIml(programme.id)).signal(libererPlaceSignal, {
      mesure: tenue.mesure,
      execution: tenue.execution,
      motif: `Place libérée par ${personne.id} (mesure ${LIBELLES_STATUTS[statut] ?? statut.toLowerCase()}) : ${corps.motif}`,
    });
    res.status(202).json({ mesure: tenue.mesure, statutMesure: statut, message: 'La place est rendue : la mesure suivante de la file démarre à son tour.' });
  });
  return r;
}

const LIBELLES_STATUTS: Record<string, string> = {
  TERMINATED: 'arrêtée de force',
  FAILED: 'en échec',
  TIMED_OUT: 'hors délai',
  CANCELLED: 'annulée',
  COMPLETED: 'terminée',
  CONTINUED_AS_NEW: 'continuée',
  INTROUVABLE: 'introuvable',
};
