/**
 * Ce que plusieurs processus d'API partagent par le système d'enregistrement (PostgreSQL) : deux
 * applications sur la même base, sans rien en commun en mémoire. Une session ouverte sur l'une vaut
 * sur l'autre ; les échecs de connexion comptent ensemble pour l'API et le formulaire de connexion,
 * par identifiant et par adresse du client.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deuxApiEssai, type ApiEssai } from './outils/api';
import { migrer } from '../base';
import { baseEssai, creerBaseEssai } from './outils/base';
import { COFFRE, monterBanc, type Banc } from './outils/environnement';
import { ENVOIS_AU_MENAGE_PAR_JOUR, retenirEnvoiAuMenage } from '../api/limite-envois';
import { Probleme } from '../api/problemes';

const MOT_DE_PASSE = 'le-bon-mot-de-passe';
let banc: Banc;
let a: ApiEssai;
let b: ApiEssai;
let deux: Awaited<ReturnType<typeof deuxApiEssai>>;

/**
 * L'horloge des deux API et de leur limite des connexions (rate-limiter-flexible lit `Date.now()`) :
 * les essais de la limite la figent et l'avancent au lieu d'attendre.
 */
const avancer = (ms: number) => vi.setSystemTime(Date.now() + ms);

beforeAll(async () => {
  banc = await monterBanc();
  deux = await deuxApiEssai(banc, MOT_DE_PASSE);
  ({ a, b } = deux);
});
afterAll(async () => {
  await deux?.fermer();
  await banc?.fermer();
});

const connexion = (api: ApiEssai, identifiant: string, motDePasse = MOT_DE_PASSE) => api.appel('POST', '/api/session', { corps: { identifiant, motDePasse } });

describe('sessions', () => {
  it('une session ouverte sur une API vaut sur l’autre ; fermée sur l’autre, elle ne vaut plus nulle part', async () => {
    const r = await connexion(a, 'coord.essai');
    expect(r.status).toBe(200);
    const jeton = r.json.jeton as string;
    const surB = await b.appel('GET', '/api/session', { jeton });
    expect(surB.status).toBe(200);
    expect(surB.json.personne.id).toBe('coord.essai');
    // Le cookie aussi, sur les pages de l'interface.
    const page = await b.appel('GET', '/parcours', { entetes: { cookie: `session=${jeton}`, accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await b.appel('DELETE', '/api/session', { jeton }).then((x) => x.status)).toBe(204);
    const apres = await a.appel('GET', '/api/session', { jeton });
    expect(apres.status).toBe(401);
  });

  it('la base ne garde que l’empreinte du jeton, jamais le jeton', async () => {
    const r = await connexion(b, 'ts.alice');
    const { db } = await baseEssai();
    const lignes = await db.selectFrom('sessions').selectAll().where('personne_id', '=', 'ts.alice').execute();
    expect(lignes.length).toBeGreaterThanOrEqual(1);
    for (const l of lignes) expect(l.empreinte).not.toBe(r.json.jeton);
  });
});

describe('limite des échecs de connexion', () => {
  // Chaque cas part d'un compteur vide (tous les appels viennent de 127.0.0.1), l'horloge figée.
  beforeEach(async () => {
    await (await baseEssai()).db.deleteFrom('limites_connexion').execute();
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('délai progressif dès le 3e échec d’un identifiant, sur les deux API : 1 s, puis 2 s, puis 4 s…, avec Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await connexion(i % 2 ? a : b, 'ts.alice', 'faux')).status).toBe(401);
    // Les compteurs ne gardent que des empreintes à clé : ni l'identifiant ni l'adresse en clair.
    const cles = (await (await baseEssai()).db.selectFrom('limites_connexion').select('key').execute()).map((l) => l.key);
    expect(cles).toHaveLength(3); // identifiant, adresse, délai
    for (const c of cles) expect(c).not.toMatch(/alice|127\.0\.0\.1|::1/);
    for (const [attente, api] of [
      [1, a],
      [2, b],
      [4, a],
    ] as const) {
      const trop = await connexion(api, 'ts.alice');
      expect(trop.status).toBe(429);
      expect(trop.headers.get('retry-after')).toBe(String(attente));
      expect(trop.json.detail).toBe(
        `Plusieurs essais ont échoué pour cet identifiant : attendez ${attente} seconde${attente > 1 ? 's' : ''} avant de réessayer.`,
      );
      // Le formulaire de l'autre API est tenu au même délai.
      expect(
        (await (api === a ? b : a).appel('POST', '/connexion', { formulaire: { identifiant: 'ts.alice', motDePasse: 'faux', retour: '/parcours' } })).status,
      ).toBe(429);
      avancer(attente * 1000);
      expect((await connexion(api, 'ts.alice', 'faux')).status).toBe(401);
    }
    avancer(8000);
    // Le bon mot de passe, le délai passé : la session s'ouvre et le compteur repart de zéro.
    expect((await connexion(b, 'ts.alice')).status).toBe(200);
    expect((await connexion(a, 'ts.alice', 'faux')).status).toBe(401);
    expect((await connexion(a, 'ts.alice', 'faux')).status).toBe(401);
  });

  it('10 échecs sur l’API pour un identifiant : le formulaire de l’autre API refuse aussi, même avec le bon mot de passe', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await connexion(i % 2 ? a : b, 'ts.bruno', 'faux')).status).toBe(401);
      avancer(61_000); // au-delà du délai progressif, dans la fenêtre de 15 minutes
    }
    const api = await connexion(a, 'ts.bruno');
    expect(api.status).toBe(429);
    expect(api.json.detail).toBe('Trop de tentatives de connexion pour cet identifiant. Réessayez dans quelques minutes.');
    const formulaire = await b.appel('POST', '/connexion', { formulaire: { identifiant: 'ts.bruno', motDePasse: MOT_DE_PASSE, retour: '/parcours' } });
    expect(formulaire.status).toBe(429);
    expect(formulaire.texte).toContain('Trop de tentatives de connexion');
    // Un autre identifiant n'est pas touché.
    expect((await connexion(b, 'coord.essai')).status).toBe(200);
    // La fenêtre de 15 minutes passée, l'identifiant peut se connecter à nouveau.
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
    avancer(15 * 60_000);
    expect((await connexion(a, 'ts.bruno')).status).toBe(200);
  });

  it('la mise à jour efface les compteurs d’avant, qui gardaient identifiant et adresse en clair', async () => {
    const b = await creerBaseEssai();
    try {
      await migrer(b.db, { jusqua: '0029-limites-connexion' });
      const avant = { points: 2, expire: String(Date.now() + 60_000) };
      await b.db
        .insertInto('limites_connexion')
        .values([
          { key: 'identifiant:ts.alice', ...avant },
          { key: 'adresse:127.0.0.1', ...avant },
        ])
        .execute();
      await migrer(b.db);
      expect(await b.db.selectFrom('limites_connexion').select('key').execute()).toEqual([]);
    } finally {
      await b.fermer();
    }
  });

  it('30 échecs d’une même adresse sur des identifiants différents : cette adresse est arrêtée, pour tous les comptes', async () => {
    for (let i = 0; i < 30; i++) expect((await connexion(i % 2 ? a : b, `inconnu.${i}`, 'faux')).status).toBe(401);
    const refus = await connexion(a, 'coord.essai');
    expect(refus.status).toBe(429);
    expect(refus.json.detail).toBe('Trop de tentatives de connexion depuis votre poste. Réessayez dans quelques minutes.');
    expect((await connexion(a, 'inconnu.31', 'faux')).status).toBe(429);
    expect((await b.appel('POST', '/connexion', { formulaire: { identifiant: 'coord.essai', motDePasse: MOT_DE_PASSE, retour: '/parcours' } })).status).toBe(
      429,
    );
    // L'attente dite couvre la fenêtre ; celle-ci passée, l'adresse se connecte de nouveau.
    const attente = Number(refus.headers.get('retry-after'));
    expect(attente).toBeGreaterThan(0);
    expect(attente).toBeLessThanOrEqual(15 * 60);
    avancer(attente * 1000);
    expect((await connexion(a, 'coord.essai')).status).toBe(200);
  });
});

describe('limite des envois au ménage', () => {
  // Les limites sont dans la base : toutes les API comptent au même endroit (le dossier, pas le processus).
  const processus = async () => ({ base: (await baseEssai()).db, coffre: COFFRE });
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`${ENVOIS_AU_MENAGE_PAR_JOUR} envois par dossier sur 24 heures, comptés une fois par requête, rendus si le parcours refuse ; puis 429 avec l’attente en français`, async () => {
    const deps = await processus();
    const dossier = `loiret-ahu--LIMITE-${Date.now()}`;
    const rendus: Array<{ rendre(): Promise<void> }> = [];
    for (let i = 0; i < ENVOIS_AU_MENAGE_PAR_JOUR; i++) rendus.push(await retenirEnvoiAuMenage(deps, dossier, `envoi-${i}`));
    // La même requête rejouée (un double clic, une reprise du client) ne compte pas de plus.
    await retenirEnvoiAuMenage(deps, dossier, 'envoi-0');
    const trop = await retenirEnvoiAuMenage(deps, dossier, 'envoi-en-trop').catch((e: unknown) => e);
    expect(trop).toBeInstanceOf(Probleme);
    const p = trop as Probleme;
    expect(p.status).toBe(429);
    expect(p.detail).toBe(
      `Déjà ${ENVOIS_AU_MENAGE_PAR_JOUR} documents envoyés au ménage de ce dossier en 24 heures : le prochain pourra partir dans 24 h. Vous pouvez aussi lui remettre le document.`,
    );
    expect(p.opts.retryAfter).toBe(24 * 3600);
    // Un autre dossier n'est pas touché.
    await retenirEnvoiAuMenage(deps, `${dossier}-autre`, 'envoi-0');
    // Un envoi refusé par le parcours est rendu : la requête refusée plus haut peut partir.
    await rendus[1]!.rendre();
    await retenirEnvoiAuMenage(deps, dossier, 'envoi-en-trop');
    expect(await retenirEnvoiAuMenage(deps, dossier, 'encore').catch((e: unknown) => (e as Probleme).detail)).toMatch(/le prochain pourra partir dans 24 h\./);
    vi.setSystemTime(Date.now() + 3 * 3600_000 + 20 * 60_000);
    expect(await retenirEnvoiAuMenage(deps, dossier, 'encore').catch((e: unknown) => (e as Probleme).detail)).toMatch(
      /le prochain pourra partir dans 20 h 40 min\./,
    );
    // Les clés ne sont que des empreintes : ni le dossier ni la requête en clair.
    const cles = (await deps.base.selectFrom('limites_connexion').select('key').execute()).map((l) => l.key);
    expect(cles.filter((c) => c.startsWith('envoi-menage')).length).toBeGreaterThan(0);
    for (const c of cles) expect(c).not.toMatch(/LIMITE|envoi-\d/);
    // Le lendemain, le dossier peut de nouveau envoyer.
    vi.setSystemTime(Date.now() + 21 * 3600_000);
    await retenirEnvoiAuMenage(deps, dossier, 'le-lendemain');
  });

  it('le nombre d’envois réglé (ENVOIS_MENAGE_PAR_JOUR) : dit dans le refus ; un autre réglage compte au même endroit', async () => {
    const base = await processus();
    const dossier = `loiret-ahu--REGLE-${Date.now()}`;
    const un = { ...base, options: { envoisAuMenageParJour: 1 } };
    await retenirEnvoiAuMenage(un, dossier, 'premier');
    const refus = await retenirEnvoiAuMenage(un, dossier, 'second').catch((e: unknown) => (e as Probleme).detail);
    expect(refus).toBe(
      'Déjà un document envoyé au ménage de ce dossier en 24 heures : le prochain pourra partir dans 24 h. Vous pouvez aussi lui remettre le document.',
    );
    // Un serveur réglé à 3 compte le même dossier au même endroit : l'envoi déjà fait y est.
    const trois = { ...base, options: { envoisAuMenageParJour: 3 } };
    await retenirEnvoiAuMenage(trois, dossier, 'second');
    await retenirEnvoiAuMenage(trois, dossier, 'troisieme');
    expect(await retenirEnvoiAuMenage(trois, dossier, 'quatrieme').catch((e: unknown) => (e as Probleme).detail)).toMatch(
      /^Déjà 3 documents envoyés au ménage de ce dossier en 24 heures/,
    );
  });
});
