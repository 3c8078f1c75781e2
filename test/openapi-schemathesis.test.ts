/**
 * L'API éprouvée contre son propre document OpenAPI par schemathesis (PyPI, installé par
 * scripts/install-schemathesis.sh) : les exemples du document et la couverture des schémas (valeurs
 * limites, champs manquants ou de mauvais type, pour chaque opération), avec un compte
 * d'administration, en deux schemathesis parallèles (les messages et documents des parcours, le
 * reste), chacun une requête à la fois. Les requêtes tirées au hasard (« fuzzing ») et les enchaînements (« stateful ») ne
 * sont plus joués dans la suite : un tiers de son temps de calcul (30 s sur 92, mesuré le 6 décembre
 * 2026), pour tenir les 10 minutes les deux cœurs occupés ; `--phases` les rajoute à la main. Aucune erreur 5xx, aucune réponse hors du
 * document (statut, type de contenu, schéma), 405 pour une méthode non prévue. Une requête conforme
 * au document mais refusée pour une raison qu'il ne peut pas exprimer (compte inconnu, période à
 * l'envers) reçoit un 400 documenté : ce contrôle-là (positive_data_acceptance) est écarté.
 *
 * La fermeture de session (DELETE /api/session) est exclue : elle déconnecterait le compte d'essai.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bancAvecApi } from './outils/api';
import { ADMIN_ESSAI, menageEssai, situationPrevention } from './outils/environnement';

const ST = fileURLToPath(new URL('../.schemathesis/bin/st', import.meta.url));
const essai = bancAvecApi('schemathesis-essai', { autres: [ADMIN_ESSAI] });

describe('document OpenAPI', () => {
  it('schemathesis : aucune 5xx, aucune réponse hors du document', async () => {
    expect(existsSync(ST), `schemathesis absent (${ST}) : lancer bash scripts/install-schemathesis.sh`).toBe(true);
    const { api } = essai;
    const jeton = await essai.connecter('admin.essai');
    // Un parcours existant, pour que les opérations sur un parcours ne répondent pas toutes 404.
    const lance = await api.appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'loiret-ahu',
        menage: menageEssai('LL-2026-0042'),
        donnees: { situation: situationPrevention() },
      },
    });
    expect(lance.status, lance.texte).toBe(201);
    const args = [
      'run',
      `${api.url}/openapi.json`,
      '--url',
      api.url,
      '-H',
      `Authorization: Bearer ${jeton}`,
      '--exclude-path',
      '/api/session',
      '--max-examples',
      '8',
      '--workers',
      '1',
      '--seed',
      '20261202',
      '--request-timeout',
      '30',
      // Une requête conforme au document peut être refusée pour une raison qu'il ne peut pas dire (compte
      // inconnu, période à l'envers, année future) : 400 documenté, en français ; ce n'est pas un écart.
      '--exclude-checks',
      'positive_data_acceptance',
      '--no-color',
      // Exemples et couverture des schémas (voir plus haut).
      '--phases',
      'examples,coverage',
      // Aucune base d'exemples (.hypothesis/ dans le dépôt) : chaque passage ne dépend que de la graine.
      '--generation-database',
      'none',
    ];
    // Deux schemathesis en même temps sur la même API, chacun sa moitié des opérations : les messages
    // et documents des parcours d'un côté, le reste de l'autre (au repos : 31 s chacune, contre 45 à
    // 60 s pour un seul). Chacun attend surtout la réponse de l'API (une requête à la fois : plusieurs
    // « workers » dans un même schemathesis le font échouer sur ses propres caches). Les deux cœurs
    // occupés : 300 s au lieu de 427 ; en trois tiers, 301 s (les messages, qui attendent le moteur,
    // restent le plus long) : deux suffisent.
    const MESSAGES = '^/api/parcours/\\{id\\}/(messages|documents)/';
    const lancerSt = (filtre: string[]) =>
      new Promise<{ code: number | null; sortie: string }>((ok) => {
        const p = spawn(ST, [...args, ...filtre], {
          env: { ...process.env, SCHEMATHESIS_HOOKS: '', HYPOTHESIS_STORAGE_DIRECTORY: join(tmpdir(), 'parcours-essais-hypothesis') },
        });
        let texte = '';
        p.stdout.setEncoding('utf8').on('data', (d: string) => (texte += d));
        p.stderr.setEncoding('utf8').on('data', (d: string) => (texte += d));
        // « close » : après la fin du processus ET la lecture de toute sa sortie (« exit » peut la précéder).
        p.on('close', (c) => ok({ code: c, sortie: texte }));
      });
    const moities = await Promise.all([lancerSt(['--include-path-regex', MESSAGES]), lancerSt(['--exclude-path-regex', MESSAGES])]);
    const code = moities.every((m) => m.code === 0) ? 0 : (moities.find((m) => m.code !== 0)?.code ?? null);
    const sortie = moities.map((m) => m.sortie).join('\n');
    const echecs = sortie.indexOf('FAILURES');
    expect(code, echecs >= 0 ? sortie.slice(echecs, echecs + 12_000) : sortie.slice(-6000)).toBe(0);
    expect(sortie).not.toMatch(/Server error|ST001|Undocumented HTTP status/);
    // Chaque moitié a bien éprouvé des opérations (un filtre qui n'en retiendrait aucune ne dirait rien).
    for (const t of moities) expect(t.sortie).toMatch(/[1-9]\d* generated, [1-9]\d* passed/);
    // 50 à 130 s au repos, 265 s les deux cœurs occupés, plus de 400 s quand deux suites tournent en
    // même temps sur cette machine : la limite ne sert qu'à arrêter un schemathesis bloqué.
  }, 560_000);
});
