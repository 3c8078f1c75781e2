/**
 * Les documents d'un parcours en PDF (documents/) : chaque document est généré, relu avec
 * pdfjs-dist et vérifié — titres en français, accents et montants lisibles, et surtout l'ABSENCE
 * de ce que le ménage a confié dans les versions adressées aux partenaires. L'activité de courriel
 * joint les PDF : un vrai serveur SMTP (le mail catcher) les reçoit.
 */
import { baseEssai } from './outils/base';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourrielActivities, type PieceJointe } from '../activities/courriel';
import { startMailCatcher, type MailCatcher } from '../dev/mail-catcher';
import { DocumentIndisponible, genererPdf, preparerDocument, versWinAnsi, type Lecteur, type NomDocument, type SourceDocument } from '../documents';
import type { EtatParcours, Programme } from '../domain/vocabulaire';
import { lirePdf, estPdf, sansIdentifiant } from './outils/pdf';
import { contenuDocument } from '../api/documents/rendu';
import { documentLettre } from '../documents/lettre-information';
import { CATALOGUE, SIGNEUR, inscrireAnnuaire } from './outils/environnement';

/** Ce que le ménage a confié, et ce qui le désigne : jamais dans un document adressé à un partenaire. */
const SECRETS = [
  'Lefébure',
  'Josiane',
  'Tilleuls',
  '06 12 34 56 78',
  'josiane.lefebure',
  'Mouettes',
  'violences conjugales',
  'dette de jeu',
  'SECRET-7731',
  '980',
];

const menage = {
  reference: 'DOC-1',
  nom: 'Mme Josiane Lefébure',
  composition: 'famille_monoparentale',
  adresse: '12 rue des Tilleuls, 45000 Orléans',
  telephone: '06 12 34 56 78',
  courriel: 'josiane.lefebure@exemple.fr',
  accepteCourriel: true,
};

function etat(
  typeParcours: EtatParcours['typeParcours'],
  programmeId: string,
  details: Record<string, unknown>,
  confidentiels: Record<string, unknown> = {},
): EtatParcours {
  const programme = CATALOGUE.trouver(programmeId)!;
  return {
    workflowId: `${programmeId}--DOC-1`,
    typeParcours,
    programme: { id: programme.id, version: programme.version, nom: programme.nom },
    reference: 'DOC-1',
    etape: 'x',
    libelleEtape: 'x',
    travailleurSocial: 'ts.alice',
    echeances: [],
    demandes: [],
    journal: [],
    details,
    detailsConfidentiels: { menage, diagnostic: [{ notes: 'SECRET-7731 : violences conjugales' }], ...confidentiels },
  };
}
const source = (e: EtatParcours, o: Partial<SourceDocument> = {}): SourceDocument => ({
  etat: e,
  programme: CATALOGUE.trouver(e.programme.id)!,
  contact: 'Alice Travailleuse',
  ...o,
});

const PREVENTION = etat('prevention_precontentieuse', 'loiret-ahu', {
  lettreInformation: { le: '2026-03-01T10:00:00.000Z' },
  ficheCloture: {
    issue: 'plan_apurement_respecte',
    libelle: 'Plan d’apurement respecté',
    motif: 'Dette soldée, loyer courant repris',
    le: '2026-09-12T10:00:00.000Z',
    bilans: [{ jalon: 'Bilan à 3 mois', reprisePaiement: 'partielle', planRespecte: true }],
  },
});
const IML = etat(
  'iml_bail_glissant',
  'concarneau-iml',
  {
    candidature: { structure: 'chrs', composition: 'famille_monoparentale', secteurs: ['Concarneau'] },
    logement: { typeBailleur: 'public', bailleur: 'OPAC de Quimper Cornouaille', typologie: 'T2', loyerMensuel: 385 },
    mesure: { debut: '2026-01-05T00:00:00.000Z', glissementPrevuLe: '2027-01-05T00:00:00.000Z' },
    bilans: [
      {
        jalon: 'P6M',
        libelle: 'Bilan de mesure à 6 mois',
        tenuLe: '2026-07-08T09:00:00.000Z',
        paiementLoyer: 'regulier',
        situation: 'stable',
        bailleurPresent: true,
        menagePresent: true,
        decision: 'poursuivre',
        loyers: { payes: 5, partiels: 1, impayes: 0 },
        accompagnement: { rendezVous: 4, visitesDomicile: 2, liensPartenaires: 1, axes: ['budget', 'acces_droits'] },
      },
      {
        jalon: 'P10M',
        libelle: 'Bilan de mesure à 10 mois',
        tenuLe: '2026-11-06T09:00:00.000Z',
        paiementLoyer: 'irregulier',
        situation: 'fragile',
        bailleurPresent: false,
        menagePresent: true,
        loyers: { payes: 8, partiels: 1, impayes: 1 },
        accompagnement: { rendezVous: 7, visitesDomicile: 3, liensPartenaires: 2, axes: ['budget', 'savoir_habiter'] },
      },
    ],
    ficheCloture: {
      issue: 'glissement_du_bail',
      libelle: 'Glissement du bail',
      motif: 'Bail glissé au profit du ménage après 12 mois de sous-location',
      le: '2027-01-06T10:00:00.000Z',
      dureeSousLocationMois: 12,
      prolongations: 0,
      bilans: [{ jalon: 'P6M', paiementLoyer: 'regulier', situation: 'stable', decision: 'poursuivre' }],
    },
  },
  {
    adresseLogement: '4 impasse des Mouettes, 29900 Concarneau',
    candidature: { ressourcesMensuelles: 980, notes: 'violences conjugales' },
    bilans: [{ jalon: 'P6M', notes: 'dette de jeu', freins: ['dette'] }],
  },
);
const PROTOCOLE = etat(
  'protocole_post_resiliation',
  'reims-april-protocole',
  {
    resiliation: { jugementDu: '2025-11-20', juridiction: 'Tribunal judiciaire de Reims', detteLocative: 4210.5 },
    protocole: {
      signeLe: '2026-01-15',
      debut: '2026-02-01',
      dureeInitialeMois: 24,
      dureeTotaleMois: 36,
      terme: '2029-02-01',
      indemniteOccupation: 412.5,
      planApurement: { dette: 4210.5, mensualite: 1234.56, depuis: '2026-02' },
      detteRestante: 2975.94,
      avenants: [{ signeLe: '2027-12-01', prolongationMois: 12 }],
    },
    paiements: {
      moisRegles: 2,
      payes: 1,
      impayes: 1,
      nonRenseignes: 0,
      montantRecu: 1647.06,
      montantAttendu: 3294.12,
      mois: [
        { mois: '2026-02', statut: 'paye', montant: 1647.06, attendu: 1647.06 },
        { mois: '2026-03', statut: 'impaye', montant: 0, attendu: 1647.06 },
        { mois: '2026-04', statut: 'impaye', montant: 300, attendu: 1647.06 },
      ],
    },
    accompagnement: { visite_domicile: 2, rendez_vous: 3, mediation_bailleur: 1, lien_partenaire: 0 },
    ficheCloture: {
      issue: 'nouveau_bail_signe',
      libelle: 'Nouveau bail signé',
      le: '2029-02-10T10:00:00.000Z',
      paiements: { moisRegles: 36, payes: 36, impayes: 0, nonRenseignes: 0, montantRecu: 59294.16, montantAttendu: 59294.16 },
      bilans: 12,
    },
  },
  { motifCloture: 'SECRET-7731', notesAccompagnement: ['dette de jeu'] },
);

/** Un ménage de Toulouse en suivi : diagnostic, carnet de route, plan d'aide (ASLL validée), un point de suivi. */
const SUIVI: EtatParcours = {
  ...etat(
    'prevention_precontentieuse',
    'toulouse-declic',
    {
      situation: { impayesMois: 3, montantDette: 3450, garantie: 'aucune' },
      lettreInformation: { le: '2026-10-26T09:00:00.000Z' },
      tentatives: 3,
      contactEtabliLe: '2026-11-04T10:00:00.000Z',
      delaiPremierContactJours: 9,
      plan: {
        actions: ['plan_apurement', 'fsl', 'sante'],
        orientations: ['asll'],
        planApurement: { mensualite: 143.75, dureeMois: 24 },
        demandeMutation: true,
      },
      bilans: [{ jalon: 'Point de suivi à 1 mois', reprisePaiement: 'partielle', planRespecte: true }],
    },
    {
      diagnostic: [
        {
          origineDette: 'Perte d’emploi en septembre',
          droits: 'Aide au logement à rouvrir',
          budget: 'Reste à vivre de 812,40 € par mois',
          adequationLogement: 'T3 trop grand depuis le départ des enfants',
          notes: 'SECRET-7731 : violences conjugales',
          le: '2026-11-10T14:00:00.000Z',
        },
        {
          origineDette: 'Perte d’emploi en septembre',
          droits: 'Demande FSL préparée',
          budget: 'Budget refait',
          adequationLogement: 'Mutation souhaitée',
          dispositifsExpliques: true,
          proceduresExpliquees: false,
          le: '2026-11-17T14:00:00.000Z',
        },
      ],
      carnetDeRoute: [
        'Rouvrir les droits à l’aide au logement auprès de la CAF',
        'Déposer la demande d’aide au FSL',
        'Prendre rendez-vous au centre médico-psychologique',
      ],
      notesBilans: ['dette de jeu'],
    },
  ),
  coordinateur: 'coord.essai',
  journal: [
    { seq: 1, date: '2026-10-26T09:00:00.000Z', type: 'ouverture', acteur: { type: 'systeme' }, resume: 'Parcours ouvert', visibilite: 'partenaires' },
    {
      seq: 2,
      date: '2026-11-24T10:00:00.000Z',
      type: 'plan_aide',
      acteur: { type: 'systeme' },
      resume: 'Plan d’aide contractualisé avec le ménage',
      visibilite: 'partenaires',
    },
    { seq: 3, date: '2026-12-02T09:00:00.000Z', type: 'etape', acteur: { type: 'systeme' }, resume: 'Étape : Suivi du plan', visibilite: 'partenaires' },
    {
      seq: 4,
      date: '2027-01-04T15:00:00.000Z',
      type: 'bilan',
      acteur: { type: 'systeme' },
      resume: 'Point de suivi à 1 mois : reprise partielle',
      visibilite: 'partenaires',
    },
  ],
  demandes: [
    {
      id: 'd1',
      role: 'departement',
      objet: 'Validation du plan d’aide avec une mesure ASLL',
      envoyeeLe: '2026-11-24T10:00:00.000Z',
      echeance: '2026-12-08T10:00:00.000Z',
      statut: 'approuvee',
      decision: { decision: 'approuve', par: 'partenaire:departement', le: '2026-11-30T10:00:00.000Z' },
    },
  ],
  echeances: [{ id: 'bilan:P2M', libelle: 'Point de suivi à 2 mois', due: '2027-02-16T09:00:00.000Z', statut: 'en_cours', responsable: 'travailleur_social' }],
  etape: 'suivi',
  libelleEtape: 'Suivi du plan',
};

async function pdfDe(nom: NomDocument, e: EtatParcours, lecteur: Lecteur, o: Partial<SourceDocument> = {}) {
  const d = preparerDocument(nom, source(e, o), lecteur);
  const octets = await genererPdf(d);
  expect(estPdf(octets)).toBe(true);
  const lu = await lirePdf(octets);
  return { d, ...lu, texte: lu.plat };
}

function sansSecret(texte: string) {
  for (const s of SECRETS) expect(texte, `« ${s} » ne doit pas figurer dans le document`).not.toContain(s);
}

describe('documents en PDF, relus', () => {
  it('la lettre d’information de DÉCLIC : « Bonjour » et le nom du ménage, signée par la fonction puis les associations', async () => {
    const toulouse = CATALOGUE.trouver('toulouse-declic')!;
    const d = documentLettre({
      programme: toulouse,
      menage: { nom: 'Anne Moreau', adresse: '3 rue Bayard, 31000 Toulouse' },
      reference: 'DOC-2',
      le: '2026-03-01T09:00:00.000Z',
    });
    const { plat } = await lirePdf(await genererPdf(d));
    const texte = plat.replace(/\s+/g, ' ');
    expect(texte).toContain('Bonjour Anne Moreau,');
    expect(texte).not.toMatch(/Madame|Monsieur/);
    expect(texte).toMatch(/Bien cordialement, La conseillère sociale DÉCLIC, associations Le Relais et Le Touril/);
    expect(texte).not.toContain('Associations Le Relais et Le Touril — conseillère sociale');
    expect(contenuDocument(d).valeur).toContain('<p class="signature">La conseillère sociale DÉCLIC, associations Le Relais et Le Touril</p>');
  });

  it('la lettre d’information au ménage : à son nom et à son adresse, en français, accents et date lisibles', async () => {
    const { texte, titre } = await pdfDe('lettre-information', PREVENTION, 'menage');
    expect(titre).toBe('Lettre d’information — dossier DOC-1');
    expect(texte).toContain('Objet : un accompagnement vous est proposé');
    // Le ménage nommé, comme les courriels le saluent ; la politesse et la signature qui vont avec.
    expect(texte).toContain('Bonjour Mme Josiane Lefébure,');
    expect(texte).not.toContain('Madame');
    expect(texte).toContain('Bien cordialement,');
    expect(texte).toContain('Pour nous joindre');
    expect(texte).toContain('Mme Josiane Lefébure');
    expect(texte).toContain('12 rue des Tilleuls');
    expect(texte).toContain('45000 Orléans');
    expect(texte).toContain('Le 1er mars 2026');
    expect(texte).toContain('Notre intervention est indépendante de votre bailleur');
    expect(texte).toContain('Personne chargée de votre accompagnement : Alice Travailleuse');
    expect(texte).toContain('Référence à rappeler : dossier DOC-1');
    // Rien de ce que le ménage a confié, ni son téléphone.
    for (const s of ['06 12 34 56 78', 'SECRET-7731', 'violences conjugales']) expect(texte).not.toContain(s);
  });

  it('la fiche-bilan de mesure pour la DDETS : non nominative, titres, chiffres du bilan demandé', async () => {
    const six = await pdfDe('fiche-bilan', IML, 'partenaires', { jalon: 'P6M' });
    expect(six.titre).toBe('Fiche-bilan de mesure — dossier DOC-1');
    for (const t of [
      'Fiche-bilan de mesure — bilan de mesure à 6 mois',
      'Le bilan',
      'La mesure',
      'Paiement du loyer',
      'Situation du ménage et accompagnement social',
      'DDETS',
    ])
      expect(six.texte).toContain(t);
    expect(six.texte).toContain('Le bailleur et le ménage');
    expect(six.texte).toContain('poursuite de la mesure pendant 6 mois');
    expect(six.texte).toContain('famille monoparentale');
    expect(six.texte).toContain('CHRS');
    expect(six.texte).toContain('budget, accès aux droits');
    expect(six.texte).toContain('Fiche non nominative');
    sansSecret(six.texte);
    expect(six.texte).not.toContain('OPAC'); // le bailleur n'est pas nommé non plus
    // Sans jalon : le dernier bilan tenu (10 mois, sans décision).
    const dix = await pdfDe('fiche-bilan', IML, 'partenaires');
    expect(dix.texte).toContain('bilan de mesure à 10 mois');
    expect(dix.texte).toContain('irrégulier');
    expect(dix.texte).not.toContain('Décision');
    sansSecret(dix.texte);
  });

  it('la fiche de clôture de chaque parcours : issue, motif, date, ce qui est propre au parcours ; rien de confidentiel', async () => {
    const prevention = await pdfDe('fiche-cloture', PREVENTION, 'partenaires');
    for (const t of [
      'Fiche de clôture',
      'Dossier DOC-1',
      'Issue de l’accompagnement',
      'Plan d’apurement respecté',
      'Dette soldée, loyer courant repris',
      '12 septembre 2026',
      'Bilans',
      'Reprise partielle',
      'Prévention précontentieuse',
    ]) {
      expect(prevention.texte).toContain(t);
    }
    sansSecret(prevention.texte);
    const iml = await pdfDe('fiche-cloture', IML, 'partenaires');
    for (const t of ['Glissement du bail', 'La mesure', '12 mois', 'Bilans de mesure', 'Bilan à 6 mois', 'poursuite de la mesure pendant 6 mois'])
      expect(iml.texte).toContain(t);
    sansSecret(iml.texte);
    const protocole = await pdfDe('fiche-cloture', PROTOCOLE, 'partenaires');
    for (const t of ['Nouveau bail signé', 'Le protocole', 'Paiements', '36 mois (dont 12 par avenant)', '59 294,16 € sur 59 294,16 € attendus'])
      expect(protocole.texte).toContain(t);
    sansSecret(protocole.texte);
  });

  it('le résumé du protocole : dates, durée, indemnité, plan d’apurement, avenants, paiements ; la version des partenaires ne désigne pas l’occupant', async () => {
    const partenaires = await pdfDe('resume-protocole', PROTOCOLE, 'partenaires');
    for (const t of [
      'Résumé du protocole de cohésion sociale Dossier DOC-1',
      'Le protocole de cohésion sociale',
      'Bail résilié par jugement du 20 novembre 2025',
      'Tribunal judiciaire de Reims',
      'Signé le 15 janvier 2026',
      'Durée totale (avenants compris) 36 mois',
      'Indemnité d’occupation 412,50 € par mois',
      'Plan d’apurement',
      'Mensualité 1 234,56 € par mois',
      'Dette restante 2 975,94 €',
      'Avenants',
      '1er décembre 2027 12 mois',
      'Paiements',
      'Mois vérifiés auprès du bailleur 2',
      'Montant reçu 1 647,06 € sur 3 294,12 € attendus',
      'mars 2026 Impayé 0 € 1 647,06 €',
      // Un mois payé en partie reste un manquement au protocole, mais il se lit comme tel.
      'avril 2026 Impayé (payé en partie) 300 € 1 647,06 €',
    ]) {
      expect(partenaires.texte).toContain(t);
    }
    sansSecret(partenaires.texte);
    expect(partenaires.texte).not.toContain('Occupant');
    // La version de l'équipe, elle, désigne l'occupant : le filtrage est bien ce qui l'écarte.
    const equipe = await pdfDe('resume-protocole', PROTOCOLE, 'equipe');
    expect(equipe.texte).toContain('Mme Josiane Lefébure');
    expect(equipe.texte).toContain('Médiation avec le bailleur 1');
    expect(equipe.texte).not.toContain('SECRET-7731');
    // La version de l'occupant : ses engagements dits à lui, jusqu'à la veille du terme, et qui joindre ;
    // ni l'accompagnement compté par l'équipe, ni son adresse, ni ce qu'il a confié.
    const occupant = await pdfDe('resume-protocole', PROTOCOLE, 'menage');
    for (const t of [
      'Votre protocole de cohésion sociale',
      'Bonjour Mme Josiane Lefébure,',
      'Vous avez signé le 15 janvier 2026 un protocole de cohésion sociale avec votre bailleur',
      'Chaque mois, jusqu’au 31 janvier 2029, vous payez l’indemnité d’occupation de 412,50 €.',
      'vous remboursez 1 234,56 € de votre dette',
      'votre bailleur vous proposera un nouveau bail',
      'Dette restante 2 975,94 €',
      'Dernier jour du protocole 31 janvier 2029',
      'avril 2026 Impayé (payé en partie) 300 € 1 647,06 €',
      'Pour nous joindre',
    ])
      expect(occupant.texte).toContain(t);
    for (const t of ['Médiation avec le bailleur', 'Tilleuls', 'SECRET-7731', 'dette de jeu', 'Version de l’équipe']) expect(occupant.texte).not.toContain(t);
  });

  it('un document qui n’existe pas pour ce parcours ou ce lecteur : une raison en français', () => {
    const sans = (e: EtatParcours, cle: string) => ({ ...e, details: Object.fromEntries(Object.entries(e.details).filter(([k]) => k !== cle)) });
    expect(() => preparerDocument('fiche-bilan', source(sans(IML, 'bilans')), 'partenaires')).toThrow(/Aucun bilan de mesure n’a encore été tenu/);
    expect(() => preparerDocument('fiche-bilan', source(IML, { jalon: 'P3M' }), 'partenaires')).toThrow(/Aucun bilan de mesure « P3M »/);
    expect(() => preparerDocument('fiche-bilan', source(PREVENTION), 'partenaires')).toThrow(DocumentIndisponible);
    expect(() => preparerDocument('lettre-information', source(PREVENTION), 'partenaires')).toThrow(/n’est pas préparé pour ce destinataire/);
    // Les fiches des partenaires n'ont pas de version pour le ménage (l'API accepte « version=menage »).
    expect(() => preparerDocument('fiche-bilan', source(IML), 'menage')).toThrow(
      /Ce document \(la fiche-bilan de mesure\) n’est pas préparé pour ce destinataire \(le ménage\)/,
    );
    expect(() => preparerDocument('fiche-cloture', source(PROTOCOLE), 'menage')).toThrow(/n’est pas préparé pour ce destinataire \(le ménage\)/);
    expect(() => preparerDocument('resume-protocole', source(sans(PROTOCOLE, 'protocole')), 'equipe')).toThrow(/pas encore signé/);
    expect(() => preparerDocument('fiche-cloture', source(sans(PREVENTION, 'ficheCloture')), 'equipe')).toThrow(/n’est pas clôturé/);
  });

  it('WinAnsi : accents, guillemets, apostrophe et euro gardés ; espaces fines et caractères inconnus remplacés', async () => {
    expect(versWinAnsi('« Été » l’œuvre : 1\u202f234,50\u00a0€')).toBe('« Été » l’œuvre : 1\u00a0234,50\u00a0€');
    expect(versWinAnsi('Łódź → ok ✓ 🙂')).toBe('Lódz -> ok oui ?');
    const d = preparerDocument(
      'fiche-cloture',
      source({
        ...PREVENTION,
        details: {
          ...PREVENTION.details,
          ficheCloture: { issue: 'cloture_anticipee', motif: 'Départ à Łódź — « déménagement » 🙂', le: '2026-05-01T10:00:00.000Z' },
        },
      }),
      'equipe',
    );
    const { plat } = await lirePdf(await genererPdf(d));
    expect(plat).toContain('Départ à Lódz — « déménagement » ?');
  });
});

describe('les documents que les rapports de terrain nomment, relus en PDF', () => {
  const declic = CATALOGUE.trouver('toulouse-declic')!;

  it('chaque document porte, à chaque page, l’adresse et le téléphone de l’opérateur ; la lettre les donne pour le rappeler', async () => {
    const lettre = await pdfDe('lettre-information', PREVENTION, 'menage');
    const ahu = CATALOGUE.trouver('loiret-ahu')!.operateur;
    expect(ahu.telephone).toBe('02 61 91 45 00');
    for (const t of [
      `Par téléphone : ${ahu.telephone}`,
      `Par courrier ou sur place : ${ahu.adresse}`,
      `Tél. ${ahu.telephone}`,
      '12 rue Eugène Vignat',
      '45000 Orléans',
    ])
      expect(lettre.texte).toContain(t);
    for (const [nom, e, lecteur, o] of [
      ['fiche-bilan', IML, 'partenaires', {}],
      ['fiche-cloture', PROTOCOLE, 'partenaires', {}],
      ['resume-protocole', PROTOCOLE, 'partenaires', {}],
      ['fiche-suivi-social', SUIVI, 'equipe', {}],
      ['plan-aide', SUIVI, 'menage', {}],
      ['carnet-de-route', SUIVI, 'menage', {}],
      ['fiche-orientation', SUIVI, 'equipe', {}],
      ['livret-iml', IML, 'menage', {}],
    ] as const) {
      const { texte, pages, d } = await pdfDe(nom, e, lecteur, o);
      const op = CATALOGUE.trouver(e.programme.id)!.operateur;
      const telephones = texte.split(`Tél. ${op.telephone}`).length - 1;
      expect(telephones, `${nom} : le téléphone en pied de chaque page`).toBeGreaterThanOrEqual(pages);
      expect(texte, nom).toContain(`${op.nom} — ${op.adresse}`);
      expect(d.operateur).toEqual({ nom: op.nom, courriel: op.courriel, telephone: op.telephone, adresse: op.adresse });
      sansIdentifiant(texte, nom);
    }
  });

  it('la fiche d’orientation d’un partenaire : qui oriente, le ménage, la situation, l’accord, la suite ; réservée à l’équipe', async () => {
    const orientation = {
      organisation: 'SA HLM Les Chalets',
      typeOrganisation: 'Bailleur social',
      recueLe: '2026-10-20T08:30:00.000Z',
      oriente: { nom: 'Sandrine Morel', courriel: 's.morel@leschalets.example', service: 'Recouvrement' },
      menage: {
        nom: 'Mme Josiane Lefébure',
        composition: 'famille_monoparentale',
        adresse: '12 rue des Tilleuls, 31200 Toulouse',
        telephone: '06 12 34 56 78',
        courriel: 'josiane.lefebure@exemple.fr',
        accepteCourriel: false,
      },
      situation: {
        impayesMois: 3,
        montantDette: 3450,
        debutBail: '2026-05-01',
        garantie: 'loca_pass',
        dejaTente: 'Deux relances, une visite de la gardienne',
        contactBailleur: false,
        suiviParServiceSocial: true,
      },
      consentement: true,
      accepteePar: 'Coordinatrice Essai',
      accepteeLe: '2026-10-26T09:00:00.000Z',
    };
    const { texte, titre } = await pdfDe('fiche-orientation', SUIVI, 'equipe', { orientation });
    expect(titre).toBe('Fiche d’orientation — dossier DOC-1');
    for (const t of [
      'Fiche d’orientation Dossier DOC-1',
      'Qui oriente',
      'SA HLM Les Chalets (bailleur social)',
      'Service Recouvrement',
      'Personne qui oriente Sandrine Morel',
      'Fiche reçue le 20 octobre 2026',
      'Le ménage',
      'Mme Josiane Lefébure',
      'Composition famille monoparentale',
      '06 12 34 56 78',
      '(courrier seulement)',
      'La situation locative',
      'Loyers impayés 3 mois',
      'Dette locative 3 450 €',
      'Début du bail 1er mai 2026',
      'Garantie Loca-Pass',
      'Deux relances, une visite de la gardienne',
      'le bailleur n’arrive pas à joindre le ménage',
      'un service social suit déjà le ménage',
      'Accord du ménage',
      'Le ménage a été informé de cette orientation et l’a acceptée',
      'Orientation acceptée le 26 octobre 2026 par Coordinatrice Essai',
      'Travailleur social Alice Travailleuse',
      'Document confidentiel',
    ]) {
      expect(texte).toContain(t);
    }
    sansIdentifiant(texte, 'la fiche d’orientation');
    // Sans fiche de partenaire : ce que le parcours a retenu à son ouverture.
    const lance = await pdfDe('fiche-orientation', SUIVI, 'equipe', { coordination: 'Coordinatrice Essai' });
    for (const t of [
      'enregistrée par la coordination du dispositif',
      'Coordination Coordinatrice Essai',
      'Parcours ouvert le 26 octobre 2026',
      'Mme Josiane Lefébure',
      'Dette locative 3 450 €',
      'Garantie aucune',
      'lettre d’information du 26 octobre 2026',
    ]) {
      expect(lance.texte).toContain(t);
    }
    sansIdentifiant(lance.texte, 'la fiche d’orientation (lancement)');
    expect(() => preparerDocument('fiche-orientation', source(SUIVI), 'partenaires')).toThrow(
      'Ce document (la fiche d’orientation) n’est pas préparé pour ce destinataire (les partenaires) ; il l’est pour l’équipe.',
    );
    expect(() => preparerDocument('fiche-orientation', source(IML), 'equipe')).toThrow(/n’existe que pour un parcours de prévention précontentieuse/);
  });

  it('la fiche de suivi social : diagnostic, carnet, plan, points de suivi et bilans pour l’équipe ; la version du bailleur sans rien de confidentiel', async () => {
    const equipe = await pdfDe('fiche-suivi-social', SUIVI, 'equipe');
    for (const t of [
      'Fiche de suivi social Dossier DOC-1',
      'Étape actuelle Suivi du plan',
      'Contact établi le 4 novembre 2026',
      'Tentatives de contact 3',
      'Délai du premier contact 9 jours',
      'Dette locative à l’orientation 3 450 €',
      'Diagnostic (confidentiel)',
      'Entretien 1 le 10 novembre 2026',
      'Origine de la dette Perte d’emploi en septembre',
      'Reste à vivre de 812,40 € par mois',
      // Le premier entretien de la fiche 002 : noté au second entretien ; le premier l'ignorait.
      'Dispositifs adaptés présentés non renseigné',
      'Dispositifs adaptés présentés Oui',
      'Procédures possibles expliquées Non',
      'Carnet de route remis au ménage',
      'Déposer la demande d’aide au FSL',
      'Contractualisé le 24 novembre 2026',
      'Plan d’apurement 143,75 € par mois pendant 24 mois (3 450 € au total)',
      'Mesure ASLL validée par le département le 30 novembre 2026',
      'Accompagnement social lié au logement (ASLL)',
      'Santé',
      'Points de suivi et bilans',
      'Point de suivi à 1 mois 4 janvier 2027 Reprise partielle Respecté',
      'Point de suivi à 2 mois prévu le 2 février 2027',
      'Bilan à 3 mois prévu le 2 mars 2027',
      'Prochaines échéances',
      // Une échéance à l'heure dit son heure (16 février 2027 à 10 h, Paris).
      'Point de suivi à 2 mois : avant le 16 février 2027 à 10:00',
      'Version de l’équipe',
    ]) {
      expect(equipe.texte).toContain(t);
    }
    // Joint le jour du repérage : « le jour même », pas « 0 jour ».
    const memeJour = await pdfDe('fiche-suivi-social', { ...SUIVI, details: { ...SUIVI.details, delaiPremierContactJours: 0 } }, 'equipe');
    expect(memeJour.texte).toContain('Délai du premier contact le jour même');
    expect(equipe.texte).not.toContain('SECRET-7731'); // les notes libres restent au dossier
    sansIdentifiant(equipe.texte, 'la fiche de suivi (équipe)');

    const bailleur = await pdfDe('fiche-suivi-social', { ...SUIVI, detailsConfidentiels: {} }, 'partenaires');
    for (const t of [
      'Engagements qui concernent le bailleur',
      'Plan d’apurement 143,75 € par mois pendant 24 mois',
      'Demande de mutation une demande sera déposée',
      'Point de suivi à 1 mois 4 janvier 2027 Reprise partielle Respecté',
      'Contact établi le 4 novembre 2026',
    ]) {
      expect(bailleur.texte).toContain(t);
    }
    sansSecret(bailleur.texte);
    for (const t of ['Diagnostic', 'Perte d’emploi', 'Carnet de route', 'FSL', 'Santé', 'ASLL', 'Garantie']) expect(bailleur.texte, t).not.toContain(t);
    // Même si l'état confidentiel lui est passé, la version des partenaires ne le montre pas.
    // Clôturé : les bilans non tenus ne sont plus « prévus ».
    const close = await pdfDe(
      'fiche-suivi-social',
      { ...SUIVI, etape: 'cloture', cloture: { issue: 'situation_stabilisee', le: '2026-12-20T10:00:00.000Z' } },
      'equipe',
    );
    expect(close.texte).toContain('Bilan à 3 mois non tenu (accompagnement terminé)');
    expect(close.texte).not.toContain('prévu le');
    const avecConfidentiel = await pdfDe('fiche-suivi-social', SUIVI, 'partenaires');
    sansSecret(avecConfidentiel.texte);
    expect(avecConfidentiel.texte).not.toContain('Perte d’emploi');
    sansIdentifiant(bailleur.texte, 'la fiche de suivi (bailleur)');
    expect(bailleur.d.fichier).toBe('fiche-suivi-social-DOC-1-partenaires');

    expect(() => preparerDocument('fiche-suivi-social', source({ ...SUIVI, details: { situation: SUIVI.details.situation } }), 'equipe')).toThrow(
      /aucun contact n’est encore établi/,
    );
    expect(() => preparerDocument('fiche-suivi-social', source(SUIVI), 'menage')).toThrow(DocumentIndisponible);
    // En HTML, un tableau défile dans son cadre (rejoint au clavier), pas la page d'un téléphone.
    const enHtml = contenuDocument(preparerDocument('fiche-suivi-social', source(SUIVI), 'equipe')).valeur;
    expect(enHtml).toMatch(/<div class="defilement" role="region" aria-label="[^"]+" tabindex="0"><table>/);
  });

  it('le plan d’aide à signer : engagements réciproques, remboursement, ce que sait le bailleur, cadres de signature', async () => {
    const { texte, d } = await pdfDe('plan-aide', SUIVI, 'menage');
    for (const t of [
      'Plan d’aide : nos engagements réciproques Dossier DOC-1',
      `Entre ${declic.operateur.nom}`,
      'Et Mme Josiane Lefébure, 12 rue des Tilleuls, 45000 Orléans',
      'Votre travailleur social Alice Travailleuse',
      'Plan établi le 24 novembre 2026',
      'Les actions prévues',
      'Rembourser la dette de loyer selon le plan d’apurement convenu avec votre bailleur.',
      'Déposer une demande d’aide au Fonds de solidarité pour le logement (FSL).',
      'Les démarches de votre carnet de route',
      'Prendre rendez-vous au centre médico-psychologique',
      'Vers qui nous vous orientons',
      'Accompagnement social lié au logement (ASLL), mesure du département : validée par le département le 30 novembre 2026.',
      'Le remboursement de la dette',
      '143,75 € par mois pendant 24 mois (3 450 € au total)',
      'Une demande de mutation',
      'Vos engagements',
      'Venir aux rendez-vous',
      'Nos engagements',
      'des points de suivi réguliers, environ une fois par mois et des bilans à 3 mois et 6 mois, puis un point chaque mois, jusqu’à ce que votre situation soit stabilisée ou que vous souhaitiez arrêter.',
      'Premier rendez-vous de suivi prévu vers le 2 février 2027',
      'Ce qui est transmis à votre bailleur',
      'Le détail de votre situation reste confidentiel',
      `Par téléphone : ${declic.operateur.telephone}`,
      'Fait en deux exemplaires, à Toulouse, le',
      'Le ménage Mme Josiane Lefébure Signature précédée de la mention « lu et approuvé »',
      `Le travailleur social Alice Travailleuse, pour ${declic.operateur.nom}`,
    ]) {
      expect(texte).toContain(t);
    }
    // Ni le diagnostic, ni les notes : seulement ce que le ménage signe.
    for (const t of ['Perte d’emploi', 'SECRET-7731', 'dette de jeu', 'T3 trop grand']) expect(texte).not.toContain(t);
    expect(d.blocs.some((b) => b.type === 'signatures')).toBe(true);
    sansIdentifiant(texte, 'le plan d’aide');
    expect(() => preparerDocument('plan-aide', source(SUIVI), 'partenaires')).toThrow(/n’est pas préparé pour ce destinataire/);
    expect(() => preparerDocument('plan-aide', source(PREVENTION), 'menage')).toThrow(/Le plan d’aide n’est pas encore enregistré/);
    // Avec l'accord du ménage pour partager son diagnostic avec le bailleur, le plan le dit (plus « le détail reste confidentiel »).
    const avecAccord = await pdfDe(
      'plan-aide',
      { ...SUIVI, details: { ...SUIVI.details, partageDiagnostic: { pour: ['bailleur'], le: '2026-11-25T10:00:00.000Z' } } },
      'menage',
    );
    expect(avecAccord.texte).toContain('Avec votre accord, il reçoit aussi votre diagnostic (sans les notes de votre travailleur social)');
    expect(avecAccord.texte).not.toContain('Le détail de votre situation reste confidentiel');
  });

  it('le carnet de route du ménage : ses démarches à cocher, ses rendez-vous passés et à venir, qui appeler', async () => {
    const { texte } = await pdfDe('carnet-de-route', SUIVI, 'menage');
    for (const t of [
      'Votre carnet de route Dossier DOC-1',
      'Votre interlocuteur Alice Travailleuse',
      'Vos démarches',
      'Démarche Faite le Remarques',
      'Rouvrir les droits à l’aide au logement auprès de la CAF',
      'Votre plan d’aide',
      'Chaque mois : votre loyer, plus 143,75 € de remboursement de la dette, pendant 24 mois.',
      'Vos rendez-vous passés',
      '4 novembre 2026 Premier contact avec nous',
      '10 novembre 2026 Premier entretien sur votre situation',
      '17 novembre 2026 Entretien sur votre situation',
      '24 novembre 2026 Signature de votre plan d’aide',
      '4 janvier 2027 Point de suivi à 1 mois',
      'Vos prochains rendez-vous',
      'Point de suivi à 2 mois : vers le 2 février 2027',
      'Bilan à 6 mois : vers le 2 juin 2027',
      'Date et heure Lieu Avec qui',
      'Pour nous joindre',
      `Par courrier ou sur place : ${declic.operateur.adresse}`,
      'Ce carnet est à vous.',
    ]) {
      expect(texte).toContain(t);
    }
    for (const t of ['Perte d’emploi', 'SECRET-7731', 'dette de jeu']) expect(texte).not.toContain(t);
    sansIdentifiant(texte, 'le carnet de route');
    expect(() => preparerDocument('carnet-de-route', source(PREVENTION), 'menage')).toThrow(/carnet de route/);
  });

  it('le livret du bail glissant : IML, sous-location, glissement, étapes et dates de la mesure, engagements, qui appeler', async () => {
    const concarneau = CATALOGUE.trouver('concarneau-iml')!;
    const enCours: EtatParcours = {
      ...IML,
      etape: 'sous_location',
      libelleEtape: 'Sous-location et accompagnement',
      details: { ...IML.details, validationSiao: { le: '2025-11-12T10:00:00.000Z' }, bilans: [(IML.details.bilans as unknown[])[0]], ficheCloture: undefined },
    } as EtatParcours;
    const { texte, titre } = await pdfDe('livret-iml', enCours, 'menage');
    expect(titre).toBe('Livret sur le bail glissant — dossier DOC-1');
    // Le dossier, dit une fois sous le titre (pas répété dans le bloc d'en-tête).
    expect(texte.slice(0, texte.indexOf('L’intermédiation locative')).match(/DOC-1/g)).toHaveLength(1);
    for (const t of [
      'Votre logement en bail glissant Dossier DOC-1',
      'L’intermédiation locative, qu’est-ce que c’est ?',
      'Nous louons un logement à un bailleur (c’est le bail principal) et nous vous le sous-louons',
      'Le bail glissant',
      'Au bout de 12 mois de sous-location',
      'il passe à votre nom. Vous devenez locataire en titre de votre logement, sans déménager.',
      'prolongée de 6 mois, jusqu’à 18 mois au plus',
      'Les étapes',
      'commission du SIAO (service intégré d’accueil et d’orientation)',
      'Nous disposons de 10 places agréées par l’État',
      'Des bilans à 6 mois et 10 mois de sous-location. Le bilan à 6 mois a lieu avec le bailleur et vous',
      'Où en êtes-vous ?',
      'Étape actuelle Sous-location et accompagnement',
      'Candidature validée le 12 novembre 2025',
      'Votre logement T2, loyer de 385 € par mois',
      'Sous-location depuis le 5 janvier 2026',
      'Bilan à 6 mois tenu le 8 juillet 2026',
      'Bilan à 10 mois prévu vers le 5 novembre 2026',
      'Glissement du bail envisagé le 5 janvier 2027',
      'Vos engagements',
      'assurance habitation',
      'Qui appeler ?',
      `Par téléphone : ${concarneau.operateur.telephone}`,
    ]) {
      expect(texte).toContain(t);
    }
    for (const t of ['Mouettes', 'violences conjugales', 'dette de jeu', '980']) expect(texte).not.toContain(t);
    sansIdentifiant(texte, 'le livret');
    expect(() => preparerDocument('livret-iml', source(SUIVI), 'menage')).toThrow(/n’existe que pour une mesure d’intermédiation locative/);
    // Une candidature refusée (parcours clos avant la sous-location) : pas de livret.
    const refuse = { ...IML, details: {}, cloture: { issue: 'refus', le: '2026-12-04T10:00:00.000Z' } } as EtatParcours;
    expect(() => preparerDocument('livret-iml', source(refuse), 'menage')).toThrow(
      'Le livret sur le bail glissant n’a plus d’objet : le parcours s’est terminé avant la sous-location.',
    );
  });

  it('un programme dont l’opérateur n’a ni téléphone ni adresse : les documents restent lisibles, sans ligne vide', async () => {
    const sans = {
      ...CATALOGUE.trouver('toulouse-declic')!,
      operateur: { nom: 'Association essai', courriel: 'essai@asso.example', type: 'association' as const },
    };
    const d = preparerDocument('carnet-de-route', { etat: SUIVI, programme: sans, contact: 'Alice Travailleuse' }, 'menage');
    const { plat } = await lirePdf(await genererPdf(d));
    expect(plat).toContain('Courriel : essai@asso.example');
    expect(plat).toContain('Par courriel : essai@asso.example');
    expect(plat).not.toContain('Par téléphone');
    expect(plat).not.toContain('Tél.');
    sansIdentifiant(plat);
    const plan = preparerDocument('plan-aide', { etat: SUIVI, programme: sans }, 'menage');
    expect(plan.blocs.find((b) => b.type === 'signatures')).toMatchObject({ lieuEtDate: 'Fait en deux exemplaires, à …………………………, le ……………………………' });
  });

  it('le plan d’aide annonce la durée que le suivi tient : un bilan à 12 mois pour 6 mois de suivi se lit « pendant 12 mois »', () => {
    const textePlan = (programme: Programme) =>
      JSON.stringify(preparerDocument('plan-aide', { etat: { ...SUIVI, programme: { ...SUIVI.programme, id: programme.id } }, programme }, 'menage').blocs);
    // besancon-ccas, réglé par son administration avec des bilans à 6 et 12 mois (6 mois de suivi).
    const preset = CATALOGUE.trouver('besancon-ccas')!;
    expect(preset.delais.suivi).toBe('P6M');
    const besancon = { ...preset, jalons: { ...preset.jalons, bilans: ['P6M', 'P12M'] } };
    expect(textePlan(besancon)).toContain('Faire le point avec vous : des bilans à 6 mois et 12 mois, pendant 12 mois.');
    // Tel que la fiche le décrit : aucun bilan par ménage, le suivi de 6 mois.
    expect(textePlan(preset)).toContain('Faire le point avec vous régulièrement, pendant 6 mois.');
    const loiret = CATALOGUE.trouver('loiret-ahu')!;
    expect(textePlan(loiret)).toContain('Faire le point avec vous : des bilans à 3 mois et 6 mois, pendant 6 mois.');
  });
});

describe('l’activité de courriel joint les documents en PDF (vrai SMTP)', () => {
  let boite: MailCatcher;
  let activites: ReturnType<typeof createCourrielActivities>;
  beforeAll(async () => {
    boite = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
    const db = (await baseEssai()).db;
    await inscrireAnnuaire(db);
    activites = createCourrielActivities({
      base: db,
      transport: nodemailer.createTransport({ host: '127.0.0.1', port: boite.smtpPort, secure: false, ignoreTLS: true }),
      expediteur: 'Prévention des expulsions <ne-pas-repondre@essai.example>',
      signeur: SIGNEUR,
      baseUrl: 'http://localhost:3999',
    });
  });
  afterAll(async () => boite?.close());

  const programme = CATALOGUE.trouver('reims-april-protocole')!;
  const piece = (document: NomDocument, lecteur: Lecteur, e: EtatParcours): PieceJointe => ({
    document,
    lecteur,
    etat: e,
    programme: { id: programme.id, nom: programme.nom, operateur: programme.operateur },
  });

  it('le résumé du protocole au bailleur : PDF joint, version des partenaires même si l’état confidentiel lui est passé', async () => {
    await activites.envoyerCourriel({
      cle: 'essai-documents/resume-1',
      destinataire: { type: 'adresse', nom: 'Bailleur', courriel: 'bailleur@essai.example' },
      sujet: 'Protocole enregistré (dossier DOC-1)',
      paragraphes: ['Le protocole est enregistré.'],
      signature: 'APRIL',
      piecesJointes: [piece('resume-protocole', 'partenaires', PROTOCOLE)],
    });
    const m = await boite.waitFor((x) => x.sujet === 'Protocole enregistré (dossier DOC-1)');
    expect(m.texte).toContain('Document joint (PDF) : Résumé du protocole.');
    const pj = m.piecesJointes;
    expect(pj.map((x) => [x.filename, x.contentType])).toEqual([['resume-protocole-DOC-1.pdf', 'application/pdf']]);
    const { plat: texte } = await lirePdf(pj[0]!.contenu);
    expect(texte).toContain('Résumé du protocole de cohésion sociale Dossier DOC-1');
    expect(texte).toContain('Plan d’apurement');
    sansSecret(texte);
    sansSecret(m.texte);
  });

  it('un document indisponible n’empêche pas le courriel : il part sans pièce jointe ; une entrée invalide est refusée', async () => {
    const r = await activites.envoyerCourriel({
      cle: 'essai-documents/bilan-absent',
      destinataire: { type: 'adresse', nom: 'DDETS', courriel: 'ddets@essai.example' },
      sujet: 'Fiche-bilan absente (dossier DOC-1)',
      paragraphes: ['Essai.'],
      signature: 'CCAS',
      piecesJointes: [piece('fiche-bilan', 'partenaires', { ...IML, details: {} })],
    });
    expect(r.piecesJointes).toEqual([]);
    const m = await boite.waitFor((x) => x.sujet === 'Fiche-bilan absente (dossier DOC-1)');
    expect(m.piecesJointes).toEqual([]);
    expect(m.texte).not.toContain('Document joint');
    await expect(
      activites.envoyerCourriel({
        cle: 'essai-documents/invalide',
        destinataire: { type: 'adresse', nom: 'DDETS', courriel: 'ddets@essai.example' },
        sujet: 'x',
        paragraphes: ['x'],
        signature: 'x',
        piecesJointes: [{ ...piece('fiche-bilan', 'partenaires', IML), document: 'autre' as never }],
      }),
    ).rejects.toThrow(/envoyerCourriel : entrée invalide, champ piecesJointes\.0\.document/);
  });
});
