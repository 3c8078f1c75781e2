/**
 * Les parcours des ménages : lancement, liste (visibilité Temporal), état, affectation,
 * clôture anticipée et messages du personnel (mises à jour Temporal idempotentes par requestId).
 */
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { empreinteMessage } from '../../domain/empreinte';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type SearchAttributePair } from '@temporalio/common';
import { workersPresents } from '../../worker/presence';
import { Consentements, consentementsDuMenage } from '../../sms';
import { AnnuairePartenaires, FileActiveComplete, RefusAnnuaire } from '../../personnel/organisations';
import { LIBELLES_PRIORITE, prioriteDuMenage } from '../../domain/prevention';
import { messagesPermis } from '../../domain/actions';
import { nommerPersonnel } from '../../domain/libelles';
import { RegistreDossiers, type PageDossiers, type Portee, type ResumeDossier } from '../../dossiers/registre';
import { SA } from '../../domain/attributs-recherche';
import { affecterUpdate, cloreAnticipeUpdate, etatInitialUpdate, etatQuery } from '../../domain/messages';
import { affectationSchema, clotureAnticipeeSchema, requestIdSchema } from '../../domain/schemas';
import { LIBELLES_TYPE_PARCOURS, type EtatParcours, type Menage, type ParcoursDejaOuvert, type Programme } from '../../domain/vocabulaire';
import type { Personne } from '../../personnel/annuaire';
import { exigerRoles, personneDe, raisonRefusLecture, raisonRefusMessage, raisonRefusPilotage, suitProgramme } from '../auth';
import type { DependancesApi } from '../dependances';
import { analyser, depuisTemporal, ErreursDeSaisie, interdit, introuvable, invalide, Probleme, TYPES_PROBLEME } from '../problemes';
import { filtresListeSchema, lancementSchema, nomMessageSchema, referenceDe, SEPARATEUR_ID, workflowIdDe, workflowIdSchema } from '../schemas-api';
import { filtrerEtat, type Lecteur } from '../visibilite';

/** Les attributs de recherche d'un parcours au lancement (sans donnée personnelle) : programme, type, étape, affectation. */
export function attributsDeLancement(programme: Programme, travailleurSocial?: string): SearchAttributePair[] {
  return [
    { key: SA.programme, value: programme.id },
    { key: SA.typeParcours, value: programme.typeParcours },
    { key: SA.etape, value: 'orientation' },
    { key: SA.cloture, value: false },
    ...(travailleurSocial ? [{ key: SA.travailleurSocial, value: travailleurSocial } as SearchAttributePair] : []),
  ];
}

export const lecteurPersonnel = (p: Personne): Lecteur => ({ type: 'personnel', role: p.role, id: p.id });

const attendre = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Interroge `etat` ; avec `patience`, réessaie brièvement tant que la première tâche n'a pas tourné. */
export async function lireEtat(handle: WorkflowHandle, patienceMs = 0): Promise<EtatParcours> {
  const fin = Date.now() + patienceMs;
  let pause = 50;
  for (;;) {
    try {
      return await handle.query(etatQuery);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError || Date.now() + pause > fin) throw e;
      await attendre(pause);
      pause = Math.min(pause * 2, 500);
    }
  }
}

/** Le registre des dossiers (système d'enregistrement), un par jeu de dépendances. */
const registres = new WeakMap<DependancesApi, RegistreDossiers>();
const annuaires = new WeakMap<DependancesApi, AnnuairePartenaires>();
export function annuaireDe(deps: DependancesApi): AnnuairePartenaires {
  let a = annuaires.get(deps);
  if (!a) annuaires.set(deps, (a = new AnnuairePartenaires(deps.base)));
  return a;
}

/** Traduit un refus de l'annuaire (bailleur inconnu, file active complète…) en problème HTTP. */
export async function depuisAnnuaire<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof RefusAnnuaire)) throw e;
    if (e.statut === 400) throw invalide(e.champ, e.message);
    throw new Probleme(e.statut, `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.`);
  }
}

/**
 * Au-delà de ce délai, un lancement commencé (une acceptation d'orientation marquée, un bailleur
 * inscrit) sans parcours n'est plus en cours : l'API qui l'a commencé s'est arrêtée (un lancement
 * prend moins d'une seconde, quelques-unes au pire).
 */
export const DELAI_LANCEMENT_MS = 5 * 60_000;

/**
 * Le parcours existe-t-il pour Temporal ? undefined s'il ne répond pas dans les 3 secondes : une page
 * qui le demande (liste des orientations, tableau de bord, annuaire) n'attend pas un moteur arrêté.
 */
export async function parcoursExiste(deps: DependancesApi, workflowId: string, o: { enCours?: boolean } = {}): Promise<boolean | undefined> {
  return deps.client
    .withDeadline(Date.now() + 3_000, () => deps.client.workflow.getHandle(workflowId).describe())
    .then(
      // `enCours` : une exécution en échec d'avant (un identifiant qu'un lancement peut reprendre) ne compte pas.
      (d) => !o.enCours || d.status.name === 'RUNNING',
      (e: unknown) => (e instanceof WorkflowNotFoundError ? false : undefined),
    );
}

/**
 * Rend les places de file active prises par des lancements interrompus (bailleur inscrit, parcours
 * jamais démarré) chez ces bailleurs ; renvoie combien. Temporal décide : un parcours qui existe sans
 * dossier encore (worker arrêté) garde sa place.
 */
export async function rendrePlacesInterrompues(deps: DependancesApi, organisationIds: readonly string[]): Promise<number> {
  const avant = new Date((deps.maintenant?.() ?? new Date()).getTime() - DELAI_LANCEMENT_MS);
  let rendues = 0;
  for (const organisationId of organisationIds)
    for (const workflowId of await annuaireDe(deps).inscriptionsSansDossier(organisationId, avant)) {
      const existe = await parcoursExiste(deps, workflowId);
      if (existe === undefined) return rendues; // Temporal injoignable : une attente, pas une par inscription.
      if (existe) continue;
      if (await annuaireDe(deps).rendrePlace(workflowId, avant)) {
        rendues++;
        deps.journal.info({ workflowId }, 'place de file active rendue (lancement interrompu)');
      }
    }
  return rendues;
}

/** Une file active complète : les places de lancements interrompus rendues, un nouvel essai. */
async function avecPlacesRendues<T>(deps: DependancesApi, organisationId: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof FileActiveComplete) || !(await rendrePlacesInterrompues(deps, [organisationId]))) throw e;
    return f();
  }
}

export function dossiersDe(deps: DependancesApi): RegistreDossiers {
  let r = registres.get(deps);
  if (!r) registres.set(deps, (r = new RegistreDossiers(deps.base, deps.coffre)));
  return r;
}

/**
 * Un worker vu présent le reste pour ce processus pendant une seconde au plus : les actions qui se
 * suivent ne relisent pas la table `workers` à chaque fois (elle n'est écrite que toutes les 5 s).
 * Une absence n'est jamais gardée : le premier appel après le retour d'un worker passe.
 */
export const PRESENCE_EN_CACHE_MS = 1_000;
const presencesVues = new Map<string, number>();

/** Oublie les présences gardées (un essai qui arrête son worker, comme si la seconde était passée). */
export function oublierPresencesVues(): void {
  presencesVues.clear();
}

/**
 * Refuse tout de suite (503, avec Retry-After) une action qu'aucun worker ne traiterait : sans
 * worker, Temporal ne le dirait qu'au bout de ~30 s. Rien n'est enregistré ; le même appel, avec le
 * même identifiant de requête, pourra être refait.
 */
export async function exigerWorker(deps: DependancesApi): Promise<void> {
  const vu = presencesVues.get(deps.taskQueue);
  if (vu !== undefined && performance.now() - vu < PRESENCE_EN_CACHE_MS) return;
  if ((await workersPresents(deps.base, deps.taskQueue)) > 0) {
    presencesVues.set(deps.taskQueue, performance.now());
    return;
  }
  presencesVues.delete(deps.taskQueue);
  throw new Probleme(
    503,
    'Le service des parcours est momentanément indisponible : aucun moteur ne traite les parcours en ce moment. Rien n’a été enregistré ; réessayez dans quelques instants.',
    {
      type: TYPES_PROBLEME.service,
    },
  );
}

/**
 * L'identifiant de la mise à jour Temporal d'un message : son requestId et l'empreinte du message.
 * Temporal rend le résultat d'une mise à jour déjà faite sous le même identifiant sans rien vérifier :
 * un autre message envoyé sous le même requestId doit donc arriver jusqu'au parcours, qui le refuse.
 */
export function idMiseAJour(nom: string, message: { requestId: string }): string {
  return `${message.requestId}:${createHash('sha256').update(empreinteMessage(nom, message)).digest('base64url').slice(0, 16)}`;
}

/** Ce qu'une personne du personnel peut voir dans une liste (la portée de son rôle). */
export function porteeDe(personne: Personne): Portee {
  if (personne.role === 'admin') return { tous: true };
  if (personne.role === 'coordinateur') return { programmes: personne.programmes };
  return {
    travailleurSocial: personne.id,
    ...(personne.remplace?.length ? { remplace: { personnes: personne.remplace, programmes: personne.programmes } } : {}),
  };
}

export type ResumeParcours = ResumeDossier;

function verifierTravailleurSocial(deps: DependancesApi, id: string, programmeId: string, champ: string): void {
  const ts = deps.annuaire.trouver(id);
  if (!ts) throw invalide(champ, `compte inconnu : « ${id} »`);
  if (ts.role !== 'travailleur_social') throw invalide(champ, `${ts.nom} n’a pas un compte de travailleur social`);
  const programme = deps.catalogue.trouver(programmeId)?.nom ?? 'de ce parcours';
  if (!ts.programmes.includes(programmeId)) throw invalide(champ, `${ts.nom} ne suit pas le programme ${programme}`);
}

/** Exécute un appel Temporal ; traduit ses erreurs en problèmes HTTP en français. */
export async function executer<R>(f: () => Promise<R>): Promise<R> {
  try {
    return await f();
  } catch (e) {
    throw depuisTemporal(e) ?? e;
  }
}

// ---------------------------------------------------------------------------------------------
// Les opérations sur les parcours, partagées par l'API JSON et l'interface web (api/ et web/) :
// mêmes contrôles d'accès, mêmes schémas, mêmes erreurs (Probleme en français).

/** Un parcours introuvable, dit par sa référence et son programme (pas par l'identifiant technique « programme--référence »). */
function aucunDossier(deps: DependancesApi, workflowId: string): string {
  const programme = deps.catalogue.trouver(workflowId.slice(0, Math.max(0, workflowId.indexOf(SEPARATEUR_ID))));
  return programme ? `Aucun dossier « ${referenceDe(workflowId, programme.id)} » dans le programme ${programme.nom}.` : 'Aucun parcours à cette adresse.';
}

/**
 * Le parcours demandé et son état (400 si l'identifiant est invalide, 404 s'il n'existe pas). Un
 * parcours clos se lit dans son dossier (système d'enregistrement), même quand Temporal l'a oublié ;
 * un parcours en cours, auprès de son workflow (l'état le plus frais).
 */
export async function chargerParcours(deps: DependancesApi, idBrut: unknown, o: { confidentiel?: boolean } = {}) {
  const workflowId = analyser(workflowIdSchema, idBrut, 'id');
  const handle = deps.client.workflow.getHandle(workflowId);
  const dossiers = dossiersDe(deps);
  const depuisDossier = async () => {
    const etat = await dossiers.lire(workflowId, { confidentiel: o.confidentiel ?? true });
    if (!etat) throw introuvable(aucunDossier(deps, workflowId));
    return { workflowId, handle, etat };
  };
  // Clos et terminé : le dossier a son dernier état (consigné avant la fin du workflow), sans rejouer
  // l'historique. Clos mais encore en veille (veille active, rechute) : le workflow a le plus frais.
  if (await dossiers.estClos(workflowId)) {
    const enCours = await handle.describe().then(
      (d) => d.status.name === 'RUNNING',
      () => false,
    );
    if (!enCours) return depuisDossier();
  }
  // Sans worker, la requête à un parcours en cours attendrait ~30 s : son dossier répond (dernier état consigné).
  if ((await workersPresents(deps.base, deps.taskQueue)) === 0) {
    if (await dossiers.estClos(workflowId).then((c) => c !== undefined)) return depuisDossier();
    await exigerWorker(deps);
  }
  let etat: EtatParcours;
  try {
    etat = await lireEtat(handle);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return depuisDossier();
    throw depuisTemporal(e) ?? e;
  }
  return { workflowId, handle, etat };
}

/** L'état d'un parcours pour cette personne (403 si elle ne peut pas le voir). */
export async function lireParcoursPour(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const c = await chargerParcours(deps, idBrut);
  const refus = raisonRefusLecture(personne, c.etat);
  if (refus) throw interdit(refus);
  // Le personnel lit tout le dossier, confidences comprises : chaque lecture est tracée.
  await dossiersDe(deps).noterConsultation(personne.id, c.workflowId, 'dossier');
  const etat = filtrerEtat(c.etat, lecteurPersonnel(personne));
  // Le personnel nommé au journal (identifiant de connexion dans le parcours) : son nom.
  const journal = etat.journal.map((e) => ({ ...e, resume: nommerPersonnel(e.resume, (id) => deps.annuaire.trouver(id)?.nom) }));
  return { ...c, etat: { ...etat, journal } };
}

/**
 * Tout ce qu'un lancement vérifie avant de rien enregistrer, les erreurs de saisie réunies en une
 * seule réponse (schéma, travailleur social, données du parcours, téléphone, bailleur) : le
 * formulaire les montre toutes à la fois. Un programme que la personne ne coordonne pas : 403.
 */
async function verifierLancement(deps: DependancesApi, personne: Personne, corpsBrut: unknown) {
  const saisie = new ErreursDeSaisie();
  const corps = saisie.essayer(() => analyser(lancementSchema, corpsBrut));
  // Le schéma refusé, les autres champs sont vérifiés quand même, tels qu'ils sont arrivés.
  const brut = (corpsBrut && typeof corpsBrut === 'object' ? corpsBrut : {}) as Record<string, unknown>;
  const texte = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const programmeId = corps?.programmeId ?? texte(brut.programmeId);
  // La dernière version des réglages (changés peut-être par une autre API) : le parcours la garde ensuite.
  await deps.catalogue.rafraichir?.();
  const programme = programmeId ? deps.catalogue.trouver(programmeId) : undefined;
  if (programmeId && !programme) saisie.refuser('programmeId', `programme inconnu : « ${programmeId} »`);
  if (!programme) {
    saisie.lever();
    throw invalide('programmeId', 'champ obligatoire');
  }
  if (!suitProgramme(personne, programme.id)) throw interdit(`Vous ne coordonnez pas le programme « ${programme.nom} ».`);
  const definition = deps.registre[programme.typeParcours];
  if (!definition) {
    saisie.lever();
    throw invalide('programmeId', `le parcours « ${LIBELLES_TYPE_PARCOURS[programme.typeParcours]} » n’est pas encore disponible sur cette plateforme`);
  }
  const travailleurSocial = corps ? corps.travailleurSocial : texte(brut.travailleurSocial);
  if (travailleurSocial) saisie.essayer(() => verifierTravailleurSocial(deps, travailleurSocial, programme.id, 'travailleurSocial'));
  const donnees = saisie.essayer(() => analyser(definition.schemaLancement, (corps ? corps.donnees : brut.donnees) ?? {}, 'donnees'));
  for (const { chemin, raison } of donnees ? (definition.champsSansObjet?.(programme) ?? []) : []) {
    const valeur = chemin.split('.').reduce<unknown>((o, cle) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[cle] : undefined), donnees);
    if (valeur !== undefined && valeur !== false && valeur !== '') saisie.refuser(`donnees.${chemin}`, raison);
  }
  const contacts = corps ? consentementsDuMenage(corps.menage) : undefined;
  if (typeof contacts === 'string') saisie.refuser('menage.telephone', contacts);
  const choisi = corps ? corps.bailleur : texte(brut.bailleur);
  const organisation = await depuisAnnuaire(() => annuaireDe(deps).bailleurDuLancement(programme.id, choisi)).catch((e: unknown) => saisie.garder(e));
  saisie.lever();
  // Rien n'a été refusé : chaque valeur est là.
  return {
    corps: corps!,
    programme,
    definition,
    donnees: donnees!,
    contacts: contacts as Exclude<typeof contacts, string | undefined>,
    organisation: organisation!,
  };
}

/** Temporal muet après un démarrage demandé : on ne sait pas si le parcours tourne. */
export const LANCEMENT_INCERTAIN =
  'Le moteur des parcours n’a pas répondu : le parcours de ce ménage a peut-être démarré. Dans quelques instants, cherchez-le dans la liste des parcours avant de le relancer (s’il existe, un second lancement sera refusé).';

/** Lance un parcours (coordination du programme ou admin) ; `corpsBrut` suit `lancementSchema`. */
export async function lancerParcours(
  deps: DependancesApi,
  personne: Personne,
  corpsBrut: unknown,
  o: { dejaSuivis?: boolean } = {},
): Promise<{ workflowId: string; etat: EtatParcours | null; dejaSuivis?: ParcoursDejaOuvert[] }> {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin') throw interdit('Votre rôle ne permet pas cette action.');
  const { corps, programme, definition, donnees, contacts, organisation } = await verifierLancement(deps, personne, corpsBrut);
  await exigerWorker(deps);
  const workflowId = workflowIdDe(programme.id, corps.menage.reference);
  // Le même ménage (nom et adresse) déjà suivi dans ce programme sous une autre référence, cherché
  // pendant le lancement : un logiciel qui lance n'est pas refusé (il choisit ses références), sa
  // réponse le dit. Sans la base à ce moment, le lancement se fait sans le dire.
  const dejaSuivis = o.dejaSuivis
    ? dossiersDe(deps)
        .ouvertsPourLeMenage(programme.id, corps.menage)
        .then((l) => l.filter((d) => d.workflowId !== workflowId))
        .catch((e: unknown) => {
          deps.journal.warn({ err: e, workflowId }, 'parcours déjà ouverts pour le ménage : recherche impossible');
          return [];
        })
    : undefined;
  // Le bailleur du ménage (sa file active comptée) : ses contacts recevront tout ce qui va « au bailleur ».
  const bailleur = await depuisAnnuaire(() =>
    avecPlacesRendues(deps, organisation.id, () => annuaireDe(deps).reserverPourLancement(workflowId, programme.id, organisation, personne.id)),
  );
  const entree = definition.construireEntree({
    programme: structuredClone(programme),
    menage: corps.menage,
    coordinateur: personne.id,
    travailleurSocial: corps.travailleurSocial,
    donnees,
  });
  const attributs = attributsDeLancement(programme, corps.travailleurSocial);
  // Ses consentements (courriel, SMS) notés dans le dossier avant le départ : le premier courriel du
  // parcours (la lettre d'information) part déjà en SMS. Oubliés si le lancement n'a pas lieu.
  const consentements = new Consentements(deps.base, deps.coffre);
  const notes: string[] = [];
  for (const c of contacts) notes.push(await consentements.enregistrer(workflowId, c, personne.id));
  // Un ménage prioritaire pour ce programme (Besançon : ménage isolé) : les listes le montrent d'abord.
  // Notée avant le départ elle aussi : une API arrêtée juste après le démarrage ne la perd pas.
  const prioriteNotee = await noterPriorite(deps, programme, workflowId, corps.menage, donnees);
  // Un seul aller-retour : le démarrage porte la mise à jour `etatInitial`, dont la réponse est
  // l'état du parcours au terme de sa première tâche (sans requête ensuite).
  const demarrage = new WithStartWorkflowOperation(definition.workflowType, {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [entree],
    workflowIdConflictPolicy: 'FAIL',
    // Un parcours en cours ou terminé normalement n'est jamais remplacé ; seul un parcours
    // en échec, interrompu ou annulé peut être relancé sous le même identifiant.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    typedSearchAttributes: attributs,
  });
  const initial = await deps.client.workflow.executeUpdateWithStart(etatInitialUpdate, { startWorkflowOperation: demarrage }).then(
    (e) => ({ etat: e as EtatParcours | undefined, erreur: undefined as unknown }),
    (erreur: unknown) => ({ etat: undefined, erreur }),
  );
  const handle = await demarrage.workflowHandle().catch(async (e: unknown) => {
    const erreur = initial.erreur ?? e;
    // La réponse du démarrage perdue (délai dépassé, connexion coupée) : le parcours a pu démarrer
    // quand même. Temporal tranche ; un doublon, lui, n'a rien démarré.
    const demarre = e instanceof WorkflowExecutionAlreadyStartedError ? false : await parcoursExiste(deps, workflowId, { enCours: true });
    if (demarre) {
      deps.journal.warn({ err: erreur, workflowId }, 'parcours démarré malgré une réponse perdue');
      return deps.client.workflow.getHandle(workflowId);
    }
    // Temporal muet : les notes restent, pour le parcours qui a peut-être démarré (sinon, la file active
    // rend la place et l'effacement de nuit les notes d'un parcours qui n'a pas eu lieu), et la personne le sait.
    if (demarre === undefined) throw new Probleme(503, LANCEMENT_INCERTAIN, { type: TYPES_PROBLEME.service, cause: erreur });
    // Rien n'a démarré : les notes du lancement sont oubliées.
    if (bailleur.ajoute) await annuaireDe(deps).oublierLancement(workflowId);
    await consentements.oublier(notes);
    if (prioriteNotee) await deps.base.deleteFrom('priorites_dossiers').where('workflow_id', '=', workflowId).execute();
    throw depuisTemporal(erreur) ?? erreur;
  });
  deps.journal.info({ workflowId, programme: programme.id, par: personne.id }, 'parcours lancé');
  // Le parcours est lancé : même si son état n'est pas encore lisible, c'est un succès (un nouvel
  // essai donnerait 409). Sans réponse à la mise à jour (un worker d'avant `etatInitial`), l'état est
  // demandé au parcours, comme avant ; il pourra sinon être relu ensuite.
  let etat: EtatParcours | null = null;
  try {
    etat = filtrerEtat(initial.etat ?? (await lireEtat(handle, 10_000)), lecteurPersonnel(personne));
  } catch (e) {
    deps.journal.warn({ err: e, workflowId }, 'parcours lancé mais état illisible pour le moment');
  }
  return { workflowId, etat, ...(dejaSuivis ? { dejaSuivis: await dejaSuivis } : {}) };
}

/** Note la priorité du ménage pour son programme, s'il en a une ; vrai si elle vient d'être notée. */
async function noterPriorite(deps: DependancesApi, programme: Programme, workflowId: string, menage: Menage, donnees: unknown): Promise<boolean> {
  const situation = (donnees as { situation?: { isole?: boolean } }).situation;
  const priorite = programme.typeParcours === 'prevention_precontentieuse' && situation ? prioriteDuMenage(programme, menage, situation) : undefined;
  if (!priorite) return false;
  const notee = await deps.base
    .insertInto('priorites_dossiers')
    .values({ workflow_id: workflowId, programme_id: programme.id, motif: priorite })
    .onConflict((oc) => oc.column('workflow_id').doNothing())
    .returning('workflow_id')
    .executeTakeFirst();
  return notee !== undefined;
}

/**
 * Une page des parcours visibles par cette personne (système d'enregistrement), filtrés, cherchés
 * par nom ou référence, les retards d'abord puis par prochaine échéance ; avec le total.
 */
export async function listerParcours(deps: DependancesApi, personne: Personne, filtresBruts: unknown): Promise<PageDossiers> {
  const { page, taille, ...filtres } = analyser(filtresListeSchema, filtresBruts);
  if (filtres.programme && personne.role === 'coordinateur' && !suitProgramme(personne, filtres.programme)) {
    throw interdit(`Vous ne coordonnez pas le programme « ${filtres.programme} ».`);
  }
  return dossiersDe(deps).lister(porteeDe(personne), filtres, { page, taille }, deps.maintenant?.() ?? new Date());
}

/** Affecte (ou réaffecte) le travailleur social ; `corpsBrut` suit `affectationSchema`. */
export async function affecterParcours(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin') throw interdit('Votre rôle ne permet pas cette action.');
  const { handle, etat } = await chargerParcours(deps, idBrut);
  const refus = raisonRefusPilotage(personne, etat);
  if (refus) throw interdit(refus);
  const corps = analyser(affectationSchema, corpsBrut);
  await exigerWorker(deps);
  verifierTravailleurSocial(deps, corps.travailleurSocial, etat.programme.id, 'travailleurSocial');
  const m = { ...corps, par: personne.id };
  const resultat = await executer(() => handle.executeUpdate(affecterUpdate, { args: [m], updateId: idMiseAJour(affecterUpdate.name, m) }));
  const nouvelEtat = await executer(() => lireEtat(handle));
  return { resultat, etat: filtrerEtat(nouvelEtat, lecteurPersonnel(personne)) };
}

/** Clôture anticipée par la coordination ; `corpsBrut` suit `clotureAnticipeeSchema`. */
export async function cloreParcours(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  if (personne.role !== 'coordinateur' && personne.role !== 'admin') throw interdit('Votre rôle ne permet pas cette action.');
  const { handle, etat } = await chargerParcours(deps, idBrut);
  const refus = raisonRefusPilotage(personne, etat);
  if (refus) throw interdit(refus);
  const corps = analyser(clotureAnticipeeSchema, corpsBrut);
  await exigerWorker(deps);
  const resultat = await executer(async () => {
    try {
      const m = { ...corps, par: personne.id };
      return await handle.executeUpdate(cloreAnticipeUpdate, { args: [m], updateId: idMiseAJour(cloreAnticipeUpdate.name, m) });
    } catch (e) {
      const p = depuisTemporal(e);
      if (p?.opts.type === TYPES_PROBLEME.indisponible) {
        throw new Probleme(409, 'La clôture anticipée n’est pas (encore) possible pour ce type de parcours.', { type: TYPES_PROBLEME.indisponible });
      }
      throw e;
    }
  });
  const nouvelEtat = await executer(() => lireEtat(handle));
  return { resultat, etat: filtrerEtat(nouvelEtat, lecteurPersonnel(personne)) };
}

/**
 * Ce qu'il faut pour autoriser un message : le dossier (système d'enregistrement, une lecture sans
 * déchiffrement), ou l'état du parcours quand le dossier n'est pas encore consigné ou qu'il est clos
 * (un parcours clos peut être terminé : `chargerParcours` le sait). Le dossier est consigné après
 * chaque changement : un refus fondé sur lui (une affectation toute récente) est vérifié auprès du
 * parcours avant d'être rendu.
 */
async function autorisationMessage(deps: DependancesApi, workflowId: string) {
  const dossier = await dossiersDe(deps).autorisation(workflowId);
  if (dossier && !dossier.clos) return { depuisDossier: true, etat: dossier };
  return { depuisDossier: false, etat: (await chargerParcours(deps, workflowId)).etat };
}

/** Ce que l'API rend d'un message : son résultat, et l'étape où il laisse le parcours avec ce qu'elle permet. */
export interface MessageApplique {
  resultat: unknown;
  etape?: string;
  libelleEtape?: string;
  messagesPermis?: string[];
}

/**
 * Un message du personnel (registre du parcours) ; `corpsBrut` suit son schéma plus `requestId`. Un
 * aller-retour avec Temporal : l'autorisation se lit dans le dossier, et la réponse de la mise à jour
 * dit la nouvelle étape et les messages qu'elle permet (`Parcours.message`) ; rien n'est relu après.
 */
export async function envoyerMessage(
  deps: DependancesApi,
  personne: Personne,
  idBrut: unknown,
  nomBrut: unknown,
  corpsBrut: unknown,
): Promise<MessageApplique> {
  const workflowId = analyser(workflowIdSchema, idBrut, 'id');
  const autorisation = await autorisationMessage(deps, workflowId);
  let etat = autorisation.etat;
  const nom = analyser(nomMessageSchema, nomBrut, 'nom');
  const definition = deps.registre[etat.typeParcours];
  const message = definition && Object.hasOwn(definition.messages, nom) ? definition.messages[nom] : undefined;
  if (!message) throw introuvable(`Message inconnu pour ce parcours : « ${nom} ».`);
  // Les règles d'accès (api/auth.ts) ne lisent du programme que son identifiant.
  const refuse = (e: Pick<EtatParcours, 'travailleurSocial'> & { programme: { id: string } }) =>
    raisonRefusMessage(personne, message.roles, e as Pick<EtatParcours, 'programme' | 'travailleurSocial'>);
  let refus = refuse(etat);
  if (refus && autorisation.depuisDossier) {
    ({ etat } = await chargerParcours(deps, workflowId));
    refus = refuse(etat);
  }
  if (refus) throw interdit(refus);
  const corps = analyser(message.schema.safeExtend({ requestId: requestIdSchema }), corpsBrut) as Record<string, unknown> & { requestId: string };
  // Ce que le programme du parcours exclut (une option qu'il n'a pas) : refusé ici, à côté du champ.
  const programme = message.controler ? deps.catalogue.trouver(etat.programme.id) : undefined;
  const exclu = programme ? message.controler!(corps, programme) : undefined;
  if (exclu) throw invalide(exclu.champ, exclu.raison);
  // Un worker d'abord : ce que `preparer` change (le bailleur du ménage) ne doit pas rester sans le message.
  await exigerWorker(deps);
  const ecarte = await message.preparer?.(corps, {
    etape: etat.etape,
    programme: deps.catalogue.trouver(etat.programme.id),
    personne: personne.id,
    bailleurDuMenage: async () => (await annuaireDe(deps).bailleurDuParcours(workflowId)).organisation,
    bailleursDuProgramme: () => annuaireDe(deps).lister(etat.programme.id, { actives: true, type: 'bailleurs', sansFileActive: true }),
    changerBailleurDuMenage: async (id, motif) => {
      await depuisAnnuaire(() => annuaireDe(deps).changerBailleur(workflowId, etat.programme.id, id, personne.id, motif));
      deps.journal.info({ workflowId, bailleur: id, par: personne.id }, 'bailleur du parcours changé (logement trouvé)');
    },
  });
  if (ecarte) throw invalide(ecarte.champ, ecarte.raison);
  const m = { ...corps, requestId: corps.requestId, par: personne.id };
  const handle = deps.client.workflow.getHandle(workflowId);
  const resultat = await executer(() => handle.executeUpdate(message.update, { args: [m], updateId: idMiseAJour(message.update.name, m) }));
  deps.journal.info({ workflowId, message: nom, par: personne.id }, 'message appliqué');
  const r = (resultat && typeof resultat === 'object' ? resultat : {}) as { etape?: unknown; libelleEtape?: unknown; messagesPermis?: unknown };
  return {
    resultat,
    ...(typeof r.etape === 'string' ? { etape: r.etape } : {}),
    ...(typeof r.libelleEtape === 'string' ? { libelleEtape: r.libelleEtape } : {}),
    ...(Array.isArray(r.messagesPermis) ? { messagesPermis: r.messagesPermis as string[] } : {}),
  };
}

export function routesParcours(deps: DependancesApi): Router {
  const r = Router();

  r.post('/api/parcours', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    const { workflowId, etat, dejaSuivis } = await lancerParcours(deps, personneDe(req), req.body, { dejaSuivis: true });
    // Comme la réponse d'un message : les messages que la première étape permet.
    const permis = etat ? { messagesPermis: messagesPermis(etat.typeParcours, etat.etape, !!etat.cloture) } : {};
    res
      .status(201)
      .location(`/api/parcours/${encodeURIComponent(workflowId)}`)
      .json({ workflowId, etat, ...permis, dejaSuivis });
  });

  r.get('/api/parcours', async (req, res) => {
    const p = await listerParcours(deps, personneDe(req), req.query);
    const lien = (page: number) => {
      const q = new URLSearchParams(req.query as Record<string, string>);
      q.set('page', String(page));
      q.set('taille', String(p.taille));
      return `</api/parcours?${q.toString()}>`;
    };
    const liens = [...(p.page * p.taille < p.total ? [`${lien(p.page + 1)}; rel="next"`] : []), ...(p.page > 1 ? [`${lien(p.page - 1)}; rel="prev"`] : [])];
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Total-Count', String(p.total));
    if (liens.length) res.setHeader('Link', liens.join(', '));
    res.json(p.elements.map((e) => (e.priorite ? { ...e, libellePriorite: LIBELLES_PRIORITE[e.priorite as keyof typeof LIBELLES_PRIORITE] } : e)));
  });

  r.get('/api/parcours/:id', async (req, res) => {
    const { etat } = await lireParcoursPour(deps, personneDe(req), req.params.id);
    res.setHeader('Cache-Control', 'no-store');
    res.json(etat);
  });

  r.post('/api/parcours/:id/affectation', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    res.json(await affecterParcours(deps, personneDe(req), req.params.id, req.body));
  });

  r.post('/api/parcours/:id/cloture', exigerRoles('coordinateur', 'admin'), async (req, res) => {
    res.json(await cloreParcours(deps, personneDe(req), req.params.id, req.body));
  });

  r.post('/api/parcours/:id/messages/:nom', async (req, res) => {
    res.json(await envoyerMessage(deps, personneDe(req), req.params.id, req.params.nom, req.body));
  });

  return r;
}
