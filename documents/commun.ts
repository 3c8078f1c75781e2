/** Petites formes communes aux documents : dates, montants, adresses, lecture prudente de l'état. */
import { dateEnFrancais, dureeEnFrancais } from '../workflows/blocs/duree';
import type { EtatParcours } from '../domain/vocabulaire';
import { DocumentIndisponible, type Lecteur, type SourceDocument } from './modele';

export { dateEnFrancais, dureeEnFrancais };

/** « 1er mars 2026 », « 12 mars 2026 ». */
export const dateLettre = (iso: string): string => dateEnFrancais(iso);

/** L'adresse sur plusieurs lignes (fenêtre d'enveloppe) : une ligne par segment séparé par une virgule. */
export const lignesAdresse = (adresse: string): string[] =>
  adresse
    .split(/\s*[,\n]\s*/)
    .map((l) => l.trim())
    .filter(Boolean);

/** « 1 234,50 € » (espaces insécables des usages français). */
export function euros(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return 'non renseigné';
  return new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: Number.isInteger(n) ? 0 : 2 }).format(n);
}

export const nombre = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
export const texte = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
export const objet = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
export const tableau = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Date (AAAA-MM-JJ ou ISO) en français, ou « non renseignée ». */
export const date = (v: unknown): string => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? dateEnFrancais(v) : 'non renseignée');

/** « mars 2026 » pour « 2026-03 ». */
export function moisEnFrancais(mois: string): string {
  return /^\d{4}-\d{2}$/.test(mois) ? dateEnFrancais(`${mois}-15`).replace(/^\d+ /, '') : mois;
}

export function exigerType(etat: EtatParcours, type: EtatParcours['typeParcours'], message: string): void {
  if (etat.typeParcours !== type) throw new DocumentIndisponible(message);
}

/** Le lecteur est-il de ceux pour qui ce document existe ? */
export function exigerLecteur(lecteur: Lecteur, permis: readonly Lecteur[], document: string): void {
  if (!permis.includes(lecteur)) throw new DocumentIndisponible(`${document} n’est pas préparé pour ce destinataire (${lecteur}).`);
}

/** Les lignes d'identification communes aux fiches : dispositif, dossier, opérateur. */
export function identification(s: SourceDocument, parcours: string): Array<[string, string]> {
  return [
    ['Dispositif', s.etat.programme.nom],
    ...(s.programme.operateur.nom ? ([['Opérateur', s.programme.operateur.nom]] as Array<[string, string]>) : []),
    ['Dossier', s.etat.reference],
    ['Parcours', parcours],
  ];
}
