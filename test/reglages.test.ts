/**
 * Les réglages d'un programme changés sans fichier ni redémarrage (issue 14, point 4), sur le vrai
 * système : Temporal, worker, PostgreSQL et deux API.
 * - chaque changement crée une version (qui, quand, pourquoi, ce qui a changé en français) ;
 * - un parcours lancé avant garde sa version, un parcours lancé après suit la nouvelle, sur l'autre
 *   API aussi (elle relit la base au lancement) ;
 * - une version lue périmée (quelqu'un a changé entre-temps) : 409 ; un réglage que le programme n'a
 *   pas, une durée nulle, un rappel aussi long qu'un délai qu'il rappelle, un motif absent : 400 en
 *   français et rien ne change ; un travailleur social : 403 ;
 * - une option de programme en action : la priorité aux ménages isolés de Besançon (en tête de liste).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NOM_COOKIE } from '../api/auth';
import { menageEssai, situationPrevention } from './outils/environnement';
import { annuaireEssai, bancAvecApi, demarrerApiEssai, type ApiEssai } from './outils/api';
import { appliquerChangement, decrireChangements, RefusReglages } from '../programmes/versions';
import { CATALOGUE } from './outils/environnement';
import { changementDuFormulaire, lireSerie, pageReglages } from '../web/pages/reglages';
import { DELAIS_DU_PARCOURS, DELAIS_PAR_DEFAUT, LIBELLES_DELAIS } from '../domain/reglages';
import { calendrierDu } from '../domain/durees';
import { ETAPES_CONNUES } from '../domain/actions';
import { TYPES_PARCOURS } from '../domain/vocabulaire';

const MOT_DE_PASSE = 'mot-de-passe-essai';
const essai = bancAvecApi(MOT_DE_PASSE);
let autreApi: ApiEssai;

beforeAll(async () => {
  // La seconde API est ouverte avant le changement : elle doit le voir sans redémarrer.
  autreApi = await demarrerApiEssai(essai.banc, { annuaire: await annuaireEssai(MOT_DE_PASSE) });
});
afterAll(async () => {
  await autreApi?.fermer();
});

async function lancer(api: ApiEssai, jeton: string) {
  const corps = { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', menage: menageEssai(), donnees: { situation: situationPrevention() } };
  const r = await api.appel('POST', '/api/parcours', { jeton, corps });
  expect(r.status, r.texte).toBe(201);
  return r.json.workflowId as string;
}

async function programmeDuParcours(api: ApiEssai, jeton: string, id: string) {
  const r = await api.appel('GET', `/api/parcours/${id}`, { jeton });
  expect(r.status, r.texte).toBe(200);
  return (r.json.etat ?? r.json).programme as { id: string; version: number };
}

describe('réglages des programmes', () => {
  it('une nouvelle version par changement ; les parcours en cours gardent la leur ; l’autre API suit', async () => {
    const jeton = await essai.connecter('coord.essai');
    // La version du fichier (le preset), puis celle que le changement crée.
    const v = CATALOGUE.trouver('loiret-ahu')!.version;
    const v2 = v + 1;
    const lu = await essai.api.appel('GET', '/api/programmes/loiret-ahu/reglages', { jeton });
    expect(lu.status, lu.texte).toBe(200);
    expect(lu.json.programme).toMatchObject({ id: 'loiret-ahu', version: v, delais: { diagnostic: 'P1M' } });
    expect(lu.json.versions).toEqual([
      { version: v, origine: 'fichier', modifiePar: null, motif: null, creeLe: expect.any(String), changements: ['Version d’origine.'] },
    ]);

    const avant = await lancer(essai.api, jeton);

    const change = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v, motif: 'Comité de pilotage : diagnostic en six semaines', delais: { diagnostic: 'P6W' }, quotas: { situationsParAn: 25 } },
    });
    expect(change.status, change.texte).toBe(200);
    expect(change.json.version).toBe(v2);
    expect(change.json.changements).toEqual(['Diagnostic social : 1 mois → 6 semaines', 'Situations par an : 20 → 25']);
    expect(change.json.message).toContain('le parcours en cours garde la version avec laquelle il a été lancé');

    // Une saisie partie de la version d'avant ne l'écrase pas.
    const perimee = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v, motif: 'Autre changement', delais: { contact: 'P2M' } },
    });
    expect(perimee.status).toBe(409);
    expect(perimee.json.detail).toContain('rechargez la page');

    // Les refus : rien ne change.
    const inconnu = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v2, motif: 'Essai', delais: { visiteSurprise: 'P1W' } },
    });
    expect(inconnu.status).toBe(400);
    expect(inconnu.json.errors).toEqual([{ champ: 'delais.visiteSurprise', message: 'délai que ce programme n’a pas' }]);
    const nul = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v2, motif: 'Essai', delais: { planAide: 'P0D' } },
    });
    expect(nul.status).toBe(400);
    expect(nul.json.errors[0]).toMatchObject({ champ: 'delais.planAide', message: 'une durée nulle ne laisse aucun délai' });
    // Un rappel de deux semaines avant un plan d'aide à faire en deux semaines ne partirait jamais.
    const rappelTropLong = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v2, motif: 'Essai', delais: { rappelAvant: 'P2W' } },
    });
    expect(rappelTropLong.status, rappelTropLong.texte).toBe(400);
    expect(rappelTropLong.json.errors).toEqual([
      {
        champ: 'delais.rappelAvant',
        message:
          'un rappel de 2 semaines ne partirait jamais : il doit être plus court que chaque délai qu’il rappelle, dont « Plan d’aide (après le diagnostic) » (2 semaines)',
      },
    ]);
    // Le calendrier d'Alsace-Moselle, que tout programme peut se donner : une case, oui ou non.
    const alsaceIllisible = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v2, motif: 'Essai', options: { joursFeriesAlsaceMoselle: 'oui' } },
    });
    expect(alsaceIllisible.status, alsaceIllisible.texte).toBe(400);
    expect(alsaceIllisible.json.errors).toEqual([{ champ: 'options.joursFeriesAlsaceMoselle', message: 'oui ou non attendu (true ou false)' }]);
    const sansMotif = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v2, delais: { planAide: 'P3W' } },
    });
    expect(sansMotif.status).toBe(400);
    expect(sansMotif.json.errors[0].champ).toBe('motif');
    const rien = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton,
      corps: { versionAttendue: v2, motif: 'Rien', delais: { diagnostic: 'P6W' } },
    });
    expect(rien.status).toBe(400);
    expect(rien.json.detail).toContain('Aucun réglage n’a changé');
    const parTs = await essai.api.appel('PUT', '/api/programmes/loiret-ahu/reglages', {
      jeton: await essai.connecter('ts.alice'),
      corps: { versionAttendue: v2, motif: 'Essai', delais: { planAide: 'P3W' } },
    });
    expect(parTs.status).toBe(403);

    const historique = await autreApi.appel('GET', '/api/programmes/loiret-ahu/reglages', { jeton });
    expect(historique.json.programme.version).toBe(v2);
    expect(historique.json.versions.map((v: { version: number }) => v.version)).toEqual([v2, v]);
    expect(historique.json.versions[0]).toMatchObject({
      origine: 'reglages',
      modifiePar: 'coord.essai',
      motif: 'Comité de pilotage : diagnostic en six semaines',
    });

    // Lancé sur l'autre API, ouverte avant le changement : la nouvelle version.
    const apres = await lancer(autreApi, jeton);
    expect(await programmeDuParcours(essai.api, jeton, apres)).toMatchObject({ id: 'loiret-ahu', version: v2 });
    expect(await programmeDuParcours(essai.api, jeton, avant)).toMatchObject({ id: 'loiret-ahu', version: v });
  });

  it('Besançon : les ménages isolés (personnes seules, couples sans enfants, ou dits isolés) en tête de liste ; ailleurs, pas de priorité', async () => {
    const jeton = await essai.connecter('coord.essai');
    const lancerMenage = async (programmeId: string, composition: string, isole?: boolean) => {
      const menage = { ...menageEssai(), composition };
      const corps = { programmeId, travailleurSocial: 'ts.alice', menage, donnees: { situation: situationPrevention(isole === undefined ? {} : { isole }) } };
      const r = await essai.api.appel('POST', '/api/parcours', { jeton, corps });
      expect(r.status, r.texte).toBe(201);
      return r.json.workflowId as string;
    };
    const famille = await lancerMenage('besancon-ccas', 'famille_monoparentale');
    const seule = await lancerMenage('besancon-ccas', 'personne_seule');
    const diteIsolee = await lancerMenage('besancon-ccas', 'couple_avec_enfants', true);
    const ailleurs = await lancerMenage('loiret-ahu', 'personne_seule');
    const liste = async (programme: string) =>
      (await essai.api.appel('GET', `/api/parcours?programme=${programme}`, { jeton })).json as Array<{
        workflowId: string;
        priorite?: string;
        libellePriorite?: string;
      }>;
    await vi.waitFor(async () => expect((await liste('besancon-ccas')).map((p) => p.workflowId)).toHaveLength(3), { timeout: 20_000, interval: 250 });
    const besancon = await liste('besancon-ccas');
    expect(
      besancon
        .slice(0, 2)
        .map((p) => p.workflowId)
        .sort(),
    ).toEqual([seule, diteIsolee].sort());
    expect(besancon[2]).toMatchObject({ workflowId: famille });
    expect(besancon[2]!.priorite).toBeUndefined();
    expect(besancon[0]).toMatchObject({ priorite: 'menage_isole', libellePriorite: 'Prioritaire : ménage isolé' });
    // Le dossier le dit aussi, comme la liste.
    const dossier = async (id: string) => (await essai.api.appel('GET', `/parcours/${id}`, { entetes: { cookie: `${NOM_COOKIE}=${jeton}` } })).texte;
    expect(await dossier(seule)).toContain('<span class="badge prioritaire">Prioritaire : ménage isolé</span></h1>');
    expect(await dossier(famille)).not.toContain('badge prioritaire');
    await vi.waitFor(async () => expect((await liste('loiret-ahu')).some((p) => p.workflowId === ailleurs)).toBe(true), { timeout: 20_000, interval: 250 });
    expect((await liste('loiret-ahu')).find((p) => p.workflowId === ailleurs)!.priorite).toBeUndefined();
  });

  it('le formulaire en mots du terrain donne le changement attendu ; une saisie illisible est refusée par le schéma', () => {
    const p = CATALOGUE.trouver('toulouse-declic')!;
    expect(lireSerie('1 mois, 2 mois ; 4 mois, 1 an')).toEqual(['P1M', 'P2M', 'P4M', 'P1Y']);
    expect(lireSerie('')).toEqual([]);
    const corps = changementDuFormulaire(p, {
      versionAttendue: '1',
      motif: 'Points de suivi resserrés',
      'delais.diagnostic.nombre': '5',
      'delais.diagnostic.unite': 'semaines',
      'jalons.pointsSuivi': '1 mois, 2 mois, 3 mois',
      'options.etudeConjointeBailleur': 'oui',
    });
    expect(corps).toMatchObject({
      versionAttendue: 1,
      delais: { diagnostic: 'P5W' },
      jalons: { pointsSuivi: ['P1M', 'P2M', 'P3M'] },
      options: { etudeConjointeBailleur: true, comiteDeSuivi: false },
    });
    // Le calendrier d'Alsace-Moselle, proposé à tout programme : décoché, il ne change rien ; coché, il
    // s'ajoute aux options, l'historique le dit, et les dates limites des partenaires le suivent.
    expect((corps as { options: object }).options).not.toHaveProperty('joursFeriesAlsaceMoselle');
    const alsace = changementDuFormulaire(p, { 'options.joursFeriesAlsaceMoselle': 'oui', 'options.etudeConjointeBailleur': 'oui' }) as { options: object };
    expect(alsace.options).toMatchObject({ joursFeriesAlsaceMoselle: true, etudeConjointeBailleur: true });
    const enMoselle = appliquerChangement(p, { versionAttendue: p.version, motif: 'Programme de Moselle', options: { joursFeriesAlsaceMoselle: true } });
    expect(calendrierDu(enMoselle)).toBe('alsace_moselle');
    expect(calendrierDu(p)).toBe('metropole');
    expect(decrireChangements(p, enMoselle)).toContain(
      'Jours fériés d’Alsace-Moselle (Vendredi saint, 26 décembre) pour les dates limites des partenaires : non réglé → oui',
    );
    // Un nombre négatif reste un nombre (le schéma le refuse pour son signe, pas comme « nombre attendu »).
    expect(changementDuFormulaire(p, { 'quotas.situationsParAn': '-3' })).toMatchObject({ quotas: { situationsParAn: -3 } });
    // Les cases d'éligibilité que le programme ne règle pas, laissées décochées : pas de changement « non réglé → non ».
    expect(p.eligibilite).not.toHaveProperty('sansGarantie');
    expect((corps as { eligibilite?: object }).eligibilite ?? {}).not.toHaveProperty('sansGarantie');
    const suivant = appliquerChangement(p, {
      versionAttendue: p.version,
      motif: 'x',
      delais: { diagnostic: 'P5W' },
      jalons: { pointsSuivi: ['P1M', 'P2M', 'P3M'] },
    });
    expect(suivant.version).toBe(p.version + 1);
    expect(decrireChangements(p, suivant)).toEqual([
      'Diagnostic social : 1 mois → 5 semaines',
      'Points de suivi mensuels (depuis le début de l’accompagnement) : 1 mois, 2 mois, 4 mois, 5 mois → 1 mois, 2 mois, 3 mois',
    ]);
  });

  it('protocole : les plafonds de la loi (2 ans, avenant de 3 ans, nouveau bail dans les 3 mois) ne se dépassent pas par les réglages', () => {
    const p = CATALOGUE.trouver('reims-april-protocole')!;
    const refus = (delais: Record<string, string>) => {
      try {
        appliquerChangement(p, { versionAttendue: p.version, motif: 'Essai', delais });
        return undefined;
      } catch (e) {
        return e instanceof RefusReglages ? e.erreurs : e;
      }
    };
    expect(refus({ dureeMax: 'P5Y' })).toEqual([
      { champ: 'delais.dureeMax', message: expect.stringContaining('limite le protocole de cohésion sociale à 2 ans') },
    ]);
    expect(refus({ avenantMax: 'P4Y' })).toEqual([{ champ: 'delais.avenantMax', message: expect.stringContaining('3 ans au plus') }]);
    expect(refus({ nouveauBail: 'P4M' })).toEqual([{ champ: 'delais.nouveauBail', message: expect.stringContaining('3 mois') }]);
    // Un délai de quelques minutes n'est pas un délai du terrain (et ferait tourner une simulation sans fin).
    expect(refus({ paiement: 'PT3M' })).toEqual([{ champ: 'delais.paiement', message: expect.stringMatching(/^délai trop court : un jour au moins/) }]);
    // En deçà, ou au plafond : accepté.
    expect(refus({ dureeMax: 'P18M' })).toBeUndefined();
    expect(refus({ dureeMax: 'P2Y', nouveauBail: 'P2M' })).toBeUndefined();
  });

  it('un changement de réglages : chaque sorte de réglage appliquée et dite en mots ; une option inconnue refusée ; le nom seul changé dans le fichier', () => {
    const p = CATALOGUE.trouver('toulouse-declic')!;
    const changer = (c: Omit<Parameters<typeof appliquerChangement>[1], 'versionAttendue' | 'motif'>) =>
      appliquerChangement(p, { versionAttendue: p.version, motif: 'Essai', ...c });
    const suivant = changer({ rappelsValidation: ['P2D', 'P5D'], conservationDossier: 'P3Y', jalons: { pointsSuivi: [] } });
    expect(suivant).toMatchObject({ rappelsValidation: ['P2D', 'P5D'], conservationDossier: 'P3Y', jalons: { pointsSuivi: [] } });
    expect(decrireChangements(p, suivant)).toEqual([
      'Points de suivi mensuels (depuis le début de l’accompagnement) : 1 mois, 2 mois, 4 mois, 5 mois → aucun',
      'Rappels d’une demande de validation (depuis l’envoi) : 3 jours, 7 jours → 2 jours, 5 jours',
      'Conservation d’un dossier clos : non réglé → 3 ans',
    ]);
    expect(() => changer({ options: { optionInventee: true } })).toThrow(
      expect.objectContaining({ erreurs: [{ champ: 'options.optionInventee', message: 'option que ce programme n’a pas' }] }),
    );
    expect(decrireChangements(p, { ...p, nom: `${p.nom} (nouveau nom)` })).toEqual(['Nom ou partenaires du fichier du programme.']);
    expect(decrireChangements(p, { ...p, partenaires: {} })).toEqual(['Nom ou partenaires du fichier du programme.']);
    expect(decrireChangements(p, p)).toEqual([]);
  });

  it('un rappel aussi long qu’un délai qu’il rappelle, quel que soit le mois, est refusé (il ne partirait pas) ; les délais sont dans l’ordre des étapes du parcours', () => {
    const refus = (id: string, delais: Record<string, string>) => {
      const p = CATALOGUE.trouver(id)!;
      try {
        appliquerChangement(p, { versionAttendue: p.version, motif: 'Essai', delais });
        return undefined;
      } catch (e) {
        return e instanceof RefusReglages ? e.erreurs : e;
      }
    };
    // Besançon : la seconde visite se fait en une semaine ; un rappel d'une semaine tomberait le jour où elle s'ouvre.
    expect(refus('besancon-ccas', { rappelAvant: 'P1W' })).toEqual([
      {
        champ: 'delais.rappelAvant',
        message:
          'un rappel de 1 semaine ne partirait jamais : il doit être plus court que chaque délai qu’il rappelle, dont « Seconde visite après une première sans réponse » (1 semaine)',
      },
    ]);
    expect(refus('besancon-ccas', { rappelAvant: 'P6D' })).toBeUndefined();
    // Le même rappel, la seconde visite et le plan d'aide allongés : accepté.
    expect(refus('besancon-ccas', { rappelAvant: 'P1W', secondeVisite: 'P10D' })).toEqual([
      { champ: 'delais.rappelAvant', message: expect.stringContaining('« Plan d’aide (après le diagnostic) » (1 semaine)') },
    ]);
    expect(refus('besancon-ccas', { rappelAvant: 'P1W', secondeVisite: 'P10D', planAide: 'P10D' })).toBeUndefined();
    // Un délai qui n'a pas de rappel (réponse du bailleur sur un paiement, 10 jours) ne compte pas.
    expect(refus('reims-april-protocole', { rappelAvant: 'P3W' })).toBeUndefined();
    expect(refus('reims-april-protocole', { rappelAvant: 'P1M' })).toEqual([
      { champ: 'delais.rappelAvant', message: expect.stringContaining('dont « Visite de suivi » (1 mois)') },
    ]);
    // Un mois contre 30 jours : selon les mois, le rappel d'un mois tomberait avant l'ouverture.
    expect(refus('loiret-ahu', { rappelAvant: 'P1M', contact: 'P30D', diagnostic: 'P2M', planAide: 'P6W', suivi: 'P6M', saisieBilan: 'P6W' })).toEqual([
      { champ: 'delais.rappelAvant', message: expect.stringContaining('« Prise de contact avec le ménage » (30 jours)') },
    ]);
    // 4 semaines avant une visite d'un mois : une visite fixée en février (28 jours) n'aurait pas de rappel.
    expect(refus('reims-april-protocole', { rappelAvant: 'P4W' })).toEqual([
      {
        champ: 'delais.rappelAvant',
        message:
          'un rappel de 4 semaines ne partirait pas toujours (selon les mois) : il doit être plus court que chaque délai qu’il rappelle, dont « Visite de suivi » (1 mois)',
      },
    ]);
    expect(refus('reims-april-protocole', { rappelAvant: 'P27D' })).toBeUndefined();
    // Plusieurs délais trop courts : celui qui manquerait le plus de rappels est nommé (ici, jamais),
    // pas le premier dans l'ordre des étapes (selon les mois).
    expect(refus('loiret-ahu', { rappelAvant: 'P30D', planAide: 'P4W', saisieBilan: 'P6W' })).toEqual([
      {
        champ: 'delais.rappelAvant',
        message:
          'un rappel de 30 jours ne partirait jamais : il doit être plus court que chaque délai qu’il rappelle, dont « Plan d’aide (après le diagnostic) » (4 semaines)',
      },
    ]);
    // Deux mois contre 61 jours : seules les échéances ouvertes en juillet ou en décembre (62 jours) auraient leur rappel.
    expect(refus('loiret-ahu', { rappelAvant: 'P61D', contact: 'P2M', diagnostic: 'P2M', planAide: 'P3M', suivi: 'P6M', saisieBilan: 'P3M' })).toEqual([
      {
        champ: 'delais.rappelAvant',
        message:
          'un rappel de 61 jours ne partirait presque jamais : il doit être plus court que chaque délai qu’il rappelle, dont « Prise de contact avec le ménage » (2 mois)',
      },
    ]);
    // IML : la recherche d'un logement et la saisie des bilans de la mesure reçoivent le rappel.
    expect(refus('concarneau-iml', { rappelAvant: 'P3W' })).toEqual([
      {
        champ: 'delais.rappelAvant',
        message: expect.stringContaining(
          'ne partirait jamais : il doit être plus court que chaque délai qu’il rappelle, dont « Saisie d’un bilan après sa date » (3 semaines)',
        ),
      },
    ]);
    // Un délai rappelé que le programme ne règle pas compte pour sa durée sans réglage (la saisie d'un
    // bilan : 2 semaines en prévention, dite ainsi).
    const sansSaisie = CATALOGUE.trouver('loiret-ahu')!;
    const { saisieBilan: _retire, ...delaisSansSaisie } = sansSaisie.delais;
    const sansReglage = { ...sansSaisie, delais: { ...delaisSansSaisie, contact: 'P2M', diagnostic: 'P2M', planAide: 'P6W' } };
    expect(() => appliquerChangement(sansReglage, { versionAttendue: sansReglage.version, motif: 'Essai', delais: { rappelAvant: 'P15D' } })).toThrow(
      expect.objectContaining({
        erreurs: [
          {
            champ: 'delais.rappelAvant',
            message:
              'un rappel de 15 jours ne partirait jamais : il doit être plus court que chaque délai qu’il rappelle, dont « Saisie d’un bilan après sa date » (2 semaines, sans réglage dans ce programme)',
          },
        ],
      }),
    );
    expect(() => appliquerChangement(sansReglage, { versionAttendue: sansReglage.version, motif: 'Essai', delais: { rappelAvant: 'P13D' } })).not.toThrow();
    expect(DELAIS_DU_PARCOURS.prevention_precontentieuse.saisieBilan!.defaut).toBe(DELAIS_PAR_DEFAUT.prevention_precontentieuse.saisieBilan);

    // Chaque délai d'un type de parcours est rattaché à une étape de ce type.
    for (const type of TYPES_PARCOURS)
      for (const [cle, d] of Object.entries(DELAIS_DU_PARCOURS[type])) {
        expect(ETAPES_CONNUES[type], `${type} : ${cle}`).toContain(d.etape);
        expect(LIBELLES_DELAIS[cle], cle).toBeDefined();
      }

    // Le calendrier d'Alsace-Moselle est proposé à tout programme, décoché s'il ne le règle pas.
    const page = (id: string) => pageReglages({ csrf: 'x' } as never, { programme: CATALOGUE.trouver(id)!, versions: [] } as never).valeur;
    for (const id of ['concarneau-iml', 'reims-april-protocole', 'besancon-ccas'])
      expect(page(id)).toContain(
        '<input type="checkbox" id="options-joursFeriesAlsaceMoselle" name="options.joursFeriesAlsaceMoselle" value="oui"><label for="options-joursFeriesAlsaceMoselle">Jours fériés d’Alsace-Moselle (Vendredi saint, 26 décembre) pour les dates limites des partenaires</label>',
      );
    // Les délais dans l'ordre des étapes du type de parcours (ETAPES_CONNUES), le rappel après.
    const ordre = (id: string) =>
      [...pageReglages({ csrf: 'x' } as never, { programme: CATALOGUE.trouver(id)!, versions: [] } as never).valeur.matchAll(/id="delais-([a-zA-Z]+)-n"/g)].map(
        (m) => m[1],
      );
    expect(ordre('besancon-ccas')).toEqual([
      'contact',
      'premiereVisite',
      'secondeVisite',
      'diagnostic',
      'planAide',
      'validationDepartement',
      'informationPartenaires',
      'saisieBilan',
      'suivi',
      'rappelAvant',
    ]);
    // Reims : le comité de suivi avant la prise de contact, la veille active après l'accompagnement.
    expect(ordre('reims-april')).toEqual([
      'comiteDeSuivi',
      'contact',
      'diagnostic',
      'planAide',
      'validationDepartement',
      'informationPartenaires',
      'saisieBilan',
      'veilleActive',
      'rappelAvant',
    ]);
    expect(ordre('concarneau-iml')).toEqual([
      'validationSiao',
      'rechercheLogement',
      'saisieBilan',
      'glissement',
      'prolongation',
      'prolongationMax',
      'rappelAvant',
    ]);
    expect(ordre('reims-april-protocole')).toEqual([
      'dureeMax',
      'avenantMax',
      'paiement',
      'reponsePaiement',
      'bilan',
      'visite',
      'reponseManquements',
      'nouveauBail',
      'orientation',
      'rappelAvant',
    ]);
  });
});
