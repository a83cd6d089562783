import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { murmur2 } from './murmur2';

/** The seed of the hash that names a cell's file (debugInfo's hashSeed); any fixed number both sides know. */
export const HASH_SEED = 0x50c4b00c;

/**
 * Where cells are dumped for the debugger: `prefix + murmur2(code, seed) +
 * suffix`, the path JupyterLab computes itself from a cell's code (so a
 * breakpoint clicked in a cell names the same file the kernel runs the cell
 * as). One private directory per kernel process.
 */
export class CellFiles {
  readonly prefix = `${path.join(tmpdir(), `sockbook_${process.pid}`)}${path.sep}`;
  readonly suffix = '.ts';
  readonly seed = HASH_SEED;
  private readonly written = new Set<string>();

  pathOf(code: string): string {
    return `${this.prefix}${murmur2(code, this.seed)}${this.suffix}`;
  }

  /** Writes the cell's code to its file (once per content); returns the path. */
  async dump(code: string): Promise<string> {
    const file = this.pathOf(code);
    if (this.written.has(file)) return file;
    await mkdir(this.prefix, { recursive: true, mode: 0o700 });
    await writeFile(file, code);
    this.written.add(file);
    return file;
  }

  isCellFile(file: string): boolean {
    return file.startsWith(this.prefix) && file.endsWith(this.suffix);
  }

  /** The code of a dumped cell, undefined when it was never dumped. */
  async codeOf(file: string): Promise<string | undefined> {
    return readFile(file, 'utf8').catch(() => undefined);
  }

  async removeAll(): Promise<void> {
    this.written.clear();
    await rm(this.prefix, { recursive: true, force: true });
  }
}
