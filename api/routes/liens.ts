/**
 * Les pages des liens signés envoyés aux partenaires (qui n'ont pas de compte).
 *
 * GET  /liens/:token : vérifie le lien (signature, expiration), puis montre la demande visée —
 *      objet, aperçu, échéance — et un formulaire (approuver / refuser + commentaire). Rien d'autre
 *      du parcours n'est montré (ni journal, ni ce que le ménage a confié).
 * POST /liens/:token : vérifie de nouveau, puis envoie la réponse au parcours (mise à jour
 *      `repondreValidation`, requestId et updateId = « lien-<jti> ») ; le parcours refuse une
 *      seconde réponse ou une réponse hors délai, avec une raison affichée telle quelle.
 *
 * Un lien d'action « rechute » (veille active après la clôture, parcours de prévention) a sa
 * propre page : une explication, un seul bouton « Signaler une rechute » et un commentaire
 * facultatif ; il envoie la décision « approuve », qui ouvre un nouvel accompagnement. Le parcours
 * est alors clôturé : c'est attendu, seule la demande (en attente ou non) compte.
 *
 * Un lien d'action « paiement » (protocole post-résiliation : chaque mois, le bailleur indique si
 * l'indemnité d'occupation et la mensualité du plan d'apurement sont reçues) a sa page : « Paiement
 * reçu » (décision « approuve ») ou « Paiement non reçu » (« refuse »), le montant reçu s'il diffère
 * du montant attendu et un commentaire ; le montant a son propre champ dans la réponse. Un lien
 * dont le mois a entre-temps été enregistré par l'équipe est clos.
 *
 * Un lien d'action « verification » (comité de suivi, reims-april : les services sociaux vérifient
 * avant le comité que le ménage n'est pas accompagné par ailleurs) a sa page : « Aucun
 * accompagnement connu » (« approuve ») ou « Déjà accompagné » (« refuse »), par qui dans le
 * commentaire (obligatoire alors). Le comité décide ensuite ; s'il a décidé avant, le lien est clos.
 *
 * Le lien ne peut agir que sur son parcours, sa demande et son rôle : ils sont dans le jeton signé.
 * Une page d'erreur ne change jamais rien.
 */
import { premierDuMois } from '../../domain/libelles';
import { lireNombreFrancais } from '../../domain/nombres';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import '../../domain/zod-fr';
import { repondreValidationUpdate } from '../../domain/messages';
import { reponseValidationSchema } from '../../domain/schemas';
import { LIBELLES_ROLES, ROLES_PARTENAIRES, type DemandeValidation, type EtatParcours, type Operateur, type RolePartenaire } from '../../domain/vocabulaire';
import { dateEnFrancais, estFinDuJour, jourEnFrancais } from '../../domain/durees';
import type { DependancesApi } from '../dependances';
import { envoyerPage } from '../html';
import { brut, html, type Brut } from '../../rendu/html';
import { depuisTemporal, Probleme, raisonRefus } from '../problemes';
import { chargerParcours } from './parcours';
import { workersPresents } from '../../worker/presence';
import type { WorkflowHandle } from '@temporalio/client';
import { apercuDemande, type ApercuDemande } from '../visibilite';

const roleSchema = z.enum(ROLES_PARTENAIRES);

const formatParis = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });
const dateHeure = (iso: string) => premierDuMois(formatParis.format(new Date(iso)));
/**
 * Une date limite de lien : « vendredi 8 janvier 2027 » quand elle court jusqu'au soir (la règle des
 * délais des partenaires), « … au soir » pour dire qu'elle est passée ; sinon avec l'heure où elle
 * passe (nouveau bail, demandes d'avant cette règle). Jamais « à 23:59 ».
 */
const limiteDuLien = (iso: string, passee = false) => (estFinDuJour(new Date(iso)) ? `${jourEnFrancais(iso)}${passee ? ' au soir' : ''}` : dateHeure(iso));

const ACTIONS_PRISES_EN_CHARGE = new Set(['validation', 'rechute', 'paiement', 'nouveau_bail', 'verification']);

function enTetesLien(res: Response): void {
  // Le jeton est dans l'URL : ni cache, ni référent, ni indexation.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
}

function pageMessage(res: Response, status: number, titre: string, classe: 'erreur' | 'alerte' | 'succes' | 'encadre', corps: Brut): void {
  enTetesLien(res);
  envoyerPage(res, status, {
    titre: `${titre} — Prévention des expulsions`,
    contenu: html`<h1>${titre}</h1>
<div class="${classe}" role="${classe === 'erreur' || classe === 'alerte' ? 'alert' : 'status'}">${corps}</div>
${pourJoindre(res)}`,
  });
}

/**
 * Qui appeler : l'opérateur du dispositif du lien (nom, téléphone, adresse électronique), posé dans
 * `res.locals.operateur` dès que le lien est vérifié ; sinon la phrase générale.
 */
function pourJoindre(res: Response): Brut {
  const o = res.locals.operateur as Operateur | undefined;
  if (!o)
    return html`<p class="aide">Pour toute question, répondez au courriel qui vous a transmis ce lien (même si l’adresse de l’expéditeur dit de ne pas répondre) : votre réponse parvient à l’opérateur du dispositif.</p>`;
  return html`<p class="aide">Pour toute question : ${o.nom}${o.telephone ? html`, <a href="tel:${o.telephone.replace(/[ .]/g, '')}">${o.telephone}</a>` : ''}, <a href="mailto:${o.courriel}">${o.courriel}</a> (ou répondez au courriel qui vous a transmis ce lien).</p>`;
}

/** La forme d'un jeton de lien : trois segments base64url (en-tête, contenu, signature). */
export const FORME_JETON = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Le jeton d'un lien signé, dans le chemin d'une page publique (document OpenAPI). */
export const jetonLienSchema = z.string().max(1000).regex(FORME_JETON).meta({ description: 'Jeton signé reçu par courriel (trois segments base64url)' });

function lienInvalide(res: Response, status: number, message: string): void {
  pageMessage(
    res,
    status,
    status === 410 ? 'Lien expiré' : 'Lien non valide',
    status === 410 ? 'alerte' : 'erreur',
    html`<p>${message}</p>
<p>Aucune réponse n’a été enregistrée.</p>`,
  );
}

/** L'en-tête d'une page de lien : ce qui est demandé, à qui, le dispositif, le dossier, la date limite. */
function enTeteLien(etat: EtatParcours, d: ApercuDemande, limite: string): Brut {
  return html`<h1>${d.objet}</h1>
<p>Demande adressée à : <strong>${LIBELLES_ROLES[d.role] ?? d.role}</strong></p>
<dl class="infos">
  <dt>Dispositif</dt><dd>${etat.programme.nom}</dd>
  <dt>Dossier</dt><dd>${etat.reference}</dd>
  <dt>${limite}</dt><dd>${limiteDuLien(d.echeance)}</dd>
</dl>`;
}

/** Ce que le partenaire avait saisi, remis dans la page rendue de nouveau avec l'erreur. */
type SaisieLien = { decision?: string; montant?: string; commentaire?: string; signeLe?: string; dateEffet?: string };
const cocheur = (saisie: SaisieLien) => (v: string) => (saisie.decision === v ? brut(' checked') : '');

/** Les deux réponses d'un lien (« approuve », « refuse »), avec leurs libellés ; le choix saisi gardé après une erreur. */
function deuxChoix(o: { legende: string; approuve: string; refuse: string; erreur?: string; saisie: SaisieLien }): Brut {
  const coche = cocheur(o.saisie);
  return html`  <fieldset${o.erreur ? html` aria-describedby="erreur-formulaire"` : ''}>
    <legend>${o.legende}</legend>
    <div class="choix"><input type="radio" id="decision-approuve" name="decision" value="approuve" required${coche('approuve')}><label for="decision-approuve">${o.approuve}</label></div>
    <div class="choix"><input type="radio" id="decision-refuse" name="decision" value="refuse" required${coche('refuse')}><label for="decision-refuse">${o.refuse}</label></div>
  </fieldset>`;
}

/** Le cadre commun des pages de lien à formulaire : en-tête, aperçu, erreur, champs, rappel d'usage unique. */
function pageFormulaire(
  res: Response,
  status: number,
  o: { token: string; etat: EtatParcours; d: ApercuDemande; echeance: string; apercu?: Brut; erreur?: string; champs: Brut; bouton: string },
): void {
  enTetesLien(res);
  envoyerPage(res, status, {
    titre: `${o.erreur ? 'Erreur : ' : ''}${o.d.objet} — Prévention des expulsions`,
    contenu: html`${enTeteLien(o.etat, o.d, o.echeance)}
${o.apercu ?? (o.d.apercu.length ? html`<ul>${o.d.apercu.map((l) => html`<li>${l}</li>`)}</ul>` : '')}
${o.erreur ? html`<div class="erreur" role="alert" tabindex="-1" autofocus id="erreur-formulaire"><p>${o.erreur}</p></div>` : ''}
<form method="post" action="/liens/${o.token}" novalidate>
${o.champs}
  <p><button type="submit">${o.bouton}</button></p>
</form>
<p class="aide">Ce lien vous est personnel et ne sert qu’une fois. Il expire à la date indiquée ci-dessus.</p>
${pourJoindre(res)}`,
  });
}

/** Une page de lien à deux réponses : rendue de nouveau avec l'erreur et la saisie après un envoi refusé. */
type PageDeLien = (res: Response, status: number, token: string, etat: EtatParcours, d: ApercuDemande, erreur?: string, saisie?: SaisieLien) => void;

function formulaire(res: Response, status: number, token: string, etat: EtatParcours, d: ApercuDemande, erreur?: string, saisie: SaisieLien = {}): void {
  // Un refus sans motif : l'erreur est celle du commentaire.
  const motifManquant = !!erreur && saisie.decision === 'refuse';
  pageFormulaire(res, status, {
    token,
    etat,
    d,
    echeance: 'Réponse attendue au plus tard le',
    apercu: html`<h2>Éléments pour décider</h2>
${d.apercu.length ? html`<ul>${d.apercu.map((l) => html`<li>${l}</li>`)}</ul>` : html`<p>Aucun élément complémentaire.</p>`}`,
    erreur,
    champs: html`${deuxChoix({ legende: 'Votre décision (obligatoire)', approuve: 'J’approuve', refuse: 'Je refuse', erreur, saisie })}
  <label for="commentaire">Commentaire (obligatoire pour un refus : son motif)</label>
  <p class="aide" id="aide-commentaire">2 000 caractères au plus. Il sera transmis à l’équipe qui accompagne le ménage.</p>
  <textarea id="commentaire" name="commentaire" maxlength="2000" aria-describedby="aide-commentaire${motifManquant ? ' erreur-formulaire' : ''}"${motifManquant ? brut(' aria-invalid="true"') : ''}>${saisie.commentaire ?? ''}</textarea>`,
    bouton: 'Envoyer ma réponse',
  });
}

/** Lignes de l'aperçu qui décrivent le formulaire générique (« Choisissez « J’approuve »… ») : inutiles ici. */
const ligneDuFormulaireGenerique = (l: string) => /J’approuve|J'approuve|Je refuse/.test(l);

/** La page d'un lien de veille active : signaler une rechute (un seul bouton). */
function formulaireRechute(res: Response, status: number, token: string, etat: EtatParcours, d: ApercuDemande, erreur?: string): void {
  enTetesLien(res);
  const apercu = d.apercu.filter((l) => !ligneDuFormulaireGenerique(l));
  envoyerPage(res, status, {
    titre: `${erreur ? 'Erreur : ' : ''}${d.objet} — Prévention des expulsions`,
    contenu: html`${enTeteLien(etat, d, 'Veille active jusqu’au')}
<h2>De quoi s’agit-il ?</h2>
<p>L’accompagnement de ce ménage est terminé. Pendant la veille active, si le ménage connaît de nouveaux impayés de loyer, vous pouvez le signaler ici : l’opérateur ouvre alors un nouvel accompagnement, sans nouvelle orientation à faire.</p>
${apercu.length ? html`<ul>${apercu.map((l) => html`<li>${l}</li>`)}</ul>` : ''}
<p>N’utilisez ce lien que s’il y a une rechute : en l’absence de signalement, la veille prend fin d’elle-même à la date indiquée ci-dessus.</p>
${erreur ? html`<div class="erreur" role="alert" tabindex="-1" autofocus id="erreur-formulaire"><p>${erreur}</p></div>` : ''}
<form method="post" action="/liens/${token}" novalidate>
  <label for="commentaire">Commentaire (facultatif)</label>
  <p class="aide" id="aide-commentaire">Par exemple : nombre de loyers impayés, montant, date du dernier paiement. 2 000 caractères au plus. Il sera transmis à l’équipe qui accompagnera le ménage.</p>
  <textarea id="commentaire" name="commentaire" maxlength="2000" aria-describedby="aide-commentaire${erreur ? ' erreur-formulaire' : ''}"></textarea>
  <p><button type="submit">Signaler une rechute</button></p>
</form>
<p class="aide">Ce lien vous est personnel et ne sert qu’une fois. Il expire à la fin de la veille active.</p>
${pourJoindre(res)}`,
  });
}

/** La page du lien du nouveau bail : sa date de signature, celle de sa prise d'effet, un commentaire. */
function formulaireNouveauBail(
  res: Response,
  status: number,
  token: string,
  etat: EtatParcours,
  d: ApercuDemande,
  erreur?: { champ: 'signeLe' | 'dateEffet' | 'commentaire'; message: string },
  saisie: SaisieLien = {},
): void {
  enTetesLien(res);
  const enErreur = (champ: string) => (erreur?.champ === champ ? brut(' aria-invalid="true"') : '');
  const decrit = (champ: string, aide: string) => (erreur?.champ === champ ? `${aide} erreur-formulaire` : aide);
  envoyerPage(res, status, {
    titre: `${erreur ? 'Erreur : ' : ''}${d.objet} — Prévention des expulsions`,
    contenu: html`${enTeteLien(etat, d, 'À indiquer avant le')}
${d.apercu.length ? html`<ul>${d.apercu.map((l) => html`<li>${l}</li>`)}</ul>` : ''}
${erreur ? html`<div class="erreur" role="alert" tabindex="-1" autofocus id="erreur-formulaire"><p>${erreur.message}</p></div>` : ''}
<form method="post" action="/liens/${token}" novalidate>
  <label for="signeLe">Date de signature du nouveau bail (obligatoire)</label>
  <p class="aide" id="aide-signeLe">Au plus tard aujourd’hui.</p>
  <input type="date" id="signeLe" name="signeLe" required value="${saisie.signeLe ?? ''}" aria-describedby="${decrit('signeLe', 'aide-signeLe')}"${enErreur('signeLe')}>
  <label for="dateEffet">Date de prise d’effet (facultatif)</label>
  <p class="aide" id="aide-dateEffet">Si elle diffère de la date de signature.</p>
  <input type="date" id="dateEffet" name="dateEffet" value="${saisie.dateEffet ?? ''}" aria-describedby="${decrit('dateEffet', 'aide-dateEffet')}"${enErreur('dateEffet')}>
  <label for="commentaire">Commentaire (facultatif)</label>
  <p class="aide" id="aide-commentaire">1 500 caractères au plus. Il sera transmis à l’équipe qui accompagne le ménage.</p>
  <textarea id="commentaire" name="commentaire" maxlength="1500" aria-describedby="${decrit('commentaire', 'aide-commentaire')}"${enErreur('commentaire')}>${saisie.commentaire ?? ''}</textarea>
  <p><button type="submit">Indiquer la signature du nouveau bail</button></p>
</form>
<p class="aide">Ce lien vous est personnel et ne sert qu’une fois. Il expire à la date indiquée ci-dessus. Si le bail ne peut pas être signé, contactez l’opérateur du dispositif.</p>
${pourJoindre(res)}`,
  });
}

/** La page du lien de vérification avant le comité de suivi : le ménage est-il déjà accompagné, et par qui. */
const formulaireVerification: PageDeLien = (res, status, token, etat, d, erreur, saisie = {}) => {
  const parQuiManquant = !!erreur && saisie.decision === 'refuse';
  pageFormulaire(res, status, {
    token,
    etat,
    d,
    echeance: 'Réponse attendue au plus tard le',
    erreur,
    champs: html`${deuxChoix({ legende: 'Le ménage est-il déjà accompagné par un travailleur social ? (obligatoire)', approuve: 'Non, aucun accompagnement connu', refuse: 'Oui, il est déjà accompagné', erreur, saisie })}
  <label for="commentaire">Par quel service ou quel travailleur social ? (obligatoire s’il est déjà accompagné)</label>
  <p class="aide" id="aide-commentaire">Par exemple : Mme Durand, assistante sociale de secteur. 2 000 caractères au plus. Transmis à la coordination du dispositif, jamais au bailleur. Pensez à prévenir ce travailleur social : le comité de suivi décidera ensuite de l’intégration du ménage.</p>
  <textarea id="commentaire" name="commentaire" maxlength="2000" aria-describedby="aide-commentaire${parQuiManquant ? ' erreur-formulaire' : ''}"${parQuiManquant ? brut(' aria-invalid="true"') : ''}>${saisie.commentaire ?? ''}</textarea>`,
    bouton: 'Envoyer ma réponse',
  });
};

/** La page d'un lien de paiement mensuel : reçu ou non, montant reçu, commentaire. */
const formulairePaiement: PageDeLien = (res, status, token, etat, d, erreur, saisie = {}) => {
  pageFormulaire(res, status, {
    token,
    etat,
    d,
    echeance: 'Réponse attendue au plus tard le',
    erreur,
    champs: html`${deuxChoix({ legende: 'Le paiement de ce mois (obligatoire)', approuve: 'Paiement reçu', refuse: 'Paiement non reçu ou incomplet', erreur, saisie })}
  <label for="montant">Montant reçu en euros (facultatif)</label>
  <p class="aide" id="aide-montant">À indiquer s’il diffère du montant attendu, par exemple 300 ou 412,50.</p>
  <input type="text" id="montant" name="montant" inputmode="decimal" autocomplete="off" value="${saisie.montant ?? ''}" aria-describedby="aide-montant">
  <label for="commentaire">Commentaire (facultatif)</label>
  <p class="aide" id="aide-commentaire">Par exemple : date du versement, échéancier convenu. 1 500 caractères au plus. Il sera transmis à l’équipe qui accompagne le ménage.</p>
  <textarea id="commentaire" name="commentaire" maxlength="1500" aria-describedby="aide-commentaire">${saisie.commentaire ?? ''}</textarea>`,
    bouton: 'Envoyer ma réponse',
  });
};

/**
 * Le montant saisi sur la page de paiement (« 412,50 », « 1 250 », « 1.250 € ») ; undefined si vide,
 * NaN si illisible, négatif, d'un million ou plus, ou avec plus de deux décimales.
 */
export function lireMontantSaisi(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (v.trim() === '') return undefined;
  const n = lireNombreFrancais(v);
  return n !== undefined && n >= 0 && n < 1_000_000 && /^\d+(\.\d{1,2})?$/.test(String(n)) ? n : Number.NaN;
}

function dejaTraitee(res: Response, status: number, d: ApercuDemande, action?: string): void {
  if (action === 'nouveau_bail' && d.statut === 'approuvee') {
    pageMessage(
      res,
      status,
      'La signature du nouveau bail a déjà été indiquée',
      'encadre',
      html`<p>La signature du nouveau bail a déjà été indiquée${d.reponduLe ? html` le ${dateHeure(d.reponduLe)}` : ''}.</p>
<p>Ce lien ne peut plus être utilisé. Rien n’a été modifié. Pour corriger une date, contactez l’opérateur du dispositif.</p>`,
    );
    return;
  }
  if (action === 'paiement') {
    if (d.statut === 'approuvee' || d.statut === 'refusee') {
      pageMessage(
        res,
        status,
        'Ce paiement a déjà été indiqué',
        'encadre',
        html`<p>Votre réponse sur « ${d.objet} » a déjà été enregistrée${d.reponduLe ? html` le ${dateHeure(d.reponduLe)}` : ''}.</p>
<p>Ce lien ne peut plus être utilisé. Rien n’a été modifié. Pour corriger un paiement, contactez l’opérateur du dispositif.</p>`,
      );
      return;
    }
    pageMessage(
      res,
      status,
      'Ce lien n’est plus utilisable',
      'alerte',
      html`<p>${
        d.fermee
          ? `Le lien pour « ${d.objet} » a été clos le ${dateEnFrancais(d.fermee.le)} : ${d.fermee.raison}.`
          : d.closeParClotureLe
            ? `L’accompagnement de ce ménage a pris fin le ${dateEnFrancais(d.closeParClotureLe)} : « ${d.objet} » n’attend plus de réponse.`
            : `Le délai pour répondre sur « ${d.objet} » a pris fin le ${limiteDuLien(d.echeance, true)}.`
      }</p>
<p>Rien n’a été modifié. Pour signaler un paiement, contactez l’opérateur du dispositif.</p>`,
    );
    return;
  }
  if (action === 'rechute' && d.statut !== 'refusee') {
    if (d.statut === 'approuvee') {
      pageMessage(
        res,
        status,
        'Une rechute a déjà été signalée',
        'encadre',
        html`<p>Une rechute a déjà été signalée${d.reponduLe ? html` le ${dateHeure(d.reponduLe)}` : ''} pour ce dossier : un nouvel accompagnement a été ouvert.</p>
<p>Ce lien ne peut plus être utilisé. Rien n’a été modifié.</p>`,
      );
      return;
    }
    pageMessage(
      res,
      status,
      'La veille active est terminée',
      'alerte',
      html`<p>La veille active de ce dossier est terminée depuis le ${dateEnFrancais(d.echeance)} : il n’est plus possible de signaler une rechute par ce lien.</p>
<p>Rien n’a été modifié. Si le ménage connaît de nouveaux impayés, contactez l’opérateur du dispositif pour une nouvelle orientation.</p>`,
    );
    return;
  }
  if (d.statut === 'approuvee' || d.statut === 'refusee') {
    pageMessage(
      res,
      status,
      'Cette demande a déjà reçu une réponse',
      'encadre',
      html`<p>Une réponse a déjà été enregistrée${d.reponduLe ? html` le ${dateHeure(d.reponduLe)}` : ''} pour la demande « ${d.objet} ».</p>
<p>Ce lien ne peut plus être utilisé. Rien n’a été modifié.</p>`,
    );
    return;
  }
  if (d.closeParClotureLe) {
    pageMessage(
      res,
      status,
      'Cette demande est close',
      'alerte',
      html`<p>L’accompagnement de ce ménage a été clôturé le ${dateEnFrancais(d.closeParClotureLe)} : la demande « ${d.objet} » n’attend plus de réponse.</p>
<p>Rien n’a été modifié. Pour toute question, contactez l’opérateur du dispositif.</p>`,
    );
    return;
  }
  if (d.fermee) {
    pageMessage(
      res,
      status,
      'Cette demande est close',
      'alerte',
      html`<p>La demande « ${d.objet} » a été close le ${dateEnFrancais(d.fermee.le)} : ${d.fermee.raison}. Elle n’attend plus de réponse.</p>
<p>Rien n’a été modifié. Pour toute question, contactez l’opérateur du dispositif.</p>`,
    );
    return;
  }
  pageMessage(
    res,
    status,
    'Cette demande est close',
    'alerte',
    html`<p>La demande « ${d.objet} » est close depuis le ${limiteDuLien(d.echeance, true)} : il n’est plus possible d’y répondre par ce lien.</p>
<p>Rien n’a été modifié. Si une décision reste nécessaire, l’opérateur du dispositif vous recontactera.</p>`,
  );
}

export function routesLiens(deps: DependancesApi): Router {
  const r = Router();
  const maintenant = deps.maintenant ?? (() => new Date());

  /** Vérifie le lien et charge la demande ; envoie lui-même la page d'erreur et renvoie undefined sinon. */
  async function ouvrir(req: Request, res: Response) {
    const token = String(req.params.token ?? '');
    const v = deps.signeur.verifier(token, maintenant());
    // Le dispositif du lien (« programme--référence ») : son opérateur est nommé sur chaque page, même
    // quand le lien, authentique, a expiré ; un lien faux ne nomme personne.
    const idParcours = v.ok ? v.claims.workflowId : v.workflowId;
    const operateur = idParcours ? deps.catalogue.trouver(idParcours.split('--')[0] ?? '')?.operateur : undefined;
    if (operateur) res.locals.operateur = operateur;
    if (!v.ok) {
      // 410 : expiré ; 400 : ce n'est pas un jeton (forme) ; 403 : un jeton bien formé mais faux (signature, clé).
      lienInvalide(res, v.raison === 'expire' ? 410 : FORME_JETON.test(token) ? 403 : 400, v.message);
      return undefined;
    }
    if (!ACTIONS_PRISES_EN_CHARGE.has(v.claims.action)) {
      lienInvalide(res, 400, 'Ce type de lien n’est pas encore pris en charge par la plateforme. Contactez l’opérateur du dispositif.');
      return undefined;
    }
    const role = roleSchema.safeParse(v.claims.role);
    if (!role.success) {
      lienInvalide(res, 400, 'Ce lien n’est pas valide : le partenaire qu’il désigne est inconnu.');
      return undefined;
    }
    let handle: WorkflowHandle;
    let etat: EtatParcours;
    try {
      // Un parcours clos se lit dans son dossier (sans ce que le ménage a confié), même oublié de Temporal.
      ({ handle, etat } = await chargerParcours(deps, v.claims.workflowId, { confidentiel: false }));
    } catch (e) {
      if (e instanceof Probleme && (e.status === 404 || e.status === 400)) {
        pageMessage(
          res,
          404,
          'Dossier introuvable',
          'erreur',
          html`<p>Le dossier visé par ce lien n’existe pas ou n’est plus disponible.</p><p>Aucune réponse n’a été enregistrée.</p>`,
        );
        return undefined;
      }
      deps.journal.error({ err: e }, 'lien : lecture du parcours impossible');
      pageMessage(
        res,
        503,
        'Service momentanément indisponible',
        'erreur',
        html`<p>Votre demande ne peut pas être traitée pour le moment. Réessayez dans quelques minutes avec le même lien.</p>`,
      );
      return undefined;
    }
    const demande = apercuDemande(etat, v.claims.demandeId);
    if (!demande) {
      pageMessage(
        res,
        404,
        'Demande introuvable',
        'erreur',
        html`<p>Ce lien ne correspond à aucune demande de ce dossier.</p><p>Aucune réponse n’a été enregistrée.</p>`,
      );
      return undefined;
    }
    if (demande.role !== role.data) {
      pageMessage(
        res,
        403,
        'Lien non valide pour cette demande',
        'erreur',
        html`<p>Ce lien ne correspond pas au partenaire sollicité pour cette demande.</p><p>Aucune réponse n’a été enregistrée.</p>`,
      );
      return undefined;
    }
    return { token, v, role: role.data as RolePartenaire, handle, etat, demande };
  }

  r.get('/liens/:token', async (req, res) => {
    const o = await ouvrir(req, res);
    if (!o) return;
    if (o.v.claims.action === 'rechute') {
      // La veille active suit la clôture : seule la demande compte.
      if (o.demande.statut !== 'en_attente') dejaTraitee(res, 200, o.demande, 'rechute');
      else formulaireRechute(res, 200, o.token, o.etat, o.demande);
      return;
    }
    if (o.demande.statut !== 'en_attente' || o.etat.cloture) {
      dejaTraitee(res, 200, o.etat.cloture && o.demande.statut === 'en_attente' ? { ...o.demande, statut: 'expiree' } : o.demande, o.v.claims.action);
      return;
    }
    if (o.v.claims.action === 'nouveau_bail') formulaireNouveauBail(res, 200, o.token, o.etat, o.demande);
    else if (o.v.claims.action === 'verification') formulaireVerification(res, 200, o.token, o.etat, o.demande);
    else (o.v.claims.action === 'paiement' ? formulairePaiement : formulaire)(res, 200, o.token, o.etat, o.demande);
  });

  r.post('/liens/:token', async (req, res) => {
    const o = await ouvrir(req, res);
    if (!o) return;
    const rechute = o.v.claims.action === 'rechute';
    const paiement = o.v.claims.action === 'paiement';
    const signature = o.v.claims.action === 'nouveau_bail';
    const verification = o.v.claims.action === 'verification';
    if (o.demande.statut !== 'en_attente') {
      dejaTraitee(res, 409, o.demande, o.v.claims.action);
      return;
    }
    let decision: unknown = rechute ? 'approuve' : req.body?.decision;
    let commentaire: unknown = req.body?.commentaire;
    let montant: number | undefined;
    let nouveauBail: { signeLe: string; dateEffet?: string } | undefined;
    if (signature) {
      const champ = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 30) : '');
      const saisie = {
        signeLe: champ(req.body?.signeLe),
        dateEffet: champ(req.body?.dateEffet),
        commentaire: typeof req.body?.commentaire === 'string' ? req.body.commentaire.slice(0, 2000) : '',
      };
      // La forme ici ; le parcours juge les dates (au plus tard son aujourd'hui, pas avant le protocole).
      const jour = /^\d{4}-\d{2}-\d{2}$/;
      const erreur = !saisie.signeLe
        ? { champ: 'signeLe' as const, message: 'Indiquez la date de signature du nouveau bail.' }
        : !jour.test(saisie.signeLe) || Number.isNaN(Date.parse(saisie.signeLe))
          ? { champ: 'signeLe' as const, message: 'Date de signature : une date au format AAAA-MM-JJ, par exemple 2027-03-15.' }
          : saisie.dateEffet && (!jour.test(saisie.dateEffet) || Number.isNaN(Date.parse(saisie.dateEffet)))
            ? { champ: 'dateEffet' as const, message: 'Date de prise d’effet : une date au format AAAA-MM-JJ, par exemple 2027-04-01.' }
            : saisie.dateEffet && saisie.dateEffet < saisie.signeLe
              ? { champ: 'dateEffet' as const, message: 'La prise d’effet du bail ne peut pas précéder sa signature.' }
              : saisie.commentaire.trim().length > 1500
                ? { champ: 'commentaire' as const, message: 'Commentaire : 1 500 caractères au plus.' }
                : undefined;
      if (erreur) {
        formulaireNouveauBail(res, 400, o.token, o.etat, o.demande, erreur, saisie);
        return;
      }
      nouveauBail = { signeLe: saisie.signeLe, ...(saisie.dateEffet ? { dateEffet: saisie.dateEffet } : {}) };
      decision = 'approuve';
      commentaire = saisie.commentaire;
    }
    if (paiement) {
      const saisie = {
        decision: typeof req.body?.decision === 'string' ? req.body.decision : undefined,
        montant: typeof req.body?.montant === 'string' ? req.body.montant.slice(0, 30) : undefined,
        commentaire: typeof req.body?.commentaire === 'string' ? req.body.commentaire.slice(0, 2000) : undefined,
      };
      const saisi = lireMontantSaisi(req.body?.montant);
      const texte = typeof req.body?.commentaire === 'string' ? req.body.commentaire : '';
      const erreur =
        saisie.decision !== 'approuve' && saisie.decision !== 'refuse'
          ? 'Indiquez si le paiement a été reçu.'
          : Number.isNaN(saisi)
            ? 'Montant reçu : un nombre en euros, par exemple 300 ou 412,50.'
            : texte.trim().length > 1500
              ? 'Commentaire : 1 500 caractères au plus.'
              : undefined;
      if (erreur) {
        formulairePaiement(res, 400, o.token, o.etat, o.demande, erreur, saisie);
        return;
      }
      decision = saisie.decision;
      commentaire = texte;
      montant = saisi;
    }
    const corps = reponseValidationSchema.safeParse({
      // Un lien de veille active ne sert qu'à signaler une rechute : la décision est « approuve ».
      decision,
      commentaire: typeof commentaire === 'string' && commentaire.trim() !== '' ? commentaire : undefined,
      montant,
      nouveauBail,
    });
    if (!corps.success) {
      const i = corps.error.issues[0]!;
      const message =
        i.path[0] === 'decision'
          ? verification
            ? 'Indiquez si le ménage est déjà accompagné.'
            : 'Choisissez « J’approuve » ou « Je refuse ».'
          : i.path[0] === 'montant'
            ? `Montant reçu : ${i.message}`
            : `Commentaire : ${i.message}`;
      if (signature) formulaireNouveauBail(res, 400, o.token, o.etat, o.demande, { champ: 'commentaire', message });
      else
        (rechute ? formulaireRechute : paiement ? formulairePaiement : verification ? formulaireVerification : formulaire)(
          res,
          400,
          o.token,
          o.etat,
          o.demande,
          message,
        );
      return;
    }
    // Déjà accompagné : par qui (la coordination et le comité doivent le savoir).
    if (verification && corps.data.decision === 'refuse' && !corps.data.commentaire) {
      formulaireVerification(res, 400, o.token, o.etat, o.demande, 'Indiquez par quel service ou quel travailleur social le ménage est déjà accompagné.', {
        decision: 'refuse',
      });
      return;
    }
    // Un refus se motive : l'équipe qui accompagne le ménage doit savoir pourquoi (plan à revoir, candidature à reprendre).
    if (!rechute && !paiement && !signature && !verification && corps.data.decision === 'refuse' && !corps.data.commentaire) {
      formulaire(
        res,
        400,
        o.token,
        o.etat,
        o.demande,
        'Indiquez le motif de votre refus dans le commentaire : il sera transmis à l’équipe qui accompagne le ménage.',
        {
          decision: 'refuse',
        },
      );
      return;
    }
    const requestId = `lien-${o.v.jti}`;
    if ((await workersPresents(deps.base, deps.taskQueue)) === 0) {
      res.setHeader('Retry-After', '60');
      pageMessage(
        res,
        503,
        'Service momentanément indisponible',
        'erreur',
        html`<p>Votre réponse n’a pas pu être enregistrée pour le moment. Réessayez dans quelques minutes avec le même lien : il reste valable.</p>`,
      );
      return;
    }
    let enregistree: DemandeValidation;
    try {
      // Le résultat est la décision enregistrée : la première réponse de ce lien, même si d'autres
      // envois (double clic, plusieurs onglets, réponses contradictoires) arrivent en même temps.
      enregistree = await o.handle.executeUpdate(repondreValidationUpdate, {
        args: [
          {
            requestId,
            par: `partenaire:${o.role}`,
            demandeId: o.demande.id,
            role: o.role,
            decision: corps.data.decision,
            commentaire: corps.data.commentaire,
            montant: corps.data.montant,
            ...(corps.data.nouveauBail ? { nouveauBail: corps.data.nouveauBail } : {}),
          },
        ],
        updateId: requestId,
      });
    } catch (e) {
      const raison = raisonRefus(e);
      if (raison !== undefined && signature && /^(Date de signature|La date de signature|Le nouveau bail ne peut|La prise d’effet)/.test(raison)) {
        // Une date que le parcours refuse (à venir, avant le protocole) : le formulaire, avec la raison.
        formulaireNouveauBail(
          res,
          400,
          o.token,
          o.etat,
          o.demande,
          { champ: 'signeLe', message: raison },
          {
            signeLe: nouveauBail?.signeLe,
            dateEffet: nouveauBail?.dateEffet,
            commentaire: typeof commentaire === 'string' ? commentaire : undefined,
          },
        );
        return;
      }
      if (raison !== undefined) {
        pageMessage(res, 409, 'Réponse non enregistrée', 'alerte', html`<p>${raison}</p><p>Rien n’a été modifié.</p>`);
        return;
      }
      const p = depuisTemporal(e);
      if (p && p.status < 500) {
        pageMessage(res, p.status, 'Réponse non enregistrée', 'alerte', html`<p>${p.detail}</p><p>Rien n’a été modifié.</p>`);
        return;
      }
      deps.journal.error({ err: e, workflowId: o.v.claims.workflowId }, 'lien : envoi de la réponse impossible');
      pageMessage(
        res,
        503,
        'Service momentanément indisponible',
        'erreur',
        html`<p>Votre réponse n’a pas pu être enregistrée pour le moment. Réessayez dans quelques minutes avec le même lien : elle ne sera pas enregistrée deux fois.</p>`,
      );
      return;
    }
    deps.journal.info({ workflowId: o.v.claims.workflowId, demandeId: o.demande.id, role: o.role }, 'réponse de partenaire enregistrée');
    if (rechute) {
      pageMessage(
        res,
        200,
        'Rechute signalée',
        'succes',
        html`<p>Merci. La rechute est signalée : un nouvel accompagnement est ouvert.</p>
<p>L’opérateur du dispositif reprend contact avec le ménage et vous tiendra informé des engagements qui vous concernent. Vous pouvez fermer cette page.</p>`,
      );
      return;
    }
    if (signature) {
      const b = enregistree.decision?.nouveauBail ?? nouveauBail!;
      pageMessage(
        res,
        200,
        'La signature du nouveau bail est enregistrée',
        'succes',
        html`<p>Merci. Nouveau bail signé le <strong>${dateEnFrancais(b.signeLe)}</strong>${b.dateEffet && b.dateEffet !== b.signeLe ? html`, à effet du ${dateEnFrancais(b.dateEffet)}` : ''} : l’occupant redevient locataire en titre et l’accompagnement se clôt.</p>
<p>L’équipe qui accompagne le ménage, la CCAPEX et la préfecture en sont informées. Vous pouvez fermer cette page.</p>`,
      );
      return;
    }
    // La page dit ce qui a été enregistré, pas ce que ce formulaire-ci demandait.
    const retenue = enregistree.decision ?? { decision: corps.data.decision, commentaire: corps.data.commentaire };
    const approuve = retenue.decision === 'approuve';
    const autre = retenue.decision !== corps.data.decision || (retenue.commentaire ?? '') !== (corps.data.commentaire ?? '');
    const avertissement = autre ? html`<p>Une réponse venait déjà d’être envoyée par ce lien : c’est elle qui est enregistrée, celle-ci ne l’est pas.</p>` : '';
    if (verification) {
      pageMessage(
        res,
        200,
        'Votre réponse a bien été enregistrée',
        'succes',
        html`${avertissement}<p>Merci. La réponse enregistrée est : <strong>${approuve ? 'aucun accompagnement connu' : 'ménage déjà accompagné'}</strong>${retenue.commentaire ? html` (${retenue.commentaire})` : ''}.</p>
<p>Le comité de suivi décidera de l’intégration du ménage ; la coordination du dispositif vous tiendra informé. Vous pouvez fermer cette page.</p>`,
      );
      return;
    }
    if (paiement) {
      pageMessage(
        res,
        200,
        'Votre réponse a bien été enregistrée',
        'succes',
        html`${avertissement}<p>Merci. Pour « ${o.demande.objet} », la réponse enregistrée est : <strong>${approuve ? 'paiement reçu' : 'paiement non reçu ou incomplet'}</strong>${retenue.commentaire ? html` (${retenue.commentaire})` : ''}.</p>
<p>L’équipe qui accompagne le ménage en est informée. Vous pouvez fermer cette page.</p>`,
      );
      return;
    }
    pageMessage(
      res,
      200,
      'Votre réponse a bien été enregistrée',
      'succes',
      html`${avertissement}<p>Merci. La décision enregistrée sur la demande « ${o.demande.objet} » est : <strong>${approuve ? 'demande approuvée' : 'demande refusée'}</strong>.</p>
<p>L’équipe qui accompagne le ménage en est informée. Vous pouvez fermer cette page.</p>`,
    );
  });

  return r;
}
