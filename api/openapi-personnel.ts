/**
 * Le document OpenAPI de l'administration du personnel (api/routes/personnel.ts) et de la page
 * publique des invitations (web/routes-personnel.ts), enregistré avec les mêmes schémas zod.
 */
import { z } from 'zod';
import { json, pageHtml, SECURITE_PERSONNEL, type DocumentEnConstruction } from './openapi-commun';
import { idCompteSchema } from './schemas-api';
import {
  absenceSchema,
  choixMotDePasseSchema,
  compteSchema,
  declarationAbsenceSchema,
  idAbsenceSchema,
  invitationCompteSchema,
  invitationEnvoyeeSchema,
  jetonInvitationSchema,
  modificationCompteSchema,
} from './schemas-personnel';

const TAG = 'Personnel';

export const TAG_PERSONNEL = { name: TAG, description: 'Comptes du personnel (invitation, rôle, programmes, désactivation) ; absences et remplacements' };

/** Les composants du personnel, nommés dans le document. */
export function composantsPersonnel(d: DocumentEnConstruction) {
  return {
    invitationCompte: d.nommer('InvitationCompte', invitationCompteSchema),
    modificationCompte: d.nommer('ModificationCompte', modificationCompteSchema),
    declarationAbsence: d.nommer('DeclarationAbsence', declarationAbsenceSchema),
    compte: d.nommer('Compte', compteSchema),
    absence: d.nommer('Absence', absenceSchema),
    invitationEnvoyee: d.nommer('InvitationEnvoyee', invitationEnvoyeeSchema),
  };
}

export function cheminsPersonnel(d: DocumentEnConstruction, c: ReturnType<typeof composantsPersonnel>): void {
  const paramsCompte = z.object({ id: idCompteSchema.meta({ param: { description: 'Identifiant du compte', example: 'ts.martin' } }) });
  const paramsAbsence = paramsCompte.extend({ absence: idAbsenceSchema.meta({ param: { description: 'Identifiant de l’absence', example: '12' } }) });
  const paramsJeton = z.object({ token: jetonInvitationSchema });
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
  d.ajouter({
    method: 'get',
    path: '/api/personnel',
    operationId: 'listerPersonnel',
    tags: [TAG],
    summary: 'Les comptes du personnel',
    description:
      'Administration : tous les comptes ; coordination : le personnel de ses programmes, en lecture. Avec l’invitation en attente et les absences en cours ou à venir.',
    security: SECURITE_PERSONNEL,
    responses: {
      '200': { description: 'Les comptes', content: json(z.array(c.compte), [exempleCompte]) },
      ...d.problemes('NonConnecte', 'Interdit'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/personnel',
    operationId: 'inviterPersonnel',
    tags: [TAG],
    summary: 'Inviter une personne (créer son compte)',
    description:
      'Administration seulement. Le compte est créé sans mot de passe ; le lien d’invitation (valable 7 jours, une fois) est envoyé par courriel et renvoyé ici, une seule fois. 409 si l’identifiant est pris.',
    security: SECURITE_PERSONNEL,
    request: {
      body: {
        required: true,
        content: json(c.invitationCompte, {
          id: 'ts.lefebvre',
          nom: 'Léa Lefebvre',
          courriel: 'lea.lefebvre@ccas-orleans.example',
          role: 'travailleur_social',
          programmes: ['loiret-ahu'],
        }),
      },
    },
    responses: {
      '201': { description: 'Compte créé, invitation envoyée', content: json(c.invitationEnvoyee) },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Conflit', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'get',
    path: '/api/absences',
    operationId: 'listerAbsences',
    tags: [TAG],
    summary: 'Les absences en cours et à venir',
    description:
      'Avec le remplaçant et, pour chaque absent, le nombre de parcours ouverts dont il est le référent (dans les programmes de la personne qui lit).',
    security: SECURITE_PERSONNEL,
    responses: { '200': { description: 'Les absences', content: json(z.array(c.absence)) }, ...d.problemes('NonConnecte', 'Interdit') },
  });
  d.ajouter({
    method: 'patch',
    path: '/api/personnel/{id}',
    operationId: 'modifierPersonnel',
    tags: [TAG],
    summary: 'Changer le nom, l’adresse, le rôle, les programmes ; désactiver ou réactiver',
    description:
      'Administration seulement. Désactivé, le compte ne se connecte plus et ses sessions sont fermées aussitôt (toutes les API). Les autres changements valent aussitôt sur cette API, et sur les autres à leur relecture de l’annuaire (30 s au plus). 409 pour désactiver son propre compte ou se retirer l’administration.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsCompte, body: { required: true, content: json(c.modificationCompte, { actif: false }) } },
    responses: {
      '200': { description: 'Compte modifié', content: json(c.compte) },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/personnel/{id}/invitation',
    operationId: 'reinviterPersonnel',
    tags: [TAG],
    summary: 'Envoyer une nouvelle invitation (le lien précédent ne vaut plus)',
    description: 'Administration seulement ; aussi pour un mot de passe oublié. 409 si le compte est désactivé.',
    security: SECURITE_PERSONNEL,
    request: { params: paramsCompte },
    responses: {
      '201': { description: 'Invitation envoyée', content: json(c.invitationEnvoyee) },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/api/personnel/{id}/absences',
    operationId: 'declarerAbsence',
    tags: [TAG],
    summary: 'Déclarer une absence et son remplacement',
    description:
      'Administration, ou coordination d’un programme de la personne. Pendant l’absence (jours de Paris, bornes comprises), les courriels adressés à la personne vont au remplaçant, qui en est averti en tête. Le remplaçant : un compte actif, différent, qui suit un même programme. 409 si une autre absence chevauche ces jours.',
    security: SECURITE_PERSONNEL,
    request: {
      params: paramsCompte,
      body: { required: true, content: json(c.declarationAbsence, { du: '2027-03-01', au: '2027-03-14', remplacant: 'ts.durand' }) },
    },
    responses: {
      '201': { description: 'Absence enregistrée', content: json(c.absence) },
      ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable', 'Conflit', 'TypeContenu'),
    },
  });
  d.ajouter({
    method: 'delete',
    path: '/api/personnel/{id}/absences/{absence}',
    operationId: 'annulerAbsence',
    tags: [TAG],
    summary: 'Annuler une absence (la trace reste)',
    security: SECURITE_PERSONNEL,
    request: { params: paramsAbsence },
    responses: { '204': { description: 'Absence annulée' }, ...d.problemes('RequeteInvalide', 'NonConnecte', 'Interdit', 'Introuvable') },
  });
  d.ajouter({
    method: 'get',
    path: '/invitation/{token}',
    operationId: 'pageInvitation',
    tags: [TAG],
    summary: 'Page d’invitation : choisir son mot de passe (HTML)',
    description:
      'Page publique ouverte depuis le lien reçu par courriel. 404 : lien inconnu ; 409 : déjà utilisé ; 410 : expiré ou remplacé par une invitation plus récente.',
    security: [],
    request: { params: paramsJeton },
    responses: {
      '200': pageHtml('Formulaire du mot de passe'),
      '404': pageHtml('Lien inconnu'),
      '409': pageHtml('Lien déjà utilisé'),
      '410': pageHtml('Lien expiré ou remplacé'),
    },
  });
  d.ajouter({
    method: 'post',
    path: '/invitation/{token}',
    operationId: 'choisirMotDePasse',
    tags: [TAG],
    summary: 'Choisir son mot de passe depuis l’invitation',
    description: 'Formulaire (application/x-www-form-urlencoded) : mot de passe (12 caractères au moins) et confirmation. Le lien ne sert plus ensuite.',
    security: [],
    request: {
      params: paramsJeton,
      body: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: choixMotDePasseSchema,
            example: { motDePasse: 'une phrase facile à retenir', confirmation: 'une phrase facile à retenir' },
          },
        },
      },
    },
    responses: {
      '200': pageHtml('Mot de passe enregistré'),
      '400': pageHtml('Saisie à corriger'),
      '403': pageHtml('Formulaire d’un autre site'),
      '404': pageHtml('Lien inconnu'),
      '409': pageHtml('Lien déjà utilisé'),
      '410': pageHtml('Lien expiré ou remplacé'),
    },
  });
}
