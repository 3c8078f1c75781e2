/**
 * La file des mesures IML d'un programme (journeys.md, « Journey 2 », étape 3) : au plus
 * `quotas.mesuresActives` mesures actives à la fois (10 agréées par la DDETS à Concarneau) ; une
 * candidature validée au-delà attend son tour, premier arrivé premier servi, et démarre d'elle-même
 * quand une mesure se termine.
 *
 * Un workflow par programme, `file-iml--<programme>`, créé par la première demande
 * (signalWithStart, voir activities/file-iml.ts) et qui ne se termine jamais : il continue en une
 * nouvelle exécution (continue-as-new), à un point stable, quand son historique s'allonge.
 *
 * Les signaux reçus sont mis dans une boîte et appliqués un à un par la boucle principale : l'état
 * (actives, file) n'est modifié qu'à un seul endroit, dans l'ordre d'arrivée. Chaque mesure est
 * comptée une fois (identifiant de workflow et d'exécution) : un signal reçu deux fois ne compte
 * pas deux fois, une demande tardive d'une mesure déjà libérée est ignorée.
 */
import { condition, getExternalWorkflowHandle, makeContinueAsNewFunc, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  demanderPlaceSignal,
  fileImlQuery,
  libererPlaceSignal,
  placeAccordeeSignal,
  quotaFileImlSignal,
  type CompteursFile,
  type DemandePlace,
  type EntreeFileIml,
  type EtatFileIml,
  type LiberationPlace,
  type MesureActive,
  type MesureEnAttente,
} from '../domain/iml';

/** Exécutions libérées gardées en mémoire (contre les demandes tardives rejouées). */
const LIBEREES_GARDEES = 500;

type Evenement = { demande: DemandePlace } | { liberation: LiberationPlace } | { quota: number; versionProgramme: number };

export async function fileIml(e: EntreeFileIml): Promise<void> {
  let quota = e.quota;
  let versionProgramme = e.versionProgramme;
  const actives: MesureActive[] = [...(e.actives ?? [])];
  const file: MesureEnAttente[] = [...(e.file ?? [])];
  const liberees: string[] = [...(e.liberees ?? [])];
  const compteurs: CompteursFile = { demandes: 0, accordees: 0, liberees: 0, retirees: 0, ...e.compteurs };
  const execution = e.execution ?? 1;
  const boite: Evenement[] = [];

  setHandler(demanderPlaceSignal, (demande) => void boite.push({ demande }));
  setHandler(libererPlaceSignal, (liberation) => void boite.push({ liberation }));
  setHandler(quotaFileImlSignal, (q) => void boite.push(q));
  setHandler(fileImlQuery, (): EtatFileIml => ({
    programmeId: e.programmeId,
    quota,
    versionProgramme,
    placesLibres: Math.max(0, quota - actives.length),
    actives: actives.map((a) => ({ ...a })),
    file: file.map((m, i) => ({ ...m, rang: i + 1 })),
    compteurs: { ...compteurs },
    execution,
  }));

  const cle = (m: { mesure: string; execution: string }) => `${m.mesure}/${m.execution}`;
  const retirer = <T extends { mesure: string }>(l: T[], mesure: string): T | undefined => {
    const i = l.findIndex((x) => x.mesure === mesure);
    return i >= 0 ? l.splice(i, 1)[0] : undefined;
  };

  function demander(d: DemandePlace): void {
    // Le quota suit la version la plus récente du programme (un nouvel agrément de la DDETS).
    if (d.quota > 0 && d.versionProgramme >= versionProgramme) {
      quota = d.quota;
      versionProgramme = d.versionProgramme;
    }
    if (liberees.includes(cle(d))) return; // demande rejouée d'une mesure déjà terminée
    const active = actives.find((x) => x.mesure === d.mesure);
    const enFile = file.find((x) => x.mesure === d.mesure);
    if ((active ?? enFile)?.execution === d.execution) return; // déjà comptée
    // Même dossier relancé (l'exécution précédente a été interrompue sans rendre sa place) :
    // l'ancienne exécution sort des comptes, la nouvelle prend son tour.
    if (active) retirer(actives, d.mesure);
    if (enFile) retirer(file, d.mesure);
    compteurs.demandes += 1;
    const rang = file.findIndex((x) => x.depuis > d.demandeeLe);
    const entree: MesureEnAttente = { mesure: d.mesure, execution: d.execution, reference: d.reference, depuis: d.demandeeLe };
    if (rang < 0) file.push(entree);
    else file.splice(rang, 0, entree);
  }

  function liberer(l: LiberationPlace): void {
    liberees.push(cle(l));
    if (liberees.length > LIBEREES_GARDEES) liberees.splice(0, liberees.length - LIBEREES_GARDEES);
    const active = actives.find((x) => x.mesure === l.mesure && x.execution === l.execution);
    if (active) {
      retirer(actives, l.mesure);
      compteurs.liberees += 1;
      return;
    }
    const enFile = file.find((x) => x.mesure === l.mesure && x.execution === l.execution);
    if (enFile) {
      retirer(file, l.mesure);
      compteurs.retirees += 1;
    }
  }

  /** Accorde les places libres aux premières mesures de la file. */
  async function accorder(): Promise<void> {
    while (actives.length < quota && file.length > 0) {
      const m = file.shift()!;
      const accordeeLe = new Date().toISOString();
      actives.push({ mesure: m.mesure, execution: m.execution, reference: m.reference, depuis: accordeeLe, demandeeLe: m.depuis });
      try {
        await getExternalWorkflowHandle(m.mesure).signal(placeAccordeeSignal, { accordeeLe, execution: m.execution });
        compteurs.accordees += 1;
      } catch {
        // La mesure n'existe plus (interrompue avant de recevoir sa place) : la place va à la suivante.
        retirer(actives, m.mesure);
        compteurs.retirees += 1;
      }
    }
  }

  const historiqueLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (e.seuilHistorique !== undefined && info.historyLength >= e.seuilHistorique);
  };

  for (;;) {
    await accorder();
    await condition(() => boite.length > 0 || historiqueLong());
    if (boite.length === 0) {
      // Point stable : aucun signal en attente, aucune place en cours d'attribution.
      const continuer = makeContinueAsNewFunc<typeof fileIml>({ workflowTaskTimeout: workflowInfo().taskTimeoutMs });
      await continuer({
        programmeId: e.programmeId,
        quota,
        versionProgramme,
        actives,
        file,
        compteurs,
        liberees,
        execution: execution + 1,
        seuilHistorique: e.seuilHistorique,
      });
    }
    while (boite.length > 0) {
      const ev = boite.shift()!;
      if ('demande' in ev) demander(ev.demande);
      else if ('liberation' in ev) liberer(ev.liberation);
      else if (ev.quota > 0 && ev.versionProgramme >= versionProgramme) {
        // Un nouvel agrément (réglages du programme) : plus de places s'accordent aussitôt ; moins, les
        // mesures en cours continuent et la file attend que des places se libèrent.
        quota = ev.quota;
        versionProgramme = ev.versionProgramme;
      }
    }
  }
}
