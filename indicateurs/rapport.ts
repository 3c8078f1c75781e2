/**
 * Les rapports d'évaluation (6 mois, 12 mois, rapport d'activité annuel IML) tirés des indicateurs
 * (indicateurs/calcul.ts) : un modèle commun, rendu en page HTML (graphiques SVG en ligne : entonnoir
 * du repérage à l'issue, distribution du délai de premier contact), en PDF (pdfkit) et en CSV.
 *
 * La version « pour les partenaires » ne contient que des agrégats : aucune référence de dossier.
 */
import PDFDocument from 'pdfkit';
import { html, type Brut } from '../rendu/html';
import { LIBELLES_AXES, LIBELLES_COMPOSITIONS, LIBELLES_STRUCTURES } from '../domain/iml';
import { LIBELLES_TRANCHES_RESSOURCES } from '../domain/indicateurs';
import { libelleValeurMinuscule } from '../domain/libelles';
import { LIBELLES_TYPE_PARCOURS, type Programme, type TypeParcours } from '../domain/vocabulaire';
import { LIBELLES_OBSTACLES, sansReferences, type Compte, type Indicateurs, type Statistiques } from './calcul';
import { jourDeParis } from '../domain/durees';

export interface LigneRapport {
  /** Famille d'indicateurs (colonne « famille » du CSV). */
  famille: string;
  /** Identifiant stable de l'indicateur (colonne « indicateur » du CSV). */
  cle: string;
  libelle: string;
  valeur: number | null;
  unite: UniteRapport;
  references?: string[];
  /** Chiffre clé non calculable : pourquoi, et ce qui le rendrait calculable. */
  manque?: string;
}

/** Un chiffre clé : sa valeur, ou « non calculable » et pourquoi. */
export const texteChiffreCle = (l: LigneRapport): string =>
  l.valeur === null ? `non calculable (${l.manque ?? 'pas de donnée sur la période'})` : formaterValeur(l);

/** Les unités des valeurs (colonne « unite » du CSV). */
export type UniteRapport = 'nombre' | 'jours' | 'mois' | 'part' | 'euros' | 'tentatives' | 'etp';

export interface SectionRapport {
  titre: string;
  lignes: LigneRapport[];
}

export interface Rapport {
  titre: string;
  programme: { id: string; nom: string; territoire: string; typeParcours: TypeParcours };
  libellePeriode: string;
  genereLe: string;
  pourPartenaires: boolean;
  /** Le bailleur dont les ménages seuls sont comptés. */
  bailleur?: string;
  /** Ce qu'il faut savoir de la période (point de départ, évaluation en cours…), en phrases. */
  notesPeriode: string[];
  /** Les chiffres que les financeurs lisent d'abord (valeurs connues seulement). */
  chiffresCles: LigneRapport[];
  indicateurs: Indicateurs;
  sections: SectionRapport[];
}

export const TYPES_RAPPORT = ['6-mois', '12-mois', 'annuel-iml'] as const;
export type TypeRapport = (typeof TYPES_RAPPORT)[number];

const nombre = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const pourcent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const dateFr = (iso: string) =>
  new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(`${iso.slice(0, 10)}T00:00:00Z`))
    .replace(/^1 /, '1er ');

/**
 * Une évaluation à 6 ou 12 mois comptée depuis le début du programme (seeds 000 à 004) : le jour de
 * début (réglage du programme, sinon le premier parcours enregistré), le terme (veille du jour où
 * les 6 ou 12 mois sont atteints), et si le terme ou le début sont encore à venir.
 */
export interface DepuisLeDebut {
  mois: 6 | 12;
  debut: string;
  source: 'programme' | 'premier_parcours';
  terme: string;
  /** Les mois ne sont pas écoulés : la période s'arrête à aujourd'hui. */
  enCours: boolean;
  /** Le programme n'a pas encore commencé. */
  aVenir: boolean;
}

/** Ce que le rapport dit de sa période, en phrases (page, PDF). */
export function notesPeriode(p: { depuisLeDebut?: DepuisLeDebut; sansDebut?: { mois: number }; au: string }): string[] {
  const notes: string[] = [];
  const d = p.depuisLeDebut;
  if (d) {
    notes.push(
      d.source === 'programme'
        ? `Évaluation à ${d.mois} mois comptée depuis le début du programme, le ${dateFr(d.debut)}.`
        : `Le début du programme n’est pas renseigné dans ses réglages : l’évaluation à ${d.mois} mois part du premier parcours enregistré pour ce programme, le ${dateFr(d.debut)}.`,
    );
    if (d.aVenir) notes.push(`Le programme commence le ${dateFr(d.debut)} : aucun parcours ne peut encore être compté sur cette période.`);
    else if (d.enCours) notes.push(`Les ${d.mois} mois ne sont pas encore écoulés (terme le ${dateFr(d.terme)}) : chiffres arrêtés au ${dateFr(p.au)}.`);
  }
  if (p.sansDebut)
    notes.push(
      `Le début du programme n’est pas renseigné et aucun parcours n’est encore enregistré : la période couvre les ${p.sansDebut.mois} derniers mois.`,
    );
  return notes;
}

/** Une valeur lisible : « 70 % », « 3 450 € », « 4,2 tentatives », « 0,5 ETP », « 12 j ». */
export function formaterValeur(l: Pick<LigneRapport, 'valeur' | 'unite'>): string {
  if (l.valeur === null) return '—';
  switch (l.unite) {
    case 'part':
      return pourcent.format(l.valeur);
    case 'euros':
      return euros.format(l.valeur);
    case 'tentatives':
      return `${nombre.format(l.valeur)} tentative${l.valeur >= 2 ? 's' : ''}`;
    case 'etp':
      return `${nombre.format(l.valeur)} ETP`;
    case 'jours':
      return `${nombre.format(l.valeur)} j`;
    case 'mois':
      return `${nombre.format(l.valeur)} mois`;
    default:
      return nombre.format(l.valeur);
  }
}

function lignesDe(ind: Indicateurs) {
  const c = (famille: string, cle: string, libelle: string, x: Compte): LigneRapport => ({
    famille,
    cle,
    libelle,
    valeur: x.nombre,
    unite: 'nombre',
    ...(x.references ? { references: x.references } : {}),
  });
  const s = (famille: string, cle: string, libelle: string, x: Statistiques, unite: 'jours' | 'mois'): LigneRapport[] => [
    { famille, cle: `${cle}_median`, libelle: `${libelle} : médiane`, valeur: x.mediane, unite },
    { famille, cle: `${cle}_moyen`, libelle: `${libelle} : moyenne`, valeur: x.moyenne, unite },
    { famille, cle: `${cle}_max`, libelle: `${libelle} : maximum`, valeur: x.max, unite },
  ];
  const commun: SectionRapport[] = [
    {
      titre: 'Situations',
      lignes: [
        c('situations', 'reperees', 'Situations repérées', ind.situations.reperees),
        c('situations', 'orientees', 'Situations orientées', ind.situations.orientees),
        c('situations', 'traitees', 'Situations traitées', ind.situations.traitees),
      ],
    },
  ];
  const prevention: SectionRapport[] = [
    {
      titre: 'Contact avec le ménage',
      lignes: [
        c('contacts', 'etablis', 'Contacts établis', ind.contacts.etablis),
        ...s('contacts', 'delai_premier_contact', 'Délai du premier contact', ind.contacts.delaiJours, 'jours'),
        c('contacts', 'dans_le_delai', 'Contacts établis dans le délai du programme', ind.contacts.dansLeDelai),
        {
          famille: 'contacts',
          cle: 'part_dans_le_delai',
          libelle: 'Part des contacts établis dans le délai du programme',
          valeur: ind.contacts.partDansLeDelai,
          unite: 'part',
        },
        {
          famille: 'contacts',
          cle: 'tentatives_avant_contact_moyen',
          libelle: 'Tentatives jusqu’au premier contact (celle qui aboutit comprise) : moyenne',
          valeur: ind.contacts.tentatives.moyenne,
          unite: 'tentatives',
          ...refs(ind.contacts.etablis),
        },
        {
          famille: 'contacts',
          cle: 'tentatives_avant_contact_median',
          libelle: 'Tentatives jusqu’au premier contact : médiane',
          valeur: ind.contacts.tentatives.mediane,
          unite: 'tentatives',
        },
        {
          famille: 'contacts',
          cle: 'tentatives_avant_contact_max',
          libelle: 'Tentatives jusqu’au premier contact : maximum',
          valeur: ind.contacts.tentatives.max,
          unite: 'tentatives',
        },
        ...ind.contacts.tentativesParCanal.map((x) =>
          c('contacts', `tentatives_${x.valeur}`, `Tentatives jusqu’au premier contact, par ce canal : ${libelleValeurMinuscule(x.valeur)}`, x.compte),
        ),
        ...(ind.contacts.repereVisitesAvantContact !== null
          ? [
              {
                famille: 'contacts',
                cle: 'repere_visites_avant_contact',
                libelle: 'Repère du programme : visites en moyenne avant le contact',
                valeur: ind.contacts.repereVisitesAvantContact,
                unite: 'tentatives' as const,
              },
            ]
          : []),
      ],
    },
    {
      titre: 'Plans d’aide, ASLL, plans d’apurement',
      lignes: [
        c('plans', 'plans_aide', 'Plans d’aide contractualisés', ind.plansAide),
        c('asll', 'asll_demandees', 'ASLL demandées', ind.asll.demandees),
        c('asll', 'asll_validees', 'ASLL validées par le département', ind.asll.validees),
        c('asll', 'asll_refusees', 'ASLL refusées', ind.asll.refusees),
        c('asll', 'asll_sans_reponse', 'ASLL sans réponse dans le délai', ind.asll.sansReponse),
        c('apurement', 'plans_apurement_fixes', 'Plans d’apurement fixés', ind.plansApurement.fixes),
        c('apurement', 'plans_apurement_respectes', 'Plans d’apurement respectés (dernier bilan)', ind.plansApurement.respectes),
        c('apurement', 'plans_apurement_non_respectes', 'Plans d’apurement non respectés (dernier bilan)', ind.plansApurement.nonRespectes),
      ],
    },
    {
      titre: 'Reprise du paiement, mutations, droit commun',
      lignes: [
        c('reprise', 'reprise_totale', 'Reprise totale du paiement du loyer (dernier bilan de la période)', ind.reprisePaiement.totale),
        c('reprise', 'reprise_partielle', 'Reprise partielle', ind.reprisePaiement.partielle),
        c('reprise', 'reprise_aucune', 'Pas de reprise', ind.reprisePaiement.aucune),
        c('reprise', 'reprise_connue', 'Ménages accompagnés dont un bilan de la période dit la reprise', ind.reprisePaiement.connue),
        {
          famille: 'reprise',
          cle: 'part_reprise',
          libelle: 'Part des ménages accompagnés ayant repris le paiement du loyer, même partiellement',
          valeur: ind.reprisePaiement.part,
          unite: 'part',
          ...refs(ind.reprisePaiement.reprise),
        },
        {
          famille: 'reprise',
          cle: 'part_reprise_totale',
          libelle: 'Part des ménages revenus à un paiement complet du loyer',
          valeur: ind.reprisePaiement.partTotale,
          unite: 'part',
          ...refs(ind.reprisePaiement.totale),
        },
        c('mutations', 'mutations_demandees', 'Demandes de mutation', ind.mutations.demandees),
        c('mutations', 'relogements', 'Relogements ou mutations obtenus', ind.mutations.relogements),
        c('droit_commun', 'orientations_droit_commun', 'Orientations vers le droit commun', ind.orientationsDroitCommun),
      ],
    },
  ];
  const procedures: SectionRapport[] = [
    {
      titre: 'Procédures d’expulsion : stade à l’orientation et procédures évitées',
      lignes: [
        ...ind.procedures.stadeOrientation.map((x) => c('procedures', `stade_${x.stade}`, `Situations repérées au stade : ${x.libelle}`, x.compte)),
        c('procedures', 'procedures_evitees', 'Procédures évitées (ménage maintenu dans son logement ou dette résorbée à la clôture)', ind.procedures.evitees),
        ...ind.procedures.eviteesParStade.map((x) =>
          c('procedures', `evitees_${x.stade}`, `Procédures évitées, stade à l’orientation : ${x.libelle}`, x.compte),
        ),
      ],
    },
  ];
  const q = ind.moyens.cout;
  const moyens: SectionRapport[] = [
    {
      titre: 'Moyens : charge par travailleur social et coût par situation',
      lignes: [
        c('moyens', 'situations_suivies', 'Situations suivies sur la période', ind.moyens.situationsSuivies),
        { famille: 'moyens', cle: 'etp', libelle: 'Travailleurs sociaux sur l’action (réglage du programme)', valeur: ind.moyens.etp, unite: 'etp' },
        {
          famille: 'moyens',
          cle: 'situations_par_etp',
          libelle: 'Situations suivies par ETP de travailleur social',
          valeur: ind.moyens.situationsParEtp,
          unite: 'nombre',
        },
        ...(q.situationsPrevues !== null
          ? [
              {
                famille: 'moyens',
                cle: 'situations_prevues',
                libelle: 'Situations prévues sur la période (au prorata des situations par an)',
                valeur: q.situationsPrevues,
                unite: 'nombre' as const,
              },
            ]
          : []),
        ...(q.parSituationConvention !== null
          ? [
              {
                famille: 'moyens',
                cle: 'cout_par_situation_convention',
                libelle: 'Coût d’une situation fixé par la convention',
                valeur: q.parSituationConvention,
                unite: 'euros' as const,
              },
            ]
          : []),
        ...(q.annuel !== null
          ? [{ famille: 'moyens', cle: 'cout_annuel', libelle: 'Coût annuel du projet (réglage du programme)', valeur: q.annuel, unite: 'euros' as const }]
          : []),
        {
          famille: 'moyens',
          cle: 'cout_periode',
          libelle:
            q.base === 'prix_par_situation'
              ? 'Coût des situations prises en charge sur la période (prix de la convention × situations orientées)'
              : q.base === 'cout_annuel'
                ? 'Coût du projet sur la période (au prorata du coût annuel)'
                : 'Coût de la période (ni coût annuel ni prix par situation dans les réglages du programme)',
          valeur: q.periode,
          unite: 'euros',
        },
        {
          famille: 'moyens',
          cle: 'cout_par_situation',
          libelle:
            q.base === 'prix_par_situation'
              ? 'Coût par situation prise en charge'
              : q.base === 'cout_annuel'
                ? 'Coût par situation suivie sur la période'
                : 'Coût par situation',
          valeur: q.parSituation,
          unite: 'euros',
          ...(q.base === 'prix_par_situation' ? refs(ind.situations.orientees) : q.base === 'cout_annuel' ? refs(ind.moyens.situationsSuivies) : {}),
        },
      ],
    },
  ];
  const iml: SectionRapport[] = [
    {
      titre: 'Mesures IML et file d’attente',
      lignes: [
        c('iml', 'candidatures', 'Candidatures', ind.iml.candidatures),
        c('iml', 'validations_siao', 'Candidatures validées par le SIAO', ind.iml.validationsSiao),
        c('iml', 'refus_siao', 'Candidatures refusées par le SIAO', ind.iml.refusSiao),
        c('iml', 'mesures_actives', 'Mesures actives sur la période (place tenue un jour au moins)', ind.iml.mesuresActives),
        c('iml', 'mesures_actives_fin_periode', 'Mesures actives au dernier jour', ind.iml.mesuresActivesAuTerme),
        c('iml', 'mesures_demarrees', 'Mesures démarrées', ind.iml.mesuresDemarrees),
        c('iml', 'entrees_file', 'Entrées dans la file d’attente', ind.iml.file.entrees),
        c('iml', 'places_accordees', 'Places accordées', ind.iml.file.placesAccordees),
        c('iml', 'en_attente_fin_periode', 'Ménages en attente au dernier jour', ind.iml.file.enAttenteAuTerme),
        ...s('iml', 'attente', 'Attente d’une place', ind.iml.file.attenteJours, 'jours'),
      ],
    },
    {
      titre: 'Glissements, prolongations, durées, freins',
      lignes: [
        c('iml', 'glissements', 'Baux glissés', ind.iml.glissements.total),
        c('iml', 'glissements_6_mois', 'Glissements au bilan à 6 mois', ind.iml.glissements.a6Mois),
        c('iml', 'glissements_12_mois', 'Glissements à 12 mois', ind.iml.glissements.a12Mois),
        c('iml', 'glissements_apres_prolongation', 'Glissements après prolongation', ind.iml.glissements.apresProlongation),
        c('iml', 'prolongations', 'Prolongations décidées', ind.iml.prolongations),
        c('iml', 'mesures_terminees', 'Mesures terminées', ind.iml.mesuresTerminees),
        ...s('iml', 'duree_sous_location', 'Durée de sous-location', ind.iml.dureeMois, 'mois'),
        ...ind.iml.obstacles.map((o) => c('iml_freins', `frein_${o.obstacle}`, `Frein relevé : ${LIBELLES_OBSTACLES[o.obstacle] ?? o.obstacle}`, o.compte)),
      ],
    },
    {
      titre: 'Ménages suivis : profils et accompagnement social',
      lignes: [
        ...ind.iml.profils.composition.map((x) =>
          c('iml_profils', `composition_${x.valeur}`, `Composition : ${(LIBELLES_COMPOSITIONS as Record<string, string>)[x.valeur] ?? x.valeur}`, x.compte),
        ),
        ...ind.iml.profils.structure.map((x) =>
          c('iml_profils', `structure_${x.valeur}`, `Sortis de : ${(LIBELLES_STRUCTURES as Record<string, string>)[x.valeur] ?? x.valeur}`, x.compte),
        ),
        ...ind.iml.profils.ressources.map((x) =>
          c(
            'iml_profils',
            `ressources_${x.valeur}`,
            `Ressources mensuelles : ${(LIBELLES_TRANCHES_RESSOURCES as Record<string, string>)[x.valeur] ?? x.valeur}`,
            x.compte,
          ),
        ),
        ...s(
          'iml_profils',
          'hebergement_a_la_sortie',
          'Temps passé en structure avant la sortie (mesures démarrées)',
          ind.iml.hebergementMois.aLaSortie,
          'mois',
        ),
        ...s('iml_profils', 'hebergement_a_la_candidature', 'Temps passé en structure à la candidature', ind.iml.hebergementMois.aLaCandidature, 'mois'),
        c(
          'iml_profils',
          'nuitees_hotel_evitees',
          'Nuitées d’hôtel évitées (ménages venus de l’hôtel : une nuit par jour de sous-location sur la période)',
          ind.iml.nuiteesHotelEvitees,
        ),
        {
          famille: 'iml_accompagnement',
          cle: 'rendez_vous',
          libelle: 'Rendez-vous (ménages suivis, depuis le début de leur mesure)',
          valeur: ind.iml.accompagnement.rendezVous,
          unite: 'nombre',
        },
        {
          famille: 'iml_accompagnement',
          cle: 'visites_domicile',
          libelle: 'Visites à domicile',
          valeur: ind.iml.accompagnement.visitesDomicile,
          unite: 'nombre',
        },
        {
          famille: 'iml_accompagnement',
          cle: 'liens_partenaires',
          libelle: 'Liens avec des partenaires',
          valeur: ind.iml.accompagnement.liensPartenaires,
          unite: 'nombre',
        },
        ...ind.iml.accompagnement.axes.map((x) =>
          c('iml_accompagnement', `axe_${x.valeur}`, `Axe travaillé : ${(LIBELLES_AXES as Record<string, string>)[x.valeur] ?? x.valeur}`, x.compte),
        ),
      ],
    },
  ];
  const protocole: SectionRapport[] = [
    {
      titre: 'Protocoles de cohésion sociale',
      lignes: [
        c('protocoles', 'signes', 'Protocoles signés', ind.protocoles.signes),
        c('protocoles', 'actifs', 'Protocoles actifs sur la période', ind.protocoles.actifs),
        c('protocoles', 'respectes', 'Protocoles respectés', ind.protocoles.respectes),
        c('protocoles', 'rompus', 'Protocoles rompus', ind.protocoles.rompus),
        c('protocoles', 'avenants', 'Avenants signés', ind.protocoles.avenants),
        c('protocoles', 'nouveaux_baux', 'Nouveaux baux signés', ind.protocoles.nouveauxBaux),
        ...s('protocoles', 'delai_nouveau_bail', 'Délai de signature du nouveau bail', ind.protocoles.delaiNouveauBailJours, 'jours'),
        c('protocoles', 'paiements_connus', 'Protocoles dont un mois de la période est vérifié auprès du bailleur', ind.protocoles.reprisePaiement.connue),
        c('protocoles', 'reprise', 'Protocoles dont le ménage a payé un mois de la période, même en partie', ind.protocoles.reprisePaiement.reprise),
        {
          famille: 'protocoles',
          cle: 'part_reprise',
          libelle: 'Part des ménages sous protocole ayant repris le paiement, même partiellement',
          valeur: ind.protocoles.reprisePaiement.part,
          unite: 'part',
          ...refs(ind.protocoles.reprisePaiement.reprise),
        },
      ],
    },
  ];
  const issues: SectionRapport[] = [
    {
      titre: 'Issues et échecs',
      lignes: [
        c('clotures', 'clotures', 'Parcours clôturés', ind.clotures.total),
        ...ind.clotures.parIssue.map((x) => c('clotures', `issue_${x.issue}`, `Issue : ${x.libelle}`, x.compte)),
        c('echecs', 'echecs', 'Échecs', ind.echecs.total),
        ...ind.echecs.parMotif.map((x) => c('echecs', `echec_${x.issue}`, `Échec : ${x.libelle}`, x.compte)),
      ],
    },
  ];
  return { commun, prevention, procedures, moyens, iml, protocole, issues };
}

/** Les références d'un compte, quand la version en a (jamais celle des partenaires). */
const refs = (x: { references?: string[] }): { references?: string[] } => (x.references ? { references: x.references } : {});

/** Les chiffres clés du type de parcours : ceux que les financeurs demandent (seeds 000 à 004). */
function chiffresCles(ind: Indicateurs, programme: Programme): LigneRapport[] {
  const type = programme.typeParcours;
  // Un programme sans bilan par ménage (besancon-ccas, selon sa fiche) ne dira la reprise qu'avec des
  // bilans réglés : le rapport le dit plutôt que d'en attendre un.
  const sansBilan = !(programme.jalons.bilans ?? []).length;
  const l: LigneRapport[] = [];
  const q = ind.moyens.cout;
  // Les chiffres que les rapports de prévention promettent (seeds 000 à 004) sont toujours dits ;
  // faute de données, « non calculable » et pourquoi.
  const toujours: LigneRapport[] = [];
  if (type === 'prevention_precontentieuse') {
    toujours.push({
      famille: 'reprise',
      cle: 'part_reprise',
      libelle: 'Ménages accompagnés ayant repris le paiement du loyer, même partiellement',
      valeur: ind.reprisePaiement.part,
      unite: 'part',
      manque: sansBilan
        ? 'le programme ne prévoit pas de bilan par ménage ; des bilans se règlent dans ses réglages'
        : 'aucun bilan de la période ne dit encore la reprise du paiement',
    });
    toujours.push({ famille: 'procedures', cle: 'procedures_evitees', libelle: 'Procédures évitées', valeur: ind.procedures.evitees.nombre, unite: 'nombre' });
    toujours.push({
      famille: 'contacts',
      cle: 'tentatives_avant_contact_moyen',
      libelle: 'Tentatives jusqu’au premier contact, en moyenne',
      valeur: ind.contacts.tentatives.moyenne,
      unite: 'tentatives',
      manque: 'aucun contact établi sur la période',
    });
    toujours.push({
      famille: 'moyens',
      cle: 'cout_par_situation',
      libelle: 'Coût par situation',
      valeur: q.parSituation,
      unite: 'euros',
      manque: 'coût annuel du projet ou coût par situation à saisir dans les réglages du programme',
    });
  }
  if (type === 'protocole_post_resiliation')
    l.push({
      famille: 'procedures',
      cle: 'procedures_evitees',
      libelle: 'Expulsions évitées (nouveau bail signé)',
      valeur: ind.procedures.evitees.nombre,
      unite: 'nombre',
    });
  if (type === 'iml_bail_glissant') {
    l.push({ famille: 'iml', cle: 'glissements', libelle: 'Baux glissés', valeur: ind.iml.glissements.total.nombre, unite: 'nombre' });
    l.push({
      famille: 'iml_profils',
      cle: 'hebergement_a_la_sortie_moyen',
      libelle: 'Temps passé en structure avant la sortie, en moyenne',
      valeur: ind.iml.hebergementMois.aLaSortie.moyenne,
      unite: 'mois',
    });
    l.push({
      famille: 'iml_profils',
      cle: 'nuitees_hotel_evitees',
      libelle: 'Nuitées d’hôtel évitées',
      valeur: ind.iml.nuiteesHotelEvitees.nombre,
      unite: 'nombre',
    });
  }
  if (q.parSituation !== null && type !== 'prevention_precontentieuse')
    l.push({ famille: 'moyens', cle: 'cout_par_situation', libelle: 'Coût par situation', valeur: q.parSituation, unite: 'euros' });
  if (ind.moyens.situationsParEtp !== null)
    l.push({
      famille: 'moyens',
      cle: 'situations_par_etp',
      libelle: 'Situations suivies par ETP de travailleur social',
      valeur: ind.moyens.situationsParEtp,
      unite: 'nombre',
    });
  return [...toujours, ...l.filter((x) => x.valeur !== null)];
}

/** Les sections du rapport pour les types de parcours du programme (toutes si aucun n'est connu). */
export function sectionsIndicateurs(ind: Indicateurs, types: TypeParcours[]): SectionRapport[] {
  const l = lignesDe(ind);
  const t = types.length ? types : (['prevention_precontentieuse', 'iml_bail_glissant', 'protocole_post_resiliation'] as TypeParcours[]);
  return [
    ...l.commun,
    ...(t.includes('prevention_precontentieuse') ? l.prevention : []),
    ...(t.includes('prevention_precontentieuse') || t.includes('protocole_post_resiliation') ? l.procedures : []),
    ...(t.includes('iml_bail_glissant') ? l.iml : []),
    ...(t.includes('protocole_post_resiliation') ? l.protocole : []),
    ...l.moyens,
    ...l.issues,
  ];
}

export function construireRapport(
  indicateurs: Indicateurs,
  programme: Programme,
  o: { type?: TypeRapport; pourPartenaires?: boolean; genereLe?: Date; bailleur?: string; notesPeriode?: string[] } = {},
): Rapport {
  const ind = o.pourPartenaires ? sansReferences(indicateurs) : indicateurs;
  const titre =
    o.type === 'annuel-iml'
      ? `Rapport d’activité annuel — ${programme.nom}`
      : o.type === '12-mois'
        ? `Évaluation à 12 mois — ${programme.nom}`
        : o.type === '6-mois'
          ? `Évaluation à 6 mois — ${programme.nom}`
          : `Indicateurs — ${programme.nom}`;
  return {
    titre: o.bailleur ? `${titre} — ménages de ${o.bailleur}` : titre,
    ...(o.bailleur ? { bailleur: o.bailleur } : {}),
    programme: { id: programme.id, nom: programme.nom, territoire: programme.territoire, typeParcours: programme.typeParcours },
    libellePeriode: `du ${dateFr(ind.periode.du)} au ${dateFr(ind.periode.au)}`,
    genereLe: (o.genereLe ?? new Date()).toISOString(),
    pourPartenaires: !!o.pourPartenaires,
    notesPeriode: o.notesPeriode ?? [],
    chiffresCles: chiffresCles(ind, programme),
    indicateurs: ind,
    sections: sectionsIndicateurs(ind, [programme.typeParcours]),
  };
}

// ---- CSV ---------------------------------------------------------------------------------------

/**
 * Les colonnes du CSV (séparateur « ; », UTF-8 avec BOM pour Excel en français) :
 * programme ; du ; au ; famille ; indicateur ; libelle ; valeur ; unite ; references
 * - `valeur` : nombre avec un point décimal (vide si non calculable) ; une part est entre 0 et 1 ;
 * - `unite` : nombre, jours, mois ou part ;
 * - `references` : les références des dossiers derrière le compte, séparées par des espaces.
 */
export const COLONNES_CSV = ['programme', 'du', 'au', 'famille', 'indicateur', 'libelle', 'valeur', 'unite', 'references'] as const;

const celluleCsv = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function indicateursCsv(ind: Indicateurs, types: TypeParcours[]): string {
  const lignes = [COLONNES_CSV.join(';')];
  for (const s of sectionsIndicateurs(ind, types)) {
    for (const l of s.lignes) {
      lignes.push(
        [
          ind.programmeId,
          ind.periode.du,
          ind.periode.au,
          l.famille,
          l.cle,
          l.libelle,
          l.valeur === null ? '' : String(l.valeur),
          l.unite,
          (l.references ?? []).join(' '),
        ]
          .map(celluleCsv)
          .join(';'),
      );
    }
  }
  return `\uFEFF${lignes.join('\r\n')}\r\n`;
}

/** L'unité d'une valeur du tableur, en mots (une part y est un pourcentage). */
const UNITES_TABLEUR: Record<UniteRapport, string> = {
  nombre: 'nombre',
  jours: 'jours',
  mois: 'mois',
  part: '%',
  euros: '€',
  tentatives: 'tentatives',
  etp: 'ETP',
};

/** « 12/03/2027 » : une date AAAA-MM-JJ comme un tableur en français la lit. */
const dateTableur = (jour: string) => `${jour.slice(8, 10)}/${jour.slice(5, 7)}/${jour.slice(0, 4)}`;

/** Une valeur avec une virgule décimale, sans séparateur de milliers ; une part en pourcentage (0,42 → 42). */
function valeurTableur(l: Pick<LigneRapport, 'valeur' | 'unite'>): string {
  if (l.valeur === null) return '';
  const v = l.unite === 'part' ? l.valeur * 100 : l.valeur;
  return String(Math.round(v * 10) / 10).replace('.', ',');
}

/**
 * Les mêmes indicateurs pour un tableur en français (le lien de la page « Évaluations ») :
 * Programme ; Du ; Au ; Thème ; Indicateur ; Valeur ; Unité ; Dossiers — le programme par son nom,
 * le thème (la section du rapport), des dates JJ/MM/AAAA, une virgule décimale, les parts en
 * pourcentage ; ni code ni identifiant. Le CSV de l'API (`indicateursCsv`) garde ses colonnes stables.
 */
export const COLONNES_TABLEUR = ['Programme', 'Du', 'Au', 'Thème', 'Indicateur', 'Valeur', 'Unité', 'Dossiers'] as const;

export function indicateursTableur(ind: Indicateurs, types: TypeParcours[], nomProgramme: string): string {
  const lignes = [COLONNES_TABLEUR.join(';')];
  for (const s of sectionsIndicateurs(ind, types)) {
    for (const l of s.lignes) {
      lignes.push(
        [
          nomProgramme,
          dateTableur(ind.periode.du),
          dateTableur(ind.periode.au),
          s.titre,
          l.libelle,
          valeurTableur(l),
          UNITES_TABLEUR[l.unite],
          (l.references ?? []).join(' '),
        ]
          .map(celluleCsv)
          .join(';'),
      );
    }
  }
  return `\uFEFF${lignes.join('\r\n')}\r\n`;
}

// ---- Graphiques SVG ----------------------------------------------------------------------------

const BLEU = '#000091';

/** L'entonnoir (barres horizontales centrées, de la plus large à la plus étroite). */
export function svgEntonnoir(e: Indicateurs['entonnoir']): Brut {
  const largeur = 640;
  const hauteurBarre = 34;
  const max = Math.max(1, ...e.map((x) => x.nombre));
  const h = e.length * (hauteurBarre + 10) + 10;
  const barres = e.map((x, i) => {
    const w = Math.max(2, Math.round((x.nombre / max) * 360));
    const y = 10 + i * (hauteurBarre + 10);
    return html`<g><rect x="${260 + (360 - w) / 2}" y="${y}" width="${w}" height="${hauteurBarre}" fill="${BLEU}" opacity="${1 - i * 0.12}"></rect>
<text x="250" y="${y + hauteurBarre / 2 + 5}" text-anchor="end" font-size="14" fill="#161616">${x.libelle}</text>
<text x="${440}" y="${y + hauteurBarre / 2 + 5}" text-anchor="middle" font-size="14" font-weight="700" fill="${x.nombre / max > 0.15 ? '#ffffff' : '#161616'}">${nombre.format(x.nombre)}</text></g>`;
  });
  const resume = e.map((x) => `${x.libelle} : ${x.nombre}`).join(', ');
  return html`<svg role="img" aria-labelledby="titre-entonnoir" viewBox="0 0 ${largeur} ${h}" width="100%" style="max-width:${largeur}px" xmlns="http://www.w3.org/2000/svg"><title id="titre-entonnoir">Entonnoir du repérage à l’issue : ${resume}</title>${barres}</svg>`;
}

/** L'histogramme du délai de premier contact. */
export function svgHistogramme(t: Indicateurs['contacts']['distribution']): Brut {
  const largeur = 640;
  const haut = 220;
  const max = Math.max(1, ...t.map((x) => x.nombre));
  const pas = (largeur - 40) / t.length;
  const barres = t.map((x, i) => {
    const hb = Math.round((x.nombre / max) * (haut - 70));
    const xg = 30 + i * pas + 6;
    return html`<g><rect x="${xg}" y="${haut - 40 - hb}" width="${pas - 12}" height="${hb}" fill="${BLEU}"></rect>
<text x="${xg + (pas - 12) / 2}" y="${haut - 46 - hb}" text-anchor="middle" font-size="13" font-weight="700" fill="#161616">${x.nombre}</text>
<text x="${xg + (pas - 12) / 2}" y="${haut - 20}" text-anchor="middle" font-size="11" fill="#161616">${x.libelle}</text></g>`;
  });
  const resume = t.map((x) => `${x.libelle} : ${x.nombre}`).join(', ');
  return html`<svg role="img" aria-labelledby="titre-histogramme" viewBox="0 0 ${largeur} ${haut}" width="100%" style="max-width:${largeur}px" xmlns="http://www.w3.org/2000/svg"><title id="titre-histogramme">Délai du premier contact : ${resume}</title><line x1="30" y1="${haut - 40}" x2="${largeur - 10}" y2="${haut - 40}" stroke="#3a3a3a"></line>${barres}</svg>`;
}

// ---- Page HTML ---------------------------------------------------------------------------------

export function rapportHtml(r: Rapport, liens: { pdf?: string; csv?: string; partenaires?: string } = {}): Brut {
  const ind = r.indicateurs;
  const sections = r.sections.map(
    (s) => html`<h2>${s.titre}</h2>
<table><thead><tr><th scope="col">Indicateur</th><th scope="col">Valeur</th>${r.pourPartenaires ? '' : html`<th scope="col">Dossiers</th>`}</tr></thead><tbody>
${s.lignes.map(
  (l) =>
    html`<tr><td>${l.libelle}</td><td>${formaterValeur(l)}</td>${r.pourPartenaires ? '' : html`<td>${l.references?.length ? html`<details><summary>${l.references.length} dossier${l.references.length > 1 ? 's' : ''}</summary><p>${l.references.join(', ')}</p></details>` : '—'}</td>`}</tr>`,
)}
</tbody></table>`,
  );
  const prevention = r.programme.typeParcours === 'prevention_precontentieuse';
  return html`<h1>${r.titre}</h1>
<p class="encadre">${LIBELLES_TYPE_PARCOURS[r.programme.typeParcours]} — ${r.programme.territoire}. Période ${r.libellePeriode}. Calculé le ${dateFr(jourDeParis(r.genereLe))} à partir des parcours eux-mêmes (${ind.fichesLues} parcours du programme concernés par la période${r.bailleur ? `, ménages de ${r.bailleur} seulement` : ''}).${r.pourPartenaires ? ' Version pour les partenaires : chiffres agrégés, sans aucun dossier nominatif ni référence.' : ''}</p>
${r.notesPeriode.map((n) => html`<p class="aide">${n}</p>`)}
${
  r.chiffresCles.length
    ? html`<h2>Chiffres clés</h2>
<ul class="chiffres-cles">${r.chiffresCles.map((l) => html`<li>${l.libelle} : <strong>${texteChiffreCle(l)}</strong></li>`)}</ul>`
    : ''
}
${liens.pdf || liens.csv || liens.partenaires ? html`<p>${liens.pdf ? html`<a href="${liens.pdf}">Télécharger le PDF</a>` : ''}${liens.csv ? html` · <a href="${liens.csv}">Les chiffres pour un tableur (CSV)</a>` : ''}${liens.partenaires ? html` · <a href="${liens.partenaires}">Version pour les partenaires</a>` : ''}</p>` : ''}
<h2>Du repérage à l’issue</h2>
${svgEntonnoir(ind.entonnoir)}
${
  prevention
    ? html`<h2>Délai du premier contact</h2>
<p>Médiane : ${formaterValeur({ valeur: ind.contacts.delaiJours.mediane, unite: 'jours' })} ; dans le délai du programme : ${formaterValeur({ valeur: ind.contacts.partDansLeDelai, unite: 'part' })}.</p>
${svgHistogramme(ind.contacts.distribution)}`
    : ''
}
${sections}`;
}

// ---- PDF ---------------------------------------------------------------------------------------

/** Les caractères que l'encodage WinAnsi des polices standard (Helvetica) sait écrire, en plus du Latin-1. */
const WIN_ANSI = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REMPLACEMENTS: Record<string, string> = {
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2007': ' ',
  '\u2011': '-',
  '\u2010': '-',
  '→': '->',
  '≤': '<=',
  '≥': '>=',
  '\u2026': '…',
};

/** Un texte que Helvetica (WinAnsi) peut écrire : espaces fines, flèches… remplacées. */
export function texteWinAnsi(s: string): string {
  let r = '';
  for (const ch of s) {
    const c = REMPLACEMENTS[ch] ?? ch;
    const code = c.codePointAt(0)!;
    r += c.length > 1 || code < 0x100 || WIN_ANSI.has(c) ? c : '?';
  }
  return r;
}

export function rapportPdf(r: Rapport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: 'fr-FR',
    info: { Title: texteWinAnsi(r.titre), Author: 'Plateforme des parcours de prévention des expulsions' },
  });
  const morceaux: Buffer[] = [];
  doc.on('data', (b: Buffer) => morceaux.push(b));
  const fini = new Promise<Buffer>((ok, ko) => {
    doc.on('end', () => ok(Buffer.concat(morceaux)));
    doc.on('error', ko);
  });
  const t = texteWinAnsi;
  const ind = r.indicateurs;
  const largeur = doc.page.width - 100;
  const place = (h: number) => {
    if (doc.y + h > doc.page.height - 60) doc.addPage();
  };

  doc.font('Helvetica-Bold').fontSize(17).fillColor(BLEU).text(t(r.titre));
  doc.moveDown(0.4).font('Helvetica').fontSize(10).fillColor('#161616');
  doc.text(t(`${LIBELLES_TYPE_PARCOURS[r.programme.typeParcours]} — ${r.programme.territoire}. Période ${r.libellePeriode}.`));
  doc.text(
    t(`Calculé le ${dateFr(jourDeParis(r.genereLe))} à partir des parcours eux-mêmes (${ind.fichesLues} parcours du programme concernés par la période).`),
  );
  if (r.pourPartenaires) doc.text(t('Version pour les partenaires : chiffres agrégés, sans aucun dossier nominatif ni référence.'));
  for (const n of r.notesPeriode) doc.moveDown(0.2).text(t(n));
  if (r.chiffresCles.length) {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor(BLEU).text(t('Chiffres clés'));
    doc.moveDown(0.2).fontSize(10).fillColor('#161616');
    for (const l of r.chiffresCles) {
      doc
        .font('Helvetica')
        .text(t(`${l.libelle} : `), { continued: true })
        .font('Helvetica-Bold')
        .text(t(texteChiffreCle(l)));
    }
  }

  // Entonnoir.
  doc.moveDown(1).font('Helvetica-Bold').fontSize(13).fillColor(BLEU).text(t('Du repérage à l’issue'));
  const maxE = Math.max(1, ...ind.entonnoir.map((x) => x.nombre));
  place(ind.entonnoir.length * 26 + 10);
  let y = doc.y + 6;
  for (const [i, x] of ind.entonnoir.entries()) {
    const w = Math.max(2, (x.nombre / maxE) * 260);
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor('#161616')
      .text(t(x.libelle), 50, y + 6, { width: 170, align: 'right' });
    doc
      .rect(230 + (260 - w) / 2, y, w, 20)
      .fillOpacity(1 - i * 0.12)
      .fill(BLEU)
      .fillOpacity(1);
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .fillColor('#161616')
      .text(t(nombre.format(x.nombre)), 500, y + 5, { width: 45 });
    y += 26;
  }
  doc.x = 50;
  doc.y = y + 6;

  // Histogramme du délai de premier contact.
  if (r.programme.typeParcours === 'prevention_precontentieuse') {
    place(190);
    doc.font('Helvetica-Bold').fontSize(13).fillColor(BLEU).text(t('Délai du premier contact'), 50);
    doc
      .font('Helvetica')
      .fontSize(10)
      .fillColor('#161616')
      .text(
        t(
          `Médiane : ${formaterValeur({ valeur: ind.contacts.delaiJours.mediane, unite: 'jours' })} ; dans le délai du programme : ${formaterValeur({ valeur: ind.contacts.partDansLeDelai, unite: 'part' })}.`,
        ),
      );
    const d = ind.contacts.distribution;
    const maxH = Math.max(1, ...d.map((x) => x.nombre));
    const base = doc.y + 120;
    const pas = largeur / d.length;
    for (const [i, x] of d.entries()) {
      const hb = (x.nombre / maxH) * 95;
      const xg = 50 + i * pas + 6;
      doc.rect(xg, base - hb, pas - 12, hb).fill(BLEU);
      doc
        .font('Helvetica-Bold')
        .fontSize(9)
        .fillColor('#161616')
        .text(String(x.nombre), xg, base - hb - 12, { width: pas - 12, align: 'center' });
      doc
        .font('Helvetica')
        .fontSize(8)
        .text(t(x.libelle), xg - 4, base + 4, { width: pas - 4, align: 'center' });
    }
    doc
      .moveTo(50, base)
      .lineTo(50 + largeur, base)
      .strokeColor('#3a3a3a')
      .stroke();
    doc.x = 50;
    doc.y = base + 30;
  }

  // Tableaux.
  for (const s of r.sections) {
    place(50);
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12).fillColor(BLEU).text(t(s.titre), 50);
    doc.moveDown(0.2);
    for (const l of s.lignes) {
      const refs = !r.pourPartenaires && l.references?.length ? l.references.join(', ') : '';
      const hRefs = refs
        ? doc
            .font('Helvetica')
            .fontSize(7.5)
            .heightOfString(t(refs), { width: largeur - 20 })
        : 0;
      place(16 + hRefs);
      const y0 = doc.y;
      doc
        .font('Helvetica')
        .fontSize(9.5)
        .fillColor('#161616')
        .text(t(l.libelle), 50, y0, { width: largeur - 90 });
      const y1 = doc.y;
      doc.font('Helvetica-Bold').text(t(formaterValeur(l)), 50 + largeur - 85, y0, { width: 85, align: 'right' });
      doc.y = Math.max(y1, doc.y);
      if (refs)
        doc
          .font('Helvetica')
          .fontSize(7.5)
          .fillColor('#3a3a3a')
          .text(t(`Dossiers : ${refs}`), 60, doc.y, { width: largeur - 20 });
      doc
        .moveTo(50, doc.y + 2)
        .lineTo(50 + largeur, doc.y + 2)
        .strokeColor('#dddddd')
        .stroke();
      doc.y += 4;
    }
  }
  doc.end();
  return fini;
}
