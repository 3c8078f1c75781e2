/**
 * La trace des imports de listes de la commission impayés (table `imports_commission`) : l'empreinte
 * du fichier, qui, quand, et ce qu'est devenue chaque ligne. Rien de personnel : la référence du
 * dossier (sans donnée personnelle par construction), le parcours, les erreurs par colonne.
 */
import { randomUUID } from 'node:crypto';
import type { BaseDeDonnees } from '../base';
import type { ErreurLigne } from './liste';

/** « a_lancer » : une ligne valide pas encore lancée (import en cours ou interrompu). */
export const STATUTS_LIGNE = ['lance', 'deja_lance', 'rejete', 'a_lancer'] as const;
export type StatutLigne = (typeof STATUTS_LIGNE)[number];

export const STATUTS_IMPORT = ['en_cours', 'termine', 'interrompu'] as const;
export type StatutImport = (typeof STATUTS_IMPORT)[number];

export interface LigneImport {
  ligne: number;
  statut: StatutLigne;
  reference?: string;
  workflowId?: string;
  erreurs: ErreurLigne[];
  avertissements: string[];
}

export interface ImportCommission {
  id: string;
  programmeId: string;
  empreinte: string;
  format: string;
  dateSeance?: string;
  par: string;
  le: Date;
  termineLe?: Date;
  statut: StatutImport;
  totaux: { lignes: number; lancees: number; dejaLancees: number; rejetees: number };
  lignes: LigneImport[];
}

/** Un import resté « en cours » plus longtemps que cela a été interrompu (processus arrêté). */
const DUREE_MAX_IMPORT_MS = 15 * 60_000;

export class RegistreImportsCommission {
  constructor(private readonly db: BaseDeDonnees) {}

  async commencer(i: { programmeId: string; empreinte: string; format: string; dateSeance?: string; par: string; lignes: number }): Promise<string> {
    const id = randomUUID();
    await this.db
      .insertInto('imports_commission')
      .values({
        id,
        programme_id: i.programmeId,
        empreinte: i.empreinte,
        format: i.format,
        date_seance: i.dateSeance ?? null,
        par: i.par,
        statut: 'en_cours',
        lignes_total: i.lignes,
      })
      .execute();
    return id;
  }

  /** Consigne ce que chaque ligne est devenue (à chaque étape : un import interrompu garde ce qui est fait). */
  async consigner(id: string, statut: StatutImport, lignes: LigneImport[]): Promise<void> {
    const compte = (s: StatutLigne) => lignes.filter((l) => l.statut === s).length;
    await this.db
      .updateTable('imports_commission')
      .set({
        statut,
        lignes: JSON.stringify(lignes),
        lancees: compte('lance'),
        deja_lancees: compte('deja_lance'),
        rejetees: compte('rejete'),
        termine_le: statut === 'en_cours' ? null : new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  async lire(programmeId: string, id: string): Promise<ImportCommission | undefined> {
    const l = await this.db.selectFrom('imports_commission').selectAll().where('id', '=', id).where('programme_id', '=', programmeId).executeTakeFirst();
    return l ? versImport(l) : undefined;
  }

  /** Les derniers imports d'un programme, les plus récents d'abord (sans le détail des lignes). */
  async lister(programmeId: string, limite = 50): Promise<Array<Omit<ImportCommission, 'lignes'>>> {
    const l = await this.db
      .selectFrom('imports_commission')
      .select([
        'id',
        'programme_id',
        'empreinte',
        'format',
        'date_seance',
        'par',
        'cree_le',
        'termine_le',
        'statut',
        'lignes_total',
        'lancees',
        'deja_lancees',
        'rejetees',
      ])
      .where('programme_id', '=', programmeId)
      .orderBy('cree_le', 'desc')
      .limit(limite)
      .execute();
    return l.map((x) => {
      const { lignes: _l, ...reste } = versImport({ ...x, lignes: [] });
      return reste;
    });
  }

  /** Les imports précédents du même fichier (même empreinte) dans ce programme. */
  async memeFichier(programmeId: string, empreinte: string): Promise<Array<{ id: string; le: Date; par: string }>> {
    const l = await this.db
      .selectFrom('imports_commission')
      .select(['id', 'cree_le', 'par'])
      .where('programme_id', '=', programmeId)
      .where('empreinte', '=', empreinte)
      .orderBy('cree_le', 'asc')
      .execute();
    return l.map((x) => ({ id: x.id, le: x.cree_le, par: x.par }));
  }
}

type Ligne = {
  id: string;
  programme_id: string;
  empreinte: string;
  format: string;
  date_seance: string | null;
  par: string;
  cree_le: Date;
  termine_le: Date | null;
  statut: string;
  lignes_total: number;
  lancees: number;
  deja_lancees: number;
  rejetees: number;
  lignes: unknown;
};

function versImport(l: Ligne): ImportCommission {
  const statut = l.statut === 'en_cours' && Date.now() - l.cree_le.getTime() > DUREE_MAX_IMPORT_MS ? 'interrompu' : (l.statut as StatutImport);
  return {
    id: l.id,
    programmeId: l.programme_id,
    empreinte: l.empreinte,
    format: l.format,
    ...(l.date_seance ? { dateSeance: l.date_seance } : {}),
    par: l.par,
    le: l.cree_le,
    ...(l.termine_le ? { termineLe: l.termine_le } : {}),
    statut,
    totaux: { lignes: l.lignes_total, lancees: l.lancees, dejaLancees: l.deja_lancees, rejetees: l.rejetees },
    lignes: (Array.isArray(l.lignes) ? l.lignes : []) as LigneImport[],
  };
}
