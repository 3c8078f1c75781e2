/**
 * Comptes de démonstration : seulement sur l'installation embarquée (DEMO_ACCOUNTS=true, posé par
 * `npm start`). Le README les liste. Jamais en production. Des noms de personnes, sans leur rôle :
 * l'en-tête le dit à côté (« Sophie Martin (travail social) »).
 */
import { hashPassword } from '../securite/mots-de-passe';
import type { Personne } from './annuaire';

export const COMPTES_DEMO = [
  { id: 'admin', nom: 'Anne Moreau', role: 'admin', programmes: [], motDePasse: 'admin-demo' },
  { id: 'coord.loiret', nom: 'Claire Lefèvre', role: 'coordinateur', programmes: ['loiret-ahu'], motDePasse: 'coord-demo' },
  { id: 'coord.besancon', nom: 'Bruno Girard', role: 'coordinateur', programmes: ['besancon-ccas'], motDePasse: 'coord-demo' },
  {
    id: 'coord.reims',
    nom: 'Rachida Benali',
    role: 'coordinateur',
    programmes: ['reims-april', 'reims-april-protocole'],
    motDePasse: 'coord-demo',
  },
  { id: 'coord.toulouse', nom: 'Thomas Roux', role: 'coordinateur', programmes: ['toulouse-declic'], motDePasse: 'coord-demo' },
  { id: 'coord.concarneau', nom: 'Corinne Le Gall', role: 'coordinateur', programmes: ['concarneau-iml'], motDePasse: 'coord-demo' },
  {
    id: 'ts.martin',
    nom: 'Sophie Martin',
    role: 'travailleur_social',
    programmes: ['loiret-ahu', 'besancon-ccas', 'toulouse-declic'],
    motDePasse: 'ts-demo',
  },
  {
    id: 'ts.durand',
    nom: 'Karim Durand',
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
