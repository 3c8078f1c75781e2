/**
 * Le lanceur des simulations (simulations/lanceur.ts) : un processus de simulation qui tombe sans
 * rien écrire (tué par le système faute de mémoire, ou planté au démarrage) laisse à la page une
 * raison en français et quoi faire ; le détail technique va au journal du serveur.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { creerLanceurSimulations } from '../simulations/lanceur';
import { RegistreSimulations } from '../simulations/registre';
import { baseEssai, type BaseEssai } from './outils/base';
import { CATALOGUE } from './outils/environnement';

let base: BaseEssai;
const dossier = mkdtempSync(join(tmpdir(), 'lanceur-'));
const journalises: Array<Record<string, unknown>> = [];
const journal = pino({ level: 'info' }, { write: (l: string) => void journalises.push(JSON.parse(l) as Record<string, unknown>) });

beforeAll(async () => {
  base = await baseEssai();
});

/** Un processus de simulation qui fait `corps` au lieu de simuler. */
function script(nom: string, corps: string): string {
  const f = join(dossier, `${nom}.mjs`);
  writeFileSync(f, corps);
  return f;
}

async function lancerEtAttendre(corps: string, nom: string) {
  const registre = new RegistreSimulations(base.db);
  const p = CATALOGUE.trouver('besancon-ccas')!;
  const id = await registre.demander({
    programmes: [{ id: p.id, nom: p.nom, typeParcours: p.typeParcours, version: p.version, menages: 3, definition: p }],
    graine: 1,
    options: { enRetard: 0 },
    par: 'admin.essai',
  });
  creerLanceurSimulations({ databaseUrl: base.url, base: base.db, journal, script: script(nom, corps) }).lancer(id);
  return vi.waitFor(
    async () => {
      const s = await registre.lire(id);
      if (s?.statut !== 'echouee') throw new Error(`simulation ${id} : ${s?.statut}`);
      return { s, id };
    },
    { timeout: 30_000, interval: 100 },
  );
}

describe('lanceur des simulations', () => {
  it('tué par le système (SIGABRT, mémoire manquée) : « moins de ménages » ; le signal au journal, pas à la page', async () => {
    const { s, id } = await lancerEtAttendre(
      `console.error('FATAL ERROR: Reached heap limit Allocation failed'); process.kill(process.pid, 'SIGABRT');`,
      'memoire',
    );
    expect(s.erreur).toBe(
      'La simulation a manqué de mémoire : trop d’étapes pour ce nombre de ménages. Relancez-la avec moins de ménages ; le détail est dans le journal du serveur.',
    );
    expect(s.erreur).not.toMatch(/SIGABRT|heap/);
    expect(journalises.find((l) => l.simulation === id && l.msg === 'simulation : processus en échec')?.raison).toMatch(/arrêté par le signal SIGABRT/);
  });

  it('planté au démarrage (code de sortie) : relancer, le détail est au journal', async () => {
    const { s, id } = await lancerEtAttendre(`console.error('Error: Cannot find module'); process.exit(3);`, 'plantage');
    expect(s.erreur).toBe(
      'Le processus de la simulation n’a pas pu démarrer ou s’est arrêté sans rien dire. Relancez-la ; si cela se reproduit, le détail est dans le journal du serveur.',
    );
    expect(journalises.find((l) => l.simulation === id && l.msg === 'simulation : processus en échec')?.raison).toMatch(
      /^code de sortie 3 — Error: Cannot find module/,
    );
  });
});
