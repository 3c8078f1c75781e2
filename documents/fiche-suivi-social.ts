/**
 * La fiche de suivi social (seeds/001, Déclic) : où en est l'accompagnement d'un ménage en
 * prévention précontentieuse, du premier contact à la clôture — diagnostic, carnet de route, plan
 * d'aide, points de suivi et bilans, prochaines échéances.
 *
 * - Version `equipe` : s'y ajoutent le diagnostic (ce que le ménage a confié) et son carnet de route.
 * - Version `partenaires` (le référent du bailleur aux points réguliers) : l'étape, le contact, les
 *   engagements qui concernent le bailleur (plan d'apurement, mutation) et les bilans — jamais le
 *   diagnostic, ni les actions du plan qui disent la vie du ménage (santé, emploi…), ni son nom.
 */
import { LIBELLES_ISSUES, type IssueCloture } from '../domain/vocabulaire';
import { finEnFrancais, limiteEnFrancais } from '../domain/durees';
import { nombreDe } from '../domain/libelles';
import { date, euros, exigerType, identification, mois, nombre, objet, texte } from './commun';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';
import {
  ACTIONS_PLAN,
  GARANTIES,
  calendrierSuivi,
  libelle,
  lireBilans,
  lireCarnet,
  lireEntretiens,
  lirePlan,
  planRefuse,
  ORIENTATIONS_PLAN,
  ouiNon,
  texteApurement,
  validationDepartement,
} from './prevention';

type Ligne = [string, string];

function blocsDiagnostic(s: SourceDocument): Bloc[] {
  const entretiens = lireEntretiens(s.etat);
  const carnet = lireCarnet(s.etat);
  const blocs: Bloc[] = [{ type: 'titre', texte: 'Diagnostic (confidentiel)' }];
  if (!entretiens.length) blocs.push({ type: 'paragraphe', texte: 'Aucun entretien de diagnostic n’est encore enregistré.' });
  entretiens.forEach((e, i) =>
    blocs.push({
      type: 'infos',
      lignes: [
        [`Entretien ${i + 1}`, e.le ? `le ${date(e.le)}` : 'date non renseignée'],
        ['Origine de la dette', e.origineDette ?? 'non renseignée'],
        ['Droits', e.droits ?? 'non renseignés'],
        ['Budget', e.budget ?? 'non renseigné'],
        ['Adéquation du logement', e.adequationLogement ?? 'non renseignée'],
        ['Dispositifs adaptés présentés', ouiNon(e.dispositifsExpliques)],
        ['Procédures possibles expliquées', ouiNon(e.proceduresExpliquees)],
      ],
    }),
  );
  blocs.push({ type: 'titre', texte: 'Carnet de route remis au ménage' });
  blocs.push(carnet?.length ? { type: 'liste', elements: carnet } : { type: 'paragraphe', texte: 'Le carnet de route sera remis à la fin du diagnostic.' });
  return blocs;
}

function blocsPlan(s: SourceDocument, lecteur: Lecteur): Bloc[] {
  const plan = lirePlan(s.etat);
  const revision = objet(s.etat.details.revision);
  // Un plan refusé, en attente de sa révision, n'est plus le plan du ménage (lirePlan ne le rend pas).
  if (!plan) {
    return [
      { type: 'titre', texte: 'Plan d’aide' },
      {
        type: 'paragraphe',
        texte: planRefuse(s.etat)
          ? s.etat.cloture
            ? `Le plan d’aide enregistré n’a pas été validé (${texte(revision?.motif) ?? 'motif non précisé'}) ; le parcours a été clôturé avant sa révision.`
            : `Le plan d’aide est en cours de révision (${texte(revision?.motif) ?? 'motif non précisé'}).`
          : 'Le plan d’aide n’est pas encore contractualisé avec le ménage.',
      },
    ];
  }
  const apurement = plan.planApurement ? texteApurement(plan.planApurement, euros) : 'aucun à ce stade';
  if (lecteur === 'partenaires') {
    return [
      { type: 'titre', texte: 'Engagements qui concernent le bailleur' },
      {
        type: 'infos',
        lignes: [
          ['Plan d’aide contractualisé le', date(plan.le)],
          ['Plan d’apurement', apurement],
          ['Demande de mutation', plan.demandeMutation ? 'une demande sera déposée' : 'non'],
        ],
      },
    ];
  }
  const validation = validationDepartement(s.etat);
  return [
    { type: 'titre', texte: 'Plan d’aide' },
    {
      type: 'infos',
      lignes: [
        ['Contractualisé le', date(plan.le)],
        ['Plan d’apurement', apurement],
        ['Demande de mutation', plan.demandeMutation ? 'oui' : 'non'],
        ...(validation ? ([['Mesure ASLL', `${validation.statut}${validation.le ? ` le ${date(validation.le)}` : ''}`]] as Ligne[]) : []),
        ...(revision ? ([['Révision', `${texte(revision.motif) ?? 'motif non précisé'} (le ${date(revision.le)})`]] as Ligne[]) : []),
      ],
    },
    {
      type: 'infos',
      lignes: [
        ['Actions', plan.actions.map((a) => libelle(ACTIONS_PLAN, a)).join(' ; ') || 'aucune'],
        ['Orientations', plan.orientations.map((o) => libelle(ORIENTATIONS_PLAN, o)).join(' ; ') || 'aucune'],
      ],
    },
  ];
}

function blocsSuivi(s: SourceDocument): Bloc[] {
  const calendrier = calendrierSuivi(s);
  const tenus = lireBilans(s.etat);
  // Accompagnement terminé (clôture, passage au droit commun) : les bilans non tenus ne sont plus prévus.
  const termine = !!s.etat.cloture || !!s.etat.details.passageDroitCommun;
  // Les bilans enregistrés hors du calendrier du programme (un programme changé depuis) restent listés.
  const lignes = [
    ...calendrier.map((c) => [
      c.libelle,
      c.tenu ? date(c.tenu.le) : termine ? 'non tenu (accompagnement terminé)' : c.prevuLe ? `prévu le ${date(c.prevuLe)}` : 'à venir',
      c.tenu?.reprise ?? '—',
      c.tenu ? (c.tenu.planRespecte ? 'Respecté' : 'Non respecté') : '—',
    ]),
    ...tenus
      .filter((b) => !calendrier.some((c) => c.libelle === b.jalon))
      .map((b) => [b.jalon, date(b.le), b.reprise, b.planRespecte ? 'Respecté' : 'Non respecté']),
  ];
  const echeances = s.etat.echeances.filter((e) => e.statut === 'en_cours' || e.statut === 'depassee');
  return [
    { type: 'titre', texte: 'Points de suivi et bilans' },
    {
      type: 'tableau',
      legende: 'Points de suivi et bilans',
      colonnes: ['Point', 'Date', 'Reprise du paiement du loyer', 'Plan d’apurement'],
      lignes,
      vide: 'Aucun point de suivi ni bilan prévu pour le moment.',
    },
    { type: 'titre', texte: 'Prochaines échéances' },
    echeances.length
      ? {
          type: 'liste',
          // « au plus tard le 25 décembre 2026 » (jusqu'au soir), « avant le 27 décembre 2026 à 16:11 » (à l'heure).
          elements: echeances.map((e) => `${e.libelle} : ${e.statut === 'depassee' ? `dépassée depuis ${finEnFrancais(e.due)}` : limiteEnFrancais(e.due)}`),
        }
      : { type: 'paragraphe', texte: 'Aucune échéance en cours.' },
  ];
}

export function ficheSuiviSocial(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'prevention_precontentieuse', 'La fiche de suivi social n’existe que pour un parcours de prévention précontentieuse.');
  if (lecteur === 'menage')
    throw new DocumentIndisponible(
      'La fiche de suivi social n’est pas préparée pour ce destinataire (le ménage reçoit son carnet de route et son plan d’aide).',
    );
  const { etat } = s;
  const contactLe = texte(etat.details.contactEtabliLe);
  if (!contactLe) {
    throw new DocumentIndisponible(
      etat.cloture
        ? 'Aucune fiche de suivi social pour ce parcours : il a été clôturé avant le premier contact avec le ménage (voir la fiche de clôture).'
        : 'La fiche de suivi social commence au premier contact avec le ménage : aucun contact n’est encore établi.',
    );
  }
  const situation = objet(etat.details.situation);
  const passage = objet(etat.details.passageDroitCommun);
  const cloture = etat.cloture;
  const equipe = lecteur === 'equipe';
  const blocs: Bloc[] = [
    {
      type: 'infos',
      lignes: [
        ...identification(s, 'Prévention précontentieuse'),
        ...(s.contact ? ([['Travailleur social', s.contact]] as Ligne[]) : []),
        ['Étape actuelle', etat.libelleEtape],
      ],
    },
    { type: 'titre', texte: 'Orientation et premier contact' },
    {
      type: 'infos',
      lignes: [
        ['Loyers impayés à l’orientation', situation ? mois(situation.impayesMois) : 'non renseigné'],
        ['Dette locative à l’orientation', euros(situation?.montantDette)],
        ...(equipe ? ([['Garantie', libelle(GARANTIES, situation?.garantie)]] as Ligne[]) : []),
        ['Contact établi le', date(contactLe)],
        ['Tentatives de contact', String(nombre(etat.details.tentatives))],
        ...(typeof etat.details.delaiPremierContactJours === 'number'
          ? ([
              [
                'Délai du premier contact',
                etat.details.delaiPremierContactJours === 0 ? 'le jour même' : nombreDe(etat.details.delaiPremierContactJours, 'jour', 'jours'),
              ],
            ] as Ligne[])
          : []),
      ],
    },
    ...(equipe || s.diagnosticPartage ? blocsDiagnostic(s) : []),
    ...blocsPlan(s, lecteur),
    ...blocsSuivi(s),
  ];
  if (passage) {
    blocs.push(
      { type: 'titre', texte: 'Passage au droit commun' },
      {
        type: 'infos',
        lignes: [
          ...(equipe ? ([['Relais', texte(passage.service) ?? 'non renseigné']] as Ligne[]) : []),
          ['Entretien commun', passage.entretienTripartite ? 'demandé par le ménage' : 'non demandé'],
        ],
      },
    );
  }
  if (cloture) {
    blocs.push(
      { type: 'titre', texte: 'Clôture' },
      {
        type: 'infos',
        lignes: [
          ['Issue', LIBELLES_ISSUES[cloture.issue as IssueCloture] ?? 'non renseignée'],
          ['Date de clôture', date(cloture.le)],
        ],
      },
    );
  }
  blocs.push({
    type: 'note',
    texte: equipe
      ? 'Version de l’équipe : elle contient ce que le ménage a confié. Ne la transmettez pas au bailleur ; sa version ne contient ni le diagnostic ni le carnet de route.'
      : s.diagnosticPartage
        ? `Version pour : ${s.diagnosticPartage.destinataire}. Le diagnostic et le carnet de route y figurent, comme le prévoit le programme${s.diagnosticPartage.accordLe ? `, avec l’accord du ménage recueilli le ${date(s.diagnosticPartage.accordLe)}` : ''}. Ne les transmettez à personne d’autre. Cette fiche désigne le dossier par sa référence.`
        : 'Cette fiche désigne le dossier par sa référence. Ce que le ménage a confié à l’équipe reste confidentiel et n’y figure pas.',
  });
  return {
    nom: 'fiche-suivi-social',
    titre: `Fiche de suivi social — dossier ${etat.reference}`,
    intitule: `Fiche de suivi social — dossier ${etat.reference}`,
    genre: 'fiche',
    fichier: `fiche-suivi-social-${etat.reference}${equipe ? '' : '-partenaires'}`,
    auteur: s.programme.operateur.nom,
    lecteur,
    blocs,
  };
}
