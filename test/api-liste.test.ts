/**
 * La liste des parcours (visibilité Temporal, sur le vrai serveur) : filtres, portée par rôle, tri
 * « en retard d'abord ». Un des parcours passe son échéance : son horloge seule avance.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { SA } from '../domain/attributs-recherche';
import type { RegistreParcours } from '../api/registre';
import { requeteListe } from '../api/routes/parcours';
import { creerAnnuaire, type Personne } from '../personnel/annuaire';
import { hashPassword } from '../securite/mots-de-passe';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { CATALOGUE, PERSONNEL, apres, avancerJusqua, echeanceSuivie, menageEssai, monterBanc, type Banc } from './outils/environnement';
import { visiteFaiteUpdate, type EntreeEssai } from './workflows/essai-blocs';

const REGISTRE_ESSAI: RegistreParcours = {
  prevention_precontentieuse: {
    typeParcours: 'prevention_precontentieuse',
    workflowType: 'essaiBlocs',
    schemaLancement: z.object({ delaiVisite: z.string().default('P3W'), delaiValidation: z.string().default('P1W') }),
    construireEntree: (c): EntreeEssai => ({
      programme: c.programme,
      menage: c.menage,
      travailleurSocial: c.travailleurSocial,
      ...(c.donnees as { delaiVisite: string; delaiValidation: string }),
    }),
    messages: {
      'visite-faite': { update: visiteFaiteUpdate, schema: z.object({ note: z.string().min(1) }), roles: ['travailleur_social'], libelle: 'Visite à domicile faite' },
    },
  },
};

const MOT_DE_PASSE = 'mot-de-passe-essai';

let banc: Banc;
let api: ApiEssai;
const jetons: Record<string, string> = {};

async function appel(methode: string, chemin: string, jeton?: string, corps?: unknown) {
  return api.appel(methode, chemin, { jeton, corps });
}

async function connecter(id: string) {
  if (!jetons[id]) {
    const r = await appel('POST', '/api/session', undefined, { identifiant: id, motDePasse: MOT_DE_PASSE });
    expect(r.status).toBe(200);
    jetons[id] = r.json.jeton;
  }
  return jetons[id]!;
}

async function lancer(programmeId: string, travailleurSocial: string | undefined, delaiVisite: string) {
  const r = await appel('POST', '/api/parcours', await connecter('admin.essai'), {
    programmeId,
    menage: menageEssai(),
    travailleurSocial,
    donnees: { delaiVisite, delaiValidation: 'P1W' },
  });
  expect(r.status, r.texte).toBe(201);
  return r.json.workflowId as string;
}

/** Ce qu'une liste dit de nos parcours, pour les messages d'erreur. */
const resume = (l: any[]) => JSON.stringify(filtrer(l).map((p) => ({ id: p.workflowId, etape: p.etape, enRetard: p.enRetard, prochaineEcheance: p.prochaineEcheance })));

/** La visibilité est à cohérence différée : on réessaie jusqu'à obtenir ce qu'on attend. */
async function lister(jeton: string, requete: string, attendu: (l: any[]) => boolean, delaiMs = 20_000) {
  return vi.waitFor(
    async () => {
      const r = await appel('GET', `/api/parcours${requete}`, jeton);
      expect(r.status, r.texte).toBe(200);
      if (!attendu(r.json)) throw new Error(`GET /api/parcours${requete} : liste attendue jamais obtenue ; nos parcours : ${resume(r.json)}`);
      return r.json as any[];
    },
    { timeout: delaiMs, interval: 200 },
  );
}

let A: string; // loiret, alice, visite dans 3 semaines
let B: string; // loiret, bruno, visite dans 1 semaine
let C: string; // loiret, alice, visite dans 1 jour, que son horloge dépasse → en retard
let D: string; // besançon, sans travailleur social, visite dans 2 semaines
let E: string; // enregistrement clos (démarré sans worker, attributs « clôturé »)
const nos = () => new Set([A, B, C, D, E]);
const filtrer = (l: any[]) => l.filter((p) => nos().has(p.workflowId));

beforeAll(async () => {
  banc = await monterBanc();
  const personnes: Personne[] = [
    ...PERSONNEL,
    { id: 'coord.besancon', nom: 'Coordination Besançon', courriel: 'b@essai.example', role: 'coordinateur', programmes: ['besancon-ccas'], motDePasse: '' },
    { id: 'admin.essai', nom: 'Administration', courriel: 'a@essai.example', role: 'admin', programmes: [], motDePasse: '' },
  ];
  const empreinte = await hashPassword(MOT_DE_PASSE);
  api = await demarrerApiEssai(banc, { annuaire: creerAnnuaire(personnes.map((p) => ({ ...p, motDePasse: empreinte }))), registre: REGISTRE_ESSAI });

  [A, B, C, D] = await Promise.all([
    lancer('loiret-ahu', 'ts.alice', 'P3W'),
    lancer('loiret-ahu', 'ts.bruno', 'P1W'),
    lancer('loiret-ahu', 'ts.alice', 'P1D'),
    lancer('besancon-ccas', undefined, 'P2W'),
  ]);
  // C passe l'échéance de sa visite (son horloge seule avance).
  const c = banc.env.client.workflow.getHandle(C);
  await avancerJusqua(banc, c, apres((await echeanceSuivie(c, 'visite')).due));
  await echeanceSuivie(c, 'visite', 'depassee');
  const ref = menageEssai().reference;
  E = `loiret-ahu--${ref}`;
  await banc.env.client.workflow.start('essaiBlocs', {
    taskQueue: `${banc.taskQueue}-sans-worker`,
    workflowId: E,
    args: [{}],
    typedSearchAttributes: [
      { key: SA.programme, value: 'loiret-ahu' },
      { key: SA.typeParcours, value: 'prevention_precontentieuse' },
      { key: SA.etape, value: 'cloture' },
      { key: SA.travailleurSocial, value: 'ts.alice' },
      { key: SA.cloture, value: true },
      { key: SA.enRetard, value: false },
    ],
  });
});

afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

describe('liste des parcours (visibilité)', () => {
  it('admin : tous, en retard d’abord puis par prochaine échéance', async () => {
    const admin = await connecter('admin.essai');
    const l = filtrer(
      await lister(admin, '', (x) => {
        const n = filtrer(x);
        // Chaque parcours ouvert a son échéance publiée (après l'accusé au bailleur : une tâche de plus).
        return n.length === 5 && n.some((p) => p.workflowId === C && p.enRetard) && n.every((p) => p.workflowId === E || (p.etape === 'aller_vers' && (p.workflowId === C || p.prochaineEcheance)));
      }),
    );
    expect(l.map((p) => p.workflowId)).toEqual([C, B, D, A, E]);
    const c = l[0];
    expect(c).toMatchObject({ workflowId: C, programme: 'loiret-ahu', typeParcours: 'prevention_precontentieuse', travailleurSocial: 'ts.alice', enRetard: true, cloture: false, statut: 'en_cours' });
    expect(c.reference).toBe(C.slice('loiret-ahu--'.length));
    const b = l[1];
    expect(new Date(b.prochaineEcheance).getTime()).toBeLessThan(new Date(l[3].prochaineEcheance).getTime());
    expect(l[4]).toMatchObject({ workflowId: E, cloture: true, etape: 'cloture' });
    expect(l[4].prochaineEcheance).toBeUndefined();
  });

  it('programmes : parcours ouverts et en retard par programme ; pour l’IML, quota, mesures actives et file ; réservé à la coordination', async () => {
    const admin = await connecter('admin.essai');
    const l: any[] = await vi.waitFor(
      async () => {
        const r = await appel('GET', '/api/programmes', admin);
        expect(r.status, r.texte).toBe(200);
        const loiret = r.json.find((p: { id: string }) => p.id === 'loiret-ahu');
        if (!(loiret?.parcoursOuverts === 3 && loiret?.parcoursEnRetard === 1)) throw new Error(`loiret-ahu : 3 parcours ouverts dont 1 en retard attendus ; reçu ${JSON.stringify(loiret)}`);
        return r.json;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(l.map((p) => p.id).sort()).toEqual(CATALOGUE.tous().map((p) => p.id).sort());
    expect(l.find((p) => p.id === 'loiret-ahu')).toMatchObject({ parcoursOuverts: 3, parcoursEnRetard: 1, typeParcours: 'prevention_precontentieuse' });
    expect(l.find((p) => p.id === 'besancon-ccas')).toMatchObject({ parcoursOuverts: 1, parcoursEnRetard: 0 });
    expect(l.find((p) => p.id === 'loiret-ahu').fileIml).toBeUndefined();
    expect(l.find((p) => p.id === 'concarneau-iml')).toMatchObject({ parcoursOuverts: 0, fileIml: { quota: 10, actives: 0, enAttente: 0, placesLibres: 10 } });
    const besancon = (await appel('GET', '/api/programmes', await connecter('coord.besancon'))).json;
    expect(besancon.map((p: { id: string }) => p.id)).toEqual(['besancon-ccas']);
    expect((await appel('GET', '/api/programmes', await connecter('ts.alice'))).status).toBe(403);
  });

  it('filtres : programme, travailleur social, clôture, retard, étape, type', async () => {
    const admin = await connecter('admin.essai');
    const ids = async (q: string, n: number) => filtrer(await lister(admin, q, (x) => filtrer(x).length === n)).map((p) => p.workflowId);
    expect(await ids('?programme=besancon-ccas', 1)).toEqual([D]);
    expect(await ids('?travailleurSocial=ts.bruno', 1)).toEqual([B]);
    expect(await ids('?travailleurSocial=ts.alice&cloture=false', 2)).toEqual([C, A]);
    expect(await ids('?cloture=true', 1)).toEqual([E]);
    expect(await ids('?enRetard=true', 1)).toEqual([C]);
    expect(await ids('?programme=loiret-ahu&enRetard=false&cloture=false', 2)).toEqual([B, A]);
    expect(await ids('?etape=cloture', 1)).toEqual([E]);
    expect(await ids('?type=prevention_precontentieuse&programme=loiret-ahu', 4)).toEqual([C, B, A, E]);
  });

  it('portée : un travailleur social ne voit que ses ménages, une coordination que ses programmes', async () => {
    const alice = filtrer(await lister(await connecter('ts.alice'), '', (x) => filtrer(x).length === 3)).map((p) => p.workflowId);
    expect(alice).toEqual([C, A, E]);
    const aliceBruno = filtrer(await lister(await connecter('ts.alice'), '?travailleurSocial=ts.bruno', () => true));
    expect(aliceBruno).toEqual([]);
    const besancon = filtrer(await lister(await connecter('coord.besancon'), '', (x) => filtrer(x).length === 1)).map((p) => p.workflowId);
    expect(besancon).toEqual([D]);
    const interdit = await appel('GET', '/api/parcours?programme=loiret-ahu', await connecter('coord.besancon'));
    expect(interdit.status).toBe(403);
  });

  it('filtres invalides → 400 qui nomme le champ ; les valeurs ne peuvent pas injecter de requête', async () => {
    const admin = await connecter('admin.essai');
    const r1 = await appel('GET', `/api/parcours?programme=${encodeURIComponent("x' OR Programme != '")}`, admin);
    expect(r1.status).toBe(400);
    expect(r1.json.errors[0].champ).toBe('programme');
    const r2 = await appel('GET', '/api/parcours?enRetard=peut-etre', admin);
    expect(r2.status).toBe(400);
    expect(r2.json.errors[0]).toEqual({ champ: 'enRetard', message: 'booléen attendu : true ou false' });
    const r3 = await appel('GET', '/api/parcours?tri=nom', admin);
    expect(r3.status).toBe(400);
    expect(r3.json.errors[0]).toEqual({ champ: 'tri', message: 'champ non reconnu' });
    const r4 = await appel('GET', '/api/parcours?programme=a&programme=b', admin);
    expect(r4.status).toBe(400);
  });

  it('requeteListe échappe et borne la requête de visibilité', () => {
    const ts = { id: 'ts.alice', nom: '', courriel: '', role: 'travailleur_social', programmes: [], motDePasse: '' } as Personne;
    expect(requeteListe(ts, { cloture: false })).toBe(
      "TypeParcours IN ('prevention_precontentieuse', 'iml_bail_glissant', 'protocole_post_resiliation') AND TravailleurSocial = 'ts.alice' AND Cloture = false",
    );
    const coordVide = { ...ts, role: 'coordinateur' } as Personne;
    expect(requeteListe(coordVide, {})).toBeNull();
  });
});
