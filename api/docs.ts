/**
 * /docs : une page HTML en français rendue côté serveur à partir du document OpenAPI (routes,
 * descriptions, champs, exemples, réponses), sans script ni ressource externe.
 */
import { brut, html, type Brut } from '../rendu/html';
import { estReference, type DocumentOpenApi, type ObjetSchemaJson, type OperationJson, type ReponseJson, type SchemaJson } from './openapi';

const METHODES = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Le schéma lui-même, la référence à un composant suivie. */
/**
 * Un exemple en bloc de code : il défile en largeur quand il dépasse, et se parcourt donc aussi au
 * clavier (tabindex : axe « scrollable-region-focusable »).
 */
const blocDeCode = (code: string) => html`<pre tabindex="0"><code>${code}</code></pre>`;

function resoudre(doc: DocumentOpenApi, s: SchemaJson | undefined): ObjetSchemaJson | undefined {
  if (!s || !estReference(s)) return s;
  const m = /^#\/components\/schemas\/(.+)$/.exec(s.$ref);
  const cible = m ? doc.components.schemas[m[1]!] : undefined;
  return cible && !estReference(cible) ? cible : undefined;
}

/** Le type d'un schéma, sans « null » (un champ qui peut valoir null a le type de sa valeur). */
const typeDe = (s: ObjetSchemaJson) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

function libelleType(doc: DocumentOpenApi, s0: SchemaJson | undefined): string {
  const s = resoudre(doc, s0);
  if (!s) return '—';
  if (Array.isArray(s.enum))
    return s.enum.length === 1 ? `« ${String(s.enum[0])} »` : `une valeur parmi : ${s.enum.map((v: unknown) => `« ${String(v)} »`).join(', ')}`;
  if (s.const !== undefined) return `« ${String(s.const)} »`;
  const variantes = s.oneOf ?? s.anyOf;
  if (Array.isArray(variantes)) return variantes.map((v) => resoudre(doc, v)?.title ?? libelleType(doc, v)).join(' ou ');
  switch (typeDe(s)) {
    case 'string':
      return s.format === 'date-time'
        ? 'date et heure (ISO 8601)'
        : s.format === 'date'
          ? 'date (AAAA-MM-JJ)'
          : s.format === 'email'
            ? 'adresse électronique'
            : 'texte';
    case 'integer':
      return 'entier';
    case 'number':
      return 'nombre';
    case 'boolean':
      return 'booléen';
    case 'array':
      return `liste de ${libelleType(doc, s.items)}`;
    case 'object':
      return 'objet';
    default:
      return 'valeur libre';
  }
}

function contraintes(s: ObjetSchemaJson): string {
  const c: string[] = [];
  if (s.minLength !== undefined && s.maxLength !== undefined) c.push(`${s.minLength} à ${s.maxLength} caractères`);
  else if (s.minLength !== undefined) c.push(`${s.minLength} caractère(s) au moins`);
  else if (s.maxLength !== undefined) c.push(`${s.maxLength} caractères au plus`);
  if (s.minimum !== undefined) c.push(`minimum ${s.minimum}`);
  if (s.maximum !== undefined) c.push(`maximum ${s.maximum}`);
  if (s.pattern) c.push(`format : ${s.pattern}`);
  if (s.default !== undefined) c.push(`par défaut : ${JSON.stringify(s.default)}`);
  return c.join(' ; ');
}

interface Ligne {
  champ: string;
  type: string;
  requis: boolean;
  description: string;
  exemple?: string;
}

function lignes(doc: DocumentOpenApi, s0: SchemaJson | undefined, prefixe = '', profondeur = 0): Ligne[] {
  const s = resoudre(doc, s0);
  if (!s || typeDe(s) !== 'object' || !s.properties || profondeur > 3) return [];
  const requis = new Set<string>(Array.isArray(s.required) ? s.required : []);
  const r: Ligne[] = [];
  for (const [nom, p0] of Object.entries(s.properties)) {
    const p = resoudre(doc, p0) ?? {};
    const champ = prefixe ? `${prefixe}.${nom}` : nom;
    const exemple = p.example ?? (Array.isArray(p.examples) ? p.examples[0] : undefined);
    r.push({
      champ,
      type: libelleType(doc, p0),
      requis: requis.has(nom),
      description: [p.description ?? p0.description, contraintes(p)].filter(Boolean).join(' — '),
      exemple: exemple === undefined ? undefined : typeof exemple === 'string' ? exemple : JSON.stringify(exemple),
    });
    if (typeDe(p) === 'object' && p.properties) r.push(...lignes(doc, p, champ, profondeur + 1));
  }
  return r;
}

function tableChamps(doc: DocumentOpenApi, schema: SchemaJson | undefined, legende: string): Brut | '' {
  const l = lignes(doc, schema);
  if (!l.length) return '';
  return html`<table>
<caption class="aide">${legende}</caption>
<thead><tr><th scope="col">Champ</th><th scope="col">Type</th><th scope="col">Obligatoire</th><th scope="col">Description</th><th scope="col">Exemple</th></tr></thead>
<tbody>${l.map(
    (x) =>
      html`<tr><td><code>${x.champ}</code></td><td>${x.type}</td><td>${x.requis ? 'oui' : 'non'}</td><td>${x.description}</td><td>${x.exemple !== undefined ? html`<code>${x.exemple}</code>` : ''}</td></tr>`,
  )}</tbody>
</table>`;
}

/** L'exemple d'un paramètre : le sien, sinon celui de son schéma. */
function exempleParametre(doc: DocumentOpenApi, p: { example?: unknown; schema?: SchemaJson }): unknown {
  return p.example ?? resoudre(doc, p.schema)?.example;
}

const ancre = (methode: string, chemin: string) =>
  `${methode}-${chemin}`
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-+$/, '')
    .toLowerCase();

function securite(op: OperationJson, doc: DocumentOpenApi): string {
  const s = op.security ?? doc.security;
  if (!s.length) return 'aucune (accès public)';
  return 'session du personnel : en-tête « Authorization: Bearer <jeton> » ou cookie « session »';
}

function operation(doc: DocumentOpenApi, chemin: string, methode: string, op: OperationJson): Brut {
  const parametres = (op.parameters ?? []).flatMap((p) => (estReference(p) ? [] : [p]));
  const corps = op.requestBody && !estReference(op.requestBody) ? op.requestBody.content : undefined;
  const [typeCorps, contenu] = (corps ? Object.entries(corps)[0] : undefined) ?? [undefined, undefined];
  const schemaCorps = contenu?.schema;
  const exemples: Array<{ titre: string; valeur: unknown }> = contenu?.examples
    ? Object.values(contenu.examples).flatMap((e) => (estReference(e) ? [] : [{ titre: e.summary ?? 'Exemple', valeur: e.value as unknown }]))
    : contenu?.example !== undefined
      ? [{ titre: 'Exemple', valeur: contenu.example as unknown }]
      : [];
  const racine = resoudre(doc, schemaCorps);
  const variantes = (racine?.oneOf ?? racine?.anyOf ?? []).map((v) => resoudre(doc, v)).filter((v) => v !== undefined);
  const champDonnees = resoudre(doc, racine?.properties?.donnees);
  const donnees = champDonnees?.oneOf ?? champDonnees?.anyOf;
  const id = ancre(methode, chemin);
  return html`<section aria-labelledby="${id}">
<h3 id="${id}"><span class="methode ${methode.toUpperCase()}">${methode.toUpperCase()}</span><code>${chemin}</code></h3>
<p><strong>${op.summary ?? ''}</strong></p>
${op.description ? html`<p>${op.description}</p>` : ''}
<p class="aide">Authentification : ${securite(op, doc)}.</p>
${
  parametres.length
    ? html`<table><caption class="aide">Paramètres</caption><thead><tr><th scope="col">Nom</th><th scope="col">Où</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead><tbody>${parametres.map(
        (p) =>
          html`<tr><td><code>${p.name}</code></td><td>${p.in === 'path' ? 'chemin' : p.in === 'query' ? 'requête' : p.in}</td><td>${libelleType(doc, p.schema)}</td><td>${p.description ?? ''}${exempleParametre(doc, p) !== undefined ? html` (ex. <code>${String(exempleParametre(doc, p))}</code>)` : ''}</td></tr>`,
      )}</tbody></table>`
    : ''
}
${typeCorps ? html`<p>Corps : <code>${typeCorps}</code></p>` : ''}
${variantes.length ? variantes.map((v) => html`<h4>${v.title ?? 'Variante'}</h4>${tableChamps(doc, v, 'Champs du corps')}`) : tableChamps(doc, schemaCorps, 'Champs du corps')}
${donnees?.length ? donnees.map((d) => html`<h4>${resoudre(doc, d)?.title ?? 'Données'}</h4>${tableChamps(doc, d, 'Champs de « donnees »')}`) : ''}
${exemples.map((e) => html`<p>${e.titre} :</p>${blocDeCode(JSON.stringify(e.valeur, null, 2))}`)}
<table><caption class="aide">Réponses</caption><thead><tr><th scope="col">Code</th><th scope="col">Signification</th></tr></thead><tbody>${Object.entries<ReponseJson>(
    op.responses ?? {},
  ).map(([code, r]) => {
    const rr = estReference(r) ? doc.components.responses[r.$ref.split('/').pop()!] : r;
    return html`<tr><td>${code}</td><td>${rr && !estReference(rr) ? rr.description : ''}</td></tr>`;
  })}</tbody></table>
</section>`;
}

export function rendreDocs(doc: DocumentOpenApi, liens: { temporalUiUrl?: string; mailInboxUrl?: string } = {}): Brut {
  const parTag = new Map<string, Array<{ chemin: string; methode: string; op: OperationJson }>>();
  for (const [chemin, item] of Object.entries(doc.paths)) {
    for (const methode of METHODES) {
      const op = item[methode];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Autres';
      parTag.set(tag, [...(parTag.get(tag) ?? []), { chemin, methode, op }]);
    }
  }
  const tags = doc.tags.filter((t) => parTag.has(t.name));
  const requeteInvalide = doc.components.responses.RequeteInvalide;
  const exempleProbleme = JSON.stringify(
    (requeteInvalide && !estReference(requeteInvalide) ? (requeteInvalide.content?.['application/problem+json']?.example as unknown) : undefined) ?? {},
    null,
    2,
  );
  return html`<h1>${doc.info.title}</h1>
<p>${doc.info.description}</p>
<p>Version ${doc.info.version} — document OpenAPI ${doc.openapi} : <a href="/openapi.json">/openapi.json</a>${liens.temporalUiUrl ? html` — <a href="${liens.temporalUiUrl}">interface Temporal</a>` : ''}${liens.mailInboxUrl ? html` — <a href="${liens.mailInboxUrl}">boîte de réception de démonstration</a>` : ''}.</p>
<nav class="sommaire" aria-label="Sommaire">
<h2>Sommaire</h2>
<ul>${tags.map(
    (t) =>
      html`<li><a href="#tag-${t.name.replace(/[^A-Za-z]+/g, '-').toLowerCase()}">${t.name}</a><ul>${parTag
        .get(t.name)!
        .map((o) => html`<li><a href="#${ancre(o.methode, o.chemin)}">${o.methode.toUpperCase()} ${o.chemin}</a></li>`)}</ul></li>`,
  )}</ul>
</nav>
<h2>Principes</h2>
<ul>
<li><strong>Connexion</strong> : <code>POST /api/session</code> renvoie un jeton à présenter dans l’en-tête <code>Authorization: Bearer &lt;jeton&gt;</code> ; un cookie <code>session</code> (HttpOnly, SameSite=Lax) est aussi posé pour le navigateur.</li>
<li><strong>Droits</strong> : l’administration voit tout ; la coordination voit et pilote les parcours de ses programmes ; un travailleur social ne voit et n’enregistre que sur les ménages qui lui sont affectés.</li>
<li><strong>Idempotence</strong> : chaque message porte un <code>requestId</code> ; renvoyé avec le même identifiant, il n’est appliqué qu’une fois.</li>
<li><strong>Erreurs</strong> : format <code>application/problem+json</code>, en français ; une erreur de saisie nomme le champ et la raison.</li>
</ul>
${blocDeCode(exempleProbleme)}
${tags.map(
  (t) =>
    html`<h2 id="tag-${t.name.replace(/[^A-Za-z]+/g, '-').toLowerCase()}">${t.name}</h2><p>${t.description}</p>${parTag.get(t.name)!.map((o) => operation(doc, o.chemin, o.methode, o.op))}`,
)}
${brut('')}`;
}
