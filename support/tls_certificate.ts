/**
 * A self-signed TLS certificate for 127.0.0.1 and localhost, made with
 * openssl: for tests (`tests/_tls.ts`) and the HTTP/2 bench.
 *
 * @module
 */

/** A PEM certificate and its private key. */
export interface TestCertificate {
  /** The certificate, PEM. */
  cert: string;
  /** The private key, PEM. */
  key: string;
}

/** A self-signed certificate for 127.0.0.1, made with openssl; null without it. */
export async function makeCertificate(): Promise<TestCertificate | null> {
  const dir = await Deno.makeTempDir();
  try {
    const { success } = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        `${dir}/key.pem`,
        "-out",
        `${dir}/cert.pem`,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!success) return null;
    return {
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
