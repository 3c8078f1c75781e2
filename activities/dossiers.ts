/**
 * L'activité qui consigne le dossier d'un ménage (dossiers/registre.ts) : état, journal, fiche
 * d'indicateurs, en une transaction. Appelée par le socle des parcours quand l'état change ;
 * rejouée après une panne, elle est sans effet si une version plus récente est déjà consignée.
 */
import { consignationDossierSchema, type ConsignationDossier } from '../dossiers/schema';
import { RegistreDossiers } from '../dossiers/registre';
import type { BaseDeDonnees } from '../base';
import type { Coffre } from '../securite/coffre';
import { parserEntree } from './entree';

export interface DependancesDossiers {
  base: BaseDeDonnees;
  /** Le chiffrement au repos (trousseau des payloads). */
  coffre: Coffre;
}

export function createDossiersActivities(deps: DependancesDossiers) {
  const registre = new RegistreDossiers(deps.base, deps.coffre);
  return {
    async consignerDossier(entree: ConsignationDossier): Promise<{ resultat: 'ecrit' | 'ignore' }> {
      const c = parserEntree(consignationDossierSchema, entree, 'consignerDossier') as unknown as ConsignationDossier;
      return { resultat: await registre.consigner(c) };
    },
  };
}
