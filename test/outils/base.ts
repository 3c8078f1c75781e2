/**
 * Une base PostgreSQL neuve et migrée pour un fichier de test, sur le serveur de la suite
 * (test/outils/postgres-global.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { Insertable } from 'kysely';
import { migrer, ouvrirBase, type BaseDeDonnees } from '../../base';
import type { TableDossiers } from '../../base/schema';

export interface BaseEssai {
  url: string;
  db: BaseDeDonnees;
  fermer(): Promise<void>;
}

export async function creerBaseEssai(): Promise<BaseEssai> {
  const admin = inject('postgres').url;
  const nom = `essai_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${nom}`);
  } finally {
    await client.end();
  }
  const url = admin.replace(/\/postgres$/, `/${nom}`);
  const db = ouvrirBase(url, { max: 5 });
  await migrer(db);
  return { url, db, fermer: () => db.destroy() };
}

let partagee: Promise<BaseEssai> | undefined;
/** La base du fichier de test courant (créée au premier appel). */
export function baseEssai(): Promise<BaseEssai> {
  partagee ??= creerBaseEssai();
  return partagee;
}

/** L'étape consignée au dossier d'un parcours (celle que lisent l'API et les listes), s'il en a un. */
export async function etapeConsignee(workflowId: string): Promise<string | undefined> {
  const { db } = await baseEssai();
  return (await db.selectFrom('dossiers').select('etape').where('workflow_id', '=', workflowId).executeTakeFirst())?.etape;
}

/** Combien d'événements du journal d'un parcours sont consignés à son dossier. */
export async function journalConsigne(workflowId: string): Promise<number> {
  const { db } = await baseEssai();
  return (await db.selectFrom('journal_dossiers').select('seq').where('workflow_id', '=', workflowId).execute()).length;
}

/**
 * Ferme la base du fichier de test qui finit (test/outils/par-fichier.ts, après ses propres crochets) :
 * un processus de la suite sert plusieurs fichiers, chacun a la sienne.
 */
export async function fermerBaseEssai(): Promise<void> {
  const base = partagee;
  partagee = undefined;
  if (base) await (await base).fermer();
}

/**
 * Une ligne de dossier minimale, écrite à la main (sans parcours ni chiffrement lisible), pour les
 * essais qui ne lisent que ses colonnes de liste : programme, travailleur social, ouvert ou clos.
 */
export function ligneDossier(d: { workflowId: string; programmeId: string; travailleurSocial?: string; clos?: boolean }): Insertable<TableDossiers> {
  const clos = d.clos ?? false;
  return {
    workflow_id: d.workflowId,
    programme_id: d.programmeId,
    type_parcours: 'prevention_precontentieuse',
    reference: d.workflowId,
    etape: 'contact',
    libelle_etape: 'Premier contact',
    travailleur_social: d.travailleurSocial ?? null,
    coordinateur: 'coord.essai',
    echeance: null,
    libelle_echeance: null,
    echeance_depassee: false,
    clos,
    issue: clos ? 'refus' : null,
    ouvert_le: new Date(),
    clos_le: clos ? new Date() : null,
    version: 1,
    consigne_le: new Date(),
    nom_chiffre: null,
    index_nom: [],
    etat_chiffre: Buffer.from('-'),
    confidentiel_chiffre: Buffer.from('-'),
  };
}
