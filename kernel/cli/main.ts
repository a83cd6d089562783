import { installKernelspec, InstallTarget } from './install-command';
import { parseIsolation, type IsolationKind } from '../runner/isolation';
import { runKernel } from './kernel-command';

const USAGE = `usage:
  sockbook kernel -f CONNECTION_FILE [--isolate net,tmp]
                                          run the kernel (what Jupyter starts); --isolate
                                          (or SOCKBOOK_ISOLATE) gives its commands their
                                          own network namespace and /tmp
  sockbook install [--user|--sys-prefix|--prefix P] [--name NAME]
                                          write the kernelspec
  sockbook run NOTEBOOK [-o OUT.ipynb] [--junit FILE] [--results FILE] [options]
  sockbook run NOTEBOOK... --out-dir DIR [--jobs N] [--junit] [--results] [options]
                                          execute (and grade) notebooks through the kernel,
                                          without Python; sockbook run --help for the options`;

function fail(message: string): never {
  process.stderr.write(`sockbook: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function optionValue(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i] === name) {
        if (i + 1 >= args.length) fail(`${name} needs a value`);
        return args[i + 1];
      }
      if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    }
  }
  return undefined;
}

async function install(args: string[]): Promise<void> {
  const prefix = optionValue(args, '--prefix');
  const target: InstallTarget = args.includes('--user')
    ? { kind: 'user' }
    : args.includes('--sys-prefix')
      ? { kind: 'sys-prefix' }
      : prefix !== undefined
        ? { kind: 'prefix', prefix }
        : { kind: 'system' };
  const dir = await installKernelspec(target, optionValue(args, '--name') ?? 'sockbook');
  process.stdout.write(`installed kernelspec sockbook in ${dir}\n`);
}

async function run(args: string[]): Promise<void> {
  const { runNotebookCommand } = await import('./run-command');
  process.exitCode = await runNotebookCommand(args);
}

export function main(argv: string[]): void {
  const [command, ...args] = argv;
  let work: Promise<void>;
  switch (command) {
    case 'kernel': {
      const file = optionValue(args, '-f', '--connection-file');
      if (!file) fail('kernel needs -f CONNECTION_FILE');
      const isolate = optionValue(args, '--isolate');
      let kinds: IsolationKind[] | undefined;
      try {
        kinds = isolate === undefined ? undefined : parseIsolation(isolate);
      } catch (error) {
        fail(`--isolate: ${(error as Error).message}`);
      }
      work = runKernel(file, { isolate: kinds });
      break;
    }
    case 'install':
      work = install(args);
      break;
    case 'run':
      work = run(args);
      break;
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE + '\n');
      return;
    default:
      fail(`unknown command '${command}'`);
  }
  work.catch((error: unknown) => {
    process.stderr.write(`sockbook: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
