/**
 * The checker thread: the TypeScript compiler and the notebook's language
 * service, off the thread that runs cells, so loading them (about a second)
 * never holds up a cell and a long check never stalls a cell's async work.
 */
import { setPriority } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { syntaxProblems } from './checker-syntax';
import type { CheckerCalls, CheckerData, CheckerMessage, CheckerRequest } from './checker-protocol';
import { completenessOf } from './completeness';
import { NotebookLanguage } from './language-service';

// On Linux, setpriority on pid 0 applies to the calling thread only: the type checker (loading the
// compiler, checking a big cell) then yields the CPU to the kernel and to the cell itself, so a
// 2-core machine keeps answering heartbeat and control while it works.
try {
  setPriority(0, 10);
} catch {
  // Not allowed here: the checker runs at the executor's priority.
}

const data = workerData as CheckerData;
const language = new NotebookLanguage(data.declarations);
const port = parentPort;

function answer(request: CheckerRequest): CheckerCalls[CheckerRequest['type']]['result'] {
  switch (request.type) {
    case 'check': {
      const lines = language.diagnostics(request.code, request.cellName);
      language.addCell(request.code);
      return lines;
    }
    case 'complete':
      return language.complete(request.code, request.cursorPos);
    case 'quickInfo':
      return language.quickInfo(request.code, request.cursorPos);
    case 'isComplete':
      return completenessOf(request.code);
    case 'syntax':
      return syntaxProblems(request.code);
  }
}

function send(message: CheckerMessage): void {
  port?.postMessage(message);
}

port?.on('message', (request: CheckerRequest) => {
  try {
    send({ type: 'reply', id: request.id, ok: true, result: answer(request) });
  } catch (error) {
    send({ type: 'reply', id: request.id, ok: false, message: (error as Error)?.message ?? String(error) });
  }
});

// Questions wait in the port's queue while the compiler and the service load.
for (const cell of data.cells) language.addCell(cell);
try {
  language.warm();
} finally {
  send({ type: 'loaded' });
}
// Loading leaves tens of megabytes of garbage (the compiler's parse of itself and of the declarations): one full
// collection now gives those pages back instead of keeping them until the heap grows again.
setFlagsFromString('--expose-gc');
(runInNewContext('gc') as () => void)();
