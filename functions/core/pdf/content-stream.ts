/** ".001" to ".999" without trailing zeros, the fraction part of `num`. */
const FRACTIONS = Array.from({ length: 1000 }, (_, f) => (f === 0 ? "" : `.${String(f).padStart(3, "0").replace(/0+$/, "")}`));

/**
 * A coordinate rounded to 0.001, as `(Math.round(n * 1000) / 1000).toString()` writes it, from
 * integers: V8's shortest-decimal conversion of a fraction was a twentieth of an Arabic render.
 * `ContentStream.number` writes the same characters as bytes.
 */
export function num(n: number): string {
  const thousandths = Math.round(n * 1000);
  if (thousandths % 1000 === 0) return String(thousandths / 1000);
  const magnitude = Math.abs(thousandths);
  return `${thousandths < 0 ? "-" : ""}${Math.floor(magnitude / 1000)}${FRACTIONS[magnitude % 1000]}`;
}

/**
 * A page's content stream written as bytes, into one growing buffer: operators, numbers and glyph
 * codes go straight in, with no string per operator, run or glyph (a warm letter's content was
 * thousands of short strings joined, then turned into bytes: time in the writer and in the garbage
 * collector). Every character written is Latin-1, one byte each, as pdfkit's own encoding of
 * content text does.
 */
export class ContentStream {
  private buffer: Uint8Array;
  private length = 0;

  // A page of Arabic text writes about 40 KB: one buffer per document, grown seldom.
  constructor(capacity = 1 << 16) {
    this.buffer = new Uint8Array(capacity);
  }

  /** The bytes written since the last `reset`: a view of the stream's buffer, valid until the next write or reset. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  get size(): number {
    return this.length;
  }

  /** Starts over (the buffer is kept for the next page). */
  reset(): void {
    this.length = 0;
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + count) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  /** One byte (a character code below 256). */
  byte(code: number): this {
    if (this.length === this.buffer.length) this.reserve(1);
    this.buffer[this.length++] = code;
    return this;
  }

  /** Text of Latin-1 characters, each as its byte (as Latin-1 encoding writes it: the low byte of each code unit). */
  text(text: string): this {
    const count = text.length;
    this.reserve(count);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < count; i++) buffer[at++] = text.charCodeAt(i) & 0xff;
    this.length = at;
    return this;
  }

  /** An operator line: the text and a line feed (what pdfkit's `addContent` writes). */
  line(text: string): this {
    return this.text(text).byte(LINE_FEED);
  }

  /** Bytes as they are. */
  append(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** Four lowercase hex digits of a glyph code (0 to 0xffff). */
  hex4(code: number): this {
    this.reserve(4);
    const buffer = this.buffer;
    const at = this.length;
    buffer[at] = HEX[(code >> 12) & 15]!;
    buffer[at + 1] = HEX[(code >> 8) & 15]!;
    buffer[at + 2] = HEX[(code >> 4) & 15]!;
    buffer[at + 3] = HEX[code & 15]!;
    this.length = at + 4;
    return this;
  }

  /**
   * A number rounded to 0.001 with no trailing zeros, the same characters `num` (pdf-writer.ts)
   * makes, from integers: no string, no `toFixed`.
   */
  number(n: number): this {
    const thousandths = Math.round(n * 1000);
    // Beyond what a page holds (and NaN, infinities): the string's own form, as num writes it.
    if (!(Math.abs(thousandths) < 2 ** 31)) return this.text(num(n));
    // -0 (a tiny negative rounded away) prints as 0, as String(-0) does.
    if (thousandths < 0) this.byte(MINUS);
    const magnitude = Math.abs(thousandths);
    this.digits(Math.floor(magnitude / 1000));
    const fraction = magnitude % 1000;
    if (fraction !== 0) {
      this.byte(DOT);
      const hundreds = Math.floor(fraction / 100);
      const tens = Math.floor(fraction / 10) % 10;
      const ones = fraction % 10;
      this.byte(ZERO + hundreds);
      if (tens !== 0 || ones !== 0) this.byte(ZERO + tens);
      if (ones !== 0) this.byte(ZERO + ones);
    }
    return this;
  }

  /** A whole number >= 0 in decimal. */
  private digits(value: number): void {
    if (value < 10) {
      this.byte(ZERO + value);
      return;
    }
    let count = 1;
    for (let rest = Math.floor(value / 10); rest > 0; rest = Math.floor(rest / 10)) count++;
    this.reserve(count);
    let at = this.length + count;
    this.length = at;
    for (let rest = value; at > this.length - count; rest = Math.floor(rest / 10)) this.buffer[--at] = ZERO + (rest % 10);
  }
}

const LINE_FEED = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const HEX = Uint8Array.from("0123456789abcdef", (char) => char.charCodeAt(0));
