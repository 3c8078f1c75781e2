/**
 * Le lancement d'une simulation demandée depuis la page d'administration : un processus à part
 * (`node --import tsx scripts/executer-simulation.ts <id>`, DATABASE_URL dans son environnement), qui
 * monte son propre moteur (serveur Temporal de développement avec saut de temps, PostgreSQL
 * temporaire) et écrit son avancement dans la table `simulations`. L'API n'attend pas : elle répond
 * aussitôt, la page de la simulation suit l'avancement dans la base.
 *
 * Il faut les sources du produit (le dossier scripts/) et le CLI Temporal que `npm run setup`
 * installe (.temporal/bin/temporal, ou TEMPORAL_CLI_PATH) : l'image de production (dist/ seulement)
 * ne les a pas, la page le dit.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { BaseDeDonnees } from '../base';
import { RegistreSimulations } from './registre';

// Ce fichier et dist/api.mjs sont tous deux à un niveau sous la racine du projet.
const racine = fileURLToPath(new URL('..', import.meta.url));
export const SCRIPT_SIMULATION = `${racine}scripts/executer-simulation.ts`;
export const cheminCliTemporal = (): string => process.env.TEMPORAL_CLI_PATH ?? `${racine}.temporal/bin/temporal`;

export interface LanceurSimulations {
  /** Undefined si une simulation peut tourner sur ce serveur ; sinon la raison, en français. */
  indisponible(): string | undefined;
  /** Lance le processus de la simulation `id` (déjà enregistrée, en attente) et rend la main aussitôt. */
  lancer(id: string): void;
}

export function creerLanceurSimulations(o: {
  databaseUrl: string;
  base: BaseDeDonnees;
  journal: Logger;
  /** Le script du processus (par défaut scripts/executer-simulation.ts ; un essai en donne un qui tombe). */
  script?: string;
}): LanceurSimulations {
  const script = o.script ?? SCRIPT_SIMULATION;
  const registre = new RegistreSimulations(o.base);
  return {
    indisponible() {
      if (!existsSync(SCRIPT_SIMULATION))
        return 'Les sources du produit ne sont pas installées sur ce serveur (image de production) : la simulation se lance depuis une installation complète, préparée par « npm run setup ».';
      if (!existsSync(cheminCliTemporal()))
        return 'Le programme Temporal (CLI), qui fournit le moteur à part de la simulation, n’est pas installé sur ce serveur : lancez « npm run setup » (ou donnez son chemin dans TEMPORAL_CLI_PATH).';
      return undefined;
    },
    lancer(id) {
      // Le détail technique (signal, fin de la sortie d'erreur) va au journal de l'API ; la page dit en
      // français ce qui s'est passé et quoi faire.
      const echec = (raison: string, memoire = false) => {
        o.journal.warn({ simulation: id, raison }, 'simulation : processus en échec');
        const message = memoire
          ? 'La simulation a manqué de mémoire : trop d’étapes pour ce nombre de ménages. Relancez-la avec moins de ménages ; le détail est dans le journal du serveur.'
          : 'Le processus de la simulation n’a pas pu démarrer ou s’est arrêté sans rien dire. Relancez-la ; si cela se reproduit, le détail est dans le journal du serveur.';
        void registre.echouer(id, message).catch(() => undefined);
      };
      const enfant = spawn(process.execPath, ['--import', 'tsx', script, id], {
        cwd: racine,
        env: { ...process.env, DATABASE_URL: o.databaseUrl },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let erreurs = '';
      enfant.stderr.setEncoding('utf8');
      enfant.stderr.on('data', (d: string) => (erreurs = (erreurs + d).slice(-4000)));
      enfant.once('error', (e) => echec(e.message));
      enfant.once('exit', (code, signal) => {
        if (code === 0) return o.journal.info({ simulation: id }, 'simulation terminée');
        // Le processus écrit lui-même son erreur dans la base ; sinon (tué, plantage au démarrage), elle est notée ici.
        echec(
          `${signal ? `arrêté par le signal ${signal}` : `code de sortie ${code}`}${erreurs ? ` — ${erreurs.trim().split('\n').slice(-3).join(' ')}` : ''}`,
          /heap out of memory|Allocation failed|JSDate::New/.test(erreurs) || signal === 'SIGABRT',
        );
      });
      // L'API peut s'arrêter avant la fin : le processus continue, et écrit son bilan dans la base.
      enfant.unref();
      (enfant.stderr as unknown as { unref?: () => void }).unref?.();
      o.journal.info({ simulation: id, pid: enfant.pid }, 'simulation lancée');
    },
  };
}
