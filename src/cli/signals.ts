/**
 * SIGINT and SIGTERM: the first asks for a graceful stop, a second one for
 * an immediate exit.
 *
 * @module
 */

/** A stop signal berth listens for. */
export type StopSignal = "SIGINT" | "SIGTERM";

/**
 * The exit status for dying of `signal` at once: 128 + its number, as
 * shells report it.
 *
 * @param signal The signal.
 * @returns 130 for SIGINT, 143 for SIGTERM.
 */
export function signalExitCode(signal: StopSignal): number {
  return signal === "SIGINT" ? 130 : 143;
}

/**
 * Listen for SIGINT and SIGTERM (only SIGINT on Windows).
 *
 * @param onFirst Called on the first signal: stop gracefully.
 * @param onAgain Called on every later one: exit now.
 * @returns Removes the listeners.
 */
export function onStopSignals(
  onFirst: (signal: StopSignal) => void,
  onAgain: (signal: StopSignal) => void,
): () => void {
  const signals: StopSignal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM"];
  let seen = false;
  const listeners = signals.map((signal) => {
    const listener = () => {
      if (seen) {
        onAgain(signal);
      } else {
        seen = true;
        onFirst(signal);
      }
    };
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) {
      Deno.removeSignalListener(signal, listener);
    }
  };
}
