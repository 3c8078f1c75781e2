/**
 * L'activité des relances d'orientations (orientations/relances.ts), lancée chaque matin par la
 * planification Temporal « relance-orientations ». Rejouée ou relancée, elle n'envoie rien deux
 * fois : chaque relance a sa clé dans la boîte d'envoi.
 */
import type { BaseDeDonnees } from '../base';
import { orientations as courriers } from '../courriers';
import type { Catalogue } from '../programmes/catalogue';
import { orientationsNonTraitees, relanceDue } from '../orientations/relances';
import type { Courriel, ResultatCourriel } from './courriel';

export interface DependancesRelances {
  base: BaseDeDonnees;
  /** Les programmes (délai de contact, rappel), lus au moment de la relance. */
  catalogue?: Pick<Catalogue, 'trouver'>;
  baseUrl: string;
}

export function createOrientationsActivities(deps: DependancesRelances, envoyerCourriel: (c: Courriel) => Promise<ResultatCourriel>) {
  return {
    /** Rappelle à la coordination les orientations dont le délai de contact approche ou est passé ; renvoie le nombre de relances dues (une relance déjà partie ne repart pas). */
    async relancerOrientations(): Promise<{ rappels: number; delaisPasses: number }> {
      const maintenant = new Date();
      const bilan = { rappels: 0, delaisPasses: 0 };
      for (const o of await orientationsNonTraitees(deps.base)) {
        const programme = deps.catalogue?.trouver(o.programmeId);
        const relance = programme ? relanceDue(programme, o, maintenant) : undefined;
        if (!programme || !relance) continue;
        const texte = { reference: o.reference, organisation: o.organisation, recueLe: o.recueLe, contactAvant: relance.contactAvant };
        await envoyerCourriel({
          cle: relance.cle,
          destinataire: { type: 'coordination', programmeId: programme.id },
          ...(relance.sorte === 'rappel' ? courriers.rappelOrientation(texte) : courriers.delaiOrientationPasse(texte)),
          lien: { libelle: 'Voir les orientations reçues', url: `${deps.baseUrl.replace(/\/$/, '')}/programmes/${programme.id}/orientations` },
          signature: 'La plateforme de prévention des expulsions',
        });
        if (relance.sorte === 'rappel') bilan.rappels += 1;
        else bilan.delaisPasses += 1;
      }
      return bilan;
    },
  };
}
