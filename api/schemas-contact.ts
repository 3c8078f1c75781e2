/** Les schémas des moyens de contact acceptés par le ménage (api/routes/contact-menage.ts). */
import { z } from 'zod';
import '../domain/zod-fr';
import { telephoneSchema } from '../sms';

const accorde = z
  .boolean({ error: 'accord du ménage attendu (oui ou non)' })
  .meta({ description: 'Le ménage accepte (true) ou refuse désormais (false) ce moyen de contact' });

export const contactMenageSchema = z.discriminatedUnion(
  'canal',
  [
    z
      .object({
        canal: z.literal('sms').meta({ description: 'Les SMS au portable du ménage', example: 'sms' }),
        accorde,
        telephone: telephoneSchema.optional().meta({ description: 'Le numéro de portable, pour accepter les SMS', example: '06 12 34 56 78' }),
      })
      .strict(),
    z
      .object({
        canal: z.literal('courriel').meta({
          description:
            'Les courriels au ménage : son accord avec son adresse, donnée ou corrigée depuis l’orientation (les courriels suivants du parcours y partent), ou son accord retiré (plus aucun ne part)',
        }),
        accorde,
        courriel: z
          .email({ error: 'adresse électronique attendue (par exemple prenom.nom@exemple.fr)' })
          .max(254)
          .optional()
          .meta({ description: 'L’adresse électronique du ménage, pour recevoir les courriels', example: 'josiane.lefebure@exemple.fr' }),
      })
      .strict(),
  ],
  { error: 'moyen de contact attendu : « sms » ou « courriel »' },
);

const accord = z.object({ accorde: z.boolean(), par: z.string().optional(), le: z.string().optional() });

export const etatContactMenageSchema = z.object({
  courriel: accord.meta({ description: 'Les courriels, à l’adresse du ménage' }),
  sms: accord.meta({ description: 'Les SMS, au portable du ménage' }),
  courrier: accord,
  adresseCourriel: z.string().optional().meta({
    description: 'L’adresse où partent les courriels au ménage (notée à l’orientation, donnée ou corrigée depuis) ; absente s’il ne les accepte pas ou plus',
    example: 'josiane.lefebure@exemple.fr',
  }),
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
  smsPrevus: z
    .object({ nombre: z.int().min(1), le: z.string().meta({ description: 'Quand partira le prochain (8 h, heure de Paris)' }) })
    .optional()
    .meta({
      description: 'Les SMS de ce parcours venus la nuit, un dimanche ou un jour férié, qui attendent 8 h pour partir (aucun SMS au ménage à ces heures-là)',
    }),
});
