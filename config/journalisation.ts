/**
 * Journaux techniques (pino). Les données personnelles des ménages n'y vont jamais : les champs
 * personnels connus sont masqués, où qu'ils soient dans l'objet journalisé.
 */
import { pino, type Logger } from 'pino';

export const CHAMPS_MASQUES = [
  'nom',
  'courriel',
  'email',
  'telephone',
  'adresse',
  'menage',
  'motDePasse',
  'password',
  'commentaire',
  // Textes libres et situation d'un ménage (motif d'une clôture ou d'une révision, ce que l'équipe
  // a repéré, impayés et dette) : jamais dans un journal technique, même par erreur.
  'motif',
  'observation',
  'situation',
  'notes',
  'diagnostic',
  'token',
  'authorization',
  'cookie',
];

export function creerJournal(niveau: string, nom: string): Logger {
  return pino({
    name: nom,
    level: niveau,
    redact: {
      paths: [
        ...CHAMPS_MASQUES,
        ...CHAMPS_MASQUES.map((c) => `*.${c}`),
        ...CHAMPS_MASQUES.map((c) => `*.*.${c}`),
        ...CHAMPS_MASQUES.map((c) => `*.*.*.${c}`),
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[masqué]',
    },
  });
}
