import { startupSnapshot } from "node:v8";

/*
 * V8 cannot put an Intl object in a startup snapshot: each holds its ICU object through a native
 * pointer (a Foreign kept by a global handle), and `node --build-snapshot` aborts with "global handle
 * not serialized". The render code makes several at module load (the typesetter's word and grapheme
 * segmenters, the letter parser's language names) and more while a renderer is built (locales, page
 * number formats), so none of them can simply be left out. While a snapshot is being built, each
 * Intl constructor makes a stand-in instead: it answers every property of the real object, made on
 * first use; the real objects are dropped just before the heap is written and made again on first
 * use after the snapshot is restored, where the Intl constructors make real objects again.
 */

/** The Intl constructors whose instances hold an ICU object. */
const INTL_CONSTRUCTORS = [
  "Collator",
  "DateTimeFormat",
  "DisplayNames",
  "DurationFormat",
  "ListFormat",
  "Locale",
  "NumberFormat",
  "PluralRules",
  "RelativeTimeFormat",
  "Segmenter",
] as const;

type IntlConstructor = new (...args: unknown[]) => object;

interface StandIn {
  make(): object;
  /** Its real object, once asked for, and the real object's methods bound to it (one function per name). */
  real: object | undefined;
  methods: Map<PropertyKey, unknown>;
}

/** The stand-ins made while building, by the proxy callers hold. */
const standIns = new WeakMap<object, StandIn>();
let allStandIns: StandIn[] = [];
let madeWhileBuilding = 0;
let installed = false;

/** A stand-in's real object; anything else as it is. Arguments are passed through this: a stand-in Locale given to an Intl constructor. */
function realOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(realOf);
  const standIn = typeof value === "object" && value !== null ? standIns.get(value) : undefined;
  return standIn ? realObject(standIn) : value;
}

function realObject(standIn: StandIn): object {
  standIn.real ??= standIn.make();
  return standIn.real;
}

function standInFor(Real: IntlConstructor, args: unknown[]): object {
  const standIn: StandIn = { make: () => new Real(...args.map(realOf)), real: undefined, methods: new Map() };
  // Made now once, so a bad argument throws where the code made it, as the real constructor would.
  realObject(standIn);
  const proxy = new Proxy(Object.create(Real.prototype) as object, {
    get(_target, key) {
      const real = realObject(standIn);
      const value: unknown = Reflect.get(real, key, real);
      if (typeof value !== "function") return value;
      let bound = standIn.methods.get(key);
      if (bound === undefined) standIn.methods.set(key, (bound = (value as (...args: unknown[]) => unknown).bind(real)));
      return bound;
    },
    has: (_target, key) => key in realObject(standIn),
    ownKeys: () => Reflect.ownKeys(realObject(standIn)),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(realObject(standIn), key),
    getPrototypeOf: () => Real.prototype,
    set: () => false,
  });
  standIns.set(proxy, standIn);
  allStandIns.push(standIn);
  madeWhileBuilding++;
  return proxy;
}

/*
 * Node 22's snapshot builder aborts (std::length_error in vector::_M_range_insert, Node 22.23.5) on an
 * Error object whose stack trace was captured but never formatted: handlebars makes one at load
 * (`Exception.prototype = new Error()`), and errors thrown and caught while a renderer is built are
 * more. Node 20 writes them. While building, errors capture no stack (a non-number
 * Error.stackTraceLimit turns capturing off); the restored process has its limit back.
 */
function captureNoStacksWhileBuilding(): void {
  const limit = Error.stackTraceLimit;
  // Node 20's builder has already taken the limit away itself (and gives it back after the restore).
  if (typeof limit !== "number") return;
  Reflect.deleteProperty(Error, "stackTraceLimit");
  startupSnapshot.addDeserializeCallback(() => {
    Error.stackTraceLimit = limit;
  });
}

/*
 * Node 20's snapshot builder runs the entry without the array methods V8 adds on context creation
 * (toSorted, toReversed, toSpliced, with): node:http calls `toSorted` at load. While building, the
 * missing ones are plain equivalents; they are removed before the heap is written, and the restored
 * context has V8's own (Node 22's builder has them, and nothing is added there).
 */
function arrayCopyMethodsWhileBuilding(): void {
  const prototype = Array.prototype as unknown as Record<string, unknown>;
  const equivalents: Record<string, (this: unknown[], ...args: never[]) => unknown[]> = {
    toSorted(this: unknown[], compare?: (a: unknown, b: unknown) => number) {
      return Array.from(this).sort(compare);
    },
    toReversed(this: unknown[]) {
      return Array.from(this).reverse();
    },
    toSpliced(this: unknown[], start: number, deleteCount?: number, ...items: unknown[]) {
      const copy = Array.from(this);
      if (deleteCount === undefined) copy.splice(start);
      else copy.splice(start, deleteCount, ...items);
      return copy;
    },
    with(this: unknown[], index: number, value: unknown) {
      const copy = Array.from(this);
      copy[index < 0 ? copy.length + index : index] = value;
      return copy;
    },
  };
  const added = Object.keys(equivalents).filter((name) => typeof prototype[name] !== "function");
  for (const name of added) Object.defineProperty(prototype, name, { value: equivalents[name], writable: true, configurable: true });
  startupSnapshot.addSerializeCallback(() => {
    for (const name of added) Reflect.deleteProperty(prototype, name);
  });
}

/*
 * In a process restored from a snapshot, `require("node:console").Console` is undefined (Node 20 and
 * 22): the logger the handler makes (Powertools) constructs one. The class is there while building;
 * it is put back on the console once the snapshot is restored.
 */
function consoleClassAfterRestore(): void {
  const { Console } = require("node:console") as typeof import("node:console");
  startupSnapshot.addDeserializeCallback(() => {
    if (typeof console.Console !== "function") Object.defineProperty(console, "Console", { value: Console, writable: true, configurable: true });
  });
}

/**
 * While `node --build-snapshot` runs the entry: errors capture no stack trace, the console keeps its
 * Console class after restore, Node 20 gets the array
 * methods node:http needs (both above), and every `new Intl.X(...)` until the heap is written makes
 * a stand-in (see above); once the snapshot is restored they make real objects again. Call it
 * before any module that makes an Intl object at load. Outside a snapshot build it does nothing.
 */
export function guardSnapshotBuild(): void {
  if (installed || !startupSnapshot.isBuildingSnapshot()) return;
  installed = true;
  captureNoStacksWhileBuilding();
  arrayCopyMethodsWhileBuilding();
  consoleClassAfterRestore();
  const intl = Intl as unknown as Record<string, IntlConstructor | undefined>;
  let building = true;
  for (const name of INTL_CONSTRUCTORS) {
    const Real = intl[name];
    if (!Real) continue;
    // After the restore the constructors make real objects again, from real arguments: a stand-in
    // Locale kept from the build and given to `new Intl.NumberFormat(locale)` is not a Locale to V8
    // (it would be read as an empty list of locales, the default locale). Collator, DateTimeFormat and
    // NumberFormat may also be called without `new`.
    const make = (args: unknown[]) => (building ? standInFor(Real, args) : new Real(...args.map(realOf)));
    intl[name] = new Proxy(Real, { construct: (_target, args: unknown[]) => make(args), apply: (_target, _this, args: unknown[]) => make(args) });
  }
  startupSnapshot.addSerializeCallback(() => {
    building = false;
    for (const standIn of allStandIns) {
      standIn.real = undefined;
      standIn.methods.clear();
    }
    // Each live stand-in keeps its own record; the list would only keep the dead ones' arguments in the heap.
    allStandIns = [];
  });
}

/** How many stand-ins were made while building (for the build's own check and its tests). */
export function intlStandInCount(): number {
  return madeWhileBuilding;
}
