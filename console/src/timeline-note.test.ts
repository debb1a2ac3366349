/** Platform-written timeline notes in the console's language, times in the city's zone. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLang } from './i18n/index.js';
import { systemNote } from './timeline-note.js';

const picture = { code: 'picture', params: { source: 'drone', mediaId: 'm1', contentType: 'image/jpeg', width: 640, height: 480, missionId: 'mi-1', lat: 36.07, lon: 120.38, takenAt: Date.parse('2026-12-03T14:30:00.000Z') } };

describe('system timeline notes in the console', () => {
  vi.stubGlobal('document', { documentElement: { lang: '' } });
  afterEach(() => setLang('en'));

  it('a drone picture in Chinese, the time in the city zone (not ISO Z)', () => {
    setLang('zh-CN');
    const text = systemNote({ detail: picture });
    expect(text).toBe('无人机照片 m1（image/jpeg, 640×480），来自飞行任务 mi-1，位置 36.07000, 120.38000，拍摄于 2026-12-03 22:30:00 +08:00');
  });

  it('in English, and a drone over the target', () => {
    expect(systemNote({ detail: picture })).toBe('Drone picture m1 (image/jpeg, 640×480) from mission mi-1 at 36.07000, 120.38000, taken 2026-12-03 22:30:00 +08:00');
    setLang('zh-CN');
    expect(systemNote({ detail: { code: 'droneOverTarget', params: { droneId: 'D-1', missionId: 'mi-1' } } })).toBe('无人机 D-1 已到达目标上空（飞行任务 mi-1）');
  });

  it('free text and unknown codes are not system notes', () => {
    expect(systemNote({})).toBeNull();
    expect(systemNote({ detail: { code: 'later', params: {} } })).toBeNull();
  });
});
