/**
 * « Simuler l'année d'un programme » (administration) : le formulaire (programmes, ménages de
 * l'année, graine, équipe), la liste des simulations, et la page d'une simulation — son avancement
 * tant qu'elle tourne, puis son bilan en français : ETP nécessaires et prévus, équipe qu'il faut,
 * charge par semaine et par travailleur social, délais manqués, issues des parcours.
 */
import { brut, html, type Brut } from '../../rendu/html';
import { nombreDe, premierDuMois } from '../../domain/libelles';
import { LIBELLES_TYPE_PARCOURS, type Programme } from '../../domain/vocabulaire';
import { dateEnFrancais } from '../../domain/durees';
import type { RapportSimulation } from '../../simulations/modele/rapport';
import {
  COUTS_ACTIONS,
  FAMILLES,
  HEURES_ANNUELLES_ETP,
  HYPOTHESES_DU_PARCOURS,
  LIBELLES_FAMILLES,
  LIBELLES_HYPOTHESES,
  LIBELLES_SOURCES,
} from '../../simulations/modele/hypotheses';
import { equipeNecessaire, responsableEnFrancais, resteEstime, SEMAINES, SEMAINES_TRAVAILLEES } from '../../simulations/modele/rapport';
import { LIBELLES_STATUTS_SIMULATION, type Simulation, type SimulationListee, type StatutSimulation } from '../../simulations/registre';
import { erreurDuChamp, resumeErreurs } from '../../api/formulaires';
import { dateHeureFr } from '../libelles';
import { nomDe, tableau, type Contexte } from './commun';

/** Les ménages d'une année au plus, par programme, depuis la page (la commande en accepte davantage). */
export const MENAGES_MAX = 2000;

/** Ce que le formulaire redit après un refus : les valeurs saisies, les erreurs par champ, ou un refus d'ensemble. */
export interface RetourFormulaire {
  valeurs: Record<string, string | string[] | undefined>;
  erreurs: Record<string, string>;
  /** Le refus qui ne tient pas à un champ (une autre simulation en cours…). */
  refus?: Brut | string;
}

export const LIBELLES_CHAMPS_SIMULATION: Record<string, string> = {
  programmes: 'Programmes à simuler',
  graine: 'Graine du tirage',
  travailleurs: 'Travailleurs sociaux par programme',
  enRetard: 'Dont parfois en retard',
};

const nombre = (x: number, decimales = 1) => x.toLocaleString('fr-FR', { minimumFractionDigits: decimales, maximumFractionDigits: decimales });
const chiffre = (x: number) => x.toLocaleString('fr-FR', { maximumFractionDigits: 1 });
const entier = (x: number) => x.toLocaleString('fr-FR', { maximumFractionDigits: 0 });
/** « heure » au singulier sous 2 (0,5 heure, 1,5 heure), « heures » au-delà. */
const heures = (x: number) => (Math.abs(x) < 2 ? 'heure' : 'heures');
const travailleursSociaux = (n: number) => `${entier(n)} travailleur${n > 1 ? 's' : ''} ${n > 1 ? 'sociaux' : 'social'}`;
const iso = (d: Date | null) => (d ? d.toISOString() : undefined);
/** « 7 déc. 2026 » : le lundi d'une semaine, à Paris. */
const jourCourt = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'short', year: 'numeric' });

function badge(statut: StatutSimulation): Brut {
  const classe = statut === 'terminee' ? 'ouvert' : statut === 'echouee' || statut === 'interrompue' ? 'retard' : 'clos';
  return html`<span class="badge ${classe}">${LIBELLES_STATUTS_SIMULATION[statut]}</span>`;
}

/** « 42 % (1 234 étapes sur 2 900) », ou ce qui se passe quand les étapes ne sont pas encore connues. */
function progressionEnMots(s: Pick<Simulation, 'statut' | 'etapesFaites' | 'etapesTotal'>): string {
  if (s.statut === 'terminee') return '100 %';
  if (!s.etapesTotal) return s.statut === 'en_attente' ? 'Pas commencée' : s.statut === 'en_cours' ? 'Montage du moteur' : '—';
  const pc = Math.min(100, Math.floor((100 * s.etapesFaites) / s.etapesTotal));
  return `${pc} % (${entier(s.etapesFaites)} étapes sur ${entier(s.etapesTotal)})`;
}

const programmesEnMots = (programmes: Array<{ nom: string; menages: number }>) =>
  programmes.map((p) => `${p.nom} (${nombreDe(p.menages, 'ménage', 'ménages')})`).join(' ; ');

// ---- La liste et le formulaire -------------------------------------------------------------------

export function valeursParDefaut(programmes: Programme[]): Record<string, string> {
  return {
    graine: '1',
    enRetard: '1',
    travailleurs: '',
    ...Object.fromEntries(programmes.map((p) => [`menages-${p.id}`, p.quotas.situationsParAn ? String(p.quotas.situationsParAn) : ''])),
  };
}

function champTexte(nom: string, libelle: string, aide: string, r: RetourFormulaire, requis: boolean): Brut {
  const id = `sim-${nom}`;
  const erreur = r.erreurs[nom];
  const v = r.valeurs[nom];
  const decrit = [`${id}-aide`, erreur ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<div class="${erreur ? 'champ en-erreur' : 'champ'}"><label for="${id}">${libelle} <span class="aide">(${requis ? 'obligatoire' : 'facultatif'})</span></label>
<p class="aide" id="${id}-aide">${aide}</p>${erreur ? html`<p class="message-erreur" id="${id}-erreur">${erreur}</p>` : ''}
<input type="text" inputmode="numeric" id="${id}" name="${nom}" value="${Array.isArray(v) ? v[0] : (v ?? '')}" aria-describedby="${decrit}"${erreur ? brut(' aria-invalid="true"') : ''}${requis ? brut(' aria-required="true"') : ''}></div>`;
}

function choixProgramme(p: Programme, r: RetourFormulaire): Brut {
  const choisis = r.valeurs.programmes;
  const coche = Array.isArray(choisis) ? choisis.includes(p.id) : choisis === p.id;
  const nom = `menages-${p.id}`;
  const erreur = r.erreurs[nom];
  const v = r.valeurs[nom];
  const aide = p.quotas.situationsParAn
    ? `Par défaut, les ${entier(p.quotas.situationsParAn)} situations par an du programme ; de 1 à ${entier(MENAGES_MAX)}.`
    : `Le programme ne dit pas combien de situations il reçoit par an : indiquez-le (de 1 à ${entier(MENAGES_MAX)}).`;
  return html`<fieldset class="programme-simule"><legend>${p.nom}</legend>
<p class="aide">${LIBELLES_TYPE_PARCOURS[p.typeParcours]} — ${p.territoire}${p.quotas.etpAccompagnement !== undefined ? ` — ${nombre(p.quotas.etpAccompagnement, 2)} ETP prévus` : ''}</p>
<div class="choix"><input type="checkbox" id="sim-prog-${p.id}" name="programmes" value="${p.id}"${coche ? brut(' checked') : ''}><label for="sim-prog-${p.id}">Simuler ce programme</label></div>
<div class="${erreur ? 'champ en-erreur' : 'champ'}"><label for="sim-${nom}">Ménages de l’année</label>
<p class="aide" id="sim-${nom}-aide">${aide}</p>${erreur ? html`<p class="message-erreur" id="sim-${nom}-erreur">${erreur}</p>` : ''}
<input type="text" inputmode="numeric" id="sim-${nom}" name="${nom}" value="${Array.isArray(v) ? v[0] : (v ?? '')}" aria-describedby="sim-${nom}-aide${erreur ? ` sim-${nom}-erreur` : ''}"${erreur ? brut(' aria-invalid="true"') : ''}></div>
</fieldset>`;
}

function formulaire(ctx: Contexte, programmes: Programme[], r: RetourFormulaire): Brut {
  const messages = Object.entries(r.erreurs).map(([champ, m]) => {
    const libelle =
      LIBELLES_CHAMPS_SIMULATION[champ] ??
      (champ.startsWith('menages-') ? `Ménages de l’année pour « ${programmes.find((p) => `menages-${p.id}` === champ)?.nom ?? 'ce programme'} »` : 'Saisie');
    return erreurDuChamp(libelle, m);
  });
  const erreurProgrammes = r.erreurs.programmes;
  return html`<h2>Nouvelle simulation</h2>
<form method="post" action="/simulations" novalidate>${messages.length ? resumeErreurs('La simulation n’a pas été lancée :', messages) : ''}${r.refus ? html`<div class="erreur" role="alert" tabindex="-1" autofocus><p>${r.refus}</p></div>` : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<fieldset id="sim-programmes"${erreurProgrammes ? brut(' aria-describedby="sim-programmes-erreur"') : ''}><legend>Programmes à simuler <span class="aide">(au moins un)</span></legend>
${erreurProgrammes ? html`<p class="message-erreur" id="sim-programmes-erreur">${erreurProgrammes}</p>` : ''}
${programmes.map((p) => choixProgramme(p, r))}
</fieldset>
${champTexte('graine', 'Graine du tirage', 'Un nombre entier : la même graine tire les mêmes ménages, la même année ; une autre graine, une autre année.', r, true)}
${champTexte('travailleurs', 'Travailleurs sociaux par programme', 'Vide : l’ETP prévu du programme arrondi au-dessus ; un travailleur social pour un programme qui n’en prévoit pas.', r, false)}
${champTexte('enRetard', 'Dont parfois en retard', 'Combien de ces travailleurs sociaux font parfois leurs actions après le délai (0 : personne) : leurs délais manqués apparaissent dans le bilan.', r, true)}
<div class="boutons"><button type="submit">Lancer la simulation</button></div></form>`;
}

export function pageSimulations(
  ctx: Contexte,
  o: { programmes: Programme[]; simulations: SimulationListee[]; indisponible?: string; retour?: RetourFormulaire },
): Brut {
  const active = o.simulations.find((s) => s.statut === 'en_attente' || s.statut === 'en_cours');
  const retour = o.retour ?? { valeurs: valeursParDefaut(o.programmes), erreurs: {} };
  return html`<h1>Simuler l’année d’un programme</h1>
<p>La simulation fait passer les ménages d’une année par les vrais parcours du produit, sur un moteur à part (son propre serveur Temporal, qui saute le temps, et une base temporaire) : jamais les parcours en cours ni leurs dossiers. Elle dit la charge de travail par semaine et par travailleur social, les délais qui seraient manqués et les ETP qu’il faut.</p>
<p class="aide">Une seule simulation à la fois. Comptez de quelques dizaines de secondes pour quelques ménages à deux ou trois minutes pour 170 ménages, et une demi-heure environ pour 2 000 ménages sur un serveur à deux cœurs ; pendant la simulation, la page estime le temps qui reste.</p>
${active ? html`<div class="encadre" role="status"><p>Une simulation est en cours (${programmesEnMots(active.programmes)}) : <a href="/simulations/${active.id}">suivre son avancement</a>.</p></div>` : ''}
${
  o.indisponible
    ? html`<h2>Nouvelle simulation</h2><div class="alerte" role="alert"><p><strong>La simulation n’est pas disponible sur ce serveur.</strong> ${o.indisponible}</p></div>`
    : formulaire(ctx, o.programmes, retour)
}
<h2>Simulations précédentes</h2>
${
  o.simulations.length
    ? tableau({
        region: 'Simulations précédentes',
        legende: 'Les 50 dernières simulations, la plus récente d’abord',
        classeLegende: 'aide',
        lignes: o.simulations,
        colonnes: [
          { titre: 'Demandée le', nomme: true, valeur: (s) => html`<a href="/simulations/${s.id}">${dateHeureFr(iso(s.demandeeLe))}</a>` },
          { titre: 'Par', valeur: (s) => nomDe(ctx.deps, s.demandeePar) },
          { titre: 'Programmes', valeur: (s) => programmesEnMots(s.programmes) },
          { titre: 'Graine', valeur: (s) => String(s.graine) },
          { titre: 'Statut', valeur: (s) => badge(s.statut) },
          { titre: 'Progression', valeur: (s) => progressionEnMots(s) },
        ],
      })
    : html`<p>Aucune simulation pour l’instant.</p>`
}`;
}

// ---- La page d'une simulation ----------------------------------------------------------------------

function entete(ctx: Contexte, s: Simulation): Brut {
  const equipe =
    s.options.travailleurs !== undefined
      ? `${travailleursSociaux(s.options.travailleurs)} par programme`
      : 'l’ETP prévu de chaque programme, arrondi au-dessus (un travailleur social pour un programme qui n’en prévoit pas)';
  return html`<dl class="infos">
<dt>Programmes</dt><dd>${s.programmes.map((p) => html`${p.nom} <span class="aide">(${LIBELLES_TYPE_PARCOURS[p.typeParcours]}, réglages version ${p.version})</span> : ${nombreDe(p.menages, 'ménage', 'ménages')}<br>`)}</dd>
<dt>Équipe</dt><dd>${equipe}, dont ${entier(s.options.enRetard)} parfois en retard</dd>
<dt>Graine du tirage</dt><dd>${String(s.graine)}</dd>
<dt>Demandée par</dt><dd>${nomDe(ctx.deps, s.demandeePar)}, le ${dateHeureFr(iso(s.demandeeLe))}</dd>
<dt>Statut</dt><dd>${badge(s.statut)}${s.termineeLe ? html` le ${dateHeureFr(iso(s.termineeLe))}` : ''}</dd>
</dl>`;
}

function avancement(s: Simulation, suivre: boolean): Brut {
  const pc = s.etapesTotal ? Math.min(100, Math.floor((100 * s.etapesFaites) / s.etapesTotal)) : 0;
  const reste = s.etapesTotal && s.commenceeLe ? resteEstime(s.etapesFaites, s.etapesTotal, s.battementLe.getTime() - s.commenceeLe.getTime()) : undefined;
  return html`<h2>Avancement</h2>
<div role="status">
<p id="sim-avancement">${s.statut === 'en_attente' ? 'La simulation va démarrer.' : s.etapesTotal ? `${pc} % des étapes jouées.` : 'Le moteur de simulation se met en place.'}</p>
${s.etapesTotal ? html`<progress max="${s.etapesTotal}" value="${Math.min(s.etapesFaites, s.etapesTotal)}" aria-labelledby="sim-avancement">${pc} %</progress>` : ''}
${s.message ? html`<p>${s.message}</p>` : ''}
${reste ? html`<p>Fin estimée dans ${reste}, au rythme des étapes déjà jouées.</p>` : ''}
</div>
${
  // L'actualisation automatique se choisit et s'arrête (elle ne s'impose pas : WCAG 2.2.1).
  suivre
    ? html`<p class="aide">Cette page se recharge toutes les 5 secondes. <a href="/simulations/${s.id}">Arrêter l’actualisation automatique</a></p>`
    : html`<p><a href="/simulations/${s.id}?suivre=oui">Suivre l’avancement (la page se recharge toutes les 5 secondes)</a> · <a href="/simulations/${s.id}">Actualiser maintenant</a></p>`
}
<p class="aide">Vous pouvez quitter cette page : la simulation continue, et son bilan sera ici.</p>`;
}

export function pageSimulation(ctx: Contexte, s: Simulation, suivre = false): Brut {
  const enCours = s.statut === 'en_attente' || s.statut === 'en_cours';
  return html`<p><a href="/simulations">Toutes les simulations</a></p>
<h1>Simulation du ${dateHeureFr(iso(s.demandeeLe))}</h1>
${entete(ctx, s)}
${enCours ? avancement(s, suivre) : ''}
${
  s.statut === 'echouee' || s.statut === 'interrompue'
    ? html`<div class="erreur" role="alert" tabindex="-1" autofocus><p><strong>${s.statut === 'echouee' ? 'La simulation a échoué.' : 'La simulation a été interrompue.'}</strong></p><p>${s.erreur ?? ''}</p></div>
<p><a href="/simulations">Lancer une nouvelle simulation</a></p>`
    : ''
}
${s.statut === 'terminee' && s.rapport ? bilan(s.rapport) : ''}`;
}

// ---- Le bilan ---------------------------------------------------------------------------------------

function bilan(r: RapportSimulation): Brut {
  const b = r.bilan;
  const pic = b.semaines.reduce((m, w) => (w.heures > m.heures ? w : m), b.semaines[0]!);
  const plusChargees = [...b.semaines].sort((a, c) => c.heures - a.heures).slice(0, 5);
  const ensemble = equipeNecessaire(b.etp);
  const capacite = ensemble.personnes * ensemble.quotite * (HEURES_ANNUELLES_ETP / SEMAINES_TRAVAILLEES);
  const auDessus = b.semaines.filter((w) => w.heures > capacite).length;
  const semaine = (debut: number) => `Semaine du ${dateEnFrancais(new Date(debut))}`;
  const programme = (id: string) => r.programmes.find((p) => p.id === id);
  const rangs = new Map<string, number>();
  const nomTravailleur = (t: (typeof b.travailleurs)[number]) => {
    const k = (rangs.get(t.programmeId) ?? 0) + 1;
    rangs.set(t.programmeId, k);
    return `Travailleur social ${k} — ${programme(t.programmeId)?.nom ?? 'programme'}`;
  };
  const travailleurs = b.travailleurs.map((t) => ({ ...t, nom: nomTravailleur(t) }));
  const totalActions = b.semaines.reduce((n, w) => n + w.actions, 0);

  return html`<h2 id="etp">ETP nécessaires</h2>
${b.programmes.map((p) => {
  const { personnes, quotite } = equipeNecessaire(p.etp);
  return html`<p><strong>${p.nom}</strong> (${p.typeParcours}, ${nombreDe(p.menages, 'ménage', 'ménages')}) : ${nombre(p.heures)} heures de travail dans l’année, soit <strong>${nombre(p.etp, 2)} ETP</strong>${p.etpPrevu !== undefined ? html` ; le programme prévoit ${nombre(p.etpPrevu, 2)} ETP` : ' ; le programme ne dit pas combien d’ETP il prévoit'}. Il faut ${travailleursSociaux(personnes)} à ${nombre(quotite, 2)} ETP.</p>`;
})}
${
  b.programmes.length > 1
    ? html`<p><strong>Ensemble</strong> : ${nombre(b.heures)} heures, soit ${nombre(b.etp, 2)} ETP. Il faut ${travailleursSociaux(ensemble.personnes)} à ${nombre(ensemble.quotite, 2)} ETP.</p>`
    : ''
}
<p>Un ETP compte ${entier(HEURES_ANNUELLES_ETP)} heures par an, sur ${SEMAINES_TRAVAILLEES} semaines travaillées. Cette équipe peut donc faire ${nombre(capacite)} ${heures(capacite)} par semaine travaillée ; ${nombreDe(auDessus, 'semaine', 'semaines')} sur ${SEMAINES} ${auDessus > 1 ? 'demandent' : 'demande'} davantage (semaine la plus chargée : ${nombre(pic.heures)} ${heures(pic.heures)}).</p>
<div class="encadre"><p><strong>Des hypothèses à ajuster.</strong> Le temps de chaque action (une visite à domicile ${entier(r.couts.visite_domicile)} minutes trajet compris, un entretien de diagnostic ${entier(r.couts.entretien_diagnostic)} minutes, un appel ${entier(r.couts.tentative_telephone)} minutes…) et le comportement des ménages (part des ménages joints, refus, reprise du paiement…) sont des hypothèses : le programme doit les ajuster à sa réalité, et les ETP suivent. Les chiffres utilisés sont détaillés plus bas.</p></div>

<h2>Charge par semaine</h2>
<p>L’année en régime établi, toutes équipes : un ménage arrivé dans l’année est suivi jusqu’à la clôture, et ce qu’il fait l’année suivante compte à la même semaine (c’est le travail que les ménages de l’année précédente donnent cette année-là). En tout : ${nombreDe(totalActions, 'action', 'actions')}, ${nombre(b.heures)} heures.</p>
<p>Les semaines les plus chargées :</p>
<ol>${plusChargees.map((w) => html`<li>${semaine(w.debut)} : ${nombre(w.heures)} heures (${nombreDe(w.actions, 'action', 'actions')})</li>`)}</ol>
${tableau({
  region: 'Charge par semaine',
  legende: `Charge de chacune des ${SEMAINES} semaines de l’année simulée (nombre d’actions par famille, puis heures)`,
  lignes: b.semaines,
  colonnes: [
    { titre: 'Semaine du', nomme: true, valeur: (w) => premierDuMois(jourCourt.format(new Date(w.debut))) },
    ...FAMILLES.map((f) => ({ titre: LIBELLES_FAMILLES[f], valeur: (w: (typeof b.semaines)[number]) => entier(w.parFamille[f]) })),
    { titre: 'Actions', valeur: (w) => entier(w.actions) },
    { titre: 'Heures', valeur: (w) => nombre(w.heures) },
  ],
})}

<h2>Charge par travailleur social</h2>
${tableau({
  region: 'Charge par travailleur social',
  legende: 'Heures dans l’année, moyenne et pic par semaine, ETP et délais manqués de chaque travailleur social',
  lignes: travailleurs,
  colonnes: [
    { titre: 'Travailleur social', nomme: true, valeur: (t) => html`${t.nom}${t.enRetard ? html` <span class="aide">(parfois en retard)</span>` : ''}` },
    { titre: 'Ménages', valeur: (t) => entier(t.menages) },
    { titre: 'Actions', valeur: (t) => entier(t.actions) },
    { titre: 'Heures dans l’année', valeur: (t) => nombre(t.heures) },
    { titre: 'Heures par semaine, en moyenne', valeur: (t) => nombre(t.heures / SEMAINES) },
    { titre: 'Semaine la plus chargée (heures)', valeur: (t) => nombre(Math.max(...t.heuresParSemaine)) },
    { titre: 'ETP', valeur: (t) => nombre(t.heures / HEURES_ANNUELLES_ETP, 2) },
    { titre: 'Délais manqués', valeur: (t) => entier(t.delaisManques) },
  ],
})}

<h2>Délais manqués</h2>
<p>Lus dans l’état des parcours à la fin : chaque échéance dépassée, tenue ensuite en retard ou jamais tenue. Un délai peut être manqué sans qu’aucun travailleur social soit en retard : un ménage joint après plusieurs tentatives, au-delà du délai de la visite à domicile, par exemple ; ou un partenaire qui ne répond pas.</p>
${
  b.delais.length
    ? tableau({
        region: 'Délais manqués',
        legende: 'Échéances dépassées, par délai',
        lignes: b.delais,
        colonnes: [
          { titre: 'Délai', nomme: true, valeur: (d) => d.libelle },
          { titre: 'Qui en répond', valeur: (d) => responsableEnFrancais(d.responsable) },
          { titre: 'Dépassé', valeur: (d) => entier(d.depassees) },
          { titre: 'Tenu en retard', valeur: (d) => entier(d.tenuesEnRetard) },
          { titre: 'Jamais tenu', valeur: (d) => entier(d.depassees - d.tenuesEnRetard) },
          { titre: 'Ménages concernés', valeur: (d) => entier(d.menages) },
        ],
      })
    : html`<p>Aucun délai manqué.</p>`
}
<p>Délais manqués dont l’équipe répond (travail social, coordination) : <strong>${entier(b.delaisManquesEquipe)}</strong>.</p>

<h2>Issues des parcours</h2>
${tableau({
  legende: 'Où en est chaque parcours à la fin de la simulation',
  lignes: b.issues,
  colonnes: [
    { titre: 'Issue', nomme: true, valeur: (i) => i.libelle },
    { titre: 'Ménages', valeur: (i) => entier(i.nombre) },
  ],
})}
${
  b.reprise
    ? html`<p>Reprise du paiement au dernier bilan : ${nombreDe(b.reprise.reprise, 'ménage', 'ménages')} sur ${entier(b.reprise.suivis)} ${b.reprise.suivis > 1 ? 'suivis' : 'suivi'} jusqu’à un bilan (${nombre((100 * b.reprise.reprise) / b.reprise.suivis, 0)} %).</p>`
    : ''
}
${b.refus.nombre ? html`<p class="aide">${nombreDe(b.refus.nombre, 'message prévu a été refusé', 'messages prévus ont été refusés')} par les parcours : le plan tiré ne collait pas à leur état à ce moment-là.</p>` : ''}

<h2>Les chiffres utilisés</h2>
${tableau({
  legende: 'Le temps de chaque action, et combien de fois elle a été faite dans l’année',
  lignes: b.parAction,
  colonnes: [
    { titre: 'Action', nomme: true, valeur: (a) => COUTS_ACTIONS[a.action].libelle },
    { titre: 'Nombre', valeur: (a) => entier(a.nombre) },
    { titre: 'Durée (hypothèse)', valeur: (a) => `${entier(a.minutes)} minutes` },
    { titre: 'Heures', valeur: (a) => nombre(a.heures) },
  ],
})}
${r.programmes.map(
  (p) => html`<details class="action"><summary>Le comportement des ménages : ${p.nom}</summary>
${tableau({
  legende: `${p.libelleType} — ${travailleursSociaux(p.travailleurs)}, dont ${entier(p.enRetard)} parfois en retard`,
  lignes: HYPOTHESES_DU_PARCOURS[p.typeParcours],
  colonnes: [
    { titre: 'Chiffre', nomme: true, valeur: (k) => LIBELLES_HYPOTHESES[k] },
    { titre: 'Valeur', valeur: (k) => (k.startsWith('part') ? `${nombre(100 * p.hypotheses[k].valeur, 0)} %` : chiffre(p.hypotheses[k].valeur)) },
    { titre: 'Source', valeur: (k) => LIBELLES_SOURCES[p.hypotheses[k].source] },
  ],
})}</details>`,
)}
<p class="aide">Année simulée à partir du ${dateEnFrancais(new Date(r.debut))}, parcours suivis jusqu’au ${dateEnFrancais(new Date(r.horizon))} au plus. Simulation menée en ${duree(r.dureeMs)} (dont ${duree(r.montageMs)} pour monter le moteur) : ${nombreDe(r.etapes, 'étape jouée', 'étapes jouées')} sur les parcours, ${nombreDe(r.courriels, 'courriel envoyé', 'courriels envoyés')} par les activités (vers une boîte de simulation, jamais à quelqu’un).</p>`;
}

function duree(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}
