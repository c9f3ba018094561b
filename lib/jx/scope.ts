// Symbols in JX: a chain of scopes, each an object's fields (the context, an object in select/project) or one
// name bound by a comprehension's `for`.
import { getKey, type JxObject, type JxValue } from './values.js';

/** Where symbols are found: variables of comprehensions, then an object's fields (select/project), then outer. */
export class Scope {
  constructor(
    readonly parent: Scope | null,
    private readonly fields: JxObject | null,
    private readonly name: string | null = null,
    private readonly value: JxValue = null,
  ) {}

  static of(context: JxObject | null | undefined): Scope {
    return new Scope(null, context ?? null);
  }

  lookup(name: string): JxValue | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      if (s.name !== null) {
        if (s.name === name) return s.value;
      } else if (s.fields) {
        const v = getKey(s.fields, name);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  }

  /** Every name visible, innermost first (for `values` in the REPL and suggestions). */
  names(): string[] {
    const out = new Set<string>();
    for (let s: Scope | null = this; s; s = s.parent) {
      if (s.name !== null) out.add(s.name);
      else if (s.fields) for (const k of Object.keys(s.fields)) out.add(k);
    }
    return [...out];
  }
}
