/**
 * Les outils des essais du protocole post-résiliation (reims-april-protocole), partagés par
 * test/protocole.test.ts et test/protocole-cinq-ans.test.ts : lancer un parcours, le signer, avancer
 * son horloge jusqu'au lien du mois, répondre comme le bailleur. Le banc du fichier de test est
 * donné par `bancDuProtocole` (dans son beforeAll).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { expect, vi } from 'vitest';
import type { CourrielRecu } from '../../dev/mail-catcher';
import { ajouterDuree, auxHeuresOuvrees, depuisHeureDeParis, heureDeParis, jourDeParis, minuitDeParis, retirerDuree } from '../../domain/durees';
import { etatQuery, repondreValidationUpdate } from '../../domain/messages';
import { signatureProtocoleUpdate, type SignatureProtocole } from '../../domain/protocole';
import type { EtatParcours, Menage } from '../../domain/vocabulaire';
import { deMois, treveHivernale, type EntreeExecutionProtocole } from '../../workflows/protocole-post-resiliation';
import { prochaineVerificationDuPaiement } from '../../courriers/protocole';
import { RegistreDossiers } from '../../dossiers/registre';
import { baseEssai } from './base';
import { CATALOGUE, COFFRE, apres, avancerJusqua, heureDuParcours, jusqua, menageEssai, requete, type Banc } from './environnement';

let banc: Banc;
/** Le banc du fichier de test en cours (appelé dans son beforeAll). */
export function bancDuProtocole(b: Banc): void {
  banc = b;
}

export const PROGRAMME = CATALOGUE.trouver('reims-april-protocole')!;
export const DELAIS = PROGRAMME.delais;
export const BAILLEUR = PROGRAMME.partenaires.bailleur!.courriel;
export const CCAPEX = PROGRAMME.partenaires.ccapex!.courriel;
export const PREFECTURE = PROGRAMME.partenaires.prefecture!.courriel;
export const CAF = PROGRAMME.partenaires.caf!.courriel;
export const COORDINATION = 'coordination@essai.example';
export const TS = 'alice@essai.example';
/** Ce qui désigne le ménage et ce qu'il a confié : jamais dans un courriel ni une page du bailleur. */
export const SECRETS = [
  'Lefébure',
  'Josiane',
  'Tilleuls',
  '06 12 34 56 78',
  'josiane.lefebure',
  'dépression',
  'séparation',
  'Foyer Saint-Jean',
  'dette de jeu',
];
export const LIEN = /http:\/\/localhost:3999\/liens\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

export const jourDe = jourDeParis;
/** Aujourd'hui pour le parcours (AAAA-MM-JJ à Paris, comme il le lit) : les dates des messages. */
export const aujourdhui = async (handle: WorkflowHandle) => jourDe(await heureDuParcours(handle));
/** Le début d'un protocole (AAAA-MM-JJ), comme le parcours le lit : minuit à Paris ce jour-là. */
export const jour = minuitDeParis;
/** Le jour `n` mois après `j` (AAAA-MM-JJ), au calendrier : le 31 janvier + 1 mois = fin février. */
export function moisApres(j: string, n: number): string {
  const d = new Date(Date.UTC(Number(j.slice(0, 4)), Number(j.slice(5, 7)) - 1 + n, 1));
  const dernier = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(Number(j.slice(8, 10)), dernier));
  return d.toISOString().slice(0, 10);
}
/**
 * Quand le parcours demande au bailleur le paiement du mois k (0 pour le premier) : le délai
 * `paiement` du programme après le début de ce mois (son minuteur).
 */
/** Quand part le lien du mois `k` au bailleur : `paiement` après le début du mois, à 9 h (le jour ouvré suivant s'il est chômé). */
export const verificationDuMois = (debut: string, k: number) => auxHeuresOuvrees(ajouterDuree(ajouterDuree(jour(debut), `P${k}M`), DELAIS.paiement!));
/** La prochaine vérification que la page annonce pour le mois `k` d'un protocole commencé le jour `debut`. */
export const verificationAnnoncee = (debut: string, k: number) =>
  prochaineVerificationDuPaiement(moisApres(debut, k).slice(0, 7), verificationDuMois(debut, k));
/** La prochaine vérification annoncée au dossier en base (ce que lisent l'API et les pages quand le parcours ne répond pas). */
export async function verificationConsignee(workflowId: string): Promise<unknown> {
  return (await new RegistreDossiers((await baseEssai()).db, COFFRE).lire(workflowId, { confidentiel: false }))?.details.prochaineVerification;
}
/** Le prochain 1er novembre à 10 h, heure de Paris, après `date` : le premier jour de la trêve hivernale suivante. */
export function premierJourDeTreve(date: Date): Date {
  const t = treveHivernale(date);
  const annee = Number(t.enCours ? t.jusquau.slice(0, 4) : t.prochaine.slice(0, 4));
  return new Date(depuisHeureDeParis(Date.UTC(annee, 10, 1, 10)));
}

export async function lancer(o: { reference?: string; moisParExecution?: number; menage?: Partial<Menage>; delais?: Record<string, string> } = {}) {
  const menage = { ...menageEssai(o.reference), ...o.menage };
  const entree: EntreeExecutionProtocole = {
    programme: o.delais ? { ...PROGRAMME, delais: { ...DELAIS, ...o.delais } } : PROGRAMME,
    menage,
    coordinateur: 'coord.essai',
    travailleurSocial: 'ts.alice',
    // Le parcours n'existe pas encore : son horloge partira de l'heure réelle.
    resiliation: { jugementDu: jourDe(retirerDuree(new Date(), 'P40D')), juridiction: 'Tribunal judiciaire de Reims', detteLocative: 2400 },
    ...(o.moisParExecution ? { moisParExecution: o.moisParExecution } : {}),
  };
  const handle = await banc.env.client.workflow.start('protocolePostResiliation', {
    taskQueue: banc.taskQueue,
    workflowId: `reims-april-protocole--${menage.reference}`,
    args: [entree],
  });
  return { handle, ref: menage.reference };
}

export const etape = (handle: WorkflowHandle, nom: string) => jusqua(handle, (e) => e.etape === nom, `étape « ${nom} »`);
export const moisRegles = (e: EtatParcours) => (e.details.paiements as { moisRegles: number }).moisRegles;
export const msg = <T extends object>(x: T, par = 'ts.alice') => ({ requestId: requete(), par, ...x });
export const refus = (p: Promise<unknown>) =>
  p.then(
    () => 'accepté',
    (e) => String(e?.cause?.message ?? e?.message),
  );
export const dossier = (ref: string) => (m: CourrielRecu) => m.sujet.includes(`(dossier ${ref})`);
export const courrielsA = (adresse: string, ref: string) => banc.courriels.messages().filter((m) => m.a.includes(adresse) && dossier(ref)(m));
export const attendreCourriel = (adresse: string, ref: string, debutSujet: string) =>
  banc.courriels.waitFor((m) => m.a.includes(adresse) && dossier(ref)(m) && m.sujet.startsWith(debutSujet), { timeoutMs: 20_000 });
export function sansSecret(courriels: Array<{ sujet?: string; texte: string; html?: string | null }>) {
  for (const m of courriels)
    for (const s of SECRETS) {
      expect(m.texte, m.sujet).not.toContain(s);
      expect(m.html ?? '', m.sujet).not.toContain(s);
    }
}

/** Un protocole signé et commencé le jour `le` : 6 mois, 420 € d'indemnité, 2 400 € de dette à 100 € par mois. */
export const signatureDu = (le: string, x: Partial<SignatureProtocole> = {}) => ({
  signeLe: le,
  debut: le,
  dureeMois: 6,
  indemniteOccupation: 420,
  planApurement: { dette: 2400, mensualite: 100 },
  signataires: { bailleur: true, occupant: true },
  ...x,
});

export async function signer(handle: WorkflowHandle, x: Partial<SignatureProtocole> = {}) {
  return handle.executeUpdate(signatureProtocoleUpdate, { args: [msg(signatureDu(await aujourdhui(handle), x))] });
}

/**
 * Avance le parcours jusqu'à la demande de paiement du mois suivant au bailleur ; renvoie cette
 * demande, le mois (AAAA-MM : le k-ième mois du calendrier depuis le début du protocole) et k.
 */
export async function jusquauLienDuMois(handle: WorkflowHandle) {
  const avant = await handle.query(etatQuery);
  const debut = (avant.details.protocole as { debut: string }).debut;
  const k = moisRegles(avant);
  await avancerJusqua(banc, handle, apres(verificationDuMois(debut, k)));
  const mois = moisApres(debut, k).slice(0, 7);
  const demandee = (d: EtatParcours['demandes'][number]) => d.statut === 'en_attente' && d.objet.startsWith(`Paiement ${deMois(mois)}`);
  const etat = await jusqua(handle, (e) => e.demandes.some(demandee), `demande de paiement ${deMois(mois)} (${k + 1}e mois du protocole)`);
  const demande = etat.demandes.find(demandee)!;
  // Le lien parti, la demande en cours le dit : plus de « prochaine vérification » annoncée pour ce mois.
  expect(etat.details.prochaineVerification).toBeUndefined();
  // Le lien part à 9 h (un jour ouvré), jamais la nuit.
  expect(heureDeParis(demande.envoyeeLe).getUTCHours()).toBe(9);
  expect(Date.parse(demande.envoyeeLe)).toBeGreaterThanOrEqual(verificationDuMois(debut, k).getTime());
  return { demande, mois, k };
}

export async function repondre(handle: WorkflowHandle, demandeId: string, decision: 'approuve' | 'refuse', commentaire?: string, requestId = requete()) {
  return handle.executeUpdate(repondreValidationUpdate, {
    args: [{ requestId, par: 'partenaire:bailleur', demandeId, role: 'bailleur', decision, commentaire }],
  });
}

/** Attend la nouvelle exécution du parcours (continue-as-new) après `avant` ; renvoie son identifiant. */
export async function reprise(handle: WorkflowHandle, avant: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const { runId } = await handle.describe();
      if (runId === avant) throw new Error(`${handle.workflowId} : aucune nouvelle exécution (continue-as-new) après ${avant}`);
      return runId;
    },
    { timeout: 30_000, interval: 30 },
  );
}

/** Un mois du protocole : le lien arrive, le bailleur répond par la mise à jour, le mois est réglé. */
export async function moisPaye(handle: WorkflowHandle, decision: 'approuve' | 'refuse' = 'approuve', commentaire?: string, o: { reprise?: boolean } = {}) {
  const { demande, k } = await jusquauLienDuMois(handle);
  const avant = (await handle.describe()).runId;
  await repondre(handle, demande.id, decision, commentaire);
  if (o.reprise) await reprise(handle, avant);
  return jusqua(handle, (e) => moisRegles(e) === k + 1, `${k + 1} mois réglés`);
}
