import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { nativeArtifact, projectRoot } from '../paths';
import { UsageError, type OptionValues, type Subcommand } from './command-options';
import { kernelJs } from './notebook-highlight';

export type InstallTarget = { kind: 'user' } | { kind: 'sys-prefix' } | { kind: 'prefix'; prefix: string } | { kind: 'system' };

/** Python's sys.prefix, where `--sys-prefix` installs (as `jupyter kernelspec install --sys-prefix` does). */
function pythonPrefix(): string {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      return execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim();
    } catch {
      // try the next one
    }
  }
  throw new Error('--sys-prefix needs python3 to find sys.prefix; use --prefix PATH instead');
}

export function kernelsDir(target: InstallTarget): string {
  switch (target.kind) {
    case 'user':
      return path.join(process.env.JUPYTER_DATA_DIR ?? path.join(os.homedir(), '.local', 'share', 'jupyter'), 'kernels');
    case 'sys-prefix':
      return path.join(pythonPrefix(), 'share', 'jupyter', 'kernels');
    case 'prefix':
      return path.join(target.prefix, 'share', 'jupyter', 'kernels');
    case 'system':
      return path.join('/usr', 'local', 'share', 'jupyter', 'kernels');
  }
}

/** Writes kernels/sockbook/kernel.json from the template, pointing at this node and this checkout, and the classic Notebook's kernel.js. */
export async function installKernelspec(target: InstallTarget, name = 'sockbook'): Promise<string> {
  const template = await readFile(path.join(projectRoot, 'kernel.json'), 'utf8');
  const spec = JSON.parse(template) as { argv: string[] };
  // sockbook-listen takes the ports before Node has started (see native/c/sockbook-listen.c); without it, Node binds them.
  const listen = nativeArtifact('sockbook-listen');
  if (spec.argv[0] === '{listen}' && !existsSync(listen)) spec.argv = spec.argv.slice(spec.argv.indexOf('--') + 1);
  spec.argv = spec.argv.map((arg) =>
    arg.replace('{listen}', listen).replace('{node}', process.execPath).replace('{sockbook}', path.join(projectRoot, 'bin', 'sockbook.js')),
  );
  const dir = path.join(kernelsDir(target), name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  await writeFile(path.join(dir, 'kernel.js'), kernelJs());
  return dir;
}

/** The prebuilt JupyterLab 4 / Notebook 7 extension that highlights C, assembly, CMake and shell cells (labextension/). */
export const LAB_EXTENSION_NAME = 'sockbook-highlight';
const labExtensionBuild = path.join(projectRoot, 'labextension', LAB_EXTENSION_NAME);

/**
 * Copies the prebuilt lab extension into DATA_DIR/labextensions/, beside the kernelspec's
 * kernels/: JupyterLab and Notebook 7 load it from there with no build of their own.
 */
export async function installLabExtension(dataDir: string): Promise<string> {
  if (!existsSync(path.join(labExtensionBuild, 'package.json'))) {
    throw new Error(`the JupyterLab extension is not built (${labExtensionBuild}): run npm run build in labextension/`);
  }
  const dir = path.join(dataDir, 'labextensions', LAB_EXTENSION_NAME);
  // The bundle's file names carry content hashes: an older install's files go first.
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await cp(labExtensionBuild, dir, { recursive: true });
  return dir;
}

/** Where Jupyter looks for kernelspecs when `jupyter --paths` cannot say: JUPYTER_PATH, the user's dir, the usual prefixes. */
function usualDataDirs(): string[] {
  const dirs = (process.env.JUPYTER_PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  dirs.push(process.env.JUPYTER_DATA_DIR ?? path.join(os.homedir(), '.local', 'share', 'jupyter'));
  try {
    dirs.push(path.join(pythonPrefix(), 'share', 'jupyter'));
  } catch {
    // no Python: only the fixed prefixes
  }
  dirs.push('/usr/local/share/jupyter', '/usr/share/jupyter');
  return dirs;
}

/** The data directories Jupyter searches for kernels in this environment (`jupyter --paths --json`). */
export async function jupyterDataDirs(): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)('jupyter', ['--paths', '--json'], { encoding: 'utf8', timeout: 20000 });
    const data = (JSON.parse(stdout) as { data?: unknown }).data;
    if (Array.isArray(data) && data.every((dir) => typeof dir === 'string')) return data;
  } catch {
    // jupyter is not installed here, or too old for --json
  }
  return usualDataDirs();
}

/** What to tell the user when Jupyter will not find a kernelspec installed under dataDir; undefined when it will. */
export async function searchPathHint(dataDir: string): Promise<string | undefined> {
  const searched = (await jupyterDataDirs()).map((dir) => path.resolve(dir));
  if (searched.includes(path.resolve(dataDir))) return undefined;
  return (
    `Jupyter does not look in ${dataDir}: add it to JUPYTER_PATH to use the kernel, e.g.\n` +
    `  export JUPYTER_PATH=${dataDir}\${JUPYTER_PATH:+:\$JUPYTER_PATH}\n`
  );
}

const INSTALL_OPTIONS = {
  user: { type: 'boolean', help: 'install for this user ($JUPYTER_DATA_DIR, default ~/.local/share/jupyter)' },
  'sys-prefix': { type: 'boolean', help: "install into Python's sys.prefix (/usr/bin/python3's)" },
  prefix: { type: 'string', value: 'P', help: 'install into P/share/jupyter' },
  name: { type: 'string', value: 'NAME', help: "the kernelspec's name (default: sockbook)" },
} as const;

/** Which of --user, --sys-prefix, --prefix was given: at most one; none means the system-wide directory. */
function installTarget(values: OptionValues<typeof INSTALL_OPTIONS>): InstallTarget {
  const given: InstallTarget[] = [];
  if (values.user) given.push({ kind: 'user' });
  if (values['sys-prefix']) given.push({ kind: 'sys-prefix' });
  if (values.prefix !== undefined) given.push({ kind: 'prefix', prefix: values.prefix });
  if (given.length > 1) throw new UsageError('choose one of --user, --sys-prefix, --prefix P');
  return given[0] ?? { kind: 'system' };
}

/** `sockbook install`'s command line. */
export const installCommand: Subcommand<typeof INSTALL_OPTIONS> = {
  name: 'install',
  synopsis: '[--user | --sys-prefix | --prefix P] [--name NAME]',
  summary: 'write the kernelspec and the JupyterLab extension (default: /usr/local/share/jupyter)',
  options: INSTALL_OPTIONS,
  async start(values) {
    const name = values.name ?? 'sockbook';
    const target = installTarget(values);
    const dir = await installKernelspec(target, name);
    process.stdout.write(`installed kernelspec ${name} in ${dir}\n`);
    const extension = await installLabExtension(path.dirname(kernelsDir(target)));
    process.stdout.write(`installed the JupyterLab extension ${LAB_EXTENSION_NAME} in ${extension}\n`);
    const hint = await searchPathHint(path.dirname(path.dirname(dir)));
    if (hint) process.stdout.write(hint);
  },
};
