/**
 * Un message accepté est un pas fait (issue 16) : par l'API, le personnel envoie les messages d'un
 * parcours l'un après l'autre, sans pause. Chacun est accepté ; sa réponse et l'état qu'elle
 * renvoie portent l'étape où le parcours est passé, et le message que cette étape attend est
 * accepté aussitôt, sans attendre les courriels de l'étape terminée. Ces courriels partent ensuite,
 * même quand la clôture arrive avant qu'ils soient tous envoyés.
 *
 * Vrai serveur Temporal, vrai worker, vrai SMTP (mail catcher), application express sur un port
 * libre ; une chaîne par type de parcours (prévention, IML, protocole).
 */
import { describe, expect, it } from 'vitest';
import { repondreValidationUpdate } from '../domain/messages';
import type { EtatParcours } from '../domain/vocabulaire';
import { jourDeParis } from '../domain/durees';
import { bancAvecApi } from './outils/api';
import { CATALOGUE, jusqua, menageEssai, requete, situationPrevention } from './outils/environnement';
import { signatureDu } from './outils/protocole';

const essai = bancAvecApi('mot-de-passe-essai');

/** Lance un parcours par l'API (coordination) ; renvoie son identifiant et la référence du ménage. */
async function lancer(programmeId: string, donnees: Record<string, unknown>, bailleur?: string) {
  const menage = menageEssai();
  const r = await essai.api.appel('POST', '/api/parcours', {
    jeton: await essai.connecter('coord.essai'),
    corps: { programmeId, travailleurSocial: 'ts.alice', menage, donnees, ...(bailleur ? { bailleur } : {}) },
  });
  expect(r.status, r.texte).toBe(201);
  return { workflowId: r.json.workflowId as string, ref: menage.reference };
}

const handleDe = (workflowId: string) => essai.banc.env.client.workflow.getHandle(workflowId);
const etape = (workflowId: string, nom: string) => jusqua(handleDe(workflowId), (e) => e.etape === nom, `étape « ${nom} »`);

/** Un message, son corps, l'étape où il fait passer le parcours, et qui l'envoie. */
type Pas = [nom: string, corps: Record<string, unknown>, etape: string, par?: string];

/**
 * Envoie les messages l'un après l'autre, chacun dès la réponse au précédent : tous acceptés, la
 * réponse (résultat et état) porte l'étape attendue. Une clôture, elle, n'est faite qu'une fois
 * partis les courriels des étapes franchies : seul le résultat la dit déjà.
 */
async function enchainer(workflowId: string, pas: Pas[]) {
  for (const [nom, corps, attendue, par = 'ts.alice'] of pas) {
    const r = await essai.api.appel('POST', `/api/parcours/${workflowId}/messages/${nom}`, {
      jeton: await essai.connecter(par),
      corps: { requestId: requete(), ...corps },
    });
    expect(r.status, `« ${nom} » : ${r.texte}`).toBe(200);
    expect(r.json.resultat.etape, `réponse à « ${nom} »`).toBe(attendue);
    // La réponse dit aussi l'étape, son libellé et les messages qu'elle permet : rien à relire.
    expect(r.json.etape, `étape renvoyée avec « ${nom} »`).toBe(attendue);
    expect(r.json.libelleEtape, `libellé renvoyé avec « ${nom} »`).toEqual(expect.any(String));
    expect(r.json.messagesPermis, `messages permis après « ${nom} »`).toEqual(attendue === 'cloture' ? [] : expect.any(Array));
  }
}

/** Attend un courriel du dossier dont le sujet commence ainsi, à cette adresse. */
const courriel = (adresse: string, ref: string, debutSujet: string) =>
  essai.banc.courriels.waitFor((m) => m.a.includes(adresse) && m.sujet.includes(ref) && m.sujet.startsWith(debutSujet), { timeoutMs: 25_000 });

/** Les étapes par lesquelles le parcours est passé, dans l'ordre du journal. */
const etapesDuJournal = (e: EtatParcours) => e.journal.filter((x) => x.type === 'etape').map((x) => x.resume.replace(/^Étape : /, ''));

describe('des messages envoyés sans pause sont tous acceptés', () => {
  it('prévention (loiret-ahu) : contact, diagnostic en deux entretiens, plan d’aide, passage au droit commun, clôture', async () => {
    const programme = CATALOGUE.trouver('loiret-ahu')!;
    const { workflowId, ref } = await lancer(programme.id, { situation: situationPrevention() });
    await etape(workflowId, 'aller_vers');
    await enchainer(workflowId, [
      ['tentative-contact', { canal: 'telephone', creneau: 'matin', issue: 'injoignable' }, 'aller_vers'],
      ['tentative-contact', { canal: 'visite_domicile', creneau: 'soir', issue: 'joint' }, 'diagnostic'],
      ['diagnostic', { origineDette: 'Perte d’emploi', termine: false }, 'diagnostic'],
      ['diagnostic', { origineDette: 'Perte d’emploi', termine: true, carnetDeRoute: ['Dossier FSL'] }, 'plan_aide'],
      ['plan-aide', { actions: ['plan_apurement', 'fsl'], planApurement: { mensualite: 50, dureeMois: 16 } }, 'suivi'],
      ['passage-droit-commun', { service: 'Maison du Département', entretienTripartite: true }, 'passage_droit_commun'],
      ['cloture', { issue: 'orientation_droit_commun' }, 'cloture'],
    ]);

    // Les courriels des étapes franchies suivent : bailleur, partenaires, service social, clôture.
    const p = programme.partenaires;
    await courriel(p.bailleur!.courriel, ref, 'Contact établi avec le ménage');
    for (const role of ['ccapex', 'pdalpd', 'services_sociaux', 'bailleur'] as const) await courriel(p[role]!.courriel, ref, 'Plan d’aide engagé');
    await courriel(p.services_sociaux!.courriel, ref, 'Passage de relais');
    await courriel(p.bailleur!.courriel, ref, 'Fin de l’accompagnement');
    const fin: EtatParcours = await handleDe(workflowId).result();
    expect(fin.cloture!.issue).toBe('orientation_droit_commun');
    // Chaque étape une fois, dans l'ordre ; le plan sans ASLL passe au suivi, les partenaires informés pendant ce temps.
    expect(etapesDuJournal(fin)).toEqual([
      'Lettre d’information au ménage',
      'Aller vers le ménage',
      'Diagnostic',
      'Plan d’aide',
      'Suivi du plan',
      'Passage au droit commun',
    ]);
    expect(fin.echeances.find((x) => x.id === 'information_partenaires')!.statut).toBe('tenue');
  });

  it('IML (concarneau-iml) : logement, loyer du mois, visite à domicile, fin de mesure', async () => {
    const programme = CATALOGUE.trouver('concarneau-iml')!;
    const { workflowId, ref } = await lancer(
      programme.id,
      { candidature: { structure: 'chrs', pretASortir: true, budgetTravaille: true, typologieRecherchee: 'T2' } },
      'concarneau-iml--bailleur',
    );
    const handle = handleDe(workflowId);
    const demande = (await jusqua(handle, (e) => e.demandes.some((d) => d.role === 'siao' && d.statut === 'en_attente'), 'demande au SIAO')).demandes.find(
      (d) => d.role === 'siao',
    )!;
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision: 'approuve' }],
    });
    await etape(workflowId, 'recherche_logement');
    const jour = jourDeParis(new Date());
    const bailleur = 'agence@opac-cornouaille.example';
    await enchainer(workflowId, [
      [
        'logement',
        {
          bailleur: { type: 'public', nom: 'OPAC de Quimper Cornouaille', courriel: bailleur, conventionne: true },
          adresse: '4 impasse des Mouettes, 29900 Concarneau',
          typologie: 'T2',
          debutBailPrincipal: jour,
          debutSousLocation: jour,
        },
        'sous_location',
      ],
      ['loyer', { mois: jour.slice(0, 7), statut: 'paye' }, 'sous_location'],
      ['rendez-vous', { nature: 'visite_domicile', axes: ['budget'] }, 'sous_location'],
      ['fin-mesure', { issue: 'depart_du_logement', motif: 'Départ pour un logement plus grand' }, 'cloture'],
    ]);

    await courriel(bailleur, ref, 'Sous-location en bail glissant : début de la mesure');
    await courriel(bailleur, ref, 'Fin de la mesure IML sans glissement du bail');
    const fin: EtatParcours = await handle.result();
    expect(fin.cloture!.issue).toBe('depart_du_logement');
    expect(fin.details.loyers).toMatchObject({ payes: 1 });
    expect(etapesDuJournal(fin).slice(-2)).toEqual(['Recherche du logement (bail principal et sous-location)', 'Sous-location et accompagnement']);
  });

  it('protocole (reims-april-protocole) : signature, paiement du premier mois, rupture, orientation, clôture', async () => {
    const programme = CATALOGUE.trouver('reims-april-protocole')!;
    const jugement = jourDeParis(new Date(Date.now() - 40 * 86_400_000));
    // Trois bailleurs porteurs d'APRIL : le lancement nomme celui du ménage (Reims Habitat).
    const { workflowId, ref } = await lancer(
      programme.id,
      { resiliation: { jugementDu: jugement, juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 } },
      `${programme.id}--bailleur`,
    );
    await etape(workflowId, 'signature_protocole');
    const jour = jourDeParis(new Date());
    await enchainer(workflowId, [
      ['signature-protocole', signatureDu(jour), 'suivi_protocole'],
      ['paiement', { mois: jour.slice(0, 7), statut: 'paye' }, 'suivi_protocole'],
      ['rupture', { motif: 'Le bailleur reprend le logement' }, 'rupture', 'coord.essai'],
      ['orientation', { dispositif: 'residence_sociale' }, 'rupture'],
      ['cloture', { issue: 'orientation_hebergement' }, 'cloture'],
    ]);

    const p = programme.partenaires;
    await courriel(p.ccapex!.courriel, ref, 'Protocole de cohésion sociale signé');
    await courriel(p.bailleur!.courriel, ref, 'Protocole enregistré : calendrier des paiements');
    await courriel(p.prefecture!.courriel, ref, 'Rupture du protocole de cohésion sociale');
    await courriel(p.ccapex!.courriel, ref, 'Fin de l’accompagnement');
    const fin: EtatParcours = await handleDe(workflowId).result();
    expect(fin.cloture!.issue).toBe('orientation_hebergement');
    expect(fin.details.paiements).toMatchObject({ moisRegles: 0, payes: 1 });
    expect(etapesDuJournal(fin)).toEqual([
      'Signature du protocole par le bailleur et l’occupant',
      'Protocole en cours : intermédiation et accompagnement renforcé',
      'Protocole rompu : orientation du ménage (hébergement, résidence sociale, logement adapté)',
    ]);
  });

  it('protocole : un mois manqué, un avenant, la régularisation, puis la clôture ; les alertes partent après les réponses', async () => {
    const programme = CATALOGUE.trouver('reims-april-protocole')!;
    const jugement = jourDeParis(new Date(Date.now() - 40 * 86_400_000));
    // Trois bailleurs porteurs d'APRIL : le lancement nomme celui du ménage (Reims Habitat).
    const { workflowId, ref } = await lancer(
      programme.id,
      { resiliation: { jugementDu: jugement, juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 } },
      `${programme.id}--bailleur`,
    );
    await etape(workflowId, 'signature_protocole');
    const jour = jourDeParis(new Date());
    const mois = jour.slice(0, 7);
    await enchainer(workflowId, [
      ['signature-protocole', signatureDu(jour), 'suivi_protocole'],
      ['paiement', { mois, statut: 'impaye', montant: 0 }, 'suivi_protocole'],
      ['avenant', { signeLe: jour, prolongationMois: 6, planApurement: { dette: 2400, mensualite: 80 } }, 'suivi_protocole'],
      ['paiement', { mois, statut: 'paye' }, 'suivi_protocole'],
      ['rupture', { motif: 'Le bailleur reprend le logement' }, 'rupture', 'coord.essai'],
      ['orientation', { dispositif: 'residence_sociale' }, 'rupture'],
      ['cloture', { issue: 'orientation_hebergement' }, 'cloture'],
    ]);

    // Les courriels des messages déjà répondus partent tous, la clôture les attend.
    const p = programme.partenaires;
    await courriel(p.bailleur!.courriel, ref, 'Avenant au protocole');
    await courriel(p.ccapex!.courriel, ref, 'Avenant au protocole');
    const fin: EtatParcours = await handleDe(workflowId).result();
    expect(fin.cloture!.issue).toBe('orientation_hebergement');
    expect(fin.details.paiements).toMatchObject({ payes: 1, impayes: 0 });
    await essai.banc.courriels.waitFor((m) => m.sujet.includes(ref) && m.sujet.startsWith('Paiement manqué'), { timeoutMs: 25_000 });
    const alertes = essai.banc.courriels.messages().filter((m) => m.sujet.includes(ref) && m.sujet.startsWith('Paiement manqué'));
    expect(alertes, 'une alerte au travailleur social pour le mois manqué').toHaveLength(1);
    const journal = fin.journal.map((e) => e.type);
    expect(journal.indexOf('avenant')).toBeLessThan(journal.indexOf('cloture'));
  });
});
