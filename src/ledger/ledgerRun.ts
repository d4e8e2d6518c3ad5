/**
 * One run's life in the ledger, the same for a snapshot run and a report run:
 *
 * 1. prepare: read the chain (the manifests the run's key vouches for, see trust.ts), refuse a run
 *    earlier than the newest one unless it is a backfill, and find the openings of interrupted runs
 *    whose window has ended, with what they left;
 * 2. the first write opens the run (runOpening.ts): the opening is stored, signed, before any object;
 * 3. every object goes through `run.store`, which refuses keys outside the run's opening;
 * 4. finish: the manifest (signed, signature first) records what was written and the heads index
 *    the run leaves (headsIndex.ts), links the opening, follows the trusted heads and closes the
 *    interrupted runs found in step 1.
 *
 * A snapshot run reads the chain through the newest manifest's heads index, so what it reads does
 * not grow with the ledger's age; a report run (which needs the evidence) and a run that must close
 * an interrupted one read every manifest.
 *
 * Killed at any point, the run leaves an opening, objects inside its scope and perhaps the
 * manifest's signature: verify shows them as a pending run, and the first run after the window
 * records them as abandoned, so the ledger verifies again without deleting anything.
 */
import type { DateTime } from 'luxon';
import { isoUtc } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { Signer, VerificationKey } from '../signing/signer.js';
import { ForwardingLedgerStore } from './forwardingStore.js';
import { listOpenings, type OpeningsListing, readThroughHeadsIndex, writeHeadsIndex } from './headsIndex.js';
import { compareKeys, MANIFESTS_PREFIX, parseManifestEnvelopeKey } from './keys.js';
import {
  abandonedObjectsOf,
  chainHeads,
  type ManifestClosing,
  type ManifestLink,
  type ManifestReadout,
  type RecordedObject,
  readManifests,
  recordedObjectsOf,
  type StoredManifest,
  type WrittenManifest,
  writeManifest,
} from './manifest.js';
import { CorruptObjectError, describeWritten, type WrittenObject } from './objects.js';
import {
  inOpeningScope,
  openingSignatureProblem,
  type RunOpening,
  type RunScope,
  readOpening,
  runOpening,
  type StoredOpening,
  writeOpening,
} from './runOpening.js';
import type { LedgerStore, PutBody, PutOptions, PutResult, StoredObjectInfo } from './store.js';
import { EnvelopeReader, trustedManifests } from './trust.js';

export interface RunPlan {
  kind: 'snapshot' | 'report';
  runAt: DateTime;
  /** What the run may write (its snapshots' cluster prefixes, or its report's exact keys). */
  scope: RunScope;
  signer: Signer | null;
  /** `--backfill`: the run's time may be earlier than the newest run; its records say so. */
  backfill: boolean;
  /**
   * The opening another process of the same run already stored (a fanned-out run: one step opens
   * it, others write into it, a last one finishes it). The run then writes no opening of its own,
   * and its time is not checked again: it was when the opening was written.
   */
  opening?: StoredOpening;
}

/** A run earlier than the ledger's newest without --backfill: refused before anything is written (exit 2). */
export class BackdatedRunError extends ConfigError {}

/** A key the run may not write: outside its opening's scope, or after its window. */
export class OutsideRunError extends Error {
  override readonly name = 'OutsideRunError';
}

/**
 * Throws OutsideRunError unless the opening's run may write the key (see inOpeningScope): every
 * writer of a run, in whichever process it runs, checks its keys with this.
 */
export function checkRunKey(opening: RunOpening, key: string): void {
  if (inOpeningScope(opening, key)) return;
  const late = opening.scope.prefixes.some((prefix) => key.startsWith(prefix));
  throw new OutsideRunError(
    late
      ? `${key} is after the run's window (it opened at ${opening.runAt} and may write until ${opening.until})`
      : `programmer error: ${key} is outside the run's opening`,
  );
}

/** What a finished run wrote besides its objects. */
export interface RunRecords extends WrittenManifest {
  opening: WrittenObject;
  /** The heads index the run left (headsIndex.ts), which its manifest records. */
  index: WrittenObject;
}

/** The chain as a run reads it at its start. */
interface ChainView {
  readout: ManifestReadout;
  /** Manifests the run's key vouches for (all of them for an unsigned run). */
  trusted: StoredManifest[];
}

async function readChain(
  store: LedgerStore,
  key: VerificationKey | null,
  envelopes: EnvelopeReader,
  known?: ManifestReadout,
): Promise<ChainView> {
  return chainViewOf(await readManifests(store, known), key, envelopes);
}

async function chainViewOf(
  readout: ManifestReadout,
  key: VerificationKey | null,
  envelopes: EnvelopeReader,
): Promise<ChainView> {
  const trusted = key ? (await trustedManifests(readout, key, envelopes)).manifests : readout.manifests;
  return { readout, trusted };
}

/** The chain and the openings read in full: every manifest, one listing of the openings. */
async function readEverything(
  store: LedgerStore,
  key: VerificationKey | null,
  envelopes: EnvelopeReader,
): Promise<{ chain: ChainView; openings: OpeningsListing }> {
  const chain = await readChain(store, key, envelopes);
  return { chain, openings: await listOpenings(store, chain.readout) };
}

/** The heads a run follows: those of the trusted chain (the last, by key, is `previous`). */
function headsOf(chain: ChainView): StoredManifest[] {
  const heads = chainHeads(chain.trusted);
  return heads.length > 0 ? heads : chain.trusted.slice(-1);
}

function refuseBackdating(chain: ChainView, plan: RunPlan): void {
  if (plan.backfill) return;
  const newest = chain.trusted.reduce<StoredManifest | null>(
    (latest, stored) => (latest === null || stored.manifest.runAt > latest.manifest.runAt ? stored : latest),
    null,
  );
  if (newest && Date.parse(newest.manifest.runAt) > plan.runAt.toMillis()) {
    throw new BackdatedRunError(
      `the run time ${isoUtc(plan.runAt)} is earlier than the newest run in the ledger (${newest.key}, run at ${newest.manifest.runAt}): ` +
        'nothing was written; give --backfill to record an earlier run on purpose (its manifest then says backfill: true)',
    );
  }
}

/**
 * The openings no manifest links (neither as its own nor as closed), readable and, for a signing
 * run, signed by its key: runs that are still going, or that were interrupted.
 */
async function unfinishedOpenings(
  store: LedgerStore,
  openings: OpeningsListing,
  key: VerificationKey | null,
): Promise<StoredOpening[]> {
  const found: StoredOpening[] = [];
  for (const openingKey of openings.unlinked) {
    const read = await readOpening(store, openingKey);
    // An unreadable or foreign-signed opening vouches for nothing: verify names it.
    if (read instanceof CorruptObjectError || (key && openingSignatureProblem(read, key))) continue;
    found.push(read);
  }
  return found;
}

/** What an interrupted run left: objects in its scope that no manifest records (nor already abandons). */
async function leftoversOf(
  store: LedgerStore,
  opening: RunOpening,
  accounted: ReadonlySet<string>,
  manifestKeys: ReadonlySet<string>,
  listed: (prefix: string) => Promise<StoredObjectInfo[]>,
): Promise<WrittenObject[]> {
  const candidates = new Set<string>();
  for (const prefix of [...opening.scope.prefixes, MANIFESTS_PREFIX]) {
    for (const { key } of await listed(prefix)) candidates.add(key);
  }
  for (const key of opening.scope.keys) if (await store.head(key)) candidates.add(key);
  const leftovers: WrittenObject[] = [];
  for (const key of [...candidates].sort(compareKeys)) {
    const envelopeOf = parseManifestEnvelopeKey(key)?.manifestKey;
    // Under manifests/ only a signature whose manifest never came is a leftover.
    if (key.startsWith(MANIFESTS_PREFIX) && (!envelopeOf || manifestKeys.has(envelopeOf))) continue;
    if (accounted.has(key) || !inOpeningScope(opening, key)) continue;
    leftovers.push(describeWritten(key, await store.get(key)));
  }
  return leftovers;
}

/**
 * @example
 * const run = await LedgerRun.prepare(store, { kind: 'report', runAt: now, scope, signer, backfill: false });
 * const written = [await putOnce(run.store, key, text)];
 * await run.finish(written);
 */
export class LedgerRun {
  readonly #store: LedgerStore;
  readonly #plan: RunPlan;
  readonly #opening: RunOpening;
  readonly #envelopes: EnvelopeReader;
  readonly #key: VerificationKey | null;
  readonly #closes: ManifestClosing[];
  /** The openings as listed at the start: what the run's heads index says of them. */
  readonly #openings: OpeningsListing;
  #chain: ChainView;
  #opened: Promise<StoredOpening> | undefined;

  readonly #evidence: ReadonlyMap<string, RecordedObject> | null;
  readonly #untrusted: ReadonlyMap<string, string> | null;
  readonly #abandoned: ReadonlySet<string> | null;
  /**
   * What a report rests on: the newest head of the trusted chain as it stood before the run's time
   * (null when nothing came before). Runs at the same instant see the same head, so a report re-run
   * at its instant stores the same bytes; every later head descends from it.
   */
  readonly head: ManifestLink | null;
  /** The fingerprint of the signing key, or null for an unsigned run. */
  readonly signingKey: string | null;
  /** Every object a report may write goes through this view of the store. */
  readonly store: LedgerStore;

  private constructor(
    store: LedgerStore,
    plan: RunPlan,
    chain: ChainView,
    key: VerificationKey | null,
    envelopes: EnvelopeReader,
    closes: ManifestClosing[],
    openings: OpeningsListing,
  ) {
    this.#store = store;
    this.#openings = openings;
    this.#plan = plan;
    this.#chain = chain;
    this.#key = key;
    this.#envelopes = envelopes;
    this.#closes = closes;
    // Every opening's scope holds index/heads/ (runOpening.ts): the run's heads index goes there.
    this.#opening = plan.opening?.opening ?? runOpening(plan);
    if (plan.opening) this.#opened = Promise.resolve(plan.opening);
    if (chain.readout.summarized) {
      // Read through the heads index: the objects of older manifests are unknown, so none of these is.
      this.#evidence = this.#untrusted = this.#abandoned = null;
    } else {
      const evidence = recordedObjectsOf(chain.trusted);
      const trusted = new Set(chain.trusted.map((stored) => stored.key));
      this.#evidence = evidence;
      this.#untrusted = new Map(
        [...recordedObjectsOf(chain.readout.manifests.filter((stored) => !trusted.has(stored.key)))]
          .filter(([key]) => !evidence.has(key))
          .map(([key, recorded]) => [key, recorded.manifestKey]),
      );
      this.#abandoned = new Set([
        ...abandonedObjectsOf(chain.readout.manifests).keys(),
        ...closes.flatMap((closing) => closing.abandoned.map((entry) => entry.key)),
      ]);
    }
    const before = chain.trusted.filter((stored) => Date.parse(stored.manifest.runAt) < plan.runAt.toMillis());
    const head = headsOf({ readout: chain.readout, trusted: before }).at(-1);
    this.head = head ? { key: head.key, sha256: head.sha256 } : null;
    this.signingKey = key?.keyId ?? null;
    this.store = new RunStore(store, this);
  }

  /**
   * Reads what the run needs and checks its time; writes nothing. BackdatedRunError when the run is
   * earlier than the newest trusted run and not a backfill.
   */
  static async prepare(store: LedgerStore, plan: RunPlan): Promise<LedgerRun> {
    const key = plan.signer ? await plan.signer.verificationKey() : null;
    const envelopes = new EnvelopeReader(store);
    // Only a report takes evidence from the chain: a snapshot run places itself through the heads
    // index (a fanned-out run's later steps, which account for their own leftovers, read every manifest).
    const indexed =
      plan.kind === 'snapshot' && !plan.opening ? await readThroughHeadsIndex(store, { key, envelopes }) : null;
    let { chain, openings } =
      indexed && 'readout' in indexed
        ? { chain: await chainViewOf(indexed.readout, key, envelopes), openings: indexed.openings }
        : await readEverything(store, key, envelopes);
    if (!plan.opening) refuseBackdating(chain, plan);
    // Only once its window has ended can nothing more of that run arrive.
    const endedOf = async () =>
      (await unfinishedOpenings(store, openings, key)).filter(
        (stored) => Date.parse(stored.opening.until) <= plan.runAt.toMillis(),
      );
    let ended = await endedOf();
    // Closing an interrupted run needs every object the manifests record: read them all.
    if (ended.length > 0 && chain.readout.summarized) {
      ({ chain, openings } = await readEverything(store, key, envelopes));
      ended = await endedOf();
    }
    const recorded = new Set([
      ...recordedObjectsOf(chain.readout.manifests).keys(),
      ...abandonedObjectsOf(chain.readout.manifests).keys(),
    ]);
    const manifestKeys = new Set(chain.readout.manifests.map((stored) => stored.key));
    // Interrupted runs of the same clusters share prefixes: each is listed once.
    const listings = new Map<string, Promise<StoredObjectInfo[]>>();
    const listed = (prefix: string) => {
      if (!listings.has(prefix)) listings.set(prefix, store.list(prefix));
      return listings.get(prefix)!;
    };
    const closes: ManifestClosing[] = [];
    for (const stored of ended) {
      const abandoned = await leftoversOf(store, stored.opening, recorded, manifestKeys, listed);
      closes.push({ opening: { key: stored.key, sha256: stored.sha256 }, abandoned });
    }
    return new LedgerRun(store, plan, chain, key, envelopes, closes, openings);
  }

  /** Objects recorded as evidence by the manifests the run trusts: what a report may use. */
  get evidence(): ReadonlyMap<string, RecordedObject> {
    return this.#everyManifestRead(this.#evidence);
  }

  /** Objects recorded only by manifests the run's key does not vouch for, with the manifest. */
  get untrusted(): ReadonlyMap<string, string> {
    return this.#everyManifestRead(this.#untrusted);
  }

  /** Objects of interrupted runs, recorded as abandoned or about to be: never evidence. */
  get abandoned(): ReadonlySet<string> {
    return this.#everyManifestRead(this.#abandoned);
  }

  #everyManifestRead<T>(value: T | null): T {
    if (value === null) throw new Error('programmer error: a snapshot run reads the chain index, not the evidence');
    return value;
  }

  /** The manifests as read at the start (a caller reading the ledger further reuses them). */
  get readout(): ManifestReadout {
    return this.#chain.readout;
  }

  /** Stores the opening once, before the first object (concurrent writers wait for the same one). */
  opened(): Promise<StoredOpening> {
    this.#opened ??= writeOpening(this.#store, this.#opening, this.#plan.signer);
    return this.#opened;
  }

  /** Throws OutsideRunError unless the run may write the key (see inOpeningScope). */
  checkKey(key: string): void {
    checkRunKey(this.#opening, key);
  }

  /**
   * What a fanned-out run left in its own scope besides `written`: objects inside its opening's
   * scope and window that no manifest records or abandons (a step that stored its object and then
   * failed, and was retried). An object another unfinished run's opening could also claim (two
   * runs of the same clusters at once) is left alone: it may be that run's, and that run records it.
   * Empty for a run that has not opened.
   */
  async leftovers(written: readonly WrittenObject[]): Promise<WrittenObject[]> {
    if (!this.#opened) return [];
    const own = await this.#opened;
    // What is accounted for needs every manifest's objects, which a chain index does not list.
    const readout = this.#chain.readout.summarized ? await readManifests(this.#store) : this.#chain.readout;
    const accounted = new Set([
      ...recordedObjectsOf(readout.manifests).keys(),
      ...abandonedObjectsOf(readout.manifests).keys(),
      ...written.map((object) => object.key),
    ]);
    const manifestKeys = new Set(readout.manifests.map((stored) => stored.key));
    const others = (await unfinishedOpenings(this.#store, await listOpenings(this.#store, readout), this.#key)).filter(
      (stored) => stored.key !== own.key,
    );
    const found = await leftoversOf(this.#store, own.opening, accounted, manifestKeys, (prefix) =>
      this.#store.list(prefix),
    );
    return found.filter((object) => !others.some((other) => inOpeningScope(other.opening, object.key)));
  }

  /**
   * Writes the manifest of what the run wrote: signed when the run has a signer, linking the
   * opening, following the trusted heads, closing the interrupted runs found at the start. Null
   * when the run wrote nothing (not even its opening).
   *
   * `abandoned`: objects in the run's own scope that it does not vouch for (a fanned-out step that
   * stored its object and then failed, and was retried): the manifest closes its own opening with
   * them, so they are accounted for and never evidence, exactly like an interrupted run's leftovers.
   */
  async finish(
    written: readonly WrittenObject[],
    options: { abandoned?: readonly WrittenObject[] } = {},
  ): Promise<RunRecords | null> {
    if (!this.#opened) return null;
    const opening = await this.#opened;
    const abandoned = (options.abandoned ?? []).map(({ key, size, sha256 }) => ({ key, size, sha256 }));
    this.#chain = await readChain(this.#store, this.#key, this.#envelopes, this.#chain.readout);
    const follow = headsOf(this.#chain);
    const closed = new Set([opening.key, ...this.#closes.map((closing) => closing.opening.key)]);
    const index = await writeHeadsIndex(this.#store, {
      runAt: this.#plan.runAt,
      readout: this.#chain.readout,
      follows: follow,
      openings: {
        listed: new Set([...this.#openings.listed, opening.key]),
        unfinished: this.#openings.unlinked.filter((key) => !closed.has(key)),
      },
    });
    const records = await writeManifest(
      this.#store,
      {
        runAt: this.#plan.runAt,
        kind: this.#plan.kind,
        written: [...written, index],
        follow,
        opening: { key: opening.key, sha256: opening.sha256 },
        closes:
          abandoned.length > 0
            ? [...this.#closes, { opening: { key: opening.key, sha256: opening.sha256 }, abandoned }]
            : this.#closes,
        backfill: this.#plan.backfill,
      },
      this.#plan.signer,
    );
    return { ...records, opening: { key: opening.key, size: opening.size, sha256: opening.sha256 }, index };
  }
}

/** The store as a run sees it: writes open the run first and stay inside its opening. */
class RunStore extends ForwardingLedgerStore {
  constructor(
    inner: LedgerStore,
    private readonly run: LedgerRun,
  ) {
    super(inner);
  }

  override async put(key: string, body: PutBody, options: PutOptions): Promise<PutResult> {
    this.run.checkKey(key);
    await this.run.opened();
    return this.inner.put(key, body, options);
  }
}

/**
 * The store as a step of a fanned-out run sees it (a Step Functions Map over clusters): the run
 * was opened by another process, so writes only stay inside that opening, checked as RunStore does.
 */
export class OpenedRunStore extends ForwardingLedgerStore {
  constructor(
    inner: LedgerStore,
    private readonly opening: RunOpening,
  ) {
    super(inner);
  }

  override put(key: string, body: PutBody, options: PutOptions): Promise<PutResult> {
    checkRunKey(this.opening, key);
    return this.inner.put(key, body, options);
  }
}
