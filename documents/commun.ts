/** Petites formes communes aux documents : dates, montants, adresses, lecture prudente de l'état. */
import { dateEnFrancais, dureeEnFrancais, moisEnFrancais } from '../domain/durees';
import type { EtatParcours, Operateur } from '../domain/vocabulaire';
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

/** « 1 234,50 € » (espaces insécables des usages français) : le formateur unique, domain/libelles. */
export { euros } from '../domain/libelles';

export const nombre = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
export const texte = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
export const objet = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
export const tableau = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Date (AAAA-MM-JJ ou ISO) en français, ou « non renseignée ». */
export const date = (v: unknown): string => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? dateEnFrancais(v) : 'non renseignée');

/** « mars 2026 » pour « 2026-03 » : le même partout (domain/durees). */
export { moisEnFrancais };

export function exigerType(etat: EtatParcours, type: EtatParcours['typeParcours'], message: string): void {
  if (etat.typeParcours !== type) throw new DocumentIndisponible(message);
}

const DESTINATAIRES: Record<Lecteur, string> = { equipe: 'l’équipe', partenaires: 'les partenaires', menage: 'le ménage' };

/** Le lecteur est-il de ceux pour qui ce document existe ? */
export function exigerLecteur(lecteur: Lecteur, permis: readonly Lecteur[], document: string): void {
  if (!permis.includes(lecteur)) {
    // « Ce document » porte l'accord, quel que soit le genre du document nommé entre parenthèses.
    const nomme = document.charAt(0).toLowerCase() + document.slice(1);
    throw new DocumentIndisponible(
      `Ce document (${nomme}) n’est pas préparé pour ce destinataire (${DESTINATAIRES[lecteur] ?? 'destinataire inconnu'}) ; il l’est pour ${permis.map((l) => DESTINATAIRES[l]).join(' et ')}.`,
    );
  }
}

/** La commune de l'adresse de l'opérateur (« Besançon » pour « 13 rue Mégevand, 25000 Besançon »). */
export function communeDe(adresse: string | undefined): string | undefined {
  const m = adresse ? /\d{5} +([^,\n]+?)\s*(?:cedex\b.*)?$/i.exec(adresse.trim()) : null;
  return m?.[1]?.trim() || undefined;
}

/**
 * « Pour nous joindre » : l'opérateur, son téléphone, son adresse, son courriel, la personne qui
 * accompagne le ménage et la référence du dossier à rappeler.
 */
export function pourNousJoindre(
  s: { programme: { operateur: Pick<Operateur, 'nom' | 'courriel' | 'telephone' | 'adresse'> }; contact?: string },
  reference: string,
): string[] {
  const op = s.programme.operateur;
  return [
    op.nom,
    ...(op.telephone ? [`Par téléphone : ${op.telephone}`] : []),
    ...(op.adresse ? [`Par courrier ou sur place : ${op.adresse}`] : []),
    `Par courriel : ${op.courriel}`,
    ...(s.contact ? [`Personne chargée de votre accompagnement : ${s.contact}`] : []),
    `Merci de rappeler la référence du dossier ${reference} dans vos échanges.`,
  ];
}

/** « 2 mois », « 1 mois » : un nombre de mois. */
export const mois = (n: unknown): string => `${nombre(n)} mois`;

/** Les événements du journal d'un type donné, dans l'ordre (le journal peut être absent). */
export function evenements(etat: EtatParcours, type: string): Array<{ date: string; resume: string }> {
  return tableau(etat.journal).filter(
    (e): e is EtatParcours['journal'][number] => !!objet(e) && (e as { type?: unknown }).type === type && typeof (e as { date?: unknown }).date === 'string',
  );
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
