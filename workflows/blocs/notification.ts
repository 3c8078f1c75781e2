/**
 * Notification : un courriel en français à un partenaire du programme (par son rôle), au
 * personnel (travailleur social, coordination) ou au ménage s'il l'a accepté. L'envoi est noté au
 * journal ; sa clé d'idempotence (déterministe) garantit qu'une reprise n'envoie pas deux fois.
 */
import { uuid4, workflowInfo } from '@temporalio/workflow';
import type { RolePartenaire, Visibilite } from '../../domain/vocabulaire';
import { LIBELLES_ROLES } from '../../domain/vocabulaire';
import type { Destinataire } from '../../activities/courriel';
import { activites } from './activites';
import type { Parcours } from './parcours';

export type A =
  | { role: RolePartenaire }
  | { personnel: string }
  | { coordination: true }
  | { adresse: { nom: string; courriel: string }; libelle?: string };

export interface Notification {
  a: A;
  sujet: string;
  paragraphes: string[];
  /** Type d'événement au journal (par défaut « courriel »). */
  type?: string;
  /** Visibilité de l'entrée du journal (le sujet y figure). */
  visibilite?: Visibilite;
}

export function destinataire(parcours: Parcours, a: A): { d: Destinataire; libelle: string } | undefined {
  if ('role' in a) {
    const p = parcours.programme.partenaires[a.role];
    if (!p) return undefined;
    return { d: { type: 'adresse', nom: p.nom, courriel: p.courriel }, libelle: `${LIBELLES_ROLES[a.role]} (${p.nom})` };
  }
  if ('personnel' in a) return { d: { type: 'personnel', id: a.personnel }, libelle: a.personnel };
  if ('coordination' in a) return { d: { type: 'coordination', programmeId: parcours.programme.id }, libelle: 'coordination' };
  return { d: { type: 'adresse', ...a.adresse }, libelle: a.libelle ?? 'le ménage' };
}

export function cleIdempotence(): string {
  return `${workflowInfo().workflowId}/${uuid4()}`;
}

export async function notifier(parcours: Parcours, n: Notification): Promise<void> {
  const dest = destinataire(parcours, n.a);
  if (!dest) {
    parcours.journal.noter('courriel_impossible', `Courriel non envoyé (« ${n.sujet} ») : aucun destinataire configuré pour ce rôle dans le programme`, { visibilite: 'equipe' });
    return;
  }
  await activites.envoyerCourriel({
    cle: cleIdempotence(),
    destinataire: dest.d,
    sujet: n.sujet,
    paragraphes: n.paragraphes,
    signature: parcours.programme.operateur.nom,
  });
  parcours.journal.noter(n.type ?? 'courriel', `Courriel à ${dest.libelle} : « ${n.sujet} »`, { visibilite: n.visibilite ?? 'equipe' });
}
