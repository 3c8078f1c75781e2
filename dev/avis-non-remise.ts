/**
 * Le mail catcher joue aussi un relais qui accepte un courriel puis ne peut pas le remettre : pour un
 * destinataire d'un domaine en `.rebond.test` (réservé, RFC 2606), il renvoie un avis de non-remise
 * (RFC 3464, « 5.1.1 : adresse inconnue ») à l'expéditeur de l'enveloppe, par SMTP, au récepteur des
 * avis du produit (retours/recepteur.ts). De quoi essayer, en développement et dans les essais, une
 * adresse qui passe le premier serveur et échoue plus loin (la plupart des relais réels).
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';

/** Les destinataires dont le courriel « reviendra ». */
export const estAdresseQuiRevient = (adresse: string): boolean => /\.rebond\.test$/i.test(adresse);

/** Le texte d'un avis de non-remise pour ces destinataires, avec les en-têtes du courriel renvoyé. */
export function avisDeNonRemise(o: { a: string; destinataires: string[]; entetes: string; statut?: string }): string {
  const frontiere = `avis-${randomUUID()}`;
  const statut = o.statut ?? '5.1.1';
  const parDestinataire = o.destinataires
    .map((d) => [`Final-Recipient: rfc822; ${d}`, 'Action: failed', `Status: ${statut}`, `Diagnostic-Code: smtp; 550 ${statut} Adresse inconnue`].join('\r\n'))
    .join('\r\n\r\n');
  return [
    'From: Relais de developpement <mailer-daemon@relais.rebond.test>',
    `To: <${o.a}>`,
    'Subject: Avis de non-remise',
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomUUID()}@relais.rebond.test>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${frontiere}"`,
    '',
    `--${frontiere}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Le message n’a pas pu être remis à ses destinataires.',
    '',
    `--${frontiere}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; relais.rebond.test',
    '',
    parDestinataire,
    '',
    `--${frontiere}`,
    'Content-Type: text/rfc822-headers',
    '',
    o.entetes.trim(),
    '',
    `--${frontiere}--`,
    '',
  ].join('\r\n');
}

/** Envoie l'avis à l'expéditeur de l'enveloppe (expéditeur vide, comme tout avis : il n'en appelle pas d'autre). */
export async function renvoyerAvis(relais: { hote: string; port: number }, a: string, texte: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: relais.hote, port: relais.port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope: { from: '', to: [a] }, raw: texte });
  } finally {
    transport.close();
  }
}
