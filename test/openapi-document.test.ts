/**
 * Le document OpenAPI est valide pour un validateur strict (Redocly, règles « recommended-strict »,
 * dont les variantes « oneOf » qui doivent s'exclure) ;
 * chaque opération a un operationId unique et des réponses typées ; chaque route express sous /api a
 * son opération, et chaque opération du document sa route. Le registre des messages lie une mise à
 * jour Temporal à son schéma zod : un écart entre les deux ne compile pas (vérifié par `tsc`).
 * Sans Temporal ni PostgreSQL : l'application est construite, jamais démarrée.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { creerApplication } from '../serveur/application';
import type { DependancesApi } from '../api/dependances';
import { construireDocument, estReference, type ReponseJson } from '../api/openapi';
import { definirMessage, type DefinitionMessage } from '../api/registre';
import { REGISTRE } from '../api/registre-produit';
import type { Enveloppe } from '../domain/messages';
import { creerAnnuaire } from '../personnel/annuaire';
import { chargerCatalogue } from '../programmes/catalogue';

const catalogue = chargerCatalogue();
const doc = construireDocument({ registre: REGISTRE, publicBaseUrl: 'https://parcours.departement-essai.fr', catalogue });
const METHODES = ['get', 'post', 'put', 'patch', 'delete'];
const operations = Object.entries(doc.paths).flatMap(([chemin, ops]) =>
  Object.entries(ops)
    .filter(([m]) => METHODES.includes(m))
    .map(([methode, op]) => ({ chemin, methode, op })),
);

/** Les routes déclarées de l'application (méthode, chemin express), sans la démarrer. */
function routesExpress(): Array<{ methode: string; chemin: string }> {
  // Rien n'est appelé à la construction : les dépendances ne servent qu'aux requêtes.
  const inerte = {} as unknown;
  const app = creerApplication({
    base: inerte as DependancesApi['base'],
    coffre: inerte as DependancesApi['coffre'],
    client: inerte as DependancesApi['client'],
    codec: { encode: async (p) => p, decode: async (p) => p },
    taskQueue: 'essai',
    catalogue,
    annuaire: creerAnnuaire([]),
    signeur: inerte as DependancesApi['signeur'],
    registre: REGISTRE,
    transport: inerte as DependancesApi['transport'],
    options: { publicBaseUrl: 'https://parcours.departement-essai.fr', sessionTtl: 'PT8H' },
    journal: pino({ level: 'silent' }),
  });
  interface Couche {
    route?: { path: string | RegExp; methods: Record<string, boolean> };
    handle?: { stack?: Couche[] };
  }
  const routes: Array<{ methode: string; chemin: string }> = [];
  const parcourir = (pile: Couche[]) => {
    for (const c of pile) {
      // Les routes de l'interface écrites en expression régulière (redirections) ne sont pas sous /api.
      if (c.route && typeof c.route.path === 'string') for (const m of Object.keys(c.route.methods)) routes.push({ methode: m, chemin: c.route.path });
      else if (c.route) continue;
      else if (c.handle?.stack) parcourir(c.handle.stack);
    }
  };
  parcourir((app.router as unknown as { stack: Couche[] }).stack);
  return routes;
}

describe('document OpenAPI', () => {
  it('Redocly, règles recommended-strict : aucune erreur, aucun avertissement', async () => {
    const config = await createConfig({
      extends: ['recommended-strict'],
      rules: {
        // Le projet ne publie pas de licence : en inventer une serait faux.
        'info-license': 'off',
        // /health, /openapi.json, /docs et la fermeture de session ne répondent jamais 4xx : en documenter une serait faux.
        'operation-4xx-response': 'off',
      },
    });
    const problemes = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    expect(problemes.map((p) => `${p.severity} ${p.ruleId} : ${p.message} (${p.location[0]?.pointer ?? ''})`)).toEqual([]);
  });

  it('chaque opération : operationId unique, résumé, réponses typées', () => {
    const ids = operations.map((o) => o.op.operationId as unknown);
    for (const [i, o] of operations.entries()) {
      expect(typeof ids[i], `${o.methode} ${o.chemin} : operationId`).toBe('string');
      expect(String(o.op.summary ?? '').trim(), `${o.methode} ${o.chemin} : résumé`).not.toBe('');
      for (const [code, r] of Object.entries<ReponseJson>(o.op.responses ?? {})) {
        const rep = estReference(r) ? doc.components.responses[r.$ref.split('/').pop()!] : r;
        expect(rep, `${o.methode} ${o.chemin} ${code}`).toBeDefined();
        // Sans corps : 204, les redirections, et 431 (répondu par le serveur HTTP de Node, sans corps).
        if (code === '204' || code.startsWith('3') || code === '431') continue;
        const contenus = rep && !estReference(rep) ? Object.values(rep.content ?? {}) : [];
        expect(contenus.length, `${o.methode} ${o.chemin} ${code} : type de contenu`).toBeGreaterThan(0);
        for (const c of contenus) expect(c.schema, `${o.methode} ${o.chemin} ${code} : schéma`).toBeDefined();
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('chaque route express sous /api a son opération, chaque opération sa route', () => {
    const routes = routesExpress().map((r) => ({
      ...r,
      motif: new RegExp(`^${r.chemin.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`),
    }));
    expect(routes.length).toBeGreaterThan(40);
    // Un chemin du document, paramètres remplis, tel qu'une requête l'atteint.
    const concrets = operations.map((o) => ({ ...o, concret: o.chemin.replace(/\{[^}]+\}/g, 'x1') }));
    const sansRoute = concrets.filter((o) => !routes.some((r) => r.methode === o.methode && r.motif.test(o.concret))).map((o) => `${o.methode} ${o.chemin}`);
    expect(sansRoute, 'opérations du document sans route').toEqual([]);
    const sansOperation = routes
      .filter((r) => r.chemin.startsWith('/api/'))
      .filter((r) => !concrets.some((o) => o.methode === r.methode && r.motif.test(o.concret)))
      .map((r) => `${r.methode} ${r.chemin}`);
    expect(sansOperation, 'routes /api sans opération').toEqual([]);
    // Les messages du registre : une opération chacun (le même nom partagé par deux parcours : une seule).
    const messages = new Set(Object.values(REGISTRE).flatMap((d) => Object.keys(d!.messages)));
    for (const nom of messages) expect(doc.paths[`/api/parcours/{id}/messages/${nom}`]?.post?.operationId, nom).toBeDefined();
    // Ce que l'API fait avant d'envoyer un message au parcours est dit dans sa description (le logement IML).
    expect(doc.paths['/api/parcours/{id}/messages/logement']?.post?.description).toContain(
      'un autre bailleur de l’annuaire devient le bailleur du ménage (changement tracé, par qui envoie le message)',
    );
  });
});

/**
 * Contrôles de types (pas d'exécution) : `tsc --noEmit` échoue si l'une de ces déclarations fautives
 * venait à compiler (la directive @ts-expect-error serait alors inutile, donc en erreur).
 */
export function declarationsFautives() {
  const visite = defineUpdate<{ compte: number }, [Enveloppe & { note: string; duree?: number }]>('visiteEssai');
  const bon = definirMessage({
    update: visite,
    schema: z.object({ note: z.string(), duree: z.number().optional() }),
    roles: ['travailleur_social'],
    libelle: 'Visite',
  });
  // @ts-expect-error — la note du workflow est une chaîne, le schéma en fait un nombre
  definirMessage({ update: visite, schema: z.object({ note: z.number() }), roles: ['travailleur_social'], libelle: 'Visite' });
  // @ts-expect-error — le schéma ne produit pas la note que le workflow attend
  definirMessage({ update: visite, schema: z.object({ duree: z.number() }), roles: ['travailleur_social'], libelle: 'Visite' });
  // @ts-expect-error — le schéma produit un champ que le workflow ne connaît pas
  definirMessage({ update: visite, schema: z.object({ note: z.string(), lieu: z.string() }), roles: ['travailleur_social'], libelle: 'Visite' });
  // @ts-expect-error — un champ facultatif pour le schéma, obligatoire pour le workflow
  definirMessage({ update: visite, schema: z.object({ note: z.string().optional() }), roles: ['travailleur_social'], libelle: 'Visite' });
  // @ts-expect-error — un message écrit à la main, sans definirMessage, n'entre pas dans le registre
  const aLaMain: DefinitionMessage = { update: visite, schema: z.object({ note: z.string() }), roles: [], libelle: 'Visite' };
  return [bon, aLaMain];
}
