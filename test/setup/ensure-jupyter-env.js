#!/usr/bin/env node
// Makes build/jupyter, a Python virtual environment holding the Jupyter stack
// pinned in jupyter-requirements.txt (JupyterLab 4, Notebook 7, ipywidgets,
// ipykernel 7.4), and reuses it while that file is unchanged. Run by `npm test`
// (the browser tests use its `jupyter lab`) and by `npm run bench` (its
// ipykernel is the peer). pip takes the packages from its configured index;
// `--retries 0` makes an unreachable index fail at once instead of after minutes.
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const requirements = path.join(__dirname, 'jupyter-requirements.txt');
const envDir = path.join(root, 'build', 'jupyter');
const stampFile = path.join(envDir, 'sockbook-requirements.sha256');

/** The Python that makes the environment: the first python3 with venv, 3.10 or later. */
function findPython() {
  for (const candidate of [process.env.SOCKBOOK_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import sys, venv, ensurepip; print(sys.version_info >= (3, 10))'], {
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  return undefined;
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error ? result.error.message : `exit ${result.status}`})`);
  }
}

/** The environment's directory, made or refreshed when needed. */
function ensureJupyterEnv() {
  const wanted = createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  const have = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  if (have === wanted && fs.existsSync(path.join(envDir, 'bin', 'jupyter-lab'))) return envDir;
  const python = findPython();
  if (!python) {
    throw new Error('the Jupyter test environment needs python3 (3.10 or later) with venv and ensurepip (Debian: apt-get install python3-venv)');
  }
  console.error(`making the Jupyter environment ${path.relative(root, envDir)} from ${path.relative(root, requirements)}`);
  fs.rmSync(envDir, { recursive: true, force: true });
  run(python, ['-m', 'venv', envDir]);
  run(path.join(envDir, 'bin', 'pip'), [
    'install', '--quiet', '--disable-pip-version-check', '--retries', '0', '--timeout', '5', '-r', requirements,
  ]);
  fs.writeFileSync(stampFile, `${wanted}\n`);
  return envDir;
}

module.exports = { ensureJupyterEnv, jupyterEnvDir: envDir };

if (require.main === module) {
  try {
    ensureJupyterEnv();
  } catch (error) {
    // The tests that need the environment call ensureJupyterEnv() themselves
    // and fail with this reason; the other suites still run.
    console.error(`sockbook: no Jupyter test environment: ${error.message}`);
  }
}
