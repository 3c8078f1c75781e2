/**
 * Les listes de la commission impayés (besancon-ccas) : lecture CSV et XLSX (en-têtes d'un secrétariat,
 * synonymes, accents, séparateurs, encodages, dates et montants à la française), aperçu ligne par
 * ligne avec les erreurs en français, import des lignes valides (les fausses rapportées), réimport
 * sans doublon, droits, et les délais qui courent depuis la date de désignation — sur le vrai serveur
 * Temporal, un vrai worker, un vrai SMTP et un vrai PostgreSQL.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { REGISTRE } from '../api/registre-produit';
import { FichierIllisible, lireTableau, type Tableau } from '../commissions/fichier';
import {
  analyserListe,
  erreurDeColonne,
  lireComposition,
  lireDate,
  lireEntier,
  lireGarantie,
  lireMontant,
  lireOuiNon,
  lireTexte,
  trouverBailleur,
  type ContexteListe,
} from '../commissions/liste';
import { etatQuery } from '../domain/messages';
import { jourDeParis } from '../domain/durees';
import { echeanceDepuisLeJour } from '../domain/prevention';
import { bancAvecApi } from './outils/api';
import { DELAI_LANCEMENT_MS } from '../api/routes/parcours';
import { baseEssai } from './outils/base';
import { CATALOGUE, apres, avancerJusqua, echeanceSuivie, jusqua, jusquALAlerte } from './outils/environnement';

const essai = bancAvecApi('commission-essai');
const PROGRAMME = 'besancon-ccas';
const besancon = CATALOGUE.trouver(PROGRAMME)!;

/** Un jour de Paris, décalé de `jours` (négatif : dans le passé), en AAAA-MM-JJ. */
const jour = (jours: number) => new Date(Date.parse(`${jourDeParis(new Date())}T12:00:00Z`) + jours * 86_400_000).toISOString().slice(0, 10);
const enFrancais = (iso: string) => iso.split('-').reverse().join('/');
const suffixe = () => Math.random().toString(36).slice(2, 7).toUpperCase();

/** Le CSV d'une séance, comme un secrétariat l'écrit : « ; », BOM, en-têtes à sa façon, une colonne en plus. */
const ENTETES_CSV =
  "Réf. dossier;NOM DU MENAGE;Composition familiale;Adresse du logement;Tél;E-mail;Bailleur;Mois d'impayés;Dette locative (€);Date d'entrée;Garantie;Suivi social;Déjà tenté;Désigné le;Observations";

interface LigneEssai {
  reference: string;
  nom: string;
  composition: string;
  bailleur: string;
  dette: string;
  designe: string;
}

function ligneCsv(l: LigneEssai): string {
  return [
    l.reference,
    l.nom,
    l.composition,
    `${3 + (l.reference.length % 5)} rue Battant, 25000 Besançon`,
    '03 81 00 00 00',
    '',
    l.bailleur,
    '3',
    l.dette,
    '01/09/2023',
    'aucune',
    'non',
    'Relances, visite',
    l.designe,
    'à voir en séance',
  ].join(';');
}

const csv = (lignes: string[], entetes = ENTETES_CSV) => Buffer.from(`\ufeff${[entetes, ...lignes].join('\r\n')}\r\n`, 'utf8');

/** 30 ménages désignés il y a 5 jours, dont 3 lignes fausses (lignes 5, 12 et 20 du tableur). */
function listeDeTrente(serie: string, corrigee = false): { lignes: LigneEssai[]; fichier: Buffer } {
  const designe = enFrancais(jour(-5));
  const lignes: LigneEssai[] = Array.from({ length: 30 }, (_, i) => ({
    reference: `GBH-${serie}-${String(i + 1).padStart(3, '0')}`,
    nom: `Famille Ébrard-${serie}${i + 1}`,
    composition: ['personne seule', 'Couple', 'couple avec enfants', 'Famille monoparentale'][i % 4]!,
    bailleur: i % 2 ? 'Néolia' : 'Grand Besançon Habitat',
    dette: `1 ${100 + i},40 €`,
    designe,
  }));
  if (!corrigee) {
    lignes[3]!.composition = 'famile nombreuse'; // ligne 5
    lignes[10]!.dette = 'douze cents'; // ligne 12
    lignes[18]!.bailleur = 'Habitat 25'; // ligne 20
  }
  return { lignes, fichier: csv(lignes.map(ligneCsv)) };
}

async function jeton(id = 'coord.essai') {
  return essai.connecter(id);
}

async function envoyerJson(chemin: string, fichier: Buffer, extra: Record<string, unknown> = {}, qui = 'coord.essai') {
  return essai.api.appel('POST', chemin, { jeton: await jeton(qui), corps: { fichier: fichier.toString('base64'), ...extra } });
}

async function envoyerMultipart(chemin: string, fichier: Buffer, nom: string, champs: Record<string, string> = {}, qui = 'coord.essai') {
  const f = new FormData();
  f.append('fichier', new Blob([new Uint8Array(fichier)]), nom);
  for (const [k, v] of Object.entries(champs)) f.append(k, v);
  const r = await fetch(`${essai.api.url}${chemin}`, { method: 'POST', body: f, headers: { authorization: `Bearer ${await jeton(qui)}` } });
  const texte = await r.text();
  return { status: r.status, texte, json: JSON.parse(texte) };
}

const APERCU = `/api/programmes/${PROGRAMME}/commissions/apercu`;
const IMPORT = `/api/programmes/${PROGRAMME}/commissions`;

/** Le second bailleur de Besançon (la commission couvre tout le parc social de la ville). */
let bailleursPrets: Promise<void> | undefined;
function deuxBailleurs(): Promise<void> {
  bailleursPrets ??= (async () => {
    const r = await essai.api.appel('POST', `/api/programmes/${PROGRAMME}/organisations`, {
      jeton: await jeton(),
      corps: { type: 'bailleur_social', nom: 'Néolia — agence de Besançon', contacts: [{ nom: 'Agence Néolia', courriel: 'besancon@neolia.example' }] },
    });
    expect(r.status, r.texte).toBe(201);
  })();
  return bailleursPrets;
}

// ---------------------------------------------------------------------------------------------
describe('lecture d’une liste (sans moteur)', () => {
  const contexte = (o: Partial<ContexteListe> = {}): ContexteListe => ({
    programme: besancon,
    schemaDonnees: REGISTRE.prevention_precontentieuse!.schemaLancement,
    bailleurs: [
      { id: 'besancon-ccas--bailleur', nom: 'Grand Besançon Habitat — service précontentieux' },
      { id: 'besancon-ccas--neolia', nom: 'Néolia — agence de Besançon' },
    ],
    maintenant: new Date(),
    ...o,
  });

  it('une année sur deux chiffres : de ce siècle, sauf si elle tombait plus d’un an dans le futur (un bail du « 15/03/98 » : 1998)', () => {
    const le = new Date('2026-12-06T10:00:00Z');
    expect(lireDate('15/03/98', le)).toEqual({ valeur: '1998-03-15' });
    expect(lireDate('01.03.24', le)).toEqual({ valeur: '2024-03-01' });
    expect(lireDate('10-01-27', le)).toEqual({ valeur: '2027-01-10' }); // l'an prochain : une date à venir est refusée plus loin, avec sa raison
    expect(lireDate('10/01/28', le)).toEqual({ valeur: '1928-01-10' });
    expect(lireDate('29/02/00', le)).toEqual({ valeur: '2000-02-29' });
    // Le 1er janvier 2027 à 0 h 30 à Paris (encore 2026 en UTC) : « 28 » est l'an prochain.
    expect(lireDate('10/01/28', new Date('2026-12-31T23:30:00Z'))).toEqual({ valeur: '2028-01-10' });
    expect(lireDate('31/02/98', le)).toEqual({ erreur: 'cette date n’existe pas : « 31/02/98 »' });
  });

  it('une date du tableur : numéro de série d’Excel (heure ignorée), jj/mm/aaaa, AAAA-MM-JJ avec ou sans heure ; un petit nombre n’est pas une date', () => {
    // Le numéro de série d'Excel compte les jours depuis le 30 décembre 1899 : 45658 est le 1er janvier 2025.
    expect(lireDate(45658)).toEqual({ valeur: '2025-01-01' });
    expect(lireDate(45658.75)).toEqual({ valeur: '2025-01-01' });
    expect(lireDate(46000)).toEqual({ valeur: '2025-12-09' });
    for (const n of [3, 2024, 20_000, 80_000]) expect(lireDate(n)).toEqual({ erreur: `date attendue (jj/mm/aaaa), reçu « ${n} »` });
    expect(lireDate('2025-03-14')).toEqual({ valeur: '2025-03-14' });
    expect(lireDate('2025-03-14 00:00:00')).toEqual({ valeur: '2025-03-14' });
    expect(lireDate('2025-03-14T00:00:00.000Z')).toEqual({ valeur: '2025-03-14' });
    expect(lireDate('2025-02-29')).toEqual({ erreur: 'cette date n’existe pas : « 2025-02-29 »' });
    expect(lireDate('mars 2025')).toEqual({ erreur: 'date attendue (jj/mm/aaaa), reçu « mars 2025 »' });
  });

  it('les autres cellules comme un secrétariat les écrit : nombres, oui/non, compositions, garanties, textes', () => {
    expect(lireEntier(3)).toEqual({ valeur: 3 });
    expect(lireEntier('3 mois')).toEqual({ valeur: 3 });
    expect(lireEntier('2 loyers')).toEqual({ valeur: 2 });
    expect(lireEntier(2.5)).toEqual({ erreur: 'nombre entier attendu, reçu « 2,5 »' });
    expect(lireEntier('deux')).toEqual({ erreur: 'nombre entier attendu, reçu « deux »' });
    for (const oui of ['oui', 'OUI', 'x', 'X', 'vrai', '1', 'o']) expect(lireOuiNon(oui), oui).toEqual({ valeur: true });
    for (const non of ['non', 'Non', 'n', 'faux', '0']) expect(lireOuiNon(non), non).toEqual({ valeur: false });
    expect(lireOuiNon('peut-être')).toEqual({ erreur: 'oui ou non attendu, reçu « peut-être »' });
    const compositions: Array<[string, string]> = [
      ['Personne seule', 'personne_seule'],
      ['Seul', 'personne_seule'],
      ['Seule', 'personne_seule'],
      ['Isolée', 'personne_seule'],
      ['Célibataire', 'personne_seule'],
      ['Couple', 'couple'],
      ['Couple sans enfant', 'couple'],
      ['Couple sans enfants', 'couple'],
      ['Couple avec enfant(s)', 'couple_avec_enfants'],
      ['Famille monoparentale', 'famille_monoparentale'],
      ['Parent isolé', 'famille_monoparentale'],
      ['Monoparental', 'famille_monoparentale'],
      ['couple_avec_enfants', 'couple_avec_enfants'],
    ];
    for (const [cellule, valeur] of compositions) expect(lireComposition(cellule), cellule).toEqual({ valeur });
    expect(lireComposition('Colocation')).toEqual({
      erreur: '« Colocation » n’est pas une composition connue (personne seule, couple, couple avec enfants, famille monoparentale, autre)',
    });
    const garanties: Array<[string, string]> = [
      ['Aucune', 'aucune'],
      ['Néant', 'aucune'],
      ['Sans', 'aucune'],
      ['FSL', 'fsl'],
      ['Loca-Pass', 'loca_pass'],
      ['Loca Pass', 'loca_pass'],
      ['Visale', 'visale'],
    ];
    for (const [cellule, valeur] of garanties) expect(lireGarantie(cellule), cellule).toEqual({ valeur });
    expect(lireGarantie('Caution parentale')).toEqual({ erreur: '« Caution parentale » n’est pas une garantie connue (aucune, FSL, Loca-Pass, Visale)' });
    // Un téléphone saisi en nombre retrouve son 0 ; une date du tableur dans une colonne de texte devient AAAA-MM-JJ.
    expect(lireTexte(612345678, 'telephone')).toEqual({ valeur: '0612345678' });
    expect(lireTexte(612345678, 'reference')).toEqual({ valeur: '612345678' });
    expect(lireTexte(new Date('2025-03-14T00:00:00Z'), 'reference')).toEqual({ valeur: '2025-03-14' });
    expect(lireTexte(12.5)).toEqual({ valeur: '12,5' });
    expect(lireTexte('   ')).toEqual({ vide: true });
  });

  it('le bailleur : son nom complet, son nom sans le service, ses initiales, ou le début de son nom (3 lettres au moins, s’il n’en désigne qu’un)', () => {
    const bailleurs = contexte().bailleurs;
    const [gbh, neolia] = bailleurs;
    for (const saisie of ['Grand Besançon Habitat — service précontentieux', 'grand besancon habitat', 'GBH', 'Grand Bes']) {
      expect(trouverBailleur(saisie, bailleurs), saisie).toEqual({ bailleur: gbh });
    }
    expect(trouverBailleur('Néolia', bailleurs)).toEqual({ bailleur: neolia });
    expect(trouverBailleur('NAB', bailleurs)).toMatchObject({ erreur: expect.stringMatching(/^« NAB » n’est pas un bailleur de l’annuaire du programme/) });
    // « Gr » : trop court pour un début de nom ; « de » ne fait pas d'initiale.
    expect(trouverBailleur('Gr', bailleurs)).toMatchObject({ erreur: expect.stringMatching(/^« Gr » n’est pas un bailleur/) });
    const deux = [
      { id: 'p--ha', nom: 'Habitat de la Vallée' },
      { id: 'p--hb', nom: 'Habitat du Bourg' },
    ];
    expect(trouverBailleur('HV', deux)).toEqual({ bailleur: deux[0] });
    expect(trouverBailleur('HDLV', deux)).toMatchObject({ erreur: expect.stringMatching(/n’est pas un bailleur/) });
    expect(trouverBailleur('Habitat', deux)).toEqual({
      erreur: '« Habitat » désigne plusieurs bailleurs de l’annuaire (« Habitat de la Vallée », « Habitat du Bourg ») : écrivez le nom complet',
    });
  });

  it('un montant à la française ou à l’anglaise : centimes après le dernier séparateur, milliers par groupes de trois chiffres', () => {
    const montants: Array<[string, number]> = [
      ['1 234,56 €', 1234.56],
      ['1.234,56', 1234.56],
      ['1,234.56', 1234.56],
      ['1.234', 1234], // des milliers : un montant en euros n'a pas trois décimales
      ['1,234', 1234],
      ['12.345.678', 12345678],
      ['980', 980],
      ['12,5', 12.5],
      ['12.50', 12.5],
      ['1 420 euros', 1420],
      // Les espaces des milliers qu'Excel et LibreOffice écrivent (insécable, fine insécable).
      ['1\u00a0234,56 €', 1234.56],
      ['1\u202f234,56\u00a0€', 1234.56],
      ['350 EUR', 350],
    ];
    for (const [cellule, valeur] of montants) expect(lireMontant(cellule), cellule).toEqual({ valeur });
    expect(lireMontant('1.23.456')).toEqual({ erreur: 'montant en euros attendu (ex. 1 234,56), reçu « 1.23.456 »' });
    // Un zéro seul devant : des décimales, pas des milliers.
    expect(lireMontant('0,125')).toEqual({ valeur: 0.125 });
    expect(lireMontant('12.345.678')).toEqual({ valeur: 12345678 });
    expect(lireMontant("1'234.50")).toEqual({ valeur: 1234.5 });
    expect(lireMontant('-1.234')).toEqual({ valeur: -1234 });
  });

  it('en-têtes d’un secrétariat (synonymes, accents, casse), titre au-dessus, « , » et Windows-1252, dates et montants à la française', async () => {
    const texte = [
      'Commission impayés de loyer,séance du mardi,,,,,,,,',
      'REFERENCE,Nom du locataire,Situation familiale,Adresse,Organisme,Nb mois impayés,Montant dette,Date début bail,Garant,Service social,Date de la séance',
      `B-1,Mme Géraldine Çelik,Isolée,"2 rue de Dole, 25000 Besançon",GBH,2 mois,"1.234,56",2023-02-01,Loca-Pass,OUI,${enFrancais(jour(-2))}`,
      `B-2,M. Noël,couple avec enfants,"8 rue Rivotte, 25000 Besançon",neolia,4,980,1/3/24,FSL,x,${jour(-2)}`,
    ].join('\r\n');
    const tableau = await lireTableau(Buffer.from(windows1252(texte)));
    expect(tableau.format).toBe('csv');
    const liste = analyserListe(tableau, contexte());
    expect(liste.ligneEntetes).toBe(2);
    expect(liste.colonnes.map((c) => c.cle)).toEqual([
      'reference',
      'nom',
      'composition',
      'adresse',
      'bailleur',
      'impayesMois',
      'montantDette',
      'debutBail',
      'garantie',
      'suiviParServiceSocial',
      'designeLe',
    ]);
    const [a, b] = liste.lignes;
    expect(a).toMatchObject({
      ligne: 3,
      reference: 'B-1',
      nom: 'Mme Géraldine Çelik',
      designeLe: jour(-2),
      erreurs: [],
      bailleur: { id: 'besancon-ccas--bailleur' },
    });
    expect(a!.corps).toMatchObject({
      menage: { composition: 'personne_seule', adresse: '2 rue de Dole, 25000 Besançon' },
      donnees: {
        situation: {
          impayesMois: 2,
          montantDette: 1234.56,
          debutBail: '2023-02-01',
          garantie: 'loca_pass',
          suiviParServiceSocial: true,
          contactBailleur: false,
        },
      },
    });
    expect(b).toMatchObject({ ligne: 4, erreurs: [], bailleur: { id: 'besancon-ccas--neolia' } });
    expect(b!.corps).toMatchObject({
      menage: { composition: 'couple_avec_enfants' },
      donnees: { situation: { montantDette: 980, debutBail: '2024-03-01', garantie: 'fsl' } },
    });
    // Suivi par un service social et non isolé (besancon-ccas : priorité aux ménages isolés) : un avertissement, pas un refus.
    expect(b!.avertissements.join(' ')).toMatch(/service social du département/);
  });

  it('les erreurs nomment la colonne comme le fichier l’écrit et la ligne du tableur ; une colonne obligatoire manquante refuse le fichier', async () => {
    const tableau = await lireTableau(
      csv([
        `R-1;Mme A;seule;1 rue A, 25000 Besançon;;;GBH;trois;100;31/02/2024;visale;non;;${enFrancais(jour(1))};`,
        `R 2;;couple;1 rue B, 25000 Besançon;06;pas-un-courriel;Habitat 25;2;100;01/01/2024;aucune;peut-être;;${enFrancais(jour(-1))};`,
        `R-1;Mme C;couple;1 rue C, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;non;;${enFrancais(jour(-1))};`,
        `R-5;Mme E;seule;1 rue E, 25000 Besançon;;;GBH;2;100;${enFrancais(jour(20))};aucune;non;;${enFrancais(jour(-1))};`,
      ]),
    );
    const [l2, l3, l4, l5] = analyserListe(tableau, contexte()).lignes;
    const textes = (l: typeof l2) => l!.erreurs.map((e) => `${e.colonne} : ${e.message}`);
    expect(l2!.ligne).toBe(2);
    expect(textes(l2)).toEqual([
      "Mois d'impayés : nombre entier attendu, reçu « trois »",
      "Date d'entrée : cette date n’existe pas : « 31/02/2024 »",
      'Désigné le : la date de désignation ne peut pas être dans le futur',
    ]);
    expect(textes(l3)).toEqual(
      expect.arrayContaining([
        'Réf. dossier : référence de dossier : 2 à 40 caractères (lettres, chiffres, - et _), sans donnée personnelle',
        'NOM DU MENAGE : cellule vide ; attendu : le nom du ménage (M. et Mme …)',
        'Tél : numéro de téléphone invalide',
        'E-mail : adresse électronique invalide',
        expect.stringMatching(/^Bailleur : « Habitat 25 » n’est pas un bailleur de l’annuaire du programme \(« Grand Besançon Habitat/),
        'Suivi social : oui ou non attendu, reçu « peut-être »',
      ]),
    );
    // Jamais une clé technique (menage.nom, donnees.situation…) ; jamais une valeur personnelle répétée.
    for (const e of [...l2!.erreurs, ...l3!.erreurs]) expect(`${e.colonne} ${e.message}`).not.toMatch(/menage\.|donnees|situation\.|06|pas-un-courriel/);
    expect(textes(l4)).toEqual(['Réf. dossier : la référence « R-1 » figure déjà ligne 2 : une ligne par ménage']);
    // Un bail qui commence dans 20 jours n'a pas encore de loyers impayés.
    expect(textes(l5)).toEqual([expect.stringMatching(/^Date d'entrée : le bail commence le .+ : il ne peut pas encore avoir de loyers impayés/)]);

    const sansComposition = await lireTableau(csv(['R-9;Mme A'], 'Référence;Nom;Adresse;Mois impayés;Dette;Début du bail;Garantie;Suivi social;Bailleur'));
    expect(() => analyserListe(sansComposition, contexte())).toThrow(FichierIllisible);
    expect(() => analyserListe(sansComposition, contexte())).toThrow(
      /colonnes? manquantes? : « Composition », « Date de désignation » \(ou indiquez la date de la séance\)/,
    );
    // La date de la séance remplace la colonne manquante.
    expect(() => analyserListe(sansComposition, contexte({ dateSeance: jour(-1) }))).toThrow(/colonne manquante : « Composition »\. En-têtes lus/);
  });

  it('la colonne « Accepte les SMS » : oui avec un portable, le ménage les accepte ; oui sans portable (fixe ou vide), une erreur qui ne cite pas le numéro', async () => {
    const entetes = 'Référence;Nom;Composition;Adresse;Portable;Accepte SMS;Bailleur;Mois impayés;Dette;Début du bail;Garantie;Suivi social;Désigné le';
    const ligne = (ref: string, telephone: string, sms: string) =>
      `${ref};Mme ${ref};seule;1 rue A, 25000 Besançon;${telephone};${sms};GBH;2;100;01/01/2024;aucune;non;${enFrancais(jour(-1))}`;
    const tableau = await lireTableau(
      csv(
        [
          ligne('S-1', '06 12 34 56 78', 'oui'),
          ligne('S-2', '03 81 00 00 00', 'Oui'),
          ligne('S-3', '', 'oui'),
          ligne('S-4', '', 'non'),
          ligne('S-5', '06 12 34 56 79', ''),
        ],
        entetes,
      ),
    );
    const [portable, fixe, vide, non, rien] = analyserListe(tableau, contexte()).lignes;
    expect(portable!.erreurs).toEqual([]);
    expect(portable!.corps!.menage).toMatchObject({ telephone: '06 12 34 56 78', accepteSms: true });
    const refus = [{ colonne: 'Portable', message: 'pour recevoir des SMS, le ménage doit donner un numéro de portable (par exemple 06 12 34 56 78)' }];
    expect(fixe!.erreurs).toEqual(refus);
    expect(vide!.erreurs).toEqual(refus);
    expect(non!.erreurs).toEqual([]);
    expect(non!.corps!.menage.accepteSms).toBe(false);
    expect(rien!.erreurs).toEqual([]);
    expect(rien!.corps!.menage.accepteSms).toBeUndefined();
  });

  it('en-têtes et colonnes : une ligne qui ne nomme que deux colonnes n’est pas la ligne des en-têtes ; deux colonnes pour une même donnée, la colonne du bailleur quand le programme en a plusieurs', async () => {
    const ligne = `R-20;Mme T;seule;1 rue T, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;non;;${enFrancais(jour(-2))};`;
    // Au-dessus des en-têtes, « Nom ; Bailleur » : un titre de secrétariat, pas la ligne des en-têtes (il en faut 3).
    const avecTitre = await lireTableau(csv([ligne], `Nom;Bailleur\r\n${ENTETES_CSV}`));
    const lue = analyserListe(avecTitre, contexte());
    expect(lue.ligneEntetes).toBe(2);
    expect(lue.lignes).toEqual([expect.objectContaining({ ligne: 3, reference: 'R-20', erreurs: [] })]);
    // « Réf. dossier » et « Référence » : laquelle lire ? Le fichier est refusé, les deux nommées.
    const doublee = await lireTableau(csv([`${ligne};R-21`], `${ENTETES_CSV};Référence`));
    expect(() => analyserListe(doublee, contexte())).toThrow(
      'deux colonnes désignent « Référence » : « Réf. dossier » (colonne A) et « Référence » (colonne P) ; gardez-en une',
    );
    // Sans colonne « Bailleur » : refusé si le programme en a plusieurs ; sinon, le seul bailleur du programme.
    const sansBailleur = await lireTableau(csv([ligne.replace(';GBH;', ';')], ENTETES_CSV.replace(';Bailleur;', ';')));
    expect(() => analyserListe(sansBailleur, contexte())).toThrow(/^colonne manquante : « Bailleur » \(le programme a 2 bailleurs\)/);
    const seul = { id: 'besancon-ccas--bailleur', nom: 'Grand Besançon Habitat — service précontentieux' };
    const [l] = analyserListe(sansBailleur, contexte({ bailleurs: [seul] })).lignes;
    expect(l).toMatchObject({ erreurs: [], bailleur: seul });
    expect(l!.corps).toMatchObject({ bailleur: seul.id });
  });

  it('une date de désignation illisible est une erreur de la ligne, même quand la date de la séance est donnée (elle ne la remplace que vide)', async () => {
    const tableau = await lireTableau(
      csv([
        `R-30;Mme U;seule;1 rue U, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;non;;31/02/2026;`,
        `R-31;Mme V;seule;1 rue V, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;non;;;`,
      ]),
    );
    const [illisible, vide] = analyserListe(tableau, contexte({ dateSeance: jour(-5) })).lignes;
    expect(illisible!.erreurs).toEqual([{ colonne: 'Désigné le', message: 'cette date n’existe pas : « 31/02/2026 »' }]);
    expect(illisible!.corps).toBeUndefined();
    expect(vide).toMatchObject({ erreurs: [], designeLe: jour(-5) });
  });

  it('le même ménage (nom et adresse, écrits autrement) sur deux lignes sous deux références : un avertissement de la seconde, pas une erreur', async () => {
    const ligne = (ref: string, nom: string, adresse: string) => `${ref};${nom};seule;${adresse};;;GBH;2;100;01/01/2024;aucune;non;;${enFrancais(jour(-1))};`;
    const { lignes } = analyserListe(
      await lireTableau(
        csv([
          ligne('R-60', 'Mme Bœuf', '1 rue X, 25000 Besançon'),
          ligne('R-61', 'Mme Boeuf', '2 rue X, 25000 Besançon'),
          ligne('R-62', 'MME BOEUF', '1, rue X — 25000 BESANCON'),
        ]),
      ),
      contexte(),
    );
    expect(lignes.map((l) => [l.erreurs, l.avertissements])).toEqual([
      [[], []],
      [[], []],
      [[], ['même ménage (nom et adresse) que la ligne 2 : lancées toutes les deux, ces lignes ouvriraient deux parcours']],
    ]);
  });

  it('hors des règles du programme : un avertissement (le parcours sera clos « non éligible »), pas une erreur ; une liste sans ligne sous ses en-têtes est refusée', async () => {
    const ligne = `R-50;Mme X;seule;1 rue X, 25000 Besançon;;;GBH;2;100;01/01/2024;visale;non;;${enFrancais(jour(-1))};`;
    const avecRegle = { ...besancon, eligibilite: { ...besancon.eligibilite, sansGarantie: true } };
    const [l] = analyserListe(await lireTableau(csv([ligne])), contexte({ programme: avecRegle })).lignes;
    expect(l!.erreurs).toEqual([]);
    expect(l!.corps).toBeDefined();
    expect(l!.avertissements).toEqual([
      'hors des règles du programme (le ménage bénéficie d’une garantie (Visale)) : le parcours sera clos « non éligible » dès son lancement',
    ]);
    expect(analyserListe(await lireTableau(csv([ligne])), contexte()).lignes[0]!.avertissements).toEqual([]);
    const tableau: Tableau = { format: 'csv', lignes: [{ numero: 1, cellules: ENTETES_CSV.split(';') }] };
    expect(() => analyserListe(tableau, contexte())).toThrow('la liste ne contient aucune ligne sous les en-têtes (ligne 1)');
  });

  it('un bailleur inconnu : une seule erreur, la sienne (pas aussi « bailleur » refusé par le lancement)', async () => {
    const tableau = await lireTableau(csv([`R-40;Mme W;seule;1 rue W, 25000 Besançon;;;Habitat 25;2;100;01/01/2024;aucune;non;;${enFrancais(jour(-1))};`]));
    const [l] = analyserListe(tableau, contexte()).lignes;
    expect(l!.erreurs).toEqual([{ colonne: 'Bailleur', message: expect.stringMatching(/^« Habitat 25 » n’est pas un bailleur de l’annuaire du programme/) }]);
  });

  it('« ménages dits isolés : ménages sans enfants, personnes seules » (fiche 000) : un couple sans enfants suivi par un service social n’est pas « non isolé »', async () => {
    const tableau = await lireTableau(
      csv([
        `R-10;M. et Mme B;couple;1 rue B, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;oui;;${enFrancais(jour(-1))};`,
        `R-11;M. et Mme C;couple avec enfants;1 rue C, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;oui;;${enFrancais(jour(-1))};`,
      ]),
    );
    const [sansEnfants, avecEnfants] = analyserListe(tableau, contexte()).lignes;
    expect(sansEnfants!.erreurs).toEqual([]);
    expect(sansEnfants!.corps).toMatchObject({ menage: { composition: 'couple' } });
    expect(sansEnfants!.avertissements.join(' ')).not.toMatch(/non isolé/);
    expect(avecEnfants!.erreurs).toEqual([]);
    expect(avecEnfants!.avertissements.join(' ')).toMatch(/déjà suivi par un service social et non isolé/);
  });

  it('une cellule vide dit sa colonne (l’en-tête du fichier) et ce qui est attendu ; jamais « champ obligatoire » seul', async () => {
    const tableau = await lireTableau(
      csv([
        `R-7;Mme G;;1 rue G, 25000 Besançon;;;;2;;01/01/2024;;non;;;`,
        `R-8;Mme H;seule;1 rue H, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;;;${enFrancais(jour(-1))};`,
      ]),
    );
    const [l2, l3] = analyserListe(tableau, contexte()).lignes;
    const textes = (l: typeof l2) => l!.erreurs.map((e) => `${e.colonne} : ${e.message}`);
    expect(textes(l2)).toEqual(
      expect.arrayContaining([
        'Composition familiale : cellule vide ; attendu : personne seule, couple, couple avec enfants, famille monoparentale ou autre',
        'Dette locative (€) : cellule vide ; attendu : le montant de la dette en euros (1 234,56 ; 0 s’il n’y en a pas)',
        'Garantie : cellule vide ; attendu : aucune, FSL, Loca-Pass ou Visale',
        expect.stringMatching(/^Bailleur : cellule vide ; attendu : l’un des bailleurs du programme \(« Grand Besançon Habitat/),
        'Désigné le : cellule vide ; attendu : le jour de la désignation par la commission (jj/mm/aaaa), ou la date de la séance indiquée à l’import',
      ]),
    );
    expect(textes(l3)).toEqual(['Suivi social : cellule vide ; attendu : oui ou non']);
    for (const e of [...l2!.erreurs, ...l3!.erreurs]) {
      expect(e.colonne).not.toBe('');
      expect(e.message).not.toMatch(/^champ obligatoire/);
    }
    // Une erreur du lancement (un champ du corps) est dite par la colonne du fichier ; sans colonne, elle porte sur la ligne.
    const colonnes = analyserListe(tableau, contexte()).colonnes;
    expect(erreurDeColonne('donnees.situation.garantie', 'champ obligatoire', colonnes)).toEqual({
      colonne: 'Garantie',
      message: 'cellule vide ; attendu : aucune, FSL, Loca-Pass ou Visale',
    });
    expect(erreurDeColonne('menage.reference', 'référence déjà prise', colonnes)).toEqual({ colonne: 'Réf. dossier', message: 'référence déjà prise' });
    expect(erreurDeColonne('travailleurSocial', 'compte inconnu', colonnes)).toEqual({ colonne: '', message: 'compte inconnu' });
  });

  it('un tableur .xlsx écrit par exceljs : dates du tableur, nombres, téléphone sans son 0, courriel en lien, ligne de titre', async () => {
    const fichier = await xlsxEssai([{ reference: 'X-1', designe: new Date(`${jour(-3)}T00:00:00Z`) }], { titre: true });
    const tableau = await lireTableau(fichier, 'liste.xlsx');
    expect(tableau.format).toBe('xlsx');
    const [l] = analyserListe(tableau, contexte()).lignes;
    expect(l).toMatchObject({ ligne: 3, reference: 'X-1', designeLe: jour(-3), erreurs: [] });
    expect(l!.corps).toMatchObject({
      menage: { telephone: '0612345678', courriel: 'x-1@exemple.fr' },
      donnees: { situation: { montantDette: 1250.4, debutBail: '2024-02-01', impayesMois: 3 } },
    });
    await expect(lireTableau(Buffer.from('PK\u0003\u0004pas un tableur'), 'liste.xlsx')).rejects.toThrow(/tableur \.xlsx est illisible/);
  });
});

/** Windows-1252 (ce qu'un vieil Excel français enregistre en « CSV ») : les caractères de ce texte tiennent en Latin-1. */
function windows1252(texte: string): Uint8Array {
  return Uint8Array.from(
    [...texte].map((c) => {
      const code = c.charCodeAt(0);
      if (code > 0xff) throw new Error(`caractère hors de Windows-1252 dans l’essai : ${c}`);
      return code;
    }),
  );
}

/** Un tableur de commission écrit avec exceljs, comme Excel l'enregistre. */
async function xlsxEssai(lignes: Array<{ reference: string; designe: Date; bailleur?: string }>, o: { titre?: boolean } = {}): Promise<Buffer> {
  const classeur = new ExcelJS.Workbook();
  const feuille = classeur.addWorksheet('Séance');
  if (o.titre) feuille.addRow(['Commission impayés — liste des situations désignées']);
  feuille.addRow([
    'Référence',
    'Nom du ménage',
    'Composition',
    'Adresse',
    'Téléphone',
    'Courriel',
    'Bailleur',
    'Mois d’impayés',
    'Montant de la dette',
    'Début du bail',
    'Garantie',
    'Suivi par un service social',
    'Date de désignation',
  ]);
  for (const l of lignes) {
    const r = feuille.addRow([
      l.reference,
      `M. Ferrand ${l.reference}`,
      'Personne seule',
      '5 rue Mégevand, 25000 Besançon',
      612345678,
      { text: `${l.reference.toLowerCase()}@exemple.fr`, hyperlink: `mailto:${l.reference.toLowerCase()}@exemple.fr` },
      l.bailleur ?? 'GBH',
      3,
      1250.4,
      new Date('2024-02-01T00:00:00Z'),
      'Aucune',
      'Non',
      l.designe,
    ]);
    r.getCell(10).numFmt = 'dd/mm/yyyy';
    r.getCell(13).numFmt = 'dd/mm/yyyy';
  }
  return Buffer.from(await classeur.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------
describe('une liste de 30 ménages dont 3 lignes fausses, par l’API', () => {
  it('aperçu : les 3 lignes fausses expliquées, rien de lancé ; import : 27 lancés ensemble, 3 rapportés ; le même fichier ne crée rien deux fois ; la liste corrigée lance les 3', async () => {
    await deuxBailleurs();
    const serie = suffixe();
    const { lignes, fichier } = listeDeTrente(serie);

    const apercu = await envoyerJson(APERCU, fichier, { nomFichier: 'commission.csv' });
    expect(apercu.status, apercu.texte).toBe(200);
    expect(apercu.json.totaux).toEqual({ lignes: 30, aLancer: 27, dejaLancees: 0, erreurs: 3, avertissements: 0 });
    expect(apercu.json.colonnesIgnorees).toEqual(['Observations']);
    const fausses = apercu.json.lignes.filter((l: { statut: string }) => l.statut === 'erreur');
    expect(fausses.map((l: { ligne: number }) => l.ligne)).toEqual([5, 12, 20]);
    expect(fausses.map((l: { erreurs: Array<{ colonne: string; message: string }> }) => l.erreurs.map((e) => `${e.colonne} : ${e.message}`))).toEqual([
      [
        'Composition familiale : « famile nombreuse » n’est pas une composition connue (personne seule, couple, couple avec enfants, famille monoparentale, autre)',
      ],
      ['Dette locative (€) : montant en euros attendu (ex. 1 234,56), reçu « douze cents »'],
      [expect.stringMatching(/^Bailleur : « Habitat 25 » n’est pas un bailleur de l’annuaire du programme/)],
    ]);
    expect(apercu.json.lignes[0]).toMatchObject({
      ligne: 2,
      statut: 'a_lancer',
      reference: lignes[0]!.reference,
      nom: lignes[0]!.nom,
      designeLe: jour(-5),
      bailleur: 'Grand Besançon Habitat — service précontentieux',
    });
    expect(apercu.json.lignes[1].bailleur).toBe('Néolia — agence de Besançon');
    // Rien n'est lancé par l'aperçu.
    await expect(essai.banc.env.client.workflow.getHandle(`${PROGRAMME}--${lignes[0]!.reference}`).describe()).rejects.toThrow();

    const imp = await envoyerJson(IMPORT, fichier, { nomFichier: 'commission.csv' });
    expect(imp.status, imp.texte).toBe(201);
    expect(imp.headers.get('location')).toBe(`${IMPORT}/${imp.json.id}`);
    expect(imp.json).toMatchObject({ statut: 'termine', par: 'coord.essai', totaux: { lignes: 30, lancees: 27, dejaLancees: 0, rejetees: 3 } });
    expect(imp.json.lignes.filter((l: { statut: string }) => l.statut === 'rejete').map((l: { ligne: number }) => l.ligne)).toEqual([5, 12, 20]);
    // Chaque ménage lancé est un parcours « programme--référence », à l'étape « aller vers », ses délais depuis la désignation.
    const premier = essai.banc.env.client.workflow.getHandle(`${PROGRAMME}--${lignes[0]!.reference}`);
    const etat = await jusqua(premier, (e) => e.etape === 'aller_vers', 'étape « aller vers »');
    expect(etat.details.designeLe).toBe(jour(-5));
    expect(etat.echeances.find((e) => e.id === 'premiere_visite')!.due).toBe(echeanceDepuisLeJour(jour(-5), besancon.delais.premiereVisite!).toISOString());
    await expect(essai.banc.env.client.workflow.getHandle(`${PROGRAMME}--${lignes[3]!.reference}`).describe()).rejects.toThrow();

    // La trace de l'import : empreinte, qui, quand, chaque ligne — sans nom, adresse ni coordonnées.
    const { db } = await baseEssai();
    const trace = await db.selectFrom('imports_commission').selectAll().where('id', '=', imp.json.id).executeTakeFirstOrThrow();
    expect(trace).toMatchObject({ programme_id: PROGRAMME, par: 'coord.essai', statut: 'termine', lancees: 27, rejetees: 3, lignes_total: 30 });
    expect(trace.empreinte).toBe(apercu.json.empreinte);
    expect(JSON.stringify(trace)).not.toMatch(/Ébrard|Battant|03 81/);

    // Le même fichier, renvoyé : rien de nouveau.
    const encore = await envoyerJson(APERCU, fichier);
    expect(encore.json.totaux).toMatchObject({ aLancer: 0, dejaLancees: 27, erreurs: 3 });
    expect(encore.json.importsPrecedents).toHaveLength(1);
    const reimport = await envoyerJson(IMPORT, fichier);
    expect(reimport.status, reimport.texte).toBe(201);
    expect(reimport.json.totaux).toEqual({ lignes: 30, lancees: 0, dejaLancees: 27, rejetees: 3 });

    // La liste corrigée : les 3 lignes sont lancées, les 27 autres ne le sont pas deux fois.
    const corrigee = await envoyerMultipart(IMPORT, listeDeTrente(serie, true).fichier, 'commission-corrigee.csv');
    expect(corrigee.status, corrigee.texte).toBe(201);
    expect(corrigee.json.totaux).toEqual({ lignes: 30, lancees: 3, dejaLancees: 27, rejetees: 0 });
    expect(corrigee.json.lignes.filter((l: { statut: string }) => l.statut === 'lance').map((l: { ligne: number }) => l.ligne)).toEqual([5, 12, 20]);

    const liste = await essai.api.appel('GET', IMPORT, { jeton: await jeton() });
    expect(liste.status).toBe(200);
    expect(liste.json.slice(0, 3).map((i: { totaux: { lancees: number } }) => i.totaux.lancees)).toEqual([3, 0, 27]);
  });

  it('un tableur .xlsx envoyé en multipart ; une liste sans ligne valide ne lance rien', async () => {
    await deuxBailleurs();
    const ref = `X-${suffixe()}`;
    const fichier = await xlsxEssai([{ reference: ref, designe: new Date(`${jour(-1)}T00:00:00Z`), bailleur: 'Néolia' }]);
    const apercu = await envoyerMultipart(APERCU, fichier, 'seance.xlsx');
    expect(apercu.status, apercu.texte).toBe(200);
    expect(apercu.json).toMatchObject({ format: 'xlsx', totaux: { aLancer: 1, erreurs: 0 } });
    const imp = await envoyerMultipart(IMPORT, fichier, 'seance.xlsx');
    expect(imp.status, imp.texte).toBe(201);
    expect(imp.json.lignes).toEqual([{ ligne: 2, statut: 'lance', reference: ref, workflowId: `${PROGRAMME}--${ref}`, erreurs: [], avertissements: [] }]);

    const fausse = await envoyerJson(
      IMPORT,
      csv([`F-${suffixe()};Mme A;inconnue;1 rue A, 25000 Besançon;;;GBH;2;100;01/01/2024;aucune;non;;${enFrancais(jour(-1))};`]),
    );
    expect(fausse.status, fausse.texte).toBe(400);
    expect(fausse.json.detail).toMatch(/^Aucune ligne de la liste ne peut être lancée : 1 ligne en erreur\. Rien n’a été lancé\./);
    expect(fausse.json.errors[0]).toEqual({
      champ: 'ligne 2, colonne « Composition familiale »',
      message: expect.stringMatching(/« inconnue » n’est pas une composition connue/),
    });
  });

  it('une liste qui dépasserait la file active d’un bailleur est refusée entière, le compte dit en français', async () => {
    const nom = `Doubs Logement ${suffixe()}`;
    const cree = await essai.api.appel('POST', `/api/programmes/${PROGRAMME}/organisations`, {
      jeton: await jeton(),
      corps: { type: 'bailleur_social', nom, quotaFileActive: 1, contacts: [{ nom: 'Agence', courriel: 'agence@doubs-logement.example' }] },
    });
    expect(cree.status, cree.texte).toBe(201);
    const refs = [`Q-${suffixe()}`, `Q-${suffixe()}`];
    const lignes = refs.map((reference, i) =>
      ligneCsv({ reference, nom: `Famille Quota${i}`, composition: 'Couple', bailleur: nom, dette: '900', designe: enFrancais(jour(-1)) }),
    );
    const r = await envoyerJson(IMPORT, csv(lignes));
    expect(r.status, r.texte).toBe(409);
    expect(r.json.detail).toBe(
      `La file active de « ${nom} » ne peut pas recevoir 2 ménages de plus (0 suivi pour 1 place) : rien n’a été lancé. Clôturez des parcours, augmentez le quota ou importez la liste en plusieurs fois.`,
    );
    for (const ref of refs) expect((await essai.api.appel('GET', `/api/parcours/${PROGRAMME}--${ref}`, { jeton: await jeton() })).status).toBe(404);
  });

  it('une place de la file active prise par un lancement interrompu (API arrêtée, parcours jamais démarré) est rendue avant de refuser la liste', async () => {
    const nom = `Habitat du Doubs ${suffixe()}`;
    const cree = await essai.api.appel('POST', `/api/programmes/${PROGRAMME}/organisations`, {
      jeton: await jeton(),
      corps: { type: 'bailleur_social', nom, quotaFileActive: 2, contacts: [{ nom: 'Agence', courriel: 'agence@habitat-doubs.example' }] },
    });
    expect(cree.status, cree.texte).toBe(201);
    const base = essai.banc.dependances.base;
    const fantome = `${PROGRAMME}--FANTOME-${suffixe()}`;
    await base
      .insertInto('bailleurs_parcours')
      .values({
        workflow_id: fantome,
        programme_id: PROGRAMME,
        organisation_id: cree.json.id,
        choisi_par: 'coord.essai',
        choisi_le: new Date(Date.now() - DELAI_LANCEMENT_MS - 1000),
      })
      .execute();
    const refs = [`P-${suffixe()}`, `P-${suffixe()}`];
    const lignes = refs.map((reference, i) =>
      ligneCsv({ reference, nom: `Famille Place${i}`, composition: 'Couple', bailleur: nom, dette: '900', designe: enFrancais(jour(-1)) }),
    );
    const r = await envoyerJson(IMPORT, csv(lignes));
    expect(r.status, r.texte).toBe(201);
    expect(r.json.lignes.map((l: { statut: string }) => l.statut)).toEqual(['lance', 'lance']);
    expect(await base.selectFrom('bailleurs_parcours').select('workflow_id').where('workflow_id', '=', fantome).executeTakeFirst()).toBeUndefined();
  });

  it('droits et formes : travailleur social 403, programme sans commission 409, fichier illisible 400, trop gros 413, pas du JSON 415', async () => {
    const { fichier } = listeDeTrente(suffixe());
    const ts = await envoyerJson(APERCU, fichier, {}, 'ts.alice');
    expect(ts.status, ts.texte).toBe(403);
    expect(ts.json.detail).toBe('Votre rôle ne permet pas cette action.');
    expect((await envoyerMultipart(IMPORT, fichier, 'l.csv', {}, 'ts.alice')).status).toBe(403);
    expect((await essai.api.appel('GET', IMPORT, { jeton: await jeton('ts.alice') })).status).toBe(403);
    const loiret = await envoyerJson('/api/programmes/loiret-ahu/commissions/apercu', fichier);
    expect(loiret.status, loiret.texte).toBe(409);
    expect(loiret.json.detail).toMatch(/ne reçoit pas de listes de la commission impayés/);
    const illisible = await envoyerJson(APERCU, Buffer.from('bonjour\nceci n’est pas une liste'));
    expect(illisible.status).toBe(400);
    expect(illisible.json.detail).toMatch(/^Aucune ligne d’en-têtes reconnue/);
    const gros = await envoyerMultipart(APERCU, Buffer.alloc(2 * 1024 * 1024 + 10, 'a'), 'gros.csv');
    expect(gros.status, gros.texte).toBe(413);
    const texte = await essai.api.appel('POST', APERCU, { jeton: await jeton(), brut: 'a;b', entetes: { 'content-type': 'text/plain' } });
    expect(texte.status).toBe(415);
    const sansSession = await fetch(`${essai.api.url}${APERCU}`, { method: 'POST', body: new FormData() });
    expect(sansSession.status).toBe(401);
  });
});

// ---------------------------------------------------------------------------------------------
describe('un ménage de la liste déjà suivi sous une autre référence', () => {
  it('l’aperçu et l’import le disent en avertissement (dossier et étape), sans le refuser ; un autre ménage, rien', async () => {
    await deuxBailleurs();
    const serie = suffixe();
    const ligne = (ref: string, nom: string, adresse: string) =>
      `${ref};${nom};personne seule;${adresse};;;GBH;3;900;01/09/2023;aucune;non;;${enFrancais(jour(-3))};`;
    const premier = `S-${serie}-1`;
    const lance = await envoyerJson(IMPORT, csv([ligne(premier, `M. Œhlmann ${serie}`, '7 rue Battant, 25000 Besançon')]));
    expect(lance.json.totaux).toMatchObject({ lancees: 1 });
    // À la séance suivante, le même ménage (écrit autrement) sous une nouvelle référence, et un voisin.
    const fichier = csv([
      ligne(`S-${serie}-2`, `M. OEHLMANN ${serie}`, '7, rue Battant 25000 BESANCON'),
      ligne(`S-${serie}-3`, `M. Œhlmann ${serie}`, '9 rue Battant, 25000 Besançon'),
    ]);
    const apercu = await envoyerJson(APERCU, fichier);
    expect(apercu.json.lignes.map((l: { statut: string }) => l.statut)).toEqual(['a_lancer', 'a_lancer']);
    // L'étape du dossier suivi est celle du moment (lettre d'information, puis « aller vers »).
    const attendu = expect.stringMatching(
      new RegExp(
        `^ménage déjà suivi dans ce programme, même nom et même adresse \\(dossier ${premier}, étape « [^»]+ »\\) : lancée, la ligne ouvrirait un second parcours$`,
      ),
    );
    expect(apercu.json.lignes.map((l: { avertissements: string[] }) => l.avertissements)).toEqual([[attendu], []]);
    expect(apercu.json.totaux).toMatchObject({ aLancer: 2, avertissements: 1 });
    const imp = await envoyerJson(IMPORT, fichier);
    expect(imp.json.lignes.map((l: { statut: string; avertissements: string[] }) => [l.statut, l.avertissements])).toEqual([
      ['lance', [attendu]],
      ['lance', []],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('les délais courent depuis la désignation', () => {
  it('désigné il y a 10 jours : la première visite est due 3 semaines après la désignation, et passe à cette date-là ; désigné il y a un mois : déjà dépassée au lancement ; dans le futur : refusé', async () => {
    await deuxBailleurs();
    const serie = suffixe();
    const ligne = (ref: string, designe: string) =>
      `${ref};M. Vuillemin ${ref};personne seule;3 rue Proudhon, 25000 Besançon;;;GBH;3;900;01/09/2023;aucune;non;;${designe};`;
    const recent = `D-${serie}-1`;
    const ancien = `D-${serie}-2`;
    const futur = `D-${serie}-3`;
    const fichier = csv([ligne(recent, enFrancais(jour(-10))), ligne(ancien, enFrancais(jour(-30))), ligne(futur, enFrancais(jour(2)))]);
    const apercu = await envoyerJson(APERCU, fichier);
    expect(apercu.json.lignes.map((l: { statut: string }) => l.statut)).toEqual(['a_lancer', 'a_lancer', 'erreur']);
    expect(apercu.json.lignes[1].avertissements).toEqual([
      'désigné il y a plus de 3 semaines : les échéances « Premier contact avec le ménage » et « Première visite à domicile » seront déjà dépassées au lancement',
    ]);
    expect(apercu.json.lignes[2].erreurs).toEqual([{ colonne: 'Désigné le', message: 'la date de désignation ne peut pas être dans le futur' }]);
    const imp = await envoyerJson(IMPORT, fichier);
    expect(imp.json.totaux).toMatchObject({ lancees: 2, rejetees: 1 });

    // Désigné il y a 10 jours : l'échéance part de la désignation (le soir du jour où tombe le délai, à Paris), pas du lancement.
    const h = essai.banc.env.client.workflow.getHandle(`${PROGRAMME}--${recent}`);
    const visite = await echeanceSuivie(h, 'premiere_visite');
    const attendue = echeanceDepuisLeJour(jour(-10), besancon.delais.premiereVisite!);
    expect(visite.due).toBe(attendue.toISOString());
    expect(attendue.getTime() - Date.now()).toBeLessThan(12 * 86_400_000);
    const etat = await h.query(etatQuery);
    expect(etat.journal.some((e) => e.type === 'designation' && e.resume.startsWith('Ménage désigné par la commission impayés le'))).toBe(true);
    // Le temps passe jusqu'au lendemain de l'échéance : elle est dépassée, la coordination est alertée (à 9 h un jour ouvré).
    await avancerJusqua(essai.banc, h, apres(visite.due));
    await echeanceSuivie(h, 'premiere_visite', 'depassee');
    await jusquALAlerte(essai.banc, h, 'premiere_visite');
    await expect
      .poll(() => essai.banc.courriels.messages().some((m) => m.sujet === `Échéance dépassée : Première visite à domicile (dossier ${recent})`), {
        timeout: 20_000,
      })
      .toBe(true);

    // Désigné il y a un mois : l'échéance est déjà dépassée au lancement (montrée comme telle), sans erreur.
    const h2 = essai.banc.env.client.workflow.getHandle(`${PROGRAMME}--${ancien}`);
    const depassee = await echeanceSuivie(h2, 'premiere_visite', 'depassee');
    expect(depassee.due).toBe(echeanceDepuisLeJour(jour(-30), 'P3W').toISOString());
    expect((await h2.query(etatQuery)).etape).toBe('aller_vers');
  });

  it('la date de la séance vaut pour les lignes sans date de désignation ; sans elle ni colonne, le fichier est refusé', async () => {
    await deuxBailleurs();
    const ref = `S-${suffixe()}`;
    const entetes =
      'Référence;Nom du ménage;Composition;Adresse;Bailleur;Mois d’impayés;Montant de la dette;Début du bail;Garantie;Suivi par un service social';
    const fichier = csv([`${ref};Mme Pernot;Couple;1 rue de Belfort, 25000 Besançon;Néolia;2;450,5;15/06/2022;Aucune;Non`], entetes);
    const sans = await envoyerJson(APERCU, fichier);
    expect(sans.status).toBe(400);
    expect(sans.json.detail).toMatch(/Colonne manquante : « Date de désignation » \(ou indiquez la date de la séance\)/);
    const futur = await envoyerJson(APERCU, fichier, { dateSeance: jour(3) });
    expect(futur.status).toBe(400);
    // La séance est la réunion de la commission, pas la désignation d'une ligne : son erreur parle de séance.
    expect(futur.json.errors).toEqual([
      { champ: 'dateSeance', message: 'la séance ne peut pas être dans le futur : indiquez le jour où la commission s’est réunie' },
    ]);
    const avec = await envoyerMultipart(APERCU, fichier, 'seance.csv', { dateSeance: jour(-4) });
    expect(avec.status, avec.texte).toBe(200);
    expect(avec.json.lignes[0]).toMatchObject({ statut: 'a_lancer', designeLe: jour(-4), bailleur: 'Néolia — agence de Besançon' });
  });
});
