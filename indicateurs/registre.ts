/**
 * Le registre des fiches d'indicateurs : un dossier (`INDICATEURS_DIR`, par défaut
 * `.data/indicateurs`), un sous-dossier par programme, un fichier JSON par parcours.
 *
 * - écriture atomique (fichier temporaire puis renommage) : un lecteur ne voit jamais une fiche à moitié écrite ;
 * - chaque fiche porte une version croissante (donnée par le workflow) : une tentative rejouée en
 *   retard, plus ancienne, n'écrase jamais une fiche plus récente ;
 * - rien en mémoire : un registre ouvert sur le même dossier après un redémarrage relit les mêmes fiches.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FicheIndicateurs } from '../domain/indicateurs';
import type { Consignation } from './schema';

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
    return lireConsignation(texte);
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
    // Lectures synchrones par lots (de petits fichiers : 5 à 8 fois plus rapide que des lectures
    // asynchrones), en rendant la main à la boucle d'événements entre deux lots.
    const LOT = 500;
    for (let i = 0; i < noms.length; i += LOT) {
      for (const n of noms.slice(i, i + LOT)) {
        let texte: string | undefined;
        try {
          texte = readFileSync(join(dossier, n), 'utf8');
        } catch {
          texte = undefined; // supprimé entre-temps
        }
        const c = texte === undefined ? undefined : lireConsignation(texte);
        if (c) fiches.push(c.fiche);
        else illisibles += 1;
      }
      await new Promise((ok) => setImmediate(ok));
    }
    return { fiches, illisibles };
  }
}

/** Une fiche relue : contrôle de forme seulement (elle a été validée par zod avant d'être écrite). */
function lireConsignation(texte: string): Consignation | undefined {
  try {
    const brut = JSON.parse(texte) as { version?: unknown; fiche?: FicheIndicateurs };
    const f = brut.fiche;
    if (typeof brut.version !== 'number' || !f || typeof f !== 'object' || typeof f.workflowId !== 'string' || typeof f.reference !== 'string') return undefined;
    if (typeof f.programme?.id !== 'string' || typeof f.reperageLe !== 'string' || typeof f.typeParcours !== 'string') return undefined;
    return { version: brut.version, fiche: f };
  } catch {
    return undefined; // fichier illisible : la prochaine consignation le remplace
  }
}
