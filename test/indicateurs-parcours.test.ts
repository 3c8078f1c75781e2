/**
 * Indicateurs tirés de vrais parcours, sur le vrai serveur Temporal avec le saut de temps par
 * parcours : des parcours menés à des issues connues (prévention, IML, protocole) publient leur fiche
 * (activité `consignerIndicateurs`) ; le registre les garde ; le calcul donne chaque famille
 * d'indicateurs avec ses dossiers ; un registre neuf sur le même dossier (redémarrage) donne le même
 * résultat ; l'API les sert à la coordination (JSON, CSV, page, PDF), refuse les travailleurs
 * sociaux, et la version des partenaires ne montre aucune référence.
 *
 * Chaque parcours est mené une fois, par le premier test qui en a besoin (les tests des indicateurs
 * attendent tous les parcours) : l'ordre des tests est libre. Chaque parcours a sa propre horloge,
 * avancée jusqu'aux dates qu'il a fixées lui-même ; la période des indicateurs va du premier jour
 * de ces parcours au dernier.
 */
import { baseEssai } from './outils/base';
import { ouvrirBase } from '../base';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { bilanMesureUpdate, logementUpdate, rendezVousUpdate, type EntreeIml } from '../domain/iml';
import { cloreAnticipeUpdate, etatQuery, repondreValidationUpdate } from '../domain/messages';
import {
  bilanUpdate,
  cloturerUpdate,
  diagnosticUpdate,
  passageDroitCommunUpdate,
  planAideUpdate,
  tentativeContactUpdate,
  type EntreePrevention,
} from '../domain/prevention';
import { cloturerProtocoleUpdate, nouveauBailUpdate, orientationUpdate, signatureProtocoleUpdate } from '../domain/protocole';
import type { EtatParcours, Programme } from '../domain/vocabulaire';
import { calculerIndicateurs, type Indicateurs, type Periode } from '../indicateurs/calcul';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { ajouterDuree, auxHeuresOuvrees, depuisHeureDeParis, heureDeParis } from '../domain/durees';
import type { EntreeExecutionProtocole } from '../workflows/protocole-post-resiliation';
import { annuaireEssai, demarrerApiEssai, type ApiEssai } from './outils/api';
import {
  CATALOGUE,
  ADMIN_ESSAI,
  PERSONNEL,
  apres,
  avancerJusqua,
  echeanceSuivie,
  heureDuParcours,
  jusqua as jusquaEtat,
  menageEssai,
  monterBanc,
  requete,
  type Banc,
} from './outils/environnement';

const MOT_DE_PASSE = 'mot-de-passe-essai';
let banc: Banc;
let api: ApiEssai;
let url: string;

beforeAll(async () => {
  const autre = { ...PERSONNEL[0]!, id: 'coord.autre', nom: 'Coordination Loiret', courriel: 'coord.autre@essai.example', programmes: ['loiret-ahu'] };
  const annuaire = await annuaireEssai(MOT_DE_PASSE, [autre, ADMIN_ESSAI]);
  banc = await monterBanc({ personnel: annuaire.tous() });
  api = await demarrerApiEssai(banc, { annuaire });
  url = api.url;
});
afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

const jour = (t: number | Date | string) => new Date(t).toISOString().slice(0, 10);
/** Le jour à Paris (AAAA-MM-JJ) d'un instant : « aujourd'hui » pour les personnes qui saisissent. */
const jourDeParis = (d: Date) => heureDeParis(d).toISOString().slice(0, 10);
const msg = <T extends object>(x: T, par = 'ts.alice') => ({ requestId: requete(), par, ...x });

const jusqua = (h: WorkflowHandle, predicat: (e: EtatParcours) => boolean, attendu?: string) => jusquaEtat(h, predicat, attendu);
const etape = (h: WorkflowHandle, nom: string) => jusquaEtat(h, (e) => e.etape === nom, `étape « ${nom} »`);
/** Avance l'horloge du parcours (lui seul) juste après une date qu'il a fixée. */
const avancerApres = (h: WorkflowHandle, date: Date | string) => avancerJusqua(banc, h, apres(date));
/** Le parcours s'est terminé de lui-même : sa fiche d'indicateurs (dernière activité) est consignée. */
async function termine(h: WorkflowHandle): Promise<EtatParcours> {
  await vi.waitFor(
    async () => {
      const d = await h.describe();
      if (d.status.name === 'RUNNING')
        throw new Error(
          `${h.workflowId} ne se termine pas (étape « ${(await h.query(etatQuery)).etape} », ${d.raw.pendingActivities?.length ?? 0} activité(s) en cours)`,
        );
    },
    { timeout: 30_000, interval: 50 },
  );
  return (await h.result()) as EtatParcours;
}

async function repondre(h: WorkflowHandle, role: 'departement' | 'siao' | 'bailleur', decision: 'approuve' | 'refuse', commentaire?: string, objet?: string) {
  const attendue = (x: EtatParcours['demandes'][number]) => x.role === role && x.statut === 'en_attente' && (!objet || x.objet.startsWith(objet));
  const e = await jusqua(h, (x) => x.demandes.some(attendue), `demande ${objet ?? ''} au partenaire ${role} en attente`);
  const d = e.demandes.find(attendue)!;
  await h.executeUpdate(repondreValidationUpdate, {
    args: [{ requestId: requete(), par: `partenaire:${role}`, demandeId: d.id, role, decision, commentaire }],
  });
}

// ---- Les parcours, menés à des issues connues --------------------------------------------------

/** Un dossier mené à son issue : sa référence, et le parcours (ses dates font la période). */
interface Dossier {
  ref: string;
  h: WorkflowHandle;
}

/** Une fonction qui ne s'exécute qu'une fois : le même résultat pour chaque test qui l'attend. */
function une<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

async function lancerPrevention(programmeId: string, reglages: Partial<Programme> = {}): Promise<Dossier> {
  const programme = { ...CATALOGUE.trouver(programmeId)!, ...reglages };
  // Le parcours n'existe pas encore : son horloge, au lancement, est l'heure réelle.
  const maintenant = Date.now();
  const menage = menageEssai();
  const entree: EntreePrevention = {
    programme,
    menage,
    coordinateur: 'coord.essai',
    travailleurSocial: 'ts.alice',
    situation: {
      impayesMois: 2,
      montantDette: 812,
      debutBail: jour(maintenant - 90 * 86_400_000),
      garantie: 'aucune',
      dejaTente: 'Relances',
      contactBailleur: false,
      suiviParServiceSocial: false,
    },
  };
  const h = await banc.env.client.workflow.start('preventionPrecontentieuse', {
    taskQueue: banc.taskQueue,
    workflowId: `${programmeId}--${menage.reference}`,
    args: [entree],
  });
  return { h, ref: menage.reference };
}

async function jusquAuPlan(h: WorkflowHandle, plan: { orientations: Array<'asll'>; mutation: boolean }) {
  await etape(h, 'aller_vers');
  await h.executeUpdate(tentativeContactUpdate, {
    args: [msg({ canal: 'visite_domicile' as const, creneau: 'apres_midi' as const, issue: 'joint' as const, note: 'Séparation récente' })],
  });
  await etape(h, 'diagnostic');
  await h.executeUpdate(diagnosticUpdate, {
    args: [msg({ origineDette: 'Perte d’emploi', droits: 'APL', budget: 'Serré', adequationLogement: 'Adapté', termine: true, carnetDeRoute: ['FSL'] })],
  });
  await etape(h, 'plan_aide');
  await h.executeUpdate(planAideUpdate, {
    args: [
      msg({
        // La demande de mutation : l'action et la réponse d'accord (sinon le plan est refusé).
        actions: ['plan_apurement' as const, ...(plan.mutation ? (['demande_mutation'] as const) : [])],
        orientations: plan.orientations,
        planApurement: { mensualite: 40, dureeMois: 20 },
        demandeMutation: plan.mutation,
      }),
    ],
  });
}

async function protocole(dureeMois: number): Promise<Dossier> {
  const programme = CATALOGUE.trouver('reims-april-protocole')!;
  const menage = menageEssai();
  const entree: EntreeExecutionProtocole = {
    programme,
    menage,
    coordinateur: 'coord.essai',
    travailleurSocial: 'ts.alice',
    // Le parcours n'existe pas encore : son horloge, au lancement, est l'heure réelle.
    resiliation: { jugementDu: jour(Date.now() - 40 * 86_400_000), juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 },
  };
  const h = await banc.env.client.workflow.start('protocolePostResiliation', {
    taskQueue: banc.taskQueue,
    workflowId: `reims-april-protocole--${menage.reference}`,
    args: [entree],
  });
  await etape(h, 'signature_protocole');
  const aujourdhui = jourDeParis(await heureDuParcours(h));
  await h.executeUpdate(signatureProtocoleUpdate, {
    args: [
      msg({
        signeLe: aujourdhui,
        debut: aujourdhui,
        dureeMois,
        indemniteOccupation: 420,
        planApurement: { dette: 2400, mensualite: 100 },
        signataires: { bailleur: true, occupant: true },
      }),
    ],
  });
  await etape(h, 'suivi_protocole');
  return { h, ref: menage.reference };
}

/**
 * Le mois suivant du protocole : le parcours demande le paiement du mois au bailleur `paiement`
 * après le début de ce mois (son calendrier : le jour de début du protocole, minuit à Paris, plus
 * k mois ; le lien part à 9 h, un jour ouvré) ; le bailleur répond.
 */
async function moisDuProtocole(h: WorkflowHandle, decision: 'approuve' | 'refuse') {
  const delais = CATALOGUE.trouver('reims-april-protocole')!.delais;
  const avant = await h.query(etatQuery);
  const pr = avant.details.protocole as { debut: string };
  const k = (avant.details.paiements as { moisRegles: number }).moisRegles;
  const debutDuMois = ajouterDuree(new Date(depuisHeureDeParis(Date.parse(`${pr.debut}T00:00:00.000Z`))), `P${k}M`);
  // Le lien part à 9 h ce jour-là (le jour ouvré suivant s'il est chômé).
  await avancerApres(h, auxHeuresOuvrees(ajouterDuree(debutDuMois, delais.paiement!)));
  await repondre(h, 'bailleur', decision, undefined, 'Paiement ');
  await jusqua(h, (e) => (e.details.paiements as { moisRegles: number }).moisRegles === k + 1, `mois ${k + 1} du protocole réglé`);
}

const PARCOURS = {
  /** loiret-ahu : aucun contact dans le délai → échec « contact impossible ». */
  loiret: une(async (): Promise<Record<string, Dossier>> => {
    const d = await lancerPrevention('loiret-ahu');
    await etape(d.h, 'aller_vers');
    await d.h.executeUpdate(tentativeContactUpdate, { args: [msg({ canal: 'telephone' as const, creneau: 'matin' as const, issue: 'injoignable' as const })] });
    await avancerApres(d.h, (await echeanceSuivie(d.h, 'contact')).due);
    expect((await termine(d.h)).cloture?.issue).toBe('contact_impossible');
    return { loiret: d };
  }),

  /** besancon-ccas : ASLL refusée par le département, puis clôture anticipée. */
  besanconB: une(async (): Promise<Record<string, Dossier>> => {
    const d = await lancerPrevention('besancon-ccas');
    await jusquAuPlan(d.h, { orientations: ['asll'], mutation: false });
    await etape(d.h, 'validation_departement');
    await repondre(d.h, 'departement', 'refuse', 'Préciser le budget');
    await etape(d.h, 'revision_plan');
    await d.h.executeUpdate(cloreAnticipeUpdate, { args: [msg({ motif: 'Le ménage a déménagé' }, 'coord.essai')] });
    expect((await termine(d.h)).cloture?.issue).toBe('cloture_anticipee');
    return { besanconB: d };
  }),

  /**
   * besancon-ccas, réglé par son administration avec un bilan à 6 mois (la fiche n'en prévoit pas) :
   * ASLL validée, bilan (plan respecté, reprise partielle), mutation, droit commun, relogement.
   */
  besanconA: une(async (): Promise<Record<string, Dossier>> => {
    const d = await lancerPrevention('besancon-ccas', { jalons: { bilans: ['P6M'], pointsSuivi: [] } });
    await jusquAuPlan(d.h, { orientations: ['asll'], mutation: true });
    await etape(d.h, 'validation_departement');
    await repondre(d.h, 'departement', 'approuve');
    await etape(d.h, 'suivi');
    // Le premier jalon de bilan, compté depuis le début du suivi (au plus tard maintenant pour le parcours).
    const debutSuivi = await heureDuParcours(d.h);
    const jalon = 'P6M';
    await avancerApres(d.h, ajouterDuree(debutSuivi, jalon));
    await echeanceSuivie(d.h, `bilan:${jalon}`);
    await d.h.executeUpdate(bilanUpdate, { args: [msg({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: ['ASLL engagée'] })] });
    await d.h.executeUpdate(passageDroitCommunUpdate, { args: [msg({ service: 'Service social départemental', entretienTripartite: false })] });
    await etape(d.h, 'passage_droit_commun');
    await d.h.executeUpdate(cloturerUpdate, { args: [msg({ issue: 'relogement_ou_mutation' as const, motif: 'Mutation obtenue' })] });
    expect((await termine(d.h)).cloture?.issue).toBe('relogement_ou_mutation');
    return { besanconA: d };
  }),

  /** concarneau-iml : refus du SIAO ; une mesure qui glisse au bilan à 6 mois, un frein relevé. */
  iml: une(async (): Promise<Record<string, Dossier>> => {
    const programme = CATALOGUE.trouver('concarneau-iml')!;
    const lancer = async (): Promise<Dossier> => {
      const menage = menageEssai();
      const entree: EntreeIml = {
        programme,
        menage,
        coordinateur: 'coord.essai',
        travailleurSocial: 'ts.alice',
        candidature: { structure: 'chrs', pretASortir: true, budgetTravaille: true, typologieRecherchee: 'T2' },
      };
      const h = await banc.env.client.workflow.start('imlBailGlissant', {
        taskQueue: banc.taskQueue,
        workflowId: `concarneau-iml--${menage.reference}`,
        args: [entree],
      });
      return { h, ref: menage.reference };
    };
    const refuse = await lancer();
    await repondre(refuse.h, 'siao', 'refuse', 'Dossier incomplet');
    expect((await termine(refuse.h)).cloture?.issue).toBe('refus_siao');

    const d = await lancer();
    await repondre(d.h, 'siao', 'approuve');
    await etape(d.h, 'recherche_logement');
    const aujourdhui = jourDeParis(await heureDuParcours(d.h));
    await d.h.executeUpdate(logementUpdate, {
      args: [
        msg({
          bailleur: { type: 'public' as const, nom: 'OPAC', courriel: 'agence@opac.example', conventionne: true },
          adresse: '4 impasse des Mouettes',
          typologie: 'T2' as const,
          debutBailPrincipal: aujourdhui,
          debutSousLocation: aujourdhui,
        }),
      ],
    });
    const { details } = await jusqua(d.h, (e) => e.etape === 'sous_location' && !!e.details.mesure, 'étape « sous_location »');
    await d.h.executeUpdate(rendezVousUpdate, { args: [msg({ nature: 'visite_domicile' as const, axes: ['budget' as const], note: 'dette de jeu évoquée' })] });
    // Le premier bilan, au jalon compté depuis le début de la sous-location fixé par le parcours.
    const jalon = programme.jalons.bilans![0]!;
    await avancerApres(d.h, ajouterDuree(new Date((details.mesure as { debut: string }).debut), jalon));
    await echeanceSuivie(d.h, `bilan:${jalon}`);
    await etape(d.h, 'bilan_mesure');
    await d.h.executeUpdate(bilanMesureUpdate, {
      args: [
        msg({
          paiementLoyer: 'regulier' as const,
          situation: 'stable' as const,
          bailleurPresent: true,
          menagePresent: true,
          decision: 'glissement' as const,
          freins: ['dette' as const],
          notes: 'dette de jeu',
        }),
      ],
    });
    expect((await termine(d.h)).cloture?.issue).toBe('glissement_du_bail');
    return { imlRefus: refuse, iml: d };
  }),

  /** reims-april-protocole : respecté puis nouveau bail ; rompu après deux mois impayés, orientation. */
  protocoles: une(async (): Promise<Record<string, Dossier>> => {
    const respecte = await protocole(3);
    for (let i = 0; i < 3; i++) await moisDuProtocole(respecte.h, 'approuve');
    const { details } = await etape(respecte.h, 'nouveau_bail');
    // Le bailleur signe le nouveau bail 10 jours après le respect du protocole.
    await avancerJusqua(banc, respecte.h, ajouterDuree(new Date(details.protocoleRespecteLe as string), 'P10D'));
    await respecte.h.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: jourDeParis(await heureDuParcours(respecte.h)) })] });
    expect((await termine(respecte.h)).cloture?.issue).toBe('nouveau_bail_signe');

    const rompu = await protocole(12);
    await moisDuProtocole(rompu.h, 'refuse');
    await moisDuProtocole(rompu.h, 'refuse');
    await repondre(rompu.h, 'bailleur', 'approuve', 'Aucun versement depuis deux mois', 'Manquements répétés');
    await etape(rompu.h, 'rupture');
    await rompu.h.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const })] });
    await rompu.h.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const, motif: 'Place obtenue' })] });
    expect((await termine(rompu.h)).cloture?.issue).toBe('orientation_hebergement');
    return { protocoleRespecte: respecte, protocoleRompu: rompu };
  }),
};

const refs: Record<string, string> = {};
/** Le délai jusqu'au premier contact que chaque parcours a noté (jours de Paris : 1 si minuit est passé entre les deux). */
const delaisContact: Record<string, number | undefined> = {};
let periode: Periode;
/**
 * Tous les parcours menés (en parallèle pour ceux qu'aucun test n'a encore menés : chacun a son
 * horloge) ; la période va du premier jour du premier parcours au jour de la dernière clôture.
 */
const tousLesParcours = une(async () => {
  const dossiers = Object.assign({}, ...(await Promise.all(Object.values(PARCOURS).map((f) => f())))) as Record<string, Dossier>;
  // Tous terminés (`termine`) : leur état final est leur résultat, lu dans l'historique, sans qu'un
  // worker rejoue chacun (une requête à un parcours terminé le rejoue en entier : dix à la fois, la
  // machine chargée, dépassaient le délai des requêtes).
  const etats = (await Promise.all(Object.values(dossiers).map((d) => d.h.result()))) as EtatParcours[];
  for (const [i, [cle, d]] of Object.entries(dossiers).entries()) {
    refs[cle] = d.ref;
    delaisContact[cle] = etats[i]!.details.delaiPremierContactJours as number | undefined;
  }
  // Les jours de Paris, comme les bornes du calcul (un parcours clos à 23 h 30 UTC l'est le lendemain à Paris).
  const jours = (l: string[]) => l.map((x) => jourDeParis(new Date(x))).sort();
  periode = { du: jours(etats.map((e) => e.journal[0]!.date))[0]!, au: jours(etats.map((e) => e.cloture!.le)).at(-1)! };
});

describe('indicateurs de parcours menés à des issues connues', () => {
  it('prévention (loiret-ahu) : aucun contact dans le mois → échec « contact impossible »', async () => {
    await PARCOURS.loiret();
  });

  it('prévention (besancon-ccas) : ASLL refusée par le département, puis clôture anticipée', async () => {
    await PARCOURS.besanconB();
  });

  it('prévention (besancon-ccas) : ASLL validée, plan d’apurement respecté, reprise partielle, mutation, droit commun, relogement', async () => {
    await PARCOURS.besanconA();
  });

  it('IML (concarneau-iml) : refus du SIAO ; une mesure qui glisse au bilan à 6 mois, un frein relevé', async () => {
    await PARCOURS.iml();
  });

  it('protocole (reims-april-protocole) : respecté puis nouveau bail ; rompu après deux mois impayés, orientation', async () => {
    await PARCOURS.protocoles();
  });

  const calcul = async (registre: RegistreIndicateurs, programmeId: string): Promise<Indicateurs> =>
    calculerIndicateurs((await registre.fichesDuProgramme(programmeId)).fiches, programmeId, periode);

  it('le registre a la fiche de chaque parcours ; chaque famille d’indicateurs est juste, avec ses dossiers', async () => {
    await tousLesParcours();
    const registre = new RegistreIndicateurs((await baseEssai()).db);
    // Aucune donnée personnelle dans les fiches.
    for (const p of ['loiret-ahu', 'besancon-ccas', 'concarneau-iml', 'reims-april-protocole']) {
      for (const f of (await registre.fichesDuProgramme(p)).fiches)
        expect(JSON.stringify(f)).not.toMatch(/Lefébure|Tilleuls|Mouettes|dette de jeu|Perte d’emploi|Séparation/);
    }

    const loiret = await calcul(registre, 'loiret-ahu');
    expect(loiret.situations.reperees.references).toEqual([refs.loiret]);
    expect(loiret.situations.orientees.references).toEqual([refs.loiret]);
    expect(loiret.contacts.etablis.nombre).toBe(0);
    expect(loiret.echecs.parMotif).toEqual([{ issue: 'contact_impossible', libelle: 'Contact impossible', compte: { nombre: 1, references: [refs.loiret] } }]);

    const b = await calcul(registre, 'besancon-ccas');
    const deux = [refs.besanconA, refs.besanconB].sort();
    expect(b.situations.reperees.references).toEqual(deux);
    expect(b.situations.orientees.references).toEqual(deux);
    expect(b.situations.traitees.references).toEqual(deux);
    expect(b.contacts.etablis.references).toEqual(deux);
    // Contact établi aussitôt : 0 jour, ou 1 si la suite passait à minuit (heure de Paris) entre le lancement
    // et le contact ; la médiane des deux, telle que les parcours l'ont notée.
    const [delaiA, delaiB] = [delaisContact.besanconA, delaisContact.besanconB];
    expect([0, 1]).toContain(delaiA);
    expect([0, 1]).toContain(delaiB);
    expect(b.contacts.delaiJours.mediane).toBe((delaiA! + delaiB!) / 2);
    expect(b.contacts.partDansLeDelai).toBe(1);
    expect(b.contacts.distribution[0]!.nombre).toBe(2);
    expect(b.plansAide.references).toEqual(deux);
    expect(b.asll.demandees.references).toEqual(deux);
    expect(b.asll.validees.references).toEqual([refs.besanconA]);
    expect(b.asll.refusees.references).toEqual([refs.besanconB]);
    expect(b.plansApurement.fixes.references).toEqual(deux);
    expect(b.plansApurement.respectes.references).toEqual([refs.besanconA]);
    expect(b.reprisePaiement.partielle.references).toEqual([refs.besanconA]);
    expect(b.reprisePaiement.totale.nombre + b.reprisePaiement.aucune.nombre).toBe(0);
    expect(b.mutations.demandees.references).toEqual([refs.besanconA]);
    expect(b.mutations.relogements.references).toEqual([refs.besanconA]);
    expect(b.orientationsDroitCommun.references).toEqual([refs.besanconA]);
    expect(b.clotures.total.nombre).toBe(2);
    expect(b.echecs.parMotif).toEqual([{ issue: 'cloture_anticipee', libelle: 'Clôture anticipée', compte: { nombre: 1, references: [refs.besanconB] } }]);
    expect(b.entonnoir.map((x) => x.nombre)).toEqual([2, 2, 2, 2, 1]);

    const iml = await calcul(registre, 'concarneau-iml');
    expect(iml.iml.candidatures.nombre).toBe(2);
    expect(iml.iml.validationsSiao.references).toEqual([refs.iml]);
    expect(iml.iml.refusSiao.references).toEqual([refs.imlRefus]);
    expect(iml.iml.file.entrees.references).toEqual([refs.iml]);
    expect(iml.iml.file.placesAccordees.references).toEqual([refs.iml]);
    expect(iml.iml.file.attenteJours.max).toBe(0);
    expect(iml.iml.file.enAttenteAuTerme.nombre).toBe(0);
    expect(iml.iml.mesuresActives.references).toEqual([refs.iml]);
    expect(iml.iml.glissements.a6Mois.references).toEqual([refs.iml]);
    expect(iml.iml.glissements.a12Mois.nombre).toBe(0);
    expect(iml.iml.prolongations.nombre).toBe(0);
    expect(iml.iml.dureeMois.mediane).toBe(6);
    expect(iml.iml.obstacles).toEqual([{ obstacle: 'dette', compte: { nombre: 1, references: [refs.iml] } }]);
    expect(iml.iml.profils.structure).toEqual([{ valeur: 'chrs', compte: { nombre: 1, references: [refs.iml] } }]);
    expect(iml.iml.profils.composition.map((x) => x.valeur)).toEqual(['famille_monoparentale']);
    expect(iml.iml.accompagnement).toMatchObject({
      visitesDomicile: 1,
      rendezVous: 0,
      axes: [{ valeur: 'budget', compte: { nombre: 1, references: [refs.iml] } }],
    });
    expect(iml.echecs.parMotif.map((x) => x.issue)).toEqual(['refus_siao']);

    const pr = await calcul(registre, 'reims-april-protocole');
    const deuxP = [refs.protocoleRespecte, refs.protocoleRompu].sort();
    expect(pr.protocoles.signes.references).toEqual(deuxP);
    expect(pr.protocoles.actifs.references).toEqual(deuxP);
    expect(pr.protocoles.respectes.references).toEqual([refs.protocoleRespecte]);
    expect(pr.protocoles.rompus.references).toEqual([refs.protocoleRompu]);
    expect(pr.protocoles.nouveauxBaux.references).toEqual([refs.protocoleRespecte]);
    expect(pr.protocoles.delaiNouveauBailJours.mediane).toBeGreaterThanOrEqual(10);
    expect(pr.protocoles.delaiNouveauBailJours.mediane).toBeLessThanOrEqual(11);
    expect(pr.echecs.parMotif.map((x) => x.issue)).toEqual(['orientation_hebergement']);
  });

  it('après un redémarrage (un registre neuf sur une nouvelle connexion à la même base), les mêmes indicateurs', async () => {
    await tousLesParcours();
    const { db, url } = await baseEssai();
    const avant = new RegistreIndicateurs(db);
    const autreConnexion = ouvrirBase(url, { max: 1 });
    onTestFinished(() => autreConnexion.destroy());
    const apres = new RegistreIndicateurs(autreConnexion);
    for (const p of ['loiret-ahu', 'besancon-ccas', 'concarneau-iml', 'reims-april-protocole']) {
      expect(await calcul(apres, p)).toEqual(await calcul(avant, p));
    }
  });

  describe('API', () => {
    const jetons: Record<string, string> = {};
    /** Les lignes d'un CSV reçu, sans la marque d'ordre des octets. */
    const lignesDe = (corps: Buffer) =>
      corps
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
    async function appel(qui: string, chemin: string) {
      if (!jetons[qui]) {
        const r = await fetch(`${url}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identifiant: qui, motDePasse: MOT_DE_PASSE }),
        });
        jetons[qui] = ((await r.json()) as { jeton: string }).jeton;
      }
      const r = await fetch(`${url}${chemin}`, { headers: { authorization: `Bearer ${jetons[qui]}` } });
      return { status: r.status, type: r.headers.get('content-type') ?? '', corps: Buffer.from(await r.arrayBuffer()) };
    }
    const q = () => `du=${periode.du}&au=${periode.au}`;

    it('la coordination lit les indicateurs (JSON, CSV) ; un travailleur social est refusé (403, en français)', async () => {
      await tousLesParcours();
      const json = await appel('coord.essai', `/api/programmes/besancon-ccas/indicateurs?${q()}`);
      expect(json.status).toBe(200);
      const x = JSON.parse(json.corps.toString()) as Indicateurs;
      expect(x.asll.validees.references).toEqual([refs.besanconA]);
      // Les chiffres des financeurs : reprise du paiement, tentatives jusqu'au contact, charge par ETP (0,5 ETP à Besançon).
      expect(x.reprisePaiement).toMatchObject({ reprise: { references: [refs.besanconA] }, connue: { references: [refs.besanconA] }, part: 1 });
      expect(x.contacts.tentatives).toMatchObject({ moyenne: 1, max: 1 });
      expect(x.moyens).toMatchObject({ etp: 0.5, situationsSuivies: { references: [refs.besanconA, refs.besanconB].sort() }, situationsParEtp: 4 });
      expect(x.procedures.evitees.nombre).toBe(0); // un relogement, une clôture anticipée
      const csv = await appel('coord.essai', `/api/programmes/besancon-ccas/indicateurs.csv?${q()}`);
      expect(csv.status).toBe(200);
      expect(csv.type).toContain('text/csv');
      const lignes = lignesDe(csv.corps);
      expect(lignes[0]).toBe('programme;du;au;famille;indicateur;libelle;valeur;unite;references');
      expect(lignes.find((l) => l.includes(';asll_validees;'))).toBe(
        `besancon-ccas;${periode.du};${periode.au};asll;asll_validees;ASLL validées par le département;1;nombre;${refs.besanconA}`,
      );
      // Le lien de la page « Évaluations » : le même CSV pour un tableur en français, sans code.
      const tableur = await appel('coord.essai', `/api/programmes/besancon-ccas/indicateurs.csv?${q()}&format=tableur`);
      expect(tableur.status).toBe(200);
      const enMots = lignesDe(tableur.corps);
      expect(enMots[0]).toBe('Programme;Du;Au;Thème;Indicateur;Valeur;Unité;Dossiers');
      const fr = (jour: string) => jour.split('-').reverse().join('/');
      expect(enMots.find((l) => l.includes(';ASLL validées par le département;'))).toBe(
        `${CATALOGUE.trouver('besancon-ccas')!.nom};${fr(periode.du)};${fr(periode.au)};Plans d’aide, ASLL, plans d’apurement;ASLL validées par le département;1;nombre;${refs.besanconA}`,
      );
      expect((await appel('coord.essai', `/api/programmes/besancon-ccas/indicateurs.csv?${q()}&format=excel`)).status).toBe(400);

      for (const chemin of [`/api/programmes/besancon-ccas/indicateurs?${q()}`, `/api/programmes/besancon-ccas/indicateurs.csv?${q()}`]) {
        const r = await appel('ts.alice', chemin);
        expect(r.status, chemin).toBe(403);
        expect(JSON.parse(r.corps.toString()).detail).toContain('réservés à la coordination du programme');
      }
      // Les pages de l'interface : une page d'erreur en français.
      for (const chemin of ['/evaluations', `/programmes/besancon-ccas/evaluation?periode=6-mois`, `/programmes/besancon-ccas/evaluation.pdf?periode=6-mois`]) {
        const r = await appel('ts.alice', chemin);
        expect(r.status, chemin).toBe(403);
        expect(r.type, chemin).toContain('text/html');
        expect(r.corps.toString(), chemin).toContain('réservés à la coordination du programme');
      }
      // Une coordinatrice d'un autre programme : refusée ; l'administration : acceptée.
      const autre = await appel('coord.autre', `/api/programmes/besancon-ccas/indicateurs?${q()}`);
      expect(autre.status).toBe(403);
      expect(JSON.parse(autre.corps.toString()).detail).toBe('Vous ne coordonnez pas ce programme : ses indicateurs ne vous sont pas accessibles.');
      expect((await appel('coord.autre', `/api/programmes/loiret-ahu/indicateurs?${q()}`)).status).toBe(200);
      expect((await appel('admin.essai', `/api/programmes/besancon-ccas/indicateurs?${q()}`)).status).toBe(200);
      const mauvais = await appel('coord.essai', `/api/programmes/besancon-ccas/indicateurs?du=${periode.au}&au=${periode.du}`);
      expect(mauvais.status).toBe(400);
      expect(JSON.parse(mauvais.corps.toString()).detail).toContain('la date de début doit précéder la date de fin');
      expect((await appel('coord.essai', '/api/programmes/inconnu/indicateurs')).status).toBe(404);
      // Une année qui n'a pas commencé : 400 en français partout (JSON, CSV, page, PDF), jamais 500.
      const prochaine = new Date().getUTCFullYear() + 1;
      for (const chemin of [
        `/api/programmes/concarneau-iml/indicateurs?periode=annuel-iml&annee=${prochaine}`,
        `/api/programmes/concarneau-iml/indicateurs.csv?periode=annuel-iml&annee=${prochaine}`,
        `/programmes/concarneau-iml/evaluation?periode=annuel-iml&annee=${prochaine}`,
        `/programmes/concarneau-iml/evaluation.pdf?periode=annuel-iml&annee=${prochaine}`,
      ]) {
        const r = await appel('coord.essai', chemin);
        expect(r.status, chemin).toBe(400);
        expect(r.corps.toString(), chemin).toContain(`l’année ${prochaine} n’a pas encore commencé`);
      }
    });

    it('page d’évaluation et PDF ; la version des partenaires n’a que des agrégats', async () => {
      await tousLesParcours();
      const page = await appel('coord.essai', `/programmes/besancon-ccas/evaluation?periode=12-mois&${q()}`);
      expect(page.status).toBe(200);
      const html = page.corps.toString();
      expect(html).toContain('Évaluation à 12 mois');
      expect(html).toContain('aria-labelledby="titre-entonnoir"');
      expect(html).toContain('aria-labelledby="titre-histogramme"');
      expect(html).toContain(refs.besanconA!);
      expect(html).toContain('<a href="/evaluations">'); // dans l'interface : en-tête et navigation du personnel
      expect(html).toContain('Se déconnecter');
      // Sans du/au : l'évaluation à 6 mois part du début du programme (réglage du preset), quel que soit le jour.
      const six = await appel('coord.essai', '/programmes/besancon-ccas/evaluation?periode=6-mois');
      expect(six.status).toBe(200);
      expect(six.corps.toString()).toContain('Évaluation à 6 mois comptée depuis le début du programme, le 5 janvier 2026.');
      // Les chiffres du rapport pour un tableur : la même période.
      expect(six.corps.toString()).toContain(
        '<a href="/api/programmes/besancon-ccas/indicateurs.csv?periode=6-mois&amp;format=tableur">Les chiffres pour un tableur (CSV)</a>',
      );
      const liste = await appel('coord.essai', '/evaluations');
      expect(liste.status).toBe(200);
      expect(liste.corps.toString()).toContain('/programmes/besancon-ccas/evaluation?periode=6-mois');
      expect(liste.corps.toString()).toContain('/programmes/concarneau-iml/evaluation?periode=annuel-iml');
      expect(liste.corps.toString()).toContain(
        '<a href="/api/programmes/besancon-ccas/indicateurs.csv?format=tableur">Indicateurs des 12 derniers mois (tableur, CSV)</a>',
      );
      const partenaires = await appel('coord.essai', `/programmes/besancon-ccas/evaluation?periode=12-mois&${q()}&pour=partenaires`);
      expect(partenaires.corps.toString()).not.toContain(refs.besanconA!);
      expect(partenaires.corps.toString()).not.toContain(refs.besanconB!);
      // Sa version pour un tableur : les mêmes totaux, sans aucune référence de dossier.
      const lien = /<a href="([^"]+)">Les chiffres pour un tableur \(CSV\)<\/a>/.exec(partenaires.corps.toString())?.[1]?.replace(/&amp;/g, '&');
      expect(lien).toContain('pour=partenaires');
      const tableurPartenaires = await appel('coord.essai', lien!);
      expect(tableurPartenaires.status).toBe(200);
      expect(lignesDe(tableurPartenaires.corps)[0]).toBe('Programme;Du;Au;Thème;Indicateur;Valeur;Unité;Dossiers');
      expect(tableurPartenaires.corps.toString()).toContain(';ASLL validées par le département;1;nombre;\r\n');
      expect(tableurPartenaires.corps.toString()).not.toContain(refs.besanconA!);
      const pdf = await appel('coord.essai', `/programmes/besancon-ccas/evaluation.pdf?periode=12-mois&${q()}&pour=partenaires`);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toContain('application/pdf');
      const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
      const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf.corps), verbosity: 0 }).promise;
      let texte = '';
      for (let i = 1; i <= doc.numPages; i++) texte += (await (await doc.getPage(i)).getTextContent()).items.map((x) => ('str' in x ? x.str : '')).join(' ');
      expect(texte).toContain('ASLL validées par le département');
      expect(texte).not.toContain(refs.besanconA!);
    });
  });
});
