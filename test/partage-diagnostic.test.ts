/**
 * Qui voit le diagnostic : un réglage du programme et l'accord du ménage (issue 15), et ce que le
 * personnel relit sur la page du parcours (issue 16, point 2).
 *
 * - Déclic (seeds/001) : avec l'accord du ménage, la conseillère sociale du bailleur et son pôle
 *   recouvrement reçoivent le diagnostic et le carnet de route (fiche de suivi social, leur version) ;
 *   sans accord, ou après son retrait : non. Loiret : jamais (pas d'accord à recueillir).
 * - La page du parcours montre diagnostic, carnet de route, plan et notes à la coordination et au
 *   travailleur social affecté ; chaque affichage est tracé (qui, quand, quel parcours) ; un autre
 *   travailleur social : 403, rien de montré, rien de tracé à son nom.
 * - Les porteurs de Déclic : SA HLM Les Chalets, associations Le Relais et Le Touril.
 */
import { describe, expect, it } from 'vitest';
import { NOM_COOKIE } from '../api/auth';
import { filtrerEtat } from '../api/visibilite';
import { preparerDocument } from '../documents';
import type { EtatParcours } from '../domain/vocabulaire';
import { RegistreDossiers } from '../dossiers/registre';
import { decrireChangements, appliquerChangement } from '../programmes/versions';
import { changementDuFormulaire } from '../web/pages/reglages';
import { LECTURE_SUIVI_CONFIDENTIEL } from '../web/pages/parcours';
import { bancAvecApi } from './outils/api';
import { lirePdf } from './outils/pdf';
import { baseEssai } from './outils/base';
import { CATALOGUE, COFFRE, jusqua, menageEssai, requete, situationPrevention } from './outils/environnement';

const essai = bancAvecApi('mot-de-passe-essai');
const connecter = (id: string) => essai.connecter(id);
const cookieDe = async (id: string) => `${NOM_COOKIE}=${await connecter(id)}`;

const DECLIC = CATALOGUE.trouver('toulouse-declic')!;
const LOIRET = CATALOGUE.trouver('loiret-ahu')!;
const NOTE_SECRETE = 'SECRET-7731 : violences conjugales';
const DIAGNOSTIC = 'Perte d’emploi en mars';

describe('le réglage du programme, sans rien lancer', () => {
  const etat: EtatParcours = {
    workflowId: 'toulouse-declic--D-1',
    typeParcours: 'prevention_precontentieuse',
    programme: { id: 'toulouse-declic', version: DECLIC.version, nom: DECLIC.nom },
    reference: 'D-1',
    etape: 'plan_aide',
    libelleEtape: 'Plan d’aide',
    echeances: [],
    demandes: [],
    journal: [],
    details: { contactEtabliLe: '2026-03-02T10:00:00.000Z' },
    detailsConfidentiels: {
      menage: { nom: 'Mme Lefébure' },
      diagnostic: [{ origineDette: DIAGNOSTIC, notes: NOTE_SECRETE }],
      carnetDeRoute: ['Déposer la demande FSL'],
      notesContact: ['joint le soir'],
    },
  };
  const accord = {
    portee: ['conseillere_sociale_bailleur' as const, 'recouvrement_bailleur' as const],
    recueilliPar: 'ts.alice',
    recueilliLe: '2026-03-03T10:00:00.000Z',
  };
  const conseillere = { type: 'partenaire' as const, role: 'bailleur' as const, destinataire: 'conseillere_sociale_bailleur' as const };
  const recouvrement = { ...conseillere, destinataire: 'recouvrement_bailleur' as const };

  it('Déclic avec accord : la conseillère sociale et le recouvrement reçoivent le diagnostic (sans nom ni notes) ; sans accord, retiré, ou Loiret : rien', () => {
    for (const lecteur of [conseillere, recouvrement]) {
      const vu = filtrerEtat(etat, lecteur, { programme: DECLIC, consentement: accord });
      expect(vu.detailsConfidentiels).toEqual({ diagnostic: [{ origineDette: DIAGNOSTIC }], carnetDeRoute: ['Déposer la demande FSL'] });
    }
    expect(filtrerEtat(etat, conseillere, { programme: DECLIC }).detailsConfidentiels).toEqual({});
    expect(
      filtrerEtat(etat, conseillere, { programme: DECLIC, consentement: { ...accord, retireLe: '2026-03-04T10:00:00.000Z', retirePar: 'ts.alice' } })
        .detailsConfidentiels,
    ).toEqual({});
    expect(
      filtrerEtat(etat, recouvrement, { programme: DECLIC, consentement: { ...accord, portee: ['conseillere_sociale_bailleur'] } }).detailsConfidentiels,
    ).toEqual({});
    expect(filtrerEtat(etat, conseillere, { programme: LOIRET, consentement: accord }).detailsConfidentiels).toEqual({});
    expect(filtrerEtat(etat, { type: 'partenaire', role: 'departement' }, { programme: DECLIC, consentement: accord }).detailsConfidentiels).toEqual({});
    expect(filtrerEtat(etat, { type: 'partenaire', role: 'bailleur' }, { programme: DECLIC, consentement: accord }).detailsConfidentiels).toEqual({});
    expect(etat.detailsConfidentiels.diagnostic).toEqual([{ origineDette: DIAGNOSTIC, notes: NOTE_SECRETE }]);

    const fiche = (diagnosticPartage?: { destinataire: string; accordLe?: string }) =>
      JSON.stringify(
        preparerDocument('fiche-suivi-social', { etat, programme: DECLIC, ...(diagnosticPartage ? { diagnosticPartage } : {}) }, 'partenaires').blocs,
      );
    expect(fiche()).not.toContain(DIAGNOSTIC);
    const partagee = fiche({ destinataire: 'Pôle recouvrement du bailleur', accordLe: accord.recueilliLe });
    for (const t of [
      'Diagnostic (confidentiel)',
      DIAGNOSTIC,
      'Déposer la demande FSL',
      'Version pour : Pôle recouvrement du bailleur',
      'avec l’accord du ménage recueilli le 3 mars 2026',
    ])
      expect(partagee).toContain(t);
    for (const t of ['Lefébure', 'SECRET-7731', 'joint le soir']) expect(partagee).not.toContain(t);
  });

  it('les porteurs de Déclic ; Déclic partage avec accord, les autres programmes avec personne ; le réglage se change dans la page et se dit en mots', () => {
    expect(DECLIC.partenaires.bailleur!.nom).toContain('SA HLM Les Chalets');
    expect(DECLIC.operateur.nom).toContain('Le Relais');
    expect(DECLIC.operateur.nom).toContain('Le Touril');
    expect(JSON.stringify(DECLIC)).not.toContain('Toulouse Métropole Habitat');
    expect(DECLIC.options.etudeConjointeBailleur).toBe(true);
    expect(DECLIC.partageDiagnostic).toEqual({ destinataires: ['conseillere_sociale_bailleur', 'recouvrement_bailleur'], consentementRequis: true });
    for (const p of CATALOGUE.tous().filter((x) => x.id !== 'toulouse-declic')) expect(p.partageDiagnostic, p.id).toBeUndefined();

    const corps = changementDuFormulaire(DECLIC, {
      versionAttendue: String(DECLIC.version),
      motif: 'Le recouvrement ne reçoit plus le diagnostic',
      'partageDiagnostic.conseillere_sociale_bailleur': 'oui',
      'partageDiagnostic.consentementRequis': 'oui',
    });
    expect(corps.partageDiagnostic).toEqual({ destinataires: ['conseillere_sociale_bailleur'], consentementRequis: true });
    const suivant = appliquerChangement(DECLIC, {
      versionAttendue: DECLIC.version,
      motif: 'x',
      partageDiagnostic: { destinataires: ['conseillere_sociale_bailleur'], consentementRequis: true },
    });
    expect(decrireChangements(DECLIC, suivant)).toEqual([
      'Partage du diagnostic avec le bailleur : Conseillère sociale du bailleur, Pôle recouvrement du bailleur (seulement avec l’accord du ménage, enregistré dans le dossier) → Conseillère sociale du bailleur (seulement avec l’accord du ménage, enregistré dans le dossier)',
    ]);
    // Loiret : le formulaire sans case cochée ne crée aucun réglage (ni aucune version).
    expect(changementDuFormulaire(LOIRET, { versionAttendue: '1', motif: 'x' })).not.toHaveProperty('partageDiagnostic');
  });
});

describe('de bout en bout : accord du ménage, documents des partenaires, page du parcours', () => {
  /** Lance un parcours et le mène jusqu'au carnet de route (contact établi, diagnostic terminé). */
  async function jusquAuCarnet(programmeId: string): Promise<string> {
    const coord = await connecter('coord.essai');
    const ts = await connecter('ts.alice');
    const r = await essai.api.appel('POST', '/api/parcours', {
      jeton: coord,
      corps: {
        programmeId,
        travailleurSocial: 'ts.alice',
        menage: { ...menageEssai(), nom: 'Mme Josiane Lefébure' },
        donnees: { situation: situationPrevention() },
      },
    });
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    await jusqua(essai.banc.env.client.workflow.getHandle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    const contact = await essai.api.appel('POST', `/api/parcours/${id}/messages/tentative-contact`, {
      jeton: ts,
      corps: { requestId: requete(), canal: 'telephone', creneau: 'soir', issue: 'joint', note: 'Joint après trois appels' },
    });
    expect(contact.status, contact.texte).toBe(200);
    const diag = await essai.api.appel('POST', `/api/parcours/${id}/messages/diagnostic`, {
      jeton: ts,
      corps: {
        requestId: requete(),
        origineDette: DIAGNOSTIC,
        droits: 'Aide au logement suspendue',
        budget: 'Reste à vivre insuffisant',
        adequationLogement: 'Logement adapté',
        notes: NOTE_SECRETE,
        termine: true,
        carnetDeRoute: ['Déposer la demande d’aide au FSL'],
      },
    });
    expect(diag.status, diag.texte).toBe(200);
    return id;
  }

  const fiche = async (id: string, destinataire: string) => {
    const r = await essai.api.appel('GET', `/api/parcours/${id}/documents/fiche-suivi-social?version=partenaires&destinataire=${destinataire}`, {
      jeton: await connecter('coord.essai'),
    });
    expect(r.status, r.texte.slice(0, 300)).toBe(200);
    expect(r.texte).not.toContain('SECRET-7731');
    expect(r.texte).not.toContain('Lefébure');
    return r.texte;
  };

  /** Le courriel au bailleur qui porte le diagnostic d'un dossier, et le texte de sa fiche jointe. */
  async function diagnosticRecu(id: string) {
    const ref = id.replace(/^.*--/, '');
    const m = await essai.banc.courriels.waitFor((x) => x.sujet === `Diagnostic partagé avec l’accord du ménage (dossier ${ref})`);
    const pdf = m.piecesJointes.find((p) => p.contentType === 'application/pdf');
    expect(pdf?.filename).toBe(`fiche-suivi-social-${ref}-partenaires.pdf`);
    return { courriel: m, fiche: (await lirePdf(pdf!.contenu)).plat };
  }
  const sujetsDuDossier = (id: string) =>
    essai.banc.courriels
      .messages()
      .filter((m) => m.sujet.includes(`(dossier ${id.replace(/^.*--/, '')})`))
      .map((m) => m.sujet);

  it('Déclic : le diagnostic va à la conseillère sociale et au recouvrement une fois l’accord enregistré, plus après son retrait ; Loiret : jamais', async () => {
    const [declic, loiret] = await Promise.all([jusquAuCarnet('toulouse-declic'), jusquAuCarnet('loiret-ahu')]);
    const ts = await connecter('ts.alice');
    const destinataires = ['conseillere_sociale_bailleur', 'recouvrement_bailleur'];

    for (const d of destinataires) expect(await fiche(declic, d)).not.toContain(DIAGNOSTIC);
    const sansRien = await essai.api.appel('POST', `/api/parcours/${declic}/consentement-partage`, { jeton: ts, corps: { portee: [] } });
    expect(sansRien.status).toBe(400);
    expect(JSON.stringify(sansRien.json)).toContain('choisissez au moins un destinataire du diagnostic');
    const autre = await essai.api.appel('POST', `/api/parcours/${declic}/consentement-partage`, {
      jeton: await connecter('ts.bruno'),
      corps: { portee: destinataires },
    });
    expect(autre.status).toBe(403);

    const accord = await essai.api.appel('POST', `/api/parcours/${declic}/consentement-partage`, { jeton: ts, corps: { portee: destinataires } });
    expect(accord.status, accord.texte).toBe(201);
    expect(accord.json.consentement).toMatchObject({ portee: destinataires, recueilliPar: 'ts.alice', recueilliLe: expect.any(String) });
    for (const d of destinataires) {
      const texte = await fiche(declic, d);
      for (const t of ['Diagnostic (confidentiel)', DIAGNOSTIC, 'Déposer la demande d’aide au FSL', 'avec l’accord du ménage recueilli le'])
        expect(texte, d).toContain(t);
    }
    // Le diagnostic terminé part au bailleur (sa conseillère sociale et son pôle recouvrement), par
    // courriel, dans la fiche de suivi social : sans les notes du travailleur social ni le nom du ménage.
    const recu = await diagnosticRecu(declic);
    expect(recu.courriel.texte).toContain('Conseillère sociale du bailleur, Pôle recouvrement du bailleur');
    for (const t of ['Diagnostic (confidentiel)', DIAGNOSTIC, 'Déposer la demande d’aide au FSL', 'avec l’accord du ménage recueilli le'])
      expect(recu.fiche).toContain(t);
    for (const t of ['SECRET-7731', 'Lefébure', 'Joint après trois appels']) expect(recu.fiche).not.toContain(t);
    // La version du référent, sans destinataire, n'a toujours rien de confidentiel.
    const referent = await essai.api.appel('GET', `/api/parcours/${declic}/documents/fiche-suivi-social?version=partenaires`, { jeton: ts });
    expect(referent.texte).not.toContain(DIAGNOSTIC);

    const retrait = await essai.api.appel('DELETE', `/api/parcours/${declic}/consentement-partage`, { jeton: ts });
    expect(retrait.status, retrait.texte).toBe(200);
    expect(retrait.json.consentement).toMatchObject({ retirePar: 'ts.alice', retireLe: expect.any(String) });
    expect(retrait.json.historique.map((h: { accorde: boolean; par: string }) => `${h.accorde} ${h.par}`)).toEqual(['true ts.alice', 'false ts.alice']);
    for (const d of destinataires) expect(await fiche(declic, d)).not.toContain(DIAGNOSTIC);
    expect((await essai.api.appel('DELETE', `/api/parcours/${declic}/consentement-partage`, { jeton: ts })).status).toBe(409);
    // Le bailleur apprend le retrait ; le diagnostic n'est parti qu'une fois.
    await essai.banc.courriels.waitFor((x) => x.sujet === `Accord du ménage retiré : diagnostic à ne plus utiliser (dossier ${declic.replace(/^.*--/, '')})`);
    expect(sujetsDuDossier(declic).filter((s) => s.startsWith('Diagnostic partagé'))).toHaveLength(1);

    // Loiret : pas d'accord à recueillir, et rien ne part au bailleur.
    const refus = await essai.api.appel('POST', `/api/parcours/${loiret}/consentement-partage`, { jeton: ts, corps: { portee: destinataires } });
    expect(refus.status).toBe(409);
    expect(refus.json.detail).toBe('Ce programme ne partage le diagnostic avec aucun partenaire : il n’y a pas d’accord à recueillir.');
    for (const d of destinataires) expect(await fiche(loiret, d)).not.toContain(DIAGNOSTIC);
    // Le parcours lui-même refuse un accord que son programme ne prévoit pas.
    const { accordPartageDiagnosticUpdate } = await import('../domain/partage');
    const direct = await essai.banc.env.client.workflow
      .getHandle(loiret)
      .executeUpdate(accordPartageDiagnosticUpdate, { args: [{ requestId: requete(), par: 'ts.alice', pour: ['conseillere_sociale_bailleur'] }] })
      .catch((e: { cause?: { message?: string } }) => e);
    expect((direct as { cause?: { message?: string } }).cause?.message).toBe('Ce programme ne partage le diagnostic avec aucun partenaire.');
    expect(sujetsDuDossier(loiret).some((s) => s.startsWith('Diagnostic partagé'))).toBe(false);
  });

  it('Déclic : l’accord recueilli avant la fin du diagnostic, le diagnostic part au bailleur dès qu’il est terminé', async () => {
    const coord = await connecter('coord.essai');
    const ts = await connecter('ts.alice');
    const r = await essai.api.appel('POST', '/api/parcours', {
      jeton: coord,
      corps: {
        programmeId: 'toulouse-declic',
        travailleurSocial: 'ts.alice',
        menage: { ...menageEssai(), nom: 'Mme Josiane Lefébure' },
        donnees: { situation: situationPrevention() },
      },
    });
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    await jusqua(essai.banc.env.client.workflow.getHandle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    const appel = (chemin: string, corps: object) => essai.api.appel('POST', `/api/parcours/${id}/${chemin}`, { jeton: ts, corps });
    expect((await appel('messages/tentative-contact', { requestId: requete(), canal: 'telephone', creneau: 'soir', issue: 'joint' })).status).toBe(200);
    expect((await appel('consentement-partage', { portee: ['conseillere_sociale_bailleur'] })).status).toBe(201);
    const entretien = { requestId: requete(), origineDette: DIAGNOSTIC, droits: 'x', budget: 'y', adequationLogement: 'z', notes: NOTE_SECRETE };
    expect((await appel('messages/diagnostic', { ...entretien, termine: false })).status).toBe(200);
    // Un entretien ne suffit pas : rien ne part tant que le diagnostic n'est pas terminé.
    const etat = await jusqua(
      essai.banc.env.client.workflow.getHandle(id),
      (e) => e.journal.filter((x) => x.type === 'diagnostic').length === 1,
      'premier entretien',
    );
    expect(etat.journal.some((x) => x.type === 'accord_partage_diagnostic')).toBe(true);
    expect(sujetsDuDossier(id).some((s) => s.startsWith('Diagnostic partagé'))).toBe(false);
    expect(
      (await appel('messages/diagnostic', { ...entretien, requestId: requete(), termine: true, carnetDeRoute: ['Déposer la demande d’aide au FSL'] })).status,
    ).toBe(200);
    const recu = await diagnosticRecu(id);
    expect(recu.courriel.texte).toContain('Conseillère sociale du bailleur.');
    expect(recu.fiche).toContain('Version pour : Conseillère sociale du bailleur.');
    expect(recu.fiche).toContain(DIAGNOSTIC);
    expect(recu.fiche).not.toContain('SECRET-7731');
  });

  it('la page du parcours : diagnostic, carnet, plan et notes pour la coordination et le travailleur social affecté, chaque lecture tracée ; pas pour un autre', async () => {
    const id = await jusquAuCarnet('toulouse-declic');
    await jusqua(essai.banc.env.client.workflow.getHandle(id), (e) => e.etape === 'plan_aide', 'étape « plan_aide »');
    const plan = await essai.api.appel('POST', `/api/parcours/${id}/messages/plan-aide`, {
      jeton: await connecter('ts.alice'),
      corps: {
        requestId: requete(),
        actions: ['plan_apurement', 'fsl'],
        orientations: ['conseillere_sociale_bailleur'],
        planApurement: { mensualite: 45.5, dureeMois: 18 },
      },
    });
    expect(plan.status, plan.texte).toBe(200);
    const db = (await baseEssai()).db;
    const registre = new RegistreDossiers(db, COFFRE);
    const lectures = async () => (await registre.consultations(id)).filter((c) => c.objet === LECTURE_SUIVI_CONFIDENTIEL).map((c) => c.personneId);

    const bruno = await essai.api.appel('GET', `/parcours/${id}`, { entetes: { cookie: await cookieDe('ts.bruno') } });
    expect(bruno.status).toBe(403);
    expect(bruno.texte).not.toContain(DIAGNOSTIC);
    expect(bruno.texte).not.toContain('SECRET-7731');
    expect(await lectures()).toEqual([]);

    for (const qui of ['ts.alice', 'coord.essai']) {
      const page = await essai.api.appel('GET', `/parcours/${id}`, { entetes: { cookie: await cookieDe(qui) } });
      expect(page.status, qui).toBe(200);
      for (const t of [
        'Diagnostic, carnet de route, plan et notes',
        DIAGNOSTIC,
        'Notes de l’entretien',
        'SECRET-7731',
        'Carnet de route',
        'Déposer la demande d’aide au FSL',
        'Plan d’aide',
        'Notes des tentatives de contact',
        'Joint après trois appels',
        'Étude conjointe',
        'Partage du diagnostic avec le bailleur',
        'Aucun accord du ménage enregistré',
      ]) {
        expect(page.texte, `${qui} : ${t}`).toContain(t);
      }
    }
    expect((await essai.api.appel('GET', `/parcours/${id}`, { entetes: { cookie: await cookieDe('ts.alice') } })).texte).toMatch(
      /<dt>Plan d’apurement<\/dt><dd>45,50\s€ par mois pendant 18 mois/,
    );
    expect((await lectures()).sort()).toEqual(['coord.essai', 'ts.alice', 'ts.alice']);
    const trace = (await registre.consultations(id)).find((c) => c.objet === LECTURE_SUIVI_CONFIDENTIEL)!;
    expect(trace.le).toBeInstanceOf(Date);

    // L'accord recueilli depuis la page (formulaire) : la page le dit, et propose la version avec le diagnostic.
    const cookie = await cookieDe('ts.alice');
    const formulaire = await essai.api.appel('GET', `/parcours/${id}`, { entetes: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(formulaire.texte)![1]!;
    const envoi = await essai.api.appel('POST', `/parcours/${id}/consentement-partage`, {
      entetes: { cookie },
      formulaire: { csrf, portee: 'conseillere_sociale_bailleur' },
    });
    expect(envoi.status, envoi.texte.slice(0, 500)).toBe(303);
    const apres = await essai.api.appel('GET', `/parcours/${id}`, { entetes: { cookie } });
    expect(apres.texte).toContain('Accord du ménage en vigueur pour : Conseillère sociale du bailleur (recueilli par Alice Travailleuse le');
    expect(apres.texte).toContain('version avec le diagnostic pour : Conseillère sociale du bailleur');
    expect(apres.texte).not.toContain('version avec le diagnostic pour : Pôle recouvrement du bailleur');
  });
});
