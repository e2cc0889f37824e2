using System.Globalization;
using System.Text;

namespace PoisonCert.Data;

/// <summary>
/// The synthetic two-moons dataset, generated deterministically by scikit-learn's recipe (make_moons): ⌊n/2⌋
/// points of class 0 on the outer arc (cos t, sin t) and n − ⌊n/2⌋ points of class 1 on the inner arc
/// (1 − cos t, 1 − sin t − 0.5), t evenly spaced over [0, π] on each arc, plus independent Gaussian noise of
/// standard deviation <c>noise</c> on both coordinates (Box–Muller on SplitMix64 from <c>seed</c>). The rows are
/// in arc order (class 0, then class 1); the run's split shuffles them. Not sklearn's random stream, so the points
/// differ from sklearn's for the same seed.
/// </summary>
public static class TwoMoons
{
    /// <summary>The points as (x1, x2, label) rows.</summary>
    public static (double X1, double X2, int Label)[] Generate(int samples, double noise, ulong seed)
    {
        if (samples < 2) throw new InvalidConfigurationException($"--samples {samples}: two moons need at least 2 points.");
        if (!(noise >= 0) || !double.IsFinite(noise)) throw new InvalidConfigurationException($"--noise {noise}: expected a finite standard deviation ≥ 0.");
        var random = new SplitMix64(seed);
        int outer = samples / 2, inner = samples - outer;
        var rows = new (double, double, int)[samples];
        for (int i = 0; i < samples; i++)
        {
            bool isOuter = i < outer;
            int index = isOuter ? i : i - outer;
            int count = isOuter ? outer : inner;
            double t = count == 1 ? 0 : Math.PI * index / (count - 1);
            double x = isOuter ? Math.Cos(t) : 1 - Math.Cos(t);
            double y = isOuter ? Math.Sin(t) : 1 - Math.Sin(t) - 0.5;
            var (g1, g2) = Gaussians(random);
            rows[i] = (x + noise * g1, y + noise * g2, isOuter ? 0 : 1);
        }
        return rows;
    }

    /// <summary>The points as CSV text: header <c>x1,x2,label</c>, numbers in shortest round-trip form, '\n' line ends.</summary>
    public static string Csv(int samples, double noise, ulong seed)
    {
        var text = new StringBuilder("x1,x2,label\n");
        foreach (var (x1, x2, label) in Generate(samples, noise, seed))
            text.Append(CultureInfo.InvariantCulture, $"{x1:R},{x2:R},{label}\n");
        return text.ToString();
    }

    // Two independent standard normals from two uniforms in (0, 1] × [0, 1) (Box–Muller).
    private static (double, double) Gaussians(SplitMix64 random)
    {
        double u1 = ((random.Next() >> 11) + 1) * (1.0 / (1UL << 53));
        double u2 = (random.Next() >> 11) * (1.0 / (1UL << 53));
        double radius = Math.Sqrt(-2 * Math.Log(u1));
        return (radius * Math.Cos(2 * Math.PI * u2), radius * Math.Sin(2 * Math.PI * u2));
    }
}
