/** La page publique d'une invitation : la personne invitée choisit son mot de passe. */
import { html, type Brut } from '../../rendu/html';
import { resumeErreurs } from '../../api/formulaires';
import { dateHeureFr } from '../libelles';

export interface OptionsInvitation {
  jeton: string;
  personneId: string;
  nom: string;
  expireLe: Date;
  /** Erreurs par champ (motDePasse, confirmation). */
  erreurs?: Record<string, string>;
}

const champ = (id: 'motDePasse' | 'confirmation', libelle: string, aide: string, erreur: string | undefined): Brut =>
  html`<div class="${erreur ? 'champ en-erreur' : 'champ'}"><label for="${id}">${libelle} <span class="aide">(obligatoire)</span></label>
<p class="aide" id="${id}-aide">${aide}</p>${erreur ? html`<p class="message-erreur" id="${id}-erreur">${erreur}</p>` : ''}
<input type="password" id="${id}" name="${id}" autocomplete="new-password" aria-required="true" aria-describedby="${id}-aide${erreur ? ` ${id}-erreur` : ''}"${erreur ? html` aria-invalid="true"` : ''}></div>`;

export function pageInvitation(o: OptionsInvitation): Brut {
  const erreurs = Object.values(o.erreurs ?? {});
  return html`<h1>Choisir votre mot de passe</h1>
<p>Bonjour ${o.nom}, un compte vous a été ouvert sur la plateforme de prévention des expulsions. Choisissez votre mot de passe : ce lien ne sert qu’une fois et expire le ${dateHeureFr(o.expireLe.toISOString())}.</p>
<form method="post" action="/invitation/${o.jeton}" novalidate>${erreurs.length ? resumeErreurs('Le mot de passe n’a pas été enregistré :', erreurs) : ''}
<div class="champ"><label for="identifiant">Votre identifiant de connexion</label><input type="text" id="identifiant" name="identifiant" value="${o.personneId}" autocomplete="username" readonly></div>
${champ('motDePasse', 'Mot de passe', '12 caractères au moins. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.', o.erreurs?.motDePasse)}
${champ('confirmation', 'Confirmation du mot de passe', 'Saisissez-le une seconde fois.', o.erreurs?.confirmation)}
<div class="boutons"><button type="submit">Enregistrer mon mot de passe</button></div>
</form>`;
}

export function pageInvitationAcceptee(personneId: string): Brut {
  return html`<h1>Mot de passe enregistré</h1>
<div class="succes" role="status"><p>Votre mot de passe est enregistré. Vous pouvez vous connecter avec votre identifiant « ${personneId} ».</p></div>
<p><a href="/connexion">Se connecter</a></p>`;
}

export function pageInvitationInvalide(message: string): Brut {
  return html`<h1>Lien d’invitation</h1><div class="erreur" role="alert" tabindex="-1" autofocus><p>${message}</p></div><p><a href="/connexion">Aller à la page de connexion</a></p>`;
}
