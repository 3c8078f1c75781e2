/** Messages d'erreur de zod en français, pour tout le processus (importé par config/env.ts). */
import { z } from 'zod';

z.config(z.locales.fr());
