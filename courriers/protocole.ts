/**
 * Courriels du parcours « protocole post-résiliation » (workflows/protocole-post-resiliation.ts) :
 * un modèle par message, des données typées en entrée, `{ sujet, paragraphes }` en sortie (les liens
 * au bailleur : `{ objet, apercu }`). Le texte se change ici sans toucher au déroulé du parcours.
 * Fonctions pures, empaquetées avec les workflows : ni horloge, ni API de Node.
 */
import { euros as eurosFr, mentionPersonnel } from '../domain/libelles';
import type { PlanApurement, Resiliation } from '../domain/protocole';
import {
  dateEnFrancais,
  dureeEnFrancais,
  heureDeParis,
  jourDeParis,
  jourEnFrancais,
  jourEtHeureEnMots,
  limiteEnFrancais,
  moisEnFrancais,
  periodiciteEnFrancais,
  veilleDe,
} from '../domain/durees';
import { phraseQuiAppeler, type Courriel, type Jour, type OperateurAJoindre, type ProgrammeCourrier } from './commun';

type Prog = ProgrammeCourrier;

/** Un lien au bailleur : l'objet de la demande et ce qu'il lit avant de répondre. */
export interface Lien {
  objet: string;
  apercu: string[];
}

// ---- Les mots du protocole ------------------------------------------------------------------------

/** « 412,50 € », « 3 450 € » : le formateur unique des montants (domain/libelles). */
export const euros = (n: number): string => eurosFr(n);

/** « mai 2026 » pour « 2026-05 » : le même partout (domain/durees). */
export { moisEnFrancais };

/**
 * La prochaine vérification d'un mois, sur la page du dossier : « décembre 2026 : le lundi 4 janvier
 * 2027 à 9 h, un lien au bailleur… ». Un lien prévu à minuit (parcours d'avant les heures ouvrées) : le jour seul.
 */
export function prochaineVerificationDuPaiement(mois: string, le: Date): string {
  const quand = heureDeParis(le).getUTCHours() || heureDeParis(le).getUTCMinutes() ? jourEtHeureEnMots(le) : jourEnFrancais(le);
  return `${moisEnFrancais(mois)} : le ${quand}, un lien au bailleur pour dire si l’indemnité et la mensualité sont reçues (sauf si l’équipe a enregistré ce paiement d’ici là)`;
}

/** « de mars 2027 », « d’octobre 2026 » (élision devant avril, août, octobre). */
export function deMois(mois: string): string {
  const m = moisEnFrancais(mois);
  return /^[aeiouyâéèêô]/.test(m) ? `d’${m}` : `de ${m}`;
}

/** « 0 visite à domicile », « 1 visite à domicile », « 3 visites à domicile ». */
export const nombre = (n: number, un: string, plusieurs: string) => `${n} ${n > 1 ? plusieurs : un}`;

/** La trêve hivernale (du 1er novembre au 31 mars) à une date, à l'heure de Paris. */
export function treveHivernale(date: Date): { enCours: true; jusquau: string } | { enCours: false; prochaine: string } {
  const paris = heureDeParis(date);
  const annee = paris.getUTCFullYear();
  const mois = paris.getUTCMonth();
  if (mois >= 10) return { enCours: true, jusquau: `${annee + 1}-03-31` };
  if (mois <= 2) return { enCours: true, jusquau: `${annee}-03-31` };
  return { enCours: false, prochaine: `${annee}-11-01` };
}

/** Ce que la fin du protocole permet au bailleur, trêve hivernale comprise, en une phrase. */
export function phraseTreve(date: Date, sujet: string): string {
  const t = treveHivernale(date);
  if (t.enCours) {
    const annee = t.jusquau.slice(0, 4);
    return `${sujet} intervient pendant la trêve hivernale (du 1er novembre au 31 mars) : aucune expulsion avant le 31 mars ${annee}, fin de la trêve ; le jugement ne pourra être exécuté qu’à partir du 1er avril ${annee}.`;
  }
  return `${sujet} intervient hors de la trêve hivernale : le bailleur peut de nouveau demander l’exécution du jugement d’expulsion. La prochaine trêve hivernale commence le 1er novembre ${t.prochaine.slice(0, 4)}.`;
}

const affectation = (travailleurSocial?: string) =>
  travailleurSocial
    ? `Le travailleur social en charge est ${mentionPersonnel(travailleurSocial)}.`
    : 'Aucun travailleur social n’est encore affecté à ce ménage.';

// ---- 1. Signature du protocole ------------------------------------------------------------------

/** Au travailleur social : le bailleur signale un occupant au bail résilié ; le protocole est à préparer. */
export function protocoleAPreparer(x: {
  ref: string;
  resiliation: Pick<Resiliation, 'jugementDu' | 'detteLocative'>;
  dureeMax: string;
  /** La date limite de la signature, si le programme en fixe une. */
  signeAvant?: Jour;
}): Courriel {
  return {
    sujet: `Protocole de cohésion sociale à préparer (dossier ${x.ref})`,
    paragraphes: [
      `Le bailleur signale un occupant dont le bail a été résilié par jugement du ${dateEnFrancais(x.resiliation.jugementDu)} (dossier ${x.ref}, dette de ${euros(x.resiliation.detteLocative)}).`,
      `Un protocole de cohésion sociale lui est proposé : ${dureeEnFrancais(x.dureeMax)} au plus, indemnité d’occupation et plan d’apurement. Enregistrez-le une fois signé par le bailleur et l’occupant.`,
      ...(x.signeAvant ? [`Protocole signé attendu ${limiteEnFrancais(x.signeAvant)}.`] : []),
    ],
  };
}

export interface ProtocoleSigne {
  ref: string;
  programme: Prog;
  jugementDu: string;
  protocole: { signeLe: string; debut: string; dureeMois: number; indemniteOccupation: number };
  terme: Jour;
  plan: PlanApurement;
  /** Période des bilans au bailleur (durée ISO). */
  bilan: string;
}

/** À l'occupant qui accepte les courriels : son protocole signé, en mots simples, et qui appeler. */
export function protocoleSigneAuMenage(x: {
  programme: OperateurAJoindre;
  protocole: ProtocoleSigne['protocole'];
  terme: Jour;
  plan: PlanApurement;
}): Courriel {
  return {
    sujet: 'Votre protocole de cohésion sociale est signé',
    paragraphes: [
      `Vous avez signé le ${dateEnFrancais(x.protocole.signeLe)} un protocole avec votre bailleur : tant que vous le respectez, l’expulsion est suspendue et vous restez dans votre logement.`,
      `Chaque mois, du ${dateEnFrancais(x.protocole.debut)} au ${dateEnFrancais(veilleDe(x.terme))}, vous payez l’indemnité d’occupation de ${euros(x.protocole.indemniteOccupation)} et ${euros(x.plan.mensualite)} pour rembourser votre dette.`,
      'Si vous respectez le protocole jusqu’au bout, votre bailleur vous proposera un nouveau bail.',
      'Le résumé de votre protocole est joint à ce courriel : gardez-le avec votre protocole.',
      phraseQuiAppeler(x.programme),
    ],
  };
}

/** La signature annoncée à la CCAPEX, à la préfecture, à la CAF et au bailleur (dans cet ordre). */
export function protocoleSigne(x: ProtocoleSigne): Record<'ccapex' | 'prefecture' | 'caf' | 'bailleur', Courriel> {
  const { ref, protocole: pr } = x;
  const engagements = [
    `Durée : ${pr.dureeMois} mois, du ${dateEnFrancais(pr.debut)} au ${dateEnFrancais(veilleDe(x.terme))}.`,
    `Indemnité d’occupation : ${euros(pr.indemniteOccupation)} par mois ; plan d’apurement : dette de ${euros(x.plan.dette)}, ${euros(x.plan.mensualite)} par mois.`,
  ];
  const signe = `Le bailleur et l’occupant du dossier ${ref}, dont le bail a été résilié par jugement du ${dateEnFrancais(x.jugementDu)}, ont signé le ${dateEnFrancais(pr.signeLe)} un protocole de cohésion sociale (CCH, art. L353-15-2).`;
  return {
    ccapex: {
      sujet: `Protocole de cohésion sociale signé (dossier ${ref})`,
      paragraphes: [
        signe,
        ...engagements,
        `${x.programme.operateur.nom} assure l’intermédiation avec le bailleur et un accompagnement social renforcé. Vous serez informés de la fin du protocole, de ses avenants ou de sa rupture.`,
      ],
    },
    prefecture: {
      sujet: `Protocole de cohésion sociale signé : expulsion suspendue (dossier ${ref})`,
      paragraphes: [
        signe,
        ...engagements,
        'Tant que le protocole est respecté, le bailleur suspend l’exécution du jugement d’expulsion. Vous serez informés de sa fin ou de sa rupture.',
      ],
    },
    caf: {
      sujet: `Protocole de cohésion sociale signé : reprise de l’aide au logement (dossier ${ref})`,
      paragraphes: [
        signe,
        `Le protocole vaut titre d’occupation à compter du ${dateEnFrancais(pr.debut)} : l’aide au logement peut reprendre. Le bailleur vous transmet le protocole signé.`,
      ],
    },
    bailleur: {
      sujet: `Protocole enregistré : calendrier des paiements (dossier ${ref})`,
      paragraphes: [
        `Le protocole signé le ${dateEnFrancais(pr.signeLe)} avec l’occupant du dossier ${ref} est enregistré.`,
        ...engagements,
        `Chaque mois, vous recevrez un lien pour indiquer si l’indemnité et la mensualité du plan ont été reçues ; un bilan vous sera adressé ${periodiciteEnFrancais(x.bilan)}.`,
      ],
    },
  };
}

// ---- 2–4. Suivi mensuel -------------------------------------------------------------------------

/** Le lien du mois au bailleur : reçu (approuve) ou manqué (refuse), avec le montant. */
export function demandeDePaiement(x: {
  ref: string;
  mois: string;
  rang: number;
  dureeTotaleMois: number;
  attendu: { total: number; indemnite: number; apurement: number };
}): Lien {
  const a = x.attendu;
  return {
    objet: `Paiement ${deMois(x.mois)} : indemnité d’occupation et plan d’apurement`,
    apercu: [
      `Protocole de cohésion sociale du dossier ${x.ref} : mois ${deMois(x.mois)} (${x.rang === 1 ? '1er' : `${x.rang}e`} mois sur ${x.dureeTotaleMois}).`,
      `Montant attendu : ${euros(a.total)} (indemnité d’occupation ${euros(a.indemnite)}${a.apurement ? `, plan d’apurement ${euros(a.apurement)}` : ''}).`,
      'Indiquez si ce paiement a été reçu ; s’il ne l’a été qu’en partie, indiquez le montant reçu.',
    ],
  };
}

/** Au travailleur social : un paiement manqué. */
export function paiementManque(x: { ref: string; mois: string; montant: number; attendu: number; consecutifs: number }): Courriel {
  return {
    sujet: `Paiement manqué : ${moisEnFrancais(x.mois)} (dossier ${x.ref})`,
    paragraphes: [
      x.montant > 0
        ? `Le paiement ${deMois(x.mois)} prévu par le protocole du dossier ${x.ref} n’a été reçu qu’en partie (${euros(x.montant)} sur ${euros(x.attendu)}).`
        : `Le paiement ${deMois(x.mois)} prévu par le protocole du dossier ${x.ref} n’a pas été reçu (${euros(x.attendu)} ${x.attendu < 2 ? 'attendu' : 'attendus'}).`,
      x.consecutifs > 1 ? `C’est le ${x.consecutifs}e mois manqué de suite.` : 'C’est le premier mois manqué.',
      'Un point avec le ménage est à prévoir rapidement : budget, FSL, renégociation du plan d’apurement si besoin.',
    ],
  };
}

/** À la coordination : des manquements répétés (mois AAAA-MM impayés de suite). */
export function manquementsRepetes(x: { ref: string; programme: Prog; manques: string[]; travailleurSocial?: string }): Courriel {
  const n = x.manques.length;
  return {
    sujet: `Manquements répétés au protocole : ${n} mois impayés (dossier ${x.ref})`,
    paragraphes: [
      `Le protocole du dossier ${x.ref} (${x.programme.nom}) n’est plus respecté : ${n} mois de suite sans paiement (${x.manques.map(moisEnFrancais).join(', ')}).`,
      affectation(x.travailleurSocial),
      'Le bailleur est alerté et peut constater la rupture du protocole. Préparez avec le ménage une renégociation du plan (avenant) ou, si le maintien n’est plus possible, son orientation.',
    ],
  };
}

/** Le lien au bailleur après des manquements répétés : constater la rupture, ou maintenir le protocole. */
export function constaterLaRupture(x: { ref: string; manques: string[] }): Lien {
  const n = x.manques.length;
  return {
    objet: `Manquements répétés au protocole : ${n} mois impayés — constater la rupture ?`,
    apercu: [
      `Protocole de cohésion sociale du dossier ${x.ref} : ${n} mois de suite sans paiement (${x.manques.map(moisEnFrancais).join(', ')}).`,
      'J’approuve : vous constatez la rupture du protocole. Le parcours passe à l’orientation du ménage (hébergement, résidence sociale ou logement adapté) ; la CCAPEX et la préfecture en sont informées.',
      'Je refuse : vous maintenez le protocole ; l’association poursuit l’accompagnement renforcé et revient vers vous.',
    ],
  };
}

/** Un avenant signé, tel que les courriels l'annoncent (aux partenaires, à l'occupant). */
interface AvenantAnnonce {
  signeLe: string;
  prolongationMois: number;
  /** Le nouveau terme (le lendemain du dernier jour). */
  jusquau: Jour;
  plan: PlanApurement;
  indemniteOccupation: number;
}

/** Au bailleur, à la CCAPEX et à la préfecture : un avenant prolonge le protocole. */
export function avenant(x: AvenantAnnonce & { ref: string }): Courriel {
  // Son dernier jour, comme le journal et les courriels à l'occupant (le terme est le lendemain).
  const fin = dateEnFrancais(veilleDe(x.jusquau));
  return {
    sujet: `Avenant au protocole : prolongation jusqu’au ${fin} (dossier ${x.ref})`,
    paragraphes: [
      `Un avenant au protocole de cohésion sociale du dossier ${x.ref}, signé le ${dateEnFrancais(x.signeLe)}, prolonge le protocole de ${x.prolongationMois} mois, jusqu’au ${fin}, avec un plan d’apurement renégocié : dette de ${euros(x.plan.dette)}, ${euros(x.plan.mensualite)} par mois.`,
      `Indemnité d’occupation : ${euros(x.indemniteOccupation)} par mois. L’association poursuit l’intermédiation et l’accompagnement renforcé.`,
    ],
  };
}

/** À l'occupant qui accepte les courriels : l'avenant qu'il a signé, ses nouveaux engagements, et qui appeler. */
export function avenantAuMenage(x: AvenantAnnonce & { programme: OperateurAJoindre }): Courriel {
  return {
    sujet: 'Votre protocole de cohésion sociale est prolongé',
    paragraphes: [
      `L’avenant que vous avez signé le ${dateEnFrancais(x.signeLe)} prolonge votre protocole de ${x.prolongationMois} mois, jusqu’au ${dateEnFrancais(veilleDe(x.jusquau))} : tant que vous le respectez, l’expulsion reste suspendue et vous restez dans votre logement.`,
      `Chaque mois, vous payez l’indemnité d’occupation de ${euros(x.indemniteOccupation)} et ${euros(x.plan.mensualite)} pour rembourser votre dette (plan d’apurement renégocié).`,
      'Le résumé de votre protocole, à jour, est joint à ce courriel : gardez-le avec votre protocole.',
      phraseQuiAppeler(x.programme),
    ],
  };
}

/** Au bailleur : le bilan périodique (paiements, dette restante, accompagnement ; rien de confié). */
export function bilan(x: {
  ref: string;
  le: Jour;
  moisRegles: number;
  dureeTotaleMois: number;
  paiements: { payes: number; impayes: number; nonRenseignes: number; montantRecu: number; montantAttendu: number };
  detteRestante: number;
  accompagnement: { visite_domicile: number; rendez_vous: number; mediation_bailleur: number };
  terme: Jour;
}): Courriel {
  const pa = x.paiements;
  const a = x.accompagnement;
  return {
    sujet: `Bilan du protocole au ${dateEnFrancais(x.le)} (dossier ${x.ref})`,
    paragraphes: [
      `Bilan du protocole de cohésion sociale du dossier ${x.ref} après ${x.moisRegles} mois sur ${x.dureeTotaleMois} :`,
      `Paiements : ${pa.payes} mois payés, ${pa.impayes} manqués${pa.nonRenseignes ? `, ${pa.nonRenseignes} non renseignés` : ''} ; ${euros(pa.montantRecu)} reçus sur ${euros(pa.montantAttendu)} attendus.`,
      `Plan d’apurement : reste dû ${euros(x.detteRestante)}.`,
      `Intermédiation et accompagnement renforcé : ${nombre(a.visite_domicile, 'visite à domicile', 'visites à domicile')}, ${nombre(a.rendez_vous, 'rendez-vous', 'rendez-vous')}, ${nombre(a.mediation_bailleur, 'médiation avec vous', 'médiations avec vous')}.`,
      `Terme du protocole : ${dateEnFrancais(x.terme)}.`,
      'Ce que le ménage confie à l’association reste confidentiel : ce bilan n’en contient rien.',
    ],
  };
}

// ---- 5. Terme du protocole ----------------------------------------------------------------------

/** Au travailleur social : le terme arrive sans que le protocole soit entièrement respecté. */
export function termeARegulariserAuTravailleurSocial(x: { ref: string; terme: Jour; manquants: string[] }): Courriel {
  return {
    sujet: `Terme du protocole : paiements à régulariser (dossier ${x.ref})`,
    paragraphes: [
      `Le protocole du dossier ${x.ref} arrive à son terme le ${dateEnFrancais(x.terme)} sans être entièrement respecté : ${x.manquants.length} mois non payés ou non renseignés (${x.manquants.map(moisEnFrancais).join(', ')}).`,
      'Enregistrez les paiements régularisés, un avenant avec un plan d’apurement renégocié, ou, si le maintien n’est pas possible, l’orientation du ménage.',
    ],
  };
}

/** Au bailleur : le terme arrive, des mois restent à régulariser. */
export function termeARegulariserAuBailleur(x: { ref: string; programme: Prog; terme: Jour; manquants: string[] }): Courriel {
  return {
    sujet: `Terme du protocole : paiements à régulariser (dossier ${x.ref})`,
    paragraphes: [
      `Le protocole du dossier ${x.ref} arrive à son terme le ${dateEnFrancais(x.terme)} ; ${x.manquants.length} mois restent à régulariser (${x.manquants.map(moisEnFrancais).join(', ')}).`,
      `${x.programme.operateur.nom} revient vers vous : régularisation, avenant avec un plan d’apurement renégocié, ou orientation du ménage.`,
    ],
  };
}

// ---- 5a. Nouveau bail ---------------------------------------------------------------------------

/** Le protocole respecté : ce que disent tous les courriels du nouveau bail. */
export interface ProtocoleRespecte {
  ref: string;
  programme: Prog;
  terme: Jour;
  dureeTotaleMois: number;
  /** Délai légal du nouveau bail (durée ISO, 3 mois). */
  delai: string;
  avant: Jour;
  /** Le jour du courriel : un terme encore à venir (derniers mois payés d'avance) se dit au présent. */
  aujourdhui?: Jour;
}

const respecte = (x: ProtocoleRespecte) =>
  x.aujourdhui !== undefined && jourDeParis(x.terme) > jourDeParis(x.aujourdhui)
    ? `Le protocole de cohésion sociale du dossier ${x.ref} arrive à son terme le ${dateEnFrancais(x.terme)} et il est respecté : les ${x.dureeTotaleMois} mois d’indemnité d’occupation et de plan d’apurement sont payés.`
    : `Le protocole de cohésion sociale du dossier ${x.ref} est arrivé à son terme le ${dateEnFrancais(x.terme)} et a été respecté : ${x.dureeTotaleMois} mois d’indemnité d’occupation et de plan d’apurement payés.`;
const delaiLegal = (x: ProtocoleRespecte) =>
  `Le bailleur signe avec l’occupant un nouveau bail dans un délai de ${dureeEnFrancais(x.delai)} au plus (CCH, art. L353-15-2), soit avant le ${dateEnFrancais(x.avant)}.`;

export function nouveauBailASigner(x: ProtocoleRespecte): Courriel {
  return {
    sujet: `Protocole respecté : nouveau bail à signer avant le ${dateEnFrancais(x.avant)} (dossier ${x.ref})`,
    paragraphes: [respecte(x), delaiLegal(x), `Merci d’informer ${x.programme.operateur.nom} de la signature : l’occupant redeviendra locataire en titre.`],
  };
}

/** Au bailleur, avec le lien qui lui fait indiquer la signature du nouveau bail et ses dates. */
export function nouveauBailParLien(x: ProtocoleRespecte): Lien {
  return {
    objet: `Nouveau bail à signer avant le ${dateEnFrancais(x.avant)}`,
    apercu: [
      respecte(x),
      delaiLegal(x),
      'Dès la signature, indiquez sa date (et celle de sa prise d’effet) : l’occupant redevient locataire en titre et l’accompagnement se clôt.',
    ],
  };
}

/** À la CCAPEX et à la préfecture. */
export function nouveauBailAttendu(x: ProtocoleRespecte): Courriel {
  return { sujet: `Protocole respecté : nouveau bail attendu (dossier ${x.ref})`, paragraphes: [respecte(x), delaiLegal(x)] };
}

export function nouveauBailAEnregistrer(x: ProtocoleRespecte): Courriel {
  return {
    sujet: `Protocole respecté : nouveau bail à enregistrer (dossier ${x.ref})`,
    paragraphes: [respecte(x), delaiLegal(x), 'Enregistrez le nouveau bail dès qu’il est signé.'],
  };
}

export function rappelNouveauBail(x: ProtocoleRespecte): Courriel {
  return {
    sujet: `Rappel — nouveau bail à signer avant le ${dateEnFrancais(x.avant)} (dossier ${x.ref})`,
    paragraphes: [respecte(x), delaiLegal(x), 'Si le bail est déjà signé, merci de nous l’indiquer en répondant à ce courriel.'],
  };
}

/** À la coordination (escalade) : le délai légal est passé sans nouveau bail. */
export function nouveauBailNonSigne(x: ProtocoleRespecte & { rappels: number }): Courriel {
  return {
    sujet: `Nouveau bail non signé dans le délai de ${dureeEnFrancais(x.delai)} (dossier ${x.ref})`,
    paragraphes: [
      `${respecte(x)}`,
      `Le nouveau bail n’est pas signé au ${dateEnFrancais(x.avant)}, terme du délai légal de ${dureeEnFrancais(x.delai)}. Le bailleur a reçu ${x.rappels} rappel${x.rappels > 1 ? 's' : ''}.`,
      'Merci de reprendre contact avec le bailleur ; la CCAPEX peut être saisie.',
    ],
  };
}

/** Au bailleur : le délai légal est passé. */
export function delaiNouveauBailDepasse(x: ProtocoleRespecte): Courriel {
  return {
    sujet: `Délai dépassé : nouveau bail à signer (dossier ${x.ref})`,
    paragraphes: [
      respecte(x),
      `Le délai légal de ${dureeEnFrancais(x.delai)} pour signer le nouveau bail est passé depuis le ${dateEnFrancais(x.avant)}. La coordination du dispositif va reprendre contact avec vous.`,
    ],
  };
}

// ---- 5b. Rupture --------------------------------------------------------------------------------

export interface Rupture {
  ref: string;
  programme: Prog;
  decideeLe: string;
  signeLe: string;
  motif: string;
  /** L'instant de la rupture (pour la trêve hivernale). */
  le: Date;
}

const faitsDeRupture = (x: Rupture) => [
  `Le bailleur a décidé le ${dateEnFrancais(x.decideeLe)} la rupture du protocole de cohésion sociale du dossier ${x.ref}, signé le ${dateEnFrancais(x.signeLe)} (motif : ${x.motif}).`,
  phraseTreve(x.le, 'La rupture'),
];

/** À la CCAPEX, à la préfecture et au bailleur ; la CAF apprend seulement la fin du protocole. */
export function ruptureAuxPartenaires(x: Rupture, role: 'ccapex' | 'prefecture' | 'bailleur' | 'caf'): Courriel {
  return {
    sujet: `Rupture du protocole de cohésion sociale (dossier ${x.ref})`,
    paragraphes:
      role === 'caf'
        ? [`Le protocole de cohésion sociale du dossier ${x.ref} a pris fin le ${dateEnFrancais(x.decideeLe)} (rupture décidée par le bailleur).`]
        : [
            ...faitsDeRupture(x),
            `${x.programme.operateur.nom} poursuit l’accompagnement et oriente le ménage vers un hébergement, une résidence sociale ou un logement adapté : pas de sortie sèche.`,
          ],
  };
}

export function ruptureAuTravailleurSocial(x: Rupture): Courriel {
  return {
    sujet: `Rupture du protocole : orientation du ménage à enregistrer (dossier ${x.ref})`,
    paragraphes: [
      ...faitsDeRupture(x),
      'Enregistrez l’orientation du ménage (hébergement, résidence sociale ou logement adapté) avant de clôturer le parcours.',
    ],
  };
}

// ---- Clôture ------------------------------------------------------------------------------------

/** Le nouveau bail signé met fin au protocole : bailleur, CCAPEX, préfecture et CAF. */
export function nouveauBailSigne(
  x: { ref: string; programme: Prog; signeLe: string; dateEffet: string },
  role: 'bailleur' | 'ccapex' | 'prefecture' | 'caf',
): Courriel {
  const texte = `Le nouveau bail signé le ${dateEnFrancais(x.signeLe)}, à effet du ${dateEnFrancais(x.dateEffet)}, met fin au protocole de cohésion sociale du dossier ${x.ref} : l’occupant redevient locataire en titre.`;
  const suite = {
    bailleur: `Merci pour votre engagement tout au long du protocole. ${x.programme.operateur.nom} clôt son accompagnement.`,
    ccapex: 'La procédure d’expulsion n’a plus d’objet.',
    prefecture: 'La procédure d’expulsion n’a plus d’objet.',
    caf: 'L’aide au logement est due au titre de ce nouveau bail.',
  }[role];
  return { sujet: `Nouveau bail signé : fin du protocole (dossier ${x.ref})`, paragraphes: [texte, suite] };
}

/**
 * L'accompagnement est clôturé sans nouveau bail : l'issue à tous ; l'orientation (libellé) à la
 * CCAPEX et à la préfecture ; la trêve hivernale si le protocole signé prend fin sans rupture.
 */
export function finDAccompagnement(
  x: { ref: string; programme: Prog; issue: string; orientation?: string; finDuProtocole?: Date },
  role: 'bailleur' | 'ccapex' | 'prefecture',
): Courriel {
  return {
    sujet: `Fin de l’accompagnement : ${x.issue} (dossier ${x.ref})`,
    paragraphes: [
      `L’accompagnement du ménage du dossier ${x.ref} (${x.programme.nom}) est clôturé : ${x.issue.toLowerCase()}.`,
      // L'orientation est dite à la CCAPEX et à la préfecture ; le bailleur connaît l'issue.
      ...(x.orientation && role !== 'bailleur' ? [`Le ménage est orienté vers : ${x.orientation}.`] : []),
      ...(x.finDuProtocole ? [phraseTreve(x.finDuProtocole, 'La fin du protocole')] : []),
    ],
  };
}
