/**
 * The field that says why an answer is what it is, when a handler explains
 * (berth's file handler with `explain: true`). The engine copies its words
 * into the access log entry; it knows nothing else of them.
 *
 * @module
 */

/** `Berth-Explain`, lowercased as `Headers` gives names. */
export const EXPLAIN_FIELD = "berth-explain";
