/**
 * Le moteur local des bancs, de la simulation d'une année et des essais : le CLI Temporal du projet
 * et les réglages de son serveur de développement, des clés fixes propres à ces moteurs à part (jamais
 * celles d'une installation), le catalogue des programmes, le paquet des workflows et l'inscription
 * du personnel et des partenaires dans une base neuve. Les essais le reprennent
 * (test/outils/environnement.ts) ; la simulation, lancée aussi depuis la page d'administration, n'a
 * ainsi rien à charger des essais.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { BaseDeDonnees } from '../base';
import type { Personne } from '../personnel/annuaire';
import { importerPartenaires } from '../personnel/annuaire-base';
import { chargerCatalogue } from '../programmes/catalogue';
import { generateKeyRingValue, parseKeyRing } from '../securite/cles';
import { createDataConverter } from '../securite/codec';
import { Coffre } from '../securite/coffre';
import { CHEMIN_CONVERTISSEUR_ECHECS } from '../securite/convertisseur-echecs-chemin';
import { createSigneurDeLiens } from '../securite/liens';

const racine = fileURLToPath(new URL('..', import.meta.url));
export const CHEMIN_CLI = process.env.TEMPORAL_CLI_PATH ?? `${racine}.temporal/bin/temporal`;

export function verifierBinaire(chemin: string): void {
  if (!existsSync(chemin))
    throw new Error(`Binaire Temporal absent : ${chemin}. Lancez « npm test » (il installe les binaires) ou scripts/install-temporal.sh.`);
}

/**
 * Réglages du serveur de développement des moteurs locaux :
 * - le saut de temps par workflow (`frontend.WorkflowTimeSkippingEnabled`, fonction expérimentale
 *   du serveur 1.32) : un essai avance l'horloge d'un seul parcours ;
 * - `history.timerProcessorMaxTimeShift` à 10 ms au lieu d'une seconde : chaque minuteur sauté
 *   se déclenche aussitôt (mesuré ici : environ 1 s par minuteur sauté sinon).
 */
export const REGLAGES_SERVEUR_ESSAI = [
  '--dynamic-config-value',
  'frontend.WorkflowTimeSkippingEnabled=true',
  '--dynamic-config-value',
  'history.timerProcessorMaxTimeShift="10ms"',
  // Une nouvelle exécution (continue-as-new) démarre aussitôt, sans la seconde d'attente par défaut.
  '--dynamic-config-value',
  'history.workflowIdReuseMinimalInterval="0s"',
];

/** Clé fixe, propre aux moteurs locaux : les historiques enregistrés pour le rejeu sont chiffrés avec elle. */
export const TEXTE_CLES_CHIFFREMENT = `essai1:${Buffer.alloc(32, 7).toString('base64')}`;
export const CLES_CHIFFREMENT = parseKeyRing(TEXTE_CLES_CHIFFREMENT, { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' });
export const CLES_LIENS = parseKeyRing(generateKeyRingValue('hmac', 'essai1'), { name: 'LINK_SIGNING_KEYS', kind: 'hmac' });
export const DATA_CONVERTER = createDataConverter(CLES_CHIFFREMENT, { failureConverterPath: CHEMIN_CONVERTISSEUR_ECHECS });
export const SIGNEUR = createSigneurDeLiens(CLES_LIENS);
export const COFFRE = new Coffre(CLES_CHIFFREMENT);
export const CATALOGUE = chargerCatalogue();

const CHEMIN_WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
let paquet: Promise<WorkflowBundleWithSourceMap> | undefined;
/**
 * Le paquet des workflows : celui que la suite d'essais a déjà construit quand elle lance ce
 * processus (`PAQUET_WORKFLOWS_ESSAI`, la simulation de la page d'administration), sinon construit ici,
 * une fois par processus.
 */
export function paquetWorkflowsLocal(): Promise<WorkflowBundleWithSourceMap> {
  const chemin = process.env.PAQUET_WORKFLOWS_ESSAI;
  paquet ??= chemin
    ? readFile(chemin, 'utf8').then((texte) => JSON.parse(texte) as WorkflowBundleWithSourceMap)
    : bundleWorkflowCode({
        workflowsPath: CHEMIN_WORKFLOWS,
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
      });
  return paquet;
}

/** Le personnel donné et les partenaires des programmes du catalogue, dans une base neuve (ou déjà inscrits : mis à jour). */
export async function inscrirePersonnel(db: BaseDeDonnees, personnes: Personne[]): Promise<void> {
  await db
    .insertInto('personnels')
    .values(
      personnes.map((p) => ({
        id: p.id,
        nom: p.nom,
        courriel: p.courriel,
        role: p.role,
        programmes: p.programmes,
        mot_de_passe: p.motDePasse || 'scrypt$essai',
      })),
    )
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        nom: eb.ref('excluded.nom'),
        courriel: eb.ref('excluded.courriel'),
        role: eb.ref('excluded.role'),
        programmes: eb.ref('excluded.programmes'),
      })),
    )
    .execute();
  await importerPartenaires(db, CATALOGUE.tous());
}
