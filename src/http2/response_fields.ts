/**
 * A handler's `Response` as the field list of an HTTP/2 HEADERS frame:
 * `:status` first (RFC 9113 §8.3.2), then the handler's fields without the
 * connection-specific ones HTTP/2 forbids (§8.2.2), `date` when the handler
 * set none (as the HTTP/1.1 engine adds it), and `content-length` only as
 * the connection decides it from the body.
 *
 * @module
 */

import { HOP_BY_HOP_FIELDS } from "../http/engine_fields.ts";
import { httpDate } from "../http/http_date.ts";
import type { HeaderField } from "./hpack/field_representation.ts";

/** A response's fields, and what they say about its body. */
export interface ResponseFields {
  /** `:status` and the fields to send, `content-length` not yet among them. */
  fields: HeaderField[];
  /** The handler's `content-length` when it is valid, else `-1`. */
  declaredLength: number;
}

/**
 * The fields of `response`, ready for the HPACK encoder.
 *
 * @param response The handler's response.
 * @returns The fields and the handler's declared length.
 */
export function responseFields(response: Response): ResponseFields {
  const out: ResponseFields = {
    fields: [{ name: ":status", value: String(response.status) }],
    declaredLength: -1,
  };
  let hasDate = false;
  response.headers.forEach((value, name) => {
    switch (name) {
      case "content-length":
        out.declaredLength = /^\d{1,15}$/.test(value) ? Number(value) : -1;
        return;
      case "date":
        hasDate = true;
        break;
      case "set-cookie":
        // RFC 7541 §7.1.3: a secret no table on any hop may keep.
        out.fields.push({ name, value, neverIndex: true });
        return;
      default:
        if (HOP_BY_HOP_FIELDS.has(name)) return;
    }
    out.fields.push({ name, value });
  });
  if (!hasDate) out.fields.push({ name: "date", value: httpDate() });
  return out;
}
