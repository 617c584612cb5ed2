import { parseStylesheets, StyleError } from "../../../functions/core/style";

/**
 * A stylesheet's problems come together (issue 12 follow-up, item 5): every unsupported property,
 * value, selector and at-rule of every sheet in one error, each naming the file, line, selector and
 * property, so an author fixes the sheet in one pass instead of one error per run.
 */
function problemsOf(...sheets: [name: string, text: string][]): readonly string[] {
  try {
    parseStylesheets(sheets.map(([name, text]) => ({ name, text, origin: "author" as const })));
  } catch (error) {
    expect(error).toBeInstanceOf(StyleError);
    expect((error as StyleError).message).toBe((error as StyleError).problems.join("\n"));
    return (error as StyleError).problems;
  }
  return [];
}

describe("stylesheet errors, collected", () => {
  it("reports every unsupported property, value, selector and at-rule of a sheet, in order, with its line", () => {
    const problems = problemsOf([
      "brand/print.css",
      [
        "h1 { color: #c00; float: left }", // 1: an unknown property
        "p {", // 2
        "  text-align: wobbly;", // 3: a value outside the table
        "  margin-top: 4pt;", // 4: fine
        "  transform: rotate(3deg);", // 5: another unknown property
        "}",
        "p:wobble { color: red }", // 7: a selector the PDF cannot match
        "@font-feature-values Font One { @styleset { nice-style: 12; } }", // 8: an unsupported at-rule
        "@page :left { margin: 1cm }", // 9: a page selector the PDF does not read
        "@media print and (min-width: 10cm) { p { color: blue } }", // 10: a media feature
        "li::marker { color: red }", // 11: a pseudo-element that generates something
      ].join("\n"),
    ]);
    expect(problems).toHaveLength(8);
    expect(problems[0]).toBe("brand/print.css line 1, selector h1, property float: not a property of the supported CSS (templates/CSS.md)");
    expect(problems[1]).toMatch(/^brand\/print\.css line 3, selector p, property text-align: .*expected start \| end/);
    expect(problems[2]).toBe("brand/print.css line 5, selector p, property transform: not a property of the supported CSS (templates/CSS.md)");
    expect(problems[3]).toMatch(/^brand\/print\.css line 7, selector p:wobble: not a selector the PDF can match/);
    expect(problems[4]).toMatch(/^brand\/print\.css line 8: @font-feature-values is not supported/);
    expect(problems[5]).toMatch(/^brand\/print\.css line 9: @page :left: the PDF reads @page and @page :first/);
    expect(problems[6]).toMatch(/^brand\/print\.css line 10: @media print and \(min-width:10cm\): the PDF does not evaluate media features/);
    expect(problems[7]).toMatch(/^brand\/print\.css line 11, selector li::marker, property color: pseudo-elements may only say content: none/);
  });

  it("reports the problems of every sheet at once, each naming its own file", () => {
    const problems = problemsOf(["ua.css", "p { margin: 0 }\ndiv { zoom: 2 }"], ["mine/print.css", "\n\nh2 { font-size: huge; cursor: pointer }"]);
    expect(problems).toEqual([
      "ua.css line 2, selector div, property zoom: not a property of the supported CSS (templates/CSS.md)",
      expect.stringMatching(/^mine\/print\.css line 3, selector h2, property font-size: /),
      "mine/print.css line 3, selector h2, property cursor: not a property of the supported CSS (templates/CSS.md)",
    ]);
  });

  it("reports every syntax error of a sheet, and the other sheets' problems beside them", () => {
    const problems = problemsOf(["broken.css", "p { color: red; }\nh1 { color: }\nh2 { : blue }"], ["other.css", "p { clip-path: none }"]);
    expect(problems.filter((problem) => problem.startsWith("broken.css"))).not.toHaveLength(0);
    expect(problems.at(-1)).toBe("other.css line 1, selector p, property clip-path: not a property of the supported CSS (templates/CSS.md)");
  });

  it("accepts a sheet with no problem", () => {
    expect(problemsOf(["fine.css", "p { margin: 0 0 6pt; color: #222 }\n@page { size: A4; margin: 20mm }"])).toEqual([]);
  });
});
