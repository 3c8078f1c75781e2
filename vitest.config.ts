import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Les fichiers les plus longs d'abord (durées mesurées sur cette machine) : sur un clone neuf, sans
 * cache de durées, vitest les classerait par taille et un petit fichier long (schemathesis) finirait
 * seul en queue. Les autres suivent dans l'ordre de vitest.
 */
const LES_PLUS_LONGS = [
  'openapi-schemathesis',
  'protocole',
  'simulation',
  // Les fichiers isolés tôt : un processus partagé n'est gardé que si le fichier suivant l'est aussi.
  'redemarrage-worker',
  'journalisation',
  'simulation-page',
  'prevention',
  'protocole-cinq-ans',
  'web/interface',
  'iml',
  'dossiers',
  'indicateurs-parcours',
  'web/personnel',
  'demarrage',
  'web/commission',
  'web/telephone',
  'base-partagee',
];

class LesPlusLongsDabord extends BaseSequencer {
  override async sort(fichiers: TestSpecification[]): Promise<TestSpecification[]> {
    const tries = await super.sort(fichiers);
    const rang = (f: TestSpecification) => {
      const i = LES_PLUS_LONGS.findIndex((n) => f.moduleId.endsWith(`/test/${n}.test.ts`));
      return i < 0 ? LES_PLUS_LONGS.length : i;
    };
    return tries
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rang(a.f) - rang(b.f) || a.i - b.i)
      .map((x) => x.f);
  }
}

/**
 * Les fichiers qui ont besoin d'un processus à eux : ils installent le runtime du SDK Temporal (un seul
 * par processus : journal capturé, simulation) ou remplacent un module (`vi.mock`). Les autres
 * partagent leur processus d'un fichier à l'autre (`isolate: false`) : le code du produit, du SDK et
 * du navigateur n'est chargé qu'une fois par processus au lieu d'une fois par fichier (2,5 à 3 s de
 * calcul chacun) ; ce qui appartient à un fichier finit avec lui (test/outils/par-fichier.ts).
 */
const ISOLES = ['journalisation', 'redemarrage-worker', 'simulation'].map((n) => `test/${n}.test.ts`);

// Le pool « forks » est obligatoire : les threads cassent le pont natif de Temporal.
export default defineConfig({
  test: {
    pool: 'forks',
    // Un vrai PostgreSQL pour toute la suite ; chaque fichier y crée sa base (test/outils/base.ts).
    globalSetup: ['test/outils/postgres-global.ts'],
    setupFiles: ['test/outils/par-fichier.ts'],
    testTimeout: 120_000,
    // `expect.poll` attend ce qu'un autre processus fait (Temporal, le worker, le navigateur) : sur une
    // machine chargée, plus que la seconde par défaut.
    expect: { poll: { timeout: 30_000, interval: 50 } },
    hookTimeout: 180_000,
    fileParallelism: true,
    // Six fichiers à la fois sur deux cœurs : un fichier attend souvent (Temporal, PostgreSQL, le
    // navigateur) ; les autres occupent ce temps. schemathesis, qui attend surtout (une requête à la
    // fois), tient l'un d'eux plus de 300 s quand les cœurs sont occupés : cinq restent aux autres.
    // Mesuré deux cœurs occupés par ailleurs (4 : 640 s, 5 : 602 s, 6 : 584 s le même matin) : voir le README.
    maxWorkers: 6,
    sequence: { sequencer: LesPlusLongsDabord },
    projects: [
      {
        extends: true,
        test: { name: 'partage', include: ['test/**/*.test.ts'], exclude: ISOLES, isolate: false },
      },
      { extends: true, test: { name: 'isole', include: ISOLES } },
    ],
  },
});
