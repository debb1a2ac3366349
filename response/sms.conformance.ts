/**
 * The SmsGateway conformance suite (style.md: every port ships one): what any adapter must do with a text —
 * deliver the number and the text unchanged (Chinese, emoji, quotes, line breaks, a long task notice), have
 * it delivered by the time `send` resolves, and deliver each of many concurrent texts exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smsText } from './notifier.js';
import type { SmsGateway } from './sms.js';
import { task } from './testing.js';

export interface SmsHarness {
  gateway: SmsGateway;
  /** The texts the far side has received so far, in order of arrival. */
  received(): Array<{ to: string; text: string }>;
  close(): Promise<void>;
}

export function describeSmsGateway(name: string, make: () => Promise<SmsHarness>): void {
  describe(`SmsGateway: ${name}`, () => {
    let h: SmsHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    it('delivers the number and the text unchanged, by the time send resolves', async () => {
      const text = '【城市大脑】燃气泄漏 "CH4 27 %LEL"\n请立即前往 🚒 — Shinan';
      await h.gateway.send('+86 532 0000 0001', text);
      expect(h.received()).toEqual([{ to: '+86 532 0000 0001', text }]);
    });

    it('delivers a whole task notice (longer than one SMS segment)', async () => {
      const notice = smsText('task.created', task('0f6c2a1e-1d7b-4c1e-9f5e-2c4b8a9d7e61', { title: 'Stand by against ignition; evacuate if the reading rises' }));
      expect(notice.length).toBeGreaterThan(70);
      await h.gateway.send('+8613800000000', notice);
      expect(h.received()).toEqual([{ to: '+8613800000000', text: notice }]);
    });

    it('delivers each of many concurrent texts exactly once', async () => {
      const texts = Array.from({ length: 20 }, (_, i) => ({ to: `+86 138 0000 ${String(i).padStart(4, '0')}`, text: `task ${i}` }));
      await Promise.all(texts.map((t) => h.gateway.send(t.to, t.text)));
      const got = h.received();
      expect(got).toHaveLength(texts.length);
      expect([...got].sort((a, b) => a.to.localeCompare(b.to))).toEqual(texts);
    });
  });
}
