/**
 * Les relances à la coordination des orientations reçues et pas encore traitées, quand le délai de
 * contact court depuis leur réception (loiret-ahu : « dans un délai d’1 mois, à compter du
 * signalement de l’impayé par le bailleur »). Sans donnée personnelle : la référence du dossier et
 * qui a orienté.
 */
import { dateEnFrancais } from '../domain/durees';
import type { Courriel, Jour } from './commun';

export interface OrientationEnAttente {
  reference: string;
  organisation: string;
  recueLe: Jour;
  /** La date limite du premier contact, comptée depuis la réception. */
  contactAvant: Jour;
}

export const rappelOrientation = (o: OrientationEnAttente): Courriel => ({
  sujet: `Orientation à traiter au plus tard le ${dateEnFrancais(o.contactAvant)} (dossier ${o.reference})`,
  paragraphes: [
    `L’orientation reçue de ${o.organisation} le ${dateEnFrancais(o.recueLe)} (dossier ${o.reference}) n’est pas encore traitée.`,
    `Le délai de contact court depuis sa réception, le signalement du bailleur : le premier contact avec le ménage doit être établi au plus tard le ${dateEnFrancais(o.contactAvant)}. Acceptée après cette date, l’orientation donnerait un parcours clos aussitôt « contact impossible » (ou « non éligible », si la situation ne remplit pas les conditions du programme, quelle que soit la date).`,
    'Acceptez-la, ou refusez-la avec un motif, dans la liste des orientations reçues.',
  ],
});

export const delaiOrientationPasse = (o: OrientationEnAttente): Courriel => ({
  sujet: `Délai de contact passé : orientation non traitée (dossier ${o.reference})`,
  paragraphes: [
    `L’orientation reçue de ${o.organisation} le ${dateEnFrancais(o.recueLe)} (dossier ${o.reference}) n’a pas été traitée, et le délai de contact, qui courait depuis sa réception, a pris fin le ${dateEnFrancais(o.contactAvant)} au soir.`,
    `Le bailleur peut engager les poursuites. Reprenez contact avec ${o.organisation} : refusez l’orientation avec un motif, ou acceptez-la (le parcours sera clos aussitôt : « contact impossible », ou « non éligible » si la situation ne remplit pas les conditions du programme).`,
  ],
});
