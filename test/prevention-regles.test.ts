/**
 * Règles du parcours « prévention précontentieuse » (issue 15), sur le vrai serveur Temporal (saut
 * de temps par workflow) : la situation gardée dans l'état, un point de suivi manqué qui ne fige pas
 * la suite, les rappels lus dans les délais du programme, un refus qui n'est qu'une tentative
 * (besancon-ccas : « provoquer la rencontre malgré les réticences »).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { messagesPermis } from '../domain/actions';
import { affecterUpdate, etatQuery, repondreValidationUpdate } from '../domain/messages';
import type { EtatParcours, Programme } from '../domain/vocabulaire';
import { LIBELLES_VALEURS } from '../domain/libelles';
import { ficheDepuisEtat } from '../domain/indicateurs';
import { ACTIONS_PLAN as ACTIONS_EQUIPE, ACTIONS_PLAN_MENAGE, ORIENTATIONS_PLAN as ORIENTATIONS_DOCUMENTS } from '../documents/prevention';
import {
  ACTIONS_PLAN,
  ORIENTATIONS_PLAN,
  bilanUpdate,
  cloturerUpdate,
  decisionComiteUpdate,
  delaisDejaEcoules,
  diagnosticUpdate,
  incoherenceDecisionComite,
  incoherenceSuiteSansReponse,
  prioriteDuMenage,
  passageDroitCommunUpdate,
  planAideUpdate,
  raisonIssueImpossible,
  tentativeContactUpdate,
  type EntreePrevention,
  type SituationOrientation,
} from '../domain/prevention';
import {
  ajouterDuree,
  estJourOuvre,
  finDeJourOuvre,
  finDuJour,
  jourDeParis,
  jourEnFrancais,
  limiteEnFrancais,
  minuitDeParis,
  retirerDuree,
} from '../domain/durees';
import {
  CATALOGUE,
  apres,
  avancerJusqua,
  demarrerLe,
  echeanceSuivie,
  finDuJourOuvreAttendue,
  jourSuivant,
  prochain,
  heureDuParcours,
  jusqua,
  menageEssai,
  monterBanc,
  requete,
  terminer,
  type Banc,
  passerLeComite,
  planValideParLeReferent,
  jusquALAlerte,
  jusquALEscalade,
  jusquALaDemandeDeBilan,
  rappelsAttendus,
} from './outils/environnement';

let banc: Banc;
beforeAll(async () => {
  banc = await monterBanc();
});
afterAll(async () => banc?.fermer());

const situation = (s: Partial<SituationOrientation> = {}): SituationOrientation => ({
  impayesMois: 2,
  montantDette: 812,
  debutBail: new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10),
  garantie: 'aucune',
  dejaTente: 'Relances',
  contactBailleur: false,
  suiviParServiceSocial: false,
  ...s,
});

async function lancer(programmeId: string, s: Partial<SituationOrientation> = {}, reglages: Partial<Programme> = {}) {
  const programme = { ...CATALOGUE.trouver(programmeId)!, ...reglages };
  const menage = menageEssai();
  const entree: EntreePrevention = { programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situation(s) };
  const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
    taskQueue: banc.taskQueue,
    workflowId: `${programmeId}--${menage.reference}`,
    args: [entree],
  });
  return { handle, programme, ref: menage.reference };
}

const etape = (handle: WorkflowHandle, nom: string) => jusqua(handle, (e) => e.etape === nom, `étape « ${nom} »`);
const msg = <T extends object>(x: T) => ({ requestId: requete(), par: 'ts.alice', ...x });
const dossier = (ref: string) => (m: { sujet: string }) => m.sujet.includes(ref);

async function jusquAuPlan(handle: WorkflowHandle) {
  await etape(handle, 'aller_vers');
  await handle.executeUpdate(tentativeContactUpdate, {
    args: [msg({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'joint' as const })],
  });
  await etape(handle, 'diagnostic');
  await handle.executeUpdate(diagnosticUpdate, {
    args: [msg({ origineDette: 'x', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
  });
  await etape(handle, 'plan_aide');
}

describe('situation à l’orientation', () => {
  it('le stade de la procédure et l’isolement du ménage restent dans l’état (chiffres des financeurs)', async () => {
    const { handle } = await lancer('besancon-ccas', { stadeProcedure: 'commandement_de_payer', isole: true });
    const etat = await etape(handle, 'aller_vers');
    expect(etat.details.situation).toEqual({ impayesMois: 2, montantDette: 812, garantie: 'aucune', stadeProcedure: 'commandement_de_payer', isole: true });
    await terminer(handle);
  });
});

describe('toulouse-declic — un point de suivi manqué ne fige pas la suite', () => {
  it('le point à 1 mois non saisi reste dû (« dépassée »), le point à 2 mois et le bilan à 3 mois arrivent à leur date ; un bilan saisi complète le plus ancien', async () => {
    const { handle, ref } = await lancer('toulouse-declic');
    await jusquAuPlan(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg({ actions: ['budget' as const], orientations: [] })] });
    await planValideParLeReferent(handle);
    await etape(handle, 'suivi');
    const debutSuivi = await heureDuParcours(handle);
    await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P1M')));
    const p1 = await echeanceSuivie(handle, 'bilan:P1M');
    // Rien n'est saisi : au point à 2 mois, le point à 1 mois est dépassé et le suivant est ouvert.
    await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P2M')));
    await echeanceSuivie(handle, 'bilan:P2M');
    expect((await echeanceSuivie(handle, 'bilan:P1M', 'depassee')).due).toBe(p1.due);
    await jusquALaDemandeDeBilan(banc, handle, 'Point de suivi à 2 mois');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Point de suivi à 2 mois à saisir') && dossier(ref)(m));
    await jusquALAlerte(banc, handle, 'bilan:P1M');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Échéance dépassée : Point de suivi à 1 mois') && dossier(ref)(m));
    // Le point à 1 mois saisi en retard : il est tenu, le point à 2 mois reste attendu.
    await handle.executeUpdate(bilanUpdate, { args: [msg({ reprisePaiement: 'aucune' as const, planRespecte: false, demarches: [] })] });
    let etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'bilan:P1M' && x.statut === 'tenue'), 'point à 1 mois tenu');
    expect(etat.echeances.find((x) => x.id === 'bilan:P2M')!.statut).toBe('en_cours');
    expect(etat.details.bilans).toEqual([{ jalon: 'Point de suivi à 1 mois', reprisePaiement: 'aucune', planRespecte: false }]);
    // Le point à 2 mois non saisi n'empêche pas le bilan à 3 mois.
    await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P3M')));
    await echeanceSuivie(handle, 'bilan:P3M');
    await echeanceSuivie(handle, 'bilan:P2M', 'depassee');
    for (let i = 0; i < 2; i++)
      await handle.executeUpdate(bilanUpdate, { args: [msg({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: [] })] });
    etat = await jusqua(handle, (e) => e.echeances.filter((x) => x.id.startsWith('bilan:') && x.statut === 'tenue').length === 3, 'trois jalons tenus');
    expect((etat.details.bilans as Array<{ jalon: string }>).map((b) => b.jalon)).toEqual([
      'Point de suivi à 1 mois',
      'Point de suivi à 2 mois',
      'Bilan à 3 mois',
    ]);
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Bilan à 3 mois') && m.a.includes(CATALOGUE.trouver('toulouse-declic')!.partenaires.bailleur!.courriel) && dossier(ref)(m),
    );
    const rien = await handle
      .executeUpdate(bilanUpdate, { args: [msg({ reprisePaiement: 'totale' as const, planRespecte: true, demarches: [] })] })
      .catch((e) => e);
    expect(rien.cause?.message).toBe('Aucun bilan n’est attendu pour le moment.');
    await handle.executeUpdate(cloturerUpdate, { args: [msg({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture, 'clôture');
  });
});

describe('toulouse-declic — le suivi continue jusqu’à ce que la situation soit stabilisée (fiche 001)', () => {
  it('après le bilan à 6 mois, un point de suivi chaque mois (7, 8 mois…), sans fin de suivi fixée ; le passage au droit commun les arrête', async () => {
    const { handle, ref, programme } = await lancer('toulouse-declic');
    expect(programme.delais.suivi).toBeUndefined();
    expect(programme.delais.pointSuivi).toBe('P1M');
    await jusquAuPlan(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg({ actions: ['budget' as const], orientations: [] })] });
    await planValideParLeReferent(handle);
    await etape(handle, 'suivi');
    const debutSuivi = await heureDuParcours(handle);
    await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P6M')));
    await echeanceSuivie(handle, 'bilan:P6M');
    let etat = await jusqua(handle, (e) => /^Point de suivi à 7 mois, le /.test(String(e.details.prochainBilan)), 'point à 7 mois annoncé');
    expect(etat.echeances.some((x) => x.id === 'fin_suivi')).toBe(false);
    // Le point à 7 mois arrive à sa date, compté depuis le début du suivi, et se saisit comme les autres.
    await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P7M')));
    const sept = await echeanceSuivie(handle, 'bilan:P7M');
    expect(sept.libelle).toBe('Point de suivi à 7 mois');
    await jusquALaDemandeDeBilan(banc, handle, 'Point de suivi à 7 mois');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Point de suivi à 7 mois à saisir') && dossier(ref)(m));
    await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P8M')));
    await echeanceSuivie(handle, 'bilan:P8M');
    etat = await jusqua(handle, (e) => /^Point de suivi à 9 mois/.test(String(e.details.prochainBilan)), 'point à 9 mois annoncé');
    // Le ménage passe au droit commun : les points encore dus sont annulés, aucun autre ne s'ouvre.
    await handle.executeUpdate(passageDroitCommunUpdate, { args: [msg({ service: 'Maison des solidarités', entretienTripartite: false })] });
    etat = await jusqua(handle, (e) => e.etape === 'passage_droit_commun', 'passage au droit commun');
    expect(etat.details.prochainBilan).toBeUndefined();
    for (const id of ['bilan:P7M', 'bilan:P8M']) expect(etat.echeances.find((x) => x.id === id)!.statut).toBe('annulee');
    await terminer(handle);
  });
});

describe('la priorité aux ménages isolés (besancon-ccas, fiche 000 : « ménages sans enfants, personnes seules »)', () => {
  it('une personne seule, un couple sans enfants, ou un ménage dit isolé : prioritaires ; une famille, non ; un programme sans cette priorité, jamais', () => {
    const besancon = CATALOGUE.trouver('besancon-ccas')!;
    const loiret = CATALOGUE.trouver('loiret-ahu')!;
    expect(prioriteDuMenage(besancon, { composition: 'personne_seule' }, { isole: false })).toBe('menage_isole');
    expect(prioriteDuMenage(besancon, { composition: 'couple' }, { isole: false })).toBe('menage_isole');
    expect(prioriteDuMenage(besancon, { composition: 'couple_avec_enfants' }, { isole: true })).toBe('menage_isole');
    expect(prioriteDuMenage(besancon, { composition: 'famille_monoparentale' }, { isole: false })).toBeUndefined();
    expect(prioriteDuMenage(besancon, { composition: 'couple_avec_enfants' }, {})).toBeUndefined();
    expect(prioriteDuMenage(loiret, { composition: 'personne_seule' }, { isole: true })).toBeUndefined();
  });
});

describe('les motifs que le parcours exige, même envoyés sans passer par le formulaire', () => {
  it('revoir le plan sans réponse du département, ou ne pas intégrer un ménage au comité : un motif fait de blancs ne compte pas', () => {
    expect(incoherenceSuiteSansReponse({ suite: 'reviser', motif: '  \n ' })).toMatchObject({ champ: 'motif', raison: expect.stringContaining('département') });
    expect(incoherenceSuiteSansReponse({ suite: 'reviser' })).toMatchObject({ champ: 'motif' });
    expect(incoherenceSuiteSansReponse({ suite: 'reviser', motif: 'Au téléphone : ASLL refusée' })).toBeUndefined();
    expect(incoherenceSuiteSansReponse({ suite: 'relancer' })).toBeUndefined();
    expect(incoherenceDecisionComite({ decision: 'ne_pas_integrer', motif: '   ' })).toMatchObject({
      champ: 'motif',
      raison: expect.stringContaining('motif'),
    });
    expect(incoherenceDecisionComite({ decision: 'ne_pas_integrer', motif: 'Suivi par son service social' })).toBeUndefined();
    expect(incoherenceDecisionComite({ decision: 'integrer' })).toBeUndefined();
  });
});

describe('l’issue d’une clôture selon où en est le parcours', () => {
  it('avant le contact : ni « situation stabilisée » ni « plan d’apurement respecté », refusées avec la raison ; après : plus « contact impossible » ; un plan respecté suppose un plan d’apurement', () => {
    const avant = { etape: 'aller_vers', details: {} };
    expect(raisonIssueImpossible('plan_apurement_respecte', avant)).toMatch(/^Aucun contact n’est encore établi avec le ménage/);
    expect(raisonIssueImpossible('situation_stabilisee', avant)).toMatch(/suppose un accompagnement/);
    for (const issue of ['contact_impossible', 'refus', 'depart_du_logement', 'menage_met_fin', 'relogement_ou_mutation', 'orientation_droit_commun'] as const)
      expect(raisonIssueImpossible(issue, avant), issue).toBeUndefined();
    // Au comité de suivi (reims-april), à l'orientation et pendant l'information du ménage : pas encore de contact non plus.
    for (const etape of ['comite_de_suivi', 'orientation', 'information_menage']) {
      expect(raisonIssueImpossible('situation_stabilisee', { etape, details: {} }), etape).toMatch(/suppose un accompagnement/);
      expect(raisonIssueImpossible('contact_impossible', { etape, details: {} }), etape).toBeUndefined();
    }
    const diagnostic = { etape: 'diagnostic', details: {} };
    expect(raisonIssueImpossible('contact_impossible', diagnostic)).toMatch(/contact avec le ménage est établi/);
    expect(raisonIssueImpossible('plan_apurement_respecte', diagnostic)).toMatch(/Aucun plan d’apurement/);
    expect(
      raisonIssueImpossible('plan_apurement_respecte', { etape: 'suivi', details: { plan: { planApurement: { mensualite: 50, dureeMois: 12 } } } }),
    ).toBeUndefined();
    expect(raisonIssueImpossible('situation_stabilisee', diagnostic)).toBeUndefined();
  });

  it('le parcours refuse « plan d’apurement respecté » à l’aller vers, avec la raison, et reste ouvert ; « contact impossible » le clôt', async () => {
    const { handle } = await lancer('toulouse-declic');
    await etape(handle, 'aller_vers');
    const refus = await handle.executeUpdate(cloturerUpdate, { args: [msg({ issue: 'plan_apurement_respecte' as const })] }).catch((e) => e);
    expect(refus.cause?.message).toMatch(/^Aucun contact n’est encore établi avec le ménage/);
    expect((await handle.query(etatQuery)).cloture).toBeUndefined();
    await handle.executeUpdate(cloturerUpdate, { args: [msg({ issue: 'contact_impossible' as const })] });
    expect((await jusqua(handle, (e) => !!e.cloture, 'clôture')).cloture!.issue).toBe('contact_impossible');
  });
});

describe('besancon-ccas — rappels lus dans les délais du programme', () => {
  it('le rappel du plan d’aide vient « rappelAvant » (3 jours) avant l’échéance, pas 2 jours', async () => {
    const { handle, ref, programme } = await lancer('besancon-ccas');
    expect(programme.delais.rappelAvant).toBe('P3D');
    await jusquAuPlan(handle);
    const plan = await echeanceSuivie(handle, 'plan_aide');
    // Un peu moins de 3 jours avant l'échéance : l'ancien rappel fixe (2 jours) ne serait pas encore parti.
    await avancerJusqua(banc, handle, apres(retirerDuree(new Date(plan.due), 'P3D'), 60));
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Rappel : Plan d’aide contractualisé') && dossier(ref)(m) && m.a.includes('alice@essai.example'));
    await terminer(handle);
  });
});

describe('besancon-ccas — un refus n’est qu’une tentative', () => {
  it('le refus du ménage est noté comme une tentative, le parcours continue et le contact établi ensuite ouvre le diagnostic', async () => {
    const { handle, programme } = await lancer('besancon-ccas');
    expect(programme.options.refusNeClotPas).toBe(true);
    await etape(handle, 'aller_vers');
    const r = await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'refus' as const })],
    });
    expect(r).toMatchObject({ etape: 'aller_vers' });
    const etat = await jusqua(handle, (e) => e.journal.some((x) => x.type === 'refus_tentative'), 'refus noté comme une tentative');
    expect(etat.cloture).toBeUndefined();
    expect(etat.details.tentatives).toBe(1);
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'joint' as const })],
    });
    await etape(handle, 'diagnostic');
    await terminer(handle);
  });

  it('sans l’option (loiret-ahu), le refus clôt toujours le parcours', async () => {
    const { handle } = await lancer('loiret-ahu');
    await etape(handle, 'aller_vers');
    const r = await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'telephone' as const, creneau: 'matin' as const, issue: 'refus' as const })],
    });
    expect(r).toMatchObject({ etape: 'cloture' });
    const etat = await jusqua(handle, (e) => !!e.cloture, 'clôture');
    expect(etat.cloture!.issue).toBe('refus');
  });
});

describe('reims-april — comité de suivi : les services sociaux vérifient, puis le comité décide (fiche 004)', () => {
  const verificationEnAttente = (e: EtatParcours) => e.demandes.find((d) => d.action === 'verification' && d.statut === 'en_attente');
  const decider = (handle: WorkflowHandle, decision: 'integrer' | 'ne_pas_integrer', motif?: string) =>
    handle.executeUpdate(decisionComiteUpdate, { args: [{ requestId: requete(), par: 'coord.essai', decision, ...(motif ? { motif } : {}) }] });
  const refus = (p: Promise<unknown>) =>
    p.then(
      () => 'accepté',
      (e: { cause?: { message?: string } }) => e.cause?.message,
    );

  it('ménage déjà accompagné, non intégré : par qui, noté ; ce service est prévenu ; le bailleur ne reçoit pas de lien de veille active', async () => {
    const { handle, ref, programme } = await lancer('reims-april', { suiviParServiceSocial: true });
    const suivant = programme.partenaires.services_sociaux!;
    await etape(handle, 'comite_de_suivi');
    const lien = await banc.courriels.waitFor((m) => m.sujet.startsWith('Avant le comité de suivi') && m.a.includes(suivant.courriel) && dossier(ref)(m));
    expect(lien.texte).toContain('prévenez-le');
    // Avant la vérification, la coordination peut déjà décider ; un motif est exigé pour ne pas intégrer.
    expect(await refus(decider(handle, 'ne_pas_integrer'))).toMatch(/^indiquez le motif de la décision du comité/);
    const e = await jusqua(handle, (x) => !!verificationEnAttente(x), 'vérification en attente');
    expect(messagesPermis('prevention_precontentieuse', e.etape, false, e)).toEqual(['decision-comite']);
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [
        {
          requestId: requete(),
          par: 'partenaire:services_sociaux',
          demandeId: verificationEnAttente(e)!.id,
          role: 'services_sociaux',
          decision: 'refuse',
          commentaire: 'Suivi par Mme Durand, CCAS de Reims',
        },
      ],
    });
    const verifiee = await jusqua(handle, (x) => x.journal.some((j) => j.resume.includes('ménage déjà accompagné')), 'vérification notée');
    // Qui suit le ménage reste à l'équipe (le bailleur ne le voit pas).
    expect(verifiee.journal.find((j) => j.resume.includes('ménage déjà accompagné'))).toMatchObject({ visibilite: 'equipe' });
    expect(verifiee.etape).toBe('comite_de_suivi');
    // La coordination apprend la réponse : la décision du comité peut s'enregistrer.
    const reponse = await banc.courriels.waitFor((m) => m.sujet.startsWith('Avant le comité de suivi : les services sociaux ont répondu') && dossier(ref)(m));
    expect(reponse.texte).toContain('le ménage est déjà accompagné : Suivi par Mme Durand, CCAS de Reims.');
    const comite = verifiee.echeances.find((x) => x.id === 'decision_comite')!;
    expect(reponse.texte).toContain(`Enregistrez la décision du comité de suivi sur la page du dossier, au plus tard le ${jourEnFrancais(comite.due)} :`);
    expect(reponse.a).not.toContain(suivant.courriel);
    expect(await decider(handle, 'ne_pas_integrer', 'Le ménage reste suivi par le CCAS')).toMatchObject({ etape: 'cloture' });
    const final: EtatParcours = await handle.result();
    expect(final.cloture!.issue).toBe('orientation_droit_commun');
    expect(final.cloture!.motif).toBe('Comité de suivi : Le ménage reste suivi par le CCAS');
    expect(final.details.dejaSuivi).toMatchObject({ par: suivant.nom, precision: 'Suivi par Mme Durand, CCAS de Reims' });
    expect(final.echeances.find((x) => x.id === 'decision_comite')!.statut).toBe('tenue');
    const alerte = await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Comité de suivi : le ménage reste suivi par votre service') && m.a.includes(suivant.courriel) && dossier(ref)(m),
    );
    expect(alerte.texte).toContain('Le ménage reste suivi par le CCAS');
    // Jamais accompagné : aucune demande de veille active, aucun lien au bailleur.
    expect(final.demandes).toHaveLength(1);
    expect(final.journal.some((x) => x.resume.includes('Veille active'))).toBe(false);
  });

  it('aucun accompagnement connu, intégré : la décision fait passer le parcours à la lettre au ménage aussitôt ; elle est refusée une fois prise', async () => {
    const { handle, ref } = await lancer('reims-april');
    await etape(handle, 'comite_de_suivi');
    // Le travailleur social choisi au lancement apprend que le ménage lui est confié quand le comité l'intègre, pas avant.
    const confie = (m: { a: string[]; sujet: string }) => m.a.includes('alice@essai.example') && m.sujet === `Un ménage vous est confié (dossier ${ref})`;
    await jusqua(handle, (x) => !!verificationEnAttente(x), 'vérification en attente');
    expect(banc.courriels.messages().some(confie)).toBe(false);
    expect(await passerLeComite(handle)).toMatchObject({ etape: 'information_menage' });
    expect(await refus(decider(handle, 'integrer'))).toBe('Ce message n’est pas attendu à l’étape « Lettre d’information au ménage ».');
    const e = await etape(handle, 'aller_vers');
    expect(e.demandes[0]).toMatchObject({ action: 'verification', statut: 'approuvee' });
    expect(e.journal.filter((j) => j.resume === 'Étape : Lettre d’information au ménage')).toHaveLength(1);
    const contact = e.echeances.find((x) => x.id === 'contact')!;
    expect((await banc.courriels.waitFor(confie)).texte).toContain(`Premier contact avec le ménage : ${limiteEnFrancais(contact.due)}.`);
    expect(e.journal.find((j) => j.type === 'decision_comite')).toMatchObject({ acteur: { id: 'coord.essai', role: 'coordinateur' } });
    await terminer(handle);
  });

  it('réaffecté pendant le comité de suivi : le nouveau travailleur social l’apprend par le courriel de l’affectation, la lettre n’en envoie pas d’autre', async () => {
    const { handle, ref } = await lancer('reims-april');
    await etape(handle, 'comite_de_suivi');
    await handle.executeUpdate(affecterUpdate, { args: [{ requestId: requete(), par: 'coord.essai', travailleurSocial: 'ts.bruno' }] });
    const affecte = await banc.courriels.waitFor((m) => m.a.includes('bruno@essai.example') && m.sujet === `Un ménage vous est confié (dossier ${ref})`);
    expect(affecte.texte).toContain('suivi jusqu’ici par Alice Travailleuse');
    await passerLeComite(handle);
    await etape(handle, 'aller_vers');
    expect(banc.courriels.messages().filter((m) => m.sujet === `Un ménage vous est confié (dossier ${ref})`)).toHaveLength(1);
    await terminer(handle);
  });

  it('le comité décide avant la réponse des services sociaux : leur lien est clos, la décision vaut', async () => {
    const { handle, ref } = await lancer('reims-april');
    await jusqua(handle, (x) => !!verificationEnAttente(x), 'vérification en attente');
    await decider(handle, 'integrer', 'Situation connue du comité');
    const e = await etape(handle, 'aller_vers');
    expect(e.demandes[0]).toMatchObject({ statut: 'expiree', fermee: { raison: 'le comité de suivi a décidé sans attendre la réponse' } });
    expect(e.echeances.some((x) => x.id.startsWith('validation:') && x.statut === 'en_cours')).toBe(false);
    const tard = await refus(
      handle.executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:services_sociaux', demandeId: e.demandes[0]!.id, role: 'services_sociaux', decision: 'approuve' }],
      }),
    );
    expect(tard).toMatch(/^Cette demande a été close le .* \(le comité de suivi a décidé sans attendre la réponse\)/);
    expect(banc.courriels.messages().some((m) => m.sujet.includes('les services sociaux ont répondu') && dossier(ref)(m))).toBe(false);
    await terminer(handle);
  });

  it('délai du comité dépassé sans vérification ni décision : le lien expire, la coordination est alertée, la décision reste attendue puis vaut', async () => {
    const { handle, ref, programme } = await lancer('reims-april');
    const echeance = await echeanceSuivie(handle, 'decision_comite');
    const e0 = await jusqua(handle, (x) => !!verificationEnAttente(x), 'vérification en attente');
    // Le délai du programme depuis l'entrée au comité de suivi, jusqu'au soir d'un jour ouvré (comme la
    // réponse des services sociaux, qui le lisent dans leur courriel).
    const entree = e0.journal.find((j) => j.resume === 'Étape : Comité de suivi')!;
    expect(echeance.due).toBe(finDeJourOuvre(ajouterDuree(new Date(entree.date), programme.delais.comiteDeSuivi!)).toISOString());
    expect(verificationEnAttente(e0)!.echeance).toBe(echeance.due);
    const lien = await banc.courriels.waitFor((m) => m.sujet.startsWith('Avant le comité de suivi : le ménage est-il') && dossier(ref)(m));
    expect(lien.texte).toContain(`Au plus tard le ${jourEnFrancais(echeance.due)}, indiquez par le lien ci-dessous si ce ménage est déjà accompagné`);
    await avancerJusqua(banc, handle, apres(echeance.due));
    const e = await jusqua(handle, (x) => x.demandes[0]!.statut === 'expiree', 'vérification expirée');
    expect((await echeanceSuivie(handle, 'decision_comite', 'depassee')).due).toBe(echeance.due);
    expect(e.etape).toBe('comite_de_suivi');
    await jusquALAlerte(banc, handle, 'decision_comite');
    const alerte = await banc.courriels.waitFor((m) => m.sujet.startsWith('Échéance dépassée : Décision du comité de suivi') && dossier(ref)(m));
    expect(alerte.texte).toContain('Le parcours attend la décision du comité de suivi : enregistrez-la sur la page du dossier');
    // Les rappels du programme (4 et 8 jours) aux services sociaux, aux heures ouvrées avant l'échéance
    // (celui qui tomberait le soir du dernier jour ne part pas : le lendemain, ce serait trop tard).
    const rappels = banc.courriels.messages().filter((m) => m.sujet.startsWith('Rappel — Avant le comité de suivi') && dossier(ref)(m));
    const attendus = rappelsAttendus(verificationEnAttente(e0)!, programme.rappelsValidation);
    expect(attendus.length).toBeGreaterThan(0);
    expect(rappels).toHaveLength(attendus.length);
    expect(rappels[0]!.texte).toContain('Nous n’avons pas encore reçu votre réponse.');
    expect(messagesPermis('prevention_precontentieuse', e.etape, false, e)).toEqual(['decision-comite']);
    expect(await decider(handle, 'integrer')).toMatchObject({ etape: 'information_menage' });
    const suite = await etape(handle, 'aller_vers');
    expect(suite.echeances.find((x) => x.id === 'decision_comite')!.statut).toBe('tenue');
    await terminer(handle);
  });

  it('hors de l’étape, ou pour un programme sans comité, la décision est refusée et ne change rien', async () => {
    const { handle } = await lancer('loiret-ahu');
    const e = await etape(handle, 'aller_vers');
    expect(await refus(decider(handle, 'integrer'))).toBe('Ce message n’est pas attendu à l’étape « Aller vers le ménage ».');
    expect((await handle.query(etatQuery)).journal).toHaveLength(e.journal.length);
    await terminer(handle);
  });
});

describe('besancon-ccas — délais du rapport', () => {
  it('le premier contact est attendu dans les 3 semaines ; l’ASLL est validée par le département dans le délai du plan, pas une semaine de plus', async () => {
    const { handle, programme } = await lancer('besancon-ccas');
    expect(programme.delais.contact).toBe('P3W');
    await etape(handle, 'aller_vers');
    const contact = await echeanceSuivie(handle, 'contact');
    expect(contact.due).toBe((await echeanceSuivie(handle, 'premiere_visite')).due);
    await jusquAuPlan(handle);
    const plan = await echeanceSuivie(handle, 'plan_aide');
    // Le plan enregistré 5 jours après le diagnostic : l'ancienne règle (une semaine depuis l'envoi) tomberait 5 jours trop tard.
    await avancerJusqua(banc, handle, retirerDuree(new Date(plan.due), 'P2D'));
    await handle.executeUpdate(planAideUpdate, { args: [msg({ actions: ['budget' as const], orientations: ['asll' as const] })] });
    const etat = await jusqua(handle, (e) => e.etape === 'validation_departement' && e.demandes.length === 1, 'demande de validation ASLL');
    // Le département répond, comme tout partenaire, jusqu'au soir du jour de l'échéance du plan (ou du
    // premier jour ouvré qui suit).
    expect(etat.demandes[0]!.echeance).toBe(finDuJourOuvreAttendue(new Date(plan.due)).toISOString());
    expect(etat.echeances.find((x) => x.id === 'contact')!.statut).toBe('tenue');
    await terminer(handle);
  });

  it('un ménage désigné le 4 et rencontré le 6 à 16 h l’a été en 2 jours (jours du calendrier), au dossier comme aux indicateurs', async () => {
    const programme = CATALOGUE.trouver('besancon-ccas')!;
    const menage = menageEssai();
    // Rencontré demain à 16 h, désigné deux jours plus tôt : en tranches de 24 heures depuis minuit, 2,67 jours.
    const rencontre = new Date(minuitDeParis(jourSuivant(jourDeParis(new Date()))).getTime() + 16 * 3_600_000);
    const designeLe = jourDeParis(new Date(rencontre.getTime() - 2 * 86_400_000));
    const entree: EntreePrevention = { programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situation(), designeLe };
    const handle = await demarrerLe(banc, rencontre, 'preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `besancon-ccas--${menage.reference}`,
      args: [entree],
    });
    const e0 = await etape(handle, 'aller_vers');
    // Le courriel qui confie le ménage au travailleur social dit les deux délais, comptés depuis la désignation.
    const confie = await banc.courriels.waitFor((m) => m.sujet === `Un ménage vous est confié (dossier ${menage.reference})`);
    const due = (id: string) => e0.echeances.find((x) => x.id === id)!.due;
    expect(due('contact')).toBe(finDuJour(ajouterDuree(minuitDeParis(designeLe), programme.delais.contact!)).toISOString());
    expect(confie.texte).toContain(`Premier contact avec le ménage : ${limiteEnFrancais(due('contact'))}.`);
    expect(confie.texte).toContain(`Première visite à domicile : ${limiteEnFrancais(due('premiere_visite'))}.`);
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'apres_midi' as const, issue: 'joint' as const })],
    });
    // Le message fait passer au diagnostic aussitôt ; le délai est noté ensuite par le déroulé.
    const etat = await jusqua(handle, (e) => e.etape === 'diagnostic' && e.details.delaiPremierContactJours !== undefined, 'délai du premier contact noté');
    expect(etat.details.delaiPremierContactJours).toBe(2);
    expect(ficheDepuisEtat(etat).contact).toMatchObject({ delaiJours: 2, dansLeDelai: true });
    await terminer(handle);
  });

  /**
   * Le diagnostic fait un jour choisi pour que l'échéance du plan (une semaine après) tombe un jour
   * chômé : le département a jusqu'au soir du jour ouvré suivant, le courriel le dit ; à la fin de ce
   * jour-là, sans réponse, la coordination est alertée.
   */
  const dimanche = (() => {
    let jour = jourDeParis(new Date(Date.now() + 2 * 86_400_000));
    while (new Date(`${jour}T12:00:00Z`).getUTCDay() !== 0) jour = jourSuivant(jour);
    return new Date(minuitDeParis(jour).getTime() + 10 * 3_600_000);
  })();
  const cas = [
    { nom: 'l’échéance du plan tombe un dimanche', diagnostic: dimanche },
    { nom: 'l’échéance du plan tombe le 25 décembre', diagnostic: prochain(18, 12) },
  ];
  it.each(
    cas.map(
      (c) => [`${c.nom} (diagnostic le ${jourEnFrancais(c.diagnostic)}) : le département répond jusqu’au soir du jour ouvré suivant`, c.diagnostic] as const,
    ),
  )('%s', async (_nom, diagnostic) => {
    const programme = CATALOGUE.trouver('besancon-ccas')!;
    const menage = menageEssai();
    const entree: EntreePrevention = { programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situation() };
    const handle = await demarrerLe(banc, diagnostic, 'preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `besancon-ccas--${menage.reference}`,
      args: [entree],
    });
    await jusquAuPlan(handle);
    const plan = await echeanceSuivie(handle, 'plan_aide');
    expect(estJourOuvre(jourDeParis(plan.due))).toBe(false);
    await avancerJusqua(banc, handle, retirerDuree(new Date(plan.due), 'P2D'));
    await handle.executeUpdate(planAideUpdate, { args: [msg({ actions: ['budget' as const], orientations: ['asll' as const] })] });
    const demande = (await jusqua(handle, (e) => e.etape === 'validation_departement' && e.demandes.length === 1, 'demande de validation ASLL')).demandes[0]!;
    const limite = finDuJourOuvreAttendue(new Date(plan.due));
    expect(demande.echeance).toBe(limite.toISOString());
    const lien = await banc.courriels.waitFor((m) => m.sujet.startsWith('Validation du plan d’aide avec une mesure ASLL') && dossier(menage.reference)(m));
    expect(lien.texte).toContain(`Votre décision est attendue au plus tard le ${jourEnFrancais(limite)} sur la demande suivante.`);
    expect(lien.texte).toContain(`reste valable jusqu’au ${jourEnFrancais(limite)} au soir.`);
    // Une heure après l'échéance du plan (un jour chômé), le département peut encore répondre ;
    // une minute avant la fin du jour ouvré aussi ; juste après, la coordination est alertée.
    await avancerJusqua(banc, handle, apres(plan.due, 60));
    expect((await handle.query(etatQuery)).demandes[0]!.statut).toBe('en_attente');
    await avancerJusqua(banc, handle, apres(limite, -1));
    expect((await handle.query(etatQuery)).demandes[0]!.statut).toBe('en_attente');
    await avancerJusqua(banc, handle, apres(limite, 1));
    await jusquALEscalade(banc, handle, demande);
    const alerte = await banc.courriels.waitFor((m) => m.sujet.startsWith('Sans réponse : Validation du plan') && dossier(menage.reference)(m));
    expect(alerte.texte).toContain(`attendue au plus tard le ${jourEnFrancais(limite)}`);
    expect((await handle.query(etatQuery)).demandes[0]!.statut).toBe('expiree');
    await terminer(handle);
  });
});

describe('besancon-ccas — la visite à domicile malgré un contact par téléphone', () => {
  it('le ménage joint par téléphone, la visite reste attendue pendant le diagnostic, et la visite notée la tient', async () => {
    const { handle, programme } = await lancer('besancon-ccas');
    expect(programme.options.visiteMalgreContact).toBe(true);
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(tentativeContactUpdate, { args: [msg({ canal: 'telephone' as const, creneau: 'matin' as const, issue: 'joint' as const })] });
    let etat = await jusqua(handle, (e) => e.etape === 'diagnostic' && e.journal.some((x) => x.type === 'visite_attendue'), 'visite encore attendue');
    expect(etat.echeances.find((x) => x.id === 'premiere_visite')!.statut).toBe('en_cours');
    expect(etat.echeances.find((x) => x.id === 'contact')!.statut).toBe('tenue');
    // L'état lu le dit : la visite se note encore au diagnostic (l'interface en fait un formulaire).
    expect(messagesPermis(etat.typeParcours, etat.etape, false, etat)).toEqual(['tentative-contact', 'diagnostic', 'cloture']);
    const r = await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'joint' as const })],
    });
    expect(r).toMatchObject({ etape: 'diagnostic', messagesPermis: ['diagnostic', 'cloture'] });
    etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'premiere_visite' && x.statut === 'tenue'), 'visite tenue');
    expect(etat.etape).toBe('diagnostic');
    expect(etat.details.tentatives).toBe(2);
    expect(etat.details.tentativesParCanal).toEqual({ telephone: 1, visite_domicile: 1 });
    // Une fois faite, la visite n'est plus un message attendu au diagnostic.
    const refus = await handle
      .executeUpdate(tentativeContactUpdate, { args: [msg({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'joint' as const })] })
      .catch((e) => e);
    expect(refus.cause?.message).toMatch(/n’est pas attendu/);
    await terminer(handle);
  });

  it('la seconde visite faite après son délai est tenue en retard, pas laissée dépassée jusqu’au contact', async () => {
    const { handle } = await lancer('besancon-ccas');
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'absent' as const })],
    });
    const seconde = await echeanceSuivie(handle, 'seconde_visite');
    await avancerJusqua(banc, handle, ajouterDuree(new Date(seconde.due), 'P2D'));
    await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'seconde_visite' && x.statut === 'depassee'), 'seconde visite dépassée');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'absent' as const })],
    });
    const etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'seconde_visite' && x.statut === 'tenue'), 'seconde visite tenue');
    const tenue = etat.echeances.find((x) => x.id === 'seconde_visite')!;
    expect(Date.parse(tenue.tenueLe!)).toBeGreaterThan(Date.parse(tenue.due));
    expect(etat.journal.some((x) => x.type === 'echeance_tenue' && x.resume === 'Échéance « Seconde visite à un autre horaire » tenue (en retard)')).toBe(true);
    expect(etat.etape).toBe('aller_vers');
    expect(etat.echeances.filter((x) => x.statut === 'depassee')).toEqual([]);
    await terminer(handle);
  });

  it('joint par téléphone après le délai de la visite : la visite reste à faire, en retard, et la noter la tient', async () => {
    const { handle } = await lancer('besancon-ccas');
    await etape(handle, 'aller_vers');
    const visite = await echeanceSuivie(handle, 'premiere_visite');
    await avancerJusqua(banc, handle, ajouterDuree(new Date(visite.due), 'P2D'));
    let etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'premiere_visite' && x.statut === 'depassee'), 'visite dépassée');
    await handle.executeUpdate(tentativeContactUpdate, { args: [msg({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'joint' as const })] });
    etat = await jusqua(handle, (e) => e.etape === 'diagnostic' && e.journal.some((x) => x.type === 'visite_attendue'), 'visite encore attendue');
    expect(etat.journal.find((x) => x.type === 'visite_attendue')!.resume).toBe(
      'Contact établi sans visite : la visite à domicile reste à faire, son délai est passé',
    );
    expect(etat.echeances.find((x) => x.id === 'premiere_visite')!.statut).toBe('depassee');
    expect(messagesPermis(etat.typeParcours, etat.etape, false, etat)).toEqual(['tentative-contact', 'diagnostic', 'cloture']);
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'joint' as const })],
    });
    etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'premiere_visite' && x.statut === 'tenue'), 'visite tenue');
    const tenue = etat.echeances.find((x) => x.id === 'premiere_visite')!;
    expect(Date.parse(tenue.tenueLe!)).toBeGreaterThan(Date.parse(tenue.due));
    expect(etat.details.visiteDomicileLe).toBeDefined();
    // Plus rien de dépassé : le parcours ne reste pas « en retard » jusqu'à sa clôture.
    expect(etat.echeances.filter((x) => x.statut === 'depassee')).toEqual([]);
    await terminer(handle);
  });
});

describe('une date de désignation ou de signalement ancienne : les échéances qui naîtraient dépassées', () => {
  const loiret = CATALOGUE.trouver('loiret-ahu')!;
  const besancon = CATALOGUE.trouver('besancon-ccas')!;
  const heure = (iso: string) => new Date(iso);
  it('loiret-ahu : le contact est dû un mois après le signalement (31 janvier → 28 février au soir), écoulé à minuit de Paris, clôture annoncée', () => {
    // Le 28 février 2027 compte tout entier : écoulé à la fin de ce jour à Paris (heure d'hiver : 28 février 22 h 59 UTC).
    expect(delaisDejaEcoules(loiret, { signaleLe: '2027-01-31' }, heure('2027-02-28T12:00:00Z'))).toEqual([]);
    expect(delaisDejaEcoules(loiret, { signaleLe: '2027-01-31' }, heure('2027-02-28T22:59:59.998Z'))).toEqual([]);
    const [contact, ...autres] = delaisDejaEcoules(loiret, { signaleLe: '2027-01-31' }, heure('2027-02-28T22:59:59.999Z'));
    expect(autres).toEqual([]);
    expect(contact).toMatchObject({
      libelle: 'Premier contact avec le ménage',
      depuis: 'le signalement du bailleur, le 31 janvier 2027',
      consequence: expect.stringContaining('clos aussitôt « contact impossible »'),
    });
    expect(contact!.due.toISOString()).toBe('2027-02-28T22:59:59.999Z');
    // En fin d'année, et à l'heure d'été : 30 novembre → 30 décembre au soir ; 28 mars (passage à l'heure d'été) → 28 avril au soir.
    expect(delaisDejaEcoules(loiret, { signaleLe: '2026-11-30' }, heure('2026-12-31T00:00:00Z'))[0]!.due.toISOString()).toBe('2026-12-30T22:59:59.999Z');
    expect(delaisDejaEcoules(loiret, { signaleLe: '2027-03-28' }, heure('2027-04-29T00:00:00Z'))[0]!.due.toISOString()).toBe('2027-04-28T21:59:59.999Z');
    // Une date de désignation n'a pas d'objet dans ce programme.
    expect(delaisDejaEcoules(loiret, { designeLe: '2020-01-01' }, heure('2027-01-01T00:00:00Z'))).toEqual([]);
  });
  it('besancon-ccas : visite et contact trois semaines après la désignation, passage à l’heure d’été compris ; une alerte, pas une clôture', () => {
    // Désigné le lundi 15 mars 2027 : « dans les 3 semaines qui suivent », jusqu'au lundi 5 avril au soir
    // (heure d'été : 5 avril 21 h 59 UTC) ; le 5 avril à midi, rien n'est encore écoulé.
    expect(delaisDejaEcoules(besancon, { designeLe: '2027-03-15' }, heure('2027-04-05T10:00:00Z'))).toEqual([]);
    const ecoules = delaisDejaEcoules(besancon, { designeLe: '2027-03-15' }, heure('2027-04-05T22:00:00Z'));
    expect(ecoules.map((x) => [x.libelle, x.due.toISOString()])).toEqual([
      ['Premier contact avec le ménage', '2027-04-05T21:59:59.999Z'],
      ['Première visite à domicile', '2027-04-05T21:59:59.999Z'],
    ]);
    expect(ecoules[0]!.depuis).toBe('la désignation par la commission impayés, le 15 mars 2027');
    expect(ecoules.every((x) => x.consequence.includes('la coordination en recevra aussitôt l’alerte par courriel'))).toBe(true);
    // Un signalement n'a pas d'objet dans ce programme.
    expect(delaisDejaEcoules(besancon, { signaleLe: '2020-01-01' }, heure('2027-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('besancon-ccas — partage avec le service social du département', () => {
  it('une situation qu’il accompagne déjà reste chez lui : clôture « orientation droit commun », service social informé, pas d’aller vers', async () => {
    const { handle, ref, programme } = await lancer('besancon-ccas', { suiviParServiceSocial: true, gardeParServiceSocialDepartement: true });
    const final: EtatParcours = await handle.result();
    expect(final.cloture!.issue).toBe('orientation_droit_commun');
    expect(final.details.orienteVers).toMatchObject({ service: programme.partenaires.services_sociaux!.nom });
    expect(final.journal.some((x) => x.type === 'lettre_information' || x.type === 'echeance_ouverte')).toBe(false);
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Situation laissée à votre service') && m.a.includes(programme.partenaires.services_sociaux!.courriel) && dossier(ref)(m),
    );
    // Connue du service social sans accompagnement des impayés : le CCAS s'en charge.
    const autre = await lancer('besancon-ccas', { suiviParServiceSocial: true });
    await etape(autre.handle, 'aller_vers');
    await terminer(autre.handle);
  });
});

describe('toulouse-declic — axes d’accompagnement du plan', () => {
  it('soutien psychologique, éducatif, médiation avec l’environnement et réseau santé ville sont dans le vocabulaire, avec leurs libellés', () => {
    for (const a of ['soutien_psychologique', 'accompagnement_educatif', 'mediation_environnement'] as const) expect(ACTIONS_PLAN).toContain(a);
    expect(ORIENTATIONS_PLAN).toContain('reseau_sante_ville');
    for (const v of ['soutien_psychologique', 'accompagnement_educatif', 'mediation_environnement', 'reseau_sante_ville'])
      expect(LIBELLES_VALEURS[v], v).toBeTruthy();
    // Chaque action et orientation a son libellé dans le vocabulaire commun (aperçus des demandes, journal).
    for (const v of [...ACTIONS_PLAN, ...ORIENTATIONS_PLAN]) expect(LIBELLES_VALEURS[v], v).toBeTruthy();
    for (const a of ACTIONS_PLAN) {
      expect(ACTIONS_EQUIPE[a], a).toBeTruthy();
      expect(ACTIONS_PLAN_MENAGE[a], a).toBeTruthy();
    }
    for (const o of ORIENTATIONS_PLAN) expect(ORIENTATIONS_DOCUMENTS[o], o).toBeTruthy();
  });
});

describe('fin du suivi prévue', () => {
  it('besancon-ccas réglé avec des bilans à 6 et 12 mois : pas avant le bilan à 12 mois et sa saisie (6 mois de suivi) ; reims-april, « sans condition de durée » : aucune', async () => {
    const { handle, programme } = await lancer('besancon-ccas', {}, { jalons: { bilans: ['P6M', 'P12M'], pointsSuivi: [] } });
    expect(programme.delais.suivi).toBe('P6M');
    await jusquAuPlan(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg({ actions: ['budget' as const], orientations: [] })] });
    const etat = await jusqua(handle, (e) => e.etape === 'suivi' && e.echeances.some((x) => x.id === 'fin_suivi'), 'fin du suivi suivie');
    const debutSuivi = new Date([...etat.journal].reverse().find((x) => x.type === 'etape' && x.resume.includes('Suivi du plan'))!.date);
    const fin = etat.echeances.find((x) => x.id === 'fin_suivi')!;
    // Le bilan à 12 mois puis ses 2 semaines de saisie, pas 6 mois.
    expect(new Date(fin.due).getTime()).toBeGreaterThan(ajouterDuree(debutSuivi, 'P12M').getTime());
    expect(new Date(fin.due).getTime()).toBeLessThanOrEqual(
      finDuJour(new Date(ajouterDuree(ajouterDuree(debutSuivi, 'P12M'), 'P2W').getTime() + 60_000)).getTime(),
    );
    await terminer(handle);

    const april = await lancer('reims-april');
    expect(april.programme.delais.suivi).toBeUndefined();
    await passerLeComite(april.handle);
    await jusquAuPlan(april.handle);
    await april.handle.executeUpdate(planAideUpdate, { args: [msg({ actions: ['budget' as const], orientations: [] })] });
    const suivi = await jusqua(april.handle, (e) => e.etape === 'suivi', 'étape « suivi »');
    expect(suivi.echeances.some((x) => x.id === 'fin_suivi')).toBe(false);
    await terminer(april.handle);
  });
});
