/**
 * Configuration : uniquement des variables d'environnement, lues avec zod au démarrage.
 * Une valeur invalide arrête le démarrage avec le nom de la variable et la raison.
 * La connexion Temporal suit les noms de @temporalio/envconfig (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, et un fichier de profils TOML si fourni).
 */
import { existsSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import '../domain/zod-fr';
import { estDureeIso } from '../domain/durees';

const booleen = z.enum(['true', 'false', '1', '0', 'oui', 'non', '']).transform((v) => v === 'true' || v === '1' || v === 'oui');
const fichier = z.string().refine((p) => existsSync(p), { error: 'fichier introuvable' });

export const configSchema = z
  .object({
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, 'hôte:port attendu (ex. localhost:7233)')
      .default('localhost:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_TLS: booleen.optional(),
    TEMPORAL_TLS_CLIENT_CERT_PATH: fichier.optional(),
    TEMPORAL_TLS_CLIENT_KEY_PATH: fichier.optional(),
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: fichier.optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('parcours-menages'),
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'URL smtp:// ou smtps:// attendue' }).default('smtp://localhost:1025'),
    MAIL_FROM: z
      .string()
      .regex(/^(.*<)?[^@\s<>]+@[^@\s<>]+>?$/, 'adresse d’expéditeur attendue (ex. « Nom <adresse@domaine> »)')
      .default('Prévention des expulsions <ne-pas-repondre@prevention-expulsions.local>'),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, error: 'URL http(s) attendue' }).default('http://localhost:3000'),
    /** Port d'écoute de l'API ; 0 : un port libre choisi par le système (affiché au démarrage). */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Interface d'écoute de l'API (toutes par défaut, pour un conteneur ; 127.0.0.1 en local). */
    API_HOST: z.string().min(1).optional(),
    LINK_SIGNING_KEYS: z.string({ error: 'variable obligatoire (clés de signature des liens : « kid:base64,… »)' }).min(1),
    PAYLOAD_ENCRYPTION_KEYS: z.string({ error: 'variable obligatoire (clés AES-256 : « kid:base64,… »)' }).min(1),
    /** Le système d'enregistrement (PostgreSQL de l'application, pas celui de Temporal). */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'URL PostgreSQL attendue (postgres://utilisateur:mot-de-passe@hôte:5432/base)' }).optional(),
    PROGRAMMES_DIR: z.string().min(1).optional(),
    STAFF_ACCOUNTS_FILE: fichier.optional(),
    DEMO_ACCOUNTS: booleen.default(false),
    SESSION_TTL: z.string().refine(estDureeIso, 'durée ISO 8601 attendue (ex. PT8H)').default('PT8H'),
    /** Combien de documents partent au plus au ménage d'un même dossier sur 24 heures (api/limite-envois.ts). */
    ENVOIS_MENAGE_PAR_JOUR: z.coerce
      .number({ error: 'nombre d’envois attendu (ex. 5)' })
      .int('nombre entier d’envois')
      .min(1, 'au moins 1')
      .max(50, '50 au plus')
      .default(5),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * Mémoire que le worker peut occuper (Mio) : le cache des parcours en est déduit (voir
     * `parcoursEnCache`). Au-delà, les parcours les moins récents sortent du cache et sont rejoués
     * depuis leur historique à leur prochain événement : rien n'est perdu, ils sont un peu plus lents.
     */
    WORKER_MEMOIRE_MIO: z.coerce
      .number({ error: 'nombre de mégaoctets attendu (ex. 1024)' })
      .int('nombre entier de mégaoctets')
      .min(256, 'au moins 256 Mio')
      .max(65_536, '64 Gio au plus')
      .default(1024),
    TEMPORAL_UI_URL: z.url().optional(),
    MAIL_INBOX_URL: z.url().optional(),
    /**
     * SMS aux ménages qui l'ont accepté (sms/index.ts) : l'adresse du fournisseur HTTP (POST JSON
     * `{ expediteur, destinataire, texte, reference }`), son jeton (en-tête Authorization: Bearer) et
     * le nom d'expéditeur (11 caractères au plus). Sans SMS_URL, aucun SMS ne part.
     */
    SMS_URL: z.url({ protocol: /^https?$/, error: 'URL http(s) attendue' }).optional(),
    SMS_JETON: z.string().min(1).optional(),
    SMS_EXPEDITEUR: z.string().min(1).max(11, 'nom d’expéditeur de 11 caractères au plus').default('Parcours'),
    SMS_INBOX_URL: z.url().optional(),
    /**
     * Avis de non-remise (retours/) : l'adresse à laquelle les serveurs renvoient un courriel qu'ils
     * n'ont pas pu remettre (chaque courriel part avec la sienne, `retours+<jeton>@domaine`), et le
     * port où l'API les reçoit en SMTP (l'enregistrement MX du domaine des retours, ou une redirection,
     * doit y mener). Sans eux, un courriel accepté puis renvoyé plus loin n'est pas vu.
     */
    // L'adresse des retours (retours/adresse.ts y ajoute « +jeton ») : sans « + » elle-même.
    RETOURS_COURRIEL: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$/, 'adresse attendue, sans « + » (ex. retours@ccas.example)')
      .optional(),
    RETOURS_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** La clé et le certificat (PEM) du récepteur des avis : STARTTLS proposé aux serveurs qui les renvoient. */
    RETOURS_TLS_CLE: fichier.optional(),
    RETOURS_TLS_CERTIFICAT: fichier.optional(),
    /**
     * Connexion du personnel par OpenID Connect (api/oidc.ts) : ProConnect ou tout autre fournisseur.
     * Sans OIDC_ISSUER, seuls les mots de passe locaux. Adresse de retour à déclarer chez le
     * fournisseur : PUBLIC_BASE_URL + /connexion/oidc/retour.
     */
    OIDC_ISSUER: z.url({ protocol: /^https$/, error: 'URL https attendue (l’émetteur OpenID Connect, sans /.well-known/…)' }).optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_SCOPES: z
      .string()
      .trim()
      .regex(/(^|\s)openid(\s|$)/, 'la portée « openid » est obligatoire (ex. « openid email profile »)')
      .default('openid email profile'),
    /** Le nom du fournisseur sur le bouton de la page de connexion (« Se connecter avec … »). */
    OIDC_NOM: z.string().trim().min(1).max(40, '40 caractères au plus').default('OpenID Connect'),
    /** L'information du fournisseur (claim) comparée à l'adresse électronique des comptes du personnel. */
    OIDC_RATTACHEMENT: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'nom d’information (claim) attendu, ex. email')
      .default('email'),
  })
  .superRefine((c, ctx) => {
    if (c.RETOURS_SMTP_PORT !== undefined && !c.RETOURS_COURRIEL)
      ctx.addIssue({
        code: 'custom',
        path: ['RETOURS_COURRIEL'],
        message: 'obligatoire avec RETOURS_SMTP_PORT (l’adresse à laquelle reviennent les avis de non-remise)',
      });
    if (!c.RETOURS_TLS_CLE !== !c.RETOURS_TLS_CERTIFICAT)
      ctx.addIssue({
        code: 'custom',
        path: [c.RETOURS_TLS_CLE ? 'RETOURS_TLS_CERTIFICAT' : 'RETOURS_TLS_CLE'],
        message: 'la clé et le certificat du récepteur des avis de non-remise vont ensemble (RETOURS_TLS_CLE et RETOURS_TLS_CERTIFICAT)',
      });
    if (c.OIDC_ISSUER && !c.OIDC_CLIENT_ID)
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'obligatoire avec OIDC_ISSUER (l’identifiant du client déclaré chez le fournisseur)' });
  });

export type Config = z.infer<typeof configSchema>;

export class ErreurConfiguration extends Error {}

/** Lit et valide la configuration ; lève une ErreurConfiguration qui nomme chaque variable fautive. */
export function lireConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const valeurs = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const r = configSchema.safeParse(valeurs);
  if (!r.success) {
    const lignes = r.error.issues.map((i) => `- ${i.path.join('.')} : ${i.message}`);
    throw new ErreurConfiguration(`Configuration invalide :\n${lignes.join('\n')}`);
  }
  return r.data;
}

/** Options de connexion Temporal, via @temporalio/envconfig (profils TOML et variables TEMPORAL_*). */
export function optionsTemporal(config: Config, env: NodeJS.ProcessEnv = process.env) {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('TEMPORAL_') && v) vars[k] = v;
  vars.TEMPORAL_ADDRESS = config.TEMPORAL_ADDRESS;
  vars.TEMPORAL_NAMESPACE = config.TEMPORAL_NAMESPACE;
  if (config.TEMPORAL_TLS !== undefined) vars.TEMPORAL_TLS = String(config.TEMPORAL_TLS);
  const { connectionOptions, namespace } = loadClientConnectConfig({ configSource: undefined, overrideEnvVars: vars });
  return { connectionOptions, namespace: namespace ?? config.TEMPORAL_NAMESPACE };
}
