/**
 * Le résumé du protocole de cohésion sociale (protocole post-résiliation ; seeds/004, CCH
 * L353-15-2) : dates, durée, indemnité d'occupation, plan d'apurement, avenants et paiements. Joint
 * au courriel du bailleur et de la CCAPEX à la signature.
 *
 * Version `partenaires` (bailleur, CCAPEX…) : des engagements et des montants, la référence du
 * dossier, rien de ce que le ménage a confié. Version `equipe` : s'y ajoutent l'occupant (nom,
 * adresse) et l'accompagnement renforcé, pour le dossier de l'opérateur. Version `menage` : celle
 * que l'occupant garde (remise en main propre, ou envoyée par courriel depuis son dossier), ses
 * engagements dits à lui et comment joindre l'opérateur ; ni l'accompagnement compté par l'équipe,
 * ni son adresse.
 */
import { LIBELLES_ACCOMPAGNEMENT, type NatureAccompagnement } from '../domain/protocole';
import { appelDuMenage } from '../courriers/commun';
import { veilleDe } from '../domain/durees';
import {
  date,
  dateEnFrancais,
  euros,
  exigerLecteur,
  exigerType,
  identification,
  moisEnFrancais,
  nombre,
  objet,
  pourNousJoindre,
  tableau,
  texte,
} from './commun';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';

const STATUTS: Record<string, string> = { paye: 'Payé', impaye: 'Impayé', non_renseigne: 'Sans réponse du bailleur' };

export function resumeProtocole(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'protocole_post_resiliation', 'Le résumé du protocole n’existe que pour un parcours « protocole post-résiliation ».');
  exigerLecteur(lecteur, ['equipe', 'partenaires', 'menage'], 'Le résumé du protocole');
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

  const nomOccupant = texte(objet(s.etat.detailsConfidentiels.menage)?.nom);
  // Le terme est le lendemain du dernier mois : l'occupant lit son dernier jour.
  const dernierJour = typeof pr.terme === 'string' && !Number.isNaN(Date.parse(pr.terme)) ? dateEnFrancais(veilleDe(pr.terme)) : undefined;
  // L'occupant lit d'abord ce que le protocole lui garantit et lui demande, dans ses mots.
  const pourLOccupant: Bloc[] =
    lecteur === 'menage'
      ? [
          { type: 'paragraphe', texte: nomOccupant ? appelDuMenage(nomOccupant) : 'Bonjour,' },
          {
            type: 'paragraphe',
            texte: `Vous avez signé le ${date(pr.signeLe)} un protocole de cohésion sociale avec votre bailleur : tant que vous le respectez, l’expulsion est suspendue et vous restez dans votre logement.`,
          },
          {
            type: 'liste',
            elements: [
              `Chaque mois${dernierJour ? `, jusqu’au ${dernierJour}` : ''}, vous payez l’indemnité d’occupation de ${euros(pr.indemniteOccupation)}.`,
              `Chaque mois aussi, vous remboursez ${euros(plan?.mensualite)} de votre dette (plan d’apurement).`,
              'Vous recevez l’accompagnement de l’équipe, qui fait aussi le lien avec votre bailleur.',
            ],
          },
          { type: 'paragraphe', texte: 'Si vous respectez le protocole jusqu’au bout, votre bailleur vous proposera un nouveau bail.' },
        ]
      : [];

  const blocs: Bloc[] = [
    { type: 'infos', lignes: identification(s, 'Protocole post-résiliation') },
    ...occupant,
    ...pourLOccupant,
    { type: 'titre', texte: lecteur === 'menage' ? 'Votre protocole' : 'Le protocole de cohésion sociale' },
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
        // L'occupant lit son dernier jour ; l'équipe et les partenaires, le terme (le lendemain).
        lecteur === 'menage' && dernierJour ? ['Dernier jour du protocole', dernierJour] : ['Terme', date(pr.terme)],
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
    ...(lecteur === 'menage'
      ? ([
          { type: 'titre', texte: 'Pour nous joindre' },
          { type: 'liste', elements: pourNousJoindre({ programme: s.programme, contact: s.contact }, s.etat.reference) },
          {
            type: 'note',
            texte:
              'Ce document est le vôtre : gardez-le avec votre protocole. Une question, un mois difficile : appelez-nous avant qu’un impayé ne s’installe.',
          },
        ] satisfies Bloc[])
      : ([
          {
            type: 'note',
            texte:
              lecteur === 'equipe'
                ? 'Version de l’équipe : elle désigne l’occupant. Ne la transmettez pas aux partenaires ; leur version ne contient que la référence du dossier.'
                : 'Ce résumé désigne le dossier par sa référence ; ce que le ménage a confié à l’équipe reste confidentiel et n’y figure pas.',
          },
        ] satisfies Bloc[])),
  ];
  return {
    nom: 'resume-protocole',
    titre: `Résumé du protocole — dossier ${s.etat.reference}`,
    intitule: lecteur === 'menage' ? 'Votre protocole de cohésion sociale' : `Résumé du protocole de cohésion sociale — dossier ${s.etat.reference}`,
    genre: 'fiche',
    fichier: `resume-protocole-${s.etat.reference}${lecteur === 'equipe' ? '-equipe' : ''}`,
    auteur: s.programme.operateur.nom,
    lecteur,
    blocs,
  };
}
