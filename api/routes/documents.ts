/**
 * Les documents d'un parcours, pour le personnel qui peut lire ce parcours (mêmes règles que
 * GET /api/parcours/:id : coordination du programme, travailleur social affecté, administration).
 * Chaque document existe en HTML imprimable et en PDF (`.pdf`), au même contenu
 * (documents/ : un modèle par document, filtré selon son lecteur) :
 *
 * GET /api/parcours/:id/documents/lettre-information[.pdf] : la lettre d'information au ménage
 *     (prévention précontentieuse, dès l'étape 3), à son nom et à son adresse.
 * GET /api/parcours/:id/documents/fiche-orientation[.pdf] : la fiche d'orientation (prévention) :
 *     celle du partenaire qui a orienté le ménage, sinon ce que le parcours a retenu à son ouverture.
 * GET /api/parcours/:id/documents/fiche-suivi-social[.pdf]?version=partenaires : la fiche de suivi
 *     social (prévention, dès le premier contact) ; `equipe` (par défaut) avec le diagnostic et le
 *     carnet de route, `partenaires` pour le référent du bailleur (sans rien de confidentiel) ;
 *     `&destinataire=conseillere_sociale_bailleur|recouvrement_bailleur` : le diagnostic et le carnet
 *     de route y figurent si le programme les partage avec ce destinataire et que le ménage l'a accepté.
 * GET /api/parcours/:id/documents/plan-aide[.pdf] : le plan d'aide à signer avec le ménage.
 * GET /api/parcours/:id/documents/carnet-de-route[.pdf] : le carnet de route du ménage (ses
 *     démarches et ses rendez-vous), dès la fin du diagnostic.
 * GET /api/parcours/:id/documents/livret-iml[.pdf] : le livret du ménage sur l'intermédiation
 *     locative et le bail glissant (parcours IML).
 * GET /api/parcours/:id/documents/fiche-bilan[.pdf]?jalon=P6M : la fiche-bilan de mesure IML
 *     adressée à la DDETS (non nominative) ; par défaut, celle du dernier bilan tenu.
 * GET /api/parcours/:id/documents/fiche-cloture[.pdf] : la fiche de clôture (tout parcours clôturé).
 * GET /api/parcours/:id/documents/resume-protocole[.pdf]?version=partenaires : le résumé du
 *     protocole ; `version=partenaires` donne la version adressée au bailleur et à la CCAPEX (la
 *     référence du dossier, rien de ce que le ménage a confié), `menage` celle que l'occupant garde
 *     (ses engagements, ses paiements, qui joindre), `equipe` (par défaut) celle du dossier.
 *
 * Sans `version`, chaque document est préparé pour son lecteur habituel (le ménage pour ce qui lui
 * est remis, l'équipe pour le reste) ; chaque page porte les coordonnées de l'opérateur.
 *
 * 404 (problème en français) quand le document n'existe pas pour ce parcours : autre type de
 * parcours, lettre pas encore préparée, aucun bilan tenu, parcours non clôturé, protocole non signé,
 * version qui n'existe pas pour ce document.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  DocumentIndisponible,
  DOCUMENTS,
  genererPdf,
  LECTEUR_PAR_DEFAUT,
  preparerDocument,
  type DocumentImprimable,
  type Lecteur,
  type NomDocument,
  type OrientationRecue,
} from '../../documents';
import { LIBELLES_TYPE_ORGANISATION, type EtatParcours, type Programme, type TypeOrganisation } from '../../domain/vocabulaire';
import { LIBELLES_SERVICES_ORIENTEURS } from '../../orientations/schema';
import { DESTINATAIRES_DIAGNOSTIC, LIBELLES_DESTINATAIRES_DIAGNOSTIC, type DestinataireDiagnostic } from '../../domain/partage';
import { ConsentementsPartage } from '../../dossiers/consentements';
import { recoitDiagnostic } from '../visibilite';
import { personneDe, raisonRefusLecture } from '../auth';
import type { DependancesApi } from '../dependances';
import { envoyerDocument } from '../documents/gabarit';
import { contenuDocument } from '../documents/rendu';
import { html } from '../../rendu/html';
import { analyser, interdit, introuvable, Probleme } from '../problemes';
import { orientationsDe } from './orientations';
import { chargerParcours, dossiersDe } from './parcours';

const FICHIER = new RegExp(`^(${DOCUMENTS.join('|')})(\\.pdf)?$`);
/** La requête d'un document (les paramètres que chaque document lit, dans le document OpenAPI). */
export const requeteDocumentSchema = z.object({
  version: z.enum(['equipe', 'partenaires', 'menage'], { error: 'version attendue : « equipe », « partenaires » ou « menage »' }).optional().meta({
    description:
      '« partenaires » : la version adressée au bailleur et à la CCAPEX (la référence du dossier, rien de ce que le ménage a confié) ; « menage » : celle que le ménage garde (résumé du protocole, et les documents qui lui sont remis) ; « equipe » : celle du dossier. Par défaut, le lecteur habituel du document.',
  }),
  /** Version des partenaires : pour qui, chez le bailleur (le diagnostic y figure si le programme et le ménage le permettent). */
  destinataire: z
    .enum(DESTINATAIRES_DIAGNOSTIC, { error: `destinataire attendu : ${DESTINATAIRES_DIAGNOSTIC.join(' ou ')}` })
    .optional()
    .meta({
      description:
        'Avec « version=partenaires » : pour qui, chez le bailleur. Le diagnostic et le carnet de route y figurent si le programme les partage avec ce destinataire et que le ménage l’a accepté (Déclic) ; jamais sinon.',
    }),
  jalon: z
    .string()
    .regex(/^P[0-9A-Z]{1,10}$/, 'jalon attendu au format ISO 8601 (ex. P6M)')
    .optional()
    .meta({ description: 'Le jalon du bilan (ISO 8601, ex. P6M) ; par défaut le dernier bilan tenu.', example: 'P6M' }),
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

  /**
   * Le programme du parcours : ses délais et jalons sont ceux de la version avec laquelle il a été
   * lancé (quand le catalogue garde les versions), les coordonnées de l'opérateur les plus récentes.
   */
  async function programmeDe(etat: EtatParcours): Promise<Programme> {
    const programme = deps.catalogue.trouver(etat.programme.id);
    if (!programme) throw new Probleme(503, `Le programme « ${etat.programme.nom} » n’est plus dans le catalogue : le document ne peut pas être préparé.`);
    const versions = deps.catalogue as { version?: (id: string, version: number) => Promise<Programme | undefined> };
    if (programme.version === etat.programme.version || typeof versions.version !== 'function') return programme;
    const duParcours = await versions.version(etat.programme.id, etat.programme.version).catch(() => undefined);
    return duParcours ? { ...duParcours, operateur: programme.operateur } : programme;
  }

  /**
   * La version des partenaires pour un destinataire du bailleur : le diagnostic y figure si le
   * programme (version du parcours) le partage avec lui et si le ménage l'a accepté (api/visibilite.ts).
   */
  async function partageDe(etat: EtatParcours, programme: Programme, destinataire: DestinataireDiagnostic) {
    const consentement = await new ConsentementsPartage(deps.base).actuel(etat.workflowId);
    if (!recoitDiagnostic({ type: 'partenaire', role: 'bailleur', destinataire }, { programme, consentement })) return undefined;
    return {
      destinataire: LIBELLES_DESTINATAIRES_DIAGNOSTIC[destinataire],
      ...(consentement && programme.partageDiagnostic?.consentementRequis ? { accordLe: consentement.recueilliLe } : {}),
    };
  }

  /** La fiche d'orientation du partenaire qui a orienté le ménage, mise en mots, s'il y en a une. */
  async function orientationDe(etat: EtatParcours): Promise<OrientationRecue | undefined> {
    const o = await orientationsDe(deps).duParcours(etat.workflowId);
    if (!o) return undefined;
    const f = o.fiche;
    return {
      organisation: o.organisation.nom,
      typeOrganisation: LIBELLES_TYPE_ORGANISATION[o.organisation.type as TypeOrganisation],
      recueLe: o.recueLe.toISOString(),
      oriente: { nom: f.oriente.nom, courriel: f.oriente.courriel, service: LIBELLES_SERVICES_ORIENTEURS[f.oriente.service] ?? 'service non précisé' },
      menage: f.menage,
      situation: f.situation,
      consentement: f.consentement === true,
      ...(o.traiteePar ? { accepteePar: nomDe(o.traiteePar) } : {}),
      ...(o.traiteeLe ? { accepteeLe: o.traiteeLe.toISOString() } : {}),
    };
  }

  function consignes(d: DocumentImprimable, nom: NomDocument, req: Request, workflowId: string) {
    const pdf = `${nom}.pdf${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`;
    // La page du document s'ouvre à la place de celle du parcours : un lien y ramène.
    const retour = html` <a href="/parcours/${encodeURIComponent(workflowId)}">Retour au dossier</a>.`;
    if (d.genre === 'lettre') {
      return html`<p><strong>${d.titre.replace(' — ', ' au ménage — ')}.</strong></p>
<p>Imprimez ce document (Ctrl+P ou Cmd+P) et envoyez-le par courrier au ménage. Ces consignes ne sont pas imprimées. <a href="${pdf}">Version PDF</a>.${retour}</p>`;
    }
    const usage =
      nom === 'plan-aide'
        ? 'Imprimez ce document en deux exemplaires (Ctrl+P ou Cmd+P), signés par le ménage et par vous : un pour le ménage, un pour le dossier.'
        : d.lecteur === 'menage'
          ? 'Imprimez ce document (Ctrl+P ou Cmd+P) et remettez-le au ménage.'
          : d.lecteur === 'partenaires'
            ? 'Imprimez ce document (Ctrl+P ou Cmd+P) pour les partenaires : il ne contient rien de ce que le ménage a confié.'
            : 'Imprimez ce document (Ctrl+P ou Cmd+P) pour le dossier.';
    return html`<p><strong>${d.titre}.</strong> ${usage} Ces consignes ne sont pas imprimées. <a href="${pdf}">Version PDF</a>.${retour}</p>`;
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
    const q = analyser(requeteDocumentSchema, req.query);
    const etat = await charger(req, nom);
    const lecteur: Lecteur = q.version ?? LECTEUR_PAR_DEFAUT[nom];
    const programme = await programmeDe(etat);
    const orientation = nom === 'fiche-orientation' ? await orientationDe(etat) : undefined;
    const diagnosticPartage = lecteur === 'partenaires' && q.destinataire ? await partageDe(etat, programme, q.destinataire) : undefined;
    let d: DocumentImprimable;
    try {
      d = preparerDocument(
        nom,
        {
          etat,
          programme,
          contact: nomDe(etat.travailleurSocial),
          coordination: nomDe(etat.coordinateur),
          jalon: q.jalon,
          ...(orientation ? { orientation } : {}),
          ...(diagnosticPartage ? { diagnosticPartage } : {}),
        },
        lecteur,
      );
    } catch (e) {
      if (e instanceof DocumentIndisponible) throw introuvable(e.message);
      throw e;
    }
    if (m[2]) return envoyerPdf(res, d);
    envoyerDocument(res, { titre: d.titre, classe: d.genre, consignes: consignes(d, nom, req, etat.workflowId), contenu: contenuDocument(d) });
  });

  return r;
}
