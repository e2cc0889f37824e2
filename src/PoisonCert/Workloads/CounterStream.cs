using System.Runtime.InteropServices;

namespace PoisonCert.Workloads;

/// <summary>
/// Counter-based SplitMix64 streams (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): every array of a benchmark workload has its own integer key, and element i of its stream is a
/// pure function of (key, i), so the data are identical in any language and any evaluation order.
/// <code>
///   draw(key, i) = mix((key &lt;&lt; 40) + i·0x9E3779B97F4A7C15)   (mod 2⁶⁴), i = 1, 2, 3, …
///   u(key, i)    = (draw(key, i) &gt;&gt; 11) · 2⁻⁵³                  a double in [0, 1)
/// </code>
/// </summary>
public static class CounterStream
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static ulong Mix(ulong z) => Data.SplitMix64.Mix(z);

    public static ulong Draw(ulong key, ulong index) => Mix(unchecked((key << 40) + index * Gamma));

    public static double Unit(ulong key, ulong index) => (Draw(key, index) >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>lo + (hi − lo)·u(key, j + 1) for j = 0 … count−1, in double.</summary>
    public static double[] Uniform(ulong key, int count, double low, double high)
    {
        var values = new double[count];
        for (var j = 0; j < count; j++) values[j] = low + (high - low) * Unit(key, (ulong)j + 1);
        return values;
    }

    /// <summary>Box–Muller: √(−2·log1p(−u(key, 2j+1))) · cos(2π·u(key, 2j+2)), in double.</summary>
    public static double[] Normal(ulong key, int count)
    {
        var values = new double[count];
        for (var j = 0; j < count; j++)
        {
            var radius = Math.Sqrt(-2.0 * LogOnePlus(-Unit(key, 2 * (ulong)j + 1)));
            values[j] = radius * Math.Cos(2.0 * Math.PI * Unit(key, 2 * (ulong)j + 2));
        }
        return values;
    }

    /// <summary>
    /// log(1 + x) from the C library (glibc on Linux), the function the workload definition names; elsewhere the
    /// classic accurate formula log(w)·x/(w − 1) with w = fl(1 + x) (Goldberg, "What every computer scientist
    /// should know about floating-point arithmetic", 1991, Theorem 4).
    /// </summary>
    public static double LogOnePlus(double x)
    {
        if (OperatingSystem.IsLinux()) return NativeMath.log1p(x);
        var w = 1.0 + x;
        return w == 1.0 ? x : Math.Log(w) * x / (w - 1.0);
    }

    public static float[] ToSingle(double[] values)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = (float)values[i];
        return result;
    }
}

internal static partial class NativeMath
{
    [LibraryImport("libm.so.6")]
    [UnmanagedCallConv(CallConvs = new[] { typeof(System.Runtime.CompilerServices.CallConvCdecl) })]
    internal static partial double log1p(double x);
}
