/** Le mandataire des activités, partagé par les blocs (un seul réglage des délais et des reprises). */
import { proxyActivities } from '@temporalio/workflow';
import type { Activites } from '../../activities';

export const activites = proxyActivities<Activites>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['EntreeInvalide', 'DestinataireInconnu'],
  },
});
