/**
 * Le journal d'un parcours (la « timeline ») : chaque étape, message, courriel et décision,
 * avec sa date et son auteur. `equipe` = réservé à l'équipe sociale (jamais montré au bailleur).
 */
import type { Acteur, EvenementJournal, Visibilite } from '../../domain/vocabulaire';

export const SYSTEME: Acteur = { type: 'systeme' };

export class Journal {
  readonly evenements: EvenementJournal[];
  /** Le message en cours d'application (son requestId) : ses événements le portent. */
  requete: string | undefined;

  constructor(evenements: EvenementJournal[] = []) {
    this.evenements = evenements;
  }

  noter(type: string, resume: string, options: { acteur?: Acteur; visibilite?: Visibilite } = {}): EvenementJournal {
    const e: EvenementJournal = {
      seq: this.evenements.length + 1,
      date: new Date().toISOString(),
      type,
      acteur: options.acteur ?? SYSTEME,
      resume,
      visibilite: options.visibilite ?? 'partenaires',
      ...(this.requete ? { requete: this.requete } : {}),
    };
    this.evenements.push(e);
    return e;
  }
}
