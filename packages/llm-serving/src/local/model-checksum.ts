import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

const SHA256 = /^[0-9a-f]{64}$/;

/** The sha256 of a file, hex, streamed (models are gigabytes). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function isSha256(value: string): boolean {
  return SHA256.test(value.toLowerCase());
}
