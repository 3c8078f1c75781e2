/**
 * Notification : un courriel en français à un partenaire du programme (par son rôle), au
 * personnel (travailleur social, coordination) ou au ménage s'il l'a accepté. L'envoi est noté au
 * journal ; sa clé d'idempotence (déterministe) garantit qu'une reprise n'envoie pas deux fois.
 */
import { patched, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Acteur, Menage, RolePartenaire, Visibilite } from '../../domain/vocabulaire';
import { ROLES_DANS_UNE_PHRASE } from '../../domain/vocabulaire';
import type { Courriel, Destinataire, PieceJointe, ResultatCourriel } from '../../activities/courriel';
import type { Lecteur, NomDocument } from '../../documents/modele';
import type { DestinataireDiagnostic } from '../../domain/partage';
import { activites } from './activites';
import type { EtatParcours, Programme } from '../../domain/vocabulaire';
import type { Journal } from './journal';
import { jourEtHeureEnMots } from '../../domain/durees';

/** Ce que les notifications lisent du parcours (le socle, parcours.ts, le fournit). */
export interface ParcoursANotifier {
  readonly programme: Programme;
  readonly journal: Journal;
  readonly detailsConfidentiels: Record<string, unknown>;
  etat(): EtatParcours;
  /** Vrai si l'envoi suivra sans retenir le déroulé (le socle, `Parcours.differer`) ; faux : à faire aussitôt. */
  differer?(envoi: () => Promise<void>): boolean;
}

export type A =
  | { role: RolePartenaire }
  | { personnel: string }
  | { coordination: true }
  | { adresse: { nom: string; courriel: string }; libelle?: string }
  | { menage: { nom: string; courriel?: string }; libelle?: string };

/**
 * Le ménage comme destinataire : à l'adresse notée dans son dossier au moment d'envoyer (acceptée à
 * l'orientation, ou donnée et corrigée depuis sur la page du dossier) ; rien ne part s'il n'accepte
 * pas ou plus les courriels. Un parcours commencé avant ne lui écrit que s'il les avait acceptés à
 * l'orientation (patched('courriels-menage-au-dossier')). `libelle` : « l’occupant »…
 */
export function auMenage(menage: Pick<Menage, 'nom' | 'courriel' | 'accepteCourriel'>, libelle?: string): A | undefined {
  const orientation = menage.accepteCourriel && menage.courriel ? menage.courriel : undefined;
  const etiquette = libelle ? { libelle } : {};
  if (patched('courriels-menage-au-dossier')) return { menage: { nom: menage.nom, ...(orientation ? { courriel: orientation } : {}) }, ...etiquette };
  return orientation ? { adresse: { nom: menage.nom, courriel: orientation }, ...etiquette } : undefined;
}

export interface Notification {
  a: A;
  sujet: string;
  paragraphes: string[];
  /** Type d'événement au journal (par défaut « courriel »). */
  type?: string;
  /** Visibilité de l'entrée du journal (le sujet y figure). */
  visibilite?: Visibilite;
  /** Qui a demandé l'envoi (un document envoyé au ménage depuis son dossier) : le journal le nomme ; sinon le parcours. */
  acteur?: Acteur;
  /**
   * Documents à joindre en PDF, construits par l'activité depuis l'état du parcours à cet instant.
   * Lecteur par défaut : le ménage pour sa lettre, l'équipe pour le personnel, sinon les
   * partenaires (version sans rien de confidentiel).
   */
  joindre?: Array<PieceAJoindre>;
}

export interface PieceAJoindre {
  document: NomDocument;
  /** Fiche-bilan : le jalon du bilan. */
  jalon?: string;
  lecteur?: Lecteur;
  /** Éléments ajoutés aux `details` de l'état pour ce document (la fiche de clôture d'un glissement, annoncé avant la clôture). */
  complements?: Record<string, unknown>;
  /**
   * Fiche de suivi social au bailleur : le diagnostic (sans les notes) et le carnet de route y
   * figurent pour ces destinataires, si l'activité trouve, à l'envoi, le réglage du programme et
   * l'accord du ménage dans le dossier (api/visibilite.ts) ; sinon la fiche part sans eux.
   */
  diagnosticPour?: DestinataireDiagnostic[];
}

/** Ce qu'un partenaire peut recevoir du diagnostic : les entretiens sans les notes du travailleur social, le carnet de route. */
function diagnosticSansNotes(c: Record<string, unknown>): Record<string, unknown> {
  const entretiens = Array.isArray(c.diagnostic) ? (c.diagnostic as Array<Record<string, unknown>>).map(({ notes: _notes, ...e }) => e) : undefined;
  return { ...(entretiens ? { diagnostic: entretiens } : {}), ...(c.carnetDeRoute ? { carnetDeRoute: c.carnetDeRoute } : {}) };
}

/** Le lecteur d'un document selon son destinataire. */
function lecteurPour(a: A, document: NomDocument): Lecteur {
  if (document === 'lettre-information') return 'menage';
  return 'personnel' in a || 'coordination' in a ? 'equipe' : 'partenaires';
}

/**
 * Ce que l'activité reçoit pour construire un document : l'état du parcours sans journal ni
 * échéances (inutiles aux documents), et sans rien de confidentiel pour un partenaire ; pour le
 * ménage, ses seules coordonnées.
 */
export function pieceJointe(parcours: ParcoursANotifier, j: PieceAJoindre & { lecteur: Lecteur }): PieceJointe {
  const etat = parcours.etat();
  const menage = parcours.detailsConfidentiels.menage as { nom?: string; adresse?: string } | undefined;
  const detailsConfidentiels =
    j.lecteur === 'equipe'
      ? etat.detailsConfidentiels
      : j.lecteur === 'menage' && menage
        ? { menage: { nom: menage.nom, adresse: menage.adresse } }
        : j.diagnosticPour?.length
          ? diagnosticSansNotes(etat.detailsConfidentiels)
          : {};
  const p = parcours.programme;
  return {
    document: j.document,
    lecteur: j.lecteur,
    ...(j.jalon ? { jalon: j.jalon } : {}),
    ...(j.diagnosticPour?.length ? { diagnosticPour: j.diagnosticPour } : {}),
    etat: { ...etat, details: { ...etat.details, ...j.complements }, journal: [], echeances: [], demandes: [], detailsConfidentiels },
    programme: { id: p.id, nom: p.nom, operateur: { nom: p.operateur.nom, courriel: p.operateur.courriel } },
  };
}

export function destinataire(parcours: ParcoursANotifier, a: A): { d: Destinataire; libelle: string } | undefined {
  if ('role' in a) {
    const p = parcours.programme.partenaires[a.role];
    if (!p) return undefined;
    // Les contacts du rôle sont lus dans l'annuaire au moment d'envoyer ; l'adresse du programme au
    // lancement ne sert que de repli (annuaire vide pour ce rôle).
    return {
      d: { type: 'partenaire', programmeId: parcours.programme.id, role: a.role, repli: { nom: p.nom, courriel: p.courriel } },
      libelle: `${ROLES_DANS_UNE_PHRASE[a.role]} (${p.nom})`,
    };
  }
  if ('personnel' in a) return { d: { type: 'personnel', id: a.personnel, programmeId: parcours.programme.id }, libelle: 'le travailleur social' };
  if ('coordination' in a) return { d: { type: 'coordination', programmeId: parcours.programme.id }, libelle: 'la coordination' };
  if ('menage' in a) return { d: { type: 'menage', ...a.menage }, libelle: a.libelle ?? 'le ménage' };
  return { d: { type: 'adresse', ...a.adresse }, libelle: a.libelle ?? 'le ménage' };
}

/** « à » ou « de » devant un destinataire : « au ménage », « du travailleur social », « à la coordination ». */
export function contracter(preposition: 'à' | 'de', libelle: string): string {
  const m = /^(le|les) (.*)$/.exec(libelle);
  if (!m) return `${preposition} ${libelle}`;
  return `${preposition === 'à' ? (m[1] === 'le' ? 'au' : 'aux') : m[1] === 'le' ? 'du' : 'des'} ${m[2]}`;
}

export function cleIdempotence(): string {
  return `${workflowInfo().workflowId}/${uuid4()}`;
}

/** Ce que l'activité reçoit pour un courriel, ou rien si le rôle n'a aucun destinataire dans le programme. */
function preparer(parcours: ParcoursANotifier, n: Notification): { libelle: string; courriel: Courriel } | undefined {
  const dest = destinataire(parcours, n.a);
  if (!dest) return undefined;
  const piecesJointes = (n.joindre ?? []).map((j) => pieceJointe(parcours, { ...j, lecteur: j.lecteur ?? lecteurPour(n.a, j.document) }));
  return {
    libelle: dest.libelle,
    courriel: {
      cle: cleIdempotence(),
      destinataire: dest.d,
      sujet: n.sujet,
      paragraphes: n.paragraphes,
      signature: parcours.programme.operateur.nom,
      ...(piecesJointes.length ? { piecesJointes } : {}),
    },
  };
}

/** Au journal : le courriel envoyé (ses pièces jointes, sa redirection), ou pourquoi il n'est pas parti. */
/** Ce que le journal dit du SMS qui double un courriel au ménage. */
const SMS_AU_JOURNAL: Record<NonNullable<ResultatCourriel['sms']>, string> = {
  envoye: 'annoncé par SMS',
  renvoye: 'SMS pas encore parti (le fournisseur ne répond pas), renvoyé trois jours au plus',
  prevu: 'SMS prévu',
  refuse: 'SMS refusé par le fournisseur : numéro à vérifier',
};

/** Le SMS prévu à 8 h : quand il partira, et pourquoi pas tout de suite. */
const smsPrevu = (r: ResultatCourriel): string =>
  r.sms === 'prevu' && r.smsLe ? ` le ${jourEtHeureEnMots(r.smsLe)} (aucun SMS au ménage la nuit, le dimanche ni un jour férié)` : '';

function noter(parcours: ParcoursANotifier, n: Notification, libelle: string | undefined, r: ResultatCourriel | undefined): void {
  if (libelle === undefined) {
    parcours.journal.noter('courriel_impossible', `Courriel non envoyé (« ${n.sujet} ») : aucun destinataire configuré pour ce rôle dans le programme`, {
      visibilite: 'equipe',
    });
    return;
  }
  // Le ménage n'a jamais accepté les courriels : rien n'est parti, comme prévu ; un SMS à la place s'il les accepte.
  if (r?.sansAdresse) {
    if (r.sms) noterSmsALaPlace(parcours, n, libelle, 'le ménage n’accepte pas les courriels', { ...r, sms: r.sms });
    return;
  }
  // Rien n'est parti (le ménage a retiré son accord aux courriels depuis l'orientation), sauf un SMS à la place.
  if (r?.nonEnvoye) {
    if (r.sms) return noterSmsALaPlace(parcours, n, libelle, r.nonEnvoye, { ...r, sms: r.sms });
    parcours.journal.noter('courriel_impossible', `Courriel non envoyé ${contracter('à', libelle)} (« ${n.sujet} ») : ${r.nonEnvoye}`, {
      visibilite: 'equipe',
      ...(n.acteur ? { acteur: n.acteur } : {}),
    });
    return;
  }
  // Le bailleur du ménage (choisi au lancement) plutôt que celui du programme, si l'envoi l'a nommé.
  if (r?.organisation && 'role' in n.a) libelle = `${ROLES_DANS_UNE_PHRASE[n.a.role]} (${r.organisation})`;
  const joints = r?.piecesJointes?.length ? ` (joint : ${r.piecesJointes.join(', ')})` : '';
  const repli = r?.repli ? ` — redirigé : ${r.repli}` : '';
  const sms = r?.sms ? ` — ${SMS_AU_JOURNAL[r.sms]}${smsPrevu(r)}` : '';
  parcours.journal.noter(n.type ?? 'courriel', `Courriel ${contracter('à', libelle)} : « ${n.sujet} »${joints}${repli}${sms}`, {
    visibilite: n.visibilite ?? 'equipe',
    ...(n.acteur ? { acteur: n.acteur } : {}),
  });
}

/** Ce que le journal dit du SMS parti à la place d'un courriel au ménage. */
const SMS_SEUL_AU_JOURNAL: Record<NonNullable<ResultatCourriel['sms']>, string> = {
  envoye: '',
  renvoye: ' — pas encore parti (le fournisseur ne répond pas), renvoyé trois jours au plus',
  prevu: ' — prévu',
  refuse: ' — refusé par le fournisseur : numéro à vérifier',
};

function noterSmsALaPlace(
  parcours: ParcoursANotifier,
  n: Notification,
  libelle: string,
  raison: string,
  r: ResultatCourriel & { sms: NonNullable<ResultatCourriel['sms']> },
): void {
  parcours.journal.noter(
    'sms',
    `SMS ${contracter('à', libelle)} à la place du courriel « ${n.sujet} » (${raison})${SMS_SEUL_AU_JOURNAL[r.sms]}${smsPrevu(r)}`,
    {
      visibilite: n.visibilite ?? 'equipe',
      ...(n.acteur ? { acteur: n.acteur } : {}),
    },
  );
}

export async function notifier(parcours: ParcoursANotifier, n: Notification): Promise<void> {
  const envoi = preparer(parcours, n);
  noter(parcours, n, envoi?.libelle, envoi ? await activites.envoyerCourriel(envoi.courriel) : undefined);
}

/**
 * Les courriels de l'étape qu'un message vient de terminer, quand rien de ce qui suit n'attend leur
 * départ : depuis `patched('rattrapage-sans-attendre-les-courriels')`, pendant que le déroulé
 * rattrape l'étape prise par le message, ils partent sans le retenir (`Parcours.differer`) et ce que
 * la nouvelle étape fixe (ses échéances) se lit dès la réponse du message. Sinon, l'envoi même, et sa
 * promesse telle quelle (pas de fonction async ici : les mêmes attentes au rejeu qu'avant).
 */
export function apresLeMessage(parcours: ParcoursANotifier, envoi: () => Promise<void>): Promise<void> {
  return parcours.differer?.(envoi) ? Promise.resolve() : envoi();
}

/**
 * Une échéance (s'il y en a une) et le courriel qui l'annonce à son responsable : depuis `patch`,
 * l'échéance est suivie d'abord et le courriel en dit la date limite ; avant, le courriel partait
 * d'abord, sans elle (l'ordre des commandes des parcours commencés avant).
 */
export async function annoncerEcheance(
  parcours: ParcoursANotifier,
  patch: string,
  suivre: () => { echeance: { due: string } } | undefined,
  annonce: (due?: string) => Notification,
): Promise<void> {
  if (patched(patch)) {
    const suivie = suivre();
    await notifier(parcours, annonce(suivie?.echeance.due));
    return;
  }
  await notifier(parcours, annonce());
  suivre();
}

/**
 * Les courriels d'une même étape (les partenaires informés ensemble, le travailleur social et le
 * bailleur alertés ensemble) : une seule activité les envoie, dans l'ordre, chacun avec sa clé
 * d'idempotence, et le parcours ne se réveille qu'une fois, au lieu d'une tâche par courriel. Ils
 * sont notés au journal dans l'ordre donné. Un parcours commencé avant les envoie un à un, comme
 * il l'a fait (patched('courriels-ensemble')).
 */
export async function notifierEnsemble(parcours: ParcoursANotifier, ns: Notification[]): Promise<void> {
  if (ns.length < 2 || !patched('courriels-ensemble')) {
    for (const n of ns) await notifier(parcours, n);
    return;
  }
  const envois = ns.map((n) => ({ n, envoi: preparer(parcours, n) }));
  const courriels = envois.flatMap((e) => (e.envoi ? [e.envoi.courriel] : []));
  const resultats =
    courriels.length > 1 ? await activites.envoyerCourriels({ courriels }) : courriels.length ? [await activites.envoyerCourriel(courriels[0]!)] : [];
  let i = 0;
  for (const { n, envoi } of envois) noter(parcours, n, envoi?.libelle, envoi ? resultats[i++] : undefined);
}
