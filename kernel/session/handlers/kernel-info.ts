import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../paths';
import { PROTOCOL_VERSION } from '../../wire/message';
import type { Handler } from '../request';

function packageVersion(file: string): string {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
    return parsed.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Built once; reading the typescript package's version does not load the compiler. */
let cached: Record<string, unknown> | null = null;

export function kernelInfo(): Record<string, unknown> {
  cached ??= {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'sockbook',
    implementation_version: packageVersion(path.join(projectRoot, 'package.json')),
    language_info: {
      name: 'typescript',
      version: packageVersion(path.join(projectRoot, 'node_modules', 'typescript', 'package.json')),
      mimetype: 'text/typescript',
      file_extension: '.ts',
      pygments_lexer: 'typescript',
      codemirror_mode: 'text/typescript',
    },
    banner:
      'sockbook: C cells (%%cpp FILE with %run lines, %%c, %%bash, !cmd) and TypeScript cells calling libc through koffi.',
    help_links: [
      { text: 'Jupyter messaging', url: 'https://jupyter-client.readthedocs.io/en/latest/messaging.html' },
      { text: 'Linux man pages', url: 'https://man7.org/linux/man-pages/' },
      { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
      { text: 'koffi', url: 'https://koffi.dev/' },
    ],
    debugger: false,
  };
  return cached;
}

export const kernelInfoRequest: Handler = async (request, kernel) => {
  await request.reply('kernel_info_reply', kernelInfo());
  kernel.interpreter.prepare?.();
};
