/** Les documents d'un parcours : un préparateur par document, et leur rendu en PDF. */
import { carnetDeRoute } from './carnet-de-route';
import { ficheBilan } from './fiche-bilan';
import { ficheCloture } from './fiche-cloture';
import { ficheOrientation } from './fiche-orientation';
import { ficheSuiviSocial } from './fiche-suivi-social';
import { lettreInformation } from './lettre-information';
import { livretIml } from './livret-iml';
import type { DocumentImprimable, Lecteur, NomDocument, SourceDocument } from './modele';
import { planAide } from './plan-aide';
import { resumeProtocole } from './resume-protocole';

export * from './modele';
export { genererPdf, versWinAnsi } from './pdf';

export const PREPARATEURS: Record<NomDocument, (s: SourceDocument, lecteur: Lecteur) => DocumentImprimable> = {
  'lettre-information': lettreInformation,
  'fiche-orientation': ficheOrientation,
  'fiche-suivi-social': ficheSuiviSocial,
  'plan-aide': planAide,
  'carnet-de-route': carnetDeRoute,
  'livret-iml': livretIml,
  'fiche-bilan': ficheBilan,
  'fiche-cloture': ficheCloture,
  'resume-protocole': resumeProtocole,
};

/**
 * Prépare un document pour un lecteur ; lève DocumentIndisponible (raison en français) sinon.
 * Chaque document porte les coordonnées de l'opérateur (pied de page) : de quoi le rappeler.
 */
export function preparerDocument(nom: NomDocument, source: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  const d = PREPARATEURS[nom](source, lecteur);
  const { nom: nomOperateur, courriel, telephone, adresse } = source.programme.operateur;
  return d.operateur ? d : { ...d, operateur: { nom: nomOperateur, courriel, ...(telephone ? { telephone } : {}), ...(adresse ? { adresse } : {}) } };
}
