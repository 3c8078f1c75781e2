import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * creerJournal construit pino sans destination : pino écrit alors directement sur le descripteur 1
 * (sonic-boom, fs.writeSync), sans passer par process.stdout.write. On remplace donc `pino` par le
 * vrai pino, appelé avec les options de creerJournal, mais écrivant dans un tampon du test.
 */
const capture = vi.hoisted(() => ({ lignes: [] as string[], options: [] as Record<string, unknown>[] }));

vi.mock('pino', async (importOriginal) => {
  const original = await importOriginal<typeof import('pino')>();
  const pinoCapture = ((options: Record<string, unknown>) => {
    capture.options.push(options);
    return original.pino(options as never, { write: (ligne: string) => void capture.lignes.push(ligne) });
  }) as unknown as typeof original.pino;
  return { ...original, pino: pinoCapture, default: pinoCapture };
});

const { creerJournal, CHAMPS_MASQUES, erreurImprevueSansDonnee, erreurLisible, journalPourTemporal } = await import('../config/journalisation');
const { Probleme } = await import('../api/problemes');
const { ErreurConfiguration } = await import('../config/env');

const MASQUE = '[masqué]';
const SECRETS = {
  nom: 'Dupont-Sentinelle',
  courriel: 'famille.sentinelle@exemple.fr',
  telephone: '06 12 34 56 78',
  adresse: '12 rue des Sentinelles',
  menage: { reference: 'MEN-SENTINELLE', composition: 'famille_monoparentale' },
};
const CHAMPS = Object.keys(SECRETS) as (keyof typeof SECRETS)[];
const VALEURS_SECRETES = ['Dupont-Sentinelle', 'famille.sentinelle@exemple.fr', '06 12 34 56 78', '12 rue des Sentinelles', 'MEN-SENTINELLE'];

function sortie(): string {
  return capture.lignes.join('');
}
function derniereLigne(): Record<string, any> {
  expect(capture.lignes.length).toBeGreaterThan(0);
  return JSON.parse(capture.lignes.at(-1)!);
}
function aucunSecret() {
  const texte = sortie();
  for (const v of VALEURS_SECRETES) expect(texte).not.toContain(v);
}

beforeEach(() => {
  capture.lignes.length = 0;
});

describe('creerJournal', () => {
  it('écrit du JSON avec le nom du processus, au niveau demandé', () => {
    const journal = creerJournal('warn', 'worker');
    journal.info({ workflowId: 'wf-1' }, 'ignoré');
    expect(capture.lignes).toHaveLength(0);
    journal.warn({ workflowId: 'wf-2' }, 'retenu');
    const l = derniereLigne();
    expect(l).toMatchObject({ name: 'worker', msg: 'retenu', workflowId: 'wf-2', level: 40 });
  });

  it('laisse passer les champs techniques', () => {
    creerJournal('info', 'api').info({ workflowId: 'wf-3', programme: 'loiret-ahu', par: 'coord.loiret' }, 'parcours lancé');
    expect(derniereLigne()).toMatchObject({ workflowId: 'wf-3', programme: 'loiret-ahu', par: 'coord.loiret' });
  });

  it('masque les champs personnels à la racine', () => {
    creerJournal('info', 'api').info({ ...SECRETS, workflowId: 'wf-4' }, 'racine');
    const l = derniereLigne();
    for (const c of CHAMPS) expect(l[c], c).toBe(MASQUE);
    expect(l.workflowId).toBe('wf-4');
    aucunSecret();
  });

  it('masque les champs personnels à un niveau de profondeur', () => {
    creerJournal('info', 'api').info({ parcours: { ...SECRETS, etape: 'aller_vers' } }, 'un niveau');
    const l = derniereLigne();
    for (const c of CHAMPS) expect(l.parcours[c], c).toBe(MASQUE);
    expect(l.parcours.etape).toBe('aller_vers');
    aucunSecret();
  });

  it('masque les champs personnels à deux niveaux de profondeur', () => {
    creerJournal('info', 'worker').info({ activite: { entree: { ...SECRETS, programme: 'besancon-ccas' } } }, 'deux niveaux');
    const l = derniereLigne();
    for (const c of CHAMPS) expect(l.activite.entree[c], c).toBe(MASQUE);
    expect(l.activite.entree.programme).toBe('besancon-ccas');
    aucunSecret();
  });

  it('masque le ménage entier, pas seulement ses sous-champs', () => {
    creerJournal('info', 'api').info({ ouverture: { menage: { nom: 'Martin-Sentinelle', courriel: 'm@exemple.fr' } } }, 'ménage');
    expect(derniereLigne().ouverture.menage).toBe(MASQUE);
    expect(sortie()).not.toContain('Martin-Sentinelle');
  });

  it('masque les éléments d’une liste au premier niveau', () => {
    creerJournal('info', 'api').info({ personnes: [{ nom: 'Dupont-Sentinelle', id: 'p1' }] }, 'liste');
    const l = derniereLigne();
    expect(l.personnes[0].nom).toBe(MASQUE);
    expect(l.personnes[0].id).toBe('p1');
    aucunSecret();
  });

  it('ne modifie pas l’objet journalisé', () => {
    const objet = { parcours: { nom: 'Dupont-Sentinelle' } };
    creerJournal('info', 'api').info(objet, 'intact');
    expect(objet.parcours.nom).toBe('Dupont-Sentinelle');
  });

  it('masque aussi mots de passe, jetons et en-têtes d’authentification', () => {
    creerJournal('info', 'api').info(
      {
        motDePasse: 'mdp-sentinelle',
        lien: { token: 'jeton-sentinelle' },
        req: { headers: { authorization: 'Bearer sentinelle', cookie: 'session=sentinelle' } },
      },
      'secrets',
    );
    const l = derniereLigne();
    expect(l.motDePasse).toBe(MASQUE);
    expect(l.lien.token).toBe(MASQUE);
    expect(l.req.headers.authorization).toBe(MASQUE);
    expect(l.req.headers.cookie).toBe(MASQUE);
    expect(sortie()).not.toMatch(/sentinelle/);
  });

  it('masque chacun des champs listés dans CHAMPS_MASQUES', () => {
    const objet = Object.fromEntries(CHAMPS_MASQUES.map((c) => [c, `valeur-${c}-sentinelle`]));
    creerJournal('info', 'api').info({ a: objet }, 'tous');
    const l = derniereLigne();
    for (const c of CHAMPS_MASQUES) expect(l.a[c], c).toBe(MASQUE);
    expect(sortie()).not.toMatch(/sentinelle/);
  });

  it('construit pino avec la censure « [masqué] »', () => {
    creerJournal('info', 'api');
    const options = capture.options.at(-1) as { redact?: { censor?: unknown } };
    expect(options.redact?.censor).toBe(MASQUE);
  });
});

describe('les erreurs journalisées', () => {
  /** Une erreur de PostgreSQL telle que `pg` la lève : la valeur en double est dans `detail`, parfois dans le message. */
  const erreurBase = () =>
    Object.assign(new Error('invalid input syntax for type integer: "Dupont-Sentinelle"'), {
      name: 'error',
      code: '23505',
      constraint: 'comptes_courriel_key',
      table: 'comptes',
      detail: 'Key (courriel)=(famille.sentinelle@exemple.fr) already exists.',
    });

  it('gardent le nom, les codes et la pile, jamais le message ni `detail`', () => {
    creerJournal('info', 'api').error({ err: erreurBase(), chemin: '/api/parcours' }, 'erreur interne');
    const l = derniereLigne();
    expect(l.err).toMatchObject({ type: 'error', message: MASQUE, code: '23505', constraint: 'comptes_courriel_key', table: 'comptes' });
    expect(l.err.detail).toBeUndefined();
    expect(l.err.pile.length).toBeGreaterThan(0);
    expect(l.err.pile.every((ligne: string) => ligne.startsWith('at '))).toBe(true);
    expect(l.chemin).toBe('/api/parcours');
    aucunSecret();
  });

  it('décrivent la cause de même', () => {
    const e = new Error('échec', { cause: erreurBase() });
    creerJournal('info', 'worker').warn({ error: e }, 'échec');
    expect(derniereLigne().error).toMatchObject({ type: 'Error', message: MASQUE, cause: { type: 'error', message: MASQUE, code: '23505' } });
    aucunSecret();
  });

  it('gardent le message des erreurs du produit et des erreurs système (adresse, pas de donnée)', () => {
    const journal = creerJournal('info', 'api');
    journal.warn({ err: new Probleme(503, 'Le moteur des parcours ne répond pas.') }, 'indisponible');
    expect(derniereLigne().err).toMatchObject({ type: 'Probleme', message: 'Le moteur des parcours ne répond pas.' });
    journal.warn({ err: new ErreurConfiguration('DATABASE_URL : variable obligatoire') }, 'configuration');
    expect(derniereLigne().err.message).toBe('DATABASE_URL : variable obligatoire');
    const systeme = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
    journal.warn({ err: systeme }, 'connexion à la base perdue');
    expect(derniereLigne().err).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED', syscall: 'connect' });
  });

  it('en une ligne pour la console d’un processus qui s’arrête : type et code, sans message', () => {
    expect(erreurLisible(erreurBase())).toBe('error (23505), message masqué (il peut citer une donnée)');
    expect(erreurLisible(new ErreurConfiguration('PORT invalide'))).toBe('PORT invalide');
    expect(erreurLisible('texte')).toBe('string, message masqué (il peut citer une donnée)');
  });

  it('une erreur imprévue du lanceur (qui porte le mail catcher) : type et lignes de la pile, jamais le message qui cite un courriel', () => {
    const e = new TypeError('en-tête illisible : « To: Josiane Lefébure <josiane.lefebure@exemple.fr> »');
    const texte = erreurImprevueSansDonnee(e);
    expect(texte).toMatch(/^TypeError, message masqué \(il peut citer une donnée\)\n {4}at /);
    expect(texte).not.toContain('Lefébure');
    expect(texte).not.toContain('josiane');
  });
});

describe('journalPourTemporal (le journal du SDK)', () => {
  it('retire le message de l’erreur du texte et des attributs, garde les autres attributs', () => {
    const sdk = journalPourTemporal(creerJournal('debug', 'worker'));
    const e = new Error('adresse refusée : famille.sentinelle@exemple.fr');
    sdk.error(`Error while processing ActivityTask.start: ${e.message}`, { error: e, taskToken: 'abc' });
    const l = derniereLigne();
    expect(l.msg).toBe('Error while processing ActivityTask.start: [masqué]');
    expect(l.error).toMatchObject({ type: 'Error', message: MASQUE });
    expect(l.taskToken).toBe('abc');
    expect(l.level).toBe(50);
    aucunSecret();
  });

  it('accepte une erreur à la place des attributs (fil des workflows en échec)', () => {
    const sdk = journalPourTemporal(creerJournal('debug', 'worker'));
    const e = new TypeError('Dupont-Sentinelle');
    sdk.log('ERROR', `Workflow Worker Thread failed: ${e}`, e);
    const l = derniereLigne();
    expect(l.msg).toBe('Workflow Worker Thread failed: TypeError: [masqué]');
    expect(l.error.type).toBe('TypeError');
    aucunSecret();
  });

  it('respecte le niveau du journal', () => {
    const sdk = journalPourTemporal(creerJournal('warn', 'worker'));
    sdk.debug('Activity completed', { durationMs: 3 });
    expect(capture.lignes).toHaveLength(0);
    sdk.warn('Activity failed', { durationMs: 3 });
    expect(derniereLigne()).toMatchObject({ msg: 'Activity failed', durationMs: 3, level: 40 });
  });
});

describe('un processus qui s’arrête sur une erreur imprévue', () => {
  it('l’écrit sans son message (type, code, pile) et s’arrête avec le code 1, comme Node', async () => {
    const { spawnSync } = await import('node:child_process');
    const module = new URL('../config/journalisation.ts', import.meta.url).pathname;
    const script = `import { arreterSansDonneeSurErreurImprevue } from ${JSON.stringify(module)};
arreterSansDonneeSurErreurImprevue('Le worker s’est arrêté');
setTimeout(() => { throw Object.assign(new Error('adresse refusée : famille.sentinelle@exemple.fr'), { code: 'EENVELOPE' }); }, 0);
Promise.resolve().then(() => {});`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Le worker s’est arrêté sur une erreur imprévue : Error (EENVELOPE), message masqué (il peut citer une donnée)');
    expect(r.stderr).toMatch(/\n {4}at /);
    expect(r.stderr + r.stdout).not.toContain('sentinelle');
    // Une promesse rejetée que personne n'attend : de même.
    const rejet = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script.replace(/setTimeout\(.*\n/, "void Promise.reject(new TypeError('Dupont-Sentinelle'));\n")],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(rejet.status).toBe(1);
    expect(rejet.stderr).toContain('sur une erreur imprévue : TypeError, message masqué');
    expect(rejet.stderr).not.toContain('Sentinelle');
  });
});
