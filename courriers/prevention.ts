/**
 * Courriers du parcours « prévention précontentieuse » partagés avec les documents : le texte de la
 * lettre d'information au ménage (jointe à son courriel et imprimée par l'opérateur).
 */

/** Les paragraphes de la lettre d'information au ménage (entre « Madame, Monsieur, » et « Pour nous joindre »). */
export function paragraphesLettreInformation(programme: { operateur: { nom: string; courriel: string } }): string[] {
  return [
    `Votre bailleur nous a fait part de difficultés dans le paiement de votre loyer. ${programme.operateur.nom} vous propose un accompagnement gratuit pour trouver avec vous des solutions.`,
    'Notre intervention est indépendante de votre bailleur : elle a lieu dans votre intérêt, pour éviter que votre situation ne se dégrade.',
    'Ce que vous nous confiez reste confidentiel : rien n’est transmis à votre bailleur sans votre accord, en dehors des engagements que vous prendrez avec lui.',
    `Nous allons prendre contact avec vous par téléphone, par courrier ou en passant à votre domicile. Vous pouvez aussi nous joindre directement : ${programme.operateur.courriel}.`,
  ];
}
