/**
 * Les orientations reçues des partenaires (tables `liens_orientation` et `orientations`) :
 * un lien d'orientation ne sert qu'une fois ; la fiche est chiffrée au repos (elle nomme le
 * ménage) ; la coordination l'accepte (le parcours démarre, « orienté par » reste attaché au
 * dossier) ou la refuse avec un motif renvoyé au partenaire.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import { RefusAnnuaire } from '../personnel/organisations';
import type { FicheOrientation } from './schema';

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
}

const contexte = (id: string) => `orientation:${id}`;

/** Une référence de dossier sans donnée personnelle : « OR-2612-7F3C ». */
function nouvelleReference(maintenant: Date): string {
  const mois = maintenant.toISOString().slice(2, 7).replace('-', '');
  return `OR-${mois}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

export class Orientations {
  constructor(
    private readonly db: BaseDeDonnees,
    private readonly coffre: Coffre,
  ) {}

  async creerLien(organisationId: string, programmeId: string, par: string, expireLe: Date): Promise<string> {
    const id = randomUUID();
    await this.db.insertInto('liens_orientation').values({ id, organisation_id: organisationId, programme_id: programmeId, cree_par: par, expire_le: expireLe }).execute();
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
        .values({ id, programme_id: lien.programme_id, organisation_id: lien.organisation_id, lien_id: lienId, reference, fiche_chiffree: this.coffre.chiffrer(fiche, contexte(id)) })
        .execute();
      return { id, reference };
    });
  }

  async lister(programmeId: string, o: { statut?: StatutOrientation } = {}): Promise<Orientation[]> {
    let q = this.requete().where('r.programme_id', '=', programmeId);
    if (o.statut) q = q.where('r.statut', '=', o.statut);
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

  /** Marque l'orientation traitée ; false si elle l'était déjà (deux décisions simultanées : une seule compte). */
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
    };
  }
}
