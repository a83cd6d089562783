import * as os from 'node:os';
import type { FileCellPlan } from './plan';
import { splitShellWords, ShellWordsError } from './shell-words';
import { invalidPlan, type InvalidPlan } from './usage-error';

const USAGE = 'usage: %%writefile [-a] FILE';

/**
 * IPython's `%%writefile [-a|--append] FILE`: the body is the content.
 * IPython always hands cell magics a body ending in a newline (it adds one
 * to the cell), so a body without one gets it here too; an empty body stays
 * empty. `~` at the start of FILE is the home directory, as in IPython.
 */
export function planWritefile(args: string, body: string): FileCellPlan | InvalidPlan {
  let words: string[];
  try {
    words = splitShellWords(args);
  } catch (error) {
    if (error instanceof ShellWordsError) return invalidPlan(`%%writefile: ${error.message}\n${USAGE}`);
    throw error;
  }
  let append = false;
  const files: string[] = [];
  for (const word of words) {
    if (word === '-a' || (word.startsWith('--a') && '--append'.startsWith(word))) append = true;
    else if (word.startsWith('-') && word !== '-') return invalidPlan(`%%writefile: unrecognized arguments: ${word}\n${USAGE}`);
    else files.push(word);
  }
  if (files.length !== 1) {
    return invalidPlan(
      files.length === 0
        ? `%%writefile: the following arguments are required: FILE\n${USAGE}`
        : `%%writefile: unrecognized arguments: ${files.slice(1).join(' ')}\n${USAGE}`,
    );
  }
  const file = files[0] === '~' || files[0].startsWith('~/') ? os.homedir() + files[0].slice(1) : files[0];
  const content = body === '' || body.endsWith('\n') ? body : `${body}\n`;
  const plan: FileCellPlan = { kind: 'file', magic: 'writefile', path: file, content, actions: [] };
  if (append) plan.append = true;
  return plan;
}
