/**
 * Aucun mot de code n'atteint une personne (issue 16, point 1) : un parcours de prévention mené
 * par l'API (contact, diagnostic, plan d'aide avec ASLL, validation du département par son lien),
 * puis la page du parcours, le tableau de bord, la page du lien et tous les courriels du dossier,
 * lus comme une personne les lit : ni identifiant (snake_case, camelCase), ni date ISO, ni montant
 * sans mise en forme française (« 3 450 € », « 812,40 € »).
 *
 * Vrai serveur Temporal, vrai worker, vrai SMTP (mail catcher), application express sur un port libre.
 */
import { describe, expect, it } from 'vitest';
import { bancAvecApi } from './outils/api';
import { jusqua, menageEssai, requete, situationPrevention } from './outils/environnement';
import { sansIdentifiant } from './outils/pdf';

const essai = bancAvecApi('mot-de-passe-essai');
const LIEN = /http:\/\/localhost:3999\/liens\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

/** Le texte qu'une personne lit : sans balises, scripts, styles, attributs ni adresses de liens. */
function texteVisible(html: string): string {
  return html
    .replace(/<(script|style|template)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&#39;|&#x27;|&apos;/g, '’')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\s+/g, ' ');
}

/** Identifiants (vérificateur partagé des documents) et montants sans mise en forme française. */
function lisible(texte: string, ou: string): void {
  const t = texte.replace(/https?:\/\/\S+/g, ' ');
  sansIdentifiant(t, ou);
  for (const [motif, quoi] of [
    [/(?<![\d\u00a0\u202f ])\d{4,}(?:,\d+)?[\s\u00a0\u202f]*€/, 'un montant sans séparateur de milliers'],
    [/\d[.,]\d(?!\d)[\s\u00a0\u202f]*€/, 'un montant à un seul chiffre après la virgule'],
    [/\b\d+,\d(?!\d)(?![\s\u00a0\u202f]*(?:mois|jours?|ans?)\b)/, 'un nombre décimal à un chiffre (montant ?)'],
    [/\d\.\d{1,2}\b/, 'un nombre à point décimal'],
    [/\b(?:Duree|Delai|Mois regles|Payes|etabli|Libelle|Lettre information)\b/, 'un libellé sans accents dérivé d’une clé'],
    [/ à le | de le | à les /, 'une préposition non contractée'],
  ] as const) {
    expect(t, `${quoi} dans ${ou} : « ${motif.exec(t)?.[0]} »`).not.toMatch(motif);
  }
}

describe('aucun mot de code n’atteint une personne', () => {
  it('prévention (besancon-ccas) : page du parcours, tableau de bord, lien du département et courriels, en français', async () => {
    const menage = menageEssai();
    const ref = menage.reference;
    const coord = await essai.connecter('coord.essai');
    const lancement = await essai.api.appel('POST', '/api/parcours', {
      jeton: coord,
      corps: { programmeId: 'besancon-ccas', travailleurSocial: 'ts.alice', menage, donnees: { situation: situationPrevention({ montantDette: 1240.5 }) } },
    });
    expect(lancement.status, lancement.texte).toBe(201);
    const workflowId = lancement.json.workflowId as string;
    const handle = essai.banc.env.client.workflow.getHandle(workflowId);
    await jusqua(handle, (e) => e.etape === 'aller_vers', 'étape « aller_vers »');

    const message = async (nom: string, corps: Record<string, unknown>) => {
      const r = await essai.api.appel('POST', `/api/parcours/${workflowId}/messages/${nom}`, {
        jeton: await essai.connecter('ts.alice'),
        corps: { requestId: requete(), ...corps },
      });
      expect(r.status, `« ${nom} » : ${r.texte}`).toBe(200);
    };
    await message('tentative-contact', { canal: 'visite_domicile', creneau: 'apres_midi', issue: 'absent' });
    await message('tentative-contact', { canal: 'visite_domicile', creneau: 'soir', issue: 'joint' });
    await message('diagnostic', { origineDette: 'Perte d’emploi', termine: true, carnetDeRoute: ['Dossier FSL'] });
    await message('plan-aide', {
      actions: ['ouverture_droits', 'plan_apurement', 'fsl'],
      orientations: ['asll'],
      planApurement: { mensualite: 812.4, dureeMois: 16 },
    });
    await jusqua(handle, (e) => e.etape === 'validation_departement', 'étape « validation_departement »');

    // Le lien du département : la page de la demande, lue par une personne.
    const demande = await essai.banc.courriels.waitFor((m) => m.a.includes('asll@doubs.example') && m.sujet.includes(ref), { timeoutMs: 25_000 });
    const jeton = LIEN.exec(demande.texte)![1]!;
    const pageLien = await essai.api.appel('GET', `/liens/${jeton}`);
    expect(pageLien.status, pageLien.texte).toBe(200);
    const texteLien = texteVisible(pageLien.texte);
    expect(texteLien).toContain('Actions prévues : ouverture de droits, plan d’apurement, FSL.');
    expect(texteLien).toContain('Orientations : ASLL.');
    expect(texteLien).toMatch(/812,40[\u00a0\u202f ]€ par mois/);
    lisible(texteLien, 'la page du lien du département');
    const accord = await essai.api.appel('POST', `/liens/${jeton}`, { formulaire: { decision: 'approuve', commentaire: 'Mesure ASLL accordée.' } });
    expect(accord.status, accord.texte).toBeLessThan(400);
    await jusqua(handle, (e) => e.etape === 'suivi', 'étape « suivi »');
    await essai.banc.courriels.waitFor((m) => m.sujet.startsWith('Plan d’aide engagé') && m.sujet.includes(ref), { timeoutMs: 25_000 });

    // La page du parcours (coordination) : informations du dossier, journal, échéances.
    const page = await essai.api.appel('GET', `/parcours/${workflowId}`, { jeton: coord });
    expect(page.status, page.texte).toBe(200);
    const textePage = texteVisible(page.texte);
    expect(textePage).toMatch(/1[\u00a0\u202f ]240,50[\u00a0\u202f ]€/);
    expect(textePage).toContain('Tentative de contact (visite à domicile, après-midi) : absent');
    expect(textePage).toContain('Courriel au ménage');
    lisible(textePage, 'la page du parcours');

    // Le tableau de bord.
    const tableau = await essai.api.appel('GET', '/parcours', { jeton: coord });
    expect(tableau.status, tableau.texte).toBe(200);
    lisible(texteVisible(tableau.texte), 'le tableau de bord');

    // Tous les courriels du dossier (partenaires, ménage, équipe).
    const courriels = essai.banc.courriels.messages().filter((m) => m.sujet.includes(ref) || m.texte.includes(ref));
    expect(courriels.length).toBeGreaterThan(3);
    for (const m of courriels) lisible(`${m.sujet}\n${m.texte}`, `le courriel « ${m.sujet} » à ${m.a.join(', ')}`);
  });
});
