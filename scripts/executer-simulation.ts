/**
 * Mène une simulation demandée depuis la page d'administration (« Simuler l'année d'un programme ») :
 *
 *   DATABASE_URL=postgres://… node --import tsx scripts/executer-simulation.ts <id>
 *
 * L'API le lance dans un processus à part (simulations/lanceur.ts). Il prend la simulation en attente
 * dans la table `simulations`, la joue comme `npm run simuler` (scripts/simulation/annee.ts : même
 * moteur à part, mêmes parcours, même bilan), écrit toutes les 2 secondes son avancement et son signe
 * de vie, puis le bilan, ou l'erreur en français. Arrêté (SIGTERM, SIGINT), il note la simulation
 * « interrompue » ; tué sans pouvoir le dire, elle le devient d'elle-même deux minutes plus tard.
 */
import { existsSync } from 'node:fs';
import '../domain/zod-fr';
import { ouvrirBase } from '../base';
import { cheminCliTemporal } from '../simulations/lanceur';
import { RegistreSimulations, type Simulation } from '../simulations/registre';
import { messagesDErreur } from './banc-commun';
import { ErreurUsage, jouerAnnee, preparerAnnee, rapportDe, type OptionsAnnee } from './simulation/annee';

const PERIODE_MS = 2_000;

/** Les options de l'année depuis la demande : les réglages des programmes tels qu'au moment de la demande. */
function optionsDeLaDemande(s: Simulation): OptionsAnnee {
  return {
    programmes: s.programmes.map((p) => ({ programme: p.definition, nombre: p.menages })),
    graine: s.graine,
    ...(s.options.travailleurs !== undefined ? { travailleurs: s.options.travailleurs } : {}),
    enRetard: s.options.enRetard,
    horizonMois: 48,
    concurrence: 24,
    fenetreJours: 7,
  };
}

const pluriel = (n: number, un: string, plusieurs: string) => `${n.toLocaleString('fr-FR')} ${n > 1 ? plusieurs : un}`;

async function main(): Promise<number> {
  const id = process.argv[2];
  const url = process.env.DATABASE_URL;
  if (!id || !url) {
    console.error('Usage : DATABASE_URL=postgres://… node --import tsx scripts/executer-simulation.ts <identifiant de la simulation>');
    return 2;
  }
  const base = ouvrirBase(url, { max: 2 });
  const registre = new RegistreSimulations(base);
  try {
    const simulation = await registre.commencer(id);
    if (!simulation) {
      console.error(`Simulation ${id} introuvable ou plus en attente : rien à faire.`);
      return 1;
    }
    if (!existsSync(cheminCliTemporal())) {
      await registre.echouer(
        id,
        'Le programme Temporal (CLI), qui fournit le moteur à part de la simulation, n’est pas installé sur ce serveur : lancez « npm run setup » (ou donnez son chemin dans TEMPORAL_CLI_PATH).',
      );
      return 1;
    }

    const avancement = {
      faites: 0,
      total: null as number | null,
      message: 'Montage du moteur de simulation (serveur Temporal à part, base temporaire, worker du produit).',
    };
    let perdue = false;
    let ecriture: Promise<unknown> = Promise.resolve();
    const battement = setInterval(() => {
      ecriture = ecriture.then(async () => {
        if (perdue) return;
        if (!(await registre.battre(id, avancement).catch(() => true))) {
          // Déclarée interrompue entre-temps (plus de deux minutes sans signe de vie) : on s'arrête.
          perdue = true;
          console.error(`Simulation ${id} déclarée interrompue : arrêt.`);
          process.exit(1);
        }
      });
    }, PERIODE_MS);
    const arreter = (signal: string) => {
      clearInterval(battement);
      void registre
        .echouer(id, `La simulation a été arrêtée sur le serveur (signal ${signal}) avant la fin. Vous pouvez la relancer.`, 'interrompue')
        .finally(() => process.exit(1));
    };
    process.once('SIGTERM', () => arreter('SIGTERM'));
    process.once('SIGINT', () => arreter('SIGINT'));

    try {
      const annee = preparerAnnee(optionsDeLaDemande(simulation));
      let menages = 0;
      const dire = () => {
        avancement.message = `${pluriel(avancement.faites, 'étape jouée', 'étapes jouées')} sur ${pluriel(avancement.total ?? 0, 'prévue', 'prévues')} ; ${pluriel(menages, 'ménage terminé', 'ménages terminés')} sur ${annee.total}.`;
      };
      const jouee = await jouerAnnee(annee, {
        moteurMonte: () => {
          avancement.total = annee.plan.menages.reduce((n, p) => n + 1 + p.etapes.length, 0);
          dire();
        },
        etape: (faites, prevues) => {
          avancement.faites = faites;
          avancement.total = prevues;
          dire();
        },
        menageTermine: (faits) => {
          menages = faits;
          dire();
        },
      });
      clearInterval(battement);
      await ecriture;
      const rapport = rapportDe(annee, jouee);
      await registre.terminer(
        id,
        rapport,
        `${pluriel(annee.total, 'ménage simulé', 'ménages simulés')}, ${pluriel(rapport.etapes, 'étape jouée', 'étapes jouées')} sur les parcours.`,
      );
      return 0;
    } catch (e) {
      clearInterval(battement);
      await ecriture;
      console.error(messagesDErreur(e));
      const message =
        e instanceof ErreurUsage
          ? `La demande ne peut pas être simulée : ${e.message}.`
          : `La simulation s’est arrêtée sur une erreur imprévue. Détail technique, pour l’équipe qui exploite le serveur : ${e instanceof Error ? e.message : String(e)}`;
      await registre.echouer(id, message);
      return 1;
    }
  } finally {
    await base.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(messagesDErreur(e));
    process.exit(1);
  },
);
