/**
 * L'administration du personnel : comptes, invitations, absences et remplacements. Les comptes ne
 * s'administrent que d'ici (ou des pages /personnel), jamais en éditant un fichier.
 *
 * GET    /api/personnel                              comptes (admin : tous ; coordination : ceux de ses programmes, en lecture)
 * POST   /api/personnel                              {id, nom, courriel, role, programmes} inviter (admin)
 * PATCH  /api/personnel/:id                          {nom?, courriel?, role?, programmes?, actif?} (admin)
 * POST   /api/personnel/:id/invitation               nouvelle invitation ; la précédente ne vaut plus (admin)
 * GET    /api/absences                               absences en cours et à venir (admin, coordination)
 * POST   /api/personnel/:id/absences                 {du, au, remplacant} (admin, coordination du programme)
 * DELETE /api/personnel/:id/absences/:absence        annuler une absence
 *
 * Un changement vaut aussitôt sur l'API qui l'a fait (annuaire relu) ; les autres API le voient à
 * leur prochaine relecture (30 s au plus). Un compte désactivé, lui, ne se connecte plus nulle part,
 * aussitôt : ses sessions sont supprimées et la base est relue à chaque session ouverte ou présentée.
 */
import { invitationPersonnel } from '../../courriers/personnel';
import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { Personne } from '../../personnel/annuaire';
import { AbsencesPersonnel, type Absence } from '../../personnel/absences';
import { jourDeParis } from '../../domain/durees';
import { ComptesPersonnel, RefusPersonnel, type Compte } from '../../personnel/comptes';
import { personneDe } from '../auth';
import { envoyerDepuisApi } from '../courrier';
import type { DependancesApi } from '../dependances';
import { analyser, interdit, introuvable, invalide, Probleme } from '../problemes';
import { idCompteSchema } from '../schemas-api';
import { declarationAbsenceSchema, idAbsenceSchema, invitationCompteSchema, LIBELLES_ROLE_COMPTE, modificationCompteSchema } from '../schemas-personnel';

const maintenantDe = (deps: DependancesApi) => deps.maintenant ?? (() => new Date());
export const comptesDe = (deps: DependancesApi) => new ComptesPersonnel(deps.base, maintenantDe(deps));
export const absencesDe = (deps: DependancesApi) => new AbsencesPersonnel(deps.base, maintenantDe(deps));

/** Un refus du domaine (personnel/) → 404, 409 ou 400 qui nomme le champ. */
async function depuisPersonnel<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof RefusPersonnel)) throw e;
    if (e.nature === 'introuvable') throw introuvable(e.message);
    if (e.nature === 'conflit') throw new Probleme(409, e.message);
    throw invalide(e.champ ?? '(corps)', e.message);
  }
}

const exigerAdmin = (p: Personne) => {
  if (p.role !== 'admin') throw interdit('Seule l’administration gère les comptes du personnel.');
};

const exigerLecture = (p: Personne) => {
  if (p.role !== 'admin' && p.role !== 'coordinateur') throw interdit('La liste du personnel est réservée à la coordination et à l’administration.');
};

/** Les programmes connus du catalogue, sinon 400 qui nomme le champ. */
function verifierProgrammes(deps: DependancesApi, programmes: string[] | undefined): void {
  const inconnu = programmes?.find((id) => !deps.catalogue.trouver(id));
  if (inconnu) throw invalide('programmes', `programme inconnu : « ${inconnu} »`);
}

/** Les comptes que cette personne voit : tous pour l'admin ; pour la coordination, ceux qui suivent un de ses programmes. */
const visible = (lecteur: Personne, c: Pick<Compte, 'role' | 'programmes'>) =>
  lecteur.role === 'admin' || (c.role !== 'admin' && c.programmes.some((p) => lecteur.programmes.includes(p)));

export const absenceEnJson = (a: Absence, jour: string, menages?: Map<string, number>) => ({
  id: a.id,
  personne: a.personneId,
  nomPersonne: a.nomPersonne,
  du: a.du,
  au: a.au,
  remplacant: a.remplacantId,
  nomRemplacant: a.nomRemplacant,
  enCours: a.du <= jour,
  ...(menages ? { menagesSuivis: menages.get(a.personneId) ?? 0 } : {}),
  declareePar: a.declareePar,
  declareeLe: a.declareeLe.toISOString(),
});

const compteEnJson = (c: Compte, absences: ReturnType<typeof absenceEnJson>[]) => ({
  id: c.id,
  nom: c.nom,
  courriel: c.courriel,
  role: c.role,
  libelleRole: LIBELLES_ROLE_COMPTE[c.role],
  programmes: c.programmes,
  actif: c.actif,
  motDePasseChoisi: c.motDePasseChoisi,
  ...(c.invitationExpireLe ? { invitationExpireLe: c.invitationExpireLe.toISOString() } : {}),
  absences: absences.filter((a) => a.personne === c.id),
});

/** Les absences en cours et à venir que cette personne voit, avec le nombre de ménages suivis par chaque absent. */
export async function lireAbsences(deps: DependancesApi, lecteur: Personne) {
  exigerLecture(lecteur);
  const comptes = (await comptesDe(deps).lister()).filter((c) => visible(lecteur, c));
  const absences = await absencesDe(deps).lister(comptes.map((c) => c.id));
  const menages = await absencesDe(deps).menagesSuivis(
    [...new Set(absences.map((a) => a.personneId))],
    lecteur.role === 'admin' ? undefined : lecteur.programmes,
  );
  const jour = jourDeParis(maintenantDe(deps)());
  return absences.map((a) => absenceEnJson(a, jour, menages));
}

export async function listerComptes(deps: DependancesApi, lecteur: Personne) {
  exigerLecture(lecteur);
  const comptes = (await comptesDe(deps).lister()).filter((c) => visible(lecteur, c));
  const absences = await lireAbsences(deps, lecteur);
  return comptes.map((c) => compteEnJson(c, absences));
}

async function compteEnJsonSeul(deps: DependancesApi, lecteur: Personne, c: Compte) {
  return compteEnJson(
    c,
    (await lireAbsences(deps, lecteur)).filter((a) => a.personne === c.id),
  );
}

/** Le courriel d'invitation (mise en page commune, boîte d'envoi) ; faux si le serveur SMTP l'a refusé. */
async function envoyerInvitation(deps: DependancesApi, par: Personne, c: Compte, jeton: string, lien: string, expireLe: Date): Promise<boolean> {
  try {
    await envoyerDepuisApi(deps, {
      cle: `invitation:${createHash('sha256').update(jeton).digest('base64url')}`,
      destinataire: 'personnel',
      ...(c.programmes[0] ? { programmeId: c.programmes[0] } : {}),
      a: [{ nom: c.nom, courriel: c.courriel }],
      ...invitationPersonnel({ par: par.nom, role: LIBELLES_ROLE_COMPTE[c.role], identifiant: c.id, expireLe }),
      lien: { libelle: 'Choisir mon mot de passe', url: lien },
      signature: 'L’administration de la plateforme de prévention des expulsions',
    });
    return true;
  } catch (e) {
    deps.journal.warn({ err: e, compte: c.id }, 'invitation : courriel non envoyé');
    return false;
  }
}

const lienInvitation = (deps: DependancesApi, jeton: string) => `${deps.options.publicBaseUrl.replace(/\/$/, '')}/invitation/${jeton}`;

async function apresInvitation(deps: DependancesApi, par: Personne, r: { compte: Compte; jeton: string; expireLe: Date }) {
  await deps.annuaire.rafraichir?.();
  const lien = lienInvitation(deps, r.jeton);
  const courrielEnvoye = await envoyerInvitation(deps, par, r.compte, r.jeton, lien, r.expireLe);
  deps.journal.info({ compte: r.compte.id, par: par.id, courrielEnvoye }, 'personnel : invitation');
  return { compte: await compteEnJsonSeul(deps, par, r.compte), invitation: { lien, expireLe: r.expireLe.toISOString(), courrielEnvoye } };
}

/** Crée le compte sans mot de passe et envoie l'invitation (lien montré une fois à l'admin). */
export async function inviterCompte(deps: DependancesApi, par: Personne, corpsBrut: unknown) {
  exigerAdmin(par);
  const c = analyser(invitationCompteSchema, corpsBrut);
  verifierProgrammes(deps, c.programmes);
  const r = await depuisPersonnel(() => comptesDe(deps).creer(c, par.id));
  return apresInvitation(deps, par, r);
}

/** Une nouvelle invitation : la précédente ne vaut plus (aussi pour un mot de passe oublié). */
export async function reinviterCompte(deps: DependancesApi, par: Personne, idBrut: unknown) {
  exigerAdmin(par);
  const id = analyser(idCompteSchema, idBrut, 'id');
  const r = await depuisPersonnel(() => comptesDe(deps).inviter(id, par.id));
  return apresInvitation(deps, par, r);
}

export async function modifierCompte(deps: DependancesApi, par: Personne, idBrut: unknown, corpsBrut: unknown) {
  exigerAdmin(par);
  const id = analyser(idCompteSchema, idBrut, 'id');
  const m = analyser(modificationCompteSchema, corpsBrut);
  verifierProgrammes(deps, m.programmes);
  if (id === par.id && (m.actif === false || (m.role && m.role !== 'admin'))) {
    throw new Probleme(
      409,
      'Vous ne pouvez ni désactiver votre propre compte ni vous retirer l’administration : demandez-le à une autre personne de l’administration.',
    );
  }
  const c = await depuisPersonnel(() => comptesDe(deps).modifier(id, m));
  await deps.annuaire.rafraichir?.();
  deps.journal.info({ compte: id, par: par.id, changements: Object.keys(m) }, 'personnel : compte modifié');
  return compteEnJsonSeul(deps, par, c);
}

/** Un compte que cette personne peut déclarer absent : l'admin, ou la coordination d'un de ses programmes. */
async function absentDeclarable(deps: DependancesApi, par: Personne, idBrut: unknown): Promise<Compte> {
  exigerLecture(par);
  const id = analyser(idCompteSchema, idBrut, 'id');
  const c = await comptesDe(deps).trouver(id);
  if (!c) throw introuvable(`Aucun compte « ${id} ».`);
  if (!visible(par, c)) throw interdit('Cette personne ne suit aucun de vos programmes.');
  return c;
}

export async function declarerAbsence(deps: DependancesApi, par: Personne, idBrut: unknown, corpsBrut: unknown) {
  const c = await absentDeclarable(deps, par, idBrut);
  const d = analyser(declarationAbsenceSchema, corpsBrut);
  const a = await depuisPersonnel(() => absencesDe(deps).declarer({ personneId: c.id, du: d.du, au: d.au, remplacantId: d.remplacant }, par.id));
  deps.journal.info({ compte: c.id, remplacant: a.remplacantId, par: par.id }, 'personnel : absence déclarée');
  return absenceEnJson(a, jourDeParis(maintenantDe(deps)()));
}

export async function annulerAbsence(deps: DependancesApi, par: Personne, idBrut: unknown, absenceBrut: unknown) {
  const c = await absentDeclarable(deps, par, idBrut);
  const id = analyser(idAbsenceSchema, absenceBrut, 'absence');
  const a = await absencesDe(deps).trouver(id);
  if (!a || a.personneId !== c.id) throw introuvable('Cette absence n’existe pas ou a déjà été annulée.');
  await depuisPersonnel(() => absencesDe(deps).annuler(id, par.id));
}

export function routesPersonnel(deps: DependancesApi): Router {
  const r = Router();
  r.get('/api/personnel', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listerComptes(deps, personneDe(req)));
  });
  r.post('/api/personnel', async (req, res) => {
    const sortie = await inviterCompte(deps, personneDe(req), req.body);
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(sortie);
  });
  r.get('/api/absences', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await lireAbsences(deps, personneDe(req)));
  });
  r.patch('/api/personnel/:id', async (req, res) => {
    res.json(await modifierCompte(deps, personneDe(req), req.params.id, req.body));
  });
  r.post('/api/personnel/:id/invitation', async (req, res) => {
    const sortie = await reinviterCompte(deps, personneDe(req), req.params.id);
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(sortie);
  });
  r.post('/api/personnel/:id/absences', async (req, res) => {
    res.status(201).json(await declarerAbsence(deps, personneDe(req), req.params.id, req.body));
  });
  r.delete('/api/personnel/:id/absences/:absence', async (req, res) => {
    await annulerAbsence(deps, personneDe(req), req.params.id, req.params.absence);
    res.status(204).end();
  });
  return r;
}
