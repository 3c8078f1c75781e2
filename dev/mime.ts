/**
 * Petit décodeur MIME sans dépendance, suffisant pour lire ce que produit
 * nodemailer (et la plupart des clients courants) dans le « mail catcher » de
 * développement :
 *  - dépliage des en-têtes (RFC 5322) ;
 *  - mots encodés RFC 2047 (B et Q, tout charset connu de TextDecoder) ;
 *  - paramètres RFC 2231 (filename*=utf-8''…, continuations filename*0*=…) ;
 *  - multipart/* récursif (alternative, mixed, related…) ;
 *  - Content-Transfer-Encoding quoted-printable, base64, 7bit, 8bit, binary ;
 *  - charsets via TextDecoder (utf-8, iso-8859-1, windows-1252, …).
 *
 * Ce n'est pas un analyseur MIME complet (pas de format=flowed, pas de
 * message/rfc822 imbriqué décodé, pas d'uuencode) : c'est un outil de dev.
 *
 * Convention interne : le message brut est manipulé comme une chaîne « binaire »
 * (latin1, un caractère = un octet) pour que la structure se découpe sans
 * abîmer les octets, puis chaque morceau est reconverti en octets avant d'être
 * décodé dans son charset.
 */

export interface PieceJointeMime {
  filename: string | null;
  contentType: string;
  size: number;
}

export interface MessageMime {
  /** En-têtes, noms en minuscules, valeurs dépliées et décodées (RFC 2047). Les doublons sont joints par « , ». */
  headers: Record<string, string>;
  /** Corps texte ; dérivé du HTML (balises retirées) si le message n'a qu'une partie HTML. */
  text: string;
  html: string | null;
  attachments: PieceJointeMime[];
}

export interface EnTeteBrut {
  /** Nom en minuscules. */
  name: string;
  /** Valeur dépliée, NON décodée (chaîne binaire latin1). */
  value: string;
}

interface Entite {
  headers: EnTeteBrut[];
  /** Corps brut (chaîne binaire latin1), fins de ligne normalisées en \n. */
  body: string;
}

interface ValeurAvecParametres {
  value: string;
  params: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Octets et charsets
// ---------------------------------------------------------------------------

function versBinaire(raw: string | Uint8Array): string {
  if (typeof raw === 'string') {
    // Une chaîne JS déjà décodée : on la ré-encode en UTF-8 pour travailler sur des octets.
    return Buffer.from(raw, 'utf8').toString('latin1');
  }
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
}

function octets(binaire: string): Buffer {
  return Buffer.from(binaire, 'latin1');
}

function normaliserCharset(charset: string | undefined): string {
  let c = (charset ?? '').trim().replace(/^["']|["']$/g, '').toLowerCase();
  // RFC 2231 : « utf-8*fr » (langue) dans les mots encodés.
  const etoile = c.indexOf('*');
  if (etoile >= 0) c = c.slice(0, etoile);
  if (!c) return 'utf-8';
  if (c === 'utf8') return 'utf-8';
  if (c === 'latin1' || c === 'latin-1') return 'iso-8859-1';
  return c;
}

/** Décode des octets dans un charset ; UTF-8 si le charset est inconnu. */
export function decoderCharset(bytes: Uint8Array, charset?: string): string {
  const c = normaliserCharset(charset);
  try {
    return new TextDecoder(c).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/**
 * Valeur d'en-tête brute (binaire) vers texte : les en-têtes 8 bits (SMTPUTF8)
 * sont tentés en UTF-8 strict, sinon lus en latin1.
 */
function texteEnTete(binaire: string): string {
  if (!/[\x80-\xff]/.test(binaire)) return binaire;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(octets(binaire));
  } catch {
    return binaire;
  }
}

// ---------------------------------------------------------------------------
// RFC 2047
// ---------------------------------------------------------------------------

function decoderQ(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '_') {
      out.push(0x20);
    } else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(s.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

function decoderBase64(s: string): Buffer {
  return Buffer.from(s.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
}

const MOT_ENCODE = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Décode les mots encodés RFC 2047 d'une valeur d'en-tête. Les espaces entre
 * deux mots encodés adjacents sont ignorés et les octets de mots consécutifs
 * de même charset sont concaténés avant décodage (un caractère multi-octets
 * peut être coupé entre deux mots).
 */
export function decoderMotsEncodes(valeur: string): string {
  const morceaux: Array<{ type: 'texte'; texte: string } | { type: 'mot'; charset: string; bytes: Buffer }> = [];
  let dernier = 0;
  for (const m of valeur.matchAll(MOT_ENCODE)) {
    const debut = m.index ?? 0;
    const entre = valeur.slice(dernier, debut);
    const precedent = morceaux[morceaux.length - 1];
    if (entre.length > 0 && !(precedent?.type === 'mot' && /^[ \t\r\n]+$/.test(entre))) {
      morceaux.push({ type: 'texte', texte: entre });
    }
    const charset = normaliserCharset(m[1]);
    const bytes = m[2]!.toUpperCase() === 'B' ? decoderBase64(m[3]!) : decoderQ(m[3]!);
    const prec = morceaux[morceaux.length - 1];
    if (prec?.type === 'mot' && prec.charset === charset) {
      prec.bytes = Buffer.concat([prec.bytes, bytes]);
    } else {
      morceaux.push({ type: 'mot', charset, bytes });
    }
    dernier = debut + m[0].length;
  }
  if (dernier === 0) return valeur;
  if (dernier < valeur.length) morceaux.push({ type: 'texte', texte: valeur.slice(dernier) });
  return morceaux.map((p) => (p.type === 'texte' ? p.texte : decoderCharset(p.bytes, p.charset))).join('');
}

/** Décode une valeur d'en-tête brute (binaire) : 8 bits éventuels puis RFC 2047. */
export function decoderValeurEnTete(binaire: string): string {
  return decoderMotsEncodes(texteEnTete(binaire));
}

// ---------------------------------------------------------------------------
// En-têtes et entités
// ---------------------------------------------------------------------------

/** Sépare un bloc d'en-têtes (chaîne binaire, lignes en \n) en en-têtes dépliés. */
export function analyserEnTetes(bloc: string): EnTeteBrut[] {
  const resultat: EnTeteBrut[] = [];
  for (const ligne of bloc.split('\n')) {
    if (ligne === '') continue;
    if ((ligne[0] === ' ' || ligne[0] === '\t') && resultat.length > 0) {
      // Dépliage RFC 5322 : on retire seulement le saut de ligne.
      resultat[resultat.length - 1]!.value += ligne;
      continue;
    }
    const deuxPoints = ligne.indexOf(':');
    if (deuxPoints <= 0) continue; // ligne invalide (ou « From » mbox) : ignorée
    resultat.push({
      name: ligne.slice(0, deuxPoints).trim().toLowerCase(),
      value: ligne.slice(deuxPoints + 1).trim(),
    });
  }
  return resultat;
}

function analyserEntite(binaire: string): Entite {
  const normalise = binaire.replace(/\r\n?/g, '\n');
  let separation = normalise.indexOf('\n\n');
  let blocEnTetes: string;
  let body: string;
  if (normalise.startsWith('\n')) {
    // Pas d'en-têtes du tout.
    blocEnTetes = '';
    body = normalise.slice(1);
  } else if (separation < 0) {
    // Que des en-têtes (ou que du corps si la première ligne n'est pas un en-tête).
    separation = normalise.length;
    blocEnTetes = normalise;
    body = '';
  } else {
    blocEnTetes = normalise.slice(0, separation);
    body = normalise.slice(separation + 2);
  }
  return { headers: analyserEnTetes(blocEnTetes), body };
}

function enTete(entite: Entite, nom: string): string | undefined {
  return entite.headers.find((h) => h.name === nom)?.value;
}

/** Découpe « valeur; a=b; c="d;e" » en respectant les guillemets. */
function decouperParametres(s: string): string[] {
  const morceaux: string[] = [];
  let courant = '';
  let guillemets = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (guillemets && ch === '\\' && i + 1 < s.length) {
      courant += ch + s[i + 1];
      i++;
      continue;
    }
    if (ch === '"') guillemets = !guillemets;
    if (ch === ';' && !guillemets) {
      morceaux.push(courant);
      courant = '';
      continue;
    }
    courant += ch;
  }
  morceaux.push(courant);
  return morceaux.map((m) => m.trim());
}

function sansGuillemets(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    return t.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return t;
}

function decoderPourcent(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(s.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Analyse un en-tête à paramètres (Content-Type, Content-Disposition), RFC 2045 + RFC 2231. */
export function analyserValeurAvecParametres(brut: string): ValeurAvecParametres {
  const [premier = '', ...reste] = decouperParametres(brut);
  const simples: Record<string, string> = {};
  const etendus: Record<string, Array<{ index: number; encode: boolean; valeur: string }>> = {};
  for (const morceau of reste) {
    const egal = morceau.indexOf('=');
    if (egal <= 0) continue;
    const cle = morceau.slice(0, egal).trim().toLowerCase();
    const valeur = sansGuillemets(morceau.slice(egal + 1));
    const m = /^([^*]+)\*(?:(\d+)\*?)?$/.exec(cle);
    const encode = cle.endsWith('*');
    if (m) {
      const nom = m[1]!;
      (etendus[nom] ??= []).push({ index: m[2] === undefined ? 0 : Number(m[2]), encode, valeur });
    } else {
      simples[cle] = valeur;
    }
  }
  const params: Record<string, string> = {};
  for (const [cle, valeur] of Object.entries(simples)) {
    params[cle] = decoderMotsEncodes(texteEnTete(valeur));
  }
  for (const [nom, segments] of Object.entries(etendus)) {
    segments.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    const morceaux: Buffer[] = [];
    segments.forEach((seg, i) => {
      let v = seg.valeur;
      if (seg.encode) {
        if (i === 0) {
          const m = /^([^']*)'[^']*'(.*)$/s.exec(v);
          if (m) {
            charset = m[1] || 'utf-8';
            v = m[2]!;
          }
        }
        morceaux.push(decoderPourcent(v));
      } else {
        morceaux.push(octets(v));
      }
    });
    params[nom] = decoderCharset(Buffer.concat(morceaux), charset);
  }
  return { value: premier.trim().toLowerCase(), params };
}

// ---------------------------------------------------------------------------
// Content-Transfer-Encoding
// ---------------------------------------------------------------------------

/** Quoted-printable (corps) : supprime les sauts de ligne doux, décode =XX. */
export function decoderQuotedPrintable(binaire: string): Buffer {
  const sansSautsDoux = binaire
    .replace(/[ \t]+$/gm, '') // espaces de fin de ligne ajoutés par le transport
    .replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < sansSautsDoux.length; i++) {
    const ch = sansSautsDoux[i]!;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(sansSautsDoux.slice(i + 1, i + 3))) {
      out.push(parseInt(sansSautsDoux.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(sansSautsDoux.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(out);
}

function decoderCorps(entite: Entite): Buffer {
  const cte = (enTete(entite, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  if (cte === 'base64') return decoderBase64(entite.body);
  if (cte === 'quoted-printable') return decoderQuotedPrintable(entite.body);
  return octets(entite.body);
}

// ---------------------------------------------------------------------------
// HTML -> texte
// ---------------------------------------------------------------------------

const ENTITES_NOMMEES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', Eacute: 'É', Egrave: 'È', Ecirc: 'Ê',
  agrave: 'à', acirc: 'â', auml: 'ä', Agrave: 'À', Acirc: 'Â',
  ccedil: 'ç', Ccedil: 'Ç', icirc: 'î', iuml: 'ï', Icirc: 'Î',
  ocirc: 'ô', ouml: 'ö', Ocirc: 'Ô', ugrave: 'ù', ucirc: 'û', uuml: 'ü', Ugrave: 'Ù', Ucirc: 'Û',
  oelig: 'œ', OElig: 'Œ', aelig: 'æ', AElig: 'Æ', laquo: '«', raquo: '»',
  euro: '€', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“',
  ndash: '–', mdash: '—', middot: '·', copy: '©', reg: '®', deg: '°', shy: '',
};

export function decoderEntitesHtml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z][A-Za-z0-9]*);/g, (tout, corps: string) => {
    if (corps[0] === '#') {
      const code = corps[1] === 'x' || corps[1] === 'X' ? parseInt(corps.slice(2), 16) : parseInt(corps.slice(1), 10);
      if (!Number.isFinite(code) || code < 0 || code > 0x10ffff) return tout;
      try {
        return String.fromCodePoint(code);
      } catch {
        return tout;
      }
    }
    return ENTITES_NOMMEES[corps] ?? tout;
  });
}

/** Texte lisible approximatif à partir d'un HTML (balises retirées). */
export function htmlVersTexte(html: string): string {
  const texte = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|ul|ol|blockquote|section|article|header|footer)\s*>/gi, '\n')
    .replace(/<(p|div|h[1-6]|tr|table|ul|ol|blockquote)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<[^>]*>/g, '');
  return decoderEntitesHtml(texte)
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+/g, (m) => (m.includes('\t') ? '\t' : ' '))
    .replace(/[ \t]*\n[ \t]*/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// ---------------------------------------------------------------------------
// Parcours des parties
// ---------------------------------------------------------------------------

interface Accumulateur {
  textes: string[];
  htmls: string[];
  attachments: PieceJointeMime[];
  /** Les octets décodés de chaque pièce jointe (même ordre que `attachments`). */
  contenus: Buffer[];
}

function decouperMultipart(body: string, boundary: string): string[] {
  const parties: string[] = [];
  const lignes = body.split('\n');
  const ouverture = '--' + boundary;
  const fermeture = ouverture + '--';
  let courante: string[] | null = null;
  for (const ligne of lignes) {
    const t = ligne.replace(/[ \t]+$/, '');
    if (t === fermeture) {
      if (courante) parties.push(courante.join('\n'));
      courante = null;
      break; // l'épilogue est ignoré
    }
    if (t === ouverture) {
      if (courante) parties.push(courante.join('\n'));
      courante = [];
      continue;
    }
    courante?.push(ligne); // le préambule (courante === null) est ignoré
  }
  if (courante) parties.push(courante.join('\n')); // limite finale manquante : on garde quand même
  return parties;
}

function parcourir(entite: Entite, acc: Accumulateur, typeParDefaut: string): void {
  const ct = analyserValeurAvecParametres(enTete(entite, 'content-type') ?? typeParDefaut);
  const type = ct.value.includes('/') ? ct.value : typeParDefaut.split(';')[0]!.trim();
  const cd = analyserValeurAvecParametres(enTete(entite, 'content-disposition') ?? '');

  if (type.startsWith('multipart/') && ct.params.boundary) {
    // Dans multipart/digest, le type par défaut des sous-parties est message/rfc822.
    const defautEnfant = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain; charset=us-ascii';
    const parties = decouperMultipart(entite.body, ct.params.boundary);
    if (type === 'multipart/alternative') {
      // On ne garde qu'une variante de chaque sorte (la première trouvée pour chaque sorte).
      const sous: Accumulateur = { textes: [], htmls: [], attachments: [], contenus: [] };
      for (const p of parties) parcourir(analyserEntite(p), sous, defautEnfant);
      if (sous.textes.length) acc.textes.push(sous.textes[0]!);
      if (sous.htmls.length) acc.htmls.push(sous.htmls[0]!);
      acc.attachments.push(...sous.attachments);
      acc.contenus.push(...sous.contenus);
    } else {
      for (const p of parties) parcourir(analyserEntite(p), acc, defautEnfant);
    }
    return;
  }

  const bytes = decoderCorps(entite);
  const filename = cd.params.filename ?? ct.params.name ?? null;
  const estPieceJointe = cd.value === 'attachment' || (filename !== null && cd.value !== 'inline');
  if (!estPieceJointe && (type === 'text/plain' || type === 'text/html')) {
    const contenu = decoderCharset(bytes, ct.params.charset).replace(/\r\n?/g, '\n');
    if (type === 'text/plain') acc.textes.push(contenu);
    else acc.htmls.push(contenu);
    return;
  }
  acc.attachments.push({ filename, contentType: type, size: bytes.length });
  acc.contenus.push(bytes);
}

/** Décode un message MIME complet (octets bruts ou chaîne). */
export function analyserMime(raw: string | Uint8Array): MessageMime {
  const racine = analyserEntite(versBinaire(raw));
  const headers: Record<string, string> = {};
  for (const h of racine.headers) {
    const v = decoderValeurEnTete(h.value);
    headers[h.name] = h.name in headers ? `${headers[h.name]}, ${v}` : v;
  }
  // Message non multipart : le dernier saut de ligne précède le « . » final de SMTP,
  // il ne fait pas partie du contenu (en multipart, il appartient à la limite).
  if (racine.body.endsWith('\n')) racine.body = racine.body.slice(0, -1);
  const acc: Accumulateur = { textes: [], htmls: [], attachments: [], contenus: [] };
  parcourir(racine, acc, 'text/plain; charset=us-ascii');
  const html = acc.htmls.length ? acc.htmls.join('\n') : null;
  const text = acc.textes.length ? acc.textes.join('\n') : html !== null ? htmlVersTexte(html) : '';
  return { headers, text, html, attachments: acc.attachments };
}

/** Les pièces jointes d'un message MIME avec leur contenu décodé (octets). */
export function piecesJointesMime(raw: string | Uint8Array): Array<PieceJointeMime & { contenu: Buffer }> {
  const racine = analyserEntite(versBinaire(raw));
  const acc: Accumulateur = { textes: [], htmls: [], attachments: [], contenus: [] };
  parcourir(racine, acc, 'text/plain; charset=us-ascii');
  return acc.attachments.map((a, i) => ({ ...a, contenu: acc.contenus[i]! }));
}

/** Valeur brute (non décodée) d'un en-tête du message, pour l'analyse d'adresses. */
export function enTeteBrut(raw: string | Uint8Array, nom: string): string | undefined {
  const entite = analyserEntite(versBinaire(raw));
  const valeurs = entite.headers.filter((h) => h.name === nom.toLowerCase()).map((h) => h.value);
  return valeurs.length ? valeurs.join(', ') : undefined;
}

// ---------------------------------------------------------------------------
// Adresses
// ---------------------------------------------------------------------------

/**
 * Extrait les adresses électroniques nues d'une liste d'adresses RFC 5322
 * (« "Dupont, Marie" <marie@x.fr>, paul@y.fr, Groupe: a@b.fr; »).
 */
export function extraireAdresses(valeur: string): string[] {
  const morceaux: string[] = [];
  let courant = '';
  let guillemets = false;
  let chevrons = 0;
  let commentaire = 0;
  for (let i = 0; i < valeur.length; i++) {
    const ch = valeur[i]!;
    if (guillemets) {
      if (ch === '\\' && i + 1 < valeur.length) {
        courant += ch + valeur[++i];
        continue;
      }
      if (ch === '"') guillemets = false;
      courant += ch;
      continue;
    }
    if (commentaire > 0) {
      if (ch === '(') commentaire++;
      else if (ch === ')') commentaire--;
      continue; // les commentaires sont supprimés
    }
    if (ch === '"') guillemets = true;
    else if (ch === '(') {
      commentaire++;
      continue;
    } else if (ch === '<') chevrons++;
    else if (ch === '>') chevrons = Math.max(0, chevrons - 1);
    else if ((ch === ',' || ch === ';') && chevrons === 0) {
      morceaux.push(courant);
      courant = '';
      continue;
    } else if (ch === ':' && chevrons === 0) {
      courant = ''; // nom de groupe « Groupe: » : ignoré
      continue;
    }
    courant += ch;
  }
  morceaux.push(courant);
  const adresses: string[] = [];
  for (const m of morceaux) {
    const chevron = /<([^<>]*)>/.exec(m);
    const adresse = (chevron ? chevron[1]! : m).trim();
    if (adresse && adresse.includes('@')) adresses.push(texteEnTete(adresse));
  }
  return adresses;
}
