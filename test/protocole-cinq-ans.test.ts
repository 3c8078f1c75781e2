/**
 * Le protocole le plus long que la loi permet, sur le vrai serveur Temporal : 2 ans, puis 3 ans
 * d'avenant, un mois après l'autre, en 30 exécutions (continue-as-new) sans rien perdre. À part de
 * test/protocole.test.ts (mêmes outils, test/outils/protocole.ts) : son propre processus, qui tourne
 * à côté des autres essais du protocole plutôt qu'après eux.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ajouterDuree, dateEnFrancais } from '../domain/durees';
import { etatQuery } from '../domain/messages';
import { accompagnementUpdate, avenantUpdate, nouveauBailUpdate } from '../domain/protocole';
import type { EtatParcours } from '../domain/vocabulaire';
import { deMois } from '../workflows/protocole-post-resiliation';
import { apres, avancerJusqua, heureDuParcours, jusqua, monterBanc, rappelAttendu, type Banc } from './outils/environnement';
import {
  BAILLEUR,
  attendreCourriel,
  aujourdhui,
  bancDuProtocole,
  DELAIS,
  TS,
  courrielsA,
  etape,
  jour,
  jusquauLienDuMois,
  lancer,
  moisRegles,
  msg,
  refus,
  repondre,
  reprise,
  sansSecret,
  signer,
  verificationDuMois,
} from './outils/protocole';

let banc: Banc;

beforeAll(async () => {
  banc = await monterBanc();
  bancDuProtocole(banc);
});
afterAll(async () => {
  await banc?.fermer();
});

describe('protocole post-résiliation de 5 ans', () => {
  it('5 ans de protocole (2 ans + 3 ans d’avenant), un mois après l’autre : continue-as-new sans rien perdre', async () => {
    // Une nouvelle exécution tous les N mois réglés (12 par défaut ; 2 ici : 30 exécutions, l'état passe 29 fois de l'une à la suivante).
    const N = 2;
    const { handle, ref } = await lancer({ moisParExecution: N });
    await etape(handle, 'signature_protocole');
    await signer(handle, { dureeMois: 24, planApurement: { dette: 3000, mensualite: 50 } });
    await etape(handle, 'suivi_protocole');
    await handle.executeUpdate(avenantUpdate, {
      args: [msg({ signeLe: await aujourdhui(handle), prolongationMois: 36, planApurement: { dette: 3000, mensualite: 50 } })],
    });
    const executions = new Set<string>();
    const premier = (await handle.describe()).runId;
    executions.add(premier);
    const visite = msg({ nature: 'visite_domicile' as const, note: 'Séparation : point budget' });
    let avantReprise: EtatParcours | undefined;
    const libelle = 'Rappel : Visite à domicile (accompagnement renforcé)';
    // Les rappels d'une échéance de visite (la première, un mois après la signature, a eu le sien).
    const rappels = (due: string) => courrielsA(TS, ref).filter((m) => m.sujet.startsWith(`${libelle} au plus tard le ${dateEnFrancais(due)}`));
    const debut = ((await handle.query(etatQuery)).details.protocole as { debut: string }).debut;
    for (let k = 0; k < 60; k++) {
      if (k === N - 1) {
        // Au dernier mois de l'exécution 1, 20 jours après son début : une visite, dont l'échéance
        // suivante (un mois plus tard) et son rappel tombent après la reprise et avant le paiement du mois d'après.
        await avancerJusqua(banc, handle, ajouterDuree(jour(debut), `P${N - 1}M20D`));
        await handle.executeUpdate(accompagnementUpdate, { args: [visite] });
        avantReprise = await handle.query(etatQuery);
        const due = new Date(avantReprise.echeances.find((x) => x.id === 'visite' && x.statut === 'en_cours')!.due);
        expect(due.getTime()).toBeGreaterThan(verificationDuMois(debut, N - 1).getTime());
        expect(due.getTime()).toBeLessThan(verificationDuMois(debut, N).getTime());
      }
      const { demande, mois } = await jusquauLienDuMois(handle);
      if (k === 0 || k === 59) await attendreCourriel(BAILLEUR, ref, `Paiement ${deMois(mois)}`);
      const avant = (await handle.describe()).runId;
      await repondre(handle, demande.id, 'approuve');
      // Tous les N mois réglés (sauf au terme), le parcours continue en une nouvelle exécution.
      if ((k + 1) % N === 0 && k + 1 < 60) executions.add(await reprise(handle, avant));
      await jusqua(handle, (e) => moisRegles(e) === k + 1 || e.etape === 'nouveau_bail', `${k + 1} mois réglés`);
      if (k === N - 1) {
        // Le N-ième mois réglé : nouvelle exécution. Rien n'est perdu, le même message n'est pas rejoué.
        const repris = await jusqua(handle, (e) => e.etape === 'suivi_protocole');
        expect(executions.size).toBe(2);
        expect(repris.journal.slice(0, avantReprise!.journal.length)).toEqual(avantReprise!.journal);
        expect(repris.journal.map((x) => x.seq)).toEqual(repris.journal.map((_, i) => i + 1));
        expect(repris.demandes.slice(0, avantReprise!.demandes.length).map((d) => d.id)).toEqual(avantReprise!.demandes.map((d) => d.id));
        const echeance = avantReprise!.echeances.find((x) => x.id === 'visite' && x.statut === 'en_cours')!;
        expect(repris.echeances.filter((x) => x.id === 'visite' && x.statut === 'en_cours')).toEqual([echeance]);
        expect(await handle.executeUpdate(accompagnementUpdate, { args: [visite] })).toMatchObject({ etape: 'suivi_protocole' });
        const encore = await handle.query(etatQuery);
        expect(encore.journal.filter((x) => x.type === 'accompagnement')).toHaveLength(1);
        expect(encore.details.accompagnement).toMatchObject({ visite_domicile: 1 });
        // Une réponse à un lien d'avant la reprise reste refusée.
        expect(await refus(repondre(handle, avantReprise!.demandes.at(-1)!.id, 'refuse'))).toContain('Une réponse a déjà été enregistrée');
        // Le rappel de l'échéance réarmée part une fois, à 9 h, « rappelAvant » avant le soir où elle tombe.
        const rappelLe = rappelAttendu(echeance.due, DELAIS.rappelAvant!, await heureDuParcours(handle));
        expect(rappelLe.getTime()).toBeGreaterThan((await heureDuParcours(handle)).getTime());
        await avancerJusqua(banc, handle, apres(rappelLe, -60));
        expect(rappels(echeance.due)).toEqual([]);
        await avancerJusqua(banc, handle, apres(rappelLe));
        await attendreCourriel(TS, ref, `${libelle} au plus tard le ${dateEnFrancais(echeance.due)}`);
        expect(rappels(echeance.due)).toHaveLength(1);
      }
      if (k === N) {
        // L'échéance de visite, réarmée dans la nouvelle exécution, est passée : la coordination est alertée.
        const e = await handle.query(etatQuery);
        expect(
          e.echeances.find((x) => x.id === 'visite' && x.due === avantReprise!.echeances.find((y) => y.id === 'visite' && y.statut === 'en_cours')!.due)!
            .statut,
        ).toBe('depassee');
        expect(rappels(avantReprise!.echeances.find((y) => y.id === 'visite' && y.statut === 'en_cours')!.due)).toHaveLength(1);
      }
    }
    const etat = await etape(handle, 'nouveau_bail');
    expect(executions.size).toBe(60 / N);
    expect(etat.details.paiements).toMatchObject({ moisRegles: 60, payes: 60, impayes: 0, nonRenseignes: 0 });
    expect(etat.journal.filter((x) => x.type === 'paiement')).toHaveLength(60);
    expect(etat.journal.filter((x) => x.type === 'ouverture')).toHaveLength(1);
    expect(etat.journal.map((x) => x.seq)).toEqual(etat.journal.map((_, i) => i + 1));
    expect(etat.demandes.filter((d) => d.objet.startsWith('Paiement '))).toHaveLength(60);
    expect((etat.details.bilans as unknown[]).length).toBe(20);
    expect(etat.details.protocole).toMatchObject({ detteRestante: 0 });
    const historique = await handle.fetchHistory();
    expect(historique.events!.length).toBeLessThan(800);
    await handle.executeUpdate(nouveauBailUpdate, { args: [msg({ signeLe: await aujourdhui(handle) })] });
    const fin = await handle.result();
    expect(fin.cloture!.issue).toBe('nouveau_bail_signe');
    sansSecret(courrielsA(BAILLEUR, ref));
  }, 300_000);
});
