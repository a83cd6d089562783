// Renders the man(7) roff of a manual page as plain text, section by section,
// the way `man` lays it out in a terminal: filled paragraphs, indented tags,
// synopsis lines as written. Fonts are dropped (the reply is text/plain).

export interface RenderedPage {
  /** `.TH` title and section, e.g. ['socket', '2']. */
  title?: string;
  section?: string;
  /** Section name (upper case, as written) → its lines, in page order. */
  sections: Map<string, string[]>;
}

const WIDTH = 74;
const DEFAULT_TAG_INDENT = 7;
const NBSP = '\u00a0';

/** Named characters (`\(xx`, `\[name]`) that occur in Linux man pages. */
const CHARACTERS: Record<string, string> = {
  em: '—', en: '–', hy: '-', bu: '•', aq: "'", dq: '"', lq: '"', rq: '"', oq: "'", cq: "'", ga: '`', ti: '~',
  ha: '^', rs: '\\', co: '©', rg: '®', de: '°', mu: '×', di: '÷', '+-': '±', '<=': '≤', '>=': '≥', '!=': '≠',
  '->': '→', '<-': '←', sc: '§', tm: '™', char46: '.', char92: '\\', lB: '[', rB: ']', lC: '{', rC: '}', la: '<', ra: '>',
};

/** `\*(lq`-style predefined strings. */
const STRINGS: Record<string, string> = { lq: '"', rq: '"', R: '®', Tm: '™' };

/** Replaces roff escapes in running text; `\c` (join with the next line) is left for the caller. */
export function inlineText(text: string): string {
  return text.replace(/\\(\((..)|\[([^\]]*)\]|\*(?:\((..)|\[([^\]]*)\]|(.))|[fFsn](?:\[[^\]]*\]|\(..|[-+]?\d|.)|.)/g, (match, _all, two, bracket, strTwo, strBracket, strOne) => {
    if (two !== undefined) return CHARACTERS[two] ?? '';
    if (bracket !== undefined) return CHARACTERS[bracket] ?? (bracket.startsWith('u') ? String.fromCodePoint(parseInt(bracket.slice(1), 16) || 32) : '');
    if (strTwo !== undefined || strBracket !== undefined || strOne !== undefined) return STRINGS[strTwo ?? strBracket ?? strOne] ?? '';
    const letter = match[1];
    if (letter === 'f' || letter === 'F' || letter === 's' || letter === 'n') return '';
    switch (letter) {
      case '-':
        return '-';
      case 'e':
      case '\\':
        return '\\';
      case '~':
      case ' ':
      case '0':
        return NBSP;
      case '.':
        return '.';
      case "'":
        return "'";
      case '`':
        return '`';
      case 'c':
        return '\\c';
      default:
        // \& \% \| \^ \, \/ \: and unknown escapes print nothing.
        return '';
    }
  });
}

/** The arguments of a request line: words, or "quoted strings" (`""` inside is a quote). */
export function requestArguments(rest: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < rest.length) {
    while (rest[i] === ' ' || rest[i] === '\t') i++;
    if (i >= rest.length) break;
    let arg = '';
    if (rest[i] === '"') {
      i++;
      while (i < rest.length) {
        if (rest[i] === '"') {
          if (rest[i + 1] === '"') {
            arg += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        arg += rest[i++];
      }
    } else {
      while (i < rest.length && rest[i] !== ' ' && rest[i] !== '\t') {
        // An escaped space stays in the word.
        if (rest[i] === '\\' && i + 1 < rest.length) arg += rest[i++];
        arg += rest[i++];
      }
    }
    args.push(arg);
  }
  return args;
}

/** Drops `\"` comments (not `\\"`). */
function stripComment(line: string): string {
  for (let i = 0; i < line.length - 1; i++) {
    if (line[i] !== '\\') continue;
    if (line[i + 1] === '"') return line.slice(0, i);
    i++;
  }
  return line;
}

/** Requests that only change layout details a plain-text rendering ignores. */
const IGNORED = new Set([
  'ad', 'na', 'nh', 'hy', 'hw', 'ne', 'ft', 'ps', 'vs', 'ta', 'ti', 'ce', 'ds', 'nr', 'if', 'ie', 'el', 'tr', 'cs', 'bp',
  'ns', 'rs', 'pc', 'in', 'll', 'PD', 'DT', 'UC', 'ss', 'cp', 'so', 'mso', 'lf', 'ev', 'rm', 'rn', 'als', 'nroff', 'troff', 'PS', 'PE', 'TA', 'ZN',
]);

class PageWriter {
  readonly page: RenderedPage = { sections: new Map() };
  private lines: string[] = [];
  private words: string[] = [];
  private fill = true;
  /** .RS nesting: indents in spaces. */
  private readonly baseStack: number[] = [];
  private base = 0;
  /** Extra indent of the current .TP/.IP paragraph body. */
  private hanging = 0;
  /** The indent .TP/.IP use without a number: the last number given, until the next .PP or heading. */
  prevailing = DEFAULT_TAG_INDENT;
  /** A .TP/.IP tag waiting to be placed in front of the paragraph's first line. */
  private tag: string | undefined;
  /** The current output line continues (a `\c` at the end of the previous input line). */
  private joinNext = false;

  section(name: string): void {
    this.flush();
    this.trimBlank();
    this.lines = [];
    this.page.sections.set(name, this.lines);
    this.baseStack.length = 0;
    this.base = 0;
    this.hanging = 0;
    this.tag = undefined;
    this.fill = true;
    this.prevailing = DEFAULT_TAG_INDENT;
  }

  subsection(name: string): void {
    this.paragraph();
    this.baseStack.length = 0;
    this.base = 0;
    this.lines.push(name);
  }

  text(raw: string): void {
    let text = inlineText(raw);
    const join = text.endsWith('\\c');
    if (join) text = text.slice(0, -2);
    if (this.fill) {
      if (raw.trim() === '') return this.paragraph();
      const words = text.split(/[ \t]+/).filter((w) => w !== '');
      if (this.joinNext && this.words.length > 0 && words.length > 0) this.words[this.words.length - 1] += words.shift();
      // A line starting with a space breaks the line, as in troff.
      if (/^[ \t]/.test(raw)) this.flush();
      this.words.push(...words);
    } else if (this.joinNext && this.lines.length > 0) {
      this.lines[this.lines.length - 1] += text.replaceAll(NBSP, ' ');
    } else {
      this.emit(text.replaceAll(NBSP, ' '));
    }
    this.joinNext = join;
  }

  paragraph(): void {
    this.flush();
    this.prevailing = DEFAULT_TAG_INDENT;
    this.hanging = 0;
    this.tag = undefined;
    this.blank();
  }

  taggedParagraph(tag: string, indent: number): void {
    this.flush();
    this.blank();
    this.hanging = indent;
    this.tag = tag;
  }

  /** .TP: the tag is the next input line. */
  tagFromNextLine(indent: number): void {
    this.flush();
    this.blank();
    this.hanging = indent;
    this.tag = '';
  }

  /** True while a .TP waits for its tag line. */
  get wantsTag(): boolean {
    return this.tag === '';
  }

  setTag(text: string): void {
    this.tag = inlineText(text).replaceAll(NBSP, ' ').trim() || ' ';
  }

  lineBreak(): void {
    this.flush();
  }

  space(): void {
    this.flush();
    this.lines.push('');
  }

  noFill(): void {
    this.flush();
    this.fill = false;
  }

  doFill(): void {
    this.flush();
    this.fill = true;
  }

  indentMore(by: number): void {
    this.flush();
    this.baseStack.push(this.base);
    this.base = Math.max(0, this.base + this.hanging + by);
    this.hanging = 0;
  }

  indentLess(): void {
    this.flush();
    this.base = this.baseStack.pop() ?? 0;
    this.hanging = 0;
  }

  /** Adds lines that are already laid out (a table), at the current indent. */
  block(lines: string[]): void {
    this.flush();
    for (const line of lines) this.emit(line);
  }

  finish(): RenderedPage {
    this.flush();
    this.trimBlank();
    return this.page;
  }

  private get indent(): number {
    return Math.max(0, this.base + this.hanging);
  }

  private emit(text: string): void {
    const pad = ' '.repeat(this.indent);
    if (this.tag !== undefined && this.tag !== '') {
      const tag = ' '.repeat(this.base) + this.tag;
      if (tag.length + 1 <= this.indent) {
        this.lines.push(tag.padEnd(this.indent) + text);
      } else {
        this.lines.push(tag);
        this.lines.push(text === '' ? '' : pad + text);
      }
      this.tag = undefined;
      return;
    }
    this.lines.push(text === '' ? '' : pad + text);
  }

  private flush(): void {
    if (this.words.length === 0) return;
    const room = Math.max(20, WIDTH - this.indent);
    let line = '';
    for (const word of this.words) {
      if (line !== '' && line.length + 1 + word.length > room) {
        this.emit(line.replaceAll(NBSP, ' '));
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') this.emit(line.replaceAll(NBSP, ' '));
    this.words = [];
    this.joinNext = false;
  }

  private blank(): void {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  private trimBlank(): void {
    while (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
  }
}

/** Lays out a tbl(1) table (.TS … .TE) as aligned columns. */
function renderTable(source: string[]): string[] {
  let i = 0;
  let tab = '\t';
  // Options line (ends with ';'), then format lines up to one ending with '.'.
  if (source[0]?.trim().endsWith(';')) {
    tab = /tab\s*\((.)\)/.exec(source[0])?.[1] ?? tab;
    i = 1;
  }
  while (i < source.length && !source[i]!.trim().endsWith('.')) i++;
  i++;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell: string[] | undefined;
  const cellText = (line: string): string => {
    if (/^[.']\s*$/.test(line)) return '';
    if (/^[.']/.test(line)) return requestArguments(line.replace(/^[.']\s*\S+/, '')).join('');
    return line;
  };
  const addCells = (line: string) => {
    const parts = line.split(tab);
    parts.forEach((part, k) => {
      if (part.startsWith('T{')) {
        cell = [];
        const rest = part.slice(2).trim();
        if (rest) cell.push(rest);
        // The rest of the row continues after the block's T}.
        if (k < parts.length - 1) cell.push(parts.slice(k + 1).join(tab));
        return;
      }
      if (cell === undefined) row.push(inlineText(part).trim());
    });
  };
  for (; i < source.length; i++) {
    const line = stripComment(source[i]!);
    if (cell !== undefined) {
      if (line.startsWith('T}')) {
        row.push(inlineText(cell.map(cellText).join(' ')).replace(/\s+/g, ' ').trim());
        cell = undefined;
        const rest = line.slice(2);
        if (rest.startsWith(tab)) addCells(rest.slice(1));
        if (cell === undefined) {
          rows.push(row);
          row = [];
        }
      } else {
        cell.push(line);
      }
      continue;
    }
    if (line === '.T&') {
      while (i < source.length && !source[i]!.trim().endsWith('.')) i++;
      continue;
    }
    if (/^[_=]$/.test(line.trim()) || /^[.']\s*(\\"|$)/.test(line)) continue;
    addCells(line);
    if (cell === undefined) {
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) rows.push(row);
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.min(40, Math.max(0, ...rows.map((r) => (r[c] ?? '').length))));
  return rows
    .filter((r) => r.some((c) => c !== ''))
    .map((r) => r.map((c, k) => (k === r.length - 1 ? c : c.padEnd(widths[k] ?? 0))).join('  ').replaceAll(NBSP, ' ').trimEnd());
}

/** Lays out a whole man(7) page as plain text, by section. */
export function renderManPage(source: string): RenderedPage {
  // Escaped newlines continue the line.
  const input = source.replace(/\\\n/g, '').split('\n');
  const out = new PageWriter();
  out.section('');
  let pendingHeading: 'SH' | 'SS' | undefined;
  for (let n = 0; n < input.length; n++) {
    const raw = input[n]!;
    if (/^[.']\s*\\"/.test(raw) || raw.startsWith('\\"')) continue;
    const line = stripComment(raw);
    const request = /^[.']\s*([^\s\\]+)\s?(.*)$/.exec(line);
    if (!request) {
      if (line === '.' || line === "'") continue;
      if (pendingHeading) {
        const name = inlineText(line).replaceAll(NBSP, ' ').trim();
        if (pendingHeading === 'SH') out.section(name);
        else out.subsection(name);
        pendingHeading = undefined;
      } else if (out.wantsTag) out.setTag(line);
      else out.text(line);
      continue;
    }
    const [, name = '', rest = ''] = request;
    const args = requestArguments(rest);
    const asText = (text: string) => {
      if (out.wantsTag) out.setTag(text);
      else out.text(text);
    };
    switch (name) {
      case 'TH':
        out.page.title = args[0];
        out.page.section = args[1];
        break;
      case 'SH':
      case 'SS':
        if (args.length === 0) pendingHeading = name;
        else if (name === 'SH') out.section(inlineText(args.join(' ')).replaceAll(NBSP, ' '));
        else out.subsection(inlineText(args.join(' ')).replaceAll(NBSP, ' '));
        break;
      case 'B':
      case 'I':
      case 'SM':
      case 'SB':
        // Without arguments the font applies to the next line, which is text anyway.
        if (args.length > 0) asText(args.join(' '));
        break;
      case 'BR':
      case 'BI':
      case 'IB':
      case 'IR':
      case 'RB':
      case 'RI':
        asText(args.join(''));
        break;
      case 'MR':
        asText(`${args[0] ?? ''}(${args[1] ?? ''})${args[2] ?? ''}`);
        break;
      case 'PP':
      case 'LP':
      case 'P':
      case 'HP':
        out.paragraph();
        break;
      case 'TP':
      case 'TQ':
        if (Number(args[0]) > 0) out.prevailing = Math.min(Number(args[0]), 16);
        out.tagFromNextLine(out.prevailing);
        break;
      case 'IP':
        if (Number(args[1]) > 0) out.prevailing = Math.min(Number(args[1]), 16);
        out.taggedParagraph(inlineText(args[0] ?? '').replaceAll(NBSP, ' '), out.prevailing);
        break;
      case 'RS':
        out.indentMore(Number(args[0]) || DEFAULT_TAG_INDENT);
        break;
      case 'RE':
        out.indentLess();
        break;
      case 'nf':
      case 'EX':
        out.noFill();
        break;
      case 'fi':
      case 'EE':
        out.doFill();
        break;
      case 'br':
        out.lineBreak();
        break;
      case 'sp':
        out.space();
        break;
      case 'UR':
      case 'MT':
        break;
      case 'UE':
      case 'ME':
        if (args.length > 0) asText(args.join(''));
        break;
      case 'TS': {
        const table: string[] = [];
        while (++n < input.length && !/^[.']\s*TE\b/.test(input[n]!)) table.push(input[n]!);
        out.block(renderTable(table));
        break;
      }
      case 'de':
      case 'ig':
        // A macro definition or ignored block runs to a `..` line.
        while (++n < input.length && !/^\.\.\s*$/.test(input[n]!));
        break;
      default:
        // Unknown macros (mdoc's .Nm, .Fa …) still carry words worth showing.
        if (!IGNORED.has(name) && args.length > 0) asText(args.join(' '));
    }
  }
  return out.finish();
}
