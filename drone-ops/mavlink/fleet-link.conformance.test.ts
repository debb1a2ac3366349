import { describeDroneLink } from '../link/drone-link.conformance.js';
import { MavlinkDroneLink } from './fleet-link.js';
import { HOME, startRig } from './testing.js';

/** MAV_MISSION_RESULT NO_SPACE: the simulator answers MISSION_COUNT with it (mission NACK fault). */
const MAV_MISSION_NO_SPACE = 4;

// Real MAVLink 2 over loopback UDP against simulators/vehicle, 50× time (20 ms ticks) to keep the suite short.
describeDroneLink('MavlinkDroneLink over UDP to the vehicle simulator', async () => {
  const rig = await startRig({ tickMs: 20, timeScale: 50 });
  const link = new MavlinkDroneLink();
  link.add('sim-1', rig.link);
  return {
    link,
    droneId: 'sim-1',
    home: HOME,
    faults: {
      refuseUploads: () => {
        rig.vehicle.faults.missionNack = MAV_MISSION_NO_SPACE;
        return () => {
          rig.vehicle.faults.missionNack = undefined;
        };
      },
      // below the simulator's low-battery threshold: it announces a failsafe and returns home
      failInFlight: () => {
        rig.vehicle.flight.battery = 20;
      },
    },
    async close() {
      link.remove('sim-1');
      await rig.close();
    },
  };
});
