/**
 * Déploiement docker compose (docker-compose.yml, Dockerfile, deploy/.env.example).
 *
 *  - Si `docker compose` est installé : `docker compose config --quiet` doit accepter le
 *    fichier avec les secrets fournis, et le refuser en nommant LINK_SIGNING_KEYS sans elle.
 *    Sinon ces deux tests sont ignorés, avec la raison dans leur titre.
 *  - Toujours : vérifications textuelles (aucune dépendance YAML) des variables transmises,
 *    de leur documentation et des attributs de recherche enregistrés.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DECLARATIONS_ATTRIBUTS } from '../domain/attributs-recherche';
import { REGLAGES_JOURNAL } from '../base/embarquee';
import { baseEssai } from './outils/base';
import { sql } from 'kysely';

const racine = fileURLToPath(new URL('..', import.meta.url));
const lire = (chemin: string): string => readFileSync(join(racine, chemin), 'utf8');

const compose = lire('docker-compose.yml');
const envExample = lire('deploy/.env.example');

/** Variables lues par l'application, à transmettre au worker et à l'API. */
const VARIABLES_APPLICATION = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TASK_QUEUE',
  'SMTP_URL',
  'MAIL_FROM',
  'PUBLIC_BASE_URL',
  'PORT',
  'LINK_SIGNING_KEYS',
  'PAYLOAD_ENCRYPTION_KEYS',
  'PROGRAMMES_DIR',
  'STAFF_ACCOUNTS_FILE',
  'SESSION_TTL',
  'ENVOIS_MENAGE_PAR_JOUR',
  'LOG_LEVEL',
  'WORKER_MEMOIRE_MIO',
  'TEMPORAL_UI_URL',
  'MAIL_INBOX_URL',
  'RETOURS_COURRIEL',
  'RETOURS_SMTP_PORT',
  'RETOURS_TLS_CLE',
  'RETOURS_TLS_CERTIFICAT',
] as const;

const SECRETS_OBLIGATOIRES = ['LINK_SIGNING_KEYS', 'PAYLOAD_ENCRYPTION_KEYS', 'POSTGRES_PASSWORD'] as const;

const ATTRIBUTS_RECHERCHE = [
  ['Programme', 'Keyword'],
  ['TypeParcours', 'Keyword'],
  ['Etape', 'Keyword'],
  ['TravailleurSocial', 'Keyword'],
  ['ProchaineEcheance', 'Datetime'],
  ['EnRetard', 'Bool'],
  ['Cloture', 'Bool'],
] as const;

/** Lignes d'un bloc YAML de premier niveau (`x-…:`) ou d'un service (`  nom:`), en-tête exclu. */
function bloc(entete: RegExp, indentation: string): string {
  const lignes = compose.split('\n');
  const debut = lignes.findIndex((l) => entete.test(l));
  expect(debut, `bloc ${entete} introuvable dans docker-compose.yml`).toBeGreaterThanOrEqual(0);
  const fin = lignes.findIndex((l, i) => i > debut && l.trim() !== '' && !l.startsWith(indentation + ' ') && !l.trimStart().startsWith('#'));
  return lignes.slice(debut + 1, fin === -1 ? undefined : fin).join('\n');
}
const service = (nom: string): string => bloc(new RegExp(`^  ${nom}:\\s*$`), '  ');

// ─── docker compose, s'il est là ─────────────────────────────────────────────────────────────

function disponibiliteCompose(): { ok: true } | { ok: false; raison: string } {
  const r = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return { ok: false, raison: `CLI docker absente (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
  if (r.status !== 0) {
    const detail = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
    return { ok: false, raison: `greffon docker compose absent : « docker compose version » a échoué (${detail})` };
  }
  return { ok: true };
}

const dispo = disponibiliteCompose();
const ignore = dispo.ok ? '' : ` [IGNORÉ : ${dispo.raison}]`;

const dossierTemp = mkdtempSync(join(tmpdir(), 'compose-test-'));
afterAll(() => rmSync(dossierTemp, { recursive: true, force: true }));

/** `docker compose config --quiet`, isolé des .env du poste (fichier d'environnement vide). */
function composeConfig(variables: Record<string, string>) {
  const envVide = join(dossierTemp, 'vide.env');
  writeFileSync(envVide, '');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const nom of [...SECRETS_OBLIGATOIRES, 'COMPOSE_ENV_FILES', 'COMPOSE_FILE', 'COMPOSE_PROFILES']) delete env[nom];
  return spawnSync('docker', ['compose', '-f', 'docker-compose.yml', '--env-file', envVide, 'config', '--quiet'], {
    cwd: racine,
    env: { ...env, ...variables },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const cle = (octet: number) => `k1:${Buffer.alloc(32, octet).toString('base64')}`;
const secrets = {
  LINK_SIGNING_KEYS: cle(1),
  PAYLOAD_ENCRYPTION_KEYS: cle(2),
  POSTGRES_PASSWORD: 'mot-de-passe-de-test',
};

describe('docker compose config', () => {
  it.skipIf(!dispo.ok)(`accepte docker-compose.yml avec les secrets obligatoires${ignore}`, () => {
    const r = composeConfig(secrets);
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
  });

  it.skipIf(!dispo.ok)(`refuse sans LINK_SIGNING_KEYS en nommant la variable${ignore}`, () => {
    const { LINK_SIGNING_KEYS: _retiree, ...sansCle } = secrets;
    const r = composeConfig(sansCle);
    expect(r.error).toBeUndefined();
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('LINK_SIGNING_KEYS');
  });
});

// ─── Vérifications textuelles (toujours) ─────────────────────────────────────────────────────

describe('docker-compose.yml', () => {
  const envApplication = bloc(/^x-app-environment: &app-environment\s*$/, '');

  it.each(VARIABLES_APPLICATION)('transmet %s au worker et à l’API', (nom) => {
    expect(compose).toContain(nom);
    expect(envApplication).toMatch(new RegExp(`^  ${nom}:`, 'm'));
  });

  it('fusionne les variables de l’application dans worker et api, avec les bonnes commandes', () => {
    for (const [nom, commande] of [
      ['worker', '--max-old-space-size=${WORKER_TAS_V8_MIO:-512}", "dist/worker.mjs'],
      ['api', 'dist/api.mjs'],
    ] as const) {
      const s = service(nom);
      expect(s, nom).toMatch(/<<: \*app-environment/);
      expect(s, nom).toContain(`command: ["node", "${commande}"]`);
      expect(s, nom).toMatch(/^ {6}dockerfile: Dockerfile$/m);
    }
    expect(service('api')).toContain('"${BIND_ADDRESS:-127.0.0.1}:${PORT:-3000}:${PORT:-3000}"');
  });

  it('exige les secrets (${VAR:?message}) au lieu de leur donner une valeur par défaut', () => {
    for (const nom of SECRETS_OBLIGATOIRES) {
      expect(compose).toMatch(new RegExp(`\\$\\{${nom}:\\?[^}]*${nom}`));
      expect(compose).not.toMatch(new RegExp(`\\$\\{${nom}:?-`));
    }
  });

  it('ne donne aucune valeur (même vide) aux réglages Temporal facultatifs : ils ne passent que s’ils sont définis', () => {
    for (const nom of [
      'TEMPORAL_API_KEY',
      'TEMPORAL_TLS',
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      'TEMPORAL_TLS_SERVER_NAME',
    ]) {
      expect(envApplication).toMatch(new RegExp(`^  ${nom}:\\s*$`, 'm'));
    }
  });

  it('enregistre chaque attribut de recherche avec son type, une fois le serveur prêt', () => {
    const job = service('temporal-search-attributes');
    expect(job).toContain('temporal operator search-attribute create');
    expect(job).toContain('temporal operator cluster health');
    expect(job).toMatch(/condition: service_healthy/);
    const attendus = new Map<string, string>(ATTRIBUTS_RECHERCHE);
    for (const { nom, type } of DECLARATIONS_ATTRIBUTS) attendus.set(nom, type);
    for (const [nom, type] of attendus) {
      expect(job, `${nom}=${type}`).toMatch(new RegExp(`^\\s+${nom}=${type}$`, 'm'));
    }
    for (const nom of ['worker', 'api']) {
      expect(service(nom), nom).toMatch(/temporal-search-attributes:\s+condition: service_completed_successfully/);
    }
  });

  it('prépare le schéma avec admin-tools avant le serveur, sans image auto-setup', () => {
    expect(compose).not.toContain('temporalio/auto-setup');
    const setup = service('temporal-setup');
    expect(setup).toContain('temporalio/admin-tools:');
    expect(setup).toContain('temporal-sql-tool --plugin postgres12');
    expect(setup).toContain('update-schema');
    const serveur = service('temporal');
    expect(serveur).toContain('temporalio/server:');
    expect(serveur).toMatch(/temporal-setup:\s+condition: service_completed_successfully/);
    expect(service('postgresql')).toContain('image: postgres:${POSTGRESQL_VERSION:-16}');
  });

  it('branche l’interface Temporal sur le codec de l’API, avec les cookies', () => {
    const ui = service('temporal-ui');
    expect(ui).toMatch(/TEMPORAL_CODEC_ENDPOINT: \$\{PUBLIC_BASE_URL:-[^\n]*\}\/codec$/m);
    expect(ui).toContain('TEMPORAL_CODEC_INCLUDE_CREDENTIALS: "true"');
    expect(ui).toContain(':8080"');
    const mailpit = service('mailpit');
    expect(mailpit).toContain('image: axllent/mailpit:');
    expect(mailpit).toContain(':1025"');
    expect(mailpit).toContain(':8025"');
  });

  it('la base de l’application tient son journal sans les valeurs des requêtes, comme la base embarquée', async () => {
    const service = /\n  parcours-db:\n([\s\S]*?)\n\n/.exec(compose)?.[1] ?? '';
    for (const reglage of REGLAGES_JOURNAL) expect(service).toContain(`"-c", "${reglage}"`);
    // Le serveur embarqué des essais (le même code que `npm start`) les applique.
    const db = (await baseEssai()).db;
    for (const reglage of REGLAGES_JOURNAL) {
      const [nom, valeur] = reglage.split('=') as [string, string];
      const { rows } = await sql<{ v: string }>`select current_setting(${nom}) as v`.execute(db);
      expect(rows[0]?.v, nom).toBe(valeur);
    }
  });

  it('n’utilise que des variables documentées dans deploy/.env.example', () => {
    // `$$` est un « $ » littéral (scripts des conteneurs), pas une variable de Compose.
    const interpolees = new Set([...compose.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    expect(interpolees.size).toBeGreaterThan(20);
    const nonDocumentees = [...interpolees].filter((nom) => !new RegExp(`^(# )?${nom}=`, 'm').test(envExample));
    expect(nonDocumentees).toEqual([]);
  });
});

describe('deploy/.env.example', () => {
  it.each(VARIABLES_APPLICATION)('documente %s', (nom) => {
    expect(envExample).toMatch(new RegExp(`^(# )?${nom}=`, 'm'));
  });

  it('laisse les secrets vides et explique comment générer une clé', () => {
    for (const nom of SECRETS_OBLIGATOIRES) expect(envExample).toMatch(new RegExp(`^${nom}=$`, 'm'));
    expect(envExample).toContain(`node -e "console.log('k1:' + require('node:crypto').randomBytes(32).toString('base64'))"`);
  });

  it('la commande de génération produit bien « k1:<base64 de 32 octets> »', () => {
    const r = spawnSync(process.execPath, ['-e', "console.log('k1:' + require('node:crypto').randomBytes(32).toString('base64'))"], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const [kid, b64] = r.stdout.trim().split(':');
    expect(kid).toBe('k1');
    expect(Buffer.from(b64!, 'base64')).toHaveLength(32);
  });
});

describe('Dockerfile et .dockerignore', () => {
  it('construit en deux étapes sur la LTS active de Node : dist/ seul, sans dépendances de développement', () => {
    const dockerfile = lire('Dockerfile');
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=26$/m);
    expect(dockerfile).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS construction$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    const execution = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(execution).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim$/m);
    expect(execution).toMatch(/^RUN npm ci --omit=dev/m);
    expect(execution).toMatch(/^COPY --from=construction \/app\/dist \.\/dist$/m);
    expect(execution).not.toMatch(/^COPY \. \./m);
    expect(execution).toMatch(/^USER node$/m);
    // Le tas de V8 du worker borné (la moitié du budget de 1 024 Mio par défaut, worker/memoire.ts).
    expect(execution).toMatch(/^CMD \["node", "--max-old-space-size=512", "dist\/worker\.mjs"\]$/m);
    expect(service('worker')).toContain('test: ["CMD", "node", "dist/sante-worker.mjs"]');
  });

  it('exclut les dossiers locaux et les secrets du contexte de construction', () => {
    const ignores = lire('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entree of ['node_modules', '.temporal', '.data', 'test-artifacts', '.git', 'deploy/.env']) {
      expect(ignores).toContain(entree);
    }
  });
});
