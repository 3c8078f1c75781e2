/**
 * Le livret d'information des ménages en intermédiation locative (seeds/003, CCAS de Concarneau :
 * « ce dispositif est complexe et les ménages ont souvent des difficultés à en comprendre le sens »
 * — « un support de communication est travaillé pour une communication auprès des ménages »).
 *
 * Ce que veulent dire intermédiation locative, sous-location et bail glissant, les étapes avec les
 * délais du programme, où en est le ménage (dates de sa mesure), ses engagements et qui appeler.
 * Remis au ménage ; rien de ce qu'il a confié n'y figure.
 */
import { libelleTypologie } from '../domain/iml';
import { LIBELLES_ISSUES, type IssueCloture } from '../domain/vocabulaire';
import { ajouterDuree } from '../domain/durees';
import { date, dureeEnFrancais, euros, exigerLecteur, exigerType, objet, pourNousJoindre, tableau, texte } from './commun';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';

const liste = (l: string[]) => (l.length > 1 ? `${l.slice(0, -1).join(', ')} et ${l[l.length - 1]}` : (l[0] ?? ''));

export function livretIml(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'iml_bail_glissant', 'Le livret sur le bail glissant n’existe que pour une mesure d’intermédiation locative (bail glissant).');
  exigerLecteur(lecteur, ['menage', 'equipe'], 'Le livret sur le bail glissant');
  const { etat } = s;
  const op = s.programme.operateur;
  const delais = s.programme.delais ?? {};
  const glissement = delais.glissement ?? 'P12M';
  const jalons = s.programme.jalons?.bilans ?? [];
  const places = s.programme.quotas?.mesuresActives;
  const d = etat.details;
  const siao = objet(d.validationSiao);
  const logement = objet(d.logement);
  const mesure = objet(d.mesure);
  const glisse = objet(d.glissement);
  const tenus = tableau(d.bilans)
    .map(objet)
    .filter((b): b is Record<string, unknown> => !!b && typeof b.jalon === 'string');
  const debut = texte(mesure?.debut);
  // Un parcours clos avant la sous-location (candidature refusée, ménage parti) : le livret, qui
  // explique la mesure au ménage, n'a plus d'objet.
  if (etat.cloture && !debut)
    throw new DocumentIndisponible('Le livret sur le bail glissant n’a plus d’objet : le parcours s’est terminé avant la sous-location.');

  const ouEnEst: Array<[string, string]> = [
    [
      'Étape actuelle',
      etat.cloture ? `parcours terminé : ${(LIBELLES_ISSUES[etat.cloture.issue as IssueCloture] ?? 'clôturé').toLowerCase()}` : etat.libelleEtape,
    ],
  ];
  if (siao) ouEnEst.push(['Candidature validée le', date(siao.le)]);
  if (logement) {
    const loyer = typeof logement.loyerMensuel === 'number' ? `, loyer de ${euros(logement.loyerMensuel)} par mois` : '';
    ouEnEst.push(['Votre logement', `${logement.typologie ? libelleTypologie(String(logement.typologie)) : 'logement trouvé'}${loyer}`]);
  }
  if (debut) {
    ouEnEst.push(['Sous-location depuis le', date(debut)]);
    for (const j of jalons) {
      const tenu = tenus.find((b) => b.jalon === j);
      ouEnEst.push([
        `Bilan à ${dureeEnFrancais(j)}`,
        tenu ? `tenu le ${date(tenu.tenuLe)}` : `prévu vers le ${date(ajouterDuree(new Date(debut), j).toISOString())}`,
      ]);
    }
    ouEnEst.push(glisse ? ['Bail glissé à votre nom le', date(glisse.le)] : ['Glissement du bail envisagé le', date(mesure?.glissementPrevuLe)]);
  } else if (!etat.cloture) {
    ouEnEst.push(['Prochaines dates', 'les dates des bilans et du glissement seront fixées à la signature de votre sous-location']);
  }

  const premierBilan = jalons[0] ? dureeEnFrancais(jalons[0]) : undefined;
  const blocs: Bloc[] = [
    {
      type: 'infos',
      // Le dossier est dit sous le titre : une fois suffit.
      lignes: [['Accompagnement', op.nom], ...(s.contact ? ([['Votre interlocuteur', s.contact]] as Array<[string, string]>) : [])],
    },
    { type: 'titre', texte: 'L’intermédiation locative, qu’est-ce que c’est ?' },
    {
      type: 'paragraphe',
      texte:
        'Nous louons un logement à un bailleur (c’est le bail principal) et nous vous le sous-louons (c’est la sous-location). Vous vivez dans le logement comme chez vous ; chaque mois, vous nous payez votre loyer, et nous le réglons au bailleur.',
    },
    {
      type: 'paragraphe',
      texte:
        'Pendant toute la sous-location, un travailleur social de notre service vous accompagne : vos droits, votre budget, la vie dans le logement, les liens avec les autres services.',
    },
    { type: 'titre', texte: 'Le bail glissant' },
    {
      type: 'paragraphe',
      texte: `Au bout de ${dureeEnFrancais(glissement)} de sous-location, si le loyer est payé régulièrement et que votre situation est stable, le bail « glisse » : il passe à votre nom. Vous devenez locataire en titre de votre logement, sans déménager.`,
    },
    {
      type: 'paragraphe',
      texte: delais.prolongationMax
        ? `Si ce n’est pas encore le moment, la sous-location peut être prolongée${delais.prolongation ? ` de ${dureeEnFrancais(delais.prolongation)}` : ''}, jusqu’à ${dureeEnFrancais(delais.prolongationMax)} au plus, ou une autre solution de logement adaptée est recherchée avec vous.`
        : 'Si ce n’est pas encore le moment, la sous-location peut être prolongée, ou une autre solution de logement adaptée est recherchée avec vous.',
    },
    { type: 'titre', texte: 'Les étapes' },
    {
      type: 'liste',
      numerotee: true,
      elements: [
        'Votre candidature est présentée à la commission du SIAO (service intégré d’accueil et d’orientation), qui la valide.',
        places
          ? `Nous disposons de ${places} places agréées par l’État : si elles sont toutes occupées, votre candidature attend la prochaine place libre, dans l’ordre d’arrivée.`
          : 'Une place vous est attribuée dès qu’elle est libre, dans l’ordre d’arrivée.',
        'Un bailleur propose un logement : nous signons le bail principal, et vous signez la sous-location.',
        'Pendant la sous-location : des rendez-vous réguliers et des visites à domicile avec votre travailleur social.',
        jalons.length
          ? `Des bilans à ${liste(jalons.map(dureeEnFrancais))} de sous-location. Le bilan à ${premierBilan} a lieu avec le bailleur et vous : il décide de poursuivre la sous-location ou de faire glisser le bail tout de suite.`
          : 'Des bilans réguliers, avec le bailleur et vous.',
        `À ${dureeEnFrancais(glissement)}, le bail passe à votre nom si les conditions sont réunies.`,
      ],
    },
    { type: 'titre', texte: 'Où en êtes-vous ?' },
    { type: 'infos', lignes: ouEnEst },
    { type: 'titre', texte: 'Vos engagements' },
    {
      type: 'liste',
      elements: [
        'Nous payer votre loyer chaque mois ; en cas de difficulté, nous prévenir tout de suite.',
        'Assurer le logement (assurance habitation) et l’entretenir.',
        'Vivre en bon voisinage et respecter le règlement de l’immeuble.',
        'Recevoir votre travailleur social aux rendez-vous et lors des visites à domicile.',
      ],
    },
    { type: 'titre', texte: 'Qui appeler ?' },
    {
      type: 'paragraphe',
      texte:
        'Pendant la sous-location, c’est nous qui sommes locataires en titre : pour toute question sur le logement (réparation, charges, loyer), adressez-vous d’abord à nous.',
    },
    { type: 'liste', elements: pourNousJoindre(s, etat.reference) },
  ];
  return {
    nom: 'livret-iml',
    titre: `Livret sur le bail glissant — dossier ${etat.reference}`,
    intitule: `Votre logement en bail glissant — dossier ${etat.reference}`,
    genre: 'fiche',
    fichier: `livret-bail-glissant-${etat.reference}`,
    auteur: op.nom,
    lecteur,
    blocs,
  };
}
