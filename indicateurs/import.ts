/**
 * Import unique des fiches de l'ancien registre en fichiers (INDICATEURS_DIR : un sous-dossier par
 * programme, un fichier JSON par parcours) dans le système d'enregistrement. Chaque fichier est
 * validé (zod) ; une fiche déjà présente en version égale ou plus récente n'est pas remplacée, si
 * bien qu'un second import ne change rien.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { consignationSchema, type Consignation } from './schema';
import type { RegistreIndicateurs } from './registre';

export interface BilanImport {
  lus: number;
  importes: number;
  dejaPresents: number;
  /** Fichiers refusés : chemin relatif et raison, en français. */
  refuses: Array<{ fichier: string; raison: string }>;
}

const fichierSchema = z.looseObject({ version: z.number(), fiche: z.unknown() });

export async function importerFichesIndicateurs(dossier: string, registre: RegistreIndicateurs, progression?: (n: number) => void): Promise<BilanImport> {
  const bilan: BilanImport = { lus: 0, importes: 0, dejaPresents: 0, refuses: [] };
  let programmes: string[];
  try {
    programmes = (await readdir(dossier, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (e) {
    throw new Error(`Dossier des fiches illisible : ${dossier} (${(e as NodeJS.ErrnoException).code ?? 'erreur'})`);
  }
  for (const programme of programmes.sort()) {
    for (const nom of (await readdir(join(dossier, programme))).filter((n) => n.endsWith('.json')).sort()) {
      const fichier = `${programme}/${nom}`;
      bilan.lus += 1;
      let brut: unknown;
      try {
        brut = JSON.parse(await readFile(join(dossier, programme, nom), 'utf8'));
      } catch {
        bilan.refuses.push({ fichier, raison: 'fichier JSON illisible' });
        continue;
      }
      const f = fichierSchema.safeParse(brut);
      const c = f.success ? consignationSchema.safeParse({ version: f.data.version, fiche: f.data.fiche }) : f;
      if (!c.success) {
        const i = c.error.issues[0]!;
        bilan.refuses.push({ fichier, raison: `champ ${i.path.join('.') || '(racine)'} : ${i.message}` });
        continue;
      }
      if ((await registre.consigner(c.data as Consignation)) === 'ecrite') bilan.importes += 1;
      else bilan.dejaPresents += 1;
      if (bilan.lus % 500 === 0) progression?.(bilan.lus);
    }
  }
  return bilan;
}
