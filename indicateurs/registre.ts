/**
 * Le registre des fiches d'indicateurs : un dossier (`INDICATEURS_DIR`, par défaut
 * `.data/indicateurs`), un sous-dossier par programme, un fichier JSON par parcours.
 *
 * - écriture atomique (fichier temporaire puis renommage) : un lecteur ne voit jamais une fiche à moitié écrite ;
 * - chaque fiche porte une version croissante (donnée par le workflow) : une tentative rejouée en
 *   retard, plus ancienne, n'écrase jamais une fiche plus récente ;
 * - rien en mémoire : un registre ouvert sur le même dossier après un redémarrage relit les mêmes fiches.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FicheIndicateurs } from '../domain/indicateurs';
import { consignationSchema, type Consignation } from './schema';

export const DOSSIER_PAR_DEFAUT = '.data/indicateurs';

/** Nom de fichier sûr pour un identifiant de workflow (aucun séparateur de chemin, aucun « .. »). */
const nomFichier = (workflowId: string) => `${encodeURIComponent(workflowId).replace(/\./g, '%2E')}.json`;

export class RegistreIndicateurs {
  /** Écritures en cours par fichier : deux consignations du même parcours ne se croisent pas dans ce processus. */
  private readonly verrous = new Map<string, Promise<unknown>>();

  constructor(readonly dossier: string = DOSSIER_PAR_DEFAUT) {}

  private chemin(programmeId: string, workflowId: string): string {
    return join(this.dossier, programmeId, nomFichier(workflowId));
  }

  /** Consigne une fiche ; sans effet (« ignoree ») si le registre a déjà une version plus récente ou égale. */
  async consigner(c: Consignation): Promise<'ecrite' | 'ignoree'> {
    const fichier = this.chemin(c.fiche.programme.id, c.fiche.workflowId);
    const avant = this.verrous.get(fichier) ?? Promise.resolve();
    const suite = avant.catch(() => undefined).then(() => this.ecrire(fichier, c));
    this.verrous.set(fichier, suite);
    try {
      return await suite;
    } finally {
      if (this.verrous.get(fichier) === suite) this.verrous.delete(fichier);
    }
  }

  private async ecrire(fichier: string, c: Consignation): Promise<'ecrite' | 'ignoree'> {
    const actuelle = await this.lireFichier(fichier);
    if (actuelle && actuelle.version >= c.version) return 'ignoree';
    await mkdir(join(this.dossier, c.fiche.programme.id), { recursive: true });
    const tmp = `${fichier}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify({ version: c.version, consigneeLe: new Date().toISOString(), fiche: c.fiche }), 'utf8');
      await rename(tmp, fichier);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return 'ecrite';
  }

  private async lireFichier(fichier: string): Promise<Consignation | undefined> {
    let texte: string;
    try {
      texte = await readFile(fichier, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const brut = JSON.parse(texte) as { version?: unknown; fiche?: unknown };
      const r = consignationSchema.safeParse({ version: brut.version, fiche: brut.fiche });
      return r.success ? r.data : undefined;
    } catch {
      return undefined; // fichier illisible : la prochaine consignation le remplace
    }
  }

  /** La fiche consignée d'un parcours, avec sa version. */
  async lire(programmeId: string, workflowId: string): Promise<Consignation | undefined> {
    return this.lireFichier(this.chemin(programmeId, workflowId));
  }

  /** Toutes les fiches d'un programme (les fichiers illisibles sont ignorés et comptés). */
  async fichesDuProgramme(programmeId: string): Promise<{ fiches: FicheIndicateurs[]; illisibles: number }> {
    if (!/^[a-z0-9-]{2,60}$/.test(programmeId)) return { fiches: [], illisibles: 0 };
    const dossier = join(this.dossier, programmeId);
    let noms: string[];
    try {
      noms = (await readdir(dossier)).filter((n) => n.endsWith('.json'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { fiches: [], illisibles: 0 };
      throw e;
    }
    const fiches: FicheIndicateurs[] = [];
    let illisibles = 0;
    // Lectures par lots : assez de parallélisme pour le disque, sans épuiser les descripteurs.
    const LOT = 256;
    for (let i = 0; i < noms.length; i += LOT) {
      const lus = await Promise.all(noms.slice(i, i + LOT).map((n) => this.lireFichier(join(dossier, n)).catch(() => undefined)));
      for (const c of lus) {
        if (c) fiches.push(c.fiche);
        else illisibles += 1;
      }
    }
    return { fiches, illisibles };
  }
}
