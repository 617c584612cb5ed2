import { ENV, readConfig } from "../functions/config";

const base = { [ENV.documentsBucket]: "letterpress-documents" };

describe("readConfig", () => {
  it("fills typed defaults around the one required variable", () => {
    const config = readConfig(base);
    expect(config).toMatchObject({
      bucket: "letterpress-documents",
      dataPrefix: "data/",
      allowedLocales: "all",
      urlLifetime: { defaultSeconds: 300, maxSeconds: 3600 },
      encryption: { mode: "s3" },
    });
  });

  it("reads a list of BCP 47 tags, script and region subtags included", () => {
    expect(readConfig({ ...base, [ENV.allowedLocales]: "en, pt-BR,zh-Hant,sr-Latn" }).allowedLocales).toEqual(["en", "pt-BR", "zh-Hant", "sr-Latn"]);
  });

  it.each([
    [{}, "DOCUMENTS_BUCKET"],
    [{ ...base, [ENV.allowedLocales]: "en,de_DE" }, "ALLOWED_LOCALES"],
    [{ ...base, [ENV.allowedLocales]: "en,pt-br" }, "ALLOWED_LOCALES"],
    [{ ...base, [ENV.urlLifetimeMax]: "604801" }, "DOWNLOAD_URL_MAX_TTL_SECONDS"],
    [{ ...base, [ENV.urlLifetimeDefault]: "7200" }, "DOWNLOAD_URL_TTL_SECONDS must not exceed DOWNLOAD_URL_MAX_TTL_SECONDS"],
    [{ ...base, [ENV.encryption]: "kms" }, "DOCUMENTS_KMS_KEY_ID is required"],
    [{ ...base, [ENV.dataPrefix]: "../" }, "DATA_PREFIX"],
  ])("fails at start-up on %j, naming the variable", (env, name) => {
    expect(() => readConfig(env)).toThrow(name);
  });
});
