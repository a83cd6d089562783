import { projectRoot } from '../paths';
import { parseIsolation, startIsolation, stopIsolation, type IsolationKind } from '../runner/isolation';
import { readSetting } from '../base/settings';

const KIND_WORDS: Record<IsolationKind, string> = { net: 'its own network namespace', tmp: 'its own /tmp', pid: 'its own PID namespace' };

/**
 * Sets up the isolation asked for (`--isolate`; when absent, SOCKBOOK_ISOLATE
 * in the environment decides) before any command or the executor starts, so
 * they start inside the namespaces. Shared by `sockbook kernel` and
 * `sockbook run`. Resolves to what the user must be told once in the first
 * cell when it could not be done.
 */
export async function setUpIsolation(requested: IsolationKind[] | undefined, log: (text: string) => void): Promise<string | undefined> {
  let kinds = requested;
  if (!kinds) {
    const spec = readSetting('SOCKBOOK_ISOLATE') ?? '';
    try {
      kinds = parseIsolation(spec);
    } catch (error) {
      const notice = `sockbook: SOCKBOOK_ISOLATE: ${(error as Error).message}; running without isolation`;
      log(notice);
      return notice;
    }
  }
  if (kinds.length === 0) return undefined;
  // The holder ends with the kernel however it exits (its stdin closes, and PDEATHSIG).
  process.once('exit', stopIsolation);
  // The notebook's directory and sockbook itself (its helpers, the executor's code) stay visible in a private /tmp.
  const status = await startIsolation(kinds, { keep: [process.cwd(), projectRoot] });
  if (status.problem === undefined) {
    log(`isolation: this kernel's commands have ${status.active.map((k) => KIND_WORDS[k]).join(' and ')} (holder pid ${status.holderPid})`);
    return undefined;
  }
  const notice =
    `sockbook: isolation (${kinds.join(',')}) is not available here: ${status.problem}. ` +
    'Commands run without it: ports and /tmp are shared with the rest of the machine.';
  log(notice);
  return notice;
}
