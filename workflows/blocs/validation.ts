/**
 * Demande de validation : un partenaire reçoit un lien signé (lié au parcours, à la demande et à
 * son rôle, expirant à l'échéance, à usage unique), des rappels aux intervalles du programme, et
 * le coordinateur est alerté si l'échéance passe sans réponse. La décision (qui, quand, quoi,
 * commentaire) est enregistrée ; une seconde réponse, ou une réponse après clôture, est refusée.
 */
import { patched, uuid4 } from '@temporalio/workflow';
import { attendreJusqua } from './attente';
import type { ReponseValidation } from '../../domain/messages';
import type { Acteur, DemandeValidation, EtatParcours, RolePartenaire } from '../../domain/vocabulaire';
import { LIBELLES_ROLES, ROLES_DANS_UNE_PHRASE } from '../../domain/vocabulaire';
import { activites } from './activites';
import {
  ajouterDuree,
  auxHeuresOuvrees,
  calendrierDu,
  dateEnFrancais,
  estFinDeJourOuvre,
  finDeJourOuvre,
  unJourOuvre,
  type Calendrier,
} from '../../domain/durees';
import { demandeAuPartenaire, limiteDeReponse, sansReponse } from '../../courriers/commun';
import { cleIdempotence, contracter, destinataire, notifier, type ParcoursANotifier } from './notification';
import { Interruption } from './interruption';
import type { Echeances } from './echeances';

/** Ce que les demandes de validation demandent au parcours (le socle, parcours.ts, le fournit). */
export interface ParcoursAValider extends ParcoursANotifier {
  readonly ouverture: { reference: string };
  readonly workflowId: string;
  readonly echeances: Echeances;
  readonly demandes: DemandeValidation[];
  readonly controlesDesReponses: Map<string, (r: ReponseValidation) => string | undefined>;
  readonly cloture?: EtatParcours['cloture'];
  readonly clotureEnCours: boolean;
  attendreJusqua(fn: () => boolean, quand: Date): Promise<boolean>;
  alerterCoordination(e: { libelle: string; due: string }, consigne?: string): Promise<void>;
  auxHeuresOuvrees(envoi: () => Promise<void>, sansObjet?: () => boolean): void;
}

export interface DemandeValidationDef {
  role: RolePartenaire;
  /** Ce qu'il faut décider, en une ligne (« Validation du plan d'aide avec mesure ASLL »). */
  objet: string;
  /** Ce que le partenaire peut voir pour décider : rien de ce que le ménage a confié. */
  apercu: string[];
  /**
   * Délai de réponse (ISO 8601). La réponse est attendue jusqu'au soir du jour où il tombe, ou du
   * premier jour ouvré qui suit (samedi, dimanche, jour férié) : voir `finDeJourOuvre`.
   */
  delai: string;
  /** Échéance explicite (au lieu de « délai » depuis l'envoi), si elle est encore à venir. */
  due?: Date;
  /** Rappels depuis l'envoi (ISO 8601) ; par défaut ceux du programme. */
  rappels?: string[];
  action?: 'validation' | 'rechute' | 'paiement' | 'nouveau_bail' | 'verification';
  /** Un contrôle propre à cette demande, après les contrôles communs (les dates d'un nouveau bail…). */
  controlerReponse?: (r: ReponseValidation) => string | undefined;
  /** Pas d'échéance « Réponse de … » : le parcours suit déjà la sienne (le nouveau bail). */
  sansEcheance?: boolean;
  /** Libellé du bouton du courriel (par défaut « Répondre à la demande »). */
  libelleLien?: string;
  /** Alerter la coordination si l'échéance passe sans réponse (par défaut : oui). */
  escalade?: boolean;
  /** Ce que la coordination doit faire ensuite, dit dans l'alerte (par défaut : reprendre contact). */
  suiteEscalade?: string;
}

export interface DemandeEnCours extends DemandeValidation {
  apercu: string[];
}

export async function demanderValidation(parcours: ParcoursAValider, def: DemandeValidationDef): Promise<DemandeValidation> {
  const envoyeeLe = new Date();
  const explicite = def.due && def.due.getTime() > envoyeeLe.getTime() ? def.due : undefined;
  const auTermeDuDelai = explicite ?? ajouterDuree(envoyeeLe, def.delai);
  // Une décision attendue d'un partenaire l'est jusqu'au soir d'un jour ouvré (« au plus tard le
  // lundi 21 décembre »), jamais un dimanche à l'heure de l'envoi ; une échéance donnée qui est déjà
  // la fin d'un jour ouvré (la décision du comité de suivi) se dit de même. Restent à l'heure : une
  // autre échéance donnée (le nouveau bail dans son délai légal) et la veille active, qui n'attend
  // rien. (Parcours d'avant : l'échéance à l'heure exacte de la fin du délai.)
  // Les jours fériés du territoire du programme (métropole, ou Alsace-Moselle).
  const calendrier = calendrierDu(parcours.programme);
  const auSoir =
    (explicite ? estFinDeJourOuvre(explicite, calendrier) : def.action !== 'rechute' && def.action !== 'nouveau_bail') &&
    patched('reponse-au-soir-d-un-jour-ouvre');
  const echeance = auSoir ? finDeJourOuvre(auTermeDuDelai, calendrier) : auTermeDuDelai;
  const demande: DemandeEnCours = {
    id: uuid4(),
    role: def.role,
    objet: def.objet,
    apercu: def.apercu,
    envoyeeLe: envoyeeLe.toISOString(),
    echeance: echeance.toISOString(),
    statut: 'en_attente',
    ...(def.action && def.action !== 'validation' ? { action: def.action } : {}),
  };
  parcours.demandes.push(demande);
  if (def.controlerReponse) parcours.controlesDesReponses.set(demande.id, def.controlerReponse);
  const veille = def.action === 'rechute';
  const signature = def.action === 'nouveau_bail';
  const verification = def.action === 'verification';
  // Une demande faite avant la clôture s'arrête dès qu'une clôture est demandée (Interruption) ; une
  // demande de la veille active, faite après la clôture, court jusqu'à son échéance.
  const suivreCloture = !parcours.cloture && patched('cloture-pendant-validation');
  const attendreReponse = (quand: Date) =>
    suivreCloture ? parcours.attendreJusqua(() => demande.statut !== 'en_attente', quand) : attendreJusqua(() => demande.statut !== 'en_attente', quand);
  const dest = destinataire(parcours, { role: def.role });
  if (!dest) {
    demande.statut = 'expiree';
    parcours.journal.noter('validation_impossible', `Demande « ${def.objet} » impossible : le programme n’a pas de partenaire « ${LIBELLES_ROLES[def.role]} »`);
    await parcours.alerterCoordination({ libelle: `${def.objet} (aucun destinataire)`, due: demande.echeance });
    return demande;
  }
  const envoyer = (rappel: boolean) =>
    activites.envoyerLienSigne({
      cle: cleIdempotence(),
      workflowId: parcours.workflowId,
      demandeId: demande.id,
      role: def.role,
      action: def.action ?? 'validation',
      destinataire: dest.d,
      ...demandeAuPartenaire({
        ref: parcours.ouverture.reference,
        objet: def.objet,
        apercu: def.apercu,
        nature: veille ? 'rechute' : signature ? 'nouveau_bail' : verification ? 'verification' : 'decision',
        rappel,
        echeance,
        auSoir,
      }),
      libelleLien: def.libelleLien ?? 'Répondre à la demande',
      expireLe: demande.echeance,
      signature: parcours.programme.operateur.nom,
    });

  const suivreEcheance = () =>
    parcours.echeances.suivre({
      id: `validation:${demande.id}`,
      libelle: `Réponse ${contracter('de', ROLES_DANS_UNE_PHRASE[def.role])} : ${def.objet}`,
      due: echeance,
      responsable: def.role,
      alerter: false,
    });
  // L'échéance de la réponse suivie dès la demande, avant l'envoi du lien : la page du parcours et
  // les listes la montrent aussitôt (au lancement d'une mesure IML, la demande au SIAO), même quand
  // le courriel tarde ; une réponse venue pendant l'envoi la tient.
  const echeanceAvantEnvoi = !def.sansEcheance && patched('echeance-avant-envoi');
  if (echeanceAvantEnvoi) suivreEcheance();
  const envoye = await envoyer(false);
  // Le bailleur du ménage qui a reçu le lien (programme à plusieurs bailleurs), pas celui du programme.
  const libelle = envoye?.organisation ? `${ROLES_DANS_UNE_PHRASE[def.role]} (${envoye.organisation})` : dest.libelle;
  // Le lien parti à la coordination à la place du partenaire (aucun contact, adresse refusée) : dit.
  const redirige = envoye?.repli ? ` — redirigé : ${envoye.repli}` : '';
  parcours.journal.noter(
    'validation_demandee',
    veille
      ? `Lien de veille active envoyé ${contracter('à', libelle)} : une rechute peut être signalée jusqu’au ${dateEnFrancais(echeance)}${redirige}`
      : `Demande envoyée ${contracter('à', libelle)} : « ${def.objet} », réponse attendue ${limiteDeReponse(echeance, auSoir)}${redirige}`,
  );
  // Le partenaire peut répondre avant que l'envoi soit fini (courriel parti, activité reprise) : sa
  // réponse est déjà là, l'échéance n'a plus lieu d'être (elle resterait ouverte puis « dépassée »).
  // (Parcours d'avant `echeance-avant-envoi` : l'échéance suivie après l'envoi.)
  const repondueAvant = !echeanceAvantEnvoi && demande.statut !== 'en_attente' && patched('reponse-pendant-envoi');
  if (!echeanceAvantEnvoi && !repondueAvant && !def.sansEcheance) suivreEcheance();

  // Depuis `rappels-aux-heures-ouvrees` : le rappel d'une demande qui court jusqu'au soir part aux
  // heures ouvrées (9 h à 18 h, un jour ouvré), jamais la nuit ; avant, à l'heure de l'envoi du lien.
  const rappels = datesDesRappels(
    envoyeeLe,
    def.rappels ?? parcours.programme.rappelsValidation,
    auTermeDuDelai,
    auSoir,
    calendrier,
    auSoir && patched('rappels-aux-heures-ouvrees') ? echeance : undefined,
  );
  for (const quand of rappels) {
    const repondu = await attendreReponse(quand);
    if (repondu) break;
    await envoyer(true);
    parcours.journal.noter('validation_rappel', `Rappel envoyé ${contracter('à', libelle)} : « ${def.objet} »`);
  }
  const repondu = await attendreReponse(echeance);
  if (!repondu) {
    demande.statut = 'expiree';
    parcours.echeances.annuler(`validation:${demande.id}`);
    parcours.journal.noter('validation_expiree', `Sans réponse ${contracter('de', libelle)} à l’échéance : « ${def.objet} »`);
    if (def.escalade === false) return demande;
    const escalade = () =>
      notifier(parcours, {
        a: { coordination: true },
        ...sansReponse({ ref: parcours.ouverture.reference, objet: def.objet, partenaire: libelle, echeance, auSoir, suite: def.suiteEscalade }),
        type: 'escalade',
      });
    // Depuis `escalades-aux-heures-ouvrees` : la coordination l'apprend à 9 h du jour ouvré suivant.
    if (patched('escalades-aux-heures-ouvrees')) parcours.auxHeuresOuvrees(escalade);
    else await escalade();
  }
  return demande;
}

/**
 * Quand partent les rappels d'une demande envoyée le `envoyeeLe` : ceux d'avant le terme du délai
 * (comme avant qu'il aille jusqu'au soir) ; avec `unJourOuvreSeulement`, celui qui tomberait un
 * samedi, un dimanche ou un jour férié part le jour ouvré suivant à 9 h, et deux rappels reportés au
 * même moment n'en font qu'un. Avec `auxHeuresOuvreesAvant` (l'échéance de la demande), chacun part
 * aux heures ouvrées (`auxHeuresOuvrees` : un rappel de la nuit à 9 h, un du soir le lendemain ouvré
 * à 9 h), s'il tombe encore avant l'échéance. Dans l'ordre où ils partent. Calcul pur (essayé à des
 * dates données).
 */
export function datesDesRappels(
  envoyeeLe: Date,
  rappels: string[],
  auTerme: Date,
  unJourOuvreSeulement: boolean,
  calendrier: Calendrier = 'metropole',
  auxHeuresOuvreesAvant?: Date,
): Date[] {
  return rappels
    .map((r) => ajouterDuree(envoyeeLe, r))
    .filter((d) => d.getTime() < auTerme.getTime())
    .map((d) => (auxHeuresOuvreesAvant ? auxHeuresOuvrees(d, calendrier) : unJourOuvreSeulement ? unJourOuvre(d, calendrier) : d))
    .filter((d) => !auxHeuresOuvreesAvant || d.getTime() < auxHeuresOuvreesAvant.getTime())
    .sort((a, b) => a.getTime() - b.getTime())
    .filter((d, i, tous) => i === 0 || d.getTime() !== tous[i - 1]!.getTime());
}

/** Validateur synchrone de la réponse d'un partenaire (voir Parcours.ouvrir). */
export function validerReponse(parcours: ParcoursAValider, r: ReponseValidation): string | undefined {
  const d = parcours.demandes.find((x) => x.id === r.demandeId);
  if (!d) return 'Cette demande n’existe pas pour ce parcours.';
  if (d.role !== r.role) return 'Ce lien ne correspond pas au partenaire sollicité pour cette demande.';
  if (d.statut === 'en_attente' && parcours.clotureEnCours)
    return 'L’accompagnement de ce ménage vient d’être clôturé : cette demande n’attend plus de réponse.';
  if (d.closeParClotureLe)
    return `L’accompagnement de ce ménage a été clôturé le ${dateEnFrancais(d.closeParClotureLe)} : cette demande n’attend plus de réponse.`;
  if (r.decision !== 'approuve' && r.decision !== 'refuse') return 'Décision invalide : « approuve » ou « refuse » attendu.';
  if (r.commentaire !== undefined && (typeof r.commentaire !== 'string' || r.commentaire.length > 2000))
    return 'Commentaire trop long (2 000 caractères au plus).';
  if (r.montant !== undefined && !(typeof r.montant === 'number' && Number.isFinite(r.montant) && r.montant >= 0 && r.montant <= 100_000)) {
    return 'Montant invalide : un nombre d’euros positif (100 000 € au plus).';
  }
  if (d.statut === 'approuvee' || d.statut === 'refusee') {
    return `Une réponse a déjà été enregistrée pour cette demande le ${dateEnFrancais(d.decision!.le)}.`;
  }
  const propre = d.statut === 'en_attente' ? parcours.controlesDesReponses.get(d.id)?.(r) : undefined;
  if (propre) return propre;
  if (d.statut === 'expiree' && d.fermee)
    return `Cette demande a été close le ${dateEnFrancais(d.fermee.le)} (${d.fermee.raison}) : il n’est plus possible d’y répondre.`;
  if (d.statut === 'expiree') return `Cette demande est close depuis le ${dateEnFrancais(d.echeance)} : il n’est plus possible d’y répondre.`;
  return undefined;
}

/**
 * La réponse enregistrée. `equipe` : l'équipe de l'opérateur répond elle-même (une rechute qu'elle a
 * repérée pendant la veille active, reims-april) ; le journal le dit, sous son nom.
 */
export function enregistrerReponse(parcours: ParcoursAValider, r: ReponseValidation, equipe?: Acteur): DemandeValidation {
  const d = parcours.demandes.find((x) => x.id === r.demandeId)!;
  d.statut = r.decision === 'approuve' ? 'approuvee' : 'refusee';
  d.decision = {
    decision: r.decision,
    commentaire: r.commentaire,
    ...(r.montant !== undefined ? { montant: r.montant } : {}),
    ...(r.nouveauBail ? { nouveauBail: r.nouveauBail } : {}),
    par: r.par,
    le: new Date().toISOString(),
  };
  parcours.echeances.tenir(`validation:${d.id}`);
  parcours.journal.noter(
    'decision_partenaire',
    equipe && d.action === 'rechute'
      ? `Rechute repérée par l’équipe pendant la veille active${r.commentaire ? ` — ${r.commentaire}` : ''}`
      : d.action === 'nouveau_bail'
        ? `${LIBELLES_ROLES[d.role]} : signature du nouveau bail indiquée par son lien${r.commentaire ? ` — ${r.commentaire}` : ''}`
        : d.action === 'verification'
          ? `${LIBELLES_ROLES[d.role]} : ${r.decision === 'approuve' ? 'aucun accompagnement connu du ménage' : 'ménage déjà accompagné'}${r.commentaire ? ` — ${r.commentaire}` : ''}`
          : d.action === 'rechute'
            ? // La veille active n'attend pas de décision : le lien sert à signaler une rechute.
              `${LIBELLES_ROLES[d.role]} : rechute signalée par le lien de veille active${r.commentaire ? ` — ${r.commentaire}` : ''}`
            : `${LIBELLES_ROLES[d.role]} : « ${d.objet} » ${r.decision === 'approuve' ? 'approuvée' : 'refusée'}${r.commentaire ? ` — ${r.commentaire}` : ''}`,
    // Ce que l'équipe a repéré, et qui suit déjà le ménage, restent à l'équipe (jamais montrés au bailleur).
    equipe
      ? { acteur: equipe, visibilite: 'equipe' }
      : { acteur: { type: 'partenaire', role: d.role, id: r.par }, ...(d.action === 'verification' ? { visibilite: 'equipe' as const } : {}) },
  );
  return d;
}

/** Une demande suivie en arrière-plan : la demande, et la fin de son suivi (réponse, échéance ou clôture). */
export interface DemandeEnArrierePlan {
  demande: DemandeValidation;
  fin: Promise<DemandeValidation>;
}

/**
 * Une demande (lien signé) suivie en arrière-plan pendant que le déroulé attend autre chose (le mois
 * du protocole, la décision du comité) ; une clôture demandée l'arrête, le déroulé la voit de son côté.
 */
export function demanderEnArrierePlan(parcours: ParcoursAValider, def: DemandeValidationDef): DemandeEnArrierePlan {
  const fin = demanderValidation(parcours, def).catch((e: unknown) => {
    if (e instanceof Interruption) return demande;
    throw e;
  });
  // La demande est ajoutée au parcours avant le premier envoi (voir `demanderValidation`).
  const demande = parcours.demandes[parcours.demandes.length - 1]!;
  return { demande, fin };
}

/** Close une demande encore en attente qui n'a plus d'objet (son lien dit pourquoi), puis attend la fin de son suivi. */
export async function fermerDemande(parcours: ParcoursAValider, x: DemandeEnArrierePlan, raison: string): Promise<void> {
  if (x.demande.statut === 'en_attente') {
    x.demande.statut = 'expiree';
    x.demande.fermee = { le: new Date().toISOString(), raison };
    parcours.journal.noter('validation_close', `Demande « ${x.demande.objet} » close : ${raison}`);
  }
  await x.fin;
  parcours.echeances.annuler(`validation:${x.demande.id}`);
}
