// Runs fixtures/heavy-app/first-call.mjs (a real application with real worker processes) and returns
// its figures: first call on a worker without the environment, warm call, and the first call on a
// second worker process of the node without and with the compile cache the first one left.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface FirstCallRow {
  function: string;
  first_call_ms: number;
  warm_call_ms: number;
  compile_cache_bytes: number;
  second_worker_first_call_ms: number;
  second_worker_cached_first_call_ms: number;
  compile_cache_speedup: number;
  v8_compile_cache_lib_bytes: number;
  second_worker_lib_first_call_ms: number;
  v8_compile_cache_lib_speedup: number;
}

const SCRIPT = fileURLToPath(new URL('../../fixtures/heavy-app/first-call.mjs', import.meta.url));

export function firstCalls(repeat: number): FirstCallRow[] {
  const out = execFileSync(process.execPath, [SCRIPT, '--repeat', String(repeat)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return (JSON.parse(out) as { functions: FirstCallRow[] }).functions;
}
