import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installKernelspec } from '../../kernel/cli/install-command';
import { projectRoot } from '../../kernel/paths';

/** Debian's Python, which has Jupyter (the first python3 on PATH may not). */
export const PYTHON = '/usr/bin/python3';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading its input (bash -n) closes the pipe first: EPIPE is no failure of it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** A private Jupyter data/runtime dir with the sockbook kernelspec installed, removed by cleanup(). */
export class JupyterEnv {
  readonly env: NodeJS.ProcessEnv;

  private constructor(readonly prefix: string) {
    this.env = {
      ...process.env,
      JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
      JUPYTER_DATA_DIR: path.join(prefix, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(prefix, 'runtime'),
      JUPYTER_CONFIG_DIR: path.join(prefix, 'config'),
      PYTHONDONTWRITEBYTECODE: '1',
    };
  }

  static async create(): Promise<JupyterEnv> {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'sockbook-jupyter-'));
    await installKernelspec({ kind: 'prefix', prefix });
    return new JupyterEnv(prefix);
  }

  cleanup(): void {
    rmSync(this.prefix, { recursive: true, force: true });
  }
}

/** Copies notebooks/NAME into dir, executes it with `jupyter nbconvert --to notebook --execute`, returns the executed cells. */
export interface SavedCell {
  cell_type: string;
  outputs?: { output_type: string; name?: string; text?: string[]; data?: Record<string, unknown>; ename?: string }[];
}

export async function nbconvertExecute(jupyter: JupyterEnv, name: string, dir: string): Promise<SavedCell[]> {
  copyFileSync(path.join(projectRoot, 'notebooks', name), path.join(dir, name));
  const { code, stdout, stderr } = await runCommand(
    'jupyter',
    ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=120', '--output', `executed-${name}`, name],
    { env: jupyter.env, cwd: dir, timeoutMs: 300000 },
  );
  if (code !== 0) throw new Error(`nbconvert failed (${code}):\n${stdout}\n${stderr}`);
  return (JSON.parse(readFileSync(path.join(dir, `executed-${name}`), 'utf8')) as { cells: SavedCell[] }).cells;
}

