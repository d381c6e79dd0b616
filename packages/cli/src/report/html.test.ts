import { describe, expect, it } from "vitest";
import { escapeHtml, htmlTable } from "./html.js";

describe("report HTML helpers", () => {
  it("escapes markup, quotes and ampersands", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
    );
  });

  it("builds a table with escaped cells and right-aligned numbers", () => {
    expect(htmlTable(["a", "b"], [["<i>", 2.5]])).toBe(
      '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>&lt;i&gt;</td><td class="n">2.500</td></tr></tbody></table>',
    );
  });
});
