/**
 * Schémas zod propres à l'API : corps et paramètres des routes, et schémas des réponses (utilisés
 * pour le document OpenAPI). Les schémas métier (ménage, affectation, clôture…) viennent de
 * domain/schemas.ts et les données de lancement / messages de chaque parcours du registre.
 */
import { z } from 'zod';
import '../domain/zod-fr';
import { ISSUES_CLOTURE, ROLES_PARTENAIRES, ROLES_PERSONNEL, TYPES_ORGANISATION, TYPES_PARCOURS } from '../domain/vocabulaire';
import { adresseCourrielSchema, idCompteSchema, idOrganisationSchema, idProgrammeSchema, ligneTexte, SEPARATEUR_ID } from '../domain/schemas';
// Le lancement d'un parcours et ses identifiants : des schémas du domaine (la liste de la commission les lit aussi).
export { idCompteSchema, idOrganisationSchema, idProgrammeSchema, lancementSchema, SEPARATEUR_ID, workflowIdDe } from '../domain/schemas';

/** Rendre la place d'une mesure IML arrêtée sans sa fin (route de la file IML). */
export const liberationPlaceSchema = z
  .object({
    mesure: z.string().trim().min(3).max(140).meta({ example: 'concarneau-iml--CON-2026-0007' }),
    motif: z.string().trim().min(3, 'motif requis (3 caractères au moins)').max(500).meta({ example: 'Mesure arrêtée par erreur dans Temporal' }),
  })
  .meta({ title: 'Libération de place', description: 'La mesure (identifiant de parcours) dont la place est rendue, et pourquoi' });

/** Identifiant de workflow d'un parcours : `<programme>--<référence du dossier>` (sans donnée personnelle). */
export const workflowIdSchema = z
  .string()
  .max(110)
  .regex(/^[a-z0-9-]{3,60}--[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/, 'identifiant de parcours attendu sous la forme « programme--référence »')
  .refine((id) => !id.startsWith('file-iml--'), 'la file d’attente IML n’est pas un parcours : voir /api/programmes/{id}/file-iml')
  .meta({ description: 'Identifiant du parcours : programme et référence du dossier', example: 'loiret-ahu--LL-2026-0042' });

/** La référence du dossier, lue dans l'identifiant du parcours. */
export function referenceDe(workflowId: string, programmeId?: string): string {
  if (programmeId && workflowId.startsWith(`${programmeId}${SEPARATEUR_ID}`)) return workflowId.slice(programmeId.length + SEPARATEUR_ID.length);
  const i = workflowId.indexOf(SEPARATEUR_ID);
  return i >= 0 ? workflowId.slice(i + SEPARATEUR_ID.length) : workflowId;
}

export const nomMessageSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'nom de message : minuscules, chiffres et tirets')
  .meta({ example: 'visite-faite' });

const booleenRequete = z
  .enum(['true', 'false', '1', '0', 'oui', 'non'], { error: 'booléen attendu : true ou false' })
  .transform((v) => v === 'true' || v === '1' || v === 'oui');

export const filtresListeSchema = z
  .object({
    programme: idProgrammeSchema.optional(),
    type: z.enum(TYPES_PARCOURS).optional().meta({ description: 'Type de parcours' }),
    etape: z
      .string()
      .regex(/^[a-z0-9_]{1,60}$/, 'étape : minuscules, chiffres et _')
      .optional()
      .meta({ description: 'Étape courante', example: 'aller_vers' }),
    travailleurSocial: idCompteSchema.optional(),
    enRetard: booleenRequete.optional().meta({ description: 'Seulement les parcours avec une échéance dépassée (true) ou sans (false)' }),
    cloture: booleenRequete.optional().meta({ description: 'Seulement les parcours clôturés (true) ou ouverts (false)' }),
    recherche: z
      .string()
      .trim()
      .max(100, 'recherche : 100 caractères au plus')
      .optional()
      .meta({ description: 'Début d’un mot du nom du ménage (3 lettres au moins) ou début de la référence du dossier', example: 'Dupo' }),
    page: z.coerce
      .number({ error: 'page : un nombre entier attendu' })
      .int('page : un nombre entier attendu')
      .min(1, 'page : 1 au moins')
      .max(100_000)
      .default(1)
      .meta({ description: 'Numéro de page (1 pour la première)', example: 1 }),
    taille: z.coerce
      .number({ error: 'taille : un nombre entier attendu' })
      .int('taille : un nombre entier attendu')
      .min(1, 'taille : 1 au moins')
      .max(200, 'taille : 200 au plus')
      .default(50)
      .meta({ description: 'Nombre de parcours par page (50 par défaut, 200 au plus)', example: 50 }),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Réponses (documentation OpenAPI)

export const personnePubliqueSchema = z.object({
  id: idCompteSchema,
  nom: z.string().meta({ example: 'Claire Coordination (AHU)' }),
  role: z.enum(ROLES_PERSONNEL),
  programmes: z.array(z.string()).meta({ example: ['loiret-ahu'] }),
});

export const sessionSchema = z
  .object({
    jeton: z.string().meta({ description: 'Jeton à présenter en « Authorization: Bearer … » (ou le cookie « session »)', example: 'q0Zb3…' }),
    expireLe: z.iso.datetime().meta({ example: '2026-03-12T18:30:00.000Z' }),
    personne: personnePubliqueSchema,
  })
  .meta({ title: 'Session ouverte' });

export const quiSuisJeSchema = sessionSchema.omit({ jeton: true }).meta({ title: 'Session courante' });

export const erreurChampSchema = z.object({
  champ: z.string().meta({ example: 'menage.reference' }),
  message: z.string().meta({ example: 'référence de dossier : 2 à 40 caractères (lettres, chiffres, - et _), sans donnée personnelle' }),
});

export const problemeSchema = z
  .object({
    type: z.string().meta({ example: '/problemes/requete-invalide' }),
    title: z.string().meta({ example: 'Requête invalide' }),
    status: z.number().int().meta({ example: 400 }),
    detail: z
      .string()
      .meta({ example: 'Champ « menage.reference » : référence de dossier : 2 à 40 caractères (lettres, chiffres, - et _), sans donnée personnelle' }),
    errors: z.array(erreurChampSchema).optional(),
  })
  .meta({ title: 'Problème (RFC 9457)', description: 'Toutes les erreurs de l’API, en français' });

const acteurSchema = z.object({
  type: z.enum(['systeme', 'personnel', 'partenaire']),
  id: z.string().optional(),
  role: z.string().optional(),
});

export const etatSchema = z
  .object({
    workflowId: workflowIdSchema,
    typeParcours: z.enum(TYPES_PARCOURS),
    programme: z.object({ id: z.string(), version: z.number().int(), nom: z.string() }),
    reference: z.string().meta({ example: 'LL-2026-0042' }),
    etape: z.string().meta({ example: 'aller_vers' }),
    libelleEtape: z.string().meta({ example: 'Aller vers le ménage' }),
    travailleurSocial: z.string().optional(),
    coordinateur: z.string().optional(),
    cloture: z.object({ issue: z.enum(ISSUES_CLOTURE), motif: z.string().optional(), le: z.iso.datetime() }).optional(),
    clotureEnCours: z.boolean().optional().meta({ description: 'Clôture décidée, pas encore faite : plus aucun message n’est accepté.' }),
    echeances: z.array(
      z.object({
        id: z.string(),
        libelle: z.string().meta({ example: 'Première visite à domicile' }),
        due: z.iso.datetime().meta({
          description:
            'Quand l’échéance passe : la fin, à Paris, du jour où tombe son délai (23:59:59,999), qu’il soit compté depuis un jour (désignation, signalement) ou depuis une action (un contact, un diagnostic), week-end compris ; l’heure exacte pour un délai en heures, un délai légal (nouveau bail) et les échéances de parcours d’avant cette règle',
          example: '2026-12-25T22:59:59.999Z',
        }),
        statut: z.enum(['en_cours', 'tenue', 'depassee', 'annulee']),
        tenueLe: z.iso.datetime().optional().meta({ description: 'Quand l’échéance a été tenue' }),
        depasseeLe: z.iso
          .datetime()
          .optional()
          .meta({ description: 'Quand elle a été constatée dépassée (gardé si elle est ensuite tenue, ou annulée à la clôture : un délai manqué)' }),
        alerteLe: z.iso.datetime().optional().meta({
          description:
            'Dépassée : quand l’alerte à la coordination partira (9 h, à Paris, le jour ouvré qui suit le dépassement ; aussitôt s’il a lieu aux heures ouvrées) ; absent une fois partie',
        }),
        responsable: z.string(),
      }),
    ),
    demandes: z.array(
      z.object({
        id: z.string(),
        role: z.enum(ROLES_PARTENAIRES),
        objet: z.string().meta({ example: 'Validation du plan d’aide avec une mesure ASLL' }),
        envoyeeLe: z.iso.datetime(),
        echeance: z.iso.datetime().meta({
          description:
            'Date limite de la réponse (et de son lien) : la fin, à Paris, du jour ouvré où tombe le délai du programme ou du suivant (23:59:59,999) ; à l’heure exacte pour le nouveau bail, la veille active et les demandes d’avant cette règle',
          example: '2026-12-21T22:59:59.999Z',
        }),
        statut: z.enum(['en_attente', 'approuvee', 'refusee', 'expiree']),
        apercu: z.array(z.string()).optional().meta({ description: 'Ce que le partenaire voit pour décider (rien de confidentiel)' }),
        closeParClotureLe: z.iso.datetime().optional().meta({ description: 'Demande fermée par la clôture du parcours, à cette date' }),
        fermee: z
          .object({ le: z.iso.datetime(), raison: z.string().meta({ example: 'paiement enregistré par l’équipe' }) })
          .optional()
          .meta({ description: 'Demande close avant son échéance, n’ayant plus d’objet (mois réglé par l’équipe, protocole rompu)' }),
        action: z.enum(['paiement', 'rechute', 'nouveau_bail', 'verification']).optional().meta({
          description:
            'Un lien de paiement du mois, de veille active (signaler une rechute), pour indiquer la signature du nouveau bail, ou pour dire avant le comité de suivi si le ménage est déjà accompagné (approuve : aucun accompagnement connu ; refuse : déjà accompagné), plutôt qu’une décision à prendre',
        }),
        decision: z
          .object({
            decision: z.enum(['approuve', 'refuse']),
            commentaire: z.string().optional(),
            montant: z.number().optional(),
            nouveauBail: z.object({ signeLe: z.iso.date(), dateEffet: z.iso.date().optional() }).optional(),
            par: z.string(),
            le: z.iso.datetime(),
          })
          .optional(),
      }),
    ),
    journal: z.array(
      z.object({
        seq: z.number().int(),
        date: z.iso.datetime(),
        type: z.string().meta({ example: 'visite' }),
        acteur: acteurSchema,
        resume: z.string().meta({ example: 'Visite à domicile : ménage rencontré' }),
        visibilite: z.enum(['partenaires', 'equipe']),
        requete: z.string().optional().meta({ description: 'L’identifiant de requête (requestId) du message qui a fait cet événement' }),
      }),
    ),
    details: z.record(z.string(), z.unknown()),
    detailsConfidentiels: z.record(z.string(), z.unknown()).meta({ description: 'Ce que le ménage a confié : jamais montré aux partenaires' }),
  })
  .meta({ title: 'État d’un parcours' });

export const STATUTS_EXECUTION = ['en_cours', 'termine', 'en_echec', 'annule', 'interrompu', 'expire', 'continue', 'inconnu'] as const;

export const resumeParcoursSchema = z
  .object({
    workflowId: workflowIdSchema,
    reference: z.string().meta({ example: 'LL-2026-0042' }),
    programme: z.string().meta({ example: 'loiret-ahu' }),
    typeParcours: z.string().meta({ example: 'prevention_precontentieuse' }),
    nom: z.string().optional().meta({ description: 'Nom du ménage', example: 'Famille Dupont' }),
    etape: z.string().meta({ example: 'aller_vers' }),
    libelleEtape: z.string().meta({ example: 'Aller vers le ménage' }),
    travailleurSocial: z.string().optional().meta({ example: 'ts.martin' }),
    prochaineEcheance: z.iso.datetime().optional().meta({ description: 'La plus proche échéance encore ouverte (dépassée ou à venir)' }),
    libelleEcheance: z.string().optional().meta({ example: 'Premier contact avec le ménage' }),
    enRetard: z.boolean(),
    cloture: z.boolean(),
    statut: z.enum(['en_cours', 'termine']).meta({ description: 'Parcours en cours ou terminé', example: 'en_cours' }),
    priorite: z
      .enum(['menage_isole'])
      .optional()
      .meta({ description: 'Ménage prioritaire pour son programme (Besançon : ménage isolé), en tête de liste tant qu’il est suivi' }),
    libellePriorite: z.string().optional().meta({ example: 'Prioritaire : ménage isolé' }),
  })
  .meta({ title: 'Parcours (liste)' });

/** Les messages qu'une étape permet (noms d'URL), dans la réponse d'un lancement et d'un message. */
const messagesPermisSchema = (description: string, example: string[]) => z.array(z.string()).optional().meta({ description, example });

export const lancementReponseSchema = z
  .object({
    workflowId: workflowIdSchema,
    etat: etatSchema,
    messagesPermis: messagesPermisSchema('Les messages que la première étape permet (noms d’URL : POST /api/parcours/{id}/messages/{nom})', [
      'tentative-contact',
      'cloture',
    ]),
    dejaSuivis: z
      .array(
        z.object({
          workflowId: workflowIdSchema,
          reference: z.string().meta({ example: 'M-2026-0112' }),
          libelleEtape: z.string().meta({ example: 'Aller vers le ménage' }),
        }),
      )
      .optional()
      .meta({
        description:
          'Les parcours déjà ouverts dans ce programme pour un ménage de même nom et de même adresse (comparés sans majuscules, accents ni ponctuation), sous une autre référence : le parcours est lancé, un doublon possible à vérifier (la coordination clôt celui qui est de trop)',
      }),
  })
  .meta({ title: 'Parcours lancé' });
export const reponseMessageSchema = z
  .object({
    resultat: z.unknown().meta({ description: 'Résultat renvoyé par le parcours' }),
    etape: z.string().optional().meta({ description: 'L’étape où le message laisse le parcours (« cloture » : clôture demandée)', example: 'diagnostic' }),
    libelleEtape: z.string().optional().meta({ example: 'Diagnostic' }),
    messagesPermis: messagesPermisSchema('Les messages que cette étape permet (noms d’URL) ; l’état complet se lit par GET /api/parcours/{id}', [
      'diagnostic',
      'cloture',
    ]),
  })
  .meta({ title: 'Message appliqué' });
/** Affectation et clôture anticipée : leur résultat et l'état du parcours relu ensuite. */
export const reponseActionSchema = z
  .object({ resultat: z.unknown().meta({ description: 'Résultat renvoyé par le parcours' }), etat: etatSchema })
  .meta({ title: 'Action de la coordination appliquée' });

/** La santé d'une installation où tout va bien : l'exemple du document OpenAPI, ce que rend /health. */
export const SANTE_OK = {
  etat: 'ok',
  detail: 'Tout fonctionne.',
  temporal: 'ok',
  base: 'ok',
  smtp: 'ok',
  workers: 'ok',
  interrogation: 'ok',
  courrielsEnAttente: 0,
  smsEnAttente: 0,
} as const;

export const santeSchema = z
  .object({
    etat: z.enum(['ok', 'degrade', 'indisponible']).meta({
      description:
        'Résumé : « ok » (HTTP 200) ; « degrade » : l’API répond et lit ses dossiers, mais les parcours n’avancent pas (aucun worker présent ou qui interroge la file, Temporal ou SMTP injoignable) ; « indisponible » : la base ne répond pas. HTTP 503 dans les deux derniers cas.',
    }),
    detail: z.string().meta({ description: 'Le résumé en une phrase, en français' }),
    temporal: z.enum(['ok', 'indisponible']),
    base: z.enum(['ok', 'indisponible']),
    smtp: z.enum(['ok', 'indisponible']),
    workers: z
      .enum(['ok', 'aucun', 'indisponible'])
      .meta({ description: 'Un worker au moins s’est signalé dans la base il y a moins de 20 s (« aucun » : les actions répondent 503)' }),
    interrogation: z.enum(['ok', 'aucune', 'indisponible']).meta({
      description:
        'Temporal voit un worker interroger la file des parcours (DescribeTaskQueue : dernière interrogation il y a moins de 90 s) ; « aucune » : un worker qui démarre, ou branché ailleurs',
    }),
    courrielsEnAttente: z.int().min(0).meta({
      description:
        'Courriels pas encore partis, refusés par le serveur de courriel à leur dernière tentative et encore repris (échec de moins d’une heure) : à surveiller. Le serveur joignable, ils ne changent pas l’état (les parcours avancent) ; le résumé les dit.',
    }),
    smsEnAttente: z.int().min(0).meta({
      description:
        'SMS aux ménages pas encore partis, refusés par le fournisseur de SMS à leur dernière tentative et encore renvoyés (trois jours au plus) : à surveiller. Ils ne changent pas l’état : le parcours avance sans les attendre.',
    }),
  })
  .meta({
    title: 'Santé',
    example: SANTE_OK,
  });

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 attendu');
export const payloadJsonSchema = z.object({
  metadata: z
    .record(z.string(), base64)
    .optional()
    .meta({ example: { encoding: 'anNvbi9wbGFpbg==' } }),
  data: base64.optional().meta({ example: 'eyJtZXNzYWdlIjoiYm9uam91ciJ9' }),
});
export const payloadsSchema = z
  .object({ payloads: z.array(payloadJsonSchema).max(10_000) })
  .meta({ title: 'Payloads (protocole « codec server » de Temporal)' });

// ---- L'annuaire des partenaires et le bailleur d'un parcours --------------------------------------

const contactEntreeSchema = z
  .object({
    nom: ligneTexte('nom', 2, 120).meta({ example: 'Sandrine Morel' }),
    courriel: adresseCourrielSchema.meta({ example: 's.morel@plurial-novilia.example' }),
    service: ligneTexte('service', 2, 80)
      .optional()
      .meta({ description: 'Le service (proximité, recouvrement, contentieux, action sociale…)', example: 'recouvrement' }),
  })
  .strict()
  .meta({ title: 'Contact d’un partenaire' });
export const nouveauContactSchema = contactEntreeSchema;

const quotaSchema = z.number().int('nombre entier attendu').min(1, 'au moins 1 ménage').max(10_000).nullable();

export const nouvelleOrganisationSchema = z
  .object({
    type: z
      .enum(TYPES_ORGANISATION, { error: 'choisissez le type d’organisation (bailleur social, bailleur privé, CCAS, association, département…)' })
      .meta({ example: 'bailleur_social' }),
    nom: ligneTexte('nom', 2, 120).meta({ example: 'Plurial Novilia — pôle recouvrement' }),
    quotaFileActive: quotaSchema
      .optional()
      .meta({ description: 'File active maximale (ménages suivis à la fois) pour un bailleur ; absent : sans limite', example: 20 }),
    contacts: z
      .array(contactEntreeSchema)
      .max(20)
      .refine((l) => new Set(l.map((c) => c.courriel.toLowerCase())).size === l.length, 'la même adresse électronique figure deux fois')
      .optional(),
  })
  .strict()
  .meta({ title: 'Nouvelle organisation de l’annuaire' });

export const modificationOrganisationSchema = z
  .object({
    nom: ligneTexte('nom', 2, 120).optional(),
    quotaFileActive: quotaSchema.optional(),
    actif: z.boolean().optional().meta({
      description: 'false : l’organisation ne peut plus être choisie ; ses parcours en cours gardent leurs contacts tant qu’elle n’est pas remplacée',
    }),
  })
  .strict()
  .refine((m) => Object.keys(m).length > 0, 'indiquez au moins un changement (nom, quotaFileActive ou actif)')
  .meta({ title: 'Modification d’une organisation' });

export const changementBailleurSchema = z
  .object({
    bailleur: idOrganisationSchema,
    motif: ligneTexte('motif', 3, 500).meta({ example: 'Mutation du ménage dans le parc de Plurial Novilia' }),
  })
  .strict()
  .meta({ title: 'Changement du bailleur d’un parcours' });

const contactSortieSchema = z.object({ id: z.string(), nom: z.string(), courriel: z.string(), service: z.string().nullable(), actif: z.boolean() });
export const organisationSchema = z
  .object({
    id: z.string(),
    programmeId: z.string(),
    type: z.enum(TYPES_ORGANISATION),
    libelleType: z.string(),
    nom: z.string(),
    quotaFileActive: z.number().int().nullable(),
    actif: z.boolean(),
    parcoursOuverts: z.number().int().optional().meta({ description: 'Bailleurs : parcours ouverts dont il est le bailleur (sa file active)' }),
    contacts: z.array(contactSortieSchema),
  })
  .meta({ title: 'Organisation de l’annuaire' });
export const contactSchema = contactSortieSchema.meta({ title: 'Contact' });
export const annuaireSchema = z.object({ programmeId: z.string(), organisations: z.array(organisationSchema) }).meta({ title: 'Annuaire d’un programme' });
export const bailleurParcoursSchema = z
  .object({
    bailleur: z.object({ id: z.string(), nom: z.string(), type: z.enum(TYPES_ORGANISATION) }).optional(),
    historique: z.array(z.object({ ancien: z.string().nullable(), nouveau: z.string(), par: z.string(), motif: z.string(), le: z.iso.datetime() })),
  })
  .meta({ title: 'Bailleur d’un parcours' });

/** L'identifiant d'un contact d'une organisation de l'annuaire. */
export const idContactSchema = z.string().regex(/^\d{1,18}$/, 'identifiant de contact : un nombre');

// ---- Les programmes suivis, la file IML, les indicateurs ---------------------------------------

export const programmeSuiviSchema = z
  .object({
    id: z.string().meta({ example: 'concarneau-iml' }),
    nom: z.string(),
    version: z.number().int(),
    typeParcours: z.enum(TYPES_PARCOURS),
    libelleTypeParcours: z.string(),
    parcoursOuverts: z.number().int(),
    parcoursEnRetard: z.number().int(),
    fileIml: z
      .object({ quota: z.number().int(), actives: z.number().int(), enAttente: z.number().int(), placesLibres: z.number().int() })
      .optional()
      .meta({ description: 'Programmes IML : quota de mesures, mesures actives, ménages en attente, places libres' }),
  })
  .meta({ title: 'Programme suivi' });

const mesureFileSchema = z.object({
  mesure: z.string().meta({ description: 'Identifiant du parcours de la mesure', example: 'concarneau-iml--CON-2026-0007' }),
  execution: z.string(),
  reference: z.string().meta({ example: 'CON-2026-0007' }),
  nom: z.string().optional().meta({ description: 'Nom du ménage (pour la coordination du programme)' }),
});

export const etatFileImlSchema = z
  .object({
    programmeId: z.string(),
    quota: z.number().int().meta({ description: 'Mesures agréées' }),
    versionProgramme: z.number().int(),
    placesLibres: z.number().int(),
    actives: z.array(
      mesureFileSchema.extend({
        depuis: z.string().meta({ description: 'Place accordée le…' }),
        demandeeLe: z.string().meta({ description: 'En file depuis le…' }),
      }),
    ),
    file: z.array(mesureFileSchema.extend({ depuis: z.string().meta({ description: 'En attente depuis le…' }), rang: z.number().int() })),
    compteurs: z.object({ demandes: z.number().int(), accordees: z.number().int(), liberees: z.number().int(), retirees: z.number().int() }),
    execution: z.number().int(),
  })
  .meta({ title: 'File IML d’un programme' });

export const placeRendueSchema = z
  .object({
    mesure: z.string().meta({ example: 'concarneau-iml--CON-2026-0007' }),
    statutMesure: z.string().meta({ description: 'Le statut du workflow de la mesure (TERMINATED, FAILED… ou INTROUVABLE)', example: 'TERMINATED' }),
    message: z.string(),
  })
  .meta({ title: 'Place rendue' });

export const indicateursSchema = z
  .looseObject({
    programmeId: z.string(),
    periode: z.object({ du: z.iso.date(), au: z.iso.date() }),
    typesParcours: z.array(z.string()),
    fichesLues: z.number().int(),
  })
  .meta({
    title: 'Indicateurs d’un programme',
    description:
      'Repérage, contacts, plans d’aide, ASLL, plans d’apurement, reprise du paiement, issues… : chaque compte avec les références des dossiers (aucune avec « pour=partenaires »)',
  });

/** Le document OpenAPI lui-même (GET /openapi.json). */
export const documentOpenApiSchema = z
  .looseObject({
    openapi: z.string().meta({ example: '3.1.0' }),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ title: 'Document OpenAPI' });
