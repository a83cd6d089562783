import { continuationIndent } from './continuation-indent';
import type { Completeness } from '../../interpreter/interpreter';
import { helpRequest } from '../../cells/help-syntax';
import { rewriteMagicLines } from './magic-lines';
import { typescript } from './typescript';

/** Parser errors that mean "more is coming" when they sit at the very end. */
const UNFINISHED = new Set([
  1005, // 'x' expected: an unclosed brace, bracket or parenthesis
  1109, // Expression expected: ends in an operator
  1160, // Unterminated template literal
  1010, // '*/' expected
  1126, // Unexpected end of text
]);

/**
 * is_complete: complete when the cell parses, incomplete when every parser
 * error is at its end and of the "unfinished" kind, invalid otherwise.
 */
export function completenessOf(cellText: string): Completeness {
  if (cellText.trim() === '' || helpRequest(cellText) !== undefined) return { status: 'complete' };
  const code = rewriteMagicLines(cellText);
  const ts = typescript();
  const out = ts.transpileModule(code, {
    fileName: 'cell.ts',
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return { status: 'complete' };
  const end = code.trimEnd().length;
  const atEnd = errors.every((d) => (d.start ?? 0) >= end && UNFINISHED.has(d.code));
  if (!atEnd) return { status: 'invalid' };
  return { status: 'incomplete', indent: continuationIndent(code) };
}
