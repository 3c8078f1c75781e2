/**
 * Le registre des fiches d'indicateurs, dans le système d'enregistrement (table
 * `fiches_indicateurs` : une ligne par parcours, sans donnée personnelle — la référence du dossier
 * seulement).
 *
 * - chaque fiche porte une version croissante (donnée par le workflow) : une tentative rejouée en
 *   retard, plus ancienne, n'écrase jamais une fiche plus récente (upsert conditionnel : une seule
 *   requête, juste quel que soit le nombre de workers) ;
 * - rien en mémoire : l'API et tous les workers lisent et écrivent les mêmes fiches.
 *
 * Les fiches de l'ancien registre en fichiers (INDICATEURS_DIR) s'importent une fois :
 * `npm run importer:indicateurs -- <dossier>` (scripts/importer-indicateurs.ts).
 */
import type { FicheIndicateurs } from '../domain/indicateurs';
import type { BaseDeDonnees } from '../base';
import type { Consignation } from './schema';

export class RegistreIndicateurs {
  constructor(private readonly db: BaseDeDonnees) {}

  /** Consigne une fiche ; sans effet (« ignoree ») si le registre a déjà une version plus récente ou égale. */
  async consigner(c: Consignation): Promise<'ecrite' | 'ignoree'> {
    const ecrite = await this.db
      .insertInto('fiches_indicateurs')
      .values({ workflow_id: c.fiche.workflowId, programme_id: c.fiche.programme.id, version: c.version, fiche: JSON.stringify(c.fiche), consignee_le: new Date() })
      .onConflict((oc) =>
        oc
          .column('workflow_id')
          .doUpdateSet((eb) => ({
            programme_id: eb.ref('excluded.programme_id'),
            version: eb.ref('excluded.version'),
            fiche: eb.ref('excluded.fiche'),
            consignee_le: eb.ref('excluded.consignee_le'),
          }))
          .whereRef('fiches_indicateurs.version', '<', 'excluded.version'),
      )
      .returning('workflow_id')
      .executeTakeFirst();
    return ecrite ? 'ecrite' : 'ignoree';
  }

  /** La fiche consignée d'un parcours, avec sa version. */
  async lire(programmeId: string, workflowId: string): Promise<Consignation | undefined> {
    const l = await this.db.selectFrom('fiches_indicateurs').select(['version', 'fiche']).where('workflow_id', '=', workflowId).where('programme_id', '=', programmeId).executeTakeFirst();
    return l ? { version: Number(l.version), fiche: l.fiche as FicheIndicateurs } : undefined;
  }

  /** Toutes les fiches d'un programme. */
  async fichesDuProgramme(programmeId: string): Promise<{ fiches: FicheIndicateurs[] }> {
    const lignes = await this.db.selectFrom('fiches_indicateurs').select('fiche').where('programme_id', '=', programmeId).execute();
    return { fiches: lignes.map((l) => l.fiche as FicheIndicateurs) };
  }
}
