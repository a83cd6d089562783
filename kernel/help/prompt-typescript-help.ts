// TypeScript help that answers within JupyterLab's completer budget: while
// the executor's type checker is loaded, its answer is the one given, as
// always; while it is not (the first Tab after start, or after it was
// unloaded for idleness), the kernel answers from the completion table and
// the cells' top-level names at once. The checker is asked all the same,
// just after the reply, which loads it, so later questions get its full answer.
import type { CompletionResult, InspectionResult } from '../interpreter/interpreter';
import type { TypeScriptHelp } from './code-help';
import { loadCompletionTable } from './completion-table';
import { TableHelp } from './table-help';

/** The executor's side: its language service, and whether that is loaded now. */
export interface CheckerHelp extends TypeScriptHelp {
  /** True when the checker is loaded (its answer is milliseconds away), as the executor last said. */
  checkerLoaded(): boolean;
}

/**
 * The checker's answer when it is loaded; else the table's, when the table
 * has one, and the checker is asked just after (which loads it, and starts
 * the executor if none runs) so the reply is not held up by that.
 */
async function promptly<T>(checker: CheckerHelp, ask: () => Promise<T>, fromTable: () => Promise<T | undefined>): Promise<T> {
  if (checker.checkerLoaded()) return ask();
  const fast = await fromTable().catch(() => undefined);
  if (fast === undefined) return ask();
  // Nobody awaits this answer: its failure must not become an unhandled rejection.
  setImmediate(() => ask().catch(() => undefined));
  return fast;
}

/**
 * TypeScript help for the kernel: `checker` is the executor's, `cells` the
 * TypeScript cells run so far (their top-level names complete before the
 * checker is loaded).
 */
export function promptTypeScriptHelp(checker: CheckerHelp, cells: () => readonly string[], log: (text: string) => void): TypeScriptHelp {
  let tableHelp: TableHelp | undefined;
  const table = async (): Promise<TableHelp | undefined> => {
    const loadedTable = await loadCompletionTable(log);
    if (loadedTable) tableHelp ??= new TableHelp(loadedTable);
    return tableHelp;
  };
  return {
    complete(code: string, cursorPos: number): Promise<CompletionResult> {
      return promptly(checker, () => checker.complete(code, cursorPos), async () => (await table())?.complete(code, cursorPos, cells()));
    },
    inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult> {
      return promptly(checker, () => checker.inspect(code, cursorPos, detailLevel), async () => (await table())?.inspect(code, cursorPos, cells()));
    },
  };
}
