/**
 * Les blocs communs (notification, échéance, demande de validation, journal, messages) sur le
 * serveur Temporal à saut de temps, avec un vrai serveur SMTP et un vrai worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { etatQuery, repondreValidationUpdate } from '../domain/messages';
import { SA } from '../domain/attributs-recherche';
import type { Programme } from '../domain/vocabulaire';
import { CATALOGUE, SIGNEUR, avancer, repos, terminer, menageEssai, monterBanc, requete, type Banc } from './outils/environnement';
import { visiteFaiteUpdate, type EntreeEssai } from './workflows/essai-blocs';

let banc: Banc;
const programme: Programme = { ...CATALOGUE.trouver('besancon-ccas')!, rappelsValidation: ['P2D', 'P4D'] };

beforeAll(async () => {
  banc = await monterBanc();
});
afterAll(async () => banc?.fermer());

async function lancer(e: Partial<EntreeEssai> = {}, b: Banc = banc) {
  const menage = menageEssai();
  const entree: EntreeEssai = { programme, menage, travailleurSocial: 'ts.alice', delaiVisite: 'P3W', rappelAvant: 'P3D', delaiValidation: 'P1W', ...e };
  const handle = await b.env.client.workflow.start('essaiBlocs', {
    taskQueue: b.taskQueue,
    workflowId: `essai--${menage.reference}`,
    args: [entree],
  });
  return { handle, menage };
}

const pour = (adresse: string) => (m: { a: string[] }) => m.a.includes(adresse);
const dossier = (ref: string) => (m: { sujet: string }) => m.sujet.includes(ref);

describe('notification', () => {
  it('envoie au bailleur un courriel en français, texte et HTML, noté au journal', async () => {
    const { handle, menage } = await lancer();
    const m = await banc.courriels.waitFor((x) => pour(programme.partenaires.bailleur!.courriel)(x) && dossier(menage.reference)(x));
    await attendreEtape(handle, 'aller_vers');
    expect(m.sujet).toBe(`Orientation du dossier ${menage.reference} vers l’accompagnement`);
    expect(m.texte).toContain('Bonjour,');
    expect(m.texte).toContain('Cordialement,');
    expect(m.html).toContain('<p>Bonjour,</p>');
    expect(m.messageId).toMatch(/^<[0-9a-f]{40}@essai\.example>$/);
    const etat = await handle.query(etatQuery);
    expect(etat.journal.some((e) => e.type === 'courriel' && e.resume.includes('Bailleur') && e.visibilite === 'equipe')).toBe(true);
    await terminer(handle);
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
      await avancer(b, h, '1 minute'); // laisse passer la reprise de l’activité
      await h.query(etatQuery); // l’activité reprise a abouti : le workflow a avancé
      const etat = await waitFor(async () => {
        const e = await h.query(etatQuery);
        return e.journal.some((x) => x.type === 'courriel') ? e : undefined;
      });
      expect(etat.journal.filter((x) => x.type === 'courriel')).toHaveLength(1);
      expect(echecs.size).toBeGreaterThanOrEqual(1);
      const recus = b.courriels.messages().filter(dossier(menage.reference));
      expect(recus).toHaveLength(1);
      await terminer(h);
    } finally {
      await b.fermer();
    }
  });
});

/** Attend que le workflow ait noté l'échéance de visite (le courriel part avant). */
async function attendreEtape(handle: { query: (q: typeof etatQuery) => Promise<{ echeances: { id: string }[] }> }, _etape: string) {
  await waitFor(async () => ((await handle.query(etatQuery)).echeances.some((e) => e.id === 'visite') ? true : undefined));
}

async function waitFor<T>(f: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const fin = Date.now() + ms;
  for (;;) {
    const r = await f();
    if (r !== undefined) return r;
    if (Date.now() > fin) throw new Error('condition jamais remplie');
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

describe('échéance', () => {
  it('rappelle le travailleur social avant, alerte la coordination après, et le montre dans l’état et les attributs', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    await attendreEtape(handle, 'aller_vers');
    const avant = await handle.query(etatQuery);
    const visite = avant.echeances.find((e) => e.id === 'visite')!;
    expect(visite.statut).toBe('en_cours');
    const desc = await handle.describe();
    expect(desc.typedSearchAttributes.get(SA.prochaineEcheance)?.toISOString()).toBe(visite.due);
    expect(desc.searchAttributes.Etape).toEqual(['aller_vers']);

    await avancer(banc, handle, '433h'); // 3 semaines - 3 jours : le rappel part
    const rappel = await banc.courriels.waitFor((m) => m.sujet.startsWith('Rappel : Première visite') && dossier(menage.reference)(m));
    expect(rappel.a).toEqual(['alice@essai.example']);
    expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Échéance dépassée') && dossier(menage.reference)(m))).toBe(false);

    await avancer(banc, handle, '3 days');
    const alerte = await banc.courriels.waitFor((m) => m.sujet.startsWith('Échéance dépassée : Première visite') && dossier(menage.reference)(m));
    expect(alerte.a).toEqual(['coordination@essai.example']);
    const apres = await handle.query(etatQuery);
    expect(apres.echeances.find((e) => e.id === 'visite')!.statut).toBe('depassee');
    expect((await handle.describe()).searchAttributes.EnRetard).toEqual([true]);
    await terminer(handle);
  });

  it('tenue à temps : ni alerte ni retard', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    await avancer(banc, handle, '1 hour');
    await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Ménage rencontré' }] });
    await avancer(banc, handle, '20 days');
    const etat = await handle.query(etatQuery);
    expect(etat.echeances.find((e) => e.id === 'visite')!.statut).toBe('tenue');
    expect(banc.courriels.messages().some((m) => m.sujet.includes('Première visite') && dossier(menage.reference)(m))).toBe(false);
    await terminer(handle);
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
    await terminer(handle);
  });

  it('un message hors étape est refusé avec sa raison et ne change rien', async () => {
    const { handle, menage } = await lancer();
    await banc.courriels.waitFor(dossier(menage.reference));
    await handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Visite' }] });
    await waitFor(async () => ((await handle.query(etatQuery)).journal.some((e) => e.type === 'validation_demandee') ? true : undefined));
    const avant = await handle.query(etatQuery);
    const err = await handle
      .executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Encore' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(err.cause.message).toBe('La visite ne peut plus être enregistrée : le parcours est à l’étape « Validation du plan par le département ».');
    expect(err.cause.type).toBe('MessageRefuse');
    const apres = await handle.query(etatQuery);
    expect(apres.journal).toEqual(avant.journal);
    await terminer(handle);
  });
});

describe('demande de validation', () => {
  async function jusquALaDemande(b: Banc = banc) {
    const l = await lancer({}, b);
    await b.courriels.waitFor(dossier(l.menage.reference));
    await repos(l.handle);
    await l.handle.executeUpdate(visiteFaiteUpdate, { args: [{ requestId: requete(), par: 'ts.alice', note: 'Visite' }] });
    const courriel = await b.courriels.waitFor((m) => m.a.includes(programme.partenaires.departement!.courriel) && dossier(l.menage.reference)(m));
    const etat = await l.handle.query(etatQuery);
    return { ...l, courriel, demande: etat.demandes[0]! };
  }

  it('envoie un lien signé lié au parcours, à la demande et au rôle ; la décision est enregistrée une fois', async () => {
    const { handle, courriel, demande, menage } = await jusquALaDemande();
    expect(courriel.sujet).toBe(`Validation du plan d’aide avec une mesure ASLL (dossier ${menage.reference})`);
    expect(courriel.texte).toContain('Mesure recommandée : ASLL de 6 mois.');
    expect(courriel.texte).not.toContain(menage.nom);
    const token = /\/liens\/([A-Za-z0-9._-]+)/.exec(courriel.texte)![1]!;
    const v = SIGNEUR.verifier(token, new Date());
    expect(v).toMatchObject({ ok: true, claims: { workflowId: handle.workflowId, demandeId: demande.id, role: 'departement', action: 'validation' } });

    const r = await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: demande.id, role: 'departement', decision: 'approuve', commentaire: 'Accord pour 6 mois' }],
    });
    expect(r.statut).toBe('approuvee');
    expect(r.decision).toMatchObject({ decision: 'approuve', commentaire: 'Accord pour 6 mois', par: 'partenaire:departement' });

    const seconde = await handle
      .executeUpdate(repondreValidationUpdate, { args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: demande.id, role: 'departement', decision: 'refuse' }] })
      .catch((e) => e);
    expect(seconde.cause.message).toMatch(/^Une réponse a déjà été enregistrée pour cette demande le /);
    const autreRole = await handle
      .executeUpdate(repondreValidationUpdate, { args: [{ requestId: requete(), par: 'partenaire:bailleur', demandeId: demande.id, role: 'bailleur', decision: 'refuse' }] })
      .catch((e) => e);
    expect(autreRole.cause.message).toBe('Ce lien ne correspond pas au partenaire sollicité pour cette demande.');
    const inconnue = await handle
      .executeUpdate(repondreValidationUpdate, { args: [{ requestId: requete(), par: 'x', demandeId: 'autre', role: 'departement', decision: 'approuve' }] })
      .catch((e) => e);
    expect(inconnue.cause.message).toBe('Cette demande n’existe pas pour ce parcours.');
    const etat = await handle.query(etatQuery);
    expect(etat.demandes[0]!.statut).toBe('approuvee');
    expect(etat.journal.filter((e) => e.type === 'decision_partenaire')).toHaveLength(1);
    await terminer(handle);
  });

  it('rappels aux intervalles du programme, puis escalade à la coordination, puis réponse tardive refusée', async () => {
    // Un banc à part : ce test avance l'horloge de plusieurs jours, sans autre parcours autour.
    const banc = await monterBanc();
    try {
      const { handle, menage } = await jusquALaDemande(banc);
      await avancer(banc, handle, '49h');
      await banc.courriels.waitFor((m) => m.sujet.startsWith('Rappel — Validation du plan') && dossier(menage.reference)(m));
      await avancer(banc, handle, '2 days');
      await waitFor(async () => (banc.courriels.messages().filter((m) => m.sujet.startsWith('Rappel — Validation') && dossier(menage.reference)(m)).length === 2 ? true : undefined));
      expect(banc.courriels.messages().some((m) => m.sujet.startsWith('Sans réponse') && dossier(menage.reference)(m))).toBe(false);
      await avancer(banc, handle, '3 days');
      const escalade = await banc.courriels.waitFor((m) => m.sujet.startsWith('Sans réponse : Validation du plan') && dossier(menage.reference)(m));
      expect(escalade.a).toEqual(['coordination@essai.example']);
      const etat = await handle.query(etatQuery);
      expect(etat.demandes[0]!.statut).toBe('expiree');
      expect(etat.journal.some((e) => e.type === 'validation_expiree')).toBe(true);
      const tardive = await handle
        .executeUpdate(repondreValidationUpdate, { args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: etat.demandes[0]!.id, role: 'departement', decision: 'approuve' }] })
        .catch((e) => e);
      expect(tardive.cause.message).toMatch(/^Cette demande est close depuis le /);
      await terminer(handle);
    } finally {
      await banc.fermer();
    }
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
    await terminer(handle);
  });
});
