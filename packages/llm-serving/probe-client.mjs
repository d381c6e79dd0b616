import OpenAI from "openai";
const url = process.argv[2]; const c = Number(process.argv[3]); const lat = Number(process.argv[4]);
const client = new OpenAI({ baseURL: url, apiKey: "k", maxRetries: 0 });
const end = performance.now() + 3000; let n = 0; const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: c }, async () => { while (performance.now() < end) { await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }); n++; } }));
const secs = (performance.now() - t0) / 1000; const cpu = process.cpuUsage(cpu0);
console.log(c, (n / secs).toFixed(0), "ratio", (n / secs / (c / (lat/1000))).toFixed(2), "client cpu ms/req", ((cpu.user + cpu.system) / 1000 / n).toFixed(2));
