#!/usr/bin/env node
// Runs every compiled benchmark in bench/ one after the other.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'build', 'js', 'bench');
const only = process.argv[2];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n== ${file.replace(/\.js$/, '')}`);
  execFileSync(process.execPath, ['--enable-source-maps', path.join(dir, file)], { stdio: 'inherit' });
}
