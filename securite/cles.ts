/**
 * Trousseaux de clés (« key rings ») lus depuis des variables d'environnement.
 *
 * Format : `kid1:base64,kid2:base64`
 *  - la PREMIÈRE clé est la clé active : elle chiffre / signe ;
 *  - les suivantes ne servent qu'à déchiffrer / vérifier (rotation : on ajoute
 *    la nouvelle clé en tête, on garde l'ancienne derrière le temps que les
 *    données et liens émis avec elle disparaissent).
 *
 * Les messages d'erreur nomment la variable et la clé fautive, jamais le
 * contenu d'une clé.
 */
import { randomBytes } from 'node:crypto';

export type KeyKind = 'aes256' | 'hmac';

export interface KeyRing {
  /** Identifiant de la clé utilisée pour chiffrer / signer. */
  activeKeyId: string;
  /** Toutes les clés (la clé active comprise), par identifiant. */
  keys: Map<string, Buffer>;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** Taille exacte d'une clé AES-256, taille minimale d'une clé HMAC-SHA256. */
export const KEY_BYTES = 32;

const FORMAT_ATTENDU = 'format attendu « kid1:base64,kid2:base64 »';

/**
 * Décode du base64 (standard ou « url-safe », remplissage `=` facultatif) de
 * façon stricte : `Buffer.from(x, 'base64')` ignore silencieusement les
 * caractères invalides, ce qui transformerait une faute de frappe en clé
 * plus courte ou différente.
 */
function decodeBase64Strict(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const sansRemplissage = text.replace(/=+$/, '');
  if (sansRemplissage.length % 4 === 1) return undefined;
  const bytes = Buffer.from(sansRemplissage, 'base64');
  const normalise = sansRemplissage.replace(/\+/g, '-').replace(/\//g, '_');
  if (bytes.toString('base64url') !== normalise) return undefined;
  return bytes;
}

export function parseKeyRing(value: string, opts: { name: string; kind: KeyKind }): KeyRing {
  const { name, kind } = opts;
  const fail = (why: string): never => {
    throw new Error(`${name} : ${why}`);
  };

  if (typeof value !== 'string' || value.trim() === '') {
    fail(`la variable est vide ou absente ; ${FORMAT_ATTENDU}`);
  }

  const entries = value.split(',').map((e) => e.trim());
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;

  entries.forEach((entry, index) => {
    const position = `entrée n° ${index + 1}`;
    if (entry === '') {
      fail(`l'${position} est vide (virgule en trop ?) ; ${FORMAT_ATTENDU}`);
    }
    const sep = entry.indexOf(':');
    if (sep === -1) {
      fail(`l'${position} n'a pas de « : » séparant l'identifiant de la clé ; ${FORMAT_ATTENDU}`);
    }
    const kid = entry.slice(0, sep).trim();
    const material = entry.slice(sep + 1).trim();

    if (!KEY_ID_PATTERN.test(kid)) {
      fail(`l'identifiant de clé de l'${position} est invalide (« ${kid.slice(0, 40)} ») : ` + `1 à 32 caractères parmi A-Z, a-z, 0-9, « _ » et « - »`);
    }
    if (keys.has(kid)) {
      fail(`l'identifiant de clé « ${kid} » apparaît plusieurs fois ; chaque clé doit avoir un identifiant unique`);
    }
    if (material === '') {
      fail(`la clé « ${kid} » est vide`);
    }
    const bytes = decodeBase64Strict(material);
    if (!bytes) {
      fail(`la clé « ${kid} » n'est pas du base64 valide`);
    }
    const key = bytes as Buffer;
    if (kind === 'aes256' && key.length !== KEY_BYTES) {
      fail(`la clé « ${kid} » doit faire ${KEY_BYTES} octets (base64), elle en fait ${key.length}`);
    }
    if (kind === 'hmac' && key.length < KEY_BYTES) {
      fail(`la clé « ${kid} » doit faire au moins ${KEY_BYTES} octets (base64), elle en fait ${key.length}`);
    }
    keys.set(kid, key);
    if (activeKeyId === undefined) activeKeyId = kid;
  });

  return { activeKeyId: activeKeyId as string, keys };
}

/**
 * Génère une entrée de trousseau `kid:base64` avec une clé aléatoire de 32 octets
 * (utilisé par le lanceur de développement). Pour une rotation, préfixer la
 * valeur existante : `${generateKeyRingValue(kind, 'k2')},${ancienneValeur}`.
 */
export function generateKeyRingValue(kind: KeyKind, kid: string): string {
  if (kind !== 'aes256' && kind !== 'hmac') {
    throw new Error(`generateKeyRingValue : type de clé inconnu « ${String(kind)} » (attendu « aes256 » ou « hmac »)`);
  }
  if (!KEY_ID_PATTERN.test(kid)) {
    throw new Error(`generateKeyRingValue : identifiant de clé invalide « ${kid} » : 1 à 32 caractères parmi A-Z, a-z, 0-9, « _ » et « - »`);
  }
  return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
