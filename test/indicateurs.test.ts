/**
 * Indicateurs, sans serveur : la fiche tirée de l'état d'un parcours (sans donnée personnelle), le
 * calcul par programme et période (chaque famille, avec ses références), le registre (versions,
 * écriture atomique, relecture après redémarrage), le CSV (colonnes), la page HTML (graphiques) et
 * le PDF (texte extrait), avec la version des partenaires sans aucune référence.
 */
import { baseEssai, creerBaseEssai } from './outils/base';
import { importerFichesIndicateurs } from '../indicateurs/import';
import { ouvrirBase } from '../base';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ficheDepuisEtat, type FicheIndicateurs } from '../domain/indicateurs';
import { minuitDeParis } from '../domain/durees';
import type { EtatParcours, EvenementJournal } from '../domain/vocabulaire';
import { calculerIndicateurs, sansReferences } from '../indicateurs/calcul';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { enAnnees } from '../indicateurs/periode';
import {
  COLONNES_CSV,
  indicateursTableur,
  construireRapport,
  formaterValeur,
  indicateursCsv,
  notesPeriode,
  rapportHtml,
  rapportPdf,
  texteChiffreCle,
  texteWinAnsi,
} from '../indicateurs/rapport';
import type { StadeProcedure } from '../domain/prevention';
import type { IssueCloture } from '../domain/vocabulaire';
import { DOSSIER_PRESETS, lireProgramme } from '../programmes/catalogue';
import { completerDepuisFichier } from '../programmes/versions';
import { readFileSync } from 'node:fs';
import { ficheIndicateursSchema } from '../indicateurs/schema';
import { etatsSynthetiques } from '../indicateurs/synthese';
import { CATALOGUE } from './outils/environnement';
import { periodeDe, requeteIndicateursSchema } from '../api/routes/indicateurs';

const j = (seq: number, date: string, type: string): EvenementJournal => ({
  seq,
  date: `${date}T10:00:00.000Z`,
  type,
  acteur: { type: 'systeme' },
  resume: type,
  visibilite: 'partenaires',
});
const PERSONNEL_SECRET = { menage: { nom: 'Mme Josiane Lefébure', adresse: '12 rue des Tilleuls' }, diagnostic: [{ origineDette: 'Perte d’emploi' }] };

function etat(x: Partial<EtatParcours> & Pick<EtatParcours, 'reference' | 'typeParcours' | 'journal'>, programmeId: string): EtatParcours {
  return {
    workflowId: `${programmeId}--${x.reference}`,
    programme: { id: programmeId, version: 1, nom: programmeId },
    etape: 'suivi',
    libelleEtape: 'Suivi',
    echeances: [],
    demandes: [],
    details: {},
    detailsConfidentiels: PERSONNEL_SECRET,
    ...x,
  };
}

/** Prévention : ASLL validée, plan d'apurement respecté, reprise partielle, mutation, relogement. */
const PREV_A = etat(
  {
    reference: 'PA-1',
    typeParcours: 'prevention_precontentieuse',
    journal: [
      j(1, '2026-01-05', 'ouverture'),
      j(2, '2026-01-06', 'lettre_information'),
      j(3, '2026-01-12', 'tentative_contact'),
      j(4, '2026-01-15', 'tentative_contact'),
      j(5, '2026-01-15', 'contact_etabli'),
      j(6, '2026-02-10', 'plan_aide'),
      j(7, '2026-05-10', 'bilan'),
      j(8, '2026-06-01', 'passage_droit_commun'),
      j(9, '2026-06-20', 'cloture'),
    ],
    echeances: [{ id: 'contact', libelle: 'Premier contact', due: '2026-02-06T10:00:00.000Z', statut: 'tenue', responsable: 'travailleur_social' }],
    demandes: [
      {
        id: 'd1',
        role: 'departement',
        objet: 'Validation du plan d’aide avec une mesure ASLL',
        envoyeeLe: '2026-02-10T11:00:00.000Z',
        echeance: '2026-02-17T11:00:00.000Z',
        statut: 'approuvee',
        decision: { decision: 'approuve', par: 'dpt', le: '2026-02-12T09:00:00.000Z' },
      },
    ],
    details: {
      lettreInformation: { le: '2026-01-06T10:00:00.000Z' },
      contactEtabliLe: '2026-01-15T10:00:00.000Z',
      plan: { actions: ['plan_apurement'], orientations: ['asll'], planApurement: { mensualite: 40, dureeMois: 20 }, demandeMutation: true },
      bilans: [{ jalon: 'Bilan à 3 mois', reprisePaiement: 'partielle', planRespecte: true }],
      passageDroitCommun: { service: 'CCAS', entretienTripartite: false },
    },
    cloture: { issue: 'relogement_ou_mutation', le: '2026-06-20T10:00:00.000Z' },
  },
  'besancon-ccas',
);
/** Prévention : contact après le délai, ASLL refusée, plan non respecté, pas de reprise ; en cours. */
const PREV_B = etat(
  {
    reference: 'PB-2',
    typeParcours: 'prevention_precontentieuse',
    journal: [
      j(1, '2026-02-01', 'ouverture'),
      j(2, '2026-02-01', 'lettre_information'),
      j(3, '2026-03-20', 'contact_etabli'),
      j(4, '2026-04-01', 'plan_aide'),
      j(5, '2026-07-01', 'bilan'),
    ],
    echeances: [{ id: 'premiere_visite', libelle: 'Première visite', due: '2026-02-22T10:00:00.000Z', statut: 'depassee', responsable: 'travailleur_social' }],
    demandes: [
      {
        id: 'd2',
        role: 'departement',
        objet: 'Validation du plan d’aide avec une mesure ASLL',
        envoyeeLe: '2026-04-01T11:00:00.000Z',
        echeance: '2026-04-08T11:00:00.000Z',
        statut: 'refusee',
        decision: { decision: 'refuse', par: 'dpt', le: '2026-04-03T09:00:00.000Z' },
      },
    ],
    details: {
      lettreInformation: { le: '2026-02-01T10:00:00.000Z' },
      contactEtabliLe: '2026-03-20T10:00:00.000Z',
      plan: { actions: ['plan_apurement'], orientations: ['asll'], planApurement: { mensualite: 40, dureeMois: 20 }, demandeMutation: false },
      bilans: [{ jalon: 'Bilan à 3 mois', reprisePaiement: 'aucune', planRespecte: false }],
    },
  },
  'besancon-ccas',
);
/** Prévention : non éligible, et contact impossible (échecs). */
const PREV_C = etat(
  {
    reference: 'PC-3',
    typeParcours: 'prevention_precontentieuse',
    journal: [j(1, '2026-03-01', 'ouverture'), j(2, '2026-03-01', 'cloture')],
    cloture: { issue: 'non_eligible', le: '2026-03-01T10:00:00.000Z' },
  },
  'besancon-ccas',
);
const PREV_D = etat(
  {
    reference: 'PD-4',
    typeParcours: 'prevention_precontentieuse',
    journal: [j(1, '2026-03-02', 'ouverture'), j(2, '2026-03-02', 'lettre_information'), j(3, '2026-04-03', 'cloture')],
    details: { lettreInformation: { le: '2026-03-02T10:00:00.000Z' } },
    cloture: { issue: 'contact_impossible', le: '2026-04-03T10:00:00.000Z' },
  },
  'besancon-ccas',
);
/** Hors période (repéré en 2025) : ne compte pas dans les faits datés de 2026. */
const PREV_E = etat({ reference: 'PE-5', typeParcours: 'prevention_precontentieuse', journal: [j(1, '2025-06-01', 'ouverture')] }, 'besancon-ccas');

/** IML : glissement à 6 mois (frein « dette »), glissement après prolongation, en attente, refus SIAO. */
const IML = (reference: string, journal: EvenementJournal[], details: Record<string, unknown>, x: Partial<EtatParcours> = {}) =>
  etat({ reference, typeParcours: 'iml_bail_glissant', journal, details, ...x }, 'concarneau-iml');
const IML_A = IML(
  'IA-1',
  [j(1, '2025-10-01', 'ouverture'), j(2, '2025-10-10', 'place_demandee')],
  {
    validationSiao: { le: '2025-10-10T10:00:00.000Z' },
    place: { demandeeLe: '2025-10-10T10:00:00.000Z', accordeeLe: '2025-10-10T10:00:00.000Z', attenteJours: 0 },
    mesure: { debut: '2025-11-01T00:00:00.000Z' },
    glissement: { le: '2026-05-03T10:00:00.000Z', moisDeSousLocation: 6, anticipe: true },
    candidature: { structure: 'chrs', composition: 'famille_monoparentale' },
    accompagnement: { rendezVous: 3, visitesDomicile: 1, liensPartenaires: 0, axes: ['budget', 'acces_droits'] },
  },
  {
    cloture: { issue: 'glissement_du_bail', le: '2026-05-03T10:00:00.000Z' },
    detailsConfidentiels: { bilans: [{ jalon: 'P6M', notes: 'dette de jeu', freins: ['dette'] }] },
  },
);
const IML_B = IML(
  'IB-2',
  [j(1, '2024-09-01', 'ouverture'), j(2, '2024-09-10', 'place_demandee')],
  {
    validationSiao: { le: '2024-09-10T10:00:00.000Z' },
    place: { demandeeLe: '2024-09-10T10:00:00.000Z', accordeeLe: '2024-10-20T10:00:00.000Z', attenteJours: 40 },
    mesure: { debut: '2024-11-01T00:00:00.000Z' },
    prolongations: [{ decideeLe: '2025-11-01T10:00:00.000Z', mois: 6 }],
    glissement: { le: '2026-05-02T10:00:00.000Z', moisDeSousLocation: 18, anticipe: false },
  },
  { cloture: { issue: 'glissement_du_bail', le: '2026-05-02T10:00:00.000Z' } },
);
const IML_C = IML(
  'IC-3',
  [j(1, '2026-01-10', 'ouverture'), j(2, '2026-01-20', 'place_demandee')],
  { validationSiao: { le: '2026-01-20T10:00:00.000Z' } },
  { etape: 'file_attente' },
);
const IML_D = IML(
  'ID-4',
  [j(1, '2026-02-01', 'ouverture'), j(2, '2026-02-15', 'cloture')],
  {},
  { cloture: { issue: 'refus_siao', le: '2026-02-15T10:00:00.000Z' } },
);

/** Protocoles : respecté puis nouveau bail 20 jours après ; rompu ; avenant. */
const PROTO = (reference: string, details: Record<string, unknown>, x: Partial<EtatParcours> = {}) =>
  etat(
    { reference, typeParcours: 'protocole_post_resiliation', journal: [j(1, '2025-03-01', 'ouverture'), j(2, '2025-03-01', 'resiliation')], details, ...x },
    'reims-april-protocole',
  );
const PROTO_A = PROTO(
  'RA-1',
  {
    protocole: { signeLe: '2025-03-20', terme: '2026-03-20', avenants: [] },
    protocoleRespecteLe: '2026-03-21T10:00:00.000Z',
    nouveauBail: { signeLe: '2026-04-10' },
    paiements: {
      mois: [
        { mois: '2025-12', statut: 'paye', montant: 412.5, attendu: 412.5 },
        { mois: '2026-01', statut: 'paye', montant: 412.5, attendu: 412.5 },
      ],
    },
  },
  { cloture: { issue: 'nouveau_bail_signe', le: '2026-04-10T10:00:00.000Z' } },
);
const PROTO_B = PROTO(
  'RB-2',
  {
    protocole: { signeLe: '2025-04-01', terme: '2027-04-01', avenants: [{ signeLe: '2026-02-01', prolongationMois: 12 }] },
    rupture: { decideeLe: '2026-06-01' },
    // Payé avant la période, rien pendant : pas de reprise en 2026.
    paiements: {
      mois: [
        { mois: '2025-11', statut: 'paye', montant: 500, attendu: 500 },
        { mois: '2026-03', statut: 'impaye', montant: 0, attendu: 500 },
        { mois: '2026-04', statut: 'impaye', montant: 0, attendu: 500 },
      ],
    },
  },
  { cloture: { issue: 'orientation_hebergement', le: '2026-06-20T10:00:00.000Z' } },
);
// Un mois payé en partie : c'est une reprise, « même partiellement » ; un mois sans réponse ne compte pas.
const PROTO_C = PROTO('RC-3', {
  protocole: { signeLe: '2026-01-05', terme: '2028-01-05', avenants: [] },
  paiements: {
    mois: [
      { mois: '2026-02', statut: 'impaye', montant: 150, attendu: 600 },
      { mois: '2026-03', statut: 'non_renseigne', montant: 0, attendu: 600 },
    ],
  },
});

const ANNEE_2026 = { du: '2026-01-01', au: '2026-12-31' };
const fiches = (etats: EtatParcours[]) => etats.map(ficheDepuisEtat);

describe('fiche d’un parcours', () => {
  it('ne garde ni nom, ni adresse, ni ce que le ménage a confié ; son schéma strict l’accepte', () => {
    for (const e of [
      PREV_A,
      PREV_B,
      PREV_C,
      PREV_D,
      IML_A,
      IML_B,
      IML_C,
      IML_D,
      PROTO_A,
      PROTO_B,
      PROTO_C,
      ...etatsSynthetiques(
        300,
        CATALOGUE.tous().map((p) => ({ id: p.id, typeParcours: p.typeParcours })),
      ),
    ]) {
      const f = ficheDepuisEtat(e);
      const texte = JSON.stringify(f);
      for (const secret of ['Lefébure', 'Tilleuls', 'Perte d’emploi', 'dette de jeu']) expect(texte).not.toContain(secret);
      expect(ficheIndicateursSchema.safeParse(f).error).toBeUndefined();
    }
    expect(ficheIndicateursSchema.safeParse({ ...ficheDepuisEtat(PREV_A), nom: 'Lefébure' }).success).toBe(false);
  });

  it('tire de l’état les faits de chaque famille', () => {
    expect(ficheDepuisEtat(PREV_A)).toMatchObject({
      orienteLe: '2026-01-06T10:00:00.000Z',
      traiteLe: '2026-02-10T10:00:00.000Z',
      contact: { delaiJours: 10, dansLeDelai: true, tentatives: 2 },
      asll: { decision: 'validee', decideeLe: '2026-02-12T09:00:00.000Z' },
      planApurement: { respecte: true },
      reprisePaiement: { valeur: 'partielle' },
      mutation: {},
      relogement: { le: '2026-06-20T10:00:00.000Z' },
      orientationDroitCommun: { le: '2026-06-01T10:00:00.000Z' },
      cloture: { issue: 'relogement_ou_mutation', echec: false },
    });
    expect(ficheDepuisEtat(PREV_B).contact).toMatchObject({ delaiJours: 47, dansLeDelai: false });
    // Le délai que dit le dossier (depuis la désignation par la commission) l'emporte sur celui depuis l'ouverture.
    const designe = { ...PREV_B, details: { ...PREV_B.details, designeLe: '2026-01-01', delaiPremierContactJours: 60 } };
    expect(ficheDepuisEtat(designe).contact).toMatchObject({ delaiJours: 60, dansLeDelai: false });
    expect(ficheDepuisEtat(IML_A).iml).toMatchObject({ glissement: { moment: '6_mois' }, dureeMois: 6, obstacles: ['dette'], attenteJours: 0 });
    expect(ficheDepuisEtat(IML_B).iml).toMatchObject({ glissement: { moment: 'apres_prolongation' }, prolongations: ['2025-11-01T10:00:00.000Z'] });
    expect(ficheDepuisEtat(PROTO_A).protocole).toMatchObject({ respecteLe: '2026-03-21T10:00:00.000Z', nouveauBail: { delaiJours: 20 } });
  });
});

describe('fiche d’un parcours : chaque règle de dérivation', () => {
  const prev = (x: Partial<EtatParcours>, journal: EvenementJournal[]) =>
    ficheDepuisEtat(etat({ reference: 'PX-9', typeParcours: 'prevention_precontentieuse', journal, ...x }, 'besancon-ccas'));
  const asll = (id: string, statut: 'approuvee' | 'refusee' | 'expiree', envoyeeLe: string, decideeLe?: string) => ({
    id,
    role: 'departement' as const,
    objet: 'Validation du plan d’aide avec une mesure ASLL',
    envoyeeLe,
    echeance: '2026-02-20T22:59:59.999Z',
    statut,
    ...(decideeLe ? { decision: { decision: statut === 'approuvee' ? ('approuve' as const) : ('refuse' as const), par: 'dpt', le: decideeLe } } : {}),
  });

  it('contact : dans le délai jusqu’à l’échéance comprise ; l’échéance « premier contact » l’emporte sur la « première visite »', () => {
    const echeances = [
      {
        id: 'premiere_visite',
        libelle: 'Première visite',
        due: '2026-01-10T10:00:00.000Z',
        statut: 'depassee' as const,
        responsable: 'travailleur_social' as const,
      },
      { id: 'contact', libelle: 'Premier contact', due: '2026-01-20T10:00:00.000Z', statut: 'tenue' as const, responsable: 'travailleur_social' as const },
    ];
    const le = (contactEtabliLe: string) => prev({ echeances, details: { contactEtabliLe } }, [j(1, '2026-01-05', 'ouverture')]).contact?.dansLeDelai;
    expect(le('2026-01-15T10:00:00.000Z')).toBe(true); // après la visite, avant le contact : c'est le contact qui compte
    expect(le('2026-01-20T10:00:00.000Z')).toBe(true); // à l'échéance même
    expect(le('2026-01-20T10:00:00.001Z')).toBe(false);
  });

  it('plans : le premier date le plan d’aide, le dernier le plan d’apurement ; l’ASLL est la dernière demande au département', () => {
    const f = prev(
      {
        details: { plan: { actions: ['plan_apurement'], orientations: ['asll'], planApurement: { mensualite: 40, dureeMois: 20 } } },
        demandes: [
          asll('a1', 'refusee', '2026-02-01T10:00:00.000Z', '2026-02-03T10:00:00.000Z'),
          asll('a2', 'approuvee', '2026-02-10T10:00:00.000Z', '2026-02-12T10:00:00.000Z'),
        ],
      },
      [j(1, '2026-01-05', 'ouverture'), j(2, '2026-02-01', 'plan_aide'), j(3, '2026-02-10', 'plan_aide')],
    );
    expect(f.planAide).toEqual({ le: '2026-02-01T10:00:00.000Z' });
    expect(f.planApurement).toEqual({ fixeLe: '2026-02-10T10:00:00.000Z' });
    expect(f.asll).toEqual({ demandeeLe: '2026-02-10T10:00:00.000Z', decision: 'validee', decideeLe: '2026-02-12T10:00:00.000Z' });
    // Sans réponse du département : décidée « sans réponse » à son échéance.
    const sans = prev({ demandes: [asll('a3', 'expiree', '2026-02-10T10:00:00.000Z')] }, [j(1, '2026-01-05', 'ouverture')]);
    expect(sans.asll).toEqual({ demandeeLe: '2026-02-10T10:00:00.000Z', decision: 'sans_reponse', decideeLe: '2026-02-20T22:59:59.999Z' });
  });

  it('bilans : chacun avec sa date, alignés sur les derniers du journal ; la clôture « plan respecté » et l’orientation vers le droit commun datées de la clôture', () => {
    const f = prev(
      {
        details: {
          plan: { actions: ['plan_apurement'], planApurement: { mensualite: 40, dureeMois: 20 } },
          bilans: [
            { reprisePaiement: 'partielle', planRespecte: false },
            { reprisePaiement: 'totale', planRespecte: false },
          ],
        },
        cloture: { issue: 'plan_apurement_respecte', le: '2026-09-01T10:00:00.000Z' },
      },
      [j(1, '2026-01-05', 'ouverture'), j(2, '2026-02-01', 'plan_aide'), j(3, '2026-04-01', 'bilan'), j(4, '2026-05-01', 'bilan'), j(5, '2026-07-01', 'bilan')],
    );
    expect(f.reprises).toEqual([
      { valeur: 'partielle', le: '2026-05-01T10:00:00.000Z' },
      { valeur: 'totale', le: '2026-07-01T10:00:00.000Z' },
    ]);
    expect(f.reprisePaiement).toEqual({ valeur: 'totale', le: '2026-07-01T10:00:00.000Z' });
    expect(f.planApurement).toEqual({ fixeLe: '2026-02-01T10:00:00.000Z', respecte: true, constateLe: '2026-09-01T10:00:00.000Z' });
    const orientee = prev({ cloture: { issue: 'orientation_droit_commun', le: '2026-06-01T10:00:00.000Z' } }, [j(1, '2026-01-05', 'ouverture')]);
    expect(orientee.orientationDroitCommun).toEqual({ le: '2026-06-01T10:00:00.000Z' });
  });
  it('durées en mois au calendrier de Paris : une mesure du 1er juin au 1er décembre, de minuit à minuit, dure 6 mois (heure d’été, puis d’hiver)', () => {
    const minuit = (jour: string) => minuitDeParis(jour).toISOString();
    const f = ficheDepuisEtat(
      IML(
        'IX-9',
        [j(1, '2026-04-01', 'ouverture'), j(2, '2026-04-10', 'candidature')],
        { mesure: { debut: minuit('2026-06-01') }, candidature: { structure: 'chrs', hebergeDepuis: '2025-10-10' } },
        { cloture: { issue: 'fin_avec_orientation', le: minuit('2026-12-01') } },
      ),
    );
    expect(f.iml).toMatchObject({ debutMesureLe: '2026-05-31T22:00:00.000Z', finMesureLe: '2026-11-30T23:00:00.000Z', dureeMois: 6 });
    // Hébergé depuis le 10 octobre : 6 mois à la candidature (10 avril), 7 à la sortie (1er juin à minuit).
    expect(f.iml?.hebergement).toEqual({ moisALaCandidature: 6, moisALaSortie: 7 });
  });
});

describe('calcul par programme et période', () => {
  it('prévention : repérage, contact et délai, plans, ASLL, apurement, reprise, mutations, droit commun, échecs — avec les références', () => {
    const x = calculerIndicateurs(fiches([PREV_A, PREV_B, PREV_C, PREV_D, PREV_E, IML_A]), 'besancon-ccas', ANNEE_2026);
    expect(x.fichesLues).toBe(5);
    expect(x.situations.reperees).toEqual({ nombre: 4, references: ['PA-1', 'PB-2', 'PC-3', 'PD-4'] });
    expect(x.situations.orientees).toEqual({ nombre: 3, references: ['PA-1', 'PB-2', 'PD-4'] });
    expect(x.situations.traitees).toEqual({ nombre: 2, references: ['PA-1', 'PB-2'] });
    expect(x.contacts.etablis.nombre).toBe(2);
    expect(x.contacts.delaiJours).toEqual({ mediane: 28.5, moyenne: 28.5, min: 10, max: 47 });
    expect(x.contacts.partDansLeDelai).toBe(0.5);
    expect(x.contacts.dansLeDelai.references).toEqual(['PA-1']);
    expect(x.contacts.distribution.map((t) => t.nombre)).toEqual([0, 1, 0, 0, 1, 0]);
    expect(x.plansAide.nombre).toBe(2);
    expect(x.asll).toMatchObject({ demandees: { nombre: 2 }, validees: { nombre: 1, references: ['PA-1'] }, refusees: { nombre: 1, references: ['PB-2'] } });
    expect(x.plansApurement).toMatchObject({ fixes: { nombre: 2 }, respectes: { references: ['PA-1'] }, nonRespectes: { references: ['PB-2'] } });
    expect(x.reprisePaiement).toMatchObject({ totale: { nombre: 0 }, partielle: { references: ['PA-1'] }, aucune: { references: ['PB-2'] } });
    expect(x.mutations).toMatchObject({ demandees: { references: ['PA-1'] }, relogements: { references: ['PA-1'] } });
    expect(x.orientationsDroitCommun.references).toEqual(['PA-1']);
    expect(x.echecs.total).toEqual({ nombre: 2, references: ['PC-3', 'PD-4'] });
    expect(x.echecs.parMotif.map((m) => [m.issue, m.compte.nombre])).toEqual([
      ['contact_impossible', 1],
      ['non_eligible', 1],
    ]);
    expect(x.entonnoir.map((e) => e.nombre)).toEqual([4, 3, 2, 2, 1]);
    // Une période plus courte : seuls les faits datés dedans.
    const mars = calculerIndicateurs(fiches([PREV_A, PREV_B, PREV_C, PREV_D]), 'besancon-ccas', { du: '2026-03-01', au: '2026-03-31' });
    expect(mars.situations.reperees.references).toEqual(['PC-3', 'PD-4']);
    expect(mars.contacts.etablis.references).toEqual(['PB-2']);
    expect(mars.plansAide.nombre).toBe(0);
  });

  it('IML : mesures actives, file et attentes, glissements à 6 / 12 mois et après prolongation, durées, freins', () => {
    const x = calculerIndicateurs(fiches([IML_A, IML_B, IML_C, IML_D]), 'concarneau-iml', ANNEE_2026);
    expect(x.iml.mesuresActives).toEqual({ nombre: 2, references: ['IA-1', 'IB-2'] });
    expect(x.iml.file.entrees.references).toEqual(['IC-3']);
    expect(x.iml.file.enAttenteAuTerme.references).toEqual(['IC-3']);
    expect(x.iml.refusSiao.references).toEqual(['ID-4']);
    expect(x.iml.glissements).toMatchObject({
      total: { nombre: 2 },
      a6Mois: { references: ['IA-1'] },
      a12Mois: { nombre: 0 },
      apresProlongation: { references: ['IB-2'] },
    });
    expect(x.iml.prolongations.nombre).toBe(0); // décidée en 2025
    expect(x.iml.dureeMois).toMatchObject({ mediane: 12, min: 6, max: 18 });
    expect(x.iml.obstacles).toEqual([{ obstacle: 'dette', compte: { nombre: 1, references: ['IA-1'] } }]);
    // Bilan d'activité annuel : profils et accompagnement des ménages suivis.
    expect(x.iml.profils).toEqual({
      composition: [{ valeur: 'famille_monoparentale', compte: { nombre: 1, references: ['IA-1'] } }],
      structure: [{ valeur: 'chrs', compte: { nombre: 1, references: ['IA-1'] } }],
      ressources: [],
    });
    expect(x.iml.accompagnement).toMatchObject({ rendezVous: 3, visitesDomicile: 1, liensPartenaires: 0 });
    expect(x.iml.accompagnement.axes.map((a) => a.valeur)).toEqual(['acces_droits', 'budget']);
    // Une mesure publiée dès l'entrée en file (avant que le journal ne note la demande de place).
    const IML_E = IML('IE-5', [j(1, '2026-03-01', 'ouverture')], { validationSiao: { le: '2026-03-10T10:00:00.000Z' } }, { etape: 'file_attente' });
    const z = calculerIndicateurs(fiches([IML_C, IML_E]), 'concarneau-iml', ANNEE_2026);
    expect(z.iml.file.enAttenteAuTerme.references).toEqual(['IC-3', 'IE-5']);
    const y2025 = calculerIndicateurs(fiches([IML_A, IML_B, IML_C, IML_D]), 'concarneau-iml', { du: '2025-01-01', au: '2025-12-31' });
    expect(y2025.iml.prolongations.references).toEqual(['IB-2']);
    expect(y2025.iml.file.attenteJours).toMatchObject({ mediane: 0, max: 0 });
    expect(y2025.iml.mesuresDemarrees.references).toEqual(['IA-1']);
  });

  it('protocoles : actifs, respectés, rompus, avenants, nouveaux baux et leur délai', () => {
    const x = calculerIndicateurs(fiches([PROTO_A, PROTO_B, PROTO_C]), 'reims-april-protocole', ANNEE_2026);
    expect(x.protocoles).toMatchObject({
      signes: { references: ['RC-3'] },
      actifs: { nombre: 3 },
      respectes: { references: ['RA-1'] },
      rompus: { references: ['RB-2'] },
      avenants: { references: ['RB-2'] },
      nouveauxBaux: { references: ['RA-1'] },
      delaiNouveauBailJours: { mediane: 20 },
      reprisePaiement: { reprise: { references: ['RA-1', 'RC-3'] }, connue: { nombre: 3 }, part: 0.667 },
    });
    expect(ficheDepuisEtat(PROTO_C).protocole).toMatchObject({ moisVerifies: ['2026-02'], moisAvecPaiement: ['2026-02'] });
    // L'année d'avant : seul RB-2 (novembre 2025, payé) et RA-1 (décembre 2025) ont des mois connus, payés.
    const y2025 = calculerIndicateurs(fiches([PROTO_A, PROTO_B, PROTO_C]), 'reims-april-protocole', { du: '2025-01-01', au: '2025-12-31' });
    expect(y2025.protocoles.reprisePaiement).toMatchObject({ reprise: { references: ['RA-1', 'RB-2'] }, part: 1 });
    expect(x.echecs.parMotif.map((m) => m.issue)).toEqual(['orientation_hebergement']);
  });

  it('la version des partenaires ne contient aucune référence', () => {
    const x = sansReferences(calculerIndicateurs(fiches([PREV_A, PREV_B]), 'besancon-ccas', ANNEE_2026));
    expect(JSON.stringify(x)).not.toMatch(/PA-1|PB-2|references/);
    expect(x.situations.reperees.nombre).toBe(2);
  });

  it('refuse une période à l’envers', () => {
    expect(() => calculerIndicateurs([], 'x', { du: '2026-02-01', au: '2026-01-01' })).toThrow('Période invalide');
  });

  it('les jours de la période sont ceux de Paris : un fait à 0 h 30 à Paris compte le jour même, en hiver, en été et aux changements d’heure', async () => {
    /** Un ménage repéré à l'instant dit (UTC). */
    const reperee = (reference: string, instant: string) =>
      etat({ reference, typeParcours: 'prevention_precontentieuse', journal: [{ ...j(1, '2026-01-01', 'ouverture'), date: instant }] }, 'besancon-ccas');
    const nuits = fiches([
      reperee('N-DEC', '2026-11-30T23:30:00.000Z'), // 0 h 30 le 1er décembre à Paris (UTC+1)
      reperee('N-NOV', '2026-11-30T22:30:00.000Z'), // 23 h 30 le 30 novembre à Paris
      reperee('N-ETE', '2027-03-27T23:30:00.000Z'), // 0 h 30 le 28 mars, nuit du passage à l'heure d'été
      reperee('N-AOU', '2027-07-31T22:30:00.000Z'), // 0 h 30 le 1er août (UTC+2)
      reperee('N-HIV', '2027-10-31T23:15:00.000Z'), // 0 h 15 le 1er novembre, après le retour à l'heure d'hiver
    ]);
    const reperees = (du: string, au: string) => calculerIndicateurs(nuits, 'besancon-ccas', { du, au }).situations.reperees.references;
    expect(reperees('2026-12-01', '2026-12-31')).toEqual(['N-DEC']);
    expect(reperees('2026-11-01', '2026-11-30')).toEqual(['N-NOV']);
    expect(reperees('2027-03-28', '2027-03-28')).toEqual(['N-ETE']);
    expect(reperees('2027-03-01', '2027-03-27')).toEqual([]);
    expect(reperees('2027-08-01', '2027-08-01')).toEqual(['N-AOU']);
    expect(reperees('2027-07-01', '2027-07-31')).toEqual([]);
    expect(reperees('2027-10-31', '2027-10-31')).toEqual([]);
    expect(reperees('2027-11-01', '2027-11-30')).toEqual(['N-HIV']);
    expect(calculerIndicateurs(nuits, 'besancon-ccas', { du: '2027-01-01', au: '2027-12-31' }).situations.reperees.nombre).toBe(3);
    // La lecture des fiches de la période (PostgreSQL) a les mêmes bornes.
    const { db } = await creerBaseEssai();
    try {
      const r = new RegistreIndicateurs(db);
      for (const f of nuits) await r.consigner({ fiche: f, version: 1 });
      const lues = async (du: string, au: string) => (await r.fichesDuProgramme('besancon-ccas', { du, au })).fiches.map((f) => f.reference).sort();
      // Les ménages encore suivis comptent pour les jours après leur repérage, pas pour la veille (jour de Paris).
      expect(await lues('2026-11-30', '2026-11-30')).toEqual(['N-NOV']);
      expect(await lues('2026-12-01', '2026-12-01')).toEqual(['N-DEC', 'N-NOV']);
      expect(await lues('2027-07-31', '2027-07-31')).toEqual(['N-DEC', 'N-ETE', 'N-NOV']);
      expect(await lues('2027-08-01', '2027-08-01')).toEqual(['N-AOU', 'N-DEC', 'N-ETE', 'N-NOV']);
    } finally {
      await db.destroy();
    }
  });
});

describe('registre des fiches (PostgreSQL)', () => {
  it('une version plus ancienne n’écrase jamais la plus récente ; un registre sur une autre connexion (redémarrage, autre processus) relit les mêmes fiches', async () => {
    const { db, url } = await baseEssai();
    const r = new RegistreIndicateurs(db);
    const avant = ficheDepuisEtat({ ...PREV_B, cloture: undefined });
    const apres = ficheDepuisEtat({ ...PREV_B, etape: 'cloture', cloture: { issue: 'menage_met_fin', le: '2026-08-01T10:00:00.000Z' } });
    expect(await r.consigner({ fiche: avant, version: 10 })).toBe('ecrite');
    expect(await r.consigner({ fiche: apres, version: 20 })).toBe('ecrite');
    expect(await r.consigner({ fiche: avant, version: 15 })).toBe('ignoree');
    expect(await r.consigner({ fiche: apres, version: 20 })).toBe('ignoree');
    // Deux consignations concurrentes du même parcours : la plus récente gagne, dans les deux ordres.
    await Promise.all([r.consigner({ fiche: apres, version: 31 }), r.consigner({ fiche: avant, version: 30 })]);
    expect((await r.lire('besancon-ccas', PREV_B.workflowId))!.version).toBe(31);
    // Versions réelles (microsecondes depuis 1970, au-delà de 2^31) relues à l'identique.
    const grande = Date.now() * 1000;
    expect(await r.consigner({ fiche: apres, version: grande })).toBe('ecrite');
    expect((await r.lire('besancon-ccas', PREV_B.workflowId))!.version).toBe(grande);
    for (const e of [PREV_A, PREV_C, PREV_D]) await r.consigner({ fiche: ficheDepuisEtat(e), version: 1 });
    const autre = ouvrirBase(url, { max: 1 });
    try {
      const redemarre = new RegistreIndicateurs(autre);
      const { fiches: lues } = await redemarre.fichesDuProgramme('besancon-ccas');
      expect(lues.map((f) => f.reference).sort()).toEqual(['PA-1', 'PB-2', 'PC-3', 'PD-4']);
      expect(lues.find((f) => f.reference === 'PB-2')!.cloture?.issue).toBe('menage_met_fin');
      const x1 = calculerIndicateurs((await r.fichesDuProgramme('besancon-ccas')).fiches, 'besancon-ccas', ANNEE_2026);
      const x2 = calculerIndicateurs(lues, 'besancon-ccas', ANNEE_2026);
      expect(x2).toEqual(x1);
      expect(x2.echecs.total.references).toEqual(['PB-2', 'PC-3', 'PD-4']);
      expect(await redemarre.fichesDuProgramme('inconnu')).toEqual({ fiches: [] });
    } finally {
      await autre.destroy();
    }
  });
});

describe('lecture des seules fiches de la période', () => {
  it('donne les mêmes indicateurs que toutes les fiches, pour une année, un mois, un jour, un 29 février, une fin d’année', async () => {
    const { db } = await creerBaseEssai();
    try {
      const r = new RegistreIndicateurs(db);
      const programmes = CATALOGUE.tous().map((p) => ({ id: p.id, typeParcours: p.typeParcours }));
      const etats = etatsSynthetiques(600, programmes, { graine: 17, depuis: new Date('2023-06-01T08:00:00Z'), etendueJours: 900 });
      for (const [i, e] of etats.entries()) await r.consigner({ fiche: ficheDepuisEtat(e), version: i + 1 });
      // Une fiche d'avant la migration (sans étendue) : lue pour toute période.
      await db
        .updateTable('fiches_indicateurs')
        .set({ premier_le: null, dernier_le: null, close: null })
        .where('workflow_id', '=', etats[0]!.workflowId)
        .execute();
      const periodes = [
        { du: '2024-01-01', au: '2024-12-31' },
        { du: '2024-02-01', au: '2024-02-29' },
        { du: '2024-02-29', au: '2024-02-29' },
        { du: '2024-12-31', au: '2025-01-01' },
        { du: '2025-03-30', au: '2025-10-26' },
        { du: '2026-06-01', au: '2026-12-31' },
      ];
      for (const p of programmes) {
        const toutes = (await r.fichesDuProgramme(p.id)).fiches;
        for (const periode of periodes) {
          const lues = (await r.fichesDuProgramme(p.id, periode)).fiches;
          const { fichesLues: _a, ...attendu } = calculerIndicateurs(toutes, p.id, periode, p.typeParcours);
          const { fichesLues, ...obtenu } = calculerIndicateurs(lues, p.id, periode, p.typeParcours);
          expect(obtenu, `${p.id} du ${periode.du} au ${periode.au}`).toEqual(attendu);
          expect(fichesLues).toBeLessThanOrEqual(toutes.length);
        }
      }
      // La période filtre vraiment : un mois lit bien moins de fiches que toutes.
      const loiret = await r.fichesDuProgramme('loiret-ahu', { du: '2024-02-01', au: '2024-02-29' });
      expect(loiret.fiches.length).toBeLessThan((await r.fichesDuProgramme('loiret-ahu')).fiches.length / 2);
    } finally {
      await db.destroy();
    }
  });
});

describe('rapports', () => {
  const programme = CATALOGUE.trouver('besancon-ccas')!;
  const ind = calculerIndicateurs(fiches([PREV_A, PREV_B, PREV_C, PREV_D]), 'besancon-ccas', ANNEE_2026);

  it('CSV : BOM UTF-8, séparateur « ; », colonnes documentées, une ligne par indicateur avec ses références', () => {
    const csv = indicateursCsv(ind, ['prevention_precontentieuse']);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lignes = csv.slice(1).trimEnd().split('\r\n');
    expect(lignes[0]).toBe('programme;du;au;famille;indicateur;libelle;valeur;unite;references');
    expect(COLONNES_CSV).toHaveLength(9);
    const parCle = new Map(
      lignes
        .slice(1)
        .map((l) => l.split(';'))
        .map((c) => [c[4], c]),
    );
    for (const c of parCle.values()) expect(c).toHaveLength(9);
    expect(parCle.get('reperees')).toEqual([
      'besancon-ccas',
      '2026-01-01',
      '2026-12-31',
      'situations',
      'reperees',
      'Situations repérées',
      '4',
      'nombre',
      'PA-1 PB-2 PC-3 PD-4',
    ]);
    expect(parCle.get('asll_validees')!.slice(6)).toEqual(['1', 'nombre', 'PA-1']);
    expect(parCle.get('part_dans_le_delai')!.slice(6)).toEqual(['0.5', 'part', '']);
    expect(parCle.get('delai_premier_contact_median')!.slice(6, 8)).toEqual(['28.5', 'jours']);
    expect(parCle.get('echec_contact_impossible')!.slice(6)).toEqual(['1', 'nombre', 'PD-4']);
    for (const cle of [
      'orientees',
      'traitees',
      'etablis',
      'plans_aide',
      'asll_demandees',
      'asll_refusees',
      'plans_apurement_fixes',
      'plans_apurement_respectes',
      'reprise_totale',
      'reprise_partielle',
      'reprise_aucune',
      'mutations_demandees',
      'relogements',
      'orientations_droit_commun',
      'echecs',
    ]) {
      expect(parCle.has(cle), cle).toBe(true);
    }
  });

  it('CSV pour un tableur en français : en-têtes en mots, nom du programme, thème, dates JJ/MM/AAAA, virgule décimale, parts en pourcentage, aucun code', () => {
    const csv = indicateursTableur(ind, ['prevention_precontentieuse'], programme.nom);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lignes = csv.slice(1).trimEnd().split('\r\n');
    expect(lignes[0]).toBe('Programme;Du;Au;Thème;Indicateur;Valeur;Unité;Dossiers');
    // Autant de lignes que le CSV de l'API, dans le même ordre.
    expect(lignes).toHaveLength(indicateursCsv(ind, ['prevention_precontentieuse']).slice(1).trimEnd().split('\r\n').length);
    const parLibelle = new Map(
      lignes
        .slice(1)
        .map((l) => l.split(';'))
        .map((c) => [c[4], c]),
    );
    for (const c of parLibelle.values()) {
      expect(c).toHaveLength(8);
      expect(c[0]).toBe(programme.nom);
    }
    expect(parLibelle.get('Situations repérées')).toEqual([
      programme.nom,
      '01/01/2026',
      '31/12/2026',
      'Situations',
      'Situations repérées',
      '4',
      'nombre',
      'PA-1 PB-2 PC-3 PD-4',
    ]);
    expect(parLibelle.get('Part des contacts établis dans le délai du programme')?.slice(3, 7)).toEqual([
      'Contact avec le ménage',
      'Part des contacts établis dans le délai du programme',
      '50',
      '%',
    ]);
    expect(parLibelle.get('Délai du premier contact : médiane')?.slice(5, 7)).toEqual(['28,5', 'jours']);
    // Aucun code : ni identifiant du programme, ni clé ou famille d'indicateur, ni unité technique.
    expect(csv).not.toContain('besancon-ccas');
    expect(csv).not.toMatch(/;(situations|reperees|part_dans_le_delai|part|nombre_[a-z]+);/);
    expect(csv).not.toMatch(/\d\.\d/);
  });

  it('page HTML : entonnoir et histogramme en SVG ; la version des partenaires n’a aucune référence', () => {
    const complet = rapportHtml(construireRapport(ind, programme, { type: '6-mois' })).valeur;
    expect(complet).toContain('Évaluation à 6 mois — ');
    expect(complet).toMatch(/<svg role="img" aria-labelledby="titre-entonnoir"/);
    expect(complet).toMatch(/<svg role="img" aria-labelledby="titre-histogramme"/);
    expect(complet).toContain('PA-1');
    const partenaires = rapportHtml(construireRapport(ind, programme, { type: '6-mois', pourPartenaires: true })).valeur;
    expect(partenaires).toContain('Version pour les partenaires');
    expect(partenaires).not.toMatch(/PA-1|PB-2|PC-3|PD-4/);
  });

  it('page HTML accessible (axe-core, WCAG 2 A et AA) dans Chromium', async () => {
    const { chromium } = await import('playwright-core');
    const { createRequire } = await import('node:module');
    const { page: gabarit } = await import('../api/html');
    const navigateur = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
    try {
      const onglet = await navigateur.newPage();
      const r = construireRapport(ind, programme, { type: '6-mois' });
      await onglet.setContent(gabarit({ titre: r.titre, contenu: rapportHtml(r, { pdf: '/x.pdf', csv: '/x.csv', partenaires: '/x' }), large: true }));
      await onglet.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
      const resultat = await onglet.evaluate(() =>
        (globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: Array<{ id: string; help: string }> }> } }).axe.run({
          runOnly: ['wcag2a', 'wcag2aa'],
        }),
      );
      expect(resultat.violations.map((v) => `${v.id} : ${v.help}`)).toEqual([]);
    } finally {
      await navigateur.close();
    }
  }, 30_000);

  it('PDF : lisible, avec les chiffres ; sans référence pour les partenaires ; Helvetica sans caractère hors WinAnsi', async () => {
    expect(texteWinAnsi('1\u202f234 € → ok’')).toBe('1 234 € -> ok’');
    const texte = async (b: Buffer) => {
      const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
      const doc = await pdfjs.getDocument({ data: new Uint8Array(b), useSystemFonts: false, verbosity: 0 }).promise;
      let t = '';
      for (let i = 1; i <= doc.numPages; i++) t += (await (await doc.getPage(i)).getTextContent()).items.map((x) => ('str' in x ? x.str : '')).join(' ') + '\n';
      return t;
    };
    const complet = await rapportPdf(construireRapport(ind, programme, { type: '12-mois' }));
    expect(complet.subarray(0, 5).toString()).toBe('%PDF-');
    // La langue du document (catalogue du PDF) : un lecteur d'écran le lit en français.
    expect(/\/Lang \(([^)]*)\)/.exec(complet.toString('latin1'))?.[1]).toBe('fr-FR');
    const t1 = await texte(complet);
    expect(t1).toContain('Évaluation à 12 mois');
    expect(t1).toContain('Situations repérées');
    expect(t1).toContain('PA-1');
    const t2 = await texte(await rapportPdf(construireRapport(ind, programme, { type: '12-mois', pourPartenaires: true })));
    expect(t2).toContain('Situations repérées');
    expect(t2).not.toMatch(/PA-1|PB-2|PC-3|PD-4/);
    // Calculé à 0 h 30 le 5 décembre à Paris (le 4 en UTC) : le rapport dit le jour de Paris.
    const apresMinuit = construireRapport(ind, programme, { type: '12-mois', genereLe: new Date('2026-12-04T23:30:00Z') });
    expect(await texte(await rapportPdf(apresMinuit))).toContain('Calculé le 5 décembre 2026');
    expect(rapportHtml(apresMinuit).valeur).toContain('Calculé le 5 décembre 2026');
  });
});

describe('période demandée à l’API', () => {
  const maintenant = new Date('2026-11-22T10:00:00Z');
  it('6 mois, 12 mois, rapport annuel (année civile), ou du/au', () => {
    // Sans début connu (ni réglage, ni parcours) : les 6 derniers mois, et le rapport le dit.
    expect(periodeDe({ periode: '6-mois' }, maintenant)).toEqual({ du: '2026-05-23', au: '2026-11-22', type: '6-mois', sansDebut: { mois: 6 } });
    expect(periodeDe({}, maintenant)).toMatchObject({ du: '2025-11-23', au: '2026-11-22' });
    expect(periodeDe({ periode: 'annuel-iml', annee: '2025' }, maintenant)).toEqual({ du: '2025-01-01', au: '2025-12-31', type: 'annuel-iml' });
    expect(periodeDe({ periode: 'annuel-iml' }, maintenant)).toEqual({ du: '2026-01-01', au: '2026-11-22', type: 'annuel-iml' });
    // Une année pas encore commencée : une erreur du client (400 en français), jamais une erreur du serveur.
    expect(() => periodeDe({ periode: 'annuel-iml', annee: '2027' }, maintenant)).toThrow(
      'Champ « annee » : l’année 2027 n’a pas encore commencé : choisissez 2026 ou une année passée',
    );
    expect(periodeDe({ periode: 'annuel-iml', annee: '2027' }, new Date('2027-01-01T00:00:00Z'))).toEqual({
      du: '2027-01-01',
      au: '2027-01-01',
      type: 'annuel-iml',
    });
    expect(periodeDe({ du: '2026-01-01', au: '2026-03-31', periode: '6-mois' }, maintenant)).toEqual({ du: '2026-01-01', au: '2026-03-31', type: '6-mois' });
  });
  it('les derniers mois en fin de mois : ni jour perdu, ni jour compté deux fois (31 décembre, 31 août, 29 février)', () => {
    const du = (q: Parameters<typeof periodeDe>[0], le: string) => periodeDe(q, new Date(le)).du;
    // 6 mois avant le 31 décembre : le 30 juin ; la période commence le 1er juillet.
    expect(du({ periode: '6-mois' }, '2026-12-31T10:00:00Z')).toBe('2026-07-01');
    // 6 mois avant le 31 août : le 28 février ; elle commence le 1er mars.
    expect(du({ periode: '6-mois' }, '2026-08-31T10:00:00Z')).toBe('2026-03-01');
    // 12 mois avant un 29 février : le 28 février de l'année d'avant.
    expect(du({}, '2028-02-29T10:00:00Z')).toBe('2027-03-01');
    expect(du({ periode: '12-mois' }, '2028-03-31T10:00:00Z')).toBe('2027-04-01');
    // Au milieu d'un mois, rien ne change : le lendemain du même jour.
    expect(du({ periode: '6-mois' }, '2026-11-22T10:00:00Z')).toBe('2026-05-23');
  });
  it('le jour de la période est celui de Paris : après minuit à Paris, en hiver comme en été, et au Nouvel An', () => {
    // 0 h 30 à Paris le 5 décembre (encore le 4 en UTC).
    expect(periodeDe({ periode: '6-mois' }, new Date('2026-12-04T23:30:00Z'))).toMatchObject({ du: '2026-06-06', au: '2026-12-05' });
    // La nuit du passage à l'heure d'été (0 h 30 à Paris le 28 mars, UTC+1).
    expect(periodeDe({}, new Date('2027-03-27T23:30:00Z'))).toMatchObject({ du: '2026-03-29', au: '2027-03-28' });
    // En été (UTC+2) : 0 h 30 le 1er août à Paris.
    expect(periodeDe({}, new Date('2027-07-31T22:30:00Z'))).toMatchObject({ du: '2026-08-02', au: '2027-08-01' });
    // 23 h 30 le 31 décembre en UTC : déjà le 1er janvier à Paris, l'année du rapport annuel a commencé.
    const nouvelAn = new Date('2026-12-31T23:30:00Z');
    expect(periodeDe({ periode: 'annuel-iml' }, nouvelAn)).toEqual({ du: '2027-01-01', au: '2027-01-01', type: 'annuel-iml' });
    expect(periodeDe({ periode: 'annuel-iml', annee: '2027' }, nouvelAn)).toMatchObject({ du: '2027-01-01' });
    // Et une heure plus tôt, encore le 31 décembre à Paris.
    expect(periodeDe({ periode: 'annuel-iml' }, new Date('2026-12-31T22:30:00Z'))).toEqual({ du: '2026-01-01', au: '2026-12-31', type: 'annuel-iml' });
  });

  it('refuse une date inexistante, une borne seule, un paramètre inconnu (messages en français)', () => {
    const erreurs = (q: unknown) => requeteIndicateursSchema.safeParse(q).error?.issues.map((i) => i.message) ?? [];
    expect(erreurs({ du: '2026-02-30', au: '2026-03-01' })).toContain('date inexistante');
    expect(erreurs({ du: '2026-02-01' })).toContain('donnez « du » et « au » ensemble');
    expect(erreurs({ periode: 'trimestre' })[0]).toContain('6-mois, 12-mois, annuel-iml');
    expect(requeteIndicateursSchema.safeParse({ programme: 'x' }).success).toBe(false);
  });
});

describe('import unique de l’ancien registre en fichiers', () => {
  it('importe les fiches valides, explique les fichiers refusés, et un second import ne change rien', async () => {
    const dossier = mkdtempSync(join(tmpdir(), 'import-indicateurs-'));
    mkdirSync(join(dossier, 'besancon-ccas'));
    const fiche = (e: typeof PREV_A) => ficheDepuisEtat(e);
    writeFileSync(join(dossier, 'besancon-ccas', 'a.json'), JSON.stringify({ version: 5, consigneeLe: '2026-06-01T10:00:00.000Z', fiche: fiche(PREV_A) }));
    writeFileSync(join(dossier, 'besancon-ccas', 'c.json'), JSON.stringify({ version: 7, consigneeLe: '2026-06-01T10:00:00.000Z', fiche: fiche(PREV_C) }));
    writeFileSync(join(dossier, 'besancon-ccas', 'abime.json'), '{"version": 3, "fiche": ');
    writeFileSync(join(dossier, 'besancon-ccas', 'sans-version.json'), JSON.stringify({ fiche: fiche(PREV_D) }));
    const { db } = await creerBaseEssai();
    try {
      const registre = new RegistreIndicateurs(db);
      const b1 = await importerFichesIndicateurs(dossier, registre);
      expect(b1).toMatchObject({ lus: 4, importes: 2, dejaPresents: 0 });
      expect(b1.refuses).toEqual([
        { fichier: 'besancon-ccas/abime.json', raison: 'fichier JSON illisible' },
        { fichier: 'besancon-ccas/sans-version.json', raison: expect.stringContaining('champ version') },
      ]);
      const b2 = await importerFichesIndicateurs(dossier, registre);
      expect(b2).toMatchObject({ lus: 4, importes: 0, dejaPresents: 2 });
      expect((await registre.fichesDuProgramme('besancon-ccas')).fiches.map((f) => f.reference).sort()).toEqual(['PA-1', 'PC-3']);
    } finally {
      await db.destroy();
    }
  });
});

// ---- Les chiffres que les programmes rendent à leurs financeurs --------------------------------

/**
 * Des parcours de prévention aux issues connues (APRIL, seed 004 : « 4 visites en moyenne avant le
 * contact », « 70 % reprennent le paiement ») : chaque fait daté, le journal comme les workflows
 * l'écrivent (une tentative par jour, le contact le jour de la dernière).
 */
function parcoursPrevention(
  reference: string,
  o: {
    stade?: StadeProcedure;
    ouverture: string;
    tentatives: number;
    contact: boolean;
    planLe?: string;
    bilans?: Array<[string, 'totale' | 'partielle' | 'aucune']>;
    cloture: [IssueCloture, string];
  },
): EtatParcours {
  const jour = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const journal: EvenementJournal[] = [j(1, o.ouverture, 'ouverture'), j(2, o.ouverture, 'lettre_information')];
  for (let i = 1; i <= o.tentatives; i++) journal.push(j(journal.length + 1, jour(o.ouverture, i), 'tentative_contact'));
  const contactLe = jour(o.ouverture, o.tentatives);
  if (o.contact) journal.push(j(journal.length + 1, contactLe, 'contact_etabli'));
  if (o.planLe) journal.push(j(journal.length + 1, o.planLe, 'plan_aide'));
  for (const [le] of o.bilans ?? []) journal.push(j(journal.length + 1, le, 'bilan'));
  journal.push(j(journal.length + 1, o.cloture[1], 'cloture'));
  return etat(
    {
      reference,
      typeParcours: 'prevention_precontentieuse',
      journal,
      details: {
        situation: { impayesMois: 3, montantDette: 1200, garantie: 'aucune', ...(o.stade ? { stadeProcedure: o.stade } : {}) },
        lettreInformation: { le: `${o.ouverture}T10:00:00.000Z` },
        ...(o.contact ? { contactEtabliLe: `${contactLe}T10:00:00.000Z` } : {}),
        ...(o.planLe ? { plan: { actions: ['budget'], orientations: [], demandeMutation: false } } : {}),
        ...(o.bilans ? { bilans: o.bilans.map(([, r], i) => ({ jalon: `Bilan ${i + 1}`, reprisePaiement: r, planRespecte: true })) } : {}),
      },
      cloture: { issue: o.cloture[0], le: `${o.cloture[1]}T10:00:00.000Z` },
    },
    'reims-april',
  );
}

const APRIL = [
  parcoursPrevention('AP-1', {
    stade: 'commandement_de_payer',
    ouverture: '2026-01-12',
    tentatives: 4,
    contact: true,
    planLe: '2026-02-02',
    bilans: [
      ['2026-05-04', 'partielle'],
      ['2026-08-03', 'totale'],
    ],
    cloture: ['situation_stabilisee', '2026-09-01'],
  }),
  parcoursPrevention('AP-2', {
    stade: 'assignation',
    ouverture: '2026-02-02',
    tentatives: 5,
    contact: true,
    planLe: '2026-03-02',
    bilans: [['2026-06-01', 'aucune']],
    cloture: ['depart_du_logement', '2026-10-01'],
  }),
  parcoursPrevention('AP-3', {
    stade: 'precontentieux',
    ouverture: '2026-02-16',
    tentatives: 3,
    contact: true,
    planLe: '2026-03-09',
    bilans: [['2026-06-08', 'partielle']],
    cloture: ['plan_apurement_respecte', '2026-06-30'],
  }),
  // Passage au droit commun sans plan d'aide : le programme n'a pas accompagné, aucune procédure évitée à son actif.
  parcoursPrevention('AP-4', { ouverture: '2026-03-02', tentatives: 5, contact: true, cloture: ['orientation_droit_commun', '2026-03-20'] }),
  parcoursPrevention('AP-5', {
    stade: 'jugement',
    ouverture: '2026-03-16',
    tentatives: 4,
    contact: true,
    planLe: '2026-04-06',
    cloture: ['orientation_droit_commun', '2026-09-15'],
  }),
  parcoursPrevention('AP-6', {
    stade: 'commandement_de_quitter_les_lieux',
    ouverture: '2026-04-01',
    tentatives: 2,
    contact: false,
    cloture: ['contact_impossible', '2026-05-04'],
  }),
];
/** Les évaluations d'un programme commencé le 5 janvier 2026. */
const SIX_MOIS = { du: '2026-01-05', au: '2026-07-04' };
const DOUZE_MOIS = { du: '2026-01-05', au: '2027-01-04' };

/** IML (seed 003) : ressources et temps passé en structure, la fiche n'en gardant que des catégories et des mois. */
const imlHeberge = (
  reference: string,
  o: { candidature: string; hebergeDepuis: string; debut?: string; ressources: number; structure?: string; closLe?: string },
) =>
  IML(
    reference,
    [j(1, o.candidature, 'ouverture'), j(2, o.candidature, 'candidature')],
    {
      candidature: { structure: o.structure ?? 'chrs', hebergeDepuis: o.hebergeDepuis, composition: 'personne_seule' },
      validationSiao: { le: `${o.candidature}T12:00:00.000Z` },
      ...(o.debut
        ? {
            place: { demandeeLe: `${o.candidature}T12:00:00.000Z`, accordeeLe: `${o.candidature}T12:00:00.000Z`, attenteJours: 0 },
            mesure: { debut: `${o.debut}T00:00:00.000Z` },
          }
        : {}),
    },
    {
      detailsConfidentiels: { candidature: { ressourcesMensuelles: o.ressources, notes: 'dette de jeu' } },
      ...(o.debut ? {} : { etape: 'file_attente' }),
      ...(o.closLe ? { cloture: { issue: 'fin_avec_orientation' as const, le: `${o.closLe}T00:00:00.000Z` } } : {}),
    },
  );
const IML_H = [
  imlHeberge('IH-1', { candidature: '2026-02-01', hebergeDepuis: '2025-05-01', debut: '2026-04-01', ressources: 742 }),
  imlHeberge('IH-2', { candidature: '2026-03-01', hebergeDepuis: '2024-03-01', debut: '2026-05-15', ressources: 1450 }),
  imlHeberge('IH-3', { candidature: '2026-04-01', hebergeDepuis: '2026-01-01', ressources: 520 }),
];

describe('chiffres rendus aux financeurs', () => {
  it('la fiche garde le stade de la procédure à l’orientation, chaque bilan, la tranche de ressources et les mois en structure — jamais le montant', () => {
    expect(ficheDepuisEtat(APRIL[0]!)).toMatchObject({
      stadeProcedure: 'commandement_de_payer',
      contact: { tentatives: 4 },
      reprisePaiement: { valeur: 'totale', le: '2026-08-03T10:00:00.000Z' },
      reprises: [
        { valeur: 'partielle', le: '2026-05-04T10:00:00.000Z' },
        { valeur: 'totale', le: '2026-08-03T10:00:00.000Z' },
      ],
    });
    expect(ficheDepuisEtat(APRIL[3]!).stadeProcedure).toBeUndefined();
    // Une valeur inconnue n'entre pas dans la fiche.
    expect(ficheDepuisEtat({ ...APRIL[0]!, details: { ...APRIL[0]!.details, situation: { stadeProcedure: 'expulsion' } } }).stadeProcedure).toBeUndefined();
    // Protocole : le bail a été résilié par un jugement.
    expect(ficheDepuisEtat(PROTO_A).stadeProcedure).toBe('jugement');
    expect(ficheDepuisEtat(IML_H[0]!).iml).toMatchObject({ ressources: 'de_650_a_999', hebergement: { moisALaCandidature: 9, moisALaSortie: 11 } });
    expect(ficheDepuisEtat(IML_H[1]!).iml).toMatchObject({ ressources: 'de_1400_a_1799', hebergement: { moisALaCandidature: 24, moisALaSortie: 26 } });
    expect(ficheDepuisEtat(IML_H[2]!).iml).toMatchObject({ ressources: 'moins_de_650', hebergement: { moisALaCandidature: 3 } });
    expect(ficheDepuisEtat(IML_H[2]!).iml!.hebergement!.moisALaSortie).toBeUndefined();
    for (const e of [...APRIL, ...IML_H]) {
      const f = ficheDepuisEtat(e);
      expect(ficheIndicateursSchema.safeParse(f).error).toBeUndefined();
      expect(JSON.stringify(f)).not.toMatch(/742|1450|520|dette de jeu/);
    }
  });

  it('stade de la procédure à l’orientation et procédures évitées (ménage maintenu ou dette résorbée), avec leurs dossiers', () => {
    const x = calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS);
    expect(x.procedures.stadeOrientation.map((s) => [s.stade, s.compte.references])).toEqual([
      ['precontentieux', ['AP-3']],
      ['commandement_de_payer', ['AP-1']],
      ['assignation', ['AP-2']],
      ['jugement', ['AP-5']],
      ['commandement_de_quitter_les_lieux', ['AP-6']],
      ['non_renseigne', ['AP-4']],
    ]);
    expect(x.procedures.stadeOrientation.map((s) => s.libelle)).toContain('Commandement de quitter les lieux');
    expect(x.procedures.evitees).toEqual({ nombre: 3, references: ['AP-1', 'AP-3', 'AP-5'] });
    expect(x.procedures.eviteesParStade.filter((s) => s.compte.nombre).map((s) => [s.stade, s.compte.references])).toEqual([
      ['precontentieux', ['AP-3']],
      ['commandement_de_payer', ['AP-1']],
      ['jugement', ['AP-5']],
    ]);
    // À 6 mois, seule la clôture du 30 juin est dans la période.
    expect(calculerIndicateurs(fiches(APRIL), 'reims-april', SIX_MOIS).procedures.evitees.references).toEqual(['AP-3']);
    // Protocole : le nouveau bail signé est une expulsion évitée, au stade du jugement.
    const p = calculerIndicateurs(fiches([PROTO_A, PROTO_B, PROTO_C]), 'reims-april-protocole', ANNEE_2026);
    expect(p.procedures.evitees.references).toEqual(['RA-1']);
    expect(p.procedures.eviteesParStade.find((s) => s.stade === 'jugement')!.compte.references).toEqual(['RA-1']);
    // L'IML n'a pas de procédure : aucun stade compté.
    expect(calculerIndicateurs(fiches(IML_H), 'concarneau-iml', ANNEE_2026).procedures.stadeOrientation.every((s) => s.compte.nombre === 0)).toBe(true);
  });

  it('reprise du paiement au dernier bilan de la période : deux tiers des ménages accompagnés (seed 001), dont un tiers en totalité', () => {
    const douze = calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS);
    expect(douze.reprisePaiement).toMatchObject({
      totale: { references: ['AP-1'] },
      partielle: { references: ['AP-3'] },
      aucune: { references: ['AP-2'] },
      reprise: { nombre: 2, references: ['AP-1', 'AP-3'] },
      connue: { nombre: 3, references: ['AP-1', 'AP-2', 'AP-3'] },
      part: 0.667,
      partTotale: 0.333,
    });
    // À 6 mois, le bilan d'août n'a pas encore eu lieu : AP-1 en est à une reprise partielle.
    const six = calculerIndicateurs(fiches(APRIL), 'reims-april', SIX_MOIS);
    expect(six.reprisePaiement).toMatchObject({ totale: { nombre: 0 }, partielle: { references: ['AP-1', 'AP-3'] }, part: 0.667, partTotale: 0 });
    // Sept ménages sur dix (seed 004) : 70 %.
    const dix = Array.from({ length: 10 }, (_, i) =>
      parcoursPrevention(`R-${i}`, {
        ouverture: '2026-02-02',
        tentatives: 1,
        contact: true,
        planLe: '2026-02-20',
        bilans: [['2026-05-20', i < 4 ? 'totale' : i < 7 ? 'partielle' : 'aucune']],
        cloture: ['situation_stabilisee', '2026-12-01'],
      }),
    );
    const r = calculerIndicateurs(fiches(dix), 'reims-april', DOUZE_MOIS).reprisePaiement;
    expect([r.part, r.partTotale]).toEqual([0.7, 0.4]);
    expect(formaterValeur({ valeur: r.part, unite: 'part' }).replace(/\s/g, ' ')).toBe('70 %');
    // Aucun bilan : pas de part (et non 0 %).
    expect(calculerIndicateurs(fiches([APRIL[5]!]), 'reims-april', DOUZE_MOIS).reprisePaiement.part).toBeNull();
  });

  it('tentatives jusqu’au premier contact : 4,2 en moyenne (celle qui aboutit comprise), le repère du programme à côté', () => {
    const x = calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS, 'prevention_precontentieuse', { quotas: { visitesMoyennesAvantContact: 4 } });
    expect(x.contacts.etablis.references).toEqual(['AP-1', 'AP-2', 'AP-3', 'AP-4', 'AP-5']);
    expect(x.contacts.tentatives).toEqual({ mediane: 4, moyenne: 4.2, min: 3, max: 5 });
    expect(x.contacts.repereVisitesAvantContact).toBe(4);
    expect(calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS).contacts.repereVisitesAvantContact).toBeNull();
  });

  it('une période en années : les jours de chaque année sur les jours de cette année (bissextile comprise)', () => {
    expect(enAnnees({ du: '2027-01-01', au: '2027-12-31' })).toBe(1);
    expect(enAnnees({ du: '2028-01-01', au: '2028-12-31' })).toBe(1);
    expect(enAnnees({ du: '2028-01-01', au: '2029-12-31' })).toBe(2);
    expect(enAnnees({ du: '2028-02-29', au: '2028-02-29' })).toBeCloseTo(1 / 366, 12);
    expect(enAnnees({ du: '2026-12-31', au: '2027-01-01' })).toBeCloseTo(2 / 365, 12);
    expect(enAnnees({ du: '2027-12-31', au: '2028-01-01' })).toBeCloseTo(1 / 365 + 1 / 366, 12);
    expect(enAnnees({ du: '2026-01-05', au: '2026-07-04' })).toBeCloseTo(181 / 365, 12);
    expect(enAnnees({ du: '2027-03-28', au: '2027-03-28' })).toBeCloseTo(1 / 365, 12); // jour de 23 heures : un jour
  });

  it('coût par situation : prix de la convention (400 €, seed 002) ou coût annuel au prorata ; situations par ETP (0,5 ETP, seed 000)', () => {
    // Prix par situation : 400 € × situations prises en charge (orientées) ; 20 situations prévues par an.
    const loiret = calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS, undefined, { quotas: { coutParSituationEuros: 400, situationsParAn: 20 } });
    expect(loiret.situations.orientees.nombre).toBe(6);
    expect(loiret.moyens.cout).toEqual({
      annuel: null,
      parSituationConvention: 400,
      situationsPrevues: 20,
      periode: 2400,
      parSituation: 400,
      base: 'prix_par_situation',
    });
    // À 6 mois (181 jours) : 9,9 situations prévues.
    expect(
      calculerIndicateurs(fiches(APRIL), 'reims-april', SIX_MOIS, undefined, { quotas: { coutParSituationEuros: 400, situationsParAn: 20 } }).moyens.cout
        .situationsPrevues,
    ).toBe(9.9);
    // Coût annuel (APRIL : 143 741 € par an, 2 ETP) : au prorata des jours, par situation suivie.
    const april = calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS, undefined, { quotas: { coutAnnuelEuros: 143_741, etpAccompagnement: 2 } });
    expect(april.moyens.situationsSuivies).toEqual({ nombre: 6, references: ['AP-1', 'AP-2', 'AP-3', 'AP-4', 'AP-5', 'AP-6'] });
    expect(april.moyens).toMatchObject({ etp: 2, situationsParEtp: 3, cout: { annuel: 143_741, periode: 143_741, parSituation: 23_957, base: 'cout_annuel' } });
    const six = calculerIndicateurs(fiches(APRIL), 'reims-april', SIX_MOIS, undefined, { quotas: { coutAnnuelEuros: 143_741 } });
    expect(six.moyens.cout).toMatchObject({ periode: Math.round((143_741 * 181) / 365), parSituation: Math.round(Math.round((143_741 * 181) / 365) / 6) });
    // Une année bissextile entière (2028, 366 jours) coûte le coût annuel, pas un jour de plus ; une
    // période à cheval sur deux années compte les jours de chacune dans la sienne.
    const cout = (periode: { du: string; au: string }) =>
      calculerIndicateurs(fiches(APRIL), 'reims-april', periode, undefined, { quotas: { coutAnnuelEuros: 143_741, situationsParAn: 200 } }).moyens.cout;
    expect(cout({ du: '2028-01-01', au: '2028-12-31' })).toMatchObject({ periode: 143_741, situationsPrevues: 200 });
    expect(cout({ du: '2027-01-01', au: '2027-12-31' })).toMatchObject({ periode: 143_741, situationsPrevues: 200 });
    expect(cout({ du: '2028-02-01', au: '2028-02-29' })).toMatchObject({ periode: Math.round((143_741 * 29) / 366) });
    expect(cout({ du: '2027-07-01', au: '2028-06-30' })).toMatchObject({ periode: Math.round(143_741 * (184 / 365 + 182 / 366)) });
    // Une situation close avant la période n'est plus suivie : du 1er juillet au 31 décembre, AP-3, AP-4 et AP-6 sont closes.
    const second = calculerIndicateurs(fiches(APRIL), 'reims-april', { du: '2026-07-01', au: '2026-12-31' }, undefined, { quotas: { etpAccompagnement: 0.5 } });
    expect(second.moyens.situationsSuivies.references).toEqual(['AP-1', 'AP-2', 'AP-5']);
    expect(second.moyens.situationsParEtp).toBe(6);
    // Sans les quotas : rien d'inventé.
    expect(calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS).moyens).toMatchObject({
      etp: null,
      situationsParEtp: null,
      cout: { periode: null, parSituation: null, base: null },
    });
  });

  it('IML : ressources des ménages suivis (tranches) et temps passé en structure, à la candidature et à la sortie', () => {
    const x = calculerIndicateurs(fiches(IML_H), 'concarneau-iml', ANNEE_2026);
    expect(x.iml.profils.ressources).toEqual([
      { valeur: 'de_1400_a_1799', compte: { nombre: 1, references: ['IH-2'] } },
      { valeur: 'de_650_a_999', compte: { nombre: 1, references: ['IH-1'] } },
    ]);
    expect(x.iml.hebergementMois.aLaCandidature).toEqual({ mediane: 9, moyenne: 12, min: 3, max: 24 });
    expect(x.iml.hebergementMois.aLaSortie).toEqual({ mediane: 18.5, moyenne: 18.5, min: 11, max: 26 });
    expect(x.iml.nuiteesHotelEvitees).toEqual({ nombre: 0, references: [] });
  });

  it('tentatives jusqu’au contact par canal (visite, téléphone…) : comptées sur les contacts établis, dites en français dans le rapport', () => {
    const avecCanaux = (e: EtatParcours, parCanal: Record<string, unknown>) => ({ ...e, details: { ...e.details, tentativesParCanal: parCanal } });
    const etats = [
      avecCanaux(APRIL[0]!, { visite_domicile: 3, telephone: 1, pigeon: 4 }),
      avecCanaux(APRIL[1]!, { visite_domicile: 2, telephone: 2.5 }),
      APRIL[2]!,
    ];
    // Un canal inconnu ou un nombre non entier n'entre pas dans la fiche.
    expect(ficheDepuisEtat(etats[0]!).contact!.parCanal).toEqual({ visite_domicile: 3, telephone: 1 });
    expect(ficheDepuisEtat(etats[1]!).contact!.parCanal).toEqual({ visite_domicile: 2 });
    const ind = calculerIndicateurs(fiches(etats), 'reims-april', DOUZE_MOIS);
    expect(ind.contacts.tentativesParCanal).toEqual([
      { valeur: 'visite_domicile', compte: { nombre: 5, references: ['AP-1', 'AP-2'] } },
      { valeur: 'telephone', compte: { nombre: 1, references: ['AP-1'] } },
    ]);
    const lignes = construireRapport(ind, CATALOGUE.trouver('reims-april')!, { type: '12-mois' }).sections.flatMap((x) => x.lignes);
    expect(lignes).toContainEqual(
      expect.objectContaining({
        cle: 'tentatives_visite_domicile',
        libelle: 'Tentatives jusqu’au premier contact, par ce canal : visite à domicile',
        valeur: 5,
      }),
    );
  });

  it('besancon-ccas à 12 mois : procédures évitées, reprise, tentatives et coût par situation toujours dits ; faute de données, « non calculable » et pourquoi', () => {
    const besancon = CATALOGUE.trouver('besancon-ccas')!;
    const vide = construireRapport(calculerIndicateurs([], 'besancon-ccas', DOUZE_MOIS, 'prevention_precontentieuse', { quotas: besancon.quotas }), besancon, {
      type: '12-mois',
    });
    expect(vide.chiffresCles.map((l) => `${l.libelle} : ${texteChiffreCle(l)}`.replace(/[\u202f\u00a0]/g, ' '))).toEqual([
      'Ménages accompagnés ayant repris le paiement du loyer, même partiellement : non calculable (le programme ne prévoit pas de bilan par ménage ; des bilans se règlent dans ses réglages)',
      'Procédures évitées : 0',
      'Tentatives jusqu’au premier contact, en moyenne : non calculable (aucun contact établi sur la période)',
      'Coût par situation : non calculable (coût annuel du projet ou coût par situation à saisir dans les réglages du programme)',
      'Situations suivies par ETP de travailleur social : 0',
    ]);
    // Des parcours menés et un coût annuel saisi : les quatre chiffres sont calculés.
    const plein = construireRapport(
      calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS, 'prevention_precontentieuse', { quotas: { ...besancon.quotas, coutAnnuelEuros: 30_000 } }),
      besancon,
      { type: '12-mois' },
    );
    const texte = plein.chiffresCles.map((l) => `${l.libelle} : ${texteChiffreCle(l)}`.replace(/[\u202f\u00a0]/g, ' '));
    expect(texte).toEqual(
      expect.arrayContaining([
        'Ménages accompagnés ayant repris le paiement du loyer, même partiellement : 67 %',
        'Procédures évitées : 3',
        'Tentatives jusqu’au premier contact, en moyenne : 4,2 tentatives',
        'Coût par situation : 5 000 €',
      ]),
    );
    expect(rapportHtml(vide).valeur).toContain('non calculable (aucun contact établi sur la période)');
    // Un programme qui prévoit des bilans (reims-april) : la reprise sera dite par le prochain bilan.
    const april = CATALOGUE.trouver('reims-april')!;
    const avril = construireRapport(calculerIndicateurs([], 'reims-april', DOUZE_MOIS, 'prevention_precontentieuse', { quotas: april.quotas }), april, {
      type: '12-mois',
    });
    expect(texteChiffreCle(avril.chiffresCles[0]!)).toBe('non calculable (aucun bilan de la période ne dit encore la reprise du paiement)');
  });

  it('IML : nuitées d’hôtel évitées (seed 003), une nuit par jour de sous-location dans la période, jusqu’à la clôture', () => {
    const hotel = [
      // Du 1er novembre au 31 décembre : 60 nuits pleines dans l'année (la nuit du 31 est en cours).
      imlHeberge('HO-1', { candidature: '2026-09-01', hebergeDepuis: '2026-06-01', debut: '2026-11-01', ressources: 700, structure: 'hotel' }),
      // Sous-location du 1er au 11 mars, close ce jour-là : 10 nuits.
      imlHeberge('HO-2', {
        candidature: '2026-01-15',
        hebergeDepuis: '2025-12-01',
        debut: '2026-03-01',
        ressources: 900,
        structure: 'hotel',
        closLe: '2026-03-11',
      }),
      // Venu d'un CHRS : ne compte pas ; à l'hôtel sans place encore : non plus.
      imlHeberge('HO-3', { candidature: '2026-02-01', hebergeDepuis: '2025-05-01', debut: '2026-04-01', ressources: 742 }),
      imlHeberge('HO-4', { candidature: '2026-10-01', hebergeDepuis: '2026-09-01', ressources: 500, structure: 'hotel' }),
    ];
    const annee = calculerIndicateurs(fiches(hotel), 'concarneau-iml', ANNEE_2026);
    expect(annee.iml.nuiteesHotelEvitees).toEqual({ nombre: 70, references: ['HO-1', 'HO-2'] });
    // Le premier semestre : seules les 10 nuits de mars.
    expect(calculerIndicateurs(fiches(hotel), 'concarneau-iml', { du: '2026-01-01', au: '2026-06-30' }).iml.nuiteesHotelEvitees).toEqual({
      nombre: 10,
      references: ['HO-2'],
    });
    // Une nuit par jour du calendrier, quelle que soit l'heure : entrée le 5 mars à 15 h, sortie le 20 à 10 h,
    // 15 nuits ; octobre (passage à l'heure d'hiver, un jour de 25 heures) compte ses nuits comme un autre mois.
    const heures = (x: FicheIndicateurs, debut: string, fin?: string) => ({
      ...x,
      iml: { ...x.iml!, debutMesureLe: debut },
      ...(fin ? { cloture: { ...x.cloture!, le: fin } } : {}),
    });
    const [h2] = fiches([hotel[1]!]);
    const mars = heures(h2!, '2026-03-05T14:00:00.000Z', '2026-03-20T09:00:00.000Z');
    expect(calculerIndicateurs([mars], 'concarneau-iml', ANNEE_2026).iml.nuiteesHotelEvitees.nombre).toBe(15);
    const [h1] = fiches([hotel[0]!]);
    const octobre = heures(h1!, minuitDeParis('2026-10-01').toISOString());
    const enMars = heures(h1!, minuitDeParis('2026-03-01').toISOString());
    const nuits = (x: FicheIndicateurs, du: string, au: string) => calculerIndicateurs([x], 'concarneau-iml', { du, au }).iml.nuiteesHotelEvitees.nombre;
    expect(nuits(octobre, '2026-10-01', '2026-10-31')).toBe(nuits(enMars, '2026-03-01', '2026-03-31'));
    expect(nuits(octobre, '2026-10-01', '2026-10-31')).toBe(30);
    // Dans le rapport annuel, avec ses dossiers, et parmi les chiffres clés.
    const r = construireRapport(annee, CATALOGUE.trouver('concarneau-iml')!, { type: 'annuel-iml' });
    expect(r.chiffresCles).toContainEqual(expect.objectContaining({ cle: 'nuitees_hotel_evitees', libelle: 'Nuitées d’hôtel évitées', valeur: 70 }));
    expect(r.sections.flatMap((x) => x.lignes)).toContainEqual(
      expect.objectContaining({ cle: 'nuitees_hotel_evitees', valeur: 70, references: ['HO-1', 'HO-2'] }),
    );
    expect(indicateursCsv(annee, ['iml_bail_glissant'])).toMatch(/;nuitees_hotel_evitees;Nuitées d’hôtel évitées[^;]*;70;nombre;HO-1 HO-2/);
  });

  it('formats français : « 70 % », « 3 450 € », « 4,2 tentatives », « 0,5 ETP »', () => {
    const f = (valeur: number | null, unite: Parameters<typeof formaterValeur>[0]['unite']) =>
      formaterValeur({ valeur, unite }).replace(/[\u202f\u00a0]/g, ' ');
    expect(f(0.7, 'part')).toBe('70 %');
    expect(f(0.667, 'part')).toBe('67 %');
    expect(f(3450, 'euros')).toBe('3 450 €');
    expect(f(143_741, 'euros')).toBe('143 741 €');
    expect(f(4.2, 'tentatives')).toBe('4,2 tentatives');
    expect(f(1, 'tentatives')).toBe('1 tentative');
    expect(f(0.5, 'etp')).toBe('0,5 ETP');
    expect(f(null, 'euros')).toBe('—');
  });

  describe('rapports (page, PDF, CSV)', () => {
    const programme = { ...CATALOGUE.trouver('reims-april')!, quotas: { coutAnnuelEuros: 143_741, etpAccompagnement: 2, visitesMoyennesAvantContact: 4 } };
    const ind = calculerIndicateurs(fiches(APRIL), 'reims-april', DOUZE_MOIS, 'prevention_precontentieuse', { quotas: programme.quotas });
    const normal = (t: string) => t.replace(/[\u202f\u00a0]/g, ' ');

    it('CSV : chaque nouveau chiffre, son unité et ses dossiers ; aucun pour les partenaires', () => {
      const lignes = indicateursCsv(ind, ['prevention_precontentieuse']).slice(1).trimEnd().split('\r\n');
      const parCle = new Map(
        lignes
          .slice(1)
          .map((l) => l.split(';'))
          .map((c) => [c[4], c]),
      );
      expect(parCle.get('part_reprise')!.slice(6)).toEqual(['0.667', 'part', 'AP-1 AP-3']);
      expect(parCle.get('part_reprise_totale')!.slice(6)).toEqual(['0.333', 'part', 'AP-1']);
      expect(parCle.get('tentatives_avant_contact_moyen')!.slice(6)).toEqual(['4.2', 'tentatives', 'AP-1 AP-2 AP-3 AP-4 AP-5']);
      expect(parCle.get('repere_visites_avant_contact')!.slice(6, 8)).toEqual(['4', 'tentatives']);
      expect(parCle.get('procedures_evitees')!.slice(3)).toEqual([
        'procedures',
        'procedures_evitees',
        'Procédures évitées (ménage maintenu dans son logement ou dette résorbée à la clôture)',
        '3',
        'nombre',
        'AP-1 AP-3 AP-5',
      ]);
      expect(parCle.get('stade_assignation')!.slice(5)).toEqual(['Situations repérées au stade : Assignation devant le tribunal', '1', 'nombre', 'AP-2']);
      expect(parCle.get('evitees_jugement')!.slice(6)).toEqual(['1', 'nombre', 'AP-5']);
      expect(parCle.get('cout_par_situation')!.slice(6)).toEqual(['23957', 'euros', 'AP-1 AP-2 AP-3 AP-4 AP-5 AP-6']);
      expect(parCle.get('cout_annuel')!.slice(6, 8)).toEqual(['143741', 'euros']);
      expect(parCle.get('etp')!.slice(6, 8)).toEqual(['2', 'etp']);
      expect(parCle.get('situations_par_etp')!.slice(6, 8)).toEqual(['3', 'nombre']);
      const partenaires = indicateursCsv(sansReferences(ind), ['prevention_precontentieuse']);
      expect(partenaires).not.toMatch(/AP-\d/);
      expect(partenaires).toContain(';part_reprise;');
    });

    it('page HTML : chiffres clés et tableaux en français ; la version des partenaires sans référence', () => {
      const notes = ['Évaluation à 12 mois comptée depuis le début du programme, le 5 janvier 2026.'];
      const complet = normal(rapportHtml(construireRapport(ind, programme, { type: '12-mois', notesPeriode: notes })).valeur);
      expect(complet).toContain('Évaluation à 12 mois comptée depuis le début du programme, le 5 janvier 2026.');
      expect(complet).toContain('<h2>Chiffres clés</h2>');
      expect(complet).toContain('Ménages accompagnés ayant repris le paiement du loyer, même partiellement : <strong>67 %</strong>');
      expect(complet).toContain('Tentatives jusqu’au premier contact, en moyenne : <strong>4,2 tentatives</strong>');
      expect(complet).toContain('Coût par situation : <strong>23 957 €</strong>');
      expect(complet).toContain('<td>Coût annuel du projet (réglage du programme)</td><td>143 741 €</td>');
      expect(complet).toContain('<td>Travailleurs sociaux sur l’action (réglage du programme)</td><td>2 ETP</td>');
      expect(complet).toContain('Procédures évitées, stade à l’orientation : Commandement de payer');
      expect(complet).toContain('AP-5');
      const partenaires = normal(rapportHtml(construireRapport(ind, programme, { type: '12-mois', pourPartenaires: true, notesPeriode: notes })).valeur);
      expect(partenaires).toContain('<strong>67 %</strong>');
      expect(partenaires).toContain('Procédures évitées');
      expect(partenaires).not.toMatch(/AP-\d/);
    });

    it('PDF : chiffres clés, procédures, reprise, moyens ; sans référence pour les partenaires', async () => {
      const texte = async (b: Buffer) => {
        const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
        const doc = await pdfjs.getDocument({ data: new Uint8Array(b), useSystemFonts: false, verbosity: 0 }).promise;
        let t = '';
        for (let i = 1; i <= doc.numPages; i++)
          t += (await (await doc.getPage(i)).getTextContent()).items.map((x) => ('str' in x ? x.str : '')).join(' ') + '\n';
        return t.replace(/\s+/g, ' ');
      };
      const notes = [
        'Le début du programme n’est pas renseigné dans ses réglages : l’évaluation à 12 mois part du premier parcours enregistré pour ce programme, le 12 janvier 2026.',
      ];
      const t1 = await texte(await rapportPdf(construireRapport(ind, programme, { type: '12-mois', notesPeriode: notes })));
      for (const attendu of [
        'Chiffres clés',
        '67 %',
        '4,2 tentatives',
        '23 957 €',
        'Procédures évitées',
        'Commandement de quitter les lieux',
        'premier parcours enregistré',
        'AP-3',
      ])
        expect(t1).toContain(attendu);
      const t2 = await texte(await rapportPdf(construireRapport(ind, programme, { type: '12-mois', pourPartenaires: true })));
      expect(t2).toContain('Procédures évitées');
      expect(t2).not.toMatch(/AP-\d/);
    });
  });
});

describe('évaluations à 6 et 12 mois depuis le début du programme', () => {
  const programme = { le: '2026-01-05', source: 'programme' as const };
  const maintenant = new Date('2026-11-22T10:00:00Z');

  it('du jour de début à la veille des 6 ou 12 mois ; arrêtée à aujourd’hui si le terme n’est pas atteint', () => {
    expect(periodeDe({ periode: '6-mois' }, maintenant, programme)).toEqual({
      du: '2026-01-05',
      au: '2026-07-04',
      type: '6-mois',
      depuisLeDebut: { mois: 6, debut: '2026-01-05', source: 'programme', terme: '2026-07-04', enCours: false, aVenir: false },
    });
    expect(periodeDe({ periode: '12-mois' }, maintenant, programme)).toEqual({
      du: '2026-01-05',
      au: '2026-11-22',
      type: '12-mois',
      depuisLeDebut: { mois: 12, debut: '2026-01-05', source: 'programme', terme: '2027-01-04', enCours: true, aVenir: false },
    });
    // Un an plus tard, la même évaluation couvre toujours les mêmes jours.
    expect(periodeDe({ periode: '12-mois' }, new Date('2028-03-01T10:00:00Z'), programme)).toMatchObject({ du: '2026-01-05', au: '2027-01-04' });
    // Un programme qui n'a pas commencé : sa période entière, sans erreur.
    expect(periodeDe({ periode: '6-mois' }, new Date('2025-12-01T10:00:00Z'), programme)).toMatchObject({
      du: '2026-01-05',
      au: '2026-07-04',
      depuisLeDebut: { aVenir: true, enCours: false },
    });
    // Fins de mois.
    const terme = (le: string, periode: '6-mois' | '12-mois') => periodeDe({ periode }, new Date('2030-01-01T00:00:00Z'), { le, source: 'programme' }).au;
    expect(terme('2025-08-31', '6-mois')).toBe('2026-02-28');
    expect(terme('2026-01-01', '6-mois')).toBe('2026-06-30');
    expect(terme('2026-03-01', '12-mois')).toBe('2027-02-28');
    expect(terme('2024-02-29', '12-mois')).toBe('2025-02-28');
    expect(terme('2027-08-31', '6-mois')).toBe('2028-02-29');
    // du/au et le rapport annuel ne dépendent pas du début.
    expect(periodeDe({ du: '2026-02-01', au: '2026-03-31', periode: '6-mois' }, maintenant, programme)).toEqual({
      du: '2026-02-01',
      au: '2026-03-31',
      type: '6-mois',
    });
    expect(periodeDe({ periode: 'annuel-iml', annee: '2025' }, maintenant, programme)).toEqual({ du: '2025-01-01', au: '2025-12-31', type: 'annuel-iml' });
    expect(periodeDe({}, maintenant, programme)).toEqual({ du: '2025-11-23', au: '2026-11-22', type: undefined });
  });

  it('le rapport dit d’où part la période : le début du programme, ou à défaut son premier parcours', () => {
    expect(notesPeriode(periodeDe({ periode: '6-mois' }, maintenant, programme))).toEqual([
      'Évaluation à 6 mois comptée depuis le début du programme, le 5 janvier 2026.',
    ]);
    expect(notesPeriode(periodeDe({ periode: '12-mois' }, maintenant, { le: '2026-03-01', source: 'premier_parcours' }))).toEqual([
      'Le début du programme n’est pas renseigné dans ses réglages : l’évaluation à 12 mois part du premier parcours enregistré pour ce programme, le 1er mars 2026.',
      'Les 12 mois ne sont pas encore écoulés (terme le 28 février 2027) : chiffres arrêtés au 22 novembre 2026.',
    ]);
    expect(notesPeriode(periodeDe({ periode: '6-mois' }, new Date('2025-12-01T10:00:00Z'), programme))[1]).toBe(
      'Le programme commence le 5 janvier 2026 : aucun parcours ne peut encore être compté sur cette période.',
    );
    expect(notesPeriode(periodeDe({ periode: '6-mois' }, maintenant))).toEqual([
      'Le début du programme n’est pas renseigné et aucun parcours n’est encore enregistré : la période couvre les 6 derniers mois.',
    ]);
    expect(notesPeriode(periodeDe({ du: '2026-01-01', au: '2026-02-01' }, maintenant))).toEqual([]);
  });

  it('chaque preset a son début ; un début mal écrit est refusé en français ; une version en base sans début prend celui du fichier', () => {
    for (const nom of readdirSync(DOSSIER_PRESETS).filter((n) => n.endsWith('.json'))) {
      const p = lireProgramme(nom, readFileSync(join(DOSSIER_PRESETS, nom), 'utf8'));
      expect(p.debut, nom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const brut = JSON.parse(readFileSync(join(DOSSIER_PRESETS, 'loiret-ahu.json'), 'utf8')) as Record<string, unknown>;
    for (const debut of ['2026-13-01', '02/03/2026', '2026-02-30']) {
      expect(() => lireProgramme('loiret-ahu.json', JSON.stringify({ ...brut, debut }))).toThrow(
        'champ « debut » : date de début du programme attendue au format AAAA-MM-JJ, par exemple « 2026-01-05 »',
      );
    }
    const { debut: _d, ...sansDebut } = brut;
    expect(lireProgramme('loiret-ahu.json', JSON.stringify(sansDebut)).debut).toBeUndefined();
    const fichier = CATALOGUE.trouver('reims-april')!;
    const enBase = { ...fichier, debut: undefined, quotas: { fileActiveParBailleur: 25 } };
    expect(completerDepuisFichier(enBase, fichier)).toMatchObject({ debut: fichier.debut, quotas: { ...fichier.quotas, fileActiveParBailleur: 25 } });
    expect(completerDepuisFichier({ ...fichier, debut: '2024-01-01' }, fichier).debut).toBe('2024-01-01');
  });

  it('le premier parcours enregistré d’un programme (PostgreSQL)', async () => {
    const { db } = await creerBaseEssai();
    try {
      const r = new RegistreIndicateurs(db);
      expect(await r.premierReperage('reims-april')).toBeUndefined();
      for (const [i, e] of [...APRIL].reverse().entries()) await r.consigner({ fiche: ficheDepuisEtat(e), version: i + 1 });
      await r.consigner({ fiche: ficheDepuisEtat(PREV_E), version: 1 });
      expect(await r.premierReperage('reims-april')).toBe('2026-01-12');
      expect(await r.premierReperage('besancon-ccas')).toBe('2025-06-01');
    } finally {
      await db.destroy();
    }
  });
});
