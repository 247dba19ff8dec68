/**
 * The host's commands: whether one is on PATH, its version line, and
 * installing a Debian package when it is missing (wrk, nginx).
 *
 * @module
 */

/**
 * Whether `name` is on PATH.
 *
 * @param name A command name.
 * @returns `true` when `command -v` finds it.
 */
export async function hasCommand(name: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * The first line a command prints about its version (stdout or stderr:
 * `nginx -v` writes to stderr).
 *
 * @param program The command.
 * @param args Its version flag, e.g. `["-v"]`.
 * @param fallback What to return when it cannot run.
 * @returns The line, or `fallback`.
 */
export async function versionOf(
  program: string,
  args: string[],
  fallback = "missing",
): Promise<string> {
  try {
    const out = await new Deno.Command(program, {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    return text.trim().split("\n")[0];
  } catch {
    return fallback;
  }
}

/**
 * Install a Debian package when `command` is missing (needs root): tries
 * the install first and runs `apt-get update` only if that fails.
 *
 * @param pkg The package, e.g. `nginx-light`.
 * @param command The command it provides, e.g. `nginx`.
 * @returns Whether `command` is available afterwards.
 */
export async function aptEnsure(
  pkg: string,
  command: string,
): Promise<boolean> {
  if (await hasCommand(command)) return true;
  if (Deno.uid?.() !== 0 || !(await hasCommand("apt-get"))) return false;
  const apt = (...args: string[]) =>
    new Deno.Command("apt-get", {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "null",
    }).output();
  if (!(await apt("install", "-y", pkg)).success) {
    await apt("update");
    await apt("install", "-y", pkg);
  }
  return await hasCommand(command);
}
