/** Un certificat auto-signé pour les essais (HTTPS du fournisseur OpenID Connect, STARTTLS du récepteur des avis). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Un certificat auto-signé pour 127.0.0.1, tiré par openssl pour l'essai. */
export function certificatEssai(): { cle: string; certificat: string } {
  const dossier = mkdtempSync(join(tmpdir(), 'certificat-essai-'));
  try {
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dossier, 'cle.pem'),
        '-out',
        join(dossier, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl : certificat d'essai impossible (${r.error?.message ?? r.stderr})`);
    return { cle: readFileSync(join(dossier, 'cle.pem'), 'utf8'), certificat: readFileSync(join(dossier, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dossier, { recursive: true, force: true });
  }
}
