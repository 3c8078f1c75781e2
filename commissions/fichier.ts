/**
 * La lecture d'une liste de la commission impayés telle que son secrétariat l'envoie : un tableur
 * (XLSX, lu par exceljs) ou un CSV (csv-parse ; « ; » ou « , » ou tabulation, UTF-8 avec ou sans
 * BOM, ou Windows-1252 d'un vieil Excel). Le résultat : des lignes numérotées comme dans le tableur
 * (la ligne 1 est la première du fichier), chaque cellule en texte, nombre, booléen ou date.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

export type Cellule = string | number | boolean | Date | null;

export interface LigneTableau {
  /** Le numéro de la ligne dans le tableur (ou le fichier CSV), à partir de 1. */
  numero: number;
  cellules: Cellule[];
}

export type FormatListe = 'csv' | 'xlsx';

export interface Tableau {
  format: FormatListe;
  /** Les lignes non vides, dans l'ordre du fichier. */
  lignes: LigneTableau[];
}

/** Un fichier qu'on ne peut pas lire comme une liste : la raison, en français. */
export class FichierIllisible extends Error {}

/** Au-delà, ce n'est plus la liste d'une séance de commission. */
export const LIGNES_MAX = 2000;

const SIGNATURE_ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Le format d'un fichier, d'après son contenu (un XLSX est une archive ZIP), puis son nom. */
export function formatDe(contenu: Buffer, nomFichier?: string): FormatListe {
  if (contenu.subarray(0, 4).equals(SIGNATURE_ZIP)) return 'xlsx';
  if (nomFichier && /\.xls$/i.test(nomFichier)) {
    throw new FichierIllisible('le format Excel 97-2003 (.xls) n’est pas lu : enregistrez la liste au format .xlsx ou .csv');
  }
  if (contenu.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new FichierIllisible('le format Excel 97-2003 (.xls) n’est pas lu : enregistrez la liste au format .xlsx ou .csv');
  }
  return 'csv';
}

export async function lireTableau(contenu: Buffer, nomFichier?: string): Promise<Tableau> {
  if (contenu.length === 0) throw new FichierIllisible('le fichier est vide');
  const format = formatDe(contenu, nomFichier);
  const lignes = format === 'xlsx' ? await lireXlsx(contenu) : lireCsv(contenu);
  if (lignes.length > LIGNES_MAX + 1) throw new FichierIllisible(`le fichier compte ${lignes.length} lignes : ${LIGNES_MAX} au plus par liste`);
  return { format, lignes };
}

// ---- CSV --------------------------------------------------------------------------------------

/** Le texte d'un CSV : UTF-8 (BOM ou non) si c'en est, sinon Windows-1252 (Excel français). */
export function decoderTexte(contenu: Buffer): string {
  if (contenu[0] === 0xef && contenu[1] === 0xbb && contenu[2] === 0xbf) return contenu.subarray(3).toString('utf8');
  if ((contenu[0] === 0xff && contenu[1] === 0xfe) || (contenu[0] === 0xfe && contenu[1] === 0xff)) {
    return new TextDecoder(contenu[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(contenu.subarray(2));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(contenu);
  } catch {
    return new TextDecoder('windows-1252').decode(contenu);
  }
}

/** Le séparateur d'un CSV : celui qui revient le plus sur la première ligne non vide (« ; » à égalité). */
export function separateurDe(texte: string): string {
  const premiere = texte.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  const compte = (c: string) => premiere.split(c).length - 1;
  const candidats: Array<[string, number]> = [
    [';', compte(';')],
    ['\t', compte('\t')],
    [',', compte(',')],
  ];
  candidats.sort((a, b) => b[1] - a[1]);
  return candidats[0]![1] > 0 ? candidats[0]![0] : ';';
}

function lireCsv(contenu: Buffer): LigneTableau[] {
  const texte = decoderTexte(contenu);
  if (texte.includes('\u0000')) throw new FichierIllisible('ce fichier n’est ni un tableur .xlsx ni un fichier CSV lisible');
  let enregistrements: Array<{ record: string[]; info: { lines: number } }>;
  try {
    enregistrements = parse(texte, {
      delimiter: separateurDe(texte),
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      to_line: LIGNES_MAX + 20,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    const ligne = (e as { lines?: number }).lines;
    throw new FichierIllisible(`le fichier CSV est mal formé${ligne ? ` (vers la ligne ${ligne})` : ''} : vérifiez les guillemets et le séparateur`);
  }
  return enregistrements
    .map(({ record, info }) => ({ numero: info.lines, cellules: record.map((c) => (c === '' ? null : c)) }))
    .filter((l) => l.cellules.some((c) => c !== null));
}

// ---- XLSX -------------------------------------------------------------------------------------

/** La valeur d'une cellule exceljs : texte enrichi, lien, formule (son résultat), erreur (#N/A…). */
function valeurCellule(v: ExcelJS.CellValue): Cellule {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return valeurCellule(v.richText.map((r) => r.text).join(''));
    if ('hyperlink' in v) return valeurCellule((v as { text?: ExcelJS.CellValue }).text ?? (v as { hyperlink: string }).hyperlink);
    if ('formula' in v || 'sharedFormula' in v) return valeurCellule(((v as { result?: ExcelJS.CellValue }).result ?? null) as ExcelJS.CellValue);
    if ('error' in v) return null;
  }
  return null;
}

async function lireXlsx(contenu: Buffer): Promise<LigneTableau[]> {
  const classeur = new ExcelJS.Workbook();
  try {
    await classeur.xlsx.load(contenu as unknown as ExcelJS.Buffer);
  } catch {
    throw new FichierIllisible('le tableur .xlsx est illisible (fichier abîmé, protégé par un mot de passe, ou d’un autre format)');
  }
  // La première feuille qui a des lignes (une liste peut commencer par une feuille vide).
  const feuille = classeur.worksheets.find((f) => f.actualRowCount > 0);
  if (!feuille) throw new FichierIllisible('le tableur ne contient aucune ligne');
  if (feuille.actualRowCount > LIGNES_MAX + 20)
    throw new FichierIllisible(`le tableur compte ${feuille.actualRowCount} lignes : ${LIGNES_MAX} au plus par liste`);
  const lignes: LigneTableau[] = [];
  feuille.eachRow({ includeEmpty: false }, (rang, numero) => {
    const cellules: Cellule[] = [];
    // `values` commence à l'indice 1 (colonne A).
    const valeurs = Array.isArray(rang.values) ? rang.values : [];
    for (let i = 1; i < valeurs.length; i++) cellules.push(valeurCellule(valeurs[i] as ExcelJS.CellValue));
    if (cellules.some((c) => c !== null)) lignes.push({ numero, cellules });
  });
  return lignes;
}
