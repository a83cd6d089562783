import type { ExitCode } from '../../grading/exit-codes';
import type { CellStatus, Score } from '../../grading/report';

/** How one notebook ended, as the summary table shows it. */
export interface NotebookSummary {
  name: string;
  ok: number;
  failed: number;
  notRun: number;
  score?: Score;
  seconds: number;
  exitCode: ExitCode;
  /** Why nothing ran (a malformed notebook), or how the run ended abnormally. */
  problem?: string;
}

/** What a child `sockbook run --progress-ipc` tells its parent. */
export type ProgressMessage =
  | { type: 'cell'; done: number; total: number; firstLine: string }
  | { type: 'cell-ended'; done: number; total: number; name: string; status: CellStatus; ename?: string }
  | { type: 'done'; summary: NotebookSummary };

/** Sends progress to the parent over Node's IPC channel, when there is one. */
export class ParentReporter {
  send(message: ProgressMessage): void {
    if (process.send && process.connected) process.send(message);
  }

  /** Sends the last message, then lets the channel go so this process can exit. */
  finish(summary: NotebookSummary): Promise<void> {
    return new Promise((resolve) => {
      if (!process.send || !process.connected) return resolve();
      process.send({ type: 'done', summary } satisfies ProgressMessage, () => {
        if (process.connected) process.disconnect();
        resolve();
      });
    });
  }
}
