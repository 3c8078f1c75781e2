/**
 * Rejeu : les historiques enregistrés (test/historiques/*.json) doivent se rejouer sur le code
 * actuel des workflows. Un changement qui casserait les parcours en cours (des mois de vie) doit
 * passer par patched(). Pour enregistrer un nouvel historique de référence :
 * `ENREGISTRER_HISTORIQUES=1 npx vitest run test/rejeu.test.ts` (les anciens restent ; changer
 * d'abord le numéro de version du fichier écrit).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Programme } from '../domain/vocabulaire';
import type { RenvoiSms } from '../activities/sms';
import { startSmsCatcher } from '../dev/sms-catcher';
import { Consentements, fournisseurHttp } from '../sms';
import { DOSSIER_HISTORIQUES, ecrireHistorique, enObjet, enregistrementDemande, enregistrerALaFin, patchsNotes } from './outils/historiques';
import { affecterUpdate, cloreAnticipeUpdate, envoyerDocumentAuMenageUpdate, etatQuery, repondreValidationUpdate } from '../domain/messages';
import { accordPartageDiagnosticUpdate } from '../domain/partage';
import {
  bilanUpdate,
  cloturerUpdate,
  diagnosticUpdate,
  passageDroitCommunUpdate,
  planAideUpdate,
  rechuteEquipeUpdate,
  suiteSansReponseDepartementUpdate,
  tentativeContactUpdate,
  type TentativeContact,
} from '../domain/prevention';
import { bilanMesureUpdate, fileImlQuery, finMesureUpdate, idFileIml, logementUpdate, loyerUpdate, rendezVousUpdate } from '../domain/iml';
import { avenantUpdate, cloturerProtocoleUpdate, orientationUpdate, paiementUpdate, ruptureUpdate, signatureProtocoleUpdate } from '../domain/protocole';
import { ajouterDuree, jourDeParis, retirerDuree } from '../domain/durees';
import {
  CATALOGUE,
  DATA_CONVERTER,
  apres,
  avancerJusqua,
  COFFRE,
  echeanceSuivie,
  EN_JOURNEE,
  lancerAvance,
  heureDuParcours,
  jusqua,
  menageEssai,
  monterBanc,
  paquetWorkflows,
  repos,
  requete,
  situationPrevention,
  type Banc,
  passerLeComite,
  planValideParLeReferent,
  rappelAttendu,
  demarrerLe,
  prochain,
  jusquALAlerte,
  jusquALEscalade,
  jusquALaDemandeDeBilan,
  prochainesVingtHeures,
} from './outils/environnement';
import { signatureDu } from './outils/protocole';

const etape = (handle: WorkflowHandle, nom: string) => jusqua(handle, (e) => e.etape === nom, `étape « ${nom} »`);
/** Un message de l'équipe (ts.alice par défaut), avec son identifiant de requête. */
const m = <T extends object>(x: T, par = 'ts.alice') => ({ requestId: requete(), par, ...x });
/** La fin d'un protocole enregistré : le bailleur reprend le logement (rupture), le ménage est orienté en résidence sociale, clôture. */
async function rompreOrienterClore(handle: WorkflowHandle): Promise<void> {
  await handle.executeUpdate(ruptureUpdate, { args: [m({ motif: 'Le bailleur reprend le logement' }, 'coord.essai')] });
  await handle.executeUpdate(orientationUpdate, { args: [m({ dispositif: 'residence_sociale' as const })] });
  await handle.executeUpdate(cloturerProtocoleUpdate, { args: [m({ issue: 'orientation_hebergement' as const })] });
}
/** Un banc (serveur Temporal, worker, base, boîte de réception) le temps d'un enregistrement, fermé ensuite quoi qu'il arrive. */
async function avecBanc(enregistrement: (banc: Banc) => Promise<void>): Promise<void> {
  const banc = await monterBanc();
  try {
    await enregistrement(banc);
  } finally {
    await banc.fermer();
  }
}
/** Le ménage joint : une tentative de contact qui aboutit, par ce canal et à ce créneau. */
const joindre = (handle: WorkflowHandle, canal: TentativeContact['canal'], creneau: NonNullable<TentativeContact['creneau']>) =>
  handle.executeUpdate(tentativeContactUpdate, { args: [m({ canal, creneau, issue: 'joint' as const })] });
/** Un diagnostic terminé, conclu par son carnet de route (une démarche : FSL). */
const diagnostiquer = (handle: WorkflowHandle) =>
  handle.executeUpdate(diagnosticUpdate, {
    args: [m({ origineDette: 'x', droits: '', budget: '', adequationLogement: '', termine: true, carnetDeRoute: ['FSL'] })],
  });

/** Un protocole de reims-april-protocole (ou de `programme`) pour `menage`, le bail résilié il y a `jours` jours, suivi par ts.alice. */
const lancerProtocole = (banc: Banc, menage: ReturnType<typeof menageEssai>, programme: Programme, jours: number) =>
  banc.env.client.workflow.start('protocolePostResiliation', {
    taskQueue: banc.taskQueue,
    workflowId: `reims-april-protocole--${menage.reference}`,
    args: [
      {
        programme,
        menage,
        coordinateur: 'coord.essai',
        travailleurSocial: 'ts.alice',
        resiliation: { jugementDu: jourDeParis(new Date(Date.now() - jours * 86_400_000)), detteLocative: 2400 },
      },
    ],
  });

describe.runIf(process.env.ENREGISTRER_HISTORIQUES === '1')('enregistrement', () => {
  it('enregistre un parcours loiret-ahu de l’orientation à la clôture', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('loiret-ahu')!;
      const menage = menageEssai('REJEU-1');
      const lacher = banc.retenirCourriels((objet) => objet.startsWith('Orientation reçue') && objet.includes(menage.reference));
      const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId: `loiret-ahu--${menage.reference}`,
        // Le parcours démarre à l'heure réelle : le bail a commencé 60 jours avant.
        args: [
          {
            programme,
            menage,
            coordinateur: 'coord.essai',
            travailleurSocial: 'ts.alice',
            situation: {
              impayesMois: 3,
              montantDette: 1200,
              debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
              garantie: 'aucune',
              dejaTente: '',
              contactBailleur: false,
              suiviParServiceSocial: false,
            },
          },
        ],
      });
      // Une première tentative pendant la lettre d'information (courriel au bailleur retenu).
      try {
        await etape(handle, 'information_menage');
        await handle.executeUpdate(tentativeContactUpdate, {
          args: [m({ canal: 'courrier' as const, creneau: 'matin' as const, issue: 'injoignable' as const })],
        });
      } finally {
        lacher();
      }
      await etape(handle, 'aller_vers');
      // Le temps passe jusqu'au rappel du premier contact ; le contact est noté avant son délai.
      const contact = await echeanceSuivie(handle, 'contact');
      await avancerJusqua(banc, handle, apres(retirerDuree(new Date(contact.due), programme.delais.rappelAvant!)));
      await jusqua(handle, (e) => e.journal.some((x) => x.type === 'rappel'), 'rappel du premier contact');
      await joindre(handle, 'telephone', 'soir');
      await etape(handle, 'diagnostic');
      await diagnostiquer(handle);
      await etape(handle, 'plan_aide');
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['fsl' as const], orientations: [] })] });
      await etape(handle, 'suivi');
      await repos(handle);
      // La clôture arrive avant le premier bilan : son minuteur est annulé.
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'situation_stabilisee' as const })] });
      await handle.result();
      const historique = enObjet(await handle.fetchHistory());
      const types = (historique.events ?? []).map((e) => String(e.eventType));
      expect(types).toContain('EVENT_TYPE_TIMER_FIRED');
      expect(types).toContain('EVENT_TYPE_TIMER_CANCELED');
      expect(patchsNotes(historique)).toEqual(
        expect.arrayContaining([
          'minuteurs-annules',
          'dossier-en-activite-locale',
          'plan-dans-le-message',
          'contact-pendant-la-lettre',
          'suivi-depuis-le-plan',
          'courriels-ensemble',
        ]),
      );
      // v1 : avant l’accusé d’orientation au bailleur (patched) ; v2 : avant les fiches d’indicateurs
      // (patched('fiche-indicateurs')) ; v3 : avant l’annulation des minuteurs (patched('minuteurs-annules')) ;
      // v4 : avant les dossiers du système d’enregistrement (patched('dossier-consigne')) ; v5 : le
      // dossier consigné par une activité ordinaire (avant patched('dossier-en-activite-locale')) ; v6 :
      // le plan mis dans l'état par le déroulé seulement (avant patched('plan-dans-le-message')) ; v7 :
      // aucune tentative pendant la lettre (avant patched('contact-pendant-la-lettre')), suivi compté
      // depuis la fin des courriels aux partenaires (avant patched('suivi-depuis-le-plan')) ; v8 : les
      // courriels d'une étape un à un (avant patched('courriels-ensemble')).
      writeFileSync(`${DOSSIER_HISTORIQUES}prevention-loiret-v9.json`, JSON.stringify(historique));
    });
  });
});

// `ENREGISTRER_HISTORIQUES=cloture` : une clôture anticipée pendant une demande de validation.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'cloture')('enregistrement de la clôture pendant une validation', () => {
  it('enregistre un parcours besancon-ccas clos par la coordination pendant la validation du département', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('besancon-ccas')!;
      const menage = menageEssai('REJEU-CLOT');
      const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId: `besancon-ccas--${menage.reference}`,
        args: [
          {
            programme,
            menage,
            coordinateur: 'coord.essai',
            travailleurSocial: 'ts.alice',
            situation: {
              impayesMois: 3,
              montantDette: 1200,
              debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
              garantie: 'aucune',
              dejaTente: '',
              contactBailleur: false,
              suiviParServiceSocial: false,
            },
          },
        ],
      });
      await etape(handle, 'aller_vers');
      await joindre(handle, 'visite_domicile', 'matin');
      await etape(handle, 'diagnostic');
      await diagnostiquer(handle);
      await etape(handle, 'plan_aide');
      await handle.executeUpdate(planAideUpdate, {
        args: [m({ actions: ['plan_apurement' as const], orientations: ['asll' as const], planApurement: { mensualite: 40, dureeMois: 20 } })],
      });
      await etape(handle, 'validation_departement');
      await jusqua(handle, (e) => e.demandes.some((d) => d.statut === 'en_attente'), 'demande au département');
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Déménagement' }] });
      await enregistrerALaFin(handle, 'prevention-cloture-en-validation-v1.json', ['cloture-pendant-validation', 'cloture-attendue']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=designation` : un ménage désigné par la commission impayés, les délais depuis la désignation.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'designation')('enregistrement d’un ménage désigné par la commission', () => {
  it('enregistre un parcours besancon-ccas désigné 10 jours avant son lancement, jusqu’à la première visite dépassée puis le refus du ménage', async () => {
    await avecBanc(async (banc) => {
      // Le refus du ménage clôt ce parcours (enregistré avant l'option refusNeClotPas du preset).
      const programme = { ...CATALOGUE.trouver('besancon-ccas')!, options: { ...CATALOGUE.trouver('besancon-ccas')!.options, refusNeClotPas: false } };
      const menage = menageEssai('REJEU-DESIGNATION');
      const designeLe = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
      const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId: `besancon-ccas--${menage.reference}`,
        args: [
          {
            programme,
            menage,
            coordinateur: 'coord.essai',
            travailleurSocial: 'ts.alice',
            designeLe,
            situation: {
              impayesMois: 3,
              montantDette: 1200,
              debutBail: new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10),
              garantie: 'aucune',
              dejaTente: '',
              contactBailleur: false,
              suiviParServiceSocial: false,
            },
          },
        ],
      });
      await etape(handle, 'aller_vers');
      const visite = await echeanceSuivie(handle, 'premiere_visite');
      await avancerJusqua(banc, handle, apres(visite.due));
      await echeanceSuivie(handle, 'premiere_visite', 'depassee');
      await repos(handle);
      await handle.executeUpdate(tentativeContactUpdate, {
        args: [{ requestId: requete(), par: 'ts.alice', canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'refus' as const }],
      });
      await enregistrerALaFin(handle, 'prevention-designation-v1.json', ['delais-depuis-designation']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=etape-dans-le-message` : des messages envoyés sans pause, chacun faisant
// passer le parcours à l'étape suivante dans sa mise à jour (patched('etape-dans-le-message')), les
// courriels suivant dans le déroulé ; un parcours de chaque type, jusqu'à sa clôture.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'etape-dans-le-message')('enregistrement des étapes prises par les messages', () => {
  const ecrire = async (handle: WorkflowHandle, fichier: string) => {
    await enregistrerALaFin(handle, fichier, ['etape-dans-le-message']);
  };

  it('enregistre un parcours loiret-ahu : contact, diagnostic, plan d’aide, passage au droit commun et clôture, sans pause', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('loiret-ahu')!;
      const menage = menageEssai('REJEU-ENCHAINE');
      const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId: `loiret-ahu--${menage.reference}`,
        args: [
          {
            programme,
            menage,
            coordinateur: 'coord.essai',
            travailleurSocial: 'ts.alice',
            situation: {
              impayesMois: 3,
              montantDette: 1200,
              debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
              garantie: 'aucune',
              dejaTente: '',
              contactBailleur: false,
              suiviParServiceSocial: false,
            },
          },
        ],
      });
      await etape(handle, 'aller_vers');
      expect(await joindre(handle, 'telephone', 'soir')).toMatchObject({ etape: 'diagnostic' });
      expect(await diagnostiquer(handle)).toMatchObject({ etape: 'plan_aide' });
      expect(await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['fsl' as const], orientations: [] })] })).toMatchObject({ etape: 'suivi' });
      expect(
        await handle.executeUpdate(passageDroitCommunUpdate, { args: [m({ service: 'Maison du Département', entretienTripartite: false })] }),
      ).toMatchObject({ etape: 'passage_droit_commun' });
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'orientation_droit_commun' as const })] });
      await ecrire(handle, 'prevention-etape-dans-le-message-v1.json');
    });
  });

  it('enregistre une mesure concarneau-iml : logement, loyer, visite, fin de mesure, sans pause', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('concarneau-iml')!;
      const handle = await lancerMesureIml(banc, programme, 'REJEU-IML-ENCHAINE');
      await approuverSiao(handle);
      await etape(handle, 'recherche_logement');
      const jour = jourDeParis(await heureDuParcours(handle));
      const logement = {
        bailleur: { type: 'public' as const, nom: 'Finistère Habitat', conventionne: true },
        adresse: '1 rue du Port, 29900 Concarneau',
        typologie: 'T1bis' as const,
        debutBailPrincipal: jour,
        debutSousLocation: jour,
      };
      expect(await handle.executeUpdate(logementUpdate, { args: [m(logement)] })).toMatchObject({ etape: 'sous_location' });
      await handle.executeUpdate(loyerUpdate, { args: [m({ mois: jour.slice(0, 7), statut: 'paye' as const })] });
      await handle.executeUpdate(rendezVousUpdate, { args: [m({ nature: 'visite_domicile' as const, axes: ['budget' as const] })] });
      await handle.executeUpdate(finMesureUpdate, { args: [m({ issue: 'depart_du_logement' as const, motif: 'Départ du logement' })] });
      await ecrire(handle, 'iml-etape-dans-le-message-v1.json');
    });
  });

  it('enregistre un protocole reims-april-protocole : signature, paiement, rupture, orientation, clôture, sans pause', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('reims-april-protocole')!;
      const menage = menageEssai('REJEU-PROTOCOLE-ENCHAINE');
      const handle = await lancerProtocole(banc, menage, programme, 40);
      await etape(handle, 'signature_protocole');
      const jour = jourDeParis(await heureDuParcours(handle));
      expect(await handle.executeUpdate(signatureProtocoleUpdate, { args: [m(signatureDu(jour))] })).toMatchObject({ etape: 'suivi_protocole' });
      await handle.executeUpdate(paiementUpdate, { args: [m({ mois: jour.slice(0, 7), statut: 'paye' as const })] });
      expect(await handle.executeUpdate(ruptureUpdate, { args: [m({ motif: 'Le bailleur reprend le logement' }, 'coord.essai')] })).toMatchObject({
        etape: 'rupture',
      });
      await handle.executeUpdate(orientationUpdate, { args: [m({ dispositif: 'residence_sociale' as const })] });
      await handle.executeUpdate(cloturerProtocoleUpdate, { args: [m({ issue: 'orientation_hebergement' as const })] });
      await ecrire(handle, 'protocole-etape-dans-le-message-v1.json');
    });
  });
});

// `ENREGISTRER_HISTORIQUES=suivi-sans-blocage` : un point de suivi manqué qui ne fige pas la suite
// (patched('suivi-sans-blocage')), les rappels lus dans les délais du programme
// (patched('rappels-du-programme')), un refus qui n'est qu'une tentative (patched('refus-ne-clot-pas'))
// et le passage au droit commun qui annule les points encore dus (patched('bilans-annules-au-passage')) ;
// un suivi sans durée fixée qui continue, un point par mois (patched('points-de-suivi-continus')) ;
// l'ASLL sans réponse du département, relancée par la coordination (patched('departement-sans-reponse')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'suivi-sans-blocage')('enregistrement du suivi sans blocage et du refus-tentative', () => {
  const situation = {
    impayesMois: 3,
    montantDette: 1200,
    debutBail: new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
    garantie: 'aucune',
    dejaTente: '',
    contactBailleur: false,
    suiviParServiceSocial: false,
    stadeProcedure: 'commandement_de_payer',
    isole: true,
  };

  /** Un parcours toulouse-declic lancé, contact établi et diagnostic fait : il attend son plan d'aide. */
  async function jusquAuPlanDeclic(banc: Banc, reference: string) {
    const programme = CATALOGUE.trouver('toulouse-declic')!;
    const menage = menageEssai(reference);
    const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `toulouse-declic--${menage.reference}`,
      args: [{ programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation }],
    });
    await etape(handle, 'aller_vers');
    await joindre(handle, 'telephone', 'soir');
    await etape(handle, 'diagnostic');
    await diagnostiquer(handle);
    await etape(handle, 'plan_aide');
    return { programme, handle };
  }

  it('enregistre un parcours toulouse-declic : point à 1 mois manqué, point à 2 mois ouvert, saisies en retard, clôture', async () => {
    await avecBanc(async (banc) => {
      const { programme, handle } = await jusquAuPlanDeclic(banc, 'REJEU-SUIVI');
      const plan = await echeanceSuivie(handle, 'plan_aide');
      await avancerJusqua(banc, handle, apres(retirerDuree(new Date(plan.due), programme.delais.rappelAvant!)));
      await jusqua(handle, (e) => e.journal.some((x) => x.type === 'rappel'), 'rappel du plan d’aide');
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const], orientations: [] })] });
      await planValideParLeReferent(handle);
      await etape(handle, 'suivi');
      const debutSuivi = await heureDuParcours(handle);
      await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P2M')));
      await echeanceSuivie(handle, 'bilan:P2M');
      await echeanceSuivie(handle, 'bilan:P1M', 'depassee');
      await repos(handle);
      await handle.executeUpdate(bilanUpdate, { args: [m({ reprisePaiement: 'aucune' as const, planRespecte: false, demarches: [] })] });
      await handle.executeUpdate(bilanUpdate, { args: [m({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: [] })] });
      await jusqua(handle, (e) => e.echeances.filter((x) => x.id.startsWith('bilan:') && x.statut === 'tenue').length === 2, 'deux points tenus');
      await repos(handle);
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      // v1 : les points tenus par le déroulé seulement (avant patched('bilan-tenu-dans-le-message')) ;
      // v2 : le suivi compté depuis la fin des courriels aux partenaires (avant patched('suivi-depuis-le-plan')) ;
      // v3 : le plan sans validation du référent du bailleur (avant patched('plan-valide-avec-le-bailleur')).
      await enregistrerALaFin(handle, 'prevention-suivi-sans-blocage-v4.json', [
        'suivi-sans-blocage',
        'rappels-du-programme',
        'bilan-tenu-dans-le-message',
        'suivi-depuis-le-plan',
        'plan-valide-avec-le-bailleur',
      ]);
    });
  });

  it('enregistre un parcours toulouse-declic : passage au droit commun avec un point de suivi encore dû (annulé), clôture', async () => {
    await avecBanc(async (banc) => {
      const { handle } = await jusquAuPlanDeclic(banc, 'REJEU-PASSAGE');
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const], orientations: [] })] });
      // Refusé une fois par le référent du bailleur, revu, puis validé.
      await planValideParLeReferent(handle, 'refuse', 'Revoir la mensualité');
      await etape(handle, 'revision_plan');
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const, 'fsl' as const], orientations: [] })] });
      await planValideParLeReferent(handle);
      await etape(handle, 'suivi');
      await avancerJusqua(banc, handle, apres(ajouterDuree(await heureDuParcours(handle), 'P1M')));
      await echeanceSuivie(handle, 'bilan:P1M');
      await repos(handle);
      await handle.executeUpdate(passageDroitCommunUpdate, { args: [m({ service: 'Maison du Département', entretienTripartite: false })] });
      await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'bilan:P1M' && x.statut === 'annulee'), 'point de suivi annulé');
      await repos(handle);
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'orientation_droit_commun' as const })] });
      // v1 : le plan sans validation du référent du bailleur (avant patched('plan-valide-avec-le-bailleur')).
      await enregistrerALaFin(handle, 'prevention-passage-bilans-annules-v2.json', ['bilans-annules-au-passage', 'plan-valide-avec-le-bailleur']);
    });
  });

  // Le point à 1 mois qui s'ouvre à 20 h est demandé à 9 h du jour ouvré suivant (patched('bilans-aux-heures-ouvrees')) :
  // `ENREGISTRER_HISTORIQUES=suivi-sans-blocage npx vitest run test/rejeu.test.ts -t "bilans aux heures ouvrées"`.
  it('enregistre un parcours toulouse-declic : suivi commencé à 20 h, point à 1 mois demandé à 9 h (bilans aux heures ouvrées), saisi, clôture', async () => {
    await avecBanc(async (banc) => {
      const { handle } = await jusquAuPlanDeclic(banc, 'REJEU-BILAN-OUVRE');
      // Le suivi part de l'enregistrement du plan (patched('suivi-depuis-le-plan')) : à 20 h.
      await avancerJusqua(banc, handle, await prochainesVingtHeures(handle));
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const], orientations: [] })] });
      await planValideParLeReferent(handle);
      await etape(handle, 'suivi');
      const debutSuivi = new Date((await handle.query(etatQuery)).journal.filter((x) => x.type === 'plan_aide').at(-1)!.date);
      await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P1M')));
      await echeanceSuivie(handle, 'bilan:P1M');
      await jusquALaDemandeDeBilan(banc, handle, 'Point de suivi à 1 mois');
      await jusqua(handle, (e) => e.journal.some((x) => x.type === 'courriel' && x.resume.includes('Point de suivi à 1 mois à saisir')), 'demande du point');
      await repos(handle);
      await handle.executeUpdate(bilanUpdate, { args: [m({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: [] })] });
      await repos(handle);
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      await enregistrerALaFin(handle, 'prevention-bilans-aux-heures-ouvrees-v1.json', ['bilans-aux-heures-ouvrees']);
    });
  });

  it('enregistre un parcours toulouse-declic : points de suivi continus après le bilan à 6 mois, point à 7 mois saisi, clôture', async () => {
    await avecBanc(async (banc) => {
      const { handle } = await jusquAuPlanDeclic(banc, 'REJEU-CONTINU');
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const], orientations: [] })] });
      await planValideParLeReferent(handle);
      await etape(handle, 'suivi');
      const debutSuivi = await heureDuParcours(handle);
      await avancerJusqua(banc, handle, apres(ajouterDuree(debutSuivi, 'P7M')));
      await echeanceSuivie(handle, 'bilan:P7M');
      await repos(handle);
      for (let i = 0; i < 7; i++)
        await handle.executeUpdate(bilanUpdate, { args: [m({ reprisePaiement: 'totale' as const, planRespecte: true, demarches: [] })] });
      await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'bilan:P7M' && x.statut === 'tenue'), 'point à 7 mois tenu');
      await repos(handle);
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'situation_stabilisee' as const })] });
      await enregistrerALaFin(handle, 'prevention-points-continus-v1.json', ['points-de-suivi-continus', 'suivi-sans-blocage']);
    });
  });

  /** Un parcours besancon-ccas lancé, à l'« aller vers ». */
  async function lancerBesancon(banc: Banc, reference: string) {
    const menage = menageEssai(reference);
    const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `besancon-ccas--${menage.reference}`,
      args: [{ programme: CATALOGUE.trouver('besancon-ccas')!, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation }],
    });
    await etape(handle, 'aller_vers');
    return handle;
  }

  it('enregistre un parcours besancon-ccas : ASLL sans réponse du département, relancé par la coordination, validée, clôture', async () => {
    await avecBanc(async (banc) => {
      const handle = await lancerBesancon(banc, 'REJEU-SILENCE');
      await joindre(handle, 'visite_domicile', 'soir');
      await etape(handle, 'diagnostic');
      await diagnostiquer(handle);
      await etape(handle, 'plan_aide');
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['fsl' as const], orientations: ['asll' as const] })] });
      const demande = (await jusqua(handle, (e) => e.demandes.length === 1, 'demande au département')).demandes[0]!;
      await avancerJusqua(banc, handle, apres(new Date(demande.echeance)));
      await echeanceSuivie(handle, 'suite_departement');
      await repos(handle);
      await handle.executeUpdate(suiteSansReponseDepartementUpdate, { args: [{ requestId: requete(), par: 'coord.essai', suite: 'relancer' as const }] });
      const relance = (await jusqua(handle, (e) => e.demandes.length === 2, 'relance au département')).demandes[1]!;
      await repos(handle);
      await handle.executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:departement', demandeId: relance.id, role: 'departement', decision: 'approuve' }],
      });
      await etape(handle, 'suivi');
      await repos(handle);
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      await enregistrerALaFin(handle, 'prevention-departement-sans-reponse-v1.json', ['departement-sans-reponse']);
    });
  });

  it('enregistre un parcours besancon-ccas : refus du ménage noté comme une tentative, puis contact et clôture', async () => {
    await avecBanc(async (banc) => {
      const handle = await lancerBesancon(banc, 'REJEU-REFUS');
      await handle.executeUpdate(tentativeContactUpdate, {
        args: [m({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'refus' as const })],
      });
      await jusqua(handle, (e) => e.journal.some((x) => x.type === 'refus_tentative'), 'refus noté comme une tentative');
      await repos(handle);
      await joindre(handle, 'visite_domicile', 'soir');
      await etape(handle, 'diagnostic');
      await repos(handle);
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      await enregistrerALaFin(handle, 'prevention-refus-tentative-v1.json', ['refus-ne-clot-pas']);
    });
  });
});

/** Une mesure IML lancée pour l'enregistrement (candidature prête à sortir d'un logement temporaire). */
function lancerMesureIml(banc: Banc, programme: Programme, reference: string) {
  const menage = menageEssai(reference);
  return banc.env.client.workflow.start('imlBailGlissant', {
    taskQueue: banc.taskQueue,
    workflowId: `${programme.id}--${menage.reference}`,
    args: [
      {
        programme,
        menage,
        coordinateur: 'coord.essai',
        travailleurSocial: 'ts.alice',
        candidature: { structure: 'alt' as const, pretASortir: true, budgetTravaille: true, typologieRecherchee: 'T1bis' as const },
      },
    ],
  });
}

/** Le SIAO approuve la candidature (sa demande, la première du parcours). */
async function approuverSiao(handle: WorkflowHandle) {
  const demande = (await jusqua(handle, (e) => e.demandes.length > 0, 'demande au SIAO')).demandes[0]!;
  await handle.executeUpdate(repondreValidationUpdate, {
    args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision: 'approuve' }],
  });
}

// `ENREGISTRER_HISTORIQUES=iml` n'enregistre que les historiques IML (mesure et file du programme).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === '1' || process.env.ENREGISTRER_HISTORIQUES === 'iml')('enregistrement IML', () => {
  it('enregistre une mesure concarneau-iml (SIAO, place, logement, loyer, bilan à 6 mois, glissement anticipé) et la file du programme', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('concarneau-iml')!;
      const handle = await lancerMesureIml(banc, programme, 'REJEU-IML-1');
      await approuverSiao(handle);
      await etape(handle, 'recherche_logement');
      const debut = (await heureDuParcours(handle)).toISOString().slice(0, 10);
      await handle.executeUpdate(logementUpdate, {
        args: [
          m({
            bailleur: { type: 'public' as const, nom: 'Finistère Habitat', conventionne: true },
            adresse: '1 rue du Port, 29900 Concarneau',
            typologie: 'T1bis' as const,
            debutBailPrincipal: debut,
            debutSousLocation: debut,
          }),
        ],
      });
      const mesure = (await etape(handle, 'sous_location')).details.mesure as { debut: string };
      await handle.executeUpdate(rendezVousUpdate, { args: [m({ nature: 'visite_domicile' as const, axes: ['budget' as const] })] });
      await handle.executeUpdate(loyerUpdate, { args: [m({ mois: debut.slice(0, 7), statut: 'paye' as const })] });
      // Jusqu'au premier bilan de la mesure (P6M après le début de la sous-location).
      const premierBilan = [...programme.jalons.bilans!].sort((a, b) => ajouterDuree(new Date(0), a).getTime() - ajouterDuree(new Date(0), b).getTime())[0]!;
      await avancerJusqua(banc, handle, apres(ajouterDuree(new Date(mesure.debut), premierBilan)));
      await etape(handle, 'bilan_mesure');
      await handle.executeUpdate(bilanMesureUpdate, {
        args: [
          m({ paiementLoyer: 'regulier' as const, situation: 'stable' as const, bailleurPresent: true, menagePresent: true, decision: 'glissement' as const }),
        ],
      });
      await handle.result();
      // v1 : avant les fiches d’indicateurs ; v2 : avant l’annulation des minuteurs ; v3 : avant les
      // dossiers ; v4 : le dossier consigné par une activité ordinaire (avant l'activité locale) ;
      // v5 : la fiche-bilan faite par le déroulé (avant patched('bilan-dans-le-message')) ; v6 : le
      // glissement noté dans l'état par le déroulé (avant patched('glissement-dans-le-message')) ; v7 :
      // les courriels d'une étape un à un (avant patched('courriels-ensemble')) ; v8 : rien au ménage au
      // début de la mesure (avant patched('debut-de-mesure-au-menage')) ; v9 : le prochain bilan
      // consigné au message suivant seulement (avant patched('prochain-bilan-consigne')).
      const historiqueIml = await handle.fetchHistory();
      expect(patchsNotes(enObjet(historiqueIml))).toEqual(
        expect.arrayContaining([
          'dossier-en-activite-locale',
          'glissement-dans-le-message',
          'courriels-ensemble',
          'debut-de-mesure-au-menage',
          'prochain-bilan-consigne',
        ]),
      );
      ecrireHistorique('iml-concarneau-v10.json', historiqueIml);
      const file = banc.env.client.workflow.getHandle(idFileIml(programme.id));
      await vi.waitFor(
        async () => {
          const f = await file.query(fileImlQuery);
          if (f.compteurs.liberees < 1) throw new Error(`file IML : aucune place libérée (${JSON.stringify(f.compteurs)})`);
        },
        { timeout: 30_000, interval: 50 },
      );
      await repos(file);
      ecrireHistorique('file-iml-concarneau-v8.json', await file.fetchHistory());
    });
  });

  it('enregistre une mesure concarneau-iml dont le SIAO répond pendant l’envoi de sa demande (courriel lent), puis une clôture anticipée', async () => {
    await avecBanc(async (banc) => {
      const programme = { ...CATALOGUE.trouver('concarneau-iml')!, id: 'concarneau-iml-rejeu-envoi' };
      const lacher = banc.retenirCourriels((objet) => objet.startsWith('Validation d’une candidature'));
      const handle = await lancerMesureIml(banc, programme, 'REJEU-IML-ENVOI');
      await approuverSiao(handle);
      lacher();
      await etape(handle, 'recherche_logement');
      await repos(handle);
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Fin de l’essai' }] });
      await handle.result();
      const historique = await handle.fetchHistory();
      // L'échéance de la réponse suivie avant l'envoi (echeance-avant-envoi) ; v1 : d'avant, suivie après.
      expect(patchsNotes(enObjet(historique))).toContain('echeance-avant-envoi');
      ecrireHistorique('iml-reponse-pendant-envoi-v2.json', historique);
    });
  });
});

describe.runIf(process.env.ENREGISTRER_HISTORIQUES === '1')('enregistrement des tâches planifiées', () => {
  it('enregistre une relance des orientations (planification « relance-orientations »)', async () => {
    await avecBanc(async (banc) => {
      const handle = await banc.env.client.workflow.start('relanceOrientations', {
        taskQueue: banc.taskQueue,
        workflowId: `relance-orientations-rejeu-${Date.now()}`,
        args: [],
      });
      expect(await handle.result()).toEqual({ rappels: 0, delaisPasses: 0 });
      ecrireHistorique('relance-orientations-v1.json', await handle.fetchHistory());
    });
  });

  it('enregistre deux renvois de SMS : parti au retour du fournisseur, abandonné à son délai', async () => {
    const catcher = await startSmsCatcher({ port: 0, quiet: true });
    const banc = await monterBanc({ dependances: { sms: { coffre: COFFRE, fournisseur: fournisseurHttp({ url: catcher.url }), heure: EN_JOURNEE } } });
    try {
      const consentements = new Consentements(banc.dependances.base, COFFRE);
      await consentements.enregistrer('loiret-ahu--REJEU-SMS', { canal: 'sms', accorde: true, telephone: '06 12 34 56 78' }, 'coord.essai');
      const renvoi = async (cle: string, abandonApres?: string) => {
        const depart: RenvoiSms = {
          sms: { cle, workflowId: 'loiret-ahu--REJEU-SMS', modele: 'courriel', signature: 'Le CCAS' },
          ...(abandonApres ? { abandonApres } : {}),
        };
        return banc.env.client.workflow.start('renvoiSms', { taskQueue: banc.taskQueue, workflowId: `renvoi-sms:${cle}-${Date.now()}`, args: [depart] });
      };
      catcher.refuser(503);
      const parti = await renvoi('loiret-ahu--REJEU-SMS/lettre:sms');
      await vi.waitFor(
        async () => {
          const l = await banc.dependances.base.selectFrom('sms').select('tentatives').where('cle', '=', 'loiret-ahu--REJEU-SMS/lettre:sms').executeTakeFirst();
          expect(l?.tentatives).toBeGreaterThanOrEqual(2);
        },
        { timeout: 60_000, interval: 200 },
      );
      catcher.refuser(undefined);
      await lancerAvance(banc, parti, '15 minutes');
      expect(await parti.result()).toEqual({ envoye: true });
      ecrireHistorique('renvoi-sms-v1.json', await parti.fetchHistory());

      catcher.refuser(503);
      const abandonne = await renvoi('loiret-ahu--REJEU-SMS/relance:sms', 'PT1H');
      await lancerAvance(banc, abandonne, '2 hours');
      expect(await abandonne.result()).toEqual({ envoye: false, raison: 'abandonne' });
      ecrireHistorique('renvoi-sms-abandon-v1.json', await abandonne.fetchHistory());
    } finally {
      await banc.fermer();
      await catcher.close();
    }
  });
});

/**
 * Des parcours loiret-ahu jusqu'à l'aller vers (la lettre d'information passée), clos avant terme,
 * enregistrés sur un banc qui envoie les SMS ; le consentement de chaque ménage noté avant.
 */
async function enregistrerLettres(parcours: Array<[ReturnType<typeof menageEssai> & { accepteSms?: boolean }, string]>, patchs: string[]) {
  const catcher = await startSmsCatcher({ port: 0, quiet: true });
  const banc = await monterBanc({ dependances: { sms: { coffre: COFFRE, fournisseur: fournisseurHttp({ url: catcher.url }), heure: EN_JOURNEE } } });
  try {
    for (const [menage, fichier] of parcours) {
      const workflowId = `loiret-ahu--${menage.reference}`;
      await new Consentements(banc.dependances.base, COFFRE).enregistrer(
        workflowId,
        menage.accepteSms ? { canal: 'sms', accorde: true, telephone: menage.telephone } : { canal: 'courriel', accorde: true, courriel: menage.courriel },
        'coord.essai',
      );
      const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId,
        args: [
          { programme: CATALOGUE.trouver('loiret-ahu')!, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situationPrevention() },
        ],
      });
      const e = await etape(handle, 'aller_vers');
      expect(e.journal.some((j) => j.type === (menage.accepteSms ? 'sms' : 'courriel') && j.resume.includes('accompagnement vous est proposé'))).toBe(true);
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Déménagement' }] });
      await enregistrerALaFin(handle, fichier, patchs);
    }
  } finally {
    await banc.fermer();
    await catcher.close();
  }
}
const smsSeulement = (reference: string) => ({ ...menageEssai(reference), accepteCourriel: false, accepteSms: true });

// `ENREGISTRER_HISTORIQUES=accuse-et-lettre` : l'accusé au bailleur et la lettre au ménage en une seule
// activité (patched('accuse-et-lettre-ensemble')), par courriel ou annoncée par SMS. Avant elle,
// `prevention-lettre-par-sms-v1.json` : la lettre annoncée par SMS dans sa propre activité
// (patched('lettre-annoncee-par-sms')), enregistré de même par la version d'alors.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'accuse-et-lettre')('enregistrement de l’accusé et de la lettre ensemble', () => {
  it('enregistre deux parcours loiret-ahu, un ménage joignable par courriel et un qui n’accepte que les SMS, jusqu’à leur clôture avant terme', async () => {
    await enregistrerLettres(
      [
        [menageEssai('REJEU-ACCUSE-LETTRE'), 'prevention-accuse-et-lettre-v1.json'],
        [smsSeulement('REJEU-ACCUSE-SMS'), 'prevention-accuse-et-lettre-sms-v1.json'],
      ],
      ['accuse-et-lettre-ensemble', 'courriels-ensemble'],
    );
  });
});

// `ENREGISTRER_HISTORIQUES=menage-confie` : le travailleur social choisi au lancement apprend, dans
// l'activité de l'accusé et de la lettre, le ménage qui lui est confié et ses délais
// (patched('menage-confie-au-lancement')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'menage-confie')('enregistrement du ménage confié au lancement', () => {
  it('enregistre un parcours loiret-ahu lancé avec son travailleur social, jusqu’à sa clôture avant terme', async () => {
    await enregistrerLettres(
      [[menageEssai('REJEU-MENAGE-CONFIE'), 'prevention-menage-confie-v1.json']],
      ['menage-confie-au-lancement', 'accuse-et-lettre-ensemble'],
    );
  });
});

describe.runIf(process.env.ENREGISTRER_HISTORIQUES === '1')('enregistrement des avis de non-remise', () => {
  it('enregistre un avis de non-remise : la coordination avertie', async () => {
    await avecBanc(async (banc) => {
      const cle = `loiret-ahu--REJEU-RETOUR-${Date.now()}/lettre`;
      await banc.dependances.base
        .insertInto('courriels')
        .values({
          cle,
          message_id: `<${Date.now()}@rejeu>`,
          destinataire: 'menage',
          programme_id: 'loiret-ahu',
          envoye_le: new Date(),
          non_remis_le: new Date(),
          non_remis_statut: '5.1.1',
        })
        .execute();
      const handle = await banc.env.client.workflow.start('avisNonRemise', { taskQueue: banc.taskQueue, workflowId: `non-remis:${cle}`, args: [{ cle }] });
      expect(await handle.result()).toBe('alerte');
      ecrireHistorique('avis-non-remise-v1.json', await handle.fetchHistory());
    });
  });
});

// `ENREGISTRER_HISTORIQUES=sms-de-nuit` : un SMS venu la nuit, que son workflow de renvoi garde jusqu'à 8 h.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'sms-de-nuit')('enregistrement d’un SMS de nuit', () => {
  it('enregistre un renvoi qui attend 8 h, puis part', async () => {
    const catcher = await startSmsCatcher({ port: 0, quiet: true });
    const banc = await monterBanc({ dependances: { sms: { coffre: COFFRE, fournisseur: fournisseurHttp({ url: catcher.url }), heure: EN_JOURNEE } } });
    try {
      await new Consentements(banc.dependances.base, COFFRE).enregistrer(
        'loiret-ahu--REJEU-NUIT',
        { canal: 'sms', accorde: true, telephone: '06 12 34 56 79' },
        'coord.essai',
      );
      const depart: RenvoiSms = {
        sms: { cle: 'loiret-ahu--REJEU-NUIT/lettre:sms', workflowId: 'loiret-ahu--REJEU-NUIT', modele: 'courriel', signature: 'Le CCAS' },
        pasAvant: new Date(Date.now() + 9 * 3_600_000).toISOString(),
      };
      const handle = await banc.env.client.workflow.start('renvoiSms', {
        taskQueue: banc.taskQueue,
        workflowId: `renvoi-sms:${depart.sms.cle}`,
        args: [depart],
      });
      await lancerAvance(banc, handle, '10 hours');
      expect(await handle.result()).toEqual({ envoye: true });
      expect(catcher.messages()).toHaveLength(1);
      ecrireHistorique('renvoi-sms-de-nuit-v1.json', await handle.fetchHistory());
    } finally {
      await banc.fermer();
      await catcher.close();
    }
  });
});

describe('rejeu des historiques enregistrés', () => {
  const fichiers = existsSync(DOSSIER_HISTORIQUES) ? readdirSync(DOSSIER_HISTORIQUES).filter((f) => f.endsWith('.json')) : [];
  it('il y a au moins un historique de référence', () => {
    expect(fichiers.length).toBeGreaterThan(0);
  });
  // Un seul worker de rejeu pour tous les historiques (un par historique coûtait son démarrage à chacun) ;
  // chaque historique garde son essai, qui lit son résultat.
  let resultats: Promise<Map<string, Error | undefined>> | undefined;
  const rejouerTous = () =>
    (resultats ??= (async () => {
      const histoires = fichiers.map((f) => ({
        workflowId: f,
        history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(`${DOSSIER_HISTORIQUES}${f}`, 'utf8'))),
      }));
      const parFichier = new Map<string, Error | undefined>();
      for await (const r of Worker.runReplayHistories({ workflowBundle: await paquetWorkflows(), dataConverter: DATA_CONVERTER }, histoires))
        parFichier.set(r.workflowId, r.error as Error | undefined);
      return parFichier;
    })());
  for (const f of fichiers) {
    it(`${f} se rejoue sans non-déterminisme`, async () => {
      const parFichier = await rejouerTous();
      expect(parFichier.has(f), `${f} n'a pas été rejoué`).toBe(true);
      const erreur = parFichier.get(f);
      if (erreur) throw erreur;
    });
  }
});

// `ENREGISTRER_HISTORIQUES=courriels-apres-reponse` : les alertes d'un mois manqué et les courriels
// d'un avenant partent après la réponse du message (patched('courriels-apres-reponse')), la clôture
// les attend.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'courriels-apres-reponse')('enregistrement des courriels après la réponse', () => {
  it('enregistre un protocole : mois manqué, avenant, régularisation, rupture, orientation, clôture, sans pause', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('reims-april-protocole')!;
      const menage = menageEssai('REJEU-PROTOCOLE-AVENANT');
      const handle = await lancerProtocole(banc, menage, programme, 40);
      await etape(handle, 'signature_protocole');
      const jour = jourDeParis(await heureDuParcours(handle));
      const signature = {
        signeLe: jour,
        debut: jour,
        dureeMois: 6,
        indemniteOccupation: 420,
        planApurement: { dette: 2400, mensualite: 100 },
        signataires: { bailleur: true, occupant: true },
      };
      await handle.executeUpdate(signatureProtocoleUpdate, { args: [m(signature)] });
      await handle.executeUpdate(paiementUpdate, { args: [m({ mois: jour.slice(0, 7), statut: 'impaye' as const, montant: 0 })] });
      await handle.executeUpdate(avenantUpdate, { args: [m({ signeLe: jour, prolongationMois: 6, planApurement: { dette: 2400, mensualite: 80 } })] });
      await handle.executeUpdate(paiementUpdate, { args: [m({ mois: jour.slice(0, 7), statut: 'paye' as const })] });
      await rompreOrienterClore(handle);
      await enregistrerALaFin(handle, 'protocole-courriels-apres-reponse-v1.json', ['courriels-apres-reponse']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=protocole-ensemble` : les alertes de manquements répétés (travailleur social
// et coordination) et l'avenant (partenaires et occupant), chacun par une seule activité
// (patched('alertes-impayes-ensemble'), patched('avenant-ensemble')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'protocole-ensemble')('enregistrement des courriels du protocole envoyés ensemble', () => {
  it('enregistre un protocole : deux mois impayés, avenant, rupture, orientation, clôture', async () => {
    await avecBanc(async (banc) => {
      const menage = menageEssai('REJEU-PROTOCOLE-ENSEMBLE');
      const handle = await lancerProtocole(banc, menage, CATALOGUE.trouver('reims-april-protocole')!, 80);
      await etape(handle, 'signature_protocole');
      // Commencé il y a un mois (le plus tôt permis) : ses deux premiers mois ont commencé.
      const debut = jourDeParis(retirerDuree(await heureDuParcours(handle), 'P1M'));
      const signature = {
        signeLe: debut,
        debut,
        dureeMois: 6,
        indemniteOccupation: 420,
        planApurement: { dette: 2400, mensualite: 100 },
        signataires: { bailleur: true, occupant: true },
      };
      await handle.executeUpdate(signatureProtocoleUpdate, { args: [m(signature)] });
      const premier = debut.slice(0, 7);
      const second = jourDeParis(ajouterDuree(new Date(`${premier}-15T12:00:00Z`), 'P1M')).slice(0, 7);
      for (const mois of [premier, second]) await handle.executeUpdate(paiementUpdate, { args: [m({ mois, statut: 'impaye' as const, montant: 0 })] });
      await jusqua(handle, (e) => e.demandes.some((d) => d.objet.startsWith('Manquements répétés')), 'manquements répétés');
      await handle.executeUpdate(avenantUpdate, {
        args: [m({ signeLe: jourDeParis(await heureDuParcours(handle)), prolongationMois: 6, planApurement: { dette: 2400, mensualite: 80 } })],
      });
      await rompreOrienterClore(handle);
      await enregistrerALaFin(handle, 'protocole-courriels-ensemble-v1.json', ['alertes-impayes-ensemble', 'avenant-ensemble']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=regles-des-rapports` : les règles des rapports de terrain (issue 15) —
// ménage déjà suivi au comité (patched('comite-deja-suivi')), situation laissée au service social
// du département (patched('partage-service-social-departement')), visite à domicile malgré un
// contact par téléphone (patched('visite-malgre-contact')) et ASLL validée dans le délai du plan
// (patched('validation-asll-meme-delai')).
/**
 * Enregistre un parcours de prévention (ménage déjà suivi par un service social, sauf `s`) mené par
 * `mener`, et vérifie que son historique porte `patchs`.
 */
async function enregistrer(
  programmeId: string,
  reference: string,
  s: object,
  fichier: string,
  patchs: string[],
  mener: (h: WorkflowHandle, banc: Banc) => Promise<void>,
  entree: object = {},
) {
  await avecBanc(async (banc) => {
    const programme = CATALOGUE.trouver(programmeId)!;
    const menage = menageEssai(reference);
    const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `${programmeId}--${menage.reference}`,
      args: [
        {
          programme,
          menage,
          coordinateur: 'coord.essai',
          travailleurSocial: 'ts.alice',
          situation: { ...situationPrevention({ suiviParServiceSocial: true }), ...s },
          ...entree,
        },
      ],
    });
    await mener(handle, banc);
    await enregistrerALaFin(handle, fichier, patchs);
  });
}

describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'regles-des-rapports')('enregistrement des règles des rapports de terrain', () => {
  it('enregistre un parcours reims-april : le comité de suivi trouve le ménage déjà suivi', async () => {
    await enregistrer('reims-april', 'REJEU-DEJA-SUIVI', {}, 'prevention-comite-deja-suivi-v1.json', ['comite-deja-suivi'], async (handle) => {
      const etat = await jusqua(handle, (e) => e.etape === 'comite_de_suivi' && e.demandes.length === 1, 'demande au comité');
      await handle.executeUpdate(repondreValidationUpdate, {
        args: [
          {
            requestId: requete(),
            par: 'partenaire:services_sociaux',
            demandeId: etat.demandes[0]!.id,
            role: 'services_sociaux',
            decision: 'refuse',
            commentaire: 'Suivi existant',
          },
        ],
      });
    });
  });

  it('enregistre un parcours reims-april ouvert par une rechute : l’accompagnement reprend sans comité de suivi', async () => {
    await enregistrer(
      'reims-april',
      'REJEU-RECHUTE-R270101',
      {},
      'prevention-rechute-sans-comite-v1.json',
      ['rechute-sans-comite'],
      async (handle) => {
        await etape(handle, 'aller_vers');
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'contact_impossible' as const })] });
      },
      { parcoursPrecedent: 'reims-april--REJEU-RECHUTE' },
    );
  });

  it('enregistre un parcours reims-april clos par la coordination avant tout contact : pas de veille active', async () => {
    await enregistrer('reims-april', 'REJEU-CLOS-SANS-CONTACT', {}, 'prevention-cloture-avant-contact-v1.json', ['veille-apres-un-contact'], async (handle) => {
      const etat = await jusqua(handle, (e) => e.etape === 'comite_de_suivi' && e.demandes.length === 1, 'demande au comité');
      await handle.executeUpdate(repondreValidationUpdate, {
        args: [{ requestId: requete(), par: 'partenaire:services_sociaux', demandeId: etat.demandes[0]!.id, role: 'services_sociaux', decision: 'approuve' }],
      });
      await etape(handle, 'aller_vers');
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Doublon' }] });
    });
  });

  it('enregistre un parcours reims-april : veille active, rechute repérée et signalée par l’équipe (message « rechute »)', async () => {
    // v1 : avant patched('rechute-au-jour-de-paris') (l'identifiant de la rechute au jour UTC).
    await enregistrer(
      'reims-april',
      'REJEU-RECHUTE-EQUIPE',
      {},
      'prevention-rechute-equipe-v2.json',
      ['identifiant-rechute-court', 'rechute-au-jour-de-paris'],
      async (handle) => {
        await passerLeComite(handle);
        await etape(handle, 'aller_vers');
        await joindre(handle, 'visite_domicile', 'soir');
        await etape(handle, 'diagnostic');
        await repos(handle);
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'situation_stabilisee' as const })] });
        await jusqua(handle, (e) => !!e.cloture && e.demandes.length === 2, 'veille active');
        await repos(handle);
        await handle.executeUpdate(rechuteEquipeUpdate, { args: [m({ observation: 'Nouveaux impayés' })] });
      },
    );
  });

  it('enregistre un parcours besancon-ccas : situation laissée au service social du département', async () => {
    await enregistrer(
      'besancon-ccas',
      'REJEU-SERVICE-SOCIAL',
      { gardeParServiceSocialDepartement: true },
      'prevention-service-social-departement-v1.json',
      ['partage-service-social-departement'],
      async () => {},
    );
  });

  it('enregistre un parcours besancon-ccas : contact par téléphone, visite malgré tout, plan avec ASLL validé dans son délai, clôture', async () => {
    await enregistrer(
      'besancon-ccas',
      'REJEU-VISITE-ASLL',
      { suiviParServiceSocial: false },
      // v1 : avant la fin du suivi après le dernier bilan ; v2 : avec (patched('fin-suivi-apres-bilans')).
      'prevention-visite-et-asll-v2.json',
      ['visite-malgre-contact', 'validation-asll-meme-delai', 'fin-suivi-apres-bilans'],
      async (handle) => {
        await etape(handle, 'aller_vers');
        await joindre(handle, 'telephone', 'matin');
        await joindre(handle, 'visite_domicile', 'soir');
        await diagnostiquer(handle);
        await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const], orientations: ['asll' as const] })] });
        const etat = await jusqua(handle, (e) => e.etape === 'validation_departement' && e.demandes.length === 1, 'demande de validation ASLL');
        const d = etat.demandes[0]!;
        await handle.executeUpdate(repondreValidationUpdate, {
          args: [{ requestId: requete(), par: `partenaire:${d.role}`, demandeId: d.id, role: d.role, decision: 'approuve' }],
        });
        await etape(handle, 'suivi');
        await repos(handle);
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
    );
  });

  it('enregistre un parcours besancon-ccas : joint par téléphone après le délai de la visite, visite faite en retard, clôture', async () => {
    // Désigné 25 jours avant le lancement : la visite (3 semaines) est déjà dépassée au premier contact.
    const designeLe = jourDeParis(retirerDuree(new Date(), 'P25D'));
    await enregistrer(
      'besancon-ccas',
      'REJEU-VISITE-EN-RETARD',
      { suiviParServiceSocial: false },
      'prevention-visite-apres-son-delai-v1.json',
      ['visite-apres-son-delai'],
      async (handle) => {
        await jusqua(
          handle,
          (e) => e.etape === 'aller_vers' && e.echeances.some((x) => x.id === 'premiere_visite' && x.statut === 'depassee'),
          'visite dépassée',
        );
        await joindre(handle, 'telephone', 'soir');
        await joindre(handle, 'visite_domicile', 'matin');
        await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'premiere_visite' && x.statut === 'tenue'), 'visite tenue');
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
      { designeLe },
    );
  });
});

/** Un parcours de prévention lancé sur le banc (suivi par ts.alice, bail commencé il y a 90 jours), pour un enregistrement. */
async function lancerPrevention(banc: Banc, programmeId: string, reference: string): Promise<WorkflowHandle> {
  const menage = menageEssai(reference);
  const situation = situationPrevention();
  return banc.env.client.workflow.start('preventionPrecontentieuse', {
    taskQueue: banc.taskQueue,
    workflowId: `${programmeId}--${menage.reference}`,
    args: [{ programme: CATALOGUE.trouver(programmeId)!, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation }],
  });
}

// `ENREGISTRER_HISTORIQUES=envoi-au-menage` : loiret-ahu, la lettre d'information envoyée au ménage
// depuis son dossier (envoyerDocumentAuMenage), à l'adresse donnée après l'orientation.
// `ENREGISTRER_HISTORIQUES=suites-consignees` : le même, l'envoi noté au journal consigné aussitôt
// (patched('suites-consignees')).
const envoiAEnregistrer = enregistrementDemande({
  'envoi-au-menage': ['prevention-envoi-au-menage-v1.json', ['courriels-apres-reponse']],
  'suites-consignees': ['prevention-suites-consignees-v1.json', ['courriels-apres-reponse', 'suites-consignees']],
});
describe.runIf(envoiAEnregistrer !== undefined)('enregistrement d’un document envoyé au ménage', () => {
  it('enregistre un parcours loiret-ahu : adresse donnée après l’orientation, lettre envoyée (deux fois la même requête), clôture', async () => {
    const [fichier, patchs] = envoiAEnregistrer!;
    await avecBanc(async (banc) => {
      const handle = await lancerPrevention(banc, 'loiret-ahu', 'REJEU-ENVOI-MENAGE');
      await etape(handle, 'aller_vers');
      await new Consentements(banc.dependances.base, COFFRE).enregistrer(
        handle.workflowId,
        { canal: 'courriel', accorde: true, courriel: 'envoi.menage@essai.example' },
        'ts.alice',
      );
      const envoi = { requestId: requete(), par: 'ts.alice', document: 'lettre-information' as const };
      expect(await handle.executeUpdate(envoyerDocumentAuMenageUpdate, { args: [envoi] })).toEqual({ envoi: 'en_cours' });
      expect(await handle.executeUpdate(envoyerDocumentAuMenageUpdate, { args: [envoi] })).toEqual({ envoi: 'en_cours' });
      await banc.courriels.waitFor((m) => m.a.includes('envoi.menage@essai.example'));
      await jusqua(handle, (e) => e.journal.some((j) => j.resume.startsWith('Courriel au ménage : « ')), 'envoi noté au journal');
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Fin de l’enregistrement' }] });
      await enregistrerALaFin(handle, fichier, patchs);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=rattrapage` : les courriels du déroulé qui rattrape l'étape prise par un
// message partent sans le retenir (patched('rattrapage-sans-attendre-les-courriels')).
// `ENREGISTRER_HISTORIQUES=echeances-avant-la-lettre` : le même, les délais de l'« aller vers » suivis
// avant les courriels de la lettre (patched('echeances-avant-la-lettre')).
const contactAEnregistrer = enregistrementDemande({
  rattrapage: ['prevention-rattrapage-v1.json', ['rattrapage-sans-attendre-les-courriels']],
  'echeances-avant-la-lettre': ['prevention-echeances-avant-la-lettre-v1.json', ['echeances-avant-la-lettre', 'rattrapage-sans-attendre-les-courriels']],
});
describe.runIf(contactAEnregistrer !== undefined)('enregistrement des courriels du rattrapage', () => {
  it('enregistre un parcours loiret-ahu : contact (le courriel au bailleur après la réponse), diagnostic, clôture', async () => {
    const [fichier, patchs] = contactAEnregistrer!;
    await avecBanc(async (banc) => {
      const handle = await lancerPrevention(banc, 'loiret-ahu', 'REJEU-RATTRAPAGE');
      await etape(handle, 'aller_vers');
      await joindre(handle, 'telephone', 'matin');
      await etape(handle, 'diagnostic');
      await jusqua(handle, (e) => e.journal.some((j) => j.resume.includes('« Contact établi avec le ménage')), 'courriel du contact');
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      await enregistrerALaFin(handle, fichier, patchs);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=seconde-visite-en-retard` : besancon-ccas, la seconde visite faite après
// son délai, tenue en retard (patched('seconde-visite-en-retard')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'seconde-visite-en-retard')('enregistrement de la seconde visite en retard', () => {
  it('enregistre un parcours besancon-ccas : absent à la première visite, seconde visite après son délai, contact, clôture', async () => {
    await avecBanc(async (banc) => {
      const handle = await lancerPrevention(banc, 'besancon-ccas', 'REJEU-SECONDE-VISITE');
      await etape(handle, 'aller_vers');
      await handle.executeUpdate(tentativeContactUpdate, {
        args: [m({ canal: 'visite_domicile' as const, creneau: 'matin' as const, issue: 'absent' as const })],
      });
      const seconde = await echeanceSuivie(handle, 'seconde_visite');
      await avancerJusqua(banc, handle, ajouterDuree(new Date(seconde.due), 'P2D'));
      await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'seconde_visite' && x.statut === 'depassee'), 'seconde visite dépassée');
      await joindre(handle, 'visite_domicile', 'soir');
      await etape(handle, 'diagnostic');
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      await enregistrerALaFin(handle, 'prevention-seconde-visite-en-retard-v1.json', ['seconde-visite-en-retard']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=partage-diagnostic` : l'accord du ménage au partage de son diagnostic
// (toulouse-declic), le diagnostic envoyé au bailleur une fois terminé, puis le retrait annoncé.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'partage-diagnostic')('enregistrement du partage du diagnostic', () => {
  it('enregistre un parcours toulouse-declic : contact, accord, diagnostic envoyé au bailleur, retrait, clôture', async () => {
    await avecBanc(async (banc) => {
      const handle = await lancerPrevention(banc, 'toulouse-declic', 'REJEU-PARTAGE');
      await etape(handle, 'aller_vers');
      await joindre(handle, 'telephone', 'soir');
      await handle.executeUpdate(accordPartageDiagnosticUpdate, {
        args: [m({ pour: ['conseillere_sociale_bailleur' as const, 'recouvrement_bailleur' as const] })],
      });
      await diagnostiquer(handle);
      await jusqua(handle, (e) => e.journal.some((x) => x.resume.includes('« Diagnostic partagé')), 'diagnostic envoyé au bailleur');
      await handle.executeUpdate(accordPartageDiagnosticUpdate, { args: [m({ pour: [] })] });
      await jusqua(handle, (e) => e.journal.some((x) => x.resume.includes('« Accord du ménage retiré')), 'retrait annoncé au bailleur');
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      await handle.result();
      writeFileSync(`${DOSSIER_HISTORIQUES}prevention-partage-diagnostic-v1.json`, JSON.stringify(enObjet(await handle.fetchHistory())));
    });
  });
});

// `ENREGISTRER_HISTORIQUES=reponse-au-soir` : toulouse-declic, le plan envoyé au référent du bailleur,
// sa réponse attendue jusqu'au soir d'un jour ouvré (patched('reponse-au-soir-d-un-jour-ouvre')),
// restée sans réponse : le plan tient, le suivi commence, puis la clôture.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'reponse-au-soir')('enregistrement d’une réponse attendue jusqu’au soir', () => {
  it('enregistre un parcours toulouse-declic : plan au référent, sans réponse jusqu’au soir du jour ouvré, suivi, clôture', async () => {
    await avecBanc(async (banc) => {
      const handle = await lancerPrevention(banc, 'toulouse-declic', 'REJEU-AU-SOIR');
      await etape(handle, 'aller_vers');
      await joindre(handle, 'telephone', 'soir');
      await diagnostiquer(handle);
      await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const], orientations: [] })] });
      const demande = (await jusqua(handle, (e) => e.etape === 'validation_bailleur' && e.demandes.length === 1)).demandes[0]!;
      await avancerJusqua(banc, handle, apres(demande.echeance));
      await etape(handle, 'suivi');
      await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      await enregistrerALaFin(handle, 'prevention-reponse-au-soir-v1.json', ['reponse-au-soir-d-un-jour-ouvre']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=reaffectation` : un ménage réaffecté par la coordination, les deux
// référents prévenus par courriel (patched('courriels-reaffectation')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'reaffectation')('enregistrement d’une réaffectation', () => {
  it('enregistre un parcours loiret-ahu réaffecté de ts.alice à ts.bruno, puis clos par la coordination', async () => {
    await avecBanc(async (banc) => {
      const handle = await lancerPrevention(banc, 'loiret-ahu', 'REJEU-REAFFECTATION');
      await etape(handle, 'aller_vers');
      await handle.executeUpdate(affecterUpdate, { args: [{ requestId: requete(), par: 'coord.essai', travailleurSocial: 'ts.bruno' }] });
      await jusqua(handle, (e) => e.journal.some((x) => x.resume.includes('« Ménage confié à une autre personne')), 'les deux référents prévenus');
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Doublon' }] });
      await enregistrerALaFin(handle, 'prevention-reaffectation-v1.json', ['courriels-reaffectation']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=comite` : le comité de suivi en deux temps (reims-april, fiche 004 ;
// patched('comite-verification-puis-decision')) — les services sociaux disent par leur lien que le
// ménage est déjà accompagné, puis la coordination enregistre la décision du comité : intégré
// (tuilage) ou non.
async function enregistrerComite(reference: string, fichier: string, decision: 'integrer' | 'ne_pas_integrer', patchs = ['comite-verification-puis-decision']) {
  await avecBanc(async (banc) => {
    const programme = CATALOGUE.trouver('reims-april')!;
    const menage = menageEssai(reference);
    const handle = await banc.env.client.workflow.start('preventionPrecontentieuse', {
      taskQueue: banc.taskQueue,
      workflowId: `reims-april--${menage.reference}`,
      args: [
        { programme, menage, coordinateur: 'coord.essai', travailleurSocial: 'ts.alice', situation: situationPrevention({ suiviParServiceSocial: true }) },
      ],
    });
    await passerLeComite(handle, {
      dejaSuiviPar: 'Mme Durand, CCAS de Reims',
      decision,
      ...(decision === 'ne_pas_integrer' ? { motif: 'Suivi maintenu' } : {}),
    });
    if (decision === 'integrer') {
      await etape(handle, 'aller_vers');
      await repos(handle);
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Fin de l’essai' }] });
    }
    await enregistrerALaFin(handle, fichier, patchs);
  });
}

describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'comite')('enregistrement du comité de suivi en deux temps', () => {
  it('enregistre un parcours reims-april : ménage déjà accompagné, intégré par le comité (son service associé dès l’entrée)', async () => {
    await enregistrerComite('REJEU-COMITE-INTEGRE', 'prevention-comite-integre-v1.json', 'integrer');
  });

  it('enregistre un parcours reims-april : ménage déjà accompagné, non intégré par le comité', async () => {
    await enregistrerComite('REJEU-COMITE-NON-INTEGRE', 'prevention-comite-non-integre-v1.json', 'ne_pas_integrer');
  });
});

// `ENREGISTRER_HISTORIQUES=asll-au-soir` : besancon-ccas, la validation de l'ASLL demandée au
// département dans le délai du plan, jusqu'au soir de ce jour-là (patched('validation-asll-au-soir')),
// validée par son lien ; le suivi commence, puis la clôture. Le délai du premier contact y est compté
// en jours du calendrier (patched('delai-contact-en-jours-de-calendrier')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'asll-au-soir')('enregistrement d’une ASLL validée jusqu’au soir', () => {
  it('enregistre un parcours besancon-ccas : plan avec ASLL, le département répond jusqu’au soir du jour de l’échéance du plan', async () => {
    await enregistrer(
      'besancon-ccas',
      'REJEU-ASLL-AU-SOIR',
      { suiviParServiceSocial: false },
      'prevention-asll-au-soir-v1.json',
      ['validation-asll-meme-delai', 'validation-asll-au-soir', 'reponse-au-soir-d-un-jour-ouvre', 'delai-contact-en-jours-de-calendrier'],
      async (handle) => {
        await etape(handle, 'aller_vers');
        await joindre(handle, 'visite_domicile', 'soir');
        await diagnostiquer(handle);
        await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['budget' as const], orientations: ['asll' as const] })] });
        const d = (await jusqua(handle, (e) => e.etape === 'validation_departement' && e.demandes.length === 1, 'demande de validation ASLL')).demandes[0]!;
        await handle.executeUpdate(repondreValidationUpdate, {
          args: [{ requestId: requete(), par: `partenaire:${d.role}`, demandeId: d.id, role: d.role, decision: 'approuve' }],
        });
        await etape(handle, 'suivi');
        await repos(handle);
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
    );
  });
});

// `ENREGISTRER_HISTORIQUES=delais-au-soir` : les délais qui courent depuis un jour finissent le soir du
// jour où ils tombent (patched('delais-depuis-un-jour-jusqu-au-soir')), leur rappel à 9 h : un ménage
// désigné par la commission (besancon-ccas), rappel, visite dépassée, contact (délai en jours du
// calendrier), clôture ; un impayé signalé par le bailleur (loiret-ahu), sans contact dans le mois.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'delais-au-soir')('enregistrement des délais qui finissent le soir', () => {
  const ilYA = (jours: number) => jourDeParis(new Date(Date.now() - jours * 86_400_000));

  it('enregistre un parcours besancon-ccas désigné il y a 10 jours : rappel à 9 h, visite dépassée le soir, contact, clôture', async () => {
    await enregistrer(
      'besancon-ccas',
      'REJEU-DESIGNE-AU-SOIR',
      { suiviParServiceSocial: false },
      'prevention-designation-au-soir-v1.json',
      ['delais-depuis-un-jour-jusqu-au-soir', 'delai-contact-en-jours-de-calendrier'],
      async (handle, banc) => {
        await etape(handle, 'aller_vers');
        const visite = await echeanceSuivie(handle, 'premiere_visite');
        await avancerJusqua(banc, handle, apres(visite.due));
        await echeanceSuivie(handle, 'premiere_visite', 'depassee');
        await repos(handle);
        await joindre(handle, 'visite_domicile', 'soir');
        await etape(handle, 'diagnostic');
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
      { designeLe: ilYA(10) },
    );
  });

  it('enregistre un parcours loiret-ahu signalé il y a 10 jours : sans contact jusqu’au soir du dernier jour, clos « contact impossible »', async () => {
    await enregistrer(
      'loiret-ahu',
      'REJEU-SIGNALE-AU-SOIR',
      { suiviParServiceSocial: false },
      'prevention-signalement-au-soir-v1.json',
      ['delais-depuis-un-jour-jusqu-au-soir'],
      async (handle, banc) => {
        const contact = await echeanceSuivie(handle, 'contact');
        await avancerJusqua(banc, handle, apres(contact.due));
        await jusqua(handle, (e) => !!e.cloture, 'clôture « contact impossible »');
      },
      { signaleLe: ilYA(10) },
    );
  });
});

// `ENREGISTRER_HISTORIQUES=logement-avant` : la place accordée, l'échéance du logement est suivie avant le
// courriel au travailleur social, qui en dit la date limite (patched('logement-avant-dans-le-courriel')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'logement-avant')('enregistrement de la date limite du logement dans le courriel', () => {
  it('enregistre une mesure concarneau-iml jusqu’à la recherche du logement, puis une clôture anticipée', async () => {
    await avecBanc(async (banc) => {
      const programme = { ...CATALOGUE.trouver('concarneau-iml')!, id: 'concarneau-iml-rejeu-logement' };
      const handle = await lancerMesureIml(banc, programme, 'REJEU-IML-LOGEMENT');
      await approuverSiao(handle);
      await etape(handle, 'recherche_logement');
      await repos(handle);
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Fin de l’essai' }] });
      await enregistrerALaFin(handle, 'iml-logement-avant-v1.json', ['logement-avant-dans-le-courriel']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=signature-avant` : un programme qui fixe un délai de signature du protocole ;
// l'échéance suivie avant le courriel au travailleur social, qui en dit la date limite
// (patched('signature-avant-dans-le-courriel')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'signature-avant')('enregistrement de la date limite de signature dans le courriel', () => {
  it('enregistre un protocole dont le programme fixe un mois pour la signature, jusqu’à sa clôture avant terme', async () => {
    await avecBanc(async (banc) => {
      const menage = menageEssai('REJEU-SIGNATURE-AVANT');
      const catalogue = CATALOGUE.trouver('reims-april-protocole')!;
      const handle = await lancerProtocole(banc, menage, { ...catalogue, delais: { ...catalogue.delais, signatureProtocole: 'P1M' } }, 80);
      await etape(handle, 'signature_protocole');
      await echeanceSuivie(handle, 'signature_protocole');
      await repos(handle);
      const debut = jourDeParis(await heureDuParcours(handle));
      await handle.executeUpdate(signatureProtocoleUpdate, {
        args: [
          m({
            signeLe: debut,
            debut,
            dureeMois: 6,
            indemniteOccupation: 420,
            planApurement: { dette: 2400, mensualite: 100 },
            signataires: { bailleur: true, occupant: true },
          }),
        ],
      });
      await rompreOrienterClore(handle);
      await enregistrerALaFin(handle, 'protocole-signature-avant-v1.json', ['signature-avant-dans-le-courriel']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=rappels-un-jour-ouvre` : le rappel d'une échéance de l'équipe qui tomberait un
// jour chômé part le dernier jour ouvré d'avant (patched('rappels-un-jour-ouvre')) : un parcours lancé le
// 30 novembre, contact dû le 30 décembre, rappel cinq jours avant (le 25 décembre) avancé.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'rappels-un-jour-ouvre')('enregistrement d’un rappel avancé à un jour ouvré', () => {
  it('enregistre un parcours loiret-ahu dont le rappel du premier contact tombe à Noël, jusqu’à sa clôture', async () => {
    await avecBanc(async (banc) => {
      const programme = CATALOGUE.trouver('loiret-ahu')!;
      const menage = menageEssai('REJEU-RAPPEL-OUVRE');
      const depart = prochain(30, 11);
      const handle = await demarrerLe(banc, depart, 'preventionPrecontentieuse', {
        taskQueue: banc.taskQueue,
        workflowId: `loiret-ahu--${menage.reference}`,
        args: [
          {
            programme,
            menage,
            coordinateur: 'coord.essai',
            travailleurSocial: 'ts.alice',
            situation: situationPrevention({ debutBail: jourDeParis(retirerDuree(depart, 'P60D')) }),
          },
        ],
      });
      const contact = await echeanceSuivie(handle, 'contact');
      const rappel = rappelAttendu(contact.due, programme.delais.rappelAvant!, depart);
      expect(jourDeParis(rappel) < jourDeParis(retirerDuree(new Date(contact.due), programme.delais.rappelAvant!))).toBe(true);
      await avancerJusqua(banc, handle, apres(rappel));
      await jusqua(handle, (e) => e.journal.some((x) => x.type === 'rappel'), 'rappel du premier contact');
      await repos(handle);
      await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Déménagement' }] });
      await enregistrerALaFin(handle, 'prevention-rappel-un-jour-ouvre-v1.json', ['rappels-un-jour-ouvre']);
    });
  });
});

// `ENREGISTRER_HISTORIQUES=alertes-aux-heures-ouvrees` : l'alerte d'une échéance dépassée attend 9 h du
// jour ouvré suivant (patched('alertes-aux-heures-ouvrees')) : le diagnostic dépassé, son alerte part le
// matin ; le plan d'aide dépassé, la clôture arrive avant le matin : son alerte ne part pas.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'alertes-aux-heures-ouvrees')('enregistrement des alertes aux heures ouvrées', () => {
  it('enregistre un parcours loiret-ahu : diagnostic dépassé puis alerté à 9 h, plan dépassé, clôture avant son alerte', async () => {
    await enregistrer(
      'loiret-ahu',
      'REJEU-ALERTES-OUVREES',
      { suiviParServiceSocial: false },
      'prevention-alertes-aux-heures-ouvrees-v1.json',
      ['alertes-aux-heures-ouvrees'],
      async (handle, banc) => {
        await joindre(handle, 'telephone', 'matin');
        await etape(handle, 'diagnostic');
        const diagnostic = await echeanceSuivie(handle, 'diagnostic');
        await avancerJusqua(banc, handle, apres(diagnostic.due));
        await jusquALAlerte(banc, handle, 'diagnostic');
        await jusqua(handle, (e) => e.journal.some((x) => x.type === 'alerte'), 'alerte du diagnostic');
        await repos(handle);
        await diagnostiquer(handle);
        await etape(handle, 'plan_aide');
        const plan = await echeanceSuivie(handle, 'plan_aide');
        await avancerJusqua(banc, handle, apres(plan.due));
        expect((await echeanceSuivie(handle, 'plan_aide', 'depassee')).alerteLe).toBeDefined();
        await repos(handle);
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
    );
  });
});

// `ENREGISTRER_HISTORIQUES=escalades-aux-heures-ouvrees` : la demande au département restée sans réponse
// à son échéance (au soir) : la coordination l'apprend à 9 h du jour ouvré suivant
// (patched('escalades-aux-heures-ouvrees')), décide de relancer, puis clôture.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'escalades-aux-heures-ouvrees')('enregistrement des escalades aux heures ouvrées', () => {
  it('enregistre un parcours besancon-ccas : validation du département sans réponse, escalade à 9 h, relance, clôture', async () => {
    await enregistrer(
      'besancon-ccas',
      'REJEU-ESCALADES-OUVREES',
      {},
      'prevention-escalades-aux-heures-ouvrees-v1.json',
      ['escalades-aux-heures-ouvrees'],
      async (handle, banc) => {
        await joindre(handle, 'visite_domicile', 'matin');
        await etape(handle, 'diagnostic');
        await diagnostiquer(handle);
        await etape(handle, 'plan_aide');
        await handle.executeUpdate(planAideUpdate, { args: [m({ actions: ['fsl' as const], orientations: ['asll' as const] })] });
        await etape(handle, 'validation_departement');
        const demande = (await jusqua(handle, (e) => e.demandes.length === 1, 'demande au département')).demandes[0]!;
        await avancerJusqua(banc, handle, apres(demande.echeance));
        await jusqua(handle, (e) => e.demandes[0]!.statut === 'expiree', 'demande expirée');
        await jusquALEscalade(banc, handle, demande);
        await jusqua(handle, (e) => e.journal.some((x) => x.type === 'escalade'), 'escalade à la coordination');
        await repos(handle);
        await handle.executeUpdate(suiteSansReponseDepartementUpdate, { args: [{ requestId: requete(), par: 'coord.essai', suite: 'relancer' as const }] });
        await jusqua(handle, (e) => e.demandes.length === 2, 'relance');
        await repos(handle);
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
    );
  });
});

// `ENREGISTRER_HISTORIQUES=echeances-au-soir` : les délais de l'équipe comptés depuis une action
// courent jusqu'au soir du jour où ils tombent, leur rappel part à 9 h (patched('echeances-au-soir')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'echeances-au-soir')('enregistrement des échéances de l’équipe au soir', () => {
  it('enregistre un parcours loiret-ahu : contact rappelé à 9 h, joint, diagnostic dépassé le soir de son dernier jour, puis tenu en retard, clôture', async () => {
    await enregistrer(
      'loiret-ahu',
      'REJEU-ECHEANCES-AU-SOIR',
      { suiviParServiceSocial: false },
      'prevention-echeances-au-soir-v1.json',
      ['echeances-au-soir'],
      async (handle, banc) => {
        const contact = await echeanceSuivie(handle, 'contact');
        await avancerJusqua(banc, handle, apres(rappelAttendu(contact.due, CATALOGUE.trouver('loiret-ahu')!.delais.rappelAvant!, new Date())));
        await repos(handle);
        await joindre(handle, 'telephone', 'matin');
        await etape(handle, 'diagnostic');
        const diagnostic = await echeanceSuivie(handle, 'diagnostic');
        await avancerJusqua(banc, handle, apres(diagnostic.due));
        await echeanceSuivie(handle, 'diagnostic', 'depassee');
        await repos(handle);
        await diagnostiquer(handle);
        await etape(handle, 'plan_aide');
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
    );
  });
});

// `ENREGISTRER_HISTORIQUES=anciennete-au-jour` : la règle des 6 mois de loiret-ahu comptée en jours
// (patched('anciennete-du-bail-au-jour')), sans date de signalement : un bail commencé six mois plus
// tôt jour pour jour, le ménage est accompagné, joint, puis met fin.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'anciennete-au-jour')('enregistrement de la règle des 6 mois en jours', () => {
  it('enregistre un parcours loiret-ahu orienté le jour anniversaire de son bail : accompagné, joint, clôture', async () => {
    await enregistrer(
      'loiret-ahu',
      'REJEU-ANCIENNETE-AU-JOUR',
      { suiviParServiceSocial: false, debutBail: jourDeParis(retirerDuree(new Date(), 'P6M')) },
      'prevention-anciennete-au-jour-v1.json',
      ['anciennete-du-bail-au-jour'],
      async (handle) => {
        await etape(handle, 'aller_vers');
        await joindre(handle, 'telephone', 'matin');
        await etape(handle, 'diagnostic');
        await handle.executeUpdate(cloturerUpdate, { args: [m({ issue: 'menage_met_fin' as const })] });
      },
    );
  });
});

// `ENREGISTRER_HISTORIQUES=comite-au-soir` : le même comité, sa décision et la réponse des services
// sociaux attendues jusqu'au soir d'un jour ouvré (patched('reponse-au-soir-d-un-jour-ouvre')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'comite-au-soir')('enregistrement du comité de suivi jusqu’au soir', () => {
  it('enregistre un parcours reims-april : ménage déjà accompagné, intégré par le comité, décision attendue jusqu’au soir', async () => {
    await enregistrerComite('REJEU-COMITE-AU-SOIR', 'prevention-comite-au-soir-v1.json', 'integrer', [
      'comite-verification-puis-decision',
      'reponse-au-soir-d-un-jour-ouvre',
    ]);
  });
});
