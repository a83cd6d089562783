import * as assert from 'node:assert/strict';
import { detectDialect, type MagicDialect } from '../kernel/cells/dialect';
import type { CellPlan, FileCellPlan } from '../kernel/cells/plan';
import { planCell } from '../kernel/cells/plan-cell';

/** A setup cell as the course notebooks carry it: the magics' source inside a Python string, quotes escaped. */
function setupCell(saveFileBody: string): string {
  const escaped = saveFileBody.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n');
  return `# look at tools/set_up_magics.ipynb\nyandex_metrica_allowed = True ; get_ipython().run_cell('# one_liner_str\\n\\n${escaped}')\nNone`;
}

// The lines of each year's save_file that tell the years apart (facts about the course's magics).
const MAGICS_2019 = [
  'if line.startswith("%"):',
  '    run_prefix = "%run "',
  '    if line.startswith(run_prefix):',
  '        cmds.append(line[len(run_prefix):].strip())',
  '    run_prefix = "%# "',
  '    if line.startswith(run_prefix):',
  '        f.write(line_comment_start + " " + line_to_write)',
  '    raise Exception("Unknown %%save_file subcommand: \'%s\'" % line)',
].join('\n');
const MAGICS_2020 = [
  '    if line.startswith("%" + line_comment_start + " "):',
  '        f.write(line_comment_start + " " + line_to_write)',
].join('\n');
const MAGICS_2021 = [
  '    comment_prefix = "%" + line_comment_start',
  '    if line.startswith(comment_prefix):',
  "        cmds.append('#' + line[len(comment_prefix):].strip())",
  'for cmd in cmds:',
  "    if cmd.startswith('#'):",
  '        display(Markdown("\\#\\#\\#\\# `%s`" % cmd[1:]))',
].join('\n');

function filePlan(code: string, dialect: MagicDialect): FileCellPlan {
  const plan = planCell(code, dialect);
  assert.equal(plan.kind, 'file', `expected a file plan, got ${JSON.stringify(plan)}`);
  return plan as FileCellPlan;
}

function invalidValue(code: string, dialect: MagicDialect): string {
  const plan = planCell(code, dialect);
  assert.equal(plan.kind, 'invalid', `expected an invalid plan, got ${JSON.stringify(plan)}`);
  return (plan as Extract<CellPlan, { kind: 'invalid' }>).evalue;
}

const RUN = [{ kind: 'markdown', text: 'Run: `./a.exe`' }, { kind: 'run', command: './a.exe' }];
const heading = (text: string) => ({ kind: 'markdown', text: `\\#\\#\\#\\# \`${text}\`` });

describe('dialects of the course magics: which one a setup cell chooses', () => {
  it('the 2019 and 2020 magics (silent comments), the 2021 ones (headings), and none', () => {
    assert.equal(detectDialect(setupCell(MAGICS_2019)), 'silent-comments');
    assert.equal(detectDialect(setupCell(MAGICS_2020)), 'silent-comments');
    assert.equal(detectDialect(setupCell('    run_prefix = "%run "\n    assert line.startswith(run_prefix)')), 'silent-comments');
    assert.equal(detectDialect(setupCell(MAGICS_2021)), 'headings');
    assert.equal(detectDialect("# look at tools/set_up_magics.ipynb\nget_ipython().run_cell('# one_liner_str <too much code> \\n')\nNone"), undefined);
  });

  it('the setup cell is planned as setup, carrying the dialect', () => {
    assert.deepEqual(planCell(setupCell(MAGICS_2019)), { kind: 'setup', dialect: 'silent-comments' });
    assert.deepEqual(planCell(setupCell(MAGICS_2021)), { kind: 'setup', dialect: 'headings' });
  });
});

describe('dialects of the course magics: the file and the actions, byte for byte', () => {
  const body = 'int x;';

  it('%run is the same in every dialect', () => {
    for (const dialect of ['silent-comments', 'headings', 'union'] as const) {
      const plan = filePlan(`%%cpp a.c\n%run ./a.exe\n${body}`, dialect);
      assert.equal(plan.content, '// %%cpp a.c\n// %run ./a.exe\nint x;\n\n');
      assert.deepEqual(plan.actions, RUN);
    }
  });

  it('2019-21: `%# TEXT` in %%cpp is written as `// %# TEXT` and shows nothing', () => {
    const plan = filePlan(`%%cpp a.c\n%# a comment  \n%run ./a.exe\n${body}`, 'silent-comments');
    assert.equal(plan.content, '// %%cpp a.c\n// %# a comment  \n// %run ./a.exe\nint x;\n\n');
    assert.deepEqual(plan.actions, RUN);
  });

  it('2019-21: `%// TEXT` in %%cpp and %%asm is a silent comment too', () => {
    assert.equal(filePlan('%%cpp a.c\n%// note\nint x;', 'silent-comments').content, '// %%cpp a.c\n// %// note\nint x;\n\n');
    assert.deepEqual(filePlan('%%cpp a.c\n%// note\nint x;', 'silent-comments').actions, []);
    assert.equal(filePlan('%%asm f.S\n%// note\n.text', 'silent-comments').content, '// %%cpp f.S\n// %// note\n.text\n\n');
  });

  it('2019-21: `%# TEXT` in the # magics is a silent comment', () => {
    const saved = filePlan('%%save_file a.sh\n%# c\n%run bash a.sh\necho hi', 'silent-comments');
    assert.equal(saved.content, '# %%cpp a.sh\n# %# c\n# %run bash a.sh\necho hi\n\n');
    assert.deepEqual(saved.actions, [{ kind: 'markdown', text: 'Run: `bash a.sh`' }, { kind: 'run', command: 'bash a.sh' }]);
    const make = filePlan('%%makefile\n%# build\nall:\n    cc a.c', 'silent-comments');
    assert.equal(make.content, '# %%cpp makefile\n# %# build\nall:\n\tcc a.c\n\n');
    assert.deepEqual(make.actions, []);
  });

  it('2019-21: the prefix needs its space, %MD does not exist, other % lines are errors', () => {
    assert.match(invalidValue('%%cpp a.c\n%#tight\nint x;', 'silent-comments'), /Unknown %%cpp subcommand: '%#tight' \(a % line is %run CMD, %# TEXT or %\/\/ TEXT, as in this notebook's 2019-21 magics\)/);
    assert.match(invalidValue('%%cpp a.c\n%MD **x**\nint x;', 'silent-comments'), /'%MD \*\*x\*\*'/);
    assert.match(invalidValue('%%save_file a.sh\n%// x\necho', 'silent-comments'), /a % line is %run CMD or %# TEXT,/);
  });

  it('2021 on: `%// TEXT` in %%cpp shows the heading `#### `TEXT``, stripped', () => {
    const plan = filePlan('%%cpp a.c\n%//  Compile  \n%run ./a.exe\nint x;', 'headings');
    assert.equal(plan.content, '// %%cpp a.c\n// %//  Compile  \n// %run ./a.exe\nint x;\n\n');
    assert.deepEqual(plan.actions, [heading('Compile'), ...RUN]);
    assert.deepEqual(filePlan('%%cpp a.c\n%//tight\nint x;', 'headings').actions, [heading('tight')]);
  });

  it('2021 on: `%# TEXT` in the # magics shows the heading; %MD shows Markdown', () => {
    const saved = filePlan('%%save_file a.sh\n%# Script\n%MD *run it*\necho', 'headings');
    assert.equal(saved.content, '# %%cpp a.sh\n# %# Script\n# %MD *run it*\necho\n\n');
    assert.deepEqual(saved.actions, [heading('Script'), { kind: 'markdown', text: '*run it*' }]);
  });

  it('2021 on: `%# TEXT` in %%cpp is an error and nothing is written', () => {
    assert.match(invalidValue('%%cpp a.c\n%# a comment\nint x;', 'headings'), /Unknown %%cpp subcommand: '%# a comment' \(a % line is %run CMD, %MD TEXT or %\/\/ TEXT, as in this notebook's magics\)/);
  });

  it('the union: `%# TEXT` in %%cpp is the old silent comment, the rest as in 2021', () => {
    const plan = filePlan('%%cpp a.c\n%# old comment\n%// New heading\n%MD md\n%run ./a.exe\nint x;', 'union');
    assert.equal(plan.content, '// %%cpp a.c\n// %# old comment\n// %// New heading\n// %MD md\n// %run ./a.exe\nint x;\n\n');
    assert.deepEqual(plan.actions, [heading('New heading'), { kind: 'markdown', text: 'md' }, ...RUN]);
    const saved = filePlan('%%save_file a.sh\n%# Heading\necho', 'union');
    assert.deepEqual(saved.actions, [heading('Heading')], 'in the # magics the current heading wins');
    assert.match(invalidValue('%%cpp a.c\n%oops\nint x;', 'union'), /a % line is %run CMD, %MD TEXT, %# TEXT or %\/\/ TEXT\)$/);
  });

  it('--ejudge-style right-strips a silent comment like any line', () => {
    const plan = filePlan('%%cpp a.c --ejudge-style\n%# c   \nint x;', 'silent-comments');
    assert.equal(plan.content, '// %%cpp a.c --ejudge-style\n// %# c\nint x;\n\n// line without \\n');
  });

  it('a %%c cell with % lines follows the dialect too', () => {
    assert.equal(filePlan('%%c a.c\n%# c\nint x;', 'silent-comments').content, '// %%cpp a.c\n// %# c\nint x;\n\n');
  });
});
