/** Chart time labels in the console's language and the city's zone (not the machine's, not uPlot's English). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../i18n/index.js';
import { timeTicks } from './chart-time.js';

const s = (iso: string) => Date.parse(iso) / 1000;

describe('chart time axis', () => {
  vi.stubGlobal('document', { documentElement: { lang: '' } });
  afterEach(() => setLang('en'));

  it('labels ticks in Chinese in Asia/Shanghai, the date under the first tick of each day', () => {
    setLang('zh-CN');
    // 23:50 and 00:00 in Shanghai are 15:50 and 16:00 UTC: the day changes at the city's midnight.
    expect(timeTicks([s('2026-12-03T15:40:00Z'), s('2026-12-03T15:50:00Z'), s('2026-12-03T16:00:00Z')], 600)).toEqual(['23:40\n12月3日', '23:50', '00:00\n12月4日']);
    expect(timeTicks([s('2026-12-03T16:00:00Z'), s('2026-12-04T16:00:00Z')], 86_400)).toEqual(['12月4日', '12月5日']);
    expect(timeTicks([s('2026-12-03T11:05:10Z'), s('2026-12-03T11:05:20Z')], 10)).toEqual(['19:05:10\n12月3日', '19:05:20']);
  });

  it('labels them in English when English is chosen, on a 24-hour clock', () => {
    setLang('en');
    expect(timeTicks([s('2026-12-03T11:00:00Z'), s('2026-12-03T12:00:00Z')], 3600)).toEqual(['19:00\nDec 3', '20:00']);
  });
});
