/**
 * Les comptes du personnel administrés dans l'application (table `personnels`), jamais en éditant un
 * fichier : l'administration invite, change le rôle et les programmes, désactive et réactive.
 *
 * - un compte invité n'a pas de mot de passe utilisable : la personne choisit le sien depuis le lien
 *   d'invitation (jeton aléatoire de 32 octets, seule son empreinte SHA-256 est gardée dans
 *   `invitations_personnel`), valable 7 jours, une fois ; une nouvelle invitation annule la précédente ;
 * - un compte désactivé ne se connecte plus : ses sessions sont supprimées (toutes les API le voient
 *   aussitôt, les sessions sont en base) et ses invitations en attente annulées.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { BaseDeDonnees } from '../base';
import type { RolePersonnel } from '../domain/vocabulaire';
import { hashPassword } from '../securite/mots-de-passe';

export const DUREE_INVITATION_MS = 7 * 86_400_000;

/** Ce qui tient lieu de mot de passe à un compte invité : pas une empreinte scrypt, aucune connexion possible. */
export const SANS_MOT_DE_PASSE = 'invitation-en-attente';

/** Un refus motivé (en français), que l'API traduit en 404, 409 ou 400 qui nomme le champ. */
export class RefusPersonnel extends Error {
  constructor(
    readonly nature: 'introuvable' | 'conflit' | 'invalide',
    message: string,
    readonly champ?: string,
  ) {
    super(message);
    this.name = 'RefusPersonnel';
  }
}

export interface Compte {
  id: string;
  nom: string;
  courriel: string;
  role: RolePersonnel;
  programmes: string[];
  actif: boolean;
  /** Faux tant que la personne n'a pas choisi son mot de passe depuis son invitation. */
  motDePasseChoisi: boolean;
  /** L'expiration de l'invitation en attente, s'il y en a une. */
  invitationExpireLe?: Date;
}

export interface NouveauCompte {
  id: string;
  nom: string;
  courriel: string;
  role: RolePersonnel;
  programmes: string[];
}

export type ModificationCompte = Partial<Omit<NouveauCompte, 'id'>> & { actif?: boolean };

export type EtatInvitation = { etat: 'valide'; personneId: string; nom: string; expireLe: Date } | { etat: 'utilisee' | 'expiree' | 'annulee' | 'inconnue' };

/** Ce que la page d'invitation dit d'un lien qui ne sert plus. */
export const MESSAGES_INVITATION: Record<Exclude<EtatInvitation['etat'], 'valide'>, string> = {
  utilisee: 'Ce lien d’invitation a déjà servi : votre mot de passe est choisi. Connectez-vous avec votre identifiant.',
  expiree: 'Ce lien d’invitation a expiré (il était valable 7 jours). Demandez à l’administration de vous inviter à nouveau.',
  annulee: 'Ce lien d’invitation n’est plus valable : une invitation plus récente l’a remplacé, ou le compte a été désactivé. Utilisez le dernier lien reçu.',
  inconnue: 'Ce lien d’invitation n’est pas valable. Vérifiez qu’il est complet, ou demandez une nouvelle invitation à l’administration.',
};

const empreinte = (jeton: string) => createHash('sha256').update(`invitation:${jeton}`, 'utf8').digest('base64url');

/** La forme d'un jeton d'invitation (32 octets en base64url). */
export const FORME_JETON_INVITATION = /^[A-Za-z0-9_-]{43}$/;

type Ligne = {
  id: string;
  nom: string;
  courriel: string;
  role: string;
  programmes: string[];
  actif: boolean;
  mot_de_passe: string;
  invitation_expire_le: Date | null;
};

const versCompte = (l: Ligne): Compte => ({
  id: l.id,
  nom: l.nom,
  courriel: l.courriel,
  role: l.role as RolePersonnel,
  programmes: l.programmes,
  actif: l.actif,
  motDePasseChoisi: l.mot_de_passe.startsWith('scrypt$'),
  ...(l.invitation_expire_le ? { invitationExpireLe: l.invitation_expire_le } : {}),
});

export class ComptesPersonnel {
  constructor(
    private readonly db: BaseDeDonnees,
    private readonly maintenant: () => Date = () => new Date(),
  ) {}

  /** Les comptes (actifs et désactivés), avec leur invitation en attente. */
  async lister(ids?: string[]): Promise<Compte[]> {
    if (ids && !ids.length) return [];
    let q = this.db
      .selectFrom('personnels as p')
      .select(['p.id', 'p.nom', 'p.courriel', 'p.role', 'p.programmes', 'p.actif', 'p.mot_de_passe'])
      .select((eb) =>
        eb
          .selectFrom('invitations_personnel as i')
          .select((e) => e.fn.max('i.expire_le').as('m'))
          .whereRef('i.personne_id', '=', 'p.id')
          .where('i.utilisee_le', 'is', null)
          .where('i.annulee_le', 'is', null)
          .where('i.expire_le', '>', this.maintenant())
          .as('invitation_expire_le'),
      )
      .orderBy('p.actif', 'desc')
      .orderBy('p.id');
    if (ids) q = q.where('p.id', 'in', ids);
    return (await q.execute()).map((l) => versCompte(l as Ligne));
  }

  async trouver(id: string): Promise<Compte | undefined> {
    return (await this.lister([id]))[0];
  }

  /** Crée le compte, sans mot de passe utilisable, et son invitation ; renvoie le jeton (à envoyer, jamais gardé). */
  async creer(c: NouveauCompte, par: string): Promise<{ compte: Compte; jeton: string; expireLe: Date }> {
    const { jeton, expireLe } = await this.db.transaction().execute(async (tx) => {
      const cree = await tx
        .insertInto('personnels')
        .values({
          id: c.id,
          nom: c.nom,
          courriel: c.courriel,
          role: c.role,
          programmes: c.role === 'admin' ? [] : c.programmes,
          mot_de_passe: SANS_MOT_DE_PASSE,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!cree)
        throw new RefusPersonnel('conflit', `L’identifiant « ${c.id} » est déjà pris : choisissez-en un autre, ou renvoyez une invitation à ce compte.`, 'id');
      return nouvelleInvitation(tx, c.id, par, this.maintenant());
    });
    return { compte: (await this.trouver(c.id))!, jeton, expireLe };
  }

  /** Une nouvelle invitation pour un compte actif : la précédente ne vaut plus. */
  async inviter(id: string, par: string): Promise<{ compte: Compte; jeton: string; expireLe: Date }> {
    const r = await this.db.transaction().execute(async (tx) => {
      const p = await tx.selectFrom('personnels').select(['actif']).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!p) throw new RefusPersonnel('introuvable', `Aucun compte « ${id} ».`);
      if (!p.actif) throw new RefusPersonnel('conflit', 'Ce compte est désactivé : réactivez-le avant de l’inviter.');
      return nouvelleInvitation(tx, id, par, this.maintenant());
    });
    return { compte: (await this.trouver(id))!, ...r };
  }

  /**
   * Change le nom, l'adresse, le rôle, les programmes ou l'état du compte. Désactivé : ses sessions
   * sont supprimées et ses invitations annulées.
   */
  async modifier(id: string, m: ModificationCompte): Promise<Compte> {
    await this.db.transaction().execute(async (tx) => {
      const avant = await tx.selectFrom('personnels').select(['role', 'programmes']).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!avant) throw new RefusPersonnel('introuvable', `Aucun compte « ${id} ».`);
      const role = m.role ?? (avant.role as RolePersonnel);
      const programmes = role === 'admin' ? [] : (m.programmes ?? avant.programmes);
      if (role !== 'admin' && !programmes.length) {
        throw new RefusPersonnel('invalide', 'au moins un programme pour la coordination et le travail social', 'programmes');
      }
      await tx
        .updateTable('personnels')
        .set({
          ...(m.nom !== undefined ? { nom: m.nom } : {}),
          ...(m.courriel !== undefined ? { courriel: m.courriel } : {}),
          ...(m.actif !== undefined ? { actif: m.actif } : {}),
          role,
          programmes,
          modifie_le: this.maintenant(),
        })
        .where('id', '=', id)
        .execute();
      if (m.actif === false) {
        await tx.deleteFrom('sessions').where('personne_id', '=', id).execute();
        await tx
          .updateTable('invitations_personnel')
          .set({ annulee_le: this.maintenant() })
          .where('personne_id', '=', id)
          .where('utilisee_le', 'is', null)
          .where('annulee_le', 'is', null)
          .execute();
      }
    });
    return (await this.trouver(id))!;
  }

  async lireInvitation(jeton: string): Promise<EtatInvitation> {
    if (!FORME_JETON_INVITATION.test(jeton)) return { etat: 'inconnue' };
    const l = await this.db
      .selectFrom('invitations_personnel as i')
      .innerJoin('personnels as p', 'p.id', 'i.personne_id')
      .select(['i.personne_id', 'i.expire_le', 'i.utilisee_le', 'i.annulee_le', 'p.nom', 'p.actif'])
      .where('i.empreinte', '=', empreinte(jeton))
      .executeTakeFirst();
    return etatDe(l, this.maintenant());
  }

  /**
   * La personne choisit son mot de passe depuis son invitation : le lien ne sert plus, ses autres
   * invitations sont annulées et ses sessions ouvertes fermées (un mot de passe oublié se remplace ainsi).
   */
  async accepterInvitation(jeton: string, motDePasse: string): Promise<{ personneId: string }> {
    const empreinteMotDePasse = await hashPassword(motDePasse);
    return this.db.transaction().execute(async (tx) => {
      const l = FORME_JETON_INVITATION.test(jeton)
        ? await tx
            .selectFrom('invitations_personnel as i')
            .innerJoin('personnels as p', 'p.id', 'i.personne_id')
            .select(['i.personne_id', 'i.expire_le', 'i.utilisee_le', 'i.annulee_le', 'p.nom', 'p.actif'])
            .where('i.empreinte', '=', empreinte(jeton))
            .forUpdate()
            .executeTakeFirst()
        : undefined;
      const e = etatDe(l, this.maintenant());
      if (e.etat !== 'valide') throw new RefusPersonnel(e.etat === 'inconnue' ? 'introuvable' : 'conflit', MESSAGES_INVITATION[e.etat]);
      const t = this.maintenant();
      await tx.updateTable('personnels').set({ mot_de_passe: empreinteMotDePasse, modifie_le: t }).where('id', '=', e.personneId).execute();
      await tx.updateTable('invitations_personnel').set({ utilisee_le: t }).where('empreinte', '=', empreinte(jeton)).execute();
      await tx
        .updateTable('invitations_personnel')
        .set({ annulee_le: t })
        .where('personne_id', '=', e.personneId)
        .where('utilisee_le', 'is', null)
        .where('annulee_le', 'is', null)
        .execute();
      await tx.deleteFrom('sessions').where('personne_id', '=', e.personneId).execute();
      return { personneId: e.personneId };
    });
  }
}

function etatDe(
  l: { personne_id: string; expire_le: Date; utilisee_le: Date | null; annulee_le: Date | null; nom: string; actif: boolean } | undefined,
  maintenant: Date,
): EtatInvitation {
  if (!l) return { etat: 'inconnue' };
  if (l.utilisee_le) return { etat: 'utilisee' };
  if (l.annulee_le || !l.actif) return { etat: 'annulee' };
  if (l.expire_le.getTime() <= maintenant.getTime()) return { etat: 'expiree' };
  return { etat: 'valide', personneId: l.personne_id, nom: l.nom, expireLe: l.expire_le };
}

async function nouvelleInvitation(tx: BaseDeDonnees, personneId: string, par: string, maintenant: Date): Promise<{ jeton: string; expireLe: Date }> {
  await tx
    .updateTable('invitations_personnel')
    .set({ annulee_le: maintenant })
    .where('personne_id', '=', personneId)
    .where('utilisee_le', 'is', null)
    .where('annulee_le', 'is', null)
    .execute();
  const jeton = randomBytes(32).toString('base64url');
  const expireLe = new Date(maintenant.getTime() + DUREE_INVITATION_MS);
  await tx
    .insertInto('invitations_personnel')
    .values({ empreinte: empreinte(jeton), personne_id: personneId, expire_le: expireLe, cree_par: par })
    .execute();
  return { jeton, expireLe };
}
