/** Reads a response body into memory, decompressed, refusing to hold more than a cap (a zip bomb stops at the cap too). */
import type { IncomingMessage } from "node:http";
import { pipeline, type Readable } from "node:stream";
import { createBrotliDecompress, createUnzip } from "node:zlib";
import { HttpResponseTooLargeError } from "../errors";

export interface ReadBodyOptions {
  /** For error messages (already stripped of credentials). */
  url: string;
  maxBytes: number;
  decompress: boolean;
  /** HEAD, 204 and 304 responses have no body whatever their Content-Length says. */
  bodyless: boolean;
}

function tooLarge(url: string, maxBytes: number, seen: string): HttpResponseTooLargeError {
  return new HttpResponseTooLargeError(
    `The response from ${url} is larger than the limit of ${maxBytes} bytes (${seen}); raise maxResponseBytes to accept it`,
    { url, maxBytes },
  );
}

function decoderFor(encoding: string): NodeJS.ReadWriteStream | undefined {
  if (encoding === "gzip" || encoding === "x-gzip" || encoding === "deflate") return createUnzip();
  if (encoding === "br") return createBrotliDecompress();
  return undefined;
}

export async function readResponseBody(response: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  if (options.bodyless) {
    response.destroy();
    return Buffer.alloc(0);
  }
  const encoding = String(response.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder = options.decompress ? decoderFor(encoding) : undefined;
  const declared = Number(response.headers["content-length"]);
  if (!decoder && Number.isFinite(declared) && declared > options.maxBytes) {
    response.destroy();
    throw tooLarge(options.url, options.maxBytes, `Content-Length: ${declared}`);
  }

  const source: Readable = decoder ? (pipeline(response, decoder, () => undefined) as unknown as Readable) : response;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buffer.length;
      if (total > options.maxBytes) throw tooLarge(options.url, options.maxBytes, `more than ${options.maxBytes} bytes received`);
      chunks.push(buffer);
    }
  } finally {
    if (!response.complete) response.destroy();
    if (decoder && source !== response) source.destroy();
  }
  return Buffer.concat(chunks, total);
}
