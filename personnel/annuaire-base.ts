/**
 * Le personnel et les partenaires dans le système d'enregistrement (tables `personnels` et
 * `contacts_partenaires`), partagés par toutes les API et tous les workers.
 *
 * - les comptes du fichier STAFF_ACCOUNTS_FILE (ou de démonstration) et les partenaires des presets
 *   sont importés au démarrage s'ils manquent : ce qui est déjà en base n'est jamais écrasé ;
 * - les activités lisent les adresses au moment d'envoyer : un contact changé en cours de parcours
 *   reçoit les courriels suivants ;
 * - l'API garde une copie des comptes, relue toutes les 30 secondes (`AnnuaireEnBase`).
 */
import type { BaseDeDonnees } from '../base';
import type { RolePartenaire, RolePersonnel } from '../domain/vocabulaire';
import type { Annuaire, Personne } from './annuaire';
import { creerAnnuaire } from './annuaire';
import { organisationDuRole } from './organisations';

export interface Contact {
  nom: string;
  courriel: string;
}

/** Ajoute les comptes qui manquent ; renvoie combien ont été ajoutés. */
export async function importerPersonnel(db: BaseDeDonnees, personnes: Personne[]): Promise<number> {
  if (!personnes.length) return 0;
  const r = await db
    .insertInto('personnels')
    .values(personnes.map((p) => ({ id: p.id, nom: p.nom, courriel: p.courriel, role: p.role, programmes: p.programmes, mot_de_passe: p.motDePasse })))
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return r.length;
}

export { importerPartenaires } from './organisations';

const versPersonne = (l: { id: string; nom: string; courriel: string; role: string; programmes: string[]; mot_de_passe: string }): Personne => ({
  id: l.id,
  nom: l.nom,
  courriel: l.courriel,
  role: l.role as RolePersonnel,
  programmes: l.programmes,
  motDePasse: l.mot_de_passe,
});

/** Les lectures de l'annuaire au moment d'un envoi. */
export class LecturesAnnuaire {
  constructor(private readonly db: BaseDeDonnees) {}

  async personne(id: string): Promise<Personne | undefined> {
    const l = await this.db.selectFrom('personnels').selectAll().where('id', '=', id).where('actif', '=', true).executeTakeFirst();
    return l ? versPersonne(l) : undefined;
  }

  async coordinateurs(programmeId: string): Promise<Personne[]> {
    const l = await this.db
      .selectFrom('personnels')
      .selectAll()
      .where('role', '=', 'coordinateur')
      .where('actif', '=', true)
      .where((eb) => eb(eb.val(programmeId), '=', eb.fn.any('programmes')))
      .orderBy('id')
      .execute();
    return l.map(versPersonne);
  }

  /** Les administrateurs actifs (destinataires de repli). */
  async administrateurs(): Promise<Personne[]> {
    const l = await this.db.selectFrom('personnels').selectAll().where('role', '=', 'admin').where('actif', '=', true).orderBy('id').execute();
    return l.map(versPersonne);
  }

  /**
   * Les contacts actifs d'un rôle de partenaire dans un programme : ceux de l'organisation de ce
   * rôle (vide si l'annuaire n'en a pas). Pour « le bailleur », ceux du bailleur du parcours s'il en a un.
   */
  async contacts(programmeId: string, role: RolePartenaire, workflowId?: string): Promise<Contact[]> {
    return (await this.contactsEtOrganisation(programmeId, role, workflowId)).contacts;
  }

  /**
   * Les contacts (comme `contacts`), et le bailleur du parcours quand ce n'est pas celui du programme :
   * sans contact actif, ses ménages ne doivent pas être écrits à l'adresse de repli, qui est celle du
   * bailleur du programme (un autre bailleur).
   */
  async contactsEtOrganisation(
    programmeId: string,
    role: RolePartenaire,
    workflowId?: string,
  ): Promise<{ contacts: Contact[]; autreBailleur?: { id: string; nom: string } }> {
    if (role === 'bailleur' && workflowId) {
      const choisi = await this.bailleurDuParcours(workflowId);
      if (choisi) {
        const contacts = await this.contactsOrganisation(choisi.id);
        return choisi.id === organisationDuRole(programmeId, role) ? { contacts } : { contacts, autreBailleur: choisi };
      }
    }
    return { contacts: await this.contactsDuRole(programmeId, role) };
  }

  private async contactsDuRole(programmeId: string, role: RolePartenaire): Promise<Contact[]> {
    // L'organisation du rôle dans le programme, et les contacts inscrits avant l'annuaire par organisation.
    return this.db
      .selectFrom('contacts_partenaires as c')
      .leftJoin('organisations as o', 'o.id', 'c.organisation_id')
      .select(['c.nom', 'c.courriel'])
      .where('c.actif', '=', true)
      .where((eb) =>
        eb.or([
          eb.and([eb('c.organisation_id', '=', organisationDuRole(programmeId, role)), eb('o.actif', '=', true)]),
          eb.and([eb('c.organisation_id', 'is', null), eb('c.programme_id', '=', programmeId), eb('c.role', '=', role)]),
        ]),
      )
      .orderBy('c.id')
      .execute();
  }

  /**
   * Le bailleur que nomme un parcours (choisi au lancement, changé avec une trace), s'il en a un ;
   * un parcours ouvert par la veille active (« …-R260312 ») garde celui du parcours d'origine.
   */
  async bailleurDuParcours(workflowId: string): Promise<{ id: string; nom: string } | undefined> {
    const ids = [workflowId, workflowId.replace(/(-R\d{6})+$/, '')];
    const b = await this.db
      .selectFrom('bailleurs_parcours as b')
      .innerJoin('organisations as o', 'o.id', 'b.organisation_id')
      .select(['b.organisation_id as id', 'o.nom', 'b.workflow_id'])
      .where('b.workflow_id', 'in', [...new Set(ids)])
      .execute();
    const choisi = b.find((x) => x.workflow_id === workflowId) ?? b[0];
    return choisi ? { id: choisi.id, nom: choisi.nom } : undefined;
  }

  /** Les contacts actifs d'une organisation active. */
  async contactsOrganisation(organisationId: string): Promise<Contact[]> {
    return this.db
      .selectFrom('contacts_partenaires as c')
      .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
      .select(['c.nom', 'c.courriel'])
      .where('c.organisation_id', '=', organisationId)
      .where('c.actif', '=', true)
      .where('o.actif', '=', true)
      .orderBy('c.id')
      .execute();
  }
}

/** L'annuaire du personnel de l'API : une copie des comptes actifs, relue à intervalle régulier. */
export class AnnuaireEnBase implements Annuaire {
  private courant: Annuaire = creerAnnuaire([]);
  private minuterie?: NodeJS.Timeout;

  private constructor(private readonly db: BaseDeDonnees) {}

  static async ouvrir(db: BaseDeDonnees, o: { rafraichirMs?: number; surErreur?: (e: Error) => void } = {}): Promise<AnnuaireEnBase> {
    const a = new AnnuaireEnBase(db);
    await a.rafraichir();
    a.minuterie = setInterval(() => void a.rafraichir().catch((e: Error) => o.surErreur?.(e)), o.rafraichirMs ?? 30_000);
    a.minuterie.unref();
    return a;
  }

  async rafraichir(): Promise<void> {
    const l = await this.db.selectFrom('personnels').selectAll().where('actif', '=', true).orderBy('id').execute();
    this.courant = creerAnnuaire(l.map(versPersonne));
  }

  fermer(): void {
    clearInterval(this.minuterie);
  }

  trouver(id: string): Personne | undefined {
    return this.courant.trouver(id);
  }

  coordinateurs(programmeId: string): Personne[] {
    return this.courant.coordinateurs(programmeId);
  }

  tous(): Personne[] {
    return this.courant.tous();
  }
}
