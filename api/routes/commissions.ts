/**
 * Les listes de la commission impayés (besancon-ccas : « la commission désigne une liste de
 * situations, les délais partent de la désignation »). La coordination du programme (ou l'admin)
 * envoie la liste d'une séance, CSV ou XLSX, une ligne par ménage :
 *
 * POST /api/programmes/:id/commissions/apercu   le fichier → chaque ligne : à lancer, déjà lancée,
 *                                               ou ses erreurs (par colonne) ; rien n'est lancé
 * POST /api/programmes/:id/commissions          le fichier → les lignes valides sont lancées ensemble,
 *                                               les lignes fausses rapportées ; la trace est gardée
 * GET  /api/programmes/:id/commissions[/:import] les imports du programme, un import
 *
 * Le fichier arrive en JSON (`fichier` en base64) ou en multipart/form-data (champ `fichier`), 2 Mo au
 * plus. Chaque ligne passe par les schémas du lancement (`lancerParcours`) ; un ménage est le parcours
 * « programme--référence » : renvoyer le même fichier, ou les mêmes lignes, ne lance rien deux fois.
 */
import { createHash } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { WorkflowNotFoundError } from '@temporalio/common';
import { FichierIllisible, lireTableau, type FormatListe } from '../../commissions/fichier';
import { COLONNE } from '../../commissions/colonnes';
import { analyserListe, erreurDeColonne, type LigneAnalysee, type ListeAnalysee } from '../../commissions/liste';
import { RegistreImportsCommission, type ImportCommission, type LigneImport } from '../../commissions/registre';
import type { Programme } from '../../domain/vocabulaire';
import type { Personne } from '../../personnel/annuaire';
import { exigerRoles, personneDe, suitProgramme } from '../auth';
import type { DependancesApi } from '../dependances';
import { analyser, depuisTemporal, interdit, introuvable, Probleme, TYPES_PROBLEME } from '../problemes';
import { idProgrammeSchema } from '../schemas-api';
import { idImportCommissionSchema, listeCommissionSchema, TAILLE_MAX_LISTE } from '../schemas-commission';
import { annuaireDe, dossiersDe, exigerWorker, lancerParcours, rendrePlacesInterrompues } from './parcours';
import { nombreDe } from '../../domain/libelles';

/** Les chemins qui reçoivent un fichier (corps multipart ou JSON plus gros que celui du reste de l'API). */
const CHEMIN_FICHIER = /^\/api\/programmes\/[^/]+\/commissions(\/apercu)?\/?$/;

/** Le fichier reçu, quelle que soit la forme de la requête. */
export interface ListeRecue {
  contenu: Buffer;
  nomFichier?: string;
  dateSeance?: string;
}

const problemeEnvoi = (err: unknown): Probleme => {
  const code = (err as { code?: string })?.code;
  if (code === 'LIMIT_FILE_SIZE') return new Probleme(413, 'Le fichier est trop volumineux : 2 Mo au plus pour une liste de commission.');
  return new Probleme(400, 'Le formulaire envoyé est mal formé : envoyez un seul fichier dans le champ « fichier ».', {
    errors: [{ champ: 'fichier', message: 'un seul fichier attendu, dans le champ « fichier »' }],
  });
};

/** Lit un envoi multipart/form-data (un fichier « fichier », quelques champs), en mémoire. */
export function lireEnvoiMultipart(o: { fichierGarde?: boolean } = {}): RequestHandler {
  // La page web renvoie, en champ caché, le fichier déjà reçu (base64) : ce champ-là peut être long.
  const fieldSize = o.fichierGarde ? Math.ceil(TAILLE_MAX_LISTE / 3) * 4 + 4 : 10_000;
  const m = multer({ storage: multer.memoryStorage(), limits: { fileSize: TAILLE_MAX_LISTE, files: 1, fields: 10, parts: 12, fieldSize } }).single('fichier');
  return (req, res, next) => {
    m(req, res, (err?: unknown) => next(err ? problemeEnvoi(err) : undefined));
  };
}

/**
 * À monter avant le lecteur JSON de l'API, avec le contrôle de session : pour les chemins qui
 * reçoivent une liste, la session et le rôle d'abord (un inconnu n'envoie rien en mémoire), puis le
 * corps multipart (lu ici) ou JSON jusqu'à 3 Mo ; `res.locals.corpsLu` dit au reste de l'API que
 * c'est fait.
 */
export function corpsListeCommission(session: RequestHandler): RequestHandler {
  const multipart = lireEnvoiMultipart();
  const json = express.json({ limit: '3mb', type: ['application/json', 'application/*+json'] });
  const coordination = exigerRoles('coordinateur', 'admin');
  const etape = (m: RequestHandler, req: Request, res: Response) =>
    new Promise<void>((ok, ko) => {
      Promise.resolve(m(req, res, (e?: unknown) => (e ? ko(e) : ok()))).catch(ko);
    });
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !CHEMIN_FICHIER.test(req.path)) return next();
    await etape(session, req, res);
    await etape(coordination, req, res);
    if (req.is('multipart/form-data')) {
      res.locals.corpsLu = true;
      await etape(multipart, req, res);
    } else if (req.is(['application/json', 'application/*+json'])) {
      await etape(json, req, res);
    }
    next();
  };
}

/** Le fichier d'une requête : multipart (req.file) ou JSON ({ fichier: base64, nomFichier?, dateSeance? }). */
export function listeDeLaRequete(req: Request): ListeRecue {
  if (req.file) {
    const dateSeance = typeof req.body?.dateSeance === 'string' && req.body.dateSeance.trim() !== '' ? req.body.dateSeance.trim() : undefined;
    const d = analyser(listeCommissionSchema.pick({ dateSeance: true }), { ...(dateSeance ? { dateSeance } : {}) });
    if (!req.file.buffer.length) throw new Probleme(400, 'Le fichier envoyé est vide.', { errors: [{ champ: 'fichier', message: 'fichier vide' }] });
    return { contenu: req.file.buffer, nomFichier: req.file.originalname, ...(d.dateSeance ? { dateSeance: d.dateSeance } : {}) };
  }
  if (req.is('multipart/form-data'))
    throw new Probleme(400, 'Aucun fichier reçu : joignez la liste dans le champ « fichier ».', {
      errors: [{ champ: 'fichier', message: 'champ obligatoire' }],
    });
  const corps = analyser(listeCommissionSchema, req.body ?? {});
  return { contenu: Buffer.from(corps.fichier, 'base64'), nomFichier: corps.nomFichier, dateSeance: corps.dateSeance };
}

const registres = new WeakMap<DependancesApi, RegistreImportsCommission>();
export function importsDe(deps: DependancesApi): RegistreImportsCommission {
  let r = registres.get(deps);
  if (!r) registres.set(deps, (r = new RegistreImportsCommission(deps.base)));
  return r;
}

/** Le programme d'une liste : coordination du programme ou admin ; un programme qui reçoit les listes de sa commission. */
export function programmeCommission(deps: DependancesApi, personne: Personne, idBrut: unknown): Programme {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin')
    throw interdit('Les listes de la commission sont importées par la coordination du programme.');
  const id = analyser(idProgrammeSchema, idBrut, 'id');
  const programme = deps.catalogue.trouver(id);
  if (!programme) throw introuvable(`Aucun programme « ${id} ».`);
  if (!suitProgramme(personne, programme.id)) throw interdit(`Vous ne coordonnez pas le programme « ${programme.nom} ».`);
  if (programme.typeParcours !== 'prevention_precontentieuse' || !programme.options.designationCommissionImpayes || !deps.registre[programme.typeParcours]) {
    throw new Probleme(409, `Le programme « ${programme.nom} » ne reçoit pas de listes de la commission impayés : ses ménages sont orientés un par un.`, {
      type: TYPES_PROBLEME.indisponible,
    });
  }
  return programme;
}

export interface ApercuCommission {
  programme: Programme;
  empreinte: string;
  format: FormatListe;
  dateSeance?: string;
  liste: ListeAnalysee;
  /** Les références déjà lancées (parcours existant). */
  dejaLances: Set<string>;
  importsPrecedents: Array<{ id: string; le: Date; par: string }>;
}

export const statutApercu = (l: LigneAnalysee, dejaLances: Set<string>): 'erreur' | 'deja_lance' | 'a_lancer' =>
  l.erreurs.length ? 'erreur' : dejaLances.has(l.workflowId!) ? 'deja_lance' : 'a_lancer';

/** Les parcours qui existent déjà parmi ces identifiants : un dossier, ou un workflow vivant (ou fini normalement). */
async function parcoursExistants(deps: DependancesApi, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const existants = new Set((await deps.base.selectFrom('dossiers').select('workflow_id').where('workflow_id', 'in', ids).execute()).map((d) => d.workflow_id));
  const restants = ids.filter((id) => !existants.has(id));
  for (let i = 0; i < restants.length; i += 20) {
    await Promise.all(
      restants.slice(i, i + 20).map(async (id) => {
        try {
          const d = await deps.client.workflow.getHandle(id).describe();
          if (!['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT'].includes(d.status.name)) existants.add(id);
        } catch (e) {
          if (!(e instanceof WorkflowNotFoundError)) throw depuisTemporal(e) ?? e;
        }
      }),
    );
  }
  return existants;
}

/** Lit et analyse une liste (rien n'est lancé ni gardé). */
export async function apercuCommission(deps: DependancesApi, personne: Personne, idBrut: unknown, recu: ListeRecue): Promise<ApercuCommission> {
  const programme = programmeCommission(deps, personne, idBrut);
  const empreinte = createHash('sha256').update(recu.contenu).digest('hex');
  const bailleurs = await annuaireDe(deps).lister(programme.id, { actives: true, type: 'bailleurs' });
  let liste: ListeAnalysee;
  let format: FormatListe;
  try {
    const tableau = await lireTableau(recu.contenu, recu.nomFichier);
    format = tableau.format;
    liste = analyserListe(tableau, {
      programme,
      schemaDonnees: deps.registre[programme.typeParcours]!.schemaLancement,
      bailleurs: bailleurs.map((b) => ({ id: b.id, nom: b.nom })),
      dateSeance: recu.dateSeance,
      maintenant: (deps.maintenant ?? (() => new Date()))(),
    });
  } catch (e) {
    if (!(e instanceof FichierIllisible)) throw e;
    const message = e.message.charAt(0).toUpperCase() + e.message.slice(1);
    throw new Probleme(400, `${message}.`, { errors: [{ champ: 'fichier', message: e.message }] });
  }
  const ids = liste.lignes.filter((l) => !l.erreurs.length).map((l) => l.workflowId!);
  const [dejaLances, importsPrecedents] = await Promise.all([parcoursExistants(deps, ids), importsDe(deps).memeFichier(programme.id, empreinte)]);
  // Un ménage déjà suivi dans le programme sous une autre référence (même nom, même adresse) : dit, pas refusé.
  await Promise.all(
    liste.lignes
      .filter((l) => l.corps && !dejaLances.has(l.workflowId!))
      .map(async (l) => {
        const { nom, adresse } = l.corps!.menage;
        const autres =
          typeof adresse === 'string'
            ? (await dossiersDe(deps).ouvertsPourLeMenage(programme.id, { nom, adresse })).filter((d) => d.workflowId !== l.workflowId)
            : [];
        if (autres.length)
          l.avertissements.push(
            `ménage déjà suivi dans ce programme, même nom et même adresse (${autres.map((d) => `dossier ${d.reference}, étape « ${d.libelleEtape} »`).join(' ; ')}) : lancée, la ligne ouvrirait un second parcours`,
          );
      }),
  );
  return { programme, empreinte, format, dateSeance: recu.dateSeance, liste, dejaLances, importsPrecedents };
}

/** L'aperçu tel que l'API le renvoie (schéma `apercuCommissionSchema`). */
export function sortieApercu(a: ApercuCommission) {
  const lignes = a.liste.lignes.map((l) => ({
    ligne: l.ligne,
    statut: statutApercu(l, a.dejaLances),
    ...(l.reference ? { reference: l.reference, workflowId: l.workflowId } : {}),
    ...(l.nom ? { nom: l.nom } : {}),
    ...(l.designeLe ? { designeLe: l.designeLe } : {}),
    ...(l.bailleur ? { bailleur: l.bailleur.nom } : {}),
    erreurs: l.erreurs,
    avertissements: l.avertissements,
  }));
  return {
    programmeId: a.programme.id,
    empreinte: a.empreinte,
    format: a.format,
    ...(a.dateSeance ? { dateSeance: a.dateSeance } : {}),
    ligneEntetes: a.liste.ligneEntetes,
    colonnes: a.liste.colonnes.map((c) => ({ entete: c.entete, colonne: COLONNE[c.cle].libelle, lettre: c.lettre })),
    colonnesIgnorees: a.liste.colonnesIgnorees,
    lignes,
    totaux: {
      lignes: lignes.length,
      aLancer: lignes.filter((l) => l.statut === 'a_lancer').length,
      dejaLancees: lignes.filter((l) => l.statut === 'deja_lance').length,
      erreurs: lignes.filter((l) => l.statut === 'erreur').length,
      avertissements: lignes.filter((l) => l.avertissements.length).length,
    },
    importsPrecedents: a.importsPrecedents.map((p) => ({ id: p.id, le: p.le.toISOString(), par: p.par })),
  };
}

/** Combien de lancements à la fois (chaque lancement compte la file active de son bailleur sous verrou). */
const LANCEMENTS_SIMULTANES = 4;

/**
 * Importe une liste : les lignes valides sont lancées ensemble, les lignes fausses sont rapportées
 * (à corriger puis renvoyer : les lignes déjà lancées ne le seront pas deux fois). Avant de lancer quoi
 * que ce soit : un moteur présent, et la file active de chaque bailleur assez grande pour toutes les
 * lignes (sinon rien n'est lancé). Une panne en cours de route arrête l'import (503) : la trace dit
 * ce qui est lancé, et le même fichier renvoyé termine le travail.
 */
export async function importerCommission(
  deps: DependancesApi,
  personne: Personne,
  idBrut: unknown,
  recu: ListeRecue,
): Promise<ImportCommission & { importsPrecedents: Array<{ id: string; le: Date; par: string }> }> {
  const a = await apercuCommission(deps, personne, idBrut, recu);
  const { programme } = a;
  const valides = a.liste.lignes.filter((l) => !l.erreurs.length);
  if (!valides.length) {
    throw new Probleme(
      400,
      `Aucune ligne de la liste ne peut être lancée : ${a.liste.lignes.length} ligne${a.liste.lignes.length > 1 ? 's' : ''} en erreur. Rien n’a été lancé.`,
      {
        errors: a.liste.lignes
          .flatMap((l) => l.erreurs.map((e) => ({ champ: `ligne ${l.ligne}${e.colonne ? `, colonne « ${e.colonne} »` : ''}`, message: e.message })))
          .slice(0, 200),
      },
    );
  }
  await exigerWorker(deps);
  const aLancer = valides.filter((l) => !a.dejaLances.has(l.workflowId!));
  // La file active de chaque bailleur (APRIL : 20 ménages par bailleur) : toute la liste, ou rien.
  const pourChacun = (b: { id: string }) => aLancer.filter((l) => l.bailleur?.id === b.id).length;
  const depasses = async () =>
    (await annuaireDe(deps).lister(programme.id, { actives: true, type: 'bailleurs' })).filter(
      (b) => b.quotaFileActive != null && pourChacun(b) > 0 && (b.parcoursOuverts ?? 0) + pourChacun(b) > b.quotaFileActive,
    );
  let trop = await depasses();
  // Avant de refuser, les places prises par des lancements interrompus (une API arrêtée) sont rendues.
  const pleines = trop.map((x) => x.id);
  if (pleines.length && (await rendrePlacesInterrompues(deps, pleines))) trop = await depasses();
  const b = trop[0];
  if (b) {
    const n = pourChacun(b);
    throw new Probleme(
      409,
      `La file active de « ${b.nom} » ne peut pas recevoir ${nombreDe(n, 'ménage', 'ménages')} de plus (${nombreDe(b.parcoursOuverts ?? 0, 'suivi', 'suivis')} pour ${nombreDe(b.quotaFileActive!, 'place', 'places')}) : rien n’a été lancé. Clôturez des parcours, augmentez le quota ou importez la liste en plusieurs fois.`,
      { type: TYPES_PROBLEME.refuse },
    );
  }

  const registre = importsDe(deps);
  const resultats = new Map<number, LigneImport>();
  const trace = (): LigneImport[] =>
    a.liste.lignes.map(
      (l) =>
        resultats.get(l.ligne) ?? {
          ligne: l.ligne,
          statut: l.erreurs.length ? 'rejete' : a.dejaLances.has(l.workflowId!) ? 'deja_lance' : 'a_lancer',
          ...(l.reference ? { reference: l.reference, workflowId: l.workflowId } : {}),
          erreurs: l.erreurs,
          avertissements: l.avertissements,
        },
    );
  const id = await registre.commencer({
    programmeId: programme.id,
    empreinte: a.empreinte,
    format: a.format,
    dateSeance: a.dateSeance,
    par: personne.id,
    lignes: a.liste.lignes.length,
  });
  await registre.consigner(id, 'en_cours', trace());

  let panne: unknown;
  for (let i = 0; i < aLancer.length && panne === undefined; i += LANCEMENTS_SIMULTANES) {
    await Promise.all(
      aLancer.slice(i, i + LANCEMENTS_SIMULTANES).map(async (l) => {
        const base = { ligne: l.ligne, reference: l.reference, workflowId: l.workflowId, avertissements: l.avertissements };
        try {
          await lancerParcours(deps, personne, l.corps);
          resultats.set(l.ligne, { ...base, statut: 'lance', erreurs: [] });
        } catch (e) {
          const p = depuisTemporal(e);
          if (p?.status === 409 && p.opts.type === TYPES_PROBLEME.doublon) {
            resultats.set(l.ligne, { ...base, statut: 'deja_lance', erreurs: [] });
          } else if (p && p.status < 500) {
            resultats.set(l.ligne, {
              ...base,
              statut: 'rejete',
              erreurs: (p.opts.errors?.length ? p.opts.errors : [{ champ: '', message: p.detail }]).map((x) =>
                erreurDeColonne(x.champ, x.message, a.liste.colonnes),
              ),
            });
          } else {
            panne ??= e;
          }
        }
      }),
    );
    await registre.consigner(id, 'en_cours', trace());
  }
  const lignes = trace();
  if (panne !== undefined) {
    await registre.consigner(id, 'interrompu', lignes);
    const lancees = lignes.filter((l) => l.statut === 'lance').length;
    deps.journal.warn(
      { erreur: panne instanceof Error ? panne.name : 'inconnue', programme: programme.id, import: id },
      'import de la liste de la commission interrompu',
    );
    throw new Probleme(
      503,
      `L’import s’est interrompu après ${lancees} lancement${lancees > 1 ? 's' : ''} : le moteur des parcours ne répond plus. Renvoyez le même fichier dans quelques instants : les ménages déjà lancés ne le seront pas deux fois.`,
      { type: TYPES_PROBLEME.service, cause: panne },
    );
  }
  await registre.consigner(id, 'termine', lignes);
  deps.journal.info(
    { programme: programme.id, import: id, par: personne.id, lancees: lignes.filter((l) => l.statut === 'lance').length },
    'liste de la commission importée',
  );
  return { ...(await registre.lire(programme.id, id))!, importsPrecedents: a.importsPrecedents };
}

export async function lireImportCommission(deps: DependancesApi, personne: Personne, idBrut: unknown, importBrut: unknown): Promise<ImportCommission> {
  const programme = programmeCommission(deps, personne, idBrut);
  const id = analyser(idImportCommissionSchema, importBrut, 'import');
  const i = await importsDe(deps).lire(programme.id, id);
  if (!i) throw introuvable('Aucun import de liste de commission sous cet identifiant dans ce programme.');
  return i;
}

export async function listerImportsCommission(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const programme = programmeCommission(deps, personne, idBrut);
  return importsDe(deps).lister(programme.id);
}

/** Un import tel que l'API le renvoie (dates ISO). */
export function sortieImport<
  T extends Omit<ImportCommission, 'lignes'> & { lignes?: LigneImport[]; importsPrecedents?: Array<{ id: string; le: Date; par: string }> },
>(i: T) {
  return {
    ...i,
    le: i.le.toISOString(),
    ...(i.termineLe ? { termineLe: i.termineLe.toISOString() } : {}),
    ...(i.importsPrecedents ? { importsPrecedents: i.importsPrecedents.map((p) => ({ ...p, le: p.le.toISOString() })) } : {}),
  };
}

export function routesCommissions(deps: DependancesApi): Router {
  const r = Router();
  const coordination = exigerRoles('coordinateur', 'admin');

  r.post('/api/programmes/:id/commissions/apercu', coordination, async (req, res) => {
    const a = await apercuCommission(deps, personneDe(req), req.params.id, listeDeLaRequete(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json(sortieApercu(a));
  });

  r.post('/api/programmes/:id/commissions', coordination, async (req, res) => {
    const i = await importerCommission(deps, personneDe(req), req.params.id, listeDeLaRequete(req));
    res
      .status(201)
      .location(`/api/programmes/${encodeURIComponent(i.programmeId)}/commissions/${i.id}`)
      .json(sortieImport(i));
  });

  r.get('/api/programmes/:id/commissions', coordination, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json((await listerImportsCommission(deps, personneDe(req), req.params.id)).map(sortieImport));
  });

  // « apercu » n'est pas un import : la méthode non prévue y reçoit 405 (plus loin, avec Allow).
  const pasApercu = (req: { params: Record<string, string> }, _res: unknown, next: (r?: 'route') => void) =>
    next(req.params.import === 'apercu' ? 'route' : undefined);
  r.get('/api/programmes/:id/commissions/:import', pasApercu, coordination, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(sortieImport(await lireImportCommission(deps, personneDe(req), req.params.id, req.params.import)));
  });

  return r;
}
