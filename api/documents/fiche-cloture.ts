/**
 * La fiche de clôture d'un parcours « prévention précontentieuse » (étape 11), rendue depuis
 * `details.ficheCloture` : issue, libellé, motif, date et bilans. Elle ne contient rien de ce que
 * le ménage a confié (ni son nom) : l'opérateur peut la transmettre aux partenaires.
 */
import { z } from 'zod';
import { LIBELLES_ISSUES, type EtatParcours, type IssueCloture } from '../../domain/vocabulaire';
import { dateEnFrancais } from '../../workflows/blocs/duree';
import { html, type Brut } from '../html';

const LIBELLES_REPRISE: Record<string, string> = { totale: 'Reprise totale', partielle: 'Reprise partielle', aucune: 'Pas de reprise' };

/** La forme de `details.ficheCloture` écrite par le workflow (lue avec prudence : état non typé). */
export const ficheClotureSchema = z.object({
  issue: z.string(),
  libelle: z.string().optional(),
  motif: z.string().optional().nullable(),
  le: z.string(),
  bilans: z
    .array(z.object({ jalon: z.string(), reprisePaiement: z.string(), planRespecte: z.boolean() }).loose())
    .default([]),
});
export type FicheCloture = z.infer<typeof ficheClotureSchema>;

export function lireFicheCloture(etat: EtatParcours): FicheCloture | undefined {
  const r = ficheClotureSchema.safeParse(etat.details.ficheCloture);
  return r.success ? r.data : undefined;
}

export function contenuFicheCloture(etat: EtatParcours, fiche: FicheCloture, travailleurSocial?: string): Brut {
  const libelle = fiche.libelle ?? LIBELLES_ISSUES[fiche.issue as IssueCloture] ?? fiche.issue;
  const precedent = typeof etat.details.parcoursPrecedent === 'string' ? etat.details.parcoursPrecedent : undefined;
  const suivant = typeof etat.details.parcoursSuivant === 'string' ? etat.details.parcoursSuivant : undefined;
  return html`<article class="fiche" aria-labelledby="titre-fiche">
<h1 id="titre-fiche">Fiche de clôture — dossier ${etat.reference}</h1>
<dl class="infos">
  <dt>Dispositif</dt><dd>${etat.programme.nom}</dd>
  <dt>Dossier</dt><dd>${etat.reference}</dd>
  <dt>Parcours</dt><dd>Prévention précontentieuse</dd>
  ${travailleurSocial ? html`<dt>Travailleur social</dt><dd>${travailleurSocial}</dd>` : ''}
  ${precedent ? html`<dt>Parcours précédent</dt><dd>${precedent}</dd>` : ''}
</dl>
<h2>Issue de l’accompagnement</h2>
<dl class="infos">
  <dt>Issue</dt><dd>${libelle}</dd>
  <dt>Motif</dt><dd>${fiche.motif ? fiche.motif : 'Non précisé'}</dd>
  <dt>Date de clôture</dt><dd>${dateEnFrancais(fiche.le)}</dd>
  ${suivant ? html`<dt>Rechute signalée</dt><dd>Nouveau parcours ouvert : ${suivant}</dd>` : ''}
</dl>
<h2>Bilans</h2>
${
  fiche.bilans.length
    ? html`<table>
<caption class="visuellement-masque">Bilans enregistrés pendant le suivi</caption>
<thead><tr><th scope="col">Jalon</th><th scope="col">Reprise du paiement du loyer</th><th scope="col">Plan d’apurement</th></tr></thead>
<tbody>
${fiche.bilans.map((b) => html`<tr><th scope="row">${b.jalon}</th><td>${LIBELLES_REPRISE[b.reprisePaiement] ?? b.reprisePaiement}</td><td>${b.planRespecte ? 'Respecté' : 'Non respecté'}</td></tr>`)}
</tbody>
</table>`
    : html`<p>Aucun bilan n’a été enregistré.</p>`
}
<p class="aide">Cette fiche ne contient aucune information confiée par le ménage : elle peut être transmise aux partenaires du dispositif.</p>
</article>`;
}
