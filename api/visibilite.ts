/**
 * Ce que chaque lecteur voit d'un parcours (fonctions pures, sans effet de bord).
 *
 * - le personnel (admin, coordination, travailleur social affecté) voit tout ;
 * - un partenaire (vue à venir, et les pages de liens signés) ne voit jamais ce que le ménage a
 *   confié (`detailsConfidentiels`), ni les événements du journal réservés à l'équipe.
 * - une page de lien signé ne montre que la demande visée : objet, aperçu, échéance.
 */
import type { DemandeValidation, EtatParcours, RolePartenaire, RolePersonnel } from '../domain/vocabulaire';

export type Lecteur =
  | { type: 'personnel'; role: RolePersonnel; id: string }
  | { type: 'partenaire'; role: RolePartenaire };

/** Une demande telle que la requête `etat` la renvoie (le bloc validation y ajoute `apercu`). */
export type DemandeAvecApercu = DemandeValidation & { apercu?: string[] };

const copie = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** L'état filtré pour un lecteur. Ne modifie jamais l'état reçu. */
export function filtrerEtat(etat: EtatParcours, lecteur: Lecteur): EtatParcours {
  if (lecteur.type === 'personnel') return copie(etat);
  const demandes = (etat.demandes as DemandeAvecApercu[]).filter((d) => d.role === lecteur.role);
  return {
    ...copie(etat),
    journal: etat.journal.filter((e) => e.visibilite === 'partenaires').map((e) => copie(e)),
    demandes: copie(demandes),
    detailsConfidentiels: {},
  };
}

export interface ApercuDemande {
  id: string;
  role: RolePartenaire;
  objet: string;
  apercu: string[];
  echeance: string;
  statut: DemandeValidation['statut'];
  /** Date de la réponse, si elle a été donnée (pas l'auteur ni le commentaire). */
  reponduLe?: string;
  /** Date de la clôture du parcours qui a fermé la demande. */
  closeParClotureLe?: string;
}

/** Ce qu'une page de lien signé peut montrer d'une demande, et rien d'autre. */
export function apercuDemande(etat: EtatParcours, demandeId: string): ApercuDemande | undefined {
  const d = (etat.demandes as DemandeAvecApercu[]).find((x) => x.id === demandeId);
  if (!d) return undefined;
  return {
    id: d.id,
    role: d.role,
    objet: d.objet,
    apercu: Array.isArray(d.apercu) ? d.apercu.filter((l): l is string => typeof l === 'string') : [],
    echeance: d.echeance,
    statut: d.statut,
    ...(d.decision?.le ? { reponduLe: d.decision.le } : {}),
    ...(d.closeParClotureLe ? { closeParClotureLe: d.closeParClotureLe } : {}),
  };
}
