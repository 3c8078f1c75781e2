/**
 * Courriers du parcours « prévention précontentieuse » : le texte de la lettre d'information au
 * ménage (jointe à son courriel et imprimée par l'opérateur) et celui des courriels du partage du
 * diagnostic avec le bailleur (réglage du programme, accord du ménage).
 */

/** Les paragraphes de la lettre d'information au ménage (entre la formule d'appel et « Pour nous joindre »). */
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
