import type { SyntaxProblem } from './cell-compiler';
import { typescript } from './typescript';

/** The TypeScript parser's errors for a cell (type errors are not looked at here). */
export function syntaxProblems(code: string): SyntaxProblem[] {
  const ts = typescript();
  const out = ts.transpileModule(code, {
    fileName: 'cell.ts',
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  const starts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  return (out.diagnostics ?? [])
    .filter((d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined)
    .map((d) => {
      const offset = d.start ?? 0;
      let line = 0;
      while (line + 1 < starts.length && (starts[line + 1] ?? Infinity) <= offset) line++;
      return {
        line: line + 1,
        column: offset - (starts[line] ?? 0) + 1,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      };
    });
}
