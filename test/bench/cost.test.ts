import { AWS_PRICES, CHROMIUM_ON_LAMBDA, estimateCost } from "../../bench/cost";

/** The cost arithmetic, checked by hand against the published prices it names. */
describe("the cost of 1,000 documents on Lambda arm64", () => {
  const base = {
    pipeline: "test",
    invocationsPerDocument: 1,
    s3PutsPerDocument: 2,
    s3GetsPerDocument: 4,
    bytesPerDocument: 2 ** 30 / 1000,
    basis: "by hand",
  };

  it("bills GB-seconds at the configured memory, each invocation rounded up to the ms", () => {
    // 1,000 invocations x ceil(9.2) = 10 ms x 1 GB = 10 GB-s.
    const estimate = estimateCost({ ...base, memoryMb: 1024, msPerDocument: 9.2 });
    expect(estimate.gbSeconds).toBeCloseTo(10, 10);
    expect(estimate.computeUsd).toBeCloseTo(10 * AWS_PRICES.lambdaArm64PerGbSecond, 12);
    // Twice the memory, twice the compute: the Chromium estimate's 1,600 MB is 1.5625 GB.
    expect(estimateCost({ ...base, memoryMb: CHROMIUM_ON_LAMBDA.memoryMb, msPerDocument: 10 }).gbSeconds).toBeCloseTo(15.625, 10);
  });

  it("adds requests, S3 PUTs and HEADs, and a month of storage", () => {
    const estimate = estimateCost({ ...base, memoryMb: 1024, msPerDocument: 10 });
    expect(estimate.requestsUsd).toBeCloseTo(0.0002, 12); // 1,000 of $0.20 per million
    expect(estimate.s3RequestsUsd).toBeCloseTo(2 * 0.005 + 4 * 0.0004, 12); // 2,000 PUTs, 4,000 HEADs
    expect(estimate.storageUsdPerMonth).toBeCloseTo(0.023, 12); // exactly 1 GiB stored
    expect(estimate.totalUsd).toBeCloseTo(estimate.computeUsd + 0.0002 + 0.0116 + 0.023, 12);
  });

  it("scales with the number of documents and with invocations per document", () => {
    const one = estimateCost({ ...base, memoryMb: 1024, msPerDocument: 10 }, 1000);
    const ten = estimateCost({ ...base, memoryMb: 1024, msPerDocument: 10 }, 10_000);
    expect(ten.totalUsd).toBeCloseTo(one.totalUsd * 10, 10);
    // Two invocations of 5 ms each per document: same GB-s, twice the requests.
    const split = estimateCost({ ...base, memoryMb: 1024, msPerDocument: 10, invocationsPerDocument: 2 });
    expect(split.gbSeconds).toBeCloseTo(one.gbSeconds, 10);
    expect(split.requestsUsd).toBeCloseTo(one.requestsUsd * 2, 12);
  });

  it("names its region, date and sources", () => {
    expect(AWS_PRICES.region).toBe("us-east-1");
    expect(AWS_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(AWS_PRICES.sources.lambda).toMatch(/^https:\/\/aws\.amazon\.com\//);
    expect(CHROMIUM_ON_LAMBDA.source).toContain("Sparticuz/chromium");
  });
});
