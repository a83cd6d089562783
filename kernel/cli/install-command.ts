import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../paths';
import { UsageError, type OptionValues, type Subcommand } from './command-options';

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

/** Writes kernels/sockbook/kernel.json from the template, pointing at this node and this checkout. */
export async function installKernelspec(target: InstallTarget, name = 'sockbook'): Promise<string> {
  const template = await readFile(path.join(projectRoot, 'kernel.json'), 'utf8');
  const spec = JSON.parse(template) as { argv: string[] };
  spec.argv = spec.argv.map((arg) =>
    arg.replace('{node}', process.execPath).replace('{sockbook}', path.join(projectRoot, 'bin', 'sockbook.js')),
  );
  const dir = path.join(kernelsDir(target), name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  return dir;
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
  summary: 'write the kernelspec (default: /usr/local/share/jupyter/kernels)',
  options: INSTALL_OPTIONS,
  async start(values) {
    const name = values.name ?? 'sockbook';
    const dir = await installKernelspec(installTarget(values), name);
    process.stdout.write(`installed kernelspec ${name} in ${dir}\n`);
  },
};
