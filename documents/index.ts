/** Les documents d'un parcours : un préparateur par document, et leur rendu en PDF. */
import { ficheBilan } from './fiche-bilan';
import { ficheCloture } from './fiche-cloture';
import { lettreInformation } from './lettre-information';
import type { DocumentImprimable, Lecteur, NomDocument, SourceDocument } from './modele';
import { resumeProtocole } from './resume-protocole';

export * from './modele';
export { genererPdf, versWinAnsi } from './pdf';

export const PREPARATEURS: Record<NomDocument, (s: SourceDocument, lecteur: Lecteur) => DocumentImprimable> = {
  'lettre-information': lettreInformation,
  'fiche-bilan': ficheBilan,
  'fiche-cloture': ficheCloture,
  'resume-protocole': resumeProtocole,
};

/** Prépare un document pour un lecteur ; lève DocumentIndisponible (raison en français) sinon. */
export function preparerDocument(nom: NomDocument, source: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  return PREPARATEURS[nom](source, lecteur);
}
