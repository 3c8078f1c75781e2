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
