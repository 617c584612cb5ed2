import http from "node:http";

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request on loopback, byte for byte: header values are sent as given (one latin1
 * character per byte) so tests can send what an SDK would refuse to.
 */
export function rawRequest(endpoint: string, options: { method: string; path: string; headers?: Record<string, string | number>; body?: Buffer | string }): Promise<RawReply> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers ?? {}, agent: false, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    // write() then end(): given its body in end(), Node re-encodes a Content-Disposition header
    // (nodejs/node#46528) and mangles raw UTF-8 bytes; a Buffer keeps the header block in latin1.
    if (options.body !== undefined) req.write(Buffer.from(options.body));
    req.end();
  });
}

/** The `<Code>` of an S3 XML error body. */
export function errorCode(reply: RawReply): string | undefined {
  return /<Error><Code>([^<]+)<\/Code>/.exec(reply.body.toString("utf8"))?.[1];
}
