/**
 * Rejeu : les historiques enregistrés (test/historiques/*.json) doivent se rejouer sur le code
 * actuel des workflows. Un changement qui casserait les parcours en cours (des mois de vie) doit
 * passer par patched(). Pour enregistrer un nouvel historique de référence :
 * `ENREGISTRER_HISTORIQUES=1 npx vitest run test/rejeu.test.ts` (les anciens restent).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { etatQuery, repondreValidationUpdate } from '../domain/messages';
import { cloturerUpdate, diagnosticUpdate, planAideUpdate, tentativeContactUpdate } from '../domain/prevention';
import { bilanMesureUpdate, fileImlQuery, idFileIml, logementUpdate, loyerUpdate, rendezVousUpdate } from '../domain/iml';
import { CATALOGUE, DATA_CONVERTER, avancer, menageEssai, monterBanc, paquetWorkflows, repos, requete, terminer } from './outils/environnement';

const dossier = fileURLToPath(new URL('./historiques/', import.meta.url));

async function attendreEtape(handle: { query: Function }, etape: string) {
  for (let i = 0; i < 300; i++) {
    if ((await handle.query(etatQuery)).etape === etape) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`étape ${etape} jamais atteinte`);
}

describe.runIf(process.env.ENREGISTRER_HISTORIQUES === '1')('enregistrement', () => {
  it('enregistre un parcours loiret-ahu de l’orientation à la clôture', async () => {
    const banc = await monterBanc();
    try {
      const menage = menageEssai('REJEU-1');
      const maintenant = await banc.env.currentTimeMs();
      const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId: `loiret-ahu--${menage.reference}`,
        args: [{ programme: CATALOGUE.trouver('loiret-ahu')!, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: { impayesMois: 3, montantDette: 1200, debutBail: new Date(maintenant - 60 * 86_400_000).toISOString().slice(0, 10), garantie: 'aucune', dejaTente: '', contactBailleur: false, suiviParServiceSocial: false } }],
      });
      const m = <T extends object>(x: T) => ({ requestId: requete(), par: 'ts.alice', ...x });
      await attendreEtape(handle, 'aller_vers');
      await handle.executeUpdate(tentativeContactUpdate, { args: [m({ canal: 'telephone' as const, creneau: 'soir' as const, issue: 'joint' as const })] });
      await attendreEtape(handle, 'diagnostic');
      await handle.executeUpdate(diagnosticUpdate, { args: [m({ origineDette: 'x', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })] });
      await attendreEtape(handle, 'plan_aide');
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['fsl' as const], orientations: [] })] });
      await attendreEtape(handle, 'suivi');
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'situation_stabilisee' as const })] });
      await handle.result();
      const h = temporal.api.history.v1.History.fromObject(await handle.fetchHistory());
      const objet = temporal.api.history.v1.History.toObject(h, { longs: String, enums: String, bytes: String, defaults: false });
      // v1 : avant l’accusé d’orientation au bailleur (patched) ; v2 : avant les fiches d’indicateurs (patched('fiche-indicateurs')).
      writeFileSync(`${dossier}prevention-loiret-v3.json`, JSON.stringify(objet));
    } finally {
      await banc.fermer();
    }
  });
});

function ecrireHistorique(fichier: string, historique: unknown) {
  const h = temporal.api.history.v1.History.fromObject(historique as never);
  const objet = temporal.api.history.v1.History.toObject(h, { longs: String, enums: String, bytes: String, defaults: false });
  writeFileSync(`${dossier}${fichier}`, JSON.stringify(objet));
}

// `ENREGISTRER_HISTORIQUES=iml` n'enregistre que les historiques IML (mesure et file du programme).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === '1' || process.env.ENREGISTRER_HISTORIQUES === 'iml')('enregistrement IML', () => {
  it('enregistre une mesure concarneau-iml (SIAO, place, logement, loyer, bilan à 6 mois, glissement anticipé) et la file du programme', async () => {
    const banc = await monterBanc();
    try {
      const programme = CATALOGUE.trouver('concarneau-iml')!;
      const menage = menageEssai('REJEU-IML-1');
      const handle = await banc.env.client.workflow.start('imlBailGlissant', {
        taskQueue: banc.taskQueue,
        workflowId: `concarneau-iml--${menage.reference}`,
        args: [{ programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', candidature: { structure: 'alt', pretASortir: true, budgetTravaille: true, typologieRecherchee: 'T1bis' } }],
      });
      const m = <T extends object>(x: T) => ({ requestId: requete(), par: 'ts.alice', ...x });
      for (let i = 0; i < 300 && !(await handle.query(etatQuery)).demandes.length; i++) await new Promise((r) => setTimeout(r, 50));
      const demande = (await handle.query(etatQuery)).demandes[0]!;
      await handle.executeUpdate(repondreValidationUpdate, { args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision: 'approuve' }] });
      await attendreEtape(handle, 'recherche_logement');
      const debut = new Date(await banc.env.currentTimeMs()).toISOString().slice(0, 10);
      await handle.executeUpdate(logementUpdate, {
        args: [m({ bailleur: { type: 'public' as const, nom: 'Finistère Habitat', conventionne: true }, adresse: '1 rue du Port, 29900 Concarneau', typologie: 'T1bis' as const, debutBailPrincipal: debut, debutSousLocation: debut })],
      });
      await attendreEtape(handle, 'sous_location');
      await handle.executeUpdate(rendezVousUpdate, { args: [m({ nature: 'visite_domicile' as const, axes: ['budget' as const] })] });
      await handle.executeUpdate(loyerUpdate, { args: [m({ mois: debut.slice(0, 7), statut: 'paye' as const })] });
      await avancer(banc, handle, '184 days');
      await attendreEtape(handle, 'bilan_mesure');
      await handle.executeUpdate(bilanMesureUpdate, { args: [m({ paiementLoyer: 'regulier' as const, situation: 'stable' as const, bailleurPresent: true, menagePresent: true, decision: 'glissement' as const })] });
      // Pas de handle.result() : il libère le saut de temps, et la file (sans minuteur) serait
      // emportée jusqu'à son délai d'exécution par défaut sur le serveur de test.
      for (let i = 0; i < 300 && (await handle.describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 50));
      ecrireHistorique('iml-concarneau-v2.json', await handle.fetchHistory()); // v1 : avant les fiches d’indicateurs
      const file = banc.env.client.workflow.getHandle(idFileIml(programme.id));
      for (let i = 0; i < 300 && (await file.query(fileImlQuery)).compteurs.liberees < 1; i++) await new Promise((r) => setTimeout(r, 50));
      await repos(file);
      ecrireHistorique('file-iml-concarneau-v2.json', await file.fetchHistory());
      await terminer(file);
    } finally {
      await banc.fermer();
    }
  });
});

describe('rejeu des historiques enregistrés', () => {
  const fichiers = existsSync(dossier) ? readdirSync(dossier).filter((f) => f.endsWith('.json')) : [];
  it('il y a au moins un historique de référence', () => {
    expect(fichiers.length).toBeGreaterThan(0);
  });
  for (const f of fichiers) {
    it(`${f} se rejoue sans non-déterminisme`, async () => {
      const historique = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(`${dossier}${f}`, 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: await paquetWorkflows(), dataConverter: DATA_CONVERTER }, historique, f);
    });
  }
});
