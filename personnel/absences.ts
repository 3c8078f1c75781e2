/**
 * Les absences du personnel et leur remplacement (table `absences`) : du … au … (jours de Paris,
 * bornes comprises), déclarées par l'administration ou la coordination du programme.
 *
 * Pendant l'absence, tout courriel adressé à la personne (destinataire `personnel`) part à qui la
 * remplace, précédé d'un paragraphe qui le dit (activities/courriel.ts) ; la clé du courriel ne
 * change pas : rien n'est envoyé deux fois. La coordination voit les ménages dont le référent est
 * absent (tableau de bord) et l'absence figure sur la page du personnel.
 */
import { sql } from 'kysely';
import type { BaseDeDonnees } from '../base';
import { dateEnFrancais, jourDeParis } from '../domain/durees';
import { RefusPersonnel } from './comptes';

export interface Absence {
  id: string;
  personneId: string;
  nomPersonne: string;
  /** Premier et dernier jour d'absence (AAAA-MM-JJ, jours de Paris). */
  du: string;
  au: string;
  remplacantId: string;
  nomRemplacant: string;
  declareePar: string;
  declareeLe: Date;
}

export interface DeclarationAbsence {
  personneId: string;
  du: string;
  au: string;
  remplacantId: string;
}

/** Le paragraphe en tête d'un courriel reçu en remplacement (sans accord : « absente » ne convient pas à tous). */
export const paragrapheRemplacement = (nomAbsent: string, du: string, au: string): string =>
  `Message adressé à ${nomAbsent} (absence du ${dateEnFrancais(du)} au ${dateEnFrancais(au)}) : vous assurez son remplacement.`;

function requeteAbsences(db: BaseDeDonnees) {
  return db
    .selectFrom('absences as a')
    .innerJoin('personnels as p', 'p.id', 'a.personne_id')
    .innerJoin('personnels as r', 'r.id', 'a.remplacant_id')
    .select([
      'a.id',
      'a.personne_id',
      'p.nom as nom_personne',
      'a.remplacant_id',
      'r.nom as nom_remplacant',
      'r.courriel as courriel_remplacant',
      'r.actif as remplacant_actif',
      'r.role as role_remplacant',
      'r.programmes as programmes_remplacant',
      'a.cree_par',
      'a.cree_le',
    ])
    .select([sql<string>`a.du::text`.as('du'), sql<string>`a.au::text`.as('au')])
    .where('a.annulee_le', 'is', null);
}

type LigneAbsence = Awaited<ReturnType<ReturnType<typeof requeteAbsences>['execute']>>[number];

const versAbsence = (l: LigneAbsence): Absence => ({
  id: l.id,
  personneId: l.personne_id,
  nomPersonne: l.nom_personne,
  du: l.du,
  au: l.au,
  remplacantId: l.remplacant_id,
  nomRemplacant: l.nom_remplacant,
  declareePar: l.cree_par,
  declareeLe: l.cree_le,
});

/**
 * Qui remplace cette personne ce jour-là (remplaçant actif), et l'absence ; rien si elle est
 * présente. Lu au moment d'envoyer un courriel (dans la transaction de la boîte d'envoi).
 * `couvre` : le remplaçant suit le programme du courriel (sinon il ne pourrait pas ouvrir le dossier).
 */
export async function remplacementDuJour(
  db: BaseDeDonnees,
  personneId: string,
  jour: string,
  programmeId?: string,
): Promise<{ absence: Absence; courriel: string; couvre: boolean } | undefined> {
  const l = await requeteAbsences(db)
    .where('a.personne_id', '=', personneId)
    .where(sql<boolean>`a.du <= ${jour}::date and a.au >= ${jour}::date`)
    .where('r.actif', '=', true)
    .orderBy('a.cree_le', 'desc')
    .executeTakeFirst();
  if (!l) return undefined;
  const couvre = !programmeId || l.role_remplacant === 'admin' || l.programmes_remplacant.includes(programmeId);
  return { absence: versAbsence(l), courriel: l.courriel_remplacant, couvre };
}

export class AbsencesPersonnel {
  constructor(
    private readonly db: BaseDeDonnees,
    private readonly maintenant: () => Date = () => new Date(),
  ) {}

  /** Les absences en cours ou à venir (de ces personnes, si la liste est donnée), les plus proches d'abord. */
  async lister(personnes?: string[]): Promise<Absence[]> {
    if (personnes && !personnes.length) return [];
    let q = requeteAbsences(this.db).where(sql<boolean>`a.au >= ${jourDeParis(this.maintenant())}::date`);
    if (personnes) q = q.where('a.personne_id', 'in', personnes);
    return (await q.orderBy('a.du').orderBy('a.id').execute()).map(versAbsence);
  }

  /** Les absences en cours aujourd'hui (jour de Paris). */
  async enCours(personnes?: string[]): Promise<Absence[]> {
    const jour = jourDeParis(this.maintenant());
    return (await this.lister(personnes)).filter((a) => a.du <= jour);
  }

  async trouver(id: string): Promise<Absence | undefined> {
    const l = await requeteAbsences(this.db).where('a.id', '=', id).executeTakeFirst();
    return l ? versAbsence(l) : undefined;
  }

  /**
   * Déclare une absence : la personne et son remplaçant sont des comptes actifs, différents, qui
   * suivent un même programme ; l'absence ne finit pas avant aujourd'hui et n'en chevauche pas une autre.
   */
  async declarer(d: DeclarationAbsence, par: string): Promise<Absence> {
    if (d.au < d.du) throw new RefusPersonnel('invalide', 'la fin de l’absence ne peut pas précéder son début', 'au');
    if (d.au < jourDeParis(this.maintenant())) throw new RefusPersonnel('invalide', 'l’absence est déjà finie : le dernier jour est passé', 'au');
    if (d.remplacantId === d.personneId) throw new RefusPersonnel('invalide', 'une personne ne peut pas se remplacer elle-même', 'remplacant');
    const id = await this.db.transaction().execute(async (tx) => {
      const comptes = await tx
        .selectFrom('personnels')
        .select(['id', 'nom', 'role', 'programmes', 'actif'])
        .where('id', 'in', [d.personneId, d.remplacantId])
        .forUpdate()
        .execute();
      const absent = comptes.find((c) => c.id === d.personneId);
      const remplacant = comptes.find((c) => c.id === d.remplacantId);
      if (!absent) throw new RefusPersonnel('introuvable', `Aucun compte « ${d.personneId} ».`);
      if (!absent.actif) throw new RefusPersonnel('conflit', `Le compte de ${absent.nom} est désactivé : il ne reçoit plus rien.`);
      if (!remplacant) throw new RefusPersonnel('invalide', `aucun compte « ${d.remplacantId} »`, 'remplacant');
      if (!remplacant.actif)
        throw new RefusPersonnel('invalide', `le compte de ${remplacant.nom} est désactivé : choisissez un remplaçant actif`, 'remplacant');
      const communs = remplacant.role === 'admin' ? absent.programmes : absent.programmes.filter((p) => remplacant.programmes.includes(p));
      if (!communs.length)
        throw new RefusPersonnel(
          'invalide',
          `${remplacant.nom} ne suit aucun programme de ${absent.nom} : choisissez un remplaçant du même programme`,
          'remplacant',
        );
      const chevauche = await tx
        .selectFrom('absences')
        .select(['id', sql<string>`du::text`.as('du'), sql<string>`au::text`.as('au')])
        .where('personne_id', '=', d.personneId)
        .where('annulee_le', 'is', null)
        .where(sql<boolean>`du <= ${d.au}::date and au >= ${d.du}::date`)
        .executeTakeFirst();
      if (chevauche) {
        throw new RefusPersonnel(
          'conflit',
          `${absent.nom} a déjà une absence du ${dateEnFrancais(chevauche.du)} au ${dateEnFrancais(chevauche.au)} : annulez-la ou choisissez d’autres dates.`,
        );
      }
      const r = await tx
        .insertInto('absences')
        .values({ personne_id: d.personneId, du: d.du, au: d.au, remplacant_id: d.remplacantId, cree_par: par })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    });
    return (await this.trouver(id))!;
  }

  /** Annule une absence (la trace reste : qui, quand). */
  async annuler(id: string, par: string): Promise<void> {
    const r = await this.db
      .updateTable('absences')
      .set({ annulee_par: par, annulee_le: this.maintenant() })
      .where('id', '=', id)
      .where('annulee_le', 'is', null)
      .executeTakeFirst();
    if (!r.numUpdatedRows) throw new RefusPersonnel('introuvable', 'Cette absence n’existe pas ou a déjà été annulée.');
  }

  /** Les personnes que celle-ci remplace aujourd'hui (jour de Paris), absences annulées exclues. */
  async remplaceesAujourdhui(remplacantId: string): Promise<string[]> {
    const jour = jourDeParis(this.maintenant());
    const l = await this.db
      .selectFrom('absences')
      .select('personne_id')
      .where('remplacant_id', '=', remplacantId)
      .where('annulee_le', 'is', null)
      .where(sql<boolean>`du <= ${jour}::date and au >= ${jour}::date`)
      .execute();
    return l.map((x) => x.personne_id);
  }

  /** Le nombre de parcours ouverts de chaque personne (parmi ces programmes, si la liste est donnée). */
  async menagesSuivis(personnes: string[], programmes?: string[]): Promise<Map<string, number>> {
    if (!personnes.length || (programmes && !programmes.length)) return new Map();
    let q = this.db
      .selectFrom('dossiers')
      .select(['travailleur_social', (eb) => eb.fn.countAll<string>().as('n')])
      .where('clos', '=', false)
      .where('travailleur_social', 'in', personnes);
    if (programmes) q = q.where('programme_id', 'in', programmes);
    const l = await q.groupBy('travailleur_social').execute();
    return new Map(l.map((x) => [x.travailleur_social!, Number(x.n)]));
  }
}
