// Manager settings that can change while it runs: manager.tune(name, value).
import { OptionError, describeValue } from './options.js';

interface TunableValues {
  /** Most tasks a busy worker may hold queued beyond its capacity ('auto': 2048 per core). */
  'prefetch': number | 'auto';
  /** How much work, in seconds per core, a busy worker may hold queued: enough to cover a round trip. */
  'prefetch-seconds': number;
  /** A category whose tasks take at most this long on average may be queued ahead on busy workers. */
  'short-task-seconds': number;
  /** How many unplaceable tasks one dispatch pass looks past before it stops. */
  'max-skips': number;
  'keepalive-interval': number;
  'keepalive-timeout': number;
  /** Most connections that have not completed the handshake at once (more are closed at once). */
  'max-pending-connections': number;
  /** Seconds a new connection has to complete the TLS and password handshakes. */
  'handshake-timeout': number;
  /** Before wait() returns a task, take in every result already arrived (Work Queue's wait_retrieve_many). */
  'wait-retrieve-many': boolean;
  /** Seconds a task that fits on no connected worker waits for a larger one before it ends resource-exhaustion. */
  'fit-grace': number;
  /** Seconds a manager restarted from a journal waits for workers to report the tasks they kept before it
   * sends those tasks anywhere. */
  'restart-hold': number;
}

const DESCRIPTIONS: Record<keyof TunableValues, string> = {
  'prefetch': "an integer >= 0 or 'auto'",
  'short-task-seconds': 'a number of seconds >= 0',
  'prefetch-seconds': 'a number of seconds >= 0',
  'max-skips': 'an integer >= 1',
  'keepalive-interval': 'a number of seconds > 0',
  'keepalive-timeout': 'a number of seconds > 0',
  'wait-retrieve-many': 'true or false',
  'max-pending-connections': 'an integer >= 1',
  'handshake-timeout': 'a number of seconds > 0',
  'fit-grace': 'a number of seconds >= 0',
  'restart-hold': 'a number of seconds >= 0',
};

export class Tunables {
  readonly values: TunableValues = {
    'prefetch': 'auto',
    'short-task-seconds': 0.05,
    'prefetch-seconds': 0.05,
    'max-skips': 64,
    'keepalive-interval': 5,
    'keepalive-timeout': 30,
    'wait-retrieve-many': false,
    'max-pending-connections': 256,
    'handshake-timeout': 15,
    'fit-grace': 10,
    'restart-hold': 5,
  };

  set(name: string, value: unknown): void {
    if (!(name in DESCRIPTIONS)) {
      throw new OptionError(`Manager.tune: unknown name ${describeValue(name)}; expected one of ${Object.keys(DESCRIPTIONS).join(', ')}`);
    }
    const key = name as keyof TunableValues;
    const n = value as number;
    const ok = key === 'wait-retrieve-many' ? typeof value === 'boolean'
      : key === 'prefetch' ? value === 'auto' || (Number.isInteger(n) && n >= 0)
      : key === 'max-skips' || key === 'max-pending-connections' ? Number.isInteger(n) && n >= 1
      : typeof n === 'number' && Number.isFinite(n) && (key === 'short-task-seconds' || key === 'prefetch-seconds' || key === 'fit-grace' || key === 'restart-hold' ? n >= 0 : n > 0);
    if (!ok) throw new OptionError(`Manager.tune: "${name}" expects ${DESCRIPTIONS[key]}, got ${describeValue(value)}`);
    (this.values as unknown as Record<string, unknown>)[key] = value;
  }

  /** Tasks a worker with `cores` may hold queued for a category whose tasks take `meanSeconds`. */
  prefetchFor(cores: number, meanSeconds: number): number {
    const p = this.values.prefetch;
    const cap = p === 'auto' ? Math.ceil(2048 * cores) : p;
    return Math.min(cap, Math.ceil((cores * this.values['prefetch-seconds']) / Math.max(meanSeconds, 1e-6)));
  }
}
