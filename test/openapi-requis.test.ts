/**
 * Le document OpenAPI dit quels champs sont vraiment requis : pour chaque corps de requête (lancement
 * de chaque type, chaque message, affectation, clôture, connexion), un champ marqué requis manque →
 * la validation de l'API refuse ; un champ non marqué requis manque → elle accepte.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { connexionSchema } from '../api/auth';
import { construireDocument, estReference, exempleDepuisSchema, type ObjetSchemaJson, type SchemaJson } from '../api/openapi';
import { REGISTRE } from '../api/registre-produit';
import { liberationPlaceSchema } from '../api/schemas-api';
import { affectationSchema, clotureAnticipeeSchema, requestIdSchema } from '../domain/schemas';
import { chargerCatalogue } from '../programmes/catalogue';

const doc = construireDocument({ registre: REGISTRE, publicBaseUrl: 'http://localhost:3000', catalogue: chargerCatalogue() });
const composants = doc.components.schemas;

/** Un composant du document, qui n'est pas une simple référence. */
function objet(s: SchemaJson | undefined): ObjetSchemaJson {
  if (!s || estReference(s)) throw new Error('schéma attendu');
  return s;
}

function verifierRequis(nom: string, schemaJson: ObjetSchemaJson, zod: z.ZodType, exemple: Record<string, unknown>) {
  expect(zod.safeParse(exemple).success, `${nom} : l'exemple du document est accepté`).toBe(true);
  const requis = new Set<string>(schemaJson.required ?? []);
  for (const [champ, prop] of Object.entries(schemaJson.properties ?? {})) {
    // Un champ obligatoire selon une autre réponse (`x-obligatoire-selon` : le carnet de route d'un
    // diagnostic terminé) n'est pas marqué requis ; l'exemple peut l'exiger.
    if (!estReference(prop) && (prop as Record<string, unknown>)['x-obligatoire-selon'] !== undefined) {
      expect(requis.has(champ), `${nom}.${champ} dépend d'une autre réponse : pas marqué requis`).toBe(false);
      continue;
    }
    const { [champ]: _retire, ...sans } = exemple;
    const accepte = zod.safeParse(sans).success;
    expect(accepte, `${nom}.${champ} est ${requis.has(champ) ? 'marqué requis' : 'marqué facultatif'}`).toBe(!requis.has(champ));
  }
}

/**
 * Un exemple complet : celui du document, complété de chaque champ facultatif qui a un exemple —
 * sauf ceux qui dépendent d'un autre (`x-obligatoire-selon` : le plan d'apurement va avec son action).
 */
function exempleComplet(s: ObjetSchemaJson, base: unknown): Record<string, unknown> {
  const complet = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    if (!estReference(v) && (v as Record<string, unknown>)['x-obligatoire-selon'] !== undefined) continue;
    if (complet[k] === undefined) {
      const e = exempleDepuisSchema(estReference(v) ? composants[v.$ref.split('/').pop()!] : v);
      if (e !== undefined) complet[k] = e;
    }
  }
  return complet;
}

describe('OpenAPI : les champs requis sont ceux que la validation exige', () => {
  it('chaque message de chaque type de parcours', () => {
    let vus = 0;
    for (const [type, def] of Object.entries(REGISTRE)) {
      for (const [nomMessage, m] of Object.entries(def!.messages)) {
        const nom = Object.keys(composants).find(
          (c) => c.startsWith('Message_') && c.includes(type) && c.endsWith(nomMessage.replace(/[^A-Za-z0-9_]+/g, '_')),
        )!;
        expect(nom, `${type}/${nomMessage} a son composant`).toBeDefined();
        const s = objet(composants[nom]);
        const zod = m.schema.safeExtend({ requestId: requestIdSchema });
        const exemple = exempleComplet(s, { requestId: '7f3c2a4e-5b1d-4c1e-9a0f-3e2d1c0b9a88', ...(m.exemple ?? (exempleDepuisSchema(s) as object)) });
        verifierRequis(nom, s, zod, exemple);
        vus++;
      }
    }
    expect(vus).toBeGreaterThan(20);
  });

  it('les données de lancement de chaque type', () => {
    for (const [type, def] of Object.entries(REGISTRE)) {
      const s = objet(composants[`Donnees_${type}`]);
      verifierRequis(type, s, def!.schemaLancement, exempleComplet(s, def!.exempleLancement ?? exempleDepuisSchema(s)));
    }
  });

  it('affectation, clôture anticipée, connexion, libération de place', () => {
    const cas: Array<[string, z.ZodType]> = [
      ['Affectation', affectationSchema],
      ['ClotureAnticipee', clotureAnticipeeSchema],
      ['Connexion', connexionSchema],
      ['LiberationPlace', liberationPlaceSchema],
    ];
    for (const [nom, zod] of cas) {
      const s = objet(composants[nom]);
      verifierRequis(nom, s, zod, exempleComplet(s, exempleDepuisSchema(s)));
    }
  });
});
