/**
 * Chiffrement des payloads Temporal (AES-256-GCM), d'après l'exemple
 * `encryption` de temporalio/samples-typescript :
 *  - le Payload d'origine ENTIER (métadonnées comprises) est sérialisé en
 *    protobuf `temporal.api.common.v1.Payload` puis chiffré ;
 *  - le Payload chiffré porte `encoding: binary/encrypted` et
 *    `encryption-key-id: <kid>` ;
 *  - données = IV aléatoire (12 octets) ‖ texte chiffré ‖ tag GCM (16 octets).
 *
 * Ainsi aucune donnée personnelle des ménages ne circule en clair dans les
 * historiques Temporal. La rotation se fait par le trousseau (voir cles.ts) :
 * on chiffre avec la clé active, on déchiffre avec la clé nommée dans les
 * métadonnées.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  DefaultFailureConverter,
  defaultPayloadConverter,
  type FailureConverter,
  type LoadedDataConverter,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import type * as ProtoModule from '@temporalio/proto';
import { KEY_BYTES, type KeyRing } from './cles';

// `@temporalio/proto` est un module CommonJS dont les exports ne sont pas
// détectables par le chargeur ESM de Node (`import { temporal }` donne
// `undefined`) : on le charge donc avec `require`. C'est une dépendance de
// @temporalio/common (même version), installée à la racine de node_modules.
const requireCjs = createRequire(import.meta.url);
const { temporal } = requireCjs('@temporalio/proto') as typeof ProtoModule;
const ProtoPayload = temporal.api.common.v1.Payload;

export const ENCODING_CHIFFRE = 'binary/encrypted';
export const METADATA_ENCODING_KEY = 'encoding';
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';

const ALGORITHME = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const texte = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

function chiffrer(clair: Uint8Array, key: Buffer): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHME, key, iv);
  const chiffre = Buffer.concat([cipher.update(clair), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, chiffre, cipher.getAuthTag()]));
}

function dechiffrer(donnees: Uint8Array, key: Buffer, kid: string): Buffer {
  if (donnees.byteLength < IV_BYTES + TAG_BYTES) {
    throw new Error(`Payload chiffré (clé « ${kid} ») tronqué : ${donnees.byteLength} octets`);
  }
  const buf = Buffer.from(donnees.buffer, donnees.byteOffset, donnees.byteLength);
  const iv = buf.subarray(0, IV_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const chiffre = buf.subarray(IV_BYTES, buf.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv(ALGORITHME, key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(chiffre), decipher.final()]);
  } catch {
    throw new Error(`Déchiffrement du payload impossible avec la clé « ${kid} » : données altérées ou clé incorrecte`);
  }
}

export class ChiffrementCodec implements PayloadCodec {
  private readonly activeKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(ring: KeyRing) {
    const active = ring.keys.get(ring.activeKeyId);
    if (!active) {
      throw new Error(`ChiffrementCodec : la clé active « ${ring.activeKeyId} » est absente du trousseau`);
    }
    for (const [kid, key] of ring.keys) {
      if (key.length !== KEY_BYTES) {
        throw new Error(`ChiffrementCodec : la clé « ${kid} » doit faire ${KEY_BYTES} octets, elle en fait ${key.length}`);
      }
    }
    this.activeKeyId = ring.activeKeyId;
    this.keys = new Map(ring.keys);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.activeKeyId) as Buffer;
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: utf8(ENCODING_CHIFFRE),
        [METADATA_ENCRYPTION_KEY_ID]: utf8(this.activeKeyId),
      },
      data: chiffrer(ProtoPayload.encode(payload).finish(), key),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || texte(encoding) !== ENCODING_CHIFFRE) {
        return payload; // payload non chiffré : on le laisse passer tel quel
      }
      const kidBytes = payload.metadata?.[METADATA_ENCRYPTION_KEY_ID];
      if (!kidBytes) {
        throw new Error(`Payload chiffré sans métadonnée « ${METADATA_ENCRYPTION_KEY_ID} » : impossible de le déchiffrer`);
      }
      const kid = texte(kidBytes);
      const key = this.keys.get(kid);
      if (!key) {
        throw new Error(
          `Payload chiffré avec la clé « ${kid.slice(0, 64)} », absente du trousseau ` +
            `(clés connues : ${[...this.keys.keys()].join(', ')}) — une clé retirée trop tôt lors d'une rotation ?`,
        );
      }
      if (!payload.data) {
        throw new Error(`Payload chiffré (clé « ${kid} ») sans données`);
      }
      const clair = dechiffrer(payload.data, key, kid);
      try {
        return ProtoPayload.decode(clair);
      } catch {
        throw new Error(`Payload déchiffré avec la clé « ${kid} » mais illisible (protobuf Payload invalide)`);
      }
    });
  }
}

/** Convertisseur d'échecs qui place messages et piles d'erreurs dans un payload (donc chiffré par le codec). */
export function createFailureConverter(): FailureConverter {
  return new DefaultFailureConverter({ encodeCommonAttributes: true });
}

export interface DataConverterChiffre extends LoadedDataConverter {
  /** Transmis tel quel : voir `createDataConverter`. */
  failureConverterPath?: string;
}

/**
 * Data converter à passer à `new Client({ dataConverter })` ET à
 * `Worker.create({ dataConverter })`.
 *
 * ATTENTION — comportement du SDK 1.24 :
 *  - le Client reconnaît cet objet comme « déjà chargé » (il a `payloadConverter`)
 *    et utilise donc `failureConverter` (messages d'erreur chiffrés) ;
 *  - le Worker, lui, IGNORE `failureConverter` : il ne lit que
 *    `failureConverterPath` (chargé par `require()` dans le thread principal et
 *    embarqué par webpack dans le bundle des workflows). Sans
 *    `failureConverterPath`, les messages et piles d'erreurs des activités et
 *    workflows partent EN CLAIR. Il faut un module CommonJS (p. ex. un fichier
 *    `.cjs`) sans dépendance Node, exportant
 *    `failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true })`.
 */
export function createDataConverter(ring: KeyRing, options: { failureConverterPath?: string } = {}): DataConverterChiffre {
  const converter: DataConverterChiffre = {
    payloadConverter: defaultPayloadConverter,
    payloadCodecs: [new ChiffrementCodec(ring)],
    failureConverter: createFailureConverter(),
  };
  if (options.failureConverterPath) converter.failureConverterPath = options.failureConverterPath;
  return converter;
}
