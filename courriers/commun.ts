import { dateEnFrancais, estFinDuJour, finEnFrancais, heureEnFrancais, jourEnFrancais, limiteEnFrancais } from '../domain/durees';
import { mentionPersonnel } from '../domain/libelles';
import type { DocumentAuMenage } from '../domain/messages';

/** Ce qu'un modèle de courriel produit : l'objet et les paragraphes, en français. */
export interface Courriel {
  sujet: string;
  paragraphes: string[];
}

/** Une date (instant ou jour AAAA-MM-JJ), mise en forme par le modèle (« 3 mars 2027 »). */
export type Jour = Date | string;

/** Une échéance que le parcours suit, dite dans un rappel ou une alerte. */
export interface EcheanceACourrier {
  libelle: string;
  due: Jour;
  reference: string;
  programme: string;
}

/** Une échéance qui court jusqu'au soir se dit par son jour ; une autre, qui passe à son heure, avec celle-ci. */
const jusquAuSoir = (due: Jour): boolean => estFinDuJour(new Date(due));

/**
 * Le rappel d'une échéance à son responsable : « au plus tard le 25 décembre 2026 » quand elle court
 * jusqu'au soir (un délai compté depuis une désignation, un signalement), « avant le 27 décembre
 * 2026 à 16:11 » quand elle passe à l'heure où elle a été fixée.
 */
export function rappelEcheance(e: EcheanceACourrier): Courriel {
  const jour = dateEnFrancais(e.due);
  const soir = jusquAuSoir(e.due);
  return {
    sujet: `Rappel : ${e.libelle} ${soir ? 'au plus tard le' : 'avant le'} ${jour} (dossier ${e.reference})`,
    paragraphes: [
      `L’échéance « ${e.libelle} » du dossier ${e.reference} (${e.programme}) arrive le ${jour}${soir ? ' (la journée entière compte)' : ` à ${heureEnFrancais(e.due)}`}.`,
      'Merci d’enregistrer ce qui a été fait dans la plateforme d’ici là.',
    ],
  };
}

/** L'alerte à la coordination d'une échéance dépassée : depuis quand, qui suit le ménage, ce qu'elle peut faire. */
export function echeanceDepassee(e: EcheanceACourrier & { suiviPar?: string; consigne?: string }): Courriel {
  return {
    sujet: `Échéance dépassée : ${e.libelle} (dossier ${e.reference})`,
    paragraphes: [
      `L’échéance « ${e.libelle} » du dossier ${e.reference} (${e.programme}) ${jusquAuSoir(e.due) ? 'a pris fin' : 'est dépassée depuis'} ${finEnFrancais(e.due)}.`,
      e.suiviPar ? `Le travailleur social en charge est ${e.suiviPar}.` : 'Aucun travailleur social n’est encore affecté à ce ménage.',
      ...(e.consigne ? [e.consigne] : []),
    ],
  };
}

/** L'opérateur tel qu'un ménage doit pouvoir le joindre. */
export interface OperateurAJoindre {
  operateur: { nom: string; telephone?: string; courriel: string };
}

/** « Pour toute question : … » : qui appeler, dans un courriel au ménage. */
export const phraseQuiAppeler = (x: OperateurAJoindre): string =>
  `Pour toute question, ou si une difficulté survient : ${x.operateur.nom}${x.operateur.telephone ? `, ${x.operateur.telephone}` : ''}, ${x.operateur.courriel}.`;

export interface ProgrammeCourrier {
  nom: string;
  operateur: { nom: string };
}

/**
 * La formule d'appel d'une lettre au ménage : le ménage nommé, comme les courriels commencent
 * (« Bonjour, »), sans deviner une civilité que le nom ne donne pas toujours : « Bonjour M. et Mme
 * Traoré, », « Bonjour Anne Moreau, ».
 */
export const appelDuMenage = (nom: string): string => `Bonjour ${nom.trim().replace(/\s+/g, ' ')},`;

/** La formule de politesse qui va avec (« Cordialement, » des courriels, en lettre). */
export const POLITESSE_MENAGE = ['Nous restons à votre disposition pour toute question.', 'Bien cordialement,'] as const;

/**
 * La signature d'une lettre, comme une lettre l'écrit : la fonction ou le service, puis l'organisation
 * (« La conseillère sociale DÉCLIC, associations Le Relais et Le Touril »), réglée dans le fichier du
 * programme (`operateur.signature`) ; à défaut, le nom de l'opérateur.
 */
export const signatureOperateur = (op: { nom: string; signature?: string }): string => op.signature ?? op.nom;

/**
 * Un ménage confié à un autre travailleur social par la coordination : un courriel à la personne qui
 * le reçoit, un autre à celle qui le suivait. Chacun nomme l'autre (`mentionPersonnel`, lu dans
 * l'annuaire à l'envoi) : l'ancien référent n'a plus accès au dossier, il doit savoir à qui
 * transmettre ce qu'il n'a pas enregistré.
 */
export function courrielsReaffectation(x: {
  reference: string;
  programme: string;
  nouveau: string;
  auparavant?: string;
  /** Les échéances du travail social encore à tenir, déjà en retard ou pas. */
  aTenir?: Array<{ libelle: string; due: Jour; enRetard: boolean }>;
}): {
  nouveau: Courriel;
  ancien: Courriel;
} {
  return {
    nouveau: {
      sujet: `Un ménage vous est confié (dossier ${x.reference})`,
      paragraphes: [
        `La coordination vous confie le suivi du ménage du dossier ${x.reference} (${x.programme})${x.auparavant ? `, suivi jusqu’ici par ${mentionPersonnel(x.auparavant)}` : ''}.`,
        ...(x.aTenir ?? []).map((e) =>
          e.enRetard ? `${e.libelle} : en retard, la date limite était ${finEnFrancais(e.due)}.` : `${e.libelle} : ${limiteEnFrancais(e.due)}.`,
        ),
        'Son dossier, son journal et ses prochaines échéances sont sur sa page, dans « Mes ménages ».',
      ],
    },
    ancien: {
      sujet: `Ménage confié à une autre personne (dossier ${x.reference})`,
      paragraphes: [
        `La coordination a confié le suivi du ménage du dossier ${x.reference} (${x.programme}) à ${mentionPersonnel(x.nouveau)} : vous ne le suivez plus, et n’avez plus accès à son dossier.`,
        `Ce que vous n’avez pas encore enregistré dans le dossier, transmettez-le à ${mentionPersonnel(x.nouveau)}, qui prend le relais.`,
      ],
    },
  };
}

/**
 * Comment le courriel nomme chaque document envoyé au ménage (domain/messages.ts :
 * `DOCUMENTS_AU_MENAGE`) : son objet après le nom de l'opérateur, comme la lettre envoyée à l'orientation (pas un
 * « document » anonyme, qui ressemblerait à un courriel douteux), et sa phrase.
 */
const DOCUMENTS_NOMMES: Record<DocumentAuMenage, { objet: string; phrase: string }> = {
  'lettre-information': {
    objet: 'un accompagnement vous est proposé',
    phrase: 'la lettre d’information sur l’accompagnement qui vous est proposé',
  },
  'livret-iml': { objet: 'le livret de votre bail glissant', phrase: 'le livret qui explique le bail glissant, ses étapes et vos engagements' },
  'resume-protocole': {
    objet: 'le résumé de votre protocole de cohésion sociale',
    phrase: 'le résumé de votre protocole de cohésion sociale : vos engagements, vos paiements et la date de sa fin',
  },
};

/**
 * Un document envoyé au ménage à la demande de son travailleur social (une lettre revenue, une
 * adresse donnée depuis, un ménage qui le redemande), en pièce jointe.
 */
export function documentAuMenage(x: OperateurAJoindre & { document: DocumentAuMenage }): Courriel {
  return {
    sujet: `${x.operateur.nom} : ${DOCUMENTS_NOMMES[x.document].objet}`,
    paragraphes: [`Vous trouverez ci-joint ${DOCUMENTS_NOMMES[x.document].phrase}.`, phraseQuiAppeler(x)],
  };
}

/** « au plus tard le lundi 21 décembre 2026 », ou « avant le 20 décembre 2026 » (échéance à l'heure). */
export const limiteDeReponse = (echeance: Jour, auSoir: boolean): string =>
  auSoir ? `au plus tard le ${jourEnFrancais(echeance)}` : `avant le ${dateEnFrancais(echeance)}`;

/**
 * Le courriel d'une demande à un partenaire, qui répond par son lien (et son rappel) : une décision
 * (« Votre décision est attendue au plus tard le lundi 21 décembre 2026 »), une vérification (le ménage
 * est-il déjà accompagné ?), le nouveau bail à indiquer, ou la veille active (une rechute à signaler).
 */
export function demandeAuPartenaire(x: {
  ref: string;
  objet: string;
  apercu: string[];
  nature: 'decision' | 'verification' | 'nouveau_bail' | 'rechute';
  rappel: boolean;
  echeance: Jour;
  auSoir: boolean;
}): Courriel {
  const limite = limiteDeReponse(x.echeance, x.auSoir);
  const demande = {
    rechute: () =>
      `Jusqu’au ${dateEnFrancais(x.echeance)}, vous pouvez signaler par le lien ci-dessous une rechute du ménage (nouveaux impayés). Sans rechute, il n’y a rien à faire.`,
    nouveau_bail: () => `Dès que le nouveau bail est signé, indiquez-le par le lien ci-dessous, avant le ${dateEnFrancais(x.echeance)}.`,
    verification: () =>
      `${x.rappel ? 'Nous n’avons pas encore reçu votre réponse. ' : ''}${majuscule(limite)}, indiquez par le lien ci-dessous si ce ménage est déjà accompagné par un travailleur social.`,
    decision: () =>
      x.rappel
        ? `Nous n’avons pas encore reçu votre réponse à la demande suivante, attendue ${limite}.`
        : `Votre décision est attendue ${limite} sur la demande suivante.`,
  }[x.nature]();
  return {
    sujet: `${x.rappel ? 'Rappel — ' : ''}${x.objet} (dossier ${x.ref})`,
    paragraphes: [
      demande,
      x.objet,
      ...x.apercu,
      x.auSoir
        ? `Le lien ci-dessous vous est personnel ; il ne sert qu’une fois et reste valable jusqu’au ${jourEnFrancais(x.echeance)} au soir.`
        : `Le lien ci-dessous vous est personnel ; il ne sert qu’une fois et expire le ${dateEnFrancais(x.echeance)}.`,
    ],
  };
}

/** À la coordination : un partenaire (« le bailleur », « la commission SIAO ») n'a pas répondu dans le délai. */
export function sansReponse(x: { ref: string; objet: string; partenaire: string; echeance: Jour; auSoir: boolean; suite?: string }): Courriel {
  return {
    sujet: `Sans réponse : ${x.objet} (dossier ${x.ref})`,
    paragraphes: [
      x.auSoir
        ? `${majuscule(x.partenaire)} n’a pas répondu à la demande « ${x.objet} », attendue ${limiteDeReponse(x.echeance, true)}.`
        : `${majuscule(x.partenaire)} n’a pas répondu à la demande « ${x.objet} » avant le ${dateEnFrancais(x.echeance)}.`,
      x.suite ?? 'Merci de reprendre contact avec ce partenaire. Le lien qui lui avait été envoyé n’est plus valable.',
    ],
  };
}

const majuscule = (texte: string): string => `${texte.charAt(0).toUpperCase()}${texte.slice(1)}`;
