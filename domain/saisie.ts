/**
 * Une saisie vérifiée avec zod, en français : chaque champ refusé et sa raison. Les routes de l'API en
 * font un 400 (`analyser`, api/problemes.ts) ; la lecture d'une liste de la commission, une erreur
 * par cellule (commissions/liste.ts). Les mêmes schémas, les mêmes phrases.
 */
import type { z } from 'zod';
import './zod-fr';

export interface ErreurChamp {
  champ: string;
  message: string;
}

/** Nom lisible d'un champ : « menage.reference », « donnees.delaiVisite », « (corps) » à la racine. */
export function nomChamp(prefixe: string | undefined, chemin: readonly PropertyKey[]): string {
  const parties = [...(prefixe ? [prefixe] : []), ...chemin.map((p) => String(p))];
  return parties.length ? parties.join('.') : '(corps)';
}

/** Chaque champ qu'une erreur zod refuse, et la raison. */
export function erreursZod(erreur: z.ZodError, prefixe?: string): ErreurChamp[] {
  return erreur.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ champ: nomChamp(prefixe, [...i.path, k]), message: 'champ non reconnu' }))
      : [{ champ: nomChamp(prefixe, i.path), message: i.message }],
  );
}

/** NUL et commandes d'inversion du sens d'écriture : refusés dans tout texte reçu (les retours à la ligne restent permis). */
const CARACTERES_REFUSES = /[\u0000\u202A-\u202E\u2066-\u2069]/;

/** Le chemin du premier texte qui contient un caractère refusé, s'il y en a un. */
function texteRefuse(v: unknown, chemin: PropertyKey[] = [], profondeur = 0): PropertyKey[] | undefined {
  if (typeof v === 'string') return CARACTERES_REFUSES.test(v) ? chemin : undefined;
  if (profondeur > 20 || !v || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const c = texteRefuse(x, [...chemin, Array.isArray(v) ? Number(k) : k], profondeur + 1);
    if (c) return c;
  }
  return undefined;
}

/** Les champs absents sont dits « obligatoires » plutôt que « indéfini reçu ». */
const carteErreurs: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type' && iss.input === undefined) return 'champ obligatoire';
  return undefined;
};

export type Saisie<T> = { ok: true; valeur: T } | { ok: false; erreurs: ErreurChamp[] };

/** La valeur lue par le schéma, ou chaque champ refusé (`prefixe` devant les noms de champ). */
export function verifierSaisie<S extends z.ZodType>(schema: S, valeur: unknown, prefixe?: string): Saisie<z.output<S>> {
  const refus = texteRefuse(valeur);
  if (refus) return { ok: false, erreurs: [{ champ: nomChamp(prefixe, refus), message: 'caractère nul ou d’inversion du sens d’écriture interdit' }] };
  const r = schema.safeParse(valeur, { error: carteErreurs });
  return r.success ? { ok: true, valeur: r.data } : { ok: false, erreurs: erreursZod(r.error, prefixe) };
}
