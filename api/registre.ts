/**
 * Le registre des parcours vu par l'API : pour chaque type de parcours, le workflow à lancer,
 * le schéma zod des données de lancement propres au parcours, la construction de l'entrée du
 * workflow, et les messages que le personnel peut envoyer (mise à jour, schéma, rôles autorisés).
 * Les formulaires de l'interface et le document OpenAPI sont construits à partir de ce registre.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Menage, Programme, RolePersonnel, TypeParcours } from '../domain/vocabulaire';

export interface ContexteLancement {
  programme: Programme;
  menage: Menage;
  coordinateur: string;
  travailleurSocial?: string;
  /** Les données propres au parcours, déjà validées par `schemaLancement`. */
  donnees: unknown;
}

export interface DefinitionMessage {
  /** La mise à jour Temporal (définie dans domain/, partagée avec le workflow). */
  update: UpdateDefinition<unknown, [any]>;
  /** Le corps attendu, sans requestId ni auteur (ajoutés par l'API). */
  schema: z.ZodObject;
  /** Qui peut l'envoyer (le travailleur social seulement sur les ménages qui lui sont affectés). */
  roles: RolePersonnel[];
  libelle: string;
  exemple?: Record<string, unknown>;
}

export interface DefinitionParcours {
  typeParcours: TypeParcours;
  workflowType: string;
  schemaLancement: z.ZodObject;
  exempleLancement?: Record<string, unknown>;
  construireEntree(c: ContexteLancement): unknown;
  /** Messages propres au parcours, par nom d'URL (ex. « tentative-contact »). */
  messages: Record<string, DefinitionMessage>;
}

export type RegistreParcours = Partial<Record<TypeParcours, DefinitionParcours>>;
