/**
 * Les libellés français des valeurs d'énumération (« visite_domicile » → « Visite à domicile ») et
 * la mise en forme des montants : partagés par les pages (web/), les documents (documents/) et les
 * textes des parcours (journal, courriels). Aucune dépendance hors domain/ : utilisable dans un workflow.
 */
import { LIBELLES_ISSUES } from './vocabulaire';
import { LIBELLES_STADES_PROCEDURE } from './prevention';
import { LIBELLES_AXES, LIBELLES_ORIENTATIONS, TYPOLOGIES, libelleTypologie } from './iml';

/** Les libellés d'un domaine, la première lettre en majuscule (« accès aux droits » → « Accès aux droits »). */
function enTete(l: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.charAt(0).toUpperCase() + v.slice(1)]));
}

export const LIBELLES_VALEURS: Record<string, string> = {
  // IML : axes de l'accompagnement, orientations, freins à la sortie (les libellés du domaine, avec
  // une majuscule ; une valeur nommée plus bas garde son libellé)
  ...enTete(LIBELLES_AXES),
  ...enTete(LIBELLES_ORIENTATIONS),
  logement_inadapte: 'Logement inadapté',
  dette: 'Dette',
  ressources: 'Ressources',
  isolement: 'Isolement',
  // Typologies de logement, comme on les écrit (« T1 bis »)
  ...Object.fromEntries(TYPOLOGIES.map((t) => [t, libelleTypologie(t)])),
  // compositions
  personne_seule: 'Personne seule',
  couple: 'Couple',
  couple_avec_enfants: 'Couple avec enfants',
  famille_monoparentale: 'Famille monoparentale',
  autre: 'Autre',
  // services qui orientent un ménage (fiche d'orientation d'un partenaire)
  proximite: 'Service de proximité (gardien, agence)',
  recouvrement: 'Recouvrement',
  contentieux: 'Contentieux',
  action_sociale: 'Chargée d’action sociale du bailleur',
  service_social: 'Service social (département, CCAS)',
  // garanties
  aucune: 'Aucune',
  fsl: 'FSL',
  loca_pass: 'Loca-Pass',
  visale: 'Visale',
  // contact
  courrier: 'Courrier',
  telephone: 'Téléphone',
  visite_domicile: 'Visite à domicile',
  rendez_vous_bureau: 'Rendez-vous au bureau',
  courriel: 'Courriel',
  matin: 'Matin',
  apres_midi: 'Après-midi',
  soir: 'Soir',
  week_end: 'Week-end',
  joint: 'Ménage joint',
  absent: 'Absent',

  injoignable: 'Injoignable',
  adresse_erronee: 'Adresse erronée',
  // plan
  ouverture_droits: 'Ouverture de droits',
  budget: 'Travail sur le budget',
  plan_apurement: 'Plan d’apurement',
  surendettement: 'Dossier de surendettement',
  demande_mutation: 'Demande de mutation',
  sante: 'Santé',
  emploi: 'Emploi',
  soutien_psychologique: 'Soutien psychologique',
  accompagnement_educatif: 'Accompagnement éducatif (économies, hygiène, aménagement du logement)',
  mediation_environnement: 'Médiation avec l’environnement (lien social, rompre l’isolement)',
  asll: 'ASLL',
  conseillere_sociale_bailleur: 'Conseillère sociale du bailleur',
  pass_assistance: 'Pass assistance',
  services_sociaux_specialises: 'Services sociaux spécialisés',
  professionnels_sante: 'Professionnels de santé',
  reseau_sante_ville: 'Réseau santé ville (CMP, services infirmiers)',
  totale: 'Totale',
  partielle: 'Partielle',
  // IML
  alt: 'ALT',
  pension_de_famille: 'Pension de famille',
  chrs: 'CHRS',
  logement_urgence: 'Logement d’urgence',
  hotel: 'Hôtel (nuitées)',
  public: 'Public',
  prive: 'Privé',
  rendez_vous: 'Rendez-vous',
  lien_partenaire: 'Lien avec un partenaire',
  mediation_bailleur: 'Médiation avec le bailleur',
  paye: 'Payé',
  partiel: 'Partiel',
  impaye: 'Impayé',
  regulier: 'Régulier',
  irregulier: 'Irrégulier',
  impayes: 'Impayés',
  stable: 'Stable',
  fragile: 'Fragile',
  degradee: 'Dégradée',
  poursuivre: 'Poursuivre 6 mois',
  glissement: 'Glissement du bail',
  prolongation: 'Prolongation motivée',
  validee: 'Validée',
  refusee: 'Refusée',
  hebergement: 'Hébergement',
  residence_sociale: 'Résidence sociale',
  logement_adapte: 'Logement adapté',
  // La suite d'une validation restée sans réponse du département.
  relancer: 'Relancer le département : nouvelle demande, nouveau délai',
  reviser: 'Revoir le plan avec le ménage (le département a fait savoir pourquoi)',
  // La décision du comité de suivi (reims-april).
  integrer: 'Intégrer le ménage : l’accompagnement commence',
  ne_pas_integrer: 'Ne pas intégrer le ménage (motif obligatoire)',
  ...LIBELLES_STADES_PROCEDURE,
  ...LIBELLES_ISSUES,
};

/**
 * Dernier recours pour un identifiant sans libellé : « visite_domicile » → « Visite domicile ».
 * Tout identifiant qui atteint une page a son libellé (LIBELLES_CHAMPS, LIBELLES_VALEURS) ; ce repli
 * ne sert qu'à ne jamais montrer l'identifiant brut.
 */
export function humaniser(id: string): string {
  const mots = id
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
  return mots.charAt(0).toUpperCase() + mots.slice(1);
}

export const libelleValeur = (v: string): string => LIBELLES_VALEURS[v] ?? humaniser(v);

/** Le libellé d'une valeur au fil d'une phrase : « visite à domicile », mais « FSL », « ASLL ». */
export const libelleValeurMinuscule = (v: string): string => {
  const l = libelleValeur(v);
  return /^[A-ZÀ-Ý]{2,}\b/.test(l) ? l : l.charAt(0).toLowerCase() + l.slice(1);
};

/** Une liste de valeurs au fil d'une phrase : « ouverture de droits, plan d’apurement, FSL ». */
export const listeValeurs = (vs: readonly string[]): string => (vs.length ? vs.map(libelleValeurMinuscule).join(', ') : 'aucune');

/** Le seul format des montants : « 3 450 € », « 812,40 € », « 1 240,50 € » (espaces insécables). */
export function euros(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return 'non renseigné';
  return new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: Number.isInteger(n) ? 0 : 2 }).format(n);
}

/**
 * « 1 ménage suivi », « 2 ménages suivis », « 1 200 lignes » : le nombre écrit à la française et ses
 * mots accordés (singulier jusqu'à 1).
 */
/**
 * « à » ou « de » devant un nom propre (personne, organisation), comme on l'écrit : « au Foyer
 * Rémois », « des Compagnons », « d’Anne Moreau », « de Sophie Martin », « à La Maison du Port ».
 */
export function devantUnNom(preposition: 'à' | 'de', nom: string): string {
  const m = /^(Le|Les) (.+)$/.exec(nom);
  if (m) return `${preposition === 'à' ? (m[1] === 'Le' ? 'au' : 'aux') : m[1] === 'Le' ? 'du' : 'des'} ${m[2]}`;
  if (preposition === 'de' && /^[AEIOUYÀÂÉÈÊÎÔÛaeiouyàâéèêîôû]/.test(nom)) return `d’${nom}`;
  return `${preposition} ${nom}`;
}

/** « 1 octobre 2025 » (Intl) → « 1er octobre 2025 » : le premier du mois s'écrit ainsi. */
export const premierDuMois = (date: string): string => date.replace(/(^|\s)1(?= \p{L})/u, '$11er');

export const nombreDe = (n: number, singulier: string, pluriel: string): string =>
  `${n.toLocaleString('fr-FR', { maximumFractionDigits: 0 })} ${n > 1 ? pluriel : singulier}`;

/**
 * Une personne du personnel nommée dans un texte écrit par un parcours (courriel, journal) : le
 * parcours ne connaît que son identifiant de connexion ; son nom est mis là où le texte est lu
 * (l'activité d'envoi, la page, l'API), d'après l'annuaire du moment.
 */
export const mentionPersonnel = (id: string): string => `⟦personnel:${id}⟧`;

const MENTION = /⟦personnel:([^⟧]+)⟧/g;

/** Les identifiants mentionnés dans un texte. */
export const personnesMentionnees = (texte: string): string[] => [...texte.matchAll(MENTION)].map((m) => m[1]!);

/** Le texte avec le nom de chaque personne mentionnée (« un membre de l’équipe » pour un compte disparu). */
export function nommerPersonnel(texte: string, nom: (id: string) => string | undefined): string {
  return texte.includes('⟦') ? texte.replace(MENTION, (_, id: string) => nom(id) ?? 'un membre de l’équipe') : texte;
}
