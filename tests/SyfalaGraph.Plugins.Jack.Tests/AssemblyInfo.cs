// libjack (jackd2) serves one JACK server per process (see plugins/Jack/Internal/JackProcessClients.cs), and every
// test here starts a server of its own: the tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
