/**
 * Le calcul des indicateurs d'un programme sur une période [du, au] (journées UTC, bornes
 * comprises), à partir des fiches des parcours (domain/indicateurs.ts). Fonction pure.
 *
 * Règle de datation : un fait compte dans la période où il a eu lieu (repérage, contact, plan,
 * décision, bilan, clôture…). Les états (mesures IML actives, protocoles actifs, file d'attente) se
 * comptent sur la période : actifs à un moment de [du, au] ; en attente au dernier jour.
 * Chaque compte vient avec la liste des références de dossier qui le composent.
 *
 * Les moyens du programme (ses quotas : ETP, coût par situation, coût annuel, situations par an)
 * donnent le coût par situation et la charge par travailleur social sur la période.
 */
import { ISSUES_ECHEC, ISSUES_MAINTIEN, type FicheIndicateurs } from '../domain/indicateurs';
import { LIBELLES_STADES_PROCEDURE, STADES_PROCEDURE, type StadeProcedure } from '../domain/prevention';
import { LIBELLES_ISSUES, type IssueCloture, type TypeParcours } from '../domain/vocabulaire';
import { bornesDeParis, enAnnees } from './periode';
import { joursDeCalendrier } from '../domain/durees';

export interface Compte {
  nombre: number;
  /** Les dossiers derrière le compte (références, triées) ; absent dans la version pour les partenaires. */
  references?: string[];
}

export interface Periode {
  du: string; // AAAA-MM-JJ
  au: string; // AAAA-MM-JJ
}

export interface Statistiques {
  mediane: number | null;
  moyenne: number | null;
  min: number | null;
  max: number | null;
}

/** Le stade de la procédure à l'orientation, ou « non renseigné ». */
export type StadeOuInconnu = StadeProcedure | 'non_renseigne';
export const LIBELLES_STADES: Record<StadeOuInconnu, string> = { ...LIBELLES_STADES_PROCEDURE, non_renseigne: 'Stade non renseigné' };

/** Les quotas du programme qui servent aux indicateurs de moyens (programmes/presets/*.json). */
export interface MoyensProgramme {
  quotas?: Record<string, number>;
}

export interface TrancheHistogramme {
  libelle: string;
  de: number;
  /** Borne haute exclue ; null = sans limite. */
  a: number | null;
  nombre: number;
}

export interface Indicateurs {
  programmeId: string;
  periode: Periode;
  /** Types des parcours trouvés pour ce programme. */
  typesParcours: TypeParcours[];
  /** Nombre de fiches du programme lues (celles que la période concerne, ou toutes). */
  fichesLues: number;
  situations: { reperees: Compte; orientees: Compte; traitees: Compte };
  contacts: {
    etablis: Compte;
    delaiJours: Statistiques;
    dansLeDelai: Compte;
    horsDelai: Compte;
    /** Part des contacts établis dans le délai du programme (0..1), parmi ceux dont le délai est connu. */
    partDansLeDelai: number | null;
    distribution: TrancheHistogramme[];
    /** Tentatives de contact jusqu'au premier contact (celle qui aboutit comprise), pour les contacts établis. */
    tentatives: Statistiques;
    /** Ces tentatives par canal (visite à domicile, téléphone, courrier…), pour les contacts établis de la période. */
    tentativesParCanal: Array<{ valeur: string; compte: Compte }>;
    /** Le repère du programme : visites en moyenne avant le contact (quota `visitesMoyennesAvantContact`). */
    repereVisitesAvantContact: number | null;
  };
  plansAide: Compte;
  asll: { demandees: Compte; validees: Compte; refusees: Compte; sansReponse: Compte };
  plansApurement: { fixes: Compte; respectes: Compte; nonRespectes: Compte };
  /**
   * Reprise du paiement du loyer au dernier bilan de la période (chaque ménage une fois) : la part
   * des ménages accompagnés qui ont repris le paiement, même partiellement (70 % pour APRIL, seed 004),
   * parmi ceux dont un bilan de la période dit la reprise.
   */
  reprisePaiement: {
    totale: Compte;
    partielle: Compte;
    aucune: Compte;
    /** Reprise totale ou partielle. */
    reprise: Compte;
    /** Ménages dont un bilan de la période dit la reprise (la base des parts). */
    connue: Compte;
    part: number | null;
    partTotale: number | null;
  };
  /**
   * Procédures : le stade à l'orientation des situations repérées, et les procédures évitées —
   * parcours clos dans la période avec le ménage maintenu dans son logement ou la dette résorbée
   * (ISSUES_MAINTIEN), selon le stade où en était la procédure à l'orientation.
   */
  procedures: {
    stadeOrientation: Array<{ stade: StadeOuInconnu; libelle: string; compte: Compte }>;
    evitees: Compte;
    eviteesParStade: Array<{ stade: StadeOuInconnu; libelle: string; compte: Compte }>;
  };
  /** Moyens : charge par travailleur social et coût par situation sur la période. */
  moyens: {
    /** Situations suivies à un moment de la période : orientées avant sa fin, pas closes avant son début. */
    situationsSuivies: Compte;
    /** ETP de travailleurs sociaux sur l'action (quota `etpAccompagnement`). */
    etp: number | null;
    situationsParEtp: number | null;
    cout: {
      /** Coût annuel du projet (quota `coutAnnuelEuros`). */
      annuel: number | null;
      /** Prix d'une situation fixé par la convention (quota `coutParSituationEuros`). */
      parSituationConvention: number | null;
      /** Situations prévues sur la période (quota `situationsParAn`, au prorata des jours). */
      situationsPrevues: number | null;
      /** Coût de la période : coût annuel au prorata des jours, sinon prix × situations prises en charge (orientées). */
      periode: number | null;
      /** Coût de la période par situation (suivie si coût annuel, prise en charge si prix par situation). */
      parSituation: number | null;
      base: 'cout_annuel' | 'prix_par_situation' | null;
    };
  };
  mutations: { demandees: Compte; relogements: Compte };
  orientationsDroitCommun: Compte;
  clotures: { total: Compte; parIssue: Array<{ issue: IssueCloture; libelle: string; compte: Compte }> };
  echecs: { total: Compte; parMotif: Array<{ issue: IssueCloture; libelle: string; compte: Compte }> };
  iml: {
    candidatures: Compte;
    validationsSiao: Compte;
    refusSiao: Compte;
    /** Mesures qui ont tenu une place à un moment de la période (de l'accord de la place à la clôture). */
    mesuresActives: Compte;
    /** Mesures qui tiennent une place au dernier jour de la période : ce que la file d'attente compte. */
    mesuresActivesAuTerme: Compte;
    mesuresDemarrees: Compte;
    file: { entrees: Compte; placesAccordees: Compte; enAttenteAuTerme: Compte; attenteJours: Statistiques };
    glissements: { total: Compte; a6Mois: Compte; a12Mois: Compte; apresProlongation: Compte };
    prolongations: Compte;
    mesuresTerminees: Compte;
    dureeMois: Statistiques;
    obstacles: Array<{ obstacle: string; compte: Compte }>;
    /** Ménages suivis (mesures actives) par composition, structure d'origine et tranche de ressources. */
    profils: {
      composition: Array<{ valeur: string; compte: Compte }>;
      structure: Array<{ valeur: string; compte: Compte }>;
      ressources: Array<{ valeur: string; compte: Compte }>;
    };
    /**
     * Nuitées d'hôtel évitées (seeds/003 : « réduire les nuitées d'hôtel ») : pour chaque ménage venu
     * de l'hôtel, une nuit par jour de sous-location compris dans la période (jusqu'à la clôture).
     */
    nuiteesHotelEvitees: Compte;
    /** Temps passé en structure d'hébergement (mois) : à la candidature (candidatures de la période), à la sortie (mesures démarrées). */
    hebergementMois: { aLaCandidature: Statistiques; aLaSortie: Statistiques };
    /** Accompagnement des ménages suivis : totaux (à ce jour) et axes travaillés. */
    accompagnement: { rendezVous: number; visitesDomicile: number; liensPartenaires: number; axes: Array<{ valeur: string; compte: Compte }> };
  };
  protocoles: {
    signes: Compte;
    actifs: Compte;
    respectes: Compte;
    rompus: Compte;
    avenants: Compte;
    nouveauxBaux: Compte;
    delaiNouveauBailJours: Statistiques;
    /**
     * Reprise du paiement (seed 004 : « 70 % des ménages suivis reprennent le paiement de loyer,
     * même partiellement ») : protocoles dont un mois de la période a été payé, même en partie,
     * parmi ceux dont un mois de la période est connu (payé ou non).
     */
    reprisePaiement: { reprise: Compte; connue: Compte; part: number | null };
  };
  /** L'entonnoir, du repérage à l'issue : étapes successives du parcours. */
  entonnoir: Array<{ etape: string; libelle: string; nombre: number }>;
}

/** Les tranches de l'histogramme du délai de premier contact (jours). */
export const TRANCHES_DELAI: Array<[string, number, number | null]> = [
  ['moins de 8 jours', 0, 8],
  ['8 à 14 jours', 8, 15],
  ['15 à 21 jours', 15, 22],
  ['22 à 31 jours', 22, 32],
  ['32 à 60 jours', 32, 61],
  ['plus de 60 jours', 61, null],
];

export const LIBELLES_OBSTACLES: Record<string, string> = {
  dette: 'Dette',
  ressources: 'Ressources',
  savoir_habiter: 'Savoir habiter',
  sante: 'Santé',
  isolement: 'Isolement',
  logement_inadapte: 'Logement inadapté',
  autre: 'Autre',
};

function statistiques(valeurs: number[]): Statistiques {
  if (!valeurs.length) return { mediane: null, moyenne: null, min: null, max: null };
  const v = [...valeurs].sort((a, b) => a - b);
  const m = v.length >> 1;
  const mediane = v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
  return { mediane, moyenne: Math.round((v.reduce((s, x) => s + x, 0) / v.length) * 10) / 10, min: v[0]!, max: v[v.length - 1]! };
}

/** Un compteur qui retient les références (une fois chacune). */
class Collecte {
  private readonly refs = new Set<string>();
  ajouter(f: FicheIndicateurs, n = 1): void {
    if (n > 0) this.refs.add(f.reference);
    this.total += n;
  }
  ajouterReference(reference: string): void {
    this.refs.add(reference);
  }
  total = 0;
  compte(): Compte {
    return { nombre: this.total, references: [...this.refs].sort() };
  }
}

/**
 * Les indicateurs d'un programme sur une période. `typeParcours` (celui du programme) choisit
 * l'entonnoir quand aucune fiche ne le dit encore.
 */
export function calculerIndicateurs(
  fiches: readonly FicheIndicateurs[],
  programmeId: string,
  periode: Periode,
  typeParcours?: TypeParcours,
  moyens: MoyensProgramme = {},
): Indicateurs {
  // Les journées de Paris : du minuit de Paris du premier jour au minuit de Paris du lendemain du dernier.
  const { debut, fin } = bornesDeParis(periode);
  if (Number.isNaN(debut) || Number.isNaN(fin) || fin < debut) throw new RangeError(`Période invalide : du ${periode.du} au ${periode.au}.`);
  const dans = (d: string | undefined): boolean => {
    if (!d) return false;
    const t = Date.parse(d);
    return t >= debut && t <= fin;
  };
  const avantFin = (d: string | undefined) => !!d && Date.parse(d) <= fin;
  const actifSur = (depuis: string | undefined, jusqua: string | undefined) => avantFin(depuis) && (!jusqua || Date.parse(jusqua) >= debut);

  const c = () => new Collecte();
  const reperees = c(),
    orientees = c(),
    traitees = c();
  const etablis = c(),
    dansLeDelai = c(),
    horsDelai = c();
  const delais: number[] = [];
  const tentatives: number[] = [];
  const parCanal = new Map<string, Collecte>();
  const plansAide = c();
  const asllD = c(),
    asllV = c(),
    asllR = c(),
    asllS = c();
  const apF = c(),
    apR = c(),
    apN = c();
  const rpT = c(),
    rpP = c(),
    rpA = c();
  const stades = new Map<StadeOuInconnu, Collecte>(),
    evitees = c(),
    eviteesParStade = new Map<StadeOuInconnu, Collecte>();
  const suivies = c();
  const mutD = c(),
    relog = c(),
    odc = c();
  const clotTotal = c(),
    echecTotal = c();
  const parIssue = new Map<IssueCloture, Collecte>();
  const candidatures = c(),
    validSiao = c(),
    refusSiao = c(),
    actives = c(),
    actuelles = c(),
    demarrees = c();
  const entreesFile = c(),
    accordees = c(),
    enAttente = c(),
    nuitees = c();
  const attentes: number[] = [];
  const gTotal = c(),
    g6 = c(),
    g12 = c(),
    gP = c(),
    prolong = c(),
    terminees = c();
  const durees: number[] = [];
  const obstacles = new Map<string, Collecte>();
  const compositions = new Map<string, Collecte>();
  const structures = new Map<string, Collecte>();
  const ressources = new Map<string, Collecte>();
  const hebCandidature: number[] = [],
    hebSortie: number[] = [];
  const axes = new Map<string, Collecte>();
  const accompagnement = { rendezVous: 0, visitesDomicile: 0, liensPartenaires: 0 };
  const ajouterA = (m: Map<string, Collecte>, cle: string, f: FicheIndicateurs) => {
    if (!m.has(cle)) m.set(cle, c());
    m.get(cle)!.ajouter(f);
  };
  const pSignes = c(),
    pActifs = c(),
    pRespectes = c(),
    pRompus = c(),
    pAvenants = c(),
    pBaux = c(),
    pReprise = c(),
    pPaiementsConnus = c();
  /** Un mois (AAAA-MM) qui touche la période. */
  const moisDans = (m: string) => {
    const mois = bornesDeParis({ du: `${m}-01`, au: `${m}-01` }, 'mois');
    return mois.debut <= fin && mois.fin >= debut;
  };
  const delaisBail: number[] = [];
  const tranches = TRANCHES_DELAI.map(([libelle, de, a]) => ({ libelle, de, a, nombre: 0 }));
  const types = new Set<TypeParcours>();
  let lues = 0;

  for (const f of fiches) {
    if (f.programme.id !== programmeId) continue;
    lues += 1;
    types.add(f.typeParcours);
    if (dans(f.reperageLe)) reperees.ajouter(f);
    if (dans(f.orienteLe)) orientees.ajouter(f);
    if (dans(f.traiteLe)) traitees.ajouter(f);
    if (f.contact && dans(f.contact.etabliLe)) {
      etablis.ajouter(f);
      delais.push(f.contact.delaiJours);
      if (f.contact.tentatives > 0) tentatives.push(f.contact.tentatives);
      for (const [canal, n] of Object.entries(f.contact.parCanal ?? {})) {
        if (!parCanal.has(canal)) parCanal.set(canal, c());
        parCanal.get(canal)!.ajouter(f, n);
      }
      if (f.contact.dansLeDelai === true) dansLeDelai.ajouter(f);
      if (f.contact.dansLeDelai === false) horsDelai.ajouter(f);
      const t = tranches.find((x) => f.contact!.delaiJours >= x.de && (x.a === null || f.contact!.delaiJours < x.a));
      if (t) t.nombre += 1;
    }
    if (f.planAide && dans(f.planAide.le)) plansAide.ajouter(f);
    if (f.asll) {
      if (dans(f.asll.demandeeLe)) asllD.ajouter(f);
      if (dans(f.asll.decideeLe)) {
        if (f.asll.decision === 'validee') asllV.ajouter(f);
        if (f.asll.decision === 'refusee') asllR.ajouter(f);
        if (f.asll.decision === 'sans_reponse') asllS.ajouter(f);
      }
    }
    if (f.planApurement) {
      if (dans(f.planApurement.fixeLe)) apF.ajouter(f);
      if (dans(f.planApurement.constateLe)) {
        if (f.planApurement.respecte === true) apR.ajouter(f);
        if (f.planApurement.respecte === false) apN.ajouter(f);
      }
    }
    // Le dernier bilan de la période (les fiches d'avant l'historique des bilans : le dernier bilan).
    const reprise = (f.reprises ?? (f.reprisePaiement ? [f.reprisePaiement] : [])).filter((r) => dans(r.le)).at(-1);
    if (reprise) ({ totale: rpT, partielle: rpP, aucune: rpA })[reprise.valeur].ajouter(f);
    if (f.typeParcours !== 'iml_bail_glissant' && dans(f.reperageLe)) {
      const stade: StadeOuInconnu = f.stadeProcedure ?? 'non_renseigne';
      if (!stades.has(stade)) stades.set(stade, c());
      stades.get(stade)!.ajouter(f);
    }
    if (f.cloture && dans(f.cloture.le) && ISSUES_MAINTIEN.includes(f.cloture.issue) && (f.cloture.issue !== 'orientation_droit_commun' || !!f.traiteLe)) {
      evitees.ajouter(f);
      const stade: StadeOuInconnu = f.stadeProcedure ?? 'non_renseigne';
      if (!eviteesParStade.has(stade)) eviteesParStade.set(stade, c());
      eviteesParStade.get(stade)!.ajouter(f);
    }
    if (avantFin(f.orienteLe) && (!f.cloture || Date.parse(f.cloture.le) >= debut)) suivies.ajouter(f);
    if (f.mutation && dans(f.mutation.demandeeLe)) mutD.ajouter(f);
    if (f.relogement && dans(f.relogement.le)) relog.ajouter(f);
    if (f.orientationDroitCommun && dans(f.orientationDroitCommun.le)) odc.ajouter(f);
    if (f.cloture && dans(f.cloture.le)) {
      clotTotal.ajouter(f);
      const k = f.cloture.issue;
      if (!parIssue.has(k)) parIssue.set(k, c());
      parIssue.get(k)!.ajouter(f);
      if (f.cloture.echec) echecTotal.ajouter(f);
    }
    const i = f.iml;
    if (i) {
      if (dans(i.candidatureLe)) {
        candidatures.ajouter(f);
        if (typeof i.hebergement?.moisALaCandidature === 'number') hebCandidature.push(i.hebergement.moisALaCandidature);
      }
      if (dans(i.valideeSiaoLe)) validSiao.ajouter(f);
      if (dans(i.refusSiaoLe)) refusSiao.ajouter(f);
      if (dans(i.entreeFileLe)) entreesFile.ajouter(f);
      if (dans(i.placeAccordeeLe)) {
        accordees.ajouter(f);
        if (typeof i.attenteJours === 'number') attentes.push(i.attenteJours);
      }
      // En attente au dernier jour : entrée dans la file, pas encore de place, parcours pas clos.
      if (avantFin(i.entreeFileLe) && !avantFin(i.placeAccordeeLe) && !avantFin(f.cloture?.le)) enAttente.ajouter(f);
      if (dans(i.debutMesureLe)) {
        demarrees.ajouter(f);
        if (typeof i.hebergement?.moisALaSortie === 'number') hebSortie.push(i.hebergement.moisALaSortie);
      }
      if (i.profil?.structure === 'hotel' && i.debutMesureLe) {
        const depuis = Math.max(Date.parse(i.debutMesureLe), debut);
        const jusqua = Math.min(f.cloture ? Date.parse(f.cloture.le) : fin, fin);
        // Une nuit par jour du calendrier de Paris passé en sous-location : du 5 mars à 15 h au 20 mars
        // à 10 h, 15 nuits (pas 14 tranches de 24 heures), et pas une de plus le mois du passage à l'heure d'hiver.
        nuitees.ajouter(f, jusqua > depuis ? joursDeCalendrier(new Date(depuis), new Date(jusqua)) : 0);
      }
      const finMesure = i.glissement?.le ?? i.finMesureLe;
      // Une mesure tient sa place de l'accord de la place jusqu'à la clôture de son parcours, qui la
      // rend : la règle même de la file d'attente du programme (workflows/file-iml.ts), pour que la
      // file, la liste des programmes et les rapports disent le même nombre de mesures actives.
      const tenueDepuis = i.placeAccordeeLe ?? i.debutMesureLe;
      if (avantFin(tenueDepuis) && !avantFin(f.cloture?.le)) actuelles.ajouter(f);
      if (actifSur(tenueDepuis, f.cloture?.le ?? finMesure)) {
        actives.ajouter(f);
        for (const o of i.obstacles) ajouterA(obstacles, o, f);
        if (i.profil?.composition) ajouterA(compositions, i.profil.composition, f);
        if (i.profil?.structure) ajouterA(structures, i.profil.structure, f);
        if (i.ressources) ajouterA(ressources, i.ressources, f);
        if (i.accompagnement) {
          accompagnement.rendezVous += i.accompagnement.rendezVous;
          accompagnement.visitesDomicile += i.accompagnement.visitesDomicile;
          accompagnement.liensPartenaires += i.accompagnement.liensPartenaires;
          for (const a of i.accompagnement.axes) ajouterA(axes, a, f);
        }
      }
      if (i.glissement && dans(i.glissement.le)) {
        gTotal.ajouter(f);
        ({ '6_mois': g6, '12_mois': g12, apres_prolongation: gP })[i.glissement.moment].ajouter(f);
      }
      const n = i.prolongations.filter(dans).length;
      if (n) prolong.ajouter(f, n);
      if (i.debutMesureLe && dans(finMesure)) {
        terminees.ajouter(f);
        if (typeof i.dureeMois === 'number') durees.push(i.dureeMois);
      }
    }
    const p = f.protocole;
    if (p) {
      if (dans(p.signeLe)) pSignes.ajouter(f);
      if (actifSur(p.signeLe, p.rompuLe ?? p.respecteLe ?? p.finLe)) pActifs.ajouter(f);
      if (dans(p.respecteLe)) pRespectes.ajouter(f);
      if (dans(p.rompuLe)) pRompus.ajouter(f);
      const n = p.avenants.filter(dans).length;
      if (n) pAvenants.ajouter(f, n);
      if (p.moisVerifies?.some(moisDans)) pPaiementsConnus.ajouter(f);
      if (p.moisAvecPaiement?.some(moisDans)) pReprise.ajouter(f);
      if (p.nouveauBail && dans(p.nouveauBail.signeLe)) {
        pBaux.ajouter(f);
        if (typeof p.nouveauBail.delaiJours === 'number') delaisBail.push(p.nouveauBail.delaiJours);
      }
    }
  }

  const connus = dansLeDelai.total + horsDelai.total;
  const part = (n: number, sur: number) => (sur ? Math.round((n / sur) * 1000) / 1000 : null);
  const repris = fusion(rpT, rpP);
  const repriseConnue = fusion(rpT, rpP, rpA);
  const ordreStades: StadeOuInconnu[] = [...STADES_PROCEDURE, 'non_renseigne'];
  const parStade = (m: Map<StadeOuInconnu, Collecte>) =>
    ordreStades.map((stade) => ({ stade, libelle: LIBELLES_STADES[stade], compte: (m.get(stade) ?? c()).compte() }));
  // Les moyens : quotas du programme, au prorata des jours de la période.
  const q = moyens.quotas ?? {};
  const quota = (cle: string) => (typeof q[cle] === 'number' && Number.isFinite(q[cle]) && q[cle]! > 0 ? q[cle]! : null);
  // En années de la période : une année bissextile entière compte pour un an (366 jours sur 366).
  const prorata = enAnnees(periode);
  const etp = quota('etpAccompagnement');
  const coutAnnuel = quota('coutAnnuelEuros');
  const prix = quota('coutParSituationEuros');
  const parAn = quota('situationsParAn');
  const base = coutAnnuel !== null ? 'cout_annuel' : prix !== null ? 'prix_par_situation' : null;
  const coutPeriode = coutAnnuel !== null ? Math.round(coutAnnuel * prorata) : prix !== null ? prix * orientees.total : null;
  const situationsDuCout = base === 'cout_annuel' ? suivies.total : orientees.total;
  const ordreIssues = (a: IssueCloture, b: IssueCloture) => LIBELLES_ISSUES[a].localeCompare(LIBELLES_ISSUES[b], 'fr');
  const issues = [...parIssue.keys()].sort(ordreIssues);
  const resultat: Omit<Indicateurs, 'entonnoir'> = {
    programmeId,
    periode: { ...periode },
    typesParcours: types.size ? [...types].sort() : typeParcours ? [typeParcours] : [],
    fichesLues: lues,
    situations: { reperees: reperees.compte(), orientees: orientees.compte(), traitees: traitees.compte() },
    contacts: {
      etablis: etablis.compte(),
      delaiJours: statistiques(delais),
      dansLeDelai: dansLeDelai.compte(),
      horsDelai: horsDelai.compte(),
      partDansLeDelai: connus ? Math.round((dansLeDelai.total / connus) * 1000) / 1000 : null,
      distribution: tranches,
      tentatives: statistiques(tentatives),
      tentativesParCanal: parValeur(parCanal),
      repereVisitesAvantContact: quota('visitesMoyennesAvantContact'),
    },
    plansAide: plansAide.compte(),
    asll: { demandees: asllD.compte(), validees: asllV.compte(), refusees: asllR.compte(), sansReponse: asllS.compte() },
    plansApurement: { fixes: apF.compte(), respectes: apR.compte(), nonRespectes: apN.compte() },
    reprisePaiement: {
      totale: rpT.compte(),
      partielle: rpP.compte(),
      aucune: rpA.compte(),
      reprise: repris.compte(),
      connue: repriseConnue.compte(),
      part: part(repris.total, repriseConnue.total),
      partTotale: part(rpT.total, repriseConnue.total),
    },
    procedures: { stadeOrientation: parStade(stades), evitees: evitees.compte(), eviteesParStade: parStade(eviteesParStade) },
    moyens: {
      situationsSuivies: suivies.compte(),
      etp,
      situationsParEtp: etp !== null ? Math.round((suivies.total / etp) * 10) / 10 : null,
      cout: {
        annuel: coutAnnuel,
        parSituationConvention: prix,
        situationsPrevues: parAn !== null ? Math.round(parAn * prorata * 10) / 10 : null,
        periode: coutPeriode,
        parSituation: coutPeriode !== null && situationsDuCout > 0 ? Math.round(coutPeriode / situationsDuCout) : null,
        base,
      },
    },
    mutations: { demandees: mutD.compte(), relogements: relog.compte() },
    orientationsDroitCommun: odc.compte(),
    clotures: {
      total: clotTotal.compte(),
      parIssue: issues.map((issue) => ({ issue, libelle: LIBELLES_ISSUES[issue], compte: parIssue.get(issue)!.compte() })),
    },
    echecs: {
      total: echecTotal.compte(),
      parMotif: issues
        .filter((x) => ISSUES_ECHEC.includes(x))
        .map((issue) => ({ issue, libelle: LIBELLES_ISSUES[issue], compte: parIssue.get(issue)!.compte() })),
    },
    iml: {
      candidatures: candidatures.compte(),
      validationsSiao: validSiao.compte(),
      refusSiao: refusSiao.compte(),
      mesuresActives: actives.compte(),
      mesuresActivesAuTerme: actuelles.compte(),
      mesuresDemarrees: demarrees.compte(),
      file: { entrees: entreesFile.compte(), placesAccordees: accordees.compte(), enAttenteAuTerme: enAttente.compte(), attenteJours: statistiques(attentes) },
      glissements: { total: gTotal.compte(), a6Mois: g6.compte(), a12Mois: g12.compte(), apresProlongation: gP.compte() },
      prolongations: prolong.compte(),
      mesuresTerminees: terminees.compte(),
      dureeMois: statistiques(durees),
      obstacles: parValeur(obstacles).map(({ valeur, compte }) => ({ obstacle: valeur, compte })),
      profils: { composition: parValeur(compositions), structure: parValeur(structures), ressources: parValeur(ressources) },
      nuiteesHotelEvitees: nuitees.compte(),
      hebergementMois: { aLaCandidature: statistiques(hebCandidature), aLaSortie: statistiques(hebSortie) },
      accompagnement: { ...accompagnement, axes: parValeur(axes) },
    },
    protocoles: {
      signes: pSignes.compte(),
      actifs: pActifs.compte(),
      respectes: pRespectes.compte(),
      rompus: pRompus.compte(),
      avenants: pAvenants.compte(),
      nouveauxBaux: pBaux.compte(),
      delaiNouveauBailJours: statistiques(delaisBail),
      reprisePaiement: { reprise: pReprise.compte(), connue: pPaiementsConnus.compte(), part: part(pReprise.total, pPaiementsConnus.total) },
    },
  };
  return { ...resultat, entonnoir: entonnoir(resultat) };
}

/** La réunion de comptes disjoints (chaque dossier n'est que dans l'un d'eux). */
function fusion(...x: Collecte[]): Collecte {
  const r = new Collecte();
  for (const k of x) {
    const { nombre, references } = k.compte();
    r.total += nombre;
    for (const ref of references ?? []) r.ajouterReference(ref);
  }
  return r;
}

/** Les comptes d'une répartition, du plus fréquent au moins fréquent. */
function parValeur(m: Map<string, Collecte>): Array<{ valeur: string; compte: Compte }> {
  return [...m.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0])).map(([valeur, x]) => ({ valeur, compte: x.compte() }));
}

/** L'entonnoir du repérage à l'issue, selon le type de parcours du programme. */
function entonnoir(x: Omit<Indicateurs, 'entonnoir'>): Indicateurs['entonnoir'] {
  const type = x.typesParcours[0] ?? 'prevention_precontentieuse';
  const issuesPositives: IssueCloture[] = [
    'situation_stabilisee',
    'plan_apurement_respecte',
    'orientation_droit_commun',
    'relogement_ou_mutation',
    'glissement_du_bail',
    'nouveau_bail_signe',
  ];
  const positives = x.clotures.parIssue.filter((i) => issuesPositives.includes(i.issue)).reduce((n, i) => n + i.compte.nombre, 0);
  if (type === 'iml_bail_glissant') {
    return [
      { etape: 'reperees', libelle: 'Candidatures', nombre: x.iml.candidatures.nombre },
      { etape: 'orientees', libelle: 'Validées par le SIAO', nombre: x.iml.validationsSiao.nombre },
      { etape: 'places', libelle: 'Places accordées', nombre: x.iml.file.placesAccordees.nombre },
      { etape: 'traitees', libelle: 'Mesures démarrées', nombre: x.iml.mesuresDemarrees.nombre },
      { etape: 'issue', libelle: 'Baux glissés', nombre: x.iml.glissements.total.nombre },
    ];
  }
  if (type === 'protocole_post_resiliation') {
    return [
      { etape: 'reperees', libelle: 'Résiliations signalées', nombre: x.situations.reperees.nombre },
      { etape: 'traitees', libelle: 'Protocoles signés', nombre: x.protocoles.signes.nombre },
      { etape: 'respectes', libelle: 'Protocoles respectés', nombre: x.protocoles.respectes.nombre },
      { etape: 'issue', libelle: 'Nouveaux baux signés', nombre: x.protocoles.nouveauxBaux.nombre },
    ];
  }
  return [
    { etape: 'reperees', libelle: 'Situations repérées', nombre: x.situations.reperees.nombre },
    { etape: 'orientees', libelle: 'Orientées (éligibles, informées)', nombre: x.situations.orientees.nombre },
    { etape: 'contacts', libelle: 'Contact établi', nombre: x.contacts.etablis.nombre },
    { etape: 'traitees', libelle: 'Plan d’aide contractualisé', nombre: x.situations.traitees.nombre },
    { etape: 'issue', libelle: 'Issue favorable', nombre: positives },
  ];
}

/** La même chose sans aucune référence de dossier : la version des rapports aux partenaires. */
export function sansReferences(x: Indicateurs): Indicateurs {
  return JSON.parse(JSON.stringify(x), (k, v) => (k === 'references' ? undefined : v)) as Indicateurs;
}
