/**
 * Les listes de la commission impayés : l'envoi du fichier d'une séance, l'aperçu ligne par ligne
 * (rien n'est lancé), puis le compte rendu de l'import (lancés, déjà lancés, rejetés).
 */
import { brut, html, type Brut } from '../../rendu/html';
import type { ApercuCommission } from '../../api/routes/commissions';
import { statutApercu } from '../../api/routes/commissions';
import { COLONNES } from '../../commissions/colonnes';
import type { ImportCommission, LigneImport } from '../../commissions/registre';
import { nombreDe } from '../../domain/libelles';
import type { Programme } from '../../domain/vocabulaire';
import { dureeEnFrancais } from '../../domain/durees';
import { resumeErreurs } from '../../api/formulaires';
import { dateFr, dateHeureFr } from '../libelles';
import { nomDe, tableau, type Contexte } from './commun';

const base = (p: Programme) => `/programmes/${p.id}/commission`;

const LIBELLES_STATUT_IMPORT = { en_cours: 'en cours', termine: 'terminé', interrompu: 'interrompu (renvoyez le même fichier pour le terminer)' } as const;

export function pageEnvoiCommission(
  ctx: Contexte,
  programme: Programme,
  o: {
    imports: Array<Omit<ImportCommission, 'lignes'>>;
    erreurs?: string[];
    dateSeance?: string;
    /** Le fichier d'un envoi refusé, gardé pour ne pas le choisir de nouveau. */
    fichierGarde?: { base64: string; nomFichier?: string };
  },
): Brut {
  const garde = o.fichierGarde;
  const d = programme.delais;
  return html`<h1>Liste de la commission impayés : ${programme.nom}</h1>
<p>La commission désigne une liste de situations ; les délais du programme courent depuis la désignation${d.premiereVisite ? ` (première visite à domicile dans les ${dureeEnFrancais(d.premiereVisite)})` : ''}. Importez la liste de la séance telle que le secrétariat l’envoie : un tableur (.xlsx) ou un fichier CSV, une ligne par ménage.</p>
${resumeErreurs('La liste n’a pas pu être lue :', o.erreurs ?? [])}
<form method="post" action="${base(programme)}/apercu" enctype="multipart/form-data" novalidate>
<input type="hidden" name="csrf" value="${ctx.csrf}">
${
  garde
    ? html`<input type="hidden" name="fichierGarde" value="${garde.base64}"><input type="hidden" name="nomFichierGarde" value="${garde.nomFichier ?? ''}">
<div class="encadre" role="status"><p>Fichier gardé : <strong>${garde.nomFichier || 'la liste envoyée'}</strong>. Envoyez sans choisir de fichier pour le réutiliser, ou choisissez-en un autre pour le remplacer.</p></div>`
    : ''
}
<div class="champ"><label for="commission-fichier">Fichier de la liste (.xlsx ou .csv, 2 Mo au plus) <span class="aide">${garde ? 'facultatif : le fichier gardé sert sinon' : 'obligatoire'}</span></label>
<input type="file" id="commission-fichier" name="fichier" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"${garde ? '' : brut(' required')} aria-describedby="commission-fichier-aide">
<p class="aide" id="commission-fichier-aide">Rien n’est lancé à cette étape : la page suivante montre chaque ligne, ses erreurs et ses avertissements.</p></div>
<div class="champ"><label for="commission-dateSeance">Date de la séance</label>
<input type="date" id="commission-dateSeance" name="dateSeance" value="${o.dateSeance ?? ''}" aria-describedby="commission-dateSeance-aide">
<p class="aide" id="commission-dateSeance-aide">Le jour où la commission a désigné les ménages de la liste : il sert de date de désignation aux lignes qui n’en donnent pas (colonne « Date de désignation »), et les délais du programme en partent.</p></div>
<div class="boutons"><button type="submit">Voir l’aperçu</button></div>
</form>
<section aria-labelledby="titre-colonnes"><h2 id="titre-colonnes">Les colonnes de la liste</h2>
<p>La première ligne nomme les colonnes (les accents, les majuscules et quelques variantes n’importent pas) ; les colonnes en plus sont ignorées. <a href="${base(programme)}/modele.csv">Télécharger le modèle (CSV)</a>.</p>
${tableau({
  region: 'Colonnes de la liste',
  lignes: COLONNES,
  colonnes: [
    { titre: 'Colonne', nomme: true, valeur: (c) => html`${c.libelle}${c.requise ? html` <span class="aide">(obligatoire)</span>` : ''}` },
    { titre: 'Aussi reconnue sous', valeur: (c) => c.synonymes.slice(0, 4).join(', ') },
    { titre: 'Contenu', valeur: (c) => c.aide },
  ],
})}</section>
<section aria-labelledby="titre-imports"><h2 id="titre-imports">Imports précédents</h2>
${
  o.imports.length
    ? html`<ul>${o.imports.map(
        (i) =>
          html`<li><a href="${base(programme)}/${i.id}">${dateHeureFr(i.le.toISOString())}</a>${i.dateSeance ? ` — séance du ${dateFr(i.dateSeance)}` : ''} — par ${nomDe(ctx.deps, i.par)} : ${nombreDe(i.totaux.lancees, 'ménage lancé', 'ménages lancés')}, ${nombreDe(i.totaux.dejaLancees, 'déjà lancé', 'déjà lancés')}, ${nombreDe(i.totaux.rejetees, 'ligne rejetée', 'lignes rejetées')} (${LIBELLES_STATUT_IMPORT[i.statut]})</li>`,
      )}</ul>`
    : html`<p>Aucune liste importée pour ce programme.</p>`
}</section>`;
}

/** Les erreurs d'une ligne : la colonne (son en-tête dans le fichier), ce qui ne va pas et ce qui est attendu. */
const erreursLigne = (erreurs: Array<{ colonne: string; message: string }>) =>
  erreurs.length ? html`<ul>${erreurs.map((e) => html`<li>${e.colonne ? `Colonne « ${e.colonne} » : ` : ''}${e.message}</li>`)}</ul>` : brut('');
const avertissementsLigne = (a: string[]) => (a.length ? html`<ul>${a.map((x) => html`<li>Attention : ${x}</li>`)}</ul>` : brut(''));

export function pageApercuCommission(ctx: Contexte, a: ApercuCommission, o: { fichierBase64: string; nomFichier?: string }): Brut {
  const { programme, liste } = a;
  const statuts = liste.lignes.map((l) => ({ l, statut: statutApercu(l, a.dejaLances) }));
  const aLancer = statuts.filter((x) => x.statut === 'a_lancer').length;
  const deja = statuts.filter((x) => x.statut === 'deja_lance').length;
  const fausses = statuts.filter((x) => x.statut === 'erreur');
  const libelle = { a_lancer: 'À lancer', deja_lance: 'Déjà lancé', erreur: 'À corriger' } as const;
  return html`<h1>Aperçu de la liste : ${programme.nom}</h1>
<p><a href="${base(programme)}">← Choisir un autre fichier</a></p>
<div class="encadre" role="status"><p><strong>${nombreDe(liste.lignes.length, 'ligne lue', 'lignes lues')}</strong> (en-têtes ligne ${liste.ligneEntetes}${a.dateSeance ? `, séance du ${dateFr(a.dateSeance)}` : ''}) : <strong>${nombreDe(aLancer, 'ménage à lancer', 'ménages à lancer')}</strong>, ${nombreDe(deja, 'déjà lancé', 'déjà lancés')}, <strong>${nombreDe(fausses.length, 'ligne à corriger', 'lignes à corriger')}</strong>. Rien n’a encore été lancé.</p>
${liste.colonnesIgnorees.length ? html`<p class="aide">Colonnes ignorées : ${liste.colonnesIgnorees.map((c) => `« ${c} »`).join(', ')}.</p>` : ''}
${a.importsPrecedents.length ? html`<p>Ce fichier a déjà été importé (${a.importsPrecedents.map((p) => dateHeureFr(p.le.toISOString())).join(', ')}) : les ménages déjà lancés ne le seront pas deux fois.</p>` : ''}</div>
${
  fausses.length
    ? html`<div class="alerte" role="alert" tabindex="-1" autofocus><h2>${nombreDe(fausses.length, 'ligne ne sera pas importée', 'lignes ne seront pas importées')}</h2>
<p>Corrigez ${fausses.length > 1 ? 'ces lignes' : 'cette ligne'} dans le fichier puis importez-le à nouveau : les ménages déjà lancés ne le seront pas deux fois.</p>
<ul>${fausses.map(({ l }) => html`<li><strong>Ligne ${l.ligne}</strong>${l.reference ? ` (${l.reference})` : ''} :${erreursLigne(l.erreurs)}</li>`)}</ul></div>`
    : brut('')
}
${tableau({
  region: 'Lignes de la liste',
  legende: 'Les lignes de la liste',
  lignes: statuts,
  colonnes: [
    { titre: 'Ligne', valeur: ({ l }) => l.ligne },
    { titre: 'Référence', valeur: ({ l }) => l.reference ?? '—' },
    { titre: 'Ménage', valeur: ({ l }) => l.nom ?? '—' },
    { titre: 'Bailleur', valeur: ({ l }) => l.bailleur?.nom ?? '—' },
    { titre: 'Désigné le', valeur: ({ l }) => (l.designeLe ? dateFr(l.designeLe) : '—') },
    { titre: 'Statut', valeur: ({ l, statut }) => html`<strong>${libelle[statut]}</strong>${erreursLigne(l.erreurs)}${avertissementsLigne(l.avertissements)}` },
  ],
})}
${
  aLancer
    ? html`<form method="post" action="${base(programme)}" novalidate>
<input type="hidden" name="csrf" value="${ctx.csrf}">
<input type="hidden" name="fichier" value="${o.fichierBase64}">
${o.nomFichier ? html`<input type="hidden" name="nomFichier" value="${o.nomFichier}">` : ''}
${a.dateSeance ? html`<input type="hidden" name="dateSeance" value="${a.dateSeance}">` : ''}
<div class="boutons"><button type="submit">Lancer ${nombreDe(aLancer, 'ménage', 'ménages')}</button></div>
<p class="aide">${aLancer > 1 ? `Les ${nombreDe(aLancer, 'ligne valide', 'lignes valides')} sont lancées ensemble` : 'La ligne valide est lancée'}${fausses.length ? ` ; ${fausses.length > 1 ? 'les lignes à corriger restent' : 'la ligne à corriger reste'} hors de l’import` : ''}.</p>
</form>`
    : html`<p class="encadre">Aucun ménage à lancer dans cette liste.</p>`
}`;
}

const LIBELLES_STATUT_LIGNE: Record<LigneImport['statut'], string> = {
  lance: 'Lancé',
  deja_lance: 'Déjà lancé',
  rejete: 'Rejeté',
  a_lancer: 'Pas encore lancé',
};

export function pageImportCommission(ctx: Contexte, programme: Programme, i: ImportCommission): Brut {
  const parStatut = (s: LigneImport['statut']) => i.lignes.filter((l) => l.statut === s);
  const rejetees = parStatut('rejete');
  const lienParcours = (l: LigneImport) =>
    l.workflowId && l.statut !== 'rejete' ? html`<a href="/parcours/${encodeURIComponent(l.workflowId)}">${l.reference}</a>` : html`${l.reference ?? '—'}`;
  return html`<h1>Import de la liste de la commission : ${programme.nom}</h1>
<p><a href="${base(programme)}">← Listes de la commission</a></p>
<div class="${i.statut === 'termine' ? 'succes' : 'alerte'}" role="status"><p>Import du ${dateHeureFr(i.le.toISOString())} par ${nomDe(ctx.deps, i.par)}${i.dateSeance ? `, séance du ${dateFr(i.dateSeance)}` : ''} — ${LIBELLES_STATUT_IMPORT[i.statut]}.</p>
<p><strong>${nombreDe(i.totaux.lancees, 'ménage lancé', 'ménages lancés')}</strong>, ${nombreDe(i.totaux.dejaLancees, 'déjà lancé', 'déjà lancés')} (rien n’a été lancé deux fois), <strong>${nombreDe(i.totaux.rejetees, 'ligne rejetée', 'lignes rejetées')}</strong> sur ${nombreDe(i.totaux.lignes, 'ligne', 'lignes')}.</p>
<p class="aide">Empreinte du fichier (SHA-256) : <code>${i.empreinte.slice(0, 16)}…</code></p></div>
${
  rejetees.length
    ? html`<div class="alerte" role="alert"><h2>Lignes à corriger puis importer à nouveau</h2><ul>${rejetees.map((l) => html`<li><strong>Ligne ${l.ligne}</strong>${l.reference ? ` (${l.reference})` : ''} :${erreursLigne(l.erreurs)}</li>`)}</ul></div>`
    : brut('')
}
${tableau({
  region: 'Lignes importées',
  legende: 'Ce qu’est devenue chaque ligne',
  lignes: i.lignes,
  colonnes: [
    { titre: 'Ligne', valeur: (l) => l.ligne },
    { titre: 'Dossier', valeur: (l) => lienParcours(l) },
    {
      titre: 'Résultat',
      valeur: (l) => html`<strong>${LIBELLES_STATUT_LIGNE[l.statut]}</strong>${erreursLigne(l.erreurs)}${avertissementsLigne(l.avertissements)}`,
    },
  ],
})}
<p><a href="/parcours?programme=${programme.id}">Voir les parcours du programme</a></p>`;
}
