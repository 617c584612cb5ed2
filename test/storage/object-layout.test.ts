import { InvalidKeySegmentError } from "../../functions/storage/errors";
import { documentKey, latestKey, manifestKey, parseDocumentKey, parsePublishedEntryKey, publishedEntryKey, type DocumentAddress } from "../../functions/storage/object-layout";

const address: DocumentAddress = { letterId: "unsc-dprk-2015", revision: "3f9a1c2b7d4e", locale: "zh", recipientId: null, file: "letter", format: "pdf" };

describe("object layout", () => {
  it("builds readable keys for a letter, a personalized letter, its manifest and its latest pointer", () => {
    expect(documentKey(address)).toBe("letters/unsc-dprk-2015/3f9a1c2b7d4e/zh/letter.pdf");
    expect(documentKey({ ...address, recipientId: "france", format: "html" })).toBe("letters/unsc-dprk-2015/3f9a1c2b7d4e/zh/france/letter.html");
    expect(manifestKey("unsc-dprk-2015", "3f9a1c2b7d4e")).toBe("letters/unsc-dprk-2015/3f9a1c2b7d4e/manifest.json");
    expect(latestKey("unsc-dprk-2015")).toBe("letters/unsc-dprk-2015/latest.json");
  });

  it.each([
    ["letterId", { letterId: "../etc" }],
    ["letterId", { letterId: "UNSC" }],
    ["letterId", { letterId: "-leading-hyphen" }],
    ["letterId", { letterId: "a".repeat(65) }],
    ["revision", { revision: "not-hex!" }],
    ["revision", { revision: "abc" }],
    ["locale", { locale: "de_DE" }],
    ["recipientId", { recipientId: "a/b" }],
    ["recipientId", { recipientId: ".." }],
    ["file", { file: "letter.pdf" }],
    ["file", { file: "" }],
    ["format", { format: "exe" }],
  ])("refuses a bad %s and names it", (segment, override) => {
    const build = () => documentKey({ ...address, ...(override as Partial<DocumentAddress>) });
    expect(build).toThrow(InvalidKeySegmentError);
    expect(build).toThrow(new RegExp(`^invalid ${segment} `));
  });

  it("reads a document key back into the address it was built from", () => {
    const personalized = { ...address, recipientId: "france" };
    expect(parseDocumentKey(documentKey(personalized))).toEqual(personalized);
    expect(parseDocumentKey(documentKey(address))).toEqual(address);
  });

  it.each([
    "letters/unsc-dprk-2015/3f9a1c2b7d4e/manifest.json",
    "letters/unsc-dprk-2015/../3f9a1c2b7d4e/zh/letter.pdf",
    "letters/unsc-dprk-2015/3f9a1c2b7d4e/zh/letter.pdf/../../x.pdf",
    "other/unsc-dprk-2015/3f9a1c2b7d4e/zh/letter.pdf",
    "letters/unsc-dprk-2015/3f9a1c2b7d4e/zh/letter.tar.pdf",
  ])("refuses %s as a document key", (key) => {
    expect(() => parseDocumentKey(key)).toThrow(InvalidKeySegmentError);
  });
});

describe("published entry keys", () => {
  const sha256 = "ab".repeat(32);
  const key = "letters/unsc-dprk-2015/3f9a1c2b7d4e/ko/korea/letter.pdf";

  it("name the document, its SHA-256 and its size under the revision, and read back", () => {
    const entry = publishedEntryKey({ key, sha256, size: 49_400 });
    expect(entry).toBe(`letters/unsc-dprk-2015/3f9a1c2b7d4e/published/ko/korea/letter.pdf/${sha256}-49400`);
    expect(parsePublishedEntryKey(entry)).toMatchObject({ key, sha256, size: 49_400, address: { locale: "ko", recipientId: "korea", format: "pdf" } });
    const general = publishedEntryKey({ key: "letters/unsc-dprk-2015/3f9a1c2b7d4e/ar/letter.html", sha256, size: 0 });
    expect(parsePublishedEntryKey(general)).toMatchObject({ key: "letters/unsc-dprk-2015/3f9a1c2b7d4e/ar/letter.html", size: 0 });
  });

  it("refuse to name what is not a document, or a digest that is not one", () => {
    expect(() => publishedEntryKey({ key: "letters/unsc-dprk-2015/3f9a1c2b7d4e/manifest.json", sha256, size: 1 })).toThrow(InvalidKeySegmentError);
    expect(() => publishedEntryKey({ key, sha256: "AB".repeat(32), size: 1 })).toThrow(/invalid entry/);
    expect(() => publishedEntryKey({ key, sha256, size: -1 })).toThrow(/invalid entry/);
    expect(() => publishedEntryKey({ key, sha256, size: 1.5 })).toThrow(/invalid entry/);
  });

  it.each([
    `letters/unsc-dprk-2015/3f9a1c2b7d4e/published/ko/korea/letter.pdf/${sha256}-0049`,
    `letters/unsc-dprk-2015/3f9a1c2b7d4e/published/ko/korea/letter.pdf/${sha256}`,
    `letters/unsc-dprk-2015/3f9a1c2b7d4e/published/ko/../letter.pdf/${sha256}-1`,
    `letters/unsc-dprk-2015/3f9a1c2b7d4e/published/manifest.json/${sha256}-1`,
    `letters/unsc-dprk-2015/3f9a1c2b7d4e/other/ko/letter.pdf/${sha256}-1`,
    `letters/unsc-dprk-2015/3f9a1c2b7d4e/ko/letter.pdf`,
  ])("reads %s as no entry", (entry) => {
    expect(parsePublishedEntryKey(entry)).toBeUndefined();
  });
});
