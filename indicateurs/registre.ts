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
import type { Base, BaseDeDonnees } from '../base';
import { sql, type QueryCreator } from 'kysely';
import type { Consignation } from './schema';
import { bornesDeParis } from './periode';

/** La première et la dernière des dates (ISO 8601) d'une fiche : l'étendue de ses faits. */
export function etendueDesFaits(fiche: unknown): { premier: Date | null; dernier: Date | null } {
  let min: string | undefined;
  let max: string | undefined;
  const parcourir = (v: unknown): void => {
    if (typeof v === 'string') {
      if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
        if (!min || v < min) min = v;
        if (!max || v > max) max = v;
      }
    } else if (Array.isArray(v)) v.forEach(parcourir);
    else if (v && typeof v === 'object') Object.values(v).forEach(parcourir);
  };
  parcourir(fiche);
  return { premier: min ? new Date(min) : null, dernier: max ? new Date(max) : null };
}

/**
 * L'écriture d'une fiche, à exécuter seule ou dans une requête plus grande (le dossier la consigne
 * avec son état et son journal, en une requête) : rend la ligne écrite, aucune si le registre a déjà
 * une version plus récente ou égale.
 */
export function insertionFiche(db: QueryCreator<Base>, c: Consignation) {
  const { premier, dernier } = etendueDesFaits(c.fiche);
  return db
    .insertInto('fiches_indicateurs')
    .values({
      workflow_id: c.fiche.workflowId,
      programme_id: c.fiche.programme.id,
      version: c.version,
      fiche: JSON.stringify(c.fiche),
      consignee_le: new Date(),
      premier_le: premier,
      dernier_le: dernier,
      close: !!c.fiche.cloture,
    })
    .onConflict((oc) =>
      oc
        .column('workflow_id')
        .doUpdateSet((eb) => ({
          programme_id: eb.ref('excluded.programme_id'),
          version: eb.ref('excluded.version'),
          fiche: eb.ref('excluded.fiche'),
          consignee_le: eb.ref('excluded.consignee_le'),
          premier_le: eb.ref('excluded.premier_le'),
          dernier_le: eb.ref('excluded.dernier_le'),
          close: eb.ref('excluded.close'),
        }))
        .whereRef('fiches_indicateurs.version', '<', 'excluded.version'),
    )
    .returning('workflow_id');
}

export class RegistreIndicateurs {
  constructor(private readonly db: BaseDeDonnees) {}

  /** Consigne une fiche ; sans effet (« ignoree ») si le registre a déjà une version plus récente ou égale. */
  async consigner(c: Consignation): Promise<'ecrite' | 'ignoree'> {
    const ecrite = await insertionFiche(this.db, c).executeTakeFirst();
    return ecrite ? 'ecrite' : 'ignoree';
  }

  /** La fiche consignée d'un parcours, avec sa version. */
  async lire(programmeId: string, workflowId: string): Promise<Consignation | undefined> {
    const l = await this.db
      .selectFrom('fiches_indicateurs')
      .select(['version', 'fiche'])
      .where('workflow_id', '=', workflowId)
      .where('programme_id', '=', programmeId)
      .executeTakeFirst();
    return l ? { version: Number(l.version), fiche: l.fiche as FicheIndicateurs } : undefined;
  }

  /** Le jour (AAAA-MM-JJ) du premier parcours repéré pour un programme : le début du programme à défaut de réglage. */
  async premierReperage(programmeId: string): Promise<string | undefined> {
    const l = await this.db
      .selectFrom('fiches_indicateurs')
      .select(sql<string | null>`min(fiche->>'reperageLe')`.as('premier'))
      .where('programme_id', '=', programmeId)
      .where(sql<string>`fiche->>'reperageLe'`, '>', '1970-01-02')
      .executeTakeFirst();
    return l?.premier ? l.premier.slice(0, 10) : undefined;
  }

  /**
   * Les fiches d'un programme ; avec une période (journées de Paris, bornes comprises), seulement celles
   * dont un fait ou un état la touche : commencées avant sa fin, et encore ouvertes ou finies après son
   * début. Le calcul donne le même résultat qu'avec toutes les fiches (test/indicateurs.test.ts).
   */
  /**
   * Les fiches d'un programme, sur une période ; avec `bailleur`, seulement les ménages de ce bailleur
   * (un parcours rouvert en veille active, « …-R260312 », garde le bailleur du parcours d'origine).
   */
  async fichesDuProgramme(programmeId: string, periode?: { du: string; au: string }, o: { bailleur?: string } = {}): Promise<{ fiches: FicheIndicateurs[] }> {
    let q = this.db.selectFrom('fiches_indicateurs').select('fiche').where('programme_id', '=', programmeId);
    if (o.bailleur) {
      const duBailleur = this.db.selectFrom('bailleurs_parcours').select('workflow_id').where('organisation_id', '=', o.bailleur);
      q = q.where((eb) => eb.or([eb('workflow_id', 'in', duBailleur), eb(sql<string>`regexp_replace(workflow_id, '(-R[0-9]{6})+$', '')`, 'in', duBailleur)]));
    }
    if (periode) {
      const bornes = bornesDeParis(periode);
      const debut = new Date(bornes.debut);
      const fin = new Date(bornes.fin + 1);
      q = q.where((eb) =>
        eb.or([eb('premier_le', 'is', null), eb.and([eb('premier_le', '<', fin), eb.or([eb('close', '=', false), eb('dernier_le', '>=', debut)])])]),
      );
    }
    const lignes = await q.execute();
    return { fiches: lignes.map((l) => l.fiche as FicheIndicateurs) };
  }
}
