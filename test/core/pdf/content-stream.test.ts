import { deflateSync, inflateSync } from "node:zlib";
import { ContentStream, num } from "../../../functions/core/pdf/content-stream";
import { isBlank } from "../../../functions/core/pdf/pdf-writer";

const latin1 = (stream: ContentStream) => Buffer.from(stream.bytes()).toString("latin1");

describe("ContentStream (page content written as bytes)", () => {
  it("writes every number as num writes it, for edge values and 200,000 values across page, font-unit and tiny scales", () => {
    const values = [
      0,
      -0,
      0.0004,
      -0.0004,
      0.0005,
      -0.0005,
      0.001,
      -0.001,
      0.01,
      0.1,
      0.5,
      1,
      -1,
      9,
      10,
      99,
      100,
      1.0005,
      -1.0005,
      12.3456,
      -12.3456,
      595.28,
      841.89,
      1e9 + 0.001,
      -2e9,
      3e12,
      Number.NaN,
      Infinity,
    ];
    // A fixed linear congruential sequence: the same values on every run.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200_000; i++) values.push((next() - 0.5) * [2, 2_000, 2_000_000][i % 3]!);
    const stream = new ContentStream(16);
    const mismatches: string[] = [];
    for (const n of values) {
      stream.reset();
      stream.number(n);
      if (latin1(stream) !== num(n)) mismatches.push(`${n}: ${latin1(stream)} vs ${num(n)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("writes glyph codes as four lowercase hex digits", () => {
    const stream = new ContentStream(2);
    for (const code of [0, 1, 0x0f, 0xa0, 0x1234, 0xbeef, 0xffff]) stream.hex4(code).byte(0x20);
    expect(latin1(stream)).toBe("0000 0001 000f 00a0 1234 beef ffff ");
  });

  it("grows past its first buffer without losing what it holds, and writes Latin-1 text as its bytes", () => {
    const stream = new ContentStream(4);
    const expected: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const line = `/F${i} ${num(i / 7)} Tf (\u00e9\u00ff)`;
      stream.line(line);
      expected.push(`${line}\n`);
    }
    stream.append(Uint8Array.of(0x51, 0x0a));
    expect(latin1(stream)).toBe(`${expected.join("")}Q\n`);
    expect(Buffer.from(stream.bytes())).toEqual(Buffer.from(`${expected.join("")}Q\n`, "latin1"));
    // What the page's content object deflates is what was written.
    expect(inflateSync(deflateSync(stream.bytes())).toString("latin1")).toBe(`${expected.join("")}Q\n`);
  });

  it("starts over at reset, the view of earlier bytes taken before", () => {
    const stream = new ContentStream(8);
    stream.line("BT");
    const first = Buffer.from(stream.bytes());
    stream.reset();
    expect(stream.size).toBe(0);
    stream.line("ET");
    expect(first.toString("latin1")).toBe("BT\n");
    expect(latin1(stream)).toBe("ET\n");
  });
});

describe("isBlank (the writer's white-space test)", () => {
  it("answers as /^\\s*$/u for every code unit and for mixed texts", () => {
    const mismatches: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const text = String.fromCharCode(code);
      if (isBlank(text) !== /^\s*$/u.test(text)) mismatches.push(code);
    }
    expect(mismatches).toEqual([]);
    for (const text of ["", " ", "\u00a0\u3000", " a", "\u200b", "\t\n\u2029", "\u{1F600}", "\ufeff ", "- "]) expect(isBlank(text)).toBe(/^\s*$/u.test(text));
  });
});
