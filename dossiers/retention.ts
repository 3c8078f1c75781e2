/**
 * La durée de conservation des dossiers clos, et leur effacement.
 *
 * Par défaut, un dossier clos est gardé 2 ans : c'est la durée en base active que recommande la CNIL
 * pour l'accueil, l'hébergement et l'accompagnement social (référentiel « durées de conservation »
 * du secteur social et médico-social, délibération n° 2023-095 du 14 septembre 2023 : « 2 ans à
 * compter du dernier contact avec la personne »). La clôture du parcours est ce dernier contact.
 * Chaque programme peut fixer la sienne (`conservationDossier` de son preset).
 *
 * L'effacement supprime le dossier et son journal ; il consigne, sans rien de personnel, combien de
 * dossiers de quel programme, clos avant quelle date, ont été effacés. Les fiches d'indicateurs
 * (sans donnée personnelle) restent : elles font les bilans annuels.
 */
import type { BaseDeDonnees } from '../base';
import type { Catalogue } from '../programmes/catalogue';
import { retirerDuree } from '../workflows/blocs/duree';

export const CONSERVATION_PAR_DEFAUT = 'P2Y';

export interface EffacementProgramme {
  programme: string;
  conservation: string;
  closAvant: string;
  nombre: number;
}

/** Efface les dossiers clos depuis plus longtemps que la conservation de leur programme. */
export async function effacerDossiersEchus(db: BaseDeDonnees, catalogue: Pick<Catalogue, 'trouver'>, maintenant = new Date()): Promise<EffacementProgramme[]> {
  const programmes = await db.selectFrom('dossiers').select('programme_id').distinct().where('clos', '=', true).execute();
  const bilan: EffacementProgramme[] = [];
  for (const { programme_id: programme } of programmes) {
    const conservation = catalogue.trouver(programme)?.conservationDossier ?? CONSERVATION_PAR_DEFAUT;
    const closAvant = retirerDuree(maintenant, conservation);
    const nombre = await db.transaction().execute(async (trx) => {
      const effaces = await trx
        .deleteFrom('dossiers')
        .where('programme_id', '=', programme)
        .where('clos', '=', true)
        .where('clos_le', '<', closAvant)
        .returning('workflow_id')
        .execute();
      if (effaces.length) {
        // Les traces de consultation des dossiers effacés partent avec eux.
        await trx
          .deleteFrom('consultations_dossiers')
          .where(
            'workflow_id',
            'in',
            effaces.map((e) => e.workflow_id),
          )
          .execute();
        await trx
          .deleteFrom('consentements_partage_diagnostic')
          .where(
            'workflow_id',
            'in',
            effaces.map((e) => e.workflow_id),
          )
          .execute();
        await trx
          .deleteFrom('consentements_menage')
          .where(
            'workflow_id',
            'in',
            effaces.map((e) => e.workflow_id),
          )
          .execute();
        await trx
          .insertInto('effacements_dossiers')
          .values({ le: maintenant, programme_id: programme, conservation, clos_avant: closAvant, nombre: effaces.length })
          .execute();
      }
      return effaces.length;
    });
    if (nombre) bilan.push({ programme, conservation, closAvant: closAvant.toISOString(), nombre });
  }
  return bilan;
}
