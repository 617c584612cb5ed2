import { type DefaultTreeAdapterTypes, parse } from "parse5";
import { parseLetter } from "../../../functions/core/pdf/letter-tree";
import { changedPlainPieces, LETTER_PAGE_START, markupPieces, PLAIN_TEXT, textNodesOfPieces } from "../../../functions/core/template/markup-pieces";

/**
 * The pieces both editions' shape caches (and the hyphenation shape) cut a filled template into,
 * the text nodes a piece is exactly, and which changed pieces a kept shape may take in place of
 * its own: a wrong cut, a wrong offset or a too lenient test of a new text makes a cached letter
 * differ from one made anew (test/core/pdf/shape-differential.test.ts checks the documents).
 */

type Element = DefaultTreeAdapterTypes.Element;
type TextNode = DefaultTreeAdapterTypes.TextNode;

/** The fragment parsed with source locations inside the page both editions wrap it in, as hyphenate.ts parses it (no vocabulary check). */
function parsedRoot(fragment: string): Element {
  const document = parse(`${LETTER_PAGE_START}${fragment}</main></body></html>`, { sourceCodeLocationInfo: true });
  return document.childNodes.find((node): node is Element => "tagName" in node)!;
}

/** Each mapped piece's node, as its value and its parent's tag and attributes: which node a piece was matched to. */
function mapped(fragment: string): Record<number, string> {
  const { parts } = markupPieces(fragment);
  const out: Record<number, string> = {};
  for (const [piece, node] of textNodesOfPieces(parsedRoot(fragment), parts)) {
    const parent = node.parentNode as Element;
    out[piece] = `${parent.tagName}${parent.attrs.map((a) => `[${a.name}]`).join("")}:${node.value}`;
  }
  return out;
}

describe("markupPieces: a filled template cut at its tags", () => {
  test("keeps empty text pieces, so piece i is the text after the i-th tag in every letter of the shape", () => {
    const { parts, texts, skeleton } = markupPieces('<p class="a"></p><p>x</p>');
    expect(parts).toEqual(["", '<p class="a">', "", "</p>", "", "<p>", "x", "</p>", ""]);
    expect(texts).toEqual(["", "", "", "x", ""]);
    expect(skeleton).toBe('<p class="a"></p><p></p>');
  });

  test("a '>' is text; a '<' is cut as a tag up to the next '>' (another skeleton), or is text after the last tag; a comment is a tag", () => {
    expect(markupPieces("<p>a > b</p>").texts).toEqual(["", "a > b", ""]);
    expect(markupPieces("<p>x<y</p>")).toMatchObject({ texts: ["", "x", ""], skeleton: "<p><y</p>" });
    expect(markupPieces("<p>a</p>x<y")).toMatchObject({ texts: ["", "a", "x<y"], skeleton: "<p></p>" });
    expect(markupPieces("<p>a<!-- note -->b</p>")).toMatchObject({ texts: ["", "a", "b", ""], skeleton: "<p><!-- note --></p>" });
  });

  test("letters of one markup share a skeleton, whatever their words; a tag more or an attribute changed does not", () => {
    const shape = (words: string) => markupPieces(`<article lang="en"><p>Dear ${words},</p></article>`).skeleton;
    expect(shape("Ms Ng")).toBe(shape("Excellency, Ambassador Müller-Lüdenscheidt"));
    expect(markupPieces('<article lang="en"><p>Dear <b>Ng</b>,</p></article>').skeleton).not.toBe(shape("Ng"));
    expect(markupPieces('<article lang="fr"><p>Dear Ng,</p></article>').skeleton).not.toBe(shape("Ng"));
  });

  test("the pieces joined again are the fragment", () => {
    const fragment = '<article class="letter"><p>Ω  Ψ &amp; co</p>\n<p hidden>x</p><!-- c --></article>';
    expect(markupPieces(fragment).parts.join("")).toBe(fragment);
  });
});

describe("PLAIN_TEXT: text that parses the same wherever another such text stood", () => {
  test.each([["Ambassador"], ["محمد بن سلمان"], ["Am\u00adbas\u00adsa\u00addor"], ["👍🏽 1948"], ['"Excellency"'], ["O'Brien"]])("%j is plain", (text) => {
    expect(PLAIN_TEXT.test(text)).toBe(true);
  });
  test.each([[""], [" "], ["\n"], ["a  b"], [" a"], ["a "], ["a\nb"], ["a\u00a0b"], ["Smith &amp; Jones"], ["a&b"], ["x<y"], ["x > y"], ["a\u0000b"]])("%j is not", (text) => {
    expect(PLAIN_TEXT.test(text)).toBe(false);
  });
});

describe("textNodesOfPieces: the text node each plain piece is exactly", () => {
  test("a piece is matched to its own text node, never to another node of the same text (a hidden one included)", () => {
    const fragment = '<article class="letter"><p>Ω Ψ</p><p hidden>Ω Ψ</p><p>Ω Ψ</p></article>';
    expect(mapped(fragment)).toEqual({ 2: "p:Ω Ψ", 4: "p[hidden]:Ω Ψ", 6: "p:Ω Ψ" });
    const { parts } = markupPieces(fragment);
    const nodes = textNodesOfPieces(parsedRoot(fragment), parts);
    expect(new Set(nodes.values()).size).toBe(3);
  });

  test("pieces that are not plain (an entity, white space to collapse, an empty piece, a stray '>') have no node", () => {
    expect(mapped('<article class="letter"><p>Smith &amp; Jones</p><p>Ω  Ψ</p><p></p><p> a</p><p>a > b</p><p>ok</p></article>')).toEqual({ 12: "p:ok" });
  });

  test("two pieces that parse into one text node (a stray end tag between them is dropped) have none", () => {
    const fragment = '<article class="letter"><p>left</x>right</p><p>alone</p></article>';
    const root = parsedRoot(fragment);
    expect(mapped(fragment)).toEqual({ 5: "p:alone" });
    // The parse did join them: the test is of the range check, not of a parse that kept two nodes.
    const texts: string[] = [];
    const visit = (element: Element) => {
      for (const child of element.childNodes) {
        if ("tagName" in child) visit(child);
        else if (child.nodeName === "#text") texts.push((child as TextNode).value);
      }
    };
    visit(root);
    expect(texts).toContain("leftright");
  });

  test("offsets are the PDF parse's too: a letter parsed by parseLetter maps every plain piece, on any line", () => {
    const fragment = '<article class="letter" lang="en">\n  <p>Dear Ms Ng,</p>\n  <p>We write <em>again</em> today.</p>\n</article>';
    const letter = parseLetter(fragment, true);
    const { parts } = markupPieces(fragment);
    const nodes = textNodesOfPieces(letter.root, parts);
    // Pieces 4 and 6 ("We write ", " today.") end or start with a space, which may collapse: not plain.
    expect(Object.fromEntries([...nodes].map(([piece, node]) => [piece, node.value]))).toEqual({ 2: "Dear Ms Ng,", 5: "again" });
  });
});

describe("changedPlainPieces: what a kept shape must replace for another letter of its shape", () => {
  const kept = markupPieces('<article class="letter"><p>Dear Ms Ng,</p><p hidden>secret</p><p>&amp; co</p><p></p></article>');
  const keptNodes = textNodesOfPieces(parsedRoot('<article class="letter"><p>Dear Ms Ng,</p><p hidden>secret</p><p>&amp; co</p><p></p></article>'), kept.parts);
  const changes = (fragment: string) => {
    const { texts, skeleton } = markupPieces(fragment);
    expect(skeleton).toBe(kept.skeleton);
    const asked: number[] = [];
    const out = changedPlainPieces(texts, kept.texts, (piece) => {
      asked.push(piece);
      return keptNodes.get(piece);
    });
    return { out: out && [...out].map(([node, text]) => [node.value, text]), asked };
  };

  test("the same letter: nothing to replace, and no piece asked about (an unchanged entity included)", () => {
    expect(changes('<article class="letter"><p>Dear Ms Ng,</p><p hidden>secret</p><p>&amp; co</p><p></p></article>')).toEqual({ out: [], asked: [] });
  });

  test("other plain words, a hidden text node's too: each kept node with its new text", () => {
    expect(changes('<article class="letter"><p>Dear Excellency,</p><p hidden>other words</p><p>&amp; co</p><p></p></article>')).toEqual({
      out: [
        ["Dear Ms Ng,", "Dear Excellency,"],
        ["secret", "other words"],
      ],
      asked: [2, 4],
    });
  });

  test.each([
    ["an entity", '<article class="letter"><p>Smith &amp; Jones</p><p hidden>secret</p><p>&amp; co</p><p></p></article>'],
    ["white space that collapses", '<article class="letter"><p>Dear  Ng,</p><p hidden>secret</p><p>&amp; co</p><p></p></article>'],
  ])("%s in place of plain text: parsed anew (null), its piece not looked up", (_, fragment) => {
    expect(changes(fragment)).toEqual({ out: null, asked: [] });
  });

  test("a last piece that turns into markup (a '<' after the last tag parses as an element): parsed anew", () => {
    const tail = markupPieces('<article class="letter"><p>a</p></article>end');
    const { texts, skeleton } = markupPieces('<article class="letter"><p>a</p></article>x<y');
    expect(skeleton).toBe(tail.skeleton);
    const nodes = textNodesOfPieces(parsedRoot('<article class="letter"><p>a</p></article>end'), tail.parts);
    expect(nodes.get(4)?.value).toBe("end");
    expect(changedPlainPieces(texts, tail.texts, (piece) => nodes.get(piece))).toBeNull();
    // The parse does make markup of it: the piece could not have stood for the kept text node.
    const body = (parsedRoot('<article class="letter"><p>a</p></article>x<y').childNodes[1] as Element).childNodes[0] as Element;
    expect(body.childNodes.map((n) => ("tagName" in n ? "element" : n.nodeName))).toEqual(["element", "#text", "element"]);
  });

  test("plain text where the kept letter had an empty piece (a text node appears) or an entity: parsed anew", () => {
    expect(changes('<article class="letter"><p>Dear Ms Ng,</p><p hidden>secret</p><p>&amp; co</p><p>new</p></article>')).toEqual({ out: null, asked: [8] });
    expect(changes('<article class="letter"><p>Dear Ms Ng,</p><p hidden>secret</p><p>and co</p><p></p></article>')).toEqual({ out: null, asked: [6] });
  });

  test("stops at the first piece it may not replace", () => {
    expect(changes('<article class="letter"><p>Smith &amp; Jones</p><p hidden>other</p><p>&amp; co</p><p></p></article>').asked).toEqual([]);
    expect(changes('<article class="letter"><p>Dear Sir,</p><p hidden>a&amp;b</p><p>&amp; co</p><p></p></article>')).toEqual({ out: null, asked: [2] });
  });

  test("the caller's own rule is asked with the new text (the HTML's shapes refuse a soft hyphen)", () => {
    const { texts } = markupPieces('<article class="letter"><p>Dear Am\u00adbas\u00adsa\u00addor,</p><p hidden>secret</p><p>&amp; co</p><p></p></article>');
    const refusing = changedPlainPieces(texts, kept.texts, (piece, text) => (text.includes("\u00ad") ? undefined : keptNodes.get(piece)));
    expect(refusing).toBeNull();
    const taking = changedPlainPieces(texts, kept.texts, (piece) => keptNodes.get(piece));
    expect(taking && [...taking.values()]).toEqual(["Dear Am\u00adbas\u00adsa\u00addor,"]);
  });
});
