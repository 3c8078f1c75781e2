/**
 * L'annuaire des partenaires d'un programme, par organisation (tables `organisations` et
 * `contacts_partenaires`), et le bailleur de chaque parcours (`bailleurs_parcours`, avec la trace
 * de chaque changement dans `changements_bailleur`).
 *
 * - Les presets inscrivent, s'ils manquent, une organisation par rôle de partenaire
 *   (« programme--rôle ») et les bailleurs supplémentaires (« programme--bailleur-xxx ») ;
 *   ce qui est déjà en base (ajouté ou changé dans les pages) n'est jamais écrasé.
 * - Un parcours nomme son bailleur : tout courriel « au bailleur » va aux contacts de ce bailleur-là.
 * - Une file active par bailleur (APRIL : 20 ménages par bailleur) : un lancement au-delà est refusé.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { BaseDeDonnees } from '../base';
import { nombreDe } from '../domain/libelles';
import {
  LIBELLES_TYPE_ORGANISATION,
  ROLES_PARTENAIRES,
  TYPE_ORGANISATION_DU_ROLE,
  TYPES_BAILLEUR,
  type Programme,
  type RolePartenaire,
  type TypeOrganisation,
} from '../domain/vocabulaire';

export interface ContactOrganisation {
  id: string;
  nom: string;
  courriel: string;
  service: string | null;
  actif: boolean;
}

export interface Organisation {
  id: string;
  programmeId: string;
  type: TypeOrganisation;
  nom: string;
  quotaFileActive: number | null;
  actif: boolean;
  contacts: ContactOrganisation[];
  /** Parcours ouverts dont elle est le bailleur (bailleurs seulement). */
  parcoursOuverts?: number;
}

/** L'organisation d'un rôle de partenaire d'un programme (celle du preset). */
export const organisationDuRole = (programmeId: string, role: RolePartenaire) => `${programmeId}--${role}`;

export const estBailleur = (type: string) => (TYPES_BAILLEUR as readonly string[]).includes(type);

/**
 * Ce que devient une organisation sans contact actif (activities/courriel.ts, api/routes/orientations.ts) :
 * - `role` : celle d'un rôle de partenaire du programme (« programme--rôle ») ; ses courriels vont à
 *   l'adresse du programme pour ce rôle (`programme.partenaires[role]`, l'adresse de repli) ;
 * - `autre_bailleur` : un autre bailleur du programme ; les courriels « au bailleur » de ses ménages
 *   vont alors à la coordination du programme, jamais à l'adresse de repli (celle du bailleur du
 *   programme : un autre bailleur ; `contactsEtOrganisation`). Son dernier contact ne se retire donc
 *   pas (`desactiverContact`) ;
 * - `autre` : une autre organisation ; elle ne reçoit que les liens d'orientation, qui ne peuvent plus
 *   lui être envoyés.
 */
export type SansContact = { cas: 'role'; role: RolePartenaire } | { cas: 'autre_bailleur' } | { cas: 'autre' };
export function sansContact(o: Pick<Organisation, 'id' | 'programmeId' | 'type'>): SansContact {
  const role = ROLES_PARTENAIRES.find((r) => organisationDuRole(o.programmeId, r) === o.id);
  if (role) return { cas: 'role', role };
  return estBailleur(o.type) ? { cas: 'autre_bailleur' } : { cas: 'autre' };
}

/** Le refus de retirer le dernier contact d'un autre bailleur que celui du programme (page et API). */
export const REFUS_DERNIER_CONTACT_BAILLEUR =
  'c’est le dernier contact de ce bailleur : sans contact, les courriels destinés au bailleur de ses ménages iraient à la coordination du programme, à lui faire suivre ; ajoutez d’abord un autre contact, puis retirez celui-ci';

/** Une refus métier (quota atteint, organisation inconnue…), en français, à montrer tel quel. */
export class RefusAnnuaire extends Error {
  constructor(
    message: string,
    readonly champ: string,
    readonly statut: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

/** La file active du bailleur est complète (409) : une place rendue par un lancement interrompu permet un nouvel essai. */
export class FileActiveComplete extends RefusAnnuaire {
  constructor(message: string) {
    super(message, 'bailleur', 409);
  }
}

/** Inscrit les organisations et les contacts des presets qui manquent ; renvoie combien de contacts ont été ajoutés. */
export async function importerPartenaires(db: BaseDeDonnees, programmes: Programme[]): Promise<number> {
  const organisations: Array<{ id: string; programme_id: string; type: string; nom: string; quota_file_active: number | null }> = [];
  const contacts: Array<{ programme_id: string; role: string; nom: string; courriel: string; organisation_id: string; service: string | null }> = [];
  for (const p of programmes) {
    const quota = p.quotas.fileActiveParBailleur ?? null;
    for (const [role, c] of Object.entries(p.partenaires) as Array<[RolePartenaire, { nom: string; courriel: string } | undefined]>) {
      if (!c) continue;
      const id = organisationDuRole(p.id, role);
      const type = TYPE_ORGANISATION_DU_ROLE[role];
      organisations.push({ id, programme_id: p.id, type, nom: c.nom, quota_file_active: estBailleur(type) ? quota : null });
      contacts.push({ programme_id: p.id, role, nom: c.nom, courriel: c.courriel, organisation_id: id, service: null });
    }
    for (const b of p.bailleurs ?? []) {
      const id = `${p.id}--bailleur-${b.id}`;
      organisations.push({ id, programme_id: p.id, type: b.type, nom: b.nom, quota_file_active: quota });
      contacts.push({ programme_id: p.id, role: 'bailleur', nom: b.nom, courriel: b.courriel, organisation_id: id, service: b.service ?? null });
    }
  }
  if (!organisations.length) return 0;
  await db
    .insertInto('organisations')
    .values(organisations)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const r = await db
    .insertInto('contacts_partenaires')
    .values(contacts)
    .onConflict((oc) => oc.columns(['programme_id', 'role', 'courriel']).doNothing())
    .returning('id')
    .execute();
  return r.length;
}

const identifiantNouveau = (programmeId: string, nom: string) => {
  const racine = nom
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 30);
  return `${programmeId}--${racine || 'organisation'}-${randomBytes(3).toString('hex')}`;
};

/** Le rôle de partenaire des contacts d'une organisation (un bailleur reçoit ce qui va « au bailleur »). */
function roleDuType(type: TypeOrganisation): string {
  const trouve = (Object.entries(TYPE_ORGANISATION_DU_ROLE) as Array<[RolePartenaire, TypeOrganisation]>).find(([, t]) => t === type);
  if (estBailleur(type)) return 'bailleur';
  return trouve?.[0] ?? `autre:${type}`;
}

export interface NouvelleOrganisation {
  type: TypeOrganisation;
  nom: string;
  quotaFileActive?: number | null;
  contacts?: Array<{ nom: string; courriel: string; service?: string }>;
}

export class AnnuairePartenaires {
  constructor(private readonly db: BaseDeDonnees) {}

  /** Les organisations d'un programme avec leurs contacts (actifs d'abord) et, pour les bailleurs, leur file active. */
  async lister(programmeId: string, o: { actives?: boolean; type?: 'bailleurs'; sansFileActive?: boolean } = {}): Promise<Organisation[]> {
    let q = this.db.selectFrom('organisations').selectAll().where('programme_id', '=', programmeId);
    if (o.actives) q = q.where('actif', '=', true);
    if (o.type === 'bailleurs') q = q.where('type', 'in', [...TYPES_BAILLEUR]);
    const lignes = await q.orderBy('actif', 'desc').orderBy('nom').execute();
    if (!lignes.length) return [];
    const ids = lignes.map((l) => l.id);
    const [contacts, ouverts] = await Promise.all([
      this.db
        .selectFrom('contacts_partenaires')
        .select(['id', 'nom', 'courriel', 'service', 'actif', 'organisation_id'])
        .where('organisation_id', 'in', ids)
        .orderBy('actif', 'desc')
        .orderBy('id')
        .execute(),
      o.sansFileActive ? new Map<string, number>() : this.parcoursOuverts(ids),
    ]);
    return lignes.map((l) => ({
      id: l.id,
      programmeId: l.programme_id,
      type: l.type as TypeOrganisation,
      nom: l.nom,
      quotaFileActive: l.quota_file_active,
      actif: l.actif,
      contacts: contacts.filter((c) => c.organisation_id === l.id).map(({ organisation_id: _o, ...c }) => c),
      ...(estBailleur(l.type) && !o.sansFileActive ? { parcoursOuverts: ouverts.get(l.id) ?? 0 } : {}),
    }));
  }

  async trouver(id: string): Promise<Organisation | undefined> {
    const l = await this.db.selectFrom('organisations').select('programme_id').where('id', '=', id).executeTakeFirst();
    if (!l) return undefined;
    return (await this.lister(l.programme_id)).find((o) => o.id === id);
  }

  /**
   * La file active du bailleur a-t-elle atteint son quota ? Au plus `quota` parcours lus (et non tous
   * ceux du bailleur : à chaque lancement, sous le verrou de sa file, le compte entier prenait 90 ms à
   * 50 000 parcours et bornait les lancements à une dizaine par seconde).
   */
  private async fileActiveComplete(organisationId: string, quota: number, db: BaseDeDonnees): Promise<boolean> {
    const r = await db
      .selectFrom(
        db
          .selectFrom('bailleurs_parcours')
          .select('workflow_id')
          .where('organisation_id', '=', organisationId)
          .where('clos', '=', false)
          .limit(quota)
          .as('ouverts'),
      )
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n) >= quota;
  }

  /**
   * Les parcours ouverts de chaque bailleur : ceux dont la clôture n'a pas été consignée (index des
   * ouverts, sans lire les dossiers ; un dossier effacé par la rétention reste clos).
   */
  private async parcoursOuverts(ids: string[], db: BaseDeDonnees = this.db): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const r = await db
      .selectFrom('bailleurs_parcours')
      .select(['organisation_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('organisation_id', 'in', ids)
      .where('clos', '=', false)
      .groupBy('organisation_id')
      .execute();
    return new Map(r.map((x) => [x.organisation_id, Number(x.n)]));
  }

  async creer(programmeId: string, o: NouvelleOrganisation): Promise<Organisation> {
    const id = identifiantNouveau(programmeId, o.nom);
    const role = roleDuType(o.type);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('organisations')
        .values({ id, programme_id: programmeId, type: o.type, nom: o.nom, quota_file_active: o.quotaFileActive ?? null })
        .execute();
      const contacts = [...new Map((o.contacts ?? []).map((c) => [c.courriel.toLowerCase(), c])).values()];
      if (contacts.length) {
        await tx
          .insertInto('contacts_partenaires')
          .values(contacts.map((c) => ({ programme_id: programmeId, role, nom: c.nom, courriel: c.courriel, service: c.service ?? null, organisation_id: id })))
          .onConflict((oc) =>
            oc.columns(['programme_id', 'role', 'courriel']).doUpdateSet({ organisation_id: id, nom: (eb) => eb.ref('excluded.nom'), actif: true }),
          )
          .execute();
      }
    });
    return (await this.trouver(id))!;
  }

  async modifier(id: string, m: { nom?: string; quotaFileActive?: number | null; actif?: boolean }): Promise<Organisation> {
    const r = await this.db
      .updateTable('organisations')
      .set({
        ...(m.nom !== undefined ? { nom: m.nom } : {}),
        ...(m.quotaFileActive !== undefined ? { quota_file_active: m.quotaFileActive } : {}),
        ...(m.actif !== undefined ? { actif: m.actif } : {}),
        modifie_le: new Date(),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r.numUpdatedRows) throw new RefusAnnuaire('organisation introuvable', 'id', 404);
    return (await this.trouver(id))!;
  }

  /** Ajoute (ou réactive) un contact ; les courriels suivants lui parviennent aussitôt. */
  async ajouterContact(organisationId: string, c: { nom: string; courriel: string; service?: string }): Promise<ContactOrganisation> {
    const org = await this.db.selectFrom('organisations').selectAll().where('id', '=', organisationId).executeTakeFirst();
    if (!org) throw new RefusAnnuaire('organisation introuvable', 'id', 404);
    const role = roleDuType(org.type as TypeOrganisation);
    const l = await this.db
      .insertInto('contacts_partenaires')
      .values({ programme_id: org.programme_id, role, nom: c.nom, courriel: c.courriel, service: c.service ?? null, organisation_id: org.id })
      .onConflict((oc) =>
        oc
          .columns(['programme_id', 'role', 'courriel'])
          .doUpdateSet({ organisation_id: org.id, nom: c.nom, service: c.service ?? null, actif: true, modifie_le: new Date() }),
      )
      .returning(['id', 'nom', 'courriel', 'service', 'actif'])
      .executeTakeFirstOrThrow();
    return l;
  }

  /**
   * Retire un contact (la trace reste). Le dernier contact actif d'un autre bailleur que celui du
   * programme ne se retire pas (`sansContact`) : vérifié sous le verrou de l'organisation, deux
   * retraits simultanés de ses deux derniers contacts ne la laissent pas sans contact.
   */
  async desactiverContact(organisationId: string, contactId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const o = await tx.selectFrom('organisations').select(['id', 'programme_id', 'type']).where('id', '=', organisationId).forUpdate().executeTakeFirst();
      if (!o) throw new RefusAnnuaire('contact introuvable dans cette organisation', 'contact', 404);
      const actifs = await tx.selectFrom('contacts_partenaires').select('id').where('organisation_id', '=', organisationId).where('actif', '=', true).execute();
      const dernier = actifs.length === 1 && String(actifs[0]!.id) === contactId;
      if (dernier && sansContact({ id: o.id, programmeId: o.programme_id, type: o.type as TypeOrganisation }).cas === 'autre_bailleur')
        throw new RefusAnnuaire(REFUS_DERNIER_CONTACT_BAILLEUR, 'contact', 409);
      const r = await tx
        .updateTable('contacts_partenaires')
        .set({ actif: false, modifie_le: new Date() })
        .where('id', '=', contactId)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
      if (!r.numUpdatedRows) throw new RefusAnnuaire('contact introuvable dans cette organisation', 'contact', 404);
    });
  }

  /**
   * Le bailleur d'un nouveau parcours : celui choisi, ou le seul bailleur actif du programme.
   * La file active est comptée sous un verrou par bailleur : deux lancements simultanés ne
   * dépassent pas le quota. Un parcours qui a déjà son bailleur le garde (nouvel essai).
   */
  async choisirPourLancement(
    workflowId: string,
    programmeId: string,
    choisi: string | undefined,
    par: string,
  ): Promise<{ organisation: Organisation; ajoute: boolean }> {
    return this.reserverPourLancement(workflowId, programmeId, await this.bailleurDuLancement(programmeId, choisi), par);
  }

  /**
   * Le bailleur d'un lancement, sans rien réserver : celui qui est choisi, ou le seul du programme.
   * Refus (400, champ « bailleur ») : inconnu ou inactif, choix requis entre plusieurs, aucun inscrit.
   */
  async bailleurDuLancement(programmeId: string, choisi: string | undefined): Promise<Organisation> {
    // Le choix n'a pas besoin des files actives : seul le quota du bailleur choisi est vérifié, à la réservation.
    const bailleurs = await this.lister(programmeId, { actives: true, type: 'bailleurs', sansFileActive: true });
    let organisation: Organisation | undefined;
    if (choisi) {
      organisation = bailleurs.find((b) => b.id === choisi);
      if (!organisation)
        throw new RefusAnnuaire(
          `bailleur inconnu ou inactif pour ce programme : choisissez parmi ${bailleurs.map((b) => `« ${b.nom} »`).join(', ') || '(aucun bailleur inscrit)'}`,
          'bailleur',
        );
    } else if (bailleurs.length === 1) {
      organisation = bailleurs[0];
    } else if (bailleurs.length > 1) {
      throw new RefusAnnuaire(`choisissez le bailleur du ménage parmi ${bailleurs.map((b) => `« ${b.nom} »`).join(', ')}`, 'bailleur');
    } else {
      throw new RefusAnnuaire('aucun bailleur actif n’est inscrit à l’annuaire de ce programme : ajoutez-le d’abord', 'bailleur');
    }
    return organisation!;
  }

  /**
   * Inscrit le bailleur du parcours, sa file active comptée (409 si elle est complète) ; `ajoute`
   * est faux si le parcours avait déjà son bailleur (un lancement refait).
   */
  async reserverPourLancement(
    workflowId: string,
    programmeId: string,
    org: Organisation,
    par: string,
  ): Promise<{ organisation: Organisation; ajoute: boolean }> {
    const inscrire = (db: BaseDeDonnees) =>
      db
        .insertInto('bailleurs_parcours')
        .values({ workflow_id: workflowId, programme_id: programmeId, organisation_id: org.id, choisi_par: par })
        .onConflict((oc) => oc.column('workflow_id').doNothing())
        .returning('workflow_id')
        .executeTakeFirst();
    // Sans quota, rien à compter : une seule requête (le parcours qui a déjà son bailleur le garde).
    if (org.quotaFileActive == null) return { organisation: org, ajoute: !!(await inscrire(this.db)) };
    const quota = org.quotaFileActive;
    const ajoute = await this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`file-active:${org.id}`}))`.execute(tx);
      const existant = await tx.selectFrom('bailleurs_parcours').select('organisation_id').where('workflow_id', '=', workflowId).executeTakeFirst();
      if (existant) return false;
      if (await this.fileActiveComplete(org.id, quota, tx)) {
        // Le refus dit le compte exact (plus que le quota, s'il a été baissé depuis).
        const n = (await this.parcoursOuverts([org.id], tx)).get(org.id) ?? 0;
        throw new FileActiveComplete(
          `la file active de « ${org.nom} » est complète (${nombreDe(n, 'ménage suivi', 'ménages suivis')} pour ${nombreDe(quota, 'place', 'places')}) : clôturez un parcours ou augmentez le quota`,
        );
      }
      return !!(await inscrire(tx));
    });
    return { organisation: org, ajoute };
  }

  /**
   * Les parcours inscrits chez ce bailleur, ouverts, sans dossier et choisis avant `avant` : des
   * lancements peut-être interrompus (l'API arrêtée entre l'inscription du bailleur et le démarrage
   * du parcours), qui prennent une place de sa file active. Lus sur l'index des parcours ouverts.
   */
  async inscriptionsSansDossier(organisationId: string, avant: Date): Promise<string[]> {
    const l = await this.db
      .selectFrom('bailleurs_parcours as b')
      .leftJoin('dossiers as d', 'd.workflow_id', 'b.workflow_id')
      .select('b.workflow_id')
      .where('b.organisation_id', '=', organisationId)
      .where('b.clos', '=', false)
      .where('d.workflow_id', 'is', null)
      .where('b.choisi_le', '<', avant)
      .limit(100)
      .execute();
    return l.map((x) => x.workflow_id);
  }

  /**
   * Rend la place d'un lancement interrompu (son parcours n'existe pas) : seulement s'il est toujours
   * ouvert, sans dossier et choisi avant `avant` ; false sinon.
   */
  async rendrePlace(workflowId: string, avant: Date): Promise<boolean> {
    const r = await this.db
      .deleteFrom('bailleurs_parcours')
      .where('workflow_id', '=', workflowId)
      .where('clos', '=', false)
      .where('choisi_le', '<', avant)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('dossiers').select('workflow_id').where('workflow_id', '=', workflowId))))
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  /** Annule le choix d'un lancement qui n'a pas abouti (le parcours n'a pas démarré). */
  async oublierLancement(workflowId: string): Promise<void> {
    await this.db.deleteFrom('bailleurs_parcours').where('workflow_id', '=', workflowId).execute();
  }

  /**
   * Le bailleur d'un parcours et l'historique de ses changements. Un parcours ouvert par la veille
   * active (« …-R260312 ») a celui du parcours d'origine tant qu'on ne lui en a pas choisi un autre
   * (les courriels « au bailleur » vont aussi à lui : LecturesAnnuaire.contacts).
   */
  async bailleurDuParcours(workflowId: string): Promise<{
    organisation?: { id: string; nom: string; type: TypeOrganisation };
    historique: Array<{ ancien: string | null; nouveau: string; par: string; motif: string; le: Date }>;
  }> {
    const origine = workflowId.replace(/(-R\d{6})+$/, '');
    const [lignes, historique] = await Promise.all([
      this.db
        .selectFrom('bailleurs_parcours as b')
        .innerJoin('organisations as o', 'o.id', 'b.organisation_id')
        .select(['o.id', 'o.nom', 'o.type', 'b.workflow_id'])
        .where('b.workflow_id', 'in', [...new Set([workflowId, origine])])
        .execute(),
      this.db
        .selectFrom('changements_bailleur as c')
        .leftJoin('organisations as a', 'a.id', 'c.ancien')
        .innerJoin('organisations as n', 'n.id', 'c.nouveau')
        .select(['a.nom as ancien', 'n.nom as nouveau', 'c.par', 'c.motif', 'c.le'])
        .where('c.workflow_id', '=', workflowId)
        .orderBy('c.le')
        .orderBy('c.id')
        .execute(),
    ]);
    const b = lignes.find((x) => x.workflow_id === workflowId) ?? lignes[0];
    return { ...(b ? { organisation: { id: b.id, nom: b.nom, type: b.type as TypeOrganisation } } : {}), historique };
  }

  /** Change le bailleur d'un parcours, avec le motif et l'auteur ; les courriels suivants vont au nouveau. */
  async changerBailleur(workflowId: string, programmeId: string, nouveau: string, par: string, motif: string): Promise<void> {
    const bailleurs = await this.lister(programmeId, { actives: true, type: 'bailleurs' });
    const org = bailleurs.find((b) => b.id === nouveau);
    if (!org)
      throw new RefusAnnuaire(
        `bailleur inconnu ou inactif pour ce programme : choisissez parmi ${bailleurs.map((b) => `« ${b.nom} »`).join(', ')}`,
        'bailleur',
      );
    await this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`file-active:${org.id}`}))`.execute(tx);
      const avant = await tx.selectFrom('bailleurs_parcours').select('organisation_id').where('workflow_id', '=', workflowId).forUpdate().executeTakeFirst();
      if (avant?.organisation_id === org.id) throw new RefusAnnuaire(`« ${org.nom} » est déjà le bailleur de ce ménage`, 'bailleur', 409);
      await tx
        .insertInto('bailleurs_parcours')
        .values({ workflow_id: workflowId, programme_id: programmeId, organisation_id: org.id, choisi_par: par })
        .onConflict((oc) => oc.column('workflow_id').doUpdateSet({ organisation_id: org.id, choisi_par: par, choisi_le: new Date() }))
        .execute();
      await tx
        .insertInto('changements_bailleur')
        .values({ workflow_id: workflowId, ancien: avant?.organisation_id ?? null, nouveau: org.id, par, motif })
        .execute();
    });
  }
}

export const libelleOrganisation = (o: Pick<Organisation, 'type' | 'nom'>) => `${o.nom} (${LIBELLES_TYPE_ORGANISATION[o.type]})`;
