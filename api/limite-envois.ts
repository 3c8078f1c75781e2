/**
 * La limite des documents envoyés au ménage par courriel depuis son dossier : quelques envois par
 * dossier et par 24 heures (une lettre revenue, une adresse corrigée, un ménage qui la redemande),
 * pas une rafale de courriels à un ménage parce qu'une page a été rechargée et renvoyée. Comptée
 * dans le système d'enregistrement (rate-limiter-flexible, table `limites_connexion`, sous ses
 * propres préfixes) : toutes les API la partagent. Une même requête (même `requestId`) rejouée n'est
 * comptée qu'une fois ; un envoi que le parcours refuse est rendu, un envoi dont la réponse s'est perdue
 * (il est peut-être parti) reste compté. Les clés sont des empreintes à
 * clé (`Coffre.empreinteCle`), comme celles des connexions. Le nombre se règle par
 * `ENVOIS_MENAGE_PAR_JOUR` (5 par défaut).
 */
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import { clientLimites } from './auth';
import { Probleme } from './problemes';

/** Combien de documents partent au plus, par défaut, au ménage d'un même dossier sur 24 heures glissantes. */
export const ENVOIS_AU_MENAGE_PAR_JOUR = 5;
const JOUR_S = 24 * 3600;

interface Limites {
  parDossier: RateLimiterPostgres;
  requetes: RateLimiterPostgres;
}
/** Par base, puis par nombre d'envois permis (un seul en pratique : celui de la configuration). */
const limites = new WeakMap<BaseDeDonnees, Map<number, Limites>>();

function limitesDe(db: BaseDeDonnees, parJour: number): Limites {
  let parNombre = limites.get(db);
  if (!parNombre) limites.set(db, (parNombre = new Map()));
  let l = parNombre.get(parJour);
  if (!l) {
    const commun = { storeClient: clientLimites(db), storeType: 'client', tableName: 'limites_connexion', tableCreated: true, duration: JOUR_S };
    l = {
      parDossier: new RateLimiterPostgres({ ...commun, keyPrefix: 'envoi-menage', points: parJour }),
      requetes: new RateLimiterPostgres({ ...commun, keyPrefix: 'envoi-menage-requete', points: 1 }),
    };
    parNombre.set(parJour, l);
  }
  return l;
}

/** « 3 h 20 min », « 12 min », « 1 min » : l'attente avant le prochain envoi possible. */
function attente(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

/**
 * Compte un envoi au ménage de ce dossier (429 en français, avec Retry-After, au-delà de la
 * limite) ; renvoie de quoi le rendre si le parcours le refuse ensuite.
 */
export async function retenirEnvoiAuMenage(
  deps: { base: BaseDeDonnees; coffre: Pick<Coffre, 'empreinteCle'>; options?: { envoisAuMenageParJour?: number } },
  workflowId: string,
  requestId: string,
): Promise<{ rendre(): Promise<void> }> {
  const parJour = deps.options?.envoisAuMenageParJour ?? ENVOIS_AU_MENAGE_PAR_JOUR;
  const { parDossier, requetes } = limitesDe(deps.base, parJour);
  const dossier = deps.coffre.empreinteCle('limite-envoi-menage', workflowId);
  const requete = deps.coffre.empreinteCle('limite-envoi-menage-requete', `${workflowId}/${requestId}`);
  const rien = { rendre: async () => undefined };
  try {
    await requetes.consume(requete);
  } catch (e) {
    if (e instanceof RateLimiterRes) return rien; // la même requête rejouée : déjà comptée
    throw e;
  }
  try {
    await parDossier.consume(dossier);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    // Le refus a compté un point de plus (la bibliothèque compte avant de comparer) : il est rendu,
    // pour qu'un envoi rendu ensuite libère bien une place.
    await Promise.all([parDossier.reward(dossier, 1), requetes.delete(requete)]);
    throw new Probleme(
      429,
      `Déjà ${parJour === 1 ? 'un document envoyé' : `${parJour} documents envoyés`} au ménage de ce dossier en 24 heures : le prochain pourra partir dans ${attente(e.msBeforeNext)}. Vous pouvez aussi lui remettre le document.`,
      { title: 'Trop d’envois', retryAfter: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) },
    );
  }
  return {
    async rendre() {
      await Promise.all([parDossier.reward(dossier, 1), requetes.delete(requete)]);
    },
  };
}
