// `trellis query LOG EXPR`: a JX expression over a transaction log, e.g.
// trellis query run.log 'tasks.select(result=="exception").project(category)'.
import { Command } from 'commander';
import { logQueryContext } from '../lib/logs/log-query-context.js';
import { evaluateJx, jxToString, JxError } from '../lib/jx/index.js';
import { jxOption } from './jx-option.js';
import { positive } from './parse-values.js';

export function queryCommand(): Command {
  return new Command('query')
    .description('evaluate a JX expression over a transaction log: tasks, workers, categories, manager')
    .argument('<log>', 'a transaction (or performance: samples) log')
    .argument('<jx>', 'the expression, e.g. \'tasks.select(result=="exception").project(category)\'', jxOption('the expression'))
    .option('--pretty', 'print the value indented')
    .option('--max-steps <n>', 'most evaluation steps', positive('--max-steps'), 100_000_000)
    .action(async (log: string, jx: string, o: Record<string, unknown>) => {
      const context = await logQueryContext(log);
      const steps = Math.floor(o.maxSteps as number);
      try {
        console.log(jxToString(evaluateJx(jx, context, { maxSteps: steps, maxSize: steps }), o.pretty ? 2 : 0));
      } catch (err) {
        // The column matters: show the expression and a caret under it.
        throw err instanceof JxError ? new Error(err.display()) : err;
      }
    });
}
