/**
 * Échéances : une date due nommée que le parcours suit, avec un rappel avant (au responsable) et
 * une alerte après (au coordinateur). Visibles dans l'état du parcours et dans les attributs de
 * recherche (ProchaineEcheance, EnRetard).
 */
import { patched } from '@temporalio/workflow';
import type { Echeance } from '../../domain/vocabulaire';
import {
  ajouterDuree,
  auSoirApres,
  auxHeuresOuvrees,
  calendrierDu,
  enJours,
  estFinDuJour,
  finDuJour,
  finEnFrancais,
  limiteEnFrancais,
  neufHeuresLe,
  rappelUnJourOuvreAvant,
  retirerDuree,
} from '../../domain/durees';
import { attendre } from './attente';
import type { Journal } from './journal';

export interface DefinitionEcheance {
  id: string;
  libelle: string;
  /**
   * Délai ISO 8601 à partir de maintenant (ou `due` explicite). Compté en jours, semaines, mois ou
   * années, il court jusqu'au soir du jour où il tombe ; en heures, à l'instant exact.
   */
  delai?: string;
  due?: Date;
  /** Une `due` donnée pour son jour : elle court jusqu'au soir de ce jour (depuis `echeances-au-soir`). */
  jusquAuSoir?: boolean;
  responsable: Echeance['responsable'];
  /** Rappel au responsable avant l'échéance (ISO 8601, ex. P3D) ; aucun si absent. */
  rappelAvant?: string;
  /** Le rappel à cet instant plutôt que `rappelAvant` l'échéance (9 h le jour dit, pour une échéance au soir). */
  rappelLe?: Date;
  /** Alerter le coordinateur quand l'échéance passe (par défaut : oui). */
  alerter?: boolean;
  /** Ce que la coordination peut faire, dit dans l'alerte (« Enregistrez la décision… »). */
  consigne?: string;
}

export interface EcheanceSuivie {
  readonly echeance: Echeance;
  readonly depassee: boolean;
  /** Résolue quand l'échéance passe (jamais si elle est tenue ou annulée avant). */
  readonly passee: Promise<void>;
}

/** Ce que les échéances demandent au parcours (le socle, parcours.ts, le fournit) : son journal, ses attributs, ses courriels. */
export interface ParcoursAEcheances {
  readonly journal: Journal;
  /** Son calendrier (jours fériés) place les rappels sur un jour ouvré. */
  readonly programme: { options: Readonly<Record<string, boolean>> };
  publierAttributs(): void;
  rappeler(e: Echeance): Promise<void>;
  alerterCoordination(e: Echeance, consigne?: string): Promise<void>;
}

/** La date due d'une échéance : donnée, ou comptée depuis maintenant ; jusqu'au soir si `auSoir`. */
function dateDue(def: DefinitionEcheance, auSoir: boolean, maintenant: Date): Date {
  if (def.due) return auSoir && def.jusquAuSoir ? finDuJour(def.due) : def.due;
  const delai = def.delai ?? 'PT0S';
  return auSoir && enJours(delai) ? auSoirApres(maintenant, delai) : ajouterDuree(maintenant, delai);
}

export class Echeances {
  readonly liste: Echeance[] = [];
  /** Alertes aux heures ouvrées en train de partir : pas de nouvelle exécution pendant l'envoi (l'alerte y repartirait). */
  alertesEnEnvoi = 0;
  constructor(private readonly parcours: ParcoursAEcheances) {}

  suivre(def: DefinitionEcheance): EcheanceSuivie {
    const maintenant = new Date();
    // Depuis `echeances-au-soir` : « le diagnostic dans les trois semaines » se tient jusqu'au soir du
    // jour dit, comme les délais comptés depuis une désignation ; le rappel d'une échéance au soir
    // part à 9 h, « rappelAvant » plus tôt. Avant : à l'heure où l'échéance avait été fixée.
    const auSoir = patched('echeances-au-soir');
    const due = dateDue(def, auSoir, maintenant);
    const rappelDuJour = def.rappelLe ?? (auSoir && def.rappelAvant && estFinDuJour(due) ? neufHeuresLe(retirerDuree(due, def.rappelAvant)) : undefined);
    // Un rappel de 9 h qui tomberait un jour chômé part le dernier jour ouvré d'avant (`rappels-un-jour-ouvre`).
    const rappelLe =
      rappelDuJour && patched('rappels-un-jour-ouvre') ? rappelUnJourOuvreAvant(rappelDuJour, maintenant, calendrierDu(this.parcours.programme)) : rappelDuJour;
    const existante = this.liste.find((e) => e.id === def.id && e.statut === 'en_cours');
    if (existante) this.annuler(def.id);
    const echeance: Echeance = { id: def.id, libelle: def.libelle, due: due.toISOString(), statut: 'en_cours', responsable: def.responsable };
    this.liste.push(echeance);
    this.parcours.journal.noter('echeance_ouverte', `Échéance « ${def.libelle} » à tenir ${limiteEnFrancais(due)}`, { visibilite: 'equipe' });

    let signalerPassage!: () => void;
    const passee = new Promise<void>((r) => (signalerPassage = r));
    // Une échéance tenue ou annulée arrête ses minuteurs (voir attente.ts ; les parcours commencés
    // avant `minuteurs-annules` laissent courir les leurs et vérifient au réveil).
    const enCours = () => echeance.statut === 'en_cours';
    const finie = () => !enCours();
    void (async () => {
      if (rappelLe || def.rappelAvant) {
        const quand = rappelLe ?? retirerDuree(due, def.rappelAvant!);
        if (quand.getTime() > Date.now()) {
          if (await attendre(finie, quand.getTime() - Date.now())) return;
          await this.parcours.rappeler(echeance);
        }
      }
      if (due.getTime() > Date.now() && (await attendre(finie, due.getTime() - Date.now()))) return;
      if (!enCours()) return;
      echeance.statut = 'depassee';
      echeance.depasseeLe = new Date().toISOString();
      this.parcours.journal.noter('echeance_depassee', `Échéance dépassée : « ${def.libelle} » (elle prenait fin ${finEnFrancais(due)})`, {
        visibilite: 'equipe',
      });
      this.parcours.publierAttributs();
      signalerPassage();
      if (def.alerter === false) return;
      // Depuis `alertes-aux-heures-ouvrees` : l'alerte attend 9 h du jour ouvré (droit à la déconnexion).
      if (patched('alertes-aux-heures-ouvrees')) await this.alerterAuxHeuresOuvrees(echeance, def.consigne);
      else await this.parcours.alerterCoordination(echeance, def.consigne);
    })();
    this.parcours.publierAttributs();
    return {
      echeance,
      get depassee() {
        return echeance.statut === 'depassee';
      },
      passee,
    };
  }

  /**
   * L'alerte d'une échéance dépassée, aux heures ouvrées : passée à minuit, un samedi ou un jour
   * férié, elle part à 9 h le jour ouvré suivant (`alerteLe`, gardé pour une reprise) ; l'échéance
   * tenue ou annulée d'ici là (l'équipe a agi, le parcours est clos), elle ne part pas.
   */
  async alerterAuxHeuresOuvrees(echeance: Echeance, consigne?: string): Promise<void> {
    echeance.alerteLe ??= auxHeuresOuvrees(new Date(), calendrierDu(this.parcours.programme)).toISOString();
    const plusDeRetard = await attendre(() => echeance.statut !== 'depassee', Date.parse(echeance.alerteLe) - Date.now());
    if (!plusDeRetard) {
      this.alertesEnEnvoi += 1;
      await this.parcours.alerterCoordination(echeance, consigne);
      this.alertesEnEnvoi -= 1;
    }
    delete echeance.alerteLe;
  }

  /** L'attendu est arrivé : l'échéance est tenue (même en retard), ses minuteurs s'arrêtent. */
  tenir(id: string): void {
    const e = this.enCours(id) ?? this.liste.find((x) => x.id === id && x.statut === 'depassee');
    if (!e) return;
    const enRetard = e.statut === 'depassee';
    e.statut = 'tenue';
    e.tenueLe = new Date().toISOString();
    this.parcours.journal.noter('echeance_tenue', `Échéance « ${e.libelle} » tenue${enRetard ? ' (en retard)' : ''}`, { visibilite: 'equipe' });
    this.parcours.publierAttributs();
  }

  annuler(id: string): void {
    for (const e of this.liste) {
      if (e.id === id && (e.statut === 'en_cours' || e.statut === 'depassee')) e.statut = 'annulee';
    }
    this.parcours.publierAttributs();
  }

  annulerToutes(): void {
    for (const e of this.liste) if (e.statut === 'en_cours' || e.statut === 'depassee') this.annuler(e.id);
  }

  enCours(id: string): Echeance | undefined {
    return this.liste.find((e) => e.id === id && e.statut === 'en_cours');
  }

  prochaine(): Echeance | undefined {
    return this.liste.filter((e) => e.statut === 'en_cours').sort((a, b) => a.due.localeCompare(b.due))[0];
  }

  enRetard(): boolean {
    return this.liste.some((e) => e.statut === 'depassee');
  }
}
