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
import { ouvrirBase } from '../base';
import { avecPostgresTemporaire, mediane, messagesDErreur, PROGRAMMES_BANC } from './banc-commun';
import { ficheDepuisEtat } from '../domain/indicateurs';
import { calculerIndicateurs } from '../indicateurs/calcul';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { etatsSynthetiques } from '../indicateurs/synthese';

const N = Number(process.argv[2] ?? 10_000);
const MESURES = 7;
const SEUIL_MS = 2000;

async function main() {
  await avecPostgresTemporaire('bench-indicateurs', async ({ url, base }) => {
    const t0 = performance.now();
    const etats = etatsSynthetiques(N, PROGRAMMES_BANC, { graine: 7 });
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

    for (const [programme, types] of [
      ['loiret-ahu', 'prévention'],
      ['concarneau-iml', 'IML'],
      ['reims-april-protocole', 'protocole'],
      ['programme-limite', 'cas limite : tous les parcours dans un programme'],
    ] as const) {
      const lecture: number[] = [];
      const total: number[] = [];
      let dernier = 0;
      for (let m = 0; m < MESURES; m++) {
        // À froid : une nouvelle connexion et un nouveau registre (rien en mémoire côté processus).
        const connexion = ouvrirBase(url, { max: 1 });
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
  });
}

main().catch((e) => {
  console.error(messagesDErreur(e));
  process.exit(1);
});
