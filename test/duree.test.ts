import { describe, expect, it } from 'vitest';
import {
  ajouterDuree,
  auSoirApres,
  calendrierDu,
  comparerDurees,
  dateEnFrancais,
  depuisHeureDeParis,
  jourDeParis,
  joursDeCalendrier,
  minuitDeParis,
  heureDeParis,
  dureeEnFrancais,
  enJours,
  estDureeIso,
  estJourOuvre,
  estFinDeJourOuvre,
  finDeJourOuvre,
  finDuJour,
  finEnFrancais,
  limiteEnFrancais,
  neufHeuresLe,
  jourEnFrancais,
  unJourOuvre,
  joursFeries,
  lireDuree,
  periodiciteEnFrancais,
  retirerDuree,
  sommeDurees,
} from '../domain/durees';
import { treveHivernale } from '../workflows/protocole-post-resiliation';
import { datesDesRappels } from '../workflows/blocs/validation';
import { motifLoyer } from '../workflows/iml-bail-glissant';
import { auxHeuresOuvrees, estJourIso, jourEtHeureEnMots, moisEnFrancais, moisEntre, rappelUnJourOuvreAvant } from '../domain/durees';

const utc = (iso: string) => new Date(iso);
const jour = (d: Date) => d.toISOString().slice(0, 10);

describe('jourEtHeureEnMots', () => {
  it('le jour et l’heure à Paris, en mots, l’hiver et l’été', () => {
    expect(jourEtHeureEnMots('2026-12-09T07:00:00.000Z')).toBe('mercredi 9 décembre 2026 à 8 h');
    expect(jourEtHeureEnMots(new Date('2027-07-15T06:30:00.000Z'))).toBe('jeudi 15 juillet 2027 à 8 h 30');
    expect(jourEtHeureEnMots('2027-03-31T22:05:00.000Z')).toBe('jeudi 1er avril 2027 à 0 h 05');
  });
});

describe('estJourIso', () => {
  it('un jour AAAA-MM-JJ qui existe ; ni le 30 février ni le 29 février d’une année commune, ni un autre format', () => {
    for (const j of ['2027-03-01', '2028-02-29', '1999-12-31']) expect(estJourIso(j), j).toBe(true);
    for (const j of ['2027-02-30', '2027-02-29', '2027-13-01', '2027-04-31', '12/03/2027', '2027-3-1', '', undefined, 20270301])
      expect(estJourIso(j), String(j)).toBe(false);
  });
});

describe('lireDuree / estDureeIso', () => {
  it('lit chaque composante d’une durée ISO 8601', () => {
    expect(lireDuree('P3W')).toEqual({ annees: 0, mois: 0, semaines: 3, jours: 0, heures: 0, minutes: 0, secondes: 0 });
    expect(lireDuree('P1M')).toEqual({ annees: 0, mois: 1, semaines: 0, jours: 0, heures: 0, minutes: 0, secondes: 0 });
    expect(lireDuree('PT48H')).toEqual({ annees: 0, mois: 0, semaines: 0, jours: 0, heures: 48, minutes: 0, secondes: 0 });
    expect(lireDuree('P1Y2M10DT2H30M')).toEqual({ annees: 1, mois: 2, semaines: 0, jours: 10, heures: 2, minutes: 30, secondes: 0 });
    expect(lireDuree('PT1M')).toEqual({ annees: 0, mois: 0, semaines: 0, jours: 0, heures: 0, minutes: 1, secondes: 0 });
    expect(lireDuree('PT15S')?.secondes).toBe(15);
  });

  it.each(['P3W', 'P1M', 'P7D', 'P1Y2M10DT2H30M', 'PT48H', 'P2Y', 'PT8H'])('accepte %s', (iso) => {
    expect(estDureeIso(iso)).toBe(true);
    expect(lireDuree(iso)).toBeDefined();
  });

  it.each(['', 'P', 'PT', '3W', 'P1.5M', 'P1MT', 'p1m', 'P-1D', 'P1M ', ' P1M', '3 semaines', 'P1H', 'PT1D', 'P1W1Y'])('refuse « %s »', (iso) => {
    expect(estDureeIso(iso)).toBe(false);
    expect(lireDuree(iso)).toBeUndefined();
  });
});

describe('ajouterDuree', () => {
  it('suit le calendrier : un mois après le 31 janvier est la fin février', () => {
    expect(jour(ajouterDuree(utc('2027-01-31T10:00:00Z'), 'P1M'))).toBe('2027-02-28');
  });

  it('année bissextile : un mois après le 31 janvier 2028 est le 29 février', () => {
    expect(jour(ajouterDuree(utc('2028-01-31T10:00:00Z'), 'P1M'))).toBe('2028-02-29');
    expect(jour(ajouterDuree(utc('2028-02-29T10:00:00Z'), 'P1Y'))).toBe('2029-02-28');
    expect(jour(ajouterDuree(utc('2028-02-29T10:00:00Z'), 'P4Y'))).toBe('2032-02-29');
  });

  it('garde le jour du mois quand il existe, et l’heure de Paris (15 mars 10 h 45 → 15 avril 10 h 45, passé à l’heure d’été)', () => {
    expect(ajouterDuree(utc('2027-03-15T09:45:00Z'), 'P1M').toISOString()).toBe('2027-04-15T08:45:00.000Z');
    expect(jour(ajouterDuree(utc('2027-03-31T10:00:00Z'), 'P1M'))).toBe('2027-04-30');
    expect(jour(ajouterDuree(utc('2027-11-30T10:00:00Z'), 'P3M'))).toBe('2028-02-29');
  });

  it('passe l’année : P2M depuis novembre, P1Y2M', () => {
    expect(jour(ajouterDuree(utc('2027-11-15T10:00:00Z'), 'P2M'))).toBe('2028-01-15');
    expect(jour(ajouterDuree(utc('2027-01-10T10:00:00Z'), 'P1Y2M'))).toBe('2028-03-10');
    expect(jour(ajouterDuree(utc('2027-01-10T10:00:00Z'), 'P2Y'))).toBe('2029-01-10');
  });

  it('semaines, jours (hors changement d’heure), heures et minutes en temps exact', () => {
    const depart = utc('2027-02-25T10:00:00Z');
    expect(ajouterDuree(depart, 'P3W').toISOString()).toBe('2027-03-18T10:00:00.000Z');
    expect(ajouterDuree(depart, 'P7D').toISOString()).toBe('2027-03-04T10:00:00.000Z');
    expect(ajouterDuree(depart, 'PT48H').toISOString()).toBe('2027-02-27T10:00:00.000Z');
    expect(ajouterDuree(depart, 'PT2H30M').toISOString()).toBe('2027-02-25T12:30:00.000Z');
    expect(ajouterDuree(depart, 'PT90S').toISOString()).toBe('2027-02-25T10:01:30.000Z');
  });

  it('applique les mois avant les jours (P1M10D depuis le 31 janvier)', () => {
    expect(jour(ajouterDuree(utc('2027-01-31T10:00:00Z'), 'P1M10D'))).toBe('2027-03-10');
  });

  it('ne modifie pas la date reçue', () => {
    const d = utc('2027-01-31T10:00:00Z');
    ajouterDuree(d, 'P1M');
    expect(d.toISOString()).toBe('2027-01-31T10:00:00.000Z');
  });

  it('lève une erreur en français pour une durée invalide', () => {
    expect(() => ajouterDuree(utc('2027-01-01T00:00:00Z'), '3 semaines')).toThrow(/Durée ISO 8601 invalide : « 3 semaines »/);
  });
});

describe('retirerDuree', () => {
  it('retire des jours, des semaines et des heures', () => {
    expect(retirerDuree(utc('2027-03-18T10:00:00Z'), 'P3W').toISOString()).toBe('2027-02-25T10:00:00.000Z');
    expect(retirerDuree(utc('2027-03-04T10:00:00Z'), 'P5D').toISOString()).toBe('2027-02-27T10:00:00.000Z');
    expect(retirerDuree(utc('2027-03-01T01:00:00Z'), 'PT2H').toISOString()).toBe('2027-02-28T23:00:00.000Z');
  });

  it('est l’inverse de ajouterDuree pour des jours', () => {
    const d = utc('2027-06-10T08:00:00Z');
    expect(ajouterDuree(retirerDuree(d, 'P10D'), 'P10D').toISOString()).toBe(d.toISOString());
  });

  it('retire des mois selon le calendrier (un mois avant le 15 mars = 15 février)', () => {
    expect(jour(retirerDuree(utc('2027-03-15T10:00:00Z'), 'P1M'))).toBe('2027-02-15');
    expect(jour(retirerDuree(utc('2027-05-20T10:00:00Z'), 'P2M'))).toBe('2027-03-20');
  });

  it('lève une erreur pour une durée invalide', () => {
    expect(() => retirerDuree(utc('2027-01-01T00:00:00Z'), 'P')).toThrow(/Durée ISO 8601 invalide/);
  });
});

describe('comparerDurees', () => {
  it('ordonne des durées exprimées dans des unités différentes', () => {
    expect(comparerDurees('P3W', 'P1M')).toBeLessThan(0);
    expect(comparerDurees('P1Y', 'P11M')).toBeGreaterThan(0);
    expect(comparerDurees('P7D', 'P1W')).toBe(0);
    expect(comparerDurees('PT48H', 'P2D')).toBe(0);
  });
});

describe('sommeDurees', () => {
  it('additionne terme à terme, sans convertir les mois en jours', () => {
    expect(sommeDurees('P6M', 'P1M')).toBe('P7M');
    expect(sommeDurees('P6M', 'P1M', 'P1M')).toBe('P8M');
    expect(sommeDurees('P1Y', 'P2W', 'PT12H')).toBe('P1Y2WT12H');
    expect(sommeDurees('PT1H', 'PT30M')).toBe('PT1H30M');
    expect(sommeDurees('PT0S', 'PT45S')).toBe('PT45S');
    expect(sommeDurees('P0D')).toBe('P0D');
    expect(sommeDurees()).toBe('P0D');
    expect(() => sommeDurees('P6M', 'un mois')).toThrow(/Durée ISO 8601 invalide/);
  });

  it('un point à 7 mois compté depuis le début tombe en fin de mois comme le calendrier le veut', () => {
    // Suivi commencé le 31 juillet 2027 : 7 mois = fin février 2028 (bissextile : le 29), pas 6 mois
    // (31 janvier) puis un mois (29 février) par hasard égal ; 8 mois = 31 mars, pas le 29.
    const debut = utc('2027-07-31T08:00:00Z');
    expect(jourDeParis(ajouterDuree(debut, sommeDurees('P6M', 'P1M')))).toBe('2028-02-29');
    expect(jourDeParis(ajouterDuree(debut, sommeDurees('P6M', 'P1M', 'P1M')))).toBe('2028-03-31');
    expect(jourDeParis(ajouterDuree(ajouterDuree(ajouterDuree(debut, 'P6M'), 'P1M'), 'P1M'))).toBe('2028-03-29');
  });
});

describe('periodiciteEnFrancais', () => {
  it.each([
    ['P1M', 'chaque mois'],
    ['P1W', 'chaque semaine'],
    ['P2W', 'toutes les 2 semaines'],
    ['P3M', 'tous les 3 mois'],
    ['P10D', 'tous les 10 jours'],
  ])('%s → %s', (iso, texte) => {
    expect(periodiciteEnFrancais(iso)).toBe(texte);
  });
});

describe('dureeEnFrancais', () => {
  it.each([
    ['P3W', '3 semaines'],
    ['P1W', '1 semaine'],
    ['P1M', '1 mois'],
    ['P6M', '6 mois'],
    ['P1Y', '1 an'],
    ['P2Y', '2 ans'],
    ['P1Y2M', '1 an et 2 mois'],
    ['P7D', '7 jours'],
    ['P1D', '1 jour'],
    ['PT48H', '48 heures'],
    ['PT1H', '1 heure'],
    ['PT30M', '30 minutes'],
  ])('%s → « %s »', (iso, attendu) => {
    expect(dureeEnFrancais(iso)).toBe(attendu);
  });

  it('rend telle quelle une valeur qui n’est pas une durée', () => {
    expect(dureeEnFrancais('bientôt')).toBe('bientôt');
  });
});

describe('dateEnFrancais', () => {
  it('écrit la date en toutes lettres', () => {
    expect(dateEnFrancais(utc('2027-03-12T10:00:00Z'))).toBe('12 mars 2027');
    expect(dateEnFrancais(utc('2027-08-15T09:00:00Z'))).toBe('15 août 2027');
    expect(dateEnFrancais(utc('2027-02-03T09:00:00Z'))).toBe('3 février 2027');
    expect(dateEnFrancais(utc('2027-12-24T09:00:00Z'))).toBe('24 décembre 2027');
  });

  it('accepte une date ISO en chaîne', () => {
    expect(dateEnFrancais('2027-07-14T09:00:00.000Z')).toBe('14 juillet 2027');
  });

  it('donne le jour à Paris : 23 h 30 UTC en hiver est déjà le lendemain ; « 1er » du mois', () => {
    expect(dateEnFrancais(utc('2027-01-31T23:30:00Z'))).toBe('1er février 2027');
    expect(dateEnFrancais(utc('2027-12-31T23:30:00Z'))).toBe('1er janvier 2028');
    expect(dateEnFrancais(utc('2027-01-31T22:30:00Z'))).toBe('31 janvier 2027');
    expect(dateEnFrancais('2027-03-01')).toBe('1er mars 2027');
  });

  it('suit l’heure d’été (UTC+2 du dernier dimanche de mars au dernier dimanche d’octobre)', () => {
    expect(dateEnFrancais(utc('2027-07-14T22:30:00Z'))).toBe('15 juillet 2027'); // 0 h 30 à Paris
    expect(dateEnFrancais(utc('2027-07-14T21:30:00Z'))).toBe('14 juillet 2027');
    // 2027 : heure d'été le dimanche 28 mars à 1 h UTC, heure d'hiver le dimanche 31 octobre à 1 h UTC.
    expect(heureDeParis(utc('2027-03-28T00:59:00Z')).toISOString()).toBe('2027-03-28T01:59:00.000Z');
    expect(heureDeParis(utc('2027-03-28T01:00:00Z')).toISOString()).toBe('2027-03-28T03:00:00.000Z');
    expect(heureDeParis(utc('2027-10-31T00:59:00Z')).toISOString()).toBe('2027-10-31T02:59:00.000Z');
    expect(heureDeParis(utc('2027-10-31T01:00:00Z')).toISOString()).toBe('2027-10-31T02:00:00.000Z');
    expect(dateEnFrancais(utc('2027-10-30T22:30:00Z'))).toBe('31 octobre 2027');
  });
});

/**
 * Les délais des programmes à des dates données : fins de mois, année bissextile, fin d'année,
 * changements d'heure à Paris (derniers dimanches de mars et d'octobre), bornes de la trêve
 * hivernale. Chaque cas dit dans son nom la date qu'il utilise.
 */
describe('délais à des dates données (heure de Paris)', () => {
  const paris = (d: Date) => heureDeParis(d).toISOString().slice(0, 16).replace('T', ' ');
  it.each([
    ['31 janvier 2027 10:00', '2027-01-31T09:00:00Z', 'P1M', '2027-02-28 10:00'],
    ['28 février 2027 10:00', '2027-02-28T09:00:00Z', 'P1M', '2027-03-28 10:00'],
    ['29 février 2028 10:00', '2028-02-29T09:00:00Z', 'P1M', '2028-03-29 10:00'],
    ['30 avril 2027 10:00', '2027-04-30T08:00:00Z', 'P1M', '2027-05-30 10:00'],
    ['31 mai 2027 10:00', '2027-05-31T08:00:00Z', 'P1M', '2027-06-30 10:00'],
    ['31 décembre 2026 10:00', '2026-12-31T09:00:00Z', 'P1M', '2027-01-31 10:00'],
    ['31 décembre 2026 23:30', '2026-12-31T22:30:00Z', 'P1W', '2027-01-07 23:30'],
    ['31 décembre 2026 10:00', '2026-12-31T09:00:00Z', 'P2M', '2027-02-28 10:00'],
    ['samedi 27 mars 2027 23:30, veille du passage à l’heure d’été', '2027-03-27T22:30:00Z', 'P1D', '2027-03-28 23:30'],
    ['samedi 27 mars 2027 23:30, veille du passage à l’heure d’été', '2027-03-27T22:30:00Z', 'P1W', '2027-04-03 23:30'],
    ['dimanche 28 mars 2027 01:30, une heure avant le passage', '2027-03-28T00:30:00Z', 'PT2H', '2027-03-28 04:30'],
    ['samedi 30 octobre 2027 23:30, veille du retour à l’heure d’hiver', '2027-10-30T21:30:00Z', 'P1D', '2027-10-31 23:30'],
    ['samedi 30 octobre 2027 23:30, veille du retour à l’heure d’hiver', '2027-10-30T21:30:00Z', 'P3W', '2027-11-20 23:30'],
    ['dimanche 25 octobre 2026 01:30, avant le retour à l’heure d’hiver', '2026-10-24T23:30:00Z', 'PT2H', '2026-10-25 02:30'],
  ])('%s + %s', (_nom, depart, duree, attendu) => {
    const fin = ajouterDuree(new Date(depart), duree);
    expect(paris(fin)).toBe(attendu);
    // Le chemin inverse ramène au départ (hors jours raccourcis par la fin de mois).
    if (!/M|Y/.test(duree.replace(/T.*$/, ''))) expect(retirerDuree(fin, duree).toISOString()).toBe(new Date(depart).toISOString());
  });

  it.each([
    ['samedi 27 mars 2027 23:30 (heure d’hiver), le dimanche 28 mars 2027 à 3 h passe à l’heure d’été', '2027-03-27T22:30:00Z', 'P7D', '3 avril 2027'],
    ['samedi 30 octobre 2027 23:30 (heure d’été)', '2027-10-30T21:30:00Z', 'P7D', '6 novembre 2027'],
    ['31 décembre 2026 23:30', '2026-12-31T22:30:00Z', 'P1M', '31 janvier 2027'],
  ])('la date annoncée dans les courriels : %s + %s → %s', (_nom, depart, duree, attendu) => {
    expect(dateEnFrancais(ajouterDuree(new Date(depart), duree))).toBe(attendu);
  });

  it('une heure qui n’existe pas à Paris (28 mars 2027, 2 h 30) devient 3 h 30 ; une heure vécue deux fois (31 octobre 2027, 2 h 30), la première', () => {
    expect(new Date(depuisHeureDeParis(Date.parse('2027-03-28T02:30:00Z'))).toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(new Date(depuisHeureDeParis(Date.parse('2027-10-31T02:30:00Z'))).toISOString()).toBe('2027-10-31T00:30:00.000Z');
  });

  it.each([
    ['31 octobre 2026 23:59 à Paris', '2026-10-31T22:59:00Z', { enCours: false, prochaine: '2026-11-01' }],
    ['1er novembre 2026 00:00 à Paris (23:00 UTC la veille)', '2026-10-31T23:00:00Z', { enCours: true, jusquau: '2027-03-31' }],
    ['31 décembre 2026 23:30 à Paris', '2026-12-31T22:30:00Z', { enCours: true, jusquau: '2027-03-31' }],
    ['1er janvier 2027 à Paris', '2027-01-01T09:00:00Z', { enCours: true, jusquau: '2027-03-31' }],
    ['31 mars 2027 23:59 à Paris (heure d’été)', '2027-03-31T21:59:00Z', { enCours: true, jusquau: '2027-03-31' }],
    ['1er avril 2027 00:00 à Paris (22:00 UTC la veille)', '2027-03-31T22:00:00Z', { enCours: false, prochaine: '2027-11-01' }],
  ])('trêve hivernale le %s', (_nom, instant, attendu) => {
    expect(treveHivernale(new Date(instant))).toEqual(attendu);
  });
});

describe('mois de sous-location et loyers échus (IML) à des dates données', () => {
  const minuitParis = minuitDeParis;
  it.each([
    ['2 décembre 2026 → 2 juin 2027 (heure d’été entre-temps)', '2026-12-02', '2027-06-02', 6],
    ['2 décembre 2026 → 1er juin 2027', '2026-12-02', '2027-06-01', 5],
    ['31 octobre 2027 → 30 avril 2028 (mois court)', '2027-10-31', '2028-04-30', 6],
    ['29 février 2028 → 28 février 2029', '2028-02-29', '2029-02-28', 12],
    ['31 décembre 2026 → 31 décembre 2027', '2026-12-31', '2027-12-31', 12],
    ['15 mars 2027 → 14 mars 2027 (avant le début)', '2027-03-15', '2027-03-14', 0],
  ])('%s : %i mois', (_nom, a, b, n) => {
    expect(moisEntre(minuitParis(a), minuitParis(b))).toBe(n);
  });

  it('le loyer de janvier 2028 est échu le 1er janvier 2028 à 0 h 30 à Paris (31 décembre 23 h 30 UTC)', () => {
    const debut = minuitParis('2027-10-01');
    expect(motifLoyer('2028-01', debut, new Date('2027-12-31T23:30:00Z'))).toBeUndefined();
    expect(motifLoyer('2028-02', debut, new Date('2027-12-31T23:30:00Z'))).toBe('Le loyer de février 2028 n’est pas encore échu.');
    expect(motifLoyer('2027-09', debut, new Date('2027-12-31T23:30:00Z'))).toContain('antérieur au début');
  });
});

describe('jours de Paris (dates AAAA-MM-JJ des protocoles et des mesures)', () => {
  it.each([
    ['1er mars 2027 (heure d’hiver)', '2027-03-01', '2027-02-28T23:00:00.000Z'],
    ['1er avril 2027 (heure d’été)', '2027-04-01', '2027-03-31T22:00:00.000Z'],
    ['28 mars 2027, jour du passage à l’heure d’été', '2027-03-28', '2027-03-27T23:00:00.000Z'],
    ['1er janvier 2027', '2027-01-01', '2026-12-31T23:00:00.000Z'],
  ])('minuit à Paris le %s', (_nom, jour, attendu) => {
    expect(minuitDeParis(jour).toISOString()).toBe(attendu);
    expect(jourDeParis(minuitDeParis(jour))).toBe(jour);
  });
  it('le jour à Paris du 31 décembre 2026 à 23 h 30 UTC est le 1er janvier 2027', () => {
    expect(jourDeParis(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});

describe('fin du jour et 9 h, à Paris (délais qui courent depuis un jour, leurs rappels)', () => {
  it.each([
    ['un jour d’hiver', '2027-02-28T10:00:00Z', '2027-02-28T22:59:59.999Z', '2027-02-28T08:00:00.000Z'],
    ['un jour d’été', '2027-04-28T10:00:00Z', '2027-04-28T21:59:59.999Z', '2027-04-28T07:00:00.000Z'],
    ['le jour du passage à l’heure d’été (28 mars 2027, 23 heures)', '2027-03-28T05:00:00Z', '2027-03-28T21:59:59.999Z', '2027-03-28T07:00:00.000Z'],
    ['le jour du passage à l’heure d’hiver (31 octobre 2027, 25 heures)', '2027-10-31T05:00:00Z', '2027-10-31T22:59:59.999Z', '2027-10-31T08:00:00.000Z'],
    ['le 31 décembre à 23 h 30 de Paris', '2026-12-31T22:30:00Z', '2026-12-31T22:59:59.999Z', '2026-12-31T08:00:00.000Z'],
    ['le 1er janvier à 0 h 30 de Paris', '2026-12-31T23:30:00Z', '2027-01-01T22:59:59.999Z', '2027-01-01T08:00:00.000Z'],
  ])('%s', (_nom, instant, fin, neuf) => {
    expect(finDuJour(utc(instant)).toISOString()).toBe(fin);
    expect(neufHeuresLe(utc(instant)).toISOString()).toBe(neuf);
  });
});

describe('le rappel d’une échéance de l’équipe, à 9 h un jour ouvré, jamais après le jour prévu', () => {
  const longtempsAvant = utc('2020-01-01T00:00:00Z');
  it.each([
    ['un jour ouvré : inchangé', '2027-03-03T08:00:00Z', 'metropole', '2027-03-03T08:00:00.000Z'],
    ['un samedi : le vendredi', '2027-03-06T08:00:00Z', 'metropole', '2027-03-05T08:00:00.000Z'],
    ['un dimanche : le vendredi', '2027-03-07T08:00:00Z', 'metropole', '2027-03-05T08:00:00.000Z'],
    ['Noël un samedi (2027) : le vendredi 24', '2027-12-25T08:00:00Z', 'metropole', '2027-12-24T08:00:00.000Z'],
    ['Noël un vendredi (2026) : le jeudi 24', '2026-12-25T08:00:00Z', 'metropole', '2026-12-24T08:00:00.000Z'],
    ['le 1er janvier 2027, un vendredi : le jeudi 31 décembre 2026', '2027-01-01T08:00:00Z', 'metropole', '2026-12-31T08:00:00.000Z'],
    ['le lundi de Pâques 2027, à l’heure d’été : le vendredi d’avant, à l’heure d’hiver', '2027-03-29T07:00:00Z', 'metropole', '2027-03-26T08:00:00.000Z'],
    [
      'le lundi de Pâques 2027 en Alsace-Moselle : le jeudi (le Vendredi saint est chômé)',
      '2027-03-29T07:00:00Z',
      'alsace_moselle',
      '2027-03-25T08:00:00.000Z',
    ],
    ['le samedi 1er mai 2027 : le vendredi 30 avril', '2027-05-01T07:00:00Z', 'metropole', '2027-04-30T07:00:00.000Z'],
    [
      'le dimanche 31 octobre 2027 (passage à l’heure d’hiver) : le vendredi 29 à l’heure d’été',
      '2027-10-31T08:00:00Z',
      'metropole',
      '2027-10-29T07:00:00.000Z',
    ],
    [
      'le 26 décembre 2028, un mardi, en Alsace-Moselle : le vendredi 22 (lundi 25 chômé aussi)',
      '2028-12-26T08:00:00Z',
      'alsace_moselle',
      '2028-12-22T08:00:00.000Z',
    ],
  ] as const)('%s', (_nom, rappel, calendrier, attendu) => {
    expect(rappelUnJourOuvreAvant(utc(rappel), longtempsAvant, calendrier).toISOString()).toBe(attendu);
  });
  it('le jour ouvré d’avant déjà passé (l’échéance vient d’être fixée) : le rappel garde son jour', () => {
    // Fixée le vendredi 5 mars 2027 à 10 h, rappel prévu le dimanche 7 : le vendredi 9 h est passé.
    expect(rappelUnJourOuvreAvant(utc('2027-03-07T08:00:00Z'), utc('2027-03-05T09:00:00Z')).toISOString()).toBe('2027-03-07T08:00:00.000Z');
    expect(rappelUnJourOuvreAvant(utc('2027-03-07T08:00:00Z'), utc('2027-03-05T07:59:59Z')).toISOString()).toBe('2027-03-05T08:00:00.000Z');
  });
});

describe('l’alerte d’une échéance dépassée, aux heures ouvrées (droit à la déconnexion)', () => {
  it.each([
    ['passée un mardi soir (minuit à Paris) : le mercredi à 9 h', '2027-03-02T23:00:00Z', 'metropole', '2027-03-03T08:00:00.000Z'],
    ['passée un vendredi soir : le lundi à 9 h', '2027-03-05T23:00:00Z', 'metropole', '2027-03-08T08:00:00.000Z'],
    ['un mercredi à 14 h 30 (délai en heures) : aussitôt', '2027-03-03T13:30:00Z', 'metropole', '2027-03-03T13:30:00.000Z'],
    ['un mercredi à 8 h 59 : à 9 h', '2027-03-03T07:59:00Z', 'metropole', '2027-03-03T08:00:00.000Z'],
    ['un mercredi à 18 h : le jeudi à 9 h', '2027-03-03T17:00:00Z', 'metropole', '2027-03-04T08:00:00.000Z'],
    ['le soir du jeudi 24 décembre 2026 : le lundi 28 (Noël un vendredi)', '2026-12-24T23:00:00Z', 'metropole', '2026-12-28T08:00:00.000Z'],
    ['le soir du 31 décembre 2026 : le lundi 4 janvier 2027 (1er janvier un vendredi)', '2026-12-31T23:00:00Z', 'metropole', '2027-01-04T08:00:00.000Z'],
    ['le soir du Vendredi saint 2027 : le mardi après Pâques, à l’heure d’été', '2027-03-26T23:00:00Z', 'metropole', '2027-03-30T07:00:00.000Z'],
    ['le soir du jeudi saint 2027 en Alsace-Moselle : le mardi après Pâques', '2027-03-25T23:00:00Z', 'alsace_moselle', '2027-03-30T07:00:00.000Z'],
    [
      'le soir du vendredi 29 octobre 2027 (passage à l’heure d’hiver) : le mardi 2 novembre à 9 h, heure d’hiver',
      '2027-10-29T22:00:00Z',
      'metropole',
      '2027-11-02T08:00:00.000Z',
    ],
    ['le 28 février 2028 au soir (année bissextile) : le mardi 29 février', '2028-02-28T23:00:00Z', 'metropole', '2028-02-29T08:00:00.000Z'],
  ] as const)('%s', (_nom, passee, calendrier, attendu) => {
    expect(auxHeuresOuvrees(utc(passee), calendrier).toISOString()).toBe(attendu);
  });
});

describe('un délai de l’équipe compté depuis une action : jusqu’au soir du jour où il tombe', () => {
  it.each([
    ['trois semaines après un dimanche 16 h 11', '2026-12-06T15:11:00Z', 'P3W', '2026-12-27T22:59:59.999Z'],
    ['un mois après le 31 janvier à 23 h 30 de Paris : le 28 février au soir', '2027-01-31T22:30:00Z', 'P1M', '2027-02-28T22:59:59.999Z'],
    ['une semaine à travers le passage à l’heure d’été (heure d’été au soir)', '2027-03-24T10:00:00Z', 'P1W', '2027-03-31T21:59:59.999Z'],
    ['une semaine à travers le passage à l’heure d’hiver', '2027-10-27T10:00:00Z', 'P1W', '2027-11-03T22:59:59.999Z'],
    ['deux semaines depuis le 24 décembre : le 7 janvier de l’année suivante', '2026-12-24T17:00:00Z', 'P2W', '2027-01-07T22:59:59.999Z'],
    ['un mois depuis le 29 janvier d’une année bissextile', '2028-01-29T09:00:00Z', 'P1M', '2028-02-29T22:59:59.999Z'],
  ])('%s', (_nom, depuis, delai, attendu) => {
    expect(enJours(delai)).toBe(true);
    expect(auSoirApres(utc(depuis), delai).toISOString()).toBe(attendu);
  });
  it('un délai en heures, ou nul, garde son heure exacte (il ne court pas jusqu’au soir)', () => {
    expect(['PT48H', 'PT1H', 'P1DT12H', 'P1DT30M', 'P2WT10S', 'PT30M', 'P0D', 'nimporte'].filter(enJours)).toEqual([]);
    expect(['P1D', 'P2W', 'P6M', 'P1Y'].map(enJours)).toEqual([true, true, true, true]);
  });
});

describe('une date limite en mots (jusqu’au soir, ou à son heure)', () => {
  it('jusqu’au soir : « au plus tard le 25 décembre 2026 », « le 25 décembre 2026 au soir »', () => {
    expect(limiteEnFrancais('2026-12-25T22:59:59.999Z')).toBe('au plus tard le 25 décembre 2026');
    expect(finEnFrancais('2026-12-25T22:59:59.999Z')).toBe('le 25 décembre 2026 au soir');
  });
  it('à son heure, l’heure de Paris : « avant le 27 décembre 2026 à 16:11 », l’été aussi', () => {
    expect(limiteEnFrancais('2026-12-27T15:11:00.000Z')).toBe('avant le 27 décembre 2026 à 16:11');
    expect(finEnFrancais('2027-07-01T06:05:00.000Z')).toBe('le 1er juillet 2027 à 08:05');
  });
});

describe('jours du calendrier de Paris entre deux instants (délai du premier contact)', () => {
  it.each([
    ['le même jour, de minuit à 23 h 59', '2027-03-01T23:00:00Z', '2027-03-02T22:59:00Z', 0],
    ['du vendredi 4 à minuit au dimanche 6 à 16 h', '2026-12-03T23:00:00Z', '2026-12-06T15:00:00Z', 2],
    ['du 30 décembre 2026 à 23 h au 2 janvier 2027 à 1 h (Paris)', '2026-12-30T22:00:00Z', '2027-01-02T00:00:00Z', 3],
    ['à travers le passage à l’heure d’été (27 → 29 mars 2027, 47 heures)', '2027-03-26T23:00:00Z', '2027-03-28T22:00:00Z', 2],
    ['à travers le passage à l’heure d’hiver (30 octobre → 1er novembre 2027)', '2027-10-29T22:00:00Z', '2027-10-31T23:00:00Z', 2],
    ['du 28 février au 1er mars d’une année bissextile (2028)', '2028-02-28T10:00:00Z', '2028-03-01T10:00:00Z', 2],
  ])('%s : %i jours', (_nom, debut, fin, attendu) => {
    expect(joursDeCalendrier(debut, fin)).toBe(attendu);
  });
});

describe('jours ouvrés et date limite d’un partenaire (fin du jour ouvré, à Paris)', () => {
  it.each([
    // Pâques : 5 avril 2026, 28 mars 2027, 16 avril 2028, 1er avril 2029 ; Ascension = Pâques + 39 ; Pentecôte + 50.
    [2026, ['2026-04-06', '2026-05-14', '2026-05-25']],
    [2027, ['2027-03-29', '2027-05-06', '2027-05-17']],
    [2028, ['2028-04-17', '2028-05-25', '2028-06-05']],
    [2029, ['2029-04-02', '2029-05-10', '2029-05-21']],
  ] as const)('les jours fériés mobiles de %i (lundi de Pâques, Ascension, lundi de Pentecôte)', (annee, mobiles) => {
    const feries = joursFeries(annee);
    expect(feries).toHaveLength(11);
    for (const j of mobiles) expect(feries).toContain(j);
    for (const j of ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25']) expect(feries).toContain(`${annee}-${j}`);
  });

  it.each([
    // Vendredi saint = Pâques − 2 : 3 avril 2026, 26 mars 2027, 14 avril 2028 ; et le 26 décembre.
    [2026, '2026-04-03'],
    [2027, '2027-03-26'],
    [2028, '2028-04-14'],
  ] as const)('Alsace-Moselle, %i : aussi le Vendredi saint (%s) et le 26 décembre', (annee, vendrediSaint) => {
    const feries = joursFeries(annee, 'alsace_moselle');
    expect(feries).toHaveLength(13);
    expect(feries).toEqual(expect.arrayContaining([...joursFeries(annee), vendrediSaint, `${annee}-12-26`]));
    expect(joursFeries(annee)).not.toContain(vendrediSaint);
  });

  it('le calendrier d’un programme : celui de la métropole, sauf l’option Alsace-Moselle', () => {
    expect(calendrierDu({ options: {} })).toBe('metropole');
    expect(calendrierDu({ options: { joursFeriesAlsaceMoselle: false } })).toBe('metropole');
    expect(calendrierDu({ options: { joursFeriesAlsaceMoselle: true } })).toBe('alsace_moselle');
  });

  it('Alsace-Moselle : un délai qui tombe le Vendredi saint 2027 court jusqu’au mardi 30 mars au soir (lundi de Pâques férié) ; le 26 décembre 2028, un mardi, jusqu’au mercredi', () => {
    const vendrediSaint = utc('2027-03-26T13:00:00Z');
    expect(finDeJourOuvre(vendrediSaint).toISOString()).toBe('2027-03-26T22:59:59.999Z');
    expect(finDeJourOuvre(vendrediSaint, 'alsace_moselle').toISOString()).toBe('2027-03-30T21:59:59.999Z');
    expect(estFinDeJourOuvre(utc('2027-03-26T22:59:59.999Z'), 'alsace_moselle')).toBe(false);
    expect(finDeJourOuvre(utc('2028-12-26T10:00:00Z'), 'alsace_moselle').toISOString()).toBe('2028-12-27T22:59:59.999Z');
    expect(estJourOuvre('2028-12-26')).toBe(true);
    // Un rappel qui tomberait le Vendredi saint part le mardi à 9 h.
    expect(unJourOuvre(vendrediSaint, 'alsace_moselle').toISOString()).toBe('2027-03-30T07:00:00.000Z');
    expect(unJourOuvre(vendrediSaint).toISOString()).toBe(vendrediSaint.toISOString());
    expect(datesDesRappels(utc('2027-03-19T13:00:00Z'), ['P7D'], utc('2027-04-02T13:00:00Z'), true, 'alsace_moselle').map((d) => d.toISOString())).toEqual([
      '2027-03-30T07:00:00.000Z',
    ]);
  });

  it('un jour ouvré : du lundi au vendredi, hors jours fériés', () => {
    expect(estJourOuvre('2026-12-18')).toBe(true); // vendredi
    expect(estJourOuvre('2026-12-19')).toBe(false); // samedi
    expect(estJourOuvre('2026-12-20')).toBe(false); // dimanche
    expect(estJourOuvre('2026-12-25')).toBe(false); // Noël, un vendredi
    expect(estJourOuvre('2027-05-06')).toBe(false); // Ascension, un jeudi
    expect(estJourOuvre('2027-05-07')).toBe(true); // le vendredi du pont : ouvré
  });

  it.each([
    // [instant où le délai tombe, fin du jour ouvré attendue (UTC), ce que lit le partenaire]
    ['2026-12-16T13:01:06Z', '2026-12-16T22:59:59.999Z', 'mercredi 16 décembre 2026'], // un mercredi : le soir même
    ['2026-12-20T13:01:06Z', '2026-12-21T22:59:59.999Z', 'lundi 21 décembre 2026'], // un dimanche : le lundi
    ['2026-12-19T23:30:00Z', '2026-12-21T22:59:59.999Z', 'lundi 21 décembre 2026'], // samedi 23 h 30 UTC : dimanche 0 h 30 à Paris
    ['2026-12-24T22:30:00Z', '2026-12-24T22:59:59.999Z', 'jeudi 24 décembre 2026'], // 23 h 30 à Paris : le jour même, jusqu'à minuit
    ['2026-12-24T23:30:00Z', '2026-12-28T22:59:59.999Z', 'lundi 28 décembre 2026'], // Noël (vendredi) à Paris, puis le week-end
    ['2026-12-31T23:30:00Z', '2027-01-04T22:59:59.999Z', 'lundi 4 janvier 2027'], // le Nouvel An (vendredi) à Paris, puis le week-end
    ['2027-03-27T10:00:00Z', '2027-03-30T21:59:59.999Z', 'mardi 30 mars 2027'], // samedi, passage à l'heure d'été, lundi de Pâques : le mardi
    ['2027-05-06T09:00:00Z', '2027-05-07T21:59:59.999Z', 'vendredi 7 mai 2027'], // l'Ascension : le vendredi du pont
    ['2027-10-30T09:00:00Z', '2027-11-02T22:59:59.999Z', 'mardi 2 novembre 2027'], // samedi, retour à l'heure d'hiver, Toussaint un lundi
  ])('un délai qui tombe le %s : la réponse est attendue jusqu’au %s (%s à Paris)', (instant, fin, lu) => {
    const limite = finDeJourOuvre(utc(instant));
    expect(limite.toISOString()).toBe(fin);
    expect(jourEnFrancais(limite)).toBe(lu);
    // La dernière milliseconde du jour de Paris : la suivante est minuit, un autre jour.
    expect(jourDeParis(limite)).not.toBe(jourDeParis(new Date(limite.getTime() + 1)));
  });
});

describe('un rappel à un partenaire, un jour ouvré (9 h à Paris le jour ouvré suivant, sinon à son heure)', () => {
  it.each([
    ['2026-12-16T13:01:06Z', '2026-12-16T13:01:06.000Z'], // un mercredi : à son heure
    ['2026-12-19T13:01:06Z', '2026-12-21T08:00:00.000Z'], // un samedi : lundi 9 h (heure d'hiver)
    ['2027-05-08T10:00:00Z', '2027-05-10T07:00:00.000Z'], // 8 mai, un samedi : lundi 10 mai, 9 h (heure d'été)
    ['2027-03-28T10:00:00Z', '2027-03-30T07:00:00.000Z'], // dimanche de Pâques (passage à l'heure d'été), lundi de Pâques : mardi 9 h
    ['2026-12-31T23:30:00Z', '2027-01-04T08:00:00.000Z'], // le 1er janvier à Paris (vendredi) : lundi 4 janvier, 9 h
  ])('un rappel prévu le %s part le %s', (prevu, part) => {
    expect(unJourOuvre(utc(prevu)).toISOString()).toBe(part);
  });
});

describe('les rappels d’une demande à un partenaire (datesDesRappels), à des dates données', () => {
  const iso = (ds: Date[]) => ds.map((d) => d.toISOString());
  it('envoyée un lundi 14 h, rappels à 5 et 6 jours : samedi et dimanche deviennent un seul rappel, le lundi suivant à 9 h', () => {
    const envoyee = utc('2026-12-07T13:00:00Z');
    expect(iso(datesDesRappels(envoyee, ['P5D', 'P6D'], utc('2026-12-21T13:00:00Z'), true))).toEqual(['2026-12-14T08:00:00.000Z']);
    // Parcours d'avant la règle : à leur heure, samedi et dimanche.
    expect(iso(datesDesRappels(envoyee, ['P5D', 'P6D'], utc('2026-12-21T13:00:00Z'), false))).toEqual(['2026-12-12T13:00:00.000Z', '2026-12-13T13:00:00.000Z']);
  });
  it('dans l’ordre où ils partent : un rappel reporté au mardi 9 h (lundi de Pâques) passe après celui du mardi 8 h', () => {
    // Jeudi 25 mars 2027 à 8 h à Paris : + 2 jours = samedi (reporté au mardi 30, 9 h) ; + 5 jours = mardi 30, 8 h.
    const envoyee = utc('2027-03-25T07:00:00Z');
    expect(iso(datesDesRappels(envoyee, ['P2D', 'P5D'], utc('2027-04-08T07:00:00Z'), true))).toEqual(['2027-03-30T06:00:00.000Z', '2027-03-30T07:00:00.000Z']);
  });
  it('seuls ceux d’avant le terme du délai', () => {
    expect(iso(datesDesRappels(utc('2026-12-07T13:00:00Z'), ['P7D', 'P14D'], utc('2026-12-21T13:00:00Z'), true))).toEqual(['2026-12-14T13:00:00.000Z']);
  });
});

describe('les rappels d’une demande à un partenaire aux heures ouvrées (patched rappels-aux-heures-ouvrees), à des dates données', () => {
  const iso = (ds: Date[]) => ds.map((d) => d.toISOString());
  /** Les rappels d'une demande envoyée à `envoyee` avec un délai `delai`, jusqu'au soir d'un jour ouvré. */
  const rappels = (envoyee: string, r: string[], delai: string, calendrier: 'metropole' | 'alsace_moselle' = 'metropole') => {
    const auTerme = ajouterDuree(utc(envoyee), delai);
    return iso(datesDesRappels(utc(envoyee), r, auTerme, true, calendrier, finDeJourOuvre(auTerme, calendrier)));
  };
  it.each([
    // [envoyée (UTC), rappels, délai, rappels attendus (UTC), ce qui se passe à Paris]
    ['2026-12-09T02:30:00Z', ['P2D', 'P5D'], 'P7D', ['2026-12-11T08:00:00.000Z', '2026-12-14T08:00:00.000Z'], 'mercredi 3 h 30 : vendredi et lundi à 9 h'],
    ['2026-12-09T13:00:00Z', ['P2D', 'P5D'], 'P7D', ['2026-12-11T13:00:00.000Z', '2026-12-14T13:00:00.000Z'], 'mercredi 14 h : à leur heure'],
    ['2026-12-09T18:30:00Z', ['P2D'], 'P7D', ['2026-12-14T08:00:00.000Z'], 'mercredi 19 h 30 : vendredi soir, donc lundi 9 h'],
    ['2026-12-09T16:59:00Z', ['P1D'], 'P7D', ['2026-12-10T16:59:00.000Z'], 'mercredi 17 h 59 : jeudi 17 h 59, encore ouvré'],
    ['2026-12-09T17:00:00Z', ['P1D'], 'P7D', ['2026-12-11T08:00:00.000Z'], 'mercredi 18 h : jeudi 18 h, donc vendredi 9 h'],
    [
      '2026-12-22T20:00:00Z',
      ['P2D', 'P5D'],
      'P14D',
      ['2026-12-28T08:00:00.000Z'],
      'Noël : jeudi 24 au soir et dimanche 27 au soir, un seul rappel lundi 28 à 9 h',
    ],
    ['2027-03-25T05:00:00Z', ['P1D'], 'P7D', ['2027-03-26T08:00:00.000Z'], 'jeudi 6 h : vendredi 9 h (heure d’hiver)'],
    [
      '2027-03-26T22:30:00Z',
      ['P2D'],
      'P14D',
      ['2027-03-30T07:00:00.000Z'],
      'vendredi 23 h 30 (hiver) : le dimanche du passage à l’heure d’été, puis le lundi de Pâques : mardi 9 h (été)',
    ],
    ['2027-10-29T07:00:00Z', ['P3D'], 'P7D', ['2027-11-02T08:00:00.000Z'], 'vendredi 9 h (été) : lundi 8 h (hiver), Toussaint, mardi 9 h'],
    [
      '2026-12-31T22:30:00Z',
      ['P1D'],
      'P7D',
      ['2027-01-04T08:00:00.000Z'],
      'le 31 décembre à 23 h 30 : le 1er janvier (férié) au soir, puis le week-end : lundi 4 à 9 h',
    ],
  ])('envoyée le %s, rappels %j sur %s : %j (%s)', (envoyee, r, delai, attendus) => {
    expect(rappels(envoyee, r, delai)).toEqual(attendus);
  });
  it('un rappel que les heures ouvrées mèneraient après l’échéance ne part pas', () => {
    // Envoyée lundi 7 décembre 2026 à 20 h (Paris), délai de 3 jours : terme jeudi 20 h, réponse attendue jeudi soir.
    // Rappel à 3 jours moins une heure (jeudi 19 h) : vendredi 9 h, après l'échéance.
    expect(rappels('2026-12-07T19:00:00Z', ['PT71H'], 'P3D')).toEqual([]);
    // Rappel à 2 jours (mercredi 20 h) : jeudi 9 h, encore avant.
    expect(rappels('2026-12-07T19:00:00Z', ['P2D'], 'P3D')).toEqual(['2026-12-10T08:00:00.000Z']);
  });
  it('Alsace-Moselle : un rappel du jeudi soir avant le Vendredi saint 2027 part le mardi 30 mars à 9 h ; en métropole, le vendredi à 9 h', () => {
    // Mercredi 24 mars 2027 à 20 h à Paris, rappel à 1 jour : jeudi 20 h, après les heures ouvrées.
    expect(rappels('2027-03-24T19:00:00Z', ['P1D'], 'P14D', 'alsace_moselle')).toEqual(['2027-03-30T07:00:00.000Z']);
    expect(rappels('2027-03-24T19:00:00Z', ['P1D'], 'P14D')).toEqual(['2027-03-26T08:00:00.000Z']);
  });
});

describe('un mois en mots (moisEnFrancais), le même pour les courriels, les documents et les pages', () => {
  it.each([
    ['2026-05', 'mai 2026'],
    ['2027-01', 'janvier 2027'],
    ['2026-12', 'décembre 2026'],
    ['2027-02-28', 'février 2027'],
    ['2027-08-01T10:00:00.000Z', 'août 2027'],
    ['2027-13', '2027-13'],
    ['non renseigné', 'non renseigné'],
  ])('« %s » : « %s »', (mois, attendu) => {
    expect(moisEnFrancais(mois)).toBe(attendu);
  });
});
