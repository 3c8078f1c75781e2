/**
 * Le paquet des workflows de `npm start` (worker/paquet-local.ts) : son empreinte change avec le code
 * du produit et le verrouillage npm, pas avec les tests, les scripts ni l'état local.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { empreinteDuCode } from '../worker/paquet-local';

const racine = mkdtempSync(join(tmpdir(), 'empreinte-'));
afterAll(() => rmSync(racine, { recursive: true, force: true }));
const ecrire = (chemin: string, texte: string) => {
  mkdirSync(join(racine, chemin, '..'), { recursive: true });
  writeFileSync(join(racine, chemin), texte);
};

describe('empreinte du code pour le paquet des workflows', () => {
  it('change avec une source, un preset ou le verrouillage npm ; pas avec un test, un script ou l’état local', () => {
    // Les dossiers du code sont ceux que tsconfig.json compile, sans les tests, les scripts ni les outils.
    ecrire('tsconfig.json', JSON.stringify({ include: ['domain', 'programmes', 'workflows', 'test', 'scripts', 'vitest.config.ts'] }));
    ecrire('workflows/index.ts', 'export const a = 1;');
    ecrire('programmes/presets/p.json', '{"id":"p"}');
    ecrire('package-lock.json', '{}');
    const e0 = empreinteDuCode(racine);
    expect(e0).toMatch(/^[0-9a-f]{16}$/);
    ecrire('test/x.test.ts', 'test');
    ecrire('scripts/banc.ts', 'banc');
    ecrire('.data/lanceur.json', '{"pid":1}');
    ecrire('workflows/notes.md', 'notes');
    expect(empreinteDuCode(racine)).toBe(e0);
    ecrire('workflows/index.ts', 'export const a = 2;');
    const e1 = empreinteDuCode(racine);
    expect(e1).not.toBe(e0);
    ecrire('programmes/presets/p.json', '{"id":"p","version":2}');
    const e2 = empreinteDuCode(racine);
    expect(e2).not.toBe(e1);
    ecrire('package-lock.json', '{"lockfileVersion":3}');
    expect(empreinteDuCode(racine)).not.toBe(e2);
    // Un fichier renommé change l'empreinte, même à contenu égal.
    ecrire('domain/a.ts', 'x');
    const e3 = empreinteDuCode(racine);
    rmSync(join(racine, 'domain/a.ts'));
    ecrire('domain/b.ts', 'x');
    const e4 = empreinteDuCode(racine);
    expect(e4).not.toBe(e3);
    // Un dossier que tsconfig.json ne compile pas ne compte pas ; ajouté à tsconfig.json, il compte.
    ecrire('sms/index.ts', 'export const sms = 1;');
    expect(empreinteDuCode(racine)).toBe(e4);
    ecrire('tsconfig.json', JSON.stringify({ include: ['domain', 'programmes', 'workflows', 'sms', 'test', 'scripts', 'vitest.config.ts'] }));
    expect(empreinteDuCode(racine)).not.toBe(e4);
  });
});
