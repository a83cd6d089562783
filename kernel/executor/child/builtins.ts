import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import process from 'node:process';
import { projectRoot } from '../../paths';
import { IMPORT_DEFAULT_HELPER } from './cell-compiler';
import type { ChildChannel } from './child-channel';
import { createCommApi, type CommRegistry } from './comm-api';
import { createDisplay } from './display-api';
import { createPictureApi } from './picture-api';
import { createGrade } from './grade-api';
import { createLaunch } from './launcher';
import { SHELL_LINE_HELPER, SHOW_VALUE_HELPER } from './magic-lines';
import type { Annotation } from '../../display/annotation';
import { ShellCommands } from './shell-builtin';
import { createShowValue } from './show-value';
import { WidgetRegistry } from './widget-base';
import { createWidgets } from './widgets-api';
import type { SleepTimers } from './sleep-timers';

/** What the built-ins need from the executor. */
export interface BuiltinContext {
  channel: ChildChannel;
  sleeps: SleepTimers;
  comms: CommRegistry;
}

/**
 * The globals every cell sees, one entry per name. Each makes the property
 * descriptor installed on the global object (a getter for lazy ones).
 */
export const builtins: Record<string, (context: BuiltinContext) => PropertyDescriptor> = {
  display: ({ channel }) => value(createDisplay((event) => channel.emit(event))),
  input: ({ channel }) =>
    value((prompt: unknown = '', options: { password?: boolean } = {}) =>
      channel.requestInput(String(prompt), Boolean(options?.password))),
  sleep: ({ sleeps }) => value((ms: number) => sleeps.sleep(ms)),
  sh: () => value(runShellCommand),
  launch: ({ channel }) => value(createLaunch((event) => channel.emit(event))),
  comm: ({ comms }) => value(createCommApi(comms)),
  tcpStates: (context) => value(pictureApi(context).tcpStates),
  strace: (context) => value(pictureApi(context).strace),
  packets: (context) => value(pictureApi(context).packets),
  psTree: (context) => value(pictureApi(context).psTree),
  // Made at start: its control target must answer a reloaded page even before a cell makes a widget.
  widgets: ({ comms, channel }) => value(createWidgets(new WidgetRegistry(comms), createDisplay((event) => channel.emit(event)))),
  grade: ({ channel }) => value(createGrade((event) => channel.emit(event))),
  [SHELL_LINE_HELPER]: () => value(runShellCommand),
  [SHOW_VALUE_HELPER]: ({ channel }) => value(createShowValue((event) => channel.emit(event))),
  libc: () => ({ get: loadLibc, configurable: true, enumerable: false }),
  require: () => value(notebookRequire()),
  [IMPORT_DEFAULT_HELPER]: () =>
    value((module: unknown) => (isEsModule(module) ? (module as { default: unknown }).default : module)),
};

const pictureApis = new WeakMap<ChildChannel, ReturnType<typeof createPictureApi>>();

/** One set of picture functions per executor (they draw through its channel). */
function pictureApi({ channel }: BuiltinContext): ReturnType<typeof createPictureApi> {
  let api = pictureApis.get(channel);
  if (!api) {
    api = createPictureApi((event) => channel.emit(event), runShellCommand);
    pictureApis.set(channel, api);
  }
  return api;
}

export function installBuiltins(target: object, context: BuiltinContext): void {
  showShellNote = (note) => context.channel.emit({ kind: 'display', data: note.data, metadata: note.metadata });
  for (const [name, make] of Object.entries(builtins)) Object.defineProperty(target, name, make(context));
}

// The libc bindings load koffi, so they are loaded on the first use of
// `libc`, not when the child starts; the type-only import keeps the call typed.
type LibcBindings = typeof import('../../../native/libc');

let bindings: LibcBindings | undefined;

function loadLibc(): LibcBindings['libc'] {
  if (bindings === undefined) {
    try {
      bindings = require('../../../native/libc') as LibcBindings;
    } catch (error) {
      throw new Error(`libc is not available: the bindings (native/libc) failed to load (${(error as Error).message}). Run \`npm run build\`.`);
    }
  }
  return bindings.libc;
}

/** The commands sh() and `!` lines run, so an interrupt reaches them. */
let showShellNote: (note: Annotation) => void = () => undefined;
const shellCommands = new ShellCommands((note) => showShellNote(note));

function runShellCommand(command: string): Promise<number> {
  return shellCommands.run(command);
}

/**
 * Ends the libc bindings' pending async calls (epoll_wait_async…), once they
 * are loaded, and running shell commands. Resolves when those commands have
 * ended, or after `settleLimitMs`.
 */
export function interruptBuiltins(settleLimitMs: number): Promise<void> {
  bindings?.interruptPendingCalls();
  return shellCommands.interrupt(settleLimitMs);
}

/**
 * `require` for cells: resolves from the notebook's directory (the current
 * one, which `%cd` may change), then from sockbook's own packages (koffi).
 */
function notebookRequire(): NodeJS.Require {
  const fromProject = createRequire(path.join(projectRoot, 'package.json'));
  const fromNotebook = () => createRequire(path.join(process.cwd(), '__notebook__.js'));
  const resolve = ((id: string, options?: { paths?: string[] }) => {
    try {
      return fromNotebook().resolve(id, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      return fromProject.resolve(id, options);
    }
  }) as NodeJS.RequireResolve;
  resolve.paths = (id: string) => fromNotebook().resolve.paths(id);
  const cellRequire = ((id: string) => fromProject(resolve(id))) as NodeJS.Require;
  return Object.assign(cellRequire, { resolve, cache: fromProject.cache, main: undefined, extensions: fromProject.extensions });
}

function isEsModule(module: unknown): boolean {
  return typeof module === 'object' && module !== null && (module as { __esModule?: unknown }).__esModule === true;
}

function value(v: unknown): PropertyDescriptor {
  return { value: v, writable: true, configurable: true, enumerable: false };
}

/** True when the libc bindings' TypeScript source is there for the language service. */
export function libcSourceModule(): string | undefined {
  const source = path.join(projectRoot, 'native', 'libc.ts');
  return fs.existsSync(source) ? source.replace(/\.ts$/, '') : undefined;
}
