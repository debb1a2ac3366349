import { describe, expect, it } from 'vitest';
import { authorizeIntegrationFilter, authorizeSubscribeFilter } from './acl.js';

describe('platform namespace ACL', () => {
  it('lets integration clients read platform/ filters only', () => {
    for (const ok of ['platform/#', 'platform/alerts/#', 'platform/alerts/+/370202', 'platform/presence/+/+']) {
      expect(authorizeIntegrationFilter(ok), ok).toBe(true);
    }
    for (const bad of ['#', 'platform', '+/alerts/#', '$SYS/#', 'devices/+/telemetry', 'platform/a#', 'platform/#/x', 'platform/al+/x', 'platformx/#']) {
      expect(authorizeIntegrationFilter(bad), bad).toBe(false);
    }
  });

  it('never lets a device subscribe to the platform namespace', () => {
    expect(authorizeSubscribeFilter('gas-1', 'platform/#')).toBe(false);
    expect(authorizeSubscribeFilter('gas-1', 'platform/alerts/red/370202')).toBe(false);
  });
});
