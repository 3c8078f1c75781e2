/**
 * Banc de mesure des indicateurs (pas un test chronométré) : 10 000 parcours de types et d'issues
 * mêlés (états synthétiques de la forme des workflows → `ficheDepuisEtat` → le même écrivain que
 * l'activité, indicateurs/registre.ts) dans un PostgreSQL embarqué temporaire, puis le calcul à
 * froid (lecture des fiches par une nouvelle connexion + agrégation) des indicateurs d'un
 * programme, plusieurs fois ; la médiane est affichée.
 *
 *   npm run bench:indicateurs            # 10 000 parcours, 7 mesures
 *   npm run bench:indicateurs -- 20000   # autre volume
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { demarrerPostgresEmbarque } from '../base/embarquee';
import { migrer, ouvrirBase } from '../base';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ficheDepuisEtat } from '../domain/indicateurs';
import { calculerIndicateurs } from '../indicateurs/calcul';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { etatsSynthetiques } from '../indicateurs/synthese';
import type { TypeParcours } from '../domain/vocabulaire';

const N = Number(process.argv[2] ?? 10_000);
const MESURES = 7;
const SEUIL_MS = 2000;

// Un gros programme de prévention (la moitié des parcours) et cinq autres, de tous les types.
const PROGRAMMES: Array<{ id: string; typeParcours: TypeParcours }> = [
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'besancon-ccas', typeParcours: 'prevention_precontentieuse' },
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'concarneau-iml', typeParcours: 'iml_bail_glissant' },
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'reims-april-protocole', typeParcours: 'protocole_post_resiliation' },
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'toulouse-declic', typeParcours: 'prevention_precontentieuse' },
];

const mediane = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  const dossier = await mkdtemp(join(tmpdir(), 'bench-indicateurs-'));
  const port = await new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
  const serveur = await demarrerPostgresEmbarque({ dossier, port, motDePasse: 'banc', essais: true });
  const base = ouvrirBase(serveur.url);
  try {
    await migrer(base);
    const t0 = performance.now();
    const etats = etatsSynthetiques(N, PROGRAMMES, { graine: 7 });
    const ecrivain = new RegistreIndicateurs(base);
    const LOT = 200;
    for (let i = 0; i < etats.length; i += LOT) {
      await Promise.all(etats.slice(i, i + LOT).map((e, k) => ecrivain.consigner({ fiche: ficheDepuisEtat(e), version: i + k + 1 })));
    }
    const tEcriture = performance.now() - t0;
    const parProgramme = new Map<string, number>();
    for (const e of etats) parProgramme.set(e.programme.id, (parProgramme.get(e.programme.id) ?? 0) + 1);
    console.log(`${N} parcours écrits en ${(tEcriture / 1000).toFixed(1)} s (PostgreSQL embarqué)`);
    console.log(`répartition : ${[...parProgramme].map(([p, n]) => `${p} ${n}`).join(', ')}`);

    // Cas limite : les 10 000 parcours dans un seul programme (issues mêlées).
    const limite = etatsSynthetiques(N, [{ id: 'programme-limite', typeParcours: 'prevention_precontentieuse' }], { graine: 11 });
    for (let i = 0; i < limite.length; i += LOT) {
      await Promise.all(limite.slice(i, i + LOT).map((e, k) => ecrivain.consigner({ fiche: ficheDepuisEtat(e), version: i + k + 1 })));
    }

    for (const [programme, types] of [['loiret-ahu', 'prévention'], ['concarneau-iml', 'IML'], ['reims-april-protocole', 'protocole'], ['programme-limite', 'cas limite : tous les parcours dans un programme']] as const) {
      const lecture: number[] = [];
      const total: number[] = [];
      let dernier = 0;
      for (let m = 0; m < MESURES; m++) {
        // À froid : une nouvelle connexion et un nouveau registre (rien en mémoire côté processus).
        const connexion = ouvrirBase(serveur.url, { max: 1 });
        const registre = new RegistreIndicateurs(connexion);
        const a = performance.now();
        const { fiches } = await registre.fichesDuProgramme(programme);
        const b = performance.now();
        await connexion.destroy();
        const ind = calculerIndicateurs(fiches, programme, { du: '2025-01-01', au: '2026-12-31' });
        const c = performance.now();
        lecture.push(b - a);
        total.push(c - a);
        dernier = ind.fichesLues;
      }
      const med = mediane(total);
      console.log(
        `${programme} (${types}, ${dernier} parcours) : calcul des indicateurs en ${med.toFixed(0)} ms (médiane de ${MESURES}, lecture ${mediane(lecture).toFixed(0)} ms ; min ${Math.min(...total).toFixed(0)}, max ${Math.max(...total).toFixed(0)} ms) ${med < SEUIL_MS ? '— sous les 2 s' : '— AU-DESSUS DES 2 s'}`,
      );
    }
  } finally {
    await base.destroy();
    await serveur.arreter();
    await rm(dossier, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
