import { defineConfig } from 'vitest/config';

// Le pool « forks » est obligatoire : les threads cassent le pont natif de Temporal.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // Un vrai PostgreSQL pour toute la suite ; chaque fichier y crée sa base (test/outils/base.ts).
    globalSetup: ['test/outils/postgres-global.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
