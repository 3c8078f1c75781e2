/** La page de connexion du personnel. */
import { html, type Brut } from '../../rendu/html';

export interface OptionsConnexion {
  erreur?: string;
  info?: string;
  identifiant?: string;
  retour?: string;
  /** Le nom du fournisseur OpenID Connect (OIDC_NOM), s'il est configuré : son bouton passe en premier. */
  fournisseur?: string;
}

export function pageConnexion(o: OptionsConnexion): Brut {
  return html`<h1>Connexion du personnel</h1>
${o.info ? html`<div class="encadre" role="status"><p>${o.info}</p></div>` : ''}
${o.erreur ? html`<div class="erreur" role="alert" tabindex="-1" autofocus><p>${o.erreur}</p></div>` : ''}
${
  o.fournisseur
    ? // Un lien, pas un formulaire : la CSP des pages (form-action 'self', api/html.ts) bloque dans
      // Chromium la redirection d'un envoi de formulaire vers le fournisseur (autre origine).
      html`<div class="boutons"><a class="bouton" href="/connexion/oidc?${new URLSearchParams({ retour: o.retour ?? '/parcours' }).toString()}">Se connecter avec ${o.fournisseur}</a></div>
<h2>Ou avec votre identifiant et votre mot de passe</h2>`
    : ''
}
<form method="post" action="/connexion">
<input type="hidden" name="retour" value="${o.retour ?? '/parcours'}">
<div class="champ"><label for="identifiant">Identifiant</label>
<input type="text" id="identifiant" name="identifiant" autocomplete="username" autocapitalize="none" spellcheck="false" value="${o.identifiant ?? ''}" aria-required="true"${o.erreur ? html` aria-describedby="aide-connexion"` : ''}></div>
<div class="champ"><label for="motDePasse">Mot de passe</label>
<input type="password" id="motDePasse" name="motDePasse" autocomplete="current-password" aria-required="true"></div>
<p class="aide" id="aide-connexion">Coordination et travail social. Les partenaires n’ont pas de compte : ils répondent par les liens reçus par courriel.</p>
<div class="boutons"><button type="submit">Se connecter</button></div>
</form>`;
}
