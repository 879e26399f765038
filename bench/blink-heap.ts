// What a piece of page work leaves to Blink's garbage collector (Oilpan) (issue 16, drag frames): the frames of a drag
// that went over budget were the collector's sweep tasks, whose cost grows with the dead Blink objects — layout
// results and fragments, computed styles, paint chunks' hit-test data. Detailed memory-infra dumps of the page's
// renderer before and after the work count the heap's objects by type; the growth is what the work allocated, as long
// as no garbage collection ran in between (then the counts fall, and the caller measures again).
import type { Page } from 'playwright-core';

interface DumpEvent {
  ph: string;
  pid: number;
  id?: string;
  args?: { dumps?: { allocators?: Record<string, { attrs?: Record<string, { value?: string }> }> } };
}

export interface BlinkHeapGrowth {
  /** Bytes of Oilpan objects allocated during the work. */
  bytes: number;
  /** Of which layout's: layout results, fragments and their parts, line items, constraint spaces. */
  layoutBytes: number;
  /** Paint chunks' hit-test data objects allocated (one per chunk painted again). */
  hitTestData: number;
  /** No collection ran during the work (then object counts fall): the figures are the work's allocation. */
  valid: boolean;
}

const TYPE = /^blink_objects\/blink_gc\/main\/(?:blink::)?(.*) \(0x[0-9a-f]+\)$/;
const LAYOUT =
  /^(LayoutResult|LayoutResult::RareData|PhysicalBoxFragment|PhysicalLineBoxFragment|PhysicalFragmentRareData|PhysicalFragment::OofData|LogicalLineItems|ConstraintSpace::RareData|GridSizingTrackCollection|GridItemData|HeapVectorBacking<(?:blink::)?(?:PhysicalFragmentLink|FragmentItem)>)$/;

/** Object count and bytes per Oilpan type in one renderer's dump. */
function byType(e: DumpEvent): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>();
  for (const [name, dump] of Object.entries(e.args?.dumps?.allocators ?? {})) {
    const type = TYPE.exec(name)?.[1];
    if (!type) continue;
    const hex = (k: string) => Number.parseInt(dump.attrs?.[k]?.value ?? '0', 16);
    out.set(type.replace(/cppgc::internal::|blink::/g, ''), {
      count: hex('object_count'),
      bytes: hex('allocated_objects_size'),
    });
  }
  return out;
}

/**
 * The Oilpan allocation of each of `runs` repetitions of `work` in the page's renderer (see the file's comment), from
 * one trace with a dump before and after each repetition.
 */
export async function blinkHeapGrowth(page: Page, work: () => Promise<void>, runs: number): Promise<BlinkHeapGrowth[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: DumpEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as DumpEvent[])));
  const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['disabled-by-default-memory-infra', 'blink_gc'],
      // no periodic dumps: only the ones asked for (the protocol types this object as a string map)
      memoryDumpConfig: { triggers: [] } as unknown as Record<string, string>,
    },
  });
  const dump = () => cdp.send('Tracing.requestMemoryDump', { deterministic: false, levelOfDetail: 'detailed' });
  await dump();
  for (let k = 0; k < runs; k++) {
    await work();
    await dump();
  }
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const dumps = events.filter((e) => e.ph === 'v' && e.args?.dumps?.allocators);
  const ids = [...new Set(dumps.map((e) => e.id))];
  if (ids.length !== runs + 1) throw new Error(`expected ${runs + 1} memory dumps, got ${ids.length}`);
  // every renderer process dumps; the page's is the one whose heap changed most (the others sat idle). Each one's
  // heap at every dump, null where it did not report:
  const pids = [...new Set(dumps.map((d) => d.pid))];
  const renderers = pids.map((pid) => {
    const heaps = ids.map((id) => {
      const e = dumps.find((d) => d.id === id && d.pid === pid);
      return e ? byType(e) : null;
    });
    let moved = 0;
    heaps.forEach((after, k) => {
      const before = k > 0 ? heaps[k - 1] : null;
      if (after && before)
        for (const [type, now] of after) moved += Math.abs(now.bytes - (before.get(type)?.bytes ?? 0));
    });
    return { heaps, moved };
  });
  const { heaps } = renderers.reduce((a, b) => (b.moved > a.moved ? b : a));
  return heaps.slice(1).map((after, k) => growth(heaps[k], after));
}

function growth(
  before: Map<string, { count: number; bytes: number }> | null,
  after: Map<string, { count: number; bytes: number }> | null,
): BlinkHeapGrowth {
  if (!before || !after) return { bytes: 0, layoutBytes: 0, hitTestData: 0, valid: false };
  let bytes = 0;
  let layoutBytes = 0;
  let fell = 0;
  for (const [type, now] of after) {
    const was = before.get(type) ?? { count: 0, bytes: 0 };
    bytes += now.bytes - was.bytes;
    if (LAYOUT.test(type)) layoutBytes += now.bytes - was.bytes;
    if (now.count < was.count) fell += was.count - now.count;
  }
  const hit = (m: Map<string, { count: number }>) => m.get('HitTestData')?.count ?? 0;
  // a few hundred objects fall by themselves (caches trimmed); a collection frees tens of thousands
  return { bytes, layoutBytes, hitTestData: hit(after) - hit(before), valid: fell <= 2000 };
}
