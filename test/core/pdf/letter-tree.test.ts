import { LetterpressError } from "../../../functions/core/errors";
import { readLetterTree } from "../../../functions/core/pdf/letter-tree";

function errorOf(run: () => unknown): LetterpressError {
  try {
    run();
  } catch (error) {
    if (error instanceof LetterpressError) return error;
    throw error;
  }
  throw new Error("expected a LetterpressError");
}

describe("readLetterTree", () => {
  it("reads the article's language, direction and blocks", () => {
    const tree = readLetterTree('<article class="letter" lang="ar" dir="rtl">\n<p>مرحبا</p>\n</article>');
    expect(tree.lang).toBe("ar");
    expect(tree.dir).toBe("rtl");
    expect(tree.blocks).toHaveLength(1);
  });

  it("names the line and the element of markup the layout does not know", () => {
    const error = errorOf(() => readLetterTree('<article class="letter" lang="en">\n<p>one</p>\n<p onclick="x()">two</p>\n</article>'));
    expect(error.code).toBe("TEMPLATE_ERROR");
    expect(error.message).toBe("filled template line 3: <p> has an attribute the PDF layout does not know: onclick");
  });

  it("refuses a fragment that is not one letter article", () => {
    expect(errorOf(() => readLetterTree("<p>loose</p>")).message).toBe('filled template: expected exactly one <article class="letter">');
  });
});
