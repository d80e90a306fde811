import { mediaConformanceSuite, simulatedTarget } from '../testing/index.js';

// The simulated PBX passes the same media scenarios as the FreeSWITCH and Asterisk adapters.
mediaConformanceSuite(simulatedTarget());
