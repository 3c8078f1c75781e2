import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { startMailCatcher } from '../dev/mail-catcher';
import type { CourrielRecu, MailCatcher } from '../dev/mail-catcher';
import { analyserMime, extraireAdresses } from '../dev/mime';

const LIGNE_LONGUE =
  'Madame, Monsieur, votre dossier de prévention des expulsions locatives a été transmis à la commission ' +
  'départementale de coordination des actions de prévention des expulsions (CCAPEX) — échéance fixée au ' +
  '15 décembre, pensez à apporter vos justificatifs : quittances, avis d’imposition, notification CAF. ' +
  'é'.repeat(40) +
  ' fin.';
const SUJET = 'Rendez-vous de prévention : échéance à côté du « délai » — ça évolue, où êtes-vous ? Ünïcödé çà et là';

describe('mail-catcher (SMTP réel + boîte web)', () => {
  let catcher: MailCatcher;

  const transport = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, ignoreTLS: true });

  beforeAll(async () => {
    catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0, quiet: true });
  });

  afterAll(async () => {
    await catcher?.close();
  });

  beforeEach(() => {
    catcher.clear();
  });

  it('écoute sur de vrais ports choisis par le système', () => {
    expect(catcher.smtpPort).toBeGreaterThan(0);
    expect(catcher.httpPort).toBeGreaterThan(0);
    expect(catcher.smtpPort).not.toBe(catcher.httpPort);
    expect(catcher.inboxUrl).toBe(`http://127.0.0.1:${catcher.httpPort}/`);
  });

  it('reçoit et décode un courriel français multipart envoyé par nodemailer', async () => {
    const info = await transport().sendMail({
      from: '"Équipe Parcours — Préfecture" <noreply@exemple.fr>',
      to: ['"Dupont, Élodie" <elodie@exemple.fr>', 'paul@exemple.fr'],
      cc: 'Gérard Müller <gerard@exemple.fr>',
      subject: SUJET,
      text: `Bonjour Élodie,\n\n${LIGNE_LONGUE}\n\nCordialement,\nL’équipe`,
      html: `<p>Bonjour <strong>Élodie</strong>,</p><p>${LIGNE_LONGUE}</p>`,
      messageId: '<parcours-42.relance@exemple.fr>',
      attachments: [
        {
          filename: 'relevé de situation détaillé — numéro 12345 pour la commission départementale.pdf',
          content: Buffer.alloc(5000, 0x25),
          contentType: 'application/pdf',
        },
      ],
    });
    expect(info.rejected).toEqual([]);

    const m = await catcher.waitFor((c) => c.messageId === '<parcours-42.relance@exemple.fr>', { timeoutMs: 5000 });
    expect(m.sujet).toBe(SUJET);
    expect(m.de).toBe('Équipe Parcours — Préfecture <noreply@exemple.fr>');
    expect(m.a).toEqual(['elodie@exemple.fr', 'paul@exemple.fr']);
    expect(m.cc).toEqual(['gerard@exemple.fr']);
    expect(m.texte).toBe(`Bonjour Élodie,\n\n${LIGNE_LONGUE}\n\nCordialement,\nL’équipe`);
    expect(m.html).toBe(`<p>Bonjour <strong>Élodie</strong>,</p><p>${LIGNE_LONGUE}</p>`);
    expect(m.enTetes['subject']).toBe(SUJET);
    expect(m.enTetes['to']).toContain('Élodie');
    expect(new Date(m.date).toISOString()).toBe(m.date);
    expect(Math.abs(Date.now() - Date.parse(m.date))).toBeLessThan(60_000);
    // La source brute est bien encodée (pas d'accents en clair, lignes repliées) :
    expect(m.brut).toContain('Content-Type: multipart/mixed');
    expect(m.brut).toContain('=?UTF-8?');
    expect(m.brut).not.toContain(SUJET);
    expect(m.brut.split(/\r?\n/).every((l) => l.length <= 998)).toBe(true);
    expect(catcher.messages()).toHaveLength(1);

    // API JSON : liste sans `brut`, détail avec `brut`.
    const liste = (await (await fetch(`${catcher.inboxUrl}api/messages`)).json()) as Array<Partial<CourrielRecu>>;
    expect(liste).toHaveLength(1);
    expect(liste[0]!.sujet).toBe(SUJET);
    expect(liste[0]).not.toHaveProperty('brut');
    const detail = (await (await fetch(`${catcher.inboxUrl}api/messages/${m.id}`)).json()) as CourrielRecu;
    expect(detail.brut).toBe(m.brut);
    expect(detail.texte).toBe(m.texte);
    expect((await fetch(`${catcher.inboxUrl}api/messages/inexistant`)).status).toBe(404);

    // La page du courriel liste la pièce jointe décodée (nom RFC 2231 accentué, taille).
    const pageCourriel = await (await fetch(`${catcher.inboxUrl}messages/${m.id}`)).text();
    expect(pageCourriel).toContain(
      '<li>relevé de situation détaillé — numéro 12345 pour la commission départementale.pdf — application/pdf, 4,9 Ko</li>',
    );
  });

  it('expose les pièces jointes décodées dans la source analysée', async () => {
    await transport().sendMail({
      from: 'noreply@exemple.fr',
      to: 'elodie@exemple.fr',
      subject: 'Pièce jointe',
      text: 'Voir la pièce jointe.',
      attachments: [{ filename: 'attestation « CAF » été.txt', content: 'contenu accentué é', contentType: 'text/plain' }],
    });
    const m = await catcher.waitFor((c) => c.sujet === 'Pièce jointe', { timeoutMs: 5000 });
    expect(m.texte).toBe('Voir la pièce jointe.');
    expect(m.html).toBeNull();
    const decode = analyserMime(m.brut);
    expect(decode.attachments).toEqual([
      { filename: 'attestation « CAF » été.txt', contentType: 'text/plain', size: Buffer.byteLength('contenu accentué é') },
    ]);
  });

  it('affiche la boîte de réception HTML en français, du plus récent au plus ancien, en échappant le HTML', async () => {
    const t = transport();
    await t.sendMail({ from: 'a@exemple.fr', to: 'b@exemple.fr', subject: 'Premier courriel', text: 'un' });
    await t.sendMail({
      from: '"<b>Pirate</b>" <pirate@exemple.fr>',
      to: 'b@exemple.fr',
      subject: 'Alerte <script>alert("xss")</script> & « test »',
      text: 'Corps <script>alert(1)</script>',
      html: '<p onclick="x()">Bonjour "toi" & <script>alert(2)</script></p>',
    });
    await catcher.waitFor((c) => c.sujet.startsWith('Alerte'), { timeoutMs: 5000 });

    const rep = await fetch(catcher.inboxUrl);
    expect(rep.status).toBe(200);
    expect(rep.headers.get('content-type')).toMatch(/text\/html; charset=utf-8/);
    const html = await rep.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<main');
    expect(html).toContain('Boîte de réception (courriels de développement)');
    expect(html).toContain('Alerte &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; &amp; « test »');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>Pirate</b>');
    expect(html).toMatch(/<form[^>]+method="post"[^>]+action="\/vider"/);
    // Du plus récent au plus ancien.
    expect(html.indexOf('Alerte &lt;script')).toBeLessThan(html.indexOf('Premier courriel'));

    const alerte = catcher.messages().find((c) => c.sujet.startsWith('Alerte'))!;
    expect(html).toContain(`href="/messages/${alerte.id}"`);
    const page = await (await fetch(`${catcher.inboxUrl}messages/${alerte.id}`)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('<iframe sandbox=""');
    expect(page).toContain(
      'srcdoc="&lt;p onclick=&quot;x()&quot;&gt;Bonjour &quot;toi&quot; &amp; &lt;script&gt;alert(2)&lt;/script&gt;&lt;/p&gt;"',
    );
    expect(page).toContain('<pre');
    expect(page).toContain('Corps &lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await fetch(`${catcher.inboxUrl}messages/inconnu`)).status).toBe(404);
  });

  it('waitFor rejette après le délai en listant les sujets reçus', async () => {
    await transport().sendMail({ from: 'a@exemple.fr', to: 'b@exemple.fr', subject: 'Sujet déjà reçu', text: 'x' });
    await catcher.waitFor((c) => c.sujet === 'Sujet déjà reçu', { timeoutMs: 5000 });
    const debut = Date.now();
    await expect(catcher.waitFor((c) => c.sujet === 'Jamais envoyé', { timeoutMs: 300 })).rejects.toThrow(
      /aucun courriel correspondant reçu en 300 ms.*Sujet déjà reçu/,
    );
    expect(Date.now() - debut).toBeGreaterThanOrEqual(250);
  });

  it('waitFor résout un courriel qui arrive après l’appel', async () => {
    const attente = catcher.waitFor((c) => c.a.includes('tardif@exemple.fr'), { timeoutMs: 5000 });
    await transport().sendMail({ from: 'a@exemple.fr', to: 'tardif@exemple.fr', subject: 'Tardif', text: 'x' });
    expect((await attente).sujet).toBe('Tardif');
  });

  it('décode les courriels à partie unique (texte seul, HTML seul → texte dérivé)', async () => {
    const t = transport();
    await t.sendMail({ from: 'a@exemple.fr', to: 'b@exemple.fr', subject: 'Texte seul', text: 'Ligne 1 — été\nLigne 2' });
    await t.sendMail({
      from: 'a@exemple.fr',
      to: 'b@exemple.fr',
      subject: 'HTML seul',
      html: '<html><head><title>T</title></head><body><p>Bonjour <b>à</b> tous&nbsp;!</p><p>Équipe &amp; partenaires</p></body></html>',
    });
    const texte = await catcher.waitFor((c) => c.sujet === 'Texte seul', { timeoutMs: 5000 });
    expect(texte.texte).toBe('Ligne 1 — été\nLigne 2');
    expect(texte.html).toBeNull();
    const html = await catcher.waitFor((c) => c.sujet === 'HTML seul', { timeoutMs: 5000 });
    expect(html.html).toBe(
      '<html><head><title>T</title></head><body><p>Bonjour <b>à</b> tous&nbsp;!</p><p>Équipe &amp; partenaires</p></body></html>',
    );
    expect(html.texte).toBe('Bonjour à tous !\n\nÉquipe & partenaires');
  });

  it('accepte toute authentification SMTP', async () => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: catcher.smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'nimporte', pass: 'quoi' },
    });
    await t.sendMail({ from: 'a@exemple.fr', to: 'auth@exemple.fr', subject: 'Authentifié', text: 'x' });
    expect((await catcher.waitFor((c) => c.sujet === 'Authentifié', { timeoutMs: 5000 })).a).toEqual(['auth@exemple.fr']);
  });

  it('DELETE /api/messages et POST /vider vident la boîte', async () => {
    await transport().sendMail({ from: 'a@exemple.fr', to: 'b@exemple.fr', subject: 'À supprimer', text: 'x' });
    await catcher.waitFor((c) => c.sujet === 'À supprimer', { timeoutMs: 5000 });
    expect(catcher.messages()).toHaveLength(1);
    const del = await fetch(`${catcher.inboxUrl}api/messages`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(catcher.messages()).toEqual([]);
    expect(await (await fetch(`${catcher.inboxUrl}api/messages`)).json()).toEqual([]);

    await transport().sendMail({ from: 'a@exemple.fr', to: 'b@exemple.fr', subject: 'Encore', text: 'x' });
    await catcher.waitFor((c) => c.sujet === 'Encore', { timeoutMs: 5000 });
    const vider = await fetch(`${catcher.inboxUrl}vider`, { method: 'POST', redirect: 'manual' });
    expect(vider.status).toBe(303);
    expect(vider.headers.get('location')).toBe('/');
    expect(catcher.messages()).toEqual([]);
    expect(await (await fetch(catcher.inboxUrl)).text()).toContain('La boîte de réception est vide');
  });
});

describe('décodeur MIME', () => {
  it('décode les mots encodés Q en iso-8859-1 et B en utf-8 coupés au milieu d’un caractère', () => {
    const brut = [
      'Subject: =?ISO-8859-1?Q?Pr=E9vention_des_expulsions_=E0_Lyon?= et =?utf-8?B?w6k=?=',
      ' =?utf-8?B?w6nDqA==?=',
      'From: =?utf-8?B?w4k=?=  =?utf-8?B?cXVpcGU=?= <e@x.fr>',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'D=E9j=E0 re=E7u, cha=EEne tr=E8s long=',
      'ue.',
      '',
    ].join('\r\n');
    const m = analyserMime(brut);
    expect(m.headers['subject']).toBe('Prévention des expulsions à Lyon et ééè');
    expect(m.headers['from']).toBe('Équipe <e@x.fr>');
    expect(m.text).toBe('Déjà reçu, chaîne très longue.');
  });

  it('décode un corps base64 latin1 et dérive le texte d’un message uniquement HTML', () => {
    const latin1 = Buffer.from('<html><head><style>p{}</style></head><body><p>Caf&eacute; cr&egrave;me</p><p>D&#233;j&#xE0; pay&eacute; &amp; sold&eacute;<br>Merci</p></body></html>', 'latin1').toString('base64');
    const brut = `Content-Type: text/html; charset="ISO-8859-1"\r\nContent-Transfer-Encoding: base64\r\n\r\n${latin1}\r\n`;
    const m = analyserMime(brut);
    expect(m.html).toContain('<p>Caf&eacute; cr&egrave;me</p>');
    expect(m.text).toBe('Café crème\n\nDéjà payé & soldé\nMerci');
    const brutUtf8 = `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<p>Éléphant à l’école</p>\r\n`;
    expect(analyserMime(Buffer.from(brutUtf8, 'utf8')).text).toBe('Éléphant à l’école');
  });

  it('extrait les adresses nues d’une liste RFC 5322', () => {
    expect(extraireAdresses('"Dupont, Marie" <marie@x.fr>, paul@y.fr (Paul), Groupe: a@b.fr, c@d.fr;, undisclosed-recipients:;')).toEqual([
      'marie@x.fr',
      'paul@y.fr',
      'a@b.fr',
      'c@d.fr',
    ]);
  });
});
