/**
 * A reader that stops early (`dataflow operators --json | head -1`) closes the pipe: the next
 * write fails with EPIPE, which would otherwise crash with a stack trace. Nobody is listening any
 * more, so the command carries on without that output and exits with its own code.
 */
export function quietOnEpipe(stream: NodeJS.WritableStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") return;
    throw err;
  });
}
