import { readSetting, type SettingName } from '../base/settings';

/** Sizes given in the environment (`2G`, `64MiB`, `1048576`) and said back to the user (`2 GiB`). */

const UNITS: Record<string, number> = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30, t: 2 ** 40 };

/** Parses `512`, `64k`, `64M`, `64MiB`, `2G`, `2GB` (binary units, case-insensitive); undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `2 GiB`, `64 MiB`, `1.5 KiB`, `100 bytes`. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['TiB', 2 ** 40], ['GiB', 1 << 30], ['MiB', 1 << 20], ['KiB', 1 << 10]] as const) {
    if (bytes >= size) {
      const n = bytes / size;
      return `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

/**
 * A size from the environment variable `name`: its default when unset, and
 * a warning on the kernel's stderr (and the default) when it is not a size of
 * at least `minimum`. `none` (when allowed) turns the limit off: null.
 */
export function byteSizeFromEnvironment(name: SettingName, fallback: number, minimum: number, allowNone = false): number | null {
  const raw = readSetting(name);
  if (raw === undefined || raw.trim() === '') return fallback;
  if (allowNone && /^\s*none\s*$/i.test(raw)) return null;
  const bytes = parseByteSize(raw);
  if (bytes === undefined || bytes < minimum) {
    process.stderr.write(`sockbook: ${name}=${raw} is not a size of at least ${formatByteSize(minimum)} (like 512M or 2G); using ${formatByteSize(fallback)}\n`);
    return fallback;
  }
  return bytes;
}
