/**
 * Les historiques de rejeu (test/historiques/) : les écrire à la fin d'un enregistrement, en vérifiant
 * qu'ils portent les patched() qu'ils doivent couvrir. Rejoués par test/rejeu.test.ts et les fichiers
 * d'essai de chaque parcours.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';

/** Le dossier des historiques enregistrés. */
export const DOSSIER_HISTORIQUES = fileURLToPath(new URL('../historiques/', import.meta.url));
const dossier = DOSSIER_HISTORIQUES;

/** Un historique sous sa forme JSON (celle des fichiers de test/historiques/). */
export interface Historique {
  events?: Array<{ eventType?: string; markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: { data?: string }[] }> } }>;
}

export function enObjet(historique: unknown): Historique {
  const h = temporal.api.history.v1.History.fromObject(historique as never);
  return temporal.api.history.v1.History.toObject(h, { longs: String, enums: String, bytes: String, defaults: false }) as Historique;
}

export function ecrireHistorique(fichier: string, historique: unknown) {
  writeFileSync(`${dossier}${fichier}`, JSON.stringify(enObjet(historique)));
}

/** Les identifiants des patched() notés dans un historique (marqueurs « core_patch »). */
export function patchsNotes(h: Historique): string[] {
  return (h.events ?? []).flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    if (!m || m.markerName !== 'core_patch') return [];
    return (m.details?.['patch-data']?.payloads ?? []).map(
      (x) => (JSON.parse(Buffer.from(x.data ?? '', 'base64').toString('utf8')) as { id?: string }).id ?? '',
    );
  });
}

/**
 * L'enregistrement qu'on demande (`ENREGISTRER_HISTORIQUES=<nom>`) parmi ceux d'un même déroulé, qui
 * ne diffèrent que par leur fichier et les patched() qu'ils couvrent : [fichier, patchs], sinon rien.
 */
export function enregistrementDemande(table: Record<string, [string, string[]]>): [string, string[]] | undefined {
  return Object.hasOwn(table, process.env.ENREGISTRER_HISTORIQUES ?? '') ? table[process.env.ENREGISTRER_HISTORIQUES!] : undefined;
}

/**
 * La fin d'un enregistrement : attend la fin du parcours, vérifie que son historique porte ces
 * patched() (sinon l'enregistrement ne couvrirait pas ce qu'il doit), et l'écrit sous `fichier`.
 */
export async function enregistrerALaFin(handle: WorkflowHandle, fichier: string, patchs: string[]): Promise<Historique> {
  await handle.result();
  const historique = enObjet(await handle.fetchHistory());
  expect(patchsNotes(historique)).toEqual(expect.arrayContaining(patchs));
  writeFileSync(`${dossier}${fichier}`, JSON.stringify(historique));
  return historique;
}
