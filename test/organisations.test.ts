/**
 * L'annuaire des partenaires par organisation et le bailleur de chaque parcours (issue 14, point 1),
 * sur le vrai système : Temporal, worker, PostgreSQL, API et mail catcher.
 * - un bailleur ajouté à l'annuaire est choisi au lancement : tout ce qui va « au bailleur » va à ses
 *   contacts, et à eux seuls ; changé avec un motif, les courriels suivants vont au nouveau ;
 * - un programme à plusieurs bailleurs (APRIL : trois) exige le choix ; la file active par bailleur
 *   (20 chez APRIL) refuse un lancement de trop, y compris en parallèle ;
 * - le dernier contact d'un bailleur ajouté ne se retire pas (ses ménages seraient écrits à un autre
 *   bailleur), même par deux retraits simultanés ;
 * - accès : lecture par le personnel du programme, changements par la coordination ; erreurs en français.
 */
import { describe, expect, it, vi } from 'vitest';
import { CATALOGUE, COORD_BESANCON_ESSAI, jusqua, menageEssai, situationPrevention } from './outils/environnement';
import { etatQuery, repondreValidationUpdate } from '../domain/messages';
import { PARCOURS_IML } from '../api/parcours-iml';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bancAvecApi, champsCaches, clientAuxReponsesPerdues, demarrerApiEssai, formulaireLancement, type ApiEssai, type Reponse } from './outils/api';
import { baseEssai, etapeConsignee, ligneDossier } from './outils/base';
import { AnnuairePartenaires } from '../personnel/organisations';
import { Orientations } from '../orientations/registre';
import { DELAI_LANCEMENT_MS, LANCEMENT_INCERTAIN } from '../api/routes/parcours';
import { dateEnFrancais, jourDeParis } from '../domain/durees';
import { echeanceDepuisLeJour } from '../domain/prevention';
import { NOM_COOKIE } from '../api/auth';
import { sql } from 'kysely';
import { nombreDe } from '../domain/libelles';

const essai = bancAvecApi('mot-de-passe-essai', { autres: [COORD_BESANCON_ESSAI] });
const appel = (...a: Parameters<typeof essai.api.appel>) => essai.api.appel(...a);
const coord = () => essai.connecter('coord.essai');

async function lancer(programmeId: string, bailleur?: string) {
  const menage = menageEssai();
  const corps = { programmeId, travailleurSocial: 'ts.alice', menage, ...(bailleur ? { bailleur } : {}), donnees: { situation: situationPrevention() } };
  return { menage, r: await appel('POST', '/api/parcours', { jeton: await coord(), corps }) };
}

const pour = (adresse: string, reference: string, sujet: string) => (m: { a: string[]; sujet: string }) =>
  m.a.includes(adresse) && m.sujet.includes(reference) && m.sujet.startsWith(sujet);

describe('annuaire des partenaires et bailleur du parcours', () => {
  it('un bailleur privé ajouté à l’annuaire : choisi au lancement, il reçoit seul ce qui va au bailleur ; changé avec un motif, le suivant va au nouveau', async () => {
    const jeton = await coord();
    const loiret = CATALOGUE.trouver('loiret-ahu')!;
    const parDefaut = loiret.partenaires.bailleur!.courriel;

    const annuaire = await appel('GET', '/api/programmes/loiret-ahu/annuaire', { jeton });
    expect(annuaire.status, annuaire.texte).toBe(200);
    const bailleurs = annuaire.json.organisations.filter((o: { type: string }) => o.type.startsWith('bailleur'));
    expect(bailleurs).toHaveLength(1);
    expect(bailleurs[0]).toMatchObject({ id: 'loiret-ahu--bailleur', libelleType: 'Bailleur social', contacts: [{ courriel: parDefaut, actif: true }] });

    const cree = await appel('POST', '/api/programmes/loiret-ahu/organisations', {
      jeton,
      corps: {
        type: 'bailleur_prive',
        nom: 'SCI Les Tilleuls',
        contacts: [{ nom: 'Paul Garnier', courriel: 'gestion@sci-tilleuls.example', service: 'gestion locative' }],
      },
    });
    expect(cree.status, cree.texte).toBe(201);
    const sci = cree.json.id as string;
    expect(cree.json).toMatchObject({
      type: 'bailleur_prive',
      libelleType: 'Bailleur privé',
      parcoursOuverts: 0,
      contacts: [{ nom: 'Paul Garnier', service: 'gestion locative' }],
    });

    // Deux bailleurs : le lancement doit nommer le sien.
    const sansChoix = await lancer('loiret-ahu');
    expect(sansChoix.r.status, sansChoix.r.texte).toBe(400);
    expect(sansChoix.r.json.errors[0]).toMatchObject({ champ: 'bailleur' });
    expect(sansChoix.r.json.detail).toContain('« SCI Les Tilleuls »');
    const inconnu = await lancer('loiret-ahu', 'loiret-ahu--nulle-part');
    expect(inconnu.r.status).toBe(400);
    expect(inconnu.r.json.detail).toContain('bailleur inconnu ou inactif');
    // Plusieurs erreurs de saisie : toutes dans la même réponse (ménage, travailleur social, données,
    // bailleur), pas l'une après l'autre ; rien n'est lancé.
    const plusieurs = await appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'personne.inconnue',
        menage: { ...menageEssai(), nom: '' },
        donnees: { situation: { ...situationPrevention(), montantDette: -5 } },
      },
    });
    expect(plusieurs.status, plusieurs.texte).toBe(400);
    expect((plusieurs.json.errors as Array<{ champ: string }>).map((e) => e.champ).sort()).toEqual([
      'bailleur',
      'donnees.situation.montantDette',
      'menage.nom',
      'travailleurSocial',
    ]);
    expect(plusieurs.json.detail).toMatch(/^4 champs invalides/);

    const { menage, r } = await lancer('loiret-ahu', sci);
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    const recu = await essai.banc.courriels.waitFor(pour('gestion@sci-tilleuls.example', menage.reference, 'Orientation reçue'), { timeoutMs: 20_000 });
    // Répondre joint l'opérateur du programme, pas l'expéditeur technique.
    expect(recu.enTetes['reply-to']).toContain(loiret.operateur.courriel);
    expect(essai.banc.courriels.messages().filter((m) => m.a.includes(parDefaut) && m.sujet.includes(menage.reference))).toEqual([]);
    // Le journal nomme le bailleur qui l'a reçu (celui du ménage), pas celui du programme.
    const accuse = await jusqua(
      essai.banc.env.client.workflow.getHandle(id),
      (e) => e.journal.some((x) => x.resume.includes('Orientation reçue')),
      'accusé d’orientation au journal',
    );
    expect(accuse.journal.find((x) => x.resume.includes('Orientation reçue'))!.resume).toMatch(
      /^Courriel au bailleur \(SCI Les Tilleuls\) : « Orientation reçue/,
    );

    const lu = await appel('GET', `/api/parcours/${id}/bailleur`, { jeton });
    expect(lu.json).toEqual({ bailleur: { id: sci, nom: 'SCI Les Tilleuls', type: 'bailleur_prive' }, historique: [] });
    const file = await appel('GET', '/api/programmes/loiret-ahu/annuaire', { jeton });
    expect(file.json.organisations.find((o: { id: string }) => o.id === sci).parcoursOuverts).toBe(1);

    // Changement de bailleur : refusé sans motif, à un travailleur social, vers le même ; tracé sinon.
    const sansMotif = await appel('PUT', `/api/parcours/${id}/bailleur`, { jeton, corps: { bailleur: 'loiret-ahu--bailleur' } });
    expect(sansMotif.status).toBe(400);
    expect(sansMotif.json.errors[0].champ).toBe('motif');
    const parTs = await appel('PUT', `/api/parcours/${id}/bailleur`, {
      jeton: await essai.connecter('ts.alice'),
      corps: { bailleur: 'loiret-ahu--bailleur', motif: 'Mutation' },
    });
    expect(parTs.status).toBe(403);
    const meme = await appel('PUT', `/api/parcours/${id}/bailleur`, { jeton, corps: { bailleur: sci, motif: 'Erreur' } });
    expect(meme.status).toBe(409);
    expect(meme.json.detail).toContain('déjà le bailleur');
    const change = await appel('PUT', `/api/parcours/${id}/bailleur`, {
      jeton,
      corps: { bailleur: 'loiret-ahu--bailleur', motif: 'Logement repris par le bailleur social' },
    });
    expect(change.status, change.texte).toBe(200);
    expect(change.json.historique).toEqual([
      {
        ancien: 'SCI Les Tilleuls',
        nouveau: loiret.partenaires.bailleur!.nom,
        par: 'coord.essai',
        motif: 'Logement repris par le bailleur social',
        le: expect.any(String),
      },
    ]);

    // La lettre d'information au ménage envoyée, le parcours attend le premier contact.
    await jusqua(essai.banc.env.client.workflow.getHandle(id), (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    const contact = await appel('POST', `/api/parcours/${id}/messages/tentative-contact`, {
      jeton: await essai.connecter('ts.alice'),
      corps: { requestId: `contact-${menage.reference}`, canal: 'telephone', creneau: 'soir', issue: 'joint' },
    });
    expect(contact.status, contact.texte).toBe(200);
    await essai.banc.courriels.waitFor(pour(parDefaut, menage.reference, 'Contact établi'), { timeoutMs: 20_000 });
    expect(essai.banc.courriels.messages().filter(pour('gestion@sci-tilleuls.example', menage.reference, 'Contact établi'))).toEqual([]);

    // Un contact ajouté reçoit les courriels suivants ; retiré, il n'en reçoit plus.
    const ajoute = await appel('POST', `/api/organisations/${sci}/contacts`, { jeton, corps: { nom: 'Léa Roux', courriel: 'lea.roux@sci-tilleuls.example' } });
    expect(ajoute.status, ajoute.texte).toBe(201);
    const retire = await appel('DELETE', `/api/organisations/${sci}/contacts/${ajoute.json.id}`, { jeton });
    expect(retire.status).toBe(204);
    const apres = await appel('GET', '/api/programmes/loiret-ahu/annuaire', { jeton });
    expect(apres.json.organisations.find((o: { id: string }) => o.id === sci).contacts.find((c: { id: string }) => c.id === ajoute.json.id).actif).toBe(false);

    // Le dernier contact de ce bailleur ne se retire pas : sans lui, ce qui va au bailleur de ses ménages
    // partirait à l'adresse de repli du programme, celle d'un autre bailleur. Rien ne change.
    const contactsDeLaSci = async () =>
      (await appel('GET', '/api/programmes/loiret-ahu/annuaire', { jeton })).json.organisations.find((o: { id: string }) => o.id === sci).contacts as Array<{
        id: string;
        courriel: string;
        actif: boolean;
      }>;
    const paul = (await contactsDeLaSci()).find((c) => c.courriel === 'gestion@sci-tilleuls.example')!;
    const dernier = await appel('DELETE', `/api/organisations/${sci}/contacts/${paul.id}`, { jeton });
    expect(dernier.status, dernier.texte).toBe(409);
    expect(dernier.json.detail).toBe(
      'C’est le dernier contact de ce bailleur : sans contact, les courriels destinés au bailleur de ses ménages iraient à la coordination du programme, à lui faire suivre ; ajoutez d’abord un autre contact, puis retirez celui-ci.',
    );
    expect((await contactsDeLaSci()).filter((c) => c.actif).map((c) => c.courriel)).toEqual(['gestion@sci-tilleuls.example']);
    // Ses deux contacts retirés en même temps : l'un des deux reste (vérifié sous verrou).
    const lea = await appel('POST', `/api/organisations/${sci}/contacts`, { jeton, corps: { nom: 'Léa Roux', courriel: 'lea.roux@sci-tilleuls.example' } });
    expect(lea.status, lea.texte).toBe(201);
    const ensemble = await Promise.all([paul.id, lea.json.id as string].map((c) => appel('DELETE', `/api/organisations/${sci}/contacts/${c}`, { jeton })));
    expect(ensemble.map((r) => r.status).sort()).toEqual([204, 409]);
    expect((await contactsDeLaSci()).filter((c) => c.actif)).toHaveLength(1);

    // Le bailleur désactivé ne peut plus être choisi ; le programme retrouve son bailleur unique.
    const desactive = await appel('PATCH', `/api/organisations/${sci}`, { jeton, corps: { actif: false } });
    expect(desactive.status, desactive.texte).toBe(200);
    const seul = await lancer('loiret-ahu');
    expect(seul.r.status, seul.r.texte).toBe(201);
  });

  it('APRIL : trois bailleurs, le choix est exigé ; la file active par bailleur refuse un lancement de trop, même en parallèle', async () => {
    const jeton = await coord();
    const annuaire = await appel('GET', '/api/programmes/reims-april/annuaire', { jeton });
    const bailleurs = annuaire.json.organisations.filter((o: { parcoursOuverts?: number }) => o.parcoursOuverts !== undefined);
    expect(bailleurs.map((b: { nom: string }) => b.nom).sort()).toEqual([
      'Le Foyer Rémois — service contentieux',
      'Plurial Novilia — pôle recouvrement',
      'Reims Habitat — service recouvrement',
    ]);
    expect(bailleurs.every((b: { quotaFileActive: number }) => b.quotaFileActive === 20)).toBe(true);

    const sansChoix = await lancer('reims-april');
    expect(sansChoix.r.status).toBe(400);
    expect(sansChoix.r.json.detail).toMatch(/choisissez le bailleur du ménage parmi .*Plurial Novilia/);

    const plurial = 'reims-april--bailleur-plurial-novilia';
    const quota = await appel('PATCH', `/api/organisations/${plurial}`, { jeton, corps: { quotaFileActive: 2 } });
    expect(quota.status, quota.texte).toBe(200);
    const lancements = await Promise.all([1, 2, 3, 4].map(() => lancer('reims-april', plurial)));
    const statuts = lancements.map((l) => l.r.status).sort();
    expect(statuts).toEqual([201, 201, 409, 409]);
    const refus = lancements.find((l) => l.r.status === 409)!.r.json;
    expect(refus.detail).toContain('La file active de « Plurial Novilia — pôle recouvrement » est complète (2 ménages suivis pour 2 places)');
    // Rien n'est resté du lancement refusé : pas de parcours, pas de place prise.
    const refuse = lancements.find((l) => l.r.status === 409)!;
    expect((await appel('GET', `/api/parcours/reims-april--${refuse.menage.reference}`, { jeton })).status).toBe(404);

    // Une place se libère à la clôture d'un parcours de ce bailleur.
    const premier = lancements.find((l) => l.r.status === 201)!.r.json.workflowId as string;
    const clos = await appel('POST', `/api/parcours/${premier}/cloture`, {
      jeton,
      corps: { requestId: `cloture-${premier}`, motif: 'Le ménage a quitté le logement' },
    });
    expect(clos.status, clos.texte).toBe(200);
    await vi.waitFor(
      async () => {
        const a = await appel('GET', '/api/programmes/reims-april/annuaire', { jeton });
        expect(a.json.organisations.find((o: { id: string }) => o.id === plurial).parcoursOuverts).toBe(1);
      },
      { timeout: 20_000, interval: 200 },
    );
    expect((await lancer('reims-april', plurial)).r.status).toBe(201);

    // Un quota baissé sous la file actuelle : le refus dit le compte exact, pas le quota.
    expect((await appel('PATCH', `/api/organisations/${plurial}`, { jeton, corps: { quotaFileActive: 1 } })).status).toBe(200);
    const deTrop = await lancer('reims-april', plurial);
    expect(deTrop.r.status).toBe(409);
    expect(deTrop.r.json.detail).toContain('est complète (2 ménages suivis pour 1 place) : clôturez un parcours ou augmentez le quota');

    // Les indicateurs par bailleur : chacun ses ménages seulement, et leur somme fait le programme.
    const lues = async (bailleur?: string) => {
      const r = await appel('GET', `/api/programmes/reims-april/indicateurs${bailleur ? `?bailleur=${bailleur}` : ''}`, { jeton });
      expect(r.status, r.texte).toBe(200);
      return r.json.fichesLues as number;
    };
    await vi.waitFor(async () => expect(await lues(plurial)).toBe(3), { timeout: 20_000, interval: 250 });
    const autres = bailleurs.map((b: { id: string }) => b.id).filter((id: string) => id !== plurial);
    expect(await Promise.all(autres.map((id: string) => lues(id)))).toEqual([0, 0]);
    expect(await lues()).toBe(3);
    const horsProgramme = await appel('GET', '/api/programmes/reims-april/indicateurs?bailleur=loiret-ahu--bailleur', { jeton });
    expect(horsProgramme.status).toBe(400);
    expect(horsProgramme.json.detail).toContain('n’est pas un bailleur de l’annuaire de');
  });

  it('une place prise par un lancement interrompu (bailleur inscrit, parcours jamais démarré) est rendue passé le délai d’un lancement ; un parcours qui existe, même sans dossier encore, garde la sienne', async () => {
    const jeton = await coord();
    const foyer = 'reims-april--bailleur-foyer-remois';
    const base = essai.banc.dependances.base;
    expect((await appel('PATCH', `/api/organisations/${foyer}`, { jeton, corps: { quotaFileActive: 1 } })).status).toBe(200);
    const ilYA = new Date(Date.now() - DELAI_LANCEMENT_MS - 1000);
    const inscrire = (workflowId: string, choisiLe: Date) =>
      base
        .insertInto('bailleurs_parcours')
        .values({ workflow_id: workflowId, programme_id: 'reims-april', organisation_id: foyer, choisi_par: 'coord.essai', choisi_le: choisiLe })
        .execute();
    const inscrit = async (workflowId: string) =>
      !!(await base.selectFrom('bailleurs_parcours').select('workflow_id').where('workflow_id', '=', workflowId).executeTakeFirst());
    const ouverts = async () =>
      (await appel('GET', '/api/programmes/reims-april/annuaire', { jeton })).json.organisations.find((o: { id: string }) => o.id === foyer)
        .parcoursOuverts as number;

    // Un lancement peut-être encore en cours : sa place est gardée, la file est complète.
    await inscrire('reims-april--INTERROMPU-1', new Date());
    const complet = await lancer('reims-april', foyer);
    expect(complet.r.status).toBe(409);
    expect(complet.r.json.detail).toContain('est complète (1 ménage suivi pour 1 place)');
    // Passé ce délai, sans parcours : la place est rendue au lancement suivant, qui la prend.
    await base.updateTable('bailleurs_parcours').set({ choisi_le: ilYA }).where('workflow_id', '=', 'reims-april--INTERROMPU-1').execute();
    const lance = await lancer('reims-april', foyer);
    expect(lance.r.status, lance.r.texte).toBe(201);
    expect(await inscrit('reims-april--INTERROMPU-1')).toBe(false);

    // L'annuaire compte sans elles ; un parcours qui existe sans dossier encore (worker arrêté) garde la sienne.
    const existant = 'reims-april--EXISTE-SANS-DOSSIER';
    const sansWorker = await essai.banc.env.client.workflow.start('parcoursSansWorker', { taskQueue: 'aucun-worker', workflowId: existant });
    try {
      await inscrire('reims-april--INTERROMPU-2', ilYA);
      await inscrire(existant, ilYA);
      expect(await ouverts()).toBe(2);
      expect(await inscrit('reims-april--INTERROMPU-2')).toBe(false);
      expect(await inscrit(existant)).toBe(true);
    } finally {
      await sansWorker.terminate();
      await base.deleteFrom('bailleurs_parcours').where('workflow_id', '=', existant).execute();
      await appel('PATCH', `/api/organisations/${foyer}`, { jeton, corps: { quotaFileActive: 20 } });
    }

    // Le registre, quel que soit l'appelant : ni une inscription récente, ni une qui a son dossier, ni une close.
    const annuaire = new AnnuairePartenaires(base);
    const seuil = new Date(Date.now() - DELAI_LANCEMENT_MS);
    await inscrire('reims-april--RECENT', new Date());
    await inscrire('reims-april--AVEC-DOSSIER', ilYA);
    await inscrire('reims-april--CLOS', ilYA);
    await inscrire('reims-april--FANTOME', ilYA);
    await base
      .insertInto('dossiers')
      .values(ligneDossier({ workflowId: 'reims-april--AVEC-DOSSIER', programmeId: 'reims-april' }))
      .execute();
    await base.updateTable('bailleurs_parcours').set({ clos: true }).where('workflow_id', '=', 'reims-april--CLOS').execute();
    const essais = ['reims-april--RECENT', 'reims-april--AVEC-DOSSIER', 'reims-april--CLOS', 'reims-april--FANTOME'];
    try {
      expect(await annuaire.inscriptionsSansDossier(foyer, seuil)).toEqual(['reims-april--FANTOME']);
      expect(await annuaire.inscriptionsSansDossier('reims-april--bailleur', seuil)).toEqual([]);
      expect(await Promise.all(essais.map((id) => annuaire.rendrePlace(id, seuil)))).toEqual([false, false, false, true]);
    } finally {
      await base.deleteFrom('dossiers').where('workflow_id', '=', 'reims-april--AVEC-DOSSIER').execute();
      await base.deleteFrom('bailleurs_parcours').where('workflow_id', 'in', essais).execute();
    }
  });

  it('un nouvel essai du même lancement garde le bailleur choisi la première fois, avec ou sans quota, même file complète', async () => {
    const annuaire = new AnnuairePartenaires((await baseEssai()).db);
    for (const programme of ['loiret-ahu', 'reims-april']) {
      const [premier, autre] = await annuaire.lister(programme, { actives: true, type: 'bailleurs', sansFileActive: true });
      const id = `${programme}--NOUVEL-ESSAI-${Date.now()}`;
      const a = await annuaire.choisirPourLancement(id, programme, premier!.id, 'coord.essai');
      expect(a.ajoute).toBe(true);
      expect(a.organisation.quotaFileActive ?? null).toBe(programme === 'reims-april' ? 20 : null);
      // Le même parcours relancé, un autre bailleur demandé, puis sa file mise à zéro place : il garde le sien.
      expect((await annuaire.choisirPourLancement(id, programme, (autre ?? premier)!.id, 'coord.essai')).ajoute).toBe(false);
      if (programme === 'reims-april') {
        await annuaire.modifier(premier!.id, { quotaFileActive: 0 });
        expect((await annuaire.choisirPourLancement(id, programme, premier!.id, 'coord.essai')).ajoute).toBe(false);
        await annuaire.modifier(premier!.id, { quotaFileActive: 20 });
      }
      expect((await annuaire.bailleurDuParcours(id)).organisation?.id).toBe(premier!.id);
      // Le parcours ouvert par une rechute (veille active) a le bailleur du parcours d'origine.
      expect((await annuaire.bailleurDuParcours(`${id}-R261204`)).organisation).toMatchObject({ id: premier!.id, nom: premier!.nom });
      await annuaire.oublierLancement(id);
      expect((await annuaire.bailleurDuParcours(`${id}-R261204`)).organisation).toBeUndefined();
    }
  });

  it('accès et saisies : le travailleur social lit, ne change rien ; erreurs en français qui nomment le champ', async () => {
    const ts = await essai.connecter('ts.alice');
    expect((await appel('GET', '/api/programmes/loiret-ahu/annuaire', { jeton: ts })).status).toBe(200);
    const interdit = await appel('POST', '/api/programmes/loiret-ahu/organisations', { jeton: ts, corps: { type: 'ccas', nom: 'CCAS d’Orléans' } });
    expect(interdit.status).toBe(403);
    const jeton = await coord();
    const mauvais = await appel('POST', '/api/programmes/loiret-ahu/organisations', { jeton, corps: { type: 'banque', nom: 'Banque', quotaFileActive: -1 } });
    expect(mauvais.status).toBe(400);
    expect(mauvais.json.detail).toMatch(/^2 champs invalides : « type » \(choisissez le type d’organisation/);
    expect(mauvais.json.errors.map((e: { champ: string }) => e.champ)).toEqual(['type', 'quotaFileActive']);
    const inverse = await appel('POST', '/api/programmes/loiret-ahu/organisations', { jeton, corps: { type: 'ccas', nom: 'X\u202Eevil' } });
    expect(inverse.status).toBe(400);
    expect(inverse.json.errors[0].champ).toBe('nom');
    const courriel = await appel('POST', '/api/organisations/loiret-ahu--bailleur/contacts', { jeton, corps: { nom: 'Jean', courriel: 'pas-une-adresse' } });
    expect(courriel.status).toBe(400);
    expect(courriel.json.errors[0]).toMatchObject({ champ: 'courriel', message: 'adresse électronique invalide' });
    const double = await appel('POST', '/api/programmes/loiret-ahu/organisations', {
      jeton,
      corps: {
        type: 'ccas',
        nom: 'CCAS de Fleury',
        contacts: [
          { nom: 'Accueil', courriel: 'accueil@ccas-fleury.example' },
          { nom: 'Direction', courriel: 'Accueil@ccas-fleury.example' },
        ],
      },
    });
    expect(double.status).toBe(400);
    expect(double.json.errors[0]).toMatchObject({ champ: 'contacts', message: 'la même adresse électronique figure deux fois' });
    expect((await appel('PATCH', '/api/organisations/loiret-ahu--nulle-part', { jeton, corps: { nom: 'Rien' } })).status).toBe(404);
    expect((await appel('PATCH', '/api/organisations/loiret-ahu--bailleur', { jeton, corps: {} })).status).toBe(400);
    const avant = await appel('GET', '/api/programmes/loiret-ahu/annuaire', { jeton });
    expect(avant.json.organisations.some((o: { nom: string }) => o.nom.includes('evil'))).toBe(false);
  });

  it('IML : le logement trouvé chez un autre bailleur de l’annuaire en fait le bailleur du ménage (tracé) avant le début de la mesure, qui va à lui seul ; hors annuaire sans adresse, ou nom ambigu : refusé, rien ne change', async () => {
    const jeton = await coord();
    const annuaire = await appel('GET', '/api/programmes/concarneau-iml/annuaire', { jeton });
    const bailleurs = (annuaire.json.organisations as Array<{ id: string; nom: string; type: string }>).filter((o) => o.type.startsWith('bailleur'));
    const finistere = bailleurs.find((b) => b.nom.startsWith('Finistère Habitat'))!;
    const opac = bailleurs.find((b) => b.nom.startsWith('Opac'))!;
    // Une autre agence du même bailleur : « Opac de Quimper Cornouaille » seul nommerait les deux.
    const quimperle = await appel('POST', '/api/programmes/concarneau-iml/organisations', {
      jeton,
      corps: {
        type: 'bailleur_social',
        nom: 'Opac de Quimper Cornouaille — agence de Quimperlé',
        contacts: [{ nom: 'Agence', courriel: 'quimperle@opac-quimper.example' }],
      },
    });
    expect(quimperle.status, quimperle.texte).toBe(201);
    const lance = await appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'concarneau-iml',
        travailleurSocial: 'ts.alice',
        bailleur: finistere.id,
        menage: menageEssai(),
        donnees: PARCOURS_IML.exempleLancement,
      },
    });
    expect(lance.status, lance.texte).toBe(201);
    const id = lance.json.workflowId as string;
    const reference = (lance.json.etat as { reference: string }).reference;
    const handle = essai.banc.env.client.workflow.getHandle(id);
    const demande = (await jusqua(handle, (e) => e.demandes.some((d) => d.role === 'siao'), 'demande au SIAO')).demandes[0]!;
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: randomUUID(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision: 'approuve' }],
    });
    // L'étape consignée au dossier (l'API y lit celle du message).
    await vi.waitFor(async () => expect(await etapeConsignee(id)).toBe('recherche_logement'), { timeout: 30_000, interval: 100 });
    const jour = jourDeParis(new Date());
    const logement = (nom: string, conventionne = true) => ({
      requestId: randomUUID(),
      bailleur: { type: 'public', nom, conventionne },
      adresse: '5 quai Carnot, 29900 Concarneau',
      typologie: 'T2',
      debutBailPrincipal: jour,
      debutSousLocation: jour,
    });
    const ts = await essai.connecter('ts.alice');
    const envoyer = (nom: string, conventionne = true) =>
      appel('POST', `/api/parcours/${id}/messages/logement`, { jeton: ts, corps: logement(nom, conventionne) });
    const bailleurDuMenage = async () => (await appel('GET', `/api/parcours/${id}/bailleur`, { jeton })).json;
    // Sur la page du travail social, la saisie du nom propose les bailleurs de l'annuaire du programme.
    const page = (await appel('GET', `/parcours/${id}`, { entetes: { cookie: `${NOM_COOKIE}=${ts}` } })).texte;
    const proposes = [...(/<datalist id="m-logement-bailleur-nom-suggestions">(.*?)<\/datalist>/.exec(page)?.[1] ?? '').matchAll(/value="([^"]*)"/g)].map(
      (m) => m[1],
    );
    expect(proposes.sort()).toEqual([...bailleurs.map((b) => b.nom), quimperle.json.nom].map((n) => n.replaceAll('&', '&amp;')).sort());

    const prive = await envoyer('M. Kerhervé');
    expect(prive.status, prive.texte).toBe(400);
    expect(prive.json.errors[0]).toMatchObject({ champ: 'bailleur.courriel' });
    expect(prive.json.errors[0].message).toBe(
      `le logement est chez « M. Kerhervé », qui n’est pas dans l’annuaire du programme, et non chez ${finistere.nom}, le bailleur du ménage, à qui iraient les courriels de la mesure : donnez l’adresse électronique du bailleur du logement (un propriétaire sans adresse électronique : la coordination l’ajoute à l’annuaire, sans contact, ses courriels iront alors à la coordination ; puis écrivez ici son nom)`,
    );
    const ambigu = await envoyer('OPAC de Quimper-Cornouaille');
    expect(ambigu.status, ambigu.texte).toBe(400);
    expect(ambigu.json.errors[0]).toMatchObject({ champ: 'bailleur.nom' });
    expect(ambigu.json.errors[0].message).toMatch(/^plusieurs bailleurs de l’annuaire portent ce nom \(« Opac de Quimper Cornouaille — agence de /);
    // Chez l'Opac, mais refusé par le parcours (bailleur non conventionné) : le bailleur du ménage ne change pas.
    const nonConventionne = await envoyer('Opac de Quimper Cornouaille, agence de Concarneau', false);
    expect(nonConventionne.status, nonConventionne.texte).toBe(409);
    expect(nonConventionne.json.detail).toContain('Le bailleur doit avoir conventionné avec');
    // Rien n'a changé : ni l'étape, ni le bailleur du ménage.
    expect((await handle.query(etatQuery)).etape).toBe('recherche_logement');
    expect((await bailleurDuMenage()).bailleur.id).toBe(finistere.id);
    expect((await bailleurDuMenage()).historique).toEqual([]);

    const ok = await envoyer('Opac de Quimper Cornouaille, agence de Concarneau');
    expect(ok.status, ok.texte).toBe(200);
    expect(ok.json.etape).toBe('sous_location');
    expect(await bailleurDuMenage()).toMatchObject({
      bailleur: { id: opac.id },
      historique: [{ ancien: finistere.nom, nouveau: opac.nom, par: 'ts.alice', motif: `Logement trouvé chez ${opac.nom}` }],
    });
    // Le début de la mesure va au bailleur du logement, et à lui seul.
    const opacContact = CATALOGUE.trouver('concarneau-iml')!.bailleurs!.find((b) => b.nom.startsWith('Opac'))!.courriel;
    const debut = await essai.banc.courriels.waitFor(pour(opacContact, reference, 'Sous-location en bail glissant : début de la mesure'), {
      timeoutMs: 20_000,
    });
    expect(debut.a).toEqual([opacContact]);
    const finistereContact = CATALOGUE.trouver('concarneau-iml')!.partenaires.bailleur!.courriel;
    expect(essai.banc.courriels.messages().filter((m) => m.a.includes(finistereContact) && m.sujet.includes(reference))).toEqual([]);
  });
});

describe('orientation d’un ménage par un partenaire (fiche par lien signé)', () => {
  const fiche = (o: Record<string, string> = {}) => ({
    'oriente.nom': 'Sandrine Morel',
    'oriente.courriel': 's.morel@habitat45.example',
    'oriente.service': 'recouvrement',
    'menage.nom': 'Mme Aïcha Benali',
    'menage.composition': 'famille_monoparentale',
    'menage.adresse': '4 allée des Saules, 45100 Orléans',
    'situation.impayesMois': '2',
    'situation.montantDette': '1 240,50',
    'situation.debutBail': new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10),
    'situation.garantie': 'aucune',
    'situation.dejaTente': 'Deux relances, un appel',
    'situation.contactBailleur': 'non',
    'situation.suiviParServiceSocial': 'non',
    consentement: 'oui',
    ...o,
  });

  const vus = new Set<string>();
  const cheminDe = (texte: string) => new URL(/https?:\/\/\S+\/orientation\/[A-Za-z0-9_.-]+/.exec(texte)![0]).pathname;
  /** Un bailleur social ajouté à l'annuaire de loiret-ahu, avec son contact : son identifiant. */
  async function bailleurDeLoiret(nom: string, contact: { nom: string; courriel: string; service: string }): Promise<string> {
    const cree = await appel('POST', '/api/programmes/loiret-ahu/organisations', {
      jeton: await coord(),
      corps: { type: 'bailleur_social', nom, contacts: [contact] },
    });
    expect(cree.status, cree.texte).toBe(201);
    return cree.json.id as string;
  }

  async function lienPour(organisation: string, contact: string) {
    const envoi = await appel('POST', `/api/organisations/${organisation}/liens-orientation`, { jeton: await coord() });
    expect(envoi.status, envoi.texte).toBe(201);
    const m = await essai.banc.courriels.waitFor(
      (x) => x.a.includes(contact) && x.sujet.includes('orienter un ménage') && x.texte.includes('/orientation/') && !vus.has(cheminDe(x.texte)),
      { timeoutMs: 10_000 },
    );
    vus.add(cheminDe(m.texte));
    return cheminDe(m.texte);
  }

  it('le bailleur oriente par son lien (un seul usage) ; la coordination voit l’éligibilité, accepte (parcours lancé, bailleur et « orienté par ») ou refuse (motif renvoyé)', async () => {
    const jeton = await coord();
    const habitat45 = await bailleurDeLoiret('Habitat 45', { nom: 'Sandrine Morel', courriel: 'recouvrement@habitat45.example', service: 'recouvrement' });
    const chemin = await lienPour(habitat45, 'recouvrement@habitat45.example');

    const page = await appel('GET', chemin);
    expect(page.status).toBe(200);
    expect(page.texte).toContain('Fiche d’orientation');
    expect(page.texte).toContain('Habitat 45 oriente un ménage');
    expect(page.texte).not.toMatch(/oriente\.nom<|situation\.impayesMois</);
    // Des titres et des choix en mots ; pas les questions propres à Besançon (ménage isolé, service social du département).
    expect(page.texte).toContain('<legend>Vous, qui orientez le ménage</legend>');
    expect(page.texte).toContain('<legend>Le ménage</legend>');
    expect(page.texte).toContain('>Service de proximité (gardien, agence)</option>');
    expect(page.texte).not.toContain('name="situation.isole"');
    expect(page.texte).not.toContain('name="situation.gardeParServiceSocialDepartement"');

    // Saisie incomplète : erreurs en français à côté des champs, rien d'enregistré, le lien sert encore.
    const incomplete = await appel('POST', chemin, { formulaire: fiche({ 'oriente.courriel': 'pas-une-adresse', consentement: '' }) });
    expect(incomplete.status).toBe(400);
    expect(incomplete.texte).toContain('adresse électronique invalide');
    expect(incomplete.texte).toContain('le ménage doit avoir été informé de cette orientation');
    expect((await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton })).json).toEqual([]);

    // Une réponse à une question que le programme ne pose pas (fiche d'avant, ou adresse forgée) ne bloque pas l'acceptation.
    const envoyee = await appel('POST', chemin, { formulaire: fiche({ 'situation.isole': 'oui' }) });
    expect(envoyee.status, envoyee.texte).toBe(201);
    expect(envoyee.texte).toContain('Orientation transmise');
    const encore = await appel('POST', chemin, { formulaire: fiche() });
    expect(encore.status).toBe(409);
    expect(encore.texte).toContain('ne sert qu’une fois');
    const annonce = await essai.banc.courriels.waitFor(
      (x) => x.a.includes('coordination@essai.example') && x.sujet.startsWith('Nouvelle orientation reçue de Habitat 45'),
      {
        timeoutMs: 10_000,
      },
    );

    const liste = await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton });
    expect(liste.status).toBe(200);
    expect(liste.json).toHaveLength(1);
    const recue = liste.json[0];
    expect(recue).toMatchObject({
      statut: 'recue',
      nonEligible: null,
      organisation: { id: habitat45, libelleType: 'Bailleur social' },
      orientePar: { nom: 'Sandrine Morel', libelleService: 'Recouvrement' },
      menage: { nom: 'Mme Aïcha Benali' },
      situation: { montantDette: 1240.5 },
      // Le délai de contact court depuis la réception (le signalement du bailleur) : un mois.
      contactAvant: echeanceDepuisLeJour(jourDeParis(recue.recueLe), 'P1M').toISOString(),
      delaiContactEcoule: false,
    });
    // La coordination apprend l'arrivée de l'orientation avec la date limite du contact.
    expect(annonce.texte).toContain(`le premier contact avec le ménage doit être établi au plus tard le ${dateEnFrancais(new Date(recue.contactAvant))}.`);
    const carte = async () => (await appel('GET', '/programmes/loiret-ahu/orientations', { entetes: { cookie: `${NOM_COOKIE}=${jeton}` } })).texte;
    expect(await carte()).toContain('Premier contact à établir au plus tard le ');
    // Le tableau de bord de la coordination la signale, avec la date limite du contact.
    const tableau = async () => (await appel('GET', '/parcours', { entetes: { cookie: `${NOM_COOKIE}=${jeton}` } })).texte;
    const avant = await tableau();
    expect(avant).toContain('<h2 id="titre-orientations">Orientations reçues à traiter</h2>');
    expect(avant).toContain(`<a href="/programmes/loiret-ahu/orientations">${CATALOGUE.trouver('loiret-ahu')!.nom} : 1 orientation</a>`);
    expect(avant).toContain(`premier contact au plus tard le ${dateEnFrancais(new Date(recue.contactAvant))}`);
    // Restée 40 jours sans réponse : la liste et la page disent que l'accepter la clôturerait aussitôt.
    const base = essai.banc.dependances.base;
    /** Une orientation reçue 40 jours plus tôt (son délai de contact, un mois, est passé). */
    const vieillir = (id: string) =>
      base
        .updateTable('orientations')
        .set({ recue_le: sql`recue_le - interval '40 days'` })
        .where('id', '=', id)
        .execute();
    await vieillir(recue.id);
    expect((await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton })).json[0]).toMatchObject({ delaiContactEcoule: true });
    const pageTardive = await carte();
    expect(pageTardive).toContain('Acceptée, le parcours sera clos aussitôt « contact impossible », sans aucune tentative');
    expect(pageTardive).toContain('name="confirmerDelaiEcoule"');
    expect(await tableau()).toContain('<strong>son délai de contact est passé</strong>');
    // Acceptée par la page sans cocher la confirmation : refusée avec la raison, rien de lancé.
    const csrf = /name="csrf" value="([^"]*)"/.exec(pageTardive.slice(pageTardive.indexOf(`action="/orientations/${recue.id}/decision"`)))![1]!;
    const sansConfirmer = await appel('POST', `/orientations/${recue.id}/decision`, {
      entetes: { cookie: `${NOM_COOKIE}=${jeton}` },
      formulaire: { csrf, decision: 'accepter', travailleurSocial: 'ts.alice' },
    });
    expect(sansConfirmer.status).toBe(400);
    expect(sansConfirmer.texte).toContain('Le délai de contact de cette orientation est passé');
    expect((await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton })).json[0]).toMatchObject({ statut: 'recue' });
    await base.updateTable('orientations').set({ recue_le: recue.recueLe }).where('id', '=', recue.id).execute();
    // Rien de lisible dans la base : la fiche est chiffrée.
    const brut = await essai.banc.dependances.base.selectFrom('orientations').select('fiche_chiffree').execute();
    expect(Buffer.concat(brut.map((b) => b.fiche_chiffree)).toString('latin1')).not.toContain('Benali');

    const refusTs = await appel('POST', `/api/orientations/${recue.id}/decision`, {
      jeton: await essai.connecter('ts.alice'),
      corps: { decision: 'accepter' },
    });
    expect(refusTs.status).toBe(403);
    const acceptee = await appel('POST', `/api/orientations/${recue.id}/decision`, { jeton, corps: { decision: 'accepter', travailleurSocial: 'ts.alice' } });
    expect(acceptee.status, acceptee.texte).toBe(200);
    expect(acceptee.json).toMatchObject({ statut: 'acceptee', workflowId: `loiret-ahu--${recue.reference}`, traiteePar: 'coord.essai' });
    const bailleur = await appel('GET', `/api/parcours/${acceptee.json.workflowId}/bailleur`, { jeton });
    expect(bailleur.json.bailleur).toMatchObject({ id: habitat45, nom: 'Habitat 45' });
    // Le délai de contact court depuis le signalement du bailleur (fiche 002), le jour où l'orientation est reçue.
    const lance = await jusqua(
      essai.banc.env.client.workflow.getHandle(acceptee.json.workflowId),
      (e) => e.journal.some((j) => j.type === 'signalement'),
      'délai depuis le signalement',
    );
    expect(lance.details.signaleLe).toBe(jourDeParis(recue.recueLe));
    await essai.banc.courriels.waitFor((x) => x.a.includes('s.morel@habitat45.example') && x.sujet === `Orientation acceptée (dossier ${recue.reference})`, {
      timeoutMs: 10_000,
    });
    await essai.banc.courriels.waitFor((x) => x.a.includes('recouvrement@habitat45.example') && x.sujet === `Orientation reçue (dossier ${recue.reference})`, {
      timeoutMs: 20_000,
    });
    expect((await appel('POST', `/api/orientations/${recue.id}/decision`, { jeton, corps: { decision: 'refuser', motif: 'Doublon' } })).status).toBe(409);

    // Une seconde orientation, refusée : le motif part à la personne qui a orienté.
    const chemin2 = await lienPour(habitat45, 'recouvrement@habitat45.example');
    expect(
      (await appel('POST', chemin2, { formulaire: fiche({ 'menage.nom': 'M. Karim Haddad', 'oriente.courriel': 'j.petit@habitat45.example' }) })).status,
    ).toBe(201);
    const seconde = (await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton })).json.find((o: { statut: string }) => o.statut === 'recue');
    const sansMotif = await appel('POST', `/api/orientations/${seconde.id}/decision`, { jeton, corps: { decision: 'refuser' } });
    expect(sansMotif.status).toBe(400);
    const refusee = await appel('POST', `/api/orientations/${seconde.id}/decision`, {
      jeton,
      corps: { decision: 'refuser', motif: 'Ménage déjà accompagné par le service social du département' },
    });
    expect(refusee.status, refusee.texte).toBe(200);
    const m = await essai.banc.courriels.waitFor((x) => x.a.includes('j.petit@habitat45.example') && x.sujet.startsWith('Orientation non retenue'), {
      timeoutMs: 10_000,
    });
    expect(m.texte).toContain('Motif : Ménage déjà accompagné par le service social du département');

    // Une troisième, restée 40 jours sans réponse, acceptée par la page en confirmant : le parcours est clos « contact impossible ».
    const chemin3 = await lienPour(habitat45, 'recouvrement@habitat45.example');
    expect((await appel('POST', chemin3, { formulaire: fiche({ 'menage.nom': 'Mme Lina Moreau' }) })).status).toBe(201);
    const tardive = (await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton })).json.find((o: { statut: string }) => o.statut === 'recue');
    await vieillir(tardive.id);
    const page3 = await carte();
    const csrf3 = /name="csrf" value="([^"]*)"/.exec(page3.slice(page3.indexOf(`action="/orientations/${tardive.id}/decision"`)))![1]!;
    const confirmee = await appel('POST', `/orientations/${tardive.id}/decision`, {
      entetes: { cookie: `${NOM_COOKIE}=${jeton}` },
      formulaire: { csrf: csrf3, decision: 'accepter', travailleurSocial: 'ts.alice', confirmerDelaiEcoule: 'oui' },
    });
    expect(confirmee.status, confirmee.texte.slice(0, 300)).toBe(303);
    const close = await jusqua(essai.banc.env.client.workflow.getHandle(`loiret-ahu--${tardive.reference}`), (e) => !!e.cloture, 'clôture');
    expect(close.cloture!.issue).toBe('contact_impossible');

    // Tardive mais non éligible (garantie FSL) : pas de confirmation du délai à demander, le parcours est clos « non éligible ».
    const chemin4 = await lienPour(habitat45, 'recouvrement@habitat45.example');
    expect((await appel('POST', chemin4, { formulaire: fiche({ 'menage.nom': 'M. Paul Girard', 'situation.garantie': 'fsl' }) })).status).toBe(201);
    const horsRegles = (await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton })).json.find((o: { statut: string }) => o.statut === 'recue');
    await vieillir(horsRegles.id);
    const page4 = await carte();
    const carte4 = page4.slice(page4.indexOf(`id="or-${horsRegles.id}"`), page4.indexOf('</section>', page4.indexOf(`id="or-${horsRegles.id}"`)));
    expect(carte4).toContain('Ne remplit pas les conditions du programme');
    expect(carte4).not.toContain('name="confirmerDelaiEcoule"');
    const csrf4 = /name="csrf" value="([^"]*)"/.exec(page4.slice(page4.indexOf(`action="/orientations/${horsRegles.id}/decision"`)))![1]!;
    const sansQuestion = await appel('POST', `/orientations/${horsRegles.id}/decision`, {
      entetes: { cookie: `${NOM_COOKIE}=${jeton}` },
      formulaire: { csrf: csrf4, decision: 'accepter' },
    });
    expect(sansQuestion.status, sansQuestion.texte.slice(0, 300)).toBe(303);
    const nonEligible = await jusqua(essai.banc.env.client.workflow.getHandle(`loiret-ahu--${horsRegles.reference}`), (e) => !!e.cloture, 'clôture');
    expect(nonEligible.cloture!.issue).toBe('non_eligible');
  });

  it('un double envoi du même lien au même instant (double clic, deux onglets) : une seule fiche enregistrée, l’autre envoi apprend que le lien a servi', async () => {
    const logisDuVal = await bailleurDeLoiret('Logis du Val', { nom: 'Marc Perrin', courriel: 'precontentieux@logis-val.example', service: 'precontentieux' });
    const chemin = await lienPour(logisDuVal, 'precontentieux@logis-val.example');
    const envois = await Promise.all([1, 2].map(() => appel('POST', chemin, { formulaire: fiche() })));
    expect(envois.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(envois.find((r) => r.status === 409)!.texte).toMatch(/déjà servi|ne sert qu’une fois/);
    const recues = await essai.banc.dependances.base.selectFrom('orientations').select('id').where('organisation_id', '=', logisDuVal).execute();
    expect(recues).toHaveLength(1);
  });

  it('accepter ici, refuser là, au même instant : une seule décision compte, et l’état suit (parcours lancé si acceptée, aucun si refusée ; un seul courriel au partenaire)', async () => {
    const contact = 'recouvrement@terres-loire.example';
    const organisation = await bailleurDeLoiret('Terres de Loire Habitat', { nom: 'Inès Roux', courriel: contact, service: 'recouvrement' });
    const envoi = await appel('POST', await lienPour(organisation, contact), { formulaire: fiche() });
    expect(envoi.status, envoi.texte).toBe(201);
    const base = essai.banc.dependances.base;
    const { id, reference } = await base
      .selectFrom('orientations')
      .select(['id', 'reference'])
      .where('organisation_id', '=', organisation)
      .executeTakeFirstOrThrow();
    // Une acceptation dont le parcours ne se lance pas (compte inconnu) : refusée en français, l'orientation reste à décider.
    const manquee = await appel('POST', `/api/orientations/${id}/decision`, {
      jeton: await coord(),
      corps: { decision: 'accepter', travailleurSocial: 'ts.inconnu' },
    });
    expect(manquee.status, manquee.texte).toBe(400);
    expect(manquee.json.errors).toEqual([{ champ: 'travailleurSocial', message: 'compte inconnu : « ts.inconnu »' }]);
    expect(await base.selectFrom('orientations').select(['statut', 'workflow_id', 'traitee_par']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({
      statut: 'recue',
      workflow_id: null,
      traitee_par: null,
    });
    const decisions = await Promise.all(
      [
        { decision: 'accepter', travailleurSocial: 'ts.alice' },
        { decision: 'refuser', motif: 'Ménage déjà accompagné' },
      ].map(async (corps) => appel('POST', `/api/orientations/${id}/decision`, { jeton: await coord(), corps })),
    );
    expect(decisions.map((d) => d.status).sort(), decisions.map((d) => d.texte).join('\n')).toEqual([200, 409]);
    const { statut, workflow_id } = await base.selectFrom('orientations').select(['statut', 'workflow_id']).where('id', '=', id).executeTakeFirstOrThrow();
    const lance = await essai.banc.env.client.workflow
      .getHandle(`loiret-ahu--${reference}`)
      .describe()
      .then(
        () => true,
        () => false,
      );
    if (statut === 'acceptee') {
      expect(workflow_id).toBe(`loiret-ahu--${reference}`);
      expect(lance).toBe(true);
    } else {
      expect(statut).toBe('refusee');
      expect(workflow_id).toBeNull();
      expect(lance).toBe(false);
    }
    // À la personne qui a orienté (celle de la fiche), une seule réponse.
    const decision = (x: { sujet: string }) => /^Orientation (acceptée|non retenue) \(dossier /.test(x.sujet) && x.sujet.includes(reference);
    const auPartenaire = await essai.banc.courriels.waitFor(decision, { timeoutMs: 10_000 });
    expect(auPartenaire.sujet).toMatch(statut === 'acceptee' ? /^Orientation acceptée/ : /^Orientation non retenue/);
    expect(essai.banc.courriels.messages().filter(decision)).toHaveLength(1);
  });

  it('une orientation reçue pour un ménage déjà suivi dans le programme (même nom, même adresse) : sa carte le dit, avec le lien vers son dossier ; un autre ménage, rien', async () => {
    const contact = 'accueil@logis-centre.example';
    const organisation = await bailleurDeLoiret('Logis Centre', { nom: 'Inès Roy', courriel: contact, service: 'recouvrement' });
    const jeton = await coord();
    const { reference: _r, ...menage } = menageEssai();
    // Déjà suivi : lancé par la coordination, à l'adresse que la fiche donnera (écrite autrement).
    const suivi = { ...menage, nom: 'M. Théo Lemaître', adresse: '9, rue de la Charpenterie, 45000 Orléans', reference: menageEssai().reference };
    const lance = await appel('POST', '/api/parcours', {
      jeton,
      corps: { programmeId: 'loiret-ahu', travailleurSocial: 'ts.alice', bailleur: organisation, menage: suivi, donnees: { situation: situationPrevention() } },
    });
    expect(lance.status, lance.texte).toBe(201);
    for (const nom of ['M. THEO LEMAITRE', 'Mme Théa Lemaître']) {
      const envoi = await appel('POST', await lienPour(organisation, contact), {
        formulaire: fiche({ 'menage.nom': nom, 'menage.adresse': '9 rue de la Charpenterie 45000 Orléans' }),
      });
      expect(envoi.status, envoi.texte).toBe(201);
    }
    const page = (await appel('GET', '/programmes/loiret-ahu/orientations', { entetes: { cookie: `${NOM_COOKIE}=${jeton}` } })).texte;
    const carte = (nom: string) =>
      page.slice(page.lastIndexOf('<section', page.indexOf(`>${nom} <span`)), page.indexOf('</section>', page.indexOf(`>${nom} <span`)));
    // L'étape du dossier suivi est celle du moment (lettre d'information, puis « aller vers »).
    expect(carte('M. THEO LEMAITRE')).toContain(
      `Ce ménage a peut-être déjà un parcours en cours. Dans ce programme, un parcours est en cours pour un ménage de ce nom, à cette adresse : <a href="/parcours/${encodeURIComponent(lance.json.workflowId)}">dossier ${suivi.reference}</a> (étape « `,
    );
    expect(carte('M. THEO LEMAITRE')).toContain('»). S’il s’agit du même ménage, refusez cette orientation en le disant');
    expect(carte('Mme Théa Lemaître')).not.toContain('déjà un parcours en cours');
  });

  it('une acceptation interrompue (API arrêtée entre la marque et le lancement, ou juste après) : reprise à la lecture suivante, passé le délai d’un lancement', async () => {
    const contact = 'gestion@val-habitat.example';
    const organisation = await bailleurDeLoiret('Val Habitat', { nom: 'Léa Blanc', courriel: contact, service: 'recouvrement' });
    const base = essai.banc.dependances.base;
    const registre = new Orientations(base, essai.banc.dependances.coffre);
    const jeton = await coord();
    const cookie = { cookie: `${NOM_COOKIE}=${jeton}` };
    // Deux orientations acceptées par une API qui s'arrête aussitôt : l'une avant le lancement de son
    // parcours, l'autre après (ni lancement noté, ni courriel à la personne qui a orienté).
    const interrompues = [];
    for (const nom of ['M. Hugo Lambert', 'Mme Rose Lambert']) {
      expect((await appel('POST', await lienPour(organisation, contact), { formulaire: fiche({ 'menage.nom': nom }) })).status).toBe(201);
      const o = await base
        .selectFrom('orientations')
        .select(['id', 'reference'])
        .where('organisation_id', '=', organisation)
        .where('statut', '=', 'recue')
        .executeTakeFirstOrThrow();
      expect(await registre.traiter(o.id, 'coord.essai', { statut: 'acceptee', workflowId: `loiret-ahu--${o.reference}` })).toBe(true);
      interrompues.push(o);
    }
    const [avant, apres] = interrompues as [{ id: string; reference: string }, { id: string; reference: string }];
    const { reference: _r, ...menage } = menageEssai();
    const lance = await appel('POST', '/api/parcours', {
      jeton,
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'ts.alice',
        bailleur: organisation,
        menage: { ...menage, reference: apres.reference },
        donnees: { situation: situationPrevention() },
      },
    });
    expect(lance.status, lance.texte).toBe(201);
    const statutDe = async (id: string) =>
      (await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton })).json.find((o: { id: string }) => o.id === id);

    // Tant qu'un lancement peut être en cours, rien ne bouge : la page le dit.
    expect(await statutDe(avant.id)).toMatchObject({ statut: 'acceptee', lancementEnCours: true });
    const enCours = (await appel('GET', '/programmes/loiret-ahu/orientations', { entetes: cookie })).texte;
    const carteAvant = enCours.slice(enCours.indexOf(`id="or-${avant.id}"`), enCours.indexOf('</section>', enCours.indexOf(`id="or-${avant.id}"`)));
    expect(carteAvant).toContain('Acceptée, parcours en cours de lancement');
    expect(carteAvant).toContain('S’il n’a pas pu démarrer, l’orientation reviendra d’elle-même dans « À traiter ».');
    expect(carteAvant).not.toContain('Voir le parcours du ménage');
    const pendantLancement = await appel('POST', `/api/orientations/${avant.id}/decision`, { jeton, corps: { decision: 'accepter' } });
    expect(pendantLancement.status).toBe(409);
    expect(pendantLancement.json.detail).toBe('Cette orientation vient d’être acceptée : le parcours du ménage est en cours de lancement.');

    // Passé ce délai : le tableau de la coordination la reprend ; sans parcours, elle est de nouveau à décider.
    const ilYA = new Date(Date.now() - DELAI_LANCEMENT_MS - 1000);
    await base.updateTable('orientations').set({ traitee_le: ilYA }).where('id', '=', avant.id).execute();
    expect((await appel('GET', '/parcours', { entetes: cookie })).texte).toContain('<h2 id="titre-orientations">Orientations reçues à traiter</h2>');
    expect(
      await base
        .selectFrom('orientations')
        .select(['statut', 'workflow_id', 'traitee_par', 'parcours_lance_le'])
        .where('id', '=', avant.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      statut: 'recue',
      workflow_id: null,
      traitee_par: null,
      parcours_lance_le: null,
    });
    // Avec son parcours, reprise par la liste : le lancement noté, et la personne qui a orienté avertie, une fois.
    await base.updateTable('orientations').set({ traitee_le: ilYA }).where('id', '=', apres.id).execute();
    expect(await statutDe(apres.id)).toMatchObject({ statut: 'acceptee', workflowId: `loiret-ahu--${apres.reference}` });
    expect((await statutDe(apres.id)).lancementEnCours).toBeUndefined();
    const acceptee = (x: { a: string[]; sujet: string }) =>
      x.a.includes('s.morel@habitat45.example') && x.sujet === `Orientation acceptée (dossier ${apres.reference})`;
    await essai.banc.courriels.waitFor(acceptee, { timeoutMs: 10_000 });
    // Une reprise tardive d'une autre API, qui n'aurait pas vu le parcours, ne défait plus un lancement noté.
    await registre.rendre(apres.id, 'coord.essai', `loiret-ahu--${apres.reference}`);
    expect(await statutDe(apres.id)).toMatchObject({ statut: 'acceptee' });

    // Reprise par la décision elle-même : l'orientation rendue s'accepte, son parcours se lance.
    await registre.traiter(avant.id, 'coord.essai', { statut: 'acceptee', workflowId: `loiret-ahu--${avant.reference}` });
    await base.updateTable('orientations').set({ traitee_le: ilYA }).where('id', '=', avant.id).execute();
    const reprise = await appel('POST', `/api/orientations/${avant.id}/decision`, { jeton, corps: { decision: 'accepter', bailleur: organisation } });
    expect(reprise.status, reprise.texte).toBe(200);
    expect(reprise.json).toMatchObject({ statut: 'acceptee', workflowId: `loiret-ahu--${avant.reference}` });
    expect(reprise.json.lancementEnCours).toBeUndefined();
    await essai.banc.env.client.workflow.getHandle(`loiret-ahu--${avant.reference}`).describe();
    await essai.banc.courriels.waitFor((x) => x.sujet === `Orientation acceptée (dossier ${avant.reference})`, { timeoutMs: 10_000 });
    // Relues ensuite, rien ne se reprend deux fois.
    await statutDe(apres.id);
    expect(essai.banc.courriels.messages().filter(acceptee)).toHaveLength(1);
  });

  it('Temporal injoignable : la liste des orientations s’affiche sans attendre le moteur, et une acceptation en suspens reste telle quelle', async () => {
    const contact = 'suivi@loire-logis.example';
    const organisation = await bailleurDeLoiret('Loire Logis', { nom: 'Paul Martin', courriel: contact, service: 'recouvrement' });
    expect((await appel('POST', await lienPour(organisation, contact), { formulaire: fiche() })).status).toBe(201);
    const base = essai.banc.dependances.base;
    const o = await base.selectFrom('orientations').select(['id', 'reference']).where('organisation_id', '=', organisation).executeTakeFirstOrThrow();
    await new Orientations(base, essai.banc.dependances.coffre).traiter(o.id, 'coord.essai', { statut: 'acceptee', workflowId: `loiret-ahu--${o.reference}` });
    await base
      .updateTable('orientations')
      .set({ traitee_le: new Date(Date.now() - DELAI_LANCEMENT_MS - 1000) })
      .where('id', '=', o.id)
      .execute();
    // Une seconde API dont le moteur ne répond pas (rien n'écoute à cette adresse).
    const moteurArrete = new Client({ connection: Connection.lazy({ address: '127.0.0.1:9' }) });
    const sansMoteur = await demarrerApiEssai(essai.banc, { surcharges: { client: moteurArrete } });
    try {
      const liste = await sansMoteur.appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton: await coord() });
      expect(liste.status, liste.texte).toBe(200);
      expect(liste.json.find((x: { id: string }) => x.id === o.id)).toMatchObject({ statut: 'acceptee', lancementEnCours: true });
    } finally {
      await sansMoteur.fermer();
      await moteurArrete.connection.close();
    }
    // Le moteur revenu (l'API de l'essai) : le parcours n'existe pas, l'orientation redevient à décider.
    expect(
      (await appel('GET', '/api/programmes/loiret-ahu/orientations', { jeton: await coord() })).json.find((x: { id: string }) => x.id === o.id),
    ).toMatchObject({
      statut: 'recue',
    });
  });

  /** Le corps d'un lancement loiret-ahu pour ce ménage. */
  const lancementLoiret = (menage: Record<string, unknown>) => ({
    programmeId: 'loiret-ahu',
    menage,
    travailleurSocial: 'ts.alice',
    bailleur: 'loiret-ahu--bailleur',
    donnees: { situation: situationPrevention() },
  });
  /** Un appel à une seconde API dont le client Temporal perd ses réponses à `methodes` (ou ses demandes : `enRoute`). */
  async function parApiAuxPertes(methodes: string | string[], o: { enRoute?: boolean }, faire: (api: ApiEssai) => Promise<Reponse>): Promise<Reponse> {
    const client = await clientAuxReponsesPerdues(essai.banc, methodes, o);
    const api = await demarrerApiEssai(essai.banc, { surcharges: { client } });
    try {
      return await faire(api);
    } finally {
      await api.fermer();
      await client.connection.close();
    }
  }

  it('la réponse du démarrage perdue (délai dépassé) : le parcours a démarré, l’acceptation tient, le partenaire est averti ; la priorité de Besançon et la place du bailleur restent', async () => {
    const contact = CATALOGUE.trouver('besancon-ccas')!.partenaires.bailleur!.courriel;
    const envoi = await appel('POST', await lienPour('besancon-ccas--bailleur', contact), {
      formulaire: fiche({
        'oriente.courriel': 'c.vernier@gbh.example',
        'menage.composition': 'personne_seule',
        'menage.adresse': '8 rue de Vesoul, 25000 Besançon',
      }),
    });
    expect(envoi.status, envoi.texte.slice(0, 300)).toBe(201);
    const base = essai.banc.dependances.base;
    const { id, reference } = await base
      .selectFrom('orientations')
      .select(['id', 'reference'])
      .where('programme_id', '=', 'besancon-ccas')
      .where('statut', '=', 'recue')
      .executeTakeFirstOrThrow();
    const workflowId = `besancon-ccas--${reference}`;
    // Une API dont les réponses aux démarrages se perdent : Temporal démarre le parcours, l'API reçoit une erreur.
    const jeton = await coord();
    const acceptee = await parApiAuxPertes('ExecuteMultiOperation', {}, (api) =>
      api.appel('POST', `/api/orientations/${id}/decision`, { jeton, corps: { decision: 'accepter' } }),
    );
    expect(acceptee.status, acceptee.texte).toBe(200);
    expect(acceptee.json).toMatchObject({ statut: 'acceptee', workflowId });
    expect(acceptee.json.lancementEnCours).toBeUndefined();
    expect((await essai.banc.env.client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    await essai.banc.courriels.waitFor((x) => x.a.includes('c.vernier@gbh.example') && x.sujet === `Orientation acceptée (dossier ${reference})`, {
      timeoutMs: 10_000,
    });
    expect(await base.selectFrom('priorites_dossiers').select('motif').where('workflow_id', '=', workflowId).executeTakeFirst()).toEqual({
      motif: 'menage_isole',
    });
    expect(await base.selectFrom('bailleurs_parcours').select('workflow_id').where('workflow_id', '=', workflowId).executeTakeFirst()).toBeDefined();
  });

  it('un lancement par l’API dont la réponse du démarrage se perd : lancé (201), les coordonnées du ménage restent ; relancé, 409 sans rien oublier', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.perdu@essai.example', accepteCourriel: true, telephone: '06 12 34 56 78', accepteSms: true };
    const corps = lancementLoiret(menage);
    const workflowId = `loiret-ahu--${menage.reference}`;
    const jeton = await coord();
    const lance = await parApiAuxPertes('ExecuteMultiOperation', {}, (api) => api.appel('POST', '/api/parcours', { jeton, corps }));
    expect(lance.status, lance.texte).toBe(201);
    expect(lance.json.workflowId).toBe(workflowId);
    const base = essai.banc.dependances.base;
    const canaux = async () =>
      (await base.selectFrom('consentements_menage').select('canal').where('workflow_id', '=', workflowId).orderBy('canal').execute()).map((c) => c.canal);
    expect(await canaux()).toEqual(['courriel', 'sms']);
    // Un second lancement du même ménage : un doublon, refusé ; ses notes à lui sont oubliées, pas celles du parcours.
    const double = await appel('POST', '/api/parcours', { jeton: await coord(), corps });
    expect(double.status, double.texte).toBe(409);
    expect(await canaux()).toEqual(['courriel', 'sms']);
    expect(await base.selectFrom('bailleurs_parcours').select('workflow_id').where('workflow_id', '=', workflowId).executeTakeFirst()).toBeDefined();
  });

  it('la demande de démarrage perdue en route (rien n’a démarré) après un parcours arrêté de même référence : 503, les notes de ce lancement sont oubliées', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.relance@essai.example', accepteCourriel: true };
    const corps = lancementLoiret(menage);
    const workflowId = `loiret-ahu--${menage.reference}`;
    const jeton = await coord();
    expect((await appel('POST', '/api/parcours', { jeton, corps })).status).toBe(201);
    // Arrêté par l'administration du moteur : le même ménage peut être relancé sous le même identifiant.
    await essai.banc.env.client.workflow.getHandle(workflowId).terminate('essai');
    const base = essai.banc.dependances.base;
    const notes = () => base.selectFrom('consentements_menage').select('id').where('workflow_id', '=', workflowId).execute();
    const avant = await notes();
    const relance = await parApiAuxPertes('ExecuteMultiOperation', { enRoute: true }, (api) => api.appel('POST', '/api/parcours', { jeton, corps }));
    expect(relance.status, relance.texte).toBe(503);
    expect(await notes()).toEqual(avant);
    expect((await essai.banc.env.client.workflow.getHandle(workflowId).describe()).status.name).toBe('TERMINATED');
  });

  it('Temporal muet (le démarrage et la question « a-t-il démarré ? » sans réponse) : 503, les notes du lancement restent pour un parcours qui a peut-être démarré', async () => {
    const menage = { ...menageEssai(), courriel: 'menage.muet@essai.example', accepteCourriel: true };
    const corps = lancementLoiret(menage);
    const workflowId = `loiret-ahu--${menage.reference}`;
    const jeton = await coord();
    const lance = await parApiAuxPertes(['ExecuteMultiOperation', 'DescribeWorkflowExecution'], { enRoute: true }, (api) =>
      api.appel('POST', '/api/parcours', { jeton, corps }),
    );
    expect(lance.status, lance.texte).toBe(503);
    expect(lance.json.detail).toBe(LANCEMENT_INCERTAIN);
    // Rien n'a démarré ici ; l'effacement de nuit (30 jours sans dossier) et la file active (5 minutes) les reprendront.
    const base = essai.banc.dependances.base;
    expect(await base.selectFrom('consentements_menage').select('canal').where('workflow_id', '=', workflowId).execute()).toEqual([{ canal: 'courriel' }]);
    expect(await base.selectFrom('bailleurs_parcours').select('workflow_id').where('workflow_id', '=', workflowId).executeTakeFirst()).toBeDefined();
  });

  it('« Lancer un parcours » : le choix du programme quand il y en a plusieurs ; une coordination d’un seul programme arrive droit sur son formulaire', async () => {
    const plusieurs = await appel('GET', '/parcours/nouveau', { entetes: { cookie: `${NOM_COOKIE}=${await coord()}` } });
    expect(plusieurs.status).toBe(200);
    expect(plusieurs.texte).toContain('Choisissez le programme du ménage orienté');
    const cookie = `${NOM_COOKIE}=${await essai.connecter('coord.besancon')}`;
    const un = await appel('GET', '/parcours/nouveau', { entetes: { cookie } });
    expect(un.status).toBe(303);
    expect(un.headers.get('location')).toBe('/parcours/nouveau/besancon-ccas');
    const formulaire = await appel('GET', '/parcours/nouveau/besancon-ccas', { entetes: { cookie } });
    expect(formulaire.status).toBe(200);
    expect(formulaire.texte).toContain('Lancer le parcours');
  });

  it('Temporal muet pendant un lancement par le formulaire web : la page du formulaire le dit (503) et garde la saisie', async () => {
    const menage = menageEssai();
    const cookie = `${NOM_COOKIE}=${await coord()}`;
    const page = await appel('GET', '/parcours/nouveau/loiret-ahu', { entetes: { cookie } });
    const csrf = /name="csrf" value="([^"]*)"/.exec(page.texte)![1]!;
    const soumis = await parApiAuxPertes(['ExecuteMultiOperation', 'DescribeWorkflowExecution'], { enRoute: true }, (api) =>
      api.appel('POST', '/parcours/nouveau/loiret-ahu', {
        entetes: { cookie },
        formulaire: formulaireLancement(menage, situationPrevention().debutBail, { csrf, bailleur: 'loiret-ahu--bailleur' }),
      }),
    );
    expect(soumis.status, soumis.texte.slice(0, 500)).toBe(503);
    expect(soumis.texte).toContain('Le moteur des parcours n’a pas répondu : le parcours de ce ménage a peut-être démarré.');
    expect(soumis.texte).toContain(`value="${menage.reference}"`);
    expect(soumis.texte).toContain('812,40');
  });

  /** Un parcours loiret-ahu lancé par l'API, à l'étape « aller vers ». */
  async function allerVers() {
    const menage = menageEssai();
    const workflowId = `loiret-ahu--${menage.reference}`;
    expect((await appel('POST', '/api/parcours', { jeton: await coord(), corps: lancementLoiret(menage) })).status).toBe(201);
    const handle = essai.banc.env.client.workflow.getHandle(workflowId);
    await jusqua(handle, (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    return { workflowId, handle };
  }

  it('une tentative de contact saisie dans la page sans confirmation du parcours : perdue en route, la page garde la saisie (503) ; arrivée mais réponse perdue, c’est fait ; jamais enregistrée deux fois', async () => {
    const { workflowId, handle } = await allerVers();
    const cookie = `${NOM_COOKIE}=${await essai.connecter('ts.alice')}`;
    const adresse = `/parcours/${workflowId}/messages/tentative-contact`;
    const caches = (page: string) => champsCaches(page, adresse, ['csrf', 'requestId', 'vu']);
    const ouvrir = async () => caches((await appel('GET', `/parcours/${workflowId}`, { entetes: { cookie } })).texte);
    const tentatives = async () => (await handle.query(etatQuery)).details.tentatives ?? 0;
    const saisie = { canal: 'telephone', creneau: 'soir', issue: 'injoignable' };
    const envoyer = (formulaire: Record<string, string>, o: { enRoute?: boolean }) =>
      parApiAuxPertes('UpdateWorkflowExecution', o, (api) => api.appel('POST', adresse, { entetes: { cookie }, formulaire }));

    // La demande perdue en route : rien n'est arrivé ; la page garde la saisie, sous le même identifiant.
    const ouvert = await ouvrir();
    const enRoute = await envoyer({ ...ouvert, ...saisie }, { enRoute: true });
    expect(enRoute.status, enRoute.texte.slice(0, 300)).toBe(503);
    expect(enRoute.texte).toContain('Pas encore confirmé :');
    expect(enRoute.texte).toContain('Elle est gardée ci-dessous : envoyez-la de nouveau dans un instant, elle ne sera pas enregistrée deux fois.');
    expect(enRoute.texte).toMatch(/<option value="soir" selected>/);
    const garde = caches(enRoute.texte);
    expect(garde).toMatchObject({ requestId: ouvert.requestId, vu: ouvert.vu });
    expect(await tentatives()).toBe(0);
    const renvoyee = await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...garde, ...saisie } });
    expect(renvoyee.status, renvoyee.texte.slice(0, 300)).toBe(303);
    await jusqua(handle, (e) => e.details.tentatives === 1, 'la tentative renvoyée');

    // La réponse perdue : la tentative est arrivée (le journal le dit), la page dit que c'est fait.
    const second = await ouvrir();
    const perdue = await envoyer({ ...second, ...saisie }, {});
    expect(perdue.status, perdue.texte.slice(0, 300)).toBe(303);
    expect(perdue.headers.get('location')).toContain('fait=tentative-contact');
    expect(await tentatives()).toBe(2);
    // Le même formulaire renvoyé (double clic, « Précédent ») : reconnu.
    expect((await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...second, ...saisie } })).status).toBe(303);
    expect(await tentatives()).toBe(2);
  });

  it('une clôture avant terme demandée dans la page sans confirmation du parcours : perdue en route, le formulaire revient avec le motif (503) ; réponse perdue, la page montre le parcours clos ; une seule clôture', async () => {
    const { workflowId, handle } = await allerVers();
    const cookie = `${NOM_COOKIE}=${await coord()}`;
    const adresse = `/parcours/${workflowId}/cloture`;
    const caches = (page: string) => champsCaches(page, adresse, ['csrf', 'requestId']);
    const ouvert = caches((await appel('GET', `/parcours/${workflowId}`, { entetes: { cookie } })).texte);
    const saisie = { motif: 'Le ménage a quitté le logement (essai)', confirmation: 'oui' };
    const envoyer = (formulaire: Record<string, string>, o: { enRoute?: boolean }) =>
      parApiAuxPertes('UpdateWorkflowExecution', o, (api) => api.appel('POST', adresse, { entetes: { cookie }, formulaire }));

    // La demande perdue en route : le formulaire revient avec le motif, sous le même identifiant.
    const enRoute = await envoyer({ ...ouvert, ...saisie }, { enRoute: true });
    expect(enRoute.status, enRoute.texte.slice(0, 300)).toBe(503);
    expect(enRoute.texte).toContain('Pas encore confirmé :');
    expect(enRoute.texte).toContain('>Le ménage a quitté le logement (essai)</textarea>');
    const garde = caches(enRoute.texte);
    expect(garde.requestId).toBe(ouvert.requestId);
    expect((await handle.query(etatQuery)).cloture).toBeUndefined();
    // Renvoyé, la réponse perdue cette fois : le parcours est clos, la page le montre.
    const perdue = await envoyer({ ...garde, ...saisie }, {});
    expect(perdue.status, perdue.texte.slice(0, 300)).toBe(303);
    const clos = await jusqua(handle, (e) => !!e.cloture, 'clôture');
    // Renvoyé encore (« Précédent ») : la même clôture, une seule.
    await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...garde, ...saisie } });
    const etat = await handle.query(etatQuery);
    expect(etat.cloture).toEqual(clos.cloture);
    expect(etat.journal.filter((j) => j.resume.startsWith('Parcours clôturé'))).toHaveLength(1);
  });

  it('une affectation demandée dans la page sans confirmation du parcours : perdue en route, le formulaire revient avec le choix, sous le même identifiant (503) ; renvoyée deux fois, une seule affectation', async () => {
    const { workflowId, handle } = await allerVers();
    const cookie = `${NOM_COOKIE}=${await coord()}`;
    const adresse = `/parcours/${workflowId}/affectation`;
    const caches = (page: string) => champsCaches(page, adresse, ['csrf', 'requestId']);
    const ouvert = caches((await appel('GET', `/parcours/${workflowId}`, { entetes: { cookie } })).texte);
    const saisie = { travailleurSocial: 'ts.bruno' };
    const enRoute = await parApiAuxPertes('UpdateWorkflowExecution', { enRoute: true }, (api) =>
      api.appel('POST', adresse, { entetes: { cookie }, formulaire: { ...ouvert, ...saisie } }),
    );
    expect(enRoute.status, enRoute.texte.slice(0, 300)).toBe(503);
    expect(enRoute.texte).toContain('Pas encore confirmé :');
    expect(enRoute.texte).toContain('<option value="ts.bruno" selected>');
    const garde = caches(enRoute.texte);
    expect(garde.requestId).toBe(ouvert.requestId);
    expect((await handle.query(etatQuery)).travailleurSocial).toBe('ts.alice');
    // Renvoyé (« Affecter », puis « Précédent ») : une seule affectation au journal.
    for (let i = 0; i < 2; i++) {
      const r = await appel('POST', adresse, { entetes: { cookie }, formulaire: { ...garde, ...saisie } });
      expect(r.status, r.texte.slice(0, 300)).toBe(303);
    }
    const etat = await handle.query(etatQuery);
    expect(etat.travailleurSocial).toBe('ts.bruno');
    expect(etat.journal.filter((j) => j.requete === ouvert.requestId)).toHaveLength(1);
  });

  it('pour confier un ménage, la coordination lit les ménages que suit chaque travailleur social (tous programmes) et son absence du jour, au lancement, sur le dossier et pour une orientation', async () => {
    const { workflowId } = await allerVers();
    const jeton = await coord();
    const cookie = `${NOM_COOKIE}=${jeton}`;
    const libelle = async (chemin: string) => {
      const page = (await appel('GET', chemin, { entetes: { cookie } })).texte;
      return /<option value="ts\.bruno"[^>]*>([^<]*)<\/option>/.exec(page)![1]!;
    };
    const suivis = (l: string) => {
      const m = /^Bruno Travailleur — (aucun|\d+) ménages? suivis?/.exec(l)!;
      return m[1] === 'aucun' ? 0 : Number(m[1]);
    };
    const dossier = `/parcours/${workflowId}`;
    const avant = suivis(await libelle(dossier));
    const base = essai.banc.dependances.base;
    const lignes = [
      ligneDossier({ workflowId: 'loiret-ahu--CHARGE-1', programmeId: 'loiret-ahu', travailleurSocial: 'ts.bruno' }),
      ligneDossier({ workflowId: 'loiret-ahu--CHARGE-2', programmeId: 'loiret-ahu', travailleurSocial: 'ts.bruno' }),
      ligneDossier({ workflowId: 'besancon-ccas--CHARGE-3', programmeId: 'besancon-ccas', travailleurSocial: 'ts.bruno' }),
      ligneDossier({ workflowId: 'loiret-ahu--CHARGE-4', programmeId: 'loiret-ahu', travailleurSocial: 'ts.bruno', clos: true }),
    ];
    await base.insertInto('dossiers').values(lignes).execute();
    const au = jourDeParis(new Date(Date.now() + 3 * 86_400_000));
    const absence = await appel('POST', '/api/personnel/ts.bruno/absences', { jeton, corps: { du: jourDeParis(new Date()), au, remplacant: 'ts.alice' } });
    try {
      expect(absence.status, absence.texte).toBe(201);
      const attendu = `Bruno Travailleur — ${avant + 3} ménages suivis ; absence jusqu’au ${dateEnFrancais(au)} (remplacement : Alice Travailleuse)`;
      expect(await libelle(dossier)).toBe(attendu);
      expect(await libelle('/parcours/nouveau/loiret-ahu')).toBe(attendu);
      // Une orientation à traiter : son choix du travailleur social le dit aussi.
      const contact = 'gestion@charge-habitat.example';
      const organisation = await bailleurDeLoiret('Charge Habitat', { nom: 'Léo Marchand', courriel: contact, service: 'recouvrement' });
      expect((await appel('POST', await lienPour(organisation, contact), { formulaire: fiche({ 'menage.nom': 'M. Paul Charge' }) })).status).toBe(201);
      const recue = await base.selectFrom('orientations').select('id').where('organisation_id', '=', organisation).executeTakeFirstOrThrow();
      try {
        expect(await libelle('/programmes/loiret-ahu/orientations')).toBe(attendu);
      } finally {
        await new Orientations(base, essai.banc.dependances.coffre).traiter(recue.id, 'coord.essai', { statut: 'refusee', motif: 'Essai terminé' });
      }
    } finally {
      await appel('DELETE', `/api/personnel/ts.bruno/absences/${absence.json.id}`, { jeton });
      await base
        .deleteFrom('dossiers')
        .where(
          'workflow_id',
          'in',
          lignes.map((l) => l.workflow_id),
        )
        .execute();
    }
    expect(await libelle(dossier)).toBe(
      `Bruno Travailleur — ${nombreDe(avant, 'ménage suivi', 'ménages suivis').replace(/^0 ménage suivi$/, 'aucun ménage suivi')}`,
    );
  });

  it('liens : altéré → 403, d’une autre sorte (validation) → refusé, organisation sans contact → 409 en français', async () => {
    const jeton = await coord();
    const chemin = await lienPour('loiret-ahu--bailleur', CATALOGUE.trouver('loiret-ahu')!.partenaires.bailleur!.courriel);
    expect((await appel('GET', `${chemin.slice(0, -3)}xyz`)).status).toBe(403);
    const autre = essai.banc.dependances.signeur.signer(
      { workflowId: 'loiret-ahu--bailleur', demandeId: 'x', role: 'bailleur', action: 'validation' },
      new Date(Date.now() + 3_600_000),
    );
    const r = await appel('GET', `/orientation/${autre}`);
    expect(r.status).toBe(400);
    expect(r.texte).toContain('Ce lien n’est pas un lien d’orientation');
    const vide = await appel('POST', '/api/programmes/loiret-ahu/organisations', { jeton, corps: { type: 'ccas', nom: 'CCAS de Saran' } });
    const sansContact = await appel('POST', `/api/organisations/${vide.json.id}/liens-orientation`, { jeton });
    expect(sansContact.status).toBe(409);
    expect(sansContact.json.detail).toBe('« CCAS de Saran » n’a aucun contact actif : ajoutez d’abord un contact dans l’annuaire.');
    const iml = await appel('POST', '/api/organisations/concarneau-iml--bailleur/liens-orientation', { jeton });
    expect(iml.status).toBe(409);
    expect(iml.json.detail).toContain('ne reçoit pas de fiches d’orientation');
  });
});

describe('orientation depuis le logiciel d’un partenaire (clé d’accès de son organisation)', () => {
  const ficheJson = () => {
    const { reference: _r, ...menage } = menageEssai();
    return {
      oriente: { nom: 'Karim Haddad', courriel: 'k.haddad@bailleur-declic.example', service: 'contentieux' },
      menage,
      situation: situationPrevention(),
      consentement: true,
    };
  };

  it('une clé créée par la coordination : fiches reçues (un envoi répété ne crée rien), suivies, refus motivé ; mauvaise clé ou clé révoquée : 401', async () => {
    const jeton = await coord();
    const organisation = 'toulouse-declic--bailleur';
    const creee = await appel('POST', `/api/organisations/${organisation}/cles-api`, { jeton });
    expect(creee.status, creee.texte).toBe(201);
    const cle = creee.json.cle as string;
    expect(cle).toMatch(/^orient_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(creee.json.message).toContain('elle ne sera plus affichée');
    const liste = await appel('GET', `/api/organisations/${organisation}/cles-api`, { jeton });
    expect(liste.json).toEqual([{ id: creee.json.id, creePar: 'coord.essai', creeLe: expect.any(String), utiliseeLe: null }]);
    expect(liste.texte).not.toContain(cle.slice(20));
    const brut = await essai.banc.dependances.base.selectFrom('cles_api_organisation').selectAll().execute();
    expect(JSON.stringify(brut)).not.toContain(cle.slice(20));
    expect((await appel('POST', `/api/organisations/${organisation}/cles-api`, { jeton: await essai.connecter('ts.alice') })).status).toBe(403);

    const envoyer = (o: { cle?: string; corps?: unknown; idempotence?: string }) =>
      appel('POST', '/api/partenaires/orientations', {
        corps: o.corps ?? ficheJson(),
        entetes: { ...(o.cle ? { authorization: `Bearer ${o.cle}` } : {}), ...(o.idempotence ? { 'idempotency-key': o.idempotence } : {}) },
      });
    const sansCle = await envoyer({});
    expect(sansCle.status).toBe(401);
    expect(sansCle.json.detail).toContain('Présentez la clé d’accès de votre organisation');
    const fausse = await envoyer({ cle: `${cle.slice(0, -4)}AAAA` });
    expect(fausse.status).toBe(401);
    expect(fausse.json.detail).toContain('Clé d’accès inconnue');

    const incomplete = await envoyer({ cle, corps: { ...ficheJson(), consentement: false } });
    expect(incomplete.status).toBe(400);
    expect(incomplete.json.errors).toEqual([{ champ: 'consentement', message: 'le ménage doit avoir été informé de cette orientation et l’avoir acceptée' }]);

    const recue = await envoyer({ cle, idempotence: 'dossier-logiciel-8841' });
    expect(recue.status, recue.texte).toBe(201);
    expect(recue.json).toMatchObject({ statut: 'recue', nonEligible: null, reference: expect.stringMatching(/^OR-\d{4}-[0-9A-F]{6}$/) });
    // La coordination voit quand la clé a servi pour la dernière fois.
    const servie = await appel('GET', `/api/organisations/${organisation}/cles-api`, { jeton });
    expect(servie.json).toEqual([expect.objectContaining({ id: creee.json.id, utiliseeLe: expect.any(String) })]);
    const repetee = await envoyer({ cle, idempotence: 'dossier-logiciel-8841' });
    expect(repetee.status).toBe(200);
    expect(repetee.json.reference).toBe(recue.json.reference);
    await essai.banc.courriels.waitFor((x) => x.sujet.includes(`(dossier ${recue.json.reference})`) && x.sujet.startsWith('Nouvelle orientation reçue'), {
      timeoutMs: 10_000,
    });

    // Une seconde fiche, plus tard : la liste montre la plus récente en tête.
    const seconde = await envoyer({ cle, idempotence: 'dossier-logiciel-8842' });
    expect(seconde.status, seconde.texte).toBe(201);
    const orientations = (await appel('GET', '/api/programmes/toulouse-declic/orientations', { jeton })).json as Array<{
      id: string;
      reference: string;
      organisation: { id: string };
    }>;
    const rangs = [seconde.json.reference, recue.json.reference].map((ref) => orientations.findIndex((o) => o.reference === ref));
    expect(rangs[0]).toBeLessThan(rangs[1]!);
    const mienne = orientations.filter((o) => o.reference === recue.json.reference);
    expect(mienne).toHaveLength(1);
    expect(mienne[0]!.organisation.id).toBe(organisation);
    expect(
      essai.banc.courriels.messages().filter((m) => m.sujet.includes(`(dossier ${recue.json.reference})`) && m.sujet.startsWith('Nouvelle orientation reçue')),
    ).toHaveLength(1);

    const suivie = await appel('GET', `/api/partenaires/orientations/${recue.json.reference}`, { entetes: { authorization: `Bearer ${cle}` } });
    expect(suivie.json).toMatchObject({ reference: recue.json.reference, statut: 'recue' });
    // Deux coordinations refusent au même moment : une décision compte, l'autre apprend qu'elle vient d'être prise.
    const decisions = await Promise.all(
      [jeton, await coord()].map((j) =>
        appel('POST', `/api/orientations/${mienne[0]!.id}/decision`, {
          jeton: j,
          corps: { decision: 'refuser', motif: 'Ménage déjà suivi par la Maison des solidarités' },
        }),
      ),
    );
    expect(decisions.map((d) => d.status).sort()).toEqual([200, 409]);
    expect(decisions.find((d) => d.status === 409)!.json.detail).toMatch(
      /^Cette orientation (vient d’être traitée par une autre personne|a déjà été refusée)\.$/,
    );
    expect(decisions.find((d) => d.status === 200)!.json).toMatchObject({ statut: 'refusee' });
    expect(
      (await essai.banc.dependances.base.selectFrom('orientations').select('motif_refus').where('id', '=', mienne[0]!.id).executeTakeFirstOrThrow())
        .motif_refus,
    ).toBe('Ménage déjà suivi par la Maison des solidarités');
    const apres = await appel('GET', `/api/partenaires/orientations/${recue.json.reference}`, { entetes: { authorization: `Bearer ${cle}` } });
    expect(apres.json).toMatchObject({ statut: 'refusee', motifRefus: 'Ménage déjà suivi par la Maison des solidarités' });
    // Une autre organisation ne voit pas cette orientation.
    const autre = await appel('POST', '/api/organisations/besancon-ccas--bailleur/cles-api', { jeton });
    expect(
      (await appel('GET', `/api/partenaires/orientations/${recue.json.reference}`, { entetes: { authorization: `Bearer ${autre.json.cle}` } })).status,
    ).toBe(404);

    // La clé ne se révoque que par le chemin de son organisation : ailleurs, 404, et elle sert encore.
    const ailleurs = await appel('DELETE', `/api/organisations/besancon-ccas--bailleur/cles-api/${creee.json.id}`, { jeton });
    expect(ailleurs.status, ailleurs.texte).toBe(404);
    expect((await appel('GET', `/api/partenaires/orientations/${recue.json.reference}`, { entetes: { authorization: `Bearer ${cle}` } })).status).toBe(200);
    const revoquee = await appel('DELETE', `/api/organisations/${organisation}/cles-api/${creee.json.id}`, { jeton });
    expect(revoquee.status).toBe(204);
    expect((await envoyer({ cle })).status).toBe(401);
    expect((await appel('GET', `/api/organisations/${organisation}/cles-api`, { jeton })).json).toEqual([]);
  });
});
