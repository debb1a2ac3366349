import { describe, expect, it } from 'vitest';
import { cityTime, droneArrivedNote, pictureNote, renderNote } from './timeline-notes.js';
import type { MediaMeta } from '../response/index.js';

const meta = (over: Partial<MediaMeta> = {}): MediaMeta => ({
  id: 'm1', contentType: 'image/jpeg', size: 10, width: 640, height: 480, source: 'drone', uploadedBy: 'drone:D-1', filename: 'a.jpg',
  missionId: 'mi-1', alertId: 'al-1', position: { lat: 36.07, lon: 120.38 }, takenAt: '2026-12-03T14:30:00.000Z', createdAt: '2026-12-03T14:30:01.000Z', ...over,
} as MediaMeta);

describe('timeline notes the platform writes', () => {
  it('a drone picture: code and parameters, English (as before, time in the city zone) and Chinese', () => {
    const { note, detail } = pictureNote(meta());
    expect(detail.code).toBe('picture');
    expect(detail.params).toEqual({ source: 'drone', mediaId: 'm1', contentType: 'image/jpeg', width: 640, height: 480, missionId: 'mi-1', lat: 36.07, lon: 120.38, takenAt: Date.parse('2026-12-03T14:30:00.000Z') });
    expect(note).toBe('drone picture m1 (image/jpeg, 640×480) from mission mi-1 at 36.070000,120.380000, taken 2026-12-03 22:30:00 +08:00');
    expect(detail.notes.en).toBe(note);
    expect(detail.notes['zh-CN']).toBe('无人机照片 m1（image/jpeg, 640×480），来自飞行任务 mi-1，位置 36.070000,120.380000，拍摄于 2026-12-03 22:30:00 +08:00');
  });

  it('a responder picture for a task, without size or position', () => {
    const { detail } = pictureNote(meta({ source: 'responder', taskId: 't-9', width: undefined, height: undefined, position: undefined }));
    expect(detail.notes.en).toBe('responder picture m1 (image/jpeg) for task t-9, taken 2026-12-03 22:30:00 +08:00');
    expect(detail.notes['zh-CN']).toBe('处置人员照片 m1（image/jpeg），处置任务 t-9，拍摄于 2026-12-03 22:30:00 +08:00');
  });

  it('a drone over the target, with and without a position', () => {
    expect(droneArrivedNote('D-1', 'mi-1', { lat: 36.07, lon: 120.38 }).detail.notes).toEqual({
      en: 'drone D-1 over the target (mission mi-1) at 36.070000,120.380000',
      'zh-CN': '无人机 D-1 已到达目标上空（飞行任务 mi-1），位置 36.070000,120.380000',
    });
    expect(droneArrivedNote('D-1', 'mi-1').note).toBe('drone D-1 over the target (mission mi-1)');
  });

  it('city time is UTC+8; an unparsable time is kept as written', () => {
    expect(cityTime(Date.parse('2026-12-31T20:00:00Z'))).toBe('2027-01-01 04:00:00 +08:00');
    expect(renderNote('picture', { source: 'x', mediaId: 'm', contentType: 'image/png', takenAt: 'sometime' }, 'en')).toBe('x picture m (image/png), taken sometime');
  });
});
