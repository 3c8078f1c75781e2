/**
 * Les orientations reçues des partenaires (tables `liens_orientation` et `orientations`) :
 * un lien d'orientation ne sert qu'une fois ; la fiche est chiffrée au repos (elle nomme le
 * ménage) ; la coordination l'accepte (le parcours démarre, « orienté par » reste attaché au
 * dossier) ou la refuse avec un motif renvoyé au partenaire.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import { RefusAnnuaire } from '../personnel/organisations';
import type { FicheOrientation } from './schema';
import { jourDeParis } from '../domain/durees';

export type StatutOrientation = 'recue' | 'acceptee' | 'refusee';

export interface Orientation {
  id: string;
  programmeId: string;
  organisation: { id: string; nom: string; type: string };
  reference: string;
  statut: StatutOrientation;
  recueLe: Date;
  fiche: FicheOrientation;
  traiteePar: string | null;
  traiteeLe: Date | null;
  motifRefus: string | null;
  workflowId: string | null;
  /** Le parcours d'une orientation acceptée a démarré (null : lancement en cours, ou interrompu). */
  parcoursLanceLe: Date | null;
}

const contexte = (id: string) => `orientation:${id}`;

/** Une référence de dossier sans donnée personnelle : « OR-2612-7F3C ». */
/** « OR-AAMM-XXXXXX » : l'année et le mois de Paris (une fiche reçue le 1er mars à 0 h 30 est de mars). */
export function nouvelleReference(maintenant: Date): string {
  const mois = jourDeParis(maintenant).slice(2, 7).replace('-', '');
  return `OR-${mois}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

export class Orientations {
  constructor(
    private readonly db: BaseDeDonnees,
    private readonly coffre: Coffre,
  ) {}

  async creerLien(organisationId: string, programmeId: string, par: string, expireLe: Date): Promise<string> {
    const id = randomUUID();
    await this.db
      .insertInto('liens_orientation')
      .values({ id, organisation_id: organisationId, programme_id: programmeId, cree_par: par, expire_le: expireLe })
      .execute();
    return id;
  }

  async lien(id: string) {
    return this.db.selectFrom('liens_orientation').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Enregistre la fiche ; le lien est consommé dans la même transaction (un seul envoi, même en parallèle). */
  async recevoir(lienId: string, fiche: FicheOrientation, maintenant: Date): Promise<{ id: string; reference: string }> {
    return this.db.transaction().execute(async (tx) => {
      const lien = await tx
        .updateTable('liens_orientation')
        .set({ utilise_le: maintenant })
        .where('id', '=', lienId)
        .where('utilise_le', 'is', null)
        .returning(['organisation_id', 'programme_id'])
        .executeTakeFirst();
      if (!lien) throw new RefusAnnuaire('ce lien d’orientation a déjà servi : demandez-en un nouveau à la coordination', 'lien', 409);
      const id = randomUUID();
      const reference = nouvelleReference(maintenant);
      await tx
        .insertInto('orientations')
        .values({
          id,
          programme_id: lien.programme_id,
          organisation_id: lien.organisation_id,
          lien_id: lienId,
          reference,
          fiche_chiffree: this.coffre.chiffrer(fiche, contexte(id)),
        })
        .execute();
      return { id, reference };
    });
  }

  /**
   * Une fiche envoyée par le logiciel d'une organisation (clé d'accès). Avec une clé d'idempotence, un
   * envoi répété rend l'orientation déjà reçue (`nouvelle: false`) au lieu d'en créer une seconde.
   */
  async recevoirDuLogiciel(
    organisationId: string,
    programmeId: string,
    fiche: FicheOrientation,
    cleIdempotence: string | undefined,
    maintenant: Date,
  ): Promise<{ id: string; reference: string; nouvelle: boolean }> {
    const id = randomUUID();
    const reference = nouvelleReference(maintenant);
    const inseree = await this.db
      .insertInto('orientations')
      .values({
        id,
        programme_id: programmeId,
        organisation_id: organisationId,
        reference,
        fiche_chiffree: this.coffre.chiffrer(fiche, contexte(id)),
        cle_idempotence: cleIdempotence ?? null,
      })
      .onConflict((oc) => oc.columns(['organisation_id', 'cle_idempotence']).where('cle_idempotence', 'is not', null).doNothing())
      .returning(['id', 'reference'])
      .executeTakeFirst();
    if (inseree) return { ...inseree, nouvelle: true };
    const deja = await this.db
      .selectFrom('orientations')
      .select(['id', 'reference'])
      .where('organisation_id', '=', organisationId)
      .where('cle_idempotence', '=', cleIdempotence!)
      .executeTakeFirstOrThrow();
    return { ...deja, nouvelle: false };
  }

  /** Une orientation d'une organisation, par sa référence (ce que son logiciel connaît). */
  async parReference(organisationId: string, reference: string): Promise<Orientation | undefined> {
    const l = await this.requete().where('r.organisation_id', '=', organisationId).where('r.reference', '=', reference).executeTakeFirst();
    return l ? this.lire(l) : undefined;
  }

  /** Les 500 dernières orientations du programme, la plus récente en tête. */
  async lister(programmeId: string): Promise<Orientation[]> {
    const q = this.requete().where('r.programme_id', '=', programmeId);
    return (await q.orderBy('r.recue_le', 'desc').limit(500).execute()).map((l) => this.lire(l));
  }

  async trouver(id: string): Promise<Orientation | undefined> {
    const l = await this.requete().where('r.id', '=', id).executeTakeFirst();
    return l ? this.lire(l) : undefined;
  }

  /** L'orientation qui a ouvert un parcours (« orienté par »), s'il y en a une. */
  async duParcours(workflowId: string): Promise<Orientation | undefined> {
    const l = await this.requete().where('r.workflow_id', '=', workflowId).executeTakeFirst();
    return l ? this.lire(l) : undefined;
  }

  /**
   * Marque l'orientation traitée ; false si elle l'était déjà (deux décisions simultanées : une seule
   * compte). Une acceptation se marque avant de lancer son parcours (elle le réserve : un refus au
   * même instant trouve l'orientation acceptée) et se rend (`rendre`) si le lancement échoue.
   */
  async traiter(id: string, par: string, d: { statut: 'acceptee'; workflowId: string } | { statut: 'refusee'; motif: string }): Promise<boolean> {
    const r = await this.db
      .updateTable('orientations')
      .set({
        statut: d.statut,
        traitee_par: par,
        traitee_le: new Date(),
        ...(d.statut === 'acceptee' ? { workflow_id: d.workflowId } : { motif_refus: d.motif }),
      })
      .where('id', '=', id)
      .where('statut', '=', 'recue')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Le parcours de l'acceptation a démarré. */
  async marquerLance(id: string, workflowId: string): Promise<void> {
    await this.db
      .updateTable('orientations')
      .set({ parcours_lance_le: new Date() })
      .where('id', '=', id)
      .where('statut', '=', 'acceptee')
      .where('workflow_id', '=', workflowId)
      .where('parcours_lance_le', 'is', null)
      .execute();
  }

  /** Une acceptation dont le lancement a échoué redevient une orientation reçue, à décider de nouveau. */
  async rendre(id: string, par: string, workflowId: string): Promise<void> {
    await this.db
      .updateTable('orientations')
      .set({ statut: 'recue', traitee_par: null, traitee_le: null, workflow_id: null })
      .where('id', '=', id)
      .where('statut', '=', 'acceptee')
      .where('traitee_par', '=', par)
      .where('workflow_id', '=', workflowId)
      .where('parcours_lance_le', 'is', null)
      .execute();
  }

  /**
   * Les acceptations marquées avant `avant` dont le lancement n'a pas été noté (l'API arrêtée entre
   * la marque et le lancement, ou juste après) ; `'tous'` pour tous les programmes.
   */
  async acceptationsEnSuspens(programmes: readonly string[] | 'tous', avant: Date): Promise<Orientation[]> {
    if (programmes !== 'tous' && programmes.length === 0) return [];
    let q = this.requete().where('r.statut', '=', 'acceptee').where('r.parcours_lance_le', 'is', null).where('r.traitee_le', '<', avant);
    if (programmes !== 'tous') q = q.where('r.programme_id', 'in', programmes);
    return (await q.execute()).map((l) => this.lire(l));
  }

  private requete() {
    return this.db
      .selectFrom('orientations as r')
      .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
      .select([
        'r.id',
        'r.programme_id',
        'r.reference',
        'r.statut',
        'r.recue_le',
        'r.fiche_chiffree',
        'r.traitee_par',
        'r.traitee_le',
        'r.motif_refus',
        'r.workflow_id',
        'r.parcours_lance_le',
        'o.id as organisation_id',
        'o.nom as organisation_nom',
        'o.type as organisation_type',
      ]);
  }

  private lire(l: {
    id: string;
    programme_id: string;
    reference: string;
    statut: string;
    recue_le: Date;
    fiche_chiffree: Buffer;
    traitee_par: string | null;
    traitee_le: Date | null;
    motif_refus: string | null;
    workflow_id: string | null;
    parcours_lance_le: Date | null;
    organisation_id: string;
    organisation_nom: string;
    organisation_type: string;
  }): Orientation {
    return {
      id: l.id,
      programmeId: l.programme_id,
      organisation: { id: l.organisation_id, nom: l.organisation_nom, type: l.organisation_type },
      reference: l.reference,
      statut: l.statut as StatutOrientation,
      recueLe: l.recue_le,
      fiche: this.coffre.dechiffrer<FicheOrientation>(l.fiche_chiffree, contexte(l.id)),
      traiteePar: l.traitee_par,
      traiteeLe: l.traitee_le,
      motifRefus: l.motif_refus,
      workflowId: l.workflow_id,
      parcoursLanceLe: l.parcours_lance_le,
    };
  }
}

// ---- Les clés d'accès des logiciels des partenaires ------------------------------------------------

export interface CleApi {
  id: string;
  creePar: string;
  creeLe: Date;
  utiliseeLe: Date | null;
}

const PREFIXE_CLE = 'orient';
const empreinte = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * Une clé par logiciel : « orient_<id>_<secret> ». Seule l'empreinte SHA-256 du secret (256 bits
 * aléatoires) est gardée ; la clé se montre une fois. Révoquée, elle ne sert plus, sur toutes les API.
 */
export class ClesApi {
  constructor(private readonly db: BaseDeDonnees) {}

  async creer(organisationId: string, par: string): Promise<{ id: string; cle: string }> {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('cles_api_organisation')
      .values({ id, organisation_id: organisationId, empreinte: empreinte(secret), cree_par: par })
      .execute();
    return { id, cle: `${PREFIXE_CLE}_${id}_${secret}` };
  }

  async lister(organisationId: string): Promise<CleApi[]> {
    const l = await this.db
      .selectFrom('cles_api_organisation')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('revoquee_le', 'is', null)
      .orderBy('cree_le')
      .execute();
    return l.map((c) => ({ id: c.id, creePar: c.cree_par, creeLe: c.cree_le, utiliseeLe: c.utilisee_le }));
  }

  async revoquer(organisationId: string, id: string, maintenant: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('cles_api_organisation')
      .set({ revoquee_le: maintenant })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('revoquee_le', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** L'organisation d'une clé valable (et l'heure de son dernier usage notée), sinon rien. */
  async verifier(cle: string, maintenant: Date): Promise<{ organisationId: string; cleId: string } | undefined> {
    const m = new RegExp(`^${PREFIXE_CLE}_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$`).exec(cle);
    if (!m) return undefined;
    const l = await this.db.selectFrom('cles_api_organisation').selectAll().where('id', '=', m[1]!).where('revoquee_le', 'is', null).executeTakeFirst();
    if (!l) return undefined;
    const attendue = Buffer.from(l.empreinte);
    const recue = Buffer.from(empreinte(m[2]!));
    if (attendue.length !== recue.length || !timingSafeEqual(attendue, recue)) return undefined;
    await this.db.updateTable('cles_api_organisation').set({ utilisee_le: maintenant }).where('id', '=', l.id).execute();
    return { organisationId: l.organisation_id, cleId: l.id };
  }
}
