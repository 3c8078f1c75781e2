/** La mise en page commune des courriels : texte brut et HTML, en français, polie et sobre. */
export interface ContenuCourriel {
  sujet: string;
  paragraphes: string[];
  /** Un lien signé (personnel au destinataire), ou le dossier dans la plateforme (`connexion` : il faut se connecter). */
  lien?: { libelle: string; url: string; connexion?: boolean };
  signature: string;
  /** Intitulés des documents joints (PDF), annoncés dans le corps du courriel. */
  piecesJointes?: string[];
}

export function echapperHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function annoncePiecesJointes(c: ContenuCourriel): string | undefined {
  const p = c.piecesJointes ?? [];
  if (!p.length) return undefined;
  return p.length === 1 ? `Document joint (PDF) : ${p[0]}.` : `Documents joints (PDF) : ${p.join(' ; ')}.`;
}

function piedDePage(c: ContenuCourriel): string {
  if (c.lien?.connexion) return 'Message envoyé par la plateforme de prévention des expulsions. Le lien ouvre le dossier dans la plateforme, après connexion.';
  return c.lien
    ? 'Message envoyé par la plateforme de prévention des expulsions. Merci de ne pas transférer ce courriel : le lien qu’il contient vous est personnel.'
    : 'Message envoyé par la plateforme de prévention des expulsions.';
}

export function rendreCourriel(c: ContenuCourriel): { texte: string; html: string } {
  const texte = [
    'Bonjour,',
    '',
    ...c.paragraphes.flatMap((p) => [p, '']),
    ...(annoncePiecesJointes(c) ? [annoncePiecesJointes(c)!, ''] : []),
    ...(c.lien ? [`${c.lien.libelle} : ${c.lien.url}`, ''] : []),
    'Cordialement,',
    c.signature,
    '',
    '—',
    piedDePage(c),
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${echapperHtml(c.sujet)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1e1e1e;line-height:1.5;max-width:640px">
<p>Bonjour,</p>
${c.paragraphes.map((p) => `<p>${echapperHtml(p)}</p>`).join('\n')}
${annoncePiecesJointes(c) ? `<p><em>${echapperHtml(annoncePiecesJointes(c)!)}</em></p>` : ''}
${c.lien ? `<p><a href="${echapperHtml(c.lien.url)}" style="display:inline-block;background:#000091;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px">${echapperHtml(c.lien.libelle)}</a></p>` : ''}
<p>Cordialement,<br>${echapperHtml(c.signature)}</p>
<hr><p style="font-size:12px;color:#555">${echapperHtml(piedDePage(c))}</p>
</body></html>`;
  return { texte, html };
}
