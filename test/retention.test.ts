/**
 * La conservation des dossiers clos : la planification Temporal (réelle) lance l'effacement, qui
 * efface les dossiers clos depuis plus longtemps que la durée de leur programme (2 ans par défaut,
 * référentiel CNIL), garde les autres, et consigne ce qu'il a effacé sans rien de personnel.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { ficheDepuisEtat } from '../domain/indicateurs';
import type { EtatParcours } from '../domain/vocabulaire';
import { ID_PLANIFICATION_EFFACEMENT, installerPlanificationEffacement } from '../dossiers/planification';
import { RegistreDossiers } from '../dossiers/registre';
import { CONSERVATION_PAR_DEFAUT, effacerDossiersEchus } from '../dossiers/retention';
import { Consentements } from '../sms';
import { baseEssai } from './outils/base';
import { CATALOGUE, COFFRE, menageEssai, monterBanc, type Banc } from './outils/environnement';

const JOUR = 86_400_000;
let banc: Banc;

beforeAll(async () => {
  banc = await monterBanc();
});

afterAll(async () => {
  await banc?.fermer();
});

/** Un dossier consigné ; clos `closIlYa` millisecondes avant maintenant (ou ouvert). */
async function dossier(programme: string, reference: string, closIlYa?: number): Promise<string> {
  const workflowId = `${programme}--${reference}`;
  const le = new Date(Date.now() - (closIlYa ?? 0) - 30 * JOUR).toISOString();
  const etat: EtatParcours = {
    workflowId,
    typeParcours: 'prevention_precontentieuse',
    programme: { id: programme, version: 1, nom: programme },
    reference,
    etape: closIlYa === undefined ? 'aller_vers' : 'cloture',
    libelleEtape: closIlYa === undefined ? 'Aller vers le ménage' : 'Clôturé',
    ...(closIlYa === undefined
      ? {}
      : { cloture: { issue: 'cloture_anticipee' as const, motif: 'Déménagement', le: new Date(Date.now() - closIlYa).toISOString() } }),
    echeances: [],
    demandes: [],
    journal: [{ seq: 1, date: le, type: 'ouverture', acteur: { type: 'systeme' }, resume: 'Parcours ouvert', visibilite: 'partenaires' }],
    details: {},
    detailsConfidentiels: { menage: { ...menageEssai(reference), nom: `Mme Effacée ${reference}` } },
  };
  await new RegistreDossiers((await baseEssai()).db, COFFRE).consigner({ etat, journalDepuis: 1, fiche: ficheDepuisEtat(etat), version: 1 });
  return workflowId;
}

/** Un dossier consigné, clos à cet instant précis. */
async function closA(programme: string, reference: string, instant: string): Promise<string> {
  const id = await dossier(programme, reference, 0);
  await (
    await baseEssai()
  ).db
    .updateTable('dossiers')
    .set({ clos_le: new Date(instant) })
    .where('workflow_id', '=', id)
    .execute();
  return id;
}

type EtatOrientation = { statut: string; traitee_le?: Date; workflow_id?: string; motif_refus?: string };
const ilYa = (ms: number) => new Date(Date.now() - ms);

/** Une fiche d'orientation reçue par le programme (chiffrée), dans l'état donné. */
async function orientationDe(programme: string, id: string, o: EtatOrientation): Promise<void> {
  await (
    await baseEssai()
  ).db
    .insertInto('orientations')
    .values({ id, programme_id: programme, organisation_id: `${programme}--bailleur`, reference: id, fiche_chiffree: Buffer.from('fiche chiffrée'), ...o })
    .execute();
}

async function presents(ids: string[]): Promise<string[]> {
  const l = await (await baseEssai()).db.selectFrom('dossiers').select('workflow_id').where('workflow_id', 'in', ids).execute();
  return l.map((x) => x.workflow_id).sort();
}

describe('conservation des dossiers clos', () => {
  it('la planification nocturne efface les dossiers clos depuis plus de 2 ans, garde les autres, et consigne l’effacement sans donnée personnelle', async () => {
    expect(CONSERVATION_PAR_DEFAUT).toBe('P2Y');
    const vieux = await dossier('loiret-ahu', 'RET-VIEUX', 2 * 366 * JOUR + JOUR);
    const recent = await dossier('loiret-ahu', 'RET-RECENT', 700 * JOUR);
    const ouvert = await dossier('loiret-ahu', 'RET-OUVERT');
    const autre = await dossier('besancon-ccas', 'RET-AUTRE', 3 * 366 * JOUR);
    // Le journal du dossier effacé part avec lui.
    const db = (await baseEssai()).db;
    expect((await db.selectFrom('journal_dossiers').select('seq').where('workflow_id', '=', vieux).execute()).length).toBe(1);
    // Ses consentements (partage du diagnostic, SMS) aussi.
    await db
      .insertInto('consentements_partage_diagnostic')
      .values({ workflow_id: vieux, accorde: true, portee: JSON.stringify(['bailleur']), par: 'ts.alice' })
      .execute();
    await db.insertInto('consentements_menage').values({ workflow_id: vieux, canal: 'sms', accorde: true, par: 'ts.alice' }).execute();
    await db.insertInto('consentements_menage').values({ workflow_id: recent, canal: 'sms', accorde: true, par: 'ts.alice' }).execute();
    // Et la trace de qui l'a lu (les lectures du contenu confidentiel sont consignées).
    for (const id of [vieux, recent])
      await db.insertInto('consultations_dossiers').values({ workflow_id: id, personne_id: 'ts.alice', objet: 'dossier' }).execute();

    expect(await installerPlanificationEffacement(banc.env.client, banc.taskQueue)).toBe('creee');
    expect(await installerPlanificationEffacement(banc.env.client, banc.taskQueue)).toBe('a_jour');
    const planif = banc.env.client.schedule.getHandle(ID_PLANIFICATION_EFFACEMENT);
    const description = await planif.describe();
    expect(description.spec.timezone).toBe('Europe/Paris');
    expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] });

    // Sans attendre 3 h 15 : la planification est déclenchée maintenant, comme elle le serait la nuit.
    await planif.trigger();
    const idExecution = await vi.waitFor(
      async () => {
        const a = (await planif.describe()).info.recentActions[0];
        if (!a) throw new Error('la planification n’a encore rien lancé');
        return a.action.workflow.workflowId;
      },
      { timeout: 20_000, interval: 200 },
    );
    const bilan = await banc.env.client.workflow.getHandle(idExecution).result();
    expect(bilan).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ programme: 'loiret-ahu', conservation: 'P2Y', nombre: 1 }),
        expect.objectContaining({ programme: 'besancon-ccas', conservation: 'P2Y', nombre: 1 }),
      ]),
    );
    expect(await presents([vieux, recent, ouvert, autre])).toEqual([ouvert, recent].sort());
    expect((await db.selectFrom('journal_dossiers').select('seq').where('workflow_id', '=', vieux).execute()).length).toBe(0);
    expect(await db.selectFrom('consentements_partage_diagnostic').select('id').where('workflow_id', '=', vieux).execute()).toEqual([]);
    expect(
      (await db.selectFrom('consentements_menage').select('workflow_id').where('workflow_id', 'in', [vieux, recent]).execute()).map((c) => c.workflow_id),
    ).toEqual([recent]);
    expect(
      (await db.selectFrom('consultations_dossiers').select('workflow_id').where('workflow_id', 'in', [vieux, recent]).execute()).map((c) => c.workflow_id),
    ).toEqual([recent]);
    // Les fiches d'indicateurs (sans donnée personnelle) restent pour les bilans.
    expect(await db.selectFrom('fiches_indicateurs').select('workflow_id').where('workflow_id', '=', vieux).executeTakeFirst()).toBeDefined();

    const traces = await db.selectFrom('effacements_dossiers').selectAll().orderBy('programme_id').execute();
    expect(traces.map((t) => [t.programme_id, t.nombre, t.conservation])).toEqual([
      ['besancon-ccas', 1, 'P2Y'],
      ['loiret-ahu', 1, 'P2Y'],
    ]);
    const texte = JSON.stringify((await sql`select * from effacements_dossiers`.execute(db)).rows);
    expect(texte).not.toMatch(/Effacée|RET-VIEUX|RET-AUTRE/);

    // Relancé : rien de plus à effacer, rien de plus consigné.
    expect(await effacerDossiersEchus(db, CATALOGUE)).toEqual([]);
    expect((await db.selectFrom('effacements_dossiers').select('id').execute()).length).toBe(2);
  });

  it('chaque programme peut fixer sa propre durée ; le 29 février et les fins de mois comptent au calendrier', async () => {
    const db = (await baseEssai()).db;
    const court = await dossier('reims-april-protocole', 'RET-COURT', 200 * JOUR);
    const garde = await dossier('reims-april-protocole', 'RET-GARDE', 150 * JOUR);
    const catalogue = {
      trouver: (id: string) => (id === 'reims-april-protocole' ? { ...CATALOGUE.trouver(id)!, conservationDossier: 'P6M' } : CATALOGUE.trouver(id)),
    };
    const bilan = await effacerDossiersEchus(db, catalogue);
    expect(bilan).toEqual([expect.objectContaining({ programme: 'reims-april-protocole', conservation: 'P6M', nombre: 1 })]);
    expect(await presents([court, garde])).toEqual([garde]);
    // La limite se compte au calendrier de Paris : 2 ans avant le 1er mars 2028, c'est le 1er mars 2026.
    const a = await closA('concarneau-iml', 'RET-BORD-A', '2026-02-28T22:59:00.000Z');
    const b = await closA('concarneau-iml', 'RET-BORD-B', '2026-02-28T23:01:00.000Z');
    // Clos à l'instant même de la limite (le 1er mars 2026 à 0 h, heure de Paris) : ses 2 ans ne sont pas encore passés.
    const c = await closA('concarneau-iml', 'RET-BORD-C', '2026-02-28T23:00:00.000Z');
    await effacerDossiersEchus(db, CATALOGUE, new Date('2028-02-29T23:00:00.000Z'));
    expect(await presents([a, b, c])).toEqual([b, c].sort());
  });

  it('avec un dossier effacé partent sa fiche d’orientation, ses changements de bailleur et sa priorité ; une orientation refusée est effacée après la même durée, comptée depuis son refus', async () => {
    const db = (await baseEssai()).db;
    const programme = 'toulouse-declic';
    const vieux = await dossier(programme, 'RET-ORIENTE', 2 * 366 * JOUR + JOUR);
    const garde = await dossier(programme, 'RET-ORIENTE-GARDE', 100 * JOUR);
    const orientation = (id: string, o: EtatOrientation) => orientationDe(programme, id, o);
    await orientation('or-acceptee', { statut: 'acceptee', traitee_le: ilYa(3 * 366 * JOUR), workflow_id: vieux });
    await orientation('or-acceptee-garde', { statut: 'acceptee', traitee_le: ilYa(200 * JOUR), workflow_id: garde });
    await orientation('or-refusee-vieille', { statut: 'refusee', traitee_le: ilYa(2 * 366 * JOUR + JOUR), motif_refus: 'Hors du territoire' });
    await orientation('or-refusee-recente', { statut: 'refusee', traitee_le: ilYa(30 * JOUR), motif_refus: 'Hors du territoire' });
    await orientation('or-recue', { statut: 'recue' });
    for (const id of [vieux, garde]) {
      await db
        .insertInto('changements_bailleur')
        .values({ workflow_id: id, ancien: null, nouveau: `${programme}--bailleur`, par: 'coord.essai', motif: 'Mutation du ménage' })
        .execute();
      await db.insertInto('priorites_dossiers').values({ workflow_id: id, programme_id: programme, motif: 'menage_isole' }).execute();
    }

    const bilan = await effacerDossiersEchus(db, CATALOGUE);
    expect(bilan).toEqual([expect.objectContaining({ programme, conservation: 'P2Y', nombre: 1, orientationsRefusees: 1 })]);
    expect(await presents([vieux, garde])).toEqual([garde]);
    const orientations = await db.selectFrom('orientations').select('id').where('programme_id', '=', programme).orderBy('id').execute();
    expect(orientations.map((o) => o.id)).toEqual(['or-acceptee-garde', 'or-recue', 'or-refusee-recente']);
    for (const table of ['changements_bailleur', 'priorites_dossiers'] as const) {
      const restes = await db.selectFrom(table).select('workflow_id').where('workflow_id', 'in', [vieux, garde]).execute();
      expect(restes.map((r) => r.workflow_id)).toEqual([garde]);
    }
    const trace = await db.selectFrom('effacements_dossiers').selectAll().where('programme_id', '=', programme).execute();
    expect(trace.map((t) => [t.nombre, t.orientations_refusees])).toEqual([[1, 1]]);
  });

  it('les notes d’un lancement qui n’a pas eu lieu (sans dossier : coordonnées, priorité) sont effacées après 30 jours ; celles d’un dossier restent', async () => {
    const db = (await baseEssai()).db;
    const ouvert = await dossier('besancon-ccas', 'RET-CONTACT');
    const consentements = new Consentements(db, COFFRE);
    const noter = async (workflowId: string, ilYaMs: number) => {
      const id = await consentements.enregistrer(workflowId, { canal: 'sms', accorde: true, telephone: '+33612345678' }, 'coord.essai');
      // La date d'une note ne change jamais dans le produit (en lecture seule pour kysely) : vieillie ici en SQL.
      await sql`update consentements_menage set le = ${ilYa(ilYaMs)} where id = ${id}`.execute(db);
      await db
        .insertInto('priorites_dossiers')
        .values({ workflow_id: workflowId, programme_id: 'besancon-ccas', motif: 'menage_isole', cree_le: ilYa(ilYaMs) })
        .execute();
    };
    await noter(ouvert, 400 * JOUR);
    await noter('besancon-ccas--JAMAIS-LANCE', 31 * JOUR);
    await noter('besancon-ccas--LANCEMENT-RECENT', 29 * JOUR);
    await effacerDossiersEchus(db, CATALOGUE);
    for (const table of ['consentements_menage', 'priorites_dossiers'] as const) {
      const restes = await db
        .selectFrom(table)
        .select('workflow_id')
        .where('workflow_id', 'in', [ouvert, 'besancon-ccas--JAMAIS-LANCE', 'besancon-ccas--LANCEMENT-RECENT'])
        .orderBy('workflow_id')
        .execute();
      expect(
        restes.map((r) => r.workflow_id),
        table,
      ).toEqual(['besancon-ccas--LANCEMENT-RECENT', ouvert].sort());
    }
  });

  it('une orientation acceptée il y a plus de 2 ans reste tant que son parcours est ouvert (un protocole dure jusqu’à 5 ans) ; un programme sans dossier clos voit tout de même ses refus échus effacés et consignés', async () => {
    const db = (await baseEssai()).db;
    const programme = 'reims-april';
    const ouvert = await dossier(programme, 'RET-LONG');
    const orientation = (id: string, o: EtatOrientation) => orientationDe(programme, id, o);
    await orientation('or-acceptee-longue', { statut: 'acceptee', traitee_le: ilYa(3 * 366 * JOUR), workflow_id: ouvert });
    await orientation('or-refusee-seule', { statut: 'refusee', traitee_le: ilYa(2 * 366 * JOUR + JOUR), motif_refus: 'Hors du territoire' });

    const bilan = await effacerDossiersEchus(db, CATALOGUE);
    expect(bilan).toEqual([expect.objectContaining({ programme, nombre: 0, orientationsRefusees: 1 })]);
    const orientations = await db.selectFrom('orientations').select('id').where('programme_id', '=', programme).execute();
    expect(orientations.map((o) => o.id)).toEqual(['or-acceptee-longue']);
    expect(await presents([ouvert])).toEqual([ouvert]);
    const trace = await db.selectFrom('effacements_dossiers').selectAll().where('programme_id', '=', programme).execute();
    expect(trace.map((t) => [t.nombre, t.orientations_refusees])).toEqual([[0, 1]]);
  });
});
