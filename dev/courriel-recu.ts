/** Un courriel tel que le mail catcher de développement l'a reçu et analysé (mailparser). */
export interface PieceJointeRecue {
  /** Nom de fichier annoncé par le courriel (décodé : RFC 2231, RFC 2047), s'il y en a un. */
  filename: string | null;
  /** Type MIME, sans paramètres (ex. « application/pdf »). */
  contentType: string;
  /** Taille du contenu décodé, en octets. */
  size: number;
  /** Jeu de caractères déclaré (pièces jointes texte), s'il y en a un. */
  charset: string | null;
  /** « attachment », « inline »… selon le courriel ; null s'il ne dit rien. */
  disposition: string | null;
  /** Contenu décodé. Absent du JSON de la boîte (on le télécharge à l'adresse de la pièce jointe). */
  contenu: Buffer;
}

export interface CourrielRecu {
  id: string;
  messageId: string | null;
  /** En-tête From décodé (ex. « Équipe Parcours <noreply@exemple.fr> »). */
  de: string;
  /** Adresses nues de l'en-tête To (à défaut : destinataires de l'enveloppe SMTP). */
  a: string[];
  /** Adresses nues de l'en-tête Cc. */
  cc: string[];
  sujet: string;
  /** ISO 8601 : en-tête Date s'il est valide, sinon l'heure de réception. */
  date: string;
  /** Corps texte ; dérivé du HTML par mailparser si le courriel n'a qu'une partie HTML. */
  texte: string;
  html: string | null;
  /** En-têtes (noms en minuscules), dépliés et décodés ; doublons joints par « , ». */
  enTetes: Record<string, string>;
  /** Pièces jointes (et images intégrées), dans l'ordre du courriel. */
  piecesJointes: PieceJointeRecue[];
  /** Source complète telle que reçue (décodée en UTF-8). */
  brut: string;
}
