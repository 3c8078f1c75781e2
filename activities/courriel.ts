/**
 * Activités de courriel : notifications aux partenaires et au personnel, demandes de validation
 * avec lien signé. Elles reçoivent leurs dépendances (transport SMTP, annuaire, signeur de liens)
 * et valident leurs entrées avec zod. Une nouvelle tentative n'envoie jamais deux fois : le
 * Message-ID est dérivé de la clé d'idempotence et les clés déjà envoyées sont retenues.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { ROLES_PARTENAIRES } from '../domain/vocabulaire';
import type { Annuaire } from '../personnel/annuaire';
import { rendreCourriel } from './mise-en-page';

export const destinataireSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('adresse'), nom: z.string().min(1), courriel: z.email() }),
  z.object({ type: z.literal('personnel'), id: z.string().min(1) }),
  z.object({ type: z.literal('coordination'), programmeId: z.string().min(1) }),
]);
export type Destinataire = z.infer<typeof destinataireSchema>;

export const courrielSchema = z.object({
  /** Clé d'idempotence : identique d'une tentative à l'autre, unique par envoi. */
  cle: z.string().min(8),
  destinataire: destinataireSchema,
  sujet: z.string().min(1).max(200),
  paragraphes: z.array(z.string()).min(1),
  lien: z.object({ libelle: z.string().min(1), url: z.url() }).optional(),
  signature: z.string().min(1),
});
export type Courriel = z.infer<typeof courrielSchema>;

export const demandeValidationSchema = z.object({
  cle: z.string().min(8),
  workflowId: z.string().min(1),
  demandeId: z.string().min(1),
  role: z.enum(ROLES_PARTENAIRES),
  action: z.enum(['validation', 'paiement', 'rechute']).default('validation'),
  destinataire: destinataireSchema,
  sujet: z.string().min(1).max(200),
  paragraphes: z.array(z.string()).min(1),
  libelleLien: z.string().min(1),
  expireLe: z.iso.datetime(),
  signature: z.string().min(1),
});
export type DemandeValidationCourriel = z.input<typeof demandeValidationSchema>;

export interface SigneurLiens {
  signer(
    claims: { workflowId: string; demandeId: string; role: string; action: string },
    expiresAt: Date,
  ): string;
}

export interface DependancesCourriel {
  transport: Transporter;
  expediteur: string;
  annuaire: Annuaire;
  signeur: SigneurLiens;
  baseUrl: string;
  /** Clés déjà envoyées par ce processus (une nouvelle tentative ne renvoie pas). */
  dejaEnvoyes?: Set<string>;
  /** Pour les tests : appelé après chaque envoi réussi (peut échouer pour simuler une panne). */
  apresEnvoi?: (cle: string) => void;
}

export function parserEntree<T>(schema: z.ZodType<T>, entree: unknown, activite: string): T {
  const r = schema.safeParse(entree);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw ApplicationFailure.nonRetryable(
      `${activite} : entrée invalide, champ ${i.path.join('.') || '(racine)'} : ${i.message}`,
      'EntreeInvalide',
    );
  }
  return r.data;
}

export function createCourrielActivities(deps: DependancesCourriel) {
  const dejaEnvoyes = deps.dejaEnvoyes ?? new Set<string>();
  const domaine = deps.expediteur.replace(/^.*@/, '').replace(/>.*$/, '') || 'parcours.local';

  function adresses(d: Destinataire): Array<{ nom: string; courriel: string }> {
    if (d.type === 'adresse') return [{ nom: d.nom, courriel: d.courriel }];
    if (d.type === 'personnel') {
      const p = deps.annuaire.trouver(d.id);
      if (!p) throw ApplicationFailure.nonRetryable(`Compte inconnu : ${d.id}`, 'DestinataireInconnu');
      return [{ nom: p.nom, courriel: p.courriel }];
    }
    const c = deps.annuaire.coordinateurs(d.programmeId);
    if (c.length === 0) throw ApplicationFailure.nonRetryable(`Aucun coordinateur pour le programme ${d.programmeId}`, 'DestinataireInconnu');
    return c.map((p) => ({ nom: p.nom, courriel: p.courriel }));
  }

  async function envoyer(c: Courriel): Promise<{ messageId: string; envoye: boolean }> {
    const messageId = `<${createHash('sha256').update(c.cle).digest('hex').slice(0, 40)}@${domaine}>`;
    if (dejaEnvoyes.has(c.cle)) return { messageId, envoye: false };
    const a = adresses(c.destinataire);
    const { texte, html } = rendreCourriel(c);
    await deps.transport.sendMail({
      from: deps.expediteur,
      to: a.map((x) => ({ name: x.nom, address: x.courriel })),
      subject: c.sujet,
      text: texte,
      html,
      messageId,
      headers: { 'X-Idempotency-Key': c.cle },
    });
    dejaEnvoyes.add(c.cle);
    deps.apresEnvoi?.(c.cle);
    return { messageId, envoye: true };
  }

  return {
    /** Envoie un courriel en français (texte et HTML) à un partenaire, au personnel ou au ménage. */
    async envoyerCourriel(entree: Courriel): Promise<{ messageId: string }> {
      const c = parserEntree(courrielSchema, entree, 'envoyerCourriel');
      const { messageId } = await envoyer(c);
      return { messageId };
    },

    /** Envoie à un partenaire un lien signé, lié au parcours, à la demande et au rôle, qui expire. */
    async envoyerLienSigne(entree: DemandeValidationCourriel): Promise<{ messageId: string }> {
      const d = parserEntree(demandeValidationSchema, entree, 'envoyerLienSigne');
      const token = deps.signeur.signer(
        { workflowId: d.workflowId, demandeId: d.demandeId, role: d.role, action: d.action },
        new Date(d.expireLe),
      );
      const url = `${deps.baseUrl.replace(/\/$/, '')}/liens/${token}`;
      const heartbeat = Context.current();
      heartbeat.heartbeat();
      const { messageId } = await envoyer({
        cle: d.cle,
        destinataire: d.destinataire,
        sujet: d.sujet,
        paragraphes: d.paragraphes,
        lien: { libelle: d.libelleLien, url },
        signature: d.signature,
      });
      return { messageId };
    },
  };
}
