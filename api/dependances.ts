/** Les dépendances de l'API (injectées par serveur/main.ts, le lanceur de dev ou les tests). */
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Catalogue } from '../programmes/catalogue';
import type { Annuaire } from '../personnel/annuaire';
import type { SigneurDeLiens } from '../securite/liens';
import type { RegistreParcours } from './registre';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import type { ConfigOidc } from './oidc';
import type { LanceurSimulations } from '../simulations/lanceur';

export interface OptionsApi {
  /** URL publique de l'API (liens, document OpenAPI, cookie `Secure` si https). */
  publicBaseUrl: string;
  /** Durée de vie d'une session (ISO 8601, ex. PT8H). */
  sessionTtl: string;
  /** Documents envoyés au plus au ménage d'un même dossier sur 24 heures (ENVOIS_MENAGE_PAR_JOUR, 5 par défaut). */
  envoisAuMenageParJour?: number;
  /** Interface Temporal (liens dans /docs et la page d'accueil). */
  temporalUiUrl?: string;
  /** Boîte de réception du mail catcher (installation de démonstration). */
  mailInboxUrl?: string;
  /** Origine autorisée (CORS avec cookies) pour le serveur de codec : celle de l'interface Temporal. */
  codecCorsOrigin?: string;
  /** La connexion par OpenID Connect (OIDC_*, api/oidc.ts) ; absente : mots de passe locaux seulement. */
  oidc?: ConfigOidc;
}

export interface DependancesApi {
  /** Le système d'enregistrement (PostgreSQL, migré) : sessions, limite des connexions… */
  base: BaseDeDonnees;
  /** Le chiffrement au repos des dossiers (trousseau des payloads). */
  coffre: Coffre;
  /** Client Temporal déjà construit avec le data converter chiffré. */
  client: Client;
  taskQueue: string;
  catalogue: Catalogue;
  annuaire: Annuaire;
  signeur: SigneurDeLiens;
  registre: RegistreParcours;
  /** Transport nodemailer : `verify()` pour /health, `sendMail()` pour les courriels de l'API (api/courrier.ts). */
  transport: Pick<Transporter, 'verify' | 'sendMail'>;
  /** L'expéditeur des courriels (MAIL_FROM). */
  expediteur?: string;
  /** L'adresse des avis de non-remise (RETOURS_COURRIEL) : les courriels de l'API partent avec leur adresse de retour. */
  retours?: string;
  /**
   * Le codec du data converter du client (chiffrement des payloads), pour /codec/*.
   * Par défaut : les `payloadCodecs` du data converter du client, appliqués en chaîne.
   */
  codec?: PayloadCodec;
  options: OptionsApi;
  journal: Logger;
  /** Horloge (sessions, expiration des liens) ; `() => new Date()` par défaut. */
  maintenant?: () => Date;
  /**
   * Le lancement des simulations d'une année (page d'administration « Simuler l'année d'un
   * programme », simulations/lanceur.ts) ; absent : la page dit que la simulation n'est pas
   * disponible sur ce serveur.
   */
  simulations?: LanceurSimulations;
}
