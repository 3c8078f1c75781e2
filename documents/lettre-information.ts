/**
 * La lettre d'information au ménage (parcours « prévention précontentieuse », étape 3) : imprimée
 * par l'opérateur et envoyée par courrier, ou jointe au courriel du ménage qui l'accepte. Le texte
 * est celui du parcours (`paragraphesLettreInformation`, courriers/prevention.ts, que le workflow emploie aussi) ; s'y ajoutent
 * l'en-tête, le destinataire, la date, le contact, la formule d'appel et de politesse et la signature
 * (courriers/commun.ts).
 *
 * Elle est adressée au ménage, à son nom et à son adresse : jamais à un partenaire.
 */
import type { Programme } from '../domain/vocabulaire';
import { paragraphesLettreInformation } from '../courriers/prevention';
import { appelDuMenage, POLITESSE_MENAGE, signatureOperateur } from '../courriers/commun';
import { dateLettre, exigerLecteur, exigerType, lignesAdresse, objet, pourNousJoindre, texte } from './commun';
import { DocumentIndisponible, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';

export interface DonneesLettre {
  programme: Pick<Programme, 'nom' | 'operateur'>;
  menage: { nom: string; adresse: string };
  reference: string;
  /** Date à laquelle le parcours a préparé la lettre (ISO 8601). */
  le: string;
  /** Nom du travailleur social affecté, s'il y en a un. */
  contact?: string;
}

/** Ce que la lettre prend dans l'état du parcours (404 en français sinon). */
export function donneesLettre(s: SourceDocument): DonneesLettre {
  exigerType(s.etat, 'prevention_precontentieuse', 'Ce parcours n’a pas de lettre d’information au ménage.');
  const le = texte(objet(s.etat.details.lettreInformation)?.le);
  if (!le) {
    throw new DocumentIndisponible(
      s.etat.cloture
        ? 'Aucune lettre d’information n’a été préparée pour ce parcours (clôturé avant l’information du ménage).'
        : 'La lettre d’information n’est pas encore prête : elle est préparée après l’orientation (et le comité de suivi, s’il y en a un).',
    );
  }
  const menage = objet(s.etat.detailsConfidentiels.menage);
  const nom = texte(menage?.nom);
  const adresse = texte(menage?.adresse);
  if (!nom || !adresse) throw new DocumentIndisponible('Les coordonnées du ménage sont introuvables dans ce parcours.');
  return { programme: s.programme, menage: { nom, adresse }, reference: s.etat.reference, le, contact: s.contact };
}

export function documentLettre(d: DonneesLettre): DocumentImprimable {
  const op = d.programme.operateur;
  return {
    nom: 'lettre-information',
    titre: `Lettre d’information — dossier ${d.reference}`,
    intitule: 'Objet : un accompagnement vous est proposé',
    genre: 'lettre',
    fichier: `lettre-information-${d.reference}`,
    auteur: op.nom,
    operateur: { nom: op.nom, courriel: op.courriel, ...(op.telephone ? { telephone: op.telephone } : {}), ...(op.adresse ? { adresse: op.adresse } : {}) },
    lecteur: 'menage',
    lettre: {
      expediteur: [
        op.nom,
        d.programme.nom,
        ...(op.adresse ? lignesAdresse(op.adresse) : []),
        ...(op.telephone ? [`Tél. ${op.telephone}`] : []),
        `Courriel : ${op.courriel}`,
      ],
      destinataire: [d.menage.nom, ...lignesAdresse(d.menage.adresse)],
      date: `Le ${dateLettre(d.le)}`,
      reference: `Référence à rappeler : dossier ${d.reference}`,
    },
    blocs: [
      { type: 'paragraphe', texte: appelDuMenage(d.menage.nom) },
      ...paragraphesLettreInformation(d.programme).map((t) => ({ type: 'paragraphe' as const, texte: t })),
      { type: 'titre', texte: 'Pour nous joindre' },
      { type: 'liste', elements: pourNousJoindre({ programme: d.programme, contact: d.contact }, d.reference) },
      ...POLITESSE_MENAGE.map((texte) => ({ type: 'paragraphe' as const, texte })),
      { type: 'signature', texte: signatureOperateur(op) },
    ],
  };
}

export function lettreInformation(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerLecteur(lecteur, ['menage', 'equipe'], 'La lettre d’information');
  return documentLettre(donneesLettre(s));
}
