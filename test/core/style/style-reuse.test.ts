import * as cascade from "../../../functions/core/style/cascade";
import { parseStylesheets, styleDocument } from "../../../functions/core/style";
import { formatCounter } from "../../../functions/core/style/counter-styles";
import { BoxBuilder, parseLetter } from "../../../functions/core/pdf/letter-tree";
import { fixture, stylesheetsFor } from "../pdf/pdf-inspect";

// computeStyle, counted: a letter styled by sheets that styled one of its shape before computes no style.
jest.mock("../../../functions/core/style/cascade", () => {
  const actual = jest.requireActual("../../../functions/core/style/cascade");
  return { ...actual, computeStyle: jest.fn(actual.computeStyle) };
});
const computeStyle = cascade.computeStyle as jest.MockedFunction<typeof cascade.computeStyle>;

describe("styles a mail merge computes once", () => {
  it("a second letter of the same markup computes no element, page or anonymous box style, and gets equal styles", () => {
    const sheets = parseStylesheets(stylesheetsFor("en", "A4", undefined, "A running title"));
    // With inline text beside a block somewhere, which makes an anonymous box.
    const html = fixture("letter-en.html").replace("</article>", "<div>Loose text<p>A paragraph.</p></div></article>");
    // Another recipient: other words in the addressee block, the same markup.
    const other = html.replace(/<address class="addressee">[\s\S]*?<\/address>/, '<address class="addressee">H.E. Someone Else<br>Permanent Representative</address>');
    expect(other).not.toBe(html);
    const styleOnce = (source: string) => {
      const letter = parseLetter(source);
      const styled = styleDocument(letter.root, sheets);
      const boxes = new BoxBuilder(styled, undefined).build(letter);
      return { pages: [styled.page(true), styled.page(false)], boxes };
    };
    const first = styleOnce(html);
    const before = computeStyle.mock.calls.length;
    const second = styleOnce(other);
    expect(computeStyle.mock.calls.length - before).toBe(0);
    expect(second.pages).toEqual(first.pages);
    // The fixture has inline text beside blocks somewhere, or this would prove nothing about anonymous boxes.
    const anonymous = (box: typeof first.boxes): number =>
      box.content.kind === "blocks" ? box.content.children.reduce((sum, child) => sum + (child.element === null ? 1 : 0) + anonymous(child), 0) : 0;
    expect(anonymous(first.boxes)).toBeGreaterThan(0);
  });
});

describe("counters", () => {
  it("are formatted with one number format per numbering system, whatever the count, as Intl formats them", () => {
    const NumberFormat = jest.spyOn(Intl, "NumberFormat");
    const styles = ["decimal", "bengali", "persian"];
    for (let value = 1; value <= 200; value++) {
      for (const style of styles) {
        const expected = new Intl.NumberFormat("en", { numberingSystem: { decimal: "latn", bengali: "beng", persian: "arabext" }[style], useGrouping: false }).format(value);
        expect(formatCounter(value, style)).toBe(expected);
      }
    }
    // The test's own formats are one per call above; formatCounter's are at most one per numbering system.
    expect(NumberFormat.mock.calls.length - 200 * styles.length).toBeLessThanOrEqual(styles.length);
    NumberFormat.mockRestore();
  });
});
