#!/usr/bin/env node
// Plain JavaScript that old Node versions can still parse (no static imports, no newer syntax):
// it has to live long enough to say which Node it needs. The CLI itself starts in launch.js.
var REQUIRED = [22, 12];
var version = process.versions.node;
var parts = version.split(".").map(Number);
if (parts[0] < REQUIRED[0] || (parts[0] === REQUIRED[0] && parts[1] < REQUIRED[1])) {
  process.stderr.write(
    "dataflow needs Node \u2265 " +
      REQUIRED.join(".") +
      "; this is v" +
      version +
      " \u2014 install Node 22 LTS or newer (https://nodejs.org/en/download, or `nvm install 22`)\n",
  );
  process.exit(2);
}
import("./launch.js").catch((err) => {
  // biome-ignore lint/complexity/useOptionalChain: Node < 14 cannot parse `?.`, and this file must run there
  process.stderr.write("error: " + (err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
