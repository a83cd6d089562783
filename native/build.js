#!/usr/bin/env node
// Builds the C parts of sockbook with the machine's gcc, at install time
// (after tsc, whose output the constants program is written from).
// Every native/c/NAME.c becomes the executable build/native/NAME.
// The constants program is generated into build/native/gen-constants.c from
// the compiled name list, built, run, and what it prints is saved as
// build/native/constants.json (how constants come from the machine's own headers).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { constantsProgram } = require('./constants-program');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'native', 'c');
const outDir = path.join(root, 'build', 'native');
const namesModule = path.join(root, 'build', 'js', 'native', 'constant-names.js');
fs.mkdirSync(outDir, { recursive: true });

/** Compiles src into exe unless exe is newer. */
function compile(src, exe) {
  const stale = !fs.existsSync(exe) || fs.statSync(exe).mtimeMs < fs.statSync(src).mtimeMs;
  if (stale) {
    execFileSync('gcc', ['-O2', '-Wall', '-Werror', '-std=gnu11', '-o', exe, src], { stdio: 'inherit' });
  }
}

/** Writes text to file only when it changed (so the program is not rebuilt for nothing). */
function writeIfChanged(file, text) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.writeFileSync(file, text);
}

for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.c')).sort()) {
  compile(path.join(srcDir, file), path.join(outDir, file.slice(0, -2)));
}

if (!fs.existsSync(namesModule)) {
  console.error(`native/build.js: ${path.relative(root, namesModule)} is missing; compile the TypeScript first (npm run build)`);
  process.exit(1);
}
const { allConstantNames } = require(namesModule);
const generatorSource = path.join(outDir, 'gen-constants.c');
const generator = path.join(outDir, 'gen-constants');
writeIfChanged(generatorSource, constantsProgram(allConstantNames));
compile(generatorSource, generator);
const json = execFileSync(generator, { encoding: 'utf8' });
JSON.parse(json); // the generator must print valid JSON
fs.writeFileSync(path.join(outDir, 'constants.json'), json);
