import assert from "node:assert/strict";
import { statusResponse } from "../../src/static/status_response.ts";

Deno.test("statusResponse() sends a small generic body with its length", async () => {
  const response = statusResponse(403, "GET");
  assert.equal(response.status, 403);
  assert.equal(
    response.headers.get("content-type"),
    "text/plain; charset=utf-8",
  );
  const text = await response.text();
  assert.equal(text, "403 Forbidden\n");
  assert.equal(response.headers.get("content-length"), String(text.length));
});

Deno.test("statusResponse() sends no body for HEAD, 204 and 304", () => {
  const head = statusResponse(404, "HEAD");
  assert.equal(head.body, null);
  assert.equal(head.headers.get("content-length"), "14");
  assert.equal(statusResponse(204, "OPTIONS", { allow: "GET" }).body, null);
  assert.equal(statusResponse(304, "GET").body, null);
});

Deno.test("statusResponse() carries the reason phrase as statusText", () => {
  assert.equal(statusResponse(403, "GET").statusText, "Forbidden");
  assert.equal(statusResponse(304, "GET").statusText, "Not Modified");
  assert.equal(statusResponse(599, "GET").statusText, "");
});
