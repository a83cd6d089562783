#!/usr/bin/env node
// Builds the C parts of sockbook with the machine's gcc, at install time.
// Every native/c/NAME.c becomes the executable build/native/NAME.
// A program named gen-NAME.c is also run, and what it prints is saved as
// build/native/NAME.json (how constants come from the machine's own headers).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'native', 'c');
const outDir = path.join(root, 'build', 'native');
fs.mkdirSync(outDir, { recursive: true });

for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.c')).sort()) {
  const name = file.slice(0, -2);
  const exe = path.join(outDir, name);
  const src = path.join(srcDir, file);
  const stale = !fs.existsSync(exe) || fs.statSync(exe).mtimeMs < fs.statSync(src).mtimeMs;
  if (stale) {
    execFileSync('gcc', ['-O2', '-Wall', '-Werror', '-std=gnu11', '-o', exe, src], { stdio: 'inherit' });
  }
  if (name.startsWith('gen-')) {
    const json = execFileSync(exe, { encoding: 'utf8' });
    JSON.parse(json); // a generator must print valid JSON
    fs.writeFileSync(path.join(outDir, name.slice(4) + '.json'), json);
  }
}
