import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { projectRoot } from '../../paths';

/**
 * Which files of `@types/node` the language service reads. All of it is 2.25 MB
 * of declarations (about 35 MB of the checker's heap); a cell needs the
 * globals and the few modules it imports. The declarations are ambient
 * (`declare module "fs" { … }`), so a file's own `import … from "node:tty"`
 * adds nothing to the program: a module not chosen is simply unknown (its
 * types are `any` inside the declarations, which are not checked).
 */
const TYPES_DIRECTORY = path.join(projectRoot, 'node_modules', '@types', 'node');

/**
 * Always loaded: the globals every cell may use (process, Buffer, console,
 * timers, events, AbortController) and what `process.stdout`/`stderr` are
 * made of (tty, net, stream), so writing to them type-checks.
 */
const GLOBAL_FILES = [
  'globals.typedarray',
  'buffer.buffer',
  'globals',
  'web-globals/abortcontroller',
  'web-globals/domexception',
  'web-globals/events',
  'buffer',
  'process',
  'console',
  'timers',
  'events',
  'tty',
  'net',
  'stream',
];

/** Globals declared by a module outside GLOBAL_FILES: naming one in a cell loads the module's file. */
const GLOBALS_OF_MODULES: Readonly<Record<string, string>> = {
  performance: 'perf_hooks',
  PerformanceObserver: 'perf_hooks',
  URL: 'url',
  URLSearchParams: 'url',
  TextEncoder: 'util',
  TextDecoder: 'util',
  crypto: 'crypto',
  MessageChannel: 'worker_threads',
  MessagePort: 'worker_threads',
  BroadcastChannel: 'worker_threads',
  ReadableStream: 'stream/web',
  WritableStream: 'stream/web',
  TransformStream: 'stream/web',
  // fetch's declarations (undici-types) reference all of @types/node: only a cell that uses it pays for that.
  fetch: 'web-globals/fetch',
};

const NODE_IMPORT = /\bfrom\s+["'](node:[\w/]+)["']/g;
const builtins = new Set(builtinModules);

/** The `@types/node` files the language service gives the program, growing as cells import modules. */
export class NodeDeclarations {
  private readonly chosen = new Set<string>(GLOBAL_FILES.map(fileOf));
  private moduleFiles: Map<string, string> | undefined;

  /** The chosen files, as absolute paths. */
  files(): string[] {
    return [...this.chosen];
  }

  /**
   * Adds the files a cell's text needs: each Node module it imports or
   * requires (with the modules that module's declarations import directly,
   * so the types its functions return are known) and the modules behind the
   * globals it names.
   */
  addNeededBy(moduleNames: readonly string[], text: string): void {
    for (const name of moduleNames) {
      const file = this.fileOfModule(name);
      if (!file || this.chosen.has(file)) continue;
      this.chosen.add(file);
      for (const imported of importsOf(file)) {
        const dependency = this.fileOfModule(imported);
        if (dependency) this.chosen.add(dependency);
      }
    }
    for (const [global, module] of Object.entries(GLOBALS_OF_MODULES)) {
      if (new RegExp(`\\b${global}\\b`).test(text)) this.chosen.add(fileOf(module));
    }
  }

  private fileOfModule(name: string): string | undefined {
    const bare = name.startsWith('node:') ? name.slice('node:'.length) : name;
    if (!builtins.has(bare) && !name.startsWith('node:')) return undefined;
    return this.modules().get(bare);
  }

  /** Which file declares each module (`declare module "path/posix"` lives in path.d.ts; `node:test` only has its prefixed name), read once. */
  private modules(): Map<string, string> {
    if (this.moduleFiles) return this.moduleFiles;
    const found = new Map<string, string>();
    const visit = (directory: string): void => {
      for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        // ts5.6/ and compatibility/ hold variants for older compilers, never module declarations of their own.
        if (entry.isDirectory() && entry.name !== 'ts5.6' && entry.name !== 'compatibility') visit(full);
        else if (entry.name.endsWith('.d.ts')) {
          for (const match of fs.readFileSync(full, 'utf8').matchAll(/^declare module ["'](?:node:)?([\w/]+)["']/gm)) {
            if (match[1] && !found.has(match[1])) found.set(match[1], full);
          }
        }
      }
    };
    visit(TYPES_DIRECTORY);
    this.moduleFiles = found;
    return found;
  }
}

function fileOf(name: string): string {
  return path.join(TYPES_DIRECTORY, `${name}.d.ts`);
}

function importsOf(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(NODE_IMPORT)].flatMap((m) => (m[1] ? [m[1]] : []));
}
