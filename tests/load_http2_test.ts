/**
 * Http2Engine: HTTP/2's engine loaded on first use, with a loader the test
 * controls. A connection that arrives while it loads is tracked and waits;
 * one closed meanwhile, or whose load failed, is closed and never served.
 */

import assert from "node:assert/strict";
import { ConnectionTracker } from "../src/http1/connection_tracker.ts";
import { Http2Engine, type ServeHttp2Connection } from "../src/load_http2.ts";
import { MockConn } from "../support/mock_conn.ts";

/** An engine that serves nothing: the tests look at who reached it. */
const ENGINE = (() => Promise.resolve()) as unknown as ServeHttp2Connection;

/** A loader that finishes when the test says, counting its calls. */
function gatedLoader() {
  const gate = Promise.withResolvers<ServeHttp2Connection>();
  let calls = 0;
  return {
    gate,
    load: () => {
      calls++;
      return gate.promise;
    },
    get calls() {
      return calls;
    },
  };
}

Deno.test("Http2Engine.serve() tracks connections while HTTP/2 loads, then serves each once loaded", async () => {
  const loader = gatedLoader();
  const engine = new Http2Engine(loader.load);
  const tracker = new ConnectionTracker(1000);
  const served: MockConn[] = [];
  const conns = [new MockConn([]), new MockConn([])];
  const tasks = conns.map((conn) =>
    engine.serve(conn, tracker, (entry) => {
      assert.equal(entry, ENGINE);
      served.push(conn);
      // The task tracks its connection as it starts (Http2Connection
      // does): the waiting one has left the tracker by then.
      assert.equal(tracker.size, conns.length - served.length);
      return Promise.resolve();
    })
  );
  assert.equal(tracker.size, 2, "both wait, tracked");
  assert.equal(loader.calls, 1, "one load for both");
  assert.deepEqual(served, []);
  loader.gate.resolve(ENGINE);
  await Promise.all(tasks);
  assert.deepEqual(served, conns);
  assert.equal(tracker.size, 0);
  assert.ok(conns.every((conn) => !conn.closed), "the engine closes them");
});

Deno.test("Http2Engine.serve() starts the task at once once HTTP/2 is loaded", async () => {
  const loader = gatedLoader();
  const engine = new Http2Engine(loader.load);
  const tracker = new ConnectionTracker(1000);
  loader.gate.resolve(ENGINE);
  await engine.serve(new MockConn([]), tracker, () => Promise.resolve());
  let started = false;
  const task = engine.serve(new MockConn([]), tracker, () => {
    started = true;
    return Promise.resolve();
  });
  assert.ok(started, "no wait, no tracking of its own");
  await task;
  assert.equal(loader.calls, 1);
});

Deno.test("Http2Engine.serve() never serves a connection closed while HTTP/2 loads", async () => {
  const loader = gatedLoader();
  const engine = new Http2Engine(loader.load);
  const tracker = new ConnectionTracker(1000);
  const conn = new MockConn([]);
  let served = false;
  const task = engine.serve(conn, tracker, () => {
    served = true;
    return Promise.resolve();
  });
  tracker.closeAll(); // a shutdown past its deadline
  assert.ok(conn.closed);
  loader.gate.resolve(ENGINE);
  await task;
  assert.equal(served, false);
  assert.equal(tracker.size, 0);
});

Deno.test("Http2Engine.serve() closes the connection when HTTP/2 fails to load, and the next one loads again", async () => {
  const failing = gatedLoader();
  let loader = failing;
  const engine = new Http2Engine(() => loader.load());
  const tracker = new ConnectionTracker(1000);
  const first = new MockConn([]);
  const task = engine.serve(first, tracker, () => {
    throw new Error("not reached");
  });
  failing.gate.reject(new Error("gone"));
  await task;
  assert.ok(first.closed);
  assert.equal(tracker.size, 0);
  loader = gatedLoader();
  loader.gate.resolve(ENGINE);
  let served = false;
  await engine.serve(new MockConn([]), tracker, () => {
    served = true;
    return Promise.resolve();
  });
  assert.ok(served);
  assert.equal(loader.calls, 1);
});
