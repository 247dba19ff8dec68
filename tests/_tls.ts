/**
 * A self-signed TLS certificate for tests (see support/tls_certificate.ts).
 */

export {
  makeCertificate,
  type TestCertificate,
} from "../support/tls_certificate.ts";
