#!/usr/bin/env node
// Runs the compiled benchmarks in build/js/bench one after the other
// (`node bench/run.js NAME…` runs those whose file name contains a NAME),
// then prints their summary rows as one Markdown table for BENCHMARKS.md.
// The peer, ipykernel 7.4, comes from the pinned Jupyter environment
// (build/jupyter), made here first when missing. LOAD=N runs N busy loops
// for the whole run (the targets hold with two), ended by pid at the end.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'build', 'js', 'bench');
const names = process.argv.slice(2);
// Only benches whose source is still in bench/ (tsc leaves the output of removed ones behind).
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.js') && fs.existsSync(path.join(__dirname, f.replace(/\.js$/, '.ts'))))
  .sort()
  .filter((f) => names.length === 0 || names.some((n) => f.includes(n)));
if (files.length === 0) {
  console.error(`no benchmark matches ${names.join(' ')}; there are: ${fs.readdirSync(dir).filter((f) => f.endsWith('.js')).join(' ')}`);
  process.exit(2);
}

const { ensureJupyterEnv } = require('../test/setup/ensure-jupyter-env.js');
ensureJupyterEnv();

const busyLoops = [];
const loadCount = Number(process.env.LOAD ?? 0);
for (let i = 0; Number.isInteger(loadCount) && i < loadCount; i++) {
  const { spawn } = require('node:child_process');
  busyLoops.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}
const endBusyLoops = () => {
  for (const loop of busyLoops) if (loop.exitCode === null && loop.signalCode === null) process.kill(loop.pid, 'SIGKILL');
};
process.on('exit', endBusyLoops);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`busy loops: ${busyLoops.length}; load average at start ${loadAverage()}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-bench-summary-'));
const summaryFile = path.join(tmp, 'rows.jsonl');
const started = Date.now();
const failed = [];
const timings = [];
try {
  for (const file of files) {
    const name = file.replace(/\.js$/, '');
    console.log(`\n== ${name}`);
    const t0 = Date.now();
    const result = spawnSync(process.execPath, ['--enable-source-maps', path.join(dir, file)], {
      stdio: 'inherit',
      env: { ...process.env, SOCKBOOK_BENCH_SUMMARY: summaryFile },
    });
    timings.push(`${name} ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (result.status !== 0) failed.push(name);
  }
  const rows = fs.existsSync(summaryFile)
    ? fs.readFileSync(summaryFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
    : [];
  const cell = (s) => String(s ?? '').replace(/\|/g, '\\|');
  console.log('\n== summary (Markdown, for BENCHMARKS.md)\n');
  console.log('| benchmark | sockbook | peer | ratio | target | status |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${[r.benchmark, r.sockbook, r.peer, r.ratio, r.target ?? '', r.status ?? ''].map(cell).join(' | ')} |`);
  }
  console.log(`\ntime per benchmark: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`busy loops: ${busyLoops.length}; load average at the end ${loadAverage()}`);
  if (failed.length) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  endBusyLoops();
  fs.rmSync(tmp, { recursive: true, force: true });
}
