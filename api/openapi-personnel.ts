/**
 * Le document OpenAPI de l'administration du personnel (api/routes/personnel.ts) et de la page
 * publique des invitations (web/routes-personnel.ts), construit depuis les mêmes schémas zod.
 */
import { FORME_JETON_INVITATION } from '../personnel/comptes';
import { versJsonSchema, type SchemaJson } from './openapi';
import {
  absenceSchema,
  compteSchema,
  declarationAbsenceSchema,
  invitationCompteSchema,
  invitationEnvoyeeSchema,
  modificationCompteSchema,
} from './schemas-personnel';

type Problemes = (...noms: Array<'RequeteInvalide' | 'NonConnecte' | 'Interdit' | 'Introuvable' | 'Conflit' | 'TypeContenu'>) => Record<string, unknown>;

const ref = (nom: string) => ({ $ref: `#/components/schemas/${nom}` });
const json = (schema: SchemaJson, example?: unknown) => ({ 'application/json': { schema, ...(example !== undefined ? { example } : {}) } });
const SECURITE: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];
const TAG = 'Personnel';

export const TAG_PERSONNEL = { name: TAG, description: 'Comptes du personnel (invitation, rôle, programmes, désactivation) ; absences et remplacements' };

export function schemasPersonnel(): Record<string, SchemaJson> {
  return {
    InvitationCompte: versJsonSchema(invitationCompteSchema),
    ModificationCompte: versJsonSchema(modificationCompteSchema),
    DeclarationAbsence: versJsonSchema(declarationAbsenceSchema),
    Compte: versJsonSchema(compteSchema, 'output'),
    Absence: versJsonSchema(absenceSchema, 'output'),
    InvitationEnvoyee: versJsonSchema(invitationEnvoyeeSchema, 'output'),
  };
}

export function cheminsPersonnel(problemes: Problemes): Record<string, Record<string, SchemaJson>> {
  const paramCompte = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Identifiant du compte',
    schema: { type: 'string', pattern: '^[a-z0-9._-]{2,40}$' },
    example: 'ts.martin',
  };
  const paramAbsence = {
    name: 'absence',
    in: 'path',
    required: true,
    description: 'Identifiant de l’absence',
    schema: { type: 'string', pattern: '^\\d{1,18}$' },
    example: '12',
  };
  const paramJeton = {
    name: 'token',
    in: 'path',
    required: true,
    description: 'Jeton de l’invitation reçu par courriel',
    schema: { type: 'string', pattern: FORME_JETON_INVITATION.source },
  };
  const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
  const exempleCompte = {
    id: 'ts.lefebvre',
    nom: 'Léa Lefebvre',
    courriel: 'lea.lefebvre@ccas-orleans.example',
    role: 'travailleur_social',
    libelleRole: 'Travail social',
    programmes: ['loiret-ahu'],
    actif: true,
    motDePasseChoisi: false,
    invitationExpireLe: '2027-03-08T09:00:00.000Z',
    absences: [],
  };
  return {
    '/api/personnel': {
      get: {
        operationId: 'listerPersonnel',
        tags: [TAG],
        summary: 'Les comptes du personnel',
        description:
          'Administration : tous les comptes ; coordination : le personnel de ses programmes, en lecture. Avec l’invitation en attente et les absences en cours ou à venir.',
        security: SECURITE,
        responses: {
          '200': { description: 'Les comptes', content: json({ type: 'array', items: ref('Compte') }, [exempleCompte]) },
          ...problemes('NonConnecte', 'Interdit'),
        },
      },
      post: {
        operationId: 'inviterPersonnel',
        tags: [TAG],
        summary: 'Inviter une personne (créer son compte)',
        description:
          'Administration seulement. Le compte est créé sans mot de passe ; le lien d’invitation (valable 7 jours, une fois) est envoyé par courriel et renvoyé ici, une seule fois. 409 si l’identifiant est pris.',
        security: SECURITE,
        requestBody: {
          required: true,
          content: json(ref('InvitationCompte'), {
            id: 'ts.lefebvre',
            nom: 'Léa Lefebvre',
            courriel: 'lea.lefebvre@ccas-orleans.example',
            role: 'travailleur_social',
            programmes: ['loiret-ahu'],
          }),
        },
        responses: {
          '201': { description: 'Compte créé, invitation envoyée', content: json(ref('InvitationEnvoyee')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Conflit', 'TypeContenu'),
        },
      },
    },
    '/api/absences': {
      get: {
        operationId: 'listerAbsences',
        tags: [TAG],
        summary: 'Les absences en cours et à venir',
        description:
          'Avec le remplaçant et, pour chaque absent, le nombre de parcours ouverts dont il est le référent (dans les programmes de la personne qui lit).',
        security: SECURITE,
        responses: { '200': { description: 'Les absences', content: json({ type: 'array', items: ref('Absence') }) }, ...problemes('NonConnecte', 'Interdit') },
      },
    },
    '/api/personnel/{id}': {
      patch: {
        operationId: 'modifierPersonnel',
        tags: [TAG],
        summary: 'Changer le nom, l’adresse, le rôle, les programmes ; désactiver ou réactiver',
        description:
          'Administration seulement. Désactivé, le compte ne se connecte plus et ses sessions sont fermées aussitôt (toutes les API). Les autres changements valent aussitôt sur cette API, et sur les autres à leur relecture de l’annuaire (30 s au plus). 409 pour désactiver son propre compte ou se retirer l’administration.',
        security: SECURITE,
        parameters: [paramCompte],
        requestBody: { required: true, content: json(ref('ModificationCompte'), { actif: false }) },
        responses: {
          '200': { description: 'Compte modifié', content: json(ref('Compte')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu'),
        },
      },
    },
    '/api/personnel/{id}/invitation': {
      post: {
        operationId: 'reinviterPersonnel',
        tags: [TAG],
        summary: 'Envoyer une nouvelle invitation (le lien précédent ne vaut plus)',
        description: 'Administration seulement ; aussi pour un mot de passe oublié. 409 si le compte est désactivé.',
        security: SECURITE,
        parameters: [paramCompte],
        responses: {
          '201': { description: 'Invitation envoyée', content: json(ref('InvitationEnvoyee')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
        },
      },
    },
    '/api/personnel/{id}/absences': {
      post: {
        operationId: 'declarerAbsence',
        tags: [TAG],
        summary: 'Déclarer une absence et son remplacement',
        description:
          'Administration, ou coordination d’un programme de la personne. Pendant l’absence (jours de Paris, bornes comprises), les courriels adressés à la personne vont au remplaçant, qui en est averti en tête. Le remplaçant : un compte actif, différent, qui suit un même programme. 409 si une autre absence chevauche ces jours.',
        security: SECURITE,
        parameters: [paramCompte],
        requestBody: { required: true, content: json(ref('DeclarationAbsence'), { du: '2027-03-01', au: '2027-03-14', remplacant: 'ts.durand' }) },
        responses: {
          '201': { description: 'Absence enregistrée', content: json(ref('Absence')) },
          ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu'),
        },
      },
    },
    '/api/personnel/{id}/absences/{absence}': {
      delete: {
        operationId: 'annulerAbsence',
        tags: [TAG],
        summary: 'Annuler une absence (la trace reste)',
        security: SECURITE,
        parameters: [paramCompte, paramAbsence],
        responses: { '204': { description: 'Absence annulée' }, ...problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable') },
      },
    },
    '/invitation/{token}': {
      get: {
        operationId: 'pageInvitation',
        tags: [TAG],
        summary: 'Page d’invitation : choisir son mot de passe (HTML)',
        description:
          'Page publique ouverte depuis le lien reçu par courriel. 404 : lien inconnu ; 409 : déjà utilisé ; 410 : expiré ou remplacé par une invitation plus récente.',
        security: [],
        parameters: [paramJeton],
        responses: {
          '200': page('Formulaire du mot de passe'),
          '404': page('Lien inconnu'),
          '409': page('Lien déjà utilisé'),
          '410': page('Lien expiré ou remplacé'),
        },
      },
      post: {
        operationId: 'choisirMotDePasse',
        tags: [TAG],
        summary: 'Choisir son mot de passe depuis l’invitation',
        description: 'Formulaire (application/x-www-form-urlencoded) : mot de passe (12 caractères au moins) et confirmation. Le lien ne sert plus ensuite.',
        security: [],
        parameters: [paramJeton],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['motDePasse', 'confirmation'],
                properties: { motDePasse: { type: 'string', minLength: 12, maxLength: 200 }, confirmation: { type: 'string', maxLength: 200 } },
              },
              example: { motDePasse: 'une phrase facile à retenir', confirmation: 'une phrase facile à retenir' },
            },
          },
        },
        responses: {
          '200': page('Mot de passe enregistré'),
          '400': page('Saisie à corriger'),
          '403': page('Formulaire d’un autre site'),
          '404': page('Lien inconnu'),
          '409': page('Lien déjà utilisé'),
          '410': page('Lien expiré ou remplacé'),
        },
      },
    },
  };
}
