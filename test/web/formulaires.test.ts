/**
 * Les formulaires tirés des schémas de l'API (api/formulaires.ts) : chaque schéma du registre
 * (lancement et messages) devient des champs ; l'exemple de l'API, saisi dans le formulaire, est
 * relu à l'identique par le même schéma ; les erreurs de l'API sont rangées sous leur champ.
 */
import { describe, expect, it } from 'vitest';
import { analyser, Probleme } from '../../api/problemes';
import { REGISTRE } from '../../api/registre-produit';
import { menageSchema } from '../../domain/schemas';
import { champsDe, lireSaisie, rangerErreurs, rendreChamps, valeursDe, type Champ } from '../../api/formulaires';
import { LIBELLES_VALEURS } from '../../domain/libelles';

describe('formulaires tirés des schémas zod', () => {
  it('un champ obligatoire selon une autre réponse le dit (« selon le canal »), ni « obligatoire » ni « facultatif »', () => {
    const messages = REGISTRE.prevention_precontentieuse!.messages;
    const tentative = rendreChamps(champsDe(messages['tentative-contact']!.schema), 'm').valeur;
    expect(tentative).toMatch(/<label for="m-creneau">Créneau <span class="aide">\(selon le canal\)<\/span><\/label>/);
    expect(tentative).toMatch(/<label for="m-issue">[^<]+<span class="aide">\(obligatoire\)<\/span>/);
    const plan = rendreChamps(champsDe(messages['plan-aide']!.schema), 'm').valeur;
    expect(plan).toMatch(/<legend>[^<]+ \(selon les actions\)<\/legend>/);
    // Ses champs le sont sous la même condition (pas « si vous remplissez » le groupe).
    expect(plan).toMatch(/Mensualité \(€\) <span class="aide">\(obligatoire selon les actions\)<\/span>/);
    expect(plan).not.toContain('obligatoire si vous remplissez');
    // La demande de mutation se coche parmi les actions : pas une seconde fois en « oui / non ».
    expect(plan).toContain('value="demande_mutation"');
    expect(plan).not.toContain('name="demandeMutation"');
    // IML : le motif d'un refus de la commission SIAO, le motif et l'orientation d'une décision au terme,
    // l'orientation d'une fin de mesure : obligatoires selon la réponse, jamais « facultatifs ».
    const iml = REGISTRE.iml_bail_glissant!.messages;
    const siao = rendreChamps(champsDe(iml['decision-siao']!.schema), 'm').valeur;
    expect(siao).toMatch(/Motif <span class="aide">\(obligatoire pour un refus\)<\/span>/);
    const conditions = rendreChamps(champsDe(iml['conditions-glissement']!.schema), 'm').valeur;
    expect(conditions).toMatch(/Motif <span class="aide">\(selon la décision\)<\/span>/);
    expect(conditions).toMatch(/<legend>[^<]+ \(selon la décision\)<\/legend>/);
    const fin = rendreChamps(champsDe(iml['fin-mesure']!.schema), 'm').valeur;
    expect(fin).toMatch(/<legend>[^<]+ \(selon l’issue\)<\/legend>/);
    for (const h of [siao, conditions, fin]) expect(h).not.toMatch(/Motif <span class="aide">\(facultatif\)/);
    // Le carnet de route : obligatoire pour conclure le diagnostic (pas « facultatif »).
    const diagnostic = rendreChamps(champsDe(messages.diagnostic!.schema), 'm').valeur;
    expect(diagnostic).toMatch(/Carnet de route \(une démarche par ligne\) <span class="aide">\(obligatoire si le diagnostic est terminé\)<\/span>/);
  });

  it('chaque choix offert par un formulaire (lancement, messages) a son libellé français, jamais un code remis en forme', () => {
    const sansLibelle: string[] = [];
    const parcourir = (champs: Champ[], ou: string) => {
      for (const c of champs) {
        for (const o of c.options ?? []) if (!Object.hasOwn(LIBELLES_VALEURS, o.valeur)) sansLibelle.push(`${ou} ${c.nom} : ${o.valeur}`);
        parcourir(c.enfants ?? [], ou);
      }
    };
    for (const [type, d] of Object.entries(REGISTRE)) {
      parcourir(champsDe(d!.schemaLancement), `${type} lancement`);
      for (const [nom, m] of Object.entries(d!.messages)) parcourir(champsDe(m.schema), `${type} ${nom}`);
    }
    expect(sansLibelle).toEqual([]);
  });

  for (const [type, d] of Object.entries(REGISTRE)) {
    it(`${type} : lancement et messages, aller-retour de l’exemple par le formulaire`, () => {
      const cas = [
        { nom: 'lancement', schema: d!.schemaLancement, exemple: d!.exempleLancement },
        ...Object.entries(d!.messages).map(([nom, m]) => ({ nom, schema: m.schema, exemple: m.exemple })),
      ];
      for (const c of cas) {
        const champs = champsDe(c.schema);
        expect(champs.length, c.nom).toBeGreaterThan(0);
        // Chaque champ a un libellé français (jamais vide) et le rendu a un <label> ou une <legend> par champ.
        const rendu = rendreChamps(champs, 'essai').valeur;
        for (const ch of champs) {
          expect(ch.libelle.trim(), `${c.nom}.${ch.nom}`).not.toBe('');
          expect(rendu).toContain(`name="${ch.genre === 'groupe' ? ch.enfants![0]!.nom : ch.nom}"`);
        }
        if (!c.exemple) continue;
        const relu = lireSaisie(champs, valeursDe(champs, c.exemple));
        expect(c.schema.parse(relu), c.nom).toEqual(c.schema.parse(c.exemple));
      }
    });
  }

  it('la saisie vide et les erreurs de l’API : « champ obligatoire » sous le bon champ', () => {
    const champs = champsDe(menageSchema, 'menage');
    const saisie = lireSaisie(champs, { 'menage.reference': '  ', 'menage.nom': 'Mme Martin', 'menage.accepteCourriel': 'non' });
    expect(saisie).toEqual({ nom: 'Mme Martin', accepteCourriel: false });
    let p: Probleme | undefined;
    try {
      analyser(menageSchema, saisie, 'menage');
    } catch (e) {
      p = e as Probleme;
    }
    expect(p).toBeInstanceOf(Probleme);
    const { parChamp, autres } = rangerErreurs(champs, [...p!.opts.errors!, { champ: 'carnet.0', message: 'autre' }]);
    expect(parChamp['menage.reference']).toBe('champ obligatoire');
    expect(parChamp['menage.composition']).toBe('choisissez une valeur dans la liste');
    expect(autres).toEqual(['autre']);
    // Une date laissée vide : « champ obligatoire », pas « date attendue ».
    const situation = champsDe(REGISTRE.prevention_precontentieuse!.schemaLancement);
    const vide = rangerErreurs(situation, [{ champ: 'situation.debutBail', message: 'date AAAA-MM-JJ attendue' }], { 'situation.debutBail': '' });
    expect(vide.parChamp['situation.debutBail']).toBe('champ obligatoire');
    const fausse = rangerErreurs(situation, [{ champ: 'situation.debutBail', message: 'date AAAA-MM-JJ attendue' }], { 'situation.debutBail': '31/02' });
    expect(fausse.parChamp['situation.debutBail']).toBe('date attendue (jour, mois, année)');
    // Un nombre de mois (entier) ou un montant : l'exemple qui convient.
    const nombres = rangerErreurs(
      situation,
      [
        { champ: 'situation.impayesMois', message: 'nombre attendu' },
        { champ: 'situation.montantDette', message: 'nombre attendu' },
      ],
      { 'situation.impayesMois': 'deux', 'situation.montantDette': 'beaucoup' },
    );
    expect(nombres.parChamp['situation.impayesMois']).toBe('nombre entier attendu (par exemple 2)');
    expect(nombres.parChamp['situation.montantDette']).toBe('nombre attendu (par exemple 12 ou 812,40)');
    // Un mois illisible : un exemple en mots, jamais le format de l'API (« AAAA-MM »).
    const loyer = champsDe(REGISTRE.iml_bail_glissant!.messages.loyer!.schema);
    const mois = rangerErreurs(loyer, [{ champ: 'mois', message: 'mois attendu au format AAAA-MM' }], { mois: 'le mois dernier' });
    expect(mois.parChamp.mois).toBe('mois attendu (par exemple « avril 2027 » ou 04/2027)');
    // Rendue de nouveau, la saisie refusée reste visible : en texte (le sélecteur de mois l'effacerait) ; un mois lisible garde le sélecteur.
    expect(rendreChamps(loyer, 'm', { valeurs: { mois: 'le mois dernier' }, erreurs: mois.parChamp }).valeur).toContain(
      '<input type="text" id="m-mois" name="mois" value="le mois dernier"',
    );
    expect(rendreChamps(loyer, 'm', { valeurs: { mois: '2027-04' } }).valeur).toContain('<input type="month" id="m-mois" name="mois" value="2027-04"');
    const rendu = rendreChamps(champs, 'f', { erreurs: parChamp }).valeur;
    expect(rendu).toContain('<p class="message-erreur" id="f-menage-reference-erreur">champ obligatoire</p>');
    expect(rendu).toContain(
      '<input type="text" id="f-menage-reference" name="menage.reference" value="" aria-describedby="f-menage-reference-aide f-menage-reference-erreur" aria-invalid="true"',
    );
  });

  it('nombres à la française, cases, listes de lignes, choix multiples', () => {
    const plan = champsDe(REGISTRE.prevention_precontentieuse!.messages['plan-aide']!.schema);
    const relu = lireSaisie(plan, { actions: ['fsl', 'budget'], 'planApurement.mensualite': '50,5', 'planApurement.dureeMois': '16' });
    expect(relu).toEqual({ actions: ['fsl', 'budget'], planApurement: { mensualite: 50.5, dureeMois: 16 } });
    const diag = champsDe(REGISTRE.prevention_precontentieuse!.messages.diagnostic!.schema);
    expect(lireSaisie(diag, { origineDette: 'x', termine: 'oui', carnetDeRoute: 'Dossier FSL\r\n\r\n RDV CAF ' })).toEqual({
      origineDette: 'x',
      termine: true,
      carnetDeRoute: ['Dossier FSL', 'RDV CAF'],
    });
    // Des milliers avec un point ou une virgule, comme on les écrit : « 1.234 » est 1 234 €, pas 1,234 €.
    const lancement = champsDe(REGISTRE.prevention_precontentieuse!.schemaLancement);
    const dette = (saisi: string) =>
      (lireSaisie(lancement, { 'situation.montantDette': saisi }) as { situation?: { montantDette?: unknown } }).situation?.montantDette;
    expect(dette('1.234')).toBe(1234);
    expect(dette('1.234,56 €')).toBe(1234.56);
    expect(dette('1 234,56')).toBe(1234.56);
    expect(dette('2 450 euros')).toBe(2450);
    expect(dette('812,40')).toBe(812.4);
    expect(dette('812.40')).toBe(812.4);
    expect(dette('1.2.3')).toBe('1.2.3');
    // Le mois d'un loyer : le sélecteur du navigateur donne « 2027-04 » ; sans lui, on l'écrit en mots ou en chiffres.
    const loyer = champsDe(REGISTRE.iml_bail_glissant!.messages.loyer!.schema);
    expect(rendreChamps(loyer, 'm').valeur).toMatch(
      /<label for="m-mois">Mois <span class="aide">\(obligatoire\)<\/span><\/label><p class="aide" id="m-mois-aide">Par exemple « avril 2027 » ou 04\/2027\.<\/p><input type="month" id="m-mois" name="mois"/,
    );
    const mois = (saisi: string) => (lireSaisie(loyer, { mois: saisi, statut: 'paye' }) as { mois?: unknown }).mois;
    expect(mois('2027-04')).toBe('2027-04');
    expect(mois('décembre 2026')).toBe('2026-12');
    expect(mois('04/2027')).toBe('2027-04');
    expect(mois('le mois dernier')).toBe('le mois dernier');
    expect(mois(' ')).toBeUndefined();
    // Un nombre illisible reste une chaîne : le schéma dit pourquoi, en français.
    const n = lireSaisie(plan, { actions: 'fsl', 'planApurement.mensualite': 'beaucoup', 'planApurement.dureeMois': '2' });
    expect(() => analyser(REGISTRE.prevention_precontentieuse!.messages['plan-aide']!.schema, n)).toThrow(/planApurement\.mensualite/);
  });
});
