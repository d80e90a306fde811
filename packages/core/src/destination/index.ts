export { destinationSchema, type Destination, type DestinationKind, type DestinationReason, type DestinationHandler } from './destination.js';
