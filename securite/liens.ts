/**
 * Liens signés pour les partenaires (qui n'ont pas de compte) : envoyés par
 * courriel, ils portent l'action autorisée, expirent, et sont signés
 * HMAC-SHA256 avec une clé du trousseau (rotation : la clé active signe, les
 * anciennes vérifient encore).
 *
 * Jeton : base64url(en-tête JSON {kid, v:1}) . base64url(charge JSON {...claims, exp, jti}) . base64url(HMAC)
 *
 * Ce module est sans état : il garantit l'authenticité et l'expiration. Le
 * caractère « usage unique » doit être assuré par l'appelant (le workflow ou
 * l'API enregistrent le `jti` ou l'étape déjà traitée et refusent une
 * deuxième utilisation).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from './cles';
import { KEY_BYTES } from './cles';
import { dateEnFrancais, heureEnFrancais } from '../domain/durees';

export interface LienClaims {
  workflowId: string;
  demandeId: string;
  role: string;
  action: 'validation' | 'paiement' | 'rechute' | 'nouveau_bail' | (string & {});
}

export type RaisonRefusLien = 'malforme' | 'signature' | 'cle_inconnue' | 'expire';

export type VerificationLien =
  | { ok: true; claims: LienClaims; jti: string; expiresAt: Date }
  /** `workflowId` : seulement pour un lien authentique mais expiré (sa page dit qui appeler). */
  | { ok: false; raison: RaisonRefusLien; message: string; workflowId?: string };

export interface SigneurDeLiens {
  /** `jti` : l'identifiant du lien ; le même jti donne le même lien (aléatoire par défaut). */
  signer(claims: LienClaims, expiresAt: Date, jti?: string): string;
  verifier(token: string, now: Date): VerificationLien;
}

const VERSION = 1;
/** Garde-fou : un jeton légitime fait quelques centaines de caractères. */
const LONGUEUR_MAX = 4096;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const CHAMPS: readonly (keyof LienClaims)[] = ['workflowId', 'demandeId', 'role', 'action'];

export const MESSAGES_LIEN = {
  malforme: 'Ce lien n’est pas valide : il est incomplet ou mal copié. Copiez l’adresse complète depuis le courriel reçu.',
  signature: 'Ce lien n’est pas valide : il a été modifié ou mal copié.',
  cle_inconnue: 'Ce lien n’est plus valide : il a été émis avec une clé de sécurité qui a été retirée. Demandez un nouveau lien.',
} as const;

/** « Ce lien a expiré le 12 mars 2025 à 14:30. » (heure de Paris) */
export function messageLienExpire(expiresAt: Date): string {
  return `Ce lien a expiré le ${dateEnFrancais(expiresAt)} à ${heureEnFrancais(expiresAt)}.`;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function lireJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const estObjet = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function verifierClaims(claims: LienClaims): void {
  for (const champ of CHAMPS) {
    const v = (claims as unknown as Record<string, unknown>)[champ];
    if (typeof v !== 'string' || v === '') {
      throw new Error(`signer : le champ « ${champ} » du lien doit être une chaîne non vide`);
    }
  }
}

export function createSigneurDeLiens(ring: KeyRing): SigneurDeLiens {
  const activeKey = ring.keys.get(ring.activeKeyId);
  if (!activeKey) {
    throw new Error(`createSigneurDeLiens : la clé active « ${ring.activeKeyId} » est absente du trousseau`);
  }
  for (const [kid, key] of ring.keys) {
    if (key.length < KEY_BYTES) {
      throw new Error(`createSigneurDeLiens : la clé « ${kid} » doit faire au moins ${KEY_BYTES} octets, elle en fait ${key.length}`);
    }
  }
  const keys: ReadonlyMap<string, Buffer> = new Map(ring.keys);
  const activeKeyId = ring.activeKeyId;

  const signature = (key: Buffer, signe: string): string => createHmac('sha256', key).update(signe, 'utf8').digest('base64url');

  const refus = (raison: Exclude<RaisonRefusLien, 'expire'>): VerificationLien => ({
    ok: false,
    raison,
    message: MESSAGES_LIEN[raison],
  });

  return {
    signer(claims, expiresAt, jti) {
      verifierClaims(claims);
      const ms = expiresAt instanceof Date ? expiresAt.getTime() : NaN;
      if (!Number.isFinite(ms)) {
        throw new Error("signer : la date d'expiration du lien est invalide");
      }
      const header = b64url({ kid: activeKeyId, v: VERSION });
      const payload = b64url({
        workflowId: claims.workflowId,
        demandeId: claims.demandeId,
        role: claims.role,
        action: claims.action,
        exp: Math.floor(ms / 1000),
        jti: jti ?? randomBytes(16).toString('base64url'),
      });
      const signe = `${header}.${payload}`;
      return `${signe}.${signature(activeKey, signe)}`;
    },

    verifier(token, now) {
      if (typeof token !== 'string' || token.length > LONGUEUR_MAX) return refus('malforme');
      const parts = token.trim().split('.');
      if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return refus('malforme');
      const [headerPart, payloadPart, sigPart] = parts as [string, string, string];

      const header = lireJson(headerPart);
      if (!estObjet(header) || header.v !== VERSION || typeof header.kid !== 'string') return refus('malforme');
      const key = keys.get(header.kid);
      if (!key) return refus('cle_inconnue');

      // Comparaison à temps constant des signatures ENCODÉES : comparer les
      // octets décodés laisserait passer des variantes du dernier caractère
      // base64url (bits de remplissage) — jeton malléable.
      const attendue = Buffer.from(signature(key, `${headerPart}.${payloadPart}`), 'utf8');
      const recue = Buffer.from(sigPart, 'utf8');
      if (recue.length !== attendue.length || !timingSafeEqual(recue, attendue)) return refus('signature');

      const payload = lireJson(payloadPart);
      if (!estObjet(payload)) return refus('malforme');
      const { exp, jti } = payload;
      if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || typeof jti !== 'string') return refus('malforme');
      for (const champ of CHAMPS) {
        if (typeof payload[champ] !== 'string' || payload[champ] === '') return refus('malforme');
      }

      const expiresAt = new Date(exp * 1000);
      if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
        throw new Error('verifier : la date courante (now) est invalide');
      }
      if (now.getTime() >= expiresAt.getTime()) {
        return { ok: false, raison: 'expire', message: messageLienExpire(expiresAt), workflowId: payload.workflowId as string };
      }

      const claims: LienClaims = {
        workflowId: payload.workflowId as string,
        demandeId: payload.demandeId as string,
        role: payload.role as string,
        action: payload.action as string,
      };
      return { ok: true, claims, jti, expiresAt };
    },
  };
}
