/**
 * L'échec d'un envoi au serveur SMTP dit sans ce qui nomme les destinataires : l'erreur de
 * nodemailer cite les adresses refusées et la réponse du serveur (qui les répète). Restent le code
 * de l'erreur et celui de la réponse, que l'on peut journaliser. Partagé par les activités d'envoi et
 * par les courriels que l'API envoie elle-même (invitations, orientations).
 */
export function codesEchecSmtp(e: unknown): string {
  const x = (e ?? {}) as { code?: unknown; responseCode?: unknown };
  return [
    typeof x.code === 'string' && /^[A-Z]+$/.test(x.code) ? x.code : undefined,
    typeof x.responseCode === 'number' ? `réponse ${x.responseCode}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

/** Une erreur d'envoi qui ne porte que les codes (son message peut aller au journal). */
export class EnvoiCourrielImpossible extends Error {
  constructor(e: unknown) {
    const codes = codesEchecSmtp(e);
    super(`Le serveur de courriel n’a pas pris le message${codes ? ` (${codes})` : ''}.`);
    this.name = 'EnvoiCourrielImpossible';
  }
}
