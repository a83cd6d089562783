import MarkdownIt from 'markdown-it';
import { annotationKindOf } from '../display/annotation';
import { checkLine, checkOf, type CheckResult } from '../display/check';
import { escapeHtml } from '../display/html-escape';
import type { MimeBundle } from '../interpreter/output-sink';
import type { Cell, CodeCell, Notebook, Output } from '../notebook/nbformat';
import { joinSource } from '../notebook/nbformat';
import { cellMaxScore, cellScore, notebookScore, type CellReport, type NotebookReport } from './report';

// Raw HTML in a student's Markdown is shown as text, never run; links only to http(s) and mailto.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
const defaultValidate = markdown.validateLink.bind(markdown);
markdown.validateLink = (url: string) => defaultValidate(url) && (/^(https?:|mailto:|#)/i.test(url) || !/^[a-z][a-z0-9+.-]*:/i.test(url));

const FOREGROUND: Record<number, string> = {
  30: '#000', 31: '#c00', 32: '#080', 33: '#a60', 34: '#00c', 35: '#a0a', 36: '#088', 37: '#888',
  90: '#666', 91: '#e33', 92: '#3a3', 93: '#c90', 94: '#36e', 95: '#c3c', 96: '#3bb', 97: '#bbb',
};

/**
 * Terminal text as HTML: escaped, with the colours and bold of SGR sequences
 * (gcc's diagnostics, coloured tracebacks) kept as styled spans and every
 * other control sequence dropped.
 */
export function ansiToHtml(text: string): string {
  let html = '';
  let bold = false;
  let colour: string | undefined;
  let open = false;
  const pattern = /\x1b\[([0-9;:]*)m|\x1b\[[0-9;:?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
  let last = 0;
  const flush = (upTo: number) => {
    if (upTo > last) html += escapeHtml(text.slice(last, upTo));
  };
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    flush(m.index);
    last = pattern.lastIndex;
    if (m[1] === undefined) continue;
    const codes = m[1] === '' ? [0] : m[1].split(/[;:]/).map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) [bold, colour] = [false, undefined];
      else if (c === 1) bold = true;
      else if (c === 22) bold = false;
      else if (c === 39) colour = undefined;
      else if (FOREGROUND[c]) colour = FOREGROUND[c];
      else if (c === 38 && codes[i + 1] === 5) i += 2;
      else if (c === 38 && codes[i + 1] === 2) i += 4;
    }
    if (open) html += '</span>';
    open = bold || colour !== undefined;
    if (open) html += `<span style="${bold ? 'font-weight:bold;' : ''}${colour ? `color:${colour};` : ''}">`;
  }
  flush(text.length);
  if (open) html += '</span>';
  return html;
}

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;
const asText = (value: unknown): string => (typeof value === 'string' ? value : Array.isArray(value) ? value.join('') : JSON.stringify(value, null, 2));

/** A MIME bundle, richest first; untrusted HTML and SVG are kept away from the page's own document. */
function renderBundle(data: MimeBundle): string {
  const png = data['image/png'];
  if (typeof png === 'string' && BASE64.test(png)) return `<img class="output-image" alt="image output" src="data:image/png;base64,${png.replace(/\s/g, '')}">`;
  const jpeg = data['image/jpeg'];
  if (typeof jpeg === 'string' && BASE64.test(jpeg)) return `<img class="output-image" alt="image output" src="data:image/jpeg;base64,${jpeg.replace(/\s/g, '')}">`;
  if (data['image/svg+xml'] !== undefined) {
    // As an image, an SVG's scripts never run.
    const svg = Buffer.from(asText(data['image/svg+xml'])).toString('base64');
    return `<img class="output-image" alt="SVG output" src="data:image/svg+xml;base64,${svg}">`;
  }
  if (data['text/html'] !== undefined) {
    // A sandboxed frame: the output's HTML shows, its scripts and forms do not run.
    return `<iframe class="output-html" sandbox="" title="HTML output" srcdoc="${escapeHtml(asText(data['text/html']))}"></iframe>`;
  }
  if (data['text/markdown'] !== undefined) return `<div class="output-markdown">${markdown.render(asText(data['text/markdown']))}</div>`;
  if (data['text/plain'] !== undefined) return `<pre class="output-text">${ansiToHtml(asText(data['text/plain']))}</pre>`;
  if (data['application/json'] !== undefined) return `<pre class="output-text">${escapeHtml(asText(data['application/json']))}</pre>`;
  return `<p class="output-other">[${escapeHtml(Object.keys(data).join(', '))}]</p>`;
}

function renderOutput(output: Output): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="output-${output.name}">${ansiToHtml(joinSource(output.text))}</pre>`;
    case 'error':
      return `<pre class="output-error">${ansiToHtml(output.traceback.length > 0 ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`)}</pre>`;
    case 'display_data':
    case 'execute_result': {
      const kind = annotationKindOf(output.metadata);
      // The grade box shows checks and the score.
      if (kind === 'check' || kind === 'score' || checkOf(output.metadata)) return '';
      if (kind) return `<div class="annotation">${escapeHtml(asText(output.data['text/plain'] ?? ''))}</div>`;
      return renderBundle(output.data);
    }
  }
}

function gradeBox(report: CellReport): string {
  const score = cellScore(report);
  const max = cellMaxScore(report);
  const state = score >= max && max > 0 ? 'full' : score > 0 ? 'partial' : 'none';
  const checks = (report.checks ?? []).map((c: CheckResult) => `<li class="${c.passed ? 'passed' : 'failed'}">${escapeHtml(checkLine(c))}</li>`).join('');
  const why =
    report.status === 'passed'
      ? ''
      : `<p>${escapeHtml(report.status === 'skipped' || report.status === 'not-run' ? `not run: ${report.reason ?? report.status}` : `${report.error?.ename ?? 'Error'}: ${report.error?.evalue ?? ''}`)}</p>`;
  return `<div class="grade ${state}"><strong>${escapeHtml(report.graded?.gradeId ?? '')}: ${score}/${max}</strong>${why}${checks ? `<ul>${checks}</ul>` : ''}</div>`;
}

const isHiddenTest = (cell: Cell) => (cell.metadata.sockbook as { hidden_test?: unknown } | undefined)?.hidden_test === true;

function renderCell(cell: Cell, report: CellReport | undefined): string {
  if (cell.cell_type === 'markdown') return `<section class="cell markdown">${markdown.render(joinSource(cell.source))}</section>`;
  if (cell.cell_type === 'raw') return `<section class="cell raw"><pre>${escapeHtml(joinSource(cell.source))}</pre></section>`;
  const code = cell as CodeCell;
  const prompt = `<div class="prompt">In [${code.execution_count ?? ' '}]:</div>`;
  const source = isHiddenTest(cell)
    ? '<pre class="source hidden-test">(a hidden test: its code is not shown)</pre>'
    : `<pre class="source">${escapeHtml(joinSource(code.source))}</pre>`;
  const outputs = code.outputs.map(renderOutput).join('');
  return `<section class="cell code${report?.graded ? ' graded' : ''}">${prompt}${source}${report?.graded ? gradeBox(report) : ''}${outputs ? `<div class="outputs">${outputs}</div>` : ''}</section>`;
}

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.summary { border: 1px solid #ccc; border-radius: 6px; padding: 0.5rem 1rem; background: #fafafa; }
.summary table { border-collapse: collapse; } .summary td, .summary th { padding: 0.2rem 0.8rem; text-align: left; }
.cell { margin: 1rem 0; } .prompt { color: #888; font-family: monospace; font-size: 0.85em; }
pre { background: #f5f5f5; padding: 0.5rem; overflow-x: auto; white-space: pre-wrap; margin: 0.3rem 0; }
pre.source { background: #eef3f8; border-left: 3px solid #8ab; } pre.hidden-test { color: #777; font-style: italic; }
pre.output-stderr { background: #fff5f0; } pre.output-error { background: #fdecec; }
.annotation { color: #888; font-size: 0.85em; white-space: pre-wrap; }
.grade { border-radius: 6px; padding: 0.4rem 0.8rem; margin: 0.3rem 0; } .grade ul { margin: 0.2rem 0; padding-left: 1.2rem; }
.grade.full { background: #e8f6e8; } .grade.partial { background: #fff6dd; } .grade.none { background: #fdecec; }
li.passed { color: #161; } li.failed { color: #a11; }
iframe.output-html { width: 100%; border: 1px solid #ddd; min-height: 4rem; } img.output-image { max-width: 100%; }
`;

/**
 * The executed notebook as one self-contained HTML page a student can read:
 * the total and each graded cell's score first, then every cell with its
 * outputs and, under each graded cell, its score and checks. Everything from
 * the notebook is escaped; its HTML outputs show in sandboxed frames, its
 * Markdown is rendered without raw HTML, and hidden tests show no code.
 */
export function feedbackHtml(nb: Notebook, report: NotebookReport): string {
  const byPosition = new Map(report.cells.map((c) => [c.position, c]));
  const total = notebookScore(report);
  const rows = report.cells
    .filter((c) => c.graded)
    .map((c) => `<tr><td>${escapeHtml(c.graded?.gradeId ?? '')}</td><td>${cellScore(c)}/${cellMaxScore(c)}</td><td>${escapeHtml(c.status)}</td></tr>`)
    .join('');
  const summary = `<div class="summary"><h1>${escapeHtml(report.name)}</h1>${
    total ? `<p class="total">Score: <strong>${total.score}/${total.maxScore}</strong></p><table><tr><th>test</th><th>score</th><th>status</th></tr>${rows}</table>` : '<p>No graded cells.</p>'
  }</div>`;
  const cells = nb.cells.map((cell, i) => renderCell(cell, byPosition.get(i + 1))).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-src 'self' about:">
<title>${escapeHtml(report.name)}${total ? ` — ${total.score}/${total.maxScore}` : ''}</title>
<style>${STYLE}</style>
</head>
<body>
${summary}
${cells}
</body>
</html>
`;
}

/** The feedback page of a notebook that could not be run at all. */
export function feedbackRefusedHtml(name: string, why: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(name)} — not run</title><style>${STYLE}</style></head>
<body><div class="summary"><h1>${escapeHtml(name)}</h1><p class="total">Score: <strong>0</strong></p><p>The notebook could not be run: ${escapeHtml(why)}</p></div></body>
</html>
`;
}
