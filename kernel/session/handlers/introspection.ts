import type { Handler } from '../request';

function codeAndCursor(content: { code?: string; cursor_pos?: number }): { code: string; cursorPos: number } {
  const code = content.code ?? '';
  const cursorPos = content.cursor_pos ?? code.length;
  return { code, cursorPos };
}

/** Jupyter counts cursor positions in unicode code points; JavaScript strings index UTF-16 units. */
function toUtf16Offset(code: string, codePoints: number): number {
  let units = 0;
  let points = 0;
  for (const ch of code) {
    if (points >= codePoints) break;
    units += ch.length;
    points += 1;
  }
  return units;
}

function toCodePoints(code: string, units: number): number {
  return [...code.slice(0, units)].length;
}

export const completeRequest: Handler<'complete_request'> = async (request, kernel) => {
  const { code, cursorPos } = codeAndCursor(request.content);
  const offset = toUtf16Offset(code, cursorPos);
  try {
    const result = await kernel.interpreter.complete(code, offset);
    await request.reply('complete_reply', {
      status: 'ok',
      matches: result.matches,
      cursor_start: toCodePoints(code, result.cursorStart),
      cursor_end: toCodePoints(code, result.cursorEnd),
      metadata: result.metadata ?? {},
    });
  } catch (error) {
    kernel.log(`complete failed: ${String(error)}`);
    await request.reply('complete_reply', { status: 'ok', matches: [], cursor_start: cursorPos, cursor_end: cursorPos, metadata: {} });
  }
};

export const inspectRequest: Handler<'inspect_request'> = async (request, kernel) => {
  const { code, cursorPos } = codeAndCursor(request.content);
  const detail = request.content.detail_level ?? 0;
  try {
    const result = await kernel.interpreter.inspect(code, toUtf16Offset(code, cursorPos), detail);
    await request.reply('inspect_reply', { status: 'ok', found: result.found, data: result.data, metadata: {} });
  } catch (error) {
    kernel.log(`inspect failed: ${String(error)}`);
    await request.reply('inspect_reply', { status: 'ok', found: false, data: {}, metadata: {} });
  }
};

export const isCompleteRequest: Handler<'is_complete_request'> = async (request, kernel) => {
  const { code } = codeAndCursor(request.content);
  try {
    await request.reply('is_complete_reply', { ...(await kernel.interpreter.isComplete(code)) });
  } catch (error) {
    kernel.log(`is_complete failed: ${String(error)}`);
    await request.reply('is_complete_reply', { status: 'unknown' });
  }
};
