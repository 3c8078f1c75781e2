/**
 * Les courriels que le serveur de courriel refuse : comptés dans la boîte d'envoi tant qu'ils sont
 * repris, montrés en tête du tableau de bord (coordination, travailleurs sociaux : leurs programmes ;
 * administration : tous), et plus du tout une fois partis.
 */
import { describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { NOM_COOKIE } from '../api/auth';
import { courrielsEnAttente, REPRISE_RECENTE_MS } from '../base/courriels-en-attente';
import { bancAvecApi } from './outils/api';
import { ADMIN_ESSAI, COORD_BESANCON_ESSAI, menageEssai, situationPrevention } from './outils/environnement';

const essai = bancAvecApi('attente-essai', { autres: [COORD_BESANCON_ESSAI, ADMIN_ESSAI] });

const TITRE = '<h2 id="titre-courriels-attente">Courriels en attente d’envoi</h2>';

describe('courriels en attente d’envoi', () => {
  it('le serveur de courriel refuse les courriels d’un lancement : le tableau de bord le dit à ceux qui suivent le programme, puis plus rien une fois partis', async () => {
    const { api, banc } = essai;
    const page = async (id: string) => (await api.appel('GET', '/parcours', { entetes: { cookie: `${NOM_COOKIE}=${await essai.connecter(id)}` } })).texte;
    expect(await page('coord.essai')).not.toContain(TITRE);

    const reparer = banc.refuserCourriels(() => true);
    let enAttente: Awaited<ReturnType<typeof courrielsEnAttente>>;
    let dossier = '';
    try {
      const menage = menageEssai();
      const lance = await api.appel('POST', '/api/parcours', {
        jeton: await essai.connecter('coord.essai'),
        corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage, donnees: { situation: situationPrevention() } },
      });
      expect(lance.status, lance.texte).toBe(201);
      dossier = `/parcours/${encodeURIComponent(lance.json.workflowId as string)}`;
      // Le lancement écrit au bailleur, au ménage et au travailleur social, en une activité : le premier
      // est refusé, l'activité échoue et sera reprise ; les autres attendent derrière lui.
      enAttente = await vi.waitFor(
        async () => {
          const n = await courrielsEnAttente(banc.dependances.base, ['loiret-ahu'], new Date());
          expect(n.nombre).toBe(1);
          return n;
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(await courrielsEnAttente(banc.dependances.base, ['besancon-ccas'], new Date())).toEqual({ nombre: 0 });
      expect((await courrielsEnAttente(banc.dependances.base, 'tous', new Date())).nombre).toBe(1);
      // Une lettre de trop dans l'identifiant d'un programme n'attrape rien (pas de joker).
      expect((await courrielsEnAttente(banc.dependances.base, ['loiret%', 'loiret_ahu'], new Date())).nombre).toBe(0);

      const coordination = await page('coord.essai');
      expect(coordination).toContain(TITRE);
      expect(coordination).toContain('<strong>1 courriel de vos programmes n’a pas pu partir</strong>');
      expect(coordination).toContain('le serveur de courriel l’a refusé ou ne répond pas (il attend depuis le ');
      expect(coordination).toContain('Il est renvoyé de lui-même, toutes les 10 minutes au plus, et partira dès son retour : rien n’est perdu.');
      expect(coordination).toContain('si une échéance approche, prévenez autrement');
      expect(await page('ts.alice')).toContain('<strong>1 courriel de vos programmes n’a pas pu partir</strong>');
      const admin = await page('admin.essai');
      expect(admin).toContain('<strong>1 courriel n’a pas pu partir</strong>');
      expect(admin).toContain('Vérifiez le serveur de courriel (SMTP) de la plateforme.');
      // Le dossier le dit aussi, à qui l'ouvre.
      const fiche = async () => (await api.appel('GET', dossier, { entetes: { cookie: `${NOM_COOKIE}=${await essai.connecter('ts.alice')}` } })).texte;
      expect(await fiche()).toContain('<strong>Un courriel de ce dossier attend d’être envoyé</strong> : le serveur de courriel l’a refusé');
      expect(await courrielsEnAttente(banc.dependances.base, { parcours: 'loiret-ahu--AUTRE' }, new Date())).toEqual({ nombre: 0 });
      // La coordination d'un autre programme n'a rien à en savoir.
      expect(await page('coord.besancon')).not.toContain(TITRE);
      // La sonde de santé le dit aussi, sans se dire dégradée : le serveur répond, les parcours avancent.
      const sante = await api.appel('GET', '/health');
      expect(sante.status).toBe(200);
      expect(sante.json).toMatchObject({
        etat: 'ok',
        smtp: 'ok',
        courrielsEnAttente: 1,
        detail: 'Les services répondent, mais le serveur de courriel refuse des messages (1 courriel en attente, repris jusqu’à ce qu’il les accepte).',
      });
    } finally {
      reparer();
    }

    // Un courriel que plus rien ne reprend (dernier échec il y a plus d'une heure) n'est plus compté.
    const plusTard = new Date(Date.now() + REPRISE_RECENTE_MS + 60_000);
    expect(await courrielsEnAttente(banc.dependances.base, ['loiret-ahu'], plusTard)).toEqual({ nombre: 0 });
    expect(enAttente.depuis!.getTime()).toBeLessThanOrEqual(Date.now());

    // Le serveur revenu, la reprise suivante (5 secondes après le premier échec, puis 10…) les envoie.
    await vi.waitFor(async () => expect((await courrielsEnAttente(banc.dependances.base, 'tous', new Date())).nombre).toBe(0), {
      timeout: 60_000,
      interval: 200,
    });
    expect(await page('coord.essai')).not.toContain(TITRE);
    expect((await api.appel('GET', dossier, { entetes: { cookie: `${NOM_COOKIE}=${await essai.connecter('ts.alice')}` } })).texte).not.toContain(
      'de ce dossier attend',
    );
    expect((await api.appel('GET', '/health')).json).toMatchObject({ etat: 'ok', detail: 'Tout fonctionne.', courrielsEnAttente: 0 });
    // Les autres courriels de l'activité partent juste après le premier.
    const lignes = await vi.waitFor(
      async () => {
        const l = await banc.dependances.base
          .selectFrom('courriels')
          .select(['tentatives', 'echoue_le', 'envoye_le'])
          .where(sql<boolean>`cle like 'loiret-ahu--%'`)
          .execute();
        expect(l.map((x) => x.envoye_le instanceof Date)).toEqual([true, true, true]);
        return l;
      },
      { timeout: 30_000, interval: 100 },
    );
    // Le refusé garde la date de son dernier échec et le nombre de ses tentatives.
    expect(lignes.filter((l) => l.echoue_le instanceof Date && l.tentatives > 1)).toHaveLength(1);
  });

  it('les relances d’une orientation reçue par un programme comptent pour sa coordination, pas pour celle d’un autre', async () => {
    const base = essai.banc.dependances.base;
    const maintenant = new Date();
    await base
      .insertInto('orientations')
      .values({ id: 'or-attente-1', programme_id: 'loiret-ahu', organisation_id: 'org-essai', reference: 'OR-ATTENTE-1', fiche_chiffree: Buffer.from('x') })
      .execute();
    await base
      .insertInto('courriels')
      .values([
        { cle: 'orientation-rappel:or-attente-1', message_id: '<a@essai>', echoue_le: maintenant, tentatives: 2 },
        { cle: 'orientation-delai-passe:or-attente-1', message_id: '<b@essai>', echoue_le: maintenant, tentatives: 1 },
        // Une relance d'une orientation inconnue : d'aucun programme.
        { cle: 'orientation-rappel:or-inconnue', message_id: '<c@essai>', echoue_le: maintenant, tentatives: 1 },
      ])
      .execute();
    try {
      expect((await courrielsEnAttente(base, ['loiret-ahu'], maintenant)).nombre).toBe(2);
      expect((await courrielsEnAttente(base, ['besancon-ccas'], maintenant)).nombre).toBe(0);
      expect((await courrielsEnAttente(base, 'tous', maintenant)).nombre).toBe(3);
    } finally {
      await base.deleteFrom('courriels').where('cle', 'like', 'orientation-%').execute();
      await base.deleteFrom('orientations').where('id', '=', 'or-attente-1').execute();
    }
  });
});
