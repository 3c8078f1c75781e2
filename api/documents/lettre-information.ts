/**
 * La lettre d'information au ménage (parcours « prévention précontentieuse », étape 3) : imprimée
 * par l'opérateur et envoyée par courrier. Le texte est celui du parcours
 * (`paragraphesLettreInformation`, fonction pure du workflow), la même que le courriel envoyé au
 * ménage qui l'accepte ; s'y ajoutent l'en-tête, le destinataire, la date, le contact et la
 * formule de politesse.
 */
import type { Menage, Programme } from '../../domain/vocabulaire';
import { dateEnFrancais } from '../../workflows/blocs/duree';
import { paragraphesLettreInformation } from '../../workflows/prevention-precontentieuse';
import { html, type Brut } from '../html';

export interface DonneesLettre {
  programme: Programme;
  menage: Pick<Menage, 'nom' | 'adresse'>;
  reference: string;
  /** Date à laquelle le parcours a préparé la lettre (ISO 8601). */
  le: string;
  /** Nom du travailleur social affecté, s'il y en a un. */
  contact?: string;
}

/** L'adresse sur plusieurs lignes (fenêtre d'enveloppe) : une ligne par segment séparé par une virgule. */
export const lignesAdresse = (adresse: string): string[] =>
  adresse
    .split(/\s*[,\n]\s*/)
    .map((l) => l.trim())
    .filter(Boolean);

/** « 1er mars 2026 », « 12 mars 2026 ». */
export const dateLettre = (iso: string): string => dateEnFrancais(iso).replace(/^1 /, '1er ');

const avecSauts = (lignes: string[]): Brut => html`${lignes.map((l, i) => (i ? html`<br>${l}` : html`${l}`))}`;

export function contenuLettreInformation(d: DonneesLettre): Brut {
  const op = d.programme.operateur;
  return html`<article class="lettre" aria-labelledby="objet-lettre">
<p class="expediteur"><strong>${op.nom}</strong><br>${d.programme.nom}<br>Courriel : ${op.courriel}</p>
<p class="destinataire"><span class="visuellement-masque">Destinataire : </span>${d.menage.nom}<br>${avecSauts(lignesAdresse(d.menage.adresse))}</p>
<p class="date">Le ${dateLettre(d.le)}</p>
<p>Référence à rappeler : dossier ${d.reference}</p>
<h1 id="objet-lettre">Objet : un accompagnement vous est proposé</h1>
<p>Madame, Monsieur,</p>
${paragraphesLettreInformation(d.programme).map((p) => html`<p>${p}</p>`)}
<h2>Pour nous joindre</h2>
<ul>
<li>${op.nom}</li>
<li>Courriel : ${op.courriel}</li>
${d.contact ? html`<li>Personne chargée de votre accompagnement : ${d.contact}</li>` : ''}
<li>Merci de rappeler la référence du dossier ${d.reference} dans vos échanges.</li>
</ul>
<p>Nous restons à votre disposition et vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.</p>
<p class="signature">${op.nom}</p>
</article>`;
}
