/**
 * Comptes de démonstration : seulement sur l'installation embarquée (DEMO_ACCOUNTS=true, posé par
 * `npm start`). Le README les liste. Jamais en production.
 */
import { hashPassword } from '../securite/mots-de-passe';
import type { Personne } from './annuaire';

export const COMPTES_DEMO = [
  { id: 'admin', nom: 'Administratrice démo', role: 'admin', programmes: [], motDePasse: 'admin-demo' },
  { id: 'coord.loiret', nom: 'Claire Coordination (AHU)', role: 'coordinateur', programmes: ['loiret-ahu'], motDePasse: 'coord-demo' },
  { id: 'coord.besancon', nom: 'Bruno Coordination (CCAS Besançon)', role: 'coordinateur', programmes: ['besancon-ccas'], motDePasse: 'coord-demo' },
  {
    id: 'coord.reims',
    nom: 'Rachida Coordination (APRIL)',
    role: 'coordinateur',
    programmes: ['reims-april', 'reims-april-protocole'],
    motDePasse: 'coord-demo',
  },
  { id: 'coord.toulouse', nom: 'Thomas Coordination (DÉCLIC)', role: 'coordinateur', programmes: ['toulouse-declic'], motDePasse: 'coord-demo' },
  { id: 'coord.concarneau', nom: 'Corinne Coordination (CCAS Concarneau)', role: 'coordinateur', programmes: ['concarneau-iml'], motDePasse: 'coord-demo' },
  {
    id: 'ts.martin',
    nom: 'Sophie Martin, travailleuse sociale',
    role: 'travailleur_social',
    programmes: ['loiret-ahu', 'besancon-ccas', 'toulouse-declic'],
    motDePasse: 'ts-demo',
  },
  {
    id: 'ts.durand',
    nom: 'Karim Durand, travailleur social',
    role: 'travailleur_social',
    programmes: ['loiret-ahu', 'reims-april', 'reims-april-protocole', 'concarneau-iml'],
    motDePasse: 'ts-demo',
  },
] as const;

export async function comptesDemo(domaine = 'demo.prevention-expulsions.local'): Promise<Personne[]> {
  return Promise.all(
    COMPTES_DEMO.map(async (c) => ({
      id: c.id,
      nom: c.nom,
      courriel: `${c.id}@${domaine}`,
      role: c.role,
      programmes: [...c.programmes],
      motDePasse: await hashPassword(c.motDePasse),
    })),
  );
}
