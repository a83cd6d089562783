import { randomUUID } from 'node:crypto';
import type { MimeBundle } from '../../interpreter/mime';
import type { CellEvent } from '../protocol';

/** The shortest time between two updates of a live display (ms). */
export const LIVE_UPDATE_INTERVAL_MS = 100;

/**
 * One output shown with a display_id and updated in place, at most once per
 * interval however often its content changes (so a chatty program does not
 * flood the frontend); flush() sends the latest content at once.
 */
export class LiveDisplay {
  readonly id = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private stale = false;

  constructor(
    private readonly emit: (event: CellEvent) => void,
    private readonly content: () => MimeBundle,
    private readonly intervalMs = LIVE_UPDATE_INTERVAL_MS,
  ) {
    this.emit({ kind: 'display', data: this.content(), metadata: {}, displayId: this.id });
    this.lastSent = Date.now();
  }

  /** The content changed: an update goes out within the interval. */
  changed(): void {
    this.stale = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends the latest content now, if it changed since the last update. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.stale) return;
    this.stale = false;
    this.lastSent = Date.now();
    this.emit({ kind: 'update', displayId: this.id, data: this.content(), metadata: {} });
  }
}
