/**
 * La page d'administration « Simuler l'année d'un programme » (issue 18, point 5) : l'administration
 * lance une petite simulation (3 ménages de besancon-ccas) ; l'API enregistre la demande dans
 * PostgreSQL et lance son processus à part (scripts/executer-simulation.ts, son propre moteur
 * Temporal avec saut de temps et sa base temporaire) ; la page suit l'avancement, puis montre le
 * bilan en français. Une seule simulation à la fois ; la coordination n'y a pas accès ; une saisie
 * invalide est redite en français sans rien enregistrer ; une simulation sans signe de vie depuis
 * plus de deux minutes est « interrompue ».
 *
 * Vrai PostgreSQL (la base du fichier), vrai processus, vrai moteur ; l'API n'a pas besoin ici du
 * serveur Temporal des parcours (client paresseux, jamais appelé par ces pages).
 */
import { Client, Connection } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { creerLanceurSimulations } from '../simulations/lanceur';
import { jetonCsrf } from '../web/session';
import { annuaireEssai, demarrerApiEssai, type ApiEssai } from './outils/api';
import { baseEssai, type BaseEssai } from './outils/base';
import { CATALOGUE, PERSONNEL, type Banc } from './outils/environnement';

const MOT_DE_PASSE = 'simulation-essai';
const ADMIN = { ...PERSONNEL[0]!, id: 'admin.essai', nom: 'Administration Essai', courriel: 'admin@essai.example', role: 'admin' as const, programmes: [] };

let base: BaseEssai;
let api: ApiEssai;
const jetons = new Map<string, string>();

/** Ces pages ne parlent pas au serveur Temporal des parcours : un client paresseux, jamais connecté. */
const sansMoteurDesParcours = (): Banc =>
  ({
    env: { client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }) },
    taskQueue: 'sans-moteur',
    dependances: { transport: nodemailer.createTransport({ jsonTransport: true }) },
  }) as unknown as Banc;

beforeAll(async () => {
  base = await baseEssai();
  // Le processus de la simulation reprend le paquet des workflows déjà construit pour la suite.
  process.env.PAQUET_WORKFLOWS_ESSAI = inject('paquetWorkflows').chemin;
  const journal = pino({ level: 'silent' });
  api = await demarrerApiEssai(sansMoteurDesParcours(), {
    annuaire: await annuaireEssai(MOT_DE_PASSE, [ADMIN]),
    surcharges: { simulations: creerLanceurSimulations({ databaseUrl: base.url, base: base.db, journal }) },
  });
});
afterAll(async () => {
  await api?.fermer();
});

async function connecter(id: string): Promise<string> {
  if (!jetons.has(id)) {
    const r = await api.appel('POST', '/api/session', { corps: { identifiant: id, motDePasse: MOT_DE_PASSE } });
    expect(r.status, r.texte).toBe(200);
    jetons.set(id, r.json.jeton as string);
  }
  return jetons.get(id)!;
}

const poster = async (id: string, champs: Record<string, string>) => {
  const jeton = await connecter(id);
  return api.appel('POST', '/simulations', { jeton, formulaire: { csrf: jetonCsrf(jeton), ...champs } });
};
const lire = async (chemin: string, id = ADMIN.id) => api.appel('GET', chemin, { jeton: await connecter(id) });
/** Le texte qu'une personne lit : sans balises ni attributs. */
const texteVisible = (h: string) =>
  h
    .replace(/<(style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
const nombreDeSimulations = async () =>
  Number(
    (
      await base.db
        .selectFrom('simulations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('simuler l’année d’un programme (administration)', () => {
  it('la coordination et le travail social n’y ont pas accès (403, en français)', async () => {
    for (const id of ['coord.essai', 'ts.alice']) {
      const page = await lire('/simulations', id);
      expect(page.status).toBe(403);
      expect(page.texte).toContain('réservée à l’administration');
      const envoi = await poster(id, { programmes: 'besancon-ccas', 'menages-besancon-ccas': '3', graine: '1', enRetard: '0' });
      expect(envoi.status).toBe(403);
    }
    // Le lien n'est dans la navigation que pour l'administration.
    expect((await lire('/parcours', 'coord.essai')).texte).not.toContain('href="/simulations"');
    expect((await lire('/parcours')).texte).toContain('href="/simulations"');
    expect(await nombreDeSimulations()).toBe(0);
  });

  it('le formulaire : les programmes du catalogue avec leur type, les ménages par défaut ; une saisie invalide est redite en français, sans rien enregistrer', async () => {
    const page = await lire('/simulations');
    expect(page.status).toBe(200);
    expect(page.texte).toContain('<h1>Simuler l’année d’un programme</h1>');
    for (const p of CATALOGUE.tous()) expect(page.texte).toContain(`<legend>${p.nom}</legend>`);
    expect(page.texte).toContain('Prévention précontentieuse — Besançon (Doubs)');
    // loiret-ahu reçoit 20 situations par an : c'est la valeur proposée.
    expect(page.texte).toContain('name="menages-loiret-ahu" value="20"');
    expect(page.texte).toContain('name="menages-besancon-ccas" value="169"');
    expect(page.texte).toContain('Aucune simulation pour l’instant.');

    const vide = await poster(ADMIN.id, { graine: 'quarante', enRetard: '1' });
    expect(vide.status).toBe(400);
    expect(vide.texte).toContain('La simulation n’a pas été lancée');
    expect(vide.texte).toContain('Programmes à simuler : choisissez au moins un programme');
    expect(vide.texte).toContain('Graine du tirage : nombre entier attendu (par exemple 42)');
    expect(vide.texte).toContain('value="quarante"');

    const sansMenages = await poster(ADMIN.id, { programmes: 'besancon-ccas', 'menages-besancon-ccas': '', graine: '1', enRetard: '3' });
    expect(sansMenages.status).toBe(400);
    expect(sansMenages.texte).toContain('Ménages de l’année pour « CCAS de Besançon — prévention des impayés (commission impayés) » : champ obligatoire');
    const tropEnRetard = await poster(ADMIN.id, { programmes: 'besancon-ccas', 'menages-besancon-ccas': '3', graine: '1', enRetard: '3' });
    expect(tropEnRetard.status).toBe(400);
    expect(tropEnRetard.texte).toContain('Dont parfois en retard : pas plus que l’équipe du programme');
    expect(tropEnRetard.texte).toContain('aria-invalid="true"');
    expect(await nombreDeSimulations()).toBe(0);
  });

  it('l’administration lance 3 ménages de besancon-ccas : l’avancement, une seule à la fois, puis le bilan en français', async () => {
    const envoi = await poster(ADMIN.id, { programmes: 'besancon-ccas', 'menages-besancon-ccas': '3', graine: '42', enRetard: '1' });
    expect(envoi.status, envoi.texte).toBe(303);
    const chemin = envoi.headers.get('location')!;
    expect(chemin).toMatch(/^\/simulations\/[0-9a-f-]{36}$/);

    // Pendant qu'elle tourne : la page dit où elle en est ; elle ne se recharge d'elle-même que si on
    // le demande (« Suivre l'avancement »), et cela s'arrête d'un lien.
    const pendant = await lire(chemin);
    expect(pendant.status).toBe(200);
    expect(pendant.texte).not.toContain('http-equiv="refresh"');
    expect(pendant.texte).toContain(`<a href="${chemin}?suivre=oui">Suivre l’avancement (la page se recharge toutes les 5 secondes)</a>`);
    // Suivie, elle se recharge tant qu'elle tourne (elle peut déjà être finie : 3 ménages vont vite).
    const suivie = await lire(`${chemin}?suivre=oui`);
    expect(suivie.texte.includes('<meta http-equiv="refresh" content="5">')).toBe(suivie.texte.includes('<h2>Avancement</h2>'));
    expect(pendant.texte).toContain('<h2>Avancement</h2>');
    expect(pendant.texte).toContain('<a href="/simulations">Toutes les simulations</a>');
    // Une seconde demande est refusée, la première est montrée.
    const seconde = await poster(ADMIN.id, { programmes: 'loiret-ahu', 'menages-loiret-ahu': '3', graine: '1', enRetard: '1' });
    expect(seconde.status).toBe(409);
    expect(seconde.texte).toContain('Une simulation est déjà en cours (demandée par Administration Essai');
    expect(seconde.texte).toContain(`<a href="${chemin}">Suivre son avancement</a>`);
    expect(await nombreDeSimulations()).toBe(1);

    const id = chemin.split('/').pop()!;
    await vi.waitFor(
      async () => {
        const l = await base.db
          .selectFrom('simulations')
          .select(['statut', 'erreur', 'etapes_faites', 'etapes_total'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        if (l.statut === 'echouee' || l.statut === 'interrompue') throw new Error(`simulation ${l.statut} : ${l.erreur}`);
        expect(l.statut).toBe('terminee');
      },
      { timeout: 150_000, interval: 500 },
    );

    const fin = await lire(chemin);
    expect(fin.status).toBe(200);
    expect(fin.texte).not.toContain('http-equiv="refresh"');
    expect(fin.texte).toContain('<span class="badge ouvert">Terminée</span>');
    // L'ETP et l'équipe qu'il faut.
    expect(fin.texte).toMatch(/<strong>\d+,\d\d ETP<\/strong> ; le programme prévoit 0,50 ETP\. Il faut 1 travailleur social à \d+,\d\d ETP\./);
    expect(fin.texte).toContain('Des hypothèses à ajuster.');
    // La charge par semaine : les 52 semaines de l'année, dans un tableau.
    expect(fin.texte).toContain('<h2>Charge par semaine</h2>');
    expect(fin.texte.match(/<th scope="row" role="rowheader">\d{1,2}(?:er)? [a-zéû]+\.? \d{4}<\/th>/g)).toHaveLength(52);
    expect(fin.texte).toContain('Travailleur social 1 — CCAS de Besançon');
    expect(fin.texte).toContain('<h2>Délais manqués</h2>');
    expect(fin.texte).toContain('<h2>Issues des parcours</h2>');
    // Ni identifiant ni code : des mots.
    for (const code of ['ts.besancon', 'travailleur_social', 'besancon-ccas', 'visite_domicile', 'undefined', 'NaN', '2026-', '2027-'])
      expect(texteVisible(fin.texte), code).not.toContain(code);

    // La liste : la simulation terminée, qui, quoi, 100 %.
    const liste = await lire('/simulations');
    expect(liste.texte).toContain(`<a href="${chemin}">`);
    expect(liste.texte).toContain('<td role="cell" data-label="Par">Administration Essai</td>');
    expect(liste.texte).toContain('CCAS de Besançon — prévention des impayés (commission impayés) (3 ménages)');
    expect(liste.texte).toContain('<td role="cell" data-label="Progression">100 %</td>');
  });

  it('une simulation « en cours » sans signe de vie depuis plus de deux minutes est interrompue, et n’empêche pas d’en lancer une autre', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    await base.db
      .insertInto('simulations')
      .values({
        id,
        programmes: JSON.stringify([
          { id: 'loiret-ahu', nom: 'LogemLoiret × AHU', typeParcours: 'prevention_precontentieuse', version: 1, menages: 20, definition: {} },
        ]),
        graine: 7,
        options: JSON.stringify({ enRetard: 1 }),
        statut: 'en_cours',
        etapes_faites: 12,
        etapes_total: 300,
        demandee_par: ADMIN.id,
        battement_le: sql<Date>`now() - interval '3 minutes'`,
      })
      .execute();
    const page = await lire(`/simulations/${id}`);
    expect(page.status).toBe(200);
    expect(page.texte).toContain('<span class="badge retard">Interrompue</span>');
    expect(page.texte).toContain('ne donne plus signe de vie depuis plus de 2 minutes');
    expect(page.texte).not.toContain('http-equiv="refresh"');
    expect((await base.db.selectFrom('simulations').select('statut').where('id', '=', id).executeTakeFirstOrThrow()).statut).toBe('interrompue');
    expect((await lire('/simulations/inconnue')).status).toBe(404);
  });
});
