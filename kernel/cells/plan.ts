import type { MagicDialect } from './dialect';

/** What a cell asks for, decided from its first line. */
export type CellPlan =
  /** The course's setup cell; `dialect` when its magics' source says which (see dialect.ts). */
  | { kind: 'setup'; dialect?: MagicDialect }
  | { kind: 'python'; message: string }
  | FileCellPlan
  | CompileRunPlan
  | { kind: 'bash'; script: string }
  | { kind: 'shell'; commands: string[] }
  | { kind: 'typescript'; code: string }
  | LineMagicPlan
  | { kind: 'invalid'; ename: string; evalue: string };

/** An action of a file cell's `%` lines, in order. */
export type FileAction =
  | { kind: 'run'; command: string }
  | { kind: 'markdown'; text: string };

export interface FileCellPlan {
  kind: 'file';
  magic: 'cpp' | 'save_file' | 'asm' | 'cmake' | 'makefile' | 'writefile';
  /** Relative to the notebook directory. */
  path: string;
  /** The exact file content to write. */
  content: string;
  actions: FileAction[];
  /** --under-spoiler-threshold N */
  spoilerThreshold?: number;
  /** `%%writefile -a`: append instead of replacing the file. */
  append?: boolean;
}

export interface CompileRunPlan {
  kind: 'compile-run';
  language: 'c' | 'c++';
  path?: string;
  flags: string[];
  source: string;
}

/** The line magics that stand alone in a cell. */
export type LineMagicName = 'cd' | 'pwd' | 'strict' | 'ps' | 'ss' | 'epoll' | 'tcpstates' | 'strace' | 'packets';

export interface LineMagicPlan {
  kind: 'line-magic';
  name: LineMagicName;
  /** The rest of the line, trimmed ('' when none). */
  argument: string;
}
