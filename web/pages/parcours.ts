/**
 * La page d'un parcours : état, ménage, échéances, décisions des partenaires, journal ; les
 * actions que l'étape courante permet à la personne (formulaires courts, utilisables sur un écran
 * de 360 pixels) ; pour la coordination : affectation et clôture anticipée ; pour l'IML : les
 * mesures actives et la file d'attente du programme.
 */
import { randomUUID } from 'node:crypto';
import { brut, html, type Brut } from '../../rendu/html';
import { raisonRefusPilotage } from '../../api/auth';
import { messagesPermis, visiteAttendue } from '../../domain/actions';
import { DOCUMENTS, DocumentIndisponible, LECTEUR_PAR_DEFAUT, LIBELLES_DOCUMENTS, preparerDocument, type NomDocument } from '../../documents';
import { jalonsFichesBilan } from '../../documents/fiche-bilan';
import { dureeEnFrancais, jourEtHeureEnMots } from '../../domain/durees';
import { memeBailleur, type EtatFileIml } from '../../domain/iml';
import { LIBELLES_PRIORITE } from '../../domain/prevention';
import type { DemandeValidation, EtatParcours, Menage, Programme } from '../../domain/vocabulaire';
import type { Organisation } from '../../personnel/organisations';
import { avecSuggestions, champsDe, rendreChamps, resumeErreurs, valeursDe, type Corps } from '../../api/formulaires';
import {
  dateFr,
  dateHeureFr,
  dateLimiteFr,
  LIBELLES_ROLES,
  LIBELLES_STATUT_DEMANDE,
  LIBELLES_STATUT_ECHEANCE,
  LIBELLES_TYPE_PARCOURS,
  LIBELLES_CHAMPS,
  LIBELLES_VALEURS,
  CHAMPS_JOURS,
  CHAMPS_MONTANTS,
  euros,
  libelleChamp,
  libelleValeur,
} from '../libelles';
import { moisEnFrancais } from '../../documents/commun';
import { nombreDe } from '../../domain/libelles';
import {
  ACTIONS_PLAN,
  libelle as libelleDe,
  lireCarnet,
  lireEntretiens,
  lirePlan,
  ORIENTATIONS_PLAN,
  ouiNon,
  planRefuse as refusDuPlan,
  texteApurement,
} from '../../documents/prevention';
import { DESTINATAIRES_DIAGNOSTIC, LIBELLES_DESTINATAIRES_DIAGNOSTIC, type DestinataireDiagnostic } from '../../domain/partage';
import type { EtatPartage } from '../../api/routes/partage';
import type { EtatContactMenage } from '../../api/routes/contact-menage';
import { recoitDiagnostic } from '../../api/visibilite';
import {
  estCoordination,
  libelleBailleurAvecFile,
  libelleTravailleurSocial,
  nomDe,
  tableau,
  travailleursSociaux,
  type ChargeTravailleurSocial,
  type Contexte,
} from './commun';
import { sectionFileIml } from './file-iml';
import type { CourrielNonRemis, EnvoisEnAttente } from '../../base/courriels-en-attente';
import { aQuiAllait } from '../../courriers/retours';
import { raisonNonRemise } from '../../retours/avis';
import { DOCUMENTS_AU_MENAGE, type DocumentAuMenage } from '../../domain/messages';

/** Le retour d'un formulaire de la page : erreurs de saisie, refus du parcours, saisie à remettre. */
export interface RetourFormulaire {
  formulaire: string;
  titre: string;
  messages: string[];
  erreurs?: Record<string, string>;
  valeurs?: Corps;
  /**
   * L'identifiant de la saisie et ce qu'elle avait vu du parcours, gardés quand le parcours n'a pas
   * confirmé : renvoyée, elle est reconnue et ne s'enregistre pas deux fois.
   */
  garder?: { requestId: string; vu?: string };
}

export interface OptionsPageParcours {
  fait?: string;
  /** Le programme dans la version du parcours (ses options : le refus qui clôt, l'étude conjointe). */
  programme?: Programme;
  retour?: RetourFormulaire;
  fileIml?: EtatFileIml;
  /** Le bailleur du ménage, l'historique de ses changements et les bailleurs que la coordination peut choisir. */
  bailleur?: BailleurDuParcours & { choix: Array<Pick<Organisation, 'id' | 'nom' | 'quotaFileActive' | 'parcoursOuverts'>> };
  /** Qui a orienté le ménage (fiche d'orientation d'un partenaire), s'il a été orienté ainsi. */
  orientePar?: string;
  /** Le partage du diagnostic : réglage du programme, accord du ménage et son historique. */
  partage?: EtatPartage;
  /** Les moyens de contact que le ménage accepte (courriel, SMS). */
  contact?: EtatContactMenage;
  /** La priorité du ménage dans son programme (besancon-ccas : ménage isolé), comme les listes la montrent. */
  priorite?: string;
  /** Les courriels de ce parcours que le serveur de courriel refuse en ce moment, et ses SMS que le fournisseur refuse. */
  courriels?: EnvoisEnAttente;
  /** Les courriels de ce parcours revenus en avis de non-remise (adresse à vérifier). */
  nonRemis?: CourrielNonRemis[];
  /** Pour la coordination qui (ré)affecte : les ménages suivis et l'absence du jour de chaque travailleur social. */
  charges?: Map<string, ChargeTravailleurSocial>;
}

export interface BailleurDuParcours {
  organisation?: { id: string; nom: string };
  historique: Array<{ ancien: string | null; nouveau: string; par: string; motif: string; le: Date }>;
}

const idPage = (etat: EtatParcours) => `/parcours/${encodeURIComponent(etat.workflowId)}`;

/** Les messages du registre que cette personne peut envoyer à cette étape. */
export function actionsPermises(ctx: Contexte, etat: EtatParcours): string[] {
  const definition = ctx.deps.registre[etat.typeParcours];
  if (!definition) return [];
  return messagesPermis(etat.typeParcours, etat.etape, !!etat.cloture || !!etat.clotureEnCours, etat).filter((nom) =>
    definition.messages[nom]?.roles.includes(ctx.personne.role),
  );
}

/** Le programme du parcours, dans sa version si la page l'a ; sinon la version courante. */
const programmeDe = (ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours) => o.programme ?? ctx.deps.catalogue.trouver(etat.programme.id);

function formulaireMessage(ctx: Contexte, etat: EtatParcours, nom: string, o: OptionsPageParcours): Brut {
  const retour = o.retour;
  const def = ctx.deps.registre[etat.typeParcours]!.messages[nom]!;
  // Après le premier contact, la tentative de contact ne sert plus qu'à noter la visite à domicile
  // encore attendue (besancon-ccas) : le formulaire le dit, son canal est la visite.
  const visite = nom === 'tentative-contact' && !messagesPermis(etat.typeParcours, etat.etape).includes(nom) && visiteAttendue(etat.typeParcours, etat);
  const champs = champsDe(def.schema)
    .filter((c) => !(visite && c.nom === 'canal'))
    // L'entretien tripartite n'est demandé que si le programme le prévoit (option « entretienTripartite »).
    .filter((c) => !(nom === 'passage-droit-commun' && c.nom === 'entretienTripartite' && !programmeDe(ctx, etat, o)?.options.entretienTripartite))
    .map((c) => (c.options && def.choixPossible ? { ...c, options: c.options.filter((o) => def.choixPossible!(c.nom, o.valeur, etat)) } : c))
    // Un champ facultatif dont aucun choix n'est possible maintenant n'a pas à être montré.
    .filter((c) => !(c.options && !c.options.length && !c.requis));
  // IML : le bailleur du logement se choisit parmi ceux de l'annuaire du programme, ou se saisit (hors annuaire).
  const suggeres =
    nom === 'logement' && etat.typeParcours === 'iml_bail_glissant' && o.bailleur?.choix.length
      ? avecSuggestions(
          champs,
          'bailleur.nom',
          o.bailleur.choix.map((b) => b.nom),
        )
      : champs;
  const r = retour?.formulaire === nom ? retour : undefined;
  // Le plan refusé revient dans le formulaire de révision, avec la raison du refus : on le corrige, on ne le ressaisit pas.
  const revision = nom === 'plan-aide' && etat.etape === 'revision_plan' ? (etat.details.revision as { motif?: string; le?: string } | undefined) : undefined;
  const planRefuse = revision && etat.details.plan && typeof etat.details.plan === 'object' ? (etat.details.plan as Record<string, unknown>) : undefined;
  return html`<details class="action" id="action-${nom}"${r || revision ? brut(' open') : ''}>
<summary>${visite ? 'Visite à domicile prévue' : def.libelle}</summary>
<form method="post" action="${idPage(etat)}/messages/${nom}" novalidate>
${r ? resumeErreurs(r.titre, r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<input type="hidden" name="requestId" value="${r?.garder?.requestId ?? randomUUID()}">
<input type="hidden" name="vu" value="${r?.garder?.vu ?? derniereEntreeVue(etat)}">
${
  nom === 'tentative-contact' && !visite && etat.typeParcours === 'prevention_precontentieuse' && !programmeDe(ctx, etat, o)?.options.refusNeClotPas
    ? html`<p class="aide">Dans ce programme, un refus du ménage clôt le parcours (issue « Refus du ménage »).</p>`
    : ''
}
${visite ? html`<p class="aide">Le contact est établi ; la visite à domicile prévue par le programme reste à faire dans son délai. Notez-la ici.</p><input type="hidden" name="canal" value="visite_domicile">` : ''}
${nom === 'logement' && etat.typeParcours === 'iml_bail_glissant' ? aideBailleurDuLogement(o) : ''}
${
  revision
    ? html`<div class="alerte"><p>Le plan d’aide n’a pas été validé${revision.le ? html` (le ${dateFr(revision.le)})` : ''} : ${revision.motif ?? 'sans motif précisé'}.</p>${planRefuse ? html`<p>Le formulaire reprend le plan refusé : modifiez-le avec le ménage, puis enregistrez-le.</p>` : ''}</div>`
    : ''
}
${rendreChamps(suggeres, `m-${nom}`, { valeurs: r?.valeurs ?? (planRefuse ? valeursDe(champs, planRefuse) : undefined), erreurs: r?.erreurs })}
${nom === MESSAGE_DE_CLOTURE ? caseConfirmationCloture(`m-${nom}`, r?.erreurs?.confirmation) : ''}
<div class="boutons"><button type="submit">${nom === MESSAGE_DE_CLOTURE ? 'Clore le parcours' : 'Enregistrer'}</button></div>
</form></details>`;
}

/**
 * IML : le logement sous-loué chez un bailleur hors de l'annuaire (un propriétaire privé, enregistré
 * avec son adresse, qui reçoit les courriels de la mesure) n'est pas chez le bailleur du ménage : la
 * ligne du bailleur le dit.
 */
function logementAilleurs(etat: EtatParcours, o: OptionsPageParcours): Brut | string {
  const chez = (etat.details.logement as { bailleur?: unknown } | undefined)?.bailleur;
  const nom = o.bailleur?.organisation?.nom;
  if (etat.typeParcours !== 'iml_bail_glissant' || typeof chez !== 'string' || !nom || memeBailleur(chez, nom)) return '';
  return html` <span class="aide">(le logement sous-loué est chez ${chez})</span>`;
}

/**
 * IML : le logement trouvé dit à qui iront les courriels de la mesure (début, bilans, glissement) : au
 * bailleur du ménage, ou à celui de l'annuaire que nomme le logement (il devient le bailleur du ménage),
 * ou à l'adresse donnée pour un bailleur hors de l'annuaire (`bailleurDuLogement`, api/parcours-iml.ts).
 */
function aideBailleurDuLogement(o: OptionsPageParcours): Brut {
  const nom = o.bailleur?.organisation?.nom;
  return html`<p class="aide">Les courriels de la mesure (début, bilans, glissement du bail) iront au bailleur du logement : ${
    nom ? html`<strong>${nom}</strong>, le bailleur du ménage, si c’est lui` : 'celui du ménage, si c’est lui'
  } ; un autre bailleur de l’annuaire du programme, nommé ici (la saisie du nom les propose), devient le bailleur du ménage (changement tracé) ; un bailleur hors de l’annuaire (un propriétaire privé, par exemple) les reçoit à l’adresse électronique donnée ci-dessous, obligatoire pour lui (sans adresse, la coordination l’ajoute d’abord à l’annuaire).</p>`;
}

/**
 * Le dernier événement du journal que le formulaire a sous les yeux (`vu`) : un formulaire ouvert
 * dans un autre onglet, ou rouvert par « Précédent », est plus ancien que le parcours.
 */
export const derniereEntreeVue = (etat: EtatParcours): number => etat.journal.reduce((n, e) => Math.max(n, e.seq), 0);

/**
 * Ce que des personnes (personnel, partenaires) ont fait au parcours depuis qu'un formulaire a été
 * affiché (`vu`, son dernier événement du journal) ; les rappels et étapes du parcours ne comptent
 * pas. Rien si le formulaire ne dit pas ce qu'il a vu.
 */
export function changementsDepuis(etat: EtatParcours, vu: unknown, requestId?: unknown, nomDe?: (id: string) => string | undefined): string[] {
  const n = typeof vu === 'string' && /^\d{1,9}$/.test(vu) ? Number(vu) : undefined;
  if (n === undefined) return [];
  // Ce que ce même envoi a déjà fait (double clic, renvoi du navigateur) n'est pas un changement : le
  // parcours le reconnaît à son requestId et rend le premier résultat.
  return etat.journal
    .filter((e) => e.seq > n && e.acteur.type !== 'systeme' && !(typeof requestId === 'string' && e.requete === requestId))
    .map((e) => {
      const qui = e.acteur.type === 'personnel' && e.acteur.id ? nomDe?.(e.acteur.id) : undefined;
      return `${dateHeureFr(e.date)} — ${e.resume}${qui ? ` (par ${qui})` : ''}`;
    });
}

/** Le message qui clôt un parcours (travail social) : définitif, il se confirme comme la clôture anticipée. */
export const MESSAGE_DE_CLOTURE = 'cloture';

/** La case qui confirme une clôture, définitive. */
function caseConfirmationCloture(prefixe: string, erreur?: string): Brut {
  const id = `${prefixe}-confirmation`;
  return html`<div class="choix${erreur ? ' en-erreur' : ''}">${erreur ? html`<p class="message-erreur" id="${id}-erreur">${erreur}</p>` : ''}<input type="checkbox" id="${id}" name="confirmation" value="oui" aria-required="true"${erreur ? brut(` aria-invalid="true" aria-describedby="${id}-erreur"`) : ''}><label for="${id}">Je confirme la clôture : elle est définitive, et les partenaires du parcours en sont informés.</label></div>`;
}

function sectionCoordination(ctx: Contexte, etat: EtatParcours, retour?: RetourFormulaire, charges?: Map<string, ChargeTravailleurSocial>): Brut {
  if (!estCoordination(ctx.personne) || raisonRefusPilotage(ctx.personne, etat) || etat.cloture || etat.clotureEnCours) return brut('');
  // Les autres que la personne déjà affectée : réaffecter à la même n'est pas un changement.
  const ts = travailleursSociaux(ctx.deps, etat.programme.id).filter((p) => p.id !== etat.travailleurSocial);
  const rA = retour?.formulaire === 'affectation' ? retour : undefined;
  const rC = retour?.formulaire === 'cloture-anticipee' ? retour : undefined;
  return html`<h2>Coordination</h2>
<details class="action" id="action-affectation"${rA ? brut(' open') : ''}><summary>${etat.travailleurSocial ? 'Réaffecter le ménage' : 'Affecter le ménage'}</summary>
${
  ts.length
    ? html`<form method="post" action="${idPage(etat)}/affectation" novalidate>${rA ? resumeErreurs(rA.titre, rA.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="requestId" value="${rA?.garder?.requestId ?? randomUUID()}">
<div class="champ"><label for="affectation-ts">${etat.travailleurSocial ? 'Nouveau travailleur social' : 'Travailleur social'}</label>
<select id="affectation-ts" name="travailleurSocial" aria-required="true"><option value="">— choisir —</option>${ts.map((p) => html`<option value="${p.id}"${rA?.valeurs?.travailleurSocial === p.id ? brut(' selected') : ''}>${libelleTravailleurSocial(p, charges)}</option>`)}</select></div>
<div class="boutons"><button type="submit">Affecter</button></div></form>`
    : html`<p>${etat.travailleurSocial ? 'Aucun autre travailleur social ne suit ce programme' : 'Aucun travailleur social ne suit ce programme'} : l’administration en ajoute dans la page « Personnel ».</p>`
}</details>
<details class="action" id="action-cloture-anticipee"${rC ? brut(' open') : ''}><summary>Clore le parcours avant son terme</summary>
<form method="post" action="${idPage(etat)}/cloture" novalidate>${rC ? resumeErreurs(rC.titre, rC.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="requestId" value="${rC?.garder?.requestId ?? randomUUID()}">
<div class="champ${rC?.erreurs?.motif ? ' en-erreur' : ''}"><label for="cloture-motif">Motif de la clôture <span class="aide">(obligatoire)</span></label>
${rC?.erreurs?.motif ? html`<p class="message-erreur" id="cloture-motif-erreur">${rC.erreurs.motif}</p>` : ''}
<textarea id="cloture-motif" name="motif" aria-required="true"${rC?.erreurs?.motif ? brut(' aria-invalid="true" aria-describedby="cloture-motif-erreur"') : ''}>${rC?.valeurs?.motif ?? ''}</textarea></div>
${caseConfirmationCloture('cloture', rC?.erreurs?.confirmation)}
<div class="boutons"><button type="submit" class="secondaire">Clore le parcours</button></div></form></details>`;
}

/** Le changement de bailleur (coordination), avec le motif, et l'historique des changements. */
function sectionBailleur(ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours): Brut {
  const b = o.bailleur;
  if (!b) return brut('');
  const autres = b.choix.filter((x) => x.id !== b.organisation?.id);
  const peutChanger = estCoordination(ctx.personne) && !raisonRefusPilotage(ctx.personne, etat) && !etat.cloture && autres.length > 0;
  const r = o.retour?.formulaire === 'bailleur' ? o.retour : undefined;
  const historique = b.historique.length
    ? tableau({
        legende: 'Changements de bailleur',
        lignes: b.historique,
        colonnes: [
          { titre: 'Date', valeur: (h) => dateFr(h.le.toISOString()) },
          { titre: 'Ancien', valeur: (h) => h.ancien ?? '—' },
          { titre: 'Nouveau', valeur: (h) => h.nouveau },
          { titre: 'Par', valeur: (h) => nomDe(ctx.deps, h.par) },
          { titre: 'Motif', valeur: (h) => h.motif },
        ],
      })
    : brut('');
  if (!peutChanger) return historique;
  return html`<details class="action" id="action-bailleur"${r ? brut(' open') : ''}><summary>Changer le bailleur du ménage</summary>
<form method="post" action="${idPage(etat)}/bailleur" novalidate>${r ? resumeErreurs(r.titre, r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<p class="aide">Les courriels suivants destinés au bailleur iront aux contacts du nouveau bailleur. Le changement est tracé.${autres.some((x) => x.quotaFileActive != null) ? ' Une file active complète ne l’empêche pas (le ménage a changé de logement) : elle dépasse alors son quota.' : ''}</p>
<div class="champ${r?.erreurs?.bailleur ? ' en-erreur' : ''}"><label for="bailleur-nouveau">Nouveau bailleur <span class="aide">(obligatoire)</span></label>
${r?.erreurs?.bailleur ? html`<p class="message-erreur" id="bailleur-nouveau-erreur">${r.erreurs.bailleur}</p>` : ''}
<select id="bailleur-nouveau" name="bailleur" aria-required="true"${r?.erreurs?.bailleur ? brut(' aria-invalid="true" aria-describedby="bailleur-nouveau-erreur"') : ''}><option value="">— choisir —</option>${autres.map((x) => html`<option value="${x.id}"${r?.valeurs?.bailleur === x.id ? brut(' selected') : ''}>${libelleBailleurAvecFile(x)}</option>`)}</select></div>
<div class="champ${r?.erreurs?.motif ? ' en-erreur' : ''}"><label for="bailleur-motif">Motif du changement <span class="aide">(obligatoire)</span></label>
${r?.erreurs?.motif ? html`<p class="message-erreur" id="bailleur-motif-erreur">${r.erreurs.motif}</p>` : ''}
<textarea id="bailleur-motif" name="motif" aria-required="true"${r?.erreurs?.motif ? brut(' aria-invalid="true" aria-describedby="bailleur-motif-erreur"') : ''}>${r?.valeurs?.motif ?? ''}</textarea></div>
<div class="boutons"><button type="submit" class="secondaire">Changer de bailleur</button></div></form></details>
${historique}`;
}

function sectionMenage(etat: EtatParcours, contact?: EtatContactMenage): Brut {
  const m = etat.detailsConfidentiels.menage as Partial<Menage> | undefined;
  if (!m) return brut('');
  // IML : le logement trouvé devient l'adresse du ménage ; celle de la structure d'hébergement reste dite.
  const logement = typeof etat.detailsConfidentiels.adresseLogement === 'string' ? etat.detailsConfidentiels.adresseLogement : undefined;
  return html`<h2>Le ménage <span class="aide">(confidentiel)</span></h2><dl class="infos">
<dt>Nom</dt><dd>${m.nom ?? '—'}</dd>
<dt>Composition</dt><dd>${m.composition ? libelleValeur(m.composition) : '—'}</dd>
<dt>Adresse</dt><dd>${logement ? html`${logement} <span class="aide">(le logement sous-loué${m.adresse ? html` ; avant : ${m.adresse}` : ''})</span>` : (m.adresse ?? '—')}</dd>
${m.telephone ? html`<dt>Téléphone</dt><dd><a href="tel:${m.telephone.replace(/[^0-9+]/g, '')}">${m.telephone}</a></dd>` : ''}
${m.courriel ? html`<dt>Courriel</dt><dd>${courrielDuMenage(m, contact)}</dd>` : ''}
</dl>`;
}

/** L'adresse du ménage : celle de l'orientation, ou celle notée depuis (« Joindre le ménage »), et s'il accepte les courriels. */
function courrielDuMenage(m: Partial<Menage>, contact?: EtatContactMenage): Brut {
  if (!m.accepteCourriel) return html`${m.courriel} (n’accepte pas les courriels)`;
  if (contact?.courriel.le && !contact.courriel.accorde) return html`${m.courriel} (n’accepte plus les courriels)`;
  const actuelle = contact?.adresseCourriel;
  return actuelle && actuelle !== m.courriel?.toLowerCase()
    ? html`${actuelle} <span class="aide">(corrigée ; à l’orientation : ${m.courriel})</span>`
    : html`${m.courriel}`;
}

/** Le titre de ce que l'équipe a confié au dossier, selon le parcours. */
const TITRES_CONFIDENTIELS: Record<EtatParcours['typeParcours'], string> = {
  prevention_precontentieuse: 'Diagnostic, carnet de route, plan et notes',
  iml_bail_glissant: 'Candidature, notes, bilans et évaluations',
  protocole_post_resiliation: 'Notes de l’accompagnement et des paiements',
};

/** IML : ce que la candidature a confié (ressources, notes), s'il y a quelque chose. */
function lireCandidature(etat: EtatParcours): { ressourcesMensuelles?: number; notes?: string } | undefined {
  const c = etat.detailsConfidentiels.candidature as { ressourcesMensuelles?: unknown; notes?: unknown } | undefined;
  const ressources = typeof c?.ressourcesMensuelles === 'number' ? c.ressourcesMensuelles : undefined;
  const notes = typeof c?.notes === 'string' && c.notes.trim() ? c.notes : undefined;
  return ressources !== undefined || notes
    ? { ...(ressources !== undefined ? { ressourcesMensuelles: ressources } : {}), ...(notes ? { notes } : {}) }
    : undefined;
}

/** Les notes que l'équipe a enregistrées dans le dossier (confidentielles), par nature. */
const NOTES: Array<[string, string]> = [
  ['notesContact', 'Notes des tentatives de contact'],
  ['notesBilans', 'Notes des bilans'],
  ['notesAccompagnement', 'Notes d’accompagnement'],
  ['notesPaiements', 'Notes sur les paiements'],
  ['bilans', 'Notes des bilans de mesure'],
  ['evaluations', 'Évaluations'],
];

/** L'objet tracé dans les consultations du dossier quand la page montre le diagnostic, le carnet, le plan ou les notes. */
export const LECTURE_SUIVI_CONFIDENTIEL = 'page:diagnostic-carnet-plan-notes';

/** Vrai si le dossier contient un diagnostic, un carnet de route, un plan ou des notes : leur affichage est tracé. */
export function aDesContenusConfidentiels(etat: EtatParcours): boolean {
  const c = etat.detailsConfidentiels;
  return (
    !!lireCandidature(etat) ||
    typeof c.motifFin === 'string' ||
    lireEntretiens(etat).length > 0 ||
    !!lireCarnet(etat)?.length ||
    !!lirePlan(etat) ||
    NOTES.some(([cle]) => Array.isArray(c[cle]) && (c[cle] as unknown[]).length > 0)
  );
}

/**
 * Le diagnostic, le carnet de route, le plan d'aide et les notes de l'équipe : la page n'est ouverte
 * qu'à la coordination du programme et au travailleur social affecté (et à l'administration) ;
 * chaque affichage est tracé dans le dossier (web/routes.ts).
 */
function sectionSuiviConfidentiel(ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours): Brut {
  if (!aDesContenusConfidentiels(etat)) return brut('');
  const entretiens = lireEntretiens(etat);
  const carnet = lireCarnet(etat);
  const plan = lirePlan(etat);
  const c = etat.detailsConfidentiels;
  const conjointe = programmeDe(ctx, etat, o)?.options.etudeConjointeBailleur;
  const notes = NOTES.filter(([cle]) => Array.isArray(c[cle]) && (c[cle] as unknown[]).length > 0);
  const candidature = lireCandidature(etat);
  return html`<section id="suivi-confidentiel" aria-labelledby="titre-suivi-confidentiel">
<h2 id="titre-suivi-confidentiel">${TITRES_CONFIDENTIELS[etat.typeParcours]} <span class="aide">(confidentiel : chaque lecture est tracée)</span></h2>
${conjointe ? html`<p class="aide">Étude conjointe : le diagnostic est mené avec la conseillère sociale du bailleur, et le plan est validé aux points réguliers avec le référent du bailleur.</p>` : ''}
${
  entretiens.length
    ? html`<h3>Diagnostic</h3>${entretiens.map(
        (e, i) => html`<dl class="infos"><dt>Entretien ${i + 1}</dt><dd>${e.le ? dateFr(e.le) : 'date non renseignée'}</dd>
<dt>Origine de la dette</dt><dd>${e.origineDette ?? 'non renseignée'}</dd><dt>Droits</dt><dd>${e.droits ?? 'non renseignés'}</dd>
<dt>Budget</dt><dd>${e.budget ?? 'non renseigné'}</dd><dt>Adéquation du logement</dt><dd>${e.adequationLogement ?? 'non renseignée'}</dd>
<dt>Dispositifs adaptés présentés</dt><dd>${ouiNon(e.dispositifsExpliques)}</dd><dt>Procédures possibles expliquées</dt><dd>${ouiNon(e.proceduresExpliquees)}</dd>
${notesEntretien(etat, i) ? html`<dt>Notes de l’entretien</dt><dd>${notesEntretien(etat, i)}</dd>` : ''}</dl>`,
      )}`
    : ''
}
${carnet?.length ? html`<h3>Carnet de route</h3><ul>${carnet.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
${
  plan
    ? html`<h3>Plan d’aide</h3><dl class="infos"><dt>Enregistré le</dt><dd>${plan.le ? dateFr(plan.le) : '—'}</dd>
<dt>Actions</dt><dd>${plan.actions.map((a) => libelleDe(ACTIONS_PLAN, a)).join(' ; ') || 'aucune'}</dd>
<dt>Orientations</dt><dd>${plan.orientations.map((o) => libelleDe(ORIENTATIONS_PLAN, o)).join(' ; ') || 'aucune'}</dd>
<dt>Plan d’apurement</dt><dd>${plan.planApurement ? texteApurement(plan.planApurement, euros) : 'aucun'}</dd>
<dt>Demande de mutation</dt><dd>${plan.demandeMutation ? 'Oui' : 'Non'}</dd></dl>`
    : ''
}
${
  candidature
    ? html`<h3>Candidature</h3><dl class="infos">${candidature.ressourcesMensuelles !== undefined ? html`<dt>Ressources mensuelles</dt><dd>${euros(candidature.ressourcesMensuelles)}</dd>` : ''}${candidature.notes ? html`<dt>Notes</dt><dd>${candidature.notes}</dd>` : ''}</dl>`
    : ''
}
${notes.map(([cle, titre]) => html`<h3>${titre}</h3>${valeurLisible(c[cle])}`)}
${typeof c.motifFin === 'string' ? html`<h3>Motif de la fin de mesure</h3><p>${c.motifFin}</p>` : ''}
</section>`;
}

/** Les notes du travailleur social sur un entretien de diagnostic (jamais partagées). */
function notesEntretien(etat: EtatParcours, i: number): string | undefined {
  const d = etat.detailsConfidentiels.diagnostic;
  const e = Array.isArray(d) ? (d[i] as { notes?: unknown } | undefined) : undefined;
  return typeof e?.notes === 'string' && e.notes.trim() ? e.notes : undefined;
}

/** Les moyens de contact acceptés par le ménage : courriels (décidés à l'orientation) et SMS (changés ici). */
function sectionContact(ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours): Brut {
  const c = o.contact;
  if (!c) return brut('');
  const r = o.retour?.formulaire === 'contact-menage' ? o.retour : undefined;
  const note = (a: { accorde: boolean; par?: string; le?: string }, oui: string, non: string) =>
    a.le ? html`${a.accorde ? oui : non} (noté par ${nomDe(ctx.deps, a.par ?? '')}, le ${dateHeureFr(a.le)})` : non;
  return html`<section id="contact-menage" aria-labelledby="titre-contact"><h2 id="titre-contact">Joindre le ménage</h2>
<ul>
<li id="accord-courriel">Courriels : ${note(c.courriel, c.adresseCourriel ? `acceptés, à ${c.adresseCourriel}` : 'acceptés', 'non acceptés')}.</li>
<li id="accord-sms">SMS : ${note(c.sms, `acceptés, au ${c.telephone ?? 'portable noté'}`, 'non acceptés')}.${
    c.sms.accorde
      ? (c.courriel.accorde
          ? ' Un SMS court, sans détail, double chaque courriel adressé au ménage.'
          : ' Le ménage n’accepte pas les courriels : à leur place, un SMS court, sans détail, lui dit qu’un courrier lui est adressé ou qu’il y a du nouveau, avec le téléphone de l’opérateur.') +
        ' Aucun ne part entre 20 h et 8 h, le dimanche ni un jour férié : il attend alors 8 h.'
      : ''
  }${
    c.smsNonPartis
      ? html` <strong>${c.smsNonPartis.nombre === 1 ? 'Un SMS n’est pas parti' : `${c.smsNonPartis.nombre} SMS ne sont pas partis`}</strong> (le dernier abandonné le ${dateHeureFr(c.smsNonPartis.dernier)}) : ${
          c.smsNonPartis.nombre === 1
            ? 'le fournisseur de SMS l’a refusé, ou ne l’a pas pris en trois jours'
            : 'le fournisseur de SMS les a refusés, ou ne les a pas pris en trois jours'
        }. Vérifiez le numéro avec le ménage.`
      : ''
  }${
    c.smsPrevus
      ? html` <strong>${c.smsPrevus.nombre === 1 ? 'Un SMS attend son heure' : `${c.smsPrevus.nombre} SMS attendent leur heure`}</strong> : ${c.smsPrevus.nombre === 1 ? 'il partira' : 'le premier partira'} le ${jourEtHeureEnMots(c.smsPrevus.le)}.`
      : ''
  }</li>
</ul>
${
  etat.cloture
    ? ''
    : html`<details class="action" id="action-contact-menage"${r ? brut(' open') : ''}><summary>${c.sms.accorde ? 'Changer le portable ou arrêter les SMS' : 'Noter que le ménage accepte les SMS'}</summary>
<form method="post" action="${idPage(etat)}/contact-menage" novalidate>${r ? resumeErreurs(r.titre, r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<fieldset><legend>Le ménage accepte-t-il les SMS ?</legend>
<div class="choix"><input type="radio" id="sms-oui" name="accorde" value="oui" checked><label for="sms-oui">Oui, à ce numéro de portable</label></div>
<div class="choix"><input type="radio" id="sms-non" name="accorde" value="non"><label for="sms-non">Non, plus de SMS</label></div>
</fieldset>
<div class="champ"><label for="contact-telephone">Numéro de portable</label>
<input type="tel" id="contact-telephone" name="telephone" autocomplete="off" inputmode="tel" aria-describedby="aide-contact-telephone" value="${typeof r?.valeurs?.telephone === 'string' ? r.valeurs.telephone : ''}"${r?.erreurs?.telephone ? brut(' aria-invalid="true"') : ''}>
<p class="aide" id="aide-contact-telephone">Par exemple 06 12 34 56 78. Inutile pour arrêter les SMS.</p></div>
<div class="boutons"><button type="submit">Enregistrer</button></div></form></details>${formulaireCourrielMenage(ctx, etat, o)}`
}
</section>`;
}

/**
 * L'adresse électronique du ménage : donnée après l'orientation, corrigée (un courriel revenu, une
 * nouvelle adresse), ou son accord aux courriels retiré. L'aide dit ce que le parcours lui écrira
 * encore d'après son état (registre : `courrielsAuMenage`).
 */
function formulaireCourrielMenage(ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours): Brut {
  const menage = etat.detailsConfidentiels.menage as Partial<Menage> | undefined;
  const r = o.retour?.formulaire === 'courriel-menage' ? o.retour : undefined;
  // Ce que le dossier note (l'accord de l'orientation y est noté au lancement), sinon le choix de l'orientation.
  const accord = o.contact?.courriel;
  const accorde = accord?.le ? accord.accorde : !!(menage?.accepteCourriel && menage.courriel);
  const jamais = !accord?.le && !accorde;
  const valeur = typeof r?.valeurs?.courriel === 'string' ? r.valeurs.courriel : (o.contact?.adresseCourriel ?? '');
  const aVenir = ctx.deps.registre[etat.typeParcours]?.courrielsAuMenage?.(etat);
  // Les documents de ce parcours qui se renvoient au ménage (domain/messages.ts).
  const aRenvoyer = (Object.keys(DOCUMENTS_AU_MENAGE) as DocumentAuMenage[]).filter((d) => DOCUMENTS_AU_MENAGE[d] === etat.typeParcours);
  const resume = accorde
    ? 'Corriger l’adresse électronique ou arrêter les courriels'
    : jamais
      ? 'Noter que le ménage accepte les courriels'
      : 'Noter que le ménage accepte de nouveau les courriels';
  return html`
<details class="action" id="action-courriel-menage"${r ? brut(' open') : ''}><summary>${resume}</summary>
<form method="post" action="${idPage(etat)}/courriel-menage" novalidate>${r ? resumeErreurs(r.titre, r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<fieldset><legend>Le ménage accepte-t-il les courriels ?</legend>
<div class="choix"><input type="radio" id="courriel-oui" name="accorde" value="oui" checked><label for="courriel-oui">Oui, à cette adresse</label></div>
<div class="choix"><input type="radio" id="courriel-non" name="accorde" value="non"><label for="courriel-non">Non, plus de courriels</label></div>
</fieldset>
<div class="champ"><label for="contact-courriel">Adresse électronique</label>
<input type="email" id="contact-courriel" name="courriel" autocomplete="off" aria-describedby="aide-contact-courriel" value="${valeur}"${r?.erreurs?.courriel ? brut(' aria-invalid="true"') : ''}>
<p class="aide" id="aide-contact-courriel">${aVenir ?? ''} Un courriel déjà parti ou revenu ne repart pas de lui-même${aRenvoyer.length ? ` : ${aRenvoyer.map((d) => `« ${LIBELLES_DOCUMENTS[d]} »`).join(', ')} se renvoie depuis « Documents » (« Envoyer par courriel au ménage »)` : ''}. Inutile pour arrêter les courriels.</p></div>
<div class="boutons"><button type="submit">Enregistrer</button></div></form></details>`;
}

/** Le partage du diagnostic avec le bailleur (réglage du programme) et l'accord du ménage. */
function sectionPartage(ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours): Brut {
  const p = o.partage;
  if (!p?.reglage?.destinataires.length) return brut('');
  const qui = (ds: readonly DestinataireDiagnostic[]) => ds.map((d) => LIBELLES_DESTINATAIRES_DIAGNOSTIC[d]).join(', ');
  const c = p.consentement;
  const enVigueur = c && !c.retireLe;
  const r = o.retour?.formulaire === 'consentement-partage' ? o.retour : undefined;
  const proposes = DESTINATAIRES_DIAGNOSTIC.filter((d) => p.reglage!.destinataires.includes(d));
  return html`<section id="partage-diagnostic" aria-labelledby="titre-partage"><h2 id="titre-partage">Partage du diagnostic avec le bailleur</h2>
<p>Le programme prévoit de partager le diagnostic et le carnet de route avec : ${qui(p.reglage.destinataires)}${p.reglage.consentementRequis ? ', seulement avec l’accord du ménage' : ''}.</p>
<p id="accord-menage">${
    enVigueur
      ? html`Accord du ménage en vigueur pour : ${qui(c.portee)} (recueilli par ${nomDe(ctx.deps, c.recueilliPar)} le ${dateHeureFr(c.recueilliLe)}).`
      : c?.retireLe
        ? html`Accord retiré par ${nomDe(ctx.deps, c.retirePar ?? '')} le ${dateHeureFr(c.retireLe)} : le diagnostic ne part plus.`
        : p.reglage.consentementRequis
          ? 'Aucun accord du ménage enregistré : le diagnostic ne part pas.'
          : ''
  }</p>
${
  etat.cloture
    ? ''
    : html`<details class="action" id="action-consentement-partage"${r ? brut(' open') : ''}><summary>${enVigueur ? 'Changer ou retirer l’accord du ménage' : 'Enregistrer l’accord du ménage'}</summary>
<form method="post" action="${idPage(etat)}/consentement-partage" novalidate>${r ? resumeErreurs(r.titre, r.messages) : ''}
<input type="hidden" name="csrf" value="${ctx.csrf}">
<fieldset><legend>Le ménage accepte que son diagnostic aille à :</legend>
${proposes.map((d) => html`<div class="choix"><input type="checkbox" id="portee-${d}" name="portee" value="${d}"${enVigueur && c.portee.includes(d) ? brut(' checked') : ''}><label for="portee-${d}">${LIBELLES_DESTINATAIRES_DIAGNOSTIC[d]}</label></div>`)}
</fieldset>
<div class="boutons"><button type="submit">Enregistrer l’accord</button></div></form>
${
  enVigueur
    ? html`<form method="post" action="${idPage(etat)}/retrait-consentement-partage" novalidate><input type="hidden" name="csrf" value="${ctx.csrf}">
<div class="boutons"><button type="submit" class="secondaire">Le ménage retire son accord</button></div></form>`
    : ''
}</details>`
}
</section>`;
}

function sectionEcheances(etat: EtatParcours): Brut {
  if (!etat.echeances.length) return html`<h2>Échéances</h2><p>Aucune échéance pour le moment.</p>`;
  const l = [...etat.echeances].sort((a, b) => a.due.localeCompare(b.due));
  return html`<h2>Échéances</h2>${tableau({
    region: 'Échéances',
    lignes: l,
    classeLigne: (e) => (e.statut === 'depassee' ? 'en-retard' : undefined),
    colonnes: [
      { titre: 'Échéance', nomme: true, valeur: (e) => e.libelle },
      // Avec le nom du jour (une échéance de l'équipe qui tombe un dimanche se voit), et l'heure quand
      // elle passe en cours de journée (un délai compté depuis une action, à l'heure de celle-ci).
      { titre: 'Date limite', valeur: (e) => dateLimiteFr(e.due) },
      {
        titre: 'Statut',
        valeur: (e) => statutEcheance(e, etat),
      },
      {
        titre: 'Responsable',
        valeur: (e) =>
          e.responsable === 'travailleur_social'
            ? 'Travailleur social'
            : e.responsable === 'coordinateur'
              ? 'Coordination'
              : (LIBELLES_ROLES[e.responsable] ?? e.responsable),
      },
    ],
  })}`;
}

/**
 * Le statut d'une échéance en français. La réponse attendue d'un partenaire qui n'est pas venue dans
 * le délai : le parcours a clos la demande (échéance annulée, la suite revient à la coordination),
 * mais c'est un délai que le partenaire a laissé passer, pas une échéance devenue sans objet.
 */
function statutEcheance(e: EtatParcours['echeances'][number], etat: EtatParcours): Brut | string {
  if (e.statut === 'depassee')
    return e.alerteLe && Date.parse(e.alerteLe) > Date.now()
      ? html`<span class="badge retard">Dépassée</span> ; la coordination en sera alertée le ${jourEtHeureEnMots(e.alerteLe)}`
      : html`<span class="badge retard">Dépassée</span>`;
  if (e.statut === 'annulee' && e.id.startsWith('validation:')) {
    const demande = etat.demandes.find((d) => `validation:${d.id}` === e.id);
    if (demande?.statut === 'expiree' && !demande.closeParClotureLe && !demande.fermee)
      return demande.action === 'rechute' ? 'Veille terminée' : html`<span class="badge retard">Sans réponse</span>`;
  }
  // Dépassée puis annulée (à la clôture, ou l'étape passée) : manquée, pas devenue sans objet
  // (loiret-ahu : le délai de contact dépassé clôt le parcours « contact impossible »).
  if (e.statut === 'annulee' && e.depasseeLe) return html`<span class="badge retard">Dépassée</span>, jamais tenue`;
  // Tenue après sa date limite : dite en retard, comme le journal le dit (« tenue (en retard) »).
  if (e.statut === 'tenue' && e.tenueLe)
    return Date.parse(e.tenueLe) > Date.parse(e.due)
      ? html`<span class="badge retard">Tenue en retard</span> le ${dateFr(e.tenueLe)}`
      : `Tenue le ${dateFr(e.tenueLe)}`;
  return LIBELLES_STATUT_ECHEANCE[e.statut] ?? e.statut;
}

/** Un lien de veille active n'attend pas de décision : il permet de signaler une rechute jusqu'à sa date. */
const STATUTS_VEILLE: Partial<Record<DemandeValidation['statut'], string>> = {
  en_attente: 'Veille active en cours : aucune rechute signalée',
  approuvee: 'Rechute signalée',
  expiree: 'Veille terminée sans rechute',
};

/** La vérification avant le comité de suivi (reims-april) : le ménage est-il déjà accompagné ? */
const STATUTS_VERIFICATION: Partial<Record<DemandeValidation['statut'], string>> = {
  approuvee: 'Aucun accompagnement connu',
  refusee: 'Déjà accompagné',
};

function statutDemande(d: DemandeValidation): string {
  if (d.action === 'rechute' && STATUTS_VEILLE[d.statut]) return STATUTS_VEILLE[d.statut]!;
  if (d.action === 'verification' && STATUTS_VERIFICATION[d.statut]) return STATUTS_VERIFICATION[d.statut]!;
  if (d.action === 'nouveau_bail' && d.statut === 'approuvee' && d.decision?.nouveauBail)
    return `Nouveau bail signé le ${dateFr(d.decision.nouveauBail.signeLe)}, indiqué par le bailleur`;
  if (d.action === 'nouveau_bail' && d.statut === 'en_attente') return 'En attente de la signature';
  if (d.statut === 'expiree' && d.closeParClotureLe) return `Close à la clôture du parcours, le ${dateFr(d.closeParClotureLe)}`;
  if (d.statut === 'expiree' && d.fermee) return `Close le ${dateFr(d.fermee.le)} : ${d.fermee.raison}`;
  return LIBELLES_STATUT_DEMANDE[d.statut] ?? d.statut;
}

function sectionDemandes(etat: EtatParcours): Brut {
  if (!etat.demandes.length) return html`<h2>Décisions des partenaires</h2><p>Aucune demande de validation envoyée.</p>`;
  return html`<h2>Décisions des partenaires</h2>${tableau({
    region: 'Décisions des partenaires',
    lignes: etat.demandes,
    colonnes: [
      { titre: 'Demande', nomme: true, valeur: (d) => d.objet },
      { titre: 'Partenaire', valeur: (d) => LIBELLES_ROLES[d.role] ?? d.role },
      { titre: 'Envoyée le', valeur: (d) => dateFr(d.envoyeeLe) },
      // Avec le nom du jour, comme le courriel du partenaire (« lundi 21 décembre 2026 »).
      { titre: 'Réponse attendue au plus tard le', valeur: (d) => dateLimiteFr(d.echeance) },
      {
        titre: 'Décision',
        valeur: (d) =>
          html`<strong>${statutDemande(d)}</strong>${d.decision ? html` le ${dateHeureFr(d.decision.le)}${d.decision.commentaire ? html` : « ${d.decision.commentaire} »` : ''}` : ''}`,
      },
    ],
  })}`;
}

/** Les listes des détails dont les éléments sont féminins (« aucune orientation »). */
const LISTES_AU_FEMININ = new Set(['orientations', 'actions', 'demarches', 'prolongations', 'candidatures']);

/** Une valeur des détails du parcours, lisible (dates, mois, durées, montants, oui/non, libellés, listes). */
function valeurLisible(v: unknown, profondeur = 0, cle = ''): Brut {
  if (v === null || v === undefined || v === '') return html`—`;
  if (typeof v === 'boolean') return html`${v ? 'Oui' : 'Non'}`;
  if (typeof v === 'number' && CHAMPS_JOURS.has(cle)) return html`${v === 0 ? 'aucune' : nombreDe(v, 'jour', 'jours')}`;
  if (typeof v === 'number') return html`${CHAMPS_MONTANTS.has(cle) ? euros(v) : v.toLocaleString('fr-FR')}`;
  if (typeof v === 'string') {
    // Le parcours d'avant ou d'après une rechute : un lien vers son dossier, nommé par sa référence.
    if ((cle === 'parcoursPrecedent' || cle === 'parcoursSuivant') && v.includes('--'))
      return html`<a href="/parcours/${encodeURIComponent(v)}">Dossier ${v.slice(v.indexOf('--') + 2)}</a>`;
    if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(v)) return html`${dateFr(v)}`;
    if (/^\d{4}-\d{2}$/.test(v)) return html`${moisEnFrancais(v)}`;
    if (/^P(\d+[YMWD])+$/.test(v)) return html`${dureeEnFrancais(v)}`;
    return html`${/^[a-z]+(_[a-z0-9]+)+$|^[a-z]+$/.test(v) ? libelleValeur(v) : v}`;
  }
  if (Array.isArray(v)) {
    if (!v.length) return html`${LISTES_AU_FEMININ.has(cle) ? 'aucune' : 'aucun'}`;
    // Les paiements d'un protocole, mois par mois : « décembre 2026 : payé (507,50 € reçus sur 507,50 €) ».
    if (cle === 'mois' && v.every((x) => typeof x === 'object' && x !== null && 'mois' in x && 'statut' in x)) {
      return html`<ul>${(v as Array<{ mois: string; statut: string; montant?: number; attendu?: number }>).map(
        (x) =>
          html`<li>${moisEnFrancais(x.mois)} : ${libelleValeur(x.statut).toLowerCase()}${typeof x.attendu === 'number' ? ` (${euros(x.montant ?? 0)} reçus sur ${euros(x.attendu)})` : ''}</li>`,
      )}</ul>`;
    }
    if (v.every((x) => typeof x !== 'object' || x === null)) return html`${v.map((x) => valeurLisible(x, profondeur + 1, cle).valeur).join(', ')}`;
    return html`<ul>${v.map((x) => html`<li>${valeurLisible(x, profondeur + 1, cle)}</li>`)}</ul>`;
  }
  if (typeof v === 'object' && profondeur < 3) {
    // Une issue et son libellé (fiche de clôture) : l'issue se lit déjà en français, une fois suffit.
    const o = v as Record<string, unknown>;
    const entrees = Object.entries(o).filter(([k, x]) => x !== undefined && !(k === 'libelle' && 'issue' in o));
    // Le libellé d'un champ dans son contexte d'abord (« mesure.debut »), sinon le libellé commun.
    // Sans la consigne de saisie du formulaire (« (un par ligne) ») : ici, on lit.
    const libelle = (k: string) => ((cle && LIBELLES_CHAMPS[`${cle}.${k}`]) || libelleChamp(k)).replace(/ \(une? par ligne\)$/, '');
    // L'unité est dans la valeur (« 3 450 € », « 3 jours ») : pas dans le libellé.
    const sansUnite = (k: string) =>
      CHAMPS_MONTANTS.has(k) ? libelle(k).replace(/ \(€\)$/, '') : CHAMPS_JOURS.has(k) ? libelle(k).replace(/ \(jours\)$/, '') : libelle(k);
    return html`<dl class="infos">${entrees.map(([k, x]) => html`<dt>${sansUnite(k)}</dt><dd>${valeurLisible(x, profondeur + 1, k)}</dd>`)}</dl>`;
  }
  return html`—`;
}

function sectionDetails(etat: EtatParcours): Brut {
  // La date du prochain bilan sert aux listes ; la page le dit déjà en mots (« prochainBilan »).
  const { prochainBilanLe: _dateDuBilan, prochainBilanLibelle: _libelleDuBilan, ...lus } = etat.details;
  // Un plan refusé, en attente de sa révision, n'est pas montré comme le plan du ménage.
  const { plan, ...autres } = lus;
  const details = refusDuPlan(etat) ? { ...autres, planRefuse: plan } : lus;
  const entrees = Object.entries(details).filter(([, v]) => v !== undefined);
  if (!entrees.length) return brut('');
  return html`<h2>Informations du dossier</h2><p class="aide">Ce que les partenaires concernés peuvent aussi connaître.</p>${valeurLisible(details)}`;
}

function sectionJournal(etat: EtatParcours): Brut {
  const l = [...etat.journal].reverse();
  return html`<h2>Journal du parcours</h2><p class="aide">Du plus récent au plus ancien.</p><ol class="journal">${l.map(
    (e) =>
      html`<li><time datetime="${e.date}">${dateHeureFr(e.date)}</time> — ${e.resume}${e.visibilite === 'equipe' ? html` <span class="aide">(équipe seulement)</span>` : ''}</li>`,
  )}</ol>`;
}

/** Les documents qui existent aussi en version adressée aux partenaires (rien de confidentiel). */
const VERSIONS_PARTENAIRES: Partial<Record<NomDocument, string>> = {
  'resume-protocole': 'version adressée aux partenaires',
  'fiche-suivi-social': 'version pour le référent du bailleur',
};
/** Les documents de l'équipe qui existent aussi en version pour le ménage (celle qu'on lui envoie). */
const VERSIONS_MENAGE: Partial<Record<NomDocument, string>> = {
  'resume-protocole': 'version pour l’occupant',
};

/**
 * « Envoyer au ménage par courriel » : un document qui lui est destiné, à l'adresse de son dossier.
 * Un envoi que le parcours n'a pas confirmé (503) revient sous le même identifiant (`garde`) : renvoyé,
 * il ne part pas deux fois.
 */
function formulaireEnvoiMenage(ctx: Contexte, etat: EtatParcours, nom: DocumentAuMenage, adresse: string, garde?: string): Brut {
  return html`<form class="en-ligne" method="post" action="${idPage(etat)}/envoi-menage">
<input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="requestId" value="${garde ?? randomUUID()}"><input type="hidden" name="document" value="${nom}">
<button type="submit" class="secondaire">Envoyer par courriel au ménage (${adresse})</button></form>`;
}

/**
 * Où la page dit le détail d'un refus : le formulaire (`action-…`), ou la section qui le porte (l'envoi
 * d'un document au ménage, sous « Documents ») ; undefined si la page ne le propose plus.
 */
function lienDuRetour(page: string, formulaire: string): Brut | undefined {
  if (page.includes(`id="action-${formulaire}"`)) return html`<a href="#action-${formulaire}">Voir le formulaire</a>`;
  if (formulaire === 'envoi-menage' && page.includes('id="envoi-menage"')) return html`<a href="#envoi-menage">Voir « Documents »</a>`;
  return undefined;
}

/**
 * Les documents du parcours disponibles à cette étape (lettre, fiche d'orientation, fiche de suivi
 * social, plan d'aide à signer, carnet de route, livret du bail glissant, fiches-bilan, fiche de
 * clôture, résumé du protocole), à ouvrir (HTML imprimable) ou à télécharger en PDF. La page est
 * celle du personnel : il voit chaque document pour son lecteur habituel, et la version des
 * partenaires quand elle existe.
 */
function sectionDocuments(ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours): Brut | '' {
  const programme = ctx.deps.catalogue.trouver(etat.programme.id);
  if (!programme) return '';
  const base = `/api/parcours/${encodeURIComponent(etat.workflowId)}/documents/`;
  const liens: Brut[] = [];
  // L'adresse où part aujourd'hui un courriel au ménage (api/routes/contact-menage.ts), s'il les accepte.
  const adresse = etat.cloture ? undefined : o.contact?.adresseCourriel;
  const ajouter = (nom: NomDocument, libelle: string, requete = '') => {
    // Le bouton d'envoi va avec la version que le ménage reçoit.
    const pourLeMenage = requete === '?version=menage' || (!requete && LECTEUR_PAR_DEFAUT[nom] === 'menage');
    // L'envoi de ce document que le parcours n'a pas confirmé : le même identifiant.
    const envoi = o.retour?.formulaire === 'envoi-menage' && o.retour.valeurs?.document === nom ? o.retour.garder?.requestId : undefined;
    const auMenage =
      pourLeMenage && adresse && Object.hasOwn(DOCUMENTS_AU_MENAGE, nom) ? formulaireEnvoiMenage(ctx, etat, nom as DocumentAuMenage, adresse, envoi) : '';
    // La lettre au ménage qui n'accepte pas les courriels est un courrier : l'équipe l'imprime et la poste.
    const aPoster =
      nom === 'lettre-information' && !requete && !etat.cloture && o.contact && !o.contact.courriel.accorde
        ? html` <span class="aide">— le ménage n’accepte pas les courriels : à imprimer et à poster</span>`
        : '';
    liens.push(
      html`<li>${libelle} : <a href="${base}${nom}${requete}">ouvrir</a> · <a href="${base}${nom}.pdf${requete}" download>PDF</a>${aPoster}${auMenage}</li>`,
    );
  };
  const partage = o.partage;
  const r = o.retour?.formulaire === 'envoi-menage' ? o.retour : undefined;
  for (const nom of DOCUMENTS) {
    if (nom === 'fiche-bilan') {
      for (const jalon of jalonsFichesBilan({ etat }))
        ajouter(nom, `${LIBELLES_DOCUMENTS[nom]} à ${dureeEnFrancais(jalon)}`, `?jalon=${encodeURIComponent(jalon)}`);
      continue;
    }
    try {
      preparerDocument(nom, { etat, programme }, LECTEUR_PAR_DEFAUT[nom]);
    } catch (e) {
      if (e instanceof DocumentIndisponible) continue;
      throw e;
    }
    ajouter(nom, LIBELLES_DOCUMENTS[nom]);
    const partenaires = VERSIONS_PARTENAIRES[nom];
    if (partenaires) ajouter(nom, `${LIBELLES_DOCUMENTS[nom]} (${partenaires})`, '?version=partenaires');
    const menage = VERSIONS_MENAGE[nom];
    if (menage) ajouter(nom, `${LIBELLES_DOCUMENTS[nom]} (${menage})`, '?version=menage');
    // Le diagnostic partagé (réglage du programme et accord du ménage) : une version par destinataire.
    if (nom === 'fiche-suivi-social') {
      for (const d of DESTINATAIRES_DIAGNOSTIC) {
        if (
          recoitDiagnostic(
            { type: 'partenaire', role: 'bailleur', destinataire: d },
            { programme: { partageDiagnostic: partage?.reglage }, consentement: partage?.consentement },
          )
        ) {
          ajouter(
            nom,
            `${LIBELLES_DOCUMENTS[nom]} (version avec le diagnostic pour : ${LIBELLES_DESTINATAIRES_DIAGNOSTIC[d]})`,
            `?version=partenaires&destinataire=${d}`,
          );
        }
      }
    }
  }
  return liens.length
    ? html`<h2 id="documents">Documents</h2>${r ? html`<div id="envoi-menage">${resumeErreurs(r.titre, r.messages)}</div>` : ''}<ul class="documents">${liens}</ul>`
    : '';
}

/** Ce qui vient d'être enregistré hors des messages du parcours (`?fait=…`), dit après la redirection. */
const CONFIRMATIONS: Record<string, string> = {
  affectation: 'Affectation',
  'cloture-anticipee': 'Clôture anticipée',
  bailleur: 'Changement de bailleur',
  lancement: 'Lancement du parcours',
  'contact-menage': 'Accord du ménage pour recevoir des SMS',
  'retrait-contact-menage': 'Le ménage ne reçoit plus de SMS',
  'courriel-menage': 'Adresse électronique du ménage',
  'retrait-courriel-menage': 'Le ménage ne reçoit plus de courriels',
  'envoi-menage': 'Document envoyé au ménage par courriel (le journal dira quand il est parti)',
  'consentement-partage': 'Accord du ménage pour le partage de son diagnostic',
  'retrait-consentement-partage': 'Retrait de l’accord du ménage : son diagnostic n’est plus partagé',
};

/**
 * Le titre d'un formulaire dit dans une confirmation, sans sa précision entre parenthèses :
 * « Tentative de contact (canal, créneau, issue) » → « Tentative de contact ».
 */
const sansPrecision = (libelle: string) => libelle.replace(/\s*\([^()]*\)$/, '');

/**
 * Les courriels de ce parcours que le serveur refuse : qui n'est pas encore prévenu, et que rien n'est
 * perdu ; ses SMS au ménage que le fournisseur refuse, renvoyés pendant trois jours.
 */
function avisCourrielsEnAttente(c: EnvoisEnAttente | undefined): Brut {
  const courriels =
    c?.nombre && c.depuis
      ? c.nombre === 1
        ? html`<p><strong>Un courriel de ce dossier attend d’être envoyé</strong> : le serveur de courriel l’a refusé ou ne répond pas (depuis le ${dateHeureFr(c.depuis.toISOString())}). Il partira de lui-même dès son retour ; d’ici là, son destinataire n’est pas prévenu.</p>`
        : html`<p><strong>${c.nombre} courriels de ce dossier attendent d’être envoyés</strong> : le serveur de courriel les refuse ou ne répond pas (le plus ancien depuis le ${dateHeureFr(c.depuis.toISOString())}). Ils partiront d’eux-mêmes dès son retour ; d’ici là, leurs destinataires ne sont pas prévenus.</p>`
      : '';
  const sms =
    c?.sms?.nombre && c.sms.depuis
      ? html`<p><strong>${c.sms.nombre === 1 ? 'Un SMS au ménage attend d’être envoyé' : `${c.sms.nombre} SMS au ménage attendent d’être envoyés`}</strong> : le fournisseur de SMS ${c.sms.nombre === 1 ? 'l’a refusé' : 'les refuse'} ou ne répond pas (depuis le ${dateHeureFr(c.sms.depuis.toISOString())}). ${c.sms.nombre === 1 ? 'Le parcours avance sans l’attendre ; il est renvoyé' : 'Le parcours avance sans les attendre ; ils sont renvoyés'} de lui-même toutes les 10 minutes au plus, pendant trois jours.</p>`
      : '';
  return courriels || sms ? html`<div class="alerte" role="status">${courriels}${sms}</div>` : brut('');
}

/** Les courriels de ce parcours revenus en avis de non-remise : à qui, quand, pourquoi, et quoi vérifier. */
function avisNonRemis(liste: CourrielNonRemis[] | undefined): Brut {
  if (!liste?.length) return brut('');
  const lignes = liste.map(
    (n) =>
      html`<li>le courriel ${aQuiAllait(n.destinataire)}${n.envoyeLe ? html` du ${dateHeureFr(n.envoyeLe.toISOString())}` : ''} : ${raisonNonRemise(n.statut)} (avis reçu le ${dateHeureFr(n.le.toISOString())})</li>`,
  );
  return html`<div class="alerte" role="status" id="courriels-non-remis"><p><strong>${liste.length === 1 ? 'Un courriel de ce dossier n’a pas été remis' : `${liste.length} courriels de ce dossier n’ont pas été remis`}</strong> : ${liste.length === 1 ? 'le serveur de courriel de son destinataire l’a renvoyé' : 'le serveur de courriel de leur destinataire les a renvoyés'}.</p>
<ul>${lignes}</ul>
<p>Vérifiez l’adresse : dans l’annuaire des partenaires pour un partenaire ; avec le ménage pour le ménage, puis corrigez-la ci-dessous (« Joindre le ménage ») et renvoyez-lui ses documents (« Documents »). Les courriels suivants partent à l’adresse connue au moment de l’envoi ; cet avis s’efface quand l’un d’eux est arrivé sans revenir, ou quand l’adresse du ménage est corrigée.</p></div>`;
}

export function pageParcours(ctx: Contexte, etat: EtatParcours, o: OptionsPageParcours = {}): Brut {
  const definition = ctx.deps.registre[etat.typeParcours];
  const actions = actionsPermises(ctx, etat);
  const fait = !o.fait
    ? undefined
    : o.fait === 'plan-aide' && etat.etape === 'validation_bailleur'
      ? // Toulouse : le plan n'est contractualisé qu'une fois validé avec le référent du bailleur.
        'Plan d’aide, à valider avec le conseiller référent du bailleur'
      : definition && Object.hasOwn(definition.messages, o.fait)
        ? sansPrecision(definition.messages[o.fait]!.libelle)
        : Object.hasOwn(CONFIRMATIONS, o.fait)
          ? CONFIRMATIONS[o.fait]
          : undefined;
  const documents = sectionDocuments(ctx, etat, o);
  const suite = html`<dl class="infos">
<dt>Étape</dt><dd id="etape-courante">${etat.libelleEtape}</dd>
<dt>Parcours</dt><dd>${LIBELLES_TYPE_PARCOURS[etat.typeParcours]}</dd>
<dt>Programme</dt><dd>${etat.programme.nom} (version ${etat.programme.version})</dd>
<dt>Travailleur social</dt><dd>${
    etat.travailleurSocial
      ? nomDe(ctx.deps, etat.travailleurSocial)
      : html`<em>non affecté</em>${etat.cloture ? '' : html` <span class="aide">(les rappels de ses échéances vont à la coordination)</span>`}`
  }</dd>
<dt>Coordination</dt><dd>${nomDe(ctx.deps, etat.coordinateur)}</dd>
${o.orientePar ? html`<dt>Orienté par</dt><dd id="oriente-par">${o.orientePar}</dd>` : ''}
${o.bailleur ? html`<dt>Bailleur</dt><dd id="bailleur-du-menage">${o.bailleur.organisation?.nom ?? html`<em>celui du programme</em>`}${logementAilleurs(etat, o)}</dd>` : ''}
${etat.cloture ? html`<dt>Clôture</dt><dd>${LIBELLES_VALEURS[etat.cloture.issue] ?? etat.cloture.issue}${etat.cloture.motif ? html` : ${etat.cloture.motif}` : ''} (le ${dateFr(etat.cloture.le)})</dd>` : ''}
</dl>
<h2>À faire à cette étape</h2>
${
  actions.length
    ? html`<p class="aide">Seules les actions attendues à l’étape « ${etat.libelleEtape} » sont proposées.</p>${actions.map((nom) => formulaireMessage(ctx, etat, nom, o))}`
    : html`<p>${
        etat.cloture
          ? 'Le parcours est clôturé : plus aucune action n’est attendue.'
          : etat.clotureEnCours
            ? 'La clôture du parcours est en cours (ses derniers courriels partent) : plus aucune action n’est possible.'
            : 'Aucune action n’est attendue de votre part à cette étape.'
      }</p>`
}
${sectionCoordination(ctx, etat, o.retour, o.charges)}
${sectionBailleur(ctx, etat, o)}
${documents}
${sectionEcheances(etat)}
${sectionDemandes(etat)}
${o.fileIml ? sectionFileIml(ctx, o.fileIml, etat.workflowId) : ''}
${sectionDetails(etat)}
${sectionMenage(etat, o.contact)}
${sectionSuiviConfidentiel(ctx, etat, o)}
${sectionContact(ctx, etat, o)}
${sectionPartage(ctx, etat, o)}
${sectionJournal(etat)}`;
  return html`<p><a href="/parcours">← ${estCoordination(ctx.personne) ? 'Tableau de bord' : 'Mes ménages'}</a></p>
<h1>Dossier ${etat.reference}${etat.details.parcoursPrecedent ? html` <span class="aide">(nouveau parcours après une rechute)</span>` : ''} ${etat.cloture ? html`<span class="badge clos">Clôturé</span>` : etat.clotureEnCours ? html`<span class="badge clos">Clôture en cours</span>` : html`<span class="badge ouvert">En cours</span>`}${o.priorite && Object.hasOwn(LIBELLES_PRIORITE, o.priorite) ? html` <span class="badge prioritaire">${LIBELLES_PRIORITE[o.priorite as keyof typeof LIBELLES_PRIORITE]}</span>` : ''}</h1>
${
  fait
    ? html`<div class="succes" role="status"><p>Enregistré : ${fait}.</p>${
        // Clôturé : l'issue dite une fois (pas « Étape actuelle : Clôturé : … »).
        etat.cloture
          ? html`<p>Le parcours est clôturé : <strong>${LIBELLES_VALEURS[etat.cloture.issue] ?? etat.cloture.issue}</strong>.</p>`
          : html`<p>Étape actuelle : <strong>${etat.libelleEtape}</strong>.</p>${
              // Tout juste lancé, le parcours envoie ses premiers courriels : ses échéances viennent ensuite.
              o.fait === 'lancement' && !etat.echeances.length && !etat.demandes.length
                ? html`<p>Le parcours envoie ses premiers courriels (partenaires, ménage) ; ses échéances s’affichent ensuite : <a href="${idPage(etat)}">actualiser la page</a>.</p>`
                : ''
            }`
      }</div>`
    : ''
}
${avisCourrielsEnAttente(o.courriels)}
${avisNonRemis(o.nonRemis)}
${o.retour && !o.retour.formulaire ? resumeErreurs(o.retour.titre, o.retour.messages) : ''}
${
  // Le détail de l'erreur est dans le formulaire (annoncé là, une seule fois) ; en haut, de quoi y aller.
  // Un formulaire que l'étape ne propose plus (le message enregistré entre-temps, d'un autre onglet) :
  // tout est dit ici.
  o.retour?.formulaire
    ? lienDuRetour(suite.valeur, o.retour.formulaire)
      ? html`<div class="erreur"><p><strong>${o.retour.titre}</strong> ${lienDuRetour(suite.valeur, o.retour.formulaire)}</p></div>`
      : resumeErreurs(o.retour.titre, [
          ...o.retour.messages,
          `Ce formulaire n’est plus proposé à l’étape « ${etat.libelleEtape} » : la page montre le parcours tel qu’il est maintenant.`,
        ])
    : ''
}
${suite}`;
}
