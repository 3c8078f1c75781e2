/**
 * Les courriels au personnel qui ne tiennent pas à un parcours : l'invitation à choisir son mot de
 * passe (un lien à usage unique, qui expire).
 */
import { dateEnFrancais, heureEnFrancais } from '../domain/durees';
import type { Courriel, Jour } from './commun';

export const invitationPersonnel = (i: { par: string; role: string; identifiant: string; expireLe: Jour }): Courriel => ({
  sujet: 'Votre compte sur la plateforme de prévention des expulsions',
  paragraphes: [
    `${i.par} vous a ouvert un compte (${i.role}). Votre identifiant de connexion est « ${i.identifiant} ».`,
    `Choisissez votre mot de passe depuis le lien ci-dessous. Il ne sert qu’une fois et expire le ${dateEnFrancais(i.expireLe)} à ${heureEnFrancais(i.expireLe)}.`,
    'Si vous n’attendiez pas ce message, ignorez-le : aucun compte ne s’ouvrira sans ce lien.',
  ],
});
