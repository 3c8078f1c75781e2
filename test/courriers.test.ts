/**
 * Les courriers (courriers/) : chaque modèle de courriel des parcours IML et protocole, rendu avec
 * des données d'exemple, se lit en français — ni mot de code, ni date ISO, ni montant sans mise en
 * forme française — et dit les dates et les montants comme une personne les écrit. Un modèle ajouté
 * sans exemple ici fait échouer le test. Fonctions pures : ni Temporal, ni base.
 */
import { veilleDe } from '../domain/durees';
import { describe, expect, it } from 'vitest';
import { iml, orientations, personnel, prevention, protocole, type Courriel } from '../courriers';
import { nommerPersonnel } from '../domain/libelles';
import { appelDuMenage, demandeAuPartenaire, echeanceDepassee, rappelEcheance, sansReponse, signatureOperateur } from '../courriers/commun';
import { CATALOGUE } from './outils/environnement';
import { sansIdentifiant } from './outils/pdf';

const ref = 'REF-2027-014';
const programme = { nom: 'Intermédiation locative de Concarneau', operateur: { nom: 'CCAS de Concarneau', courriel: 'iml@ccas.example' } };
const candidature = {
  structure: 'chrs' as const,
  hebergeDepuis: '2026-05-04',
  pretASortir: true,
  budgetTravaille: true,
  typologieRecherchee: 'T3' as const,
  secteurs: ['Concarneau'],
};
const fiche: iml.FicheBilan = {
  jalon: 'P6M',
  libelle: 'Bilan de mesure à 6 mois',
  tenuLe: '2027-09-16T08:00:00.000Z',
  paiementLoyer: 'regulier',
  situation: 'stable',
  bailleurPresent: true,
  menagePresent: true,
  decision: 'poursuivre',
  loyers: { payes: 5, partiels: 1, impayes: 0 },
  accompagnement: { rendezVous: 4, visitesDomicile: 2, liensPartenaires: 1, axes: ['budget', 'savoir_habiter'] },
};
const logement = {
  debutBailPrincipal: '2027-03-01',
  typologie: 'T3' as const,
  bailleur: { type: 'public' as const, nom: 'Office public', conventionne: true },
};

/** Un exemple par modèle ; un modèle qui écrit à plusieurs rôles donne un courriel par rôle. */
const exemplesIml: Record<string, () => Courriel | Record<string, Courriel> | string[]> = {
  alerteImpayes: () => iml.alerteImpayes({ ref, programme, impayes: 2, jusqua: '2027-06', travailleurSocial: 'ts.martin' }),
  candidatureNonRecevable: () => iml.candidatureNonRecevable({ ref, refus: 'Le ménage doit être jugé « prêt à sortir » vers le logement.' }),
  apercuCandidature: () => iml.apercuCandidature({ ref, programme, composition: 'couple', candidature, quota: 10 }),
  placeAccordee: () => ({
    avecDelai: iml.placeAccordee({ ref, programme, logementAvant: '2027-06-07T21:59:59.999Z' }),
    sansDelai: iml.placeAccordee({ ref, programme }),
  }),
  debutDeMesure: () =>
    iml.debutDeMesure({
      ref,
      programme,
      logement,
      debut: '2027-03-15',
      premierBilan: 'P6M',
      glissementPrevuLe: new Date('2028-03-15T00:00:00+01:00'),
      dureeMax: 'P18M',
    }),
  bilanATenir: () => iml.bilanATenir({ ref, libelle: 'Bilan de mesure à 6 mois', avecDecision: true, glissementPrevuLe: '2028-03-15', avant: '2027-10-06' }),
  ficheBilan: () => iml.ficheBilan({ ref, programme, composition: 'couple', structure: 'chrs', fiche, logement, debut: '2027-03-15' }),
  decisionDuBilan: () => iml.decisionDuBilan({ ref, libelle: 'Bilan de mesure à 6 mois', glissement: false, glissementPrevuLe: '2028-03-15' }),
  conditionsAEvaluer: () => iml.conditionsAEvaluer({ ref, terme: '2028-03-15', avant: '2028-04-05', limite: '2028-09-15' }),
  prolongation: () => iml.prolongation({ ref, programme, mois: 4, jusquau: '2028-07-15' }),
  glissementAuBailleur: () => iml.glissementAuBailleur({ ref, programme, mois: 12 }),
  glissementAuxPartenaires: () => iml.glissementAuxPartenaires({ ref, programme, anticipe: true, structure: 'chrs', mois: 6 }),
  glissementAuMenage: () => iml.glissementAuMenage({ programme }),
  debutDeMesureAuMenage: () =>
    iml.debutDeMesureAuMenage({
      programme: { ...programme, operateur: { ...programme.operateur, telephone: '02 98 00 00 00' } },
      debut: '2027-01-04',
      glissementPrevuLe: '2028-01-04',
    }),
  refusSiao: () => iml.refusSiao({ ref, motif: 'ressources insuffisantes pour le loyer visé' }),
  finSansGlissementAuBailleur: () => iml.finSansGlissementAuBailleur({ ref, programme, le: '2027-10-20', issue: 'Départ du logement' }),
  finSansGlissementAuxPartenaires: () =>
    iml.finSansGlissementAuxPartenaires({
      ref,
      programme,
      issue: 'Fin avec orientation',
      placeAccordee: true,
      moisDeSousLocation: 7,
      orientation: 'Résidence sociale',
    }),
};

const protocoleSigne = {
  ref,
  programme,
  jugementDu: '2026-11-11',
  protocole: { signeLe: '2027-02-20', debut: '2027-03-01', dureeMois: 24, indemniteOccupation: 412.5 },
  terme: '2029-03-01',
  plan: { dette: 3450, mensualite: 95 },
  bilan: 'P3M',
};
const respecte: protocole.ProtocoleRespecte = { ref, programme, terme: '2029-03-01', dureeTotaleMois: 24, delai: 'P3M', avant: '2029-06-01' };
const rupture: protocole.Rupture = {
  ref,
  programme,
  decideeLe: '2027-12-02',
  signeLe: '2027-02-20',
  motif: 'trois mois impayés de suite',
  le: new Date('2027-12-02T10:00:00Z'),
};
const exemplesProtocole: Record<string, () => Courriel | Record<string, Courriel> | string[]> = {
  protocoleAPreparer: () => ({
    sansDelai: protocole.protocoleAPreparer({ ref, resiliation: { jugementDu: '2026-11-11', detteLocative: 3450 }, dureeMax: 'P2Y' }),
    avecDelai: protocole.protocoleAPreparer({
      ref,
      resiliation: { jugementDu: '2026-11-11', detteLocative: 3450 },
      dureeMax: 'P2Y',
      signeAvant: '2027-01-11T22:59:59.999Z',
    }),
  }),
  protocoleSigne: () => protocole.protocoleSigne(protocoleSigne),
  protocoleSigneAuMenage: () =>
    protocole.protocoleSigneAuMenage({ programme, protocole: protocoleSigne.protocole, terme: protocoleSigne.terme, plan: protocoleSigne.plan }),
  demandeDePaiement: () => {
    const l = protocole.demandeDePaiement({ ref, mois: '2027-04', rang: 2, dureeTotaleMois: 24, attendu: { total: 507.5, indemnite: 412.5, apurement: 95 } });
    return { sujet: l.objet, paragraphes: l.apercu };
  },
  paiementManque: () => protocole.paiementManque({ ref, mois: '2027-04', montant: 200, attendu: 507.5, consecutifs: 2 }),
  manquementsRepetes: () => protocole.manquementsRepetes({ ref, programme, manques: ['2027-03', '2027-04'], travailleurSocial: 'ts.martin' }),
  constaterLaRupture: () => {
    const l = protocole.constaterLaRupture({ ref, manques: ['2027-03', '2027-04'] });
    return { sujet: l.objet, paragraphes: l.apercu };
  },
  avenant: () =>
    protocole.avenant({
      ref,
      signeLe: '2029-02-10',
      prolongationMois: 12,
      jusquau: '2030-03-01',
      plan: { dette: 1210.4, mensualite: 60 },
      indemniteOccupation: 420,
    }),
  avenantAuMenage: () =>
    protocole.avenantAuMenage({
      programme,
      signeLe: '2029-02-10',
      prolongationMois: 12,
      jusquau: '2030-03-01',
      plan: { dette: 1210.4, mensualite: 60 },
      indemniteOccupation: 420,
    }),
  bilan: () =>
    protocole.bilan({
      ref,
      le: '2027-06-02',
      moisRegles: 3,
      dureeTotaleMois: 24,
      paiements: { payes: 2, impayes: 1, nonRenseignes: 0, montantRecu: 1015, montantAttendu: 1522.5 },
      detteRestante: 3260,
      accompagnement: { visite_domicile: 1, rendez_vous: 3, mediation_bailleur: 0 },
      terme: '2029-03-01',
    }),
  termeARegulariserAuTravailleurSocial: () => protocole.termeARegulariserAuTravailleurSocial({ ref, terme: '2029-03-01', manquants: ['2028-08', '2028-10'] }),
  termeARegulariserAuBailleur: () => protocole.termeARegulariserAuBailleur({ ref, programme, terme: '2029-03-01', manquants: ['2028-08'] }),
  nouveauBailASigner: () => protocole.nouveauBailASigner(respecte),
  nouveauBailParLien: () => {
    const l = protocole.nouveauBailParLien(respecte);
    return { sujet: l.objet, paragraphes: l.apercu };
  },
  nouveauBailAttendu: () => protocole.nouveauBailAttendu(respecte),
  nouveauBailAEnregistrer: () => protocole.nouveauBailAEnregistrer(respecte),
  rappelNouveauBail: () => protocole.rappelNouveauBail(respecte),
  nouveauBailNonSigne: () => protocole.nouveauBailNonSigne({ ...respecte, rappels: 2 }),
  delaiNouveauBailDepasse: () => protocole.delaiNouveauBailDepasse(respecte),
  ruptureAuxPartenaires: () =>
    Object.fromEntries((['ccapex', 'prefecture', 'bailleur', 'caf'] as const).map((r) => [r, protocole.ruptureAuxPartenaires(rupture, r)])),
  ruptureAuTravailleurSocial: () => protocole.ruptureAuTravailleurSocial(rupture),
  nouveauBailSigne: () =>
    Object.fromEntries(
      (['bailleur', 'ccapex', 'prefecture', 'caf'] as const).map((r) => [
        r,
        protocole.nouveauBailSigne({ ref, programme, signeLe: '2029-04-10', dateEffet: '2029-05-01' }, r),
      ]),
    ),
  finDAccompagnement: () =>
    Object.fromEntries(
      (['bailleur', 'ccapex', 'prefecture'] as const).map((r) => [
        r,
        protocole.finDAccompagnement(
          { ref, programme, issue: 'Orientation vers un hébergement', orientation: 'Résidence sociale', finDuProtocole: new Date('2027-07-01T10:00:00Z') },
          r,
        ),
      ]),
    ),
};

const exemplesPrevention: Record<string, () => Courriel | Record<string, Courriel> | string[]> = {
  paragraphesLettreInformation: () => prevention.paragraphesLettreInformation(programme),
  diagnosticPartage: () => prevention.diagnosticPartage({ ref, programme, pour: ['Conseillère sociale du bailleur', 'Pôle recouvrement du bailleur'] }),
  accordPartageRetire: () => prevention.accordPartageRetire({ ref, programme }),
  accuseOrientation: () => ({
    orientation: prevention.accuseOrientation({ ref, commission: false, contactAvant: '3 mars 2027', depuis: { signalement: '3 février 2027' } }),
    commission: prevention.accuseOrientation({ ref, commission: true, contactAvant: '3 mars 2027', depuis: { designation: true } }),
    sansDelai: prevention.accuseOrientation({ ref, commission: false }),
  }),
  apercuVerificationComite: () =>
    prevention.apercuVerificationComite({ ref, impayesMois: 3, dejaSuiviSelonLeBailleur: true, operateur: 'Club de prévention d’Épernay' }),
  verificationRecue: () => ({
    aucun: prevention.verificationRecue({ ref, limite: 'au plus tard le vendredi 18 décembre 2026' }),
    dejaSuivi: prevention.verificationRecue({
      ref,
      suiviPar: 'Mme Durand, assistante sociale de secteur',
      limite: 'au plus tard le vendredi 18 décembre 2026',
    }),
  }),
  courrielDejaSuivi: () => ({
    avecPrecision: prevention.courrielDejaSuivi(programme, ref, 'Le ménage reste suivi par le CCAS'),
    sansPrecision: prevention.courrielDejaSuivi(programme, ref),
  }),
  courrielTuilageComite: () => prevention.courrielTuilageComite({ ref, programme, suiviPar: 'Mme Durand, assistante sociale de secteur' }),
  dejaSuiviAvantComite: () => prevention.dejaSuiviAvantComite({ ref, operateur: 'Club de prévention d’Épernay' }),
  orientationRefusee: () => prevention.orientationRefusee({ ref, dispositif: 'LogemLoiret × AHU', motif: 'la dette ne dépasse pas deux mois de loyer' }),
  situationLaisseeAuService: () => prevention.situationLaisseeAuService({ ref, operateur: programme.operateur }),
  accompagnementPropose: () => prevention.accompagnementPropose(programme),
  contactImpossible: () => ({
    signalement: prevention.contactImpossible({ ref, tentatives: 3, delai: 'P1M', depuisSignalement: true }),
    uneTentative: prevention.contactImpossible({ ref, tentatives: 1, delai: 'P1M', depuisSignalement: false }),
    aucune: prevention.contactImpossible({ ref, tentatives: 0, delai: 'P1M', depuisSignalement: false }),
  }),
  contactEtabli: () => prevention.contactEtabli({ ref }),
  menageConfie: () => ({
    parCourriel: prevention.menageConfie({
      ref,
      programme: 'LogemLoiret × AHU',
      lettre: 'courriel',
      delais: [{ libelle: 'Premier contact avec le ménage', due: '2027-03-03T22:59:59.999Z' }],
    }),
    parSms: prevention.menageConfie({
      ref,
      programme: 'Besançon — CCAS',
      lettre: 'sms',
      delais: [
        { libelle: 'Premier contact avec le ménage', due: '2027-03-03T22:59:59.999Z' },
        { libelle: 'Première visite à domicile', due: '2027-03-03T22:59:59.999Z' },
      ],
    }),
    aPoster: prevention.menageConfie({ ref, programme: 'Reims — APRIL', lettre: 'papier', delais: [] }),
  }),
  planARevoir: () => prevention.planARevoir({ ref, par: 'par le département', motif: 'budget à revoir avec la CAF' }),
  planEngage: () => prevention.planEngage({ ref, resume: ['Plan d’aide engagé avec le ménage : budget, FSL.'] }),
  bilanASaisir: () => ({
    auSoir: prevention.bilanASaisir({ ref, libelle: 'Point de suivi à 1 mois', avant: '2027-03-03T22:59:59.999Z' }),
    aSonHeure: prevention.bilanASaisir({ ref, libelle: 'Bilan à 6 mois', avant: '2027-03-03T15:11:00.000Z' }),
  }),
  bilanAuBailleur: () => prevention.bilanAuBailleur({ ref, jalon: 'Bilan à 6 mois', reprise: 'reprise partielle', planRespecte: false }),
  passageDeRelais: () => ({
    entretien: prevention.passageDeRelais({ ref, service: 'CCAS de secteur', entretienTripartite: true }),
    direct: prevention.passageDeRelais({ ref, service: 'CCAS de secteur', entretienTripartite: false }),
  }),
  finAccompagnement: () => prevention.finAccompagnement({ ref, issue: 'Orientation vers le droit commun' }),
};

const modules = {
  iml: { module: iml, exemples: exemplesIml, outils: [] as string[] },
  prevention: { module: prevention, exemples: exemplesPrevention, outils: [] as string[] },
  protocole: {
    module: protocole,
    exemples: exemplesProtocole,
    outils: ['euros', 'moisEnFrancais', 'deMois', 'nombre', 'treveHivernale', 'phraseTreve', 'prochaineVerificationDuPaiement'],
  },
};

/** Tous les courriels d'exemple, nommés « parcours.modele[.role] » (un aperçu de lien : son objet pour sujet). */
/**
 * Chaque modèle tel que le lit son destinataire : le personnel mentionné par son identifiant de
 * connexion est nommé par l'activité d'envoi (annuaire du moment), comme ici.
 */
function courriers(): Array<{ nom: string } & Courriel> {
  const nommer = (t: string) => nommerPersonnel(t, (id) => (id === 'ts.martin' ? 'Sophie Martin' : undefined));
  return brutsDesModeles().map((c) => ({ ...c, sujet: nommer(c.sujet), paragraphes: c.paragraphes.map(nommer) }));
}

function brutsDesModeles(): Array<{ nom: string } & Courriel> {
  return Object.entries(modules).flatMap(([parcours, m]) =>
    Object.entries(m.exemples).flatMap(([modele, f]) => {
      const r = f();
      if (Array.isArray(r)) return [{ nom: `${parcours}.${modele}`, sujet: 'Aperçu pour la commission', paragraphes: r }];
      if ('sujet' in r && typeof r.sujet === 'string') return [{ nom: `${parcours}.${modele}`, ...(r as Courriel) }];
      return Object.entries(r as Record<string, Courriel>).map(([role, c]) => ({ nom: `${parcours}.${modele}.${role}`, ...c }));
    }),
  );
}

/** Identifiants (vérificateur partagé) et montants ou nombres sans mise en forme française. */
function lisible(texte: string, ou: string): void {
  sansIdentifiant(texte, ou);
  for (const [motif, quoi] of [
    [/(?<![\d\u00a0\u202f ])\d{4,}(?:,\d+)?[\s\u00a0\u202f]*€/, 'un montant sans séparateur de milliers'],
    [/\d[.,]\d(?!\d)[\s\u00a0\u202f]*€/, 'un montant à un seul chiffre après la virgule'],
    [/\d\.\d{1,2}\b/, 'un nombre à point décimal'],
    [/\b\d{4}-\d{2}\b/, 'un mois écrit comme une clé (AAAA-MM)'],
    [/ à le | de le | à les | de les /, 'une préposition non contractée'],
    [/⟦|⟧/, 'une mention du personnel restée sans nom'],
    [/\bde [aeiouyâéèêô]/i, 'une élision manquante'],
    [/\s[,.](?!\d)/, 'une espace avant une virgule ou un point'],
  ] as const) {
    expect(texte, `${quoi} dans ${ou} : « ${motif.exec(texte)?.[0]} »`).not.toMatch(motif);
  }
}

describe('les courriers des parcours, en français', () => {
  it('chaque modèle exporté a un exemple (un modèle ajouté sans exemple fait échouer le test)', () => {
    for (const [parcours, module] of Object.entries(modules)) {
      const modeles = Object.entries(module.module)
        .filter(([nom, f]) => typeof f === 'function' && !module.outils.includes(nom))
        .map(([nom]) => nom)
        .sort();
      expect(Object.keys(module.exemples).sort(), parcours).toEqual(modeles);
    }
  });

  it('aucun mot de code, aucune date ISO, des montants à la française, dans chaque sujet et chaque paragraphe', () => {
    for (const { nom, sujet, paragraphes } of courriers()) {
      expect(sujet.trim().length, nom).toBeGreaterThan(10);
      expect(paragraphes.length, nom).toBeGreaterThan(0);
      lisible(sujet, `le sujet de « ${nom} »`);
      for (const [i, p] of paragraphes.entries()) {
        expect(p.trim(), `${nom}, paragraphe ${i + 1}`).toMatch(/^[A-ZÀÂÉÈÊÎÔÙÇ«0-9]/);
        lisible(p, `« ${nom} », paragraphe ${i + 1}`);
      }
    }
  });

  it('les dates et les montants sont dits comme une personne les écrit', () => {
    const texte = (nom: string) => {
      const c = courriers().find((x) => x.nom === nom)!;
      // Les espaces insécables (milliers, avant « € ») lues comme des espaces.
      return [c.sujet, ...c.paragraphes].join('\n').replace(/[\u00a0\u202f]/g, ' ');
    };
    // Protocole : montants avec espace des milliers et virgule, mois et dates en toutes lettres, élision.
    expect(texte('protocole.protocoleSigne.ccapex')).toContain(
      'Indemnité d’occupation : 412,50 € par mois ; plan d’apurement : dette de 3 450 €, 95 € par mois.',
    );
    expect(texte('protocole.protocoleSigne.ccapex')).toMatch(/du 1er mars 2027 au 28 février 2029\./);
    expect(texte('protocole.paiementManque')).toContain(
      'Le paiement d’avril 2027 prévu par le protocole du dossier REF-2027-014 n’a été reçu qu’en partie (200 € sur 507,50 €).',
    );
    // Rien de reçu : le montant attendu seul, et le premier mois manqué dit simplement.
    const rien = protocole.paiementManque({ ref, mois: '2027-03', montant: 0, attendu: 507.5, consecutifs: 1 });
    expect(rien.paragraphes.join('\n').replace(/[\u00a0\u202f]/g, ' ')).toContain(
      'Le paiement de mars 2027 prévu par le protocole du dossier REF-2027-014 n’a pas été reçu (507,50 € attendus).\nC’est le premier mois manqué.',
    );
    expect(texte('protocole.demandeDePaiement')).toContain('mois d’avril 2027 (2e mois sur 24)');
    const premier = protocole.demandeDePaiement({
      ref,
      mois: '2027-03',
      rang: 1,
      dureeTotaleMois: 24,
      attendu: { total: 507.5, indemnite: 412.5, apurement: 95 },
    });
    expect(premier.apercu.join(' ')).toContain('(1er mois sur 24)');
    expect(texte('protocole.manquementsRepetes')).toContain('(mars 2027, avril 2027)');
    // Le travailleur social en charge : mentionné par le parcours, nommé à l'envoi.
    expect(texte('protocole.manquementsRepetes')).toContain('Le travailleur social en charge est Sophie Martin.');
    expect(texte('iml.alerteImpayes')).toContain('Le travailleur social en charge est Sophie Martin.');
    expect(
      brutsDesModeles()
        .find((c) => c.nom === 'iml.alerteImpayes')!
        .paragraphes.join(' '),
    ).not.toContain('Sophie Martin');
    expect(texte('protocole.bilan')).toContain('1 visite à domicile, 3 rendez-vous, 0 médiation avec vous');
    expect(texte('protocole.ruptureAuxPartenaires.prefecture')).toContain('aucune expulsion avant le 31 mars 2028');
    expect(texte('protocole.nouveauBailNonSigne')).toContain('Le bailleur a reçu 2 rappels.');
    // La période du protocole finit la veille de son terme (24 mois à partir du 1er mars 2027).
    expect(texte('protocole.protocoleSigneAuMenage')).toContain('du 1er mars 2027 au 28 février 2029');
    // L'avenant dit le même dernier jour à l'occupant et aux partenaires : la veille du terme.
    expect(texte('protocole.avenantAuMenage')).toContain('prolonge votre protocole de 12 mois, jusqu’au 28 février 2030 :');
    expect(texte('protocole.avenant')).toContain('jusqu’au 28 février 2030,');
    expect(veilleDe('2027-04-01').toISOString().slice(0, 10)).toBe('2027-03-31'); // veille d'un passage à l'heure d'été
    expect(veilleDe(new Date('2026-10-31T23:00:00Z')).toISOString().slice(0, 10)).toBe('2026-10-31'); // minuit du 1er novembre à Paris
    // Le terme du protocole dit au passé une fois atteint, au présent avant (derniers mois payés d'avance).
    const phrase = (aujourdhui: string) => protocole.nouveauBailASigner({ ...respecte, aujourdhui }).paragraphes[0];
    expect(phrase('2029-02-20')).toBe(
      `Le protocole de cohésion sociale du dossier ${ref} arrive à son terme le 1er mars 2029 et il est respecté : les 24 mois d’indemnité d’occupation et de plan d’apurement sont payés.`,
    );
    expect(phrase('2029-03-01')).toContain('est arrivé à son terme le 1er mars 2029 et a été respecté');
    expect(texte('protocole.nouveauBailASigner')).toContain('est arrivé à son terme le 1er mars 2029');
    // IML : dates en toutes lettres, durées dites en mois, la fiche-bilan sans rien de confié.
    expect(texte('iml.debutDeMesure')).toContain('à compter du 15 mars 2027');
    expect(texte('iml.debutDeMesure')).toContain('Un bilan est prévu au bout de 6 mois');
    expect(texte('iml.debutDeMesure')).toContain('(au plus 18 mois)');
    expect(texte('iml.ficheBilan')).toContain('Paiement du loyer : régulier (5 mois payés, 1 partiellement, 0 impayés constatés).');
    expect(texte('iml.ficheBilan')).not.toContain('Le ménage a confié');
    expect(texte('iml.prolongation')).toContain('prolongée de 4 mois, jusqu’au 15 juillet 2028');
    expect(texte('iml.finSansGlissementAuxPartenaires')).toContain('après 7 mois de sous-location');
    expect(texte('iml.alerteImpayes')).toContain('2 loyers impayés consécutifs (le dernier en juin 2027)');
    // Prévention : le diagnostic partagé dit à qui il est destiné et comment joindre l'opérateur.
    expect(texte('prevention.contactImpossible.signalement')).toContain(
      'Malgré nos 3 tentatives, nous n’avons pas pu entrer en contact avec le ménage du dossier REF-2027-014 dans le délai de 1 mois suivant votre signalement.',
    );
    expect(texte('prevention.contactImpossible.uneTentative')).toContain('Malgré notre tentative, nous n’avons pas pu entrer en contact');
    expect(texte('prevention.contactImpossible.aucune')).toContain(
      'Nous n’avons pas pu entrer en contact avec le ménage du dossier REF-2027-014 dans le délai de 1 mois suivant l’orientation.',
    );
    expect(texte('prevention.bilanASaisir.auSoir')).toContain('est à enregistrer au plus tard le 3 mars 2027 :');
    expect(texte('prevention.bilanASaisir.aSonHeure')).toContain('est à enregistrer avant le 3 mars 2027 à 16:11 :');
    expect(texte('prevention.finAccompagnement')).toContain('est clôturé : orientation vers le droit commun.');
    expect(texte('prevention.diagnosticPartage')).toContain('Ils sont destinés à : Conseillère sociale du bailleur, Pôle recouvrement du bailleur.');
    expect(texte('prevention.accordPartageRetire')).toContain('Pour toute question : iml@ccas.example.');
    // Prévention : la lettre d'information nomme l'opérateur et son adresse de contact.
    expect(prevention.paragraphesLettreInformation({ operateur: { nom: 'CCAS d’essai', courriel: 'contact@ccas.example' } }).join(' ')).toContain(
      'CCAS d’essai vous propose un accompagnement gratuit',
    );
    // Un ménage désigné par la commission impayés (besancon-ccas) l'apprend de la commission, pas de son bailleur.
    const commission = prevention
      .paragraphesLettreInformation({ operateur: { nom: 'CCAS d’essai', courriel: 'contact@ccas.example' }, options: { designationCommissionImpayes: true } })
      .join(' ');
    expect(commission).toContain(
      'Votre situation a été évoquée à la commission des impayés de loyer, qui a confié à CCAS d’essai la mission de vous rencontrer.',
    );
    expect(commission).not.toContain('Votre bailleur nous a fait part');
    const accuse = prevention.accuseOrientation({ ref: 'D-1', commission: true, contactAvant: '3 mars 2027', depuis: { designation: true } });
    expect(accuse.sujet).toBe('Ménage désigné par la commission impayés (dossier D-1)');
    expect(accuse.paragraphes.join(' ')).toContain('au plus tard le 3 mars 2027 (le délai court depuis la désignation par la commission impayés).');
    expect(prevention.accuseOrientation({ ref: 'D-2', commission: false, contactAvant: '3 mars 2027', depuis: { signalement: '3 février 2027' } })).toEqual({
      sujet: 'Orientation reçue (dossier D-2)',
      paragraphes: [
        'Nous avons bien reçu l’orientation du ménage (dossier D-2). Un courrier l’informe de notre intervention ; nous allons prendre contact avec lui.',
        'Nous vous tiendrons informés du premier contact, au plus tard le 3 mars 2027 (le délai court depuis votre signalement du 3 février 2027).',
      ],
    });
  });
});

describe('la prochaine vérification du paiement d’un protocole, sur la page du dossier', () => {
  it('le mois, le jour et l’heure du lien au bailleur (heure de Paris, hiver comme été) ; un lien prévu à minuit : le jour seul', () => {
    const suite = ', un lien au bailleur pour dire si l’indemnité et la mensualité sont reçues (sauf si l’équipe a enregistré ce paiement d’ici là)';
    // Lundi 4 janvier 2027, 9 h à Paris (8 h UTC, heure d'hiver).
    expect(protocole.prochaineVerificationDuPaiement('2026-12', new Date('2027-01-04T08:00:00Z'))).toBe(
      `décembre 2026 : le lundi 4 janvier 2027 à 9 h${suite}`,
    );
    // Jeudi 1er juillet 2027, 9 h à Paris (7 h UTC, heure d'été).
    expect(protocole.prochaineVerificationDuPaiement('2027-06', new Date('2027-07-01T07:00:00Z'))).toBe(`juin 2027 : le jeudi 1er juillet 2027 à 9 h${suite}`);
    // Un parcours d'avant les heures ouvrées : le lien à minuit, heure de Paris.
    expect(protocole.prochaineVerificationDuPaiement('2027-02', new Date('2027-02-28T23:00:00Z'))).toBe(`février 2027 : le lundi 1er mars 2027${suite}`);
  });
});

describe('le rappel et l’alerte d’une échéance : le jour qu’elle dit, l’heure quand elle passe en cours de journée', () => {
  const base = { libelle: 'Premier contact avec le ménage', reference: ref, programme: 'CCAS de Besançon' };
  // Jusqu'au vendredi 25 décembre 2026 au soir (Paris, heure d'hiver : 22 h 59 UTC).
  const auSoir = { ...base, due: '2026-12-25T22:59:59.999Z' };
  // Le dimanche 27 décembre 2026 à 16 h 11 (Paris) : fixée à l'heure d'un contact, trois semaines plus tôt.
  const aLHeure = { ...base, libelle: 'Diagnostic et carnet de route', due: '2026-12-27T15:11:00.000Z' };

  it('une échéance qui court jusqu’au soir : « au plus tard le », la journée entière, « a pris fin le … au soir »', () => {
    const r = rappelEcheance(auSoir);
    expect(r.sujet).toBe(`Rappel : Premier contact avec le ménage au plus tard le 25 décembre 2026 (dossier ${ref})`);
    expect(r.paragraphes[0]).toBe(
      `L’échéance « Premier contact avec le ménage » du dossier ${ref} (CCAS de Besançon) arrive le 25 décembre 2026 (la journée entière compte).`,
    );
    const a = echeanceDepassee({ ...auSoir, suiviPar: 'Sophie Martin', consigne: 'Reprenez contact avec le ménage.' });
    expect(a.paragraphes).toEqual([
      `L’échéance « Premier contact avec le ménage » du dossier ${ref} (CCAS de Besançon) a pris fin le 25 décembre 2026 au soir.`,
      'Le travailleur social en charge est Sophie Martin.',
      'Reprenez contact avec le ménage.',
    ]);
    for (const c of [r, a]) for (const t of [c.sujet, ...c.paragraphes]) lisible(t, c.sujet);
  });

  it('une demande à un partenaire, son rappel et le « Sans réponse » : la date limite en mots, avec le nom du jour quand elle court jusqu’au soir', () => {
    const demande = { ref, objet: 'Validation du plan d’aide (ASLL)', apercu: ['Plan d’aide engagé avec le ménage : budget, FSL.'] };
    const soir = { ...demande, echeance: '2026-12-21T22:59:59.999Z', auSoir: true };
    const decision = demandeAuPartenaire({ ...soir, nature: 'decision', rappel: false });
    expect(decision.sujet).toBe(`Validation du plan d’aide (ASLL) (dossier ${ref})`);
    expect(decision.paragraphes).toEqual([
      'Votre décision est attendue au plus tard le lundi 21 décembre 2026 sur la demande suivante.',
      'Validation du plan d’aide (ASLL)',
      'Plan d’aide engagé avec le ménage : budget, FSL.',
      'Le lien ci-dessous vous est personnel ; il ne sert qu’une fois et reste valable jusqu’au lundi 21 décembre 2026 au soir.',
    ]);
    const rappel = demandeAuPartenaire({ ...soir, nature: 'decision', rappel: true });
    expect(rappel.sujet).toBe(`Rappel — Validation du plan d’aide (ASLL) (dossier ${ref})`);
    expect(rappel.paragraphes[0]).toBe('Nous n’avons pas encore reçu votre réponse à la demande suivante, attendue au plus tard le lundi 21 décembre 2026.');
    expect(demandeAuPartenaire({ ...soir, nature: 'verification', rappel: true }).paragraphes[0]).toBe(
      'Nous n’avons pas encore reçu votre réponse. Au plus tard le lundi 21 décembre 2026, indiquez par le lien ci-dessous si ce ménage est déjà accompagné par un travailleur social.',
    );
    // À son heure (le nouveau bail, la veille active) : la date seule, « expire le ».
    const heure = { ...demande, echeance: '2027-03-03T15:11:00.000Z', auSoir: false };
    const bail = demandeAuPartenaire({ ...heure, nature: 'nouveau_bail', rappel: false });
    expect(bail.paragraphes[0]).toBe('Dès que le nouveau bail est signé, indiquez-le par le lien ci-dessous, avant le 3 mars 2027.');
    expect(bail.paragraphes.at(-1)).toBe('Le lien ci-dessous vous est personnel ; il ne sert qu’une fois et expire le 3 mars 2027.');
    expect(demandeAuPartenaire({ ...heure, nature: 'rechute', rappel: false }).paragraphes[0]).toMatch(/^Jusqu’au 3 mars 2027, vous pouvez signaler/);
    const muet = sansReponse({ ...soir, partenaire: 'le département' });
    expect(muet.sujet).toBe(`Sans réponse : Validation du plan d’aide (ASLL) (dossier ${ref})`);
    expect(muet.paragraphes).toEqual([
      'Le département n’a pas répondu à la demande « Validation du plan d’aide (ASLL) », attendue au plus tard le lundi 21 décembre 2026.',
      'Merci de reprendre contact avec ce partenaire. Le lien qui lui avait été envoyé n’est plus valable.',
    ]);
    expect(sansReponse({ ...heure, partenaire: 'le bailleur', suite: 'Relancez le bailleur.' }).paragraphes).toEqual([
      'Le bailleur n’a pas répondu à la demande « Validation du plan d’aide (ASLL) » avant le 3 mars 2027.',
      'Relancez le bailleur.',
    ]);
    for (const c of [decision, rappel, bail, muet]) for (const t of [c.sujet, ...c.paragraphes]) lisible(t, c.sujet);
  });

  it('une échéance fixée à l’heure d’une action : « avant le … à 16:11 », « dépassée depuis le … à 16:11 »', () => {
    const r = rappelEcheance(aLHeure);
    expect(r.sujet).toBe(`Rappel : Diagnostic et carnet de route avant le 27 décembre 2026 (dossier ${ref})`);
    expect(r.paragraphes[0]).toContain('arrive le 27 décembre 2026 à 16:11.');
    const a = echeanceDepassee(aLHeure);
    expect(a.paragraphes[0]).toContain('est dépassée depuis le 27 décembre 2026 à 16:11.');
    expect(a.paragraphes[1]).toBe('Aucun travailleur social n’est encore affecté à ce ménage.');
    for (const c of [r, a]) for (const t of [c.sujet, ...c.paragraphes]) lisible(t, c.sujet);
  });
});

describe('la formule d’appel et la signature d’une lettre au ménage', () => {
  it('« Bonjour » et le nom du ménage, comme les courriels, sans deviner une civilité', () => {
    expect(appelDuMenage('Mme Josiane Lefébure')).toBe('Bonjour Mme Josiane Lefébure,');
    expect(appelDuMenage('M. et Mme Traoré')).toBe('Bonjour M. et Mme Traoré,');
    expect(appelDuMenage('  Anne   Moreau ')).toBe('Bonjour Anne Moreau,');
  });

  it('la signature : la fonction ou le service, puis l’organisation ; à défaut, le nom de l’opérateur', () => {
    expect(signatureOperateur(CATALOGUE.trouver('toulouse-declic')!.operateur)).toBe('La conseillère sociale DÉCLIC, associations Le Relais et Le Touril');
    expect(signatureOperateur(CATALOGUE.trouver('besancon-ccas')!.operateur)).toBe('Le service insertion et logement du CCAS de Besançon');
    expect(signatureOperateur({ nom: 'CCAS d’essai' })).toBe('CCAS d’essai');
    // Chaque programme livré signe ainsi : jamais « Organisation — service » tel quel.
    for (const p of CATALOGUE.tous()) expect(signatureOperateur(p.operateur), p.id).not.toContain(' — ');
  });
});

describe('courriels des orientations', () => {
  it('le lien au partenaire, la fiche annoncée à la coordination, l’acceptation et le refus à la personne qui a orienté : dates du jour de Paris, « 1er »', () => {
    // 30 novembre à 23 h 30 (UTC) : le 1er décembre à Paris.
    expect(orientations.lienOrientation({ programme: 'AHU du Loiret', operateur: 'AHU', expireLe: new Date('2026-11-30T23:30:00Z') })).toEqual({
      sujet: 'AHU du Loiret : orienter un ménage',
      paragraphes: [
        'Vous pouvez orienter vers AHU un ménage locataire en difficulté de paiement, avec son accord.',
        'Le lien ci-dessous ouvre la fiche d’orientation ; il sert une fois et reste valable jusqu’au 1er décembre 2026. La coordination vous répondra à l’adresse que vous indiquerez.',
      ],
    });
    const recue = { organisation: 'Habitat 45', programme: 'AHU du Loiret', reference: 'OR-2612-7F3C0A' };
    expect(orientations.orientationRecue(recue).paragraphes).toEqual([
      'Habitat 45 a orienté un ménage vers AHU du Loiret. Sa fiche vous attend dans la liste des orientations reçues, avec l’éligibilité déjà vérifiée.',
    ]);
    expect(orientations.orientationRecue({ ...recue, contactAvant: new Date('2027-01-06T22:59:59Z') })).toEqual({
      sujet: 'Nouvelle orientation reçue de Habitat 45 (dossier OR-2612-7F3C0A)',
      paragraphes: [
        'Habitat 45 a orienté un ménage vers AHU du Loiret. Sa fiche vous attend dans la liste des orientations reçues, avec l’éligibilité déjà vérifiée.',
        'Le délai de contact court depuis aujourd’hui, jour du signalement : le premier contact avec le ménage doit être établi au plus tard le 6 janvier 2027.',
      ],
    });
    expect(orientations.orientationAcceptee({ programme: 'AHU du Loiret', reference: 'OR-2612-7F3C0A' })).toEqual({
      sujet: 'Orientation acceptée (dossier OR-2612-7F3C0A)',
      paragraphes: [
        'Votre orientation vers AHU du Loiret est acceptée : l’accompagnement du ménage commence (dossier OR-2612-7F3C0A, à rappeler dans vos échanges).',
        'Vous serez informé des étapes qui vous concernent.',
      ],
    });
    expect(
      orientations.orientationNonRetenue({
        programme: 'AHU du Loiret',
        reference: 'OR-2612-7F3C0A',
        recueLe: new Date('2026-02-28T23:15:00Z'),
        motif: 'Ménage déjà accompagné',
        operateur: { nom: 'AHU', courriel: 'ahu@essai.example' },
      }),
    ).toEqual({
      sujet: 'Orientation non retenue (dossier OR-2612-7F3C0A)',
      paragraphes: [
        'Votre orientation du 1er mars 2026 vers AHU du Loiret (dossier OR-2612-7F3C0A) n’a pas été retenue.',
        'Motif : Ménage déjà accompagné',
        'Pour en parler, écrivez à AHU : ahu@essai.example.',
      ],
    });
  });
});

describe('courriels au personnel', () => {
  it('l’invitation dit le rôle, l’identifiant et l’expiration à l’heure de Paris (« 1er », changement d’heure compris)', () => {
    const invitation = (expireLe: string) =>
      personnel.invitationPersonnel({ par: 'Corinne Le Gall', role: 'travail social', identifiant: 'ts.lea', expireLe: new Date(expireLe) });
    expect(invitation('2026-11-30T23:30:00Z')).toEqual({
      sujet: 'Votre compte sur la plateforme de prévention des expulsions',
      paragraphes: [
        'Corinne Le Gall vous a ouvert un compte (travail social). Votre identifiant de connexion est « ts.lea ».',
        'Choisissez votre mot de passe depuis le lien ci-dessous. Il ne sert qu’une fois et expire le 1er décembre 2026 à 00:30.',
        'Si vous n’attendiez pas ce message, ignorez-le : aucun compte ne s’ouvrira sans ce lien.',
      ],
    });
    // Le dernier dimanche de mars, 3 h à Paris (heure d'été) ; la veille à la même heure UTC, 2 h.
    expect(invitation('2027-03-28T01:00:00Z').paragraphes[1]).toContain('expire le 28 mars 2027 à 03:00.');
    expect(invitation('2027-03-27T01:00:00Z').paragraphes[1]).toContain('expire le 27 mars 2027 à 02:00.');
  });
});
