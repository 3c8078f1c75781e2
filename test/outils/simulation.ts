/**
 * Un rapport de simulation sans moteur, pour les pages : le plan d'une petite année tiré comme la
 * simulation le tire, chaque action prévue comptée comme acceptée, un délai manqué, et le bilan de
 * `calculerBilan`. De quoi rendre la page d'une simulation terminée en quelques millisecondes.
 */
import { sql } from 'kysely';
import type { BaseDeDonnees } from '../../base';
import { preparerAnnee, rapportDe } from '../../scripts/simulation/annee';
import type { ResultatMenage } from '../../simulations/modele/resultat';
import { calculerBilan, type RapportSimulation } from '../../simulations/modele/rapport';
import { CATALOGUE } from './environnement';

export function rapportFictif(programmeId = 'besancon-ccas', menages = 6): RapportSimulation {
  const programme = CATALOGUE.trouver(programmeId)!;
  const annee = preparerAnnee({ programmes: [{ programme, nombre: menages }], graine: 3, enRetard: 1, horizonMois: 48, concurrence: 1, fenetreJours: 7 });
  const resultats: ResultatMenage[] = annee.plan.menages.map((plan, i) => ({
    plan,
    actions: plan.etapes.flatMap((e) => e.messages.flatMap((m) => (m.action ? [{ action: m.action, t: m.faiteLe ?? e.t }] : []))),
    refus: [],
    demarre: true,
    etapes: plan.etapes.length,
    enAttenteDePlace: false,
    horizonAtteint: false,
    final: {
      etape: 'cloture',
      libelleEtape: 'Clôture',
      cloture: { issue: 'situation_stabilisee', le: new Date(annee.horizon).toISOString() },
      depassees: i === 0 ? [{ libelle: 'Premier contact avec le ménage', responsable: 'travailleur_social', tenueEnRetard: true }] : [],
      reprisePaiement: 'totale',
    },
  }));
  return rapportDe(annee, { resultats, bilan: calculerBilan(annee.plan, resultats, annee.couts), montage: 4_000, mur: 20_000, courriels: 30 });
}

/** Une simulation terminée dans la base, avec ce rapport ; rend son identifiant. */
export async function simulationTerminee(db: BaseDeDonnees, par: string, rapport = rapportFictif()): Promise<string> {
  const id = crypto.randomUUID();
  const programme = CATALOGUE.trouver(rapport.programmes[0]!.id)!;
  await db
    .insertInto('simulations')
    .values({
      id,
      programmes: JSON.stringify([
        {
          id: programme.id,
          nom: programme.nom,
          typeParcours: programme.typeParcours,
          version: programme.version,
          menages: rapport.bilan.menages,
          definition: programme,
        },
      ]),
      graine: 3,
      options: JSON.stringify({ enRetard: 1 }),
      statut: 'terminee',
      etapes_faites: rapport.etapes,
      etapes_total: rapport.etapes,
      rapport: JSON.stringify(rapport),
      demandee_par: par,
      commencee_le: sql<Date>`now()`,
      terminee_le: sql<Date>`now()`,
    })
    .execute();
  return id;
}
