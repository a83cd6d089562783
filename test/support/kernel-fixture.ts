// Kernels for the tests, started and stopped by mocha hooks: useKernel() for
// one kernel a describe block shares (before/after), useKernelPerTest() for
// kernels a test starts itself (stopped in afterEach). A kernel is shut down
// politely, then killed by its pid, and its temp dir removed, even when a test
// or a later hook failed; only kernels started here are stopped. A start that
// meets a port taken meanwhile is retried by KernelClient.start.
import { KernelClient, type StartOptions } from './kernel-client';

/** How the kernel is started: fixed options, or options worked out when the `before` hook runs. */
export type KernelOptions = StartOptions | (() => StartOptions);

/**
 * Registers the hooks of the calling describe block and returns the kernel they start.
 *
 * The result stands for the running kernel: `kernel.execute(…)` reaches the client started in
 * `before`, so a block reads as if it held the client itself. Used before the hook ran or after
 * the kernel was stopped, it throws. Hooks the block registers after this call run after the
 * start (before) and after the stop (after), in mocha's order.
 */
export function useKernel(options: KernelOptions = {}): KernelClient {
  let client: KernelClient | undefined;
  before(async () => {
    client = await KernelClient.start(typeof options === 'function' ? options() : options);
  });
  after(async () => {
    const started = client;
    client = undefined;
    await started?.close();
  });
  const current = (): KernelClient => {
    if (client === undefined) throw new Error('the kernel of this block is not running (used outside its before/after hooks)');
    return client;
  };
  return new Proxy({} as KernelClient, {
    get(_target, name) {
      const target = current();
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(_target, name, value) {
      return Reflect.set(current(), name, value);
    },
    has(_target, name) {
      return Reflect.has(current(), name);
    },
  });
}

/**
 * For blocks whose tests each start a kernel of their own (options differing from test to test):
 * registers an `afterEach` hook of the calling describe block and returns `startKernel`. Every
 * kernel a test started with it is stopped (by pid if need be, temp dir removed) after the test,
 * passed or failed; a kernel the test already shut down is only cleaned up.
 */
export function useKernelPerTest(): (options?: StartOptions) => Promise<KernelClient> {
  const started: KernelClient[] = [];
  afterEach(async () => {
    const closing = await Promise.allSettled(started.splice(0).map((client) => client.close()));
    const failed = closing.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return async (options = {}) => {
    const client = await KernelClient.start(options);
    started.push(client);
    return client;
  };
}
