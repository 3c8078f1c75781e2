/**
 * Un workflow écrit pour les tests des blocs communs : notification, échéance (rappel, alerte),
 * demande de validation (rappels, escalade, décision), messages idempotents et refus motivés.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { Enveloppe } from '../../domain/messages';
import type { DemandeValidation, Menage, Programme } from '../../domain/vocabulaire';
import { attendre } from '../../workflows/blocs/attente';
import { demanderValidation } from '../../workflows/blocs/validation';
import { notifier } from '../../workflows/blocs/notification';
import { Interruption, Parcours } from '../../workflows/blocs/parcours';

export interface EntreeEssai {
  programme: Programme;
  menage: Menage;
  travailleurSocial?: string;
  /** Délai de l'échéance « visite » et rappel avant. */
  delaiVisite: string;
  rappelAvant?: string;
  delaiValidation: string;
}

export const visiteFaiteUpdate = defineUpdate<{ compte: number }, [Enveloppe & { note: string }]>('visiteFaite');

export async function essaiBlocs(e: EntreeEssai): Promise<{ visite: 'tenue' | 'depassee'; demande: DemandeValidation; visites: number }> {
  const p = new Parcours({
    typeParcours: 'prevention_precontentieuse',
    programme: e.programme,
    reference: e.menage.reference,
    etape: 'aller_vers',
    libelleEtape: 'Aller vers le ménage',
    travailleurSocial: e.travailleurSocial,
  }).ouvrir();
  p.detailsConfidentiels.menage = e.menage;

  let visites = 0;
  p.message(visiteFaiteUpdate, {
    valider: (m) =>
      p.etape !== 'aller_vers'
        ? `La visite ne peut plus être enregistrée : le parcours est à l’étape « ${p.libelleEtape} ».`
        : m.note.length === 0
          ? 'Note de visite vide.'
          : undefined,
    appliquer: (m) => {
      visites += 1;
      p.journal.noter('visite', 'Visite à domicile : ménage rencontré', { acteur: { type: 'personnel', id: m.par } });
      p.echeances.tenir('visite');
      return { compte: visites };
    },
  });

  await notifier(p, {
    a: { role: 'bailleur' },
    sujet: `Orientation du dossier ${e.menage.reference} vers l’accompagnement`,
    paragraphes: ['Le ménage a été orienté vers notre accompagnement. Nous revenons vers vous après le premier contact.'],
  });

  const visite = p.echeances.suivre({
    id: 'visite',
    libelle: 'Première visite à domicile',
    delai: e.delaiVisite,
    rappelAvant: e.rappelAvant,
    responsable: 'travailleur_social',
  });
  // Comme les vrais parcours, l'attente du premier contact cède à une clôture anticipée : la
  // clôture prend effet aussitôt (sinon la réponse de l'API l'attendrait une minute).
  let fin: Interruption['fin'] | undefined;
  try {
    await p.attendre(() => visites > 0 || visite.depassee);
  } catch (e) {
    if (!(e instanceof Interruption)) throw e;
    fin = e.fin;
  }
  if (fin) {
    await p.clore(fin.issue, fin.motif, fin.acteur);
    return { visite: 'depassee', demande: undefined as never, visites };
  }
  const issueVisite = visites > 0 ? 'tenue' : 'depassee';
  if (issueVisite === 'depassee') await attendre(() => visites > 0, 24 * 3600 * 1000);

  p.changerEtape('validation', 'Validation du plan par le département');
  const demande = await demanderValidation(p, {
    role: 'departement',
    objet: 'Validation du plan d’aide avec une mesure ASLL',
    apercu: ['Mesure recommandée : ASLL de 6 mois.', 'Plan d’apurement proposé : 50 € par mois.'],
    delai: e.delaiValidation,
  });
  p.changerEtape('suivi', 'Suivi');
  // Le parcours reste ouvert un peu pour que les tests puissent envoyer des réponses tardives. Clos
  // d'ici là (clôture anticipée), il reste encore ouvert, comme un parcours en veille active.
  try {
    await p.attendre(() => false, 60 * 24 * 3600 * 1000);
  } catch (err) {
    if (!(err instanceof Interruption)) throw err;
    await p.clore(err.fin.issue, err.fin.motif, err.fin.acteur);
    await attendre(() => false, 60 * 24 * 3600 * 1000);
  }
  return { visite: issueVisite, demande, visites };
}
