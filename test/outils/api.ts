/**
 * Outils des tests d'API : l'application réelle (registre du produit) branchée sur un banc
 * (serveur Temporal, SMTP), à l'écoute sur un port libre, et un client HTTP minimal.
 */
import { baseEssai } from './base';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { creerApplication } from '../../serveur/application';
import { CatalogueEnBase } from '../../programmes/versions';
import { REGISTRE } from '../../api/registre-produit';
import type { DependancesApi } from '../../api/dependances';
import type { RegistreParcours } from '../../api/registre';
import { creerAnnuaire, type Annuaire, type Personne } from '../../personnel/annuaire';
import { hashPassword } from '../../securite/mots-de-passe';
import { afterAll, beforeAll } from 'vitest';
import type { DependancesActivites } from '../../activities';
import { CATALOGUE, COFFRE, DATA_CONVERTER, PERSONNEL, SIGNEUR, heureDuParcours, monterBanc, type Banc, type HandleDecrit } from './environnement';
import { Client, Connection } from '@temporalio/client';
import { InterceptingCall, status, type Interceptor } from '@grpc/grpc-js';

/**
 * Un client du serveur Temporal du banc dont les réponses à `methodes` (gRPC : « ExecuteMultiOperation »
 * pour un démarrage avec mise à jour) se perdent : le serveur fait l'opération, le client reçoit
 * « délai dépassé », comme quand la réponse n'arrive pas à temps. `enRoute` : c'est la demande qui se
 * perd, le serveur ne fait rien. À fermer (`connection.close()`).
 */
export async function clientAuxReponsesPerdues(banc: Banc, methodes: string | string[], o: { enRoute?: boolean } = {}): Promise<Client> {
  const visees = [methodes].flat().map((m) => `/${m}`);
  const perdre: Interceptor = (options, suivant) =>
    new InterceptingCall(suivant(options), {
      start(metadata, listener, next) {
        if (!visees.some((m) => options.method_definition.path.endsWith(m))) return next(metadata, listener);
        const perdu = { code: status.DEADLINE_EXCEEDED, details: 'réponse perdue (essai)', metadata };
        if (o.enRoute) return listener.onReceiveStatus(perdu);
        next(metadata, { onReceiveStatus: (s, transmettre) => transmettre({ ...s, ...perdu, metadata: s.metadata }) });
      },
    });
  const connection = await Connection.connect({ address: banc.env.address, interceptors: [perdre] });
  return new Client({ connection, namespace: banc.env.namespace ?? 'default', dataConverter: DATA_CONVERTER });
}

/**
 * Les champs du formulaire web de lancement d'un parcours de prévention (nommés comme les chemins du
 * corps de l'API), pour ce ménage ; `autres` ajoute ou remplace des champs.
 */
export function formulaireLancement(
  menage: { reference: string; nom: string; composition: string; adresse: string },
  debutBail: string,
  autres: Record<string, string> = {},
): Record<string, string> {
  return {
    travailleurSocial: 'ts.alice',
    'menage.reference': menage.reference,
    'menage.nom': menage.nom,
    'menage.composition': menage.composition,
    'menage.adresse': menage.adresse,
    'donnees.situation.impayesMois': '2',
    'donnees.situation.montantDette': '812,40',
    'donnees.situation.debutBail': debutBail,
    'donnees.situation.garantie': 'aucune',
    'donnees.situation.contactBailleur': 'non',
    'donnees.situation.suiviParServiceSocial': 'non',
    // Les essais lancent souvent le même ménage fictif (même nom, même adresse) sous plusieurs
    // références : confirmé « autre ménage » ; `autres` l'enlève pour éprouver l'avertissement.
    confirmerAutreMenage: 'oui',
    ...autres,
  };
}

/** Les champs cachés (`noms` : csrf, requestId, vu…) du formulaire de la page qui envoie à `action`. */
export function champsCaches(page: string, action: string, noms: readonly string[]): Record<string, string> {
  const formulaire = page.slice(page.indexOf(`action="${action}"`));
  return Object.fromEntries(noms.map((nom) => [nom, new RegExp(`name="${nom}" value="([^"]*)"`).exec(formulaire)![1]!]));
}

export interface Reponse {
  status: number;
  headers: Headers;
  texte: string;
  json: any;
}

/** Un annuaire d'essai : le personnel des essais (et `autres`), tous avec le même mot de passe. */
export async function annuaireEssai(motDePasse: string, autres: Personne[] = []): Promise<Annuaire> {
  return creerAnnuaire(await Promise.all([...PERSONNEL, ...autres].map(async (p) => ({ ...p, motDePasse: await hashPassword(motDePasse) }))));
}

export interface OptionsAppel {
  jeton?: string;
  /** Corps JSON. */
  corps?: unknown;
  /** Corps de formulaire (application/x-www-form-urlencoded). */
  formulaire?: Record<string, string>;
  /** Corps brut, envoyé tel quel (avec `entetes`). */
  brut?: string;
  entetes?: Record<string, string>;
}

export interface ApiEssai {
  url: string;
  appel(methode: string, chemin: string, o?: OptionsAppel): Promise<Reponse>;
  fermer(): Promise<void>;
}

/**
 * L'application sur un port libre. `surcharges` remplace des dépendances (horloge, transport SMTP
 * en panne, options…).
 */
export async function demarrerApiEssai(
  banc: Banc,
  o: { annuaire?: Annuaire; registre?: RegistreParcours; surcharges?: Partial<DependancesApi> } = {},
): Promise<ApiEssai> {
  const app = creerApplication({
    base: (await baseEssai()).db,
    coffre: COFFRE,
    client: banc.env.client,
    taskQueue: banc.taskQueue,
    catalogue: await CatalogueEnBase.ouvrir((await baseEssai()).db, CATALOGUE, { rafraichirMs: 0 }),
    annuaire: o.annuaire ?? creerAnnuaire(PERSONNEL),
    signeur: SIGNEUR,
    registre: o.registre ?? REGISTRE,
    transport: banc.dependances.transport,
    options: { publicBaseUrl: 'http://localhost:3999', sessionTtl: 'PT8H' },
    journal: pino({ level: 'silent' }),
    ...o.surcharges,
  });
  const serveur = await new Promise<Server>((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const url = `http://127.0.0.1:${(serveur.address() as AddressInfo).port}`;
  return {
    url,
    async appel(methode, chemin, opts = {}) {
      const entetes: Record<string, string> = { ...opts.entetes };
      if (opts.jeton) entetes.authorization = `Bearer ${opts.jeton}`;
      let body: string | undefined;
      if (opts.brut !== undefined) {
        body = opts.brut;
      } else if (opts.formulaire) {
        body = new URLSearchParams(opts.formulaire).toString();
        entetes['content-type'] = 'application/x-www-form-urlencoded';
      } else if (opts.corps !== undefined) {
        body = JSON.stringify(opts.corps);
        entetes['content-type'] ??= 'application/json';
      }
      const r = await fetch(`${url}${chemin}`, { method: methode, headers: entetes, body, redirect: 'manual' });
      const texte = await r.text();
      let json: any;
      try {
        json = JSON.parse(texte);
      } catch {
        json = undefined;
      }
      return { status: r.status, headers: r.headers, texte, json };
    },
    fermer: () =>
      new Promise<void>((ok) => {
        serveur.closeAllConnections();
        serveur.close(() => ok());
      }),
  };
}

/**
 * L'horloge d'un parcours, à donner à l'application (`surcharges: { maintenant }`) quand l'heure
 * compte (expiration des liens, sessions) : l'heure du parcours au moment de l'appel
 * (`heureDuParcours`, en avance de tout ce que `avancer` lui a fait sauter), qui suit ensuite
 * l'horloge réelle. À reprendre après chaque avance.
 */
export async function horlogeDuParcours(handle: HandleDecrit): Promise<() => Date> {
  const decalage = (await heureDuParcours(handle)).getTime() - Date.now();
  return () => new Date(Date.now() + decalage);
}

/** Deux applications sur le même banc et la même base (deux « processus » d'API), un mot de passe commun. */
export async function deuxApiEssai(
  banc: Banc,
  motDePasse: string,
  surcharges: Partial<DependancesApi> = {},
): Promise<{ a: ApiEssai; b: ApiEssai; fermer(): Promise<void> }> {
  const annuaire = await annuaireEssai(motDePasse);
  const a = await demarrerApiEssai(banc, { annuaire, surcharges });
  const b = await demarrerApiEssai(banc, { annuaire, surcharges });
  return { a, b, fermer: async () => void (await Promise.all([a.fermer(), b.fermer()])) };
}

/**
 * Un fichier de test avec son banc et son API : monte les deux avant les tests, les arrête après, et
 * ouvre (une fois par compte) les sessions du personnel d'essai, tous avec `motDePasse`.
 */
export function bancAvecApi(
  motDePasse: string,
  o: { autres?: Personne[]; dependances?: Partial<DependancesActivites>; relaisRetours?: () => { hote: string; port: number } | undefined } = {},
) {
  let banc: Banc | undefined;
  let api: ApiEssai | undefined;
  const jetons = new Map<string, string>();
  beforeAll(async () => {
    banc = await monterBanc({ ...(o.dependances ? { dependances: o.dependances } : {}), ...(o.relaisRetours ? { relaisRetours: o.relaisRetours } : {}) });
    api = await demarrerApiEssai(banc, { annuaire: await annuaireEssai(motDePasse, o.autres) });
  });
  afterAll(async () => {
    await api?.fermer();
    await banc?.fermer();
  });
  return {
    get banc(): Banc {
      return banc!;
    },
    get api(): ApiEssai {
      return api!;
    },
    /** Le jeton de session du compte (ouverte au premier appel). */
    async connecter(id: string): Promise<string> {
      if (!jetons.has(id)) {
        const r = await api!.appel('POST', '/api/session', { corps: { identifiant: id, motDePasse } });
        if (r.status !== 200) throw new Error(`connexion de ${id} impossible : ${r.status} ${r.texte}`);
        jetons.set(id, r.json.jeton as string);
      }
      return jetons.get(id)!;
    },
  };
}
