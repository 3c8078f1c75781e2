/**
 * Les nombres écrits à la française (domain/nombres.ts) : le formulaire de lancement, les listes de
 * la commission et la page de paiement du bailleur les lisent de la même façon.
 */
import { describe, expect, it } from 'vitest';
import { lireMoisFrancais, lireNombreFrancais } from '../domain/nombres';
import { lireMontantSaisi } from '../api/routes/liens';

describe('un nombre écrit à la française', () => {
  const lus: Array<[string, number]> = [
    ['812,40', 812.4],
    ['812.40', 812.4],
    ['1 234,56 €', 1234.56],
    ['1\u202f234,56\u00a0€', 1234.56],
    ['1.234,56', 1234.56],
    ['1,234.56', 1234.56],
    ['1.234', 1234],
    ['1,234', 1234],
    ['12.345.678', 12345678],
    ["1'250", 1250],
    ['2 450 euros', 2450],
    ['350 EUR', 350],
    ['0,125', 0.125],
    ['2,5', 2.5],
    ['-1.234', -1234],
    ['1234,5', 1234.5],
  ];
  it.each(lus)('« %s » se lit %d', (texte, attendu) => {
    expect(lireNombreFrancais(texte)).toBe(attendu);
  });

  it.each(['', 'beaucoup', '1.2.3', '1,23,456', '1.234.56', '12,3456.7', '€'])('« %s » ne se lit pas', (texte) => {
    expect(lireNombreFrancais(texte)).toBeUndefined();
  });
});

describe('le montant reçu, sur la page de paiement du bailleur', () => {
  it('vide : rien ; lisible : le montant ; illisible, négatif, d’un million ou plus, ou avec trois décimales : refusé', () => {
    expect(lireMontantSaisi(undefined)).toBeUndefined();
    expect(lireMontantSaisi('  ')).toBeUndefined();
    expect(lireMontantSaisi('412,50')).toBe(412.5);
    expect(lireMontantSaisi('1.250 €')).toBe(1250);
    expect(lireMontantSaisi('1 250')).toBe(1250);
    for (const faux of ['cinq cents', '-20', '1 000 000', '0,125']) expect(lireMontantSaisi(faux), faux).toBeNaN();
  });
});

describe('un mois écrit à la française (loyer du mois, paiement du protocole)', () => {
  const lus: Array<[string, string]> = [
    ['2027-04', '2027-04'],
    ['avril 2027', '2027-04'],
    ['Avril 2027', '2027-04'],
    ['avr. 2027', '2027-04'],
    ['04/2027', '2027-04'],
    ['4/2027', '2027-04'],
    ['4-2027', '2027-04'],
    ['décembre 2026', '2026-12'],
    ['DECEMBRE  2026', '2026-12'],
    ['févr. 2027', '2027-02'],
    ['fevrier 2027', '2027-02'],
    ['août 2027', '2027-08'],
    ['aout 2027', '2027-08'],
    ['juil. 2027', '2027-07'],
    ['juin 2027', '2027-06'],
    ['mai 2027', '2027-05'],
    ['sept. 2027', '2027-09'],
  ];
  it.each(lus)('« %s » se lit %s', (texte, attendu) => {
    expect(lireMoisFrancais(texte)).toBe(attendu);
  });
  // Un nom ambigu (juin ou juillet, mars ou mai), un mois qui n'existe pas, une date entière : rien.
  it.each(['jui 2027', 'ma 2027', '13/2027', '2027-00', '0/2027', 'avril', '2027', '12 avril 2027', 'abc 2027', ''])('« %s » ne se lit pas', (texte) => {
    expect(lireMoisFrancais(texte)).toBeUndefined();
  });
});
