#!/usr/bin/env node
// Builds notebooks/sockets.ipynb from notebooks/src/sockets.cells.md, a readable source in which
// each cell starts with a marker line: <!-- cell: markdown --> or <!-- cell: code -->.
//
//   node notebooks/src/sockets.mjs            write notebooks/sockets.ipynb (outputs empty)
//   node notebooks/src/sockets.mjs --try DIR  also act out every file cell in DIR the way the
//                                             kernel does (write the file, run each %run with
//                                             bash under a terminal) and print what it shows;
//                                             a check of the C code without the kernel.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sourcePath = join(here, 'sockets.cells.md');
const notebookPath = resolve(here, '..', 'sockets.ipynb');
const markerPattern = /^<!-- cell: (markdown|code) -->$/;
// A command of the notebook that takes longer than this is a bug in the notebook.
const commandTimeoutMs = 20000;

/** @returns {{ type: 'markdown' | 'code', text: string }[]} */
function parseCells(sourceText) {
    const cells = [];
    let current = null;
    for (const line of sourceText.split('\n')) {
        const marker = markerPattern.exec(line);
        if (marker) {
            current = { type: marker[1], lines: [] };
            cells.push(current);
        } else if (current) {
            current.lines.push(line);
        } else if (line.trim() !== '') {
            throw new Error(`${sourcePath}: text before the first cell marker: ${line}`);
        }
    }
    return cells.map(({ type, lines }) => {
        const text = lines.join('\n').replace(/^\s*\n/, '').replace(/\s+$/, '');
        if (text === '') throw new Error(`${sourcePath}: an empty ${type} cell`);
        return { type, text };
    });
}

// nbformat stores a cell's source as lines that keep their "\n" (the last one has none).
function sourceLines(text) {
    return text.split('\n').map((line, i, all) => (i < all.length - 1 ? line + '\n' : line));
}

function buildNotebook(cells) {
    return {
        cells: cells.map((cell, index) => {
            const id = `sockets-${String(index + 1).padStart(2, '0')}`;
            if (cell.type === 'markdown') {
                return { cell_type: 'markdown', id, metadata: {}, source: sourceLines(cell.text) };
            }
            return {
                cell_type: 'code',
                execution_count: null,
                id,
                metadata: {},
                outputs: [],
                source: sourceLines(cell.text),
            };
        }),
        metadata: {
            kernelspec: { display_name: 'sockbook (C + TypeScript)', language: 'typescript', name: 'sockbook' },
            language_info: { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
        },
        nbformat: 4,
        nbformat_minor: 5,
    };
}

// The file a %%cpp / %%save_file cell writes (SPEC §4.1), and the % lines it then acts on.
function actOutFileCell(text) {
    const [magicLine, ...rest] = text.split('\n');
    const magic = /^%%(cpp|save_file)\s+(.*)$/.exec(magicLine);
    if (!magic) return null;
    const args = magic[2].trim().split(/\s+/);
    const fileName = args[0];
    const ejudgeStyle = args.includes('--ejudge-style');
    const comment = magic[1] === 'cpp' ? '//' : '#';
    let body = rest.join('\n');
    if (!body.endsWith('\n')) body += '\n';
    let content = `${comment} %%cpp ${magic[2]}\n`;
    const actions = [];
    for (const line of body.split('\n')) {
        const written = line.startsWith('%') ? `${comment} ${line}` : line;
        content += (ejudgeStyle ? written.trimEnd() : written) + '\n';
        if (line.startsWith('%run ')) actions.push(line.slice('%run '.length));
        else if (line.startsWith('%')) throw new Error(`unexpected line in a file cell: ${line}`);
    }
    if (ejudgeStyle) content += `${comment} line without \\n`;
    return { fileName, content, actions };
}

function tryCells(cells, directory) {
    if (!existsSync(directory) || !statSync(directory).isDirectory()) {
        throw new Error(`--try needs an existing directory, got ${directory}`);
    }
    const started = Date.now();
    for (const cell of cells) {
        if (cell.type !== 'code') continue;
        const fileCell = actOutFileCell(cell.text);
        if (!fileCell) throw new Error(`not a file cell: ${cell.text.split('\n')[0]}`);
        writeFileSync(join(directory, fileCell.fileName), fileCell.content);
        console.log(`===== ${cell.text.split('\n')[0]}`);
        for (const command of fileCell.actions) {
            console.log(`Run: \`${command}\``);
            const commandStarted = Date.now();
            // script(1) gives the command a terminal, as the kernel does; stdin is /dev/null.
            const result = spawnSync('script', ['-qefc', command, '/dev/null'], {
                cwd: directory,
                env: { ...process.env, SHELL: '/bin/bash' },
                stdio: ['ignore', 'pipe', 'pipe'],
                timeout: commandTimeoutMs,
                encoding: 'utf8',
            });
            process.stdout.write(result.stdout.replace(/\r\n/g, '\n'));
            process.stdout.write(result.stderr);
            const seconds = ((Date.now() - commandStarted) / 1000).toFixed(2);
            const ending = result.error ? `FAILED: ${result.error.message}` : `status ${result.status}`;
            console.log(`----- ${ending}, ${seconds} s`);
        }
    }
    console.log(`===== all commands: ${((Date.now() - started) / 1000).toFixed(2)} s`);
}

const cells = parseCells(readFileSync(sourcePath, 'utf8'));
writeFileSync(notebookPath, JSON.stringify(buildNotebook(cells), null, 1) + '\n');
console.log(`wrote ${notebookPath} (${cells.length} cells)`);
const tryIndex = process.argv.indexOf('--try');
if (tryIndex !== -1) {
    const directory = process.argv[tryIndex + 1];
    if (!directory) throw new Error('--try needs a directory');
    tryCells(cells, resolve(directory));
}
