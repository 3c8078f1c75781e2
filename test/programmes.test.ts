import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chargerCatalogue, DOSSIER_PRESETS, ErreurProgramme, lireProgramme } from '../programmes/catalogue';
import { avecCoordonneesDuFichier } from '../programmes/versions';

const PRESETS = ['besancon-ccas', 'loiret-ahu', 'reims-april', 'toulouse-declic', 'concarneau-iml', 'reims-april-protocole'];

/** Le contenu JSON d'un preset livré, à modifier pour fabriquer des cas invalides. */
const preset = (id: string): Record<string, any> => JSON.parse(readFileSync(join(DOSSIER_PRESETS, `${id}.json`), 'utf8'));

/** L'erreur levée par lireProgramme (échoue si rien n'est levé). */
function erreur(fichier: string, contenu: unknown): ErreurProgramme {
  try {
    lireProgramme(fichier, typeof contenu === 'string' ? contenu : JSON.stringify(contenu));
  } catch (e) {
    expect(e).toBeInstanceOf(ErreurProgramme);
    return e as ErreurProgramme;
  }
  throw new Error(`lireProgramme(${fichier}) aurait dû lever une erreur`);
}

describe('presets livrés', () => {
  const catalogue = chargerCatalogue();
  const p = (id: string) => {
    const programme = catalogue.trouver(id);
    expect(programme, id).toBeDefined();
    return programme!;
  };

  it('charge les six presets, et seulement eux', () => {
    expect(
      catalogue
        .tous()
        .map((x) => x.id)
        .sort(),
    ).toEqual([...PRESETS].sort());
    expect(catalogue.trouver('inexistant')).toBeUndefined();
  });

  it('chaque preset a le type de parcours de son rapport de terrain', () => {
    expect(p('besancon-ccas').typeParcours).toBe('prevention_precontentieuse');
    expect(p('loiret-ahu').typeParcours).toBe('prevention_precontentieuse');
    expect(p('reims-april').typeParcours).toBe('prevention_precontentieuse');
    expect(p('toulouse-declic').typeParcours).toBe('prevention_precontentieuse');
    expect(p('concarneau-iml').typeParcours).toBe('iml_bail_glissant');
    expect(p('reims-april-protocole').typeParcours).toBe('protocole_post_resiliation');
  });

  it('loiret-ahu : contact sous un mois, règles d’éligibilité, 20 situations à 400 €', () => {
    const l = p('loiret-ahu');
    expect(l.delais.contact).toBe('P1M');
    expect(l.eligibilite).toEqual({ sansGarantie: true, impayesMinimumMois: 2, ancienneteBailMax: 'P6M', sansContactBailleur: true });
    expect(l.quotas.situationsParAn).toBe(20);
    expect(l.quotas.coutParSituationEuros).toBe(400);
    expect(l.options.entretienTripartite).toBe(true);
  });

  it('besancon-ccas : visite sous 3 semaines, diagnostic 3 semaines, plan 1 semaine, partenaires informés sous 7 jours ; l’évaluation à 6 mois et à un an est celle de l’action, pas un bilan par ménage', () => {
    const b = p('besancon-ccas');
    expect(b.delais.premiereVisite).toBe('P3W');
    expect(b.delais.diagnostic).toBe('P3W');
    expect(b.delais.planAide).toBe('P1W');
    expect(b.delais.informationPartenaires).toBe('P7D');
    // La fiche : « cette action sera évaluée à 6 mois et à un an de l’expérimentation » ; elle ne prévoit
    // aucun bilan par ménage. Les rapports d'évaluation à 6 et 12 mois partent du début du programme.
    expect(b.jalons.bilans).toEqual([]);
    expect(b.debut).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(b.options.prioriteMenagesIsoles).toBe(true);
    // « soit 169 situations pour l'année 2007 » : ce que simule par défaut l'année du programme.
    expect(b.quotas.situationsParAn).toBe(169);
    expect(b.quotas.etpAccompagnement).toBe(0.5);
    expect(b.partenaires.ccapex?.courriel).toMatch(/@/);
    expect(b.partenaires.pdalpd?.courriel).toMatch(/@/);
  });

  it('concarneau-iml : 10 mesures actives, bilans à 6 et 10 mois, glissement à 12 mois, présence jusqu’à 18 mois', () => {
    const c = p('concarneau-iml');
    expect(c.quotas.mesuresActives).toBe(10);
    expect(c.jalons.bilans).toEqual(['P6M', 'P10M']);
    expect(c.delais.glissement).toBe('P12M');
    expect(c.delais.prolongationMax).toBe('P18M');
    expect(Object.keys(c.partenaires).sort()).toEqual(expect.arrayContaining(['bailleur', 'ddets', 'siao']));
  });

  it('toulouse-declic : bilans intermédiaires à 3 et 6 mois, points de suivi mensuels', () => {
    const t = p('toulouse-declic');
    expect(t.jalons.bilans).toEqual(['P3M', 'P6M']);
    expect(t.delais.pointSuivi).toBe('P1M');
  });

  it('reims-april : comité de suivi et veille active', () => {
    const r = p('reims-april');
    expect(r.options.comiteDeSuivi).toBe(true);
    expect(r.options.veilleActive).toBe(true);
    expect(r.quotas.fileActiveParBailleur).toBe(20);
  });

  it('reims-april-protocole : 2 ans au plus, avenant jusqu’à 3 ans, nouveau bail sous 3 mois', () => {
    const r = p('reims-april-protocole');
    expect(r.delais.dureeMax).toBe('P2Y');
    expect(r.delais.avenantMax).toBe('P3Y');
    expect(r.delais.nouveauBail).toBe('P3M');
    expect(Object.keys(r.partenaires)).toEqual(expect.arrayContaining(['bailleur', 'ccapex', 'prefecture']));
  });

  it('chaque opérateur donne son téléphone et son adresse postale (lettres et documents)', () => {
    for (const id of PRESETS) {
      const { operateur } = p(id);
      expect(operateur.telephone, id).toMatch(/^0[1-9](?: \d{2}){4}$/);
      expect(operateur.adresse, id).toMatch(/\d{5} \S/);
    }
    expect(p('besancon-ccas').operateur).toMatchObject({ telephone: '03 53 01 25 00', adresse: '13 rue Mégevand, 25000 Besançon' });
  });

  it('une version en base enregistrée avant le téléphone et l’adresse de l’opérateur les prend au fichier (même opérateur seulement)', () => {
    const fichier = p('besancon-ccas');
    const ancienne = {
      ...fichier,
      version: 3,
      delais: { ...fichier.delais, diagnostic: 'P4W' },
      operateur: { nom: fichier.operateur.nom, courriel: fichier.operateur.courriel, type: fichier.operateur.type },
    };
    const lue = avecCoordonneesDuFichier(ancienne, fichier);
    expect(lue.operateur).toEqual(fichier.operateur);
    expect(lue.delais.diagnostic).toBe('P4W');
    expect(lue.version).toBe(3);
    const autre = { ...ancienne, operateur: { ...ancienne.operateur, nom: 'Autre opérateur' } };
    expect(avecCoordonneesDuFichier(autre, fichier)).toBe(autre);
    const aDeja = { ...ancienne, operateur: { ...ancienne.operateur, telephone: '03 81 11 22 33' } };
    expect(avecCoordonneesDuFichier(aDeja, fichier).operateur).toMatchObject({ telephone: '03 81 11 22 33', adresse: fichier.operateur.adresse });
  });

  it('les programmes sans comité de suivi ni veille active le disent', () => {
    expect(p('besancon-ccas').options.comiteDeSuivi).toBe(false);
    expect(p('loiret-ahu').options.veilleActive).toBe(false);
  });

  it.each(PRESETS)('%s se relit tel quel avec lireProgramme', (id) => {
    const chemin = join(DOSSIER_PRESETS, `${id}.json`);
    const lu = lireProgramme(chemin, readFileSync(chemin, 'utf8'));
    expect(lu.id).toBe(id);
    expect(lu).toEqual(catalogue.trouver(id));
  });
});

describe('lireProgramme : défauts', () => {
  it('complète jalons, quotas, éligibilité, options et rappels absents', () => {
    const { jalons, quotas, eligibilite, options, rappelsValidation, ...minimal } = preset('toulouse-declic');
    const lu = lireProgramme('toulouse-declic.json', JSON.stringify(minimal));
    expect(lu.jalons).toEqual({});
    expect(lu.quotas).toEqual({});
    expect(lu.eligibilite).toEqual({});
    expect(lu.options).toEqual({});
    expect(lu.rappelsValidation).toEqual([]);
  });
});

describe('lireProgramme : erreurs (fichier, champ, raison en français)', () => {
  const FICHIER = '/territoire/loiret-ahu.json';

  it('JSON invalide', () => {
    const e = erreur(FICHIER, '{ "id": "loiret-ahu", ');
    expect(e.message).toContain(FICHIER);
    expect(e.message).toContain('JSON invalide');
  });

  it('durée « 3 semaines »', () => {
    const p = preset('loiret-ahu');
    p.delais.contact = '3 semaines';
    const e = erreur(FICHIER, p);
    expect(e.message).toContain(FICHIER);
    expect(e.message).toContain('« delais.contact »');
    expect(e.message).toContain('durée ISO 8601 attendue');
  });

  it('durée invalide dans une série de jalons : le rang est nommé', () => {
    const p = preset('loiret-ahu');
    p.jalons.bilans = ['P3M', 'trois mois'];
    const e = erreur(FICHIER, p);
    expect(e.message).toContain('« jalons.bilans.1 »');
    expect(e.message).toContain('durée ISO 8601 attendue');
  });

  it('ancienneté de bail invalide dans l’éligibilité', () => {
    const p = preset('loiret-ahu');
    p.eligibilite.ancienneteBailMax = '6 mois';
    expect(erreur(FICHIER, p).message).toContain('« eligibilite.ancienneteBailMax »');
  });

  it('adresse électronique invalide', () => {
    const p = preset('loiret-ahu');
    p.partenaires.bailleur.courriel = 'action.sociale-at-logemloiret';
    const e = erreur(FICHIER, p);
    expect(e.message).toContain(FICHIER);
    expect(e.message).toContain('« partenaires.bailleur.courriel »');
    expect(e.message).toContain('adresse électronique invalide');
  });

  it('adresse de l’opérateur invalide', () => {
    const p = preset('loiret-ahu');
    p.operateur.courriel = 'prevention';
    expect(erreur(FICHIER, p).message).toContain('« operateur.courriel »');
  });

  it('téléphone et adresse postale de l’opérateur : facultatifs, vérifiés (format français, code postal et commune)', () => {
    const p = preset('besancon-ccas');
    for (const bon of ['03 81 00 00 00', '0381000000', '03.81.00.00.00', '+33 3 81 00 00 00']) {
      expect(lireProgramme('besancon-ccas.json', JSON.stringify({ ...p, operateur: { ...p.operateur, telephone: bon } })).operateur.telephone).toBe(bon);
    }
    for (const mauvais of ['03 81 00 00', '12 34 56 78 90', 'appeler le standard']) {
      const e = erreur('besancon-ccas.json', { ...p, operateur: { ...p.operateur, telephone: mauvais } });
      expect(e.message).toBe(
        'Programme besancon-ccas.json : champ « operateur.telephone » : numéro de téléphone à 10 chiffres attendu, par exemple « 03 81 00 00 00 »',
      );
    }
    const sansCode = erreur('besancon-ccas.json', { ...p, operateur: { ...p.operateur, adresse: '13 rue Mégevand, Besançon' } });
    expect(sansCode.message).toContain('« operateur.adresse » : adresse postale attendue avec le code postal (5 chiffres) et la commune');
    const sansCoordonnees = { ...p, operateur: { nom: p.operateur.nom, courriel: p.operateur.courriel, type: p.operateur.type } };
    expect(lireProgramme('besancon-ccas.json', JSON.stringify(sansCoordonnees)).operateur).not.toHaveProperty('telephone');
  });

  it('champ inconnu à la racine : nommé, raison en français', () => {
    const p = preset('loiret-ahu');
    p.delaisContact = 'P1M';
    const e = erreur(FICHIER, p);
    expect(e.message).toContain(FICHIER);
    expect(e.message).toContain('delaisContact');
    expect(e.message).toMatch(/Clé non reconnue/);
  });

  it('champ inconnu dans l’éligibilité : chemin et clé nommés', () => {
    const p = preset('loiret-ahu');
    p.eligibilite.revenuMax = 1200;
    const e = erreur(FICHIER, p);
    expect(e.message).toContain('« eligibilite »');
    expect(e.message).toContain('revenuMax');
    expect(e.message).toMatch(/Clé non reconnue/);
  });

  it('type de parcours inconnu : raison en français', () => {
    const p = preset('loiret-ahu');
    p.typeParcours = 'prevention';
    const e = erreur(FICHIER, p);
    expect(e.message).toContain('« typeParcours »');
    expect(e.message).toMatch(/Option invalide/);
  });

  it('délai requis manquant pour une prévention précontentieuse (diagnostic)', () => {
    const p = preset('loiret-ahu');
    delete p.delais.diagnostic;
    const e = erreur(FICHIER, p);
    expect(e.message).toContain('« delais.diagnostic »');
    expect(e.message).toContain('délai requis');
  });

  it('délai requis manquant pour un protocole (nouveauBail)', () => {
    const p = preset('reims-april-protocole');
    delete p.delais.nouveauBail;
    const e = erreur('reims-april-protocole.json', p);
    expect(e.message).toContain('reims-april-protocole.json');
    expect(e.message).toContain('« delais.nouveauBail »');
    expect(e.message).toContain('délai requis pour un parcours protocole_post_resiliation');
  });

  it('délai requis manquant pour une IML (glissement)', () => {
    const p = preset('concarneau-iml');
    delete p.delais.glissement;
    expect(erreur('concarneau-iml.json', p).message).toContain('« delais.glissement »');
  });

  it('IML sans nombre de mesures actives (agrément DDETS)', () => {
    const p = preset('concarneau-iml');
    delete p.quotas.mesuresActives;
    const e = erreur('concarneau-iml.json', p);
    expect(e.message).toContain('concarneau-iml.json');
    expect(e.message).toContain('« quotas.mesuresActives »');
    expect(e.message).toContain('nombre de mesures actives requis');
  });

  it('IML avec zéro mesure active', () => {
    const p = preset('concarneau-iml');
    p.quotas.mesuresActives = 0;
    expect(erreur('concarneau-iml.json', p).message).toContain('« quotas.mesuresActives »');
  });

  it('partenaire requis manquant (SIAO pour une IML)', () => {
    const p = preset('concarneau-iml');
    delete p.partenaires.siao;
    const e = erreur('concarneau-iml.json', p);
    expect(e.message).toContain('« partenaires.siao »');
    expect(e.message).toContain('partenaire requis');
  });

  it('identifiant qui ne correspond pas au nom du fichier', () => {
    const e = erreur('/territoire/orleans-ahu.json', preset('loiret-ahu'));
    expect(e.message).toContain('/territoire/orleans-ahu.json');
    expect(e.message).toContain('« id »');
    expect(e.message).toContain('« loiret-ahu » doit correspondre au nom du fichier');
  });
});

describe('chargerCatalogue avec un dossier de territoire (PROGRAMMES_DIR)', () => {
  let dossier: string | undefined;
  afterEach(() => {
    if (dossier) rmSync(dossier, { recursive: true, force: true });
    dossier = undefined;
  });
  const nouveauDossier = () => (dossier = mkdtempSync(join(tmpdir(), 'programmes-')));

  it('ajoute un nouveau programme et remplace un preset du même id', () => {
    const d = nouveauDossier();
    const loiret = preset('loiret-ahu');
    loiret.version = 2;
    loiret.delais.contact = 'P2M';
    writeFileSync(join(d, 'loiret-ahu.json'), JSON.stringify(loiret));
    const nouveau = preset('toulouse-declic');
    nouveau.id = 'montauban-declic';
    nouveau.nom = 'DÉCLIC Montauban';
    writeFileSync(join(d, 'montauban-declic.json'), JSON.stringify(nouveau));
    writeFileSync(join(d, 'LISEZMOI.md'), 'pas un programme');

    const catalogue = chargerCatalogue(d);
    expect(catalogue.tous()).toHaveLength(PRESETS.length + 1);
    expect(catalogue.trouver('loiret-ahu')?.version).toBe(2);
    expect(catalogue.trouver('loiret-ahu')?.delais.contact).toBe('P2M');
    expect(catalogue.trouver('montauban-declic')?.nom).toBe('DÉCLIC Montauban');
    // Les autres presets restent ceux livrés.
    expect(catalogue.trouver('besancon-ccas')?.delais.premiereVisite).toBe('P3W');
    // Le catalogue par défaut n'est pas touché.
    expect(chargerCatalogue().trouver('loiret-ahu')?.delais.contact).toBe('P1M');
  });

  it('un fichier invalide arrête le chargement avec son chemin', () => {
    const d = nouveauDossier();
    const p = preset('toulouse-declic');
    p.id = 'albi-declic';
    p.delais.contact = 'un mois';
    writeFileSync(join(d, 'albi-declic.json'), JSON.stringify(p));
    expect(() => chargerCatalogue(d)).toThrow(ErreurProgramme);
    expect(() => chargerCatalogue(d)).toThrow(join(d, 'albi-declic.json'));
    expect(() => chargerCatalogue(d)).toThrow(/« delais\.contact »/);
  });

  it('un fichier dont l’id ne correspond pas au nom arrête le chargement', () => {
    const d = nouveauDossier();
    writeFileSync(join(d, 'loiret.json'), JSON.stringify(preset('loiret-ahu')));
    expect(() => chargerCatalogue(d)).toThrow(join(d, 'loiret.json'));
  });

  it('un dossier introuvable est signalé comme PROGRAMMES_DIR', () => {
    const absent = join(tmpdir(), 'programmes-absent-' + process.pid + '-' + Date.now());
    expect(() => chargerCatalogue(absent)).toThrow(/PROGRAMMES_DIR : dossier illisible/);
    expect(() => chargerCatalogue(absent)).toThrow(absent);
  });
});
