/// <reference lib="dom" />
/**
 * Outils des tests de l'interface : Chromium de Debian piloté par playwright-core (aucun
 * téléchargement de navigateur), vérification axe-core, captures d'écran, et l'application réelle
 * à l'écoute sur un port choisi avant le banc (les liens des courriels pointent vers elle).
 */
import { baseEssai } from './base';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Server as ServeurHttp } from 'node:http';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { creerApplication } from '../../api/app';
import { REGISTRE } from '../../api/registre-produit';
import type { Annuaire } from '../../personnel/annuaire';
import { CATALOGUE, COFFRE, SIGNEUR, type Banc } from './environnement';

const require = createRequire(import.meta.url);
export const DOSSIER_ECRANS = new URL('../../test-artifacts/ecrans/', import.meta.url).pathname;

export function lancerNavigateur(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Un port TCP libre sur 127.0.0.1 (à réserver avant de monter le banc). */
export function portLibre(): Promise<number> {
  return new Promise((ok, ko) => {
    const s: Server = createServer();
    s.once('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => ok(port));
    });
  });
}

export interface InterfaceEssai {
  url: string;
  /**
   * Règle l'horloge de l'application (sessions, expiration des liens) : elle est à `heure` (une date
   * que le parcours a fixée, l'échéance d'une demande…) puis avance au rythme de l'horloge réelle.
   * Sans argument : l'heure réelle.
   */
  reglerHorloge(heure?: Date | string): void;
  fermer(): Promise<void>;
}

export async function demarrerInterface(banc: Banc, annuaire: Annuaire, port: number): Promise<InterfaceEssai> {
  let decalage = 0;
  const app = creerApplication({
    base: (await baseEssai()).db,
    coffre: COFFRE,
    client: banc.env.client,
    taskQueue: banc.taskQueue,
    catalogue: CATALOGUE,
    annuaire,
    signeur: SIGNEUR,
    registre: REGISTRE,
    transport: banc.dependances.transport,
    options: { publicBaseUrl: `http://127.0.0.1:${port}`, sessionTtl: 'PT8H', mailInboxUrl: banc.courriels.inboxUrl, temporalUiUrl: 'http://127.0.0.1:8233' },
    journal: pino({ level: 'silent' }),
    maintenant: () => new Date(Date.now() + decalage),
  });
  const serveur = await new Promise<ServeurHttp>((ok) => {
    const s = app.listen(port, '127.0.0.1', () => ok(s));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    reglerHorloge: (heure) => {
      decalage = heure === undefined ? 0 : new Date(heure).getTime() - Date.now();
    },
    fermer: () =>
      new Promise<void>((ok) => {
        serveur.closeAllConnections();
        serveur.close(() => ok());
      }),
  };
}

export interface ViolationAxe {
  id: string;
  impact: string | null;
  description: string;
  cibles: string[];
}

/** axe-core sur la page courante : les violations « serious » et « critical ». */
export async function verifierAxe(page: Page): Promise<ViolationAxe[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null; description: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, description: v.description, cibles: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Capture d'écran pleine page dans test-artifacts/ecrans/<nom>.png (ignoré par git). Chromium refuse
 * parfois une capture pleine page sur une machine chargée (« Unable to capture screenshot ») : une
 * seconde tentative, puis la partie visible seulement — la capture est une pièce du dossier de test,
 * pas une vérification.
 */
export async function capturer(page: Page, nom: string): Promise<void> {
  mkdirSync(DOSSIER_ECRANS, { recursive: true });
  const chemin = `${DOSSIER_ECRANS}${nom}.png`;
  try {
    await page.screenshot({ path: chemin, fullPage: true });
  } catch {
    await page.waitForLoadState('load');
    await page.screenshot({ path: chemin, fullPage: true }).catch(() => page.screenshot({ path: chemin }));
  }
}

/** Vrai si la page défile horizontalement (formulaire trop large pour l'écran). */
export const defileHorizontalement = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
