/// <reference lib="dom" />
/**
 * Outils des tests de l'interface : Chromium de Debian piloté par playwright-core (aucun
 * téléchargement de navigateur), vérification axe-core, captures d'écran, et l'application réelle
 * à l'écoute sur un port choisi avant le banc (les liens des courriels pointent vers elle).
 */
import { baseEssai } from './base';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server as ServeurHttp } from 'node:http';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { creerApplication } from '../../serveur/application';
import { CatalogueEnBase } from '../../programmes/versions';
import { REGISTRE } from '../../api/registre-produit';
import type { DependancesApi } from '../../api/dependances';
import type { Annuaire } from '../../personnel/annuaire';
import { CATALOGUE, COFFRE, SIGNEUR, type Banc } from './environnement';

const require = createRequire(import.meta.url);
export const DOSSIER_ECRANS = new URL('../../test-artifacts/ecrans/', import.meta.url).pathname;

export function lancerNavigateur(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Un serveur HTTP déjà à l'écoute sur un port libre de 127.0.0.1, réservé avant de monter le banc
 * (les liens des courriels pointent vers lui) et gardé ouvert : un port rendu puis repris plus tard
 * pourrait entre-temps être pris par le serveur SMTP ou Temporal d'un autre fichier de tests, et
 * Chromium recevrait leur bannière au lieu d'une réponse HTTP.
 */
export interface PortReserve {
  port: number;
  serveur: ServeurHttp;
}

export function reserverPort(): Promise<PortReserve> {
  return new Promise((ok, ko) => {
    const serveur = createHttpServer();
    serveur.once('error', ko);
    serveur.listen(0, '127.0.0.1', () => ok({ port: (serveur.address() as AddressInfo).port, serveur }));
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

/** `surcharges` : des dépendances en plus ou à la place (le lanceur des simulations…). */
export async function demarrerInterface(
  banc: Banc,
  annuaire: Annuaire,
  { port, serveur }: PortReserve,
  surcharges: Partial<DependancesApi> = {},
): Promise<InterfaceEssai> {
  let decalage = 0;
  const app = creerApplication({
    base: (await baseEssai()).db,
    coffre: COFFRE,
    client: banc.env.client,
    taskQueue: banc.taskQueue,
    catalogue: await CatalogueEnBase.ouvrir((await baseEssai()).db, CATALOGUE, { rafraichirMs: 0 }),
    annuaire,
    signeur: SIGNEUR,
    registre: REGISTRE,
    transport: banc.dependances.transport,
    options: { publicBaseUrl: `http://127.0.0.1:${port}`, sessionTtl: 'PT8H', mailInboxUrl: banc.courriels.inboxUrl, temporalUiUrl: 'http://127.0.0.1:8233' },
    journal: pino({ level: 'silent' }),
    maintenant: () => new Date(Date.now() + decalage),
    ...surcharges,
  });
  serveur.on('request', app);
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

/**
 * axe-core sur la page courante : les violations « serious » et « critical » (toutes, avec `toutes`).
 * Toutes les règles jouent ; seules les violations sont détaillées (`resultTypes`) : un tiers de calcul
 * de Chromium en moins par page, les règles passées n'étant pas lues.
 */
export async function verifierAxe(page: Page, toutes = false): Promise<ViolationAxe[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: {
          run(
            contexte: Document,
            options: { resultTypes: string[] },
          ): Promise<{ violations: Array<{ id: string; impact: string | null; description: string; nodes: Array<{ target: unknown[] }> }> }>;
        };
      }
    ).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, description: v.description, cibles: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return toutes ? violations : violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Capture d'écran pleine page dans test-artifacts/ecrans/<nom>.png (ignoré par git), quand elles sont
 * demandées (`CAPTURES_ECRAN=1 npm test`) : une capture pleine page coûte du calcul (rendu, PNG) que la
 * suite n'a pas à payer à chaque passage ; rien n'y est vérifié. Chromium refuse
 * parfois une capture sur une machine chargée (« Unable to capture screenshot ») : une seconde
 * tentative une fois la page chargée, puis la partie visible seulement, puis un avertissement — la
 * capture est une pièce du dossier de test, pas une vérification (axe-core et les assertions le sont).
 */
export async function capturer(page: Page, nom: string): Promise<void> {
  if (process.env.CAPTURES_ECRAN !== '1') return;
  mkdirSync(DOSSIER_ECRANS, { recursive: true });
  const chemin = `${DOSSIER_ECRANS}${nom}.png`;
  const essais = [
    () => page.screenshot({ path: chemin, fullPage: true }),
    async () => {
      await page.waitForLoadState('load');
      await page.screenshot({ path: chemin, fullPage: true });
    },
    () => page.screenshot({ path: chemin }),
  ];
  let derniere: unknown;
  for (const essai of essais) {
    try {
      await essai();
      return;
    } catch (erreur) {
      derniere = erreur;
    }
  }
  console.warn(`capture « ${nom} » impossible : ${derniere instanceof Error ? derniere.message : String(derniere)}`);
}

/**
 * Après un envoi refusé, le focus est sur le résumé des erreurs (ou l'avertissement) de la page :
 * le clavier et le lecteur d'écran partent de là. Attribut `autofocus`, sans script (la CSP des pages
 * n'en permet aucun) ; Chromium le place après le chargement, d'où l'attente.
 */
export async function focusSurLeResume(page: Page): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.matches('[role=alert][tabindex="-1"]') === true, undefined, { timeout: 10_000 });
}

/** Vrai si la page défile horizontalement (formulaire trop large pour l'écran). */
export const defileHorizontalement = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
