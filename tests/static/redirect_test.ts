import assert from "node:assert/strict";
import { encodeUrlPath, redirectResponse } from "../../src/static/redirect.ts";

Deno.test("encodeUrlPath() percent-encodes each segment, the slash form as asked", () => {
  assert.equal(encodeUrlPath(["a b", "c"], true), "/a%20b/c/");
  assert.equal(encodeUrlPath(["a b", "c"], false), "/a%20b/c");
  assert.equal(encodeUrlPath(["caf\u00e9", "x/y"], false), "/caf%C3%A9/x%2Fy");
  assert.equal(encodeUrlPath([], true), "/");
});

Deno.test("redirectResponse() sends a 301 to the segments, the query kept", async () => {
  const response = redirectResponse("GET", ["docs"], {
    trailingSlash: true,
    search: "?q=1",
  });
  assert.equal(response.status, 301);
  assert.equal(response.headers.get("location"), "/docs/?q=1");
  await response.body?.cancel();
});
