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

/** Ce qu'on peut dire d'un échec d'import sans risquer de citer une donnée du ménage. */
function raisonSansDonnee(e: unknown): string {
  const nom = e instanceof Error ? e.name : 'erreur inconnue';
  if (nom === 'WorkflowNotFoundError') return 'parcours introuvable dans Temporal';
  if (nom === 'QueryNotRegisteredError' || nom === 'ServiceError') return 'état illisible (worker arrêté ou requête refusée)';
  return `échec (${nom})`;
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
      // Un parcours illisible (worker arrêté, état invalide) est nommé, les autres sont importés. La
      // raison affichée ne reprend jamais le message d'une erreur quelconque (il pourrait citer l'état du
      // ménage) : seulement son genre, ou le champ refusé d'une entrée invalide.
      bilan.illisibles.push({ workflowId: info.workflowId, raison: raisonSansDonnee(e) });
    }
    if (bilan.lus % 100 === 0) progression?.(bilan.lus);
  }
  return bilan;
}
