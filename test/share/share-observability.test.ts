import { Logger } from "@aws-lambda-powertools/logger";
import { createEmfMetrics, SHARE_METRICS_NAMESPACE, type ShareLogger } from "../../functions/share/share-observability";
import { START } from "./support";

describe("the CloudWatch Embedded Metric Format emitter", () => {
  it("writes one EMF line per count, by service and by service and outcome", () => {
    const lines: string[] = [];
    const metrics = createEmfMetrics({ service: "letterpress-download", clock: () => START, write: (line) => lines.push(line) });
    metrics.count("ShareRefused", "EXPIRED");
    metrics.count("ShareUsed", "served");
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    expect(first).toEqual({
      _aws: {
        Timestamp: START.getTime(),
        CloudWatchMetrics: [{ Namespace: SHARE_METRICS_NAMESPACE, Dimensions: [["Service"], ["Service", "Outcome"]], Metrics: [{ Name: "ShareRefused", Unit: "Count" }] }],
      },
      Service: "letterpress-download",
      Outcome: "EXPIRED",
      ShareRefused: 1,
    });
    // Every dimension and metric the directive names is a member of the line, as the format requires.
    for (const line of lines.map((text) => JSON.parse(text))) {
      const directive = line._aws.CloudWatchMetrics[0];
      for (const name of directive.Dimensions.flat()) expect(typeof line[name]).toBe("string");
      for (const metric of directive.Metrics) expect(line[metric.Name]).toBe(1);
      expect(lines.every((text) => !text.includes("\n"))).toBe(true);
    }
  });

  it("writes to stdout by default, one line each", () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      createEmfMetrics({ service: "s", clock: () => START }).count("ShareCreated", "created");
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith("}\n")).toBe(true);
    expect(JSON.parse(written[0]!).ShareCreated).toBe(1);
  });
});

describe("the share logger interface", () => {
  it("is met by Powertools' Logger, which writes the fields as JSON members", () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      // Typed as ours: the download handler hands its Powertools Logger to the share module as it is.
      const logger: ShareLogger = new Logger({ serviceName: "letterpress-download" });
      logger.info("share used", { shareId: "AAAAAAAAAAAAAAAAAAAAAA", letterId: "unsc-dprk-2015", outcome: "served" });
    } finally {
      spy.mockRestore();
    }
    const line = JSON.parse(written.join("").trim().split("\n").at(-1)!);
    expect(line).toMatchObject({
      level: "INFO",
      message: "share used",
      service: "letterpress-download",
      shareId: "AAAAAAAAAAAAAAAAAAAAAA",
      letterId: "unsc-dprk-2015",
      outcome: "served",
    });
  });
});
