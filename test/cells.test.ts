import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileRunCommands } from '../kernel/cells/compile-run';
import type { CellPlan, CompileRunPlan, FileCellPlan } from '../kernel/cells/plan';
import { planCell } from '../kernel/cells/plan-cell';
import { formatSpoilerOutput } from '../kernel/cells/spoiler';

function filePlan(code: string): FileCellPlan {
  const plan = planCell(code);
  assert.equal(plan.kind, 'file', `expected a file plan, got ${JSON.stringify(plan)}`);
  return plan as FileCellPlan;
}

function invalidValue(code: string): string {
  const plan = planCell(code);
  assert.equal(plan.kind, 'invalid', `expected an invalid plan, got ${JSON.stringify(plan)}`);
  return (plan as Extract<CellPlan, { kind: 'invalid' }>).evalue;
}

function kindOf(code: string): CellPlan['kind'] {
  return planCell(code).kind;
}

describe('cells: course file magics', () => {
  it('%%cpp writes the header, commented % lines, the body and a final empty line', () => {
    const plan = filePlan('%%cpp a.cpp\n%run gcc a.cpp -o a.exe\n%run ./a.exe\n\n#include <stdio.h>\nint main() {}');
    assert.equal(plan.magic, 'cpp');
    assert.equal(plan.path, 'a.cpp');
    assert.equal(
      plan.content,
      '// %%cpp a.cpp\n// %run gcc a.cpp -o a.exe\n// %run ./a.exe\n\n#include <stdio.h>\nint main() {}\n\n',
    );
    assert.equal(plan.spoilerThreshold, undefined);
  });

  it('a body ending in a newline gives the same file as one without', () => {
    assert.equal(filePlan('%%cpp a.c\nint x;\n').content, filePlan('%%cpp a.c\nint x;').content);
    assert.equal(filePlan('%%cpp a.c\nint x;\n').content, '// %%cpp a.c\nint x;\n\n');
  });

  it('keeps empty lines, including extra ones at the end', () => {
    assert.equal(filePlan('%%cpp a.c\n\n\nint x;\n\n').content, '// %%cpp a.c\n\n\nint x;\n\n\n');
  });

  it('an empty body gives a file of the header and two empty lines', () => {
    assert.equal(filePlan('%%cpp a.c').content, '// %%cpp a.c\n\n\n');
    assert.equal(filePlan('%%cpp a.c\n').content, '// %%cpp a.c\n\n\n');
  });

  it('keeps the arguments as written in the header (IPython drops the first space and trailing blanks)', () => {
    const plan = filePlan('%%cpp  a.c   --ejudge-style  \nint x;');
    assert.equal(plan.path, 'a.c');
    assert.ok(plan.content.startsWith('// %%cpp  a.c   --ejudge-style\n'), plan.content);
  });

  it('ignores blank lines before the magic line', () => {
    assert.equal(filePlan('\n  \n%%cpp a.c\nint x;').content, '// %%cpp a.c\nint x;\n\n');
  });

  it('keeps trailing spaces and \\r without --ejudge-style', () => {
    assert.equal(filePlan('%%cpp a.c\nint x;   \r\n\tint y;\t').content, '// %%cpp a.c\nint x;   \r\n\tint y;\t\n\n');
  });

  it('--ejudge-style right-strips every line (Python whitespace) and ends with the line without \\n', () => {
    const plan = filePlan('%%cpp s.c --ejudge-style\n%run gcc s.c -o s.exe   \nint x;  \t\r\n  int y;\f\u00a0\nint z;\ufeff');
    assert.equal(
      plan.content,
      '// %%cpp s.c --ejudge-style\n// %run gcc s.c -o s.exe\nint x;\n  int y;\nint z;\ufeff\n\n// line without \\n',
    );
    assert.ok(!plan.content.endsWith('\n'));
    assert.deepEqual(plan.actions.find((action) => action.kind === 'run'), { kind: 'run', command: 'gcc s.c -o s.exe' });
  });

  it('%%save_file and %%cmake comment with #, and %%asm with //', () => {
    const saved = filePlan('%%save_file run.sh\n%run bash run.sh\n%# the script\necho hi');
    assert.equal(saved.content, '# %%cpp run.sh\n# %run bash run.sh\n# %# the script\necho hi\n\n');
    assert.equal(saved.magic, 'save_file');
    const cmake = filePlan('%%cmake CMakeLists.txt\ncmake_minimum_required(VERSION 3.10)');
    assert.equal(cmake.content, '# %%cpp CMakeLists.txt\ncmake_minimum_required(VERSION 3.10)\n\n');
    const asm = filePlan('%%asm f.S\n%// the function\n    .text');
    assert.equal(asm.content, '// %%cpp f.S\n// %// the function\n    .text\n\n');
  });

  it('--ejudge-style in %%save_file ends with "# line without \\n"', () => {
    assert.equal(filePlan('%%save_file x.py --ejudge-style\nprint(1)  ').content, '# %%cpp x.py --ejudge-style\nprint(1)\n\n# line without \\n');
  });

  it('%%makefile defaults to makefile and turns each run of 4 spaces into a tab', () => {
    const plan = filePlan('%%makefile\nall: a.exe\n    gcc a.c\n        two\n     five\n%# build');
    assert.equal(plan.path, 'makefile');
    assert.equal(plan.content, '# %%cpp makefile\nall: a.exe\n\tgcc a.c\n\t\ttwo\n\t five\n# %# build\n\n');
    const named = filePlan('%%makefile other.makefile\nx:\n    y');
    assert.equal(named.path, 'other.makefile');
    assert.equal(named.content, '# %%cpp other.makefile\nx:\n\ty\n\n');
  });

  it('turns % lines into actions, in order, with the course Markdown', () => {
    const plan = filePlan([
      '%%cpp a.c',
      '%// compile it #1',
      '%run   gcc a.c -o a.exe  ',
      '%MD **now** run it',
      '%run ./a.exe 1 2',
      'int main() {}',
    ].join('\n'));
    assert.deepEqual(plan.actions, [
      { kind: 'markdown', text: '\\#\\#\\#\\# `compile it #1`' },
      { kind: 'markdown', text: 'Run: `gcc a.c -o a.exe`' },
      { kind: 'run', command: 'gcc a.c -o a.exe' },
      { kind: 'markdown', text: '**now** run it' },
      { kind: 'markdown', text: 'Run: `./a.exe 1 2`' },
      { kind: 'run', command: './a.exe 1 2' },
    ]);
    assert.ok(plan.content.includes('\n// %run   gcc a.c -o a.exe  \n// %MD **now** run it\n'), plan.content);
  });

  it('an unknown % line makes the cell invalid and names the line', () => {
    assert.match(invalidValue('%%cpp a.c\n%runx gcc\nint x;'), /'%runx gcc'/);
    assert.match(invalidValue('%%cpp a.c\n%run\nint x;'), /'%run'/);
    assert.match(invalidValue('%%cpp a.c\n%#no space'), /'%#no space'/);
    assert.match(invalidValue('%%save_file a.sh\n%// not a # comment'), /'%\/\/ not a # comment'/);
    assert.equal(planCell('%%cpp a.c\n%run ls\n%oops').kind, 'invalid');
  });

  it('parses the options like the course (argparse): threshold, = form, prefixes, errors', () => {
    assert.equal(filePlan('%%cpp a.c --under-spoiler-threshold 30\nx').spoilerThreshold, 30);
    assert.equal(filePlan('%%cpp --under-spoiler-threshold=5 a.c\nx').spoilerThreshold, 5);
    assert.equal(filePlan('%%cpp a.c --under-spoiler-threshold 0\nx').spoilerThreshold, undefined);
    assert.ok(filePlan('%%cpp a.c --ejudge\nx').content.endsWith('// line without \\n'));
    assert.match(invalidValue('%%cpp\nint x;'), /required: FILE/);
    assert.match(invalidValue('%%cpp a.c b.c\nint x;'), /unrecognized arguments: b\.c/);
    assert.match(invalidValue('%%cpp a.c --fast\nint x;'), /unrecognized arguments: --fast/);
    assert.match(invalidValue('%%cpp a.c --under-spoiler-threshold many\nx'), /invalid int value: 'many'/);
    assert.match(invalidValue('%%cpp a.c --under-spoiler-threshold\nx'), /expected one argument/);
  });

  it('reproduces the line numbers of the course diff between socket_unix.cpp and socket_inet.cpp', function () {
    // The course notebook shows `diff socket_unix.cpp socket_inet.cpp | grep -v "// %"`
    // starting with "16c17,19 / < #include <sys/un.h>": the magic line becomes line 1
    // and every %run line stays in the file as "// %run …".
    const includes = ['stdio.h', 'stdlib.h', 'unistd.h', 'assert.h', 'fcntl.h', 'sys/resource.h', 'sys/types.h',
      'sys/wait.h', 'sys/socket.h', 'errno.h', 'time.h'].map((header) => `#include <${header}>`);
    const unix = ['%%cpp socket_unix.cpp', '%run gcc socket_unix.cpp -o socket_unix.exe', '%run ./socket_unix.exe', '',
      ...includes, '#include <sys/un.h>', '', 'int main() {}'].join('\n');
    const inet = ['%%cpp socket_inet.cpp', '%run gcc -DDEBUG socket_inet.cpp -o socket_inet.exe', '%run ./socket_inet.exe',
      '%run diff socket_unix.cpp socket_inet.cpp  | grep -v "// %" | grep -e \'>\' -e \'<\' -C 1', '',
      ...includes, '#include <netinet/in.h>', '#include <netdb.h>', '#include <string.h>', '', 'int main() {}'].join('\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-cells-'));
    try {
      const unixPlan = filePlan(unix);
      const inetPlan = filePlan(inet);
      fs.writeFileSync(path.join(dir, unixPlan.path), unixPlan.content);
      fs.writeFileSync(path.join(dir, inetPlan.path), inetPlan.content);
      const command = inetPlan.actions.filter((action) => action.kind === 'run')[2];
      assert.equal(command.kind, 'run');
      const output = execFileSync('bash', ['-c', command.kind === 'run' ? command.command : ''], { cwd: dir, encoding: 'utf8' });
      assert.equal(output.split('\n').slice(0, 5).join('\n'),
        '16c17,19\n< #include <sys/un.h>\n---\n> #include <netinet/in.h>\n> #include <netdb.h>');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cells: spoiler output', () => {
  it('shows up to N lines as one <pre><code> block, HTML-escaped, without the final newline', () => {
    assert.equal(formatSpoilerOutput('a < b & "c"\n\'d\' > e\n', 2), '<pre><code>a &lt; b &amp; &quot;c&quot;\n&#x27;d&#x27; &gt; e</code></pre>');
  });

  it('folds more than N lines in <details>', () => {
    assert.equal(formatSpoilerOutput('1\n2\n3\n', 2), '<details> <summary> output </summary> <pre><code>1\n2\n3</code></pre></details>');
    assert.equal(formatSpoilerOutput('1\n2\n3', 3), '<pre><code>1\n2\n3</code></pre>');
  });

  it('shows nothing for empty output', () => {
    assert.equal(formatSpoilerOutput('', 5), '');
    assert.equal(formatSpoilerOutput('\n', 5), '');
  });
});

describe('cells: other cell kinds', () => {
  it('%%writefile takes the body as the content (with the newline IPython adds), -a appends', () => {
    assert.deepEqual(planCell('%%writefile notes.txt\nline 1\n  line 2  \n'), {
      kind: 'file', magic: 'writefile', path: 'notes.txt', content: 'line 1\n  line 2  \n', actions: [],
    });
    assert.equal(filePlan('%%writefile x.txt\nno newline').content, 'no newline\n');
    assert.equal(filePlan('%%writefile x.txt').content, '');
    const appended = filePlan('%%writefile -a "my file.txt"\n%run is text here');
    assert.equal(appended.append, true);
    assert.equal(appended.path, 'my file.txt');
    assert.equal(appended.content, '%run is text here\n');
    assert.match(invalidValue('%%writefile\nx'), /required: FILE/);
  });

  it('%%bash gives the script as is', () => {
    assert.deepEqual(planCell('%%bash\necho 1\nls -l'), { kind: 'bash', script: 'echo 1\nls -l' });
  });

  it('the course setup cell is a no-op setup plan', () => {
    assert.deepEqual(planCell("# look at tools/set_up_magics.ipynb\nget_ipython().run_cell('# one_liner_str <too much code> \\n')\nNone"), { kind: 'setup' });
  });

  it('an unknown cell magic is a UsageError naming it', () => {
    assert.match(invalidValue('%%javascript\nalert(1)'), /`%%javascript` not found/);
  });

  it('a cell of ! lines, blank lines and comments is a shell cell', () => {
    assert.deepEqual(planCell('# list\n!ls -l\n\n// then\n  !echo "a b"\n'), { kind: 'shell', commands: ['ls -l', 'echo "a b"'] });
    assert.equal(kindOf('!ls\nconst x = 1;'), 'typescript');
    assert.equal(kindOf('// only a comment'), 'typescript');
  });

  it('line magics alone in a cell', () => {
    assert.deepEqual(planCell('%cd ../notes dir'), { kind: 'line-magic', name: 'cd', argument: '../notes dir' });
    assert.deepEqual(planCell('\n%pwd\n'), { kind: 'line-magic', name: 'pwd', argument: '' });
    assert.deepEqual(planCell('%strict on'), { kind: 'line-magic', name: 'strict', argument: 'on' });
    assert.deepEqual(planCell('%epoll 1234'), { kind: 'line-magic', name: 'epoll', argument: '1234' });
    assert.match(invalidValue('%strict maybe'), /on or off/);
    assert.match(invalidValue('%epoll abc'), /%epoll PID/);
    assert.match(invalidValue('%magic'), /`%magic` not found/);
    assert.equal(kindOf('%p 1 + 2  # three'), 'typescript');
  });
});

describe('cells: Python is recognised, TypeScript is not mistaken for it', () => {
  function pythonMessage(code: string): string {
    const plan = planCell(code);
    assert.equal(plan.kind, 'python', `expected python for ${JSON.stringify(code)}, got ${JSON.stringify(plan)}`);
    return (plan as Extract<CellPlan, { kind: 'python' }>).message;
  }

  it('names launch() for TInteractiveLauncher', () => {
    const message = pythonMessage('a = TInteractiveLauncher("echo 1 ; read XX")\na.write_stdin("x\\n")');
    assert.match(message, /runs C and TypeScript/);
    assert.match(message, /launch\(cmd\)/);
    assert.match(message, /TInteractiveLauncher/);
  });

  it('quotes the start of a long Python line, not all of it', () => {
    const line = `print(f"${'x'.repeat(400)}")`;
    const message = pythonMessage(line);
    assert.match(message, /Line 1: print\(f"x+…\n/);
    assert.ok(!message.includes(line), 'the whole line is quoted');
  });

  it('names the replacement of each Python helper', () => {
    assert.match(pythonMessage("get_ipython().run_cell('%%cpp a.c\\nint x;')"), /write the cell text as a cell of its own/);
    assert.match(pythonMessage('display(Markdown("**x**"))'), /display\.markdown\(text\)/);
    assert.match(pythonMessage('import os\nos.system("ls")'), /sh\(cmd\) or a !cmd line/);
    assert.match(pythonMessage('import subprocess\nsubprocess.run(["ls"])'), /sh\(cmd\)/);
    assert.match(pythonMessage('print(f"x = {x}")'), /console\.log/);
    assert.match(pythonMessage('print("a", end="")'), /console\.log/);
    assert.match(pythonMessage('def f(x):\n    return x + 1'), /function name\(args\)/);
    assert.match(pythonMessage('from IPython.display import display'), /Python modules are not available/);
    assert.match(pythonMessage('%%python3\nprint(1)'), /Python cells cannot run here/);
    assert.match(pythonMessage('for i in range(3):\n    print(i)'), /braces/);
  });

  it('says which line it saw', () => {
    assert.match(pythonMessage('x = 1\nimport os.path as p, sys'), /Line 2: import os\.path as p, sys/);
  });

  const typescriptCells = [
    "import * as fs from 'fs';\nconsole.log(fs.readdirSync('.'))",
    'import { readFileSync } from "node:fs"\nreadFileSync("x")',
    "import fs from 'fs'",
    "import os = require('os')",
    "import 'source-map-support/register'",
    'function print(x: unknown) { console.log(x) }\nprint("hi")',
    'print(x);',
    'print("hello")',
    'const print = console.log\nprint("a", end = 5)',
    'if (x > 0) {\n  console.log("positive")\n}',
    'for (const x of [1, 2]) console.log(x)',
    'const launcher = new TInteractiveLauncher("echo 1")',
    'class Point { x = 0 }',
    'type T = { a: number }\nlet t: T = { a: 1 }',
    'const o = { from: 1, import: 2 }\no.from',
    'libc.epoll_create1(0)',
    '!flag && console.log("no flag")\nconst y = 2',
    'const script = `\nimport os\nprint("hi", end="")\n`\nsh(`python3 -c \'${script}\'`)',
    '/*\ndef f(x):\n    return x\n*/\nconst f = (x: number) => x',
  ];
  for (const code of typescriptCells) {
    it(`keeps TypeScript as TypeScript: ${JSON.stringify(code.split('\n')[0])}`, () => {
      assert.deepEqual(planCell(code), { kind: 'typescript', code });
    });
  }
});

describe('cells: %%c and %%c++', () => {
  it('takes the file name and -- FLAGS from the magic line and // cflags: lines from the body', () => {
    const plan = planCell('%%c hello.c -- -O2 -DNAME=1\n// cflags: -lm -pthread\n// ldflags: -lrt\nint main() {}');
    assert.deepEqual(plan, {
      kind: 'compile-run', language: 'c', path: 'hello.c', flags: ['-O2', '-DNAME=1', '-lm', '-pthread', '-lrt'],
      source: '// cflags: -lm -pthread\n// ldflags: -lrt\nint main() {}\n',
    });
    assert.deepEqual(planCell('%%c++\nint main() {}\n'), { kind: 'compile-run', language: 'c++', flags: [], source: 'int main() {}\n' });
    assert.deepEqual((planCell('%%c -- -Wextra\nint main() {}') as CompileRunPlan).flags, ['-Wextra']);
  });

  it('rejects two file names and flags before --', () => {
    assert.match(invalidValue('%%c a.c b.c\nint main() {}'), /one file name/);
    assert.match(invalidValue('%%c -O2\nint main() {}'), /flags go after --/);
  });

  it('with %run lines behaves like %%cpp FILE', () => {
    const plan = filePlan('%%c a.c\n%run gcc a.c -o a.exe\nint main() {}');
    assert.equal(plan.content, '// %%cpp a.c\n// %run gcc a.c -o a.exe\nint main() {}\n\n');
  });

  it('gives compile and run commands that build and run the program', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-cells-'));
    try {
      const plan = planCell('%%c -- -lm\n#include <math.h>\n#include <stdio.h>\nint main() { printf("%.0f\\n", sqrt(49.0)); }') as CompileRunPlan;
      const commands = compileRunCommands(plan, dir);
      assert.equal(commands.sourcePath, path.join(dir, 'cell.c'));
      assert.equal(commands.compile, 'gcc -Wall -g cell.c -o cell.exe -lm');
      assert.equal(commands.run, './cell.exe');
      fs.writeFileSync(commands.sourcePath, plan.source);
      const output = execFileSync('bash', ['-c', `${commands.compile} && ${commands.run}`], { cwd: dir, encoding: 'utf8' });
      assert.equal(output, '7\n');
      const named = compileRunCommands(planCell("%%c++ 'src/my prog.cpp' -- -DX='a b'\nint main(){}") as CompileRunPlan, dir);
      assert.equal(named.compile, "g++ -Wall -g 'src/my prog.cpp' -o 'src/my prog.exe' '-DX=a b'");
      assert.equal(named.run, "'./src/my prog.exe'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
