import { buildLetterView } from "../../../functions/core/template/letter-view";
import { createEngine, loadSeedLetter } from "../../support/letters";

/*
 * The engine formats a message once per language and key and values, and reuses the text for every
 * letter that prints it so (template-engine.ts formattedTexts). A letter whose values differ gets its
 * own text, and `printed` is told each message of each fill, whether formatted or reused.
 */

describe("messages formatted once per language, key and values", () => {
  it("prints each letter's own values, and tells printed every message of every fill", async () => {
    const [engine, parsed] = await Promise.all([createEngine(), loadSeedLetter()]);
    const view = buildLetterView(parsed.letter, "en");
    const fill = (epochMs: number) => {
      const printed: string[] = [];
      const html = engine.fill("letter", { ...view, date: { iso: new Date(epochMs).toISOString().slice(0, 10), epochMs } }, "en", (key, text) => printed.push(`${key}=${text}`));
      return { html, printed };
    };
    const first = fill(Date.UTC(2015, 3, 17));
    const second = fill(Date.UTC(2016, 10, 2));
    const again = fill(Date.UTC(2015, 3, 17));
    const dateOf = (fill: { printed: string[] }) => fill.printed.filter((entry) => entry.startsWith("document.date=")).map((entry) => entry.slice("document.date=".length));
    expect(dateOf(first)).toHaveLength(1);
    const [firstDate, secondDate] = [dateOf(first)[0]!, dateOf(second)[0]!];
    expect(firstDate).toMatch(/2015/);
    expect(secondDate).toMatch(/2016/);
    expect({ first: first.html.includes(firstDate), second: second.html.includes(secondDate), secondHasFirst: second.html.includes(firstDate) }).toEqual({
      first: true,
      second: true,
      secondHasFirst: false,
    });
    expect(again).toEqual(first);
    expect(second.printed.length).toBe(first.printed.length);
  });
});
