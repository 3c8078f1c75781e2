/**
 * Les dossiers des ménages dans le système d'enregistrement (tables `dossiers` et
 * `journal_dossiers`) : écrits par les parcours (activité `consignerDossier`), lus par l'API et les
 * pages, gardés après la fin du parcours et au-delà de la rétention de Temporal.
 *
 * - chaque consignation porte une version croissante : une tentative rejouée en retard n'écrase
 *   jamais un état plus récent ; chaque événement du journal est écrit une fois (clé : parcours,
 *   numéro) ;
 * - le nom, l'état et les confidences sont chiffrés (securite/coffre.ts), le nom cherchable par son
 *   index aveugle ; ce qui sert à lister et trier (programme, étape, échéance) reste en clair ;
 * - l'état, les événements nouveaux du journal et la fiche d'indicateurs du même instant sont consignés
 *   en une seule requête (une transaction, un aller-retour avec PostgreSQL).
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { finDuJour } from '../domain/durees';
import type { Base, BaseDeDonnees } from '../base';
import type { EtatParcours, EvenementJournal, Menage, ParcoursDejaOuvert } from '../domain/vocabulaire';
import { insertionFiche } from '../indicateurs/registre';
import type { Coffre } from '../securite/coffre';
import { normaliser } from '../domain/texte';
import type { ConsignationDossier } from './schema';

/** Qui peut voir quels dossiers dans une liste (la portée de son rôle). */
/**
 * Ce qu'une personne voit dans les listes : tout (administration), ses programmes (coordination), ses
 * ménages (travail social), et ceux des collègues absents qu'elle remplace, dans les programmes qu'elle suit.
 */
export type Portee = { tous: true } | { programmes: string[] } | { travailleurSocial: string; remplace?: { personnes: string[]; programmes: string[] } };

export interface FiltresDossiers {
  programme?: string;
  type?: string;
  etape?: string;
  travailleurSocial?: string;
  enRetard?: boolean;
  cloture?: boolean;
  /** Début d'un mot du nom du ménage, ou début de la référence du dossier. */
  recherche?: string;
}

export interface ResumeDossier {
  workflowId: string;
  reference: string;
  /** Le nom du ménage (pour le personnel qui suit le dossier). */
  nom?: string;
  programme: string;
  typeParcours: string;
  etape: string;
  libelleEtape: string;
  travailleurSocial?: string;
  prochaineEcheance?: string;
  libelleEcheance?: string;
  enRetard: boolean;
  cloture: boolean;
  statut: 'en_cours' | 'termine';
  /** Prioritaire pour son programme (« menage_isole ») : en tête des listes tant qu'il est ouvert. */
  priorite?: string;
}

/** Ce qu'un dossier dit pour autoriser un message, sans rien déchiffrer (`RegistreDossiers.autorisation`). */
export interface AutorisationDossier {
  workflowId: string;
  typeParcours: EtatParcours['typeParcours'];
  programme: { id: string };
  travailleurSocial?: string;
  /** L'étape consignée (celle du parcours à sa dernière consignation). */
  etape: string;
  clos: boolean;
}

export interface PageDossiers {
  elements: ResumeDossier[];
  total: number;
  page: number;
  taille: number;
}

/** Contextes du chiffrement : une valeur ne se déchiffre que dans sa ligne et sa colonne. */
const ctx = {
  nom: (id: string) => `nom:${id}`,
  etat: (id: string) => `etat:${id}`,
  confidentiel: (id: string) => `confidentiel:${id}`,
  journal: (id: string, seq: number) => `journal:${id}:${seq}`,
};

/** La plus proche échéance encore ouverte (dépassée ou à venir). */
function echeanceOuverte(etat: ConsignationDossier['etat']): { due: string; libelle: string } | undefined {
  const ouverte = etat.echeances.filter((e) => e.statut === 'en_cours' || e.statut === 'depassee').sort((a, b) => a.due.localeCompare(b.due))[0];
  if (ouverte) return ouverte;
  // Rien d'autre n'est attendu avant le prochain point ou bilan, qui est prévu : une mesure IML en
  // sous-location (« Bilan de mesure prévu »), le suivi d'un plan d'aide (« Point de suivi à 1 mois »).
  // Prévu un jour, pas à une heure : les listes disent « 7 juin 2027 », pas « 7 juin 2027 à 00:00 »
  // (la fin du jour : une date seule), et il n'y est en retard qu'après ce jour-là.
  const bilan = etat.details.prochainBilanLe;
  const libelle = etat.details.prochainBilanLibelle;
  return typeof bilan === 'string' && !etat.cloture && !Number.isNaN(Date.parse(bilan))
    ? { due: finDuJour(new Date(bilan)).toISOString(), libelle: typeof libelle === 'string' ? libelle : 'Bilan de mesure prévu' }
    : undefined;
}

export class RegistreDossiers {
  constructor(
    private readonly db: BaseDeDonnees,
    private readonly coffre: Coffre,
  ) {}

  /** Consigne l'état d'un parcours ; sans effet (« ignore ») sur le dossier si une version plus récente ou égale est déjà là. */
  async consigner(c: ConsignationDossier): Promise<'ecrit' | 'ignore'> {
    const { etat } = c;
    const id = etat.workflowId;
    const { journal, detailsConfidentiels, ...partage } = etat;
    const menage = detailsConfidentiels.menage as Partial<Menage> | undefined;
    const prochaine = echeanceOuverte(etat);
    const premier = journal.find((e) => e.seq === 1);
    // Une seule requête, donc une seule transaction et un seul aller-retour avec PostgreSQL : le
    // dossier, les événements nouveaux du journal et la fiche d'indicateurs (requêtes d'écriture
    // dans WITH, exécutées toutes, même celles que la sélection finale ne lit pas) ; à la clôture, le
    // parcours sort aussi de la file active de son bailleur.
    const dossier = this.db
      .insertInto('dossiers')
      .values({
        workflow_id: id,
        programme_id: etat.programme.id,
        type_parcours: etat.typeParcours,
        reference: etat.reference,
        etape: etat.etape,
        libelle_etape: etat.libelleEtape,
        travailleur_social: etat.travailleurSocial ?? null,
        coordinateur: etat.coordinateur ?? null,
        echeance: prochaine ? new Date(prochaine.due) : null,
        libelle_echeance: prochaine?.libelle ?? null,
        echeance_depassee: etat.echeances.some((e) => e.statut === 'depassee'),
        clos: !!etat.cloture,
        issue: etat.cloture?.issue ?? null,
        ouvert_le: premier ? new Date(premier.date) : new Date(c.fiche.reperageLe),
        clos_le: etat.cloture ? new Date(etat.cloture.le) : null,
        version: c.version,
        consigne_le: new Date(),
        nom_chiffre: typeof menage?.nom === 'string' ? this.coffre.chiffrer(menage.nom, ctx.nom(id)) : null,
        index_nom: typeof menage?.nom === 'string' ? this.coffre.indexDuNom(menage.nom) : [],
        etat_chiffre: this.coffre.chiffrer(partage, ctx.etat(id)),
        confidentiel_chiffre: this.coffre.chiffrer(detailsConfidentiels, ctx.confidentiel(id)),
      })
      .onConflict((oc) =>
        oc
          .column('workflow_id')
          .doUpdateSet((eb) => ({
            programme_id: eb.ref('excluded.programme_id'),
            type_parcours: eb.ref('excluded.type_parcours'),
            reference: eb.ref('excluded.reference'),
            etape: eb.ref('excluded.etape'),
            libelle_etape: eb.ref('excluded.libelle_etape'),
            travailleur_social: eb.ref('excluded.travailleur_social'),
            coordinateur: eb.ref('excluded.coordinateur'),
            echeance: eb.ref('excluded.echeance'),
            libelle_echeance: eb.ref('excluded.libelle_echeance'),
            echeance_depassee: eb.ref('excluded.echeance_depassee'),
            clos: eb.ref('excluded.clos'),
            issue: eb.ref('excluded.issue'),
            clos_le: eb.ref('excluded.clos_le'),
            version: eb.ref('excluded.version'),
            consigne_le: eb.ref('excluded.consigne_le'),
            nom_chiffre: eb.ref('excluded.nom_chiffre'),
            index_nom: eb.ref('excluded.index_nom'),
            etat_chiffre: eb.ref('excluded.etat_chiffre'),
            confidentiel_chiffre: eb.ref('excluded.confidentiel_chiffre'),
          }))
          .whereRef('dossiers.version', '<', 'excluded.version'),
      )
      .returning('workflow_id');
    // Le journal n'est qu'ajouté : un événement déjà consigné (tentative rejouée) ne l'est pas deux
    // fois. Sans événement nouveau, rien à écrire (une lecture vide à sa place).
    const evenements = journal.length
      ? this.db
          .insertInto('journal_dossiers')
          .values(
            journal.map((e) => ({
              workflow_id: id,
              seq: e.seq,
              le: new Date(e.date),
              type: e.type,
              visibilite: e.visibilite,
              contenu_chiffre: this.coffre.chiffrer(e, ctx.journal(id, e.seq)),
            })),
          )
          .onConflict((oc) => oc.columns(['workflow_id', 'seq']).doNothing())
          .returning('seq')
      : this.db
          .selectFrom('journal_dossiers')
          .select('seq')
          .where(sql<boolean>`false`);
    // Clos : le parcours quitte la file active de son bailleur, même quand la rétention effacera le dossier.
    const horsFileActive = etat.cloture
      ? this.db.updateTable('bailleurs_parcours').set({ clos: true }).where('workflow_id', '=', id).where('clos', '=', false).returning('workflow_id')
      : this.db
          .selectFrom('bailleurs_parcours')
          .select('workflow_id')
          .where(sql<boolean>`false`);
    const ecrit = await this.db
      .with('dossier', () => dossier)
      .with('journal', () => evenements)
      .with('file_active', () => horsFileActive)
      .with('fiche', () => insertionFiche(this.db, { fiche: c.fiche, version: c.version }))
      .selectFrom('dossier')
      .select('workflow_id')
      .executeTakeFirst();
    return ecrit ? 'ecrit' : 'ignore';
  }

  /**
   * Le dossier complet d'un parcours, tel que le parcours l'a consigné en dernier. Sans
   * `confidentiel`, ni les confidences du ménage ni les événements réservés à l'équipe ne sont même
   * déchiffrés.
   */
  async lire(workflowId: string, o: { confidentiel: boolean }): Promise<EtatParcours | undefined> {
    const ligne = await this.db
      .selectFrom('dossiers')
      .select(['etat_chiffre', 'confidentiel_chiffre'])
      .where('workflow_id', '=', workflowId)
      .executeTakeFirst();
    if (!ligne) return undefined;
    let q = this.db.selectFrom('journal_dossiers').select(['seq', 'contenu_chiffre']).where('workflow_id', '=', workflowId);
    if (!o.confidentiel) q = q.where('visibilite', '=', 'partenaires');
    const journal = await q.orderBy('seq').execute();
    const partage = this.coffre.dechiffrer<Omit<EtatParcours, 'journal' | 'detailsConfidentiels'>>(ligne.etat_chiffre, ctx.etat(workflowId));
    return {
      ...partage,
      journal: journal.map((j) => this.coffre.dechiffrer<EvenementJournal>(j.contenu_chiffre, ctx.journal(workflowId, j.seq))),
      detailsConfidentiels: o.confidentiel ? this.coffre.dechiffrer<Record<string, unknown>>(ligne.confidentiel_chiffre, ctx.confidentiel(workflowId)) : {},
    };
  }

  /**
   * Les parcours ouverts de ce programme pour un ménage de ce nom à cette adresse (comparés sans
   * majuscules, accents ni ponctuation) : trouvés par l'index aveugle du nom, l'adresse lue dans leur
   * dossier chiffré. Rien de ce qui est lu n'est rendu que la référence et l'étape.
   */
  async ouvertsPourLeMenage(programmeId: string, menage: Pick<Menage, 'nom' | 'adresse'>): Promise<ParcoursDejaOuvert[]> {
    const mots = this.coffre.requeteNom(menage.nom);
    if (!mots.length || !normaliser(menage.adresse)) return [];
    const lignes = await this.db
      .selectFrom('dossiers')
      .select(['workflow_id', 'reference', 'libelle_etape', 'confidentiel_chiffre'])
      .where('programme_id', '=', programmeId)
      .where('clos', '=', false)
      .where((eb) => eb.and(mots.map((empreintes) => sql<SqlBool>`index_nom && ${sql.val(empreintes)}::text[]`)))
      .orderBy('workflow_id')
      .limit(50)
      .execute();
    return lignes.flatMap((l) => {
      const m = this.coffre.dechiffrer<{ menage?: Partial<Menage> }>(l.confidentiel_chiffre, ctx.confidentiel(l.workflow_id)).menage;
      const meme = m?.nom && m.adresse && normaliser(m.nom) === normaliser(menage.nom) && normaliser(m.adresse) === normaliser(menage.adresse);
      return meme ? [{ workflowId: l.workflow_id, reference: l.reference, libelleEtape: l.libelle_etape }] : [];
    });
  }

  /** Les noms des ménages de ces parcours (pour le personnel qui y a droit), par identifiant. */
  async noms(workflowIds: string[]): Promise<Map<string, string>> {
    if (!workflowIds.length) return new Map();
    const l = await this.db.selectFrom('dossiers').select(['workflow_id', 'nom_chiffre']).where('workflow_id', 'in', workflowIds).execute();
    return new Map(
      l.flatMap((x) => (x.nom_chiffre ? [[x.workflow_id, this.coffre.dechiffrer<string>(x.nom_chiffre, ctx.nom(x.workflow_id))] as [string, string]] : [])),
    );
  }

  /**
   * Trace une lecture du dossier par une personne du personnel (ce que le ménage a confié compris) :
   * le dossier entier (`dossier`) ou un document (`document:<nom>`).
   */
  async noterConsultation(personneId: string, workflowId: string, objet: string): Promise<void> {
    await this.db.insertInto('consultations_dossiers').values({ personne_id: personneId, workflow_id: workflowId, objet }).execute();
  }

  /** Les consultations d'un dossier, des plus récentes aux plus anciennes. */
  async consultations(workflowId: string): Promise<Array<{ le: Date; personneId: string; objet: string }>> {
    const l = await this.db
      .selectFrom('consultations_dossiers')
      .select(['le', 'personne_id', 'objet'])
      .where('workflow_id', '=', workflowId)
      .orderBy('le', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return l.map((x) => ({ le: x.le, personneId: x.personne_id, objet: x.objet }));
  }

  /**
   * Ce qu'il faut pour autoriser un message (type de parcours, programme, travailleur social, clos),
   * en une lecture d'index et sans rien déchiffrer ; undefined si le dossier n'est pas encore consigné.
   */
  async autorisation(workflowId: string): Promise<AutorisationDossier | undefined> {
    const l = await this.db
      .selectFrom('dossiers')
      .select(['programme_id', 'type_parcours', 'travailleur_social', 'etape', 'clos'])
      .where('workflow_id', '=', workflowId)
      .executeTakeFirst();
    if (!l) return undefined;
    return {
      workflowId,
      typeParcours: l.type_parcours as EtatParcours['typeParcours'],
      programme: { id: l.programme_id },
      ...(l.travailleur_social ? { travailleurSocial: l.travailleur_social } : {}),
      etape: l.etape,
      clos: l.clos,
    };
  }

  /** Vrai si le dossier est consigné clos (son état ne changera plus). */
  async estClos(workflowId: string): Promise<boolean | undefined> {
    const l = await this.db.selectFrom('dossiers').select('clos').where('workflow_id', '=', workflowId).executeTakeFirst();
    return l?.clos;
  }

  /** Les parcours ouverts d'un programme, et combien ont une échéance dépassée. */
  async compter(programmeId: string, maintenant = new Date()): Promise<{ ouverts: number; enRetard: number }> {
    const r = await this.db
      .selectFrom('dossiers')
      .select((eb) => [
        eb.fn.countAll<string>().as('ouverts'),
        eb.fn
          .countAll<string>()
          .filterWhere(eb.or([eb('echeance_depassee', '=', true), eb('echeance', '<', maintenant)]))
          .as('en_retard'),
      ])
      .where('programme_id', '=', programmeId)
      .where('clos', '=', false)
      .executeTakeFirstOrThrow();
    return { ouverts: Number(r.ouverts), enRetard: Number(r.en_retard) };
  }

  /**
   * Une page de dossiers visibles dans cette portée, filtrés : échéances dépassées d'abord, puis par
   * prochaine échéance, les dossiers sans échéance à la fin. Le total compte tous les dossiers
   * trouvés : rien n'est coupé sans le dire.
   */
  async lister(portee: Portee, f: FiltresDossiers, page: { page: number; taille: number }, maintenant = new Date()): Promise<PageDossiers> {
    const filtre = (eb: ExpressionBuilder<Base, 'dossiers'>) => {
      const c: Expression<SqlBool>[] = [];
      if ('programmes' in portee) c.push(eb('programme_id', 'in', portee.programmes.length ? portee.programmes : ['']));
      if ('travailleurSocial' in portee) {
        const r = portee.remplace;
        const siens = eb('travailleur_social', '=', portee.travailleurSocial);
        c.push(
          r?.personnes.length
            ? eb.or([siens, eb.and([eb('travailleur_social', 'in', r.personnes), eb('programme_id', 'in', r.programmes.length ? r.programmes : [''])])])
            : siens,
        );
      }
      if (f.programme) c.push(eb('programme_id', '=', f.programme));
      if (f.type) c.push(eb('type_parcours', '=', f.type));
      if (f.etape) c.push(eb('etape', '=', f.etape));
      if (f.travailleurSocial) c.push(eb('travailleur_social', '=', f.travailleurSocial));
      if (f.cloture !== undefined) c.push(eb('clos', '=', f.cloture));
      const enRetard = eb.and([eb('clos', '=', false), eb.or([eb('echeance_depassee', '=', true), eb('echeance', '<', maintenant)])]);
      if (f.enRetard === true) c.push(enRetard);
      if (f.enRetard === false) c.push(eb.not(enRetard));
      const recherche = f.recherche?.trim();
      if (recherche) {
        const mots = this.coffre.requeteNom(recherche);
        const parNom = mots.length ? eb.and(mots.map((empreintes) => sql<SqlBool>`index_nom && ${sql.val(empreintes)}::text[]`)) : sql<SqlBool>`false`;
        const motif = recherche.toLowerCase().replace(/[\\%_]/g, (x) => `\\${x}`) + '%';
        c.push(eb.or([parNom, sql<SqlBool>`lower(reference) like ${motif}`]));
      }
      return eb.and(c);
    };
    const [lignes, total] = await Promise.all([
      this.db
        .selectFrom('dossiers')
        .select([
          'workflow_id',
          'reference',
          'programme_id',
          'type_parcours',
          'etape',
          'libelle_etape',
          'travailleur_social',
          'echeance',
          'libelle_echeance',
          'echeance_depassee',
          'clos',
          'nom_chiffre',
        ])
        .select((eb) => eb.selectFrom('priorites_dossiers as p').select('p.motif').whereRef('p.workflow_id', '=', 'dossiers.workflow_id').as('priorite'))
        .where(filtre)
        // Les ménages prioritaires encore suivis d'abord, puis par échéance.
        .orderBy(sql`(not clos and exists (select 1 from priorites_dossiers p where p.workflow_id = dossiers.workflow_id)) desc`)
        .orderBy(sql`echeance asc nulls last`)
        .orderBy('workflow_id')
        .limit(page.taille)
        .offset((page.page - 1) * page.taille)
        .execute(),
      this.db
        .selectFrom('dossiers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where(filtre)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      elements: lignes.map((l) => ({
        workflowId: l.workflow_id,
        reference: l.reference,
        ...(l.nom_chiffre ? { nom: this.coffre.dechiffrer<string>(l.nom_chiffre, ctx.nom(l.workflow_id)) } : {}),
        programme: l.programme_id,
        typeParcours: l.type_parcours,
        etape: l.etape,
        libelleEtape: l.libelle_etape,
        ...(l.travailleur_social ? { travailleurSocial: l.travailleur_social } : {}),
        ...(l.echeance ? { prochaineEcheance: l.echeance.toISOString() } : {}),
        ...(l.libelle_echeance ? { libelleEcheance: l.libelle_echeance } : {}),
        enRetard: !l.clos && (l.echeance_depassee || (!!l.echeance && l.echeance < maintenant)),
        cloture: l.clos,
        statut: l.clos ? 'termine' : 'en_cours',
        ...(l.priorite && !l.clos ? { priorite: l.priorite } : {}),
      })),
      total: Number(total.n),
      page: page.page,
      taille: page.taille,
    };
  }
}
