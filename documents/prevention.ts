/**
 * Ce que les documents du parcours « prévention précontentieuse » lisent dans son état (fiche de
 * suivi social, plan d'aide, carnet de route, fiche d'orientation), lu avec prudence : un état
 * ancien ou incomplet donne « non renseigné », jamais une erreur. Et les mots du terrain pour les
 * actions, orientations et garanties — deux registres : celui de l'équipe, et celui du ménage.
 */
import type { EtatParcours } from '../domain/vocabulaire';
import { ajouterDuree, dureeEnFrancais } from '../domain/durees';
import { evenements, nombre, objet, tableau, texte } from './commun';
import type { SourceDocument } from './modele';

/** Les actions du plan d'aide, pour l'équipe. */
export const ACTIONS_PLAN: Record<string, string> = {
  ouverture_droits: 'Ouverture ou mise à jour des droits',
  budget: 'Travail sur le budget',
  plan_apurement: 'Plan d’apurement de la dette locative',
  fsl: 'Demande d’aide au Fonds de solidarité pour le logement (FSL)',
  surendettement: 'Dossier de surendettement',
  demande_mutation: 'Demande de mutation',
  sante: 'Santé',
  emploi: 'Emploi',
  soutien_psychologique: 'Soutien psychologique (psychologue clinicienne)',
  accompagnement_educatif: 'Accompagnement éducatif : économies au quotidien, hygiène, aménagement du logement',
  mediation_environnement: 'Médiation avec l’environnement : recréer du lien social, rompre l’isolement',
};

/** Les mêmes actions, dites au ménage (le plan d'aide qu'il signe, son carnet de route). */
export const ACTIONS_PLAN_MENAGE: Record<string, string> = {
  ouverture_droits: 'Faire ouvrir ou mettre à jour vos droits (aide au logement, prestations sociales).',
  budget: 'Construire avec nous un budget qui permette de payer le loyer chaque mois.',
  plan_apurement: 'Rembourser la dette de loyer selon le plan d’apurement convenu avec votre bailleur.',
  fsl: 'Déposer une demande d’aide au Fonds de solidarité pour le logement (FSL).',
  surendettement: 'Déposer un dossier de surendettement auprès de la Banque de France.',
  demande_mutation: 'Demander à votre bailleur un logement mieux adapté à votre situation (mutation).',
  sante: 'Prendre soin de votre santé, avec les professionnels qui peuvent vous aider.',
  emploi: 'Avancer dans votre recherche d’emploi ou de formation.',
  soutien_psychologique: 'Rencontrer, si vous le souhaitez, une psychologue (soutien gratuit et anonyme).',
  accompagnement_educatif: 'Trouver ensemble des économies au quotidien et prendre soin de votre logement.',
  mediation_environnement: 'Retisser des liens autour de vous pour ne pas rester seul face aux difficultés.',
};

/** Les orientations du plan d'aide (vers qui le ménage est accompagné). */
export const ORIENTATIONS_PLAN: Record<string, string> = {
  asll: 'Accompagnement social lié au logement (ASLL)',
  conseillere_sociale_bailleur: 'Conseillère sociale du bailleur',
  pass_assistance: 'Pass-Assistance',
  services_sociaux_specialises: 'Services sociaux spécialisés',
  professionnels_sante: 'Professionnels de santé',
  reseau_sante_ville: 'Réseau santé ville (CMP, services infirmiers)',
};

export const GARANTIES: Record<string, string> = {
  aucune: 'aucune',
  fsl: 'garantie du Fonds de solidarité pour le logement (FSL)',
  loca_pass: 'Loca-Pass',
  visale: 'Visale',
};

export const REPRISES: Record<string, string> = { totale: 'Reprise totale', partielle: 'Reprise partielle', aucune: 'Pas de reprise' };

/** Un libellé connu, sinon « non renseigné » (jamais la valeur brute). */
export const libelle = (table: Record<string, string>, v: unknown, defaut = 'non renseigné'): string => (typeof v === 'string' && table[v]) || defaut;

export interface PlanLu {
  actions: string[];
  orientations: string[];
  planApurement?: { mensualite: number; dureeMois: number };
  demandeMutation: boolean;
  /** Date d'enregistrement du plan (la dernière, après une révision). */
  le?: string;
}

/**
 * Le plan enregistré a été refusé (référent du bailleur, département) et aucun plan revu ne l'a
 * encore remplacé : il reste dans l'état pour reprendre le formulaire de révision, mais ce n'est plus
 * le plan du ménage. Le refus, avec sa raison ; rien sinon.
 */
export function planRefuse(etat: EtatParcours): { motif?: string; le?: string } | undefined {
  const revision = objet(etat.details.revision);
  if (!revision || !objet(etat.details.plan)) return undefined;
  const refus = { ...(texte(revision.motif) ? { motif: texte(revision.motif) } : {}), ...(texte(revision.le) ? { le: texte(revision.le) } : {}) };
  if (etat.etape === 'revision_plan') return refus;
  // Clôturé pendant la révision : le dernier plan enregistré date d'avant le refus.
  const dernier = evenements(etat, 'plan_aide').at(-1)?.date;
  return refus.le && (!dernier || dernier < refus.le) ? refus : undefined;
}

/** Le plan d'aide du ménage : jamais un plan refusé en attente de sa révision (`planRefuse`). */
export function lirePlan(etat: EtatParcours): PlanLu | undefined {
  const p = objet(etat.details.plan);
  if (!p || planRefuse(etat)) return undefined;
  const apurement = objet(p.planApurement);
  const mensualite = nombre(apurement?.mensualite);
  const dureeMois = nombre(apurement?.dureeMois);
  const enregistrements = evenements(etat, 'plan_aide');
  return {
    actions: tableau(p.actions).filter((x): x is string => typeof x === 'string'),
    orientations: tableau(p.orientations).filter((x): x is string => typeof x === 'string'),
    ...(mensualite > 0 && dureeMois > 0 ? { planApurement: { mensualite, dureeMois } } : {}),
    // La réponse « Demande de mutation », sinon l'action cochée (les deux ne se contredisent plus : incoherencePlan).
    demandeMutation: typeof p.demandeMutation === 'boolean' ? p.demandeMutation : tableau(p.actions).includes('demande_mutation'),
    le: enregistrements[enregistrements.length - 1]?.date,
  };
}

export interface EntretienLu {
  le?: string;
  origineDette?: string;
  droits?: string;
  budget?: string;
  adequationLogement?: string;
  dispositifsExpliques?: boolean;
  proceduresExpliquees?: boolean;
}

/** Oui, non, ou « non renseigné » (un entretien noté avant que la question soit posée). */
export const ouiNon = (v: boolean | undefined): string => (v === undefined ? 'non renseigné' : v ? 'Oui' : 'Non');

/** Les entretiens de diagnostic (confidentiels : ce que le ménage a confié). */
export function lireEntretiens(etat: EtatParcours): EntretienLu[] {
  return tableau(etat.detailsConfidentiels.diagnostic)
    .map(objet)
    .filter((e): e is Record<string, unknown> => !!e)
    .map((e) => ({
      le: texte(e.le),
      origineDette: texte(e.origineDette),
      droits: texte(e.droits),
      budget: texte(e.budget),
      adequationLogement: texte(e.adequationLogement),
      ...(typeof e.dispositifsExpliques === 'boolean' ? { dispositifsExpliques: e.dispositifsExpliques } : {}),
      ...(typeof e.proceduresExpliquees === 'boolean' ? { proceduresExpliquees: e.proceduresExpliquees } : {}),
    }));
}

/** Les démarches du carnet de route, remis au ménage à la fin du diagnostic. */
export function lireCarnet(etat: EtatParcours): string[] | undefined {
  const c = etat.detailsConfidentiels.carnetDeRoute;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string' && !!x.trim()) : undefined;
}

export interface BilanLu {
  jalon: string;
  le?: string;
  reprise: string;
  planRespecte: boolean;
}

/**
 * Les points de suivi et bilans enregistrés. Leur date est celle de l'enregistrement, au journal
 * (une entrée « bilan » par bilan, dans le même ordre).
 */
export function lireBilans(etat: EtatParcours): BilanLu[] {
  const dates = evenements(etat, 'bilan');
  return tableau(etat.details.bilans)
    .map(objet)
    .filter((b): b is Record<string, unknown> => !!b && typeof b.jalon === 'string')
    .map((b, i) => ({ jalon: String(b.jalon), le: dates[i]?.date, reprise: libelle(REPRISES, b.reprisePaiement), planRespecte: b.planRespecte === true }));
}

/** Le début du suivi du plan (étape « Suivi du plan »), s'il a commencé. */
export function debutSuivi(etat: EtatParcours): string | undefined {
  return evenements(etat, 'etape').find((e) => /Suivi du plan$/.test(e.resume))?.date;
}

/**
 * Les points de suivi et bilans prévus par le programme, datés depuis le début du suivi, avec ce
 * qui en a été enregistré ; même calendrier que le parcours (« Point de suivi à 1 mois », « Bilan à
 * 3 mois »).
 */
export function calendrierSuivi(s: SourceDocument): Array<{ libelle: string; prevuLe?: string; tenu?: BilanLu }> {
  const jalons = s.programme.jalons ?? {};
  const debut = debutSuivi(s.etat);
  const t0 = new Date(0);
  const prevus = [
    ...(jalons.pointsSuivi ?? []).map((o) => ({ offset: o, libelle: `Point de suivi à ${dureeEnFrancais(o)}` })),
    ...(jalons.bilans ?? []).map((o) => ({ offset: o, libelle: `Bilan à ${dureeEnFrancais(o)}` })),
  ].sort((a, b) => ajouterDuree(t0, a.offset).getTime() - ajouterDuree(t0, b.offset).getTime());
  const tenus = lireBilans(s.etat);
  return prevus.map((j) => ({
    libelle: j.libelle,
    ...(debut ? { prevuLe: ajouterDuree(new Date(debut), j.offset).toISOString() } : {}),
    ...(tenus.find((b) => b.jalon === j.libelle) ? { tenu: tenus.find((b) => b.jalon === j.libelle)! } : {}),
  }));
}

/** « 40 € par mois pendant 20 mois (800 € au total) ». */
export function texteApurement(p: { mensualite: number; dureeMois: number }, euros: (n: number) => string): string {
  return `${euros(p.mensualite)} par mois pendant ${p.dureeMois} mois (${euros(Math.round(p.mensualite * p.dureeMois * 100) / 100)} au total)`;
}

/** Le département a-t-il validé l'ASLL ? La dernière demande qui lui a été faite. */
export function validationDepartement(etat: EtatParcours): { statut: string; le?: string } | undefined {
  const d = [...tableau(etat.demandes)]
    .reverse()
    .map(objet)
    .find((x) => x?.role === 'departement');
  if (!d) return undefined;
  const statut = String(d.statut);
  const le = texte(objet(d.decision)?.le);
  const libelles: Record<string, string> = {
    en_attente: 'en attente de la réponse du département',
    approuvee: 'validée par le département',
    refusee: 'refusée par le département (plan revu)',
    // Sans réponse, la coordination relance le département ou fait revoir le plan (une demande suivante le dit).
    expiree: 'sans réponse du département dans le délai',
  };
  return { statut: libelles[statut] ?? 'non renseignée', ...(le ? { le } : {}) };
}
