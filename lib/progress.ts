// Progress for long work (map, pack, the factory): a bar on a terminal, nothing at all otherwise, so logs and
// pipes stay clean. Lines logged through it print above the bar on a terminal and as plain lines elsewhere.
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets how much is done (and, if given, the new total). */
  update(done: number, total?: number): void;
  increment(by?: number): void;
  /** Prints a line: above the bar on a terminal, to the stream as is otherwise. */
  log(line: string): void;
  /** Removes nothing: leaves the final bar on screen and stops redrawing. */
  stop(): void;
  /** True when a bar is drawn. */
  readonly visible: boolean;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Where to draw; default process.stderr. The bar is drawn only if it is a TTY. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** false: never draw (e.g. a library caller that wants silence). Default true. */
  enabled?: boolean;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.enabled !== false && stream.isTTY === true;
  let done = 0;
  let total = options.total;
  if (!tty) {
    return {
      visible: false,
      update(d, t) { done = d; if (t !== undefined) total = t; },
      increment(by = 1) { done += by; },
      log(line) { stream.write(`${line}\n`); },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar({
    stream: stream as NodeJS.WritableStream,
    format: `${options.label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | eta {eta_formatted}`,
    hideCursor: true,
    linewrap: true, // long logged lines wrap instead of being cut at the terminal's edge
    clearOnComplete: false,
    stopOnComplete: false,
    etaBuffer: 50,
    fps: 10,
  }, cliProgress.Presets.shades_classic);
  const bar = multi.create(total, 0);
  let stopped = false;
  return {
    visible: true,
    update(d, t) {
      if (stopped) return;
      done = d;
      if (t !== undefined && t !== total) { total = t; bar.setTotal(t); }
      bar.update(done);
    },
    increment(by = 1) { if (!stopped) { done += by; bar.update(done); } },
    log(line) { multi.log(`${line}\n`); },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.update();
      multi.stop();
    },
  };
}
