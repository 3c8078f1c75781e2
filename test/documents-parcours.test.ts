/**
 * Les documents en PDF dans les parcours, de bout en bout (vrai serveur Temporal avec le saut de
 * temps par parcours, vrai worker, vrai SMTP, API réelle) : chaque parcours joint ses documents
 * aux courriels des destinataires qui y ont droit, et le personnel autorisé les télécharge.
 *
 *  - prévention : la lettre d'information jointe au courriel du ménage ; la fiche de clôture au
 *    bailleur à la clôture ;
 *  - IML : la fiche-bilan (non nominative) à la DDETS après le bilan à 6 mois ; la fiche de clôture
 *    aux partenaires à la fin de la mesure ;
 *  - protocole : le résumé du protocole au bailleur et à la CCAPEX à la signature.
 *
 * Chaque PDF reçu est relu (pdfjs-dist) : titres en français, rien de confidentiel dans ceux des
 * partenaires. Téléchargement : 200 en PDF pour la coordination et le travailleur social affecté,
 * 403 pour un autre travailleur social.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bilanUpdate, diagnosticUpdate, planAideUpdate, tentativeContactUpdate } from '../domain/prevention';
import { Orientations } from '../orientations/registre';
import type { FicheOrientation } from '../orientations/schema';
import { baseEssai } from './outils/base';
import type { CourrielRecu } from '../dev/mail-catcher';
import { bilanMesureUpdate, logementUpdate, type EntreeIml } from '../domain/iml';
import { cloreAnticipeUpdate, repondreValidationUpdate } from '../domain/messages';
import { signatureProtocoleUpdate } from '../domain/protocole';
import { ajouterDuree, heureDeParis } from '../domain/durees';
import type { EntreeExecutionProtocole } from '../workflows/protocole-post-resiliation';
import { annuaireEssai, demarrerApiEssai, type ApiEssai } from './outils/api';
import {
  CATALOGUE,
  COFFRE,
  apres,
  avancerJusqua,
  echeanceSuivie,
  heureDuParcours,
  jusqua,
  menageEssai,
  monterBanc,
  requete,
  type Banc,
  planValideParLeReferent,
} from './outils/environnement';
import { estPdf, lirePdf, sansIdentifiant } from './outils/pdf';
import { NOM_COOKIE } from '../api/auth';
import { signatureDu } from './outils/protocole';

const MOT_DE_PASSE = 'mot-de-passe-essai';
/** Ce que le ménage a confié, et ce qui le désigne. */
const SECRETS = ['Lefébure', 'Josiane', 'Tilleuls', '06 12 34 56 78', 'josiane.lefebure', 'Mouettes', 'violences conjugales', 'dette de jeu', 'SECRET-4412'];

let banc: Banc;
let api: ApiEssai;
beforeAll(async () => {
  banc = await monterBanc();
  api = await demarrerApiEssai(banc, { annuaire: await annuaireEssai(MOT_DE_PASSE) });
});
afterAll(async () => {
  await api?.fermer();
  await banc?.fermer();
});

const jetons: Record<string, string> = {};
async function connecter(id: string): Promise<string> {
  if (!jetons[id]) {
    const r = await api.appel('POST', '/api/session', { corps: { identifiant: id, motDePasse: MOT_DE_PASSE } });
    expect(r.status, r.texte).toBe(200);
    jetons[id] = r.json.jeton;
  }
  return jetons[id]!;
}

/** Télécharge un document en PDF (octets), avec le statut et les en-têtes. */
async function telecharger(chemin: string, qui: string) {
  const r = await fetch(`${api.url}${chemin}`, { headers: { authorization: `Bearer ${await connecter(qui)}` } });
  return {
    status: r.status,
    type: r.headers.get('content-type'),
    disposition: r.headers.get('content-disposition'),
    cache: r.headers.get('cache-control'),
    octets: Buffer.from(await r.arrayBuffer()),
  };
}

const msg = <T extends object>(x: T, par = 'ts.alice') => ({ requestId: requete(), par, ...x });
/** Le jour (AAAA-MM-JJ) d'un instant. */
const jour = (d: Date | number) => new Date(d).toISOString().slice(0, 10);
/** Le jour à Paris (AAAA-MM-JJ) d'un instant : « aujourd'hui » pour les personnes qui saisissent. */
const jourDeParis = (d: Date) => heureDeParis(d).toISOString().slice(0, 10);
const recu = (a: string, ref: string, debutSujet: string) =>
  banc.courriels.waitFor((m) => m.a.includes(a) && m.sujet.includes(ref) && m.sujet.startsWith(debutSujet), { timeoutMs: 25_000 });

/** Le PDF joint (un seul attendu), relu. */
async function pdfJoint(m: CourrielRecu, fichier: string) {
  const pj = m.piecesJointes;
  expect(
    pj.map((x) => [x.filename, x.contentType]),
    m.sujet,
  ).toEqual([[fichier, 'application/pdf']]);
  expect(estPdf(pj[0]!.contenu)).toBe(true);
  return (await lirePdf(pj[0]!.contenu)).plat;
}

function sansSecret(texte: string, ou: string) {
  for (const s of SECRETS) expect(texte, `« ${s} » dans ${ou}`).not.toContain(s);
}

describe('prévention précontentieuse : lettre au ménage, fiche de clôture au bailleur', () => {
  it('la lettre est jointe au courriel du ménage ; la fiche de clôture à celui du bailleur ; téléchargements réservés', async () => {
    const programme = CATALOGUE.trouver('loiret-ahu')!;
    const menage = menageEssai();
    // Le parcours n'existe pas encore : son horloge, au lancement, est l'heure réelle.
    const maintenant = Date.now();
    const r = await api.appel('POST', '/api/parcours', {
      jeton: await connecter('coord.essai'),
      corps: {
        programmeId: 'loiret-ahu',
        travailleurSocial: 'ts.alice',
        menage,
        donnees: {
          situation: {
            impayesMois: 2,
            montantDette: 812.4,
            debutBail: new Date(maintenant - 60 * 86_400_000).toISOString().slice(0, 10),
            garantie: 'aucune',
            dejaTente: 'Relances',
            contactBailleur: false,
            suiviParServiceSocial: false,
          },
        },
      },
    });
    expect(r.status, r.texte).toBe(201);
    const id = r.json.workflowId as string;
    const handle = banc.env.client.workflow.getHandle(id);

    // La lettre d'information, jointe au courriel du ménage : à son nom et à son adresse.
    const auMenage = await banc.courriels.waitFor((m) => m.a.includes(menage.courriel) && m.sujet.endsWith('un accompagnement vous est proposé'), {
      timeoutMs: 25_000,
    });
    expect(auMenage.texte).toContain('Document joint (PDF) : Lettre d’information au ménage.');
    const lettre = await pdfJoint(auMenage, `lettre-information-${menage.reference}.pdf`);
    for (const t of [
      'Objet : un accompagnement vous est proposé',
      'Bonjour Mme Josiane Lefébure,',
      'Pour nous joindre',
      'Mme Josiane Lefébure',
      '12 rue des Tilleuls',
      programme.operateur.nom,
    ])
      expect(lettre).toContain(t);
    // De quoi rappeler l'opérateur : son téléphone et son adresse (pris au catalogue par l'activité).
    for (const t of [
      `Par téléphone : ${programme.operateur.telephone}`,
      `Par courrier ou sur place : ${programme.operateur.adresse}`,
      `Tél. ${programme.operateur.telephone}`,
    ])
      expect(lettre).toContain(t);
    sansIdentifiant(lettre, 'la lettre d’information');
    expect(lettre).not.toContain('06 12 34 56 78');

    // Un message confidentiel, puis la clôture anticipée par la coordination.
    await jusqua(handle, (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    const tentative = await api.appel('POST', `/api/parcours/${id}/messages/tentative-contact`, {
      jeton: await connecter('ts.alice'),
      corps: { requestId: requete(), canal: 'telephone', creneau: 'soir', issue: 'injoignable', note: 'SECRET-4412 : violences conjugales' },
    });
    expect(tentative.status, tentative.texte).toBe(200);
    const cloture = await api.appel('POST', `/api/parcours/${id}/cloture`, {
      jeton: await connecter('coord.essai'),
      corps: { requestId: requete(), motif: 'Le ménage a quitté le logement' },
    });
    expect(cloture.status, cloture.texte).toBe(200);

    const auBailleur = await recu(programme.partenaires.bailleur!.courriel, menage.reference, 'Fin de l’accompagnement');
    expect(auBailleur.texte).toContain('La fiche de clôture est jointe à ce courriel.');
    const fiche = await pdfJoint(auBailleur, `fiche-cloture-${menage.reference}.pdf`);
    for (const t of [
      'Fiche de clôture',
      `Dossier ${menage.reference}`,
      'Issue de l’accompagnement',
      'Clôture anticipée',
      'Le ménage a quitté le logement',
      'Aucun bilan n’a été enregistré.',
    ])
      expect(fiche).toContain(t);
    sansSecret(fiche, 'la fiche de clôture du bailleur');
    sansSecret(auBailleur.texte, 'le courriel au bailleur');
    await jusqua(handle, (e) => !!e.cloture, 'clôture');

    // Téléchargements : coordination et travailleur social affecté ; pas un autre travailleur social.
    for (const qui of ['coord.essai', 'ts.alice']) {
      const pdf = await telecharger(`/api/parcours/${id}/documents/lettre-information.pdf`, qui);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toBe('application/pdf');
      expect(pdf.cache).toBe('no-store');
      expect(pdf.disposition).toBe(`inline; filename="lettre-information-${menage.reference}.pdf"`);
      expect((await lirePdf(pdf.octets)).plat).toContain('Objet : un accompagnement vous est proposé');
    }
    const fichePdf = await telecharger(`/api/parcours/${id}/documents/fiche-cloture.pdf`, 'ts.alice');
    expect(fichePdf.status).toBe(200);
    expect((await lirePdf(fichePdf.octets)).plat).toContain('Fiche de clôture');
    for (const doc of ['lettre-information.pdf', 'fiche-cloture.pdf', 'fiche-cloture']) {
      const refus = await api.appel('GET', `/api/parcours/${id}/documents/${doc}`, { jeton: await connecter('ts.bruno') });
      expect(refus.status, doc).toBe(403);
      expect(refus.json.detail).toBe('Ce ménage ne vous est pas affecté.');
    }
    const sansSession = await fetch(`${api.url}/api/parcours/${id}/documents/fiche-cloture.pdf`);
    expect(sansSession.status).toBe(401);
    // Pas de fiche-bilan ni de résumé de protocole pour ce parcours ; document inconnu.
    for (const [doc, raison] of [
      ['fiche-bilan.pdf', 'La fiche-bilan de mesure n’existe que pour une mesure IML (bail glissant).'],
      ['resume-protocole.pdf', 'Le résumé du protocole n’existe que pour un parcours « protocole post-résiliation ».'],
      [
        'fiche-cloture.docx',
        'Document inconnu : « fiche-cloture.docx ». Documents : lettre-information, fiche-orientation, fiche-suivi-social, plan-aide, carnet-de-route, livret-iml, fiche-bilan, fiche-cloture, resume-protocole (HTML, ou PDF avec « .pdf »).',
      ],
      ['livret-iml.pdf', 'Le livret sur le bail glissant n’existe que pour une mesure d’intermédiation locative (bail glissant).'],
      [
        'fiche-suivi-social.pdf',
        'Aucune fiche de suivi social pour ce parcours : il a été clôturé avant le premier contact avec le ménage (voir la fiche de clôture).',
      ],
      ['carnet-de-route.pdf', 'Aucun carnet de route n’a été remis dans ce parcours (clôturé avant la fin du diagnostic).'],
      ['plan-aide.pdf', 'Aucun plan d’aide n’a été contractualisé dans ce parcours.'],
    ]) {
      const x = await api.appel('GET', `/api/parcours/${id}/documents/${doc}`, { jeton: await connecter('coord.essai') });
      expect(x.status, doc).toBe(404);
      expect(x.json.detail).toBe(raison);
    }
  });
});

describe('prévention (Déclic) : fiche d’orientation, fiche de suivi social, plan d’aide à signer, carnet de route', () => {
  /** Le PDF téléchargé (200 attendu), relu à plat. */
  async function lu(chemin: string, qui = 'ts.alice') {
    const r = await telecharger(chemin, qui);
    expect(r.status, chemin).toBe(200);
    expect(r.type).toBe('application/pdf');
    return (await lirePdf(r.octets)).plat;
  }

  it('un ménage orienté par le bailleur, suivi jusqu’au premier point de suivi : chaque document, relu, dit ce qu’il doit ; rien de confidentiel dans la version du bailleur', async () => {
    const programme = CATALOGUE.trouver('toulouse-declic')!;
    const op = programme.operateur;
    const menage = menageEssai();
    // Le bailleur oriente le ménage par son logiciel (la fiche, chiffrée, entre au registre) ; la coordination l'accepte.
    const fiche: FicheOrientation = {
      oriente: { nom: 'Sandrine Morel', courriel: 's.morel@leschalets.example', service: 'contentieux' },
      menage: {
        nom: menage.nom,
        composition: menage.composition,
        adresse: '12 rue des Tilleuls, 31200 Toulouse',
        telephone: menage.telephone,
        courriel: menage.courriel,
        accepteCourriel: true,
      },
      situation: {
        impayesMois: 3,
        montantDette: 812.4,
        debutBail: '2026-01-15',
        garantie: 'aucune',
        dejaTente: 'Deux relances écrites, une visite de la gardienne',
        contactBailleur: false,
        suiviParServiceSocial: false,
      },
      consentement: true,
    };
    const recue = await new Orientations((await baseEssai()).db, COFFRE).recevoirDuLogiciel(
      'toulouse-declic--bailleur',
      'toulouse-declic',
      fiche,
      undefined,
      new Date(),
    );
    const accepte = await api.appel('POST', `/api/orientations/${recue.id}/decision`, {
      jeton: await connecter('coord.essai'),
      corps: { decision: 'accepter', travailleurSocial: 'ts.alice' },
    });
    expect(accepte.status, accepte.texte).toBe(200);
    const id = accepte.json.workflowId as string;
    const ref = recue.reference;
    const handle = banc.env.client.workflow.getHandle(id);

    // La fiche d'orientation existe dès l'ouverture : celle du bailleur, réservée à l'équipe.
    await jusqua(handle, (e) => e.etape === 'aller_vers', 'étape « aller_vers »');
    const orientation = await lu(`/api/parcours/${id}/documents/fiche-orientation.pdf`, 'coord.essai');
    for (const t of [
      'Fiche d’orientation',
      `Dossier ${ref}`,
      'Qui oriente',
      programme.partenaires.bailleur!.nom,
      'Service Contentieux',
      'Personne qui oriente Sandrine Morel',
      'Mme Josiane Lefébure',
      'Composition famille monoparentale',
      '12 rue des Tilleuls, 31200 Toulouse',
      'Loyers impayés 3 mois',
      'Dette locative 812,40 €',
      'Début du bail 15 janvier 2026',
      'Deux relances écrites, une visite de la gardienne',
      'le bailleur n’arrive pas à joindre le ménage',
      'Accord du ménage',
      'Le ménage a été informé de cette orientation et l’a acceptée',
      'Orientation acceptée le',
      'par Coordinatrice Essai',
      `Tél. ${op.telephone}`,
      op.adresse!,
    ]) {
      expect(orientation, t).toContain(t);
    }
    sansIdentifiant(orientation, 'la fiche d’orientation');
    const partenaires = await api.appel('GET', `/api/parcours/${id}/documents/fiche-orientation.pdf?version=partenaires`, {
      jeton: await connecter('coord.essai'),
    });
    expect(partenaires.status).toBe(404);
    expect(partenaires.json.detail).toBe(
      'Ce document (la fiche d’orientation) n’est pas préparé pour ce destinataire (les partenaires) ; il l’est pour l’équipe.',
    );
    // Avant le premier contact : ni fiche de suivi, ni carnet, ni plan (raisons en français).
    for (const [doc, raison] of [
      ['fiche-suivi-social.pdf', 'La fiche de suivi social commence au premier contact avec le ménage : aucun contact n’est encore établi.'],
      ['carnet-de-route.pdf', 'Le carnet de route est remis au ménage à la fin du diagnostic : le diagnostic n’est pas encore terminé.'],
      ['plan-aide', 'Le plan d’aide n’est pas encore enregistré : il est préparé après le diagnostic, avec le ménage.'],
    ]) {
      const x = await api.appel('GET', `/api/parcours/${id}/documents/${doc}`, { jeton: await connecter('ts.alice') });
      expect(x.status, doc).toBe(404);
      expect(x.json.detail).toBe(raison);
    }

    // Contact, deux entretiens de diagnostic (le second remet le carnet de route), plan d'aide : le suivi commence.
    await handle.executeUpdate(tentativeContactUpdate, {
      args: [msg({ canal: 'visite_domicile' as const, creneau: 'soir' as const, issue: 'joint' as const, note: 'SECRET-4412' })],
    });
    await jusqua(handle, (e) => e.etape === 'diagnostic', 'étape « diagnostic »');
    await handle.executeUpdate(diagnosticUpdate, {
      args: [
        msg({
          origineDette: 'Perte d’emploi en mars',
          droits: 'Aide au logement suspendue',
          budget: 'Reste à vivre insuffisant',
          adequationLogement: 'Logement adapté',
          notes: 'SECRET-4412 : violences conjugales',
          termine: false,
        }),
      ],
    });
    await handle.executeUpdate(diagnosticUpdate, {
      args: [
        msg({
          origineDette: 'Perte d’emploi en mars',
          droits: 'Dossier CAF à compléter',
          budget: 'Budget refait ensemble',
          adequationLogement: 'Logement adapté',
          termine: true,
          carnetDeRoute: ['Compléter le dossier d’aide au logement à la CAF', 'Déposer la demande d’aide au FSL'],
        }),
      ],
    });
    await jusqua(handle, (e) => e.etape === 'plan_aide', 'étape « plan_aide »');
    await handle.executeUpdate(planAideUpdate, {
      args: [
        msg({
          actions: ['plan_apurement' as const, 'fsl' as const, 'sante' as const],
          orientations: ['conseillere_sociale_bailleur' as const],
          planApurement: { mensualite: 45.5, dureeMois: 18 },
        }),
      ],
    });
    await planValideParLeReferent(handle);
    const enSuivi = await jusqua(handle, (e) => e.etape === 'suivi', 'étape « suivi »');
    const debutSuivi = enSuivi.journal.find((e) => e.type === 'etape' && e.resume.endsWith('Suivi du plan'))!.date;

    const plan = await lu(`/api/parcours/${id}/documents/plan-aide.pdf`);
    for (const t of [
      'Plan d’aide : nos engagements réciproques',
      `Dossier ${ref}`,
      `Entre ${op.nom}`,
      'Et Mme Josiane Lefébure',
      'Votre travailleur social Alice Travailleuse',
      'Rembourser la dette de loyer selon le plan d’apurement convenu avec votre bailleur.',
      'Compléter le dossier d’aide au logement à la CAF',
      'Vers qui nous vous orientons',
      'Conseillère sociale du bailleur',
      '45,50 € par mois pendant 18 mois (819 € au total)',
      'Vos engagements',
      'Nos engagements',
      'Ce qui est transmis à votre bailleur',
      `Par téléphone : ${op.telephone}`,
      'Fait en deux exemplaires, à Toulouse, le',
      'Le ménage Mme Josiane Lefébure',
      'Le travailleur social Alice Travailleuse',
    ]) {
      expect(plan, t).toContain(t);
    }
    for (const t of ['Perte d’emploi', 'SECRET-4412', 'violences conjugales']) expect(plan).not.toContain(t);
    sansIdentifiant(plan, 'le plan d’aide');
    const planHtml = await api.appel('GET', `/api/parcours/${id}/documents/plan-aide`, { jeton: await connecter('ts.alice') });
    expect(planHtml.status).toBe(200);
    expect(planHtml.texte).toContain('en deux exemplaires (Ctrl+P ou Cmd+P), signés par le ménage et par vous');
    expect(planHtml.texte).toContain('<section class="signatures" aria-label="Signatures">');
    expect(planHtml.texte).toContain(
      `<footer class="coordonnees-operateur"><p>${op.nom} — ${op.adresse}<br>Tél. ${op.telephone} — Courriel : ${op.courriel}</p></footer>`,
    );

    // Le premier point de suivi (un mois après le début du suivi), enregistré avec une note confidentielle.
    await avancerJusqua(banc, handle, apres(ajouterDuree(new Date(debutSuivi), 'P1M')));
    await echeanceSuivie(handle, 'bilan:P1M');
    await handle.executeUpdate(bilanUpdate, {
      args: [msg({ reprisePaiement: 'partielle' as const, planRespecte: true, demarches: ['Dossier CAF complété'], notes: 'dette de jeu évoquée' })],
    });
    await jusqua(handle, (e) => Array.isArray(e.details.bilans) && e.details.bilans.length === 1, 'point de suivi enregistré');

    const suivi = await lu(`/api/parcours/${id}/documents/fiche-suivi-social.pdf`);
    for (const t of [
      'Fiche de suivi social',
      `Dossier ${ref}`,
      'Travailleur social Alice Travailleuse',
      'Étape actuelle Suivi du plan',
      'Dette locative à l’orientation 812,40 €',
      'Tentatives de contact 1',
      'Diagnostic (confidentiel)',
      'Entretien 2',
      'Origine de la dette Perte d’emploi en mars',
      'Carnet de route remis au ménage',
      'Déposer la demande d’aide au FSL',
      'Plan d’apurement 45,50 € par mois pendant 18 mois (819 € au total)',
      'Santé',
      'Conseillère sociale du bailleur',
      'Points de suivi et bilans',
      'Point de suivi à 1 mois',
      'Reprise partielle Respecté',
      'Point de suivi à 2 mois prévu le',
      'Bilan à 6 mois prévu le',
    ]) {
      expect(suivi, t).toContain(t);
    }
    expect(suivi).not.toContain('SECRET-4412');
    expect(suivi).not.toContain('dette de jeu');
    sansIdentifiant(suivi, 'la fiche de suivi (équipe)');
    const bailleur = await lu(`/api/parcours/${id}/documents/fiche-suivi-social.pdf?version=partenaires`, 'coord.essai');
    for (const t of [
      'Fiche de suivi social',
      'Engagements qui concernent le bailleur',
      'Plan d’apurement 45,50 € par mois pendant 18 mois',
      'Point de suivi à 1 mois',
      'Reprise partielle Respecté',
    ])
      expect(bailleur, t).toContain(t);
    sansSecret(bailleur, 'la fiche de suivi du bailleur');
    for (const t of ['Diagnostic', 'Perte d’emploi', 'Carnet de route', 'CAF', 'FSL', 'Santé', 'Conseillère sociale']) expect(bailleur, t).not.toContain(t);
    sansIdentifiant(bailleur, 'la fiche de suivi (bailleur)');

    const carnet = await lu(`/api/parcours/${id}/documents/carnet-de-route.pdf`);
    for (const t of [
      'Votre carnet de route',
      `Dossier ${ref}`,
      'Vos démarches',
      'Compléter le dossier d’aide au logement à la CAF',
      'Votre plan d’aide',
      'Chaque mois : votre loyer, plus 45,50 € de remboursement de la dette, pendant 18 mois.',
      'Vos rendez-vous passés',
      'Premier contact avec nous',
      'Premier entretien sur votre situation',
      'Signature de votre plan d’aide',
      'Point de suivi à 1 mois',
      'Vos prochains rendez-vous',
      'Point de suivi à 2 mois : vers le',
      'Date et heure Lieu Avec qui',
      `Par téléphone : ${op.telephone}`,
    ]) {
      expect(carnet, t).toContain(t);
    }
    for (const t of ['SECRET-4412', 'dette de jeu', 'Perte d’emploi']) expect(carnet).not.toContain(t);
    sansIdentifiant(carnet, 'le carnet de route');

    // Réservés au personnel du parcours.
    for (const doc of ['fiche-orientation.pdf', 'fiche-suivi-social.pdf', 'plan-aide.pdf', 'carnet-de-route']) {
      expect((await api.appel('GET', `/api/parcours/${id}/documents/${doc}`, { jeton: await connecter('ts.bruno') })).status, doc).toBe(403);
    }
    await handle.terminate('fin de l’essai des documents');
  });
});

describe('protocole post-résiliation : le résumé du protocole au bailleur et à la CCAPEX', () => {
  it('à la signature, le résumé (version des partenaires) est joint ; la préfecture et la CAF ne le reçoivent pas ; téléchargement par version', async () => {
    const programme = CATALOGUE.trouver('reims-april-protocole')!;
    const menage = menageEssai();
    const entree: EntreeExecutionProtocole = {
      programme,
      menage,
      coordinateur: 'coord.essai',
      travailleurSocial: 'ts.alice',
      // Le parcours n'existe pas encore : son horloge, au lancement, est l'heure réelle.
      resiliation: { jugementDu: jour(Date.now() - 40 * 86_400_000), juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 },
    };
    const handle = await banc.env.client.workflow.start('protocolePostResiliation', {
      taskQueue: banc.taskQueue,
      workflowId: `reims-april-protocole--${menage.reference}`,
      args: [entree],
    });
    await jusqua(handle, (e) => e.etape === 'signature_protocole', 'étape « signature_protocole »');
    const aujourdhui = jourDeParis(await heureDuParcours(handle));
    await handle.executeUpdate(signatureProtocoleUpdate, {
      args: [msg(signatureDu(aujourdhui))],
    });
    const bailleur = await recu(programme.partenaires.bailleur!.courriel, menage.reference, 'Protocole enregistré');
    const ccapex = await recu(programme.partenaires.ccapex!.courriel, menage.reference, 'Protocole de cohésion sociale signé');
    for (const m of [bailleur, ccapex]) {
      const resume = await pdfJoint(m, `resume-protocole-${menage.reference}.pdf`);
      for (const t of [
        'Résumé du protocole de cohésion sociale',
        `Dossier ${menage.reference}`,
        'Le protocole de cohésion sociale',
        'Durée initiale 6 mois',
        'Indemnité d’occupation 420 € par mois',
        'Plan d’apurement',
        'Dette à rembourser 2 400 €',
        'Mensualité 100 € par mois',
        'Aucun avenant.',
        'Paiements',
      ]) {
        expect(resume, m.sujet).toContain(t);
      }
      sansSecret(resume, `le résumé joint à « ${m.sujet} »`);
      expect(resume).not.toContain('Occupant');
    }
    for (const role of ['prefecture', 'caf'] as const) {
      const m = await recu(programme.partenaires[role]!.courriel, menage.reference, 'Protocole de cohésion sociale signé');
      expect(m.piecesJointes, role).toEqual([]);
    }

    const partenaires = await telecharger(`/api/parcours/${handle.workflowId}/documents/resume-protocole.pdf?version=partenaires`, 'coord.essai');
    expect(partenaires.status).toBe(200);
    expect(partenaires.disposition).toBe(`inline; filename="resume-protocole-${menage.reference}.pdf"`);
    const texteP = (await lirePdf(partenaires.octets)).plat;
    sansSecret(texteP, 'le résumé téléchargé (partenaires)');
    const equipe = await telecharger(`/api/parcours/${handle.workflowId}/documents/resume-protocole.pdf`, 'ts.alice');
    expect(equipe.status).toBe(200);
    expect(equipe.disposition).toBe(`inline; filename="resume-protocole-${menage.reference}-equipe.pdf"`);
    expect((await lirePdf(equipe.octets)).plat).toContain('Mme Josiane Lefébure');
    expect((await telecharger(`/api/parcours/${handle.workflowId}/documents/resume-protocole.pdf`, 'ts.bruno')).status).toBe(403);
    const html = await api.appel('GET', `/api/parcours/${handle.workflowId}/documents/resume-protocole?version=partenaires`, {
      jeton: await connecter('coord.essai'),
    });
    expect(html.status).toBe(200);
    expect(html.texte).toContain('<h2>Plan d’apurement</h2>');
    expect(html.texte).toContain('<a href="resume-protocole.pdf?version=partenaires">Version PDF</a>');
    sansSecret(html.texte, 'le résumé HTML (partenaires)');
    const mauvaiseVersion = await api.appel('GET', `/api/parcours/${handle.workflowId}/documents/resume-protocole.pdf?version=bailleur`, {
      jeton: await connecter('coord.essai'),
    });
    expect(mauvaiseVersion.status).toBe(400);
    // La version que l'occupant garde : ses engagements et qui joindre, à lui remettre ou à lui envoyer.
    const occupant = await api.appel('GET', `/api/parcours/${handle.workflowId}/documents/resume-protocole?version=menage`, {
      jeton: await connecter('ts.alice'),
    });
    expect(occupant.status).toBe(200);
    for (const t of ['Votre protocole de cohésion sociale', 'Pour nous joindre', 'remettez-le au ménage', 'resume-protocole.pdf?version=menage'])
      expect(occupant.texte).toContain(t);
    expect(occupant.texte).not.toContain('Médiation avec le bailleur');
    // La page du dossier la propose, avec l'envoi par courriel à l'adresse acceptée du ménage.
    const page = await api.appel('GET', `/parcours/${encodeURIComponent(handle.workflowId)}`, {
      entetes: { cookie: `${NOM_COOKIE}=${await connecter('ts.alice')}` },
    });
    // L'aide de l'adresse du ménage dit ce que le parcours lui écrira encore : plus rien de lui-même, une fois signé.
    expect(page.texte).toContain('Le protocole est signé : ce parcours n’écrira plus de lui-même à l’occupant');
    expect(page.texte).toContain('« Résumé du protocole » se renvoie depuis « Documents »');
    expect(page.texte).toMatch(
      /Résumé du protocole \(version pour l’occupant\) : <a href="[^"]+resume-protocole\?version=menage">ouvrir<\/a>[^<]*<a [^>]+>PDF<\/a><form [^>]+envoi-menage[^]*?value="resume-protocole"[^]*?Envoyer par courriel au ménage \(josiane\.lefebure@exemple\.fr\)/,
    );
  });
});

describe('IML bail glissant : la fiche-bilan à la DDETS, la fiche de clôture aux partenaires', () => {
  /** Lancement, SIAO, place, logement, puis le jalon du premier bilan (6 mois de sous-location) : le bilan est attendu. */
  async function jusquAuBilanA6Mois() {
    const programme = CATALOGUE.trouver('concarneau-iml')!;
    const menage = menageEssai();
    const entree: EntreeIml = {
      programme,
      menage,
      coordinateur: 'coord.essai',
      travailleurSocial: 'ts.alice',
      candidature: {
        structure: 'chrs',
        pretASortir: true,
        budgetTravaille: true,
        typologieRecherchee: 'T2',
        secteurs: ['Concarneau'],
        ressourcesMensuelles: 980,
        notes: 'SECRET-4412 : violences conjugales',
      },
    };
    const handle = await banc.env.client.workflow.start('imlBailGlissant', {
      taskQueue: banc.taskQueue,
      workflowId: `concarneau-iml--${menage.reference}`,
      args: [entree],
    });
    const e = await jusqua(handle, (x) => x.demandes.some((d) => d.role === 'siao' && d.statut === 'en_attente'), 'demande au SIAO en attente');
    const demande = e.demandes.find((d) => d.role === 'siao')!;
    await handle.executeUpdate(repondreValidationUpdate, {
      args: [{ requestId: requete(), par: 'partenaire:siao', demandeId: demande.id, role: 'siao', decision: 'approuve' }],
    });
    await jusqua(handle, (x) => x.etape === 'recherche_logement', 'étape « recherche_logement »');
    const debut = jourDeParis(await heureDuParcours(handle));
    await handle.executeUpdate(logementUpdate, {
      args: [
        msg({
          bailleur: { type: 'public' as const, nom: 'OPAC de Quimper Cornouaille', conventionne: true },
          adresse: '4 impasse des Mouettes, 29900 Concarneau',
          typologie: 'T2' as const,
          loyerMensuel: 385,
          debutBailPrincipal: debut,
          debutSousLocation: debut,
        }),
      ],
    });
    const { details } = await jusqua(handle, (x) => x.etape === 'sous_location' && !!x.details.mesure, 'étape « sous_location »');

    // Au jalon du premier bilan (6 mois après le début de la sous-location fixé par le parcours) :
    // le bilan, tenu avec le bailleur et le ménage.
    const jalon = programme.jalons.bilans![0]!;
    await avancerJusqua(banc, handle, apres(ajouterDuree(new Date((details.mesure as { debut: string }).debut), jalon)));
    await echeanceSuivie(handle, `bilan:${jalon}`);
    await jusqua(handle, (x) => x.etape === 'bilan_mesure', 'étape « bilan_mesure »');
    return { handle, menage, programme };
  }

  it('après le bilan à 6 mois, la DDETS reçoit la fiche-bilan non nominative en PDF ; à la fin de la mesure, la fiche de clôture', async () => {
    const { handle, menage, programme } = await jusquAuBilanA6Mois();
    await handle.executeUpdate(bilanMesureUpdate, {
      args: [
        msg({
          paiementLoyer: 'regulier' as const,
          situation: 'stable' as const,
          bailleurPresent: true,
          menagePresent: true,
          decision: 'poursuivre' as const,
          axes: ['budget' as const],
          notes: 'dette de jeu évoquée',
          freins: ['dette' as const],
        }),
      ],
    });
    const ddets = await recu(programme.partenaires.ddets!.courriel, menage.reference, 'Fiche-bilan IML : bilan de mesure à 6 mois');
    expect(ddets.texte).toContain('Document joint (PDF) : Fiche-bilan de mesure.');
    const fiche = await pdfJoint(ddets, `fiche-bilan-${menage.reference}-P6M.pdf`);
    for (const t of [
      'Fiche-bilan de mesure — bilan de mesure à 6 mois',
      `Dossier ${menage.reference}`,
      'Le bilan',
      'Le bailleur et le ménage',
      'poursuite de la mesure pendant 6 mois',
      'La mesure',
      'famille monoparentale',
      'CHRS',
      'Paiement du loyer',
      'Situation du ménage et accompagnement social',
      'stabilisée',
      'Fiche non nominative',
    ]) {
      expect(fiche).toContain(t);
    }
    sansSecret(fiche, 'la fiche-bilan de la DDETS');
    expect(fiche).not.toContain('980');
    await jusqua(handle, (x) => x.etape === 'sous_location', 'étape « sous_location »');

    // Téléchargement de la fiche-bilan (PDF et HTML) ; refusé à un autre travailleur social.
    const pdf = await telecharger(`/api/parcours/${handle.workflowId}/documents/fiche-bilan.pdf?jalon=P6M`, 'coord.essai');
    expect(pdf.status).toBe(200);
    expect((await lirePdf(pdf.octets)).plat).toContain('Fiche-bilan de mesure — bilan de mesure à 6 mois');
    const html = await api.appel('GET', `/api/parcours/${handle.workflowId}/documents/fiche-bilan`, { jeton: await connecter('ts.alice') });
    expect(html.status).toBe(200);
    expect(html.texte).toContain('<h1 id="titre-fiche">Fiche-bilan de mesure — bilan de mesure à 6 mois</h1>');
    sansSecret(html.texte, 'la fiche-bilan HTML');
    expect((await telecharger(`/api/parcours/${handle.workflowId}/documents/fiche-bilan.pdf`, 'ts.bruno')).status).toBe(403);
    // Le livret du ménage sur le bail glissant : ce que veut dire IML, les étapes, les dates de sa mesure, qui appeler.
    const livret = await telecharger(`/api/parcours/${handle.workflowId}/documents/livret-iml.pdf`, 'ts.alice');
    expect(livret.status).toBe(200);
    expect(livret.disposition).toBe(`inline; filename="livret-bail-glissant-${menage.reference}.pdf"`);
    const texteLivret = (await lirePdf(livret.octets)).plat;
    for (const t of [
      'Votre logement en bail glissant',
      `Dossier ${menage.reference}`,
      'L’intermédiation locative, qu’est-ce que c’est ?',
      'Le bail glissant',
      'Au bout de 12 mois de sous-location',
      'Les étapes',
      'commission du SIAO',
      'Nous disposons de 10 places agréées par l’État',
      'Où en êtes-vous ?',
      'Votre logement T2, loyer de 385 € par mois',
      'Sous-location depuis le',
      'Bilan à 6 mois tenu le',
      'Bilan à 10 mois prévu vers le',
      'Glissement du bail envisagé le',
      'Qui appeler ?',
      `Par téléphone : ${programme.operateur.telephone}`,
      programme.operateur.adresse!,
    ]) {
      expect(texteLivret, t).toContain(t);
    }
    sansSecret(texteLivret, 'le livret du bail glissant');
    expect(texteLivret).not.toContain('980');
    sansIdentifiant(texteLivret, 'le livret du bail glissant');
    const absent = await api.appel('GET', `/api/parcours/${handle.workflowId}/documents/fiche-bilan.pdf?jalon=P10M`, { jeton: await connecter('coord.essai') });
    expect(absent.status).toBe(404);
    expect(absent.json.detail).toBe('Aucun bilan de mesure « P10M » dans ce parcours (bilans tenus : P6M).');

    // Fin de la mesure (clôture anticipée) : la fiche de clôture aux partenaires, sans rien de confidentiel.
    await handle.executeUpdate(cloreAnticipeUpdate, { args: [msg({ motif: 'Fin de l’essai des documents' }, 'coord.essai')] });
    for (const a of [programme.partenaires.ddets!.courriel, programme.partenaires.siao!.courriel]) {
      const m = await recu(a, menage.reference, 'Fin de mesure IML');
      const cloture = await pdfJoint(m, `fiche-cloture-${menage.reference}.pdf`);
      for (const t of ['Fiche de clôture', 'IML sortie de structure — bail glissant', 'Clôture anticipée', 'Bilans de mesure', 'Bilan à 6 mois'])
        expect(cloture, a).toContain(t);
      sansSecret(cloture, `la fiche de clôture de ${a}`);
    }
    const auBailleur = await recu(programme.partenaires.bailleur!.courriel, menage.reference, 'Fin de la mesure IML sans glissement du bail');
    sansSecret(await pdfJoint(auBailleur, `fiche-cloture-${menage.reference}.pdf`), 'la fiche de clôture du bailleur');
  });

  it('glissement décidé au bilan à 6 mois : la fiche de clôture est jointe dès l’annonce du glissement au bailleur, à la DDETS et au SIAO', async () => {
    const { handle, menage, programme } = await jusquAuBilanA6Mois();
    await handle.executeUpdate(bilanMesureUpdate, {
      args: [
        msg({
          paiementLoyer: 'regulier' as const,
          situation: 'stable' as const,
          bailleurPresent: true,
          menagePresent: true,
          decision: 'glissement' as const,
          notes: 'dette de jeu soldée',
        }),
      ],
    });
    const bilan = await recu(programme.partenaires.ddets!.courriel, menage.reference, 'Fiche-bilan IML : bilan de mesure à 6 mois');
    expect(await pdfJoint(bilan, `fiche-bilan-${menage.reference}-P6M.pdf`)).toContain('glissement du bail sans attendre le terme de la mesure');
    for (const [a, sujet] of [
      [programme.partenaires.bailleur!.courriel, 'Glissement du bail : le ménage devient locataire en titre'],
      [programme.partenaires.ddets!.courriel, 'Fin de mesure IML : glissement du bail'],
      [programme.partenaires.siao!.courriel, 'Fin de mesure IML : glissement du bail'],
    ] as const) {
      const m = await recu(a, menage.reference, sujet);
      const fiche = await pdfJoint(m, `fiche-cloture-${menage.reference}.pdf`);
      for (const t of [
        'Fiche de clôture',
        'Issue Glissement du bail',
        'Bail glissé au profit du ménage après 6 mois de sous-location',
        'Durée de sous-location 6 mois',
        'Bilan à 6 mois',
      ])
        expect(fiche, a).toContain(t);
      sansSecret(fiche, `la fiche de clôture de ${a}`);
    }
    const etat = await jusqua(handle, (x) => !!x.cloture, 'clôture');
    expect(etat.details.ficheCloture).toMatchObject({ issue: 'glissement_du_bail', dureeSousLocationMois: 6 });
  });
});
