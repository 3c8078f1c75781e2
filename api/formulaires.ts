/**
 * Des schémas zod de l'API (registre des parcours : `schemaLancement`, schémas des messages ;
 * ménage) aux formulaires HTML, et retour : les champs sont décrits depuis les schémas, la saisie
 * est remise dans la forme attendue par ces mêmes schémas, et les erreurs de l'API (champ →
 * message, en français) sont placées à côté de chaque champ.
 *
 * Les noms des champs sont les chemins de l'objet attendu (« menage.reference »,
 * « donnees.situation.impayesMois », « planApurement.mensualite ») : ce sont aussi les noms que
 * les erreurs de l'API donnent (`Probleme.opts.errors[].champ`).
 *
 * Servent aux pages du personnel (web/) et aux pages des partenaires que l'API rend elle-même
 * (fiche d'orientation par lien signé).
 */
import { z } from 'zod';
import { lireMoisFrancais, lireNombreFrancais } from '../domain/nombres';
import { brut, echapper, html, type Brut } from '../rendu/html';
import { humaniser, libelleValeur } from '../domain/libelles';
import { LIBELLES_CHAMPS } from '../domain/libelles-champs';

export type GenreChamp = 'texte' | 'zone' | 'nombre' | 'date' | 'mois' | 'booleen' | 'case' | 'choix' | 'choixMultiples' | 'lignes' | 'groupe';

export interface Champ {
  nom: string;
  libelle: string;
  aide?: string;
  requis: boolean;
  /** Obligatoire selon une autre réponse (« selon le canal ») : ni « obligatoire », ni « facultatif ». */
  requisSelon?: string;
  genre: GenreChamp;
  options?: Array<{ valeur: string; libelle: string }>;
  entier?: boolean;
  enfants?: Champ[];
  /** Pour « texte » : type HTML (email, tel). */
  typeHtml?: string;
  /** Pour « texte » : des valeurs proposées pendant la saisie (liste du navigateur), sans en imposer une. */
  suggestions?: string[];
}

/**
 * Les métadonnées d'un schéma : sa description, « x-obligatoire-selon » (extension OpenAPI) pour un
 * champ obligatoire selon une autre réponse, et « x-hors-formulaire » pour un champ de l'API que le
 * formulaire ne propose pas (une autre réponse du formulaire le dit déjà).
 */
type Meta = { description?: string; 'x-obligatoire-selon'?: string; 'x-hors-formulaire'?: boolean };
const metaDe = (s: z.core.$ZodType): Meta | undefined => z.globalRegistry.get(s) as Meta | undefined;
/** Les valeurs d'une liste de choix (API publique de zod : `options`). */
const optionsDe = (e: z.ZodEnum) => e.options.map((v) => ({ valeur: String(v), libelle: libelleValeur(String(v)) }));

/**
 * Décrit les champs d'un objet zod (récursif) ; `prefixe` : chemin de l'objet dans le corps. Lit le
 * schéma par l'API publique de zod 4 (classes, `shape`, `unwrap`, `options`, `element`, `format`…),
 * jamais par ses données internes.
 */
export function champsDe(schema: z.core.$ZodType, prefixe = ''): Champ[] {
  if (!(schema instanceof z.ZodObject)) throw new Error('champsDe : objet zod attendu');
  return Object.entries(schema.shape)
    .filter(([, s]) => !metaDe(s)?.['x-hors-formulaire'])
    .map(([cle, s]) => champ(cle, s, prefixe ? `${prefixe}.${cle}` : cle));
}

function champ(cle: string, schema: z.core.$ZodType, nom: string): Champ {
  let s = schema;
  let requis = true;
  let description = metaDe(s)?.description;
  const requisSelon = metaDe(s)?.['x-obligatoire-selon'];
  // Déballe optional / default / nullable / pipe, en gardant la première description trouvée.
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable || s instanceof z.ZodPrefault) {
      requis = false;
      s = s.unwrap();
    } else if (s instanceof z.ZodPipe) {
      s = s.in;
    } else break;
    description ??= metaDe(s)?.description;
  }
  const cheminLibelle = nom.split('.').slice(-2).join('.');
  const libelle = LIBELLES_CHAMPS[cheminLibelle] ?? LIBELLES_CHAMPS[nom] ?? LIBELLES_CHAMPS[cle] ?? description ?? humaniser(cle);
  const aide = description && description !== libelle ? description : undefined;
  const base = { nom, libelle, aide, requis, ...(requisSelon ? { requisSelon } : {}) };
  if (s instanceof z.ZodObject) return { ...base, genre: 'groupe', enfants: champsDe(s, nom) };
  if (s instanceof z.ZodBoolean) return { ...base, genre: 'booleen' };
  if (s instanceof z.ZodLiteral) return { ...base, genre: 'case' };
  if (s instanceof z.ZodEnum) return { ...base, genre: 'choix', options: optionsDe(s) };
  if (s instanceof z.ZodNumber) return { ...base, genre: 'nombre', entier: /int/.test(s.format ?? '') };
  if (s instanceof z.ZodArray) {
    const e = s.element;
    if (e instanceof z.ZodEnum) return { ...base, genre: 'choixMultiples', options: optionsDe(e) };
    return { ...base, genre: 'lignes' };
  }
  if (s instanceof z.ZodString || s instanceof z.ZodStringFormat) {
    if (s.format === 'date') return { ...base, genre: 'date' };
    if (s.format === 'email') return { ...base, genre: 'texte', typeHtml: 'email' };
    if (cle === 'telephone') return { ...base, genre: 'texte', typeHtml: 'tel' };
    if (cle === 'mois') return { ...base, genre: 'mois', aide: aide ?? 'Par exemple « avril 2027 » ou 04/2027.' };
    return { ...base, genre: (s.maxLength ?? 0) > 300 ? 'zone' : 'texte' };
  }
  return { ...base, genre: 'texte' };
}

// ---------------------------------------------------------------------------------------------
// Saisie → objet attendu par le schéma

export type Corps = Record<string, string | string[] | undefined>;

const premier = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const liste = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** Remet la saisie d'un formulaire (clés « a.b.c ») dans la forme de l'objet du schéma. */
export function lireSaisie(champs: Champ[], corps: Corps): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const c of champs) {
    const cle = c.nom.split('.').pop()!;
    const v = valeurDe(c, corps);
    if (v !== undefined) r[cle] = v;
  }
  return r;
}

function valeurDe(c: Champ, corps: Corps): unknown {
  const brute = corps[c.nom];
  switch (c.genre) {
    case 'groupe': {
      const o = lireSaisie(c.enfants!, corps);
      return Object.keys(o).length || c.requis ? o : undefined;
    }
    case 'booleen': {
      const v = premier(brute);
      return v === 'oui' ? true : v === 'non' ? false : undefined;
    }
    case 'case':
      return premier(brute) === 'oui' ? true : undefined;
    case 'nombre': {
      // « 1 200,50 € », « 1.200,50 », « 1.200 » : écrit à la française (`lireNombreFrancais`).
      const v = premier(brute);
      if (v.trim() === '') return undefined;
      return lireNombreFrancais(v) ?? v;
    }
    case 'mois': {
      // Le sélecteur de mois du navigateur donne « 2027-04 » ; sans lui, « avril 2027 », « 04/2027 »… (`lireMoisFrancais`).
      const v = premier(brute).trim();
      if (v === '') return undefined;
      return lireMoisFrancais(v) ?? v;
    }
    case 'choixMultiples': {
      const l = liste(brute).filter((x) => x !== '');
      return l.length || c.requis ? l : undefined;
    }
    case 'lignes': {
      const l = premier(brute)
        .split(/\r?\n/)
        .map((x) => x.trim())
        .filter((x) => x !== '');
      return l.length || c.requis ? l : undefined;
    }
    default: {
      const v = premier(brute).trim();
      return v === '' ? undefined : v;
    }
  }
}

/** L'inverse : un objet (ex. l'exemple du registre) → les valeurs du formulaire, pour le pré-remplir. */
export function valeursDe(champs: Champ[], objet: Record<string, unknown> | undefined): Corps {
  const r: Corps = {};
  for (const c of champs) {
    const v = objet?.[c.nom.split('.').pop()!];
    if (v === undefined || v === null) continue;
    switch (c.genre) {
      case 'groupe':
        Object.assign(r, valeursDe(c.enfants!, v as Record<string, unknown>));
        break;
      case 'booleen':
        r[c.nom] = v ? 'oui' : 'non';
        break;
      case 'case':
        if (v === true) r[c.nom] = 'oui';
        break;
      case 'choixMultiples':
        r[c.nom] = (v as unknown[]).map(String);
        break;
      case 'lignes':
        r[c.nom] = (v as unknown[]).map(String).join('\n');
        break;
      default:
        r[c.nom] = String(v);
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Erreurs de l'API → champs

/** Les champs, avec des valeurs proposées pendant la saisie du champ `nom` (chemin complet, dans un groupe aussi). */
export function avecSuggestions(champs: Champ[], nom: string, suggestions: string[]): Champ[] {
  return champs.map((c) => (c.nom === nom ? { ...c, suggestions } : c.enfants ? { ...c, enfants: avecSuggestions(c.enfants, nom, suggestions) } : c));
}

/** Chaque champ d'un formulaire (groupes dépliés), par son nom : son libellé, son genre. */
export function champsParNom(champs: Champ[]): Map<string, Champ> {
  const parNom = new Map<string, Champ>();
  const parcourir = (l: Champ[]) => l.forEach((c) => (parNom.set(c.nom, c), c.enfants && parcourir(c.enfants)));
  parcourir(champs);
  return parNom;
}

/**
 * Range les erreurs (champ → message) sous le champ du formulaire le plus proche
 * (« carnetDeRoute.0 » → « carnetDeRoute ») ; celles qui ne correspondent à aucun champ sont
 * rendues en tête du formulaire.
 */
export function rangerErreurs(
  champs: Champ[],
  erreurs: Array<{ champ: string; message: string }>,
  saisie?: Corps,
): { parChamp: Record<string, string>; autres: string[] } {
  const parNom = champsParNom(champs);
  const noms = { has: (n: string) => parNom.has(n) };
  const parChamp: Record<string, string> = {};
  const autres: string[] = [];
  for (const e of erreurs) {
    let n = e.champ;
    while (n && !noms.has(n)) n = n.includes('.') ? n.slice(0, n.lastIndexOf('.')) : '';
    const c = n ? parNom.get(n) : undefined;
    const vide = c !== undefined && saisie !== undefined && c.genre !== 'groupe' && liste(saisie[c.nom]).every((x) => x.trim() === '');
    const message = c
      ? vide && c.requis && c.genre !== 'choixMultiples' && /attendu|invalide|obligatoire/i.test(e.message)
        ? 'champ obligatoire'
        : pourLeFormulaire(c, e.message)
      : e.message;
    if (n) parChamp[n] = parChamp[n] ? `${parChamp[n]} ; ${message}` : message;
    else autres.push(e.message);
  }
  return { parChamp, autres };
}

/**
 * Les messages de type de zod (« Option invalide : une valeur parmi « a », « b » », « nombre
 * attendu », domain/zod-fr.ts) dits pour une personne devant un formulaire ; les messages
 * propres aux schémas (« référence de dossier : 2 à 40 caractères… ») passent tels quels.
 */
function pourLeFormulaire(c: Champ, message: string): string {
  if ((c.genre === 'choix' || c.genre === 'choixMultiples') && /^Option invalide/i.test(message)) return 'choisissez une valeur dans la liste';
  if (c.genre === 'booleen' && /bool|oui ou non attendu/i.test(message)) return 'choisissez « Oui » ou « Non »';
  if (c.genre === 'nombre' && /nombre attendu/i.test(message))
    return c.entier ? 'nombre entier attendu (par exemple 2)' : 'nombre attendu (par exemple 12 ou 812,40)';
  // Une date illisible seulement : « date trop lointaine : le bail ne peut pas commencer… » passe tel quel.
  if (c.genre === 'date' && /AAAA-MM-JJ|format|invalide/i.test(message) && !/obligatoire/.test(message)) return 'date attendue (jour, mois, année)';
  if (c.genre === 'mois' && /AAAA-MM|format/i.test(message)) return 'mois attendu (par exemple « avril 2027 » ou 04/2027)';
  return message;
}

// ---------------------------------------------------------------------------------------------
// Rendu

export interface EtatFormulaire {
  valeurs?: Corps;
  erreurs?: Record<string, string>;
}

const idDe = (prefixeId: string, nom: string) => `${prefixeId}-${nom.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** Les champs d'un formulaire ; `prefixeId` rend les id uniques quand une page a plusieurs formulaires. */
export function rendreChamps(champs: Champ[], prefixeId: string, e: EtatFormulaire = {}): Brut {
  return brut(champs.map((c) => rendreChamp(c, prefixeId, e).valeur).join('\n'));
}

function rendreChamp(c: Champ, prefixeId: string, e: EtatFormulaire): Brut {
  const id = idDe(prefixeId, c.nom);
  const erreur = e.erreurs?.[c.nom];
  const idErreur = `${id}-erreur`;
  const idAide = `${id}-aide`;
  const decrit = [c.aide ? idAide : '', erreur ? idErreur : ''].filter(Boolean).join(' ');
  const aria = brut(`${decrit ? ` aria-describedby="${decrit}"` : ''}${erreur ? ' aria-invalid="true"' : ''}${c.requis ? ' aria-required="true"' : ''}`);
  const mention = c.requis
    ? html` <span class="aide">(obligatoire)</span>`
    : c.requisSelon
      ? html` <span class="aide">(${c.requisSelon})</span>`
      : html` <span class="aide">(facultatif)</span>`;
  const aide = c.aide ? html`<p class="aide" id="${idAide}">${c.aide}</p>` : '';
  const msg = erreur ? html`<p class="message-erreur" id="${idErreur}">${messageSansNomDuChamp(c.libelle, erreur)}</p>` : '';
  const valeur = e.valeurs?.[c.nom];
  const v = premier(valeur);
  const classe = erreur ? 'champ en-erreur' : 'champ';
  switch (c.genre) {
    case 'groupe': {
      // Dans un groupe facultatif, un champ « obligatoire » ne l'est que si le groupe est rempli ; dans
      // un groupe obligatoire sous condition (« selon les actions »), sous la même condition.
      const selon = c.requisSelon ? `obligatoire ${c.requisSelon}` : `obligatoire si vous remplissez « ${c.libelle} »`;
      const enfants = c.requis ? c.enfants! : c.enfants!.map((x) => (x.requis ? { ...x, requis: false, requisSelon: selon } : x));
      return html`<fieldset id="${id}"><legend>${c.libelle}${c.requis ? '' : c.requisSelon ? ` (${c.requisSelon})` : ' (facultatif)'}</legend>${aide}${msg}${rendreChamps(enfants, prefixeId, e)}</fieldset>`;
    }
    case 'booleen':
    case 'choix': {
      const options =
        c.genre === 'booleen'
          ? [
              { valeur: 'oui', libelle: 'Oui' },
              { valeur: 'non', libelle: 'Non' },
            ]
          : c.options!;
      return html`<div class="${classe}"><label for="${id}">${c.libelle}${mention}</label>${aide}${msg}
<select id="${id}" name="${c.nom}"${aria}><option value="">— choisir —</option>${options.map((o) => html`<option value="${o.valeur}"${o.valeur === v ? brut(' selected') : ''}>${o.libelle}</option>`)}</select></div>`;
    }
    case 'case':
      return html`<div class="${classe} choix"><input type="checkbox" id="${id}" name="${c.nom}" value="oui"${v === 'oui' ? brut(' checked') : ''}${aria}><label for="${id}">${c.libelle}${mention}</label>${aide}${msg}</div>`;
    case 'choixMultiples': {
      const coches = new Set(liste(valeur));
      return html`<fieldset id="${id}" class="${classe}"${decrit ? brut(` aria-describedby="${decrit}"`) : ''}><legend>${c.libelle}${c.requis ? '' : c.requisSelon ? ` (${c.requisSelon})` : ' (facultatif)'}</legend>${aide}${msg}
${c.options!.map((o, i) => html`<div class="choix"><input type="checkbox" id="${id}-${i}" name="${c.nom}" value="${o.valeur}"${coches.has(o.valeur) ? brut(' checked') : ''}><label for="${id}-${i}">${o.libelle}</label></div>`)}</fieldset>`;
    }
    case 'zone':
    case 'lignes':
      return html`<div class="${classe}"><label for="${id}">${c.libelle}${mention}</label>${aide}${msg}<textarea id="${id}" name="${c.nom}"${aria}>${v}</textarea></div>`;
    case 'nombre':
      return html`<div class="${classe}"><label for="${id}">${c.libelle}${mention}</label>${aide}${msg}<input type="text" inputmode="${c.entier ? 'numeric' : 'decimal'}" id="${id}" name="${c.nom}" value="${v}"${aria}></div>`;
    case 'date':
      return html`<div class="${classe}"><label for="${id}">${c.libelle}${mention}</label>${aide}${msg}<input type="date" id="${id}" name="${c.nom}" value="${v}"${aria}></div>`;
    case 'mois':
      // Un sélecteur de mois là où le navigateur en a un ; ailleurs, un champ de texte (l'aide dit quoi
      // écrire). Une saisie refusée qui n'est pas un mois « 2027-04 » revient en texte : le sélecteur
      // l'effacerait, la personne ne verrait plus ce qu'elle a écrit.
      return html`<div class="${classe}"><label for="${id}">${c.libelle}${mention}</label>${aide}${msg}<input type="${!v || /^\d{4}-\d{2}$/.test(v) ? 'month' : 'text'}" id="${id}" name="${c.nom}" value="${v}"${aria}></div>`;
    default: {
      const liste = c.suggestions?.length ? `${id}-suggestions` : undefined;
      return html`<div class="${classe}"><label for="${id}">${c.libelle}${mention}</label>${aide}${msg}<input type="${c.typeHtml ?? 'text'}" id="${id}" name="${c.nom}" value="${v}"${c.typeHtml === 'email' || liste ? brut(' autocomplete="off"') : ''}${liste ? brut(` list="${liste}"`) : ''}${aria}>${
        liste ? html`<datalist id="${liste}">${c.suggestions!.map((s) => html`<option value="${s}"></option>`)}</datalist>` : ''
      }</div>`;
    }
  }
}

/** Le résumé des erreurs en tête de formulaire (annoncé aux lecteurs d'écran). */
/**
 * Le résumé des erreurs d'un long formulaire : chaque champ refusé, son libellé et la raison, avec un
 * lien qui y mène ; puis les erreurs qui ne sont pas d'un champ.
 */
/** Le premier mot d'un texte, sans majuscule ni accent : « Référence du dossier » → « reference ». */
const premierMot = (t: string) =>
  t
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .match(/[a-z0-9]+/)?.[0] ?? '';

/**
 * Le message d'un champ sans le nom du champ qu'il répète : les schémas nomment le champ dans leurs
 * messages (« identifiant : 2 à 40 caractères… »), l'interface le nomme déjà par son libellé.
 */
export function messageSansNomDuChamp(libelle: string, message: string): string {
  const m = /^([^:]{1,60}?) : ([^]+)$/.exec(message);
  return m && premierMot(m[1]!) === premierMot(libelle) ? m[2]! : message;
}

/** « Identifiant » + « identifiant : 2 à 40 caractères… » → « Identifiant : 2 à 40 caractères… ». */
export const erreurDuChamp = (libelle: string, message: string): string => `${libelle} : ${messageSansNomDuChamp(libelle, message)}`;

export function resumeErreursParChamp(
  titre: string,
  champs: Champ[],
  prefixeId: string,
  parChamp: Record<string, string>,
  autres: Array<string | Brut> = [],
): Brut {
  const libelles = champsParNom(champs);
  const entrees = Object.entries(parChamp);
  if (!entrees.length && !autres.length) return brut('');
  return html`<div class="erreur" role="alert" tabindex="-1" autofocus><p><strong>${titre}</strong></p><ul>${autres.map((m) => html`<li>${m}</li>`)}${entrees.map(
    ([nom, message]) => html`<li><a href="#${idDe(prefixeId, nom)}">${erreurDuChamp(libelles.get(nom)?.libelle ?? 'Champ', message)}</a></li>`,
  )}</ul></div>`;
}

export function resumeErreurs(titre: string, messages: string[]): Brut {
  if (!messages.length) return brut('');
  return html`<div class="erreur" role="alert" tabindex="-1" autofocus><p><strong>${titre}</strong></p>${messages.length === 1 ? html`<p>${messages[0]}</p>` : html`<ul>${messages.map((m) => html`<li>${m}</li>`)}</ul>`}</div>`;
}

export { echapper };
