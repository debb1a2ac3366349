import { describeDroneLink } from '../link/drone-link.conformance.js';
import { FENCE_CMD } from './fence.js';
import { MavlinkDroneLink } from './fleet-link.js';
import { HOME, startRig } from './testing.js';

/** MAV_MISSION_RESULT NO_SPACE: the simulator answers MISSION_COUNT with it (mission NACK fault). */
const MAV_MISSION_NO_SPACE = 4;

// Real MAVLink 2 over loopback UDP against simulators/vehicle, 50× time (20 ms ticks) to keep the suite
// short; the controller calls the link lost after 1 s of silence, the vehicle's own timer fires after 1 s too.
for (const autopilot of ['ardupilot', 'px4'] as const) {
  describeDroneLink(`MavlinkDroneLink over UDP to the ${autopilot} vehicle simulator`, async () => {
    const rig = await startRig({ tickMs: 20, timeScale: 50, autopilot }, { autopilot });
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
        // a critical fault: CRITICAL STATUSTEXT and the vehicle lands where it is
        failInFlight: () => rig.vehicle.flight.emergency('Motor 3 failure'),
        refuseFence: () => {
          rig.vehicle.faults.fenceNack = MAV_MISSION_NO_SPACE;
          return () => {
            rig.vehicle.faults.fenceNack = undefined;
          };
        },
        cutLink: (pastFailsafe) => rig.vehicle.cutLink(pastFailsafe ? 4000 : 2000),
        autopilotFailsafe: () => {
          rig.vehicle.windMs = 15;
        },
      },
      onboard: () => ({
        fenceVertices: rig.vehicle.flight.fence.filter((f) => f.command === FENCE_CMD.POLYGON_INCLUSION || f.command === FENCE_CMD.POLYGON_EXCLUSION).length,
        rally: rig.vehicle.flight.rally.length,
      }),
      async close() {
        link.remove('sim-1');
        await rig.close();
      },
    };
  });
}
