/**
 * Les schémas propres à chaque message de l'API (api/parcours-*.ts), borne par borne : la valeur à
 * la limite passe, celle d'après est refusée avec sa phrase en français, sous le bon champ (le
 * chemin que l'API et le formulaire montrent). Et qui peut envoyer quel message : la table des
 * rôles du registre, que l'API applique (« Votre rôle ne permet pas d’envoyer ce message. »).
 *
 * Les bornes communes (dates, montants, messages génériques de zod) sont dans vraisemblance.test.ts ;
 * les règles d'étape, dans les essais de chaque parcours. Sans serveur : les schémas seuls, lus par
 * `analyser` comme le fait l'API.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { raisonRefusMessage } from '../api/auth';
import { analyser, Probleme } from '../api/problemes';
import { REGISTRE } from '../api/registre-produit';
import { requeteIndicateursSchema } from '../api/routes/indicateurs';
import { seanceSchema } from '../api/schemas-commission';
import { declarationAbsenceSchema } from '../api/schemas-personnel';
import type { Personne } from '../personnel/annuaire';
import type { Echeance, EtatParcours, TypeParcours } from '../domain/vocabulaire';

/** Le jour (AAAA-MM-JJ) à `jours` d'aujourd'hui (heure réelle). */
const jour = (jours: number) => new Date(Date.now() + jours * 86_400_000).toISOString().slice(0, 10);
const texte = (n: number) => 'a'.repeat(n);

const prevention = REGISTRE.prevention_precontentieuse!;
const protocole = REGISTRE.protocole_post_resiliation!;
const iml = REGISTRE.iml_bail_glissant!;

/** Les refus d'une valeur, champ → message (espaces insécables lues comme des espaces) ; {} si elle passe. */
function refus(schema: z.ZodType, valeur: unknown): Record<string, string> {
  try {
    analyser(schema, valeur);
    return {};
  } catch (e) {
    expect(e).toBeInstanceOf(Probleme);
    // Deux erreurs sous un même champ sont gardées toutes deux (« … | … ») : une seule est attendue.
    const parChamp: Record<string, string> = {};
    for (const x of (e as Probleme).opts.errors!) {
      const message = x.message.replace(/[\u00a0\u202f]/g, ' ');
      parChamp[x.champ] = parChamp[x.champ] === undefined ? message : `${parChamp[x.champ]} | ${message}`;
    }
    return parChamp;
  }
}

/** `base` où le champ `chemin` (« a.b.0 ») vaut `valeur` (`undefined` : le champ est retiré). */
function avec(base: Record<string, unknown>, chemin: string, valeur: unknown): Record<string, unknown> {
  const copie = structuredClone(base);
  const cles = chemin.split('.');
  let o: Record<string, unknown> = copie;
  for (const c of cles.slice(0, -1)) o = o[c] as Record<string, unknown>;
  if (valeur === undefined) delete o[cles.at(-1)!];
  else o[cles.at(-1)!] = valeur;
  return copie;
}

/**
 * Une borne : chaque valeur de `passe` est acceptée ; chaque `[valeur, message]` de `refuse` est
 * refusée sous le champ `chemin` (ou `champ`, quand l'erreur porte ailleurs) avec ce message, et
 * rien d'autre.
 */
function borne(
  schema: z.ZodType,
  base: Record<string, unknown>,
  chemin: string,
  o: { passe?: unknown[]; refuse: [unknown, string | RegExp][]; champ?: string },
) {
  expect(refus(schema, base), 'la valeur de base passe').toEqual({});
  for (const v of o.passe ?? []) expect(refus(schema, avec(base, chemin, v)), `${chemin} = ${JSON.stringify(v)?.slice(0, 40)}`).toEqual({});
  for (const [v, message] of o.refuse)
    expect(refus(schema, avec(base, chemin, v)), `${chemin} = ${JSON.stringify(v)?.slice(0, 40)}`).toEqual({
      [o.champ ?? chemin]: typeof message === 'string' ? message : expect.stringMatching(message),
    });
}

const FUTUR = /^date à venir : ce fait n’a pas encore eu lieu/;
const LOINTAIN = /ne peut pas commencer plus de 6 mois après aujourd’hui/;

// ---------------------------------------------------------------------------------------------
describe('protocole post-résiliation : chaque message, ses bornes', () => {
  const m = protocole.messages;
  const resiliation = protocole.schemaLancement;

  it('la résiliation au lancement : juridiction de 2 à 120 caractères, un champ mal nommé refusé (pas ignoré)', () => {
    const base = { resiliation: { jugementDu: jour(-60), juridiction: 'TJ de Reims', detteLocative: 3240 } };
    borne(resiliation, base, 'resiliation.juridiction', {
      passe: ['TJ', texte(120), undefined],
      refuse: [
        [' a ', '2 caractères au moins'],
        [texte(121), '120 caractères au plus'],
      ],
    });
    // « jugementLe » au lieu de « jugementDu » : refusé en le nommant, pas perdu en silence.
    expect(refus(resiliation, avec(base, 'resiliation.jugementLe', jour(-60)))).toEqual({ 'resiliation.jugementLe': 'champ non reconnu' });
    borne(resiliation, base, 'resiliation.detteLocative', { passe: [0, 1_000_000], refuse: [[-1, 'le montant doit être positif ou nul']] });
  });

  it('la signature : durée en mois entiers de 1 à 120, indemnité et mensualité de plus de zéro et de 100 000 € au plus, les deux signataires', () => {
    const base = {
      signeLe: jour(-2),
      debut: jour(-1),
      dureeMois: 24,
      indemniteOccupation: 420,
      planApurement: { dette: 3240, mensualite: 135 },
      signataires: { bailleur: true, occupant: true },
    };
    const s = m['signature-protocole']!.schema;
    borne(s, base, 'dureeMois', {
      passe: [1, 120],
      refuse: [
        [0, 'doit être au moins égal à 1'],
        [121, 'ne doit pas dépasser 120'],
        [12.5, 'nombre entier attendu'],
      ],
    });
    for (const chemin of ['indemniteOccupation', 'planApurement.mensualite'])
      borne(s, base, chemin, {
        passe: [0.01, 100_000],
        refuse: [
          [0, 'le montant doit être supérieur à zéro'],
          [100_000.01, 'montant invraisemblable : 100 000 € au plus'],
        ],
      });
    borne(s, base, 'planApurement.dette', { passe: [0], refuse: [[-5, 'le montant doit être positif ou nul']] });
    borne(s, base, 'signataires.occupant', { passe: [false], refuse: [[undefined, 'champ obligatoire']] });
    borne(s, base, 'signeLe', { passe: [jour(-3000)], refuse: [[jour(30), FUTUR]] });
    borne(s, base, 'debut', { passe: [jour(-400), jour(60)], refuse: [[jour(400), LOINTAIN]] });
  });

  it('accompagnement, paiement, rupture : dates passées, mois réel, notes bornées, motif de 3 caractères au moins', () => {
    borne(m.accompagnement!.schema, { nature: 'visite_domicile', le: jour(-1), note: 'Budget revu' }, 'le', { refuse: [[jour(30), FUTUR]] });
    borne(m.accompagnement!.schema, { nature: 'visite_domicile' }, 'note', { passe: [texte(4000)], refuse: [[texte(4001), '4 000 caractères au plus']] });
    const paiement = { mois: '2026-05', statut: 'impaye', montant: 200 };
    borne(m.paiement!.schema, paiement, 'mois', {
      passe: ['2026-12', '2027-01'],
      refuse: [
        ['2026-13', 'mois attendu au format AAAA-MM'],
        ['2026-00', 'mois attendu au format AAAA-MM'],
        ['2026-5', 'mois attendu au format AAAA-MM'],
      ],
    });
    borne(m.paiement!.schema, paiement, 'montant', { passe: [0], refuse: [[-1, 'le montant doit être positif ou nul']] });
    borne(m.paiement!.schema, paiement, 'commentaire', { passe: [texte(2000)], refuse: [[texte(2001), '2 000 caractères au plus']] });
    const rupture = { decideeLe: jour(-1), motif: 'Impayés répétés' };
    borne(m.rupture!.schema, rupture, 'motif', {
      passe: ['abc', texte(1000)],
      refuse: [
        [' ab ', 'motif requis'],
        [texte(1001), '1 000 caractères au plus'],
      ],
    });
    borne(m.rupture!.schema, rupture, 'decideeLe', { passe: [undefined], refuse: [[jour(30), FUTUR]] });
  });

  it('avenant, orientation, nouveau bail, clôture', () => {
    const avenant = { signeLe: jour(-1), prolongationMois: 12, planApurement: { dette: 1450, mensualite: 120 } };
    borne(m.avenant!.schema, avenant, 'prolongationMois', {
      passe: [1, 60],
      refuse: [
        [0, 'doit être au moins égal à 1'],
        [61, 'ne doit pas dépasser 60'],
        [1.5, 'nombre entier attendu'],
      ],
    });
    borne(m.avenant!.schema, avenant, 'indemniteOccupation', { passe: [undefined, 0.01], refuse: [[0, 'le montant doit être supérieur à zéro']] });
    borne(m.avenant!.schema, avenant, 'planApurement.mensualite', { refuse: [[0, 'le montant doit être supérieur à zéro']] });
    borne(m.orientation!.schema, { dispositif: 'residence_sociale' }, 'precision', { passe: [texte(300)], refuse: [[texte(301), '300 caractères au plus']] });
    const bail = { signeLe: jour(-2), dateEffet: jour(20) };
    borne(m['nouveau-bail']!.schema, bail, 'signeLe', { refuse: [[jour(30), FUTUR]] });
    borne(m['nouveau-bail']!.schema, bail, 'dateEffet', { passe: [undefined, jour(-30)], refuse: [[jour(400), LOINTAIN]] });
    borne(m.cloture!.schema, { issue: 'relogement_ou_mutation' }, 'motif', { passe: [texte(500)], refuse: [[texte(501), '500 caractères au plus']] });
  });
});

// ---------------------------------------------------------------------------------------------
describe('IML bail glissant : chaque message, ses bornes', () => {
  const m = iml.messages;

  it('la candidature : prêt à sortir et budget travaillé exigés, secteurs et ressources bornés, un champ mal nommé refusé', () => {
    const base = { structure: 'chrs', hebergeDepuis: jour(-200), pretASortir: true, budgetTravaille: true, secteurs: ['Concarneau'] };
    const s = m.candidature!.schema;
    borne(s, base, 'pretASortir', { refuse: [[false, 'le ménage doit être jugé « prêt à sortir » vers le logement']] });
    borne(s, base, 'budgetTravaille', { refuse: [[false, 'la question du budget doit avoir été travaillée en amont']] });
    borne(s, base, 'secteurs.0', {
      passe: ['Ys', texte(80)],
      refuse: [
        [' Y ', '2 caractères au moins'],
        [texte(81), '80 caractères au plus'],
      ],
    });
    borne(s, base, 'secteurs', { passe: [Array(10).fill('Brest')], refuse: [[Array(11).fill('Brest'), '10 éléments au plus']] });
    borne(s, base, 'ressourcesMensuelles', { passe: [0, 20_000], refuse: [[20_001, 'montant invraisemblable : 20 000 € au plus']] });
    borne(s, base, 'hebergeDepuis', { refuse: [[jour(30), FUTUR]] });
    expect(refus(s, { ...base, pretASortirLe: jour(-1) })).toEqual({ pretASortirLe: 'champ non reconnu' });
  });

  it('la décision du SIAO, le logement : bailleur nommé, adresse de 5 caractères au moins, loyer de plus de zéro et de 5 000 € au plus', () => {
    borne(m['decision-siao']!.schema, { decision: 'refusee', motif: 'Complet' }, 'decision', {
      refuse: [['ajournee', 'Option invalide : une valeur parmi « validee », « refusee »']],
    });
    borne(m['decision-siao']!.schema, { decision: 'refusee' }, 'motif', { passe: [texte(1000)], refuse: [[texte(1001), '1 000 caractères au plus']] });
    const logement = {
      bailleur: { type: 'public', nom: 'Finistère Habitat', conventionne: true },
      adresse: '1 rue du Port, 29900 Concarneau',
      typologie: 'T2',
      loyerMensuel: 385,
      debutBailPrincipal: jour(10),
      debutSousLocation: jour(10),
    };
    const s = m.logement!.schema;
    borne(s, logement, 'bailleur.nom', {
      passe: ['FH', texte(120)],
      refuse: [
        ['F', '2 caractères au moins'],
        [texte(121), '120 caractères au plus'],
      ],
    });
    borne(s, logement, 'bailleur.courriel', { passe: ['gestion@fh.example'], refuse: [['gestion-fh', 'adresse électronique invalide']] });
    borne(s, logement, 'adresse', {
      passe: ['1 rue', texte(300)],
      refuse: [
        ['1 ru', '5 caractères au moins'],
        [texte(301), '300 caractères au plus'],
      ],
    });
    borne(s, logement, 'loyerMensuel', {
      passe: [0.01, 5000, undefined],
      refuse: [
        [0, 'le montant doit être supérieur à zéro'],
        [5000.01, 'montant invraisemblable : 5 000 € au plus'],
      ],
    });
    // Un bail et une sous-location peuvent avoir commencé (saisie en retard) ; pas dans plus de 6 mois.
    for (const chemin of ['debutBailPrincipal', 'debutSousLocation']) borne(s, logement, chemin, { passe: [jour(-20)], refuse: [[jour(400), LOINTAIN]] });
  });

  it('rendez-vous, loyer, bilan, glissement, fin de mesure', () => {
    const rdv = { nature: 'visite_domicile', le: jour(-1), axes: ['budget'] };
    borne(m['rendez-vous']!.schema, rdv, 'le', { passe: [undefined], refuse: [[jour(30), FUTUR]] });
    borne(m['rendez-vous']!.schema, rdv, 'axes.0', { refuse: [['jardinage', /^Option invalide/]] });
    borne(m['rendez-vous']!.schema, rdv, 'note', { passe: [texte(4000)], refuse: [[texte(4001), '4 000 caractères au plus']] });
    const loyer = { mois: '2026-07', statut: 'partiel', montantPaye: 120 };
    borne(m.loyer!.schema, loyer, 'mois', {
      passe: ['2026-10'],
      refuse: [
        ['2026-13', 'mois attendu au format AAAA-MM'],
        ['2026-00', 'mois attendu au format AAAA-MM'],
      ],
    });
    borne(m.loyer!.schema, loyer, 'montantPaye', {
      passe: [0, 5000],
      refuse: [
        [-1, 'le montant doit être positif ou nul'],
        [5000.01, 'montant invraisemblable : 5 000 € au plus'],
      ],
    });
    const bilan = { paiementLoyer: 'regulier', situation: 'stable', bailleurPresent: true, menagePresent: true };
    // Le bilan à 6 mois se tient avec le ménage : sa présence se dit, elle n'est jamais supposée.
    borne(m['bilan-mesure']!.schema, bilan, 'menagePresent', { passe: [false], refuse: [[undefined, 'champ obligatoire']] });
    borne(m['bilan-mesure']!.schema, bilan, 'freins', { passe: [['dette']], refuse: [[['humeur'], /^Option invalide/]], champ: 'freins.0' });
    const glissement = { loyerPayeRegulierement: true, situationStable: false, decision: 'prolongation', motif: 'Budget encore fragile' };
    borne(m['conditions-glissement']!.schema, glissement, 'dureeMois', {
      passe: [1, 12, undefined],
      refuse: [
        [0, 'doit être au moins égal à 1'],
        [13, 'ne doit pas dépasser 12'],
        [2.5, 'nombre entier attendu'],
      ],
    });
    borne(m['conditions-glissement']!.schema, glissement, 'motif', { passe: [texte(1000)], refuse: [[texte(1001), '1 000 caractères au plus']] });
    const fin = { issue: 'depart_du_logement', motif: 'Départ du ménage' };
    borne(m['fin-mesure']!.schema, fin, 'motif', {
      passe: ['abc'],
      refuse: [
        ['ab', 'motif requis'],
        [undefined, 'champ obligatoire'],
      ],
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('prévention précontentieuse : chaque message, ses bornes', () => {
  const m = prevention.messages;

  it('tentative, diagnostic, plan : notes bornées, origine de la dette et fin du diagnostic toujours dites, démarches non vides', () => {
    borne(m['tentative-contact']!.schema, { canal: 'courrier', issue: 'injoignable' }, 'note', {
      passe: [texte(2000)],
      refuse: [[texte(2001), '2 000 caractères au plus']],
    });
    const diagnostic = { origineDette: 'Perte d’emploi', termine: true, carnetDeRoute: ['Dossier FSL'] };
    const d = m.diagnostic!.schema;
    borne(d, diagnostic, 'origineDette', { passe: ['x'], refuse: [['  ', 'champ obligatoire']] });
    // Terminé ou non : la personne le dit (un diagnostic n'est jamais clos par défaut).
    borne(d, diagnostic, 'termine', { refuse: [[undefined, 'champ obligatoire']] });
    borne(d, diagnostic, 'carnetDeRoute.0', {
      passe: [texte(300)],
      refuse: [
        [' ', 'champ obligatoire'],
        [texte(301), '300 caractères au plus'],
      ],
    });
    borne(d, diagnostic, 'carnetDeRoute', { passe: [Array(30).fill('RDV CAF')], refuse: [[Array(31).fill('RDV CAF'), '30 éléments au plus']] });
    const plan = { actions: ['plan_apurement'], planApurement: { mensualite: 50, dureeMois: 12 } };
    const p = m['plan-aide']!.schema;
    borne(p, { actions: ['fsl'] }, 'actions', { refuse: [[[], 'au moins une action']] });
    borne(p, plan, 'planApurement.mensualite', { passe: [0.01], refuse: [[0, 'le montant doit être supérieur à zéro']] });
    borne(p, plan, 'planApurement.dureeMois', {
      passe: [1, 120],
      refuse: [
        [0, 'doit être au moins égal à 1'],
        [121, 'ne doit pas dépasser 120'],
      ],
    });
    borne(m.bilan!.schema, { reprisePaiement: 'partielle', planRespecte: true, demarches: ['FSL'] }, 'demarches.0', { refuse: [[' ', 'champ obligatoire']] });
  });

  it('au lancement : désigné par la commission ou signalé par le bailleur au plus tard aujourd’hui (jour de Paris), jamais avant le début du bail', () => {
    const exemple = prevention.exempleLancement as { situation: { debutBail: string } };
    const base = { ...exemple, designeLe: jour(-1), signaleLe: jour(-1) };
    const debutBail = exemple.situation.debutBail;
    borne(prevention.schemaLancement, base, 'designeLe', {
      passe: [jour(-3), debutBail, undefined],
      refuse: [
        [jour(2), 'la date de désignation ne peut pas être dans le futur'],
        ['18/11/2026', 'date AAAA-MM-JJ attendue'],
      ],
    });
    borne(prevention.schemaLancement, base, 'signaleLe', {
      passe: [jour(-3), undefined],
      refuse: [[jour(2), 'la date du signalement ne peut pas être dans le futur']],
    });
  });

  it('les incohérences d’un message sont dites à la bordure (400, sous le champ en cause), avant le parcours', () => {
    // Chaque règle a sa phrase dans le domaine ; la bordure la montre sous le champ, le parcours ne reçoit rien.
    expect(refus(m['tentative-contact']!.schema, { canal: 'visite_domicile', issue: 'absent' })).toEqual({
      creneau: expect.stringMatching(/^Indiquez le créneau/),
    });
    expect(refus(m['tentative-contact']!.schema, { canal: 'courrier', issue: 'absent' })).toEqual({ issue: expect.stringMatching(/^« Absent » vaut pour/) });
    expect(refus(m.diagnostic!.schema, { origineDette: 'Perte d’emploi', termine: true })).toEqual({
      carnetDeRoute: 'Le diagnostic se conclut par un carnet de route (au moins une démarche).',
    });
    expect(refus(m.diagnostic!.schema, { origineDette: 'Perte d’emploi', termine: false })).toEqual({});
    expect(refus(m['plan-aide']!.schema, { actions: ['plan_apurement'] })).toEqual({
      planApurement: expect.stringMatching(/indiquez sa mensualité et sa durée/),
    });
    expect(refus(m['departement-sans-reponse']!.schema, { suite: 'reviser', motif: '  ' })).toEqual({
      motif: expect.stringMatching(/^dites ce que le département a fait savoir/),
    });
    expect(refus(m['departement-sans-reponse']!.schema, { suite: 'relancer' })).toEqual({});
    expect(refus(m['decision-comite']!.schema, { decision: 'ne_pas_integrer' })).toEqual({ motif: expect.stringMatching(/^indiquez le motif de la décision/) });
    expect(refus(m['decision-comite']!.schema, { decision: 'integrer' })).toEqual({});
  });

  it('passage au droit commun, rechute, clôture : service nommé, adresse valable, textes bornés', () => {
    const passage = { service: 'MDS Orléans', courrielService: 'accueil@mds.example' };
    borne(m['passage-droit-commun']!.schema, passage, 'service', {
      passe: ['CD', texte(200)],
      refuse: [
        ['C', '2 caractères au moins'],
        [texte(201), '200 caractères au plus'],
      ],
    });
    borne(m['passage-droit-commun']!.schema, passage, 'courrielService', { refuse: [['accueil-mds', /adresse/]] });
    borne(m.rechute!.schema, {}, 'observation', { passe: [texte(1000)], refuse: [[texte(1001), '1 000 caractères au plus']] });
    borne(m.cloture!.schema, { issue: 'situation_stabilisee' }, 'motif', { passe: [texte(500)], refuse: [[texte(501), '500 caractères au plus']] });
  });
});

// ---------------------------------------------------------------------------------------------
describe('le lancement transmet au parcours ce qui a été saisi', () => {
  const contexte = (donnees: unknown) => ({
    programme: {} as never,
    menage: {} as never,
    coordinateur: 'coord.essai',
    travailleurSocial: 'ts.martin',
    donnees,
  });

  it('la résiliation (avec sa juridiction), la candidature IML, la désignation et le signalement, tels quels', () => {
    const resiliation = { jugementDu: '2026-03-12', juridiction: 'Tribunal judiciaire de Reims', detteLocative: 3240 };
    expect(protocole.construireEntree(contexte({ resiliation }))).toMatchObject({ resiliation, coordinateur: 'coord.essai', travailleurSocial: 'ts.martin' });
    const candidature = { structure: 'chrs', hebergeDepuis: '2026-02-15', pretASortir: true, budgetTravaille: true, secteurs: ['Concarneau'] };
    expect(iml.construireEntree(contexte({ candidature }))).toMatchObject({ candidature });
    const situation = (prevention.exempleLancement as { situation: object }).situation;
    expect(prevention.construireEntree(contexte({ situation, designeLe: '2026-11-18', signaleLe: '2026-11-10' }))).toMatchObject({
      situation,
      designeLe: '2026-11-18',
      signaleLe: '2026-11-10',
    });
    // Ni désignation ni signalement : le parcours compte ses délais depuis le lancement (pas de champ vide transmis).
    expect(prevention.construireEntree(contexte({ situation }))).not.toHaveProperty('designeLe');
    expect(prevention.construireEntree(contexte({ situation }))).not.toHaveProperty('signaleLe');
  });
});

// ---------------------------------------------------------------------------------------------
describe('les choix qu’un formulaire offre selon l’état du parcours', () => {
  it('IML : la décision (poursuivre ou faire glisser) n’est offerte qu’au premier bilan, celui de 6 mois ; les autres champs toujours', () => {
    const bilan = iml.messages['bilan-mesure']!;
    const echeance = (id: string, statut: Echeance['statut']): Echeance => ({
      id,
      libelle: id,
      due: '2027-06-01T00:00:00.000Z',
      statut,
      responsable: 'travailleur_social',
    });
    const auPremier = { echeances: [echeance('bilan:1', 'en_cours')] } as EtatParcours;
    const premierManque = { echeances: [echeance('bilan:1', 'depassee')] } as EtatParcours;
    const auSecond = { echeances: [echeance('bilan:1', 'tenue'), echeance('bilan:2', 'en_cours')] } as EtatParcours;
    expect(bilan.choixPossible!('decision', 'glissement', auPremier)).toBe(true);
    expect(bilan.choixPossible!('decision', 'poursuivre', premierManque)).toBe(true);
    expect(bilan.choixPossible!('decision', 'poursuivre', auSecond)).toBe(false);
    expect(bilan.choixPossible!('situation', 'stable', auSecond)).toBe(true);
  });

  it('prévention : la clôture n’offre que les issues possibles (avant le contact, pas « situation stabilisée » ; après, plus « contact impossible »)', () => {
    const cloture = prevention.messages.cloture!;
    const avant = { etape: 'aller_vers', details: {} } as unknown as EtatParcours;
    const apres = { etape: 'suivi', details: { plan: { planApurement: { mensualite: 50, dureeMois: 12 } } } } as unknown as EtatParcours;
    expect(cloture.choixPossible!('issue', 'situation_stabilisee', avant)).toBe(false);
    expect(cloture.choixPossible!('issue', 'contact_impossible', avant)).toBe(true);
    expect(cloture.choixPossible!('issue', 'contact_impossible', apres)).toBe(false);
    expect(cloture.choixPossible!('issue', 'plan_apurement_respecte', apres)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('qui envoie quel message', () => {
  it('la table des rôles du registre : ce que fait le travailleur social, ce que décide la coordination', () => {
    const table = (type: TypeParcours) =>
      Object.fromEntries(Object.entries(REGISTRE[type]!.messages).map(([nom, d]) => [nom, [...d.roles].sort().join(' + ')]));
    const TS = 'travailleur_social';
    const COORD = 'coordinateur';
    const LES_DEUX = `${COORD} + ${TS}`;
    expect(table('prevention_precontentieuse')).toEqual({
      'tentative-contact': TS,
      diagnostic: TS,
      'plan-aide': TS,
      'decision-comite': COORD,
      'departement-sans-reponse': COORD,
      bilan: TS,
      'passage-droit-commun': TS,
      rechute: LES_DEUX,
      cloture: TS,
    });
    expect(table('iml_bail_glissant')).toEqual({
      candidature: LES_DEUX,
      'decision-siao': COORD,
      logement: LES_DEUX,
      'rendez-vous': TS,
      loyer: LES_DEUX,
      'bilan-mesure': TS,
      'conditions-glissement': TS,
      'fin-mesure': LES_DEUX,
    });
    expect(table('protocole_post_resiliation')).toEqual({
      'signature-protocole': LES_DEUX,
      accompagnement: TS,
      paiement: LES_DEUX,
      rupture: COORD,
      avenant: LES_DEUX,
      orientation: LES_DEUX,
      'nouveau-bail': LES_DEUX,
      cloture: LES_DEUX,
    });
  });

  it('l’API applique la table : le travailleur social affecté ne constate pas une rupture, la coordination ne note pas une visite', () => {
    const etat = { programme: { id: 'reims-april' }, travailleurSocial: 'ts.martin' } as never;
    const personne = (id: string, role: Personne['role']): Personne => ({
      id,
      nom: id,
      courriel: `${id}@x.example`,
      role,
      programmes: ['reims-april'],
      motDePasse: '',
    });
    const ts = personne('ts.martin', 'travailleur_social');
    const coord = personne('coord.reims', 'coordinateur');
    const refusRole = 'Votre rôle ne permet pas d’envoyer ce message.';
    expect(raisonRefusMessage(ts, protocole.messages.rupture!.roles, etat)).toBe(refusRole);
    expect(raisonRefusMessage(coord, protocole.messages.rupture!.roles, etat)).toBeUndefined();
    expect(raisonRefusMessage(coord, protocole.messages.accompagnement!.roles, etat)).toBe(refusRole);
    expect(raisonRefusMessage(ts, protocole.messages.accompagnement!.roles, etat)).toBeUndefined();
    expect(raisonRefusMessage(ts, iml.messages['decision-siao']!.roles, etat)).toBe(refusRole);
    expect(raisonRefusMessage(ts, prevention.messages['decision-comite']!.roles, etat)).toBe(refusRole);
  });
});

// ---------------------------------------------------------------------------------------------
describe('une date mal écrite : une seule erreur, la sienne', () => {
  it('les règles entre deux champs (avant le bail, fin avant début, séance à venir) ne s’appliquent pas à une date illisible', () => {
    // « le NaN undefined NaN » : la désignation comparée au bail alors que sa date n'en était pas une.
    const lancement = { ...(prevention.exempleLancement as Record<string, unknown>) };
    expect(refus(prevention.schemaLancement, { ...lancement, designeLe: '18/11/2026' })).toEqual({ designeLe: 'date AAAA-MM-JJ attendue' });
    expect(refus(prevention.schemaLancement, { ...lancement, signaleLe: '2099-13-45' })).toEqual({ signaleLe: 'date AAAA-MM-JJ attendue' });
    // Une absence du 30 février : pas « la fin de l’absence ne peut pas précéder son début » en plus.
    expect(refus(declarationAbsenceSchema, { du: '2027-02-30', au: '2027-02-10', remplacant: 'ts.durand' })).toEqual({ du: 'du : date attendue (AAAA-MM-JJ)' });
    expect(refus(declarationAbsenceSchema, { du: '2027-02-11', au: '2027-02-10', remplacant: 'ts.durand' })).toEqual({
      au: 'la fin de l’absence ne peut pas précéder son début',
    });
    // Une séance du 13e mois : pas « la séance ne peut pas être dans le futur » en plus.
    expect(refus(seanceSchema, '2099-13-01')).toEqual({ '(corps)': 'date de la séance attendue (AAAA-MM-JJ)' });
    expect(refus(seanceSchema, jour(2))).toEqual({ '(corps)': expect.stringMatching(/^la séance ne peut pas être dans le futur/) });
    // Une période d'indicateurs du 13e mois : la date, pas l'ordre des dates.
    expect(refus(requeteIndicateursSchema, { du: '2027-13-01', au: '2027-02-10' })).toEqual({ du: 'date inexistante' });
    expect(refus(requeteIndicateursSchema, { du: '2027-02-11', au: '2027-02-10' })).toEqual({ au: 'la date de début doit précéder la date de fin' });
  });
});
