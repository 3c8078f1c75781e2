/**
 * Parcours 3 — protocole post-résiliation (../shared/journeys.md, « Journey 3 » ; seed 004, APRIL
 * Reims, seconde intervention). Maintenir dans son logement un occupant dont le juge a résilié le
 * bail, par un protocole de cohésion sociale avec le bailleur, l'intermédiation locative et un
 * accompagnement social renforcé, jusqu'à la signature d'un nouveau bail ; si le maintien échoue,
 * orienter le ménage vers un hébergement, une résidence sociale ou un logement adapté — jamais de
 * « sortie sèche ». Preset : reims-april-protocole.
 *
 * Un protocole peut vivre 5 ans (2 ans, plus 3 ans d'avenants), avec des événements chaque mois :
 * après le paiement d'un mois, à un point stable, le parcours continue en une nouvelle exécution
 * (continue-as-new) qui reçoit tout son état (socle : journal, échéances, demandes, détails,
 * messages déjà appliqués ; protocole : paiements, avenants, bilans). L'historique reste borné.
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
import { LIBELLES_ISSUES, type Acteur, type DemandeValidation, type EtatParcours, type Programme } from '../domain/vocabulaire';
import { euros as eurosFr } from '../domain/libelles';
import { ajouterDuree, heureDeParis, dateEnFrancais, dureeEnFrancais, jourDeParis, minuitDeParis } from './blocs/duree';
import { notifier, type A } from './blocs/notification';
import { Interruption, Parcours, type Fin, type InstantaneParcours } from './blocs/parcours';
import { demanderValidation, type DemandeValidationDef } from './blocs/validation';

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

export async function protocolePostResiliation(e: EntreeExecutionProtocole): Promise<EtatParcours> {
  const { programme, menage, resiliation } = e;
  const d = programme.delais;
  const ref = menage.reference;
  const seuilImpayes = programme.quotas.impayesAvantAlerte ?? 2;
  const p = new Parcours({
    typeParcours: 'protocole_post_resiliation',
    programme,
    reference: ref,
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

  const ts = (par: string): Acteur => ({ type: 'personnel', id: par, role: 'travailleur_social' });
  const personnel = (par: string, role: 'coordinateur' | 'travailleur_social' = 'travailleur_social'): Acteur => ({ type: 'personnel', id: par, role });
  const auTravailleurSocial = (): A => (p.travailleurSocial ? { personnel: p.travailleurSocial } : { coordination: true });
  const enEtape = (...etapes: string[]) => (etapes.includes(p.etape) ? undefined : `Ce message n’est pas attendu à l’étape « ${p.libelleEtape} ».`);
  const aujourdhui = () => jourDeParis(new Date());

  // ---- Le calendrier du protocole : un mois d'indemnité et d'apurement après l'autre ------------
  const debut = () => minuitDeParis(s.protocole!.debut);
  const dureeTotaleMois = () => s.protocole!.dureeMois + s.avenants.reduce((n, a) => n + a.prolongationMois, 0);
  const debutDuMois = (k: number) => ajouterDuree(debut(), `P${k}M`);
  const terme = () => debutDuMois(dureeTotaleMois());
  const moisNumero = (k: number) => jourDeParis(debutDuMois(k)).slice(0, 7);
  const paiementDe = (mois: string) => s.paiements.find((x) => x.mois === mois);
  const detteRestante = () => {
    const plan = s.plan!;
    return Math.max(0, plan.dette - s.paiements.filter((x) => x.mois >= plan.depuis).reduce((n, x) => n + x.apurement, 0));
  };
  const montantAttendu = () => {
    const indemnite = s.protocole!.indemniteOccupation;
    const apurement = Math.min(s.plan!.mensualite, detteRestante());
    return { indemnite, apurement, total: indemnite + apurement };
  };
  const impayesConsecutifs = () => {
    let n = 0;
    for (const x of [...s.paiements].reverse()) {
      if (x.statut === 'non_renseigne') continue;
      if (x.statut !== 'impaye') break;
      n += 1;
    }
    return n;
  };
  const protocoleRespecte = () => Array.from({ length: dureeTotaleMois() }, (_, k) => paiementDe(moisNumero(k))?.statut).every((x) => x === 'paye');

  /** Ce que tous les intervenants voient du protocole (bailleur compris) : des engagements et des montants. */
  function publier(): void {
    if (!s.protocole) return;
    const payes = s.paiements.filter((x) => x.statut === 'paye').length;
    p.details.protocole = {
      signeLe: s.protocole.signeLe,
      debut: s.protocole.debut,
      dureeInitialeMois: s.protocole.dureeMois,
      dureeTotaleMois: dureeTotaleMois(),
      terme: jourDeParis(terme()),
      indemniteOccupation: s.protocole.indemniteOccupation,
      planApurement: { dette: s.plan!.dette, mensualite: s.plan!.mensualite, depuis: s.plan!.depuis },
      detteRestante: detteRestante(),
      avenants: s.avenants.map((a) => ({ signeLe: a.signeLe, prolongationMois: a.prolongationMois })),
    };
    p.details.paiements = {
      moisRegles: s.moisRegles,
      payes,
      impayes: s.paiements.filter((x) => x.statut === 'impaye').length,
      nonRenseignes: s.paiements.filter((x) => x.statut === 'non_renseigne').length,
      impayesConsecutifs: impayesConsecutifs(),
      montantRecu: arrondi(s.paiements.reduce((n, x) => n + x.montant, 0)),
      montantAttendu: arrondi(s.paiements.reduce((n, x) => n + x.attendu, 0)),
      mois: s.paiements.map((x) => ({ mois: x.mois, statut: x.statut, montant: x.montant, attendu: x.attendu })),
    };
    p.details.accompagnement = { ...s.accompagnement };
  }

  /** Une demande au bailleur (lien signé), suivie en arrière-plan ; close si elle n'a plus d'objet. */
  function lancerDemande(def: DemandeValidationDef): { demande: DemandeValidation; fin: Promise<DemandeValidation> } {
    // En arrière-plan : une clôture demandée l'arrête (Interruption), le déroulé principal la voit de son côté.
    const fin = demanderValidation(p, def).catch((e: unknown) => {
      if (e instanceof Interruption) return demande;
      throw e;
    });
    // La demande est ajoutée au parcours avant le premier envoi (blocs/validation.ts).
    const demande = p.demandes[p.demandes.length - 1]!;
    return { demande, fin };
  }
  async function fermerDemande(x: { demande: DemandeValidation; fin: Promise<DemandeValidation> }, raison: string): Promise<void> {
    if (x.demande.statut === 'en_attente') {
      x.demande.statut = 'expiree';
      p.journal.noter('validation_close', `Demande « ${x.demande.objet} » close : ${raison}`);
    }
    await x.fin;
    p.echeances.annuler(`validation:${x.demande.id}`);
  }
  let demandeManquements: { demande: DemandeValidation; fin: Promise<DemandeValidation> } | undefined;

  /** Le paiement d'un mois, indiqué par le bailleur (lien) ou par l'équipe (message). */
  async function enregistrerPaiement(x: { mois: string; statut: StatutPaiement | 'non_renseigne'; montant?: number; source: PaiementEnregistre['source']; acteur?: Acteur }): Promise<number> {
    const attendu = montantAttendu();
    const montant = arrondi(x.montant ?? (x.statut === 'paye' ? attendu.total : 0));
    const avant = paiementDe(x.mois);
    const paiement: PaiementEnregistre = {
      mois: x.mois,
      statut: x.statut,
      montant,
      attendu: attendu.total,
      apurement: arrondi(Math.min(detteRestante() + (avant?.apurement ?? 0), Math.max(0, montant - attendu.indemnite))),
      source: x.source,
      le: new Date().toISOString(),
    };
    if (avant) s.paiements.splice(s.paiements.indexOf(avant), 1, paiement);
    else {
      s.paiements.push(paiement);
      s.paiements.sort((a, b) => a.mois.localeCompare(b.mois));
    }
    const n = impayesConsecutifs();
    publier();
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
    const repetes = n >= seuilImpayes && !s.alerteImpayes;
    if (repetes) s.alerteImpayes = true;
    // Un message de l'équipe est répondu aussitôt : les alertes suivent (`apresReponse`).
    const alertes = () => alerterImpayes(x.mois, montant, attendu.total, n, repetes);
    if (x.source === 'equipe') await p.apresReponse(alertes);
    else await alertes();
    return n;
  }

  async function alerterImpayes(mois: string, montant: number, total: number, n: number, repetes: boolean): Promise<void> {
    // 3. Un paiement manqué alerte le travailleur social…
    await notifier(p, {
      a: auTravailleurSocial(),
      sujet: `Paiement manqué : ${moisEnFrancais(mois)} (dossier ${ref})`,
      paragraphes: [
        `Le paiement ${deMois(mois)} prévu par le protocole du dossier ${ref} n’a pas été reçu (${euros(montant)} sur ${euros(total)}).`,
        n > 1 ? `C’est le ${n}e mois manqué de suite.` : 'C’est le premier mois manqué de suite.',
        'Un point avec le ménage est à prévoir rapidement : budget, FSL, renégociation du plan d’apurement si besoin.',
      ],
      type: 'alerte',
    });
    // … et des manquements répétés alertent la coordination et le bailleur, qui peut constater la rupture.
    if (repetes) {
      const manques = s.paiements.filter((y) => y.statut === 'impaye').slice(-n).map((y) => moisEnFrancais(y.mois));
      await notifier(p, {
        a: { coordination: true },
        sujet: `Manquements répétés au protocole : ${n} mois impayés (dossier ${ref})`,
        paragraphes: [
          `Le protocole du dossier ${ref} (${programme.nom}) n’est plus respecté : ${n} mois de suite sans paiement (${manques.join(', ')}).`,
          p.travailleurSocial ? `Le travailleur social en charge est ${p.travailleurSocial}.` : 'Aucun travailleur social n’est encore affecté à ce ménage.',
          'Le bailleur est alerté et peut constater la rupture du protocole. Préparez avec le ménage une renégociation du plan (avenant) ou, si le maintien n’est plus possible, son orientation.',
        ],
        type: 'alerte',
      });
      demandeManquements = lancerDemande({
        role: 'bailleur',
        objet: `Manquements répétés au protocole : ${n} mois impayés — constater la rupture ?`,
        apercu: [
          `Protocole de cohésion sociale du dossier ${ref} : ${n} mois de suite sans paiement (${manques.join(', ')}).`,
          'J’approuve : vous constatez la rupture du protocole. Le parcours passe à l’orientation du ménage (hébergement, résidence sociale ou logement adapté) ; la CCAPEX et la préfecture en sont informées.',
          'Je refuse : vous maintenez le protocole ; l’association poursuit l’accompagnement renforcé et revient vers vous.',
        ],
        delai: d.reponseManquements ?? 'P1M',
      });
      void demandeManquements.fin.then((r) => {
        if (r.statut === 'approuvee' && !s.rupture) {
          s.rupture = {
            decideeLe: r.decision!.le.slice(0, 10),
            motif: r.decision!.commentaire || `${n} mois impayés de suite`,
            par: 'bailleur',
            acteur: { type: 'partenaire', role: 'bailleur', id: r.decision!.par },
          };
        } else if (r.statut === 'refusee') {
          p.journal.noter('protocole_maintenu', 'Le bailleur maintient le protocole malgré les manquements', { acteur: { type: 'partenaire', role: 'bailleur', id: r.decision!.par } });
        }
      });
    }
  }

  // ---- Les messages des personnes ------------------------------------------------------------
  p.message(signatureProtocoleUpdate, {
    valider: (x) => enEtape('signature_protocole') ?? motifSignature(x, programme, new Date()),
    appliquer: (x) => {
      s.protocole = { signeLe: x.signeLe, debut: x.debut, dureeMois: x.dureeMois, indemniteOccupation: x.indemniteOccupation };
      s.plan = { ...x.planApurement, depuis: x.debut.slice(0, 7) };
      publier();
      p.journal.noter(
        'signature_protocole',
        `Protocole signé le ${dateEnFrancais(x.signeLe)} par le bailleur et l’occupant : ${x.dureeMois} mois à partir du ${dateEnFrancais(x.debut)}, indemnité d’occupation ${euros(x.indemniteOccupation)} par mois, plan d’apurement ${euros(x.planApurement.mensualite)} par mois`,
        { acteur: personnel(x.par) },
      );
      p.avancer('suivi_protocole', PROTOCOLE_EN_COURS);
      return { etape: p.etape };
    },
  });
  p.message(accompagnementUpdate, {
    valider: (x) =>
      (p.interrompu ? 'Le parcours est clôturé.' : undefined) ??
      enEtape('signature_protocole', 'suivi_protocole', 'terme_non_respecte', 'nouveau_bail', 'rupture') ??
      (!(NATURES_ACCOMPAGNEMENT as readonly string[]).includes(x.nature) ? `Nature inconnue : « ${x.nature} ».` : undefined) ??
      (x.le !== undefined && (!estDate(x.le) || x.le > aujourdhui()) ? 'Date attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.' : undefined),
    appliquer: (x) => {
      s.accompagnement[x.nature] += 1;
      if (x.note) ((p.detailsConfidentiels.notesAccompagnement ??= []) as unknown[]).push({ le: x.le ?? aujourdhui(), nature: x.nature, note: x.note });
      publier();
      p.journal.noter('accompagnement', `${LIBELLES_ACCOMPAGNEMENT[x.nature]}${x.le ? ` le ${dateEnFrancais(x.le)}` : ''}`, { acteur: ts(x.par), visibilite: 'equipe' });
      if (x.nature === 'visite_domicile' && d.visite && s.protocole) {
        p.echeances.tenir('visite');
        p.echeances.suivre({ id: 'visite', libelle: 'Visite à domicile (accompagnement renforcé)', delai: d.visite, rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
      }
      return { etape: p.etape };
    },
  });
  p.message(paiementUpdate, {
    valider: (x) =>
      enEtape('suivi_protocole', 'terme_non_respecte') ??
      (!['paye', 'impaye'].includes(x.statut) ? 'Statut attendu : « paye » ou « impaye ».' : undefined) ??
      (x.montant !== undefined && !(Number.isFinite(x.montant) && x.montant >= 0 && x.montant <= 100_000) ? 'Montant invalide (en euros, positif).' : undefined) ??
      motifMoisDe(x.mois, s.protocole!.debut, dureeTotaleMois(), new Date()),
    appliquer: async (x) => {
      if (x.commentaire) ((p.detailsConfidentiels.notesPaiements ??= []) as unknown[]).push({ mois: x.mois, commentaire: x.commentaire });
      const n = await enregistrerPaiement({ mois: x.mois, statut: x.statut, montant: x.montant, source: 'equipe', acteur: personnel(x.par) });
      return { etape: p.etape, impayesConsecutifs: n };
    },
  });
  p.message(ruptureUpdate, {
    valider: (x) =>
      enEtape('suivi_protocole', 'terme_non_respecte') ??
      (s.rupture ? 'La rupture du protocole est déjà enregistrée.' : undefined) ??
      (typeof x.motif !== 'string' || x.motif.trim().length < 3 ? 'Le motif de la rupture décidée par le bailleur est requis.' : undefined) ??
      (x.decideeLe !== undefined && (!estDate(x.decideeLe) || x.decideeLe > aujourdhui()) ? 'Date de la décision attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.' : undefined),
    appliquer: (x) => {
      s.rupture = { decideeLe: x.decideeLe ?? aujourdhui(), motif: x.motif.trim(), par: 'coordination', acteur: personnel(x.par, 'coordinateur') };
      p.avancer('rupture', PROTOCOLE_ROMPU, s.rupture.acteur);
      return { etape: p.etape };
    },
  });
  p.message(avenantUpdate, {
    valider: (x) => enEtape('suivi_protocole', 'terme_non_respecte') ?? (s.rupture ? 'Le protocole est rompu : plus d’avenant possible.' : undefined) ?? motifAvenant(x, s, programme, new Date()),
    appliquer: async (x) => {
      s.avenants.push({ signeLe: x.signeLe, prolongationMois: x.prolongationMois, planApurement: x.planApurement, indemniteOccupation: x.indemniteOccupation });
      s.plan = { ...x.planApurement, depuis: moisNumero(Math.min(s.moisRegles, dureeTotaleMois() - 1)) };
      if (x.indemniteOccupation !== undefined) s.protocole!.indemniteOccupation = x.indemniteOccupation;
      publier();
      const fin = dateEnFrancais(terme());
      p.journal.noter('avenant', `Avenant signé le ${dateEnFrancais(x.signeLe)} : protocole prolongé de ${x.prolongationMois} mois, jusqu’au ${fin} ; plan d’apurement renégocié (${euros(x.planApurement.mensualite)} par mois)`, { acteur: personnel(x.par) });
      // Au terme non respecté, l'avenant relance le suivi dans sa réponse même ; les courriels suivent.
      if (p.etape === 'terme_non_respecte' && patched('courriels-apres-reponse')) p.avancer('suivi_protocole', PROTOCOLE_PROLONGE);
      await p.apresReponse(() => informerDeLAvenant(x, fin));
      return { etape: p.etape, terme: jourDeParis(terme()) };
    },
  });
  async function informerDeLAvenant(x: Avenant, fin: string): Promise<void> {
    for (const role of ['bailleur', 'ccapex', 'prefecture'] as const) {
      await notifier(p, {
        a: { role },
        sujet: `Avenant au protocole : prolongation jusqu’au ${fin} (dossier ${ref})`,
        paragraphes: [
          `Un avenant au protocole de cohésion sociale du dossier ${ref}, signé le ${dateEnFrancais(x.signeLe)}, prolonge le protocole de ${x.prolongationMois} mois, jusqu’au ${fin}, avec un plan d’apurement renégocié : dette de ${euros(x.planApurement.dette)}, ${euros(x.planApurement.mensualite)} par mois.`,
          `Indemnité d’occupation : ${euros(s.protocole!.indemniteOccupation)} par mois. L’association poursuit l’intermédiation et l’accompagnement renforcé.`,
        ],
        visibilite: 'partenaires',
        ...(role !== 'prefecture' ? { joindre: [{ document: 'resume-protocole' as const }] } : {}),
      });
    }
  }
  // Le ménage occupe le logement sans bail : pas de clôture, même anticipée, sans orientation.
  p.exigerAvantClotureAnticipee(() =>
    s.orientation || s.nouveauBail
      ? undefined
      : 'Le ménage occupe le logement sans bail : enregistrez d’abord son orientation (hébergement, résidence sociale ou logement adapté) avant de clore le parcours. Pas de sortie sèche.',
  );
  p.message(orientationUpdate, {
    valider: (x) =>
      (p.interrompu ? 'Le parcours est clôturé.' : undefined) ??
      (!(DISPOSITIFS_ORIENTATION as readonly string[]).includes(x.dispositif) ? 'Orientation attendue : hébergement, résidence sociale ou logement adapté.' : undefined),
    appliquer: (x) => {
      s.orientation = { dispositif: x.dispositif, le: new Date().toISOString() };
      p.detailsConfidentiels.orientation = { dispositif: x.dispositif, precision: x.precision, le: s.orientation.le };
      p.details.orientation = { le: s.orientation.le };
      p.journal.noter('orientation', `Orientation du ménage : ${LIBELLES_DISPOSITIFS[x.dispositif]}`, { acteur: ts(x.par), visibilite: 'equipe' });
      return { etape: p.etape };
    },
  });
  p.message(nouveauBailUpdate, {
    valider: (x) =>
      enEtape('nouveau_bail') ??
      (!estDate(x.signeLe) || x.signeLe > aujourdhui() ? 'Date de signature attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.' : undefined) ??
      (x.signeLe < s.protocole!.debut ? 'Le nouveau bail ne peut pas avoir été signé avant le début du protocole.' : undefined) ??
      (x.dateEffet !== undefined && (!estDate(x.dateEffet) || x.dateEffet < x.signeLe) ? 'La prise d’effet du bail (AAAA-MM-JJ) ne peut pas précéder sa signature.' : undefined),
    appliquer: (x) => {
      s.nouveauBail = { signeLe: x.signeLe, dateEffet: x.dateEffet ?? x.signeLe, acteur: personnel(x.par) };
      p.details.nouveauBail = { signeLe: x.signeLe, dateEffet: s.nouveauBail.dateEffet };
      p.journal.noter('nouveau_bail', `Nouveau bail signé le ${dateEnFrancais(x.signeLe)}, à effet du ${dateEnFrancais(s.nouveauBail.dateEffet)}`, { acteur: personnel(x.par) });
      // Le nouveau bail signé clôt le parcours.
      return { etape: 'cloture' };
    },
  });
  p.message(cloturerProtocoleUpdate, {
    valider: (x) => {
      if (p.interrompu) return 'Le parcours est déjà clôturé.';
      if (!(ISSUES_PROTOCOLE as readonly string[]).includes(x.issue)) return `Issue de clôture inconnue pour ce parcours : « ${x.issue} » (le nouveau bail signé clôt le parcours de lui-même).`;
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

  // ---- Les étapes ------------------------------------------------------------------------------

  /** 1. Entrée : le bail est résilié ; le protocole est signé ; CCAPEX, préfecture et CAF sont informées. */
  async function entree(): Promise<void> {
    p.details.resiliation = { jugementDu: resiliation.jugementDu, juridiction: resiliation.juridiction, detteLocative: resiliation.detteLocative };
    p.journal.noter(
      'resiliation',
      `Bail résilié par jugement du ${dateEnFrancais(resiliation.jugementDu)}${resiliation.juridiction ? ` (${resiliation.juridiction})` : ''} : le bailleur propose un protocole de cohésion sociale`,
    );
    p.changerEtape('signature_protocole', 'Signature du protocole par le bailleur et l’occupant');
    await notifier(p, {
      a: auTravailleurSocial(),
      sujet: `Protocole de cohésion sociale à préparer (dossier ${ref})`,
      paragraphes: [
        `Le bailleur signale un occupant dont le bail a été résilié par jugement du ${dateEnFrancais(resiliation.jugementDu)} (dossier ${ref}, dette de ${euros(resiliation.detteLocative)}).`,
        `Un protocole de cohésion sociale lui est proposé : ${dureeEnFrancais(d.dureeMax!)} au plus, indemnité d’occupation et plan d’apurement. Enregistrez-le une fois signé par le bailleur et l’occupant.`,
      ],
    });
    if (d.signatureProtocole) {
      p.echeances.suivre({ id: 'signature_protocole', libelle: 'Protocole signé par le bailleur et l’occupant', delai: d.signatureProtocole, rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
    }
    await p.attendre(() => s.protocole !== undefined);
    p.echeances.tenir('signature_protocole');

    const pr = s.protocole!;
    const engagements = [
      `Durée : ${pr.dureeMois} mois, du ${dateEnFrancais(pr.debut)} au ${dateEnFrancais(terme())}.`,
      `Indemnité d’occupation : ${euros(pr.indemniteOccupation)} par mois ; plan d’apurement : dette de ${euros(s.plan!.dette)}, ${euros(s.plan!.mensualite)} par mois.`,
    ];
    const signe = `Le bailleur et l’occupant du dossier ${ref}, dont le bail a été résilié par jugement du ${dateEnFrancais(resiliation.jugementDu)}, ont signé le ${dateEnFrancais(pr.signeLe)} un protocole de cohésion sociale (CCH, art. L353-15-2).`;
    const partenaires: Array<{ role: 'ccapex' | 'prefecture' | 'caf' | 'bailleur'; sujet: string; paragraphes: string[] }> = [
      {
        role: 'ccapex',
        sujet: `Protocole de cohésion sociale signé (dossier ${ref})`,
        paragraphes: [signe, ...engagements, `${programme.operateur.nom} assure l’intermédiation avec le bailleur et un accompagnement social renforcé. Vous serez informés de la fin du protocole, de ses avenants ou de sa rupture.`],
      },
      {
        role: 'prefecture',
        sujet: `Protocole de cohésion sociale signé : expulsion suspendue (dossier ${ref})`,
        paragraphes: [signe, ...engagements, 'Tant que le protocole est respecté, le bailleur suspend l’exécution du jugement d’expulsion. Vous serez informés de sa fin ou de sa rupture.'],
      },
      {
        role: 'caf',
        sujet: `Protocole de cohésion sociale signé : reprise de l’aide au logement (dossier ${ref})`,
        paragraphes: [signe, `Le protocole vaut titre d’occupation à compter du ${dateEnFrancais(pr.debut)} : l’aide au logement peut reprendre. Le bailleur vous transmet le protocole signé.`],
      },
      {
        role: 'bailleur',
        sujet: `Protocole enregistré : calendrier des paiements (dossier ${ref})`,
        paragraphes: [
          `Le protocole signé le ${dateEnFrancais(pr.signeLe)} avec l’occupant du dossier ${ref} est enregistré.`,
          ...engagements,
          `Chaque mois, vous recevrez un lien pour indiquer si l’indemnité et la mensualité du plan ont été reçues ; un bilan vous sera adressé tous les ${dureeEnFrancais(d.bilan!)}.`,
        ],
      },
    ];
    // Le résumé du protocole (PDF) est joint pour le bailleur et la CCAPEX.
    for (const x of partenaires) {
      const resume = x.role === 'bailleur' || x.role === 'ccapex';
      await notifier(p, { a: { role: x.role }, sujet: x.sujet, paragraphes: x.paragraphes, visibilite: 'partenaires', ...(resume ? { joindre: [{ document: 'resume-protocole' as const }] } : {}) });
    }
    s.prochainBilan = ajouterDuree(debut(), d.bilan!).toISOString();
    if (d.visite) p.echeances.suivre({ id: 'visite', libelle: 'Visite à domicile (accompagnement renforcé)', delai: d.visite, rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
    // 2. Intermédiation et accompagnement renforcé : les visites sont enregistrées (message).
    p.rejoindre('suivi_protocole', PROTOCOLE_EN_COURS);
  }

  let moisDansCetteExecution = 0;

  /**
   * Le bilan est dû au contrôle du mois où tombe sa date : un protocole commencé un 30 décembre a son
   * bilan de 3 mois au contrôle du 28 mars, pas un mois plus tard (les mois courts décalent les
   * contrôles mensuels de quelques jours). Les parcours commencés avant gardent la règle à l'instant.
   */
  const bilanDu = () =>
    patched('bilan-au-mois-du-controle')
      ? jourDeParis(new Date()).slice(0, 7) >= jourDeParis(new Date(s.prochainBilan!)).slice(0, 7)
      : Date.now() >= new Date(s.prochainBilan!).getTime();

  /** 3–4. Chaque mois, le paiement ; périodiquement, un bilan au bailleur ; jusqu'au terme ou à la rupture. */
  async function suiviMensuel(): Promise<'terme' | 'rupture'> {
    for (;;) {
      const k = s.moisRegles;
      if (k >= dureeTotaleMois()) return 'terme';
      const mois = moisNumero(k);
      // Le paiement d'un mois est vérifié auprès du bailleur `paiement` après le début du mois.
      await p.attendre(() => s.rupture !== undefined, ajouterDuree(debutDuMois(k), d.paiement!).getTime() - Date.now());
      if (s.rupture) return 'rupture';
      if (!paiementDe(mois)) await demanderLePaiement(k);
      if (s.rupture) return 'rupture';
      s.moisRegles = k + 1;
      publier();
      if (bilanDu()) await envoyerBilan();
      // Historique borné : à un point stable, le parcours continue en une nouvelle exécution.
      moisDansCetteExecution += 1;
      const longue = workflowInfo().continueAsNewSuggested || moisDansCetteExecution >= (e.moisParExecution ?? MOIS_PAR_EXECUTION);
      // La dernière fiche d'indicateurs est consignée avant de passer à l'exécution suivante.
      if (longue && s.moisRegles < dureeTotaleMois() && p.pointStable) await p.indicateursConsignes();
      if (longue && s.moisRegles < dureeTotaleMois() && p.pointStable) {
        await p.suitesTerminees();
        await continueAsNew<typeof protocolePostResiliation>({
          programme,
          menage,
          coordinateur: e.coordinateur,
          travailleurSocial: p.travailleurSocial,
          resiliation,
          moisParExecution: e.moisParExecution,
          reprise: { parcours: p.instantane(), protocole: { ...s, execution: s.execution + 1 } },
        });
      }
    }
  }

  /** Le lien du mois au bailleur : reçu (approuve) ou manqué (refuse), avec le montant. */
  async function demanderLePaiement(k: number): Promise<void> {
    const mois = moisNumero(k);
    const attendu = montantAttendu();
    const lien = lancerDemande({
      role: 'bailleur',
      action: 'paiement',
      objet: `Paiement ${deMois(mois)} : indemnité d’occupation et plan d’apurement`,
      apercu: [
        `Protocole de cohésion sociale du dossier ${ref} : mois ${deMois(mois)} (${k + 1}e mois sur ${dureeTotaleMois()}).`,
        `Montant attendu : ${euros(attendu.total)} (indemnité d’occupation ${euros(attendu.indemnite)}${attendu.apurement ? `, plan d’apurement ${euros(attendu.apurement)}` : ''}).`,
        'Indiquez si ce paiement a été reçu ; s’il ne l’a été qu’en partie, indiquez le montant reçu.',
      ],
      delai: d.reponsePaiement ?? 'P10D',
      rappels: [],
      libelleLien: 'Indiquer si le paiement est reçu',
    });
    await p.attendre(() => lien.demande.statut !== 'en_attente' || paiementDe(mois) !== undefined || s.rupture !== undefined);
    const r = lien.demande;
    if ((r.statut === 'approuvee' || r.statut === 'refusee') && !paiementDe(mois)) {
      const paye = r.statut === 'approuvee';
      await enregistrerPaiement({
        mois,
        statut: paye ? 'paye' : 'impaye',
        // Le montant a son champ ; les réponses antérieures le portaient dans le commentaire.
        montant: r.decision?.montant ?? lireMontantPaiement(r.decision?.commentaire),
        source: 'bailleur',
        acteur: { type: 'partenaire', role: 'bailleur', id: r.decision?.par },
      });
    }
    await fermerDemande(lien, paiementDe(mois) ? 'paiement enregistré par l’équipe' : 'protocole rompu');
    if (!paiementDe(mois) && !s.rupture) await enregistrerPaiement({ mois, statut: 'non_renseigne', source: 'sans_reponse' });
  }

  /** 4. Bilan périodique au bailleur : paiements, dette restante, accompagnement (sans rien de confié). */
  async function envoyerBilan(): Promise<void> {
    s.bilans += 1;
    s.prochainBilan = ajouterDuree(new Date(s.prochainBilan!), d.bilan!).toISOString();
    const pa = p.details.paiements as { payes: number; impayes: number; nonRenseignes: number; montantRecu: number; montantAttendu: number };
    const a = s.accompagnement;
    const bilan = { numero: s.bilans, le: new Date().toISOString(), moisRegles: s.moisRegles, payes: pa.payes, impayes: pa.impayes, nonRenseignes: pa.nonRenseignes, detteRestante: detteRestante() };
    p.details.bilans = [...((p.details.bilans as unknown[]) ?? []), bilan];
    await notifier(p, {
      a: { role: 'bailleur' },
      sujet: `Bilan du protocole au ${dateEnFrancais(new Date())} (dossier ${ref})`,
      paragraphes: [
        `Bilan du protocole de cohésion sociale du dossier ${ref} après ${s.moisRegles} mois sur ${dureeTotaleMois()} :`,
        `Paiements : ${pa.payes} mois payés, ${pa.impayes} manqués${pa.nonRenseignes ? `, ${pa.nonRenseignes} non renseignés` : ''} ; ${euros(pa.montantRecu)} reçus sur ${euros(pa.montantAttendu)} attendus.`,
        `Plan d’apurement : reste dû ${euros(detteRestante())}.`,
        `Intermédiation et accompagnement renforcé : ${nombre(a.visite_domicile, 'visite à domicile', 'visites à domicile')}, ${nombre(a.rendez_vous, 'rendez-vous', 'rendez-vous')}, ${nombre(a.mediation_bailleur, 'médiation avec vous', 'médiations avec vous')}.`,
        `Terme du protocole : ${dateEnFrancais(terme())}.`,
        'Ce que le ménage confie à l’association reste confidentiel : ce bilan n’en contient rien.',
      ],
      type: 'bilan',
      visibilite: 'partenaires',
    });
  }

  /** 5a. Protocole respecté : le bailleur signe un nouveau bail dans les 3 mois (rappels, escalade). */
  async function nouveauBail(): Promise<Fin> {
    p.changerEtape('nouveau_bail', 'Protocole respecté : nouveau bail à signer');
    const avant = ajouterDuree(new Date(), d.nouveauBail!);
    p.details.nouveauBailAttenduAvant = avant.toISOString();
    p.details.protocoleRespecteLe = new Date().toISOString(); // indicateurs : date du respect, point de départ du délai du nouveau bail
    const respecte = `Le protocole de cohésion sociale du dossier ${ref} est arrivé à son terme le ${dateEnFrancais(terme())} et a été respecté : ${dureeTotaleMois()} mois d’indemnité d’occupation et de plan d’apurement payés.`;
    const delai = `Le bailleur signe avec l’occupant un nouveau bail dans un délai de ${dureeEnFrancais(d.nouveauBail!)} au plus (CCH, art. L353-15-2), soit avant le ${dateEnFrancais(avant)}.`;
    await notifier(p, {
      a: { role: 'bailleur' },
      sujet: `Protocole respecté : nouveau bail à signer avant le ${dateEnFrancais(avant)} (dossier ${ref})`,
      paragraphes: [respecte, delai, `Merci d’informer ${programme.operateur.nom} de la signature : l’occupant redeviendra locataire en titre.`],
      visibilite: 'partenaires',
    });
    for (const role of ['ccapex', 'prefecture'] as const) {
      await notifier(p, { a: { role }, sujet: `Protocole respecté : nouveau bail attendu (dossier ${ref})`, paragraphes: [respecte, delai], visibilite: 'partenaires' });
    }
    await notifier(p, { a: auTravailleurSocial(), sujet: `Protocole respecté : nouveau bail à enregistrer (dossier ${ref})`, paragraphes: [respecte, delai, 'Enregistrez le nouveau bail dès qu’il est signé.'] });
    p.echeances.suivre({ id: 'nouveau_bail', libelle: 'Nouveau bail signé par le bailleur', due: avant, responsable: 'bailleur', alerter: false });
    const rappels = programme.rappelsValidation.map((r) => ajouterDuree(new Date(), r)).filter((x) => x.getTime() < avant.getTime()).sort((a, b) => a.getTime() - b.getTime());
    let signe = false;
    for (const quand of rappels) {
      signe = await p.attendre(() => s.nouveauBail !== undefined, quand.getTime() - Date.now());
      if (signe) break;
      await notifier(p, {
        a: { role: 'bailleur' },
        sujet: `Rappel — nouveau bail à signer avant le ${dateEnFrancais(avant)} (dossier ${ref})`,
        paragraphes: [respecte, delai, 'Si le bail est déjà signé, merci de nous l’indiquer en répondant à ce courriel.'],
        type: 'rappel',
        visibilite: 'partenaires',
      });
    }
    if (!signe && !(await p.attendre(() => s.nouveauBail !== undefined, avant.getTime() - Date.now()))) {
      await notifier(p, {
        a: { coordination: true },
        sujet: `Nouveau bail non signé dans le délai de ${dureeEnFrancais(d.nouveauBail!)} (dossier ${ref})`,
        paragraphes: [
          `${respecte}`,
          `Le nouveau bail n’est pas signé au ${dateEnFrancais(avant)}, terme du délai légal de ${dureeEnFrancais(d.nouveauBail!)}. Le bailleur a reçu ${rappels.length} rappel${rappels.length > 1 ? 's' : ''}.`,
          'Merci de reprendre contact avec le bailleur ; la CCAPEX peut être saisie.',
        ],
        type: 'escalade',
      });
      await notifier(p, {
        a: { role: 'bailleur' },
        sujet: `Délai dépassé : nouveau bail à signer (dossier ${ref})`,
        paragraphes: [respecte, `Le délai légal de ${dureeEnFrancais(d.nouveauBail!)} pour signer le nouveau bail est passé depuis le ${dateEnFrancais(avant)}. La coordination du dispositif va reprendre contact avec vous.`],
        type: 'rappel',
        visibilite: 'partenaires',
      });
      await p.attendre(() => s.nouveauBail !== undefined);
    }
    p.echeances.tenir('nouveau_bail');
    const b = s.nouveauBail!;
    return { issue: 'nouveau_bail_signe', motif: `Nouveau bail signé le ${dateEnFrancais(b.signeLe)}`, acteur: b.acteur };
  }

  /** 5b. Rupture décidée par le bailleur : CCAPEX et préfecture informées, trêve hivernale dite. */
  async function rupture(): Promise<void> {
    const r = s.rupture!;
    p.rejoindre('rupture', PROTOCOLE_ROMPU, r.acteur);
    if (demandeManquements) await fermerDemande(demandeManquements, 'protocole rompu');
    const treve = treveHivernale(new Date());
    p.details.rupture = { decideeLe: r.decideeLe, par: r.par, motif: r.motif, treveHivernale: treve.enCours ? { jusquau: treve.jusquau } : null };
    p.journal.noter('rupture', `Rupture du protocole décidée par le bailleur le ${dateEnFrancais(r.decideeLe)} : ${r.motif}`, { acteur: r.acteur });
    const faits = [
      `Le bailleur a décidé le ${dateEnFrancais(r.decideeLe)} la rupture du protocole de cohésion sociale du dossier ${ref}, signé le ${dateEnFrancais(s.protocole!.signeLe)} (motif : ${r.motif}).`,
      phraseTreve(new Date(), 'La rupture'),
    ];
    const suite = `${programme.operateur.nom} poursuit l’accompagnement et oriente le ménage vers un hébergement, une résidence sociale ou un logement adapté : pas de sortie sèche.`;
    for (const role of ['ccapex', 'prefecture', 'bailleur', 'caf'] as const) {
      if (!programme.partenaires[role]) continue;
      await notifier(p, {
        a: { role },
        sujet: `Rupture du protocole de cohésion sociale (dossier ${ref})`,
        paragraphes: role === 'caf' ? [`Le protocole de cohésion sociale du dossier ${ref} a pris fin le ${dateEnFrancais(r.decideeLe)} (rupture décidée par le bailleur).`] : [...faits, suite],
        visibilite: 'partenaires',
      });
    }
    await notifier(p, {
      a: auTravailleurSocial(),
      sujet: `Rupture du protocole : orientation du ménage à enregistrer (dossier ${ref})`,
      paragraphes: [...faits, 'Enregistrez l’orientation du ménage (hébergement, résidence sociale ou logement adapté) avant de clôturer le parcours.'],
      type: 'alerte',
    });
    p.echeances.suivre({ id: 'orientation', libelle: 'Orientation du ménage (hébergement, résidence sociale, logement adapté)', delai: d.orientation ?? 'P1M', rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
  }

  // ---- Le déroulé -------------------------------------------------------------------------------
  const fin = await p.derouler(async (): Promise<Fin> => {
    // 1. Entrée (une exécution qui reprend la précédente trouve le protocole déjà signé).
    if (!s.protocole) await entree();
    for (;;) {
      // 2–4. Le protocole court : paiements mensuels, bilans, jusqu'au terme ou à la rupture.
      if ((await suiviMensuel()) === 'rupture') break;
      // 5. Au terme : respecté → nouveau bail ; sinon régularisation, avenant, rupture ou orientation.
      if (protocoleRespecte()) return await nouveauBail();
      p.changerEtape('terme_non_respecte', 'Terme du protocole : paiements à régulariser');
      const manquants = Array.from({ length: dureeTotaleMois() }, (_, k) => moisNumero(k)).filter((m) => paiementDe(m)?.statut !== 'paye');
      const liste = manquants.map(moisEnFrancais).join(', ');
      await notifier(p, {
        a: auTravailleurSocial(),
        sujet: `Terme du protocole : paiements à régulariser (dossier ${ref})`,
        paragraphes: [
          `Le protocole du dossier ${ref} arrive à son terme le ${dateEnFrancais(terme())} sans être entièrement respecté : ${manquants.length} mois non payés ou non renseignés (${liste}).`,
          'Enregistrez les paiements régularisés, un avenant avec un plan d’apurement renégocié, ou, si le maintien n’est pas possible, l’orientation du ménage.',
        ],
        type: 'alerte',
      });
      await notifier(p, {
        a: { role: 'bailleur' },
        sujet: `Terme du protocole : paiements à régulariser (dossier ${ref})`,
        paragraphes: [
          `Le protocole du dossier ${ref} arrive à son terme le ${dateEnFrancais(terme())} ; ${manquants.length} mois restent à régulariser (${liste}).`,
          `${programme.operateur.nom} revient vers vous : régularisation, avenant avec un plan d’apurement renégocié, ou orientation du ménage.`,
        ],
        visibilite: 'partenaires',
      });
      await p.attendre(() => protocoleRespecte() || s.moisRegles < dureeTotaleMois() || s.rupture !== undefined);
      if (s.rupture) break;
      if (protocoleRespecte()) return await nouveauBail();
      p.rejoindre('suivi_protocole', PROTOCOLE_PROLONGE);
    }
    // 5b. Rupture : orientation vers un hébergement, une résidence sociale ou un logement adapté,
    //     enregistrée avant la clôture (message « cloturer », refusé sans orientation).
    await rupture();
    await p.attendre(() => s.orientation !== undefined);
    p.echeances.tenir('orientation');
    await p.attendre(() => false);
    return { issue: 'orientation_hebergement' };
  });

  // Clôture : le bailleur, la CCAPEX et la préfecture connaissent l'issue ; la CAF, un nouveau bail.
  await p.clore(fin.issue, fin.motif, fin.acteur);
  p.details.ficheCloture = { issue: fin.issue, libelle: LIBELLES_ISSUES[fin.issue], motif: fin.motif, le: new Date().toISOString(), paiements: p.details.paiements ?? null, bilans: s.bilans };
  if (fin.issue === 'nouveau_bail_signe') {
    const b = s.nouveauBail!;
    const texte = `Le nouveau bail signé le ${dateEnFrancais(b.signeLe)}, à effet du ${dateEnFrancais(b.dateEffet)}, met fin au protocole de cohésion sociale du dossier ${ref} : l’occupant redevient locataire en titre.`;
    const paragraphes = {
      bailleur: [texte, `Merci pour votre engagement tout au long du protocole. ${programme.operateur.nom} clôt son accompagnement.`],
      ccapex: [texte, 'La procédure d’expulsion n’a plus d’objet.'],
      prefecture: [texte, 'La procédure d’expulsion n’a plus d’objet.'],
      caf: [texte, 'L’aide au logement est due au titre de ce nouveau bail.'],
    };
    for (const role of ['bailleur', 'ccapex', 'prefecture', 'caf'] as const) {
      if (!programme.partenaires[role]) continue;
      await notifier(p, { a: { role }, sujet: `Nouveau bail signé : fin du protocole (dossier ${ref})`, paragraphes: paragraphes[role], visibilite: 'partenaires', ...(role !== 'caf' ? { joindre: [{ document: 'fiche-cloture' as const }] } : {}) });
    }
  } else {
    const orientation = s.orientation ? `Le ménage est orienté vers : ${LIBELLES_DISPOSITIFS[s.orientation.dispositif]}.` : undefined;
    for (const role of ['bailleur', 'ccapex', 'prefecture'] as const) {
      if (!programme.partenaires[role]) continue;
      await notifier(p, {
        a: { role },
        sujet: `Fin de l’accompagnement : ${LIBELLES_ISSUES[fin.issue]} (dossier ${ref})`,
        paragraphes: [
          `L’accompagnement du ménage du dossier ${ref} (${programme.nom}) est clôturé : ${LIBELLES_ISSUES[fin.issue].toLowerCase()}.`,
          // L'orientation est dite à la CCAPEX et à la préfecture ; le bailleur connaît l'issue.
          ...(orientation && role !== 'bailleur' ? [orientation] : []),
          ...(s.protocole && !s.rupture ? [phraseTreve(new Date(), 'La fin du protocole')] : []),
        ],
        visibilite: 'partenaires',
        joindre: [{ document: 'fiche-cloture' }],
      });
    }
  }
  await p.indicateursConsignes();
  return p.etat();
}

// ---- Règles (fonctions pures) ------------------------------------------------------------------

/** Le protocole signé : les deux signatures, des dates cohérentes, 2 ans au plus. */
export function motifSignature(x: SignatureProtocole, programme: Programme, maintenant: Date): string | undefined {
  const d = programme.delais;
  if (!x.signataires?.bailleur || !x.signataires?.occupant) return 'Le protocole est signé par le bailleur et par l’occupant : les deux signatures sont requises.';
  if (!estDate(x.signeLe) || !estDate(x.debut)) return 'Dates attendues au format AAAA-MM-JJ.';
  const aujourdhui = jourDeParis(maintenant);
  if (x.signeLe > aujourdhui) return 'La date de signature ne peut pas être dans le futur.';
  const ecart = minuitDeParis(x.debut).getTime() - maintenant.getTime();
  if (ecart < -31 * 86_400_000 || ecart > 92 * 86_400_000) {
    return 'Le protocole doit commencer entre un mois avant et trois mois après aujourd’hui : son premier mois fait partir le calendrier des paiements.';
  }
  if (!Number.isInteger(x.dureeMois) || x.dureeMois < 1) return 'Durée du protocole invalide (en mois, 1 au moins).';
  const debut = minuitDeParis(x.debut);
  if (ajouterDuree(debut, `P${x.dureeMois}M`).getTime() > ajouterDuree(debut, d.dureeMax!).getTime()) {
    return `Un protocole de cohésion sociale dure ${dureeEnFrancais(d.dureeMax!)} au plus (CCH, art. L353-15-2) : ${x.dureeMois} mois demandés. Signez-le pour ${dureeEnFrancais(d.dureeMax!)} au plus ; un avenant pourra le prolonger de ${dureeEnFrancais(d.avenantMax!)} au plus si le plan d’apurement est renégocié.`;
  }
  if (!(x.indemniteOccupation > 0)) return 'L’indemnité d’occupation mensuelle (en euros) est requise.';
  return motifPlan(x.planApurement);
}

function motifPlan(plan: PlanApurement | undefined): string | undefined {
  if (!plan || !(plan.dette >= 0) || !(plan.mensualite > 0)) return 'Le plan d’apurement précise la dette (en euros) et la mensualité convenue.';
  return undefined;
}

/** L'avenant : un plan d'apurement renégocié, une prolongation de 3 ans au plus en tout (5 ans en tout). */
export function motifAvenant(x: Avenant, s: Pick<EtatProtocole, 'protocole' | 'avenants'>, programme: Programme, maintenant: Date): string | undefined {
  const d = programme.delais;
  if (!Number.isInteger(x.prolongationMois) || x.prolongationMois < 1) return 'Durée de la prolongation invalide (en mois, 1 au moins).';
  if (!estDate(x.signeLe) || x.signeLe > jourDeParis(maintenant)) return 'Date de signature de l’avenant attendue au format AAAA-MM-JJ, au plus tard aujourd’hui.';
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
  const k = moisEntre(debut.slice(0, 7), mois);
  if (k < 0 || k >= dureeMois) return `Le mois ${mois} n’est pas un mois du protocole.`;
  if (ajouterDuree(minuitDeParis(debut), `P${k}M`).getTime() > maintenant.getTime()) return `Le mois ${deMois(mois)} n’a pas encore commencé.`;
  return undefined;
}

/** « 0 visite à domicile », « 1 visite à domicile », « 3 visites à domicile ». */
const nombre = (n: number, un: string, plusieurs: string) => `${n} ${n > 1 ? plusieurs : un}`;

/** La trêve hivernale (du 1er novembre au 31 mars) à une date, à l'heure de Paris. */
export function treveHivernale(date: Date): { enCours: true; jusquau: string } | { enCours: false; prochaine: string } {
  const paris = heureDeParis(date);
  const annee = paris.getUTCFullYear();
  const mois = paris.getUTCMonth();
  if (mois >= 10) return { enCours: true, jusquau: `${annee + 1}-03-31` };
  if (mois <= 2) return { enCours: true, jusquau: `${annee}-03-31` };
  return { enCours: false, prochaine: `${annee}-11-01` };
}

/** Ce que la fin du protocole permet au bailleur, trêve hivernale comprise, en une phrase. */
export function phraseTreve(date: Date, sujet: string): string {
  const t = treveHivernale(date);
  if (t.enCours) {
    const annee = t.jusquau.slice(0, 4);
    return `${sujet} intervient pendant la trêve hivernale (du 1er novembre au 31 mars) : aucune expulsion avant le 31 mars ${annee}, fin de la trêve ; le jugement ne pourra être exécuté qu’à partir du 1er avril ${annee}.`;
  }
  return `${sujet} intervient hors de la trêve hivernale : le bailleur peut de nouveau demander l’exécution du jugement d’expulsion. La prochaine trêve hivernale commence le 1er novembre ${t.prochaine.slice(0, 4)}.`;
}

const MOIS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** « mai 2026 » pour « 2026-05 ». */
export function moisEnFrancais(mois: string): string {
  return `${MOIS[Number(mois.slice(5, 7)) - 1]} ${mois.slice(0, 4)}`;
}

/** « de mars 2027 », « d’octobre 2026 » (élision devant avril, août, octobre). */
export function deMois(mois: string): string {
  const m = moisEnFrancais(mois);
  return /^[aeiouyâéèêô]/.test(m) ? `d’${m}` : `de ${m}`;
}

/** « 412,50 € », « 3 450 € » : le formateur unique des montants (domain/libelles). */
export const euros = (n: number): string => eurosFr(n);

const arrondi = (n: number) => Math.round(n * 100) / 100;

/** Mois de « AAAA-MM » à « AAAA-MM ». */
function moisEntre(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + (Number(b.slice(5, 7)) - Number(a.slice(5, 7)));
}

function estDate(s: string): boolean {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}


