/**
 * Parcours « protocole post-résiliation » (reims-april-protocole) sur le vrai serveur Temporal :
 * protocole respecté puis nouveau bail ; nouveau bail en retard (rappels, escalade) ; rupture
 * après des manquements répétés ; rupture pendant la trêve hivernale ; avenants dans et hors du
 * cadre légal ; clôture en échec refusée sans orientation ; protocole en plusieurs exécutions
 * (continue-as-new ; les 5 ans : test/protocole-cinq-ans.test.ts) ; liens de paiement mensuels par courriel (vrai
 * SMTP), réponses par la mise à jour ou par la page du lien ; historiques de rejeu enregistrés ici (rejoués par test/rejeu.test.ts).
 *
 * Chaque parcours a sa propre horloge (saut de temps par workflow) : un test l'avance
 * (`avancerJusqua`) jusqu'aux dates que le parcours fixe lui-même — début du protocole et délais
 * du programme, échéances suivies — calculées depuis son heure (`heureDuParcours`). Les tests
 * sont indépendants les uns des autres et de la date du jour.
 */
import { SA } from '../domain/attributs-recherche';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { AnnuairePartenaires } from '../personnel/organisations';
import { baseEssai } from './outils/base';
import { demarrerApiEssai, type ApiEssai } from './outils/api';
import { DOSSIER_HISTORIQUES, ecrireHistorique, enObjet, enregistrementDemande, enregistrerALaFin, patchsNotes } from './outils/historiques';
import { cloreAnticipeUpdate, envoyerDocumentAuMenageUpdate, etatQuery } from '../domain/messages';
import { lirePdf } from './outils/pdf';
import {
  BAILLEUR,
  CAF,
  CCAPEX,
  COORDINATION,
  DELAIS,
  LIEN,
  PREFECTURE,
  PROGRAMME,
  TS,
  attendreCourriel,
  aujourdhui,
  bancDuProtocole,
  courrielsA,
  dossier,
  etape,
  jourDe,
  jusquauLienDuMois,
  lancer,
  moisApres,
  moisPaye,
  moisRegles,
  msg,
  premierJourDeTreve,
  refus,
  repondre,
  reprise,
  sansSecret,
  signatureDu,
  signer,
  verificationAnnoncee,
  verificationConsignee,
  verificationDuMois,
} from './outils/protocole';
import {
  accompagnementUpdate,
  avenantUpdate,
  cloturerProtocoleUpdate,
  commentairePaiement,
  lireMontantPaiement,
  nouveauBailUpdate,
  orientationUpdate,
  paiementUpdate,
  ruptureUpdate,
  type Avenant,
  type SignatureProtocole,
} from '../domain/protocole';
import type { EtatParcours } from '../domain/vocabulaire';
import { ficheDepuisEtat } from '../domain/indicateurs';
import { ajouterDuree, auxHeuresOuvrees, dateEnFrancais, finDuJour, heureDeParis, jourDeParis, minuitDeParis, retirerDuree } from '../domain/durees';
import { deMois, moisEnFrancais, motifAvenant, motifSignature, phraseTreve, treveHivernale } from '../workflows/protocole-post-resiliation';
import type { CourrielRecu } from '../dev/mail-catcher';
import { Consentements } from '../sms';
import {
  CATALOGUE,
  COFFRE,
  SIGNEUR,
  apres,
  avancerJusqua,
  echeanceSuivie,
  heureDuParcours,
  jusqua,
  lancerAvance,
  monterBanc,
  prochain,
  repos,
  requete,
  terminer,
  type Banc,
  rappelAttendu,
  jusquALAlerte,
  prochainesVingtHeures,
} from './outils/environnement';

let banc: Banc;
let api: ApiEssai;

beforeAll(async () => {
  banc = await monterBanc();
  bancDuProtocole(banc);
  api = await demarrerApiEssai(banc);
});
afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

// ---- Outils : test/outils/protocole.ts, et ceux-ci, propres à ce fichier ------------------------

/**
 * Un protocole de 3 mois dont la rupture est enregistrée pendant le bilan du dernier mois : le
 * courriel du bilan au bailleur est retenu (serveur lent) le temps du message.
 */
async function ruptureAuDernierMois(reference?: string) {
  const { handle, ref } = await lancer({ reference });
  await etape(handle, 'signature_protocole');
  await signer(handle, { dureeMois: 3 });
  await moisPaye(handle);
  await moisPaye(handle);
  const lacher = banc.retenirCourriels((objet) => objet.startsWith('Bilan du protocole') && objet.includes(ref));
  try {
    await moisPaye(handle);
    const reponse = await handle.executeUpdate(ruptureUpdate, { args: [msg({ motif: 'Troubles de voisinage répétés' }, 'coord.essai')] });
    return { handle, ref, reponse };
  } finally {
    lacher();
  }
}

/**
 * Un protocole de 12 mois, deux mois impayés : le bailleur est invité à constater la rupture. Rend
 * le parcours et cette invitation (son identifiant de demande), et l'état d'alors.
 */
async function invitationAConstaterLaRupture(reference?: string) {
  const { handle, ref } = await lancer({ reference });
  await etape(handle, 'signature_protocole');
  await signer(handle, { dureeMois: 12 });
  await moisPaye(handle, 'refuse');
  await moisPaye(handle, 'refuse');
  const invite = (d: EtatParcours['demandes'][number]) => d.statut === 'en_attente' && d.objet.startsWith('Manquements répétés');
  const etat = await jusqua(handle, (e) => e.demandes.some(invite), 'demande au bailleur de constater la rupture');
  return { handle, ref, etat, invitation: etat.demandes.find(invite)!.id };
}

/**
 * Le bailleur invité à constater la rupture l'approuve par son lien pendant que la demande de
 * paiement du mois suivant part (courriel retenu : serveur lent). Rend l'état lu aussitôt après sa réponse.
 */
async function ruptureConstateePendantLePaiement(reference?: string) {
  const { handle, ref, etat, invitation } = await invitationAConstaterLaRupture(reference);
  const debut = (etat.details.protocole as { debut: string }).debut;
  const lacher = banc.retenirCourriels((objet) => objet.startsWith('Paiement') && objet.includes(ref));
  try {
    await lancerAvance(banc, handle, apres(verificationDuMois(debut, 2)).getTime() - (await heureDuParcours(handle)).getTime());
    await jusqua(handle, (e) => e.demandes.some((d) => d.statut === 'en_attente' && d.objet.startsWith('Paiement')), 'demande de paiement en cours d’envoi');
    await repondre(handle, invitation, 'approuve', 'Aucun versement depuis deux mois');
    return { handle, ref, aussitot: await handle.query(etatQuery) };
  } finally {
    lacher();
  }
}

/** Le bailleur invité à constater la rupture l'approuve par son lien à `quand(maintenant)` (horloge du parcours avancée). */
async function ruptureConstateeA(quand: (maintenant: Date) => Date, reference?: string) {
  const { handle, ref, invitation } = await invitationAConstaterLaRupture(reference);
  await avancerJusqua(banc, handle, quand(await heureDuParcours(handle)));
  await repondre(handle, invitation, 'approuve', 'Aucun versement depuis deux mois');
  return { handle, ref };
}

const appel = (methode: 'GET' | 'POST', chemin: string, formulaire?: Record<string, string>) => api.appel(methode, chemin, { formulaire });
function jetonDe(m: CourrielRecu): string {
  const x = LIEN.exec(m.texte);
  expect(x, m.texte).not.toBeNull();
  return x![1]!;
}

// ---- Les règles ---------------------------------------------------------------------------------

describe('règles', () => {
  it('trêve hivernale : du 1er novembre au 31 mars, jusqu’au 31 mars suivant', () => {
    expect(treveHivernale(new Date('2026-11-20T10:00:00Z'))).toEqual({ enCours: true, jusquau: '2027-03-31' });
    expect(treveHivernale(new Date('2027-02-03T10:00:00Z'))).toEqual({ enCours: true, jusquau: '2027-03-31' });
    expect(treveHivernale(new Date('2027-04-01T10:00:00Z'))).toEqual({ enCours: false, prochaine: '2027-11-01' });
    expect(treveHivernale(new Date('2027-10-31T23:30:00Z'))).toMatchObject({ enCours: true }); // minuit passé à Paris
    expect(phraseTreve(new Date('2026-12-01T10:00:00Z'), 'La rupture')).toContain('aucune expulsion avant le 31 mars 2027');
  });
  it('la signature : tous les manques dits ensemble, avec les dates permises (à plusieurs dates injectées)', () => {
    const programme = CATALOGUE.trouver('reims-april-protocole')!;
    const signature = (x: Partial<SignatureProtocole>): SignatureProtocole => ({
      requestId: 'r',
      par: 'ts.alice',
      ...signatureDu('2026-12-01', { dureeMois: 24, ...x }),
    });
    const le4decembre = new Date('2026-12-04T10:00:00Z');
    expect(motifSignature(signature({}), programme, le4decembre)).toBeUndefined();
    const trois = motifSignature(signature({ signataires: { bailleur: true, occupant: false }, debut: '2026-09-01', dureeMois: 30 }), programme, le4decembre)!;
    expect(trois).toContain('les deux signatures sont requises.');
    expect(trois).toContain('Le protocole doit commencer entre le 3 novembre 2026 et le 6 mars 2027');
    expect(trois).toContain('30 mois demandés');
    // Une année bissextile et un changement d'heure entre les bornes : les dates restent justes.
    const le15fevrier2028 = new Date('2028-02-15T10:00:00Z');
    expect(motifSignature(signature({ signeLe: '2028-02-15', debut: '2027-12-01' }), programme, le15fevrier2028)).toContain(
      'entre le 15 janvier 2028 et le 17 mai 2028',
    );
    // Chaque manque, seul : signé demain, commencé plus de trois mois après, sans indemnité, une dette négative, aucune durée.
    const seul = (x: Partial<SignatureProtocole>) => motifSignature(signature(x), programme, le4decembre);
    expect(seul({ signeLe: '2026-12-05' })).toBe('La date de signature ne peut pas être dans le futur.');
    expect(seul({ signeLe: '2026-12-04', debut: '2027-03-07' })).toMatch(/^Le protocole doit commencer entre le 3 novembre 2026 et le 6 mars 2027/);
    expect(seul({ signeLe: '2026-12-04', debut: '2027-03-06' })).toBeUndefined();
    expect(seul({ indemniteOccupation: 0 })).toBe('L’indemnité d’occupation mensuelle (en euros) est requise.');
    expect(seul({ planApurement: { dette: -1, mensualite: 100 } })).toBe('Le plan d’apurement précise la dette (en euros) et la mensualité convenue.');
    expect(seul({ planApurement: { dette: 0, mensualite: 100 } })).toBeUndefined();
    expect(seul({ dureeMois: 0 })).toBe('Durée du protocole invalide (en mois, 1 au moins).');
  });

  it('l’avenant : une durée, une date passée, un plan renégocié, une indemnité positive si elle change ; 3 ans au plus après le protocole', () => {
    const programme = CATALOGUE.trouver('reims-april-protocole')!;
    const s = { protocole: { signeLe: '2026-12-01', debut: '2026-12-01', dureeMois: 24, indemniteOccupation: 420 }, avenants: [] };
    const le = new Date('2028-06-10T10:00:00Z');
    const avenant = (x: Partial<Avenant>): Avenant => ({
      requestId: 'r',
      par: 'ts.alice',
      signeLe: '2028-06-10',
      prolongationMois: 12,
      planApurement: { dette: 1200, mensualite: 50 },
      ...x,
    });
    expect(motifAvenant(avenant({}), s, programme, le)).toBeUndefined();
    expect(motifAvenant(avenant({ prolongationMois: 0 }), s, programme, le)).toBe('Durée de la prolongation invalide (en mois, 1 au moins).');
    expect(motifAvenant(avenant({ signeLe: '2028-06-11' }), s, programme, le)).toBe(
      'Date de signature de l’avenant attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.',
    );
    expect(motifAvenant(avenant({ planApurement: { dette: 1200, mensualite: 0 } }), s, programme, le)).toContain('la nouvelle mensualité');
    expect(motifAvenant(avenant({ indemniteOccupation: 0 }), s, programme, le)).toBe('Indemnité d’occupation invalide.');
    expect(motifAvenant(avenant({ indemniteOccupation: 390 }), s, programme, le)).toBeUndefined();
    expect(motifAvenant(avenant({ prolongationMois: 36 }), s, programme, le)).toBeUndefined();
    expect(motifAvenant(avenant({ prolongationMois: 37 }), s, programme, le)).toContain('Prolongation possible : 36 mois au plus.');
  });

  it('le montant reçu voyage dans le commentaire de la réponse au lien', () => {
    expect(commentairePaiement(412.5, 'Versé le 5')).toBe('Montant reçu : 412,50 € — Versé le 5');
    expect(commentairePaiement(300)).toBe('Montant reçu : 300 €');
    expect(commentairePaiement(undefined, ' rien ')).toBe('rien');
    expect(lireMontantPaiement('Montant reçu : 412,50 € — Versé le 5')).toBe(412.5);
    expect(lireMontantPaiement('Montant reçu : 300 €')).toBe(300);
    expect(lireMontantPaiement('Reçu 300 €')).toBeUndefined();
  });
});

// ---- Les parcours --------------------------------------------------------------------------------

/**
 * Le calendrier d'un protocole commencé à des dates données (les prochaines occurrences) : chaque
 * mois a son lien de paiement, au bon mois, à travers le changement d'heure, la fin de février et
 * la fin d'année ; le bilan de 3 mois part au contrôle du 3e mois.
 */
describe('calendrier du protocole à des dates données', () => {
  const cas = [
    ['1er mars, passage à l’heure d’été pendant le 1er mois', prochain(1, 3, 9)],
    ['30 décembre, fin d’année puis février raccourci', prochain(30, 12, 9)],
    ['31 octobre, retour à l’heure d’hiver et entrée dans la trêve', prochain(31, 10, 9)],
  ] as const;
  it.each(cas.map(([nom, date]) => [`commencé le ${jourDe(date)} (${nom})`, date] as const))(
    '%s : un lien par mois, au bon mois ; bilan au 3e mois',
    async (_nom, date) => {
      const { handle, ref } = await lancer();
      await avancerJusqua(banc, handle, date);
      await signer(handle, { dureeMois: 4 });
      const debut = jourDe(date);
      for (let k = 0; k < 4; k++) {
        const { mois } = await jusquauLienDuMois(handle);
        expect(mois).toBe(moisApres(debut, k).slice(0, 7));
        const etat = await moisPaye(handle);
        expect((etat.details.paiements as { moisRegles: number }).moisRegles).toBe(k + 1);
        const bilans = courrielsA(BAILLEUR, ref).filter((m) => m.sujet.startsWith('Bilan du protocole'));
        if (k < 2) expect(bilans, `aucun bilan après ${k + 1} mois`).toHaveLength(0);
        else await attendreCourriel(BAILLEUR, ref, 'Bilan du protocole');
      }
      await terminer(handle);
    },
  );
});

describe('protocole post-résiliation', () => {
  it('un message de l’équipe règle le mois : le lien au bailleur est clos ; clôture anticipée par la coordination ; la page dit la prochaine vérification', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    await jusqua(handle, (e) => e.journal.some((x) => x.resume.includes('« Protocole de cohésion sociale à préparer')), 'courriel au travail social');
    // Dès la réponse de la signature, la page dit quand le premier mois sera vérifié (le lien au
    // bailleur, à 9 h un jour ouvré) et la visite à domicile attendue, sans attendre les courriels aux
    // partenaires (retenus ici : un serveur de courriel lent) ; le dossier en base le dit aussi.
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Protocole de cohésion sociale signé'));
    let debut: string;
    try {
      await signer(handle, { dureeMois: 6 });
      const juste = await handle.query(etatQuery);
      debut = (juste.details.protocole as { debut: string }).debut;
      expect(juste.details.prochaineVerification).toBe(verificationAnnoncee(debut, 0));
      expect(juste.echeances.find((x) => x.id === 'visite')?.statut).toBe('en_cours');
      expect(juste.journal.some((x) => x.resume.includes('« Protocole de cohésion sociale signé'))).toBe(false);
    } finally {
      lacher();
    }
    await jusqua(handle, (e) => e.journal.some((x) => x.resume.includes('« Protocole de cohésion sociale signé')), 'courriels de la signature');
    const attendue = (k: number) => verificationAnnoncee(debut, k);
    await jusqua(handle, (e) => e.details.prochaineVerification === attendue(0), 'prochaine vérification : le premier mois');
    expect(attendue(0)).toMatch(
      /^[a-zéû]+ \d{4} : le [a-z]+ \d{1,2}(er)? [a-zéû]+ \d{4} à 9 h, un lien au bailleur pour dire si l’indemnité et la mensualité sont reçues/,
    );
    const consignee = () => verificationConsignee(handle.workflowId);
    await vi.waitFor(async () => expect(await consignee()).toBe(attendue(0)), { timeout: 10_000, interval: 100 });
    const { demande, mois } = await jusquauLienDuMois(handle);
    const courriel = await attendreCourriel(BAILLEUR, ref, `Paiement ${deMois(mois)}`);
    // Le mois en mots, et les mois du protocole (six à partir de son début).
    const premier = ((await handle.query(etatQuery)).details.protocole as { debut: string }).debut.slice(0, 7);
    const dernier = new Date(Date.UTC(Number(premier.slice(0, 4)), Number(premier.slice(5, 7)) - 1 + 5, 1)).toISOString().slice(0, 7);
    expect(await refus(handle.executeUpdate(paiementUpdate, { args: [msg({ mois: '2000-01', statut: 'paye' as const })] }))).toBe(
      `Le mois de janvier 2000 n’est pas un mois du protocole, qui va ${deMois(premier)} à ${moisEnFrancais(dernier)}.`,
    );
    const r = await handle.executeUpdate(paiementUpdate, { args: [msg({ mois, statut: 'impaye' as const, montant: 200, commentaire: 'Dette de jeu' })] });
    expect(r).toMatchObject({ etape: 'suivi_protocole', impayesConsecutifs: 1 });
    const etat = await jusqua(handle, (e) => e.demandes.find((d) => d.id === demande.id)!.statut === 'expiree');
    // Le mois réglé, la page dit le suivant.
    await jusqua(handle, (e) => e.details.prochaineVerification === attendue(1), 'prochaine vérification : le deuxième mois');
    expect(etat.details.paiements).toMatchObject({ moisRegles: 1, impayes: 1, montantRecu: 200 });
    expect(etat.echeances.filter((x) => x.id === `validation:${demande.id}`).every((x) => x.statut === 'annulee')).toBe(true);
    // Close avant son échéance, le mois réglé : ni « sans réponse », ni « close depuis » une date à venir.
    const close = etat.demandes.find((d) => d.id === demande.id)!;
    expect(close.fermee).toEqual({ le: expect.any(String), raison: 'paiement enregistré par l’équipe' });
    const page = await appel('GET', `/liens/${jetonDe(courriel)}`);
    expect(page.texte).toContain('Ce lien n’est plus utilisable');
    expect(page.texte).toContain(`a été clos le ${dateEnFrancais(new Date(close.fermee!.le))} : paiement enregistré par l’équipe.`);
    expect(await refus(repondre(handle, demande.id, 'approuve', 'Montant reçu : 300 €'))).toBe(
      `Cette demande a été close le ${dateEnFrancais(new Date(close.fermee!.le))} (paiement enregistré par l’équipe) : il n’est plus possible d’y répondre.`,
    );
    await attendreCourriel(TS, ref, 'Paiement manqué');
    const clore = () =>
      handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Le ménage part en résidence sociale' }] });
    expect(await refus(clore())).toContain('enregistrez d’abord son orientation');
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const })] });
    await clore();
    const fin = await jusqua(handle, (e) => !!e.cloture);
    expect(fin.cloture!.issue).toBe('cloture_anticipee');
    // Clos pendant l'attente du mois suivant : plus de vérification annoncée, ni sur la page ni au dossier.
    expect(fin.details.prochaineVerification).toBeUndefined();
    await vi.waitFor(async () => expect(await consignee()).toBeUndefined(), { timeout: 10_000, interval: 100 });
    const avis = await attendreCourriel(PREFECTURE, ref, 'Fin de l’accompagnement : Clôture anticipée');
    expect(avis.texte).toContain('La fin du protocole intervient');
    sansSecret(courrielsA(BAILLEUR, ref));
  });

  it('le parcours refuse lui-même, avec sa raison, les messages de l’équipe qui ne se tiennent pas (quel que soit le client qui les envoie) ; rien ne change', async () => {
    const { handle } = await lancer();
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 12 });
    await etape(handle, 'suivi_protocole');
    await repos(handle); // les courriels de la signature partis
    const avant = await handle.query(etatQuery);
    const debut = (avant.details.protocole as { debut: string }).debut;
    const demain = jourDe(ajouterDuree(minuitDeParis(await aujourdhui(handle)), 'PT36H'));
    // Le message tel qu'un client quelconque l'enverrait, sans le formulaire ni l'API (types non vérifiés).
    const envoyer = (update: { name: string }, x: object, par?: string) => refus(handle.executeUpdate(update.name, { args: [msg(x, par)] }));
    // Une seconde signature : le protocole est signé, son calendrier ne repart pas.
    expect(await refus(signer(handle, { dureeMois: 6 }))).toContain('n’est pas attendu');
    // Un rendez-vous daté de demain ; un paiement négatif, d'un mois après le protocole ou pas encore commencé.
    expect(await envoyer(accompagnementUpdate, { nature: 'rendez_vous', le: demain })).toBe('Date attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.');
    expect(await envoyer(paiementUpdate, { mois: debut.slice(0, 7), statut: 'paye', montant: -5 })).toBe('Montant invalide (en euros, positif).');
    const apresLeTerme = moisApres(debut, 12).slice(0, 7);
    expect(await envoyer(paiementUpdate, { mois: apresLeTerme, statut: 'paye' })).toMatch(
      new RegExp(`^Le mois ${deMois(apresLeTerme)} n’est pas un mois du protocole, qui va ${deMois(debut.slice(0, 7))} à `),
    );
    const suivant = moisApres(debut, 1).slice(0, 7);
    expect(await envoyer(paiementUpdate, { mois: suivant, statut: 'paye' })).toBe(`Le mois ${deMois(suivant)} n’a pas encore commencé.`);
    // Une rupture sans vrai motif, ou décidée demain ; un relogement sans dire lequel.
    expect(await envoyer(ruptureUpdate, { motif: ' ab ' }, 'coord.essai')).toBe('Le motif de la rupture décidée par le bailleur est requis.');
    expect(await envoyer(ruptureUpdate, { motif: 'Troubles de voisinage', decideeLe: demain }, 'coord.essai')).toBe(
      'Date de la décision attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.',
    );
    expect(await envoyer(cloturerProtocoleUpdate, { issue: 'relogement_ou_mutation', motif: ' – ' })).toBe(
      'Précisez le relogement ou la mutation (motif requis).',
    );
    const apres = await handle.query(etatQuery);
    expect(apres.etape).toBe('suivi_protocole');
    expect(apres.cloture).toBeUndefined();
    expect(apres.details.protocole).toEqual(avant.details.protocole);
    expect(apres.details.paiements).toEqual(avant.details.paiements);
    expect(apres.details.rupture).toBeUndefined();
    expect(apres.journal.map((x) => x.type)).toEqual(avant.journal.map((x) => x.type));
    await terminer(handle);
  });

  it('clôture anticipée pendant qu’un paiement est demandé au bailleur : effet immédiat, demande close, son lien le dit', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 6 });
    const { demande, mois } = await jusquauLienDuMois(handle);
    const courriel = await attendreCourriel(BAILLEUR, ref, `Paiement ${deMois(mois)}`);
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const })] });
    const r = await handle.executeUpdate(cloreAnticipeUpdate, {
      args: [{ requestId: requete(), par: 'coord.essai', motif: 'Le ménage part en résidence sociale' }],
    });
    expect(r).toMatchObject({ etape: 'cloture', cloture: { issue: 'cloture_anticipee' } });
    const etat = await handle.query(etatQuery).catch(() => undefined);
    if (etat) expect(etat.demandes.find((d) => d.id === demande.id)).toMatchObject({ statut: 'expiree', closeParClotureLe: etat.cloture!.le });
    // Le lien du mois ne sert plus : sa page le dit, un envoi ne change rien.
    const page = await appel('GET', `/liens/${jetonDe(courriel)}`);
    expect(page.texte).toContain('Ce lien n’est plus utilisable');
    expect(page.texte).toContain('L’accompagnement de ce ménage a pris fin le');
    expect(await refus(repondre(handle, demande.id, 'approuve', 'Montant reçu : 300 €'))).not.toBe('accepté');
  });

  it('l’occupant qui n’avait pas accepté les courriels à l’orientation reçoit ses engagements à l’adresse notée depuis dans son dossier ; sans accord, rien ne part et le journal n’en dit rien ; le résumé de son protocole lui part ensuite à sa demande', async () => {
    const sansCourriel = { courriel: undefined, accepteCourriel: false };
    const [donne, jamais] = await Promise.all([lancer({ menage: sansCourriel }), lancer({ menage: sansCourriel })]);
    await Promise.all([etape(donne.handle, 'signature_protocole'), etape(jamais.handle, 'signature_protocole')]);
    // Noté comme par la page du dossier (api/routes/contact-menage.ts) : l'accord et l'adresse, chiffrés.
    await new Consentements(banc.dependances.base, COFFRE).enregistrer(
      donne.handle.workflowId,
      { canal: 'courriel', accorde: true, courriel: 'occupant.tardif@essai.example' },
      'ts.alice',
    );
    // Le résumé du protocole n'existe qu'une fois le protocole signé : refusé, rien ne part.
    const envoiDuResume = () => msg({ document: 'resume-protocole' as const });
    expect(await refus(donne.handle.executeUpdate(envoyerDocumentAuMenageUpdate, { args: [envoiDuResume()] }))).toBe(
      'Le protocole n’est pas encore signé : son résumé sera disponible une fois la signature enregistrée.',
    );
    await Promise.all([signer(donne.handle), signer(jamais.handle)]);
    const auMenage = await banc.courriels.waitFor((m) => m.a.includes('occupant.tardif@essai.example'));
    expect(auMenage.sujet).toBe('Votre protocole de cohésion sociale est signé');
    expect(auMenage.texte).toContain('l’indemnité d’occupation de 420');
    const noteA = (h: WorkflowHandle) =>
      jusqua(h, (e) => e.journal.some((j) => j.resume.startsWith('Courriel au bailleur')), 'courriels de la signature notés au journal');
    const [e, sans] = await Promise.all([noteA(donne.handle), noteA(jamais.handle)]);
    expect(e.journal.map((j) => j.resume)).toContain(`Courriel à l’occupant : « Votre protocole de cohésion sociale est signé » (joint : Résumé du protocole)`);
    expect(sans.journal.filter((j) => j.type === 'courriel_impossible' || j.resume.startsWith('Courriel à l’occupant'))).toEqual([]);
    // Un seul à l'occupant hors de l'adresse d'orientation des autres essais : celui de l'accord noté au dossier.
    expect(
      banc.courriels.messages().filter((m) => m.sujet === 'Votre protocole de cohésion sociale est signé' && !m.a.includes('josiane.lefebure@exemple.fr')),
    ).toHaveLength(1);
    // Signé, son résumé lui part à l'adresse de son dossier, dans la version de l'occupant (PDF joint).
    expect(await donne.handle.executeUpdate(envoyerDocumentAuMenageUpdate, { args: [envoiDuResume()] })).toEqual({ envoi: 'en_cours' });
    const resume = await banc.courriels.waitFor(
      (m) => m.a.includes('occupant.tardif@essai.example') && m.sujet.endsWith(' : le résumé de votre protocole de cohésion sociale'),
    );
    expect(resume.texte).toContain('le résumé de votre protocole de cohésion sociale');
    expect(resume.piecesJointes.map((p) => [p.filename, p.contentType])).toEqual([[`resume-protocole-${donne.ref}.pdf`, 'application/pdf']]);
    const { plat } = await lirePdf(resume.piecesJointes[0]!.contenu);
    for (const t of ['Votre protocole de cohésion sociale', 'l’expulsion est suspendue', 'vous payez l’indemnité d’occupation de 420', 'Pour nous joindre'])
      expect(plat).toContain(t);
    // L'accompagnement compté par l'équipe n'est pas dans sa version.
    expect(plat).not.toContain('Médiation avec le bailleur');
    const journal = await jusqua(
      donne.handle,
      (e) => e.journal.some((j) => j.resume.includes(' : le résumé de votre protocole')),
      'envoi du résumé noté au journal',
    );
    // Nommé comme le parcours le nomme.
    expect(journal.journal.find((j) => j.resume.includes(' : le résumé de votre protocole'))!.resume).toMatch(/^Courriel à l’occupant : /);
  });

  it('protocole respecté sur toute sa durée (liens mensuels par courriel, page du lien), bilans au bailleur, puis nouveau bail signé', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    await attendreCourriel(TS, ref, 'Protocole de cohésion sociale à préparer');

    // Plus de 2 ans : refusé avec la raison ; une seule signature : refusé.
    expect(await refus(signer(handle, { dureeMois: 25 }))).toBe(
      'Un protocole de cohésion sociale dure 2 ans au plus (CCH, art. L353-15-2) : 25 mois demandés. Signez-le pour 2 ans au plus ; un avenant pourra le prolonger de 3 ans au plus si le plan d’apurement est renégocié.',
    );
    expect(await refus(signer(handle, { signataires: { bailleur: true, occupant: false } }))).toContain('les deux signatures sont requises');
    await signer(handle, { dureeMois: 4 });
    let etat = await etape(handle, 'suivi_protocole');
    // Le lien du premier mois : pas avant 9 h le jour de la vérification (le jour ouvré suivant s'il est chômé).
    const premierLien = verificationDuMois((etat.details.protocole as { debut: string }).debut, 0);
    await avancerJusqua(banc, handle, apres(premierLien, -1));
    expect((await handle.query(etatQuery)).demandes.some((d) => d.objet.startsWith('Paiement '))).toBe(false);
    expect(etat.details.protocole).toMatchObject({ dureeTotaleMois: 4, indemniteOccupation: 420, planApurement: { dette: 2400, mensualite: 100 } });
    // 4 mois à 100 € pour 2 400 € de dette : le journal dit ce qui restera au terme.
    expect(etat.journal.find((x) => x.type === 'signature_protocole')?.resume).toMatch(
      /plan d’apurement 100\s€ par mois ; à ce rythme, 2\s000\s€ de dette resteront à rembourser au terme du protocole : le plan d’apurement se poursuivra avec le nouveau bail$/,
    );
    for (const [a, sujet] of [
      [CCAPEX, 'Protocole de cohésion sociale signé'],
      [PREFECTURE, 'Protocole de cohésion sociale signé : expulsion suspendue'],
      [CAF, 'Protocole de cohésion sociale signé : reprise de l’aide au logement'],
      [BAILLEUR, 'Protocole enregistré'],
    ] as const) {
      await attendreCourriel(a, ref, sujet);
    }
    // L'occupant, qui accepte les courriels, reçoit ses engagements en mots simples (sans référence de dossier).
    // Le sien parmi ceux des autres essais (même adresse, sans référence de dossier) : par son résumé joint.
    const auMenage = await banc.courriels.waitFor(
      (m) =>
        m.a.includes('josiane.lefebure@exemple.fr') &&
        m.sujet === 'Votre protocole de cohésion sociale est signé' &&
        m.piecesJointes.some((p) => p.filename === `resume-protocole-${ref}.pdf`),
    );
    expect(auMenage.texte).toContain('l’indemnité d’occupation de 420');
    expect(auMenage.texte).toContain('Si vous respectez le protocole jusqu’au bout, votre bailleur vous proposera un nouveau bail.');
    // Avec le résumé de son protocole, dans sa version : à garder (patched('resume-a-l-occupant')).
    expect(auMenage.piecesJointes.map((p) => [p.filename, p.contentType])).toEqual([[`resume-protocole-${ref}.pdf`, 'application/pdf']]);
    const resumeJoint = (await lirePdf(auMenage.piecesJointes[0]!.contenu)).plat;
    expect(resumeJoint).toContain('Votre protocole de cohésion sociale');
    expect(resumeJoint).toContain('Pour nous joindre');
    await handle.executeUpdate(accompagnementUpdate, {
      args: [msg({ nature: 'visite_domicile' as const, note: 'Séparation récente, dépression : suivi CMP' })],
    });

    // Mois 1 : le lien arrive par courriel ; le bailleur répond par la page du lien.
    const { mois } = await jusquauLienDuMois(handle);
    const courriel = await attendreCourriel(BAILLEUR, ref, `Paiement ${deMois(mois)}`);
    expect(courriel.texte).toContain('Montant attendu : 520\u00a0€ (indemnité d’occupation 420\u00a0€, plan d’apurement 100\u00a0€).');
    const jeton = jetonDe(courriel);
    expect(SIGNEUR.verifier(jeton, await heureDuParcours(handle))).toMatchObject({ ok: true, claims: { action: 'paiement', role: 'bailleur' } });
    const page = await appel('GET', `/liens/${jeton}`);
    expect(page.status, page.texte).toBe(200);
    expect(page.texte).toContain('<label for="decision-approuve">Paiement reçu</label>');
    expect(page.texte).toContain('<label for="montant">Montant reçu en euros (facultatif)</label>');
    sansSecret([page]);
    const illisible = await appel('POST', `/liens/${jeton}`, { decision: 'approuve', montant: 'cinq cents' });
    expect(illisible.status).toBe(400);
    expect(illisible.texte).toContain('Montant reçu : un nombre en euros');
    const post = await appel('POST', `/liens/${jeton}`, { decision: 'approuve', montant: '520', commentaire: 'Virement du 3' });
    expect(post.status, post.texte).toBe(200);
    expect(post.texte).toContain('paiement reçu');
    etat = await jusqua(handle, (e) => moisRegles(e) === 1, 'premier mois réglé');
    expect(etat.demandes[0]).toMatchObject({ statut: 'approuvee', decision: { commentaire: 'Virement du 3', montant: 520 } });
    expect((await appel('GET', `/liens/${jeton}`)).texte).toContain('Ce paiement a déjà été indiqué');
    expect((await appel('POST', `/liens/${jeton}`, { decision: 'refuse' })).status).toBe(409);

    // Mois 2 et 3 par la mise à jour ; au 3e mois, le bilan au bailleur.
    await moisPaye(handle);
    await moisPaye(handle);
    const bilan = await attendreCourriel(BAILLEUR, ref, 'Bilan du protocole');
    expect(bilan.texte).toContain('3 mois payés, 0 manqués ; 1\u202f560\u00a0€ reçus sur 1\u202f560\u00a0€ attendus.');
    expect(bilan.texte).toContain('Plan d’apurement : reste dû 2\u202f100\u00a0€.');
    expect(bilan.texte).toContain('1 visite à domicile, 0 rendez-vous, 0 médiation avec vous.');
    // Le bilan parti (une activité, après la réponse du mois), le mois suivant est annoncé, au dossier
    // en base aussi, sans attendre un autre changement du parcours.
    const debut = (etat.details.protocole as { debut: string }).debut;
    await vi.waitFor(async () => expect(await verificationConsignee(handle.workflowId)).toBe(verificationAnnoncee(debut, 3)), {
      timeout: 10_000,
      interval: 100,
    });

    // Mois 4 : le terme, protocole respecté → nouveau bail dans les 3 mois.
    await moisPaye(handle);
    etat = await etape(handle, 'nouveau_bail');
    // Au terme, plus rien à vérifier.
    expect(etat.details.prochaineVerification).toBeUndefined();
    // Le bailleur reçoit le lien qui lui fait indiquer la signature (patched('nouveau-bail-par-lien')).
    const avis = await attendreCourriel(BAILLEUR, ref, 'Nouveau bail à signer avant le');
    expect(avis.texte).toContain('un délai de 3 mois au plus');
    expect(avis.texte).toContain('Indiquer la signature du nouveau bail');
    await attendreCourriel(PREFECTURE, ref, 'Protocole respecté');
    etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'nouveau_bail'));
    expect(etat.echeances.find((x) => x.id === 'nouveau_bail')).toMatchObject({ statut: 'en_cours', responsable: 'bailleur' });
    expect(await refus(handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const })] }))).toContain(
      'Pas de sortie sèche',
    );
    await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] });
    etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture).toMatchObject({ issue: 'nouveau_bail_signe' });
    expect(etat.details.paiements).toMatchObject({ payes: 4, impayes: 0, montantRecu: 2080 });
    // Enregistré par l'équipe : le lien du bailleur est clos, sa page le dit.
    expect(etat.demandes.find((d) => d.action === 'nouveau_bail')).toMatchObject({
      statut: 'expiree',
      fermee: { raison: 'nouveau bail enregistré par l’équipe' },
    });
    expect((await appel('GET', `/liens/${jetonDe(avis)}`)).texte).toContain('nouveau bail enregistré par l’équipe');
    await attendreCourriel(CAF, ref, 'Nouveau bail signé : fin du protocole');
    await attendreCourriel(CCAPEX, ref, 'Nouveau bail signé : fin du protocole');
    sansSecret(courrielsA(BAILLEUR, ref));
    expect(courrielsA(BAILLEUR, ref).length).toBeGreaterThanOrEqual(8);
  });

  it('nouveau bail enregistré pendant l’envoi des avis « protocole respecté » (serveur lent) : la clôture envoyée ensuite est refusée, l’issue reste le nouveau bail signé ; les avis déjà partis arrivent avant la fin', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 1 });
    // Le premier courriel « nouveau bail attendu » (à la CCAPEX) tarde ; le lien du bailleur part à côté.
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Protocole respecté : nouveau bail attendu') && objet.includes(ref));
    await moisPaye(handle);
    await etape(handle, 'nouveau_bail');
    expect(await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] })).toMatchObject({ etape: 'cloture' });
    expect(
      await refus(handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'relogement_ou_mutation' as const, motif: 'Mutation dans le parc' })] })),
    ).toBe('Le parcours est déjà clôturé.');
    lacher();
    const etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture!.issue).toBe('nouveau_bail_signe');
    // Les avis du respect partent ensemble, en une activité (patched('nouveau-bail-ensemble')) : déjà en
    // route quand le bail est enregistré, ils arrivent tous, puis la fin du protocole, dans cet ordre.
    await attendreCourriel(PREFECTURE, ref, 'Nouveau bail signé : fin du protocole');
    const aLaPrefecture = courrielsA(PREFECTURE, ref).map((m) => m.sujet);
    expect(aLaPrefecture.findIndex((x) => x.startsWith('Protocole respecté : nouveau bail attendu'))).toBeGreaterThanOrEqual(0);
    expect(aLaPrefecture.findIndex((x) => x.startsWith('Protocole respecté : nouveau bail attendu'))).toBeLessThan(
      aLaPrefecture.findIndex((x) => x.startsWith('Nouveau bail signé : fin du protocole')),
    );
    await attendreCourriel(TS, ref, 'Protocole respecté : nouveau bail à enregistrer');
  });

  it('rupture enregistrée pendant l’envoi de la demande de paiement du mois (courriel lent) : l’état la dit dès la réponse', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 3 });
    const debut = ((await etape(handle, 'suivi_protocole')).details.protocole as { debut: string }).debut;
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Paiement') && objet.includes(ref));
    try {
      await lancerAvance(banc, handle, apres(verificationDuMois(debut, 0)).getTime() - (await heureDuParcours(handle)).getTime());
      await jusqua(handle, (e) => e.demandes.some((d) => d.statut === 'en_attente' && d.objet.startsWith('Paiement')), 'demande de paiement en cours d’envoi');
      const reponse = await handle.executeUpdate(ruptureUpdate, { args: [msg({ motif: 'Dégradations dans les parties communes' }, 'coord.essai')] });
      expect(reponse).toMatchObject({ etape: 'rupture' });
      const aussitot = await handle.query(etatQuery);
      expect(aussitot.details.rupture).toMatchObject({ motif: 'Dégradations dans les parties communes', par: 'coordination' });
      expect(aussitot.journal.filter((x) => x.type === 'rupture')).toHaveLength(1);
    } finally {
      lacher();
    }
    const oriente = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'orientation'), 'échéance de l’orientation');
    expect(oriente.journal.filter((x) => x.type === 'rupture')).toHaveLength(1);
    await attendreCourriel(CCAPEX, ref, 'Rupture du protocole');
  });

  it('rupture constatée par le bailleur (son lien) pendant l’envoi de la demande de paiement du mois (courriel lent) : l’état la dit dès sa réponse', async () => {
    const { handle, ref, aussitot } = await ruptureConstateePendantLePaiement();
    expect(aussitot.etape).toBe('rupture');
    expect(aussitot.details.rupture).toMatchObject({ par: 'bailleur', motif: 'Aucun versement depuis deux mois' });
    expect(aussitot.journal.filter((x) => x.type === 'rupture')).toHaveLength(1);
    const oriente = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'orientation'), 'échéance de l’orientation');
    expect(oriente.journal.filter((x) => x.type === 'rupture')).toHaveLength(1);
    expect(oriente.details.rupture).toMatchObject({ par: 'bailleur' });
    await attendreCourriel(CCAPEX, ref, 'Rupture du protocole');
  });

  it('rupture enregistrée pendant le bilan du dernier mois (courriel lent) : elle compte, le terme ne l’efface pas', async () => {
    const { handle, ref, reponse } = await ruptureAuDernierMois();
    expect(reponse).toMatchObject({ etape: 'rupture' });
    const etat = await jusqua(handle, (e) => !!e.details.rupture, 'rupture enregistrée');
    expect(etat.etape).toBe('rupture');
    expect(etat.journal.some((x) => x.resume.startsWith('Étape : Protocole respecté'))).toBe(false);
    expect(courrielsA(BAILLEUR, ref).some((m) => m.sujet.startsWith('Protocole respecté'))).toBe(false);
  });

  it('le bailleur indique lui-même le nouveau bail par son lien (dates vérifiées) : le parcours se clôt à ses dates ; le lien ne sert qu’une fois', async () => {
    const { handle, ref } = await lancer();
    // Le bailleur du ménage, choisi au lancement parmi les trois d'APRIL : c'est lui qui reçoit les liens, et le journal le nomme.
    await new AnnuairePartenaires((await baseEssai()).db).choisirPourLancement(
      handle.workflowId,
      PROGRAMME.id,
      `${PROGRAMME.id}--bailleur-plurial-novilia`,
      'coord.essai',
    );
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 1 });
    await moisPaye(handle);
    await etape(handle, 'nouveau_bail');
    const avis = await attendreCourriel('contentieux@plurial-novilia.example', ref, 'Nouveau bail à signer avant le');
    const demandee = await jusqua(handle, (e) => e.journal.some((x) => x.type === 'validation_demandee' && x.resume.includes('Nouveau bail')));
    expect(demandee.journal.filter((x) => x.type === 'validation_demandee').at(-1)!.resume).toMatch(
      /^Demande envoyée au bailleur \(Plurial Novilia — service contentieux\) : « Nouveau bail à signer avant le/,
    );
    const jeton = jetonDe(avis);
    const page = await appel('GET', `/liens/${jeton}`);
    expect(page.status).toBe(200);
    expect(page.texte).toContain('Date de signature du nouveau bail (obligatoire)');
    const jour = await aujourdhui(handle);
    // Une date à venir, une prise d'effet avant la signature : refusées en français, rien ne change.
    const demain = jourDeParis(ajouterDuree(minuitDeParis(jour), 'P1D'));
    const futur = await appel('POST', `/liens/${jeton}`, { signeLe: demain });
    expect(futur.status).toBe(400);
    // Le parcours juge la date, à son heure : la page redonne le formulaire avec sa raison.
    expect(futur.texte).toContain(`La date de signature ne peut pas être après aujourd’hui (${dateEnFrancais(jour)}) : le bail doit être déjà signé.`);
    expect(futur.texte).toContain('Date de signature du nouveau bail (obligatoire)');
    const veille = jourDeParis(retirerDuree(minuitDeParis(jour), 'P1D'));
    // Le parcours juge aussi les dates d'un message de l'équipe : signé avant le début du protocole, ou à effet avant sa signature.
    const debutProtocole = ((await handle.query(etatQuery)).details.protocole as { debut: string }).debut;
    const avantLeProtocole = jourDeParis(retirerDuree(minuitDeParis(debutProtocole), 'P1D'));
    expect(await refus(handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: avantLeProtocole })] }))).toBe(
      'Le nouveau bail ne peut pas avoir été signé avant le début du protocole.',
    );
    expect(await refus(handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: jour, dateEffet: veille })] }))).toBe(
      'La prise d’effet du bail (AAAA-MM-JJ) ne peut pas précéder sa signature.',
    );
    const avant = await appel('POST', `/liens/${jeton}`, { signeLe: jour, dateEffet: veille });
    expect(avant.status).toBe(400);
    expect(avant.texte).toContain('La prise d’effet du bail ne peut pas précéder sa signature.');
    expect((await handle.query(etatQuery)).etape).toBe('nouveau_bail');
    const ok = await appel('POST', `/liens/${jeton}`, { signeLe: veille, commentaire: 'Bail signé en agence' });
    expect(ok.status, ok.texte).toBe(200);
    expect(ok.texte).toContain('La signature du nouveau bail est enregistrée');
    const etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture).toMatchObject({ issue: 'nouveau_bail_signe', motif: `signé le ${dateEnFrancais(veille)}` });
    expect(etat.details.nouveauBail).toEqual({ signeLe: veille, dateEffet: veille });
    expect(etat.journal.find((x) => x.type === 'nouveau_bail')).toMatchObject({ acteur: { type: 'partenaire', role: 'bailleur' } });
    expect(etat.echeances.find((x) => x.id === 'nouveau_bail')!.statut).toBe('tenue');
    expect(
      etat.echeances.some((x) => x.id.startsWith('validation:') && etat.demandes.find((d) => `validation:${d.id}` === x.id)?.action === 'nouveau_bail'),
    ).toBe(false);
    await attendreCourriel(CCAPEX, ref, 'Nouveau bail signé : fin du protocole');
    // Une seconde fois : le lien ne sert plus.
    const encore = await appel('GET', `/liens/${jeton}`);
    expect(encore.texte).toContain('La signature du nouveau bail a déjà été indiquée');
    expect((await appel('POST', `/liens/${jeton}`, { signeLe: veille })).status).toBe(409);
  });

  it('nouveau bail non signé dans les 3 mois : rappels au bailleur, escalade à la coordination à 9 h du jour ouvré suivant, signature tardive', async () => {
    const { handle, ref } = await lancer();
    // Le bailleur indique le paiement du mois à 20 h : le délai légal court de ce soir-là et passe un soir.
    await unMoisPayeAVingtHeures(handle);
    const respecte = await etape(handle, 'nouveau_bail');
    // Le délai court du respect du protocole ; les rappels aux intervalles du programme (1 et 2 mois).
    const depuis = new Date(respecte.details.protocoleRespecteLe as string);
    const echeance = await echeanceSuivie(handle, 'nouveau_bail');
    expect(echeance.due).toBe(ajouterDuree(depuis, DELAIS.nouveauBail!).toISOString());
    const [rappel1, rappel2] = PROGRAMME.rappelsValidation.map((r) => ajouterDuree(depuis, r));
    const rappels = () => courrielsA(BAILLEUR, ref).filter((m) => m.sujet.startsWith('Rappel — Nouveau bail à signer avant le'));
    await avancerJusqua(banc, handle, apres(rappel1!));
    await expect.poll(() => rappels().length, { timeout: 20_000 }).toBe(1);
    await avancerJusqua(banc, handle, apres(rappel2!));
    await expect.poll(() => rappels().length, { timeout: 20_000 }).toBe(2);
    const escalades = () => courrielsA(COORDINATION, ref).filter((m) => m.sujet.startsWith('Nouveau bail non signé'));
    expect(escalades()).toEqual([]);
    // Le délai passé à 20 h : l'échéance est dépassée aussitôt ; la coordination et le bailleur
    // l'apprennent à 9 h du jour ouvré suivant, pas une minute plus tôt.
    await avancerJusqua(banc, handle, apres(echeance.due));
    await echeanceSuivie(handle, 'nouveau_bail', 'depassee');
    const escaladeLe = auxHeuresOuvrees(new Date(echeance.due));
    expect(heureDeParis(escaladeLe).getUTCHours()).toBe(9);
    await avancerJusqua(banc, handle, apres(escaladeLe, -1));
    expect(escalades()).toEqual([]);
    expect(courrielsA(BAILLEUR, ref).some((m) => m.sujet.startsWith('Délai dépassé : nouveau bail à signer'))).toBe(false);
    await avancerJusqua(banc, handle, apres(escaladeLe));
    const escalade = await attendreCourriel(COORDINATION, ref, 'Nouveau bail non signé dans le délai de 3 mois');
    expect(escalade.texte).toContain('Le bailleur a reçu 2 rappels.');
    await attendreCourriel(BAILLEUR, ref, 'Délai dépassé : nouveau bail à signer');
    let etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'nouveau_bail' && x.statut === 'depassee'));
    expect((await handle.describe()).typedSearchAttributes.get(SA.enRetard)).toBe(true);
    await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) }, 'coord.essai')] });
    etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture!.issue).toBe('nouveau_bail_signe');
    expect(etat.journal.some((x) => x.resume === 'Échéance « Nouveau bail signé par le bailleur » tenue (en retard)')).toBe(true);
  });

  it('rupture après des manquements répétés : le travailleur social à chaque manquement, la coordination et le bailleur au 2e ; le bailleur constate la rupture par son lien ; orientation exigée avant la clôture', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 12 });
    await etape(handle, 'suivi_protocole');
    await handle.executeUpdate(accompagnementUpdate, { args: [msg({ nature: 'rendez_vous' as const, note: 'Dette de jeu évoquée' })] });
    let etat = await moisPaye(handle, 'refuse');
    await attendreCourriel(TS, ref, 'Paiement manqué');
    expect(courrielsA(COORDINATION, ref).some((m) => m.sujet.startsWith('Manquements répétés'))).toBe(false);
    // Réponse à l'ancienne (montant dans le commentaire, parcours lancés avant le champ `montant`) : encore lue.
    etat = await moisPaye(handle, 'refuse', commentairePaiement(100, 'Versement partiel'));
    expect(etat.details.paiements).toMatchObject({ impayes: 2, impayesConsecutifs: 2, montantRecu: 100 });
    await attendreCourriel(COORDINATION, ref, 'Manquements répétés au protocole : 2 mois impayés');
    const lien = await attendreCourriel(BAILLEUR, ref, 'Manquements répétés au protocole : 2 mois impayés — constater la rupture ?');
    expect(lien.texte).toMatch(LIEN);
    etat = await jusqua(handle, (e) => e.demandes.some((d) => d.statut === 'en_attente' && d.objet.startsWith('Manquements répétés')));
    const manquements = etat.demandes.find((d) => d.objet.startsWith('Manquements répétés'))!;

    // Le bailleur constate la rupture : CCAPEX et préfecture informées, trêve hivernale dite.
    await repondre(handle, manquements.id, 'approuve', 'Aucun versement depuis deux mois');
    etat = await etape(handle, 'rupture');
    // La trêve hivernale, ou non, au moment de la rupture pour le parcours.
    const phrase = phraseTreve(new Date(etat.journal.find((x) => x.type === 'rupture')!.date), 'La rupture');
    for (const a of [CCAPEX, PREFECTURE, BAILLEUR]) {
      const avis = await attendreCourriel(a, ref, 'Rupture du protocole de cohésion sociale');
      expect(avis.texte).toContain('Aucun versement depuis deux mois');
      expect(avis.texte).toContain(phrase);
      expect(avis.texte).toContain('pas de sortie sèche');
    }
    expect(etat.details.rupture).toMatchObject({ par: 'bailleur', motif: 'Aucun versement depuis deux mois' });
    await attendreCourriel(TS, ref, 'Rupture du protocole : orientation du ménage à enregistrer');

    // Clôture en échec : refusée sans orientation, acceptée après.
    expect(await refus(handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const })] }))).toBe(
      'Le maintien dans le logement a échoué : enregistrez d’abord l’orientation du ménage vers un hébergement, une résidence sociale ou un logement adapté. Pas de sortie sèche.',
    );
    expect(
      await refus(
        handle.executeUpdate(avenantUpdate, {
          args: [msg({ signeLe: await aujourdhui(handle), prolongationMois: 6, planApurement: { dette: 2000, mensualite: 80 } })],
        }),
      ),
    ).toContain('n’est pas attendu');
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const, precision: 'Foyer Saint-Jean' })] });
    await handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const, motif: 'Place obtenue' })] });
    etat = await jusqua(handle, (e) => !!e.cloture);
    expect(etat.cloture).toMatchObject({ issue: 'orientation_hebergement', motif: 'Orientation : résidence sociale' });
    expect(etat.echeances.every((x) => x.statut !== 'en_cours')).toBe(true);
    const fin = await attendreCourriel(CCAPEX, ref, 'Fin de l’accompagnement : Orientation hébergement');
    expect(fin.texte).toContain('Le ménage est orienté vers : résidence sociale.');
    const finBailleur = await attendreCourriel(BAILLEUR, ref, 'Fin de l’accompagnement');
    expect(finBailleur.texte).not.toContain('résidence sociale');
    sansSecret(courrielsA(BAILLEUR, ref));
  });

  it('la rupture constatée par le bailleur à 0 h 30 (heure de Paris) est de ce jour-là, pas de la veille : état, journal, fiche', async () => {
    const { handle } = await ruptureConstateeA((maintenant) => new Date(minuitDeParis(jourDe(ajouterDuree(maintenant, 'P1D'))).getTime() + 30 * 60_000));
    const etat = await etape(handle, 'rupture');
    const reponse = await heureDuParcours(handle);
    expect(heureDeParis(reponse).getUTCHours(), 'réponse entre minuit et 1 h à Paris').toBe(0);
    const jourDeLaReponse = jourDe(reponse);
    expect(etat.details.rupture).toMatchObject({ decideeLe: jourDeLaReponse, par: 'bailleur' });
    expect(etat.journal.find((x) => x.type === 'rupture')!.resume).toContain(`décidée par le bailleur le ${dateEnFrancais(jourDeLaReponse)}`);
    // La fiche d'indicateurs compte la rupture ce jour-là (le mois d'un 1er reste le sien).
    expect(ficheDepuisEtat(etat).protocole).toMatchObject({ rompuLe: `${jourDeLaReponse}T00:00:00.000Z` });
    await terminer(handle);
  });

  it('protocole non signé dans le délai que le programme se donne : rappel au travailleur social à 9 h, alerte à la coordination le jour ouvré suivant à 9 h ; la signature tardive le tient en retard', async () => {
    // reims-april-protocole ne fixe pas ce délai ; un programme qui le règle (un mois) l'a suivi.
    expect(DELAIS.signatureProtocole).toBeUndefined();
    const { handle, ref } = await lancer({ delais: { signatureProtocole: 'P1M' } });
    await etape(handle, 'signature_protocole');
    const signature = await echeanceSuivie(handle, 'signature_protocole');
    const libelle = 'Protocole signé par le bailleur et l’occupant';
    const ouverte = (await handle.query(etatQuery)).journal.find((x) => x.type === 'echeance_ouverte' && x.resume.includes(libelle))!;
    expect(signature.due).toBe(finDuJour(ajouterDuree(new Date(ouverte.date), 'P1M')).toISOString());
    // Le travailleur social lit cette date limite dans le courriel qui lui demande de préparer le protocole.
    const aPreparer = await attendreCourriel(TS, ref, 'Protocole de cohésion sociale à préparer');
    expect(aPreparer.texte).toContain(`Protocole signé attendu au plus tard le ${dateEnFrancais(signature.due)}.`);
    const rappelLe = rappelAttendu(signature.due, DELAIS.rappelAvant!, await heureDuParcours(handle));
    await avancerJusqua(banc, handle, apres(rappelLe, -60));
    expect(courrielsA(TS, ref).some((m) => m.sujet.startsWith(`Rappel : ${libelle}`))).toBe(false);
    await avancerJusqua(banc, handle, apres(rappelLe));
    await attendreCourriel(TS, ref, `Rappel : ${libelle} au plus tard le ${dateEnFrancais(signature.due)}`);
    await avancerJusqua(banc, handle, apres(signature.due, -1));
    expect(courrielsA(COORDINATION, ref).some((m) => m.sujet.startsWith(`Échéance dépassée : ${libelle}`))).toBe(false);
    await avancerJusqua(banc, handle, apres(signature.due));
    await jusquALAlerte(banc, handle, 'signature_protocole');
    await attendreCourriel(COORDINATION, ref, `Échéance dépassée : ${libelle}`);
    await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'signature_protocole' && x.statut === 'depassee'), 'signature en retard');
    await signer(handle, { dureeMois: 6 });
    const etat = await etape(handle, 'suivi_protocole');
    expect(etat.echeances.find((x) => x.id === 'signature_protocole')).toMatchObject({ statut: 'tenue', depasseeLe: expect.any(String) });
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const })] });
    await handle.executeUpdate(cloreAnticipeUpdate, { args: [{ requestId: requete(), par: 'coord.essai', motif: 'Fin de l’essai' }] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('orientation du ménage non enregistrée dans son délai après la rupture : rappel au travailleur social à 9 h, alerte à la coordination le jour ouvré suivant à 9 h ; l’orientation tardive la tient en retard', async () => {
    const { handle, ref } = await ruptureAuDernierMois();
    await etape(handle, 'rupture');
    const orientation = await echeanceSuivie(handle, 'orientation');
    // Un mois depuis la rupture (reims-april-protocole), jusqu'au soir du jour où il tombe.
    expect(DELAIS.orientation).toBe('P1M');
    const libelle = 'Orientation du ménage (hébergement, résidence sociale, logement adapté)';
    const ouverte = (await handle.query(etatQuery)).journal.find((x) => x.type === 'echeance_ouverte' && x.resume.includes(libelle))!;
    expect(orientation.due).toBe(finDuJour(ajouterDuree(new Date(ouverte.date), 'P1M')).toISOString());
    const rappelLe = rappelAttendu(orientation.due, DELAIS.rappelAvant!, await heureDuParcours(handle));
    const rappels = () => courrielsA(TS, ref).filter((m) => m.sujet.startsWith(`Rappel : ${libelle}`));
    await avancerJusqua(banc, handle, apres(rappelLe, -60));
    expect(rappels()).toEqual([]);
    await avancerJusqua(banc, handle, apres(rappelLe));
    const rappel = await attendreCourriel(TS, ref, `Rappel : ${libelle} au plus tard le ${dateEnFrancais(orientation.due)}`);
    expect(rappel.texte).toContain('(la journée entière compte)');
    await avancerJusqua(banc, handle, apres(orientation.due, -1));
    expect(courrielsA(COORDINATION, ref).some((m) => m.sujet.startsWith(`Échéance dépassée : ${libelle}`))).toBe(false);
    await avancerJusqua(banc, handle, apres(orientation.due));
    await jusquALAlerte(banc, handle, 'orientation');
    const alerte = await attendreCourriel(COORDINATION, ref, `Échéance dépassée : ${libelle}`);
    expect(alerte.texte).toContain(`a pris fin le ${dateEnFrancais(orientation.due)} au soir`);
    let etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'orientation' && x.statut === 'depassee'), 'orientation en retard');
    expect(etat.etape).toBe('rupture');
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'logement_adapte' as const })] });
    etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'orientation' && x.statut === 'tenue'), 'orientation tenue');
    expect(etat.journal.some((x) => x.resume === `Échéance « ${libelle} » tenue (en retard)`)).toBe(true);
    expect(rappels()).toHaveLength(1);
    await handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const })] });
    await jusqua(handle, (e) => !!e.cloture);
  });

  it('rupture le 1er novembre ou après : trêve hivernale, aucune expulsion avant le 31 mars suivant, dit à la CCAPEX, à la préfecture et au bailleur', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    // Le parcours est amené au prochain 1er novembre, 10 h à Paris : le protocole est signé ce jour-là.
    const premierNovembre = premierJourDeTreve(await heureDuParcours(handle));
    await avancerJusqua(banc, handle, premierNovembre);
    await signer(handle, { dureeMois: 24 });
    await etape(handle, 'suivi_protocole');
    const treve = treveHivernale(await heureDuParcours(handle));
    expect(treve.enCours).toBe(true);
    const annee = (treve as { jusquau: string }).jusquau.slice(0, 4);
    expect(Number(annee)).toBe(premierNovembre.getUTCFullYear() + 1);
    // La coordination enregistre la décision du bailleur.
    await handle.executeUpdate(ruptureUpdate, { args: [msg({ motif: 'Refus de payer' }, 'coord.essai')] });
    // Le message fait passer le parcours à la rupture ; le déroulé la consigne une fois partis les courriels de la signature.
    const etat = await jusqua(handle, (e) => e.etape === 'rupture' && !!e.details.rupture, 'rupture consignée');
    expect(etat.details.rupture).toMatchObject({ par: 'coordination', treveHivernale: { jusquau: `${annee}-03-31` } });
    for (const a of [CCAPEX, PREFECTURE, BAILLEUR, TS]) {
      const avis = await banc.courriels.waitFor((m) => m.a.includes(a) && dossier(ref)(m) && m.sujet.includes('Rupture du protocole'), { timeoutMs: 20_000 });
      expect(avis.texte).toContain(`pendant la trêve hivernale (du 1er novembre au 31 mars) : aucune expulsion avant le 31 mars ${annee}`);
    }
    expect(await refus(handle.executeUpdate(ruptureUpdate, { args: [msg({ motif: 'Encore' })] }))).toContain('n’est pas attendu');
    // Après les courriels, l'orientation du ménage est attendue.
    await echeanceSuivie(handle, 'orientation');
    await terminer(handle);
  });

  it('avenant : prolongation dans le cadre légal (3 ans au plus après 2 ans), refusée avec la raison au-delà', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    expect(
      await refus(
        handle.executeUpdate(avenantUpdate, {
          args: [msg({ signeLe: await aujourdhui(handle), prolongationMois: 6, planApurement: { dette: 2000, mensualite: 80 } })],
        }),
      ),
    ).toContain('n’est pas attendu');
    await signer(handle, { dureeMois: 24 });
    let etat = await etape(handle, 'suivi_protocole');
    const debut = (etat.details.protocole as { debut: string }).debut;
    const signeLe = await aujourdhui(handle);
    const avenant = (prolongationMois: number, x: object = {}) =>
      handle.executeUpdate(avenantUpdate, { args: [msg({ signeLe, prolongationMois, planApurement: { dette: 2200, mensualite: 40 }, ...x })] });
    expect(await refus(avenant(37))).toMatch(
      /^Un avenant prolonge le protocole de 3 ans au plus en tout, après ses 2 ans au plus \(CCH, art\. L353-15-2\) : avec 37 mois de plus, .* Prolongation possible : 36 mois au plus\.$/,
    );
    expect(await refus(avenant(12, { planApurement: undefined }))).toContain('renégociation du plan d’apurement');
    const r = await avenant(24);
    expect(r.terme).toBe(moisApres(debut, 48));
    expect(await refus(avenant(13))).toContain('Prolongation possible : 12 mois au plus.');
    await avenant(12, { indemniteOccupation: 430 });
    etat = await handle.query(etatQuery);
    expect(etat.details.protocole).toMatchObject({ dureeInitialeMois: 24, dureeTotaleMois: 60, indemniteOccupation: 430, planApurement: { mensualite: 40 } });
    expect(await refus(avenant(1))).toContain('Plus aucune prolongation n’est possible.');
    for (const a of [BAILLEUR, CCAPEX, PREFECTURE]) await attendreCourriel(a, ref, 'Avenant au protocole : prolongation jusqu’au');
    expect(etat.journal.filter((x) => x.type === 'avenant')).toHaveLength(2);
    // Clôture en échec sans orientation : refusée, à toute étape.
    expect(await refus(handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const })] }))).toContain(
      'Pas de sortie sèche',
    );
    await terminer(handle);
  });

  it('le terme atteint la nuit est annoncé au travailleur social et au bailleur à 9 h du jour ouvré suivant ; régularisé d’ici là, il ne l’est plus', async () => {
    const annonce = 'Terme du protocole : paiements à régulariser';
    const annonces = (ref: string) => [...courrielsA(TS, ref), ...courrielsA(BAILLEUR, ref)].filter((m) => m.sujet.startsWith(annonce));
    /** Un protocole d'un mois dont le bailleur laisse le lien du mois sans réponse : il expire à minuit, le terme arrive la nuit. */
    const auTerme = async () => {
      const { handle, ref } = await lancer();
      await etape(handle, 'signature_protocole');
      await signer(handle, { dureeMois: 1 });
      const { demande } = await jusquauLienDuMois(handle);
      await avancerJusqua(banc, handle, apres(demande.echeance));
      const etat = await etape(handle, 'terme_non_respecte');
      const atteint = etat.journal.filter((x) => x.resume === `Étape : ${annonce}`).at(-1)!;
      const annonceLe = auxHeuresOuvrees(new Date(atteint.date));
      expect(heureDeParis(annonceLe).getUTCHours()).toBe(9);
      expect(annonceLe.getTime()).toBeGreaterThan(Date.parse(atteint.date));
      return { handle, ref, etat, annonceLe };
    };
    const premier = await auTerme();
    await avancerJusqua(banc, premier.handle, apres(premier.annonceLe, -1));
    expect(annonces(premier.ref)).toEqual([]);
    await avancerJusqua(banc, premier.handle, apres(premier.annonceLe));
    const auTravailleur = await attendreCourriel(TS, premier.ref, annonce);
    expect(auTravailleur.texte).toContain('1 mois non payés ou non renseignés');
    await attendreCourriel(BAILLEUR, premier.ref, annonce);
    await terminer(premier.handle);

    // Le mois manqué régularisé avant 9 h : le protocole est respecté, le terme n'est plus à annoncer.
    const second = await auTerme();
    const manque = (second.etat.details.paiements as { mois: Array<{ mois: string; statut: string }> }).mois.find((x) => x.statut !== 'paye')!.mois;
    await second.handle.executeUpdate(paiementUpdate, { args: [msg({ mois: manque, statut: 'paye' as const })] });
    await etape(second.handle, 'nouveau_bail');
    await avancerJusqua(banc, second.handle, apres(second.annonceLe, 60));
    await attendreCourriel(BAILLEUR, second.ref, 'Nouveau bail à signer avant le');
    expect(annonces(second.ref)).toEqual([]);
    await terminer(second.handle);
  });

  it('au terme non respecté, un avenant relance le suivi dans sa réponse même ; ses courriels suivent', async () => {
    const { handle, ref } = await lancer();
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 1 });
    await moisPaye(handle, 'refuse');
    await etape(handle, 'terme_non_respecte');
    const r = await handle.executeUpdate(avenantUpdate, {
      args: [msg({ signeLe: await aujourdhui(handle), prolongationMois: 6, planApurement: { dette: 2000, mensualite: 80 } })],
    });
    expect(r).toMatchObject({ etape: 'suivi_protocole' });
    // Le message suivant de l'étape prise est accepté aussitôt.
    await handle.executeUpdate(accompagnementUpdate, { args: [msg({ nature: 'visite_domicile' as const })] });
    for (const a of [BAILLEUR, CCAPEX, PREFECTURE]) await attendreCourriel(a, ref, 'Avenant au protocole : prolongation jusqu’au');
    // Les partenaires lisent le même dernier jour que le journal et l'occupant (la veille du terme).
    const fin = /jusqu’au (.+) \(dossier/.exec((await attendreCourriel(BAILLEUR, ref, 'Avenant au protocole')).sujet)![1]!;
    expect((await handle.query(etatQuery)).journal.find((j) => j.type === 'avenant')!.resume).toContain(`jusqu’au ${fin} ;`);
    // L'occupant, qui accepte les courriels : ses nouveaux engagements et son résumé à jour (patched('avenant-a-l-occupant')).
    const aLOccupant = await banc.courriels.waitFor(
      (m) =>
        m.a.includes('josiane.lefebure@exemple.fr') &&
        m.sujet === 'Votre protocole de cohésion sociale est prolongé' &&
        m.piecesJointes.some((p) => p.filename === `resume-protocole-${ref}.pdf`),
    );
    expect(aLOccupant.texte).toContain(`prolonge votre protocole de 6 mois, jusqu’au ${fin} :`);
    expect(aLOccupant.texte).toMatch(/420\s€ et 80\s€ pour rembourser votre dette \(plan d’apurement renégocié\)/);
    const resumeAJour = (await lirePdf(aLOccupant.piecesJointes[0]!.contenu)).plat;
    expect(resumeAJour).toContain('Durée totale (avenants compris) 7 mois');
    const etat = await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'visite' && x.statut === 'en_cours'), 'visite suivante prévue');
    expect(etat.etape).toBe('suivi_protocole');
    expect(
      etat.journal
        .filter((x) => x.type === 'etape')
        .map((x) => x.resume)
        .slice(-2),
    ).toEqual(['Étape : Terme du protocole : paiements à régulariser', 'Étape : Protocole prolongé par avenant : intermédiation et accompagnement renforcé']);
    await terminer(handle);
  });

  it('une alerte qui attend les heures ouvrées part encore après une nouvelle exécution (continue-as-new)', async () => {
    // Visites à un jour (P1D) : une visite la veille du lien du mois (9 h) ; l'échéance de la suivante
    // passe le soir du jour du lien, à minuit. Le bailleur répond à 0 h 30 ; le parcours continue en une
    // nouvelle exécution avant 9 h : l'alerte, qui attendait les heures ouvrées, doit y partir.
    const { handle, ref } = await lancer({ moisParExecution: 1, delais: { visite: 'P1D' } });
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 6 });
    await etape(handle, 'suivi_protocole');
    const debut = ((await handle.query(etatQuery)).details.protocole as { debut: string }).debut;
    const lienLe = verificationDuMois(debut, 0);
    expect(heureDeParis(lienLe).getUTCHours()).toBe(9);
    await avancerJusqua(banc, handle, new Date(lienLe.getTime() - 21 * 3_600_000));
    await handle.executeUpdate(accompagnementUpdate, { args: [msg({ nature: 'visite_domicile' as const })] });
    const visite = await echeanceSuivie(handle, 'visite');
    expect(visite.due).toBe(finDuJour(lienLe).toISOString());
    const alertes = () =>
      courrielsA(COORDINATION, ref).filter(
        (m) => m.sujet.startsWith('Échéance dépassée : Visite à domicile') && m.texte.includes(`a pris fin le ${dateEnFrancais(visite.due)} au soir`),
      );
    const { demande } = await jusquauLienDuMois(handle);
    await avancerJusqua(banc, handle, apres(visite.due, 30));
    const depassee = await echeanceSuivie(handle, 'visite', 'depassee');
    expect(depassee.due).toBe(visite.due);
    expect(depassee.alerteLe).toBeDefined();
    const avant = (await handle.describe()).runId;
    await repondre(handle, demande.id, 'approuve');
    await reprise(handle, avant);
    expect((await echeanceSuivie(handle, 'visite', 'depassee')).alerteLe).toBe(depassee.alerteLe);
    expect(alertes()).toEqual([]);
    await jusquALAlerte(banc, handle, 'visite');
    await attendreCourriel(COORDINATION, ref, 'Échéance dépassée : Visite à domicile');
    await vi.waitFor(() => expect(alertes()).toHaveLength(1), { timeout: 20_000, interval: 50 });
    expect((await handle.query(etatQuery)).echeances.find((x) => x.id === 'visite' && x.statut === 'depassee')?.alerteLe).toBeUndefined();
    await terminer(handle);
  });

  // 60 mois, chacun une avance de l'horloge du parcours, et 29 reprises : plus que le délai par défaut.
});

// ---- Rejeu ----------------------------------------------------------------------------------------

describe.runIf(process.env.ENREGISTRER_HISTORIQUES === '1')('enregistrement', () => {
  // v1 : avant les minuteurs annulés et le calendrier de Paris ; v2 : avant les dossiers du système
  // d’enregistrement ; v3 : les courriels d'une étape un à un (avant patched('courriels-ensemble')) ; v4 :
  // rien à l'occupant à la signature, le nouveau bail sans lien au bailleur (avant patched('signature-au-menage')
  // et patched('nouveau-bail-par-lien')) ; v5 : depuis.
  it('enregistre un protocole de 3 mois en deux exécutions (continue-as-new) jusqu’au nouveau bail', async () => {
    const { handle } = await lancer({ reference: 'REJEU-PROTOCOLE-1', moisParExecution: 2 });
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 3 });
    await etape(handle, 'suivi_protocole');
    await handle.executeUpdate(accompagnementUpdate, { args: [msg({ nature: 'visite_domicile' as const })] });
    const premiere = (await handle.describe()).runId;
    await moisPaye(handle);
    await moisPaye(handle, 'refuse', commentairePaiement(300), { reprise: true });
    const { demande } = await jusquauLienDuMois(handle);
    expect((await handle.describe()).runId).not.toBe(premiere);
    await repondre(handle, demande.id, 'approuve');
    await etape(handle, 'terme_non_respecte');
    const etat = await handle.query(etatQuery);
    const manque = (etat.details.paiements as { mois: Array<{ mois: string; statut: string }> }).mois.find((x) => x.statut === 'impaye')!.mois;
    await handle.executeUpdate(paiementUpdate, { args: [msg({ mois: manque, statut: 'paye' as const })] });
    await etape(handle, 'nouveau_bail');
    await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] });
    await handle.result();
    const premiereExecution = await banc.env.client.workflow.getHandle(handle.workflowId, premiere).fetchHistory();
    expect(patchsNotes(enObjet(premiereExecution))).toEqual(expect.arrayContaining(['courriels-ensemble', 'signature-au-menage']));
    const suite = await handle.fetchHistory();
    expect(patchsNotes(enObjet(suite))).toContain('nouveau-bail-par-lien');
    ecrireHistorique('protocole-v5.json', premiereExecution); // première exécution, jusqu’au continue-as-new
    ecrireHistorique('protocole-v5-suite.json', suite); // la suivante, de la reprise à la clôture
  });
});

/** Un protocole d'un mois signé dont le bailleur indique le paiement à 20 h (heure du parcours) : respecté ce soir-là. */
async function unMoisPayeAVingtHeures(handle: WorkflowHandle): Promise<void> {
  await etape(handle, 'signature_protocole');
  await signer(handle, { dureeMois: 1 });
  const { demande } = await jusquauLienDuMois(handle);
  await avancerJusqua(banc, handle, await prochainesVingtHeures(handle));
  await repondre(handle, demande.id, 'approuve');
}

/** Un protocole d'un mois signé et payé, puis le nouveau bail indiqué par le bailleur avec son lien (enregistrements). */
async function unMoisPuisNouveauBailParLeLien(handle: WorkflowHandle, ref: string): Promise<void> {
  await signer(handle, { dureeMois: 1 });
  await moisPaye(handle);
  await etape(handle, 'nouveau_bail');
  const avis = await attendreCourriel(BAILLEUR, ref, 'Nouveau bail à signer avant le');
  expect((await appel('POST', `/liens/${jetonDe(avis)}`, { signeLe: await aujourdhui(handle) })).status).toBe(200);
}

// `ENREGISTRER_HISTORIQUES=courriel-lent` : des messages arrivés pendant un courriel lent — une
// rupture pendant le bilan du dernier mois (patched('rupture-au-dernier-mois') ; notée dans l'état
// par le message : patched('rupture-dans-le-message')), un nouveau bail pendant les courriels
// « protocole respecté » (patched('nouveau-bail-deja-signe')), une rupture constatée par le bailleur
// pendant la demande de paiement du mois (patched('rupture-constatee-dans-la-reponse')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'courriel-lent')('enregistrement de messages pendant un courriel lent', () => {
  it('enregistre un protocole de 3 mois rompu pendant le bilan du dernier mois', async () => {
    const { handle } = await ruptureAuDernierMois('REJEU-RUPTURE');
    await jusqua(handle, (e) => !!e.details.rupture, 'rupture enregistrée');
    await repos(handle);
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const })] });
    await handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const })] });
    await handle.result();
    // v1 : la rupture notée dans l'état par le déroulé seulement (avant patched('rupture-dans-le-message')).
    await enregistrerALaFin(handle, 'protocole-rupture-au-dernier-mois-v2.json', ['rupture-dans-le-message']);
  });

  it('enregistre un protocole rompu par le bailleur (son lien) pendant l’envoi de la demande de paiement du mois', async () => {
    const { handle } = await ruptureConstateePendantLePaiement('REJEU-RUPTURE-BAILLEUR');
    await jusqua(handle, (e) => e.echeances.some((x) => x.id === 'orientation'), 'échéance de l’orientation');
    await repos(handle);
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const })] });
    await handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const })] });
    await handle.result();
    await enregistrerALaFin(handle, 'protocole-rupture-constatee-dans-la-reponse-v1.json', ['rupture-constatee-dans-la-reponse']);
  });

  it('enregistre un protocole dont le nouveau bail est enregistré pendant les courriels « protocole respecté »', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-BAIL-LENT' });
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 1 });
    const lacher = banc.retenirCourriels((objet) => objet.startsWith('Protocole respecté : nouveau bail à signer') && objet.includes(ref));
    try {
      await moisPaye(handle);
      await etape(handle, 'nouveau_bail');
      await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] });
    } finally {
      lacher();
    }
    await handle.result();
    await enregistrerALaFin(handle, 'protocole-nouveau-bail-deja-signe-v1.json', ['nouveau-bail-deja-signe']);
  });

  it('enregistre un protocole dont le bailleur indique le nouveau bail par son lien', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-BAIL-LIEN' });
    await etape(handle, 'signature_protocole');
    await unMoisPuisNouveauBailParLeLien(handle, ref);
    await handle.result();
    await enregistrerALaFin(handle, 'protocole-nouveau-bail-par-lien-v1.json', ['nouveau-bail-par-lien']);
  });

  it('enregistre un protocole dont l’occupant donne son adresse électronique après l’orientation', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-OCCUPANT-TARDIF', menage: { courriel: undefined, accepteCourriel: false } });
    await etape(handle, 'signature_protocole');
    await new Consentements(banc.dependances.base, COFFRE).enregistrer(
      handle.workflowId,
      { canal: 'courriel', accorde: true, courriel: 'occupant.tardif@essai.example' },
      'ts.alice',
    );
    await unMoisPuisNouveauBailParLeLien(handle, ref);
    await enregistrerALaFin(handle, 'protocole-occupant-au-dossier-v1.json', ['courriels-menage-au-dossier', 'signature-au-menage']);
  });
});

// `ENREGISTRER_HISTORIQUES=resume-occupant` : l'occupant reçoit à la signature le résumé de son protocole.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'resume-occupant')('enregistrement du résumé joint à l’occupant', () => {
  it('enregistre un protocole dont l’occupant reçoit son résumé à la signature', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-RESUME-OCCUPANT' });
    await etape(handle, 'signature_protocole');
    await unMoisPuisNouveauBailParLeLien(handle, ref);
    await enregistrerALaFin(handle, 'protocole-resume-occupant-v1.json', ['signature-au-menage', 'resume-a-l-occupant']);
  });
});

// `ENREGISTRER_HISTORIQUES=terme-aux-heures-ouvrees` : le lien du mois part à 9 h
// (patched('lien-du-mois-aux-heures-ouvrees')) ; resté sans réponse, il expire à minuit : le terme d'un
// protocole non respecté, atteint la nuit, est annoncé à 9 h du jour ouvré suivant
// (patched('terme-aux-heures-ouvrees')) ; le mois régularisé ensuite, nouveau bail signé.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'terme-aux-heures-ouvrees')('enregistrement du terme annoncé aux heures ouvrées', () => {
  it('enregistre un protocole d’un mois : lien à 9 h resté sans réponse, terme annoncé à 9 h, régularisé, nouveau bail', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-TERME-OUVRE' });
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 1 });
    const { demande } = await jusquauLienDuMois(handle);
    await avancerJusqua(banc, handle, apres(demande.echeance));
    const etat = await etape(handle, 'terme_non_respecte');
    const atteint = etat.journal.filter((x) => x.resume === 'Étape : Terme du protocole : paiements à régulariser').at(-1)!;
    await avancerJusqua(banc, handle, apres(auxHeuresOuvrees(new Date(atteint.date))));
    await attendreCourriel(TS, ref, 'Terme du protocole : paiements à régulariser');
    const manque = (etat.details.paiements as { mois: Array<{ mois: string; statut: string }> }).mois.find((x) => x.statut !== 'paye')!.mois;
    await handle.executeUpdate(paiementUpdate, { args: [msg({ mois: manque, statut: 'paye' as const })] });
    await etape(handle, 'nouveau_bail');
    await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] });
    await enregistrerALaFin(handle, 'protocole-terme-aux-heures-ouvrees-v1.json', ['terme-aux-heures-ouvrees', 'lien-du-mois-aux-heures-ouvrees']);
  });
});

// `ENREGISTRER_HISTORIQUES=nouveau-bail-aux-heures-ouvrees` : le mois payé à 20 h, le délai légal du
// nouveau bail passe un soir ; l'escalade attend 9 h du jour ouvré suivant
// (patched('nouveau-bail-aux-heures-ouvrees')) ; le bail enregistré avant, elle ne part pas.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'nouveau-bail-aux-heures-ouvrees')('enregistrement du nouveau bail en retard aux heures ouvrées', () => {
  it('enregistre un protocole d’un mois : délai du nouveau bail passé à 20 h, bail enregistré avant 9 h, aucune escalade', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-NOUVEAU-BAIL-OUVRE' });
    await unMoisPayeAVingtHeures(handle);
    await etape(handle, 'nouveau_bail');
    const echeance = await echeanceSuivie(handle, 'nouveau_bail');
    await avancerJusqua(banc, handle, apres(echeance.due));
    await echeanceSuivie(handle, 'nouveau_bail', 'depassee');
    await avancerJusqua(banc, handle, apres(auxHeuresOuvrees(new Date(echeance.due)), -60));
    await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] });
    await enregistrerALaFin(handle, 'protocole-nouveau-bail-aux-heures-ouvrees-v1.json', ['nouveau-bail-aux-heures-ouvrees']);
    expect(courrielsA(COORDINATION, ref).filter((m) => m.sujet.startsWith('Nouveau bail non signé'))).toEqual([]);
  });
});

// `ENREGISTRER_HISTORIQUES=avis-ensemble` : au respect du protocole, la CCAPEX, la préfecture et le
// travailleur social avertis par une seule activité (patched('nouveau-bail-ensemble')) ; à la clôture,
// les partenaires de même (patched('fin-du-protocole-ensemble')).
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'avis-ensemble')('enregistrement des avis envoyés ensemble', () => {
  it('enregistre un protocole d’un mois payé, nouveau bail indiqué par le bailleur', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-AVIS-ENSEMBLE' });
    await etape(handle, 'signature_protocole');
    await unMoisPuisNouveauBailParLeLien(handle, ref);
    await enregistrerALaFin(handle, 'protocole-avis-ensemble-v1.json', ['nouveau-bail-ensemble', 'fin-du-protocole-ensemble']);
  });
});

// `ENREGISTRER_HISTORIQUES=prochaine-verification` : la page dit la prochaine vérification du paiement
// (patched('prochaine-verification-affichee')), consignée aussitôt, effacée quand le lien part.
// `ENREGISTRER_HISTORIQUES=rattrapage` : les courriels de la signature partent après la réponse ; la
// visite et la première vérification sont fixées aussitôt (patched('rattrapage-sans-attendre-les-courriels')).
const unMois = enregistrementDemande({
  'prochaine-verification': ['protocole-prochaine-verification-v1.json', ['prochaine-verification-affichee']],
  rattrapage: ['protocole-rattrapage-v1.json', ['rattrapage-sans-attendre-les-courriels']],
});
describe.runIf(unMois !== undefined)('enregistrement d’un protocole d’un mois', () => {
  it('enregistre un protocole d’un mois payé, nouveau bail indiqué par le bailleur', async () => {
    const [fichier, patchs] = unMois!;
    const { handle, ref } = await lancer({ reference: 'REJEU-UN-MOIS' });
    await etape(handle, 'signature_protocole');
    await unMoisPuisNouveauBailParLeLien(handle, ref);
    await enregistrerALaFin(handle, fichier, patchs);
  });
});

// `ENREGISTRER_HISTORIQUES=avenant-occupant` : l'occupant reçoit l'avenant et son résumé à jour.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'avenant-occupant')('enregistrement de l’avenant à l’occupant', () => {
  it('enregistre un protocole prolongé par avenant, annoncé à l’occupant', async () => {
    const { handle, ref } = await lancer({ reference: 'REJEU-AVENANT-OCCUPANT' });
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 1 });
    await moisPaye(handle, 'refuse');
    await etape(handle, 'terme_non_respecte');
    await handle.executeUpdate(avenantUpdate, {
      args: [msg({ signeLe: await aujourdhui(handle), prolongationMois: 1, planApurement: { dette: 2000, mensualite: 80 } })],
    });
    await banc.courriels.waitFor(
      (m) => m.sujet === 'Votre protocole de cohésion sociale est prolongé' && m.piecesJointes.some((p) => p.filename === `resume-protocole-${ref}.pdf`),
    );
    await moisPaye(handle);
    // Le mois manqué avant l'avenant, régularisé : le protocole est respecté.
    const etat = await etape(handle, 'terme_non_respecte');
    const manque = (etat.details.paiements as { mois: Array<{ mois: string; statut: string }> }).mois.find((x) => x.statut === 'impaye')!.mois;
    await handle.executeUpdate(paiementUpdate, { args: [msg({ mois: manque, statut: 'paye' as const })] });
    await etape(handle, 'nouveau_bail');
    await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] });
    await enregistrerALaFin(handle, 'protocole-avenant-occupant-v1.json', ['avenant-a-l-occupant']);
  });
});

// `ENREGISTRER_HISTORIQUES=rupture-au-jour-de-paris` : la rupture constatée par le bailleur à 0 h 30
// (heure de Paris) datée de ce jour-là (patched('rupture-constatee-au-jour-de-paris')), puis orientation et clôture.
describe.runIf(process.env.ENREGISTRER_HISTORIQUES === 'rupture-au-jour-de-paris')('enregistrement de la rupture au jour de Paris', () => {
  it('enregistre un protocole rompu par le bailleur à 0 h 30, le ménage orienté, clôture', async () => {
    const { handle } = await ruptureConstateeA(
      (maintenant) => new Date(minuitDeParis(jourDe(ajouterDuree(maintenant, 'P1D'))).getTime() + 30 * 60_000),
      'REJEU-RUPTURE-MINUIT',
    );
    await etape(handle, 'rupture');
    await repos(handle);
    await handle.executeUpdate(orientationUpdate, { args: [msg({ dispositif: 'residence_sociale' as const })] });
    await handle.executeUpdate(cloturerProtocoleUpdate, { args: [msg({ issue: 'orientation_hebergement' as const })] });
    await enregistrerALaFin(handle, 'protocole-rupture-au-jour-de-paris-v1.json', ['rupture-constatee-au-jour-de-paris']);
  });
});

describe('historiques du protocole', () => {
  // Ils se rejouent avec tous les autres, par un seul worker de rejeu (test/rejeu.test.ts).
  it('les deux exécutions sont enregistrées', () => {
    const fichiers = existsSync(DOSSIER_HISTORIQUES) ? readdirSync(DOSSIER_HISTORIQUES) : [];
    expect(fichiers).toEqual(expect.arrayContaining(['protocole-v1.json', 'protocole-v1-suite.json']));
  });
});
