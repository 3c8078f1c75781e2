/**
 * Les programmes de la personne (un sommaire de leurs pages) et les réglages d'un programme : délais,
 * bilans, options, quotas, éligibilité, rappels et conservation, dans les mots du terrain (un nombre
 * et une unité, jamais une durée ISO), avec l'historique des versions. Chaque enregistrement crée une
 * version : les parcours lancés ensuite la suivent, ceux en cours gardent la leur.
 */
import { brut, html, type Brut } from '../../rendu/html';
import type { ReglagesProgramme } from '../../api/routes/programmes';
import { DESTINATAIRES_DIAGNOSTIC, LIBELLES_DESTINATAIRES_DIAGNOSTIC } from '../../domain/partage';
import {
  LIBELLE_CONSENTEMENT_REQUIS,
  LIBELLE_CONSERVATION,
  LIBELLE_PARTAGE_DIAGNOSTIC,
  LIBELLE_RAPPELS_VALIDATION,
  LIBELLES_DELAIS,
  delaisDansLOrdreDuParcours,
  LIBELLES_ELIGIBILITE,
  LIBELLES_JALONS,
  LIBELLES_OPTIONS,
  LIBELLES_QUOTAS,
  UNITES_DUREE,
  dureeIsoDe,
  libelleReglage,
  nombreEtUnite,
  optionsProposees,
  type UniteDuree,
} from '../../domain/reglages';
import { LIBELLES_TYPE_PARCOURS, type Programme } from '../../domain/vocabulaire';
import { CONSERVATION_PAR_DEFAUT } from '../../dossiers/retention';
import { dureeEnFrancais } from '../../domain/durees';
import { erreurDuChamp, resumeErreurs } from '../../api/formulaires';
import { dateHeureFr } from '../libelles';
import { nomDe, programmesDe, type Contexte } from './commun';

export interface RetourReglages {
  /** Les refus qui ne tiennent pas à un champ. */
  messages: string[];
  /** Les refus d'un champ, par son nom dans le formulaire (« delais.diagnostic », « motif »…). */
  erreurs: Record<string, string>;
  /** Les valeurs saisies, remises dans le formulaire. */
  valeurs: Record<string, string>;
}

/** Les pages d'un programme, selon ce qu'il fait. */
export function pageProgrammes(ctx: Contexte): Brut {
  const carte = (p: Programme) => html`<section class="organisation" aria-labelledby="prog-${p.id}">
<h2 id="prog-${p.id}">${p.nom}</h2>
<p>${LIBELLES_TYPE_PARCOURS[p.typeParcours]} — ${p.territoire} — version ${p.version} des réglages.</p>
<ul>
<li><a href="/programmes/${p.id}/reglages">Réglages : délais, options, quotas</a></li>
<li><a href="/programmes/${p.id}/annuaire">Annuaire des partenaires</a></li>
${p.typeParcours === 'prevention_precontentieuse' ? html`<li><a href="/programmes/${p.id}/orientations">Orientations reçues</a></li>` : ''}
${p.options.designationCommissionImpayes ? html`<li><a href="/programmes/${p.id}/commission">Listes de la commission impayés</a></li>` : ''}
${p.typeParcours === 'iml_bail_glissant' ? html`<li><a href="/programmes/${p.id}/file-iml">File d’attente IML</a></li>` : ''}
<li><a href="/parcours/nouveau/${p.id}">Lancer un parcours</a></li>
</ul></section>`;
  return html`<h1>Programmes</h1>
<p>Les programmes que vous coordonnez, et leurs pages.</p>
${programmesDe(ctx).map(carte)}`;
}

const idChamp = (nom: string) => nom.replace(/[^A-Za-z0-9]/g, '-');

/** Les champs « nombre + unité » du formulaire : l'erreur y renvoie au nombre. */
const estDuree = (nom: string) => nom.startsWith('delais.') || nom === 'conservationDossier' || nom === 'eligibilite.ancienneteBailMax';

/** L'élément du formulaire où mène le lien d'une erreur. */
const cibleErreur = (nom: string) => (estDuree(nom) ? `${idChamp(nom)}-n` : idChamp(nom));

/** Le message d'erreur d'un champ, sous son libellé, et ce que son contrôle en dit (aria). */
function erreurDe(nom: string, r: RetourReglages | undefined): { classe: string; message: Brut | ''; aria: Brut | '' } {
  const erreur = r?.erreurs[nom];
  if (!erreur) return { classe: 'champ', message: '', aria: '' };
  const id = `${idChamp(nom)}-erreur`;
  return {
    classe: 'champ en-erreur',
    message: html`<p class="message-erreur" id="${id}">${erreur}</p>`,
    aria: brut(` aria-invalid="true" aria-describedby="${id}"`),
  };
}

/** Champ « nombre + unité » d'une durée. */
function champDuree(nom: string, libelle: string, iso: string, r: RetourReglages | undefined): Brut {
  const actuel = nombreEtUnite(iso);
  const nombre = r?.valeurs[`${nom}.nombre`] ?? (actuel ? String(actuel.nombre) : '');
  const unite = r?.valeurs[`${nom}.unite`] ?? actuel?.unite ?? 'jours';
  const id = idChamp(nom);
  const e = erreurDe(nom, r);
  return html`<div class="${e.classe}"><fieldset class="duree"><legend>${libelle} <span class="aide">(actuellement ${dureeEnFrancais(iso)})</span></legend>${e.message}
<label for="${id}-n">Nombre :</label><input id="${id}-n" name="${nom}.nombre" inputmode="numeric" value="${nombre}" size="4"${e.aria}>
<label for="${id}-u">unité :</label><select id="${id}-u" name="${nom}.unite">${UNITES_DUREE.filter((u) => !u.temps || u.plusieurs === unite).map((u) => html`<option value="${u.plusieurs}"${u.plusieurs === unite ? brut(' selected') : ''}>${u.plusieurs}</option>`)}</select>
</fieldset></div>`;
}

/** Une série de durées, écrite comme on la dit : « 3 mois, 6 mois ». */
const serieEnFrancais = (isos: string[]) => isos.map(dureeEnFrancais).join(', ');

function champSerie(nom: string, libelle: string, isos: string[], r: RetourReglages | undefined): Brut {
  const id = idChamp(nom);
  const e = erreurDe(nom, r);
  return html`<div class="${e.classe}"><label for="${id}">${libelle} <span class="aide">(séparés par des virgules, par exemple « 3 mois, 6 mois » ; vide : aucun)</span></label>${e.message}
<input type="text" id="${id}" name="${nom}" value="${r?.valeurs[nom] ?? serieEnFrancais(isos)}"${e.aria}></div>`;
}

function caseACocher(nom: string, libelle: string, coche: boolean, r: RetourReglages | undefined): Brut {
  const id = idChamp(nom);
  const valeur = r ? r.valeurs[nom] === 'oui' : coche;
  return html`<div class="choix"><input type="checkbox" id="${id}" name="${nom}" value="oui"${valeur ? brut(' checked') : ''}><label for="${id}">${libelle}</label></div>`;
}

function champNombre(nom: string, libelle: string, valeur: number | undefined, r: RetourReglages | undefined): Brut {
  const id = idChamp(nom);
  const e = erreurDe(nom, r);
  return html`<div class="${e.classe}"><label for="${id}">${libelle}</label>${e.message}<input id="${id}" name="${nom}" inputmode="decimal" value="${r?.valeurs[nom] ?? (valeur === undefined ? '' : String(valeur).replace('.', ','))}" size="6"${e.aria}></div>`;
}

export function pageReglages(ctx: Contexte, reglages: ReglagesProgramme, o: { retour?: RetourReglages; fait?: string } = {}): Brut {
  const p = reglages.programme;
  const r = o.retour;
  const trier = (cles: string[], libelles: Record<string, string>) =>
    cles.sort((a, b) => libelleReglage(libelles, a).localeCompare(libelleReglage(libelles, b), 'fr'));
  const prevention = p.typeParcours === 'prevention_precontentieuse';
  const e = p.eligibilite as { sansGarantie?: boolean; impayesMinimumMois?: number; ancienneteBailMax?: string; sansContactBailleur?: boolean };
  return html`<h1>Réglages : ${p.nom}</h1>
${o.fait ? html`<div class="succes" role="status"><p>${o.fait}</p></div>` : ''}
<p>Version ${p.version} en vigueur. Enregistrer crée la version ${p.version + 1} : les parcours lancés ensuite la suivent ; les parcours en cours gardent la version avec laquelle ils ont été lancés. Les contacts des partenaires se changent dans l’<a href="/programmes/${p.id}/annuaire">annuaire</a> et valent aussitôt pour tous les parcours.</p>
<form method="post" action="/programmes/${p.id}/reglages" novalidate>
${r ? resumeErreursReglages(r) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<input type="hidden" name="versionAttendue" value="${p.version}">
<h2>Délais</h2>
<p class="aide">Une réponse demandée à un partenaire par son lien est attendue jusqu’au soir du jour où tombe son délai, ou du premier jour ouvré qui suit s’il tombe un samedi, un dimanche ou un jour férié ; un rappel qui tomberait un tel jour part le jour ouvré suivant, à 9 h.</p>
${delaisDansLOrdreDuParcours(p.typeParcours, Object.keys(p.delais)).map((cle) => champDuree(`delais.${cle}`, libelleReglage(LIBELLES_DELAIS, cle), p.delais[cle]!, r))}
${Object.keys(p.jalons).length ? html`<h2>Bilans et points de suivi</h2>${Object.keys(p.jalons).map((cle) => champSerie(`jalons.${cle}`, libelleReglage(LIBELLES_JALONS, cle), p.jalons[cle]!, r))}` : ''}
${champSerie('rappelsValidation', LIBELLE_RAPPELS_VALIDATION, p.rappelsValidation, r)}
${html`<h2>Options</h2>${trier(Object.keys(optionsProposees(p.options)), LIBELLES_OPTIONS).map((cle) => caseACocher(`options.${cle}`, libelleReglage(LIBELLES_OPTIONS, cle), !!p.options[cle], r))}`}
${Object.keys(p.quotas).length ? html`<h2>Quotas et chiffres du programme</h2>${trier(Object.keys(p.quotas), LIBELLES_QUOTAS).map((cle) => champNombre(`quotas.${cle}`, libelleReglage(LIBELLES_QUOTAS, cle), p.quotas[cle], r))}` : ''}
${
  prevention
    ? html`<h2>Éligibilité</h2><p class="aide">Vérifiée au lancement et sur les orientations reçues ; vide ou décoché : pas de condition.</p>
${caseACocher('eligibilite.sansGarantie', LIBELLES_ELIGIBILITE.sansGarantie!, !!e.sansGarantie, r)}
${champNombre('eligibilite.impayesMinimumMois', LIBELLES_ELIGIBILITE.impayesMinimumMois!, e.impayesMinimumMois, r)}
${e.ancienneteBailMax ? champDuree('eligibilite.ancienneteBailMax', LIBELLES_ELIGIBILITE.ancienneteBailMax!, e.ancienneteBailMax, r) : ''}
${caseACocher('eligibilite.sansContactBailleur', LIBELLES_ELIGIBILITE.sansContactBailleur!, !!e.sansContactBailleur, r)}`
    : ''
}
<h2>Données personnelles</h2>
${
  prevention
    ? html`<fieldset class="partage" id="partageDiagnostic"><legend>${LIBELLE_PARTAGE_DIAGNOSTIC} <span class="aide">(ce que le ménage a confié ; rien de coché : le diagnostic ne quitte pas l’équipe)</span></legend>
${erreurDe('partageDiagnostic', r).message}${DESTINATAIRES_DIAGNOSTIC.map((d) => caseACocher(`partageDiagnostic.${d}`, LIBELLES_DESTINATAIRES_DIAGNOSTIC[d], !!p.partageDiagnostic?.destinataires.includes(d), r))}
${caseACocher('partageDiagnostic.consentementRequis', LIBELLE_CONSENTEMENT_REQUIS, p.partageDiagnostic?.consentementRequis ?? true, r)}</fieldset>`
    : ''
}
${champDuree('conservationDossier', `${LIBELLE_CONSERVATION} (depuis sa clôture)`, p.conservationDossier ?? CONSERVATION_PAR_DEFAUT, r)}
<h2>Enregistrer</h2>
<div class="${erreurDe('motif', r).classe}"><label for="motif">Pourquoi ce changement ? <span class="aide">(obligatoire : il figure dans l’historique)</span></label>${erreurDe('motif', r).message}<input type="text" id="motif" name="motif" value="${r?.valeurs.motif ?? ''}" aria-required="true"${erreurDe('motif', r).aria}></div>
<div class="boutons"><button type="submit">Enregistrer la version ${p.version + 1}</button></div>
</form>
<h2>Historique des versions</h2>
<table class="cartes"><thead><tr><th scope="col">Version</th><th scope="col">Le</th><th scope="col">Par</th><th scope="col">Motif</th><th scope="col">Ce qui a changé</th></tr></thead>
<tbody>${reglages.versions.map(
    (
      v,
    ) => html`<tr><td data-label="Version">${v.version}</td><td data-label="Le">${dateHeureFr(v.creeLe)}</td><td data-label="Par">${v.modifiePar ? nomDe(ctx.deps, v.modifiePar) : 'Fichier du programme'}</td><td data-label="Motif">${v.motif ?? '—'}</td>
<td data-label="Ce qui a changé">${v.changements.length === 1 ? v.changements[0] : html`<ul>${v.changements.map((c) => html`<li>${c}</li>`)}</ul>`}</td></tr>`,
  )}</tbody></table>`;
}

/** Le haut du formulaire refusé : les refus d'ensemble, puis chaque champ en erreur, avec un lien vers lui. */
function resumeErreursReglages(r: RetourReglages): Brut {
  const champs = Object.entries(r.erreurs);
  if (!champs.length) return resumeErreurs('Les réglages n’ont pas été enregistrés :', r.messages);
  return html`<div class="erreur" role="alert" tabindex="-1" autofocus><p><strong>Les réglages n’ont pas été enregistrés :</strong></p><ul>${r.messages.map((m) => html`<li>${m}</li>`)}${champs.map(
    ([nom, message]) => html`<li><a href="#${cibleErreur(nom)}">${erreurDuChamp(libelleChampReglage(nom), message)}</a></li>`,
  )}</ul></div>`;
}

/** Le champ du formulaire d'une erreur de l'API : « delais.diagnostic », « jalons.bilans.1 » → « jalons.bilans », « motif ». */
export function champDuFormulaire(champ: string): string | undefined {
  const [groupe, cle] = champ.split('.');
  if (groupe === 'delais' || groupe === 'jalons' || groupe === 'options' || groupe === 'quotas' || groupe === 'eligibilite')
    return cle ? `${groupe}.${cle}` : undefined;
  if (groupe === 'rappelsValidation' || groupe === 'conservationDossier' || groupe === 'partageDiagnostic' || groupe === 'motif') return groupe;
  return undefined;
}

/** Pourquoi le nombre d'une durée saisie n'est pas lisible, en mots ; undefined s'il l'est. */
export function raisonNombreDuree(saisi: string | undefined): string | undefined {
  const t = (saisi ?? '').trim();
  if (/^\d{1,4}$/.test(t)) return undefined;
  if (!t) return 'indiquez un nombre';
  if (t.startsWith('-')) return 'un nombre positif, sans signe';
  if (/^\d+[.,]\d+$/.test(t)) return 'un nombre entier : pour une durée plus fine, choisissez une unité plus petite (6 semaines plutôt que 1,5 mois)';
  if (/^\d+$/.test(t)) return '4 chiffres au plus';
  return 'un nombre entier, écrit en chiffres';
}

/**
 * Les erreurs d'un formulaire refusé, champ par champ : celles de l'API, et pour le nombre d'une durée
 * illisible, la raison précise (le schéma ne voit qu'une durée illisible).
 */
export function erreursDuFormulaire(
  p: ReglagesProgramme['programme'],
  b: Record<string, string | undefined>,
  erreurs: ReadonlyArray<{ champ: string; message: string }>,
): Pick<RetourReglages, 'messages' | 'erreurs'> {
  const parChamp: Record<string, string> = {};
  const messages: string[] = [];
  for (const x of erreurs) {
    const nom = champDuFormulaire(x.champ);
    if (nom) parChamp[nom] ??= x.message;
    else if (!messages.includes(x.message)) messages.push(x.message);
  }
  const durees = [...Object.keys(p.delais).map((c) => `delais.${c}`), 'conservationDossier', 'eligibilite.ancienneteBailMax'];
  for (const nom of durees) {
    const raison = b[`${nom}.nombre`] !== undefined ? raisonNombreDuree(b[`${nom}.nombre`]) : undefined;
    if (raison) parChamp[nom] = raison;
  }
  return { messages, erreurs: parChamp };
}

const UNITES = new Map<string, UniteDuree>(
  UNITES_DUREE.flatMap((u) => [[u.un, u.plusieurs] as [string, UniteDuree], [u.plusieurs, u.plusieurs] as [string, UniteDuree]]),
);

/** « 3 mois, 6 mois » → ['P3M', 'P6M'] ; une partie illisible devient une valeur que le schéma refuse en français. */
export function lireSerie(texte: string): string[] {
  return texte
    .split(/[,;]/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean)
    .map((t) => {
      const m = /^(\d+)\s*([a-zéû]+)\.?$/.exec(t);
      const unite = m ? UNITES.get(m[2]!) : undefined;
      return m && unite ? dureeIsoDe(Number(m[1]), unite) : `illisible:${t}`;
    });
}

/**
 * Le corps du formulaire → le changement attendu par l'API (`changementReglagesSchema`) : chaque
 * réglage du programme y est, avec la valeur saisie (le schéma et le programme vérifient le reste).
 */
export function changementDuFormulaire(p: ReglagesProgramme['programme'], b: Record<string, string | undefined>): Record<string, unknown> {
  const duree = (nom: string): string => {
    const n = (b[`${nom}.nombre`] ?? '').trim();
    const u = UNITES.get((b[`${nom}.unite`] ?? '').trim());
    return /^\d{1,4}$/.test(n) && u ? dureeIsoDe(Number(n), u) : `illisible:${n}`;
  };
  const nombre = (nom: string): number | string | undefined => {
    const t = (b[nom] ?? '').trim().replace(/\s/g, '').replace(',', '.');
    if (!t) return undefined;
    return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t; // « -3 » : un nombre, que le schéma refuse pour son signe
  };
  const cles = (o: Record<string, unknown>) => Object.keys(o);
  const conservation = duree('conservationDossier');
  const e = p.eligibilite as { ancienneteBailMax?: string; sansGarantie?: boolean; sansContactBailleur?: boolean };
  const eligibilite: Record<string, unknown> = {};
  if (p.typeParcours === 'prevention_precontentieuse') {
    // Une case décochée qui n'était pas réglée reste « non réglée » : l'historique ne note pas un changement qui n'en est pas un.
    for (const cle of ['sansGarantie', 'sansContactBailleur'] as const)
      if (e[cle] !== undefined || b[`eligibilite.${cle}`] === 'oui') eligibilite[cle] = b[`eligibilite.${cle}`] === 'oui';
    const mois = nombre('eligibilite.impayesMinimumMois');
    if (mois !== undefined) eligibilite.impayesMinimumMois = mois;
    if (e.ancienneteBailMax) eligibilite.ancienneteBailMax = duree('eligibilite.ancienneteBailMax');
  }
  return {
    versionAttendue: Number(b.versionAttendue),
    motif: b.motif ?? '',
    delais: Object.fromEntries(cles(p.delais).map((c) => [c, duree(`delais.${c}`)])),
    jalons: Object.fromEntries(cles(p.jalons).map((c) => [c, lireSerie(b[`jalons.${c}`] ?? '')])),
    // Une option de tout programme qu'il ne règle pas, laissée décochée : pas de changement « non réglé → non ».
    options: Object.fromEntries(
      cles(optionsProposees(p.options))
        .filter((c) => c in p.options || b[`options.${c}`] === 'oui')
        .map((c) => [c, b[`options.${c}`] === 'oui']),
    ),
    quotas: Object.fromEntries(cles(p.quotas).map((c) => [c, nombre(`quotas.${c}`) ?? 0])),
    ...(Object.keys(eligibilite).length ? { eligibilite } : {}),
    rappelsValidation: lireSerie(b.rappelsValidation ?? ''),
    ...(p.conservationDossier || conservation !== CONSERVATION_PAR_DEFAUT ? { conservationDossier: conservation } : {}),
    ...(p.typeParcours === 'prevention_precontentieuse' && (p.partageDiagnostic || DESTINATAIRES_DIAGNOSTIC.some((d) => b[`partageDiagnostic.${d}`] === 'oui'))
      ? {
          partageDiagnostic: {
            destinataires: DESTINATAIRES_DIAGNOSTIC.filter((d) => b[`partageDiagnostic.${d}`] === 'oui'),
            consentementRequis: b['partageDiagnostic.consentementRequis'] === 'oui',
          },
        }
      : {}),
  };
}

/** « delais.diagnostic » → « Diagnostic social » : le libellé d'un champ d'erreur, jamais sa clé. */
export function libelleChampReglage(champ: string): string {
  const [groupe, cle] = champ.split('.');
  switch (groupe) {
    case 'delais':
      return libelleReglage(LIBELLES_DELAIS, cle ?? '');
    case 'jalons':
      return libelleReglage(LIBELLES_JALONS, cle ?? '');
    case 'options':
      return libelleReglage(LIBELLES_OPTIONS, cle ?? '');
    case 'quotas':
      return libelleReglage(LIBELLES_QUOTAS, cle ?? '');
    case 'eligibilite':
      return libelleReglage(LIBELLES_ELIGIBILITE, cle ?? '');
    case 'rappelsValidation':
      return LIBELLE_RAPPELS_VALIDATION;
    case 'conservationDossier':
      return LIBELLE_CONSERVATION;
    case 'partageDiagnostic':
      return LIBELLE_PARTAGE_DIAGNOSTIC;
    case 'motif':
      return 'Pourquoi ce changement';
    default:
      return 'Saisie';
  }
}
