/** Les schémas des moyens de contact acceptés par le ménage (api/routes/contact-menage.ts). */
import { z } from 'zod';
import '../config/zod-fr';
import { telephoneSchema } from '../sms';

export const contactMenageSchema = z
  .object({
    canal: z
      .enum(['sms'], { error: 'seuls les SMS se changent ici (les courriels sont décidés à l’orientation)' })
      .meta({ description: 'Le moyen de contact (les SMS ; les courriels sont décidés à l’orientation)', example: 'sms' }),
    accorde: z
      .boolean({ error: 'accord du ménage attendu (oui ou non)' })
      .meta({ description: 'Le ménage accepte (true) ou refuse désormais (false) ce moyen de contact' }),
    telephone: telephoneSchema.optional().meta({ description: 'Le numéro de portable, pour accepter les SMS', example: '06 12 34 56 78' }),
  })
  .strict();

const accord = z.object({ accorde: z.boolean(), par: z.string().optional(), le: z.string().optional() });

export const etatContactMenageSchema = z.object({
  courriel: accord.meta({ description: 'Les courriels, à l’adresse du ménage' }),
  sms: accord.meta({ description: 'Les SMS, au portable du ménage' }),
  courrier: accord,
  telephone: z
    .string()
    .optional()
    .meta({ description: 'Le portable noté pour les SMS (masqué sauf les deux derniers chiffres)', example: '+33\u00a06\u00a0••\u00a0••\u00a0••\u00a078' }),
  smsEnAttente: z
    .object({ nombre: z.int().min(1), depuis: z.string().meta({ description: 'Quand le plus ancien devait partir' }) })
    .optional()
    .meta({
      description: 'Les SMS de ce parcours que le fournisseur refuse en ce moment ou qui ne lui parviennent pas, renvoyés d’eux-mêmes trois jours au plus',
    }),
  smsNonPartis: z
    .object({ nombre: z.int().min(1), dernier: z.string().meta({ description: 'Quand le dernier a été abandonné' }) })
    .optional()
    .meta({
      description:
        'Les SMS de ce parcours qui ne partiront plus (numéro refusé par le fournisseur, ou trois jours de renvois sans succès), depuis le dernier changement du numéro ou de l’accord : le numéro est à vérifier avec le ménage',
    }),
});
