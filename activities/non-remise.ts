/**
 * Un courriel accepté par le serveur puis renvoyé plus loin (avis de non-remise reçu par
 * retours/recepteur.ts, noté dans la boîte d'envoi) : la coordination de son programme en est
 * avertie, par le workflow `avisNonRemise` (une fois, quel que soit le nombre d'avis). Une alerte qui
 * n'arrive pas à la coordination elle-même n'en fait pas une autre : l'avis reste sur le dossier.
 */
import { z } from 'zod';
import type { BaseDeDonnees } from '../base';
import { retours as courriers } from '../courriers';
import { PREFIXE_FILE_IML } from '../domain/iml';
import { raisonNonRemise } from '../retours/avis';
import type { Courriel, ResultatCourriel } from './courriel';
import { parserEntree } from './entree';

export const avisNonRemiseSchema = z.object({ cle: z.string().min(8) });
export type AvisNonRemise = z.input<typeof avisNonRemiseSchema>;

/** Le parcours d'une clé de la boîte d'envoi (`<programme>--<référence>/…`), s'il y en a un. */
export function parcoursDeLaCle(cle: string): { id: string; programmeId: string; reference: string } | undefined {
  const m = /^([^/]+?)--([^/]+)\//.exec(cle);
  if (!m || cle.startsWith(PREFIXE_FILE_IML)) return undefined;
  return { id: `${m[1]}--${m[2]}`, programmeId: m[1]!, reference: m[2]! };
}

/** La page où agir : le dossier du parcours, l'annuaire du programme (une organisation), ou la page du personnel. */
function lienUtile(baseUrl: string, cle: string, programmeId: string, destinataire: string | null): { lien?: { libelle: string; url: string } } {
  const base = baseUrl.replace(/\/$/, '');
  const parcours = parcoursDeLaCle(cle);
  if (parcours) return { lien: { libelle: 'Ouvrir le dossier', url: `${base}/parcours/${encodeURIComponent(parcours.id)}` } };
  if (destinataire === 'organisation' || destinataire === 'orienteur')
    return { lien: { libelle: 'Ouvrir l’annuaire des partenaires', url: `${base}/programmes/${encodeURIComponent(programmeId)}/annuaire` } };
  if (destinataire === 'personnel') return { lien: { libelle: 'Ouvrir la page du personnel', url: `${base}/personnel` } };
  return {};
}

export interface DependancesNonRemise {
  base: BaseDeDonnees;
  baseUrl: string;
}

export function createNonRemiseActivities(deps: DependancesNonRemise, envoyerCourriel: (c: Courriel) => Promise<ResultatCourriel>) {
  return {
    /** Avertit la coordination du programme qu'un courriel n'a pas été remis ; rend ce qui a été fait. */
    async signalerNonRemise(entree: AvisNonRemise): Promise<'alerte' | 'sans_alerte'> {
      const { cle } = parserEntree(avisNonRemiseSchema, entree, 'signalerNonRemise');
      const ligne = await deps.base
        .selectFrom('courriels')
        .select(['destinataire', 'programme_id', 'non_remis_le', 'non_remis_statut', 'envoye_le', 'cree_le'])
        .where('cle', '=', cle)
        .executeTakeFirst();
      const parcours = parcoursDeLaCle(cle);
      const programmeId = ligne?.programme_id ?? parcours?.programmeId;
      // Rien de noté, une alerte elle-même, ou un courriel à la coordination : personne d'autre à avertir.
      if (!ligne?.non_remis_le || !programmeId || ligne.destinataire === 'coordination' || cle.endsWith(':non-remis')) return 'sans_alerte';
      await envoyerCourriel({
        cle: `${cle}:non-remis`,
        destinataire: { type: 'coordination', programmeId },
        ...courriers.courrielNonRemis({
          ...(parcours ? { reference: parcours.reference } : {}),
          destinataire: ligne.destinataire,
          envoyeLe: ligne.envoye_le ?? ligne.cree_le,
          raison: raisonNonRemise(ligne.non_remis_statut),
        }),
        ...lienUtile(deps.baseUrl, cle, programmeId, ligne.destinataire),
        signature: 'La plateforme de prévention des expulsions',
      });
      return 'alerte';
    },
  };
}
