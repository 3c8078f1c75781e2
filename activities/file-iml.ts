/**
 * L'activité qui parle au coordinateur de la file IML d'un programme (`file-iml--<programme>`) :
 * un signalWithStart, pour que le coordinateur soit créé au premier besoin (un signal à un
 * workflow qui n'existe pas encore échouerait). Rejouée après une panne, elle peut délivrer deux
 * fois le même signal : le coordinateur est idempotent par mesure.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { demanderPlaceSignal, idFileIml, libererPlaceSignal, type EntreeFileIml, type SignalFileIml } from '../domain/iml';
import { parserEntree } from './entree';

export interface DependancesFileIml {
  /** Client Temporal ; par défaut celui du worker (Context.current().client). */
  client?: Client;
}

const mesure = { mesure: z.string().min(3).max(110), execution: z.string().min(1).max(100) };
const commun = { programmeId: z.string().regex(/^[a-z0-9-]{3,60}$/), quota: z.number().int().positive(), versionProgramme: z.number().int().positive() };
export const signalFileImlSchema = z.union([
  z.object({
    ...commun,
    demande: z.object({
      ...mesure,
      reference: z.string().min(2).max(40),
      demandeeLe: z.iso.datetime(),
      quota: z.number().int().positive(),
      versionProgramme: z.number().int().positive(),
    }),
  }),
  z.object({ ...commun, liberation: z.object({ ...mesure, motif: z.string().min(1).max(200) }) }),
]);

export function createFileImlActivities(deps: DependancesFileIml = {}) {
  return {
    /** Demande ou rend une place au coordinateur de la file du programme (créé s'il n'existe pas). */
    async signalerFileIml(entree: SignalFileIml): Promise<void> {
      const e = parserEntree(signalFileImlSchema, entree, 'signalerFileIml') as SignalFileIml;
      const contexte = Context.current();
      const client = deps.client ?? contexte.client;
      const depart: EntreeFileIml = { programmeId: e.programmeId, quota: e.quota, versionProgramme: e.versionProgramme };
      const commun = { workflowId: idFileIml(e.programmeId), taskQueue: contexte.info.taskQueue, args: [depart] };
      if ('demande' in e) {
        await client.workflow.signalWithStart('fileIml', { ...commun, signal: demanderPlaceSignal, signalArgs: [e.demande] });
      } else {
        await client.workflow.signalWithStart('fileIml', { ...commun, signal: libererPlaceSignal, signalArgs: [e.liberation] });
      }
    },
  };
}
