/**
 * Le partage du diagnostic avec des partenaires : un réglage du programme, jamais une règle pour
 * tous. Déclic (seeds/001) : « ces diagnostics sont partagés entre les conseillers sociaux de chaque
 * structure et le pôle recouvrement » — la conseillère sociale du bailleur et son pôle recouvrement
 * le reçoivent, une fois le consentement du ménage recueilli. Les autres programmes (Loiret…) : à
 * personne.
 *
 * Fonctions pures : la décision dépend du programme (version du parcours) et du consentement en
 * vigueur (dossiers/consentements.ts), rien d'autre.
 */

import { defineUpdate } from '@temporalio/workflow';

/** Les destinataires possibles du diagnostic, chez le bailleur du ménage. */
export const DESTINATAIRES_DIAGNOSTIC = ['conseillere_sociale_bailleur', 'recouvrement_bailleur'] as const;
export type DestinataireDiagnostic = (typeof DESTINATAIRES_DIAGNOSTIC)[number];

export const LIBELLES_DESTINATAIRES_DIAGNOSTIC: Record<DestinataireDiagnostic, string> = {
  conseillere_sociale_bailleur: 'Conseillère sociale du bailleur',
  recouvrement_bailleur: 'Pôle recouvrement du bailleur',
};

/** Le réglage du programme : qui peut recevoir le diagnostic, et s'il faut l'accord du ménage. */
export interface PartageDiagnostic {
  destinataires: DestinataireDiagnostic[];
  consentementRequis: boolean;
}

/** Le consentement du ménage en vigueur (le dernier recueilli, s'il n'a pas été retiré). */
export interface ConsentementPartage {
  portee: DestinataireDiagnostic[];
  recueilliPar: string;
  recueilliLe: string;
  retireLe?: string;
  retirePar?: string;
}

/** Le diagnostic peut-il aller à ce destinataire ? Réglage du programme ET consentement en vigueur. */
export function diagnosticPartageAvec(
  programme: { partageDiagnostic?: PartageDiagnostic } | undefined,
  consentement: ConsentementPartage | undefined,
  destinataire: DestinataireDiagnostic | undefined,
): boolean {
  const reglage = programme?.partageDiagnostic;
  if (!destinataire || !reglage || !reglage.destinataires.includes(destinataire)) return false;
  if (!reglage.consentementRequis) return true;
  return !!consentement && !consentement.retireLe && consentement.portee.includes(destinataire);
}

/**
 * Au parcours : l'accord du ménage (ou son retrait, `pour` vide) vient d'être noté dans le dossier.
 * Le parcours envoie alors le diagnostic au bailleur, s'il est terminé (sinon dès qu'il le sera) ;
 * l'activité d'envoi relit l'accord dans le dossier avant de joindre quoi que ce soit.
 */
export interface AccordPartageDiagnostic {
  requestId: string;
  par: string;
  pour: DestinataireDiagnostic[];
}
export const accordPartageDiagnosticUpdate = defineUpdate<{ etape: string }, [AccordPartageDiagnostic]>('accordPartageDiagnostic');
