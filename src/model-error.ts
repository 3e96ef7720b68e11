/**
 * A resource (BPMN or DMN) that cannot be deployed, with every reason in its message. A module of
 * its own because the engine's BPMN reader and src/dmn both throw it and a deployment rejects both
 * alike, while src/dmn stays independent of the engine.
 */
export class ModelError extends Error {}
