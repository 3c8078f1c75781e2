/**
 * Parcours « IML sortie de structure, bail glissant » (concarneau-iml) sur le vrai serveur Temporal,
 * avec le saut de temps par parcours : candidature, validation SIAO (refus, silence), file des
 * mesures agréées sous quota, logement, loyers, bilans à 6 et 10 mois avec leur fiche-bilan à la
 * DDETS, glissement à 12 mois, glissement anticipé, prolongation bornée à 18 mois, fin avec
 * orientation, confidentialité.
 *
 * Chaque test a sa copie du programme (identifiant propre) : sa file de mesures est à lui seul.
 * Le temps n'avance que pour la mesure d'un test, jusqu'aux dates qu'elle a fixées elle-même (début
 * de la sous-location, jalons des bilans, terme, fin de prolongation, rappels du SIAO) ; la file du
 * programme (`file-iml--…`) garde son horloge.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { journalConsigne } from './outils/base';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { SA } from '../domain/attributs-recherche';
import { etatQuery, cloreAnticipeUpdate, envoyerDocumentAuMenageUpdate, repondreValidationUpdate } from '../domain/messages';
import {
  attenteDePlace,
  bilanMesureUpdate,
  candidatureUpdate,
  conditionsGlissementUpdate,
  decisionSiaoUpdate,
  demanderPlaceSignal,
  fileImlQuery,
  finMesureUpdate,
  idFileIml,
  libererPlaceSignal,
  logementUpdate,
  loyerUpdate,
  rendezVousUpdate,
  type BilanMesure,
  type Candidature,
  type ConditionsGlissement,
  type EntreeIml,
  type EtatFileIml,
  type Logement,
} from '../domain/iml';
import type { EtatParcours, Menage, Programme } from '../domain/vocabulaire';
import { Consentements } from '../sms';
import { impayesConsecutifs, motifCandidature } from '../workflows/iml-bail-glissant';
import { memeBailleur, motifLogement } from '../domain/iml';
import { ajouterDuree, dateEnFrancais, dureeEnFrancais, estFinDuJour, finDuJour, heureDeParis, jourDeParis, minuitDeParis } from '../domain/durees';
import { enregistrementDemande, enregistrerALaFin } from './outils/historiques';
import { moisEnFrancais } from '../documents/commun';
import type { CourrielRecu } from '../dev/mail-catcher';
import { PARCOURS_IML } from '../api/parcours-iml';
import type { DependancesApi } from '../api/dependances';
import { REGISTRE } from '../api/registre-produit';
import { creerAnnuaire } from '../personnel/annuaire';
import { pageParcours } from '../web/pages/parcours';
import {
  CATALOGUE,
  attendreEcheanceDuDossier,
  COFFRE,
  PERSONNEL,
  apres,
  avancerJusqua,
  echeanceSuivie,
  heureDuParcours,
  jusqua as jusquaEtat,
  lancerAvance,
  menageEssai,
  monterBanc,
  repos,
  requete,
  type Banc,
  rappelAttendu,
  jusquALAlerte,
  jusquALEscalade,
  rappelsAttendus,
} from './outils/environnement';

const BASE = CATALOGUE.trouver('concarneau-iml')!;
/** Les jalons des bilans de mesure du programme (P6M, avec décision ; P10M). */
const [BILAN_DECISION, BILAN_TERME] = BASE.jalons.bilans! as [string, string];
const NOMS = [
  'glissement',
  'anticipe',
  'prolongation',
  'orientation',
  'plafond',
  'refus-siao',
  'siao-muet',
  'quota',
  'loyers',
  'etapes',
  'cloture-siao',
  'courriel-lent',
  'reponse-rapide',
  'glissement-courriel-lent',
  'logement-en-retard',
  'siao-adresse-refusee',
  'courriel-tardif',
  'saisies-en-retard',
  'attente-place',
  'refus',
] as const;
const idDe = (nom: (typeof NOMS)[number]) => `concarneau-iml-${nom}`;
function programme(nom: (typeof NOMS)[number], modifier?: (p: Programme) => void): Programme {
  const p = structuredClone(BASE);
  p.id = idDe(nom);
  modifier?.(p);
  return p;
}

let banc: Banc;
beforeAll(async () => {
  // La coordination et les travailleurs sociaux d'essai suivent aussi les copies du programme.
  banc = await monterBanc({ personnel: PERSONNEL.map((p) => ({ ...p, programmes: [...p.programmes, ...NOMS.map(idDe)] })) });
});
afterAll(async () => banc?.fermer());

const SIAO = BASE.partenaires.siao!.courriel;
const DDETS = BASE.partenaires.ddets!.courriel;
const BAILLEUR_PROGRAMME = BASE.partenaires.bailleur!.courriel;
const BAILLEUR_LOGEMENT = 'agence@opac-cornouaille.example';
const COORDINATION = 'coordination@essai.example';
const TS = 'alice@essai.example';
/** Ce que le ménage a confié, et ce qui le désigne : jamais dans un courriel à un partenaire. */
const SECRETS = [
  'Lefébure',
  'Josiane',
  'Tilleuls',
  '06 12 34 56 78',
  'josiane.lefebure',
  'Mouettes',
  'violences conjugales',
  'addiction',
  'cure prévue',
  'dette de jeu',
];

const CANDIDATURE: Candidature = {
  structure: 'chrs',
  hebergeDepuis: '2026-02-15',
  pretASortir: true,
  budgetTravaille: true,
  typologieRecherchee: 'T2',
  secteurs: ['Concarneau'],
  ressourcesMensuelles: 980,
  notes: 'Sortie de violences conjugales, suivi addiction en cours',
};

async function lancer(p: Programme, o: { candidature?: Candidature | null; menage?: Partial<Menage> } = {}) {
  const menage = { ...menageEssai(), ...o.menage };
  const entree: EntreeIml = {
    programme: p,
    menage,
    coordinateur: 'coord.essai',
    travailleurSocial: 'ts.alice',
    candidature: o.candidature === null ? undefined : (o.candidature ?? CANDIDATURE),
  };
  const handle = await banc.env.client.workflow.start('imlBailGlissant', {
    taskQueue: banc.taskQueue,
    workflowId: `${p.id}--${menage.reference}`,
    args: [entree],
  });
  return { handle, ref: menage.reference };
}

const jusqua = (handle: WorkflowHandle, predicat: (e: EtatParcours) => boolean, attendu?: string) => jusquaEtat(handle, predicat, attendu);
const etape = (handle: WorkflowHandle, nom: string) => jusquaEtat(handle, (e) => e.etape === nom, `étape « ${nom} »`);
const cloture = (handle: WorkflowHandle) => jusquaEtat(handle, (e) => !!e.cloture, 'clôture');
const msg = <T extends object>(x: T, par = 'ts.alice') => ({ requestId: requete(), par, ...x });
const dossier = (ref: string) => (m: CourrielRecu) => m.sujet.includes(ref);
const recu = (a: string, ref: string, debutSujet: string) =>
  banc.courriels.waitFor((m) => m.a.includes(a) && dossier(ref)(m) && m.sujet.startsWith(debutSujet), { timeoutMs: 25_000 });
const refus = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => e?.cause?.message as string,
  );

// ---- Le temps de la mesure : les dates qu'elle a fixées elle-même ---------------------------------

/** Aujourd'hui pour ce parcours : le jour à Paris de son heure à lui (AAAA-MM-JJ). */
const aujourdhui = async (handle: WorkflowHandle) =>
  heureDeParis(await heureDuParcours(handle))
    .toISOString()
    .slice(0, 10);
/** Avance l'horloge du parcours (lui seul) juste après une date. */
const avancerApres = (handle: WorkflowHandle, date: Date | string) => avancerJusqua(banc, handle, apres(date));

interface DatesMesure {
  debut: string;
  glissementPrevuLe: string;
  limite: string;
}
/** Les dates de la mesure, telles que le parcours les a fixées au début de la sous-location. */
async function datesMesure(handle: WorkflowHandle): Promise<DatesMesure> {
  return (await jusqua(handle, (e) => !!e.details.mesure, 'dates de la mesure')).details.mesure as DatesMesure;
}
/** Juste après le jalon (P6M, P10M) compté depuis le début de la sous-location : le bilan est attendu. */
async function jusquAuBilan(handle: WorkflowHandle, jalon: string) {
  await avancerApres(handle, ajouterDuree(new Date((await datesMesure(handle)).debut), jalon));
  await echeanceSuivie(handle, `bilan:${jalon}`);
  return etape(handle, 'bilan_mesure');
}
/** Juste après le terme de la mesure (12 mois, puis fin de la dernière prolongation) : les conditions sont à évaluer. */
async function jusquAuTermeFixe(handle: WorkflowHandle) {
  const e = await handle.query(etatQuery);
  const prolongations = (e.details.prolongations ?? []) as Array<{ jusquau: string }>;
  await avancerApres(handle, prolongations.at(-1)?.jusquau ?? (await datesMesure(handle)).glissementPrevuLe);
  return etape(handle, 'evaluation_glissement');
}

/** Attend qu'un parcours soit terminé de lui-même (ses dernières activités comprises). */
async function fini(handle: WorkflowHandle, ms = 30_000) {
  await vi.waitFor(
    async () => {
      const d = await handle.describe();
      if (d.status.name === 'RUNNING') throw new Error(`${handle.workflowId} ne se termine pas (${d.raw.pendingActivities?.length ?? 0} activité(s) en cours)`);
    },
    { timeout: ms, interval: 50 },
  );
}

/** Clôture anticipée par la coordination, jusqu'à la fin du parcours (la place est rendue). */
async function clore(handle: WorkflowHandle) {
  await handle.executeUpdate(cloreAnticipeUpdate, { args: [msg({ motif: 'Fin de l’essai' }, 'coord.essai')] });
  await fini(handle);
}

/** L'étape d'un parcours lue dans ses attributs de recherche (sans tâche de workflow). */
async function etapeSA(handle: WorkflowHandle, nom: string, ms = 15_000) {
  await vi.waitFor(
    async () => {
      const x = (await handle.describe()).typedSearchAttributes.get(SA.etape);
      if (x !== nom) throw new Error(`${handle.workflowId} : étape ${x} dans les attributs de recherche, ${nom} attendue`);
    },
    { timeout: ms, interval: 50 },
  );
}

const fileDe = (p: Programme) => banc.env.client.workflow.getHandle(idFileIml(p.id));
const etatFile = (p: Programme): Promise<EtatFileIml> => fileDe(p).query(fileImlQuery);
/** Attend que la file du programme vérifie `predicat` ; jamais plus de mesures actives que le quota, à aucune lecture. */
async function jusquaFile(p: Programme, predicat: (f: EtatFileIml) => boolean, attendu = 'état de la file attendu', ms = 30_000): Promise<EtatFileIml> {
  let auDela: EtatFileIml | undefined;
  const f = await vi.waitFor(
    async () => {
      const x = await etatFile(p);
      if (x.actives.length > x.quota) auDela ??= x;
      if (!predicat(x))
        throw new Error(
          `${idFileIml(p.id)} : ${attendu} jamais atteint ; file : ${JSON.stringify({ actives: x.actives.map((a) => a.mesure), file: x.file.map((m) => m.mesure), compteurs: x.compteurs })}`,
        );
      return x;
    },
    { timeout: ms, interval: 50 },
  );
  expect(auDela, 'plus de mesures actives que le quota').toBeUndefined();
  return f;
}
/**
 * La file du programme démarrée à l'heure de la mesure, qui a avancé seule : en production, une
 * seule horloge, et la place ne peut pas être accordée avant la validation de la candidature.
 */
async function fileAlHeureDe(p: Programme, handle: WorkflowHandle) {
  await banc.env.client.workflow.start('fileIml', {
    taskQueue: banc.taskQueue,
    workflowId: idFileIml(p.id),
    args: [{ programmeId: p.id, quota: p.quotas.mesuresActives ?? 1, versionProgramme: p.version }],
  });
  await avancerJusqua(banc, fileDe(p), await heureDuParcours(handle));
}
/** Toutes les places du programme rendues, plus personne en file. */
const placesRendues = (p: Programme) => jusquaFile(p, (f) => f.actives.length === 0 && f.file.length === 0, 'file vide (places rendues)');

async function demandeSiao(handle: WorkflowHandle) {
  const e = await jusqua(handle, (x) => x.demandes.some((d) => d.role === 'siao' && d.statut === 'en_attente'), 'demande au SIAO en attente');
  return e.demandes.find((d) => d.role === 'siao' && d.statut === 'en_attente')!;
}
async function repondreSiao(handle: WorkflowHandle, decision: 'approuve' | 'refuse', commentaire?: string) {
  const demande = await demandeSiao(handle);
  await handle.executeUpdate(repondreValidationUpdate, {
    args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision, commentaire }],
  });
}

const moisPlus = (date: string, n: number) => {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};

function logement(debut: string, o: Partial<Logement> = {}) {
  return msg({
    bailleur: { type: 'public' as const, nom: 'OPAC de Quimper Cornouaille', courriel: BAILLEUR_LOGEMENT, conventionne: true },
    adresse: '4 impasse des Mouettes, 29900 Concarneau',
    typologie: 'T2' as const,
    loyerMensuel: 385,
    debutBailPrincipal: debut,
    debutSousLocation: debut,
    ...o,
  });
}
const bilan = (x: Partial<BilanMesure> = {}) =>
  msg({
    paiementLoyer: 'regulier' as const,
    situation: 'stable' as const,
    bailleurPresent: true,
    menagePresent: true,
    axes: ['budget' as const],
    notes: 'Rechute addiction évoquée, dette de jeu',
    ...x,
  });
const conditions = (x: Partial<ConditionsGlissement> = {}) =>
  msg({ loyerPayeRegulierement: true, situationStable: true, decision: 'glissement' as const, ...x });

/** Lancement, validation SIAO, place, logement : la sous-location commence le jour même (du parcours). */
async function jusquALaSousLocation(p: Programme) {
  const { handle, ref } = await lancer(p);
  await repondreSiao(handle, 'approuve');
  await etape(handle, 'recherche_logement');
  const debut = await aujourdhui(handle);
  await handle.executeUpdate(logementUpdate, { args: [logement(debut)] });
  await etape(handle, 'sous_location');
  return { handle, ref, debut };
}

/** Bilans à 6 mois (poursuite) et 10 mois, puis le terme des 12 mois : conditions à évaluer. */
async function jusquAuTerme(handle: WorkflowHandle) {
  await jusquAuBilan(handle, BILAN_DECISION);
  await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'poursuivre' })] });
  await etape(handle, 'sous_location');
  await jusquAuBilan(handle, BILAN_TERME);
  await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ bailleurPresent: false })] });
  await etape(handle, 'sous_location');
  return jusquAuTermeFixe(handle);
}

function sansSecret(courriels: CourrielRecu[]) {
  expect(courriels.length).toBeGreaterThan(0);
  for (const m of courriels) {
    for (const s of SECRETS) {
      expect(m.texte, `« ${s} » dans « ${m.sujet} »`).not.toContain(s);
      expect(m.html ?? '').not.toContain(s);
    }
  }
}
const courrielsPartenaires = (ref: string) =>
  banc.courriels.messages().filter((m) => dossier(ref)(m) && [SIAO, DDETS, BAILLEUR_PROGRAMME, BAILLEUR_LOGEMENT].some((a) => m.a.includes(a)));

/**
 * Une place pour deux candidatures (quota 1) : la seconde est validée demain à 21 h (heure de Paris,
 * horloge de son parcours) et attend en file ; la file arrive au surlendemain à 5 h (son horloge) et
 * la première mesure se termine alors : 8 heures d'attente, mais un jour du calendrier.
 */
async function placeApresUneNuit(p: Programme) {
  const premiere = await lancer(p);
  await repondreSiao(premiere.handle, 'approuve');
  await etapeSA(premiere.handle, 'recherche_logement');
  const demain = jourDeParis(new Date(Date.now() + 86_400_000));
  const seconde = await lancer(p);
  await demandeSiao(seconde.handle);
  await avancerJusqua(banc, seconde.handle, new Date(minuitDeParis(demain).getTime() + 21 * 3_600_000));
  await repondreSiao(seconde.handle, 'approuve');
  await etapeSA(seconde.handle, 'file_attente');
  const surlendemain = jourDeParis(new Date(minuitDeParis(demain).getTime() + 30 * 3_600_000));
  await avancerJusqua(banc, fileDe(p), new Date(minuitDeParis(surlendemain).getTime() + 5 * 3_600_000));
  await premiere.handle.executeUpdate(finMesureUpdate, { args: [msg({ issue: 'menage_met_fin' as const, motif: 'Le ménage a trouvé un logement seul' })] });
  await fini(premiere.handle);
  return { seconde, demain };
}

describe('règles', () => {
  it('candidature : structure de l’opérateur, prêt à sortir, budget travaillé ; impayés consécutifs', () => {
    expect(motifCandidature(CANDIDATURE)).toBeUndefined();
    expect(motifCandidature({ ...CANDIDATURE, pretASortir: false, budgetTravaille: false })).toBe(
      'Le ménage doit être jugé « prêt à sortir » vers le logement ; la question du budget doit avoir été travaillée en amont avec le ménage.',
    );
    expect(motifCandidature({ ...CANDIDATURE, structure: 'hotel' })).toBeUndefined();
    expect(motifCandidature({ ...CANDIDATURE, structure: 'tente' as never })).toContain('Structure d’hébergement inconnue');
    const l = (x: Record<string, 'paye' | 'partiel' | 'impaye'>) => new Map(Object.entries(x));
    expect(impayesConsecutifs(l({ '2027-01': 'impaye', '2027-02': 'impaye', '2027-03': 'impaye' }))).toBe(3);
    expect(impayesConsecutifs(l({ '2027-01': 'impaye', '2027-02': 'partiel', '2027-03': 'impaye' }))).toBe(1);
    expect(impayesConsecutifs(l({ '2026-12': 'impaye', '2027-01': 'impaye' }))).toBe(2);
    expect(impayesConsecutifs(l({ '2026-11': 'impaye', '2027-01': 'impaye' }))).toBe(1); // décembre non constaté
  });

  it('logement : bailleur conventionné, sous-location pas avant le bail principal, début à moins de 3 mois d’aujourd’hui', () => {
    const l = (o: Partial<Logement>) => logement('2027-03-01', o);
    const le = new Date('2027-03-01T10:00:00Z');
    expect(motifLogement(l({}), 'Émeraude', le)).toBeUndefined();
    expect(motifLogement(l({ debutBailPrincipal: '2027-03-02' }), 'Émeraude', le)).toBe('La sous-location ne peut pas commencer avant le bail principal.');
    expect(motifLogement(l({ debutBailPrincipal: '2027-05-31', debutSousLocation: '2027-06-01' }), 'Émeraude', le)).toBeUndefined();
    expect(motifLogement(l({ debutBailPrincipal: '2027-06-02', debutSousLocation: '2027-06-02' }), 'Émeraude', le)).toBe(
      'La date de début de la sous-location doit être à moins de 3 mois d’aujourd’hui : elle fait partir l’horloge de la mesure.',
    );
    expect(motifLogement(l({ debutBailPrincipal: '2026-11-28', debutSousLocation: '2026-11-28' }), 'Émeraude', le)).toMatch(/à moins de 3 mois/);
  });

  it('attente d’une place : en jours du calendrier de Paris, « 1 jour » au singulier ; le compte en tranches de 24 heures gardé pour le rejeu', () => {
    const d = (iso: string) => new Date(iso);
    // Validée le 3 mars à 17 h, accordée le 4 à 9 h (heure de Paris) : 1 jour.
    expect(attenteDePlace(d('2027-03-03T16:00:00Z'), '2027-03-04T08:00:00Z')).toEqual({ jours: 1, texte: 'Place accordée après 1 jour d’attente' });
    // Le même jour, de 8 h à 20 h : aucune attente (en tranches, 12 heures arrondies faisaient 1).
    expect(attenteDePlace(d('2027-03-03T07:00:00Z'), '2027-03-03T19:00:00Z')).toEqual({ jours: 0, texte: 'Place accordée' });
    expect(attenteDePlace(d('2027-03-03T07:00:00Z'), '2027-03-03T19:00:00Z', { enTranches: true })).toEqual({
      jours: 1,
      texte: 'Place accordée après 1 jour d’attente',
    });
    // 23 h 30, puis 0 h 30 le lendemain (l'hiver, UTC+1) : 1 jour ; en tranches, aucun.
    expect(attenteDePlace(d('2027-01-10T22:30:00Z'), '2027-01-10T23:30:00Z').jours).toBe(1);
    expect(attenteDePlace(d('2027-01-10T22:30:00Z'), '2027-01-10T23:30:00Z', { enTranches: true }).jours).toBe(0);
    // L'été (UTC+2) : validée le 10 juillet à 1 h 30 à Paris (le 9 à 23 h 30 UTC), accordée le 10 à 22 h : le jour même.
    expect(attenteDePlace(d('2027-07-09T23:30:00Z'), '2027-07-10T20:00:00Z').jours).toBe(0);
    // Le dernier dimanche d'octobre (jour de 25 heures) : du 30 octobre à 23 h au 1er novembre à 0 h 30, 2 jours.
    expect(attenteDePlace(d('2027-10-30T21:00:00Z'), '2027-10-31T23:30:00Z')).toEqual({ jours: 2, texte: 'Place accordée après 2 jours d’attente' });
    // Accordée « avant » la validation (la file à l'heure réelle, la mesure avancée seule) : aucune attente, pas moins.
    expect(attenteDePlace(d('2027-03-05T10:00:00Z'), '2027-03-03T10:00:00Z')).toEqual({ jours: 0, texte: 'Place accordée' });
    // 40 jours d'un mois à l'autre, à travers le Nouvel An.
    expect(attenteDePlace(d('2026-12-10T09:00:00Z'), '2027-01-19T15:00:00Z').jours).toBe(40);
  });
});

describe('API du parcours', () => {
  it('les exemples de lancement et de messages respectent leurs schémas ; une candidature non prête est refusée à la bordure', () => {
    expect(PARCOURS_IML.schemaLancement.safeParse(PARCOURS_IML.exempleLancement).success).toBe(true);
    for (const [nom, m] of Object.entries(PARCOURS_IML.messages)) expect(m.schema.safeParse(m.exemple).success, nom).toBe(true);
    const r = PARCOURS_IML.messages.candidature!.schema.safeParse({ structure: 'chrs', pretASortir: false, budgetTravaille: true });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('le ménage doit être jugé « prêt à sortir » vers le logement');
  });

  it('le bailleur du logement est-il celui du ménage ? Le nom saisi contient celui de l’annuaire, ou l’inverse, mot pour mot (sans majuscules, accents ni ponctuation)', () => {
    const annuaire = 'Finistère Habitat — agence de Concarneau';
    for (const saisi of ['Finistère Habitat', 'FINISTERE HABITAT', 'finistère-habitat, agence de Concarneau', 'Finistère'])
      expect(memeBailleur(saisi, annuaire), saisi).toBe(true);
    // Un autre bailleur, un propriétaire privé, un mot coupé, rien que de la ponctuation : pas le même.
    for (const saisi of ['Opac de Quimper Cornouaille', 'M. Le Goff (propriétaire)', 'Habitats', 'Finis', '—'])
      expect(memeBailleur(saisi, annuaire), saisi).toBe(false);
  });
});

describe('concarneau-iml', () => {
  it('le ménage qui n’avait pas accepté les courriels à l’orientation reçoit le début de sa sous-location et le livret à l’adresse notée depuis dans son dossier', async () => {
    const p = programme('courriel-tardif');
    const { handle, ref } = await lancer(p, { menage: { courriel: undefined, accepteCourriel: false } });
    await etape(handle, 'validation_siao');
    await repondreSiao(handle, 'approuve');
    await etape(handle, 'recherche_logement');
    // Noté comme par la page du dossier (api/routes/contact-menage.ts) : l'accord et l'adresse, chiffrés.
    await new Consentements(banc.dependances.base, COFFRE).enregistrer(
      handle.workflowId,
      { canal: 'courriel', accorde: true, courriel: 'menage.tardif@essai.example' },
      'ts.alice',
    );
    // L'aide de la page dit ce que le parcours écrira encore au ménage, d'après son étape.
    const deps = { catalogue: CATALOGUE, annuaire: creerAnnuaire(PERSONNEL), registre: REGISTRE, options: { publicBaseUrl: 'http://x', sessionTtl: 'PT8H' } };
    const aide = async () => {
      const page = pageParcours(
        { deps: deps as unknown as DependancesApi, personne: deps.annuaire.trouver('ts.alice')!, csrf: 'j', chemin: '/' },
        await handle.query(etatQuery),
        { contact: { courriel: { accorde: true }, sms: { accorde: false }, courrier: { accorde: false }, adresseCourriel: 'menage.tardif@essai.example' } },
      ).valeur;
      return /<p class="aide" id="aide-contact-courriel">([^<]*)<\/p>/.exec(page)![1]!;
    };
    expect(await aide()).toMatch(
      /^Le parcours écrira à cette adresse au début de sa sous-location, avec le livret du bail glissant, puis au glissement du bail/,
    );
    const debut = await aujourdhui(handle);
    await handle.executeUpdate(logementUpdate, { args: [logement(debut)] });
    await jusqua(handle, (e) => !!e.details.mesure, 'mesure commencée');
    expect(await aide()).toMatch(/^Le parcours écrira à cette adresse au glissement du bail \(/);
    const auMenage = await banc.courriels.waitFor((m) => m.a.includes('menage.tardif@essai.example'));
    expect(auMenage.sujet).toBe('Votre sous-location commence');
    expect(auMenage.piecesJointes.map((x) => x.filename)).toEqual([expect.stringMatching(/^livret-bail-glissant-.+\.pdf$/)]);
    const e = await jusqua(handle, (x) => x.journal.some((j) => j.resume.startsWith('Courriel au ménage')), 'courriel au ménage noté');
    expect(e.journal.find((j) => j.resume.startsWith('Courriel au ménage'))!.resume).toMatch(
      /^Courriel au ménage : « Votre sous-location commence » \(joint : Livret d’information sur le bail glissant\)/,
    );
    expect(banc.courriels.messages().filter((m) => dossier(ref)(m) && m.a.includes('menage.tardif@essai.example'))).toEqual([]);

    // Le livret renvoyé au ménage depuis son dossier (message du parcours) ; la lettre d'information, document de la prévention, est refusée.
    expect(await refus(handle.executeUpdate(envoyerDocumentAuMenageUpdate, { args: [msg({ document: 'lettre-information' as const })] }))).toBe(
      'Ce document ne s’envoie pas au ménage dans ce parcours.',
    );
    expect(await handle.executeUpdate(envoyerDocumentAuMenageUpdate, { args: [msg({ document: 'livret-iml' as const })] })).toEqual({ envoi: 'en_cours' });
    const renvoi = await banc.courriels.waitFor((m) => m.a.includes('menage.tardif@essai.example') && m.sujet.endsWith(' : le livret de votre bail glissant'));
    expect(renvoi.texte).toContain('Vous trouverez ci-joint le livret qui explique le bail glissant, ses étapes et vos engagements.');
    expect(renvoi.piecesJointes.map((x) => x.filename)).toEqual([expect.stringMatching(/^livret-bail-glissant-.+\.pdf$/)]);
    // L'envoi, fait après la réponse du message, est noté au journal, et au dossier en base sans
    // attendre un autre changement.
    const note = await jusqua(handle, (x) => x.journal.some((j) => j.resume.includes('le livret de votre bail glissant')), 'renvoi noté');
    await vi.waitFor(async () => expect(await journalConsigne(handle.workflowId)).toBe(note.journal.length), { timeout: 10_000, interval: 100 });
  });

  it('glissement à 12 mois : SIAO, place, logement, bilans à 6 et 10 mois avec fiche-bilan à la DDETS, le ménage devient locataire en titre', async () => {
    const p = programme('glissement');
    const { handle, ref } = await lancer(p);
    await etape(handle, 'validation_siao');
    const demande = await recu(SIAO, ref, 'Validation d’une candidature en intermédiation locative');
    expect(demande.texte).toContain('prêt à sortir');
    expect(demande.texte).toMatch(/\/liens\//);
    await repondreSiao(handle, 'approuve');
    await etape(handle, 'recherche_logement');
    expect((await jusquaFile(p, (f) => f.actives.length === 1)).actives.map((a) => a.mesure)).toEqual([handle.workflowId]);
    await recu(TS, ref, 'Mesure IML accordée');

    const debut = await aujourdhui(handle);
    expect(
      await refus(handle.executeUpdate(logementUpdate, { args: [logement(debut, { bailleur: { type: 'prive', nom: 'M. Le Goff', conventionne: false } })] })),
    ).toBe('Le bailleur doit avoir conventionné avec CCAS de Concarneau — gestion locative adaptée pour l’intermédiation locative (bail glissant).');
    await jusqua(handle, (e) => e.journal.some((x) => x.resume.includes('« Mesure IML accordée')), 'courriel de la place accordée');
    // Dès la réponse du logement, la page dit le premier bilan, sans attendre les courriels du début
    // de la mesure (retenus ici : un serveur de courriel lent).
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Sous-location en bail glissant : début de la mesure'));
    try {
      await handle.executeUpdate(logementUpdate, { args: [logement(debut)] });
      const juste = await handle.query(etatQuery);
      expect(juste.etape).toBe('sous_location');
      expect(juste.details.prochainBilan).toMatch(/^Bilan de mesure à 6 mois/);
      expect(juste.journal.some((x) => x.resume.includes('« Sous-location en bail glissant'))).toBe(false);
    } finally {
      lacher();
    }
    await recu(BAILLEUR_LOGEMENT, ref, 'Sous-location en bail glissant : début de la mesure');
    // Le ménage, qui accepte les courriels, apprend le début de sa sous-location, avec le livret du bail glissant.
    const auMenage = await banc.courriels.waitFor((m) => m.a.includes('josiane.lefebure@exemple.fr') && m.sujet === 'Votre sous-location commence');
    expect(auMenage.texte).toContain(`Votre sous-location commence le ${dateEnFrancais(debut)}`);
    expect(auMenage.texte).toMatch(/Pour toute question, ou si une difficulté survient : CCAS de Concarneau/);
    expect(auMenage.piecesJointes.map((x) => x.filename)).toEqual([expect.stringMatching(/^livret-bail-glissant-.+\.pdf$/)]);
    // La page dit le prochain bilan et sa date (le premier, à 6 mois).
    const avecBilan = await jusqua(handle, (e) => !!e.details.prochainBilan);
    expect(avecBilan.details.prochainBilan).toMatch(/^Bilan de mesure à 6 mois, le \d{1,2} [a-zéû]+ \d{4}$/);
    // Les listes (dossier en base) en font la prochaine échéance quand rien d'autre n'est attendu.
    expect(avecBilan.echeances.filter((e) => e.statut === 'en_cours' || e.statut === 'depassee').map((e) => e.id)).toEqual([]);
    // Prévu un jour : la fin de ce jour, que les listes disent sans heure (« 7 juin 2027 », pas « à 00:00 »).
    await attendreEcheanceDuDossier(
      banc,
      handle.workflowId,
      'Bilan de mesure prévu',
      finDuJour(new Date(avecBilan.details.prochainBilanLe as string)).toISOString(),
    );
    await handle.executeUpdate(rendezVousUpdate, {
      args: [msg({ nature: 'visite_domicile' as const, axes: ['savoir_habiter' as const], note: 'Cauchemars, violences conjugales passées' })],
    });
    await handle.executeUpdate(loyerUpdate, { args: [msg({ mois: debut.slice(0, 7), statut: 'paye' as const })] });

    // Bilan à 6 mois, avec le bailleur et le ménage, et sa décision.
    await jusquAuBilan(handle, BILAN_DECISION);
    await recu(TS, ref, 'Bilan de mesure à 6 mois à tenir');
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan()] }))).toBe(
      'Le bilan de mesure à 6 mois se conclut par une décision : poursuivre la mesure 6 mois, ou faire glisser le bail.',
    );
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'poursuivre', bailleurPresent: false })] }))).toMatch(
      /se tient en présence du bailleur et du ménage/,
    );
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'poursuivre' })] });
    const fiche6 = await recu(DDETS, ref, 'Fiche-bilan IML : bilan de mesure à 6 mois');
    expect(fiche6.texte).toContain('en présence du bailleur et du ménage');
    expect(fiche6.texte).toContain('Paiement du loyer : régulier (1 mois payés');
    expect(fiche6.texte).toContain('Décision : poursuite de la mesure pendant 6 mois.');
    expect(fiche6.texte).toContain('famille monoparentale, sorti de CHRS');
    await recu(BAILLEUR_LOGEMENT, ref, 'Bilan de mesure à 6 mois : la mesure est poursuivie 6 mois');

    // Bilan à 10 mois : pas de décision ; les conditions du glissement s'évaluent au terme.
    await etape(handle, 'sous_location');
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] }))).toMatch(
      /^Les conditions du glissement s’évaluent au terme de la mesure \(le /,
    );
    await jusquAuBilan(handle, BILAN_TERME);
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'glissement' })] }))).toMatch(/se prend au bilan à 6 mois/);
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ bailleurPresent: false })] });
    const fiche10 = await recu(DDETS, ref, 'Fiche-bilan IML : bilan de mesure à 10 mois');
    expect(fiche10.texte).not.toContain('Décision :');

    // 12 mois : conditions réunies, le bail glisse.
    await jusquAuTermeFixe(handle);
    await recu(TS, ref, 'Conditions du glissement à évaluer');
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ situationStable: false })] }))).toMatch(
      /^Le glissement suppose un loyer payé régulièrement/,
    );
    await handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] });
    const etat = await cloture(handle);
    expect(etat.cloture!.issue).toBe('glissement_du_bail');
    expect(etat.details.glissement).toMatchObject({ moisDeSousLocation: 12, anticipe: false });
    expect((etat.details.bilans as unknown[]).length).toBe(2);
    expect(etat.details.ficheCloture).toMatchObject({ issue: 'glissement_du_bail', prolongations: 0 });
    const glisse = await recu(BAILLEUR_LOGEMENT, ref, 'Glissement du bail : le ménage devient locataire en titre');
    expect(glisse.texte).toContain('locataire en titre');
    await recu(DDETS, ref, 'Fin de mesure IML : glissement du bail');
    await recu(SIAO, ref, 'Fin de mesure IML : glissement du bail');
    await banc.courriels.waitFor((m) => m.a.includes('josiane.lefebure@exemple.fr') && m.sujet === 'Vous devenez locataire en titre de votre logement');
    const f = await jusquaFile(p, (x) => x.actives.length === 0);
    expect(f.compteurs).toMatchObject({ demandes: 1, accordees: 1, liberees: 1 });

    // Confidentialité : rien de ce que le ménage a confié, ni de ce qui le désigne.
    sansSecret(courrielsPartenaires(ref));
    const partenaire = etat.journal
      .filter((e) => e.visibilite === 'partenaires')
      .map((e) => e.resume)
      .join('\n');
    for (const s of SECRETS) expect(partenaire).not.toContain(s);
    await fini(handle);
    await placesRendues(p);
  });

  it('l’adresse du SIAO refusée par le serveur de courriel : la demande et son lien vont à la coordination, le journal dit « redirigé », la mesure attend la réponse', async () => {
    // Le mail catcher refuse les domaines en « .invalid » (550 5.1.2), comme un relais strict.
    const p = programme('siao-adresse-refusee', (x) => {
      x.partenaires.siao!.courriel = 'siao@adresse-erronee.invalid';
    });
    const { handle, ref } = await lancer(p);
    const redirigee = await recu(COORDINATION, ref, 'Validation d’une candidature en intermédiation locative');
    expect(redirigee.texte).toContain('Ce message ne trouvait pas son destinataire (l’adresse du destinataire a été refusée par le serveur de courriel');
    expect(redirigee.texte).toMatch(/\/liens\/[A-Za-z0-9_.-]+/);
    const e = await jusqua(handle, (x) => x.journal.some((j) => j.type === 'validation_demandee'), 'demande au SIAO notée');
    expect(e.journal.find((j) => j.type === 'validation_demandee')!.resume).toMatch(
      /^Demande envoyée au SIAO (.+) : « .+ », réponse attendue au plus tard le .+ — redirigé : l’adresse du destinataire a été refusée par le serveur de courriel : inconnue ou erronée$/,
    );
    expect((await demandeSiao(handle)).statut).toBe('en_attente');
    await clore(handle);
  });

  it('glissement anticipé décidé au bilan à 6 mois', async () => {
    const p = programme('anticipe');
    const { handle, ref } = await jusquALaSousLocation(p);
    await jusquAuBilan(handle, BILAN_DECISION);
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'glissement', paiementLoyer: 'irregulier' })] }))).toBe(
      'Le glissement suppose un loyer payé régulièrement et une situation stabilisée : sinon, la mesure est poursuivie.',
    );
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'glissement' })] });
    const etat = await cloture(handle);
    expect(etat.cloture!.issue).toBe('glissement_du_bail');
    expect(etat.details.glissement).toMatchObject({ moisDeSousLocation: 6, anticipe: true });
    expect((await recu(DDETS, ref, 'Fiche-bilan IML : bilan de mesure à 6 mois')).texte).toContain(
      'Décision : glissement du bail sans attendre le terme de la mesure.',
    );
    await recu(BAILLEUR_LOGEMENT, ref, 'Bilan de mesure à 6 mois : le bail glisse au profit du ménage');
    expect((await recu(DDETS, ref, 'Fin de mesure IML : glissement du bail')).texte).toContain('décidé au bilan à 6 mois');
    expect(banc.courriels.messages().some((m) => dossier(ref)(m) && m.sujet.includes('10 mois'))).toBe(false);
    await fini(handle);
    await placesRendues(p);
  });

  it('pendant un courriel lent de l’étape : le bilan est tenu et sa fiche faite dès la réponse ; une seconde décision sur le glissement ne remplace pas la première', async () => {
    const p = programme('courriel-lent');
    const { handle, ref } = await jusquALaSousLocation(p);
    // Le courriel « bilan à tenir » retenu (serveur de courriel lent) : le déroulé reste dessus.
    const lacherBilan = banc.retenirCourriels((objet) => objet.startsWith('Bilan de mesure à 6 mois à tenir') && objet.includes(ref));
    const jalon = ajouterDuree(new Date((await datesMesure(handle)).debut), BILAN_DECISION);
    const avance = await lancerAvance(banc, handle, apres(jalon).getTime() - (await heureDuParcours(handle)).getTime());
    await etape(handle, 'bilan_mesure');
    const reponse = await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'poursuivre' })] });
    expect(reponse).toMatchObject({ etape: 'sous_location' });
    // Lu aussitôt, le courriel toujours retenu : la fiche-bilan est là, l'échéance tenue.
    const aussitot = await handle.query(etatQuery);
    expect((aussitot.details.bilans as Array<{ jalon: string }> | undefined)?.map((f) => f.jalon)).toEqual([BILAN_DECISION]);
    expect(aussitot.echeances.find((e) => e.id === `bilan:${BILAN_DECISION}`)?.statut).toBe('tenue');
    lacherBilan();
    await avance.atteinte();
    await recu(DDETS, ref, 'Fiche-bilan IML : bilan de mesure à 6 mois');
    expect(((await handle.query(etatQuery)).details.bilans as unknown[]).length).toBe(1);

    // Au terme, pendant le courriel « conditions à évaluer » : la prolongation est acceptée, une
    // seconde décision envoyée avant qu'elle soit appliquée est refusée, pas substituée.
    await jusquAuBilan(handle, BILAN_TERME);
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ bailleurPresent: false })] });
    await etape(handle, 'sous_location');
    const lacherConditions = banc.retenirCourriels((objet) => objet.includes(ref) && objet.toLowerCase().includes('conditions du glissement'));
    const terme = await lancerAvance(banc, handle, apres((await datesMesure(handle)).glissementPrevuLe).getTime() - (await heureDuParcours(handle)).getTime());
    await etape(handle, 'evaluation_glissement');
    await handle.executeUpdate(conditionsGlissementUpdate, {
      args: [conditions({ decision: 'prolongation', situationStable: false, dureeMois: 4, motif: 'Dette résiduelle à apurer, échéancier en cours' })],
    });
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] }))).toBe(
      'Une décision sur les conditions du glissement vient d’être enregistrée et n’est pas encore appliquée : réessayez dans un instant.',
    );
    // Lue aussitôt, le courriel toujours retenu : l'évaluation est tenue et notée, la prolongation faite.
    const prolongeeAussitot = await handle.query(etatQuery);
    expect(prolongeeAussitot.echeances.find((e) => e.id === 'conditions_glissement:1')?.statut).toBe('tenue');
    expect(prolongeeAussitot.details.evaluations).toEqual([expect.objectContaining({ decision: 'prolongation' })]);
    expect(prolongeeAussitot.details.prolongations).toEqual([expect.objectContaining({ mois: 4 })]);
    expect(prolongeeAussitot.libelleEtape).toBe(
      `Prolongation motivée jusqu’au ${dateEnFrancais((prolongeeAussitot.details.prolongations as Array<{ jusquau: string }>)[0]!.jusquau)}`,
    );
    lacherConditions();
    await terme.atteinte();
    const apresProlongation = await etape(handle, 'prolongation');
    expect(apresProlongation.details.prolongations).toHaveLength(1);
    expect(apresProlongation.details.evaluations).toHaveLength(1);
    expect(apresProlongation.journal.filter((e) => e.type === 'echeance_tenue' && e.resume.includes('Conditions du glissement'))).toHaveLength(1);
    await clore(handle);
    await placesRendues(p);
  });

  it('glissement anticipé décidé au bilan à 6 mois pendant un courriel lent de l’étape : l’état le dit dès la réponse (date, mois de sous-location)', async () => {
    const p = programme('glissement-courriel-lent');
    const { handle, ref } = await jusquALaSousLocation(p);
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Bilan de mesure à 6 mois à tenir') && objet.includes(ref));
    const jalon = ajouterDuree(new Date((await datesMesure(handle)).debut), BILAN_DECISION);
    try {
      await lancerAvance(banc, handle, apres(jalon).getTime() - (await heureDuParcours(handle)).getTime());
      await etape(handle, 'bilan_mesure');
      const reponse = await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'glissement' })] });
      expect(reponse).toMatchObject({ etape: 'glissement' });
      const aussitot = await handle.query(etatQuery);
      expect(aussitot.details.glissement).toMatchObject({ moisDeSousLocation: 6, anticipe: true });
      // La date du glissement est celle de la décision (le jour du bilan), pas celle où le déroulé y arrivera.
      const le = new Date((aussitot.details.glissement as { le: string }).le).getTime();
      expect(le).toBeGreaterThanOrEqual(jalon.getTime());
      expect(le).toBeLessThanOrEqual((await heureDuParcours(handle)).getTime());
    } finally {
      lacher();
    }
    const etat = await cloture(handle);
    expect(etat.cloture!.issue).toBe('glissement_du_bail');
    expect(etat.details.glissement).toMatchObject({ moisDeSousLocation: 6, anticipe: true });
    expect((await recu(DDETS, ref, 'Fin de mesure IML : glissement du bail')).texte).toContain('décidé au bilan à 6 mois');
    await fini(handle);
    await placesRendues(p);
  });

  it('le SIAO répond pendant l’envoi même de sa demande (courriel lent) : l’échéance de sa réponse est déjà suivie, sa réponse compte et la tient', async () => {
    const p = programme('reponse-rapide');
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Validation d’une candidature en intermédiation locative'));
    const { handle } = await lancer(p);
    try {
      const demande = await demandeSiao(handle);
      // Le courriel pas encore parti : la page du parcours montre déjà jusqu'à quand le SIAO peut répondre.
      const pendantEnvoi = await handle.query(etatQuery);
      expect(pendantEnvoi.echeances.find((e) => e.id === `validation:${demande.id}`)).toMatchObject({ statut: 'en_cours', due: demande.echeance });
      await handle.executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision: 'approuve' }],
      });
    } finally {
      lacher();
    }
    const etat = await etape(handle, 'recherche_logement');
    expect(etat.demandes[0]).toMatchObject({ role: 'siao', statut: 'approuvee' });
    await repos(handle);
    expect((await handle.query(etatQuery)).echeances.filter((e) => e.id.startsWith('validation:') && e.statut !== 'tenue')).toEqual([]);
    expect((await handle.query(etatQuery)).echeances.filter((e) => e.id.startsWith('validation:'))).toHaveLength(1);
    await clore(handle);
    await placesRendues(p);
  });

  it('prolongation motivée puis glissement à son terme', async () => {
    const p = programme('prolongation');
    const { handle, ref } = await jusquALaSousLocation(p);
    await jusquAuTerme(handle);
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ loyerPayeRegulierement: false })] }))).toBe(
      'Le glissement suppose un loyer payé régulièrement et une situation stabilisée : choisissez une prolongation motivée ou une fin avec orientation.',
    );
    expect(
      await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ loyerPayeRegulierement: false, decision: 'prolongation' })] })),
    ).toBe('Une prolongation doit être motivée (10 caractères au moins).');
    await handle.executeUpdate(conditionsGlissementUpdate, {
      args: [conditions({ loyerPayeRegulierement: false, decision: 'prolongation', dureeMois: 4, motif: 'Reprise de la dette de jeu, plan en cours' })],
    });
    const prolongee = await etape(handle, 'prolongation');
    expect(prolongee.details.prolongations).toEqual([expect.objectContaining({ mois: 4 })]);
    const avis = await recu(BAILLEUR_LOGEMENT, ref, 'Mesure IML prolongée jusqu’au');
    expect(avis.texte).toContain('prolongée de 4 mois');
    await recu(DDETS, ref, 'Mesure IML prolongée jusqu’au');
    expect(
      await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ decision: 'prolongation', motif: 'Encore un peu de temps' })] })),
    ).toMatch(/^Une prolongation court déjà jusqu’au /);

    await jusquAuTermeFixe(handle);
    await handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] });
    // Au terme (pas anticipé), noté dès la réponse.
    expect((await handle.query(etatQuery)).details.glissement).toMatchObject({ moisDeSousLocation: 16, anticipe: false });
    const etat = await cloture(handle);
    expect(etat.cloture!.issue).toBe('glissement_du_bail');
    expect(etat.details.glissement).toMatchObject({ moisDeSousLocation: 16, anticipe: false });
    expect(etat.details.ficheCloture).toMatchObject({ prolongations: 1 });
    sansSecret(courrielsPartenaires(ref));
    await fini(handle);
    await placesRendues(p);
  });

  it('prolongation puis fin de mesure avec orientation : partenaires informés sans rien de confidentiel', async () => {
    const p = programme('orientation');
    const { handle, ref } = await jusquALaSousLocation(p);
    await jusquAuTerme(handle);
    await handle.executeUpdate(conditionsGlissementUpdate, {
      args: [conditions({ situationStable: false, decision: 'prolongation', motif: 'Rechute addiction, cure prévue' })],
    });
    await etape(handle, 'prolongation');
    await jusquAuTermeFixe(handle);
    expect(
      await refus(
        handle.executeUpdate(conditionsGlissementUpdate, {
          args: [conditions({ situationStable: false, decision: 'fin_avec_orientation', motif: 'Besoin d’un cadre plus soutenant' })],
        }),
      ),
    ).toBe('Une fin de mesure avec orientation précise le dispositif vers lequel le ménage est orienté.');
    await handle.executeUpdate(conditionsGlissementUpdate, {
      args: [
        conditions({
          situationStable: false,
          decision: 'fin_avec_orientation',
          motif: 'Besoin d’un cadre plus soutenant après la cure',
          orientation: { dispositif: 'pension_de_famille', precision: 'Maison relais de Concarneau' },
        }),
      ],
    });
    const etat = await cloture(handle);
    expect(etat.cloture).toMatchObject({ issue: 'fin_avec_orientation', motif: 'Orientation : pension de famille' });
    expect(etat.details.orientation).toEqual({ dispositif: 'pension_de_famille' });
    // Chaque évaluation notée une fois (par son message, le déroulé ne la note pas de nouveau).
    expect((etat.details.evaluations as Array<{ decision: string }>).map((x) => x.decision)).toEqual(['prolongation', 'fin_avec_orientation']);
    expect((await recu(BAILLEUR_LOGEMENT, ref, 'Fin de la mesure IML sans glissement du bail')).texte).toContain('revient vers vous');
    expect((await recu(SIAO, ref, 'Fin de mesure IML : fin de mesure avec orientation')).texte).toContain('Le ménage est orienté vers : pension de famille.');
    expect((await recu(DDETS, ref, 'Fin de mesure IML : fin de mesure avec orientation')).texte).toContain('après 18 mois de sous-location');
    sansSecret(courrielsPartenaires(ref));
    for (const m of courrielsPartenaires(ref)) expect(m.texte).not.toContain('Maison relais');
    await fini(handle);
    await placesRendues(p);
  });

  it('une prolongation au-delà de 18 mois de sous-location est refusée avec sa raison', async () => {
    const p = programme('plafond');
    const { handle } = await jusquALaSousLocation(p);
    await jusquAuTerme(handle);
    const motif = 'Dossier de surendettement en cours d’examen';
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ decision: 'prolongation', dureeMois: 7, motif })] }))).toMatch(
      /^Une prolongation de 7 mois irait jusqu’au .+, au-delà de 18 mois de sous-location \(le .+\) : choisissez une prolongation plus courte, le glissement ou une fin avec orientation\.$/,
    );
    await handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ decision: 'prolongation', motif })] }); // 6 mois (programme)
    await etape(handle, 'prolongation');
    await jusquAuTermeFixe(handle);
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ decision: 'prolongation', dureeMois: 1, motif })] }))).toMatch(
      /^La durée maximale de 18 mois de sous-location est atteinte \(le .+\) : plus de prolongation possible\./,
    );
    await handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] });
    const etat = await cloture(handle);
    expect(etat.details.glissement).toMatchObject({ moisDeSousLocation: 18 });
    await fini(handle);
    await placesRendues(p);
  });

  it('refus du SIAO : le parcours se clôt avec le motif, aucune place n’est demandée', async () => {
    const p = programme('refus-siao');
    const { handle, ref } = await lancer(p);
    await repondreSiao(handle, 'refuse', 'Orientation vers une pension de famille plus adaptée');
    const etat = await cloture(handle);
    expect(etat.cloture).toMatchObject({ issue: 'refus_siao', motif: 'Orientation vers une pension de famille plus adaptée' });
    expect((await recu(TS, ref, 'Candidature IML refusée par le SIAO')).texte).toContain('Orientation vers une pension de famille plus adaptée');
    await expect(fileDe(p).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('clôture anticipée pendant la validation du SIAO : effet immédiat, la demande est close, la réponse tardive refusée, aucune place demandée', async () => {
    const p = programme('cloture-siao');
    const { handle } = await lancer(p);
    await etape(handle, 'validation_siao');
    const demande = await demandeSiao(handle);
    const r = await handle.executeUpdate(cloreAnticipeUpdate, {
      args: [{ requestId: requete(), par: 'coord.essai', motif: 'Le ménage a trouvé un logement seul' }],
    });
    expect(r).toMatchObject({ etape: 'cloture', cloture: { issue: 'cloture_anticipee' } });
    const etat = await handle.query(etatQuery);
    expect(etat.etape).toBe('cloture');
    expect(etat.demandes.find((d) => d.id === demande.id)).toMatchObject({ statut: 'expiree', closeParClotureLe: etat.cloture!.le });
    // Le parcours IML se termine à sa clôture : une réponse tardive ne trouve plus rien à décider.
    const tardive = await handle
      .executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision: 'approuve' }],
      })
      .then(
        () => 'acceptée',
        (e: Error) => e,
      );
    expect(tardive).toBeInstanceOf(Error);
    expect((await handle.query(etatQuery)).demandes.find((d) => d.id === demande.id)!.decision).toBeUndefined();
    await expect(fileDe(p).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('SIAO sans réponse : rappels, escalade, puis la coordination enregistre la décision de la commission', async () => {
    const p = programme('siao-muet');
    const { handle, ref } = await lancer(p);
    await etape(handle, 'validation_siao');
    expect(await refus(handle.executeUpdate(decisionSiaoUpdate, { args: [msg({ decision: 'validee' as const }, 'coord.essai')] }))).toBe(
      'Ce message n’est pas attendu à l’étape « Validation de la candidature par la commission SIAO ».',
    );
    // Les rappels aux intervalles du programme depuis l'envoi de la demande, puis son échéance.
    const demande = await demandeSiao(handle);
    // Aux heures ouvrées, avant l'échéance (selon le jour et l'heure de l'essai), dans l'ordre où ils partent.
    const attendus = rappelsAttendus(demande, BASE.rappelsValidation, p.delais.validationSiao!);
    expect(attendus.length).toBeGreaterThan(0);
    const rappelsSiao = () => banc.courriels.messages().filter((m) => m.a.includes(SIAO) && dossier(ref)(m) && m.sujet.startsWith('Rappel —'));
    expect(rappelsSiao()).toHaveLength(0);
    for (const [i, quand] of attendus.entries()) {
      await avancerApres(handle, quand);
      await vi.waitFor(() => expect(rappelsSiao()).toHaveLength(i + 1), { timeout: 30_000, interval: 50 });
    }
    expect(rappelsSiao()[0]!.sujet).toMatch(/^Rappel — Validation d’une candidature/);
    await avancerApres(handle, demande.echeance);
    await jusquALEscalade(banc, handle, demande);
    const escalade = await recu(COORDINATION, ref, 'Sans réponse : Validation d’une candidature');
    expect(escalade.texte).toContain('n’a pas répondu');
    let etat = await etape(handle, 'decision_siao');
    expect(etat.demandes[0]!.statut).toBe('expiree');
    // La page du parcours, sur l'état réel : l'échéance de la réponse du SIAO se lit « Sans réponse ».
    expect(etat.echeances.find((e) => e.id === `validation:${etat.demandes[0]!.id}`)?.statut).toBe('annulee');
    const deps = { catalogue: CATALOGUE, annuaire: creerAnnuaire(PERSONNEL), registre: REGISTRE, options: { publicBaseUrl: 'http://x', sessionTtl: 'PT8H' } };
    const page = pageParcours(
      { deps: deps as unknown as DependancesApi, personne: deps.annuaire.trouver('coord.essai')!, csrf: 'j', chemin: '/' },
      etat,
    ).valeur;
    expect(page).toMatch(/Validation d’une candidature[^]*?<span class="badge retard">Sans réponse<\/span>/);
    const tardive = await refus(
      handle.executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: etat.demandes[0]!.id, role: 'siao', decision: 'approuve' }],
      }),
    );
    expect(tardive).toMatch(/^Cette demande est close depuis le /);
    expect(await refus(handle.executeUpdate(decisionSiaoUpdate, { args: [msg({ decision: 'refusee' as const }, 'coord.essai')] }))).toBe(
      'Le motif du refus de la commission SIAO est requis.',
    );
    // La décision de la commission à enregistrer dans le délai du programme (un mois, jusqu'au soir du
    // jour où il tombe) ; passé ce soir, la coordination est alertée.
    const decisionAttendue = etat.echeances.find((x) => x.id === 'decision_siao')!;
    expect(decisionAttendue).toMatchObject({ statut: 'en_cours', responsable: 'coordinateur' });
    expect(estFinDuJour(new Date(decisionAttendue.due))).toBe(true);
    const alertes = () => banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith('Échéance dépassée : Décision de la commission SIAO'));
    await avancerJusqua(banc, handle, apres(decisionAttendue.due, -1));
    expect(alertes()).toEqual([]);
    await avancerApres(handle, decisionAttendue.due);
    await jusquALAlerte(banc, handle, 'decision_siao');
    const alerte = await recu(COORDINATION, ref, 'Échéance dépassée : Décision de la commission SIAO à enregistrer');
    expect(alerte.texte).toContain(`a pris fin le ${dateEnFrancais(decisionAttendue.due)} au soir`);
    await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'decision_siao' && x.statut === 'depassee'), 'décision du SIAO en retard');
    await fileAlHeureDe(p, handle);
    await handle.executeUpdate(decisionSiaoUpdate, { args: [msg({ decision: 'validee' as const, motif: 'Validée en commission du 14' }, 'coord.essai')] });
    etat = await etape(handle, 'recherche_logement');
    expect(etat.details.validationSiao).toMatchObject({ par: 'coordination (décision de la commission)' });
    expect(etat.echeances.find((x) => x.id === 'decision_siao')).toMatchObject({ statut: 'tenue', depasseeLe: expect.any(String) });
    expect(alertes()).toHaveLength(1);
    await clore(handle);
    await placesRendues(p);
  });

  it('recherche du logement : rappel au travailleur social avant les 6 mois, puis échéance dépassée et coordination alertée ; le logement trouvé ensuite la tient en retard', async () => {
    const p = programme('logement-en-retard');
    const { handle, ref } = await lancer(p);
    await fileAlHeureDe(p, handle);
    await repondreSiao(handle, 'approuve');
    await etape(handle, 'recherche_logement');
    const echeance = await echeanceSuivie(handle, 'logement');
    expect(echeance).toMatchObject({ statut: 'en_cours', responsable: 'travailleur_social' });
    // Le travailleur social lit la date limite dans le courriel qui lui annonce la place.
    const annonce = await recu(TS, ref, 'Mesure IML accordée');
    expect(annonce.texte).toContain(`Logement attendu (bail principal et sous-location signés) au plus tard le ${dateEnFrancais(echeance.due)}.`);
    // Six mois comptés depuis le début de la recherche (la place accordée), jusqu'au soir de ce jour ;
    // rappel à 9 h, cinq jours avant (P5D).
    expect(BASE.delais.rechercheLogement).toBe('P6M');
    expect(estFinDuJour(new Date(echeance.due))).toBe(true);
    const rappel = rappelAttendu(echeance.due, 'P5D', await heureDuParcours(handle));
    const rappels = () => banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith('Rappel : Logement trouvé'));
    await avancerJusqua(banc, handle, apres(rappel, -60));
    expect(rappels()).toEqual([]);
    await avancerApres(handle, rappel);
    const r = await recu(TS, ref, 'Rappel : Logement trouvé : bail principal et sous-location signés au plus tard le');
    expect(r.texte).toContain(`arrive le ${dateEnFrancais(echeance.due)} (la journée entière compte)`);
    expect(banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith('Échéance dépassée'))).toEqual([]);
    await avancerApres(handle, echeance.due);
    await jusquALAlerte(banc, handle, 'logement');
    await recu(COORDINATION, ref, 'Échéance dépassée : Logement trouvé : bail principal et sous-location signés');
    let etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'logement' && x.statut === 'depassee'), 'échéance du logement dépassée');
    expect(etat.etape).toBe('recherche_logement');
    // Le logement trouvé après le délai : l'échéance est tenue (en retard), la sous-location commence.
    await handle.executeUpdate(logementUpdate, { args: [logement(await aujourdhui(handle))] });
    etat = await etape(handle, 'sous_location');
    expect(etat.echeances.find((x) => x.id === 'logement')).toMatchObject({ statut: 'tenue', depasseeLe: expect.any(String) });
    expect(etat.journal.some((j) => j.type === 'echeance_tenue' && j.resume.includes('Logement trouvé') && j.resume.endsWith('(en retard)'))).toBe(true);
    expect(rappels()).toHaveLength(1);
    await clore(handle);
    await placesRendues(p);
  });

  it('bilan de mesure et conditions du glissement non enregistrés dans leur délai : rappel au travailleur social à 9 h, alerte à la coordination le jour ouvré suivant à 9 h ; enregistrés ensuite, tenus en retard', async () => {
    const p = programme('saisies-en-retard');
    const { handle, ref } = await jusquALaSousLocation(p);
    const alertes = (libelle: string) => banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith(`Échéance dépassée : ${libelle}`));
    /** Une saisie attendue (trois semaines, P3W) : annoncée « au plus tard le », rappelée à 9 h, puis dépassée. */
    const laisserPasser = async (id: string, libelle: string, annonce: CourrielRecu) => {
      const echeance = await echeanceSuivie(handle, id);
      expect(estFinDuJour(new Date(echeance.due))).toBe(true);
      expect(annonce.texte).toContain(`au plus tard le ${dateEnFrancais(echeance.due)}`);
      const rappelLe = rappelAttendu(echeance.due, BASE.delais.rappelAvant!, await heureDuParcours(handle));
      await avancerJusqua(banc, handle, apres(rappelLe, -60));
      expect(banc.courriels.messages().some((m) => dossier(ref)(m) && m.sujet.startsWith(`Rappel : ${libelle}`))).toBe(false);
      await avancerApres(handle, rappelLe);
      await recu(TS, ref, `Rappel : ${libelle} au plus tard le ${dateEnFrancais(echeance.due)}`);
      await avancerJusqua(banc, handle, apres(echeance.due, -1));
      expect(alertes(libelle)).toEqual([]);
      await avancerApres(handle, echeance.due);
      await jusquALAlerte(banc, handle, id);
      await recu(COORDINATION, ref, `Échéance dépassée : ${libelle}`);
      await jusqua(handle, (e) => e.echeances.some((x) => x.id === id && x.statut === 'depassee'), `« ${libelle} » en retard`);
    };
    const tenueEnRetard = async (id: string) =>
      expect(
        (await jusqua(handle, (e) => e.echeances.some((x) => x.id === id && x.statut === 'tenue'), `${id} tenue`)).echeances.find((x) => x.id === id),
      ).toMatchObject({
        depasseeLe: expect.any(String),
      });

    await jusquAuBilan(handle, BILAN_DECISION);
    const bilan6 = `Bilan de mesure à ${dureeEnFrancais(BILAN_DECISION)}`;
    await laisserPasser(`bilan:${BILAN_DECISION}`, bilan6, await recu(TS, ref, `${bilan6} à tenir`));
    expect((await handle.query(etatQuery)).etape).toBe('bilan_mesure');
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'poursuivre' })] });
    await etape(handle, 'sous_location');
    await tenueEnRetard(`bilan:${BILAN_DECISION}`);
    await jusquAuBilan(handle, BILAN_TERME);
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ bailleurPresent: false })] });
    await etape(handle, 'sous_location');

    await jusquAuTermeFixe(handle);
    const evaluation = 'Conditions du glissement évaluées';
    await laisserPasser('conditions_glissement:1', evaluation, await recu(TS, ref, 'Conditions du glissement à évaluer'));
    await handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] });
    await tenueEnRetard('conditions_glissement:1');
    expect((await cloture(handle)).cloture!.issue).toBe('glissement_du_bail');
    expect(alertes(bilan6)).toHaveLength(1);
    expect(alertes(evaluation)).toHaveLength(1);
    await fini(handle);
    await placesRendues(p);
  });

  it('loyers impayés : alerte à la coordination au 2e mois impayé consécutif, une fois par série ; le glissement est alors refusé', async () => {
    const p = programme('loyers');
    const { handle, ref, debut } = await lancer(p).then(async ({ handle, ref }) => {
      await repondreSiao(handle, 'approuve');
      await etape(handle, 'recherche_logement');
      expect(await refus(handle.executeUpdate(loyerUpdate, { args: [msg({ mois: '2027-01', statut: 'paye' as const })] }))).toBe(
        'Ce message n’est pas attendu à l’étape « Recherche du logement (bail principal et sous-location) ».',
      );
      const debut = await aujourdhui(handle);
      await handle.executeUpdate(logementUpdate, { args: [logement(debut)] });
      await etape(handle, 'sous_location');
      return { handle, ref, debut };
    });
    const loyer = (n: number, statut: 'paye' | 'partiel' | 'impaye') =>
      handle.executeUpdate(loyerUpdate, { args: [msg({ mois: moisPlus(debut, n), statut })] });
    expect(await refus(loyer(-1, 'paye'))).toBe(
      `Le loyer de ${moisEnFrancais(moisPlus(debut, -1))} est antérieur au début de la sous-location (${moisEnFrancais(debut.slice(0, 7))}).`,
    );
    expect(await refus(loyer(1, 'paye'))).toBe(`Le loyer de ${moisEnFrancais(moisPlus(debut, 1))} n’est pas encore échu.`);
    await jusquAuBilan(handle, BILAN_DECISION);
    await loyer(0, 'paye');
    expect((await loyer(1, 'impaye')).impayesConsecutifs).toBe(1);
    await loyer(2, 'partiel');
    await loyer(3, 'impaye');
    expect((await loyer(4, 'impaye')).impayesConsecutifs).toBe(2);
    const alerte = await recu(COORDINATION, ref, 'Loyers impayés : 2 mois consécutifs');
    expect(alerte.texte).toContain(`(le dernier en ${moisEnFrancais(moisPlus(debut, 4))})`);
    expect((await loyer(5, 'impaye')).impayesConsecutifs).toBe(3);
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'glissement' })] }))).toBe(
      'Le loyer est impayé depuis 3 mois consécutifs : le glissement n’est pas possible en l’état.',
    );
    await repos(handle);
    expect(banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith('Loyers impayés'))).toHaveLength(1);
    const etat = await handle.query(etatQuery);
    expect(etat.details.loyers).toEqual({ payes: 1, partiels: 1, impayes: 4, impayesConsecutifs: 3 });
    await clore(handle);
    await placesRendues(p);
  });

  it('candidature complétée par message ; messages hors étape refusés ; un même message appliqué une fois', async () => {
    const p = programme('etapes');
    const { handle } = await lancer(p, { candidature: null });
    await etape(handle, 'candidature');
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan()] }))).toBe('Aucun bilan de mesure n’est attendu pour le moment.');
    expect(await refus(handle.executeUpdate(logementUpdate, { args: [logement(await aujourdhui(handle))] }))).toBe(
      'Ce message n’est pas attendu à l’étape « Candidature du ménage hébergé ».',
    );
    expect(await refus(handle.executeUpdate(candidatureUpdate, { args: [msg({ ...CANDIDATURE, pretASortir: false })] }))).toBe(
      'Le ménage doit être jugé « prêt à sortir » vers le logement.',
    );
    // L'entrée dans la structure : au plus tard aujourd'hui, à l'horloge du parcours (l'API tolère demain, le soir).
    const jour = await aujourdhui(handle);
    const lendemain = new Date(Date.parse(`${jour}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(await refus(handle.executeUpdate(candidatureUpdate, { args: [msg({ ...CANDIDATURE, hebergeDepuis: lendemain })] }))).toBe(
      'La date d’entrée dans la structure ne peut pas être dans le futur.',
    );
    const c = msg({ ...CANDIDATURE, structure: 'pension_de_famille' as const });
    await handle.executeUpdate(candidatureUpdate, { args: [c] });
    await handle.executeUpdate(candidatureUpdate, { args: [c] });
    const etat = await etape(handle, 'validation_siao');
    expect(etat.journal.filter((e) => e.type === 'candidature')).toHaveLength(1);
    expect(etat.details.candidature).toMatchObject({ structure: 'pension_de_famille' });
    expect(etat.detailsConfidentiels.candidature).toMatchObject({ ressourcesMensuelles: 980 });
    expect(await refus(handle.executeUpdate(finMesureUpdate, { args: [msg({ issue: 'menage_met_fin' as const, motif: 'Départ' })] }))).toBe(
      'Ce message n’est pas attendu à l’étape « Validation de la candidature par la commission SIAO ».',
    );
    await clore(handle);

    // Lancée avec une candidature non recevable : clôture « non éligible » avec la raison.
    const { handle: h2 } = await lancer(p, { candidature: { ...CANDIDATURE, budgetTravaille: false } });
    const fin = await cloture(h2);
    expect(fin.cloture).toMatchObject({ issue: 'non_eligible', motif: 'La question du budget doit avoir été travaillée en amont avec le ménage.' });
  });
  it('le parcours refuse lui-même, avec sa raison, les messages qui ne se tiennent pas (quel que soit le client qui les envoie), de la sous-location au terme', async () => {
    const p = programme('refus');
    const { handle, debut } = await jusquALaSousLocation(p);
    // Une seconde candidature, un rendez-vous mal daté, une fin de mesure sans vrai motif ou sans l'orientation qu'elle annonce.
    expect(await refus(handle.executeUpdate(candidatureUpdate, { args: [msg({ ...CANDIDATURE, structure: 'hotel' as const })] }))).toBe(
      'Ce message n’est pas attendu à l’étape « Sous-location et accompagnement ».',
    );
    expect(await refus(handle.executeUpdate(rendezVousUpdate, { args: [msg({ nature: 'rendez_vous' as const, le: '12/03/2027', axes: [] })] }))).toBe(
      'Date attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.',
    );
    // Un jour qui n'existe pas : refusé de même (le moteur de dates de JavaScript l'aurait lu 2 mars).
    expect(await refus(handle.executeUpdate(rendezVousUpdate, { args: [msg({ nature: 'rendez_vous' as const, le: '2027-02-30', axes: [] })] }))).toBe(
      'Date attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.',
    );
    // Un rendez-vous de demain (à l'horloge du parcours) n'a pas encore eu lieu ; celui d'aujourd'hui, si.
    const jour = await aujourdhui(handle);
    const demain = jourDeParis(new Date(Date.parse(`${jour}T12:00:00Z`) + 86_400_000));
    expect(await refus(handle.executeUpdate(rendezVousUpdate, { args: [msg({ nature: 'rendez_vous' as const, le: demain, axes: [] })] }))).toBe(
      'Date attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.',
    );
    await handle.executeUpdate(rendezVousUpdate, { args: [msg({ nature: 'rendez_vous' as const, le: jour, axes: [], note: 'Point budget' })] });
    expect(await refus(handle.executeUpdate(finMesureUpdate, { args: [msg({ issue: 'menage_met_fin' as const, motif: ' a ' })] }))).toBe(
      'Motif de fin de mesure requis.',
    );
    expect(await refus(handle.executeUpdate(finMesureUpdate, { args: [msg({ issue: 'fin_avec_orientation' as const, motif: 'Relogé' })] }))).toBe(
      'Une fin de mesure avec orientation précise le dispositif vers lequel le ménage est orienté.',
    );
    // Au bilan à 6 mois : tenu sans le ménage, ou un glissement dans une situation encore fragile.
    await jusquAuBilan(handle, BILAN_DECISION);
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'poursuivre', menagePresent: false })] }))).toMatch(
      /se tient en présence du bailleur et du ménage/,
    );
    expect(await refus(handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'glissement', situation: 'fragile' })] }))).toBe(
      'Le glissement suppose un loyer payé régulièrement et une situation stabilisée : sinon, la mesure est poursuivie.',
    );
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan({ decision: 'poursuivre' })] });
    await etape(handle, 'sous_location');
    await jusquAuBilan(handle, BILAN_TERME);
    await handle.executeUpdate(bilanMesureUpdate, { args: [bilan()] });
    await etape(handle, 'sous_location');
    await jusquAuTermeFixe(handle);
    // Au terme : une prolongation trop peu motivée ; deux loyers impayés de suite, puis le glissement demandé.
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions({ decision: 'prolongation', motif: 'À revoir' })] }))).toBe(
      'Une prolongation doit être motivée (10 caractères au moins).',
    );
    for (const n of [10, 11]) await handle.executeUpdate(loyerUpdate, { args: [msg({ mois: moisPlus(debut, n), statut: 'impaye' as const })] });
    expect(await refus(handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] }))).toBe(
      'Le loyer est impayé depuis 2 mois consécutifs : le glissement n’est pas possible en l’état.',
    );
    const etat = await handle.query(etatQuery);
    expect(etat.etape).toBe('evaluation_glissement');
    expect(etat.cloture).toBeUndefined();
    expect(etat.journal.filter((x) => x.type === 'conditions_glissement')).toEqual([]);
    await clore(handle);
    await placesRendues(p);
  });

  it('quota : 3 places pour 5 candidatures validées ensemble ; jamais plus de 3 mesures actives, file dans l’ordre, chacun démarre à son tour', async () => {
    const p = programme('quota', (x) => (x.quotas.mesuresActives = 3));
    // Le coordinateur est démarré d'avance avec un historique court : il continue en nouvelle
    // exécution (continue-as-new) au milieu du test, sans rien perdre.
    await banc.env.client.workflow.start('fileIml', {
      taskQueue: banc.taskQueue,
      workflowId: idFileIml(p.id),
      args: [{ programmeId: p.id, quota: 3, versionProgramme: p.version, seuilHistorique: 40 }],
    });
    const mesures = await Promise.all([1, 2, 3, 4, 5].map(() => lancer(p)));
    await Promise.all(mesures.map((m) => repondreSiao(m.handle, 'approuve')));
    let f = await jusquaFile(p, (x) => x.actives.length === 3 && x.file.length === 2);
    expect(f.compteurs.demandes).toBe(5);
    const actives = new Set(f.actives.map((a) => a.mesure));
    for (const m of mesures) await etapeSA(m.handle, actives.has(m.handle.workflowId) ? 'recherche_logement' : 'file_attente');
    expect(f.file.map((x) => x.rang)).toEqual([1, 2]);
    expect(f.file[0]!.depuis <= f.file[1]!.depuis).toBe(true);
    const [premier, second] = f.file.map((x) => x.mesure) as [string, string];
    const handleDe = (id: string) => mesures.find((m) => m.handle.workflowId === id)!.handle;

    // Un signal reçu deux fois ne compte pas deux fois.
    const active = f.actives[0]!;
    const client = banc.env.client.workflow;
    const depart = { taskQueue: banc.taskQueue, workflowId: idFileIml(p.id), args: [{ programmeId: p.id, quota: 3, versionProgramme: p.version }] };
    const demande = (x: { mesure: string; execution: string; reference: string; depuis: string }) =>
      client.signalWithStart('fileIml', {
        ...depart,
        signal: demanderPlaceSignal,
        signalArgs: [{ mesure: x.mesure, execution: x.execution, reference: x.reference, demandeeLe: x.depuis, quota: 3, versionProgramme: p.version }],
      });
    await demande({ ...active, depuis: active.demandeeLe });
    await demande(f.file[0]!);
    await repos(fileDe(p)); // les deux signaux appliqués
    f = await jusquaFile(p, () => true);
    expect(f.actives).toHaveLength(3);
    expect(f.file.map((x) => x.mesure)).toEqual([premier, second]);
    expect(f.compteurs.demandes).toBe(5);

    // Une mesure se termine : la première de la file démarre, la seconde attend encore.
    const h1 = handleDe(active.mesure);
    await h1.executeUpdate(finMesureUpdate, { args: [msg({ issue: 'menage_met_fin' as const, motif: 'Le ménage a trouvé un logement seul' })] });
    await fini(h1);
    await etapeSA(handleDe(premier), 'recherche_logement');
    f = await jusquaFile(p, (x) => x.actives.some((a) => a.mesure === premier));
    expect(f.actives).toHaveLength(3);
    expect(f.file.map((x) => [x.mesure, x.rang])).toEqual([[second, 1]]);
    await etapeSA(handleDe(second), 'file_attente');

    // Une sixième candidature validée plus tard se place derrière.
    const sixieme = await lancer(p);
    await repondreSiao(sixieme.handle, 'approuve');
    await etapeSA(sixieme.handle, 'file_attente');
    f = await jusquaFile(p, (x) => x.file.length === 2);
    expect(f.file.map((x) => x.mesure)).toEqual([second, sixieme.handle.workflowId]);

    // Un libererPlace rejoué, une demande tardive d'une mesure terminée : ignorés.
    const h1Execution = (await h1.describe()).runId;
    await client.signalWithStart('fileIml', {
      ...depart,
      signal: libererPlaceSignal,
      signalArgs: [{ mesure: h1.workflowId, execution: h1Execution, motif: 'menage_met_fin' }],
    });
    await demande({ mesure: h1.workflowId, execution: h1Execution, reference: active.reference, depuis: active.demandeeLe });
    await repos(fileDe(p)); // les deux signaux appliqués
    f = await jusquaFile(p, () => true);
    expect(f.actives).toHaveLength(3);
    expect(f.file).toHaveLength(2);

    // Une autre mesure se termine : la seconde démarre à son tour.
    const h2 = handleDe(f.actives.find((a) => a.mesure !== premier)!.mesure);
    await h2.executeUpdate(finMesureUpdate, {
      args: [
        msg({ issue: 'fin_avec_orientation' as const, motif: 'Relogement en résidence sociale', orientation: { dispositif: 'residence_sociale' as const } }),
      ],
    });
    await fini(h2);
    await etapeSA(handleDe(second), 'recherche_logement');
    f = await jusquaFile(p, (x) => x.actives.some((a) => a.mesure === second));
    expect(f.file.map((x) => [x.mesure, x.rang])).toEqual([[sixieme.handle.workflowId, 1]]);

    // Clôture anticipée d'une candidature en file : elle en sort, le SIAO est informé.
    await clore(sixieme.handle);
    expect((await recu(SIAO, sixieme.ref, 'Fin de mesure IML : clôture anticipée')).texte).toContain('retirée de la file d’attente');
    f = await jusquaFile(p, (x) => x.file.length === 0);
    expect(f.actives).toHaveLength(3);
    expect(f.compteurs).toMatchObject({ demandes: 6, accordees: 5, liberees: 2, retirees: 1 });
    expect(f.execution).toBeGreaterThan(1); // continue-as-new : actives et file ont été reprises

    // Du côté des mesures : trois en cours avec une place, jamais plus.
    const ouvertes = mesures.filter((m) => !(m.handle === h1 || m.handle === h2));
    expect(ouvertes.map((m) => m.handle.workflowId).sort()).toEqual(f.actives.map((a) => a.mesure).sort());
    for (const m of ouvertes) {
      expect((await m.handle.query(etatQuery)).details.place).toBeDefined();
      await clore(m.handle);
    }
    await placesRendues(p);
  });

  it('file d’attente : la place accordée le lendemain matin d’une validation à 21 h se dit « après 1 jour d’attente », au journal et dans la fiche', async () => {
    const p = programme('attente-place', (x) => (x.quotas.mesuresActives = 1));
    const { seconde, demain } = await placeApresUneNuit(p);
    const e = await jusqua(seconde.handle, (x) => x.journal.some((j) => j.type === 'place_accordee'), 'place accordée');
    expect(e.journal.find((j) => j.type === 'place_accordee')!.resume).toBe('Place accordée après 1 jour d’attente');
    expect(e.details.place).toMatchObject({ attenteJours: 1 });
    expect(jourDeParis((e.details.place as { demandeeLe: string }).demandeeLe)).toBe(demain);
    await clore(seconde.handle);
    await placesRendues(p);
  });
});

// `ENREGISTRER_HISTORIQUES=debut-de-mesure-ensemble` : le début de la mesure annoncé au bailleur et au
// ménage (à l'adresse de son dossier) en une seule activité (patched('debut-de-mesure-ensemble')), puis
// glissée au terme. `ENREGISTRER_HISTORIQUES=rattrapage` : le même, ces courriels partis après la réponse
// du logement, la sous-location commencée aussitôt (patched('rattrapage-sans-attendre-les-courriels')).
const debutDeMesure = enregistrementDemande({
  'debut-de-mesure-ensemble': ['iml-debut-de-mesure-ensemble-v1.json', ['debut-de-mesure-ensemble', 'courriels-menage-au-dossier']],
  rattrapage: ['iml-rattrapage-v1.json', ['rattrapage-sans-attendre-les-courriels']],
});
describe.runIf(debutDeMesure !== undefined)('enregistrement du début de mesure', () => {
  it('enregistre une mesure concarneau-iml : logement, début annoncé au bailleur et au ménage, glissement au terme', async () => {
    const [fichier, patchs] = debutDeMesure!;
    const p = programme('glissement');
    const { handle } = await jusquALaSousLocation(p);
    await jusquAuTerme(handle);
    await handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] });
    await enregistrerALaFin(handle, fichier, patchs);
    await placesRendues(p);
  });
});

// `ENREGISTRER_HISTORIQUES=evaluation-dans-le-message` : une mesure prolongée au terme, puis glissée au
// terme de la prolongation ; l'évaluation et la prolongation faites par le message
// (patched('evaluation-dans-le-message')), le glissement noté par lui (patched('glissement-dans-le-message')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'evaluation-dans-le-message')('enregistrement de l’évaluation au terme', () => {
  it('enregistre une mesure concarneau-iml prolongée au terme, puis glissée au terme de la prolongation', async () => {
    const p = programme('prolongation');
    const { handle } = await jusquALaSousLocation(p);
    await jusquAuTerme(handle);
    await handle.executeUpdate(conditionsGlissementUpdate, {
      args: [conditions({ loyerPayeRegulierement: false, decision: 'prolongation', dureeMois: 4, motif: 'Reprise de la dette, plan en cours' })],
    });
    await etape(handle, 'prolongation');
    await jusquAuTermeFixe(handle);
    await handle.executeUpdate(conditionsGlissementUpdate, { args: [conditions()] });
    await enregistrerALaFin(handle, 'iml-evaluation-dans-le-message-v1.json', ['evaluation-dans-le-message', 'glissement-dans-le-message']);
    await placesRendues(p);
  });
});

// `ENREGISTRER_HISTORIQUES=attente-de-place-au-jour` : l'attente d'une place comptée en jours du
// calendrier de Paris (patched('attente-de-place-au-jour')) : validée à 21 h, place accordée le
// lendemain à 5 h, puis clôture anticipée.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'attente-de-place-au-jour')('enregistrement de l’attente d’une place', () => {
  it('enregistre une mesure concarneau-iml en file une nuit, place accordée, clôture anticipée', async () => {
    const p = programme('attente-place', (x) => (x.quotas.mesuresActives = 1));
    const { seconde } = await placeApresUneNuit(p);
    await jusqua(seconde.handle, (x) => x.journal.some((j) => j.type === 'place_accordee'), 'place accordée');
    await seconde.handle.executeUpdate(cloreAnticipeUpdate, { args: [msg({ motif: 'Fin de l’essai' }, 'coord.essai')] });
    await enregistrerALaFin(seconde.handle, 'iml-attente-de-place-au-jour-v1.json', ['attente-de-place-au-jour']);
    await placesRendues(p);
  });
});

// `ENREGISTRER_HISTORIQUES=rappels-aux-heures-ouvrees` : la demande au SIAO, son premier rappel aux
// heures ouvrées (patched('rappels-aux-heures-ouvrees')), la candidature validée par son lien, puis
// une clôture anticipée.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'rappels-aux-heures-ouvrees')('enregistrement des rappels aux heures ouvrées', () => {
  it('enregistre une demande au SIAO rappelée aux heures ouvrées, validée, puis une clôture anticipée', async () => {
    const p = programme('siao-muet');
    const { handle } = await lancer(p);
    const demande = await demandeSiao(handle);
    const [premier] = rappelsAttendus(demande, BASE.rappelsValidation, p.delais.validationSiao!);
    await avancerApres(handle, premier!);
    await jusqua(handle, (e) => e.journal.some((x) => x.type === 'validation_rappel'), 'rappel noté');
    await repondreSiao(handle, 'approuve');
    await etape(handle, 'recherche_logement');
    await clore(handle);
    await enregistrerALaFin(handle, 'iml-rappels-aux-heures-ouvrees-v1.json', ['rappels-aux-heures-ouvrees']);
    await placesRendues(p);
  });
});
