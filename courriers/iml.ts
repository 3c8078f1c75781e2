/**
 * Courriels du parcours « IML sortie de structure, bail glissant » (workflows/iml-bail-glissant.ts) :
 * un modèle par message, des données typées en entrée, `{ sujet, paragraphes }` en sortie. Le texte
 * se change ici sans toucher au déroulé du parcours. Fonctions pures, empaquetées avec les
 * workflows : ni horloge, ni API de Node.
 */
import {
  LIBELLES_AXES,
  LIBELLES_COMPOSITIONS,
  LIBELLES_STRUCTURES,
  type AxeAccompagnement,
  type BilanMesure,
  type Candidature,
  type Logement,
  libelleTypologie,
} from '../domain/iml';
import type { Menage } from '../domain/vocabulaire';
import { mentionPersonnel } from '../domain/libelles';
import { dateEnFrancais, dureeEnFrancais, limiteEnFrancais } from '../domain/durees';
import { phraseQuiAppeler, type Courriel, type Jour, type OperateurAJoindre, type ProgrammeCourrier } from './commun';
import { moisEnFrancais } from './protocole';

export const PAIEMENTS = { regulier: 'régulier', irregulier: 'irrégulier', impayes: 'impayés' } as const;
export const SITUATIONS = { stable: 'stabilisée', fragile: 'fragile', degradee: 'dégradée' } as const;

/** Ce que la fiche-bilan retient d'un bilan de mesure (details.bilans). */
export interface FicheBilan {
  jalon: string;
  libelle: string;
  tenuLe: string;
  paiementLoyer: BilanMesure['paiementLoyer'];
  situation: BilanMesure['situation'];
  bailleurPresent: boolean;
  menagePresent: boolean;
  decision?: BilanMesure['decision'];
  loyers: { payes: number; partiels: number; impayes: number };
  accompagnement: { rendezVous: number; visitesDomicile: number; liensPartenaires: number; axes: AxeAccompagnement[] };
}

type Prog = ProgrammeCourrier;

/** À la coordination : les impayés consécutifs atteignent le seuil du programme. */
export function alerteImpayes(x: { ref: string; programme: Prog; impayes: number; jusqua: string; travailleurSocial?: string }): Courriel {
  return {
    sujet: `Loyers impayés : ${x.impayes} mois consécutifs (dossier ${x.ref})`,
    paragraphes: [
      `La gestion locative constate ${x.impayes} loyers impayés consécutifs (le dernier en ${moisEnFrancais(x.jusqua)}) pour le logement sous-loué du dossier ${x.ref} (${x.programme.nom}).`,
      x.travailleurSocial
        ? `Le travailleur social en charge est ${mentionPersonnel(x.travailleurSocial)}.`
        : 'Aucun travailleur social n’est encore affecté à ce ménage.',
      'Un point avec le ménage est à prévoir rapidement : budget, délais de paiement, FSL, dossier de surendettement si besoin.',
    ],
  };
}

/** À la coordination : la candidature ne peut pas être présentée au SIAO. */
export function candidatureNonRecevable(x: { ref: string; refus: string }): Courriel {
  return {
    sujet: `Candidature IML non recevable (dossier ${x.ref})`,
    paragraphes: [`La candidature du dossier ${x.ref} ne peut pas être présentée au SIAO : ${x.refus}`],
  };
}

/** Ce que la commission SIAO voit pour décider : rien de nominatif (le dossier passe par le SI-SIAO). */
export function apercuCandidature(x: { ref: string; programme: Prog; composition: Menage['composition']; candidature: Candidature; quota: number }): string[] {
  const c = x.candidature;
  const recherche = [c.typologieRecherchee ? libelleTypologie(c.typologieRecherchee) : undefined, ...(c.secteurs ?? [])].filter(Boolean).join(', ');
  return [
    `Dossier ${x.ref} — ${x.programme.nom}.`,
    `Ménage (${LIBELLES_COMPOSITIONS[x.composition]}) hébergé en ${LIBELLES_STRUCTURES[c.structure]} (opérateur : ${x.programme.operateur.nom})${c.hebergeDepuis ? ` depuis le ${dateEnFrancais(c.hebergeDepuis)}` : ''}.`,
    'Jugé prêt à sortir vers le logement ; la question du budget a été travaillée en amont.',
    `Logement recherché : ${recherche || 'à préciser'}.`,
    `Validée, la mesure démarre dès qu’une des ${x.quota} places agréées est libre ; sinon le ménage attend son tour.`,
    'Le dossier nominatif est transmis par le SI-SIAO : ce message ne contient aucune donnée personnelle.',
  ];
}

/** Au travailleur social : une place est accordée, le logement est à trouver. */
export function placeAccordee(x: { ref: string; programme: Prog; logementAvant?: Jour }): Courriel {
  return {
    sujet: `Mesure IML accordée : recherche du logement (dossier ${x.ref})`,
    paragraphes: [
      `Une place d’intermédiation locative est accordée au ménage du dossier ${x.ref} (${x.programme.nom}).`,
      'Dès qu’un bailleur conventionné propose un logement, enregistrez le bail principal et la sous-location : la date de début de la sous-location fait partir la mesure.',
      ...(x.logementAvant ? [`Logement attendu (bail principal et sous-location signés) ${limiteEnFrancais(x.logementAvant)}.`] : []),
    ],
  };
}

/** Au bailleur : la sous-location commence, l'horloge de la mesure part. */
export function debutDeMesure(x: {
  ref: string;
  programme: Prog;
  logement: Pick<Logement, 'debutBailPrincipal' | 'typologie'>;
  debut: Jour;
  premierBilan: string;
  glissementPrevuLe: Jour;
  dureeMax: string;
}): Courriel {
  const op = x.programme.operateur.nom;
  return {
    sujet: `Sous-location en bail glissant : début de la mesure (dossier ${x.ref})`,
    paragraphes: [
      `${op}, locataire en titre du bail principal signé le ${dateEnFrancais(x.logement.debutBailPrincipal)}, sous-loue le logement (${libelleTypologie(x.logement.typologie)}) au ménage du dossier ${x.ref} à compter du ${dateEnFrancais(x.debut)}.`,
      `Un bilan est prévu au bout de ${dureeEnFrancais(x.premierBilan)} en votre présence et en présence du ménage ; le glissement du bail au profit du ménage est envisagé au ${dateEnFrancais(x.glissementPrevuLe)}, si le loyer est payé régulièrement et la situation stabilisée.`,
      `${op} assure la gestion locative et l’accompagnement social pendant toute la mesure (au plus ${dureeEnFrancais(x.dureeMax)}).`,
    ],
  };
}

/** Au ménage qui accepte les courriels : sa sous-location commence ; le livret joint dit la suite. */
export function debutDeMesureAuMenage(x: { programme: OperateurAJoindre; debut: Jour; glissementPrevuLe: Jour }): Courriel {
  const op = x.programme.operateur.nom;
  return {
    sujet: 'Votre sous-location commence',
    paragraphes: [
      `Votre sous-location commence le ${dateEnFrancais(x.debut)} : ${op} loue le logement et vous le sous-loue ; vous lui payez chaque mois votre loyer.`,
      `Si le loyer est payé régulièrement et votre situation stable, le bail pourra glisser à votre nom vers le ${dateEnFrancais(x.glissementPrevuLe)} : vous deviendrez alors locataire en titre.`,
      'Le livret joint explique les étapes de la mesure et vos engagements.',
      phraseQuiAppeler(x.programme),
    ],
  };
}

/** Au travailleur social : un bilan de mesure est à tenir (le premier avec le bailleur et le ménage). */
export function bilanATenir(x: { ref: string; libelle: string; avecDecision: boolean; glissementPrevuLe: Jour; avant: Jour }): Courriel {
  return {
    sujet: `${x.libelle} à tenir (dossier ${x.ref})`,
    paragraphes: [
      x.avecDecision
        ? `Le ${x.libelle.toLowerCase()} du dossier ${x.ref} se tient avec le bailleur et le ménage (examen contradictoire) et se conclut par une décision : poursuivre la mesure 6 mois, ou faire glisser le bail dès maintenant.`
        : `Le ${x.libelle.toLowerCase()} du dossier ${x.ref} prépare le glissement du bail prévu le ${dateEnFrancais(x.glissementPrevuLe)}.`,
      `À enregistrer ${limiteEnFrancais(x.avant)} : paiement du loyer, situation du ménage, axes travaillés. Une fiche-bilan sera adressée à la DDETS.`,
    ],
  };
}

/** À la DDETS : la fiche-bilan, non nominative, sans rien de ce que le ménage a confié. */
export function ficheBilan(x: {
  ref: string;
  programme: Prog;
  composition: Menage['composition'];
  structure: Candidature['structure'];
  fiche: FicheBilan;
  logement: Pick<Logement, 'typologie' | 'bailleur'>;
  debut: Jour;
}): Courriel {
  const f = x.fiche;
  const decision =
    f.decision === 'glissement'
      ? 'glissement du bail sans attendre le terme de la mesure'
      : f.decision === 'poursuivre'
        ? 'poursuite de la mesure pendant 6 mois'
        : undefined;
  return {
    sujet: `Fiche-bilan IML : ${f.libelle.toLowerCase()} (dossier ${x.ref})`,
    paragraphes: [
      `Fiche-bilan de la mesure d’intermédiation locative « sortie de structure » (bail glissant) du dossier ${x.ref} — ${x.programme.nom}.`,
      `${f.libelle} tenu le ${dateEnFrancais(f.tenuLe)}${f.bailleurPresent && f.menagePresent ? ' en présence du bailleur et du ménage' : f.menagePresent ? ' avec le ménage' : ''}.`,
      `Ménage : ${LIBELLES_COMPOSITIONS[x.composition]}, sorti de ${LIBELLES_STRUCTURES[x.structure]}. Sous-location par ${x.programme.operateur.nom} depuis le ${dateEnFrancais(x.debut)} : logement ${libelleTypologie(x.logement.typologie)}, bailleur ${x.logement.bailleur.type === 'public' ? 'public' : 'privé'} conventionné.`,
      `Paiement du loyer : ${PAIEMENTS[f.paiementLoyer]} (${f.loyers.payes} mois payés, ${f.loyers.partiels} partiellement, ${f.loyers.impayes} impayés constatés).`,
      `Situation du ménage : ${SITUATIONS[f.situation]}.`,
      `Accompagnement social : ${f.accompagnement.rendezVous} rendez-vous, ${f.accompagnement.visitesDomicile} visites à domicile, ${f.accompagnement.liensPartenaires} liens avec des partenaires${f.accompagnement.axes.length ? ` ; axes travaillés : ${f.accompagnement.axes.map((a) => LIBELLES_AXES[a]).join(', ')}` : ''}.`,
      ...(decision ? [`Décision : ${decision}.`] : []),
      'Les éléments confiés par le ménage restent confidentiels : ils ne figurent pas dans cette fiche.',
    ],
  };
}

/** Au bailleur : la décision du bilan tenu avec lui et le ménage. */
export function decisionDuBilan(x: { ref: string; libelle: string; glissement: boolean; glissementPrevuLe: Jour }): Courriel {
  return {
    sujet: `${x.libelle} : ${x.glissement ? 'le bail glisse au profit du ménage' : 'la mesure est poursuivie 6 mois'} (dossier ${x.ref})`,
    paragraphes: [
      `À l’issue du ${x.libelle.toLowerCase()} tenu avec vous et le ménage (dossier ${x.ref}), la décision est la suivante : ${x.glissement ? 'le bail glisse dès maintenant au profit du ménage' : `la mesure est poursuivie ; le glissement est envisagé au ${dateEnFrancais(x.glissementPrevuLe)}`}.`,
    ],
  };
}

/** Au travailleur social : au terme de la sous-location, les conditions du glissement sont à évaluer. */
export function conditionsAEvaluer(x: { ref: string; terme: Jour; avant: Jour; limite: Jour }): Courriel {
  return {
    sujet: `Conditions du glissement à évaluer (dossier ${x.ref})`,
    paragraphes: [
      `La sous-location du dossier ${x.ref} arrive à son terme le ${dateEnFrancais(x.terme)}.`,
      `Merci d’évaluer les conditions du glissement (paiement régulier du loyer, situation stabilisée) ${limiteEnFrancais(x.avant)} : glissement du bail, prolongation motivée (jusqu’au ${dateEnFrancais(x.limite)} au plus) ou fin de mesure avec orientation.`,
    ],
  };
}

/** Au bailleur et à la DDETS : la mesure est prolongée. */
export function prolongation(x: { ref: string; programme: Prog; mois: number; jusquau: Jour }): Courriel {
  return {
    sujet: `Mesure IML prolongée jusqu’au ${dateEnFrancais(x.jusquau)} (dossier ${x.ref})`,
    paragraphes: [
      `Les conditions du glissement du bail ne sont pas encore réunies pour le ménage du dossier ${x.ref}. La mesure d’intermédiation locative est prolongée de ${x.mois} mois, jusqu’au ${dateEnFrancais(x.jusquau)} ; ${x.programme.operateur.nom} reste locataire en titre et poursuit l’accompagnement.`,
      'Les conditions du glissement seront évaluées de nouveau à cette date.',
    ],
  };
}

/** Au bailleur : le bail glisse au profit du ménage. */
export function glissementAuBailleur(x: { ref: string; programme: Prog; mois: number }): Courriel {
  const op = x.programme.operateur.nom;
  return {
    sujet: `Glissement du bail : le ménage devient locataire en titre (dossier ${x.ref})`,
    paragraphes: [
      `Les conditions du glissement sont réunies pour le logement sous-loué par ${op} (dossier ${x.ref}) : loyer payé régulièrement, situation stabilisée.`,
      `Le bail glisse au profit du ménage, qui devient locataire en titre : merci d’établir le bail à son nom et de mettre fin au bail principal consenti à ${op}. La sous-location aura duré ${x.mois} mois.`,
    ],
  };
}

/** À la DDETS et au SIAO : la mesure s'achève par le glissement du bail. */
export function glissementAuxPartenaires(x: { ref: string; programme: Prog; anticipe: boolean; structure: Candidature['structure']; mois: number }): Courriel {
  return {
    sujet: `Fin de mesure IML : glissement du bail (dossier ${x.ref})`,
    paragraphes: [
      `La mesure d’intermédiation locative du dossier ${x.ref} (${x.programme.nom}) s’achève par le glissement du bail${x.anticipe ? ', décidé au bilan à 6 mois' : ''} : le ménage, sorti de ${LIBELLES_STRUCTURES[x.structure]}, est désormais locataire en titre après ${x.mois} mois de sous-location.`,
      'La place de la mesure est libérée pour le ménage suivant.',
    ],
  };
}

/** Au ménage (s'il a accepté les courriels) : il devient locataire en titre. */
export function glissementAuMenage(x: { programme: Prog }): Courriel {
  return {
    sujet: 'Vous devenez locataire en titre de votre logement',
    paragraphes: [
      `Le bail de votre logement glisse à votre nom : vous devenez locataire en titre. Votre bailleur va vous proposer de signer le bail.`,
      `${x.programme.operateur.nom} reste à votre écoute pour cette nouvelle étape.`,
    ],
  };
}

/** Au travailleur social : la commission SIAO n'a pas validé la candidature. */
export function refusSiao(x: { ref: string; motif?: string }): Courriel {
  return {
    sujet: `Candidature IML refusée par le SIAO (dossier ${x.ref})`,
    paragraphes: [
      `La commission SIAO n’a pas validé la candidature du dossier ${x.ref} : ${x.motif ?? 'sans motif précisé'}.`,
      'Merci d’en informer le ménage et de revoir avec lui son parcours logement.',
    ],
  };
}

/** Au bailleur : la mesure prend fin sans glissement du bail. */
export function finSansGlissementAuBailleur(x: { ref: string; programme: Prog; le: Jour; issue: string }): Courriel {
  return {
    sujet: `Fin de la mesure IML sans glissement du bail (dossier ${x.ref})`,
    paragraphes: [
      `La mesure d’intermédiation locative du dossier ${x.ref} prend fin le ${dateEnFrancais(x.le)} sans glissement du bail (${x.issue.toLowerCase()}).`,
      `${x.programme.operateur.nom}, locataire en titre du bail principal, revient vers vous pour la suite à donner au logement.`,
    ],
  };
}

/**
 * À la DDETS et au SIAO : la mesure (ou la candidature en file d'attente) prend fin sans glissement.
 * `moisDeSousLocation` absent : la mesure finit avant l'entrée dans un logement.
 */
export function finSansGlissementAuxPartenaires(x: {
  ref: string;
  programme: Prog;
  issue: string;
  placeAccordee: boolean;
  moisDeSousLocation?: number;
  orientation?: string;
}): Courriel {
  const issue = x.issue.toLowerCase();
  return {
    sujet: `Fin de mesure IML : ${issue} (dossier ${x.ref})`,
    paragraphes: [
      x.placeAccordee
        ? `La mesure d’intermédiation locative du dossier ${x.ref} (${x.programme.nom}) prend fin${x.moisDeSousLocation !== undefined ? ` après ${x.moisDeSousLocation} mois de sous-location` : ' avant l’entrée dans un logement'} : ${issue}.`
        : `La candidature du dossier ${x.ref}, validée par la commission, est retirée de la file d’attente : ${issue}.`,
      x.orientation ? `Le ménage est orienté vers : ${x.orientation}.` : 'Le ménage poursuit son parcours logement avec son travailleur social.',
      ...(x.placeAccordee ? ['La place de la mesure est libérée pour le ménage suivant.'] : []),
    ],
  };
}
