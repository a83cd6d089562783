/** What a file stat says of a file: a write changes its mtime and ctime, a replacement its inode. */
export interface StampedStat {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** A file's stamp: equal stamps mean the file was not written or replaced in between. */
export function fileStamp(stat: StampedStat): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}
