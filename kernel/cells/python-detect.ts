/**
 * Recognising Python in a cell (course notebooks are IPython notebooks), so
 * the user gets a clear message naming the replacement instead of a
 * TypeScript syntax error. Only constructs that cannot be TypeScript count:
 * valid TypeScript is never classified as Python.
 */

interface PythonMarker {
  /** Matched against one line. */
  pattern: RegExp;
  /** Which call replaces it, shown to the user. */
  hint: string;
  /** Only when the cell does not define `print` itself. */
  printOnly?: boolean;
}

const IMPORT_HINT = "Python modules are not available: in TypeScript write import * as fs from 'node:fs', and call system calls through libc";
const BLOCK_HINT = "TypeScript blocks use braces { … }, not a ':' and indentation";
const SHELL_HINT = 'run commands with sh(cmd) or a !cmd line';

const MARKERS: PythonMarker[] = [
  { pattern: /(?<!\bnew\s+)\bTInteractiveLauncher\s*\(/, hint: 'use launch(cmd) instead of TInteractiveLauncher(cmd): it shows the live output and has write(), close(), kill() and wait()' },
  { pattern: /\bget_ipython\s*\(\s*\)\s*\.\s*run_cell(?:_magic)?\s*\(/, hint: 'write the cell text as a cell of its own instead of get_ipython().run_cell(…): the magics (%%cpp, %%bash, !cmd) are built in' },
  { pattern: /\bget_ipython\s*\(\s*\)\s*\.\s*(?:system|getoutput)\s*\(/, hint: `${SHELL_HINT} instead of get_ipython().system(…)` },
  { pattern: /\bget_ipython\s*\(\s*\)/, hint: 'get_ipython() does not exist here: the magics (%%cpp, %%bash, !cmd) are built in' },
  { pattern: /\bdisplay\s*\(\s*Markdown\s*\(/, hint: 'use display.markdown(text) instead of display(Markdown(text))' },
  { pattern: /\bdisplay\s*\(\s*HTML\s*\(/, hint: 'use display.html(text) instead of display(HTML(text))' },
  { pattern: /\bdisplay\s*\(\s*SVG\s*\(/, hint: 'use display.svg(text) instead of display(SVG(text))' },
  { pattern: /\bos\s*\.\s*(?:system|popen)\s*\(/, hint: `${SHELL_HINT} instead of os.system(…)` },
  { pattern: /\bsubprocess\s*\.\s*(?:run|call|check_call|check_output|getoutput|Popen)\s*\(/, hint: `${SHELL_HINT} instead of subprocess` },
  // `import os`, `import os.path as p, sys` — TypeScript imports always have from/quotes/braces/=.
  { pattern: /^\s*import\s+[A-Za-z_][\w.]*(?:\s+as\s+[A-Za-z_]\w*)?(?:\s*,\s*[A-Za-z_][\w.]*(?:\s+as\s+[A-Za-z_]\w*)?)*\s*(?:#.*)?$/, hint: IMPORT_HINT },
  { pattern: /^\s*from\s+\.*[A-Za-z_][\w.]*\s+import\s+\S/, hint: IMPORT_HINT },
  { pattern: /^\s*(?:async\s+)?def\s+[A-Za-z_]\w*\s*\(.*\)\s*(?:->.*)?:\s*(?:#.*)?$/, hint: 'write function name(args) { … } instead of def' },
  { pattern: /^\s*class\s+[A-Za-z_]\w*\s*(?:\([^)]*\))?\s*:\s*(?:#.*)?$/, hint: BLOCK_HINT },
  { pattern: /^\s*(?:elif\b.*|else|try|finally|except\b.*)\s*:\s*(?:#.*)?$/, hint: BLOCK_HINT },
  { pattern: /^\s*for\s+[A-Za-z_][\w, ]*\s+in\s+.+:\s*(?:#.*)?$/, hint: BLOCK_HINT },
  { pattern: /^\s*(?:if|while)\s+[^\s(].*:\s*(?:#.*)?$/, hint: BLOCK_HINT },
  { pattern: /^\s*with\s+.+\bas\s+[A-Za-z_]\w*\s*:\s*(?:#.*)?$/, hint: BLOCK_HINT },
  // print in forms TypeScript cannot have: Python 2 statement, f-strings, keyword arguments, % formatting.
  { pattern: /^\s*print\s+(?!in\b|instanceof\b)[\w"'[]/, hint: 'use console.log(…) instead of print', printOnly: true },
  { pattern: /\bprint\s*\(\s*[fF][rR]?["']/, hint: 'use console.log(…) instead of print(…) (and `${x}` template strings instead of f-strings)', printOnly: true },
  { pattern: /\bprint\s*\(.*,\s*(?:end|sep|file|flush)\s*=(?!=)/, hint: 'use console.log(…) instead of print(…)', printOnly: true },
  { pattern: /\bprint\s*\(\s*(["']).*\1\s*%\s*[(\w]/, hint: 'use console.log(…) instead of print(…) (and `${x}` template strings instead of % formatting)', printOnly: true },
];

/** A cell that defines its own `print` is TypeScript calling it. */
const DEFINES_PRINT = /\b(?:function\s+print\b|(?:const|let|var)\s+print\b|print\s*=(?!=))/;

export interface PythonFinding {
  /** 1-based line of the first Python construct. */
  line: number;
  text: string;
  hints: string[];
}

/**
 * For each line, whether it starts inside a TypeScript template string or
 * block comment: text there (an embedded Python script, say) is not code.
 * A small scanner; `${…}` nesting inside templates is not followed.
 */
function linesStartingInText(code: string): boolean[] {
  const inside: boolean[] = [false];
  let state: 'code' | 'single' | 'double' | 'template' | 'line-comment' | 'block-comment' = 'code';
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '\n') {
      if (state === 'line-comment' || state === 'single' || state === 'double') state = 'code';
      inside.push(state === 'template' || state === 'block-comment');
      continue;
    }
    switch (state) {
      case 'code':
        if (ch === "'") state = 'single';
        else if (ch === '"') state = 'double';
        else if (ch === '`') state = 'template';
        else if (ch === '/' && code[i + 1] === '/') state = 'line-comment';
        else if (ch === '/' && code[i + 1] === '*') {
          state = 'block-comment';
          i++;
        }
        break;
      case 'single':
      case 'double':
      case 'template':
        if (ch === '\\') i++;
        else if ((state === 'single' && ch === "'") || (state === 'double' && ch === '"') || (state === 'template' && ch === '`')) state = 'code';
        break;
      case 'block-comment':
        if (ch === '*' && code[i + 1] === '/') {
          state = 'code';
          i++;
        }
        break;
      case 'line-comment':
        break;
    }
  }
  return inside;
}

/**
 * Lines longer than this are not looked at. Some markers backtrack in time
 * quadratic in a line's length; Python constructs worth a hint are short
 * lines, so this keeps the search linear in the cell's size.
 */
const LONGEST_LINE_EXAMINED = 1000;

/** The Python constructs of a cell, or undefined when it may be TypeScript. */
export function findPython(code: string): PythonFinding | undefined {
  const definesPrint = DEFINES_PRINT.test(code);
  const lines = code.split('\n');
  const inText = linesStartingInText(code);
  const examined = (index: number): boolean => !inText[index] && lines[index].length <= LONGEST_LINE_EXAMINED;
  let first: { line: number; text: string } | undefined;
  const hints: string[] = [];
  lines.forEach((text, index) => {
    if (!examined(index)) return;
    for (const marker of MARKERS) {
      if (marker.printOnly && definesPrint) continue;
      if (!marker.pattern.test(text)) continue;
      first ??= { line: index + 1, text: text.trim() };
      if (!hints.includes(marker.hint)) hints.push(marker.hint);
      break;
    }
  });
  if (!first) return undefined;
  // Once the cell is Python anyway, say what replaces print too.
  const callsPrint = lines.some((line, index) => examined(index) && /^\s*print\s*\(/.test(line));
  if (!definesPrint && callsPrint && !hints.some((hint) => hint.includes('console.log'))) {
    hints.push('use console.log(…) instead of print(…)');
  }
  return { ...first, hints };
}

/** How much of the Python-looking line the error quotes. */
const QUOTED_CHARS = 200;

/** The message for a Python cell. */
export function pythonMessage(finding: PythonFinding): string {
  // A long line is quoted by its start: the error goes to every frontend twice (reply and iopub).
  const quoted = finding.text.length > QUOTED_CHARS ? `${finding.text.slice(0, QUOTED_CHARS)}…` : finding.text;
  return [
    'This kernel runs C and TypeScript, not Python (C goes in %%cpp FILE or %%c cells, everything else is TypeScript).',
    `Line ${finding.line}: ${quoted}`,
    ...finding.hints.map((hint) => `- ${hint}`),
  ].join('\n');
}
