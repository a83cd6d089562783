// The kernel's own TypeScript help (the completion table and the cells'
// top-level names) held against the executor's language service: where the
// table answers, it answers what the checker answers, names and types alike.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { topLevelDeclarations } from '../kernel/help/cell-declarations';
import { COMPLETION_TABLE_FILE, parseCompletionTable } from '../kernel/help/completion-table';
import { TableHelp } from '../kernel/help/table-help';
import { tokenize } from '../kernel/help/typescript-tokens';
import { builtinDeclarations } from '../kernel/executor/child/builtins-dts';
import { libcSourceModule } from '../kernel/executor/child/builtins';
import { NotebookLanguage } from '../kernel/executor/child/language-service';
import type { CompletionResult } from '../kernel/interpreter/interpreter';

function typed(result: CompletionResult): Array<[string, unknown]> {
  const types = (result.metadata?._jupyter_types_experimental ?? []) as Array<{ text: string; type: string }>;
  return types.map((t) => [t.text, t.type]);
}

describe('the completion table answers as the language service does', function () {
  this.timeout(120_000);
  const cells = [
    "const server = launch('true');\nlet { hits, misses: [firstMiss] } = { hits: 1, misses: [2] };",
    'function handleClient(fd: number): number { const inner = fd; return inner; }\nclass Connection { port = 0 }\nenum Color { Red }',
    // (A cell importing a Node module can add globals to the checker's answer, e.g. URL with node:fs: the table has the globals of no import.)
    'const epfd = libc.epoll_create1(0);',
  ];
  let table: TableHelp;
  let language: NotebookLanguage;

  before(() => {
    table = new TableHelp(parseCompletionTable(readFileSync(COMPLETION_TABLE_FILE, 'utf8')));
    language = new NotebookLanguage(builtinDeclarations(libcSourceModule()));
    for (const cell of cells) language.addCell(cell);
  });

  for (const code of ['libc.', 'libc.epoll_', 'x = libc.  SOCK_', 'export const fd = libc.sock', 'display.', 'display.h', 'comm.', 'libc.constants.EPOLL', 'console.', 'Math.', 'process.', '', 'h', 'se', 'await sl', 'if (hits > 0) { Con']) {
    it(`completes ${JSON.stringify(code)} as the checker does`, () => {
      const ours = table.complete(code, code.length, cells);
      assert.ok(ours, 'the table answers');
      const checker = language.complete(code, code.length);
      assert.deepEqual([ours.cursorStart, ours.cursorEnd], [checker.cursorStart, checker.cursorEnd]);
      assert.deepEqual(typed(ours), typed(checker));
    });
  }

  it('inspects a built-in member as the checker does', () => {
    for (const code of ['libc.epoll_wait', 'display.html', 'libc.constants.EPOLLIN', 'display', 'launch', 'setTimeout']) {
      const ours = table.inspect(code, code.length, cells);
      assert.ok(ours?.found, code);
      assert.equal(ours.data['text/plain'], language.quickInfo(code, code.length), code);
    }
  });

  it('leaves to the checker what it cannot know: members of the cells\' objects, types, strings, comments, shell lines', () => {
    for (const code of ['server.', 'epfd.toF', 'hits.toF', 'const s: Sock', 'f() as Laun', '"libc.', '// libc.', '`${1} libc.', '!ls libc.', "import { rea } from 'node:fs'", 'libc.epoll_wait(1).', 'new Connection().']) {
      assert.equal(table.complete(code, code.length, cells), undefined, code);
    }
    // A name being declared gets no suggestions, as from the language service.
    const declared = table.complete('const ser', 'const ser'.length, cells);
    assert.deepEqual(declared?.matches, []);
    assert.deepEqual(language.complete('const ser', 'const ser'.length).matches, []);
    // A cell too long to read on the kernel's event loop.
    const long = `${'// filler\n'.repeat(7000)}libc.`;
    assert.equal(table.complete(long, long.length, cells), undefined);
    // A cell that declares its own `libc` shadows the built-in.
    assert.equal(table.complete('libc.', 5, [...cells, 'const libc = { mine: 1 };']), undefined);
  });

  it('reads top-level declarations and where a cursor stands', () => {
    const code = [
      'const a = 1, b = [1, 2], { c, d: [e] } = o;',
      'export async function* gen() { const local = 1; }',
      'declare const ambient: number',
      'for (const i of []) { let hidden = 1 }',
      "import def, { x as y, z } from 'm'",
      'const t = `${ {q: 1}.q }`; var re = /const no/g',
      '!echo const fake=1',
      'type Alias<T> = T; interface Shape { w: number }',
    ].join('\n');
    assert.deepEqual(
      topLevelDeclarations(code).map((d) => `${d.name}:${d.kind}`),
      ['a:const', 'b:const', 'c:const', 'e:const', 'gen:function', 'ambient:const', 'def:alias', 'y:alias', 'z:alias', 't:const', 're:var', 'Alias:type', 'Shape:interface'],
    );
    assert.equal(tokenize('x = "abc').end, 'string');
    assert.equal(tokenize('x /* note').end, 'comment');
    assert.equal(tokenize('x // note').end, 'comment');
    assert.equal(tokenize('`a ${b').end, 'code');
    assert.equal(tokenize('`a ${b} c').end, 'template');
    assert.equal(tokenize('x = a / b').end, 'code');
  });
});
