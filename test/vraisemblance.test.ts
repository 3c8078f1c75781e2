/**
 * Vraisemblance des saisies, à la bordure zod (issue 16, point 8) : un bail qui commence en 2099 ou
 * avant 1950, une dette négative ou d'un milliard, un jugement ou une signature datés du futur sont
 * refusés avec une phrase en français ; et les messages génériques de zod (domain/zod-fr.ts) sont
 * des phrases (« doit être positif ou nul »), jamais « Trop petit : nombre doit être >=0 ».
 *
 * « Aujourd'hui » est celui de la validation : les dates des essais sont relatives à l'heure réelle,
 * ou à une heure fixée (horloge simulée) pour les bornes exactes. L'API : 400 en français, et rien
 * n'est lancé ni enregistré.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { analyser, Probleme } from '../api/problemes';
import { REGISTRE } from '../api/registre-produit';
import { etatQuery } from '../domain/messages';
import {
  clotureAnticipeeSchema,
  dateDebutSchema,
  dateFaitSchema,
  ligneTexte,
  menageSchema,
  montantSchema,
  reponseValidationSchema,
  requestIdSchema,
} from '../domain/schemas';
import { champsDe, erreurDuChamp, lireSaisie, messageSansNomDuChamp, rangerErreurs } from '../api/formulaires';
import { bancAvecApi } from './outils/api';
import { jusqua, menageEssai, requete, situationPrevention } from './outils/environnement';

/** Le jour (AAAA-MM-JJ) à `jours` d'aujourd'hui (heure réelle). */
const jour = (jours: number) => new Date(Date.now() + jours * 86_400_000).toISOString().slice(0, 10);

const prevention = REGISTRE.prevention_precontentieuse!;
const protocole = REGISTRE.protocole_post_resiliation!;
const iml = REGISTRE.iml_bail_glissant!;

/** Les messages d'un refus (ou [] si la valeur passe). */
const messages = (schema: z.ZodType, valeur: unknown): string[] => schema.safeParse(valeur).error?.issues.map((i) => i.message) ?? [];
/** Le message d'un champ refusé par `analyser` (celui de l'API), par son chemin. */
function refus(schema: z.ZodType, valeur: unknown): Record<string, string> {
  try {
    analyser(schema, valeur);
  } catch (e) {
    expect(e).toBeInstanceOf(Probleme);
    return Object.fromEntries((e as Probleme).opts.errors!.map((x) => [x.champ, x.message]));
  }
  throw new Error('valeur acceptée');
}

/** Ce qui ne doit jamais arriver devant une personne. */
const TECHNIQUE = /Trop (petit|grand)|>=|<=|Entrée invalide|Invalid|expected|received|chaîne de caractères|nombre doit/;

afterEach(() => {
  vi.useRealTimers();
});

describe('les dates, au jour de la validation', () => {
  it('le début du bail : pas plus de 6 mois après aujourd’hui, pas avant 1950 (bornes exactes, horloge simulée)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-05-10T10:00:00Z'));
    const s = dateDebutSchema('le bail');
    expect(messages(s, '2031-11-10')).toEqual([]);
    expect(messages(s, '2031-11-11')).toEqual([
      'date trop lointaine : le bail ne peut pas commencer plus de 6 mois après aujourd’hui (le 10 novembre 2031 au plus tard)',
    ]);
    expect(messages(s, '1950-01-01')).toEqual([]);
    expect(messages(s, '1949-12-31')).toEqual(['date trop ancienne : le 1er janvier 1950 au plus tôt']);
    // Une date illisible n'est que cela (pas « trop lointaine » en plus).
    expect(messages(s, '2031-13-45')).toEqual(['date AAAA-MM-JJ attendue']);
    // La limite suit le jour : calculée à chaque validation, pas au chargement du module.
    vi.setSystemTime(new Date('2031-06-10T10:00:00Z'));
    expect(messages(s, '2031-11-11')).toEqual([]);
  });

  it('un fait passé (contact, jugement, signature) : demain au plus tard', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // 23 h 30 UTC le 31 décembre : déjà le 1er janvier à Paris, la limite est le 2.
    vi.setSystemTime(new Date('2030-12-31T23:30:00Z'));
    const s = dateFaitSchema();
    expect(messages(s, '2031-01-02')).toEqual([]);
    expect(messages(s, '2031-01-03')).toEqual(['date à venir : ce fait n’a pas encore eu lieu (date acceptée jusqu’au 2 janvier 2031)']);
    expect(messages(s, '1900-06-01')).toEqual(['date trop ancienne : le 1er janvier 1950 au plus tôt']);
  });

  it('prévention : le bail de 2099 est refusé au lancement, celui d’il y a deux mois accepté', () => {
    const lancement = prevention.schemaLancement;
    expect(refus(lancement, { situation: situationPrevention({ debutBail: '2099-01-01' }) })).toEqual({
      'situation.debutBail': expect.stringMatching(
        /^date trop lointaine : le bail ne peut pas commencer plus de 6 mois après aujourd’hui \(le \d{1,2}(er)? \S+ \d{4} au plus tard\)$/,
      ),
    });
    expect(refus(lancement, { situation: situationPrevention({ debutBail: jour(250) }) })).toHaveProperty(['situation.debutBail']);
    // Un bail à venir (dans les 6 mois) : accepté sans impayés ; avec des impayés, incohérent.
    expect(messages(lancement, { situation: situationPrevention({ debutBail: jour(120), impayesMois: 0, montantDette: 0 }) })).toEqual([]);
    expect(refus(lancement, { situation: situationPrevention({ debutBail: jour(120) }) })).toEqual({
      'situation.debutBail': expect.stringMatching(/^le bail commence le .+ : il ne peut pas encore avoir de loyers impayés/),
    });
    expect(messages(lancement, { situation: situationPrevention() })).toEqual([]);
    expect(refus(lancement, { situation: situationPrevention({ debutBail: '1901-01-01' }) })).toEqual({
      'situation.debutBail': 'date trop ancienne : le 1er janvier 1950 au plus tôt',
    });
  });

  it('un bail qui commence demain ne peut pas avoir d’impayés ; « aujourd’hui » est le jour de Paris (après minuit, changement d’heure ; horloge simulée)', () => {
    const lancement = prevention.schemaLancement;
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const [instant, aujourdhui, demain] of [
      // 0 h 30 à Paris le 10 mai (heure d'été, encore le 9 en UTC).
      ['2031-05-09T22:30:00Z', '2031-05-10', '2031-05-11'],
      // 0 h 30 à Paris le 30 mars 2031, nuit du passage à l'heure d'été (encore le 29 en UTC).
      ['2031-03-29T23:30:00Z', '2031-03-30', '2031-03-31'],
      // 23 h 30 à Paris le 31 décembre : encore l'année qui finit.
      ['2030-12-31T22:30:00Z', '2030-12-31', '2031-01-01'],
    ] as const) {
      vi.setSystemTime(new Date(instant));
      // Le bail a commencé aujourd'hui (à Paris) : des impayés sont possibles.
      expect(messages(lancement, { situation: situationPrevention({ debutBail: aujourdhui }) }), instant).toEqual([]);
      expect(refus(lancement, { situation: situationPrevention({ debutBail: demain }) }), instant).toEqual({
        'situation.debutBail': expect.stringMatching(/^le bail commence le .+ : il ne peut pas encore avoir de loyers impayés/),
      });
      // Sans impayés ni dette, un bail à venir n'est pas incohérent.
      expect(messages(lancement, { situation: situationPrevention({ debutBail: demain, impayesMois: 0, montantDette: 0 }) }), instant).toEqual([]);
    }
  });

  it('protocole et IML : jugement, signatures, rendez-vous pas dans le futur ; baux et protocole au plus 6 mois après aujourd’hui', () => {
    const loin = jour(400);
    expect(
      refus(protocole.schemaLancement, { resiliation: { jugementDu: jour(5), juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 } }),
    ).toEqual({
      'resiliation.jugementDu': expect.stringMatching(/^date à venir : ce fait n’a pas encore eu lieu/),
    });
    expect(messages(protocole.schemaLancement, { resiliation: { jugementDu: jour(-40), detteLocative: 2400 } })).toEqual([]);
    const signature = {
      signeLe: jour(-1),
      debut: jour(20),
      dureeMois: 24,
      indemniteOccupation: 420,
      planApurement: { dette: 2400, mensualite: 100 },
      signataires: { bailleur: true, occupant: true },
    };
    expect(messages(protocole.messages['signature-protocole']!.schema, signature)).toEqual([]);
    expect(Object.keys(refus(protocole.messages['signature-protocole']!.schema, { ...signature, signeLe: loin, debut: loin }))).toEqual(['signeLe', 'debut']);
    expect(refus(protocole.messages.avenant!.schema, { signeLe: loin, prolongationMois: 6, planApurement: { dette: 2000, mensualite: 80 } })).toHaveProperty([
      'signeLe',
    ]);
    expect(refus(protocole.messages['nouveau-bail']!.schema, { signeLe: jour(-2), dateEffet: loin })).toEqual({
      dateEffet: expect.stringContaining('le nouveau bail ne peut pas commencer plus de 6 mois après aujourd’hui'),
    });
    expect(refus(protocole.messages.rupture!.schema, { decideeLe: loin, motif: 'Impayés' })).toHaveProperty(['decideeLe']);
    expect(refus(protocole.messages.accompagnement!.schema, { nature: 'visite_domicile', le: loin })).toHaveProperty(['le']);

    const logement = {
      bailleur: { type: 'public', nom: 'Finistère Habitat', conventionne: true },
      adresse: '1 rue du Port, 29900 Concarneau',
      typologie: 'T2',
      debutBailPrincipal: jour(30),
      debutSousLocation: jour(30),
    };
    expect(messages(iml.messages.logement!.schema, logement)).toEqual([]);
    expect(refus(iml.messages.logement!.schema, { ...logement, debutSousLocation: loin })).toEqual({
      debutSousLocation: expect.stringContaining('la sous-location ne peut pas commencer plus de 6 mois après aujourd’hui'),
    });
    expect(refus(iml.messages['rendez-vous']!.schema, { nature: 'visite_domicile', le: loin })).toHaveProperty(['le']);
    expect(refus(iml.messages.candidature!.schema, { structure: 'chrs', hebergeDepuis: loin, pretASortir: true, budgetTravaille: true })).toHaveProperty([
      'hebergeDepuis',
    ]);
  });

  it('les exemples de l’API (documentation, formulaires) restent valables', () => {
    for (const d of [prevention, protocole, iml]) {
      expect(messages(d.schemaLancement, d.exempleLancement)).toEqual([]);
      for (const [nom, m] of Object.entries(d.messages)) if (m.exemple) expect(messages(m.schema, m.exemple), nom).toEqual([]);
    }
  });
});

describe('les montants', () => {
  it('dette, loyers, mensualités : positifs, 1 000 000 € au plus, dit en français', () => {
    const lancement = prevention.schemaLancement;
    expect(refus(lancement, { situation: situationPrevention({ montantDette: -12 }) })).toEqual({
      'situation.montantDette': 'le montant doit être positif ou nul',
    });
    expect(refus(lancement, { situation: situationPrevention({ montantDette: 1_000_000.01 }) })).toEqual({
      'situation.montantDette': expect.stringMatching(/^montant invraisemblable : 1\s000\s000 € au plus$/),
    });
    expect(messages(lancement, { situation: situationPrevention({ montantDette: 0 }) })).toEqual([]);
    expect(refus(prevention.messages['plan-aide']!.schema, { actions: ['plan_apurement', 'fsl'], planApurement: { mensualite: 0, dureeMois: 12 } })).toEqual({
      'planApurement.mensualite': 'le montant doit être supérieur à zéro',
    });
    expect(refus(protocole.schemaLancement, { resiliation: { jugementDu: jour(-40), detteLocative: 5e9 } })).toHaveProperty(['resiliation.detteLocative']);
    expect(refus(iml.messages.loyer!.schema, { mois: '2026-05', statut: 'partiel', montantPaye: -3 })).toEqual({
      montantPaye: 'le montant doit être positif ou nul',
    });
    expect(refus(iml.messages.candidature!.schema, { structure: 'chrs', pretASortir: true, budgetTravaille: true, ressourcesMensuelles: 95_000 })).toEqual({
      ressourcesMensuelles: expect.stringMatching(/^montant invraisemblable : 20\s000 € au plus$/),
    });
    expect(messages(reponseValidationSchema, { decision: 'approuve', montant: -1 })).toEqual(['le montant doit être positif ou nul']);
    // Le montant reçu qu'un bailleur indique par son lien : un mois d'indemnité, 100 000 € au plus.
    expect(messages(reponseValidationSchema, { decision: 'approuve', montant: 100_000.01 })).toEqual([
      expect.stringMatching(/^montant invraisemblable : 100\s000 € au plus$/),
    ]);
    expect(messages(montantSchema({ max: 5000 }), 5000)).toEqual([]);
  });
});

describe('les autres bornes de la bordure', () => {
  it('nombre de mois d’impayés entier, numéro de téléphone de 6 caractères au moins, motif de clôture de 3, identifiant de requête sans blanc', () => {
    expect(refus(prevention.schemaLancement, { situation: situationPrevention({ impayesMois: 2.5 }) })).toHaveProperty(['situation.impayesMois']);
    expect(messages(menageSchema, { ...menageEssai(), telephone: '06 12' })).toEqual(['numéro de téléphone invalide']);
    expect(messages(menageSchema, { ...menageEssai(), telephone: '06 12 34 56 78' })).toEqual([]);
    expect(messages(clotureAnticipeeSchema, { requestId: 'r-1', motif: ' ab ' })).toEqual(['motif requis (3 caractères au moins)']);
    expect(messages(clotureAnticipeeSchema, { requestId: 'r-1', motif: 'Départ' })).toEqual([]);
    expect(messages(requestIdSchema, 'une requête')).toEqual(['identifiant de requête : lettres, chiffres, . _ : -']);
    expect(messages(requestIdSchema, '7f3c2a4e-5b1d:4c1e.9a0f_3e2d')).toEqual([]);
  });
});

describe('les messages génériques de zod, en français courant', () => {
  it('bornes, types, formats : des phrases, sans symbole ni terme technique', () => {
    const cas: Array<[z.ZodType, unknown, string | RegExp]> = [
      [z.number().min(0), -1, 'doit être positif ou nul'],
      [z.int().min(0), -1, 'doit être positif ou nul'],
      [z.number().positive(), 0, 'doit être supérieur à zéro'],
      [z.number().int().min(1), 0, 'doit être au moins égal à 1'],
      [z.number().max(120), 121, 'ne doit pas dépasser 120'],
      [z.number().max(20_000), 20_001, /^ne doit pas dépasser 20\s000$/],
      [z.number().int(), 1.5, 'nombre entier attendu'],
      [z.number(), 'douze', 'nombre attendu'],
      [z.string().min(3), 'ab', '3 caractères au moins'],
      [z.string().trim().min(1), '  ', 'champ obligatoire'],
      [z.string().max(10), 'x'.repeat(11), '10 caractères au plus'],
      [z.array(z.string()).min(1), [], 'au moins un élément attendu'],
      [z.array(z.string()).max(2), ['a', 'b', 'c'], '2 éléments au plus'],
      [z.boolean(), 'oui', 'oui ou non attendu (true ou false)'],
      [z.iso.date(), '31/02/2026', 'date attendue au format AAAA-MM-JJ'],
      [z.email(), 'pas-une-adresse', 'adresse électronique invalide'],
      [z.enum(['a', 'b']), 'c', 'Option invalide : une valeur parmi « a », « b »'],
      [z.literal(true), false, 'valeur attendue : vrai (true)'],
      [z.object({ a: z.string() }).strict(), { a: 'x', b: 1 }, 'Clé non reconnue : « b »'],
      [z.object({ a: z.string() }), {}, 'champ obligatoire'],
    ];
    for (const [schema, valeur, attendu] of cas) {
      const [m] = messages(schema, valeur);
      expect(m, JSON.stringify(valeur)).toMatch(typeof attendu === 'string' ? new RegExp(`^${attendu.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : attendu);
      expect(m).not.toMatch(TECHNIQUE);
    }
  });

  it('le nom du champ une seule fois : « Identifiant : identifiant : … » devient « Identifiant : … » ; rien de saisi : « champ obligatoire »', () => {
    const cas: Array<[string, string, string]> = [
      ['Identifiant', 'identifiant : 2 à 40 caractères', 'Identifiant : 2 à 40 caractères'],
      ['Référence du dossier', 'référence de dossier : 2 à 40 caractères', 'Référence du dossier : 2 à 40 caractères'],
      ['Rôle', 'rôle : choisissez Coordination', 'Rôle : choisissez Coordination'],
      // Un message qui ne commence pas par le nom du champ reste entier.
      ['Motif', 'champ obligatoire', 'Motif : champ obligatoire'],
      ['Date', 'Le protocole : 2 ans au plus', 'Date : Le protocole : 2 ans au plus'],
    ];
    for (const [libelle, message, attendu] of cas) expect(erreurDuChamp(libelle, message)).toBe(attendu);
    expect(messageSansNomDuChamp('Nom', 'nom : 2 caractères au moins')).toBe('2 caractères au moins');
    expect(messages(ligneTexte('nom', 2, 120), '  ')).toEqual(['champ obligatoire']);
    expect(messages(ligneTexte('nom', 2, 120), 'X')).toEqual(['nom : 2 caractères au moins']);
    // Une adresse saisie mais trop courte n'est pas dite « requise ».
    expect(messages(menageSchema.shape.adresse, 'x')).toEqual(['adresse trop courte : le numéro, la rue et la commune (5 caractères au moins)']);
    expect(messages(menageSchema.shape.adresse, '')).toEqual(['champ obligatoire']);
    // Un montant écrit comme sur une lettre : espaces, virgule, symbole de l'euro.
    const champs = champsDe(prevention.schemaLancement);
    expect(lireSaisie(champs, { 'situation.montantDette': '1 200,50 €' })).toMatchObject({ situation: { montantDette: 1200.5 } });
    expect(lireSaisie(champs, { 'situation.montantDette': '812 euros' })).toMatchObject({ situation: { montantDette: 812 } });
  });

  it('dans un formulaire : « Trop petit : nombre doit être >=0 » n’arrive plus ; une date invraisemblable garde sa raison', () => {
    const champs = champsDe(prevention.schemaLancement);
    const saisie = {
      'situation.impayesMois': '-2',
      'situation.montantDette': '-812,40',
      'situation.debutBail': '2099-03-01',
      'situation.garantie': 'aucune',
      'situation.contactBailleur': 'non',
      'situation.suiviParServiceSocial': 'non',
    };
    let p: Probleme | undefined;
    try {
      analyser(prevention.schemaLancement, lireSaisie(champs, saisie));
    } catch (e) {
      p = e as Probleme;
    }
    const { parChamp, autres } = rangerErreurs(champs, p!.opts.errors!, saisie);
    expect(autres).toEqual([]);
    expect(parChamp['situation.impayesMois']).toBe('doit être positif ou nul');
    expect(parChamp['situation.montantDette']).toBe('le montant doit être positif ou nul');
    expect(parChamp['situation.debutBail']).toMatch(/^date trop lointaine : le bail ne peut pas commencer plus de 6 mois après aujourd’hui/);
    for (const m of Object.values(parChamp)) expect(m).not.toMatch(TECHNIQUE);
  });
});

describe('par l’API : 400 en français, rien n’est lancé ni enregistré', () => {
  const essai = bancAvecApi('vraisemblance-essai');

  it('un lancement au bail de 2099 et à la dette négative ; un jugement daté du futur ; une mensualité nulle', async () => {
    const { api } = essai;
    const jeton = await essai.connecter('coord.essai');
    const menage = menageEssai();
    const r = await api.appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'ts.alice',
        menage,
        donnees: { situation: situationPrevention({ debutBail: '2099-01-01', montantDette: -50 }) },
      },
    });
    expect(r.status, r.texte).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.json.errors).toEqual([
      { champ: 'donnees.situation.montantDette', message: 'le montant doit être positif ou nul' },
      {
        champ: 'donnees.situation.debutBail',
        message: expect.stringMatching(/^date trop lointaine : le bail ne peut pas commencer plus de 6 mois après aujourd’hui/),
      },
    ]);
    expect(r.json.detail).toMatch(/^2 champs invalides : « donnees\.situation\.montantDette » \(le montant doit être positif ou nul\)/);
    expect(r.texte).not.toMatch(TECHNIQUE);
    // Rien n'a été lancé.
    expect((await api.appel('GET', `/api/parcours/${encodeURIComponent(`loiret-ahu--${menage.reference}`)}`, { jeton })).status).toBe(404);

    const protocole = await api.appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'reims-april-protocole',
        // Trois bailleurs porteurs d'APRIL : le lancement nomme celui du ménage.
        bailleur: 'reims-april-protocole--bailleur',
        travailleurSocial: 'ts.alice',
        menage,
        donnees: { resiliation: { jugementDu: jour(30), juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 } },
      },
    });
    expect(protocole.status, protocole.texte).toBe(400);
    expect(protocole.json.errors).toEqual([
      {
        champ: 'donnees.resiliation.jugementDu',
        message: expect.stringMatching(/^date à venir : ce fait n’a pas encore eu lieu \(date acceptée jusqu’au .+\)$/),
      },
    ]);
    expect((await api.appel('GET', `/api/parcours/${encodeURIComponent(`reims-april-protocole--${menage.reference}`)}`, { jeton })).status).toBe(404);

    // Le même ménage, vraisemblable : lancé ; puis un message invraisemblable ne change rien.
    const ok = await api.appel('POST', '/api/parcours', {
      jeton,
      corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage, donnees: { situation: situationPrevention() } },
    });
    expect(ok.status, ok.texte).toBe(201);
    const handle = essai.banc.env.client.workflow.getHandle(ok.json.workflowId);
    const avant = await jusqua(handle, (e) => e.etape === 'aller_vers', 'étape « aller vers »');
    const plan = await api.appel('POST', `/api/parcours/${encodeURIComponent(ok.json.workflowId)}/messages/plan-aide`, {
      jeton: await essai.connecter('ts.alice'),
      corps: { requestId: requete(), actions: ['plan_apurement', 'fsl'], planApurement: { mensualite: 0, dureeMois: 12 } },
    });
    expect(plan.status, plan.texte).toBe(400);
    expect(plan.json.errors).toEqual([{ champ: 'planApurement.mensualite', message: 'le montant doit être supérieur à zéro' }]);
    const apres = await handle.query(etatQuery);
    expect(apres.journal).toEqual(avant.journal);
    expect(apres.etape).toBe('aller_vers');
  });
});
