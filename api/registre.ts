/**
 * Le registre des parcours vu par l'API : pour chaque type de parcours, le workflow à lancer,
 * le schéma zod des données de lancement propres au parcours, la construction de l'entrée du
 * workflow, et les messages que le personnel peut envoyer (mise à jour, schéma, rôles autorisés).
 * Les formulaires de l'interface et le document OpenAPI sont construits à partir de ce registre.
 *
 * Un message se déclare par `definirMessage` : la mise à jour Temporal et le schéma zod y sont liés
 * par leurs types, si bien qu'un schéma dont la sortie ne correspond pas à l'argument de la mise à
 * jour (champ manquant, type différent, champ que le workflow ne connaît pas) fait échouer `tsc`.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Enveloppe } from '../domain/messages';
import type { EtatParcours, Menage, Programme, RolePersonnel, TypeParcours } from '../domain/vocabulaire';

export interface ContexteLancement {
  programme: Programme;
  menage: Menage;
  coordinateur: string;
  travailleurSocial?: string;
  /** Les données propres au parcours, déjà validées par `schemaLancement`. */
  donnees: unknown;
}

/**
 * Un message du registre, tel que l'API, les formulaires et l'OpenAPI le lisent. Ne s'écrit pas à la
 * main : `definirMessage` le construit après avoir vérifié que schéma et mise à jour s'accordent.
 */
export interface DefinitionMessage {
  /** La mise à jour Temporal (définie dans domain/, partagée avec le workflow). */
  readonly update: UpdateDefinition<unknown, [Enveloppe]>;
  /** Le corps attendu, sans requestId ni auteur (ajoutés par l'API). */
  readonly schema: z.ZodObject;
  /** Qui peut l'envoyer (le travailleur social seulement sur les ménages qui lui sont affectés). */
  readonly roles: readonly RolePersonnel[];
  readonly libelle: string;
  readonly exemple?: Readonly<Record<string, unknown>>;
  /** Un choix (valeur d'un champ à options) que l'état du parcours exclut : le formulaire ne le propose pas (le workflow le refuserait avec sa raison). */
  readonly choixPossible?: (champ: string, valeur: string, etat: EtatParcours) => boolean;
  /**
   * Ce que le programme du parcours exclut dans un corps valide (une option qu'il n'a pas) : refusé à
   * l'entrée, à côté du champ, avant d'aller au parcours (qui le refuserait aussi, sans le champ).
   */
  readonly controler?: (corps: Record<string, unknown>, programme: Programme) => { champ: string; raison: string } | undefined;
  /** Ce que l'API fait avant d'envoyer le message, avec le système d'enregistrement (`PreparationMessage`). */
  readonly preparer?: PreparationMessage<Record<string, unknown>>;
  /** Ce que la documentation de l'API en dit de plus (ce que fait `preparer`, par exemple). */
  readonly precision?: string;
  /** Marque posée par `definirMessage` : un objet écrit à la main n'est pas un message du registre. */
  readonly verifie: true;
}

/**
 * Ce que l'API fait d'un corps valide avant de l'envoyer au parcours, à l'étape où le message est
 * attendu, avec le système d'enregistrement : un refus, à côté du champ (rien ne change), ou ce que le
 * dossier doit savoir d'abord (le bailleur du ménage changé pour celui du logement trouvé, pour que les
 * courriels qui suivent le message aillent au bon bailleur). Personne : qui envoie le message.
 */
export type PreparationMessage<C> = (
  corps: C,
  contexte: {
    etape: string;
    /** Le programme du parcours (sa version en vigueur), s'il est connu. */
    programme?: Programme;
    personne: string;
    bailleurDuMenage: () => Promise<{ id: string; nom: string } | undefined>;
    bailleursDuProgramme: () => Promise<Array<{ id: string; nom: string }>>;
    changerBailleurDuMenage: (id: string, motif: string) => Promise<void>;
  },
) => Promise<{ champ: string; raison: string } | undefined>;

/** Les champs que l'API ajoute au corps validé : le workflow les reçoit avec lui. */
type AjoutsApi = Enveloppe;

/**
 * Aucune contrainte si la sortie `O` du schéma, complétée de l'enveloppe, est exactement l'argument `A` de la mise
 * à jour ; sinon une propriété obligatoire au nom explicite, que l'appel ne fournit pas (erreur tsc).
 */
export type Accord<O, A> = [O & AjoutsApi] extends [A]
  ? [Exclude<keyof O, keyof A>] extends [never]
    ? [Exclude<keyof A, keyof O | keyof AjoutsApi>] extends [never]
      ? unknown
      : { champsDuWorkflowAbsentsDuSchema: Exclude<keyof A, keyof O | keyof AjoutsApi> }
    : { champsDuSchemaInconnusDuWorkflow: Exclude<keyof O, keyof A> }
  : { schemaIncompatibleAvecLaMiseAJour: { attendu: Omit<A, keyof AjoutsApi>; produit: O } };

export interface DeclarationMessage<S extends z.ZodObject, A extends Enveloppe, R> {
  update: UpdateDefinition<R, [A]>;
  schema: S;
  roles: readonly RolePersonnel[];
  libelle: string;
  exemple?: z.input<S>;
  choixPossible?: (champ: string, valeur: string, etat: EtatParcours) => boolean;
  controler?: (corps: z.output<S>, programme: Programme) => { champ: string; raison: string } | undefined;
  preparer?: PreparationMessage<z.output<S>>;
  precision?: string;
}

/** Lie une mise à jour Temporal et son schéma zod (vérifiés l'un contre l'autre à la compilation). */
export function definirMessage<S extends z.ZodObject, A extends Enveloppe, R>(d: DeclarationMessage<S, A, R> & Accord<z.output<S>, A>): DefinitionMessage {
  const { update, schema, roles, libelle, exemple, choixPossible, controler, preparer, precision } = d;
  return {
    update,
    schema,
    roles,
    libelle,
    ...(exemple !== undefined ? { exemple } : {}),
    ...(choixPossible ? { choixPossible } : {}),
    ...(controler ? { controler: controler as DefinitionMessage['controler'] } : {}),
    ...(preparer ? { preparer: preparer as DefinitionMessage['preparer'] } : {}),
    ...(precision ? { precision } : {}),
    verifie: true,
  };
}

export interface DefinitionParcours {
  typeParcours: TypeParcours;
  workflowType: string;
  schemaLancement: z.ZodObject;
  exempleLancement?: Record<string, unknown>;
  construireEntree(c: ContexteLancement): unknown;
  /**
   * Les champs de `donnees` propres à d'autres programmes (chemin depuis `donnees`, raison en
   * français) : le formulaire de ce programme ne les montre pas, l'API refuse une valeur donnée
   * (sauf « non »), sans rien lancer.
   */
  champsSansObjet?(programme: Programme): Array<{ chemin: string; raison: string }>;
  /** Messages propres au parcours, par nom d'URL (ex. « tentative-contact »). */
  messages: Record<string, DefinitionMessage>;
  /**
   * Ce que le parcours écrira encore au ménage qui accepte les courriels, d'après son état, en une
   * phrase du terrain : la page du dossier la dit à qui note son adresse.
   */
  courrielsAuMenage?(etat: EtatParcours): string;
}

export type RegistreParcours = Partial<Record<TypeParcours, DefinitionParcours>>;
