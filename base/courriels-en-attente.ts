/**
 * Les courriels en attente de la boîte d'envoi (table `courriels`) : pas encore partis, refusés par
 * le serveur de courriel (ou lui injoignable) à leur dernière tentative, et repris depuis peu. Les
 * parcours les renvoient d'eux-mêmes (toutes les 10 minutes au plus) ; le personnel doit le savoir :
 * tant qu'ils attendent, les partenaires, les ménages et les collègues ne sont pas prévenus.
 */
import { sql } from 'kysely';
import type { BaseDeDonnees } from '.';
import { PREFIXE_FILE_IML } from '../domain/iml';

/**
 * Un courriel encore repris a échoué il y a moins de 10 minutes (intervalle maximal des reprises des
 * activités) ; au-delà d'une heure sans nouvel échec, plus rien ne le reprend (parcours clos ou
 * arrêté) : il n'est plus compté.
 */
export const REPRISE_RECENTE_MS = 60 * 60 * 1000;

export interface CourrielsEnAttente {
  nombre: number;
  /** Quand le plus ancien devait partir. */
  depuis?: Date;
}

/** Les programmes d'une personne, un parcours, ou toute la plateforme (l'administration). */
export type Portee = readonly string[] | { parcours: string } | 'tous';

/** Les courriels en attente et, pour les ménages, les SMS en attente (`smsEnAttente`). */
export interface EnvoisEnAttente extends CourrielsEnAttente {
  sms?: CourrielsEnAttente;
}

/**
 * Les courriels en attente des parcours de ces programmes (leur clé commence par l'identifiant du
 * parcours, `<programme>--<référence>/…`) et des relances de leurs orientations non traitées
 * (`orientation-rappel:<id>`, `orientation-delai-passe:<id>`), d'un seul parcours (`{ parcours }`), ou
 * de toute la plateforme (`'tous'` : les invitations du personnel comprises).
 */
export async function courrielsEnAttente(db: BaseDeDonnees, portee: Portee, maintenant: Date): Promise<CourrielsEnAttente> {
  const programmes = Array.isArray(portee) ? (portee as readonly string[]) : [];
  const prefixes = prefixesDes(portee);
  if (prefixes?.length === 0) return { nombre: 0 };
  const ligne = await db
    .selectFrom('courriels')
    .select((eb) => [eb.fn.countAll<string>().as('nombre'), eb.fn.min('cree_le').as('depuis')])
    .where('envoye_le', 'is', null)
    .where('echoue_le', '>', new Date(maintenant.getTime() - REPRISE_RECENTE_MS))
    .$if(prefixes !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          ...prefixes!.map((p) => eb('cle', 'like', `${echapperLike(p)}%`)),
          // Les relances des orientations reçues par ces programmes (orientations/relances.ts).
          ...(programmes.length
            ? [
                eb.exists(
                  eb
                    .selectFrom('orientations as o')
                    .select('o.id')
                    .where('o.programme_id', 'in', programmes)
                    .where((e) =>
                      e.or([
                        e('courriels.cle', '=', sql<string>`'orientation-rappel:' || o.id`),
                        e('courriels.cle', '=', sql<string>`'orientation-delai-passe:' || o.id`),
                      ]),
                    ),
                ),
              ]
            : []),
        ]),
      ),
    )
    .executeTakeFirstOrThrow();
  return compte(ligne);
}

/**
 * Les SMS au ménage en attente (boîte d'envoi `sms`) : refusés par le fournisseur à leur dernière
 * tentative, repris depuis peu par leur workflow de renvoi, pas abandonnés. Même portée que les
 * courriels (un SMS a la clé du courriel qu'il double, suivie de `:sms`).
 */
export async function smsEnAttente(db: BaseDeDonnees, portee: Portee, maintenant: Date): Promise<CourrielsEnAttente> {
  const prefixes = prefixesDes(portee);
  if (prefixes?.length === 0) return { nombre: 0 };
  const ligne = await db
    .selectFrom('sms')
    .select((eb) => [eb.fn.countAll<string>().as('nombre'), eb.fn.min('cree_le').as('depuis')])
    .where('envoye_le', 'is', null)
    .where('abandonne_le', 'is', null)
    .where('echoue_le', '>', new Date(maintenant.getTime() - REPRISE_RECENTE_MS))
    .$if(prefixes !== undefined, (q) => q.where((eb) => eb.or(prefixes!.map((p) => eb('cle', 'like', `${echapperLike(p)}%`)))))
    .executeTakeFirstOrThrow();
  return compte(ligne);
}

/**
 * Les SMS d'un parcours venus la nuit, un dimanche ou un jour férié, qui attendent leur heure (8 h) :
 * ni partis, ni refusés, ni abandonnés ; le plus proche.
 */
export async function smsPrevus(db: BaseDeDonnees, parcours: string): Promise<{ nombre: number; le?: Date }> {
  const ligne = await db
    .selectFrom('sms')
    .select((eb) => [eb.fn.countAll<string>().as('nombre'), eb.fn.min('prevu_le').as('le')])
    .where('envoye_le', 'is', null)
    .where('abandonne_le', 'is', null)
    .where('echoue_le', 'is', null)
    .where('prevu_le', 'is not', null)
    .where('cle', 'like', `${echapperLike(`${parcours}/`)}%`)
    .executeTakeFirstOrThrow();
  const nombre = Number(ligne.nombre);
  return nombre > 0 && ligne.le ? { nombre, le: new Date(ligne.le) } : { nombre: 0 };
}

/**
 * Les SMS d'un parcours abandonnés (refusés pour de bon, ou reprises épuisées) depuis le dernier
 * changement de l'accord du ménage aux SMS : un numéro corrigé, ou les SMS arrêtés, clôt l'avis.
 */
export async function smsAbandonnes(db: BaseDeDonnees, parcours: string): Promise<{ nombre: number; dernier?: Date }> {
  const ligne = await db
    .selectFrom('sms')
    .select((eb) => [eb.fn.countAll<string>().as('nombre'), eb.fn.max('abandonne_le').as('dernier')])
    .where('envoye_le', 'is', null)
    .where('abandonne_le', 'is not', null)
    .where('cle', 'like', `${echapperLike(`${parcours}/`)}%`)
    .where((eb) =>
      eb(
        'abandonne_le',
        '>',
        eb.fn.coalesce(
          eb
            .selectFrom('consentements_menage')
            .select((c) => c.fn.max('le').as('le'))
            .where('workflow_id', '=', parcours)
            .where('canal', '=', 'sms'),
          sql<Date>`'-infinity'::timestamptz`,
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  const nombre = Number(ligne.nombre);
  return nombre > 0 && ligne.dernier ? { nombre, dernier: new Date(ligne.dernier) } : { nombre: 0 };
}

/** Les préfixes des clés d'une portée (`<programme>--` ou `<parcours>/`) ; aucun : toute la plateforme. */
function prefixesDes(portee: Portee): string[] | undefined {
  if (portee === 'tous') return undefined;
  return Array.isArray(portee) ? (portee as readonly string[]).map((p) => `${p}--`) : [`${(portee as { parcours: string }).parcours}/`];
}

/** Le compte d'une requête (`nombre`, `depuis`) : rien en attente, ou combien et depuis quand. */
function compte(ligne: { nombre: string | number | bigint; depuis: unknown }): CourrielsEnAttente {
  const nombre = Number(ligne.nombre);
  return nombre > 0 && ligne.depuis ? { nombre, depuis: new Date(ligne.depuis as string | Date) } : { nombre: 0 };
}

/** Un texte pris à la lettre dans un motif LIKE (`_` et `%` n'y sont pas des jokers ; la barre oblique inverse est l'échappement par défaut). */
const echapperLike = (texte: string) => texte.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Un courriel revenu en avis de non-remise (retours/). */
export interface CourrielNonRemis {
  /** À qui il allait, sans adresse (« menage », « partenaire:bailleur »…). */
  destinataire: string | null;
  envoyeLe: Date | null;
  /** Quand l'avis est arrivé. */
  le: Date;
  statut: string | null;
  /** Son programme, et son parcours (`<programme>--<référence>`) s'il en vient d'un. */
  programmeId: string | null;
  parcours?: string;
}

/** Un courriel suivant au même destinataire, parti depuis une heure sans avis, clôt l'avis d'un courriel non remis. */
export const SANS_AVIS_APRES_MS = 60 * 60 * 1000;

/** Le parcours d'une clé de la boîte d'envoi (ce qui précède la première barre oblique), en SQL. */
const parcoursDeLaCleSql = sql<string>`split_part(c.cle, '/', 1)`;

/**
 * Les courriels revenus en avis de non-remise d'un parcours, des programmes d'une personne (par le
 * programme de la boîte d'envoi) ou de toute la plateforme, les plus récents d'abord (`limite`, cinq
 * par défaut), arrivés après `depuis` s'il est donné ; sauf ceux dont le destinataire a reçu depuis,
 * dans le même parcours, un courriel qui n'est pas revenu dans l'heure (l'adresse a été corrigée), et
 * ceux au ménage dont l'adresse a été notée de nouveau depuis.
 */
export async function courrielsNonRemis(
  db: BaseDeDonnees,
  portee: Portee,
  maintenant: Date,
  o: { depuis?: Date; limite?: number } = {},
): Promise<CourrielNonRemis[]> {
  const programmes = Array.isArray(portee) ? (portee as readonly string[]) : undefined;
  if (programmes?.length === 0) return [];
  const parcours = portee !== 'tous' && !Array.isArray(portee) ? (portee as { parcours: string }).parcours : undefined;
  const lignes = await db
    .selectFrom('courriels as c')
    .select(['c.cle', 'c.destinataire', 'c.envoye_le', 'c.non_remis_le', 'c.non_remis_statut', 'c.programme_id'])
    .where('c.non_remis_le', 'is not', null)
    .$if(parcours !== undefined, (q) => q.where('c.cle', 'like', `${echapperLike(`${parcours}/`)}%`))
    .$if(programmes !== undefined, (q) => q.where('c.programme_id', 'in', programmes!))
    .$if(o.depuis !== undefined, (q) => q.where('c.non_remis_le', '>', o.depuis!))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('courriels as d')
            .select('d.cle')
            // Le même parcours : la clé commence pareil (prise à la lettre dans le motif).
            .where('d.cle', 'like', sql<string>`replace(replace(replace(${parcoursDeLaCleSql}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '/%'`)
            .whereRef('d.destinataire', '=', 'c.destinataire')
            .whereRef('d.envoye_le', '>', 'c.envoye_le')
            .where('d.envoye_le', '<', new Date(maintenant.getTime() - SANS_AVIS_APRES_MS))
            .where('d.non_remis_le', 'is', null),
        ),
      ),
    )
    // L'adresse du ménage notée de nouveau (corrigée, ou son accord retiré) depuis l'avis : c'est fait.
    .where((eb) =>
      eb.or([
        eb('c.destinataire', 'is distinct from', 'menage'),
        eb.not(
          eb.exists(
            eb
              .selectFrom('consentements_menage as m')
              .select('m.id')
              .where('m.workflow_id', '=', parcoursDeLaCleSql)
              .where('m.canal', '=', 'courriel')
              .whereRef('m.le', '>', 'c.non_remis_le'),
          ),
        ),
      ]),
    )
    .orderBy('c.non_remis_le', 'desc')
    .limit(o.limite ?? 5)
    .execute();
  return lignes.map((l) => {
    const id = l.cle.startsWith(PREFIXE_FILE_IML) ? undefined : /^[^/]+--[^/]+(?=\/)/.exec(l.cle)?.[0];
    return {
      destinataire: l.destinataire,
      envoyeLe: l.envoye_le,
      le: l.non_remis_le!,
      statut: l.non_remis_statut,
      programmeId: l.programme_id,
      ...(id ? { parcours: id } : {}),
    };
  });
}
