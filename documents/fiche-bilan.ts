/**
 * La fiche-bilan de mesure (IML sortie de structure, bail glissant ; seeds/003) : après chaque
 * bilan de mesure (à 6 et 10 mois), l'opérateur l'adresse à la DDETS, qui agrée et finance les
 * mesures. Elle est NON NOMINATIVE : la référence du dossier seulement, ni nom, ni adresse du
 * logement, ni rien de ce que le ménage a confié (notes, freins, ressources).
 */
import { LIBELLES_AXES, LIBELLES_COMPOSITIONS, LIBELLES_STRUCTURES, libelleTypologie, type AxeAccompagnement } from '../domain/iml';
import { date, dureeEnFrancais, exigerLecteur, exigerType, identification, nombre, objet, tableau, texte } from './commun';
import { DocumentIndisponible, type Bloc, type DocumentImprimable, type Lecteur, type SourceDocument } from './modele';

export const PAIEMENTS_LOYER: Record<string, string> = { regulier: 'régulier', irregulier: 'irrégulier', impayes: 'impayés' };
export const SITUATIONS: Record<string, string> = { stable: 'stabilisée', fragile: 'fragile', degradee: 'dégradée' };
export const DECISIONS_BILAN: Record<string, string> = {
  glissement: 'glissement du bail sans attendre le terme de la mesure',
  poursuivre: 'poursuite de la mesure pendant 6 mois',
};

/** Une fiche de `details.bilans` telle que le parcours IML l'écrit (lue avec prudence). */
interface Fiche {
  jalon: string;
  libelle: string;
  tenuLe?: string;
  paiementLoyer?: string;
  situation?: string;
  bailleurPresent?: boolean;
  menagePresent?: boolean;
  decision?: string;
  loyers: { payes: number; partiels: number; impayes: number };
  accompagnement: { rendezVous: number; visitesDomicile: number; liensPartenaires: number; axes: string[] };
}

function lireFiche(x: unknown): Fiche | undefined {
  const o = objet(x);
  const jalon = texte(o?.jalon);
  if (!o || !jalon) return undefined;
  const l = objet(o.loyers);
  const a = objet(o.accompagnement);
  return {
    jalon,
    libelle: texte(o.libelle) ?? `Bilan de mesure à ${dureeEnFrancais(jalon)}`,
    tenuLe: texte(o.tenuLe),
    paiementLoyer: texte(o.paiementLoyer),
    situation: texte(o.situation),
    bailleurPresent: o.bailleurPresent === true,
    menagePresent: o.menagePresent === true,
    decision: texte(o.decision),
    loyers: { payes: nombre(l?.payes), partiels: nombre(l?.partiels), impayes: nombre(l?.impayes) },
    accompagnement: {
      rendezVous: nombre(a?.rendezVous),
      visitesDomicile: nombre(a?.visitesDomicile),
      liensPartenaires: nombre(a?.liensPartenaires),
      axes: tableau(a?.axes).filter((x): x is string => typeof x === 'string'),
    },
  };
}

/** Les bilans de mesure tenus (jalons), dans l'ordre. */
export function jalonsFichesBilan(s: Pick<SourceDocument, 'etat'>): string[] {
  return tableau(s.etat.details.bilans)
    .map(lireFiche)
    .filter((f): f is Fiche => !!f)
    .map((f) => f.jalon);
}

export function ficheBilan(s: SourceDocument, lecteur: Lecteur): DocumentImprimable {
  exigerType(s.etat, 'iml_bail_glissant', 'La fiche-bilan de mesure n’existe que pour une mesure IML (bail glissant).');
  exigerLecteur(lecteur, ['equipe', 'partenaires'], 'La fiche-bilan de mesure');
  const fiches = tableau(s.etat.details.bilans)
    .map(lireFiche)
    .filter((f): f is Fiche => !!f);
  if (!fiches.length)
    throw new DocumentIndisponible('Aucun bilan de mesure n’a encore été tenu : la fiche-bilan est préparée après chaque bilan (6 et 10 mois).');
  const f = s.jalon ? fiches.find((x) => x.jalon === s.jalon) : fiches[fiches.length - 1];
  if (!f) throw new DocumentIndisponible(`Aucun bilan de mesure « ${s.jalon} » dans ce parcours (bilans tenus : ${fiches.map((x) => x.jalon).join(', ')}).`);

  const d = s.etat.details;
  const candidature = objet(d.candidature);
  const logement = objet(d.logement);
  const mesure = objet(d.mesure);
  const composition = LIBELLES_COMPOSITIONS[texte(candidature?.composition) as keyof typeof LIBELLES_COMPOSITIONS];
  const structure = LIBELLES_STRUCTURES[texte(candidature?.structure) as keyof typeof LIBELLES_STRUCTURES];
  const presence =
    f.bailleurPresent && f.menagePresent
      ? 'Le bailleur et le ménage'
      : f.menagePresent
        ? 'Le ménage'
        : f.bailleurPresent
          ? 'Le bailleur'
          : 'Ni le bailleur ni le ménage';
  const axes = f.accompagnement.axes.map((a) => LIBELLES_AXES[a as AxeAccompagnement] ?? a);

  const blocs: Bloc[] = [
    { type: 'infos', lignes: [...identification(s, 'IML sortie de structure — bail glissant'), ['Destinataire', 'DDETS (services de l’État)']] },
    { type: 'titre', texte: 'Le bilan' },
    {
      type: 'infos',
      lignes: [
        ['Bilan', f.libelle],
        ['Tenu le', date(f.tenuLe)],
        ['Présents', presence],
        ...(f.decision ? ([['Décision', DECISIONS_BILAN[f.decision] ?? f.decision]] as Array<[string, string]>) : []),
      ],
    },
    { type: 'titre', texte: 'La mesure' },
    {
      type: 'infos',
      lignes: [
        ['Ménage', composition ?? 'composition non renseignée'],
        ['Sorti de', structure ?? 'structure non renseignée'],
        ['Sous-location depuis le', date(mesure?.debut)],
        ['Glissement envisagé le', date(mesure?.glissementPrevuLe)],
        [
          'Logement',
          `${logement?.typologie ? libelleTypologie(String(logement.typologie)) : 'typologie non renseignée'}, bailleur ${logement?.typeBailleur === 'prive' ? 'privé' : 'public'} conventionné`,
        ],
      ],
    },
    { type: 'titre', texte: 'Paiement du loyer' },
    {
      type: 'tableau',
      legende: 'Loyers constatés depuis le début de la sous-location',
      colonnes: ['Paiement du loyer', 'Mois payés', 'Payés partiellement', 'Impayés'],
      lignes: [[PAIEMENTS_LOYER[f.paiementLoyer ?? ''] ?? 'non renseigné', String(f.loyers.payes), String(f.loyers.partiels), String(f.loyers.impayes)]],
      vide: 'Aucun loyer constaté.',
    },
    { type: 'titre', texte: 'Situation du ménage et accompagnement social' },
    {
      type: 'infos',
      lignes: [
        ['Situation du ménage', SITUATIONS[f.situation ?? ''] ?? 'non renseignée'],
        ['Rendez-vous', String(f.accompagnement.rendezVous)],
        ['Visites à domicile', String(f.accompagnement.visitesDomicile)],
        ['Liens avec des partenaires', String(f.accompagnement.liensPartenaires)],
        ['Axes travaillés', axes.length ? axes.join(', ') : 'aucun axe renseigné'],
      ],
    },
    {
      type: 'note',
      texte:
        'Fiche non nominative : le dossier est désigné par sa référence. Les éléments confiés par le ménage restent confidentiels : ils ne figurent pas dans cette fiche.',
    },
  ];
  return {
    nom: 'fiche-bilan',
    titre: `Fiche-bilan de mesure — dossier ${s.etat.reference}`,
    intitule: `Fiche-bilan de mesure — ${f.libelle.toLowerCase()}`,
    genre: 'fiche',
    fichier: `fiche-bilan-${s.etat.reference}-${f.jalon}`,
    auteur: s.programme.operateur.nom,
    lecteur,
    blocs,
  };
}
