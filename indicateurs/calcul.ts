/**
 * Le calcul des indicateurs d'un programme sur une période [du, au] (journées UTC, bornes
 * comprises), à partir des fiches des parcours (domain/indicateurs.ts). Fonction pure.
 *
 * Règle de datation : un fait compte dans la période où il a eu lieu (repérage, contact, plan,
 * décision, bilan, clôture…). Les états (mesures IML actives, protocoles actifs, file d'attente) se
 * comptent sur la période : actifs à un moment de [du, au] ; en attente au dernier jour.
 * Chaque compte vient avec la liste des références de dossier qui le composent.
 */
import { ISSUES_ECHEC, type FicheIndicateurs } from '../domain/indicateurs';
import { LIBELLES_ISSUES, type IssueCloture, type TypeParcours } from '../domain/vocabulaire';

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
  };
  plansAide: Compte;
  asll: { demandees: Compte; validees: Compte; refusees: Compte; sansReponse: Compte };
  plansApurement: { fixes: Compte; respectes: Compte; nonRespectes: Compte };
  reprisePaiement: { totale: Compte; partielle: Compte; aucune: Compte };
  mutations: { demandees: Compte; relogements: Compte };
  orientationsDroitCommun: Compte;
  clotures: { total: Compte; parIssue: Array<{ issue: IssueCloture; libelle: string; compte: Compte }> };
  echecs: { total: Compte; parMotif: Array<{ issue: IssueCloture; libelle: string; compte: Compte }> };
  iml: {
    candidatures: Compte;
    validationsSiao: Compte;
    refusSiao: Compte;
    mesuresActives: Compte;
    mesuresDemarrees: Compte;
    file: { entrees: Compte; placesAccordees: Compte; enAttenteAuTerme: Compte; attenteJours: Statistiques };
    glissements: { total: Compte; a6Mois: Compte; a12Mois: Compte; apresProlongation: Compte };
    prolongations: Compte;
    mesuresTerminees: Compte;
    dureeMois: Statistiques;
    obstacles: Array<{ obstacle: string; compte: Compte }>;
    /** Ménages suivis (mesures actives) par composition et par structure d'origine. */
    profils: { composition: Array<{ valeur: string; compte: Compte }>; structure: Array<{ valeur: string; compte: Compte }> };
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
  };
  /** L'entonnoir, du repérage à l'issue : étapes successives du parcours. */
  entonnoir: Array<{ etape: string; libelle: string; nombre: number }>;
}

const JOUR_MS = 86_400_000;

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
  total = 0;
  compte(): Compte {
    return { nombre: this.total, references: [...this.refs].sort() };
  }
}

/**
 * Les indicateurs d'un programme sur une période. `typeParcours` (celui du programme) choisit
 * l'entonnoir quand aucune fiche ne le dit encore.
 */
export function calculerIndicateurs(fiches: readonly FicheIndicateurs[], programmeId: string, periode: Periode, typeParcours?: TypeParcours): Indicateurs {
  const debut = Date.parse(`${periode.du}T00:00:00.000Z`);
  const fin = Date.parse(`${periode.au}T00:00:00.000Z`) + JOUR_MS - 1;
  if (Number.isNaN(debut) || Number.isNaN(fin) || fin < debut) throw new RangeError(`Période invalide : du ${periode.du} au ${periode.au}.`);
  const dans = (d: string | undefined): boolean => {
    if (!d) return false;
    const t = Date.parse(d);
    return t >= debut && t <= fin;
  };
  const avantFin = (d: string | undefined) => !!d && Date.parse(d) <= fin;
  const actifSur = (depuis: string | undefined, jusqua: string | undefined) => avantFin(depuis) && (!jusqua || Date.parse(jusqua) >= debut);

  const c = () => new Collecte();
  const reperees = c(), orientees = c(), traitees = c();
  const etablis = c(), dansLeDelai = c(), horsDelai = c();
  const delais: number[] = [];
  const plansAide = c();
  const asllD = c(), asllV = c(), asllR = c(), asllS = c();
  const apF = c(), apR = c(), apN = c();
  const rpT = c(), rpP = c(), rpA = c();
  const mutD = c(), relog = c(), odc = c();
  const clotTotal = c(), echecTotal = c();
  const parIssue = new Map<IssueCloture, Collecte>();
  const candidatures = c(), validSiao = c(), refusSiao = c(), actives = c(), demarrees = c();
  const entreesFile = c(), accordees = c(), enAttente = c();
  const attentes: number[] = [];
  const gTotal = c(), g6 = c(), g12 = c(), gP = c(), prolong = c(), terminees = c();
  const durees: number[] = [];
  const obstacles = new Map<string, Collecte>();
  const compositions = new Map<string, Collecte>();
  const structures = new Map<string, Collecte>();
  const axes = new Map<string, Collecte>();
  const accompagnement = { rendezVous: 0, visitesDomicile: 0, liensPartenaires: 0 };
  const ajouterA = (m: Map<string, Collecte>, cle: string, f: FicheIndicateurs) => {
    if (!m.has(cle)) m.set(cle, c());
    m.get(cle)!.ajouter(f);
  };
  const pSignes = c(), pActifs = c(), pRespectes = c(), pRompus = c(), pAvenants = c(), pBaux = c();
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
    if (f.reprisePaiement && dans(f.reprisePaiement.le)) ({ totale: rpT, partielle: rpP, aucune: rpA })[f.reprisePaiement.valeur].ajouter(f);
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
      if (dans(i.candidatureLe)) candidatures.ajouter(f);
      if (dans(i.valideeSiaoLe)) validSiao.ajouter(f);
      if (dans(i.refusSiaoLe)) refusSiao.ajouter(f);
      if (dans(i.entreeFileLe)) entreesFile.ajouter(f);
      if (dans(i.placeAccordeeLe)) {
        accordees.ajouter(f);
        if (typeof i.attenteJours === 'number') attentes.push(i.attenteJours);
      }
      // En attente au dernier jour : entrée dans la file, pas encore de place, parcours pas clos.
      if (avantFin(i.entreeFileLe) && !avantFin(i.placeAccordeeLe) && !avantFin(f.cloture?.le)) enAttente.ajouter(f);
      if (dans(i.debutMesureLe)) demarrees.ajouter(f);
      const finMesure = i.glissement?.le ?? i.finMesureLe;
      if (actifSur(i.debutMesureLe, finMesure)) {
        actives.ajouter(f);
        for (const o of i.obstacles) ajouterA(obstacles, o, f);
        if (i.profil?.composition) ajouterA(compositions, i.profil.composition, f);
        if (i.profil?.structure) ajouterA(structures, i.profil.structure, f);
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
      if (p.nouveauBail && dans(p.nouveauBail.signeLe)) {
        pBaux.ajouter(f);
        if (typeof p.nouveauBail.delaiJours === 'number') delaisBail.push(p.nouveauBail.delaiJours);
      }
    }
  }

  const connus = dansLeDelai.total + horsDelai.total;
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
    },
    plansAide: plansAide.compte(),
    asll: { demandees: asllD.compte(), validees: asllV.compte(), refusees: asllR.compte(), sansReponse: asllS.compte() },
    plansApurement: { fixes: apF.compte(), respectes: apR.compte(), nonRespectes: apN.compte() },
    reprisePaiement: { totale: rpT.compte(), partielle: rpP.compte(), aucune: rpA.compte() },
    mutations: { demandees: mutD.compte(), relogements: relog.compte() },
    orientationsDroitCommun: odc.compte(),
    clotures: { total: clotTotal.compte(), parIssue: issues.map((issue) => ({ issue, libelle: LIBELLES_ISSUES[issue], compte: parIssue.get(issue)!.compte() })) },
    echecs: {
      total: echecTotal.compte(),
      parMotif: issues.filter((x) => ISSUES_ECHEC.includes(x)).map((issue) => ({ issue, libelle: LIBELLES_ISSUES[issue], compte: parIssue.get(issue)!.compte() })),
    },
    iml: {
      candidatures: candidatures.compte(),
      validationsSiao: validSiao.compte(),
      refusSiao: refusSiao.compte(),
      mesuresActives: actives.compte(),
      mesuresDemarrees: demarrees.compte(),
      file: { entrees: entreesFile.compte(), placesAccordees: accordees.compte(), enAttenteAuTerme: enAttente.compte(), attenteJours: statistiques(attentes) },
      glissements: { total: gTotal.compte(), a6Mois: g6.compte(), a12Mois: g12.compte(), apresProlongation: gP.compte() },
      prolongations: prolong.compte(),
      mesuresTerminees: terminees.compte(),
      dureeMois: statistiques(durees),
      obstacles: parValeur(obstacles).map(({ valeur, compte }) => ({ obstacle: valeur, compte })),
      profils: { composition: parValeur(compositions), structure: parValeur(structures) },
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
    },
  };
  return { ...resultat, entonnoir: entonnoir(resultat) };
}

/** Les comptes d'une répartition, du plus fréquent au moins fréquent. */
function parValeur(m: Map<string, Collecte>): Array<{ valeur: string; compte: Compte }> {
  return [...m.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0])).map(([valeur, x]) => ({ valeur, compte: x.compte() }));
}

/** L'entonnoir du repérage à l'issue, selon le type de parcours du programme. */
function entonnoir(x: Omit<Indicateurs, 'entonnoir'>): Indicateurs['entonnoir'] {
  const type = x.typesParcours[0] ?? 'prevention_precontentieuse';
  const issuesPositives: IssueCloture[] = ['situation_stabilisee', 'plan_apurement_respecte', 'orientation_droit_commun', 'relogement_ou_mutation', 'glissement_du_bail', 'nouveau_bail_signe'];
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
