import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { projectRoot } from '../paths';

/** How the autograder runs each submission: the `sockbook run` options baked into run_autograder. */
export interface AutograderSettings {
  /** The instructor's notebook: its graded test cells are the hidden tests. */
  instructorNotebook: string;
  cellTimeoutSeconds: number;
  timeoutSeconds?: number;
  isolate?: string;
  parameters: { name: string; value: string }[];
  strict: boolean;
}

/** What of sockbook's own tree goes into the bundle: enough to `npm ci` and build it there. */
const SOURCE_ENTRIES = ['package.json', 'package-lock.json', 'tsconfig.json', 'kernel.json', 'README.md', 'bin', 'kernel', 'native', 'test', 'bench'];
/** Never packed: installed or built there. */
const SKIPPED = new Set(['node_modules', 'build', '.git', '.ipynb_checkpoints']);

/** A word for bash, single-quoted. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * setup.sh: Gradescope runs it once, as root, on its Ubuntu base image when
 * the autograder is built. It installs gcc, Node 20 (from NodeSource when the
 * image's own is older) and sockbook from the bundle's source tree.
 */
export function setupScript(): string {
  return `#!/usr/bin/env bash
# Installs what the autograder needs on Gradescope's Ubuntu image: gcc, Node.js 20
# and sockbook (its source tree is in this bundle, built here with npm ci).
set -euo pipefail
ROOT="\${SOCKBOOK_AUTOGRADER_ROOT:-/autograder}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl gnupg build-essential python3
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi
cd "$ROOT/source/sockbook"
npm ci --no-audit --no-fund
ln -sf "$ROOT/source/sockbook/bin/sockbook.js" /usr/local/bin/sockbook
node bin/sockbook.js run --help > /dev/null
`;
}

/**
 * run_autograder: Gradescope runs it for each submission, in a fresh
 * container. It finds the submitted notebook, runs it against the hidden
 * tests and writes results/results.json (and the graded notebook, its
 * feedback page and its log beside it).
 */
export function runAutograderScript(settings: AutograderSettings): string {
  const tests = path.basename(settings.instructorNotebook);
  const options = ['--allow-errors', '--cell-timeout', String(settings.cellTimeoutSeconds)];
  if (settings.timeoutSeconds !== undefined) options.push('--timeout', String(settings.timeoutSeconds));
  if (settings.isolate !== undefined) options.push('--isolate', settings.isolate);
  for (const p of settings.parameters) options.push('-p', `${p.name}=${p.value}`);
  if (settings.strict) options.push('--strict');
  return `#!/usr/bin/env bash
# Grades one submission: its notebook, with the instructor's hidden tests.
# SOCKBOOK_AUTOGRADER_ROOT (default /autograder) is where source/, submission/
# and results/ are; SOCKBOOK_BIN is the sockbook to run (default: the one
# setup.sh built in source/sockbook).
set -uo pipefail
ROOT="\${SOCKBOOK_AUTOGRADER_ROOT:-/autograder}"
SOCKBOOK="\${SOCKBOOK_BIN:-$ROOT/source/sockbook/bin/sockbook.js}"
TESTS="$ROOT/source/tests/"${quote(tests)}
RESULTS="$ROOT/results"
mkdir -p "$RESULTS"

refuse() {
  # A results.json that says why, so the student reads it on Gradescope.
  node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({ score: 0, execution_time: 0, output: process.argv[2], stdout_visibility: "hidden", tests: [] }, null, 2) + "\\n")' \\
    "$RESULTS/results.json" "$1"
  echo "$1" >&2
  exit 0
}

# The submitted notebook: the one named like the instructor's, else the only one.
NAME=${quote(tests)}
mapfile -t notebooks < <(find "$ROOT/submission" -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -type f | sort)
notebook=""
for candidate in "\${notebooks[@]}"; do
  if [ "$(basename "$candidate")" = "$NAME" ]; then notebook="$candidate"; break; fi
done
if [ -z "$notebook" ]; then
  if [ "\${#notebooks[@]}" -eq 1 ]; then notebook="\${notebooks[0]}"
  elif [ "\${#notebooks[@]}" -eq 0 ]; then refuse "No notebook (.ipynb) was submitted: submit $NAME."
  else refuse "Several notebooks were submitted and none is named $NAME: submit that one."
  fi
fi

node "$SOCKBOOK" run "$notebook" --tests "$TESTS" \\
  -o "$RESULTS/graded.ipynb" --results "$RESULTS/results.json" --html "$RESULTS/feedback.html" \\
  --files "$RESULTS/files" ${options.map(quote).join(' ')}
status=$?
[ -s "$RESULTS/results.json" ] || refuse "The grader could not run the notebook (sockbook exited with status $status)."
exit 0
`;
}

async function addTree(zip: ZipFile, root: string, rel: string, prefix: string): Promise<void> {
  const full = path.join(root, rel);
  const stat = await fs.stat(full).catch(() => undefined);
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of (await fs.readdir(full)).sort()) {
      if (!SKIPPED.has(name)) await addTree(zip, root, path.posix.join(rel, name), prefix);
    }
  } else if (stat.isFile()) {
    zip.addBuffer(await fs.readFile(full), `${prefix}/${rel}`, { mode: stat.mode & 0o111 ? 0o100755 : 0o100644, mtime: stat.mtime });
  }
}

/**
 * Writes Gradescope's autograder bundle: setup.sh and run_autograder at the
 * top (Gradescope puts the zip's content in /autograder/source), the
 * instructor's notebook in tests/, and sockbook's source tree in sockbook/.
 */
export async function writeAutograderZip(settings: AutograderSettings, zipFile: string): Promise<string[]> {
  const zip = new ZipFile();
  const executable = { mode: 0o100755 };
  zip.addBuffer(Buffer.from(setupScript()), 'setup.sh', executable);
  zip.addBuffer(Buffer.from(runAutograderScript(settings)), 'run_autograder', executable);
  zip.addBuffer(await fs.readFile(settings.instructorNotebook), `tests/${path.basename(settings.instructorNotebook)}`);
  for (const entry of SOURCE_ENTRIES) await addTree(zip, projectRoot, entry, 'sockbook');
  const temp = `${zipFile}.${process.pid}.tmp`;
  zip.end();
  try {
    await pipeline(zip.outputStream, createWriteStream(temp));
    await fs.rename(temp, zipFile);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return ['setup.sh', 'run_autograder', `tests/${path.basename(settings.instructorNotebook)}`, 'sockbook/'];
}
