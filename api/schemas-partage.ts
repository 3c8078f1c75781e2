/** Les schémas de l'accord du ménage pour le partage de son diagnostic (api/routes/partage.ts). */
import { z } from 'zod';
import '../domain/zod-fr';
import { DESTINATAIRES_DIAGNOSTIC } from '../domain/partage';

const destinataire = z.enum(DESTINATAIRES_DIAGNOSTIC, { error: `destinataire attendu : ${DESTINATAIRES_DIAGNOSTIC.join(' ou ')}` });

export const consentementPartageSchema = z
  .object({
    portee: z
      .array(destinataire)
      .min(1, 'choisissez au moins un destinataire du diagnostic')
      .max(DESTINATAIRES_DIAGNOSTIC.length)
      .meta({
        description: 'Qui, chez le bailleur, le ménage accepte de voir recevoir son diagnostic (parmi ceux que le programme prévoit)',
        example: ['conseillere_sociale_bailleur', 'recouvrement_bailleur'],
      }),
  })
  .strict();

export const etatPartageSchema = z.object({
  reglage: z
    .object({ destinataires: z.array(destinataire), consentementRequis: z.boolean() })
    .optional()
    .meta({ description: 'Le réglage du programme du parcours ; absent : le diagnostic ne quitte pas l’équipe' }),
  consentement: z
    .object({
      portee: z.array(destinataire),
      recueilliPar: z.string(),
      recueilliLe: z.string(),
      retireLe: z.string().optional(),
      retirePar: z.string().optional(),
    })
    .optional()
    .meta({ description: 'Le dernier accord du ménage (retiré s’il porte retireLe)' }),
  historique: z.array(z.object({ accorde: z.boolean(), portee: z.array(destinataire), par: z.string(), le: z.string() })),
});
