/**
 * Banc de mesure du système d'enregistrement (pas un test chronométré) : N dossiers (100 000 par
 * défaut) de types, d'étapes et d'issues mêlés, nommés, consignés par le même écrivain que l'activité
 * (dossiers/registre.ts : chiffrement, index aveugle du nom, journal, fiche d'indicateurs) dans un
 * PostgreSQL embarqué temporaire. Puis, mesurés par les fonctions de l'API :
 *  - le tableau de bord d'une coordination (ses programmes, parcours ouverts, première page) ;
 *  - « mes ménages » d'un travailleur social ;
 *  - une recherche par début de nom ;
 *  - les indicateurs d'un programme sur un an (lecture des fiches + calcul), à froid.
 * Chaque ligne donne p50, p95, l'objectif et le rapport p95 / objectif.
 *
 *   npm run bench:dossiers              # 100 000 dossiers
 *   npm run bench:dossiers -- 20000     # autre volume
 */
import { ficheDepuisEtat } from '../domain/indicateurs';
import { RegistreDossiers, type Portee } from '../dossiers/registre';
import { calculerIndicateurs } from '../indicateurs/calcul';
import { RegistreIndicateurs } from '../indicateurs/registre';
import { aleatoire, etatsSynthetiques } from '../indicateurs/synthese';
import { generateKeyRingValue, parseKeyRing } from '../securite/cles';
import { Coffre } from '../securite/coffre';
import { ouvrirBase } from '../base';
import { avecPostgresTemporaire, messagesDErreur, PROGRAMMES_BANC, quantile } from './banc-commun';

const N = Number(process.argv[2] ?? 100_000);
const REPETITIONS = 200;
const JOUR = 86_400_000;

const NOMS = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Lefebvre',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Nguyen',
  'Benali',
  'Diallo',
  'Traoré',
  'Mendes',
  'Kowalski',
];
const PRENOMS = [
  'Marie',
  'Nathalie',
  'Isabelle',
  'Sylvie',
  'Catherine',
  'Karim',
  'Fatou',
  'Jean',
  'Pierre',
  'Sophie',
  'Amina',
  'Julien',
  'Chantal',
  'Mohamed',
  'Léa',
];

async function mesurer(nom: string, objectifMs: number, n: number, f: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 5; i++) await f(i); // échauffement
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    await f(i);
    t.push(performance.now() - a);
  }
  const p95 = quantile(t, 0.95);
  console.log(`| ${nom} | ${quantile(t, 0.5).toFixed(1)} ms | ${p95.toFixed(1)} ms | ≤ ${objectifMs} ms | ${(p95 / objectifMs).toFixed(2)} |`);
}

async function main() {
  await avecPostgresTemporaire('bench-dossiers', async ({ url, base }) => {
    const coffre = new Coffre(parseKeyRing(generateKeyRingValue('aes256', 'banc'), { name: 'PAYLOAD_ENCRYPTION_KEYS', kind: 'aes256' }));
    const registre = new RegistreDossiers(base, coffre);
    const hasard = aleatoire(3);
    const maintenant = Date.now();
    const etats = etatsSynthetiques(N, PROGRAMMES_BANC, { graine: 5 });
    for (const [i, e] of etats.entries()) {
      const nom = `${PRENOMS[Math.floor(hasard() * PRENOMS.length)]} ${NOMS[Math.floor(hasard() * NOMS.length)]}${hasard() < 0.2 ? `-${NOMS[Math.floor(hasard() * NOMS.length)]}` : ''}`;
      e.detailsConfidentiels = {
        menage: { reference: e.reference, nom, adresse: `${i % 200} rue du Banc`, composition: 'personne_seule', accepteCourriel: false },
      };
      e.travailleurSocial = `ts.${e.programme.id}.${i % 12}`;
      if (!e.cloture) {
        const due = new Date(maintenant + (hasard() * 60 - 10) * JOUR).toISOString();
        e.echeances = [{ id: 'contact', libelle: 'Premier contact', due, statut: hasard() < 0.1 ? 'depassee' : 'en_cours', responsable: 'travailleur_social' }];
      }
    }
    const t0 = performance.now();
    const LOT = 64;
    for (let i = 0; i < etats.length; i += LOT) {
      await Promise.all(
        etats.slice(i, i + LOT).map((e, k) => registre.consigner({ etat: e, journalDepuis: 1, fiche: ficheDepuisEtat(e), version: i + k + 1 })),
      );
      if ((i / LOT) % 200 === 0) process.stdout.write(`\r${i + LOT} / ${N} dossiers consignés…`);
    }
    await base.selectFrom('dossiers').select('workflow_id').limit(1).execute();
    const ouverts = etats.filter((e) => !e.cloture).length;
    console.log(`\r${N} dossiers consignés en ${((performance.now() - t0) / 1000).toFixed(0)} s (${ouverts} ouverts), PostgreSQL embarqué\n`);
    await import('kysely').then(({ sql }) => sql`analyze`.execute(base));

    const coordination: Portee = { programmes: ['loiret-ahu', 'besancon-ccas'] };
    const page = { page: 1, taille: 50 };
    console.log('| mesure | p50 | p95 | objectif | p95 / objectif |');
    console.log('| --- | --- | --- | --- | --- |');
    await mesurer('tableau de bord d’une coordination (2 programmes, ouverts, page 1)', 100, REPETITIONS, () =>
      registre.lister(coordination, { cloture: false }, page),
    );
    await mesurer('tableau de bord, page 20', 100, REPETITIONS, () => registre.lister(coordination, { cloture: false }, { page: 20, taille: 50 }));
    await mesurer('tableau de bord, en retard seulement', 100, REPETITIONS, () => registre.lister(coordination, { cloture: false, enRetard: true }, page));
    await mesurer('« mes ménages » d’un travailleur social', 100, REPETITIONS, (i) =>
      registre.lister({ travailleurSocial: `ts.loiret-ahu.${i % 12}` }, { cloture: false }, page),
    );
    await mesurer('recherche par début de nom (coordination, ouverts et clos)', 100, REPETITIONS, (i) => {
      const n = NOMS[i % NOMS.length]!;
      return registre.lister(coordination, { recherche: n.slice(0, 3 + (i % 3)) }, page);
    });
    await mesurer('recherche prénom et nom', 100, REPETITIONS, (i) =>
      registre.lister({ tous: true }, { recherche: `${PRENOMS[i % PRENOMS.length]} ${NOMS[i % NOMS.length]}` }, page),
    );

    const an = { du: new Date(maintenant - 365 * JOUR).toISOString().slice(0, 10), au: new Date(maintenant).toISOString().slice(0, 10) };
    await mesurer('indicateurs d’un programme sur un an (loiret-ahu, à froid)', 1000, 7, async () => {
      const connexion = ouvrirBase(url, { max: 1 });
      const { fiches } = await new RegistreIndicateurs(connexion).fichesDuProgramme('loiret-ahu', an);
      await connexion.destroy();
      return calculerIndicateurs(fiches, 'loiret-ahu', an);
    });
  });
}

main().catch((e) => {
  console.error(messagesDErreur(e));
  process.exit(1);
});
