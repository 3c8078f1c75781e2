/**
 * Le plan d'aide comme engagement signé (seeds/000, CCAS de Besançon : « une semaine après ce
 * diagnostic le plan d'aide fait l'objet d'une contractualisation entre le CCAS et le ménage, le
 * CCAS s'engageant sur le suivi de sa mise en œuvre » ; « droits et devoirs du locataire »).
 *
 * Remis au ménage, à son nom : les actions et orientations du plan, le plan d'apurement, ses
 * engagements, ceux de l'opérateur, ce qui est transmis au bailleur, et les cadres de signature
 * (le ménage, le travailleur social, le lieu et la date). Jamais adressé à un partenaire : le
 * bailleur reçoit le résumé des engagements qui le concernent, pas ce document.
 */
import { communeDe, date, dureeEnFrancais, euros, exigerLecteur, exigerType, objet, pourNousJoindre, texte } from './commun';
import { comparerDurees, periodiciteEnFrancais } from '../domain/durees';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';
import { ACTIONS_PLAN_MENAGE, calendrierSuivi, lireCarnet, lirePlan, ORIENTATIONS_PLAN, planRefuse, texteApurement, validationDepartement } from './prevention';

/** Le ménage a-t-il accepté que son diagnostic soit partagé (accord en vigueur, noté dans le parcours) ? */
function partageAccepte(details: Record<string, unknown>): boolean {
  const p = details.partageDiagnostic as { pour?: unknown[] } | undefined;
  return Array.isArray(p?.pour) && p.pour.length > 0;
}

/** « un point de suivi chaque mois et des bilans à 3 mois et 6 mois ». */
function rythme(s: SourceDocument): string | undefined {
  const j = s.programme.jalons ?? {};
  const points = j.pointsSuivi ?? [];
  const bilans = (j.bilans ?? []).map(dureeEnFrancais);
  const liste = (l: string[]) => (l.length > 1 ? `${l.slice(0, -1).join(', ')} et ${l[l.length - 1]}` : (l[0] ?? ''));
  const parties = [
    ...(points.length
      ? [points.length >= 3 ? 'des points de suivi réguliers, environ une fois par mois' : `des points de suivi à ${liste(points.map(dureeEnFrancais))}`]
      : []),
    ...(bilans.length ? [`${bilans.length > 1 ? 'des bilans' : 'un bilan'} à ${liste(bilans)}`] : []),
  ];
  return parties.length ? parties.join(' et ') : undefined;
}

export function planAide(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'prevention_precontentieuse', 'Le plan d’aide à signer n’existe que pour un parcours de prévention précontentieuse.');
  exigerLecteur(lecteur, ['menage', 'equipe'], 'Le plan d’aide à signer');
  const { etat } = s;
  const plan = lirePlan(etat);
  // Un plan refusé n'est pas proposé à signer : ni pendant sa révision, ni après une clôture avant elle.
  const refus = planRefuse(etat);
  if (refus) {
    throw new DocumentIndisponible(
      `Le plan d’aide enregistré n’a pas été validé${refus.motif ? ` (${refus.motif})` : ''} : ${
        etat.cloture
          ? 'le parcours a été clôturé avant sa révision, il n’y a pas de plan d’aide à signer.'
          : 'il est à revoir avec le ménage. Le plan révisé sera à signer une fois enregistré.'
      }`,
    );
  }
  if (!plan) {
    throw new DocumentIndisponible(
      etat.cloture
        ? 'Aucun plan d’aide n’a été contractualisé dans ce parcours.'
        : 'Le plan d’aide n’est pas encore enregistré : il est préparé après le diagnostic, avec le ménage.',
    );
  }
  const op = s.programme.operateur;
  const menage = objet(etat.detailsConfidentiels.menage);
  const nom = texte(menage?.nom);
  const carnet = lireCarnet(etat) ?? [];
  const validation = plan.orientations.includes('asll') ? validationDepartement(etat) : undefined;
  const frequence = rythme(s);
  // La durée annoncée est celle que le parcours tient : jamais avant le dernier point ou bilan
  // (besancon-ccas : un bilan à 12 mois pour 6 mois de suivi ne se lit pas « pendant 6 mois »).
  const jalons = [...(s.programme.jalons?.pointsSuivi ?? []), ...(s.programme.jalons?.bilans ?? [])].sort((a, b) => comparerDurees(a, b));
  const dernierJalon = jalons.at(-1);
  const duree = s.programme.delais?.suivi;
  const suivi = duree && dernierJalon && comparerDurees(dernierJalon, duree) > 0 ? dernierJalon : duree;
  // Passé au droit commun : plus de point de suivi à annoncer, le service qui prend le relais est nommé.
  const relais = texte(objet(etat.details.passageDroitCommun)?.service);
  const premier = relais ? undefined : calendrierSuivi(s).find((c) => !c.tenu && c.prevuLe);

  const blocs: Bloc[] = [
    {
      type: 'infos',
      lignes: [
        ['Entre', op.nom],
        ['Et', nom ? [nom, texte(menage?.adresse)].filter(Boolean).join(', ') : 'le ménage'],
        ...(s.contact ? ([['Votre travailleur social', s.contact]] as Array<[string, string]>) : []),
        ['Dossier', etat.reference],
        ['Plan établi le', date(plan.le)],
      ],
    },
    {
      type: 'paragraphe',
      texte:
        'Ce plan d’aide a été construit avec vous, à la suite des entretiens sur votre situation. Il rappelle ce que vous vous engagez à faire pour payer votre loyer et rembourser votre dette, et l’accompagnement que nous nous engageons à vous apporter.',
    },
    { type: 'titre', texte: 'Les actions prévues' },
    { type: 'liste', elements: plan.actions.map((a) => ACTIONS_PLAN_MENAGE[a] ?? 'Une démarche convenue avec votre travailleur social.') },
    ...(carnet.length
      ? ([
          { type: 'paragraphe', texte: 'Les démarches de votre carnet de route :' },
          { type: 'liste', elements: carnet },
        ] as Bloc[])
      : []),
  ];
  if (plan.orientations.length) {
    blocs.push(
      { type: 'titre', texte: 'Vers qui nous vous orientons' },
      {
        type: 'liste',
        elements: plan.orientations.map((o) =>
          o === 'asll'
            ? `${ORIENTATIONS_PLAN.asll}, mesure du département : ${validation ? `${validation.statut}${validation.le ? ` le ${date(validation.le)}` : ''}` : 'elle sera proposée à sa validation'}.`
            : `${ORIENTATIONS_PLAN[o] ?? 'Un service spécialisé'}.`,
        ),
      },
    );
  }
  if (plan.planApurement) {
    blocs.push(
      { type: 'titre', texte: 'Le remboursement de la dette' },
      {
        type: 'paragraphe',
        texte: `En plus du loyer de chaque mois, vous remboursez votre dette de loyer à votre bailleur : ${texteApurement(plan.planApurement, euros)}.`,
      },
    );
  }
  if (plan.demandeMutation) {
    blocs.push({ type: 'paragraphe', texte: 'Une demande de mutation vers un logement mieux adapté à votre situation sera déposée auprès de votre bailleur.' });
  }
  blocs.push(
    { type: 'titre', texte: 'Vos engagements' },
    {
      type: 'liste',
      elements: [
        'Payer le loyer et les charges de chaque mois, même partiellement si vous ne pouvez pas tout payer, et nous le dire.',
        ...(plan.planApurement ? ['Respecter le plan de remboursement de la dette ; en cas de difficulté, nous prévenir avant l’échéance.'] : []),
        'Faire les démarches prévues ci-dessus, avec notre aide si vous le souhaitez.',
        'Venir aux rendez-vous, ou nous prévenir pour en fixer un autre.',
        'Nous dire tout changement de situation : ressources, famille, emploi, santé.',
      ],
    },
    { type: 'titre', texte: 'Nos engagements' },
    {
      type: 'liste',
      elements: [
        'Vous accompagner dans chacune de ces démarches et suivre avec vous la mise en œuvre du plan.',
        relais
          ? `Le suivi de ce plan est passé au droit commun : ${relais} prend le relais.`
          : frequence
            ? `Faire le point avec vous : ${frequence}${
                suivi
                  ? `, pendant ${dureeEnFrancais(suivi)}`
                  : s.programme.delais?.pointSuivi
                    ? `, puis un point ${periodiciteEnFrancais(s.programme.delais.pointSuivi)}, jusqu’à ce que votre situation soit stabilisée ou que vous souhaitiez arrêter`
                    : ''
              }.`
            : `Faire le point avec vous régulièrement${suivi ? `, pendant ${dureeEnFrancais(suivi)}` : ''}.`,
        ...(premier ? [`Premier rendez-vous de suivi prévu vers le ${date(premier.prevuLe)}.`] : []),
        'Garder confidentiel ce que vous nous confiez.',
      ],
    },
    { type: 'titre', texte: 'Ce qui est transmis à votre bailleur' },
    {
      type: 'paragraphe',
      texte: `Votre bailleur apprend les engagements qui le concernent : ${[plan.planApurement ? 'le plan de remboursement' : '', plan.demandeMutation ? 'la demande de mutation' : '', 'la reprise du paiement du loyer'].filter(Boolean).join(', ')}. ${
        partageAccepte(etat.details)
          ? 'Avec votre accord, il reçoit aussi votre diagnostic (sans les notes de votre travailleur social) ; vous pouvez retirer cet accord à tout moment. Le reste de votre situation reste confidentiel.'
          : 'Le détail de votre situation reste confidentiel.'
      }`,
    },
    { type: 'titre', texte: 'Pour nous joindre' },
    { type: 'liste', elements: pourNousJoindre(s, etat.reference) },
    {
      type: 'signatures',
      lieuEtDate: `Fait en deux exemplaires, à ${communeDe(op.adresse) ?? '…………………………'}, le ……………………………`,
      signataires: [
        { qualite: 'Le ménage', ...(nom ? { nom } : {}), mention: 'Signature précédée de la mention « lu et approuvé »' },
        { qualite: 'Le travailleur social', nom: s.contact ? `${s.contact}, pour ${op.nom}` : `Pour ${op.nom}`, mention: 'Signature' },
      ],
    },
  );
  return {
    nom: 'plan-aide',
    titre: `Plan d’aide — dossier ${etat.reference}`,
    intitule: `Plan d’aide : nos engagements réciproques — dossier ${etat.reference}`,
    genre: 'fiche',
    fichier: `plan-aide-${etat.reference}`,
    auteur: op.nom,
    lecteur,
    blocs,
  };
}
