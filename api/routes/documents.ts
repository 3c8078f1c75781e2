/**
 * Les documents imprimables d'un parcours, pour le personnel qui peut lire ce parcours (mêmes
 * règles que GET /api/parcours/:id) :
 *
 * GET /api/parcours/:id/documents/lettre-information : la lettre d'information au ménage
 *     (prévention précontentieuse, dès l'étape 3), adressée au ménage par son nom et son adresse,
 *     imprimée par l'opérateur et envoyée par courrier.
 * GET /api/parcours/:id/documents/fiche-cloture : la fiche de clôture (parcours clôturé).
 *
 * 404 (problème en français) quand le document n'existe pas pour ce parcours : autre type de
 * parcours, lettre pas encore préparée, parcours non clôturé.
 */
import { Router, type Request } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import type { EtatParcours, Programme } from '../../domain/vocabulaire';
import { personneDe, raisonRefusLecture } from '../auth';
import type { DependancesApi } from '../dependances';
import { contenuFicheCloture, lireFicheCloture } from '../documents/fiche-cloture';
import { envoyerDocument } from '../documents/gabarit';
import { contenuLettreInformation } from '../documents/lettre-information';
import { html } from '../html';
import { analyser, depuisTemporal, interdit, introuvable, Probleme } from '../problemes';
import { workflowIdSchema } from '../schemas-api';
import { lireEtat } from './parcours';

const TYPE_PREVENTION = 'prevention_precontentieuse';

const menageLettreSchema = z.object({ nom: z.string().min(1), adresse: z.string().min(1) });

export function routesDocuments(deps: DependancesApi): Router {
  const r = Router();

  /** Le parcours demandé et son état, lisible par la personne connectée (400, 403, 404). */
  async function charger(req: Request): Promise<EtatParcours> {
    const personne = personneDe(req);
    const workflowId = analyser(workflowIdSchema, req.params.id, 'id');
    let etat: EtatParcours;
    try {
      etat = await lireEtat(deps.client.workflow.getHandle(workflowId));
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw introuvable(`Aucun parcours « ${workflowId} ».`);
      throw depuisTemporal(e) ?? e;
    }
    const refus = raisonRefusLecture(personne, etat);
    if (refus) throw interdit(refus);
    return etat;
  }

  const nomDe = (id: string | undefined) => (id ? (deps.annuaire.trouver(id)?.nom ?? id) : undefined);

  function programmeDe(etat: EtatParcours): Programme {
    const programme = deps.catalogue.trouver(etat.programme.id);
    if (!programme) throw new Probleme(503, `Le programme « ${etat.programme.nom} » n’est plus dans le catalogue : le document ne peut pas être préparé.`);
    return programme;
  }

  r.get('/api/parcours/:id/documents/lettre-information', async (req, res) => {
    const etat = await charger(req);
    if (etat.typeParcours !== TYPE_PREVENTION) throw introuvable('Ce parcours n’a pas de lettre d’information au ménage.');
    const lettre = etat.details.lettreInformation as { le?: unknown } | undefined;
    if (!lettre || typeof lettre.le !== 'string') {
      throw introuvable(
        etat.cloture
          ? 'Aucune lettre d’information n’a été préparée pour ce parcours (clôturé avant l’information du ménage).'
          : 'La lettre d’information n’est pas encore prête : elle est préparée après l’orientation (et le comité de suivi, s’il y en a un).',
      );
    }
    const menage = menageLettreSchema.safeParse(etat.detailsConfidentiels.menage);
    if (!menage.success) throw introuvable('Les coordonnées du ménage sont introuvables dans ce parcours.');
    envoyerDocument(res, {
      titre: `Lettre d’information — dossier ${etat.reference}`,
      classe: 'lettre',
      consignes: html`<p><strong>Lettre d’information au ménage — dossier ${etat.reference}.</strong></p>
<p>Imprimez ce document (Ctrl+P ou Cmd+P) et envoyez-le par courrier au ménage. Ces consignes ne sont pas imprimées.</p>`,
      contenu: contenuLettreInformation({ programme: programmeDe(etat), menage: menage.data, reference: etat.reference, le: lettre.le, contact: nomDe(etat.travailleurSocial) }),
    });
  });

  r.get('/api/parcours/:id/documents/fiche-cloture', async (req, res) => {
    const etat = await charger(req);
    if (etat.typeParcours !== TYPE_PREVENTION) throw introuvable('La fiche de clôture n’est pas (encore) disponible pour ce type de parcours.');
    const fiche = lireFicheCloture(etat);
    if (!etat.cloture || !fiche) throw introuvable('Ce parcours n’est pas clôturé : la fiche de clôture n’existe pas encore.');
    envoyerDocument(res, {
      titre: `Fiche de clôture — dossier ${etat.reference}`,
      classe: 'fiche',
      consignes: html`<p><strong>Fiche de clôture — dossier ${etat.reference}.</strong> Imprimez ce document (Ctrl+P ou Cmd+P) pour le dossier. Ces consignes ne sont pas imprimées.</p>`,
      contenu: contenuFicheCloture(etat, fiche, nomDe(etat.travailleurSocial)),
    });
  });

  return r;
}
