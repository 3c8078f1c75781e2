/**
 * La liste des parcours, lue dans le système d'enregistrement (les dossiers que les parcours
 * consignent sur le vrai serveur) : nom du ménage, recherche par nom ou référence, filtres, portée
 * par rôle, tri « en retard d'abord », pages. Un des parcours passe son échéance : son horloge seule
 * avance.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ficheDepuisEtat } from '../domain/indicateurs';
import type { EtatParcours } from '../domain/vocabulaire';
import { RegistreDossiers } from '../dossiers/registre';
import { definirMessage, type RegistreParcours } from '../api/registre';
import { creerAnnuaire, type Personne } from '../personnel/annuaire';
import { hashPassword } from '../securite/mots-de-passe';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { baseEssai } from './outils/base';
import { CATALOGUE, COFFRE, PERSONNEL, apres, avancerJusqua, echeanceSuivie, menageEssai, monterBanc, type Banc } from './outils/environnement';
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
      'visite-faite': definirMessage({
        update: visiteFaiteUpdate,
        schema: z.object({ note: z.string().min(1) }),
        roles: ['travailleur_social'],
        libelle: 'Visite à domicile faite',
      }),
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

async function lancer(programmeId: string, travailleurSocial: string | undefined, delaiVisite: string, nom: string, reference?: string) {
  const r = await appel('POST', '/api/parcours', await connecter('admin.essai'), {
    programmeId,
    menage: { ...menageEssai(reference), nom },
    travailleurSocial,
    donnees: { delaiVisite, delaiValidation: 'P1W' },
  });
  expect(r.status, r.texte).toBe(201);
  return r.json.workflowId as string;
}

/** Ce qu'une liste dit de nos parcours, pour les messages d'erreur. */
const resume = (l: any[]) =>
  JSON.stringify(filtrer(l).map((p) => ({ id: p.workflowId, etape: p.etape, enRetard: p.enRetard, prochaineEcheance: p.prochaineEcheance })));

/** Les dossiers sont consignés par une activité après chaque changement : on réessaie jusqu'à obtenir ce qu'on attend. */
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
let E: string; // dossier clos, consigné comme un parcours terminé (et déjà oublié de Temporal)
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

  const suffixe = Math.random().toString(36).slice(2, 6).toUpperCase();
  [A, B, C, D] = await Promise.all([
    lancer('loiret-ahu', 'ts.alice', 'P3W', 'M. Étienne Lefèvre'),
    lancer('loiret-ahu', 'ts.bruno', 'P1W', 'Famille Nguyen-Durand', `ORL-${suffixe}-1`),
    lancer('loiret-ahu', 'ts.alice', 'P1D', 'Mme Durandal'),
    lancer('besancon-ccas', undefined, 'P2W', 'M. Lefebvre'),
  ]);
  // C passe l'échéance de sa visite (son horloge seule avance).
  const c = banc.env.client.workflow.getHandle(C);
  await avancerJusqua(banc, c, apres((await echeanceSuivie(c, 'visite')).due));
  await echeanceSuivie(c, 'visite', 'depassee');
  const ref = menageEssai().reference;
  E = `loiret-ahu--${ref}`;
  const ouvert = '2026-01-05T09:00:00.000Z';
  const etatE: EtatParcours = {
    workflowId: E,
    typeParcours: 'prevention_precontentieuse',
    programme: { id: 'loiret-ahu', version: 1, nom: 'Loiret' },
    reference: ref,
    etape: 'cloture',
    libelleEtape: 'Clôturé : sortie du dispositif',
    travailleurSocial: 'ts.alice',
    cloture: { issue: 'cloture_anticipee', motif: 'Déménagement', le: '2026-02-01T09:00:00.000Z' },
    echeances: [],
    demandes: [],
    journal: [{ seq: 1, date: ouvert, type: 'ouverture', acteur: { type: 'systeme' }, resume: 'Parcours ouvert', visibilite: 'partenaires' }],
    details: {},
    detailsConfidentiels: { menage: { ...menageEssai(ref), nom: 'Mme Lefèvre-Martin' } },
  };
  await new RegistreDossiers((await baseEssai()).db, COFFRE).consigner({ etat: etatE, journalDepuis: 1, fiche: ficheDepuisEtat(etatE), version: 1 });
});

afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

describe('liste des parcours (système d’enregistrement)', () => {
  it('admin : tous, en retard d’abord puis par prochaine échéance', async () => {
    const admin = await connecter('admin.essai');
    const l = filtrer(
      await lister(admin, '', (x) => {
        const n = filtrer(x);
        // Chaque parcours ouvert a son échéance publiée (après l'accusé au bailleur : une tâche de plus).
        return (
          n.length === 5 &&
          n.some((p) => p.workflowId === C && p.enRetard) &&
          n.every((p) => p.workflowId === E || (p.etape === 'aller_vers' && (p.workflowId === C || p.prochaineEcheance)))
        );
      }),
    );
    expect(l.map((p) => p.workflowId)).toEqual([C, B, D, A, E]);
    const c = l[0];
    expect(c).toMatchObject({
      workflowId: C,
      nom: 'Mme Durandal',
      programme: 'loiret-ahu',
      typeParcours: 'prevention_precontentieuse',
      travailleurSocial: 'ts.alice',
      enRetard: true,
      cloture: false,
      statut: 'en_cours',
    });
    expect(c.libelleEcheance).toBe('Première visite à domicile');
    expect(c.reference).toBe(C.slice('loiret-ahu--'.length));
    const b = l[1];
    expect(new Date(b.prochaineEcheance).getTime()).toBeLessThan(new Date(l[3].prochaineEcheance).getTime());
    expect(l[4]).toMatchObject({ workflowId: E, nom: 'Mme Lefèvre-Martin', cloture: true, etape: 'cloture', statut: 'termine' });
    expect(l[4].prochaineEcheance).toBeUndefined();
  });

  it('programmes : parcours ouverts et en retard par programme ; pour l’IML, quota, mesures actives et file ; réservé à la coordination', async () => {
    const admin = await connecter('admin.essai');
    const l: any[] = await vi.waitFor(
      async () => {
        const r = await appel('GET', '/api/programmes', admin);
        expect(r.status, r.texte).toBe(200);
        const loiret = r.json.find((p: { id: string }) => p.id === 'loiret-ahu');
        if (!(loiret?.parcoursOuverts === 3 && loiret?.parcoursEnRetard === 1))
          throw new Error(`loiret-ahu : 3 parcours ouverts dont 1 en retard attendus ; reçu ${JSON.stringify(loiret)}`);
        return r.json;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(l.map((p) => p.id).sort()).toEqual(
      CATALOGUE.tous()
        .map((p) => p.id)
        .sort(),
    );
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

  it('recherche par début de mot du nom (sans accents ni casse) ou de la référence, dans la portée de chacun', async () => {
    const admin = await connecter('admin.essai');
    const ids = async (jeton: string, q: string, n: number) =>
      filtrer(await lister(jeton, `?recherche=${encodeURIComponent(q)}`, (x) => filtrer(x).length === n)).map((p) => p.workflowId);
    const lefe = await ids(admin, 'lefe', 3);
    expect(new Set(lefe)).toEqual(new Set([A, D, E]));
    expect(await ids(admin, 'LEFÈVRE', 2)).toEqual([A, E]);
    expect(await ids(admin, 'durand', 2)).toEqual([C, B]);
    expect(await ids(admin, 'nguyen dur', 1)).toEqual([B]);
    expect(await ids(admin, 'étienne lefèvre', 1)).toEqual([A]);
    const refB = B.slice('loiret-ahu--'.length);
    expect(await ids(admin, refB.slice(0, 6).toLowerCase(), 1)).toEqual([B]);
    // Une coordination ne trouve que dans ses programmes, un travailleur social que ses ménages.
    expect(await ids(await connecter('coord.besancon'), 'lefe', 1)).toEqual([D]);
    expect(await ids(await connecter('ts.alice'), 'durand', 1)).toEqual([C]);
    // Rien de trouvé : une liste vide, pas une erreur ; trop long : 400 en français.
    expect(filtrer((await appel('GET', '/api/parcours?recherche=zzzz', admin)).json)).toEqual([]);
    const long = await appel('GET', `/api/parcours?recherche=${'a'.repeat(101)}`, admin);
    expect(long.status).toBe(400);
    expect(long.json.errors[0]).toEqual({ champ: 'recherche', message: 'recherche : 100 caractères au plus' });
  });

  it('pages : taille, total dans X-Total-Count, pages voisines dans Link ; aucune coupure silencieuse', async () => {
    const admin = await connecter('admin.essai');
    await lister(admin, '', (x) => filtrer(x).length === 5);
    const p1 = await appel('GET', '/api/parcours?taille=2', admin);
    expect(p1.status).toBe(200);
    expect(p1.headers.get('x-total-count')).toBe('5');
    expect(p1.json.map((p: any) => p.workflowId)).toEqual([C, B]);
    expect(p1.headers.get('link')).toBe('</api/parcours?taille=2&page=2>; rel="next"');
    const p3 = await appel('GET', '/api/parcours?taille=2&page=3', admin);
    expect(p3.json.map((p: any) => p.workflowId)).toEqual([E]);
    expect(p3.headers.get('link')).toBe('</api/parcours?taille=2&page=2>; rel="prev"');
    const p2 = await appel('GET', '/api/parcours?taille=2&page=2', admin);
    expect(p2.json.map((p: any) => p.workflowId)).toEqual([D, A]);
    expect(p2.headers.get('link')).toContain('rel="next"');
    expect(p2.headers.get('link')).toContain('rel="prev"');
    const mauvaise = await appel('GET', '/api/parcours?taille=500', admin);
    expect(mauvaise.status).toBe(400);
    expect(mauvaise.json.errors[0]).toEqual({ champ: 'taille', message: 'taille : 200 au plus' });
  });
});
