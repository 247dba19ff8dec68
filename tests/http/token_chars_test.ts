import assert from "node:assert/strict";
import {
  FIELD_VALUE_BYTES,
  HEX_BYTES,
  isToken,
  isTokenByte,
  REG_NAME_BYTES,
  REQUEST_TARGET_BYTES,
  TOKEN_BYTES,
} from "../../src/http/token_chars.ts";

const byte = (c: string) => c.charCodeAt(0);

Deno.test("TOKEN_BYTES marks tchars 1, uppercase letters 2 (to lowercase), the rest 0", () => {
  for (const c of "az09-!~") assert.equal(TOKEN_BYTES[byte(c)], 1, c);
  for (const c of "AZ") assert.equal(TOKEN_BYTES[byte(c)], 2, c);
  for (const c of ': "(),/@\x7f') assert.equal(TOKEN_BYTES[byte(c)], 0, c);
});

Deno.test("FIELD_VALUE_BYTES allows HTAB, visible ASCII, SP and obs-text, not CR, LF or DEL", () => {
  for (const b of [0x09, 0x20, 0x7e, 0x80, 0xe9, 0xff]) {
    assert.equal(FIELD_VALUE_BYTES[b], 1, b.toString(16));
  }
  for (const b of [0x00, 0x0a, 0x0d, 0x7f]) {
    assert.equal(FIELD_VALUE_BYTES[b], 0, b.toString(16));
  }
});

Deno.test("REQUEST_TARGET_BYTES refuses SP, '#' and a raw backslash", () => {
  for (const c of "/?%az") assert.equal(REQUEST_TARGET_BYTES[byte(c)], 1, c);
  for (const c of " #\\") assert.equal(REQUEST_TARGET_BYTES[byte(c)], 0, c);
});

Deno.test("REG_NAME_BYTES allows a host name's characters, not userinfo's '@'", () => {
  for (const c of "aZ9-.%") assert.equal(REG_NAME_BYTES[byte(c)], 1, c);
  for (const c of "@/: ") assert.equal(REG_NAME_BYTES[byte(c)], 0, c);
});

Deno.test("HEX_BYTES allows hex digits in either case", () => {
  for (const c of "09afAF") assert.equal(HEX_BYTES[byte(c)], 1, c);
  for (const c of "gG-") assert.equal(HEX_BYTES[byte(c)], 0, c);
});

Deno.test("isTokenByte() and isToken() accept tchars only", () => {
  assert.equal(isTokenByte(byte("-")), true);
  assert.equal(isTokenByte(byte(" ")), false);
  assert.equal(isTokenByte(0x100), false);
  assert.equal(isToken("x-request-id"), true);
  assert.equal(isToken("X-Request-ID"), true);
  assert.equal(isToken("x y"), false);
  assert.equal(isToken(""), false);
  assert.equal(isToken("caf\u00e9"), false);
  assert.equal(isToken("a\u0161"), false); // a code unit past 0xff
});
