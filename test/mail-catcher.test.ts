import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import nodemailer from 'nodemailer';
import { chromium, type Browser } from 'playwright-core';
import { startMailCatcher } from '../dev/mail-catcher';
import type { CourrielRecu, MailCatcher } from '../dev/mail-catcher';

const LIGNE_LONGUE =
  'Madame, Monsieur, votre dossier de prévention des expulsions locatives a été transmis à la commission ' +
  'départementale de coordination des actions de prévention des expulsions (CCAPEX) — échéance fixée au ' +
  '15 décembre, pensez à apporter vos justificatifs : quittances, avis d’imposition, notification CAF. ' +
  'é'.repeat(40) +
  ' fin.';
const SUJET = 'Rendez-vous de prévention : échéance à côté du « délai » — ça évolue, où êtes-vous ? Ünïcödé çà et là';

describe('mail-catcher (SMTP réel + boîte web)', () => {
  let catcher: MailCatcher;

  const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, ignoreTLS: true });

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

    // La page du courriel liste la pièce jointe décodée (nom RFC 2231 accentué, taille), en lien de téléchargement.
    const nom = 'relevé de situation détaillé — numéro 12345 pour la commission départementale.pdf';
    const pageCourriel = await (await fetch(`${catcher.inboxUrl}messages/${m.id}`)).text();
    expect(pageCourriel).toContain(`<li><a href="/messages/${m.id}/pieces-jointes/0" download="${nom}">${nom}</a> — application/pdf, 4,9 Ko</li>`);
    // Le JSON donne l'adresse de la pièce jointe, pas son contenu.
    expect(liste[0]!.piecesJointes).toEqual([
      { filename: nom, contentType: 'application/pdf', charset: null, size: 5000, disposition: 'attachment', url: `/messages/${m.id}/pieces-jointes/0` },
    ]);
    expect(detail.piecesJointes).toEqual(liste[0]!.piecesJointes);

    // Téléchargement : le nom (RFC 6266, UTF-8), le type, le contenu d'origine.
    const piece = await fetch(`${catcher.inboxUrl}messages/${m.id}/pieces-jointes/0`);
    expect(piece.status).toBe(200);
    expect(piece.headers.get('content-type')).toBe('application/pdf');
    expect(piece.headers.get('content-disposition')).toBe(
      `attachment; filename="relev? de situation d?taill? ? num?ro 12345 pour la commission d?partementale.pdf"; filename*=UTF-8''${encodeURIComponent(nom)}`,
    );
    expect(Buffer.from(await piece.arrayBuffer()).equals(Buffer.alloc(5000, 0x25))).toBe(true);
    for (const absent of [`messages/${m.id}/pieces-jointes/1`, `messages/${m.id}/pieces-jointes/x`, 'messages/inconnu/pieces-jointes/0']) {
      expect((await fetch(`${catcher.inboxUrl}${absent}`)).status, absent).toBe(404);
    }
  });

  it('expose les pièces jointes décodées ; un texte se télécharge avec son jeu de caractères', async () => {
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
    const attendu = { filename: 'attestation « CAF » été.txt', contentType: 'text/plain', size: Buffer.byteLength('contenu accentué é') };
    expect(m.piecesJointes).toEqual([{ ...attendu, charset: 'utf-8', disposition: 'attachment', contenu: Buffer.from('contenu accentué é') }]);

    const piece = await fetch(`${catcher.inboxUrl}messages/${m.id}/pieces-jointes/0`);
    expect(piece.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(piece.headers.get('content-disposition')).toBe(
      `attachment; filename="attestation ? CAF ? ?t?.txt"; filename*=UTF-8''${encodeURIComponent('attestation « CAF » été.txt')}`,
    );
    expect(piece.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await piece.text()).toBe('contenu accentué é');
  });

  it('les adresses des courriels sont de vrais liens : l’adresse entière dans la version texte, nouvel onglet dans la version HTML', async () => {
    const url = `https://parcours.exemple.fr/liens/${'a'.repeat(180)}.${'b'.repeat(43)}?jalon=P6M&version=partenaires`;
    await transport().sendMail({
      from: 'noreply@exemple.fr',
      to: 'partenaire@exemple.fr',
      subject: 'Validation demandée',
      text: `Bonjour,\n\nRépondre à la demande : ${url}\n\nVoir aussi https://exemple.fr/aide.`,
      html: `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>x</title></head><body><p><a href="${url.replace(/&/g, '&amp;')}">Répondre à la demande</a></p></body></html>`,
    });
    const m = await catcher.waitFor((c) => c.sujet === 'Validation demandée', { timeoutMs: 5000 });
    // nodemailer replie les lignes longues (quoted-printable) : mailparser rend l'adresse entière.
    expect(m.brut).not.toContain(url);
    expect(m.texte).toContain(`Répondre à la demande : ${url}\n`);
    const page = await (await fetch(`${catcher.inboxUrl}messages/${m.id}`)).text();
    const echappee = url.replace(/&/g, '&amp;');
    expect(page).toContain(`Répondre à la demande : <a href="${echappee}">${echappee}</a>`);
    // Sans la ponctuation qui la suit.
    expect(page).toContain('Voir aussi <a href="https://exemple.fr/aide">https://exemple.fr/aide</a>.');
    expect(page).toContain('<iframe sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(page).toContain('srcdoc="&lt;!doctype html&gt;&lt;html lang=&quot;fr&quot;&gt;&lt;head&gt;&lt;base target=&quot;_blank&quot;&gt;&lt;meta charset');
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
    // Le bac à sable n'autorise ni script ni formulaire ni origine propre : seulement l'ouverture des liens.
    expect(page).toContain('<iframe sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(page).toContain(
      'srcdoc="&lt;base target=&quot;_blank&quot;&gt;&lt;p onclick=&quot;x()&quot;&gt;Bonjour &quot;toi&quot; &amp; &lt;script&gt;alert(2)&lt;/script&gt;&lt;/p&gt;"',
    );
    expect(page).toContain('<pre class="texte">');
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
    // Le saut de ligne qui précède la fin de DATA fait partie du corps d'un courriel à partie unique.
    expect(texte.texte).toBe('Ligne 1 — été\nLigne 2\n');
    expect(texte.html).toBeNull();
    const html = await catcher.waitFor((c) => c.sujet === 'HTML seul', { timeoutMs: 5000 });
    expect(html.html).toBe('<html><head><title>T</title></head><body><p>Bonjour <b>à</b> tous&nbsp;!</p><p>Équipe &amp; partenaires</p></body></html>\n');
    expect(html.texte).toBe('Bonjour à tous\u00a0!\n\nÉquipe & partenaires'); // html-to-text garde l'espace insécable
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

/** Envoie une source MIME telle quelle (écrite à la main : ce que nodemailer ne produit pas). */
async function envoyerBrut(catcher: MailCatcher, brut: string | Buffer, a = 'b@exemple.fr') {
  await nodemailer
    .createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ envelope: { from: 'a@exemple.fr', to: [a] }, raw: brut });
}

describe('analyse MIME (mailparser)', () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher({ quiet: true });
  });
  afterAll(async () => {
    await catcher?.close();
  });

  it('décode les mots encodés Q en iso-8859-1 et B en utf-8 coupés au milieu d’un caractère, le quoted-printable latin1', async () => {
    await envoyerBrut(
      catcher,
      [
        'Subject: =?ISO-8859-1?Q?Pr=E9vention_des_expulsions_=E0_Lyon?= et =?utf-8?B?w6k=?=',
        ' =?utf-8?B?w6nDqA==?=',
        'From: =?utf-8?B?w4k=?=  =?utf-8?B?cXVpcGU=?= <e@x.fr>',
        'To: "Dupont, Marie" <marie@x.fr>, paul@y.fr (Paul), Groupe: a@b.fr, c@d.fr;, undisclosed-recipients:;',
        'Date: Tue, 2 Dec 2025 10:15:00 +0100',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'D=E9j=E0 re=E7u, cha=EEne tr=E8s long=',
        'ue.',
        '',
      ].join('\r\n'),
    );
    const m = await catcher.waitFor((c) => c.sujet.startsWith('Prévention'), { timeoutMs: 5000 });
    expect(m.sujet).toBe('Prévention des expulsions à Lyon et ééè');
    expect(m.de).toBe('Équipe <e@x.fr>');
    expect(m.a).toEqual(['marie@x.fr', 'paul@y.fr', 'a@b.fr', 'c@d.fr']);
    expect(m.date).toBe('2025-12-02T09:15:00.000Z');
    expect(m.texte).toBe('Déjà reçu, chaîne très longue.\n');
    expect(m.enTetes['subject']).toBe(m.sujet);
  });

  it('lit un HTML en base64 latin1 ; lit un nom de pièce jointe RFC 2231 en plusieurs morceaux', async () => {
    const latin1 = Buffer.from(
      '<html><head><style>p{}</style></head><body><p>Caf&eacute; cr&egrave;me</p><p>D&#233;j&#xE0; pay&eacute; &amp; sold&eacute;<br>Merci</p></body></html>',
      'latin1',
    ).toString('base64');
    await envoyerBrut(
      catcher,
      [
        'Subject: HTML latin1',
        'Content-Type: multipart/mixed; boundary="limite"',
        '',
        '--limite',
        'Content-Type: text/html; charset="ISO-8859-1"',
        'Content-Transfer-Encoding: base64',
        '',
        latin1,
        '--limite',
        'Content-Type: application/octet-stream',
        "Content-Disposition: attachment; filename*0*=utf-8''%C3%A9tat%20des%20;",
        ' filename*1*=lieux%20%E2%80%94%20sign%C3%A9.pdf',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 essai').toString('base64'),
        '--limite--',
        '',
      ].join('\r\n'),
    );
    const m = await catcher.waitFor((c) => c.sujet === 'HTML latin1', { timeoutMs: 5000 });
    expect(m.html).toContain('<p>Caf&eacute; cr&egrave;me</p>');
    // mailparser ne dérive le texte du HTML que pour un courriel HTML seul ou à côté d'un texte.
    expect(m.texte).toBe('');
    expect(m.a).toEqual(['b@exemple.fr']); // pas d'en-tête To : les destinataires de l'enveloppe
    // Type deviné d'après l'extension quand le courriel dit seulement « application/octet-stream ».
    expect(m.piecesJointes.map((p) => [p.filename, p.contentType, p.contenu.toString()])).toEqual([
      ['état des lieux — signé.pdf', 'application/pdf', '%PDF-1.4 essai'],
    ]);
  });
});

describe('boîte de réception gardée dans un dossier (redémarrage)', () => {
  let dossier: string;
  beforeAll(() => {
    dossier = mkdtempSync(join(tmpdir(), 'courriels-'));
  });
  afterAll(() => {
    rmSync(dossier, { recursive: true, force: true });
  });

  it('retrouve les courriels, leurs pièces jointes et leur ordre après un redémarrage ; « vider » les efface aussi du dossier', async () => {
    const premier = await startMailCatcher({ quiet: true, dossier });
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: premier.smtpPort, secure: false, ignoreTLS: true });
    await t.sendMail({ from: 'a@exemple.fr', to: 'b@exemple.fr', subject: 'Avant le redémarrage (1)', text: 'un' });
    await t.sendMail({
      from: 'a@exemple.fr',
      to: 'b@exemple.fr',
      subject: 'Avant le redémarrage (2)',
      text: 'deux',
      attachments: [{ filename: 'lettre d’information.pdf', content: Buffer.from('%PDF-1.7 lettre'), contentType: 'application/pdf' }],
    });
    const avant = premier.messages();
    expect(avant.map((m) => m.sujet)).toEqual(['Avant le redémarrage (1)', 'Avant le redémarrage (2)']);
    await premier.close();
    // Sources telles que reçues, lisibles par le seul utilisateur.
    const fichiers = readdirSync(dossier).sort();
    expect(fichiers.filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    expect(fichiers.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    for (const f of fichiers) expect(statSync(join(dossier, f)).mode & 0o777, f).toBe(0o600);

    const second = await startMailCatcher({ quiet: true, dossier });
    try {
      expect(second.messages()).toEqual(avant);
      const [, deux] = second.messages();
      expect((await second.waitFor((m) => m.sujet === 'Avant le redémarrage (2)', { timeoutMs: 100 })).id).toBe(deux!.id);
      expect(await (await fetch(second.inboxUrl)).text()).toContain(`href="/messages/${deux!.id}"`);
      const piece = await fetch(`${second.inboxUrl}messages/${deux!.id}/pieces-jointes/0`);
      expect(piece.headers.get('content-type')).toBe('application/pdf');
      expect(piece.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('lettre d’information.pdf').replace(/'/g, '%27')}`);
      expect(await piece.text()).toBe('%PDF-1.7 lettre');

      // Un nouveau courriel vient après les anciens.
      const t2 = nodemailer.createTransport({ host: '127.0.0.1', port: second.smtpPort, secure: false, ignoreTLS: true });
      await t2.sendMail({ from: 'a@exemple.fr', to: 'b@exemple.fr', subject: 'Après le redémarrage', text: 'trois' });
      expect(second.messages().map((m) => m.sujet)).toEqual(['Avant le redémarrage (1)', 'Avant le redémarrage (2)', 'Après le redémarrage']);
      expect((await fetch(`${second.inboxUrl}vider`, { method: 'POST', redirect: 'manual' })).status).toBe(303);
      expect(readdirSync(dossier)).toEqual([]);
    } finally {
      await second.close();
    }
    const troisieme = await startMailCatcher({ quiet: true, dossier });
    expect(troisieme.messages()).toEqual([]);
    await troisieme.close();
    expect(existsSync(dossier)).toBe(true);
  });

  it('un courriel gardé illisible est ignoré ; la sortie le dit sans rien citer de lui (adresse, sujet du ménage)', async () => {
    // Un fichier abîmé : le message de JSON.parse en citerait le début, adresse du ménage comprise.
    writeFileSync(
      join(dossier, '000000000000001-00000000-0000-4000-8000-0000000000ab.json'),
      '{"sujet": Impayé de Mme Dubreuil, "enveloppe":{"a":["helene.dubreuil@exemple.fr"]}}',
    );
    writeFileSync(join(dossier, '000000000000001-00000000-0000-4000-8000-0000000000ab.eml'), 'Subject: Impayé de Mme Dubreuil\r\n\r\n');
    const lignes: string[] = [];
    const espion = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lignes.push(a.join(' ')));
    try {
      const boite = await startMailCatcher({ dossier });
      try {
        expect(boite.messages()).toEqual([]);
      } finally {
        await boite.close();
      }
    } finally {
      espion.mockRestore();
    }
    const sortie = lignes.join('\n');
    expect(sortie).toContain('courriel gardé illisible, ignoré (000000000000001-00000000-0000-4000-8000-0000000000ab.json) : contenu mal formé');
    expect(sortie).not.toMatch(/dubreuil|Impayé/i);
  });
});

describe('dans un navigateur (Chromium)', () => {
  let navigateur: Browser;
  let catcher: MailCatcher;
  let produit: Server;
  let urlProduit: string;

  beforeAll(async () => {
    // La « page du produit » que vise le lien du courriel.
    produit = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="fr"><head><title>Page du produit</title></head><body><p id="chemin">${new URL(req.url ?? '/', 'http://x').search}</p></body></html>`,
      );
    });
    await new Promise<void>((ok) => produit.listen(0, '127.0.0.1', ok));
    urlProduit = `http://127.0.0.1:${(produit.address() as AddressInfo).port}`;
    catcher = await startMailCatcher({ quiet: true });
    navigateur = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await navigateur?.close();
    await catcher?.close();
    await new Promise((ok) => produit?.close(ok));
  });

  it('une personne clique le lien du courriel (texte puis HTML) et télécharge sa pièce jointe', async () => {
    const jeton = `${'t'.repeat(200)}.${'s'.repeat(43)}`;
    const lien = `${urlProduit}/liens/${jeton}?origine=courriel`;
    await nodemailer.createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, ignoreTLS: true }).sendMail({
      from: 'noreply@exemple.fr',
      to: 'bailleur@exemple.fr',
      subject: 'Demande de validation',
      text: `Bonjour,\n\nRépondre : ${lien}\n`,
      html: `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Demande</title></head><body><p><a href="${lien}">Répondre à la demande</a></p></body></html>`,
      attachments: [{ filename: 'fiche de clôture — M-42.pdf', content: Buffer.from('%PDF-1.7 fiche'), contentType: 'application/pdf' }],
    });
    const m = await catcher.waitFor((c) => c.sujet === 'Demande de validation', { timeoutMs: 5000 });
    const contexte = await navigateur.newContext({ acceptDownloads: true });
    try {
      const page = await contexte.newPage();
      await page.goto(catcher.inboxUrl);
      await page.getByRole('link', { name: 'Demande de validation' }).click();
      await page.waitForURL(`${catcher.inboxUrl}messages/${m.id}`);

      // Version texte : un lien ordinaire, l'adresse entière.
      const lienTexte = page.locator('pre.texte a');
      expect(await lienTexte.getAttribute('href')).toBe(lien);
      await lienTexte.click();
      await page.waitForURL(lien);
      expect(await page.title()).toBe('Page du produit');
      expect(await page.locator('#chemin').textContent()).toBe('?origine=courriel');
      await page.goBack();

      // Version HTML : le lien ouvre la page du produit dans un nouvel onglet, hors du bac à sable.
      const [onglet] = await Promise.all([
        contexte.waitForEvent('page'),
        page.frameLocator('iframe').getByRole('link', { name: 'Répondre à la demande' }).click(),
      ]);
      await onglet.waitForLoadState();
      expect(onglet.url()).toBe(lien);
      expect(await onglet.title()).toBe('Page du produit');
      // Hors du bac à sable : la page du produit a sa vraie origine (ses scripts, ses cookies fonctionneraient).
      expect(await onglet.evaluate(() => window.origin)).toBe(urlProduit);

      // Pièce jointe : téléchargée sous son nom, avec son contenu.
      const [telechargement] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'fiche de clôture — M-42.pdf' }).click()]);
      expect(telechargement.suggestedFilename()).toBe('fiche de clôture — M-42.pdf');
      const chemin = await telechargement.path();
      expect(chemin).not.toBeNull();
      expect(readFileSync(chemin).toString()).toBe('%PDF-1.7 fiche');
    } finally {
      await contexte.close();
    }
  });
});
