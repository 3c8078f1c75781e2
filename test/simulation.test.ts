/**
 * La simulation d'une année (issue 18, point 5) : une petite année de besancon-ccas (5 ménages,
 * graine fixe) sur le vrai moteur (serveur Temporal avec saut de temps par parcours, worker du
 * produit). Même graine, même plan ; les parcours vont jusqu'à leur issue ; les délais manqués, lus
 * dans l'état des parcours, n'existent que si un travailleur social est en retard ; l'ETP est bien
 * les heures de l'année sur 1 607 h.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COUTS_ACTIONS,
  HEURES_ANNUELLES_ETP,
  coutsParDefaut,
  hypothesesDuProgramme,
  valeurs,
  type SurchargeHypotheses,
} from '../simulations/modele/hypotheses';
import { personnelSimule } from '../scripts/simulation/moteur';
import { preparerAnnee } from '../scripts/simulation/annee';
import { minuitDeParis } from '../domain/durees';
import { piloter, type MoteurTemporal } from '../scripts/simulation/pilote';
import { JOUR, equipe, lundiSuivant, planifierAnnee } from '../simulations/modele/plan';
import { calculerBilan, equipeNecessaire } from '../simulations/modele/rapport';
import { CATALOGUE, inscrireAnnuaire, monterBanc, type Banc } from './outils/environnement';

const programme = CATALOGUE.trouver('besancon-ccas')!;
const travailleurs = equipe(programme.id, 2);
const debut = lundiSuivant(new Date(Date.now() + JOUR));
/** Tous les ménages joints, aucun refus ni abandon : chaque parcours va du contact à la clôture. */
const SANS_IMPREVU: SurchargeHypotheses = { partJoints: 1, partRefus: 0, partDejaSuivis: 0, partAbandons: 0 };

const annee = (graine: number, enRetard: number, surcharge: SurchargeHypotheses = SANS_IMPREVU) =>
  planifierAnnee({
    graine,
    debut,
    programmes: [{ programme, nombre: 5, travailleurs, enRetard, hypotheses: valeurs(hypothesesDuProgramme(programme, surcharge)) }],
  });

let banc: Banc;
let moteur: MoteurTemporal;
beforeAll(async () => {
  banc = await monterBanc();
  await inscrireAnnuaire(banc.dependances.base, personnelSimule([programme], [travailleurs]));
  moteur = { client: banc.env.client, connection: banc.env.connection, namespace: banc.env.namespace ?? 'default', taskQueue: banc.taskQueue };
});
afterAll(async () => banc?.fermer());

describe('le plan de l’année', () => {
  it('même graine, même plan ; une autre graine, un autre plan', () => {
    const a = annee(42, 1);
    expect(annee(42, 1)).toEqual(a);
    expect(annee(43, 1).menages.map((m) => m.arrivee)).not.toEqual(a.menages.map((m) => m.arrivee));
    expect(a.menages).toHaveLength(5);
    // Les retards ont leur propre hasard : les mêmes ménages, que le travailleur social soit en retard ou non.
    const sansRetard = annee(42, 0);
    expect(sansRetard.menages.map((m) => [m.reference, m.arrivee, m.profil])).toEqual(a.menages.map((m) => [m.reference, m.arrivee, m.profil]));
    // Les chiffres du programme d'abord : besancon-ccas n'en donne pas, ceux des fiches s'appliquent.
    expect(hypothesesDuProgramme(programme).tentativesMoyennes).toMatchObject({ valeur: 4, source: 'fiche' });
    expect(hypothesesDuProgramme(CATALOGUE.trouver('reims-april')!).tentativesMoyennes).toMatchObject({ valeur: 4, source: 'programme' });
    // Besançon : les ménages arrivent le jour d'une commission impayés (un mardi), désignés ce jour-là.
    for (const m of a.menages) expect((m.donnees as { designeLe?: string }).designeLe).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('l’horizon : des mois du calendrier de Paris depuis le début de l’année simulée (un 31 janvier : un mois, le 28 février)', () => {
    const horizon = (debut: string, horizonMois: number) =>
      new Date(preparerAnnee({ programmes: [{ programme, nombre: 1 }], graine: 1, enRetard: 0, horizonMois, concurrence: 1, fenetreJours: 7, debut }).horizon);
    expect(horizon('2027-01-31', 1)).toEqual(minuitDeParis('2027-02-28'));
    expect(horizon('2027-03-31', 1)).toEqual(minuitDeParis('2027-04-30'));
    // À travers le passage à l'heure d'été, puis sur 48 mois jusqu'à un 29 février.
    expect(horizon('2027-03-01', 1)).toEqual(minuitDeParis('2027-04-01'));
    expect(horizon('2024-02-29', 48)).toEqual(minuitDeParis('2028-02-29'));
  });
});

describe('une année de besancon-ccas sur les vrais parcours', () => {
  it('à l’heure : chaque parcours atteint son issue, aucun délai manqué, l’ETP est les heures sur 1 607 h', async () => {
    const plan = annee(101, 0);
    const resultats = await piloter(moteur, plan, { concurrence: 8, fenetre: Infinity });
    expect(resultats.flatMap((r) => r.refus)).toEqual([]);
    for (const r of resultats) {
      expect(r.final?.cloture?.issue, r.plan.reference).toMatch(/^(situation_stabilisee|plan_apurement_respecte|orientation_droit_commun)$/);
      expect(r.final!.depassees, r.plan.reference).toEqual([]);
    }
    const bilan = calculerBilan(plan, resultats, coutsParDefaut());
    expect(bilan.delaisManquesEquipe).toBe(0);
    const minutes = resultats.flatMap((r) => r.actions).reduce((n, a) => n + COUTS_ACTIONS[a.action].minutes, 0);
    expect(bilan.heures).toBeCloseTo(minutes / 60, 6);
    expect(bilan.etp).toBeCloseTo(minutes / 60 / HEURES_ANNUELLES_ETP, 9);
    expect(bilan.programmes[0]!.etp).toBeCloseTo(bilan.etp, 9);
    expect(equipeNecessaire(bilan.etp).personnes).toBe(Math.max(1, Math.ceil(bilan.etp)));
    // Chaque ménage a été contacté, diagnostiqué, a eu son plan ; aucun bilan par ménage (la fiche n'en prévoit pas).
    for (const r of resultats) {
      const actions = r.actions.map((a) => a.action);
      expect(actions).toContain('entretien_diagnostic');
      expect(actions).toContain('plan_aide');
      expect(actions.filter((a) => a === 'bilan')).toHaveLength(0);
    }
  });

  it('un travailleur social en retard : des délais manqués, lus dans l’état des parcours', async () => {
    const plan = annee(202, 1, { ...SANS_IMPREVU, partActionsEnRetard: 1 });
    const resultats = await piloter(moteur, plan, { concurrence: 8, fenetre: Infinity });
    expect(resultats.flatMap((r) => r.refus)).toEqual([]);
    const enRetard = resultats.filter((r) => r.plan.travailleurEnRetard);
    const aLHeure = resultats.filter((r) => !r.plan.travailleurEnRetard);
    expect(enRetard.length).toBeGreaterThan(0);
    expect(enRetard.flatMap((r) => r.final!.depassees).filter((d) => d.responsable === 'travailleur_social').length).toBeGreaterThan(0);
    expect(aLHeure.flatMap((r) => r.final!.depassees)).toEqual([]);
    const bilan = calculerBilan(plan, resultats, coutsParDefaut());
    expect(bilan.delaisManquesEquipe).toBeGreaterThan(0);
    expect(bilan.travailleurs.find((t) => t.enRetard)!.delaisManques).toBe(bilan.delaisManquesEquipe);
    expect(bilan.delais.map((d) => d.libelle)).toContain('Premier contact avec le ménage');
    // La visite à domicile « malgré tout mise en œuvre » (fiche 000), même après son délai (un contact
    // par téléphone en retard) : chaque visite en retard a fini par être faite, aucune laissée dépassée.
    const visites = enRetard.flatMap((r) => r.final!.depassees.filter((d) => d.libelle === 'Première visite à domicile'));
    expect(visites.length).toBeGreaterThan(0);
    expect(visites.filter((d) => !d.tenueEnRetard)).toEqual([]);
    expect(bilan.delais.find((d) => d.libelle === 'Première visite à domicile')).toMatchObject({ depassees: visites.length, tenuesEnRetard: visites.length });
  });
});
