/** L'entrée d'une activité, validée à son arrivée (zod) : une erreur en français, jamais reprise. */
import { ApplicationFailure } from '@temporalio/activity';
import type { z } from 'zod';

export function parserEntree<T>(schema: z.ZodType<T>, entree: unknown, activite: string): T {
  const r = schema.safeParse(entree);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw ApplicationFailure.nonRetryable(`${activite} : entrée invalide, champ ${i.path.join('.') || '(racine)'} : ${i.message}`, 'EntreeInvalide');
  }
  return r.data;
}
