/**
 * Schémas zod des bordures (HTTP, fichiers, entrées d'activités), construits sur les types de
 * domain/vocabulaire.ts. Jamais importé par le code des workflows.
 */
import { z } from 'zod';
import '../config/zod-fr';
import { COMPOSITIONS_MENAGE, ISSUES_CLOTURE, type Menage } from './vocabulaire';

export const referenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/, 'référence de dossier : 2 à 40 caractères (lettres, chiffres, - et _), sans donnée personnelle')
  .meta({ description: 'Référence du dossier, sans donnée personnelle (elle apparaît dans les identifiants)', example: 'LL-2026-0042' });

/** Caractères de contrôle (retour à la ligne, NUL…) et commandes d'inversion du sens d'écriture (Unicode bidi). */
const CARACTERES_INTERDITS = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Le refus d'une ligne de texte (nom, adresse) avec un caractère de contrôle ou une inversion du sens d'écriture. */
const uneLigne = (champ: string) => [(v: string) => !CARACTERES_INTERDITS.test(v), `${champ} : une seule ligne, sans caractère de contrôle ni d’inversion du sens d’écriture`] as const;

/** Une ligne de texte (nom, service, motif) : bornée, sans caractère de contrôle. */
export const ligneTexte = (champ: string, min: number, max: number) =>
  z.string().trim().min(min, `${champ} : ${min} caractère${min > 1 ? 's' : ''} au moins`).max(max, `${champ} : ${max} caractères au plus`).refine(...uneLigne(champ));

/** Une adresse électronique dans les limites de la RFC 5321 (254 caractères, 64 avant « @ »). */
export const adresseCourrielSchema = z
  .email('adresse électronique invalide')
  .max(254, 'adresse électronique : 254 caractères au plus')
  .refine((v) => v.indexOf('@') <= 64, 'adresse électronique invalide : 64 caractères au plus avant « @ »');

export const menageSchema = z
  .object({
    reference: referenceSchema,
    nom: z.string().trim().min(1, 'nom du ménage requis').max(120).refine(...uneLigne('nom')).meta({ example: 'M. et Mme Traoré' }),
    composition: z.enum(COMPOSITIONS_MENAGE).meta({ example: 'famille_monoparentale' }),
    adresse: z.string().trim().min(5, 'adresse du logement requise').max(300).refine(...uneLigne('adresse')).meta({ example: '12 rue des Tilleuls, 45000 Orléans' }),
    telephone: z.string().regex(/^[0-9 +().-]{6,20}$/, 'numéro de téléphone invalide').optional(),
    courriel: z.email('adresse électronique invalide').optional(),
    accepteCourriel: z.boolean().default(false).meta({ description: 'Le ménage accepte de recevoir des courriels' }),
  })
  .strict() satisfies z.ZodType<Menage, unknown>;

export const requestIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'identifiant de requête : lettres, chiffres, . _ : -')
  .meta({ description: 'Identifiant unique du message : un second envoi avec le même identifiant n’est pas appliqué deux fois', example: '7f3c2a4e-5b1d-4c1e-9a0f-3e2d1c0b9a88' });

export const issueClotureSchema = z.enum(ISSUES_CLOTURE);

export const affectationSchema = z.object({
  requestId: requestIdSchema,
  travailleurSocial: z.string().regex(/^[a-z0-9._-]{2,40}$/, 'identifiant de compte invalide').meta({ example: 'ts.martin' }),
});

export const clotureAnticipeeSchema = z.object({
  requestId: requestIdSchema,
  motif: z.string().trim().min(3, 'motif requis (3 caractères au moins)').max(500).meta({ example: 'Le ménage a quitté le logement' }),
});

export const reponseValidationSchema = z.object({
  decision: z.enum(['approuve', 'refuse'], { error: 'choisissez « approuve » ou « refuse »' }),
  commentaire: z.string().trim().max(2000).optional(),
  montant: z.number().nonnegative('montant positif attendu').max(100_000, '100 000 € au plus').optional(),
});
