/**
 * Les pages rendues sans navigateur : le tableau de bord marque et met en tête les parcours en
 * retard ; la page d'un parcours ne propose que les actions de l'étape, selon le rôle.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DependancesApi } from '../../api/dependances';
import { REGISTRE } from '../../api/registre-produit';
import type { ResumeParcours } from '../../api/routes/parcours';
import type { EtatParcours } from '../../domain/vocabulaire';
import { jourEtHeureEnMots, neufHeuresLe } from '../../domain/durees';
import { preparerDocument } from '../../documents';
import { creerAnnuaire } from '../../personnel/annuaire';
import type { Organisation } from '../../personnel/organisations';
import { navigation, type Contexte } from '../../web/pages/commun';
import { champsLancement, pageLancement } from '../../web/pages/lancement';
import { champsDe, rangerErreurs, type Champ } from '../../api/formulaires';
import { analyser, Probleme } from '../../api/problemes';
import { pageAnnuaire } from '../../web/pages/annuaire';
import { erreursDuFormulaire, pageProgrammes, pageReglages, raisonNombreDuree } from '../../web/pages/reglages';
import { devantUnNom, nombreDe, premierDuMois } from '../../domain/libelles';
import { libelleTypologie } from '../../domain/iml';
import { dateFr, dateHeureFr } from '../../web/libelles';
import { aDesContenusConfidentiels, pageParcours } from '../../web/pages/parcours';
import { pageTableau } from '../../web/pages/tableau';
import { pageSimulation, pageSimulations } from '../../web/pages/simulations';
import type { Simulation } from '../../simulations/registre';
import { ADMIN_ESSAI, CATALOGUE, PERSONNEL } from '../outils/environnement';
import { rapportFictif } from '../outils/simulation';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { enveloppePages, SAISIE_SANS_REPONSE } from '../../web/gestion-pages';

const annuaire = creerAnnuaire(PERSONNEL);
const deps = { catalogue: CATALOGUE, annuaire, registre: REGISTRE, options: { publicBaseUrl: 'http://x', sessionTtl: 'PT8H' } } as unknown as DependancesApi;
const ctx = (id: string): Contexte => ({ deps, personne: annuaire.trouver(id)!, csrf: 'jeton-csrf', chemin: '/parcours' });

const resume = (ref: string, o: Partial<ResumeParcours>): ResumeParcours => ({
  workflowId: `loiret-ahu--${ref}`,
  reference: ref,
  programme: 'loiret-ahu',
  typeParcours: 'prevention_precontentieuse',
  etape: 'aller_vers',
  libelleEtape: 'Aller vers le ménage',
  travailleurSocial: 'ts.alice',
  enRetard: false,
  cloture: false,
  statut: 'en_cours',
  ...o,
});

describe('navigation du personnel', () => {
  it('la coordination a un lien par file IML et par commission impayés de ses programmes, nommés par leur territoire ; le travail social, ses ménages', () => {
    const liens = (id: string) => navigation(id === ADMIN_ESSAI.id ? { ...ctx('ts.alice'), personne: ADMIN_ESSAI } : ctx(id)).liens.map((l) => l.libelle);
    expect(liens(ADMIN_ESSAI.id)).toEqual(
      expect.arrayContaining(['File IML — Concarneau (Finistère)', 'Commission impayés — Besançon (Doubs)', 'Simuler l’année']),
    );
    expect(liens('ts.alice')).toEqual(['Mes ménages']);
  });
});

describe('tableau de bord', () => {
  it('les filtres de type et d’étape ne proposent que ceux des programmes de la personne', () => {
    const loiret = { ...PERSONNEL.find((x) => x.id === 'coord.essai')!, programmes: ['loiret-ahu'] };
    const h = pageTableau({ deps, personne: loiret, csrf: 'jeton-csrf', chemin: '/parcours' }, { elements: [], total: 0, page: 1, taille: 50 }, {}).valeur;
    const options = (nom: string) => {
      const i = h.indexOf(`id="filtre-${nom}"`);
      return [...h.slice(i, h.indexOf('</select>', i)).matchAll(/<option value="([a-z_]*)"/g)].map((m) => m[1]);
    };
    expect(options('type')).toEqual(['', 'prevention_precontentieuse']);
    expect(options('etape')).toContain('aller_vers');
    expect(options('etape')).not.toContain('sous_location');
    expect(options('etape')).not.toContain('suivi_protocole');
    // Ni le comité de suivi (Besançon) ni la validation avec le référent du bailleur (Toulouse) : le Loiret n'en a pas.
    expect(options('etape')).not.toContain('comite_de_suivi');
    expect(options('etape')).not.toContain('validation_bailleur');
    const toulouse = { ...PERSONNEL.find((x) => x.id === 'coord.essai')!, programmes: ['toulouse-declic'] };
    const t = pageTableau({ deps, personne: toulouse, csrf: 'jeton-csrf', chemin: '/parcours' }, { elements: [], total: 0, page: 1, taille: 50 }, {}).valeur;
    expect(t).toContain('<option value="validation_bailleur"');
    // La coordination de tous les programmes a les trois types.
    expect(pageTableau(ctx('coord.essai'), { elements: [], total: 0, page: 1, taille: 50 }, {}).valeur).toContain('value="iml_bail_glissant"');
  });

  it('les parcours dans l’ordre reçu, nommés, les retards visiblement marqués (texte, pas seulement la couleur), les pages voisines', () => {
    const elements = [
      resume('B-RETARD', { nom: 'Mme Durand', prochaineEcheance: '2026-01-01T00:00:00.000Z', libelleEcheance: 'Premier contact', enRetard: true }),
      resume('A-TOT', { prochaineEcheance: '2026-01-10T22:59:59.999Z' }),
      resume('C-SANS', {}),
    ];
    const h = pageTableau(ctx('coord.essai'), { elements, total: 53, page: 1, taille: 50 }, { cloture: 'false', recherche: 'dur' }).valeur;
    const ordre = ['B-RETARD', 'A-TOT', 'C-SANS'].map((r) => h.indexOf(r));
    expect(ordre.every((x, i) => x > 0 && (i === 0 || x > ordre[i - 1]!))).toBe(true);
    expect(h).toContain('53 parcours ; sur cette page, <strong>1 en retard</strong>');
    expect(h).toMatch(
      /<tr role="row" class="en-retard">\s*<th scope="row" role="rowheader"><a href="\/parcours\/loiret-ahu--B-RETARD">Mme Durand<\/a> <span class="aide">\(B-RETARD\)<\/span> <span class="badge retard">En retard<\/span>/,
    );
    expect(h).toContain('Premier contact');
    // La prochaine échéance : le jour seul si elle court jusqu'au soir, avec l'heure sinon (Paris).
    expect(h).toContain('data-label="Prochaine échéance">10 janvier 2026</td>');
    expect(h).toContain('data-label="Prochaine échéance">1er janvier 2026 à 01:00<br>');
    expect(h).toContain('Page 1 sur 2');
    expect(h).toContain('<a href="/parcours?cloture=false&amp;recherche=dur&amp;page=2" rel="next">Page suivante</a>');
    expect(h).toContain('value="dur"');
    // Chaque cellule porte l'en-tête de sa colonne : sur un téléphone, la ligne devient une carte.
    expect(h).toContain('<td role="cell" data-label="Travailleur social">Alice Travailleuse</td>');
    expect(h).toContain('<td role="cell" data-label="Étape">Aller vers le ménage</td>');
    // Les filtres : chacun a son libellé.
    for (const f of ['recherche', 'programme', 'type', 'etape', 'travailleurSocial', 'enRetard', 'cloture']) expect(h).toContain(`<label for="filtre-${f}">`);
  });

  it('un tableau vide sans filtre dit qu’aucun parcours n’est ouvert et mène au lancement', () => {
    const vide = { elements: [], total: 0, page: 1, taille: 50 };
    const h = pageTableau(ctx('coord.essai'), vide, { cloture: 'false' }).valeur;
    expect(h).toContain('Aucun parcours ouvert dans vos programmes pour le moment. <a href="/parcours/nouveau">Lancer un parcours</a>');
    expect(h).not.toContain('ne correspond à ces filtres');
    expect(pageTableau(ctx('coord.essai'), vide, { cloture: 'false', programme: 'loiret-ahu' }).valeur).toContain(
      'Aucun parcours ne correspond à ces filtres.',
    );
    expect(pageTableau(ctx('coord.essai'), vide, { cloture: 'true' }).valeur).toContain('Aucun parcours ne correspond à ces filtres.');
  });

  it('les courriels en attente : au pluriel, le plus ancien daté à l’heure de Paris ; « Mes ménages » aussi ; aucun bandeau sans courriel en attente', () => {
    const vide = { elements: [], total: 0, page: 1, taille: 50 };
    // 30 mars 2027, 22 h 15 UTC : déjà 0 h 15 le 31 à Paris (heure d'été).
    const attente = { nombre: 3, depuis: new Date('2027-03-30T22:15:00Z') };
    const h = pageTableau(ctx('coord.essai'), vide, {}, undefined, [], [], attente).valeur;
    expect(h).toContain('<strong>3 courriels de vos programmes n’ont pas pu partir</strong> : le serveur de courriel les refuse ou ne répond pas');
    expect(h).toContain('(le plus ancien attend depuis le 31 mars 2027, 00:15)');
    expect(h).toContain('les partenaires, les ménages et les collègues qu’ils devaient prévenir ne le sont pas');
    expect(pageTableau(ctx('ts.alice'), vide, {}, undefined, [], [], attente).valeur).toContain(
      '<h2 id="titre-courriels-attente">Courriels en attente d’envoi</h2>',
    );
    expect(pageTableau(ctx('coord.essai'), vide, {}, undefined, [], [], { nombre: 0 }).valeur).not.toContain('titre-courriels-attente');
    expect(pageTableau(ctx('coord.essai'), vide, {}, undefined, [], [], { nombre: 0, sms: { nombre: 0 } }).valeur).not.toContain('titre-courriels-attente');
  });

  it('les SMS aux ménages en attente : seuls ou avec des courriels, au pluriel, datés à l’heure de Paris (nuit du passage à l’heure d’hiver)', () => {
    const vide = { elements: [], total: 0, page: 1, taille: 50 };
    // 25 octobre 2026, 1 h 30 UTC : 2 h 30 à Paris, une fois l'heure d'hiver revenue (à 3 h, il était 2 h).
    const sms = { nombre: 2, depuis: new Date('2026-10-25T01:30:00Z') };
    const admin = { ...PERSONNEL[0]!, id: 'admin.essai', role: 'admin' as const, programmes: [] };
    const seuls = pageTableau({ ...ctx('coord.essai'), personne: admin }, vide, {}, undefined, [], [], { nombre: 0, sms }).valeur;
    expect(seuls).toContain('<h2 id="titre-courriels-attente">SMS en attente d’envoi</h2>');
    expect(seuls).toContain('<strong>2 SMS aux ménages n’ont pas pu partir</strong> : le fournisseur de SMS les refuse ou ne répond pas');
    expect(seuls).toContain('(le plus ancien attend depuis le 25 oct. 2026, 02:30)');
    expect(seuls).toContain('Les parcours avancent sans les attendre ; les SMS sont renvoyés toutes les 10 minutes au plus, pendant trois jours.');
    expect(seuls).toContain('Vérifiez le fournisseur de SMS de la plateforme.');
    expect(seuls).not.toContain('serveur de courriel');
    const ensemble = pageTableau(ctx('ts.alice'), vide, {}, undefined, [], [], {
      nombre: 1,
      depuis: new Date('2026-10-25T00:30:00Z'),
      sms: { nombre: 1, depuis: sms.depuis },
    }).valeur;
    expect(ensemble).toContain('<h2 id="titre-courriels-attente">Courriels et SMS en attente d’envoi</h2>');
    expect(ensemble).toContain('<strong>1 courriel de vos programmes n’a pas pu partir</strong>');
    expect(ensemble).toContain(
      '<strong>Un SMS à un ménage de vos programmes n’a pas pu partir</strong> : le fournisseur de SMS l’a refusé ou ne répond pas (il attend depuis le 25 oct. 2026, 02:30). Le parcours avance sans l’attendre',
    );
  });

  it('une recherche sans résultat avec un mot de moins de 3 lettres dit comment chercher', () => {
    const vide = { elements: [], total: 0, page: 1, taille: 50 };
    const coordination = pageTableau(ctx('coord.essai'), vide, { recherche: 'Du' }).valeur;
    expect(coordination).toContain(
      'Aucun parcours ne correspond à ces filtres. Un nom se cherche par ses 3 premières lettres au moins : « du » ne trouve qu’un nom écrit exactement ainsi (une référence, elle, se cherche dès ses premiers caractères).',
    );
    const travailSocial = pageTableau(ctx('ts.alice'), vide, { recherche: 'Mme Du' }).valeur;
    expect(travailSocial).toContain(
      'Aucun de vos ménages ne répond à « Mme Du ». Un nom se cherche par ses 3 premières lettres au moins : « du » ne trouve qu’un nom écrit exactement ainsi (une référence, elle, se cherche dès ses premiers caractères).',
    );
    // Trois lettres et plus : pas de conseil.
    expect(pageTableau(ctx('ts.alice'), vide, { recherche: 'Dupo' }).valeur).not.toContain('premières lettres au moins');
  });

  it('un parcours ouvert par une rechute (même référence) se distingue dans la liste', () => {
    const h = pageTableau(
      ctx('coord.essai'),
      { elements: [resume('RA-1', {}), resume('RA-1', { workflowId: 'loiret-ahu--RA-1-R261204' })], total: 2, page: 1, taille: 50 },
      {},
    ).valeur;
    expect(h.match(/Après une rechute/g)).toHaveLength(1);
    expect(h).toContain('href="/parcours/loiret-ahu--RA-1-R261204"');
  });

  it('« mes ménages » pour le travail social : des cartes, sans filtres de coordination', () => {
    const h = pageTableau(ctx('ts.alice'), { elements: [resume('D-TS', { enRetard: true })], total: 1, page: 1, taille: 50 }, { cloture: 'false' }).valeur;
    expect(h).toContain('<h1>Mes ménages</h1>');
    expect(h).toContain('<li class="en-retard">');
    expect(h).not.toContain('filtre-travailleurSocial');
  });
});

describe('page d’un parcours', () => {
  const etat: EtatParcours = {
    workflowId: 'loiret-ahu--E-1',
    typeParcours: 'prevention_precontentieuse',
    programme: { id: 'loiret-ahu', version: 1, nom: 'Loiret' },
    reference: 'E-1',
    etape: 'aller_vers',
    libelleEtape: 'Aller vers le ménage',
    travailleurSocial: 'ts.alice',
    coordinateur: 'coord.essai',
    echeances: [{ id: 'contact', libelle: 'Premier contact', due: '2026-01-01T00:00:00.000Z', statut: 'depassee', responsable: 'travailleur_social' }],
    demandes: [],
    journal: [],
    details: { situation: { impayesMois: 2, garantie: 'aucune' } },
    detailsConfidentiels: {},
  };

  /** Un parcours d'un autre type, à une étape, avec ses détails. */
  const autreParcours = (
    typeParcours: EtatParcours['typeParcours'],
    programmeId: string,
    etape: string,
    libelleEtape: string,
    details: Record<string, unknown>,
  ): EtatParcours => ({
    ...etat,
    workflowId: `${programmeId}--E-2`,
    typeParcours,
    programme: { id: programmeId, version: 1, nom: programmeId },
    etape,
    libelleEtape,
    details,
  });

  it('les courriels du dossier en attente d’envoi : au pluriel, datés à l’heure de Paris ; rien sans courriel en attente', () => {
    // 31 décembre 2026, 23 h 30 UTC : déjà le 1er janvier 2027 à Paris.
    const h = pageParcours(ctx('ts.alice'), etat, { courriels: { nombre: 2, depuis: new Date('2026-12-31T23:30:00Z') } }).valeur;
    expect(h).toContain('<strong>2 courriels de ce dossier attendent d’être envoyés</strong>');
    expect(h).toContain('(le plus ancien depuis le 1er janv. 2027, 00:30)');
    expect(pageParcours(ctx('ts.alice'), etat, { courriels: { nombre: 0 } }).valeur).not.toContain('attendent d’être envoyés');
  });

  it('les SMS du dossier : en attente (renvoyés trois jours), puis abandonnés (vérifier le numéro) ; rien sans SMS en échec', () => {
    const sms = pageParcours(ctx('ts.alice'), etat, { courriels: { nombre: 0, sms: { nombre: 1, depuis: new Date('2027-03-28T00:45:00Z') } } }).valeur;
    expect(sms).toContain(
      '<strong>Un SMS au ménage attend d’être envoyé</strong> : le fournisseur de SMS l’a refusé ou ne répond pas (depuis le 28 mars 2027, 01:45). Le parcours avance sans l’attendre ; il est renvoyé de lui-même toutes les 10 minutes au plus, pendant trois jours.',
    );
    expect(sms).not.toContain('courriel de ce dossier');
    const contact = { courriel: { accorde: true }, sms: { accorde: true }, courrier: { accorde: false } };
    // 28 mars 2027, 1 h 15 UTC : 3 h 15 à Paris (l'heure d'été vient de commencer).
    const un = pageParcours(ctx('ts.alice'), etat, { contact: { ...contact, smsNonPartis: { nombre: 1, dernier: '2027-03-28T01:15:00Z' } } }).valeur;
    expect(un).toContain(
      '<strong>Un SMS n’est pas parti</strong> (le dernier abandonné le 28 mars 2027, 03:15) : le fournisseur de SMS l’a refusé, ou ne l’a pas pris en trois jours. Vérifiez le numéro avec le ménage.',
    );
    const deux = pageParcours(ctx('ts.alice'), etat, { contact: { ...contact, smsNonPartis: { nombre: 2, dernier: '2027-03-28T01:15:00Z' } } }).valeur;
    expect(deux).toContain('<strong>2 SMS ne sont pas partis</strong>');
    expect(deux).toContain('le fournisseur de SMS les a refusés, ou ne les a pas pris en trois jours. Vérifiez le numéro avec le ménage.');
    const rien = pageParcours(ctx('ts.alice'), etat, { contact, courriels: { nombre: 0, sms: { nombre: 0 } } }).valeur;
    expect(rien).not.toContain('pas parti');
    expect(rien).not.toContain('attend d’être envoyé');
  });

  it('le travail social voit les actions de l’étape, et seulement elles ; la coordination voit affectation et clôture', () => {
    const ts = pageParcours(ctx('ts.alice'), etat).valeur;
    expect([...ts.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1])).toEqual(['tentative-contact', 'cloture']);
    expect(ts).toContain('<span class="badge retard">Dépassée</span>');
    // Loiret : un refus clôt le parcours, le formulaire le dit ; Besançon (« rencontre malgré les réticences ») : non.
    expect(ts).toContain('un refus du ménage clôt le parcours');
    expect(pageParcours(ctx('ts.alice'), { ...etat, programme: { id: 'besancon-ccas', version: 1, nom: 'Besançon' } }).valeur).not.toContain(
      'un refus du ménage clôt',
    );
    // Les options du programme dans la version du parcours, quand la page l'a (un réglage changé depuis son lancement).
    const loiret = CATALOGUE.trouver('loiret-ahu')!;
    const versionDuParcours = { ...loiret, options: { ...loiret.options, refusNeClotPas: true } };
    expect(pageParcours(ctx('ts.alice'), etat, { programme: versionDuParcours }).valeur).not.toContain('un refus du ménage clôt');
    expect(ts).toContain('<dt>Loyers impayés (nombre de mois)</dt><dd>2</dd>');
    const coord = pageParcours(ctx('coord.essai'), etat).valeur;
    expect([...coord.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1])).toEqual(['affectation', 'cloture-anticipee']);
    const clos = pageParcours(ctx('ts.alice'), { ...etat, etape: 'cloture', cloture: { issue: 'refus', le: '2026-02-01T00:00:00.000Z' } }).valeur;
    expect(clos).not.toContain('<details class="action"');
    expect(clos).toContain('Le parcours est clôturé');
  });

  it('département sans réponse : la coordination a le formulaire de la suite (relancer, faire revoir le plan), le travail social non ; pas avant l’échéance', () => {
    const validation = autreParcours(
      'prevention_precontentieuse',
      'besancon-ccas',
      'validation_departement',
      'Validation du plan par le département (ASLL)',
      {},
    );
    const suite = {
      id: 'suite_departement',
      libelle: 'Département sans réponse : relancer la demande ou faire revoir le plan',
      due: '2026-01-08T00:00:00.000Z',
      statut: 'en_cours' as const,
      responsable: 'coordinateur' as const,
    };
    const coordBesancon = { ...PERSONNEL.find((x) => x.id === 'coord.essai')!, programmes: ['besancon-ccas'] };
    const page = (e: EtatParcours, personne = coordBesancon) => pageParcours({ deps, personne, csrf: 'jeton-csrf', chemin: '/parcours' }, e).valeur;
    const actions = (h: string) => [...h.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1]);
    const h = page({ ...validation, echeances: [suite] });
    expect(actions(h)).toContain('departement-sans-reponse');
    expect(h).toContain('Département sans réponse : relancer la demande ou faire revoir le plan');
    expect(h).toContain('Relancer le département : nouvelle demande, nouveau délai');
    expect(h).toContain('Revoir le plan avec le ménage (le département a fait savoir pourquoi)');
    expect(h).toContain('Suite à donner');
    expect(h).not.toMatch(/>\s*(relancer|reviser|suite|motif)\s*</);
    // Tant que le département peut répondre, ou une fois la suite décidée : pas de formulaire.
    expect(actions(page({ ...validation, echeances: [] }))).not.toContain('departement-sans-reponse');
    expect(actions(page({ ...validation, echeances: [{ ...suite, statut: 'tenue' }] }))).not.toContain('departement-sans-reponse');
    const ts = { ...PERSONNEL.find((x) => x.id === 'ts.alice')!, programmes: ['besancon-ccas'] };
    expect(actions(page({ ...validation, echeances: [suite] }, ts))).not.toContain('departement-sans-reponse');
  });

  it('comité de suivi (reims-april) : la réponse des services sociaux dite en mots, et la coordination a le formulaire de la décision du comité, le travail social non', () => {
    const comite = autreParcours('prevention_precontentieuse', 'reims-april', 'comite_de_suivi', 'Comité de suivi', {});
    const decision = {
      id: 'decision_comite',
      libelle: 'Décision du comité de suivi',
      due: '2026-01-08T00:00:00.000Z',
      statut: 'en_cours' as const,
      responsable: 'coordinateur' as const,
    };
    const verification = {
      id: 'v1',
      role: 'services_sociaux' as const,
      objet: 'Avant le comité de suivi : le ménage est-il déjà accompagné ?',
      envoyeeLe: '2026-01-01T09:00:00.000Z',
      echeance: '2026-01-08T22:59:59.999Z',
      statut: 'refusee' as const,
      action: 'verification' as const,
      decision: { decision: 'refuse' as const, commentaire: 'Mme Durand, CCAS', par: 'partenaire:services_sociaux', le: '2026-01-02T09:00:00.000Z' },
    };
    const coordReims = { ...PERSONNEL.find((x) => x.id === 'coord.essai')!, programmes: ['reims-april'] };
    const page = (e: EtatParcours, personne = coordReims) => pageParcours({ deps, personne, csrf: 'jeton-csrf', chemin: '/parcours' }, e).valeur;
    const actions = (h: string) => [...h.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1]);
    const h = page({ ...comite, echeances: [decision], demandes: [verification] });
    expect(actions(h)).toContain('decision-comite');
    expect(h).toContain('Déjà accompagné');
    expect(h).not.toContain('Refusée');
    // La date limite de la réponse avec le nom du jour, comme le courriel du partenaire (jusqu'au 8 janvier
    // 2026 au soir, Paris) ; une échéance qui passe en cours de journée (8 janvier à 1 h, Paris) dit son heure.
    expect(h).toContain('data-label="Réponse attendue au plus tard le">jeudi 8 janvier 2026</td>');
    expect(h).toContain('data-label="Date limite">jeudi 8 janvier 2026 à 01:00</td>');
    expect(h).toContain('Intégrer le ménage : l’accompagnement commence');
    expect(h).toContain('Ne pas intégrer le ménage (motif obligatoire)');
    expect(h).not.toMatch(/>\s*(integrer|ne_pas_integrer|decision|motif)\s*</);
    // Un parcours d'avant le comité en deux temps (pas d'échéance de décision), ou la décision prise : pas de formulaire.
    expect(actions(page({ ...comite, echeances: [] }))).not.toContain('decision-comite');
    expect(actions(page({ ...comite, echeances: [{ ...decision, statut: 'tenue' }] }))).not.toContain('decision-comite');
    const ts = { ...PERSONNEL.find((x) => x.id === 'ts.alice')!, programmes: ['reims-april'] };
    expect(actions(page({ ...comite, echeances: [decision] }, ts))).not.toContain('decision-comite');
  });

  it('veille active en cours (reims-april) : le parcours clôturé offre à l’équipe de signaler une rechute ; la veille finie, plus rien', () => {
    const veille = {
      id: 'v1',
      role: 'bailleur' as const,
      objet: 'Veille active : signaler une rechute',
      envoyeeLe: '2026-06-01T00:00:00.000Z',
      echeance: '2026-12-01T00:00:00.000Z',
      statut: 'en_attente' as const,
      action: 'rechute' as const,
    };
    const clos = {
      ...autreParcours('prevention_precontentieuse', 'reims-april', 'cloture', 'Clôturé (Situation stabilisée) — veille active', {}),
      cloture: { issue: 'situation_stabilisee' as const, le: '2026-06-01T00:00:00.000Z' },
      demandes: [veille],
    };
    const pour = (id: string) => ({ ...PERSONNEL.find((x) => x.id === id)!, programmes: ['reims-april'] });
    const actions = (h: string) => [...h.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1]);
    for (const id of ['ts.alice', 'coord.essai']) {
      const h = pageParcours({ deps, personne: pour(id), csrf: 'jeton-csrf', chemin: '/parcours' }, clos).valeur;
      expect(actions(h), id).toEqual(['rechute']);
      expect(h).toContain('Veille active : signaler une rechute repérée par l’équipe');
      expect(h).toContain('Ce que l’équipe a repéré');
    }
    const finie = { ...clos, demandes: [{ ...veille, statut: 'expiree' as const }] };
    const h = pageParcours({ deps, personne: pour('ts.alice'), csrf: 'jeton-csrf', chemin: '/parcours' }, finie).valeur;
    expect(actions(h)).toEqual([]);
    expect(h).toContain('Le parcours est clôturé : plus aucune action n’est attendue.');
  });

  it('protocole rompu : la coordination peut enregistrer l’orientation qu’exige la clôture (pas d’impasse)', () => {
    const rompu = autreParcours('protocole_post_resiliation', 'reims-april-protocole', 'rupture', 'Protocole rompu', {});
    const coord = { ...PERSONNEL.find((x) => x.id === 'coord.essai')!, programmes: ['reims-april-protocole'] };
    const h = pageParcours({ deps, personne: coord, csrf: 'jeton-csrf', chemin: '/parcours' }, rompu).valeur;
    expect([...h.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1])).toContain('orientation');
  });

  it('un lien de veille active n’attend pas de décision : « Veille active en cours », puis « Rechute signalée » ou « Veille terminée sans rechute »', () => {
    const demande = {
      id: 'd1',
      role: 'bailleur' as const,
      objet: 'Veille active : signaler une rechute',
      envoyeeLe: '2026-06-01T00:00:00.000Z',
      echeance: '2027-06-01T00:00:00.000Z',
      action: 'rechute' as const,
    };
    const statut = (s: 'en_attente' | 'approuvee' | 'expiree') => {
      const h = pageParcours(ctx('coord.essai'), {
        ...etat,
        etape: 'cloture',
        cloture: { issue: 'situation_stabilisee', le: '2026-06-01T00:00:00.000Z' },
        demandes: [{ ...demande, statut: s }],
      }).valeur;
      return /<strong>([^<]+)<\/strong>/.exec(h.slice(h.indexOf('Décisions des partenaires')))![1];
    };
    expect(statut('en_attente')).toBe('Veille active en cours : aucune rechute signalée');
    expect(statut('approuvee')).toBe('Rechute signalée');
    expect(statut('expiree')).toBe('Veille terminée sans rechute');
  });

  it('une demande sans réponse à son échéance : « Sans réponse » (délai laissé passer par le partenaire), pas « Annulée » ; close sans objet ou à la clôture : elle le dit', () => {
    const demande = {
      id: 'd2',
      role: 'siao' as const,
      objet: 'Validation d’une candidature',
      envoyeeLe: '2026-06-01T00:00:00.000Z',
      echeance: '2026-06-15T00:00:00.000Z',
      statut: 'expiree' as const,
    };
    const echeance = {
      id: 'validation:d2',
      libelle: 'Réponse du SIAO : Validation d’une candidature',
      due: demande.echeance,
      statut: 'annulee' as const,
      responsable: 'siao' as const,
    };
    const rendu = (d: EtatParcours['demandes'][number]) => {
      const h = pageParcours(ctx('coord.essai'), { ...etat, demandes: [d], echeances: [echeance] }).valeur;
      const ligne = (region: string) => h.slice(h.indexOf(`aria-label="${region} (tableau défilant)"`)).split('</tr>')[1]!;
      return { echeance: ligne('Échéances'), demande: /<strong>([^<]+)<\/strong>/.exec(ligne('Décisions des partenaires'))![1] };
    };
    const sansReponse = rendu(demande);
    expect(sansReponse.echeance).toContain('<span class="badge retard">Sans réponse</span>');
    expect(sansReponse.echeance).not.toContain('Annulée');
    expect(sansReponse.demande).toBe('Sans réponse (expirée)');
    const fermee = rendu({ ...demande, fermee: { le: '2026-06-05T10:00:00.000Z', raison: 'paiement enregistré par l’équipe' } });
    expect(fermee.echeance).toContain('Annulée');
    expect(fermee.demande).toBe('Close le 5 juin 2026 : paiement enregistré par l’équipe');
    const cloture = rendu({ ...demande, closeParClotureLe: '2026-06-05T10:00:00.000Z' });
    expect(cloture.echeance).toContain('Annulée');
    expect(cloture.demande).toBe('Close à la clôture du parcours, le 5 juin 2026');
  });

  it('bilan de mesure IML : le champ « Décision » au premier bilan (6 mois) seulement, pas au bilan à 10 mois qui la refuserait', () => {
    const bilan = (jalon: string, statut: EtatParcours['echeances'][number]['statut']) => ({
      id: `bilan:${jalon}`,
      libelle: `Bilan de mesure à ${jalon}`,
      due: '2027-06-01T00:00:00.000Z',
      statut,
      responsable: 'travailleur_social' as const,
    });
    const formulaire = (echeances: EtatParcours['echeances']) => {
      const h = pageParcours(ctx('ts.alice'), {
        ...autreParcours('iml_bail_glissant', 'concarneau-iml', 'bilan_mesure', 'Bilan de mesure', {}),
        echeances,
      }).valeur;
      const debut = h.indexOf('id="action-bilan-mesure"');
      expect(debut, 'le formulaire du bilan est offert').toBeGreaterThan(0);
      return h.slice(debut, h.indexOf('</details>', debut));
    };
    expect(formulaire([bilan('P6M', 'en_cours')])).toContain('name="decision"');
    expect(formulaire([bilan('P6M', 'tenue'), bilan('P10M', 'en_cours')])).not.toContain('name="decision"');
    expect(formulaire([bilan('P6M', 'tenue'), bilan('P10M', 'depassee')])).not.toContain('name="decision"');
  });

  it('après un enregistrement, la page confirme ce qui a été fait, accords du ménage compris ; rien pour un « fait » inconnu', () => {
    const confirmation = (fait: string) => /<div class="succes" role="status"><p>([^<]+)<\/p>/.exec(pageParcours(ctx('ts.alice'), etat, { fait }).valeur)?.[1];
    // Le titre du formulaire sans sa précision entre parenthèses.
    expect(confirmation('tentative-contact')).toBe('Enregistré : Tentative de contact.');
    expect(confirmation('consentement-partage')).toBe('Enregistré : Accord du ménage pour le partage de son diagnostic.');
    expect(confirmation('retrait-consentement-partage')).toBe('Enregistré : Retrait de l’accord du ménage : son diagnostic n’est plus partagé.');
    expect(confirmation('contact-menage')).toBe('Enregistré : Accord du ménage pour recevoir des SMS.');
    expect(confirmation('retrait-contact-menage')).toBe('Enregistré : Le ménage ne reçoit plus de SMS.');
    expect(confirmation('plan-aide')).toBe('Enregistré : Plan d’aide contractualisé.');
    // Toulouse : le plan attend la validation du référent du bailleur ; il n'est pas encore contractualisé.
    const aValider = /<div class="succes" role="status"><p>([^<]+)<\/p>/.exec(
      pageParcours(ctx('ts.alice'), { ...etat, etape: 'validation_bailleur' }, { fait: 'plan-aide' }).valeur,
    )?.[1];
    expect(aValider).toBe('Enregistré : Plan d’aide, à valider avec le conseiller référent du bailleur.');
    expect(confirmation('nimporte-quoi')).toBeUndefined();
    // Qui a noté l'accord, et quand : « noté par …, le … ».
    const accord = { accorde: true, par: 'ts.alice', le: '2026-12-03T09:30:00.000Z' };
    const contact = pageParcours(ctx('ts.alice'), etat, { contact: { courriel: accord, sms: { accorde: false }, courrier: { accorde: false } } }).valeur;
    expect(contact).toMatch(/Courriels : acceptés \(noté par Alice Travailleuse, le 3 déc\. 2026, 10:30\)\./);
    // Des SMS acceptés sans les courriels : un SMS à la place de chaque courriel, et la page le dit.
    const smsSeuls = pageParcours(ctx('ts.alice'), etat, { contact: { courriel: { accorde: false }, sms: accord, courrier: { accorde: false } } }).valeur;
    expect(smsSeuls).toContain(
      'Le ménage n’accepte pas les courriels : à leur place, un SMS court, sans détail, lui dit qu’un courrier lui est adressé ou qu’il y a du nouveau, avec le téléphone de l’opérateur. Aucun ne part entre 20 h et 8 h, le dimanche ni un jour férié : il attend alors 8 h.',
    );
    // Aucun SMS accepté : rien à dire de leurs heures.
    expect(contact).not.toContain('Aucun ne part entre 20 h et 8 h');
    expect(confirmation('constructor')).toBeUndefined();
    // Clôturé : l'issue dite une fois.
    const close = pageParcours(
      ctx('coord.essai'),
      { ...etat, etape: 'cloture', libelleEtape: 'Clôturé : Clôture anticipée', cloture: { issue: 'cloture_anticipee', le: '2026-12-04T10:00:00.000Z' } },
      { fait: 'cloture-anticipee' },
    ).valeur;
    expect(close).toContain('<p>Le parcours est clôturé : <strong>Clôture anticipée</strong>.</p>');
    expect(close).not.toContain('Étape actuelle : <strong>Clôturé');

    // Tout juste lancé, avant ses premiers courriels : la page dit que les échéances suivent, et comment les voir.
    const neuf = { ...etat, etape: 'information_menage', libelleEtape: 'Lettre d’information au ménage', echeances: [], demandes: [] };
    const suivra = 'Le parcours envoie ses premiers courriels (partenaires, ménage) ; ses échéances s’affichent ensuite';
    expect(pageParcours(ctx('coord.essai'), neuf, { fait: 'lancement' }).valeur).toContain(suivra);
    // Ses échéances déjà là, ou une autre confirmation : rien de tel.
    const avecEcheance = {
      ...neuf,
      echeances: [
        { id: 'contact', libelle: 'Premier contact', due: '2027-01-07T22:59:59.999Z', statut: 'en_cours' as const, responsable: 'travailleur_social' as const },
      ],
    };
    expect(pageParcours(ctx('coord.essai'), avecEcheance, { fait: 'lancement' }).valeur).not.toContain(suivra);
    expect(pageParcours(ctx('coord.essai'), neuf, { fait: 'affectation' }).valeur).not.toContain(suivra);
    // Un travailleur social dont le compte a été désactivé : jamais son identifiant de connexion sur la page.
    const desactive = pageParcours(ctx('coord.essai'), { ...etat, travailleurSocial: 'ts.parti' }).valeur;
    expect(desactive).toContain('<dt>Travailleur social</dt><dd>un membre de l’équipe</dd>');
    expect(desactive).not.toContain('ts.parti');
  });

  it('un message refusé : l’erreur est annoncée une seule fois, dans son formulaire ouvert ; en haut, un lien y mène', () => {
    const h = pageParcours(ctx('ts.alice'), etat, {
      retour: { formulaire: 'tentative-contact', titre: 'Saisie refusée :', messages: ['Indiquez le créneau.'] },
    }).valeur;
    expect(h.match(/role="alert"/g)).toHaveLength(1);
    expect(h).toContain('<a href="#action-tentative-contact">Voir le formulaire</a>');
    const formulaire = h.slice(h.indexOf('id="action-tentative-contact"'));
    expect(formulaire.slice(0, formulaire.indexOf('</form>'))).toContain(
      'role="alert" tabindex="-1" autofocus><p><strong>Saisie refusée :</strong></p><p>Indiquez le créneau.</p>',
    );
  });

  it('un message refusé dont l’étape ne propose plus le formulaire (enregistré d’un autre onglet) : la raison en haut, annoncée, sans lien mort', () => {
    const h = pageParcours(ctx('ts.alice'), etat, {
      retour: { formulaire: 'plan-aide', titre: 'Saisie refusée :', messages: ['Le plan d’aide est déjà enregistré.'] },
    }).valeur;
    expect(h).not.toContain('id="action-plan-aide"');
    expect(h).not.toContain('href="#action-plan-aide"');
    expect(h.match(/role="alert"/g)).toHaveLength(1);
    expect(h).toContain(
      '<div class="erreur" role="alert" tabindex="-1" autofocus><p><strong>Saisie refusée :</strong></p><ul><li>Le plan d’aide est déjà enregistré.</li><li>Ce formulaire n’est plus proposé à l’étape « Aller vers le ménage » : la page montre le parcours tel qu’il est maintenant.</li></ul></div>',
    );
  });

  it('les paiements d’un protocole mois par mois, en mots, et la prochaine vérification ; les libellés sans consigne de saisie', () => {
    const prochaine = 'janvier 2027 : le lundi 1er février 2027 à 9 h, un lien au bailleur pour dire si l’indemnité et la mensualité sont reçues';
    const h = pageParcours(ctx('coord.essai'), {
      ...etat,
      details: {
        paiements: { moisRegles: 1, mois: [{ mois: '2026-12', statut: 'paye', montant: 507.5, attendu: 507.5 }] },
        prochaineVerification: prochaine,
        candidature: { secteurs: ['Concarneau'] },
      },
    }).valeur;
    expect(h).toMatch(/<dt>Mois par mois<\/dt><dd><ul><li>décembre 2026 : payé \(507,50\s€ reçus sur 507,50\s€\)<\/li><\/ul><\/dd>/);
    expect(h).toContain(`<dt>Prochaine vérification du paiement</dt><dd>${prochaine}</dd>`);
    expect(h).toContain('<dt>Secteurs recherchés</dt>');
    expect(h).not.toContain('(un par ligne)');
    expect(h).not.toContain('AAAA-MM');
  });

  it('changer le bailleur d’un ménage : chaque autre bailleur dit sa file active, complète ou dépassée comprise (le changement reste possible)', () => {
    const bailleur = bailleurDe('loiret-ahu');
    const h = pageParcours(ctx('coord.essai'), etat, {
      bailleur: {
        organisation: { id: 'A', nom: 'A' },
        historique: [],
        choix: [bailleur('A', 3, 20), bailleur('B', 20, 20), bailleur('C', 21, 20), bailleur('D', 4, null)],
      },
    }).valeur;
    const debut = h.indexOf('id="bailleur-nouveau"');
    const options = [...h.slice(debut, h.indexOf('</select>', debut)).matchAll(/<option value="([^"]+)">([^<]+)<\/option>/g)].map((m) => [m[1], m[2]]);
    expect(options).toEqual([
      ['B', 'B — 20 ménages suivis sur 20, file complète'],
      ['C', 'C — 21 ménages suivis sur 20, file complète'],
      ['D', 'D'],
    ]);
    expect(h).toContain('Une file active complète ne l’empêche pas (le ménage a changé de logement) : elle dépasse alors son quota.');
    // Sans bailleur à quota (le protocole d'APRIL) : ni file dite, ni phrase sur elle.
    const sansQuota = pageParcours(ctx('coord.essai'), etat, {
      bailleur: { organisation: { id: 'A', nom: 'A' }, historique: [], choix: [bailleur('A', 3, null), bailleur('D', 4, null)] },
    }).valeur;
    expect(sansQuota).toContain('<option value="D">D</option>');
    expect(sansQuota).not.toContain('file active');
  });

  it('coordination : réaffecter ne propose pas la personne déjà affectée ; la clôture anticipée se confirme', () => {
    const h = pageParcours(ctx('coord.essai'), etat).valeur;
    const choix = h.slice(h.indexOf('id="affectation-ts"'), h.indexOf('</select>', h.indexOf('id="affectation-ts"')));
    expect(choix).not.toContain('value="ts.alice"');
    expect(choix).toContain('value="ts.bruno"');
    expect(h).toContain('<input type="checkbox" id="cloture-confirmation" name="confirmation" value="oui" aria-required="true">');
    // Le travail social clôt aussi avec une confirmation, et un bouton qui dit ce qu'il fait.
    const ts = pageParcours(ctx('ts.alice'), etat).valeur;
    const cloture = ts.slice(ts.indexOf('id="action-cloture"'), ts.indexOf('</details>', ts.indexOf('id="action-cloture"')));
    expect(cloture).toContain('<input type="checkbox" id="m-cloture-confirmation" name="confirmation" value="oui" aria-required="true">');
    expect(cloture).toContain('<button type="submit">Clore le parcours</button>');
  });

  it('IML : les ressources et notes de la candidature, le motif de fin dans la partie confidentielle ; l’adresse du logement trouvé devient celle du ménage', () => {
    const iml: EtatParcours = {
      ...autreParcours('iml_bail_glissant', 'concarneau-iml', 'sous_location', 'Sous-location', {}),
      detailsConfidentiels: {
        menage: { nom: 'M. Essai', composition: 'personne_seule', adresse: 'CHRS Ty Glaz' },
        candidature: { ressourcesMensuelles: 980, notes: 'RSA, suivi addicto' },
        adresseLogement: '5 quai Carnot, 29900 Concarneau',
      },
    };
    const h = pageParcours(ctx('coord.essai'), iml).valeur;
    expect(aDesContenusConfidentiels(iml)).toBe(true);
    expect(h).toContain('Candidature, notes, bilans et évaluations');
    expect(h).toMatch(/<dt>Ressources mensuelles<\/dt><dd>980\s€<\/dd><dt>Notes<\/dt><dd>RSA, suivi addicto<\/dd>/);
    expect(h).toContain('<dt>Adresse</dt><dd>5 quai Carnot, 29900 Concarneau <span class="aide">(le logement sous-loué ; avant : CHRS Ty Glaz)</span></dd>');
  });

  it('IML, logement trouvé : le formulaire dit à qui iront les courriels de la mesure, selon le bailleur du logement', () => {
    const iml = autreParcours('iml_bail_glissant', 'concarneau-iml', 'recherche_logement', 'Recherche d’un logement', {});
    const bailleur = { organisation: { id: 'finistere-habitat', nom: 'Finistère Habitat' }, historique: [], choix: [] };
    const formulaire = (h: string) => h.slice(h.indexOf('id="action-logement"'), h.indexOf('</details>', h.indexOf('id="action-logement"')));
    for (const qui of ['coord.essai', 'ts.alice']) {
      const h = formulaire(pageParcours(ctx(qui), iml, { bailleur }).valeur);
      expect(h, qui).toContain(
        'Les courriels de la mesure (début, bilans, glissement du bail) iront au bailleur du logement : <strong>Finistère Habitat</strong>, le bailleur du ménage, si c’est lui ; un autre bailleur de l’annuaire du programme, nommé ici (la saisie du nom les propose), devient le bailleur du ménage (changement tracé) ; un bailleur hors de l’annuaire (un propriétaire privé, par exemple) les reçoit à l’adresse électronique donnée ci-dessous, obligatoire pour lui',
      );
    }
    // Le nom du bailleur du logement : les bailleurs de l'annuaire du programme proposés pendant la saisie (sans en imposer un).
    const choix = [
      { id: 'finistere-habitat', nom: 'Finistère Habitat', quotaFileActive: null, parcoursOuverts: 0 },
      { id: 'oph-quimper', nom: 'Quimper Bretagne Occidentale Habitat & Co', quotaFileActive: null, parcoursOuverts: 2 },
    ];
    const h = formulaire(pageParcours(ctx('ts.alice'), iml, { bailleur: { ...bailleur, choix } }).valeur);
    expect(h).toMatch(
      /<input type="text" id="m-logement-bailleur-nom" name="bailleur\.nom" value="" autocomplete="off" list="m-logement-bailleur-nom-suggestions"[^>]*>/,
    );
    expect(h).toContain(
      '<datalist id="m-logement-bailleur-nom-suggestions"><option value="Finistère Habitat"></option><option value="Quimper Bretagne Occidentale Habitat &amp; Co"></option></datalist>',
    );
    // Sans bailleur dans l'annuaire, un champ libre, sans liste.
    expect(formulaire(pageParcours(ctx('ts.alice'), iml, { bailleur }).valeur)).not.toContain('datalist');
    // Ailleurs, ni ce formulaire ni cette phrase.
    expect(pageParcours(ctx('coord.essai'), etat, { bailleur }).valeur).not.toContain('Les courriels de la mesure');
  });

  it('IML : le logement chez un propriétaire hors annuaire (avec son adresse) se dit sur la ligne du bailleur ; chez le bailleur du ménage, rien de plus', () => {
    const bailleur = { organisation: { id: 'finistere-habitat', nom: 'Finistère Habitat — agence de Concarneau' }, historique: [], choix: [] };
    const ligne = (chez: string) => {
      const iml = autreParcours('iml_bail_glissant', 'concarneau-iml', 'sous_location', 'Sous-location', {
        logement: { bailleur: chez, typeBailleur: 'prive' },
      });
      const h = pageParcours(ctx('coord.essai'), iml, { bailleur }).valeur;
      return h.slice(h.indexOf('id="bailleur-du-menage"'), h.indexOf('</dd>', h.indexOf('id="bailleur-du-menage"')));
    };
    expect(ligne('M. Kerhervé')).toContain('(le logement sous-loué est chez M. Kerhervé)');
    expect(ligne('Finistère Habitat')).not.toContain('le logement sous-loué est chez');
  });

  it('un parcours sans travailleur social dit que les rappels de ses échéances vont à la coordination ; clos, plus rien', () => {
    const sansTs = { ...etat, travailleurSocial: undefined };
    expect(pageParcours(ctx('coord.essai'), sansTs).valeur).toContain(
      '<dt>Travailleur social</dt><dd><em>non affecté</em> <span class="aide">(les rappels de ses échéances vont à la coordination)</span></dd>',
    );
    const clos = { ...sansTs, cloture: { issue: 'refus' as const, motif: 'x', le: '2026-12-01T10:00:00.000Z', acteur: { type: 'systeme' as const } } };
    expect(pageParcours(ctx('coord.essai'), clos as EtatParcours).valeur).toContain('<dt>Travailleur social</dt><dd><em>non affecté</em></dd>');
  });

  it('une échéance tenue dit quand (deux visites de suite ne se confondent pas)', () => {
    const h = pageParcours(ctx('coord.essai'), {
      ...etat,
      echeances: [
        {
          id: 'visite',
          libelle: 'Visite à domicile',
          due: '2027-01-04T09:00:00.000Z',
          statut: 'tenue',
          tenueLe: '2026-12-04T10:00:00.000Z',
          responsable: 'travailleur_social',
        },
        { id: 'visite', libelle: 'Visite à domicile', due: '2027-01-04T10:00:00.000Z', statut: 'en_cours', responsable: 'travailleur_social' },
      ],
    }).valeur;
    expect(h).toContain('Tenue le 4 décembre 2026');
    expect(h).toContain('À venir');
    expect(h).not.toContain('Tenue en retard');
  });

  it('une échéance tenue après sa date limite est dite tenue en retard', () => {
    const echeance = { id: 'contact', libelle: 'Premier contact avec le ménage', due: '2026-11-20T22:59:59.999Z', responsable: 'travailleur_social' } as const;
    const tard = pageParcours(ctx('coord.essai'), { ...etat, echeances: [{ ...echeance, statut: 'tenue', tenueLe: '2026-12-04T10:00:00.000Z' }] }).valeur;
    expect(tard).toContain('<span class="badge retard">Tenue en retard</span> le 4 décembre 2026');
    const juste = pageParcours(ctx('coord.essai'), { ...etat, echeances: [{ ...echeance, statut: 'tenue', tenueLe: '2026-11-20T22:00:00.000Z' }] }).valeur;
    expect(juste).toContain('Tenue le 20 novembre 2026');
    expect(juste).not.toContain('en retard');
  });

  it('une échéance dépassée dont l’alerte attend les heures ouvrées dit quand la coordination sera alertée', () => {
    const echeance = { id: 'contact', libelle: 'Premier contact avec le ménage', due: '2026-11-20T22:59:59.999Z', responsable: 'travailleur_social' } as const;
    const alerteLe = neufHeuresLe(new Date(Date.now() + 3 * 86_400_000)).toISOString();
    const enAttente = pageParcours(ctx('coord.essai'), {
      ...etat,
      echeances: [{ ...echeance, statut: 'depassee', depasseeLe: '2026-11-20T23:00:00.000Z', alerteLe }],
    }).valeur;
    expect(enAttente).toContain(`<span class="badge retard">Dépassée</span> ; la coordination en sera alertée le ${jourEtHeureEnMots(alerteLe)}`);
    expect(jourEtHeureEnMots(alerteLe)).toMatch(/^[a-z]+ \d+(er)? [a-zéû]+ \d{4} à 9 h$/);
    // Partie (ou son heure passée) : « Dépassée », sans plus.
    for (const sans of [{}, { alerteLe: '2026-11-23T08:00:00.000Z' }]) {
      const h = pageParcours(ctx('coord.essai'), {
        ...etat,
        echeances: [{ ...echeance, statut: 'depassee', depasseeLe: '2026-11-20T23:00:00.000Z', ...sans }],
      }).valeur;
      expect(h).toContain('<span class="badge retard">Dépassée</span>');
      expect(h).not.toContain('en sera alertée');
    }
  });

  it('une échéance dépassée puis annulée (à la clôture) est dite manquée, pas « Annulée »', () => {
    const echeance = { id: 'contact', libelle: 'Premier contact avec le ménage', due: '2026-11-20T22:59:59.999Z', responsable: 'travailleur_social' } as const;
    const manquee = pageParcours(ctx('coord.essai'), {
      ...etat,
      echeances: [{ ...echeance, statut: 'annulee', depasseeLe: '2026-11-20T23:00:00.000Z' }],
    }).valeur;
    expect(manquee).toContain('<span class="badge retard">Dépassée</span>, jamais tenue');
    expect(manquee).not.toContain('Annulée');
    const sansObjet = pageParcours(ctx('coord.essai'), { ...etat, echeances: [{ ...echeance, statut: 'annulee' }] }).valeur;
    expect(sansObjet).toContain('Annulée');
  });

  it('une liste vide s’accorde : « aucune » orientation, « aucun » axe', () => {
    const h = pageParcours(ctx('coord.essai'), { ...etat, details: { ...etat.details, plan: { actions: ['budget'], orientations: [], axes: [] } } }).valeur;
    expect(h).toContain('<dt>Orientations</dt><dd>aucune</dd>');
    expect(h).not.toContain('<dt>Orientations</dt><dd>aucun</dd>');
  });

  it('un parcours ouvert par une rechute mène au dossier précédent (et l’inverse), nommé par sa référence', () => {
    const h = pageParcours(ctx('coord.essai'), { ...etat, details: { ...etat.details, parcoursPrecedent: 'loiret-ahu--E-1' } }).valeur;
    expect(h).toContain('<dt>Parcours précédent</dt><dd><a href="/parcours/loiret-ahu--E-1">Dossier E-1</a></dd>');
    // Le titre le dit : même référence, nouveau parcours.
    expect(h).toContain('<h1>Dossier E-1 <span class="aide">(nouveau parcours après une rechute)</span>');
  });

  it('mesure IML : « Début de la sous-location », pas le « premier jour du protocole »', () => {
    const iml = autreParcours('iml_bail_glissant', 'concarneau-iml', 'sous_location', 'Sous-location', {
      mesure: { debut: '2026-12-01T00:00:00.000Z', glissementPrevuLe: '2027-12-01T00:00:00.000Z' },
    });
    const h = pageParcours(ctx('ts.alice'), iml).valeur;
    expect(h).toContain('<dt>Début de la sous-location</dt>');
    // Une fiche-bilan nomme son bilan ; une fiche de clôture ne répète pas son issue.
    const bilan = pageParcours(ctx('ts.alice'), {
      ...iml,
      details: { bilans: [{ jalon: 'P6M', libelle: 'Bilan de mesure à 6 mois', decision: 'poursuivre' }] },
    }).valeur;
    expect(bilan).toContain('<dt>Bilan</dt><dd>Bilan de mesure à 6 mois</dd>');
    const close = pageParcours(ctx('ts.alice'), {
      ...iml,
      etape: 'cloture',
      cloture: { issue: 'situation_stabilisee', le: '2027-01-01T00:00:00.000Z' },
      details: { ficheCloture: { issue: 'situation_stabilisee', libelle: 'Situation stabilisée', motif: 'Loyer repris' } },
    }).valeur;
    expect(close).not.toContain('Issue retenue');
    expect(h).not.toContain('protocole');
  });

  it('la clôture ne propose que les issues possibles là où en est le parcours (avant le contact : ni situation stabilisée ni plan respecté)', () => {
    const h = pageParcours(ctx('ts.alice'), etat).valeur;
    const cloture = h.slice(h.indexOf('id="action-cloture"'));
    const options = [...cloture.slice(0, cloture.indexOf('</select>')).matchAll(/<option value="([a-z_]+)"/g)].map((m) => m[1]);
    expect(options).toContain('contact_impossible');
    expect(options).not.toContain('plan_apurement_respecte');
    expect(options).not.toContain('situation_stabilisee');
  });

  it('la visite à domicile encore attendue après un contact par téléphone (besancon-ccas) : un formulaire « Visite à domicile prévue » au diagnostic, sans choix du canal ; plus rien une fois la visite notée', () => {
    const diagnostic: EtatParcours = {
      ...etat,
      etape: 'diagnostic',
      libelleEtape: 'Diagnostic',
      journal: [
        {
          seq: 1,
          date: '2026-01-02T00:00:00.000Z',
          type: 'visite_attendue',
          acteur: { type: 'systeme' },
          resume: 'Contact établi sans visite',
          visibilite: 'equipe',
        },
      ],
    };
    const h = pageParcours(ctx('ts.alice'), diagnostic).valeur;
    expect([...h.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1])).toEqual(['tentative-contact', 'diagnostic', 'cloture']);
    const visite = h.slice(h.indexOf('id="action-tentative-contact"'), h.indexOf('id="action-diagnostic"'));
    expect(visite).toContain('<summary>Visite à domicile prévue</summary>');
    expect(visite).toContain('<input type="hidden" name="canal" value="visite_domicile">');
    expect(visite).not.toContain('name="canal" aria');
    expect(visite).not.toMatch(/<select[^>]*name="canal"/);
    const faite = pageParcours(ctx('ts.alice'), { ...diagnostic, details: { ...diagnostic.details, visiteDomicileLe: '2026-01-05T00:00:00.000Z' } }).valeur;
    expect([...faite.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1])).toEqual(['diagnostic', 'cloture']);
  });

  it('l’attente d’une place IML en jours, l’unité dans la valeur : « aucune », « 1 jour », « 12 jours »', () => {
    const avecAttente = (attenteJours: number) =>
      pageParcours(ctx('ts.alice'), {
        ...etat,
        details: { ...etat.details, place: { demandeeLe: '2026-03-02T09:00:00.000Z', accordeeLe: '2026-03-14T09:00:00.000Z', attenteJours } },
      }).valeur;
    expect(avecAttente(0)).toContain('<dt>Attente</dt><dd>aucune</dd>');
    expect(avecAttente(1)).toContain('<dt>Attente</dt><dd>1 jour</dd>');
    expect(avecAttente(12)).toContain('<dt>Attente</dt><dd>12 jours</dd>');
    expect(avecAttente(12)).not.toContain('Attente (jours)');
  });

  it('les documents disponibles à l’étape, à ouvrir ou en PDF : la lettre dès l’orientation, la fiche de clôture une fois clos', () => {
    const base = `/api/parcours/${encodeURIComponent(etat.workflowId)}/documents/`;
    expect(pageParcours(ctx('ts.alice'), etat).valeur).not.toContain('lettre-information'); // pas encore préparée
    const informe: EtatParcours = {
      ...etat,
      details: { ...etat.details, lettreInformation: { le: '2026-01-02T09:00:00.000Z' } },
      detailsConfidentiels: { menage: { nom: 'Mme Essai', adresse: '1 rue du Port, 45000 Orléans' } },
    };
    const ouvert = pageParcours(ctx('ts.alice'), informe).valeur;
    expect(ouvert).toContain(`<a href="${base}lettre-information.pdf" download>PDF</a>`);
    expect(ouvert).not.toContain('fiche-cloture');
    // Au ménage qui n'accepte pas les courriels, la lettre est un courrier : à imprimer et à poster.
    const aPoster = '— le ménage n’accepte pas les courriels : à imprimer et à poster';
    const sansCourriel = { courriel: { accorde: false }, sms: { accorde: true }, courrier: { accorde: false } };
    expect(pageParcours(ctx('ts.alice'), informe, { contact: sansCourriel }).valeur).toContain(
      `<a href="${base}lettre-information.pdf" download>PDF</a> <span class="aide">${aPoster}</span>`,
    );
    expect(pageParcours(ctx('ts.alice'), informe, { contact: { ...sansCourriel, courriel: { accorde: true } } }).valeur).not.toContain(aPoster);
    const clos = pageParcours(ctx('coord.essai'), {
      ...informe,
      etape: 'cloture',
      cloture: { issue: 'refus', le: '2026-02-01T00:00:00.000Z' },
      details: { ...informe.details, ficheCloture: { issue: 'refus', libelle: 'Refus du ménage', le: '2026-02-01T00:00:00.000Z', bilans: [] } },
    }).valeur;
    expect(clos).toContain(`<a href="${base}fiche-cloture.pdf" download>PDF</a>`);
    // Clos : plus rien à poster.
    expect(
      pageParcours(ctx('coord.essai'), { ...informe, etape: 'cloture', cloture: { issue: 'refus', le: '2026-02-01T00:00:00.000Z' } }, { contact: sansCourriel })
        .valeur,
    ).not.toContain(aPoster);
    expect(clos).toContain(`<a href="${base}fiche-cloture">ouvrir</a>`);
  });
  it('les documents que les rapports de terrain nomment, à leur étape : fiche d’orientation, fiche de suivi (et sa version du bailleur), plan d’aide, carnet de route ; livret pour l’IML', () => {
    const base = `/api/parcours/${encodeURIComponent(etat.workflowId)}/documents/`;
    const liens = (h: string) => [...h.matchAll(/<li>([^<]+) : <a href="[^"]+documents\/([a-z-]+)(\?[^"]*)?">ouvrir<\/a>/g)].map((m) => `${m[2]}${m[3] ?? ''}`);
    // Dès l'orientation : la fiche d'orientation seulement.
    expect(liens(pageParcours(ctx('ts.alice'), etat).valeur)).toEqual(['fiche-orientation']);
    const enSuivi: EtatParcours = {
      ...etat,
      etape: 'suivi',
      libelleEtape: 'Suivi du plan',
      details: {
        ...etat.details,
        lettreInformation: { le: '2026-01-02T09:00:00.000Z' },
        contactEtabliLe: '2026-01-10T09:00:00.000Z',
        plan: { actions: ['budget'], orientations: [] },
      },
      detailsConfidentiels: { menage: { nom: 'Mme Essai', adresse: '1 rue du Port, 45000 Orléans' }, carnetDeRoute: ['Déposer la demande FSL'] },
    };
    const h = pageParcours(ctx('ts.alice'), enSuivi).valeur;
    expect(liens(h)).toEqual([
      'lettre-information',
      'fiche-orientation',
      'fiche-suivi-social',
      'fiche-suivi-social?version=partenaires',
      'plan-aide',
      'carnet-de-route',
    ]);
    for (const t of [
      'Fiche d’orientation',
      'Fiche de suivi social : ',
      'Fiche de suivi social (version pour le référent du bailleur)',
      'Plan d’aide à signer avec le ménage',
      'Carnet de route du ménage',
    ])
      expect(h).toContain(t);
    expect(h).toContain(`<a href="${base}plan-aide.pdf" download>PDF</a>`);
    // Le plan refusé, en révision : plus proposé à signer ; le formulaire le reprend, avec la raison du refus.
    const enRevision: EtatParcours = {
      ...enSuivi,
      etape: 'revision_plan',
      libelleEtape: 'Révision du plan d’aide',
      details: {
        ...enSuivi.details,
        plan: { actions: ['budget', 'plan_apurement'], orientations: [], planApurement: { mensualite: 45.5, dureeMois: 18 }, demandeMutation: false },
        revision: { motif: 'Revoir la mensualité avec le pôle recouvrement', le: '2026-02-03T10:00:00.000Z' },
      },
    };
    // Passé au droit commun (le jour même du plan) : plus de point de suivi annoncé ; le service qui prend le relais est nommé.
    const passe: EtatParcours = {
      ...enSuivi,
      etape: 'passage_droit_commun',
      details: { ...enSuivi.details, passageDroitCommun: { service: 'Maison du Département', entretienTripartite: false } },
    };
    const suiviPasse = preparerDocument('carnet-de-route', { etat: passe, programme: CATALOGUE.trouver('loiret-ahu')! } as never, 'menage');
    expect(JSON.stringify(suiviPasse.blocs)).toContain('Votre accompagnement continue avec Maison du Département, qui prend le relais');
    expect(JSON.stringify(suiviPasse.blocs)).not.toContain('nous vous proposerons une date');
    const planPasse = preparerDocument('plan-aide', { etat: passe, programme: CATALOGUE.trouver('loiret-ahu')! } as never, 'menage');
    expect(JSON.stringify(planPasse.blocs)).toContain('Le suivi de ce plan est passé au droit commun : Maison du Département prend le relais.');
    expect(JSON.stringify(planPasse.blocs)).not.toContain('Premier rendez-vous de suivi');
    // L'entretien tripartite n'est demandé que si le programme le prévoit.
    const tripartite = (programmeId: string) =>
      pageParcours(ctx('ts.alice'), { ...enSuivi, programme: { id: programmeId, version: 1, nom: programmeId } }).valeur;
    expect(tripartite('loiret-ahu')).toContain('name="entretienTripartite"');
    expect(tripartite('besancon-ccas')).toContain('id="action-passage-droit-commun"');
    expect(tripartite('besancon-ccas')).not.toContain('name="entretienTripartite"');
    const r = pageParcours(ctx('ts.alice'), enRevision).valeur;
    expect(liens(r)).not.toContain('plan-aide');
    const formulaire = r.slice(r.indexOf('id="action-plan-aide"'), r.indexOf('</form>', r.indexOf('id="action-plan-aide"')));
    expect(formulaire).toMatch(/^id="action-plan-aide" open>/);
    expect(formulaire).toContain('Le plan d’aide n’a pas été validé (le 3 février 2026) : Revoir la mensualité avec le pôle recouvrement.');
    expect(formulaire).toContain('Le formulaire reprend le plan refusé');
    expect(formulaire).toMatch(/value="budget" checked/);
    expect(formulaire).toMatch(/value="plan_apurement" checked/);
    expect(formulaire).toMatch(/name="planApurement\.mensualite"[^>]*value="45[.,]5"|value="45[.,]5"[^>]*name="planApurement\.mensualite"/);
    expect(formulaire).toMatch(/name="planApurement\.dureeMois"[^>]*value="18"|value="18"[^>]*name="planApurement\.dureeMois"/);
    // Ni dans les informations du dossier, ni dans la fiche de suivi, ni dans le carnet du ménage, le plan
    // refusé n'est présenté comme le plan en vigueur.
    expect(r).toContain('Plan d’aide refusé (à revoir avec le ménage)');
    const source = (e: EtatParcours) => ({ etat: e, programme: CATALOGUE.trouver('loiret-ahu')! }) as never;
    expect(JSON.stringify(preparerDocument('fiche-suivi-social', source(enRevision), 'equipe').blocs)).toContain(
      'Le plan d’aide est en cours de révision (Revoir la mensualité avec le pôle recouvrement).',
    );
    const carnetRevision = JSON.stringify(preparerDocument('carnet-de-route', source(enRevision), 'menage').blocs);
    expect(carnetRevision).not.toContain('Signature de votre plan d’aide');
    expect(carnetRevision).not.toContain('Rembourser la dette de loyer');
    // Clôturé pendant la révision : le plan refusé n'est toujours pas proposé à signer.
    const planDu = (date: string): EtatParcours['journal'][number] => ({
      seq: 90,
      date,
      type: 'plan_aide',
      acteur: { type: 'personnel', id: 'ts.alice', role: 'travailleur_social' },
      resume: 'Plan d’aide contractualisé avec le ménage',
      visibilite: 'partenaires',
    });
    const closEnRevision: EtatParcours = {
      ...enRevision,
      etape: 'cloture',
      libelleEtape: 'Clôturé : Refus du ménage',
      cloture: { issue: 'refus', le: '2026-02-10T10:00:00.000Z' },
      journal: [...enRevision.journal, planDu('2026-02-01T10:00:00.000Z')],
    };
    expect(liens(pageParcours(ctx('ts.alice'), closEnRevision).valeur)).not.toContain('plan-aide');
    expect(() => preparerDocument('plan-aide', source(closEnRevision), 'menage')).toThrow(
      'Le plan d’aide enregistré n’a pas été validé (Revoir la mensualité avec le pôle recouvrement) : le parcours a été clôturé avant sa révision, il n’y a pas de plan d’aide à signer.',
    );
    // Le plan revu, enregistré après le refus, est le plan à signer.
    const revu: EtatParcours = {
      ...enRevision,
      etape: 'suivi',
      libelleEtape: 'Suivi du plan',
      journal: [...enRevision.journal, planDu('2026-02-05T10:00:00.000Z')],
    };
    expect(liens(pageParcours(ctx('ts.alice'), revu).valeur)).toContain('plan-aide');
    expect(pageParcours(ctx('ts.alice'), revu).valeur).not.toContain('Plan d’aide refusé');
    const iml: EtatParcours = {
      ...etat,
      workflowId: 'concarneau-iml--I-1',
      typeParcours: 'iml_bail_glissant',
      programme: { id: 'concarneau-iml', version: 1, nom: 'Concarneau' },
      etape: 'validation_siao',
      libelleEtape: 'Validation de la candidature par la commission SIAO',
      echeances: [],
      details: {},
    };
    expect(liens(pageParcours(ctx('coord.essai'), iml).valeur)).toEqual(['livret-iml']);
  });

  it('protocole en cours : « paiement constaté », accompagnement, avenant… avec des champs libellés en français', () => {
    const protocole: EtatParcours = {
      ...etat,
      workflowId: 'reims-april-protocole--P-1',
      typeParcours: 'protocole_post_resiliation',
      programme: { id: 'reims-april-protocole', version: 1, nom: 'Reims' },
      etape: 'suivi_protocole',
      libelleEtape: 'Protocole en cours',
      echeances: [],
      details: {},
    };
    const h = pageParcours(ctx('ts.alice'), protocole).valeur;
    expect([...h.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1])).toEqual([
      'accompagnement',
      'paiement',
      'avenant',
      'orientation',
      'cloture',
    ]);
    expect(h).toContain('<label for="m-paiement-mois">Mois <span class="aide">(obligatoire)</span>');
    expect(h).toContain('<input type="month" id="m-paiement-mois" name="mois"');
    expect(h).toContain('<option value="paye">Payé</option>');
    expect(h).toMatch(/<label for="m-paiement-montant">Montant reçu \(€\)/);
    // Chaque champ rendu a son libellé associé.
    const ids = [...h.matchAll(/<(?:input|select|textarea) (?:type="[a-z]+" )?(?:inputmode="[a-z]+" )?id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(h, id).toContain(`for="${id}"`);
  });
});

describe('dates', () => {
  it('le premier du mois s’écrit « 1er » (Intl écrit « 1 ») ; le 11 et le 21 restent', () => {
    expect(dateFr('2026-10-01T10:00:00Z')).toBe('1er octobre 2026');
    expect(dateHeureFr('2026-10-01T10:00:00Z')).toBe('1er oct. 2026, 12:00');
    expect(dateFr('2026-10-11T10:00:00Z')).toBe('11 octobre 2026');
    expect(dateFr('2026-10-21T10:00:00Z')).toBe('21 octobre 2026');
    // Minuit à Paris le 1er, encore le 30 en UTC.
    expect(dateFr('2026-11-30T23:30:00Z')).toBe('1er décembre 2026');
    expect(premierDuMois('lundi 1 décembre 2025 à 10:00')).toBe('lundi 1er décembre 2025 à 10:00');
  });
});

describe('mots', () => {
  it('« à » et « de » devant un nom : « au Foyer Rémois », « d’Anne Moreau » ; « T1 bis »', () => {
    const cas: Array<['à' | 'de', string, string]> = [
      ['à', 'Le Foyer Rémois', 'au Foyer Rémois'],
      ['de', 'Les Compagnons', 'des Compagnons'],
      ['de', 'Anne Moreau', 'd’Anne Moreau'],
      ['de', 'Sophie Martin', 'de Sophie Martin'],
      ['à', 'La Maison du Port', 'à La Maison du Port'],
      ['à', 'Opac de Quimper', 'à Opac de Quimper'],
    ];
    for (const [preposition, nom, attendu] of cas) expect(devantUnNom(preposition, nom)).toBe(attendu);
    expect(libelleTypologie('T1bis')).toBe('T1 bis');
  });
});

describe('réglages d’un programme', () => {
  it('un formulaire refusé : chaque erreur à côté de son champ (aria), la raison précise d’un nombre de durée illisible, un lien du résumé vers le champ', () => {
    const p = CATALOGUE.trouver('toulouse-declic')!;
    expect(raisonNombreDuree('12')).toBeUndefined();
    expect(raisonNombreDuree('')).toBe('indiquez un nombre');
    expect(raisonNombreDuree('-3')).toBe('un nombre positif, sans signe');
    expect(raisonNombreDuree('1,5')).toContain('un nombre entier : pour une durée plus fine, choisissez une unité plus petite');
    expect(raisonNombreDuree('12345')).toBe('4 chiffres au plus');
    expect(raisonNombreDuree('cinq')).toBe('un nombre entier, écrit en chiffres');
    const formulaire = { 'delais.diagnostic.nombre': '1,5', 'delais.diagnostic.unite': 'mois', 'quotas.etpAccompagnement': 'x' };
    // L'API ne voit qu'une durée illisible ; le formulaire dit pourquoi.
    const retour = erreursDuFormulaire(p, formulaire, [
      { champ: 'delais.diagnostic', message: 'durée invalide : un nombre et une unité (jours, semaines, mois…)' },
      { champ: 'jalons.pointsSuivi.1', message: 'durée invalide' },
      { champ: 'motif', message: 'champ obligatoire' },
      { champ: 'versionAttendue', message: 'version attendue' },
    ]);
    expect(retour.erreurs).toEqual({
      'delais.diagnostic': expect.stringContaining('un nombre entier : pour une durée plus fine'),
      'jalons.pointsSuivi': 'durée invalide',
      motif: 'champ obligatoire',
    });
    expect(retour.messages).toEqual(['version attendue']);
    const h = pageReglages(ctx('coord.essai'), { programme: p, versions: [] }, { retour: { ...retour, valeurs: formulaire } }).valeur;
    expect(h).toContain('<a href="#delais-diagnostic-n">Diagnostic social : un nombre entier : pour une durée plus fine');
    expect(h).toContain('<a href="#jalons-pointsSuivi">');
    expect(h).toContain('<a href="#motif">Pourquoi ce changement : champ obligatoire</a>');
    expect(h).toMatch(
      /<input id="delais-diagnostic-n" name="delais.diagnostic.nombre" inputmode="numeric" value="1,5" size="4" aria-invalid="true" aria-describedby="delais-diagnostic-erreur">/,
    );
    expect(h).toContain('<p class="message-erreur" id="delais-diagnostic-erreur">un nombre entier : pour une durée plus fine');
    expect(h).toMatch(/id="motif" name="motif" value="" aria-required="true" aria-invalid="true" aria-describedby="motif-erreur"/);
    // Un nombre décimal s'écrit avec une virgule (0,7 ETP à Concarneau).
    expect(pageReglages(ctx('coord.essai'), { programme: CATALOGUE.trouver('concarneau-iml')!, versions: [] }).valeur).toMatch(
      /id="quotas-etpAccompagnement" name="quotas.etpAccompagnement" inputmode="decimal" value="0,7"/,
    );
    // Sans erreur, aucun champ n'est marqué.
    expect(pageReglages(ctx('coord.essai'), { programme: p, versions: [] }).valeur).not.toContain('aria-invalid');
    // La page dit comment se lit le délai d'un partenaire (jusqu'au soir d'un jour ouvré).
    expect(pageReglages(ctx('coord.essai'), { programme: p, versions: [] }).valeur).toContain(
      'est attendue jusqu’au soir du jour où tombe son délai, ou du premier jour ouvré qui suit',
    );
  });
});

describe('simuler l’année d’un programme', () => {
  const admin = { ...PERSONNEL[0]!, id: 'admin.essai', nom: 'Administration Essai', role: 'admin' as const, programmes: [] };
  const ctxAdmin: Contexte = { deps, personne: admin, csrf: 'jeton-csrf', chemin: '/simulations' };
  const texteVisible = (h: string) => h.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  const simulation = (s: Partial<Simulation>): Simulation => ({
    id: '00000000-0000-4000-8000-000000000002',
    programmes: [
      {
        id: 'besancon-ccas',
        nom: 'CCAS de Besançon',
        typeParcours: 'prevention_precontentieuse',
        version: 1,
        menages: 6,
        definition: CATALOGUE.trouver('besancon-ccas')!,
      },
    ],
    graine: 3,
    options: { enRetard: 1 },
    statut: 'terminee',
    etapesFaites: 0,
    etapesTotal: null,
    message: null,
    rapport: null,
    erreur: null,
    demandeePar: 'coord.essai',
    demandeeLe: new Date('2026-12-04T09:30:00Z'),
    commenceeLe: null,
    termineeLe: null,
    battementLe: new Date(),
    ...s,
  });

  it('le formulaire : chaque programme du catalogue avec son type en mots ; sans moteur sur le serveur, la raison à la place du formulaire', () => {
    const h = pageSimulations(ctxAdmin, { programmes: CATALOGUE.tous(), simulations: [] }).valeur;
    expect(h).toContain('<form method="post" action="/simulations" novalidate>');
    expect(h).toContain('IML sortie de structure, bail glissant — Concarneau (Finistère) — 0,70 ETP prévus');
    expect(h).toContain('name="menages-toulouse-declic" value="20"');
    // Chaque champ a son libellé.
    const ids = [...h.matchAll(/<input type="(?:text|checkbox)"[^>]* id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBe(CATALOGUE.tous().length * 2 + 3);
    for (const id of ids) expect(h, id).toContain(`for="${id}"`);
    const sans = pageSimulations(ctxAdmin, {
      programmes: CATALOGUE.tous(),
      simulations: [],
      indisponible: 'Le programme Temporal (CLI) n’est pas installé.',
    }).valeur;
    expect(sans).not.toContain('<form method="post" action="/simulations"');
    expect(sans).toContain('La simulation n’est pas disponible sur ce serveur.</strong> Le programme Temporal (CLI) n’est pas installé.');
  });

  it('en cours : une barre d’avancement et ce qui se passe ; terminée : le bilan en français, sans code', () => {
    const enCours = pageSimulation(
      ctxAdmin,
      simulation({ statut: 'en_cours', etapesFaites: 30, etapesTotal: 120, message: '30 étapes jouées sur 120 prévues.' }),
    ).valeur;
    expect(enCours).toContain('<progress max="120" value="30" aria-labelledby="sim-avancement">25 %</progress>');
    expect(enCours).toContain('25 % des étapes jouées.');
    // L'actualisation automatique se choisit, et s'arrête d'un lien.
    expect(enCours).toMatch(/<a href="\/simulations\/[^"?]+\?suivre=oui">Suivre l’avancement/);
    // Le temps qui reste, au rythme déjà pris : 30 étapes en 2 minutes, 90 à jouer → environ 6 minutes.
    expect(enCours).not.toContain('Fin estimée');
    const commencee = new Date('2026-12-04T09:31:00Z');
    const rythme = (faites: number, total: number, ms: number) =>
      pageSimulation(
        ctxAdmin,
        simulation({ statut: 'en_cours', etapesFaites: faites, etapesTotal: total, commenceeLe: commencee, battementLe: new Date(commencee.getTime() + ms) }),
      ).valeur;
    expect(rythme(30, 120, 120_000)).toContain('Fin estimée dans environ 6 minutes, au rythme des étapes déjà jouées.');
    expect(rythme(2100, 42_000, 900_000)).toContain('Fin estimée dans environ 4 h 45, au rythme des étapes déjà jouées.');
    expect(rythme(110, 120, 60_000)).toContain('Fin estimée dans moins d’une minute');
    // Trop peu d'étapes pour en juger : rien.
    expect(rythme(10, 1000, 60_000)).not.toContain('Fin estimée');
    const suivie = pageSimulation(ctxAdmin, simulation({ statut: 'en_cours', etapesFaites: 30, etapesTotal: 120 }), true).valeur;
    expect(suivie).toMatch(/Cette page se recharge toutes les 5 secondes\. <a href="\/simulations\/[^"?]+">Arrêter l’actualisation automatique<\/a>/);
    const fin = pageSimulation(ctxAdmin, simulation({ rapport: rapportFictif() })).valeur;
    expect(fin).toMatch(/ETP<\/strong> ; le programme prévoit 0,50 ETP\. Il faut \d+ travailleurs? soci(?:al|aux) à \d,\d\d ETP\./);
    expect(fin.match(/<th scope="row" role="rowheader">\d{1,2}(?:er)? [a-zéû]+\.? \d{4}<\/th>/g)).toHaveLength(52);
    expect(fin).toContain(
      '<th scope="row" role="rowheader">Premier contact avec le ménage</th><td role="cell" data-label="Qui en répond">Travailleur social</td>',
    );
    expect(fin).toContain(
      'Travailleur social 1 — CCAS de Besançon — prévention des impayés (commission impayés) <span class="aide">(parfois en retard)</span>',
    );
    expect(fin).toContain('Des hypothèses à ajuster.');
    // Sans équipe demandée : l'ETP prévu de chaque programme, et un travailleur social pour qui n'en prévoit pas.
    expect(texteVisible(fin)).toContain(
      'Équipe l’ETP prévu de chaque programme, arrondi au-dessus (un travailleur social pour un programme qui n’en prévoit pas), dont 1 parfois en retard',
    );
    for (const code of ['besancon-ccas', 'ts.', 'travailleur_social', 'situation_stabilisee', 'visite_domicile', 'partJoints', 'undefined', 'NaN'])
      expect(texteVisible(fin), code).not.toContain(code);
  });
});

/** Un bailleur de l'annuaire pour les pages : sa file active et son quota. */
const bailleurDe =
  (programmeId: string) =>
  (id: string, parcoursOuverts: number, quotaFileActive: number | null): Organisation => ({
    id,
    programmeId,
    type: 'bailleur_social',
    nom: id,
    quotaFileActive,
    actif: true,
    contacts: [],
    parcoursOuverts,
  });

describe('formulaire de lancement', () => {
  it('chaque bailleur à quota dit sa file active, accordée : « 0 ménage suivi », « 1 ménage suivi », « 12 ménages suivis »', () => {
    const programme = CATALOGUE.trouver('reims-april')!;
    const bailleur = bailleurDe(programme.id);
    const { affectation } = champsLancement(ctx('coord.essai'), programme, [
      bailleur('A', 0, 20),
      bailleur('B', 1, 20),
      bailleur('C', 12, 20),
      bailleur('D', 3, null),
      bailleur('E', 20, 20),
    ]);
    expect(affectation[0]!.options!.map((o) => o.libelle)).toEqual([
      'A — 0 ménage suivi sur 20',
      'B — 1 ménage suivi sur 20',
      'C — 12 ménages suivis sur 20',
      'D',
      'E — 20 ménages suivis sur 20, file complète',
    ]);
  });

  it('IML : le bailleur se dit celui chez qui un logement est recherché, remplacé par celui du logement trouvé', () => {
    const iml = CATALOGUE.trouver('concarneau-iml')!;
    const bailleur = bailleurDe(iml.id);
    const aide = (programme: typeof iml) =>
      champsLancement(ctx('coord.essai'), programme, [bailleur('A', 0, null), bailleur('B', 0, null)]).affectation[0]!.aide;
    expect(aide(iml)).toBe(
      'Celui chez qui un logement est recherché : ses contacts recevront les courriels de la mesure. Le logement trouvé chez un autre bailleur de l’annuaire, celui-ci devient le bailleur du ménage.',
    );
    expect(aide(CATALOGUE.trouver('reims-april')!)).toBe('Les courriels destinés au bailleur iront à ses contacts seulement.');
  });
});

describe('formulaire de lancement : les champs du programme', () => {
  const noms = (champs: Champ[]): string[] => champs.flatMap((c) => [c.nom, ...noms(c.enfants ?? [])]);
  const propresABesancon = ['donnees.designeLe', 'donnees.situation.isole', 'donnees.situation.gardeParServiceSocialDepartement'];

  it('la désignation par la commission, le ménage isolé et le partage avec le service social : seulement pour besancon-ccas', () => {
    const besancon = noms(champsLancement(ctx('coord.essai'), CATALOGUE.trouver('besancon-ccas')!, []).donnees);
    expect(besancon).toEqual(expect.arrayContaining(propresABesancon));
    // « Ménage isolé » dit ce qu'il veut dire (fiche 000) : une personne seule ou un couple l'est déjà par sa composition.
    expect(pageLancement(ctx('coord.essai'), CATALOGUE.trouver('besancon-ccas')!, []).valeur).toContain(
      'Au sens du programme, « ménages sans enfants, personnes seules » : une personne seule ou un couple l’est déjà par sa composition (prioritaire)',
    );
    for (const id of ['loiret-ahu', 'toulouse-declic', 'reims-april']) {
      const champs = noms(champsLancement(ctx('coord.essai'), CATALOGUE.trouver(id)!, []).donnees);
      expect(champs.filter((n) => propresABesancon.includes(n))).toEqual([]);
      expect(champs).toContain('donnees.situation.impayesMois');
    }
    // Le signalement du bailleur, dont les délais partent : loiret-ahu seulement (fiche 002), avec son libellé.
    expect(besancon).not.toContain('donnees.signaleLe');
    expect(noms(champsLancement(ctx('coord.essai'), CATALOGUE.trouver('loiret-ahu')!, []).donnees)).toContain('donnees.signaleLe');
    expect(pageLancement(ctx('coord.essai'), CATALOGUE.trouver('loiret-ahu')!, []).valeur).toContain('Date du signalement de l’impayé par le bailleur');
  });

  it('les erreurs du lancement résumées en tête : chaque champ, son libellé et sa raison, avec un lien vers lui', () => {
    const h = pageLancement(ctx('coord.essai'), CATALOGUE.trouver('besancon-ccas')!, [], {
      erreurs: { 'menage.nom': 'champ obligatoire', 'donnees.situation.montantDette': 'nombre attendu (par exemple 12 ou 812,40)' },
      autres: ['Un parcours existe déjà pour ce ménage dans ce programme.'],
    }).valeur;
    const resume = h.slice(h.indexOf('Le parcours n’a pas été lancé'), h.indexOf('</div>', h.indexOf('Le parcours n’a pas été lancé')));
    expect(resume).toContain('<li>Un parcours existe déjà pour ce ménage dans ce programme.</li>');
    expect(resume).toMatch(/<a href="#lancement-menage-nom">[^<]+ : champ obligatoire<\/a>/);
    expect(resume).toMatch(/<a href="#lancement-donnees-situation-montantDette">[^<]+ : nombre attendu/);
    // Chaque lien mène à un champ de la page.
    for (const [, id] of resume.matchAll(/href="#([^"]+)"/g)) expect(h).toContain(`id="${id}"`);
  });

  it('un bail qui commence demain (jour de Paris) avec des impayés : la raison sous la date de début du bail, à 0 h 30 à Paris (horloge simulée)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // 0 h 30 le 30 mars 2031 à Paris (heure d'été depuis la nuit), encore le 29 en UTC : « demain » est le 31.
      vi.setSystemTime(new Date('2031-03-29T23:30:00Z'));
      const programme = CATALOGUE.trouver('loiret-ahu')!;
      const c = champsLancement(ctx('coord.essai'), programme, []);
      const refus = (debutBail: string) => {
        const situation = { impayesMois: 2, montantDette: 640.2, debutBail, garantie: 'aucune', contactBailleur: false, suiviParServiceSocial: false };
        try {
          analyser(REGISTRE.prevention_precontentieuse!.schemaLancement, { situation }, 'donnees');
          return [];
        } catch (e) {
          if (!(e instanceof Probleme)) throw e;
          return e.opts.errors ?? [];
        }
      };
      // Le bail commencé aujourd'hui à Paris (le 29 en UTC serait « hier ») : accepté.
      expect(refus('2031-03-30')).toEqual([]);
      const saisie = { 'donnees.situation.debutBail': '2031-03-31', 'donnees.situation.impayesMois': '2' };
      const { parChamp, autres } = rangerErreurs([...c.affectation, ...c.menage, ...c.donnees], refus('2031-03-31'), saisie);
      expect(autres).toEqual([]);
      const h = pageLancement(ctx('coord.essai'), programme, [], { valeurs: saisie, erreurs: parChamp }).valeur;
      expect(h).toMatch(
        /<p class="message-erreur" id="lancement-donnees-situation-debutBail-erreur">le bail commence le 31 mars 2031 : il ne peut pas encore avoir de loyers impayés/,
      );
      expect(h).toMatch(/<input[^>]*id="lancement-donnees-situation-debutBail"[^>]*aria-invalid="true"/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('« (facultatif) » une seule fois après le libellé de la date de désignation', () => {
    const h = pageLancement(ctx('coord.essai'), CATALOGUE.trouver('besancon-ccas')!, []).valeur;
    expect(h).toContain('Date de désignation par la commission impayés');
    expect(h).not.toMatch(/facultatif\)[^<]*\(facultatif/);
    expect(h.match(/Date de désignation[^]*?<\/label>/)![0].match(/facultatif/g)).toHaveLength(1);
  });

  it('protocole : les deux signatures se demandent de la même façon', () => {
    const champs = champsDe(REGISTRE.protocole_post_resiliation!.messages['signature-protocole']!.schema);
    expect(champs.find((c) => c.nom === 'signataires')!.enfants!.map((c) => c.libelle)).toEqual(['Signé par le bailleur ?', 'Signé par l’occupant ?']);
  });

  it('IML : dans la candidature (facultative au lancement), ses champs obligatoires le sont « si vous la remplissez » ; les cases exigées le disent', () => {
    const h = pageLancement(ctx('coord.essai'), CATALOGUE.trouver('concarneau-iml')!, []).valeur;
    const candidature = h.slice(h.indexOf('<legend>Candidature'), h.indexOf('</fieldset>', h.indexOf('<legend>Candidature')));
    expect(candidature).toContain('(facultatif)</legend>');
    expect(candidature).not.toContain('(obligatoire)');
    expect(candidature).toMatch(/Structure[^<]*<span class="aide">\(obligatoire si vous remplissez « Candidature »\)<\/span><\/label>/);
    expect(candidature).toMatch(/prêt à sortir[^<]*<span class="aide">\(obligatoire si vous remplissez « Candidature »\)<\/span><\/label>/);
  });
});

describe('page des programmes', () => {
  it('« Orientations reçues » seulement pour la prévention (les autres programmes n’en reçoivent pas) ; la file IML pour l’IML', () => {
    const admin = { ...PERSONNEL[0]!, id: 'admin.essai', nom: 'Administration Essai', role: 'admin' as const, programmes: [] };
    const h = pageProgrammes({ deps, personne: admin, csrf: 'jeton-csrf', chemin: '/programmes' }).valeur;
    const carte = (id: string) => h.slice(h.indexOf(`id="prog-${id}"`), h.indexOf('</section>', h.indexOf(`id="prog-${id}"`)));
    expect(carte('loiret-ahu')).toContain('/programmes/loiret-ahu/orientations');
    expect(carte('concarneau-iml')).not.toContain('/orientations');
    expect(carte('concarneau-iml')).toContain('/programmes/concarneau-iml/file-iml');
    expect(carte('reims-april-protocole')).not.toContain('/orientations');
  });
});

describe('annuaire des partenaires', () => {
  it('la file active de chaque bailleur, accordée : « 1 ménage suivi pour 1 place », « 1 200 ménages suivis pour 1 500 places »', () => {
    const programme = CATALOGUE.trouver('reims-april')!;
    const bailleur = bailleurDe(programme.id);
    const page = String(pageAnnuaire(ctx('coord.essai'), programme, [bailleur('A', 1, 1), bailleur('B', 1200, 1500), bailleur('C', 0, null)]));
    const texte = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(texte).toContain('File active : 1 ménage suivi pour 1 place.');
    // (l'espace fine des milliers devient une espace ordinaire dans `texte`)
    expect(texte).toContain('File active : 1 200 ménages suivis pour 1 500 places.');
    expect(texte).toContain('File active : 0 ménage suivi (sans limite).');
  });

  it('le dernier contact d’une organisation : la case dit ce qu’elle perd ; celui d’un bailleur ajouté ne se retire pas ; sans contact, la carte le dit', () => {
    const organisation = (programmeId: string, id: string, type: Organisation['type'], contacts: number): Organisation => ({
      id: `${programmeId}--${id}`,
      programmeId,
      type,
      nom: `Organisation ${id}`,
      quotaFileActive: null,
      actif: true,
      contacts: Array.from({ length: contacts }, (_, i) => ({
        id: String(i + 1),
        nom: `Contact ${i + 1}`,
        courriel: `c${i + 1}@essai.example`,
        service: null,
        actif: true,
      })),
      ...(type.startsWith('bailleur') ? { parcoursOuverts: 0 } : {}),
    });
    const texte = (programmeId: string, o: Organisation) =>
      String(pageAnnuaire(ctx('coord.essai'), CATALOGUE.trouver(programmeId)!, [o]))
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
    const loiret = CATALOGUE.trouver('loiret-ahu')!;
    // Le bailleur du programme : ses courriels iront à l'adresse du programme, nommée.
    expect(texte('loiret-ahu', organisation('loiret-ahu', 'bailleur', 'bailleur_social', 1))).toContain(
      `C’est le dernier contact d’Organisation bailleur : je confirme que, sans contact, ses courriels et ses liens iront à l’adresse du programme pour ce partenaire : ${loiret.partenaires.bailleur!.nom}, ${loiret.partenaires.bailleur!.courriel}`,
    );
    // Un bailleur ajouté : pas de bouton, ce qu'il faut faire d'abord.
    const ajoute = texte('loiret-ahu', organisation('loiret-ahu', 'sci', 'bailleur_prive', 1));
    expect(ajoute).not.toContain('Retirer Contact 1');
    expect(ajoute).toContain('pour le retirer, ajoutez d’abord un autre contact');
    expect(texte('loiret-ahu', organisation('loiret-ahu', 'sci', 'bailleur_prive', 2))).toContain('Retirer Contact 1');
    expect(texte('loiret-ahu', organisation('loiret-ahu', 'sci', 'bailleur_prive', 0))).toContain(
      'Aucun contact : les courriels destinés au bailleur de ses ménages vont à la coordination du programme, à lui faire suivre (jamais à un autre bailleur). Ajoutez un contact.',
    );
    // Une association d'un programme de prévention : elle ne pourra plus recevoir de lien d'orientation.
    expect(texte('loiret-ahu', organisation('loiret-ahu', 'asso', 'association', 1))).toContain(
      'je confirme que, sans contact, plus aucun lien pour orienter un ménage ne pourra lui être envoyé',
    );
    // Ailleurs (IML), elle ne reçoit rien du programme : son dernier contact se retire d'un clic.
    const iml = texte('concarneau-iml', organisation('concarneau-iml', 'asso', 'association', 1));
    expect(iml).toContain('Retirer Contact 1');
    expect(iml).not.toContain('je confirme');
    expect(texte('concarneau-iml', organisation('concarneau-iml', 'asso', 'association', 0))).toContain('Aucun contact.');
  });

  it('nombreDe écrit le nombre à la française (espace des milliers) et accorde ses mots', () => {
    expect([nombreDe(0, 'ligne', 'lignes'), nombreDe(1, 'ligne', 'lignes'), nombreDe(2, 'ligne', 'lignes'), nombreDe(1200, 'ligne', 'lignes')]).toEqual([
      '0 ligne',
      '1 ligne',
      '2 lignes',
      '1\u202f200 lignes',
    ]);
  });
});

describe('une erreur devant une page du personnel', () => {
  it('un message que le parcours n’a pas confirmé à temps : la page dit quoi faire, sans « identifiant de requête » ; les autres 503 restent tels quels', async () => {
    const enveloppe = enveloppePages({ journal: pino({ level: 'silent' }) } as unknown as DependancesApi, () => {
      throw new Error('sans session : pas de contexte');
    });
    const app = express();
    app.get(
      '/sans-reponse',
      enveloppe(() => {
        throw new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out waiting for update response');
      }),
    );
    app.get(
      '/indisponible',
      enveloppe(() => {
        throw new Probleme(503, 'Le moteur de parcours (Temporal) est momentanément indisponible. Réessayez dans quelques instants.');
      }),
    );
    const serveur = await new Promise<Server>((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    try {
      const url = `http://127.0.0.1:${(serveur.address() as AddressInfo).port}`;
      const sansReponse = await fetch(`${url}/sans-reponse`);
      expect(sansReponse.status).toBe(503);
      const texte = await sansReponse.text();
      expect(texte).toContain(SAISIE_SANS_REPONSE);
      expect(texte).not.toContain('identifiant de requête');
      const indisponible = await fetch(`${url}/indisponible`);
      expect(indisponible.status).toBe(503);
      expect(await indisponible.text()).toContain('Le moteur de parcours (Temporal) est momentanément indisponible.');
    } finally {
      await new Promise((ok) => serveur.close(ok));
    }
  });
});
