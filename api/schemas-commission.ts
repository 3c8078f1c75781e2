/**
 * Les schémas zod des listes de la commission impayés (api/routes/commissions.ts) : le fichier
 * envoyé en JSON, l'aperçu et la trace d'un import (réponses, pour le document OpenAPI).
 */
import { z } from 'zod';
import '../domain/zod-fr';
import { jourDeParis } from '../domain/durees';

/**
 * Le jour de la séance de la commission (pas la désignation d'une ligne : elle en tient lieu pour les
 * lignes qui n'en donnent pas). Une séance a eu lieu : pas dans le futur (jour de Paris).
 */
export const seanceSchema = z.iso
  .date({ error: 'date de la séance attendue (AAAA-MM-JJ)', abort: true })
  .refine((jour) => jour <= jourDeParis(new Date()), 'la séance ne peut pas être dans le futur : indiquez le jour où la commission s’est réunie');

/** Au plus 2 Mo de fichier (une séance de commission : quelques dizaines de lignes). */
export const TAILLE_MAX_LISTE = 2 * 1024 * 1024;

export const listeCommissionSchema = z
  .object({
    fichier: z
      .string()
      .min(1, 'le contenu du fichier est vide')
      .max(Math.ceil(TAILLE_MAX_LISTE / 3) * 4 + 4, 'fichier trop volumineux (2 Mo au plus)')
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'le contenu du fichier, encodé en base64, est attendu')
      .meta({ description: 'Le fichier de la liste (CSV ou XLSX), encodé en base64', example: 'UsOpZsOpcmVuY2U7Tm9tIGR1IG3DqW5hZ2UK' }),
    nomFichier: z
      .string()
      .trim()
      .max(200, 'nom de fichier : 200 caractères au plus')
      .optional()
      .meta({ description: 'Le nom du fichier (son extension aide à reconnaître un ancien .xls) ; il n’est pas gardé', example: 'commission-2026-11-18.csv' }),
    dateSeance: seanceSchema.optional().meta({
      description: 'Le jour de la séance de la commission : la date de désignation des lignes qui n’en ont pas',
      example: '2026-11-18',
    }),
  })
  .strict()
  .meta({ title: 'Liste de la commission impayés' });

/** La même liste en formulaire multipart : le fichier tel quel. */
export const listeCommissionFichierSchema = z
  .object({
    fichier: z.string().meta({ format: 'binary', description: 'La liste : CSV (« ; » ou « , », UTF-8 ou Windows-1252) ou XLSX, 2 Mo au plus' }),
    dateSeance: listeCommissionSchema.shape.dateSeance.meta({ description: 'Le jour de la séance : la date de désignation des lignes qui n’en ont pas' }),
  })
  .meta({ title: 'Liste de la commission impayés (fichier joint)' });

/** L'identifiant d'un import de liste. */
export const idImportCommissionSchema = z.uuid('identifiant d’import invalide');

const erreurLigneSchema = z.object({
  colonne: z
    .string()
    .meta({ description: 'L’en-tête de la colonne, tel que le fichier l’écrit (vide : l’erreur porte sur toute la ligne)', example: 'Composition' }),
  message: z
    .string()
    .meta({ example: '« famile » n’est pas une composition connue (personne seule, couple, couple avec enfants, famille monoparentale, autre)' }),
});

const precedentSchema = z.object({ id: z.string(), le: z.iso.datetime(), par: z.string() });

export const apercuCommissionSchema = z
  .object({
    programmeId: z.string().meta({ example: 'besancon-ccas' }),
    empreinte: z.string().meta({ description: 'Empreinte SHA-256 du fichier' }),
    format: z.enum(['csv', 'xlsx']),
    dateSeance: z.iso.date().optional(),
    ligneEntetes: z.number().int().meta({ description: 'La ligne des en-têtes dans le tableur', example: 1 }),
    colonnes: z.array(
      z.object({
        entete: z.string(),
        colonne: z.string().meta({ description: 'La colonne reconnue (libellé du modèle)' }),
        lettre: z.string().meta({ example: 'A' }),
      }),
    ),
    colonnesIgnorees: z.array(z.string()).meta({ description: 'Les colonnes que l’import ne lit pas' }),
    lignes: z.array(
      z.object({
        ligne: z.number().int().meta({ description: 'Le numéro de la ligne dans le tableur', example: 2 }),
        statut: z.enum(['a_lancer', 'deja_lance', 'erreur']),
        reference: z.string().optional(),
        workflowId: z.string().optional(),
        nom: z.string().optional().meta({ description: 'Le nom du ménage' }),
        designeLe: z.iso.date().optional(),
        bailleur: z.string().optional().meta({ description: 'Le bailleur de l’annuaire reconnu' }),
        erreurs: z.array(erreurLigneSchema),
        avertissements: z.array(z.string()),
      }),
    ),
    totaux: z.object({
      lignes: z.number().int(),
      aLancer: z.number().int(),
      dejaLancees: z.number().int(),
      erreurs: z.number().int(),
      avertissements: z.number().int(),
    }),
    importsPrecedents: z.array(precedentSchema).meta({ description: 'Ce même fichier a déjà été importé (rien ne sera lancé deux fois)' }),
  })
  .meta({ title: 'Aperçu d’une liste de la commission' });

const ligneImportSchema = z.object({
  ligne: z.number().int(),
  statut: z.enum(['lance', 'deja_lance', 'rejete', 'a_lancer']),
  reference: z.string().optional(),
  workflowId: z.string().optional(),
  erreurs: z.array(erreurLigneSchema),
  avertissements: z.array(z.string()),
});

const resumeImport = {
  id: z.string().meta({ example: '5b0c5e0e-2f5c-4d3e-9d1b-7f6a2c1e4b90' }),
  programmeId: z.string(),
  empreinte: z.string(),
  format: z.string(),
  dateSeance: z.string().optional(),
  par: z.string(),
  le: z.iso.datetime(),
  termineLe: z.iso.datetime().optional(),
  statut: z.enum(['en_cours', 'termine', 'interrompu']),
  totaux: z.object({ lignes: z.number().int(), lancees: z.number().int(), dejaLancees: z.number().int(), rejetees: z.number().int() }),
};

export const importCommissionSchema = z
  .object({ ...resumeImport, lignes: z.array(ligneImportSchema), importsPrecedents: z.array(precedentSchema).optional() })
  .meta({ title: 'Import d’une liste de la commission' });

export const importsCommissionSchema = z.array(z.object(resumeImport)).meta({ title: 'Imports de listes de la commission' });
