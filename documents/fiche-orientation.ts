/**
 * La fiche d'orientation (seeds/001, Déclic : « fiche d'orientation, fiche de suivi social, bilan
 * intermédiaire, fiche de clôture ») : qui oriente le ménage, le ménage, sa situation locative et
 * son accord, et la suite donnée par la coordination.
 *
 * - Parcours ouvert depuis la fiche d'un partenaire (orientations/registre.ts) : la fiche telle
 *   qu'il l'a remplie.
 * - Parcours lancé par la coordination (désignation par la commission impayés, signalement du
 *   bailleur) : ce que le parcours a retenu à son ouverture.
 *
 * Elle nomme le ménage et décrit sa situation : version de l'équipe seulement.
 */
import { LIBELLES_COMPOSITIONS } from '../domain/iml';
import type { CompositionMenage } from '../domain/vocabulaire';
import { date, euros, evenements, exigerLecteur, exigerType, identification, mois, objet, texte } from './commun';
import type { Bloc, DocumentImprimable, Lecteur, OrientationRecue, SourceDocument } from './modele';
import { GARANTIES, libelle } from './prevention';

type Ligne = [string, string];

function blocsMenage(m: Partial<OrientationRecue['menage']> | undefined): Bloc[] {
  const composition = LIBELLES_COMPOSITIONS[m?.composition as CompositionMenage];
  return [
    { type: 'titre', texte: 'Le ménage' },
    {
      type: 'infos',
      lignes: [
        ['Nom', texte(m?.nom) ?? 'non renseigné'],
        ['Composition', composition ?? 'non renseignée'],
        ['Adresse du logement', texte(m?.adresse) ?? 'non renseignée'],
        ['Téléphone', texte(m?.telephone) ?? 'non renseigné'],
        ['Courriel', m?.courriel ? `${m.courriel}${m.accepteCourriel ? ' (accepte les courriels)' : ' (courrier seulement)'}` : 'non renseigné'],
      ],
    },
  ];
}

function depuisFiche(o: OrientationRecue): Bloc[] {
  const s = o.situation;
  return [
    { type: 'titre', texte: 'Qui oriente' },
    {
      type: 'infos',
      lignes: [
        ['Organisation', o.typeOrganisation ? `${o.organisation} (${o.typeOrganisation.toLowerCase()})` : o.organisation],
        ['Service', o.oriente.service],
        ['Personne qui oriente', o.oriente.nom],
        ['Courriel', o.oriente.courriel],
        ['Fiche reçue le', date(o.recueLe)],
      ],
    },
    ...blocsMenage(o.menage),
    { type: 'titre', texte: 'La situation locative' },
    {
      type: 'infos',
      lignes: [
        ['Loyers impayés', mois(s.impayesMois)],
        ['Dette locative', euros(s.montantDette)],
        ['Début du bail', date(s.debutBail)],
        ['Garantie', libelle(GARANTIES, s.garantie)],
        ['Déjà tenté par le bailleur', texte(s.dejaTente) ?? 'rien n’est indiqué'],
        ['Contact avec le bailleur', s.contactBailleur ? 'le bailleur est en contact avec le ménage' : 'le bailleur n’arrive pas à joindre le ménage'],
        ['Suivi social', s.suiviParServiceSocial ? 'un service social suit déjà le ménage' : 'aucun suivi social connu'],
        ...(s.isole !== undefined ? ([['Ménage isolé', s.isole ? 'oui' : 'non']] as Ligne[]) : []),
      ],
    },
    { type: 'titre', texte: 'Accord du ménage' },
    {
      type: 'paragraphe',
      texte: o.consentement
        ? 'Le ménage a été informé de cette orientation et l’a acceptée (déclaration de la personne qui oriente).'
        : 'L’accord du ménage n’est pas indiqué sur la fiche.',
    },
    { type: 'titre', texte: 'Suite donnée' },
    {
      type: 'infos',
      lignes: [
        [
          'Orientation acceptée',
          [o.accepteeLe ? `le ${date(o.accepteeLe)}` : '', o.accepteePar ? `par ${o.accepteePar}` : ''].filter(Boolean).join(' ') || 'oui',
        ],
      ],
    },
  ];
}

function depuisParcours(s: SourceDocument): Bloc[] {
  const { etat } = s;
  const situation = objet(etat.details.situation);
  const ouverture = evenements(etat, 'ouverture')[0]?.date ?? etat.journal[0]?.date;
  const designeLe = texte(etat.details.designeLe);
  const lettre = texte(objet(etat.details.lettreInformation)?.le);
  return [
    { type: 'titre', texte: 'Qui oriente' },
    {
      type: 'infos',
      lignes: [
        ['Orientation', 'enregistrée par la coordination du dispositif'],
        ...(s.coordination ? ([['Coordination', s.coordination]] as Ligne[]) : []),
        ...(designeLe ? ([['Désigné par la commission impayés le', date(designeLe)]] as Ligne[]) : []),
        ['Parcours ouvert le', date(ouverture)],
      ],
    },
    ...blocsMenage(objet(etat.detailsConfidentiels.menage) as Partial<OrientationRecue['menage']> | undefined),
    { type: 'titre', texte: 'La situation locative' },
    {
      type: 'infos',
      lignes: [
        ['Loyers impayés', situation ? mois(situation.impayesMois) : 'non renseigné'],
        ['Dette locative', euros(situation?.montantDette)],
        ['Garantie', libelle(GARANTIES, situation?.garantie)],
      ],
    },
    { type: 'titre', texte: 'Information du ménage' },
    {
      type: 'paragraphe',
      texte: lettre
        ? `Le ménage est informé de l’accompagnement proposé par la lettre d’information du ${date(lettre)}.`
        : 'La lettre d’information au ménage n’est pas encore préparée.',
    },
  ];
}

export function ficheOrientation(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'prevention_precontentieuse', 'La fiche d’orientation n’existe que pour un parcours de prévention précontentieuse.');
  exigerLecteur(lecteur, ['equipe'], 'La fiche d’orientation');
  return {
    nom: 'fiche-orientation',
    titre: `Fiche d’orientation — dossier ${s.etat.reference}`,
    intitule: `Fiche d’orientation — dossier ${s.etat.reference}`,
    genre: 'fiche',
    fichier: `fiche-orientation-${s.etat.reference}`,
    auteur: s.programme.operateur.nom,
    lecteur,
    blocs: [
      {
        type: 'infos',
        lignes: [...identification(s, 'Prévention précontentieuse'), ...(s.contact ? ([['Travailleur social', s.contact]] as Ligne[]) : [])],
      },
      ...(s.orientation ? depuisFiche(s.orientation) : depuisParcours(s)),
      {
        type: 'note',
        texte:
          'Document confidentiel : il nomme le ménage et décrit sa situation. Réservé à l’équipe qui l’accompagne ; ne le transmettez pas au bailleur ni aux partenaires.',
      },
    ],
  };
}
