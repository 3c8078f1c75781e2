/**
 * L'API de bout en bout : vrai serveur Temporal (saut de temps par parcours), vrai worker
 * (workflow d'essai `essaiBlocs`), vrai SMTP (mail catcher), application express sur un port libre,
 * appels par `fetch`. Chaque test a ses propres parcours : l'ordre des tests n'importe pas.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { definirMessage, type RegistreParcours } from '../api/registre';
import { apercuDemande, filtrerEtat } from '../api/visibilite';
import type { EtatParcours } from '../domain/vocabulaire';
import { messagesPermis } from '../domain/actions';
import { hashPassword } from '../securite/mots-de-passe';
import type { DependancesApi } from '../api/dependances';
import { SANTE_OK } from '../api/schemas-api';
import { creerAnnuaire, type Annuaire, type Personne } from '../personnel/annuaire';
import { demarrerApiEssai, horlogeDuParcours, type ApiEssai, type OptionsAppel, type Reponse } from './outils/api';
import { baseEssai } from './outils/base';
import { limiteEnFrancais } from '../domain/durees';
import {
  CATALOGUE,
  PERSONNEL,
  SIGNEUR,
  apres,
  avancerJusqua,
  heureDuParcours,
  jusqua,
  menageEssai,
  monterBanc,
  requete,
  type Banc,
} from './outils/environnement';
import { visiteFaiteUpdate, type EntreeEssai } from './workflows/essai-blocs';

const PROGRAMME = 'loiret-ahu';
const ORIGINE_UI = 'http://localhost:8233';

const REGISTRE_ESSAI: RegistreParcours = {
  prevention_precontentieuse: {
    typeParcours: 'prevention_precontentieuse',
    workflowType: 'essaiBlocs',
    schemaLancement: z.object({
      delaiVisite: z.string().regex(/^P/, 'durée ISO 8601 attendue').default('P3W').meta({ example: 'P3W' }),
      delaiValidation: z.string().regex(/^P/, 'durée ISO 8601 attendue').default('P1W').meta({ example: 'P1W' }),
    }),
    exempleLancement: { delaiVisite: 'P3W', delaiValidation: 'P1W' },
    construireEntree: (c): EntreeEssai => ({
      programme: c.programme,
      menage: c.menage,
      travailleurSocial: c.travailleurSocial,
      ...(c.donnees as { delaiVisite: string; delaiValidation: string }),
    }),
    messages: {
      'visite-faite': definirMessage({
        update: visiteFaiteUpdate,
        schema: z.object({
          note: z.string().trim().min(1, 'note de visite requise').meta({ example: 'Ménage rencontré à domicile, accord pour un rendez-vous budget.' }),
        }),
        roles: ['travailleur_social'],
        libelle: 'Visite à domicile faite',
      }),
    },
  },
};

const MOTS_DE_PASSE: Record<string, string> = {
  'coord.essai': 'coordination-essai',
  'ts.alice': 'alice-essai',
  'ts.bruno': 'bruno-essai',
  'coord.autre': 'autre-essai',
  'admin.essai': 'admin-essai',
  'ts.besancon': 'besancon-essai',
};

let banc: Banc;
let annuaire: Annuaire;

async function annuaireEssai() {
  const base: Personne[] = [
    ...PERSONNEL,
    { id: 'coord.autre', nom: 'Coordination Besançon', courriel: 'autre@essai.example', role: 'coordinateur', programmes: ['besancon-ccas'], motDePasse: '' },
    { id: 'admin.essai', nom: 'Administration', courriel: 'admin@essai.example', role: 'admin', programmes: [], motDePasse: '' },
    {
      id: 'ts.besancon',
      nom: 'Travailleur Besançon',
      courriel: 'ts.besancon@essai.example',
      role: 'travailleur_social',
      programmes: ['besancon-ccas'],
      motDePasse: '',
    },
  ];
  return creerAnnuaire(await Promise.all(base.map(async (p) => ({ ...p, motDePasse: await hashPassword(MOTS_DE_PASSE[p.id]!) }))));
}

let api: ApiEssai;

/**
 * L'application d'essai : registre d'essai, codec ouvert à l'interface Temporal ; à l'heure réelle,
 * ou à celle que donne `surcharges.maintenant` (l'heure d'un parcours, la fin d'une session).
 */
function demarrer(b: Banc, annuaire: Annuaire, surcharges: Partial<DependancesApi> = {}): Promise<ApiEssai> {
  return demarrerApiEssai(b, {
    annuaire,
    registre: REGISTRE_ESSAI,
    surcharges: {
      options: { publicBaseUrl: 'http://localhost:3999', sessionTtl: 'PT8H', codecCorsOrigin: ORIGINE_UI, temporalUiUrl: ORIGINE_UI },
      ...surcharges,
    },
  });
}

const appel = (methode: string, chemin: string, o: OptionsAppel = {}): Promise<Reponse> => api.appel(methode, chemin, o);

const jetons: Record<string, string> = {};
async function connecter(id: string): Promise<string> {
  if (jetons[id]) return jetons[id]!;
  const r = await appel('POST', '/api/session', { corps: { identifiant: id, motDePasse: MOTS_DE_PASSE[id] } });
  expect(r.status).toBe(200);
  jetons[id] = r.json.jeton;
  return r.json.jeton;
}

const formulaire = (champs: Record<string, string>): OptionsAppel => ({ formulaire: champs });

async function lancer(o: { travailleurSocial?: string; reference?: string; donnees?: Record<string, string> } = {}) {
  const coord = await connecter('coord.essai');
  const menage = menageEssai(o.reference);
  const r = await appel('POST', '/api/parcours', {
    jeton: coord,
    corps: { programmeId: PROGRAMME, menage, travailleurSocial: o.travailleurSocial, donnees: o.donnees ?? { delaiVisite: 'P3W', delaiValidation: 'P1W' } },
  });
  expect(r.status, r.texte).toBe(201);
  return { workflowId: r.json.workflowId as string, etat: r.json.etat as EtatParcours, menage };
}

async function etatDe(workflowId: string): Promise<EtatParcours> {
  const r = await appel('GET', `/api/parcours/${workflowId}`, { jeton: await connecter('admin.essai') });
  expect(r.status, r.texte).toBe(200);
  return r.json;
}

const handleDe = (workflowId: string) => banc.env.client.workflow.getHandle(workflowId);
const attendreEtat = (workflowId: string, pred: (e: EtatParcours) => boolean, attendu: string) => jusqua(handleDe(workflowId), pred, attendu);
const LIEN = /http:\/\/localhost:3999\/liens\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

/** Un parcours dont la visite est enregistrée (requestId `visite`) : il passe à la validation par le département. */
async function parcoursApresVisite() {
  const l = await lancer({ travailleurSocial: 'ts.alice' });
  const visite = requete();
  const r = await appel('POST', `/api/parcours/${l.workflowId}/messages/visite-faite`, {
    jeton: await connecter('ts.alice'),
    corps: { requestId: visite, note: 'Ménage rencontré à domicile' },
  });
  expect(r.status, r.texte).toBe(200);
  return { ...l, visite };
}

/** Un parcours en attente de la validation du département, et le jeton du lien qui lui a été envoyé. */
async function parcoursAvecLien() {
  const l = await parcoursApresVisite();
  const courriel = await banc.courriels.waitFor((m) => m.sujet.includes(l.menage.reference) && m.texte.includes('/liens/'), { timeoutMs: 20_000 });
  const m = LIEN.exec(courriel.texte);
  expect(m, courriel.texte).not.toBeNull();
  const etat = await attendreEtat(l.workflowId, (e) => e.etape === 'validation' && e.demandes.length === 1, 'demande de validation au département');
  return { ...l, token: m![1]!, demande: etat.demandes[0]! };
}

const estProbleme = (r: Reponse, status: number) => {
  expect(r.status, r.texte).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
};

beforeAll(async () => {
  banc = await monterBanc();
  annuaire = await annuaireEssai();
  api = await demarrer(banc, annuaire);
});

afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

// ---------------------------------------------------------------------------------------------
describe('session', () => {
  it('connecte avec le bon mot de passe : jeton, personne et cookie HttpOnly SameSite=Lax', async () => {
    const r = await appel('POST', '/api/session', { corps: { identifiant: 'coord.essai', motDePasse: 'coordination-essai' } });
    expect(r.status).toBe(200);
    expect(r.json.jeton).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(r.json.expireLe).getTime()).toBeGreaterThan(Date.now() + 7 * 3600_000);
    expect(r.json.personne).toEqual({ id: 'coord.essai', nom: 'Coordinatrice Essai', role: 'coordinateur', programmes: expect.arrayContaining([PROGRAMME]) });
    expect(r.json.personne.motDePasse).toBeUndefined();
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toContain(`session=${r.json.jeton}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const parJeton = await appel('GET', '/api/session', { jeton: r.json.jeton });
    expect(parJeton.status).toBe(200);
    expect(parJeton.json.personne.id).toBe('coord.essai');
    const parCookie = await appel('GET', '/api/session', { entetes: { cookie: `autre=1; session=${r.json.jeton}` } });
    expect(parCookie.status).toBe(200);
  });

  it('refuse un mauvais mot de passe ou un compte inconnu (401 en français)', async () => {
    for (const corps of [
      { identifiant: 'coord.essai', motDePasse: 'faux' },
      { identifiant: 'personne', motDePasse: 'faux' },
    ]) {
      const r = await appel('POST', '/api/session', { corps });
      estProbleme(r, 401);
      expect(r.json.detail).toBe('Identifiant ou mot de passe incorrect.');
      expect(r.headers.get('set-cookie')).toBeNull();
    }
  });

  it('exige une session sur l’API ; une session expirée est refusée en français', async () => {
    estProbleme(await appel('GET', '/api/parcours/loiret-ahu--X1'), 401);
    // Une application à elle, dont l'horloge va jusqu'à la fin de la session qu'elle a ouverte.
    let heure: Date | undefined;
    const horlogeReglee = await demarrer(banc, annuaire, { maintenant: () => heure ?? new Date() });
    try {
      const r = await horlogeReglee.appel('POST', '/api/session', { corps: { identifiant: 'ts.alice', motDePasse: 'alice-essai' } });
      expect(r.status, r.texte).toBe(200);
      heure = apres(r.json.expireLe, -1);
      expect((await horlogeReglee.appel('GET', '/api/session', { jeton: r.json.jeton })).status).toBe(200);
      heure = new Date(r.json.expireLe);
      const expiree = await horlogeReglee.appel('GET', '/api/session', { jeton: r.json.jeton });
      estProbleme(expiree, 401);
      expect(expiree.json.detail).toBe('Votre session a expiré, reconnectez-vous.');
    } finally {
      await horlogeReglee.fermer();
    }
  });

  it('déconnecte (DELETE) : le jeton ne sert plus', async () => {
    const r = await appel('POST', '/api/session', { corps: { identifiant: 'ts.bruno', motDePasse: 'bruno-essai' } });
    const d = await appel('DELETE', '/api/session', { jeton: r.json.jeton });
    expect(d.status).toBe(204);
    expect(d.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    estProbleme(await appel('GET', '/api/session', { jeton: r.json.jeton }), 401);
  });

  it('400 en français sur un corps de connexion incomplet', async () => {
    const r = await appel('POST', '/api/session', { corps: { identifiant: 'coord.essai' } });
    estProbleme(r, 400);
    expect(r.json.errors).toEqual([{ champ: 'motDePasse', message: 'champ obligatoire' }]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('parcours : lancement et erreurs', () => {
  it('lance un parcours (201) puis refuse le doublon (409)', async () => {
    const coord = await connecter('coord.essai');
    const menage = menageEssai();
    const corps = { programmeId: PROGRAMME, menage, travailleurSocial: 'ts.alice', donnees: { delaiVisite: 'P3W', delaiValidation: 'P1W' } };
    const r = await appel('POST', '/api/parcours', { jeton: coord, corps });
    expect(r.status, r.texte).toBe(201);
    expect(r.json.workflowId).toBe(`${PROGRAMME}--${menage.reference}`);
    expect(r.headers.get('location')).toBe(`/api/parcours/${r.json.workflowId}`);
    expect(r.json.etat).toMatchObject({
      workflowId: r.json.workflowId,
      reference: menage.reference,
      programme: { id: PROGRAMME },
      travailleurSocial: 'ts.alice',
      etape: 'aller_vers',
    });
    // Les messages que la première étape permet, comme dans la réponse d'un message.
    expect(r.json.messagesPermis).toEqual(messagesPermis(r.json.etat.typeParcours, 'aller_vers'));
    expect(r.json.messagesPermis).toContain('tentative-contact');

    const desc = await banc.env.client.workflow.getHandle(r.json.workflowId).describe();
    expect(desc.typedSearchAttributes.getAll().map((p) => p.key.name)).toEqual(
      expect.arrayContaining(['Programme', 'TypeParcours', 'Etape', 'TravailleurSocial', 'Cloture']),
    );

    const doublon = await appel('POST', '/api/parcours', { jeton: coord, corps });
    estProbleme(doublon, 409);
    expect(doublon.json.detail).toBe('Un parcours existe déjà pour ce ménage dans ce programme.');
  });

  it('400 qui nomme le champ fautif (ménage, programme, données de lancement, champ inconnu)', async () => {
    const coord = await connecter('coord.essai');
    const ref = await appel('POST', '/api/parcours', {
      jeton: coord,
      corps: { programmeId: PROGRAMME, menage: { ...menageEssai(), reference: 'Mme Dupont' } },
    });
    estProbleme(ref, 400);
    expect(ref.json.errors).toEqual([{ champ: 'menage.reference', message: expect.stringContaining('référence de dossier') }]);
    expect(ref.json.detail).toContain('menage.reference');

    const prog = await appel('POST', '/api/parcours', { jeton: coord, corps: { programmeId: 'nulle-part', menage: menageEssai() } });
    estProbleme(prog, 400);
    expect(prog.json.errors[0].champ).toBe('programmeId');
    expect(prog.json.detail).toContain('programme inconnu');

    const donnees = await appel('POST', '/api/parcours', {
      jeton: coord,
      corps: { programmeId: PROGRAMME, menage: menageEssai(), donnees: { delaiVisite: 'trois semaines' } },
    });
    estProbleme(donnees, 400);
    expect(donnees.json.errors).toEqual([{ champ: 'donnees.delaiVisite', message: 'durée ISO 8601 attendue' }]);

    const inconnu = await appel('POST', '/api/parcours', { jeton: coord, corps: { programmeId: PROGRAMME, menage: menageEssai(), urgence: true } });
    estProbleme(inconnu, 400);
    expect(inconnu.json.detail).toContain('urgence');

    const ts = await appel('POST', '/api/parcours', {
      jeton: coord,
      corps: { programmeId: PROGRAMME, menage: menageEssai(), travailleurSocial: 'ts.inconnu' },
    });
    estProbleme(ts, 400);
    expect(ts.json.errors[0]).toEqual({ champ: 'travailleurSocial', message: 'compte inconnu : « ts.inconnu »' });
    // Caractères de contrôle (CR, LF, NUL) et inversion du sens d'écriture : refusés dans le nom et l'adresse.
    const uneLigne = (champ: string) => `${champ} : une seule ligne, sans caractère de contrôle ni d’inversion du sens d’écriture`;
    const interdit = 'caractère nul ou d’inversion du sens d’écriture interdit';
    for (const [champ, valeur, message] of [
      ['nom', 'Mme Dupont\r\nBcc: x@y', uneLigne('nom')],
      ['nom', 'Mme Du\u0000pont', interdit],
      ['nom', 'Mme \u202Etnopud', interdit],
      ['adresse', '12 rue des Lilas\n45000 Orléans', uneLigne('adresse')],
    ] as const) {
      const r = await appel('POST', '/api/parcours', { jeton: coord, corps: { programmeId: PROGRAMME, menage: { ...menageEssai(), [champ]: valeur } } });
      estProbleme(r, 400);
      expect(r.json.errors).toEqual([{ champ: `menage.${champ}`, message }]);
    }
    // Dans tout texte reçu (un motif, un commentaire) : NUL et inversion du sens d'écriture refusés.
    const { workflowId: existant } = await lancer();
    const motif = await appel('POST', `/api/parcours/${existant}/cloture`, { jeton: coord, corps: { requestId: requete(), motif: 'Départ\u202E du ménage' } });
    estProbleme(motif, 400);
    expect(motif.json.errors).toEqual([{ champ: 'motif', message: interdit }]);
  });

  it('JSON mal formé → 400 en français ; autre type de contenu → 415 ; route inconnue → 404', async () => {
    const coord = await connecter('coord.essai');
    const r = await appel('POST', '/api/parcours', { jeton: coord, brut: '{"programmeId": "loiret-ahu",', entetes: { 'content-type': 'application/json' } });
    estProbleme(r, 400);
    expect(r.json.detail).toBe('Le corps de la requête n’est pas du JSON valide.');

    const texte = await appel('POST', '/api/parcours', { jeton: coord, brut: 'programmeId=loiret-ahu', entetes: { 'content-type': 'text/plain' } });
    estProbleme(texte, 415);

    const route = await appel('GET', '/api/rien-ici', { jeton: coord });
    estProbleme(route, 404);
    const hors = await appel('GET', '/nulle/part');
    estProbleme(hors, 404);
  });

  it('entrées hostiles : jamais de 500', async () => {
    const coord = await connecter('coord.essai');
    const cas: Array<[string, string, Parameters<typeof appel>[2]]> = [
      ['GET', '/liens/%E0%A4%A', {}],
      ['GET', '/api/parcours/%E0%A4%A', { jeton: coord }],
      ['POST', '/api/parcours', { jeton: coord, brut: '[]', entetes: { 'content-type': 'application/json' } }],
      ['POST', '/api/parcours', { jeton: coord, brut: '"texte"', entetes: { 'content-type': 'application/json' } }],
      ['POST', '/api/parcours', { jeton: coord, brut: 'null', entetes: { 'content-type': 'application/json' } }],
      [
        'POST',
        '/api/parcours',
        {
          jeton: coord,
          brut: JSON.stringify({ programmeId: 'loiret-ahu', menage: { nom: 'x'.repeat(200_000) } }),
          entetes: { 'content-type': 'application/json' },
        },
      ],
      ['POST', '/api/parcours', { jeton: coord, brut: '{}', entetes: { 'content-type': 'application/json; charset=latin9' } }],
      ['POST', '/api/parcours', { jeton: coord, corps: { programmeId: ['loiret-ahu'], menage: 'x', donnees: [] } }],
      ['POST', '/api/session', { brut: 'identifiant=a', entetes: { 'content-type': 'application/x-www-form-urlencoded' } }],
      ['POST', '/api/session', { corps: { identifiant: 'coord.essai', motDePasse: 'x'.repeat(5000) } }],
      ['POST', '/liens/abc', { brut: 'decision=approuve', entetes: { 'content-type': 'application/x-www-form-urlencoded' } }],
      ['GET', '/api/parcours?programme[$ne]=x', { jeton: coord }],
      ['DELETE', '/api/parcours', { jeton: coord }],
      ['GET', '/api/session', { entetes: { authorization: 'Bearer ' + 'x'.repeat(5000) } }],
      ['POST', '/codec/decode', { jeton: coord, corps: { payloads: [{ data: '***' }] } }],
    ];
    for (const [methode, chemin, o] of cas) {
      const r = await appel(methode, chemin, o);
      expect(r.status, `${methode} ${chemin} → ${r.texte.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${methode} ${chemin} → ${r.texte.slice(0, 200)}`).toBeLessThan(500);
    }
  });

  it('parcours inconnu → 404 ; identifiant mal formé → 400', async () => {
    const admin = await connecter('admin.essai');
    const r = await appel('GET', `/api/parcours/${PROGRAMME}--INCONNU-1`, { jeton: admin });
    estProbleme(r, 404);
    expect(r.json.detail).toBe(`Aucun dossier « INCONNU-1 » dans le programme ${CATALOGUE.trouver(PROGRAMME)!.nom}.`);
    const ailleurs = await appel('GET', '/api/parcours/programme-inconnu--INCONNU-1', { jeton: admin });
    estProbleme(ailleurs, 404);
    expect(ailleurs.json.detail).toBe('Aucun parcours à cette adresse.');
    const m = await appel('POST', `/api/parcours/${PROGRAMME}--INCONNU-1/messages/visite-faite`, {
      jeton: await connecter('ts.alice'),
      corps: { requestId: requete(), note: 'x' },
    });
    estProbleme(m, 404);
    const id = await appel('GET', `/api/parcours/${encodeURIComponent("x' OR 1=1")}`, { jeton: admin });
    estProbleme(id, 400);
    expect(id.json.errors[0].champ).toBe('id');
  });

  it('rôles : un travailleur social ne lance pas ; une coordination d’un autre programme ne voit pas', async () => {
    const ts = await appel('POST', '/api/parcours', { jeton: await connecter('ts.alice'), corps: { programmeId: PROGRAMME, menage: menageEssai() } });
    estProbleme(ts, 403);
    const autreLance = await appel('POST', '/api/parcours', {
      jeton: await connecter('coord.autre'),
      corps: { programmeId: PROGRAMME, menage: menageEssai() },
    });
    estProbleme(autreLance, 403);
    const { workflowId } = await lancer({ travailleurSocial: 'ts.alice' });
    const autreLit = await appel('GET', `/api/parcours/${workflowId}`, { jeton: await connecter('coord.autre') });
    estProbleme(autreLit, 403);
  });
});

// ---------------------------------------------------------------------------------------------
describe('parcours : messages, affectation, clôture, liens', () => {
  it('un travailleur social ne voit ni n’écrit sur un ménage qui ne lui est pas affecté (403)', async () => {
    const { workflowId } = await lancer({ travailleurSocial: 'ts.alice' });
    const bruno = await connecter('ts.bruno');
    const lire = await appel('GET', `/api/parcours/${workflowId}`, { jeton: bruno });
    estProbleme(lire, 403);
    expect(lire.json.detail).toBe('Ce ménage ne vous est pas affecté.');
    const ecrire = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, { jeton: bruno, corps: { requestId: requete(), note: 'Visite' } });
    estProbleme(ecrire, 403);
    expect(ecrire.json.detail).toBe('Ce ménage ne vous est pas affecté.');
    const coord = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, {
      jeton: await connecter('coord.essai'),
      corps: { requestId: requete(), note: 'Visite' },
    });
    estProbleme(coord, 403);
    const alice = await appel('GET', `/api/parcours/${workflowId}`, { jeton: await connecter('ts.alice') });
    expect(alice.status).toBe(200);
    expect(alice.json.etape).toBe('aller_vers');
    expect(alice.json.journal.some((e: { type: string }) => e.type === 'visite')).toBe(false);
  });

  it('message inconnu → 404 ; corps invalide → 400 qui nomme le champ', async () => {
    const { workflowId } = await lancer({ travailleurSocial: 'ts.alice' });
    const alice = await connecter('ts.alice');
    const inconnu = await appel('POST', `/api/parcours/${workflowId}/messages/rien`, { jeton: alice, corps: { requestId: requete() } });
    estProbleme(inconnu, 404);
    expect(inconnu.json.detail).toContain('Message inconnu');
    const sansNote = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, { jeton: alice, corps: { requestId: requete() } });
    estProbleme(sansNote, 400);
    expect(sansNote.json.errors).toEqual([{ champ: 'note', message: 'champ obligatoire' }]);
    const sansId = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, { jeton: alice, corps: { note: 'ok' } });
    estProbleme(sansId, 400);
    expect(sansId.json.errors[0].champ).toBe('requestId');
  });

  it('le même requestId envoyé deux fois n’est appliqué qu’une fois', async () => {
    const { workflowId } = await lancer({ travailleurSocial: 'ts.alice' });
    const alice = await connecter('ts.alice');
    const corps = { requestId: requete(), note: 'Ménage rencontré à domicile' };
    const un = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, { jeton: alice, corps });
    expect(un.status, un.texte).toBe(200);
    expect(un.json.resultat).toEqual({ compte: 1 });
    const deux = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, { jeton: alice, corps });
    expect(deux.status, deux.texte).toBe(200);
    expect(deux.json.resultat).toEqual({ compte: 1 });
    const etat = await etatDe(workflowId);
    expect(etat.journal.filter((e) => e.type === 'visite')).toHaveLength(1);
    expect(etat.journal.find((e) => e.type === 'visite')!.acteur.id).toBe('ts.alice');
  });

  it('un requestId réutilisé pour un autre contenu ou un autre message → 409 avec la raison, rien d’appliqué', async () => {
    const { workflowId } = await lancer({ travailleurSocial: 'ts.alice' });
    const alice = await connecter('ts.alice');
    const requestId = requete();
    const un = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, { jeton: alice, corps: { requestId, note: 'Ménage rencontré' } });
    expect(un.status, un.texte).toBe(200);
    const RAISON =
      'Cet identifiant de requête (requestId) a déjà servi pour un autre message ou un autre contenu : rien n’a été appliqué. Utilisez un nouvel identifiant pour une nouvelle action.';
    const autreContenu = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, {
      jeton: alice,
      corps: { requestId, note: 'Une autre note' },
    });
    estProbleme(autreContenu, 409);
    expect(autreContenu.json.detail).toBe(RAISON);
    const autreMessage = await appel('POST', `/api/parcours/${workflowId}/affectation`, {
      jeton: await connecter('coord.essai'),
      corps: { requestId, travailleurSocial: 'ts.bruno' },
    });
    estProbleme(autreMessage, 409);
    expect(autreMessage.json.detail).toBe(RAISON);
    const etat = await etatDe(workflowId);
    expect(etat.travailleurSocial).toBe('ts.alice');
    expect(etat.journal.filter((e) => e.type === 'visite').map((e) => e.acteur.id)).toEqual(['ts.alice']);
    // Le même message, même contenu (champs dans un autre ordre) : le premier résultat, sans rien appliquer de plus.
    const encore = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, { jeton: alice, corps: { note: 'Ménage rencontré', requestId } });
    expect(encore.status, encore.texte).toBe(200);
    expect(encore.json.resultat).toEqual({ compte: 1 });
  });

  it('un message refusé par l’étape courante → 409 avec la raison, rien ne change', async () => {
    const { workflowId, visite } = await parcoursApresVisite();
    const avant = await attendreEtat(workflowId, (e) => e.etape === 'validation' && e.demandes.length === 1, 'demande de validation au département');
    const alice = await connecter('ts.alice');
    const r = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, {
      jeton: alice,
      corps: { requestId: requete(), note: 'Deuxième visite' },
    });
    estProbleme(r, 409);
    expect(r.json.detail).toBe('La visite ne peut plus être enregistrée : le parcours est à l’étape « Validation du plan par le département ».');
    const apres = await etatDe(workflowId);
    expect(apres.journal.filter((e) => e.type === 'visite')).toHaveLength(1);
    expect(apres.etape).toBe(avant.etape);
    // Le premier requestId reste idempotent même après le changement d'étape.
    const rejoue = await appel('POST', `/api/parcours/${workflowId}/messages/visite-faite`, {
      jeton: alice,
      corps: { requestId: visite, note: 'Ménage rencontré à domicile' },
    });
    expect(rejoue.status, rejoue.texte).toBe(200);
    expect(rejoue.json.resultat).toEqual({ compte: 1 });
  });

  describe('lien de validation envoyé au département', () => {
    // Un parcours en attente de la décision, pour les tests qui n'y répondent pas.
    let workflowId: string;
    let nomMenage: string;
    let token: string;
    let demandeId: string;

    beforeAll(async () => {
      const l = await parcoursAvecLien();
      workflowId = l.workflowId;
      nomMenage = l.menage.nom;
      token = l.token;
      demandeId = l.demande.id;
    });

    it('la page montre l’objet, l’aperçu et l’échéance, jamais le nom du ménage ni le journal', async () => {
      const r = await appel('GET', `/liens/${token}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.texte).toContain('<html lang="fr">');
      expect(r.texte).toContain('<main');
      expect(r.texte).toContain('Validation du plan d’aide avec une mesure ASLL');
      expect(r.texte).toContain('Mesure recommandée : ASLL de 6 mois.');
      expect(r.texte).toContain('Plan d’apurement proposé : 50 € par mois.');
      // Le délai court jusqu'au soir de ce jour : le jour en mots, sans heure (« à 23:59 » n'a rien à dire).
      expect(r.texte).toMatch(/<dt>Réponse attendue au plus tard le<\/dt><dd>(lundi|mardi|mercredi|jeudi|vendredi) \d{1,2}(er)? [a-zéû]+ \d{4}<\/dd>/);
      expect(r.texte).toMatch(/<label for="decision-approuve">/);
      expect(r.texte).toContain(`action="/liens/${token}"`);
      // Qui appeler : l'opérateur du dispositif, nommé avec son téléphone et son adresse électronique.
      const operateur = CATALOGUE.trouver(PROGRAMME)!.operateur;
      expect(r.texte).toContain(`Pour toute question : ${operateur.nom}`);
      expect(r.texte).toContain(`href="mailto:${operateur.courriel}"`);
      if (operateur.telephone) expect(r.texte).toContain(operateur.telephone);
      expect(r.texte).not.toContain(nomMenage);
      expect(r.texte).not.toContain('Lefébure');
      expect(r.texte).not.toContain('Tilleuls');
      expect(r.texte).not.toContain('Visite à domicile');
      expect(r.texte).not.toMatch(/<script/i);
    });

    it('lien altéré → 403 ; pas un lien → 400 ; lien expiré → 410 ; rien ne change', async () => {
      const [h, p, s] = token.split('.') as [string, string, string];
      const altere = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
      const r1 = await appel('GET', `/liens/${altere}`);
      expect(r1.status).toBe(403);
      expect(r1.texte).toContain('Ce lien n’est pas valide');
      const r1b = await appel('POST', `/liens/${altere}`, formulaire({ decision: 'approuve' }));
      expect(r1b.status).toBe(403);
      const pasUnLien = await appel('GET', '/liens/0');
      expect(pasUnLien.status).toBe(400);
      expect(pasUnLien.texte).toContain('Lien non valide');

      const expire = SIGNEUR.signer({ workflowId, demandeId, role: 'departement', action: 'validation' }, new Date(Date.now() - 60_000));
      const r2 = await appel('GET', `/liens/${expire}`);
      expect(r2.status).toBe(410);
      expect(r2.texte).toContain('Ce lien a expiré le');
      // Un lien bien signé mais expiré dit quand même qui appeler ; un lien faux, non (rien n'est sûr de son contenu).
      expect(r2.texte).toContain('Pour toute question :');
      expect(r1.texte).toContain('répondez au courriel qui vous a transmis ce lien');
      const r2b = await appel('POST', `/liens/${expire}`, formulaire({ decision: 'approuve' }));
      expect(r2b.status).toBe(410);
      expect((await etatDe(workflowId)).demandes[0]!.statut).toBe('en_attente');
    });

    it('un lien ne peut viser ni un autre parcours, ni une autre demande, ni un autre partenaire', async () => {
      const futur = new Date(Date.now() + 3600_000);
      const autre = await lancer();
      const autreParcours = SIGNEUR.signer({ workflowId: autre.workflowId, demandeId, role: 'departement', action: 'validation' }, futur);
      const r1 = await appel('POST', `/liens/${autreParcours}`, formulaire({ decision: 'approuve' }));
      expect(r1.status).toBe(404);
      expect(r1.texte).toContain('Demande introuvable');

      const autreDemande = SIGNEUR.signer({ workflowId, demandeId: 'une-autre-demande', role: 'departement', action: 'validation' }, futur);
      expect((await appel('GET', `/liens/${autreDemande}`)).status).toBe(404);

      const autreRole = SIGNEUR.signer({ workflowId, demandeId, role: 'bailleur', action: 'validation' }, futur);
      const r3 = await appel('POST', `/liens/${autreRole}`, formulaire({ decision: 'approuve' }));
      expect(r3.status).toBe(403);
      expect(r3.texte).toContain('ne correspond pas au partenaire');

      const inexistant = SIGNEUR.signer({ workflowId: `${PROGRAMME}--NEANT-1`, demandeId, role: 'departement', action: 'validation' }, futur);
      expect((await appel('GET', `/liens/${inexistant}`)).status).toBe(404);
      expect((await etatDe(workflowId)).demandes[0]!.statut).toBe('en_attente');
    });

    it('formulaire incomplet → 400, la page est rendue de nouveau avec l’erreur', async () => {
      const r = await appel('POST', `/liens/${token}`, formulaire({ commentaire: 'sans décision' }));
      expect(r.status).toBe(400);
      expect(r.texte).toContain('role="alert"');
      expect(r.texte).toContain('Choisissez « J’approuve » ou « Je refuse ».');
      expect((await etatDe(workflowId)).demandes[0]!.statut).toBe('en_attente');
    });

    it('un refus sans motif → 400 : la page le demande, garde le choix « Je refuse », rien n’est enregistré ; avec son motif, il l’est', async () => {
      const { workflowId, token } = await parcoursAvecLien();
      const r = await appel('POST', `/liens/${token}`, formulaire({ decision: 'refuse', commentaire: '   ' }));
      expect(r.status).toBe(400);
      expect(r.texte).toContain('Indiquez le motif de votre refus dans le commentaire');
      expect(r.texte).toContain('value="refuse" required checked');
      // Le champ du commentaire est marqué en erreur et relié au message.
      expect(r.texte).toContain('aria-describedby="aide-commentaire erreur-formulaire" aria-invalid="true"');
      expect((await etatDe(workflowId)).demandes[0]!.statut).toBe('en_attente');
      const motive = await appel('POST', `/liens/${token}`, formulaire({ decision: 'refuse', commentaire: 'Budget à préciser' }));
      expect(motive.status, motive.texte).toBe(200);
      expect((await etatDe(workflowId)).demandes[0]).toMatchObject({ statut: 'refusee', decision: { decision: 'refuse', commentaire: 'Budget à préciser' } });
    });

    it('approuver → confirmation et demande approuvée ; une seconde réponse est refusée (« déjà »)', async () => {
      const { workflowId, token } = await parcoursAvecLien();
      const r = await appel('POST', `/liens/${token}`, formulaire({ decision: 'approuve', commentaire: 'Accord FSL pour 6 mois.' }));
      expect(r.status, r.texte).toBe(200);
      expect(r.texte).toContain('Votre réponse a bien été enregistrée');
      expect(r.texte).toContain('demande approuvée');
      const etat = await etatDe(workflowId);
      expect(etat.demandes[0]).toMatchObject({
        statut: 'approuvee',
        decision: { decision: 'approuve', commentaire: 'Accord FSL pour 6 mois.', par: 'partenaire:departement' },
      });

      const encore = await appel('POST', `/liens/${token}`, formulaire({ decision: 'refuse', commentaire: 'finalement non' }));
      expect(encore.status).toBe(409);
      expect(encore.texte).toContain('Cette demande a déjà reçu une réponse');
      const apres = await etatDe(workflowId);
      expect(apres.demandes[0]).toEqual(etat.demandes[0]);

      const page = await appel('GET', `/liens/${token}`);
      expect(page.status).toBe(200);
      expect(page.texte).toContain('Cette demande a déjà reçu une réponse');
      expect(page.texte).not.toContain('<form');
    });
  });

  it('20 réponses contradictoires en même temps par un même lien : une décision enregistrée, et chaque page la dit', async () => {
    const { workflowId, token } = await parcoursAvecLien();
    const reponses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appel('POST', `/liens/${token}`, formulaire(i % 2 ? { decision: 'refuse', commentaire: 'Non' } : { decision: 'approuve', commentaire: 'Oui' })),
      ),
    );
    const etat = await etatDe(workflowId);
    const retenue = etat.demandes[0]!.decision!;
    expect(['approuve', 'refuse']).toContain(retenue.decision);
    const attendu = retenue.decision === 'approuve' ? 'demande approuvée' : 'demande refusée';
    const contraire = retenue.decision === 'approuve' ? 'demande refusée' : 'demande approuvée';
    for (const r of reponses) {
      // Succès (la même réponse, rejouée) ou « déjà répondu » : jamais la décision qui n'a pas été enregistrée.
      expect([200, 409], r.texte.slice(0, 300)).toContain(r.status);
      expect(r.texte).not.toContain(contraire);
      if (r.status === 200) expect(r.texte).toContain(attendu);
    }
    expect(reponses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
  });

  it('affectation : la coordination réaffecte, le nouveau travailleur social voit le ménage', async () => {
    const coord = await connecter('coord.essai');
    const { workflowId: id } = await lancer({ travailleurSocial: 'ts.alice' });
    const mauvais = await appel('POST', `/api/parcours/${id}/affectation`, { jeton: coord, corps: { requestId: requete(), travailleurSocial: 'coord.autre' } });
    estProbleme(mauvais, 400);
    // Nommés, la personne et le programme, jamais par leur identifiant.
    expect(mauvais.json.errors).toEqual([{ champ: 'travailleurSocial', message: 'Coordination Besançon n’a pas un compte de travailleur social' }]);
    const ailleurs = await appel('POST', `/api/parcours/${id}/affectation`, {
      jeton: coord,
      corps: { requestId: requete(), travailleurSocial: 'ts.besancon' },
    });
    estProbleme(ailleurs, 400);
    expect(ailleurs.json.errors).toEqual([
      { champ: 'travailleurSocial', message: `Travailleur Besançon ne suit pas le programme ${CATALOGUE.trouver(PROGRAMME)!.nom}` },
    ]);
    const parTs = await appel('POST', `/api/parcours/${id}/affectation`, {
      jeton: await connecter('ts.alice'),
      corps: { requestId: requete(), travailleurSocial: 'ts.bruno' },
    });
    estProbleme(parTs, 403);

    // La première visite attendue (après le courriel au bailleur) : le nouveau référent la lira dans son courriel.
    await attendreEtat(id, (e) => e.echeances.some((x) => x.id === 'visite'), 'échéance de la première visite');
    const r = await appel('POST', `/api/parcours/${id}/affectation`, { jeton: coord, corps: { requestId: requete(), travailleurSocial: 'ts.bruno' } });
    expect(r.status, r.texte).toBe(200);
    expect(r.json.resultat).toEqual({ travailleurSocial: 'ts.bruno' });
    expect(r.json.etat.travailleurSocial).toBe('ts.bruno');
    const lu = await appel('GET', `/api/parcours/${id}`, { jeton: await connecter('ts.bruno') });
    expect(lu.status).toBe(200);
    // Le journal nomme les personnes (annuaire), jamais leur identifiant de connexion.
    expect(lu.json.journal.map((e: { resume: string }) => e.resume)).toContain('Ménage réaffecté à Bruno Travailleur (auparavant : Alice Travailleuse)');
    expect(JSON.stringify(lu.json.journal)).not.toMatch(/ts\.alice|ts\.bruno|⟦/);
    estProbleme(await appel('GET', `/api/parcours/${id}`, { jeton: await connecter('ts.alice') }), 403);
    // Les deux référents sont prévenus par courriel, sans nom (le journal du dossier dit qui).
    const reference = id.split('--')[1]!;
    const auNouveau = await banc.courriels.waitFor(
      (m) => m.a.includes('bruno@essai.example') && m.sujet === `Un ménage vous est confié (dossier ${reference})`,
      {
        timeoutMs: 20_000,
      },
    );
    // Chacun nomme l'autre : l'ancien référent n'a plus accès au dossier, il sait à qui transmettre.
    expect(auNouveau.texte).toContain('suivi jusqu’ici par Alice Travailleuse');
    // Et ce qui l'attend : la première visite, à sa date limite.
    const visite = (r.json.etat.echeances as Array<{ id: string; due: string }>).find((e) => e.id === 'visite')!;
    expect(auNouveau.texte).toContain(`Première visite à domicile : ${limiteEnFrancais(visite.due)}.`);
    const aLAncien = await banc.courriels.waitFor(
      (m) => m.a.includes('alice@essai.example') && m.sujet === `Ménage confié à une autre personne (dossier ${reference})`,
      { timeoutMs: 20_000 },
    );
    expect(aLAncien.texte).toContain('transmettez-le à Bruno Travailleur, qui prend le relais');
    for (const c of [auNouveau, aLAncien]) expect(c.texte).not.toMatch(/ts\.alice|ts\.bruno|⟦/);
  });

  it('clôture anticipée par le coordinateur, une seconde fois refusée (409 en français)', async () => {
    const { workflowId } = await lancer({ travailleurSocial: 'ts.alice' });
    // Ni la coordination d'un autre programme (clore, réaffecter), ni le travailleur social : 403, rien ne change.
    const autre = await connecter('coord.autre');
    for (const [chemin, corps] of [
      ['cloture', { requestId: requete(), motif: 'Le ménage a quitté le logement' }],
      ['affectation', { requestId: requete(), travailleurSocial: 'ts.bruno' }],
    ] as const) {
      const r = await appel('POST', `/api/parcours/${workflowId}/${chemin}`, { jeton: autre, corps });
      estProbleme(r, 403);
      expect(r.json.detail, chemin).toBe('Vous ne suivez pas le programme de ce parcours.');
    }
    const parTs = await appel('POST', `/api/parcours/${workflowId}/cloture`, {
      jeton: await connecter('ts.alice'),
      corps: { requestId: requete(), motif: 'Essai' },
    });
    estProbleme(parTs, 403);
    const lu = await etatDe(workflowId);
    expect(lu).toMatchObject({ travailleurSocial: 'ts.alice' });
    expect(lu.cloture).toBeUndefined();
    const r = await appel('POST', `/api/parcours/${workflowId}/cloture`, {
      jeton: await connecter('coord.essai'),
      corps: { requestId: requete(), motif: 'Le ménage a quitté le logement' },
    });
    expect(r.status, r.texte).toBe(200);
    const encore = await appel('POST', `/api/parcours/${workflowId}/cloture`, {
      jeton: await connecter('coord.essai'),
      corps: { requestId: requete(), motif: 'Encore' },
    });
    estProbleme(encore, 409);
    expect(encore.json.detail).toBe('Ce parcours est terminé : il n’accepte plus de message.');
    const court = await appel('POST', `/api/parcours/${workflowId}/cloture`, {
      jeton: await connecter('coord.essai'),
      corps: { requestId: requete(), motif: 'x' },
    });
    estProbleme(court, 400);
    expect(court.json.errors[0].champ).toBe('motif');
  });
});

// ---------------------------------------------------------------------------------------------
describe('demande close (le temps passe)', () => {
  it('sans réponse à l’échéance, la page du lien dit « Cette demande est close » et rien ne change', async () => {
    const { workflowId, token: envoye, demande } = await parcoursAvecLien();
    const handle = handleDe(workflowId);
    // Le parcours passe l'échéance de la demande.
    await avancerJusqua(banc, handle, apres(demande.echeance));
    const etat = await attendreEtat(
      workflowId,
      (e) => e.demandes[0]?.statut === 'expiree' && e.journal.some((j) => j.type === 'validation_expiree'),
      'demande expirée',
    );

    // L'application à l'heure du parcours : le lien envoyé a expiré avec la demande (410).
    const aLHeure = await demarrer(banc, annuaire, { maintenant: await horlogeDuParcours(handle) });
    try {
      expect((await aLHeure.appel('GET', `/liens/${envoye}`)).status).toBe(410);
      // Un lien encore valide (signé plus long que la demande) tombe sur une demande close.
      const token = SIGNEUR.signer(
        { workflowId, demandeId: etat.demandes[0]!.id, role: 'departement', action: 'validation' },
        apres(await heureDuParcours(handle), 60),
      );
      const page = await aLHeure.appel('GET', `/liens/${token}`);
      expect(page.status).toBe(200);
      expect(page.texte).toContain('Cette demande est close');
      // La fin du délai : le soir d'un jour ouvré à Paris, dit en mots (jamais « à 23:59 »).
      expect(page.texte).toMatch(/est close depuis le (lundi|mardi|mercredi|jeudi|vendredi) \d{1,2}(er)? [a-zéû]+ \d{4} au soir :/);
      expect(page.texte).not.toContain('23:59');
      expect(page.texte).not.toContain('<form');
      const post = await aLHeure.appel('POST', `/liens/${token}`, formulaire({ decision: 'approuve' }));
      expect(post.status).toBe(409);
      expect(post.texte).toContain('Cette demande est close');
    } finally {
      await aLHeure.fermer();
    }
    expect((await etatDe(workflowId)).demandes).toEqual(etat.demandes);
  });
});

// ---------------------------------------------------------------------------------------------
describe('visibilité (fonctions pures)', () => {
  const etat = {
    workflowId: 'loiret-ahu--AB-1',
    typeParcours: 'prevention_precontentieuse',
    programme: { id: 'loiret-ahu', version: 1, nom: 'AHU' },
    reference: 'AB-1',
    etape: 'validation',
    libelleEtape: 'Validation',
    echeances: [],
    demandes: [
      {
        id: 'd1',
        role: 'departement',
        objet: 'Validation ASLL',
        envoyeeLe: '2026-01-01T00:00:00.000Z',
        echeance: '2026-01-08T00:00:00.000Z',
        statut: 'en_attente',
        apercu: ['ASLL 6 mois'],
      },
      {
        id: 'd2',
        role: 'siao',
        objet: 'Candidature',
        envoyeeLe: '2026-01-01T00:00:00.000Z',
        echeance: '2026-01-08T00:00:00.000Z',
        statut: 'en_attente',
        apercu: [],
      },
    ],
    journal: [
      { seq: 1, date: '2026-01-01T00:00:00.000Z', type: 'ouverture', acteur: { type: 'systeme' }, resume: 'Parcours ouvert', visibilite: 'partenaires' },
      {
        seq: 2,
        date: '2026-01-02T00:00:00.000Z',
        type: 'diagnostic',
        acteur: { type: 'personnel', id: 'ts.alice' },
        resume: 'Dettes de jeu',
        visibilite: 'equipe',
      },
    ],
    details: { plan: 'apurement 50 €' },
    detailsConfidentiels: { menage: { nom: 'Mme Lefébure' }, diagnostic: 'Dettes de jeu' },
  } as unknown as EtatParcours;

  it('le personnel voit tout ; un partenaire ni le confidentiel, ni le journal d’équipe, ni les demandes des autres', () => {
    expect(filtrerEtat(etat, { type: 'personnel', role: 'travailleur_social', id: 'ts.alice' })).toEqual(etat);
    const vu = filtrerEtat(etat, { type: 'partenaire', role: 'departement' });
    expect(vu.detailsConfidentiels).toEqual({});
    expect(vu.journal.map((e) => e.seq)).toEqual([1]);
    expect(vu.demandes.map((d) => d.id)).toEqual(['d1']);
    expect(JSON.stringify(vu)).not.toMatch(/Lefébure|Dettes de jeu/);
    expect(etat.detailsConfidentiels).toHaveProperty('diagnostic'); // l'original n'est pas modifié
    // Le partage du diagnostic (réglage du programme) ne vaut que pour le bailleur qu'il nomme : un
    // autre partenaire présenté comme ce destinataire ne le reçoit pas.
    const partage = { programme: { partageDiagnostic: { destinataires: ['conseillere_sociale_bailleur' as const], consentementRequis: false } } };
    expect(filtrerEtat(etat, { type: 'partenaire', role: 'bailleur', destinataire: 'conseillere_sociale_bailleur' }, partage).detailsConfidentiels).toEqual({
      diagnostic: 'Dettes de jeu',
    });
    for (const role of ['departement', 'siao', 'ccapex'] as const)
      expect(filtrerEtat(etat, { type: 'partenaire', role, destinataire: 'conseillere_sociale_bailleur' }, partage).detailsConfidentiels, role).toEqual({});
  });

  it('une page de lien ne reçoit que la demande visée', () => {
    expect(apercuDemande(etat, 'd1')).toEqual({
      id: 'd1',
      role: 'departement',
      objet: 'Validation ASLL',
      apercu: ['ASLL 6 mois'],
      echeance: '2026-01-08T00:00:00.000Z',
      statut: 'en_attente',
    });
    expect(apercuDemande(etat, 'inconnue')).toBeUndefined();
    // Répondue : la date seulement, ni qui a répondu ni son commentaire ; un aperçu abîmé ne passe que ses lignes de texte.
    const repondue = {
      ...etat,
      demandes: [
        {
          ...etat.demandes[0]!,
          statut: 'approuvee',
          apercu: ['ASLL 6 mois', 42, { nom: 'Mme Lefébure' }],
          decision: { decision: 'approuve', par: 'partenaire:departement', le: '2026-01-05T09:00:00.000Z', commentaire: 'Vu avec Mme Lefébure' },
        },
      ],
    } as unknown as EtatParcours;
    expect(apercuDemande(repondue, 'd1')).toEqual({
      id: 'd1',
      role: 'departement',
      objet: 'Validation ASLL',
      apercu: ['ASLL 6 mois'],
      echeance: '2026-01-08T00:00:00.000Z',
      statut: 'approuvee',
      reponduLe: '2026-01-05T09:00:00.000Z',
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('exploitation', () => {
  it('/health : Temporal et SMTP joignables → 200 ; SMTP en panne → 503 « degrade », sans erreur au journal', async () => {
    const r = await appel('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual(SANTE_OK);

    // Le journal de l'API, lu ligne à ligne (pino écrit du JSON ; niveau 30 = info, 50 = erreur).
    const lignes: Array<{ level: number; msg: string; chemin?: string; statut?: number }> = [];
    const journal = pino({ level: 'debug' }, { write: (l: string) => void lignes.push(JSON.parse(l) as never) });
    const panne = await demarrer(banc, creerAnnuaire([]), { transport: { verify: () => Promise.reject(new Error('refusé')) } as never, journal });
    try {
      const p = await panne.appel('GET', '/health');
      expect(p.status).toBe(503);
      // Une sonde 503 (démarrage, SMTP en panne) n'est pas une erreur de l'API : « ERREUR requête » à
      // chaque sonde remplissait la sortie de « npm start » tant que le worker n'était pas prêt.
      await vi.waitFor(() => expect(lignes.find((l) => l.msg === 'requête' && l.chemin === '/health')).toMatchObject({ statut: 503, level: 30 }), {
        timeout: 30_000,
        interval: 50,
      });
      expect(p.json).toEqual({
        etat: 'degrade',
        detail:
          'Service dégradé : le serveur SMTP ne répond pas (les courriels attendront). Les dossiers restent lisibles ; les actions sur les parcours répondent 503 ou attendent.',
        temporal: 'ok',
        base: 'ok',
        smtp: 'indisponible',
        workers: 'ok',
        interrogation: 'ok',
        courrielsEnAttente: 0,
        smsEnAttente: 0,
      });
    } finally {
      await panne.fermer();
    }
  });

  it('méthode non prévue sur un chemin documenté → 405 en problem+json, avec les méthodes permises', async () => {
    const jeton = await connecter('coord.essai');
    const r = await appel('DELETE', '/api/parcours', { jeton });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST, GET, HEAD');
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.json.detail).toBe('La méthode DELETE n’est pas permise sur /api/parcours (permises : POST, GET, HEAD).');
    expect((await appel('PUT', '/health')).status).toBe(405);
    expect((await appel('GET', '/chemin/inconnu', { jeton })).status).toBe(404);
    // Le chemin le plus précis du document décide : « …/commissions/apercu » n'est pas un import.
    const options = await appel('OPTIONS', '/api/programmes/besancon-ccas/commissions/apercu', { jeton });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('POST');
    const get = await appel('GET', '/api/programmes/besancon-ccas/commissions/apercu', { jeton });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('/openapi.json : OpenAPI 3.1, chemins, schémas du registre, exemples en français, problem+json, sécurité', async () => {
    const r = await appel('GET', '/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.json;
    // Ce que l'API répond vraiment est documenté : 415 pour un corps JSON, 503 (Retry-After) pour les actions, 429 à la connexion.
    expect(doc.paths['/api/parcours'].post.responses['415']).toEqual({ $ref: '#/components/responses/TypeContenu' });
    expect(doc.paths['/api/parcours/{id}/cloture'].post.responses['503']).toEqual({ $ref: '#/components/responses/Indisponible' });
    expect(doc.paths['/api/session'].post.responses['429'].description).toContain('Trop de tentatives');
    expect(
      doc.components.schemas.Lancement.oneOf
        .map((v: { $ref: string }) => doc.components.schemas[v.$ref.split('/').pop()!].properties.programmeId.enum)
        .flat()
        .sort(),
    ).toEqual(expect.arrayContaining(['besancon-ccas', 'loiret-ahu']));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/session',
        '/api/parcours',
        '/api/parcours/{id}',
        '/api/parcours/{id}/affectation',
        '/api/parcours/{id}/cloture',
        '/api/parcours/{id}/messages/visite-faite',
        '/liens/{token}',
        '/health',
        '/codec/decode',
      ]),
    );
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'session' },
    });
    expect(doc.components.schemas.Donnees_prevention_precontentieuse.properties.delaiVisite).toMatchObject({ type: 'string', example: 'P3W' });
    expect(doc.components.schemas.Menage.properties.reference.example).toBe('LL-2026-0042');
    const lancement = doc.paths['/api/parcours'].post;
    expect(lancement.requestBody.content['application/json'].examples.prevention_precontentieuse.value).toMatchObject({
      programmeId: expect.any(String),
      menage: { adresse: '12 rue des Tilleuls, 45000 Orléans' },
      donnees: { delaiVisite: 'P3W' },
    });
    expect(doc.components.responses.RequeteInvalide.content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Probleme');
    expect(lancement.responses['409'].$ref).toBe('#/components/responses/Conflit');
    const message = doc.paths['/api/parcours/{id}/messages/visite-faite'].post;
    expect(message.requestBody.content['application/json'].example).toMatchObject({
      note: 'Ménage rencontré à domicile, accord pour un rendez-vous budget.',
      requestId: expect.any(String),
    });
    expect(message['x-roles']).toEqual(['travailleur_social']);
    expect(doc.components.schemas.Message_prevention_precontentieuse_visite_faite.required).toEqual(expect.arrayContaining(['note', 'requestId']));
    expect(JSON.stringify(doc)).not.toContain('$schema');
  });

  it('/docs : page HTML en français rendue côté serveur, sans ressource externe', async () => {
    const r = await appel('GET', '/docs');
    expect(r.status).toBe(200);
    expect(r.texte).toContain('<html lang="fr">');
    expect(r.texte).toContain('Lancer un parcours');
    expect(r.texte).toContain('/api/parcours/{id}/messages/visite-faite');
    expect(r.texte).toContain('delaiVisite');
    expect(r.texte).toContain('Orléans');
    expect(r.texte).not.toMatch(/<script|https?:\/\/cdn/i);
  });

  it('codec : réservé à l’administration, chaque appel tracé, CORS pour l’interface Temporal, aller-retour chiffré', async () => {
    const clair = {
      payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"nom":"Mme Lefébure"}').toString('base64') }],
    };
    estProbleme(await appel('POST', '/codec/decode', { corps: clair }), 401);
    estProbleme(await appel('POST', '/codec/encode', { jeton: await connecter('ts.alice'), corps: clair }), 403);
    // La coordination d'un programme ne déchiffre rien : le codec ne sait pas de quel programme vient une charge.
    const refusCoord = await appel('POST', '/codec/decode', { jeton: await connecter('coord.essai'), corps: clair });
    estProbleme(refusCoord, 403);
    expect(refusCoord.json.detail).toBe(
      'Le déchiffrement des données dans l’interface Temporal est réservé à l’administration. Pour lire un dossier, ouvrez-le dans l’application.',
    );

    const pre = await fetch(`${api.url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: ORIGINE_UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ORIGINE_UI);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    const ailleurs = await fetch(`${api.url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://malveillant.example' } });
    expect(ailleurs.headers.get('access-control-allow-origin')).toBeNull();

    const coord = await connecter('admin.essai');
    const db = (await baseEssai()).db;
    const avant = (await db.selectFrom('dechiffrements_codec').select('id').execute()).length;
    const chiffre = await appel('POST', '/codec/encode', { jeton: coord, corps: clair, entetes: { origin: ORIGINE_UI } });
    expect(chiffre.status, chiffre.texte).toBe(200);
    expect(chiffre.headers.get('access-control-allow-origin')).toBe(ORIGINE_UI);
    expect(Buffer.from(chiffre.json.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(chiffre.json.payloads[0].data, 'base64').toString('latin1')).not.toContain('Lefébure');
    const dechiffre = await appel('POST', '/codec/decode', { jeton: coord, corps: chiffre.json });
    expect(dechiffre.status).toBe(200);
    expect(dechiffre.json).toEqual(clair);
    const traces = await db.selectFrom('dechiffrements_codec').selectAll().orderBy('id').execute();
    expect(traces.slice(avant).map((t) => [t.personne_id, t.sens, t.nombre])).toEqual([
      ['admin.essai', 'encode', 1],
      ['admin.essai', 'decode', 1],
    ]);
    // Rien du contenu dans la trace.
    expect(JSON.stringify(traces)).not.toContain('Lefébure');

    // Par cookie aussi (l'interface Temporal envoie les cookies), et un payload altéré → 400.
    const parCookie = await appel('POST', '/codec/decode', { corps: chiffre.json, entetes: { cookie: `session=${coord}` } });
    expect(parCookie.status).toBe(200);
    const altere = structuredClone(chiffre.json);
    altere.payloads[0].data = Buffer.from('nimportequoi-nimportequoi-nimportequoi').toString('base64');
    estProbleme(await appel('POST', '/codec/decode', { jeton: coord, corps: altere }), 400);
  });
});
