/**
 * Parcours 1 — prévention précontentieuse (../shared/journeys.md, « Journey 1 »).
 * Rencontrer le ménage le plus tôt possible après le constat de la dette, avant que le bailleur
 * n'aille au tribunal, construire un plan avec lui et le passer aux bons dispositifs.
 * Presets : besancon-ccas, loiret-ahu, reims-april, toulouse-declic.
 */
import { patched, startChild, ParentClosePolicy } from '@temporalio/workflow';
import {
  bilanUpdate,
  cloturerUpdate,
  decisionComiteUpdate,
  diagnosticUpdate,
  ISSUES_PREVENTION,
  passageDroitCommunUpdate,
  planAideUpdate,
  rechuteEquipeUpdate,
  suiteSansReponseDepartementUpdate,
  tentativeContactUpdate,
  type Bilan,
  type EntreePrevention,
  type PlanAide,
  type TentativeContact,
} from '../domain/prevention';
import {
  delaisAllerVers,
  echeanceDepuisLeJour,
  incoherenceDecisionComite,
  incoherenceDiagnostic,
  incoherencePlan,
  incoherenceSuiteSansReponse,
  incoherenceTentative,
  motifNonEligible,
  raisonIssueImpossible,
  refusEntretienTripartite,
} from '../domain/prevention';
import { euros, libelleValeurMinuscule, listeValeurs } from '../domain/libelles';
import { DELAIS_PAR_DEFAUT } from '../domain/reglages';
import { LIBELLES_ISSUES, type Acteur, type EtatParcours, type Programme } from '../domain/vocabulaire';
import {
  ajouterDuree,
  calendrierDu,
  dateEnFrancais,
  dureeEnFrancais,
  estFinDeJourOuvre,
  finDeJourOuvre,
  jourDeParis,
  joursDeCalendrier,
  minuitDeParis,
  neufHeuresLe,
  retirerDuree,
  sommeDurees,
} from '../domain/durees';
import { apresLeMessage, notifier, notifierEnsemble, type Notification } from './blocs/notification';
import {
  accordPartageRetire,
  accuseOrientation,
  apercuVerificationComite,
  courrielDejaSuivi,
  courrielTuilageComite,
  diagnosticPartage,
  OBJET_VALIDATION_REFERENT,
  OBJET_VERIFICATION_COMITE,
  verificationRecue,
} from '../courriers/prevention';
import * as courriels from '../courriers/prevention';
import { limiteDeReponse } from '../courriers/commun';
import { LIBELLES_DESTINATAIRES_DIAGNOSTIC, accordPartageDiagnosticUpdate, type DestinataireDiagnostic } from '../domain/partage';
import { Parcours, type Fin } from './blocs/parcours';
import { demanderEnArrierePlan, demanderValidation, enregistrerReponse, fermerDemande } from './blocs/validation';

const LIBELLES_REPRISE = { totale: 'reprise totale', partielle: 'reprise partielle', aucune: 'pas de reprise' } as const;
const VALIDATION_DEPARTEMENT = 'Validation du plan par le département (ASLL)';
const VALIDATION_BAILLEUR = 'Validation du plan d’aide avec le conseiller référent du bailleur';

export async function preventionPrecontentieuse(e: EntreePrevention): Promise<EtatParcours> {
  const { programme, menage } = e;
  const d = programme.delais;
  const p = new Parcours({
    typeParcours: 'prevention_precontentieuse',
    programme,
    reference: menage.reference,
    etape: 'orientation',
    libelleEtape: 'Orientation',
    coordinateur: e.coordinateur,
    travailleurSocial: e.travailleurSocial,
  }).ouvrir();
  p.detailsConfidentiels.menage = menage;
  // L'état seul (aucune commande) : le stade de la procédure et l'isolement servent aux chiffres des financeurs.
  p.details.situation = {
    impayesMois: e.situation.impayesMois,
    montantDette: e.situation.montantDette,
    garantie: e.situation.garantie,
    ...(e.situation.stadeProcedure !== undefined ? { stadeProcedure: e.situation.stadeProcedure } : {}),
    ...(e.situation.isole !== undefined ? { isole: e.situation.isole } : {}),
  };
  if (e.parcoursPrecedent) p.details.parcoursPrecedent = e.parcoursPrecedent;
  const ts = (par: string): Acteur => ({ type: 'personnel', id: par, role: 'travailleur_social' });
  // Le rappel avant une échéance : celui du programme (délai « rappelAvant »), l'ancienne valeur fixe sinon.
  const rappel = (defaut: string) => (patched('rappels-du-programme') ? (d.rappelAvant ?? defaut) : defaut);
  // Un refus du ménage au contact n'est qu'une tentative (besancon-ccas : « provoquer la rencontre
  // malgré les réticences ») : le délai de contact décide.
  const refusNeClotPas = !!programme.options.refusNeClotPas;

  // Ce que le travailleur social enregistre, étape par étape.
  const tentatives: TentativeContact[] = [];
  let diagnosticTermine = false;
  let plan: PlanAide | undefined;
  /** Quand le dernier plan d'aide a été enregistré (le suivi d'un plan sans ASLL commence alors). */
  let planEnregistreLe: Date | undefined;
  let bilanAttendu: string | undefined;
  const bilans: Array<Omit<Bilan, 'notes' | 'requestId' | 'par'> & { jalon: string; id?: string }> = [];
  // Suivi sans blocage (patched('suivi-sans-blocage')) : les points et bilans ouverts et pas encore saisis,
  // du plus ancien au plus récent ; un bilan saisi complète le plus ancien.
  let suiviSansBlocage = false;
  // Comité de suivi : ménage déjà suivi ailleurs, jamais accompagné ici (patched('comite-deja-suivi')).
  let jamaisAccompagne = false;
  // Visite à domicile malgré un premier contact par un autre canal (besancon-ccas, patched('visite-malgre-contact')).
  let visiteAttendue = false;
  /**
   * Une tentative de contact s'enregistre dès la lettre d'information (patched('contact-pendant-la-lettre')) :
   * un courriel lent ou un serveur en panne ne bloque plus le travail social sur cette étape.
   */
  let contactPendantLaLettre = false;
  const attendus: Array<{ id: string; libelle: string }> = [];
  /** Plus de point ni de bilan prévu (passage au droit commun, clôture) : la page et les listes ne le disent plus. */
  const oublierProchainBilan = () => {
    delete p.details.prochainBilan;
    delete p.details.prochainBilanLe;
    delete p.details.prochainBilanLibelle;
  };
  let passage = false;
  /** Le service qui prend le relais, s'il a été nommé avec son adresse (sinon : les services sociaux du programme). */
  let courrielRelais: string | undefined;
  /**
   * La validation du département restée sans réponse (patched('departement-sans-reponse')) : la suite
   * que la coordination décide, attendue tant que `suiteAttendue`.
   */
  let suiteAttendue = false;
  let suiteDecidee: { suite: 'relancer' | 'reviser'; motif?: string } | undefined;
  /**
   * Comité de suivi en deux temps (reims-april, patched('comite-verification-puis-decision')) : la
   * décision que la coordination enregistre, attendue tant que `comiteAttendu`.
   */
  let comiteAttendu = false;
  let decisionDuComite: { decision: 'integrer' | 'ne_pas_integrer'; motif?: string; acteur: Acteur } | undefined;
  p.details.tentatives = 0;

  const enEtape = (...etapes: string[]) => (etapes.includes(p.etape) ? undefined : `Ce message n’est pas attendu à l’étape « ${p.libelleEtape} ».`);

  p.message(tentativeContactUpdate, {
    valider: (t) => {
      const incoherence = incoherenceTentative(t);
      if (incoherence) return incoherence.raison;
      if (visiteAttendue && t.canal === 'visite_domicile') return p.interrompu || p.cloture ? 'Le parcours est déjà clôturé.' : undefined;
      const refus = enEtape('aller_vers', ...(contactPendantLaLettre ? ['information_menage'] : []));
      if (refus) return refus;
      const absente = [...tentatives].reverse().find((x) => x.canal === 'visite_domicile' && x.issue === 'absent');
      if (programme.delais.secondeVisite && absente?.creneau && t.canal === 'visite_domicile' && t.creneau === absente.creneau) {
        return `La seconde visite doit avoir lieu à un autre moment que la première (créneau « ${libelleValeurMinuscule(absente.creneau)} »).`;
      }
      return undefined;
    },
    appliquer: (t) => {
      tentatives.push(t);
      p.details.tentatives = tentatives.length;
      // Les tentatives par canal (visite, téléphone, courrier…), que comptent les rapports (état seul).
      const parCanal = (p.details.tentativesParCanal ??= {}) as Record<string, number>;
      parCanal[t.canal] = (parCanal[t.canal] ?? 0) + 1;
      if (visiteAttendue && t.canal === 'visite_domicile') {
        // Contact déjà établi : la visite à domicile prévue (« malgré tout mise en œuvre »).
        p.journal.noter(
          'tentative_contact',
          `Visite à domicile${t.creneau ? ` (${libelleValeurMinuscule(t.creneau)})` : ''} : ${libelleValeurMinuscule(t.issue)}`,
          {
            acteur: ts(t.par),
            visibilite: 'equipe',
          },
        );
        if (t.issue !== 'absent') {
          visiteAttendue = false;
          p.details.visiteDomicileLe = new Date().toISOString();
          p.echeances.tenir('premiere_visite');
        }
        return { etape: p.etape };
      }
      p.journal.noter(
        'tentative_contact',
        `Tentative de contact (${[t.canal, t.creneau]
          .filter((x) => x !== undefined)
          .map(libelleValeurMinuscule)
          .join(', ')}) : ${libelleValeurMinuscule(t.issue)}`,
        { acteur: ts(t.par), visibilite: 'equipe' },
      );
      if (t.note) (p.detailsConfidentiels.notesContact ??= [] as string[]) && (p.detailsConfidentiels.notesContact as string[]).push(t.note);
      // Le ménage joint, le diagnostic commence ; son refus clôt le parcours (sauf option refusNeClotPas).
      // Pendant la lettre, une tentative fait passer le parcours à l'« aller vers » que le déroulé rejoindra.
      if (t.issue === 'joint') p.avancer('diagnostic', 'Diagnostic');
      else if (p.etape === 'information_menage') p.avancer('aller_vers', 'Aller vers le ménage');
      return { etape: t.issue === 'refus' && !refusNeClotPas ? 'cloture' : p.etape };
    },
  });
  p.message(diagnosticUpdate, {
    valider: (x) => enEtape('diagnostic') ?? incoherenceDiagnostic(x)?.raison,
    appliquer: (x) => {
      const entretiens = (p.detailsConfidentiels.diagnostic ??= []) as unknown[];
      entretiens.push({
        origineDette: x.origineDette,
        droits: x.droits,
        budget: x.budget,
        adequationLogement: x.adequationLogement,
        ...(x.dispositifsExpliques !== undefined ? { dispositifsExpliques: x.dispositifsExpliques } : {}),
        ...(x.proceduresExpliquees !== undefined ? { proceduresExpliquees: x.proceduresExpliquees } : {}),
        notes: x.notes,
        le: new Date().toISOString(),
      });
      if (x.termine) {
        diagnosticTermine = true;
        p.detailsConfidentiels.carnetDeRoute = x.carnetDeRoute;
        // L'accord déjà noté : le diagnostic part au bailleur dès qu'il est terminé.
        if (partagePour.length) void envoyerDiagnostic();
      }
      p.journal.noter('diagnostic', x.termine ? 'Diagnostic terminé : carnet de route remis' : 'Entretien de diagnostic', {
        acteur: ts(x.par),
        visibilite: 'equipe',
      });
      if (x.termine) p.avancer('plan_aide', 'Plan d’aide');
      return { etape: p.etape };
    },
  });
  // Partage du diagnostic avec le bailleur (réglage du programme, toulouse-declic) : l'accord du
  // ménage, noté dans le dossier par l'API, arrive ici ; le diagnostic terminé part alors au bailleur
  // (fiche de suivi social, sa version avec le diagnostic), et son retrait est annoncé.
  let partagePour: DestinataireDiagnostic[] = [];
  let diagnosticPartageEnvoye = false;
  const envoyerDiagnostic = () =>
    p.apresReponse(async () => {
      diagnosticPartageEnvoye = true;
      await notifier(p, {
        a: { role: 'bailleur' },
        ...diagnosticPartage({ ref: menage.reference, programme, pour: partagePour.map((x) => LIBELLES_DESTINATAIRES_DIAGNOSTIC[x]) }),
        joindre: [{ document: 'fiche-suivi-social', lecteur: 'partenaires', diagnosticPour: [...partagePour] }],
        visibilite: 'equipe',
      });
    });
  p.message(accordPartageDiagnosticUpdate, {
    valider: (x) =>
      p.cloture || p.interrompu
        ? 'Le parcours est clôturé : plus rien ne part au bailleur.'
        : !programme.partageDiagnostic?.destinataires.length
          ? 'Ce programme ne partage le diagnostic avec aucun partenaire.'
          : x.pour.some((d) => !programme.partageDiagnostic!.destinataires.includes(d))
            ? 'Le programme ne prévoit pas de partager le diagnostic avec ce destinataire.'
            : undefined,
    appliquer: (x) => {
      partagePour = [...x.pour];
      p.details.partageDiagnostic = partagePour.length ? { pour: partagePour, le: new Date().toISOString() } : undefined;
      p.journal.noter(
        'accord_partage_diagnostic',
        partagePour.length
          ? `Accord du ménage pour partager son diagnostic avec : ${partagePour.map((d) => LIBELLES_DESTINATAIRES_DIAGNOSTIC[d].toLowerCase()).join(', ')}`
          : 'Le ménage a retiré son accord au partage de son diagnostic',
        { acteur: ts(x.par), visibilite: 'equipe' },
      );
      if (partagePour.length && diagnosticTermine) void envoyerDiagnostic();
      else if (!partagePour.length && diagnosticPartageEnvoye) {
        diagnosticPartageEnvoye = false;
        void p.apresReponse(() => notifier(p, { a: { role: 'bailleur' }, ...accordPartageRetire({ ref: menage.reference, programme }), visibilite: 'equipe' }));
      }
      return { etape: p.etape };
    },
  });
  p.message(suiteSansReponseDepartementUpdate, {
    valider: (x) =>
      enEtape('validation_departement') ??
      (suiteAttendue ? undefined : 'La demande de validation au département attend encore sa réponse : il n’y a pas de suite à décider.') ??
      incoherenceSuiteSansReponse(x)?.raison,
    appliquer: (x) => {
      suiteAttendue = false;
      suiteDecidee = { suite: x.suite, ...(x.motif?.trim() ? { motif: x.motif.trim() } : {}) };
      const coordination: Acteur = { type: 'personnel', id: x.par, role: 'coordinateur' };
      p.echeances.tenir('suite_departement');
      if (x.suite === 'reviser') p.avancer('revision_plan', 'Révision du plan d’aide', coordination);
      p.journal.noter(
        'suite_sans_reponse',
        x.suite === 'relancer'
          ? 'Département sans réponse : la coordination le relance (nouvelle demande, nouveau délai)'
          : `Département sans réponse par le lien : la coordination fait revoir le plan — ${suiteDecidee.motif}`,
        // Ce que le département a fait savoir du plan reste à l'équipe.
        { acteur: coordination, visibilite: 'equipe' },
      );
      return { etape: p.etape };
    },
  });
  p.message(decisionComiteUpdate, {
    valider: (x) =>
      enEtape('comite_de_suivi') ??
      (comiteAttendu ? undefined : 'Ce parcours attend la décision du comité par le lien des services sociaux : il n’y a pas de décision à enregistrer ici.') ??
      incoherenceDecisionComite(x)?.raison,
    appliquer: (x) => {
      comiteAttendu = false;
      const coordination: Acteur = { type: 'personnel', id: x.par, role: 'coordinateur' };
      const motif = x.motif?.trim() || undefined;
      decisionDuComite = { decision: x.decision, ...(motif ? { motif } : {}), acteur: coordination };
      p.echeances.tenir('decision_comite');
      p.journal.noter(
        'decision_comite',
        x.decision === 'integrer'
          ? `Comité de suivi : intégration du ménage validée${motif ? ` — ${motif}` : ''}`
          : `Comité de suivi : le ménage n’est pas intégré — ${motif}`,
        { acteur: coordination },
      );
      if (x.decision === 'integrer') p.avancer('information_menage', 'Lettre d’information au ménage', coordination);
      else p.annoncerCloture();
      return { etape: x.decision === 'integrer' ? p.etape : 'cloture' };
    },
  });
  /** La veille active en cours : le lien de rechute du bailleur, tant qu'il attend. */
  const veilleEnCours = () => p.demandes.find((x) => x.action === 'rechute' && x.statut === 'en_attente');
  /** Qui a signalé la rechute, quand c'est l'équipe de l'opérateur (sinon le bailleur, par son lien). */
  let rechuteParEquipe = false;
  p.message(rechuteEquipeUpdate, {
    valider: () => (veilleEnCours() ? undefined : 'Aucune veille active n’est en cours pour ce ménage : il n’y a pas de rechute à signaler ici.'),
    appliquer: (x) => {
      const veille = veilleEnCours()!;
      rechuteParEquipe = true;
      enregistrerReponse(
        p,
        {
          requestId: x.requestId,
          par: x.par,
          demandeId: veille.id,
          role: veille.role,
          decision: 'approuve',
          ...(x.observation?.trim() ? { commentaire: x.observation.trim() } : {}),
        },
        { type: 'personnel', id: x.par },
      );
      return { etape: p.etape };
    },
  });
  /** Étude conjointe (toulouse-declic) : le plan se valide avec le conseiller référent du bailleur. */
  const avecLeReferent = () => !!programme.options.etudeConjointeBailleur && !!programme.partenaires.bailleur && patched('plan-valide-avec-le-bailleur');
  p.message(planAideUpdate, {
    valider: (x) =>
      enEtape('plan_aide', 'revision_plan') ?? (x.actions.length === 0 ? 'Le plan d’aide comporte au moins une action.' : incoherencePlan(x)?.raison),
    appliquer: (x) => {
      plan = x;
      planEnregistreLe = new Date();
      // Le plan est dans l'état dès la réponse (patched('plan-dans-le-message')) : le déroulé, parfois
      // encore retenu par un courriel d'une étape précédente, ne l'y mettait qu'en la rejoignant, et
      // le plan à signer demandé aussitôt répondait « pas encore enregistré ».
      if (patched('plan-dans-le-message')) p.details.plan = resumePlan(x);
      p.journal.noter('plan_aide', 'Plan d’aide contractualisé avec le ménage', { acteur: ts(x.par) });
      // Étude conjointe : le plan attend le référent du bailleur ; une ASLL, la validation du
      // département ; sinon le suivi commence, les partenaires sont informés pendant ce temps.
      if (avecLeReferent()) p.avancer('validation_bailleur', VALIDATION_BAILLEUR);
      else if (x.orientations.includes('asll')) p.avancer('validation_departement', VALIDATION_DEPARTEMENT);
      else p.avancer('suivi', 'Suivi du plan');
      return { etape: p.etape };
    },
  });
  p.message(bilanUpdate, {
    valider: () => enEtape('suivi') ?? (bilanAttendu || attendus.length ? undefined : 'Aucun bilan n’est attendu pour le moment.'),
    appliquer: (x) => {
      const attendu = suiviSansBlocage ? attendus.shift() : undefined;
      if (attendu) bilanAttendu = attendu.libelle;
      // Tenue dès la réponse, même si le déroulé est encore sur un courriel (serveur lent ou en panne) :
      // sinon l'échéance restait ouverte, et pouvait passer « dépassée » et alerter la coordination.
      if (attendu && patched('bilan-tenu-dans-le-message')) p.echeances.tenir(attendu.id);
      bilans.push({
        jalon: bilanAttendu!,
        reprisePaiement: x.reprisePaiement,
        planRespecte: x.planRespecte,
        demarches: x.demarches,
        ...(attendu ? { id: attendu.id } : {}),
      });
      if (x.notes) ((p.detailsConfidentiels.notesBilans ??= []) as string[]).push(x.notes);
      p.details.bilans = bilans.map((b) => ({ jalon: b.jalon, reprisePaiement: b.reprisePaiement, planRespecte: b.planRespecte }));
      p.journal.noter('bilan', `${bilanAttendu} : ${LIBELLES_REPRISE[x.reprisePaiement]}, plan d’apurement ${x.planRespecte ? 'respecté' : 'non respecté'}`, {
        acteur: ts(x.par),
      });
      bilanAttendu = undefined;
      return { etape: p.etape };
    },
  });
  p.message(passageDroitCommunUpdate, {
    valider: (x) => enEtape('suivi') ?? refusEntretienTripartite(programme, x),
    appliquer: (x) => {
      passage = true;
      courrielRelais = x.courrielService;
      p.details.passageDroitCommun = { service: x.service, entretienTripartite: x.entretienTripartite };
      p.journal.noter('passage_droit_commun', `Passage au droit commun : ${x.service}${x.entretienTripartite ? ' (entretien tripartite demandé)' : ''}`, {
        acteur: ts(x.par),
      });
      p.avancer('passage_droit_commun', 'Passage au droit commun');
      return { etape: p.etape };
    },
  });
  p.message(cloturerUpdate, {
    valider: (x) => {
      if (p.interrompu) return 'Le parcours est déjà clôturé.';
      if (!ISSUES_PREVENTION.includes(x.issue)) return `Issue de clôture inconnue pour ce parcours : « ${x.issue} ».`;
      if (p.etape === 'orientation' || p.etape === 'comite_de_suivi')
        return 'Le parcours n’a pas encore commencé : utilisez la clôture anticipée du coordinateur.';
      return raisonIssueImpossible(x.issue, p);
    },
    appliquer: (x) => {
      p.interrompre({ issue: x.issue, motif: x.motif, acteur: ts(x.par) });
      return { etape: 'cloture' };
    },
  });

  /**
   * 2. Comité de suivi en un temps, des parcours lancés avant `comite-verification-puis-decision` :
   * les services sociaux approuvent ou refusent par leur lien, leur réponse tient lieu de décision.
   */
  async function comiteParLeLien(): Promise<Fin | undefined> {
    if (e.situation.suiviParServiceSocial) {
      await notifier(p, {
        a: { role: 'services_sociaux' },
        ...courriels.dejaSuiviAvantComite({ ref: menage.reference, operateur: programme.operateur.nom }),
      });
    }
    const comite = await demanderValidation(p, {
      role: 'services_sociaux',
      objet: 'Comité de suivi : engager l’accompagnement préventif',
      apercu: [
        `Dossier ${menage.reference} : ${e.situation.impayesMois} mois d’impayés.`,
        e.situation.suiviParServiceSocial ? 'Le bailleur indique qu’un service social suit déjà le ménage.' : 'Aucun suivi social connu du bailleur.',
        'Approuver : l’association engage l’accompagnement. Refuser : le suivi existant continue.',
      ],
      delai: d.comiteDeSuivi ?? 'P2W',
    });
    if (comite.statut === 'refusee') {
      // Ménage déjà suivi (reims-april, comité de suivi) : par qui, noté ; ce suivi-là est prévenu ;
      // le ménage n'a jamais été accompagné par l'association (pas de veille active ensuite).
      if (patched('comite-deja-suivi')) {
        const suivant = programme.partenaires.services_sociaux;
        const precision = comite.decision?.commentaire?.trim() || undefined;
        jamaisAccompagne = true;
        p.details.dejaSuivi = { par: suivant?.nom ?? 'Service social', ...(precision ? { precision } : {}), le: new Date().toISOString() };
        p.journal.noter(
          'deja_suivi',
          `Comité de suivi : le ménage reste suivi par ${suivant?.nom ?? 'le service social'}${precision ? ` (${precision})` : ''}`,
        );
        if (suivant)
          await notifier(p, { a: { role: 'services_sociaux' }, ...courrielDejaSuivi(programme, menage.reference, precision), visibilite: 'partenaires' });
      }
      return { issue: 'orientation_droit_commun', motif: `Comité de suivi : ${comite.decision?.commentaire ?? 'suivi existant maintenu'}` };
    }
    return undefined;
  }

  /**
   * 2. Comité de suivi en deux temps (reims-april, fiche 004 : « Avant validation en comité de suivi,
   * les partenaires sociaux vérifient que les locataires ne sont pas accompagnés par ailleurs ») : les
   * services sociaux le disent par leur lien (et préviennent le travailleur social en charge), puis la
   * coordination enregistre la décision du comité, dans le délai du programme ; passé ce délai, elle
   * est alertée et la décision reste attendue. Une vérification encore attendue quand le comité décide
   * est close. Rend la fin du parcours si le comité n'intègre pas le ménage.
   */
  async function comiteDeSuivi(): Promise<Fin | undefined> {
    // Jusqu'au soir d'un jour ouvré, comme la réponse des services sociaux qu'elle attend (même
    // patched que les demandes aux partenaires, validation.ts).
    const auTerme = ajouterDuree(new Date(), d.comiteDeSuivi ?? 'P2W');
    const due = patched('reponse-au-soir-d-un-jour-ouvre') ? finDeJourOuvre(auTerme, calendrierDu(programme)) : auTerme;
    comiteAttendu = true;
    p.echeances.suivre({
      id: 'decision_comite',
      libelle: 'Décision du comité de suivi',
      due,
      responsable: 'coordinateur',
      consigne: 'Le parcours attend la décision du comité de suivi : enregistrez-la sur la page du dossier (intégrer le ménage, ou non avec son motif).',
    });
    const lien = demanderEnArrierePlan(p, {
      role: 'services_sociaux',
      action: 'verification',
      objet: OBJET_VERIFICATION_COMITE,
      apercu: apercuVerificationComite({
        ref: menage.reference,
        impayesMois: e.situation.impayesMois,
        dejaSuiviSelonLeBailleur: e.situation.suiviParServiceSocial,
        operateur: programme.operateur.nom,
      }),
      delai: d.comiteDeSuivi ?? 'P2W',
      due,
      libelleLien: 'Indiquer si le ménage est déjà accompagné',
      // L'échéance de la décision du comité alerte la coordination : pas de seconde alerte.
      escalade: false,
    });
    const verification = lien.demande;
    const repondue = () => verification.statut === 'approuvee' || verification.statut === 'refusee';
    /** Par qui le ménage est déjà suivi, selon la réponse des services sociaux (rien s'il ne l'est pas). */
    const suiviPar = () => (verification.statut === 'refusee' ? verification.decision?.commentaire?.trim() || 'service non précisé' : undefined);
    // Les services sociaux ont répondu avant la décision : la coordination le sait, elle peut l'enregistrer.
    await p.attendre(() => decisionDuComite !== undefined || repondue());
    if (!decisionDuComite) {
      await notifier(p, {
        a: { coordination: true },
        ...verificationRecue({
          ref: menage.reference,
          ...(suiviPar() ? { suiviPar: suiviPar() } : {}),
          limite: limiteDeReponse(due, estFinDeJourOuvre(due, calendrierDu(programme))),
        }),
      });
    }
    await p.attendre(() => decisionDuComite !== undefined);
    const decision = decisionDuComite!;
    await fermerDemande(p, lien, 'le comité de suivi a décidé sans attendre la réponse');
    const dejaSuiviPar = suiviPar();
    const servicesSociaux = programme.partenaires.services_sociaux;
    if (decision.decision === 'integrer') {
      if (dejaSuiviPar && servicesSociaux) {
        // Le tuilage « anticipé et préparé » : le service en charge est associé dès l'entrée.
        p.journal.noter('tuilage', `Ménage déjà accompagné (${dejaSuiviPar}) : le service en charge est associé dès l’entrée`, { visibilite: 'equipe' });
        await notifier(p, {
          a: { role: 'services_sociaux' },
          ...courrielTuilageComite({ ref: menage.reference, programme, suiviPar: dejaSuiviPar }),
          visibilite: 'partenaires',
        });
      }
      return undefined;
    }
    // Jamais accompagné par l'association : pas de veille active ensuite.
    jamaisAccompagne = true;
    if (dejaSuiviPar) {
      p.details.dejaSuivi = { par: servicesSociaux?.nom ?? 'Service social', precision: dejaSuiviPar, le: new Date().toISOString() };
      p.journal.noter('deja_suivi', `Comité de suivi : le ménage reste suivi (${dejaSuiviPar})`, { visibilite: 'equipe' });
      if (servicesSociaux)
        await notifier(p, { a: { role: 'services_sociaux' }, ...courrielDejaSuivi(programme, menage.reference, decision.motif), visibilite: 'partenaires' });
    }
    return { issue: 'orientation_droit_commun', motif: `Comité de suivi : ${decision.motif ?? 'ménage non intégré'}`, acteur: decision.acteur };
  }

  const fin = await p.derouler(async (): Promise<Fin> => {
    // 1. Orientation : les règles d'éligibilité du programme.
    // L'éligibilité s'apprécie au signalement du bailleur quand les délais en partent (loiret-ahu).
    const signalement = e.signaleLe && programme.options.delaisDepuisSignalement ? minuitDeParis(e.signaleLe) : undefined;
    // L'ancienneté du bail se compte en jours (patched('anciennete-du-bail-au-jour')) : le jour
    // anniversaire compte à toute heure. Au minuit d'un signalement, les deux règles disent la même chose.
    const auJour = !!signalement || !programme.eligibilite.ancienneteBailMax || patched('anciennete-du-bail-au-jour');
    const refus = motifNonEligible(programme, e.situation, signalement ?? new Date(), { ancienneteAuJour: auJour });
    if (refus) {
      await notifier(p, {
        a: { coordination: true },
        ...courriels.orientationRefusee({ ref: menage.reference, dispositif: programme.nom, motif: refus }),
      });
      return { issue: 'non_eligible', motif: refus };
    }

    // 1 bis. Partage avec le service social du département (besancon-ccas) : une situation qu'il
    //    accompagne déjà sur les impayés reste chez lui ; il en est informé.
    if (programme.options.partageServiceSocialDepartement && e.situation.gardeParServiceSocialDepartement && patched('partage-service-social-departement')) {
      const service = programme.partenaires.services_sociaux ?? programme.partenaires.departement;
      jamaisAccompagne = true;
      p.details.orienteVers = { service: service?.nom ?? 'Service social du département', le: new Date().toISOString() };
      p.journal.noter(
        'orientation_service_social',
        `Situation déjà accompagnée par ${service?.nom ?? 'le service social du département'} : elle reste chez lui`,
      );
      if (service) {
        await notifier(p, {
          a: { role: programme.partenaires.services_sociaux ? 'services_sociaux' : 'departement' },
          ...courriels.situationLaisseeAuService({ ref: menage.reference, operateur: programme.operateur }),
          visibilite: 'partenaires',
        });
      }
      return { issue: 'orientation_droit_commun', motif: 'Situation accompagnée par le service social du département' };
    }

    // 2. Comité de suivi : le ménage est-il déjà suivi ailleurs ? Pas pour une rechute signalée
    //    pendant la veille active : l'association le suivait, l'accompagnement reprend aussitôt.
    const rechute = !!e.parcoursPrecedent && patched('rechute-sans-comite');
    if (rechute) p.journal.noter('rechute', 'Rechute signalée pendant la veille active : l’accompagnement reprend, sans nouveau comité de suivi');
    let comiteEnDeuxTemps = false;
    if (programme.options.comiteDeSuivi && !rechute) {
      p.changerEtape('comite_de_suivi', 'Comité de suivi');
      comiteEnDeuxTemps = patched('comite-verification-puis-decision');
      const nonIntegre = await (comiteEnDeuxTemps ? comiteDeSuivi() : comiteParLeLien());
      if (nonIntegre) return nonIntegre;
    }

    /**
     * Les délais de l'« aller vers » (première visite, premier contact), qui courent depuis la
     * désignation, le signalement ou l'ouverture ; suivis une fois.
     */
    const echeancesDeLAllerVers = () => {
      const designation = e.designeLe && patched('delais-depuis-designation') ? minuitDeParis(e.designeLe) : undefined;
      if (designation) {
        p.details.designeLe = e.designeLe;
        p.journal.noter('designation', `Ménage désigné par la commission impayés le ${dateEnFrancais(designation)} : les délais courent depuis cette date`);
      }
      // Un délai qui court depuis un jour (désignation, signalement) finit le soir du jour où il tombe,
      // la date que lisent le bailleur et l'équipe (`echeanceDepuisLeJour`) ; son rappel part à 9 h,
      // « rappelAvant » plus tôt. Avant : à minuit au début de ce jour-là, le dernier jour perdu.
      const jusquAuSoir = designation || signalement ? patched('delais-depuis-un-jour-jusqu-au-soir') : false;
      const depuisLeJour = (jour: string, origine: Date, delai: string): { due: Date; rappelLe?: Date } => {
        if (!jusquAuSoir) return { due: ajouterDuree(origine, delai) };
        const due = echeanceDepuisLeJour(jour, delai);
        return { due, ...(d.rappelAvant ? { rappelLe: neufHeuresLe(retirerDuree(due, d.rappelAvant)) } : {}) };
      };
      const delaiDepuisDesignation = (delai: string) => (designation ? depuisLeJour(e.designeLe!, designation, delai) : { delai });
      // Le délai de contact depuis le signalement du bailleur (loiret-ahu : « dans un délai d'1 mois, à
      // compter du signalement de l'impayé par le bailleur », qui engage ensuite les poursuites).
      if (signalement && !designation) {
        p.details.signaleLe = e.signaleLe;
        p.journal.noter('signalement', `Impayé signalé par le bailleur le ${dateEnFrancais(signalement)} : le délai de contact court depuis cette date`);
      }
      const delaiDeContact = (delai: string) => (!designation && signalement ? depuisLeJour(e.signaleLe!, signalement, delai) : delaiDepuisDesignation(delai));
      /** Une échéance du travailleur social, si le programme en fixe le délai. */
      const suivreSi = (id: string, libelle: string, delai: string | undefined, depuis: (delai: string) => ReturnType<typeof delaiDeContact>) =>
        delai ? p.echeances.suivre({ id, libelle, ...depuis(delai), rappelAvant: d.rappelAvant, responsable: 'travailleur_social' }) : undefined;
      const visite = suivreSi('premiere_visite', 'Première visite à domicile', d.premiereVisite, delaiDepuisDesignation);
      const contact = suivreSi('contact', 'Premier contact avec le ménage', d.contact, delaiDeContact);
      return { designation, visite, contact };
    };

    // 3. Lettre d'information au ménage ; le bailleur sait que l'orientation est prise en compte.
    contactPendantLaLettre = patched('contact-pendant-la-lettre');
    // Les délais de l'« aller vers » courent déjà : suivis avant les courriels de la lettre, la page
    // ouverte après le lancement les montre (patched('echeances-avant-la-lettre')) ; avant, après eux.
    const allerVers = patched('echeances-avant-la-lettre') ? echeancesDeLAllerVers() : undefined;
    // La décision du comité y a déjà fait passer le parcours (comité en deux temps).
    if (comiteEnDeuxTemps) p.rejoindre('information_menage', 'Lettre d’information au ménage');
    else p.changerEtape('information_menage', 'Lettre d’information au ménage');
    // Le bailleur sait que l'orientation est prise en compte (et jusqu'à quand le premier contact est attendu).
    const accuse = (): Notification => {
      // La date du délai plutôt que sa durée : pour un ménage désigné par la commission, il court depuis la désignation.
      const contactAvant = d.contact ? ajouterDuree(e.designeLe ? minuitDeParis(e.designeLe) : (signalement ?? new Date()), d.contact) : undefined;
      return {
        a: { role: 'bailleur' },
        ...accuseOrientation({
          ref: menage.reference,
          commission: !!programme.options.designationCommissionImpayes,
          ...(contactAvant ? { contactAvant: dateEnFrancais(contactAvant) } : {}),
          ...(e.designeLe ? { depuis: { designation: true } } : signalement ? { depuis: { signalement: dateEnFrancais(signalement) } } : {}),
        }),
        visibilite: 'partenaires',
      };
    };
    const lettrePrete = () => {
      p.details.lettreInformation = { le: new Date().toISOString() };
      p.journal.noter('lettre_information', 'Lettre d’information au ménage prête à imprimer (orientation, indépendance de l’association, confidentialité)');
    };
    // La lettre en courriel au ménage qui les accepte ; à celui qui n'accepte que les SMS, un SMS l'annonce (l'opérateur l'imprime et la poste).
    const lettreParCourriel = menage.accepteCourriel && menage.courriel;
    const lettre = (a: Notification['a']): Notification => ({
      a,
      ...courriels.accompagnementPropose(programme),
      joindre: [{ document: 'lettre-information' }],
    });
    // Le travailleur social choisi au lancement apprend, avec la lettre, le ménage qui lui est confié et
    // ses délais ; réaffecté depuis, le nouveau l'a appris par le courriel de l'affectation.
    const confieAuTravailleurSocial = (): Notification[] =>
      p.travailleurSocial && p.travailleurSocial === e.travailleurSocial && patched('menage-confie-au-lancement')
        ? [
            {
              a: { personnel: p.travailleurSocial },
              ...courriels.menageConfie({
                ref: menage.reference,
                programme: programme.nom,
                lettre: lettreParCourriel ? 'courriel' : menage.accepteSms ? 'sms' : 'papier',
                delais: delaisAllerVers(programme, e, new Date()),
              }),
            },
          ]
        : [];
    if (patched('accuse-et-lettre-ensemble')) {
      // L'accusé et la lettre en une seule activité : une tâche de workflow et une activité de moins par lancement.
      lettrePrete();
      const auMenage = lettreParCourriel
        ? lettre({ adresse: { nom: menage.nom, courriel: menage.courriel! } })
        : menage.accepteSms
          ? lettre({ menage: { nom: menage.nom } })
          : undefined;
      await notifierEnsemble(p, [accuse(), ...(auMenage ? [auMenage] : []), ...confieAuTravailleurSocial()]);
    } else {
      if (patched('accuse-orientation-bailleur')) await notifier(p, accuse());
      lettrePrete();
      if (lettreParCourriel) await notifier(p, lettre({ adresse: { nom: menage.nom, courriel: menage.courriel! } }));
      else if (menage.accepteSms && patched('lettre-annoncee-par-sms')) await notifier(p, lettre({ menage: { nom: menage.nom } }));
    }

    // 4. Aller vers : tentatives de contact jusqu'au contact ou au délai. Un ménage désigné par la
    // commission impayés : les délais courent depuis sa désignation (« dans les 3 semaines qui suivent
    // sa désignation », besancon-ccas) ; une désignation ancienne donne une échéance déjà dépassée.
    if (contactPendantLaLettre) p.rejoindre('aller_vers', 'Aller vers le ménage');
    else p.changerEtape('aller_vers', 'Aller vers le ménage');
    const { designation, visite, contact } = allerVers ?? echeancesDeLAllerVers();
    let vues = 0;
    for (;;) {
      await p.attendre(() => tentatives.length > vues || !!(contact?.depassee && programme.options.clotureSansContact));
      const t = tentatives[vues];
      if (!t) {
        // Pas de contact dans le délai : le bailleur peut engager la procédure (loiret-ahu). Une
        // tentative envoyée pendant ce courriel serait perdue : elle est refusée dès maintenant.
        p.annoncerCloture();
        await notifier(p, {
          a: { role: 'bailleur' },
          ...courriels.contactImpossible({
            ref: menage.reference,
            tentatives: tentatives.length,
            delai: d.contact!,
            depuisSignalement: !!signalement && !designation,
          }),
          visibilite: 'partenaires',
        });
        return { issue: 'contact_impossible', motif: `Aucun contact dans le délai de ${dureeEnFrancais(d.contact!)}` };
      }
      vues += 1;
      if (t.canal === 'visite_domicile') {
        p.echeances.tenir('premiere_visite');
        if (
          t.issue === 'absent' &&
          d.secondeVisite &&
          !p.echeances.enCours('seconde_visite') &&
          !tentatives.slice(0, vues - 1).some((x) => x.canal === 'visite_domicile' && x.issue === 'absent')
        ) {
          p.echeances.suivre({
            id: 'seconde_visite',
            libelle: 'Seconde visite à un autre horaire',
            delai: d.secondeVisite,
            rappelAvant: rappel('P2D'),
            responsable: 'travailleur_social',
          });
        } else if (
          p.echeances.enCours('seconde_visite') ||
          // Faite après son délai : tenue en retard, plus « dépassée » jusqu'au contact (patched('seconde-visite-en-retard')).
          (p.echeances.liste.some((x) => x.id === 'seconde_visite' && x.statut === 'depassee') && patched('seconde-visite-en-retard'))
        ) {
          p.echeances.tenir('seconde_visite');
        }
      }
      if (t.issue === 'joint') break;
      if (t.issue === 'refus') {
        if (!(refusNeClotPas && patched('refus-ne-clot-pas'))) return { issue: 'refus', motif: 'Le ménage refuse l’accompagnement' };
        p.journal.noter('refus_tentative', 'Le ménage a refusé : c’est une tentative, la prise de contact continue jusqu’au délai du programme', {
          visibilite: 'equipe',
        });
      }
    }
    if (visite?.echeance.statut === 'en_cours') {
      if (programme.options.visiteMalgreContact && patched('visite-malgre-contact')) {
        visiteAttendue = true;
        p.journal.noter('visite_attendue', 'Contact établi sans visite : la visite à domicile reste prévue dans le délai', { visibilite: 'equipe' });
      } else p.echeances.annuler('premiere_visite');
    } else if (visite?.echeance.statut === 'depassee' && programme.options.visiteMalgreContact && patched('visite-apres-son-delai')) {
      // Le délai de la visite passé sans visite (contact établi après lui) : elle reste à faire, en
      // retard, et se note comme avant ; sinon l'échéance resterait dépassée jusqu'à la clôture.
      visiteAttendue = true;
      p.journal.noter('visite_attendue', 'Contact établi sans visite : la visite à domicile reste à faire, son délai est passé', { visibilite: 'equipe' });
    }
    p.echeances.tenir('contact');
    p.echeances.annuler('seconde_visite');
    p.details.contactEtabliLe = new Date().toISOString();
    // Le délai depuis le moment où courent les délais (désignation, signalement, sinon l'ouverture), en
    // jours du calendrier (désigné le vendredi 4, rencontré le dimanche 6 : 2 jours) ; avant, en
    // tranches de 24 heures arrondies depuis minuit le jour de la désignation (3 jours).
    const depuis = designation ?? signalement ?? new Date(p.journal.evenements[0]!.date);
    p.details.delaiPremierContactJours = patched('delai-contact-en-jours-de-calendrier')
      ? joursDeCalendrier(depuis, new Date())
      : Math.round((Date.now() - depuis.getTime()) / 86_400_000);
    p.journal.noter('contact_etabli', 'Contact établi avec le ménage');
    // Le bailleur en est informé ; le diagnostic n'attend pas ce courriel (`apresLeMessage`).
    await apresLeMessage(p, () =>
      notifier(p, {
        a: { role: 'bailleur' },
        ...courriels.contactEtabli({ ref: menage.reference }),
        visibilite: 'partenaires',
      }),
    );

    // 5. Diagnostic (un ou plusieurs entretiens), conclu par un carnet de route. Le contact noté y a
    //    déjà fait passer le parcours (`avancer`) : le déroulé le rejoint, son échéance aussitôt.
    p.rejoindre('diagnostic', 'Diagnostic');
    p.echeances.suivre({
      id: 'diagnostic',
      libelle: 'Diagnostic et carnet de route',
      delai: d.diagnostic,
      rappelAvant: d.rappelAvant,
      responsable: 'travailleur_social',
    });
    await p.attendre(() => diagnosticTermine);
    p.echeances.tenir('diagnostic');

    // 6. Plan d'aide contractualisé ; 7. validation par le département si une ASLL est préconisée.
    p.rejoindre('plan_aide', 'Plan d’aide');
    /** Combien de fois le plan a été refusé (référent du bailleur, département) et revu. */
    let revisions = 0;
    /** Un plan refusé : à revoir avec le ménage et à enregistrer de nouveau. */
    const reviserLePlan = async (motif: string, par: string, etapePrise = false) => {
      revisions += 1;
      p.details.revision = { motif, le: new Date().toISOString() };
      plan = undefined;
      if (etapePrise) p.rejoindre('revision_plan', 'Révision du plan d’aide');
      else p.changerEtape('revision_plan', 'Révision du plan d’aide');
      if (p.travailleurSocial) {
        await notifier(p, {
          a: { personnel: p.travailleurSocial },
          ...courriels.planARevoir({ ref: menage.reference, par, motif }),
        });
      }
    };
    /** La suite que la coordination donne à une validation restée sans réponse du département. */
    const suiteSansReponse = async () => {
      suiteDecidee = undefined;
      suiteAttendue = true;
      p.echeances.suivre({
        id: 'suite_departement',
        libelle: 'Département sans réponse : relancer la demande ou faire revoir le plan',
        delai: d.validationDepartement,
        responsable: 'coordinateur',
      });
      await p.attendre(() => suiteDecidee !== undefined);
      return suiteDecidee!;
    };
    /**
     * Étude conjointe (toulouse-declic, fiche 001) : le plan est « discuté et validé avec le conseiller
     * référent » du bailleur, par son lien. Un refus le fait revoir (faux) ; sans réponse, il tient.
     */
    const valideParLeReferent = async (version: { suffixe: string }): Promise<boolean> => {
      const referent = await demanderValidation(p, {
        role: 'bailleur',
        objet: `${OBJET_VALIDATION_REFERENT}${version.suffixe}`,
        // Le détail du plan (ses actions, ses orientations) avec l'accord du ménage pour la conseillère
        // sociale du bailleur ; sans lui, ce que tout partenaire en sait.
        apercu: [
          ...resumePourPartenaires(plan!, menage.reference),
          ...(partagePour.includes('conseillere_sociale_bailleur')
            ? [
                `Actions prévues : ${listeValeurs(plan!.actions)}.`,
                `Orientations : ${plan!.orientations.length ? listeValeurs(plan!.orientations) : 'aucune'}.`,
              ]
            : ['Le détail des actions n’est transmis qu’avec l’accord du ménage pour le partage avec la conseillère sociale du bailleur.']),
        ],
        delai: d.validationBailleur ?? 'P2W',
        escalade: false,
      });
      if (referent.statut === 'refusee') {
        await reviserLePlan(referent.decision?.commentaire || 'sans motif précisé', 'avec le référent du bailleur');
        return false;
      }
      if (referent.statut === 'expiree') {
        p.journal.noter(
          'plan_sans_validation_bailleur',
          'Sans réponse du référent du bailleur dans le délai : le plan d’aide est maintenu, à revoir au prochain point',
        );
      }
      return true;
    };
    /**
     * 7. Validation par le département d'un plan avec une ASLL : validé (et quand), ou refusé et revu
     * (undefined). Sans réponse à l'échéance, ce n'est pas un refus : la coordination, alertée, le
     * relance (nouvelle demande, nouveau délai) ou fait revoir le plan avec ce qu'il a fait savoir.
     */
    const valideParLeDepartement = async (version: { suffixe: string }, duePlan: string): Promise<{ valideLe?: string } | undefined> => {
      const suiteParLaCoordination = patched('departement-sans-reponse');
      /** La validation demandée au département, relancée par la coordination tant qu'il ne répond pas. */
      const demanderAuDepartement = (relances: number) =>
        demanderValidation(p, {
          role: 'departement',
          objet: `Validation du plan d’aide avec une mesure ASLL${version.suffixe}${relances ? ` (relance${relances > 1 ? ` ${relances}` : ''})` : ''}`,
          apercu: [
            `Dossier ${menage.reference} — ${programme.nom}.`,
            `Actions prévues : ${listeValeurs(plan!.actions)}.`,
            `Orientations : ${listeValeurs(plan!.orientations)}.`,
            plan!.planApurement
              ? `Plan d’apurement : ${euros(plan!.planApurement.mensualite)} par mois pendant ${plan!.planApurement.dureeMois} mois.`
              : 'Pas de plan d’apurement à ce stade.',
          ],
          delai: d.validationDepartement,
          ...(suiteParLaCoordination
            ? {
                suiteEscalade:
                  'Le lien qui lui avait été envoyé n’est plus valable. Le parcours attend votre décision, sur la page du dossier : relancer le département (nouvelle demande, nouveau délai) ou faire revoir le plan avec ce qu’il vous a fait savoir.',
              }
            : {}),
          // « Dans le même délai le plan d'aide est validé » (besancon-ccas) : l'échéance du plan, pas une
          // semaine de plus ; une relance a son propre délai. Le département répond, comme tout
          // partenaire, jusqu'au soir de ce jour-là, ou du premier jour ouvré qui suit (« au plus tard
          // le lundi 14 décembre ») ; avant, à l'heure exacte de l'échéance du plan, dimanche compris.
          ...(!relances && programme.options.validationDansLeDelaiDuPlan && patched('validation-asll-meme-delai')
            ? { due: patched('validation-asll-au-soir') ? finDeJourOuvre(new Date(duePlan), calendrierDu(programme)) : new Date(duePlan) }
            : {}),
        });
      let validation = await demanderAuDepartement(0);
      // Relancer le département, ou faire revoir le plan avec ce qu'il a fait savoir autrement.
      let suite: typeof suiteDecidee;
      for (let relances = 1; validation.statut === 'expiree' && suiteParLaCoordination; relances++) {
        suite = await suiteSansReponse();
        if (suite.suite !== 'relancer') break;
        validation = await demanderAuDepartement(relances);
      }
      if (validation.statut === 'approuvee') return { valideLe: validation.decision?.le };
      if (suite?.suite === 'reviser') {
        await reviserLePlan(suite.motif ?? 'sans motif précisé', 'par le département (sans réponse par le lien)', true);
        return undefined;
      }
      const motif = validation.statut === 'refusee' ? validation.decision?.commentaire || 'sans motif précisé' : 'sans réponse du département dans le délai';
      await reviserLePlan(motif, 'par le département');
      return undefined;
    };
    let planValideLe: string | undefined;
    for (;;) {
      // Chaque version du plan a son échéance et ses demandes de validation, nommées par sa version :
      // après un refus (un ou plusieurs), elles ne se lisent plus en double, même le même jour.
      const version = versionDuPlan(revisions);
      const echeancePlan = p.echeances.suivre({
        id: 'plan_aide',
        libelle: version.echeance,
        delai: d.planAide,
        rappelAvant: rappel('P2D'),
        responsable: 'travailleur_social',
      });
      await p.attendre(() => plan !== undefined);
      p.echeances.tenir('plan_aide');
      p.details.plan = resumePlan(plan!);
      // Un plan refusé (référent du bailleur, département) est revu puis enregistré de nouveau.
      if (avecLeReferent()) {
        p.rejoindre('validation_bailleur', VALIDATION_BAILLEUR);
        if (!(await valideParLeReferent(version))) continue;
      }
      if (!plan!.orientations.includes('asll')) break;
      p.rejoindre('validation_departement', VALIDATION_DEPARTEMENT);
      const departement = await valideParLeDepartement(version, echeancePlan.echeance.due);
      if (departement) {
        planValideLe = departement.valideLe;
        break;
      }
    }

    // Le suivi commence avec le plan (validé par le département s'il prévoit une ASLL), pas à la fin
    // des courriels aux partenaires, qu'un serveur lent retarde : ses points, bilans et sa fin en dépendent.
    const debutDuPlan = patched('suivi-depuis-le-plan') ? new Date(planValideLe ?? planEnregistreLe ?? Date.now()) : undefined;

    // 8. Information des partenaires dans le délai du programme (un plan sans ASLL a déjà fait passer
    //    le parcours au suivi : ils sont informés pendant ce temps).
    p.rejoindre('information_partenaires', 'Information des partenaires');
    p.echeances.suivre({ id: 'information_partenaires', libelle: 'Information des partenaires', delai: d.informationPartenaires, responsable: 'coordinateur' });
    const resume = resumePourPartenaires(plan!, menage.reference);
    await notifierEnsemble(
      p,
      (['ccapex', 'pdalpd', 'services_sociaux', 'bailleur'] as const)
        .filter((role) => programme.partenaires[role])
        .map((role) => ({ a: { role }, ...courriels.planEngage({ ref: menage.reference, resume }), visibilite: 'partenaires' as const })),
    );
    p.echeances.tenir('information_partenaires');

    // 9. Suivi : points mensuels et bilans aux jalons du programme.
    p.rejoindre('suivi', 'Suivi du plan');
    const debutSuivi = debutDuPlan ?? new Date();
    const finSuivi = finDuSuivi(programme, debutSuivi);
    if (finSuivi)
      p.echeances.suivre({
        id: 'fin_suivi',
        libelle: 'Fin de la durée de suivi prévue : passage au droit commun ou clôture',
        due: finSuivi,
        jusquAuSoir: true,
        rappelAvant: d.rappelAvant,
        responsable: 'travailleur_social',
      });
    /** Un point ou un bilan à saisir : son échéance, et le courriel au travailleur social. */
    const demanderBilan = async (id: string, libelle: string) => {
      const { echeance } = p.echeances.suivre({
        id,
        libelle,
        delai: d.saisieBilan ?? DELAIS_PAR_DEFAUT.prevention_precontentieuse.saisieBilan,
        rappelAvant: rappel('P3D'),
        responsable: 'travailleur_social',
      });
      if (!p.travailleurSocial) return;
      const demander = () =>
        notifier(p, {
          a: { personnel: p.travailleurSocial! },
          ...courriels.bilanASaisir({ ref: menage.reference, libelle, avant: echeance.due }),
        });
      // Depuis `bilans-aux-heures-ouvrees` : un point qui s'ouvre la nuit, un week-end ou un jour férié
      // (le jour et l'heure du début du suivi, N mois plus tard) est demandé à 9 h du jour ouvré
      // suivant ; plus s'il est saisi (ou annulé) d'ici là.
      if (patched('bilans-aux-heures-ouvrees')) p.auxHeuresOuvrees(demander, () => echeance.statut !== 'en_cours' && echeance.statut !== 'depassee');
      else await demander();
    };
    /** Le bailleur apprend ce que dit un bilan saisi (reprise du paiement, plan d'apurement). */
    const informerBailleurDuBilan = (b: (typeof bilans)[number]) =>
      notifier(p, {
        a: { role: 'bailleur' },
        ...courriels.bilanAuBailleur({ ref: menage.reference, jalon: b.jalon, reprise: LIBELLES_REPRISE[b.reprisePaiement], planRespecte: b.planRespecte }),
        visibilite: 'partenaires',
      });
    // Un point ou un bilan non saisi ne fige plus la suite : il reste dû (échéance « dépassée »), les
    // suivants arrivent à leur date ; un bilan saisi complète le plus ancien attendu.
    if (patched('suivi-sans-blocage')) {
      suiviSansBlocage = true;
      const jalons = jalonsDeSuivi(programme);
      let prochain = 0;
      let traites = bilans.length;
      // Un suivi sans durée fixée (toulouse-declic : il s'arrête quand la situation est stabilisée ou
      // que le ménage le souhaite) continue après le dernier jalon, un point tous les « pointSuivi »,
      // jusqu'au passage au droit commun ou à la clôture.
      let continus: boolean | undefined;
      for (;;) {
        let jalon = jalons[prochain];
        if (!jalon && d.pointSuivi && !d.suivi && (continus ??= patched('points-de-suivi-continus'))) {
          const offset = sommeDurees(jalons.at(-1)?.offset ?? 'P0D', ...Array<string>(prochain - jalons.length + 1).fill(d.pointSuivi));
          jalon = { offset, libelle: `Point de suivi à ${dureeEnFrancais(offset)}` };
        }
        const quand = jalon ? ajouterDuree(debutSuivi, jalon.offset) : undefined;
        // Le prochain point ou bilan et sa date, pour la page du parcours et, quand rien d'autre n'est
        // attendu, pour la « prochaine échéance » des listes (état seulement, comme une mesure IML).
        if (jalon && quand) {
          p.details.prochainBilan = `${jalon.libelle}, le ${dateEnFrancais(quand)}`;
          p.details.prochainBilanLe = quand.toISOString();
          p.details.prochainBilanLibelle = jalon.libelle;
        } else oublierProchainBilan();
        await p.attendre(() => passage || bilans.length > traites, quand ? Math.max(quand.getTime() - Date.now(), 0) : undefined);
        if (passage) break;
        while (traites < bilans.length) {
          const b = bilans[traites]!;
          traites += 1;
          if (b.id) p.echeances.tenir(b.id);
          await informerBailleurDuBilan(b);
        }
        if (passage) break;
        if (!jalon || !quand || quand.getTime() > Date.now()) continue;
        prochain += 1;
        const id = `bilan:${jalon.offset}`;
        attendus.push({ id, libelle: jalon.libelle });
        await demanderBilan(id, jalon.libelle);
      }
      // Le ménage passe au droit commun : les points et bilans encore dus ne le sont plus (le message
      // « bilan » est refusé désormais) ; sans cela, leurs échéances passaient en retard et alertaient.
      if (patched('bilans-annules-au-passage')) for (const a of attendus) p.echeances.annuler(a.id);
      attendus.length = 0;
      oublierProchainBilan();
    } else
      for (const jalon of jalonsDeSuivi(programme)) {
        const quand = ajouterDuree(debutSuivi, jalon.offset);
        await p.attendre(() => passage, quand.getTime() - Date.now());
        if (passage) break;
        bilanAttendu = jalon.libelle;
        const id = `bilan:${jalon.offset}`;
        await demanderBilan(id, jalon.libelle);
        await p.attendre(() => bilanAttendu === undefined || passage);
        if (bilanAttendu !== undefined) break;
        p.echeances.tenir(id);
        const b = bilans[bilans.length - 1]!;
        await informerBailleurDuBilan(b);
      }
    bilanAttendu = undefined;

    // 10. Passage au droit commun, avec un entretien tripartite si le ménage le souhaite.
    await p.attendre(() => passage);
    p.echeances.tenir('fin_suivi');
    const pdc = p.details.passageDroitCommun as { service: string; entretienTripartite: boolean };
    p.rejoindre('passage_droit_commun', 'Passage au droit commun');
    await notifier(p, {
      a: courrielRelais ? { adresse: { nom: pdc.service, courriel: courrielRelais }, libelle: pdc.service } : { role: 'services_sociaux' },
      ...courriels.passageDeRelais({ ref: menage.reference, service: pdc.service, entretienTripartite: pdc.entretienTripartite }),
    });
    // 11. La clôture est décidée par le travailleur social (message « cloturer »).
    await p.attendre(() => false);
    return { issue: 'orientation_droit_commun' };
  });

  // 11. Clôture : issue, fiche de clôture, information du bailleur et de la CCAPEX.
  oublierProchainBilan();
  await p.clore(fin.issue, fin.motif, fin.acteur);
  p.details.ficheCloture = {
    issue: fin.issue,
    libelle: LIBELLES_ISSUES[fin.issue],
    motif: fin.motif,
    le: new Date().toISOString(),
    bilans: p.details.bilans ?? [],
  };
  if (fin.issue !== 'non_eligible' && fin.issue !== 'contact_impossible') {
    await notifierEnsemble(
      p,
      (['bailleur', 'ccapex'] as const)
        .filter((role) => programme.partenaires[role])
        .map((role) => ({
          a: { role },
          ...courriels.finAccompagnement({ ref: menage.reference, issue: LIBELLES_ISSUES[fin.issue] }),
          visibilite: 'partenaires' as const,
          joindre: [{ document: 'fiche-cloture' as const }],
        })),
    );
  }

  // 12. Veille active : le bailleur (par son lien) ou l'équipe (message « rechute ») peut signaler une
  // rechute, qui ouvre un nouveau parcours lié.
  // Pas pour un ménage jamais joint (clôture anticipée avant le premier contact : un doublon, un départ) :
  // il n'y a pas eu d'accompagnement dont surveiller la suite (patched('veille-apres-un-contact')).
  const jamaisJoint = () => !p.details.contactEtabliLe && patched('veille-apres-un-contact');
  if (
    programme.options.veilleActive &&
    d.veilleActive &&
    !jamaisAccompagne &&
    !['non_eligible', 'contact_impossible', 'refus'].includes(fin.issue) &&
    !jamaisJoint()
  ) {
    p.libelleEtape = `Clôturé (${LIBELLES_ISSUES[fin.issue]}) — veille active`;
    const rechute = await demanderValidation(p, {
      role: 'bailleur',
      action: 'rechute',
      objet: 'Veille active : signaler une rechute',
      apercu: [
        `Pendant ${dureeEnFrancais(d.veilleActive)}, si le ménage du dossier ${menage.reference} connaît de nouveaux impayés, signalez-le par ce lien : un nouvel accompagnement sera ouvert.`,
      ],
      libelleLien: 'Signaler une rechute',
      delai: d.veilleActive,
      rappels: [],
      escalade: false,
    });
    if (rechute.statut === 'approuvee') {
      // Le jour de Paris (patched('rechute-au-jour-de-paris')) : signalée le 8 à 0 h 30, la rechute est
      // du 8, comme le journal le dit ; avant, le jour UTC (le 7).
      const court = patched('identifiant-rechute-court');
      const jour = (court && patched('rechute-au-jour-de-paris') ? jourDeParis(new Date()) : new Date().toISOString()).slice(2, 10).replace(/-/g, '');
      // L'identifiant tient dans la forme « programme--référence » (40 caractères au plus après « -- »).
      const suite = court
        ? `${programme.id}--${menage.reference.slice(0, 32)}-R${jour}`
        : `${programme.id}--${menage.reference}--rechute-${new Date().toISOString().slice(0, 10)}`;
      await startChild(preventionPrecontentieuse, {
        workflowId: suite,
        args: [{ ...e, parcoursPrecedent: p.workflowId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      p.details.parcoursSuivant = suite;
      // Nommé par sa référence et sa date, jamais par l'identifiant du workflow (le lien est dans les informations du dossier).
      p.journal.noter(
        'rechute',
        `Rechute signalée par ${rechuteParEquipe ? 'l’équipe' : 'le bailleur'} : nouveau parcours ouvert le ${dateEnFrancais(new Date())} pour ce ménage`,
      );
    }
  }
  await p.indicateursConsignes();
  return p.etat();
}

/**
 * La fin du suivi prévue : la durée du programme, mais jamais avant le dernier bilan et le délai de
 * sa saisie (besancon-ccas : bilan à 12 mois pour 6 mois de suivi) ; aucune pour un accompagnement
 * « sans condition de durée » (reims-april : pas de durée de suivi dans le programme).
 */
function finDuSuivi(programme: Programme, debut: Date): Date | undefined {
  const d = programme.delais;
  if (!d.suivi) return undefined;
  const duree = ajouterDuree(debut, d.suivi);
  if (!patched('fin-suivi-apres-bilans')) return duree;
  const dernier = jalonsDeSuivi(programme).at(-1);
  const apresDernierBilan = dernier
    ? ajouterDuree(ajouterDuree(debut, dernier.offset), d.saisieBilan ?? DELAIS_PAR_DEFAUT.prevention_precontentieuse.saisieBilan)
    : undefined;
  return apresDernierBilan && apresDernierBilan.getTime() > duree.getTime() ? apresDernierBilan : duree;
}

function jalonsDeSuivi(programme: Programme): Array<{ offset: string; libelle: string }> {
  const j = [
    ...(programme.jalons.pointsSuivi ?? []).map((o) => ({ offset: o, libelle: `Point de suivi à ${dureeEnFrancais(o)}` })),
    ...(programme.jalons.bilans ?? []).map((o) => ({ offset: o, libelle: `Bilan à ${dureeEnFrancais(o)}` })),
  ];
  const t0 = new Date(0);
  return j.sort((a, b) => ajouterDuree(t0, a.offset).getTime() - ajouterDuree(t0, b.offset).getTime());
}

/**
 * Le nom de l'échéance d'un plan et ce qui distingue ses demandes de validation, selon le nombre de
 * refus déjà essuyés : « Plan d'aide contractualisé », « Plan d'aide révisé », « Plan d'aide révisé
 * (3e version) »…
 */
function versionDuPlan(revisions: number): { echeance: string; suffixe: string } {
  if (revisions <= 0) return { echeance: 'Plan d’aide contractualisé', suffixe: '' };
  if (revisions === 1) return { echeance: 'Plan d’aide révisé', suffixe: ' (plan révisé)' };
  return { echeance: `Plan d’aide révisé (${revisions + 1}e version)`, suffixe: ` (plan révisé, ${revisions + 1}e version)` };
}

/** La demande de mutation : dite par l'API, sinon l'action cochée (le formulaire n'a que l'action ; les deux s'accordent : incoherencePlan). */
const mutationDemandee = (plan: PlanAide) => plan.demandeMutation ?? plan.actions.includes('demande_mutation');

function resumePlan(plan: PlanAide) {
  return { actions: plan.actions, orientations: plan.orientations, planApurement: plan.planApurement, demandeMutation: mutationDemandee(plan) };
}

/** Ce que les partenaires (bailleur compris) peuvent savoir du plan : les engagements, pas le diagnostic. */
function resumePourPartenaires(plan: PlanAide, reference: string): string[] {
  return [
    `Un plan d’aide a été contractualisé avec le ménage du dossier ${reference}.`,
    plan.planApurement
      ? `Plan d’apurement proposé : ${euros(plan.planApurement.mensualite)} par mois pendant ${plan.planApurement.dureeMois} mois.`
      : 'Aucun plan d’apurement n’est proposé à ce stade.',
    mutationDemandee(plan) ? 'Une demande de mutation sera déposée.' : 'Aucune demande de mutation.',
    'Le détail de la situation du ménage reste confidentiel.',
  ];
}

export { paragraphesLettreInformation } from '../courriers/prevention';
