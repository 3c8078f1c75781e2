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

/**
 * Le serveur de courriel refuse l'adresse elle-même, pour de bon : réponse 5xx avec un code étendu
 * d'adressage 5.1.x (RFC 3463 : boîte inconnue 5.1.1, domaine introuvable 5.1.2, adresse mal formée
 * 5.1.3…). Renvoyer n'y changerait rien ; un refus pour une autre raison (relais refusé 5.7.x,
 * serveur indisponible 4xx) peut venir de la configuration ou passer : il est repris.
 */
export function adresseRefusee(e: unknown): boolean {
  const x = (e ?? {}) as { responseCode?: unknown; response?: unknown; message?: unknown };
  if (typeof x.responseCode !== 'number' || x.responseCode < 500 || x.responseCode > 599) return false;
  const reponse = typeof x.response === 'string' ? x.response : typeof x.message === 'string' ? x.message : '';
  return /(^|\D)5\.1\.\d{1,3}(\D|$)/.test(reponse);
}
