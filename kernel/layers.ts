// The map of the layers: which folder may import which, and why. One row per
// layer. test/layout.test.ts checks every import under kernel/ and native/
// against it, and docs/architecture.md's table of the layers' imports is
// generated from it (test/support/layer-docs.ts). A new folder gets a row
// here, in the README's layout table and in docs/architecture.md.
//
// A layer is a folder directly under kernel/, except that the executor's two
// programs and their shared protocol count apart; `kernel` is the files
// directly under kernel/ (this table); `native` is native/.
//
// Data only: this module imports nothing.

/** One layer and the layers it may import (besides itself). Packages and node: builtins are not listed here. */
export interface LayerRow {
  readonly layer: string;
  readonly mayImport: readonly string[];
  /** One line: what the layer is, or why it may import what it does. */
  readonly why: string;
}

export const LAYERS: readonly LayerRow[] = [
  { layer: 'kernel/base', mayImport: [], why: 'the bottom: where the repository is, signal names, the one KeyboardInterrupt, the SOCKBOOK_* settings, the /proc process walk; shared by the kernel, the executor child and native/' },
  { layer: 'kernel', mayImport: ['kernel/base'], why: 'this table, and paths.ts, which re-exports kernel/base/paths.ts' },
  { layer: 'native', mayImport: ['kernel/base'], why: 'a library of libc bindings: it knows only the bottom, so the kernel and the executor can load it without cycles' },
  { layer: 'kernel/transport', mayImport: ['kernel/base'], why: 'ZeroMQ sockets; frames in and out untouched' },
  { layer: 'kernel/wire', mayImport: ['kernel/base'], why: 'the message format: framing, signing, content types (JSON and MIME types from the bottom)' },
  { layer: 'kernel/interpreter', mayImport: ['kernel/base'], why: 'the contract both sides meet at; it re-exports the bottom\'s KeyboardInterrupt' },
  { layer: 'kernel/display', mayImport: ['kernel/interpreter'], why: 'MIME bundle builders, typed by the contract' },
  { layer: 'kernel/cells', mayImport: ['kernel/display'], why: 'pure text → plan; nothing that starts a process' },
  { layer: 'kernel/session', mayImport: ['kernel/wire', 'kernel/transport', 'kernel/interpreter', 'kernel/base'], why: 'the protocol logic, testable with a fake transport and a fake interpreter' },
  { layer: 'kernel/runner', mayImport: ['kernel/base', 'kernel'], why: 'runs shell commands and the helper; knows no cell and no message' },
  { layer: 'kernel/notebook', mayImport: ['kernel/interpreter', 'kernel/display', 'kernel/wire'], why: 'the .ipynb format and the sink that writes outputs into it, shared by the cli and grading' },
  { layer: 'kernel/executor/protocol.ts', mayImport: ['kernel/interpreter', 'kernel/base'], why: 'the IPC messages: the only module both executor programs import' },
  { layer: 'kernel/executor/host', mayImport: ['kernel/executor/protocol.ts', 'kernel/interpreter', 'kernel/display', 'kernel/runner', 'kernel/base'], why: 'the kernel\'s side of TypeScript cells; never the child, never the compiler' },
  { layer: 'kernel/executor/child', mayImport: ['kernel/executor/protocol.ts', 'kernel/interpreter', 'kernel/display', 'kernel/runner', 'kernel/cells', 'kernel/views', 'kernel/pictures', 'kernel/help', 'kernel/base', 'kernel', 'native'], why: 'a program of its own: runs cells, so it loads the compiler and the libc bindings; its picture functions draw with kernel/pictures, and the build writes kernel/help\'s completion table from its language service' },
  { layer: 'kernel/help', mayImport: ['kernel/interpreter', 'kernel/cells', 'kernel/base', 'kernel', 'native'], why: 'C help and `?name`: man pages and the machine\'s constants (native/\'s constant table, without koffi)' },
  { layer: 'kernel/views', mayImport: ['kernel/interpreter', 'kernel/display', 'kernel/help', 'kernel/runner', 'kernel/base', 'native'], why: 'read-only /proc views; the runner\'s registry names the kernel\'s own processes' },
  { layer: 'kernel/pictures', mayImport: ['kernel/interpreter', 'kernel/display', 'kernel/cells', 'kernel/views', 'kernel/runner', 'kernel/base', 'kernel'], why: 'the pictures: strace and tcpdump parsed, graphs and charts drawn on a renderer thread; reads the views\' /proc data, starts nothing itself' },
  { layer: 'kernel/debugger', mayImport: ['kernel/interpreter', 'kernel/cells', 'kernel/runner', 'kernel/base', 'kernel'], why: 'the Jupyter debug protocol: cell files, breakpoints, DAP to the V8 inspector and to lldb-dap; loaded at the first debug_request' },
  { layer: 'kernel/engine', mayImport: ['kernel/interpreter', 'kernel/cells', 'kernel/display', 'kernel/runner', 'kernel/executor/host', 'kernel/help', 'kernel/views', 'kernel/pictures', 'kernel/debugger', 'kernel/base', 'kernel'], why: 'the interpreter sockbook uses: plans with cells, runs through the runner, the executor host, views, pictures, help and (lazily) the debugger' },
  { layer: 'kernel/grading', mayImport: ['kernel/interpreter', 'kernel/cells', 'kernel/display', 'kernel/notebook', 'kernel/base', 'kernel'], why: 'runs a notebook as a grader; reads and writes it through kernel/notebook, reads checks and annotations as kernel/display shows them' },
  { layer: 'kernel/cli', mayImport: ['kernel/session', 'kernel/transport', 'kernel/wire', 'kernel/interpreter', 'kernel/engine', 'kernel/runner', 'kernel/display', 'kernel/views', 'kernel/grading', 'kernel/notebook', 'kernel/base', 'kernel'], why: 'the top: wires transport, wire, session and engine together; the run command' },
];

/**
 * Imports the table does not allow yet, each named by file, with the change
 * that ends it. The layout test fails on an exception no import needs any
 * more, so each is deleted when its change lands.
 */
export interface LayerException {
  readonly from: string;
  readonly toFiles: readonly string[];
  readonly until: string;
}

export const LAYER_EXCEPTIONS: readonly LayerException[] = [];
