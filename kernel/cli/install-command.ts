import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../paths';

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
