import { verifySigV4 } from "../../../local/s3/sigv4-verifier";

// The worked examples of AWS's documentation for S3 SigV4, computed by AWS, not by this code:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
const config = {
  region: "us-east-1",
  service: "s3",
  secrets: new Map([[ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]]),
  now: new Date("2013-05-24T00:05:00Z"),
};
const headers = (pairs: Record<string, string>) => new Map(Object.entries(pairs).map(([k, v]) => [k, [v]]));
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("verifySigV4 against AWS's documented examples", () => {
  it("accepts the documented GET object with header auth", () => {
    const verdict = verifySigV4(
      {
        method: "GET",
        url: "/test.txt",
        headers: headers({
          host: "examplebucket.s3.amazonaws.com",
          range: "bytes=0-9",
          "x-amz-content-sha256": EMPTY_SHA256,
          "x-amz-date": "20130524T000000Z",
          authorization:
            `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20130524/us-east-1/s3/aws4_request,` +
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        }),
      },
      config,
    );
    expect(verdict).toEqual({ ok: true, accessKeyId: ACCESS_KEY, mechanism: "header", payloadHash: EMPTY_SHA256 });
  });

  const presignedUrl =
    "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  const presigned = { method: "GET", url: presignedUrl, headers: headers({ host: "examplebucket.s3.amazonaws.com" }) };

  it("accepts the documented presigned URL within its day", () => {
    expect(verifySigV4(presigned, config)).toMatchObject({ ok: true, mechanism: "query", payloadHash: "UNSIGNED-PAYLOAD" });
  });

  it("refuses the same URL a second after its day is over", () => {
    const verdict = verifySigV4(presigned, { ...config, now: new Date("2013-05-25T00:00:01Z") });
    expect(verdict).toMatchObject({ ok: false, error: { status: 403, code: "AccessDenied", message: "Request has expired" } });
  });

  it("refuses it for another host", () => {
    const verdict = verifySigV4({ ...presigned, headers: headers({ host: "otherbucket.s3.amazonaws.com" }) }, config);
    expect(verdict).toMatchObject({ ok: false, error: { status: 403, code: "SignatureDoesNotMatch" } });
  });
});
