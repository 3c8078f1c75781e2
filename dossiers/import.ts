/**
 * Import unique de l'état des parcours en cours dans le système d'enregistrement : pour chaque
 * parcours ouvert connu de Temporal (sans limite de nombre), son état est lu et consigné comme le
 * ferait le parcours (dossier, journal, fiche d'indicateurs). Version 1 : ce que le parcours
 * consignera lui-même ensuite, plus récent, l'emporte toujours ; un second import ne change rien.
 */
import type { Client } from '@temporalio/client';
import { SA } from '../domain/attributs-recherche';
import { ficheDepuisEtat } from '../domain/indicateurs';
import { etatQuery } from '../domain/messages';
import { TYPES_PARCOURS } from '../domain/vocabulaire';
import type { RegistreDossiers } from './registre';

export interface BilanImportDossiers {
  lus: number;
  importes: number;
  dejaPresents: number;
  illisibles: Array<{ workflowId: string; raison: string }>;
}

export async function importerDossiersEnCours(client: Client, registre: RegistreDossiers, progression?: (n: number) => void): Promise<BilanImportDossiers> {
  const bilan: BilanImportDossiers = { lus: 0, importes: 0, dejaPresents: 0, illisibles: [] };
  const query = `${SA.typeParcours.name} IN (${TYPES_PARCOURS.map((t) => `'${t}'`).join(', ')}) AND ExecutionStatus = 'Running'`;
  for await (const info of client.workflow.list({ query, pageSize: 200 })) {
    bilan.lus += 1;
    try {
      const etat = await client.workflow.getHandle(info.workflowId).query(etatQuery);
      const r = await registre.consigner({ etat, journalDepuis: 1, fiche: ficheDepuisEtat(etat), version: 1 });
      if (r === 'ecrit') bilan.importes += 1;
      else bilan.dejaPresents += 1;
    } catch (e) {
      // Un parcours illisible (worker arrêté, état invalide) est nommé, les autres sont importés.
      bilan.illisibles.push({ workflowId: info.workflowId, raison: e instanceof Error ? e.message.slice(0, 200) : String(e) });
    }
    if (bilan.lus % 100 === 0) progression?.(bilan.lus);
  }
  return bilan;
}
