import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type LoadedDataConverter, type Payload } from '@temporalio/common';
import { decodeFailure, encodeErrorToFailure, encodeFailure, isLoadedDataConverter, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import type { WorkerOptions } from '@temporalio/worker';
import { generateKeyRingValue, parseKeyRing } from '../securite/cles';
import { ChiffrementCodec, createDataConverter, ENCODING_CHIFFRE } from '../securite/codec';
import { createSigneurDeLiens, type LienClaims } from '../securite/liens';
import { hashPassword, verifyPassword } from '../securite/mots-de-passe';
import { lireCookies } from '../api/auth';

const b64 = (n: number) => randomBytes(n).toString('base64');
const aes = (value: string) => parseKeyRing(value, { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' });
const hmac = (value: string) => parseKeyRing(value, { name: 'LINK_SIGNING_KEYS', kind: 'hmac' });

const utf8 = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);
const latin1 = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('latin1') : '');

// ---------------------------------------------------------------------------
describe('parseKeyRing', () => {
  it('lit un trousseau : la première clé est active, toutes sont disponibles', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const ring = aes(`k2:${k2.toString('base64')}, k1:${k1.toString('base64')}`);
    expect(ring.activeKeyId).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(ring.keys.get('k1')!.equals(k1)).toBe(true);
    expect(ring.keys.get('k2')!.equals(k2)).toBe(true);
  });

  it('accepte le base64 url-safe et sans remplissage', () => {
    const k = randomBytes(32);
    const ring = aes(`k_1-a:${k.toString('base64url')}`);
    expect(ring.keys.get('k_1-a')!.equals(k)).toBe(true);
  });

  it('refuse une clé AES de mauvaise longueur en nommant la variable', () => {
    const material = b64(16);
    let message = '';
    try {
      aes(`k1:${material}`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('PAYLOAD_ENCRYPTION_KEYS : la clé « k1 » doit faire 32 octets (base64), elle en fait 16');
    expect(message).not.toContain(material); // jamais de matériau de clé dans les messages
    expect(() => aes(`k1:${b64(33)}`)).toThrow(/PAYLOAD_ENCRYPTION_KEYS.*elle en fait 33/);
  });

  it('refuse une clé HMAC trop courte, accepte une clé HMAC longue', () => {
    expect(() => hmac(`h1:${b64(31)}`)).toThrow(/^LINK_SIGNING_KEYS : la clé « h1 » doit faire au moins 32 octets.*elle en fait 31$/);
    expect(hmac(`h1:${b64(64)}`).keys.get('h1')!.length).toBe(64);
  });

  it('refuse un identifiant de clé en double', () => {
    expect(() => aes(`k1:${b64(32)},k1:${b64(32)}`)).toThrow(/^PAYLOAD_ENCRYPTION_KEYS : .*« k1 ».*plusieurs fois/);
  });

  it('refuse une valeur vide ou blanche', () => {
    expect(() => aes('')).toThrow(/^PAYLOAD_ENCRYPTION_KEYS : la variable est vide/);
    expect(() => hmac('   ')).toThrow(/^LINK_SIGNING_KEYS : la variable est vide/);
  });

  it('refuse les entrées mal formées', () => {
    expect(() => aes(`k1:${b64(32)},`)).toThrow(/PAYLOAD_ENCRYPTION_KEYS : l'entrée n° 2 est vide/);
    expect(() => aes(b64(32))).toThrow(/PAYLOAD_ENCRYPTION_KEYS : .*« : »/);
    expect(() => aes(`k 1:${b64(32)}`)).toThrow(/identifiant de clé .* invalide/);
    expect(() => aes(`${'a'.repeat(33)}:${b64(32)}`)).toThrow(/identifiant de clé .* invalide/);
    expect(() => aes('k1:')).toThrow(/la clé « k1 » est vide/);
    expect(() => aes(`k1:${b64(32).slice(0, 20)}!!${b64(32).slice(22)}`)).toThrow(/n'est pas du base64 valide/);
  });

  it('generateKeyRingValue produit des valeurs analysables et aléatoires', () => {
    const v1 = generateKeyRingValue('aes256', 'dev1');
    const v2 = generateKeyRingValue('aes256', 'dev1');
    expect(v1).toMatch(/^dev1:[A-Za-z0-9+/]+=*$/);
    expect(v1).not.toBe(v2);
    expect(aes(v1).keys.get('dev1')!.length).toBe(32);
    expect(hmac(generateKeyRingValue('hmac', 'h1')).activeKeyId).toBe('h1');
    expect(aes(`${generateKeyRingValue('aes256', 'k2')},${v1}`).activeKeyId).toBe('k2');
    expect(() => generateKeyRingValue('aes256', 'pas valide')).toThrow(/identifiant de clé invalide/);
  });
});

// ---------------------------------------------------------------------------
describe('ChiffrementCodec', () => {
  const K1 = `k1:${b64(32)}`;
  const K2 = `k2:${b64(32)}`;
  const menage = {
    nom: 'Mme Dupont',
    email: 'marie.dupont@exemple.fr',
    adresse: '12 rue des Lilas, 69003 Lyon',
    dette: 2450.5,
  };
  const clair = (): Payload => defaultPayloadConverter.toPayload(menage);

  it('aller-retour : le payload déchiffré est identique, le chiffré ne contient rien en clair', async () => {
    const codec = new ChiffrementCodec(aes(K1));
    const original = clair();
    const [chiffre] = await codec.encode([original]);

    expect(utf8(chiffre!.metadata!.encoding)).toBe(ENCODING_CHIFFRE);
    expect(utf8(chiffre!.metadata!['encryption-key-id'])).toBe('k1');
    expect(Object.keys(chiffre!.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
    const brut = latin1(chiffre!.data) + JSON.stringify(chiffre);
    for (const secret of ['Dupont', 'marie.dupont@exemple.fr', 'Lilas', 'json/plain']) {
      expect(brut).not.toContain(secret);
    }
    expect(latin1(original.data)).toContain('Mme Dupont'); // le test est capable d'échouer

    const [dechiffre] = await codec.decode([chiffre!]);
    expect(utf8(dechiffre!.metadata!.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(dechiffre!)).toEqual(menage);
  });

  it('utilise un IV aléatoire : deux chiffrements du même payload diffèrent', async () => {
    const codec = new ChiffrementCodec(aes(K1));
    const [a] = await codec.encode([clair()]);
    const [b] = await codec.encode([clair()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('laisse passer les payloads non chiffrés au décodage', async () => {
    const codec = new ChiffrementCodec(aes(K1));
    const p = clair();
    const [sortie] = await codec.decode([p]);
    expect(sortie).toBe(p);
    const [vide] = await codec.decode([{ data: new Uint8Array([1, 2]) }]);
    expect(Buffer.from(vide!.data!)).toEqual(Buffer.from([1, 2]));
  });

  it('rotation : un payload chiffré avec k1 se déchiffre après passage à k2 actif', async () => {
    const ancien = new ChiffrementCodec(aes(K1));
    const [vieuxPayload] = await ancien.encode([clair()]);

    const apresRotation = new ChiffrementCodec(aes(`${K2},${K1}`));
    const [nouveau] = await apresRotation.encode([clair()]);
    expect(utf8(nouveau!.metadata!['encryption-key-id'])).toBe('k2');

    // Le trousseau tourné déchiffre l'ancien ET le nouveau.
    const [a, b] = await apresRotation.decode([vieuxPayload!, nouveau!]);
    expect(defaultPayloadConverter.fromPayload(a!)).toEqual(menage);
    expect(defaultPayloadConverter.fromPayload(b!)).toEqual(menage);

    // Encodé avec k2 actif, décodé par un trousseau qui contient k2 (non active) et k1.
    const autreOrdre = new ChiffrementCodec(aes(`${K1},${K2}`));
    const [c] = await autreOrdre.decode([nouveau!]);
    expect(defaultPayloadConverter.fromPayload(c!)).toEqual(menage);
  });

  it('identifiant de clé inconnu : erreur claire', async () => {
    const [p] = await new ChiffrementCodec(aes(K2)).encode([clair()]);
    await expect(new ChiffrementCodec(aes(K1)).decode([p!])).rejects.toThrow(/clé « k2 », absente du trousseau.*k1/);
  });

  it('même identifiant mais mauvaise clé : échec', async () => {
    const [p] = await new ChiffrementCodec(aes(`k1:${b64(32)}`)).encode([clair()]);
    await expect(new ChiffrementCodec(aes(`k1:${b64(32)}`)).decode([p!])).rejects.toThrow(/données altérées ou clé incorrecte/);
  });

  it('texte chiffré ou tag modifiés : échec', async () => {
    const codec = new ChiffrementCodec(aes(K1));
    const [p] = await codec.encode([clair()]);
    const data = Buffer.from(p!.data!);
    for (const index of [5, 12 + 3, data.length - 1]) {
      const altere = Buffer.from(data);
      altere[index] = altere[index]! ^ 0x01;
      await expect(codec.decode([{ ...p!, data: altere }])).rejects.toThrow(/données altérées ou clé incorrecte/);
    }
    await expect(codec.decode([{ ...p!, data: data.subarray(0, 10) }])).rejects.toThrow(/tronqué/);
    // Contrôle : la version intacte passe.
    const [ok] = await codec.decode([{ ...p!, data }]);
    expect(defaultPayloadConverter.fromPayload(ok!)).toEqual(menage);
  });

  it('refuse un trousseau dont la clé active manque ou a la mauvaise taille', () => {
    const ring = aes(K1);
    expect(() => new ChiffrementCodec({ activeKeyId: 'k9', keys: ring.keys })).toThrow(/« k9 » est absente/);
    expect(() => new ChiffrementCodec(hmac(`h1:${b64(64)}`))).toThrow(/32 octets/);
  });
});

// ---------------------------------------------------------------------------
describe('createDataConverter', () => {
  const ring = aes(`k1:${b64(32)}`);

  it('chiffre aussi les messages d’erreur (failure converter à attributs encodés)', async () => {
    const dc = createDataConverter(ring);
    const erreur = new Error('Impayé de Mme Dupont (marie.dupont@exemple.fr)');
    const failure = dc.failureConverter.errorToFailure(erreur, dc.payloadConverter);
    expect(latin1(failure.encodedAttributes?.data)).toContain('Dupont'); // avant le codec : en clair
    const encoded = await encodeFailure(dc.payloadCodecs, failure);
    // Ce qu'utilisent le Client et le Worker (convertisseur + codecs) donne le même résultat.
    expect((await encodeErrorToFailure(dc, erreur)).message).toBe('Encoded failure');
    const serialise = JSON.stringify(encoded) + latin1(encoded.encodedAttributes?.data);
    expect(encoded.message).toBe('Encoded failure');
    expect(serialise).not.toContain('Dupont');
    expect(utf8(encoded.encodedAttributes?.metadata?.encoding)).toBe(ENCODING_CHIFFRE);

    const decoded = await decodeFailure(dc.payloadCodecs, encoded);
    const err = dc.failureConverter.failureToError(decoded, dc.payloadConverter);
    expect(err.message).toBe('Impayé de Mme Dupont (marie.dupont@exemple.fr)');
  });

  it('est utilisé tel quel par le Client et garde le codec côté Worker', async () => {
    const dc = createDataConverter(ring);
    expect(isLoadedDataConverter(dc)).toBe(true);
    const client = new Client({ dataConverter: dc });
    try {
      const loaded = (client as unknown as { loadedDataConverter: LoadedDataConverter }).loadedDataConverter;
      expect(loaded.failureConverter).toBe(dc.failureConverter);
      expect(loaded.payloadCodecs[0]).toBeInstanceOf(ChiffrementCodec);
    } finally {
      await client.connection.close();
    }
    // Ce que fait Worker.create : il recharge le converter et garde les codecs.
    const workerOptions: Pick<WorkerOptions, 'dataConverter'> = { dataConverter: dc };
    const chargeParLeWorker = loadDataConverter(workerOptions.dataConverter);
    expect(chargeParLeWorker.payloadCodecs[0]).toBeInstanceOf(ChiffrementCodec);
    expect(createDataConverter(ring, { failureConverterPath: '/x/failure.cjs' }).failureConverterPath).toBe('/x/failure.cjs');
  });
});

// ---------------------------------------------------------------------------
describe('liens signés', () => {
  const H1 = `h1:${b64(32)}`;
  const H2 = `h2:${b64(48)}`;
  const claims: LienClaims = { workflowId: 'parcours-menage-42', demandeId: 'dem-7', role: 'bailleur', action: 'validation' };
  const maintenant = new Date('2025-03-10T09:00:00Z');
  const expiration = new Date('2025-03-12T13:30:00Z');

  const decoupe = (token: string) => token.split('.') as [string, string, string];
  const lire = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  const ecrire = (obj: unknown) => Buffer.from(JSON.stringify(obj)).toString('base64url');

  it('lien valide : claims restituées', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    const token = signeur.signer(claims, expiration);
    expect(token.split('.')).toHaveLength(3);
    expect(lire(decoupe(token)[0])).toEqual({ kid: 'h1', v: 1 });
    const payload = lire(decoupe(token)[1]);
    expect(payload.exp).toBe(Math.floor(expiration.getTime() / 1000));
    expect(typeof payload.jti).toBe('string');

    const r = signeur.verifier(token, maintenant);
    expect(r).toMatchObject({ ok: true, claims, jti: payload.jti });
    if (r.ok) expect(r.expiresAt.toISOString()).toBe(expiration.toISOString());
    expect(signeur.signer(claims, expiration)).not.toBe(token); // jti aléatoire
  });

  it('charge modifiée : refus « signature »', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    const [h, p, s] = decoupe(signeur.signer(claims, expiration));
    const altere = `${h}.${ecrire({ ...lire(p), action: 'paiement' })}.${s}`;
    const r = signeur.verifier(altere, maintenant);
    expect(r).toEqual({ ok: false, raison: 'signature', message: 'Ce lien n’est pas valide : il a été modifié ou mal copié.' });
  });

  it('un lien pour un parcours ne peut pas être détourné vers un autre', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    const [h, p, s] = decoupe(signeur.signer(claims, expiration));
    const autre = `${h}.${ecrire({ ...lire(p), workflowId: 'parcours-menage-43' })}.${s}`;
    expect(signeur.verifier(autre, maintenant)).toMatchObject({ ok: false, raison: 'signature' });
    // Prolonger soi-même l'expiration ne marche pas non plus.
    const prolonge = `${h}.${ecrire({ ...lire(p), exp: lire(p).exp + 86400 * 365 })}.${s}`;
    expect(signeur.verifier(prolonge, maintenant)).toMatchObject({ ok: false, raison: 'signature' });
  });

  it('signature modifiée : refus « signature »', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    const token = signeur.signer(claims, expiration);
    const [h, p, s] = decoupe(token);
    const i = 10;
    const sAlteree = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(signeur.verifier(`${h}.${p}.${sAlteree}`, maintenant)).toMatchObject({ ok: false, raison: 'signature' });
    // Dernier caractère (bits de remplissage base64url) : doit aussi être refusé.
    const last = s.at(-1)!;
    const sFin = s.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    expect(signeur.verifier(`${h}.${p}.${sFin}`, maintenant)).toMatchObject({ ok: false, raison: 'signature' });
    expect(signeur.verifier(`${h}.${p}.${s}`, maintenant).ok).toBe(true);
  });

  it('mauvaise clé (même kid) : refus « signature »', () => {
    const token = createSigneurDeLiens(hmac(`h1:${b64(32)}`)).signer(claims, expiration);
    expect(createSigneurDeLiens(hmac(`h1:${b64(32)}`)).verifier(token, maintenant)).toMatchObject({ ok: false, raison: 'signature' });
  });

  it('kid inconnu : refus « cle_inconnue » avec message français', () => {
    const token = createSigneurDeLiens(hmac(H2)).signer(claims, expiration);
    const r = createSigneurDeLiens(hmac(H1)).verifier(token, maintenant);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.raison).toBe('cle_inconnue');
      expect(r.message).toMatch(/^Ce lien n’est plus valide/);
    }
  });

  it("changer le kid de l'en-tête vers une autre clé connue ne passe pas", () => {
    const ring = hmac(`${H2},${H1}`);
    const signeur = createSigneurDeLiens(ring);
    const [, p, s] = decoupe(signeur.signer(claims, expiration));
    expect(signeur.verifier(`${ecrire({ kid: 'h1', v: 1 })}.${p}.${s}`, maintenant)).toMatchObject({ ok: false, raison: 'signature' });
  });

  it('lien expiré : message en français, heure de Paris', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    const token = signeur.signer(claims, expiration);
    const r = signeur.verifier(token, new Date('2025-03-12T13:30:00Z'));
    expect(r).toEqual({ ok: false, raison: 'expire', message: 'Ce lien a expiré le 12 mars 2025 à 14:30.', workflowId: claims.workflowId });
    expect(signeur.verifier(token, new Date('2025-03-12T13:29:59Z')).ok).toBe(true);
    // Heure d'été et changement de jour à Paris.
    const ete = signeur.signer(claims, new Date('2025-07-01T22:05:00Z'));
    const r2 = signeur.verifier(ete, new Date('2025-08-01T00:00:00Z'));
    expect(r2.ok === false && r2.message).toBe('Ce lien a expiré le 2 juillet 2025 à 00:05.');
    // Le premier du mois s'écrit « 1er » (Intl ne l'écrit pas).
    const premier = signeur.signer(claims, new Date('2025-08-01T07:00:00Z'));
    const r3 = signeur.verifier(premier, new Date('2025-08-02T00:00:00Z'));
    expect(r3.ok === false && r3.message).toBe('Ce lien a expiré le 1er août 2025 à 09:00.');
  });

  it('rotation : un lien signé avec l’ancienne clé reste valide', () => {
    const avant = createSigneurDeLiens(hmac(H1));
    const token = avant.signer(claims, expiration);
    const apres = createSigneurDeLiens(hmac(`${H2},${H1}`));
    expect(apres.verifier(token, maintenant)).toMatchObject({ ok: true, claims });
    const nouveau = apres.signer(claims, expiration);
    expect(lire(decoupe(nouveau)[0]).kid).toBe('h2');
    expect(apres.verifier(nouveau, maintenant).ok).toBe(true);
    // Une fois l'ancienne clé retirée, l'ancien lien est refusé.
    expect(createSigneurDeLiens(hmac(H2)).verifier(token, maintenant)).toMatchObject({ ok: false, raison: 'cle_inconnue' });
  });

  it('jetons malformés', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    const token = signeur.signer(claims, expiration);
    // Un segment hors de l'alphabet base64url (« = » de remplissage), un jeton trop long en trois segments.
    const trop = [token + '=', `${token}${'A'.repeat(5000)}`];
    for (const t of ['', 'abc', 'a.b', token + '.x', token.replace('.', '..'), 'a b.c.d', `${ecrire([1])}.${ecrire({})}.xx`, 'x'.repeat(5000), ...trop]) {
      const r = signeur.verifier(t, maintenant);
      expect(r, t.slice(0, 40)).toMatchObject({ ok: false, raison: 'malforme' });
    }
    expect(signeur.verifier(token.slice(0, -5), maintenant)).toMatchObject({ ok: false, raison: 'signature' });
  });

  it('copié avec des blancs autour (retour à la ligne d’un courriel) : accepté', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    const token = signeur.signer(claims, expiration);
    expect(signeur.verifier(`  ${token}\n`, maintenant)).toMatchObject({ ok: true, claims });
  });

  it('signé avec la bonne clé mais mal formé (version, kid, exp, jti, champ vide, charge en tableau) : refus « malforme », jamais accepté', () => {
    const ring = hmac(H1);
    const signeur = createSigneurDeLiens(ring);
    const signe = (header: unknown, charge: unknown) => {
      const hp = `${ecrire(header)}.${ecrire(charge)}`;
      return `${hp}.${createHmac('sha256', ring.keys.get('h1')!).update(hp, 'utf8').digest('base64url')}`;
    };
    const charge = lire(decoupe(signeur.signer(claims, expiration))[1]) as Record<string, unknown> & { exp: number };
    const entete = { kid: 'h1', v: 1 };
    expect(signeur.verifier(signe(entete, charge), maintenant)).toMatchObject({ ok: true, claims }); // le témoin
    const cas: Array<[string, unknown, unknown]> = [
      ['version inconnue', { kid: 'h1', v: 2 }, charge],
      ['kid qui n’est pas un texte', { kid: 1, v: 1 }, charge],
      ['exp non entier', entete, { ...charge, exp: charge.exp + 0.5 }],
      ['exp en texte', entete, { ...charge, exp: String(charge.exp) }],
      ['jti absent', entete, { ...charge, jti: undefined }],
      ['rôle vide', entete, { ...charge, role: '' }],
      ['charge en tableau', entete, [charge]],
    ];
    for (const [quoi, h, c] of cas) expect(signeur.verifier(signe(h, c), maintenant), quoi).toMatchObject({ ok: false, raison: 'malforme' });
  });

  it('refuse un trousseau sans sa clé active ou à clé trop courte, et une date courante invalide', () => {
    expect(() => createSigneurDeLiens({ activeKeyId: 'h9', keys: new Map([['h1', randomBytes(32)]]) })).toThrow(/clé active « h9 » est absente/);
    expect(() => createSigneurDeLiens({ activeKeyId: 'h1', keys: new Map([['h1', randomBytes(16)]]) })).toThrow(/au moins 32 octets/);
    const signeur = createSigneurDeLiens(hmac(H1));
    expect(() => signeur.verifier(signeur.signer(claims, expiration), new Date('nope'))).toThrow(/date courante/);
  });

  it('refuse de signer des claims incomplètes ou une date invalide', () => {
    const signeur = createSigneurDeLiens(hmac(H1));
    expect(() => signeur.signer({ ...claims, workflowId: '' }, expiration)).toThrow(/workflowId/);
    expect(() => signeur.signer(claims, new Date('nope'))).toThrow(/expiration/);
    expect(() => createSigneurDeLiens(hmac(H1)).verifier('a.b.c', maintenant)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------
describe('cookies de la requête', () => {
  it('lus par la bibliothèque cookie : valeurs décodées, une valeur mal encodée gardée telle quelle, rien sans en-tête', () => {
    expect(lireCookies('session=abc_DEF-123; oidc=x%20y; vide=; mal=%E0%A4%A')).toEqual({ session: 'abc_DEF-123', oidc: 'x y', vide: '', mal: '%E0%A4%A' });
    expect(lireCookies('sans-egal; session=jeton')).toEqual({ session: 'jeton' });
    expect(lireCookies(undefined)).toEqual({});
  });
});

describe('mots de passe', () => {
  it('hache au format scrypt$N$r$p$sel$hash et vérifie', async () => {
    const stored = await hashPassword('Loyer-Impayé-2025!');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(stored.split('$')[4]!, 'base64')).toHaveLength(16);
    expect(stored).not.toContain('Loyer');
    expect(await verifyPassword('Loyer-Impayé-2025!', stored)).toBe(true);
    expect(await verifyPassword('Loyer-Impaye-2025!', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('sel aléatoire, normalisation Unicode, valeurs stockées invalides', async () => {
    const a = await hashPassword('secret');
    const b = await hashPassword('secret');
    expect(a).not.toBe(b);
    const nfd = 'Ame\u0301lie'; // « é » décomposé
    expect(await verifyPassword('Am\u00e9lie', await hashPassword(nfd))).toBe(true);

    const parts = a.split('$');
    const hash = Buffer.from(parts[5]!, 'base64');
    hash[0] = hash[0]! ^ 1;
    expect(await verifyPassword('secret', [...parts.slice(0, 5), hash.toString('base64')].join('$'))).toBe(false);
    expect(await verifyPassword('secret', 'pas-un-hash')).toBe(false);
    expect(await verifyPassword('secret', a.replace('$16384$', '$1073741824$'))).toBe(false);
    expect(await verifyPassword('secret', a.replace('$16384$', '$1000$'))).toBe(false);
    await expect(hashPassword('')).rejects.toThrow(/ne peut pas être vide/);
  });
});
