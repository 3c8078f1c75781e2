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
import { piecesJointesMime } from '../dev/mime';
import { DocumentIndisponible, genererPdf, preparerDocument, versWinAnsi, type Lecteur, type NomDocument, type SourceDocument } from '../documents';
import type { EtatParcours } from '../domain/vocabulaire';
import { lirePdf, estPdf } from './outils/pdf';
import { CATALOGUE, SIGNEUR, inscrireAnnuaire } from './outils/environnement';

/** Ce que le ménage a confié, et ce qui le désigne : jamais dans un document adressé à un partenaire. */
const SECRETS = ['Lefébure', 'Josiane', 'Tilleuls', '06 12 34 56 78', 'josiane.lefebure', 'Mouettes', 'violences conjugales', 'dette de jeu', 'SECRET-7731', '980'];

const menage = { reference: 'DOC-1', nom: 'Mme Josiane Lefébure', composition: 'famille_monoparentale', adresse: '12 rue des Tilleuls, 45000 Orléans', telephone: '06 12 34 56 78', courriel: 'josiane.lefebure@exemple.fr', accepteCourriel: true };

function etat(typeParcours: EtatParcours['typeParcours'], programmeId: string, details: Record<string, unknown>, confidentiels: Record<string, unknown> = {}): EtatParcours {
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
const source = (e: EtatParcours, o: Partial<SourceDocument> = {}): SourceDocument => ({ etat: e, programme: CATALOGUE.trouver(e.programme.id)!, contact: 'Alice Travailleuse', ...o });

const PREVENTION = etat('prevention_precontentieuse', 'loiret-ahu', {
  lettreInformation: { le: '2026-03-01T10:00:00.000Z' },
  ficheCloture: { issue: 'plan_apurement_respecte', libelle: "Plan d'apurement respecté", motif: 'Dette soldée, loyer courant repris', le: '2026-09-12T10:00:00.000Z', bilans: [{ jalon: 'Bilan à 3 mois', reprisePaiement: 'partielle', planRespecte: true }] },
});
const IML = etat(
  'iml_bail_glissant',
  'concarneau-iml',
  {
    candidature: { structure: 'chrs', composition: 'famille_monoparentale', secteurs: ['Concarneau'] },
    logement: { typeBailleur: 'public', bailleur: 'OPAC de Quimper Cornouaille', typologie: 'T2', loyerMensuel: 385 },
    mesure: { debut: '2026-01-05T00:00:00.000Z', glissementPrevuLe: '2027-01-05T00:00:00.000Z' },
    bilans: [
      { jalon: 'P6M', libelle: 'Bilan de mesure à 6 mois', tenuLe: '2026-07-08T09:00:00.000Z', paiementLoyer: 'regulier', situation: 'stable', bailleurPresent: true, menagePresent: true, decision: 'poursuivre', loyers: { payes: 5, partiels: 1, impayes: 0 }, accompagnement: { rendezVous: 4, visitesDomicile: 2, liensPartenaires: 1, axes: ['budget', 'acces_droits'] } },
      { jalon: 'P10M', libelle: 'Bilan de mesure à 10 mois', tenuLe: '2026-11-06T09:00:00.000Z', paiementLoyer: 'irregulier', situation: 'fragile', bailleurPresent: false, menagePresent: true, loyers: { payes: 8, partiels: 1, impayes: 1 }, accompagnement: { rendezVous: 7, visitesDomicile: 3, liensPartenaires: 2, axes: ['budget', 'savoir_habiter'] } },
    ],
    ficheCloture: { issue: 'glissement_du_bail', libelle: 'Glissement du bail', motif: 'Bail glissé au profit du ménage après 12 mois de sous-location', le: '2027-01-06T10:00:00.000Z', dureeSousLocationMois: 12, prolongations: 0, bilans: [{ jalon: 'P6M', paiementLoyer: 'regulier', situation: 'stable', decision: 'poursuivre' }] },
  },
  { adresseLogement: '4 impasse des Mouettes, 29900 Concarneau', candidature: { ressourcesMensuelles: 980, notes: 'violences conjugales' }, bilans: [{ jalon: 'P6M', notes: 'dette de jeu', freins: ['dette'] }] },
);
const PROTOCOLE = etat(
  'protocole_post_resiliation',
  'reims-april-protocole',
  {
    resiliation: { jugementDu: '2025-11-20', juridiction: 'Tribunal judiciaire de Reims', detteLocative: 4210.5 },
    protocole: { signeLe: '2026-01-15', debut: '2026-02-01', dureeInitialeMois: 24, dureeTotaleMois: 36, terme: '2029-02-01', indemniteOccupation: 412.5, planApurement: { dette: 4210.5, mensualite: 1234.56, depuis: '2026-02' }, detteRestante: 2975.94, avenants: [{ signeLe: '2027-12-01', prolongationMois: 12 }] },
    paiements: { moisRegles: 2, payes: 1, impayes: 1, nonRenseignes: 0, montantRecu: 1647.06, montantAttendu: 3294.12, mois: [{ mois: '2026-02', statut: 'paye', montant: 1647.06, attendu: 1647.06 }, { mois: '2026-03', statut: 'impaye', montant: 0, attendu: 1647.06 }] },
    accompagnement: { visite_domicile: 2, rendez_vous: 3, mediation_bailleur: 1, lien_partenaire: 0 },
    ficheCloture: { issue: 'nouveau_bail_signe', libelle: 'Nouveau bail signé', le: '2029-02-10T10:00:00.000Z', paiements: { moisRegles: 36, payes: 36, impayes: 0, nonRenseignes: 0, montantRecu: 59294.16, montantAttendu: 59294.16 }, bilans: 12 },
  },
  { motifCloture: 'SECRET-7731', notesAccompagnement: ['dette de jeu'] },
);

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
  it('la lettre d’information au ménage : à son nom et à son adresse, en français, accents et date lisibles', async () => {
    const { texte, titre } = await pdfDe('lettre-information', PREVENTION, 'menage');
    expect(titre).toBe('Lettre d’information — dossier DOC-1');
    expect(texte).toContain('Objet : un accompagnement vous est proposé');
    expect(texte).toContain('Madame, Monsieur,');
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
    for (const t of ['Fiche-bilan de mesure — bilan de mesure à 6 mois', 'Le bilan', 'La mesure', 'Paiement du loyer', 'Situation du ménage et accompagnement social', 'DDETS']) expect(six.texte).toContain(t);
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
    for (const t of ['Fiche de clôture', 'Dossier DOC-1', 'Issue de l’accompagnement', "Plan d'apurement respecté", 'Dette soldée, loyer courant repris', '12 septembre 2026', 'Bilans', 'Reprise partielle', 'Prévention précontentieuse']) {
      expect(prevention.texte).toContain(t);
    }
    sansSecret(prevention.texte);
    const iml = await pdfDe('fiche-cloture', IML, 'partenaires');
    for (const t of ['Glissement du bail', 'La mesure', '12 mois', 'Bilans de mesure', 'Bilan à 6 mois', 'poursuite de la mesure pendant 6 mois']) expect(iml.texte).toContain(t);
    sansSecret(iml.texte);
    const protocole = await pdfDe('fiche-cloture', PROTOCOLE, 'partenaires');
    for (const t of ['Nouveau bail signé', 'Le protocole', 'Paiements', '36 mois (dont 12 par avenant)', '59 294,16 € sur 59 294,16 € attendus']) expect(protocole.texte).toContain(t);
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
      'Montant reçu 1 647,06 € sur 3 294,12 € attendus',
      'mars 2026 Impayé 0 € 1 647,06 €',
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
  });

  it('un document qui n’existe pas pour ce parcours ou ce lecteur : une raison en français', () => {
    const sans = (e: EtatParcours, cle: string) => ({ ...e, details: Object.fromEntries(Object.entries(e.details).filter(([k]) => k !== cle)) });
    expect(() => preparerDocument('fiche-bilan', source(sans(IML, 'bilans')), 'partenaires')).toThrow(/Aucun bilan de mesure n’a encore été tenu/);
    expect(() => preparerDocument('fiche-bilan', source(IML, { jalon: 'P3M' }), 'partenaires')).toThrow(/Aucun bilan de mesure « P3M »/);
    expect(() => preparerDocument('fiche-bilan', source(PREVENTION), 'partenaires')).toThrow(DocumentIndisponible);
    expect(() => preparerDocument('lettre-information', source(PREVENTION), 'partenaires')).toThrow(/n’est pas préparé pour ce destinataire/);
    expect(() => preparerDocument('resume-protocole', source(sans(PROTOCOLE, 'protocole')), 'equipe')).toThrow(/pas encore signé/);
    expect(() => preparerDocument('fiche-cloture', source(sans(PREVENTION, 'ficheCloture')), 'equipe')).toThrow(/n’est pas clôturé/);
  });

  it('WinAnsi : accents, guillemets, apostrophe et euro gardés ; espaces fines et caractères inconnus remplacés', async () => {
    expect(versWinAnsi('« Été » l’œuvre : 1\u202f234,50\u00a0€')).toBe('« Été » l’œuvre : 1\u00a0234,50\u00a0€');
    expect(versWinAnsi('Łódź → ok ✓ 🙂')).toBe('Lódz -> ok oui ?');
    const d = preparerDocument('fiche-cloture', source({ ...PREVENTION, details: { ...PREVENTION.details, ficheCloture: { issue: 'cloture_anticipee', motif: 'Départ à Łódź — « déménagement » 🙂', le: '2026-05-01T10:00:00.000Z' } } }), 'equipe');
    const { plat } = await lirePdf(await genererPdf(d));
    expect(plat).toContain('Départ à Lódz — « déménagement » ?');
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
  const piece = (document: NomDocument, lecteur: Lecteur, e: EtatParcours): PieceJointe => ({ document, lecteur, etat: e, programme: { id: programme.id, nom: programme.nom, operateur: programme.operateur } });

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
    const pj = piecesJointesMime(m.brut);
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
    expect(piecesJointesMime(m.brut)).toEqual([]);
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
