/**
 * L'adresse de retour d'un courriel (l'expéditeur de l'enveloppe, à qui les serveurs renvoient les
 * avis de non-remise) : `retours+<jeton>@domaine`, d'après l'adresse des retours configurée
 * (RETOURS_COURRIEL) et le jeton de la ligne de la boîte d'envoi. Le jeton, tiré au hasard, désigne le
 * courriel sans rien dire de lui ni de son destinataire ; un avis qui n'en porte pas un connu est refusé.
 * L'adresse des retours elle-même est lue avec la configuration (config/env.ts, RETOURS_COURRIEL).
 */

/** Le jeton d'une ligne de la boîte d'envoi : 32 chiffres hexadécimaux (un UUID sans tirets). */
const JETON = /^[0-9a-f]{32}$/;

function decouper(adresse: string): { local: string; domaine: string } {
  const at = adresse.lastIndexOf('@');
  return { local: adresse.slice(0, at), domaine: adresse.slice(at + 1) };
}

/** L'adresse de retour d'un courriel. */
export function adresseDeRetour(retours: string, jeton: string): string {
  const { local, domaine } = decouper(retours);
  return `${local}+${jeton}@${domaine}`;
}

/** Le jeton d'une adresse de retour, si elle en est une (même boîte, même domaine, à la casse près du domaine). */
export function jetonDeRetour(retours: string, adresse: string): string | undefined {
  const attendu = decouper(retours);
  const { local, domaine } = decouper(adresse);
  if (domaine.toLowerCase() !== attendu.domaine.toLowerCase()) return undefined;
  const plus = local.indexOf('+');
  if (plus < 0 || local.slice(0, plus).toLowerCase() !== attendu.local.toLowerCase()) return undefined;
  const jeton = local.slice(plus + 1).toLowerCase();
  return JETON.test(jeton) ? jeton : undefined;
}
