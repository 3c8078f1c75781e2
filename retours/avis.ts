/**
 * Lire un avis de non-remise (RFC 3464 : un message `multipart/report; report-type=delivery-status`)
 * avec mailparser, qui garde la partie `message/delivery-status` à part (`keepDeliveryStatus`). Seuls
 * comptent les destinataires que l'avis dit en échec (« Action: failed ») : un avis de retard
 * (« delayed ») n'annonce rien de définitif, une réponse automatique (absence, accusé de lecture) n'est
 * pas un avis. Rien d'autre n'est retenu du message : ni adresse, ni texte, ni le courriel renvoyé.
 */
import { simpleParser } from 'mailparser';

export interface AvisDeNonRemise {
  /** Les codes d'état (RFC 3463) des destinataires en échec, dans l'ordre de l'avis (« 5.1.1 »…). */
  statuts: string[];
}

/** Les groupes de champs d'une partie `message/delivery-status` (lignes repliées dépliées, noms en minuscules). */
function groupesDeChamps(texte: string): Array<Map<string, string>> {
  return texte
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((bloc) => {
      const champs = new Map<string, string>();
      for (const ligne of bloc.replace(/\n[ \t]+/g, ' ').split('\n')) {
        const deuxPoints = ligne.indexOf(':');
        if (deuxPoints > 0) champs.set(ligne.slice(0, deuxPoints).trim().toLowerCase(), ligne.slice(deuxPoints + 1).trim());
      }
      return champs;
    })
    .filter((g) => g.size > 0);
}

/** L'avis, s'il en est un et qu'il dit au moins un destinataire en échec ; sinon rien. */
export async function lireAvisDeNonRemise(brut: Buffer): Promise<AvisDeNonRemise | undefined> {
  const message = await simpleParser(brut, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  const rapport = message.attachments.find((a) => a.contentType === 'message/delivery-status');
  if (!rapport) return undefined;
  const statuts: string[] = [];
  // Le premier groupe décrit le message (serveur qui rapporte) ; les suivants, un destinataire chacun.
  for (const champs of groupesDeChamps(rapport.content.toString('utf8')).slice(1)) {
    if (champs.get('action')?.toLowerCase() !== 'failed') continue;
    const statut = /^([245])\.(\d{1,3})\.(\d{1,3})/.exec(champs.get('status') ?? '');
    statuts.push(statut ? `${statut[1]}.${statut[2]}.${statut[3]}` : '5.0.0');
  }
  return statuts.length ? { statuts } : undefined;
}

/** Ce que dit un code d'état, en mots de tous les jours (RFC 3463, les cas courants). */
export function raisonNonRemise(statut: string | null | undefined): string {
  const s = statut ?? '';
  if (s === '5.1.1' || s === '5.1.6' || s === '5.1.10') return 'adresse inconnue chez son destinataire';
  if (s === '5.1.2') return 'domaine de l’adresse introuvable';
  if (s === '5.1.3') return 'adresse mal formée';
  if (s.startsWith('5.1.')) return 'adresse refusée';
  if (s === '5.2.2' || s === '4.2.2') return 'boîte du destinataire pleine';
  if (s === '5.2.1') return 'boîte du destinataire fermée ou désactivée';
  if (s === '5.3.4' || s === '5.2.3') return 'message trop volumineux pour le destinataire';
  if (s.startsWith('5.7.')) return 'refusé par le serveur du destinataire (filtrage ou politique de sécurité)';
  if (s.startsWith('4.')) return 'serveur du destinataire injoignable pendant plusieurs jours';
  return 'refusé par le serveur du destinataire';
}
