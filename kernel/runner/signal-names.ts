// Signal names and numbers, defined in the bottom layer (kernel/base) so that
// native/ shares them without importing the runner.
export { signalName, signalNumber } from '../base/signal-names';
