using System.Diagnostics;
using PoisonCert.Data;
using PoisonCert.Kernels;
using PoisonCert.Workloads;

namespace PoisonCert.Cli;

/// <summary>
/// The command's default action until certified training lands: a demonstration of the sound interval kernels
/// on a shipped real dataset. It standardises the WDBC breast-cancer features, perturbs every feature by ±ε, and
/// pushes the whole feature box through a dense layer whose weights are a box W ± δ (a seeded random layer), with
/// both interval matrix products; then it samples concrete inputs and weights from the boxes and checks that
/// every resulting output lies inside the computed bounds.
/// </summary>
internal static class KernelDemonstration
{
    private const int Hidden = 64;
    private const float Epsilon = 0.01f, WeightRadius = 0.001f;

    public static int Run(TextWriter output)
    {
        var raw = new DatasetRegistry().Load("wdbc");
        var dataset = FeatureScaling.Fit(raw, ScalingMethod.Standardize).Apply(raw);
        int rows = dataset.Rows, columns = dataset.Columns;
        var features = dataset.Features.ToArray().Select(v => (float)v).ToArray();
        var inputLower = features.Select(v => v - Epsilon).ToArray();
        var inputUpper = features.Select(v => v + Epsilon).ToArray();
        // Weights stored as columns × Hidden so that outputs = inputs · weights.
        var weights = CounterStream.ToSingle(CounterStream.Uniform(7, columns * Hidden, -0.2, 0.2));
        var weightLower = weights.Select(v => v - WeightRadius).ToArray();
        var weightUpper = weights.Select(v => v + WeightRadius).ToArray();

        output.WriteLine($"poisoncert {Program.Version}: interval kernel demonstration on {dataset.Name} ({rows} × {columns}, standardised)");
        output.WriteLine($"input box ±{Epsilon}, weight box ±{WeightRadius}, dense layer {columns} → {Hidden}");
        var results = new List<(string Name, float[] Lower, float[] Upper, double Milliseconds)>();
        foreach (var (name, product) in new (string, Action<float[], float[]>)[]
        {
            ("midpoint-radius", (l, u) => IntervalMatMul.MidpointRadius<float>(inputLower, inputUpper, weightLower, weightUpper, l, u, rows, columns, Hidden)),
            ("exact sign-case", (l, u) => IntervalMatMul.Exact<float>(inputLower, inputUpper, weightLower, weightUpper, l, u, rows, columns, Hidden)),
        })
        {
            var lower = new float[rows * Hidden];
            var upper = new float[rows * Hidden];
            var clock = Stopwatch.StartNew();
            product(lower, upper);
            results.Add((name, lower, upper, clock.Elapsed.TotalMilliseconds));
        }

        var escapes = CountEscapes(results, features, weights, inputLower, inputUpper, weightLower, weightUpper, rows, columns);
        foreach (var (name, lower, upper, milliseconds) in results)
        {
            var meanWidth = lower.Zip(upper, (l, u) => (double)u - l).Average();
            output.WriteLine($"  {name,-16} mean output width {meanWidth:E3}   {milliseconds,8:F2} ms");
        }
        output.WriteLine($"sampled {SampleCount} input/weight pairs from the boxes: {escapes} outputs outside the bounds");
        return escapes == 0 ? ExitCodes.Success : ExitCodes.Refused;
    }

    private const int SampleCount = 20;

    // Concrete members of the boxes, evaluated in double (whose error is far below float's outward steps here);
    // any output outside a bound is counted.
    private static int CountEscapes(List<(string Name, float[] Lower, float[] Upper, double Milliseconds)> results, float[] features,
        float[] weights, float[] inputLower, float[] inputUpper, float[] weightLower, float[] weightUpper, int rows, int columns)
    {
        var random = new Random(11);
        var escapes = 0;
        for (var sample = 0; sample < SampleCount; sample++)
        {
            var row = random.Next(rows);
            var input = Enumerable.Range(0, columns).Select(c => Pick(random, inputLower[row * columns + c], inputUpper[row * columns + c])).ToArray();
            var weight = Enumerable.Range(0, columns * Hidden).Select(i => Pick(random, weightLower[i], weightUpper[i])).ToArray();
            for (var h = 0; h < Hidden; h++)
            {
                double value = 0;
                for (var c = 0; c < columns; c++) value += input[c] * weight[c * Hidden + h];
                foreach (var (_, lower, upper, _) in results)
                    if (value < lower[row * Hidden + h] || value > upper[row * Hidden + h]) escapes++;
            }
        }
        return escapes;
    }

    private static double Pick(Random random, float lower, float upper)
        => random.Next(3) switch { 0 => lower, 1 => upper, _ => lower + (upper - (double)lower) * random.NextDouble() };
}
