/**
 * Les blocs communs (notification, échéance, demande de validation, journal, messages) sur le vrai
 * serveur Temporal (saut de temps par parcours), avec un vrai serveur SMTP et un vrai worker.
 * Le temps avance parcours par parcours, jusqu'aux dates que le parcours a lui-même fixées.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { cloreAnticipeUpdate, etatQuery, repondreValidationUpdate } from '../domain/messages';
import { SA } from '../domain/attributs-recherche';
import type { Programme } from '../domain/vocabulaire';
import { ajouterDuree, dateEnFrancais, depuisHeureDeParis, estJourOuvre, finDuJour, heureDeParis, jourDeParis } from '../domain/durees';
import {
  CATALOGUE,
  SIGNEUR,
  apres,
  avancerJusqua,
  echeanceSuivie,
  heureDuParcours,
  jusqua,
  menageEssai,
  monterBanc,
  requete,
  type Banc,
  rappelAttendu,
  jusquALAlerte,
  escaladeAttendue,
  jusquALEscalade,
  demarrerLe,
  jourSuivant,
  rappelsAttendus,
} from './outils/environnement';
import { visiteFaiteUpdate, type EntreeEssai } from './workflows/essai-blocs';

let banc: Banc;
const programme: Programme = { ...CATALOGUE.trouver('besancon-ccas')!, rappelsValidation: ['P2D', 'P5D'] };
const RAPPEL_AVANT = 'P3D';

beforeAll(async () => {
  banc = await monterBanc();
});
afterAll(async () => banc?.fermer());

async function lancer(e: Partial<EntreeEssai> = {}, b: Banc = banc) {
  const menage = menageEssai();
  const entree: EntreeEssai = { programme, menage, travailleurSocial: 'ts.alice', delaiVisite: 'P3W', rappelAvant: RAPPEL_AVANT, delaiValidation: 'P1W', ...e };
  const handle = await b.env.client.workflow.start('essaiBlocs', {
    taskQueue: b.taskQueue,
    workflowId: `essai--${menage.reference}`,
    args: [entree],
  });
  return { handle, menage };
}

const pour = (adresse: string) => (m: { a: string[] }) => m.a.includes(adresse);
const dossier = (ref: string) => (m: { sujet: string }) => m.sujet.includes(ref);
/** Avance l'horloge du parcours juste après une date qu'il a lui-même fixée. */
const avancerApres = (handle: WorkflowHandle, date: Date | string, b: Banc = banc) => avancerJusqua(b, handle, apres(date));

/** La prochaine reprise prévue de l'activité en échec du parcours (sa date, sur l'horloge du parcours). */
async function repriseDActivite(handle: WorkflowHandle): Promise<Date> {
  type EnAttente = { attempt?: number; nextAttemptScheduleTime?: { seconds?: unknown; nanos?: number | null } | null };
  return vi.waitFor(
    async () => {
      const enAttente = ((await handle.describe()).raw.pendingActivities ?? []) as EnAttente[];
      const t = enAttente.find((a) => (a.attempt ?? 0) >= 2 && a.nextAttemptScheduleTime)?.nextAttemptScheduleTime;
      if (!t) throw new Error(`${handle.workflowId} : aucune activité en attente de reprise (${JSON.stringify(enAttente)})`);
      return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));
    },
    { timeout: 15_000, interval: 25 },
  );
}

describe('notification', () => {
  it('envoie au bailleur un courriel en français, texte et HTML, noté au journal', async () => {
    const { handle, menage } = await lancer();
    const m = await banc.courriels.waitFor((x) => pour(programme.partenaires.bailleur!.courriel)(x) && dossier(menage.reference)(x));
    await echeanceSuivie(handle, 'visite'); // le courriel est noté au journal avant l'échéance
    expect(m.sujet).toBe(`Orientation du dossier ${menage.reference} vers l’accompagnement`);
    expect(m.texte).toContain('Bonjour,');
    expect(m.texte).toContain('Cordialement,');
    expect(m.html).toContain('<p>Bonjour,</p>');
    expect(m.messageId).toMatch(/^<[0-9a-f]{40}@essai\.example>$/);
    // Un partenaire n'a pas de compte : pas de lien vers le dossier de la plateforme.
    expect(m.texte).not.toContain('Ouvrir le dossier');
    const etat = await handle.query(etatQuery);
    expect(etat.journal.some((e) => e.type === 'courriel' && e.resume.startsWith('Courriel au bailleur') && e.visibilite === 'equipe')).toBe(true);
  });

  it('une nouvelle tentative de l’activité n’envoie pas deux fois', async () => {
    const echecs = new Set<string>();
    const b = await monterBanc({
      dependances: {
        apresEnvoi: (cle) => {
          if (!echecs.has(cle)) {
            echecs.add(cle);
            throw new Error('panne simulée après l’envoi');
          }
        },
      },
    });
    try {
      const menage = menageEssai();
      const h = await b.env.client.workflow.start('essaiBlocs', {
        taskQueue: b.taskQueue,
        workflowId: `essai--${menage.reference}`,
        args: [{ programme, menage, travailleurSocial: 'ts.alice', delaiVisite: 'P3W', delaiValidation: 'P1W' } satisfies EntreeEssai],
      });
      await b.courriels.waitFor(dossier(menage.reference));
      // L'envoi a échoué après coup : le parcours avance jusqu'à la reprise prévue de l'activité.
      await avancerApres(h, await repriseDActivite(h), b);
      const etat = await jusqua(h, (e) => e.journal.some((x) => x.type === 'courriel'), 'courriel noté au journal après la reprise');
      expect(etat.journal.filter((x) => x.type === 'courriel')).toHaveLength(1);
      expect(echecs.size).toBeGreaterThanOrEqual(1);
      const recus = b.courriels.messages().filter(dossier(menage.reference));
      expect(recus).toHaveLength(1);
    } finally {
      await b.fermer();
    }
  });
});

describe('échéance', () => {
  it('rappelle le travailleur social avant, alerte la coordination après, et le montre dans l’état et les attributs', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    const visite = await echeanceSuivie(handle, 'visite');
    expect(visite.statut).toBe('en_cours');
    // Trois semaines, jusqu'au soir du jour où elles tombent (à Paris).
    expect(new Date(visite.due).toISOString()).toBe(
      finDuJour(ajouterDuree(new Date((await handle.query(etatQuery)).journal.find((e) => e.type === 'echeance_ouverte')!.date), 'P3W')).toISOString(),
    );
    const ouverte = (await handle.query(etatQuery)).journal.find((e) => e.type === 'echeance_ouverte')!;
    expect(ouverte.resume).toBe(`Échéance « Première visite à domicile » à tenir au plus tard le ${dateEnFrancais(visite.due)}`);
    const desc = await handle.describe();
    expect(desc.typedSearchAttributes.get(SA.prochaineEcheance)?.toISOString()).toBe(visite.due);
    expect(desc.typedSearchAttributes.get(SA.etape)).toBe('aller_vers');

    // Le rappel part à 9 h, RAPPEL_AVANT avant ce jour (le dernier jour ouvré d'avant s'il est chômé) ; pas une minute plus tôt.
    const rappelLe = rappelAttendu(visite.due, RAPPEL_AVANT, new Date(ouverte.date));
    await avancerJusqua(banc, handle, apres(rappelLe, -60));
    expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Rappel : Première visite') && dossier(menage.reference)(m))).toBe(false);
    await avancerApres(handle, rappelLe);
    const rappel = await banc.courriels.waitFor((m) => m.sujet.startsWith('Rappel : Première visite') && dossier(menage.reference)(m));
    expect(rappel.a).toEqual(['alice@essai.example']);
    expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Échéance dépassée') && dossier(menage.reference)(m))).toBe(false);
    expect((await handle.query(etatQuery)).echeances.find((e) => e.id === 'visite')!.statut).toBe('en_cours');

    await avancerApres(handle, visite.due);
    await jusquALAlerte(banc, handle, 'visite');
    const alerte = await banc.courriels.waitFor((m) => m.sujet.startsWith('Échéance dépassée : Première visite') && dossier(menage.reference)(m));
    expect(alerte.a).toEqual(['coordination@essai.example']);
    // Le travailleur social en charge par son nom, jamais par son identifiant de connexion.
    expect(alerte.texte).toContain('Le travailleur social en charge est Alice Travailleuse.');
    expect(alerte.texte).not.toMatch(/ts\.alice|⟦/);
    // Au personnel, le courriel mène au dossier (connexion requise) ; pas aux partenaires.
    expect(alerte.texte).toContain(`Ouvrir le dossier : `);
    expect(alerte.texte).toContain(`/parcours/${encodeURIComponent(handle.workflowId)}`);
    expect(alerte.texte).toContain('Le lien ouvre le dossier dans la plateforme, après connexion.');
    const etat = await jusqua(handle, (e) => e.journal.some((x) => x.type === 'echeance_depassee'), 'dépassement noté au journal');
    expect(etat.echeances.find((e) => e.id === 'visite')!.statut).toBe('depassee');
    expect(etat.journal.find((x) => x.type === 'echeance_depassee')!.resume).toBe(
      `Échéance dépassée : « Première visite à domicile » (elle prenait fin le ${dateEnFrancais(visite.due)} au soir)`,
    );
    await vi.waitFor(async () => expect((await handle.describe()).typedSearchAttributes.get(SA.enRetard)).toBe(true), { timeout: 30_000, interval: 50 });
  });

  it('tenue à temps : ni alerte ni retard', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    const visite = await echeanceSuivie(handle, 'visite');
    // La visite est faite une heure avant le rappel ; puis le parcours passe la date due.
    await avancerJusqua(banc, handle, apres(rappelAttendu(visite.due, RAPPEL_AVANT, new Date()), -60));
    await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Ménage rencontré' }] });
    await avancerApres(handle, visite.due);
    const etat = await handle.query(etatQuery);
    expect(etat.echeances.find((e) => e.id === 'visite')!.statut).toBe('tenue');
    expect(etat.journal.some((e) => e.type === 'echeance_depassee')).toBe(false);
    expect(banc.courriels.messages().some((m) => m.sujet.includes('Première visite') && dossier(menage.reference)(m))).toBe(false);
    expect((await handle.describe()).typedSearchAttributes.get(SA.enRetard)).toBe(false);
  });
});

describe('messages', () => {
  it('un même requestId envoyé deux fois n’est appliqué qu’une fois', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    const id = requete();
    const a = await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: id, par: 'ts.alice', note: 'Visite' }] });
    const b = await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: id, par: 'ts.alice', note: 'Visite' }] });
    expect(a).toEqual({ compte: 1 });
    expect(b).toEqual({ compte: 1 });
    const etat = await handle.query(etatQuery);
    expect(etat.journal.filter((e) => e.type === 'visite')).toHaveLength(1);
  });

  it('un message hors étape est refusé avec sa raison et ne change rien', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Visite' }] });
    const avant = await jusqua(handle, (e) => e.journal.some((x) => x.type === 'validation_demandee'), 'demande de validation envoyée');
    const err = await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Encore' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(err.cause.message).toBe('La visite ne peut plus être enregistrée : le parcours est à l’étape « Validation du plan par le département ».');
    expect(err.cause.type).toBe('MessageRefuse');
    const etat = await handle.query(etatQuery);
    expect(etat.journal).toEqual(avant.journal);
  });
});

describe('demande de validation', () => {
  async function jusquALaDemande() {
    const l = await lancer();
    await banc.courriels.waitFor(dossier(l.menage.reference));
    await echeanceSuivie(l.handle, 'visite');
    await l.handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Visite' }] });
    const courriel = await banc.courriels.waitFor((m) => m.a.includes(programme.partenaires.departement!.courriel) && dossier(l.menage.reference)(m));
    const etat = await jusqua(l.handle, (e) => e.journal.some((x) => x.type === 'validation_demandee'), 'demande de validation notée');
    return { ...l, courriel, demande: etat.demandes[0]! };
  }

  it('envoie un lien signé lié au parcours, à la demande et au rôle ; la décision est enregistrée une fois', async () => {
    const { handle, courriel, demande, menage } = await jusquALaDemande();
    expect(courriel.sujet).toBe(`Validation du plan d’aide avec une mesure ASLL (dossier ${menage.reference})`);
    expect(courriel.texte).toContain('Mesure recommandée : ASLL de 6 mois.');
    expect(courriel.texte).not.toContain(menage.nom);
    const token = /\/liens\/([A-Za-z0-9._-]+)/.exec(courriel.texte)![1]!;
    const v = SIGNEUR.verifier(token, await heureDuParcours(handle));
    expect(v).toMatchObject({ ok: true, claims: { workflowId: handle.workflowId, demandeId: demande.id, role: 'departement', action: 'validation' } });
    // Le lien expire avec la demande.
    expect(SIGNEUR.verifier(token, apres(demande.echeance))).toMatchObject({ ok: false, raison: 'expire' });

    const r = await handle.executeUpdate(repondreValidationUpdate, {
      args: [
        {
          requestId: requete(),
          par: 'partenaire:departement',
          demandeId: demande.id,
          role: 'departement',
          decision: 'approuve',
          commentaire: 'Accord pour 6 mois',
        },
      ],
    });
    expect(r.statut).toBe('approuvee');
    expect(r.decision).toMatchObject({ decision: 'approuve', commentaire: 'Accord pour 6 mois', par: 'partenaire:departement' });

    const seconde = await handle
      .executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: demande.id, role: 'departement', decision: 'refuse' }],
      })
      .catch((e) => e);
    expect(seconde.cause.message).toMatch(/^Une réponse a déjà été enregistrée pour cette demande le /);
    const autreRole = await handle
      .executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:bailleur', demandeId: demande.id, role: 'bailleur', decision: 'refuse' }],
      })
      .catch((e) => e);
    expect(autreRole.cause.message).toBe('Ce lien ne correspond pas au partenaire sollicité pour cette demande.');
    const inconnue = await handle
      .executeUpdate(repondreValidationUpdate, { args: [{ requestId: requete(), par: 'x', demandeId: 'autre', role: 'departement', decision: 'approuve' }] })
      .catch((e) => e);
    expect(inconnue.cause.message).toBe('Cette demande n’existe pas pour ce parcours.');
    const etat = await handle.query(etatQuery);
    expect(etat.demandes[0]!.statut).toBe('approuvee');
    expect(etat.journal.filter((e) => e.type === 'decision_partenaire')).toHaveLength(1);
  });

  it('rappels aux intervalles du programme, puis escalade à la coordination, puis réponse tardive refusée', async () => {
    const { handle, menage, demande } = await jusquALaDemande();
    const rappels = () => banc.courriels.messages().filter((m) => m.sujet.startsWith('Rappel — Validation du plan') && dossier(menage.reference)(m));
    // Aux heures ouvrées, avant l'échéance (selon le jour et l'heure de l'essai) : dans l'ordre où ils
    // partent (deux rappels reportés au même matin n'en font qu'un).
    const attendus = rappelsAttendus(demande, programme.rappelsValidation, 'P1W');
    expect(attendus.length).toBeGreaterThan(0);
    for (const [i, quand] of attendus.entries()) {
      await avancerJusqua(banc, handle, apres(quand, -1));
      expect(rappels(), `rappel ${i + 1} avant ${quand.toISOString()}`).toHaveLength(i);
      await avancerApres(handle, quand);
      await vi.waitFor(() => expect(rappels()).toHaveLength(i + 1), { timeout: 30_000, interval: 50 });
    }
    expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Sans réponse') && dossier(menage.reference)(m))).toBe(false);
    expect((await handle.query(etatQuery)).demandes[0]!.statut).toBe('en_attente');

    await avancerApres(handle, demande.echeance);
    // Expirée au soir : la coordination l'apprend à 9 h du jour ouvré suivant (droit à la déconnexion).
    await jusqua(handle, (e) => e.demandes[0]!.statut === 'expiree', 'demande expirée');
    const escaladeLe = escaladeAttendue(demande);
    expect(heureDeParis(escaladeLe).getUTCHours()).toBe(9);
    await avancerJusqua(banc, handle, apres(escaladeLe, -1));
    expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Sans réponse') && dossier(menage.reference)(m))).toBe(false);
    await jusquALEscalade(banc, handle, demande);
    const escalade = await banc.courriels.waitFor((m) => m.sujet.startsWith('Sans réponse : Validation du plan') && dossier(menage.reference)(m));
    expect(escalade.a).toEqual(['coordination@essai.example']);
    const etat = await jusqua(handle, (e) => e.journal.some((x) => x.type === 'validation_expiree'), 'demande expirée');
    expect(etat.demandes[0]!.statut).toBe('expiree');
    expect(rappels()).toHaveLength(attendus.length);
    const tardive = await handle
      .executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: etat.demandes[0]!.id, role: 'departement', decision: 'approuve' }],
      })
      .catch((e) => e);
    expect(tardive.cause.message).toMatch(/^Cette demande est close depuis le /);
  });

  it('une demande envoyée la nuit : ses rappels partent à 9 h, pas à l’heure de l’envoi (un mercredi à 3 h 30, rappels à 2 et 5 jours)', async () => {
    // Le prochain mercredi (à 2 jours au moins), 3 h 30 à Paris : le parcours y démarre, la visite y est faite, la demande y part.
    let jour = jourDeParis(apres(new Date(), 2 * 24 * 60));
    while (new Date(`${jour}T12:00:00Z`).getUTCDay() !== 3) jour = jourSuivant(jour);
    const nuit = new Date(depuisHeureDeParis(Date.parse(`${jour}T03:30:00.000Z`)));
    const menage = menageEssai();
    const entree: EntreeEssai = { programme, menage, travailleurSocial: 'ts.alice', delaiVisite: 'P3W', rappelAvant: RAPPEL_AVANT, delaiValidation: 'P1W' };
    const handle = await demarrerLe(banc, nuit, 'essaiBlocs', { taskQueue: banc.taskQueue, workflowId: `essai--${menage.reference}`, args: [entree] });
    await echeanceSuivie(handle, 'visite');
    await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Visite' }] });
    const demande = (await jusqua(handle, (e) => e.journal.some((x) => x.type === 'validation_demandee'), 'demande de validation notée')).demandes[0]!;
    expect(heureDeParis(demande.envoyeeLe).getUTCHours()).toBe(3);
    const rappels = () => banc.courriels.messages().filter((m) => m.sujet.startsWith('Rappel — Validation du plan') && dossier(menage.reference)(m));
    const attendus = rappelsAttendus(demande, programme.rappelsValidation, 'P1W');
    expect(attendus.length).toBeGreaterThan(0);
    for (const [i, quand] of attendus.entries()) {
      // À 9 h à Paris (un jour ouvré : le vendredi, le lundi, ou le suivant après un jour férié).
      expect([heureDeParis(quand).getUTCHours(), heureDeParis(quand).getUTCMinutes()]).toEqual([9, 0]);
      expect(estJourOuvre(jourDeParis(quand))).toBe(true);
      // Rien à l'heure de l'envoi (3 h 30), ni une minute avant 9 h.
      await avancerJusqua(banc, handle, apres(quand, -1));
      expect(rappels(), `rappel ${i + 1} avant ${quand.toISOString()}`).toHaveLength(i);
      await avancerApres(handle, quand);
      await vi.waitFor(() => expect(rappels()).toHaveLength(i + 1), { timeout: 30_000, interval: 50 });
    }
    expect((await handle.query(etatQuery)).demandes[0]!.statut).toBe('en_attente');
  });

  it('« Sans réponse » qui attend 9 h : le parcours clos dans la nuit, elle ne part pas (ni à 9 h, ni après)', async () => {
    const { handle, menage, demande } = await jusquALaDemande();
    const escalades = () => banc.courriels.messages().filter((m) => m.sujet.startsWith('Sans réponse') && dossier(menage.reference)(m));
    await avancerApres(handle, demande.echeance);
    await jusqua(handle, (e) => e.demandes[0]!.statut === 'expiree', 'demande expirée');
    expect(heureDeParis(escaladeAttendue(demande)).getUTCHours()).toBe(9);
    await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Ménage parti sans laisser d’adresse' }] });
    await jusqua(handle, (e) => !!e.cloture, 'parcours clos');
    await jusquALEscalade(banc, handle, demande);
    // Le parcours, resté ouvert, va à son terme (60 jours) : tout ce qui devait partir est parti.
    await avancerApres(handle, ajouterDuree(new Date(demande.echeance), 'P60D'));
    await handle.result();
    expect(escalades()).toEqual([]);
  });
});

describe('protection des données', () => {
  it('l’historique brut lu sur le serveur ne contient ni nom, ni courriel, ni téléphone du ménage', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Visite' }] });
    await banc.courriels.waitFor((m) => m.a.includes(programme.partenaires.departement!.courriel) && dossier(menage.reference)(m));
    const err = await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Encore' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const historique = await banc.env.client.workflowService.getWorkflowExecutionHistory({
      namespace: banc.env.namespace ?? 'default',
      execution: { workflowId: handle.workflowId },
    });
    const brut = Buffer.from(JSON.stringify(historique.history)).toString('latin1') + JSON.stringify(historique.history);
    const encodes = (s: string) => [s, Buffer.from(s).toString('base64').slice(0, 12)];
    for (const secret of [menage.nom, menage.courriel, menage.telephone, menage.adresse, 'Lefébure', 'Tilleuls']) {
      for (const forme of encodes(secret)) expect(brut).not.toContain(forme);
    }
    expect(brut).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });
});
