/**
 * Serveur de codec pour l'interface Temporal (protocole « codec server ») :
 * POST /codec/encode et /codec/decode, corps `{ payloads: [{ metadata: { clé: base64 }, data: base64 }] }`.
 *
 * Les payloads déchiffrés contiennent les données personnelles des ménages, et le protocole ne dit
 * pas à quel parcours (donc à quel programme) ils appartiennent : l'accès est réservé à
 * l'administration, par jeton Bearer ou cookie de session, et chaque appel est tracé (qui, quand,
 * combien de charges : table `dechiffrements_codec`). La coordination lit ses dossiers dans
 * l'application. Le CORS (avec cookies) n'est ouvert qu'à l'origine de l'interface Temporal
 * (`codecCorsOrigin`).
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { DependancesApi } from '../dependances';
import { personneDe } from '../auth';
import { analyser, interdit, Probleme } from '../problemes';
import { payloadsSchema } from '../schemas-api';

/** Les codecs du data converter du client, appliqués comme le SDK (encodage du dernier au premier). */
export function codecDuClient(client: DependancesApi['client']): PayloadCodec {
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  return {
    async encode(p) {
      for (let i = codecs.length - 1; i >= 0; i--) p = await codecs[i]!.encode(p);
      return p;
    },
    async decode(p) {
      for (const c of codecs) p = await c.decode(p);
      return p;
    },
  };
}

const versOctets = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const versBase64 = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') : undefined);

export function payloadsDepuisJson(corps: { payloads: Array<{ metadata?: Record<string, string>; data?: string }> }): Payload[] {
  return corps.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, versOctets(v)])),
    ...(p.data !== undefined ? { data: versOctets(p.data) } : {}),
  }));
}

export function payloadsVersJson(payloads: Payload[]) {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, versBase64(v) ?? ''])),
      ...(p.data ? { data: versBase64(p.data) } : {}),
    })),
  };
}

/** En-têtes CORS (avec cookies) pour l'origine de l'interface Temporal seulement. */
export function corsCodec(origine: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.vary('Origin');
    const o = req.headers.origin;
    if (origine && o === origine) {
      res.setHeader('Access-Control-Allow-Origin', o);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

export function routesCodec(deps: DependancesApi, garde: Array<(req: Request, res: Response, next: NextFunction) => void>): Router {
  const r = Router();
  const codec = deps.codec ?? codecDuClient(deps.client);
  r.use('/codec', corsCodec(deps.options.codecCorsOrigin));
  for (const sens of ['encode', 'decode'] as const) {
    r.post(`/codec/${sens}`, ...garde, async (req, res) => {
      const personne = personneDe(req);
      if (personne.role !== 'admin') {
        throw interdit(
          'Le déchiffrement des données dans l’interface Temporal est réservé à l’administration. Pour lire un dossier, ouvrez-le dans l’application.',
        );
      }
      const corps = analyser(payloadsSchema, req.body);
      const espace = req.headers['x-namespace'];
      await deps.base
        .insertInto('dechiffrements_codec')
        .values({ personne_id: personne.id, sens, nombre: corps.payloads.length, espace_de_noms: typeof espace === 'string' ? espace.slice(0, 200) : null })
        .execute();
      let resultat: Payload[];
      try {
        resultat = await codec[sens](payloadsDepuisJson(corps));
      } catch (e) {
        // Un payload illisible (altéré, clé retirée) : l'entrée est en cause, pas le serveur.
        throw new Probleme(400, `${sens === 'decode' ? 'Déchiffrement' : 'Chiffrement'} impossible : ${(e as Error).message}`);
      }
      res.setHeader('Cache-Control', 'no-store');
      res.json(payloadsVersJson(resultat));
    });
  }
  return r;
}
