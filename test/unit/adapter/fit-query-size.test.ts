import { describe, expect, it } from 'vitest';
import { fitQuerySize } from '../../../packages/core/src/adapter/statement-settings.js';

describe('fitQuerySize: the max_query_size a statement tsdbt writes needs for its length', () => {
  it('none for a short statement', () => {
    expect(fitQuerySize('SELECT 1')).toBeUndefined();
    expect(fitQuerySize('x'.repeat(12_288))).toBeUndefined();
  });

  it("counts what is sent beside the text (query comment, FORMAT) before the threshold: a 16,345-byte list was refused under a 16 KiB profile", () => {
    expect(fitQuerySize('x'.repeat(16_345))).toEqual({ max_query_size: 262_144 });
    expect(fitQuerySize('x'.repeat(12_289))).toEqual({ max_query_size: 262_144 });
  });

  it('past the default, the statement and its headroom', () => {
    expect(fitQuerySize('x'.repeat(300_000))).toEqual({ max_query_size: 304_096 });
  });
});
