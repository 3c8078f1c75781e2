/**
 * Les SMS au ménage que le fournisseur ne prend pas du premier coup. Un SMS double un courriel déjà
 * parti, ou le remplace pour le ménage qui n'accepte que les SMS : son échec ne retient ni le
 * courriel ni le parcours. Il est confié à un workflow à lui
 * (`renvoiSms`, identifiant `renvoi-sms:<clé du SMS>`, sans donnée personnelle), qui le renvoie
 * jusqu'à ce que le fournisseur le prenne, trois jours au plus, puis l'abandonne : la page du dossier
 * le dit. Un SMS que le fournisseur refuse pour de bon (numéro rejeté) est abandonné aussitôt.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import { createSmsActivities, envoiSmsSchema, type FournisseurSms, type ResultatSms } from '../sms';
import { parserEntree } from './entree';
import { estDureeIso } from '../domain/durees';

export interface DependancesSmsMenage {
  base: BaseDeDonnees;
  /** Sans fournisseur, aucun SMS ne part (ni ne se renvoie). */
  sms?: { fournisseur: FournisseurSms; coffre: Coffre };
}

/** Ce que reçoit le workflow `renvoiSms` (types et délai : workflows/renvoi-sms.ts). */
export const renvoiSmsSchema = z.object({
  sms: envoiSmsSchema,
  /** Au-delà, le SMS est abandonné (durée ISO, 3 jours par défaut ; raccourcie par les essais). */
  abandonApres: z.string().refine(estDureeIso, { error: 'Durée ISO 8601 attendue (ex. P3D)' }).optional(),
});
export type RenvoiSms = z.input<typeof renvoiSmsSchema>;

export const idRenvoiSms = (cle: string) => `renvoi-sms:${cle}`;

export function createSmsMenageActivities(deps: DependancesSmsMenage) {
  const sms = deps.sms ? createSmsActivities({ base: deps.base, coffre: deps.sms.coffre, fournisseur: deps.sms.fournisseur }) : undefined;
  return {
    /**
     * Le SMS qui double un courriel au ménage, du premier coup ; si le fournisseur ne le prend pas,
     * confié au workflow de renvoi (démarré une fois, quelle que soit la tentative). Ne lève que si
     * Temporal refuse ce démarrage : le courriel, déjà parti, n'est pas renvoyé.
     */
    async doublerEnSms(entree: z.input<typeof envoiSmsSchema>): Promise<ResultatSms | undefined> {
      if (!sms) return undefined;
      const r = await sms.envoyerSmsMenage(entree);
      if (!r.envoye && r.raison === 'fournisseur_en_echec') {
        const contexte = Context.current();
        const depart: RenvoiSms = renvoiSmsSchema.parse({ sms: entree });
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
  const sms = deps.sms ? createSmsActivities({ base: deps.base, coffre: deps.sms.coffre, fournisseur: deps.sms.fournisseur }) : undefined;
  return {
    /** Une tentative de plus ; échoue (et sera reprise) tant que le fournisseur ne prend pas le SMS. */
    async renvoyerSms(entree: z.input<typeof envoiSmsSchema>): Promise<ResultatSms> {
      const e = parserEntree(envoiSmsSchema, entree, 'renvoyerSms');
      if (!sms) throw ApplicationFailure.nonRetryable('Aucun fournisseur de SMS configuré sur ce worker (SMS_URL)', 'SmsNonConfigures');
      const r = await sms.envoyerSmsMenage(e);
      if (!r.envoye && r.raison === 'fournisseur_en_echec') {
        throw ApplicationFailure.retryable('Le fournisseur de SMS n’a pas pris le message : il sera renvoyé.', 'SmsNonParti');
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
