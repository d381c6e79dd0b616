const url = process.argv[2]; let n = 0; const t0 = performance.now();
while (performance.now() - t0 < 2000) { const r = await fetch(url + "/chat/completions", { method: "POST", body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) }); await r.text(); n++; }
console.log("fetch sequential ms/req", (2000 / n).toFixed(2));
