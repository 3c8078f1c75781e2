/**
 * Schémas zod de l'administration du personnel (comptes, invitations, absences) : corps des routes
 * et réponses (document OpenAPI). Chaque message nomme le champ, en français.
 */
import { z } from 'zod';
import '../domain/zod-fr';
import { adresseCourrielSchema, ligneTexte } from '../domain/schemas';
import { ROLES_PERSONNEL, type RolePersonnel } from '../domain/vocabulaire';
import { FORME_JETON_INVITATION } from '../personnel/comptes';
import { idProgrammeSchema } from './schemas-api';

/** Les rôles du personnel tels que les pages et l'API les nomment (jamais le code). */
export const LIBELLES_ROLE_COMPTE: Record<RolePersonnel, string> = {
  coordinateur: 'Coordination',
  travailleur_social: 'Travail social',
  admin: 'Administration',
};

export const idCompteNouveauSchema = z
  .string()
  .min(1, { error: 'champ obligatoire', abort: true })
  .regex(/^[a-z0-9._-]{2,40}$/, 'identifiant : 2 à 40 caractères parmi a-z, 0-9, point, tiret et souligné (ex. ts.martin)')
  .meta({ description: 'Identifiant de connexion (2 à 40 caractères a-z, 0-9, . _ -)', example: 'ts.lefebvre' });

const roleSchema = z
  .enum(ROLES_PERSONNEL, { error: 'rôle : choisissez Coordination, Travail social ou Administration' })
  .meta({ description: 'coordinateur : Coordination ; travailleur_social : Travail social ; admin : Administration', example: 'travailleur_social' });

const programmesSchema = z
  .array(idProgrammeSchema, { error: 'programmes : liste d’identifiants de programmes attendue' })
  .max(50, 'programmes : 50 au plus')
  .meta({ description: 'Programmes suivis (coordination, travail social) ; ignorés pour l’administration, qui les voit tous', example: ['loiret-ahu'] });

const nomSchema = ligneTexte('nom', 2, 120).meta({ example: 'Léa Lefebvre' });
const courrielSchema = adresseCourrielSchema.meta({ example: 'lea.lefebvre@ccas-orleans.example' });

const auMoinsUnProgramme = (c: { role?: RolePersonnel; programmes?: string[] }, ctx: z.RefinementCtx) => {
  if (c.role && c.role !== 'admin' && c.programmes !== undefined && c.programmes.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['programmes'], message: 'au moins un programme pour la coordination et le travail social' });
  }
};

export const invitationCompteSchema = z
  .object({ id: idCompteNouveauSchema, nom: nomSchema, courriel: courrielSchema, role: roleSchema, programmes: programmesSchema.default([]) })
  .strict()
  .superRefine(auMoinsUnProgramme)
  .meta({
    title: 'Invitation d’un compte du personnel',
    description: 'Le compte est créé sans mot de passe : la personne choisit le sien depuis le lien reçu par courriel (valable 7 jours, une fois).',
  });

export const modificationCompteSchema = z
  .object({
    nom: nomSchema.optional(),
    courriel: courrielSchema.optional(),
    role: roleSchema.optional(),
    programmes: programmesSchema.optional(),
    actif: z
      .boolean({ error: 'actif : true ou false' })
      .optional()
      .meta({ description: 'false : le compte ne se connecte plus, ses sessions sont fermées et ses invitations annulées ; true : réactivé' }),
  })
  .strict()
  .superRefine(auMoinsUnProgramme)
  .refine((m) => Object.keys(m).length > 0, 'indiquez au moins un changement (nom, courriel, role, programmes ou actif)')
  .meta({ title: 'Modification d’un compte du personnel', example: { role: 'coordinateur', programmes: ['loiret-ahu'] } });

export const idAbsenceSchema = z.string().regex(/^\d{1,18}$/, 'identifiant d’absence : un nombre');

/** Le jeton d'une invitation, tel que le lien reçu par courriel le porte. */
export const jetonInvitationSchema = z.string().regex(FORME_JETON_INVITATION).meta({ description: 'Jeton de l’invitation reçu par courriel' });

const jourSchema = (champ: string, exemple: string) => z.iso.date({ error: `${champ} : date attendue (AAAA-MM-JJ)`, abort: true }).meta({ example: exemple });

export const declarationAbsenceSchema = z
  .object({
    du: jourSchema('du', '2027-03-01').meta({ description: 'Premier jour d’absence (jour de Paris)' }),
    au: jourSchema('au', '2027-03-14').meta({ description: 'Dernier jour d’absence, compris (jour de Paris)' }),
    remplacant: z
      .string()
      .regex(/^[a-z0-9._-]{2,40}$/, 'remplacant : identifiant de compte attendu (ex. ts.durand)')
      .meta({ description: 'Le compte qui reçoit, pendant l’absence, les courriels adressés à la personne absente', example: 'ts.durand' }),
  })
  .strict()
  .refine((a) => a.au >= a.du, { path: ['au'], error: 'la fin de l’absence ne peut pas précéder son début' })
  .meta({ title: 'Déclaration d’absence' });

export const absenceSchema = z
  .object({
    id: z.string(),
    personne: z.string(),
    nomPersonne: z.string(),
    du: z.iso.date(),
    au: z.iso.date(),
    remplacant: z.string(),
    nomRemplacant: z.string(),
    enCours: z.boolean().meta({ description: 'Vrai si l’absence couvre aujourd’hui (jour de Paris)' }),
    menagesSuivis: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Parcours ouverts dont la personne absente est le référent (programmes de la personne qui lit)' }),
    declareePar: z.string(),
    declareeLe: z.iso.datetime(),
  })
  .meta({ title: 'Absence' });

export const compteSchema = z
  .object({
    id: z.string(),
    nom: z.string(),
    courriel: z.string(),
    role: z.enum(ROLES_PERSONNEL),
    libelleRole: z.string().meta({ example: 'Travail social' }),
    programmes: z.array(z.string()),
    actif: z.boolean(),
    motDePasseChoisi: z.boolean().meta({ description: 'Faux tant que la personne n’a pas choisi son mot de passe depuis son invitation' }),
    invitationExpireLe: z.iso.datetime().optional().meta({ description: 'Expiration de l’invitation en attente' }),
    absences: z.array(absenceSchema),
  })
  .meta({ title: 'Compte du personnel' });

export const invitationEnvoyeeSchema = z
  .object({
    compte: compteSchema,
    invitation: z.object({
      lien: z.url().meta({ description: 'Le lien d’invitation : montré une fois, jamais gardé en clair' }),
      expireLe: z.iso.datetime(),
      courrielEnvoye: z.boolean().meta({ description: 'Faux si le serveur de courriel a refusé l’envoi : transmettez le lien vous-même' }),
    }),
  })
  .meta({ title: 'Invitation envoyée' });

/** Le formulaire de la page d'invitation (public). */
export const choixMotDePasseSchema = z
  .object({
    motDePasse: z.string().min(12, 'mot de passe : 12 caractères au moins').max(200, 'mot de passe : 200 caractères au plus'),
    confirmation: z.string().max(200, 'confirmation : 200 caractères au plus'),
  })
  .refine((m) => m.motDePasse === m.confirmation, { path: ['confirmation'], error: 'la confirmation ne reprend pas le mot de passe' });
