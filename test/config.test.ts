import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErreurConfiguration, lireConfig, optionsTemporal } from '../config/env';
import { lireTlsRetours } from '../retours/recepteur';
import { certificatEssai } from './outils/certificat';
import { assembler } from '../config/services';
import { chargerAnnuaireFichier } from '../personnel/annuaire';
import { COMPTES_DEMO } from '../personnel/demo';
import { generateKeyRingValue } from '../securite/cles';
import { hashPassword, verifyPassword } from '../securite/mots-de-passe';
import { avertissementTas, parcoursEnCache, tasV8Mio } from '../worker/memoire';

const CLES = {
  LINK_SIGNING_KEYS: generateKeyRingValue('hmac', 'l1'),
  PAYLOAD_ENCRYPTION_KEYS: generateKeyRingValue('aes256', 'p1'),
};

const dossier = mkdtempSync(join(tmpdir(), 'config-test-'));
afterAll(() => rmSync(dossier, { recursive: true, force: true }));

/** L'ErreurConfiguration levée par lireConfig (échoue si rien n'est levé ou si c'est une autre erreur). */
function erreurConfig(env: NodeJS.ProcessEnv): string {
  try {
    lireConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ErreurConfiguration);
    return (e as Error).message;
  }
  throw new Error(`lireConfig aurait dû refuser ${JSON.stringify(env)}`);
}

async function erreurAssemblage(env: NodeJS.ProcessEnv): Promise<Error> {
  try {
    await assembler(lireConfig(env));
  } catch (e) {
    return e as Error;
  }
  throw new Error('assembler aurait dû refuser la configuration');
}

describe('lireConfig : valeurs par défaut', () => {
  it('ne demande que les deux trousseaux de clés', () => {
    const c = lireConfig({ ...CLES });
    expect(c).toMatchObject({
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'parcours-menages',
      SMTP_URL: 'smtp://localhost:1025',
      PUBLIC_BASE_URL: 'http://localhost:3000',
      PORT: 3000,
      DEMO_ACCOUNTS: false,
      SESSION_TTL: 'PT8H',
      ENVOIS_MENAGE_PAR_JOUR: 5,
      LOG_LEVEL: 'info',
      LINK_SIGNING_KEYS: CLES.LINK_SIGNING_KEYS,
      PAYLOAD_ENCRYPTION_KEYS: CLES.PAYLOAD_ENCRYPTION_KEYS,
    });
    expect(c.MAIL_FROM).toMatch(/<[^@\s]+@[^@\s]+>$/);
    expect(c.TEMPORAL_API_KEY).toBeUndefined();
    expect(c.STAFF_ACCOUNTS_FILE).toBeUndefined();
    expect(c.PROGRAMMES_DIR).toBeUndefined();
  });

  it('traite une variable vide comme absente', () => {
    const c = lireConfig({ ...CLES, PORT: '', LOG_LEVEL: '', SMTP_URL: '' });
    expect(c.PORT).toBe(3000);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.SMTP_URL).toBe('smtp://localhost:1025');
  });

  it('lit les valeurs fournies et convertit nombres et booléens', () => {
    const c = lireConfig({
      ...CLES,
      PORT: '8080',
      SMTP_URL: 'smtps://relais.example:465',
      PUBLIC_BASE_URL: 'https://prevention.example',
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      SESSION_TTL: 'PT12H',
      ENVOIS_MENAGE_PAR_JOUR: '2',
      LOG_LEVEL: 'warn',
      DEMO_ACCOUNTS: 'oui',
      MAIL_FROM: 'CCAS <ccas@ville.example>',
    });
    expect(c.PORT).toBe(8080);
    expect(c.SMTP_URL).toBe('smtps://relais.example:465');
    expect(c.PUBLIC_BASE_URL).toBe('https://prevention.example');
    expect(c.TEMPORAL_ADDRESS).toBe('temporal.example:7233');
    expect(c.SESSION_TTL).toBe('PT12H');
    expect(c.ENVOIS_MENAGE_PAR_JOUR).toBe(2);
    expect(c.LOG_LEVEL).toBe('warn');
    expect(c.DEMO_ACCOUNTS).toBe(true);
    expect(lireConfig({ ...CLES, DEMO_ACCOUNTS: 'non' }).DEMO_ACCOUNTS).toBe(false);
    expect(lireConfig({ ...CLES, DEMO_ACCOUNTS: '1' }).DEMO_ACCOUNTS).toBe(true);
  });

  it('ignore les variables qu’elle ne connaît pas', () => {
    expect(lireConfig({ ...CLES, HOME: '/root', AUTRE: 'x' })).not.toHaveProperty('AUTRE');
  });
});

describe('lireConfig : une valeur invalide arrête le démarrage avec la variable et la raison', () => {
  it.each([
    ['PORT', 'abc', /nombre attendu/],
    // Des phrases (domain/zod-fr.ts), pas « Trop petit : nombre doit être >=0 ».
    ['PORT', '-1', /^- PORT : doit être positif ou nul$/],
    ['PORT', '70000', /^- PORT : ne doit pas dépasser 65\s535$/],
    ['PORT', '80.5', /entier/],
    ['SMTP_URL', 'http://x', /URL smtp:\/\/ ou smtps:\/\/ attendue/],
    ['SMTP_URL', 'pas une url', /URL smtp:\/\/ ou smtps:\/\/ attendue/],
    ['DATABASE_URL', 'mysql://x@y/z', /URL PostgreSQL attendue/],
    ['DATABASE_URL', 'pas une url', /URL PostgreSQL attendue/],
    ['TEMPORAL_ADDRESS', 'nohost', /hôte:port attendu/],
    ['TEMPORAL_ADDRESS', 'http://temporal:7233', /hôte:port attendu/],
    ['PUBLIC_BASE_URL', 'ftp://x', /URL http\(s\) attendue/],
    ['SESSION_TTL', '3h', /durée ISO 8601 attendue/],
    ['LOG_LEVEL', 'loud', /Option invalide/],
    ['DEMO_ACCOUNTS', 'peut-être', /Option invalide/],
    ['MAIL_FROM', 'pas-une-adresse', /adresse d’expéditeur attendue/],
    ['TEMPORAL_TLS_CLIENT_CERT_PATH', '/introuvable/client.pem', /fichier introuvable/],
    ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', '/introuvable/ca.pem', /fichier introuvable/],
    ['STAFF_ACCOUNTS_FILE', '/introuvable/comptes.json', /fichier introuvable/],
    ['WORKER_MEMOIRE_MIO', 'beaucoup', /nombre de mégaoctets attendu/],
    ['WORKER_MEMOIRE_MIO', '128', /au moins 256 Mio/],
    ['ENVOIS_MENAGE_PAR_JOUR', 'cinq', /nombre d’envois attendu/],
    ['ENVOIS_MENAGE_PAR_JOUR', '0', /au moins 1/],
    ['ENVOIS_MENAGE_PAR_JOUR', '2.5', /nombre entier d’envois/],
    ['ENVOIS_MENAGE_PAR_JOUR', '500', /50 au plus/],
    ['RETOURS_COURRIEL', 'retours+x@ccas.example', /adresse attendue, sans « \+ »/],
    ['RETOURS_COURRIEL', 'pas une adresse', /adresse attendue/],
  ])('%s=%s', (variable, valeur, raison) => {
    const message = erreurConfig({ ...CLES, [variable]: valeur });
    expect(message).toMatch(/^Configuration invalide :/);
    const lignes = message.split('\n').filter((l) => l.startsWith('- '));
    expect(lignes).toHaveLength(1);
    expect(lignes[0]).toMatch(new RegExp(`^- ${variable} : `));
    expect(lignes[0]).toMatch(raison);
  });

  it.each(['LINK_SIGNING_KEYS', 'PAYLOAD_ENCRYPTION_KEYS'])('%s absente : variable obligatoire', (variable) => {
    const env: NodeJS.ProcessEnv = { ...CLES };
    delete env[variable];
    const message = erreurConfig(env);
    expect(message).toMatch(new RegExp(`- ${variable} : variable obligatoire`));
    expect(erreurConfig({ ...env, [variable]: '' })).toMatch(new RegExp(`- ${variable} : variable obligatoire`));
  });

  it('RETOURS_SMTP_PORT sans RETOURS_COURRIEL : l’adresse des retours est demandée', () => {
    expect(erreurConfig({ ...CLES, RETOURS_SMTP_PORT: '2525' })).toMatch(/^- RETOURS_COURRIEL : obligatoire avec RETOURS_SMTP_PORT/m);
    expect(lireConfig({ ...CLES, RETOURS_SMTP_PORT: '2525', RETOURS_COURRIEL: 'retours@ccas.example' })).toMatchObject({
      RETOURS_SMTP_PORT: 2525,
      RETOURS_COURRIEL: 'retours@ccas.example',
    });
  });

  it('la clé et le certificat du récepteur des avis vont ensemble, lisibles et au format PEM', () => {
    const dossier = mkdtempSync(join(tmpdir(), 'tls-retours-'));
    try {
      const { cle, certificat } = certificatEssai();
      const [fCle, fCert, fFaux] = ['cle.pem', 'cert.pem', 'faux.pem'].map((n) => join(dossier, n)) as [string, string, string];
      writeFileSync(fCle, cle);
      writeFileSync(fCert, certificat);
      writeFileSync(fFaux, 'pas un certificat');
      expect(erreurConfig({ ...CLES, RETOURS_TLS_CLE: fCle })).toMatch(
        /^- RETOURS_TLS_CERTIFICAT : la clé et le certificat du récepteur des avis de non-remise vont ensemble/m,
      );
      expect(erreurConfig({ ...CLES, RETOURS_TLS_CLE: fCle, RETOURS_TLS_CERTIFICAT: join(dossier, 'absent.pem') })).toMatch(
        /^- RETOURS_TLS_CERTIFICAT : fichier introuvable/m,
      );
      expect(lireConfig({ ...CLES, RETOURS_TLS_CLE: fCle, RETOURS_TLS_CERTIFICAT: fCert })).toMatchObject({
        RETOURS_TLS_CLE: fCle,
        RETOURS_TLS_CERTIFICAT: fCert,
      });
      expect(lireTlsRetours(fCle, fCert).certificat.toString()).toBe(certificat);
      expect(() => lireTlsRetours(fCle, fFaux)).toThrow(
        /^La clé ou le certificat du récepteur des avis de non-remise \(RETOURS_TLS_CLE, RETOURS_TLS_CERTIFICAT\) ne sont pas utilisables : .+\. Donnez une clé privée et son certificat au format PEM\.$/,
      );
    } finally {
      rmSync(dossier, { recursive: true, force: true });
    }
  });

  it('liste toutes les erreurs à la fois', () => {
    const message = erreurConfig({ PORT: 'abc', SMTP_URL: 'http://x', LOG_LEVEL: 'loud', SESSION_TTL: '3h' });
    const variables = message
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .map((l) => l.slice(2).split(' : ')[0])
      .sort();
    expect(variables).toEqual(['LINK_SIGNING_KEYS', 'LOG_LEVEL', 'PAYLOAD_ENCRYPTION_KEYS', 'PORT', 'SESSION_TTL', 'SMTP_URL']);
  });

  it('accepte un chemin de certificat qui existe', () => {
    const cert = join(dossier, 'client.pem');
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\n');
    expect(lireConfig({ ...CLES, TEMPORAL_TLS_CLIENT_CERT_PATH: cert }).TEMPORAL_TLS_CLIENT_CERT_PATH).toBe(cert);
  });
});

describe('optionsTemporal', () => {
  const options = (env: NodeJS.ProcessEnv) => {
    const complet = { ...CLES, ...env };
    return optionsTemporal(lireConfig(complet), complet);
  };

  it('par défaut : localhost:7233, espace « default », ni clé ni TLS', () => {
    const o = options({});
    expect(o.namespace).toBe('default');
    expect(o.connectionOptions.address).toBe('localhost:7233');
    expect(o.connectionOptions.apiKey).toBeUndefined();
    expect(o.connectionOptions.tls).toBeFalsy();
  });

  it('reprend TEMPORAL_ADDRESS et TEMPORAL_NAMESPACE', () => {
    const o = options({ TEMPORAL_ADDRESS: 'temporal.interne:7234', TEMPORAL_NAMESPACE: 'prevention-prod' });
    expect(o.connectionOptions.address).toBe('temporal.interne:7234');
    expect(o.namespace).toBe('prevention-prod');
  });

  it('TEMPORAL_API_KEY donne apiKey et active TLS', () => {
    const o = options({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'cle-secrete' });
    expect(o.connectionOptions.apiKey).toBe('cle-secrete');
    expect(o.connectionOptions.tls).toBeTruthy();
  });

  it('TEMPORAL_TLS_SERVER_NAME donne serverNameOverride', () => {
    const o = options({ TEMPORAL_API_KEY: 'cle', TEMPORAL_TLS_SERVER_NAME: 'temporal.example' });
    expect(o.connectionOptions.tls).toMatchObject({ serverNameOverride: 'temporal.example' });
  });

  it('TEMPORAL_TLS=false coupe TLS', () => {
    expect(options({ TEMPORAL_TLS: 'false' }).connectionOptions.tls).toBeFalsy();
  });

  it.each(['true', '1', 'oui'])('TEMPORAL_TLS=%s (accepté par lireConfig) active TLS', (valeur) => {
    const env = { TEMPORAL_TLS: valeur, TEMPORAL_API_KEY: 'cle' };
    expect(lireConfig({ ...CLES, ...env }).TEMPORAL_TLS).toBe(true);
    expect(options(env).connectionOptions.tls).toBeTruthy();
  });

  it('la configuration validée l’emporte sur l’environnement brut', () => {
    const env = { ...CLES, TEMPORAL_ADDRESS: 'a.example:1' };
    const o = optionsTemporal({ ...lireConfig(env), TEMPORAL_ADDRESS: 'b.example:2', TEMPORAL_NAMESPACE: 'ns-b' }, env);
    expect(o.connectionOptions.address).toBe('b.example:2');
    expect(o.namespace).toBe('ns-b');
  });
});

describe('assembler', () => {
  it('refuse un trousseau de chiffrement à clé trop courte en nommant PAYLOAD_ENCRYPTION_KEYS', async () => {
    const courte = randomBytes(16).toString('base64');
    const e = await erreurAssemblage({ ...CLES, DEMO_ACCOUNTS: 'true', PAYLOAD_ENCRYPTION_KEYS: `k1:${courte}` });
    expect(e).toBeInstanceOf(ErreurConfiguration);
    expect(e.message).toMatch(/^Configuration invalide :\n- PAYLOAD_ENCRYPTION_KEYS : /);
    expect(e.message).toContain('32 octets');
    expect(e.message).not.toContain(courte);
  });

  it('refuse un trousseau de signature illisible en nommant LINK_SIGNING_KEYS', async () => {
    const e = await erreurAssemblage({ ...CLES, DEMO_ACCOUNTS: 'true', LINK_SIGNING_KEYS: 'sans-separateur' });
    expect(e).toBeInstanceOf(ErreurConfiguration);
    expect(e.message).toContain('- LINK_SIGNING_KEYS : ');
  });

  it('sans STAFF_ACCOUNTS_FILE ni DEMO_ACCOUNTS=true, refuse en nommant STAFF_ACCOUNTS_FILE', async () => {
    for (const env of [{ ...CLES }, { ...CLES, DEMO_ACCOUNTS: 'false' }]) {
      const e = await erreurAssemblage(env);
      expect(e).toBeInstanceOf(ErreurConfiguration);
      expect(e.message).toContain('- STAFF_ACCOUNTS_FILE : obligatoire');
      expect(e.message).toContain('DEMO_ACCOUNTS=true');
    }
  });

  it('avec DEMO_ACCOUNTS=true, construit l’annuaire des comptes de démonstration', async () => {
    const s = await assembler(lireConfig({ ...CLES, DEMO_ACCOUNTS: 'true' }));
    expect(
      s.annuaire
        .tous()
        .map((p) => p.id)
        .sort(),
    ).toEqual(COMPTES_DEMO.map((c) => c.id).sort());
    for (const c of COMPTES_DEMO) {
      const p = s.annuaire.trouver(c.id)!;
      expect(p.role).toBe(c.role);
      expect(p.programmes).toEqual([...c.programmes]);
      expect(p.courriel).toMatch(/^[^@\s]+@[^@\s]+$/);
      expect(p.motDePasse).toMatch(/^scrypt\$/);
      expect(p.motDePasse).not.toContain(c.motDePasse);
      expect(await verifyPassword(c.motDePasse, p.motDePasse)).toBe(true);
    }
    expect(await verifyPassword('mauvais', s.annuaire.trouver('admin')!.motDePasse)).toBe(false);
    expect(s.annuaire.coordinateurs('loiret-ahu').map((p) => p.id)).toEqual(['coord.loiret']);
    expect(s.catalogue.trouver('concarneau-iml')).toBeDefined();
    expect(s.signeur).toBeDefined();
    expect(s.dataConverter.payloadCodecs).toHaveLength(1);
    s.transport.close();
  });

  it('STAFF_ACCOUNTS_FILE l’emporte sur les comptes de démonstration', async () => {
    const fichier = join(dossier, 'comptes-ok.json');
    writeFileSync(
      fichier,
      JSON.stringify([
        {
          id: 'coord.orleans',
          nom: 'Coordinatrice',
          courriel: 'coord@orleans.example',
          role: 'coordinateur',
          programmes: ['loiret-ahu'],
          motDePasse: await hashPassword('secret-orleans'),
        },
      ]),
    );
    const s = await assembler(lireConfig({ ...CLES, STAFF_ACCOUNTS_FILE: fichier, DEMO_ACCOUNTS: 'true' }));
    expect(s.annuaire.tous().map((p) => p.id)).toEqual(['coord.orleans']);
    expect(s.annuaire.trouver('admin')).toBeUndefined();
    expect(await verifyPassword('secret-orleans', s.annuaire.trouver('coord.orleans')!.motDePasse)).toBe(true);
    s.transport.close();
  });

  it('un PROGRAMMES_DIR introuvable arrête l’assemblage', async () => {
    const e = await erreurAssemblage({ ...CLES, DEMO_ACCOUNTS: 'true', PROGRAMMES_DIR: join(dossier, 'absent') });
    expect(e.message).toContain('PROGRAMMES_DIR');
  });
});

describe('chargerAnnuaireFichier', () => {
  const ecrire = (nom: string, contenu: unknown) => {
    const f = join(dossier, nom);
    writeFileSync(f, typeof contenu === 'string' ? contenu : JSON.stringify(contenu));
    return f;
  };
  const personne = {
    id: 'ts.dupont',
    nom: 'Travailleuse sociale',
    courriel: 'ts@ccas.example',
    role: 'travailleur_social',
    programmes: ['besancon-ccas'],
    motDePasse: 'scrypt$16384$8$1$c2Fs$aGFzaA==',
  };

  it('lit un fichier valide', () => {
    const a = chargerAnnuaireFichier(ecrire('ok.json', [personne]));
    expect(a.trouver('ts.dupont')?.courriel).toBe('ts@ccas.example');
  });

  it('nomme la variable, le fichier et le champ fautif', () => {
    const f = ecrire('courriel.json', [personne, { ...personne, id: 'ts.autre', courriel: 'pas-un-courriel' }]);
    expect(() => chargerAnnuaireFichier(f)).toThrow(`STAFF_ACCOUNTS_FILE (${f})`);
    expect(() => chargerAnnuaireFichier(f)).toThrow(/champ 1\.courriel : /);
  });

  it('refuse un mot de passe en clair', () => {
    const f = ecrire('clair.json', [{ ...personne, motDePasse: 'motdepasse' }]);
    expect(() => chargerAnnuaireFichier(f)).toThrow(/champ 0\.motDePasse : empreinte scrypt attendue/);
  });

  it('refuse un rôle inconnu', () => {
    const f = ecrire('role.json', [{ ...personne, role: 'directeur' }]);
    expect(() => chargerAnnuaireFichier(f)).toThrow(/champ 0\.role : /);
  });

  it('refuse un identifiant mal formé', () => {
    const f = ecrire('id.json', [{ ...personne, id: 'Jean Dupont' }]);
    expect(() => chargerAnnuaireFichier(f)).toThrow(/champ 0\.id : identifiant : 2 à 40 caractères/);
  });

  it('refuse un fichier qui n’est pas une liste', () => {
    const f = ecrire('objet.json', { personnes: [personne] });
    expect(() => chargerAnnuaireFichier(f)).toThrow(/champ \(racine\) : /);
  });

  it('refuse un JSON invalide', () => {
    const f = ecrire('casse.json', '[{');
    expect(() => chargerAnnuaireFichier(f)).toThrow(/STAFF_ACCOUNTS_FILE .* : fichier illisible ou JSON invalide/);
  });

  it('par assembler : l’erreur remonte avec le champ', async () => {
    const f = ecrire('assemble.json', [{ ...personne, courriel: 'x' }]);
    const e = await erreurAssemblage({ ...CLES, STAFF_ACCOUNTS_FILE: f });
    expect(e.message).toContain('STAFF_ACCOUNTS_FILE');
    expect(e.message).toContain('0.courriel');
  });
});

describe('cache des parcours du worker (WORKER_MEMOIRE_MIO)', () => {
  it('déduit de la mémoire : 640 parcours pour 1 Gio, jamais moins de 50', () => {
    expect(parcoursEnCache(1024)).toBe(640);
    expect(parcoursEnCache(2048)).toBe(3565);
    expect(parcoursEnCache(512)).toBe(50);
  });
  it('borne le tas de V8 à la moitié du budget, 256 Mio au moins', () => {
    expect(tasV8Mio(1024)).toBe(512);
    expect(tasV8Mio(4096)).toBe(2048);
    expect(tasV8Mio(300)).toBe(256);
  });
  it('avertit au démarrage quand le tas fixé au lancement dépasse d’un quart celui du budget, en disant l’option à passer', () => {
    // Node sans option sur cette machine : un tas de plusieurs Gio pour un budget de 1 Gio.
    expect(avertissementTas(4144, 1024)).toBe(
      'tas JavaScript de 4144 Mio pour un budget de 1024 Mio : lancez le worker avec « node --max-old-space-size=512 » (README, « Configuration »)',
    );
    expect(avertissementTas(512, 1024)).toBeUndefined();
    expect(avertissementTas(640, 1024)).toBeUndefined();
    expect(avertissementTas(641, 1024)).toContain('--max-old-space-size=512');
  });
});
