/**
 * L'accord du ménage pour le partage de son diagnostic (réglage « partage du diagnostic » du
 * programme, domain/partage.ts), enregistré dans le dossier (dossiers/consentements.ts) par le
 * travailleur social affecté ou la coordination du programme ; retirable à tout moment.
 *
 * GET    /api/parcours/:id/consentement-partage   le réglage du programme, l'accord en vigueur, l'historique
 * POST   /api/parcours/:id/consentement-partage   {portee: [destinataires]} : l'accord du ménage (201)
 * DELETE /api/parcours/:id/consentement-partage   le retrait de l'accord (plus rien ne part ensuite)
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { consentementPartageSchema } from '../schemas-partage';
import {
  LIBELLES_DESTINATAIRES_DIAGNOSTIC,
  accordPartageDiagnosticUpdate,
  type ConsentementPartage,
  type DestinataireDiagnostic,
  type PartageDiagnostic,
} from '../../domain/partage';
import type { EtatParcours, Programme } from '../../domain/vocabulaire';
import { ConsentementsPartage, type EnregistrementConsentement } from '../../dossiers/consentements';
import type { Personne } from '../../personnel/annuaire';
import { personneDe, raisonRefusLecture } from '../auth';
import type { DependancesApi } from '../dependances';
import { analyser, interdit, Probleme } from '../problemes';
import { chargerParcours, executer } from './parcours';

export interface EtatPartage {
  reglage?: PartageDiagnostic;
  consentement?: ConsentementPartage;
  historique: Array<Omit<EnregistrementConsentement, 'le'> & { le: string }>;
}

/** Le programme du parcours : la version avec laquelle il a été lancé quand le catalogue la garde. */
export async function programmeDuParcours(deps: DependancesApi, etat: EtatParcours): Promise<Programme | undefined> {
  const courant = deps.catalogue.trouver(etat.programme.id);
  const versions = deps.catalogue as { version?: (id: string, version: number) => Promise<Programme | undefined> };
  if (!courant || courant.version === etat.programme.version || typeof versions.version !== 'function') return courant;
  return (await versions.version(etat.programme.id, etat.programme.version).catch(() => undefined)) ?? courant;
}

export const consentementsDe = (deps: DependancesApi) => new ConsentementsPartage(deps.base);

async function lirePartage(deps: DependancesApi, etat: EtatParcours): Promise<EtatPartage> {
  const programme = await programmeDuParcours(deps, etat);
  const historique = await consentementsDe(deps).historique(etat.workflowId);
  const c = await consentementsDe(deps).actuel(etat.workflowId);
  return {
    ...(programme?.partageDiagnostic ? { reglage: programme.partageDiagnostic } : {}),
    ...(c ? { consentement: c } : {}),
    historique: historique.map((h) => ({ ...h, le: h.le.toISOString() })),
  };
}

/**
 * Le parcours en cours apprend l'accord (ou son retrait) : il envoie le diagnostic terminé au
 * bailleur, ou annonce le retrait. Clos : rien ne part plus. L'accord est déjà dans le dossier ;
 * l'envoi le relit.
 */
async function informerParcours(deps: DependancesApi, personne: Personne, etat: EtatParcours, pour: DestinataireDiagnostic[]): Promise<void> {
  if (etat.cloture || etat.typeParcours !== 'prevention_precontentieuse') return;
  const handle = deps.client.workflow.getHandle(etat.workflowId);
  await executer(() =>
    handle.executeUpdate(accordPartageDiagnosticUpdate, { args: [{ requestId: `accord-partage-${randomUUID()}`, par: personne.id, pour }] }),
  );
}

/** Le parcours, lisible par cette personne (coordination du programme, travailleur social affecté, admin). */
async function autorise(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<EtatParcours> {
  const { etat } = await chargerParcours(deps, idBrut, { confidentiel: false });
  const refus = raisonRefusLecture(personne, etat);
  if (refus) throw interdit(refus);
  return etat;
}

export async function lireConsentementPartage(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<EtatPartage> {
  return lirePartage(deps, await autorise(deps, personne, idBrut));
}

/** Enregistre l'accord du ménage, pour des destinataires que le programme prévoit. */
export async function recueillirConsentementPartage(deps: DependancesApi, personne: Personne, idBrut: unknown, corpsBrut: unknown): Promise<EtatPartage> {
  const etat = await autorise(deps, personne, idBrut);
  const corps = analyser(consentementPartageSchema, corpsBrut);
  const programme = await programmeDuParcours(deps, etat);
  const prevus = programme?.partageDiagnostic?.destinataires ?? [];
  if (!prevus.length) throw new Probleme(409, 'Ce programme ne partage le diagnostic avec aucun partenaire : il n’y a pas d’accord à recueillir.');
  const horsProgramme = corps.portee.filter((d) => !prevus.includes(d));
  if (horsProgramme.length) {
    throw new Probleme(
      409,
      `Le programme ne prévoit pas de partager le diagnostic avec : ${horsProgramme.map((d) => LIBELLES_DESTINATAIRES_DIAGNOSTIC[d]).join(', ')}.`,
    );
  }
  await consentementsDe(deps).recueillir(etat.workflowId, [...new Set(corps.portee)], personne.id);
  await informerParcours(deps, personne, etat, [...new Set(corps.portee)]);
  deps.journal.info({ workflowId: etat.workflowId, par: personne.id, portee: corps.portee }, 'accord du ménage pour le partage du diagnostic enregistré');
  return lirePartage(deps, etat);
}

/** Enregistre le retrait de l'accord du ménage. */
export async function retirerConsentementPartage(deps: DependancesApi, personne: Personne, idBrut: unknown): Promise<EtatPartage> {
  const etat = await autorise(deps, personne, idBrut);
  const c = await consentementsDe(deps).actuel(etat.workflowId);
  if (!c || c.retireLe) throw new Probleme(409, 'Aucun accord du ménage en vigueur : il n’y a rien à retirer.');
  await consentementsDe(deps).retirer(etat.workflowId, personne.id);
  await informerParcours(deps, personne, etat, []);
  deps.journal.info({ workflowId: etat.workflowId, par: personne.id }, 'accord du ménage pour le partage du diagnostic retiré');
  return lirePartage(deps, etat);
}

export function routesPartage(deps: DependancesApi): Router {
  const r = Router();
  r.get('/api/parcours/:id/consentement-partage', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await lireConsentementPartage(deps, personneDe(req), req.params.id));
  });
  r.post('/api/parcours/:id/consentement-partage', async (req, res) => {
    res.status(201).json(await recueillirConsentementPartage(deps, personneDe(req), req.params.id, req.body));
  });
  r.delete('/api/parcours/:id/consentement-partage', async (req, res) => {
    res.json(await retirerConsentementPartage(deps, personneDe(req), req.params.id));
  });
  return r;
}
