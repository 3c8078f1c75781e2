/**
 * Le personnel (comptes) : coordinateurs, travailleurs sociaux, administrateurs.
 * Chargé au démarrage depuis STAFF_ACCOUNTS_FILE (JSON validé par zod) ou, sur l'installation
 * embarquée seulement, depuis les comptes de démonstration listés dans le README.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import '../domain/zod-fr';
import { ROLES_PERSONNEL, type RolePersonnel } from '../domain/vocabulaire';

export interface Personne {
  id: string;
  nom: string;
  courriel: string;
  role: RolePersonnel;
  /** Programmes suivis (coordinateurs, travailleurs sociaux). Vide pour un admin = tous. */
  programmes: string[];
  motDePasse: string; // empreinte scrypt$…
  /**
   * Les personnes que ce travailleur social remplace aujourd'hui (absence déclarée) : il lit et suit
   * leurs ménages des programmes qu'il suit, comme les siens. Lu à chaque requête, jamais dans l'annuaire.
   */
  remplace?: string[];
}

export const personneSchema = z.object({
  id: z.string().regex(/^[a-z0-9._-]{2,40}$/, 'identifiant : 2 à 40 caractères a-z, 0-9, . _ -'),
  nom: z.string().min(1),
  courriel: z.email(),
  role: z.enum(ROLES_PERSONNEL),
  programmes: z.array(z.string()).default([]),
  motDePasse: z.string().startsWith('scrypt$', 'empreinte scrypt attendue (scrypt$…)'),
});

export interface Annuaire {
  trouver(id: string): Personne | undefined;
  coordinateurs(programmeId: string): Personne[];
  tous(): Personne[];
  /** Relit les comptes (annuaire de la base) : un changement fait par cette API vaut aussitôt pour elle. */
  rafraichir?(): Promise<void>;
}

export function creerAnnuaire(personnes: Personne[]): Annuaire {
  const parId = new Map(personnes.map((p) => [p.id, p]));
  return {
    trouver: (id) => parId.get(id),
    coordinateurs: (programmeId) => personnes.filter((p) => p.role === 'coordinateur' && p.programmes.includes(programmeId)),
    tous: () => [...personnes],
  };
}

export function chargerAnnuaireFichier(chemin: string): Annuaire {
  let brut: unknown;
  try {
    brut = JSON.parse(readFileSync(chemin, 'utf8'));
  } catch (e) {
    throw new Error(`STAFF_ACCOUNTS_FILE (${chemin}) : fichier illisible ou JSON invalide (${(e as Error).message})`);
  }
  const r = z.array(personneSchema).safeParse(brut);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`STAFF_ACCOUNTS_FILE (${chemin}) : champ ${i.path.join('.') || '(racine)'} : ${i.message}`);
  }
  return creerAnnuaire(r.data);
}
