/**
 * Courriers du parcours « prévention précontentieuse » : le texte de la lettre d'information au
 * ménage (jointe à son courriel et imprimée par l'opérateur), celui des courriels du partage du
 * diagnostic avec le bailleur (réglage du programme, accord du ménage) et ceux du déroulé.
 */
import { dureeEnFrancais, limiteEnFrancais } from '../domain/durees';
import type { Courriel, Jour } from './commun';

/** Étude conjointe (toulouse-declic) : ce que le conseiller référent du bailleur valide par son lien. */
export const OBJET_VALIDATION_REFERENT = 'Validation du plan d’aide avec le conseiller référent';

/**
 * Un ménage désigné par la commission des impayés de loyer (besancon-ccas, fiche 000 : « les
 * personnes dont la situation est évoquée lors des commissions impayés de loyer ») l'apprend de la
 * commission, pas de son bailleur ; les autres, de leur bailleur qui les a orientés.
 */
export function paragraphesLettreInformation(programme: {
  operateur: { nom: string; courriel: string };
  options?: { designationCommissionImpayes?: boolean };
}): string[] {
  return [
    programme.options?.designationCommissionImpayes
      ? `Votre situation a été évoquée à la commission des impayés de loyer, qui a confié à ${programme.operateur.nom} la mission de vous rencontrer. Nous vous proposons un accompagnement gratuit pour trouver avec vous des solutions.`
      : `Votre bailleur nous a fait part de difficultés dans le paiement de votre loyer. ${programme.operateur.nom} vous propose un accompagnement gratuit pour trouver avec vous des solutions.`,
    'Notre intervention est indépendante de votre bailleur : elle a lieu dans votre intérêt, pour éviter que votre situation ne se dégrade.',
    'Ce que vous nous confiez reste confidentiel : rien n’est transmis à votre bailleur sans votre accord, en dehors des engagements que vous prendrez avec lui.',
    `Nous allons prendre contact avec vous par téléphone, par courrier ou en passant à votre domicile. Vous pouvez aussi nous joindre directement : ${programme.operateur.courriel}.`,
  ];
}

/**
 * Au bailleur, au lancement : l'orientation reçue (ou la désignation par la commission impayés) et
 * la date avant laquelle il saura si le contact est établi.
 */
export function accuseOrientation(x: { ref: string; commission: boolean; contactAvant?: string; depuis?: { designation: true } | { signalement: string } }): {
  sujet: string;
  paragraphes: string[];
} {
  const depuis = !x.depuis
    ? ''
    : 'designation' in x.depuis
      ? ' (le délai court depuis la désignation par la commission impayés)'
      : ` (le délai court depuis votre signalement du ${x.depuis.signalement})`;
  return {
    sujet: x.commission ? `Ménage désigné par la commission impayés (dossier ${x.ref})` : `Orientation reçue (dossier ${x.ref})`,
    paragraphes: [
      x.commission
        ? `La commission des impayés de loyer nous a désignés pour rencontrer le ménage (dossier ${x.ref}). Un courrier l’informe de notre intervention ; nous allons prendre contact avec lui.`
        : `Nous avons bien reçu l’orientation du ménage (dossier ${x.ref}). Un courrier l’informe de notre intervention ; nous allons prendre contact avec lui.`,
      x.contactAvant
        ? `Nous vous tiendrons informés du premier contact, au plus tard le ${x.contactAvant}${depuis}.`
        : 'Nous vous tiendrons informés du premier contact.',
    ],
  };
}

/** Au bailleur : le diagnostic et le carnet de route partagés, avec l'accord du ménage (fiche de suivi social jointe). */
export function diagnosticPartage(x: { ref: string; programme: { operateur: { nom: string; courriel: string } }; pour: string[] }): {
  sujet: string;
  paragraphes: string[];
} {
  return {
    sujet: `Diagnostic partagé avec l’accord du ménage (dossier ${x.ref})`,
    paragraphes: [
      `Avec l’accord du ménage, ${x.programme.operateur.nom} vous transmet le diagnostic de sa situation et son carnet de route, dans la fiche de suivi social jointe (dossier ${x.ref}).`,
      `Ils sont destinés à : ${x.pour.join(', ')}. Ils restent confidentiels : ne les transmettez à personne d’autre.`,
      'Le ménage peut retirer son accord à tout moment : vous en serez informés.',
      `Pour toute question : ${x.programme.operateur.courriel}.`,
    ],
  };
}

/** Au bailleur : le ménage a retiré son accord ; le diagnostic reçu ne sert plus. */
export function accordPartageRetire(x: { ref: string; programme: { operateur: { nom: string; courriel: string } } }): { sujet: string; paragraphes: string[] } {
  return {
    sujet: `Accord du ménage retiré : diagnostic à ne plus utiliser (dossier ${x.ref})`,
    paragraphes: [
      `Le ménage du dossier ${x.ref} a retiré son accord au partage de son diagnostic.`,
      'Merci de ne plus utiliser le diagnostic ni le carnet de route reçus, et de supprimer ces documents de vos dossiers. Les engagements pris avec vous (plan d’apurement) restent suivis comme avant.',
      `Pour toute question : ${x.programme.operateur.courriel}.`,
    ],
  };
}

/**
 * Comité de suivi (reims-april, fiche 004) : « Avant validation en comité de suivi, les partenaires
 * sociaux vérifient que les locataires ne sont pas accompagnés par ailleurs (le cas échéant, une alerte
 * est faite auprès des travailleurs sociaux en charge) ». La demande de vérification aux services
 * sociaux : son objet, ce qu'ils voient pour répondre.
 */
export const OBJET_VERIFICATION_COMITE = 'Avant le comité de suivi : le ménage est-il déjà accompagné ?';
export function apercuVerificationComite(x: { ref: string; impayesMois: number; dejaSuiviSelonLeBailleur: boolean; operateur: string }): string[] {
  return [
    `Dossier ${x.ref} : ${x.impayesMois} mois d’impayés ; son bailleur l’a signalé pour un accompagnement dans le dispositif (${x.operateur}).`,
    x.dejaSuiviSelonLeBailleur ? 'Le bailleur indique qu’un service social suit déjà le ménage.' : 'Aucun suivi social connu du bailleur.',
    'Si le ménage est déjà accompagné, dites par quel service ou quel travailleur social, et prévenez-le : le comité de suivi décidera ensuite de l’intégration du ménage.',
  ];
}

/** Courriel au service qui suit déjà le ménage, quand le comité de suivi maintient son accompagnement. */
export function courrielDejaSuivi(
  programme: { operateur: { nom: string; courriel: string } },
  reference: string,
  precision?: string,
): { sujet: string; paragraphes: string[] } {
  return {
    sujet: `Comité de suivi : le ménage reste suivi par votre service (dossier ${reference})`,
    paragraphes: [
      `Le comité de suivi a examiné la situation du ménage (dossier ${reference}), signalé par son bailleur pour une dette locative.`,
      `Le ménage étant déjà suivi par votre service, ${programme.operateur.nom} n’engage pas d’accompagnement : nous vous laissons poursuivre le suivi, en tenant compte de cette dette.`,
      ...(precision ? [`Précision du comité : ${precision}`] : []),
      `Pour toute question : ${programme.operateur.courriel}.`,
    ],
  };
}

/** Au service qui suit déjà le ménage quand le comité l'intègre tout de même : il est associé dès l'entrée (tuilage). */
export function courrielTuilageComite(x: { ref: string; programme: { operateur: { nom: string; courriel: string } }; suiviPar: string }): {
  sujet: string;
  paragraphes: string[];
} {
  return {
    sujet: `Comité de suivi : accompagnement engagé, votre service y est associé (dossier ${x.ref})`,
    paragraphes: [
      `Le comité de suivi a validé l’intégration du ménage du dossier ${x.ref}, que vous avez signalé comme déjà accompagné (${x.suiviPar}).`,
      `${x.programme.operateur.nom} engage l’accompagnement. Le relais avec le travailleur social qui suit le ménage est préparé dès maintenant : il est associé dès l’entrée dans le dispositif.`,
      `Pour convenir de ce relais : ${x.programme.operateur.courriel}.`,
    ],
  };
}

/**
 * À la coordination, quand les services sociaux ont répondu avant le comité : la décision peut
 * s'enregistrer. `limite` : « au plus tard le lundi 21 décembre 2026 » (ou « avant le … »).
 */
export function verificationRecue(x: { ref: string; suiviPar?: string; limite: string }): { sujet: string; paragraphes: string[] } {
  return {
    sujet: `Avant le comité de suivi : les services sociaux ont répondu (dossier ${x.ref})`,
    paragraphes: [
      x.suiviPar
        ? `Pour le dossier ${x.ref}, les services sociaux indiquent que le ménage est déjà accompagné : ${x.suiviPar}.`
        : `Pour le dossier ${x.ref}, les services sociaux ne connaissent aucun accompagnement du ménage.`,
      `Enregistrez la décision du comité de suivi sur la page du dossier, ${x.limite} : intégrer le ménage, ou non (avec son motif).`,
    ],
  };
}

// ---- Les courriels du déroulé, dans l'ordre du parcours --------------------------------------

/** Aux services sociaux (reims-april) : le ménage qu'ils suivent déjà est signalé ; le comité décidera. */
export function dejaSuiviAvantComite(x: { ref: string; operateur: string }): Courriel {
  return {
    sujet: `Ménage déjà suivi : orientation vers ${x.operateur} (dossier ${x.ref})`,
    paragraphes: [
      `Le bailleur a signalé une dette locative pour un ménage que votre service suit déjà (dossier ${x.ref}).`,
      'Le comité de suivi va décider de la poursuite par l’association ou du maintien de votre accompagnement.',
    ],
  };
}

/** À la coordination : un ménage orienté hors des critères du dispositif (loiret-ahu). */
export function orientationRefusee(x: { ref: string; dispositif: string; motif: string }): Courriel {
  return {
    sujet: `Orientation refusée (dossier ${x.ref})`,
    paragraphes: [`Le ménage orienté (dossier ${x.ref}) ne correspond pas aux critères du dispositif ${x.dispositif} : ${x.motif}.`],
  };
}

/** Au service social du département (besancon-ccas) : la situation qu'il accompagne déjà reste chez lui. */
export function situationLaisseeAuService(x: { ref: string; operateur: { nom: string; courriel: string } }): Courriel {
  return {
    sujet: `Situation laissée à votre service (dossier ${x.ref})`,
    paragraphes: [
      `Le ménage du dossier ${x.ref} nous a été orienté pour une dette locative. Votre service l’accompagne déjà sur ses impayés : selon les modalités convenues entre nos services, ${x.operateur.nom} n’intervient pas et la situation reste chez vous.`,
      `Si vous souhaitez notre intervention, écrivez-nous : ${x.operateur.courriel}.`,
    ],
  };
}

/** Au ménage qui accepte les courriels : la lettre d'information (jointe en PDF). */
export function accompagnementPropose(programme: Parameters<typeof paragraphesLettreInformation>[0]): Courriel {
  return { sujet: `${programme.operateur.nom} : un accompagnement vous est proposé`, paragraphes: paragraphesLettreInformation(programme) };
}

/** Au bailleur (loiret-ahu) : aucun contact dans le délai ; il peut engager les poursuites. */
export function contactImpossible(x: { ref: string; tentatives: number; delai: string; depuisSignalement: boolean }): Courriel {
  const essais = x.tentatives ? `Malgré ${x.tentatives > 1 ? `nos ${x.tentatives} tentatives` : 'notre tentative'}, nous` : 'Nous';
  return {
    sujet: `Contact impossible avec le ménage (dossier ${x.ref})`,
    paragraphes: [
      `${essais} n’avons pas pu entrer en contact avec le ménage du dossier ${x.ref} dans le délai de ${dureeEnFrancais(x.delai)} suivant ${x.depuisSignalement ? 'votre signalement' : 'l’orientation'}.`,
      'Comme le prévoit le dispositif, vous pouvez engager les poursuites judiciaires. Nous vous informerons si le ménage reprend contact.',
    ],
  };
}

/**
 * Au travailleur social que la coordination a choisi dès le lancement, quand le travail commence (la
 * lettre au ménage, après le comité de suivi s'il y en a un) : le ménage qui lui est confié, la lettre,
 * et jusqu'à quand le premier contact et la première visite sont attendus. Une affectation faite plus
 * tard a son propre courriel (`courrielsReaffectation`).
 */
export function menageConfie(x: {
  ref: string;
  programme: string;
  lettre: 'courriel' | 'sms' | 'papier';
  delais: Array<{ libelle: string; due: Jour }>;
}): Courriel {
  const lettre = {
    courriel: 'La lettre d’information lui part par courriel ; elle est aussi dans les documents du dossier, prête à imprimer.',
    sms: 'Un SMS lui annonce la lettre d’information : elle est dans les documents du dossier, à imprimer et à lui poster.',
    papier: 'La lettre d’information est dans les documents du dossier, à imprimer et à lui poster.',
  }[x.lettre];
  return {
    sujet: `Un ménage vous est confié (dossier ${x.ref})`,
    paragraphes: [
      `La coordination vous confie le ménage du dossier ${x.ref} (${x.programme}) : à vous d’aller vers lui.`,
      lettre,
      ...x.delais.map((d) => `${d.libelle} : ${limiteEnFrancais(d.due)}.`),
      'Son dossier, son journal et ses échéances sont sur sa page, dans « Mes ménages ».',
    ],
  };
}

/** Au bailleur : le contact est établi, le diagnostic commence. */
export function contactEtabli(x: { ref: string }): Courriel {
  return {
    sujet: `Contact établi avec le ménage (dossier ${x.ref})`,
    paragraphes: [
      `Nous avons pu rencontrer le ménage du dossier ${x.ref}. Un diagnostic de sa situation est en cours ; nous vous tiendrons informés des engagements qui vous concernent.`,
    ],
  };
}

/** Au travailleur social : le plan refusé (« par le département », « par le conseiller référent du bailleur »). */
export function planARevoir(x: { ref: string; par: string; motif: string }): Courriel {
  return {
    sujet: `Plan d’aide à revoir (dossier ${x.ref})`,
    paragraphes: [`Le plan d’aide n’a pas été validé ${x.par} : ${x.motif}.`, 'Merci de revoir le plan avec le ménage, puis de l’enregistrer à nouveau.'],
  };
}

/** Aux partenaires : le plan engagé, dans ce que tout partenaire peut en savoir (`resume`). */
export function planEngage(x: { ref: string; resume: string[] }): Courriel {
  return { sujet: `Plan d’aide engagé (dossier ${x.ref})`, paragraphes: x.resume };
}

/** Au travailleur social : un point ou un bilan à saisir, avec sa date limite. */
export function bilanASaisir(x: { ref: string; libelle: string; avant: Jour }): Courriel {
  return {
    sujet: `${x.libelle} à saisir (dossier ${x.ref})`,
    paragraphes: [
      `Le ${x.libelle.toLowerCase()} du dossier ${x.ref} est à enregistrer ${limiteEnFrancais(x.avant)} : reprise du paiement, respect du plan d’apurement, démarches réalisées.`,
    ],
  };
}

/** Au bailleur : ce que dit un bilan saisi (reprise du paiement, plan d'apurement), rien d'autre. */
export function bilanAuBailleur(x: { ref: string; jalon: string; reprise: string; planRespecte: boolean }): Courriel {
  return {
    sujet: `${x.jalon} (dossier ${x.ref})`,
    paragraphes: [
      `${x.jalon} de l’accompagnement du ménage (dossier ${x.ref}) :`,
      `Reprise du paiement du loyer : ${x.reprise}.`,
      `Plan d’apurement : ${x.planRespecte ? 'respecté' : 'non respecté'}.`,
    ],
  };
}

/** Au service de droit commun : le relais proposé, avec ou sans entretien commun. */
export function passageDeRelais(x: { ref: string; service: string; entretienTripartite: boolean }): Courriel {
  return {
    sujet: `Passage de relais : ménage accompagné (dossier ${x.ref})`,
    paragraphes: [
      `Nous vous proposons de prendre le relais de l’accompagnement du ménage (dossier ${x.ref}) : ${x.service}.`,
      x.entretienTripartite
        ? 'Le ménage souhaite un entretien commun pour ce passage de relais : nous vous contacterons pour en fixer la date.'
        : 'Le ménage prendra directement contact avec votre service.',
    ],
  };
}

/** Au bailleur et à la CCAPEX : la clôture et son issue (fiche de clôture jointe). */
export function finAccompagnement(x: { ref: string; issue: string }): Courriel {
  return {
    sujet: `Fin de l’accompagnement : ${x.issue} (dossier ${x.ref})`,
    paragraphes: [`L’accompagnement du ménage (dossier ${x.ref}) est clôturé : ${x.issue.toLowerCase()}.`, 'La fiche de clôture est jointe à ce courriel.'],
  };
}
