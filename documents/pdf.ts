/**
 * Le rendu PDF des documents (pdfkit, A4, Helvetica standard) : en-tête de lettre, titres,
 * paragraphes, listes de définitions, tableaux, pied de page « dossier — page n/N ».
 *
 * Les polices standard du PDF sont encodées en WinAnsi : `versWinAnsi` remplace ce qu'elles ne
 * savent pas écrire (espaces fines insécables du formatage français d'Intl, tirets insécables…)
 * et garde les accents, les guillemets « », l'apostrophe typographique et le signe €.
 */
import PDFDocument from 'pdfkit';
import { lignesCoordonnees, type Bloc, type DocumentImprimable } from './modele';

/** Les caractères de WinAnsiEncoding au-delà de Latin-1 (plage 0x80–0x9F). */
const WINANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REMPLACEMENTS: Record<string, string> = {
  '\u202f': '\u00a0', // espace fine insécable (Intl fr-FR) → espace insécable
  '\u2009': ' ',
  '\u2007': '\u00a0',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u200b': '',
  '\u2010': '-',
  '\u2011': '-',
  '\u2212': '-',
  '\u2192': '->',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2713': 'oui',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  ı: 'i',
};

/** Un texte que Helvetica (WinAnsi) peut écrire tel quel. */
export function versWinAnsi(s: string): string {
  let r = '';
  for (const c of s.normalize('NFC')) {
    const code = c.codePointAt(0)!;
    if (c === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WINANSI_EXTRA.has(c)) r += c;
    else if (c in REMPLACEMENTS) r += REMPLACEMENTS[c];
    else if (c === '\t') r += ' ';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    else {
      // Lettre accentuée hors Latin-1 (ő, ł…) : sa lettre de base ; sinon un point d'interrogation.
      const base = c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      r += base && base !== c && /^[\x20-\x7e]+$/.test(base) ? base : '?';
    }
  }
  return r;
}

const MARGE = 56; // 2 cm
const BLEU = '#000091';
const GRIS = '#555555';

type Doc = PDFKit.PDFDocument;

function place(doc: Doc, hauteur: number): void {
  if (doc.y + hauteur > doc.page.height - MARGE - 20) doc.addPage();
}

function titre(doc: Doc, texte: string): void {
  place(doc, 60);
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12.5).fillColor(BLEU).text(versWinAnsi(texte), MARGE, doc.y).fillColor('black').moveDown(0.3);
}

function paragraphe(doc: Doc, texte: string, o: { taille?: number; couleur?: string; gras?: boolean } = {}): void {
  doc
    .font(o.gras ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(o.taille ?? 10.5)
    .fillColor(o.couleur ?? 'black')
    .text(versWinAnsi(texte), MARGE, doc.y, { width: doc.page.width - 2 * MARGE, align: 'left' })
    .fillColor('black')
    .moveDown(0.5);
}

function infos(doc: Doc, lignes: Array<[string, string]>): void {
  const largeur = doc.page.width - 2 * MARGE;
  const gauche = 170;
  for (const [terme, valeur] of lignes) {
    doc.font('Helvetica').fontSize(10.5);
    const h = Math.max(doc.heightOfString(versWinAnsi(valeur), { width: largeur - gauche }), 14);
    place(doc, h + 4);
    const y = doc.y;
    doc
      .font('Helvetica-Bold')
      .fillColor(GRIS)
      .text(versWinAnsi(terme), MARGE, y, { width: gauche - 10 });
    doc
      .font('Helvetica')
      .fillColor('black')
      .text(versWinAnsi(valeur), MARGE + gauche, y, { width: largeur - gauche });
    doc.y = Math.max(doc.y, y + h) + 3;
  }
  doc.moveDown(0.3);
}

function tableau(doc: Doc, b: Extract<Bloc, { type: 'tableau' }>): void {
  if (!b.lignes.length) return paragraphe(doc, b.vide);
  const largeur = doc.page.width - 2 * MARGE;
  const col = largeur / b.colonnes.length;
  const ligne = (cellules: string[], gras: boolean) => {
    doc.font(gras ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5);
    const h = Math.max(...cellules.map((c) => doc.heightOfString(versWinAnsi(c), { width: col - 8 }))) + 6;
    place(doc, h);
    const y = doc.y;
    if (gras) doc.rect(MARGE, y, largeur, h).fill('#eeeeee').fillColor('black');
    cellules.forEach((c, i) => doc.font(gras || i === 0 ? 'Helvetica-Bold' : 'Helvetica').text(versWinAnsi(c), MARGE + i * col + 4, y + 3, { width: col - 8 }));
    doc
      .moveTo(MARGE, y + h)
      .lineTo(MARGE + largeur, y + h)
      .lineWidth(0.5)
      .strokeColor('#bbbbbb')
      .stroke();
    doc.y = y + h;
  };
  place(doc, 60); // l'en-tête du tableau ne reste pas seul en bas de page
  ligne(b.colonnes, true);
  for (const l of b.lignes) ligne(l, false);
  doc.moveDown(0.6);
}

/** Un tableau à remplir à la main : des lignes hautes et encadrées, pour écrire au stylo. */
function aRemplir(doc: Doc, b: Extract<Bloc, { type: 'a-remplir' }>): void {
  const largeur = doc.page.width - 2 * MARGE;
  // La première colonne (l'intitulé) est plus large quand elle est remplie.
  const premiere = b.lignes.some((l) => l[0]) ? largeur * 0.5 : largeur / b.colonnes.length;
  const autres = b.colonnes.length > 1 ? (largeur - premiere) / (b.colonnes.length - 1) : 0;
  const x = (i: number) => MARGE + (i === 0 ? 0 : premiere + (i - 1) * autres);
  const w = (i: number) => (i === 0 ? premiere : autres);
  const ligne = (cellules: string[], entete: boolean) => {
    doc.font(entete ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5);
    const h = Math.max(entete ? 0 : 26, ...cellules.map((c, i) => doc.heightOfString(versWinAnsi(c), { width: w(i) - 8 }) + 8));
    place(doc, h);
    const y = doc.y;
    if (entete) doc.rect(MARGE, y, largeur, h).fill('#eeeeee').fillColor('black');
    cellules.forEach((c, i) => {
      doc.rect(x(i), y, w(i), h).lineWidth(0.5).strokeColor('#888888').stroke();
      doc.fillColor('black').text(versWinAnsi(c), x(i) + 4, y + 4, { width: w(i) - 8 });
    });
    doc.y = y + h;
  };
  place(doc, 60);
  ligne(b.colonnes, true);
  for (const l of b.lignes) ligne(l, false);
  doc.moveDown(0.6);
}

/** « Fait à …, le … », puis un cadre de signature par signataire, côte à côte. */
function signatures(doc: Doc, b: Extract<Bloc, { type: 'signatures' }>): void {
  const largeur = doc.page.width - 2 * MARGE;
  const n = Math.max(b.signataires.length, 1);
  const ecart = 16;
  const w = (largeur - ecart * (n - 1)) / n;
  place(doc, 170);
  doc.moveDown(0.8);
  paragraphe(doc, b.lieuEtDate);
  const y = doc.y + 4;
  // Les intitulés d'abord (le plus haut fixe le haut des cadres), puis des cadres alignés.
  let haut = y;
  b.signataires.forEach((sg, i) => {
    const x = MARGE + i * (w + ecart);
    doc.font('Helvetica-Bold').fontSize(10.5).fillColor('black').text(versWinAnsi(sg.qualite), x, y, { width: w });
    if (sg.nom) doc.font('Helvetica').fontSize(10).text(versWinAnsi(sg.nom), x, doc.y, { width: w });
    if (sg.mention)
      doc
        .font('Helvetica')
        .fontSize(8.5)
        .fillColor(GRIS)
        .text(versWinAnsi(sg.mention), x, doc.y + 2, { width: w })
        .fillColor('black');
    haut = Math.max(haut, doc.y + 4);
  });
  b.signataires.forEach((_, i) =>
    doc
      .rect(MARGE + i * (w + ecart), haut, w, 80)
      .lineWidth(0.75)
      .strokeColor('#888888')
      .stroke(),
  );
  doc.y = haut + 90;
  doc.x = MARGE;
}

function liste(doc: Doc, elements: string[], numerotee = false): void {
  doc.font('Helvetica').fontSize(10.5);
  elements.forEach((e, i) => {
    place(doc, 16);
    doc.text(versWinAnsi(`${numerotee ? `${i + 1}.` : '•'}  ${e}`), MARGE + 10, doc.y, { width: doc.page.width - 2 * MARGE - 10 });
  });
  doc.moveDown(0.5);
}

/** Le document en PDF (octets). */
export function genererPdf(d: DocumentImprimable): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGE, bottom: MARGE, left: MARGE, right: MARGE },
    bufferPages: true,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: versWinAnsi(d.titre), Author: versWinAnsi(d.auteur), Subject: versWinAnsi(d.intitule), Creator: 'Prévention des expulsions locatives' },
  });
  const morceaux: Buffer[] = [];
  doc.on('data', (c: Buffer) => morceaux.push(c));
  const fini = new Promise<Buffer>((ok, ko) => {
    doc.on('end', () => ok(Buffer.concat(morceaux)));
    doc.on('error', ko);
  });

  if (d.lettre) {
    const l = d.lettre;
    doc
      .font('Helvetica-Bold')
      .fontSize(10.5)
      .text(versWinAnsi(l.expediteur[0] ?? ''), MARGE, MARGE);
    doc.font('Helvetica').text(versWinAnsi(l.expediteur.slice(1).join('\n')));
    doc.moveDown(1.5);
    const x = doc.page.width / 2;
    doc.text(versWinAnsi(l.destinataire.join('\n')), x, doc.y, { width: doc.page.width / 2 - MARGE });
    doc.moveDown(1.5);
    doc.text(versWinAnsi(l.date), MARGE, doc.y, { width: doc.page.width - 2 * MARGE, align: 'right' });
    doc.moveDown(1);
    paragraphe(doc, l.reference);
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(12).text(versWinAnsi(d.intitule), MARGE, doc.y).moveDown(0.8);
  } else {
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(GRIS)
      .text(versWinAnsi(`${d.auteur} — prévention des expulsions locatives`), MARGE, MARGE)
      .fillColor('black');
    doc.moveDown(0.8);
    // « … — dossier RÉF » : la référence sur sa propre ligne (jamais coupée à un tiret).
    const m = /^(.*) — dossier (.+)$/.exec(d.intitule);
    doc
      .font('Helvetica-Bold')
      .fontSize(16)
      .fillColor(BLEU)
      .text(versWinAnsi(m ? m[1]! : d.intitule), MARGE, doc.y, { width: doc.page.width - 2 * MARGE });
    if (m) doc.fontSize(12).text(versWinAnsi(`Dossier ${m[2]}`), MARGE, doc.y + 2, { width: doc.page.width - 2 * MARGE });
    doc.fillColor('black').moveDown(0.8);
  }

  for (const b of d.blocs) {
    if (b.type === 'titre') titre(doc, b.texte);
    else if (b.type === 'paragraphe') paragraphe(doc, b.texte);
    else if (b.type === 'infos') infos(doc, b.lignes);
    else if (b.type === 'tableau') tableau(doc, b);
    else if (b.type === 'liste') liste(doc, b.elements, b.numerotee);
    else if (b.type === 'note') paragraphe(doc, b.texte, { taille: 9, couleur: GRIS });
    else if (b.type === 'a-remplir') aRemplir(doc, b);
    else if (b.type === 'signatures') signatures(doc, b);
    else if (b.type === 'signature') {
      doc.moveDown(1);
      paragraphe(doc, b.texte, { gras: true });
    }
  }

  // Pied de page : les coordonnées de l'opérateur (de quoi le rappeler), puis le document, la
  // référence (jamais de nom) et la page.
  const pages = doc.bufferedPageRange();
  const largeur = doc.page.width - 2 * MARGE;
  const coordonnees = lignesCoordonnees(d.operateur).map(versWinAnsi);
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    const bas = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    let y = doc.page.height - MARGE + (coordonnees.length ? 4 : 16);
    doc.font('Helvetica').fillColor(GRIS);
    for (const ligne of coordonnees) {
      // Une ligne trop longue pour la page est écrite plus petite, jamais coupée.
      let taille = 8;
      while (taille > 6 && doc.fontSize(taille).widthOfString(ligne) > largeur) taille -= 0.5;
      doc.fontSize(taille).text(ligne, MARGE, y, { width: largeur, align: 'center', lineBreak: false });
      y += 10;
    }
    doc.fontSize(8).text(versWinAnsi(`${d.titre} — page ${i + 1}/${pages.count}`), MARGE, y + (coordonnees.length ? 2 : 0), {
      width: largeur,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins.bottom = bas;
  }
  doc.end();
  return fini;
}
