// Pulumi's promise tracking formats a stack trace per output; under mocks that dominates
// test time. Stack traces are not needed to assert on findings.
Error.stackTraceLimit = 0;
