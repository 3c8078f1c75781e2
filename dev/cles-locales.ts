/**
 * Clés locales de l'installation embarquée (`npm start`).
 *
 * Le worker et l'API exigent LINK_SIGNING_KEYS (signature des liens envoyés aux partenaires) et
 * PAYLOAD_ENCRYPTION_KEYS (chiffrement des données des ménages dans Temporal). En local, on les
 * génère UNE fois dans `<DATA_DIR>/cles-locales.env` (mode 0600, dossier ignoré par git), puis on
 * les relit à chaque démarrage : un parcours chiffré hier doit se déchiffrer aujourd'hui, un lien
 * envoyé hier doit rester valable.
 *
 * Une variable d'environnement déjà définie l'emporte sur le fichier. Un fichier abîmé n'est
 * JAMAIS régénéré en silence : ce serait rendre illisibles les parcours existants.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyRingValue, parseKeyRing, type KeyKind } from '../securite/cles';

export const NOM_FICHIER_CLES = 'cles-locales.env';
/** Identifiant des clés générées localement. */
export const KID_LOCAL = 'local1';

export const CLES = [
  { nom: 'LINK_SIGNING_KEYS', type: 'hmac' },
  { nom: 'PAYLOAD_ENCRYPTION_KEYS', type: 'aes256' },
] as const satisfies ReadonlyArray<{ nom: string; type: KeyKind }>;

export type NomCle = (typeof CLES)[number]['nom'];
export type OrigineCle = 'environnement' | 'fichier' | 'générée';

export interface ClesLocales {
  /** Chemin absolu du fichier de clés (qu'il ait servi ou non). */
  fichier: string;
  /** true si le fichier vient d'être créé par cet appel. */
  cree: boolean;
  /** Les valeurs à transmettre au worker et à l'API. */
  valeurs: Record<NomCle, string>;
  origine: Record<NomCle, OrigineCle>;
  /** Remarques à afficher (permissions corrigées…). */
  remarques: string[];
}

export class ErreurClesLocales extends Error {}

/** Lit un fichier « NOM=valeur » (lignes vides et commentaires « # » ignorés, guillemets retirés). */
export function lireFichierEnv(contenu: string): Record<string, string> {
  const valeurs: Record<string, string> = {};
  for (const ligne of contenu.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(ligne);
    if (!m || ligne.trimStart().startsWith('#')) continue;
    let v = m[2]!;
    if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
    valeurs[m[1]!] = v;
  }
  return valeurs;
}

function contenuFichier(valeurs: Record<NomCle, string>): string {
  return [
    `# Clés locales de l'installation embarquée, générées par « npm start » le ${new Date().toISOString()}.`,
    '# NE PAS PARTAGER, NE PAS VERSIONNER, NE PAS SUPPRIMER : sans elles, les parcours déjà',
    '# enregistrés dans temporal.sqlite deviennent illisibles et les liens déjà envoyés invalides.',
    '# Une variable d’environnement du même nom, si elle est définie, l’emporte sur ce fichier.',
    ...CLES.map((c) => `${c.nom}=${valeurs[c.nom]}`),
    '',
  ].join('\n');
}

/** Écrit le fichier seulement s'il n'existe pas (création exclusive), en 0600, et le synchronise sur disque. */
function creerExclusif(chemin: string, contenu: string): boolean {
  let fd: number;
  try {
    fd = openSync(chemin, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, contenu);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(chemin, 0o600);
  } catch {
    /* systèmes sans permissions POSIX */
  }
  return true;
}

function verifier(nom: NomCle, type: KeyKind, valeur: string, provenance: string): void {
  try {
    parseKeyRing(valeur, { name: nom, kind: type });
  } catch (e) {
    throw new ErreurClesLocales(`${(e as Error).message} (${provenance})`);
  }
}

/**
 * Garantit le fichier de clés locales dans `dossier` et renvoie les clés à utiliser.
 * Si les deux variables sont déjà dans l'environnement, le fichier n'est ni créé ni lu.
 */
export function assurerClesLocales(dossier: string, env: NodeJS.ProcessEnv = process.env): ClesLocales {
  const fichier = join(dossier, NOM_FICHIER_CLES);
  const remarques: string[] = [];
  const valeurs = {} as Record<NomCle, string>;
  const origine = {} as Record<NomCle, OrigineCle>;

  for (const { nom, type } of CLES) {
    const v = env[nom]?.trim();
    if (v) {
      verifier(nom, type, v, 'variable d’environnement');
      valeurs[nom] = v;
      origine[nom] = 'environnement';
    }
  }
  const manquantes = CLES.filter((c) => !valeurs[c.nom]);
  if (manquantes.length === 0) return { fichier, cree: false, valeurs, origine, remarques };

  mkdirSync(dossier, { recursive: true, mode: 0o700 });
  let cree = false;
  if (!existsSync(fichier)) {
    const generees = Object.fromEntries(CLES.map((c) => [c.nom, generateKeyRingValue(c.type, KID_LOCAL)])) as Record<NomCle, string>;
    // Création exclusive : si un autre lancement l'a créé entre-temps, on relit le sien.
    cree = creerExclusif(fichier, contenuFichier(generees));
  }

  let contenu: string;
  try {
    contenu = readFileSync(fichier, 'utf8');
  } catch (e) {
    throw new ErreurClesLocales(`Impossible de lire le fichier de clés locales ${fichier} : ${(e as Error).message}`);
  }
  if (process.platform !== 'win32') {
    const mode = statSync(fichier).mode & 0o777;
    if (mode & 0o077) {
      chmodSync(fichier, 0o600);
      remarques.push(`Permissions du fichier ${fichier} ramenées de ${mode.toString(8)} à 600 (lisible par vous seul).`);
    }
  }
  const lues = lireFichierEnv(contenu);
  for (const { nom, type } of manquantes) {
    const v = lues[nom]?.trim();
    if (!v) {
      throw new ErreurClesLocales(
        `Le fichier de clés locales ${fichier} ne contient pas ${nom}. Restaurez-le depuis une sauvegarde, ` +
          `ou définissez ${nom} dans l’environnement. En dernier recours, supprimez-le pour en générer un ` +
          `nouveau : les parcours déjà enregistrés deviendront alors illisibles.`,
      );
    }
    verifier(nom, type, v, `fichier ${fichier}`);
    valeurs[nom] = v;
    origine[nom] = cree ? 'générée' : 'fichier';
  }
  return { fichier, cree, valeurs, origine, remarques };
}
