import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeasureHandle } from './lab-api';
import { cancelAll, errorCode, errorMessage, Timers } from './lab-jobs';

describe('errorCode / errorMessage', () => {
  it('read a LabClientError-like code and message, and nothing from values without them', () => {
    const busy = Object.assign(new Error('too many running jobs (8)'), { code: 'busy' });
    expect(errorCode(busy)).toBe('busy');
    expect(errorMessage(busy)).toBe('too many running jobs (8)');
    expect(errorCode(new Error('plain'))).toBeUndefined();
    expect(errorCode('busy')).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
    expect(errorMessage('a string')).toBe('a string');
  });
});

describe('Timers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs each callback once after its delay, and none after clear()', () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.later(100, () => ran.push('a'));
    timers.later(300, () => ran.push('b'));
    vi.advanceTimersByTime(99);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual(['a']);
    timers.clear();
    vi.advanceTimersByTime(1000);
    expect(ran).toEqual(['a']);
    timers.later(10, () => ran.push('c')); // usable again after clear()
    vi.advanceTimersByTime(10);
    expect(ran).toEqual(['a', 'c']);
  });
});

describe('cancelAll', () => {
  it('cancels every tracked handle once, after the collection is empty', () => {
    const running = new Map<number, MeasureHandle>();
    const sizeSeenByCancel: number[] = [];
    for (let i = 0; i < 3; i++) {
      running.set(i, { done: new Promise(() => undefined), cancel: () => sizeSeenByCancel.push(running.size) });
    }
    cancelAll(running);
    expect(sizeSeenByCancel).toEqual([0, 0, 0]);
    cancelAll(running); // nothing left to cancel
    expect(sizeSeenByCancel).toHaveLength(3);
  });
});
