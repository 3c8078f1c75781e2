/**
 * SMS aux ménages qui l'ont accepté. Un fournisseur derrière une interface (`FournisseurSms`) :
 * un fournisseur HTTP générique configuré par l'environnement (SMS_URL, SMS_JETON, SMS_EXPEDITEUR)
 * — en local, le récepteur de SMS de dev/sms-catcher.ts parle le même format.
 *
 * Format du fournisseur HTTP (celui de la plupart des API SMS françaises, à adapter au besoin par un
 * relais) : POST `SMS_URL`, en-tête `Authorization: Bearer <SMS_JETON>`, corps JSON
 * `{ "expediteur": "...", "destinataire": "+33…", "texte": "...", "reference": "<clé>" }` ;
 * toute réponse 2xx vaut acceptation. La référence est la clé d'idempotence : un fournisseur qui la
 * retient n'envoie pas deux fois le même SMS.
 *
 * L'envoi passe par la boîte d'envoi `sms` (PostgreSQL) : une ligne par clé, un SMS déjà envoyé ne
 * part pas une seconde fois. Le numéro n'est lu qu'au moment d'envoyer (chiffré dans
 * `consentements_menage`) : il ne passe jamais par les historiques Temporal.
 */
import { z } from 'zod';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import { depuisHeureDeParis, heureDeParis, joursFeries, jourDeParis, lendemain, type Calendrier } from '../domain/durees';

export interface MessageSms {
  /** Numéro au format international (+33…). */
  destinataire: string;
  texte: string;
  /** Clé d'idempotence : identique d'une tentative à l'autre. */
  cle: string;
}

export interface FournisseurSms {
  /** Rejette `SmsRefuse` si le fournisseur refuse ce SMS pour de bon ; toute autre erreur est passagère. */
  envoyer(message: MessageSms): Promise<void>;
}

/**
 * Le fournisseur refuse ce SMS pour de bon (numéro rejeté, requête refusée : réponse 4xx autre que
 * 408 et 429) : le renvoyer n'y changerait rien. Un fournisseur injoignable ou en panne (5xx, délai
 * dépassé, 429) est une erreur passagère : le SMS est renvoyé.
 */
export class SmsRefuse extends Error {
  override name = 'SmsRefuse';
}

export const CANAUX = ['courriel', 'sms', 'courrier'] as const;
export type Canal = (typeof CANAUX)[number];

/** Un portable français ou international, normalisé en +33… */
export const telephoneSchema = z
  .string({ error: 'Numéro de téléphone attendu' })
  .trim()
  .transform((t) => t.replace(/[\s.-]/g, ''))
  .transform((t) => (/^0[67]\d{8}$/.test(t) ? `+33${t.slice(1)}` : t))
  .pipe(z.string().regex(/^\+\d{8,15}$/, { error: 'Numéro de portable invalide (ex. 06 12 34 56 78)' }));

export const consentementSchema = z.object({
  canal: z.enum(CANAUX, { error: 'Canal inconnu : courriel, sms ou courrier' }),
  accorde: z.boolean({ error: 'Accord attendu (oui ou non)' }),
  telephone: telephoneSchema.optional(),
  courriel: z.email({ error: 'Adresse de courriel invalide' }).optional(),
});
export type Consentement = z.input<typeof consentementSchema>;

export const configurationSmsSchema = z.object({
  url: z.url({ error: 'SMS_URL : URL attendue' }),
  jeton: z.string().default(''),
  expediteur: z.string().min(1).max(11, { error: 'SMS_EXPEDITEUR : 11 caractères au plus' }).default('Parcours'),
});

/** Le fournisseur HTTP générique (voir l'en-tête du fichier). */
export function fournisseurHttp(config: z.input<typeof configurationSmsSchema>, options: { delaiMs?: number } = {}): FournisseurSms {
  const c = configurationSmsSchema.parse(config);
  return {
    async envoyer(m) {
      const r = await fetch(c.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(c.jeton ? { authorization: `Bearer ${c.jeton}` } : {}) },
        body: JSON.stringify({ expediteur: c.expediteur, destinataire: m.destinataire, texte: m.texte, reference: m.cle }),
        signal: AbortSignal.timeout(options.delaiMs ?? 15_000),
      });
      if (r.ok) return;
      const definitif = r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429;
      throw new (definitif ? SmsRefuse : Error)(`Le fournisseur de SMS a refusé l’envoi (HTTP ${r.status})`);
    },
  };
}

/**
 * Les textes des SMS : courts, sans rien de confidentiel ni lien vers un document du dossier ;
 * le détail est dans le courriel ou le courrier. `{contact}` : « Pour toute question : <téléphone
 * de l'opérateur>. », ou rien sans téléphone.
 * - `courriel` double un courriel parti au ménage ;
 * - au ménage qui n'accepte que les SMS, à la place du courriel : `information` quand le courriel
 *   portait la lettre que l'opérateur imprime et poste, `nouvelles` sinon.
 */
export const MODELES_SMS = {
  courriel: 'Bonjour, un courriel concernant votre accompagnement vous a été envoyé. {signature}',
  information: 'Bonjour, un courrier concernant votre accompagnement vous est adressé.{contact} {signature}',
  nouvelles: 'Bonjour, il y a du nouveau dans votre accompagnement : votre travailleur social vous en parlera.{contact} {signature}',
} as const;
export type ModeleSms = keyof typeof MODELES_SMS;

/**
 * La signature d'un SMS (60 caractères au plus) : coupée entre deux mots, jamais au milieu d'un mot
 * (« AHU — Association pour l’accompagnement et l’hébergement », pas « … l’hébergement urb »).
 */
export function signatureSms(signature: string, max = 60): string {
  const s = signature.trim();
  if (s.length <= max) return s;
  const coupe = s.slice(0, max + 1);
  const espace = coupe.lastIndexOf(' ');
  return (espace > 0 ? coupe.slice(0, espace) : s.slice(0, max)).replace(/[\s—–,;:(-]+$/u, '');
}

export function texteSms(modele: ModeleSms, valeurs: { signature: string; telephone?: string }): string {
  const contact = valeurs.telephone ? ` Pour toute question : ${valeurs.telephone}.` : '';
  return versGsm7(MODELES_SMS[modele].replace('{contact}', contact).replace('{signature}', valeurs.signature)).slice(0, 320);
}

/**
 * L'alphabet des SMS (GSM 03.38) : un seul caractère hors de lui (« ’ », « — », « ê ») fait partir
 * tout le SMS en UCS-2, 70 caractères par segment au lieu de 160, et le fait payer deux ou trois fois.
 * Les signes typographiques y sont remplacés par leur forme simple, les lettres accentuées qu'il n'a
 * pas par leur lettre (é, è, à, ù y sont).
 */
const HORS_GSM7: Record<string, string> = {
  '’': "'",
  '‘': "'",
  ʼ: "'",
  '“': '"',
  '”': '"',
  '«': '"',
  '»': '"',
  '—': '-',
  '–': '-',
  '‑': '-',
  '…': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  œ: 'oe',
  Œ: 'OE',
  â: 'a',
  ê: 'e',
  ë: 'e',
  î: 'i',
  ï: 'i',
  ô: 'o',
  û: 'u',
  ç: 'c',
  À: 'A',
  Â: 'A',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  Î: 'I',
  Ï: 'I',
  Ô: 'O',
  Ù: 'U',
  Û: 'U',
};
const HORS_GSM7_RE = new RegExp(`[${Object.keys(HORS_GSM7).join('')}]`, 'gu');

export function versGsm7(texte: string): string {
  // « mot » : "mot", sans les espaces qu'ajoutent les guillemets français.
  const guillemets = texte.replace(/«[\s\u00a0\u202f]*/gu, '"').replace(/[\s\u00a0\u202f]*»/gu, '"');
  return guillemets.replace(HORS_GSM7_RE, (c) => HORS_GSM7[c] ?? c);
}

/** Les heures où un SMS part au ménage, à Paris : de 8 h à 20 h. */
export const HEURES_DES_SMS = { debut: 8, fin: 20 } as const;

/** Un jour (AAAA-MM-JJ) où un SMS peut partir : ni un dimanche, ni un jour férié du calendrier du programme. */
function jourDeSms(jour: string, calendrier: Calendrier): boolean {
  return new Date(`${jour}T12:00:00.000Z`).getUTCDay() !== 0 && !joursFeries(Number(jour.slice(0, 4)), calendrier).includes(jour);
}

/**
 * Quand un SMS au ménage peut partir : `maintenant` s'il est entre 8 h et 20 h à Paris, du lundi au
 * samedi hors jours fériés (ceux de la métropole, ou d'Alsace-Moselle pour un programme de ces
 * départements) ; sinon 8 h le premier jour qui convient. Un ménage ne reçoit jamais un SMS la
 * nuit, le dimanche ou un jour férié, même quand un délai de son parcours finit à minuit.
 */
export function heureDuSms(maintenant: Date, calendrier: Calendrier = 'metropole'): Date {
  const local = heureDeParis(maintenant);
  const heure = local.getUTCHours();
  let jour = jourDeParis(maintenant);
  if (jourDeSms(jour, calendrier) && heure >= HEURES_DES_SMS.debut && heure < HEURES_DES_SMS.fin) return maintenant;
  // Avant 8 h, le jour même s'il convient ; sinon le lendemain, ou le premier jour qui convient.
  if (heure >= HEURES_DES_SMS.debut) jour = lendemain(jour);
  while (!jourDeSms(jour, calendrier)) jour = lendemain(jour);
  return new Date(depuisHeureDeParis(Date.parse(`${jour}T${String(HEURES_DES_SMS.debut).padStart(2, '0')}:00:00.000Z`)));
}

const contexteCoordonnee = (workflowId: string, canal: Canal) => `consentements_menage/${workflowId}/${canal}`;

/** Les consentements du ménage, dans le système d'enregistrement ; le dernier par canal fait foi. */
export class Consentements {
  constructor(
    private readonly db: BaseDeDonnees,
    private readonly coffre: Coffre,
  ) {}

  /** Note un consentement (ou son retrait) ; renvoie l'identifiant de la ligne. */
  async enregistrer(workflowId: string, entree: Consentement, par: string): Promise<string> {
    const c = consentementSchema.parse(entree);
    if (c.canal === 'sms' && c.accorde && !c.telephone) throw new Error('Un numéro de portable est nécessaire pour accepter les SMS');
    const coordonnee = c.canal === 'sms' ? c.telephone : c.canal === 'courriel' ? c.courriel?.toLowerCase() : undefined;
    const ligne = await this.db
      .insertInto('consentements_menage')
      .values({
        workflow_id: workflowId,
        canal: c.canal,
        accorde: c.accorde,
        coordonnee_chiffre: coordonnee ? this.coffre.chiffrer(coordonnee, contexteCoordonnee(workflowId, c.canal)) : null,
        par,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(ligne.id);
  }

  /** Retire des lignes notées pour un lancement qui n'a pas eu lieu (l'identifiant appartient à un autre parcours). */
  async oublier(ids: string[]): Promise<void> {
    if (ids.length) await this.db.deleteFrom('consentements_menage').where('id', 'in', ids).execute();
  }

  /** Toutes les adresses de courriel notées pour le ménage (à l'orientation, puis corrigées), en minuscules. */
  async adressesCourriel(workflowId: string): Promise<string[]> {
    const lignes = await this.db
      .selectFrom('consentements_menage')
      .select('coordonnee_chiffre')
      .where('workflow_id', '=', workflowId)
      .where('canal', '=', 'courriel')
      .where('coordonnee_chiffre', 'is not', null)
      .execute();
    return lignes.map((l) => this.coffre.dechiffrer<string>(l.coordonnee_chiffre!, contexteCoordonnee(workflowId, 'courriel')).toLowerCase());
  }

  /** Le dernier état de chaque canal (non enregistré : pas d'accord). */
  async lire(workflowId: string): Promise<Record<Canal, { accorde: boolean; par?: string; le?: Date }> & { telephone?: string; adresseCourriel?: string }> {
    const lignes = await this.db.selectFrom('consentements_menage').selectAll().where('workflow_id', '=', workflowId).orderBy('id', 'asc').execute();
    const r: Record<Canal, { accorde: boolean; par?: string; le?: Date }> & { telephone?: string; adresseCourriel?: string } = {
      courriel: { accorde: false },
      sms: { accorde: false },
      courrier: { accorde: false },
    };
    for (const l of lignes) {
      if (!(CANAUX as readonly string[]).includes(l.canal)) continue;
      r[l.canal as Canal] = { accorde: l.accorde, par: l.par, le: l.le };
      const coordonnee = l.coordonnee_chiffre
        ? this.coffre.dechiffrer<string>(l.coordonnee_chiffre, contexteCoordonnee(workflowId, l.canal as Canal))
        : undefined;
      if (l.canal === 'sms' && coordonnee) r.telephone = coordonnee;
      if (l.canal === 'courriel' && coordonnee) r.adresseCourriel = coordonnee;
    }
    return r;
  }
}

export const envoiSmsSchema = z.object({
  cle: z.string().min(8),
  workflowId: z.string().min(1),
  modele: z.enum(Object.keys(MODELES_SMS) as [ModeleSms, ...ModeleSms[]]),
  signature: z.string().min(1).max(60),
  /** Le téléphone de l'opérateur (« Pour toute question : … »), pour les modèles qui le citent. */
  telephone: z.string().min(1).max(30).optional(),
  /** Le SMS double un courriel : il ne part que si ce courriel va à l'adresse du ménage notée avec son consentement. */
  doubleCourrielA: z.email().optional(),
});

export interface DependancesSms {
  base: BaseDeDonnees;
  coffre: Coffre;
  fournisseur: FournisseurSms;
  /** L'heure qui décide si un SMS part maintenant (`heureDuSms`) ; les essais la fixent. */
  heure?: () => Date;
  /** Le calendrier des jours fériés du programme d'un parcours (la métropole par défaut). */
  calendrier?: (workflowId: string) => Calendrier;
}

/**
 * Ce qu'est devenu un SMS : parti, ou pourquoi pas (`fournisseur_en_echec` : à renvoyer ;
 * `differe` : la nuit, un dimanche ou un jour férié, il partira à l'heure dite, `le`).
 */
export type ResultatSms =
  | { envoye: true }
  | { envoye: false; raison: 'sans_consentement' | 'pas_au_menage' | 'deja_envoye' | 'abandonne' | 'refuse' | 'fournisseur_en_echec' }
  | { envoye: false; raison: 'differe'; le: string };

/**
 * Envoie un SMS au ménage s'il a accepté ce canal et qu'un numéro est connu ; sinon ne fait rien.
 * Idempotent : la boîte d'envoi `sms` retient les clés envoyées. Un échec du fournisseur ne lève
 * rien : il est noté dans la boîte d'envoi (`echoue_le` ; un refus définitif l'abandonne aussi,
 * `abandonne_le`) et rendu, à l'appelant de le renvoyer.
 */
export function createSmsActivities(deps: DependancesSms) {
  const consentements = new Consentements(deps.base, deps.coffre);
  return {
    async envoyerSmsMenage(entree: z.input<typeof envoiSmsSchema>): Promise<ResultatSms> {
      const e = envoiSmsSchema.parse(entree);
      const c = await consentements.lire(e.workflowId);
      const refus =
        !c.sms.accorde || !c.telephone
          ? ('sans_consentement' as const)
          : e.doubleCourrielA !== undefined && e.doubleCourrielA.toLowerCase() !== c.adresseCourriel
            ? ('pas_au_menage' as const)
            : undefined;
      if (refus) {
        // Un SMS qui attendait 8 h et ne partira plus (l'accord retiré, l'adresse changée entre-temps) : il n'attend plus.
        await deps.base
          .updateTable('sms')
          .set({ prevu_le: null })
          .where('cle', '=', e.cle)
          .where('envoye_le', 'is', null)
          .where('prevu_le', 'is not', null)
          .execute();
        return { envoye: false, raison: refus };
      }
      return deps.base.transaction().execute(async (tx): Promise<ResultatSms> => {
        await tx
          .insertInto('sms')
          .values({ cle: e.cle })
          .onConflict((oc) => oc.column('cle').doNothing())
          .execute();
        // Verrou de la ligne : deux tentatives simultanées ne partent pas deux fois.
        const ligne = await tx.selectFrom('sms').select(['envoye_le', 'abandonne_le']).where('cle', '=', e.cle).forUpdate().executeTakeFirstOrThrow();
        if (ligne.envoye_le) return { envoye: false, raison: 'deja_envoye' };
        if (ligne.abandonne_le) return { envoye: false, raison: 'abandonne' };
        // Pas la nuit, ni un dimanche ou un jour férié : il partira à l'heure dite.
        const maintenant = (deps.heure ?? (() => new Date()))();
        const le = heureDuSms(maintenant, deps.calendrier?.(e.workflowId));
        if (le.getTime() > maintenant.getTime()) {
          await tx.updateTable('sms').set({ prevu_le: le }).where('cle', '=', e.cle).execute();
          return { envoye: false, raison: 'differe', le: le.toISOString() };
        }
        await tx
          .updateTable('sms')
          .set((eb) => ({ tentatives: eb('tentatives', '+', 1) }))
          .where('cle', '=', e.cle)
          .execute();
        try {
          await deps.fournisseur.envoyer({
            destinataire: c.telephone!,
            texte: texteSms(e.modele, { signature: e.signature, ...(e.telephone ? { telephone: e.telephone } : {}) }),
            cle: e.cle,
          });
        } catch (erreur) {
          const definitif = erreur instanceof SmsRefuse;
          const maintenant = new Date();
          await tx
            .updateTable('sms')
            .set({ echoue_le: maintenant, ...(definitif ? { abandonne_le: maintenant } : {}) })
            .where('cle', '=', e.cle)
            .execute();
          return { envoye: false, raison: definitif ? 'refuse' : 'fournisseur_en_echec' };
        }
        await tx.updateTable('sms').set({ envoye_le: new Date() }).where('cle', '=', e.cle).execute();
        return { envoye: true };
      });
    },
  };
}

/**
 * Les consentements recueillis à l'orientation (formulaire de lancement) : les courriels à l'adresse
 * donnée, les SMS au portable donné. Une erreur en français si le ménage accepte les SMS sans numéro
 * de portable valable.
 */
export function consentementsDuMenage(m: { telephone?: string; courriel?: string; accepteCourriel?: boolean; accepteSms?: boolean }): Consentement[] | string {
  const l: Consentement[] = [];
  if (m.accepteCourriel && m.courriel) l.push({ canal: 'courriel', accorde: true, courriel: m.courriel });
  if (m.accepteSms) {
    const t = telephoneSchema.safeParse(m.telephone ?? '');
    if (!m.telephone || !t.success) return 'pour recevoir des SMS, le ménage doit donner un numéro de portable (par exemple 06 12 34 56 78)';
    l.push({ canal: 'sms', accorde: true, telephone: t.data });
  }
  return l;
}
