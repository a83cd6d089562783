#!/usr/bin/env node
// Builds each lesson notebook from its readable source, notebooks/src/NAME.cells.md, in which
// every cell starts with a marker line: <!-- cell: markdown --> or <!-- cell: code -->.
//
//   node notebooks/src/build.mjs [NAME ...]     write notebooks/NAME.ipynb (outputs empty);
//                                               without a NAME, every lesson here
//
// Then execute it in place, which saves the outputs into the file:
//   node bin/sockbook.js run notebooks/NAME.ipynb --strict
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.cells.md';
const markerPattern = /^<!-- cell: (markdown|code) -->$/;

/** @returns {{ type: 'markdown' | 'code', text: string }[]} */
function parseCells(sourcePath) {
    const cells = [];
    for (const [index, line] of readFileSync(sourcePath, 'utf8').split('\n').entries()) {
        const marker = markerPattern.exec(line);
        if (marker) cells.push({ type: marker[1], lines: [] });
        else if (cells.length > 0) cells[cells.length - 1].lines.push(line);
        else if (line.trim() !== '') throw new Error(`${sourcePath}:${index + 1}: text before the first cell marker`);
    }
    return cells.map(({ type, lines }, index) => {
        // Blank lines around a cell only separate it from its markers in the source.
        const text = lines.join('\n').replace(/^\s*\n/, '').replace(/\s+$/, '');
        if (text === '') throw new Error(`${sourcePath}: cell ${index + 1} (${type}) is empty`);
        return { type, text };
    });
}

// nbformat keeps a cell's source as lines that end in "\n", except the last one.
function sourceLines(text) {
    return text.split('\n').map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));
}

function buildNotebook(name, cells) {
    return {
        cells: cells.map((cell, index) => {
            const id = `${name}-${String(index + 1).padStart(2, '0')}`;
            const source = sourceLines(cell.text);
            if (cell.type === 'markdown') return { cell_type: 'markdown', id, metadata: {}, source };
            return { cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source };
        }),
        metadata: {
            kernelspec: { display_name: 'sockbook (C + TypeScript)', language: 'typescript', name: 'sockbook' },
            language_info: { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
        },
        nbformat: 4,
        nbformat_minor: 5,
    };
}

const names = process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(here).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length));
for (const name of names) {
    const cells = parseCells(join(here, `${name}${SUFFIX}`));
    const notebookPath = resolve(here, '..', `${name}.ipynb`);
    writeFileSync(notebookPath, `${JSON.stringify(buildNotebook(name, cells), null, 1)}\n`);
    console.log(`wrote ${notebookPath} (${cells.length} cells)`);
}
