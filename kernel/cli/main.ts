import { parseCommandLine, usageLine, usageText, UsageError, type OptionSpecs, type Subcommand } from './command-options';
import { installCommand } from './install-command';
import { kernelCommand } from './kernel-command';

/** The subcommands whose options parseCommandLine reads; `run` reads its own. */
const COMMANDS: Subcommand<OptionSpecs>[] = [kernelCommand, installCommand];

const RUN_USAGE = `  sockbook run NOTEBOOK [-o OUT.ipynb] [--junit FILE] [--results FILE] [options]
  sockbook run NOTEBOOK... --out-dir DIR [--jobs N] [--junit] [--results] [options]
      execute (and grade) notebooks through the kernel, without Python; sockbook run --help lists the options
  sockbook gradescope INSTRUCTOR.ipynb [-o autograder.zip] [options]
      write Gradescope's autograder bundle that grades submissions with the notebook's hidden tests`;

const USAGE = ['usage:', ...COMMANDS.map((command) => usageText(command, '  ')), RUN_USAGE].join('\n');

/** `who` is `sockbook` or `sockbook kernel`: the program or command the message is about. */
function fail(who: string, message: string, usage: string): never {
  process.stderr.write(`${who}: ${message}\n${usage}\n`);
  process.exit(2);
}

async function run(args: string[]): Promise<void> {
  const { runNotebookCommand } = await import('./run-command');
  process.exitCode = await runNotebookCommand(args);
}

async function gradescope(args: string[]): Promise<void> {
  const { gradescopeCommand } = await import('./gradescope-command');
  process.exitCode = await gradescopeCommand(args);
}

/** Parses the command's options and starts it; bad input exits 2 with the command's usage line. */
async function start(command: Subcommand<OptionSpecs>, args: string[]): Promise<void> {
  try {
    const parsed = parseCommandLine(command, args);
    if (parsed.help) {
      process.stdout.write(`usage:\n${usageText(command, '  ')}\n`);
      return;
    }
    await command.start(parsed.values);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`sockbook ${command.name}`, error.message, `usage: ${usageLine(command)}\n(sockbook ${command.name} --help lists its options)`);
  }
}

export function main(argv: string[]): void {
  const [name, ...args] = argv;
  let work: Promise<void> | undefined;
  const command = COMMANDS.find((c) => c.name === name);
  if (command) work = start(command, args);
  else if (name === 'run') work = run(args);
  else if (name === 'gradescope') work = gradescope(args);
  else if (name === undefined || name === '-h' || name === '--help') process.stdout.write(USAGE + '\n');
  else fail('sockbook', `unknown command '${name}'`, USAGE);
  work?.catch((error: unknown) => {
    process.stderr.write(`sockbook: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
