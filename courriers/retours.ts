/**
 * L'alerte à la coordination quand un courriel n'a pas été remis (un avis de non-remise est revenu
 * après l'envoi : retours/). Sans adresse ni nom : la référence du dossier, à qui il allait (le
 * ménage, un partenaire par son rôle, le personnel), quand, et ce que dit l'avis.
 */
import { LIBELLES_ROLES, ROLES_DANS_UNE_PHRASE, type RolePartenaire } from '../domain/vocabulaire';
import { dateEnFrancais } from '../domain/durees';
import type { Courriel, Jour } from './commun';

/** À qui allait le courriel (colonne `destinataire` de la boîte d'envoi), dans une phrase : « au ménage », « au bailleur »… */
export function aQuiAllait(sorte: string | null | undefined): string {
  if (sorte === 'menage') return 'au ménage';
  if (sorte === 'personnel') return 'à un membre du personnel';
  if (sorte === 'organisation') return 'à une organisation de l’annuaire (lien d’orientation)';
  if (sorte === 'orienteur') return 'à la personne qui a orienté un ménage';
  if (sorte === 'coordination') return 'à la coordination';
  const role = sorte?.startsWith('partenaire:') ? (sorte.slice('partenaire:'.length) as RolePartenaire) : undefined;
  const phrase = role ? ROLES_DANS_UNE_PHRASE[role] : undefined;
  if (!phrase) return 'à son destinataire';
  return phrase
    .replace(/^le /, 'au ')
    .replace(/^les /, 'aux ')
    .replace(/^(la |l’)/, 'à $1');
}

/** Ce qu'il faut vérifier, selon à qui il allait. */
function quoiVerifier(sorte: string | null | undefined): string {
  if (sorte === 'menage')
    return 'Vérifiez son adresse électronique avec le ménage et corrigez-la sur le dossier (« Joindre le ménage ») : les courriels suivants y partiront. En attendant, l’information peut lui parvenir par téléphone ou par courrier.';
  if (sorte === 'personnel')
    return 'C’est l’adresse de son compte : vérifiez-la dans la page du personnel, et demandez à l’administration de la plateforme de la corriger (elle seule modifie les comptes).';
  if (sorte === 'organisation')
    return 'Vérifiez les contacts de l’organisation dans l’annuaire des partenaires, puis envoyez-lui de nouveau le lien d’orientation.';
  if (sorte === 'orienteur')
    return 'La réponse à son orientation ne lui est pas parvenue : prévenez-la par un autre moyen, et vérifiez les contacts de son organisation dans l’annuaire.';
  const role = sorte?.startsWith('partenaire:') ? (sorte.slice('partenaire:'.length) as RolePartenaire) : undefined;
  if (role && LIBELLES_ROLES[role])
    return `Vérifiez les contacts « ${LIBELLES_ROLES[role]} » dans l’annuaire des partenaires du programme : les rappels et les courriels suivants partent aux contacts qu’il contient au moment de l’envoi. Si une réponse est attendue, prévenez le partenaire par un autre moyen.`;
  return 'Vérifiez l’adresse de son destinataire.';
}

export interface CourrielNonRemis {
  /** La référence du dossier, si le courriel venait d'un parcours. */
  reference?: string;
  destinataire: string | null | undefined;
  envoyeLe: Jour;
  raison: string;
}

export const courrielNonRemis = (c: CourrielNonRemis): Courriel => ({
  sujet: `Courriel non remis ${aQuiAllait(c.destinataire)}${c.reference ? ` (dossier ${c.reference})` : ''}`,
  paragraphes: [
    `Un courriel envoyé ${aQuiAllait(c.destinataire)} le ${dateEnFrancais(c.envoyeLe)}${c.reference ? ` pour le dossier ${c.reference}` : ''} n’a pas été remis : le serveur de courriel de son destinataire l’a renvoyé (${c.raison}).`,
    quoiVerifier(c.destinataire),
  ],
});
