// The one KeyboardInterrupt, part of the interpreter contract. It is defined
// in the bottom layer (kernel/base) so that native/'s blocking calls throw the
// same class without importing the kernel.
export * from '../base/keyboard-interrupt';
