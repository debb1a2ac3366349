import { describeDroneLink } from './drone-link.conformance.js';
import { FakeDroneLink } from './fake-link.js';
import { openRing } from './mission-items.js';

const HOME = { lon: 120.38, lat: 36.1, altM: 12 };

describeDroneLink('FakeDroneLink (in memory, 2 ms per item)', () => {
  const link = new FakeDroneLink({ stepMs: 2, linkFailsafeMs: 10 });
  return Promise.resolve({
    link,
    droneId: 'fake-1',
    home: HOME,
    faults: {
      refuseUploads: () => {
        // the fake refuses one upload at a time (failNextUpload); the suite makes one attempt
        link.failNextUpload('fake-1', 'vehicle refused the mission');
        return () => undefined;
      },
      failInFlight: () => link.failInFlight('fake-1', 'simulated motor failure'),
      refuseFence: () => link.refuseFence('fake-1'),
      // brief: under the vehicle's lost-link timer (10 ms); past it: well over
      cutLink: (pastFailsafe) => link.cutLink('fake-1', pastFailsafe ? 60 : 5),
      autopilotFailsafe: () => link.autopilotFailsafe('fake-1', 'Wind above limit'),
    },
    onboard: () => {
      const s = link.onboard('fake-1');
      return { fenceVertices: s ? [...s.inclusion, ...s.exclusions].reduce((n, r) => n + openRing(r).length, 0) : 0, rally: s?.rally.length ?? 0 };
    },
    close: () => {
      link.close();
      return Promise.resolve();
    },
  });
});
