/**
 * Hachage des mots de passe avec scrypt (node:crypto).
 * Format stocké : `scrypt$N$r$p$selBase64$hashBase64`.
 * Les mots de passe sont normalisés en Unicode NFC (un « é » composé ou
 * décomposé donne le même hachage).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 64;

/** Bornes acceptées à la vérification : un hachage stocké ne doit pas pouvoir épuiser la mémoire ou le CPU. */
const N_MAX = 1 << 20;
const R_MAX = 32;
const P_MAX = 16;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const maxmem = (n: number, r: number, p: number): number => 128 * n * r * (p + 2) + 1024 * 1024;

export async function hashPassword(plain: string): Promise<string> {
  if (typeof plain !== 'string' || plain === '') {
    throw new Error('Le mot de passe ne peut pas être vide.');
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(plain.normalize('NFC'), salt, HASH_BYTES, { N, r: R, p: P, maxmem: maxmem(N, R, P) });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

const ENTIER = /^[1-9][0-9]{0,7}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Renvoie `false` (sans lever) si le mot de passe est faux ou si la valeur stockée est illisible. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  if (typeof plain !== 'string' || typeof stored !== 'string') return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, nS, rS, pS, saltS, hashS] = parts as [string, string, string, string, string, string];
  if (![nS, rS, pS].every((x) => ENTIER.test(x)) || !BASE64.test(saltS) || !BASE64.test(hashS)) return false;
  const n = Number(nS);
  const r = Number(rS);
  const p = Number(pS);
  if (n < 2 || n > N_MAX || (n & (n - 1)) !== 0 || r > R_MAX || p > P_MAX) return false;
  const salt = Buffer.from(saltS, 'base64');
  const expected = Buffer.from(hashS, 'base64');
  if (salt.length === 0 || expected.length < 16 || expected.length > 256) return false;
  let actual: Buffer;
  try {
    actual = await scryptAsync(plain.normalize('NFC'), salt, expected.length, { N: n, r, p, maxmem: maxmem(n, r, p) });
  } catch {
    return false;
  }
  return timingSafeEqual(actual, expected);
}
