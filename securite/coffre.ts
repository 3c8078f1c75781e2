/**
 * Le chiffrement au repos du système d'enregistrement : ce qu'un dossier contient de personnel ou de
 * confié (identité, journal, décisions, notes) est gardé chiffré dans PostgreSQL avec le trousseau des
 * payloads (PAYLOAD_ENCRYPTION_KEYS : même rotation, identifiant de clé dans chaque valeur).
 *
 * - une valeur chiffrée = `kid` ‖ 0x00 ‖ IV (12 octets) ‖ texte chiffré ‖ tag GCM (16 octets) ;
 *   le contexte (parcours, colonne) est lié comme donnée authentifiée : une valeur recopiée sur une
 *   autre ligne ou une autre colonne ne se déchiffre pas ;
 * - la recherche par nom passe par un index aveugle : des empreintes HMAC des débuts de mots du
 *   nom (3 lettres et plus, sans accents ni casse), calculées avec une clé dérivée de la clé active ;
 *   une recherche essaie chaque clé du trousseau, la rotation ne perd donc aucun dossier.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { KeyRing } from './cles';
import { normaliser } from '../domain/texte';

const ALGORITHME = 'aes-256-gcm';
const IV = 12;
const TAG = 16;
/** Longueur minimale d'un début de mot recherché (en deçà, trop de dossiers répondraient). */
export const LONGUEUR_MIN_RECHERCHE = 3;

/** Les mots d'un nom : minuscules, sans accents, séparés par tout ce qui n'est pas une lettre ou un chiffre. */
export function motsDuNom(texte: string): string[] {
  return normaliser(texte)
    .split(' ')
    .filter((m) => m.length > 0);
}

/** Une clé dérivée d'une clé du trousseau pour un seul usage : jamais la clé de chiffrement elle-même. */
const deriver = (cle: Buffer, usage: string): Buffer => createHmac('sha256', cle).update(usage).digest();

export class Coffre {
  private readonly cleActive: string;
  private readonly cles: ReadonlyMap<string, Buffer>;
  private readonly clesIndex: ReadonlyMap<string, Buffer>;

  constructor(anneau: KeyRing) {
    if (!anneau.keys.has(anneau.activeKeyId)) throw new Error(`Coffre : la clé active « ${anneau.activeKeyId} » est absente du trousseau`);
    this.cleActive = anneau.activeKeyId;
    this.cles = new Map(anneau.keys);
    // Une clé d'index par clé du trousseau, dérivée.
    this.clesIndex = new Map([...anneau.keys].map(([kid, k]) => [kid, deriver(k, 'index-aveugle-nom')]));
  }

  chiffrer(valeur: unknown, contexte: string): Buffer {
    const cle = this.cles.get(this.cleActive) as Buffer;
    const iv = randomBytes(IV);
    const c = createCipheriv(ALGORITHME, cle, iv);
    c.setAAD(Buffer.from(contexte, 'utf8'));
    const chiffre = Buffer.concat([c.update(JSON.stringify(valeur) ?? 'null', 'utf8'), c.final()]);
    return Buffer.concat([Buffer.from(this.cleActive, 'utf8'), Buffer.from([0]), iv, chiffre, c.getAuthTag()]);
  }

  dechiffrer<T = unknown>(valeur: Buffer, contexte: string): T {
    const sep = valeur.indexOf(0);
    const kid = sep > 0 ? valeur.subarray(0, sep).toString('utf8') : '';
    const cle = this.cles.get(kid);
    if (!cle) throw new Error(`Donnée chiffrée avec la clé « ${kid.slice(0, 40)} », absente du trousseau PAYLOAD_ENCRYPTION_KEYS (retirée trop tôt ?)`);
    const iv = valeur.subarray(sep + 1, sep + 1 + IV);
    const tag = valeur.subarray(valeur.length - TAG);
    const d = createDecipheriv(ALGORITHME, cle, iv);
    d.setAAD(Buffer.from(contexte, 'utf8'));
    d.setAuthTag(tag);
    try {
      const clair = Buffer.concat([d.update(valeur.subarray(sep + 1 + IV, valeur.length - TAG)), d.final()]);
      return JSON.parse(clair.toString('utf8')) as T;
    } catch {
      throw new Error(`Déchiffrement impossible avec la clé « ${kid} » : donnée altérée ou déplacée (${contexte.split(':')[0]})`);
    }
  }

  private empreinte(kid: string, debut: string): string {
    return createHmac('sha256', this.clesIndex.get(kid) as Buffer)
      .update(debut)
      .digest('base64url')
      .slice(0, 22);
  }

  /**
   * Une empreinte à clé d'une valeur courte qui ne doit pas rester en clair (identifiant de connexion,
   * adresse IP des limites de connexion) : HMAC-SHA-256 sous une clé dérivée de la clé active et de
   * l'usage. Sans la clé, une adresse IPv4 ne se retrouve pas en essayant les 2^32 possibles.
   */
  empreinteCle(usage: string, valeur: string): string {
    return createHmac('sha256', deriver(this.cles.get(this.cleActive) as Buffer, `empreinte-${usage}`))
      .update(valeur)
      .digest('base64url');
  }

  /** L'index aveugle d'un nom : une empreinte par début de mot (3 lettres et plus, ou le mot entier s'il est plus court). */
  indexDuNom(nom: string): string[] {
    const debuts = new Set<string>();
    for (const mot of motsDuNom(nom)) {
      if (mot.length <= LONGUEUR_MIN_RECHERCHE) debuts.add(mot);
      for (let n = LONGUEUR_MIN_RECHERCHE; n <= Math.min(mot.length, 40); n++) debuts.add(mot.slice(0, n));
    }
    return [...debuts].map((d) => this.empreinte(this.cleActive, d));
  }

  /**
   * Ce qu'une recherche cherche dans l'index : pour chaque mot saisi (3 lettres au moins, ou un mot
   * court entier), ses empreintes sous chaque clé du trousseau. Un dossier répond s'il a, pour chaque
   * mot, l'une de ses empreintes.
   */
  requeteNom(texte: string): string[][] {
    return motsDuNom(texte)
      .filter((m) => m.length >= 2)
      .slice(0, 5)
      .map((m) => [...this.cles.keys()].map((kid) => this.empreinte(kid, m.slice(0, 40))));
  }
}
