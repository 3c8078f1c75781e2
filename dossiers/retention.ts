/**
 * La durée de conservation des dossiers clos, et leur effacement.
 *
 * Par défaut, un dossier clos est gardé 2 ans : c'est la durée en base active que recommande la CNIL
 * pour l'accueil, l'hébergement et l'accompagnement social (référentiel « durées de conservation »
 * du secteur social et médico-social, délibération n° 2023-095 du 14 septembre 2023 : « 2 ans à
 * compter du dernier contact avec la personne »). La clôture du parcours est ce dernier contact.
 * Chaque programme peut fixer la sienne (`conservationDossier` de son preset).
 *
 * L'effacement supprime le dossier, son journal et ce qui l'accompagne (`AVEC_LE_DOSSIER`), ainsi
 * que les fiches d'orientation refusées échues et les notes (coordonnées, priorité) d'un lancement qui n'a pas eu lieu ; il consigne, sans rien de personnel, combien de
 * dossiers et de fiches de quel programme, clos avant quelle date, ont été effacés. Les fiches
 * d'indicateurs (sans donnée personnelle) restent : elles font les bilans annuels.
 */
import type { BaseDeDonnees } from '../base';
import type { Catalogue } from '../programmes/catalogue';
import { retirerDuree } from '../domain/durees';

export const CONSERVATION_PAR_DEFAUT = 'P2Y';

export interface EffacementProgramme {
  programme: string;
  conservation: string;
  closAvant: string;
  /** Dossiers clos échus effacés (avec leur journal et tout ce qui les accompagne). */
  nombre: number;
  /** Fiches d'orientation refusées depuis plus longtemps que la conservation, effacées. */
  orientationsRefusees: number;
}

/**
 * Ce qui part avec un dossier effacé : les traces de consultation, les consentements, la fiche
 * d'orientation qui l'a ouvert (identité du ménage, chiffrée), les changements de bailleur (leur
 * motif est écrit à la main) et la priorité. Restent, sans rien de personnel, la fiche d'indicateurs
 * et le bailleur du parcours (indicateurs par bailleur ; le parcours y est noté clos).
 */
const AVEC_LE_DOSSIER = [
  'consultations_dossiers',
  'consentements_partage_diagnostic',
  'consentements_menage',
  'orientations',
  'changements_bailleur',
  'priorites_dossiers',
] as const;

/**
 * Efface les dossiers clos depuis plus longtemps que la conservation de leur programme, et les fiches
 * d'orientation refusées depuis plus longtemps qu'elle (ménages jamais accompagnés).
 */
export async function effacerDossiersEchus(db: BaseDeDonnees, catalogue: Pick<Catalogue, 'trouver'>, maintenant = new Date()): Promise<EffacementProgramme[]> {
  const programmes = await db
    .selectFrom('dossiers')
    .select('programme_id')
    .where('clos', '=', true)
    .union(db.selectFrom('orientations').select('programme_id').where('statut', '=', 'refusee'))
    .execute();
  const bilan: EffacementProgramme[] = [];
  for (const { programme_id: programme } of programmes) {
    const conservation = catalogue.trouver(programme)?.conservationDossier ?? CONSERVATION_PAR_DEFAUT;
    const closAvant = retirerDuree(maintenant, conservation);
    const effacement = await db.transaction().execute(async (trx) => {
      const effaces = await trx
        .deleteFrom('dossiers')
        .where('programme_id', '=', programme)
        .where('clos', '=', true)
        .where('clos_le', '<', closAvant)
        .returning('workflow_id')
        .execute();
      const ids = effaces.map((e) => e.workflow_id);
      if (ids.length) for (const table of AVEC_LE_DOSSIER) await trx.deleteFrom(table).where('workflow_id', 'in', ids).execute();
      const refusees = await trx
        .deleteFrom('orientations')
        .where('programme_id', '=', programme)
        .where('statut', '=', 'refusee')
        .where('traitee_le', '<', closAvant)
        .returning('id')
        .execute();
      if (ids.length || refusees.length) {
        await trx
          .insertInto('effacements_dossiers')
          .values({ le: maintenant, programme_id: programme, conservation, clos_avant: closAvant, nombre: ids.length, orientations_refusees: refusees.length })
          .execute();
      }
      return { nombre: ids.length, orientationsRefusees: refusees.length };
    });
    if (effacement.nombre || effacement.orientationsRefusees) bilan.push({ programme, conservation, closAvant: closAvant.toISOString(), ...effacement });
  }
  await effacerNotesSansParcours(db, maintenant);
  return bilan;
}

/** Au-delà, des notes sans dossier n'attendent plus de parcours : un parcours consigne le sien dès sa première étape. */
export const ATTENTE_DOSSIER = 'P30D';

/**
 * Les notes d'un lancement qui n'a pas eu lieu : les coordonnées du ménage (courriel, portable) et sa
 * priorité. Le lancement les note avant de démarrer le parcours et les oublie s'il échoue, mais une
 * API arrêtée entre les deux (ou un Temporal muet au moment de trancher) les laisserait sans
 * dossier, donc hors de toute conservation.
 */
async function effacerNotesSansParcours(db: BaseDeDonnees, maintenant: Date): Promise<void> {
  const avant = retirerDuree(maintenant, ATTENTE_DOSSIER);
  await db
    .deleteFrom('consentements_menage as c')
    .where('c.le', '<', avant)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('dossiers as d').select('d.workflow_id').whereRef('d.workflow_id', '=', 'c.workflow_id'))))
    .execute();
  await db
    .deleteFrom('priorites_dossiers as p')
    .where('p.cree_le', '<', avant)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('dossiers as d').select('d.workflow_id').whereRef('d.workflow_id', '=', 'p.workflow_id'))))
    .execute();
}
