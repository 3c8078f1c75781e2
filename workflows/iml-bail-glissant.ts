/**
 * Parcours 2 — IML sortie de structure, bail glissant (../shared/journeys.md, « Journey 2 » ;
 * seeds/003, CCAS de Concarneau). Faire passer un ménage hébergé, prêt à sortir, vers un logement
 * ordinaire : l'opérateur prend le bail principal et sous-loue au ménage, puis le bail « glisse » au
 * ménage, qui devient locataire en titre, quand les conditions sont réunies.
 * Preset : concarneau-iml. Les places (mesures agréées par la DDETS) sont tenues par la file du
 * programme : workflows/file-iml.ts.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import {
  bilanMesureUpdate,
  candidatureUpdate,
  conditionsGlissementUpdate,
  decisionSiaoUpdate,
  finMesureUpdate,
  ISSUES_FIN_MESURE,
  LIBELLES_AXES,
  LIBELLES_COMPOSITIONS,
  LIBELLES_ORIENTATIONS,
  LIBELLES_STRUCTURES,
  logementUpdate,
  loyerUpdate,
  placeAccordeeSignal,
  rendezVousUpdate,
  STRUCTURES_HEBERGEMENT,
  type AxeAccompagnement,
  type BilanMesure,
  type Candidature,
  type ConditionsGlissement,
  type DecisionSiao,
  type EntreeIml,
  type Logement,
  type Orientation,
  type PlaceAccordee,
  type StatutLoyer,
} from '../domain/iml';
import { LIBELLES_ISSUES, type Acteur, type EtatParcours } from '../domain/vocabulaire';
import { activites } from './blocs/activites';
import { ajouterDuree, dateEnFrancais, dureeEnFrancais, heureDeParis, jourDeParis, lireDuree, minuitDeParis } from './blocs/duree';
import { notifier, type A } from './blocs/notification';
import { Parcours, type Fin } from './blocs/parcours';
import { demanderValidation } from './blocs/validation';

/** Les étapes où la mesure court (le ménage est sous-locataire). */
const EN_MESURE = ['sous_location', 'bilan_mesure', 'evaluation_glissement', 'prolongation'];

const VALIDATION_SIAO = 'Validation de la candidature par la commission SIAO';
const SOUS_LOCATION = 'Sous-location et accompagnement';
const GLISSEMENT = 'Glissement du bail : le ménage devient locataire en titre';

const PAIEMENTS = { regulier: 'régulier', irregulier: 'irrégulier', impayes: 'impayés' } as const;
const SITUATIONS = { stable: 'stabilisée', fragile: 'fragile', degradee: 'dégradée' } as const;

interface FicheBilan {
  jalon: string;
  libelle: string;
  tenuLe: string;
  paiementLoyer: BilanMesure['paiementLoyer'];
  situation: BilanMesure['situation'];
  bailleurPresent: boolean;
  menagePresent: boolean;
  decision?: BilanMesure['decision'];
  loyers: { payes: number; partiels: number; impayes: number };
  accompagnement: { rendezVous: number; visitesDomicile: number; liensPartenaires: number; axes: AxeAccompagnement[] };
}

export async function imlBailGlissant(e: EntreeIml): Promise<EtatParcours> {
  const { programme, menage } = e;
  const d = programme.delais;
  const ref = menage.reference;
  const quota = programme.quotas.mesuresActives ?? 1;
  const seuilImpayes = programme.quotas.loyersImpayesAvantAlerte ?? 2;
  const delaiSaisie = d.saisieBilan ?? 'P3W';
  const p = new Parcours({
    typeParcours: 'iml_bail_glissant',
    programme,
    reference: ref,
    etape: 'candidature',
    libelleEtape: 'Candidature du ménage hébergé',
    coordinateur: e.coordinateur,
    travailleurSocial: e.travailleurSocial,
  }).ouvrir();
  p.detailsConfidentiels.menage = menage;
  const ts = (par: string): Acteur => ({ type: 'personnel', id: par, role: 'travailleur_social' });
  const coordination = (par: string): Acteur => ({ type: 'personnel', id: par, role: 'coordinateur' });
  const auTravailleurSocial = (): A => (p.travailleurSocial ? { personnel: p.travailleurSocial } : { coordination: true });
  const enFileAttente = `En attente d’une place (${quota} mesures agréées)`;

  // Ce que les personnes enregistrent, étape par étape.
  let candidature: Candidature | undefined = e.candidature;
  let decisionSiao: DecisionSiao | undefined;
  let place: PlaceAccordee | undefined;
  let placeDemandee = false;
  let logement: Logement | undefined;
  let debut: Date | undefined; // début de la sous-location : l'horloge de la mesure
  let termeMesure: Date | undefined; // 12 mois de sous-location, puis fin de la prolongation
  let limite: Date | undefined; // durée maximale de présence de l'opérateur (18 mois)
  const loyers = new Map<string, StatutLoyer>();
  const accompagnement = { rendezVous: 0, visitesDomicile: 0, liensPartenaires: 0, axes: [] as AxeAccompagnement[] };
  let bilanAttendu: { jalon: string; libelle: string; avecDecision: boolean } | undefined;
  let bilan: BilanMesure | undefined;
  let evaluation: ConditionsGlissement | undefined;
  let orientation: Orientation | undefined;
  const fiches: FicheBilan[] = [];
  const prolongations: Array<{ decideeLe: string; mois: number; jusquau: string }> = [];

  setHandler(placeAccordeeSignal, (x) => {
    if (place || !placeDemandee || x.execution !== workflowInfo().firstExecutionRunId) return;
    place = x;
  });

  const enEtape = (...etapes: string[]) => (etapes.includes(p.etape) ? undefined : `Ce message n’est pas attendu à l’étape « ${p.libelleEtape} ».`);
  const bilanLoyers = () => {
    const l = [...loyers.values()];
    return { payes: l.filter((s) => s === 'paye').length, partiels: l.filter((s) => s === 'partiel').length, impayes: l.filter((s) => s === 'impaye').length };
  };
  const impayes = () => impayesConsecutifs(loyers);
  const motifImpayes = () =>
    impayes() >= seuilImpayes ? `Le loyer est impayé depuis ${impayes()} mois consécutifs : le glissement n’est pas possible en l’état.` : undefined;
  /** Le bailleur du logement (son adresse si elle a été donnée), sinon celui du programme. */
  const auBailleur = (): A =>
    logement?.bailleur.courriel
      ? { adresse: { nom: logement.bailleur.nom, courriel: logement.bailleur.courriel }, libelle: `le bailleur (${logement.bailleur.nom})` }
      : { role: 'bailleur' };
  /** Jusqu'où irait une prolongation de `mois` mois décidée au terme en cours. */
  /**
   * La fin d'une prolongation de `mois` mois, comptée depuis le début de la sous-location (durée de la
   * mesure et prolongations déjà décidées comprises) : une mesure commencée un 29 février garde ses
   * 16 mois après 12 + 4, sans perdre un jour à chaque fin de mois courte.
   */
  const finProlongation = (mois: number) => {
    const g = lireDuree(d.glissement!);
    const enMois = g && !g.semaines && !g.jours && !g.heures && !g.minutes && !g.secondes;
    const deja = prolongations.reduce((n, x) => n + x.mois, 0);
    return enMois ? ajouterDuree(debut!, `P${g.annees * 12 + g.mois + deja + mois}M`) : ajouterDuree(termeMesure!, `P${mois}M`);
  };
  const moisProlongation = (x: ConditionsGlissement) => x.dureeMois ?? (lireDuree(d.prolongation ?? 'P6M')?.mois || 6);

  // ---- Les messages des personnes ----------------------------------------------------------
  p.message(candidatureUpdate, {
    valider: (c) => enEtape('candidature') ?? motifCandidature(c),
    appliquer: (c) => {
      const { requestId: _r, par, ...x } = c;
      candidature = x;
      p.journal.noter('candidature', `Candidature enregistrée : ménage hébergé en ${LIBELLES_STRUCTURES[x.structure]}, prêt à sortir`, { acteur: ts(par) });
      p.avancer('validation_siao', VALIDATION_SIAO);
      return { etape: p.etape };
    },
  });
  p.message(decisionSiaoUpdate, {
    valider: (x) =>
      enEtape('decision_siao') ??
      (x.decision !== 'validee' && x.decision !== 'refusee' ? 'Décision attendue : « validee » ou « refusee ».' : undefined) ??
      (x.decision === 'refusee' && (x.motif ?? '').trim().length < 3 ? 'Le motif du refus de la commission SIAO est requis.' : undefined),
    appliquer: (x) => {
      decisionSiao = x;
      p.journal.noter('decision_siao', `Décision de la commission SIAO enregistrée par la coordination : candidature ${x.decision}${x.motif ? ` (${x.motif})` : ''}`, { acteur: coordination(x.par) });
      // Validée, la candidature attend une place ; refusée, le parcours se clôt.
      if (x.decision === 'validee') p.avancer('file_attente', enFileAttente);
      return { etape: x.decision === 'refusee' ? 'cloture' : p.etape };
    },
  });
  p.message(logementUpdate, {
    valider: (x) => enEtape('recherche_logement') ?? motifLogement(x, programme.operateur.nom, new Date()),
    appliquer: (x) => {
      logement = x;
      p.details.logement = {
        typeBailleur: x.bailleur.type,
        bailleur: x.bailleur.nom,
        typologie: x.typologie,
        loyerMensuel: x.loyerMensuel,
        debutBailPrincipal: x.debutBailPrincipal,
        debutSousLocation: x.debutSousLocation,
      };
      p.detailsConfidentiels.adresseLogement = x.adresse;
      // Le début de la sous-location fait partir l'horloge de la mesure.
      debut = minuitDeParis(x.debutSousLocation);
      termeMesure = ajouterDuree(debut, d.glissement!);
      limite = ajouterDuree(debut, d.prolongationMax!);
      p.details.mesure = { debut: debut.toISOString(), glissementPrevuLe: termeMesure.toISOString(), limite: limite.toISOString() };
      p.journal.noter('logement', `Logement ${x.typologie} (bailleur ${x.bailleur.type === 'public' ? 'public' : 'privé'} conventionné) : bail principal le ${dateEnFrancais(x.debutBailPrincipal)}, sous-location le ${dateEnFrancais(x.debutSousLocation)}`, { acteur: ts(x.par) });
      p.avancer('sous_location', SOUS_LOCATION);
      return { etape: p.etape };
    },
  });
  p.message(rendezVousUpdate, {
    valider: (x) => enEtape('recherche_logement', ...EN_MESURE) ?? (x.le !== undefined && !estDate(x.le) ? 'Date attendue au format AAAA-MM-JJ.' : undefined),
    appliquer: (x) => {
      if (x.nature === 'rendez_vous') accompagnement.rendezVous += 1;
      else if (x.nature === 'visite_domicile') accompagnement.visitesDomicile += 1;
      else accompagnement.liensPartenaires += 1;
      for (const a of x.axes) if (!accompagnement.axes.includes(a)) accompagnement.axes.push(a);
      p.details.accompagnement = { ...accompagnement, axes: [...accompagnement.axes] };
      if (x.note) ((p.detailsConfidentiels.notesAccompagnement ??= []) as unknown[]).push({ le: x.le ?? jourDeParis(new Date()), nature: x.nature, note: x.note });
      const nature = { rendez_vous: 'Rendez-vous', visite_domicile: 'Visite à domicile', lien_partenaire: 'Lien avec un partenaire' }[x.nature];
      p.journal.noter('accompagnement', `${nature}${x.axes.length ? ` (${x.axes.map((a) => LIBELLES_AXES[a]).join(', ')})` : ''}`, { acteur: ts(x.par), visibilite: 'equipe' });
      return { etape: p.etape };
    },
  });
  p.message(loyerUpdate, {
    valider: (x) => enEtape(...EN_MESURE) ?? motifLoyer(x.mois, debut!, new Date()),
    appliquer: async (x) => {
      const avant = impayes();
      const correction = loyers.has(x.mois);
      loyers.set(x.mois, x.statut);
      const n = impayes();
      p.details.loyers = { ...bilanLoyers(), impayesConsecutifs: n };
      const statut = { paye: 'payé', partiel: 'payé partiellement', impaye: 'impayé' }[x.statut];
      p.journal.noter('loyer', `Loyer de ${x.mois} ${statut}${correction ? ' (correction)' : ''}`, { acteur: ts(x.par), visibilite: 'equipe' });
      // Alerte à la coordination quand les impayés consécutifs atteignent le seuil du programme.
      if (n >= seuilImpayes && avant < seuilImpayes) {
        await notifier(p, {
          a: { coordination: true },
          sujet: `Loyers impayés : ${n} mois consécutifs (dossier ${ref})`,
          paragraphes: [
            `La gestion locative constate ${n} loyers impayés consécutifs (jusqu’à ${x.mois}) pour le logement sous-loué du dossier ${ref} (${programme.nom}).`,
            p.travailleurSocial ? `Le travailleur social en charge est ${p.travailleurSocial}.` : 'Aucun travailleur social n’est encore affecté à ce ménage.',
            'Un point avec le ménage est à prévoir rapidement : budget, délais de paiement, FSL, dossier de surendettement si besoin.',
          ],
          type: 'alerte',
        });
      }
      return { etape: p.etape, impayesConsecutifs: n };
    },
  });
  p.message(bilanMesureUpdate, {
    valider: (x) => {
      if (!bilanAttendu) return 'Aucun bilan de mesure n’est attendu pour le moment.';
      if (bilanAttendu.avecDecision) {
        if (!x.bailleurPresent || !x.menagePresent) return `Le ${bilanAttendu.libelle.toLowerCase()} se tient en présence du bailleur et du ménage (examen contradictoire) : enregistrez-le une fois tenu avec eux.`;
        if (!x.decision) return `Le ${bilanAttendu.libelle.toLowerCase()} se conclut par une décision : poursuivre la mesure 6 mois, ou faire glisser le bail.`;
        if (x.decision === 'glissement' && (x.paiementLoyer !== 'regulier' || x.situation !== 'stable')) {
          return 'Le glissement suppose un loyer payé régulièrement et une situation stabilisée : sinon, la mesure est poursuivie.';
        }
        if (x.decision === 'glissement') return motifImpayes();
      } else if (x.decision) {
        return 'La décision de poursuivre ou de faire glisser le bail se prend au bilan à 6 mois ; au terme de la mesure, enregistrez l’évaluation des conditions du glissement.';
      }
      return undefined;
    },
    appliquer: (x) => {
      bilan = x;
      if (x.notes || x.freins?.length) ((p.detailsConfidentiels.bilans ??= []) as unknown[]).push({ jalon: bilanAttendu!.jalon, notes: x.notes, freins: x.freins ?? [] });
      p.journal.noter('bilan_mesure', `${bilanAttendu!.libelle} : loyer ${PAIEMENTS[x.paiementLoyer]}, situation ${SITUATIONS[x.situation]}${x.decision ? `, décision : ${x.decision === 'glissement' ? 'glissement du bail' : 'poursuite 6 mois'}` : ''}`, { acteur: ts(x.par) });
      bilanAttendu = undefined;
      // Le bilan tenu, la sous-location continue, ou le bail glisse si c'est la décision.
      if (x.decision === 'glissement') p.avancer('glissement', GLISSEMENT);
      else p.avancer('sous_location', SOUS_LOCATION);
      return { etape: p.etape };
    },
  });
  p.message(conditionsGlissementUpdate, {
    valider: (x) => {
      const refus = enEtape('evaluation_glissement', 'prolongation');
      if (refus) return p.etape === 'sous_location' || p.etape === 'bilan_mesure' ? `Les conditions du glissement s’évaluent au terme de la mesure (le ${dateEnFrancais(termeMesure!)}).` : refus;
      if (x.decision === 'glissement') {
        if (!x.loyerPayeRegulierement || !x.situationStable) return 'Le glissement suppose un loyer payé régulièrement et une situation stabilisée : choisissez une prolongation motivée ou une fin avec orientation.';
        return motifImpayes();
      }
      if ((x.motif ?? '').trim().length < 10) return x.decision === 'prolongation' ? 'Une prolongation doit être motivée (10 caractères au moins).' : 'Une fin de mesure doit être motivée (10 caractères au moins).';
      if (x.decision === 'fin_avec_orientation') return x.orientation ? undefined : 'Une fin de mesure avec orientation précise le dispositif vers lequel le ménage est orienté.';
      if (x.decision !== 'prolongation') return 'Décision attendue : glissement, prolongation ou fin avec orientation.';
      if (p.etape === 'prolongation') return `Une prolongation court déjà jusqu’au ${dateEnFrancais(termeMesure!)} : à son terme, les conditions seront évaluées de nouveau (le glissement ou une fin avec orientation restent possibles dès maintenant).`;
      const mois = moisProlongation(x);
      if (!Number.isInteger(mois) || mois < 1) return 'Durée de prolongation invalide (en mois, 1 au moins).';
      const max = dureeEnFrancais(d.prolongationMax!);
      if (termeMesure!.getTime() >= limite!.getTime()) {
        return `La durée maximale de ${max} de sous-location est atteinte (le ${dateEnFrancais(limite!)}) : plus de prolongation possible. Choisissez le glissement ou une fin avec orientation.`;
      }
      if (finProlongation(mois).getTime() > limite!.getTime()) {
        return `Une prolongation de ${mois} mois irait jusqu’au ${dateEnFrancais(finProlongation(mois))}, au-delà de ${max} de sous-location (le ${dateEnFrancais(limite!)}) : choisissez une prolongation plus courte, le glissement ou une fin avec orientation.`;
      }
      return undefined;
    },
    appliquer: (x) => {
      evaluation = x;
      const decision = { glissement: 'glissement du bail', prolongation: `prolongation de ${moisProlongation(x)} mois`, fin_avec_orientation: 'fin de mesure avec orientation' }[x.decision];
      p.journal.noter('conditions_glissement', `Conditions du glissement évaluées : loyer ${x.loyerPayeRegulierement ? 'payé régulièrement' : 'irrégulier'}, situation ${x.situationStable ? 'stable' : 'non stabilisée'} — ${decision}`, { acteur: ts(x.par) });
      if (x.motif || x.notes) ((p.detailsConfidentiels.evaluations ??= []) as unknown[]).push({ le: new Date().toISOString(), motif: x.motif, notes: x.notes, orientation: x.orientation });
      // Le bail glisse, la mesure est prolongée, ou elle prend fin avec l'orientation du ménage (clôture).
      if (x.decision === 'glissement') p.avancer('glissement', GLISSEMENT);
      else if (x.decision === 'prolongation') p.avancer('prolongation', `Prolongation motivée jusqu’au ${dateEnFrancais(finProlongation(moisProlongation(x)))}`);
      return { etape: x.decision === 'fin_avec_orientation' ? 'cloture' : p.etape };
    },
  });
  p.message(finMesureUpdate, {
    valider: (x) => {
      if (p.interrompu) return 'Le parcours est déjà clôturé.';
      const refus = enEtape('recherche_logement', ...EN_MESURE);
      if (refus) return p.etape === 'file_attente' ? 'La mesure n’a pas encore démarré : la coordination peut clore la candidature (clôture anticipée).' : refus;
      if (!(ISSUES_FIN_MESURE as readonly string[]).includes(x.issue)) return `Issue de fin de mesure inconnue : « ${x.issue} ».`;
      if ((x.motif ?? '').trim().length < 3) return 'Motif de fin de mesure requis.';
      if (x.issue === 'fin_avec_orientation' && !x.orientation) return 'Une fin de mesure avec orientation précise le dispositif vers lequel le ménage est orienté.';
      return undefined;
    },
    appliquer: (x) => {
      orientation = x.orientation;
      p.detailsConfidentiels.motifFin = x.motif;
      p.interrompre({ issue: x.issue, motif: motifPublic(x.issue, x.orientation), acteur: ts(x.par) });
      return { etape: 'cloture' };
    },
  });

  /** La fiche de clôture (details.ficheCloture), non nominative, jointe aux courriels de fin de mesure. */
  const ficheDeCloture = (f: Fin) => ({
    issue: f.issue,
    libelle: LIBELLES_ISSUES[f.issue],
    motif: f.motif,
    le: new Date().toISOString(),
    orientation: orientation ? orientation.dispositif : undefined,
    dureeSousLocationMois: debut ? moisEntre(debut, new Date()) : undefined,
    bilans: fiches.map((x) => ({ jalon: x.jalon, paiementLoyer: x.paiementLoyer, situation: x.situation, decision: x.decision })),
    prolongations: prolongations.length,
  });

  /** Une attente qui cède à la clôture anticipée (la demande de validation, elle, court jusqu'à son terme). */
  const pendant = <T>(promesse: Promise<T>): Promise<T> => Promise.race([promesse, p.attendre(() => false).then(() => promesse)]);

  const fin = await p.derouler(async (): Promise<Fin> => {
    // 1. Candidature : un ménage hébergé par l'opérateur, jugé prêt à sortir, budget travaillé.
    if (!candidature) await p.attendre(() => candidature !== undefined);
    const c = candidature!;
    const refus = motifCandidature(c);
    if (refus) {
      await notifier(p, { a: { coordination: true }, sujet: `Candidature IML non recevable (dossier ${ref})`, paragraphes: [`La candidature du dossier ${ref} ne peut pas être présentée au SIAO : ${refus}`] });
      return { issue: 'non_eligible', motif: refus };
    }
    p.details.candidature = { structure: c.structure, hebergeDepuis: c.hebergeDepuis, typologieRecherchee: c.typologieRecherchee, secteurs: c.secteurs ?? [], composition: menage.composition };
    p.detailsConfidentiels.candidature = { ressourcesMensuelles: c.ressourcesMensuelles, notes: c.notes };

    // 2. Validation de la candidature par la commission SIAO.
    p.rejoindre('validation_siao', VALIDATION_SIAO);
    const siao = await pendant(
      demanderValidation(p, {
        role: 'siao',
        objet: 'Validation d’une candidature en intermédiation locative (sortie de structure, bail glissant)',
        apercu: apercuCandidature(e, c, quota),
        delai: d.validationSiao!,
      }),
    );
    if (siao.statut === 'refusee') {
      return { issue: 'refus_siao', motif: siao.decision?.commentaire || 'sans motif précisé', acteur: { type: 'partenaire', role: 'siao', id: siao.decision?.par } };
    }
    if (siao.statut === 'expiree') {
      // Sans réponse dans le délai : la coordination a été alertée (escalade). Le parcours attend
      // qu'elle enregistre la décision de la commission, obtenue hors du lien (séance, téléphone).
      p.changerEtape('decision_siao', 'Sans réponse du SIAO : décision de la commission à enregistrer');
      p.echeances.suivre({ id: 'decision_siao', libelle: 'Décision de la commission SIAO à enregistrer', delai: d.validationSiao!, responsable: 'coordinateur' });
      await p.attendre(() => decisionSiao !== undefined);
      p.echeances.tenir('decision_siao');
      if (decisionSiao!.decision === 'refusee') return { issue: 'refus_siao', motif: decisionSiao!.motif, acteur: coordination(decisionSiao!.par) };
    }
    const valideeLe = new Date();
    p.details.validationSiao = { le: valideeLe.toISOString(), par: siao.statut === 'approuvee' ? 'commission SIAO (lien)' : 'coordination (décision de la commission)' };

    // 3. Quota : une des places agréées par la DDETS, sinon la file d'attente (premier arrivé,
    //    premier servi) ; la mesure démarre d'elle-même quand une place se libère.
    p.rejoindre('file_attente', enFileAttente);
    placeDemandee = true;
    await activites.signalerFileIml({
      programmeId: programme.id,
      quota,
      versionProgramme: programme.version,
      demande: { mesure: p.workflowId, execution: workflowInfo().firstExecutionRunId, reference: ref, demandeeLe: valideeLe.toISOString(), quota, versionProgramme: programme.version },
    });
    p.journal.noter('place_demandee', `Candidature validée : place demandée parmi les ${quota} mesures du programme`);
    await p.attendre(() => place !== undefined);
    const attenteJours = Math.round((new Date(place!.accordeeLe).getTime() - valideeLe.getTime()) / 86_400_000);
    p.details.place = { demandeeLe: valideeLe.toISOString(), accordeeLe: place!.accordeeLe, attenteJours };
    p.journal.noter('place_accordee', attenteJours > 0 ? `Place accordée après ${attenteJours} jours d’attente` : 'Place accordée');

    // 4. Logement : un bailleur conventionné propose un logement ; bail principal et sous-location.
    p.changerEtape('recherche_logement', 'Recherche du logement (bail principal et sous-location)');
    await notifier(p, {
      a: auTravailleurSocial(),
      sujet: `Mesure IML accordée : recherche du logement (dossier ${ref})`,
      paragraphes: [
        `Une place d’intermédiation locative est accordée au ménage du dossier ${ref} (${programme.nom}).`,
        'Dès qu’un bailleur conventionné propose un logement, enregistrez le bail principal et la sous-location : la date de début de la sous-location fait partir la mesure.',
      ],
    });
    if (d.rechercheLogement) {
      p.echeances.suivre({ id: 'logement', libelle: 'Logement trouvé : bail principal et sous-location signés', delai: d.rechercheLogement, rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
    }
    await p.attendre(() => logement !== undefined);
    p.echeances.tenir('logement');
    if (!debut || !termeMesure || !limite) throw new Error('Logement enregistré sans les dates de la mesure.');
    await notifier(p, {
      a: auBailleur(),
      sujet: `Sous-location en bail glissant : début de la mesure (dossier ${ref})`,
      paragraphes: [
        `${programme.operateur.nom}, locataire en titre du bail principal signé le ${dateEnFrancais(logement!.debutBailPrincipal)}, sous-loue le logement (${logement!.typologie}) au ménage du dossier ${ref} à compter du ${dateEnFrancais(debut)}.`,
        `Un bilan est prévu au bout de ${dureeEnFrancais(jalonsBilans(e)[0] ?? 'P6M')} en votre présence et en présence du ménage ; le glissement du bail au profit du ménage est envisagé au ${dateEnFrancais(termeMesure)}, si le loyer est payé régulièrement et la situation stabilisée.`,
        `${programme.operateur.nom} assure la gestion locative et l’accompagnement social pendant toute la mesure (au plus ${dureeEnFrancais(d.prolongationMax!)}).`,
      ],
      visibilite: 'partenaires',
    });

    // 5–6. Sous-location : accompagnement et loyers (messages), bilans de mesure à 6 et 10 mois.
    p.rejoindre('sous_location', SOUS_LOCATION);
    let glissementAnticipe = false;
    const jalons = jalonsBilans(e).filter((j) => ajouterDuree(debut!, j).getTime() < termeMesure!.getTime());
    for (const [i, jalon] of jalons.entries()) {
      await p.attendre(() => false, ajouterDuree(debut, jalon).getTime() - Date.now());
      const libelle = `Bilan de mesure à ${dureeEnFrancais(jalon)}`;
      const avecDecision = i === 0;
      bilanAttendu = { jalon, libelle, avecDecision };
      p.changerEtape('bilan_mesure', avecDecision ? `${libelle} avec le bailleur et le ménage` : libelle);
      const id = `bilan:${jalon}`;
      p.echeances.suivre({ id, libelle, delai: delaiSaisie, rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
      await notifier(p, {
        a: auTravailleurSocial(),
        sujet: `${libelle} à tenir (dossier ${ref})`,
        paragraphes: [
          avecDecision
            ? `Le ${libelle.toLowerCase()} du dossier ${ref} se tient avec le bailleur et le ménage (examen contradictoire) et se conclut par une décision : poursuivre la mesure 6 mois, ou faire glisser le bail dès maintenant.`
            : `Le ${libelle.toLowerCase()} du dossier ${ref} prépare le glissement du bail prévu le ${dateEnFrancais(termeMesure)}.`,
          `À enregistrer avant le ${dateEnFrancais(ajouterDuree(new Date(), delaiSaisie))} : paiement du loyer, situation du ménage, axes travaillés. Une fiche-bilan sera adressée à la DDETS.`,
        ],
      });
      await p.attendre(() => bilanAttendu === undefined);
      p.echeances.tenir(id);
      const fiche: FicheBilan = {
        jalon,
        libelle,
        tenuLe: new Date().toISOString(),
        paiementLoyer: bilan!.paiementLoyer,
        situation: bilan!.situation,
        bailleurPresent: bilan!.bailleurPresent,
        menagePresent: bilan!.menagePresent,
        decision: bilan!.decision,
        loyers: bilanLoyers(),
        accompagnement: { ...accompagnement, axes: [...new Set([...accompagnement.axes, ...(bilan!.axes ?? [])])] },
      };
      fiches.push(fiche);
      p.details.bilans = fiches;
      // La fiche-bilan à la DDETS : un résumé sans rien de ce que le ménage a confié.
      await notifier(p, {
        a: { role: 'ddets' },
        sujet: `Fiche-bilan IML : ${libelle.toLowerCase()} (dossier ${ref})`,
        paragraphes: paragraphesFicheBilan(e, c, fiche, logement!, debut, programme.operateur.nom),
        type: 'fiche_bilan',
        visibilite: 'partenaires',
        joindre: [{ document: 'fiche-bilan', jalon }],
      });
      if (avecDecision) {
        await notifier(p, {
          a: auBailleur(),
          sujet: `${libelle} : ${fiche.decision === 'glissement' ? 'le bail glisse au profit du ménage' : 'la mesure est poursuivie 6 mois'} (dossier ${ref})`,
          paragraphes: [
            `À l’issue du ${libelle.toLowerCase()} tenu avec vous et le ménage (dossier ${ref}), la décision est la suivante : ${fiche.decision === 'glissement' ? 'le bail glisse dès maintenant au profit du ménage' : `la mesure est poursuivie ; le glissement est envisagé au ${dateEnFrancais(termeMesure)}`}.`,
          ],
          visibilite: 'partenaires',
        });
      }
      p.rejoindre('sous_location', SOUS_LOCATION);
      if (fiche.decision === 'glissement') {
        glissementAnticipe = true;
        break;
      }
    }

    // 7. Au terme (12 mois de sous-location) : glissement si le loyer est payé régulièrement et la
    //    situation stabilisée ; sinon prolongation motivée (au plus 18 mois en tout) ou fin avec orientation.
    for (let n = 1; !glissementAnticipe; n++) {
      await p.attendre(() => evaluation !== undefined, termeMesure.getTime() - Date.now());
      if (!evaluation) {
        p.changerEtape('evaluation_glissement', `Conditions du glissement à évaluer (${dureeEnFrancais(`P${moisEntre(debut, termeMesure)}M`)} de sous-location)`);
        const id = `conditions_glissement:${n}`;
        p.echeances.suivre({ id, libelle: 'Conditions du glissement évaluées', delai: delaiSaisie, rappelAvant: d.rappelAvant, responsable: 'travailleur_social' });
        await notifier(p, {
          a: auTravailleurSocial(),
          sujet: `Conditions du glissement à évaluer (dossier ${ref})`,
          paragraphes: [
            `La sous-location du dossier ${ref} arrive à son terme le ${dateEnFrancais(termeMesure)}.`,
            `Merci d’évaluer les conditions du glissement (paiement régulier du loyer, situation stabilisée) avant le ${dateEnFrancais(ajouterDuree(new Date(), delaiSaisie))} : glissement du bail, prolongation motivée (jusqu’au ${dateEnFrancais(limite)} au plus) ou fin de mesure avec orientation.`,
          ],
        });
        await p.attendre(() => evaluation !== undefined);
        p.echeances.tenir(id);
      }
      const ev = evaluation!;
      evaluation = undefined;
      ((p.details.evaluations ??= []) as unknown[]).push({ le: new Date().toISOString(), loyerPayeRegulierement: ev.loyerPayeRegulierement, situationStable: ev.situationStable, decision: ev.decision });
      if (ev.decision === 'glissement') break;
      if (ev.decision === 'fin_avec_orientation') {
        orientation = ev.orientation;
        return { issue: 'fin_avec_orientation', motif: motifPublic('fin_avec_orientation', ev.orientation), acteur: ts(ev.par) };
      }
      const mois = moisProlongation(ev);
      termeMesure = finProlongation(mois);
      prolongations.push({ decideeLe: new Date().toISOString(), mois, jusquau: termeMesure.toISOString() });
      p.details.prolongations = prolongations;
      p.rejoindre('prolongation', `Prolongation motivée jusqu’au ${dateEnFrancais(termeMesure)}`);
      for (const a of [auBailleur(), { role: 'ddets' } as A]) {
        await notifier(p, {
          a,
          sujet: `Mesure IML prolongée jusqu’au ${dateEnFrancais(termeMesure)} (dossier ${ref})`,
          paragraphes: [
            `Les conditions du glissement du bail ne sont pas encore réunies pour le ménage du dossier ${ref}. La mesure d’intermédiation locative est prolongée de ${mois} mois, jusqu’au ${dateEnFrancais(termeMesure)} ; ${programme.operateur.nom} reste locataire en titre et poursuit l’accompagnement.`,
            'Les conditions du glissement seront évaluées de nouveau à cette date.',
          ],
          visibilite: 'partenaires',
        });
      }
    }

    // Glissement : le ménage devient locataire en titre ; bailleur, DDETS et SIAO sont informés.
    p.rejoindre('glissement', GLISSEMENT);
    const le = new Date();
    const mois = moisEntre(debut, le);
    p.details.glissement = { le: le.toISOString(), moisDeSousLocation: mois, anticipe: glissementAnticipe };
    const finGlissement: Fin = { issue: 'glissement_du_bail', motif: `Bail glissé au profit du ménage après ${mois} mois de sous-location` };
    // La fiche de clôture est jointe dès l'annonce du glissement, qui clôt la mesure.
    const ficheGlissement = [{ document: 'fiche-cloture' as const, complements: { ficheCloture: ficheDeCloture(finGlissement) } }];
    await notifier(p, {
      a: auBailleur(),
      sujet: `Glissement du bail : le ménage devient locataire en titre (dossier ${ref})`,
      paragraphes: [
        `Les conditions du glissement sont réunies pour le logement sous-loué par ${programme.operateur.nom} (dossier ${ref}) : loyer payé régulièrement, situation stabilisée.`,
        `Le bail glisse au profit du ménage, qui devient locataire en titre : merci d’établir le bail à son nom et de mettre fin au bail principal consenti à ${programme.operateur.nom}. La sous-location aura duré ${mois} mois.`,
      ],
      visibilite: 'partenaires',
      joindre: ficheGlissement,
    });
    for (const role of ['ddets', 'siao'] as const) {
      await notifier(p, {
        a: { role },
        sujet: `Fin de mesure IML : glissement du bail (dossier ${ref})`,
        paragraphes: [
          `La mesure d’intermédiation locative du dossier ${ref} (${programme.nom}) s’achève par le glissement du bail${glissementAnticipe ? ', décidé au bilan à 6 mois' : ''} : le ménage, sorti de ${LIBELLES_STRUCTURES[c.structure]}, est désormais locataire en titre après ${mois} mois de sous-location.`,
          'La place de la mesure est libérée pour le ménage suivant.',
        ],
        visibilite: 'partenaires',
        joindre: ficheGlissement,
      });
    }
    if (menage.accepteCourriel && menage.courriel) {
      await notifier(p, {
        a: { adresse: { nom: menage.nom, courriel: menage.courriel } },
        sujet: 'Vous devenez locataire en titre de votre logement',
        paragraphes: [
          `Le bail de votre logement glisse à votre nom : vous devenez locataire en titre. Votre bailleur va vous proposer de signer le bail.`,
          `${programme.operateur.nom} reste à votre écoute pour cette nouvelle étape.`,
        ],
      });
    }
    return finGlissement;
  });

  await p.clore(fin.issue, fin.motif, fin.acteur);

  p.details.ficheCloture = ficheDeCloture(fin);
  if (orientation) p.details.orientation = { dispositif: orientation.dispositif };

  // La place (ou le rang dans la file) est rendue : la mesure suivante démarre d'elle-même.
  if (placeDemandee) {
    await activites.signalerFileIml({
      programmeId: programme.id,
      quota,
      versionProgramme: programme.version,
      liberation: { mesure: p.workflowId, execution: workflowInfo().firstExecutionRunId, motif: fin.issue },
    });
    p.journal.noter('place_liberee', place ? 'Place libérée pour la mesure suivante' : 'Candidature retirée de la file d’attente');
  }

  // Information des partenaires quand la mesure s'arrête sans glissement.
  if (fin.issue === 'refus_siao') {
    await notifier(p, {
      a: auTravailleurSocial(),
      sujet: `Candidature IML refusée par le SIAO (dossier ${ref})`,
      paragraphes: [`La commission SIAO n’a pas validé la candidature du dossier ${ref} : ${fin.motif ?? 'sans motif précisé'}.`, 'Merci d’en informer le ménage et de revoir avec lui son parcours logement.'],
    });
  } else if (fin.issue !== 'glissement_du_bail' && fin.issue !== 'non_eligible' && placeDemandee) {
    const libelle = LIBELLES_ISSUES[fin.issue];
    const suite = orientation ? `Le ménage est orienté vers : ${LIBELLES_ORIENTATIONS[orientation.dispositif]}.` : 'Le ménage poursuit son parcours logement avec son travailleur social.';
    if (logement) {
      await notifier(p, {
        a: auBailleur(),
        sujet: `Fin de la mesure IML sans glissement du bail (dossier ${ref})`,
        paragraphes: [
          `La mesure d’intermédiation locative du dossier ${ref} prend fin le ${dateEnFrancais(new Date())} sans glissement du bail (${libelle.toLowerCase()}).`,
          `${programme.operateur.nom}, locataire en titre du bail principal, revient vers vous pour la suite à donner au logement.`,
        ],
        visibilite: 'partenaires',
        joindre: [{ document: 'fiche-cloture' }],
      });
    }
    for (const role of place ? (['ddets', 'siao'] as const) : (['siao'] as const)) {
      await notifier(p, {
        a: { role },
        sujet: `Fin de mesure IML : ${libelle.toLowerCase()} (dossier ${ref})`,
        paragraphes: [
          place
            ? `La mesure d’intermédiation locative du dossier ${ref} (${programme.nom}) prend fin${debut ? ` après ${moisEntre(debut, new Date())} mois de sous-location` : ' avant l’entrée dans un logement'} : ${libelle.toLowerCase()}.`
            : `La candidature du dossier ${ref}, validée par la commission, est retirée de la file d’attente : ${libelle.toLowerCase()}.`,
          suite,
          ...(place ? ['La place de la mesure est libérée pour le ménage suivant.'] : []),
        ],
        visibilite: 'partenaires',
        joindre: [{ document: 'fiche-cloture' }],
      });
    }
  }
  await p.indicateursConsignes();
  return p.etat();
}

// ---- Règles (fonctions pures) ------------------------------------------------------------------

/** Une candidature IML : un ménage hébergé par l'opérateur, jugé prêt à sortir, budget travaillé. */
export function motifCandidature(c: Candidature): string | undefined {
  const motifs: string[] = [];
  if (!(STRUCTURES_HEBERGEMENT as readonly string[]).includes(c.structure)) {
    motifs.push(`structure d’hébergement inconnue (« ${c.structure} ») : ALT, pension de famille, CHRS ou logement d’urgence`);
  }
  if (!c.pretASortir) motifs.push('le ménage doit être jugé « prêt à sortir » vers le logement');
  if (!c.budgetTravaille) motifs.push('la question du budget doit avoir été travaillée en amont avec le ménage');
  if (c.hebergeDepuis !== undefined && !estDate(c.hebergeDepuis)) motifs.push('date d’entrée dans la structure attendue au format AAAA-MM-JJ');
  if (!motifs.length) return undefined;
  const texte = motifs.join(' ; ');
  return `${texte.charAt(0).toUpperCase()}${texte.slice(1)}.`;
}

/** Le logement : bailleur conventionné, sous-location après le bail principal, date proche d'aujourd'hui. */
export function motifLogement(x: Logement, operateur: string, maintenant: Date): string | undefined {
  if (!x.bailleur?.conventionne) return `Le bailleur doit avoir conventionné avec ${operateur} pour l’intermédiation locative (bail glissant).`;
  if (!estDate(x.debutBailPrincipal) || !estDate(x.debutSousLocation)) return 'Dates du bail principal et de la sous-location attendues au format AAAA-MM-JJ.';
  if (x.debutSousLocation < x.debutBailPrincipal) return 'La sous-location ne peut pas commencer avant le bail principal.';
  const ecart = Math.abs(minuitDeParis(x.debutSousLocation).getTime() - maintenant.getTime());
  if (ecart > 92 * 86_400_000) return 'La date de début de la sous-location doit être à moins de 3 mois d’aujourd’hui : elle fait partir l’horloge de la mesure.';
  return undefined;
}

/** Un loyer constaté : un mois de la sous-location, déjà échu. */
export function motifLoyer(mois: string, debut: Date, maintenant: Date): string | undefined {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(mois)) return 'Mois attendu au format AAAA-MM.';
  const premier = jourDeParis(debut).slice(0, 7);
  if (mois < premier) return `Le loyer de ${mois} est antérieur au début de la sous-location (${premier}).`;
  if (mois > jourDeParis(maintenant).slice(0, 7)) return `Le loyer de ${mois} n’est pas encore échu.`;
  return undefined;
}

/** Nombre de mois consécutifs impayés, en remontant depuis le dernier mois constaté. */
export function impayesConsecutifs(loyers: Map<string, StatutLoyer>): number {
  let n = 0;
  let attendu: string | undefined;
  for (const mois of [...loyers.keys()].sort().reverse()) {
    if ((attendu && mois !== attendu) || loyers.get(mois) !== 'impaye') break;
    n += 1;
    attendu = moisPrecedent(mois);
  }
  return n;
}

function moisPrecedent(mois: string): string {
  const [a, m] = mois.split('-').map(Number) as [number, number];
  return m === 1 ? `${a - 1}-12` : `${a}-${String(m - 1).padStart(2, '0')}`;
}

function estDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}


/**
 * Mois entiers écoulés de a à b, au calendrier des délais (`ajouterDuree`) : le plus grand n tel que
 * a + n mois ≤ b (6 mois après le 31 octobre, c'est le 30 avril).
 */
export function moisEntre(a: Date, b: Date): number {
  const pa = heureDeParis(a);
  const pb = heureDeParis(b);
  let n = Math.max(0, (pb.getUTCFullYear() - pa.getUTCFullYear()) * 12 + (pb.getUTCMonth() - pa.getUTCMonth()));
  while (n > 0 && ajouterDuree(a, `P${n}M`).getTime() > b.getTime()) n -= 1;
  while (ajouterDuree(a, `P${n + 1}M`).getTime() <= b.getTime()) n += 1;
  return n;
}

function jalonsBilans(e: EntreeIml): string[] {
  const t0 = new Date(0);
  return [...(e.programme.jalons.bilans ?? [])].sort((a, b) => ajouterDuree(t0, a).getTime() - ajouterDuree(t0, b).getTime());
}

/** Le motif de clôture visible des partenaires ; celui du travailleur social reste confidentiel. */
function motifPublic(issue: (typeof ISSUES_FIN_MESURE)[number], orientation?: Orientation): string {
  if (issue === 'fin_avec_orientation') return `Orientation : ${orientation ? LIBELLES_ORIENTATIONS[orientation.dispositif] : 'à préciser'}`;
  return issue === 'depart_du_logement' ? 'Le ménage a quitté le logement' : 'Le ménage met fin à la mesure';
}

/** Ce que la commission SIAO voit pour décider : rien de nominatif (le dossier passe par le SI-SIAO). */
function apercuCandidature(e: EntreeIml, c: Candidature, quota: number): string[] {
  const recherche = [c.typologieRecherchee, ...(c.secteurs ?? [])].filter(Boolean).join(', ');
  return [
    `Dossier ${e.menage.reference} — ${e.programme.nom}.`,
    `Ménage (${LIBELLES_COMPOSITIONS[e.menage.composition]}) hébergé par ${e.programme.operateur.nom} en ${LIBELLES_STRUCTURES[c.structure]}${c.hebergeDepuis ? ` depuis le ${dateEnFrancais(c.hebergeDepuis)}` : ''}.`,
    'Jugé prêt à sortir vers le logement ; la question du budget a été travaillée en amont.',
    `Logement recherché : ${recherche || 'à préciser'}.`,
    `Validée, la mesure démarre dès qu’une des ${quota} places agréées est libre ; sinon le ménage attend son tour.`,
    'Le dossier nominatif est transmis par le SI-SIAO : ce courriel ne contient aucune donnée personnelle.',
  ];
}

/** La fiche-bilan adressée à la DDETS : non nominative, sans rien de ce que le ménage a confié. */
function paragraphesFicheBilan(e: EntreeIml, c: Candidature, f: FicheBilan, logement: Logement, debut: Date, operateur: string): string[] {
  const decision = f.decision === 'glissement' ? 'glissement du bail sans attendre le terme de la mesure' : f.decision === 'poursuivre' ? 'poursuite de la mesure pendant 6 mois' : undefined;
  return [
    `Fiche-bilan de la mesure d’intermédiation locative « sortie de structure » (bail glissant) du dossier ${e.menage.reference} — ${e.programme.nom}.`,
    `${f.libelle} tenu le ${dateEnFrancais(f.tenuLe)}${f.bailleurPresent && f.menagePresent ? ' en présence du bailleur et du ménage' : f.menagePresent ? ' avec le ménage' : ''}.`,
    `Ménage : ${LIBELLES_COMPOSITIONS[e.menage.composition]}, sorti de ${LIBELLES_STRUCTURES[c.structure]}. Sous-location par ${operateur} depuis le ${dateEnFrancais(debut)} : logement ${logement.typologie}, bailleur ${logement.bailleur.type === 'public' ? 'public' : 'privé'} conventionné.`,
    `Paiement du loyer : ${PAIEMENTS[f.paiementLoyer]} (${f.loyers.payes} mois payés, ${f.loyers.partiels} partiellement, ${f.loyers.impayes} impayés constatés).`,
    `Situation du ménage : ${SITUATIONS[f.situation]}.`,
    `Accompagnement social : ${f.accompagnement.rendezVous} rendez-vous, ${f.accompagnement.visitesDomicile} visites à domicile, ${f.accompagnement.liensPartenaires} liens avec des partenaires${f.accompagnement.axes.length ? ` ; axes travaillés : ${f.accompagnement.axes.map((a) => LIBELLES_AXES[a]).join(', ')}` : ''}.`,
    ...(decision ? [`Décision : ${decision}.`] : []),
    'Les éléments confiés par le ménage restent confidentiels : ils ne figurent pas dans cette fiche.',
  ];
}
