/**
 * L'accord du ménage pour le partage de son diagnostic (table `consentements_partage_diagnostic`,
 * système d'enregistrement) : recueilli par le travailleur social affecté ou la coordination, pour
 * les destinataires que le programme permet (domain/partage.ts) ; retirable à tout moment. Chaque
 * enregistrement est gardé (qui, quand, pour qui) ; le dernier fait foi.
 */
import type { BaseDeDonnees } from '../base';
import type { ConsentementPartage, DestinataireDiagnostic } from '../domain/partage';

export interface EnregistrementConsentement {
  accorde: boolean;
  portee: DestinataireDiagnostic[];
  par: string;
  le: Date;
}

export class ConsentementsPartage {
  constructor(private readonly db: BaseDeDonnees) {}

  /** Enregistre l'accord du ménage pour ces destinataires. */
  async recueillir(workflowId: string, portee: DestinataireDiagnostic[], par: string): Promise<void> {
    await this.db
      .insertInto('consentements_partage_diagnostic')
      .values({ workflow_id: workflowId, accorde: true, portee: JSON.stringify(portee), par })
      .execute();
  }

  /** Enregistre le retrait de l'accord : plus rien ne part à partir de maintenant. */
  async retirer(workflowId: string, par: string): Promise<void> {
    await this.db
      .insertInto('consentements_partage_diagnostic')
      .values({ workflow_id: workflowId, accorde: false, portee: JSON.stringify([]), par })
      .execute();
  }

  /** Tous les enregistrements d'un parcours, du plus ancien au plus récent. */
  async historique(workflowId: string): Promise<EnregistrementConsentement[]> {
    const l = await this.db
      .selectFrom('consentements_partage_diagnostic')
      .select(['accorde', 'portee', 'par', 'le'])
      .where('workflow_id', '=', workflowId)
      .orderBy('id', 'asc')
      .execute();
    return l.map((x) => ({ accorde: x.accorde, portee: x.portee as DestinataireDiagnostic[], par: x.par, le: x.le }));
  }

  /** Le consentement en vigueur : le dernier accord, marqué retiré si un retrait l'a suivi. */
  async actuel(workflowId: string): Promise<ConsentementPartage | undefined> {
    return consentementEnVigueur(await this.historique(workflowId));
  }
}

/** Le consentement en vigueur d'après l'historique (fonction pure). */
export function consentementEnVigueur(h: EnregistrementConsentement[]): ConsentementPartage | undefined {
  let accord: EnregistrementConsentement | undefined;
  let retrait: EnregistrementConsentement | undefined;
  for (const e of h) {
    if (e.accorde) {
      accord = e;
      retrait = undefined;
    } else if (accord) retrait = e;
  }
  if (!accord) return undefined;
  return {
    portee: accord.portee,
    recueilliPar: accord.par,
    recueilliLe: accord.le.toISOString(),
    ...(retrait ? { retireLe: retrait.le.toISOString(), retirePar: retrait.par } : {}),
  };
}
