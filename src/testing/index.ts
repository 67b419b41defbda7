export { resource, renderedResources } from "./resources";
export { fixedClock } from "../engine/clock";
