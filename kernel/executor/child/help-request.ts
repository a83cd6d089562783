const NAME = String.raw`[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*`;
const BEFORE = new RegExp(String.raw`^\s*\?{1,2}\s*(${NAME})\s*$`);
const AFTER = new RegExp(String.raw`^\s*(${NAME})\s*\?{1,2}\s*$`);

/** The name asked about when a cell is only `?name` or `name?` (IPython's help syntax). */
export function helpTarget(code: string): string | undefined {
  const match = BEFORE.exec(code) ?? AFTER.exec(code);
  return match?.[1]?.replace(/\s+/g, '');
}
