import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { childProcesses, endProcesses } from './pids';

function tmux(socket: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tmux', ['-S', socket, ...args], { env, encoding: 'utf8', timeout: 10000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tmux ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * A terminal program run in a detached tmux session on a private tmux server
 * (its socket in a temp dir), typed into with send-keys and read with
 * capture-pane, as a user at a terminal would.
 */
export class TmuxSession {
  private readonly socket: string;

  private constructor(
    readonly name: string,
    private readonly socketDir: string,
  ) {
    this.socket = path.join(socketDir, 'tmux.sock');
  }

  static async start(command: string, options: { env: NodeJS.ProcessEnv; cwd: string; width?: number; height?: number }): Promise<TmuxSession> {
    const name = `sockbook-test-${randomBytes(4).toString('hex')}`;
    const session = new TmuxSession(name, mkdtempSync(path.join(os.tmpdir(), 'sockbook-tmux-')));
    const env = { ...options.env };
    delete env.TMUX;
    try {
      await tmux(session.socket, ['new-session', '-d', '-s', name, '-c', options.cwd, '-x', String(options.width ?? 200), '-y', String(options.height ?? 50), command], env);
    } catch (error) {
      await session.kill();
      throw error;
    }
    return session;
  }

  /** Types text literally (a trailing `;` escaped, since tmux reads it as a command separator). */
  async type(text: string): Promise<void> {
    if (text !== '') await tmux(this.socket, ['send-keys', '-t', this.name, '-l', text.replace(/;$/, '\\;')]);
  }

  async press(key: string): Promise<void> {
    await tmux(this.socket, ['send-keys', '-t', this.name, key]);
  }

  /** The whole pane with its scrollback, trailing blank lines dropped. */
  async screen(): Promise<string> {
    return (await tmux(this.socket, ['capture-pane', '-p', '-J', '-S', '-', '-t', this.name])).replace(/\s+$/, '');
  }

  /** Waits until the screen satisfies check; fails with what the screen shows. */
  async waitFor(what: string, check: (screen: string) => boolean, timeoutMs = 30000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (check(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${what}; it shows:\n${screen}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async running(): Promise<boolean> {
    return tmux(this.socket, ['has-session', '-t', this.name]).then(
      () => true,
      () => false,
    );
  }

  /**
   * Kills the session by name. The program's children (a kernel it started)
   * are ended by pid too, since a program killed with its terminal may leave
   * them behind.
   */
  async kill(): Promise<void> {
    try {
      if (await this.running()) await this.killSession();
    } finally {
      rmSync(this.socketDir, { recursive: true, force: true });
    }
  }

  private async killSession(): Promise<void> {
    const panePid = Number((await tmux(this.socket, ['display-message', '-p', '-t', this.name, '#{pane_pid}']).catch(() => '')).trim());
    const children = panePid > 0 ? childProcesses(panePid) : [];
    await tmux(this.socket, ['kill-session', '-t', this.name]).catch(() => undefined);
    await endProcesses(children);
  }
}
