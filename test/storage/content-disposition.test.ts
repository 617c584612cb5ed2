import { attachmentDisposition, dispositionFileName } from "../../functions/storage/content-disposition";

describe("attachment content disposition", () => {
  it("carries an Arabic name in filename* and an ASCII fallback in filename", () => {
    const header = attachmentDisposition("رسالة إلى مجلس الأمن", "pdf", "unsc-dprk-2015-ar");
    expect(header).toBe(
      `attachment; filename="unsc-dprk-2015-ar.pdf"; filename*=UTF-8''%D8%B1%D8%B3%D8%A7%D9%84%D8%A9%20%D8%A5%D9%84%D9%89%20%D9%85%D8%AC%D9%84%D8%B3%20%D8%A7%D9%84%D8%A3%D9%85%D9%86.pdf`,
    );
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(dispositionFileName(header)).toBe("رسالة إلى مجلس الأمن.pdf");
  });

  it("uses a plain ASCII name as its own fallback, with quotes and backslashes replaced", () => {
    expect(attachmentDisposition('Letter "to" the Council', "html", "x")).toBe(
      `attachment; filename="Letter _to_ the Council.html"; filename*=UTF-8''Letter%20%22to%22%20the%20Council.html`,
    );
  });

  it("drops path separators, control characters and surrounding dots from the name", () => {
    const header = attachmentDisposition("../致安理会的信\u0000/..", "pdf", "unsc-zh");
    expect(dispositionFileName(header)).toBe("致安理会的信.pdf");
    expect(header).toContain('filename="unsc-zh.pdf"');
  });

  it("falls back to the slug when nothing of the name is left", () => {
    expect(attachmentDisposition(" ... ", "pdf", "unsc-en")).toBe(`attachment; filename="unsc-en.pdf"; filename*=UTF-8''unsc-en.pdf`);
  });
});
