import { startChatServer } from "./src/testing/index.ts";
const s = await startChatServer({ latencyMs: Number(process.argv[2] ?? 200) });
console.log(s.url);
process.on("SIGTERM", async () => { await s.close(); process.exit(0); });
