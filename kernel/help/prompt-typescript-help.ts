// TypeScript help that answers within JupyterLab's completer budget: the
// checker (in the executor) is always asked, and its answer is the one given
// whenever it is loaded or answers quickly; while it loads (the first Tab
// after start, or after it was unloaded when idle) the kernel answers from
// the completion table and the cells' top-level names instead. The question
// itself starts the checker, so the next one gets its full answer.
import type { CompletionResult, InspectionResult } from '../interpreter/interpreter';
import type { TypeScriptHelp } from './code-help';
import { loadCompletionTable } from './completion-table';
import { TableHelp } from './table-help';

/** The executor's side: its language service, and whether that is loaded now. */
export interface CheckerHelp extends TypeScriptHelp {
  /** Resolves true when the checker is loaded (its answer is milliseconds away). */
  checkerLoaded(): Promise<boolean>;
}

/**
 * How long the checker's answer is waited for before the table answers (ms),
 * when the executor has not said the checker is loaded: an executor still
 * starting says nothing at all for a second or more.
 */
export const CHECKER_WAIT_MS = 150;

type Outcome<T> = { kind: 'answer'; answer: T } | { kind: 'loaded' } | { kind: 'cold' } | { kind: 'late' };

/** The checker's answer when it is loaded or quick; else the table's, if the table has one. */
async function promptly<T>(fromChecker: Promise<T>, loaded: Promise<boolean>, fromTable: () => Promise<T | undefined>): Promise<T> {
  // The answer not given is still awaited by nobody: its failure must not become an unhandled rejection.
  fromChecker.catch(() => undefined);
  loaded.catch(() => undefined);
  const fast = await fromTable();
  if (fast === undefined) return fromChecker;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race<Outcome<T>>([
    fromChecker.then((answer) => ({ kind: 'answer', answer }) as const),
    loaded.then((yes) => ({ kind: yes ? 'loaded' : 'cold' }) as const, () => ({ kind: 'cold' }) as const),
    new Promise<Outcome<T>>((resolve) => (timer = setTimeout(() => resolve({ kind: 'late' }), CHECKER_WAIT_MS))),
  ]).catch(() => ({ kind: 'cold' }) as const);
  clearTimeout(timer);
  switch (outcome.kind) {
    case 'answer':
      return outcome.answer;
    case 'loaded':
      return fromChecker.catch(() => fast);
    default:
      return fast;
  }
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
      const fromChecker = checker.complete(code, cursorPos);
      return promptly(fromChecker, checker.checkerLoaded(), async () => (await table())?.complete(code, cursorPos, cells()));
    },
    inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectionResult> {
      const fromChecker = checker.inspect(code, cursorPos, detailLevel);
      return promptly(fromChecker, checker.checkerLoaded(), async () => (await table())?.inspect(code, cursorPos, cells()));
    },
  };
}
