// IPython's help syntax: a cell that is nothing but `?name`, `name?`,
// `??name` or `name??`. Pure text; answering it is kernel/help's.

export interface HelpRequest {
  /** `libc.socket`, `Math.max`. */
  name: string;
  /** 0 for `?`, 1 for `??` (the whole man page), as inspect_request's detail_level. */
  detail: 0 | 1;
}

const NAME = String.raw`[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*`;
const BEFORE = new RegExp(String.raw`^\s*(\?{1,2})\s*(${NAME})\s*$`);
const AFTER = new RegExp(String.raw`^\s*(${NAME})\s*(\?{1,2})\s*$`);

/** The help a cell asks for, when it is nothing but `?name` or `name?` (one or two question marks). */
export function helpRequest(code: string): HelpRequest | undefined {
  const before = BEFORE.exec(code);
  const after = before ? undefined : AFTER.exec(code);
  const name = before?.[2] ?? after?.[1];
  const marks = before?.[1] ?? after?.[2];
  if (name === undefined || marks === undefined) return undefined;
  return { name: name.replace(/\s+/g, ''), detail: marks.length === 2 ? 1 : 0 };
}
