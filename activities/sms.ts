/**
 * Les SMS au ménage que le fournisseur ne prend pas du premier coup. Un SMS double un courriel déjà
 * parti, ou le remplace pour le ménage qui n'accepte que les SMS : son échec ne retient ni le
 * courriel ni le parcours. Il est confié à un workflow à lui
 * (`renvoiSms`, identifiant `renvoi-sms:<clé du SMS>`, sans donnée personnelle), qui le renvoie
 * jusqu'à ce que le fournisseur le prenne, trois jours au plus, puis l'abandonne : la page du dossier
 * le dit. Un SMS que le fournisseur refuse pour de bon (numéro rejeté) est abandonné aussitôt.
 * Un SMS venu la nuit, un dimanche ou un jour férié (un délai fini à minuit) attend 8 h dans ce même
 * workflow (`heureDuSms`) : un ménage n'en reçoit jamais à ces heures-là.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import { createSmsActivities, envoiSmsSchema, type FournisseurSms, type ResultatSms } from '../sms';
import { parserEntree } from './entree';
import { calendrierDu, estDureeIso, type Calendrier } from '../domain/durees';
import { SEPARATEUR_ID } from '../domain/schemas';
import type { Catalogue } from '../programmes/catalogue';

/** Le fournisseur des SMS au ménage, le coffre de son numéro, et l'heure qui décide s'il part maintenant (les essais la fixent). */
export interface ServiceSms {
  fournisseur: FournisseurSms;
  coffre: Coffre;
  heure?: () => Date;
}

export interface DependancesSmsMenage {
  base: BaseDeDonnees;
  /** Sans fournisseur, aucun SMS ne part (ni ne se renvoie). */
  sms?: ServiceSms;
  /** Les programmes : le calendrier des jours fériés de chacun (Alsace-Moselle ou métropole). */
  catalogue?: Pick<Catalogue, 'trouver'>;
}

/** Le calendrier des jours fériés du programme d'un parcours (« programme--référence ») ; la métropole sans programme connu. */
export function calendrierDuParcours(catalogue: Pick<Catalogue, 'trouver'> | undefined, workflowId: string): Calendrier {
  const programme = catalogue?.trouver(workflowId.split(SEPARATEUR_ID)[0]!);
  return programme ? calendrierDu(programme) : 'metropole';
}

const activitesSms = (deps: DependancesSmsMenage) =>
  deps.sms
    ? createSmsActivities({
        base: deps.base,
        coffre: deps.sms.coffre,
        fournisseur: deps.sms.fournisseur,
        calendrier: (workflowId) => calendrierDuParcours(deps.catalogue, workflowId),
        ...(deps.sms.heure ? { heure: deps.sms.heure } : {}),
      })
    : undefined;

/** Ce que reçoit le workflow `renvoiSms` (types et délai : workflows/renvoi-sms.ts). */
export const renvoiSmsSchema = z.object({
  sms: envoiSmsSchema,
  /** Au-delà, le SMS est abandonné (durée ISO, 3 jours par défaut ; raccourcie par les essais). */
  abandonApres: z.string().refine(estDureeIso, { error: 'Durée ISO 8601 attendue (ex. P3D)' }).optional(),
  /** Pas avant cet instant (8 h, le SMS venu la nuit, un dimanche ou un jour férié) ; les trois jours comptent de là. */
  pasAvant: z.iso.datetime().optional(),
});
export type RenvoiSms = z.input<typeof renvoiSmsSchema>;

export const idRenvoiSms = (cle: string) => `renvoi-sms:${cle}`;

export function createSmsMenageActivities(deps: DependancesSmsMenage) {
  const sms = activitesSms(deps);
  return {
    /**
     * Le SMS qui double un courriel au ménage, du premier coup ; si le fournisseur ne le prend pas,
     * ou qu'il vient la nuit, un dimanche ou un jour férié, confié au workflow de renvoi (démarré une
     * fois, quelle que soit la tentative), qui attend 8 h s'il le faut. Ne lève que si Temporal
     * refuse ce démarrage : le courriel, déjà parti, n'est pas renvoyé.
     */
    async doublerEnSms(entree: z.input<typeof envoiSmsSchema>): Promise<ResultatSms | undefined> {
      if (!sms) return undefined;
      const r = await sms.envoyerSmsMenage(entree);
      if (!r.envoye && (r.raison === 'fournisseur_en_echec' || r.raison === 'differe')) {
        const contexte = Context.current();
        const depart: RenvoiSms = renvoiSmsSchema.parse({ sms: entree, ...(r.raison === 'differe' ? { pasAvant: r.le } : {}) });
        await contexte.client.workflow.start('renvoiSms', {
          workflowId: idRenvoiSms(entree.cle),
          taskQueue: contexte.info.taskQueue,
          args: [depart],
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      }
      return r;
    },
  };
}

/** Les activités du workflow `renvoiSms`. */
export function createRenvoiSmsActivities(deps: DependancesSmsMenage) {
  const sms = activitesSms(deps);
  const heure = deps.sms?.heure ?? (() => new Date());
  return {
    /** Une tentative de plus ; échoue (et sera reprise) tant que le fournisseur ne prend pas le SMS. */
    async renvoyerSms(entree: z.input<typeof envoiSmsSchema>): Promise<ResultatSms> {
      const e = parserEntree(envoiSmsSchema, entree, 'renvoyerSms');
      if (!sms) throw ApplicationFailure.nonRetryable('Aucun fournisseur de SMS configuré sur ce worker (SMS_URL)', 'SmsNonConfigures');
      const r = await sms.envoyerSmsMenage(e);
      if (!r.envoye && r.raison === 'fournisseur_en_echec') {
        throw ApplicationFailure.retryable('Le fournisseur de SMS n’a pas pris le message : il sera renvoyé.', 'SmsNonParti');
      }
      // Les reprises arrivées à 20 h : la suivante à 8 h, pas toutes les 10 minutes de la nuit.
      if (!r.envoye && r.raison === 'differe') {
        throw ApplicationFailure.create({
          message: 'Pas de SMS au ménage la nuit, le dimanche ni un jour férié : il sera renvoyé à 8 h.',
          type: 'SmsDiffere',
          nextRetryDelay: Math.max(1_000, Date.parse(r.le) - heure().getTime()),
        });
      }
      return r;
    },

    /** Reprises épuisées : le SMS ne partira plus (la page du dossier le dit). */
    async abandonnerSms(entree: { cle: string }): Promise<void> {
      const { cle } = parserEntree(z.object({ cle: z.string().min(8) }), entree, 'abandonnerSms');
      await deps.base
        .updateTable('sms')
        .set({ abandonne_le: new Date() })
        .where('cle', '=', cle)
        .where('envoye_le', 'is', null)
        .where('abandonne_le', 'is', null)
        .execute();
    },
  };
}
