/**
 * Loopback helpers for tests, benchmarks and tools: a free port, whether a
 * port is taken or answers, and a plain delay.
 *
 * @module
 */

/**
 * A port the kernel just handed out on 127.0.0.1: free, barring a race with
 * another process.
 *
 * @returns The port.
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/**
 * Whether nothing listens on `port` of 127.0.0.1 (a listener can bind it).
 *
 * @param port The port.
 * @returns `true` when it could be bound.
 */
export function isPortFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a TCP connection to `port` of 127.0.0.1 is accepted.
 *
 * @param port The port.
 * @returns `true` when something listens there.
 */
export async function canConnect(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Wait `ms` milliseconds. For pacing loads and polling other processes;
 * tests synchronize on promises instead.
 *
 * @param ms The delay.
 * @returns Resolves after it.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
