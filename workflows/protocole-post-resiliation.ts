/**
 * Parcours 3 — protocole post-résiliation (../shared/journeys.md, « Journey 3 » ; seed 004, APRIL
 * Reims, seconde intervention). Maintenir dans son logement un occupant dont le juge a résilié le
 * bail, par un protocole de cohésion sociale avec le bailleur, l'intermédiation locative et un
 * accompagnement social renforcé, jusqu'à la signature d'un nouveau bail ; si le maintien échoue,
 * orienter le ménage vers un hébergement, une résidence sociale ou un logement adapté — jamais de
 * « sortie sèche ». Preset : reims-april-protocole. Le texte des courriels est dans
 * courriers/protocole.ts.
 *
 * Un protocole peut vivre 5 ans (2 ans, plus 3 ans d'avenants), avec des événements chaque mois :
 * après le paiement d'un mois, à un point stable, le parcours continue en une nouvelle exécution
 * (continue-as-new) qui reçoit tout son état (socle : journal, échéances, demandes, détails,
 * messages déjà appliqués ; protocole : paiements, avenants, bilans). L'historique reste borné.
 *
 * Le déroulé se lit comme le compte rendu du terrain : signature du protocole, suivi mensuel, terme
 * du protocole, puis nouveau bail ou rupture (et orientation), clôture.
 */
import { continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import {
  accompagnementUpdate,
  avenantUpdate,
  cloturerProtocoleUpdate,
  DISPOSITIFS_ORIENTATION,
  ISSUES_PROTOCOLE,
  LIBELLES_ACCOMPAGNEMENT,
  LIBELLES_DISPOSITIFS,
  lireMontantPaiement,
  NATURES_ACCOMPAGNEMENT,
  nouveauBailUpdate,
  orientationUpdate,
  paiementUpdate,
  ruptureUpdate,
  signatureProtocoleUpdate,
  type Avenant,
  type DispositifOrientation,
  type EntreeProtocole,
  type NatureAccompagnement,
  type PaiementEnregistre,
  type PlanApurement,
  type SignatureProtocole,
  type StatutPaiement,
} from '../domain/protocole';
import { LIBELLES_ISSUES, type Acteur, type EtatParcours, type Programme } from '../domain/vocabulaire';
import { DELAIS_PAR_DEFAUT } from '../domain/reglages';
import * as courriels from '../courriers/protocole';
import { deMois, euros, moisEnFrancais, treveHivernale } from '../courriers/protocole';
import {
  ajouterDuree,
  auxHeuresOuvrees,
  calendrierDu,
  dateEnFrancais,
  dureeEnFrancais,
  estJourIso,
  jourDeParis,
  minuitDeParis,
  veilleDe,
} from '../domain/durees';
import { annoncerEcheance, apresLeMessage, auMenage, notifier, notifierEnsemble, type A, type Notification } from './blocs/notification';
import { Parcours, type Fin, type InstantaneParcours } from './blocs/parcours';
import { demanderEnArrierePlan, fermerDemande, type DemandeEnArrierePlan } from './blocs/validation';

/** Les mots du protocole, désormais avec ses courriers ; repris ici pour les appelants existants. */
export { deMois, euros, moisEnFrancais, phraseTreve, treveHivernale } from '../courriers/protocole';

const PROTOCOLE_EN_COURS = 'Protocole en cours : intermédiation et accompagnement renforcé';
const PROTOCOLE_PROLONGE = 'Protocole prolongé par avenant : intermédiation et accompagnement renforcé';
const PROTOCOLE_ROMPU = 'Protocole rompu : orientation du ménage (hébergement, résidence sociale, logement adapté)';

/** Mois réglés par exécution avant de continuer en une nouvelle (si le serveur ne l'a pas suggéré avant). */
export const MOIS_PAR_EXECUTION = 12;

/** L'état propre au protocole, transmis d'une exécution à la suivante avec celui du socle. */
export interface EtatProtocole {
  protocole?: { signeLe: string; debut: string; dureeMois: number; indemniteOccupation: number };
  /** Le plan d'apurement en vigueur, depuis le mois où il a été convenu (renégocié par avenant). */
  plan?: PlanApurement & { depuis: string };
  avenants: Array<{ signeLe: string; prolongationMois: number; planApurement: PlanApurement; indemniteOccupation?: number }>;
  /** Un paiement par mois du protocole (AAAA-MM), dans l'ordre des mois. */
  paiements: PaiementEnregistre[];
  /** Mois dont le paiement est réglé (payé, manqué ou sans réponse du bailleur). */
  moisRegles: number;
  prochainBilan?: string;
  bilans: number;
  accompagnement: Record<NatureAccompagnement, number>;
  /** Les impayés consécutifs ont déjà alerté la coordination et le bailleur. */
  alerteImpayes: boolean;
  rupture?: { decideeLe: string; motif: string; par: 'bailleur' | 'coordination'; acteur: Acteur };
  orientation?: { dispositif: DispositifOrientation; le: string };
  nouveauBail?: { signeLe: string; dateEffet: string; acteur: Acteur };
  /** Numéro de l'exécution (1 au lancement, +1 à chaque continue-as-new). */
  execution: number;
}

/** Ce qu'une exécution passe à la suivante. */
export interface RepriseProtocole {
  parcours: InstantaneParcours;
  protocole: EtatProtocole;
}

export interface EntreeExecutionProtocole extends EntreeProtocole {
  reprise?: RepriseProtocole;
  /** Réglage : mois réglés par exécution (par défaut MOIS_PAR_EXECUTION). */
  moisParExecution?: number;
}

/** Une demande au bailleur (lien signé) suivie en arrière-plan. */

/** Le protocole d'un ménage dans cette exécution : le parcours, l'état transmis, ce qui n'est qu'à elle. */
interface Protocole {
  e: EntreeExecutionProtocole;
  p: Parcours;
  s: EtatProtocole;
  ref: string;
  seuilImpayes: number;
  demandeManquements?: DemandeEnArrierePlan;
  moisDansCetteExecution: number;
}

export async function protocolePostResiliation(e: EntreeExecutionProtocole): Promise<EtatParcours> {
  const c = ouvrirLeParcours(e);
  ecouterLesMessages(c);
  const fin = await c.p.derouler(async (): Promise<Fin> => {
    // Une exécution qui reprend la précédente trouve le protocole déjà signé.
    if (!c.s.protocole) await signatureDuProtocole(c);
    for (;;) {
      if ((await suiviMensuel(c)) === 'rupture') break;
      if (protocoleRespecte(c)) return await nouveauBail(c);
      const auTerme = await termeDuProtocole(c);
      if (auTerme === 'rupture') break;
      if (auTerme === 'respecte') return await nouveauBail(c);
    }
    return await ruptureEtOrientation(c);
  });
  await clotureDuProtocole(c, fin);
  return c.p.etat();
}

// ---- Les étapes, dans l'ordre du terrain -------------------------------------------------------

function ouvrirLeParcours(e: EntreeExecutionProtocole): Protocole {
  const { programme, menage } = e;
  const p = new Parcours({
    typeParcours: 'protocole_post_resiliation',
    programme,
    reference: menage.reference,
    etape: 'orientation',
    libelleEtape: 'Orientation par le bailleur (bail résilié)',
    coordinateur: e.coordinateur,
    travailleurSocial: e.travailleurSocial,
  }).ouvrir(e.reprise?.parcours);
  const s: EtatProtocole = e.reprise?.protocole ?? {
    avenants: [],
    paiements: [],
    moisRegles: 0,
    bilans: 0,
    accompagnement: { visite_domicile: 0, rendez_vous: 0, mediation_bailleur: 0, lien_partenaire: 0 },
    alerteImpayes: false,
    execution: 1,
  };
  if (!e.reprise) p.detailsConfidentiels.menage = menage;
  return { e, p, s, ref: menage.reference, seuilImpayes: programme.quotas.impayesAvantAlerte ?? 2, moisDansCetteExecution: 0 };
}

/** 1. Entrée : le bail est résilié ; le protocole est signé ; CCAPEX, préfecture et CAF sont informées. */
async function signatureDuProtocole(c: Protocole): Promise<void> {
  const { p, s, ref } = c;
  const { programme, resiliation } = c.e;
  const d = programme.delais;
  p.details.resiliation = { jugementDu: resiliation.jugementDu, juridiction: resiliation.juridiction, detteLocative: resiliation.detteLocative };
  p.journal.noter(
    'resiliation',
    `Bail résilié par jugement du ${dateEnFrancais(resiliation.jugementDu)}${resiliation.juridiction ? ` (${resiliation.juridiction})` : ''} : le bailleur propose un protocole de cohésion sociale`,
  );
  p.changerEtape('signature_protocole', 'Signature du protocole par le bailleur et l’occupant');
  const echeanceDeLaSignature = () =>
    d.signatureProtocole
      ? p.echeances.suivre({
          id: 'signature_protocole',
          libelle: 'Protocole signé par le bailleur et l’occupant',
          delai: d.signatureProtocole,
          rappelAvant: d.rappelAvant,
          responsable: 'travailleur_social',
        })
      : undefined;
  // Le courriel au travailleur social dit la date limite de la signature, si le programme en fixe une.
  await annoncerEcheance(p, 'signature-avant-dans-le-courriel', echeanceDeLaSignature, (due) => ({
    a: auTravailleurSocial(c),
    ...courriels.protocoleAPreparer({ ref, resiliation, dureeMax: d.dureeMax!, ...(due ? { signeAvant: due } : {}) }),
  }));
  await p.attendre(() => s.protocole !== undefined);
  p.echeances.tenir('signature_protocole');

  const signe = courriels.protocoleSigne({
    ref,
    programme,
    jugementDu: resiliation.jugementDu,
    protocole: s.protocole!,
    terme: terme(c),
    plan: s.plan!,
    bilan: d.bilan!,
  });
  // Le résumé du protocole (PDF) est joint pour le bailleur et la CCAPEX ; l'occupant qui accepte les
  // courriels reçoit ses engagements en mots simples (patched('signature-au-menage')), avec le résumé
  // dans sa version (patched('resume-a-l-occupant')).
  const { menage } = c.e;
  const aEcrire = auMenage(menage, 'l’occupant');
  const aLOccupant = aEcrire && patched('signature-au-menage') ? aEcrire : undefined;
  // La visite et la vérification du premier mois n'attendent pas ces courriels (`apresLeMessage`).
  await apresLeMessage(p, () =>
    notifierEnsemble(p, [
      ...(['ccapex', 'prefecture', 'caf', 'bailleur'] as const).map((role) => {
        const resume = role === 'bailleur' || role === 'ccapex';
        return { a: { role }, ...signe[role], visibilite: 'partenaires' as const, ...(resume ? { joindre: [{ document: 'resume-protocole' as const }] } : {}) };
      }),
      ...(aLOccupant
        ? [
            {
              a: aLOccupant,
              ...courriels.protocoleSigneAuMenage({ programme, protocole: s.protocole!, terme: terme(c), plan: s.plan! }),
              // Depuis patched('resume-a-l-occupant') : le résumé de son protocole, dans sa version, à garder.
              ...(patched('resume-a-l-occupant') ? { joindre: [{ document: 'resume-protocole' as const, lecteur: 'menage' as const }] } : {}),
            },
          ]
        : []),
    ]),
  );
  s.prochainBilan = ajouterDuree(debut(c), d.bilan!).toISOString();
  if (d.visite)
    p.echeances.suivre({
      id: 'visite',
      libelle: 'Visite à domicile (accompagnement renforcé)',
      delai: d.visite,
      rappelAvant: d.rappelAvant,
      responsable: 'travailleur_social',
    });
  // 2. Intermédiation et accompagnement renforcé : les visites sont enregistrées (message).
  p.rejoindre('suivi_protocole', PROTOCOLE_EN_COURS);
}

/** 2–4. Chaque mois, le paiement ; périodiquement, un bilan au bailleur ; jusqu'au terme ou à la rupture. */
async function suiviMensuel(c: Protocole): Promise<'terme' | 'rupture'> {
  const { p, s } = c;
  const d = c.e.programme.delais;
  for (;;) {
    const k = s.moisRegles;
    // Une rupture enregistrée pendant le bilan du dernier mois (courriel au bailleur) compte : sans
    // cela, le terme l'emportait (nouveau bail demandé, rupture perdue).
    if (k >= dureeTotaleMois(c)) return s.rupture && patched('rupture-au-dernier-mois') ? 'rupture' : 'terme';
    const mois = moisNumero(c, k);
    // Le paiement d'un mois est vérifié auprès du bailleur `paiement` après le début du mois : depuis
    // `lien-du-mois-aux-heures-ouvrees`, à 9 h ce jour-là (le jour ouvré suivant s'il est chômé), pas à minuit.
    const verification = ajouterDuree(debutDuMois(c, k), d.paiement!);
    const lienLe = patched('lien-du-mois-aux-heures-ouvrees') ? auxHeuresOuvrees(verification, calendrierDu(c.e.programme)) : verification;
    // Ce qui vient ensuite se lit sur la page du dossier, consigné aussitôt (patched('prochaine-verification-affichee')).
    if (patched('prochaine-verification-affichee')) {
      p.details.prochaineVerification = courriels.prochaineVerificationDuPaiement(mois, lienLe);
      p.indicateursChanges();
    }
    await p.attendre(() => s.rupture !== undefined, lienLe.getTime() - Date.now()).finally(() => delete p.details.prochaineVerification);
    if (s.rupture) return 'rupture';
    if (!paiementDe(c, mois)) await demanderLePaiement(c, k);
    if (s.rupture) return 'rupture';
    s.moisRegles = k + 1;
    publier(c);
    if (bilanDu(c)) await bilanAuBailleur(c);
    await continuerSiLongue(c);
  }
}

/** Historique borné : à un point stable, le parcours continue en une nouvelle exécution. */
async function continuerSiLongue(c: Protocole): Promise<void> {
  const { p, s, e } = c;
  c.moisDansCetteExecution += 1;
  const longue = workflowInfo().continueAsNewSuggested || c.moisDansCetteExecution >= (e.moisParExecution ?? MOIS_PAR_EXECUTION);
  // La dernière fiche d'indicateurs est consignée avant de passer à l'exécution suivante.
  if (longue && s.moisRegles < dureeTotaleMois(c) && p.pointStable) await p.indicateursConsignes();
  if (longue && s.moisRegles < dureeTotaleMois(c) && p.pointStable) {
    await p.suitesTerminees();
    await continueAsNew<typeof protocolePostResiliation>({
      programme: e.programme,
      menage: e.menage,
      coordinateur: e.coordinateur,
      travailleurSocial: p.travailleurSocial,
      resiliation: e.resiliation,
      moisParExecution: e.moisParExecution,
      reprise: { parcours: p.instantane(), protocole: { ...s, execution: s.execution + 1 } },
    });
  }
}

/** Le lien du mois au bailleur : reçu (approuve) ou manqué (refuse), avec le montant. */
async function demanderLePaiement(c: Protocole, k: number): Promise<void> {
  const { p, s, ref } = c;
  const d = c.e.programme.delais;
  const mois = moisNumero(c, k);
  const lien = demanderEnArrierePlan(c.p, {
    role: 'bailleur',
    action: 'paiement',
    ...courriels.demandeDePaiement({ ref, mois, rang: k + 1, dureeTotaleMois: dureeTotaleMois(c), attendu: montantAttendu(c) }),
    delai: d.reponsePaiement ?? 'P10D',
    rappels: [],
    libelleLien: 'Indiquer si le paiement est reçu',
  });
  await p.attendre(() => lien.demande.statut !== 'en_attente' || paiementDe(c, mois) !== undefined || s.rupture !== undefined);
  const r = lien.demande;
  if ((r.statut === 'approuvee' || r.statut === 'refusee') && !paiementDe(c, mois)) {
    const paye = r.statut === 'approuvee';
    await enregistrerPaiement(c, {
      mois,
      statut: paye ? 'paye' : 'impaye',
      // Le montant a son champ ; les réponses antérieures le portaient dans le commentaire.
      montant: r.decision?.montant ?? lireMontantPaiement(r.decision?.commentaire),
      source: 'bailleur',
      acteur: { type: 'partenaire', role: 'bailleur', id: r.decision?.par },
    });
  }
  await fermerDemande(c.p, lien, paiementDe(c, mois) ? 'paiement enregistré par l’équipe' : 'protocole rompu');
  if (!paiementDe(c, mois) && !s.rupture) await enregistrerPaiement(c, { mois, statut: 'non_renseigne', source: 'sans_reponse' });
}

/** 4. Bilan périodique au bailleur : paiements, dette restante, accompagnement (sans rien de confié). */
async function bilanAuBailleur(c: Protocole): Promise<void> {
  const { p, s, ref } = c;
  const d = c.e.programme.delais;
  s.bilans += 1;
  s.prochainBilan = ajouterDuree(new Date(s.prochainBilan!), d.bilan!).toISOString();
  const pa = p.details.paiements as { payes: number; impayes: number; nonRenseignes: number; montantRecu: number; montantAttendu: number };
  const bilan = {
    numero: s.bilans,
    le: new Date().toISOString(),
    moisRegles: s.moisRegles,
    payes: pa.payes,
    impayes: pa.impayes,
    nonRenseignes: pa.nonRenseignes,
    detteRestante: detteRestante(c),
  };
  p.details.bilans = [...((p.details.bilans as unknown[]) ?? []), bilan];
  await notifier(p, {
    a: { role: 'bailleur' },
    ...courriels.bilan({
      ref,
      le: new Date(),
      moisRegles: s.moisRegles,
      dureeTotaleMois: dureeTotaleMois(c),
      paiements: pa,
      detteRestante: detteRestante(c),
      accompagnement: s.accompagnement,
      terme: terme(c),
    }),
    type: 'bilan',
    visibilite: 'partenaires',
  });
}

/**
 * 5. Au terme non respecté : paiements à régulariser, avenant, rupture ou orientation. Rend
 * « respecte » (régularisé), « prolonge » (avenant : le suivi reprend) ou « rupture ».
 */
async function termeDuProtocole(c: Protocole): Promise<'respecte' | 'prolonge' | 'rupture'> {
  const { p, s, ref } = c;
  p.changerEtape('terme_non_respecte', 'Terme du protocole : paiements à régulariser');
  const manquants = Array.from({ length: dureeTotaleMois(c) }, (_, k) => moisNumero(c, k)).filter((m) => paiementDe(c, m)?.statut !== 'paye');
  const avertir = () =>
    notifierEnsemble(p, [
      { a: auTravailleurSocial(c), ...courriels.termeARegulariserAuTravailleurSocial({ ref, terme: terme(c), manquants }), type: 'alerte' },
      {
        a: { role: 'bailleur' },
        ...courriels.termeARegulariserAuBailleur({ ref, programme: c.e.programme, terme: terme(c), manquants }),
        visibilite: 'partenaires',
      },
    ]);
  // Depuis `terme-aux-heures-ouvrees` : atteint la nuit (le lien du dernier mois expiré à minuit), un week-end ou
  // un jour férié, le terme est annoncé à 9 h du jour ouvré suivant ; plus si l'étape est déjà passée.
  if (patched('terme-aux-heures-ouvrees')) p.auxHeuresOuvrees(avertir, () => p.etape !== 'terme_non_respecte');
  else await avertir();
  await p.attendre(() => protocoleRespecte(c) || s.moisRegles < dureeTotaleMois(c) || s.rupture !== undefined);
  if (s.rupture) return 'rupture';
  if (protocoleRespecte(c)) return 'respecte';
  p.rejoindre('suivi_protocole', PROTOCOLE_PROLONGE);
  return 'prolonge';
}

/** 5a. Protocole respecté : le bailleur signe un nouveau bail dans les 3 mois (rappels, escalade). */
async function nouveauBail(c: Protocole): Promise<Fin> {
  const { p, s, ref } = c;
  const { programme } = c.e;
  const d = programme.delais;
  p.changerEtape('nouveau_bail', 'Protocole respecté : nouveau bail à signer');
  const avant = ajouterDuree(new Date(), d.nouveauBail!);
  p.details.nouveauBailAttenduAvant = avant.toISOString();
  p.details.protocoleRespecteLe = new Date().toISOString(); // indicateurs : date du respect, point de départ du délai du nouveau bail
  const respecte: courriels.ProtocoleRespecte = {
    ref,
    programme,
    terme: terme(c),
    dureeTotaleMois: dureeTotaleMois(c),
    delai: d.nouveauBail!,
    avant,
    aujourdhui: new Date(),
  };
  // Le nouveau bail enregistré pendant ces courriels (serveur lent) : les suivants, qui le
  // demanderaient encore, ne partent pas (patched('nouveau-bail-deja-signe')).
  const dejaSigne = () => s.nouveauBail !== undefined && patched('nouveau-bail-deja-signe');
  // Le bailleur indique lui-même la signature par un lien signé (dates du bail), avec ses rappels ;
  // l'équipe peut toujours l'enregistrer (message « nouveau-bail »), qui clôt alors le lien.
  const lien = patched('nouveau-bail-par-lien')
    ? demanderEnArrierePlan(c.p, {
        role: 'bailleur',
        action: 'nouveau_bail',
        ...courriels.nouveauBailParLien(respecte),
        delai: d.nouveauBail!,
        due: avant,
        libelleLien: 'Indiquer la signature du nouveau bail',
        escalade: false,
        sansEcheance: true,
        controlerReponse: (r) =>
          r.decision !== 'approuve' ? 'Ce lien sert à indiquer la signature du nouveau bail.' : raisonDatesNouveauBail(c, r.nouveauBail),
      })
    : undefined;
  const signeParLien = () => lien?.demande.statut === 'approuvee';
  const signe = () => s.nouveauBail !== undefined || signeParLien();
  if (!lien) await notifier(p, { a: { role: 'bailleur' }, ...courriels.nouveauBailASigner(respecte), visibilite: 'partenaires' });
  const attendu = (role: 'ccapex' | 'prefecture'): Notification => ({ a: { role }, ...courriels.nouveauBailAttendu(respecte), visibilite: 'partenaires' });
  const aEnregistrer = (): Notification => ({ a: auTravailleurSocial(c), ...courriels.nouveauBailAEnregistrer(respecte) });
  // La CCAPEX, la préfecture et le travailleur social l'apprennent ensemble, par une seule activité
  // (patched('nouveau-bail-ensemble')) ; avant, un à un.
  if (patched('nouveau-bail-ensemble')) {
    if (!dejaSigne() && !signeParLien()) await notifierEnsemble(p, [attendu('ccapex'), attendu('prefecture'), aEnregistrer()]);
  } else {
    for (const role of ['ccapex', 'prefecture'] as const) {
      if (dejaSigne() || signeParLien()) break;
      await notifier(p, attendu(role));
    }
    if (!dejaSigne() && !signeParLien()) await notifier(p, aEnregistrer());
  }
  p.echeances.suivre({ id: 'nouveau_bail', libelle: 'Nouveau bail signé par le bailleur', due: avant, responsable: 'bailleur', alerter: false });
  // Avec le lien, ses rappels partent avec lui (blocs/validation.ts) ; sans lui, par courriel.
  const rappels = lien
    ? []
    : programme.rappelsValidation
        .map((r) => ajouterDuree(new Date(), r))
        .filter((x) => x.getTime() < avant.getTime())
        .sort((a, b) => a.getTime() - b.getTime());
  let fait = false;
  for (const quand of rappels) {
    fait = await p.attendre(signe, quand.getTime() - Date.now());
    if (fait) break;
    await notifier(p, {
      a: { role: 'bailleur' },
      ...courriels.rappelNouveauBail({ ...respecte, aujourdhui: new Date() }),
      type: 'rappel',
      visibilite: 'partenaires',
    });
  }
  if (!fait && !(await p.attendre(signe, avant.getTime() - Date.now()))) {
    const nombreRappels = lien
      ? programme.rappelsValidation.filter((r) => ajouterDuree(new Date(lien.demande.envoyeeLe), r).getTime() < avant.getTime()).length
      : rappels.length;
    const escalade = () =>
      notifierEnsemble(p, [
        { a: { coordination: true }, ...courriels.nouveauBailNonSigne({ ...respecte, aujourdhui: new Date(), rappels: nombreRappels }), type: 'escalade' },
        { a: { role: 'bailleur' }, ...courriels.delaiNouveauBailDepasse({ ...respecte, aujourdhui: new Date() }), type: 'rappel', visibilite: 'partenaires' },
      ]);
    // Le délai passé la nuit, un week-end ou un jour férié : la coordination et le bailleur l'apprennent
    // à 9 h du jour ouvré suivant ; plus si le bail est enregistré d'ici là.
    if (patched('nouveau-bail-aux-heures-ouvrees')) p.auxHeuresOuvrees(escalade, signe);
    else await escalade();
    await p.attendre(signe);
  }
  if (lien) {
    // Indiqué par le bailleur : le nouveau bail est enregistré à ses dates ; enregistré par
    // l'équipe : le lien est clos.
    const indique = lien.demande.decision?.nouveauBail;
    if (!s.nouveauBail && signeParLien() && indique) {
      enregistrerNouveauBail(c, indique, { type: 'partenaire', role: 'bailleur', id: lien.demande.decision?.par });
    }
    await fermerDemande(c.p, lien, 'nouveau bail enregistré par l’équipe');
  }
  p.echeances.tenir('nouveau_bail');
  const b = s.nouveauBail!;
  // L'issue dit déjà « Nouveau bail signé » : le motif en donne les dates.
  return {
    issue: 'nouveau_bail_signe',
    motif:
      b.dateEffet !== b.signeLe ? `signé le ${dateEnFrancais(b.signeLe)}, à effet du ${dateEnFrancais(b.dateEffet)}` : `signé le ${dateEnFrancais(b.signeLe)}`,
    acteur: b.acteur,
  };
}

/**
 * 5b. Rupture : orientation vers un hébergement, une résidence sociale ou un logement adapté,
 * enregistrée avant la clôture (message « cloturer », refusé sans orientation).
 */
async function ruptureEtOrientation(c: Protocole): Promise<Fin> {
  await rupture(c);
  await c.p.attendre(() => c.s.orientation !== undefined);
  c.p.echeances.tenir('orientation');
  await c.p.attendre(() => false);
  return { issue: 'orientation_hebergement' };
}

/** La rupture dans l'état et le journal : sa date, son motif, qui l'a dite, la trêve hivernale en cours. */
function noterRupture(c: Protocole): void {
  const { p, s } = c;
  const r = s.rupture!;
  const treve = treveHivernale(new Date());
  p.details.rupture = { decideeLe: r.decideeLe, par: r.par, motif: r.motif, treveHivernale: treve.enCours ? { jusquau: treve.jusquau } : null };
  p.journal.noter('rupture', `Rupture du protocole décidée par le bailleur le ${dateEnFrancais(r.decideeLe)} : ${r.motif}`, { acteur: r.acteur });
}

/** La rupture décidée par le bailleur : CCAPEX et préfecture informées, trêve hivernale dite. */
async function rupture(c: Protocole): Promise<void> {
  const { p, s, ref } = c;
  const { programme } = c.e;
  const d = programme.delais;
  const r = s.rupture!;
  p.rejoindre('rupture', PROTOCOLE_ROMPU, r.acteur);
  if (c.demandeManquements) await fermerDemande(c.p, c.demandeManquements, 'protocole rompu');
  // Enregistrée par le message de la coordination (patched('rupture-dans-le-message')), elle y est déjà.
  if (!p.details.rupture) noterRupture(c);
  const x: courriels.Rupture = { ref, programme, decideeLe: r.decideeLe, signeLe: s.protocole!.signeLe, motif: r.motif, le: new Date() };
  await notifierEnsemble(p, [
    ...(['ccapex', 'prefecture', 'bailleur', 'caf'] as const)
      .filter((role) => programme.partenaires[role])
      .map((role) => ({ a: { role }, ...courriels.ruptureAuxPartenaires(x, role), visibilite: 'partenaires' as const })),
    { a: auTravailleurSocial(c), ...courriels.ruptureAuTravailleurSocial(x), type: 'alerte' },
  ]);
  p.echeances.suivre({
    id: 'orientation',
    libelle: 'Orientation du ménage (hébergement, résidence sociale, logement adapté)',
    delai: d.orientation ?? DELAIS_PAR_DEFAUT.protocole_post_resiliation.orientation,
    rappelAvant: d.rappelAvant,
    responsable: 'travailleur_social',
  });
}

/** Clôture : le bailleur, la CCAPEX et la préfecture connaissent l'issue ; la CAF, un nouveau bail. */
async function clotureDuProtocole(c: Protocole, fin: Fin): Promise<void> {
  const { p, s, ref } = c;
  const { programme } = c.e;
  await p.clore(fin.issue, fin.motif, fin.acteur);
  p.details.ficheCloture = {
    issue: fin.issue,
    libelle: LIBELLES_ISSUES[fin.issue],
    motif: fin.motif,
    le: new Date().toISOString(),
    paiements: p.details.paiements ?? null,
    bilans: s.bilans,
  };
  // Chaque avis se rédige au moment de partir (la fin du protocole dite à cette date).
  const orientation = s.orientation ? LIBELLES_DISPOSITIFS[s.orientation.dispositif] : undefined;
  const avis: Array<() => Notification> =
    fin.issue === 'nouveau_bail_signe'
      ? (['bailleur', 'ccapex', 'prefecture', 'caf'] as const)
          .filter((role) => programme.partenaires[role])
          .map((role) => () => ({
            a: { role },
            ...courriels.nouveauBailSigne({ ref, programme, signeLe: s.nouveauBail!.signeLe, dateEffet: s.nouveauBail!.dateEffet }, role),
            visibilite: 'partenaires',
            ...(role !== 'caf' ? { joindre: [{ document: 'fiche-cloture' as const }] } : {}),
          }))
      : (['bailleur', 'ccapex', 'prefecture'] as const)
          .filter((role) => programme.partenaires[role])
          .map((role) => () => ({
            a: { role },
            ...courriels.finDAccompagnement(
              { ref, programme, issue: LIBELLES_ISSUES[fin.issue], orientation, finDuProtocole: s.protocole && !s.rupture ? new Date() : undefined },
              role,
            ),
            visibilite: 'partenaires',
            joindre: [{ document: 'fiche-cloture' }],
          }));
  // Les partenaires informés ensemble, par une seule activité (patched('fin-du-protocole-ensemble')) ; avant, un à un.
  if (patched('fin-du-protocole-ensemble'))
    await notifierEnsemble(
      p,
      avis.map((rediger) => rediger()),
    );
  else for (const rediger of avis) await notifier(p, rediger());
  await p.indicateursConsignes();
}

// ---- Les messages des personnes ----------------------------------------------------------------

function ecouterLesMessages(c: Protocole): void {
  messagesDuProtocole(c);
  messagesDesPaiements(c);
  messagesDeLaRuptureEtDeLAvenant(c);
  messagesDeLaFin(c);
}

function messagesDuProtocole(c: Protocole): void {
  const { p, s } = c;
  const { programme } = c.e;
  const d = programme.delais;
  p.message(signatureProtocoleUpdate, {
    valider: (x) => enEtape(c, 'signature_protocole') ?? motifSignature(x, programme, new Date()),
    appliquer: (x) => {
      s.protocole = { signeLe: x.signeLe, debut: x.debut, dureeMois: x.dureeMois, indemniteOccupation: x.indemniteOccupation };
      s.plan = { ...x.planApurement, depuis: x.debut.slice(0, 7) };
      publier(c);
      p.journal.noter(
        'signature_protocole',
        `Protocole signé le ${dateEnFrancais(x.signeLe)} par le bailleur et l’occupant : ${x.dureeMois} mois à partir du ${dateEnFrancais(x.debut)}, indemnité d’occupation ${euros(x.indemniteOccupation)} par mois, plan d’apurement ${euros(x.planApurement.mensualite)} par mois${resteAuTerme(x)}`,
        { acteur: personnel(x.par) },
      );
      p.avancer('suivi_protocole', PROTOCOLE_EN_COURS);
      return { etape: p.etape };
    },
  });
  p.message(accompagnementUpdate, {
    valider: (x) =>
      (p.interrompu ? 'Le parcours est clôturé.' : undefined) ??
      enEtape(c, 'signature_protocole', 'suivi_protocole', 'terme_non_respecte', 'nouveau_bail', 'rupture') ??
      (!(NATURES_ACCOMPAGNEMENT as readonly string[]).includes(x.nature) ? `Nature inconnue : « ${x.nature} ».` : undefined) ??
      (x.le !== undefined && (!estJourIso(x.le) || x.le > aujourdhui()) ? 'Date attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.' : undefined),
    appliquer: (x) => {
      s.accompagnement[x.nature] += 1;
      if (x.note) ((p.detailsConfidentiels.notesAccompagnement ??= []) as unknown[]).push({ le: x.le ?? aujourdhui(), nature: x.nature, note: x.note });
      publier(c);
      p.journal.noter('accompagnement', `${LIBELLES_ACCOMPAGNEMENT[x.nature]}${x.le ? ` le ${dateEnFrancais(x.le)}` : ''}`, {
        acteur: ts(x.par),
        visibilite: 'equipe',
      });
      if (x.nature === 'visite_domicile' && d.visite && s.protocole) {
        p.echeances.tenir('visite');
        p.echeances.suivre({
          id: 'visite',
          libelle: 'Visite à domicile (accompagnement renforcé)',
          delai: d.visite,
          rappelAvant: d.rappelAvant,
          responsable: 'travailleur_social',
        });
      }
      return { etape: p.etape };
    },
  });
}

function messagesDesPaiements(c: Protocole): void {
  const { p, s } = c;
  p.message(paiementUpdate, {
    valider: (x) =>
      enEtape(c, 'suivi_protocole', 'terme_non_respecte') ??
      (!['paye', 'impaye'].includes(x.statut) ? 'Statut attendu : « paye » ou « impaye ».' : undefined) ??
      (x.montant !== undefined && !(Number.isFinite(x.montant) && x.montant >= 0 && x.montant <= 100_000)
        ? 'Montant invalide (en euros, positif).'
        : undefined) ??
      motifMoisDe(x.mois, s.protocole!.debut, dureeTotaleMois(c), new Date()),
    appliquer: async (x) => {
      if (x.commentaire) ((p.detailsConfidentiels.notesPaiements ??= []) as unknown[]).push({ mois: x.mois, commentaire: x.commentaire });
      const n = await enregistrerPaiement(c, { mois: x.mois, statut: x.statut, montant: x.montant, source: 'equipe', acteur: personnel(x.par) });
      return { etape: p.etape, impayesConsecutifs: n };
    },
  });
}

function messagesDeLaRuptureEtDeLAvenant(c: Protocole): void {
  const { p, s } = c;
  const { programme } = c.e;
  p.message(ruptureUpdate, {
    valider: (x) =>
      enEtape(c, 'suivi_protocole', 'terme_non_respecte') ??
      (s.rupture ? 'La rupture du protocole est déjà enregistrée.' : undefined) ??
      (typeof x.motif !== 'string' || x.motif.trim().length < 3 ? 'Le motif de la rupture décidée par le bailleur est requis.' : undefined) ??
      (x.decideeLe !== undefined && (!estJourIso(x.decideeLe) || x.decideeLe > aujourdhui())
        ? 'Date de la décision attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.'
        : undefined),
    appliquer: (x) => {
      s.rupture = { decideeLe: x.decideeLe ?? aujourdhui(), motif: x.motif.trim(), par: 'coordination', acteur: personnel(x.par, 'coordinateur') };
      p.avancer('rupture', PROTOCOLE_ROMPU, s.rupture.acteur);
      // Lue aussitôt (état, fiche), la rupture y est, même si le déroulé envoie encore un courriel.
      if (patched('rupture-dans-le-message')) noterRupture(c);
      return { etape: p.etape };
    },
  });
  p.message(avenantUpdate, {
    valider: (x) =>
      enEtape(c, 'suivi_protocole', 'terme_non_respecte') ??
      (s.rupture ? 'Le protocole est rompu : plus d’avenant possible.' : undefined) ??
      motifAvenant(x, s, programme, new Date()),
    appliquer: async (x) => {
      s.avenants.push({ signeLe: x.signeLe, prolongationMois: x.prolongationMois, planApurement: x.planApurement, indemniteOccupation: x.indemniteOccupation });
      s.plan = { ...x.planApurement, depuis: moisNumero(c, Math.min(s.moisRegles, dureeTotaleMois(c) - 1)) };
      if (x.indemniteOccupation !== undefined) s.protocole!.indemniteOccupation = x.indemniteOccupation;
      publier(c);
      const jusquau = terme(c);
      p.journal.noter(
        'avenant',
        `Avenant signé le ${dateEnFrancais(x.signeLe)} : protocole prolongé de ${x.prolongationMois} mois, jusqu’au ${dateEnFrancais(veilleDe(jusquau))} ; plan d’apurement renégocié (${euros(x.planApurement.mensualite)} par mois)`,
        { acteur: personnel(x.par) },
      );
      // Au terme non respecté, l'avenant relance le suivi dans sa réponse même ; les courriels suivent.
      if (p.etape === 'terme_non_respecte' && patched('courriels-apres-reponse')) p.avancer('suivi_protocole', PROTOCOLE_PROLONGE);
      await p.apresReponse(() => informerDeLAvenant(c, x, jusquau));
      return { etape: p.etape, terme: jourDeParis(terme(c)) };
    },
  });
}

async function informerDeLAvenant(c: Protocole, x: Avenant, jusquau: Date): Promise<void> {
  const engagements = {
    signeLe: x.signeLe,
    prolongationMois: x.prolongationMois,
    jusquau,
    plan: x.planApurement,
    indemniteOccupation: c.s.protocole!.indemniteOccupation,
  };
  const auxPartenaires = (['bailleur', 'ccapex', 'prefecture'] as const).map((role): Notification => ({
    a: { role },
    ...courriels.avenant({ ref: c.ref, ...engagements }),
    visibilite: 'partenaires',
    ...(role !== 'prefecture' ? { joindre: [{ document: 'resume-protocole' as const }] } : {}),
  }));
  // L'occupant qui accepte les courriels : ses nouveaux engagements, avec son résumé à jour.
  const aLOccupant = (a: Notification['a']): Notification => ({
    a,
    ...courriels.avenantAuMenage({ programme: c.e.programme, ...engagements }),
    joindre: [{ document: 'resume-protocole', lecteur: 'menage' }],
  });
  // Les partenaires et l'occupant informés par une seule activité (patched('avenant-ensemble')).
  if (patched('avenant-ensemble')) {
    const occupant = auMenage(c.e.menage, 'l’occupant');
    await notifierEnsemble(c.p, [...auxPartenaires, ...(occupant ? [aLOccupant(occupant)] : [])]);
    return;
  }
  for (const n of auxPartenaires) await notifier(c.p, n);
  const occupant = auMenage(c.e.menage, 'l’occupant');
  if (occupant && patched('avenant-a-l-occupant')) await notifier(c.p, aLOccupant(occupant));
}

function messagesDeLaFin(c: Protocole): void {
  const { p, s } = c;
  // Le ménage occupe le logement sans bail : pas de clôture, même anticipée, sans orientation.
  p.exigerAvantClotureAnticipee(() =>
    s.orientation || s.nouveauBail
      ? undefined
      : 'Le ménage occupe le logement sans bail : enregistrez d’abord son orientation (hébergement, résidence sociale ou logement adapté) avant de clore le parcours. Pas de sortie sèche.',
  );
  p.message(orientationUpdate, {
    valider: (x) =>
      (p.interrompu ? 'Le parcours est clôturé.' : undefined) ??
      (!(DISPOSITIFS_ORIENTATION as readonly string[]).includes(x.dispositif)
        ? 'Orientation attendue : hébergement, résidence sociale ou logement adapté.'
        : undefined),
    appliquer: (x) => {
      s.orientation = { dispositif: x.dispositif, le: new Date().toISOString() };
      p.detailsConfidentiels.orientation = { dispositif: x.dispositif, precision: x.precision, le: s.orientation.le };
      p.details.orientation = { le: s.orientation.le };
      p.journal.noter('orientation', `Orientation du ménage : ${LIBELLES_DISPOSITIFS[x.dispositif]}`, { acteur: ts(x.par), visibilite: 'equipe' });
      return { etape: p.etape };
    },
  });
  p.message(nouveauBailUpdate, {
    valider: (x) => enEtape(c, 'nouveau_bail') ?? raisonDatesNouveauBail(c, x),
    appliquer: (x) => {
      enregistrerNouveauBail(c, x, personnel(x.par));
      // Le nouveau bail signé clôt le parcours.
      return { etape: 'cloture' };
    },
  });
  p.message(cloturerProtocoleUpdate, {
    valider: (x) => {
      if (p.interrompu) return 'Le parcours est déjà clôturé.';
      if (!(ISSUES_PROTOCOLE as readonly string[]).includes(x.issue))
        return `Issue de clôture inconnue pour ce parcours : « ${x.issue} » (le nouveau bail signé clôt le parcours de lui-même).`;
      if (x.issue === 'orientation_hebergement' && !s.orientation) {
        return 'Le maintien dans le logement a échoué : enregistrez d’abord l’orientation du ménage vers un hébergement, une résidence sociale ou un logement adapté. Pas de sortie sèche.';
      }
      if (x.issue === 'relogement_ou_mutation' && (x.motif ?? '').trim().length < 3) return 'Précisez le relogement ou la mutation (motif requis).';
      return undefined;
    },
    appliquer: (x) => {
      if (x.motif) p.detailsConfidentiels.motifCloture = x.motif;
      const motif = x.issue === 'orientation_hebergement' ? `Orientation : ${LIBELLES_DISPOSITIFS[s.orientation!.dispositif]}` : x.motif!.trim();
      p.interrompre({ issue: x.issue, motif, acteur: ts(x.par) });
      return { etape: 'cloture' };
    },
  });
}

// ---- Les paiements et leurs alertes -----------------------------------------------------------

/** Le paiement d'un mois, indiqué par le bailleur (lien) ou par l'équipe (message). */
async function enregistrerPaiement(
  c: Protocole,
  x: { mois: string; statut: StatutPaiement | 'non_renseigne'; montant?: number; source: PaiementEnregistre['source']; acteur?: Acteur },
): Promise<number> {
  const { p, s } = c;
  const attendu = montantAttendu(c);
  const montant = arrondi(x.montant ?? (x.statut === 'paye' ? attendu.total : 0));
  const avant = paiementDe(c, x.mois);
  const paiement: PaiementEnregistre = {
    mois: x.mois,
    statut: x.statut,
    montant,
    attendu: attendu.total,
    apurement: arrondi(Math.min(detteRestante(c) + (avant?.apurement ?? 0), Math.max(0, montant - attendu.indemnite))),
    source: x.source,
    le: new Date().toISOString(),
  };
  if (avant) s.paiements.splice(s.paiements.indexOf(avant), 1, paiement);
  else {
    s.paiements.push(paiement);
    s.paiements.sort((a, b) => a.mois.localeCompare(b.mois));
  }
  const n = impayesConsecutifs(c);
  publier(c);
  const correction = avant && avant.statut !== 'non_renseigne' ? ' (correction)' : '';
  const qui = x.source === 'bailleur' ? ' — indiqué par le bailleur' : '';
  p.journal.noter(
    'paiement',
    x.statut === 'non_renseigne'
      ? `Paiement ${deMois(x.mois)} non renseigné : sans réponse du bailleur dans le délai`
      : `Paiement ${deMois(x.mois)} ${x.statut === 'paye' ? 'reçu' : 'manqué'} : ${euros(montant)} sur ${euros(attendu.total)}${qui}${correction}`,
    { acteur: x.acteur },
  );
  if (x.statut === 'paye' && n === 0) s.alerteImpayes = false;
  if (x.statut !== 'impaye') return n;
  // Des manquements répétés ne sont signalés qu'une fois, même si deux messages se suivent de près.
  const repetes = n >= c.seuilImpayes && !s.alerteImpayes;
  if (repetes) s.alerteImpayes = true;
  // Un message de l'équipe est répondu aussitôt : les alertes suivent (`apresReponse`).
  const alertes = () => alerterImpayes(c, x.mois, montant, attendu.total, n, repetes);
  if (x.source === 'equipe') await p.apresReponse(alertes);
  else await alertes();
  return n;
}

async function alerterImpayes(c: Protocole, mois: string, montant: number, total: number, n: number, repetes: boolean): Promise<void> {
  const { p, s, ref } = c;
  // 3. Un paiement manqué alerte le travailleur social…
  const auTravailleur: Notification = {
    a: auTravailleurSocial(c),
    ...courriels.paiementManque({ ref, mois, montant, attendu: total, consecutifs: n }),
    type: 'alerte',
  };
  // … et des manquements répétés alertent aussi la coordination, par la même activité (patched('alertes-impayes-ensemble')),
  // et le bailleur, qui peut constater la rupture.
  const ensemble = repetes && patched('alertes-impayes-ensemble');
  if (!ensemble) await notifier(p, auTravailleur);
  if (!repetes) return;
  const manques = s.paiements
    .filter((y) => y.statut === 'impaye')
    .slice(-n)
    .map((y) => y.mois);
  const aLaCoordination: Notification = {
    a: { coordination: true },
    ...courriels.manquementsRepetes({ ref, programme: c.e.programme, manques, travailleurSocial: p.travailleurSocial }),
    type: 'alerte',
  };
  await (ensemble ? notifierEnsemble(p, [auTravailleur, aLaCoordination]) : notifier(p, aLaCoordination));
  const demande = demanderEnArrierePlan(c.p, {
    role: 'bailleur',
    ...courriels.constaterLaRupture({ ref, manques }),
    delai: c.e.programme.delais.reponseManquements ?? 'P1M',
  });
  c.demandeManquements = demande;
  // Lue aussitôt après la réponse du bailleur (état, fiche), la rupture y est, même si le déroulé
  // envoie encore un courriel (la demande de paiement du mois, retenue par un serveur lent) : aux
  // mêmes étapes que la rupture enregistrée par la coordination ; ailleurs, le déroulé en décide.
  const dansLaReponse = patched('rupture-constatee-dans-la-reponse');
  void demande.fin.then((r) => {
    if (r.statut === 'approuvee' && !s.rupture) {
      s.rupture = {
        // Le jour de Paris de sa réponse (à 0 h 30 le 1er, la rupture est du 1er, pas de la veille en UTC),
        // depuis patched('rupture-constatee-au-jour-de-paris').
        decideeLe: patched('rupture-constatee-au-jour-de-paris') ? jourDeParis(r.decision!.le) : r.decision!.le.slice(0, 10),
        motif: r.decision!.commentaire || `${n} mois impayés de suite`,
        par: 'bailleur',
        acteur: { type: 'partenaire', role: 'bailleur', id: r.decision!.par },
      };
      if (dansLaReponse && !enEtape(c, 'suivi_protocole', 'terme_non_respecte')) {
        p.avancer('rupture', PROTOCOLE_ROMPU, s.rupture.acteur);
        noterRupture(c);
      }
    } else if (r.statut === 'refusee') {
      p.journal.noter('protocole_maintenu', 'Le bailleur maintient le protocole malgré les manquements', {
        acteur: { type: 'partenaire', role: 'bailleur', id: r.decision!.par },
      });
    }
  });
}

/** Les dates d'un nouveau bail qui ne se tiennent pas (message de l'équipe ou lien du bailleur), en français. */
function raisonDatesNouveauBail(c: Protocole, x: { signeLe: string; dateEffet?: string } | undefined): string | undefined {
  if (!x || !estJourIso(x.signeLe)) return 'Date de signature attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.';
  if (x.signeLe > aujourdhui())
    return `La date de signature ne peut pas être après aujourd’hui (${dateEnFrancais(aujourdhui())}) : le bail doit être déjà signé.`;
  if (x.signeLe < c.s.protocole!.debut) return 'Le nouveau bail ne peut pas avoir été signé avant le début du protocole.';
  if (x.dateEffet !== undefined && (!estJourIso(x.dateEffet) || x.dateEffet < x.signeLe))
    return 'La prise d’effet du bail (AAAA-MM-JJ) ne peut pas précéder sa signature.';
  return undefined;
}

/** Le nouveau bail signé, à ses dates : état, détails et journal. */
function enregistrerNouveauBail(c: Protocole, x: { signeLe: string; dateEffet?: string }, acteur: Acteur): void {
  const { p, s } = c;
  s.nouveauBail = { signeLe: x.signeLe, dateEffet: x.dateEffet ?? x.signeLe, acteur };
  p.details.nouveauBail = { signeLe: x.signeLe, dateEffet: s.nouveauBail.dateEffet };
  p.journal.noter('nouveau_bail', `Nouveau bail signé le ${dateEnFrancais(x.signeLe)}, à effet du ${dateEnFrancais(s.nouveauBail.dateEffet)}`, { acteur });
}

// ---- Le calendrier du protocole : un mois d'indemnité et d'apurement après l'autre -------------

const ts = (par: string): Acteur => ({ type: 'personnel', id: par, role: 'travailleur_social' });
const personnel = (par: string, role: 'coordinateur' | 'travailleur_social' = 'travailleur_social'): Acteur => ({ type: 'personnel', id: par, role });
const auTravailleurSocial = (c: Protocole): A => (c.p.travailleurSocial ? { personnel: c.p.travailleurSocial } : { coordination: true });
const enEtape = (c: Protocole, ...etapes: string[]) =>
  etapes.includes(c.p.etape) ? undefined : `Ce message n’est pas attendu à l’étape « ${c.p.libelleEtape} ».`;
const aujourdhui = () => jourDeParis(new Date());

const debut = (c: Protocole) => minuitDeParis(c.s.protocole!.debut);
const dureeTotaleMois = (c: Protocole) => c.s.protocole!.dureeMois + c.s.avenants.reduce((n, a) => n + a.prolongationMois, 0);
const debutDuMois = (c: Protocole, k: number) => ajouterDuree(debut(c), `P${k}M`);
const terme = (c: Protocole) => debutDuMois(c, dureeTotaleMois(c));

/**
 * Un plan d'apurement plus long que le protocole, dit à la signature : ce n'est pas refusé (le plan
 * se poursuit avec le nouveau bail), mais l'équipe doit le savoir.
 */
function resteAuTerme(x: Pick<SignatureProtocole, 'dureeMois' | 'planApurement'>): string {
  const reste = Math.round((x.planApurement.dette - x.planApurement.mensualite * x.dureeMois) * 100) / 100;
  return reste > 0
    ? ` ; à ce rythme, ${euros(reste)} de dette resteront à rembourser au terme du protocole : le plan d’apurement se poursuivra avec le nouveau bail`
    : '';
}
const moisNumero = (c: Protocole, k: number) => jourDeParis(debutDuMois(c, k)).slice(0, 7);
const paiementDe = (c: Protocole, mois: string) => c.s.paiements.find((x) => x.mois === mois);

function detteRestante(c: Protocole): number {
  const plan = c.s.plan!;
  return Math.max(0, plan.dette - c.s.paiements.filter((x) => x.mois >= plan.depuis).reduce((n, x) => n + x.apurement, 0));
}

function montantAttendu(c: Protocole): { indemnite: number; apurement: number; total: number } {
  const indemnite = c.s.protocole!.indemniteOccupation;
  const apurement = Math.min(c.s.plan!.mensualite, detteRestante(c));
  return { indemnite, apurement, total: indemnite + apurement };
}

function impayesConsecutifs(c: Protocole): number {
  let n = 0;
  for (const x of [...c.s.paiements].reverse()) {
    if (x.statut === 'non_renseigne') continue;
    if (x.statut !== 'impaye') break;
    n += 1;
  }
  return n;
}

const protocoleRespecte = (c: Protocole) =>
  Array.from({ length: dureeTotaleMois(c) }, (_, k) => paiementDe(c, moisNumero(c, k))?.statut).every((x) => x === 'paye');

/**
 * Le bilan est dû au contrôle du mois où tombe sa date : un protocole commencé un 30 décembre a son
 * bilan de 3 mois au contrôle du 28 mars, pas un mois plus tard (les mois courts décalent les
 * contrôles mensuels de quelques jours). Les parcours commencés avant gardent la règle à l'instant.
 */
const bilanDu = (c: Protocole) =>
  patched('bilan-au-mois-du-controle')
    ? jourDeParis(new Date()).slice(0, 7) >= jourDeParis(new Date(c.s.prochainBilan!)).slice(0, 7)
    : Date.now() >= new Date(c.s.prochainBilan!).getTime();

/** Ce que tous les intervenants voient du protocole (bailleur compris) : des engagements et des montants. */
function publier(c: Protocole): void {
  const { p, s } = c;
  if (!s.protocole) return;
  const payes = s.paiements.filter((x) => x.statut === 'paye').length;
  p.details.protocole = {
    signeLe: s.protocole.signeLe,
    debut: s.protocole.debut,
    dureeInitialeMois: s.protocole.dureeMois,
    dureeTotaleMois: dureeTotaleMois(c),
    terme: jourDeParis(terme(c)),
    indemniteOccupation: s.protocole.indemniteOccupation,
    planApurement: { dette: s.plan!.dette, mensualite: s.plan!.mensualite, depuis: s.plan!.depuis },
    detteRestante: detteRestante(c),
    avenants: s.avenants.map((a) => ({ signeLe: a.signeLe, prolongationMois: a.prolongationMois })),
  };
  p.details.paiements = {
    moisRegles: s.moisRegles,
    payes,
    impayes: s.paiements.filter((x) => x.statut === 'impaye').length,
    nonRenseignes: s.paiements.filter((x) => x.statut === 'non_renseigne').length,
    impayesConsecutifs: impayesConsecutifs(c),
    montantRecu: arrondi(s.paiements.reduce((n, x) => n + x.montant, 0)),
    montantAttendu: arrondi(s.paiements.reduce((n, x) => n + x.attendu, 0)),
    mois: s.paiements.map((x) => ({ mois: x.mois, statut: x.statut, montant: x.montant, attendu: x.attendu })),
  };
  p.details.accompagnement = { ...s.accompagnement };
}

// ---- Règles (fonctions pures) ------------------------------------------------------------------

/**
 * Le protocole signé : les deux signatures, des dates cohérentes, 2 ans au plus. Tous les manques
 * sont dits ensemble (un seul aller-retour pour les corriger), avec les dates permises.
 */
export function motifSignature(x: SignatureProtocole, programme: Programme, maintenant: Date): string | undefined {
  const d = programme.delais;
  const motifs: string[] = [];
  if (!x.signataires?.bailleur || !x.signataires?.occupant)
    motifs.push('Le protocole est signé par le bailleur et par l’occupant : les deux signatures sont requises.');
  if (!estJourIso(x.signeLe) || !estJourIso(x.debut)) motifs.push('Dates attendues au format AAAA-MM-JJ.');
  else {
    if (x.signeLe > jourDeParis(maintenant)) motifs.push('La date de signature ne peut pas être dans le futur.');
    const ecart = minuitDeParis(x.debut).getTime() - maintenant.getTime();
    if (ecart < -31 * 86_400_000 || ecart > 92 * 86_400_000) {
      const [premier, dernier] = [new Date(maintenant.getTime() - 31 * 86_400_000), new Date(maintenant.getTime() + 92 * 86_400_000)];
      motifs.push(
        `Le protocole doit commencer entre le ${dateEnFrancais(premier)} et le ${dateEnFrancais(dernier)} (un mois avant à trois mois après aujourd’hui) : son premier mois fait partir le calendrier des paiements.`,
      );
    }
  }
  if (!Number.isInteger(x.dureeMois) || x.dureeMois < 1) motifs.push('Durée du protocole invalide (en mois, 1 au moins).');
  else if (estJourIso(x.debut)) {
    const debut = minuitDeParis(x.debut);
    if (ajouterDuree(debut, `P${x.dureeMois}M`).getTime() > ajouterDuree(debut, d.dureeMax!).getTime()) {
      motifs.push(
        `Un protocole de cohésion sociale dure ${dureeEnFrancais(d.dureeMax!)} au plus (CCH, art. L353-15-2) : ${x.dureeMois} mois demandés. Signez-le pour ${dureeEnFrancais(d.dureeMax!)} au plus ; un avenant pourra le prolonger de ${dureeEnFrancais(d.avenantMax!)} au plus si le plan d’apurement est renégocié.`,
      );
    }
  }
  if (!(x.indemniteOccupation > 0)) motifs.push('L’indemnité d’occupation mensuelle (en euros) est requise.');
  const plan = motifPlan(x.planApurement);
  if (plan) motifs.push(plan);
  return motifs.length ? motifs.join(' ') : undefined;
}

function motifPlan(plan: PlanApurement | undefined): string | undefined {
  if (!plan || !(plan.dette >= 0) || !(plan.mensualite > 0)) return 'Le plan d’apurement précise la dette (en euros) et la mensualité convenue.';
  return undefined;
}

/** L'avenant : un plan d'apurement renégocié, une prolongation de 3 ans au plus en tout (5 ans en tout). */
export function motifAvenant(x: Avenant, s: Pick<EtatProtocole, 'protocole' | 'avenants'>, programme: Programme, maintenant: Date): string | undefined {
  const d = programme.delais;
  if (!Number.isInteger(x.prolongationMois) || x.prolongationMois < 1) return 'Durée de la prolongation invalide (en mois, 1 au moins).';
  if (!estJourIso(x.signeLe) || x.signeLe > jourDeParis(maintenant))
    return 'Date de signature de l’avenant attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.';
  if (motifPlan(x.planApurement)) return 'Un avenant accompagne la renégociation du plan d’apurement : indiquez la dette restante et la nouvelle mensualité.';
  if (x.indemniteOccupation !== undefined && !(x.indemniteOccupation > 0)) return 'Indemnité d’occupation invalide.';
  const pr = s.protocole!;
  const termeInitial = ajouterDuree(minuitDeParis(pr.debut), `P${pr.dureeMois}M`);
  const limite = ajouterDuree(termeInitial, d.avenantMax!);
  const limiteTotale = ajouterDuree(ajouterDuree(minuitDeParis(pr.debut), d.dureeMax!), d.avenantMax!);
  const deja = s.avenants.reduce((n, a) => n + a.prolongationMois, 0);
  const prolongation = deja + x.prolongationMois;
  const fin = ajouterDuree(termeInitial, `P${prolongation}M`);
  if (fin.getTime() > Math.min(limite.getTime(), limiteTotale.getTime())) {
    let reste = 0;
    while (ajouterDuree(termeInitial, `P${deja + reste + 1}M`).getTime() <= Math.min(limite.getTime(), limiteTotale.getTime())) reste += 1;
    return `Un avenant prolonge le protocole de ${dureeEnFrancais(d.avenantMax!)} au plus en tout, après ses ${dureeEnFrancais(d.dureeMax!)} au plus (CCH, art. L353-15-2) : avec ${x.prolongationMois} mois de plus, le protocole irait jusqu’au ${dateEnFrancais(fin)}, au-delà du ${dateEnFrancais(limite)}. ${reste ? `Prolongation possible : ${reste} mois au plus.` : 'Plus aucune prolongation n’est possible.'}`;
  }
  return undefined;
}

/** Le mois d'un paiement enregistré par l'équipe : un mois du protocole déjà commencé. */
function motifMoisDe(mois: string, debut: string, dureeMois: number, maintenant: Date): string | undefined {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(mois)) return 'Mois attendu au format AAAA-MM.';
  const k = ecartEnMois(debut.slice(0, 7), mois);
  if (k < 0 || k >= dureeMois)
    return `Le mois ${deMois(mois)} n’est pas un mois du protocole, qui va ${deMois(debut.slice(0, 7))} à ${moisEnFrancais(jourDeParis(ajouterDuree(minuitDeParis(debut), `P${dureeMois - 1}M`)).slice(0, 7))}.`;
  if (ajouterDuree(minuitDeParis(debut), `P${k}M`).getTime() > maintenant.getTime()) return `Le mois ${deMois(mois)} n’a pas encore commencé.`;
  return undefined;
}

const arrondi = (n: number) => Math.round(n * 100) / 100;

/** Mois de « AAAA-MM » à « AAAA-MM » (rang d'un mois du calendrier ; pas des mois écoulés entre deux instants : `moisEntre` de domain/durees). */
function ecartEnMois(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + (Number(b.slice(5, 7)) - Number(a.slice(5, 7)));
}
