/**
 * La fiche de clôture d'un parcours (tous les parcours) : issue, motif, date, bilans et, selon le
 * parcours, l'orientation, la durée de sous-location ou les paiements du protocole. Elle est
 * rendue depuis `details.ficheCloture`, écrit par le workflow à la clôture, et ne contient rien de
 * ce que le ménage a confié (ni son nom) : l'opérateur la transmet aux partenaires qui y ont droit.
 */
import { LIBELLES_ORIENTATIONS, type DispositifOrientation } from '../domain/iml';
import { LIBELLES_ISSUES, type EtatParcours, type IssueCloture } from '../domain/vocabulaire';
import { date, dureeEnFrancais, euros, exigerLecteur, identification, nombre, objet, tableau, texte } from './commun';
import { DECISIONS_BILAN, PAIEMENTS_LOYER, SITUATIONS } from './fiche-bilan';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';

const LIBELLES_REPRISE: Record<string, string> = { totale: 'Reprise totale', partielle: 'Reprise partielle', aucune: 'Pas de reprise' };
const PARCOURS: Record<EtatParcours['typeParcours'], string> = {
  prevention_precontentieuse: 'Prévention précontentieuse',
  iml_bail_glissant: 'IML sortie de structure — bail glissant',
  protocole_post_resiliation: 'Protocole post-résiliation',
};

/** La fiche écrite par le workflow : issue et date au moins (sinon, pas de fiche). */
export interface FicheCloture {
  issue: string;
  libelle?: string;
  motif?: string | null;
  le: string;
  [cle: string]: unknown;
}

export function lireFicheCloture(etat: EtatParcours): FicheCloture | undefined {
  const f = objet(etat.details.ficheCloture);
  if (!f || typeof f.issue !== 'string' || typeof f.le !== 'string') return undefined;
  if (f.motif !== undefined && f.motif !== null && typeof f.motif !== 'string') return undefined;
  return f as FicheCloture;
}

function blocsPrevention(f: FicheCloture): Bloc[] {
  const bilans = tableau(f.bilans)
    .map(objet)
    .filter((b): b is Record<string, unknown> => !!b && typeof b.jalon === 'string');
  return [
    { type: 'titre', texte: 'Bilans' },
    {
      type: 'tableau',
      legende: 'Bilans enregistrés pendant le suivi',
      colonnes: ['Jalon', 'Reprise du paiement du loyer', 'Plan d’apurement'],
      lignes: bilans.map((b) => [
        String(b.jalon),
        LIBELLES_REPRISE[String(b.reprisePaiement)] ?? String(b.reprisePaiement ?? ''),
        b.planRespecte ? 'Respecté' : 'Non respecté',
      ]),
      vide: 'Aucun bilan n’a été enregistré.',
    },
  ];
}

function blocsIml(f: FicheCloture): Bloc[] {
  const bilans = tableau(f.bilans)
    .map(objet)
    .filter((b): b is Record<string, unknown> => !!b && typeof b.jalon === 'string');
  const orientation = texte(f.orientation);
  return [
    { type: 'titre', texte: 'La mesure' },
    {
      type: 'infos',
      lignes: [
        ['Durée de sous-location', typeof f.dureeSousLocationMois === 'number' ? `${f.dureeSousLocationMois} mois` : 'pas d’entrée dans un logement'],
        ['Prolongations', String(nombre(f.prolongations))],
        ...(orientation ? ([['Orientation', LIBELLES_ORIENTATIONS[orientation as DispositifOrientation] ?? orientation]] as Array<[string, string]>) : []),
      ],
    },
    { type: 'titre', texte: 'Bilans de mesure' },
    {
      type: 'tableau',
      legende: 'Bilans de mesure tenus',
      colonnes: ['Bilan', 'Paiement du loyer', 'Situation du ménage', 'Décision'],
      lignes: bilans.map((b) => [
        `Bilan à ${dureeEnFrancais(String(b.jalon))}`,
        PAIEMENTS_LOYER[String(b.paiementLoyer)] ?? '—',
        SITUATIONS[String(b.situation)] ?? '—',
        b.decision ? (DECISIONS_BILAN[String(b.decision)] ?? String(b.decision)) : '—',
      ]),
      vide: 'Aucun bilan de mesure n’a été tenu.',
    },
  ];
}

function blocsProtocole(f: FicheCloture, etat: EtatParcours): Bloc[] {
  const pr = objet(etat.details.protocole);
  const pa = objet(f.paiements) ?? objet(etat.details.paiements);
  return [
    { type: 'titre', texte: 'Le protocole' },
    {
      type: 'infos',
      lignes: pr
        ? [
            ['Signé le', date(pr.signeLe)],
            ['Durée', `${nombre(pr.dureeTotaleMois)} mois (dont ${nombre(pr.dureeTotaleMois) - nombre(pr.dureeInitialeMois)} par avenant)`],
            ['Terme', date(pr.terme)],
            ['Dette restante', euros(pr.detteRestante)],
          ]
        : [['Protocole', 'non signé']],
    },
    { type: 'titre', texte: 'Paiements' },
    {
      type: 'infos',
      lignes: pa
        ? [
            ['Mois vérifiés auprès du bailleur', String(nombre(pa.moisRegles))],
            ['Payés', String(nombre(pa.payes))],
            ['Impayés', String(nombre(pa.impayes))],
            ['Sans réponse du bailleur', String(nombre(pa.nonRenseignes))],
            ['Montant reçu', `${euros(nombre(pa.montantRecu))} sur ${euros(nombre(pa.montantAttendu))} attendus`],
            ['Bilans adressés au bailleur', String(nombre(f.bilans))],
          ]
        : [['Paiements', 'aucun paiement enregistré']],
    },
  ];
}

export function ficheCloture(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerLecteur(lecteur, ['equipe', 'partenaires'], 'La fiche de clôture');
  const { etat } = s;
  const f = lireFicheCloture(etat);
  if (!f)
    throw new DocumentIndisponible(
      etat.clotureEnCours
        ? 'La clôture de ce parcours est en cours (ses derniers courriels partent) : la fiche de clôture sera prête dans un instant.'
        : 'Ce parcours n’est pas clôturé : la fiche de clôture n’existe pas encore.',
    );
  const libelle = f.libelle ?? LIBELLES_ISSUES[f.issue as IssueCloture] ?? f.issue;
  const precedent = texte(etat.details.parcoursPrecedent);
  const suivant = texte(etat.details.parcoursSuivant);
  const specifiques =
    etat.typeParcours === 'iml_bail_glissant' ? blocsIml(f) : etat.typeParcours === 'protocole_post_resiliation' ? blocsProtocole(f, etat) : blocsPrevention(f);
  return {
    nom: 'fiche-cloture',
    titre: `Fiche de clôture — dossier ${etat.reference}`,
    intitule: `Fiche de clôture — dossier ${etat.reference}`,
    genre: 'fiche',
    fichier: `fiche-cloture-${etat.reference}`,
    auteur: s.programme.operateur.nom,
    lecteur,
    blocs: [
      {
        type: 'infos',
        lignes: [
          ...identification(s, PARCOURS[etat.typeParcours] ?? etat.typeParcours),
          ...(s.contact ? ([['Travailleur social', s.contact]] as Array<[string, string]>) : []),
          ...(precedent ? ([['Parcours précédent', precedent]] as Array<[string, string]>) : []),
        ],
      },
      { type: 'titre', texte: 'Issue de l’accompagnement' },
      {
        type: 'infos',
        lignes: [
          ['Issue', libelle],
          ['Motif', f.motif ? f.motif : 'Non précisé'],
          ['Date de clôture', date(f.le)],
          ...(suivant ? ([['Rechute signalée', `Nouveau parcours ouvert : ${suivant}`]] as Array<[string, string]>) : []),
        ],
      },
      ...specifiques,
      { type: 'note', texte: 'Cette fiche ne contient aucune information confiée par le ménage : elle peut être transmise aux partenaires du dispositif.' },
    ],
  };
}
