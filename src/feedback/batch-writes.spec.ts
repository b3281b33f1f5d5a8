import { BatchWrites } from './batch-writes';

/** A write that finishes when the test says so, and records that it started. */
function gate(started: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    write: () => {
      started.push(name);
      return done;
    },
    finish,
    fail,
  };
}

/** A batch's response ids. */
const keys = (...ids: string[]) => new Set(ids);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchWrites', () => {
  it('writes two batches without a shared key side by side, and a third only when the first is done', async () => {
    const started: string[] = [];
    const writes = new BatchWrites(2);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => gate(started, n));
    await writes.start(keys('1'), a.write);
    await writes.start(keys('2'), b.write);
    expect(started).toEqual(['a', 'b']);
    const third = writes.start(keys('3'), c.write);
    await tick();
    expect(started).toEqual(['a', 'b']);
    a.finish();
    await third;
    expect(started).toEqual(['a', 'b', 'c']);
    b.finish();
    c.finish();
    await writes.settled();
  });

  it('with room for three, holds a batch only for the one in flight it shares a key with', async () => {
    const started: string[] = [];
    const writes = new BatchWrites(3);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(started, n));
    await writes.start(keys('1'), a.write);
    await writes.start(keys('2'), b.write);
    const third = writes.start(keys('3', '2'), c.write);
    await tick();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await third;
    expect(started).toEqual(['a', 'b', 'c']);
    await writes.start(keys('4'), d.write); // a and c in flight: room for one more
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    a.finish();
    c.finish();
    d.finish();
    await writes.settled();
  });

  it('holds a batch that shares a response id with one in flight until that one is done', async () => {
    const started: string[] = [];
    const writes = new BatchWrites(2);
    const [a, b] = ['a', 'b'].map((n) => gate(started, n));
    await writes.start(keys('1', '7'), a.write);
    const second = writes.start(keys('2', '7'), b.write);
    await tick();
    expect(started).toEqual(['a']);
    a.finish();
    await second;
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await writes.settled();
  });

  it('writes one at a time when its concurrency is one', async () => {
    const started: string[] = [];
    const writes = new BatchWrites(1);
    const [a, b] = ['a', 'b'].map((n) => gate(started, n));
    await writes.start(keys('1'), a.write);
    const second = writes.start(keys('2'), b.write);
    await tick();
    expect(started).toEqual(['a']);
    a.finish();
    await second;
    b.finish();
    await writes.settled();
    expect(started).toEqual(['a', 'b']);
  });

  it('starts nothing more after a write failed, and reports the first failure', async () => {
    const started: string[] = [];
    const writes = new BatchWrites(2);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => gate(started, n));
    await writes.start(keys('1'), a.write);
    await writes.start(keys('2'), b.write);
    a.fail(new Error('first'));
    b.fail(new Error('second'));
    await expect(writes.start(keys('3'), c.write)).rejects.toThrow('first');
    await writes.settled();
    expect(started).toEqual(['a', 'b']);
    expect(() => writes.throwIfFailed()).toThrow('first');
  });
});
