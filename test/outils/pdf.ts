/** Lire un PDF produit par la plateforme : son texte (pdfjs-dist) et ses propriétés. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const polices = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';

export interface PdfLu {
  pages: number;
  /** Le texte, page après page (lignes séparées par des sauts de ligne, espaces normalisés). */
  texte: string;
  titre?: string;
  /** Le texte sur une seule ligne (sauts de ligne et espaces réduits à une espace) : pour chercher une phrase coupée par la mise en page. */
  plat: string;
}

export async function lirePdf(octets: Uint8Array | Buffer): Promise<PdfLu> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(octets), standardFontDataUrl: polices, verbosity: 0 }).promise;
  let texte = '';
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i);
    const contenu = await page.getTextContent();
    for (const item of contenu.items) {
      if (!('str' in item)) continue;
      texte += item.str + (item.hasEOL ? '\n' : '');
    }
    texte += '\n';
  }
  const meta = await pdf.getMetadata();
  const info = meta.info as { Title?: string };
  const pages = pdf.numPages;
  await pdf.destroy();
  const propre = texte.replace(/[\u00a0\u202f]/g, ' ').replace(/[ \t]+/g, ' ');
  return { pages, texte: propre, titre: info.Title, plat: propre.replace(/\s+/g, ' ') };
}

export const estPdf = (octets: Uint8Array | Buffer) => Buffer.from(octets).subarray(0, 5).toString('latin1') === '%PDF-';

/**
 * Ce qu'une personne ne doit jamais lire dans un document : un identifiant (snake_case, camelCase),
 * une durée ou une date ISO, une valeur brute, un identifiant de parcours ou de programme. Les
 * adresses électroniques sont écartées avant (elles ont le droit d'en contenir).
 */
export function sansIdentifiant(texte: string, ou = 'le document'): void {
  const lisible = texte.replace(/\S+@\S+/g, ' ');
  for (const [motif, quoi] of [
    [/\b[a-z]+(?:_[a-z0-9]+)+\b/, 'un identifiant en snake_case'],
    [/\b[a-z]+[A-Z][A-Za-z]*\b/, 'une clé en camelCase'],
    [/\bP\d+[DWMY]\b/, 'une durée ISO 8601'],
    [/\d{4}-\d{2}-\d{2}/, 'une date ISO'],
    [/\b(?:undefined|null|NaN|true|false)\b|\[object/, 'une valeur brute'],
    [/--/, 'un identifiant de parcours'],
    [/toulouse-declic|loiret-ahu|concarneau-iml|besancon-ccas|reims-april/, 'un identifiant de programme'],
  ] as const) {
    expect(lisible, `${quoi} dans ${ou} : « ${motif.exec(lisible)?.[0]} »`).not.toMatch(motif);
  }
}
