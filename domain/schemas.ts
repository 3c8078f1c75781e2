/**
 * Schémas zod des bordures (HTTP, fichiers, entrées d'activités), construits sur les types de
 * domain/vocabulaire.ts. Jamais importé par le code des workflows.
 */
import { z } from 'zod';
import { nombreFr } from './zod-fr';
import { ajouterDuree, dateEnFrancais, jourDeParis } from './durees';
import { COMPOSITIONS_MENAGE, ISSUES_CLOTURE, type Menage } from './vocabulaire';
import { GARANTIES, STADES_PROCEDURE } from './prevention';

export const referenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/, 'référence de dossier : 2 à 40 caractères (lettres, chiffres, - et _), sans donnée personnelle')
  .meta({
    description: 'Sans donnée personnelle (ni nom, ni adresse) : elle figure dans l’adresse des pages et dans les courriels aux partenaires',
    example: 'LL-2026-0042',
  });

/** Caractères de contrôle (retour à la ligne, NUL…) et commandes d'inversion du sens d'écriture (Unicode bidi). */
const CARACTERES_INTERDITS = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Le refus d'une ligne de texte (nom, adresse) avec un caractère de contrôle ou une inversion du sens d'écriture. */
const uneLigne = (champ: string) =>
  [(v: string) => !CARACTERES_INTERDITS.test(v), `${champ} : une seule ligne, sans caractère de contrôle ni d’inversion du sens d’écriture`] as const;

/** Une ligne de texte (nom, service, motif) : bornée, sans caractère de contrôle. */
export const ligneTexte = (champ: string, min: number, max: number) =>
  z
    .string()
    .trim()
    // Rien de saisi : « champ obligatoire », pas une règle de longueur.
    .min(min, { error: (iss) => (iss.input === '' ? 'champ obligatoire' : `${champ} : ${min} caractère${min > 1 ? 's' : ''} au moins`) })
    .max(max, `${champ} : ${max} caractères au plus`)
    .refine(...uneLigne(champ));

/** Une adresse électronique dans les limites de la RFC 5321 (254 caractères, 64 avant « @ »). */
export const adresseCourrielSchema = z
  .email('adresse électronique invalide')
  .max(254, 'adresse électronique : 254 caractères au plus')
  .refine((v) => v.indexOf('@') <= 64, 'adresse électronique invalide : 64 caractères au plus avant « @ »');

export const menageSchema = z
  .object({
    reference: referenceSchema,
    nom: z
      .string()
      .trim()
      .min(1, 'champ obligatoire')
      .max(120)
      .refine(...uneLigne('nom'))
      .meta({ example: 'M. et Mme Traoré' }),
    composition: z.enum(COMPOSITIONS_MENAGE).meta({ example: 'famille_monoparentale' }),
    adresse: z
      .string()
      .trim()
      .min(5, { error: (iss) => (iss.input === '' ? 'champ obligatoire' : 'adresse trop courte : le numéro, la rue et la commune (5 caractères au moins)') })
      .max(300)
      .refine(...uneLigne('adresse'))
      .meta({ example: '12 rue des Tilleuls, 45000 Orléans' }),
    telephone: z
      .string()
      .regex(/^[0-9 +().-]{6,20}$/, 'numéro de téléphone invalide')
      .optional(),
    courriel: z.email('adresse électronique invalide').optional(),
    accepteCourriel: z.boolean().default(false).meta({ description: 'Le ménage accepte de recevoir des courriels' }),
    accepteSms: z.boolean().optional().meta({
      description:
        'Le ménage accepte de recevoir des SMS (à son numéro de portable) : un SMS court, sans détail, double chaque courriel qui lui est adressé, ou le remplace s’il n’accepte pas les courriels ; jamais entre 20 h et 8 h, le dimanche ni un jour férié',
    }),
  })
  .strict() satisfies z.ZodType<Menage, unknown>;

// ---------------------------------------------------------------------------------------------
// Vraisemblance des dates et des montants. « Aujourd'hui » est le jour de Paris au moment de la
// validation (calculé à chaque analyse, jamais au chargement du module) : un bail qui commence en
// 2099, une dette négative ou d'un milliard sont refusés avec une phrase, à la bordure.

/** Le plus ancien jour accepté pour une date saisie (bail, jugement, hébergement…). */
export const JOUR_PLANCHER = '1950-01-01';
/** Un bail (ou une sous-location, un protocole) peut commencer jusqu'à 6 mois après aujourd'hui. */
export const DELAI_DEBUT_MAX = 'P6M';
/** Une date passée peut être au plus demain (décalage horaire, saisie tardive le soir). */
export const DELAI_FAIT_MAX = 'P1D';
/** Un montant en euros : 1 000 000 € au plus (une dette, un loyer, une mensualité). */
export const MONTANT_MAX = 1_000_000;

/** Le jour de Paris (AAAA-MM-JJ) à `duree` (ISO 8601) d'aujourd'hui, à l'instant de la validation. */
export const jourDans = (duree: string, maintenant = new Date()): string => jourDeParis(ajouterDuree(maintenant, duree));

// `abort` : une date illisible n'est pas en plus « trop lointaine ».
const dateIso = () => z.iso.date({ error: 'date AAAA-MM-JJ attendue', abort: true });
const tropAncienne = (jour: string) => jour >= JOUR_PLANCHER;
const MESSAGE_TROP_ANCIENNE = `date trop ancienne : le ${dateEnFrancais(JOUR_PLANCHER)} au plus tôt`;

/**
 * Le premier jour de quelque chose (« le bail », « la sous-location », « le protocole ») : pas avant
 * 1950, pas plus de 6 mois après aujourd'hui.
 */
export const dateDebutSchema = (quoi: string) =>
  dateIso()
    .refine(tropAncienne, MESSAGE_TROP_ANCIENNE)
    .superRefine((jour, ctx) => {
      const limite = jourDans(DELAI_DEBUT_MAX);
      if (jour > limite)
        ctx.addIssue({
          code: 'custom',
          message: `date trop lointaine : ${quoi} ne peut pas commencer plus de 6 mois après aujourd’hui (le ${dateEnFrancais(limite)} au plus tard)`,
        });
    });

/**
 * Le jour d'un fait déjà survenu (contact, visite, jugement, signature, décision) : pas avant 1950, pas
 * dans le futur (demain au plus tard, pour une saisie faite tard le soir ou d'un autre fuseau).
 */
export const dateFaitSchema = () =>
  dateIso()
    .refine(tropAncienne, MESSAGE_TROP_ANCIENNE)
    .superRefine((jour, ctx) => {
      const limite = jourDans(DELAI_FAIT_MAX);
      if (jour > limite)
        ctx.addIssue({ code: 'custom', message: `date à venir : ce fait n’a pas encore eu lieu (date acceptée jusqu’au ${dateEnFrancais(limite)})` });
    });

/**
 * Un montant en euros, positif ou nul (`strict` : supérieur à zéro), borné (`max`, 1 000 000 € par
 * défaut).
 */
export const montantSchema = (o: { max?: number; strict?: boolean } = {}) => {
  const max = o.max ?? MONTANT_MAX;
  const n = z.number();
  return (o.strict ? n.positive('le montant doit être supérieur à zéro') : n.min(0, 'le montant doit être positif ou nul')).max(
    max,
    `montant invraisemblable : ${nombreFr(max)} € au plus`,
  );
};

export const requestIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'identifiant de requête : lettres, chiffres, . _ : -')
  .meta({
    description: 'Identifiant unique du message : un second envoi avec le même identifiant n’est pas appliqué deux fois',
    example: '7f3c2a4e-5b1d-4c1e-9a0f-3e2d1c0b9a88',
  });

export const issueClotureSchema = z.enum(ISSUES_CLOTURE);

export const affectationSchema = z.object({
  requestId: requestIdSchema,
  travailleurSocial: z
    .string()
    .regex(/^[a-z0-9._-]{2,40}$/, 'identifiant de compte invalide')
    .meta({ example: 'ts.martin' }),
});

/** Un document envoyé au ménage par courriel (POST /api/parcours/{id}/documents/{document}/envoi-menage). */
export const envoiDocumentAuMenageSchema = z.object({ requestId: requestIdSchema }).strict();

export const clotureAnticipeeSchema = z.object({
  requestId: requestIdSchema,
  motif: z.string().trim().min(3, 'motif requis (3 caractères au moins)').max(500).meta({ example: 'Le ménage a quitté le logement' }),
});

export const reponseValidationSchema = z.object({
  decision: z.enum(['approuve', 'refuse'], { error: 'choisissez « approuve » ou « refuse »' }),
  commentaire: z.string().trim().max(2000).optional(),
  montant: montantSchema({ max: 100_000 }).optional(),
  nouveauBail: z
    .object({ signeLe: z.iso.date('date de signature au format AAAA-MM-JJ'), dateEffet: z.iso.date('date de prise d’effet au format AAAA-MM-JJ').optional() })
    .optional(),
});

/** La situation d'un ménage orienté en prévention : lancement d'un parcours et fiche d'orientation d'un partenaire. */
export const situationSchema = z
  .object({
    impayesMois: z.number().int().min(0).max(120).meta({ description: 'Nombre de loyers mensuels impayés', example: 2 }),
    montantDette: montantSchema().meta({ description: 'Montant de la dette locative (€)', example: 812.4 }),
    debutBail: dateDebutSchema('le bail').meta({ example: '2026-07-01' }),
    garantie: z.enum(GARANTIES).meta({ example: 'aucune' }),
    dejaTente: z.string().trim().max(1000).default('').meta({ example: 'Deux relances écrites, un appel sans réponse' }),
    contactBailleur: z.boolean().meta({ description: 'Le bailleur a-t-il pu joindre le ménage ?', example: false }),
    suiviParServiceSocial: z.boolean().meta({ description: 'Un service social suit-il déjà le ménage ?', example: false }),
    isole: z.boolean().optional().meta({
      description:
        'Au sens du programme, « ménages sans enfants, personnes seules » : une personne seule ou un couple l’est déjà par sa composition (prioritaire) ; répondez « oui » pour un autre ménage isolé',
    }),
    gardeParServiceSocialDepartement: z
      .boolean()
      .optional()
      .meta({ description: 'Le service social du département accompagne déjà le ménage sur ses impayés et garde la situation (partage avec le CCAS)' }),
    stadeProcedure: z
      .enum(STADES_PROCEDURE, { error: `stade de la procédure attendu : ${STADES_PROCEDURE.join(', ')}` })
      .optional()
      .meta({
        description: 'Où en est la procédure du bailleur quand le ménage est orienté (facultatif) : elle sert à compter les procédures évitées',
        example: 'commandement_de_payer',
      }),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Des loyers impayés supposent un bail déjà commencé (jour de Paris). Une date trop lointaine a déjà son erreur.
    const aVenir = s.debutBail > jourDeParis(new Date()) && s.debutBail <= jourDans(DELAI_DEBUT_MAX);
    if ((s.impayesMois > 0 || s.montantDette > 0) && aVenir) {
      ctx.addIssue({
        code: 'custom',
        path: ['debutBail'],
        message: `le bail commence le ${dateEnFrancais(s.debutBail)} : il ne peut pas encore avoir de loyers impayés (vérifiez la date de début du bail, ou les impayés)`,
      });
    }
  });

// Le lancement d'un parcours (POST /api/parcours, une ligne d'une liste de la commission) et ses identifiants.

export const idProgrammeSchema = z
  .string()
  .regex(/^[a-z0-9-]{3,60}$/, 'identifiant de programme : minuscules, chiffres et tirets')
  .meta({ description: 'Identifiant du programme (preset)', example: 'loiret-ahu' });

export const idCompteSchema = z
  .string()
  .regex(/^[a-z0-9._-]{2,40}$/, 'identifiant de compte invalide')
  .meta({ description: 'Identifiant d’un compte du personnel', example: 'ts.martin' });

export const SEPARATEUR_ID = '--';

export const workflowIdDe = (programmeId: string, reference: string) => `${programmeId}${SEPARATEUR_ID}${reference}`;

/** L'identifiant d'une organisation de l'annuaire (« programme--nom »). */
export const idOrganisationSchema = z
  .string()
  .regex(/^[a-z0-9-]{3,60}--[a-z0-9_-]{2,60}$/, 'identifiant d’organisation de l’annuaire attendu (ex. reims-april--bailleur-plurial-novilia)');

export const lancementSchema = z
  .object({
    programmeId: idProgrammeSchema,
    menage: menageSchema,
    travailleurSocial: idCompteSchema.optional().meta({ description: 'Travailleur social affecté dès le lancement (facultatif)' }),
    bailleur: idOrganisationSchema.optional().meta({
      description:
        'Le bailleur du ménage (une organisation de l’annuaire du programme, voir GET /api/programmes/{id}/annuaire) ; obligatoire si le programme en a plusieurs',
      example: 'reims-april--bailleur-plurial-novilia',
    }),
    donnees: z
      .record(z.string(), z.unknown(), { error: 'objet attendu (données de lancement du parcours)' })
      .optional()
      .meta({ description: 'Données propres au type de parcours du programme (voir les schémas de lancement du registre)' }),
  })
  .strict()
  .meta({ title: 'Lancement d’un parcours' });
