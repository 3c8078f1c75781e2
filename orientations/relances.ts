/**
 * Les relances des orientations restées sans réponse (planification « relance-orientations », chaque
 * matin) : quand le délai de contact d'un programme court depuis la réception de l'orientation
 * (loiret-ahu), la coordination est rappelée à l'approche du délai (« rappelAvant » du programme),
 * puis avertie une fois qu'il est passé. Chaque relance a sa clé dans la boîte d'envoi : une par
 * orientation et par sorte, quel que soit le nombre d'exécutions.
 */
import type { BaseDeDonnees } from '../base';
import { ajouterDuree, jourDeParis, minuitDeParis } from '../domain/durees';
import { echeanceDepuisLeJour } from '../domain/prevention';
import type { Programme } from '../domain/vocabulaire';

export interface OrientationNonTraitee {
  id: string;
  reference: string;
  programmeId: string;
  organisation: string;
  recueLe: Date;
}

export interface Relance {
  sorte: 'rappel' | 'delai_passe';
  /** Clé de la boîte d'envoi : une relance de chaque sorte par orientation. */
  cle: string;
  /** La date limite du premier contact : le soir du jour où tombe le délai, compté depuis le jour de réception. */
  contactAvant: Date;
}

/** Rappel par défaut quand le programme n'en règle pas (« rappelAvant »). */
const RAPPEL_PAR_DEFAUT = 'P5D';

/**
 * La date limite du premier contact d'une orientation reçue à cet instant, quand le délai de contact
 * du programme court depuis la réception (loiret-ahu : le signalement du bailleur) ; sinon rien. Le
 * même calcul que le parcours (`echeanceDepuisLeJour`) : le soir du jour où tombe le délai, compté
 * depuis le jour de réception (reçue le 2 novembre : jusqu'au 2 décembre au soir).
 */
export function contactAvantOrientation(programme: Programme, recueLe: Date): Date | undefined {
  const delai = programme.delais.contact;
  return programme.options.delaisDepuisSignalement && delai ? echeanceDepuisLeJour(jourDeParis(recueLe), delai) : undefined;
}

/** La relance due pour cette orientation à cet instant, s'il y en a une. */
export function relanceDue(programme: Programme, o: Pick<OrientationNonTraitee, 'id' | 'recueLe'>, maintenant: Date): Relance | undefined {
  const contactAvant = contactAvantOrientation(programme, o.recueLe);
  if (!contactAvant) return undefined;
  if (maintenant.getTime() >= contactAvant.getTime()) return { sorte: 'delai_passe', cle: `orientation-delai-passe:${o.id}`, contactAvant };
  // Dès le début du jour du rappel (« rappelAvant » avant le dernier jour).
  const rappel = minuitDeParis(jourDeParis(ajouterDuree(contactAvant, programme.delais.rappelAvant ?? RAPPEL_PAR_DEFAUT, -1)));
  if (maintenant.getTime() >= rappel.getTime()) return { sorte: 'rappel', cle: `orientation-rappel:${o.id}`, contactAvant };
  return undefined;
}

/** Les orientations reçues et pas encore traitées, de tous les programmes (sans leur fiche chiffrée). */
export async function orientationsNonTraitees(db: BaseDeDonnees): Promise<OrientationNonTraitee[]> {
  const lignes = await db
    .selectFrom('orientations as r')
    .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
    .select(['r.id', 'r.reference', 'r.programme_id', 'r.recue_le', 'o.nom as organisation'])
    .where('r.statut', '=', 'recue')
    .orderBy('r.recue_le')
    .execute();
  return lignes.map((l) => ({ id: l.id, reference: l.reference, programmeId: l.programme_id, organisation: l.organisation, recueLe: l.recue_le }));
}

/** Les orientations à traiter d'un programme, pour le tableau de bord de la coordination. */
export interface OrientationsATraiter {
  programmeId: string;
  nombre: number;
  /** La plus ancienne (la première à traiter). */
  plusAncienne: Date;
  /** Son délai de contact, quand il court depuis la réception (loiret-ahu). */
  contactAvant?: Date;
  delaiPasse?: boolean;
}

/** Les orientations non traitées regroupées par programme (ceux que `suivi` retient), la plus ancienne d'abord. */
export function aTraiterParProgramme(
  orientations: OrientationNonTraitee[],
  programme: (id: string) => Programme | undefined,
  maintenant: Date,
): OrientationsATraiter[] {
  const parProgramme = new Map<string, OrientationsATraiter>();
  for (const o of orientations) {
    const p = programme(o.programmeId);
    if (!p) continue;
    const deja = parProgramme.get(o.programmeId);
    if (deja) {
      deja.nombre += 1;
      continue;
    }
    // La liste est triée par date de réception : la première vue est la plus ancienne.
    const delai = contactAvantOrientation(p, o.recueLe);
    parProgramme.set(o.programmeId, {
      programmeId: o.programmeId,
      nombre: 1,
      plusAncienne: o.recueLe,
      ...(delai ? { contactAvant: delai, delaiPasse: maintenant.getTime() >= delai.getTime() } : {}),
    });
  }
  return [...parProgramme.values()];
}
