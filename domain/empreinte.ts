/**
 * L'empreinte d'un message du personnel ou d'un partenaire : son nom et son contenu (hors
 * requestId), en JSON aux clés triées. Le parcours refuse un requestId déjà servi pour un autre
 * message ou un autre contenu ; l'API en tire l'identifiant de la mise à jour Temporal (qui, sinon,
 * rendrait le résultat du premier message sans rien vérifier).
 */

/** JSON aux clés triées : la même valeur donne le même texte, quel que soit l'ordre des champs. */
export function jsonStable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jsonStable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${jsonStable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function empreinteMessage(nom: string, message: object): string {
  return `${nom}:${jsonStable({ ...message, requestId: undefined })}`;
}
