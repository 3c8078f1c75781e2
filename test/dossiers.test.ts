/**
 * Le dossier d'un ménage dans le système d'enregistrement (PostgreSQL réel) :
 * - un parcours réel le consigne à chaque changement ; clos puis effacé de Temporal, il reste
 *   lisible en entier par ceux qui y ont droit (journal, décisions, identité) ;
 * - rien de personnel en clair dans la base ; une valeur chiffrée déplacée ne se déchiffre pas ;
 *   la rotation des clés garde lisibles et cherchables les dossiers écrits avec l'ancienne clé ;
 * - une consignation rejouée ou en retard n'écrit rien deux fois et n'écrase rien de plus récent ;
 *   une entrée invalide est refusée sans rien écrire.
 */
import { describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { ApplicationFailure } from '@temporalio/common';
import { createDossiersActivities } from '../activities/dossiers';
import { NOM_COOKIE } from '../api/auth';
import { ficheDepuisEtat } from '../domain/indicateurs';
import type { EtatParcours } from '../domain/vocabulaire';
import { RegistreDossiers } from '../dossiers/registre';
import { migrer } from '../base';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { importerDossiersEnCours } from '../dossiers/import';
import { effacerDossiersEchus } from '../dossiers/retention';
import { AnnuairePartenaires } from '../personnel/organisations';
import { generateKeyRingValue, parseKeyRing } from '../securite/cles';
import { Coffre } from '../securite/coffre';
import { bancAvecApi } from './outils/api';
import { baseEssai, creerBaseEssai, ligneDossier } from './outils/base';
import { CATALOGUE, COFFRE, jusqua, menageEssai, repos, situationPrevention } from './outils/environnement';

const essai = bancAvecApi('mot-de-passe-essai');
const connecter = (id: string) => essai.connecter(id);

function etatEssai(workflowId: string, o: Partial<EtatParcours> = {}): EtatParcours {
  const reference = workflowId.split('--')[1]!;
  return {
    workflowId,
    typeParcours: 'prevention_precontentieuse',
    programme: { id: 'loiret-ahu', version: 1, nom: 'Loiret' },
    reference,
    etape: 'aller_vers',
    libelleEtape: 'Aller vers le ménage',
    travailleurSocial: 'ts.alice',
    echeances: [],
    demandes: [],
    journal: [
      { seq: 1, date: '2026-03-01T08:00:00.000Z', type: 'ouverture', acteur: { type: 'systeme' }, resume: 'Parcours ouvert', visibilite: 'partenaires' },
    ],
    details: {},
    detailsConfidentiels: { menage: { ...menageEssai(reference), nom: 'Mme Héloïse Dubreuil' }, difficultes: 'Perte d’emploi, séparation' },
    ...o,
  };
}

const consignation = (etat: EtatParcours, version: number, journalDepuis = 1) => ({ etat, journalDepuis, fiche: ficheDepuisEtat(etat), version });

describe('dossier d’un parcours réel', () => {
  it('clos puis effacé de Temporal : toujours lisible en entier par la coordination et le travailleur social, listé, cherchable par nom', async () => {
    const menage = { ...menageEssai(), nom: 'Mme Apolline Vasseur' };
    const coord = await connecter('coord.essai');
    const lance = await essai.api.appel('POST', '/api/parcours', {
      jeton: coord,
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'ts.alice',
        menage,
        donnees: {
          situation: situationPrevention(),
        },
      },
    });
    expect(lance.status, lance.texte).toBe(201);
    const id = lance.json.workflowId as string;
    const handle = essai.banc.env.client.workflow.getHandle(id);
    await jusqua(handle, (e) => e.etape === 'aller_vers', 'étape « aller vers »');

    // Ouvert : listé par son nom et trouvé par un début de mot, sans accents ni casse.
    await vi.waitFor(
      async () => {
        const r = await essai.api.appel('GET', '/api/parcours?recherche=VASS', { jeton: coord });
        expect(r.json.map((p: { workflowId: string; nom?: string }) => [p.workflowId, p.nom])).toEqual([[id, 'Mme Apolline Vasseur']]);
      },
      { timeout: 20_000, interval: 200 },
    );

    const clos = await essai.api.appel('POST', `/api/parcours/${id}/cloture`, {
      jeton: coord,
      corps: { requestId: 'cloture-1', motif: 'Le ménage a déménagé' },
    });
    expect(clos.status, clos.texte).toBe(200);
    await handle.result();
    const db = (await baseEssai()).db;
    await vi.waitFor(async () => expect((await db.selectFrom('dossiers').select('clos').where('workflow_id', '=', id).executeTakeFirst())?.clos).toBe(true), {
      timeout: 10_000,
    });
    const avant = (await essai.api.appel('GET', `/api/parcours/${id}`, { jeton: coord })).json as EtatParcours;

    // Temporal oublie le parcours (fin de sa rétention) : le dossier reste.
    await essai.banc.env.client.workflowService.deleteWorkflowExecution({
      namespace: essai.banc.env.namespace ?? 'default',
      workflowExecution: { workflowId: id },
    });
    await vi.waitFor(
      async () =>
        expect(
          await handle.describe().then(
            (d) => 'present ' + d.status.name,
            (e) => 'efface ' + String(e),
          ),
        ).toMatch(/^efface/),
      { timeout: 90_000, interval: 500 },
    );

    const lu = await essai.api.appel('GET', `/api/parcours/${id}`, { jeton: coord });
    expect(lu.status, lu.texte).toBe(200);
    const etat = lu.json as EtatParcours;
    expect(etat).toEqual(avant);
    expect(etat).toMatchObject({ etape: 'cloture', cloture: { issue: 'cloture_anticipee', motif: 'Le ménage a déménagé' } });
    expect((etat.detailsConfidentiels.menage as { nom: string }).nom).toBe('Mme Apolline Vasseur');
    expect(etat.journal.map((e) => e.seq)).toEqual(etat.journal.map((_, i) => i + 1));
    expect(etat.journal.some((e) => e.type === 'cloture')).toBe(true);
    expect(etat.journal.some((e) => e.type === 'courriel')).toBe(true);
    // 200 lectures en parallèle d'un parcours clos : toutes servies par son dossier, aucune n'attend Temporal.
    const lectures = await Promise.all(Array.from({ length: 200 }, () => essai.api.appel('GET', `/api/parcours/${id}`, { jeton: coord })));
    expect(lectures.map((r) => r.status)).toEqual(Array.from({ length: 200 }, () => 200));
    expect(new Set(lectures.map((r) => r.json.etape))).toEqual(new Set(['cloture']));
    // Le travailleur social affecté le lit aussi ; un travailleur social d'un autre ménage, non.
    expect((await essai.api.appel('GET', `/api/parcours/${id}`, { jeton: await connecter('ts.alice') })).status).toBe(200);
    expect((await essai.api.appel('GET', `/api/parcours/${id}`, { jeton: await connecter('ts.bruno') })).status).toBe(403);
    // Et la page web du dossier s'affiche, avec le nom.
    const page = await essai.api.appel('GET', `/parcours/${id}`, { entetes: { cookie: await cookieDe('coord.essai') } });
    expect(page.status).toBe(200);
    expect(page.texte).toContain('Mme Apolline Vasseur');
    // Les documents aussi se font depuis le dossier.
    const fiche = await essai.api.appel('GET', `/api/parcours/${id}/documents/fiche-cloture`, { jeton: coord });
    expect(fiche.status, fiche.texte.slice(0, 300)).toBe(200);
    // Chaque lecture du dossier par le personnel est tracée (qui, quoi) ; un refus ne l'est pas.
    const consultations = await new RegistreDossiers(db, COFFRE).consultations(id);
    expect(consultations.map((c) => `${c.personneId} ${c.objet}`)).toEqual(
      expect.arrayContaining(['coord.essai dossier', 'ts.alice dossier', 'coord.essai document:fiche-cloture']),
    );
    expect(consultations.some((c) => c.personneId === 'ts.bruno')).toBe(false);
    const clotures = await essai.api.appel('GET', '/api/parcours?cloture=true&recherche=apolline', { jeton: coord });
    expect(clotures.json.map((p: { workflowId: string }) => p.workflowId)).toEqual([id]);

    // Rien de personnel en clair dans la base (identité, coordonnées, motif, journal).
    const brut = await sql<{
      t: string;
    }>`select d::text || coalesce((select string_agg(j::text, '') from journal_dossiers j where j.workflow_id = d.workflow_id), '') as t from dossiers d where d.workflow_id = ${id}`.execute(
      db,
    );
    const texte = Buffer.from(brut.rows[0]!.t).toString('utf8');
    for (const secret of ['Vasseur', 'Apolline', '06 12 34 56 78', 'Tilleuls', 'déménagé']) expect(texte).not.toContain(secret);
    const hex = texte.toLowerCase();
    for (const secret of ['Vasseur', 'Tilleuls']) expect(hex).not.toContain(Buffer.from(secret).toString('hex'));
  });
});

/** La session web : le même jeton que l'API, dans le cookie de session. */
const cookieDe = async (id: string) => `${NOM_COOKIE}=${await connecter(id)}`;

describe('import des parcours en cours', () => {
  it('un parcours lancé avant le système d’enregistrement (sans dossier) est importé avec son journal ; un second import ne change rien', async () => {
    const coord = await connecter('coord.essai');
    const menage = { ...menageEssai(), nom: 'M. Octave Importé' };
    const lance = await essai.api.appel('POST', '/api/parcours', {
      jeton: coord,
      corps: {
        programmeId: 'besancon-ccas',
        travailleurSocial: 'ts.alice',
        menage,
        donnees: { situation: situationPrevention({ montantDette: 500 }) },
      },
    });
    expect(lance.status, lance.texte).toBe(201);
    const id = lance.json.workflowId as string;
    const handle = essai.banc.env.client.workflow.getHandle(id);
    const etat = await jusqua(handle, (e) => e.etape === 'aller_vers', 'étape « aller vers »');
    const db = (await baseEssai()).db;
    await vi.waitFor(async () => expect(await db.selectFrom('dossiers').select('workflow_id').where('workflow_id', '=', id).executeTakeFirst()).toBeDefined());
    // Au repos (plus rien à consigner avant des semaines), puis comme un parcours d'avant : ni dossier ni journal en base.
    await repos(handle);
    await db.deleteFrom('dossiers').where('workflow_id', '=', id).execute();
    const registre = new RegistreDossiers(db, COFFRE);
    const bilan = await vi.waitFor(
      async () => {
        const b = await importerDossiersEnCours(essai.banc.env.client, registre);
        if (b.importes < 1) throw new Error(`rien d’importé (visibilité en retard ?) : ${JSON.stringify(b)}`);
        return b;
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(bilan.illisibles).toEqual([]);
    const lu = await registre.lire(id, { confidentiel: true });
    expect(lu?.journal.length).toBeGreaterThanOrEqual(etat.journal.length);
    expect((lu?.detailsConfidentiels.menage as { nom: string }).nom).toBe('M. Octave Importé');
    const second = await importerDossiersEnCours(essai.banc.env.client, registre);
    expect(second.importes).toBe(0);
    expect(second.dejaPresents).toBe(second.lus);
  });
});

describe('registre des dossiers', () => {
  it('la liste d’un remplaçant : ses ménages, et ceux de qui il remplace dans les programmes qu’il suit seulement', async () => {
    const db = (await baseEssai()).db;
    await db
      .insertInto('dossiers')
      .values([
        ligneDossier({ workflowId: 'loiret-ahu--REMPL-1', programmeId: 'loiret-ahu', travailleurSocial: 'ts.b' }),
        ligneDossier({ workflowId: 'loiret-ahu--REMPL-2', programmeId: 'loiret-ahu', travailleurSocial: 'ts.a' }),
        ligneDossier({ workflowId: 'besancon-ccas--REMPL-3', programmeId: 'besancon-ccas', travailleurSocial: 'ts.a' }),
        ligneDossier({ workflowId: 'loiret-ahu--REMPL-4', programmeId: 'loiret-ahu', travailleurSocial: 'ts.c' }),
      ])
      .execute();
    const registre = new RegistreDossiers(db, COFFRE);
    const ids = async (portee: Parameters<RegistreDossiers['lister']>[0]) =>
      (await registre.lister(portee, {}, { page: 1, taille: 50 })).elements
        .map((e) => e.workflowId)
        .filter((x) => x.includes('REMPL'))
        .sort();
    expect(await ids({ travailleurSocial: 'ts.b' })).toEqual(['loiret-ahu--REMPL-1']);
    expect(await ids({ travailleurSocial: 'ts.b', remplace: { personnes: ['ts.a'], programmes: ['loiret-ahu'] } })).toEqual([
      'loiret-ahu--REMPL-1',
      'loiret-ahu--REMPL-2',
    ]);
    expect(await ids({ travailleurSocial: 'ts.b', remplace: { personnes: ['ts.a'], programmes: [] } })).toEqual(['loiret-ahu--REMPL-1']);
  });

  it('une consignation rejouée ou plus ancienne n’écrit rien deux fois et n’écrase rien de plus récent', async () => {
    const db = (await baseEssai()).db;
    const registre = new RegistreDossiers(db, COFFRE);
    const id = 'loiret-ahu--IDEM-1';
    const e1 = etatEssai(id);
    expect(await registre.consigner(consignation(e1, 10))).toBe('ecrit');
    expect(await registre.consigner(consignation(e1, 10))).toBe('ignore');
    const e2 = etatEssai(id, {
      etape: 'diagnostic',
      libelleEtape: 'Diagnostic',
      journal: [
        ...e1.journal,
        {
          seq: 2,
          date: '2026-03-02T08:00:00.000Z',
          type: 'contact',
          acteur: { type: 'personnel', id: 'ts.alice' },
          resume: 'Ménage joint',
          visibilite: 'equipe',
        },
      ],
    });
    // Le journal ne transmet que ce qui n'est pas encore consigné.
    expect(await registre.consigner(consignation({ ...e2, journal: e2.journal.slice(1) }, 20, 2))).toBe('ecrit');
    // Une tentative en retard (version 15, état ancien) : le dossier garde la version 20.
    expect(await registre.consigner(consignation(e1, 15))).toBe('ignore');
    const lu = await registre.lire(id, { confidentiel: true });
    expect(lu?.etape).toBe('diagnostic');
    expect(lu?.journal.map((e) => e.seq)).toEqual([1, 2]);
    const n = await db
      .selectFrom('journal_dossiers')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('workflow_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
    // La fiche d'indicateurs du même instant, consignée dans la même requête.
    const fiche = await db.selectFrom('fiches_indicateurs').select('version').where('workflow_id', '=', id).executeTakeFirstOrThrow();
    expect(Number(fiche.version)).toBe(20);
    // Un changement sans événement nouveau (journal vide) : l'état et la fiche avancent, le journal reste.
    const e3 = { ...e2, etape: 'accompagnement', libelleEtape: 'Accompagnement' };
    expect(await registre.consigner(consignation({ ...e3, journal: [] }, 30, 3))).toBe('ecrit');
    expect((await registre.lire(id, { confidentiel: true }))?.etape).toBe('accompagnement');
    expect((await registre.lire(id, { confidentiel: true }))?.journal.map((e) => e.seq)).toEqual([1, 2]);
    expect(Number((await db.selectFrom('fiches_indicateurs').select('version').where('workflow_id', '=', id).executeTakeFirstOrThrow()).version)).toBe(30);
    // Sans droit aux confidences : ni les confidences ni les événements réservés à l'équipe.
    const partenaire = await registre.lire(id, { confidentiel: false });
    expect(partenaire?.detailsConfidentiels).toEqual({});
    expect(partenaire?.journal.map((e) => e.seq)).toEqual([1]);
  });

  it('un parcours clos sort de la file active de son bailleur, et n’y revient pas quand la rétention efface son dossier', async () => {
    const db = (await baseEssai()).db;
    const annuaire = new AnnuairePartenaires(db);
    const registre = new RegistreDossiers(db, COFFRE);
    const org = await annuaire.creer('loiret-ahu', { type: 'bailleur_social', nom: 'Bailleur de la rétention', quotaFileActive: 1 });
    const ouverts = async () => (await annuaire.lister('loiret-ahu')).find((o) => o.id === org.id)!.parcoursOuverts;
    const id = 'loiret-ahu--FILE-RETENTION-1';
    expect((await annuaire.choisirPourLancement(id, 'loiret-ahu', org.id, 'coord.essai')).ajoute).toBe(true);
    const e = etatEssai(id);
    await registre.consigner(consignation(e, 10));
    expect(await ouverts()).toBe(1);
    // La file (1 place) est complète : un autre lancement chez ce bailleur est refusé.
    await expect(annuaire.choisirPourLancement('loiret-ahu--FILE-RETENTION-2', 'loiret-ahu', org.id, 'coord.essai')).rejects.toThrow(/est complète/);
    // Clos : la place se libère.
    await registre.consigner(consignation({ ...e, cloture: { issue: 'situation_stabilisee', le: '2026-04-01T08:00:00.000Z' } }, 20));
    expect(await ouverts()).toBe(0);
    // Le dossier effacé par la rétention (clos depuis plus de 2 ans) : le parcours ne revient pas dans la file.
    const effaces = await effacerDossiersEchus(db, CATALOGUE, new Date('2030-01-01T00:00:00.000Z'));
    expect(effaces.find((x) => x.programme === 'loiret-ahu')?.nombre).toBeGreaterThanOrEqual(1);
    expect(await registre.lire(id, { confidentiel: false })).toBeUndefined();
    expect(await ouverts()).toBe(0);
    expect((await annuaire.choisirPourLancement('loiret-ahu--FILE-RETENTION-2', 'loiret-ahu', org.id, 'coord.essai')).ajoute).toBe(true);
  });

  it('la migration de la file active reprend les parcours clos : dossier clos, ou dossier déjà effacé dont la fiche d’indicateurs est close', async () => {
    const b = await creerBaseEssai();
    try {
      const annuaire = new AnnuairePartenaires(b.db);
      const registre = new RegistreDossiers(b.db, COFFRE);
      const org = await annuaire.creer('loiret-ahu', { type: 'bailleur_social', nom: 'Bailleur de la reprise' });
      const cloture = { issue: 'situation_stabilisee' as const, le: '2026-04-01T08:00:00.000Z' };
      const [clos, efface, ouvert, neuf] = ['CLOS', 'EFFACE', 'OUVERT', 'NEUF'].map((r) => `loiret-ahu--REPRISE-${r}`);
      for (const id of [clos, efface, ouvert, neuf]) await annuaire.choisirPourLancement(id!, 'loiret-ahu', org.id, 'coord.essai');
      await registre.consigner(consignation({ ...etatEssai(clos!), cloture }, 10));
      await registre.consigner(consignation(etatEssai(ouvert!), 10));
      const fiche = ficheDepuisEtat({ ...etatEssai(efface!), cloture });
      await new RegistreIndicateurs(b.db).consigner({ fiche, version: 10 });
      // La base d'avant la colonne, puis la migration et sa reprise.
      await migrer(b.db, { jusqua: '0026-simulations' });
      await migrer(b.db);
      const lignes = await b.db
        .selectFrom('bailleurs_parcours')
        .select(['workflow_id', 'clos'])
        .where('organisation_id', '=', org.id)
        .orderBy('workflow_id')
        .execute();
      expect(Object.fromEntries(lignes.map((l) => [l.workflow_id, l.clos]))).toEqual({ [clos!]: true, [efface!]: true, [ouvert!]: false, [neuf!]: false });
      expect((await annuaire.lister('loiret-ahu')).find((o) => o.id === org.id)!.parcoursOuverts).toBe(2);
    } finally {
      await b.fermer();
    }
  });

  it('l’activité refuse une entrée invalide sans rien écrire, avec un message qui nomme le champ', async () => {
    const db = (await baseEssai()).db;
    const { consignerDossier } = createDossiersActivities({ base: db, coffre: COFFRE });
    const e = etatEssai('loiret-ahu--INVALIDE-1');
    const err = await consignerDossier({ ...consignation(e, 1), etat: { ...e, etape: 'Étape ; DROP TABLE' } }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('EntreeInvalide');
    expect((err as Error).message).toContain('etat.etape');
    expect(await db.selectFrom('dossiers').select('workflow_id').where('workflow_id', '=', e.workflowId).executeTakeFirst()).toBeUndefined();
  });

  it('rotation des clés : les dossiers écrits avec l’ancienne clé restent lisibles et cherchables ; une valeur déplacée ne se déchiffre pas', async () => {
    const db = (await baseEssai()).db;
    const ancienne = generateKeyRingValue('aes256', 'ancienne');
    const avant = new Coffre(parseKeyRing(ancienne, { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' }));
    const apres = new Coffre(parseKeyRing(`${generateKeyRingValue('aes256', 'nouvelle')},${ancienne}`, { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' }));
    const ancien = etatEssai('besancon-ccas--ROT-1', { programme: { id: 'besancon-ccas', version: 1, nom: 'Besançon' } });
    const nouveau = etatEssai('besancon-ccas--ROT-2', {
      programme: { id: 'besancon-ccas', version: 1, nom: 'Besançon' },
      detailsConfidentiels: { menage: { ...menageEssai('ROT-2'), nom: 'M. Dubreuil' } },
    });
    await new RegistreDossiers(db, avant).consigner(consignation(ancien, 1));
    await new RegistreDossiers(db, apres).consigner(consignation(nouveau, 1));
    const registre = new RegistreDossiers(db, apres);
    const page = await registre.lister({ programmes: ['besancon-ccas'] }, { recherche: 'dubreuil' }, { page: 1, taille: 10 });
    expect(page.elements.map((p) => [p.workflowId, p.nom])).toEqual([
      ['besancon-ccas--ROT-1', 'Mme Héloïse Dubreuil'],
      ['besancon-ccas--ROT-2', 'M. Dubreuil'],
    ]);
    expect(page.total).toBe(2);
    expect((await registre.lire('besancon-ccas--ROT-1', { confidentiel: true }))?.detailsConfidentiels.difficultes).toBe('Perte d’emploi, séparation');
    // L'ancienne clé retirée trop tôt : une erreur qui le dit, pas une donnée fausse.
    const sansAncienne = new RegistreDossiers(
      db,
      new Coffre(parseKeyRing(generateKeyRingValue('aes256', 'nouvelle'), { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' })),
    );
    await expect(sansAncienne.lire('besancon-ccas--ROT-1', { confidentiel: true })).rejects.toThrow(/clé « ancienne », absente du trousseau/);
    // L'état chiffré d'un dossier recopié sur un autre : refusé.
    await sql`update dossiers set etat_chiffre = (select etat_chiffre from dossiers where workflow_id = 'besancon-ccas--ROT-2') where workflow_id = 'besancon-ccas--ROT-1'`.execute(
      db,
    );
    await expect(new RegistreDossiers(db, apres).lire('besancon-ccas--ROT-1', { confidentiel: false })).rejects.toThrow(/altérée ou déplacée/);
  });
});
