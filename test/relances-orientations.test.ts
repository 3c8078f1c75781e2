/**
 * Les relances des orientations non traitées (loiret-ahu : le délai de contact court depuis la
 * réception de l'orientation, le signalement du bailleur). La règle à des dates choisies (fin de
 * mois, fin d'année, passage à l'heure d'été) ; puis la planification « relance-orientations »
 * déclenchée sur le vrai serveur Temporal : son workflow, son activité, la boîte d'envoi et le vrai
 * SMTP ; relancée, elle n'envoie rien deux fois.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { orientations as courriers } from '../courriers';
import { dateEnFrancais } from '../domain/durees';
import { relanceDue } from '../orientations/relances';
import { nouvelleReference } from '../orientations/registre';
import { ID_PLANIFICATION_RELANCES, installerPlanificationRelances } from '../orientations/planification';
import { CATALOGUE, monterBanc, type Banc } from './outils/environnement';

const JOUR = 86_400_000;
const loiret = CATALOGUE.trouver('loiret-ahu')!;
const heure = (iso: string) => new Date(iso);

describe('la référence d’une fiche d’orientation', () => {
  it('porte l’année et le mois de Paris : minuit passé à Paris, c’est déjà le mois suivant (fin février, fin d’année, heure d’été)', () => {
    const mois = (iso: string) => /^OR-(\d{4})-[0-9A-F]{6}$/.exec(nouvelleReference(new Date(iso)))?.[1];
    expect(mois('2027-02-28T23:30:00Z')).toBe('2703');
    expect(mois('2027-02-28T22:30:00Z')).toBe('2702');
    expect(mois('2026-12-31T23:30:00Z')).toBe('2701');
    expect(mois('2027-07-31T22:30:00Z')).toBe('2708');
    expect(mois('2027-07-31T21:30:00Z')).toBe('2707');
  });
});

describe('la relance due à une date donnée', () => {
  it('loiret-ahu : rappel cinq jours avant la fin du mois de délai (31 janvier → 28 février au soir), puis délai passé à minuit de Paris', () => {
    const o = { id: 'o1', recueLe: heure('2027-01-31T09:00:00Z') };
    expect(loiret.delais.rappelAvant).toBe('P5D');
    // Le 28 février 2027 compte tout entier : le délai finit à 23 h 59 de Paris (heure d'hiver : 22 h 59 UTC) ;
    // le rappel dès le 23 février (minuit de Paris : 22 février 23 h UTC).
    expect(relanceDue(loiret, o, heure('2027-02-22T22:59:59Z'))).toBeUndefined();
    expect(relanceDue(loiret, o, heure('2027-02-22T23:00:00Z'))).toEqual({
      sorte: 'rappel',
      cle: 'orientation-rappel:o1',
      contactAvant: heure('2027-02-28T22:59:59.999Z'),
    });
    expect(relanceDue(loiret, o, heure('2027-02-28T12:00:00Z'))?.sorte).toBe('rappel');
    expect(relanceDue(loiret, o, heure('2027-02-28T22:59:59Z'))?.sorte).toBe('rappel');
    expect(relanceDue(loiret, o, heure('2027-02-28T23:00:00Z'))).toMatchObject({ sorte: 'delai_passe', cle: 'orientation-delai-passe:o1' });
    // Reçue un soir après 23 h UTC : c'est déjà le lendemain à Paris, le délai en part.
    expect(relanceDue(loiret, { id: 'o2', recueLe: heure('2027-01-30T23:30:00Z') }, heure('2027-02-28T23:00:00Z'))?.sorte).toBe('delai_passe');
    // Le 27 janvier à 23 h 30 de Paris : jusqu'au 27 février au soir ; à 0 h 30 le 28 janvier : jusqu'au 28 février au soir.
    expect(relanceDue(loiret, { id: 'o3', recueLe: heure('2027-01-27T22:30:00Z') }, heure('2027-02-28T12:00:00Z'))?.sorte).toBe('delai_passe');
    expect(relanceDue(loiret, { id: 'o4', recueLe: heure('2027-01-27T23:30:00Z') }, heure('2027-02-28T12:00:00Z'))?.sorte).toBe('rappel');
  });

  it('fin d’année et passage à l’heure d’été : le délai finit le soir, à minuit de Paris', () => {
    // Reçue le 30 novembre 2026 : contact jusqu'au 30 décembre au soir (22 h 59 UTC), rappel dès le 25.
    const hiver = { id: 'h', recueLe: heure('2026-11-30T10:00:00Z') };
    expect(relanceDue(loiret, hiver, heure('2026-12-24T22:59:59Z'))).toBeUndefined();
    expect(relanceDue(loiret, hiver, heure('2026-12-24T23:00:00Z'))?.sorte).toBe('rappel');
    expect(relanceDue(loiret, hiver, heure('2026-12-30T20:00:00Z'))?.sorte).toBe('rappel');
    expect(relanceDue(loiret, hiver, heure('2026-12-30T23:00:00Z'))).toMatchObject({ sorte: 'delai_passe', contactAvant: heure('2026-12-30T22:59:59.999Z') });
    // Reçue le 28 mars 2027 (jour du passage à l'heure d'été) : contact jusqu'au 28 avril au soir (heure d'été, 21 h 59 UTC).
    const ete = { id: 'e', recueLe: heure('2027-03-28T10:00:00Z') };
    expect(relanceDue(loiret, ete, heure('2027-04-22T21:59:59Z'))).toBeUndefined();
    expect(relanceDue(loiret, ete, heure('2027-04-22T22:00:00Z'))?.sorte).toBe('rappel');
    expect(relanceDue(loiret, ete, heure('2027-04-28T21:00:00Z'))?.sorte).toBe('rappel');
    expect(relanceDue(loiret, ete, heure('2027-04-28T22:00:00Z'))).toMatchObject({ sorte: 'delai_passe', contactAvant: heure('2027-04-28T21:59:59.999Z') });
  });

  it('un programme dont les délais ne courent pas depuis la réception n’est jamais relancé', () => {
    for (const id of ['besancon-ccas', 'reims-april', 'toulouse-declic']) {
      expect(relanceDue(CATALOGUE.trouver(id)!, { id: 'x', recueLe: heure('2020-01-01T00:00:00Z') }, heure('2027-01-01T00:00:00Z'))).toBeUndefined();
    }
  });

  it('les courriels disent la référence, qui a orienté et la date limite, sans donnée personnelle ; le texte vit dans les courriers', () => {
    const o = { reference: 'OR-2612-ABCDEF', organisation: 'Habitat 45', recueLe: '2026-11-02', contactAvant: heure('2026-12-02T22:59:59.999Z') };
    expect(courriers.rappelOrientation(o).sujet).toBe('Orientation à traiter au plus tard le 2 décembre 2026 (dossier OR-2612-ABCDEF)');
    expect(courriers.rappelOrientation(o).paragraphes[1]).toContain('le premier contact avec le ménage doit être établi au plus tard le 2 décembre 2026.');
    expect(courriers.delaiOrientationPasse(o).paragraphes[0]).toBe(
      'L’orientation reçue de Habitat 45 le 2 novembre 2026 (dossier OR-2612-ABCDEF) n’a pas été traitée, et le délai de contact, qui courait depuis sa réception, a pris fin le 2 décembre 2026 au soir.',
    );
  });
});

describe('la planification « relance-orientations » sur le vrai moteur', () => {
  let banc: Banc;
  beforeAll(async () => {
    banc = await monterBanc();
  });
  afterAll(async () => {
    await banc?.env.client.schedule
      .getHandle(ID_PLANIFICATION_RELANCES)
      .delete()
      .catch(() => undefined);
    await banc?.fermer();
  });

  it('chaque orientation non traitée de loiret-ahu : un rappel à l’approche du délai, un avis une fois passé ; rien pour les autres ; relancée, rien deux fois', async () => {
    const db = banc.dependances.base;
    const orientation = async (reference: string, ilYA: number, statut = 'recue') => {
      const id = randomUUID();
      await db
        .insertInto('orientations')
        .values({
          id,
          programme_id: 'loiret-ahu',
          organisation_id: 'loiret-ahu--bailleur',
          reference,
          // La relance ne lit pas la fiche (chiffrée) : elle ne nomme que la référence du dossier.
          fiche_chiffree: Buffer.from('illisible'),
          statut,
          recue_le: new Date(Date.now() - ilYA * JOUR),
        })
        .execute();
      return { id, reference };
    };
    const suffixe = randomUUID().slice(0, 6).toUpperCase();
    // Reçue il y a 27 jours : le délai d'un mois finit dans 1 à 4 jours (rappel à 5 jours) ; il y a 40 jours : passé.
    const bientot = await orientation(`OR-BIENTOT-${suffixe}`, 27);
    const passee = await orientation(`OR-PASSEE-${suffixe}`, 40);
    const recente = await orientation(`OR-RECENTE-${suffixe}`, 2);
    const traitee = await orientation(`OR-TRAITEE-${suffixe}`, 40, 'acceptee');

    expect(await installerPlanificationRelances(banc.env.client, banc.taskQueue)).toBe('creee');
    expect(await installerPlanificationRelances(banc.env.client, banc.taskQueue)).toBe('a_jour');
    const planif = banc.env.client.schedule.getHandle(ID_PLANIFICATION_RELANCES);
    const description = await planif.describe();
    expect(description.spec.timezone).toBe('Europe/Paris');
    expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 8, end: 8, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });

    /** Déclenche la planification maintenant (comme chaque matin) et attend le bilan de cette exécution. */
    const declencher = async (deja: number) => {
      await planif.trigger();
      const id = await vi.waitFor(
        async () => {
          const actions = (await planif.describe()).info.recentActions;
          if (actions.length <= deja) throw new Error('la planification n’a encore rien lancé');
          return actions.at(-1)!.action.workflow.workflowId;
        },
        { timeout: 20_000, interval: 200 },
      );
      return banc.env.client.workflow.getHandle(id).result();
    };
    expect(await declencher(0)).toEqual({ rappels: 1, delaisPasses: 1 });
    const pour = (reference: string) => banc.courriels.messages().filter((m) => m.sujet.includes(reference));
    const rappel = await banc.courriels.waitFor((m) => m.sujet.includes(bientot.reference), { timeoutMs: 10_000 });
    expect(rappel.a).toContain('coordination@essai.example');
    expect(rappel.sujet).toMatch(new RegExp(`^Orientation à traiter au plus tard le .+ \\(dossier ${bientot.reference}\\)$`));
    expect(rappel.texte).toContain(`/programmes/loiret-ahu/orientations`);
    const avis = await banc.courriels.waitFor((m) => m.sujet.includes(passee.reference), { timeoutMs: 10_000 });
    expect(avis.sujet).toBe(`Délai de contact passé : orientation non traitée (dossier ${passee.reference})`);
    expect(avis.texte).toContain(`le ${dateEnFrancais(new Date(Date.now() - 40 * JOUR))}`);
    expect(pour(recente.reference)).toEqual([]);
    expect(pour(traitee.reference)).toEqual([]);

    // Le lendemain matin (relancée) : les mêmes relances sont dues, aucune ne repart.
    expect(await declencher(1)).toEqual({ rappels: 1, delaisPasses: 1 });
    expect(pour(bientot.reference)).toHaveLength(1);
    expect(pour(passee.reference)).toHaveLength(1);
  });
});
