/**
 * La table « étape → messages permis » (domain/actions.ts), qui décide des formulaires affichés,
 * vérifiée contre les validateurs des workflows (l'autorité) : à une étape donnée, chaque message
 * du registre absent de la table est refusé par le workflow avec une raison en français, et un
 * message de la table est accepté.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { REGISTRE } from '../api/registre-produit';
import { messagesDuType, messagesPermis } from '../domain/actions';
import type { EtatParcours, TypeParcours } from '../domain/vocabulaire';
import { CATALOGUE, jusqua, menageEssai, monterBanc, requete, type Banc } from './outils/environnement';

let banc: Banc;

beforeAll(async () => {
  banc = await monterBanc();
});

afterAll(async () => banc?.fermer());

const jour = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function lancer(programmeId: string, donnees: (maintenant: number) => Record<string, unknown>): Promise<WorkflowHandle> {
  const programme = CATALOGUE.trouver(programmeId)!;
  const definition = REGISTRE[programme.typeParcours]!;
  const menage = menageEssai();
  const entree = definition.construireEntree({
    programme: structuredClone(programme),
    menage,
    coordinateur: 'coord.essai',
    travailleurSocial: 'ts.alice',
    // Le parcours démarre à l'heure réelle : ses dates (début du bail, jugement) se comptent d'ici.
    donnees: donnees(Date.now()),
  });
  return banc.env.client.workflow.start(definition.workflowType, {
    taskQueue: banc.taskQueue,
    workflowId: `${programmeId}--${menage.reference}`,
    args: [entree],
  });
}

const etape = (handle: WorkflowHandle, attendue: string): Promise<EtatParcours> => jusqua(handle, (e) => e.etape === attendue, `étape « ${attendue} »`);

/** Envoie l'exemple du registre pour ce message ; renvoie la raison du refus, ou undefined s'il est accepté. */
async function envoyer(handle: WorkflowHandle, type: TypeParcours, nom: string, surcharge: Record<string, unknown> = {}): Promise<string | undefined> {
  const m = REGISTRE[type]!.messages[nom]!;
  try {
    await handle.executeUpdate(m.update, { args: [{ ...(m.exemple ?? {}), ...surcharge, requestId: requete(), par: 'ts.alice' }] });
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (e as WorkflowUpdateFailedError).cause as { type?: string; message: string };
    expect(cause.type, cause.message).toBe('MessageRefuse');
    return cause.message;
  }
}

async function horsTableRefuses(handle: WorkflowHandle, type: TypeParcours, etat: EtatParcours) {
  const permis = messagesPermis(type, etat.etape);
  const autres = messagesDuType(type).filter((n) => !permis.includes(n));
  expect(autres.length).toBeGreaterThan(0);
  for (const nom of autres) {
    const raison = await envoyer(handle, type, nom);
    expect(raison, `« ${nom} » à l’étape ${etat.etape} devrait être refusé`).toBeDefined();
    expect(raison).toMatch(/[a-zé]/);
  }
}

describe('ce que l’état permet en plus ou en moins de l’étape', () => {
  const suivi = (echeances: Array<{ id: string; statut: string }>) =>
    messagesPermis('prevention_precontentieuse', 'suivi', false, { journal: [], details: {}, echeances });
  it('le bilan ne s’offre au suivi qu’avec un point ou un bilan à saisir (son échéance en cours ou dépassée)', () => {
    expect(suivi([])).toEqual(['passage-droit-commun', 'cloture']);
    expect(suivi([{ id: 'bilan:P3M', statut: 'tenue' }])).toEqual(['passage-droit-commun', 'cloture']);
    expect(suivi([{ id: 'bilan:P3M', statut: 'en_cours' }])).toEqual(['bilan', 'passage-droit-commun', 'cloture']);
    expect(suivi([{ id: 'bilan:P1M', statut: 'depassee' }])).toEqual(['bilan', 'passage-droit-commun', 'cloture']);
    // Sans les échéances, la table de l'étape seule (le parcours jugera).
    expect(messagesPermis('prevention_precontentieuse', 'suivi')).toEqual(['bilan', 'passage-droit-commun', 'cloture']);
  });
});

describe('la table des actions par étape, contre les workflows', () => {
  it('la table couvre exactement les messages du registre', () => {
    for (const type of Object.keys(REGISTRE) as TypeParcours[]) {
      expect(messagesDuType(type).sort()).toEqual(Object.keys(REGISTRE[type]!.messages).sort());
    }
    expect(messagesPermis('prevention_precontentieuse', 'aller_vers')).toEqual(['tentative-contact', 'cloture']);
    expect(messagesPermis('prevention_precontentieuse', 'aller_vers', true)).toEqual([]);
  });

  it('prévention : à « aller vers » puis à « diagnostic », les messages hors table sont refusés, ceux de la table acceptés', async () => {
    const type = 'prevention_precontentieuse';
    const h = await lancer('loiret-ahu', (t) => ({
      situation: {
        impayesMois: 2,
        montantDette: 812,
        debutBail: jour(t - 60 * 86_400_000),
        garantie: 'aucune',
        dejaTente: '',
        contactBailleur: false,
        suiviParServiceSocial: false,
      },
    }));
    await horsTableRefuses(h, type, await etape(h, 'aller_vers'));
    expect(await envoyer(h, type, 'tentative-contact', { canal: 'telephone', creneau: 'soir', issue: 'joint' })).toBeUndefined();
    const diag = await etape(h, 'diagnostic');
    expect(messagesPermis(type, diag.etape)).toEqual(['diagnostic', 'cloture']);
    await horsTableRefuses(h, type, diag);
    expect(await envoyer(h, type, 'diagnostic', { termine: false })).toBeUndefined();
  });

  it('IML : à « candidature », tout message de mesure est refusé', async () => {
    const type = 'iml_bail_glissant';
    const h = await lancer('concarneau-iml', () => ({}));
    const e = await etape(h, 'candidature');
    expect(messagesPermis(type, e.etape)).toEqual(['candidature']);
    await horsTableRefuses(h, type, e);
  });

  it('protocole : à « signature du protocole », paiement, rupture, avenant et nouveau bail sont refusés', async () => {
    const type = 'protocole_post_resiliation';
    const h = await lancer('reims-april-protocole', (t) => ({
      resiliation: { jugementDu: jour(t - 40 * 86_400_000), juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 },
    }));
    const e = await etape(h, 'signature_protocole');
    expect(messagesPermis(type, e.etape).sort()).toEqual(['accompagnement', 'cloture', 'orientation', 'signature-protocole']);
    await horsTableRefuses(h, type, e);
    expect(await envoyer(h, type, 'accompagnement', { nature: 'visite_domicile', le: undefined })).toBeUndefined();
  });
});
