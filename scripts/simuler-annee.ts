/**
 * Simuler l'année d'un programme (issue 18, point 5) : les ménages d'une année passent par les vrais
 * parcours du produit, sur un moteur Temporal à part (saut de temps par parcours), et la commande
 * dit la charge par semaine et par travailleur social, les délais qui seraient manqués et les ETP
 * nécessaires.
 *
 *   npm run simuler -- --programme besancon-ccas --menages 169 --graine 42
 *   npm run simuler -- --programme besancon-ccas,concarneau-iml,reims-april-protocole --menages 2000
 *   npm run simuler -- --aide
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import '../domain/zod-fr';
import { CATALOGUE } from './moteur-local';
import { dateEnFrancais, jourDeParis, minuitDeParis } from '../domain/durees';
import type { Programme, TypeParcours } from '../domain/vocabulaire';
import { messagesDErreur } from './banc-commun';
import { ErreurUsage, jouerAnnee, preparerAnnee } from './simulation/annee';
import {
  ACTIONS,
  ACTIONS_DU_PARCOURS,
  COUTS_ACTIONS,
  HYPOTHESES_DU_PARCOURS,
  LIBELLES_HYPOTHESES,
  LIBELLES_SOURCES,
  lireJson,
  surchargeCoutsSchema,
  surchargeHypothesesSchema,
  type HypothesesSourcees,
  type SurchargeHypotheses,
} from '../simulations/modele/hypotheses';
import { JOUR } from '../simulations/modele/plan';
import { formaterBilan, resteEstime, semaineIso } from '../simulations/modele/rapport';

const AIDE = `Simuler l'année d'un programme sur les vrais parcours (moteur Temporal à part, saut de temps).

  npm run simuler -- --programme <id>[:<ménages>][,<id>…] [options]

Options :
  --programme      programme(s) du catalogue, séparés par des virgules ; « id:n » fixe le nombre de ménages du programme
  --menages        nombre de ménages de l'année (réparti entre les programmes sans « :n ») ; par défaut quotas.situationsParAn du programme
  --graine         graine du hasard (même graine, même plan) ; 1 par défaut
  --travailleurs   travailleurs sociaux par programme ; par défaut l'ETP du programme arrondi au-dessus (1 au moins)
  --en-retard      combien d'entre eux sont parfois en retard (1 par défaut ; 0 : personne)
  --debut          premier jour de l'année simulée (AAAA-MM-JJ, dans le futur) ; par défaut le lundi qui suit demain
  --horizon-mois   rien n'est joué au-delà (48 par défaut)
  --concurrence    étapes menées en parallèle (24 par défaut)
  --fenetre-jours  IML : avance maximale d'une mesure sur la plus en retard du programme, pour la file des places (7 jours par défaut)
  --hypotheses     fichier JSON qui remplace des chiffres du comportement des ménages (ex. {"partJoints": 0.9})
  --couts          fichier JSON qui remplace des durées d'action en minutes (ex. {"visite_domicile": 150})
  --detail         écrit dans ce fichier JSON le détail par ménage (profil tiré, actions, délais dépassés, issue)
  --aide           cette aide`;

const entier = (option: string, min: number, max: number) =>
  z.coerce
    .number({ error: `option --${option} : un nombre entier est attendu` })
    .int(`option --${option} : un nombre entier est attendu`)
    .min(min, `option --${option} : ${min} au moins`)
    .max(max, `option --${option} : ${max} au plus`);

const optionsSchema = z
  .object({
    programme: z
      .string({ error: 'option --programme requise (ex. --programme besancon-ccas)' })
      .min(1, 'option --programme requise (ex. --programme besancon-ccas)')
      .transform((v, ctx) => {
        const liste = v.split(',').map((x) => x.trim());
        const sortie: Array<{ programme: Programme; nombre?: number }> = [];
        for (const x of liste) {
          const [id, n] = x.split(':');
          const programme = CATALOGUE.trouver(id ?? '');
          if (!programme) {
            ctx.addIssue({
              code: 'custom',
              message: `option --programme : programme inconnu « ${id} » ; programmes du catalogue : ${CATALOGUE.tous()
                .map((p) => p.id)
                .join(', ')}`,
            });
            return z.NEVER;
          }
          if (n !== undefined && !/^[1-9]\d{0,5}$/.test(n)) {
            ctx.addIssue({ code: 'custom', message: `option --programme : « ${x} » : nombre de ménages entier attendu après « : »` });
            return z.NEVER;
          }
          if (sortie.some((s) => s.programme.id === programme.id)) {
            ctx.addIssue({ code: 'custom', message: `option --programme : « ${id} » est cité deux fois` });
            return z.NEVER;
          }
          sortie.push({ programme, ...(n ? { nombre: Number(n) } : {}) });
        }
        return sortie;
      }),
    menages: entier('menages', 1, 100_000).optional(),
    graine: entier('graine', 0, 2 ** 31 - 1).default(1),
    travailleurs: entier('travailleurs', 1, 500).optional(),
    'en-retard': entier('en-retard', 0, 500).default(1),
    debut: z.iso
      .date('option --debut : date AAAA-MM-JJ attendue')
      .refine((j) => minuitDeParis(j).getTime() > Date.now() + JOUR, 'option --debut : une date à partir d’après-demain (le temps des parcours ne recule pas)')
      .optional(),
    'horizon-mois': entier('horizon-mois', 12, 120).default(48),
    concurrence: entier('concurrence', 1, 256).default(24),
    'fenetre-jours': entier('fenetre-jours', 1, 3650).default(7),
    hypotheses: z.string().min(1).optional(),
    couts: z.string().min(1).optional(),
    detail: z.string().min(1).optional(),
  })
  .strict();

function formaterHypotheses(h: HypothesesSourcees, type: TypeParcours): string[] {
  return HYPOTHESES_DU_PARCOURS[type].map((k) => {
    const c = h[k];
    const v = k.startsWith('part') ? `${Math.round(c.valeur * 100)} %` : String(c.valeur).replace('.', ',');
    return `    ${`${LIBELLES_HYPOTHESES[k]} `.padEnd(58, '.')} ${v.padStart(5)}  (${LIBELLES_SOURCES[c.source]} : ${c.detail})`;
  });
}

const charge = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `charge moyenne : ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`;
  }
};

const duree = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
};

function lireArguments() {
  return parseArgs({
    options: {
      programme: { type: 'string' },
      menages: { type: 'string' },
      graine: { type: 'string' },
      travailleurs: { type: 'string' },
      'en-retard': { type: 'string' },
      debut: { type: 'string' },
      'horizon-mois': { type: 'string' },
      concurrence: { type: 'string' },
      'fenetre-jours': { type: 'string' },
      hypotheses: { type: 'string' },
      couts: { type: 'string' },
      detail: { type: 'string' },
      aide: { type: 'boolean' },
    },
    strict: true,
  }).values;
}

async function main(): Promise<void> {
  let values: ReturnType<typeof lireArguments>;
  try {
    values = lireArguments();
  } catch (e) {
    const option = /'(-[^']+)'/.exec((e as Error).message)?.[1];
    throw new ErreurUsage(option ? `option inconnue ou sans valeur : ${option}` : `arguments invalides (${(e as Error).message})`);
  }
  if (values.aide) {
    console.log(AIDE);
    return;
  }
  const { aide: _aide, ...brut } = values;
  const lu = optionsSchema.safeParse(brut);
  if (!lu.success) throw new ErreurUsage(lu.error.issues[0]!.message);
  const o = lu.data;
  const surcharge: SurchargeHypotheses = o.hypotheses ? lireJson(o.hypotheses, surchargeHypothesesSchema, 'option --hypotheses') : {};
  const annee = preparerAnnee({
    programmes: o.programme,
    ...(o.menages !== undefined ? { menages: o.menages } : {}),
    graine: o.graine,
    ...(o.travailleurs !== undefined ? { travailleurs: o.travailleurs } : {}),
    enRetard: o['en-retard'],
    ...(o.debut ? { debut: o.debut } : {}),
    horizonMois: o['horizon-mois'],
    concurrence: o.concurrence,
    fenetreJours: o['fenetre-jours'],
    surcharge,
    ...(o.couts ? { couts: lireJson(o.couts, surchargeCoutsSchema, 'option --couts') } : {}),
  });
  const { programmes, debut, total, couts } = annee;
  const horizon = new Date(annee.horizon);

  const lignes: string[] = [];
  lignes.push(`Simulation d’une année : ${programmes.map((p) => `${p.programme.id} (${p.nombre} ménages)`).join(', ')} — graine ${o.graine}`);
  lignes.push(
    `Année simulée à partir du ${dateEnFrancais(new Date(debut))} (semaine ${semaineIso(debut)}) ; horizon ${o['horizon-mois']} mois (${jourDeParis(horizon)}) ; ` +
      `concurrence ${o.concurrence}${programmes.some((p) => p.programme.typeParcours === 'iml_bail_glissant') ? `, fenêtre IML ${o['fenetre-jours']} jours` : ''}`,
  );
  for (const p of programmes) {
    lignes.push(
      `${p.programme.id} — ${p.programme.nom} : ${p.travailleurs.length} travailleur${p.travailleurs.length > 1 ? 's' : ''} ${p.travailleurs.length > 1 ? 'sociaux' : 'social'} ` +
        `(${p.travailleurs.join(', ')}), dont ${p.enRetard} en retard ; chiffres (source) :`,
    );
    lignes.push(...formaterHypotheses(p.sources, p.programme.typeParcours));
  }
  lignes.push(`Durée des actions, en minutes (table COUTS_ACTIONS${o.couts ? `, remplacée en partie par ${o.couts}` : ''}) :`);
  const utiles = ACTIONS.filter((a) => programmes.some((p) => ACTIONS_DU_PARCOURS[p.programme.typeParcours].includes(a)));
  lignes.push(`    ${utiles.map((a) => `${COUTS_ACTIONS[a].libelle} ${couts[a]}`).join(' ; ')}`);
  console.log(lignes.join('\n'));

  const chargeAvant = charge();
  const t0 = performance.now();
  let dernier = performance.now();
  let debutJeu = performance.now();
  const resultats = await jouerAnnee(annee, {
    moteurMonte: (montage) => {
      process.stderr.write(`Moteur monté en ${duree(montage)} ; ${total} ménages à simuler…\n`);
      dernier = debutJeu = performance.now();
    },
    menageTermine: (faits) => {
      if (faits === total) process.stderr.write(`  ${faits}/${total} ménages terminés (${duree(performance.now() - t0)})\n`);
    },
    // Toutes les 10 secondes : les étapes jouées et le temps qui reste, à leur rythme.
    etape: (faites, prevues) => {
      if (performance.now() - dernier < 10_000) return;
      dernier = performance.now();
      const reste = resteEstime(faites, prevues, performance.now() - debutJeu);
      process.stderr.write(
        `  ${faites.toLocaleString('fr-FR')} étapes jouées sur ${prevues.toLocaleString('fr-FR')} (${duree(performance.now() - t0)})${reste ? ` ; fin estimée dans ${reste}` : ''}\n`,
      );
    },
  });
  const mur = resultats.mur;
  if (o.detail) {
    const detail = resultats.resultats.map((x) => ({
      reference: x.plan.reference,
      programme: x.plan.programmeId,
      travailleur: x.plan.travailleur,
      arrivee: new Date(x.plan.arrivee).toISOString(),
      profil: x.plan.profil,
      etapes: x.etapes,
      actions: x.actions.map((a) => ({ action: a.action, le: new Date(a.t).toISOString() })),
      refus: x.refus,
      place: x.place,
      issue: x.final?.cloture?.issue ?? null,
      etape: x.final?.etape ?? null,
      depassees: x.final?.depassees ?? [],
    }));
    writeFileSync(o.detail, JSON.stringify(detail, null, 2));
  }
  const chargeApres = charge();
  console.log('');
  console.log(formaterBilan(resultats.bilan));
  const etapes = resultats.resultats.reduce((n, x) => n + x.etapes + 1, 0);
  const rattrapages = resultats.resultats.reduce((n, x) => n + (x.rattrapages ?? 0), 0);
  console.log(
    `\nDurée de la simulation : ${duree(mur)} (dont montage du moteur ${duree(resultats.montage)}) ; ${total} ménages, ${etapes.toLocaleString('fr-FR')} étapes jouées ` +
      `sur les parcours ; ${resultats.courriels.toLocaleString('fr-FR')} courriels envoyés par les activités ; ` +
      `${rattrapages} minuteur${rattrapages > 1 ? 's' : ''} que le saut de temps avait passé${rattrapages > 1 ? 's' : ''} sans le${rattrapages > 1 ? 's' : ''} déclencher, rattrapé${rattrapages > 1 ? 's' : ''}.`,
  );
  console.log(`Charge de la machine avant : ${chargeAvant}`);
  console.log(`Charge de la machine après : ${chargeApres}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(
      e instanceof ErreurUsage || (e instanceof Error && e.message.startsWith('option ')) ? `Erreur : ${e.message}\n\n${AIDE}` : messagesDErreur(e),
    );
    process.exit(1);
  },
);
