/**
 * Les réglages d'un programme dans les mots du terrain : chaque délai, option, quota et règle
 * d'éligibilité a son libellé (la page des réglages, l'historique des versions, les erreurs). Une
 * clé sans libellé ici s'affiche « Autre réglage » : jamais sa clé.
 */

import { ETAPES_CONNUES } from './actions';
import type { TypeParcours } from './vocabulaire';

export const LIBELLES_DELAIS: Record<string, string> = {
  comiteDeSuivi: 'Réponse du comité de suivi',
  contact: 'Prise de contact avec le ménage',
  premiereVisite: 'Première visite à domicile (depuis la désignation)',
  secondeVisite: 'Seconde visite après une première sans réponse',
  diagnostic: 'Diagnostic social',
  planAide: 'Plan d’aide (après le diagnostic)',
  validationBailleur: 'Validation du plan avec le référent du bailleur (étude conjointe)',
  validationDepartement: 'Validation de l’ASLL par le département',
  informationPartenaires: 'Information des partenaires',
  pointSuivi: 'Intervalle entre deux points de suivi',
  saisieBilan: 'Saisie d’un bilan après sa date',
  suivi: 'Durée de l’accompagnement',
  veilleActive: 'Durée de la veille active',
  validationSiao: 'Validation de la candidature par le SIAO',
  rechercheLogement: 'Recherche d’un logement',
  glissement: 'Glissement du bail',
  prolongation: 'Durée d’une prolongation',
  prolongationMax: 'Durée maximale avant glissement, prolongations comprises',
  signatureProtocole: 'Signature du protocole',
  dureeMax: 'Durée maximale du protocole',
  avenantMax: 'Durée maximale avec avenant',
  paiement: 'Échéance de paiement',
  reponsePaiement: 'Réponse du bailleur sur un paiement',
  bilan: 'Intervalle entre deux bilans',
  visite: 'Visite de suivi',
  reponseManquements: 'Réponse aux manquements signalés',
  nouveauBail: 'Signature du nouveau bail',
  orientation: 'Orientation après la fin du protocole',
  rappelAvant: 'Rappel avant une échéance',
};

/**
 * Les délais qu'un parcours prend quand son programme ne les règle pas (workflows/*.ts et la
 * simulation les lisent ici) : ceux dont l'échéance reçoit le rappel du programme.
 */
export const DELAIS_PAR_DEFAUT = {
  prevention_precontentieuse: { saisieBilan: 'P2W' },
  iml_bail_glissant: { saisieBilan: 'P3W' },
  protocole_post_resiliation: { orientation: 'P1M' },
} as const;

/**
 * Pour chaque type de parcours, l'étape (`ETAPES_CONNUES`, domain/actions.ts) où le parcours
 * rencontre chacun de ses délais : la page des réglages les montre dans l'ordre de ces étapes (dans
 * une même étape, l'ordre de cette table). `rappele` : l'échéance de ce délai reçoit le rappel du
 * programme (« rappelAvant ») dans les workflows (workflows/*.ts, `rappelAvant: d.rappelAvant`) ;
 * `defaut` : sa durée quand le programme ne le règle pas.
 * Le rappel lui-même, qui vaut pour toutes ces échéances, vient après les délais.
 */
export const DELAIS_DU_PARCOURS: Record<TypeParcours, Record<string, { etape: string; rappele?: true; defaut?: string }>> = {
  prevention_precontentieuse: {
    comiteDeSuivi: { etape: 'comite_de_suivi' },
    contact: { etape: 'aller_vers', rappele: true },
    premiereVisite: { etape: 'aller_vers', rappele: true },
    secondeVisite: { etape: 'aller_vers', rappele: true },
    diagnostic: { etape: 'diagnostic', rappele: true },
    planAide: { etape: 'plan_aide', rappele: true },
    validationBailleur: { etape: 'validation_bailleur' },
    validationDepartement: { etape: 'validation_departement' },
    informationPartenaires: { etape: 'information_partenaires' },
    pointSuivi: { etape: 'suivi' },
    saisieBilan: { etape: 'suivi', rappele: true, defaut: DELAIS_PAR_DEFAUT.prevention_precontentieuse.saisieBilan },
    suivi: { etape: 'suivi', rappele: true },
    // La veille active commence à la clôture de l'accompagnement.
    veilleActive: { etape: 'cloture' },
  },
  iml_bail_glissant: {
    validationSiao: { etape: 'validation_siao' },
    rechercheLogement: { etape: 'recherche_logement', rappele: true },
    saisieBilan: { etape: 'bilan_mesure', rappele: true, defaut: DELAIS_PAR_DEFAUT.iml_bail_glissant.saisieBilan },
    glissement: { etape: 'evaluation_glissement' },
    prolongation: { etape: 'prolongation' },
    prolongationMax: { etape: 'prolongation' },
  },
  protocole_post_resiliation: {
    signatureProtocole: { etape: 'signature_protocole', rappele: true },
    dureeMax: { etape: 'suivi_protocole' },
    avenantMax: { etape: 'suivi_protocole' },
    paiement: { etape: 'suivi_protocole' },
    reponsePaiement: { etape: 'suivi_protocole' },
    bilan: { etape: 'suivi_protocole' },
    visite: { etape: 'suivi_protocole', rappele: true },
    reponseManquements: { etape: 'suivi_protocole' },
    nouveauBail: { etape: 'nouveau_bail' },
    orientation: { etape: 'rupture', rappele: true, defaut: DELAIS_PAR_DEFAUT.protocole_post_resiliation.orientation },
  },
};

/**
 * Les délais d'un programme dans l'ordre où son parcours les rencontre (l'ordre des étapes de son
 * type) ; le rappel avant une échéance et un délai inconnu du type viennent après.
 */
export function delaisDansLOrdreDuParcours(type: TypeParcours, cles: readonly string[]): string[] {
  const table = DELAIS_DU_PARCOURS[type];
  const etapes = ETAPES_CONNUES[type];
  const dansLaTable = Object.keys(table);
  const rang = (cle: string): [number, number] => {
    const d = table[cle];
    if (!d) return [cle === 'rappelAvant' ? etapes.length + 1 : etapes.length, 0];
    return [etapes.indexOf(d.etape), dansLaTable.indexOf(cle)];
  };
  return [...cles].sort((a, b) => {
    const [ea, ia] = rang(a);
    const [eb, ib] = rang(b);
    return ea - eb || ia - ib || a.localeCompare(b);
  });
}

/**
 * Les délais d'un type de parcours dont l'échéance reçoit le rappel du programme, avec leur durée :
 * celle du programme, sinon celle que le parcours prend sans réglage (`defaut`, signalé).
 */
export const delaisRappeles = (type: TypeParcours, delais: Readonly<Record<string, string>>): Array<{ cle: string; duree: string; parDefaut: boolean }> =>
  Object.entries(DELAIS_DU_PARCOURS[type]).flatMap(([cle, d]): Array<{ cle: string; duree: string; parDefaut: boolean }> => {
    if (!d.rappele) return [];
    if (delais[cle]) return [{ cle, duree: delais[cle], parDefaut: false }];
    return d.defaut ? [{ cle, duree: d.defaut, parDefaut: true }] : [];
  });

export const LIBELLES_JALONS: Record<string, string> = {
  bilans: 'Bilans (depuis le début de l’accompagnement)',
  pointsSuivi: 'Points de suivi mensuels (depuis le début de l’accompagnement)',
};

export const LIBELLES_OPTIONS: Record<string, string> = {
  comiteDeSuivi: 'Comité de suivi avant l’accompagnement',
  designationCommissionImpayes: 'Situations désignées par la commission impayés',
  prioriteMenagesIsoles: 'Priorité aux ménages isolés',
  veilleActive: 'Veille active après l’accompagnement',
  entretienTripartite: 'Entretien tripartite avec le bailleur',
  clotureSansContact: 'Clôture sans contact au terme du délai',
  refusNeClotPas: 'Un refus du ménage n’arrête pas la prise de contact (rencontre malgré les réticences)',
  delaisDepuisSignalement: 'Le délai de contact court depuis le signalement du bailleur (orientation reçue), pas depuis son acceptation',
  validationDansLeDelaiDuPlan: 'Validation de l’ASLL par le département dans le délai du plan d’aide',
  visiteMalgreContact: 'Visite à domicile même après un premier contact par téléphone ou courrier',
  partageServiceSocialDepartement: 'Les situations déjà accompagnées par le service social du département restent chez lui',
  joursFeriesAlsaceMoselle: 'Jours fériés d’Alsace-Moselle (Vendredi saint, 26 décembre) pour les dates limites des partenaires',
  etudeConjointeBailleur:
    'Étude conjointe avec la conseillère sociale du bailleur (diagnostic mené ensemble, plan validé aux points réguliers avec le référent du bailleur)',
};

/**
 * Les options que tout programme peut prendre, quel que soit son type de parcours et même si son
 * fichier ne les nomme pas : ses réglages les proposent, décochées (le calendrier d'Alsace-Moselle).
 */
export const OPTIONS_DE_TOUT_PROGRAMME = ['joursFeriesAlsaceMoselle'] as const;

/** Les options d'un programme telles que ses réglages les proposent : les siennes, puis celles de tout programme. */
export const optionsProposees = (options: Readonly<Record<string, boolean>>): Record<string, boolean> => ({
  ...Object.fromEntries(OPTIONS_DE_TOUT_PROGRAMME.map((cle) => [cle, false])),
  ...options,
});

export const LIBELLES_QUOTAS: Record<string, string> = {
  mesuresActives: 'Mesures actives à la fois (agrément DDETS)',
  loyersImpayesAvantAlerte: 'Loyers impayés avant alerte',
  impayesAvantAlerte: 'Échéances impayées avant alerte',
  situationsParAn: 'Situations par an',
  coutParSituationEuros: 'Coût par situation (euros)',
  coutAnnuelEuros: 'Coût annuel du projet (euros)',
  etpAccompagnement: 'Travailleurs sociaux sur l’action (ETP)',
  fileActiveParBailleur: 'File active par bailleur (ménages)',
  visitesMoyennesAvantContact: 'Visites en moyenne avant le contact',
};

export const LIBELLES_ELIGIBILITE: Record<string, string> = {
  sansGarantie: 'Ménage sans garantie (FSL, Visale…)',
  impayesMinimumMois: 'Impayés d’au moins (mois)',
  ancienneteBailMax: 'Bail signé depuis moins de',
  sansContactBailleur: 'Ménage sans contact avec le bailleur',
};

export const LIBELLE_RAPPELS_VALIDATION = 'Rappels d’une demande de validation (depuis l’envoi)';
export const LIBELLE_CONSERVATION = 'Conservation d’un dossier clos';
export const LIBELLE_PARTAGE_DIAGNOSTIC = 'Partage du diagnostic avec le bailleur';
export const LIBELLE_CONSENTEMENT_REQUIS = 'Seulement avec l’accord du ménage, enregistré dans le dossier';

export const libelleReglage = (table: Record<string, string>, cle: string): string => table[cle] ?? 'Autre réglage';

/** Les unités proposées pour un délai, de la plus petite à la plus grande. */
export const UNITES_DUREE = [
  { code: 'S', temps: true, un: 'seconde', plusieurs: 'secondes' },
  { code: 'M', temps: true, un: 'minute', plusieurs: 'minutes' },
  { code: 'H', temps: true, un: 'heure', plusieurs: 'heures' },
  { code: 'D', temps: false, un: 'jour', plusieurs: 'jours' },
  { code: 'W', temps: false, un: 'semaine', plusieurs: 'semaines' },
  { code: 'M', temps: false, un: 'mois', plusieurs: 'mois' },
  { code: 'Y', temps: false, un: 'an', plusieurs: 'ans' },
] as const;

export type UniteDuree = (typeof UNITES_DUREE)[number]['plusieurs'];

/** « 3 » + « semaines » → « P3W » ; « 30 » + « secondes » → « PT30S ». */
export function dureeIsoDe(nombre: number, unite: UniteDuree): string {
  const u = UNITES_DUREE.find((x) => x.plusieurs === unite)!;
  return u.temps ? `PT${nombre}${u.code}` : `P${nombre}${u.code}`;
}

/** « P3W » → 3 semaines ; undefined pour une durée composée (« P1M2D ») ou illisible. */
export function nombreEtUnite(iso: string): { nombre: number; unite: UniteDuree } | undefined {
  const m = /^P(?:(\d+)([YMWD])|T(\d+)([HMS]))$/.exec(iso);
  if (!m) return undefined;
  const temps = m[3] !== undefined;
  const code = temps ? m[4] : m[2];
  const u = UNITES_DUREE.find((x) => x.code === code && x.temps === temps)!;
  return { nombre: Number(temps ? m[3] : m[1]), unite: u.plusieurs };
}
