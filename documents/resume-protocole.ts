/**
 * Le résumé du protocole de cohésion sociale (protocole post-résiliation ; seeds/004, CCH
 * L353-15-2) : dates, durée, indemnité d'occupation, plan d'apurement, avenants et paiements. Joint
 * au courriel du bailleur et de la CCAPEX à la signature.
 *
 * Version `partenaires` (bailleur, CCAPEX…) : des engagements et des montants, la référence du
 * dossier, rien de ce que le ménage a confié. Version `equipe` : s'y ajoutent l'occupant (nom,
 * adresse) et l'accompagnement renforcé, pour le dossier de l'opérateur.
 */
import { LIBELLES_ACCOMPAGNEMENT, type NatureAccompagnement } from '../domain/protocole';
import { date, euros, exigerLecteur, exigerType, identification, moisEnFrancais, nombre, objet, tableau, texte } from './commun';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';

const STATUTS: Record<string, string> = { paye: 'Payé', impaye: 'Impayé', non_renseigne: 'Sans réponse du bailleur' };

export function resumeProtocole(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'protocole_post_resiliation', 'Le résumé du protocole n’existe que pour un parcours « protocole post-résiliation ».');
  exigerLecteur(lecteur, ['equipe', 'partenaires'], 'Le résumé du protocole');
  const d = s.etat.details;
  const pr = objet(d.protocole);
  if (!pr) throw new DocumentIndisponible('Le protocole n’est pas encore signé : son résumé sera disponible une fois la signature enregistrée.');
  const plan = objet(pr.planApurement);
  const resiliation = objet(d.resiliation);
  const paiements = objet(d.paiements);
  const avenants = tableau(pr.avenants)
    .map(objet)
    .filter((a): a is Record<string, unknown> => !!a);
  const mois = tableau(paiements?.mois)
    .map(objet)
    .filter((m): m is Record<string, unknown> => !!m && typeof m.mois === 'string');

  const occupant: Bloc[] = [];
  if (lecteur === 'equipe') {
    const menage = objet(s.etat.detailsConfidentiels.menage);
    const accompagnement = objet(d.accompagnement);
    occupant.push(
      { type: 'titre', texte: 'Occupant et accompagnement (équipe)' },
      {
        type: 'infos',
        lignes: [
          ['Occupant', texte(menage?.nom) ?? 'non renseigné'],
          ['Adresse', texte(menage?.adresse) ?? 'non renseignée'],
          ...(s.contact ? ([['Travailleur social', s.contact]] as Array<[string, string]>) : []),
          ...Object.entries(LIBELLES_ACCOMPAGNEMENT).map(([k, l]) => [l, String(nombre(accompagnement?.[k as NatureAccompagnement]))] as [string, string]),
        ],
      },
    );
  }

  const blocs: Bloc[] = [
    { type: 'infos', lignes: identification(s, 'Protocole post-résiliation') },
    ...occupant,
    { type: 'titre', texte: 'Le protocole de cohésion sociale' },
    {
      type: 'infos',
      lignes: [
        ['Bail résilié par jugement du', date(resiliation?.jugementDu)],
        ...(texte(resiliation?.juridiction) ? ([['Juridiction', String(resiliation!.juridiction)]] as Array<[string, string]>) : []),
        ['Dette locative au jugement', euros(resiliation?.detteLocative)],
        ['Signé le', date(pr.signeLe)],
        ['Début', date(pr.debut)],
        ['Durée initiale', `${nombre(pr.dureeInitialeMois)} mois`],
        ['Durée totale (avenants compris)', `${nombre(pr.dureeTotaleMois)} mois`],
        ['Terme', date(pr.terme)],
        ['Indemnité d’occupation', `${euros(pr.indemniteOccupation)} par mois`],
      ],
    },
    { type: 'titre', texte: 'Plan d’apurement' },
    {
      type: 'infos',
      lignes: [
        ['Dette à rembourser', euros(plan?.dette)],
        ['Mensualité', `${euros(plan?.mensualite)} par mois`],
        ['Depuis', typeof plan?.depuis === 'string' ? moisEnFrancais(plan.depuis) : 'non renseigné'],
        ['Dette restante', euros(pr.detteRestante)],
      ],
    },
    { type: 'titre', texte: 'Avenants' },
    {
      type: 'tableau',
      legende: 'Avenants au protocole',
      colonnes: ['Signé le', 'Prolongation'],
      lignes: avenants.map((a) => [date(a.signeLe), `${nombre(a.prolongationMois)} mois`]),
      vide: 'Aucun avenant.',
    },
    { type: 'titre', texte: 'Paiements' },
    {
      type: 'infos',
      lignes: [
        ['Mois vérifiés auprès du bailleur', String(nombre(paiements?.moisRegles))],
        ['Payés', String(nombre(paiements?.payes))],
        ['Impayés', String(nombre(paiements?.impayes))],
        ['Sans réponse du bailleur', String(nombre(paiements?.nonRenseignes))],
        ['Montant reçu', `${euros(nombre(paiements?.montantRecu))} sur ${euros(nombre(paiements?.montantAttendu))} attendus`],
      ],
    },
    {
      type: 'tableau',
      legende: 'Paiements mois par mois',
      colonnes: ['Mois', 'Statut', 'Reçu', 'Attendu'],
      lignes: mois.map((m) => [
        moisEnFrancais(String(m.mois)),
        m.statut === 'impaye' && nombre(m.montant) > 0 ? 'Impayé (payé en partie)' : (STATUTS[String(m.statut)] ?? String(m.statut)),
        euros(m.montant),
        euros(m.attendu),
      ]),
      vide: 'Aucun mois réglé pour le moment.',
    },
    {
      type: 'note',
      texte:
        lecteur === 'equipe'
          ? 'Version de l’équipe : elle désigne l’occupant. Ne la transmettez pas aux partenaires ; leur version ne contient que la référence du dossier.'
          : 'Ce résumé désigne le dossier par sa référence ; ce que le ménage a confié à l’équipe reste confidentiel et n’y figure pas.',
    },
  ];
  return {
    nom: 'resume-protocole',
    titre: `Résumé du protocole — dossier ${s.etat.reference}`,
    intitule: `Résumé du protocole de cohésion sociale — dossier ${s.etat.reference}`,
    genre: 'fiche',
    fichier: `resume-protocole-${s.etat.reference}${lecteur === 'equipe' ? '-equipe' : ''}`,
    auteur: s.programme.operateur.nom,
    lecteur,
    blocs,
  };
}
