/**
 * Ce que chaque lecteur voit d'un parcours (fonctions pures, sans effet de bord).
 *
 * - le personnel (admin, coordination, travailleur social affecté) voit tout ;
 * - un partenaire (vue à venir, et les pages de liens signés) ne voit pas ce que le ménage a confié
 *   (`detailsConfidentiels`), ni les événements du journal réservés à l'équipe ; seule exception, un
 *   réglage du programme (domain/partage.ts) : le diagnostic et le carnet de route vont aux
 *   destinataires qu'il nomme chez le bailleur (Déclic : conseillère sociale, pôle recouvrement),
 *   avec l'accord du ménage s'il l'exige. Jamais le nom, l'adresse ni les notes du ménage.
 * - une page de lien signé ne montre que la demande visée : objet, aperçu, échéance.
 */
import { diagnosticPartageAvec, type ConsentementPartage, type DestinataireDiagnostic, type PartageDiagnostic } from '../domain/partage';
import type { DemandeValidation, EtatParcours, RolePartenaire, RolePersonnel } from '../domain/vocabulaire';

export type Lecteur =
  { type: 'personnel'; role: RolePersonnel; id: string } | { type: 'partenaire'; role: RolePartenaire; destinataire?: DestinataireDiagnostic };

/** Ce qui décide du partage du diagnostic : le programme du parcours et l'accord du ménage en vigueur. */
export interface ContextePartage {
  programme?: { partageDiagnostic?: PartageDiagnostic };
  consentement?: ConsentementPartage;
}

/** Ce que le ménage a confié qu'un destinataire autorisé reçoit : le diagnostic et le carnet de route. */
const CLES_PARTAGEABLES = ['diagnostic', 'carnetDeRoute'] as const;

/** Les entretiens de diagnostic sans les notes libres du travailleur social (elles restent à l'équipe). */
const sansNotes = (d: unknown): unknown =>
  Array.isArray(d)
    ? d.map((e) => (e && typeof e === 'object' ? Object.fromEntries(Object.entries(copie(e) as Record<string, unknown>).filter(([k]) => k !== 'notes')) : e))
    : copie(d);

/** Ce partenaire reçoit-il le diagnostic (réglage du programme et accord du ménage) ? */
export function recoitDiagnostic(lecteur: Lecteur, partage: ContextePartage | undefined): boolean {
  if (lecteur.type !== 'partenaire' || lecteur.role !== 'bailleur') return false;
  return diagnosticPartageAvec(partage?.programme, partage?.consentement, lecteur.destinataire);
}

/** Une demande telle que la requête `etat` la renvoie (le bloc validation y ajoute `apercu`). */
export type DemandeAvecApercu = DemandeValidation & { apercu?: string[] };

const copie = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** L'état filtré pour un lecteur. Ne modifie jamais l'état reçu. */
export function filtrerEtat(etat: EtatParcours, lecteur: Lecteur, partage?: ContextePartage): EtatParcours {
  if (lecteur.type === 'personnel') return copie(etat);
  const demandes = (etat.demandes as DemandeAvecApercu[]).filter((d) => d.role === lecteur.role);
  const partages = recoitDiagnostic(lecteur, partage)
    ? Object.fromEntries(
        CLES_PARTAGEABLES.filter((k) => etat.detailsConfidentiels[k] !== undefined).map((k) => [
          k,
          k === 'diagnostic' ? sansNotes(etat.detailsConfidentiels[k]) : copie(etat.detailsConfidentiels[k]),
        ]),
      )
    : {};
  return {
    ...copie(etat),
    journal: etat.journal.filter((e) => e.visibilite === 'partenaires').map((e) => copie(e)),
    demandes: copie(demandes),
    detailsConfidentiels: partages,
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
  /** Close avant son échéance, n'ayant plus d'objet : quand et pourquoi. */
  fermee?: { le: string; raison: string };
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
    ...(d.fermee ? { fermee: { le: d.fermee.le, raison: d.fermee.raison } } : {}),
  };
}
