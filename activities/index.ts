/**
 * Toutes les activités du worker, construites à partir de leurs dépendances.
 * Les workflows n'importent que le type `Activites` (aucun code d'activité dans le bac à sable).
 */
import { createCourrielActivities, type DependancesCourriel } from './courriel';
import { createFileImlActivities, type DependancesFileIml } from './file-iml';
import { createIndicateursActivities, type DependancesIndicateurs } from './indicateurs';
import { createDossiersActivities, type DependancesDossiers } from './dossiers';
import { createRetentionActivities, type DependancesRetention } from './retention';
import { createOrientationsActivities } from './orientations';
import { createRenvoiSmsActivities } from './sms';
import { createNonRemiseActivities } from './non-remise';

export type DependancesActivites = DependancesCourriel & DependancesFileIml & DependancesIndicateurs & DependancesDossiers & DependancesRetention;

export function createActivities(deps: DependancesActivites) {
  const courriel = createCourrielActivities(deps);
  return {
    ...courriel,
    ...createOrientationsActivities(deps, courriel.envoyerCourriel),
    ...createFileImlActivities(deps),
    ...createIndicateursActivities(deps),
    ...createDossiersActivities(deps),
    ...createRetentionActivities(deps),
    ...createRenvoiSmsActivities(deps),
    ...createNonRemiseActivities(deps, courriel.envoyerCourriel),
  };
}

export type Activites = ReturnType<typeof createActivities>;
