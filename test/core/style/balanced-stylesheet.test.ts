import csstree = require("css-tree");
import { stylesheetsAsHtmlCss } from "../../../functions/core/style/document-stylesheets";

/**
 * A sheet the author left open (a block, a string, a comment, a function) is closed where it ends
 * in the HTML edition too: the rules that follow it in the page's one <style> (the embedded
 * @font-face faces) stay rules of their own, as the PDF, which parses each sheet alone, sees them.
 */
const FACE = '@font-face { font-family: "Noto Serif"; src: url(data:font/woff2;base64,AAAA); }';

const topLevelAtRules = (css: string) => (csstree.parse(css) as csstree.StyleSheet).children.toArray().flatMap((node) => (node.type === "Atrule" ? [node.name] : []));

describe("the HTML edition's stylesheets", () => {
  it.each([
    ["an open block", ".summary { color: red "],
    ["an open nested block", "@media print { .summary { color: red; "],
    ["an open comment", ".summary { color: red } /* to be continued"],
    ["an open string", '.summary::before { content: "open'],
    ["an open function", ".summary { color: rgb(1, 2, "],
  ])("keep the rules after %s in an author sheet", (_kind, author) => {
    const css = `${stylesheetsAsHtmlCss([
      { name: "ua.css", origin: "user-agent", text: "p { margin: 0 }" },
      { name: "print.css", origin: "author", text: author },
    ])}\n${FACE}`;
    expect(topLevelAtRules(css)).toContain("font-face");
    // Without the balancing the same page loses the face: the test can fail.
    expect(topLevelAtRules(`${author}\n${FACE}`)).not.toContain("font-face");
  });
});
