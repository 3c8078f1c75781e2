/**
 * Les courriels des orientations : le lien envoyé au partenaire, l'arrivée d'une fiche annoncée à la
 * coordination, la décision dite à la personne qui a orienté, et les relances à la coordination des
 * orientations pas encore traitées, quand le délai de contact court depuis leur réception
 * (loiret-ahu : « dans un délai d’1 mois, à compter du signalement de l’impayé par le bailleur »).
 * Ce qui va à la coordination reste sans donnée personnelle : la référence du dossier et qui a orienté.
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

/** Au partenaire : le lien de la fiche d'orientation (un seul usage). */
export const lienOrientation = (o: { programme: string; operateur: string; expireLe: Jour }): Courriel => ({
  sujet: `${o.programme} : orienter un ménage`,
  paragraphes: [
    `Vous pouvez orienter vers ${o.operateur} un ménage locataire en difficulté de paiement, avec son accord.`,
    `Le lien ci-dessous ouvre la fiche d’orientation ; il sert une fois et reste valable jusqu’au ${dateEnFrancais(o.expireLe)}. La coordination vous répondra à l’adresse que vous indiquerez.`,
  ],
});

/** À la coordination : une fiche est arrivée ; le délai de contact, s'il court depuis la réception. */
export const orientationRecue = (o: { organisation: string; programme: string; reference: string; contactAvant?: Jour }): Courriel => ({
  sujet: `Nouvelle orientation reçue de ${o.organisation} (dossier ${o.reference})`,
  paragraphes: [
    `${o.organisation} a orienté un ménage vers ${o.programme}. Sa fiche vous attend dans la liste des orientations reçues, avec l’éligibilité déjà vérifiée.`,
    ...(o.contactAvant
      ? [
          `Le délai de contact court depuis aujourd’hui, jour du signalement : le premier contact avec le ménage doit être établi au plus tard le ${dateEnFrancais(o.contactAvant)}.`,
        ]
      : []),
  ],
});

/** À la personne qui a orienté : l'accompagnement commence. */
export const orientationAcceptee = (o: { programme: string; reference: string }): Courriel => ({
  sujet: `Orientation acceptée (dossier ${o.reference})`,
  paragraphes: [
    `Votre orientation vers ${o.programme} est acceptée : l’accompagnement du ménage commence (dossier ${o.reference}, à rappeler dans vos échanges).`,
    'Vous serez informé des étapes qui vous concernent.',
  ],
});

/** À la personne qui a orienté : le refus et son motif, et à qui en parler. */
export const orientationNonRetenue = (o: {
  programme: string;
  reference: string;
  recueLe: Jour;
  motif: string;
  operateur: { nom: string; courriel: string };
}): Courriel => ({
  sujet: `Orientation non retenue (dossier ${o.reference})`,
  paragraphes: [
    `Votre orientation du ${dateEnFrancais(o.recueLe)} vers ${o.programme} (dossier ${o.reference}) n’a pas été retenue.`,
    `Motif : ${o.motif}`,
    `Pour en parler, écrivez à ${o.operateur.nom} : ${o.operateur.courriel}.`,
  ],
});
