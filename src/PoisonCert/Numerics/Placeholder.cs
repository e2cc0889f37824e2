namespace PoisonCert.Numerics;
internal static class Placeholder { }
