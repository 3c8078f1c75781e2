/**
 * Le pilote : il rejoue les plans des ménages sur un vrai moteur Temporal (serveur de développement
 * avec le saut de temps par workflow) et le vrai worker du produit. Chaque ménage est un parcours
 * lancé comme l'API le lance (même entrée, mêmes attributs de recherche), démarré à sa date
 * d'arrivée ; pour chaque étape, l'horloge de ce seul parcours est avancée jusqu'à l'instant prévu
 * (ses minuteurs, rappels, échéances et courriels se déroulent au passage), puis les partenaires
 * répondent à leurs liens et le travailleur social envoie ses messages, ceux du registre de l'API.
 *
 * Les résultats viennent des parcours : une action compte si le parcours a accepté le message ; les
 * délais manqués et les issues sont lus dans leur état (requête `etat`) à la fin.
 */
import type { Client, Connection } from '@temporalio/client';
import type Long from 'long';
import { ServiceError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { REGISTRE } from '../../api/registre-produit';
import { SA } from '../../domain/attributs-recherche';
import { etatInitialUpdate, etatQuery, repondreValidationUpdate } from '../../domain/messages';
import { fileImlQuery, idFileIml, type EtatFileIml } from '../../domain/iml';
import type { EtatParcours } from '../../domain/vocabulaire';
import type { Depassee, ResultatMenage } from '../../simulations/modele/resultat';
import { messagesDErreur } from '../banc-commun';
import { Ordonnanceur, type Jeton } from './ordonnanceur';
import { JOUR, planApresPlace, type Etape, type PlanAnnee, type PlanMenage } from '../../simulations/modele/plan';

/** Ce que le pilote demande du moteur : un client (avec le convertisseur du produit) et la file du worker. */
export interface MoteurTemporal {
  client: Client;
  connection: Connection;
  namespace: string;
  taskQueue: string;
}

export const COORDINATION = 'coord.simulation';

export interface OptionsPilote {
  concurrence: number;
  /** IML : avance maximale d'une mesure sur la plus en retard du même programme (temps simulé, ms). */
  fenetre: number;
  /** Rien n'est joué après cet instant (temps simulé, ms). */
  horizon?: number;
  /** Un ménage terminé (pour l'avancement). */
  quandTermine?: (r: ResultatMenage, faits: number) => void;
  /**
   * Une étape jouée (lancement compris), sur les étapes prévues : celles des plans, plus la suite des
   * mesures IML qui reçoivent leur place, moins celles qu'un ménage ne jouera pas (horizon, parcours
   * terminé plus tôt). À la fin, les deux nombres sont égaux.
   */
  quandEtape?: (faites: number, prevues: number) => void;
}

/** Une place IML : accordée tout de suite (à cet instant), ou à attendre. */
type Place = { tout_de_suite: number } | { attente: Promise<number | undefined> };

/** L'horloge d'un parcours vue du pilote : sa dernière heure connue, et quand elle l'était. */
interface Horloge {
  virtuel: number;
  reel: number;
  /** Minuteurs passés sans être déclenchés par le serveur, rattrapés (voir `avancerParcours`). */
  rattrapages: number;
}
const maintenant = (h: Horloge) => h.virtuel + (Date.now() - h.reel);

let compteur = 0;
/** Après le lancement : le temps de la première tâche et de ses courriels (voir `avancerParcours`). */
const MARGE_DEPART = 10 * 60_000;
/** La petite avance qui déclenche un minuteur passé sans l'être (voir `avancerParcours`). */
const PURGE = 2 * 60_000;

/**
 * Avance l'horloge d'un seul parcours jusqu'à `t` (ses minuteurs échus se déclenchent dans l'ordre),
 * attend que l'avance soit atteinte (PollWorkflowExecutionTimeSkipping, une attente longue côté
 * serveur : pas de sondage), puis rend l'état du parcours ; `undefined` s'il est terminé.
 *
 * Deux écueils du saut de temps du serveur 1.32 (expérimental), mesurés ici :
 *  - une cible atteinte pendant que le parcours travaille (son horloge avance alors au rythme réel)
 *    n'arrête pas le saut suivant : le parcours file jusqu'à son prochain minuteur. Une cible ne doit
 *    donc jamais tomber juste après un travail : le lancement vise dix minutes après la première
 *    tâche, pas l'instant même (des parcours se retrouvaient au rappel de leur premier délai, 17 jours
 *    plus tard) ;
 *  - un minuteur qui tombe moins d'une seconde après un autre (deux échéances à la même heure : la
 *    fin du suivi et le bilan à 12 mois de besancon-ccas) peut être passé sans être déclenché, et une
 *    échéance dépassée passerait pour tenue. L'état le montre (échéance « en cours » dont la date est
 *    passée) : une nouvelle petite avance la déclenche, jusqu'à ce qu'il n'y en ait plus.
 */
export async function avancerParcours(m: MoteurTemporal, workflowId: string, h: Horloge, t: number): Promise<EtatParcours | undefined> {
  const handle = m.client.workflow.getHandle(workflowId);
  const ecart = Math.round(t - maintenant(h));
  if (ecart > 0 && !(await sauter(m, workflowId, h, ecart))) return undefined;
  for (let essai = 0; ; essai++) {
    const etat = await lireEtat(handle);
    const oubliee = etat.echeances.some((e) => e.statut === 'en_cours' && Date.parse(e.due) < maintenant(h) - 1000);
    if (!oubliee || etat.cloture || essai >= 5) return etat;
    h.rattrapages += 1;
    if (!(await sauter(m, workflowId, h, PURGE))) return undefined;
  }
}

async function sauter(m: MoteurTemporal, workflowId: string, h: Horloge, ecart: number): Promise<boolean> {
  const id = `simulation-${++compteur}`;
  const service = m.connection.workflowService;
  try {
    await service.updateWorkflowExecutionOptions({
      namespace: m.namespace,
      workflowExecution: { workflowId },
      workflowExecutionOptions: {
        timeSkippingConfig: {
          enabled: true,
          disablePropagation: true,
          maxSessionSkipCount: 100_000,
          // Les secondes sont un Long pour protobufjs, qui accepte aussi un nombre.
          fastForwardConfig: { id, duration: { seconds: Math.floor(ecart / 1000) as unknown as Long, nanos: (ecart % 1000) * 1e6 } },
        },
      },
      updateMask: { paths: ['time_skipping_config'] },
    });
  } catch (e) {
    if (/not found|completed|already finished/i.test((e as Error).message)) return false;
    throw e;
  }
  for (;;) {
    const r = await service.pollWorkflowExecutionTimeSkipping({ namespace: m.namespace, workflowExecution: { workflowId }, fastForwardId: id });
    // 1 : attente écoulée côté serveur, on recommence ; 2 : avance atteinte ; sinon elle ne le sera plus.
    if (r.fastForwardPollingResult === 1) continue;
    if (r.fastForwardPollingResult === 2) {
      const cible = r.fastForwardInfo?.targetTime;
      h.virtuel = cible ? Number(cible.seconds) * 1000 + Math.floor((cible.nanos ?? 0) / 1e6) : maintenant(h) + ecart;
      h.reel = Date.now();
      return true;
    }
    const d = await m.client.workflow.getHandle(workflowId).describe();
    if (d.status.name !== 'RUNNING') return false;
    throw new Error(`Avance du parcours ${workflowId} impossible : ${r.failedReason || `résultat ${r.fastForwardPollingResult}`}`);
  }
}

/** La raison d'un refus, telle que le parcours l'a donnée (ou l'erreur et ses causes). */
function raison(e: unknown): string {
  if (e instanceof WorkflowUpdateFailedError) return (e.cause as Error | undefined)?.message ?? e.message;
  return messagesDErreur(e);
}

/**
 * L'état d'un parcours (requête `etat`), redemandé pendant une trentaine de secondes si le worker ne
 * répond pas : à pleine charge, une tâche de workflow peut dépasser son délai (10 s) et être
 * rejouée ; la requête est refusée entre-temps (« Workflow Task in failed state »).
 */
async function lireEtat(handle: WorkflowHandle): Promise<EtatParcours> {
  for (let essai = 1; ; essai++) {
    try {
      return await handle.query(etatQuery);
    } catch (e) {
      if (essai >= 12 || !(e instanceof ServiceError)) throw e;
      await new Promise((r) => setTimeout(r, Math.min(500 * essai, 4000)));
    }
  }
}

/** Les places IML : une file par programme, tenue par le workflow `file-iml--<programme>` du produit. */
class FilesIml {
  private readonly verrous = new Map<string, Promise<unknown>>();
  readonly attentes = new Map<string, { jeton: Jeton; horloge: Horloge }>();

  constructor(private readonly m: MoteurTemporal) {}

  /** Une section par programme à la fois : demandes et libérations de places ne se croisent pas. */
  sous<T>(programmeId: string, f: () => Promise<T>): Promise<T> {
    const avant = this.verrous.get(programmeId) ?? Promise.resolve();
    const suite = avant.then(f, f);
    this.verrous.set(
      programmeId,
      suite.catch(() => undefined),
    );
    return suite;
  }

  async etat(programmeId: string): Promise<EtatFileIml | undefined> {
    return this.m.client.workflow
      .getHandle(idFileIml(programmeId))
      .query(fileImlQuery)
      .catch(() => undefined);
  }

  /** Attend (temps réel, court) que la file dise quelque chose de cette mesure. */
  async attendre<T>(programmeId: string, lire: (e: EtatFileIml) => T | undefined, ms = 30_000): Promise<T | undefined> {
    const fin = Date.now() + ms;
    for (let pause = 20; Date.now() < fin; pause = Math.min(pause * 2, 250)) {
      const e = await this.etat(programmeId);
      const x = e ? lire(e) : undefined;
      if (x !== undefined) return x;
      await new Promise((r) => setTimeout(r, pause));
    }
    return undefined;
  }
}

/** Rejoue tous les plans de l'année ; rend un résultat par ménage. */
export async function piloter(m: MoteurTemporal, annee: PlanAnnee, o: OptionsPilote): Promise<ResultatMenage[]> {
  const imls = annee.programmes.filter((p) => p.programme.typeParcours === 'iml_bail_glissant').map((p) => p.programme.id);
  const ordonnanceur = new Ordonnanceur(o.concurrence, Object.fromEntries(imls.map((id) => [id, o.fenetre])));
  const files = new FilesIml(m);
  const programmes = new Map(annee.programmes.map((p) => [p.programme.id, p]));
  let faits = 0;
  const etapes = { faites: 0, prevues: annee.menages.reduce((n, p) => n + 1 + p.etapes.length, 0) };
  const avance = (faites: number, ajoutees: number) => {
    etapes.faites += faites;
    etapes.prevues += ajoutees;
    o.quandEtape?.(etapes.faites, etapes.prevues);
  };
  const resultats = await Promise.all(
    annee.menages.map(async (plan) => {
      const r = await piloterMenage(m, plan, ordonnanceur, files, programmes, annee.graine, o, avance);
      o.quandTermine?.(r, ++faits);
      return r;
    }),
  );
  return resultats;
}

async function piloterMenage(
  m: MoteurTemporal,
  plan: PlanMenage,
  ordonnanceur: Ordonnanceur,
  files: FilesIml,
  programmes: Map<string, PlanAnnee['programmes'][number]>,
  graine: number,
  o: OptionsPilote,
  avance: (faites: number, ajoutees: number) => void,
): Promise<ResultatMenage> {
  const ps = programmes.get(plan.programmeId)!;
  const definition = REGISTRE[plan.typeParcours]!;
  const workflowId = `${plan.programmeId}--${plan.reference}`;
  const handle = m.client.workflow.getHandle(workflowId);
  const r: ResultatMenage = { plan, actions: [], refus: [], demarre: false, etapes: 0, enAttenteDePlace: false, horizonAtteint: false };
  const horloge: Horloge = { virtuel: Date.now(), reel: Date.now(), rattrapages: 0 };
  const jeton = ordonnanceur.inscrire(plan.arrivee, plan.typeParcours === 'iml_bail_glissant' ? plan.programmeId : '');
  let n = 0;
  const requete = () => `${plan.reference}-${++n}`;

  /** Une étape : l'horloge du parcours avancée jusqu'à son instant, les réponses, puis les messages. */
  let prevues = 1 + plan.etapes.length;
  const jouer = async (e: Etape): Promise<void> => {
    r.etapes += 1;
    avance(1, 0);
    const etat = await avancerParcours(m, workflowId, horloge, e.t);
    if (!etat) {
      if (!e.finAttendue) r.refus.push({ quoi: e.quoi, raison: 'le parcours est déjà terminé' });
      return;
    }
    if (e.reponses.length) {
      for (const x of e.reponses) {
        const demande = etat.demandes.find(
          (d) => d.statut === 'en_attente' && d.role === x.role && (x.demande === 'paiement') === d.objet.startsWith('Paiement'),
        );
        if (!demande) {
          if (!x.siPresente) r.refus.push({ quoi: e.quoi, raison: `aucune demande en attente pour ${x.role}` });
          continue;
        }
        const requestId = requete();
        try {
          await handle.executeUpdate(repondreValidationUpdate, {
            args: [
              {
                requestId,
                par: `partenaire:${x.role}`,
                demandeId: demande.id,
                role: x.role,
                decision: x.decision,
                ...(x.commentaire ? { commentaire: x.commentaire } : {}),
                ...(x.montant !== undefined ? { montant: x.montant } : {}),
              },
            ],
            updateId: requestId,
          });
        } catch (err) {
          r.refus.push({ quoi: `${e.quoi} (réponse ${x.role})`, raison: raison(err) });
        }
      }
    }
    for (const x of e.messages) {
      const message = definition.messages[x.nom];
      if (!message) throw new Error(`Message inconnu du registre pour ${plan.typeParcours} : « ${x.nom} »`);
      const requestId = requete();
      try {
        await handle.executeUpdate(message.update, {
          args: [{ ...x.corps, requestId, par: x.par === 'coordination' ? COORDINATION : plan.travailleur }],
          updateId: `${message.update.name}:${requestId}`,
        });
        if (x.action) r.actions.push({ action: x.action, t: x.faiteLe ?? e.t });
      } catch (err) {
        r.refus.push({ quoi: `${e.quoi} (${x.nom})`, raison: raison(err) });
      }
    }
  };

  try {
    // Le lancement, comme l'API : entrée construite par le registre, attributs de recherche, départ à l'arrivée.
    await jeton.prendre(plan.arrivee);
    try {
      const entree = definition.construireEntree({
        programme: structuredClone(ps.programme),
        menage: plan.menage,
        coordinateur: COORDINATION,
        travailleurSocial: plan.travailleur,
        donnees: plan.donnees,
      });
      const attributs: SearchAttributePair[] = [
        { key: SA.programme, value: plan.programmeId },
        { key: SA.typeParcours, value: plan.typeParcours },
        { key: SA.etape, value: 'orientation' },
        { key: SA.cloture, value: false },
        { key: SA.travailleurSocial, value: plan.travailleur },
      ];
      horloge.virtuel = horloge.reel = Date.now();
      await m.client.workflow.start(definition.workflowType, {
        taskQueue: m.taskQueue,
        workflowId,
        args: [entree],
        startDelay: Math.max(1000, plan.arrivee - Date.now()),
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: attributs,
      });
      // Jusqu'à dix minutes après l'arrivée, pas à l'instant même : voir `avancerParcours`.
      await sauter(m, workflowId, horloge, plan.arrivee + MARGE_DEPART - maintenant(horloge));
      // Sa première tâche faite (la mise à jour d'état initial de l'API l'attend) ; un parcours qui
      // s'est déjà clos de lui-même (situation laissée au service social du département) est fini.
      await handle.executeUpdate(etatInitialUpdate).catch((e: unknown) => {
        if (!/already completed/i.test(raison(e))) throw e;
      });
      r.demarre = true;
      avance(1, 0);
      for (const a of plan.actionsAuLancement) r.actions.push({ action: a, t: plan.arrivee });
    } finally {
      jeton.rendre();
    }

    const etapes = [...plan.etapes];
    for (let i = 0; i < etapes.length; i++) {
      const e = etapes[i]!;
      if (o.horizon !== undefined && e.t > o.horizon) {
        r.horizonAtteint = true;
        break;
      }
      await jeton.prendre(e.t);
      let place: Place | undefined;
      try {
        if (e.attendrePlace) place = await demanderPlace(e);
        else if (e.rendPlace) await files.sous(plan.programmeId, () => rendrePlace(e));
        else await jouer(e);
      } finally {
        jeton.rendre();
      }
      if (!place) continue;
      // IML : la place tout de suite, ou l'attente dans la file du programme ; la suite de la mesure part de là.
      r.enAttenteDePlace = true;
      const P = 'tout_de_suite' in place ? place.tout_de_suite : await place.attente;
      if (P === undefined) break;
      r.enAttenteDePlace = false;
      r.place = { demandeeLe: e.t, accordeeLe: P };
      const suite = planApresPlace(plan, ps.programme, ps.hypotheses, graine, P);
      etapes.push(...suite);
      prevues += suite.length;
      avance(0, suite.length);
    }
  } catch (err) {
    r.refus.push({ quoi: 'pilotage', raison: raison(err) });
  } finally {
    jeton.terminer();
  }

  /**
   * La réponse de la commission SIAO ; la mesure validée demande une place (le parcours l'envoie à
   * la file) : accordée tout de suite, ou attente jusqu'au réveil.
   */
  async function demanderPlace(e: Etape): Promise<Place | undefined> {
    return files.sous(plan.programmeId, async () => {
      await jouer(e);
      const ou = await files.attendre(plan.programmeId, (f) =>
        f.actives.some((x) => x.mesure === workflowId) ? 'active' : f.file.some((x) => x.mesure === workflowId) ? 'file' : undefined,
      );
      r.place = { demandeeLe: e.t };
      if (ou === undefined) {
        r.refus.push({ quoi: e.quoi, raison: 'la file du programme n’a jamais reçu la demande de place' });
        return undefined;
      }
      if (ou === 'active') return { tout_de_suite: maintenant(horloge) };
      files.attentes.set(workflowId, { jeton, horloge });
      return { attente: jeton.suspendre() };
    });
  }

  /**
   * La fin d'une mesure IML rend sa place : la première mesure de la file la reçoit. Son horloge est
   * d'abord avancée à cet instant, pour qu'elle reçoive sa place à la bonne date ; puis elle est
   * réveillée.
   */
  async function rendrePlace(e: Etape): Promise<void> {
    const avant = await files.etat(plan.programmeId);
    const suivante = avant?.file[0]?.mesure;
    const enAttente = suivante ? files.attentes.get(suivante) : undefined;
    if (suivante && enAttente) await avancerParcours(m, suivante, enAttente.horloge, e.t);
    await jouer(e);
    if (!suivante || !enAttente) return;
    const accordee = await files.attendre(plan.programmeId, (f) => (f.actives.some((x) => x.mesure === suivante) ? true : undefined));
    if (!accordee) {
      r.refus.push({ quoi: e.quoi, raison: `la place n’est pas passée à ${suivante}` });
      return;
    }
    files.attentes.delete(suivante);
    enAttente.jeton.reveiller(Math.max(e.t, maintenant(enAttente.horloge)));
  }

  const resultat = await finaliser();
  resultat.rattrapages = horloge.rattrapages;
  // Les étapes que ce ménage ne jouera pas sortent du compte prévu.
  avance(0, r.etapes + (r.demarre ? 1 : 0) - prevues);
  return resultat;

  async function finaliser(): Promise<ResultatMenage> {
    if (!r.demarre) return r;
    try {
      // Une minute de plus sur son horloge : ce que la dernière étape a déclenché (clôture, courriels) est fini.
      const etat = (await avancerParcours(m, workflowId, horloge, maintenant(horloge) + 60_000)) ?? (await lireEtat(handle));
      r.final = resumer(etat);
    } catch (err) {
      r.refus.push({ quoi: 'état final', raison: raison(err) });
    }
    return r;
  }
}

/** Ce que l'état d'un parcours dit à la fin : étape, issue, délais dépassés (journal et échéances). */
export function resumer(etat: EtatParcours): NonNullable<ResultatMenage['final']> {
  const libelleDe = (resume: string) => /« (.+) »/.exec(resume)?.[1] ?? resume;
  const responsable = new Map(etat.echeances.map((e) => [e.libelle, e.responsable]));
  const enRetard = etat.journal.filter((x) => x.type === 'echeance_tenue' && x.resume.endsWith('(en retard)')).map((x) => libelleDe(x.resume));
  const depassees: Depassee[] = etat.journal
    .filter((x) => x.type === 'echeance_depassee')
    .map((x) => {
      const libelle = libelleDe(x.resume);
      const i = enRetard.indexOf(libelle);
      if (i >= 0) enRetard.splice(i, 1);
      return { libelle, responsable: responsable.get(libelle) ?? 'inconnu', tenueEnRetard: i >= 0 };
    });
  const bilans = etat.details.bilans as Array<{ reprisePaiement?: string }> | undefined;
  const paiements = etat.details.paiements as { payes?: number; moisRegles?: number } | undefined;
  return {
    etape: etat.etape,
    libelleEtape: etat.libelleEtape,
    ...(etat.cloture ? { cloture: { issue: etat.cloture.issue, le: etat.cloture.le } } : {}),
    depassees,
    ...(etat.typeParcours === 'prevention_precontentieuse' && bilans?.length ? { reprisePaiement: bilans[bilans.length - 1]!.reprisePaiement } : {}),
    ...(paiements?.moisRegles ? { paiements: { payes: paiements.payes ?? 0, regles: paiements.moisRegles } } : {}),
  };
}

export { JOUR };
