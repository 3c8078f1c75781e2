/**
 * Les documents d'un parcours, pour le personnel qui peut lire ce parcours (mêmes règles que
 * GET /api/parcours/:id : coordination du programme, travailleur social affecté, administration).
 * Chaque document existe en HTML imprimable et en PDF (`.pdf`), au même contenu
 * (documents/ : un modèle par document, filtré selon son lecteur) :
 *
 * GET /api/parcours/:id/documents/lettre-information[.pdf] : la lettre d'information au ménage
 *     (prévention précontentieuse, dès l'étape 3), à son nom et à son adresse.
 * GET /api/parcours/:id/documents/fiche-bilan[.pdf]?jalon=P6M : la fiche-bilan de mesure IML
 *     adressée à la DDETS (non nominative) ; par défaut, celle du dernier bilan tenu.
 * GET /api/parcours/:id/documents/fiche-cloture[.pdf] : la fiche de clôture (tout parcours clôturé).
 * GET /api/parcours/:id/documents/resume-protocole[.pdf]?version=partenaires : le résumé du
 *     protocole ; `version=partenaires` donne la version adressée au bailleur et à la CCAPEX (la
 *     référence du dossier, rien de ce que le ménage a confié), `equipe` (par défaut) celle du dossier.
 *
 * 404 (problème en français) quand le document n'existe pas pour ce parcours : autre type de
 * parcours, lettre pas encore préparée, aucun bilan tenu, parcours non clôturé, protocole non signé.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { DocumentIndisponible, DOCUMENTS, genererPdf, preparerDocument, type DocumentImprimable, type Lecteur, type NomDocument } from '../../documents';
import type { EtatParcours, Programme } from '../../domain/vocabulaire';
import { personneDe, raisonRefusLecture } from '../auth';
import type { DependancesApi } from '../dependances';
import { envoyerDocument } from '../documents/gabarit';
import { contenuDocument } from '../documents/rendu';
import { html } from '../html';
import { analyser, interdit, introuvable, Probleme } from '../problemes';
import { chargerParcours, dossiersDe } from './parcours';

const FICHIER = new RegExp(`^(${DOCUMENTS.join('|')})(\\.pdf)?$`);
const requeteSchema = z.object({
  version: z.enum(['equipe', 'partenaires'], { error: 'version attendue : « equipe » ou « partenaires »' }).default('equipe'),
  jalon: z.string().regex(/^P[0-9A-Z]{1,10}$/, 'jalon attendu au format ISO 8601 (ex. P6M)').optional(),
});

export function routesDocuments(deps: DependancesApi): Router {
  const r = Router();

  /** Le parcours demandé et son état, lisible par la personne connectée (400, 403, 404). */
  async function charger(req: Request, document: string): Promise<EtatParcours> {
    const personne = personneDe(req);
    // Le dossier d'un parcours clos se lit dans le système d'enregistrement, même oublié de Temporal.
    const { etat } = await chargerParcours(deps, req.params.id);
    const refus = raisonRefusLecture(personne, etat);
    if (refus) throw interdit(refus);
    await dossiersDe(deps).noterConsultation(personne.id, etat.workflowId, `document:${document}`);
    return etat;
  }

  const nomDe = (id: string | undefined) => (id ? (deps.annuaire.trouver(id)?.nom ?? id) : undefined);

  function programmeDe(etat: EtatParcours): Programme {
    const programme = deps.catalogue.trouver(etat.programme.id);
    if (!programme) throw new Probleme(503, `Le programme « ${etat.programme.nom} » n’est plus dans le catalogue : le document ne peut pas être préparé.`);
    return programme;
  }

  function consignes(d: DocumentImprimable, nom: NomDocument, req: Request) {
    const pdf = `${nom}.pdf${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`;
    return d.genre === 'lettre'
      ? html`<p><strong>${d.titre.replace(' — ', ' au ménage — ')}.</strong></p>
<p>Imprimez ce document (Ctrl+P ou Cmd+P) et envoyez-le par courrier au ménage. Ces consignes ne sont pas imprimées. <a href="${pdf}">Version PDF</a>.</p>`
      : html`<p><strong>${d.titre}.</strong> Imprimez ce document (Ctrl+P ou Cmd+P) pour le dossier. Ces consignes ne sont pas imprimées. <a href="${pdf}">Version PDF</a>.</p>`;
  }

  async function envoyerPdf(res: Response, d: DocumentImprimable): Promise<void> {
    const pdf = await genererPdf(d);
    res
      .status(200)
      .setHeader('Cache-Control', 'no-store')
      .setHeader('X-Robots-Tag', 'noindex, nofollow')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .setHeader('Content-Disposition', `inline; filename="${d.fichier}.pdf"`)
      .type('application/pdf')
      .send(pdf);
  }

  r.get('/api/parcours/:id/documents/:fichier', async (req, res) => {
    const m = FICHIER.exec(req.params.fichier);
    if (!m) throw introuvable(`Document inconnu : « ${req.params.fichier} ». Documents : ${DOCUMENTS.join(', ')} (HTML, ou PDF avec « .pdf »).`);
    const nom = m[1] as NomDocument;
    const q = analyser(requeteSchema, req.query);
    const etat = await charger(req, nom);
    const lecteur: Lecteur = nom === 'lettre-information' ? 'menage' : q.version;
    let d: DocumentImprimable;
    try {
      d = preparerDocument(nom, { etat, programme: programmeDe(etat), contact: nomDe(etat.travailleurSocial), jalon: q.jalon }, lecteur);
    } catch (e) {
      if (e instanceof DocumentIndisponible) throw introuvable(e.message);
      throw e;
    }
    if (m[2]) return envoyerPdf(res, d);
    envoyerDocument(res, { titre: d.titre, classe: d.genre, consignes: consignes(d, nom, req), contenu: contenuDocument(d) });
  });

  return r;
}
