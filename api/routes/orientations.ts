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
 */
import { Router, type Request, type Response } from 'express';
import { motifNonEligible } from '../../domain/prevention';
import { LIBELLES_TYPE_ORGANISATION, type Programme, type TypeOrganisation } from '../../domain/vocabulaire';
import { Orientations, type Orientation } from '../../orientations/registre';
import { decisionOrientationSchema, ficheOrientationSchema, LIBELLES_SERVICES_ORIENTEURS } from '../../orientations/schema';
import type { Personne } from '../../personnel/annuaire';
import { estBailleur } from '../../personnel/organisations';
import { LecturesAnnuaire } from '../../personnel/annuaire-base';
import { champsDe, lireSaisie, rangerErreurs, rendreChamps, resumeErreurs, type Corps } from '../../web/formulaires';
import { exigerRoles, personneDe, suitProgramme } from '../auth';
import { envoyerDepuisApi } from '../courrier';
import type { DependancesApi } from '../dependances';
import { envoyerPage, html, type Brut } from '../html';
import { analyser, interdit, introuvable, Probleme } from '../problemes';
import { idOrganisationSchema, idProgrammeSchema } from '../schemas-api';
import { annuaireDe, depuisAnnuaire, lancerParcours } from './parcours';
import { FORME_JETON } from './liens';

const VALIDITE_LIEN_JOURS = 30;
const registres = new WeakMap<DependancesApi, Orientations>();
export function orientationsDe(deps: DependancesApi): Orientations {
  let r = registres.get(deps);
  if (!r) registres.set(deps, (r = new Orientations(deps.base, deps.coffre)));
  return r;
}

const dateLongue = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
const signature = (p: Programme) => `${p.operateur.nom} — ${p.operateur.courriel}`;

function programmePrevention(deps: DependancesApi, id: string): Programme {
  const p = deps.catalogue.trouver(id);
  if (!p) throw introuvable(`Aucun programme « ${id} ».`);
  if (p.typeParcours !== 'prevention_precontentieuse') throw new Probleme(409, `Le programme « ${p.nom} » ne reçoit pas de fiches d’orientation : seuls les programmes de prévention précontentieuse en reçoivent.`);
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
  const token = deps.signeur.signer({ workflowId: o.id, demandeId: lienId, role: estBailleur(o.type) ? 'bailleur' : 'services_sociaux', action: 'orientation' }, expireLe, lienId);
  const url = `${deps.options.publicBaseUrl.replace(/\/$/, '')}/orientation/${token}`;
  await envoyerDepuisApi(deps, {
    cle: `orientation-lien:${lienId}`,
    a: contacts.map((c) => ({ nom: c.nom, courriel: c.courriel })),
    sujet: `${programme.nom} : orienter un ménage`,
    paragraphes: [
      `Vous pouvez orienter vers ${programme.operateur.nom} un ménage locataire en difficulté de paiement, avec son accord.`,
      `Le lien ci-dessous ouvre la fiche d’orientation ; il sert une fois et reste valable jusqu’au ${dateLongue.format(expireLe)}. La coordination vous répondra à l’adresse que vous indiquerez.`,
    ],
    lien: { libelle: 'Remplir la fiche d’orientation', url },
    signature: signature(programme),
  });
  deps.journal.info({ organisation: o.id, par: personne.id }, 'lien d’orientation envoyé');
  return { organisation: o.id, envoyeA: contacts.length, expireLe: expireLe.toISOString() };
}

export function versSortie(programme: Programme, r: Orientation, maintenant: Date) {
  return {
    id: r.id,
    reference: r.reference,
    statut: r.statut,
    recueLe: r.recueLe.toISOString(),
    organisation: { ...r.organisation, libelleType: LIBELLES_TYPE_ORGANISATION[r.organisation.type as TypeOrganisation] ?? r.organisation.type },
    orientePar: { ...r.fiche.oriente, libelleService: LIBELLES_SERVICES_ORIENTEURS[r.fiche.oriente.service] },
    menage: r.fiche.menage,
    situation: r.fiche.situation,
    nonEligible: motifNonEligible(programme, r.fiche.situation, maintenant) ?? null,
    ...(r.workflowId ? { workflowId: r.workflowId } : {}),
    ...(r.motifRefus ? { motifRefus: r.motifRefus } : {}),
    ...(r.traiteePar ? { traiteePar: r.traiteePar, traiteeLe: r.traiteeLe!.toISOString() } : {}),
  };
}

export async function listerOrientations(deps: DependancesApi, personne: Personne, idBrut: unknown) {
  const id = analyser(idProgrammeSchema, idBrut, 'id');
  if (!suitProgramme(personne, id)) throw interdit('Ce programme ne fait pas partie des vôtres.');
  const programme = programmePrevention(deps, id);
  const maintenant = deps.maintenant?.() ?? new Date();
  return (await orientationsDe(deps).lister(id)).map((r) => versSortie(programme, r, maintenant));
}

/** Accepte (le parcours démarre) ou refuse (le motif part au partenaire) une orientation reçue. */
export async function deciderOrientation(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown) {
  const id = typeof idBrut === 'string' && /^[0-9a-f-]{36}$/.test(idBrut) ? idBrut : undefined;
  const r = id ? await orientationsDe(deps).trouver(id) : undefined;
  if (!r) throw introuvable('Cette orientation n’existe pas.');
  if (!suitProgramme(personne, r.programmeId)) throw interdit('Cette orientation concerne un programme qui ne fait pas partie des vôtres.');
  const programme = programmePrevention(deps, r.programmeId);
  if (r.statut !== 'recue') throw new Probleme(409, `Cette orientation a déjà été ${r.statut === 'acceptee' ? 'acceptée' : 'refusée'}.`);
  const corps = analyser(decisionOrientationSchema, corpsBrut);
  const a = [{ nom: r.fiche.oriente.nom, courriel: r.fiche.oriente.courriel }];
  if (corps.decision === 'refuser') {
    if (!(await orientationsDe(deps).traiter(r.id, personne.id, { statut: 'refusee', motif: corps.motif }))) throw new Probleme(409, 'Cette orientation vient d’être traitée par une autre personne.');
    await envoyerDepuisApi(deps, {
      cle: `orientation-refus:${r.id}`,
      a,
      sujet: `Orientation non retenue (dossier ${r.reference})`,
      paragraphes: [
        `Votre orientation du ${dateLongue.format(r.recueLe)} vers ${programme.nom} (dossier ${r.reference}) n’a pas été retenue.`,
        `Motif : ${corps.motif}`,
        `Pour en parler, écrivez à ${programme.operateur.nom} : ${programme.operateur.courriel}.`,
      ],
      signature: signature(programme),
    });
  } else {
    // Le bailleur qui oriente devient le bailleur du ménage, sauf choix contraire de la coordination.
    const bailleur = corps.bailleur ?? (estBailleur(r.organisation.type) ? r.organisation.id : undefined);
    const lance = await lancerParcours(deps, personne, {
      programmeId: programme.id,
      menage: { ...r.fiche.menage, reference: r.reference },
      ...(corps.travailleurSocial ? { travailleurSocial: corps.travailleurSocial } : {}),
      ...(bailleur ? { bailleur } : {}),
      donnees: { situation: r.fiche.situation },
    });
    await orientationsDe(deps).traiter(r.id, personne.id, { statut: 'acceptee', workflowId: lance.workflowId });
    await envoyerDepuisApi(deps, {
      cle: `orientation-acceptee:${r.id}`,
      a,
      sujet: `Orientation acceptée (dossier ${r.reference})`,
      paragraphes: [
        `Votre orientation vers ${programme.nom} est acceptée : l’accompagnement du ménage commence (dossier ${r.reference}, à rappeler dans vos échanges).`,
        'Vous serez informé des étapes qui vous concernent.',
      ],
      signature: signature(programme),
    });
  }
  return versSortie(programme, (await orientationsDe(deps).trouver(r.id))!, deps.maintenant?.() ?? new Date());
}

// ---- La page publique de la fiche d'orientation ------------------------------------------------

function pagePublique(res: Response, status: number, titre: string, contenu: Brut): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  envoyerPage(res, status, { titre: `${titre} — Prévention des expulsions`, contenu: html`<h1>${titre}</h1>${contenu}`, large: false });
}

const CHAMPS_FICHE = champsDe(ficheOrientationSchema).filter((c) => c.nom !== 'consentement');
const CHAMP_CONSENTEMENT = champsDe(ficheOrientationSchema).find((c) => c.nom === 'consentement')!;

export function routesOrientationPublique(deps: DependancesApi): Router {
  const r = Router();

  async function ouvrir(req: Request, res: Response) {
    const token = String(req.params.token);
    const maintenant = deps.maintenant?.() ?? new Date();
    const v = deps.signeur.verifier(token, maintenant);
    if (!v.ok || v.claims.action !== 'orientation') {
      const statut = v.ok ? 400 : v.raison === 'expire' ? 410 : FORME_JETON.test(token) ? 403 : 400;
      pagePublique(res, statut, 'Lien non valide', html`<div class="erreur" role="alert"><p>${v.ok ? 'Ce lien n’est pas un lien d’orientation.' : v.message}</p><p>Rien n’a été enregistré. Demandez un nouveau lien à la coordination du dispositif.</p></div>`);
      return undefined;
    }
    const lien = await orientationsDe(deps).lien(v.claims.demandeId);
    const programme = lien ? deps.catalogue.trouver(lien.programme_id) : undefined;
    const organisation = lien ? await annuaireDe(deps).trouver(lien.organisation_id) : undefined;
    if (!lien || !programme || !organisation) {
      pagePublique(res, 404, 'Lien inconnu', html`<div class="erreur" role="alert"><p>Ce lien ne correspond à aucune demande d’orientation.</p></div>`);
      return undefined;
    }
    if (lien.utilise_le) {
      pagePublique(
        res,
        req.method === 'POST' ? 409 : 200,
        'Orientation déjà transmise',
        html`<div class="encadre" role="status"><p>Une fiche d’orientation a déjà été envoyée avec ce lien, le ${dateLongue.format(lien.utilise_le)}. Chaque lien ne sert qu’une fois.</p><p>Pour orienter un autre ménage, demandez un nouveau lien à ${programme.operateur.nom} : ${programme.operateur.courriel}.</p></div>`,
      );
      return undefined;
    }
    return { lienId: lien.id, programme, organisation, expireLe: v.expiresAt };
  }

  const formulaire = (res: Response, status: number, token: string, o: NonNullable<Awaited<ReturnType<typeof ouvrir>>>, e: { valeurs?: Corps; erreurs?: Record<string, string>; autres?: string[] } = {}) =>
    pagePublique(
      res,
      status,
      `Fiche d’orientation : ${o.programme.nom}`,
      html`<p>${o.organisation.nom} oriente un ménage vers ${o.programme.operateur.nom}. Ce lien sert une fois, jusqu’au ${dateLongue.format(o.expireLe)}. Pour toute question : ${o.programme.operateur.nom}, <a href="mailto:${o.programme.operateur.courriel}">${o.programme.operateur.courriel}</a>.</p>
${resumeErreurs('La fiche n’a pas été envoyée :', [...(e.autres ?? []), ...(e.erreurs && Object.keys(e.erreurs).length ? ['Corrigez les champs signalés ci-dessous.'] : [])])}
<form method="post" action="/orientation/${token}" novalidate>
${rendreChamps(CHAMPS_FICHE, 'orientation', { valeurs: e.valeurs, erreurs: e.erreurs })}
${rendreChamps([CHAMP_CONSENTEMENT], 'orientation', { valeurs: e.valeurs, erreurs: e.erreurs })}
<div class="boutons"><button type="submit">Envoyer la fiche d’orientation</button></div></form>`,
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
        pagePublique(res, 409, 'Orientation déjà transmise', html`<div class="encadre" role="status"><p>Une fiche a déjà été envoyée avec ce lien : chaque lien ne sert qu’une fois.</p></div>`);
        return;
      }
      throw e;
    }
    // La coordination du programme apprend l'arrivée d'une orientation (sans donnée personnelle dans le courriel).
    const coordination = await new LecturesAnnuaire(deps.base).coordinateurs(o.programme.id);
    await envoyerDepuisApi(deps, {
      cle: `orientation-recue:${recue.id}`,
      a: coordination.length ? coordination.map((p) => ({ nom: p.nom, courriel: p.courriel })) : [{ nom: o.programme.operateur.nom, courriel: o.programme.operateur.courriel }],
      sujet: `Nouvelle orientation reçue de ${o.organisation.nom} (dossier ${recue.reference})`,
      paragraphes: [`${o.organisation.nom} a orienté un ménage vers ${o.programme.nom}. Sa fiche vous attend dans la liste des orientations reçues, avec l’éligibilité déjà vérifiée.`],
      lien: { libelle: 'Voir les orientations reçues', url: `${deps.options.publicBaseUrl.replace(/\/$/, '')}/programmes/${o.programme.id}/orientations` },
      signature: 'La plateforme de prévention des expulsions',
    });
    pagePublique(
      res,
      201,
      'Orientation transmise',
      html`<div class="succes" role="status"><p>Merci : la fiche du ménage est transmise à la coordination de ${o.programme.nom} (dossier ${recue.reference}).</p><p>La réponse sera envoyée à ${fiche.oriente.courriel}.</p></div>`,
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
  r.get('/api/programmes/:id/orientations', pilotage, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listerOrientations(deps, personneDe(req), req.params.id));
  });
  r.post('/api/orientations/:id/decision', pilotage, async (req, res) => {
    res.json(await deciderOrientation(deps, personneDe(req), req.params.id, req.body));
  });
  return r;
}
