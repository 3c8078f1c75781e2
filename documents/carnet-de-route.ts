/**
 * Le carnet de route du ménage (seeds/002, AHU et LogemLoiret : « à l'issue des différents
 * rendez-vous, le ménage devra être en capacité d'évoquer les possibilités qui lui sont offertes et
 * les démarches à réaliser pour y arriver — idée d'un carnet de route »).
 *
 * Remis au ménage à la fin du diagnostic, et réimprimé à chaque étape : ses démarches (à cocher),
 * ce que prévoit son plan d'aide, ses rendez-vous passés et à venir (avec des lignes pour noter les
 * suivants) et qui appeler. Il ne dit rien que le ménage ne sache déjà : jamais à un partenaire.
 */
import { date, euros, exigerLecteur, exigerType, objet, pourNousJoindre, texte } from './commun';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';
import { ACTIONS_PLAN_MENAGE, calendrierSuivi, lireCarnet, lireEntretiens, lirePlan } from './prevention';

export function carnetDeRoute(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'prevention_precontentieuse', 'Le carnet de route n’existe que pour un parcours de prévention précontentieuse.');
  exigerLecteur(lecteur, ['menage', 'equipe'], 'Le carnet de route');
  const { etat } = s;
  const carnet = lireCarnet(etat);
  if (!carnet) {
    throw new DocumentIndisponible(
      etat.cloture
        ? 'Aucun carnet de route n’a été remis dans ce parcours (clôturé avant la fin du diagnostic).'
        : 'Le carnet de route est remis au ménage à la fin du diagnostic : le diagnostic n’est pas encore terminé.',
    );
  }
  const op = s.programme.operateur;
  const plan = lirePlan(etat);
  const calendrier = calendrierSuivi(s);
  const contactLe = texte(etat.details.contactEtabliLe);

  const passes: Array<[string, string]> = [
    ...(contactLe ? ([[contactLe, 'Premier contact avec nous']] as Array<[string, string]>) : []),
    ...lireEntretiens(etat)
      .filter((e) => e.le)
      .map((e, i) => [e.le!, i === 0 ? 'Premier entretien sur votre situation' : 'Entretien sur votre situation'] as [string, string]),
    ...(plan?.le ? ([[plan.le, 'Signature de votre plan d’aide']] as Array<[string, string]>) : []),
    ...calendrier.filter((c) => c.tenu?.le).map((c) => [c.tenu!.le!, c.libelle] as [string, string]),
  ].sort((a, b) => a[0].localeCompare(b[0]));
  // Passé au droit commun : le service qui prend le relais fixe les rendez-vous suivants.
  const relais = texte(objet(etat.details.passageDroitCommun)?.service);
  const prevus = etat.cloture || relais ? [] : calendrier.filter((c) => !c.tenu && c.prevuLe);

  const blocs: Bloc[] = [
    {
      type: 'infos',
      lignes: [
        ['Dossier', etat.reference],
        ['Accompagnement', op.nom],
        ...(s.contact ? ([['Votre interlocuteur', s.contact]] as Array<[string, string]>) : []),
      ],
    },
    {
      type: 'paragraphe',
      texte:
        'Ce carnet rassemble les démarches que vous avez choisies avec nous pour sortir des difficultés de loyer, et les rendez-vous de votre accompagnement. Gardez-le avec vos papiers, notez-y ce que vous avez fait et apportez-le à chaque rendez-vous.',
    },
    { type: 'titre', texte: 'Vos démarches' },
    carnet.length
      ? {
          type: 'a-remplir',
          legende: 'Vos démarches, à cocher quand elles sont faites',
          colonnes: ['Démarche', 'Faite le', 'Remarques'],
          lignes: carnet.map((d) => [d, '', '']),
        }
      : { type: 'paragraphe', texte: 'Aucune démarche n’est notée pour le moment.' },
  ];
  if (plan) {
    blocs.push(
      { type: 'titre', texte: 'Votre plan d’aide' },
      { type: 'liste', elements: plan.actions.map((a) => ACTIONS_PLAN_MENAGE[a] ?? 'Une démarche convenue avec votre travailleur social.') },
      ...(plan.planApurement
        ? ([
            {
              type: 'paragraphe',
              texte: `Chaque mois : votre loyer, plus ${euros(plan.planApurement.mensualite)} de remboursement de la dette, pendant ${plan.planApurement.dureeMois} mois.`,
            },
          ] as Bloc[])
        : []),
    );
  }
  blocs.push(
    { type: 'titre', texte: 'Vos rendez-vous passés' },
    {
      type: 'tableau',
      legende: 'Vos rendez-vous passés',
      colonnes: ['Date', 'Rendez-vous'],
      lignes: passes.map(([le, quoi]) => [date(le), quoi]),
      vide: 'Aucun rendez-vous enregistré.',
    },
    { type: 'titre', texte: 'Vos prochains rendez-vous' },
    prevus.length
      ? { type: 'liste', elements: prevus.map((c) => `${c.libelle} : vers le ${date(c.prevuLe)} (nous vous proposerons une date)`) }
      : {
          type: 'paragraphe',
          texte: relais
            ? `Votre accompagnement continue avec ${relais}, qui prend le relais : ce service vous proposera vos prochains rendez-vous.`
            : plan
              ? 'Nous conviendrons ensemble des prochains rendez-vous.'
              : 'Les dates des points de suivi seront fixées avec votre plan d’aide.',
        },
    {
      type: 'a-remplir',
      legende: 'Notez vos prochains rendez-vous',
      colonnes: ['Date et heure', 'Lieu', 'Avec qui'],
      lignes: [
        ['', '', ''],
        ['', '', ''],
        ['', '', ''],
        ['', '', ''],
      ],
    },
    { type: 'titre', texte: 'Pour nous joindre' },
    { type: 'liste', elements: pourNousJoindre(s, etat.reference) },
    {
      type: 'note',
      texte:
        'Ce carnet est à vous. Ce que vous nous confiez reste confidentiel : rien n’est transmis à votre bailleur sans votre accord, en dehors des engagements que vous prenez avec lui.',
    },
  );
  return {
    nom: 'carnet-de-route',
    titre: `Carnet de route — dossier ${etat.reference}`,
    intitule: `Votre carnet de route — dossier ${etat.reference}`,
    genre: 'fiche',
    fichier: `carnet-de-route-${etat.reference}`,
    auteur: op.nom,
    lecteur,
    blocs,
  };
}
