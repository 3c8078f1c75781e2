/**
 * Activités de courriel : notifications aux partenaires et au personnel, demandes de validation
 * avec lien signé. Elles reçoivent leurs dépendances (transport SMTP, annuaire, signeur de liens)
 * et valident leurs entrées avec zod. Une nouvelle tentative n'envoie jamais deux fois : le
 * Message-ID est dérivé de la clé d'idempotence et les clés déjà envoyées sont retenues.
 */
import type { BaseDeDonnees } from '../base';
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import {
  DocumentIndisponible,
  DOCUMENTS,
  genererPdf,
  LECTEURS,
  LIBELLES_DOCUMENTS,
  preparerDocument,
  type Lecteur,
  type NomDocument,
  type SourceDocument,
} from '../documents';
import { ROLES_PARTENAIRES, type EtatParcours } from '../domain/vocabulaire';
import { PREFIXE_FILE_IML } from '../domain/iml';
import { LecturesAnnuaire } from '../personnel/annuaire-base';
import { nommerPersonnel, personnesMentionnees } from '../domain/libelles';
import { paragrapheRemplacement, remplacementDuJour } from '../personnel/absences';
import { dateEnFrancais, jourDeParis } from '../domain/durees';
import type { Catalogue } from '../programmes/catalogue';
import { rendreCourriel } from './mise-en-page';
import { adresseRefusee, codesEchecSmtp } from './echec-smtp';
import type { Coffre } from '../securite/coffre';
import { Consentements, signatureSms, type ResultatSms } from '../sms';
import { createSmsMenageActivities, type ServiceSms } from './sms';
import { parserEntree } from './entree';
import { adresseDeRetour } from '../retours/adresse';
import { DESTINATAIRES_DIAGNOSTIC, LIBELLES_DESTINATAIRES_DIAGNOSTIC, diagnosticPartageAvec, type DestinataireDiagnostic } from '../domain/partage';
import { ConsentementsPartage } from '../dossiers/consentements';

export const destinataireSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('adresse'), nom: z.string().min(1), courriel: z.email() }),
  /**
   * Le ménage du parcours, à l'adresse notée dans son dossier au moment d'envoyer (acceptée à
   * l'orientation, donnée ou corrigée depuis) ; `courriel` : celle de l'orientation, pour un parcours
   * lancé avant que le dossier note les accords du ménage. Sans accord ni adresse, rien ne part.
   */
  z.object({ type: z.literal('menage'), nom: z.string().min(1), courriel: z.email().optional() }),
  /** Un compte du personnel ; `programmeId` désigne le repli si le compte n'existe plus. */
  z.object({ type: z.literal('personnel'), id: z.string().min(1), programmeId: z.string().min(1).optional() }),
  z.object({ type: z.literal('coordination'), programmeId: z.string().min(1) }),
  /** Un partenaire du programme : ses contacts lus dans l'annuaire à l'envoi, sinon l'adresse de repli (celle du programme au lancement). */
  z.object({
    type: z.literal('partenaire'),
    programmeId: z.string().min(1),
    role: z.enum(ROLES_PARTENAIRES),
    repli: z.object({ nom: z.string().min(1), courriel: z.email() }),
  }),
]);
export type Destinataire = z.infer<typeof destinataireSchema>;

/**
 * Un document joint en PDF, construit par l'activité : le document, son lecteur (la version
 * `partenaires` ne contient jamais rien de ce que le ménage a confié) et ce qu'il faut pour le
 * construire — l'état du parcours au moment de l'envoi et son programme (les entrées d'activités
 * sont chiffrées par le codec ; rien de cela n'est journalisé).
 */
export const pieceJointeSchema = z.object({
  document: z.enum(DOCUMENTS),
  lecteur: z.enum(LECTEURS),
  jalon: z.string().max(20).optional(),
  /** Version des partenaires avec le diagnostic pour ces destinataires du bailleur, si le dossier le permet à l'envoi. */
  diagnosticPour: z.array(z.enum(DESTINATAIRES_DIAGNOSTIC)).max(DESTINATAIRES_DIAGNOSTIC.length).optional(),
  etat: z
    .object({
      workflowId: z.string().min(1),
      typeParcours: z.string().min(1),
      programme: z.object({ id: z.string(), version: z.number(), nom: z.string() }),
      reference: z.string().min(1),
      travailleurSocial: z.string().optional(),
      details: z.record(z.string(), z.unknown()),
      detailsConfidentiels: z.record(z.string(), z.unknown()).default({}),
    })
    .loose(),
  programme: z.object({ id: z.string(), nom: z.string(), operateur: z.object({ nom: z.string(), courriel: z.string() }).loose() }).loose(),
});
export interface PieceJointe {
  document: NomDocument;
  lecteur: Lecteur;
  jalon?: string;
  diagnosticPour?: DestinataireDiagnostic[];
  etat: EtatParcours;
  programme: { id: string; nom: string; operateur: { nom: string; courriel: string } };
}

export const courrielSchema = z.object({
  /** Clé d'idempotence : identique d'une tentative à l'autre, unique par envoi. */
  cle: z.string().min(8),
  destinataire: destinataireSchema,
  sujet: z.string().min(1).max(200),
  paragraphes: z.array(z.string()).min(1),
  lien: z.object({ libelle: z.string().min(1), url: z.url() }).optional(),
  signature: z.string().min(1),
  /** Documents à joindre en PDF (fiche-bilan, fiche de clôture, résumé du protocole, lettre). */
  piecesJointes: z.array(pieceJointeSchema).max(4).optional(),
});
export type Courriel = Omit<z.input<typeof courrielSchema>, 'piecesJointes'> & { piecesJointes?: PieceJointe[] };

/** Les courriels d'une même étape, envoyés par une seule activité. */
export const courrielsSchema = z.object({ courriels: z.array(courrielSchema).min(1).max(12) });

/** Ce que dit un envoi : son Message-ID, l'intitulé des documents joints, la raison d'une redirection. */
export interface ResultatCourriel {
  messageId: string;
  piecesJointes?: string[];
  repli?: string;
  /** Le bailleur qui l'a reçu, quand c'est celui que nomme le parcours (choisi au lancement) : le journal le nomme. */
  organisation?: string;
  /** Le courriel n'est pas parti, et pourquoi (le ménage n'accepte plus les courriels) : le journal le dit. */
  nonEnvoye?: string;
  /** Le courriel au ménage n'est pas parti : il n'a jamais accepté les courriels (rien à noter au journal, sauf un SMS à la place). */
  sansAdresse?: true;
  /**
   * Le SMS qui double ce courriel au ménage, ou qui le remplace (`nonEnvoye`, `sansAdresse` : le
   * ménage n'accepte que les SMS) : parti, confié au workflow de renvoi (le fournisseur ne l'a pas
   * pris), prévu à 8 h (`smsLe` : venu la nuit, un dimanche ou un jour férié), ou refusé pour de
   * bon ; rien sans SMS à envoyer. Le journal le dit.
   */
  sms?: 'envoye' | 'renvoye' | 'prevu' | 'refuse';
  /** L'heure où partira le SMS prévu (ISO). */
  smsLe?: string;
}

export const demandeValidationSchema = z.object({
  cle: z.string().min(8),
  workflowId: z.string().min(1),
  demandeId: z.string().min(1),
  role: z.enum(ROLES_PARTENAIRES),
  action: z.enum(['validation', 'paiement', 'rechute', 'nouveau_bail', 'verification']).default('validation'),
  destinataire: destinataireSchema,
  sujet: z.string().min(1).max(200),
  paragraphes: z.array(z.string()).min(1),
  libelleLien: z.string().min(1),
  expireLe: z.iso.datetime(),
  signature: z.string().min(1),
});
export type DemandeValidationCourriel = z.input<typeof demandeValidationSchema>;

export interface SigneurLiens {
  signer(claims: { workflowId: string; demandeId: string; role: string; action: string }, expiresAt: Date, jti?: string): string;
}

export interface DependancesCourriel {
  transport: Transporter;
  expediteur: string;
  signeur: SigneurLiens;
  baseUrl: string;
  /**
   * Le système d'enregistrement : la boîte d'envoi (table `courriels`), partagée par tous les
   * workers, et l'annuaire (personnel, partenaires) lu au moment d'envoyer.
   */
  base: BaseDeDonnees;
  /** Les programmes : l'opérateur d'un programme reçoit ce qui n'a plus de destinataire. */
  catalogue?: Pick<Catalogue, 'trouver'>;
  /** Pour les tests : appelé après chaque envoi enregistré (peut échouer pour simuler une panne). */
  apresEnvoi?: (cle: string) => void;
  /** Pour les tests : appelé quand le serveur SMTP a accepté le message, avant de l'enregistrer envoyé. */
  apresAcceptation?: (cle: string) => void;
  /**
   * SMS aux ménages qui l'ont accepté : un courriel adressé au ménage (destinataire « adresse », celle
   * notée avec son consentement) part aussi en SMS court, sans détail, si le ménage du parcours a
   * accepté les SMS et qu'un numéro est connu ; s'il n'accepte pas les courriels, le SMS part seul,
   * à la place du courriel.
   */
  sms?: ServiceSms;
  /** Au-delà, un envoi commencé et jamais confirmé est « incertain » (90 s : plus que le délai d'une tentative). */
  bailEnvoiMs?: number;
  /**
   * L'adresse des avis de non-remise (RETOURS_COURRIEL) : chaque courriel part avec sa propre adresse
   * de retour (`retours+<jeton>@…`, retours/adresse.ts), que le récepteur des avis reconnaît. Sans
   * elle, l'enveloppe porte l'expéditeur et un avis de non-remise n'est pas vu.
   */
  retours?: string;
  /**
   * Pour lire, à l'envoi, l'adresse du ménage notée dans son dossier (consentements chiffrés) : un
   * courriel au ménage part à l'adresse que le travailleur social a corrigée depuis l'orientation, ou
   * ne part pas si le ménage n'accepte plus les courriels. Sans lui, l'adresse du parcours.
   */
  coffre?: Coffre;
}

/** À qui allait un courriel, sans adresse ni nom (la boîte d'envoi le garde pour dire un avis de non-remise). */
export function sorteDestinataire(d: Destinataire): string {
  if (d.type === 'adresse' || d.type === 'menage') return 'menage';
  if (d.type === 'partenaire') return `partenaire:${d.role}`;
  return d.type;
}

/** Ce que le journal du parcours retient du SMS qui double un courriel (rien : pas de SMS à envoyer). */
const SMS_POUR_LE_JOURNAL: Record<Exclude<ResultatSms, { envoye: true }>['raison'], ResultatCourriel['sms']> = {
  deja_envoye: 'envoye',
  fournisseur_en_echec: 'renvoye',
  differe: 'prevu',
  refuse: 'refuse',
  abandonne: 'refuse',
  sans_consentement: undefined,
  pas_au_menage: undefined,
};

/** Pourquoi un courriel au ménage ne part pas : son accord retiré, ou jamais donné (aucune adresse). */
type SansAccord = 'retire' | 'jamais';

/** La raison d'un courriel au ménage qui ne part pas : son accord retiré depuis l'orientation. */
export const MENAGE_SANS_COURRIELS = 'le ménage n’accepte plus les courriels';

/** La raison d'un courriel redirigé parce que le serveur de courriel a refusé l'adresse (sans l'adresse : elle va au journal). */
export const ADRESSE_REFUSEE = 'l’adresse du destinataire a été refusée par le serveur de courriel : inconnue ou erronée';

/**
 * L'échec d'un envoi au serveur SMTP, sans ce qui nomme les destinataires : l'erreur de nodemailer
 * cite les adresses refusées et la réponse du serveur (qui les répète), et le worker journalise
 * l'échec d'une activité. Restent le code de l'erreur et celui de la réponse ; l'envoi est repris.
 */
export function echecEnvoi(e: unknown): ApplicationFailure {
  const details = codesEchecSmtp(e);
  return ApplicationFailure.retryable(
    `Le serveur de courriel n’a pas pris le message${details ? ` (${details})` : ''} : il sera renvoyé.`,
    'EnvoiCourrielImpossible',
  );
}

/** Avertissement dans le journal de l'activité (hors activité : sur la console). */
function avertir(message: string, attributs: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, attributs);
  } catch {
    console.warn(message, attributs);
  }
}

const BAIL_ENVOI_MS = 90_000;

function heartbeatSiActivite(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Hors activité (essais) : rien à signaler.
  }
}

/** Un identifiant de parcours de ménage (`<programme>--<référence>`), pas celui d'une file IML ni d'un workflow technique (`non-remis:…`). */
const estParcoursDeMenage = (id: string) => /^[A-Za-z0-9_-]+--[^/:]+$/.test(id) && !id.startsWith(PREFIXE_FILE_IML);

/** Le parcours de l'activité en cours (hors activité : aucun). */
function parcoursCourant(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined;
  }
}

export function createCourrielActivities(deps: DependancesCourriel) {
  const sms = createSmsMenageActivities(deps);
  const domaine = deps.expediteur.replace(/^.*@/, '').replace(/>.*$/, '') || 'parcours.local';

  // L'annuaire se lit dans la transaction de la boîte d'envoi (même connexion) : lire à côté, sur une
  // autre connexion du pool, bloquerait quand toutes les connexions tiennent déjà un envoi en cours.

  /**
   * Les adresses d'un destinataire, lues à l'envoi. Un compte disparu ou un programme sans
   * coordination ne fait jamais échouer le parcours : le courriel va à la coordination du programme,
   * sinon à son opérateur, et aux administrateurs, avec la raison (`repli`), qui le disent en tête.
   */
  async function adresses(
    annuaire: LecturesAnnuaire,
    d: Destinataire,
    tx: BaseDeDonnees,
  ): Promise<{ a: Array<{ nom: string; courriel: string }>; repli?: string; remplacement?: string; sansAccord?: SansAccord }> {
    if (d.type === 'adresse' || d.type === 'menage') {
      // Le ménage du parcours : son adresse (ou son refus) notée dans le dossier depuis l'orientation l'emporte.
      const menage = await menageDuDossier(tx, d);
      if (menage?.accorde === false) return { a: [], sansAccord: 'retire' };
      const courriel = menage?.courriel ?? d.courriel;
      if (!courriel) return { a: [], sansAccord: 'jamais' };
      return { a: [{ nom: d.nom, courriel }] };
    }
    if (d.type === 'partenaire') {
      // « Le bailleur » d'un parcours est celui qu'il nomme (choisi au lancement, changé avec une trace).
      const { contacts, autreBailleur } = await annuaire.contactsEtOrganisation(d.programmeId, d.role, parcoursCourant());
      if (contacts.length) return { a: contacts };
      // L'adresse de repli est celle du bailleur du programme : un ménage d'un autre bailleur (sans
      // contact actif, ou désactivé dans l'annuaire) ne lui est jamais écrit ; la coordination le reçoit.
      if (autreBailleur)
        return replier(annuaire, d.programmeId, `le bailleur ${autreBailleur.nom} n’a aucun contact actif dans l’annuaire, ou il y est désactivé`, true);
      return { a: [d.repli] };
    }
    if (d.type === 'personnel') {
      const p = await annuaire.personne(d.id);
      // Absente ce jour-là (jour de Paris) : le courriel va à qui la remplace, qui en est averti en tête.
      const r = p ? await remplacementDuJour(tx, p.id, jourDeParis(new Date()), d.programmeId) : undefined;
      if (r?.couvre)
        return { a: [{ nom: r.absence.nomRemplacant, courriel: r.courriel }], remplacement: paragrapheRemplacement(p!.nom, r.absence.du, r.absence.au) };
      // Son remplaçant ne suit pas ce programme (il ne pourrait pas ouvrir le dossier) : la coordination du programme le reçoit.
      if (r)
        return replier(
          annuaire,
          d.programmeId,
          `absence de ${p!.nom} du ${dateEnFrancais(r.absence.du)} au ${dateEnFrancais(r.absence.au)} ; son remplaçant, ${r.absence.nomRemplacant}, ne suit pas ce programme`,
          true,
          'absence, et le remplaçant ne suit pas ce programme',
        );
      if (p) return { a: [{ nom: p.nom, courriel: p.courriel }] };
      return replier(annuaire, d.programmeId, `le compte « ${d.id} » n’existe plus ou est désactivé`, true);
    }
    const c = await annuaire.coordinateurs(d.programmeId);
    if (c.length) return { a: c.map((p) => ({ nom: p.nom, courriel: p.courriel })) };
    return replier(annuaire, d.programmeId, `aucun compte de coordination n’est actif pour ce programme`, false);
  }

  /**
   * L'accord aux courriels du ménage du parcours en cours et son adresse d'aujourd'hui, notés dans
   * son dossier (consentements_menage, chiffrés) : pour le destinataire « ménage », dès qu'un accord
   * y est noté ; pour une adresse, si c'est une adresse notée pour lui (à l'orientation ou corrigée
   * depuis ; une adresse donnée par un message, celle du bailleur d'une mesure IML, ne l'est pas).
   * Rien hors d'un parcours, sans coffre, ou rien de noté.
   */
  async function menageDuDossier(
    tx: BaseDeDonnees,
    d: Extract<Destinataire, { type: 'adresse' | 'menage' }>,
  ): Promise<{ accorde: boolean; courriel?: string } | undefined> {
    const workflowId = parcoursCourant();
    if (!workflowId || !deps.coffre) return undefined;
    const consentements = new Consentements(tx, deps.coffre);
    if (d.type === 'adresse' && !(await consentements.adressesCourriel(workflowId)).includes(d.courriel.toLowerCase())) return undefined;
    const c = await consentements.lire(workflowId);
    if (d.type === 'menage' && !c.courriel.le) return undefined;
    return { accorde: c.courriel.accorde, ...(c.adresseCourriel ? { courriel: c.adresseCourriel } : {}) };
  }

  /** Le programme du courriel : celui du destinataire, sinon celui du parcours qui l'envoie (« programme--référence »). */
  function programmeDu(d: Destinataire): string | undefined {
    return ('programmeId' in d && d.programmeId) || parcoursCourant()?.split('--')[0] || undefined;
  }

  /** L'opérateur du programme du courriel. */
  function operateurDu(d: Destinataire) {
    const programmeId = programmeDu(d);
    return programmeId ? deps.catalogue?.trouver(programmeId)?.operateur : undefined;
  }

  /** `pourLeJournal` : la raison sans nom de personne, quand `raison` en porte (le journal n'en reçoit pas). */
  async function replier(annuaire: LecturesAnnuaire, programmeId: string | undefined, raison: string, coordination: boolean, pourLeJournal = raison) {
    const a: Array<{ nom: string; courriel: string }> = [];
    if (programmeId && coordination) a.push(...(await annuaire.coordinateurs(programmeId)).map((p) => ({ nom: p.nom, courriel: p.courriel })));
    const operateur = programmeId ? deps.catalogue?.trouver(programmeId)?.operateur : undefined;
    if (!a.length && operateur) a.push({ nom: operateur.nom, courriel: operateur.courriel });
    a.push(...(await annuaire.administrateurs()).map((p) => ({ nom: p.nom, courriel: p.courriel })));
    avertir(`Courriel redirigé : ${pourLeJournal}`, { programmeId, destinataires: a.length });
    return { a: [...new Map(a.map((x) => [x.courriel, x])).values()], repli: raison };
  }

  /**
   * Le diagnostic peut-il partir avec la fiche ? Le réglage du programme (catalogue courant) et
   * l'accord du ménage en vigueur (dossier), pour au moins un des destinataires demandés.
   */
  async function diagnosticAutorise(pj: z.output<typeof pieceJointeSchema>): Promise<{ destinataire: string; accordLe?: string } | undefined> {
    const programme = deps.catalogue?.trouver(pj.programme.id);
    const consentement = await new ConsentementsPartage(deps.base).actuel(pj.etat.workflowId);
    const pour = (pj.diagnosticPour ?? []).filter((d) => diagnosticPartageAvec(programme, consentement, d));
    if (!pour.length) return undefined;
    return {
      destinataire: pour.map((d) => LIBELLES_DESTINATAIRES_DIAGNOSTIC[d]).join(', '),
      ...(consentement && programme?.partageDiagnostic?.consentementRequis ? { accordLe: consentement.recueilliLe } : {}),
    };
  }

  /**
   * Les PDF à joindre. Un document qui ne peut pas être préparé (état incomplet, erreur de rendu)
   * n'empêche pas le courriel de partir : il part sans lui, et l'avertissement ne nomme que le
   * document et le parcours (jamais de donnée personnelle).
   */
  async function documentsJoints(annuaire: LecturesAnnuaire, pieces: z.output<typeof pieceJointeSchema>[]) {
    const joints: Array<{ filename: string; content: Buffer; contentType: string; intitule: string }> = [];
    for (const pj of pieces) {
      // La version des partenaires est construite sans rien de confidentiel, quoi qu'on lui passe ;
      // sauf le diagnostic et le carnet de route (sans les notes), si le réglage du programme et
      // l'accord du ménage, relus dans le dossier à cet instant, le permettent.
      const partage = pj.lecteur === 'partenaires' && pj.diagnosticPour?.length ? await diagnosticAutorise(pj) : undefined;
      const etat =
        pj.lecteur === 'partenaires'
          ? {
              ...pj.etat,
              detailsConfidentiels: partage
                ? { diagnostic: pj.etat.detailsConfidentiels.diagnostic, carnetDeRoute: pj.etat.detailsConfidentiels.carnetDeRoute }
                : {},
            }
          : pj.etat;
      // Les coordonnées de l'opérateur (téléphone, adresse) sont celles du catalogue au moment
      // d'envoyer : le parcours ne transmet que son nom et son courriel.
      const courant = deps.catalogue?.trouver(pj.programme.id)?.operateur;
      const operateur = {
        ...pj.programme.operateur,
        ...(courant?.telephone ? { telephone: courant.telephone } : {}),
        ...(courant?.adresse ? { adresse: courant.adresse } : {}),
      };
      const source: SourceDocument = {
        etat: etat as unknown as SourceDocument['etat'],
        programme: { ...pj.programme, operateur } as unknown as SourceDocument['programme'],
        contact: etat.travailleurSocial ? ((await annuaire.personne(etat.travailleurSocial))?.nom ?? undefined) : undefined,
        jalon: pj.jalon,
        ...(partage ? { diagnosticPartage: partage } : {}),
      };
      try {
        const d = preparerDocument(pj.document, source, pj.lecteur);
        joints.push({ filename: `${d.fichier}.pdf`, content: await genererPdf(d), contentType: 'application/pdf', intitule: LIBELLES_DOCUMENTS[pj.document] });
      } catch (e) {
        // Le courriel compte plus que sa pièce jointe : il part, l'anomalie est journalisée (le
        // nom de l'erreur seulement pour une erreur imprévue : son message pourrait citer l'état).
        const raison = e instanceof DocumentIndisponible ? 'état du parcours incomplet' : `erreur de génération (${e instanceof Error ? e.name : 'inconnue'})`;
        avertir(`Document « ${pj.document} » non joint : ${raison}`, { document: pj.document, workflowId: pj.etat.workflowId });
      }
    }
    return joints;
  }

  /**
   * L'envoi en deux temps (la boîte d'envoi, table `courriels`) :
   * 1. une courte transaction réserve l'envoi : « commencé le » est enregistré AVANT de parler au
   *    serveur SMTP (les adresses sont lues dans cette même transaction) ;
   * 2. le courriel part ; 3. « envoyé le » est enregistré.
   * Un échec SMTP efface la réservation : la reprise renvoie. Une autre tentative qui trouve l'envoi
   * commencé attend sa fin ; si rien n'est confirmé au-delà du bail (le worker est mort pendant
   * l'envoi, après ou avant que le serveur ait accepté le message), le courriel est marqué
   * « incertain » et n'est JAMAIS renvoyé : au plus un courriel (les rappels de la demande portent le
   * même lien), et l'incertitude est journalisée.
   */
  async function envoyer(c: z.output<typeof courrielSchema>): Promise<{
    messageId: string;
    envoye: boolean;
    piecesJointes: string[];
    repli?: string;
    nonEnvoye?: boolean;
    incertain?: boolean;
    sansAccord?: SansAccord;
  }> {
    const messageId = `<${createHash('sha256').update(c.cle).digest('hex').slice(0, 40)}@${domaine}>`;
    const bail = deps.bailEnvoiMs ?? BAIL_ENVOI_MS;
    for (;;) {
      const reserve = await deps.base.transaction().execute(async (tx) => {
        await tx
          .insertInto('courriels')
          .values({ cle: c.cle, message_id: messageId, destinataire: sorteDestinataire(c.destinataire), programme_id: programmeDu(c.destinataire) ?? null })
          .onConflict((oc) => oc.column('cle').doNothing())
          .execute();
        const ligne = await tx
          .selectFrom('courriels')
          .select(['envoye_le', 'envoi_commence_le', 'adresse_refusee_le', 'jeton_retour'])
          .where('cle', '=', c.cle)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (ligne.envoye_le) return { etat: 'deja' as const };
        if (ligne.envoi_commence_le) {
          if (Date.now() - ligne.envoi_commence_le.getTime() < bail) return { etat: 'en_cours' as const };
          await tx.updateTable('courriels').set({ envoye_le: new Date(), incertain: true }).where('cle', '=', c.cle).execute();
          return { etat: 'incertain' as const };
        }
        const annuaire = new LecturesAnnuaire(tx);
        const r: Awaited<ReturnType<typeof adresses>> = ligne.adresse_refusee_le
          ? await replier(annuaire, programmeDu(c.destinataire), ADRESSE_REFUSEE, c.destinataire.type !== 'coordination')
          : await adresses(annuaire, c.destinataire, tx);
        const { a, repli, remplacement } = r;
        if ('sansAccord' in r && r.sansAccord) {
          // Le ménage a retiré son accord aux courriels (ou ne l'a jamais donné) : rien ne part, le parcours continue.
          await tx.updateTable('courriels').set({ envoye_le: new Date() }).where('cle', '=', c.cle).execute();
          return { etat: 'sans_accord' as const, sansAccord: r.sansAccord };
        }
        if (!a.length) {
          // Personne à qui l'adresser (ni opérateur ni administrateur) : le parcours continue, c'est noté.
          await tx
            .updateTable('courriels')
            .set({ envoye_le: new Date(), tentatives: (eb) => eb('tentatives', '+', 1) })
            .where('cle', '=', c.cle)
            .execute();
          return { etat: 'sans_destinataire' as const, repli };
        }
        const joints = await documentsJoints(annuaire, c.piecesJointes ?? []);
        // Le personnel que nomme le parcours (son identifiant de connexion) : son nom, lu à l'envoi.
        const noms = new Map<string, string>();
        for (const id of new Set([c.sujet, ...c.paragraphes].flatMap(personnesMentionnees))) {
          const p = await annuaire.personne(id);
          if (p) noms.set(id, p.nom);
        }
        await tx
          .updateTable('courriels')
          .set({ envoi_commence_le: new Date(), tentatives: (eb) => eb('tentatives', '+', 1) })
          .where('cle', '=', c.cle)
          .execute();
        return { etat: 'a_envoyer' as const, a, repli, remplacement, joints, noms, jeton: ligne.jeton_retour };
      });
      if (reserve.etat === 'deja') return { messageId, envoye: false, piecesJointes: [] };
      if (reserve.etat === 'en_cours') {
        // Une autre tentative (ce worker ou un autre) envoie en ce moment : attendre qu'elle confirme.
        heartbeatSiActivite();
        await new Promise((r) => setTimeout(r, Math.min(500, bail / 4)));
        continue;
      }
      if (reserve.etat === 'incertain') {
        avertir('Courriel incertain : une tentative précédente est morte pendant l’envoi ; il n’est pas renvoyé (au plus une fois)', { cle: c.cle });
        return { messageId, envoye: false, piecesJointes: [], incertain: true };
      }
      if (reserve.etat === 'sans_accord') return { messageId, envoye: false, piecesJointes: [], nonEnvoye: true, sansAccord: reserve.sansAccord };
      if (reserve.etat === 'sans_destinataire') {
        avertir('Courriel non envoyé : aucun destinataire, même de repli', { cle: c.cle });
        return { messageId, envoye: false, piecesJointes: [], repli: reserve.repli ?? 'aucun destinataire', nonEnvoye: true };
      }
      const { a, repli, remplacement, joints, noms, jeton } = reserve;
      const nommer = (t: string) => nommerPersonnel(t, (id) => noms.get(id));
      const paragraphes = [
        ...(remplacement ? [remplacement] : []),
        ...(repli
          ? [
              `Ce message ne trouvait pas son destinataire (${repli}) : il vous est adressé à sa place. ${
                repli === ADRESSE_REFUSEE ? 'Merci de vérifier cette adresse (annuaire, compte, ou coordonnées du ménage).' : 'Merci de corriger l’annuaire.'
              }`,
            ]
          : []),
        ...c.paragraphes.map(nommer),
      ];
      // Au personnel, un courriel d'un parcours mène à son dossier (connexion requise).
      const dossier = parcoursCourant();
      const lien =
        c.lien ??
        ((c.destinataire.type === 'personnel' || c.destinataire.type === 'coordination') && dossier && estParcoursDeMenage(dossier)
          ? { libelle: 'Ouvrir le dossier', url: `${deps.baseUrl.replace(/\/$/, '')}/parcours/${encodeURIComponent(dossier)}`, connexion: true }
          : undefined);
      const { texte, html } = rendreCourriel({
        ...c,
        sujet: nommer(c.sujet),
        paragraphes,
        ...(lien ? { lien } : {}),
        piecesJointes: joints.map((j) => j.intitule),
      });
      try {
        // Répondre joint l'opérateur du programme (l'expéditeur technique ne lit pas ses courriels).
        const operateur = operateurDu(c.destinataire);
        await deps.transport.sendMail({
          from: deps.expediteur,
          ...(operateur ? { replyTo: { name: operateur.nom, address: operateur.courriel } } : {}),
          to: a.map((x) => ({ name: x.nom, address: x.courriel })),
          subject: nommer(c.sujet),
          text: texte,
          html,
          messageId,
          headers: { 'X-Idempotency-Key': c.cle },
          // Les avis de non-remise reviennent à l'adresse de retour propre à ce courriel.
          ...(deps.retours && jeton ? { envelope: { from: adresseDeRetour(deps.retours, jeton), to: a.map((x) => x.courriel) } } : {}),
          ...(joints.length ? { attachments: joints.map(({ filename, content, contentType }) => ({ filename, content, contentType })) } : {}),
        });
      } catch (e) {
        // Rien n'est parti : la réservation est levée, avec ce que l'échec apprend.
        const lever = (echec: { echoue_le: Date } | { adresse_refusee_le: Date }) =>
          deps.base
            .updateTable('courriels')
            .set({ envoi_commence_le: null, ...echec })
            .where('cle', '=', c.cle)
            .where('envoye_le', 'is', null)
            .execute();
        if (adresseRefusee(e) && !repli) {
          // L'adresse elle-même est refusée (inconnue, domaine introuvable) : le renvoyer n'y changerait
          // rien et retiendrait le parcours. Il part aussitôt à la coordination, qui la fera corriger.
          await lever({ adresse_refusee_le: new Date() });
          avertir('Courriel redirigé : adresse du destinataire refusée par le serveur de courriel', { cle: c.cle });
          continue;
        }
        // Refusé ou injoignable : la reprise renverra.
        await lever({ echoue_le: new Date() });
        throw echecEnvoi(e);
      }
      deps.apresAcceptation?.(c.cle);
      await deps.base.updateTable('courriels').set({ envoye_le: new Date() }).where('cle', '=', c.cle).execute();
      deps.apresEnvoi?.(c.cle);
      // Le journal nomme les pièces jointes par leur intitulé (« Lettre d’information au ménage »), pas leur nom de fichier.
      return { messageId, envoye: true, piecesJointes: joints.map((j) => j.intitule), ...(repli ? { repli } : {}) };
    }
  }

  /**
   * Au ménage qui n'accepte pas (ou plus) les courriels : un SMS à la place, s'il accepte les SMS
   * (boîte d'envoi `sms`, même clé qu'un SMS qui doublerait ce courriel : jamais deux). Sans
   * détail : « un courrier vous est adressé » pour la lettre que l'opérateur imprime, « du nouveau »
   * sinon, et le téléphone de l'opérateur.
   */
  async function smsALaPlace(c: z.output<typeof courrielSchema>): Promise<Pick<ResultatCourriel, 'sms' | 'smsLe'>> {
    const workflowId = parcoursCourant();
    if (!workflowId || !estParcoursDeMenage(workflowId)) return {};
    const lettre = c.piecesJointes?.some((p) => p.document === 'lettre-information');
    const telephone = operateurDu(c.destinataire)?.telephone;
    const r = await sms.doublerEnSms({
      cle: `${c.cle}:sms`,
      workflowId,
      modele: lettre ? 'information' : 'nouvelles',
      signature: signatureSms(c.signature),
      ...(telephone ? { telephone } : {}),
    });
    return pourLeJournal(r);
  }

  /** Ce que le journal dira du SMS : parti, renvoyé, prévu à 8 h (avec son heure), refusé ; rien sans SMS. */
  function pourLeJournal(r: ResultatSms | undefined): Pick<ResultatCourriel, 'sms' | 'smsLe'> {
    const etat = r && (r.envoye ? 'envoye' : SMS_POUR_LE_JOURNAL[r.raison]);
    if (!etat) return {};
    return { sms: etat, ...(r && !r.envoye && r.raison === 'differe' ? { smsLe: r.le } : {}) };
  }

  /** Un courriel (entrée déjà validée) et, pour le ménage qui l'a accepté, son SMS. */
  async function envoyerUn(c: z.output<typeof courrielSchema>): Promise<ResultatCourriel> {
    const { messageId, piecesJointes, repli, sansAccord } = await envoyer(c);
    // L'accord du ménage relu après l'envoi : une reprise (courriel déjà traité) qui le trouve retiré n'envoie pas de SMS qui l'annonce.
    const auMenage = c.destinataire.type === 'adresse' || c.destinataire.type === 'menage' ? c.destinataire : undefined;
    const menage = auMenage ? await menageDuDossier(deps.base, auMenage) : undefined;
    if (sansAccord === 'retire' || menage?.accorde === false) return { messageId, nonEnvoye: MENAGE_SANS_COURRIELS, ...(await smsALaPlace(c)) };
    if (sansAccord === 'jamais' || (auMenage && !menage?.courriel && !auMenage.courriel)) return { messageId, sansAdresse: true, ...(await smsALaPlace(c)) };
    // Le SMS se décide ici, pas dans les workflows : une nouvelle tentative renvoie le courriel
    // (déjà envoyé : rien ne part) puis le SMS (boîte d'envoi `sms` : jamais deux fois). Un SMS que
    // le fournisseur ne prend pas est confié à son workflow de renvoi : il ne retient pas le parcours.
    const workflowId = parcoursCourant();
    let doublure: ResultatSms | undefined;
    if (workflowId && auMenage && !repli) {
      doublure = await sms.doublerEnSms({
        cle: `${c.cle}:sms`,
        workflowId,
        modele: 'courriel',
        signature: signatureSms(c.signature),
        // L'adresse où le courriel est parti : celle du dossier, si elle a changé depuis l'orientation.
        doubleCourrielA: (menage?.courriel ?? auMenage.courriel)!,
      });
    }
    // Le journal du parcours nomme le bailleur qui a reçu le courriel (celui du ménage), pas celui du programme.
    const bailleur =
      workflowId && !repli && c.destinataire.type === 'partenaire' && c.destinataire.role === 'bailleur'
        ? await new LecturesAnnuaire(deps.base).bailleurDuParcours(workflowId)
        : undefined;
    return {
      messageId,
      ...(c.piecesJointes?.length ? { piecesJointes } : {}),
      ...(repli ? { repli } : {}),
      ...(bailleur ? { organisation: bailleur.nom } : {}),
      ...pourLeJournal(doublure),
    } satisfies ResultatCourriel;
  }

  return {
    /**
     * Envoie un courriel en français (texte et HTML) à un partenaire, au personnel ou au ménage,
     * avec, s'il y en a, ses documents joints en PDF (renvoie leurs noms de fichier).
     */
    async envoyerCourriel(entree: Courriel): Promise<ResultatCourriel> {
      return envoyerUn(parserEntree(courrielSchema, entree, 'envoyerCourriel'));
    },

    /**
     * Les courriels d'une même étape du parcours, dans l'ordre : une activité au lieu d'une par
     * courriel. Chacun garde sa clé : une nouvelle tentative ne renvoie que ceux qui ne sont pas
     * partis (boîte d'envoi). Renvoie, dans le même ordre, ce qu'aurait renvoyé chaque envoi.
     */
    async envoyerCourriels(entree: { courriels: Courriel[] }): Promise<ResultatCourriel[]> {
      const { courriels } = parserEntree(courrielsSchema, entree, 'envoyerCourriels');
      const resultats: ResultatCourriel[] = [];
      for (const c of courriels) {
        resultats.push(await envoyerUn(c));
        heartbeatSiActivite();
      }
      return resultats;
    },

    /** Envoie à un partenaire un lien signé, lié au parcours, à la demande et au rôle, qui expire. */
    async envoyerLienSigne(entree: DemandeValidationCourriel): Promise<{ messageId: string; organisation?: string; repli?: string }> {
      const d = parserEntree(demandeValidationSchema, entree, 'envoyerLienSigne');
      // Le même lien à chaque tentative : son identifiant (jti) vient de la clé du courriel.
      const token = deps.signeur.signer(
        { workflowId: d.workflowId, demandeId: d.demandeId, role: d.role, action: d.action },
        new Date(d.expireLe),
        createHash('sha256').update(`lien:${d.cle}`).digest().subarray(0, 16).toString('base64url'),
      );
      const url = `${deps.baseUrl.replace(/\/$/, '')}/liens/${token}`;
      const heartbeat = Context.current();
      heartbeat.heartbeat();
      const { messageId, repli } = await envoyer({
        cle: d.cle,
        destinataire: d.destinataire,
        sujet: d.sujet,
        paragraphes: d.paragraphes,
        lien: { libelle: d.libelleLien, url },
        signature: d.signature,
      });
      // Le journal nomme le bailleur du ménage qui a reçu le lien, pas celui du programme.
      const bailleur =
        !repli && d.destinataire.type === 'partenaire' && d.destinataire.role === 'bailleur'
          ? await new LecturesAnnuaire(deps.base).bailleurDuParcours(d.workflowId)
          : undefined;
      // Redirigé (aucun contact, adresse refusée) : le journal du parcours le dit, avec la raison.
      return { messageId, ...(bailleur ? { organisation: bailleur.nom } : {}), ...(repli ? { repli } : {}) };
    },
  };
}
