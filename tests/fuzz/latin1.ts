/**
 * Bytes as latin1 strings (one character per byte, so mutators stay
 * simple), and a printable rendering of them for reports.
 *
 * @module
 */

/** The bytes of a latin1 string. */
export function toBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** A latin1 string of bytes. */
export function fromBytes(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(i, i + 4096) as unknown as number[],
    );
  }
  return out;
}

/** A printable, copy-pasteable rendering of latin1 bytes. */
export function escapeBytes(text: string, max = 2000): string {
  let out = "";
  for (let i = 0; i < text.length && i < max; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d) out += "\\r";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c < 0x20 || c >= 0x7f) {
      out += "\\x" + c.toString(16).padStart(2, "0");
    } else out += text[i];
  }
  if (text.length > max) out += `… (${text.length} bytes)`;
  return `"${out}"`;
}
