/**
 * L'assemblage des dépendances partagées par le worker et l'API, à partir de la configuration :
 * catalogue des programmes, annuaire du personnel, signeur de liens, chiffrement des payloads,
 * transport SMTP.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { chargerCatalogue, type Catalogue } from '../programmes/catalogue';
import { chargerAnnuaireFichier, creerAnnuaire, type Annuaire } from '../personnel/annuaire';
import { comptesDemo } from '../personnel/demo';
import { parseKeyRing } from '../securite/cles';
import { Coffre } from '../securite/coffre';
import { createDataConverter, type DataConverterChiffre } from '../securite/codec';
import { createSigneurDeLiens, type SigneurDeLiens } from '../securite/liens';
import { ErreurConfiguration, type Config } from './env';
import type { Logger } from 'pino';
import { migrer, ouvrirBase, type BaseDeDonnees } from '../base';
import { importerPartenaires, importerPersonnel } from '../personnel/annuaire-base';
import { CatalogueEnBase } from '../programmes/versions';
import { CHEMIN_CONVERTISSEUR_ECHECS } from '../securite/convertisseur-echecs-chemin';

export interface Services {
  catalogue: Catalogue;
  annuaire: Annuaire;
  signeur: SigneurDeLiens;
  dataConverter: DataConverterChiffre;
  transport: Transporter;
  /** Le chiffrement au repos du système d'enregistrement (même trousseau que les payloads). */
  coffre: Coffre;
}

export async function assembler(config: Config): Promise<Services> {
  let anneauLiens, anneauChiffrement;
  try {
    anneauLiens = parseKeyRing(config.LINK_SIGNING_KEYS, { name: 'LINK_SIGNING_KEYS', kind: 'hmac' });
    anneauChiffrement = parseKeyRing(config.PAYLOAD_ENCRYPTION_KEYS, { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' });
  } catch (e) {
    throw new ErreurConfiguration(`Configuration invalide :\n- ${(e as Error).message}`);
  }
  const catalogue = chargerCatalogue(config.PROGRAMMES_DIR);
  let annuaire: Annuaire;
  if (config.STAFF_ACCOUNTS_FILE) annuaire = chargerAnnuaireFichier(config.STAFF_ACCOUNTS_FILE);
  else if (config.DEMO_ACCOUNTS) annuaire = creerAnnuaire(await comptesDemo());
  else throw new ErreurConfiguration('Configuration invalide :\n- STAFF_ACCOUNTS_FILE : obligatoire hors installation de démonstration (DEMO_ACCOUNTS=true)');
  return {
    catalogue,
    annuaire,
    signeur: createSigneurDeLiens(anneauLiens),
    dataConverter: createDataConverter(anneauChiffrement, { failureConverterPath: CHEMIN_CONVERTISSEUR_ECHECS }),
    transport: nodemailer.createTransport(config.SMTP_URL),
    coffre: new Coffre(anneauChiffrement),
  };
}

/**
 * Le système d'enregistrement au démarrage d'un processus (API ou worker) : la base ouverte et migrée,
 * les comptes et les partenaires des presets qui manquent à ses annuaires, et les réglages des
 * programmes lus en base (les fichiers y entrent, la base l'emporte : versions changées dans les pages).
 * `usage` dit à quoi sert la base dans ce processus, si DATABASE_URL manque.
 */
export async function ouvrirEnregistrement(
  config: Config,
  services: Services,
  journal: Logger,
  usage: string,
): Promise<{ base: BaseDeDonnees; catalogue: CatalogueEnBase; databaseUrl: string }> {
  if (!config.DATABASE_URL) throw new ErreurConfiguration(`Configuration invalide :\n- DATABASE_URL : variable obligatoire (${usage})`);
  const base = ouvrirBase(config.DATABASE_URL, { surErreur: (e) => journal.warn({ err: e }, 'connexion à la base perdue') });
  await migrer(base);
  await importerPersonnel(base, services.annuaire.tous());
  await importerPartenaires(base, services.catalogue.tous());
  const catalogue = await CatalogueEnBase.ouvrir(base, services.catalogue, {
    surErreur: (e) => journal.warn({ err: e }, 'réglages des programmes non relus'),
  });
  return { base, catalogue, databaseUrl: config.DATABASE_URL };
}
