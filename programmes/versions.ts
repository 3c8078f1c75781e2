/**
 * Les versions des programmes dans le système d'enregistrement (table `versions_programme`).
 *
 * - Au démarrage, chaque programme des fichiers (presets, dossier du territoire) y entre s'il n'y est
 *   pas, ou si le fichier porte une version plus récente que la dernière de la base ; sinon la base
 *   l'emporte (un réglage fait dans les pages n'est jamais écrasé par un redémarrage).
 * - La coordination du programme (ou l'admin) change ses délais, options, quotas, règles
 *   d'éligibilité, rappels et durée de conservation : chaque changement crée une version (qui, quand,
 *   pourquoi). Un parcours garde la version avec laquelle il a été lancé (elle est dans son entrée) ;
 *   les parcours lancés ensuite suivent la nouvelle.
 * - Chaque processus (API, worker) garde la dernière version de chaque programme en mémoire, relue
 *   toutes les 10 secondes, et à chaque lancement de parcours (`rafraichir`).
 */
import { z } from 'zod';
import '../domain/zod-fr';
import type { BaseDeDonnees } from '../base';
import type { Programme } from '../domain/vocabulaire';
import {
  LIBELLE_CONSENTEMENT_REQUIS,
  LIBELLE_CONSERVATION,
  LIBELLE_PARTAGE_DIAGNOSTIC,
  LIBELLE_RAPPELS_VALIDATION,
  LIBELLES_DELAIS,
  LIBELLES_ELIGIBILITE,
  LIBELLES_JALONS,
  LIBELLES_OPTIONS,
  LIBELLES_QUOTAS,
  delaisRappeles,
  libelleReglage,
  optionsProposees,
} from '../domain/reglages';
import { ajouterDuree, dureeEnFrancais, estDureeIso, retirerDuree } from '../domain/durees';
import { LIBELLES_DESTINATAIRES_DIAGNOSTIC, type PartageDiagnostic } from '../domain/partage';
import { partageDiagnosticSchema, programmeSchema, type Catalogue } from './catalogue';

const dureeIso = z
  .string()
  .refine(estDureeIso, { error: 'durée invalide : un nombre et une unité (jours, semaines, mois…)', abort: true })
  .refine((d) => /[1-9]/.test(d), { error: 'une durée nulle ne laisse aucun délai' });

/** Un changement de réglages (page ou API) : seules les clés que le programme a déjà. */
export const changementReglagesSchema = z
  .object({
    versionAttendue: z.number().int().positive(),
    motif: z.string().trim().min(3, 'dites en quelques mots pourquoi (au moins 3 caractères)').max(500, '500 caractères au plus'),
    delais: z.record(z.string(), dureeIso).optional(),
    jalons: z.record(z.string(), z.array(dureeIso).max(24, '24 dates au plus')).optional(),
    quotas: z.record(z.string(), z.number().nonnegative('doit être positif ou nul').max(100_000, 'trop grand')).optional(),
    options: z.record(z.string(), z.boolean()).optional(),
    eligibilite: z
      .object({
        sansGarantie: z.boolean().optional(),
        impayesMinimumMois: z.number().int('nombre entier de mois').nonnegative('doit être positif ou nul').max(120, 'trop grand').optional(),
        ancienneteBailMax: dureeIso.optional(),
        sansContactBailleur: z.boolean().optional(),
      })
      .strict()
      .optional(),
    rappelsValidation: z.array(dureeIso).max(10, '10 rappels au plus').optional(),
    conservationDossier: dureeIso.optional(),
    /** Qui, chez le bailleur, peut recevoir le diagnostic (liste vide : personne). */
    partageDiagnostic: partageDiagnosticSchema.optional(),
  })
  .strict();

export type ChangementReglages = z.infer<typeof changementReglagesSchema>;

/** Ce que l'API rend : les réglages en vigueur et les versions (documentation OpenAPI). */
export const reglagesProgrammeSchema = z.object({
  programme: z.object({
    id: z.string(),
    nom: z.string(),
    version: z.number().int(),
    typeParcours: z.string(),
    delais: z.record(z.string(), z.string()).describe('Durées ISO 8601 par délai'),
    jalons: z.record(z.string(), z.array(z.string())),
    options: z.record(z.string(), z.boolean()),
    quotas: z.record(z.string(), z.number()),
    eligibilite: z.record(z.string(), z.union([z.boolean(), z.number(), z.string()])),
    rappelsValidation: z.array(z.string()),
    conservationDossier: z.string().optional(),
    partageDiagnostic: z.object({ destinataires: z.array(z.string()), consentementRequis: z.boolean() }).optional(),
  }),
  versions: z.array(
    z.object({
      version: z.number().int(),
      origine: z.enum(['fichier', 'reglages']),
      modifiePar: z.string().nullable(),
      motif: z.string().nullable(),
      creeLe: z.string(),
      changements: z.array(z.string()),
    }),
  ),
});

export const versionEnregistreeSchema = z.object({ version: z.number().int(), changements: z.array(z.string()), message: z.string() });

export interface VersionProgramme {
  version: number;
  origine: 'fichier' | 'reglages';
  modifiePar: string | null;
  motif: string | null;
  creeLe: string;
  /** Ce qui a changé depuis la version précédente, en phrases. */
  changements: string[];
}

export class RefusReglages extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly erreurs: Array<{ champ: string; message: string }> = [],
  ) {
    super(message);
  }
}

const texteDuree = (iso: string | undefined) => (iso ? dureeEnFrancais(iso) : 'aucune');
const texteValeur = (v: unknown): string =>
  v === undefined
    ? 'non réglé'
    : typeof v === 'boolean'
      ? v
        ? 'oui'
        : 'non'
      : typeof v === 'number'
        ? v.toLocaleString('fr-FR')
        : typeof v === 'string'
          ? texteDuree(v)
          : Array.isArray(v)
            ? v.length
              ? v.map((x) => texteDuree(String(x))).join(', ')
              : 'aucun'
            : String(v);

/** « Conseillère sociale du bailleur, Pôle recouvrement du bailleur (accord du ménage requis) » ; « personne ». */
export function textePartage(p: PartageDiagnostic | undefined): string {
  if (!p?.destinataires.length) return 'personne';
  const qui = p.destinataires.map((d) => LIBELLES_DESTINATAIRES_DIAGNOSTIC[d]).join(', ');
  return p.consentementRequis ? `${qui} (${LIBELLE_CONSENTEMENT_REQUIS.charAt(0).toLowerCase()}${LIBELLE_CONSENTEMENT_REQUIS.slice(1)})` : qui;
}

/** « Diagnostic social : 3 semaines → 4 semaines », pour chaque réglage qui diffère. */
export function decrireChangements(avant: Programme | undefined, apres: Programme): string[] {
  if (!avant) return ['Version d’origine.'];
  const lignes: string[] = [];
  const comparer = (libelles: Record<string, string>, a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const cle of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (JSON.stringify(a[cle]) !== JSON.stringify(b[cle])) lignes.push(`${libelleReglage(libelles, cle)} : ${texteValeur(a[cle])} → ${texteValeur(b[cle])}`);
    }
  };
  comparer(LIBELLES_DELAIS, avant.delais, apres.delais);
  comparer(LIBELLES_JALONS, avant.jalons, apres.jalons);
  comparer(LIBELLES_OPTIONS, avant.options, apres.options);
  comparer(LIBELLES_QUOTAS, avant.quotas, apres.quotas);
  comparer(LIBELLES_ELIGIBILITE, avant.eligibilite as Record<string, unknown>, apres.eligibilite as Record<string, unknown>);
  comparer(
    { r: LIBELLE_RAPPELS_VALIDATION, c: LIBELLE_CONSERVATION },
    { r: avant.rappelsValidation, c: avant.conservationDossier },
    { r: apres.rappelsValidation, c: apres.conservationDossier },
  );
  if (textePartage(avant.partageDiagnostic) !== textePartage(apres.partageDiagnostic)) {
    lignes.push(`${LIBELLE_PARTAGE_DIAGNOSTIC} : ${textePartage(avant.partageDiagnostic)} → ${textePartage(apres.partageDiagnostic)}`);
  }
  if (!lignes.length && (avant.nom !== apres.nom || JSON.stringify(avant.partenaires) !== JSON.stringify(apres.partenaires)))
    lignes.push('Nom ou partenaires du fichier du programme.');
  return lignes;
}

/** Les clés d'un changement que le programme n'a pas : refusées (une faute de frappe ne crée rien). */
function clesInconnues(p: Programme, c: ChangementReglages): Array<{ champ: string; message: string }> {
  const erreurs: Array<{ champ: string; message: string }> = [];
  const verifier = (nom: string, connues: Record<string, unknown>, proposees: Record<string, unknown> | undefined, quoi: string) => {
    for (const cle of Object.keys(proposees ?? {}))
      if (!(cle in connues)) erreurs.push({ champ: `${nom}.${cle}`, message: `${quoi} que ce programme n’a pas` });
  };
  verifier('delais', p.delais, c.delais, 'délai');
  verifier('jalons', p.jalons, c.jalons, 'série de dates');
  verifier('options', optionsProposees(p.options), c.options, 'option');
  verifier('quotas', p.quotas, c.quotas, 'quota');
  return erreurs;
}

/** Chaque jour de quatre années (une bissextile comprise) : tous les mois, tous les quantièmes. */
const JOURS_DE_DEPART = Array.from({ length: 4 * 365 + 1 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i, 12)));

/**
 * Un rappel aussi long qu'un délai qu'il rappelle tomberait à l'ouverture de l'échéance, ou avant :
 * il ne partirait pas (workflows/blocs/echeances.ts : le rappel part à 9 h le jour de l'échéance
 * moins sa durée, s'il est encore à venir). Vérifié pour une échéance ouverte chaque jour de quatre années : un
 * rappel de 4 semaines avant un délai d'un mois ne partirait pas en février, il est refusé aussi.
 */
function rappelTropLong(type: Programme['typeParcours'], delais: Record<string, string>): { champ: string; message: string } | undefined {
  const rappel = delais.rappelAvant;
  if (!rappel || !estDureeIso(rappel)) return undefined;
  const manques = delaisRappeles(type, delais)
    .filter((r) => estDureeIso(r.duree))
    .map((r) => {
      const sansRappel = JOURS_DE_DEPART.filter((j) => retirerDuree(ajouterDuree(j, r.duree), rappel).getTime() <= j.getTime()).length;
      return { ...r, sansRappel, longueur: ajouterDuree(JOURS_DE_DEPART[0]!, r.duree).getTime() };
    })
    .filter((m) => m.sansRappel > 0)
    .sort((a, b) => b.sansRappel - a.sansRappel || a.longueur - b.longueur);
  const m = manques[0];
  if (!m) return undefined;
  const quand =
    m.sansRappel === JOURS_DE_DEPART.length ? 'jamais' : m.sansRappel * 2 > JOURS_DE_DEPART.length ? 'presque jamais' : 'pas toujours (selon les mois)';
  const duree = `${dureeEnFrancais(m.duree)}${m.parDefaut ? ', sans réglage dans ce programme' : ''}`;
  return {
    champ: 'delais.rappelAvant',
    message: `un rappel de ${dureeEnFrancais(rappel)} ne partirait ${quand} : il doit être plus court que chaque délai qu’il rappelle, dont « ${libelleReglage(LIBELLES_DELAIS, m.cle)} » (${duree})`,
  };
}

/** Le programme après le changement, validé comme un fichier de programme ; sinon les erreurs. */
export function appliquerChangement(p: Programme, c: ChangementReglages): Programme {
  const inconnues = clesInconnues(p, c);
  if (inconnues.length) throw new RefusReglages(400, 'Ces réglages ne sont pas ceux du programme.', inconnues);
  const suivant = {
    ...p,
    version: p.version + 1,
    delais: { ...p.delais, ...c.delais },
    jalons: { ...p.jalons, ...c.jalons },
    options: { ...p.options, ...c.options },
    quotas: { ...p.quotas, ...c.quotas },
    eligibilite: { ...p.eligibilite, ...c.eligibilite },
    rappelsValidation: c.rappelsValidation ?? p.rappelsValidation,
    ...(c.conservationDossier ? { conservationDossier: c.conservationDossier } : {}),
    ...(c.partageDiagnostic ? { partageDiagnostic: c.partageDiagnostic } : {}),
  };
  const r = programmeSchema.safeParse(suivant);
  if (!r.success) {
    throw new RefusReglages(
      400,
      'Ces réglages ne conviennent pas au programme.',
      r.error.issues.map((i) => ({ champ: i.path.join('.'), message: i.message })),
    );
  }
  const rappel = rappelTropLong(r.data.typeParcours, r.data.delais);
  if (rappel) throw new RefusReglages(400, 'Ces réglages ne conviennent pas au programme.', [rappel]);
  return r.data as Programme;
}

/**
 * Le téléphone, l'adresse et la signature de l'opérateur ne sont pas des réglages des pages : une version en base
 * enregistrée avant qu'ils existent (même opérateur) prend ceux du fichier du programme, pour que
 * chaque lettre et chaque document donnent de quoi rappeler l'opérateur.
 */
export function avecCoordonneesDuFichier(p: Programme, fichier: Programme | undefined): Programme {
  const f = fichier?.operateur;
  const op = p.operateur;
  if (!f || f.nom !== op.nom) return p;
  const manque = {
    ...(!op.telephone && f.telephone ? { telephone: f.telephone } : {}),
    ...(!op.adresse && f.adresse ? { adresse: f.adresse } : {}),
    ...(!op.signature && f.signature ? { signature: f.signature } : {}),
  };
  return Object.keys(manque).length ? { ...p, operateur: { ...op, ...manque } } : p;
}

/**
 * Le début du programme (les évaluations à 6 et 12 mois en partent) et les quotas ajoutés au fichier
 * depuis (ETP, coût annuel) : une version en base enregistrée avant eux les prend du fichier du
 * programme ; ce qui a été réglé dans les pages l'emporte toujours.
 */
export function completerDepuisFichier(p: Programme, fichier: Programme | undefined): Programme {
  if (!fichier) return p;
  const debut = p.debut === undefined && fichier.debut ? { debut: fichier.debut } : {};
  const ajoutes = Object.entries(fichier.quotas ?? {}).filter(([cle]) => !(cle in (p.quotas ?? {})));
  if (!Object.keys(debut).length && !ajoutes.length) return p;
  return { ...p, ...debut, quotas: { ...Object.fromEntries(ajoutes), ...p.quotas } };
}

interface LigneVersion {
  programme_id: string;
  version: number;
  definition: unknown;
  origine: string;
  modifie_par: string | null;
  motif: string | null;
  cree_le: Date;
}

export class CatalogueEnBase implements Catalogue {
  private courants = new Map<string, Programme>();
  private minuterie?: NodeJS.Timeout;

  private constructor(
    private readonly db: BaseDeDonnees,
    private readonly fichiers: Catalogue,
  ) {}

  /** Entre en base les programmes des fichiers qui y manquent (ou plus récents), puis lit les dernières versions. */
  static async ouvrir(db: BaseDeDonnees, fichiers: Catalogue, o: { rafraichirMs?: number; surErreur?: (e: Error) => void } = {}): Promise<CatalogueEnBase> {
    const c = new CatalogueEnBase(db, fichiers);
    for (const p of fichiers.tous()) {
      const derniere = await db
        .selectFrom('versions_programme')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('programme_id', '=', p.id)
        .executeTakeFirst();
      if (derniere?.v != null && Number(derniere.v) >= p.version) continue;
      await db
        .insertInto('versions_programme')
        .values({ programme_id: p.id, version: p.version, definition: JSON.stringify(p), origine: 'fichier' })
        .onConflict((oc) => oc.columns(['programme_id', 'version']).doNothing())
        .execute();
    }
    await c.rafraichir();
    if (o.rafraichirMs !== 0) {
      c.minuterie = setInterval(() => void c.rafraichir().catch((e: Error) => o.surErreur?.(e)), o.rafraichirMs ?? 10_000);
      c.minuterie.unref();
    }
    return c;
  }

  /** Relit la dernière version de chaque programme connu des fichiers. */
  async rafraichir(): Promise<void> {
    const ids = this.fichiers.tous().map((p) => p.id);
    if (!ids.length) return;
    const lignes = await this.db
      .selectFrom('versions_programme')
      .select(['programme_id', 'definition'])
      .distinctOn('programme_id')
      .where('programme_id', 'in', ids)
      .orderBy('programme_id')
      .orderBy('version', 'desc')
      .execute();
    const suivants = new Map<string, Programme>();
    for (const p of this.fichiers.tous()) suivants.set(p.id, p);
    for (const l of lignes) {
      const fichier = suivants.get(l.programme_id);
      suivants.set(l.programme_id, completerDepuisFichier(avecCoordonneesDuFichier(l.definition as Programme, fichier), fichier));
    }
    this.courants = suivants;
  }

  fermer(): void {
    clearInterval(this.minuterie);
  }

  trouver(id: string): Programme | undefined {
    return this.courants.get(id);
  }

  tous(): Programme[] {
    return [...this.courants.values()];
  }

  /** Une version précise (celle d'un parcours lancé avant un changement). */
  async version(id: string, version: number): Promise<Programme | undefined> {
    const l = await this.db
      .selectFrom('versions_programme')
      .select('definition')
      .where('programme_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return l?.definition as Programme | undefined;
  }

  /** Les versions d'un programme, de la plus récente à la plus ancienne, avec ce qui a changé. */
  async historique(id: string): Promise<VersionProgramme[]> {
    const lignes = (await this.db
      .selectFrom('versions_programme')
      .selectAll()
      .where('programme_id', '=', id)
      .orderBy('version', 'asc')
      .execute()) as LigneVersion[];
    const versions: VersionProgramme[] = [];
    let precedent: Programme | undefined;
    for (const l of lignes) {
      const p = l.definition as Programme;
      versions.push({
        version: l.version,
        origine: l.origine === 'reglages' ? 'reglages' : 'fichier',
        modifiePar: l.modifie_par,
        motif: l.motif,
        creeLe: l.cree_le.toISOString(),
        changements: decrireChangements(precedent, p),
      });
      precedent = p;
    }
    return versions.reverse();
  }

  /**
   * Enregistre une nouvelle version. `versionAttendue` est celle que la personne a sous les yeux : si
   * quelqu'un a changé le programme entre-temps, 409 (rien n'est écrasé sans avoir été vu).
   */
  async modifier(id: string, changement: ChangementReglages, par: string): Promise<{ programme: Programme; changements: string[] }> {
    await this.rafraichir();
    const courant = this.trouver(id);
    if (!courant) throw new RefusReglages(404, `Aucun programme « ${id} ».`);
    if (changement.versionAttendue !== courant.version) {
      throw new RefusReglages(
        409,
        `Le programme a changé pendant votre saisie (version ${courant.version}, vous partiez de la version ${changement.versionAttendue}) : rechargez la page et recommencez.`,
      );
    }
    const suivant = appliquerChangement(courant, changement);
    const changements = decrireChangements(courant, suivant);
    if (!changements.length) throw new RefusReglages(400, 'Aucun réglage n’a changé : aucune version n’est créée.');
    const inseree = await this.db
      .insertInto('versions_programme')
      .values({
        programme_id: id,
        version: suivant.version,
        definition: JSON.stringify(suivant),
        origine: 'reglages',
        modifie_par: par,
        motif: changement.motif,
      })
      .onConflict((oc) => oc.columns(['programme_id', 'version']).doNothing())
      .returning('version')
      .executeTakeFirst();
    if (!inseree) throw new RefusReglages(409, 'Le programme vient d’être changé par quelqu’un d’autre : rechargez la page et recommencez.');
    this.courants.set(id, suivant);
    return { programme: suivant, changements };
  }
}
