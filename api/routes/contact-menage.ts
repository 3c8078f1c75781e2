/**
 * Les moyens de contact que le ménage accepte (courriel, SMS), notés dans le dossier (sms/index.ts,
 * table consentements_menage) par le travailleur social affecté ou la coordination du programme.
 * Recueillis d'abord à l'orientation (formulaire de lancement), changés ensuite ici.
 *
 * GET  /api/parcours/:id/contact-menage   ce que le ménage accepte, qui l'a noté et quand
 * POST /api/parcours/:id/contact-menage   {canal: 'sms', accorde, telephone?} : l'accord aux SMS ou son retrait
 *                                         {canal: 'courriel', accorde, courriel?} : l'adresse corrigée, ou l'accord retiré
 *
 * Les courriels au ménage : son adresse corrigée (un courriel revenu en avis de non-remise), son
 * accord donné après l'orientation avec son adresse, ou retiré ; l'activité d'envoi lit l'adresse du
 * dossier au moment d'envoyer (un parcours commencé avant n'écrit qu'au ménage qui avait accepté à
 * l'orientation : patched('courriels-menage-au-dossier')).
 */
import { smsAbandonnes, smsEnAttente, smsPrevus } from '../../base/courriels-en-attente';
import { Router } from 'express';
import type { z } from 'zod';
import type { EtatParcours, Menage } from '../../domain/vocabulaire';
import type { Personne } from '../../personnel/annuaire';
import { Consentements } from '../../sms';
import { personneDe, raisonRefusLecture } from '../auth';
import type { DependancesApi } from '../dependances';
import { retenirEnvoiAuMenage } from '../limite-envois';
import { analyser, depuisTemporal, interdit, invalide, Probleme } from '../problemes';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { contactMenageSchema, type etatContactMenageSchema } from '../schemas-contact';
import { chargerParcours, exigerWorker, idMiseAJour } from './parcours';
import { DOCUMENTS_AU_MENAGE, envoyerDocumentAuMenageUpdate, type DocumentAuMenage } from '../../domain/messages';
import { envoiDocumentAuMenageSchema } from '../../domain/schemas';
import { DocumentIndisponible, LIBELLES_DOCUMENTS, preparerDocument } from '../../documents';
import { introuvable } from '../problemes';

export type EtatContactMenage = z.output<typeof etatContactMenageSchema>;

/** « +33 6 •• •• •• 78 » : assez pour reconnaître le numéro, pas pour le recopier d'une capture d'écran. */
function masquer(t: string): string {
  // Espaces insécables : le numéro ne se coupe pas en fin de ligne.
  return (t.startsWith('+33') && t.length === 12 ? `+33 ${t[3]} •• •• •• ${t.slice(-2)}` : `${t.slice(0, 3)} •• ${t.slice(-2)}`).replace(/ /g, '\u00a0');
}

async function lire(deps: DependancesApi, etat: EtatParcours): Promise<EtatContactMenage> {
  const { workflowId } = etat;
  const [c, enAttente, nonPartis, prevus] = await Promise.all([
    new Consentements(deps.base, deps.coffre).lire(workflowId),
    smsEnAttente(deps.base, { parcours: workflowId }, deps.maintenant?.() ?? new Date()),
    smsAbandonnes(deps.base, workflowId),
    smsPrevus(deps.base, workflowId),
  ]);
  const adresse = adresseDuMenage(c, etat.detailsConfidentiels.menage as Partial<Menage> | undefined);
  const accord = (a: { accorde: boolean; par?: string; le?: Date }) => ({
    accorde: a.accorde,
    ...(a.par ? { par: a.par } : {}),
    ...(a.le ? { le: a.le.toISOString() } : {}),
  });
  return {
    courriel: accord(c.courriel),
    sms: accord(c.sms),
    courrier: accord(c.courrier),
    ...(adresse ? { adresseCourriel: adresse } : {}),
    ...(c.telephone ? { telephone: masquer(c.telephone) } : {}),
    ...(enAttente.nombre && enAttente.depuis ? { smsEnAttente: { nombre: enAttente.nombre, depuis: enAttente.depuis.toISOString() } } : {}),
    ...(nonPartis.nombre && nonPartis.dernier ? { smsNonPartis: { nombre: nonPartis.nombre, dernier: nonPartis.dernier.toISOString() } } : {}),
    // Un SMS qui attend 8 h ne partira qu'avec l'accord du ménage : l'accord retiré, il n'attend plus rien.
    ...(prevus.nombre && prevus.le && c.sms.accorde ? { smsPrevus: { nombre: prevus.nombre, le: prevus.le.toISOString() } } : {}),
  };
}

async function autorise(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<EtatParcours> {
  const { etat } = await chargerParcours(deps, idBrut);
  const refus = raisonRefusLecture(personne, etat);
  if (refus) throw interdit(refus);
  return etat;
}

export async function lireContactMenage(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<EtatContactMenage> {
  return lire(deps, await autorise(deps, personne, idBrut));
}

/** Note l'accord (ou le refus) du ménage pour un moyen de contact. */
export async function enregistrerContactMenage(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown): Promise<EtatContactMenage> {
  const etat = await autorise(deps, personne, idBrut);
  const corps = analyser(contactMenageSchema, corpsBrut);
  if (etat.cloture) throw new Probleme(409, 'Le parcours est clôturé : plus aucun message ne part au ménage.');
  const menage = etat.detailsConfidentiels.menage as Partial<Menage> | undefined;
  const consentements = new Consentements(deps.base, deps.coffre);
  if (corps.canal === 'courriel') {
    if (corps.accorde && !corps.courriel) throw invalide('courriel', 'pour recevoir des courriels, le ménage doit donner une adresse électronique');
    await consentements.enregistrer(
      etat.workflowId,
      { canal: 'courriel', accorde: corps.accorde, ...(corps.accorde ? { courriel: corps.courriel } : {}) },
      personne.id,
    );
  } else {
    if (corps.accorde && !corps.telephone)
      throw invalide('telephone', 'pour recevoir des SMS, le ménage doit donner un numéro de portable (par exemple 06 12 34 56 78)');
    await consentements.enregistrer(
      etat.workflowId,
      { canal: 'sms', accorde: corps.accorde, ...(corps.accorde ? { telephone: corps.telephone } : {}) },
      personne.id,
    );
    // Le SMS double les courriels adressés au ménage : son adresse acceptée à l'orientation est notée avec.
    const c = await consentements.lire(etat.workflowId);
    if (corps.accorde && !c.courriel.le && menage?.accepteCourriel && menage.courriel) {
      await consentements.enregistrer(etat.workflowId, { canal: 'courriel', accorde: true, courriel: menage.courriel }, personne.id);
    }
  }
  deps.journal.info({ workflowId: etat.workflowId, par: personne.id, canal: corps.canal, accorde: corps.accorde }, 'moyen de contact du ménage noté');
  return lire(deps, etat);
}

/**
 * L'adresse où part un courriel au ménage aujourd'hui : celle de son dossier (accord noté), sinon
 * celle de l'orientation s'il y avait accepté les courriels (parcours lancé avant que le dossier note
 * les accords) ; rien s'il ne les accepte pas ou plus.
 */
function adresseDuMenage(c: Awaited<ReturnType<Consentements['lire']>>, menage: Partial<Menage> | undefined): string | undefined {
  if (c.courriel.le) return c.courriel.accorde ? c.adresseCourriel : undefined;
  return menage?.accepteCourriel ? menage.courriel : undefined;
}

/**
 * Envoie au ménage, par courriel, un document qui lui est destiné (la lettre d'information revenue,
 * une adresse donnée depuis l'orientation…) : le parcours répond aussitôt, le courriel part ensuite à
 * l'adresse du dossier et son journal le dit. Refusé (409, rien ne part) sans adresse acceptée, pour
 * un document pas encore prêt, ou un parcours clôturé ; 429 au-delà de quelques envois par jour.
 */
export async function envoyerDocumentAuMenage(
  deps: DependancesApi,
  personne: Personne,
  idBrut: unknown,
  documentBrut: unknown,
  corpsBrut: unknown,
): Promise<{ envoi: 'en_cours'; document: DocumentAuMenage; a: string }> {
  const { etat, handle } = await chargerParcours(deps, idBrut);
  const refus = raisonRefusLecture(personne, etat);
  if (refus) throw interdit(refus);
  if (typeof documentBrut !== 'string' || !Object.hasOwn(DOCUMENTS_AU_MENAGE, documentBrut))
    throw introuvable(`Ce document ne s’envoie pas au ménage : « ${String(documentBrut)} ». Documents : ${Object.keys(DOCUMENTS_AU_MENAGE).join(', ')}.`);
  const document = documentBrut as DocumentAuMenage;
  const corps = analyser(envoiDocumentAuMenageSchema, corpsBrut);
  if (etat.cloture) throw new Probleme(409, 'Le parcours est clôturé : plus aucun courriel ne part au ménage.');
  const a = adresseDuMenage(await new Consentements(deps.base, deps.coffre).lire(etat.workflowId), etat.detailsConfidentiels.menage as Partial<Menage>);
  if (!a)
    throw new Probleme(
      409,
      'Le ménage n’a pas d’adresse électronique notée, ou n’accepte pas les courriels : notez son accord et son adresse dans « Joindre le ménage », ou remettez-lui le document.',
    );
  // Le document est-il prêt (un plan d'aide pas encore écrit…) ? Vérifié comme sa page le prépare.
  const programme = deps.catalogue.trouver(etat.programme.id);
  try {
    if (programme) preparerDocument(document, { etat, programme }, 'menage');
  } catch (e) {
    if (e instanceof DocumentIndisponible) throw new Probleme(409, `${LIBELLES_DOCUMENTS[document]} : ${e.message}`);
    throw e;
  }
  await exigerWorker(deps);
  // Quelques envois par dossier et par jour (api/limite-envois.ts) ; rendu si le parcours le refuse.
  const envoi = await retenirEnvoiAuMenage(deps, etat.workflowId, corps.requestId);
  const m = { requestId: corps.requestId, par: personne.id, document };
  try {
    await handle.executeUpdate(envoyerDocumentAuMenageUpdate, { args: [m], updateId: idMiseAJour(envoyerDocumentAuMenageUpdate.name, m) });
  } catch (e) {
    // Refusé par le parcours, ou parcours introuvable : rien n'est parti, l'envoi est rendu. Une réponse
    // perdue (délai dépassé) a peut-être envoyé : il reste compté (la même requête rejouée ne l'est pas deux fois).
    if (e instanceof WorkflowUpdateFailedError || e instanceof WorkflowNotFoundError) await envoi.rendre();
    throw depuisTemporal(e) ?? e;
  }
  deps.journal.info({ workflowId: etat.workflowId, par: personne.id, document }, 'document envoyé au ménage');
  return { envoi: 'en_cours', document, a };
}

export function routesContactMenage(deps: DependancesApi): Router {
  const r = Router();
  r.get('/api/parcours/:id/contact-menage', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await lireContactMenage(deps, personneDe(req), req.params.id));
  });
  r.post('/api/parcours/:id/contact-menage', async (req, res) => {
    res.status(201).json(await enregistrerContactMenage(deps, personneDe(req), req.params.id, req.body));
  });
  r.post('/api/parcours/:id/documents/:document/envoi-menage', async (req, res) => {
    res.status(202).json(await envoyerDocumentAuMenage(deps, personneDe(req), req.params.id, req.params.document, req.body));
  });
  return r;
}
