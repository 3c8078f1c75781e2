/**
 * L'ordonnanceur du pilote : les ménages avancent dans le temps simulé. Chaque ménage exécute ses
 * étapes dans l'ordre ; entre ménages, au plus `concurrence` étapes à la fois, les plus anciennes
 * d'abord. Les mesures IML d'un programme forment un groupe : aucune n'a plus d'une `fenetre` d'avance
 * sur la plus en retard du groupe. Ainsi, quand une mesure rend sa place à l'instant T, les
 * candidatures validées avant T sont déjà dans la file du programme : le temps simulé reste cohérent
 * d'un ménage à l'autre. Les autres ménages n'ont rien en commun : ils avancent sans fenêtre.
 *
 * Un ménage qui attend un événement d'un autre (une place IML) se met en attente (`suspendre`) : il ne
 * retient plus les autres ; celui qui lui donne sa place le réveille à cet instant (`reveiller`).
 * Quand il ne reste que des ménages suspendus, plus rien ne peut les réveiller : ils reçoivent
 * `undefined`.
 */

class Tas<T> {
  private readonly v: T[] = [];
  constructor(private readonly avant: (a: T, b: T) => boolean) {}
  get taille(): number {
    return this.v.length;
  }
  haut(): T | undefined {
    return this.v[0];
  }
  ajouter(x: T): void {
    const v = this.v;
    v.push(x);
    for (let i = v.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.avant(v[i]!, v[p]!)) break;
      [v[i], v[p]] = [v[p]!, v[i]!];
      i = p;
    }
  }
  retirer(): T | undefined {
    const v = this.v;
    const haut = v[0];
    const dernier = v.pop();
    if (v.length && dernier !== undefined) {
      v[0] = dernier;
      for (let i = 0; ;) {
        const g = 2 * i + 1;
        const d = g + 1;
        let m = i;
        if (g < v.length && this.avant(v[g]!, v[m]!)) m = g;
        if (d < v.length && this.avant(v[d]!, v[m]!)) m = d;
        if (m === i) break;
        [v[i], v[m]] = [v[m]!, v[i]!];
        i = m;
      }
    }
    return haut;
  }
}

interface Demande {
  t: number;
  seq: number;
  partir: () => void;
}

/** Un groupe de ménages tenus ensemble dans le temps (les mesures IML d'un programme, qui partagent sa file). */
class Groupe {
  readonly attente = new Tas<Demande>((a, b) => a.t < b.t || (a.t === b.t && a.seq < b.seq));
  /** Bornes des ménages actifs (suppression paresseuse : une entrée périmée est ignorée). */
  readonly bornes = new Tas<{ t: number; id: number; version: number }>((a, b) => a.t < b.t);
  readonly actifs = new Map<number, number>();
  constructor(readonly fenetre: number) {}

  /** Le ménage le plus en retard du groupe (borne la plus petite des actifs). */
  plusAncien(): number | undefined {
    for (;;) {
      const b = this.bornes.haut();
      if (!b) return undefined;
      if (this.actifs.get(b.id) === b.version) return b.t;
      this.bornes.retirer();
    }
  }

  /** La prochaine demande du groupe, si elle est dans la fenêtre. */
  prete(): Demande | undefined {
    const d = this.attente.haut();
    if (!d) return undefined;
    return d.t < (this.plusAncien() ?? d.t) + this.fenetre ? d : undefined;
  }
}

export class Ordonnanceur {
  private enCours = 0;
  private seq = 0;
  private readonly groupes = new Map<string, Groupe>();
  private readonly groupeDe = new Map<number, Groupe>();
  private readonly suspendus = new Map<number, (t: number | undefined) => void>();
  private prochainId = 0;

  /**
   * @param fenetres avance maximale par groupe (ms) ; un groupe absent n'en a pas : ses ménages
   * n'ont rien en commun et avancent librement, les plus anciens d'abord.
   */
  constructor(
    readonly concurrence: number,
    private readonly fenetres: Record<string, number> = {},
  ) {}

  /** Un ménage prend part au temps commun de son groupe à partir de `t`. */
  inscrire(t: number, groupe = ''): Jeton {
    const id = ++this.prochainId;
    let g = this.groupes.get(groupe);
    if (!g) this.groupes.set(groupe, (g = new Groupe(this.fenetres[groupe] ?? Infinity)));
    this.groupeDe.set(id, g);
    this.borner(id, t);
    return new Jeton(this, id);
  }

  /** @internal */
  borner(id: number, t: number): void {
    const g = this.groupeDe.get(id)!;
    const version = (g.actifs.get(id) ?? 0) + 1;
    g.actifs.set(id, version);
    g.bornes.ajouter({ t, id, version });
  }

  /** @internal */
  retirer(id: number): void {
    this.groupeDe.get(id)?.actifs.delete(id);
    this.distribuer();
  }

  /** @internal */
  demander(id: number, t: number): Promise<void> {
    this.borner(id, t);
    return new Promise((partir) => {
      this.groupeDe.get(id)!.attente.ajouter({ t, seq: ++this.seq, partir });
      this.distribuer();
    });
  }

  /** @internal */
  rendre(): void {
    this.enCours -= 1;
    this.distribuer();
  }

  /** @internal */
  suspendre(id: number): Promise<number | undefined> {
    return new Promise((r) => {
      this.suspendus.set(id, r);
      this.retirer(id);
    });
  }

  /** @internal */
  reveiller(id: number, t: number): boolean {
    const r = this.suspendus.get(id);
    if (!r) return false;
    this.suspendus.delete(id);
    this.borner(id, t);
    r(t);
    return true;
  }

  /** Les étapes prêtes partent, les plus anciennes d'abord, tant qu'il y a des créneaux. */
  private distribuer(): void {
    while (this.enCours < this.concurrence) {
      let choix: Groupe | undefined;
      for (const g of this.groupes.values()) {
        const d = g.prete();
        if (d && (!choix || d.t < choix.attente.haut()!.t)) choix = g;
      }
      if (!choix) break;
      this.enCours += 1;
      choix.attente.retirer()!.partir();
    }
    // Plus personne d'actif : les suspendus ne seront jamais réveillés.
    if (this.enCours === 0 && this.suspendus.size && [...this.groupes.values()].every((g) => g.actifs.size === 0 && g.attente.taille === 0)) {
      const tous = [...this.suspendus.values()];
      this.suspendus.clear();
      for (const r of tous) r(undefined);
    }
  }
}

/** La place d'un ménage dans l'ordonnanceur. */
export class Jeton {
  private tient = false;
  constructor(
    private readonly o: Ordonnanceur,
    readonly id: number,
  ) {}

  /** Attend son tour pour une étape à l'instant `t` (un créneau libre, dans la fenêtre). */
  async prendre(t: number): Promise<void> {
    if (this.tient) throw new Error('étape déjà en cours pour ce ménage');
    await this.o.demander(this.id, t);
    this.tient = true;
  }

  /** L'étape est faite : le créneau est rendu (le ménage reste à son instant jusqu'à la suivante). */
  rendre(): void {
    if (!this.tient) return;
    this.tient = false;
    this.o.rendre();
  }

  /** Attend un événement d'un autre ménage ; rend l'instant du réveil, ou `undefined` si personne ne viendra. */
  suspendre(): Promise<number | undefined> {
    this.rendre();
    return this.o.suspendre(this.id);
  }

  reveiller(t: number): boolean {
    return this.o.reveiller(this.id, t);
  }

  terminer(): void {
    this.rendre();
    this.o.retirer(this.id);
  }
}
