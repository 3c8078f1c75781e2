/**
 * Les textes comparés sans leur forme (domain/texte.ts) : en-têtes d'une liste importée, noms cherchés,
 * bailleur d'un logement, ménage déjà suivi.
 */
import { describe, expect, it } from 'vitest';
import { normaliser } from '../domain/texte';
import { motsDuNom } from '../securite/coffre';

describe('normaliser un texte', () => {
  it('sans majuscules, accents, ligatures ni ponctuation ; espaces simples', () => {
    for (const [saisi, attendu] of [
      ['Mme Aïssata NDIAYE-Diop', 'mme aissata ndiaye diop'],
      ['3, rue du Bœuf — 45000 Orléans', '3 rue du boeuf 45000 orleans'],
      ['3 RUE DU BOEUF 45000 ORLÉANS', '3 rue du boeuf 45000 orleans'],
      ['Lætitia Œttinger', 'laetitia oettinger'],
      ['Straße', 'strasse'],
      ['  Date   de séance ', 'date de seance'],
    ] as const) {
      expect(normaliser(saisi), saisi).toBe(attendu);
    }
  });

  it('les mots d’un nom cherché : « Cœur » et « coeur » sont un même mot', () => {
    expect(motsDuNom('M. Cœur-de-Lion')).toEqual(['m', 'coeur', 'de', 'lion']);
    expect(motsDuNom('coeur')).toEqual(motsDuNom('CŒUR'));
  });
});
