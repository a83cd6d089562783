#!/usr/bin/env node
// Installs the Debian packages the tests use when they are missing (as root),
// or prints the one apt-get line to run (otherwise). Run by `npm test`.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');

const PACKAGES = [
  'jupyter-client',
  'jupyter-console',
  'jupyter-nbconvert',
  'python3-nbclient',
  'python3-nbformat',
  'python3-jupyter-kernel-test',
  'jupyter-server',
  'python3-notebook',
  'manpages-dev',
  'groff-base', // groff lays out the man pages Shift-Tab shows
  'iproute2', // ss, used by the epoll lesson
  'tmux', // the terminal that the jupyter console test types into
  'chromium', // the browser of the classic Notebook test
  'python3-venv', // the JupyterLab environment of the browser tests (build/jupyter)
  'lldb-19', // lldb-dap-19, the debugger of C cells
  'strace', // %strace
  'tcpdump', // %packets
  'unzip', // lists and unpacks the Gradescope autograder zip in its test
];

function installed(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

const missing = PACKAGES.filter((pkg) => !installed(pkg));
if (missing.length === 0) process.exit(0);

const line = `apt-get install -y ${missing.join(' ')}`;
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error(`sockbook tests need these Debian packages: ${missing.join(' ')}\nRun: sudo ${line}`);
  process.exit(1);
}
console.error(`installing Debian packages for the tests: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
