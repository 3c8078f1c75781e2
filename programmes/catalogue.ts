/**
 * Le catalogue des programmes : les presets livrés (programmes/presets/*.json), plus ceux d'un
 * territoire (PROGRAMMES_DIR) qui ajoutent ou remplacent un programme du même `id`.
 * Chaque fichier est validé au chargement : un fichier invalide arrête le démarrage avec le
 * fichier, le champ et la raison.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import '../domain/zod-fr';
import { ROLES_PARTENAIRES, TYPES_PARCOURS, type Programme, type TypeParcours } from '../domain/vocabulaire';
import { comparerDurees, estDureeIso } from '../domain/durees';
import { DESTINATAIRES_DIAGNOSTIC } from '../domain/partage';

export const DOSSIER_PRESETS = fileURLToPath(new URL('./presets', import.meta.url));

const dureeIso = z.string().refine(estDureeIso, { error: 'durée ISO 8601 attendue (ex. P3W, P1M, P7D)' });
const partenaire = z.object({ nom: z.string().min(1), courriel: z.email('adresse électronique invalide') }).strict();

/** Un numéro de téléphone français : 10 chiffres (« 03 81 00 00 00 ») ou « +33 3 81 00 00 00 ». */
export const telephoneFrancais = z
  .string()
  .trim()
  .regex(/^(?:0[1-9]|\+33 ?[1-9])(?:[ .]?\d{2}){4}$/, 'numéro de téléphone à 10 chiffres attendu, par exemple « 03 81 00 00 00 »');
/** Une adresse postale sur une ligne : numéro et voie, puis code postal et commune. */
export const adressePostale = z
  .string()
  .trim()
  .min(10, 'adresse postale trop courte : numéro et voie, code postal et commune')
  .max(200, 'adresse postale trop longue (200 caractères au plus)')
  .regex(
    /^[^\n\r]*\d{5} +\S[^\n\r]*$/,
    'adresse postale attendue avec le code postal (5 chiffres) et la commune, par exemple « 13 rue Mégevand, 25000 Besançon »',
  );

/** Délais indispensables à chaque type de parcours. */
export const DELAIS_REQUIS: Record<TypeParcours, string[]> = {
  // « suivi » (durée de l'accompagnement) est facultatif : APRIL accompagne « sans condition de durée ».
  prevention_precontentieuse: ['diagnostic', 'planAide', 'validationDepartement', 'informationPartenaires', 'rappelAvant'],
  iml_bail_glissant: ['validationSiao', 'glissement', 'prolongationMax', 'prolongation', 'rappelAvant'],
  protocole_post_resiliation: ['dureeMax', 'avenantMax', 'nouveauBail', 'bilan', 'rappelAvant', 'paiement'],
};

/**
 * Les plafonds de la loi pour les délais d'un type de parcours : un réglage au-delà est refusé. Le
 * protocole de cohésion sociale dure 2 ans au plus, un avenant le prolonge de 3 ans au plus, et le
 * nouveau bail est signé dans les 3 mois d'un protocole respecté (CCH, art. L353-15-2 et L442-6-5).
 */
export const PLAFONDS_LEGAUX: Partial<Record<TypeParcours, Record<string, { max: string; raison: string }>>> = {
  protocole_post_resiliation: {
    dureeMax: { max: 'P2Y', raison: 'la loi limite le protocole de cohésion sociale à 2 ans (CCH, art. L353-15-2)' },
    avenantMax: { max: 'P3Y', raison: 'un avenant prolonge le protocole de 3 ans au plus (CCH, art. L353-15-2)' },
    nouveauBail: { max: 'P3M', raison: 'le nouveau bail est signé au plus tard 3 mois après un protocole respecté (CCH, art. L353-15-2)' },
  },
};

export const partageDiagnosticSchema = z
  .object({
    destinataires: z.array(z.enum(DESTINATAIRES_DIAGNOSTIC, { error: 'destinataire du diagnostic inconnu' })).max(DESTINATAIRES_DIAGNOSTIC.length),
    consentementRequis: z.boolean().default(true),
  })
  .strict();

export const programmeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{3,60}$/, 'identifiant : minuscules, chiffres et tirets'),
    version: z.number().int().positive(),
    nom: z.string().min(3),
    territoire: z.string().min(2),
    typeParcours: z.enum(TYPES_PARCOURS),
    /** Premier jour du programme : les évaluations à 6 et 12 mois en partent (sinon, du premier parcours). */
    debut: z.iso.date('date de début du programme attendue au format AAAA-MM-JJ, par exemple « 2026-01-05 »').optional(),
    operateur: partenaire.extend({
      type: z.enum(['ccas', 'association', 'bailleur']),
      telephone: telephoneFrancais.optional(),
      adresse: adressePostale.optional(),
      signature: z.string().trim().min(3).max(200).optional(),
    }),
    partenaires: z.partialRecord(z.enum(ROLES_PARTENAIRES), partenaire),
    bailleurs: z
      .array(
        partenaire.extend({
          id: z.string().regex(/^[a-z0-9-]{2,40}$/, 'identifiant : minuscules, chiffres et tirets'),
          type: z.enum(['bailleur_social', 'bailleur_prive']).default('bailleur_social'),
          service: z.string().min(1).optional(),
        }),
      )
      .optional(),
    delais: z.record(z.string(), dureeIso),
    jalons: z.record(z.string(), z.array(dureeIso)).default({}),
    quotas: z.record(z.string(), z.number().nonnegative()).default({}),
    eligibilite: z
      .object({
        sansGarantie: z.boolean().optional(),
        impayesMinimumMois: z.number().nonnegative().optional(),
        ancienneteBailMax: dureeIso.optional(),
        sansContactBailleur: z.boolean().optional(),
      })
      .strict()
      .default({}),
    options: z.record(z.string(), z.boolean()).default({}),
    rappelsValidation: z.array(dureeIso).default([]),
    conservationDossier: dureeIso.optional(),
    /** Qui, chez le bailleur, peut recevoir le diagnostic (domain/partage.ts) ; absent : personne. */
    partageDiagnostic: partageDiagnosticSchema.optional(),
    source: z.string().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const d of DELAIS_REQUIS[p.typeParcours]) {
      if (!p.delais[d]) ctx.addIssue({ code: 'custom', path: ['delais', d], message: `délai requis pour un parcours ${p.typeParcours}` });
    }
    // Les délais du terrain se comptent en jours, semaines, mois ou années : au moins un jour.
    const tropCourt = (v: string) => estDureeIso(v) && comparerDurees(v, 'P1D') < 0;
    const TROP_COURT = 'délai trop court : un jour au moins (les délais du terrain se comptent en jours, semaines, mois ou années)';
    for (const [d, v] of Object.entries(p.delais)) if (tropCourt(v)) ctx.addIssue({ code: 'custom', path: ['delais', d], message: TROP_COURT });
    for (const [j, vs] of Object.entries(p.jalons))
      vs.forEach((v, i) => {
        if (tropCourt(v)) ctx.addIssue({ code: 'custom', path: ['jalons', j, i], message: TROP_COURT });
      });
    p.rappelsValidation.forEach((v, i) => {
      if (tropCourt(v)) ctx.addIssue({ code: 'custom', path: ['rappelsValidation', i], message: TROP_COURT });
    });
    for (const [d, plafond] of Object.entries(PLAFONDS_LEGAUX[p.typeParcours] ?? {})) {
      const v = p.delais[d];
      if (v && estDureeIso(v) && comparerDurees(v, plafond.max) > 0)
        ctx.addIssue({ code: 'custom', path: ['delais', d], message: `délai trop long : ${plafond.raison}` });
    }
    if (p.typeParcours === 'iml_bail_glissant' && !(p.quotas.mesuresActives! > 0)) {
      ctx.addIssue({ code: 'custom', path: ['quotas', 'mesuresActives'], message: 'nombre de mesures actives requis (agrément DDETS)' });
    }
    const roles: Record<TypeParcours, string[]> = {
      prevention_precontentieuse: ['bailleur'],
      iml_bail_glissant: ['bailleur', 'siao', 'ddets'],
      protocole_post_resiliation: ['bailleur', 'ccapex', 'prefecture'],
    };
    for (const r of roles[p.typeParcours]) {
      if (!p.partenaires[r as keyof typeof p.partenaires])
        ctx.addIssue({ code: 'custom', path: ['partenaires', r], message: 'partenaire requis pour ce type de parcours' });
    }
  });

export class ErreurProgramme extends Error {}

export function lireProgramme(fichier: string, contenu: string): Programme {
  let brut: unknown;
  try {
    brut = JSON.parse(contenu);
  } catch (e) {
    throw new ErreurProgramme(`Programme ${fichier} : JSON invalide (${(e as Error).message})`);
  }
  const r = programmeSchema.safeParse(brut);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ErreurProgramme(`Programme ${fichier} : champ « ${i.path.join('.') || '(racine)'} » : ${i.message}`);
  }
  if (basename(fichier, '.json') !== r.data.id) {
    throw new ErreurProgramme(`Programme ${fichier} : champ « id » : « ${r.data.id} » doit correspondre au nom du fichier`);
  }
  return r.data as Programme;
}

function lireDossier(dossier: string): Programme[] {
  let fichiers: string[];
  try {
    fichiers = readdirSync(dossier)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (e) {
    throw new ErreurProgramme(`PROGRAMMES_DIR : dossier illisible ${dossier} (${(e as Error).message})`);
  }
  return fichiers.map((f) => lireProgramme(join(dossier, f), readFileSync(join(dossier, f), 'utf8')));
}

export interface Catalogue {
  trouver(id: string): Programme | undefined;
  tous(): Programme[];
  /** Relit les dernières versions (catalogue en base : programmes/versions.ts) ; rien pour les fichiers seuls. */
  rafraichir?(): Promise<void>;
  /** Une version précise (celle d'un parcours lancé avant un changement), si le catalogue garde ses versions. */
  version?(id: string, version: number): Promise<Programme | undefined>;
}

export function chargerCatalogue(dossierTerritoire?: string): Catalogue {
  const programmes = new Map<string, Programme>();
  for (const p of lireDossier(DOSSIER_PRESETS)) programmes.set(p.id, p);
  if (dossierTerritoire) for (const p of lireDossier(dossierTerritoire)) programmes.set(p.id, p);
  return {
    trouver: (id) => programmes.get(id),
    tous: () => [...programmes.values()],
  };
}
