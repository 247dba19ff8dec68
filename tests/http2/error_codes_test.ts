/**
 * The error code table (RFC 9113 §7) and the error type built on it.
 */

import assert from "node:assert/strict";
import { ERROR_CODE, errorCodeName } from "../../src/http2/error_codes.ts";
import { connectionError, streamError } from "../../src/http2/http2_error.ts";

Deno.test("ERROR_CODE holds RFC 9113 §7's fourteen codes at their values", () => {
  assert.deepEqual(Object.entries(ERROR_CODE), [
    ["NO_ERROR", 0x0],
    ["PROTOCOL_ERROR", 0x1],
    ["INTERNAL_ERROR", 0x2],
    ["FLOW_CONTROL_ERROR", 0x3],
    ["SETTINGS_TIMEOUT", 0x4],
    ["STREAM_CLOSED", 0x5],
    ["FRAME_SIZE_ERROR", 0x6],
    ["REFUSED_STREAM", 0x7],
    ["CANCEL", 0x8],
    ["COMPRESSION_ERROR", 0x9],
    ["CONNECT_ERROR", 0xa],
    ["ENHANCE_YOUR_CALM", 0xb],
    ["INADEQUATE_SECURITY", 0xc],
    ["HTTP_1_1_REQUIRED", 0xd],
  ]);
});

Deno.test("errorCodeName() names known codes and shows unknown ones by value", () => {
  assert.equal(errorCodeName(0xb), "ENHANCE_YOUR_CALM");
  assert.equal(errorCodeName(0x2a), "UNKNOWN(0x2a)");
  assert.equal(errorCodeName(0xffffffff), "UNKNOWN(0xffffffff)");
});

Deno.test("connectionError() and streamError() carry code, scope and stream", () => {
  const connection = connectionError(ERROR_CODE.PROTOCOL_ERROR, "Bad");
  assert.deepEqual(
    [connection.scope, connection.streamId, connection.codeName],
    ["connection", 0, "PROTOCOL_ERROR"],
  );
  const stream = streamError(ERROR_CODE.CANCEL, 7, "Gone");
  assert.deepEqual(
    [stream.scope, stream.streamId, stream.code, stream.message],
    ["stream", 7, 0x8, "Gone"],
  );
  assert.ok(stream instanceof Error);
});
