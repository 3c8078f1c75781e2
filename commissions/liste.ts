/**
 * Une liste de la commission impayés, ligne par ligne : chaque ligne devient le corps d'un lancement
 * de parcours (POST /api/parcours) et passe par les MÊMES schémas zod que l'API (`lancementSchema`,
 * ménage compris, puis le `schemaLancement` du parcours du programme). Les erreurs nomment la colonne
 * comme le fichier l'écrit et la ligne comme le tableur la numérote ; les règles d'éligibilité du
 * programme donnent des avertissements (le parcours serait clos « non éligible »), pas des refus.
 */
import type { z } from 'zod';
import { lireNombreFrancais } from '../domain/nombres';
import { verifierSaisie } from '../domain/saisie';
import { lancementSchema, workflowIdDe } from '../domain/schemas';
import { delaisDejaEcoules, motifNonEligible, prioriteDuMenage, type SituationOrientation } from '../domain/prevention';
import { COMPOSITIONS_MENAGE, type CompositionMenage, type Programme } from '../domain/vocabulaire';
import { dureeEnFrancais, jourDeParis } from '../domain/durees';
import { COLONNE, COLONNES, colonneDeEntete, lettreColonne, type CleColonne } from './colonnes';
import { normaliser } from '../domain/texte';
import { FichierIllisible, type Cellule, type Tableau } from './fichier';
import { consentementsDuMenage } from '../sms';

export interface ContexteListe {
  programme: Programme;
  /** Le schéma des données de lancement du parcours du programme (registre de l'API). */
  schemaDonnees: z.ZodType;
  /** Les bailleurs actifs de l'annuaire du programme. */
  bailleurs: Array<{ id: string; nom: string }>;
  /** Le jour de la séance (AAAA-MM-JJ), pour les lignes sans date de désignation. */
  dateSeance?: string;
  maintenant: Date;
}

export interface ErreurLigne {
  /** L'en-tête de la colonne, tel que le fichier l'écrit ; vide : l'erreur porte sur toute la ligne. */
  colonne: string;
  /** Ce qui ne va pas et ce qui est attendu (« cellule vide ; attendu : oui ou non »). */
  message: string;
}

/** Une cellule vide là où il faut une valeur : ce que la colonne attend. */
export const celluleVide = (cle: CleColonne): string => `cellule vide ; attendu : ${COLONNE[cle].attendu}`;

/**
 * L'erreur d'un champ du lancement (« menage.reference », « donnees.situation.garantie »), dite par
 * la colonne du fichier : son en-tête tel que le fichier l'écrit ; « champ obligatoire » devient ce
 * que la cellule vide aurait dû contenir.
 */
export function erreurDeColonne(champ: string, message: string, colonnes: ListeAnalysee['colonnes']): ErreurLigne {
  const cle = colonneDuChamp(champ);
  if (!cle) return { colonne: '', message };
  return {
    colonne: colonnes.find((c) => c.cle === cle)?.entete ?? COLONNE[cle].libelle,
    message: message === 'champ obligatoire' ? celluleVide(cle) : message,
  };
}

/** Le corps du lancement d'une ligne valide (celui de POST /api/parcours). */
export interface CorpsLancement {
  programmeId: string;
  menage: Record<string, unknown> & { reference: string; nom: string };
  bailleur?: string;
  donnees: { situation: Record<string, unknown>; designeLe: string };
}

export interface LigneAnalysee {
  /** Le numéro de la ligne dans le tableur. */
  ligne: number;
  /** La référence du dossier, si elle est valide (elle ne contient alors rien de personnel). */
  reference?: string;
  workflowId?: string;
  /** Le nom du ménage (pour l'aperçu ; jamais gardé dans la trace de l'import). */
  nom?: string;
  designeLe?: string;
  bailleur?: { id: string; nom: string };
  erreurs: ErreurLigne[];
  avertissements: string[];
  /** Présent quand la ligne est valide. */
  corps?: CorpsLancement;
}

export interface ListeAnalysee {
  /** La ligne des en-têtes dans le tableur. */
  ligneEntetes: number;
  colonnes: Array<{ entete: string; cle: CleColonne; lettre: string }>;
  /** Les colonnes que l'import ne lit pas (observations…). */
  colonnesIgnorees: string[];
  lignes: LigneAnalysee[];
}

type Conversion<T> = { valeur: T } | { erreur: string } | { vide: true };
const vide = { vide: true } as const;

// ---- Valeurs d'une cellule -------------------------------------------------------------------

const jourIso = (a: number, m: number, j: number): string | undefined => {
  const d = new Date(Date.UTC(a, m - 1, j));
  if (d.getUTCFullYear() !== a || d.getUTCMonth() !== m - 1 || d.getUTCDate() !== j) return undefined;
  return d.toISOString().slice(0, 10);
};

/**
 * Une année écrite sur deux chiffres : de ce siècle, sauf si elle tomberait plus d'un an après
 * `aujourdhui` (un bail du « 15/03/98 » a commencé en 1998, pas en 2098).
 */
const anneeSurDeuxChiffres = (aa: number, aujourdhui: Date): number => {
  const annee = 2000 + aa;
  return annee > Number(jourDeParis(aujourdhui).slice(0, 4)) + 1 ? annee - 100 : annee;
};

/**
 * Une date : cellule date d'Excel, numéro de série Excel, jj/mm/aaaa (ou jj-mm-aaaa, jj.mm.aa) ou
 * AAAA-MM-JJ. `aujourdhui` situe le siècle d'une année sur deux chiffres.
 */
export function lireDate(c: Cellule, aujourdhui: Date = new Date()): Conversion<string> {
  if (c === null) return vide;
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? { erreur: 'date illisible' } : { valeur: c.toISOString().slice(0, 10) };
  if (typeof c === 'number') {
    // Numéro de série d'Excel (système 1900) : jours depuis le 30 décembre 1899.
    if (c > 20_000 && c < 80_000) return { valeur: new Date(Date.UTC(1899, 11, 30) + Math.floor(c) * 86_400_000).toISOString().slice(0, 10) };
    return { erreur: `date attendue (jj/mm/aaaa), reçu « ${c} »` };
  }
  const t = String(c).trim();
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(t);
  if (m) {
    const annee = m[3]!.length === 2 ? anneeSurDeuxChiffres(Number(m[3]), aujourdhui) : Number(m[3]);
    const j = jourIso(annee, Number(m[2]), Number(m[1]));
    return j ? { valeur: j } : { erreur: `cette date n’existe pas : « ${t} »` };
  }
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(t);
  if (m) {
    const j = jourIso(Number(m[1]), Number(m[2]), Number(m[3]));
    return j ? { valeur: j } : { erreur: `cette date n’existe pas : « ${t} »` };
  }
  return { erreur: `date attendue (jj/mm/aaaa), reçu « ${t.slice(0, 40)} »` };
}

/** Un montant en euros : « 1 234,56 € », « 1234.56 », « 1.234,56 », « 1.234 » (`lireNombreFrancais`). */
export function lireMontant(c: Cellule): Conversion<number> {
  if (c === null) return vide;
  if (typeof c === 'number') return { valeur: c };
  const brut = String(c).trim();
  const valeur = lireNombreFrancais(brut);
  return valeur === undefined ? { erreur: `montant en euros attendu (ex. 1 234,56), reçu « ${brut.slice(0, 40)} »` } : { valeur };
}

/** Un nombre entier (« 3 », « 3 mois »). */
export function lireEntier(c: Cellule): Conversion<number> {
  if (c === null) return vide;
  if (typeof c === 'number') return Number.isInteger(c) ? { valeur: c } : { erreur: `nombre entier attendu, reçu « ${String(c).replace('.', ',')} »` };
  const brut = String(c).trim();
  const t = brut.replace(/\s*(mois|loyers?)\s*$/i, '');
  if (!/^\d+$/.test(t)) return { erreur: `nombre entier attendu, reçu « ${brut.slice(0, 40)} »` };
  return { valeur: Number(t) };
}

const OUI = new Set(['oui', 'o', 'x', 'vrai', 'yes', 'y', '1']);
const NON = new Set(['non', 'n', 'faux', 'no', '0']);
/** Oui ou non (« x » pour une case cochée). */
export function lireOuiNon(c: Cellule): Conversion<boolean> {
  if (c === null) return vide;
  if (typeof c === 'boolean') return { valeur: c };
  const t = normaliser(String(c));
  if (OUI.has(t)) return { valeur: true };
  if (NON.has(t)) return { valeur: false };
  return { erreur: `oui ou non attendu, reçu « ${String(c).trim().slice(0, 40)} »` };
}

const COMPOSITIONS: Record<string, CompositionMenage> = {
  'personne seule': 'personne_seule',
  seul: 'personne_seule',
  seule: 'personne_seule',
  isole: 'personne_seule',
  isolee: 'personne_seule',
  'personne isolee': 'personne_seule',
  celibataire: 'personne_seule',
  couple: 'couple',
  'couple sans enfant': 'couple',
  'couple sans enfants': 'couple',
  'couple avec enfant': 'couple_avec_enfants',
  'couple avec enfants': 'couple_avec_enfants',
  'couple avec enfant s': 'couple_avec_enfants',
  'famille monoparentale': 'famille_monoparentale',
  monoparentale: 'famille_monoparentale',
  monoparental: 'famille_monoparentale',
  'parent isole': 'famille_monoparentale',
  autre: 'autre',
};
export function lireComposition(c: Cellule): Conversion<CompositionMenage> {
  if (c === null) return vide;
  const t = normaliser(String(c));
  const v = COMPOSITIONS[t] ?? (COMPOSITIONS_MENAGE as readonly string[]).find((x) => normaliser(x) === t);
  if (v) return { valeur: v as CompositionMenage };
  return {
    erreur: `« ${String(c).trim().slice(0, 40)} » n’est pas une composition connue (personne seule, couple, couple avec enfants, famille monoparentale, autre)`,
  };
}

const GARANTIES: Record<string, string> = {
  aucune: 'aucune',
  aucun: 'aucune',
  non: 'aucune',
  sans: 'aucune',
  neant: 'aucune',
  fsl: 'fsl',
  'loca pass': 'loca_pass',
  locapass: 'loca_pass',
  visale: 'visale',
};
export function lireGarantie(c: Cellule): Conversion<string> {
  if (c === null) return vide;
  const v = GARANTIES[normaliser(String(c))];
  if (v) return { valeur: v };
  return { erreur: `« ${String(c).trim().slice(0, 40)} » n’est pas une garantie connue (aucune, FSL, Loca-Pass, Visale)` };
}

/** Un texte : un nombre ou une date du tableur deviennent du texte (un téléphone saisi en nombre retrouve son 0). */
export function lireTexte(c: Cellule, cle?: CleColonne): Conversion<string> {
  if (c === null) return vide;
  if (c instanceof Date) return { valeur: c.toISOString().slice(0, 10) };
  if (typeof c === 'number') {
    const t = Number.isInteger(c) ? String(c) : String(c).replace('.', ',');
    return { valeur: cle === 'telephone' && /^[1-9]\d{8}$/.test(t) ? `0${t}` : t };
  }
  if (typeof c === 'boolean') return { valeur: c ? 'oui' : 'non' };
  const t = String(c).trim();
  return t === '' ? vide : { valeur: t };
}

// ---- Le bailleur -----------------------------------------------------------------------------

/** Les façons d'écrire un bailleur : son nom, son nom avant « — service… », ses initiales (GBH). */
function formesDuBailleur(nom: string): string[] {
  const complet = normaliser(nom);
  const court = normaliser(nom.split(/\s[—–-]\s|\(/)[0] ?? nom);
  const initiales = court
    .split(' ')
    .filter((m) => m.length > 2 || /^\d/.test(m))
    .map((m) => m[0])
    .join('');
  return [complet, court, ...(initiales.length >= 2 ? [initiales] : [])];
}

export function trouverBailleur(saisie: string, bailleurs: ContexteListe['bailleurs']): { bailleur: { id: string; nom: string } } | { erreur: string } {
  const n = normaliser(saisie);
  const liste = bailleurs.map((b) => `« ${b.nom} »`).join(', ');
  const exacts = bailleurs.filter((b) => formesDuBailleur(b.nom).includes(n));
  const candidats = exacts.length ? exacts : bailleurs.filter((b) => n.length >= 3 && normaliser(b.nom).startsWith(n));
  if (candidats.length === 1) return { bailleur: candidats[0]! };
  if (candidats.length > 1)
    return {
      erreur: `« ${saisie.slice(0, 60)} » désigne plusieurs bailleurs de l’annuaire (${candidats.map((b) => `« ${b.nom} »`).join(', ')}) : écrivez le nom complet`,
    };
  return { erreur: `« ${saisie.slice(0, 60)} » n’est pas un bailleur de l’annuaire du programme${liste ? ` (${liste})` : ''}` };
}

// ---- Les en-têtes ------------------------------------------------------------------------------

/** La ligne des en-têtes : parmi les 10 premières, la première qui nomme au moins 3 colonnes connues. */
function trouverEntetes(tableau: Tableau): { ligne: number; colonnes: ListeAnalysee['colonnes']; ignorees: string[]; index: Map<CleColonne, number> } {
  for (const l of tableau.lignes.slice(0, 10)) {
    const reconnues = l.cellules.map((c) => (c === null ? undefined : colonneDeEntete(String(c))));
    if (reconnues.filter(Boolean).length < 3) continue;
    const index = new Map<CleColonne, number>();
    const colonnes: ListeAnalysee['colonnes'] = [];
    const ignorees: string[] = [];
    reconnues.forEach((cle, i) => {
      const entete = String(l.cellules[i] ?? '').trim();
      if (!cle) {
        if (entete) ignorees.push(entete);
        return;
      }
      if (index.has(cle)) {
        const j = index.get(cle)!;
        throw new FichierIllisible(
          `deux colonnes désignent « ${COLONNE[cle].libelle} » : « ${String(l.cellules[j])} » (colonne ${lettreColonne(j)}) et « ${entete} » (colonne ${lettreColonne(i)}) ; gardez-en une`,
        );
      }
      index.set(cle, i);
      colonnes.push({ entete, cle, lettre: lettreColonne(i) });
    });
    return { ligne: l.numero, colonnes, ignorees, index };
  }
  throw new FichierIllisible(
    `aucune ligne d’en-têtes reconnue parmi les premières lignes : la liste doit commencer par une ligne qui nomme les colonnes (${COLONNES.filter(
      (c) => c.requise,
    )
      .map((c) => `« ${c.libelle} »`)
      .join(', ')}…)`,
  );
}

/** Le champ d'un corps de lancement (« menage.reference », « donnees.situation.garantie ») → sa colonne. */
export function colonneDuChamp(champ: string): CleColonne | undefined {
  const parties = champ.split('.');
  for (let i = parties.length - 1; i >= 0; i--) {
    const p = parties[i] as CleColonne;
    if (Object.hasOwn(COLONNE, p)) return p;
  }
  return undefined;
}

// ---- L'analyse ---------------------------------------------------------------------------------

/**
 * Analyse une liste lue : ligne des en-têtes, colonnes obligatoires (erreur de fichier), puis chaque
 * ligne (erreurs et avertissements). Une référence présente deux fois est une erreur de la seconde ligne ;
 * le même ménage (nom et adresse) sous deux références, un avertissement de la seconde.
 */
export function analyserListe(tableau: Tableau, ctx: ContexteListe): ListeAnalysee {
  const { programme } = ctx;
  const entetes = trouverEntetes(tableau);
  const plusieursBailleurs = ctx.bailleurs.length > 1;
  const manquantes = COLONNES.filter(
    (c) => !entetes.index.has(c.cle) && (c.requise || (c.cle === 'bailleur' && plusieursBailleurs) || (c.cle === 'designeLe' && !ctx.dateSeance)),
  );
  if (manquantes.length) {
    const raisons = manquantes.map((c) =>
      c.cle === 'bailleur'
        ? `« Bailleur » (le programme a ${ctx.bailleurs.length} bailleurs)`
        : c.cle === 'designeLe'
          ? '« Date de désignation » (ou indiquez la date de la séance)'
          : `« ${c.libelle} »`,
    );
    throw new FichierIllisible(
      `colonne${manquantes.length > 1 ? 's' : ''} manquante${manquantes.length > 1 ? 's' : ''} : ${raisons.join(', ')}. En-têtes lus (ligne ${entetes.ligne}) : ${[...entetes.colonnes.map((c) => c.entete), ...entetes.ignorees].map((e) => `« ${e} »`).join(', ')}`,
    );
  }
  // Sans colonne de désignation, la date des lignes est celle de la séance, indiquée à l'import.
  const enteteDe = (cle: CleColonne) =>
    entetes.colonnes.find((c) => c.cle === cle)?.entete ?? (cle === 'designeLe' ? 'Date de la séance (indiquée à l’import)' : COLONNE[cle].libelle);
  const vues = new Map<string, number>();
  const lignes: LigneAnalysee[] = [];

  for (const l of tableau.lignes) {
    if (l.numero <= entetes.ligne) continue;
    const cellule = (cle: CleColonne): Cellule => {
      const i = entetes.index.get(cle);
      return i === undefined ? null : (l.cellules[i] ?? null);
    };
    const erreurs: ErreurLigne[] = [];
    const enErreur = new Set<CleColonne>();
    const erreur = (cle: CleColonne, message: string) => {
      if (enErreur.has(cle)) return;
      enErreur.add(cle);
      erreurs.push({ colonne: enteteDe(cle), message: message === 'champ obligatoire' ? celluleVide(cle) : message });
    };
    /** La valeur convertie d'une colonne ; `undefined` si vide (le schéma dira « champ obligatoire ») ou fausse (erreur notée). */
    const lire = <T>(cle: CleColonne, conversion: (c: Cellule) => Conversion<T>): T | undefined => {
      const r = conversion(cellule(cle));
      if ('erreur' in r) {
        erreur(cle, r.erreur);
        return undefined;
      }
      return 'valeur' in r ? r.valeur : undefined;
    };
    const texte = (cle: CleColonne) => lire(cle, (c) => lireTexte(c, cle));

    const reference = texte('reference');
    const nom = texte('nom');
    const menage = {
      reference,
      nom,
      composition: lire('composition', lireComposition),
      adresse: texte('adresse'),
      telephone: texte('telephone'),
      courriel: texte('courriel'),
      accepteCourriel: lire('accepteCourriel', lireOuiNon) ?? false,
      accepteSms: lire('accepteSms', lireOuiNon),
    };
    const situation = {
      impayesMois: lire('impayesMois', lireEntier),
      montantDette: lire('montantDette', lireMontant),
      debutBail: lire('debutBail', (c) => lireDate(c, ctx.maintenant)),
      garantie: lire('garantie', lireGarantie),
      dejaTente: texte('dejaTente') ?? '',
      contactBailleur: lire('contactBailleur', lireOuiNon) ?? false,
      suiviParServiceSocial: lire('suiviParServiceSocial', lireOuiNon),
    };
    const designeLe = lire('designeLe', (c) => lireDate(c, ctx.maintenant)) ?? (enErreur.has('designeLe') ? undefined : ctx.dateSeance);
    // Les délais courent depuis la désignation : une liste de commission la donne toujours.
    if (!designeLe) erreur('designeLe', 'champ obligatoire');

    let bailleur: { id: string; nom: string } | undefined;
    const saisieBailleur = texte('bailleur');
    if (saisieBailleur) {
      const b = trouverBailleur(saisieBailleur, ctx.bailleurs);
      if ('erreur' in b) erreur('bailleur', b.erreur);
      else bailleur = b.bailleur;
    } else if (!plusieursBailleurs) {
      bailleur = ctx.bailleurs[0];
    } else {
      erreur('bailleur', `cellule vide ; attendu : l’un des bailleurs du programme (${ctx.bailleurs.map((b) => `« ${b.nom} »`).join(', ')})`);
    }

    const corps = {
      programmeId: programme.id,
      menage: Object.fromEntries(Object.entries(menage).filter(([, v]) => v !== undefined)),
      ...(bailleur ? { bailleur: bailleur.id } : {}),
      donnees: { situation: Object.fromEntries(Object.entries(situation).filter(([, v]) => v !== undefined)), ...(designeLe ? { designeLe } : {}) },
    };
    // Les MÊMES schémas que POST /api/parcours : le lancement (ménage compris), puis les données du parcours.
    for (const [schema, valeur, prefixe] of [
      [lancementSchema, corps, undefined],
      [ctx.schemaDonnees, corps.donnees, 'donnees'],
    ] as Array<[z.ZodType, unknown, string | undefined]>) {
      const saisie = verifierSaisie(schema, valeur, prefixe);
      for (const x of saisie.ok ? [] : saisie.erreurs) {
        const cle = colonneDuChamp(x.champ);
        if (cle === 'bailleur' && enErreur.has('bailleur')) continue;
        // Une cellule vide : ce que la colonne attend, jamais le message du schéma (ses valeurs sont des codes).
        if (cle) erreur(cle, cellule(cle) === null ? 'champ obligatoire' : x.message);
        else erreurs.push({ colonne: '', message: x.message });
      }
    }
    // Des SMS acceptés sans numéro de portable : la même règle qu'au lancement (le numéro n'est jamais cité).
    const contacts = enErreur.has('telephone') ? [] : consentementsDuMenage(menage);
    if (typeof contacts === 'string') erreur('telephone', contacts);
    const referenceValide = reference && !enErreur.has('reference') ? reference : undefined;
    if (referenceValide) {
      const avant = vues.get(referenceValide.toLowerCase());
      if (avant !== undefined) erreur('reference', `la référence « ${referenceValide} » figure déjà ligne ${avant} : une ligne par ménage`);
      else vues.set(referenceValide.toLowerCase(), l.numero);
    }

    const avertissements: string[] = [];
    if (!erreurs.length) {
      const s = corps.donnees.situation as unknown as SituationOrientation;
      const motif = motifNonEligible(programme, s, ctx.maintenant);
      if (motif) avertissements.push(`hors des règles du programme (${motif}) : le parcours sera clos « non éligible » dès son lancement`);
      // Les échéances qui courent depuis la désignation et seraient déjà passées : un avertissement par délai.
      const depassees = new Map<string, string[]>();
      for (const { libelle, delai } of delaisDejaEcoules(programme, { designeLe }, ctx.maintenant))
        depassees.set(delai, [...(depassees.get(delai) ?? []), libelle]);
      for (const [delai, libelles] of depassees) {
        const noms = libelles.map((x) => `« ${x} »`);
        avertissements.push(
          noms.length === 1
            ? `désigné il y a plus de ${dureeEnFrancais(delai)} : l’échéance ${noms[0]} sera déjà dépassée au lancement`
            : `désigné il y a plus de ${dureeEnFrancais(delai)} : les échéances ${noms.slice(0, -1).join(', ')} et ${noms.at(-1)} seront déjà dépassées au lancement`,
        );
      }
      // « Ménages dits isolés : ménages sans enfants, personnes seules » (fiche 000) : la règle du parcours
      // (la composition, colonne obligatoire, est là quand la ligne n'a pas d'erreur).
      if (programme.options.prioriteMenagesIsoles && s.suiviParServiceSocial && !prioriteDuMenage(programme, { composition: menage.composition! }, s)) {
        avertissements.push(
          'déjà suivi par un service social et non isolé : la situation reste en principe au service social du département (à confirmer avec lui)',
        );
      }
    }
    lignes.push({
      ligne: l.numero,
      ...(referenceValide ? { reference: referenceValide, workflowId: workflowIdDe(programme.id, referenceValide) } : {}),
      ...(nom && !enErreur.has('nom') ? { nom } : {}),
      ...(designeLe && !enErreur.has('designeLe') ? { designeLe } : {}),
      ...(bailleur ? { bailleur } : {}),
      erreurs,
      avertissements,
      ...(erreurs.length ? {} : { corps: corps as unknown as CorpsLancement }),
    });
  }
  if (!lignes.length) throw new FichierIllisible(`la liste ne contient aucune ligne sous les en-têtes (ligne ${entetes.ligne})`);
  // Le même ménage (nom et adresse) sur deux lignes, sous deux références : dit à la seconde, pas refusé.
  const menages = new Map<string, number>();
  for (const l of lignes) {
    const m = l.corps?.menage;
    if (!m || typeof m.adresse !== 'string') continue;
    const cle = `${normaliser(m.nom)}\n${normaliser(m.adresse)}`;
    const premiere = menages.get(cle);
    if (premiere === undefined) menages.set(cle, l.ligne);
    else l.avertissements.push(`même ménage (nom et adresse) que la ligne ${premiere} : lancées toutes les deux, ces lignes ouvriraient deux parcours`);
  }
  return { ligneEntetes: entetes.ligne, colonnes: entetes.colonnes, colonnesIgnorees: entetes.ignorees, lignes };
}
