import { LetterpressError } from "../../../functions/core/errors";
import { parseLetter } from "../../../functions/core/pdf/letter-tree";

function errorOf(run: () => unknown): LetterpressError {
  try {
    run();
  } catch (error) {
    if (error instanceof LetterpressError) return error;
    throw error;
  }
  throw new Error("expected a LetterpressError");
}

describe("parseLetter", () => {
  it("reads the article's language and direction and puts them on the page's root, as the HTML edition does", () => {
    const letter = parseLetter('<article class="letter" lang="ar" dir="rtl">\n<p>مرحبا</p>\n</article>');
    expect(letter.lang).toBe("ar");
    expect(letter.dir).toBe("rtl");
    expect(letter.root.tagName).toBe("html");
    expect(letter.root.attrs).toEqual([
      { name: "lang", value: "ar" },
      { name: "dir", value: "rtl" },
    ]);
  });

  it("names the line and the element of markup the layout does not know", () => {
    const error = errorOf(() => parseLetter('<article class="letter" lang="en">\n<p>one</p>\n<p onclick="x()">two</p>\n</article>', true));
    expect(error.code).toBe("TEMPLATE_ERROR");
    expect(error.message).toBe("filled template line 3: <p> has an attribute the PDF layout does not know: onclick");
    expect(errorOf(() => parseLetter('<article class="letter" lang="en">\n\n<p>one <marquee>two</marquee></p>\n</article>', true)).message).toBe(
      "filled template line 3: <marquee> is not an element of the letter vocabulary (templates/VOCABULARY.md)",
    );
  });

  it("accepts any class and data attribute: the stylesheets give them their look", () => {
    expect(() => parseLetter('<article class="letter" lang="en"><p class="fancy" data-kind="x">Hello</p></article>')).not.toThrow();
  });

  it("refuses a fragment that is not one letter article", () => {
    expect(errorOf(() => parseLetter("<p>loose</p>")).message).toBe('filled template: expected exactly one <article class="letter">');
  });
});
