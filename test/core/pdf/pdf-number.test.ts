import { num } from "../../../functions/core/pdf/pdf-writer";

/** The plain formula the fast one replaces: every coordinate in a content stream is written by it. */
const reference = (n: number) => (Math.round(n * 1000) / 1000).toString();

describe("num (PDF coordinates)", () => {
  it("writes what the plain formula writes, for edge values", () => {
    for (const n of [0, -0, 0.0004, -0.0004, 0.0005, -0.0005, 0.001, -0.001, 0.1, 0.5, 1, -1, 1.0005, -1.0005, 12.3456, -12.3456, 595.28, 841.89, 612, 792, 1e9 + 0.001]) {
      expect(num(n)).toBe(reference(n));
    }
  });

  it("writes what the plain formula writes, for 200,000 values across page, font-unit and tiny scales", () => {
    // A fixed linear congruential sequence: the same values on every run.
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const mismatches: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const scale = [2, 2_000, 2_000_000][i % 3]!;
      const n = (next() - 0.5) * scale;
      if (num(n) !== reference(n)) mismatches.push(n);
    }
    expect(mismatches).toEqual([]);
  });

  it("never writes an exponent or a trailing zero", () => {
    for (const n of [0.0015, 10.1, 100.25, -3.5, 1e-7, 123456.789]) expect(num(n)).toMatch(/^-?\d+(\.\d*[1-9])?$/);
  });
});
