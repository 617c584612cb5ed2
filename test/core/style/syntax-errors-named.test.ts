import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStylesheets, StyleError } from "../../../functions/core/style";
import { checkedTemplateLibrary } from "../../../functions/templates/check-templates";
import { loadTemplateSets } from "../../../functions/templates/load-template-set";
import { TEMPLATES_DIR } from "../../support/letters";

/**
 * A stylesheet that does not parse says where its author went wrong, and everything else it has
 * (fresh user 7, items 6 and 7): a block, parenthesis or string left open is named with where it
 * opens (css-tree alone said "line 96: Unexpected input"), the sheet's other problems and warnings
 * come with the syntax error, and a warning is said beside errors as it is said alone.
 */
function refusal(...sheets: [name: string, text: string][]): StyleError {
  try {
    parseStylesheets(sheets.map(([name, text]) => ({ name, text, origin: "author" as const })));
  } catch (error) {
    expect(error).toBeInstanceOf(StyleError);
    return error as StyleError;
  }
  throw new Error("expected the sheets to be refused");
}

const UNKNOWN_FACE = '.bar { font-family: Wingdings, "Noto Sans"; }';

describe("a block left open", () => {
  it("is named with its selector and the line it opens at, with the errors it causes, and the sheet's other problems are said", () => {
    const error = refusal([
      "mine/print.css",
      [
        "h1 { colr: red; }", // 1: a problem before the syntax error
        ".z { color: red", // 2: never closed
        ".y { color: blue; }", // 3
        ".w { margin: 1pt; }", // 4
      ].join("\n"),
    ]);
    expect(error.problems).toEqual([
      "mine/print.css line 1, selector h1, property colr: not a property of the supported CSS (templates/CSS.md)",
      expect.stringMatching(/^mine\/print\.css line 2: the block `\.z \{` opened at line 2 is never closed: a "\}" is missing .*\(css-tree then reads line 3, column 1: /),
    ]);
  });

  it("inside @media names the @media block, and the rules of the @media before it are still checked", () => {
    const error = refusal(["m.css", "@media print {\n  p { zoom: 2 }\n  .z { color: red;\n  .k { color: blue }\n}\n"]);
    expect(error.problems).toEqual([
      expect.stringMatching(/^m\.css line 1: the block `@media print \{` opened at line 1 is never closed: a "\}" is missing \(its own, or that of a block inside it\)/),
      "m.css line 2, selector p, property zoom: not a property of the supported CSS (templates/CSS.md)",
    ]);
  });

  // CSS closes it at the end of the sheet, but its author almost always lost a "}" (issue 13): it is an error, as one before other rules is.
  it.each([
    [
      "a rule's block",
      "p { margin: 0 }\nh1 { color: red",
      [/^end\.css line 2: the block `h1 \{` opened at line 2 is never closed: a "\}" is missing .*\(CSS closes it at the end of the sheet/],
    ],
    [
      "an @media block whose rules are closed",
      "p { margin: 0 }\n\n@media print {\n  p { color: red }\n",
      [/^end\.css line 3: the block `@media print \{` opened at line 3 is never closed/],
    ],
    [
      "an @media block and the rule inside it",
      "@media print {\n  .x { color: blue }\n  .y { color: red",
      [/^end\.css line 1: the block `@media print \{` opened at line 1/, /^end\.css line 3: the block `\.y \{` opened at line 3/],
    ],
    // The rule is still read (no parse error holds it), so its value's check speaks too.
    [
      "a parenthesis",
      "p { margin: 0 }\nh1 { width: calc(10pt + 2pt",
      [
        /^end\.css line 2: the block `h1 \{`/,
        /^end\.css line 2, column 17: the "\(" opened here is never closed: a "\)" is missing/,
        /^end\.css line 2, selector h1, property width/,
      ],
    ],
    [
      "a string",
      'p { margin: 0 }\nh1 { font-family: "Noto Sans',
      [/^end\.css line 2: the block `h1 \{`/, /^end\.css line 2, column 19: the string "Noto Sans is never closed; add its closing quote/],
    ],
    ["a comment", "p { margin: 0 }\n/* the end", [/^end\.css line 2, column 1: the comment opened here is never closed: a "\*\/" is missing/]],
  ])("at the very end of a sheet (%s) is an error naming the sheet, the selector and the line it opens at", (_kind, text, said) => {
    const error = refusal(["end.css", text]);
    expect(error.problems).toEqual(said.map((pattern) => expect.stringMatching(pattern)));
  });

  it("a sheet whose last string ends in an escaped quote is still open; one closed at the very end is not", () => {
    expect(refusal(["end.css", 'p::before { content: "a\\"']).problems).toContainEqual(expect.stringMatching(/the string "a\\" is never closed/));
    expect(() => parseStylesheets([{ name: "end.css", text: "p { margin: 0 } /* done */", origin: "author" }])).not.toThrow();
    expect(() => parseStylesheets([{ name: "end.css", text: "h1 { margin: 0 }", origin: "author" }])).not.toThrow();
  });
});

describe("other openings left open", () => {
  it("a string cut by the end of its line is named at its line and column, not the block around it", () => {
    const error = refusal(["s.css", 'p { margin: 0 }\nh1 { font-family: "Noto Sans; }\nh2 { color: red }\n']);
    expect(error.problems).toEqual([expect.stringMatching(/^s\.css line 2, column 19: the string "Noto Sans; } is never closed/)]);
  });

  it("a parenthesis never closed is named, and says the } after it is read inside it", () => {
    const error = refusal(["p.css", "p { margin: calc(1pt + 2pt }\nh2 { color: red }\n"]);
    expect(error.problems).toEqual([
      expect.stringMatching(/^p\.css line 1, column 17: the "\(" opened here is never closed: a "\)" is missing, so what follows it \(a "\}" too\)/),
    ]);
  });

  it("a stray } after a rule leaves that rule checked", () => {
    const error = refusal(["b.css", "p { zoom: 2 }}\nh3 { color: red }"]);
    expect(error.problems).toEqual([
      'b.css line 1, column 14: Selector is expected at "}"',
      "b.css line 1, selector p, property zoom: not a property of the supported CSS (templates/CSS.md)",
    ]);
  });

  it("a syntax error in a closed rule gives its line, column and the text there; the rules after it are checked", () => {
    const error = refusal(["c.css", "p { color: red }\n\np { : red }\nh3 { cursor: pointer }"]);
    expect(error.problems).toEqual([
      'c.css line 3, column 5: Identifier is expected at ": red }"',
      "c.css line 4, selector h3, property cursor: not a property of the supported CSS (templates/CSS.md)",
    ]);
  });
});

describe("warnings beside errors", () => {
  it("a font-family warning is said with the sheet's errors, after them and marked", () => {
    const error = refusal(["w.css", `${UNKNOWN_FACE}\np { float: left }`]);
    expect(error.problems).toEqual(["w.css line 2, selector p, property float: not a property of the supported CSS (templates/CSS.md)"]);
    expect(error.warnings).toEqual([expect.stringMatching(/^w\.css line 1, selector \.bar, property font-family: "Wingdings" is not in the font registry/)]);
    expect(error.message.split("\n")).toEqual([error.problems[0], `warning: ${error.warnings[0]}`]);
  });

  it("is said beside a syntax error of the same sheet, and beside another sheet's error", () => {
    const withSyntax = refusal(["a.css", 'h1 { font-family: "Comic Sans MS", serif }\n.z { color: red\n.y { color: blue }']);
    expect(withSyntax.warnings).toEqual([expect.stringMatching(/^a\.css line 1, selector h1, property font-family: "Comic Sans MS" is not in the font registry/)]);
    const elsewhere = refusal(["one.css", UNKNOWN_FACE], ["two.css", "p { zoom: 2 }"]);
    expect(elsewhere.warnings).toEqual([expect.stringMatching(/^one\.css line 1, selector \.bar/)]);
  });

  it("a template's load says them with its errors, as a run says them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lp-stylewarn-"));
    try {
      cpSync(TEMPLATES_DIR, dir, { recursive: true });
      const sheet = join(dir, "parliamentary-committee", "print.css");
      const lines = readFileSync(sheet, "utf8").split("\n").length;
      writeFileSync(sheet, `${readFileSync(sheet, "utf8")}\n${UNKNOWN_FACE}\n.q { colr: red; }\n.z { color: red\n.y { color: blue; }\n`);
      const sets = await loadTemplateSets(dir);
      let message = "";
      try {
        checkedTemplateLibrary(sets, undefined, "A4");
      } catch (error) {
        message = (error as Error).message;
      }
      const named = (line: number) => `parliamentary-committee/print.css line ${line + lines}`;
      expect(message.split("\n")).toEqual([
        expect.stringContaining(`${named(2)}, selector .q, property colr: not a property`),
        expect.stringContaining(`${named(3)}: the block \`.z {\` opened at line ${3 + lines} is never closed`),
        expect.stringMatching(new RegExp(`^warning: .*${named(1)}, selector \\.bar, property font-family: "Wingdings" is not in the font registry`)),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
