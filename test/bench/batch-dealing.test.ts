import { nextChunk, queuesByLanguage } from "../../bench/measure-batch";

/** How the batch deals letters to its workers: whole languages each, balanced, and nothing left idle at the end. */
describe("the batch's jobs dealt by language", () => {
  const jobs = (counts: Record<string, number>) => Object.entries(counts).flatMap(([locale, count]) => Array.from({ length: count }, (_, index) => ({ locale, index })));

  it("gives each language to one worker, balancing the workers' job counts", () => {
    const queues = queuesByLanguage(jobs({ en: 60, fr: 60, ar: 60, zh: 60, ko: 45, ru: 45 }), 2);
    const languages = queues.map((queue) => new Set(queue.map((job) => job.locale)));
    // No language on both workers (before: every worker rendered every language).
    expect([...(languages[0] ?? [])].filter((locale) => languages[1]?.has(locale))).toEqual([]);
    expect(queues.map((queue) => queue.length).sort()).toEqual([165, 165]);
    expect(queues.flat()).toHaveLength(330);
  });

  it("lets a worker whose languages are done take the end of the longest other queue, until every job is dealt", () => {
    const queues = queuesByLanguage(jobs({ en: 10, zh: 2 }), 2);
    const dealt: { locale: string; index: number }[] = [];
    const zhWorker = queues.findIndex((queue) => queue[0]?.locale === "zh");
    dealt.push(...nextChunk(queues, zhWorker, 8)); // its own two
    const stolen = nextChunk(queues, zhWorker, 3); // then three of en's, from the end
    expect(stolen.map((job) => job.index)).toEqual([7, 8, 9]);
    dealt.push(...stolen);
    for (let chunk = nextChunk(queues, 1 - zhWorker, 4); chunk.length > 0; chunk = nextChunk(queues, 1 - zhWorker, 4)) dealt.push(...chunk);
    expect(dealt).toHaveLength(12);
    expect(new Set(dealt.map((job) => `${job.locale}${job.index}`)).size).toBe(12);
  });

  it("deals to more workers than languages without losing a job", () => {
    const queues = queuesByLanguage(jobs({ en: 5 }), 3);
    expect(queues.map((queue) => queue.length)).toEqual([5, 0, 0]);
    expect(nextChunk(queues, 2, 2)).toHaveLength(2);
    expect(queues.flat()).toHaveLength(3);
  });
});
