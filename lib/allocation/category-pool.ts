// The categories of one manager or replay, so a category with little history can borrow: while it has
// fewer than `priorSamples` completions its first allocation is blended with a prior — the user's hint
// for it, else the learned first allocation of its nearest parent family (`sim` for `sim/large`: every
// task of `sim` and `sim/*`) once that has priorSamples completions, else the pool of every category.
import { CategoryAllocator, type CategorySettings, type Outcome } from './category-allocator.js';
import type { AutoResource, Resources } from './resources.js';

export const DEFAULT_PRIOR_SAMPLES = 10;

export interface PoolSettings extends CategorySettings {
  /** Completions after which a category uses only its own history (default 10; 0 turns priors off). */
  priorSamples?: number;
  /** Per-category hints: what a task of the category is expected to use, the prior before any history. */
  hints?: Record<string, Partial<Record<AutoResource, number>>>;
}

/** The parent families of a category, nearest first: `a/b/c` → `a/b`, `a`. */
export function parentsOf(name: string): string[] {
  const out: string[] = [];
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) out.push(name.slice(0, i));
  return out;
}

export class CategoryPool {
  private readonly categories = new Map<string, CategoryAllocator>();
  /** Every task of a family (itself and its children), keyed by the family's name. */
  private readonly families = new Map<string, CategoryAllocator>();
  private readonly pooled: CategoryAllocator;
  private readonly k: number;

  constructor(private readonly settings: PoolSettings = {}) {
    const k = settings.priorSamples ?? DEFAULT_PRIOR_SAMPLES;
    if (!Number.isInteger(k) || k < 0) throw new TypeError(`priorSamples: expected an integer >= 0, got ${JSON.stringify(settings.priorSamples)}`);
    this.k = k;
    this.pooled = new CategoryAllocator(this.base());
  }

  get(name: string): CategoryAllocator {
    let c = this.categories.get(name);
    if (!c) {
      c = new CategoryAllocator({ ...this.base(), seed: (this.settings.seed ?? 1) + this.categories.size });
      if (this.k > 0) c.setPrior(() => this.prior(name), this.k);
      this.categories.set(name, c);
    }
    return c;
  }

  /** Records a finished attempt in the category, its parent families and the pool. */
  observe(name: string, measured: Partial<Resources>, outcome: Outcome): void {
    this.get(name).observe(measured, outcome);
    if (this.k === 0 || outcome !== 'success') return;
    this.pooled.observe(measured, outcome);
    for (const parent of parentsOf(name)) {
      let f = this.families.get(parent);
      if (!f) this.families.set(parent, (f = new CategoryAllocator(this.base())));
      f.observe(measured, outcome);
    }
  }

  /** The prior of a category: its hint, else the nearest family with enough history, else the pool. */
  private prior(name: string): Partial<Record<AutoResource, number>> | null {
    const hint = this.settings.hints?.[name];
    if (hint) return hint;
    for (const parent of parentsOf(name)) {
      const f = this.families.get(parent);
      if (f && f.completed >= this.k) return f.firstAllocation();
    }
    return this.pooled.completed >= this.k ? this.pooled.firstAllocation() : null;
  }

  private base(): CategorySettings {
    const { priorSamples: _k, hints: _h, ...rest } = this.settings;
    return rest;
  }
}
