import { describeDroneLink } from './drone-link.conformance.js';
import { FakeDroneLink } from './fake-link.js';

const HOME = { lon: 120.38, lat: 36.1, altM: 12 };

describeDroneLink('FakeDroneLink (in memory, 2 ms per item)', () => {
  const link = new FakeDroneLink({ stepMs: 2 });
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
    },
    close: () => {
      link.close();
      return Promise.resolve();
    },
  });
});
