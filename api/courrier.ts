/**
 * Les courriels que l'API envoie elle-même (liens d'orientation, réponses aux partenaires, invitations) :
 * même mise en page que ceux des parcours, même boîte d'envoi (table `courriels`) — une clé ne part
 * qu'une fois, quel que soit le nombre de processus ou de nouvelles tentatives.
 */
import { createHash } from 'node:crypto';
import { rendreCourriel } from '../activities/mise-en-page';
import { EnvoiCourrielImpossible } from '../activities/echec-smtp';
import type { DependancesApi } from './dependances';
import { adresseDeRetour } from '../retours/adresse';

export interface CourrielApi {
  /** Clé d'idempotence : identique d'une tentative à l'autre. */
  cle: string;
  a: Array<{ nom: string; courriel: string }>;
  sujet: string;
  paragraphes: string[];
  lien?: { libelle: string; url: string };
  signature: string;
  /** À qui répondre : l'opérateur du programme (l'expéditeur technique ne lit pas ses courriels). */
  repondreA?: { nom: string; courriel: string };
  /** À qui il va, sans adresse (« organisation », « orienteur », « personnel ») et son programme : de quoi dire un avis de non-remise. */
  destinataire?: string;
  programmeId?: string;
}

/** Envoie (une seule fois par clé) ; renvoie false si le courriel était déjà parti ou n'a pas de destinataire. */
export async function envoyerDepuisApi(
  deps: Pick<DependancesApi, 'base' | 'transport' | 'expediteur' | 'options' | 'retours'>,
  c: CourrielApi,
): Promise<boolean> {
  if (!c.a.length) return false;
  const expediteur = deps.expediteur ?? 'Prévention des expulsions <ne-pas-repondre@parcours.local>';
  const domaine = expediteur.replace(/^.*@/, '').replace(/>.*$/, '') || 'parcours.local';
  const messageId = `<${createHash('sha256').update(c.cle).digest('hex').slice(0, 40)}@${domaine}>`;
  return deps.base.transaction().execute(async (tx) => {
    await tx
      .insertInto('courriels')
      .values({ cle: c.cle, message_id: messageId, destinataire: c.destinataire ?? null, programme_id: c.programmeId ?? null })
      .onConflict((oc) => oc.column('cle').doNothing())
      .execute();
    const ligne = await tx.selectFrom('courriels').select(['envoye_le', 'jeton_retour']).where('cle', '=', c.cle).forUpdate().executeTakeFirstOrThrow();
    if (ligne.envoye_le) return false;
    const { texte, html } = rendreCourriel(c);
    // Un refus du serveur SMTP remonte sans les adresses qu'il cite (l'erreur peut être journalisée).
    await deps.transport
      .sendMail({
        from: expediteur,
        ...(c.repondreA ? { replyTo: { name: c.repondreA.nom, address: c.repondreA.courriel } } : {}),
        to: c.a.map((x) => ({ name: x.nom, address: x.courriel })),
        subject: c.sujet,
        text: texte,
        html,
        messageId,
        headers: { 'X-Idempotency-Key': c.cle },
        // Les avis de non-remise reviennent à l'adresse de retour propre à ce courriel (retours/).
        ...(deps.retours && ligne.jeton_retour
          ? { envelope: { from: adresseDeRetour(deps.retours, ligne.jeton_retour), to: c.a.map((x) => x.courriel) } }
          : {}),
      })
      .catch((e: unknown) => {
        throw new EnvoiCourrielImpossible(e);
      });
    await tx.updateTable('courriels').set({ envoye_le: new Date(), tentatives: 1 }).where('cle', '=', c.cle).execute();
    return true;
  });
}
