/**
 * Parcours 1 — prévention précontentieuse : les types et les messages (contrats partagés par le
 * workflow et l'API). Voir ../shared/journeys.md, « Journey 1 ».
 */
import { defineUpdate } from '@temporalio/workflow';
import { ajouterDuree, auSoirApres, dateEnFrancais, dureeEnFrancais, enJours, finDuJour, jourDeParis, minuitDeParis } from './durees';
import type { Enveloppe } from './messages';
import { LIBELLES_ISSUES, type IssueCloture, type Menage, type Programme } from './vocabulaire';

export const GARANTIES = ['aucune', 'fsl', 'loca_pass', 'visale'] as const;
export type Garantie = (typeof GARANTIES)[number];
/** Les garanties comme on les écrit (motif de non-éligibilité). */
export const NOMS_GARANTIES: Record<Garantie, string> = { aucune: 'aucune', fsl: 'FSL', loca_pass: 'Loca-Pass', visale: 'Visale' };

/**
 * Le stade de la procédure d'expulsion quand le ménage est orienté (loi du 27 juillet 2023 : le
 * commandement de payer, puis l'assignation devant le juge, le jugement, le commandement de quitter
 * les lieux). Les rapports comptent les procédures évitées selon ce stade.
 */
export const STADES_PROCEDURE = ['precontentieux', 'commandement_de_payer', 'assignation', 'jugement', 'commandement_de_quitter_les_lieux'] as const;
export type StadeProcedure = (typeof STADES_PROCEDURE)[number];
export const LIBELLES_STADES_PROCEDURE: Record<StadeProcedure, string> = {
  precontentieux: 'Précontentieux (aucune procédure engagée)',
  commandement_de_payer: 'Commandement de payer',
  assignation: 'Assignation devant le tribunal',
  jugement: 'Jugement rendu',
  commandement_de_quitter_les_lieux: 'Commandement de quitter les lieux',
};

/** Ce que le coordinateur renseigne à l'orientation (étape 1). */
export interface SituationOrientation {
  /** Loyers mensuels impayés et montant de la dette (€). */
  impayesMois: number;
  montantDette: number;
  debutBail: string; // date ISO (AAAA-MM-JJ)
  garantie: Garantie;
  /** Ce que le bailleur a déjà tenté (relances, visites…). */
  dejaTente: string;
  /** Le bailleur a-t-il pu joindre le ménage ? */
  contactBailleur: boolean;
  /** Un service social suit-il déjà le ménage ? */
  suiviParServiceSocial: boolean;
  /** Le service social du département accompagne déjà le ménage sur ses impayés et garde la situation (besancon-ccas). */
  gardeParServiceSocialDepartement?: boolean;
  /** Ménage isolé (priorité du CCAS de Besançon). */
  isole?: boolean;
  /** Où en est la procédure du bailleur à l'orientation (facultatif). */
  stadeProcedure?: StadeProcedure;
}

export interface EntreePrevention {
  programme: Programme;
  menage: Menage;
  coordinateur: string;
  travailleurSocial?: string;
  situation: SituationOrientation;
  /** Parcours précédent quand celui-ci est ouvert par une rechute pendant la veille active. */
  parcoursPrecedent?: string;
  /**
   * Jour (AAAA-MM-JJ) où la commission impayés a désigné le ménage (besancon-ccas) : les délais
   * d'« aller vers » courent depuis ce jour-là (minuit, heure de Paris), pas depuis le lancement.
   */
  designeLe?: string;
  /**
   * Jour (AAAA-MM-JJ) où le bailleur a signalé l'impayé (son orientation reçue), pour un programme
   * dont les délais en partent (option « delaisDepuisSignalement », loiret-ahu : « dans un délai
   * d'1 mois, à compter du signalement de l'impayé par le bailleur ») : le délai de contact en court
   * (minuit, heure de Paris), et l'éligibilité s'apprécie ce jour-là (« dans les 6 mois après
   * attribution »), pas à l'acceptation de l'orientation.
   */
  signaleLe?: string;
}

export const CANAUX_CONTACT = ['courrier', 'telephone', 'visite_domicile', 'rendez_vous_bureau', 'courriel'] as const;
export const CRENEAUX = ['matin', 'apres_midi', 'soir', 'week_end'] as const;
export const ISSUES_TENTATIVE = ['joint', 'absent', 'refus', 'injoignable', 'adresse_erronee'] as const;

/** Un courrier ou un courriel n'a pas de moment de la journée, et personne n'y est « absent ». */
export const CANAUX_SANS_CRENEAU: ReadonlyArray<(typeof CANAUX_CONTACT)[number]> = ['courrier', 'courriel'];

/**
 * Une tentative qui ne se tient pas : le champ et la raison, en français ; `undefined` si elle se
 * tient. Le même contrôle à l'entrée de l'API (formulaire) et dans le parcours (validateur).
 */
export function incoherenceTentative(t: Pick<TentativeContact, 'canal' | 'creneau' | 'issue'>): { champ: 'creneau' | 'issue'; raison: string } | undefined {
  const sansCreneau = CANAUX_SANS_CRENEAU.includes(t.canal);
  if (!sansCreneau && !t.creneau)
    return { champ: 'creneau', raison: 'Indiquez le créneau (matin, après-midi, soir, week-end) de la visite, de l’appel ou du rendez-vous.' };
  if (sansCreneau && t.issue === 'absent') {
    return {
      champ: 'issue',
      raison: `« Absent » vaut pour une visite, un appel ou un rendez-vous. Pour un ${t.canal === 'courrier' ? 'courrier' : 'courriel'} sans réponse, choisissez « Injoignable » ; pour un ${t.canal === 'courrier' ? 'courrier revenu à l’expéditeur' : 'courriel non remis'}, « Adresse erronée ».`,
    };
  }
  return undefined;
}

/** Un diagnostic terminé se conclut par un carnet de route : au moins une démarche (API et parcours). */
export function incoherenceDiagnostic(x: { termine: boolean; carnetDeRoute?: readonly string[] }): { champ: 'carnetDeRoute'; raison: string } | undefined {
  return x.termine && !x.carnetDeRoute?.length
    ? { champ: 'carnetDeRoute', raison: 'Le diagnostic se conclut par un carnet de route (au moins une démarche).' }
    : undefined;
}

/** Un plan d'aide qui prévoit un plan d'apurement le chiffre : sa mensualité et sa durée. */
export function incoherencePlan(x: {
  actions: readonly string[];
  planApurement?: unknown;
  demandeMutation?: boolean;
}): { champ: 'planApurement' | 'demandeMutation'; raison: string } | undefined {
  if (x.actions.includes('plan_apurement') && !x.planApurement)
    return { champ: 'planApurement', raison: 'Le plan prévoit un plan d’apurement : indiquez sa mensualité et sa durée (en mois).' };
  // Une mensualité sans l'action : le plan partirait chez le bailleur sans que le travailleur social l'ait choisi.
  if (!x.actions.includes('plan_apurement') && x.planApurement)
    return {
      champ: 'planApurement',
      raison: 'Une mensualité et une durée sont indiquées sans l’action « Plan d’apurement » : cochez-la, ou videz ces deux champs.',
    };
  if (x.demandeMutation === false && x.actions.includes('demande_mutation'))
    return { champ: 'demandeMutation', raison: 'L’action « Demande de mutation » est cochée mais la demande est dite « Non » : mettez les deux d’accord.' };
  return undefined;
}

export interface TentativeContact extends Enveloppe {
  canal: (typeof CANAUX_CONTACT)[number];
  /** Le moment de la visite, de l'appel ou du rendez-vous ; sans objet pour un courrier ou un courriel. */
  creneau?: (typeof CRENEAUX)[number];
  issue: (typeof ISSUES_TENTATIVE)[number];
  /** Note interne (confidentielle). */
  note?: string;
}

export interface EntretienDiagnostic extends Enveloppe {
  /** Éléments confiés par le ménage : jamais montrés au bailleur. */
  origineDette: string;
  droits: string;
  budget: string;
  adequationLogement: string;
  /** Premier entretien (fiche 002) : les dispositifs adaptés à la situation présentés au ménage. */
  dispositifsExpliques?: boolean;
  /** Premier entretien (fiche 002) : le ménage informé des procédures qui peuvent être engagées contre lui. */
  proceduresExpliquees?: boolean;
  notes?: string;
  /** Le diagnostic est terminé : il se conclut par un carnet de route. */
  termine: boolean;
  carnetDeRoute?: string[];
}

export const ACTIONS_PLAN = [
  'ouverture_droits',
  'budget',
  'plan_apurement',
  'fsl',
  'surendettement',
  'demande_mutation',
  'sante',
  'emploi',
  'soutien_psychologique',
  'accompagnement_educatif',
  'mediation_environnement',
] as const;
export const ORIENTATIONS_PLAN = [
  'asll',
  'conseillere_sociale_bailleur',
  'pass_assistance',
  'services_sociaux_specialises',
  'professionnels_sante',
  'reseau_sante_ville',
] as const;

export interface PlanAide extends Enveloppe {
  actions: (typeof ACTIONS_PLAN)[number][];
  orientations: (typeof ORIENTATIONS_PLAN)[number][];
  /** Plan d'apurement convenu avec le bailleur (communiqué au bailleur). */
  planApurement?: { mensualite: number; dureeMois: number };
  /** Demande de mutation (communiquée au bailleur). */
  demandeMutation?: boolean;
}

export const REPRISES_PAIEMENT = ['totale', 'partielle', 'aucune'] as const;
export interface Bilan extends Enveloppe {
  reprisePaiement: (typeof REPRISES_PAIEMENT)[number];
  planRespecte: boolean;
  demarches: string[];
  notes?: string;
}

export interface PassageDroitCommun extends Enveloppe {
  service: string;
  /** L'adresse du service qui prend le relais : il reçoit le courriel ; sans elle, les services sociaux du programme. */
  courrielService?: string;
  entretienTripartite: boolean;
}

/**
 * L'entretien tripartite (commun avec le service qui prend le relais) n'est demandé que si le
 * programme le prévoit (option « entretienTripartite », loiret-ahu) : demandé quand même, le passage
 * est refusé avec cette raison (par l'API, à côté du champ, et par le parcours).
 */
export function refusEntretienTripartite(programme: Pick<Programme, 'nom' | 'options'>, x: { entretienTripartite?: boolean }): string | undefined {
  return x.entretienTripartite && !programme.options.entretienTripartite
    ? `Le programme ${programme.nom} ne prévoit pas d’entretien tripartite pour le passage au droit commun.`
    : undefined;
}

export interface Cloture extends Enveloppe {
  issue: IssueCloture;
  motif?: string;
}

export const ISSUES_PREVENTION: IssueCloture[] = [
  'situation_stabilisee',
  'plan_apurement_respecte',
  'orientation_droit_commun',
  'relogement_ou_mutation',
  'menage_met_fin',
  'contact_impossible',
  'refus',
  'depart_du_logement',
];

/** Les étapes d'avant le premier contact avec le ménage. */
const AVANT_LE_CONTACT = ['orientation', 'comite_de_suivi', 'information_menage', 'aller_vers'];

/**
 * Pourquoi une issue ne peut pas clore le parcours là où il en est (rien : elle le peut). Avant le
 * contact, rien n'a été engagé avec le ménage : ni situation stabilisée ni plan respecté ; après,
 * le contact n'est plus « impossible » ; un plan d'apurement respecté suppose un plan qui en prévoit un.
 */
export function raisonIssueImpossible(issue: IssueCloture, etat: { etape: string; details: Readonly<Record<string, unknown>> }): string | undefined {
  const avantContact = AVANT_LE_CONTACT.includes(etat.etape);
  if (avantContact && (issue === 'situation_stabilisee' || issue === 'plan_apurement_respecte'))
    return `Aucun contact n’est encore établi avec le ménage : l’issue « ${LIBELLES_ISSUES[issue]} » suppose un accompagnement. Choisissez par exemple « ${LIBELLES_ISSUES.contact_impossible} » ou « ${LIBELLES_ISSUES.refus} ».`;
  if (!avantContact && issue === 'contact_impossible')
    return `Le contact avec le ménage est établi : l’issue « ${LIBELLES_ISSUES.contact_impossible} » ne convient plus.`;
  const plan = etat.details.plan as { planApurement?: unknown } | undefined;
  if (!avantContact && issue === 'plan_apurement_respecte' && !plan?.planApurement)
    return `Aucun plan d’apurement n’a été enregistré dans le plan d’aide : l’issue « ${LIBELLES_ISSUES.plan_apurement_respecte} » ne convient pas.`;
  return undefined;
}

export const tentativeContactUpdate = defineUpdate<{ etape: string }, [TentativeContact]>('tentativeContact');
export const diagnosticUpdate = defineUpdate<{ etape: string }, [EntretienDiagnostic]>('diagnostic');
export const planAideUpdate = defineUpdate<{ etape: string }, [PlanAide]>('planAide');
export const bilanUpdate = defineUpdate<{ etape: string }, [Bilan]>('bilan');
/**
 * La demande de validation du plan (ASLL) restée sans réponse du département à son échéance : la
 * coordination, alertée, décide de la suite (journeys.md, étape 7 : un refus fait revoir le plan, un
 * silence est escaladé, pas pris pour un refus). Relancer : une nouvelle demande, un nouveau délai ;
 * revoir le plan : avec ce que le département a fait savoir autrement (appel, courrier).
 */
export const SUITES_SANS_REPONSE = ['relancer', 'reviser'] as const;
export interface SuiteSansReponseDepartement extends Enveloppe {
  suite: (typeof SUITES_SANS_REPONSE)[number];
  motif?: string;
}
/** Revoir le plan suppose de dire pourquoi (ce que le département a fait savoir). */
export function incoherenceSuiteSansReponse(x: Pick<SuiteSansReponseDepartement, 'suite' | 'motif'>): { champ: string; raison: string } | undefined {
  if (x.suite === 'reviser' && !x.motif?.trim())
    return { champ: 'motif', raison: 'dites ce que le département a fait savoir (appel, courrier) : le travailleur social revoit le plan avec ce motif' };
  return undefined;
}
export const suiteSansReponseDepartementUpdate = defineUpdate<{ etape: string }, [SuiteSansReponseDepartement]>('suiteSansReponseDepartement');
/**
 * Comité de suivi (reims-april, fiche 004 : « Avant validation en comité de suivi, les partenaires
 * sociaux vérifient que les locataires ne sont pas accompagnés par ailleurs ») : les services sociaux
 * disent par leur lien si le ménage est déjà accompagné, puis la coordination enregistre la décision du
 * comité. Il peut intégrer un ménage déjà suivi (« sas alternatif » quand le droit commun ne répond
 * plus) : le service en charge est alors associé dès l'entrée.
 */
export const DECISIONS_COMITE = ['integrer', 'ne_pas_integrer'] as const;
export interface DecisionComite extends Enveloppe {
  decision: (typeof DECISIONS_COMITE)[number];
  motif?: string;
}
/** Ne pas intégrer un ménage se motive : le bailleur et le service qui le suit sauront pourquoi. */
export function incoherenceDecisionComite(x: Pick<DecisionComite, 'decision' | 'motif'>): { champ: string; raison: string } | undefined {
  if (x.decision === 'ne_pas_integrer' && !x.motif?.trim())
    return { champ: 'motif', raison: 'indiquez le motif de la décision du comité (par exemple : le ménage reste suivi par son service social)' };
  return undefined;
}
export const decisionComiteUpdate = defineUpdate<{ etape: string }, [DecisionComite]>('decisionComite');
/**
 * Veille active (reims-april, fiche 004 : « le Club de prévention, par sa présence forte sur le
 * quartier, reste dans une posture de veille active pour identifier tout risque de rechute ») :
 * l'équipe signale elle-même une rechute qu'elle a repérée, comme le bailleur par son lien.
 */
export interface RechuteEquipe extends Enveloppe {
  observation?: string;
}
export const rechuteEquipeUpdate = defineUpdate<{ etape: string }, [RechuteEquipe]>('rechuteEquipe');
export const passageDroitCommunUpdate = defineUpdate<{ etape: string }, [PassageDroitCommun]>('passageDroitCommun');
export const cloturerUpdate = defineUpdate<{ etape: string }, [Cloture]>('cloturer');

/**
 * La priorité d'un ménage dans un programme qui en donne une (besancon-ccas : « prioritairement
 * auprès des ménages dits isolés : ménages sans enfants, personnes seules ») ; sinon rien.
 */
export function prioriteDuMenage(
  programme: Pick<Programme, 'options'>,
  menage: Pick<Menage, 'composition'>,
  s: Pick<SituationOrientation, 'isole'>,
): 'menage_isole' | undefined {
  if (!programme.options.prioriteMenagesIsoles) return undefined;
  return s.isole || menage.composition === 'personne_seule' || menage.composition === 'couple' ? 'menage_isole' : undefined;
}

export const LIBELLES_PRIORITE: Record<'menage_isole', string> = { menage_isole: 'Prioritaire : ménage isolé' };

/**
 * Le bail est-il plus ancien que l'ancienneté que le programme accepte, au jour de l'orientation ?
 * « Dans les 6 mois après attribution » d'un bail du 6 juin : jusqu'au 6 décembre inclus, à toute
 * heure (jours de Paris). Avant (`auJour: false`, parcours commencés avant
 * `anciennete-du-bail-au-jour`) : à l'heure près, le 6 décembre passé 1 h ou 2 h du matin refusé.
 */
function bailTropAncien(debutBail: string, ancienneteMax: string, orienteLe: Date, auJour: boolean): boolean {
  if (!auJour) return ajouterDuree(new Date(debutBail), ancienneteMax).getTime() < orienteLe.getTime();
  return jourDeParis(orienteLe) > jourDeParis(ajouterDuree(minuitDeParis(debutBail), ancienneteMax));
}

/**
 * Les règles d'éligibilité du programme (loiret-ahu : sans garantie, 2 loyers, 6 mois). `ancienneteAuJour` :
 * l'ancienneté du bail comptée en jours (par défaut) ; `false` seulement pour rejouer un parcours d'avant.
 */
export function motifNonEligible(programme: Programme, s: SituationOrientation, orienteLe: Date, { ancienneteAuJour = true } = {}): string | undefined {
  const r = programme.eligibilite;
  const motifs: string[] = [];
  if (r.sansGarantie && s.garantie !== 'aucune') motifs.push(`le ménage bénéficie d’une garantie (${NOMS_GARANTIES[s.garantie]})`);
  if (r.impayesMinimumMois !== undefined && s.impayesMois < r.impayesMinimumMois)
    motifs.push(`moins de ${r.impayesMinimumMois} loyers impayés (${s.impayesMois})`);
  if (r.ancienneteBailMax && bailTropAncien(s.debutBail, r.ancienneteBailMax, orienteLe, ancienneteAuJour)) {
    motifs.push(`bail commencé il y a plus de ${dureeEnFrancais(r.ancienneteBailMax)} (le ${dateEnFrancais(s.debutBail)})`);
  }
  if (r.sansContactBailleur && s.contactBailleur) motifs.push('le bailleur est en contact avec le ménage');
  return motifs.length ? motifs.join(' ; ') : undefined;
}

/** Une échéance d'« aller vers » qui naîtrait déjà dépassée. */
export interface DelaiEcoule {
  libelle: string;
  /** Le délai du programme (durée ISO 8601). */
  delai: string;
  /** Sa date limite, passée. */
  due: Date;
  /** D'où court le délai, en clair (« la désignation par la commission du 3 mars 2026 »). */
  depuis: string;
  /** Ce que fera le parcours aussitôt lancé (loiret-ahu : clos « contact impossible »). */
  consequence: string;
}

/**
 * L'échéance d'un délai qui court depuis un jour (AAAA-MM-JJ : la désignation par la commission, le
 * signalement du bailleur) : la fin du jour où il tombe. « Dans les 3 semaines qui suivent sa
 * désignation » du vendredi 4 décembre : jusqu'au vendredi 25 décembre au soir, la date que lisent le
 * bailleur et l'équipe ; un mois depuis un signalement du 31 janvier : jusqu'au 28 février au soir.
 */
export function echeanceDepuisLeJour(jour: string, delai: string): Date {
  return finDuJour(ajouterDuree(minuitDeParis(jour), delai));
}

/** Un délai de l'« aller vers » et sa date limite, tels que le parcours les suivra. */
export interface DelaiAllerVers {
  id: 'contact' | 'premiere_visite';
  libelle: string;
  /** Le délai du programme (durée ISO 8601). */
  delai: string;
  due: Date;
}

/**
 * Les délais de l'« aller vers » (premier contact, première visite à domicile) et leurs dates limites,
 * par les mêmes calculs que le parcours : depuis la désignation par la commission impayés
 * (besancon-ccas) ou le signalement du bailleur (loiret-ahu), jusqu'au soir du jour où ils tombent ;
 * sinon depuis `maintenant` (le lancement), jusqu'au soir pour un délai en jours.
 */
export function delaisAllerVers(programme: Programme, dates: { designeLe?: string; signaleLe?: string }, maintenant: Date): DelaiAllerVers[] {
  const d = programme.delais;
  const designeLe = dates.designeLe && programme.options.designationCommissionImpayes ? dates.designeLe : undefined;
  const signaleLe = !designeLe && dates.signaleLe && programme.options.delaisDepuisSignalement ? dates.signaleLe : undefined;
  const depuisMaintenant = (delai: string) => (enJours(delai) ? auSoirApres(maintenant, delai) : ajouterDuree(maintenant, delai));
  const depuis = (jour: string | undefined, delai: string) => (jour ? echeanceDepuisLeJour(jour, delai) : depuisMaintenant(delai));
  const delais: DelaiAllerVers[] = [];
  if (d.contact) delais.push({ id: 'contact', libelle: 'Premier contact avec le ménage', delai: d.contact, due: depuis(designeLe ?? signaleLe, d.contact) });
  if (d.premiereVisite)
    delais.push({ id: 'premiere_visite', libelle: 'Première visite à domicile', delai: d.premiereVisite, due: depuis(designeLe, d.premiereVisite) });
  return delais;
}

/**
 * Les échéances qu'une date de désignation (besancon-ccas) ou de signalement du bailleur (loiret-ahu)
 * ferait naître déjà dépassées (`delaisAllerVers`). Une date ancienne est permise (la reprise d'un
 * ménage désigné avant la plateforme), une faute de frappe sur l'année aussi : la coordination le
 * voit avant de lancer.
 */
export function delaisDejaEcoules(programme: Programme, dates: { designeLe?: string; signaleLe?: string }, maintenant: Date): DelaiEcoule[] {
  const designeLe = dates.designeLe && programme.options.designationCommissionImpayes ? dates.designeLe : undefined;
  const signaleLe = !designeLe && dates.signaleLe && programme.options.delaisDepuisSignalement ? dates.signaleLe : undefined;
  const jour = designeLe ?? signaleLe;
  if (!jour) return [];
  const origine = minuitDeParis(jour);
  const depuis = designeLe
    ? `la désignation par la commission impayés, le ${dateEnFrancais(origine)}`
    : `le signalement du bailleur, le ${dateEnFrancais(origine)}`;
  const alerte = 'la coordination en recevra aussitôt l’alerte par courriel, et le dossier sera compté en retard';
  return delaisAllerVers(programme, { designeLe, signaleLe }, maintenant)
    .filter((x) => x.due.getTime() <= maintenant.getTime())
    .map(({ libelle, delai, due, id }) => ({
      libelle,
      delai,
      due,
      depuis,
      consequence:
        id === 'contact' && programme.options.clotureSansContact
          ? 'le parcours sera clos aussitôt « contact impossible », sans aucune tentative, et le bailleur informé qu’il peut engager les poursuites'
          : alerte,
    }));
}
