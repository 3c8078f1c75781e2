/**
 * Les réglages d'un programme dans les mots du terrain : chaque délai, option, quota et règle
 * d'éligibilité a son libellé (la page des réglages, l'historique des versions, les erreurs). Une
 * clé sans libellé ici s'affiche « Autre réglage » : jamais sa clé.
 */

/** Les délais dans l'ordre où les parcours les rencontrent (la page des réglages suit cet ordre). */
export const LIBELLES_DELAIS: Record<string, string> = {
  // Prévention précontentieuse
  comiteDeSuivi: 'Réponse du comité de suivi',
  contact: 'Prise de contact avec le ménage',
  premiereVisite: 'Première visite à domicile (depuis la désignation)',
  secondeVisite: 'Seconde visite après une première sans réponse',
  diagnostic: 'Diagnostic social',
  planAide: 'Plan d’aide (après le diagnostic)',
  validationDepartement: 'Validation de l’ASLL par le département',
  validationBailleur: 'Validation du plan avec le référent du bailleur (étude conjointe)',
  informationPartenaires: 'Information des partenaires',
  pointSuivi: 'Intervalle entre deux points de suivi',
  suivi: 'Durée de l’accompagnement',
  veilleActive: 'Durée de la veille active',
  // IML sortie de structure avec bail glissant
  validationSiao: 'Validation de la candidature par le SIAO',
  rechercheLogement: 'Recherche d’un logement',
  glissement: 'Glissement du bail',
  prolongation: 'Durée d’une prolongation',
  prolongationMax: 'Durée maximale avant glissement, prolongations comprises',
  // Protocole post-résiliation
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
  // Les trois parcours
  saisieBilan: 'Saisie d’un bilan après sa date',
  rappelAvant: 'Rappel avant une échéance',
};

/** Rang d'un délai dans le parcours (ordre de `LIBELLES_DELAIS`) ; un délai inconnu vient après. */
export const rangDuDelai = (cle: string): number => {
  const i = Object.keys(LIBELLES_DELAIS).indexOf(cle);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
};

/**
 * Les délais dont l'échéance reçoit le rappel du programme (« rappelAvant ») : ceux que les
 * workflows suivent avec `rappelAvant` (workflows/*.ts). Un rappel aussi long que l'un d'eux ne
 * partirait jamais : la page des réglages le refuse.
 */
export const DELAIS_RAPPELES = [
  'contact',
  'premiereVisite',
  'secondeVisite',
  'diagnostic',
  'planAide',
  'suivi',
  'saisieBilan',
  'rechercheLogement',
  'signatureProtocole',
  'visite',
  'orientation',
] as const;

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
  validationDansLeDelaiDuPlan: 'Validation de l’ASLL par le département dans le délai du plan d’aide',
  visiteMalgreContact: 'Visite à domicile même après un premier contact par téléphone ou courrier',
  partageServiceSocialDepartement: 'Les situations déjà accompagnées par le service social du département restent chez lui',
  etudeConjointeBailleur:
    'Étude conjointe avec la conseillère sociale du bailleur (diagnostic mené ensemble, plan validé aux points réguliers avec le référent du bailleur)',
};

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
