import { open } from 'node:fs/promises';

/**
 * Whether an ELF file has DWARF line information (a `.debug_info` or
 * `.debug_line` section): without it (compiled without -g) lldb cannot put
 * a breakpoint on a source line. Undefined when the file is not 64-bit ELF.
 */
export async function hasDebugInfo(file: string): Promise<boolean | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const header = Buffer.alloc(64);
    await handle.read(header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const sectionsAt = Number(header.readBigUInt64LE(0x28));
    const entrySize = header.readUInt16LE(0x3a);
    const count = header.readUInt16LE(0x3c);
    const namesIndex = header.readUInt16LE(0x3e);
    if (count === 0 || entrySize < 64 || namesIndex >= count) return undefined;
    const table = Buffer.alloc(entrySize * count);
    await handle.read(table, 0, table.length, sectionsAt);
    const namesEntry = namesIndex * entrySize;
    const namesAt = Number(table.readBigUInt64LE(namesEntry + 0x18));
    const namesSize = Number(table.readBigUInt64LE(namesEntry + 0x20));
    const names = Buffer.alloc(Math.min(namesSize, 1 << 20));
    await handle.read(names, 0, names.length, namesAt);
    for (let i = 0; i < count; i++) {
      const nameAt = table.readUInt32LE(i * entrySize);
      const end = names.indexOf(0, nameAt);
      const name = names.toString('latin1', nameAt, end < 0 ? names.length : end);
      if (name === '.debug_info' || name === '.debug_line') return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}
