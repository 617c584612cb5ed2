import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDataJson } from "../../../functions/core/letter/parse-json";
import { parseLetter } from "../../../functions/core/letter/parse-letter";
import { checkTemplateCatalogs } from "../../../functions/core/template/message-catalog";
import { readCatalogFile } from "../../../functions/templates/catalog-folder";
import { parseCatalogFile } from "../../../functions/templates/load-template-set";

const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

function issuesOf(text: string) {
  const result = parseDataJson("x/letter.json", text);
  return result.ok ? [] : result.issues;
}

describe("parseDataJson: keys written twice", () => {
  it("refuses a duplicate top-level key with the path and both line numbers", () => {
    const issues = issuesOf('{\n  "id": "a",\n  "title": "t",\n  "id": "b"\n}');
    expect(issues).toEqual([{ file: "x/letter.json", path: "id", message: expect.stringMatching(/duplicate key "id" at line 4; it is first written at line 2/) }]);
  });

  it("names the path of a duplicate deep inside arrays and objects, and reports every one", () => {
    const text = ['{"paragraphs": [', '  {"content": "a"},', '  {"content": [{"source": "x",', '    "source": "y"}],', '   "content": "z"}', "]}"].join("\n");
    const issues = issuesOf(text);
    expect(issues.map((issue) => [issue.path, issue.message.replace(/; and only.*$/, "")])).toEqual([
      ["paragraphs[1].content[0].source", expect.stringContaining("at line 4; it is first written at line 3")],
      ["paragraphs[1].content", expect.stringContaining("at line 5; it is first written at line 3")],
    ]);
  });

  it("tells two keys on one line apart by their columns", () => {
    expect(issuesOf('{"a": 1, "b": 2, "a": 3}').map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^duplicate key "a" at line 1, column 18; it is first written at line 1, column 2,/),
    ]);
  });

  it("treats equal keys in different objects, and keys equal only in case, as distinct", () => {
    expect(issuesOf('{"a": {"k": 1}, "b": {"k": 2}, "K": 3, "k": 4}')).toEqual([]);
  });

  it("counts keys written with escapes as the key they spell", () => {
    expect(issuesOf('{"title": 1,\n"\\u0074itle": 2}').map((issue) => issue.path)).toEqual(["title"]);
  });

  // The position-tracking scan runs only when the text writes more keys than the parsed value holds;
  // strings that look like keys, escaped quotes and keys in arrays must not hide a duplicate or invent one.
  it.each([
    ['{"a": "\\"b\\": 1", "a": 2}', ["a"]],
    ['{"a": "x\\\\", "b": ":", "a": ":"}', ["a"]],
    ['[{"k": 1, "k": 2}, {"k": 3}]', ["[0].k"]],
    ['{"l": [1, "two", {"m": {}, "m" : []}], "n": null}', ["l[2].m"]],
    ['{"a": "\\"a\\":", "b": {"a": "a:"}}', []],
    ['{"" : 1, "": 2}', ['[""]']],
  ])("finds the duplicates of %s and no others", (text, paths) => {
    expect(issuesOf(text).map((issue) => issue.path)).toEqual(paths);
  });

  it("still reads a file with a byte order mark and no duplicates", () => {
    expect(parseDataJson("x.json", '\uFEFF{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("refuses a letter whose real letter.json repeats a key, naming the file", () => {
    const letter = readFileSync(join(SAMPLE, "letter.json"), "utf8").replace(/^\{/, '{\n  "id": "other",');
    const files = ["en.json", "fr.json"].map((name) => ({ name, bytes: readFileSync(join(SAMPLE, name)) }));
    expect(() => parseLetter("sample", [{ name: "letter.json", bytes: Buffer.from(letter) }, ...files])).toThrow(
      /sample\/letter\.json: id: duplicate key "id" at line \d+; it is first written at line 2/,
    );
  });
});

describe("a template's message catalog with a key written twice", () => {
  it("is refused with the file, the key and both lines, in the messages and in the $locale settings", () => {
    expect(() => parseCatalogFile("t/messages/fr.json", '{\n  "greeting": "Madame",\n  "closing": "Cordialement",\n  "greeting": "Monsieur"\n}')).toThrow(
      't/messages/fr.json: greeting: duplicate key "greeting" at line 4; it is first written at line 2',
    );
    expect(() => parseCatalogFile("t/messages/fr.json", '{"a": "x",\n"$locale": {"calendar": "gregory",\n"calendar": "persian"}}')).toThrow(
      /\$locale\.calendar: duplicate key "calendar" at line 3; it is first written at line 2/,
    );
  });

  // issue 13: the value JSON keeps is the last one written; its other problems named the first line.
  it("names the line of the value that is read (the last written) in the key's other problems", () => {
    const text = '{\n  "greeting": "Madame {name}",\n  "closing": "Cordialement",\n  "greeting": 5,\n  "closing": "Bien à vous",\n  "closing": "À vous {nom"\n}';
    const read = readCatalogFile("t/messages/fr.json", text);
    expect(read.problems).toEqual([
      't/messages/fr.json: greeting: duplicate key "greeting" at line 4; it is first written at line 2, and only one may stay (JSON would keep the last in silence)',
      't/messages/fr.json: closing: duplicate key "closing" at line 5; it is first written at line 3, and only one may stay (JSON would keep the last in silence)',
      't/messages/fr.json: closing: duplicate key "closing" at line 6; it is first written at line 3, and only one may stay (JSON would keep the last in silence)',
      "t/messages/fr.json line 4, column 3: greeting: expected an ICU message string, got 5",
    ]);
    // The catalogs' check reads "closing" from line 6, and says so.
    const printed = new Map([["closing", { calls: [{ where: "letter.hbs", arguments: new Set<string>() }] }]]);
    expect(checkTemplateCatalogs({ fr: read.messages }, printed, false, undefined, { fr: read.layout })).toEqual([
      expect.stringMatching(/^messages\/fr\.json line 6, column 3: closing: malformed ICU message/),
    ]);
  });

  it("still reads a catalog whose keys are all distinct", () => {
    expect(parseCatalogFile("t/messages/fr.json", '{"greeting": "Madame", "closing": "Cordialement"}').messages).toEqual({ greeting: "Madame", closing: "Cordialement" });
  });
});

describe("parseDataJson on a file with nothing in it", () => {
  it.each([
    ["", "the file is empty; expected a JSON object { ... }"],
    ["\uFEFF", "the file is empty; expected a JSON object { ... }"],
    [" \r\n\t\n", "the file is empty (only white space); expected a JSON object { ... }"],
  ])("says the file %j is empty, not that its JSON ended unexpectedly", (text, message) => {
    expect(parseDataJson("sample/de.json", text)).toEqual({ ok: false, issues: [{ file: "sample/de.json", path: "", message }] });
  });

  it("reads a file saved with a byte-order mark and CRLF line ends as any other", () => {
    expect(parseDataJson("sample/de.json", '\uFEFF{\r\n  "locale": "de"\r\n}\r\n')).toEqual({ ok: true, value: { locale: "de" } });
  });
});

describe("parseDataJson on a file cut off in the middle", () => {
  it.each([
    ['{\n  "id": "sample",\n  "sourceLocale": ', 3, 18],
    ['{ "paragraphs": [', 1, 18],
    ['{\r\n  "title":\r\n\r\n', 2, 11],
  ])('names where the file ends instead of "Unexpected end of JSON input" (%j)', (text, line, column) => {
    expect(issuesOf(text)).toEqual([
      { file: "x/letter.json", path: "", message: `malformed JSON at line ${line}, column ${column}: the file ends before its JSON does (a value, a closing ] or } is missing)` },
    ]);
  });
});
