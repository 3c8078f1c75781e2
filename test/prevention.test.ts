/**
 * Parcours « prévention précontentieuse » sur le vrai serveur Temporal (saut de temps par workflow) : chaque preset de
 * bout en bout, chaque délai qui expire, la confidentialité de ce que le ménage a confié.
 */
import { SA } from '../domain/attributs-recherche';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { messagesPermis } from '../domain/actions';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { affecterUpdate, cloreAnticipeUpdate, envoyerDocumentAuMenageUpdate, etatQuery, repondreValidationUpdate } from '../domain/messages';
import { accordPartageDiagnosticUpdate } from '../domain/partage';
import {
  bilanUpdate,
  cloturerUpdate,
  diagnosticUpdate,
  passageDroitCommunUpdate,
  rechuteEquipeUpdate,
  suiteSansReponseDepartementUpdate,
  planAideUpdate,
  tentativeContactUpdate,
  type EntreePrevention,
  type SituationOrientation,
} from '../domain/prevention';
import type { EtatParcours } from '../domain/vocabulaire';
import { motifNonEligible } from '../domain/prevention';
import {
  ajouterDuree,
  auxHeuresOuvrees,
  dateEnFrancais,
  estJourOuvre,
  finDuJour,
  heureDeParis,
  jourDeParis,
  jourEnFrancais,
  joursFeries,
  minuitDeParis,
  retirerDuree,
} from '../domain/durees';
import {
  CATALOGUE,
  apres,
  avancer,
  attendreEcheanceDuDossier,
  avancerJusqua,
  lancerAvance,
  demarrerLe,
  prochain,
  jourSuivant,
  jourOuvreAttendu,
  finDuJourOuvreAttendue,
  echeanceSuivie,
  heureDuParcours,
  jusqua as jusquaEtat,
  menageEssai,
  monterBanc,
  requete,
  terminer,
  type Banc,
  passerLeComite,
  planValideParLeReferent,
  OBJET_VALIDATION_REFERENT,
  rappelAttendu,
  rappelsAttendus,
  jusquALAlerte,
  jusquALEscalade,
  jusquALaDemandeDeBilan,
  prochainesVingtHeures,
} from './outils/environnement';
import type { CourrielRecu } from '../dev/mail-catcher';

let banc: Banc;
beforeAll(async () => {
  banc = await monterBanc();
});
afterAll(async () => banc?.fermer());

const CONFIDENTIEL = ['Perte d’emploi', 'dépression', 'Lefébure', 'Tilleuls', 'séparation', 'Voisin bruyant'];

const maintenant = Date.now();
const situation = (s: Partial<SituationOrientation> = {}): SituationOrientation => ({
  impayesMois: 2,
  montantDette: 812,
  debutBail: new Date(maintenant - 90 * 86_400_000).toISOString().slice(0, 10),
  garantie: 'aucune',
  dejaTente: 'Relances',
  contactBailleur: false,
  suiviParServiceSocial: false,
  ...s,
});

async function lancer(
  programmeId: string,
  s: Partial<SituationOrientation> = {},
  plus: Pick<EntreePrevention, 'signaleLe' | 'travailleurSocial'> = {},
  delais: Record<string, string> = {},
) {
  const catalogue = CATALOGUE.trouver(programmeId)!;
  const programme = { ...catalogue, delais: { ...catalogue.delais, ...delais } };
  const menage = menageEssai();
  const entree: EntreePrevention = { programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situation(s), ...plus };
  const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
    taskQueue: banc.taskQueue,
    workflowId: `${programmeId}--${menage.reference}`,
    args: [entree],
  });
  return { handle, menage, programme, ref: menage.reference };
}

const jusqua = (handle: WorkflowHandle, predicat: (e: EtatParcours) => boolean) => jusquaEtat(handle, predicat);
const etape = (handle: WorkflowHandle, nom: string) => jusquaEtat(handle, (e) => e.etape === nom, `étape « ${nom} »`);
/** Avance l'horloge du parcours juste après une date qu'il a lui-même fixée. */
const avancerApres = (handle: WorkflowHandle, date: Date | string) => avancerJusqua(banc, handle, apres(date));
/** Avance jusqu'au lendemain de l'échéance `id` (en cours) du parcours, et la renvoie. */
async function depasser(handle: WorkflowHandle, id: string) {
  const e = await echeanceSuivie(handle, id);
  await avancerApres(handle, e.due);
  return e;
}
/** Avance jusqu'à ce que le jalon de bilan `jalon` (P3M…) soit ouvert. */
async function jusquAuBilan(handle: WorkflowHandle, jalon: string, debutSuivi: Date) {
  await avancerApres(handle, ajouterDuree(debutSuivi, jalon));
  return echeanceSuivie(handle, `bilan:${jalon}`);
}
const msg =
  <T extends object>(par = 'ts.alice') =>
  (x: T) => ({ requestId: requete(), par, ...x });
const dossier = (ref: string) => (m: CourrielRecu) => m.sujet.includes(ref);
const bailleurDe = (programmeId: string) => CATALOGUE.trouver(programmeId)!.partenaires.bailleur!.courriel;
function courrielsBailleur(programmeId: string, ref: string) {
  return banc.courriels.messages().filter((m) => m.a.includes(bailleurDe(programmeId)) && dossier(ref)(m));
}
function sansConfidentiel(courriels: CourrielRecu[]) {
  for (const m of courriels)
    for (const secret of CONFIDENTIEL) {
      expect(m.texte).not.toContain(secret);
      expect(m.html ?? '').not.toContain(secret);
    }
}

/**
 * Un parcours loiret-ahu lancé, retenu à l'étape « Lettre d'information au ménage » (courriel au
 * bailleur lent) le temps de `pendant` ; rendu ensuite, le courriel parti.
 */
async function pendantLaLettre(pendant: (handle: WorkflowHandle) => Promise<void>): Promise<WorkflowHandle> {
  const lacher = banc.retenirCourriels((objet) => objet.startsWith('Orientation reçue'));
  try {
    const { handle } = await lancer('loiret-ahu');
    await etape(handle, 'information_menage');
    await pendant(handle);
    return handle;
  } finally {
    lacher();
  }
}

async function contactEtDiagnostic(handle: WorkflowHandle) {
  await etape(handle, 'aller_vers');
  await handle.executeUpdate(tentativeContactUpdate, {
    args: [msg()({ canal: 'visite_domicile' as const, creneau: 'apres_midi' as const, issue: 'joint' as const, note: 'Voisin bruyant, séparation récente' })],
  });
  await etape(handle, 'diagnostic');
  await handle.executeUpdate(diagnosticUpdate, {
    args: [
      msg()({
        origineDette: 'Perte d’emploi en mai',
        droits: 'APL',
        budget: 'Serré',
        adequationLogement: 'Adapté',
        notes: 'dépression signalée',
        termine: true,
        carnetDeRoute: ['Dossier FSL', 'RDV CAF'],
      }),
    ],
  });
  await etape(handle, 'plan_aide');
}

describe('loiret-ahu', () => {
  it('éligibilité : refuse avec la raison une garantie, moins de 2 loyers, un bail de plus de 6 mois', async () => {
    const p = CATALOGUE.trouver('loiret-ahu')!;
    const maintenant = new Date('2026-11-22T10:00:00Z');
    expect(motifNonEligible(p, situation({ garantie: 'fsl' }), maintenant)).toContain('garantie (FSL)');
    expect(motifNonEligible(p, situation({ impayesMois: 1 }), maintenant)).toContain('moins de 2 loyers impayés (1)');
    expect(motifNonEligible(p, situation({ debutBail: '2026-03-01' }), maintenant)).toContain('bail commencé il y a plus de 6 mois');
    expect(motifNonEligible(p, situation({ debutBail: '2026-07-01' }), maintenant)).toBeUndefined();

    const { handle } = await lancer('loiret-ahu', { garantie: 'loca_pass' });
    const fin = await jusqua(handle, (e) => !!e.cloture);
    expect(fin.cloture).toMatchObject({ issue: 'non_eligible', motif: 'le ménage bénéficie d’une garantie (Loca-Pass)' });
  });

  it('la règle des 6 mois se compte en jours de Paris : le jour anniversaire du bail compte à toute heure, le lendemain non (fin de mois, changement d’heure)', () => {
    const p = CATALOGUE.trouver('loiret-ahu')!;
    const cas: Array<[string, string, boolean]> = [
      // [début du bail, orienté le (UTC), éligible]
      ['2026-06-06', '2026-12-06T13:00:00Z', true], // 14 h à Paris, le jour anniversaire
      ['2026-06-06', '2026-12-06T22:30:00Z', true], // 23 h 30
      ['2026-06-06', '2026-12-06T23:30:00Z', false], // 0 h 30 le lendemain
      ['2026-08-31', '2027-02-28T20:00:00Z', true], // 6 mois après un 31 août : le 28 février
      ['2026-08-31', '2027-03-01T08:00:00Z', false],
      ['2026-09-28', '2027-03-28T21:30:00Z', true], // jour du passage à l'heure d'été, 23 h 30
      ['2026-09-28', '2027-03-28T22:30:00Z', false],
    ];
    for (const [debutBail, le, eligible] of cas) {
      const motif = motifNonEligible(p, situation({ debutBail }), new Date(le));
      if (eligible) expect(motif, `${debutBail} → ${le}`).toBeUndefined();
      else expect(motif, `${debutBail} → ${le}`).toBe(`bail commencé il y a plus de 6 mois (le ${dateEnFrancais(debutBail)})`);
    }
    // La règle des parcours d'avant (rejoués tels quels) : à l'heure près, le jour anniversaire refusé passé 2 h.
    expect(motifNonEligible(p, situation({ debutBail: '2026-06-06' }), new Date('2026-12-06T13:00:00Z'), { ancienneteAuJour: false })).toContain(
      'plus de 6 mois',
    );
  });

  it('sans date de signalement, un ménage orienté l’après-midi du jour anniversaire de son bail est accompagné (règle des 6 mois en jours)', async () => {
    const programme = CATALOGUE.trouver('loiret-ahu')!;
    const le = prochain(15, ((new Date().getUTCMonth() + 1) % 12) + 1, 14);
    const debutBail = jourDeParis(retirerDuree(le, 'P6M'));
    expect(jourDeParis(ajouterDuree(minuitDeParis(debutBail), 'P6M'))).toBe(jourDeParis(le));
    const menage = menageEssai();
    const entree: EntreePrevention = { programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situation({ debutBail }) };
    const handle = await demarrerLe(banc, le, 'preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `loiret-ahu--${menage.reference}`,
      args: [entree],
    });
    const etat = await jusqua(handle, (e) => e.etape === 'aller_vers' || !!e.cloture);
    expect(etat.cloture, JSON.stringify(etat.cloture)).toBeUndefined();
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('aucun contact dans le mois (échéance calculée par le parcours, rappel 5 jours avant) : le bailleur est prévenu qu’il peut engager la procédure, clôture « contact impossible »', async () => {
    const { handle, ref, programme } = await lancer('loiret-ahu');
    await etape(handle, 'aller_vers');
    // Le parcours refuse lui-même ce que le formulaire refuse (un message qui ne passe pas par l'API).
    const absentAuCourrier = await handle
      .executeUpdate(tentativeContactUpdate, { args: [msg()({ canal: 'courrier' as const, issue: 'absent' as const })] })
      .catch((e: unknown) => e);
    expect(absentAuCourrier).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((absentAuCourrier as WorkflowUpdateFailedError).cause?.message).toContain('Pour un courrier sans réponse, choisissez « Injoignable »');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg()({ canal: 'telephone' as const, creneau: 'matin' as const, issue: 'injoignable' as const })],
    });
    expect((await handle.query(etatQuery)).details.tentatives).toBe(1);
    const contact = await echeanceSuivie(handle, 'contact');
    await avancerApres(handle, retirerDuree(new Date(contact.due), programme.delais.rappelAvant!));
    expect(
      banc.courriels.messages().some((m) => m.sujet.startsWith('Rappel : Premier contact') && dossier(ref)(m) && m.a.includes('alice@essai.example')),
    ).toBe(true);
    expect(courrielsBailleur('loiret-ahu', ref).some((m) => m.sujet.startsWith('Contact impossible'))).toBe(false);
    await avancerApres(handle, contact.due);
    const avis = await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet.startsWith('Contact impossible') && dossier(ref)(m));
    expect(avis.texte).toContain('vous pouvez engager les poursuites judiciaires');
    expect(avis.texte).toContain('Malgré notre tentative, nous n’avons pas pu entrer en contact');
    const etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture!.issue).toBe('contact_impossible');
    sansConfidentiel(courrielsBailleur('loiret-ahu', ref));
  });

  it('le travailleur social choisi au lancement apprend avec la lettre le ménage qui lui est confié et son délai ; lancé sans lui, personne, et l’affectation faite ensuite a son propre courriel', async () => {
    const { handle, ref, menage, programme } = await lancer('loiret-ahu');
    const contact = await echeanceSuivie(handle, 'contact');
    const confie = await banc.courriels.waitFor((m) => m.a.includes('alice@essai.example') && m.sujet === `Un ménage vous est confié (dossier ${ref})`);
    expect(confie.texte).toContain(`La coordination vous confie le ménage du dossier ${ref} (${programme.nom}) : à vous d’aller vers lui.`);
    expect(confie.texte).toContain('La lettre d’information lui part par courriel ; elle est aussi dans les documents du dossier, prête à imprimer.');
    expect(confie.texte).toContain(`Premier contact avec le ménage : au plus tard le ${dateEnFrancais(contact.due)}.`);
    expect(confie.texte).toMatch(new RegExp(`Ouvrir le dossier : http://\\S+/parcours/loiret-ahu--${ref}\\n`));
    expect(confie.texte).not.toContain(menage.nom);
    // Noté au journal une fois l'envoi fait (après le courriel reçu, un instant plus tard peut-être).
    await jusqua(handle, (e) => e.journal.some((j) => j.resume.includes(`Un ménage vous est confié (dossier ${ref})`)));

    const sans = await lancer('loiret-ahu', {}, { travailleurSocial: undefined });
    await etape(sans.handle, 'aller_vers');
    const confies = () => banc.courriels.messages().filter((m) => m.sujet === `Un ménage vous est confié (dossier ${sans.ref})`);
    expect(confies()).toEqual([]);
    await sans.handle.executeUpdate(affecterUpdate, { args: [{ requestId: requete(), par: 'coord.essai', travailleurSocial: 'ts.bruno' }] });
    const affecte = await banc.courriels.waitFor((m) => m.a.includes('bruno@essai.example') && m.sujet === `Un ménage vous est confié (dossier ${sans.ref})`);
    expect(affecte.texte).toContain(`La coordination vous confie le suivi du ménage du dossier ${sans.ref}`);
    expect(confies()).toHaveLength(1);
    await terminer(handle);
    await terminer(sans.handle);
  });

  it('le délai d’un mois et la règle des 6 mois comptent depuis le signalement du bailleur, pas depuis l’acceptation de l’orientation (fiche 002)', async () => {
    const programme = CATALOGUE.trouver('loiret-ahu')!;
    expect(programme.options.delaisDepuisSignalement).toBe(true);
    // Signalé il y a 10 jours ; le bail avait alors un peu moins de 6 mois, il en a un peu plus aujourd'hui.
    const signaleLe = jourDeParis(new Date(maintenant - 10 * 86_400_000));
    const signalement = minuitDeParis(signaleLe);
    const debutBail = jourDeParis(new Date(retirerDuree(signalement, 'P6M').getTime() + 3 * 86_400_000 + 12 * 3_600_000));
    expect(motifNonEligible(programme, situation({ debutBail }), new Date())).toContain('bail commencé il y a plus de 6 mois');
    expect(motifNonEligible(programme, situation({ debutBail }), signalement)).toBeUndefined();
    const { handle, menage } = await lancer('loiret-ahu', { debutBail }, { signaleLe });
    const contact = await echeanceSuivie(handle, 'contact');
    // Le délai finit le soir du jour où il tombe, un mois après le signalement : ce jour-là compte.
    expect(contact.due).toBe(finDuJour(ajouterDuree(signalement, 'P1M')).toISOString());
    expect(jourDeParis(contact.due)).toBe(jourDeParis(ajouterDuree(signalement, 'P1M')));
    const etat = await jusqua(handle, (e) => e.journal.some((j) => j.type === 'signalement'));
    expect(etat.cloture).toBeUndefined();
    expect(etat.details.signaleLe).toBe(signaleLe);
    const accuse = await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet === `Orientation reçue (dossier ${menage.reference})`);
    expect(accuse.texte).toContain(
      `au plus tard le ${dateEnFrancais(contact.due)} (le délai court depuis votre signalement du ${dateEnFrancais(signalement)})`,
    );
    // Le rappel au travail social à 9 h, cinq jours avant ce dernier jour.
    const rappel = rappelAttendu(contact.due, programme.delais.rappelAvant!, await heureDuParcours(handle));
    const rappelRecu = () => banc.courriels.messages().some((m) => m.sujet.startsWith('Rappel : Premier contact') && dossier(menage.reference)(m));
    await avancerJusqua(banc, handle, apres(rappel, -1));
    expect(rappelRecu()).toBe(false);
    await avancerApres(handle, rappel);
    await vi.waitFor(() => expect(rappelRecu()).toBe(true), { timeout: 20_000, interval: 50 });
    // Le dernier jour à 23 h, le bailleur n'a encore rien reçu ; juste après minuit, il est informé.
    await avancerJusqua(banc, handle, apres(contact.due, -60));
    expect(courrielsBailleur('loiret-ahu', menage.reference).some((m) => m.sujet.startsWith('Contact impossible'))).toBe(false);
    expect((await handle.query(etatQuery)).cloture).toBeUndefined();
    await avancerApres(handle, contact.due);
    const avis = await banc.courriels.waitFor(
      (m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet.startsWith('Contact impossible') && dossier(menage.reference)(m),
    );
    expect(avis.texte).toContain('dans le délai de 1 mois suivant votre signalement');
    expect((await jusqua(handle, (e) => !!e.cloture)).cloture!.issue).toBe('contact_impossible');
  });

  it('une tentative de contact s’enregistre pendant la lettre d’information (courriel au bailleur lent) : l’« aller vers », puis le diagnostic, pris dès la réponse', async () => {
    const handle = await pendantLaLettre(async (handle) => {
      const tentative = (issue: 'injoignable' | 'joint') =>
        handle.executeUpdate(tentativeContactUpdate, { args: [msg()({ canal: 'telephone' as const, creneau: 'matin' as const, issue })] });
      expect(await tentative('injoignable')).toMatchObject({ etape: 'aller_vers' });
      expect((await handle.query(etatQuery)).etape).toBe('aller_vers');
      expect(await tentative('joint')).toMatchObject({ etape: 'diagnostic' });
      // Le déroulé est encore sur le courriel au bailleur.
      expect((await handle.describe()).raw.pendingActivities?.length).toBeGreaterThan(0);
    });
    const etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'diagnostic'));
    expect(etat.etape).toBe('diagnostic');
    expect(etat.details.tentatives).toBe(2);
    expect(etat.echeances.find((x) => x.id === 'contact')?.statut).toBe('tenue');
    expect(etat.journal.filter((x) => x.type === 'contact_etabli')).toHaveLength(1);
    expect(etat.journal.filter((x) => x.resume === 'Étape : Diagnostic')).toHaveLength(1);
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('le contact établi : l’échéance du diagnostic se lit dès la réponse du message, sans attendre le courriel au bailleur (serveur de courriel lent)', async () => {
    const { handle } = await lancer('loiret-ahu');
    await etape(handle, 'aller_vers');
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Contact établi avec le ménage'));
    try {
      const r = await handle.executeUpdate(tentativeContactUpdate, {
        args: [msg()({ canal: 'telephone' as const, creneau: 'matin' as const, issue: 'joint' as const })],
      });
      expect(r).toMatchObject({ etape: 'diagnostic' });
      const juste = await handle.query(etatQuery);
      expect(juste.echeances.find((x) => x.id === 'diagnostic')?.statut).toBe('en_cours');
      expect(juste.echeances.find((x) => x.id === 'contact')?.statut).toBe('tenue');
      expect(juste.journal.some((x) => x.resume.includes('« Contact établi avec le ménage'))).toBe(false);
    } finally {
      lacher();
    }
    // Le courriel part ensuite, noté au journal ; une clôture l'attend.
    await jusqua(handle, (e) =>
      e.journal.some((x) => x.type === 'courriel' && x.resume.includes(`« Contact établi avec le ménage (dossier ${e.reference}) »`)),
    );
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('le refus du ménage noté pendant la lettre d’information (courriel lent) : la réponse dit la clôture, plus rien n’est accepté, le parcours se clôt « refus » sans délai en retard', async () => {
    const handle = await pendantLaLettre(async (handle) => {
      const refus = await handle.executeUpdate(tentativeContactUpdate, {
        args: [msg()({ canal: 'visite_domicile' as const, creneau: 'apres_midi' as const, issue: 'refus' as const })],
      });
      expect(refus).toMatchObject({ etape: 'cloture' });
      const ensuite = await handle
        .executeUpdate(tentativeContactUpdate, { args: [msg()({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'joint' as const })] })
        .catch((e: { cause?: Error }) => e);
      expect((ensuite as { cause?: Error }).cause?.message).toBe('Le parcours est déjà clôturé.');
    });
    const fin = await jusqua(handle, (e) => !!e.cloture);
    expect(fin.cloture!.issue).toBe('refus');
    expect(fin.echeances.filter((x) => x.statut === 'en_cours' || x.statut === 'depassee')).toEqual([]);
    expect(fin.journal.filter((x) => x.type === 'tentative_contact')).toHaveLength(1);
  });

  it('toulouse-declic, contact pas établi dans le mois : rappel au travailleur social à 9 h, alerte à la coordination le jour ouvré suivant à 9 h, l’aller-vers continue ; le contact établi ensuite tient l’échéance en retard', async () => {
    const { handle, ref } = await lancer('toulouse-declic');
    await etape(handle, 'aller_vers');
    const contact = await echeanceSuivie(handle, 'contact');
    const programme = CATALOGUE.trouver('toulouse-declic')!;
    expect(programme.options.clotureSansContact).toBeFalsy();
    const libelle = 'Premier contact avec le ménage';
    const ouverte = (await handle.query(etatQuery)).journal.find((x) => x.type === 'echeance_ouverte' && x.resume.includes(libelle))!;
    expect(contact.due).toBe(finDuJour(ajouterDuree(new Date(ouverte.date), programme.delais.contact!)).toISOString());
    const rappelLe = rappelAttendu(contact.due, programme.delais.rappelAvant!, new Date(ouverte.date));
    const rappels = () => banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith(`Rappel : ${libelle}`));
    await avancerJusqua(banc, handle, apres(rappelLe, -60));
    expect(rappels()).toEqual([]);
    await avancerApres(handle, rappelLe);
    await banc.courriels.waitFor((m) => dossier(ref)(m) && m.sujet === `Rappel : ${libelle} au plus tard le ${dateEnFrancais(contact.due)} (dossier ${ref})`);
    await avancerJusqua(banc, handle, apres(contact.due, -1));
    expect(banc.courriels.messages().some((m) => dossier(ref)(m) && m.sujet.startsWith(`Échéance dépassée : ${libelle}`))).toBe(false);
    await avancerApres(handle, contact.due);
    // Dépassée à minuit : l'alerte attend 9 h du jour ouvré suivant (droit à la déconnexion).
    const depassee = await echeanceSuivie(handle, 'contact', 'depassee');
    expect(depassee.alerteLe).toBe(auxHeuresOuvrees(new Date(depassee.depasseeLe!)).toISOString());
    expect(heureDeParis(depassee.alerteLe!).getUTCHours()).toBe(9);
    await avancerJusqua(banc, handle, apres(depassee.alerteLe!, -1));
    expect(banc.courriels.messages().some((m) => dossier(ref)(m) && m.sujet.startsWith(`Échéance dépassée : ${libelle}`))).toBe(false);
    await jusquALAlerte(banc, handle, 'contact');
    const alerte = await banc.courriels.waitFor(
      (m) => dossier(ref)(m) && m.sujet.startsWith(`Échéance dépassée : ${libelle}`) && m.a.includes('coordination@essai.example'),
    );
    expect(alerte.texte).toContain(`a pris fin le ${dateEnFrancais(contact.due)} au soir`);
    let etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'contact' && x.statut === 'depassee'));
    expect([etat.etape, etat.cloture]).toEqual(['aller_vers', undefined]);
    expect(banc.courriels.messages().some((m) => dossier(ref)(m) && m.sujet.startsWith('Contact impossible'))).toBe(false);
    // Confié alors à un autre travailleur social : son courriel lui dit le retard.
    await handle.executeUpdate(affecterUpdate, { args: [{ requestId: requete(), par: 'coord.essai', travailleurSocial: 'ts.bruno' }] });
    const confie = await banc.courriels.waitFor((m) => m.a.includes('bruno@essai.example') && m.sujet === `Un ménage vous est confié (dossier ${ref})`);
    expect(confie.texte).toContain(`${libelle} : en retard, la date limite était le ${dateEnFrancais(contact.due)} au soir.`);
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg('ts.bruno')({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'joint' as const })],
    });
    etat = await etape(handle, 'diagnostic');
    etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'contact' && x.statut === 'tenue'));
    expect(etat.echeances.find((x) => x.id === 'contact')).toMatchObject({ depasseeLe: expect.any(String) });
    expect(rappels()).toHaveLength(1);
    await handle.executeUpdate(cloturerUpdate, { args: [msg('ts.bruno')({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('délai de contact dépassé, courriel au bailleur lent : une tentative « joint » envoyée pendant l’envoi est refusée (« déjà clôturé »), pas acceptée puis perdue', async () => {
    const { handle, ref } = await lancer('loiret-ahu');
    await etape(handle, 'aller_vers');
    const contact = await echeanceSuivie(handle, 'contact');
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Contact impossible') && objet.includes(ref));
    const avance = await lancerAvance(banc, handle, apres(contact.due).getTime() - (await heureDuParcours(handle)).getTime());
    // Le délai dépassé, le déroulé conclut « contact impossible » et envoie (lentement) son courriel.
    await vi.waitFor(
      async () => {
        const d = await handle.describe();
        expect(d.raw.pendingActivities?.length, 'courriel au bailleur en cours').toBeGreaterThan(0);
        expect((await handle.query(etatQuery)).echeances.find((e) => e.id === 'contact')?.statut).toBe('depassee');
      },
      { timeout: 30_000, interval: 50 },
    );
    const joint = await handle
      .executeUpdate(tentativeContactUpdate, { args: [msg()({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'joint' as const })] })
      .catch((e: { cause?: Error }) => e);
    expect((joint as { cause?: Error }).cause?.message).toBe('Le parcours est déjà clôturé.');
    lacher();
    await avance.atteinte();
    const fin = await jusqua(handle, (e) => !!e.cloture);
    expect(fin.cloture!.issue).toBe('contact_impossible');
    expect(fin.journal.some((e) => e.resume === 'Étape : Diagnostic')).toBe(false);
  });

  /**
   * Un parcours toulouse-declic (points de suivi mensuels) mené jusqu'au suivi du plan ; `avantLePlan`
   * joue juste avant que le plan soit enregistré (le suivi part de là : patched('suivi-depuis-le-plan')).
   */
  async function jusquAuSuiviDeclic(avantLePlan?: (handle: WorkflowHandle) => Promise<void>) {
    const lance = await lancer('toulouse-declic', { stadeProcedure: 'commandement_de_payer', isole: true });
    const { handle } = lance;
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(tentativeContactUpdate, { args: [msg()({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'joint' as const })] });
    await etape(handle, 'diagnostic');
    await handle.executeUpdate(diagnosticUpdate, {
      args: [msg()({ origineDette: 'x', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
    });
    await etape(handle, 'plan_aide');
    await avantLePlan?.(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
    await planValideParLeReferent(handle);
    await etape(handle, 'suivi');
    return lance;
  }

  it('un point de suivi qui s’ouvre à 20 h est demandé au travailleur social à 9 h du jour ouvré suivant ; saisi avant, il ne l’est plus', async () => {
    const demande = (ref: string) => banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith('Point de suivi à 1 mois à saisir'));
    /** Le plan enregistré à 20 h (heure du parcours) : le suivi commence à 20 h, ses points aussi. */
    const suiviA20h = async () => {
      const lance = await jusquAuSuiviDeclic(async (h) => avancerJusqua(banc, h, await prochainesVingtHeures(h)));
      const { handle } = lance;
      // Le début du suivi : l'enregistrement du plan (quelle que soit l'heure de la validation qui suit).
      const plan = (await handle.query(etatQuery)).journal.filter((x) => x.type === 'plan_aide').at(-1)!;
      const debutSuivi = new Date(plan.date);
      expect(heureDeParis(debutSuivi).getUTCHours()).toBe(20);
      await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P1M')));
      await echeanceSuivie(handle, 'bilan:P1M');
      return { ...lance, debutSuivi };
    };
    const premier = await suiviA20h();
    const attendue = auxHeuresOuvrees(ajouterDuree(premier.debutSuivi, 'P1M'));
    expect(heureDeParis(attendue).getUTCHours()).toBe(9);
    await avancerJusqua(banc, premier.handle, apres(attendue, -1));
    expect(demande(premier.ref)).toEqual([]);
    expect(await jusquALaDemandeDeBilan(banc, premier.handle, 'Point de suivi à 1 mois')).toEqual(attendue);
    await banc.courriels.waitFor(
      (m) => dossier(premier.ref)(m) && m.sujet.startsWith('Point de suivi à 1 mois à saisir') && m.a.includes('alice@essai.example'),
    );
    await terminer(premier.handle);

    // Saisi dans la soirée : la demande n'a plus d'objet, elle ne part pas.
    const second = await suiviA20h();
    await second.handle.executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: [] })] });
    await jusquALaDemandeDeBilan(banc, second.handle, 'Point de suivi à 1 mois');
    await banc.courriels.waitFor((m) => dossier(second.ref)(m) && m.sujet.startsWith('Point de suivi à 1 mois'));
    expect(demande(second.ref)).toEqual([]);
    await terminer(second.handle);
  });

  it('point de suivi saisi pendant le courriel qui le demande (serveur lent) : son échéance est tenue dès la réponse', async () => {
    const { handle, ref } = await jusquAuSuiviDeclic();
    const lacher = banc.retenirCourriels((objet) => objet.includes('à saisir') && objet.includes(ref));
    const maintenant = await heureDuParcours(handle);
    const avance = await lancerAvance(banc, handle, apres(ajouterDuree(maintenant, 'P1M')).getTime() - maintenant.getTime());
    try {
      await echeanceSuivie(handle, 'bilan:P1M');
      await handle.executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: [] })] });
      expect((await handle.query(etatQuery)).echeances.find((e) => e.id === 'bilan:P1M')?.statut).toBe('tenue');
    } finally {
      lacher();
    }
    await avance.atteinte();
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('passage au droit commun avec un point de suivi encore dû : son échéance est annulée, ni retard ni alerte ensuite', async () => {
    const { handle, ref } = await jusquAuSuiviDeclic();
    await avancerApres(handle, ajouterDuree(await heureDuParcours(handle), 'P1M'));
    const point = await echeanceSuivie(handle, 'bilan:P1M');
    await handle.executeUpdate(passageDroitCommunUpdate, { args: [msg()({ service: 'Maison du Département', entretienTripartite: false })] });
    const passe = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'bilan:P1M' && x.statut === 'annulee'));
    expect(passe.etape).toBe('passage_droit_commun');
    await avancerApres(handle, point.due);
    const ensuite = await handle.query(etatQuery);
    expect(ensuite.journal.filter((x) => x.type === 'echeance_depassee')).toEqual([]);
    expect(banc.courriels.messages().filter((m) => dossier(ref)(m) && m.sujet.startsWith('Échéance dépassée'))).toEqual([]);
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'orientation_droit_commun' as const })] });
    expect((await jusqua(handle, (e) => !!e.cloture)).cloture!.issue).toBe('orientation_droit_commun');
  });

  it('de l’orientation à la clôture : contact, diagnostic, plan, bilans, passage au droit commun avec entretien tripartite', async () => {
    const { handle, ref } = await lancer('loiret-ahu');
    const accuse = await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet === `Orientation reçue (dossier ${ref})`);
    expect(accuse.texte).toMatch(/au plus tard le \d{1,2} [a-zéû]+ \d{4}\./);
    // L'accusé au bailleur et la lettre au ménage partent ensemble : une seule activité au lancement.
    const activites = async () => (await handle.fetchHistory()).events!.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(await activites()).toEqual(['envoyerCourriels']);
    await contactEtDiagnostic(handle);
    await handle.executeUpdate(planAideUpdate, {
      args: [msg()({ actions: ['plan_apurement' as const, 'fsl' as const], orientations: [], planApurement: { mensualite: 50, dureeMois: 16 } })],
    });
    await etape(handle, 'suivi');
    const debutSuivi = await heureDuParcours(handle);
    for (const role of ['ccapex', 'pdalpd', 'services_sociaux', 'bailleur'] as const) {
      const adresse = CATALOGUE.trouver('loiret-ahu')!.partenaires[role]!.courriel;
      await banc.courriels.waitFor((m) => m.a.includes(adresse) && m.sujet === `Plan d’aide engagé (dossier ${ref})`);
    }
    // Les quatre partenaires informés par une seule activité (une tâche du parcours, pas quatre),
    // notés au journal dans l'ordre.
    const informes = await jusqua(handle, (e) => e.journal.filter((x) => x.resume.includes('Plan d’aide engagé')).length === 4);
    expect(informes.journal.filter((x) => x.resume.includes('Plan d’aide engagé')).map((x) => x.resume.replace(/ \(.*$/, ''))).toEqual([
      'Courriel à la CCAPEX',
      'Courriel au PDALPD',
      'Courriel aux services sociaux',
      'Courriel au bailleur',
    ]);
    // Celle du lancement, puis une pour les quatre partenaires.
    expect((await activites()).filter((n) => n === 'envoyerCourriels')).toHaveLength(2);
    // Le prochain bilan et sa date, sur la page du parcours ; pas de bilan à saisir avant lui.
    expect(informes.details.prochainBilan).toMatch(/^Bilan à 3 mois, le \d{1,2} [a-zéû]+ \d{4}$/);
    expect(messagesPermis(informes.typeParcours, informes.etape, false, informes)).not.toContain('bilan');
    await jusquAuBilan(handle, 'P3M', debutSuivi);
    await handle.executeUpdate(bilanUpdate, {
      args: [msg()({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: ['FSL déposé'], notes: 'dépression' })],
    });
    await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet.startsWith('Bilan à 3 mois') && dossier(ref)(m));
    await jusquAuBilan(handle, 'P6M', debutSuivi);
    await handle.executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'totale' as const, planRespecte: true, demarches: [] })] });
    // Le service nommé avec son adresse reçoit lui-même le passage de relais (pas les services sociaux du programme).
    await handle.executeUpdate(passageDroitCommunUpdate, {
      args: [msg()({ service: 'Maison du Département', courrielService: 'accueil@mdd-orleans.example', entretienTripartite: true })],
    });
    await etape(handle, 'passage_droit_commun');
    const relais = await banc.courriels.waitFor((m) => m.sujet.startsWith('Passage de relais') && dossier(ref)(m));
    expect(relais.a).toEqual(['accueil@mdd-orleans.example']);
    expect(relais.texte).toContain('entretien commun');
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'orientation_droit_commun' as const })] });
    const etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture!.issue).toBe('orientation_droit_commun');
    expect(etat.details.prochainBilan).toBeUndefined();
    expect(etat.details.ficheCloture).toMatchObject({
      issue: 'orientation_droit_commun',
      bilans: [
        { jalon: 'Bilan à 3 mois', reprisePaiement: 'partielle' },
        { jalon: 'Bilan à 6 mois', reprisePaiement: 'totale' },
      ],
    });
    await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('loiret-ahu')) && m.sujet.startsWith('Fin de l’accompagnement') && dossier(ref)(m));
    const bailleur = courrielsBailleur('loiret-ahu', ref);
    expect(bailleur.length).toBeGreaterThanOrEqual(4);
    sansConfidentiel(bailleur);
  });

  it('un message hors étape est refusé avec sa raison, le même message deux fois est appliqué une fois', async () => {
    const { handle } = await lancer('loiret-ahu');
    await etape(handle, 'aller_vers');
    const err = await handle
      .executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'totale' as const, planRespecte: true, demarches: [] })] })
      .catch((e) => e);
    expect(err.cause?.message).toBe('Ce message n’est pas attendu à l’étape « Aller vers le ménage ».');
    const t = msg()({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'injoignable' as const });
    await handle.executeUpdate(tentativeContactUpdate, { args: [t] });
    await handle.executeUpdate(tentativeContactUpdate, { args: [t] });
    const etat = await handle.query(etatQuery);
    expect(etat.details.tentatives).toBe(1);
    expect(etat.journal.filter((e) => e.type === 'tentative_contact')).toHaveLength(1);
    await terminer(handle);
  });
});

describe('besancon-ccas', () => {
  it('visite dans les 3 semaines, seconde visite à un autre horaire après une absence, ASLL validée par le département, partenaires informés', async () => {
    const { handle, ref } = await lancer('besancon-ccas');
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg()({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'absent' as const })],
    });
    await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'seconde_visite' && x.statut === 'en_cours'));
    const memeCreneau = await handle
      .executeUpdate(tentativeContactUpdate, { args: [msg()({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'joint' as const })] })
      .catch((e) => e);
    expect(memeCreneau.cause?.message).toBe('La seconde visite doit avoir lieu à un autre moment que la première (créneau « matin »).');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg()({ canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'joint' as const })],
    });
    await etape(handle, 'diagnostic');
    await handle.executeUpdate(diagnosticUpdate, {
      args: [msg()({ origineDette: 'Perte d’emploi', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
    });
    await etape(handle, 'plan_aide');
    await handle.executeUpdate(planAideUpdate, {
      args: [msg()({ actions: ['plan_apurement' as const], orientations: ['asll' as const], planApurement: { mensualite: 40, dureeMois: 20 } })],
    });
    await etape(handle, 'validation_departement');
    const demande = await banc.courriels.waitFor((m) => m.a.includes('asll@doubs.example') && dossier(ref)(m));
    sansConfidentiel([demande]);
    // Refus du département : le plan revient en révision avec le motif.
    let etat = await handle.query(etatQuery);
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [
        {
          requestId: requete(),
          par: 'partenaire:departement',
          demandeId: etat.demandes.at(-1)!.id,
          role: 'departement',
          decision: 'refuse',
          commentaire: 'Préciser le budget',
        },
      ],
    });
    etat = await etape(handle, 'revision_plan');
    expect(etat.details.revision).toMatchObject({ motif: 'Préciser le budget' });
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Plan d’aide à revoir') && m.a.includes('alice@essai.example') && m.texte.includes('Préciser le budget'),
    );
    await handle.executeUpdate(planAideUpdate, {
      args: [
        msg()({ actions: ['plan_apurement' as const, 'budget' as const], orientations: ['asll' as const], planApurement: { mensualite: 40, dureeMois: 20 } }),
      ],
    });
    await etape(handle, 'validation_departement');
    etat = await jusqua(handle, (e) => e.demandes.length === 2);
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: etat.demandes[1]!.id, role: 'departement', decision: 'approuve' }],
    });
    etat = await etape(handle, 'suivi');
    const debutSuivi = await heureDuParcours(handle);
    expect(etat.echeances.find((x) => x.id === 'information_partenaires')!.statut).toBe('tenue');
    // Le suivi compte depuis la validation du département : 6 mois. La fiche n'a pas de bilan par ménage
    // (« évaluée à 6 mois et à un an » est l'évaluation de l'action) : aucun n'est demandé.
    const valideLe = new Date(etat.demandes[1]!.decision!.le);
    expect(etat.echeances.find((x) => x.id === 'fin_suivi')!.due).toBe(finDuJour(ajouterDuree(valideLe, 'P6M')).toISOString());
    for (const a of ['ccapex@doubs.example', 'pdalpd@doubs.example', 'sss-besancon@doubs.example', bailleurDe('besancon-ccas')]) {
      await banc.courriels.waitFor((m) => m.a.includes(a) && m.sujet === `Plan d’aide engagé (dossier ${ref})`);
    }
    // Cinq mois de suivi : aucun bilan demandé, un bilan envoyé quand même est refusé avec sa raison.
    await avancerJusqua(banc, handle, ajouterDuree(debutSuivi, 'P5M'));
    etat = await handle.query(etatQuery);
    expect(etat.etape).toBe('suivi');
    expect(etat.echeances.filter((x) => x.id.startsWith('bilan:'))).toEqual([]);
    expect(etat.details.prochainBilan).toBeUndefined();
    const bilanRefuse = await handle
      .executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'totale' as const, planRespecte: true, demarches: ['ASLL engagée'] })] })
      .then(
        () => undefined,
        (e: unknown) => e as { cause?: Error },
      );
    expect(bilanRefuse?.cause?.message).toBe('Aucun bilan n’est attendu pour le moment.');
    // Sans bilan à attendre, la fin du suivi arrive quand même à 6 mois : l'échéance passe, la coordination est alertée.
    await avancerApres(handle, etat.echeances.find((x) => x.id === 'fin_suivi')!.due);
    await jusquALAlerte(banc, handle, 'fin_suivi');
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Échéance dépassée : Fin de la durée de suivi prévue') && m.a.includes('coordination@essai.example') && dossier(ref)(m),
    );
    etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'fin_suivi' && x.statut === 'depassee'));
    expect(etat.etape).toBe('suivi');
    // Passage au droit commun, clôture et fiche de clôture.
    // Besançon ne prévoit pas d'entretien tripartite : demandé quand même, le passage est refusé avec la raison.
    const tripartite = await handle
      .executeUpdate(passageDroitCommunUpdate, { args: [msg()({ service: 'Service social départemental', entretienTripartite: true })] })
      .then(
        () => undefined,
        (e: unknown) => e as { cause?: Error },
      );
    expect(tripartite?.cause?.message).toBe(
      `Le programme ${CATALOGUE.trouver('besancon-ccas')!.nom} ne prévoit pas d’entretien tripartite pour le passage au droit commun.`,
    );
    await handle.executeUpdate(passageDroitCommunUpdate, { args: [msg()({ service: 'Service social départemental', entretienTripartite: false })] });
    await etape(handle, 'passage_droit_commun');
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'situation_stabilisee' as const, motif: 'Loyer courant repris' })] });
    const fin = await jusqua(handle, (e) => !!e.cloture);
    expect(fin.details.ficheCloture).toMatchObject({ issue: 'situation_stabilisee', motif: 'Loyer courant repris' });
    await banc.courriels.waitFor(
      (m) => m.a.includes('ccapex@doubs.example') && m.sujet.startsWith('Fin de l’accompagnement : Situation stabilisée') && dossier(ref)(m),
    );
    sansConfidentiel(courrielsBailleur('besancon-ccas', ref));
  });

  it('clôture anticipée par le coordinateur, avec son motif, à n’importe quelle étape', async () => {
    const { handle, ref } = await lancer('besancon-ccas');
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Le ménage a quitté le logement' }] });
    const etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture).toMatchObject({ issue: 'cloture_anticipee', motif: 'Le ménage a quitté le logement' });
    expect(etat.echeances.every((x) => x.statut !== 'en_cours')).toBe(true);
    const refus = await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Encore' }] }).catch((e) => e);
    expect(refus.cause?.message).toBe('Le parcours est déjà clôturé.');
    await banc.courriels.waitFor(
      (m) => m.a.includes(bailleurDe('besancon-ccas')) && m.sujet.startsWith('Fin de l’accompagnement : Clôture anticipée') && dossier(ref)(m),
    );
  });

  it('clôture anticipée pendant la validation du département : effet immédiat, la réponse le dit, la demande est close et son lien refusé', async () => {
    const { handle, ref } = await lancer('besancon-ccas');
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg()({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'joint' as const })],
    });
    await etape(handle, 'diagnostic');
    await handle.executeUpdate(diagnosticUpdate, {
      args: [msg()({ origineDette: 'Perte d’emploi', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
    });
    await etape(handle, 'plan_aide');
    await handle.executeUpdate(planAideUpdate, {
      args: [msg()({ actions: ['plan_apurement' as const], orientations: ['asll' as const], planApurement: { mensualite: 40, dureeMois: 20 } })],
    });
    await etape(handle, 'validation_departement');
    const demande = (await jusqua(handle, (e) => e.demandes.some((d) => d.statut === 'en_attente'))).demandes.find((d) => d.statut === 'en_attente')!;
    // La clôture prend effet tout de suite, pendant l'attente de la décision ; la réponse le dit.
    const r = await handle.executeUpdate(cloreAnticipeUpdate, {
      args: [{ requestId: requete(), par: 'coord.essai', motif: 'Le ménage a quitté le logement' }],
    });
    expect(r).toMatchObject({ etape: 'cloture', cloture: { issue: 'cloture_anticipee', motif: 'Le ménage a quitté le logement' } });
    const etat = await handle.query(etatQuery);
    expect(etat.etape).toBe('cloture');
    const close = etat.demandes.find((d) => d.id === demande.id)!;
    expect(close).toMatchObject({ statut: 'expiree', closeParClotureLe: etat.cloture!.le });
    expect(close.decision).toBeUndefined();
    // Le département répond ensuite par son lien : refusé, avec la raison ; rien n'est enregistré.
    const tardive = await handle
      .executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: demande.id, role: 'departement', decision: 'approuve' }],
      })
      .catch((e) => e);
    expect(tardive.cause?.message).toMatch(/^L’accompagnement de ce ménage a été clôturé le .* : cette demande n’attend plus de réponse\.$/);
    expect((await handle.query(etatQuery)).demandes.find((d) => d.id === demande.id)!.decision).toBeUndefined();
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Fin de l’accompagnement : Clôture anticipée') && dossier(ref)(m));
    // Ni rappel ni escalade de la demande close, même au-delà de son échéance.
    await avancerJusqua(banc, handle, apres(demande.echeance, 2 * 24 * 60));
    expect(banc.courriels.messages().filter((m) => dossier(ref)(m) && /^(Rappel —|Sans réponse)/.test(m.sujet))).toEqual([]);
  });

  it('première visite non faite en 3 semaines : rappel avant, alerte au coordinateur après', async () => {
    const { handle, ref } = await lancer('besancon-ccas');
    await etape(handle, 'aller_vers');
    await depasser(handle, 'premiere_visite');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Rappel : Première visite à domicile') && dossier(ref)(m));
    await jusquALAlerte(banc, handle, 'premiere_visite');
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Échéance dépassée : Première visite à domicile') && m.a.includes('coordination@essai.example') && dossier(ref)(m),
    );
    expect((await handle.describe()).typedSearchAttributes.get(SA.enRetard)).toBe(true);
    await terminer(handle);
  });

  it('diagnostic non tenu dans les 3 semaines puis plan non signé la semaine suivante : alertes', async () => {
    const { handle, ref } = await lancer('besancon-ccas');
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg()({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'joint' as const })],
    });
    await etape(handle, 'diagnostic');
    await depasser(handle, 'diagnostic');
    await jusquALAlerte(banc, handle, 'diagnostic');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Échéance dépassée : Diagnostic') && dossier(ref)(m));
    await handle.executeUpdate(diagnosticUpdate, {
      args: [msg()({ origineDette: 'x', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
    });
    await etape(handle, 'plan_aide');
    await depasser(handle, 'plan_aide');
    await jusquALAlerte(banc, handle, 'plan_aide');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Échéance dépassée : Plan d’aide contractualisé') && dossier(ref)(m));
    await terminer(handle);
  });

  /** Un plan avec une ASLL dont la demande au département reste sans réponse jusqu'à son échéance. */
  async function departementSilencieux(programmeId: string) {
    const { handle, ref } = await lancer(programmeId);
    await contactEtDiagnostic(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['fsl' as const], orientations: ['asll' as const] })] });
    await etape(handle, 'validation_departement');
    const demande = (await jusqua(handle, (e) => e.demandes.length === 1)).demandes[0]!;
    // La suite ne se décide pas tant que le département peut encore répondre.
    const tot = await handle
      .executeUpdate(suiteSansReponseDepartementUpdate, { args: [{ requestId: requete(), par: 'coord.essai', suite: 'relancer' as const }] })
      .catch((e) => e);
    expect(tot.cause?.message).toBe('La demande de validation au département attend encore sa réponse : il n’y a pas de suite à décider.');
    expect(messagesPermis('prevention_precontentieuse', 'validation_departement', false, await handle.query(etatQuery))).not.toContain(
      'departement-sans-reponse',
    );
    await depasser(handle, `validation:${demande.id}`);
    await jusquALEscalade(banc, handle, demande);
    const alerte = await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Sans réponse : Validation du plan') && m.a.includes('coordination@essai.example') && dossier(ref)(m),
    );
    expect(alerte.texte).toContain('Le parcours attend votre décision, sur la page du dossier');
    // Le silence n'est pas un refus : le parcours reste à la validation et attend la coordination.
    const etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'suite_departement' && x.statut === 'en_cours'));
    expect(etat.etape).toBe('validation_departement');
    expect(etat.details.revision).toBeUndefined();
    expect(messagesPermis('prevention_precontentieuse', etat.etape, false, etat)).toContain('departement-sans-reponse');
    return { handle, ref, demande };
  }

  it('département sans réponse : rappels, escalade au coordinateur qui le relance ; la nouvelle demande validée ouvre le suivi', async () => {
    const { handle, ref, demande } = await departementSilencieux('besancon-ccas');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Rappel — Validation du plan') && dossier(ref)(m));
    // La coordination tarde à décider : son échéance passe, elle est alertée, la décision reste possible.
    await depasser(handle, 'suite_departement');
    await echeanceSuivie(handle, 'suite_departement', 'depassee');
    await jusquALAlerte(banc, handle, 'suite_departement');
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Échéance dépassée : Département sans réponse') && m.a.includes('coordination@essai.example') && dossier(ref)(m),
    );
    expect(messagesPermis('prevention_precontentieuse', 'validation_departement', false, await handle.query(etatQuery))).toContain('departement-sans-reponse');
    const r = await handle.executeUpdate(suiteSansReponseDepartementUpdate, {
      args: [{ requestId: requete(), par: 'coord.essai', suite: 'relancer' as const }],
    });
    expect(r.etape).toBe('validation_departement');
    const etat = await jusqua(handle, (e) => e.demandes.length === 2);
    const relance = etat.demandes[1]!;
    expect(relance.objet).toBe('Validation du plan d’aide avec une mesure ASLL (relance)');
    // Un nouveau délai, depuis la relance (pas l'échéance du plan, déjà passée).
    expect(new Date(relance.echeance).getTime()).toBeGreaterThan(new Date(demande.echeance).getTime());
    expect(etat.echeances.find((x) => x.id === 'suite_departement')!.statut).toBe('tenue');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Validation du plan d’aide avec une mesure ASLL (relance)') && dossier(ref)(m));
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: relance.id, role: 'departement', decision: 'approuve' }],
    });
    await etape(handle, 'suivi');
    await terminer(handle);
  });

  it('la relance reste elle aussi sans réponse : nouvelle alerte, nouvelle décision de la coordination, « (relance 2) » avec son propre délai', async () => {
    const { handle, ref } = await departementSilencieux('besancon-ccas');
    const relancer = () =>
      handle.executeUpdate(suiteSansReponseDepartementUpdate, { args: [{ requestId: requete(), par: 'coord.essai', suite: 'relancer' as const }] });
    await relancer();
    const premiere = (await jusqua(handle, (e) => e.demandes.length === 2)).demandes[1]!;
    await depasser(handle, `validation:${premiere.id}`);
    await jusquALEscalade(banc, handle, premiere);
    const alerte = await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Sans réponse : Validation du plan d’aide avec une mesure ASLL (relance)') && dossier(ref)(m),
    );
    // La réponse était attendue jusqu'au soir d'un jour ouvré : l'alerte le dit, avec le nom du jour.
    expect(alerte.texte).toContain(
      `n’a pas répondu à la demande « Validation du plan d’aide avec une mesure ASLL (relance) », attendue au plus tard le ${jourEnFrancais(premiere.echeance)}.`,
    );
    expect(estJourOuvre(jourDeParis(premiere.echeance))).toBe(true);
    // De nouveau, la suite revient à la coordination (une seconde échéance « suite_departement »).
    let etat = await jusqua(handle, (e) => e.echeances.filter((x) => x.id === 'suite_departement').length === 2 && e.echeances.at(-1)!.statut === 'en_cours');
    expect(etat.etape).toBe('validation_departement');
    expect(messagesPermis('prevention_precontentieuse', etat.etape, false, etat)).toContain('departement-sans-reponse');
    await relancer();
    etat = await jusqua(handle, (e) => e.demandes.length === 3);
    const seconde = etat.demandes[2]!;
    expect(seconde.objet).toBe('Validation du plan d’aide avec une mesure ASLL (relance 2)');
    expect(new Date(seconde.echeance).getTime()).toBeGreaterThan(new Date(premiere.echeance).getTime());
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: seconde.id, role: 'departement', decision: 'approuve' }],
    });
    await etape(handle, 'suivi');
    await terminer(handle);
  });

  it('département sans réponse par le lien : la coordination fait revoir le plan avec ce qu’il a fait savoir ; sans motif, refusé', async () => {
    const { handle } = await departementSilencieux('besancon-ccas');
    const sansMotif = await handle
      .executeUpdate(suiteSansReponseDepartementUpdate, { args: [{ requestId: requete(), par: 'coord.essai', suite: 'reviser' as const }] })
      .catch((e) => e);
    expect(sansMotif.cause?.message).toMatch(/^dites ce que le département a fait savoir/);
    const r = await handle.executeUpdate(suiteSansReponseDepartementUpdate, {
      args: [{ requestId: requete(), par: 'coord.essai', suite: 'reviser' as const, motif: 'Au téléphone : ASLL refusée, orienter vers le FSL seul' }],
    });
    expect(r.etape).toBe('revision_plan');
    const etat = await etape(handle, 'revision_plan');
    expect(etat.details.revision).toMatchObject({ motif: 'Au téléphone : ASLL refusée, orienter vers le FSL seul' });
    expect(etat.journal.filter((j) => j.type === 'etape' && j.resume.includes('Révision du plan')).length).toBe(1);
    expect(etat.journal.find((j) => j.type === 'suite_sans_reponse')!.visibilite).toBe('equipe');
    await terminer(handle);
  });
});

describe('toulouse-declic', () => {
  it('étude conjointe (fiche 001) : le plan est validé avec le référent du bailleur par son lien ; un refus le fait revoir ; sans réponse dans le délai, il tient', async () => {
    const { handle, ref } = await lancer('toulouse-declic');
    await contactEtDiagnostic(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
    await etape(handle, 'validation_bailleur');
    const lien = await banc.courriels.waitFor(
      (m) => m.a.includes(bailleurDe('toulouse-declic')) && m.sujet.startsWith(OBJET_VALIDATION_REFERENT) && dossier(ref)(m),
    );
    sansConfidentiel([lien]);
    // Sans l'accord du ménage pour la conseillère sociale du bailleur, le détail des actions ne part pas.
    expect(lien.texte).toContain('Le détail des actions n’est transmis qu’avec l’accord du ménage');
    expect(lien.texte).not.toContain('Actions prévues');
    // Un refus : le plan revient en révision, avec le motif, au travailleur social.
    await planValideParLeReferent(handle, 'refuse', 'Revoir la mensualité avec le pôle recouvrement');
    let etat = await etape(handle, 'revision_plan');
    expect(etat.details.revision).toMatchObject({ motif: 'Revoir la mensualité avec le pôle recouvrement' });
    const aRevoir = await banc.courriels.waitFor((m) => m.sujet.startsWith('Plan d’aide à revoir') && dossier(ref)(m));
    expect(aRevoir.texte).toContain('Le plan d’aide n’a pas été validé avec le référent du bailleur : Revoir la mensualité avec le pôle recouvrement.');
    // L'échéance du plan revu se distingue de celle, tenue, du premier plan (une ligne chacune, pas deux fois la même).
    etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'plan_aide' && x.statut === 'en_cours'));
    expect(etat.echeances.filter((x) => x.id === 'plan_aide').map((x) => [x.libelle, x.statut])).toEqual([
      ['Plan d’aide contractualisé', 'tenue'],
      ['Plan d’aide révisé', 'en_cours'],
    ]);
    // L'accord du ménage noté entre-temps : le plan revu repart au référent avec ses actions ; sans
    // réponse dans le délai, il tient et le suivi commence.
    await handle.executeUpdate(accordPartageDiagnosticUpdate, { args: [msg()({ pour: ['conseillere_sociale_bailleur' as const] })] });
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const, 'fsl' as const], orientations: [] })] });
    const revu = await banc.courriels.waitFor(
      (m) => m.a.includes(bailleurDe('toulouse-declic')) && m.sujet.startsWith(OBJET_VALIDATION_REFERENT) && dossier(ref)(m) && m.id !== lien.id,
    );
    expect(revu.texte).toMatch(/Actions prévues : [^.]*FSL/i);
    expect(revu.sujet).toContain(`${OBJET_VALIDATION_REFERENT} (plan révisé)`);
    // Refusé une seconde fois, le même jour : chaque version du plan garde sa ligne, sous son nom ; rien
    // ne se lit deux fois (même nom, même date), ni dans les échéances ni dans les demandes.
    await planValideParLeReferent(handle, 'refuse', 'Mensualité encore trop haute');
    await etape(handle, 'revision_plan');
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
    etat = await jusqua(
      handle,
      (e) => e.etape === 'validation_bailleur' && e.demandes.filter((d) => d.objet.startsWith(OBJET_VALIDATION_REFERENT)).length === 3,
    );
    expect(etat.echeances.filter((x) => x.id === 'plan_aide').map((x) => [x.libelle, x.statut])).toEqual([
      ['Plan d’aide contractualisé', 'tenue'],
      ['Plan d’aide révisé', 'tenue'],
      ['Plan d’aide révisé (3e version)', 'tenue'],
    ]);
    expect(etat.demandes.map((d) => d.objet)).toEqual([
      OBJET_VALIDATION_REFERENT,
      `${OBJET_VALIDATION_REFERENT} (plan révisé)`,
      `${OBJET_VALIDATION_REFERENT} (plan révisé, 3e version)`,
    ]);
    const lignes = etat.echeances.map((x) => `${x.libelle}|${x.due.slice(0, 10)}`);
    expect(new Set(lignes).size).toBe(lignes.length);
    const seconde = etat.demandes.at(-1)!;
    // Deux semaines au calendrier de Paris (un changement d'heure peut tomber dedans) : le délai du programme.
    expect(seconde.echeance).toBe(
      finDuJourOuvreAttendue(ajouterDuree(new Date(seconde.envoyeeLe), CATALOGUE.trouver('toulouse-declic')!.delais.validationBailleur!)).toISOString(),
    );
    await avancerApres(handle, seconde.echeance);
    etat = await etape(handle, 'suivi');
    expect(etat.demandes.at(-1)!.statut).toBe('expiree');
    expect(etat.journal.some((x) => x.type === 'plan_sans_validation_bailleur')).toBe(true);
    // Pas d'escalade pour ce délai : la coordination n'est pas sollicitée.
    expect(banc.courriels.messages().some((m) => m.sujet.startsWith(`Sans réponse : ${OBJET_VALIDATION_REFERENT}`) && dossier(ref)(m))).toBe(false);
  });

  it('points mensuels et bilans à 3 et 6 mois ; un bilan non saisi alerte la coordination ; le ménage met fin', async () => {
    const { handle, ref } = await lancer('toulouse-declic');
    await contactEtDiagnostic(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
    await planValideParLeReferent(handle);
    const enSuivi = await jusqua(handle, (e) => e.etape === 'suivi' && !!e.details.prochainBilanLe);
    const debutSuivi = await heureDuParcours(handle);
    // Rien d'autre n'est attendu avant le point à 1 mois : les listes (dossier en base) en font la
    // prochaine échéance, sous son nom, plutôt que « — ».
    expect(enSuivi.details.prochainBilanLibelle).toBe('Point de suivi à 1 mois');
    await attendreEcheanceDuDossier(
      banc,
      handle.workflowId,
      'Point de suivi à 1 mois',
      finDuJour(new Date(enSuivi.details.prochainBilanLe as string)).toISOString(),
    );
    await jusquAuBilan(handle, 'P1M', debutSuivi);
    await jusquALaDemandeDeBilan(banc, handle, 'Point de suivi à 1 mois');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Point de suivi à 1 mois à saisir') && dossier(ref)(m));
    // Point non saisi dans les 2 semaines : alerte au coordinateur.
    await depasser(handle, 'bilan:P1M');
    await jusquALAlerte(banc, handle, 'bilan:P1M');
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Échéance dépassée : Point de suivi à 1 mois') && m.a.includes('coordination@essai.example') && dossier(ref)(m),
    );
    await handle.executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'aucune' as const, planRespecte: false, demarches: [] })] });
    for (const j of ['P2M', 'P3M']) {
      await jusquAuBilan(handle, j, debutSuivi);
      await handle.executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: [] })] });
    }
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Bilan à 3 mois') && m.a.includes(bailleurDe('toulouse-declic')) && dossier(ref)(m));
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'menage_met_fin' as const, motif: 'Le ménage souhaite arrêter' })] });
    const etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture!.issue).toBe('menage_met_fin');
    expect((etat.details.bilans as unknown[]).length).toBe(3);
    sansConfidentiel(courrielsBailleur('toulouse-declic', ref));
  });
});

/**
 * Des plans envoyés au référent du bailleur pour que ses deux semaines finissent un jour chômé (le
 * 25 décembre, un dimanche, le dimanche de Pâques suivi du lundi férié) : sa réponse reste attendue jusqu'au soir du jour ouvré suivant, et le
 * lien le dit ; à la fin de ce jour-là, sans réponse, le plan tient.
 */
describe('toulouse-declic — réponse du référent jusqu’au soir d’un jour ouvré, à des dates données', () => {
  const validation = CATALOGUE.trouver('toulouse-declic')!.delais.validationBailleur!;
  const dimanche = (() => {
    let jour = jourDeParis(new Date(Date.now() + 2 * 86_400_000));
    while (new Date(`${jour}T12:00:00Z`).getUTCDay() !== 0) jour = jourSuivant(jour);
    return new Date(minuitDeParis(jour).getTime() + 10 * 3_600_000);
  })();
  // Le prochain dimanche de Pâques à 10 h (la veille du lundi de Pâques), assez loin pour y envoyer le plan deux semaines avant.
  const paques = (() => {
    for (let annee = new Date().getUTCFullYear(); ; annee++) {
      const lundi = joursFeries(annee)[1]!; // après le 1er janvier : le lundi de Pâques
      const dimancheDePaques = new Date(minuitDeParis(lundi).getTime() - 14 * 3_600_000);
      // Trois jours de marge : le Vendredi saint d'avant, lui aussi, doit laisser envoyer son plan.
      if (retirerDuree(dimancheDePaques, validation).getTime() > Date.now() + 3 * 86_400_000) return dimancheDePaques;
    }
  })();
  // Le Vendredi saint de la même année, à 10 h : chômé en Alsace-Moselle, pas ailleurs.
  const vendrediSaint = new Date(paques.getTime() - 2 * 86_400_000);
  const cas = [
    { nom: 'le délai tombe le 25 décembre', depart: retirerDuree(prochain(25, 12, 10, 0, ajouterDuree(new Date(), validation)), validation) },
    { nom: 'le délai tombe un dimanche', depart: dimanche },
    { nom: 'le délai tombe le dimanche de Pâques : jusqu’au mardi', depart: retirerDuree(paques, validation), jour: 'mardi' },
    {
      nom: 'un programme d’Alsace-Moselle dont le délai tombe le Vendredi saint : jusqu’au mardi après Pâques',
      depart: retirerDuree(vendrediSaint, validation),
      jour: 'mardi',
      calendrier: 'alsace_moselle' as const,
    },
  ];
  it.each(cas.map((c) => [`${c.nom} (plan envoyé le ${jourEnFrancais(c.depart)})`, c.depart, c.jour, c.calendrier] as const))(
    '%s',
    async (_nom, depart, jour, calendrier) => {
      const preset = CATALOGUE.trouver('toulouse-declic')!;
      // L'option d'un programme de ces départements (un fichier de programme, comme les autres).
      const catalogue = calendrier ? { ...preset, options: { ...preset.options, joursFeriesAlsaceMoselle: true } } : preset;
      const menage = menageEssai();
      const entree: EntreePrevention = { programme: catalogue, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situation() };
      const handle = await demarrerLe(banc, depart, 'preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId: `toulouse-declic--${menage.reference}`,
        args: [entree],
      });
      await contactEtDiagnostic(handle);
      await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
      const demande = (await jusqua(handle, (e) => e.etape === 'validation_bailleur' && e.demandes.length === 1)).demandes[0]!;
      const auTerme = ajouterDuree(new Date(demande.envoyeeLe), validation);
      expect(estJourOuvre(jourDeParis(auTerme), calendrier)).toBe(false);
      if (calendrier) expect(estJourOuvre(jourDeParis(auTerme))).toBe(true);
      const limite = finDuJourOuvreAttendue(auTerme, calendrier);
      expect(demande.echeance).toBe(limite.toISOString());
      if (jour) expect(jourEnFrancais(limite)).toMatch(new RegExp(`^${jour} `));
      const lien = await banc.courriels.waitFor((m) => m.sujet.startsWith(OBJET_VALIDATION_REFERENT) && dossier(menage.reference)(m));
      expect(lien.texte).toContain(`Votre décision est attendue au plus tard le ${jourEnFrancais(limite)} sur la demande suivante.`);
      expect(lien.texte).toContain(`il ne sert qu’une fois et reste valable jusqu’au ${jourEnFrancais(limite)} au soir.`);
      // Les rappels : à leur heure un jour ouvré (le plan part à 10 h) ; celui qui tomberait un jour
      // chômé part le jour ouvré suivant, à 9 h (le plan envoyé un dimanche : son rappel à 7 jours part le lundi matin).
      const rappelsRecus = () =>
        banc.courriels.messages().filter((m) => m.sujet.startsWith(`Rappel — ${OBJET_VALIDATION_REFERENT}`) && dossier(menage.reference)(m));
      const parts = rappelsAttendus(demande, catalogue.rappelsValidation, validation, calendrier);
      expect(parts).toHaveLength(catalogue.rappelsValidation.length);
      for (const [i, r] of catalogue.rappelsValidation.entries()) {
        const prevu = ajouterDuree(new Date(demande.envoyeeLe), r);
        const jour = jourOuvreAttendu(prevu, calendrier);
        const part = jour === jourDeParis(prevu) ? prevu : new Date(minuitDeParis(jour).getTime() + 9 * 3_600_000);
        expect(parts[i]).toEqual(part);
        await avancerJusqua(banc, handle, apres(part, -1));
        expect(rappelsRecus(), `rappel ${r} avant ${part.toISOString()}`).toHaveLength(i);
        await avancerJusqua(banc, handle, apres(part, 1));
        await vi.waitFor(() => expect(rappelsRecus()).toHaveLength(i + 1), { timeout: 20_000, interval: 50 });
      }
      // Une heure après le terme des deux semaines (un jour chômé), la réponse est encore attendue.
      await avancerJusqua(banc, handle, apres(auTerme, 60));
      let etat = await handle.query(etatQuery);
      expect([etat.etape, etat.demandes[0]!.statut]).toEqual(['validation_bailleur', 'en_attente']);
      // Une minute avant la fin du jour ouvré, toujours ; juste après, le plan tient sans réponse.
      await avancerJusqua(banc, handle, apres(limite, -1));
      etat = await handle.query(etatQuery);
      expect([etat.etape, etat.demandes[0]!.statut]).toEqual(['validation_bailleur', 'en_attente']);
      await avancerApres(handle, limite);
      etat = await etape(handle, 'suivi');
      expect(etat.demandes[0]!.statut).toBe('expiree');
      await terminer(handle);
    },
  );
});

/**
 * Des parcours lancés à des dates données (les prochaines occurrences, pour passer tous les jours) :
 * le délai d'un mois suit le calendrier de Paris à travers la fin du mois et le changement d'heure.
 */
describe('loiret-ahu — délai de premier contact à des dates données', () => {
  const fmt = (d: Date) => dateEnFrancais(d);
  const cas = [
    { depart: prochain(31, 1), nom: '31 janvier → fin février' },
    { depart: prochain(31, 3), nom: '31 mars (heure d’été) → 30 avril' },
    { depart: prochain(28, 2, 23, 30), nom: '28 février 23 h 30 → 28 mars au soir, après le passage à l’heure d’été' },
    {
      depart: prochain(30, 11),
      nom: '30 novembre → 30 décembre, rappel cinq jours avant : le 25 décembre, chômé, le fait partir le dernier jour ouvré d’avant',
    },
    { depart: prochain(31, 12), nom: '31 décembre → 31 janvier de l’année suivante' },
  ];
  it.each(cas.map((c) => [`${c.nom} (lancé le ${fmt(c.depart)})`, c.depart] as const))('%s', async (_nom, depart) => {
    const programme = CATALOGUE.trouver('loiret-ahu')!;
    const menage = menageEssai();
    const bail = new Date(depart.getTime() - 60 * 86_400_000).toISOString().slice(0, 10);
    const entree: EntreePrevention = {
      programme,
      menage,
      coordinateur: 'coord.essai',
      travailleurSocial: 'ts.alice',
      situation: situation({ debutBail: bail }),
    };
    const handle = await demarrerLe(banc, depart, 'preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `loiret-ahu--${menage.reference}`,
      args: [entree],
    });
    const contact = await echeanceSuivie(handle, 'contact');
    // L'échéance : le soir du même jour du mois suivant, à Paris (ou du dernier jour du mois).
    const paris = heureDeParis(depart);
    const dernier = new Date(Date.UTC(paris.getUTCFullYear(), paris.getUTCMonth() + 2, 0)).getUTCDate();
    const jour = new Date(Date.UTC(paris.getUTCFullYear(), paris.getUTCMonth() + 1, Math.min(paris.getUTCDate(), dernier))).toISOString().slice(0, 10);
    expect(contact.due).toBe(finDuJour(minuitDeParis(jour)).toISOString());
    // Le travailleur social lit la même date dans le courriel qui lui confie le ménage.
    const confie = await banc.courriels.waitFor((m) => m.sujet === `Un ménage vous est confié (dossier ${menage.reference})`);
    expect(confie.texte).toContain(`Premier contact avec le ménage : au plus tard le ${fmt(new Date(contact.due))}.`);
    // Le rappel part à 9 h, 5 jours avant ce jour ou, ce jour-là chômé (le 25 décembre), le dernier jour
    // ouvré d'avant, pas plus tôt ; l'avis au bailleur le soir venu, pas avant.
    const rappel = rappelAttendu(contact.due, programme.delais.rappelAvant!, depart);
    expect(estJourOuvre(jourDeParis(rappel))).toBe(true);
    expect(jourDeParis(rappel) <= jourDeParis(retirerDuree(new Date(contact.due), programme.delais.rappelAvant!))).toBe(true);
    await avancerJusqua(banc, handle, new Date(rappel.getTime() - 60_000));
    const dossierDe = (m: CourrielRecu) => m.sujet.includes(menage.reference);
    expect(banc.courriels.messages().some((m) => dossierDe(m) && m.sujet.startsWith('Rappel : Premier contact'))).toBe(false);
    await avancerApres(handle, rappel);
    const r = await banc.courriels.waitFor((m) => dossierDe(m) && m.sujet.startsWith('Rappel : Premier contact'));
    expect(r.sujet).toContain(`au plus tard le ${fmt(new Date(contact.due))}`);
    expect(r.texte).toContain(`arrive le ${fmt(new Date(contact.due))} (la journée entière compte)`);
    await avancerJusqua(banc, handle, new Date(new Date(contact.due).getTime() - 60_000));
    expect(banc.courriels.messages().some((m) => dossierDe(m) && m.sujet.startsWith('Contact impossible'))).toBe(false);
    await avancerApres(handle, contact.due);
    await banc.courriels.waitFor((m) => dossierDe(m) && m.sujet.startsWith('Contact impossible') && m.a.includes(bailleurDe('loiret-ahu')));
    expect((await jusqua(handle, (e) => !!e.cloture)).cloture!.issue).toBe('contact_impossible');
  });
});

describe('loiret-ahu — fin de la durée de suivi', () => {
  it('le suivi compte depuis le plan d’aide, pas depuis la fin des courriels aux partenaires (serveur lent) : sa fin prévue en dépend', async () => {
    const { handle, ref } = await lancer('loiret-ahu');
    await contactEtDiagnostic(handle);
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Plan d’aide engagé') && objet.includes(ref));
    let planLe: Date;
    try {
      await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
      planLe = new Date((await handle.query(etatQuery)).journal.filter((e) => e.type === 'plan_aide').at(-1)!.date);
      // Le déroulé reste sur le courriel retenu plus d'une seconde de l'horloge du parcours.
      await vi.waitFor(async () => expect((await heureDuParcours(handle)).getTime()).toBeGreaterThan(planLe.getTime() + 1000), {
        timeout: 20_000,
        interval: 100,
      });
    } finally {
      lacher();
    }
    const finSuivi = await echeanceSuivie(handle, 'fin_suivi');
    // loiret-ahu : 6 mois de suivi, dernier bilan à 6 mois, plus ses 2 semaines de saisie, jusqu'au soir.
    expect(finSuivi.due).toBe(finDuJour(ajouterDuree(ajouterDuree(planLe, 'P6M'), 'P2W')).toISOString());
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('courriels aux partenaires refusés par un serveur de courriel en panne : l’information des partenaires dépasse son délai, la coordination est alertée, puis elle est tenue quand ils partent', async () => {
    // Le délai du programme (7 jours) ramené à une heure : pendant la panne, l'envoi est repris toutes
    // les 10 minutes au plus ; 7 jours en feraient plus de mille reprises, une heure une douzaine. Le
    // chemin de l'échéance est le même.
    const { handle, ref } = await lancer('loiret-ahu', {}, {}, { informationPartenaires: 'PT1H' });
    await contactEtDiagnostic(handle);
    // Le plan engagé à 10 h un jour ouvré : l'heure dépasse à 11 h, aux heures ouvrées, et l'alerte part
    // aussitôt (la nuit, elle attendrait 9 h, autant de reprises de l'envoi en panne).
    await avancerJusqua(banc, handle, new Date(auxHeuresOuvrees(finDuJour(await heureDuParcours(handle))).getTime() + 3_600_000));
    const reparer = banc.refuserCourriels((objet) => objet.startsWith('Plan d’aide engagé') && objet.includes(ref));
    try {
      await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
      const information = await echeanceSuivie(handle, 'information_partenaires');
      // Un délai en heures garde son heure exacte (il ne court pas jusqu'au soir).
      const ouverte = (await handle.query(etatQuery)).journal.find((x) => x.type === 'echeance_ouverte' && x.resume.includes('Information des partenaires'))!;
      expect(information.due).toBe(ajouterDuree(new Date(ouverte.date), 'PT1H').toISOString());
      // Pas `avancer` : il attend le repos du parcours, et l'envoi reste en reprise pendant la panne.
      await lancerAvance(banc, handle, new Date(information.due).getTime() + 60_000 - (await heureDuParcours(handle)).getTime());
      // Dépassée aux heures ouvrées (à 11 h) : l'alerte part aussitôt, sans attendre.
      const { depasseeLe, alerteLe } = await echeanceSuivie(handle, 'information_partenaires', 'depassee');
      expect(alerteLe === undefined || alerteLe === depasseeLe).toBe(true);
      await banc.courriels.waitFor(
        (m) => m.sujet.startsWith('Échéance dépassée : Information des partenaires') && m.a.includes('coordination@essai.example') && dossier(ref)(m),
      );
      await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'information_partenaires' && x.statut === 'depassee'));
      expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Plan d’aide engagé') && dossier(ref)(m))).toBe(false);
    } finally {
      reparer();
    }
    // La reprise suivante de l'envoi, au plus 10 minutes plus tard (intervalle maximal des reprises).
    await avancer(banc, handle, '11 minutes');
    await banc.courriels.waitFor((m) => m.sujet === `Plan d’aide engagé (dossier ${ref})` && m.a.includes(bailleurDe('loiret-ahu')));
    const etat = await etape(handle, 'suivi');
    expect(etat.echeances.find((x) => x.id === 'information_partenaires')).toMatchObject({ statut: 'tenue', depasseeLe: expect.any(String) });
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'menage_met_fin' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('durée de suivi dépassée sans passage au droit commun : rappel puis alerte au coordinateur, l’échéance est tenue au passage', async () => {
    const { handle, ref } = await lancer('loiret-ahu');
    await contactEtDiagnostic(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
    await etape(handle, 'suivi');
    const debutSuivi = await heureDuParcours(handle);
    const finSuivi = await echeanceSuivie(handle, 'fin_suivi');
    for (const jalon of ['P3M', 'P6M']) {
      await jusquAuBilan(handle, jalon, debutSuivi);
      await handle.executeUpdate(bilanUpdate, { args: [msg()({ reprisePaiement: 'totale' as const, planRespecte: true, demarches: [] })] });
    }
    // La fin prévue ne tombe pas avant la saisie du dernier bilan (6 mois) : 6 mois et 2 semaines.
    expect(new Date(finSuivi.due).getTime()).toBeGreaterThan(ajouterDuree(debutSuivi, 'P6M').getTime());
    await avancerApres(handle, retirerDuree(new Date(finSuivi.due), CATALOGUE.trouver('loiret-ahu')!.delais.rappelAvant!));
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Rappel : Fin de la durée de suivi prévue') && dossier(ref)(m));
    await avancerApres(handle, finSuivi.due);
    await jusquALAlerte(banc, handle, 'fin_suivi');
    await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Échéance dépassée : Fin de la durée de suivi prévue') && m.a.includes('coordination@essai.example') && dossier(ref)(m),
    );
    let etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'fin_suivi' && x.statut === 'depassee'));
    expect(etat.etape).toBe('suivi');
    await handle.executeUpdate(passageDroitCommunUpdate, { args: [msg()({ service: 'CCAS de secteur', entretienTripartite: true })] });
    etat = await etape(handle, 'passage_droit_commun');
    expect(etat.echeances.find((x) => x.id === 'fin_suivi')!.statut).not.toBe('en_cours');
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'orientation_droit_commun' as const })] });
    etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture!.issue).toBe('orientation_droit_commun');
  });
});

describe('reims-april', () => {
  it('veille active sans rechute : le lien expire au bout de 6 mois et le parcours se termine sans parcours lié', async () => {
    const { handle, ref } = await lancer('reims-april');
    await etape(handle, 'comite_de_suivi');
    await passerLeComite(handle);
    let etat: EtatParcours;
    await contactEtDiagnostic(handle);
    await handle.executeUpdate(planAideUpdate, { args: [msg()({ actions: ['budget' as const], orientations: [] })] });
    await etape(handle, 'suivi');
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'situation_stabilisee' as const })] });
    etat = await jusqua(handle, (e) => !!e.cloture && e.demandes.length === 2 && e.demandes[1]!.statut === 'en_attente');
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Veille active') && dossier(ref)(m));
    await depasser(handle, `validation:${etat.demandes[1]!.id}`);
    etat = await jusqua(handle, (e) => e.demandes[1]!.statut === 'expiree');
    const desc = await handle.describe();
    expect(desc.status.name).toBe('COMPLETED');
    expect(etat.details.parcoursSuivant).toBeUndefined();
    expect(etat.cloture!.issue).toBe('situation_stabilisee');
  });
  it('clôture anticipée avant tout contact (un doublon) : ni veille active ni lien de rechute au bailleur', async () => {
    const { handle, ref } = await lancer('reims-april');
    await etape(handle, 'comite_de_suivi');
    await passerLeComite(handle);
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Doublon' }] });
    const final: EtatParcours = await handle.result();
    expect(final.cloture!.issue).toBe('cloture_anticipee');
    expect(final.demandes).toHaveLength(1);
    expect(final.journal.some((x) => x.resume.includes('Veille active'))).toBe(false);
    // Les partenaires sont informés de la fin (la fiche de clôture), mais aucun lien de veille ne part.
    await banc.courriels.waitFor((m) => m.sujet.startsWith('Fin de l’accompagnement') && dossier(ref)(m));
    expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Veille active') && dossier(ref)(m))).toBe(false);
  });

  it('comité de suivi (ménage déjà suivi : intégré tout de même, son service associé dès l’entrée), contact, clôture puis veille active : une rechute ouvre un parcours lié', async () => {
    const { handle, ref } = await lancer('reims-april', { suiviParServiceSocial: true });
    await etape(handle, 'comite_de_suivi');
    const verification = await banc.courriels.waitFor(
      (m) => m.sujet.startsWith('Avant le comité de suivi') && m.a.includes('cas-reims@marne.example') && dossier(ref)(m),
    );
    expect(verification.texte).toContain('Le bailleur indique qu’un service social suit déjà le ménage.');
    expect(verification.texte).toMatch(/\/liens\//);
    // Avant le comité, la lettre d'information n'est pas prête : le parcours refuse de l'envoyer au ménage.
    const lettreAvantLeComite = await handle
      .executeUpdate(envoyerDocumentAuMenageUpdate, { args: [msg()({ document: 'lettre-information' as const })] })
      .catch((e) => e);
    expect(lettreAvantLeComite.cause?.message).toBe(
      'La lettre d’information n’est pas encore prête : elle est préparée après l’orientation (et le comité de suivi, s’il y en a un).',
    );
    await passerLeComite(handle, { dejaSuiviPar: 'Mme Durand, CCAS de Reims' });
    let etat: EtatParcours;
    await etape(handle, 'aller_vers');
    for (const creneau of ['matin', 'soir', 'week_end'] as const) {
      await handle.executeUpdate(tentativeContactUpdate, { args: [msg()({ canal: 'visite_domicile' as const, creneau, issue: 'absent' as const })] });
    }
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg()({ canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'joint' as const })],
    });
    await etape(handle, 'diagnostic');
    await handle.executeUpdate(diagnosticUpdate, {
      args: [msg()({ origineDette: 'x', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
    });
    await etape(handle, 'plan_aide');
    await handle.executeUpdate(planAideUpdate, {
      args: [msg()({ actions: ['plan_apurement' as const], orientations: [], planApurement: { mensualite: 30, dureeMois: 12 } })],
    });
    await etape(handle, 'suivi');
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'plan_apurement_respecte' as const })] });
    etat = await jusqua(handle, (e) => !!e.cloture && e.demandes.length === 2);
    const lien = await banc.courriels.waitFor((m) => m.a.includes(bailleurDe('reims-april')) && m.sujet.startsWith('Veille active') && dossier(ref)(m));
    expect(lien.texte).toMatch(/\/liens\//);
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: requete(), par: 'partenaire:bailleur', demandeId: etat.demandes[1]!.id, role: 'bailleur', decision: 'approuve' }],
    });
    const final = await handle.result();
    expect(final.details.parcoursSuivant).toMatch(new RegExp(`^reims-april--${ref}-R\\d{6}$`));
    const suite = banc.env.client.workflow.getHandle(final.details.parcoursSuivant as string);
    // Une rechute reprend l'accompagnement sans repasser par le comité de suivi (patched('rechute-sans-comite')).
    const etatSuite = await jusqua(suite, (e) => e.etape === 'aller_vers');
    expect(etatSuite.details.parcoursPrecedent).toBe(handle.workflowId);
    expect(etatSuite.journal.some((e) => e.type === 'rechute')).toBe(true);
    expect(etatSuite.journal.some((e) => e.resume === 'Étape : Comité de suivi')).toBe(false);
    expect(etatSuite.demandes).toEqual([]);
    // Le « sas alternatif » (fiche 004) : le service qui suit déjà le ménage est associé dès l'entrée, une fois.
    const tuilage = banc.courriels.messages().filter((m) => m.sujet.startsWith('Comité de suivi : accompagnement engagé') && dossier(ref)(m));
    expect(tuilage).toHaveLength(1);
    expect(tuilage[0]!.texte).toContain('Mme Durand, CCAS de Reims');
    expect((final as EtatParcours).journal.find((e) => e.type === 'tuilage')).toMatchObject({ visibilite: 'equipe' });
    await terminer(suite);
  });

  it('veille active : l’équipe, présente sur le quartier, signale elle-même une rechute repérée (fiche 004) : la demande de veille est close, un parcours lié s’ouvre', async () => {
    const { handle } = await lancer('reims-april');
    await etape(handle, 'comite_de_suivi');
    await jusqua(handle, (e) => e.demandes.length === 1);
    // Pas de veille en cours : le message est refusé avec sa raison.
    const tot = await handle.executeUpdate(rechuteEquipeUpdate, { args: [msg()({})] }).catch((e) => e);
    expect(tot.cause?.message).toBe('Aucune veille active n’est en cours pour ce ménage : il n’y a pas de rechute à signaler ici.');
    await passerLeComite(handle);
    let etat: EtatParcours;
    await etape(handle, 'aller_vers');
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg()({ canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'joint' as const })],
    });
    await etape(handle, 'diagnostic');
    await handle.executeUpdate(cloturerUpdate, { args: [msg()({ issue: 'situation_stabilisee' as const })] });
    etat = await jusqua(handle, (e) => !!e.cloture && e.demandes.length === 2);
    expect(messagesPermis('prevention_precontentieuse', etat.etape, true, etat)).toEqual(['rechute']);
    // Signalée à 23 h 30 UTC, soit 0 h 30 ou 1 h 30 à Paris le lendemain : le nouveau parcours porte le jour de Paris.
    const signaleeLe = new Date(await heureDuParcours(handle));
    signaleeLe.setUTCHours(23, 30, 0, 0);
    if (signaleeLe.getTime() < (await heureDuParcours(handle)).getTime() + 3_600_000) signaleeLe.setUTCDate(signaleeLe.getUTCDate() + 1);
    await avancerJusqua(banc, handle, signaleeLe);
    const r = await handle.executeUpdate(rechuteEquipeUpdate, { args: [msg('coord.essai')({ observation: 'Deux loyers impayés, signalés par le gardien' })] });
    expect((r as { messagesPermis?: string[] }).messagesPermis).toEqual([]);
    const final = (await handle.result()) as EtatParcours;
    expect(final.demandes[1]).toMatchObject({
      statut: 'approuvee',
      decision: { par: 'coord.essai', commentaire: 'Deux loyers impayés, signalés par le gardien' },
    });
    expect(final.journal.find((e) => e.type === 'decision_partenaire' && e.resume.startsWith('Rechute repérée par l’équipe'))).toMatchObject({
      acteur: { type: 'personnel', id: 'coord.essai' },
      visibilite: 'equipe',
    });
    expect(final.journal.find((e) => e.type === 'rechute')!.resume).toMatch(/^Rechute signalée par l’équipe : nouveau parcours ouvert le /);
    const jourParis = jourDeParis(signaleeLe);
    expect(jourParis).not.toBe(signaleeLe.toISOString().slice(0, 10));
    expect(final.details.parcoursSuivant).toBe(`${handle.workflowId}-R${jourParis.slice(2).replace(/-/g, '')}`);
    const suite = banc.env.client.workflow.getHandle(final.details.parcoursSuivant as string);
    expect((await jusqua(suite, (e) => e.etape === 'aller_vers')).details.parcoursPrecedent).toBe(handle.workflowId);
    await terminer(suite);
  });
});
