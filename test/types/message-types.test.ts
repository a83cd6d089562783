import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as ts from 'typescript';
import { projectRoot } from '../../kernel/paths';
import { checkedAgainst } from './message-types-check';

const checkFile = path.join(projectRoot, 'test', 'types', 'message-types-check.ts');
const contentFile = path.join(projectRoot, 'kernel', 'wire', 'content.ts');

function projectOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(projectRoot, 'tsconfig.json'), { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  assert.ok(parsed, 'tsconfig.json could not be read');
  return parsed.options;
}

/** Type-checks the check file alone, with content.ts replaced by `contentText` when given. */
function diagnostics(options: ts.CompilerOptions, contentText?: string, oldProgram?: ts.Program): { program: ts.Program; messages: string[] } {
  const host = ts.createCompilerHost(options);
  if (contentText !== undefined) {
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, onError) =>
      path.resolve(file) === contentFile ? ts.createSourceFile(file, contentText, language) : getSourceFile(file, language, onError);
  }
  const program = ts.createProgram({ rootNames: [checkFile], options, host, oldProgram });
  const messages = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? path.relative(projectRoot, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  return { program, messages };
}

describe('message contents against @jupyterlab/services', function () {
  this.timeout(120000);
  let options: ts.CompilerOptions;
  let checked: { program: ts.Program; messages: string[] };

  before(() => {
    options = projectOptions();
    checked = diagnostics(options);
  });

  it('hold against KernelMessage (the check compiles without errors)', () => {
    assert.equal(checkedAgainst, '@jupyterlab/services/lib/kernel/messages');
    assert.deepEqual(checked.messages, []);
  });

  it('fail to compile when a content drifts from the protocol', () => {
    const original = ts.sys.readFile(contentFile);
    assert.ok(original, `${contentFile} is missing`);
    const drifted = original.replace("stream: { name: 'stdout' | 'stderr'; text: string }", 'stream: { name: string; text: string }');
    assert.notEqual(drifted, original, 'the stream content to alter was not found');
    const { messages } = diagnostics(options, drifted, checked.program);
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.match(messages[0], /stream\.name/);
  });
});
