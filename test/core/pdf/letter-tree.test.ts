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

  it("names every problem of the letter at once, in document order", () => {
    const error = errorOf(() =>
      parseLetter(
        '<article class="letter" lang="en">\n<p style="x">one <blink>two</blink></p>\n<center>three</center>\n<p><a href="http://x.org/" target="_top">4</a></p>\n</article>',
        true,
      ),
    );
    expect(error.message.split("\n")).toEqual([
      "filled template line 2: <p> has an attribute the PDF layout does not know: style",
      "filled template line 2: <blink> is not an element of the letter vocabulary (templates/VOCABULARY.md)",
      "filled template line 3: <center> is not an element of the letter vocabulary (templates/VOCABULARY.md)",
      'filled template line 4: <a> has href="http://x.org/": expected an https: address or a #fragment (templates/VOCABULARY.md)',
      "filled template line 4: <a> has an attribute the PDF layout does not know: target",
    ]);
  });

  it.each([
    ['<a href="javascript:alert(1)">x</a>', 'has href="javascript:alert(1)"'],
    ['<a href=" JavaScript:alert(1)">x</a>', 'has href=" JavaScript:alert(1)"'],
    ['<a href="http://example.org/">x</a>', 'has href="http://example.org/"'],
    ['<a href="data:text/html,<b>x</b>">x</a>', 'has href="data:text/html,<b>x</b>"'],
    ['<a href="mailto:x@example.org">x</a>', 'has href="mailto:x@example.org"'],
    ['<a href="../other.html">x</a>', 'has href="../other.html"'],
    ['<q cite="http://example.org/">x</q>', 'has cite="http://example.org/"'],
  ])("refuses a URL that is not https: or a #fragment, as VOCABULARY.md says: %s", (markup, what) => {
    const error = errorOf(() => parseLetter(`<article class="letter" lang="en">\n<p>${markup}</p>\n</article>`, true));
    expect(error.message).toBe(`filled template line 2: <${markup.slice(1, 2)}> ${what}: expected an https: address or a #fragment (templates/VOCABULARY.md)`);
  });

  it("takes https: addresses and #fragments", () => {
    expect(() =>
      parseLetter('<article class="letter" lang="en"><p><a href="https://example.org/">x</a> <a href="#sources">y</a> <q cite="#source-x">z</q></p></article>'),
    ).not.toThrow();
  });

  it("accepts any class and data attribute: the stylesheets give them their look", () => {
    expect(() => parseLetter('<article class="letter" lang="en"><p class="fancy" data-kind="x">Hello</p></article>')).not.toThrow();
  });

  it("refuses a fragment that is not one letter article", () => {
    expect(errorOf(() => parseLetter("<p>loose</p>")).message).toBe('filled template: expected exactly one <article class="letter"> and nothing beside it; found <p>');
    expect(errorOf(() => parseLetter('<article class="letter"></article>\nthanks')).message).toMatch(/found text "thanks"$/);
  });
});
