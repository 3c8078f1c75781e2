/**
 * Le socle d'un parcours de ménage : programme figé au lancement, étape courante, journal,
 * échéances, demandes de validation, messages idempotents et requête d'état. Chaque parcours
 * (prévention, IML, protocole) ouvre le sien et y raconte ses étapes.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activites } from '../../activities';
import { SA } from '../../domain/attributs-recherche';
import { ficheDepuisEtat } from '../../domain/indicateurs';
import {
  affecterUpdate,
  cloreAnticipeUpdate,
  DOCUMENTS_AU_MENAGE,
  envoyerDocumentAuMenageUpdate,
  etatInitialUpdate,
  etatQuery,
  repondreValidationUpdate,
  type Enveloppe,
  type ReponseValidation,
} from '../../domain/messages';
import type { Acteur, DemandeValidation, Echeance, EtatParcours, EvenementJournal, IssueCloture, Programme, TypeParcours } from '../../domain/vocabulaire';
import { LIBELLES_ISSUES } from '../../domain/vocabulaire';
import { mentionPersonnel } from '../../domain/libelles';
import { empreinteMessage } from '../../domain/empreinte';
import { messagesPermis } from '../../domain/actions';
import { attendre, attendreJusqua } from './attente';
import { Interruption, type Fin } from './interruption';
import { Echeances, type DefinitionEcheance, type EcheanceSuivie } from './echeances';
import { auxHeuresOuvrees, calendrierDu } from '../../domain/durees';
import { Journal } from './journal';
import { notifier, notifierEnsemble } from './notification';
import { courrielsReaffectation, documentAuMenage, echeanceDepassee, rappelEcheance } from '../../courriers/commun';
import { enregistrerReponse, validerReponse } from './validation';

/**
 * La consignation des fiches d'indicateurs : une écriture de fichier, rejouée un temps si le
 * dossier est indisponible ; au-delà, la fiche suivante (plus récente) la remplacera.
 */
const indicateurs = proxyActivities<Pick<Activites, 'consignerIndicateurs' | 'consignerDossier'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20, nonRetryableErrorTypes: ['EntreeInvalide'] },
});

/**
 * La même consignation du dossier en activité locale (patched('dossier-en-activite-locale')) : exécutée
 * par le worker dans la tâche de workflow qui a changé l'état, sans aller-retour par le serveur (ni
 * tâche d'activité, ni tâche de workflow de plus). Un échec au-delà de 10 s de reprises locales est
 * repris par minuteur, sans bloquer le parcours ; la consignation suivante emporte l'état plus récent.
 */
const indicateursLocaux = proxyLocalActivities<Pick<Activites, 'consignerDossier'>>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20, nonRetryableErrorTypes: ['EntreeInvalide'] },
});

/** Entrées du journal sans effet sur les indicateurs (les courriels) : elles ne font pas consigner la fiche. */
const SANS_EFFET_SUR_LES_INDICATEURS = new Set(['courriel', 'rappel', 'alerte', 'escalade', 'validation_rappel']);

export { Interruption, type Fin };

export interface OuvertureParcours {
  typeParcours: TypeParcours;
  programme: Programme;
  reference: string;
  etape: string;
  libelleEtape: string;
  coordinateur?: string;
  travailleurSocial?: string;
}

/** Refus d'un message : une raison en français que l'interface peut montrer telle quelle. */
export function refuser(raison: string): never {
  throw ApplicationFailure.create({ message: raison, type: 'MessageRefuse', nonRetryable: true });
}

/**
 * Ce qu'une exécution transmet à la suivante quand un parcours de plusieurs années continue en une
 * nouvelle exécution (continue-as-new) pour borner son historique : tout l'état du socle. Pris à
 * un point stable (`pointStable`), rendu par `ouvrir(reprise)`.
 */
export interface InstantaneParcours {
  etape: string;
  libelleEtape: string;
  travailleurSocial?: string;
  coordinateur?: string;
  journal: EvenementJournal[];
  /** Toutes les échéances ; celles en cours gardent de quoi réarmer leur rappel et leur alerte. */
  echeances: Array<Echeance & { rappelAvant?: string; alerter?: boolean; consigne?: string }>;
  demandes: DemandeValidation[];
  details: Record<string, unknown>;
  detailsConfidentiels: Record<string, unknown>;
  /** Messages déjà appliqués (requestId, résultat) : renvoyé après la reprise, un message reste sans effet. */
  traites: Array<[string, unknown]>;
  /** L'empreinte (message et contenu) de chaque requestId appliqué : un autre message sous le même identifiant est refusé. */
  empreintes?: Array<[string, string]>;
}

/** Les échéances du socle, qui retiennent leur rappel et leur alerte pour les réarmer après une reprise. */
class EcheancesDuParcours extends Echeances {
  readonly reglages = new Map<string, { rappelAvant?: string; alerter?: boolean; consigne?: string }>();

  override suivre(def: DefinitionEcheance): EcheanceSuivie {
    this.reglages.set(def.id, { rappelAvant: def.rappelAvant, alerter: def.alerter, ...(def.consigne ? { consigne: def.consigne } : {}) });
    return super.suivre(def);
  }
}

export class Parcours {
  readonly journal = new Journal();
  readonly echeances: EcheancesDuParcours;
  readonly demandes: DemandeValidation[] = [];
  /** Les contrôles propres à une demande (dates du nouveau bail…), en mémoire : refaits à chaque rejeu. */
  readonly controlesDesReponses = new Map<string, (r: ReponseValidation) => string | undefined>();
  /** Résultats des messages déjà appliqués, par requestId. */
  private readonly traites = new Map<string, unknown>();
  private readonly empreintes = new Map<string, string>();
  private readonly enCours = new Map<string, Promise<unknown>>();
  /** Ce que des messages déjà répondus font encore (courriels…), attendu avant la clôture (`apresReponse`). */
  private readonly suites = new Set<Promise<unknown>>();
  /** Les courriels à l'équipe qui attendent les heures ouvrées (`auxHeuresOuvrees`). */
  private readonly differes = new Set<Promise<unknown>>();
  private erreurSuite?: unknown;
  etape: string;
  libelleEtape: string;
  travailleurSocial?: string;
  coordinateur?: string;
  cloture?: EtatParcours['cloture'];
  private interruption?: Interruption;
  /**
   * Un message a répondu « clôture » (nouveau bail signé, refus du ménage, fin de mesure…) ou le
   * déroulé a conclu à une clôture (`annoncerCloture`) : la clôture est décidée, pas encore faite.
   * Lu seulement par les validateurs (jamais rejoués) : aucune commande n'en dépend.
   */
  private clotureAnnoncee = false;
  /** L'étape où un message a fait passer le parcours, tant que le déroulé ne l'a pas rejointe (`rejoindre`). */
  private etapePrise?: string;
  /** Condition propre au parcours pour une clôture anticipée (ex. : pas de sortie sèche). */
  private conditionClotureAnticipee?: () => string | undefined;
  /** Ce que tous les intervenants peuvent voir (bailleur compris). */
  readonly details: Record<string, unknown> = {};
  /** Ce que le ménage a confié : jamais montré au bailleur ni aux autres partenaires. */
  readonly detailsConfidentiels: Record<string, unknown> = {};
  /** Fiche d'indicateurs : publication prévue, dernière fiche consignée, envois (jamais rejetés). */
  private ficheAPublier = false;
  /** Empreinte de l'état à la dernière fiche consignée (voir `empreinteIndicateurs`). */
  private derniereEmpreinte?: string;
  private versionFiche = 0;
  private envoisFiche: Promise<void> = Promise.resolve();
  /** Empreinte de l'état au dernier dossier consigné, et le premier événement du journal pas encore consigné. */
  private derniereEmpreinteDossier?: string;
  private journalConsigneJusqua = 0;
  /** La fin approche (`indicateursConsignes`) : la consignation reste une activité ordinaire. */
  private consignationFinale = false;

  constructor(readonly ouverture: OuvertureParcours) {
    this.echeances = new EcheancesDuParcours(this);
    this.etape = ouverture.etape;
    this.libelleEtape = ouverture.libelleEtape;
    this.travailleurSocial = ouverture.travailleurSocial;
    this.coordinateur = ouverture.coordinateur;
  }

  get programme(): Programme {
    return this.ouverture.programme;
  }

  get workflowId(): string {
    return workflowInfo().workflowId;
  }

  /**
   * Installe la requête d'état et les messages communs, publie les attributs de recherche. Avec
   * `reprise` (l'instantané de l'exécution précédente, après un continue-as-new), l'état est rendu
   * avant d'installer les messages : un message déjà appliqué avant la reprise ne l'est pas deux fois.
   */
  ouvrir(reprise?: InstantaneParcours): this {
    if (reprise) this.restaurer(reprise);
    setHandler(etatQuery, () => (this.clotureEnCours ? { ...this.etat(), clotureEnCours: true } : this.etat()));
    // Envoyée avec le démarrage : l'état une fois le déroulé arrivé à sa première attente (les
    // conditions ne sont examinées qu'une fois le code de la tâche exécuté). Aucune commande.
    setHandler(etatInitialUpdate, async () => {
      await condition(() => true);
      return this.etat();
    });
    this.message(repondreValidationUpdate, {
      valider: (r) => validerReponse(this, r),
      appliquer: (r) => enregistrerReponse(this, r),
    });
    this.message(affecterUpdate, {
      valider: (a) => {
        if (this.cloture) return 'Le parcours est clos : il ne peut plus être réaffecté.';
        if (!/^[a-z0-9._-]{2,40}$/.test(a.travailleurSocial)) return 'Identifiant de travailleur social invalide.';
        if (a.travailleurSocial === this.travailleurSocial) return 'Ce ménage est déjà affecté à ce travailleur social : choisissez une autre personne.';
        return undefined;
      },
      appliquer: (a) => {
        const avant = this.travailleurSocial;
        this.travailleurSocial = a.travailleurSocial;
        this.journal.noter(
          'affectation',
          avant
            ? `Ménage réaffecté à ${mentionPersonnel(a.travailleurSocial)} (auparavant : ${mentionPersonnel(avant)})`
            : `Ménage affecté à ${mentionPersonnel(a.travailleurSocial)}`,
          {
            acteur: { type: 'personnel', id: a.par, role: 'coordinateur' },
            visibilite: 'equipe',
          },
        );
        this.publierAttributs();
        // Les deux référents sont prévenus (le nouveau, et l'ancien s'il y en avait un), après la réponse.
        if (patched('courriels-reaffectation')) {
          const c = courrielsReaffectation({
            reference: this.ouverture.reference,
            programme: this.programme.nom,
            nouveau: a.travailleurSocial,
            auparavant: avant,
            aTenir: this.echeances.liste
              .filter((e) => e.responsable === 'travailleur_social' && (e.statut === 'en_cours' || e.statut === 'depassee'))
              .sort((x, y) => x.due.localeCompare(y.due))
              .map((e) => ({ libelle: e.libelle, due: e.due, enRetard: e.statut === 'depassee' })),
          });
          void this.apresReponse(() =>
            notifierEnsemble(this, [
              { a: { personnel: a.travailleurSocial }, ...c.nouveau, visibilite: 'equipe' },
              ...(avant ? [{ a: { personnel: avant }, ...c.ancien, visibilite: 'equipe' as const }] : []),
            ]),
          );
        }
        return { travailleurSocial: a.travailleurSocial };
      },
    });
    this.message(cloreAnticipeUpdate, {
      valider: (c) => {
        if (this.cloture || this.interruption) return 'Le parcours est déjà clôturé.';
        if (typeof c.motif !== 'string' || c.motif.trim().length < 3) return 'Motif de clôture requis.';
        return this.conditionClotureAnticipee?.();
      },
      appliquer: async (c) => {
        this.interrompre({ issue: 'cloture_anticipee', motif: c.motif, acteur: { type: 'personnel', id: c.par, role: 'coordinateur' } });
        // La réponse dit ce qui s'est passé : le parcours attend la clôture effective (quelle que
        // soit l'attente en cours : validation, contact, bilans, paiements).
        if (patched('cloture-attendue')) {
          await condition(() => !!this.cloture, '1 minute');
          return this.cloture ? { etape: 'cloture', cloture: this.cloture } : { etape: this.etape, clotureDemandee: true };
        }
        return { etape: 'cloture' };
      },
    });
    this.message(envoyerDocumentAuMenageUpdate, {
      valider: (m) => {
        if (this.cloture || this.interruption) return 'Le parcours est clôturé : plus aucun courriel ne part au ménage.';
        const parcours = Object.hasOwn(DOCUMENTS_AU_MENAGE, m.document) ? DOCUMENTS_AU_MENAGE[m.document] : undefined;
        if (parcours !== this.ouverture.typeParcours) return 'Ce document ne s’envoie pas au ménage dans ce parcours.';
        if (typeof (this.detailsConfidentiels.menage as { nom?: unknown } | undefined)?.nom !== 'string') return 'Le ménage de ce parcours est introuvable.';
        if (m.document === 'lettre-information' && !this.details.lettreInformation)
          return 'La lettre d’information n’est pas encore prête : elle est préparée après l’orientation (et le comité de suivi, s’il y en a un).';
        if (m.document === 'resume-protocole' && !this.details.protocole)
          return 'Le protocole n’est pas encore signé : son résumé sera disponible une fois la signature enregistrée.';
        return undefined;
      },
      appliquer: (m) => {
        // À l'adresse de son dossier au moment d'envoyer ; rien ne part s'il n'accepte pas ou plus les courriels.
        const menage = this.detailsConfidentiels.menage as { nom: string; courriel?: string; accepteCourriel?: boolean };
        const orientation = menage.accepteCourriel && menage.courriel ? { courriel: menage.courriel } : {};
        void this.apresReponse(() =>
          notifier(this, {
            // Nommé au journal comme le parcours le nomme (« l’occupant » d'un protocole).
            a: {
              menage: { nom: menage.nom, ...orientation },
              ...(this.ouverture.typeParcours === 'protocole_post_resiliation' ? { libelle: 'l’occupant' } : {}),
            },
            ...documentAuMenage({ operateur: this.programme.operateur, document: m.document }),
            joindre: [{ document: m.document, lecteur: 'menage' }],
            acteur: { type: 'personnel', id: m.par },
          }),
        );
        return { envoi: 'en_cours' as const };
      },
    });
    void this.boucleIndicateurs();
    if (!reprise) this.journal.noter('ouverture', `Parcours ouvert (programme ${this.programme.nom}, version ${this.programme.version})`);
    this.publierAttributs();
    return this;
  }

  /**
   * Vrai quand l'état peut passer à une nouvelle exécution sans rien perdre : aucun message en
   * cours d'application, aucune demande de validation en attente (son déroulé — rappels, échéance,
   * escalade — vit dans cette exécution), aucune étape prise par un message que le déroulé n'a pas
   * encore rejointe, parcours ni clos ni interrompu.
   */
  get pointStable(): boolean {
    return (
      !this.cloture &&
      !this.interruption &&
      this.enCours.size === 0 &&
      this.suites.size === 0 &&
      this.echeances.alertesEnEnvoi === 0 &&
      this.differes.size === 0 &&
      this.etapePrise === undefined &&
      allHandlersFinished() &&
      this.demandes.every((d) => d.statut !== 'en_attente')
    );
  }

  /** L'état complet du socle, à passer à `continueAsNew` (voir `InstantaneParcours`). */
  instantane(): InstantaneParcours {
    if (!this.pointStable) throw new Error('Instantané du parcours demandé hors d’un point stable (message en cours ou demande en attente).');
    const copie = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
    return {
      etape: this.etape,
      libelleEtape: this.libelleEtape,
      travailleurSocial: this.travailleurSocial,
      coordinateur: this.coordinateur,
      journal: copie(this.journal.evenements),
      echeances: this.echeances.liste.map((e) => ({ ...copie(e), ...(e.statut === 'en_cours' || e.alerteLe ? this.echeances.reglages.get(e.id) : {}) })),
      demandes: copie(this.demandes),
      details: copie(this.details),
      detailsConfidentiels: copie(this.detailsConfidentiels),
      traites: copie([...this.traites.entries()]),
      empreintes: [...this.empreintes.entries()],
    };
  }

  /** Rend l'état d'une exécution précédente ; les échéances en cours retrouvent leurs minuteurs. */
  private restaurer(r: InstantaneParcours): void {
    this.etape = r.etape;
    this.libelleEtape = r.libelleEtape;
    this.travailleurSocial = r.travailleurSocial;
    this.coordinateur = r.coordinateur;
    for (const [id, resultat] of r.traites) this.traites.set(id, resultat);
    for (const [id, empreinte] of r.empreintes ?? []) this.empreintes.set(id, empreinte);
    this.demandes.push(...r.demandes);
    Object.assign(this.details, r.details);
    Object.assign(this.detailsConfidentiels, r.detailsConfidentiels);
    for (const { rappelAvant, alerter, consigne, ...e } of r.echeances) {
      // Un rappel déjà passé n'est pas renvoyé : `suivre` ne réarme que ce qui reste à venir.
      if (e.statut === 'en_cours')
        this.echeances.suivre({ id: e.id, libelle: e.libelle, due: new Date(e.due), responsable: e.responsable, rappelAvant, alerter, consigne });
      else {
        this.echeances.liste.push(e);
        // Dépassée, son alerte attendait les heures ouvrées : elle part encore.
        if (e.alerteLe) void this.echeances.alerterAuxHeuresOuvrees(e, consigne);
      }
    }
    // Le journal est rendu tel quel, sans les « échéance fixée » du réarmement.
    this.journal.evenements.splice(0, this.journal.evenements.length, ...r.journal);
  }

  /**
   * Déclare un message d'une personne : validé de façon synchrone (refus motivé sinon),
   * appliqué une seule fois par requestId (un second envoi renvoie le premier résultat).
   */
  message<A extends Enveloppe, R>(def: UpdateDefinition<R, [A]>, spec: { valider?: (a: A) => string | undefined; appliquer: (a: A) => R | Promise<R> }): void {
    setHandler(
      def,
      async (a: A): Promise<R> => {
        if (this.traites.has(a.requestId)) return this.traites.get(a.requestId) as R;
        const deja = this.enCours.get(a.requestId);
        if (deja) return (await deja) as R;
        this.empreintes.set(a.requestId, empreinteMessage(def.name, a));
        // Ce que le message note au journal de façon synchrone porte son requestId (un second envoi du
        // même formulaire se reconnaît ainsi, web/routes.ts).
        this.journal.requete = a.requestId;
        let applique: R | Promise<R>;
        try {
          applique = spec.appliquer(a);
        } finally {
          this.journal.requete = undefined;
        }
        const p = Promise.resolve(applique);
        this.enCours.set(a.requestId, p);
        try {
          const r = this.avecEtape(await p);
          if ((r as { etape?: unknown } | undefined)?.etape === 'cloture') this.clotureAnnoncee = true;
          this.traites.set(a.requestId, r);
          this.indicateursChanges();
          return r;
        } finally {
          this.enCours.delete(a.requestId);
        }
      },
      {
        validator: (a: A) => {
          if (!a || typeof a.requestId !== 'string' || a.requestId.length < 1 || a.requestId.length > 100) {
            refuser('Message sans identifiant de requête (requestId).');
          }
          if (typeof a.par !== 'string' || a.par.length < 1) refuser('Message sans auteur.');
          if (this.traites.has(a.requestId) || this.enCours.has(a.requestId)) {
            // Le même identifiant pour un autre message ou un autre contenu : rien n'a été appliqué pour celui-ci.
            const deja = this.empreintes.get(a.requestId);
            if (deja !== undefined && deja !== empreinteMessage(def.name, a)) {
              refuser(
                'Cet identifiant de requête (requestId) a déjà servi pour un autre message ou un autre contenu : rien n’a été appliqué. Utilisez un nouvel identifiant pour une nouvelle action.',
              );
            }
            return;
          }
          const raison = spec.valider?.(a);
          if (raison) refuser(raison);
          // Entre la clôture décidée et la clôture faite (courriels de l'étape en cours), plus rien
          // n'est accepté : sinon la réponse dirait un pas que le parcours ne fera jamais.
          if (this.clotureEnCours) refuser('Le parcours est déjà clôturé.');
        },
      },
    );
  }

  /**
   * La réponse d'un message qui dit son étape (`{ etape }`) dit aussi son libellé et les messages
   * que cette étape permet (domain/actions.ts) : l'appelant n'a rien à relire. Le résultat d'une mise
   * à jour n'entre pas dans le déterminisme : un historique enregistré se rejoue tel quel.
   */
  private avecEtape<R>(r: R): R {
    if (!r || typeof r !== 'object' || Array.isArray(r) || typeof (r as { etape?: unknown }).etape !== 'string') return r;
    const etape = (r as unknown as { etape: string }).etape;
    const close = etape === 'cloture' || !!this.cloture || this.clotureEnCours;
    return {
      ...r,
      libelleEtape: etape === this.etape ? this.libelleEtape : etape === 'cloture' ? 'Clôture' : etape,
      messagesPermis: messagesPermis(this.ouverture.typeParcours, etape, close, {
        journal: this.journal.evenements,
        details: this.details,
        echeances: this.echeances.liste,
        demandes: this.demandes,
      }),
    };
  }

  /**
   * Attend que `fn` soit vraie (au plus `ms` millisecondes) ; lève Interruption si le coordinateur
   * clôt le parcours entre-temps. Renvoie faux si le délai est passé.
   *
   * Tant que le déroulé rattrape l'étape où un message a fait passer le parcours (`avancer`), ce
   * qui est déjà arrivé n'est pas interrompu : les courriels de ces étapes partent avant la clôture.
   */
  async attendre(fn: () => boolean, ms = Number.POSITIVE_INFINITY): Promise<boolean> {
    const ok = Number.isFinite(ms)
      ? await attendre(() => fn() || !!this.interruption, ms)
      : await condition(() => fn() || !!this.interruption).then(() => true);
    if (this.interruption && !(this.etapePrise !== undefined && fn())) throw this.interruption;
    return ok && fn();
  }

  /**
   * Attend que `fn` soit vraie jusqu'à `quand` ; lève Interruption si une clôture est demandée
   * entre-temps. Renvoie faux si la date est passée.
   */
  async attendreJusqua(fn: () => boolean, quand: Date): Promise<boolean> {
    const ok = await attendreJusqua(() => fn() || !!this.interruption, quand);
    if (this.interruption) throw this.interruption;
    return ok && fn();
  }

  /** Une clôture est demandée ou décidée et pas encore faite : plus rien ne doit être décidé d'ici là. */
  get clotureEnCours(): boolean {
    return (!!this.interruption || this.clotureAnnoncee) && !this.cloture;
  }

  /**
   * Le déroulé a conclu à une clôture (délai de contact dépassé…) et envoie encore les courriels
   * de l'étape : dès maintenant, les messages sont refusés (« déjà clôturé »), au lieu d'être
   * acceptés puis perdus. Ne crée aucune commande.
   */
  annoncerCloture(): void {
    this.clotureAnnoncee = true;
  }

  /**
   * Ce que le parcours exige avant une clôture anticipée par le coordinateur : la fonction renvoie
   * la raison du refus, ou undefined quand la clôture est possible.
   */
  exigerAvantClotureAnticipee(condition: () => string | undefined): void {
    this.conditionClotureAnticipee = condition;
  }

  /** Demande l'arrêt du déroulé (clôture anticipée, clôture décidée par le travailleur social). */
  interrompre(fin: Fin): void {
    this.interruption ??= new Interruption(fin);
  }

  get interrompu(): boolean {
    return !!this.interruption || !!this.cloture;
  }

  /**
   * Déroule les étapes du parcours jusqu'à leur fin, ou jusqu'à une interruption (clôture
   * anticipée par le coordinateur, clôture décidée en cours de route). Renvoie la fin.
   */
  async derouler(etapes: () => Promise<Fin>): Promise<Fin> {
    try {
      return await etapes();
    } catch (e) {
      if (e instanceof Interruption) return e.fin;
      throw e;
    }
  }

  /** Change l'étape ; décidé par le déroulé, ce changement l'emporte sur l'étape prise par un message (`avancer`). */
  changerEtape(etape: string, libelle: string, acteur?: Acteur): void {
    this.etapePrise = undefined;
    this.etape = etape;
    this.libelleEtape = libelle;
    this.journal.noter('etape', `Étape : ${libelle}`, { acteur });
    this.publierAttributs();
  }

  /**
   * Un message accepté est un pas fait : le message qui termine une étape fait passer le parcours à
   * la suivante dans sa mise à jour même, avant tout courriel. Sa réponse porte la nouvelle étape, et
   * le message que celle-ci attend est accepté aussitôt ; les courriels de l'étape terminée suivent
   * dans le déroulé, qui rejoint ensuite l'étape prise (`rejoindre`).
   *
   * Avant `patched('etape-dans-le-message')`, le déroulé changeait d'étape après ces courriels : les
   * messages appliqués ainsi gardent cet ordre au rejeu. Quand plus aucun parcours ne tourne sur
   * l'ancien code : `deprecatePatch('etape-dans-le-message')`, puis retirer la condition.
   */
  avancer(etape: string, libelle: string, acteur?: Acteur): void {
    if (!patched('etape-dans-le-message')) return;
    this.changerEtape(etape, libelle, acteur);
    this.etapePrise = etape;
  }

  /**
   * Ce qu'un message fait après avoir changé l'état (les courriels aux partenaires…) : depuis
   * `patched('courriels-apres-reponse')`, la réponse du message n'attend pas ces envois, qui suivent
   * aussitôt ; le parcours les attend avant sa clôture et n'est à un point stable qu'une fois faits.
   * Avant, le message les attendait : les messages appliqués ainsi gardent cet ordre au rejeu.
   */
  async apresReponse(travail: () => Promise<unknown>): Promise<void> {
    if (!patched('courriels-apres-reponse')) {
      await travail();
      return;
    }
    // Ce que la suite note au journal (le courriel parti) est consigné au dossier aussitôt, pas au
    // changement suivant, qui peut tarder des semaines (patched('suites-consignees')).
    this.ensuite(travail, patched('suites-consignees'));
  }

  /**
   * Un travail qui suit sans retenir le déroulé, attendu avant la clôture et une nouvelle exécution ;
   * `consigner` : ce qu'il a changé (le journal) est consigné au dossier une fois fait.
   */
  private ensuite(travail: () => Promise<unknown>, consigner: boolean): void {
    const fait = consigner
      ? async () => {
          await travail();
          this.indicateursChanges();
        }
      : travail;
    const t: Promise<unknown> = fait()
      .catch((e: unknown) => void (this.erreurSuite ??= e))
      .finally(() => this.suites.delete(t));
    this.suites.add(t);
  }

  /**
   * Les courriels d'une étape qu'un message vient de terminer (`apresLeMessage`), pendant que le
   * déroulé rattrape l'étape où il a fait passer le parcours (`avancer`) : depuis
   * `patched('rattrapage-sans-attendre-les-courriels')`, ils suivent sans le retenir (comme les
   * suites d'un message, attendus avant la clôture ; leur mention au journal consignée ensuite), et ce
   * que la nouvelle étape fixe (ses échéances) l'est dans la tâche même de la réponse du message : la
   * page ouverte après le message le montre déjà. Jamais une fois la clôture faite ou demandée : elle
   * attend ses courriels. Vrai si l'envoi est ainsi différé ; faux : à faire aussitôt, par l'appelant.
   */
  differer(envoi: () => Promise<void>): boolean {
    const rattrapage = this.etapePrise !== undefined && !this.interruption && !this.cloture;
    if (!rattrapage || !patched('rattrapage-sans-attendre-les-courriels')) return false;
    this.ensuite(envoi, true);
    return true;
  }

  /**
   * Un courriel à l'équipe né d'un délai passé la nuit, un week-end ou un jour férié (« Sans réponse »
   * d'un partenaire) : il part à 9 h du jour ouvré suivant (droit à la déconnexion), aussitôt aux
   * heures ouvrées, sans retenir le déroulé ; pas si le parcours est clos d'ici là, ni si `sansObjet`
   * le devient (le terme d'un protocole régularisé dans la nuit). Le parcours n'est pas à un point
   * stable tant qu'il attend (il ne continue pas en une nouvelle exécution sans lui).
   */
  auxHeuresOuvrees(envoi: () => Promise<void>, sansObjet: () => boolean = () => false): void {
    const quand = auxHeuresOuvrees(new Date(), calendrierDu(this.programme));
    const t: Promise<void> = (async () => {
      if (await attendre(() => !!this.cloture || sansObjet(), quand.getTime() - Date.now())) return;
      await envoi();
    })()
      .catch((e: unknown) => void (this.erreurSuite ??= e))
      .finally(() => this.differes.delete(t));
    this.differes.add(t);
  }

  /** Les suites des messages répondus, terminées ; une erreur d'envoi remonte ici, au déroulé. */
  async suitesTerminees(): Promise<void> {
    while (this.suites.size) await Promise.all([...this.suites]);
    if (this.erreurSuite !== undefined) throw this.erreurSuite;
  }

  /**
   * Le déroulé passe à l'étape, sauf si un message y a déjà fait passer le parcours, ou plus loin
   * (`avancer`) : il la rejoint alors sans la reprendre, ni les étapes d'entre-deux.
   */
  rejoindre(etape: string, libelle: string, acteur?: Acteur): void {
    if (this.etapePrise === undefined) return this.changerEtape(etape, libelle, acteur);
    if (this.etapePrise === etape) this.etapePrise = undefined;
  }

  async clore(issue: IssueCloture, motif?: string, acteur?: Acteur): Promise<void> {
    await this.suitesTerminees();
    this.echeances.annulerToutes();
    const le = new Date().toISOString();
    for (const d of this.demandes) {
      if (d.statut !== 'en_attente') continue;
      d.statut = 'expiree';
      d.closeParClotureLe = le;
    }
    this.cloture = { issue, motif, le };
    this.etape = 'cloture';
    this.libelleEtape = `Clôturé : ${LIBELLES_ISSUES[issue]}`;
    this.journal.noter('cloture', `Parcours clôturé : ${LIBELLES_ISSUES[issue]}${motif ? ` (${motif})` : ''}`, { acteur });
    this.publierAttributs();
  }

  /**
   * La fiche d'indicateurs du parcours (domain/indicateurs.ts) a peut-être changé : elle sera
   * recalculée en fin de tâche (après le code en cours, qui complète souvent les détails de l'étape,
   * et après la réponse d'un message) et consignée par l'activité `consignerIndicateurs` si elle
   * diffère de la dernière consignée.
   */
  indicateursChanges(): void {
    this.ficheAPublier = true;
  }

  /** Publie la fiche quand elle a pu changer. Une attente sans minuteur : aucune commande tant que rien ne change. */
  private async boucleIndicateurs(): Promise<void> {
    for (;;) {
      await condition(() => this.ficheAPublier);
      this.publierFiche();
    }
  }

  /**
   * Ce qui décide d'une nouvelle consignation : l'état du parcours (étape, journal, demandes,
   * détails, clôture), jamais la fiche elle-même. Ainsi la définition des indicateurs
   * (`ficheDepuisEtat`) peut évoluer sans changer les commandes d'un parcours en cours : seule
   * l'entrée de l'activité change, ce que le rejeu tolère.
   */
  private empreinteIndicateurs(): string {
    return JSON.stringify([
      this.etape,
      this.journal.evenements.reduce((n, e) => (SANS_EFFET_SUR_LES_INDICATEURS.has(e.type) ? n : n + 1), 0),
      this.demandes.map((d) => d.statut),
      this.cloture?.issue ?? null,
      this.travailleurSocial ?? null,
      this.details,
    ]);
  }

  private publierFiche(): void {
    if (!this.ficheAPublier) return;
    this.ficheAPublier = false;
    if (!patched('fiche-indicateurs')) return;
    if (patched('dossier-consigne')) {
      this.publierDossier();
      return;
    }
    const empreinte = this.empreinteIndicateurs();
    if (empreinte === this.derniereEmpreinte) return;
    this.derniereEmpreinte = empreinte;
    const fiche = ficheDepuisEtat(this.etat());
    // Version croissante, même d'une exécution à la suivante (continue-as-new) : l'heure du workflow.
    this.versionFiche = Math.max(this.versionFiche + 1, Date.now() * 1000);
    const entree = { fiche, version: this.versionFiche };
    this.envoisFiche = this.envoisFiche
      .then(() => indicateurs.consignerIndicateurs(entree))
      .then(
        () => undefined,
        () => undefined,
      );
  }

  /**
   * Consigne le dossier du ménage (état, journal, et la fiche d'indicateurs du même instant) dans le
   * système d'enregistrement quand l'état a changé : une activité, une transaction. Le journal n'envoie
   * que les événements pas encore consignés ; un envoi en échec est repris par le suivant.
   */
  private publierDossier(): void {
    const etat = this.etat();
    const { journal, ...reste } = etat;
    const empreinte = JSON.stringify([reste, journal.length]);
    if (empreinte === this.derniereEmpreinteDossier) return;
    this.derniereEmpreinteDossier = empreinte;
    this.versionFiche = Math.max(this.versionFiche + 1, Date.now() * 1000);
    const depuis = this.journalConsigneJusqua;
    const entree = {
      etat: JSON.parse(JSON.stringify({ ...reste, journal: journal.slice(depuis) })) as EtatParcours,
      journalDepuis: depuis + 1,
      fiche: ficheDepuisEtat(etat),
      version: this.versionFiche,
    };
    const jusqua = journal.length;
    // La dernière consignation (avant la fin ou une nouvelle exécution) reste une activité ordinaire :
    // la fin du workflow arrive ainsi dans une tâche à elle, jamais dans celle, rallongée par
    // l'activité locale, qui répond à un message (un événement arrivé pendant cette tâche ferait
    // refuser la fin par le serveur, et avec elle la réponse au message).
    const locale = patched('dossier-en-activite-locale') && !this.consignationFinale;
    const consigner = locale ? indicateursLocaux.consignerDossier : indicateurs.consignerDossier;
    this.envoisFiche = this.envoisFiche
      .then(() => consigner(entree))
      .then(
        () => {
          this.journalConsigneJusqua = Math.max(this.journalConsigneJusqua, jusqua);
        },
        () => undefined,
      );
  }

  /**
   * Attend que la dernière fiche d'indicateurs soit consignée : à appeler avant la fin du workflow
   * et avant un continue-as-new (une activité en vol serait abandonnée).
   */
  async indicateursConsignes(): Promise<void> {
    this.consignationFinale = true;
    this.ficheAPublier = true; // recalculée : publiée seulement si elle a changé
    this.publierFiche();
    await this.envoisFiche;
  }

  /** Rappel au responsable d'une échéance qui approche. */
  async rappeler(e: { libelle: string; due: string; responsable: string }): Promise<void> {
    const destinataire =
      e.responsable === 'travailleur_social' && this.travailleurSocial
        ? { personnel: this.travailleurSocial }
        : e.responsable === 'travailleur_social' || e.responsable === 'coordinateur'
          ? { coordination: true as const }
          : { role: e.responsable as never };
    await notifier(this, {
      a: destinataire,
      ...rappelEcheance({ libelle: e.libelle, due: e.due, reference: this.ouverture.reference, programme: this.programme.nom }),
      type: 'rappel',
    });
  }

  /** Alerte au coordinateur quand une échéance est dépassée. */
  async alerterCoordination(e: { libelle: string; due: string }, consigne?: string): Promise<void> {
    await notifier(this, {
      a: { coordination: true },
      ...echeanceDepassee({
        libelle: e.libelle,
        due: e.due,
        reference: this.ouverture.reference,
        programme: this.programme.nom,
        ...(this.travailleurSocial ? { suiviPar: mentionPersonnel(this.travailleurSocial) } : {}),
        ...(consigne ? { consigne } : {}),
      }),
      type: 'alerte',
    });
  }

  publierAttributs(): void {
    this.indicateursChanges();
    const prochaine = this.echeances.prochaine();
    upsertSearchAttributes({
      [SA.programme.name]: [this.programme.id],
      [SA.typeParcours.name]: [this.ouverture.typeParcours],
      [SA.etape.name]: [this.etape],
      [SA.travailleurSocial.name]: this.travailleurSocial ? [this.travailleurSocial] : [],
      [SA.prochaineEcheance.name]: prochaine && !this.cloture ? [new Date(prochaine.due)] : [],
      [SA.enRetard.name]: [!this.cloture && this.echeances.enRetard()],
      [SA.cloture.name]: [!!this.cloture],
    });
  }

  etat(): EtatParcours {
    return {
      workflowId: this.workflowId,
      typeParcours: this.ouverture.typeParcours,
      programme: { id: this.programme.id, version: this.programme.version, nom: this.programme.nom },
      reference: this.ouverture.reference,
      etape: this.etape,
      libelleEtape: this.libelleEtape,
      travailleurSocial: this.travailleurSocial,
      coordinateur: this.coordinateur,
      cloture: this.cloture,
      echeances: this.echeances.liste,
      demandes: this.demandes,
      journal: this.journal.evenements,
      details: this.details,
      detailsConfidentiels: this.detailsConfidentiels,
    };
  }
}
