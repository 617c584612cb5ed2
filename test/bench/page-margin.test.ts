import { pageBottomMarginPt } from "../../bench/measure-agreement";

/** The agreement figures leave the running footer out: its height is the stylesheet's bottom page margin. */
describe("the bottom page margin of a template's stylesheet", () => {
  it("is read from the @page rule, or the file lacking one is named", () => {
    expect(pageBottomMarginPt("@page { margin: 22mm 22mm 26mm; }", "print.css")).toBeCloseTo((26 * 72) / 25.4, 6);
    expect(pageBottomMarginPt("@page { size: A4; margin: 1in; }", "print.css")).toBe(72);
    expect(() => pageBottomMarginPt("body { margin: 0 }", "templates/x/print.css")).toThrow(/templates\/x\/print\.css: expected an @page rule/);
  });
});
