/**
 * Ce que partagent les bancs de mesure (scripts/bench-*.ts) : un PostgreSQL embarqué temporaire,
 * migré, effacé à la fin, et le mélange de programmes des parcours synthétiques.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { portLibreAuHasard } from '../dev/ports';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrer, ouvrirBase, type BaseDeDonnees } from '../base';
import { demarrerPostgresEmbarque } from '../base/embarquee';
import type { TypeParcours } from '../domain/vocabulaire';

/** Un gros programme de prévention (la moitié des parcours) et cinq autres, de tous les types. */
export const PROGRAMMES_BANC: Array<{ id: string; typeParcours: TypeParcours }> = [
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'besancon-ccas', typeParcours: 'prevention_precontentieuse' },
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'concarneau-iml', typeParcours: 'iml_bail_glissant' },
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'reims-april-protocole', typeParcours: 'protocole_post_resiliation' },
  { id: 'loiret-ahu', typeParcours: 'prevention_precontentieuse' },
  { id: 'toulouse-declic', typeParcours: 'prevention_precontentieuse' },
];

/**
 * Une erreur dite par ses messages (et ceux de ses causes), jamais l'objet entier : une erreur de
 * Temporal ou de la base peut porter des données (entrées, payloads) qui n'ont rien à faire à l'écran
 * ni dans un journal.
 */
export function messagesDErreur(e: unknown): string {
  const messages: string[] = [];
  for (let x: unknown = e; x instanceof Error && messages.length < 4; x = x.cause) if (!messages.includes(x.message)) messages.push(x.message);
  return messages.length ? messages.join(' : ') : String(e);
}

export const mediane = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export const quantile = (v: number[], q: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Lance `f` avec un PostgreSQL embarqué neuf et migré (son URL et une connexion), puis l'efface. */
export async function avecPostgresTemporaire<T>(nom: string, f: (o: { url: string; base: BaseDeDonnees }) => Promise<T>): Promise<T> {
  const dossier = await mkdtemp(join(tmpdir(), `${nom}-`));
  const port = await portLibreAuHasard();
  const serveur = await demarrerPostgresEmbarque({ dossier, port, motDePasse: 'banc', essais: true });
  const base = ouvrirBase(serveur.url, { max: 16 });
  try {
    await migrer(base);
    return await f({ url: serveur.url, base });
  } finally {
    await base.destroy();
    await serveur.arreter();
    await rm(dossier, { recursive: true, force: true });
  }
}
