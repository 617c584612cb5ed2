import { PassThrough } from "node:stream";
import type { DocumentRequest } from "../../functions/core/documents";
import { ProgressTable } from "../../local/progress-table";

/** The generate command's rows, printed to a stream that is not a terminal (so every row is printed). */
function printedRows(requests: readonly DocumentRequest[]): string[] {
  const out = new PassThrough();
  let printed = "";
  out.on("data", (chunk: Buffer) => void (printed += chunk.toString("utf8")));
  const table = new ProgressTable(out as unknown as NodeJS.WriteStream);
  table.planned(requests);
  for (const [i, request] of requests.entries()) {
    table.stored({ request, document: { size: 1000 * (i + 1) }, milliseconds: 12, outcome: "stored" } as unknown as Parameters<ProgressTable["stored"]>[0]);
  }
  table.finish();
  return printed.split("\n").filter((line) => line.length > 0);
}

describe("generate's progress table", () => {
  it("keeps its columns in line when a document's name is longer than the default column (a long language tag and a reader)", () => {
    const rows = printedRows([
      { letterId: "parliamentary-committee", locale: "en", format: "pdf", recipientId: null },
      { letterId: "parliamentary-committee", locale: "sr-Latn", format: "html", recipientId: "committee-chair-rs" },
    ]);
    expect(rows).toHaveLength(3);
    // The size column ends at the same place in the header and in every row.
    const sizeEnds = rows.map((row, i) => (i === 0 ? row.indexOf("size") + "size".length : row.indexOf(" KB") + " KB".length));
    expect(new Set(sizeEnds).size).toBe(1);
    expect(rows[2]).toContain("parliamentary-committee sr-Latn (committee-chair-rs) html ");
  });

  it("keeps the default width when every name fits", () => {
    const rows = printedRows([{ letterId: "a", locale: "en", format: "pdf", recipientId: null }]);
    expect(rows[1]!.indexOf("1.0 KB")).toBe(rows[0]!.indexOf("size") + "size".length - "1.0 KB".length);
  });
});
