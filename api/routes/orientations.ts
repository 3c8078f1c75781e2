/**
 * L'orientation d'un ménage par un partenaire (issue 14, point 2).
 *
 * POST /api/organisations/:id/liens-orientation      la coordination envoie aux contacts d'une
 *      organisation un lien signé, valable 30 jours, pour une fiche d'orientation (un seul usage)
 * GET|POST /orientation/:token                        la fiche d'orientation (sans compte)
 * GET  /api/programmes/:id/orientations               les orientations reçues, leur éligibilité expliquée
 * POST /api/orientations/:id/decision                 {decision: accepter, travailleurSocial?, bailleur?}
 *      (le parcours démarre ; « orienté par » reste attaché au dossier) ou {decision: refuser, motif}
 *      (le motif est renvoyé par courriel à la personne qui a orienté)
 *
 * Le logiciel d'un partenaire (un bailleur oriente depuis son outil de gestion locative) :
 * POST|GET /api/organisations/:id/cles-api, DELETE …/cles-api/:cle   la coordination crée (montrée
 *      une fois), liste ou révoque la clé d'accès d'une organisation
 * POST /api/partenaires/orientations                  la même fiche, en JSON, avec
 *      `Authorization: Bearer <clé>` (et `Idempotency-Key` : un envoi répété ne crée rien de plus)
 * GET  /api/partenaires/orientations/:reference       où en est une orientation de cette organisation
 */
import { Router, type Request, type Response } from 'express';
import { delaisDejaEcoules, motifNonEligible } from '../../domain/prevention';
import { contactAvantOrientation } from '../../orientations/relances';
import { dateEnFrancais, jourDeParis } from '../../domain/durees';
import { lienOrientation, orientationAcceptee, orientationNonRetenue, orientationRecue } from '../../courriers/orientations';
import { LIBELLES_TYPE_ORGANISATION, type Programme, type TypeOrganisation } from '../../domain/vocabulaire';
import { ClesApi, Orientations, type Orientation } from '../../orientations/registre';
import { decisionOrientationSchema, ficheOrientationSchema, LIBELLES_SERVICES_ORIENTEURS } from '../../orientations/schema';
import type { Personne } from '../../personnel/annuaire';
import { estBailleur } from '../../personnel/organisations';
import { LecturesAnnuaire } from '../../personnel/annuaire-base';
import { champsDe, lireSaisie, rangerErreurs, rendreChamps, resumeErreurs, type Corps } from '../formulaires';
import { adresseClient, creerLimiteur, exigerRoles, personneDe, suitProgramme } from '../auth';
import type { Organisation } from '../../personnel/organisations';
import { envoyerDepuisApi } from '../courrier';
import type { DependancesApi } from '../dependances';
import { envoyerPage } from '../html';
import { html, type Brut } from '../../rendu/html';
import { analyser, interdit, introuvable, Probleme } from '../problemes';
import { idOrganisationSchema, idProgrammeSchema, workflowIdDe } from '../schemas-api';
import { cleIdempotenceSchema, idCleApiSchema, idOrientationSchema, referenceOrientationSchema } from '../schemas-orientations';
import { annuaireDe, DELAI_LANCEMENT_MS, depuisAnnuaire, lancerParcours, parcoursExiste } from './parcours';
import { FORME_JETON } from './liens';

const VALIDITE_LIEN_JOURS = 30;
const registres = new WeakMap<DependancesApi, Orientations>();
export function orientationsDe(deps: DependancesApi): Orientations {
  let r = registres.get(deps);
  if (!r) registres.set(deps, (r = new Orientations(deps.base, deps.coffre)));
  return r;
}

const signature = (p: Programme) => `${p.operateur.nom} — ${p.operateur.courriel}`;

function programmePrevention(deps: DependancesApi, id: string): Programme {
  const p = deps.catalogue.trouver(id);
  if (!p) throw introuvable(`Aucun programme « ${id} ».`);
  if (p.typeParcours !== 'prevention_precontentieuse')
    throw new Probleme(
      409,
      `Le programme « ${p.nom} » ne reçoit pas de fiches d’orientation : seuls les programmes de prévention précontentieuse en reçoivent.`,
    );
  return p;
}

/** Envoie un lien d'orientation aux contacts actifs d'une organisation. */
export async function envoyerLienOrientation(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const id = analyser(idOrganisationSchema, idBrut, 'id');
  const o = await annuaireDe(deps).trouver(id);
  if (!o) throw introuvable('Cette organisation n’existe pas dans l’annuaire.');
  if (!suitProgramme(personne, o.programmeId)) throw interdit('Cette organisation appartient à un programme qui ne fait pas partie des vôtres.');
  const programme = programmePrevention(deps, o.programmeId);
  const contacts = o.contacts.filter((c) => c.actif);
  if (!o.actif || !contacts.length) throw new Probleme(409, `« ${o.nom} » n’a aucun contact actif : ajoutez d’abord un contact dans l’annuaire.`);
  const maintenant = deps.maintenant?.() ?? new Date();
  const expireLe = new Date(maintenant.getTime() + VALIDITE_LIEN_JOURS * 86_400_000);
  const lienId = await orientationsDe(deps).creerLien(o.id, o.programmeId, personne.id, expireLe);
  const token = deps.signeur.signer(
    { workflowId: o.id, demandeId: lienId, role: estBailleur(o.type) ? 'bailleur' : 'services_sociaux', action: 'orientation' },
    expireLe,
    lienId,
  );
  const url = `${deps.options.publicBaseUrl.replace(/\/$/, '')}/orientation/${token}`;
  await envoyerDepuisApi(deps, {
    cle: `orientation-lien:${lienId}`,
    destinataire: 'organisation',
    programmeId: programme.id,
    repondreA: programme.operateur,
    a: contacts.map((c) => ({ nom: c.nom, courriel: c.courriel })),
    ...lienOrientation({ programme: programme.nom, operateur: programme.operateur.nom, expireLe }),
    lien: { libelle: 'Remplir la fiche d’orientation', url },
    signature: signature(programme),
  });
  deps.journal.info({ organisation: o.id, par: personne.id }, 'lien d’orientation envoyé');
  return { organisation: o.id, envoyeA: contacts.length, expireLe: expireLe.toISOString() };
}

export function versSortie(programme: Programme, r: Orientation, maintenant: Date) {
  // Le délai de contact court depuis la réception (le signalement du bailleur, loiret-ahu) : la
  // coordination voit jusqu'à quand l'accepter, et qu'elle ne peut plus l'être utilement.
  const signaleLe = jourDeParis(r.recueLe);
  const contact =
    programme.options.delaisDepuisSignalement && programme.delais.contact
      ? {
          contactAvant: contactAvantOrientation(programme, r.recueLe)!.toISOString(),
          delaiContactEcoule: delaisDejaEcoules(programme, { signaleLe }, maintenant).length > 0,
        }
      : {};
  return {
    id: r.id,
    reference: r.reference,
    statut: r.statut,
    recueLe: r.recueLe.toISOString(),
    organisation: { ...r.organisation, libelleType: LIBELLES_TYPE_ORGANISATION[r.organisation.type as TypeOrganisation] ?? r.organisation.type },
    orientePar: { ...r.fiche.oriente, libelleService: LIBELLES_SERVICES_ORIENTEURS[r.fiche.oriente.service] },
    menage: r.fiche.menage,
    situation: r.fiche.situation,
    // L'éligibilité au jour du signalement (« dans les 6 mois après attribution ») : une orientation
    // qui attend d'être traitée ne devient pas inéligible pour autant.
    nonEligible: motifNonEligible(programme, r.fiche.situation, programme.options.delaisDepuisSignalement ? r.recueLe : maintenant) ?? null,
    ...(r.statut === 'recue' ? contact : {}),
    ...(r.workflowId ? { workflowId: r.workflowId } : {}),
    ...(r.statut === 'acceptee' && !r.parcoursLanceLe ? { lancementEnCours: true as const } : {}),
    ...(r.motifRefus ? { motifRefus: r.motifRefus } : {}),
    ...(r.traiteePar ? { traiteePar: r.traiteePar, traiteeLe: r.traiteeLe!.toISOString() } : {}),
  };
}

export async function listerOrientations(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const id = analyser(idProgrammeSchema, idBrut, 'id');
  if (!suitProgramme(personne, id)) throw interdit('Ce programme ne fait pas partie des vôtres.');
  const programme = programmePrevention(deps, id);
  await reprendreAcceptations(deps, [id]);
  const maintenant = deps.maintenant?.() ?? new Date();
  return (await orientationsDe(deps).lister(id)).map((r) => versSortie(programme, r, maintenant));
}

/** Accepte (le parcours démarre) ou refuse (le motif part au partenaire) une orientation reçue. */
const TRAITEE_AILLEURS = 'Cette orientation vient d’être traitée par une autre personne.';

export async function deciderOrientation(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  const id = idOrientationSchema.safeParse(idBrut).data;
  let r = id ? await orientationsDe(deps).trouver(id) : undefined;
  if (!r) throw introuvable('Cette orientation n’existe pas.');
  if (!suitProgramme(personne, r.programmeId)) throw interdit('Cette orientation concerne un programme qui ne fait pas partie des vôtres.');
  // Une acceptation restée sans parcours (lancement interrompu) redevient à décider.
  if (r.statut === 'acceptee' && !r.parcoursLanceLe) {
    await reprendreAcceptations(deps, [r.programmeId]);
    r = (await orientationsDe(deps).trouver(r.id))!;
  }
  const programme = programmePrevention(deps, r.programmeId);
  if (r.statut === 'acceptee' && !r.parcoursLanceLe)
    throw new Probleme(409, 'Cette orientation vient d’être acceptée : le parcours du ménage est en cours de lancement.');
  if (r.statut !== 'recue') throw new Probleme(409, `Cette orientation a déjà été ${r.statut === 'acceptee' ? 'acceptée' : 'refusée'}.`);
  const corps = analyser(decisionOrientationSchema, corpsBrut);
  const a = [{ nom: r.fiche.oriente.nom, courriel: r.fiche.oriente.courriel }];
  if (corps.decision === 'refuser') {
    if (!(await orientationsDe(deps).traiter(r.id, personne.id, { statut: 'refusee', motif: corps.motif }))) throw new Probleme(409, TRAITEE_AILLEURS);
    await envoyerDepuisApi(deps, {
      cle: `orientation-refus:${r.id}`,
      destinataire: 'orienteur',
      programmeId: programme.id,
      repondreA: programme.operateur,
      a,
      ...orientationNonRetenue({ programme: programme.nom, reference: r.reference, recueLe: r.recueLe, motif: corps.motif, operateur: programme.operateur }),
      signature: signature(programme),
    });
  } else {
    // Le bailleur qui oriente devient le bailleur du ménage, sauf choix contraire de la coordination.
    const bailleur = corps.bailleur ?? (estBailleur(r.organisation.type) ? r.organisation.id : undefined);
    // L'acceptation se marque d'abord (un refus au même instant la trouve faite), puis le parcours se
    // lance ; s'il ne se lance pas, l'orientation redevient à décider.
    const workflowId = workflowIdDe(programme.id, r.reference);
    if (!(await orientationsDe(deps).traiter(r.id, personne.id, { statut: 'acceptee', workflowId }))) throw new Probleme(409, TRAITEE_AILLEURS);
    try {
      await lancerParcours(deps, personne, {
        programmeId: programme.id,
        menage: { ...r.fiche.menage, reference: r.reference },
        ...(corps.travailleurSocial ? { travailleurSocial: corps.travailleurSocial } : {}),
        ...(bailleur ? { bailleur } : {}),
        // Les réponses qu'un programme n'utilise pas (une fiche remplie avant qu'elles soient masquées) ne bloquent pas le lancement.
        // Les délais d'un programme qui les fait courir du signalement du bailleur partent de l'orientation reçue.
        donnees: {
          situation: sansChampsSansObjet(deps, programme, r.fiche.situation),
          ...(programme.options.delaisDepuisSignalement ? { signaleLe: jourDeParis(r.recueLe) } : {}),
        },
      });
    } catch (e) {
      // Refusé avant de démarrer (saisie, compte inconnu…) : l'orientation redevient à décider. Démarré
      // malgré l'erreur (une réponse perdue, une écriture d'après le démarrage) : l'acceptation est faite.
      // Sans réponse de Temporal : la reprise tranchera (reprendreAcceptations).
      const existe = await parcoursExiste(deps, workflowId);
      if (existe === false) await orientationsDe(deps).rendre(r.id, personne.id, workflowId);
      if (existe !== true) throw e;
      deps.journal.warn({ err: e, orientation: r.id, workflowId }, 'parcours de l’orientation lancé malgré une erreur');
    }
    await orientationsDe(deps).marquerLance(r.id, workflowId);
    await annoncerAcceptation(deps, programme, r);
  }
  return versSortie(programme, (await orientationsDe(deps).trouver(r.id))!, deps.maintenant?.() ?? new Date());
}

/** À la personne qui a orienté : l'accompagnement commence (une fois, quel que soit le nombre d'appels). */
async function annoncerAcceptation(deps: DependancesApi, programme: Programme, r: Orientation): Promise<void> {
  await envoyerDepuisApi(deps, {
    cle: `orientation-acceptee:${r.id}`,
    destinataire: 'orienteur',
    programmeId: programme.id,
    repondreA: programme.operateur,
    a: [{ nom: r.fiche.oriente.nom, courriel: r.fiche.oriente.courriel }],
    ...orientationAcceptee({ programme: programme.nom, reference: r.reference }),
    signature: signature(programme),
  });
}

/**
 * Reprend les acceptations restées en suspens (l'API arrêtée entre la marque de l'acceptation et le
 * lancement de son parcours, ou entre le lancement et sa note) : le parcours existe, le lancement est
 * noté et la personne qui a orienté avertie (une fois : la clé de son courriel) ; il n'existe pas,
 * l'orientation redevient à décider. Appelée avant de montrer les orientations, par toute API.
 */
export async function reprendreAcceptations(deps: DependancesApi, programmes: readonly string[] | 'tous'): Promise<void> {
  const registre = orientationsDe(deps);
  const avant = new Date((deps.maintenant?.() ?? new Date()).getTime() - DELAI_LANCEMENT_MS);
  for (const r of await registre.acceptationsEnSuspens(programmes, avant)) {
    const programme = deps.catalogue.trouver(r.programmeId);
    if (!programme || !r.workflowId || !r.traiteePar) continue;
    const existe = await parcoursExiste(deps, r.workflowId);
    if (existe === undefined) break; // Temporal injoignable : la prochaine lecture reprendra (une attente, pas une par orientation).
    if (existe) {
      await registre.marquerLance(r.id, r.workflowId);
      await annoncerAcceptation(deps, programme, r);
    } else {
      await registre.rendre(r.id, r.traiteePar, r.workflowId);
    }
    deps.journal.info({ orientation: r.id, parcoursLance: existe }, 'acceptation d’orientation reprise');
  }
}

/** La coordination du programme apprend l'arrivée d'une orientation (sans donnée personnelle dans le courriel). */
async function annoncerOrientation(
  deps: DependancesApi,
  programme: Programme,
  organisation: Pick<Organisation, 'nom'>,
  recue: { id: string; reference: string },
): Promise<void> {
  const coordination = await new LecturesAnnuaire(deps.base).coordinateurs(programme.id);
  await envoyerDepuisApi(deps, {
    cle: `orientation-recue:${recue.id}`,
    destinataire: 'coordination',
    programmeId: programme.id,
    a: coordination.length
      ? coordination.map((p) => ({ nom: p.nom, courriel: p.courriel }))
      : [{ nom: programme.operateur.nom, courriel: programme.operateur.courriel }],
    // Le délai de contact court dès aujourd'hui (loiret-ahu : depuis le signalement du bailleur).
    ...orientationRecue({
      organisation: organisation.nom,
      programme: programme.nom,
      reference: recue.reference,
      contactAvant: contactAvantOrientation(programme, new Date()),
    }),
    lien: { libelle: 'Voir les orientations reçues', url: `${deps.options.publicBaseUrl.replace(/\/$/, '')}/programmes/${programme.id}/orientations` },
    signature: 'La plateforme de prévention des expulsions',
  });
}

// ---- Les clés d'accès des logiciels des partenaires --------------------------------------------

const cles = new WeakMap<DependancesApi, ClesApi>();
export function clesApiDe(deps: DependancesApi): ClesApi {
  let c = cles.get(deps);
  if (!c) cles.set(deps, (c = new ClesApi(deps.base)));
  return c;
}

async function organisationPilotee(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<Organisation> {
  const id = analyser(idOrganisationSchema, idBrut, 'id');
  const o = await annuaireDe(deps).trouver(id);
  if (!o) throw introuvable('Cette organisation n’existe pas dans l’annuaire.');
  if (!suitProgramme(personne, o.programmeId)) throw interdit('Cette organisation appartient à un programme qui ne fait pas partie des vôtres.');
  return o;
}

/** Crée une clé d'accès pour le logiciel d'une organisation ; la clé n'est montrée qu'ici. */
export async function creerCleApi(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const o = await organisationPilotee(deps, personne, idBrut);
  const programme = programmePrevention(deps, o.programmeId);
  if (!o.actif) throw new Probleme(409, `« ${o.nom} » est inactive : réactivez-la avant de lui donner une clé.`);
  const { id, cle } = await clesApiDe(deps).creer(o.id, personne.id);
  deps.journal.info({ organisation: o.id, cle: id, par: personne.id }, 'clé d’accès créée');
  return {
    id,
    cle,
    organisation: o.id,
    message: `Clé créée pour le logiciel de ${o.nom} (${programme.nom}). Copiez-la maintenant et transmettez-la par un canal sûr : elle ne sera plus affichée.`,
  };
}

export async function listerClesApi(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const o = await organisationPilotee(deps, personne, idBrut);
  return (await clesApiDe(deps).lister(o.id)).map((c) => ({
    id: c.id,
    creePar: c.creePar,
    creeLe: c.creeLe.toISOString(),
    utiliseeLe: c.utiliseeLe?.toISOString() ?? null,
  }));
}

export async function revoquerCleApi(deps: DependancesApi, personne: Personne, idBrut: unknown, cleBrute: unknown): Promise<void> {
  const o = await organisationPilotee(deps, personne, idBrut);
  const id = idCleApiSchema.safeParse(cleBrute).data;
  if (!id || !(await clesApiDe(deps).revoquer(o.id, id, deps.maintenant?.() ?? new Date()))) throw introuvable('Cette clé n’existe pas ou est déjà révoquée.');
  deps.journal.info({ organisation: o.id, cle: id, par: personne.id }, 'clé d’accès révoquée');
}

/** Les routes du logiciel d'un partenaire : authentifiées par la clé de son organisation, pas par une session. */
export function routesOrientationLogiciels(deps: DependancesApi): Router {
  const r = Router();
  const maintenant = () => deps.maintenant?.() ?? new Date();
  const limiteur = creerLimiteur(deps.base, deps.coffre);

  /** L'organisation de la clé présentée ; 401 sinon, et une adresse qui se trompe trop est arrêtée (429). */
  async function organisationDeLaCle(req: Request): Promise<{ organisation: Organisation; programme: Programme }> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Sans clé, rien à deviner : 401 tout de suite, sans compter d'échec.
    if (!m) throw new Probleme(401, 'Présentez la clé d’accès de votre organisation : « Authorization: Bearer <clé> ».');
    const adresse = adresseClient(req);
    const identifiant = `cle-api:${adresse}`;
    const blocage = await limiteur.bloque(identifiant, adresse);
    if (blocage) throw new Probleme(429, 'Trop de clés refusées depuis cette adresse : réessayez plus tard.', { retryAfter: blocage.attenteS });
    const verifiee = await clesApiDe(deps).verifier(m[1]!, maintenant());
    const organisation = verifiee ? await annuaireDe(deps).trouver(verifiee.organisationId) : undefined;
    if (!organisation || !organisation.actif) {
      await limiteur.echec(identifiant, adresse);
      throw new Probleme(401, 'Clé d’accès inconnue, révoquée, ou organisation inactive : demandez une nouvelle clé à la coordination du dispositif.');
    }
    return { organisation, programme: programmePrevention(deps, organisation.programmeId) };
  }

  r.post('/api/partenaires/orientations', async (req, res) => {
    const { organisation, programme } = await organisationDeLaCle(req);
    const enTete = req.headers['idempotency-key'];
    const idempotence = enTete === undefined ? undefined : cleIdempotenceSchema.safeParse(enTete).data;
    if (enTete !== undefined && idempotence === undefined) {
      throw new Probleme(400, 'En-tête Idempotency-Key : 1 à 200 caractères visibles, sans espace.');
    }
    const fiche = analyser(ficheOrientationSchema, req.body);
    const recue = await orientationsDe(deps).recevoirDuLogiciel(organisation.id, programme.id, fiche, idempotence, maintenant());
    if (recue.nouvelle) await annoncerOrientation(deps, programme, organisation, recue);
    deps.journal.info({ organisation: organisation.id, orientation: recue.id, nouvelle: recue.nouvelle }, 'orientation reçue d’un logiciel');
    const nonEligible = motifNonEligible(programme, fiche.situation, maintenant()) ?? null;
    res.status(recue.nouvelle ? 201 : 200).json({
      reference: recue.reference,
      statut: 'recue',
      nonEligible,
      message: `Orientation transmise à la coordination de ${programme.nom} (dossier ${recue.reference}).`,
    });
  });

  r.get('/api/partenaires/orientations/:reference', async (req, res) => {
    const { organisation } = await organisationDeLaCle(req);
    const reference = String(req.params.reference);
    const o = referenceOrientationSchema.safeParse(reference).success ? await orientationsDe(deps).parReference(organisation.id, reference) : undefined;
    if (!o) throw introuvable(`Aucune orientation « ${reference} » de ${organisation.nom}.`);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      reference: o.reference,
      statut: o.statut,
      recueLe: o.recueLe.toISOString(),
      ...(o.traiteeLe ? { traiteeLe: o.traiteeLe.toISOString() } : {}),
      ...(o.motifRefus ? { motifRefus: o.motifRefus } : {}),
    });
  });
  return r;
}

// ---- La page publique de la fiche d'orientation ------------------------------------------------

function pagePublique(res: Response, status: number, titre: string, contenu: Brut): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  envoyerPage(res, status, {
    titre: `${titre} — Prévention des expulsions`,
    contenu: html`<h1>${titre}</h1>
      ${contenu}`,
    large: false,
  });
}

const CHAMPS_FICHE = champsDe(ficheOrientationSchema).filter((c) => c.nom !== 'consentement');

/** Les questions que ce programme ne pose pas (ménage isolé hors Besançon…), telles que le lancement les nomme (`donnees.situation.x`). */
function champsSansObjetDe(deps: DependancesApi, programme: Programme): Set<string> {
  const definition = deps.registre[programme.typeParcours];
  return new Set((definition?.champsSansObjet?.(programme) ?? []).map((c) => c.chemin));
}

/** La fiche d'orientation du programme : sans les questions qu'il ne pose pas. */
function champsFicheDe(deps: DependancesApi, programme: Programme) {
  const sans = champsSansObjetDe(deps, programme);
  const filtrer = (champs: typeof CHAMPS_FICHE): typeof CHAMPS_FICHE =>
    champs.filter((c) => !sans.has(c.nom)).map((c) => (c.enfants ? { ...c, enfants: filtrer(c.enfants) } : c));
  return filtrer(CHAMPS_FICHE);
}

/** La situation d'une fiche, sans les réponses aux questions que le programme ne pose pas. */
function sansChampsSansObjet<T extends object>(deps: DependancesApi, programme: Programme, situation: T): T {
  const sans = champsSansObjetDe(deps, programme);
  return Object.fromEntries(Object.entries(situation).filter(([k]) => !sans.has(`situation.${k}`))) as T;
}
const CHAMP_CONSENTEMENT = champsDe(ficheOrientationSchema).find((c) => c.nom === 'consentement')!;

export function routesOrientationPublique(deps: DependancesApi): Router {
  const r = Router();

  async function ouvrir(req: Request, res: Response) {
    const token = String(req.params.token);
    const maintenant = deps.maintenant?.() ?? new Date();
    const v = deps.signeur.verifier(token, maintenant);
    if (!v.ok || v.claims.action !== 'orientation') {
      const statut = v.ok ? 400 : v.raison === 'expire' ? 410 : FORME_JETON.test(token) ? 403 : 400;
      pagePublique(
        res,
        statut,
        'Lien non valide',
        html`<div class="erreur" role="alert" tabindex="-1" autofocus>
          <p>${v.ok ? 'Ce lien n’est pas un lien d’orientation.' : v.message}</p>
          <p>Rien n’a été enregistré. Demandez un nouveau lien à la coordination du dispositif.</p>
        </div>`,
      );
      return undefined;
    }
    const lien = await orientationsDe(deps).lien(v.claims.demandeId);
    const programme = lien ? deps.catalogue.trouver(lien.programme_id) : undefined;
    const organisation = lien ? await annuaireDe(deps).trouver(lien.organisation_id) : undefined;
    if (!lien || !programme || !organisation) {
      pagePublique(
        res,
        404,
        'Lien inconnu',
        html`<div class="erreur" role="alert" tabindex="-1" autofocus><p>Ce lien ne correspond à aucune demande d’orientation.</p></div>`,
      );
      return undefined;
    }
    if (lien.utilise_le) {
      pagePublique(
        res,
        req.method === 'POST' ? 409 : 200,
        'Orientation déjà transmise',
        html`<div class="encadre" role="status">
          <p>Une fiche d’orientation a déjà été envoyée avec ce lien, le ${dateEnFrancais(lien.utilise_le)}. Chaque lien ne sert qu’une fois.</p>
          <p>Pour orienter un autre ménage, demandez un nouveau lien à ${programme.operateur.nom} : ${programme.operateur.courriel}.</p>
        </div>`,
      );
      return undefined;
    }
    return { lienId: lien.id, programme, organisation, expireLe: v.expiresAt };
  }

  const formulaire = (
    res: Response,
    status: number,
    token: string,
    o: NonNullable<Awaited<ReturnType<typeof ouvrir>>>,
    e: { valeurs?: Corps; erreurs?: Record<string, string>; autres?: string[] } = {},
  ) =>
    pagePublique(
      res,
      status,
      `Fiche d’orientation : ${o.programme.nom}`,
      html`<p>
          ${o.organisation.nom} oriente un ménage vers ${o.programme.operateur.nom}. Ce lien sert une fois, jusqu’au ${dateEnFrancais(o.expireLe)}. Pour
          toute question : ${o.programme.operateur.nom}, <a href="mailto:${o.programme.operateur.courriel}">${o.programme.operateur.courriel}</a>.
        </p>
        ${resumeErreurs('La fiche n’a pas été envoyée :', [...(e.autres ?? []), ...(e.erreurs && Object.keys(e.erreurs).length ? ['Corrigez les champs signalés ci-dessous.'] : [])])}
        <form method="post" action="/orientation/${token}" novalidate>
          ${rendreChamps(champsFicheDe(deps, o.programme), 'orientation', { valeurs: e.valeurs, erreurs: e.erreurs })}
          ${rendreChamps([CHAMP_CONSENTEMENT], 'orientation', { valeurs: e.valeurs, erreurs: e.erreurs })}
          <div class="boutons"><button type="submit">Envoyer la fiche d’orientation</button></div>
        </form>`,
    );

  r.get('/orientation/:token', async (req, res) => {
    const o = await ouvrir(req, res);
    if (o) formulaire(res, 200, String(req.params.token), o);
  });

  r.post('/orientation/:token', async (req, res) => {
    const o = await ouvrir(req, res);
    if (!o) return;
    const saisie = (req.body ?? {}) as Corps;
    const champs = [...CHAMPS_FICHE, CHAMP_CONSENTEMENT];
    const brut = lireSaisie(champs, saisie);
    let fiche;
    try {
      fiche = analyser(ficheOrientationSchema, brut);
    } catch (e) {
      if (!(e instanceof Probleme)) throw e;
      const { parChamp, autres } = rangerErreurs(champs, e.opts.errors ?? [], saisie);
      formulaire(res, 400, String(req.params.token), o, { valeurs: saisie, erreurs: parChamp, autres });
      return;
    }
    const maintenant = deps.maintenant?.() ?? new Date();
    let recue: { id: string; reference: string };
    try {
      recue = await depuisAnnuaire(() => orientationsDe(deps).recevoir(o.lienId, fiche, maintenant));
    } catch (e) {
      if (e instanceof Probleme && e.status === 409) {
        pagePublique(
          res,
          409,
          'Orientation déjà transmise',
          html`<div class="encadre" role="status"><p>Une fiche a déjà été envoyée avec ce lien : chaque lien ne sert qu’une fois.</p></div>`,
        );
        return;
      }
      throw e;
    }
    await annoncerOrientation(deps, o.programme, o.organisation, recue);
    pagePublique(
      res,
      201,
      'Orientation transmise',
      html`<div class="succes" role="status">
        <p>Merci : la fiche du ménage est transmise à la coordination de ${o.programme.nom} (dossier ${recue.reference}).</p>
        <p>La réponse sera envoyée à ${fiche.oriente.courriel}.</p>
      </div>`,
    );
  });
  return r;
}

export function routesOrientations(deps: DependancesApi): Router {
  const r = Router();
  const pilotage = exigerRoles('coordinateur', 'admin');
  r.post('/api/organisations/:id/liens-orientation', pilotage, async (req, res) => {
    res.status(201).json(await envoyerLienOrientation(deps, personneDe(req), req.params.id));
  });
  r.post('/api/organisations/:id/cles-api', pilotage, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(await creerCleApi(deps, personneDe(req), req.params.id));
  });
  r.get('/api/organisations/:id/cles-api', pilotage, async (req, res) => {
    res.json(await listerClesApi(deps, personneDe(req), req.params.id));
  });
  r.delete('/api/organisations/:id/cles-api/:cle', pilotage, async (req, res) => {
    await revoquerCleApi(deps, personneDe(req), req.params.id, req.params.cle);
    res.status(204).end();
  });
  r.get('/api/programmes/:id/orientations', pilotage, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listerOrientations(deps, personneDe(req), req.params.id));
  });
  r.post('/api/orientations/:id/decision', pilotage, async (req, res) => {
    res.json(await deciderOrientation(deps, personneDe(req), req.params.id, req.body));
  });
  return r;
}
