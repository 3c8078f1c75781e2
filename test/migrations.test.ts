/**
 * Les migrations de la base se défont (`down`) puis se refont, chacune : une version précédente du
 * produit peut être remise sur une base migrée, et la migration refaite retrouve le même schéma.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrer, type BaseDeDonnees } from '../base';
import { MIGRATIONS } from '../base/migrations';
import { creerBaseEssai, type BaseEssai } from './outils/base';

let base: BaseEssai | undefined;
afterAll(async () => base?.fermer());

/** Les colonnes de toutes les tables de l'application, et ses index : ce que les migrations construisent. */
async function schema(db: BaseDeDonnees): Promise<string[]> {
  const colonnes = await sql<{ l: string }>`
    select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable as l
    from information_schema.columns where table_schema = 'public' and table_name not like 'migrations%' order by 1`.execute(db);
  const index = await sql<{
    l: string;
  }>`select indexdef as l from pg_indexes where schemaname = 'public' and tablename not like 'migrations%' order by 1`.execute(db);
  return [...colonnes.rows, ...index.rows].map((r) => r.l);
}

describe('migrations', () => {
  it('chacune se défait puis se refait sur le schéma qu’elle a trouvé, de la dernière à la deuxième', async () => {
    base = await creerBaseEssai();
    const noms = Object.keys(MIGRATIONS).sort();
    // La première reste : la défaire viderait tout.
    for (let i = noms.length - 2; i >= 0; i--) {
      const avant = await schema(base.db);
      const bas = await migrer(base.db, { jusqua: noms[i]! });
      expect(bas.results?.map((x) => [x.migrationName, x.direction, x.status])).toEqual([[noms[i + 1], 'Down', 'Success']]);
      const haut = await migrer(base.db, { jusqua: noms[i + 1]! });
      expect(haut.results?.map((x) => [x.migrationName, x.direction, x.status])).toEqual([[noms[i + 1], 'Up', 'Success']]);
      expect(await schema(base.db), `${noms[i + 1]} défaite puis refaite`).toEqual(avant);
      await migrer(base.db, { jusqua: noms[i]! });
    }
  });

  it('0036 : les orientations déjà acceptées ont leur parcours noté lancé (l’ancien code le lançait avant de les marquer)', async () => {
    const b = await creerBaseEssai();
    try {
      await migrer(b.db, { jusqua: '0035-courriels-par-debut-de-cle' });
      const traiteeLe = new Date('2025-03-31T22:30:00Z');
      const ligne = (id: string, statut: string, traitee: boolean) =>
        sql`insert into orientations (id, programme_id, organisation_id, reference, fiche_chiffree, statut, traitee_par, traitee_le, workflow_id)
            values (${id}, 'loiret-ahu', 'loiret-ahu--bailleur', ${`OR-2503-${id}`}, ${Buffer.from('x')}, ${statut},
                    ${traitee ? 'coord.essai' : null}, ${traitee ? traiteeLe : null}, ${statut === 'acceptee' ? `loiret-ahu--OR-2503-${id}` : null})`.execute(
          b.db,
        );
      await ligne('a', 'acceptee', true);
      await ligne('r', 'refusee', true);
      await ligne('n', 'recue', false);
      await migrer(b.db, { jusqua: '0036-orientations-parcours-lance' });
      const lignes = await sql<{ id: string; parcours_lance_le: Date | null }>`select id, parcours_lance_le from orientations order by id`.execute(b.db);
      expect(lignes.rows).toEqual([
        { id: 'a', parcours_lance_le: traiteeLe },
        { id: 'n', parcours_lance_le: null },
        { id: 'r', parcours_lance_le: null },
      ]);
    } finally {
      await b.fermer();
    }
  });
});
