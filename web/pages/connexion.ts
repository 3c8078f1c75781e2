/** La page de connexion du personnel. */
import { html, type Brut } from '../../api/html';

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
${o.erreur ? html`<div class="erreur" role="alert"><p>${o.erreur}</p></div>` : ''}
${
  o.fournisseur
    ? html`<form method="get" action="/connexion/oidc">
<input type="hidden" name="retour" value="${o.retour ?? '/parcours'}">
<div class="boutons"><button type="submit">Se connecter avec ${o.fournisseur}</button></div>
</form>
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
