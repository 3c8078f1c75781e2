/**
 * Journaux techniques (pino). Les données personnelles des ménages n'y vont jamais : les champs
 * personnels connus sont masqués, où qu'ils soient dans l'objet journalisé.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export const CHAMPS_MASQUES = [
  'nom',
  'courriel',
  'email',
  'telephone',
  'adresse',
  'menage',
  'motDePasse',
  'password',
  'commentaire',
  // Textes libres et situation d'un ménage (motif d'une clôture ou d'une révision, ce que l'équipe
  // a repéré, impayés et dette) : jamais dans un journal technique, même par erreur.
  'motif',
  'observation',
  'situation',
  'notes',
  'diagnostic',
  'token',
  'authorization',
  'cookie',
];

/**
 * Les erreurs dont le message est écrit par le produit lui-même, sans donnée d'une personne (raisons en
 * français, noms de champ, identifiants techniques) : leur message est gardé dans les journaux.
 */
const ERREURS_AU_MESSAGE_SUR = new Set([
  'Probleme',
  'ErreurConfiguration',
  // Connexion au serveur Temporal : adresse, délai, code gRPC.
  'TransportError',
  'ServiceError',
]);
/** Propriétés d'une erreur qui décrivent le schéma ou le système, jamais une valeur saisie (PostgreSQL, Node, Temporal). */
const PROPRIETES_TECHNIQUES = ['code', 'errno', 'syscall', 'routine', 'constraint', 'table', 'column', 'schema', 'severity', 'status'] as const;

/**
 * Une erreur telle qu'elle va dans un journal : son nom, ses codes techniques et les lignes de sa pile,
 * **jamais son message** (ni `detail`, ni les valeurs que cite une bibliothèque : une adresse refusée par
 * le serveur SMTP, la clé en double d'une contrainte PostgreSQL), sauf pour les erreurs du produit dont
 * le message n'en porte pas. La cause est décrite de même, sur trois niveaux au plus.
 */
export function erreurSansDonnees(e: unknown, profondeur = 0): Record<string, unknown> {
  if (typeof e === 'object' && e !== null && DEJA_DECRITES.has(e)) return e as Record<string, unknown>;
  if (!estErreur(e)) return { type: e === null ? 'null' : typeof e };
  const sortie: Record<string, unknown> = { type: typeof e.name === 'string' && e.name ? e.name : (e.constructor?.name ?? 'Error') };
  const proprietes = e as unknown as Record<string, unknown>;
  // Une erreur système de Node (`syscall` : connect, open…) dit une adresse ou un chemin, pas une donnée.
  const sur =
    ERREURS_AU_MESSAGE_SUR.has(String(sortie.type)) || ERREURS_AU_MESSAGE_SUR.has(e.constructor?.name ?? '') || typeof proprietes.syscall === 'string';
  sortie.message = sur ? e.message : '[masqué]';
  for (const p of PROPRIETES_TECHNIQUES) {
    const v = proprietes[p];
    if (typeof v === 'string' || typeof v === 'number') sortie[p] = v;
  }
  // Le type d'un ApplicationFailure de Temporal est un code du produit (« MessageRefuse »…).
  if (sortie.type === 'ApplicationFailure' && typeof proprietes.type === 'string') sortie.typeEchec = proprietes.type;
  // Les lignes « at … » de la pile : fichier et ligne, sans la première qui répète le message.
  if (typeof e.stack === 'string') {
    const pile = e.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .map((l) => l.trim());
    if (pile.length) sortie.pile = pile;
  }
  if (e.cause !== undefined && profondeur < 3) sortie.cause = erreurSansDonnees(e.cause, profondeur + 1);
  DEJA_DECRITES.add(sortie);
  return sortie;
}

/** Les descriptions déjà faites (le journal du SDK les fait avant pino, qui ne doit pas les refaire). */
const DEJA_DECRITES = new WeakSet<object>();

/** Une erreur en une ligne pour la console (arrêt d'un processus), sans donnée : « TypeError (ERR_X) » ou son message sûr. */
export function erreurLisible(e: unknown): string {
  const d = erreurSansDonnees(e);
  const code = d.code !== undefined ? ` (${String(d.code)})` : '';
  return d.message !== undefined && d.message !== '[masqué]'
    ? `${String(d.message)}${code}`
    : `${String(d.type)}${code}, message masqué (il peut citer une donnée)`;
}

/** Une erreur imprévue pour la console : son type, ses codes et les 8 premières lignes de sa pile, sans son message s'il peut citer une donnée. */
export function erreurImprevueSansDonnee(e: unknown): string {
  const d = erreurSansDonnees(e);
  const pile = Array.isArray(d.pile)
    ? d.pile
        .slice(0, 8)
        .map((l) => `\n    ${String(l)}`)
        .join('')
    : '';
  return `${erreurLisible(e)}${pile}`;
}

/**
 * `arret` : « Le worker s’est arrêté », « L’API s’est arrêtée ». Un processus (API, worker) qui s'arrête sur une erreur que rien n'a attrapée : Node l'écrirait telle
 * quelle (message compris) sur sa sortie, que `npm start` réaffiche. Elle est écrite sans donnée (type,
 * code, lignes de la pile), puis le processus s'arrête comme Node l'aurait fait.
 */
export function arreterSansDonneeSurErreurImprevue(arret: string): void {
  const arreter = (e: unknown) => {
    console.error(`${arret} sur une erreur imprévue : ${erreurImprevueSansDonnee(e)}`);
    process.exit(1);
  };
  process.on('uncaughtException', arreter);
  process.on('unhandledRejection', arreter);
}

function estErreur(e: unknown): e is Error {
  return e instanceof Error || (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string' && typeof (e as Error).stack === 'string');
}

/** Les niveaux de journal du SDK Temporal. */
type NiveauSdk = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Le journal du SDK Temporal (`Runtime.install({ logger })`) écrit dans pino, sans donnée d'une personne :
 * « Activity failed », « Workflow failed » ou « Failed to process Workflow Activation » portent l'erreur
 * levée, que le SDK met aussi parfois dans le texte (« Error while processing ActivityTask.start: … »).
 * Chaque erreur des attributs passe par `erreurSansDonnees`, et son message est retiré du texte.
 */
export function journalPourTemporal(journal: Logger) {
  const ecrire = (niveau: NiveauSdk, message: string, meta?: unknown) => {
    const erreurs: Error[] = [];
    const attributs: Record<string, unknown> = {};
    if (estErreur(meta)) {
      erreurs.push(meta);
      attributs.error = erreurSansDonnees(meta);
    } else if (meta && typeof meta === 'object') {
      for (const [cle, valeur] of Object.entries(meta)) {
        if (estErreur(valeur)) {
          erreurs.push(valeur);
          attributs[cle] = erreurSansDonnees(valeur);
        } else attributs[cle] = valeur;
      }
    }
    let texte = message;
    for (const e of erreurs) for (const m of messagesEnChaine(e)) if (m) texte = texte.split(m).join('[masqué]');
    journal[niveau.toLowerCase() as 'info'](attributs, texte);
  };
  return {
    log: (niveau: NiveauSdk, message: string, meta?: object) => ecrire(niveau, message, meta),
    trace: (message: string, meta?: object) => ecrire('TRACE', message, meta),
    debug: (message: string, meta?: object) => ecrire('DEBUG', message, meta),
    info: (message: string, meta?: object) => ecrire('INFO', message, meta),
    warn: (message: string, meta?: object) => ecrire('WARN', message, meta),
    error: (message: string, meta?: object) => ecrire('ERROR', message, meta),
  };
}

/** Les messages d'une erreur et de ses causes. */
function messagesEnChaine(e: unknown, profondeur = 0): string[] {
  if (!estErreur(e) || profondeur > 3) return [];
  return [e.message, ...messagesEnChaine(e.cause, profondeur + 1)];
}

export function creerJournal(niveau: string, nom: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: nom,
    level: niveau,
    // Une erreur journalisée (`{ err }`, `{ error }`) : nom, codes et pile, sans son message.
    serializers: { err: (e: unknown) => erreurSansDonnees(e), error: (e: unknown) => erreurSansDonnees(e) },
    redact: {
      paths: [
        ...CHAMPS_MASQUES,
        ...CHAMPS_MASQUES.map((c) => `*.${c}`),
        ...CHAMPS_MASQUES.map((c) => `*.*.${c}`),
        ...CHAMPS_MASQUES.map((c) => `*.*.*.${c}`),
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[masqué]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
